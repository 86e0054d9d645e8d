"""One story, many outlets: syndicated and rewritten copies recognised at ingest.

Each article gets a *fingerprint*: a MinHash (datasketch) of the 5-word shingles of its
normalised body (the first ``MAX_WORDS`` words: the story, not a live blog's tail), and the
exact shingles of its lead. Candidates come from MinHash LSH at a low Jaccard threshold
(a trimmed copy has a low Jaccard but a high containment); each is then verified, and only
verified pairs become *links*:

* the shorter body is mostly contained in the longer (containment estimated from the
  MinHash Jaccard and the two shingle counts), and
* the other article's lead appears in this one's body (exactly, from the text in hand):
  pages that share a long block of boilerplate or a live blog's sidebar have different
  leads, and are kept apart.

A story is a connected group of links; its id is the id of its earliest article (then the
smallest id). Fingerprints and links live in the index (``Writer.save_stories``), so a
later ingest groups new articles with old ones; removing or changing an article drops its
links, and the groups are worked out again from the links that remain.
"""

from __future__ import annotations

import re
import struct
import time
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from askbot.index.base import STORY_MEMBERS, StorySketch

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from askbot.index import Writer
    from askbot.models import Article, Citation

NUM_PERM = 128
SHINGLE = 5
# Words of a body that are compared: long pages are live blogs and galleries whose tail
# is other stories; copies agree from the start.
MAX_WORDS = 1500
LEAD_WORDS = 80
LSH_THRESHOLD = 0.2
# A copy: the shorter body mostly inside the longer, and the other's lead inside it.
MIN_CONTAINMENT = 0.6
MIN_LEAD = 0.6
_FORMAT = 1
_HEADER = struct.Struct("<BII")
_WORD = re.compile(r"[^\W_]+")
# Multipliers that combine word hashes into a shingle hash (odd, so no word is ignored).
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint64)


def words(text: str) -> list[str]:
    """The words compared: NFKC, case-folded, punctuation dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(tokens: Sequence[str]) -> NDArray[np.uint32]:
    """Sorted distinct 32-bit hashes of the ``SHINGLE``-word runs of ``tokens``."""
    if not tokens:
        return np.zeros(0, np.uint32)
    hashed = np.fromiter((zlib.crc32(w.encode()) for w in tokens), np.uint64, len(tokens))
    width = min(SHINGLE, len(hashed))
    count = len(hashed) - width + 1
    combined = np.zeros(count, np.uint64)
    for j in range(width):
        combined = (combined + hashed[j : j + count] * _MIX[j]) & np.uint64(0xFFFFFFFF)
    return np.unique(combined.astype(np.uint32))


@dataclass(frozen=True)
class Fingerprint:
    """What is compared of an article; ``body`` only while its text is in hand."""

    minhash: NDArray[np.uint32]
    size: int
    lead: NDArray[np.uint32]
    body: NDArray[np.uint32] | None = None

    def to_bytes(self) -> bytes:
        header = _HEADER.pack(_FORMAT, self.size, len(self.lead))
        return header + self.minhash.astype("<u4").tobytes() + self.lead.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        version, size, leads = _HEADER.unpack_from(data)
        if version != _FORMAT:
            raise ValueError(f"story sketch format {version}")
        at = _HEADER.size
        minhash = np.frombuffer(data, "<u4", NUM_PERM, at).astype(np.uint32)
        lead = np.frombuffer(data, "<u4", leads, at + 4 * NUM_PERM).astype(np.uint32)
        return cls(minhash, size, lead)


_PERMUTATIONS: list[Any] = []


def _minhash(values: NDArray[np.uint32]) -> NDArray[np.uint32]:
    from datasketch import MinHash  # only ingest pays for the import

    if not _PERMUTATIONS:  # generated once: the same seed gives the same permutations
        _PERMUTATIONS.append(MinHash(num_perm=NUM_PERM).permutations)
    sketch = MinHash(hashfunc=int, permutations=_PERMUTATIONS[0], scheme="affine32")
    sketch.update_batch(values.tolist())
    return np.asarray(sketch.hashvalues, dtype=np.uint32)


def fingerprint(article: Article) -> Fingerprint:
    tokens = words(article.text)[:MAX_WORDS]
    body = shingles(tokens)
    return Fingerprint(_minhash(body), len(body), shingles(tokens[:LEAD_WORDS]), body)


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated share of the smaller body's shingles found in the other."""
    if not a.size or not b.size:
        return 0.0
    jaccard = float(np.mean(a.minhash == b.minhash))
    shared = jaccard * (a.size + b.size) / (1 + jaccard)
    return min(1.0, shared / min(a.size, b.size))


