"""The seam every embedding backend sits behind: texts in, L2-normalised vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Kind = Literal["query", "passage"]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text.

    ``name`` is ``backend:model`` (``sentence-transformers:all-MiniLM-L6-v2``): it is what
    an index records, so vectors of two backends can never silently share an index.
    Loading is lazy: constructing an embedder costs nothing; ``warm_up`` pays the load.
    """

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str], kind: Kind) -> NDArray[np.float32]: ...

    def warm_up(self) -> None: ...
