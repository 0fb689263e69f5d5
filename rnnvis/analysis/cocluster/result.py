"""The co-clustering result: an immutable ``CoClusters`` with plain-JSON export."""

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["CoClusters", "frozen", "json_float"]


def json_float(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def frozen(a, dtype):
    a = np.array(a, dtype=dtype)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class CoClusters:
    """Result of a co-clustering, with plain-JSON export (``to_dict`` / ``from_dict``).

    Word cluster i pairs with unit cluster i; clusters are numbered in display order.
    Index arrays refer to rows/columns of the input matrix; label -1 = dropped.

    Fields: ``mode``, ``n_clusters``, ``random_state``; ``row_labels`` (n_words,),
    ``column_labels`` (n_units,); ``row_order`` / ``column_order`` (kept indices,
    grouped by cluster, strongest first); ``row_strength`` / ``column_strength``
    (mean mode-transformed magnitude to the paired cluster, NaN if dropped);
    ``row_sign`` / ``column_sign`` (sign of the mean signed response to the paired
    cluster, 0 if dropped); ``block_mean``, ``block_abs_mean``, ``block_count``
    (k x k, original signed matrix); ``dropped_rows``, ``dropped_columns``;
    ``suggested_k``; ``singular_values``; ``quality`` (dict); ``words``, ``unit_ids``
    (optional labels).

    ``quality`` keys: ``within_between_ratio`` (mean |s| in paired blocks / mean |s|
    elsewhere; ~1 = no structure), ``within_between_ratio_mode`` (the same on the
    mode-transformed matrix), ``seed_ari_words`` / ``seed_ari_units`` (mean ARI between
    the result and the other k-means restarts; None if n_init=1), ``n_restarts``,
    ``eigengap`` / ``eigengap_ratio`` (see SpectralEmbedding), and for mode "signed"
    ``n_split_units`` (units whose two halves were clustered apart) and
    ``split_mass_fraction`` (share of the mass in halves clustered apart from their
    unit's label); None otherwise.
    """

    mode: str
    n_clusters: int
    random_state: int | None
    row_labels: np.ndarray
    column_labels: np.ndarray
    row_order: np.ndarray
    column_order: np.ndarray
    row_strength: np.ndarray
    column_strength: np.ndarray
    row_sign: np.ndarray
    column_sign: np.ndarray
    block_mean: np.ndarray
    block_abs_mean: np.ndarray
    block_count: np.ndarray
    dropped_rows: np.ndarray
    dropped_columns: np.ndarray
    suggested_k: int
    singular_values: np.ndarray
    quality: dict
    words: tuple | None = None
    unit_ids: tuple | None = None

    def word_clusters(self):
        """List of k int arrays: word (row) indices of each cluster, strongest first."""
        labels = self.row_labels[self.row_order]
        return [self.row_order[labels == c] for c in range(self.n_clusters)]

    def unit_clusters(self):
        """List of k int arrays: unit (column) indices of each cluster, strongest first."""
        labels = self.column_labels[self.column_order]
        return [self.column_order[labels == c] for c in range(self.n_clusters)]

    def to_dict(self):
        """Plain JSON-able dict (lists, floats, ints, None) for the web API and caches."""
        clusters = []
        for c, (rows, cols) in enumerate(zip(self.word_clusters(), self.unit_clusters())):
            entry = {
                "index": c,
                "words": rows.tolist(),
                "units": cols.tolist(),
                "word_strength": [float(v) for v in self.row_strength[rows]],
                "unit_strength": [float(v) for v in self.column_strength[cols]],
                "word_sign": self.row_sign[rows].tolist(),
                "unit_sign": self.column_sign[cols].tolist(),
            }
            if self.words is not None:
                entry["word_labels"] = [self.words[i] for i in rows]
            if self.unit_ids is not None:
                entry["unit_ids"] = [self.unit_ids[j] for j in cols]
            clusters.append(entry)
        return {
            "mode": self.mode,
            "k": self.n_clusters,
            "random_state": self.random_state,
            "n_words": int(self.row_labels.size),
            "n_units": int(self.column_labels.size),
            "clusters": clusters,
            "row_labels": self.row_labels.tolist(),
            "column_labels": self.column_labels.tolist(),
            "blocks": {
                "mean": self.block_mean.tolist(),
                "abs_mean": self.block_abs_mean.tolist(),
                "count": self.block_count.tolist(),
            },
            "quality": {
                key: (json_float(v) if isinstance(v, float) else v) for key, v in self.quality.items()
            },
            "suggested_k": self.suggested_k,
            "singular_values": self.singular_values.tolist(),
            "dropped_rows": self.dropped_rows.tolist(),
            "dropped_columns": self.dropped_columns.tolist(),
            "words": None if self.words is None else list(self.words),
            "unit_ids": None if self.unit_ids is None else list(self.unit_ids),
        }

    @classmethod
    def from_dict(cls, data):
        """Rebuild a CoClusters from ``to_dict()`` output (e.g. after a JSON round trip)."""
        n_words, n_units = int(data["n_words"]), int(data["n_units"])
        row_strength = np.full(n_words, np.nan)
        column_strength = np.full(n_units, np.nan)
        row_sign = np.zeros(n_words, dtype=np.int8)
        column_sign = np.zeros(n_units, dtype=np.int8)
        row_order, column_order = [], []
        for entry in data["clusters"]:
            rows, cols = entry["words"], entry["units"]
            row_order += rows
            column_order += cols
            row_strength[rows] = entry["word_strength"]
            column_strength[cols] = entry["unit_strength"]
            row_sign[rows] = entry["word_sign"]
            column_sign[cols] = entry["unit_sign"]
        blocks = data["blocks"]
        return cls(
            mode=data["mode"],
            n_clusters=int(data["k"]),
            random_state=data["random_state"],
            row_labels=frozen(data["row_labels"], np.intp),
            column_labels=frozen(data["column_labels"], np.intp),
            row_order=frozen(row_order, np.intp),
            column_order=frozen(column_order, np.intp),
            row_strength=frozen(row_strength, float),
            column_strength=frozen(column_strength, float),
            row_sign=frozen(row_sign, np.int8),
            column_sign=frozen(column_sign, np.int8),
            block_mean=frozen(blocks["mean"], float),
            block_abs_mean=frozen(blocks["abs_mean"], float),
            block_count=frozen(blocks["count"], np.int64),
            dropped_rows=frozen(data["dropped_rows"], np.intp),
            dropped_columns=frozen(data["dropped_columns"], np.intp),
            suggested_k=int(data["suggested_k"]),
            singular_values=frozen(data["singular_values"], float),
            quality=dict(data["quality"]),
            words=None if data.get("words") is None else tuple(data["words"]),
            unit_ids=None if data.get("unit_ids") is None else tuple(data["unit_ids"]),
        )
