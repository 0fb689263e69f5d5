"""Finding units: contrasts, scores, the unit index, contexts, heatmaps, pattern search and gate
saturation, against brute force on the stored states and on planted stores."""

import re
import shutil

import h5py
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from rnnvis.analysis.contrasts import contrast
from rnnvis.analysis.patternsearch import best_windows, window_scores
from rnnvis.analysis.positions import Stream, match_pattern, parse_pattern, parse_target, \
    segment_starts, target_values
from rnnvis.analysis.scores import correlation, hellinger, histograms, roc_auc
from rnnvis.analysis.unitview import gate_saturation, heatmap, pattern_search, rank_units, \
    text_heatmap, top_contexts
from rnnvis.errors import ParamError
from rnnvis.recording.evaluation import open_evaluation

WORDS = ("<pad>", "<unk>", "<eos>", "a", "b", "X", "Y", "A", "B", "x", "(", ")", '"')


def _stream(text):
    tokens = np.array([WORDS.index(w) for w in text.split()])
    return Stream(tokens, segment_starts(tokens, 2), WORDS)


# ------------------------------------------------------------------ patterns and targets

def test_patterns_select_what_they_say():
    s = _stream('A x x Y a <eos> B x Y b <eos> ( a ) ) a ( ( b <eos> " a " b')
    hit = lambda p: np.flatnonzero(match_pattern(s, parse_pattern(p))).tolist()  # noqa: E731
    assert hit("x after A") == [1, 2]
    assert hit("x after B | Y") == [3, 7, 8]
    assert hit("a next <eos>") == [4]
    assert hit("{a,b} prev Y") == [4, 9]
    assert hit("!{a,b,x} after A") == [3, 5]
    assert hit("* inside ( )") == [12, 13, 17, 18, 19]    # a stray ')' opens nothing
    assert hit(r'* inside "\"" "\""') == [21, 22]                 # a quote, written "\""
    assert hit('"a" next ")"') == [12]


@pytest.mark.parametrize("text,message", [
    ("", "got an empty pattern"),
    ("x after", "expected a token, '*', '!token' or '{a,b}' at the end"),
    ("{a,", "expected a token in '{...}' at the end"),
    ("x nxt y", "expected 'next', 'prev', 'after', 'inside' or '|' at 'nxt'"),
    ("x inside (", "expected a token at the end"),
])
def test_bad_patterns_name_the_problem(text, message):
    with pytest.raises(ParamError, match=re.escape(message)):
        parse_pattern(text, "a")


def test_targets():
    s = _stream("a a X b <eos> a X b <eos> ( ( a ) b")
    assert target_values(s, parse_target("position")).tolist() == \
        [0, 1, 2, 3, 4, 0, 1, 2, 3, 0, 1, 2, 3, 4]
    assert target_values(s, parse_target("count a b")).tolist() == \
        [1, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0]
    assert target_values(s, parse_target("depth ( )")).tolist() == \
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 1]
    with pytest.raises(ParamError, match="expected a target: 'position', 'depth O C'"):
        parse_target("count")


# ------------------------------------------------------------------ scores

def test_scores_equal_direct_implementations_and_find_a_planted_unit():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(300, 6)), rng.normal(size=(200, 6))
    a[:, 4] += 2.5                                       # planted: unit 4 separates
    b[:, 2] = np.round(b[:, 2])                          # ties
    a[:, 2] = np.round(a[:, 2])
    auc = roc_auc(a, b)
    labels = np.r_[np.ones(300), np.zeros(200)]
    direct = [roc_auc_score(labels, np.r_[a[:, j], b[:, j]]) for j in range(6)]
    assert auc == pytest.approx(direct, abs=1e-12)
    ca, cb, lo, hi = histograms(a, b, 20)
    h = hellinger(ca, cb)
    for j in range(6):
        edges = np.linspace(lo[j], hi[j], 21)
        p = np.histogram(a[:, j], edges)[0] / 300
        q = np.histogram(b[:, j], edges)[0] / 200
        assert h[j] == pytest.approx(np.sqrt(1 - np.sum(np.sqrt(p * q))), abs=1e-12)
    assert np.argmax(h) == 4 and np.argmax(np.abs(auc - 0.5)) == 4
    t = rng.normal(size=300)
    v = rng.normal(size=(300, 3))
    v[:, 1] = 3 * t + 0.1 * v[:, 1]
    r = correlation(v, t)
    assert r == pytest.approx([np.corrcoef(v[:, j], t)[0, 1] for j in range(3)], abs=1e-12)
    assert correlation(np.ones((5, 2)), np.arange(5)).tolist() == [0.0, 0.0]


