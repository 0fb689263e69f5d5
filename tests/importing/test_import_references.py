"""Every import path, cell kind, depth and task: the states rnnvis records equal the source
framework's own forward pass (PyTorch outputs, onnxruntime, Keras predict) within 1e-5."""

import numpy as np
import pytest

from tests.importing.helpers import (COMBOS, FIXTURES, assert_close, fixture, imported,
                                     record_docs, record_lm, softmax, to_ids)


def _check_against_torch_outputs(tm, cell, layers, task):
    """Compare with PyTorch's own outputs saved by the fixture generator."""
    exp = np.load(fixture(cell, layers, task, "npz"))
    if task == "lm":
        ids = to_ids(tm, exp["tokens"])
        rec = record_lm(tm, ids)
        for l in range(layers):
            assert_close(rec.layers[l]["h"], exp[f"h{l}"], f"layer {l} h")
            if cell == "lstm":
                assert_close(rec.layers[l]["c"], exp[f"c{l}"], f"layer {l} c")
        probs = softmax(exp["logits"].astype(np.float64))
        want = probs[np.arange(len(ids) - 1), exp["tokens"][1:]]
        assert_close(rec.next_prob[:-1], want, "next-token probability")
        return
    docs = [exp[f"doc{d}"] for d in range(len(exp["probs"]))]
    rec = record_docs(tm, [to_ids(tm, d) for d in docs])
    for d in range(len(docs)):
        a, b = rec.doc_offsets[d], rec.doc_offsets[d + 1]
        for l in range(layers):
            assert_close(rec.layers[l]["h"][a:b], exp[f"doc{d}_h{l}"], f"document {d} layer {l} h")
            if cell == "lstm":
                assert_close(rec.layers[l]["c"][a:b], exp[f"doc{d}_c{l}"], f"document {d} layer {l} c")
    assert_close(rec.class_probs, exp["probs"], "class probabilities")


@pytest.mark.parametrize("cell,layers,task", COMBOS)
def test_safetensors_matches_pytorch(cell, layers, task):
    tm = imported("safetensors", fixture(cell, layers, task, "safetensors"))
    assert (tm.config.model.cell, len(tm.config.model.layers)) == (cell, layers)
    assert tm.config.task == ("language_model" if task == "lm" else "classification")
    _check_against_torch_outputs(tm, cell, layers, task)


def _ort_outputs(path, tokens):
    """onnxruntime on the graph, with every recurrent node's Y (and LSTM Y_c) as outputs too."""
    import onnx
    import onnxruntime

    model = onnx.load(str(path))
    extra = []
    for node in model.graph.node:
        if node.op_type in ("RNN", "LSTM", "GRU"):
            extra.append(node.output[0])
    for name in extra:
        model.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
    sess = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    out = sess.run(None, {sess.get_inputs()[0].name: np.asarray([tokens], np.int64)})
    return out[0], [y[:, 0, 0, :] for y in out[1:]]    # Y: [steps, directions, batch, hidden]


@pytest.mark.parametrize("cell,layers,task", COMBOS)
def test_onnx_matches_onnxruntime(cell, layers, task):
    path = fixture(cell, layers, task, "onnx")
    tm = imported("onnx", path)
    exp = np.load(fixture(cell, layers, task, "npz"))
    if task == "lm":
        tokens = exp["tokens"]
        logits, ys = _ort_outputs(path, tokens)
        rec = record_lm(tm, to_ids(tm, tokens))
        assert len(ys) == layers
        for l, y in enumerate(ys):
            assert_close(rec.layers[l]["h"], y, f"layer {l} h")
        probs = softmax(logits[0].astype(np.float64))
        assert_close(rec.next_prob[:-1], probs[np.arange(len(tokens) - 1), tokens[1:]],
                     "next-token probability")
        return
    docs = [exp[f"doc{d}"] for d in range(len(exp["probs"]))]
    rec = record_docs(tm, [to_ids(tm, d) for d in docs])
    for d, doc in enumerate(docs):
        logits, ys = _ort_outputs(path, doc)
        a, b = rec.doc_offsets[d], rec.doc_offsets[d + 1]
        for l, y in enumerate(ys):
            assert_close(rec.layers[l]["h"][a:b], y, f"document {d} layer {l} h")
        assert_close(rec.class_probs[d], softmax(logits[0].astype(np.float64)), f"document {d} probs")


def test_the_committed_fixtures_are_small():
    total = sum(p.stat().st_size for p in FIXTURES.iterdir())
    assert 50_000 < total < 400_000, total


# ---------------------------------------------------------------- Keras

V, E, C = 16, 5, 3
KERAS_CASES = [(cell, layers, task) for cell in ("rnn", "lstm", "gru", "gru-v1")
               for layers in (1, 2) for task in ("lm", "cls")
               if cell != "gru-v1" or (layers, task) in ((1, "lm"), (2, "cls"))]


