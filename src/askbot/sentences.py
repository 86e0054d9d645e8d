"""Sentence boundaries as character spans, found with blingfire.

blingfire is a maintained finite-state sentence breaker that runs about 25x faster than
pysbd on news paragraphs, which matters because ingest must cost little beyond the model.
Lines are split first: in news text a line break always ends a sentence (headlines,
bullets, datelines), and blingfire would otherwise run them together.
"""

from __future__ import annotations

import re

from askbot.models import Span

_LINE = re.compile(r"[^\n]+")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end) if end > start else None


def split_sentences(text: str) -> list[Span]:
    """Spans of the sentences of ``text``, in order, never overlapping, whitespace-trimmed."""
    import blingfire  # only ingest splits sentences: a question reads them from the index

    spans: list[Span] = []
    for line in _LINE.finditer(text):
        base = line.start()
        body = line.group()
        if not body.strip():
            continue
        _, offsets = blingfire.text_to_sentences_and_offsets(body)
        for start, end in offsets:
            span = _trimmed(text, base + start, base + end)
            if span is not None and (not spans or span.start >= spans[-1].end):
                spans.append(span)
    return spans
