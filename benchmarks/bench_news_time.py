"""How time enters the ranking, measured on real news: RealTimeQA 2023.

    python benchmarks/bench_news_time.py [--retriever hybrid|bm25|dense] [--every N]
                                         [--weights 0.15 0.3 0.6] [--keyword-only]

1,404 weekly news-quiz questions, each asked on its own date (``asked_at``), over the
7,445 news pages gathered for them. Every configuration is asked in the same run over one
index, so the comparison is fair on a noisy machine:

- ``undated``: the engine with dates ignored (no reference date, no time words);
- ``cutoff``: asked on ``asked_at``, so nothing published later may answer, time words off;
- ``filter``: time words ("this week", "in March") become a hard date filter;
- ``prefer w``: time words and "latest"/"current" become a soft recency preference of
  weight ``w`` (the ``ASKBOT_RECENCY_WEIGHT`` setting) inside ranking.

It prints answer_found@1/@3 (the gold answer string in the first 1/3 excerpts), the share
of first excerpts published in the 7 days before ``asked_at``, and both again for the
questions with and without a time expression. Results go to
``benchmarks/results-news-time.md``. The index is built once outside the repository
(``~/.cache/askbot-bench``). ``--keyword-only`` builds it without the model (vectors are
zeros; only ``--retriever bm25`` is then meaningful), for a quick run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askbot import AskBot, Embedder
from askbot.evaluate import load
from askbot.evaluate.metrics import answer_found
from askbot.evaluate.questions import Question
from askbot.models import Answer, RetrievalMode
from askbot.service import configured_embedder
from askbot.settings import Settings
from askbot.when import read_time
from common import DATASETS, CachedQueries

HERE = Path(__file__).resolve().parent
RTQA = DATASETS / "realtimeqa_2023"
CACHE = Path(os.environ.get("ASKBOT_BENCH_CACHE", Path.home() / ".cache" / "askbot-bench"))
WINDOW = timedelta(days=7)


class KeywordOnly:
    """Zero vectors: an index for keyword-only runs, named so it is never mistaken."""

    name = "bench-keyword-only:zeros"
    dimension = 8

    def warm_up(self) -> None:
        return None

    def embed(self, texts: Sequence[str], kind: str) -> NDArray[np.float32]:
        vectors = np.zeros((len(texts), self.dimension), np.float32)
        vectors[:, 0] = 1.0
        return vectors


@dataclass(frozen=True)
class Config:
    name: str
    as_of: bool
    time_words: str
    weight: float = 0.15


@dataclass
class Scores:
    af1: list[bool]
    af3: list[bool]
    recent: list[bool]


def configs(weights: Sequence[float]) -> list[Config]:
    fixed = [
        Config("undated", as_of=False, time_words="ignore"),
        Config("cutoff", as_of=True, time_words="ignore"),
        Config("filter", as_of=True, time_words="filter"),
    ]
    preferring = [Config(f"prefer {w:g}", True, "prefer", weight=w) for w in weights]
    return fixed + preferring


def recent_first(answer: Answer, asked: date) -> bool:
    if not answer.excerpts or answer.excerpts[0].published is None:
        return False
    return asked - WINDOW <= answer.excerpts[0].published <= asked


def score(answers: list[tuple[Question, Answer]]) -> Scores:
    out = Scores([], [], [])
    for question, answer in answers:
        texts = [e.text for e in answer.excerpts]
        out.af1.append(answer_found(question.answers, texts[:1]))
        out.af3.append(answer_found(question.answers, texts[:3]))
        asked = question.asked_at or date.today()
        out.recent.append(recent_first(answer, asked))
    return out


def mean(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def corpus(questions: list[Question], every: int) -> Path:
    """The whole corpus, or (a slice) only the pages gathered for the questions asked."""
    whole = RTQA / "articles.jsonl.gz"
    if every <= 1:
        return whole
    asked = {q.id for q in questions}
    with (RTQA / "questions.jsonl").open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    wanted = {i for r in records if r["id"] in asked for i in r.get("gcs_article_ids", [])}
    path = CACHE / f"realtimeqa-2023-every-{every}.jsonl"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with gzip.open(whole, "rt", encoding="utf-8") as lines, path.open("w") as out:
            out.writelines(line for line in lines if json.loads(line)["id"] in wanted)
    return path


def build(settings: Settings, embedder: Embedder | None, articles: Path) -> AskBot:
    bot = AskBot.open(settings, embedder, create=True)
    started = time.perf_counter()
    report = bot.ingest_paths([articles])
    if report.added or report.updated:
        print(
            f"indexed {report.added + report.updated} articles, {report.passages} passages "
            f"in {time.perf_counter() - started:.0f} s"
        )
    return bot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--retriever", default="hybrid", choices=[m.value for m in RetrievalMode])
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        help="a slice: every Nth question, over only the pages gathered for those questions",
    )
    parser.add_argument("--weights", type=float, nargs="+", default=[0.15, 0.3, 0.6])
    parser.add_argument("--keyword-only", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results-news-time.md")
    args = parser.parse_args()
    if args.keyword_only and args.retriever != "bm25":
        parser.error("--keyword-only builds an index without vectors: use --retriever bm25")

    question_set = load(RTQA / "questions.jsonl")
    questions = list(question_set.questions)
    if args.every > 1:
        questions = questions[:: args.every]
    base = Settings(retriever=args.retriever)
    embedder: Embedder = KeywordOnly() if args.keyword_only else configured_embedder(base)
    kind = "keyword-only" if args.keyword_only else embedder.name.replace(":", "-")
    sliced = f"-every-{args.every}" if args.every > 1 else ""
    settings = base.model_copy(update={"index": str(CACHE / f"realtimeqa-2023{sliced}-{kind}")})
    if args.retriever != "bm25":
        embedder = CachedQueries(embedder, [q.question for q in questions])
    bot = build(settings, embedder, corpus(questions, args.every))
    timed = [bool(read_time(q.question, q.asked_at or date.today()).words) for q in questions]

    rows: list[tuple[str, Scores, float]] = []
    for config in configs(args.weights):
        variant = settings.model_copy(
            update={"time_words": config.time_words, "recency_weight": config.weight}
        )
        asker = AskBot(bot.index, bot.embedder, variant)
        started = time.perf_counter()
        answers = [
            (q, asker.ask(q.question, as_of=q.asked_at if config.as_of else None))
            for q in questions
        ]
        seconds = time.perf_counter() - started
        rows.append((config.name, score(answers), seconds))
        print(f"{config.name}: {seconds:.0f} s", flush=True)

    def pick(values: list[bool], want: bool) -> list[bool]:
        return [v for v, t in zip(values, timed, strict=True) if t == want]

    n_timed = sum(timed)
    header = (
        "| config | af@1 | af@3 | recent@1 | af@3 time words | af@3 no time words "
        "| recent@1 time words | recent@1 no time words |"
    )
    lines = [
        "# Time in the ranking: RealTimeQA 2023",
        "",
        f"{len(questions)} questions ({n_timed} with a time expression)"
        + (f", every {args.every}th, over the pages gathered for them" if args.every > 1 else "")
        + f", retriever "
        f"{args.retriever}, embedder {bot.embedder.name}, {bot.describe().passages} passages.",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores), commit {commit()}.",
        "`python benchmarks/bench_news_time.py "
        + " ".join(f"{k}={v}" for k, v in vars(args).items() if k != "out")
        + "`",
        "",
        "recent@1: share of first excerpts published in the 7 days before asked_at.",
        "",
        header,
        "|" + "---|" * 8,
    ]
    for name, s, _ in rows:
        cells = [
            mean(s.af1),
            mean(s.af3),
            mean(s.recent),
            mean(pick(s.af3, True)),
            mean(pick(s.af3, False)),
            mean(pick(s.recent, True)),
            mean(pick(s.recent, False)),
        ]
        lines.append(f"| {name} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    main()
