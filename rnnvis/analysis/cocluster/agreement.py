"""Agreement between partitions: the adjusted Rand index, fast and pairwise."""

import numpy as np
from sklearn.metrics import adjusted_rand_score

__all__ = ["fast_ari", "ari_pairs"]


def fast_ari(a, b):
    """Adjusted Rand index of two label vectors of non-negative ints (no validation).

    Same value as sklearn.metrics.adjusted_rand_score (tested), without its input
    checks, for the restart agreement computed inside every fit.
    """
    n = a.size
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    table = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb).astype(np.float64)
    pairs = lambda x: (x * (x - 1)).sum() / 2.0  # noqa: E731
    sum_comb = pairs(table)
    sum_a, sum_b = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    total = n * (n - 1) / 2.0
    expected = sum_a * sum_b / total if total > 0 else 0.0
    max_index = (sum_a + sum_b) / 2.0
    if max_index == expected:  # both partitions trivial (all one cluster or all singletons)
        return 1.0
    return float((sum_comb - expected) / (max_index - expected))


def ari_pairs(labelings, reference=None):
    """ARIs between label vectors (-1 = missing), pairwise or each vs a reference."""
    def ari(a, b):
        both = (a >= 0) & (b >= 0)
        return float(adjusted_rand_score(a[both], b[both])) if both.sum() > 1 else float("nan")

    if reference is not None:
        return tuple(ari(reference, lab) for lab in labelings)
    return tuple(
        ari(labelings[i], labelings[j])
        for i in range(len(labelings))
        for j in range(i + 1, len(labelings))
    )
