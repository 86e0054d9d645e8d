"""The keyword index interface: BM25 over passages, filters pushed into the search."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from askbot.models import QueryFilters

Hits = list[tuple[int, float]]


class KeywordIndex(ABC):
    name: ClassVar[str]

    @abstractmethod
    def add(self, title: str | None, passages: Sequence[tuple[int, str]]) -> None:
        """Indexes passages (id, text) of one article, whose headline is ``title``."""

    @abstractmethod
    def remove(self, passage_ids: Sequence[int]) -> None: ...

    @abstractmethod
    def search(self, words: Sequence[str], limit: int, filters: QueryFilters) -> Hits:
        """The ``limit`` best passages for any of ``words``, best first, positive scores,
        taken from the passages the filters allow (not filtered afterwards)."""

    @abstractmethod
    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """How many passages hold each term (terms that none holds are left out)."""
