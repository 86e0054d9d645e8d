"""The Milvus index backend: Milvus Lite files, Milvus servers and clusters.

Imported only for a Milvus location (``askbot.index.open_index``); pymilvus itself is
imported only when a connection is made, so without the ``milvus`` extra this package
still imports and says what to install.
"""

from __future__ import annotations

from askbot.index.milvus.index import MilvusIndex, destroy, exists
from askbot.index.milvus.location import parse

__all__ = ["MilvusIndex", "destroy", "exists", "parse"]
