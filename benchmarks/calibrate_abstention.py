"""Chooses ASKBOT_MIN_CONFIDENCE from measurements.

    python benchmarks/calibrate_abstention.py [--questions N]

Asks SQuAD v1.1 dev questions against their own paragraphs (askbot should answer) and
BEIR SciFact *train* claims against the same SQuAD index (askbot should decline), and prints,
for each threshold, the share of each that would be declined. The default threshold is the
highest one that declines at most 5% of in-corpus questions. SciFact's test claims are kept
out of calibration: they are what `make bench` measures the chosen threshold on.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askbot.embedder import SentenceTransformerEmbedder
from askbot.service import AskBot
from askbot.settings import Settings
from bench_core import SQUAD, load_squad

SCIFACT = SQUAD.parents[1] / "beir_scifact"
ROOT = Path(__file__).resolve().parents[1]


def scifact_train_queries() -> list[str]:
    wanted = {
        line.split("\t")[0]
        for line in (SCIFACT / "qrels" / "train.tsv").read_text().splitlines()[1:]
    }
    queries = [json.loads(line) for line in (SCIFACT / "queries.jsonl").read_text().splitlines()]
    return [q["text"] for q in queries if q["_id"] in wanted]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--index", type=Path, default=ROOT / "embeddings" / "calibrate-squad")
    args = parser.parse_args()
    articles, questions = load_squad(SQUAD)
    questions = questions[:: max(1, len(questions) // args.questions)][: args.questions]
    bot = AskBot.open(
        Settings(index=args.index), SentenceTransformerEmbedder(), create=True, rebuild=True
    )
    bot.ingest_articles(articles)
    inside = np.array([bot.ask(q).confidence for q, _ in questions])
    outside = np.array([bot.ask(q).confidence for q in scifact_train_queries()])
    print(
        f"in-corpus (SQuAD v1.1, n={len(inside)}): quantiles 1/5/50% "
        f"{np.quantile(inside, [0.01, 0.05, 0.5]).round(3)}"
    )
    print(
        f"off-corpus (SciFact train vs SQuAD, n={len(outside)}): quantiles 50/90/99% "
        f"{np.quantile(outside, [0.5, 0.9, 0.99]).round(3)}"
    )
    print("threshold  declined in-corpus  declined off-corpus")
    best = 0.0
    for threshold in np.arange(0.20, 0.56, 0.01):
        declined_in = float(np.mean(inside < threshold))
        declined_out = float(np.mean(outside < threshold))
        if declined_in <= 0.05:
            best = float(threshold)
        print(f"  {threshold:.2f}      {declined_in:6.1%}             {declined_out:6.1%}")
    print(f"highest threshold declining <= 5% in-corpus: {best:.2f}")
    bot.close()


if __name__ == "__main__":
    main()
