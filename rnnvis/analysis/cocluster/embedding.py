"""The degree-regularised bipartite spectral embedding of a response matrix, reusable across k."""

import math

import numpy as np
from sklearn.base import BaseEstimator

from ...errors import CoclusterError
from .checks import MAX_CLUSTERS, MIN_CLUSTERS, check_matrix, check_mode, check_regularization, seed_int
from .svd import top_svd
from .threads import blas_threads

__all__ = ["SpectralEmbedding", "eigengap", "unit_magnitude"]


def unit_magnitude(X, mode):
    """Mode-transformed magnitude at unit level (n_words x n_units, non-negative)."""
    if mode == "positive":
        return np.maximum(X, 0.0)
    if mode == "negative":
        return np.maximum(-X, 0.0)
    return np.abs(X)  # abs and signed


def _bipartite_matrix(X, mode):
    """Non-negative matrix to co-cluster, with its column -> unit map and column sign."""
    n_units = X.shape[1]
    units = np.arange(n_units)
    if mode == "signed":
        A = np.hstack([np.maximum(X, 0.0), np.maximum(-X, 0.0)])
        return A, np.concatenate([units, units]), np.repeat(np.array([1, -1], dtype=np.int8), n_units)
    sign = -1 if mode == "negative" else 1
    return unit_magnitude(X, mode), units, np.full(n_units, sign, dtype=np.int8)


def _unit_rows(M):
    """Rows of M scaled to unit Euclidean length (all-zero rows stay zero)."""
    norm = np.sqrt(np.einsum("ij,ij->i", M, M))
    return M / np.where(norm > 0, norm, 1.0)[:, None]


def eigengap(singular_values, k_max, fraction=0.5, clear=3.0):
    """Suggested k from the relative eigengaps g_k = (s_k - s_(k+1)) / s_k, k = 2..k_max.

    Returns (k, g_k, g_k / median gap).  k is the largest k whose gap is at least
    ``fraction`` of the largest gap and ``clear`` times the median gap, so that a
    dominant coarse split (often k=2) does not hide a nearly as clear finer one; when
    no gap is that clear (a smooth spectrum), the largest gap.  s_1 is the leading
    singular value (the trivial one, 1, without regularisation); no gap uses it.
    """
    s = np.asarray(singular_values, dtype=float)
    k_max = min(k_max, len(s) - 1)
    if k_max < MIN_CLUSTERS:
        return MIN_CLUSTERS, 0.0, None
    head = s[MIN_CLUSTERS - 1 : k_max]
    gaps = (head - s[MIN_CLUSTERS : k_max + 1]) / np.where(head > 0, head, 1.0)
    median = float(np.median(gaps))
    good = np.flatnonzero((gaps >= fraction * gaps.max()) & (gaps >= clear * median))
    best = int(good[-1]) if good.size else int(np.argmax(gaps))
    ratio = float(gaps[best] / median) if median > 0 else None
    return best + MIN_CLUSTERS, float(gaps[best]), ratio


