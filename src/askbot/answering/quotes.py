"""When a question asks what someone said, their own words come first.

A direct quotation that holds as much of the question as any unit does is lifted a little:
enough to put the speaker's words over a paraphrase of them from a better passage. Only
those: a quote that misses some of the question's words is not what was asked (on SQuAD's
"who said ..." questions lifting every quote cost answers).
"""

from __future__ import annotations

import re

from askbot.answering.evidence import Evidence
from askbot.answering.excerpts import Unit

QUOTE_BONUS = 0.1
# An opening quotation mark followed by at least a few words: a quotation, not a 'scare
# quote' around one word.
QUOTATION = re.compile(r"[“«\"][^”»\"]{20,}")


class QuotationsFirst:
    def __init__(self, bonus: float = QUOTE_BONUS) -> None:
        self.bonus = bonus

    def boost(self, units: list[Unit], evidence: Evidence) -> None:
        if not evidence.query.wants_quote:
            return
        best = max((u.coverage for u in units), default=0.0)
        for unit in units:
            if unit.coverage >= best - 1e-9 and QUOTATION.search(unit.text):
                unit.score += self.bonus
