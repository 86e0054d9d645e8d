"""The Milvus backend against the embedded index, side by side in one run.

    python benchmarks/bench_milvus.py [--questions N] [--passages N] [--writers-articles N]
                                      [--skip-quality] [--skip-ingest] [--skip-latency]

It starts a Milvus Lite server on 127.0.0.1 (data in a temporary folder) and reports:

* quality parity: SciFact nDCG@10 and SQuAD v1.1 recall@5 (dense, BM25, hybrid) on the
  folder index and on Milvus, real model (the vectors are embedded once: the embedding
  cache serves the second backend);
* ingest with 1, 2 and 3 writer processes into one server: passages/s, storage only (a
  hashing embedder, 384 dimensions, so the model's cost does not hide the index's);
* question latency p50/p95 with 1 and 2 reader processes at --passages passages, Milvus
  and the folder index, same corpus (hashing embedder).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from askbot import AskBot, RetrievalMode, Settings  # noqa: E402
from askbot.evaluate import load  # noqa: E402
from askbot.evaluate.metrics import ndcg_at, recall_at  # noqa: E402
from askbot.models import Article  # noqa: E402
from common import SCIFACT, SQUAD, CachedQueries, stride  # noqa: E402
from fakes import HashingEmbedder  # noqa: E402
from milvus_server import running_server  # noqa: E402

DIM = 384
WORDS = ["troops", "border", "grain", "exports", "talks", "sanctions", "port", "ceasefire"]
WORDS += ["election", "budget"]


def _subset(corpus: list[Article], questions: list[Any], size: int) -> list[Article]:
    """The questions' gold articles, then others at an even stride, ``size`` in all."""
    if not size or size >= len(corpus):
        return corpus
    gold = {a for q in questions for a in q.article_ids}
    kept = [a for a in corpus if a.id in gold]
    rest = [a for a in corpus if a.id not in gold]
    return kept + stride(rest, max(0, size - len(kept)))


def quality(server: str, work: Path, n_questions: int, corpus_size: int) -> dict[str, object]:
    results: dict[str, object] = {}
    model = None
    for name, path, metric in (("scifact", SCIFACT, "ndcg@10"), ("squad-v1.1", SQUAD, "recall@5")):
        qset = load(path)
        questions = stride(qset.questions, n_questions)
        corpus = _subset(list(qset.corpus or ()), questions, corpus_size)
        table: dict[str, dict[str, float]] = {}
        for backend, location in (
            ("folder", str(work / f"{name}-folder")),
            (
                "milvus",
                f"milvus://{server}?collection=q_{name.replace('-', '_').replace('.', '_')}",
            ),
        ):
            settings = Settings(index=location)  # type: ignore[arg-type]
            with AskBot.open(settings, model, create=True) as bot:
                model = bot.embedder
                started = time.perf_counter()
                bot.ingest_articles(corpus)
                print(
                    f"{name} {backend}: ingested in {time.perf_counter() - started:.0f}s",
                    flush=True,
                )
            cached = CachedQueries(model, [q.question for q in questions])
            with AskBot.open(settings, cached) as bot:
                for mode in RetrievalMode:
                    scores = []
                    for q in questions:
                        passages = bot.retrieve(q.question, mode, 20)
                        ranking = list(dict.fromkeys(p.article_id for p in passages))
                        scores.append(
                            ndcg_at(ranking, q.relevance)
                            if metric == "ndcg@10"
                            else recall_at(ranking, q.article_ids, 5)
                        )
                    table.setdefault(mode.value, {})[backend] = statistics.fmean(scores)
        for mode, row in table.items():
            print(
                f"{name} {metric} {mode:>6}: folder {row['folder']:.4f}  milvus {row['milvus']:.4f}"
                f"  diff {row['milvus'] - row['folder']:+.4f}",
                flush=True,
            )
        results[name] = {"metric": metric, "questions": len(questions), "table": table}
    return results


def synthetic(prefix: str, count: int, passages: int = 10) -> list[Article]:
    articles = []
    for i in range(count):
        sentences = [
            f"Report {prefix} {i}.{j} on {WORDS[(i + j) % len(WORDS)]} and "
            f"{WORDS[(i * 7 + j) % len(WORDS)]} in region {i % 97}, item {j} of the day."
            for j in range(passages * 2)
        ]
        articles.append(
            Article(
                id=f"{prefix}-{i}",
                text=" ".join(sentences),
                title=f"{prefix} {i}",
                source=f"Outlet {i % 13}",
            )
        )
    return articles


def _settings(location: str) -> Settings:
    return Settings(index=location, chunk_words=30, embedding_cache="off")  # type: ignore[arg-type]


def worker_write(location: str, prefix: str, count: int) -> None:
    articles = synthetic(prefix, count)
    with AskBot.open(_settings(location), HashingEmbedder(DIM), create=True) as bot:
        started = time.perf_counter()
        passages = 0
        for i in range(0, count, 50):
            report = bot.ingest_articles(articles[i : i + 50])
            passages += report.passages
        print(json.dumps({"passages": passages, "seconds": time.perf_counter() - started}))


