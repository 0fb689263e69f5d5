"""The small parts of an import: vocabulary files and their alignment with rnnvis's ids, the
config's origin and dataset 'none', the models table's source column."""

import numpy as np
import pytest

from rnnvis.errors import ConfigError, ModelImportError
from rnnvis.importing.vocabfile import align, read_tokens
from rnnvis.modelling.config import dump_config, loads_config, parse_config


@pytest.mark.parametrize("name,text,tokens,first", [
    ("v.txt", "<unk>\n<pad>\nthe\n\n", ["<unk>", "<pad>", "the", ""], 0),
    ("v.json", '["", "[UNK]", "a"]', ["", "[UNK]", "a"], 0),
    ("v.json", '{"b": 1, "a": 0}', ["a", "b"], 0),
    ("v.json", '{"format": "rnnvis-vocabulary-1", "words": ["<pad>", "<unk>", "x"], "counts": [0, 0, 1]}',
     ["<pad>", "<unk>", "x"], 0),
    ("w.dict", "the 1\nnew york 2\ncat 3\n", ["the", "new york", "cat"], 1),
])
def test_vocabulary_formats(tmp_path, name, text, tokens, first):
    path = tmp_path / name
    path.write_text(text)
    assert read_tokens(path, with_first_id=True) == (tokens, first)


@pytest.mark.parametrize("text,message", [
    ("the 1\ncat 3\n", "ids must run 0..1 (or 1..2) without gaps or repeats; got 2 ids from 1 to 3"),
    ("the one\n", "line 1: expected 'token id', got 'the one'"),
])
def test_bad_dict_files(tmp_path, text, message):
    path = tmp_path / "w.dict"
    path.write_text(text)
    with pytest.raises(ModelImportError) as exc:
        read_tokens(path)
    assert str(exc.value) == f"{path}: {message}"


def test_align_moves_renames_and_adds_pad_and_unk():
    voc, order = align(["<unk>", "<pad>", "the", "cat"])            # torchtext's order
    assert voc.words == ("<pad>", "<unk>", "the", "cat") and order.tolist() == [1, 0, 2, 3]
    voc, order = align(["", "[UNK]", "the"])                          # Keras TextVectorization
    assert voc.words == ("<pad>", "<unk>", "the") and order.tolist() == [0, 1, 2]
    voc, order = align(["the", "cat"], counts=[5, 2])                  # neither: both added
    assert voc.words == ("<pad>", "<unk>", "the", "cat") and order.tolist() == [-1, -1, 0, 1]
    assert voc.counts == (0, 0, 5, 2)


def test_reordered_network_keeps_probabilities_of_every_word():
    from rnnvis.importing.network import Network, RecurrentWeights

    rng = np.random.default_rng(0)
    layer = RecurrentWeights("rnn", rng.normal(size=(3, 2)), rng.normal(size=(2, 2)),
                             rng.normal(size=2), "r")
    net = Network(rng.normal(size=(4, 3)), (layer,), rng.normal(size=(2, 4)), rng.normal(size=4),
                  "x").check()
    order = np.array([-1, 2, 0, 3, 1])
    moved = net.reorder_vocabulary(order, lm=True)
    h = rng.normal(size=2)

    def probs(n):
        z = h @ n.kernel + n.bias
        return np.exp(z - z.max()) / np.exp(z - z.max()).sum()

    np.testing.assert_allclose(probs(moved)[1:], probs(net)[order[1:]], atol=1e-12)
    assert probs(moved)[0] == 0.0 and not moved.embedding[0].any()
    np.testing.assert_array_equal(moved.embedding[1:], net.embedding[order[1:]])


RAW = {"name": "x", "task": "language_model", "data": {"dataset": "none"},
       "model": {"cell": "gru", "layers": [4], "embedding_size": 3, "reset_after": False}}


def test_dataset_none_is_only_for_imports():
    with pytest.raises(ConfigError, match="data.dataset: 'none' is only for imported models"):
        parse_config(RAW)
    cfg = parse_config({**RAW, "origin": {"format": "onnx", "file": "m.onnx", "sha256": "ab"}})
    again = loads_config(dump_config(cfg))
    assert again == cfg and again.origin.format == "onnx" and again.model.reset_after is False
    with pytest.raises(ConfigError, match="origin.format: got 'torch'; allowed: keras, onnx"):
        parse_config({**RAW, "origin": {"format": "torch", "file": "m.pt"}})


def test_models_table_has_a_source_column():
    from rnnvis.cli import format_table

    rows = [{"name": "a", "cell": "lstm", "layers": [4, 4], "task": "language_model",
             "dataset": "ptb", "source": "onnx", "status": "trained", "metrics": {}}]
    lines = format_table(rows).splitlines()
    assert lines[0].split() == ["name", "cell", "layers", "task", "dataset", "source", "status", "metrics"]
    assert lines[2].split()[:7] == ["a", "lstm", "2x4", "language_model", "ptb", "onnx", "trained"]


def test_import_and_export_have_help(capsys):
    from rnnvis.cli import main

    assert main(["import", "--help"]) == 0
    out = capsys.readouterr().out
    assert "KIND PATH" in out and "--vocab VOCAB" in out and "--data CONFIG-OR-FILES" in out
    assert "[keras, onnx, safetensors, lstmvis]" in out
    assert main(["export", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--format FORMAT" in out and "--out PATH" in out and "[lstmvis, keras]" in out
    assert main(["import", "pytorch", "x.pt", "--name", "m"]) == 2
    assert "got 'pytorch'; expected one of: keras, onnx, safetensors, lstmvis" in capsys.readouterr().err
