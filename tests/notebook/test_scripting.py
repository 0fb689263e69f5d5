"""The plain Python API (rnnvis.load -> Model) against numpy computed from the raw state store
and against the numpy reference forward pass; every bad input names its message."""

import json

import h5py
import numpy as np
import pytest

import rnnvis
from rnnvis.errors import NotFound, ParamError, UserError
from rnnvis.recording import reference


def _brute_force(home, name, layer, key="h"):
    """Tokens, counts and per-token updates read straight from the HDF5 store (no rnnvis code)."""
    with h5py.File(home / "models" / name / "evaluations" / "test.h5", "r") as f:
        tokens, starts = f["tokens"][:], f["starts"][:].astype(bool)
        h = f[f"states/layer_{layer}/{key}"][:].astype(np.float64)
    prev = np.vstack([np.zeros((1, h.shape[1])), h[:-1]])
    prev[starts] = 0.0                       # every stream starts from the zero state
    return tokens, h - prev


def test_responses_are_the_mean_update_per_word(use_home):
    lm = rnnvis.load("lm")
    for layer in (0, 1):
        r = lm.responses(layer, "h")
        tokens, dh = _brute_force(use_home, "lm", layer)
        vocab = json.loads((use_home / "models" / "lm" / "vocab.json").read_text())
        words = vocab["words"] if isinstance(vocab, dict) else vocab
        ids = [words.index(w) for w in r["words"]]
        counts = np.bincount(tokens, minlength=len(words))
        np.testing.assert_array_equal(r["counts"], counts[ids])
        assert list(r["counts"]) == sorted(r["counts"], reverse=True) and r["counts"].min() >= 1
        assert len(ids) == (counts > 0).sum()                  # every word that occurs
        for row, wid in enumerate(ids):
            np.testing.assert_allclose(r["mean"][row], dh[tokens == wid].mean(axis=0), atol=1e-5)
            np.testing.assert_allclose(r["std"][row], dh[tokens == wid].std(axis=0), atol=1e-4)
        assert (r["layer"], r["state"], r["split"]) == (layer, "h", "test")
    top = lm.responses(1, "c", top_k=2)
    assert len(top["words"]) == 2 and top["mean"].shape == (2, 5)


