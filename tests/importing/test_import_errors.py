"""Bad input to `manage.py import`: one line naming the file, layer or parameter and what was
expected, exit 2, and nothing written (no model folder, no temporary folder)."""

import numpy as np
import pytest

from rnnvis.cli import main
from tests.importing.helpers import FIXTURES, VOCAB, fixture


def run_import(capsys, rnnvis_home, *args):
    """Run the CLI; return (exit code, stderr); check nothing was left in the model store."""
    code = main(["import", *map(str, args), "--quiet"])
    err = capsys.readouterr().err
    if code == 2:
        models = rnnvis_home / "models"
        assert not models.exists() or [p.name for p in models.iterdir()] == [], "half-written"
        assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return code, err


def _save_st(path, tensors):
    from safetensors.numpy import save_file

    save_file({k: np.ascontiguousarray(v, np.float32) for k, v in tensors.items()}, str(path))
    return path


def _state_dict(name="lstm2-lm"):
    from safetensors.numpy import load_file

    return dict(load_file(str(FIXTURES / f"{name}.safetensors")))


def _keras_file(tmp_path, *layers, name="bad.keras"):
    import keras

    model = keras.Sequential([keras.Input((None,), dtype="int32"), *layers])
    path = tmp_path / name
    model.save(path)
    return path


def _onnx_with(tmp_path, mutate, name="bad.onnx"):
    import onnx

    model = onnx.load(str(fixture("lstm", 1, "lm", "onnx")))
    mutate(model)
    path = tmp_path / name
    onnx.save(model, str(path))
    return path


# ---------------------------------------------------------------- unsupported layers

