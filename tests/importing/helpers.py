"""Shared helpers of the import tests: fixture paths, importing, recording, comparing."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
VOCAB = FIXTURES / "vocab.txt"
SOURCE_WORDS = VOCAB.read_text().split("\n")[:-1]
COMBOS = [(cell, layers, task) for cell in ("rnn", "lstm", "gru") for layers in (1, 2)
          for task in ("lm", "cls")]
ATOL = 1e-5


def fixture(cell: str, layers: int, task: str, ext: str) -> Path:
    """One of the committed PyTorch fixtures (scripts/make_import_fixtures.py)."""
    return FIXTURES / f"{cell}{layers}-{task}.{ext}"


def imported(kind: str, path, name: str = "m", vocab=VOCAB, **kw):
    """Import ``path`` and load the model (a TrainedModel)."""
    from rnnvis.importing import import_model
    from rnnvis.modelling.manager import load_trained

    import_model(kind, str(path), name, vocab=str(vocab), log=lambda *a: None, **kw)
    return load_trained(name)


def to_ids(tm, source_ids, words=SOURCE_WORDS) -> np.ndarray:
    """Source token ids -> the imported model's ids (through the words)."""
    renamed = {"<pad>": "<pad>", "<unk>": "<unk>"}
    return np.array([tm.vocab.id(renamed.get(words[i], words[i])) for i in source_ids], np.int32)


def record_lm(tm, ids):
    """Every layer's states over one stream, from the zero state."""
    from rnnvis.recording.recorder import get_recorder

    return get_recorder(tm.model, tm.config).record(ids, batch_streams=1, progress=False)


def record_docs(tm, docs):
    """Every layer's states over documents (each from the zero state) and class probabilities."""
    from rnnvis.recording.recorder import get_recorder

    return get_recorder(tm.model, tm.config).record(docs, batch_streams=2, progress=False)


def assert_close(actual, expected, what: str, atol: float = ATOL) -> None:
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    err = float(np.max(np.abs(actual - expected))) if actual.size else 0.0
    assert err <= atol, f"{what}: max abs error {err:.3g} > {atol}"


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def onnx_lm(kind: str, vocab: int, embed: int, units: list[int], seed: int = 0,
            linear_before_reset: int = 1, scale: float = 0.5):
    """An ONNX language model built with onnx.helper: Gather -> ONNX RNN/LSTM/GRU nodes ->
    MatMul + Add, random weights; input ``tokens`` int64 [batch, steps], output ``logits``."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[kind]
    init = [numpy_helper.from_array(rng.uniform(-scale, scale, (vocab, embed)).astype(np.float32), "emb"),
            numpy_helper.from_array(np.array([1], np.int64), "axis1")]
    nodes = [helper.make_node("Gather", ["emb", "tokens"], ["x_btf"], name="embedding"),
             helper.make_node("Transpose", ["x_btf"], ["x0"], perm=[1, 0, 2], name="to_time_major")]
    inputs = embed
    for l, u in enumerate(units):
        for name, shape in ((f"W{l}", (1, gates * u, inputs)), (f"R{l}", (1, gates * u, u)),
                            (f"B{l}", (1, 2 * gates * u))):
            init.append(numpy_helper.from_array(rng.uniform(-scale, scale, shape).astype(np.float32), name))
        extra = {"linear_before_reset": linear_before_reset} if kind == "GRU" else {}
        nodes.append(helper.make_node(kind, [f"x{l}", f"W{l}", f"R{l}", f"B{l}"], [f"y{l}"],
                                      hidden_size=u, name=f"rnn{l}", **extra))
        nodes.append(helper.make_node("Squeeze", [f"y{l}", "axis1"], [f"x{l + 1}"], name=f"squeeze{l}"))
        inputs = u
    n = len(units)
    init += [numpy_helper.from_array(rng.uniform(-scale, scale, (inputs, vocab)).astype(np.float32), "fc_w"),
             numpy_helper.from_array(rng.uniform(-scale, scale, vocab).astype(np.float32), "fc_b")]
    nodes += [helper.make_node("Transpose", [f"x{n}"], ["h_btf"], perm=[1, 0, 2], name="to_batch_major"),
              helper.make_node("MatMul", ["h_btf", "fc_w"], ["z"], name="fc"),
              helper.make_node("Add", ["z", "fc_b"], ["logits"], name="fc_bias")]
    graph = helper.make_graph(
        nodes, "lm", [helper.make_tensor_value_info("tokens", TensorProto.INT64, ["batch", "steps"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "steps", vocab])], init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def keras_lm(path, vocab: int = len(SOURCE_WORDS), units=(8,), cell: str = "lstm", seed: int = 0,
             bidirectional: bool = False):
    """A small Keras language model (Embedding -> stacked cells -> Dense over the vocabulary),
    saved as ``path``; a Bidirectional first layer if asked (which rnnvis refuses)."""
    import keras

    keras.utils.set_random_seed(seed)
    cls = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
    layers = [cls(u, return_sequences=True) for u in units]
    if bidirectional:
        layers[0] = keras.layers.Bidirectional(layers[0], name="bi")
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(vocab, 6),
                              *layers, keras.layers.Dense(vocab)])
    model.save(path)
    return path


def corpus_text(path, lines: int = 200, seed: int = 0):
    """A text corpus of the fixture vocabulary's words (a language model's --data)."""
    words = [w for w in SOURCE_WORDS if not w.startswith("<")]
    rng = np.random.default_rng(seed)
    path.write_text("\n".join(" ".join(rng.choice(words, rng.integers(3, 9))) for _ in range(lines)) + "\n")
    return path


def multipart(data: bytes, name: str) -> dict:
    """A test client's keywords to upload ``data`` as the file ``name`` (``POST /api/imports``),
    the body encoded in memory: the test client would spool a large one to a temporary file,
    left open when the server refuses the upload unread."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
