"""Read an ONNX graph with ONNX ``RNN``, ``LSTM`` or ``GRU`` ops, as ``torch.onnx`` exports
``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``: a Gather from the embedding, the recurrent nodes, then a
MatMul (+ Add) or Gemm output layer.

Weights must be constants (initializers or Constant nodes). Ops that only move data around
(Transpose, Squeeze, Slice, shape arithmetic for the zero initial state) are allowed; any other
op, a bidirectional or reversed node, peepholes, clipping or non-default activations are
errors naming the node.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ModelImportError
from .gates import from_onnx
from .network import Network

__all__ = ["read_onnx"]

_RECURRENT = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
_ALLOWED = set(_RECURRENT) | {
    "Gather", "MatMul", "Gemm", "Add", "Softmax", "LogSoftmax", "Squeeze", "Unsqueeze",
    "Transpose", "Reshape", "Identity", "Shape", "Constant", "ConstantOfShape", "Slice", "Concat",
    "Cast", "Expand", "Dropout", "Flatten", "Range", "Size"}
_DEFAULT_ACTIVATIONS = {"rnn": ["Tanh"], "lstm": ["Sigmoid", "Tanh", "Tanh"],
                        "gru": ["Sigmoid", "Tanh"]}


def _load(path: Path):
    import onnx
    from google.protobuf.message import DecodeError

    if not path.exists():
        raise ModelImportError(f"{path}: no such file")
    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except (DecodeError, onnx.checker.ValidationError, OSError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        raise ModelImportError(f"{path}: not a valid ONNX model ({exc.__class__.__name__}: "
                               f"{first}); the file may be corrupt or truncated") from None
    return model


def _constants(graph) -> dict[str, np.ndarray]:
    from onnx import numpy_helper

    out = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    out[node.output[0]] = numpy_helper.to_array(a.t)
    return out


def _attrs(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _recurrent(path, node, consts):
    kind = _RECURRENT[node.op_type]
    where = f"{path}: node {node.name or node.output[0]!r} ({node.op_type})"
    a = _attrs(node)
    direction = a.get("direction", b"forward")
    direction = direction.decode() if isinstance(direction, bytes) else direction
    if direction == "bidirectional":
        raise ModelImportError(f"{where}: bidirectional RNNs are not supported yet; rnnvis reads "
                               "one direction (export a unidirectional model)")
    if direction != "forward":
        raise ModelImportError(f"{where}: direction {direction!r} is not supported; expected 'forward'")
    acts = [x.decode() if isinstance(x, bytes) else x for x in a.get("activations", [])]
    if acts and acts != _DEFAULT_ACTIVATIONS[kind]:
        raise ModelImportError(f"{where}: activations {acts} are not supported; expected "
                               f"{_DEFAULT_ACTIVATIONS[kind]}")
    if "clip" in a:
        raise ModelImportError(f"{where}: cell clipping (clip={a['clip']}) is not supported")
    if a.get("input_forget", 0):
        raise ModelImportError(f"{where}: input_forget=1 (coupled gates) is not supported")
    inputs = list(node.input) + [""] * 8
    if kind == "lstm" and inputs[7]:
        raise ModelImportError(f"{where}: peephole weights (input P) are not supported")
    weights = []
    for i, label in ((1, "W"), (2, "R"), (3, "B")):
        name = inputs[i]
        if not name:
            weights.append(None)
            continue
        if name not in consts:
            raise ModelImportError(f"{where}: its weights {label} ({name!r}) are not constants; "
                                   "export with constant folding (do_constant_folding=True)")
        weights.append(consts[name])
    W, R, B = weights
    if W.ndim != 3 or W.shape[0] != 1 or R.ndim != 3 or R.shape[0] != 1:
        raise ModelImportError(f"{where}: W {W.shape} and R {R.shape}; expected one direction, "
                               "[1, gates*hidden, inputs] and [1, gates*hidden, hidden]")
    g = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    hidden = int(a.get("hidden_size", R.shape[2]))
    if W.shape[1] != g * hidden or R.shape[1:] != (g * hidden, hidden):
        raise ModelImportError(f"{where}: W {W.shape} and R {R.shape} do not fit hidden_size "
                               f"{hidden}; expected [1, {g * hidden}, inputs] and "
                               f"[1, {g * hidden}, {hidden}]")
    if B is not None and B.shape != (1, 2 * g * hidden):
        raise ModelImportError(f"{where}: B has shape {B.shape}; expected (1, {2 * g * hidden})")
    return from_onnx(kind, W[0], R[0], None if B is None else B[0],
                     a.get("linear_before_reset", 0), name=f"node {node.name or node.output[0]!r}")


def _head(path, nodes, consts):
    """The output layer: (kernel [H, C], bias [C]) from a Gemm, or a MatMul and its Add."""
    heads = [n for n in nodes if n.op_type in ("MatMul", "Gemm")
             and len(n.input) > 1 and n.input[1] in consts and consts[n.input[1]].ndim == 2]
    if not heads:
        raise ModelImportError(f"{path}: no output layer; expected a MatMul or Gemm with a "
                               "constant weight matrix after the recurrent nodes")
    if len(heads) > 1:
        names = ", ".join(repr(n.name or n.output[0]) for n in heads)
        raise ModelImportError(f"{path}: {len(heads)} MatMul/Gemm layers ({names}); rnnvis "
                               "imports one output layer")
    node = heads[0]
    w = consts[node.input[1]].astype(np.float64)
    if node.op_type == "Gemm":
        a = _attrs(node)
        if a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0 or a.get("transA", 0):
            raise ModelImportError(f"{path}: node {node.name!r} (Gemm): alpha, beta or transA "
                                   "other than the defaults are not supported")
        kernel = w.T if a.get("transB", 0) else w
        bias = consts.get(node.input[2]) if len(node.input) > 2 and node.input[2] else None
    else:
        kernel, bias = w, None
        for n in nodes:
            if n.op_type == "Add" and node.output[0] in n.input:
                other = [x for x in n.input if x != node.output[0]]
                if other and other[0] in consts:
                    bias = consts[other[0]]
    bias = np.zeros(kernel.shape[1]) if bias is None else np.asarray(bias, np.float64).reshape(-1)
    return kernel, bias


def read_onnx(path: str | Path) -> Network:
    """The :class:`Network` in an ONNX file; ModelImportError names the file and node."""
    path = Path(path)
    graph = _load(path).graph
    nodes = list(graph.node)
    for node in nodes:
        if node.op_type not in _ALLOWED:
            raise ModelImportError(f"{path}: node {node.name or node.output[0]!r} "
                                   f"({node.op_type}) is not supported; rnnvis imports a Gather "
                                   "embedding -> RNN, LSTM or GRU nodes -> MatMul/Gemm")
    consts = _constants(graph)
    tables = [n for n in nodes if n.op_type == "Gather" and n.input[0] in consts
              and consts[n.input[0]].ndim == 2]
    if len(tables) != 1:
        raise ModelImportError(f"{path}: expected one embedding (a Gather from a [vocabulary, "
                               f"size] constant), found {len(tables)}")
    layers = tuple(_recurrent(path, n, consts) for n in nodes if n.op_type in _RECURRENT)
    kernel, bias = _head(path, nodes, consts)
    embedding = consts[tables[0].input[0]].astype(np.float64)
    return Network(embedding, layers, kernel, bias, str(path), None).check()
