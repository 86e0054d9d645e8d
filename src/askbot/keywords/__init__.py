"""Keyword indexes behind one interface; SQLite FTS5 is the embedded implementation."""

from askbot.keywords.base import Hits, KeywordIndex
from askbot.keywords.fts5 import Fts5Keywords

__all__ = ["Fts5Keywords", "Hits", "KeywordIndex"]
