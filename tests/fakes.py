"""A deterministic, dependency-free embedder for fast unit tests.

It hashes word stems into a fixed number of buckets: texts that share words get similar
vectors, so retrieval behaves sensibly, and no model is loaded. It registers itself as the
``test-hashing`` backend (model = the dimension), so an index built with it reopens by name
like any other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from askbot.embedders import register_backend

_WORD = re.compile(r"\w+")
BACKEND = "test-hashing"


class HashingEmbedder:
    def __init__(self, dimension: int = 64) -> None:
        self._dimension = dimension
        self.calls = 0

    @property
    def name(self) -> str:
        return f"{BACKEND}:{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def warm_up(self) -> None:
        self.embed(["warm up"], "query")

    def _bucket(self, word: str) -> int:
        digest = hashlib.blake2b(word[:5].encode(), digest_size=4).digest()
        return int.from_bytes(digest, "little") % self._dimension

    def embed(self, texts: Sequence[str], kind: str) -> NDArray[np.float32]:
        self.calls += 1
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                out[row, self._bucket(word)] += 1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out


register_backend(BACKEND, lambda model, batch_size: HashingEmbedder(int(model)))
