"""Plain-text and Markdown articles: front matter, header lines, then the story.

Markdown is rendered to plain text (with markdown-it-py) before anything is quoted, so an
excerpt never shows ``**emphasis**``, ``[links](…)`` or list bullets; offsets point into
that plain text, which is what the index stores as the article.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from askbot.articles.boilerplate import strip_boilerplate
from askbot.articles.frontmatter import split_front_matter
from askbot.articles.header import take_header
from askbot.articles.records import RecordError, article_from_record
from askbot.models import Article, Notice

_markdown = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline(token: Token) -> str:
    out: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "image":
            out.append(_inline(child) if child.children else child.content)
    return "".join(out)


def markdown_to_text(source: str) -> tuple[str | None, str]:
    """(the first heading, when the document opens with a top-level one; the plain text).

    Paragraphs and headings are blocks, separated by a blank line; a list is one block of
    one line per item; a table row is one line; raw HTML is left out.
    """
    blocks: list[list[str]] = []
    title: str | None = None
    lists = 0
    row: list[str] | None = None
    tokens = _markdown.parse(source)
    for number, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                blocks.append([])
            lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            blocks.append([" | ".join(row)])
            row = None
        elif kind in ("inline", "fence", "code_block"):
            text = (_inline(token) if kind == "inline" else token.content).strip()
            if not text:
                continue
            opener = tokens[number - 1] if number else None
            if (
                opener is not None
                and opener.type == "heading_open"
                and opener.tag == "h1"
                and not blocks
                and title is None
            ):
                title = text
            elif row is not None:
                row.append(text)
            elif lists:
                blocks[-1].append(text)
            else:
                blocks.append([text])
    return title, "\n\n".join("\n".join(lines) for lines in blocks if lines)


def article_from_text(
    path: Path, raw: str, article_id: str, notices: list[Notice] | None = None
) -> Article:
    """A .txt or .md file; RecordError says why it cannot be an article."""
    meta, body = split_front_matter(raw)
    heading = None
    if path.suffix.lower() == ".md":
        heading, body = markdown_to_text(body)
    lines = strip_boilerplate([line.rstrip() for line in body.splitlines()])
    title_known = bool(meta.get("title") or meta.get("headline") or heading)
    header, rest = take_header(lines, title_known=title_known)
    text = "\n".join(rest).strip()
    if not text:
        raise RecordError("no article text after the headline and boilerplate")
    record: dict[str, Any] = {"id": article_id}
    found = {
        "title": heading or header.title,
        "authors": header.authors or None,
        "published": header.published,
    }
    record.update({k: v for k, v in found.items() if v})
    record.update(meta)  # what the file says about itself wins over what askbot read
    record["text"] = text
    return article_from_record(record, str(path), notices)
