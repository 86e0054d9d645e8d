"""Cuts an article into passages of whole sentences, located by character offsets.

Invariant: ``article.text[p.start:p.end] == p.text`` for every passage, and every sentence
span of a passage lies inside it. A sentence longer than a passage is cut at word
boundaries so that no passage overflows the embedding model's window.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from askbot.models import ChunkerConfig, Passage, Span
from askbot.sentences import split_sentences

_WORD = re.compile(r"\S+")


def _words(text: str, span: Span) -> int:
    return len(_WORD.findall(text, span.start, span.end))


def _cut_long(text: str, span: Span, max_words: int) -> Iterator[Span]:
    """Pieces of an over-long sentence, each at most ``max_words`` words."""
    words = list(_WORD.finditer(text, span.start, span.end))
    for i in range(0, len(words), max_words):
        piece = words[i : i + max_words]
        yield Span(start=piece[0].start(), end=piece[-1].end())


def sentence_units(text: str, max_words: int) -> list[Span]:
    """The article's sentences, with over-long ones cut to fit a passage."""
    units: list[Span] = []
    for span in split_sentences(text):
        if _words(text, span) > max_words:
            units.extend(_cut_long(text, span, max_words))
        else:
            units.append(span)
    return units


def chunk(article_id: str, text: str, config: ChunkerConfig) -> list[Passage]:
    """Greedy packing of sentences into passages of about ``config.max_words`` words."""
    units = sentence_units(text, config.max_words)
    counts = [_words(text, u) for u in units]
    passages: list[Passage] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + counts[j] <= config.max_words):
            total += counts[j]
            j += 1
        start, end = units[i].start, units[j - 1].end
        passages.append(
            Passage(
                article_id=article_id,
                start=start,
                end=end,
                text=text[start:end],
                sentences=tuple(units[i:j]),
            )
        )
        if j >= len(units):
            break
        # Overlap repeats trailing sentences so an answer that straddles a boundary is
        # whole in one passage; it must still advance by at least one sentence.
        i = max(i + 1, j - config.overlap_sentences)
    return passages
