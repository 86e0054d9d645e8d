"""``manifest.json``: what an index was built with, checked every time it is opened.

An index built with another format, tokenizer, embedder or vector store is refused with a
one-line message that says what to run, never silently mixed with this install's parts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from askbot import __version__, tokenizer
from askbot.errors import IndexCorruptError, IndexIncompatibleError, IndexMissingError
from askbot.models import ChunkerConfig, Component, Manifest

# 3: articles keep their quotes' speakers (``articles.quotes``).
FORMAT_VERSION = 3
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class IndexSpec:
    """What a new index is built with."""

    embedder: str
    dimension: int
    chunker: ChunkerConfig
    vector_store: Component
    keyword_index: Component

    def manifest(self) -> Manifest:
        now = now_utc()
        return Manifest(
            format_version=FORMAT_VERSION,
            askbot_version=__version__,
            embedder=self.embedder,
            dimension=self.dimension,
            chunker=self.chunker,
            tokenizer=tokenizer.spec(),
            vector_store=self.vector_store,
            keyword_index=self.keyword_index,
            created=now,
            updated=now,
        )


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def rebuild_hint(location: str) -> str:
    return f"ingest your articles into a new index: askbot ingest PATH --index NEW (not {location})"


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Replaces ``manifest.json`` atomically (write a temporary file, then rename)."""
    target = path / MANIFEST
    tmp = target.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
    tmp.write_text(manifest.model_dump_json(indent=2) + "\n")
    tmp.replace(target)


def read_manifest(path: Path) -> Manifest:
    target = path / MANIFEST
    if path.exists() and not path.is_dir():
        raise IndexMissingError(
            f"{path} is a file, not an index folder",
            "pass --index the folder that holds manifest.json (or a new folder to create one)",
        )
    if not target.is_file():
        if path.is_dir() and any(path.iterdir()):
            raise IndexCorruptError(f"{path} has no {MANIFEST}", rebuild_hint(str(path)))
        raise IndexMissingError(
            f"no index at {path}", f"build one with: askbot ingest PATH --index {path}"
        )
    try:
        raw = json.loads(target.read_text())
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{target} is damaged ({exc})", rebuild_hint(str(path))) from exc
    version = raw.get("format_version") if isinstance(raw, dict) else None
    if version != FORMAT_VERSION:
        raise IndexIncompatibleError(
            f"{path} uses index format {version}, this askbot reads format {FORMAT_VERSION}",
            rebuild_hint(str(path)),
        )
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        raise IndexCorruptError(
            f"{target} is damaged ({exc.error_count()} invalid fields)", rebuild_hint(str(path))
        ) from exc
    if manifest.tokenizer != tokenizer.spec():
        raise IndexIncompatibleError(
            f"{path} was built with tokenizer {manifest.tokenizer.name} "
            f"{manifest.tokenizer.params}, this askbot tokenizes with {tokenizer.spec().name} "
            f"{tokenizer.spec().params}",
            rebuild_hint(str(path)),
        )
    return manifest
