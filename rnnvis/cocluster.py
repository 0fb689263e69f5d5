"""Bipartite spectral co-clustering of word x unit response matrices (Dhillon, 2001)."""

# The response matrix s[i, j] = E[h_t - h_(t-1) | x_t = word_i] for hidden unit j is
# signed.  Spectral co-clustering needs a non-negative matrix, so a *mode* turns the
# signed matrix into one explicitly (there is never a global shift, unlike
# sklearn.cluster.SpectralCoclustering, which adds -min(X) to a signed matrix):
#
#   abs       |s|                 strength of the response, sign ignored (default)
#   positive  max(s, 0)           only units driven up by the words
#   negative  max(-s, 0)          only units driven down by the words
#   signed    [max(s,0) | max(-s,0)]  each unit split into two columns; a unit's label is
#                                 the label of the half column holding more of its mass
#
# Pipeline: drop all-zero rows/columns -> degree-regularised normalisation
# An = (D1 + tau_r)^-1/2 A (D2 + tau_c)^-1/2 with tau = regularization x the mean row /
# column degree (Qin & Rohe 2013; cf. Amini et al. 2013) -> top singular vectors of An by a
# seeded randomized range finder (float32, single BLAS thread by default) -> k-means
# points: the rows of the top-k left / right singular vectors scaled to unit length
# (Qin & Rohe's RSC-tau; Ng, Jordan & Weiss 2002) -> seeded k-means restarts (k-means++
# and Lloyd in numpy) on the stacked word and unit points -> every co-cluster gets at
# least one word and one unit -> clusters ordered by spectral seriation of the k x k
# block matrix, members ordered by strength.
# The singular vectors are computed once for every k up to 30 (SpectralEmbedding), so
# changing k only reruns k-means and the block statistics.
#
# Why regularise: real response matrices have very heterogeneous degrees (a word's
# degree is its total |s|).  Especially in little-trained models, many words barely move
# the state (degrees 100-1000x below those of the busiest words) and what response they
# have falls on a few weak units.  Plain Dhillon normalisation is blind to scale, so such a
# low-mass set of words and units looks like a well-separated co-cluster: the D^-1/2
# scaled points of low-degree words spread far out, k-means spends centres on them,
# those centres attract no (or one) unit, and the result is one big unit cluster plus
# singleton "chips" (e.g. [1, 29, 1, 1] for 32 units, [1, 125, 1, 1] for 128).  tau
# makes a set's weight count again (low-mass sets cannot form a cluster of their own),
# and unit-length rows stop low-degree points from dominating k-means.
# regularization=0 with normalize_rows=False is plain Dhillon (2001): the trivial pair
# (singular value 1) is deflated and k-means runs on [D1^-1/2 U; D2^-1/2 V] with k-1
# nontrivial vectors.

import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.linalg
from sklearn.base import BaseEstimator, BiclusterMixin
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import ThreadpoolController

__all__ = [
    "MAX_CLUSTERS",
    "MIN_CLUSTERS",
    "MODES",
    "CoClustering",
    "CoClusters",
    "CoclusterError",
    "SpectralEmbedding",
    "Stability",
    "bootstrap_stability",
    "cocluster",
    "format_report",
    "seed_stability",
]

MODES = ("abs", "positive", "negative", "signed")
MIN_CLUSTERS = 2
MAX_CLUSTERS = 30


class CoclusterError(ValueError):
    """Invalid input or parameters for co-clustering (a ValueError)."""


# --------------------------------------------------------------------------- helpers


def _check_matrix(X):
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


def _check_mode(mode):
    if mode not in MODES:
        raise CoclusterError(f"mode={mode!r} is not one of {', '.join(MODES)}")
    return mode


def _check_regularization(reg):
    if isinstance(reg, bool) or not isinstance(reg, Real) or not (math.isfinite(reg) and reg >= 0):
        raise CoclusterError(f"regularization={reg!r} must be a finite number >= 0")
    return float(reg)


