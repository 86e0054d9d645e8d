"""Story grouping: precision and recall on syndicated pairs, and its share of ingest time.

Pairs (``benchmarks/data/story_pairs.jsonl``, ids and labels only, never text):

* ``real``: pairs of RealTimeQA 2023 pages labelled by reading: the same story at two
  addresses (reruns, updated versions) against pages on one topic that are different
  stories (another year's Groundhog Day on a recycled text, two counties' candidate
  questionnaires on one template, CNN pages that share a World Cup sidebar).
* ``rewrite`` (built here, deterministically): a real article and an outlet's rerun of
  it: a new headline, its boilerplate on top and at the bottom, the tail trimmed to
  60-90%, neighbouring sentences swapped. Against each, ``same-topic``: the page whose
  headline shares most words with it, published within 30 days (assumed a different
  story; any such pair the grouper joins is printed, to read).

Every article of the pairs is ingested into one index (a deterministic hashing embedder:
the vectors play no part in grouping) and a pair counts as grouped when both get the same
story id. The cost is measured apart, with the real model, on ``--cost-articles`` pages
and their reruns: grouping seconds against the whole ingest.

    python benchmarks/bench_stories.py [--rewrites 300] [--cost-articles 200]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from askbot import AskBot
from askbot.models import Article
from askbot.settings import Settings
from common import DATASETS, ROOT, stride

sys.path.insert(0, str(ROOT / "tests"))
from fakes import HashingEmbedder

ARTICLES = DATASETS / "realtimeqa_2023" / "articles.jsonl.gz"
PAIRS = ROOT / "benchmarks" / "data" / "story_pairs.jsonl"
OUTLETS = ("Wire Daily", "Metro Herald", "Valley Gazette", "Coast Tribune")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_TITLE_WORD = re.compile(r"[a-z0-9']{4,}")


def load() -> dict[str, Article]:
    out: dict[str, Article] = {}
    with gzip.open(ARTICLES, "rt") as lines:
        for line in lines:
            r = json.loads(line)
            out[r["id"]] = Article(
                id=r["id"],
                text=r["text"],
                title=r.get("title"),
                url=r.get("url"),
                source=r.get("source"),
                published=date.fromisoformat(r["published"]) if r.get("published") else None,
            )
    return out


def rerun(article: Article, rng: random.Random, n: int) -> Article:
    """Another outlet's rerun of ``article``: boilerplate, new headline, trim, swaps."""
    outlet = OUTLETS[n % len(OUTLETS)]
    paragraphs = [p for p in article.text.split("\n") if p.strip()]
    # Every third rerun is heavy: under half the story kept, its first sentence cut, and
    # sentences swapped in every paragraph.
    heavy = n % 3 == 2
    share = rng.uniform(0.35, 0.5) if heavy else rng.uniform(0.6, 0.9)
    paragraphs = paragraphs[: max(2, round(len(paragraphs) * share))]
    if heavy:
        first = _SENTENCE.split(paragraphs[0], maxsplit=1)
        paragraphs[0] = first[-1]
    swaps = len(paragraphs) if heavy else min(3, len(paragraphs))
    for i in rng.sample(range(len(paragraphs)), swaps):
        sentences = _SENTENCE.split(paragraphs[i])
        if len(sentences) > 1:
            j = rng.randrange(len(sentences) - 1)
            sentences[j], sentences[j + 1] = sentences[j + 1], sentences[j]
            paragraphs[i] = " ".join(sentences)
    top = f"({outlet}) — This story was provided by our news partners."
    bottom = f"Copyright 2023 {outlet}. All rights reserved. Sign up for our daily newsletter."
    return Article(
        id=f"rerun-{n:04d}-{article.id}",
        text="\n\n".join([top, *paragraphs, bottom]),
        title=f"{outlet}: " + " ".join(reversed((article.title or "news").split())),
        source=outlet,
        published=article.published,
    )


def _title_words(article: Article) -> set[str]:
    return set(_TITLE_WORD.findall((article.title or "").lower()))


def same_topic(article: Article, corpus: list[Article], avoid: set[str]) -> Article | None:
    """The page whose headline shares most words with this one, within 30 days."""
    mine = _title_words(article)
    best, score = None, 0.2
    for other in corpus:
        if other.id == article.id or other.id in avoid or not article.published:
            continue
        if not other.published or abs((other.published - article.published).days) > 30:
            continue
        words = _title_words(other)
        overlap = len(mine & words) / (len(mine | words) or 1)
        if overlap > score:
            best, score = other, overlap
    return best


