"""Pattern search (LSTMVis's "match"): where else do these units switch on and off as they do
over this phrase?

The units' values are thresholded into on/off cells; a window's score is the fraction of its
length x units cells that agree with the query's, so 1 is the same pattern.
"""

from __future__ import annotations

import numpy as np

__all__ = ["window_scores", "best_windows"]


def window_scores(on: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Agreement of every window of ``on`` [N, U] (bool) with ``query`` [L, U] (bool): an
    array of N - L + 1 fractions in [0, 1], one per window start."""
    n, units = on.shape
    length = query.shape[0]
    if length > n:
        return np.zeros(0)
    x = on.astype(np.float32)
    q = query.astype(np.float32)
    # cells that agree between row t and query row j: 2 on.q - |on_t| - |q_j| + U
    agree = 2.0 * (x @ q.T) - x.sum(axis=1)[:, None] - q.sum(axis=1)[None, :] + units
    starts = n - length + 1
    total = np.zeros(starts, dtype=np.float64)
    for j in range(length):
        total += agree[j:j + starts, j]
    return total / (length * units)


def best_windows(scores: np.ndarray, length: int, k: int, exclude: tuple[int, int] | None = None):
    """The ``k`` best window starts that overlap neither each other nor ``exclude``
    ``(start, stop)``; highest score first, earlier start on ties."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    taken: list[int] = []
    blocked = np.zeros(len(scores) + length, dtype=bool)
    if exclude is not None:
        a, b = exclude
        blocked[max(0, a - length + 1):max(0, b)] = True
    for s in order:
        if blocked[s]:
            continue
        taken.append(int(s))
        blocked[max(0, s - length + 1):s + length] = True
        if len(taken) == k:
            break
    return taken
