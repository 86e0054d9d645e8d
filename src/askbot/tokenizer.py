"""askbot's one tokenizer: the terms the keyword index holds and sentences are scored by.

Text is lower-cased, accent-folded, split into runs of letters and digits, and each token
is stemmed with the Porter stemmer (PyStemmer), after folding the irregular past forms news
reports speech in ("said" is "say"). The keyword index is built from exactly these terms
and sentence scoring uses exactly these terms, so a question's words, the index's document
frequencies and a sentence's coverage always speak of the same thing. The tokenizer's name
and version are saved in every index: changing the rules below means a new ``VERSION``,
and indexes built with the old rules are refused with a message to rebuild.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from askbot.models import Component

NAME = "askbot-porter"
VERSION = 1

_TOKEN = re.compile(r"[^\W_]+")

# A standard English stop list plus the verbs questions are built from.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "don",
        "ve",
        "ll",
        "re",
        "d",
        "m",
        "also",
        "many",
        "much",
        "one",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "let",
        "name",
        "named",
        "according",
    ]
)

_stemmer = Stemmer.Stemmer("porter")

# Porter leaves irregular past forms alone ("said" is not "say"), yet news reports speech
# and events in exactly these verbs; folding them lets "what did X say" meet "X said".
_IRREGULAR = {
    form: base
    for base, forms in {
        "say": "said",
        "tell": "told",
        "win": "won",
        "go": "went gone",
        "make": "made",
        "take": "took taken",
        "give": "gave given",
        "find": "found",
        "think": "thought",
        "begin": "began begun",
        "run": "ran",
        "lead": "led",
        "hold": "held",
        "meet": "met",
        "send": "sent",
        "spend": "spent",
        "leave": "left",
        "pay": "paid",
        "sell": "sold",
        "bring": "brought",
        "buy": "bought",
        "build": "built",
        "fight": "fought",
        "catch": "caught",
        "teach": "taught",
        "keep": "kept",
        "know": "knew known",
        "write": "wrote written",
        "choose": "chose chosen",
        "speak": "spoke spoken",
        "drive": "drove driven",
        "rise": "rose risen",
        "fall": "fell fallen",
        "become": "became",
        "come": "came",
        "grow": "grew grown",
        "throw": "threw thrown",
        "fly": "flew flown",
        "see": "saw seen",
        "eat": "ate eaten",
        "get": "got gotten",
        "strike": "struck",
        "shoot": "shot",
        "flee": "fled",
        "seek": "sought",
        "lose": "lost",
        "feel": "felt",
        "stand": "stood",
        "understand": "understood",
        "hear": "heard",
        "break": "broke broken",
        "forbid": "forbade",
        "freeze": "froze frozen",
        "hide": "hid hidden",
        "ride": "rode ridden",
        "swear": "swore sworn",
        "wear": "wore worn",
        "draw": "drew drawn",
    }.items()
    for form in forms.split()
}


class _WithoutMarks(dict[int, int | None]):
    """A str.translate table that drops combining marks: exactly the characters a
    per-character ``unicodedata.combining()`` test drops, learnt as they are met, at C
    speed once known (that Python loop was half of a question's time)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    # Lower-cased last: compatibility forms decompose to capitals ("𝕬" is "A").
    return unicodedata.normalize("NFKD", text).translate(_WITHOUT_MARKS).lower()


def tokens(text: str) -> list[str]:
    """Lower-cased, accent-folded word tokens."""
    return _TOKEN.findall(_fold(text))


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    # Porter stems some tokens to nothing ("s"); an empty term could not be indexed.
    return str(_stemmer.stemWord(_IRREGULAR.get(token, token))) or token


def content_tokens(text: str) -> list[str]:
    """Tokens that are not stop words, in order, without repeats."""
    return list(dict.fromkeys(t for t in tokens(text) if t not in STOPWORDS))


def stems(text: str) -> set[str]:
    """Stems of every token of ``text`` (stop words included: a sentence is not a query)."""
    return {stem(t) for t in tokens(text)}


def terms(text: str) -> list[str]:
    """Every token's stem, in order: what the keyword index holds for ``text``."""
    return [stem(t) for t in tokens(text)]


def query_terms(words: Iterable[str]) -> list[str]:
    """The distinct stems of a question's content words, in order."""
    return list(dict.fromkeys(stem(w) for w in words))


def spec() -> Component:
    """This tokenizer's identity, as an index records it."""
    return Component(name=NAME, params={"version": VERSION})