# ------------------------------------------------------------------ on the trained test model

def _brute_values(ev, layer, kind):
    return ev.store.array(layer, kind)


def test_rank_units_equals_brute_force_on_the_stored_states(use_home):
    ev = open_evaluation("lm", "test")
    out = rank_units("lm", layer=1, state="c", rank="words", a="a", b="b", score="hellinger",
                     bins=16, top=5)
    states = _brute_values(ev, 1, "c")
    wa, wb = ev.tm.vocab.id("a"), ev.tm.vocab.id("b")
    va, vb = states[ev.store.tokens == wa], states[ev.store.tokens == wb]
    assert out["n_a"] == len(va) and out["n_b"] == len(vb)
    ca, cb, _, _ = histograms(va, vb, 16)
    direct_h = hellinger(ca, cb)
    assert [u["unit"] for u in out["units"]] == np.argsort(-direct_h, kind="stable")[:5].tolist()
    for u in out["units"]:
        assert u["hellinger"] == pytest.approx(direct_h[u["unit"]], abs=1e-4)
        assert u["auc"] == pytest.approx(roc_auc_score(
            np.r_[np.ones(len(va)), np.zeros(len(vb))],
            np.r_[va[:, u["unit"]], vb[:, u["unit"]]]), abs=1e-4)
        assert sum(u["hist_a"]) == len(va) and sum(u["hist_b"]) == len(vb)


def test_top_contexts_equal_a_brute_force_sort(use_home):
    ev = open_evaluation("lm", "test")
    column = _brute_values(ev, 0, "h")[:, 3]
    out = top_contexts("lm", layer=0, state="h", unit=3, k=7, window=2)
    assert [c["value"] for c in out["positive"]] == pytest.approx(np.sort(column)[::-1][:7], abs=1e-6)
    assert [c["value"] for c in out["negative"]] == pytest.approx(np.sort(column)[:7], abs=1e-6)
    first = out["positive"][0]
    assert first["values"][first["offset"]] == pytest.approx(first["value"], abs=1e-4)
    a = first["position"] - first["offset"]
    assert first["values"] == pytest.approx(column[a:a + len(first["values"])], abs=1e-4)
    assert first["tokens"] == [ev.tm.vocab.words[t] for t in ev.store.tokens[a:a + len(first["tokens"])]]
    assert sum(out["histogram"]["counts"]) == len(column)
    assert out["histogram"]["range"] == pytest.approx([column.min(), column.max()], abs=1e-6)
    assert len(out["bands"]) == 5 and all(
        b["range"][0] - 1e-6 <= c["value"] <= b["range"][1] + 1e-6
        for b in out["bands"] for c in b["contexts"])


def test_heatmap_values_equal_the_stored_states(use_home):
    ev = open_evaluation("lm", "test")
    states = _brute_values(ev, 1, "f")
    out = heatmap("lm", layer=1, state="f", units=(0, 4), start=10, length=30)
    assert out["start"] == 10 and len(out["tokens"]) == 30
    assert np.array(out["values"]) == pytest.approx(states[10:40][:, [0, 4]], abs=5e-5)
    doc = heatmap("lm", layer=0, state="h", units=(2,), doc=1)
    eos = np.flatnonzero(ev.store.tokens == ev.tm.vocab.id("<eos>"))
    assert doc["start"] == eos[0] + 1 and doc["tokens"][-1] == "<eos>"
    typed = text_heatmap("lm", text="aaXaYbb", layer=1, state="c", units=(1, 2))
    assert typed["tokens"] == list("aaXaYbb") and np.array(typed["values"]).shape == (7, 2)


def test_gate_saturation_equals_brute_force(use_home):
    ev = open_evaluation("lm", "test")
    out = gate_saturation("lm", layer=0)
    assert set(out["gates"]) == {"i", "f", "o"}
    f = _brute_values(ev, 0, "f")
    assert out["gates"]["f"]["low"] == pytest.approx((f < 0.1).mean(axis=0), abs=1e-6)
    assert out["gates"]["f"]["high"] == pytest.approx((f > 0.9).mean(axis=0), abs=1e-6)
    assert set(gate_saturation("cls", layer=0)["gates"]) == {"z", "r"}


