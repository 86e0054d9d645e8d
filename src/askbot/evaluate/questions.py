"""Records of batch evaluation: questions with their gold, outcomes, and the report."""

from __future__ import annotations

from datetime import date

from pydantic import Field, JsonValue

from askbot.models import Article, Record, Skipped


class Question(Record):
    """One question of a set, with what counts as a right answer.

    ``relevance`` grades gold articles (BEIR qrels); plain ``article_ids`` count as grade 1.
    ``rejected_article_ids`` are articles people marked as a wrong answer (Slack 👎).
    """

    id: str
    question: str
    answers: tuple[str, ...] = ()
    relevance: dict[str, int] = Field(default_factory=dict)
    answerable: bool = True
    asked_at: date | None = None
    rejected_article_ids: tuple[str, ...] = ()
    location: str = Field("", description="file:line it came from, for reports")

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(a for a, grade in self.relevance.items() if grade > 0)


class QuestionSet(Record):
    """Questions, the corpus they are about (for data sets that carry one), and skips."""

    name: str
    format: str
    questions: tuple[Question, ...]
    corpus: tuple[Article, ...] | None = None
    skipped: tuple[Skipped, ...] = ()


class Cited(Record):
    """One excerpt askbot offered, as a report shows it."""

    article_id: str
    title: str | None
    text: str


class Outcome(Record):
    """What askbot did with one question."""

    question: Question
    answered: bool
    confidence: float
    ranking: tuple[str, ...]
    cited: tuple[Cited, ...]
    latency_ms: float
    error: str | None = None
    copies: dict[str, str] = Field(
        default_factory=dict,
        description="Articles of a gold article's story (its copies), each with that gold id.",
    )


class EvalReport(Record):
    """The JSON that ``askbot eval --json`` prints and ``metrics.json`` holds."""

    metrics: dict[str, float]
    n: int = Field(description="Questions asked (the denominator of answered_rate).")
    counts: dict[str, int] = Field(
        default_factory=dict, description="Denominator of each metric family."
    )
    skipped: tuple[Skipped, ...] = ()
    config: dict[str, JsonValue] = Field(default_factory=dict)
