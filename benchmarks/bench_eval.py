"""`make bench`: askbot eval on BEIR SciFact and SQuAD v1.1/v2.0 dev, for every retriever.

    python benchmarks/bench_eval.py [--limit N] [--sets scifact squad-v1.1 squad-v2.0]

Each data set's corpus is indexed once into embeddings/<name>/ (reused afterwards), every
question is asked through AskBot.ask exactly as `askbot eval` asks it, and the results go
to benchmarks/results.md (with the machine, the date and the commit) and results.json.
The off-corpus row asks SciFact's test claims against the SQuAD v1.1 index, where askbot
should decline them. benchmarks/ablation.md, written by the ablation scripts, is appended.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askbot import Embedder, __version__
from askbot.evaluate import ask_all, build_report, load, open_dataset_bot
from askbot.evaluate.questions import EvalReport, QuestionSet
from askbot.evaluate.report import format_metric
from askbot.evaluate.runner import dataset_index
from askbot.models import RetrievalMode
from askbot.settings import Settings
from common import SCIFACT, SQUAD, SQUAD2

HERE = Path(__file__).resolve().parent
SETS = {"scifact": SCIFACT, "squad-v1.1": SQUAD, "squad-v2.0": SQUAD2}
MODES = [mode.value for mode in RetrievalMode]
COLUMNS = (
    "recall@1",
    "recall@5",
    "recall@20",
    "mrr@10",
    "ndcg@10",
    "answer_found@1",
    "answer_found@3",
    "answered_rate",
    "abstain_precision",
    "abstain_recall",
    "latency_ms_p50",
    "latency_ms_p95",
)
# (set, retriever, metric, target, direction): the quality bar.
TARGETS = (
    ("scifact", "hybrid", "ndcg@10", 0.70, 1),
    ("squad-v1.1", "hybrid", "recall@5", 0.95, 1),
    ("squad-v1.1", "hybrid", "mrr@10", 0.87, 1),
    ("squad-v1.1", "hybrid", "answer_found@3", 0.80, 1),
    ("off-corpus", "hybrid", "declined", 0.90, 1),
    ("squad-v1.1", "hybrid", "declined", 0.05, -1),
)


def machine() -> str:
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f"{kb / 2**20:.0f} GiB"
    cpu = platform.processor() or platform.machine()
    model_names = (
        [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        if Path("/proc/cpuinfo").exists()
        else []
    )
    if model_names:
        cpu = model_names[0]
    import torch

    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} RAM, no GPU; Python {platform.python_version()}, "
        f"torch {torch.__version__}, {platform.system()} {platform.release()}"
    )


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=HERE, capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "src") else ""
    return (git("rev-parse", "--short", "HEAD") or "unknown") + dirty


def off_corpus(claims: QuestionSet) -> QuestionSet:
    """SciFact claims as questions the SQuAD corpus cannot answer."""
    questions = tuple(
        q.model_copy(update={"relevance": {}, "answerable": False}) for q in claims.questions
    )
    return claims.model_copy(update={"name": "off-corpus", "questions": questions, "corpus": None})


def run_set(
    name: str,
    question_set: QuestionSet,
    settings: Settings,
    model: Embedder | None,
    retrievers: list[str],
    limit: int | None,
    ask_against: QuestionSet | None = None,
) -> tuple[dict[str, EvalReport], Embedder]:
    corpus_set = ask_against or question_set
    settings = settings.model_copy(update={"index": dataset_index(corpus_set)})
    started = time.perf_counter()
    bot = open_dataset_bot(settings, corpus_set, model)
    bot.warm_up()
    print(
        f"{name}: index {settings.index} ready in {time.perf_counter() - started:.0f}s", flush=True
    )
    questions = question_set.questions[:limit] if limit else question_set.questions
    reports = {}
    for retriever in retrievers:
        outcomes = ask_all(bot, questions, retriever=RetrievalMode(retriever))
        reports[retriever] = report = build_report(question_set, outcomes, {"set": name})
        shown = "  ".join(f"{m} {v:.3f}" for m, v in report.metrics.items() if m in COLUMNS)
        print(f"  {retriever:>6} n={report.n}: {shown}", flush=True)
    bot.close()
    return reports, bot.embedder


def markdown(
    results: dict[str, dict[str, EvalReport]], settings: Settings, seconds: float, revision: str
) -> str:
    lines = [
        "# askbot benchmark results",
        "",
        "Written by `make bench` (`python benchmarks/bench_eval.py`). Every number below comes "
        "from asking each question through `AskBot.ask`, one at a time, as `askbot eval` does.",
        "",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {revision} (askbot {__version__})",
        f"- machine: {machine()}",
        f"- settings: model {settings.model}, {settings.chunk_words}-word passages, "
        f"fusion {settings.fusion} (dense weight {settings.dense_weight}), "
        f"min_confidence {settings.min_confidence}, k {settings.top_k}",
        f"- wall time: {seconds / 60:.1f} min",
        "",
        "| set | retriever | n | " + " | ".join(COLUMNS) + " |",
        "|---|---|---:|" + "---:|" * len(COLUMNS),
    ]
    for name, by_retriever in results.items():
        for retriever, report in by_retriever.items():
            cells = []
            for column in COLUMNS:
                value = report.metrics.get(column)
                cells.append("–" if value is None else format_metric(column, value))
            lines.append(f"| {name} | {retriever} | {report.n} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "latency is milliseconds per question (embedding, search, excerpt selection), warm, "
        "in-process, on a shared machine.",
        "",
        "![recall@k against k for each retriever](recall_at_k.svg)",
        "",
        "recall_at_k.svg is drawn from results.json by `benchmarks/plot_recall.py` "
        "(`make bench` runs it when matplotlib is installed: `pip install -e '.[bench]'`).",
        "",
        "## Targets",
        "",
        "| set | metric | target | measured | |",
        "|---|---|---|---:|---|",
    ]
    for name, retriever, metric, target, direction in TARGETS:
        report = results.get(name, {}).get(retriever)
        if report is None:
            continue
        if metric == "declined":
            value = 1 - report.metrics["answered_rate"]
        else:
            value = report.metrics.get(metric, float("nan"))
        ok = value >= target if direction > 0 else value <= target
        sign = "≥" if direction > 0 else "≤"
        lines.append(
            f"| {name} ({retriever}) | {metric} | {sign} {target} | {value:.3f} | "
            f"{'met' if ok else 'missed'} |"
        )
    ablation = HERE / "ablation.md"
    if ablation.exists():
        lines += ["", ablation.read_text().strip()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--retrievers", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--limit", type=int, default=None, help="questions per set (quick runs)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()

    started = time.perf_counter()
    revision = commit()  # the code being measured, not whatever HEAD is when it finishes
    settings = Settings()
    model: Embedder | None = None  # loaded by the first set, then shared
    loaded = {name: load(SETS[name]) for name in args.sets}
    results: dict[str, dict[str, EvalReport]] = {}
    for name, question_set in loaded.items():
        results[name], model = run_set(
            name, question_set, settings, model, args.retrievers, args.limit
        )
    if "scifact" in loaded and "squad-v1.1" in loaded:
        results["off-corpus"], _ = run_set(
            "off-corpus",
            off_corpus(loaded["scifact"]),
            settings,
            model,
            ["hybrid"],
            args.limit,
            ask_against=loaded["squad-v1.1"],
        )
    seconds = time.perf_counter() - started
    args.out.write_text(markdown(results, settings, seconds, revision))
    raw = {
        name: {r: report.model_dump(mode="json") for r, report in by.items()}
        for name, by in results.items()
    }
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1) + "\n")
    print(f"wrote {args.out} and {args.out.with_suffix('.json')} in {seconds / 60:.1f} min")


if __name__ == "__main__":
    main()
