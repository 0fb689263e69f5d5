"""A framework-neutral recurrent network in Keras layouts: what every importer produces.

An importer reads a file (Keras, ONNX, safetensors) into a :class:`Network`: the embedding, each
recurrent layer's kernels and bias already in the column order of Keras's cells (LSTM i f c o,
GRU z r h), and the output layer. :meth:`Network.check` validates the shapes, naming the file
and the layer; :func:`to_keras` loads the weights into the model rnnvis builds from a config.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..errors import ModelImportError

__all__ = ["RecurrentWeights", "Network", "GATES", "to_keras"]

#: gate blocks per cell kind
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


@dataclass(frozen=True)
class RecurrentWeights:
    """One recurrent layer: ``kernel`` <float>[inputs, G*units], ``recurrent`` <float>[units,
    G*units], ``bias`` <float>[G*units] (GRU ``reset_after``: [2, 3*units], input row then
    recurrent row). ``name`` says where it came from (a layer, node or parameter prefix)."""

    kind: str
    kernel: np.ndarray
    recurrent: np.ndarray
    bias: np.ndarray
    name: str
    reset_after: bool = True

    @property
    def units(self) -> int:
        return int(self.recurrent.shape[0])


@dataclass(frozen=True)
class Network:
    """Embedding <float>[V, E] -> recurrent ``layers`` -> output ``kernel`` <float>[H, C] and
    ``bias`` <float>[C]. ``sequences`` is True when the output reads every step (a language
    model), False when it reads the last one (a classifier), None when the file does not say."""

    embedding: np.ndarray
    layers: tuple[RecurrentWeights, ...]
    kernel: np.ndarray
    bias: np.ndarray
    source: str
    sequences: bool | None = None

    @property
    def cell(self) -> str:
        return self.layers[0].kind

    @property
    def outputs(self) -> int:
        return int(self.kernel.shape[1])

    def check(self) -> "Network":
        """Return self if every shape chains; else a ModelImportError naming file and layer."""
        src = self.source
        if self.embedding.ndim != 2:
            raise ModelImportError(f"{src}: the embedding has shape {self.embedding.shape}; "
                                   "expected (vocabulary, size)")
        if not self.layers:
            raise ModelImportError(f"{src}: no recurrent layer; expected one or more SimpleRNN, "
                                   "LSTM or GRU layers (ONNX RNN, LSTM, GRU)")
        kinds = {layer.kind for layer in self.layers}
        if len(kinds) > 1:
            raise ModelImportError(f"{src}: the layers mix cell kinds ({', '.join(sorted(kinds))}); "
                                   "rnnvis shows stacks of one kind")
        if len({layer.reset_after for layer in self.layers}) > 1:
            raise ModelImportError(f"{src}: the GRU layers mix reset_after true and false")
        inputs = self.embedding.shape[1]
        for layer in self.layers:
            g, u = GATES[layer.kind], layer.units
            bias = (2, g * u) if layer.kind == "gru" and layer.reset_after else (g * u,)
            for what, got, want in (("kernel", layer.kernel.shape, (inputs, g * u)),
                                    ("recurrent kernel", layer.recurrent.shape, (u, g * u)),
                                    ("bias", layer.bias.shape, bias)):
                if tuple(got) != want:
                    raise ModelImportError(f"{src}: {layer.name}: {what} has shape {tuple(got)}; "
                                           f"expected {want} for a {layer.kind} layer of {u} units "
                                           f"reading {inputs} inputs")
            inputs = u
        if self.kernel.ndim != 2 or self.kernel.shape[0] != inputs:
            raise ModelImportError(f"{src}: the output layer's kernel has shape "
                                   f"{tuple(self.kernel.shape)}; expected ({inputs}, outputs) after "
                                   f"a last layer of {inputs} units")
        if self.bias.shape != (self.kernel.shape[1],):
            raise ModelImportError(f"{src}: the output bias has shape {tuple(self.bias.shape)}; "
                                   f"expected ({self.kernel.shape[1]},)")
        return self

    def reorder_vocabulary(self, order: np.ndarray, lm: bool) -> "Network":
        """The network for a vocabulary whose id ``i`` was ``order[i]`` (-1: a new token).

        New rows of the embedding are zero; a language model's new output columns get a very
        negative bias, so their probability is 0 and the other tokens' are unchanged.
        """
        take = np.maximum(order, 0)
        emb = self.embedding[take].copy()
        emb[order < 0] = 0.0
        if not lm:
            return replace(self, embedding=emb)
        kernel, bias = self.kernel[:, take].copy(), self.bias[take].copy()
        kernel[:, order < 0], bias[order < 0] = 0.0, -1e9
        return replace(self, embedding=emb, kernel=kernel, bias=bias)


def to_keras(net: Network, model) -> None:
    """Load ``net``'s weights into ``model`` (built by :func:`rnnvis.modelling.models.build_model`)."""
    from ..modelling.models import EMBEDDING, LOGITS, layer_name

    f32 = lambda a: np.asarray(a, np.float32)  # noqa: E731
    model.get_layer(EMBEDDING).set_weights([f32(net.embedding)])
    for i, layer in enumerate(net.layers):
        model.get_layer(layer_name(i)).set_weights([f32(layer.kernel), f32(layer.recurrent),
                                                    f32(layer.bias)])
    model.get_layer(LOGITS).set_weights([f32(net.kernel), f32(net.bias)])
