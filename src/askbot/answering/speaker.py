"""'What did X say about Y': X's own words first, and a plain answer when there are none.

The question names a speaker X ("what did Lavrov say about war", "the foreign minister's
view on sanctions", "according to Zelensky, …"). Units whose attributed speaker is X
(``Excerpt.speaker``, from ``askbot.news.speakers`` at ingest) are lifted inside
selection, so X's words win over reporting about X. X matches a speaker by full name,
surname or role ("the foreign minister" is "Russia's foreign minister").

When no excerpt holds X's words on Y, the answer says so: a warning when the excerpts
are reporting about X, or no answer at all when they do not even name X.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from askbot.answering.evidence import Evidence
from askbot.answering.excerpts import Unit
from askbot.models import Answer, Excerpt, Speaker
from askbot.tokenizer import content_tokens, query_terms, stems

# Enough to put X's words over a better-ranked sentence about X (unit scores run 0..1).
SPEAKER_BONUS = 0.3
_VERBS = r"(?:say|said|tell|told|claim|claimed|think|thought|argue|argued|warn|warned|mean)"
_ASKED = (
    re.compile(
        rf"\bwhat (?:did|does|do|has|have|had) (?P<who>.+?) (?:just |really |actually )?"
        rf"{_VERBS}\b(?:\s+(?:about|on|regarding|of|to \w+ about))?(?P<topic>.*)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bhow did (?P<who>.+?) (?:respond|react|reply|answer)\b(?:\s+to)?(?P<topic>.*)",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?P<who>\b[\w.’' -]+?)[’']s? (?:view|views|position|stance|take|comments?|remarks?|"
        r"opinion|words|statement)\b(?:\s+(?:on|about|of|regarding))?(?P<topic>.*)",
        re.IGNORECASE,
    ),
    re.compile(r"\baccording to (?P<who>[^,?]+?)(?:,|$)(?P<topic>.*)", re.IGNORECASE),
    re.compile(rf"\bdid (?P<who>.+?) {_VERBS}\b(?P<topic>.*)", re.IGNORECASE),
)
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_PREFIX = 5  # "Russian" and "Russia's" are one word here


@dataclass(frozen=True)
class Asked:
    """The speaker a question names, and what it asks them about."""

    who: str
    topic: str

    @property
    def topic_terms(self) -> list[str]:
        return query_terms(content_tokens(self.topic))


def asked_speaker(question: str) -> Asked | None:
    """The speaker and topic of a 'what did X say about Y' question, if it is one."""
    for pattern in _ASKED:
        m = pattern.search(question)
        if m:
            who = m.group("who").strip(" ,?.")
            if who and who.lower() not in ("you", "they", "it", "people", "he", "she", "we"):
                return Asked(who, m.group("topic").strip(" ?.!"))
    return None


def _words(text: str) -> list[str]:
    return [w[:_PREFIX] for w in re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))]


def matches(who: str, speaker: Speaker) -> bool:
    """Whether the speaker a question names is this one: by full name, surname, or role."""
    asked = _words(_LEADING.sub("", who))
    asked = [w for w in asked if w not in ("s", "of", "the")]
    if not asked:
        return False
    name = _words(speaker.name)
    if asked == name or (name and asked[-1] == name[-1]):
        return True
    role = set(_words(speaker.role or ""))
    return bool(role) and all(w in role for w in asked)


def quotes(asked: Asked, excerpt: Excerpt) -> bool:
    """Whether an excerpt holds the asked speaker's words on the asked topic."""
    if excerpt.speaker is None or not matches(asked.who, excerpt.speaker):
        return False
    terms = asked.topic_terms
    return not terms or bool(set(terms) & stems(excerpt.text))


class SpeakerFirst:
    """The unit boost: the asked speaker's attributed words go first."""

    def __init__(self, bonus: float = SPEAKER_BONUS) -> None:
        self.bonus = bonus

    def boost(self, units: list[Unit], evidence: Evidence) -> None:
        asked = asked_speaker(evidence.query.text)
        if asked is None:
            return
        for unit in units:
            speaker = unit.speaker
            if speaker is not None and matches(asked.who, speaker):
                unit.score += self.bonus


class SpeakerCheck:
    """The answer stage that says when the asked speaker is not quoted on the topic."""

    def analyze(self, answer: Answer, evidence: Evidence) -> Answer:
        asked = asked_speaker(evidence.query.text)
        if asked is None or not answer.answered:
            return answer
        if any(quotes(asked, e) for e in answer.excerpts):
            return answer
        on = f" on {asked.topic}" if asked.topic else ""
        missing = f"{asked.who} is not quoted{on} in these articles"
        surname = _words(asked.who)[-1:] or [""]
        named = any(surname[0] in _words(e.text) for e in answer.excerpts)
        if not named:
            return answer.model_copy(update={"answered": False, "excerpts": (), "reason": missing})
        note = f"{missing}: the excerpts are other reporting about it"
        return answer.model_copy(update={"warnings": (*answer.warnings, note)})
