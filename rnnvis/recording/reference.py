"""A plain-numpy forward pass from saved weights: the recorder's test oracle, and the math.

Everything runs step by step in float64 from ``layer.get_weights()``; the result is
cast to float32. Row vectors: ``x`` is the layer input, ``h``/``c`` the previous state,
``W`` the input kernel, ``U`` the recurrent kernel, ``b`` the bias, ``σ`` the sigmoid.

SimpleRNN::

    h = tanh(x W + h U + b)

LSTM (kernel columns in Keras order i, f, c, o; ``g`` is the candidate)::

    i = σ(x W_i + h U_i + b_i)      f = σ(x W_f + h U_f + b_f)
    g = tanh(x W_c + h U_c + b_c)   o = σ(x W_o + h U_o + b_o)
    c = f * c + i * g               h = o * tanh(c)

GRU, Keras ``reset_after=True`` (kernel columns z, r, h; bias has two rows: ``b`` for
the input side, ``β`` for the recurrent side)::

    z  = σ(x W_z + b_z + h U_z + β_z)
    r  = σ(x W_r + b_r + h U_r + β_r)
    hh = tanh(x W_h + b_h + r * (h U_h + β_h))
    h  = z * h + (1 - z) * hh

GRU, Keras ``reset_after=False`` (one bias row; the reset gate scales ``h`` first)::

    z  = σ(x W_z + h U_z + b_z)     r = σ(x W_r + h U_r + b_r)
    hh = tanh(x W_h + (r * h) U_h + b_h)
    h  = z * h + (1 - z) * hh
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import RecordingError

__all__ = ["weights_of", "run_sequence", "language_model", "classifier"]

_KINDS = {"SimpleRNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
_KEYS = {"rnn": ("h", "h_prev"), "lstm": ("h", "c", "i", "f", "o", "g", "h_prev", "c_prev"),
         "gru": ("h", "z", "r", "hh", "h_prev")}


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def weights_of(model) -> dict:
    """Embedding, recurrent and output weights of an rnnvis model as float64 numpy arrays."""
    layers, i = [], 0
    while any(l.name == f"rnn_{i}" for l in model.layers):
        layer = model.get_layer(f"rnn_{i}")
        conf = layer.get_config()
        kind = _KINDS[type(layer).__name__]
        if conf["activation"] != "tanh" or (kind != "rnn" and conf["recurrent_activation"] != "sigmoid"):
            raise RecordingError(f"{layer.name}: the reference implements tanh/sigmoid activations only")
        kernel, recurrent, bias = (np.asarray(w, np.float64) for w in layer.get_weights())
        layers.append({"kind": kind, "W": kernel, "U": recurrent, "b": bias})
        i += 1
    dense_w, dense_b = model.get_layer("logits").get_weights()
    (embedding,) = model.get_layer("embedding").get_weights()
    return {"embedding": np.asarray(embedding, np.float64), "layers": layers,
            "dense_W": np.asarray(dense_w, np.float64), "dense_b": np.asarray(dense_b, np.float64)}


def _step(kind, p, x, h, c):
    """One time step of one layer; returns the new (h, c) and the gates."""
    W, U, b = p["W"], p["U"], p["b"]
    if kind == "rnn":
        h = np.tanh(x @ W + h @ U + b)
        return h, c, {}
    n = h.shape[0]
    if kind == "lstm":
        a = x @ W + h @ U + b
        i = _sigmoid(a[:n])
        f = _sigmoid(a[n:2 * n])
        g = np.tanh(a[2 * n:3 * n])
        o = _sigmoid(a[3 * n:])
        c = f * c + i * g
        h = o * np.tanh(c)
        return h, c, {"i": i, "f": f, "o": o, "g": g}
    if b.ndim == 1:  # reset_after=False
        a = x @ W + b
        z = _sigmoid(a[:n] + h @ U[:, :n])
        r = _sigmoid(a[n:2 * n] + h @ U[:, n:2 * n])
        hh = np.tanh(a[2 * n:] + (r * h) @ U[:, 2 * n:])
        h = z * h + (1.0 - z) * hh
        return h, c, {"z": z, "r": r, "hh": hh}
    xs = x @ W + b[0]
    hs = h @ U + b[1]
    z = _sigmoid(xs[:n] + hs[:n])
    r = _sigmoid(xs[n:2 * n] + hs[n:2 * n])
    hh = np.tanh(xs[2 * n:] + r * hs[2 * n:])
    h = z * h + (1.0 - z) * hh
    return h, c, {"z": z, "r": r, "hh": hh}


def run_sequence(weights: dict, tokens) -> list[dict[str, np.ndarray]]:
    """All layers over ``tokens`` from the zero state: per layer, key -> float32 (T, units).

    Keys: h, h_prev, plus c, c_prev, i, f, o, g (LSTM) or z, r, hh (GRU).
    """
    inputs = weights["embedding"][np.asarray(tokens, np.int64)]
    out = []
    for p in weights["layers"]:
        kind, units = p["kind"], p["U"].shape[0]
        h, c = np.zeros(units), np.zeros(units)
        rows: dict[str, list] = {k: [] for k in _KEYS[kind]}
        for x in inputs:
            rows["h_prev"].append(h)
            if kind == "lstm":
                rows["c_prev"].append(c)
            h, c, gates = _step(kind, p, x, h, c)
            rows["h"].append(h)
            if kind == "lstm":
                rows["c"].append(c)
            for k, v in gates.items():
                rows[k].append(v)
        layer = {k: np.array(v, np.float64).reshape(len(inputs), units) for k, v in rows.items()}
        out.append(layer)
        inputs = layer["h"]
    return [{k: v.astype(np.float32) for k, v in layer.items()} for layer in out]


def _softmax(logits):
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def language_model(model, tokens, segments: int = 1) -> dict:
    """Reference LM recording: ``tokens`` cut into ``segments`` pieces of ``ceil(N/segments)``
    tokens, each run from zero state; ``next_prob``/``next_loss`` of token n+1 (NaN at the end).
    """
    w = weights_of(model)
    tokens = np.asarray(tokens, np.int64)
    seg = math.ceil(len(tokens) / min(segments, len(tokens)))
    parts = [run_sequence(w, tokens[s:s + seg]) for s in range(0, len(tokens), seg)]
    layers = [{k: np.concatenate([p[l][k] for p in parts]) for k in parts[0][l]}
              for l in range(len(parts[0]))]
    top = layers[-1]["h"].astype(np.float64)
    probs = _softmax(top @ w["dense_W"] + w["dense_b"])
    next_prob = np.full(len(tokens), np.nan)
    next_prob[:-1] = probs[np.arange(len(tokens) - 1), tokens[1:]]
    return {"layers": layers, "next_prob": next_prob.astype(np.float32),
            "next_loss": (-np.log(next_prob)).astype(np.float32)}


def classifier(model, documents) -> dict:
    """Reference classifier recording: each document (padding id 0 removed) from zero state.

    Returns per-token ``layers`` (documents concatenated), ``doc_offsets`` and ``class_probs``.
    """
    w = weights_of(model)
    docs = [np.asarray(d, np.int64) for d in documents]
    docs = [d[d != 0] for d in docs]
    parts, probs = [], []
    for d in docs:
        layers = run_sequence(w, d)
        last = layers[-1]["h"][-1].astype(np.float64) if len(d) else np.zeros(w["dense_W"].shape[0])
        probs.append(_softmax(last @ w["dense_W"] + w["dense_b"]))
        parts.append(layers)
    keys = parts[0][0].keys()
    layers = [{k: np.concatenate([p[l][k] for p in parts]) for k in keys} for l in range(len(parts[0]))]
    return {"layers": layers, "doc_offsets": np.cumsum([0] + [len(d) for d in docs]),
            "class_probs": np.array(probs, np.float32)}
