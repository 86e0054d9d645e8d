"""Whether the evidence answers the question, and how sure askbot is.

Confidence is the mean of the best passage's cosine similarity (an absolute semantic
signal that ranks alone cannot give) and the top excerpt's keyword coverage (does the
quoted sentence hold the question's rare words?). Below the threshold askbot declines;
the default, 0.42, is calibrated in benchmarks/calibrate_abstention.py (README,
"Abstention").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from askbot.answering.evidence import Evidence, Hit, coverage
from askbot.models import Excerpt

NO_MATCH = "none of the articles matches the question's words or meaning"
WEAK = "the closest passages do not answer it (confidence {:.2f} is below {:.2f})"


def _shown(confidence: float) -> float:
    # Rounded down: 0.4199 is shown as 0.41, never as "0.42 is below 0.42".
    return math.floor(confidence * 100) / 100


@dataclass(frozen=True)
class Verdict:
    answered: bool
    confidence: float
    reason: str | None


class ConfidenceJudge:
    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def judge(
        self, hits: Sequence[Hit], excerpts: Sequence[Excerpt], evidence: Evidence
    ) -> Verdict:
        if not excerpts:
            return Verdict(answered=False, confidence=0.0, reason=NO_MATCH)
        covered = coverage(excerpts[0].text, evidence.weights)
        if evidence.vector is None:
            # Keywords alone (no model loaded): the quoted sentence's coverage is the evidence.
            confidence = covered
        else:
            confidence = 0.5 * max(h.cosine for h in hits[:3]) + 0.5 * covered
        if confidence >= self.threshold:
            return Verdict(answered=True, confidence=confidence, reason=None)
        return Verdict(
            answered=False,
            confidence=confidence,
            reason=WEAK.format(_shown(confidence), self.threshold),
        )