def build_pairs(
    corpus: dict[str, Article], rewrites: int
) -> tuple[list[dict[str, object]], list[Article]]:
    labelled = [json.loads(line) for line in PAIRS.read_text().splitlines() if line.strip()]
    pairs: list[dict[str, object]] = list(labelled)
    articles = {i: corpus[i] for p in labelled for i in (str(p["a"]), str(p["b"]))}
    real_ids = {str(p["a"]) for p in labelled} | {str(p["b"]) for p in labelled}
    rng = random.Random(2023)
    long_enough = [a for a in corpus.values() if len(a.text.split()) >= 200]
    chosen = stride(sorted(long_enough, key=lambda a: a.id), rewrites) if rewrites else []
    everything = list(corpus.values())
    for n, original in enumerate(chosen):
        copy = rerun(original, rng, n)
        articles[original.id] = original
        articles[copy.id] = copy
        pairs.append({"a": original.id, "b": copy.id, "same_story": True, "kind": "rewrite"})
        other = same_topic(original, everything, real_ids)
        if other is not None:
            articles[other.id] = other
            pairs.append(
                {"a": original.id, "b": other.id, "same_story": False, "kind": "same-topic"}
            )
    return pairs, list(articles.values())


def grouping(articles: list[Article], pairs: list[dict[str, object]], work: Path) -> None:
    with AskBot.open(Settings(index=work / "pairs"), HashingEmbedder(), create=True) as bot:
        started = time.perf_counter()
        report = bot.ingest_articles(articles)
        print(
            f"ingested {len(articles)} articles in {time.perf_counter() - started:.1f}s "
            f"(grouping {report.stories_seconds:.2f}s, hashing embedder)"
        )
        with bot.index.snapshot() as snap:
            story = {a: s for a, (s, _) in snap.stories([a.id for a in articles]).items()}
    totals: dict[str, list[int]] = {}
    for pair in pairs:
        grouped = story.get(str(pair["a"])) == story.get(str(pair["b"])) is not None
        truth = bool(pair["same_story"])
        for kind in (str(pair["kind"]), "all"):
            tp, fp, fn, n = totals.setdefault(kind, [0, 0, 0, 0])
            totals[kind] = [
                tp + (grouped and truth),
                fp + (grouped and not truth),
                fn + (truth and not grouped),
                n + 1,
            ]
        if grouped != truth and pair["kind"] != "rewrite":
            print(
                f"  {'joined' if grouped else 'missed'}: {pair['a']} {pair['b']} ({pair['kind']})"
            )
    print(
        f"{'pairs':<12}{'n':>6}{'same':>6}{'joined':>8}{'wrongly':>9}{'precision':>11}{'recall':>8}"
    )
    for kind, (tp, fp, fn, n) in sorted(totals.items()):
        precision = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
        recall = f"{tp / (tp + fn):.3f}" if tp + fn else "-"
        print(f"{kind:<12}{n:>6}{tp + fn:>6}{tp + fp:>8}{fp:>9}{precision:>11}{recall:>8}")


def cost(corpus: dict[str, Article], count: int, work: Path) -> None:
    from askbot.embedders import SentenceTransformerEmbedder

    rng = random.Random(7)
    originals = stride(sorted(corpus.values(), key=lambda a: a.id), count)  # count > 0
    reruns = [rerun(a, rng, n) for n, a in enumerate(originals[: count // 4])]
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    with AskBot.open(Settings(index=work / "cost"), embedder, create=True) as bot:
        report = bot.ingest_articles([*originals, *reruns])
    share = report.stories_seconds / report.seconds
    print(
        f"cost: {len(originals) + len(reruns)} articles, {report.passages} passages, "
        f"ingest {report.seconds:.1f}s, grouping {report.stories_seconds:.2f}s = "
        f"{100 * share:.1f}% of ingest (all-MiniLM-L6-v2 on CPU)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rewrites", type=int, default=300)
    parser.add_argument("--cost-articles", type=int, default=200, help="0 skips the cost run")
    args = parser.parse_args()
    corpus = load()
    pairs, articles = build_pairs(corpus, args.rewrites)
    with tempfile.TemporaryDirectory(prefix="bench-stories-") as tmp:
        grouping(articles, pairs, Path(tmp))
        if args.cost_articles:
            cost(corpus, args.cost_articles, Path(tmp))


if __name__ == "__main__":
    main()