class SpectralEmbedding(BaseEstimator):
    """Normalized bipartite spectral embedding of a response matrix, reusable across k.

    Computes, once, the singular values and vectors of the degree-regularised
    (D1 + tau_r)^-1/2 A (D2 + tau_c)^-1/2 needed for every k in 2..30 (A = the
    mode-transformed matrix after dropping all-zero rows and columns; D1, D2 its row
    and column sums).  Pass a fitted instance as ``CoClustering(embedding=...)`` to
    re-cluster with another k without recomputing it (a k slider).

    Parameters
    ----------
    mode : {"abs", "positive", "negative", "signed"}, default="abs"
        How the signed matrix is made non-negative (see the module notes).
    regularization : float >= 0, default=1.0
        tau_r = regularization x the mean row degree, tau_c = regularization x the
        mean column degree (Qin & Rohe 2013).  Keeps words and units with a small
        total response (low degree) from forming clusters of their own; 0 = plain
        Dhillon (2001) normalisation, whose trivial singular pair is then deflated.
    n_iter : int, default=3
        Power iterations of the randomized range finder (more = more exact vectors).
    n_oversamples : int, default=10
        Extra random directions of the range finder.
    random_state : int or None, default=0
        Seed of the random directions.
    n_threads : int or None, default=1
        BLAS threads during fit (None leaves the process setting unchanged).

    Attributes
    ----------
    singular_values_ : ndarray of shape (31,) or fewer
        The largest singular values of the normalized matrix.  With regularization=0
        s_1 = 1 (the trivial pair); with tau > 0 s_1 is below 1 (about
        1 / (1 + regularization) for evenly spread degrees).
    suggested_k_ : int
        Eigengap suggestion: the largest k in 2..30 whose relative gap
        (s_k - s_(k+1)) / s_k is at least half the largest such gap and 3 times the
        median gap; the k of the largest gap if no gap is that clear.
    eigengap_ : float
        That relative gap.
    eigengap_ratio_ : float or None
        That gap divided by the median gap over 2..30: large (say > 5) when the
        matrix has a clear block structure, about 1 when it has none.
    dropped_rows_, dropped_columns_ : ndarray of int
        Input rows (words) / columns (units) that are all zero after the transform.
    kept_rows_, kept_columns_ : ndarray of int
        The complement, ascending.
    """

    def __init__(self, mode="abs", regularization=1.0, n_iter=3, n_oversamples=10, random_state=0,
                 n_threads=1):
        self.mode = mode
        self.regularization = regularization
        self.n_iter = n_iter
        self.n_oversamples = n_oversamples
        self.random_state = random_state
        self.n_threads = n_threads

    def fit(self, X, y=None):
        """Validate X, drop all-zero rows/columns and compute the embedding; returns self."""
        mode = check_mode(self.mode)
        reg = check_regularization(self.regularization)
        X = check_matrix(X)
        seed = seed_int(self.random_state)
        with blas_threads(self.n_threads):
            self._fit(X, mode, seed, reg)
        return self

    def _fit(self, X, mode, seed, reg):
        A, col_unit, col_sign = _bipartite_matrix(X, mode)
        A_full = A
        row_sum = A.sum(axis=1)
        col_sum = A.sum(axis=0)
        keep_r = row_sum > 0
        keep_c = col_sum > 0
        unit_has_mass = np.zeros(X.shape[1], dtype=bool)
        unit_has_mass[col_unit[keep_c]] = True

        self.X_ = X
        self.regularization_ = reg
        self.n_words_in_, self.n_units_in_ = X.shape
        self.kept_rows_ = np.flatnonzero(keep_r)
        self.dropped_rows_ = np.flatnonzero(~keep_r)
        self.kept_columns_ = np.flatnonzero(unit_has_mass)
        self.dropped_columns_ = np.flatnonzero(~unit_has_mass)
        n_r, n_u = self.kept_rows_.size, self.kept_columns_.size
        if n_r < MIN_CLUSTERS or n_u < MIN_CLUSTERS:
            raise CoclusterError(
                f"need at least {MIN_CLUSTERS} non-zero rows and columns, got "
                f"n_words={n_r} after dropping {self.dropped_rows_.size} all-zero rows and "
                f"n_units={n_u} after dropping {self.dropped_columns_.size} all-zero columns "
                f"(mode={mode!r})"
            )
        if not (keep_r.all() and keep_c.all()):
            A = A[np.ix_(keep_r, keep_c)]
        d1, d2 = row_sum[keep_r], col_sum[keep_c]
        g1, g2 = d1 + reg * d1.mean(), d2 + reg * d2.mean()  # regularised degrees
        r1, r2 = 1.0 / np.sqrt(g1), 1.0 / np.sqrt(g2)
        dtype = np.float32 if min(A.shape) > 4 * (MAX_CLUSTERS + self.n_oversamples) else np.float64
        An = A.astype(dtype)
        An *= r1.astype(dtype)[:, None]
        An *= r2.astype(dtype)[None, :]
        rng = np.random.default_rng(seed)
        n_iter, n_over = int(self.n_iter), int(self.n_oversamples)
        if reg == 0:  # the trivial pair (1, D1^1/2 1, D2^1/2 1) is known: deflate it
            total = math.sqrt(d1.sum())
            u1, v1 = np.sqrt(d1) / total, np.sqrt(d2) / total
            s, U, V = top_svd(An, MAX_CLUSTERS, n_iter, n_over, rng, u1, v1)
            s, U, V = np.concatenate([[1.0], s]), np.column_stack([u1, U]), np.column_stack([v1, V])
        else:
            s, U, V = top_svd(An, MAX_CLUSTERS + 1, n_iter, n_over, rng)
            if U[:, 0].sum() < 0:  # the leading (Perron) pair is non-negative
                U[:, 0], V[:, 0] = -U[:, 0], -V[:, 0]
        self._row_scale, self._col_scale = r1, r2
        self._U, self._V = U, V
        self._col_unit = col_unit[keep_c]
        self._col_sign = col_sign[keep_c]
        self._col_mass = d2
        self._abs_X = A_full if mode == "abs" else np.abs(X)
        self.singular_values_ = s
        self.max_clusters_ = int(min(MAX_CLUSTERS, n_r, n_u, s.size))
        self.suggested_k_, self.eigengap_, self.eigengap_ratio_ = eigengap(
            self.singular_values_, self.max_clusters_
        )
        return self

    def _points(self, k, normalize_rows=True):
        """Row and internal-column points for k clusters.

        normalize_rows: the rows of the top k singular vectors scaled to unit length;
        otherwise Dhillon's (D + tau)^-1/2-scaled k-1 vectors after the leading one.
        """
        if normalize_rows:
            return _unit_rows(self._U[:, :k]), _unit_rows(self._V[:, :k])
        return (self._row_scale[:, None] * self._U[:, 1:k],
                self._col_scale[:, None] * self._V[:, 1:k])
