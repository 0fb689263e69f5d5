"""Expected responses s(w) = E[h_t - h_(t-1) | x_t = w], aggregated by streaming over chunks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ResponseMatrix", "ResponseAggregator", "DELTA_KINDS", "kind_source"]

DELTA_KINDS = ("h", "c")  # states whose response is the update (delta); gates are averaged as is


def kind_source(kind: str) -> tuple[str, bool]:
    """(recorded key, is_delta) of a state kind: 'h' and 'c' are deltas, gates are values."""
    return kind, kind in DELTA_KINDS


@dataclass(frozen=True)
class ResponseMatrix:
    """Per-word statistics of one layer and state kind.

    ``mean`` float64 [vocab, units]: s_i(w) (the mean update for h and c; the mean value for
    gates); ``std`` the standard deviation over occurrences; ``counts`` int64 [vocab]: n(w).
    Rows of words that never occur are zero with count 0.
    """

    layer: int
    kind: str
    mean: np.ndarray
    std: np.ndarray
    counts: np.ndarray

    @property
    def units(self) -> int:
        return self.mean.shape[1]

    def top_words(self, k: int | None = None, min_count: int = 1) -> np.ndarray:
        """Word ids by frequency (descending, ties by id), at most ``k``, seen >= ``min_count``."""
        order = np.lexsort((np.arange(len(self.counts)), -self.counts))
        order = order[self.counts[order] >= max(1, min_count)]
        return order if k is None else order[:k]


class ResponseAggregator:
    """Streaming sums per (word, unit): memory O(vocab x units), never O(tokens x units).

    ``update(chunk)`` takes a recorder chunk (token ids and per-layer arrays with ``h``/``h_prev``,
    ``c``/``c_prev`` and gates); ``result(layer, kind)`` gives a :class:`ResponseMatrix`.
    """

    def __init__(self, vocab_size: int, units: list[int], kinds: list[tuple[str, ...]]):
        self.vocab_size = vocab_size
        self.units = list(units)
        self.kinds = [tuple(k) for k in kinds]
        self.counts_ = np.zeros(vocab_size, dtype=np.int64)
        self.sums_ = [{k: np.zeros((vocab_size, u)) for k in ks} for u, ks in zip(units, self.kinds)]
        self.sumsq_ = [{k: np.zeros((vocab_size, u)) for k in ks} for u, ks in zip(units, self.kinds)]
        self.tokens_seen_ = 0

    def update(self, tokens: np.ndarray, layers: list[dict[str, np.ndarray]]) -> "ResponseAggregator":
        """Add one chunk: ``tokens`` int [n], ``layers[l][key]`` float [n, units_l]."""
        tokens = np.asarray(tokens)
        n = len(tokens)
        if n == 0:
            return self
        # group rows by word once: sort, then sum each run of equal ids with reduceat
        order = np.argsort(tokens, kind="stable")
        ids = tokens[order]
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        words = ids[starts]
        self.counts_ += np.bincount(tokens, minlength=self.vocab_size)
        for arrays, sums, sumsq in zip(layers, self.sums_, self.sumsq_):
            for kind in sums:
                values = self._values(arrays, kind)[order]
                sums[kind][words] += np.add.reduceat(values, starts, axis=0)
                sumsq[kind][words] += np.add.reduceat(np.square(values), starts, axis=0)
        self.tokens_seen_ += n
        return self

    @staticmethod
    def _values(arrays: dict, kind: str) -> np.ndarray:
        key, delta = kind_source(kind)
        values = np.asarray(arrays[key], dtype=np.float64)
        if delta:
            values = values - np.asarray(arrays[f"{key}_prev"], dtype=np.float64)
        return values

    def result(self, layer: int, kind: str) -> ResponseMatrix:
        """The mean and standard deviation per (word, unit) aggregated so far."""
        n = self.counts_[:, None].astype(np.float64)
        safe = np.maximum(n, 1.0)
        mean = self.sums_[layer][kind] / safe
        var = np.maximum(self.sumsq_[layer][kind] / safe - mean ** 2, 0.0)
        return ResponseMatrix(layer, kind, mean, np.sqrt(var), self.counts_.copy())
