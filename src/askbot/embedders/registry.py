"""Embedding backends by name, and the factory that makes one from settings.

A backend registers a factory under a stable name (``sentence-transformers``); an
embedder's full name is ``backend:model``, and that is what an index records. A new
backend is one module that calls ``register_backend`` (see README, "Extending askbot").
"""

from __future__ import annotations

from collections.abc import Callable

from askbot.embedders.base import Embedder
from askbot.errors import BackendMissingError, ConfigError

Factory = Callable[[str, int], Embedder]
"""Called as factory(model, batch_size); must not load the model yet."""


_BACKENDS: dict[str, Factory] = {}
_ALIASES: dict[str, str] = {}
_EQUIVALENT: set[frozenset[str]] = set()
_STAND_INS: dict[str, Callable[[str, int], Embedder | None]] = {}


def register_backend(name: str, factory: Factory, *, aliases: tuple[str, ...] = ()) -> None:
    _BACKENDS[name] = factory
    for alias in aliases:
        _ALIASES[alias] = name


def register_equivalent(first: str, second: str) -> None:
    """Declares two backends' vectors interchangeable for the same model.

    Only for a pair a test proves equal (tests/test_onnx.py: onnx fp32 and PyTorch agree
    to < 1e-5 per component); an index built with one may then be queried with the other.
    """
    _EQUIVALENT.add(frozenset((first, second)))


def vectors_compatible(built_with: str, embedder: str) -> bool:
    """Whether vectors of embedder ``embedder`` may share an index built with ``built_with``."""
    if built_with == embedder:
        return True
    (b1, m1), (b2, m2) = split_name(built_with), split_name(embedder)
    return m1 == m2 and frozenset((b1, b2)) in _EQUIVALENT


def backend_names() -> list[str]:
    return sorted(_BACKENDS)


def canonical_backend(name: str) -> str:
    """The registered name for ``name`` or one of its aliases (``torch``)."""
    name = _ALIASES.get(name, name)
    if name not in _BACKENDS:
        known = ", ".join(backend_names() + sorted(_ALIASES))
        raise ConfigError(
            f"unknown embedding backend {name!r}", f"set ASKBOT_BACKEND to one of: {known}"
        )
    return name


def embedder_name(backend: str, model: str) -> str:
    return f"{canonical_backend(backend)}:{model}"


def split_name(name: str) -> tuple[str, str]:
    """``backend:model`` -> (backend, model). Names without a backend predate backends."""
    backend, sep, model = name.partition(":")
    return (backend, model) if sep else ("", name)


def create_embedder(backend: str, model: str, batch_size: int = 64) -> Embedder:
    return _BACKENDS[canonical_backend(backend)](model, batch_size)


def register_stand_in(backend: str, finder: Callable[[str, int], Embedder | None]) -> None:
    """``finder(model, batch_size)`` offers a faster embedder making ``backend``'s vectors
    when it is ready to run at no extra cost (an ONNX export already cached), else None."""
    _STAND_INS[backend] = finder


def embedder_for_index(name: str, batch_size: int, where: str) -> Embedder:
    """The embedder an index was built with (or a ready, proven-equivalent stand-in), or a
    one-line error saying how to get it."""
    backend, model = split_name(name)
    if backend not in _BACKENDS:
        raise BackendMissingError.of(where, "embedder", name, backend_names())
    finder = _STAND_INS.get(backend)
    stand_in = finder(model, batch_size) if finder else None
    if stand_in is not None and vectors_compatible(name, stand_in.name):
        return stand_in
    return _BACKENDS[backend](model, batch_size)
