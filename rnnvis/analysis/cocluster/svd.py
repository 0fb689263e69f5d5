"""A seeded randomized SVD (Halko et al. 2011), with optional deflation of a known pair."""

import numpy as np
import scipy.linalg

__all__ = ["top_svd"]


def top_svd(An, n_vectors, n_iter, n_oversamples, rng, u1=None, v1=None):
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