def _lead_in(lead: NDArray[np.uint32], body: NDArray[np.uint32] | None) -> float:
    if body is None or not len(lead):
        return 0.0
    return float(np.isin(lead, body, assume_unique=True).mean())


def copies(new: Fingerprint, other: Fingerprint) -> bool:
    """Whether ``new`` (whose text is in hand) and ``other`` carry one story."""
    if containment(new, other) < MIN_CONTAINMENT:
        return False
    lead = max(_lead_in(other.lead, new.body), _lead_in(new.lead, other.body))
    return lead >= MIN_LEAD


@dataclass(frozen=True)
class Grouping:
    """What one grouping pass did."""

    fingerprinted: int
    links: int
    seconds: float


class _Groups:
    """Union-find over article ids."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _lsh(prints: dict[str, Fingerprint]) -> Any:
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for article_id, fp in prints.items():
            session.insert(
                article_id, LeanMinHash(seed=1, hashvalues=fp.minhash, scheme="affine32")
            )
    return lsh


def group(writer: Writer, articles: Sequence[Article]) -> Grouping:
    """Fingerprints the ``articles`` the index has no sketch of (new, changed, or ingested
    before grouping), links each to the copies among all articles, and gives every article
    whose group changed its story id. With no articles, only regroups (after a removal)."""
    from datasketch import LeanMinHash

    started = time.perf_counter()
    known = writer.story_sketches()
    fresh = {a.id: (a, fingerprint(a)) for a in articles if a.id not in known}
    links = [(a, b) for a, b in writer.story_links() if a in known and b in known]
    new_links: list[tuple[str, str]] = []
    if fresh:
        prints = {i: Fingerprint.from_bytes(s.sketch) for i, s in known.items()}
        prints.update({i: fp for i, (_, fp) in fresh.items()})
        lsh = _lsh(prints)
        for article_id, (_, fp) in fresh.items():
            sketch = LeanMinHash(seed=1, hashvalues=fp.minhash, scheme="affine32")
            for other in lsh.query(sketch):
                if other == article_id or (other in fresh and other < article_id):
                    continue  # itself, or a pair of new articles seen from the other side
                if copies(fp, prints[other]):
                    new_links.append((article_id, other))
    published: dict[str, date | None] = {i: s.published for i, s in known.items()}
    chars: dict[str, int] = {i: s.chars for i, s in known.items()}
    for article_id, (article, _) in fresh.items():
        published[article_id] = article.published
        chars[article_id] = len(article.text)
    groups = _Groups(published)
    for a, b in [*links, *new_links]:
        groups.join(a, b)
    members: dict[str, list[str]] = {}
    for article_id in published:
        members.setdefault(groups.find(article_id), []).append(article_id)
    changed: dict[str, StorySketch] = {}
    for ids in members.values():
        story = min(ids, key=lambda i: (published[i] is None, published[i] or date.min, i))
        for article_id in ids:
            old = known.get(article_id)
            if article_id in fresh or (old is not None and old.story != story):
                sketch = fresh[article_id][1].to_bytes() if article_id in fresh else None
                changed[article_id] = StorySketch(
                    story=story,
                    published=published[article_id],
                    chars=chars[article_id],
                    sketch=sketch if sketch is not None else known[article_id].sketch,
                )
    if changed or new_links:
        writer.save_stories(changed, new_links)
    return Grouping(len(fresh), len(new_links), time.perf_counter() - started)


def outlets(excerpt: Citation, others: Sequence[Citation]) -> list[str]:
    """The distinct outlets of a story's articles, the quoted one first."""
    names: dict[str, str] = {}
    for citation in (excerpt, *others):
        name = citation.source or citation.label or citation.article_id
        names.setdefault(name.casefold(), name)
    return list(names.values())


def reported_by(excerpt: Citation, others: Sequence[Citation], shown: int = 8) -> str | None:
    """``reported by 3 outlets: A, B, C`` for an excerpt whose story has copies."""
    if not others:
        return None
    names = outlets(excerpt, others)
    listed = ", ".join(names[:shown]) + (
        f" and {len(names) - shown} more" if len(names) > shown else ""
    )
    articles = len(others) + 1
    # A question reads a story's first STORY_MEMBERS articles only: there may be more.
    more = "+" if articles >= STORY_MEMBERS else ""
    line = f"reported by {len(names)}{more} outlet{'s' if len(names) != 1 else ''}: {listed}"
    if articles > len(names):
        line += f" ({articles}{more} articles)"
    return line
