"""News-aware answer stages: what a reader of the news needs pointed out.

Today: figures that disagree across excerpts. Each analyzer takes the answer the pipeline
built and returns it with its findings added (``askbot.answering.pipeline``).
"""

from askbot.news.figures import FigureAnalyzer, describe, discrepancies, figures

__all__ = ["FigureAnalyzer", "describe", "discrepancies", "figures"]
