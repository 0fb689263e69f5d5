"""Is the block structure beyond chance? The within/between ratio against a permutation null.

k-means finds blocks even in noise, so a within/between ratio means little on its own: ~1.3 can
be all a structureless matrix of this shape gives, or far above it. The null keeps every word's
responses but shuffles them across units (each row permuted on its own), which keeps the word
degrees and the distribution of values and destroys any word-unit pairing; the same
co-clustering (same k, mode, seed) is fitted on a handful of such matrices.
"""

from dataclasses import dataclass

import numpy as np

from ...errors import CoclusterError
from .checks import check_matrix
from .estimator import CoClustering

__all__ = ["NullComparison", "permutation_null", "NULL_DRAWS", "CLEAR_Z", "WEAK_Z"]

NULL_DRAWS = 5
CLEAR_Z = 6.0     # the observed ratio is this many null standard deviations above the null mean
WEAK_Z = 3.0


@dataclass(frozen=True)
class NullComparison:
    """The observed within/between ratio against its permutation null."""

    observed: float
    null: tuple            # the ratio of each shuffled draw
    structure: str         # "clear", "weak" or "none"

    @property
    def null_mean(self) -> float:
        return float(np.mean(self.null))

    @property
    def null_sd(self) -> float:
        return float(np.std(self.null, ddof=1)) if len(self.null) > 1 else 0.0

    @property
    def beyond_chance(self) -> float:
        """observed / null mean: how many times the chance level the blocks are."""
        return self.observed / self.null_mean if self.null_mean > 0 else float("inf")

    @property
    def z(self) -> float:
        """(observed - null mean) / null sd (sd floored at 1% of the mean)."""
        sd = max(self.null_sd, 0.01 * self.null_mean, 1e-12)
        return (self.observed - self.null_mean) / sd

    def to_dict(self) -> dict:
        """Plain JSON."""
        return {"observed": self.observed, "null_mean": self.null_mean, "null_sd": self.null_sd,
                "draws": len(self.null), "beyond_chance": self.beyond_chance, "z": self.z,
                "structure": self.structure}


def permutation_null(X, reference, *, draws: int = NULL_DRAWS, random_state: int = 0,
                     **params) -> NullComparison | None:
    """Compare ``reference`` (the CoClusters of ``X``) with the same co-clustering of ``draws``
    row-shuffled copies of ``X``; None when the ratio is undefined."""
    X = check_matrix(X)
    observed = reference.quality.get("within_between_ratio")
    if observed is None or not np.isfinite(observed):
        return None
    rng = np.random.default_rng(random_state + 104729)
    ratios = []
    for _ in range(draws):
        shuffled = rng.permuted(X, axis=1)
        try:
            fit = CoClustering(reference.n_clusters, mode=reference.mode,
                               random_state=random_state, **params).fit(shuffled)
        except CoclusterError:   # e.g. a shuffle left fewer units with a response than k
            continue
        if fit.within_between_ratio_ is not None:
            ratios.append(float(fit.within_between_ratio_))
    if not ratios:
        return None
    cmp = NullComparison(float(observed), tuple(ratios), "none")
    structure = "clear" if cmp.z >= CLEAR_Z else "weak" if cmp.z >= WEAK_Z else "none"
    return NullComparison(cmp.observed, cmp.null, structure)
