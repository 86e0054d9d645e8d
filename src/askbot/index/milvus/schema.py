"""The collections of a Milvus index, and the schema version they are checked against.

``NAME_meta``      the manifest (what the index was built with), one row
``NAME_articles``  one row per article *version*: its fields, and when it was committed and
                   retired (see ``askbot.index.milvus.versions``)
``NAME_texts``     article texts in chunks (a VARCHAR holds at most 64 KB)
``NAME_passages``  passages: text, offsets, sentences, dense vector and BM25 sparse vector,
                   with the article's outlet and date copied in so filters run inside the
                   vector and keyword searches
``NAME_commits``   one row per commit (the generation is their count)
``NAME_sketches``  story sketches, one row per article *version* (keyed like its row)
``NAME_links``     story links, one row per pair of article *versions*

Sketches and links name the article versions they were made for, so a changed or removed
article's sketch and links stop counting the moment its new version (or its removal)
commits, with no extra step; they are deleted with the version. The story collections are
added to an index built before them when it is opened.

Milvus requires a vector field in every collection: the bookkeeping collections carry a
two-dimensional placeholder nobody searches.

BM25 is Milvus's own (a BM25 function over ``terms``), but the terms are askbot's
(``askbot.tokenizer``: stemmed, stop words kept), space-separated, so that the keyword
search and sentence scoring agree on every term, exactly as in the embedded index. Milvus
Lite offers no whitespace tokenizer; its ``standard`` tokenizer splits askbot's terms
(runs of letters and digits) only where askbot already did, except that it splits CJK
runs into characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1
VARCHAR_MAX = 65_535
TEXT_CHUNK = 16_000  # characters: at most 4 bytes each, under VARCHAR_MAX
ID_MAX = 4_096
PLACEHOLDER_DIM = 2
PLACEHOLDER = [0.0, 0.0]
NEVER = 2**62  # "retired" of a version that is still live
UNDATED = -1
ANALYZER = {"tokenizer": "standard"}
DENSE_INDEX = {"index_type": "FLAT", "metric_type": "IP"}
SPARSE_INDEX = {"index_type": "SPARSE_INVERTED_INDEX", "metric_type": "BM25"}
CONSISTENCY = "Strong"


@dataclass(frozen=True)
class Names:
    meta: str
    articles: str
    texts: str
    passages: str
    commits: str
    sketches: str
    links: str

    @classmethod
    def of(cls, prefix: str) -> Names:
        parts = ("meta", "articles", "texts", "passages", "commits", "sketches", "links")
        return cls(*(f"{prefix}_{part}" for part in parts))

    def all(self) -> tuple[str, ...]:
        return (
            self.meta,
            self.articles,
            self.texts,
            self.passages,
            self.commits,
            self.sketches,
            self.links,
        )


ARTICLE_FIELDS = [
    "key",
    "article_id",
    "version",
    "committed",
    "retired",
    "n_passages",
    "source_folded",
    "published",
    "content_hash",
    "origin",
    "label",
    "record",
]
SKETCH_FIELDS = ["key", "article_id", "version", "story", "published", "chars", "sketch"]
LINK_FIELDS = ["key", "a", "va", "b", "vb"]
PASSAGE_FIELDS = ["id", "article_id", "version", "start", "end", "sentences", "text"]


def _placeholder(schema: Any, datatype: Any) -> None:
    schema.add_field("placeholder", datatype.FLOAT_VECTOR, dim=PLACEHOLDER_DIM)


def _placeholder_index(client: Any) -> Any:
    params = client.prepare_index_params()
    params.add_index(field_name="placeholder", index_type="FLAT", metric_type="L2")
    return params


def create(client: Any, pymilvus: Any, names: Names, dimension: int) -> None:
    """Creates whichever collections are missing (another process may create them too)."""
    dt = pymilvus.DataType
    existing = set(client.list_collections())

    def make(name: str, schema: Any, index: Any) -> None:
        if name in existing:
            return
        try:
            client.create_collection(
                name, schema=schema, index_params=index, consistency_level=CONSISTENCY
            )
        except pymilvus.MilvusException:
            if not client.has_collection(name):
                raise

    meta = client.create_schema(auto_id=False)
    meta.add_field("key", dt.VARCHAR, is_primary=True, max_length=64)
    meta.add_field("value", dt.VARCHAR, max_length=VARCHAR_MAX)
    _placeholder(meta, dt)

    articles = client.create_schema(auto_id=False)
    articles.add_field("key", dt.VARCHAR, is_primary=True, max_length=ID_MAX + 32)
    articles.add_field("article_id", dt.VARCHAR, max_length=ID_MAX)
    for number in ("version", "committed", "retired", "n_passages", "published"):
        articles.add_field(number, dt.INT64)
    articles.add_field("source_folded", dt.VARCHAR, max_length=ID_MAX)
    articles.add_field("content_hash", dt.VARCHAR, max_length=128)
    articles.add_field("origin", dt.VARCHAR, max_length=ID_MAX)
    articles.add_field("label", dt.VARCHAR, max_length=ID_MAX)
    articles.add_field("record", dt.VARCHAR, max_length=VARCHAR_MAX)
    _placeholder(articles, dt)

    texts = client.create_schema(auto_id=False)
    texts.add_field("key", dt.VARCHAR, is_primary=True, max_length=ID_MAX + 48)
    texts.add_field("article_key", dt.VARCHAR, max_length=ID_MAX + 32)
    texts.add_field("seq", dt.INT64)
    texts.add_field("text", dt.VARCHAR, max_length=VARCHAR_MAX)
    _placeholder(texts, dt)

    passages = client.create_schema(auto_id=True)
    passages.add_field("id", dt.INT64, is_primary=True)
    passages.add_field("article_id", dt.VARCHAR, max_length=ID_MAX)
    for number in ("version", "start", "end", "published"):
        passages.add_field(number, dt.INT64)
    passages.add_field("source_folded", dt.VARCHAR, max_length=ID_MAX)
    passages.add_field("sentences", dt.VARCHAR, max_length=VARCHAR_MAX)
    passages.add_field("text", dt.VARCHAR, max_length=VARCHAR_MAX)
    passages.add_field(
        "terms",
        dt.VARCHAR,
        max_length=VARCHAR_MAX,
        enable_analyzer=True,
        enable_match=True,
        analyzer_params=ANALYZER,
    )
    passages.add_field("sparse", dt.SPARSE_FLOAT_VECTOR)
    passages.add_field("dense", dt.FLOAT_VECTOR, dim=dimension)
    passages.add_function(
        pymilvus.Function(
            name="bm25",
            function_type=pymilvus.FunctionType.BM25,
            input_field_names=["terms"],
            output_field_names=["sparse"],
        )
    )
    passage_index = client.prepare_index_params()
    passage_index.add_index(field_name="dense", **DENSE_INDEX)
    passage_index.add_index(field_name="sparse", **SPARSE_INDEX)

    commits = client.create_schema(auto_id=True)
    commits.add_field("id", dt.INT64, is_primary=True)
    commits.add_field("committed", dt.INT64)
    _placeholder(commits, dt)

    make(names.articles, articles, _placeholder_index(client))
    make(names.texts, texts, _placeholder_index(client))
    make(names.passages, passages, passage_index)
    make(names.commits, commits, _placeholder_index(client))
    create_stories(client, pymilvus, names)
    make(names.meta, meta, _placeholder_index(client))


def create_stories(client: Any, pymilvus: Any, names: Names) -> None:
    """Creates the story collections where missing (an index from before them)."""
    dt = pymilvus.DataType
    existing = set(client.list_collections())
    sketches = client.create_schema(auto_id=False)
    sketches.add_field("key", dt.VARCHAR, is_primary=True, max_length=ID_MAX + 32)
    sketches.add_field("article_id", dt.VARCHAR, max_length=ID_MAX)
    sketches.add_field("story", dt.VARCHAR, max_length=ID_MAX)
    for number in ("version", "published", "chars"):
        sketches.add_field(number, dt.INT64)
    sketches.add_field("sketch", dt.VARCHAR, max_length=VARCHAR_MAX)
    _placeholder(sketches, dt)

    links = client.create_schema(auto_id=False)
    links.add_field("key", dt.VARCHAR, is_primary=True, max_length=2 * (ID_MAX + 32) + 1)
    links.add_field("a", dt.VARCHAR, max_length=ID_MAX)
    links.add_field("b", dt.VARCHAR, max_length=ID_MAX)
    for number in ("va", "vb"):
        links.add_field(number, dt.INT64)
    _placeholder(links, dt)

    for name, made in ((names.sketches, sketches), (names.links, links)):
        if name in existing:
            continue
        try:
            client.create_collection(
                name,
                schema=made,
                index_params=_placeholder_index(client),
                consistency_level=CONSISTENCY,
            )
        except pymilvus.MilvusException:
            if not client.has_collection(name):
                raise


def expected_fields() -> dict[str, set[str]]:
    """The field names each collection must have (a check that it is askbot's)."""
    return {
        "meta": {"key", "value", "placeholder"},
        "articles": {*ARTICLE_FIELDS, "placeholder"},
        "texts": {"key", "article_key", "seq", "text", "placeholder"},
        "passages": {*PASSAGE_FIELDS, "published", "source_folded", "terms", "sparse", "dense"},
        "commits": {"id", "committed", "placeholder"},
        "sketches": {*SKETCH_FIELDS, "placeholder"},
        "links": {*LINK_FIELDS, "placeholder"},
    }
