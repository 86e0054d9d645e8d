"""Embedding backends behind one seam, chosen by name (see ``registry``)."""

from askbot.embedders.base import Embedder, Kind
from askbot.embedders.registry import (
    backend_names,
    canonical_backend,
    create_embedder,
    embedder_for_index,
    embedder_name,
    register_backend,
    split_name,
)
from askbot.embedders.sentence_transformer import BACKEND as SENTENCE_TRANSFORMERS
from askbot.embedders.sentence_transformer import SentenceTransformerEmbedder
from askbot.embedders.weights import DEFAULT_MODEL

register_backend(SENTENCE_TRANSFORMERS, SentenceTransformerEmbedder, aliases=("torch",))

__all__ = [
    "DEFAULT_MODEL",
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
    "split_name",
]
