"""One-to-one matching of the units of two layers by the correlation of their states."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["UnitMatching", "match_units"]


@dataclass(frozen=True)
class UnitMatching:
    """Matched pairs: ``left[i]`` goes with ``right[i]``, their correlation ``r[i]`` (signed).

    With layers of different widths, min(n_left, n_right) pairs are matched and the rest of the
    wider layer is left out.
    """

    left: np.ndarray
    right: np.ndarray
    r: np.ndarray

    def right_order(self, n_right: int) -> list[int]:
        """The right layer's units in the order of their left partners, unmatched ones last."""
        order = [int(u) for _, u in sorted(zip(self.left, self.right))]
        rest = sorted(set(range(n_right)) - set(order))
        return order + rest


def match_units(corr: np.ndarray, signed: bool = False) -> UnitMatching:
    """Hungarian assignment maximising the total |r| (or r if ``signed``) over unit pairs.

    A unit and its negation carry the same information, so by default a strongly
    anti-correlated pair is as good a match as a correlated one.
    """
    corr = np.asarray(corr, dtype=np.float64)
    if corr.ndim != 2 or 0 in corr.shape:
        raise ValueError(f"expected a non-empty units x units matrix, got shape {corr.shape}")
    gain = corr if signed else np.abs(corr)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return UnitMatching(rows.astype(int), cols.astype(int), corr[rows, cols])
