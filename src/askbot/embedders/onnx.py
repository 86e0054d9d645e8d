"""The ONNX backends: ``onnx`` (fp32) and ``onnx-int8``, served by onnxruntime.

The query path imports onnxruntime, numpy and the ``tokenizers`` library only: no torch,
no transformers, no sentence-transformers, so a one-shot question starts in well under a
second. The model is exported once (``onnx_export``) and cached. Tokenising, pooling and
normalising reproduce sentence-transformers exactly for the shape we implement
(Transformer -> mean Pooling -> Normalize); any other model is refused up front and stays
on PyTorch.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from askbot.embedders.base import Embedder, Kind
from askbot.embedders.onnx_export import (
    ExportSettings,
    default_cache_dir,
    ensure_export,
    entry_for,
    notice,
)
from askbot.embedders.sentence_transformer import SentenceTransformerEmbedder
from askbot.embedders.weights import DEFAULT_MODEL, declared_dimension, resolve_model_path
from askbot.errors import ModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray

FP32 = "onnx"
INT8 = "onnx-int8"
TOKENS_PER_BATCH = 4096


def pooling_problem(model_dir: Path) -> str | None:
    """Why we cannot reproduce this model's pipeline, or None for mean pooling + L2 norm."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds != ["Transformer", "Pooling", "Normalize"]:
            return f"its modules are {kinds}, not Transformer, Pooling, Normalize"
        pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text())
        modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v)
        if modes != ["pooling_mode_mean_tokens"]:
            return f"its pooling is {modes}, only mean pooling is implemented"
        if not (model_dir / "tokenizer.json").is_file():
            return "it has no tokenizer.json"
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        return f"its modules cannot be read ({exc})"
    return None


