"""Gate layouts: PyTorch's and ONNX's recurrent weights rearranged into Keras's cells.

Keras keeps ``kernel`` [inputs, G*units] with gate blocks LSTM (i, f, c, o) and GRU (z, r, h).

* PyTorch ``weight_ih`` [G*units, inputs] has LSTM (i, f, g, o) -- Keras's order -- and GRU
  (r, z, n); ``bias_ih`` and ``bias_hh`` are two vectors. Its GRU applies the reset gate after
  the recurrent matmul (Keras ``reset_after=True``).
* ONNX ``W`` [dirs, G*units, inputs] has LSTM (i, o, f, c) and GRU (z, r, h); ``B`` [dirs,
  2*G*units] is the input bias then the recurrent bias; GRU ``linear_before_reset=1`` is Keras
  ``reset_after=True``.

Two bias vectors become one (their sum) wherever the cell adds both before the nonlinearity,
that is everywhere except the candidate of a ``reset_after`` GRU, which keeps both rows.
"""

from __future__ import annotations

import numpy as np

from .network import RecurrentWeights

__all__ = ["from_torch", "from_onnx"]

# blocks of the source, in Keras's order
_TORCH_ORDER = {"rnn": [0], "lstm": [0, 1, 2, 3], "gru": [1, 0, 2]}
_ONNX_ORDER = {"rnn": [0], "lstm": [0, 2, 3, 1], "gru": [0, 1, 2]}


def _blocks(a: np.ndarray, order: list[int], axis: int = 0) -> np.ndarray:
    """``a`` cut into ``len(order)`` equal blocks along ``axis``, put back in ``order``."""
    parts = np.split(np.asarray(a, np.float64), len(order), axis=axis)
    return np.concatenate([parts[i] for i in order], axis=axis)


def _layer(kind, w_in, w_rec, b_in, b_rec, order, reset_after, name) -> RecurrentWeights:
    reset_after = reset_after if kind == "gru" else True   # only a GRU has the choice
    kernel = _blocks(w_in, order).T
    recurrent = _blocks(w_rec, order).T
    b_in, b_rec = _blocks(b_in, order), _blocks(b_rec, order)
    bias = np.stack([b_in, b_rec]) if kind == "gru" and reset_after else b_in + b_rec
    return RecurrentWeights(kind, kernel, recurrent, bias, name, reset_after)


def from_torch(kind: str, weight_ih, weight_hh, bias_ih=None, bias_hh=None,
               name: str = "") -> RecurrentWeights:
    """A PyTorch nn.RNN/LSTM/GRU layer's parameters (``*_l{k}``) in Keras layout."""
    rows = np.shape(weight_ih)[0]
    zeros = np.zeros(rows)
    return _layer(kind, weight_ih, weight_hh, zeros if bias_ih is None else bias_ih,
                  zeros if bias_hh is None else bias_hh, _TORCH_ORDER[kind], True, name)


def from_onnx(kind: str, W, R, B=None, linear_before_reset: int = 0,
              name: str = "") -> RecurrentWeights:
    """One direction of an ONNX RNN/LSTM/GRU node (``W[0]``, ``R[0]``, ``B[0]``) in Keras layout."""
    rows = np.shape(W)[0]
    b = np.zeros(2 * rows) if B is None else np.asarray(B, np.float64)
    return _layer(kind, W, R, b[:rows], b[rows:], _ONNX_ORDER[kind],
                  bool(linear_before_reset), name)