def worker_read(location: str, count: int) -> None:
    """Times ``count`` questions over a 20-question vocabulary, after one untimed pass over
    it: on Milvus the first use of a term counts its passages (TEXT_MATCH; a scan on
    Milvus Lite), cached afterwards, so the first pass is reported apart ("cold")."""
    with AskBot.open(_settings(location), HashingEmbedder(DIM)) as bot:
        distinct = [f"{WORDS[i % 10]} {WORDS[(i * 3 + 1) % 10]} region {i % 5}" for i in range(20)]
        cold = []
        for q in distinct:
            started = time.perf_counter()
            bot.ask(q)
            cold.append((time.perf_counter() - started) * 1000)
        times = []
        for i in range(count):
            started = time.perf_counter()
            bot.ask(distinct[i % len(distinct)])
            times.append((time.perf_counter() - started) * 1000)
        print(json.dumps({"warm": times, "cold": cold}))


def _run(*args: str) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", *args], stdout=subprocess.PIPE, text=True
        )
    ]


def ingest_scaling(server: str, per_writer: int) -> dict[str, object]:
    results: dict[str, object] = {}
    for writers in (1, 2, 3):
        location = f"milvus://{server}?collection=w{writers}"
        with AskBot.open(_settings(location), HashingEmbedder(DIM), create=True):
            pass
        started = time.perf_counter()
        procs = [
            p for w in range(writers) for p in _run("write", location, f"w{w}", str(per_writer))
        ]
        outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        wall = time.perf_counter() - started
        total = sum(o["passages"] for o in outs)
        each = [o["passages"] / o["seconds"] for o in outs]
        results[str(writers)] = {
            "passages": total,
            "wall_s": wall,
            "total_per_s": total / wall,
            "each_per_s": each,
        }
        print(
            f"ingest, {writers} writer(s): {total} passages in {wall:.1f}s = "
            f"{total / wall:.0f}/s total, "
            f"each {', '.join(f'{e:.0f}' for e in each)}/s",
            flush=True,
        )
    return results


def floor(server: str, collection: str, repeats: int = 20) -> dict[str, float]:
    """What Milvus Lite itself takes at this size, without askbot: one dense and one BM25
    search of 20 (what a question asks twice), p50 over ``repeats``. A question cannot be
    faster than their sum."""
    from pymilvus import MilvusClient

    client = MilvusClient(f"http://{server}")
    name = f"{collection}_passages"
    vector = np.random.default_rng(0).standard_normal(DIM).astype(np.float32)
    vector /= np.linalg.norm(vector)
    row: dict[str, float] = {}
    for what, data, field, metric in (
        ("dense", vector.tolist(), "dense", "IP"),
        ("bm25", "troop border region 0", "sparse", "BM25"),
    ):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.search(
                name,
                data=[data],
                anns_field=field,
                limit=20,
                search_params={"metric_type": metric},
                output_fields=["article_id", "version"],
            )
            times.append((time.perf_counter() - started) * 1000)
        row[f"{what}_search_p50_ms"] = statistics.median(times)
    client.close()
    print(
        f"Milvus Lite alone (bare pymilvus search of 20): dense p50 "
        f"{row['dense_search_p50_ms']:.0f} ms, BM25 p50 {row['bm25_search_p50_ms']:.0f} ms",
        flush=True,
    )
    return row


def latency(server: str, work: Path, passages: int, questions: int) -> dict[str, object]:
    results: dict[str, object] = {}
    articles = passages // 10
    for backend, location in (
        ("folder", str(work / "latency-folder")),
        ("milvus", f"milvus://{server}?collection=latency"),
    ):
        started = time.perf_counter()
        for p in _run("write", location, "lat", str(articles)):
            built = json.loads(p.communicate()[0].strip().splitlines()[-1])
        print(
            f"latency corpus on {backend}: {built['passages']} passages "
            f"in {time.perf_counter() - started:.0f}s",
            flush=True,
        )
        if backend == "milvus":
            results["milvus-floor"] = floor(server, "latency")
        for readers in (1, 2):
            procs = [p for _ in range(readers) for p in _run("read", location, str(questions))]
            outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
            times = sorted(t for o in outs for t in o["warm"])
            cold = sorted(t for o in outs for t in o["cold"])
            row = {
                "cold_p50_ms": statistics.median(cold),
                "cold_max_ms": cold[-1],
                "n": len(times),
                "p50_ms": statistics.median(times),
                "p95_ms": times[int(0.95 * (len(times) - 1))],
            }
            results[f"{backend}-{readers}"] = row
            print(
                f"latency {backend}, {readers} reader(s): "
                f"p50 {row['p50_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms "
                f"(first pass over the vocabulary: p50 {row['cold_p50_ms']:.0f} ms, "
                f"max {row['cold_max_ms']:.0f} ms)",
                flush=True,
            )
    return results


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        mode, *rest = sys.argv[2:]
        if mode == "write":
            worker_write(rest[0], rest[1], int(rest[2]))
        else:
            worker_read(rest[0], int(rest[1]))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--corpus", type=int, default=0, help="articles per set (0 = all)")
    parser.add_argument("--passages", type=int, default=50_000)
    parser.add_argument("--latency-questions", type=int, default=200)
    parser.add_argument("--writers-articles", type=int, default=300, help="articles per writer")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp) / "milvus") as server:
        work = Path(tmp)
        if not args.skip_quality:
            results["quality"] = quality(server, work, args.questions, args.corpus)
        if not args.skip_ingest:
            results["ingest"] = ingest_scaling(server, args.writers_articles)
        if not args.skip_latency:
            results["latency"] = latency(server, work, args.passages, args.latency_questions)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