@pytest.mark.parametrize("call,message", [
    (lambda: rank_units("lm", rank="words", a="zebra", b="a"), "a: 'zebra' is not in the vocabulary"),
    (lambda: rank_units("lm", rank="words", a="a"), "b: missing; expected a word"),
    (lambda: rank_units("lm", rank="pattern", a="a next <pad>"),
     "a: no position of the split matches pattern 'a next <pad>'"),
    (lambda: rank_units("lm", rank="pattern", a="a nxt b"), "a: expected 'next', 'prev'"),
    (lambda: rank_units("lm", rank="class", a="pos"), "rank: 'class' needs a classifier"),
    (lambda: rank_units("cls", rank="class", a="happy"), "a: got 'happy'; expected a class"),
    (lambda: rank_units("lm", state="z"), "state: got 'z'; allowed for lstm"),
    (lambda: rank_units("lm", rank="target", a="count"), "expected a target"),
    (lambda: top_contexts("lm", unit=99), "unit: got 99; layer 0 has units 0..6"),
    (lambda: heatmap("lm", units=(0, 7)), "units: got 7; layer 0 has units 0..6"),
    (lambda: heatmap("lm", start=10**7), "start: got 10000000; the test split has"),
    (lambda: pattern_search("lm", units=(0,), start=10**7), "start: got 10000000"),
    (lambda: gate_saturation("lm", layer=5), "layer: got 5"),
])
def test_bad_inputs_name_the_parameter(use_home, call, message):
    with pytest.raises(ParamError, match=re.escape(message)):
        call()


def test_class_contrasts(use_home):
    ev = open_evaluation("cls", "test")
    c = contrast(ev, "class", "pos", None)
    labels, offsets = ev.store.dataset("labels"), ev.store.dataset("doc_offsets")
    assert len(c.pos_a) == int((labels == ev.tm.classes.index("pos")).sum())
    assert set(c.pos_a.tolist()) <= set((offsets[1:] - 1).tolist())
    t = contrast(ev, "class_tokens", "pos", "neg")
    assert len(t.pos_a) + len(t.pos_b) == len(ev.store.tokens)


# ------------------------------------------------------------------ planted stores

@pytest.fixture
def planted(use_home, tmp_path, monkeypatch):
    """A private copy of the trained 'lm' model whose layer 0 h states we may overwrite."""
    home = tmp_path / "home"
    shutil.copytree(use_home / "models" / "lm", home / "models" / "lm")
    monkeypatch.setenv("RNNVIS_HOME", str(home))
    store = home / "models" / "lm" / "evaluations" / "test.h5"

    def plant(fn):
        with h5py.File(store, "r+") as f:
            dset = f["states/layer_0/h"]
            tokens = f["tokens"][:]
            dset[...] = fn(dset[...], tokens)
    return plant


def test_a_planted_unit_ranks_first(planted):
    from rnnvis.modelling.manager import load_trained

    a_id = load_trained("lm").vocab.id("a")
    rng = np.random.default_rng(3)

    def plant(values, tokens):
        values = rng.normal(0, 0.3, size=values.shape).astype(values.dtype)
        values[:, 5] = np.where(tokens == a_id, 0.8, -0.8) + rng.normal(0, 0.1, len(tokens))
        return values
    planted(plant)
    out = rank_units("lm", layer=0, state="h", rank="word", a="a", top=3)
    assert out["units"][0]["unit"] == 5 and out["units"][0]["auc"] == pytest.approx(1.0)
    assert out["units"][1]["auc"] == pytest.approx(0.5, abs=0.1)


def test_pattern_search_finds_a_planted_repeat(planted):
    second = {}

    def plant(values, tokens):
        values = np.full(values.shape, -0.5, dtype=values.dtype)
        values[np.arange(len(values)) % 7 == 0, 1] = 0.9       # background: a regular pulse
        second["at"] = len(values) // 2 + 3
        for start in (40, second["at"]):                        # the planted phrase, twice
            values[start:start + 4, 1] = [0.9, 0.9, -0.5, 0.9]
            values[start:start + 4, 2] = [-0.5, 0.9, 0.9, 0.9]
        return values
    planted(plant)
    out = pattern_search("lm", layer=0, state="h", units=(1, 2), start=40, length=4,
                         threshold=0.0, k=3, window=2)
    assert out["query"]["position"] == 40
    assert out["results"][0]["position"] == second["at"] and out["results"][0]["score"] == 1.0
    assert all(r["score"] < 1.0 for r in out["results"][1:])


def test_window_scores_and_best_windows():
    on = np.zeros((10, 2), bool)
    on[[2, 3, 7, 8], 0] = True
    scores = window_scores(on, on[2:4])
    assert scores[2] == 1.0 and scores[7] == 1.0 and scores[5] == 0.5
    assert best_windows(scores, 2, 2, exclude=(2, 4)) == [7, 0]
