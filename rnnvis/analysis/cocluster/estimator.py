"""The sign-aware co-clustering estimator: k-means on the spectral embedding, display order,
block statistics and quality."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, BiclusterMixin

from ...errors import CoclusterError
from .agreement import fast_ari
from .checks import check_k, check_matrix, check_mode, check_regularization, seed_int
from .embedding import SpectralEmbedding, unit_magnitude
from .kmeans import fill_empty, kmeans_runs
from .result import CoClusters, frozen
from .threads import blas_threads

__all__ = ["CoClustering", "cocluster"]


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
    for inertia, labels, centers in kmeans_runs(np.vstack([Zr, Zc]), k, seeds):
        row_labels = fill_empty(labels[:n_rows], Zr, centers, k)
        col_labels = labels[n_rows:]
        unit_label, deciding = _unit_labels(
            col_labels, emb._col_unit, emb._col_sign, emb._col_mass, emb.n_units_in_
        )
        unit_label = fill_empty(unit_label[kept_units], Zc[deciding[kept_units]], centers, k)
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
        mode = check_mode(self.mode)
        reg = check_regularization(self.regularization)
        if not isinstance(self.normalize_rows, (bool, np.bool_)):
            raise CoclusterError(f"normalize_rows={self.normalize_rows!r} must be True or False")
        if self.n_clusters is not None:
            check_k(self.n_clusters)
        n_init = self.n_init
        if isinstance(n_init, bool) or not isinstance(n_init, Integral) or n_init < 1:
            raise CoclusterError(f"n_init={n_init!r} must be a positive integer")
        seed = seed_int(self.random_state)
        X = check_matrix(X)
        n_words, n_units = X.shape
        if words is not None:
            words = tuple(str(w) for w in words)
            if len(words) != n_words:
                raise CoclusterError(f"got {len(words)} words for {n_words} rows")
        if unit_ids is not None:
            unit_ids = tuple(u.item() if isinstance(u, np.generic) else u for u in unit_ids)
            if len(unit_ids) != n_units:
                raise CoclusterError(f"got {len(unit_ids)} unit ids for {n_units} columns")
        with blas_threads(self.n_threads):
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
            T = unit_magnitude(X, mode)
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
            seed_ari_words = float(np.mean([fast_ari(runs[0][0], r[0]) for r in runs[1:]]))
            seed_ari_units = float(np.mean([fast_ari(runs[0][1], r[1]) for r in runs[1:]]))

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
            row_labels=frozen(self.row_labels_, np.intp),
            column_labels=frozen(self.column_labels_, np.intp),
            row_order=frozen(self.row_order_, np.intp),
            column_order=frozen(self.column_order_, np.intp),
            row_strength=frozen(self.row_strength_, float),
            column_strength=frozen(self.column_strength_, float),
            row_sign=frozen(self.row_sign_, np.int8),
            column_sign=frozen(self.column_sign_, np.int8),
            block_mean=frozen(self.block_mean_, float),
            block_abs_mean=frozen(self.block_abs_mean_, float),
            block_count=frozen(self.block_count_, np.int64),
            dropped_rows=frozen(self.dropped_rows_, np.intp),
            dropped_columns=frozen(self.dropped_columns_, np.intp),
            suggested_k=int(self.suggested_k_),
            singular_values=frozen(self.singular_values_, float),
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
