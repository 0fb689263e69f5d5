"""One recurrent layer's step in TensorFlow, from the Keras cell's live weights."""

from __future__ import annotations

from ..console import import_tensorflow
from ..errors import RecordingError

import_tensorflow()   # quietly, and as Keras's backend

import tensorflow as tf  # noqa: E402

__all__ = ["CellStep", "activation", "cell_kind", "output_activation"]

_CLASSES = {"SimpleRNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
_ACTIVATIONS = {"tanh": tf.tanh, "sigmoid": tf.sigmoid, "relu": tf.nn.relu, "linear": tf.identity}


def activation(fn):
    """The TensorFlow op for a Keras activation (by name), or ``fn`` itself."""
    return _ACTIVATIONS.get(getattr(fn, "__name__", ""), fn)


def cell_kind(layer) -> str:
    """``rnn``, ``lstm`` or ``gru`` for a Keras recurrent layer; RecordingError otherwise."""
    kind = _CLASSES.get(type(layer).__name__)
    if kind is None:
        raise RecordingError(f"layer {layer.name!r}: unsupported recurrent layer {type(layer).__name__}")
    return kind


def output_activation(dense):
    """The activation of the output Dense layer as a TensorFlow op (softmax over the last axis)."""
    if dense.activation.__name__ == "softmax":
        return tf.nn.softmax
    return activation(dense.activation)


def _weights(cell, gates: int, two_biases: bool):
    units = cell.units
    bias = cell.bias if cell.use_bias else tf.zeros((2, gates * units) if two_biases else
                                                   (gates * units,), tf.float32)
    return (tf.convert_to_tensor(cell.kernel), tf.convert_to_tensor(cell.recurrent_kernel),
            tf.convert_to_tensor(bias))


class CellStep:
    """One layer's recurrence, from the cell's live weights: ``step(zx, h, c)``.

    ``zx`` is the input projection ``x W + b`` (GRU with ``reset_after``: the input-side bias
    row only; without it the one bias, and the reset gate scales ``h`` before its matmul).
    Build it inside a ``tf.function``: the weights are read when the function runs.
    """

    def __init__(self, kind, cell):
        self.kind, self.units = kind, cell.units
        self.act = activation(cell.activation)
        self.rec = activation(getattr(cell, "recurrent_activation", None))
        gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
        self.reset_after = kind == "gru" and cell.reset_after
        self.kernel, self.recurrent, bias = _weights(cell, gates, self.reset_after)
        self.in_bias, self.rec_bias = (bias[0], bias[1]) if self.reset_after else (bias, None)

    def project(self, x):
        """``x W + b`` for a batch of inputs ``x (rows, D)``."""
        return tf.matmul(x, self.kernel) + self.in_bias

    def step(self, zx, h, c):
        """New ``(h, c)`` and every recorded value of one time step."""
        u, act, rec = self.units, self.act, self.rec
        if self.kind == "rnn":
            h = act(zx + tf.matmul(h, self.recurrent))
            return h, c, {"h": h}
        if self.kind == "lstm":
            z = zx + tf.matmul(h, self.recurrent)
            i, f = rec(z[:, :u]), rec(z[:, u:2 * u])
            g, o = act(z[:, 2 * u:3 * u]), rec(z[:, 3 * u:])
            c = f * c + i * g
            h = o * act(c)
            return h, c, {"h": h, "c": c, "i": i, "f": f, "g": g, "o": o}
        if self.reset_after:
            inner = tf.matmul(h, self.recurrent) + self.rec_bias
            zg = rec(zx[:, :u] + inner[:, :u])
            r = rec(zx[:, u:2 * u] + inner[:, u:2 * u])
            hh = act(zx[:, 2 * u:] + r * inner[:, 2 * u:])
        else:  # the reset gate scales the previous state before the candidate's matmul
            inner = tf.matmul(h, self.recurrent[:, :2 * u])
            zg = rec(zx[:, :u] + inner[:, :u])
            r = rec(zx[:, u:2 * u] + inner[:, u:])
            hh = act(zx[:, 2 * u:] + tf.matmul(r * h, self.recurrent[:, 2 * u:]))
        h = zg * h + (1.0 - zg) * hh
        return h, c, {"h": h, "z": zg, "r": r, "hh": hh}
