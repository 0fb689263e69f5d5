"""Build Keras 3 RNN/LSTM/GRU models from a validated config."""

from __future__ import annotations

from ..console import import_tensorflow

import_tensorflow()   # quietly, and as Keras's backend

import keras  # noqa: E402
import numpy as np  # noqa: E402

from .cells import state_names  # noqa: E402
from .config import ArchConfig, ModelConfig  # noqa: E402

__all__ = ["build_model", "recurrent_layers", "zero_states", "CELL_CLASSES",
           "EMBEDDING", "LOGITS"]

CELL_CLASSES = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
EMBEDDING = "embedding"
LOGITS = "logits"


def layer_name(i: int) -> str:
    """Name of recurrent layer ``i`` (from 0) in every model we build."""
    return f"rnn_{i}"


def _recurrent(arch: ArchConfig, i: int, units: int, init, return_sequences: bool):
    cls = CELL_CLASSES[arch.cell]
    import os as _os
    mode = _os.environ.get("EXP_INIT", "")
    kinit = "glorot_uniform" if "k" in mode else init
    rinit = "orthogonal" if "r" in mode else init
    kwargs = dict(units=units, return_sequences=return_sequences, name=layer_name(i),
                  kernel_initializer=kinit, recurrent_initializer=rinit,
                  recurrent_dropout=arch.dropout.recurrent)
    if arch.cell == "lstm":
        kwargs["unit_forget_bias"] = False
    if arch.cell == "gru":
        kwargs["reset_after"] = arch.reset_after
    return cls(**kwargs)


def build_model(cfg: ModelConfig, vocab_size: int, num_classes: int | None = None,
                seed: int | None = None) -> keras.Model:
    """A Keras model for ``cfg``.

    Language model: inputs ``[tokens (B, T), *initial states]``, outputs
    ``[logits (B, T, V), *final states]``, so state can be carried across batches.
    Classifier: input ``tokens (B, T)`` right-padded with 0 (masked), output class
    probabilities ``(B, C)`` read at each document's last real step.
    """
    arch = cfg.model
    keras.utils.set_random_seed(cfg.train.seed if seed is None else seed)
    init = keras.initializers.RandomUniform(-arch.init_scale, arch.init_scale)
    lm = cfg.task == "language_model"
    tokens = keras.Input(shape=(None,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocab_size, arch.embedding_size, embeddings_initializer=init,
                               mask_zero=not lm, name=EMBEDDING)(tokens)
    if arch.dropout.input:
        x = keras.layers.Dropout(arch.dropout.input, name="dropout_input")(x)
    inputs, finals = [tokens], []
    n = len(arch.layers)
    for i, units in enumerate(arch.layers):
        layer = _recurrent(arch, i, units, init, return_sequences=lm or i < n - 1)
        if lm:
            layer.return_state = True
            init_states = [keras.Input(shape=(units,), name=f"{layer_name(i)}_{s}0")
                           for s in state_names(arch.cell)]
            inputs += init_states
            out = layer(x, initial_state=init_states)
            x, states = out[0], list(out[1:])
            finals += states
        else:
            x = layer(x)
        if arch.dropout.output:
            x = keras.layers.Dropout(arch.dropout.output, name=f"dropout_{i}")(x)
    if lm:
        logits = keras.layers.Dense(vocab_size, kernel_initializer=init, name=LOGITS)(x)
        model = keras.Model(inputs, [logits] + finals, name=cfg.name)
    else:
        probs = keras.layers.Dense(num_classes, activation="softmax", kernel_initializer=init,
                                   name=LOGITS)(x)
        model = keras.Model(tokens, probs, name=cfg.name)
    if arch.cell == "lstm":
        _set_forget_bias(model, arch)
    return model


def _set_forget_bias(model: keras.Model, arch: ArchConfig) -> None:
    for i, units in enumerate(arch.layers):
        cell = model.get_layer(layer_name(i)).cell
        bias = np.zeros((4 * units,), dtype="float32")
        bias[units:2 * units] = arch.forget_bias  # Keras gate order: i, f, c, o
        cell.bias.assign(bias)


def recurrent_layers(model: keras.Model) -> list:
    """The model's recurrent layers, bottom first."""
    out, i = [], 0
    while True:
        try:
            out.append(model.get_layer(layer_name(i)))
        except ValueError:
            return out
        i += 1


def zero_states(cfg: ModelConfig, batch_size: int) -> list[np.ndarray]:
    """Zero initial states for a language model, in the model's input order."""
    return [np.zeros((batch_size, units), dtype="float32")
            for units in cfg.model.layers for _ in state_names(cfg.model.cell)]
