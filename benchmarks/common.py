"""What the benchmark scripts share: where the data sets are, and cached question vectors.

Scripts use askbot only through its public API (``AskBot``, the evaluate loaders and
metrics, the fusion functions), so what they measure is what users run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askbot import Embedder

ROOT = Path(__file__).resolve().parents[1]
# Beside the checkout, as the README says; ASKBOT_DATASETS points elsewhere (a worktree).
DATASETS = Path(os.environ.get("ASKBOT_DATASETS", ROOT.parent / "shared" / "datasets"))
SQUAD = DATASETS / "squad" / "dev-v1.1.json.gz"
SQUAD2 = DATASETS / "squad" / "dev-v2.0.json.gz"
SCIFACT = DATASETS / "beir_scifact"
EMBEDDINGS = ROOT / "embeddings"

T = TypeVar("T")


def stride(items: Sequence[T], n: int) -> list[T]:
    """``n`` items taken at an even stride (all of them when n is 0)."""
    if not n:
        return list(items)
    return list(items[:: max(1, len(items) // n)][:n])


class CachedQueries:
    """An embedder that serves known questions from vectors computed once in a batch.

    Retrieval metrics over thousands of questions and several settings would otherwise
    spend most of their time re-embedding the same questions one by one.
    """

    def __init__(self, model: Embedder, questions: Sequence[str]) -> None:
        self._model = model
        vectors = model.embed(list(dict.fromkeys(questions)), "query")
        self._cache = dict(zip(dict.fromkeys(questions), vectors, strict=True))

    @property
    def name(self) -> str:
        return self._model.name

    @property
    def dimension(self) -> int:
        return self._model.dimension

    def warm_up(self) -> None:
        self._model.warm_up()

    def embed(self, texts: Sequence[str], kind: str) -> NDArray[np.float32]:
        if all(t in self._cache for t in texts):
            return np.vstack([self._cache[t] for t in texts])
        return self._model.embed(texts, kind)  # type: ignore[arg-type]
