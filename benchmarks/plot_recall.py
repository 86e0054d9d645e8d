"""Plot recall@k against k for each retriever, from the results `make bench` wrote.

    pip install -e '.[bench]'    # matplotlib, which askbot itself does not need
    python benchmarks/plot_recall.py [--results benchmarks/results.json]

Writes benchmarks/recall_at_k.svg: one panel per data set, one line per retriever, so the
gap between the fused ranking and either retriever alone can be read at every depth.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("svg")  # no display on a server; svg keeps the file small and diffable
import matplotlib.pyplot as plt

matplotlib.rcParams["svg.fonttype"] = "none"  # text as text, not glyph outlines
matplotlib.rcParams["svg.hashsalt"] = "askbot"  # stable element ids: reruns diff cleanly

HERE = Path(__file__).resolve().parent
DEPTHS = (1, 5, 10, 20)
STYLE = {"hybrid": "-o", "dense": "--s", "bm25": ":^"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument("--out", type=Path, default=HERE / "recall_at_k.svg")
    args = parser.parse_args()
    results = json.loads(args.results.read_text())
    sets = {
        name: by_retriever
        for name, by_retriever in results.items()
        if any(f"recall@{k}" in r["metrics"] for r in by_retriever.values() for k in DEPTHS)
    }
    figure, axes = plt.subplots(1, len(sets), figsize=(4.2 * len(sets), 3.6), squeeze=False)
    for axis, (name, by_retriever) in zip(axes[0], sets.items(), strict=True):
        for retriever, report in by_retriever.items():
            recall = [report["metrics"][f"recall@{k}"] for k in DEPTHS]
            axis.plot(DEPTHS, recall, STYLE.get(retriever, "-"), label=retriever)
        axis.set_title(f"{name} (n={next(iter(by_retriever.values()))['n']})")
        axis.set_xlabel("k (articles)")
        axis.set_xscale("log")
        axis.set_xticks(DEPTHS, [str(k) for k in DEPTHS])
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel("recall@k")
    axes[0][0].legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(args.out, metadata={"Date": None})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
