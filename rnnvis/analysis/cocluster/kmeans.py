"""Seeded k-means in numpy: greedy k-means++ seeding and Lloyd iterations."""

import numpy as np

__all__ = ["kmeans_runs", "fill_empty"]


def _kmeans_plusplus(Z, sq, k, rng):
    """Greedy k-means++ seeding (2 + log k candidates per centre)."""
    n = Z.shape[0]
    n_cand = 2 + int(np.log(k))
    first = int(rng.integers(n))
    centers = np.empty((k, Z.shape[1]))
    centers[0] = Z[first]
    closest = np.maximum(sq - 2.0 * (Z @ Z[first]) + sq[first], 0.0)
    for c in range(1, k):
        total = closest.sum()
        if total > 0:
            cand = np.searchsorted(np.cumsum(closest), rng.random(n_cand) * total)
            cand = np.minimum(cand, n - 1)
        else:
            cand = rng.integers(n, size=n_cand)
        d = sq[cand][:, None] - 2.0 * (Z[cand] @ Z.T) + sq[None, :]
        np.minimum(d, closest[None, :], out=d)
        np.maximum(d, 0.0, out=d)
        best = int(np.argmin(d.sum(axis=1)))
        centers[c] = Z[cand[best]]
        closest = d[best]
    return centers


def _lloyd(Z, sq, centers, max_iter=300):
    """Lloyd iterations until labels stop changing; returns (inertia, labels, centers)."""
    n, k = Z.shape[0], centers.shape[0]
    rows = np.arange(n)
    labels = None
    for _ in range(max_iter):
        dist = Z @ centers.T
        dist *= -2.0
        dist += np.einsum("ij,ij->i", centers, centers)
        new = np.argmin(dist, axis=1)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=k)
        full = counts > 0
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        sums = np.add.reduceat(Z[np.argsort(labels, kind="stable")], starts[full], axis=0)
        centers = centers.copy()
        centers[full] = sums / counts[full, None]
        if not full.all():  # re-seed empty clusters at the worst-fitted points
            worst = np.argsort(-(dist[rows, labels] + sq), kind="stable")
            centers[~full] = Z[worst[: int((~full).sum())]]
    inertia = float((dist[rows, labels] + sq).sum())
    return inertia, labels, centers


def kmeans_runs(Z, k, seeds):
    """One seeded k-means (k-means++ then Lloyd) per seed: list of (inertia, labels, centers)."""
    Z = np.ascontiguousarray(Z, dtype=np.float64)
    sq = np.einsum("ij,ij->i", Z, Z)
    runs = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        runs.append(_lloyd(Z, sq, _kmeans_plusplus(Z, sq, k, rng)))
    return runs


def fill_empty(labels, points, centers, k):
    """Give every cluster at least one member, moving the nearest spare point."""
    labels = labels.copy()
    counts = np.bincount(labels, minlength=k)
    for c in np.flatnonzero(counts == 0):
        spare = np.flatnonzero(counts[labels] > 1)
        j = spare[np.argmin(((points[spare] - centers[c]) ** 2).sum(axis=1))]
        counts[labels[j]] -= 1
        labels[j] = c
        counts[c] += 1
    return labels
