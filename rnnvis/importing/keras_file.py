"""Read a Keras ``.keras`` file: Embedding -> SimpleRNN/LSTM/GRU layers -> Dense.

Sequential and functional models both work: the layers are read in the model's order, and
layers that do nothing at inference (InputLayer, Dropout, Masking) are skipped. Anything else
(attention, Conv1D, a second Dense, a bidirectional wrapper) is an error naming the layer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ModelImportError
from .network import Network, RecurrentWeights

__all__ = ["read_keras"]

_RECURRENT = {"SimpleRNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
_SKIP = {"InputLayer", "Dropout", "SpatialDropout1D", "GaussianDropout", "GaussianNoise",
         "AlphaDropout", "Masking"}
_EXPECTED = "rnnvis imports Embedding -> SimpleRNN, LSTM or GRU layers -> Dense"


def _load(path: Path):
    import zipfile

    from ..console import import_tensorflow

    import_tensorflow()   # quietly, and as Keras's backend
    import keras

    if not path.exists():
        raise ModelImportError(f"{path}: no such file")
    if path.suffix != ".keras":
        raise ModelImportError(f"{path}: expected a .keras file (Keras 3's model.save format)")
    if not zipfile.is_zipfile(path):
        raise ModelImportError(f"{path}: not a .keras file (it is not a zip archive); the file "
                               "may be corrupt or truncated")
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # a corrupt archive or an unknown custom layer; keep it one line
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        raise ModelImportError(f"{path}: cannot load the Keras model ({exc.__class__.__name__}: "
                               f"{first})") from None


def _recurrent(path: Path, layer, kind: str) -> RecurrentWeights:
    conf = layer.get_config()
    where = f"{path}: layer {layer.name!r} ({type(layer).__name__})"
    if conf.get("go_backwards"):
        raise ModelImportError(f"{where}: go_backwards=True (a reversed RNN) is not supported")
    if conf.get("activation") != "tanh":
        raise ModelImportError(f"{where}: activation {conf.get('activation')!r} is not supported; "
                               "expected 'tanh'")
    if kind != "rnn" and conf.get("recurrent_activation") != "sigmoid":
        raise ModelImportError(f"{where}: recurrent_activation {conf.get('recurrent_activation')!r} "
                               "is not supported; expected 'sigmoid'")
    cell = layer.cell
    g = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    reset_after = bool(conf.get("reset_after", True)) if kind == "gru" else True
    if cell.use_bias:
        bias = np.asarray(cell.bias.numpy(), np.float64)
    else:
        bias = np.zeros((2, g * cell.units) if kind == "gru" and reset_after else (g * cell.units,))
    return RecurrentWeights(kind, np.asarray(cell.kernel.numpy(), np.float64),
                            np.asarray(cell.recurrent_kernel.numpy(), np.float64), bias,
                            f"layer {layer.name!r}", reset_after)


def read_keras(path: str | Path) -> Network:
    """The :class:`Network` in a ``.keras`` file; ModelImportError names the file and layer."""
    path = Path(path)
    model = _load(path)
    embedding, layers, dense, last_seq = None, [], None, None
    for layer in model.layers:
        cls = type(layer).__name__
        where = f"{path}: layer {layer.name!r} ({cls})"
        if cls in _SKIP:
            continue
        if cls == "Bidirectional":
            raise ModelImportError(f"{where}: bidirectional RNNs are not supported yet; rnnvis "
                                   "reads one direction (export a unidirectional model)")
        if dense is not None and not (cls == "Activation" and layer.get_config()["activation"]
                                      in ("softmax", "linear")):
            raise ModelImportError(f"{where}: a layer after the output Dense is not supported; "
                                   f"{_EXPECTED}")
        if cls == "Embedding":
            if embedding is not None or layers:
                raise ModelImportError(f"{where}: a second Embedding; {_EXPECTED}")
            embedding = np.asarray(layer.embeddings.numpy(), np.float64)
        elif cls in _RECURRENT:
            if embedding is None:
                raise ModelImportError(f"{where}: no Embedding before the first recurrent layer; "
                                       f"{_EXPECTED}")
            if layers and not last_seq:
                raise ModelImportError(f"{path}: {layers[-1].name} returns only its "
                                       "last step (return_sequences=False) but another recurrent "
                                       "layer follows; stacked layers need return_sequences=True")
            layers.append(_recurrent(path, layer, _RECURRENT[cls]))
            last_seq = bool(layer.get_config().get("return_sequences"))
        elif cls in ("Dense", "TimeDistributed"):
            inner = layer.layer if cls == "TimeDistributed" else layer
            if type(inner).__name__ != "Dense" or not layers:
                raise ModelImportError(f"{where}: not supported here; {_EXPECTED}")
            if inner.get_config()["activation"] not in ("softmax", "linear"):
                raise ModelImportError(f"{where}: activation {inner.get_config()['activation']!r} "
                                       "is not supported; expected softmax or linear (logits)")
            bias = inner.bias.numpy() if inner.use_bias else np.zeros(inner.units)
            dense = (np.asarray(inner.kernel.numpy(), np.float64), np.asarray(bias, np.float64))
        elif cls == "Activation" and layers:
            raise ModelImportError(f"{where}: an activation between layers is not supported; "
                                   f"{_EXPECTED}")
        else:
            raise ModelImportError(f"{where}: unsupported layer; {_EXPECTED}")
    if embedding is None:
        raise ModelImportError(f"{path}: no Embedding layer; {_EXPECTED}")
    if dense is None:
        raise ModelImportError(f"{path}: no output Dense layer after the recurrent layers; "
                               f"{_EXPECTED}")
    return Network(embedding, tuple(layers), dense[0], dense[1], str(path), last_seq).check()
