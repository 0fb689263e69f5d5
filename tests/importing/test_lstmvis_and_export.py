"""LSTMVis states as a states-only model (library, CLI and API), and export round trips:
export then import gives identical states."""

import json

import h5py
import numpy as np
import pytest

from rnnvis.cli import main

WORDS = ["the", "cat", "sat", "on", "mat", "<eos>", "a", "dog"]


def write_project(folder, n=400, units=(6, 5), seed=0, with_yml=True):
    """A hand-made LSTMVis project: 1-based .dict, outputN (h) and statesN (c) per layer."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = rng.integers(1, len(WORDS) + 1, n)                     # LSTMVis ids from 1
    with h5py.File(folder / "train.h5", "w") as f:
        f.create_dataset("words", data=ids.astype(np.int32))
    (folder / "words.dict").write_text("".join(f"{w} {i}\n" for i, w in enumerate(WORDS, 1)))
    states = {}
    with h5py.File(folder / "states.h5", "w") as f:
        for l, u in enumerate(units, 1):
            for name in (f"output{l}", f"states{l}"):
                states[name] = rng.normal(size=(n, u)).astype(np.float32)
                f.create_dataset(name, data=states[name])
    if with_yml:
        types = ", ".join(f"{{type: {t}, layer: {l}, path: {p}{l}}}" for l in range(1, len(units) + 1)
                          for t, p in (("output", "output"), ("state", "states")))
        (folder / "lstm.yml").write_text(
            "name: test\nfiles: {states: states.h5, train: train.h5, words: words.dict}\n"
            "word_sequence: {file: train, path: words, dict_file: words}\n"
            f"states: {{file: states, types: [{types}]}}\n")
    return ids, states


def expected_response(ids, h, word_id):
    """E[h_t - h_(t-1) | x_t = w] by brute force over one stream starting from zero."""
    prev = np.vstack([np.zeros((1, h.shape[1])), h[:-1]])
    rows = np.flatnonzero(ids == word_id)
    return (h[rows] - prev[rows]).mean(0)


def test_lstmvis_project_imports_as_states_only(tmp_path, capsys):
    ids, states = write_project(tmp_path / "proj")
    assert main(["import", "lstmvis", str(tmp_path / "proj"), "--name", "lv", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "lv: imported a lstm language model (6+5 units) from lstmvis" in out
    from rnnvis.modelling.manager import describe, load_trained
    from rnnvis.modelling.modeldir import model_dir
    from rnnvis.recording.evaluation import open_evaluation

    row = describe(model_dir("lv"))
    assert row["states_only"] and row["source"] == "lstmvis" and row["status"] == "evaluated"
    assert row["kinds"] == ["h", "c"] and row["sentence_evaluation"]["available"] is False
    assert "without the weights" in row["sentence_evaluation"]["reason"]
    ev = open_evaluation("lv")
    words = [ev.tm.vocab.words[i] for i in ev.store.tokens]
    assert words == [WORDS[i - 1] for i in ids]
    np.testing.assert_array_equal(ev.store.array(1, "c"), states["states2"])
    cat = ev.tm.vocab.id("cat")
    for layer, name in ((0, "output1"), (1, "output2")):
        np.testing.assert_allclose(ev.word_stats("cat", layer, "h")["mean"],
                                   expected_response(ids, states[name], 2), atol=1e-5)
    assert ev.word_stats("cat", 0, "h")["count"] == int((ids == 2).sum()) == ev.store.counts[cat]
    assert load_trained("lv").states_only
    assert main(["evaluate", "lv", "--quiet"]) == 2
    assert "evaluate (recording states) is not available: it holds states imported from LSTMVis" \
        in capsys.readouterr().err


def test_states_file_with_words_and_dict(tmp_path, capsys):
    ids, states = write_project(tmp_path / "p", units=(4,), with_yml=False)
    with h5py.File(tmp_path / "p" / "states.h5", "a") as f:   # a GRU: no cell states
        del f["states1"]
    args = ["import", "lstmvis", str(tmp_path / "p" / "states.h5"), "--name", "g", "--quiet"]
    assert main(args) == 2
    assert "a states file needs its word ids (--data WORDS.h5) and its dictionary" in capsys.readouterr().err
    assert main(args + ["--data", str(tmp_path / "p" / "train.h5"), "--vocab",
                        str(tmp_path / "p" / "words.dict"), "--cell", "gru"]) == 0
    from rnnvis.modelling.manager import describe
    from rnnvis.modelling.modeldir import model_dir

    row = describe(model_dir("g"))
    assert (row["cell"], row["kinds"], row["layers"]) == ("gru", ["h"], [4])


@pytest.mark.parametrize("change,message", [
    (lambda f: f.create_dataset("output4", data=np.zeros((400, 2), np.float32)),
     "layers [1, 2, 4]; expected layers 1..3 without gaps"),
    (lambda f: f.create_dataset("output3", data=np.zeros((400, 2), np.float32)),
     "some layers have cell states and some do not"),
    (lambda f: (f.__delitem__("output2"), f.create_dataset("output2", data=np.zeros((10, 5), np.float32))),
     "output2: shape (10, 5) float32; expected floats of shape (400, units), one row per word id"),
])
def test_bad_lstmvis_files(tmp_path, capsys, change, message):
    write_project(tmp_path / "p", with_yml=False)
    with h5py.File(tmp_path / "p" / "states.h5", "a") as f:
        change(f)
    code = main(["import", "lstmvis", str(tmp_path / "p" / "states.h5"), "--name", "bad", "--quiet",
                 "--data", str(tmp_path / "p" / "train.h5"), "--vocab", str(tmp_path / "p" / "words.dict")])
    err = capsys.readouterr().err
    assert code == 2 and message in err, err


def test_word_id_outside_the_dictionary(tmp_path, capsys):
    write_project(tmp_path / "p")
    with h5py.File(tmp_path / "p" / "train.h5", "a") as f:
        f["words"][7] = 99
    assert main(["import", "lstmvis", str(tmp_path / "p"), "--name", "bad", "--quiet"]) == 2
    assert "word id 99 (row 7 of the word ids) is not in the dictionary (ids 1..8)" in capsys.readouterr().err


def test_states_only_through_the_api(tmp_path, capsys):
    from server import create_app

    write_project(tmp_path / "proj")
    assert main(["import", "lstmvis", str(tmp_path / "proj"), "--name", "lv", "--quiet"]) == 0
    client = create_app({"TESTING": True, "PARALLEL_LAYOUTS": False}).test_client()
    (row,) = client.get("/api/models").get_json()["models"]
    assert row["states_only"] and row["origin"]["format"] == "lstmvis"
    view = client.get("/api/models/lv/coclusters?layer=1&state=c&k=3&top_k=10")
    assert view.status_code == 200 and len(view.get_json()["unit_clusters"]) == 3
    word = client.get("/api/models/lv/words/dog?layer=0&state=h")
    assert word.status_code == 200 and len(word.get_json()["mean"]) == 6
    unit = client.get("/api/models/lv/units/2?layer=1&state=c&top=3")
    assert unit.status_code == 200 and len(unit.get_json()["positive"]) == 3
    assert client.get("/api/models/lv/sentences?n=2").status_code == 200
    resp = client.post("/api/models/lv/evaluate", json={"text": "the cat sat"})
    assert resp.status_code == 409
    assert "sentence evaluation is not available: it holds states imported from LSTMVis" \
        in resp.get_json()["error"]


# ---------------------------------------------------------------- export round trips

def test_export_lstmvis_then_import_gives_identical_states(use_home, tmp_path, monkeypatch, capsys):
    from rnnvis.recording.statestore import StateStore

    out = tmp_path / "lv"
    assert main(["export", "lm", "--format", "lstmvis", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["lstm.yml", "states.h5", "words.dict", "words.h5"]
    assert main(["export", "lm", "--format", "lstmvis", "--out", str(out)]) == 2
    assert f"{out} already exists; use --force" in capsys.readouterr().err
    source = StateStore(use_home / "models" / "lm" / "evaluations" / "test.h5")
    monkeypatch.setenv("RNNVIS_HOME", str(tmp_path / "other"))
    assert main(["import", "lstmvis", str(out), "--name", "back", "--quiet"]) == 0
    back = StateStore(tmp_path / "other" / "models" / "back" / "evaluations" / "test.h5")
    words = json.loads((use_home / "models" / "lm" / "vocab.json").read_text())["words"]
    words_back = json.loads((tmp_path / "other" / "models" / "back" / "vocab.json").read_text())["words"]
    assert [words[i] for i in source.tokens] == [words_back[i] for i in back.tokens]
    for layer in range(2):
        for key in ("h", "c"):
            np.testing.assert_array_equal(back.array(layer, key), source.array(layer, key))
    source.close(), back.close()


@pytest.mark.parametrize("name", ["lm", "cls"])
def test_export_keras_then_import_gives_identical_states(use_home, tmp_path, monkeypatch, name):
    from rnnvis.modelling.manager import load_trained
    from tests.importing.helpers import imported, record_docs, record_lm

    tm = load_trained(name)
    path = tmp_path / f"{name}.keras"
    assert main(["export", name, "--format", "keras", "--out", str(path)]) == 0
    vocab = use_home / "models" / name / "vocab.json"
    rng = np.random.default_rng(0)
    monkeypatch.setenv("RNNVIS_HOME", str(tmp_path / "other"))
    back = imported("keras", path, name="back", vocab=vocab)
    assert back.vocab.words == tm.vocab.words and back.config.task == tm.config.task
    if name == "lm":
        ids = rng.integers(1, len(tm.vocab), 50).astype(np.int32)
        a, b = record_lm(tm, ids), record_lm(back, ids)
    else:
        docs = [rng.integers(2, len(tm.vocab), n).astype(np.int32) for n in (4, 9, 2)]
        a, b = record_docs(tm, docs), record_docs(back, docs)
        np.testing.assert_array_equal(a.class_probs, b.class_probs)
    for la, lb in zip(a.layers, b.layers):
        for key in la:
            np.testing.assert_array_equal(la[key], lb[key])


def test_states_only_has_no_keras_export(tmp_path, capsys):
    write_project(tmp_path / "proj")
    assert main(["import", "lstmvis", str(tmp_path / "proj"), "--name", "lv", "--quiet"]) == 0
    assert main(["export", "lv", "--format", "keras", "--out", str(tmp_path / "x.keras")]) == 2
    assert "export as Keras is not available" in capsys.readouterr().err
    assert not (tmp_path / "x.keras").exists()


def test_the_units_analyses_work_on_states_only(tmp_path):
    from server import create_app

    ids, states = write_project(tmp_path / "proj")
    assert main(["import", "lstmvis", str(tmp_path / "proj"), "--name", "lv", "--quiet"]) == 0
    client = create_app({"TESTING": True, "PARALLEL_LAYOUTS": False}).test_client()

    def get(url, status=200):
        resp = client.get(url)
        assert resp.status_code == status, resp.get_json()
        return resp.get_json()

    ranking = get("/api/models/lv/ranking?layer=1&state=c&rank=words&a=cat&b=dog&top=3")
    assert len(ranking["units"]) == 3 and ranking["n_a"] == int((ids == 2).sum())
    ctx = get("/api/models/lv/contexts/2?layer=0&k=3&window=2")
    # the strongest positive context of unit 2 is the row where its h is largest
    assert ctx["positive"][0]["position"] == int(np.argmax(states["output1"][:, 2]))
    heat = get("/api/models/lv/heatmap?units=0,1&start=5&length=12")
    np.testing.assert_allclose(heat["values"], states["output1"][5:17, :2], atol=1e-4)
    found = get("/api/models/lv/search?units=1,2&start=10&length=3&k=2")
    assert found["query"]["position"] == 10
    sat = get("/api/models/lv/saturation?layer=0", status=400)
    assert sat["error"] == "layer: the test evaluation of 'lv' holds h, c only, no gates"
    typed = client.post("/api/models/lv/heatmap", json={"text": "the cat", "units": [0]})
    assert typed.status_code == 409 and "sentence evaluation is not available" in typed.get_json()["error"]
