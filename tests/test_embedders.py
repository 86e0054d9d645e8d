"""The embedder contract, run against every registered backend (the test fake included)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from askbot.embedders import (
    Embedder,
    backend_names,
    canonical_backend,
    create_embedder,
    embedder_for_index,
    split_name,
)
from askbot.errors import BackendMissingError, ConfigError

MODELS = {
    "sentence-transformers": "all-MiniLM-L6-v2",
    "onnx": "all-MiniLM-L6-v2",
    "onnx-int8": "all-MiniLM-L6-v2",
    "test-hashing": "64",
}


def backends() -> list[object]:
    return [
        pytest.param(name, marks=[pytest.mark.model] if name != "test-hashing" else [])
        for name in backend_names()
    ]


@pytest.fixture(scope="module", params=backends())
def embedder(request: pytest.FixtureRequest, onnx_cache: Path) -> Embedder:
    # Module-scoped: the per-test ASKBOT_ONNX_CACHE is not set yet, so name the cache here.
    os.environ["ASKBOT_ONNX_CACHE"] = str(onnx_cache)
    made = create_embedder(request.param, MODELS[request.param])
    made.warm_up()
    return made


def test_every_backend_is_tested() -> None:
    assert set(backend_names()) == set(MODELS)


def test_name_is_backend_and_model(embedder: Embedder) -> None:
    backend, model = split_name(embedder.name)
    assert backend in backend_names() and model


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_are_unit_float32_rows(embedder: Embedder, kind: str) -> None:
    texts = ["Troops massed near the border.", "", "é" * 3000, "Lavrov said there will be no war."]
    vectors = embedder.embed(texts, kind)  # type: ignore[arg-type]
    assert vectors.shape == (4, embedder.dimension) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    again = embedder.embed(texts[::-1], kind)  # type: ignore[arg-type]
    assert np.allclose(vectors, again[::-1], atol=1e-5), "same text, same vector, any batch"
    assert embedder.embed([], kind).shape == (0, embedder.dimension)  # type: ignore[arg-type]


def test_related_texts_are_closer_than_unrelated(embedder: Embedder) -> None:
    q, near, far = embedder.embed(
        [
            "How many troops are near the border?",
            "Some 100,000 troops are massed near the border.",
            "The recipe needs flour, water and salt.",
        ],
        "passage",
    )
    assert float(q @ near) > float(q @ far)


def test_unknown_backends_are_one_line_errors() -> None:
    with pytest.raises(ConfigError, match="unknown embedding backend 'tensorflow'"):
        canonical_backend("tensorflow")
    assert canonical_backend("torch") == "sentence-transformers"
    with pytest.raises(BackendMissingError, match=r"embedder 'onnx-int9:x'.*install") as caught:
        embedder_for_index("onnx-int9:x", 64, "embeddings/news")
    assert "\n" not in str(caught.value)