def max_seq_length(model_dir: Path) -> int:
    """The model's own limit (sentence_bert_config.json), not tokenizer.json's truncation."""
    try:
        config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        return int(config["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"{model_dir} has no readable max_seq_length ({exc})", "use --backend torch"
        ) from exc


class OnnxEmbedder:
    """A sentence-transformers model run by onnxruntime, loaded (and exported) on first use."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        batch_size: int = 64,
        *,
        quantized: bool = True,
        cache_dir: Path | None = None,
    ) -> None:
        self._model_name = model
        self._batch_size = batch_size
        self.quantized = quantized
        self.cache_dir = cache_dir or default_cache_dir()
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: list[str] = []
        self._dimension: int | None = None
        self._threads_per_run = int(os.environ.get("ASKBOT_ONNX_THREADS_PER_RUN", "1"))
        self._workers = max(1, os.cpu_count() or 1)

    @property
    def name(self) -> str:
        return f"{INT8 if self.quantized else FP32}:{self._model_name}"

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            declared = declared_dimension(resolve_model_path(self._model_name))
            if declared is None:
                raise ModelError(
                    f"cannot tell the dimension of {self._model_name}", "use --backend torch"
                )
            self._dimension = declared
        return self._dimension

    def onnx_path(self) -> Path:
        """The verified export this embedder runs (exported now if not cached)."""
        model_dir = resolve_model_path(self._model_name)
        settings = ExportSettings(max_seq_length(model_dir), self.quantized)
        return ensure_export(self._model_name, model_dir, settings, self.cache_dir)

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                import onnxruntime
                from tokenizers import Tokenizer

                model_dir = resolve_model_path(self._model_name)
                path = self.onnx_path()
                options = onnxruntime.SessionOptions()
                # One thread per run: a single question ran 2-2.5x faster on one thread
                # than on two here; batches use every core by running side by side.
                options.intra_op_num_threads = self._threads_per_run
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                self._session = onnxruntime.InferenceSession(
                    str(path), options, providers=["CPUExecutionProvider"]
                )
                self._inputs = [i.name for i in self._session.get_inputs()]
                tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
                # tokenizer.json ships truncation at 128 and fixed padding: the model's
                # vectors are defined by sentence-transformers' max_seq_length (256).
                tokenizer.no_padding()
                tokenizer.enable_truncation(max_length=max_seq_length(model_dir))
                self._tokenizer = tokenizer
            return self._session, self._tokenizer

    def warm_up(self) -> None:
        self.embed(["warm up"], "query")

    def embed(self, texts: Sequence[str], kind: Kind) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session, tokenizer = self._load()
        # sentence-transformers strips each text before tokenising.
        encodings = tokenizer.encode_batch([str(t).strip() for t in texts])
        # Longest first, in batches of similar length: little padding to compute.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        batches: list[list[int]] = []
        start = 0
        while start < len(order):
            # At most ~4k tokens a batch: attention's memory grows with rows x length², and
            # 64 rows of 256 tokens on two cores at once peaked near 2 GiB.
            width = len(encodings[order[start]].ids)
            size = max(1, min(self._batch_size, TOKENS_PER_BATCH // max(1, width)))
            batches.append(order[start : start + size])
            start += size

        def run(rows: list[int]) -> None:
            out[rows] = self._run(session, [encodings[i] for i in rows])

        if len(batches) == 1 or self._workers == 1:
            for batch in batches:
                run(batch)
        else:
            # onnxruntime releases the GIL: batches run on all cores at once.
            with ThreadPoolExecutor(self._workers) as pool:
                list(pool.map(run, batches))
        return out

    def _run(self, session: Any, encodings: list[Any]) -> NDArray[np.float32]:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            ids[row, :n] = encoding.ids
            mask[row, :n] = encoding.attention_mask
            types[row, :n] = encoding.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        tokens = session.run(None, {name: feed[name] for name in self._inputs})[0]
        # Mean pooling over real tokens, then L2 norm, as sentence-transformers does.
        weights = mask[:, :, None].astype(np.float32)
        summed = (tokens * weights).sum(axis=1)
        pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.ascontiguousarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


def _runtime_missing() -> str | None:
    if importlib.util.find_spec("onnxruntime") is None:
        return "onnxruntime is not installed"
    if importlib.util.find_spec("tokenizers") is None:
        return "tokenizers is not installed"
    return None


def _make(model: str, batch_size: int, quantized: bool) -> Embedder:
    """The ONNX embedder, or PyTorch with a one-line notice when ONNX cannot serve it.

    The fallback's name is ``sentence-transformers:...``: a new index records what really
    made its vectors, and an onnx-int8 index refuses it (see ``vectors_compatible``).
    """
    backend = INT8 if quantized else FP32
    problem = _runtime_missing()
    if problem is None:
        try:
            problem = pooling_problem(resolve_model_path(model))
        except ModelError as exc:
            problem = exc.problem
    if problem is not None:
        notice(f"backend {backend} unavailable ({problem}): embedding with PyTorch instead")
        return SentenceTransformerEmbedder(model, batch_size)
    return OnnxEmbedder(model, batch_size, quantized=quantized)


def ready_fp32(model: str, batch_size: int) -> Embedder | None:
    """onnx fp32 for a PyTorch index, when its export is cached and verified (no export,
    no notice: a question never waits for one)."""
    if _runtime_missing() is not None:
        return None
    try:
        model_dir = resolve_model_path(model)
        if pooling_problem(model_dir) is not None:
            return None
        settings = ExportSettings(max_seq_length(model_dir), quantized=False)
        entry = entry_for(model, model_dir, settings, default_cache_dir())
    except (ModelError, OSError):
        return None
    if entry.problem() is not None:
        return None
    return OnnxEmbedder(model, batch_size, quantized=False)


def make_fp32(model: str, batch_size: int) -> Embedder:
    return _make(model, batch_size, quantized=False)


def make_int8(model: str, batch_size: int) -> Embedder:
    return _make(model, batch_size, quantized=True)
