"""askbot: answers questions about news articles with verbatim, cited excerpts."""

__version__ = "0.1.0"

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
