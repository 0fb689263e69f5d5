"""How well each unit separates two sets of positions, or follows a per-token target.

All functions take value matrices with one column per unit and score every column at once.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["histograms", "hellinger", "roc_auc", "correlation"]


def histograms(a: np.ndarray, b: np.ndarray, bins: int):
    """Per-unit histograms of ``a`` [na, U] and ``b`` [nb, U] on shared edges.

    The edges of unit j run from the smallest to the largest value in either set, in ``bins``
    equal bins (003's recipe, with fewer bins by default). Returns ``(counts_a, counts_b, lo,
    hi)``: int64 [U, bins] each and float [U] each.
    """
    lo = np.minimum(a.min(axis=0), b.min(axis=0)).astype(np.float64)
    hi = np.maximum(a.max(axis=0), b.max(axis=0)).astype(np.float64)
    width = np.where(hi > lo, hi - lo, 1.0)
    units = a.shape[1]
    offsets = np.arange(units) * bins

    def count(x):
        idx = np.clip(((x - lo) / width * bins).astype(np.int64), 0, bins - 1)
        return np.bincount((idx + offsets).ravel(), minlength=units * bins).reshape(units, bins)

    return count(a), count(b), lo, hi


def hellinger(counts_a: np.ndarray, counts_b: np.ndarray) -> np.ndarray:
    """Hellinger distance between the normalised rows of two count matrices (0 = the same
    distribution, 1 = disjoint supports): sqrt(1 - sum_i sqrt(p_i q_i))."""
    p = counts_a / np.maximum(counts_a.sum(axis=1, keepdims=True), 1)
    q = counts_b / np.maximum(counts_b.sum(axis=1, keepdims=True), 1)
    bc = np.sqrt(p * q).sum(axis=1)
    return np.sqrt(np.clip(1.0 - bc, 0.0, 1.0))


def roc_auc(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per unit, the ROC AUC of telling ``a`` from ``b`` by the value: P(x_a > x_b) plus half
    the ties (Mann-Whitney U / (na nb)). 0.5 = no separation; 1 (or 0) = perfect."""
    na, nb = len(a), len(b)
    ranks = rankdata(np.concatenate([a, b]).astype(np.float64), axis=0)
    u = ranks[:na].sum(axis=0) - na * (na + 1) / 2.0
    return u / (na * nb)


def correlation(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Pearson correlation of each column of ``values`` [n, U] with ``target`` [n]; 0 where a
    column or the target is constant."""
    v = values.astype(np.float64)
    t = np.asarray(target, dtype=np.float64)
    v = v - v.mean(axis=0)
    t = t - t.mean()
    denom = np.sqrt((v * v).sum(axis=0) * (t @ t))
    return np.divide(t @ v, denom, out=np.zeros(v.shape[1]), where=denom > 0)
