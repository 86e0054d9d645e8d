"""Embedding backends behind one seam, chosen by name (see ``registry``)."""

from askbot.embedders.base import Embedder, Kind
from askbot.embedders.onnx import FP32 as ONNX
from askbot.embedders.onnx import INT8 as ONNX_INT8
from askbot.embedders.onnx import make_fp32, make_int8, ready_fp32
from askbot.embedders.registry import (
    backend_names,
    canonical_backend,
    create_embedder,
    embedder_for_index,
    embedder_name,
    register_backend,
    register_equivalent,
    register_stand_in,
    split_name,
    vectors_compatible,
)
from askbot.embedders.sentence_transformer import BACKEND as SENTENCE_TRANSFORMERS
from askbot.embedders.sentence_transformer import SentenceTransformerEmbedder
from askbot.embedders.weights import DEFAULT_MODEL

register_backend(SENTENCE_TRANSFORMERS, SentenceTransformerEmbedder, aliases=("torch",))
register_backend(ONNX, make_fp32)
register_backend(ONNX_INT8, make_int8)
# Proven equal to < 1e-5 (tests/test_onnx.py); int8 has vectors of its own.
register_equivalent(SENTENCE_TRANSFORMERS, ONNX)
# A PyTorch index answers through onnx fp32 once its export is cached: same vectors,
# a tenth of the start-up.
register_stand_in(SENTENCE_TRANSFORMERS, ready_fp32)

__all__ = [
    "DEFAULT_MODEL",
    "ONNX",
    "ONNX_INT8",
    "SENTENCE_TRANSFORMERS",
    "Embedder",
    "Kind",
    "SentenceTransformerEmbedder",
    "backend_names",
    "canonical_backend",
    "create_embedder",
    "embedder_for_index",
    "embedder_name",
    "register_backend",
    "register_equivalent",
    "register_stand_in",
    "split_name",
    "vectors_compatible",
]
