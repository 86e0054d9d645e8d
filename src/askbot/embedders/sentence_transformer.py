"""The sentence-transformers backend (PyTorch, fp32, CPU).

The only module that imports sentence_transformers, and only when the first text is
embedded, so importing askbot (or answering ``--help``) never loads torch.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from askbot.embedders.base import Kind
from askbot.embedders.weights import DEFAULT_MODEL, declared_dimension, resolve_model_path
from askbot.errors import ModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray

BACKEND = "sentence-transformers"


def offline_environment() -> None:
    """Weights come from disk only: never let a library reach for a hub or print bars."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use, on the CPU, fully offline."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64) -> None:
        self._model_name = model
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._dimension: int | None = None

    @property
    def name(self) -> str:
        return f"{BACKEND}:{self._model_name}"

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            declared = declared_dimension(resolve_model_path(self._model_name))
            self._dimension = declared or int(self._load().get_embedding_dimension())
        return self._dimension

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                path = resolve_model_path(self._model_name)
                offline_environment()
                try:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(str(path), device="cpu")
                except Exception as exc:
                    raise ModelError(
                        f"cannot load the embedding model from {path}: {exc}",
                        "check ASKBOT_MODEL points at a complete sentence-transformers model",
                    ) from exc
            return self._model

    def warm_up(self) -> None:
        """Load the model and run it once, so the first question pays no start-up cost."""
        self.embed(["warm up"], "query")

    def embed(self, texts: Sequence[str], kind: Kind) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        with _one_thread() if len(texts) <= FEW else contextlib.nullcontext():
            vectors = model.encode(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


# A question or two is a few tiny matrix products: more threads only add waits at their
# barriers, which on a busy 2-core machine cost 10x (2.3 s against 0.24 s per question).
FEW = 4
_threads_lock = threading.Lock()


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    import torch

    with _threads_lock:
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(previous)
