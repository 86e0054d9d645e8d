"""Eval reports: ``metrics.json``, a Markdown ``summary.md``, and ``misses.jsonl``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import JsonValue

from askbot.evaluate.metrics import RECALL_DEPTHS, miss_reasons, summarize
from askbot.evaluate.questions import EvalReport, Outcome, QuestionSet

# Shown first, in this order; anything else follows alphabetically.
METRIC_ORDER = (
    *(f"recall@{k}" for k in RECALL_DEPTHS),
    "mrr@10",
    "ndcg@10",
    "answer_found@1",
    "answer_found@3",
    "citation_precision",
    "answered_rate",
    "abstain_precision",
    "abstain_recall",
    "rejected_cited_rate",
    "latency_ms_p50",
    "latency_ms_p95",
)


def build_report(
    question_set: QuestionSet, outcomes: Sequence[Outcome], config: dict[str, JsonValue]
) -> EvalReport:
    metrics, counts = summarize(outcomes)
    counts["skipped"] = len(question_set.skipped)
    counts["errors"] = sum(o.error is not None for o in outcomes)
    ordered = {m: metrics[m] for m in METRIC_ORDER if m in metrics}
    ordered.update(sorted((m, v) for m, v in metrics.items() if m not in ordered))
    return EvalReport(
        metrics=ordered,
        n=len(outcomes),
        counts=counts,
        skipped=question_set.skipped,
        config=config,
    )


def miss_record(outcome: Outcome) -> dict[str, JsonValue] | None:
    """A question askbot got wrong, as a person reads it; None when it got it right."""
    reasons = miss_reasons(outcome)
    if not reasons:
        return None
    q = outcome.question
    return {
        "id": q.id,
        "question": q.question,
        "why": list(reasons),
        "gold_answers": list(q.answers),
        "gold_articles": list(q.article_ids),
        "answerable": q.answerable,
        "answered": outcome.answered,
        "confidence": outcome.confidence,
        "cited": [c.model_dump(mode="json") for c in outcome.cited],
        "ranking": list(outcome.ranking[:5]),
        "location": q.location,
    }


def format_metric(metric: str, value: float) -> str:
    """Milliseconds to a tenth, rates to three places: how every table shows a metric."""
    return f"{value:,.1f}" if metric.startswith("latency") else f"{value:.3f}"


def summary_markdown(report: EvalReport, misses: int) -> str:
    config = report.config
    lines = [
        f"# askbot eval: {config.get('question_set', '')}",
        "",
        f"{report.n} questions asked · {report.counts.get('skipped', 0)} skipped · "
        f"{report.counts.get('errors', 0)} errors · {misses} misses (see misses.jsonl)",
        "",
        "| metric | value |",
        "|---|---:|",
    ]
    lines += [f"| {m} | {format_metric(m, v)} |" for m, v in report.metrics.items()]
    lines += ["", "## Configuration", ""]
    lines += [f"- {key}: `{value}`" for key, value in config.items()]
    if report.skipped:
        lines += ["", "## Skipped", ""]
        lines += [f"- {s}" for s in report.skipped[:50]]
        if len(report.skipped) > 50:
            lines.append(f"- … and {len(report.skipped) - 50} more (metrics.json lists all)")
    return "\n".join(lines) + "\n"


def write_report(directory: Path, report: EvalReport, outcomes: Sequence[Outcome]) -> int:
    """Writes the three files; returns how many misses were written."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "metrics.json").write_text(report.model_dump_json(indent=2) + "\n")
    misses = 0
    with (directory / "misses.jsonl").open("w") as out:
        for outcome in outcomes:
            record = miss_record(outcome)
            if record is not None:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                misses += 1
    (directory / "summary.md").write_text(summary_markdown(report, misses))
    return misses
