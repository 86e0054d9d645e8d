"""Exporting a sentence-transformers model to ONNX once, and the cache that keeps it.

The export runs on the user's machine, offline, with the installed torch (the legacy
TorchScript exporter: the dynamo one needs onnxscript and trips on HF models). int8 is
dynamic quantisation of the MatMul weights only, per channel, signed: quantising every op
or unsigned int8 lost much more quality (cosine 0.94-0.97 to fp32, issue 10).

A cache entry is a folder named by a key over everything that decides the exported file:
the model's own files (sha256), the export settings and the onnxruntime version. Its
``key.json`` is written last and records the sha256 of the ``.onnx`` it vouches for, so a
half-written, truncated or edited export is detected on load and rebuilt, never used.
Two processes exporting at once serialise on a file lock; files land by ``os.replace``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from askbot.errors import ModelError

OPSET = 17
KEY_FILE = "key.json"
# The file metadata of model.onnx when its sha256 last matched (see CacheEntry.problem).
VERIFIED_FILE = "verified.json"
# The files of a model folder that decide its vectors: weights, configs, tokenizer.
_SOURCE_SUFFIXES = (".json", ".safetensors", ".bin", ".txt", ".model")
_IGNORED = {"README.md", "data_config.json", ".gitattributes"}

exports_run = 0
"""How many exports this process ran (tests read it: a warm cache runs none)."""


def notice(message: str) -> None:
    """One line on stderr: the CLI's stdout stays the answer (or its JSON)."""
    print(f"askbot: {message}", file=sys.stderr, flush=True)


def default_cache_dir() -> Path:
    """``ASKBOT_ONNX_CACHE``, else ``$XDG_CACHE_HOME/askbot/onnx``, else ~/.cache/askbot/onnx."""
    configured = os.environ.get("ASKBOT_ONNX_CACHE", "").strip()
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or "~/.cache"
    return Path(base).expanduser() / "askbot" / "onnx"


@dataclass(frozen=True)
class ExportSettings:
    """What, besides the model's files, decides an exported file's bytes."""

    max_seq_length: int
    quantized: bool
    opset: int = OPSET
    weight_type: str = "QInt8"
    op_types: tuple[str, ...] = ("MatMul",)
    per_channel: bool = True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> str:
    """What any write to, or replacement of, a file changes: hashing 90 MB of fp32 export
    cost ~50 ms of every cold question, so the sha256 is checked again only when this
    differs from when it last matched. Restoring the mtime after an edit still changes
    the ctime, which no user tool sets."""
    stat = path.stat()
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"


def _source_files(model_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in model_dir.rglob("*")
        if p.is_file() and p.suffix in _SOURCE_SUFFIXES and p.name not in _IGNORED
    )


def source_hashes(model_dir: Path, cache_dir: Path) -> dict[str, str]:
    """sha256 of each model file, remembered by path and ``_stamp``: hashing 90 MB of
    weights on every cold question would cost more than the whole ONNX answer."""
    memo_path = cache_dir / "sources.json"
    try:
        memo: dict[str, Any] = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    hashes: dict[str, str] = {}
    changed = False
    for path in _source_files(model_dir):
        stamp = _stamp(path)
        known = memo.get(str(path))
        if isinstance(known, dict) and known.get("stamp") == stamp:
            digest = str(known["sha256"])
        else:
            digest = _sha256(path)
            memo[str(path)] = {"stamp": stamp, "sha256": digest}
            changed = True
        hashes[str(path.relative_to(model_dir))] = digest
    if changed:
        with contextlib.suppress(OSError):  # no memo only costs hashing again next time
            _write_atomic(memo_path, json.dumps(memo, indent=1).encode())
    return hashes


def cache_key(model: str, hashes: dict[str, str], settings: ExportSettings) -> dict[str, Any]:
    import onnxruntime

    key = {
        "model": model,
        "sources": hashes,
        "settings": asdict(settings),
        "onnxruntime": onnxruntime.__version__,
    }
    # As JSON reads it back (tuples become lists), so a stored key compares equal.
    loaded: dict[str, Any] = json.loads(json.dumps(key, sort_keys=True))
    return loaded


