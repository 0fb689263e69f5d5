"""Read a PyTorch state dict saved as ``.safetensors`` (no PyTorch needed).

Expected parameter names, as ``nn.Embedding`` + ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (any number of
layers, ``batch_first`` either way) + ``nn.Linear`` register them, under any module names::

    embedding.weight                      [vocabulary, size]
    rnn.weight_ih_l0, rnn.weight_hh_l0    [gates*hidden, inputs], [gates*hidden, hidden]
    rnn.bias_ih_l0,   rnn.bias_hh_l0      [gates*hidden]   (absent with bias=False)
    rnn.weight_ih_l1, ...                 the next layers
    fc.weight, fc.bias                    [outputs, hidden], [outputs]

The recurrent module is found by its ``weight_ih_l0``; the cell kind by the number of gate
blocks (1 RNN, 3 GRU, 4 LSTM); the embedding and the output layer by their shapes. When the
names cannot tell (e.g. two candidate matrices), a small YAML mapping names them::

    embedding: encoder.embed.weight
    recurrent: encoder.lstm        # the prefix of weight_ih_l0, weight_hh_l0, ...
    output: decoder.proj.weight
    output_bias: decoder.proj.bias # null: the Linear has no bias
    cell: lstm                     # optional: checked against the weights
    ignore: [extra.buffer]         # tensors to leave out

Tensors left over are an error (say ``ignore`` for them), and so are missing ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import ModelImportError
from ..params import hint
from .gates import from_torch
from .network import Network
from .yamlfile import read_yaml

__all__ = ["read_safetensors", "read_mapping", "MAPPING_KEYS"]

MAPPING_KEYS = ("embedding", "recurrent", "output", "output_bias", "cell", "ignore")
_KINDS = {1: "rnn", 3: "gru", 4: "lstm"}


def read_mapping(path: str | Path | None) -> dict:
    """The YAML mapping of custom names (see the module docstring); {} without a file."""
    if path is None:
        return {}
    path = Path(path)
    raw = read_yaml(path, "mapping")
    if not isinstance(raw, dict):
        raise ModelImportError(f"{path}: expected a mapping with keys {', '.join(MAPPING_KEYS)}")
    for key, value in raw.items():
        if key not in MAPPING_KEYS:
            raise ModelImportError(f"{path}: {key}: unknown key; allowed: {', '.join(MAPPING_KEYS)}"
                                   + hint(str(key), MAPPING_KEYS))
        ok = (isinstance(value, list) and all(isinstance(v, str) for v in value)) if key == "ignore" \
            else (isinstance(value, str) or (key == "output_bias" and value is None))
        if not ok:
            raise ModelImportError(f"{path}: {key}: got {value!r}; expected "
                                   + ("a list of tensor names" if key == "ignore" else "a tensor name"))
    if raw.get("cell") not in (None, "rnn", "lstm", "gru"):
        raise ModelImportError(f"{path}: cell: got {raw['cell']!r}; allowed: rnn, lstm, gru")
    return raw


def _load(path: Path) -> dict[str, np.ndarray]:
    import ml_dtypes  # noqa: F401  (gives numpy bfloat16 and float8, so bf16 state dicts load)
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    if not path.exists():
        raise ModelImportError(f"{path}: no such file")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, TypeError) as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        raise ModelImportError(f"{path}: not a readable safetensors file ({first}); the file may "
                               "be corrupt or truncated") from None


def _one(path, what, candidates, mapping_key) -> str:
    if len(candidates) == 1:
        return candidates[0]
    found = ", ".join(candidates) if candidates else "none"
    raise ModelImportError(f"{path}: cannot tell which tensor is the {what} (candidates: {found}); "
                           f"name it as {mapping_key}: in a --mapping file")


def read_safetensors(path: str | Path, mapping: dict | None = None) -> Network:
    """The :class:`Network` in a safetensors state dict; ModelImportError names file and tensor."""
    path = Path(path)
    mapping = mapping or {}
    tensors = _load(path)
    used = set(mapping.get("ignore") or ())
    missing_ignored = sorted(used - set(tensors))
    if missing_ignored:
        raise ModelImportError(f"{path}: ignore: no tensor {missing_ignored[0]!r} in the file")
    reverse = sorted(k for k in tensors if re.search(r"_l\d+_reverse$", k))
    if reverse:
        raise ModelImportError(f"{path}: {reverse[0]}: bidirectional RNNs are not supported yet; "
                               "rnnvis reads one direction")
    projections = sorted(k for k in tensors if re.search(r"weight_hr_l\d+$", k))
    if projections:
        raise ModelImportError(f"{path}: {projections[0]}: LSTM projections (proj_size) are not "
                               "supported")
    if "recurrent" in mapping:
        prefix = mapping["recurrent"].rstrip(".") + "."
    else:
        prefixes = sorted({k[:-len("weight_ih_l0")] for k in tensors if k.endswith("weight_ih_l0")})
        prefix = _one(path, "recurrent module (its weight_ih_l0)", prefixes, "recurrent")
    layers, inputs = [], None
    for n in range(1000):
        names = {p: f"{prefix}{p}_l{n}" for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
        if names["weight_ih"] not in tensors:
            break
        if names["weight_hh"] not in tensors:
            raise ModelImportError(f"{path}: missing {names['weight_hh']} (layer {n} has "
                                   f"{names['weight_ih']})")
        w_ih, w_hh = tensors[names["weight_ih"]], tensors[names["weight_hh"]]
        if w_hh.ndim != 2 or w_ih.ndim != 2 or w_ih.shape[0] % w_hh.shape[1]:
            raise ModelImportError(f"{path}: {names['weight_ih']} {w_ih.shape} and "
                                   f"{names['weight_hh']} {w_hh.shape} are not an RNN layer's")
        kind = _KINDS.get(w_ih.shape[0] // w_hh.shape[1])
        if kind is None or w_hh.shape[0] != w_ih.shape[0]:
            raise ModelImportError(f"{path}: {names['weight_ih']} has shape {w_ih.shape}: "
                                   f"{w_ih.shape[0] / w_hh.shape[1]:g} gate blocks of "
                                   f"{w_hh.shape[1]}; expected 1 (RNN), 3 (GRU) or 4 (LSTM)")
        if mapping.get("cell") and mapping["cell"] != kind:
            raise ModelImportError(f"{path}: the mapping says cell {mapping['cell']!r} but "
                                   f"{names['weight_ih']} has the shape of a {kind} layer")
        has = [names[b] in tensors for b in ("bias_ih", "bias_hh")]
        if any(has) and not all(has):
            lack = names["bias_hh" if has[0] else "bias_ih"]
            raise ModelImportError(f"{path}: missing {lack} (its other bias is there)")
        if inputs is not None and w_ih.shape[1] != inputs:
            raise ModelImportError(f"{path}: {names['weight_ih']} has shape {w_ih.shape}; "
                                   f"expected ({w_ih.shape[0]}, {inputs}) after a layer of {inputs} units")
        used.update(v for v in names.values() if v in tensors)
        layers.append(from_torch(kind, w_ih, w_hh, tensors.get(names["bias_ih"]),
                                 tensors.get(names["bias_hh"]), name=f"{prefix}*_l{n}"))
        inputs = w_hh.shape[1]
    if not layers:
        raise ModelImportError(f"{path}: missing {prefix}weight_ih_l0 (the first recurrent layer)")
    first_in = layers[0].kernel.shape[0]
    rest = {k: v for k, v in tensors.items() if k not in used}
    if "embedding" in mapping:
        emb_name = mapping["embedding"]
    else:
        emb_name = _one(path, f"embedding ([vocabulary, {first_in}], without a bias)",
                        sorted(k for k, v in rest.items() if v.ndim == 2 and v.shape[1] == first_in
                               and k.endswith(".weight") and k[:-6] + "bias" not in rest),
                        "embedding")
    used.add(emb_name)
    if "output" in mapping:
        out_name = mapping["output"]
    else:
        out_name = _one(path, f"output layer ([outputs, {inputs}])",
                        sorted(k for k, v in rest.items() if v.ndim == 2 and v.shape[1] == inputs
                               and k != emb_name and k.endswith("weight")), "output")
    bias_name = mapping.get("output_bias", out_name[:-len("weight")] + "bias"
                            if out_name.endswith("weight") else None)
    for label, name in (("embedding", emb_name), ("output", out_name), ("output_bias", bias_name)):
        if name is not None and name not in tensors and (label != "output_bias" or "output_bias" in mapping):
            raise ModelImportError(f"{path}: missing {name} ({label})" + hint(name, tensors))
    used.update(n for n in (out_name, bias_name) if n in tensors)
    extra = sorted(set(tensors) - used)
    if extra:
        raise ModelImportError(f"{path}: unexpected tensors {', '.join(extra[:5])}"
                               f"{' ...' if len(extra) > 5 else ''}; rnnvis reads an embedding, "
                               "a recurrent stack and one output layer (list others under "
                               "ignore: in a --mapping file)")
    out_w = tensors[out_name]
    bias = tensors[bias_name] if bias_name in tensors else np.zeros(out_w.shape[0])
    return Network(np.asarray(tensors[emb_name], np.float64), tuple(layers),
                   np.asarray(out_w, np.float64).T, np.asarray(bias, np.float64), str(path),
                   None).check()
