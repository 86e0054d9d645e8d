"""The ONNX backends: equal to PyTorch (fp32), close to it (int8), cached safely, light to
import, and kept apart from indexes whose vectors they do not make."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from askbot.embedders import (
    SentenceTransformerEmbedder,
    create_embedder,
    onnx_export,
    vectors_compatible,
)
from askbot.embedders.onnx import OnnxEmbedder
from askbot.embedders.onnx_export import ExportSettings, entry_for
from askbot.embedders.weights import DEFAULT_MODEL, resolve_model_path
from askbot.errors import IndexIncompatibleError
from askbot.sample import sample_dir
from askbot.service import AskBot
from askbot.settings import Settings

pytestmark = pytest.mark.model


def real_texts() -> list[str]:
    """The sample articles' paragraphs, some questions, and one text past 128 tokens
    (tokenizer.json's own truncation, which the model's 256 must replace)."""
    paragraphs = [
        p.strip()
        for f in sorted(sample_dir().glob("*.txt"))
        for p in f.read_text().split("\n\n")
        if p.strip()
    ]
    questions = ["How many troops are near the border?", "What did Lavrov say?", "ok"]
    return [*paragraphs, *questions, " ".join(paragraphs)[:3000]]


@pytest.fixture(scope="module")
def fp32(onnx_cache: Path) -> OnnxEmbedder:
    made = OnnxEmbedder(quantized=False, cache_dir=onnx_cache)
    made.warm_up()
    return made


@pytest.fixture(scope="module")
def int8(onnx_cache: Path) -> OnnxEmbedder:
    made = OnnxEmbedder(quantized=True, cache_dir=onnx_cache)
    made.warm_up()
    return made


def test_fp32_onnx_makes_pytorchs_vectors(
    fp32: OnnxEmbedder, real_embedder: SentenceTransformerEmbedder
) -> None:
    texts = real_texts()
    assert len(texts) > 10
    diff = np.abs(fp32.embed(texts, "passage") - real_embedder.embed(texts, "passage")).max()
    assert diff < 1e-5, diff


def test_int8_stays_close_to_fp32(fp32: OnnxEmbedder, int8: OnnxEmbedder) -> None:
    texts = real_texts()
    cosines = (fp32.embed(texts, "passage") * int8.embed(texts, "passage")).sum(axis=1)
    assert cosines.mean() >= 0.99 and cosines.min() >= 0.97, cosines


def test_a_warm_cache_exports_nothing(onnx_cache: Path, int8: OnnxEmbedder) -> None:
    key = int8.onnx_path().parent / onnx_export.KEY_FILE
    stamp, runs = key.stat().st_mtime_ns, onnx_export.exports_run
    again = OnnxEmbedder(quantized=True, cache_dir=onnx_cache)
    again.warm_up()
    assert onnx_export.exports_run == runs and key.stat().st_mtime_ns == stamp


@pytest.fixture
def private_cache(onnx_cache: Path, int8: OnnxEmbedder, tmp_path: Path) -> Iterator[Path]:
    """A copy of the warm cache that a test may damage."""
    copy = tmp_path / "onnx"
    shutil.copytree(onnx_cache, copy, ignore=shutil.ignore_patterns("*.lock"))
    yield copy


def test_a_truncated_export_is_rebuilt_with_a_notice(
    private_cache: Path, int8: OnnxEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    path = OnnxEmbedder(quantized=True, cache_dir=private_cache).onnx_path()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    capsys.readouterr()
    rebuilt = OnnxEmbedder(quantized=True, cache_dir=private_cache)
    texts = real_texts()[:4]
    assert np.allclose(rebuilt.embed(texts, "query"), int8.embed(texts, "query"), atol=1e-6)
    err = capsys.readouterr().err
    assert "unusable (model.onnx does not match its recorded sha256): rebuilding" in err
    assert path.stat().st_size == len(data)


def test_an_export_edited_in_place_is_caught_though_its_mtime_is_put_back(
    private_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = OnnxEmbedder(quantized=True, cache_dir=private_cache).onnx_path()
    entry = entry_for(
        DEFAULT_MODEL, resolve_model_path(DEFAULT_MODEL), ExportSettings(256, True), private_cache
    )
    assert entry.problem() is None  # verified once: later checks skip the full sha256
    assert (entry.folder / "verified.json").is_file()
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert entry.problem() == "model.onnx does not match its recorded sha256"
    capsys.readouterr()
    OnnxEmbedder(quantized=True, cache_dir=private_cache).warm_up()
    assert "rebuilding" in capsys.readouterr().err and entry.problem() is None


def test_a_key_of_other_settings_is_rebuilt_not_used(
    private_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = resolve_model_path(DEFAULT_MODEL)
    settings = ExportSettings(256, quantized=True)
    entry = entry_for(DEFAULT_MODEL, model_dir, settings, private_cache)
    assert entry.problem() is None
    record = json.loads((entry.folder / "key.json").read_text())
    record["key"]["onnxruntime"] = "0.0.1"  # built by another onnxruntime
    (entry.folder / "key.json").write_text(json.dumps(record))
    assert entry.problem() == "it was built from other model files or settings"
    capsys.readouterr()
    OnnxEmbedder(quantized=True, cache_dir=private_cache).warm_up()
    assert "rebuilding" in capsys.readouterr().err and entry.problem() is None
    # Another max length (or any export setting) is another key, so another entry.
    shorter = entry_for(DEFAULT_MODEL, model_dir, ExportSettings(128, True), private_cache)
    assert shorter.folder != entry.folder and shorter.problem() == "missing"


def test_an_unsupported_pooling_keeps_pytorch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "cls-model"
    shutil.copytree(resolve_model_path(DEFAULT_MODEL), model)
    pooling = model / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    pooling.write_text(
        json.dumps({**config, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True})
    )
    made = create_embedder("onnx-int8", str(model))
    assert isinstance(made, SentenceTransformerEmbedder)
    assert "only mean pooling is implemented): embedding with PyTorch" in capsys.readouterr().err


def test_without_onnxruntime_the_backend_falls_back_to_pytorch(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if it were not installed
    made = create_embedder("onnx", DEFAULT_MODEL)
    assert made.name == f"sentence-transformers:{DEFAULT_MODEL}"
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "onnxruntime is not installed" in err


@pytest.fixture(scope="module")
def int8_index(tmp_path_factory: pytest.TempPathFactory, int8: OnnxEmbedder) -> Path:
    path = tmp_path_factory.mktemp("int8") / "index"
    with AskBot.open(Settings(index=path), int8, create=True) as bot:
        bot.ingest_paths([sample_dir()])
    return path


def test_only_proven_equivalent_backends_share_an_index(
    int8_index: Path, real_bot: AskBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch_name = f"sentence-transformers:{DEFAULT_MODEL}"
    assert vectors_compatible(torch_name, f"onnx:{DEFAULT_MODEL}")
    assert not vectors_compatible(torch_name, f"onnx-int8:{DEFAULT_MODEL}")
    with pytest.raises(IndexIncompatibleError) as caught:
        AskBot.open(Settings(index=int8_index, backend="torch"))
    message = str(caught.value)
    assert "\n" not in message and "use --backend onnx-int8" in message
    with pytest.raises(IndexIncompatibleError, match="use --backend sentence-transformers"):
        AskBot.open(Settings(index=real_bot.index.location, backend="onnx-int8"))
    # A PyTorch index answers through onnx fp32 with the same excerpts.
    question = "How many troops are near the border?"
    with AskBot.open(Settings(index=real_bot.index.location, backend="onnx")) as onnx_bot:
        assert onnx_bot.embedder.name == f"onnx:{DEFAULT_MODEL}"
        same = [p.passage_id for p in onnx_bot.retrieve(question, "dense")]
    assert same == [p.passage_id for p in real_bot.retrieve(question, "dense")]
    # An int8 index whose backend cannot run here refuses the PyTorch stand-in.
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(IndexIncompatibleError, match="pip install onnxruntime"):
        AskBot.open(Settings(index=int8_index))


HEAVY = ("torch", "transformers", "sentence_transformers")


def test_a_one_shot_question_imports_no_torch(int8_index: Path, onnx_cache: Path) -> None:
    script = (
        "import sys, json\n"
        "from askbot.cli import app\n"
        f"sys.argv = ['askbot', 'ask', 'How many troops are near the border?', '--json', "
        f"'--index', {str(int8_index)!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    env = {**os.environ, "ASKBOT_ONNX_CACHE": str(onnx_cache)}
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    *answer, loaded = run.stdout.strip().splitlines()
    assert json.loads("\n".join(answer))["excerpts"], "a real answer, through onnx-int8"
    assert json.loads(loaded) == [], run.stderr
    assert "export" not in run.stderr, "a warm cache is used as it is"
    assert time.perf_counter() - started < 30


def test_a_pytorch_index_answers_through_a_cached_fp32_export(
    real_bot: AskBot, fp32: OnnxEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with AskBot.open(Settings(index=real_bot.index.location)) as bot:
        assert bot.embedder.name == f"onnx:{DEFAULT_MODEL}", "the export is cached: use it"
    with AskBot.open(Settings(index=real_bot.index.location, backend="torch")) as bot:
        assert bot.embedder.name == f"sentence-transformers:{DEFAULT_MODEL}", "as named"
    monkeypatch.setenv("ASKBOT_ONNX_CACHE", str(tmp_path / "empty"))
    with AskBot.open(Settings(index=real_bot.index.location)) as bot:
        assert bot.embedder.name == f"sentence-transformers:{DEFAULT_MODEL}", "never exports"
