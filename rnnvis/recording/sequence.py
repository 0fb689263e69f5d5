"""One short sequence from the zero state (typed text), compiled with XLA, layer by layer.

At batch 1 a step's recurrent product is a vector times the recurrent kernel: it reads the
whole kernel (6.8 MB for a 650-unit LSTM) to do little arithmetic, so its time is the memory
traffic. The long-stream recorder's wavefront steps every layer in one loop, which makes each
upper layer's input projection a per-step product too (three kernels read per step for two
layers); here each layer runs to the end before the next, so every input projection is one
matrix product over the whole sequence and a step reads only its recurrent kernel. XLA fuses
a step's gate arithmetic into a few kernels (the per-operation cost of TensorFlow's executor
dominates small models). Lengths are padded to a power of two (at least ``MIN_BUCKET``):
one compilation per bucket, never one per length, and the loop stops at the real length.
"""

from __future__ import annotations

import numpy as np

from ..modelling.cells import CELL_FIELDS, state_names
from ..modelling.training import JIT
from .cellstep import CellStep, cell_kind, output_activation

import tensorflow as tf  # noqa: E402  (after .cellstep, which imports it quietly)

__all__ = ["SequenceRun", "bucket", "MIN_BUCKET"]

#: typed sentences are mostly shorter than this: they share one compilation; padding costs
#: only the input projections of the extra rows (the loop stops at the real length)
MIN_BUCKET = 64


def bucket(n: int) -> int:
    """The padded length for ``n`` tokens: the next power of two, at least ``MIN_BUCKET``."""
    return max(MIN_BUCKET, 1 << (int(n) - 1).bit_length())


class SequenceRun:
    """Compiled single-stream runs of a model's recurrent stack (``layers``, Keras layers).

    Calling it with token ids returns per layer the fields of ``CELL_FIELDS`` and the entering
    states (``h_prev``, ``c_prev``) as float32 ``(n, units)`` arrays, and the class
    probabilities after the last token when ``head`` (the output Dense layer) is given. The
    compiled function computes every field; only those asked for are copied out.
    """

    def __init__(self, embedding, layers, head=None):
        self.embedding, self.head = embedding, head
        self.kinds = [cell_kind(layer) for layer in layers]
        self.cells = [layer.cell for layer in layers]
        self.fn = tf.function(self._run, jit_compile=JIT, autograph=False)

    def _run(self, tokens, n):
        """Every layer over ``tokens (T,)``, of which the first ``n`` are real; padding rows are 0."""
        x = tf.gather(tf.convert_to_tensor(self.embedding.embeddings), tokens)
        size = tokens.shape[0]
        outputs = []
        for kind, cell in zip(self.kinds, self.cells):
            layer = CellStep(kind, cell)
            zx = layer.project(x)
            keys = CELL_FIELDS[kind]
            tas = [tf.TensorArray(tf.float32, size=size, element_shape=[cell.units]) for _ in keys]
            state = tuple(tf.zeros((1, cell.units)) for _ in state_names(kind))

            def body(t, state, tas, layer=layer, zx=zx, keys=keys):
                h, c, vals = layer.step(zx[t][None], state[0], state[1] if len(state) == 2 else None)
                state = (h, c) if len(state) == 2 else (h,)
                return t + 1, state, [ta.write(t, vals[k][0]) for ta, k in zip(tas, keys)]

            *_, tas = tf.while_loop(lambda t, *_: t < n, body, (tf.constant(0), state, tas))
            outputs.append({k: ta.stack() for k, ta in zip(keys, tas)})
            x = outputs[-1]["h"]
        if self.head is None:
            return outputs, None
        last = x[n - 1][None]
        probs = output_activation(self.head)(tf.matmul(last, self.head.kernel) + self.head.bias)
        return outputs, probs[0]

    def __call__(self, ids: np.ndarray, keys=None) -> tuple[list[dict[str, np.ndarray]],
                                                             np.ndarray | None]:
        """Per layer ``{key: (n, units)}`` for the token ids ``ids`` (1-D, at least one), for
        ``keys`` (default: every field and previous state; ``h`` always), and the class
        probabilities (or None without a head)."""
        n = len(ids)
        padded = np.zeros(bucket(n), np.int32)
        padded[:n] = ids
        outputs, probs = self.fn(tf.constant(padded), tf.constant(n, tf.int32))
        layers = []
        for kind, arrays in zip(self.kinds, outputs):
            wanted = [k for k in arrays if keys is None or k == "h" or k in keys or f"{k}_prev" in keys]
            out = {k: arrays[k].numpy()[:n] for k in wanted}
            for name in state_names(kind):
                if keys is None or f"{name}_prev" in keys:
                    prev = np.zeros_like(out[name])
                    prev[1:] = out[name][:-1]
                    out[f"{name}_prev"] = prev
            layers.append(out)
        return layers, None if probs is None else probs.numpy()

    def tracing_count(self) -> int:
        """How many times the function was traced: one per bucket length seen."""
        return self.fn.experimental_get_tracing_count()
