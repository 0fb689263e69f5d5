"""Input checks shared by the estimators, and the bounds of k and the sign modes."""

import math
from numbers import Integral, Real

import numpy as np

from ...errors import CoclusterError

__all__ = ["MODES", "MIN_CLUSTERS", "MAX_CLUSTERS", "check_matrix", "check_mode",
           "check_regularization", "check_k", "seed_int"]

MODES = ("abs", "positive", "negative", "signed")
MIN_CLUSTERS = 2
MAX_CLUSTERS = 30


def check_matrix(X):
    """Return X as a finite 2-D float64 array or raise CoclusterError."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise CoclusterError(f"X must be a numeric matrix: {exc}") from None
    if X.ndim != 2:
        raise CoclusterError(f"X must be 2-D (n_words x n_units), got shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise CoclusterError(f"X is empty, got shape {X.shape}")
    if not np.isfinite(X).all():
        bad = ~np.isfinite(X)
        i, j = np.argwhere(bad)[0]
        raise CoclusterError(
            f"X contains {int(bad.sum())} NaN or infinite value(s) "
            f"(first at row {i}, column {j}); clean the response matrix first"
        )
    return X


def check_mode(mode):
    if mode not in MODES:
        raise CoclusterError(f"mode={mode!r} is not one of {', '.join(MODES)}")
    return mode


def check_regularization(reg):
    if isinstance(reg, bool) or not isinstance(reg, Real) or not (math.isfinite(reg) and reg >= 0):
        raise CoclusterError(f"regularization={reg!r} must be a finite number >= 0")
    return float(reg)


def check_k(k):
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise CoclusterError(f"k={k!r} must be an integer between {MIN_CLUSTERS} and {MAX_CLUSTERS}")
    if not MIN_CLUSTERS <= k <= MAX_CLUSTERS:
        raise CoclusterError(
            f"k={k} is out of range: the number of clusters must be between "
            f"{MIN_CLUSTERS} and {MAX_CLUSTERS}"
        )
    return int(k)


def seed_int(random_state):
    """An int seed from an int or None (None draws fresh entropy)."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise CoclusterError(f"random_state={random_state!r} must be an int or None")
    return int(random_state)
