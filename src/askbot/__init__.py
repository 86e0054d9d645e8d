"""askbot: answers questions about news articles with verbatim, cited excerpts.

The public names below are imported on first use (PEP 562), not with the package: every
``import askbot.x`` runs this file first, and a one-shot ``askbot ask`` must be able to
set up the process (``askbot.cli``) before numpy and the model runtime load.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from askbot.embedders import Embedder
    from askbot.errors import AskbotError
    from askbot.models import (
        Answer,
        Article,
        Citation,
        Excerpt,
        IndexInfo,
        IngestReport,
        RankedPassage,
        RetrievalMode,
    )
    from askbot.service import AskBot
    from askbot.settings import Settings

_HOMES = {
    "Answer": "askbot.models",
    "Article": "askbot.models",
    "AskBot": "askbot.service",
    "AskbotError": "askbot.errors",
    "Citation": "askbot.models",
    "Embedder": "askbot.embedders",
    "Excerpt": "askbot.models",
    "IndexInfo": "askbot.models",
    "IngestReport": "askbot.models",
    "RankedPassage": "askbot.models",
    "RetrievalMode": "askbot.models",
    "Settings": "askbot.settings",
}

__all__ = [
    "Answer",
    "Article",
    "AskBot",
    "AskbotError",
    "Citation",
    "Embedder",
    "Excerpt",
    "IndexInfo",
    "IngestReport",
    "RankedPassage",
    "RetrievalMode",
    "Settings",
    "__version__",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'askbot' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
