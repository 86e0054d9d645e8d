"""``askbot eval``: load a question set, open the right index, ask, score, report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import JsonValue

from askbot import __version__
from askbot.console import ingest_progress, question_progress, warn
from askbot.embedders import Embedder
from askbot.errors import InputError
from askbot.evaluate.loaders import Format, load
from askbot.evaluate.questions import EvalReport
from askbot.evaluate.report import build_report, write_report
from askbot.evaluate.runner import ask_all, dataset_index, open_dataset_bot
from askbot.models import RetrievalMode
from askbot.service import AskBot
from askbot.settings import Settings


def run_eval(
    settings: Settings,
    path: Path,
    *,
    fmt: Format = "auto",
    index: str | None = None,
    k: int | None = None,
    limit: int | None = None,
    retriever: RetrievalMode | None = None,
    report_dir: Path | None = None,
    embedder: Embedder | None = None,
    corpus: Sequence[Path] = (),
    as_of: date | None = None,
) -> EvalReport:
    """Evaluates askbot on a question set and returns (and optionally writes) the report.

    Sets that carry a corpus (SQuAD, BEIR), and sets given one (``corpus``: article files
    or folders), are asked against their own index in ``embeddings/<name>/`` (or
    ``index``), built once and brought up to date; askbot question sets without one against
    ``index`` or the default index, as ``askbot ask`` would.
    """
    question_set = load(path, fmt)
    if not question_set.questions:
        first = f"; first: {question_set.skipped[0]}" if question_set.skipped else ""
        raise InputError(
            f"{path} holds no questions ({len(question_set.skipped)} line(s) skipped{first})",
            'give each line a "question" field, e.g. {"question": "Who won?"}',
        )
    for skipped in question_set.skipped[:20]:
        warn(f"skipped {skipped}")
    if len(question_set.skipped) > 20:
        warn(f"… {len(question_set.skipped) - 20} more skipped (listed in the report)")
    if question_set.corpus is not None:
        settings = settings.model_copy(update={"index": dataset_index(question_set, index)})
        with ingest_progress(f"indexing {question_set.name}") as progress:
            bot = open_dataset_bot(settings, question_set, embedder, progress)
    elif corpus:
        named = question_set.model_copy(update={"name": f"{path.parent.name}-{question_set.name}"})
        settings = settings.model_copy(update={"index": dataset_index(named, index)})
        bot = AskBot.open(settings, embedder, create=True, rebuild=True)
        with ingest_progress(f"indexing {question_set.name}") as progress:
            read = bot.ingest_paths(list(corpus), progress)
        if read.skipped:
            warn(f"{len(read.skipped)} corpus input(s) skipped; first: {read.skipped[0]}")
    else:
        if index is not None:
            settings = settings.model_copy(update={"index": index})
        bot = AskBot.open_or_sample(settings, embedder, notice=warn)
    questions = question_set.questions[:limit] if limit else question_set.questions
    if as_of is not None:  # a question's own asked_at wins
        questions = tuple(
            q if q.asked_at else q.model_copy(update={"asked_at": as_of}) for q in questions
        )
    # An existing index keeps the chunker it was built with, whatever the settings say now.
    built = bot.describe().manifest
    chunker = built.chunker
    with bot, question_progress() as progress:
        outcomes = ask_all(bot, questions, k=k, retriever=retriever, progress=progress)
    config: dict[str, JsonValue] = {
        "question_set": str(path),
        "format": question_set.format,
        "questions_in_set": len(question_set.questions),
        "limit": limit,
        "index": str(settings.index),
        "retriever": retriever or settings.retriever,
        "k": k or settings.top_k,
        "embedder": built.embedder,
        "fusion": settings.fusion,
        "dense_weight": settings.dense_weight,
        "sentence_weight": settings.sentence_weight,
        "chunk_words": chunker.max_words,
        "chunk_overlap": chunker.overlap_sentences,
        "title_in_embedding": chunker.title_in_embedding,
        "min_confidence": settings.min_confidence,
        "askbot_version": __version__,
    }
    report = build_report(question_set, outcomes, config)
    if report_dir is not None:
        write_report(report_dir, report, outcomes)
    return report
