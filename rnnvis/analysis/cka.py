"""Linear CKA (Kornblith et al. 2019) between representations of the same tokens, in memory or
streamed from row blocks with flat memory."""

from __future__ import annotations

import numpy as np

__all__ = ["linear_cka", "Moments", "cka_matrix", "correlations"]


def _centred(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"expected a 2-D array (examples x features), got shape {X.shape}")
    return X - X.mean(axis=0)


def _cka(xy: float, xx: float, yy: float) -> float:
    """||Cxy||^2 / (||Cxx|| ||Cyy||), 0 when one side does not vary."""
    den = xx * yy
    return float(xy / den) if den > 0 else 0.0


def linear_cka(X, Y) -> float:
    """Linear CKA of two representations (rows = the same examples), computed in memory.

    CKA = ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F), with Xc, Yc centred by column.
    """
    Xc, Yc = _centred(X), _centred(Y)
    if len(Xc) != len(Yc):
        raise ValueError(f"X and Y need the same examples; got {len(Xc)} and {len(Yc)} rows")
    return _cka(np.linalg.norm(Yc.T @ Xc) ** 2, np.linalg.norm(Xc.T @ Xc), np.linalg.norm(Yc.T @ Yc))


class Moments:
    """Streamed scatter matrix sum_t (z_t - mean)(z_t - mean)^T of row blocks of width ``dim``.

    ``update(Z)`` takes one float32 block (rows = tokens, columns = every unit of every layer
    compared); memory stays at one dim x dim matrix. Rows are shifted by the first block's mean
    before the float32 product (so large means do not cancel digits away); the products are
    summed in float64 and corrected to the true mean in :meth:`scatter`. A stream that shifts
    its blocks itself (while reading them) fixes the shift with :meth:`shift_from` and adds
    them with :meth:`add_shifted`.
    """

    def __init__(self, dim: int):
        self.dim = int(dim)
        self.n = 0
        self.shift: np.ndarray | None = None
        self._sum = np.zeros(self.dim)
        self._cross = np.zeros((self.dim, self.dim))

    def shift_from(self, Z: np.ndarray) -> np.ndarray:
        """The shift: the mean of ``Z`` (the first block) unless already fixed."""
        if self.shift is None:
            self.shift = np.asarray(Z).mean(axis=0, dtype=np.float64).astype(np.float32)
        return self.shift

    def update(self, Z: np.ndarray) -> "Moments":
        """Add a block of rows."""
        Z = np.asarray(Z, dtype=np.float32)
        if Z.ndim != 2 or Z.shape[1] != self.dim:
            raise ValueError(f"expected rows of {self.dim} values, got shape {Z.shape}")
        if not len(Z):
            return self
        Zs = Z - self.shift_from(Z)
        self._cross += Zs.T @ Zs   # numpy computes a self-product with one symmetric rank-k update
        self._sum += Zs.sum(axis=0, dtype=np.float64)
        self.n += len(Z)
        return self

    def add_shifted(self, B: np.ndarray) -> "Moments":
        """Add a float32 block ``B`` of ``dim + 1`` columns: rows already minus :attr:`shift`,
        then a column of ones, so that one product gives the cross products and the sums."""
        if B.ndim != 2 or B.shape[1] != self.dim + 1:
            raise ValueError(f"expected rows of {self.dim} + 1 values, got shape {B.shape}")
        if self.shift is None:
            raise ValueError("add_shifted: fix the shift first (shift_from)")
        P = B.T @ B
        self._cross += P[:-1, :-1]
        self._sum += P[-1, :-1]
        self.n += len(B)
        return self

    def mean(self) -> np.ndarray:
        """The mean row."""
        return self.shift + self._sum / max(self.n, 1)

    def scatter(self) -> np.ndarray:
        """The centred cross-product matrix (n times the covariance), float64."""
        d = self._sum / max(self.n, 1)
        return self._cross - self.n * np.outer(d, d)


def cka_matrix(scatter: np.ndarray, sizes) -> np.ndarray:
    """Linear CKA between every pair of the column blocks ``sizes`` of a scatter matrix."""
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    blocks = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
    norms = [np.linalg.norm(scatter[b, b]) for b in blocks]
    out = np.eye(len(blocks))
    for i, bi in enumerate(blocks):
        for j in range(i + 1, len(blocks)):
            out[i, j] = out[j, i] = _cka(np.linalg.norm(scatter[bi, blocks[j]]) ** 2,
                                         norms[i], norms[j])
        if norms[i] == 0:
            out[i, i] = 0.0
    return out


def correlations(scatter: np.ndarray, rows: slice, cols: slice) -> np.ndarray:
    """Pearson correlations between the units of two column blocks (0 where a unit is constant)."""
    sd = np.sqrt(np.clip(np.diag(scatter), 0, None))
    den = np.outer(sd[rows], sd[cols])
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(den > 0, scatter[rows, cols] / den, 0.0)
    return np.clip(r, -1.0, 1.0)
