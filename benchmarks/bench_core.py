"""Core engine benchmark on SQuAD v1.1 dev: retrieval quality, latency and ingest cost.

    python benchmarks/bench_core.py [--questions N] [--latency N]

Every paragraph is an article (2,067); every question's gold article is its paragraph.
It reports, in one run on this machine:

* recall@1, recall@5 and MRR@10 for dense only, BM25 only and fused (hybrid);
* warm in-process query latency (p50/p95) of AskBot.ask over --latency questions;
* ingest throughput of askbot (read, chunk, embed, store) against plain
  SentenceTransformer.encode of the very same texts, measured in the same run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askbot.chunker import chunk
from askbot.embedder import SentenceTransformerEmbedder
from askbot.ingest import embedding_text
from askbot.models import Article
from askbot.retriever import MODES
from askbot.service import AskBot
from askbot.settings import Settings

SQUAD = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "squad" / "dev-v1.1.json.gz"


def load_squad(path: Path) -> tuple[list[Article], list[tuple[str, str]]]:
    data = json.loads(gzip.decompress(path.read_bytes()))
    articles: list[Article] = []
    questions: list[tuple[str, str]] = []
    for doc in data["data"]:
        title = doc["title"].replace("_", " ")
        for number, paragraph in enumerate(doc["paragraphs"]):
            article_id = f"{doc['title']}/{number}"
            articles.append(Article(id=article_id, title=title, text=paragraph["context"]))
            questions.extend((qa["question"], article_id) for qa in paragraph["qas"])
    return articles, questions


class CachedQueries:
    """The real model's vectors for known questions, computed once in a batch.

    Retrieval metrics for three retrievers over 10,570 questions would otherwise spend
    most of their time re-embedding the same questions one by one.
    """

    def __init__(self, model: SentenceTransformerEmbedder, questions: Sequence[str]) -> None:
        self._model = model
        vectors = model.embed(list(questions), "query")
        self._cache = {q: vectors[i] for i, q in enumerate(questions)}

    @property
    def name(self) -> str:
        return self._model.name

    @property
    def dimension(self) -> int:
        return self._model.dimension

    def embed(self, texts: Sequence[str], kind: str) -> NDArray[np.float32]:
        if all(t in self._cache for t in texts):
            return np.vstack([self._cache[t] for t in texts])
        return self._model.embed(texts, kind)  # type: ignore[arg-type]


def time_ingest(
    model: SentenceTransformerEmbedder, articles: list[Article], workdir: Path
) -> dict[str, float]:
    config = Settings().chunker()
    texts = [embedding_text(a, p, config) for a in articles for p in chunk(a.id, a.text, config)]
    runs: dict[str, list[float]] = {"encode": [], "askbot": []}
    for attempt in range(2):  # interleaved, so drift in machine load hits both alike
        started = time.perf_counter()
        model.embed(texts, "passage")
        runs["encode"].append(time.perf_counter() - started)
        settings = Settings(index=workdir / f"ingest-{attempt}")
        bot = AskBot.open(settings, model, create=True)
        started = time.perf_counter()
        report = bot.ingest_articles(articles)
        runs["askbot"].append(time.perf_counter() - started)
        assert report.passages == len(texts), (report.passages, len(texts))
        bot.close()
    encode, askbot = min(runs["encode"]), min(runs["askbot"])
    return {
        "passages": len(texts),
        "encode_per_s": len(texts) / encode,
        "askbot_per_s": len(texts) / askbot,
        "overhead": askbot / encode - 1,
    }


def retrieval(bot: AskBot, questions: list[tuple[str, str]], mode: str) -> dict[str, float]:
    r1 = r5 = rr = 0.0
    for question, gold in questions:
        ranking = list(bot.ask(question, retriever=mode).ranking)  # type: ignore[arg-type]
        rank = ranking.index(gold) + 1 if gold in ranking else None
        r1 += rank == 1
        r5 += rank is not None and rank <= 5
        rr += 1 / rank if rank is not None and rank <= 10 else 0.0
    n = len(questions)
    return {"recall@1": r1 / n, "recall@5": r5 / n, "mrr@10": rr / n}


def latency(bot: AskBot, questions: list[tuple[str, str]]) -> dict[str, float]:
    for question, _ in questions[:20]:
        bot.ask(question)  # warm caches
    times = []
    for question, _ in questions:
        started = time.perf_counter()
        bot.ask(question)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "n": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--questions", type=int, default=0, help="0 = all 10,570")
    parser.add_argument("--latency", type=int, default=1000, help="questions timed one by one")
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()

    articles, questions = load_squad(args.squad)
    if args.questions:
        questions = questions[:: max(1, len(questions) // args.questions)][: args.questions]
    model = SentenceTransformerEmbedder()
    model.warm_up()
    print(f"SQuAD v1.1 dev: {len(articles)} paragraphs, {len(questions)} questions", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results: dict[str, object] = {}
        if not args.skip_ingest:
            results["ingest"] = ingest = time_ingest(model, articles, work)
            print(
                f"ingest: {ingest['passages']:.0f} passages · encode {ingest['encode_per_s']:.1f}/s"
                f" · askbot {ingest['askbot_per_s']:.1f}/s · overhead {ingest['overhead']:+.1%}",
                flush=True,
            )
        bot = AskBot.open(Settings(index=work / "ingest-0"), model, create=True)
        if args.skip_ingest:
            bot.ingest_articles(articles)
        cached = AskBot(bot.index, CachedQueries(model, [q for q, _ in questions]), bot.settings)
        table = {}
        for mode in MODES:
            table[mode] = retrieval(cached, questions, mode)
            print(
                f"{mode:>7}: " + "  ".join(f"{k} {v:.4f}" for k, v in table[mode].items()),
                flush=True,
            )
        results["retrieval"] = table
        step = max(1, len(questions) // args.latency)
        results["latency"] = lat = latency(bot, questions[::step][: args.latency])
        print(
            f"latency (warm, in-process, n={lat['n']}): p50 {lat['p50_ms']:.1f} ms · "
            f"p95 {lat['p95_ms']:.1f} ms",
            flush=True,
        )
        bot.close()
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
