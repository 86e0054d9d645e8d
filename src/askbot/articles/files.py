"""Files as text: size limits, binary files, byte-order marks and declared charsets."""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from askbot.models import Skipped

SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".txt", ".md", ".html", ".htm")


def suffix(path: Path) -> str:
    """The format suffix: ``.jsonl.gz`` counts as one."""
    name = path.name.lower()
    return ".jsonl.gz" if name.endswith(".jsonl.gz") else path.suffix.lower()


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# <meta charset="windows-1252"> or <meta http-equiv="Content-Type" content="…; charset=…">
_DECLARED = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]{1,40})", re.I)


def human(size: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def decode(data: bytes, html: bool) -> str:
    """The text of a file: by its byte-order mark, the charset an HTML page declares, or
    UTF-8. ValueError says why it cannot be read."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ValueError(f"not valid {encoding.upper()} text despite its mark") from exc
    if b"\x00" in data[:8192]:
        raise ValueError("binary file, not text")
    declared = _DECLARED.search(data[:4096]) if html else None
    encoding = "utf-8"
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            encoding = "utf-8"
        # Pages that declare Latin-1 are written in windows-1252, as browsers assume.
        encoding = "cp1252" if encoding in ("latin_1", "iso8859-1") else encoding
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not {encoding.upper().replace('_', '-')} text (byte 0x{data[exc.start]:02x} at "
            f"offset {exc.start}); re-save it as UTF-8"
        ) from exc


def read_text(path: Path, max_bytes: int) -> str:
    """The file's text, or ValueError naming why it cannot be an article."""
    size = path.stat().st_size
    if size == 0:
        raise ValueError("empty file")
    if size > max_bytes:
        raise ValueError(
            f"file is {human(size)}, over the {human(max_bytes)} limit "
            "(raise ASKBOT_MAX_FILE_MB to allow it)"
        )
    return decode(path.read_bytes(), html=path.suffix.lower() in (".html", ".htm"))


def iter_lines(path: Path, max_bytes: int) -> Iterator[tuple[int, str] | Skipped]:
    """(line number, text) of a JSON Lines file, plain or gzipped, read as a stream: the
    size limit applies to each line (one article), and decompression stops at it."""
    location = str(path)
    try:
        # Closed by the with statement below; opened here to report a failure to open.
        raw = gzip.open(path, "rb") if suffix(path) == ".jsonl.gz" else path.open("rb")  # noqa: SIM115
    except OSError as exc:
        yield Skipped(location=location, reason=str(exc))
        return
    with raw as handle:
        number = 0
        try:
            while True:
                line = handle.readline(max_bytes + 1)
                if not line:
                    break
                number += 1
                if len(line) > max_bytes:
                    yield Skipped(
                        location=f"{location}:{number}",
                        reason=f"line is over the {human(max_bytes)} limit "
                        "(raise ASKBOT_MAX_FILE_MB to allow it); the rest of the file is skipped",
                    )
                    return
                try:
                    yield number, line.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield Skipped(location=f"{location}:{number}", reason="not UTF-8 text")
        except (OSError, EOFError, zlib.error) as exc:
            yield Skipped(location=f"{location}:{number + 1}", reason=f"cannot read on ({exc})")
    if number == 0:
        yield Skipped(location=location, reason="empty file")


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path] | Skipped]:
    """(file, the folder it was named under) for files named, and for files with a known
    suffix inside folders named (recursively, hidden ones left out)."""
    for path in paths:
        if path.is_dir():
            found = False
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and suffix(child) in SUFFIXES:
                    found = True
                    yield child, path
            if not found:
                yield Skipped(
                    location=str(path),
                    reason=f"no articles in this folder (askbot reads {', '.join(SUFFIXES)})",
                )
        elif path.is_file():
            yield path, path.parent
        else:
            yield Skipped(location=str(path), reason="no such file or folder")
