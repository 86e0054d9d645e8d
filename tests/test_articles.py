from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from askbot.articles import Read, read_articles
from askbot.models import Article, Skipped
from askbot.sample import sample_dir
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

MB = 1_000_000


def results(*paths: Path, max_bytes: int = 50 * MB) -> tuple[list[Article], list[Skipped]]:
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in read_articles(list(paths), max_bytes):
        if isinstance(item, Read):
            articles.append(item.article)
        elif isinstance(item, Skipped):
            skipped.append(item)
    return articles, skipped


def test_sample_texts_drop_boilerplate_and_find_headlines() -> None:
    articles, skipped = results(sample_dir())
    assert not skipped
    by_id = {a.id: a for a in articles}
    first, second = by_id["000_82e5f7c5c58a7ce4"], by_id["003_37d6d66e19b10c03"]
    assert "Sign up" not in first.text and "By submitting this form" not in first.text
    assert first.text.endswith("Ukraine’s capital.")
    # A 40-word lede is not a headline; a short line without a full stop is.
    assert first.title is None
    assert second.title is not None and second.title.startswith("Russia's top diplomat says")
    assert not second.text.startswith("Russia's top diplomat says")


def test_jsonl_fields_aliases_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [
        {
            "id": "r1",
            "headline": "H",
            "body": "Text one.",
            "outlet": "Reuters",
            "date": "28 January 2022",
            "author": "A. Writer",
            "section": "world",
        },
        {"text": "No id here."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    articles, skipped = results(path)
    assert not skipped
    first, second = articles
    assert (first.id, first.title, first.source) == ("r1", "H", "Reuters")
    assert first.published == date(2022, 1, 28)
    assert first.authors == ("A. Writer",)
    assert first.metadata == {"section": "world"}
    assert len(second.id) == 16  # derived from the content


def test_json_list_and_single_object(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(
        json.dumps([{"id": "x", "text": "X."}, {"id": "y", "text": "Y."}])
    )
    (tmp_path / "one.json").write_text(
        json.dumps({"id": "z", "text": "Z.", "published": "2022-01-28"})
    )
    articles, skipped = results(tmp_path)
    assert sorted(a.id for a in articles) == ["x", "y", "z"]
    assert not skipped


def test_markdown_heading_is_the_title(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_text("# Troops gather\n\nThe body.\n")
    [article], _ = results(tmp_path)
    assert (article.id, article.title, article.text) == ("story", "Troops gather", "The body.")


def test_html_page_is_extracted(tmp_path: Path) -> None:
    body = " ".join(["Reporters in Kyiv described long queues at the border crossing."] * 6)
    (tmp_path / "page.html").write_text(
        "<html><head><title>Queues at the border</title>"
        '<meta property="og:site_name" content="Example News">'
        '<meta property="article:published_time" content="2022-01-28T10:00:00Z"></head>'
        f"<body><nav>Home | World</nav><article><h1>Queues at the border</h1><p>{body}</p>"
        "</article><footer>© Example</footer></body></html>"
    )
    [article], skipped = results(tmp_path)
    assert not skipped
    assert article.title == "Queues at the border"
    assert article.source == "Example News"
    assert article.published == date(2022, 1, 28)
    assert "long queues" in article.text and "Home | World" not in article.text


def test_bad_inputs_are_skipped_with_location_and_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 data")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 story".encode("latin-1"))
    (tmp_path / "big.txt").write_text("word " * 300)
    (tmp_path / "lines.jsonl").write_text(
        '{"id": "ok", "text": "Fine."}\n{broken\n{"id": "none"}\n[1, 2]\n'
        '{"id": "blank", "text": "  "}\n'
    )
    articles, skipped = results(tmp_path, max_bytes=1000)
    assert [a.id for a in articles] == ["ok"]
    reasons = {s.location.replace(str(tmp_path) + "/", ""): s.reason for s in skipped}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"] == "binary file, not text"
    assert reasons["latin1.txt"].startswith("not UTF-8 text (byte 0xe9 at offset 3)")
    assert reasons["big.txt"].startswith("file is 1.5 kB, over the 1.0 kB limit")
    assert reasons["lines.jsonl:2"].startswith("malformed JSON")
    assert reasons["lines.jsonl:3"].startswith("article has no text")
    assert reasons["lines.jsonl:4"] == "expected a JSON object for an article"
    assert reasons["lines.jsonl:5"].startswith("article has no text")
    assert str(skipped[0]).count(":") >= 1


def test_missing_path_unknown_type_and_duplicate_id(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("First version.")
    (tmp_path / "b" / "same.txt").write_text("Second version.")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    bot = AskBot.open(Settings(index=tmp_path / "index"), HashingEmbedder(), create=True)
    report = bot.ingest_paths(
        [tmp_path / "a", tmp_path / "b", tmp_path / "notes.pdf", tmp_path / "nope"]
    )
    assert report.added == 1 and bot.article("same").text == "First version."  # type: ignore[union-attr]
    reasons = [s.reason for s in report.skipped]
    assert any(r.startswith("duplicate article id 'same'") for r in reasons)
    assert any(r.startswith("unsupported file type") for r in reasons)
    assert "no such file or folder" in reasons