def _keras_source(cell, layers, task, functional):
    """A Keras model as a user would build it (Sequential or functional), random weights."""
    import keras

    keras.utils.set_random_seed(7 + layers)
    cls = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU,
           "gru-v1": keras.layers.GRU}[cell]
    extra = {"reset_after": False} if cell == "gru-v1" else {}
    init = keras.initializers.RandomUniform(-0.8, 0.8)
    stack = [keras.layers.Embedding(V, E, embeddings_initializer=init, name="emb")]
    for i in range(layers):
        seq = task == "lm" or i < layers - 1
        stack.append(cls(4 + i, return_sequences=seq, kernel_initializer=init,
                         recurrent_initializer=init, bias_initializer=init, name=f"r{i}", **extra))
        if i == 0:
            stack.append(keras.layers.Dropout(0.5))
    stack.append(keras.layers.Dense(V if task == "lm" else C, kernel_initializer=init,
                                    bias_initializer=init,
                                    activation=None if task == "lm" else "softmax", name="out"))
    if functional:
        x = inp = keras.Input((None,), dtype="int32")
        for layer in stack:
            x = layer(x)
        return keras.Model(inp, x)
    model = keras.Sequential([keras.Input((None,), dtype="int32")] + stack)
    return model


@pytest.mark.parametrize("cell,layers,task", KERAS_CASES)
def test_keras_matches_predict(cell, layers, task, tmp_path):
    import keras

    source = _keras_source(cell, layers, task, functional=layers == 2)
    path = tmp_path / "model.keras"
    source.save(path)
    words = [f"w{i}" for i in range(V)]
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["<pad>", "<unk>"] + words[2:]) + "\n")
    tm = imported("keras", path, vocab=vocab)
    assert tm.config.model.reset_after == (cell != "gru-v1")
    recurrent = [l for l in source.layers if l.name.startswith("r")]
    probe = keras.Model(source.inputs, [l.output for l in recurrent] + [source.outputs[0]])
    rng = np.random.default_rng(layers)
    if task == "lm":
        tokens = rng.integers(1, V, 20)
        outs = probe.predict(tokens[None], verbose=0)
        rec = record_lm(tm, tokens.astype(np.int32))
        for l in range(layers):
            assert_close(rec.layers[l]["h"], outs[l][0], f"layer {l} h")
        probs = softmax(outs[-1][0].astype(np.float64))
        assert_close(rec.next_prob[:-1], probs[np.arange(19), tokens[1:]], "next-token probability")
        return
    docs = [rng.integers(1, V, n) for n in (3, 8, 1, 5)]
    rec = record_docs(tm, [d.astype(np.int32) for d in docs])
    for d, doc in enumerate(docs):
        outs = probe.predict(doc[None], verbose=0)
        a, b = rec.doc_offsets[d], rec.doc_offsets[d + 1]
        for l in range(layers - 1):
            assert_close(rec.layers[l]["h"][a:b], outs[l][0], f"document {d} layer {l} h")
        assert_close(rec.layers[-1]["h"][b - 1], outs[layers - 1][0], f"document {d} last h")
        assert_close(rec.class_probs[d], outs[-1][0], f"document {d} probs")


@pytest.mark.parametrize("lbr", [0, 1])
def test_onnx_gru_linear_before_reset(lbr, tmp_path):
    """ONNX GRU both ways (linear_before_reset 0 = Keras reset_after=False), against onnxruntime."""
    import onnx

    from tests.importing.helpers import SOURCE_WORDS, onnx_lm

    path = tmp_path / "gru.onnx"
    onnx.save(onnx_lm("GRU", len(SOURCE_WORDS), 5, [4, 3], seed=lbr, linear_before_reset=lbr), str(path))
    tm = imported("onnx", path)
    assert tm.config.model.reset_after == bool(lbr)
    tokens = np.array([2, 5, 7, 3, 9, 12, 4, 4, 15, 0, 6])
    logits, ys = _ort_outputs(path, tokens)
    rec = record_lm(tm, to_ids(tm, tokens))
    for l, y in enumerate(ys):
        assert_close(rec.layers[l]["h"], y, f"layer {l} h")
    probs = softmax(logits[0].astype(np.float64))
    assert_close(rec.next_prob[:-1], probs[np.arange(len(tokens) - 1), tokens[1:]], "next-token probability")


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_precision_state_dicts_import_as_their_float32_values(tmp_path, dtype):
    """A state dict saved in bfloat16 or float16 gives the model of the same values in float32
    (whose import is checked against PyTorch above), not a load error."""
    import ml_dtypes
    from safetensors.numpy import load_file, save_file

    half_type = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16
    half = {k: v.astype(half_type) for k, v in load_file(str(fixture("lstm", 2, "lm", "safetensors"))).items()}
    save_file(half, str(tmp_path / "half.safetensors"))
    save_file({k: v.astype(np.float32) for k, v in half.items()}, str(tmp_path / "wide.safetensors"))
    a = imported("safetensors", tmp_path / "half.safetensors", name="half")
    b = imported("safetensors", tmp_path / "wide.safetensors", name="wide")
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    exp = np.load(fixture("lstm", 2, "lm", "npz"))
    ids = to_ids(a, exp["tokens"])
    ra, rb = record_lm(a, ids), record_lm(b, ids)
    np.testing.assert_array_equal(ra.layers[1]["h"], rb.layers[1]["h"])
    # the weights really were rounded: the states move off the float32 model's
    assert np.abs(ra.layers[1]["h"] - exp["h1"]).max() > 1e-5