def test_keras_conv1d_is_named(tmp_path, capsys, rnnvis_home):
    import keras

    path = _keras_file(tmp_path, keras.layers.Embedding(16, 5), keras.layers.Conv1D(4, 3),
                       keras.layers.LSTM(4), keras.layers.Dense(2))
    code, err = run_import(capsys, rnnvis_home, "keras", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and "(Conv1D): unsupported layer; rnnvis imports Embedding" in err
    assert str(path) in err


def test_keras_attention_is_named(tmp_path, capsys, rnnvis_home):
    import keras

    inp = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(16, 5)(inp)
    x = keras.layers.LSTM(4, return_sequences=True)(x)
    x = keras.layers.Attention(name="attn")([x, x])
    model = keras.Model(inp, keras.layers.Dense(16)(x))
    path = tmp_path / "attn.keras"
    model.save(path)
    code, err = run_import(capsys, rnnvis_home, "keras", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and "layer 'attn' (Attention): unsupported layer" in err


def test_onnx_unsupported_op_is_named(tmp_path, capsys, rnnvis_home):
    import onnx

    def add_relu(model):
        node = next(n for n in model.graph.node if n.op_type == "MatMul")
        relu = onnx.helper.make_node("Relu", [node.input[0]], ["relu_out"], name="my_relu")
        node.input[0] = "relu_out"
        model.graph.node.insert(list(model.graph.node).index(node), relu)

    path = _onnx_with(tmp_path, add_relu)
    code, err = run_import(capsys, rnnvis_home, "onnx", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and "node 'my_relu' (Relu) is not supported" in err


# ---------------------------------------------------------------- bidirectional

def test_keras_bidirectional_says_not_yet(tmp_path, capsys, rnnvis_home):
    import keras

    path = _keras_file(tmp_path, keras.layers.Embedding(16, 5),
                       keras.layers.Bidirectional(keras.layers.LSTM(4), name="bi"),
                       keras.layers.Dense(2))
    code, err = run_import(capsys, rnnvis_home, "keras", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and "layer 'bi' (Bidirectional): bidirectional RNNs are not supported yet" in err


def test_onnx_bidirectional_says_not_yet(tmp_path, capsys, rnnvis_home):
    def bidirectional(model):
        node = next(n for n in model.graph.node if n.op_type == "LSTM")
        node.attribute.append(__import__("onnx").helper.make_attribute("direction", "bidirectional"))

    path = _onnx_with(tmp_path, bidirectional)
    code, err = run_import(capsys, rnnvis_home, "onnx", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and "(LSTM): bidirectional RNNs are not supported yet" in err


def test_safetensors_bidirectional_says_not_yet(tmp_path, capsys, rnnvis_home):
    sd = _state_dict()
    sd["rnn.weight_ih_l0_reverse"] = sd["rnn.weight_ih_l0"]
    path = _save_st(tmp_path / "bi.safetensors", sd)
    code, err = run_import(capsys, rnnvis_home, "safetensors", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and "rnn.weight_ih_l0_reverse: bidirectional RNNs are not supported yet" in err


# ---------------------------------------------------------------- missing, extra, shapes

@pytest.mark.parametrize("change,message", [
    (lambda sd: sd.pop("rnn.weight_hh_l1"), "missing rnn.weight_hh_l1 (layer 1 has rnn.weight_ih_l1)"),
    (lambda sd: sd.pop("rnn.bias_hh_l0"), "missing rnn.bias_hh_l0 (its other bias is there)"),
    (lambda sd: sd.update({"extra.weight": np.zeros((2, 2))}), "unexpected tensors extra.weight"),
    (lambda sd: sd.update({"rnn.weight_ih_l1": np.zeros((16, 3))}),
     "rnn.weight_ih_l1 has shape (16, 3); expected (16, 4) after a layer of 4 units"),
    (lambda sd: sd.update({"rnn.weight_ih_l0": np.zeros((12, 5))}),
     "rnn.weight_ih_l0 has shape (12, 5): 3 gate blocks of 4"),
])
def test_safetensors_missing_extra_and_shapes(tmp_path, capsys, rnnvis_home, change, message):
    sd = _state_dict()
    change(sd)
    path = _save_st(tmp_path / "m.safetensors", sd)
    code, err = run_import(capsys, rnnvis_home, "safetensors", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and message in err and str(path) in err


def test_onnx_shape_mismatch(tmp_path, capsys, rnnvis_home):
    import onnx
    from onnx import numpy_helper

    def wrong_r(model):
        node = next(n for n in model.graph.node if n.op_type == "LSTM")
        init = next(t for t in model.graph.initializer if t.name == node.input[2])
        init.CopyFrom(numpy_helper.from_array(np.zeros((1, 16, 3), np.float32), init.name))

    path = _onnx_with(tmp_path, wrong_r)
    code, err = run_import(capsys, rnnvis_home, "onnx", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and "W (1, 16, 5) and R (1, 16, 3) do not fit hidden_size 4" in err
    assert onnx  # the graph itself is well-formed: only the shapes are wrong


def test_mapping_names_custom_tensors(tmp_path, capsys, rnnvis_home):
    sd = {k.replace("rnn.", "encoder.lstm.").replace("fc.", "head.").replace("embedding.", "enc.emb.")
          : v for k, v in _state_dict().items()}
    sd["head2.weight"] = np.zeros((2, 4))
    path = _save_st(tmp_path / "custom.safetensors", sd)
    code, err = run_import(capsys, rnnvis_home, "safetensors", path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and "cannot tell which tensor is the output layer" in err
    mapping = tmp_path / "map.yaml"
    mapping.write_text("embedding: enc.emb.weight\nrecurrent: encoder.lstm\noutput: head.weight\n"
                       "output_bias: head.bias\ncell: lstm\nignore: [head2.weight]\n")
    code, err = run_import(capsys, rnnvis_home, "safetensors", path, "--name", "x", "--vocab",
                           VOCAB, "--mapping", mapping)
    assert code == 0, err
    bad = tmp_path / "bad.yaml"
    bad.write_text("embeding: enc.emb.weight\n")
    import shutil

    shutil.rmtree(rnnvis_home / "models")
    code, err = run_import(capsys, rnnvis_home, "safetensors", path, "--name", "y", "--vocab",
                           VOCAB, "--mapping", bad)
    assert code == 2 and "embeding: unknown key; allowed: embedding" in err
    assert "(did you mean 'embedding'?)" in err


# ---------------------------------------------------------------- vocabulary, files, names

def test_vocabulary_of_the_wrong_size(tmp_path, capsys, rnnvis_home):
    vocab = tmp_path / "short.txt"
    vocab.write_text("\n".join(VOCAB.read_text().split("\n")[:15]) + "\n")
    code, err = run_import(capsys, rnnvis_home, "onnx", fixture("gru", 1, "lm", "onnx"),
                           "--name", "x", "--vocab", vocab)
    assert code == 2
    assert f"{vocab}: 15 tokens, but the embedding in" in err and "has 16 rows; expected one token per row" in err


def test_vocabulary_with_a_repeated_token(tmp_path, capsys, rnnvis_home):
    vocab = tmp_path / "twice.json"
    vocab.write_text('["a", "b", "a"]')
    code, err = run_import(capsys, rnnvis_home, "onnx", fixture("gru", 1, "lm", "onnx"),
                           "--name", "x", "--vocab", vocab)
    assert code == 2 and "token 'a' has ids 0 and 2; each token may appear once" in err


@pytest.mark.parametrize("kind,suffix,message", [
    ("onnx", "onnx", "not a valid ONNX model"),
    ("safetensors", "safetensors", "not a readable safetensors file"),
    ("keras", "keras", "not a .keras file (it is not a zip archive)"),
])
def test_corrupt_files(tmp_path, capsys, rnnvis_home, kind, suffix, message):
    path = tmp_path / f"broken.{suffix}"
    good = (FIXTURES / f"lstm1-lm.{suffix}").read_bytes() if suffix != "keras" else b"PK\x03\x04"
    path.write_bytes(good[: len(good) // 2] + b"\x00garbage")
    code, err = run_import(capsys, rnnvis_home, kind, path, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and f"{path}: {message}" in err


def test_truncated_keras_archive(tmp_path, capsys, rnnvis_home):
    import keras

    path = _keras_file(tmp_path, keras.layers.Embedding(16, 5), keras.layers.GRU(4),
                       keras.layers.Dense(2), name="good.keras")
    data = path.read_bytes()
    broken = tmp_path / "cut.keras"
    broken.write_bytes(data[:-200])
    code, err = run_import(capsys, rnnvis_home, "keras", broken, "--name", "x", "--vocab", VOCAB)
    assert code == 2 and f"{broken}: " in err and ("not a .keras file" in err or "cannot load" in err)


def test_a_name_that_exists_needs_force(capsys, rnnvis_home):
    args = ("onnx", fixture("rnn", 1, "lm", "onnx"), "--name", "dup", "--vocab", VOCAB)
    assert run_import(capsys, rnnvis_home, *args)[0] == 0
    before = sorted(p.name for p in (rnnvis_home / "models" / "dup").iterdir())
    code = main(["import", *map(str, args), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "model 'dup' already exists" in err and "use --force" in err
    assert sorted(p.name for p in (rnnvis_home / "models" / "dup").iterdir()) == before
    assert main(["import", *map(str, args), "--quiet", "--force"]) == 0
    assert [p.name for p in (rnnvis_home / "models").iterdir()] == ["dup"]   # no leftovers


def test_missing_vocab_and_wrong_options(capsys, rnnvis_home):
    path = fixture("rnn", 1, "lm", "onnx")
    code, err = run_import(capsys, rnnvis_home, "onnx", path, "--name", "x")
    assert code == 2 and "--vocab: a onnx import needs the vocabulary" in err
    code, err = run_import(capsys, rnnvis_home, "onnx", path, "--name", "x", "--vocab", VOCAB,
                           "--mapping", "m.yaml")
    assert code == 2 and "--mapping: only safetensors imports take a mapping" in err
    code, err = run_import(capsys, rnnvis_home, "onnx", path, "--name", "x", "--vocab", VOCAB,
                           "--data", "nowhere.txt")
    assert code == 2 and "--data: nowhere.txt: no such file, and not a dataset name" in err
    code, err = run_import(capsys, rnnvis_home, "onnx", path, "--name", "x", "--vocab", VOCAB,
                           "--task", "classification")
    assert code == 0, err


def test_classifier_classes_must_match_the_outputs(tmp_path, capsys, rnnvis_home):
    data = tmp_path / "docs.csv"
    data.write_text("text,label\n" + "".join(f"the cat sat,{'ab'[i % 2]}\n" for i in range(30)))
    code, err = run_import(capsys, rnnvis_home, "onnx", fixture("gru", 1, "cls", "onnx"),
                           "--name", "x", "--vocab", VOCAB, "--data", data)
    assert code == 2 and "the corpus has 2 classes (a, b) but the model has 3 outputs" in err


def test_without_a_corpus_typed_text_works_and_evaluate_asks_for_data(capsys, rnnvis_home):
    from server import create_app

    assert run_import(capsys, rnnvis_home, "onnx", fixture("gru", 2, "lm", "onnx"), "--name", "bare",
                      "--vocab", VOCAB)[0] == 0
    client = create_app({"TESTING": True, "PARALLEL_LAYOUTS": False}).test_client()
    resp = client.post("/api/models/bare/evaluate", json={"text": "the cat sat on the mat"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["tokens"] == ["the", "cat", "sat", "on", "the", "mat"] and not any(body["oov"])
    (row,) = client.get("/api/models").get_json()["models"]
    assert row["source"] == "onnx" and row["dataset"] == "none" and row["status"] == "trained"
    assert main(["evaluate", "bare", "--quiet"]) == 2
    assert "model 'bare' was imported without a corpus; import it again with --data" \
        in capsys.readouterr().err