def test_word_and_unit_statistics(use_home):
    lm = rnnvis.load("lm")
    tokens, dh = _brute_force(use_home, "lm", 1)
    r = lm.responses(1)
    word = r["words"][0]
    w = lm.word(word, layer=1)
    vals = dh[tokens == w["id"]]
    assert w["count"] == len(vals) and isinstance(w["mean"], np.ndarray)
    np.testing.assert_allclose(w["mean"], vals.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(w["percentiles"]["75"], np.percentile(vals, 75, axis=0), atol=1e-5)
    u = lm.unit(2, layer=1, top=3)
    # the words whose mean update of unit 2 is largest (words seen at least 5 times)
    frequent = [i for i, c in enumerate(r["counts"]) if c >= 5]
    best = sorted(frequent, key=lambda i: -r["mean"][i, 2])[:3]
    assert [x["word"] for x in u["positive"]] == [r["words"][i] for i in best]
    assert [x["word"] for x in u["negative"]] == [r["words"][i] for i in sorted(frequent, key=lambda i: r["mean"][i, 2])[:3]]


def test_cocluster_is_the_memory_views_answer_in_plain_json(use_home):
    lm = rnnvis.load("lm")
    view = lm.cocluster(layer=1, k=2, top_k=10, mode="signed")
    assert json.loads(json.dumps(view)) == view
    assert (view["k"], view["mode"], view["layer"]) == (2, "signed", 1)
    clustered = {w["word"] for cluster in view["word_clusters"] for w in cluster}
    assert clustered <= set(lm.responses(1)["words"])
    assert sorted(u for cluster in view["unit_clusters"] for u in cluster) == list(range(5))
    assert lm.cocluster(layer=1, k=2, top_k=10, mode="signed", stability=True)["quality"]["bootstrap_ari"] is not None
    # without a mode, the task's default: the sign kept for a classifier, |s| for a language model
    assert lm.cocluster(layer=1, k=2, top_k=10)["mode"] == "abs"
    assert rnnvis.load("cls").cocluster(k=2, top_k=10)["mode"] == "signed"


def test_states_match_the_reference_forward_pass(use_home):
    from rnnvis.modelling.manager import load_trained

    lm = rnnvis.load("lm")
    text = "abXaY"                                   # a character-level corpus
    s = lm.states(text)
    tm = load_trained("lm")
    ref = reference.language_model(tm.model, tm.vocab.encode(list(text)))
    assert s["tokens"] == list(text) and s["oov"] == [False] * 5
    for layer in (0, 1):
        for key in ("h", "c", "i", "f", "o", "g"):
            np.testing.assert_allclose(s["layers"][layer][key], ref["layers"][layer][key], atol=1e-5)
        np.testing.assert_allclose(s["layers"][layer]["dh"],
                                   ref["layers"][layer]["h"] - ref["layers"][layer]["h_prev"], atol=1e-5)
    np.testing.assert_allclose(s["next_prob"], ref["next_prob"], atol=1e-5)
    assert set(lm.states(text, fields=["h"])["layers"][0]) == {"h", "dh"}

    cls = rnnvis.load("cls")
    out = cls.states("good film very bad")
    tm = load_trained("cls")
    expected = reference.classifier(tm.model, [tm.vocab.encode("good film very bad".split())])
    np.testing.assert_allclose(out["class_probs"], expected["class_probs"][0], atol=1e-5)
    assert out["classes"] == ["neg", "pos"]


def test_models_and_repr(use_home):
    assert [m["name"] for m in rnnvis.models()] == ["cls", "lm"]
    assert repr(rnnvis.load("lm")) == "<rnnvis.Model 'lm': lstm 7+5 language_model, evaluated>"
    assert rnnvis.load("lm").info["layers"] == [7, 5]


@pytest.mark.parametrize("call, error, message", [
    (lambda: rnnvis.load("nope"), NotFound, r"^unknown model 'nope' in .*; models: cls, lm$"),
    (lambda: rnnvis.load("../lm"), ParamError, r"^name: got '../lm'; expected 1-64 letters"),
    (lambda: rnnvis.load("lm").responses(5), ParamError, r"^layer: got 5; model 'lm' has layers 0..1$"),
    (lambda: rnnvis.load("lm").responses(0, "z"), ParamError, r"^state: got 'z'; allowed for lstm: h, c"),
    (lambda: rnnvis.load("lm").responses(0, top_k=0), ParamError, r"^top_k: got 0; expected an integer >= 1$"),
    (lambda: rnnvis.load("lm").word("nothere"), NotFound, r"^word 'nothere' is not in the vocabulary of 'lm'$"),
    (lambda: rnnvis.load("lm").word(3), ParamError, r"^word: got 3; expected a string of at most 200"),
    (lambda: rnnvis.load("lm").unit(99), ParamError, r"^unit: got 99; layer 0 has units 0..6$"),
    (lambda: rnnvis.load("lm").unit(-1), ParamError, r"^unit: got -1; expected an integer >= 0$"),
    (lambda: rnnvis.load("lm").cocluster(k=1), ParamError, r"^k: got 1; expected an integer from 2 to 30$"),
    (lambda: rnnvis.load("lm").cocluster(mode="sign"), ParamError, r"^mode: got 'sign'; .*did you mean 'signed'"),
    (lambda: rnnvis.load("lm").states(""), UserError, r"^text: got an empty text; type at least one word$"),
    (lambda: rnnvis.load("lm").states(5), ParamError, r"^text: got 5; expected a string of at most 100000"),
    (lambda: rnnvis.load("lm").states("ab", fields=["zz"]), ParamError, r"^fields: got 'zz'; expected a list of at most 9 values"),
])
def test_bad_input_is_a_value_error_that_says_what_is_allowed(use_home, call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert isinstance(info.value, ValueError)
