"""News-aware answer stages: what a reader of the news needs pointed out.

Figures that disagree across excerpts, and answers about the present that rest on old
reporting. Each analyzer takes the answer the pipeline built and returns it with its
findings added (``askbot.answering.pipeline``).
"""

from askbot.news.figures import FigureAnalyzer, describe, discrepancies, figures
from askbot.news.speakers import said_line
from askbot.news.staleness import StalenessAnalyzer

__all__ = [
    "FigureAnalyzer",
    "StalenessAnalyzer",
    "describe",
    "discrepancies",
    "figures",
    "said_line",
]
