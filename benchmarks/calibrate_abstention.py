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
from pathlib import Path

import numpy as np

from askbot import AskBot, Settings
from askbot.evaluate import load
from askbot.evaluate.loaders import load_beir
from common import EMBEDDINGS, SCIFACT, SQUAD, stride


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--index", type=Path, default=EMBEDDINGS / "calibrate-squad")
    args = parser.parse_args()
    squad = load(SQUAD)
    questions = stride(squad.questions, args.questions)
    claims = load_beir(SCIFACT, split="train").questions
    with AskBot.open(Settings(index=args.index), create=True, rebuild=True) as bot:
        bot.ingest_articles(squad.corpus or ())
        inside = np.array([bot.ask(q.question).confidence for q in questions])
        outside = np.array([bot.ask(q.question).confidence for q in claims])
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


if __name__ == "__main__":
    main()