def _digest(key: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class CacheEntry:
    folder: Path
    key: dict[str, Any]

    @property
    def onnx(self) -> Path:
        return self.folder / "model.onnx"

    def problem(self) -> str | None:
        """Why this entry cannot be used, or None when it is whole and matches its key."""
        key_path = self.folder / KEY_FILE
        if not key_path.is_file():
            return "missing"
        try:
            recorded = json.loads(key_path.read_text())
        except (OSError, ValueError):
            return "its key file is damaged"
        if not isinstance(recorded, dict) or recorded.get("key") != self.key:
            return "it was built from other model files or settings"
        if not self.onnx.is_file():
            return "model.onnx is missing"
        stamp = _stamp(self.onnx)
        if self._verified() == stamp:
            return None
        if self.onnx.stat().st_size != recorded.get("size") or _sha256(self.onnx) != recorded.get(
            "sha256"
        ):
            return "model.onnx does not match its recorded sha256"
        with contextlib.suppress(OSError):  # no stamp only costs hashing again next time
            _write_atomic(self.folder / VERIFIED_FILE, json.dumps({"stamp": stamp}).encode())
        return None

    def _verified(self) -> str | None:
        try:
            return str(json.loads((self.folder / VERIFIED_FILE).read_text())["stamp"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def commit(self, built: Path) -> None:
        """Moves ``built`` in place, then writes the key that vouches for it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / KEY_FILE).unlink(missing_ok=True)  # never a key beside another file
        (self.folder / VERIFIED_FILE).unlink(missing_ok=True)
        built.replace(self.onnx)
        record = {"key": self.key, "sha256": _sha256(self.onnx), "size": self.onnx.stat().st_size}
        _write_atomic(self.folder / KEY_FILE, json.dumps(record, indent=2).encode())


def entry_for(model: str, model_dir: Path, settings: ExportSettings, cache_dir: Path) -> CacheEntry:
    key = cache_key(model, source_hashes(model_dir, cache_dir), settings)
    kind = "int8" if settings.quantized else "fp32"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(model).name)
    return CacheEntry(cache_dir / f"{safe}-{kind}-{_digest(key)}", key)


def ensure_export(model: str, model_dir: Path, settings: ExportSettings, cache_dir: Path) -> Path:
    """The path of a verified export of ``model`` with ``settings``, exporting it if need be."""
    entry = entry_for(model, model_dir, settings, cache_dir)
    if entry.problem() is None:
        return entry.onnx
    cache_dir.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock  # only an export locks: a question never imports it

    with FileLock(str(entry.folder) + ".lock", timeout=1800):
        problem = entry.problem()  # another process may have built it while we waited
        if problem is None:
            return entry.onnx
        if problem != "missing":
            notice(f"the cached ONNX export {entry.folder} is unusable ({problem}): rebuilding it")
        kind = "int8" if settings.quantized else "fp32"
        notice(f"exporting {model} to ONNX ({kind}) once, into {cache_dir}")
        started = time.perf_counter()
        with _quiet(), tempfile.TemporaryDirectory(dir=cache_dir, prefix=".export-") as scratch:
            built = Path(scratch) / "model.onnx"
            if settings.quantized:
                fp32 = ensure_export(
                    model, model_dir, ExportSettings(settings.max_seq_length, False), cache_dir
                )
                _quantize(fp32, built, settings)
            else:
                _export_fp32(model_dir, built, settings)
            entry.commit(built)
        global exports_run
        exports_run += 1
        notice(f"ONNX export ready in {time.perf_counter() - started:.0f}s")
    return entry.onnx


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's tracer warnings and the quantiser's advice are not the user's concern:
    the notice lines say what happens."""
    from askbot.embedders.sentence_transformer import offline_environment

    offline_environment()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def _transformer_dir(model_dir: Path) -> Path:
    modules = json.loads((model_dir / "modules.json").read_text())
    first = next(m for m in modules if m["type"].endswith("Transformer"))
    return model_dir / str(first.get("path", ""))


def _export_fp32(model_dir: Path, target: Path, settings: ExportSettings) -> None:
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelError(
            f"exporting to ONNX needs torch and transformers ({exc})",
            "install them, or use --backend torch",
        ) from exc
    try:
        import onnx  # noqa: F401  (the exporter writes through it)
    except ImportError as exc:
        raise ModelError(
            "exporting to ONNX needs the onnx package", "pip install onnx, or use --backend torch"
        ) from exc
    path = _transformer_dir(model_dir)
    try:
        transformer = AutoModel.from_pretrained(str(path))
        # eval() before export: dropout traced in training mode gives other vectors.
        transformer.eval()
        inputs = _input_names(transformer)

        class LastHiddenState(torch.nn.Module):
            """The transformer called with keyword arguments, returning token vectors."""

            def __init__(self) -> None:
                super().__init__()
                self.inner = transformer

            def forward(self, *args: Any) -> Any:
                return self.inner(**dict(zip(inputs, args, strict=True))).last_hidden_state

        wrapper = LastHiddenState().eval()
        sample = tuple(torch.ones((2, 8), dtype=torch.long) for _ in inputs)
        axes = {name: {0: "batch", 1: "sequence"} for name in inputs}
        axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
        with torch.no_grad():
            torch.onnx.export(
                wrapper,
                sample,
                str(target),
                input_names=list(inputs),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=settings.opset,
                do_constant_folding=True,
                dynamo=False,
            )
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(
            f"cannot export the model at {path} to ONNX ({type(exc).__name__}: {exc})"[:400],
            "use --backend torch (ASKBOT_BACKEND=torch) for this model",
        ) from exc


def _input_names(transformer: Any) -> tuple[str, ...]:
    import inspect

    accepted = inspect.signature(transformer.forward).parameters
    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in accepted and int(getattr(transformer.config, "type_vocab_size", 0)):
        names.append("token_type_ids")
    return tuple(names)


def _quantize(fp32: Path, target: Path, settings: ExportSettings) -> None:
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ModelError(
            f"int8 quantisation needs onnx and onnxruntime ({exc})",
            "pip install onnx onnxruntime, or use --backend onnx",
        ) from exc
    quantize_dynamic(
        str(fp32),
        str(target),
        weight_type=getattr(QuantType, settings.weight_type),
        op_types_to_quantize=list(settings.op_types),
        per_channel=settings.per_channel,
    )
