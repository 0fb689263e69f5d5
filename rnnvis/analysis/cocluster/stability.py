"""Stability of a co-clustering: agreement across seeds and across bootstrap resamples."""

from dataclasses import dataclass

import numpy as np

from ...errors import CoclusterError
from .agreement import ari_pairs
from .checks import check_matrix
from .estimator import CoClustering
from .result import json_float

__all__ = ["Stability", "seed_stability", "bootstrap_stability"]


@dataclass(frozen=True)
class Stability:
    """Agreement (adjusted Rand index) between clusterings of the same words/units.

    ``word_ari`` / ``unit_ari`` hold one ARI per compared pair (seed stability: all
    pairs of seeds; bootstrap: each resample vs the reference, or all pairs of
    resamples without one).  1 = identical partitions, about 0 = chance.  Rows or
    columns dropped in either clustering are left out of that comparison.
    """

    kind: str
    n_clusters: int
    mode: str
    n_runs: int
    word_ari: tuple
    unit_ari: tuple

    @property
    def word_ari_mean(self):
        """Mean word ARI."""
        return float(np.nanmean(self.word_ari))

    @property
    def unit_ari_mean(self):
        """Mean unit ARI."""
        return float(np.nanmean(self.unit_ari))

    @property
    def word_ari_min(self):
        """Worst word ARI."""
        return float(np.nanmin(self.word_ari))

    @property
    def unit_ari_min(self):
        """Worst unit ARI."""
        return float(np.nanmin(self.unit_ari))

    def to_dict(self):
        """Plain JSON-able dict."""
        return {
            "kind": self.kind,
            "k": self.n_clusters,
            "mode": self.mode,
            "n_runs": self.n_runs,
            "word_ari": [json_float(v) for v in self.word_ari],
            "unit_ari": [json_float(v) for v in self.unit_ari],
            "word_ari_mean": json_float(self.word_ari_mean),
            "unit_ari_mean": json_float(self.unit_ari_mean),
            "word_ari_min": json_float(self.word_ari_min),
            "unit_ari_min": json_float(self.unit_ari_min),
        }


def seed_stability(X, n_clusters=None, *, mode="abs", seeds=(0, 1, 2, 3, 4), **params):
    """Rerun the whole co-clustering (randomized SVD and k-means) once per seed.

    Returns a ``Stability`` with the pairwise ARIs of the word and unit labels.
    Low values mean the partition depends on chance rather than on the data.
    n_clusters=None uses the suggested k of the first seed for every run.
    """
    seeds = list(seeds)
    if len(seeds) < 2:
        raise CoclusterError("seed_stability needs at least 2 seeds")
    results = []
    for s in seeds:
        results.append(CoClustering(n_clusters, mode=mode, random_state=s, **params).fit(X))
        n_clusters = results[0].n_clusters_
    return Stability(
        kind="seed",
        n_clusters=n_clusters,
        mode=mode,
        n_runs=len(results),
        word_ari=ari_pairs([r.row_labels_ for r in results]),
        unit_ari=ari_pairs([r.column_labels_ for r in results]),
    )


def bootstrap_stability(resampled_matrices, n_clusters=None, *, reference=None, mode=None,
                        random_state=0, **params):
    """Agreement of co-clusterings of bootstrap resamples of the response matrix.

    ``resampled_matrices`` is a sequence (or generator) of matrices with the shape of
    the original, each built by the caller from a resample of the data, e.g. the mean
    response per word over occurrences drawn with replacement.  Each is co-clustered
    with the same k, mode and seed.  With ``reference`` (the ``CoClusters`` of the full
    matrix) every resample is compared to it and k / mode default to its own; without
    it all pairs of resamples are compared.  Returns a ``Stability``.
    """
    if reference is not None:
        n_clusters = reference.n_clusters if n_clusters is None else n_clusters
        mode = reference.mode if mode is None else mode
    mode = "abs" if mode is None else mode
    if n_clusters is None:
        raise CoclusterError("bootstrap_stability needs n_clusters or a reference result")
    shape = None
    fits = []
    for M in resampled_matrices:
        M = check_matrix(M)
        if shape is None:
            shape = M.shape
        if M.shape != shape or (reference is not None and M.shape != (
                reference.row_labels.size, reference.column_labels.size)):
            raise CoclusterError(f"resampled matrix of shape {M.shape} does not match the others")
        fits.append(CoClustering(n_clusters, mode=mode, random_state=random_state, **params).fit(M))
    if len(fits) < (1 if reference is not None else 2):
        raise CoclusterError("bootstrap_stability needs at least 1 resample with a reference, 2 without")
    rows = [f.row_labels_ for f in fits]
    cols = [f.column_labels_ for f in fits]
    ref_rows = None if reference is None else np.asarray(reference.row_labels)
    ref_cols = None if reference is None else np.asarray(reference.column_labels)
    return Stability(
        kind="bootstrap",
        n_clusters=int(n_clusters),
        mode=mode,
        n_runs=len(fits),
        word_ari=ari_pairs(rows, ref_rows),
        unit_ari=ari_pairs(cols, ref_cols),
    )
