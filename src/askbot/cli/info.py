"""``askbot info``: what the index holds and was built with."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from askbot.cli.app import IndexOption, JsonOption, app, handled, settings_for
from askbot.console import console, printable, safe_json
from askbot.models import IndexInfo
from askbot.service import AskBot


def _size(details: IndexInfo) -> str:
    rows = details.vector_store.get("rows")
    if not isinstance(rows, dict):
        return f"{details.size_bytes / 1e6:.1f} MB"
    counted = ", ".join(f"{name} {n:,}" for name, n in rows.items() if isinstance(n, int))
    # A Milvus server's disk is its own (object storage, WAL): a client sees rows.
    disk = f"{details.size_bytes / 1e6:.1f} MB, " if details.size_bytes else ""
    return f"{disk}rows: {counted}"


@app.command()
@handled
def info(index: IndexOption = None, json_out: JsonOption = False) -> None:
    """Show what the index holds: articles, passages, model, size, last update."""
    with AskBot.open(settings_for(index)) as bot:
        details = bot.describe()
    if json_out:
        print(safe_json(details.model_dump_json(indent=2)))
        return
    m = details.manifest
    figures = {k: v for k, v in details.vector_store.items() if k not in ("kind", "rows")}
    store = ", ".join(f"{k} {v}" for k, v in figures.items())
    table = Table(show_header=False, box=None)
    rows = [
        ("index", details.location),
        ("articles", f"{details.articles:,}"),
        ("passages", f"{details.passages:,}"),
        ("embedder", m.embedder),
        ("dimension", str(m.dimension)),
        ("vector store", f"{m.vector_store.name} ({store})"),
        ("keyword index", f"{m.keyword_index.name}, tokenizer {m.tokenizer.name}"),
        (
            "chunker",
            f"{m.chunker.max_words} words, overlap {m.chunker.overlap_sentences}, "
            f"headline embedded: {m.chunker.title_in_embedding}",
        ),
        ("size on disk", _size(details)),
        ("created", m.created.isoformat()),
        ("last update", m.updated.isoformat()),
        ("generation", str(details.generation)),
        ("format", f"{m.format_version} (askbot {m.askbot_version})"),
    ]
    for key, value in rows:
        table.add_row(f"[bold]{key}", escape(printable(value)))
    console.print(table)