def _check_k(k):
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise CoclusterError(f"k={k!r} must be an integer between {MIN_CLUSTERS} and {MAX_CLUSTERS}")
    if not MIN_CLUSTERS <= k <= MAX_CLUSTERS:
        raise CoclusterError(
            f"k={k} is out of range: the number of clusters must be between "
            f"{MIN_CLUSTERS} and {MAX_CLUSTERS}"
        )
    return int(k)


def _seed_int(random_state):
    """An int seed from an int or None (None draws fresh entropy)."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise CoclusterError(f"random_state={random_state!r} must be an int or None")
    return int(random_state)


def _unit_magnitude(X, mode):
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
    return _unit_magnitude(X, mode), units, np.full(n_units, sign, dtype=np.int8)


def _top_svd(An, n_vectors, n_iter, n_oversamples, rng, u1=None, v1=None):
    """Top singular triplets of An, or of An - u1 v1^T when the pair (u1, v1) is given.

    Seeded randomized range finder with LU-normalized power iterations (Halko et
    al. 2011) in float32, then a Rayleigh-Ritz step on the small Gram matrix in
    float64; a dense SVD when the matrix is small.  Returns (s, U, V), s descending.
    """
    m, n = An.shape
    deflate = u1 is not None
    n_vectors = min(n_vectors, min(m, n) - (1 if deflate else 0))
    width = n_vectors + n_oversamples
    if width >= min(m, n) // 2:
        dense = An - np.outer(u1, v1) if deflate else An
        U, s, Vt = np.linalg.svd(dense, full_matrices=False)
        return s[:n_vectors], U[:, :n_vectors], Vt[:n_vectors].T

    A32 = An.astype(np.float32, copy=False)
    if deflate:
        u32, v32 = u1.astype(np.float32), v1.astype(np.float32)

    def mult(M):  # (An - u1 v1^T) @ M
        Y = A32 @ M
        if deflate:
            Y -= np.outer(u32, v32 @ M)
        return Y

    def rmult(M):  # (An - u1 v1^T)^T @ M
        Y = A32.T @ M
        if deflate:
            Y -= np.outer(v32, u32 @ M)
        return Y

    Q = mult(rng.standard_normal((n, width), dtype=np.float32))
    for _ in range(n_iter):
        Q = scipy.linalg.lu(Q, permute_l=True, check_finite=False)[0]
        Q = rmult(Q)
        Q = scipy.linalg.lu(Q, permute_l=True, check_finite=False)[0]
        Q = mult(Q)
    Q = scipy.linalg.qr(Q.astype(np.float64), mode="economic", check_finite=False)[0]
    B = rmult(Q.astype(np.float32)).T.astype(np.float64)  # width x n = Q^T (An - u1 v1^T)
    w, W = np.linalg.eigh(B @ B.T)
    w, W = w[::-1][:n_vectors], W[:, ::-1][:, :n_vectors]
    s = np.sqrt(np.clip(w, 0.0, None))
    U = Q @ W
    V = (B.T @ W) / np.where(s > 0, s, 1.0)
    return s, U, V


def _unit_rows(M):
    """Rows of M scaled to unit Euclidean length (all-zero rows stay zero)."""
    norm = np.sqrt(np.einsum("ij,ij->i", M, M))
    return M / np.where(norm > 0, norm, 1.0)[:, None]


def _eigengap(singular_values, k_max, fraction=0.5, clear=3.0):
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


def _kmeans_runs(Z, k, seeds):
    """One seeded k-means (k-means++ then Lloyd) per seed: list of (inertia, labels, centers)."""
    Z = np.ascontiguousarray(Z, dtype=np.float64)
    sq = np.einsum("ij,ij->i", Z, Z)
    runs = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        runs.append(_lloyd(Z, sq, _kmeans_plusplus(Z, sq, k, rng)))
    return runs


def _fill_empty(labels, points, centers, k):
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


def _unit_labels(col_labels, col_unit, col_sign, col_mass, n_units):
    """Per-unit labels from (possibly split) internal columns: the heavier half wins.

    Returns (labels, index of the deciding internal column) for units that have any
    internal column; ties between the halves go to the positive half.
    """
    order = np.lexsort((col_sign, col_mass))  # mass ascending, negative half first
    unit_label = np.full(n_units, -1, dtype=np.intp)
    deciding = np.full(n_units, -1, dtype=np.intp)
    unit_label[col_unit[order]] = col_labels[order]  # last write (heaviest) wins
    deciding[col_unit[order]] = order
    return unit_label, deciding


def _cluster_embedding(emb, k, seeds, normalize_rows=True):
    """k-means restarts on the stacked embedding, post-processed per restart.

    Returns a list (best inertia first) of (row labels of kept rows, unit labels of
    kept units, (number of split units, mass fraction of half columns clustered apart
    from their unit))) with every cluster holding >= 1 word and unit.
    """
    Zr, Zc = emb._points(k, normalize_rows)
    n_rows = Zr.shape[0]
    kept_units = emb.kept_columns_
    col_pos = np.searchsorted(kept_units, emb._col_unit)
    out = []
    for inertia, labels, centers in _kmeans_runs(np.vstack([Zr, Zc]), k, seeds):
        row_labels = _fill_empty(labels[:n_rows], Zr, centers, k)
        col_labels = labels[n_rows:]
        unit_label, deciding = _unit_labels(
            col_labels, emb._col_unit, emb._col_sign, emb._col_mass, emb.n_units_in_
        )
        unit_label = _fill_empty(unit_label[kept_units], Zc[deciding[kept_units]], centers, k)
        elsewhere = unit_label[col_pos] != col_labels
        split = (int(np.unique(emb._col_unit[elsewhere]).size),
                 float(emb._col_mass[elsewhere].sum() / emb._col_mass.sum()))
        out.append((inertia, row_labels, unit_label, split))
    out.sort(key=lambda run: run[0])
    return [run[1:] for run in out]


def _within_between(sums, counts):
    """Mean within paired (diagonal) blocks / mean outside them (None if undefined)."""
    within = np.trace(sums) / np.trace(counts)
    n_out = counts.sum() - np.trace(counts)
    if n_out <= 0:
        return None
    between = (sums.sum() - np.trace(sums)) / n_out
    if between <= 0:
        return None
    return float(within / between)


def _seriate(S):
    """Order of k items placing similar ones close (Fiedler vector of S's Laplacian)."""
    k = S.shape[0]
    W = (S + S.T) / 2.0
    np.fill_diagonal(W, 0.0)
    L = np.diag(W.sum(axis=1)) - W
    f = np.linalg.eigh(L)[1][:, 1]
    strongest = int(np.argmax(np.diag(S)))
    if f[strongest] > 0:  # deterministic orientation: strongest cluster in the first half
        f = -f
    return np.lexsort((np.arange(k), np.round(f, 12)))


def _order_members(labels, strength, k):
    """Indices grouped by cluster 0..k-1, each group by strength descending."""
    idx = np.arange(labels.size)
    return idx[np.lexsort((idx, -strength, labels))]


def _fast_ari(a, b):
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


def _ari_pairs(labelings, reference=None):
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


def _json_float(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


_THREADS = {"lock": threading.Lock(), "depth": 0, "limiter": None, "controller": None}


@contextmanager
def _blas_threads(n_threads):
    """Limit BLAS threads while any fit runs (None = leave unchanged).

    The limit is process-wide, so concurrent fits share one: the first to enter sets
    it and the last to leave restores the original setting.
    """
    if n_threads is None:
        yield
        return
    state = _THREADS
    with state["lock"]:
        if state["depth"] == 0:
            if state["controller"] is None:
                state["controller"] = ThreadpoolController()
            state["limiter"] = state["controller"].limit(limits=int(n_threads), user_api="blas")
        state["depth"] += 1
    try:
        yield
    finally:
        with state["lock"]:
            state["depth"] -= 1
            if state["depth"] == 0:
                state["limiter"].restore_original_limits()
                state["limiter"] = None


# ------------------------------------------------------------------- spectral embedding


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
        mode = _check_mode(self.mode)
        reg = _check_regularization(self.regularization)
        X = _check_matrix(X)
        seed = _seed_int(self.random_state)
        with _blas_threads(self.n_threads):
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
            s, U, V = _top_svd(An, MAX_CLUSTERS, n_iter, n_over, rng, u1, v1)
            s, U, V = np.concatenate([[1.0], s]), np.column_stack([u1, U]), np.column_stack([v1, V])
        else:
            s, U, V = _top_svd(An, MAX_CLUSTERS + 1, n_iter, n_over, rng)
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
        self.suggested_k_, self.eigengap_, self.eigengap_ratio_ = _eigengap(
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


# ------------------------------------------------------------------------ the result


def _frozen(a, dtype):
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
                key: (_json_float(v) if isinstance(v, float) else v) for key, v in self.quality.items()
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
            row_labels=_frozen(data["row_labels"], np.intp),
            column_labels=_frozen(data["column_labels"], np.intp),
            row_order=_frozen(row_order, np.intp),
            column_order=_frozen(column_order, np.intp),
            row_strength=_frozen(row_strength, float),
            column_strength=_frozen(column_strength, float),
            row_sign=_frozen(row_sign, np.int8),
            column_sign=_frozen(column_sign, np.int8),
            block_mean=_frozen(blocks["mean"], float),
            block_abs_mean=_frozen(blocks["abs_mean"], float),
            block_count=_frozen(blocks["count"], np.int64),
            dropped_rows=_frozen(data["dropped_rows"], np.intp),
            dropped_columns=_frozen(data["dropped_columns"], np.intp),
            suggested_k=int(data["suggested_k"]),
            singular_values=_frozen(data["singular_values"], float),
            quality=dict(data["quality"]),
            words=None if data.get("words") is None else tuple(data["words"]),
            unit_ids=None if data.get("unit_ids") is None else tuple(data["unit_ids"]),
        )


# ------------------------------------------------------------------------ estimator


class CoClustering(BiclusterMixin, BaseEstimator):
    """Sign-aware bipartite spectral co-clustering of a word x unit response matrix.

    Dhillon (2001) on the mode-transformed matrix, degree-regularised (Qin & Rohe
    2013) and with unit-length embedding rows by default, with paired word/unit
    clusters ordered for display.

    Parameters
    ----------
    n_clusters : int in 2..30 or None, default=None
        Number of co-clusters k; None uses the eigengap suggestion ``suggested_k_``.
    mode : {"abs", "positive", "negative", "signed"}, default="abs"
        abs: |s|; positive: max(s, 0); negative: max(-s, 0); signed: each unit split
        into a max(s, 0) and a max(-s, 0) column, the unit taking the label of the
        half with the larger total mass (ties: positive).  Never a global shift.
    regularization : float >= 0, default=1.0
        Degree regularisation tau = regularization x the mean degree (see
        SpectralEmbedding).  Without it, words or units with a small total response
        split off as clusters of one or a few units on real response matrices.
    normalize_rows : bool, default=True
        Run k-means on the rows of the top k singular vectors scaled to unit length
        (Qin & Rohe's RSC-tau), so that no low-degree word or unit lies far out and
        claims a centre; False uses Dhillon's (D + tau)^-1/2-scaled k-1 vectors.
        ``regularization=0, normalize_rows=False`` is plain Dhillon (2001).
    random_state : int or None, default=0
        Seed for the randomized SVD and k-means; equal seeds give equal results.
    n_init : int, default=3
        k-means restarts (seeds derived from random_state); the lowest inertia wins
        and the others give the seed ARI (``seed_ari_words_``, ``seed_ari_units_``).
    n_iter : int, default=3
        Power iterations of the randomized SVD.
    n_threads : int or None, default=1
        BLAS threads during fit (None leaves the process setting).  One thread is
        fastest for matrices of this size and robust on a busy 2-core machine.
    embedding : SpectralEmbedding or None, default=None
        A fitted embedding of the same matrix, mode and regularization, reused instead
        of recomputed (e.g. ``CoClustering(k, embedding=previous.embedding_)`` for a k
        slider).

    Attributes
    ----------
    n_clusters_ : int
        The k used.
    row_labels_, column_labels_ : ndarray of int
        Cluster of each word / unit in display order, -1 if dropped.
    row_order_, column_order_ : ndarray of int
        Kept word / unit indices grouped by cluster, strongest first.
    row_strength_, column_strength_ : ndarray of float
        Mean mode-transformed magnitude (|s| for abs and signed) of the word to its
        paired unit cluster / of the unit to its paired word cluster (NaN if dropped).
    row_sign_, column_sign_ : ndarray of int8
        Sign of the mean signed response to the paired cluster (0 if dropped).
    block_mean_, block_abs_mean_, block_count_ : ndarray of shape (k, k)
        For word cluster a and unit cluster b: mean s, mean |s| and the number of
        cells n_words(a) * n_units(b), on the original signed matrix.
    dropped_rows_, dropped_columns_ : ndarray of int
        All-zero rows / columns after the mode transform (not clustered).
    suggested_k_ : int
        Eigengap suggestion (see SpectralEmbedding).
    singular_values_ : ndarray
        Leading singular values of the normalized bipartite matrix (first = 1 when
        regularization=0, below 1 otherwise).
    within_between_ratio_ : float or None
        Mean |s| inside paired blocks / mean |s| outside them.
    seed_ari_words_, seed_ari_units_ : float or None
        Mean adjusted Rand index between the result and the other k-means restarts
        (None when n_init == 1).
    quality_ : dict
        All quality numbers (see ``CoClusters``).
    embedding_ : SpectralEmbedding
        The embedding used (reuse it for another k).
    rows_, columns_ : ndarray of bool, shape (k, n)
        Cluster indicators (sklearn bicluster API).
    """

    def __init__(
        self,
        n_clusters=None,
        mode="abs",
        regularization=1.0,
        normalize_rows=True,
        random_state=0,
        n_init=3,
        n_iter=3,
        n_threads=1,
        embedding=None,
    ):
        self.n_clusters = n_clusters
        self.mode = mode
        self.regularization = regularization
        self.normalize_rows = normalize_rows
        self.random_state = random_state
        self.n_init = n_init
        self.n_iter = n_iter
        self.n_threads = n_threads
        self.embedding = embedding

    def fit(self, X, y=None, *, words=None, unit_ids=None):
        """Co-cluster X (n_words x n_units, signed); optional word labels / unit ids."""
        mode = _check_mode(self.mode)
        reg = _check_regularization(self.regularization)
        if not isinstance(self.normalize_rows, (bool, np.bool_)):
            raise CoclusterError(f"normalize_rows={self.normalize_rows!r} must be True or False")
        if self.n_clusters is not None:
            _check_k(self.n_clusters)
        n_init = self.n_init
        if isinstance(n_init, bool) or not isinstance(n_init, Integral) or n_init < 1:
            raise CoclusterError(f"n_init={n_init!r} must be a positive integer")
        seed = _seed_int(self.random_state)
        X = _check_matrix(X)
        n_words, n_units = X.shape
        if words is not None:
            words = tuple(str(w) for w in words)
            if len(words) != n_words:
                raise CoclusterError(f"got {len(words)} words for {n_words} rows")
        if unit_ids is not None:
            unit_ids = tuple(u.item() if isinstance(u, np.generic) else u for u in unit_ids)
            if len(unit_ids) != n_units:
                raise CoclusterError(f"got {len(unit_ids)} unit ids for {n_units} columns")
        with _blas_threads(self.n_threads):
            self._fit(X, mode, seed, int(n_init), reg)
        self.words_, self.unit_ids_ = words, unit_ids
        return self

    def _fit(self, X, mode, seed, n_init, reg):
        n_words, n_units = X.shape
        emb = self.embedding
        if emb is None:
            emb = SpectralEmbedding(mode=mode, regularization=reg, n_iter=self.n_iter, random_state=seed)
            emb._fit(X, mode, seed, reg)  # X is already checked and threads already limited
        else:
            if not hasattr(emb, "singular_values_"):
                raise CoclusterError("embedding is not fitted; call SpectralEmbedding(...).fit(X)")
            if emb.mode != mode:
                raise CoclusterError(f"embedding was computed with mode={emb.mode!r}, not mode={mode!r}")
            if emb.regularization_ != reg:
                raise CoclusterError(
                    f"embedding was computed with regularization={emb.regularization_!r}, "
                    f"not regularization={reg!r}"
                )
            if emb.X_.shape != X.shape or not np.array_equal(emb.X_, X):
                raise CoclusterError("embedding was computed for a different matrix")

        k = emb.suggested_k_ if self.n_clusters is None else int(self.n_clusters)
        kr, ku = emb.kept_rows_, emb.kept_columns_
        if k > kr.size:
            raise CoclusterError(
                f"k={k} should be <= n_words={kr.size} after dropping "
                f"{emb.dropped_rows_.size} all-zero rows"
            )
        if k > ku.size:
            raise CoclusterError(
                f"k={k} should be <= n_units={ku.size} after dropping "
                f"{emb.dropped_columns_.size} all-zero columns"
            )

        runs = _cluster_embedding(emb, k, [seed + i for i in range(n_init)], bool(self.normalize_rows))
        row_lab, unit_lab, (n_split, split_mass) = runs[0]

        # block statistics on the original signed matrix (kept rows/units only)
        R = np.zeros((n_words, k))
        R[kr, row_lab] = 1.0
        C = np.zeros((n_units, k))
        C[ku, unit_lab] = 1.0
        absX = emb._abs_X
        X_C, absX_C = X @ C, absX @ C  # n_words x k sums over each unit cluster
        abs_sums = R.T @ absX_C
        counts = np.outer(R.sum(axis=0), C.sum(axis=0))

        # display order of clusters, then relabel so cluster i is the i-th shown
        order = _seriate(abs_sums / counts)
        rank = np.empty(k, dtype=np.intp)
        rank[order] = np.arange(k)
        R, C = R[:, order], C[:, order]
        X_C, absX_C = X_C[:, order], absX_C[:, order]
        row_lab, unit_lab = rank[row_lab], rank[unit_lab]
        sums, abs_sums = R.T @ X_C, R.T @ absX_C
        counts = counts[np.ix_(order, order)]
        n_a, n_b = R.sum(axis=0), C.sum(axis=0)

        # strengths on the mode-transformed magnitude, signs on the signed matrix
        if mode in ("abs", "signed"):
            T_C, R_T = absX_C, R.T @ absX
        else:
            T = _unit_magnitude(X, mode)
            T_C, R_T = T @ C, R.T @ T
        row_strength = np.full(n_words, np.nan)
        row_strength[kr] = T_C[kr, row_lab] / n_b[row_lab]
        col_strength = np.full(n_units, np.nan)
        col_strength[ku] = R_T[unit_lab, ku] / n_a[unit_lab]
        row_sign = np.zeros(n_words, dtype=np.int8)
        row_sign[kr] = np.sign(X_C[kr, row_lab])
        col_sign = np.zeros(n_units, dtype=np.int8)
        col_sign[ku] = np.sign((R.T @ X)[unit_lab, ku])

        full_rows = np.full(n_words, -1, dtype=np.intp)
        full_rows[kr] = row_lab
        full_cols = np.full(n_units, -1, dtype=np.intp)
        full_cols[ku] = unit_lab

        seed_ari_words = seed_ari_units = None
        if len(runs) > 1:
            seed_ari_words = float(np.mean([_fast_ari(runs[0][0], r[0]) for r in runs[1:]]))
            seed_ari_units = float(np.mean([_fast_ari(runs[0][1], r[1]) for r in runs[1:]]))

        self.n_clusters_ = k
        self.row_labels_, self.column_labels_ = full_rows, full_cols
        self.row_order_ = kr[_order_members(row_lab, row_strength[kr], k)]
        self.column_order_ = ku[_order_members(unit_lab, col_strength[ku], k)]
        self.row_strength_, self.column_strength_ = row_strength, col_strength
        self.row_sign_, self.column_sign_ = row_sign, col_sign
        self.block_mean_ = sums / counts
        self.block_abs_mean_ = abs_sums / counts
        self.block_count_ = counts.astype(np.int64)
        self.dropped_rows_, self.dropped_columns_ = emb.dropped_rows_, emb.dropped_columns_
        self.suggested_k_ = emb.suggested_k_
        self.singular_values_ = emb.singular_values_
        self.within_between_ratio_ = _within_between(abs_sums, counts)
        self.seed_ari_words_, self.seed_ari_units_ = seed_ari_words, seed_ari_units
        self.quality_ = {
            "within_between_ratio": self.within_between_ratio_,
            "within_between_ratio_mode": _within_between(R.T @ T_C, counts),
            "seed_ari_words": seed_ari_words,
            "seed_ari_units": seed_ari_units,
            "n_restarts": n_init,
            "eigengap": emb.eigengap_,
            "eigengap_ratio": emb.eigengap_ratio_,
            "n_split_units": n_split if mode == "signed" else None,
            "split_mass_fraction": split_mass if mode == "signed" else None,
        }
        self.rows_ = full_rows[None, :] == np.arange(k)[:, None]
        self.columns_ = full_cols[None, :] == np.arange(k)[:, None]
        self.embedding_ = emb
        self._seed = seed

    def result(self):
        """The fitted clustering as an immutable, serialisable ``CoClusters``."""
        if not hasattr(self, "row_labels_"):
            raise CoclusterError("CoClustering is not fitted; call fit(X) first")
        return CoClusters(
            mode=self.mode,
            n_clusters=self.n_clusters_,
            random_state=self._seed,
            row_labels=_frozen(self.row_labels_, np.intp),
            column_labels=_frozen(self.column_labels_, np.intp),
            row_order=_frozen(self.row_order_, np.intp),
            column_order=_frozen(self.column_order_, np.intp),
            row_strength=_frozen(self.row_strength_, float),
            column_strength=_frozen(self.column_strength_, float),
            row_sign=_frozen(self.row_sign_, np.int8),
            column_sign=_frozen(self.column_sign_, np.int8),
            block_mean=_frozen(self.block_mean_, float),
            block_abs_mean=_frozen(self.block_abs_mean_, float),
            block_count=_frozen(self.block_count_, np.int64),
            dropped_rows=_frozen(self.dropped_rows_, np.intp),
            dropped_columns=_frozen(self.dropped_columns_, np.intp),
            suggested_k=int(self.suggested_k_),
            singular_values=_frozen(self.singular_values_, float),
            quality=dict(self.quality_),
            words=self.words_,
            unit_ids=self.unit_ids_,
        )


def cocluster(X, n_clusters=None, *, mode="abs", random_state=0, words=None, unit_ids=None,
              embedding=None, **params):
    """Co-cluster a signed word x unit matrix and return a ``CoClusters``.

    Shortcut for ``CoClustering(n_clusters, mode=mode, random_state=random_state,
    embedding=embedding, **params).fit(X, words=words, unit_ids=unit_ids).result()``.
    """
    est = CoClustering(n_clusters, mode=mode, random_state=random_state, embedding=embedding, **params)
    return est.fit(X, words=words, unit_ids=unit_ids).result()


# ------------------------------------------------------------------------ stability


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
            "word_ari": [_json_float(v) for v in self.word_ari],
            "unit_ari": [_json_float(v) for v in self.unit_ari],
            "word_ari_mean": _json_float(self.word_ari_mean),
            "unit_ari_mean": _json_float(self.unit_ari_mean),
            "word_ari_min": _json_float(self.word_ari_min),
            "unit_ari_min": _json_float(self.unit_ari_min),
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
        word_ari=_ari_pairs([r.row_labels_ for r in results]),
        unit_ari=_ari_pairs([r.column_labels_ for r in results]),
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
        M = _check_matrix(M)
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
        word_ari=_ari_pairs(rows, ref_rows),
        unit_ari=_ari_pairs(cols, ref_cols),
    )


# ------------------------------------------------------------------------ reporting


def format_report(result, words=None, max_words=15, max_units=15):
    """Human-readable multi-line summary of a ``CoClusters`` for the command line.

    Per cluster: size, within-block mean s and mean |s|, the top ``max_words``
    words and ``max_units`` units (strongest first) and the strongest links to other
    unit clusters; then the quality numbers.  ``words`` (row labels) defaults to
    ``result.words``; without labels row indices are shown.
    """
    if words is None:
        words = result.words
    q = result.quality

    def num(v, fmt=".3f"):
        return "n/a" if v is None or (isinstance(v, float) and not math.isfinite(v)) else format(v, fmt)

    n_words, n_units = result.row_labels.size, result.column_labels.size
    lines = [
        f"Co-clustering: k={result.n_clusters} (suggested k={result.suggested_k}), mode={result.mode}, "
        f"seed={result.random_state}",
        f"  {n_words - result.dropped_rows.size} of {n_words} words, "
        f"{n_units - result.dropped_columns.size} of {n_units} units "
        f"(dropped all-zero: {result.dropped_rows.size} words, {result.dropped_columns.size} units)",
        f"  within/between |s| ratio {num(q.get('within_between_ratio'), '.2f')}"
        f" (mode: {num(q.get('within_between_ratio_mode'), '.2f')}); "
        f"seed ARI words {num(q.get('seed_ari_words'))}, units {num(q.get('seed_ari_units'))}; "
        f"eigengap {num(q.get('eigengap'), '.4f')} (x{num(q.get('eigengap_ratio'), '.1f')} median gap)",
    ]
    if q.get("n_split_units") is not None:
        lines.append(
            f"  signed split: {q['n_split_units']} units have their two halves in different clusters; "
            f"{100 * q['split_mass_fraction']:.1f}% of the mass is in halves away from their unit's cluster"
        )
    unit_name = (lambda j: str(result.unit_ids[j])) if result.unit_ids is not None else str
    word_name = (lambda i: str(words[i])) if words is not None else (lambda i: f"#{i}")
    k = result.n_clusters
    for c, (rows, cols) in enumerate(zip(result.word_clusters(), result.unit_clusters())):
        lines.append("")
        lines.append(
            f"Cluster {c}: {rows.size} words x {cols.size} units | "
            f"mean s {result.block_mean[c, c]:+.4f}, mean |s| {result.block_abs_mean[c, c]:.4f}"
        )
        shown = ", ".join(f"{word_name(i)} ({result.row_strength[i]:.3f})" for i in rows[:max_words])
        more = f", ... (+{rows.size - max_words})" if rows.size > max_words else ""
        lines.append(f"  words: {shown}{more}")
        shown = ", ".join(unit_name(j) for j in cols[:max_units])
        more = f", ... (+{cols.size - max_units})" if cols.size > max_units else ""
        lines.append(f"  units: {shown}{more}")
        others = [b for b in np.argsort(-result.block_abs_mean[c], kind="stable") if b != c][:3]
        if k > 1:
            links = ", ".join(
                f"-> units {b}: mean s {result.block_mean[c, b]:+.4f}, "
                f"|s| {result.block_abs_mean[c, b]:.4f}"
                for b in others
            )
            lines.append(f"  other links: {links}")
    return "\n".join(lines)
