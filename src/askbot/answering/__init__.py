"""How a question becomes an answer: stages composed by ``build_pipeline``."""

from askbot.answering.evidence import Evidence, Hit
from askbot.answering.fusion import convex, rrf
from askbot.answering.pipeline import AnswerAnalyzer, Pipeline, Reranker, build_pipeline

__all__ = [
    "AnswerAnalyzer",
    "Evidence",
    "Hit",
    "Pipeline",
    "Reranker",
    "build_pipeline",
    "convex",
    "rrf",
]
