"""Asking a question set: the data set's own index when it carries a corpus, then each question.

Nothing here knows which data set it runs; a question set is questions, gold, and maybe a
corpus.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from askbot.embedders import Embedder
from askbot.errors import AskbotError
from askbot.evaluate.questions import Cited, Outcome, Question, QuestionSet
from askbot.ingest import Progress
from askbot.models import RetrievalMode
from askbot.service import AskBot
from askbot.settings import DEFAULT_INDEX, Settings

log = logging.getLogger(__name__)

EVAL_INDEXES = Path(DEFAULT_INDEX).parent
"""Where data sets' own corpora are indexed: ``embeddings/<data set name>/``."""

QuestionProgress = Callable[[int, int], None]
"""Called as progress(questions_done, questions_total)."""


def dataset_index(question_set: QuestionSet, index: str | None = None) -> str:
    return index or str(EVAL_INDEXES / question_set.name)


def open_dataset_bot(
    settings: Settings,
    question_set: QuestionSet,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> AskBot:
    """An AskBot over the set's corpus at ``settings.index``, built or brought up to date.

    The index is rebuilt when it was made with another model or chunker; otherwise only
    new or changed documents are embedded, so later runs start at once.
    """
    if question_set.corpus is None:
        raise ValueError("this question set carries no corpus")
    bot = AskBot.open(settings, embedder, create=True, rebuild=True)
    bot.ingest_articles(question_set.corpus, progress)
    return bot


def ask_all(
    bot: AskBot,
    questions: Sequence[Question],
    *,
    k: int | None = None,
    retriever: RetrievalMode | None = None,
    progress: QuestionProgress | None = None,
) -> list[Outcome]:
    """Asks every question; an engine error is recorded on the outcome, never raised."""
    outcomes: list[Outcome] = []
    bot.prepare([q.question for q in questions], retriever)
    for done, question in enumerate(questions, start=1):
        started = time.perf_counter()
        try:
            # A question asked on a date is asked as of then: its "this week" is that
            # week, and only what was published by then may answer it.
            answer = bot.ask(question.question, k=k, retriever=retriever, as_of=question.asked_at)
        except AskbotError as error:
            log.debug("%s: %s", question.location, error)
            outcome = Outcome(
                question=question,
                answered=False,
                confidence=0.0,
                ranking=(),
                cited=(),
                latency_ms=0.0,
                error=str(error),
            )
        else:
            outcome = Outcome(
                question=question,
                answered=answer.answered,
                confidence=answer.confidence,
                ranking=answer.ranking,
                cited=tuple(
                    Cited(article_id=e.article_id, title=e.title, text=e.text)
                    for e in answer.excerpts
                ),
                latency_ms=round((time.perf_counter() - started) * 1000, 2),
                # A copy of a gold article (the same story from another outlet) is a hit.
                copies=bot.story_copies(question.article_ids),
            )
        outcomes.append(outcome)
        if progress:
            progress(done, len(questions))
    return outcomes
