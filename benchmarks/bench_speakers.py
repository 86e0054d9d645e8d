"""Speaker attribution: exact-match accuracy on labelled real quotes, the seeds, and cost.

    python benchmarks/bench_speakers.py [--no-embed]

``benchmarks/data/speakers_labels.jsonl`` holds 177 quotations and reported-speech
sentences from 18 RealTimeQA 2023 articles (CNN, USA Today), labelled by reading each
article. ``split`` says which: the rules were tuned while looking at the errors on
``dev`` (137 quotes, 14 articles); ``heldout`` (40 quotes, 4 articles) was labelled
afterwards and never used to change a rule, so it is the honest estimate. Each label has
the article id, the span's offsets, a hash and the first words of the span (to check the
data set is the one labelled), the speaker the article gives (the full name
it first uses; an organisation as named; null when nobody is named, e.g. "officials
said") and the hard case it is:

* ``same``: the attribution is in the quotation's sentence;
* ``other``: the speaker is named in another sentence (a quotation that continues);
* ``pronoun``: "he said", "she added";
* ``surname``: the sentence gives only the surname (the full name comes from earlier);
* ``reported``: reported speech, no quotation marks ("X said that", "according to X");
* ``none``: nobody is named, so the right answer is no speaker;
* ``several`` (a slice over the others): articles that quote two or more people.

A prediction is the speaker of the attributed span that overlaps the labelled span most
(none when nothing overlaps); it is right when its name equals the label (case and a
leading "the" aside). The articles are read from the data set, never copied here.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import time
from collections import Counter

from askbot.models import Attribution
from askbot.news import speakers
from common import DATASETS, ROOT

LABELS = ROOT / "benchmarks" / "data" / "speakers_labels.jsonl"
ARTICLES = DATASETS / "realtimeqa_2023" / "articles.jsonl.gz"
SEEDS = ROOT / "src" / "askbot" / "sample"
# (seed file, words inside the span, expected speaker)
SEED_CHECKS = (
    ("000_82e5f7c5c58a7ce4.txt", "If it depends on Russia", "Sergey Lavrov"),
    ("003_37d6d66e19b10c03.txt", "We don't need panic", "Volodymyr Zelensky"),
    ("000_82e5f7c5c58a7ce4.txt", "Should Russia choose further aggression", "Antony Blinken"),
    ("000_82e5f7c5c58a7ce4.txt", "130,000 Russian troops", "Oleksii Reznikov"),
)


def _norm(name: str | None) -> str | None:
    return None if name is None else name.lower().removeprefix("the ").strip()


def _predicted(found: tuple[Attribution, ...], start: int, end: int) -> str | None:
    best, overlap = None, 0
    for a in found:
        shared = min(a.end, end) - max(a.start, start)
        if shared > overlap:
            best, overlap = a, shared
    return best.name if best else None


def _texts(wanted: set[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    with gzip.open(ARTICLES, "rt") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in wanted:
                found[record["id"]] = record
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-embed", action="store_true", help="skip the embedding timing")
    args = parser.parse_args()
    labels = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    records = _texts({label["article"] for label in labels})
    for label in labels:
        span = records[label["article"]]["text"][label["start"] : label["end"]]
        if hashlib.sha1(span.encode()).hexdigest()[:12] != label["sha1"]:
            raise SystemExit(f"{label['article']}: the labelled span differs from the data set")

    speakers.attribute("Warm-up, he said.")  # loads the model: not part of the cost
    found: dict[str, tuple[Attribution, ...]] = {}
    started = time.perf_counter()
    for article_id, record in records.items():
        found[article_id] = speakers.attribute(record["text"])
    attribute_ms = (time.perf_counter() - started) * 1000 / len(records)

    people: dict[str, set[str]] = {}
    for label in labels:
        if label["speaker"]:
            people.setdefault(label["article"], set()).add(label["speaker"])
    right, total = Counter[str](), Counter[str]()
    for label in labels:
        guess = _predicted(found[label["article"]], label["start"], label["end"])
        ok = _norm(guess) == _norm(label["speaker"])
        cases = ["all", label["split"], label["case"]]
        if len(people.get(label["article"], ())) >= 2:
            cases.append("several")
        for case in cases:
            total[case] += 1
            right[case] += ok
    print(f"labelled set: {len(labels)} quotes from {len(records)} articles")
    for case in ("all", "dev", "heldout", "same", "other", "pronoun", "surname", "reported"):
        if total[case]:
            print(f"  {case:9} {right[case] / total[case]:.3f}  ({right[case]}/{total[case]})")
    for case in ("none", "several"):
        if total[case]:
            print(f"  {case:9} {right[case] / total[case]:.3f}  ({right[case]}/{total[case]})")

    passed = 0
    for seed, words, expected in SEED_CHECKS:
        text = (SEEDS / seed).read_text()
        at = text.index(words)
        got = _predicted(speakers.attribute(text), at, at + len(words))
        passed += got == expected
        print(f"  seed {expected:20} -> {got}")
    print(f"seeds: {passed}/{len(SEED_CHECKS)}")

    chars = sum(len(r["text"]) for r in records.values()) / len(records)
    print(f"attribution: {attribute_ms:.1f} ms per article ({chars:.0f} characters on average)")
    if not args.no_embed:
        print(f"embedding:   {_embed_ms(list(records.values())):.1f} ms per article", end="")
        print(f" (attribution = {attribute_ms / _EMBED[0]:.0%} of it)")


_EMBED: list[float] = [0.0]


def _embed_ms(records: list[dict[str, str]]) -> float:
    """What ingest spends embedding these articles' passages with the real model."""
    from askbot.chunker import chunk
    from askbot.embedders.sentence_transformer import SentenceTransformerEmbedder
    from askbot.ingest import embedding_text
    from askbot.models import Article, ChunkerConfig

    config = ChunkerConfig()
    articles = [Article(id=r["id"], text=r["text"], title=r.get("title")) for r in records]
    texts = [embedding_text(a, p, config) for a in articles for p in chunk(a.id, a.text, config)]
    model = SentenceTransformerEmbedder()
    model.warm_up()
    started = time.perf_counter()
    model.embed(texts, "passage")
    _EMBED[0] = (time.perf_counter() - started) * 1000 / len(articles)
    return _EMBED[0]


if __name__ == "__main__":
    main()
