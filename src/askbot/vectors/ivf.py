"""Approximate search for large indexes: FAISS ``IndexIVFFlat`` keyed by passage id.

Vectors are grouped into ``nlist`` clusters and a question visits the ``nprobe`` nearest,
so a search reads a small share of the vectors. Clusters are learnt from the vectors
themselves, so a young store holds its vectors in an exact flat index until it has enough
to train on (``min_train``), and re-learns them when it has grown ``retrain_growth`` times
past what it was trained on. Removal is native (unlike HNSW in FAISS).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from pydantic import JsonValue

from askbot.vectors._faiss import faiss
from askbot.vectors.base import DESCRIPTION
from askbot.vectors.faiss_store import FaissStore

if TYPE_CHECKING:
    from numpy.typing import NDArray

DEFAULTS: dict[str, JsonValue] = {"nprobe": 32, "min_train": 50_000, "retrain_growth": 4}
# FAISS warns below 39 training points per cluster; 64 gives steadier clusters.
POINTS_PER_CLUSTER = 64
MAX_TRAINING_POINTS = 131_072


def _nlist(count: int) -> int:
    # 4·√n clusters, but never fewer than POINTS_PER_CLUSTER vectors each to learn from
    # (FAISS warns below 39, and a store may be trained at a smaller min_train).
    return max(16, min(4096, int(4 * math.sqrt(count)), count // POINTS_PER_CLUSTER))


class IvfStore(FaissStore):
    kind = "faiss-ivf"

    def __init__(self, index: Any, params: dict[str, JsonValue] | None = None) -> None:
        super().__init__(index)
        self.params: dict[str, JsonValue] = {**DEFAULTS, "trained_on": 0, **(params or {})}
        if self._trained:
            index.nprobe = int(str(self.params["nprobe"]))

    @property
    def _trained(self) -> bool:
        return isinstance(self._index, faiss.IndexIVF)

    @classmethod
    def create(cls, dimension: int, params: dict[str, JsonValue]) -> Self:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)), params)

    @classmethod
    def open(cls, directory: Path) -> Self:
        described = json.loads((directory / DESCRIPTION).read_text())
        store = super().open(directory)
        return cls(store._index, described.get("params"))

    def stage(self) -> Self:
        return type(self)(super().stage()._index, self.params)

    def describe(self) -> dict[str, JsonValue]:
        lists = int(self._index.nlist) if self._trained else 0
        return {**super().describe(), "nlist": lists, "params": self.params}

    def add(self, ids: Sequence[int], vectors: NDArray[np.float32]) -> None:
        super().add(ids, vectors)
        count, trained_on = len(self), int(str(self.params["trained_on"]))
        due = (
            count >= int(str(self.params["min_train"]))
            if not self._trained
            else (count > trained_on * int(str(self.params["retrain_growth"])))
        )
        if due:
            self._train()

    def _train(self) -> None:
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # training is one big job: all cores
        ids, vectors = self._everything()
        nlist = _nlist(len(ids))
        quantizer = faiss.IndexFlatIP(self.dimension)
        index = faiss.IndexIVFFlat(quantizer, self.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = min(len(ids), nlist * POINTS_PER_CLUSTER, MAX_TRAINING_POINTS)
        rows = np.random.default_rng(0).choice(len(ids), size=sample, replace=False)
        index.train(vectors[np.sort(rows)])
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        index.add_with_ids(vectors, ids)
        index.nprobe = int(str(self.params["nprobe"]))
        quantizer.this.disown()  # the IVF index owns its quantizer from here on
        index.own_fields = True
        self._index = index
        self.params = {**self.params, "trained_on": len(ids)}

    def _everything(self) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        if not self._trained:
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            return ids, self._index.index.reconstruct_n(0, len(ids))
        lists = self._index.invlists
        id_parts, vector_parts = [], []
        for number in range(self._index.nlist):
            size = lists.list_size(number)
            if size:
                id_parts.append(faiss.rev_swig_ptr(lists.get_ids(number), size).copy())
                codes = faiss.rev_swig_ptr(lists.get_codes(number), size * lists.code_size)
                vector_parts.append(codes.copy().view(np.float32).reshape(size, self.dimension))
        if not id_parts:
            return np.zeros(0, np.int64), np.zeros((0, self.dimension), np.float32)
        return np.concatenate(id_parts), np.vstack(vector_parts)

    def _search_params(self, selector: Any) -> Any:
        if not self._trained:
            return faiss.SearchParameters(sel=selector) if selector is not None else None
        return faiss.SearchParametersIVF(sel=selector, nprobe=int(self._index.nprobe))
