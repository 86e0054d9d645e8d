"""FAISS, untyped: faiss-cpu's bundled stubs lack most of its SWIG API (id selectors,
search parameters, DirectMap), so the stores use it as ``Any`` rather than fight them."""

from typing import Any

import faiss as _faiss

faiss: Any = _faiss
