"""Hostile inputs to ``askbot ingest``: each is named and skipped, the rest goes on, the
index keeps what it had."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_harness import Cli

Make = Callable[[Cli], list[Path]]
GOOD = {"id": "good", "text": "Ports reopened on Monday after the storm, officials said."}
LONG_BODY = " ".join(
    f"Reporters in Kyiv described queue {n} at the border crossing on Friday." for n in range(20)
)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# (case id, files to write, what must be in the output, articles added)
SKIPPED: list[tuple[str, Make, str, int]] = [
    ("empty-file", lambda c: [c.write("in/empty.txt", "")], "empty file", 0),
    ("binary", lambda c: [c.write("in/b.txt", b"\x00\x01\x02\xff data")], "binary file", 0),
    (
        "not-utf8",
        lambda c: [c.write("in/latin.txt", "Caf\xe9 owners said prices rose.".encode("cp1252"))],
        "not UTF-8 text",
        0,
    ),
    (
        "malformed-line",
        lambda c: [c.write("in/a.jsonl", '{"text": "x"\n' + json.dumps(GOOD))],
        "in/a.jsonl:1: malformed JSON",
        1,
    ),
    (
        "number-in-authors",
        lambda c: [c.jsonl("in/a.jsonl", {"text": "A story.", "authors": [1, 2]}, GOOD)],
        "field 'authors' must be names",
        1,
    ),
    (
        "list-headline",
        lambda c: [c.jsonl("in/a.jsonl", {"text": "A story.", "title": ["Part", "one"]}, GOOD)],
        "field 'title' must be text, not a list",
        1,
    ),
    (
        "object-source",
        lambda c: [c.jsonl("in/a.jsonl", {"text": "A story.", "source": {"n": 1}}, GOOD)],
        "field 'source' must be text, not an object",
        1,
    ),
    (
        "bool-id",
        lambda c: [c.jsonl("in/a.jsonl", {"text": "A story.", "id": True}, GOOD)],
        "field 'id' must be text",
        1,
    ),
    (
        "no-text",
        lambda c: [c.jsonl("in/a.jsonl", {"title": "Only a title"}, GOOD)],
        "article has no text",
        1,
    ),
    (
        "text-is-number",
        lambda c: [c.jsonl("in/a.jsonl", {"text": 42}, GOOD)],
        "article has no text",
        1,
    ),
    (
        "huge-title",
        lambda c: [c.jsonl("in/a.jsonl", {"text": "A story.", "title": "T" * 20_000}, GOOD)],
        "field 'title' is 20,000 characters",
        1,
    ),
    (
        "deep-line",
        lambda c: [
            c.write(
                "in/a.jsonl",
                '{"text": "x", "m": ' + _deep(100_000) + "}\n" + json.dumps(GOOD) + "\n",
            )
        ],
        "nested too deeply",
        1,
    ),
    (
        "deep-metadata",
        lambda c: [
            c.write(
                "in/a.jsonl", '{"text": "x", "m": ' + _deep(40) + "}\n" + json.dumps(GOOD) + "\n"
            )
        ],
        "nests deeper than",
        1,
    ),
    ("deep-json-file", lambda c: [c.write("in/a.json", _deep(100_000))], "nested too deeply", 0),
    (
        "json-string",
        lambda c: [c.write("in/a.json", '"just a string"')],
        "expected a JSON object",
        0,
    ),
    (
        "json-list-mixed",
        lambda c: [c.write("in/a.json", json.dumps([GOOD, 5, {"title": "x"}]))],
        "in/a.json[2]: expected a JSON object",
        1,
    ),
    (
        "bad-front-matter",
        lambda c: [c.write("in/a.md", "---\ntitle: [unclosed\n---\nBody text here.\n")],
        "front matter is not valid YAML",
        0,
    ),
    (
        "yaml-bomb",
        lambda c: [
            c.write("in/a.md", "---\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\nBody.\n")
        ],
        "anchors or aliases",
        0,
    ),
    (
        "link-list-page",
        lambda c: [
            c.write(
                "in/front.html",
                "<html><head><title>World</title></head><body>"
                + "".join(
                    f'<p><a href="/s/{n}">Story number {n} about the border talks</a></p>'
                    for n in range(60)
                )
                + "</body></html>",
            )
        ],
        "not an article",
        0,
    ),
    (
        "cookie-wall",
        lambda c: [
            c.write(
                "in/cookie.html",
                "<html><body><div id='c'>We use cookies to improve "
                "your experience. Accept all cookies?</div><script>var x = 1;</script>"
                "</body></html>",
            )
        ],
        "not an article",
        0,
    ),
    (
        "section-front-jsonld",
        lambda c: [
            c.write(
                "in/sec.html",
                '<html><head><script type="application/ld+json">'
                '{"@type": "CollectionPage"}</script></head><body><p>'
                + LONG_BODY
                + "</p></body></html>",
            )
        ],
        "CollectionPage",
        0,
    ),
    (
        "unsupported-suffix",
        lambda c: [c.write("in/report.pdf", "%PDF-1.4")],
        "unsupported file type",
        0,
    ),
    ("too-big", lambda c: [c.write("in/big.txt", "Words. " * 2000)], "over the", 0),
    ("empty-folder", lambda c: [c.root / "nothing-here"], "no articles in this folder", 0),
    ("missing-path", lambda c: [c.root / "does-not-exist"], "no such file or folder", 0),
    ("escape-in-file-name", lambda c: [c.write("in/evil\x1b[2J\x07name.txt", "")], "empty file", 0),
]


@pytest.mark.parametrize(
    ("make", "shown", "added"),
    [pytest.param(m, s, a, id=i) for i, m, s, a in SKIPPED],
)
def test_a_bad_input_is_named_and_skipped_and_nothing_is_lost(
    cli: Cli, make: Make, shown: str, added: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = make(cli)
    if any(p.name == "big.txt" for p in paths):
        monkeypatch.setenv("ASKBOT_MAX_FILE_MB", "0.001")
    if "nothing-here" in str(paths[0]):
        paths[0].mkdir()
    run = cli("ingest", *map(str, paths))
    assert run.code == 1, run.text
    assert shown in run.err.replace("\n", " ").replace(str(cli.root) + "/", ""), run.err
    assert f"{added} added" in run.out
    cli.intact(articles=2 + added)


def test_u2028_inside_a_json_string_does_not_split_the_line(cli: Cli) -> None:
    path = cli.write("in/a.jsonl", json.dumps({"id": "u", "text": "One\u2028two. Three."}) + "\n")
    run = cli("ingest", str(path))
    assert run.code == 0 and "1 added" in run.out, run.text


def test_the_canonical_field_wins_over_its_alias_wherever_it_stands(cli: Cli) -> None:
    path = cli.write(
        "in/a.jsonl",
        '{"headline": "Alias", "title": "Canonical", "id": "c", "text": "Body text."}\n',
    )
    assert cli("ingest", str(path)).code == 0
    answer = cli.answer("body text")
    assert answer["excerpts"][0]["title"] == "Canonical"  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf16-le.txt", "\ufeffCafé owners in Lyon said prices rose sharply.".encode("utf-16-le")),
        ("utf16-be.txt", "\ufeffCafé owners in Lyon said prices rose sharply.".encode("utf-16-be")),
        ("utf8-bom.txt", "\ufeffCafé owners in Lyon said prices rose sharply.".encode()),
    ],
)
def test_text_with_a_byte_order_mark_is_read(cli: Cli, name: str, data: bytes) -> None:
    run = cli("ingest", str(cli.write(f"in/{name}", data)))
    assert run.code == 0, run.text
    excerpt = cli.answer("cafe owners lyon prices")["excerpts"][0]  # type: ignore[index]
    assert excerpt["text"] == "Café owners in Lyon said prices rose sharply."


@pytest.mark.parametrize("charset", ["windows-1252", "ISO-8859-1"])
def test_a_page_in_its_declared_charset_is_read(cli: Cli, charset: str) -> None:
    page = (
        f'<html><head><meta charset="{charset}"><title>Café prices rise</title></head><body>'
        f"<article><h1>Café prices rise</h1><p>Café owners in Lyon said prices rose "
        f"sharply in “January”. {LONG_BODY}</p></article></body></html>"
    )
    run = cli("ingest", str(cli.write("in/page.html", page.encode("cp1252"))))
    assert run.code == 0, run.text
    excerpt = cli.answer("cafe owners lyon prices")["excerpts"][0]  # type: ignore[index]
    assert "Café owners in Lyon" in excerpt["text"] and "“January”" in excerpt["text"]
    assert excerpt["title"] == "Café prices rise"


def test_headline_and_dateline_of_a_page_are_metadata_not_its_first_sentence(cli: Cli) -> None:
    page = (
        "<html><head><title>Border talks stall | Example</title>"
        '<meta property="og:site_name" content="Example News"></head><body><article>'
        "<h1>Border talks stall</h1><p>By Jane Doe and John Roe</p>"
        "<p>Updated 10:32 AM EST, Fri January 28, 2022</p>"
        f"<p>Negotiators met in Geneva on Friday. {LONG_BODY}</p></article></body></html>"
    )
    assert cli("ingest", str(cli.write("in/talks.html", page))).code == 0
    answer = cli.answer("negotiators geneva")
    first = answer["excerpts"][0]  # type: ignore[index]
    assert first["text"].startswith("Negotiators met in Geneva")
    assert first["title"] in ("Border talks stall", "Border talks stall | Example")
    assert first["source"] == "Example News" and first["published"] == "2022-01-28"


def test_two_index_html_files_in_two_folders_are_two_articles(cli: Cli) -> None:
    for folder in ("a", "b"):
        cli.write(
            f"site/{folder}/index.html",
            f"<html><body><article><h1>Story {folder}</h1><p>Folder {folder} says: "
            f"{LONG_BODY}</p></article></body></html>",
        )
    run = cli("ingest", str(cli.root / "site"))
    assert run.code == 0 and "2 added" in run.out, run.text
    # Ingested again, named differently on the command line: the same two articles.
    again = cli("ingest", str(cli.root / "site" / "a"), str(cli.root / "site" / "b" / "index.html"))
    assert "0 added, 0 updated, 2 unchanged" in again.out, again.text
    assert cli.info()["articles"] == 4


def test_a_name_another_file_holds_is_reported_not_overwritten(cli: Cli) -> None:
    first = cli.write(
        "one/story.txt", "Storm closes ports\nPorts closed on Monday, officials said."
    )
    second = cli.write("two/story.txt", "Other story\nA different story about grain prices rising.")
    assert cli("ingest", str(first)).code == 0
    run = cli("ingest", str(second))
    assert run.code == 1 and "already taken by" in run.err.replace("\n", " "), run.text
    answer = cli.answer("ports closed monday")
    assert answer["excerpts"][0]["text"] == "Ports closed on Monday, officials said."  # type: ignore[index]
    cli.intact(articles=3)


def test_front_matter_is_metadata_and_markdown_is_quoted_as_plain_text(cli: Cli) -> None:
    cli.write(
        "in/story.md",
        "---\ntitle: Ports reopen after storm\nsource: Harbour Times\npublished: 2022-03-01\n"
        "url: https://example.com/ports\nauthors: [Jane Doe]\n---\n"
        "# Ignored heading\n\nThe **port of Odesa** reopened on [Monday](https://x.example) "
        "after a _two-week_ closure.\n\n- Ships queued outside\n- Prices fell\n",
    )
    assert cli("ingest", str(cli.root / "in")).code == 0
    first = cli.answer("port odesa reopened")["excerpts"][0]  # type: ignore[index]
    assert first["text"] == "The port of Odesa reopened on Monday after a two-week closure."
    assert (first["title"], first["source"]) == ("Ports reopen after storm", "Harbour Times")
    assert first["published"] == "2022-03-01" and first["url"] == "https://example.com/ports"
    listed = cli.answer("ships queued outside")["excerpts"][0]  # type: ignore[index]
    assert listed["text"] == "Ships queued outside"


def test_a_byline_and_a_timestamp_are_not_the_headline(cli: Cli) -> None:
    cli.write(
        "in/byline.txt",
        "By Jane Doe, CNN\nUpdated 10:32 AM EST, Fri January 28, 2022\n"
        "Ports closed on Monday after the storm, officials said.",
    )
    assert cli("ingest", str(cli.root / "in")).code == 0
    first = cli.answer("ports closed storm")["excerpts"][0]  # type: ignore[index]
    assert first["text"] == "Ports closed on Monday after the storm, officials said."
    assert first["title"] is None and first["published"] == "2022-01-28"
    assert first["label"].startswith("Ports closed on Monday")  # never "(untitled: …)"


def test_hidden_files_and_symlink_loops_are_left_alone(cli: Cli) -> None:
    cli.write("tree/.secret.txt", "Hidden notes that must not be ingested at all.")
    cli.write("tree/sub/ok.txt", "Ports reopened on Monday after the storm.")
    (cli.root / "tree" / "sub" / "up").symlink_to(cli.root / "tree")
    run = cli("ingest", str(cli.root / "tree"))
    assert run.code == 0 and "1 added" in run.out, run.text


def test_escape_sequences_in_article_text_never_reach_the_terminal(cli: Cli) -> None:
    evil = (
        "Troops \x1b]52;c;ZXZpbA==\x07massed \x1b[2J\x1b]8;;https://evil\x1b\\near\x9b the border."
    )
    cli.jsonl("in/evil.jsonl", {"id": "evil", "title": "Evil\x1b[31m title", "text": evil})
    assert cli("ingest", str(cli.root / "in")).code == 0
    shown = cli("ask", "troops massed near the border")  # the Cli checks for escapes
    assert shown.code == 0 and "massed" in shown.out
    data = json.loads(cli("ask", "troops massed border", "--json").out)
    quoted = [e for e in data["excerpts"] if e["article_id"] == "evil"]
    assert quoted and "\x1b" in quoted[0]["text"]  # JSON still carries the exact words


def test_index_pointing_at_a_file_is_one_clear_error(cli: Cli) -> None:
    target = cli.write("not-an-index.txt", "hello")
    for args in (
        ("ingest", str(cli.root / "known")),
        ("ask", "troops"),
        ("info",),
        ("remove", "x"),
    ):
        run = (
            cli(*args, index=False)
            if False
            else cli.runner.invoke(
                __import__("askbot.cli", fromlist=["app"]).app, [*args, "--index", str(target)]
            )
        )
        assert run.exit_code == 3, run.output
        assert "is a file, not an index folder" in run.stderr and run.stderr.count("\n") == 1


def test_a_huge_single_article_is_ingested_in_slices_with_progress(cli: Cli) -> None:
    sentences = " ".join(
        f"Sentence {n} reports that the ports stayed closed." for n in range(12_000)
    )
    cli.jsonl("in/huge.jsonl", {"id": "huge", "text": sentences})
    run = cli("ingest", str(cli.root / "in"))
    assert run.code == 0 and "1 added" in run.out, run.text
    assert cli.info()["passages"] > 400
    found = cli.answer("sentence 11999 ports")["excerpts"]
    assert any("Sentence 11999 " in e["text"] for e in found)  # type: ignore[union-attr]
