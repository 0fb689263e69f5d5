"""The evaluator: stored states and responses equal brute force; stores are never silently stale."""

import json
import shutil

import h5py
import networkx as nx
import numpy as np
import pytest

from rnnvis.errors import NotFound, UserError
from rnnvis.recording.evaluation import PERCENTILES, evaluate_model, open_evaluation, store_path
from rnnvis.analysis.graph import bipartite_graph, write_graph
from rnnvis.modelling.manager import load_trained
from rnnvis.recording.recorder import record
from rnnvis.recording.responses import ResponseAggregator
from rnnvis.recording.sentence import TextTooLong, evaluate_text, to_json
from rnnvis.modelling.modeldir import model_dir


def _brute(name):
    """Independent aggregation: record everything at once, then loop over words."""
    tm = load_trained(name)
    ev = open_evaluation(name, "test")
    tokens = ev.store.tokens
    if tm.config.task == "language_model":
        rec = record(tm.model, tm.config, tokens, batch_streams=64, progress=False)
    else:
        offsets = ev.store.dataset("doc_offsets")
        docs = [tokens[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
        rec = record(tm.model, tm.config, docs, batch_streams=64, progress=False)
    return tm, ev, rec


@pytest.mark.parametrize("name", ["lm", "cls"])
def test_stored_states_equal_recording(use_home, name, tmp_path):
    tm, ev, rec = _brute(name)
    assert np.array_equal(ev.store.tokens, rec.tokens)
    for layer, arrays in enumerate(rec.layers):
        for key in ev.kinds:
            np.testing.assert_allclose(ev.store.array(layer, key), arrays[key], atol=1e-6)
    plain = tmp_path / "plain.txt"
    plain.write_text("x")            # the store gets a new file's usual mode, not 0600
    assert store_path(tm, "test").stat().st_mode == plain.stat().st_mode


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_read_rows_into_a_slice_equals_rows(tmp_path, dtype):
    """Rows written into column slices of one wide float32 block, through the reused staging
    buffer (small, then larger, then empty ranges), equal the plain reads."""
    from types import SimpleNamespace

    from rnnvis.recording.statestore import StateStore, StoreWriter

    rng = np.random.default_rng(0)
    n, units = 300, [5, 3]
    w = StoreWriter(tmp_path / "s.h5", n_tokens=n, units=units, keys=[("h",), ("h",)],
                    store_states=True, dtype=dtype, attrs={"fingerprint": "t"}, lm=True)
    layers = [{"h": rng.normal(size=(n, u)).astype(np.float32)} for u in units]
    w.write_chunk(SimpleNamespace(positions=np.arange(n), tokens=np.zeros(n, np.int32),
                                  starts=np.zeros(n, bool), next_prob=np.zeros(n, np.float32),
                                  next_loss=np.zeros(n, np.float32), layers=layers,
                                  class_probs=None, doc_ids=[]))
    w.f.create_dataset("responses/counts", data=np.zeros(2, np.int64))
    store = StateStore(w.commit())
    block = np.full((200, 8), np.nan, np.float32)
    for start, stop in ((10, 40), (50, 250), (299, 300), (7, 7)):
        store.read_rows(0, "h", start, stop, block[:stop - start, :5])
        store.read_rows(1, "h", start, stop, block[:stop - start, 5:])
        expected = np.hstack([store.rows(0, "h", start, stop), store.rows(1, "h", start, stop)])
        np.testing.assert_array_equal(block[:stop - start], expected)
        np.testing.assert_allclose(expected[:, :5], layers[0]["h"][start:stop],
                                   atol=2e-3 if dtype == "float16" else 0)
    shift = np.linspace(-1, 1, 3).astype(np.float32)         # minus a shift, in the same pass
    store.read_rows(1, "h", 20, 90, block[:70, 5:], shift)
    np.testing.assert_allclose(block[:70, 5:], store.rows(1, "h", 20, 90) - shift, rtol=1e-6)
    store.close()


def test_classifier_documents_with_padding_ids(use_home, monkeypatch):
    """Padding (id 0) inside a document is never fed; offsets still match the stored rows."""
    import rnnvis.data

    real = rnnvis.data.load_dataset

    def padded(cfg, vocab=None):
        corpus = real(cfg, vocab)
        docs, labels = corpus.splits["valid"]
        corpus.splits["valid"] = ([np.insert(np.asarray(d), [0, len(d)], 0) for d in docs], labels)
        return corpus

    monkeypatch.setattr(rnnvis.data, "load_dataset", padded)
    tm = load_trained("cls")
    docs, _ = real(tm.config).splits["valid"]
    try:
        evaluate_model("cls", "valid", dtype="float32", progress=False)
        ev = open_evaluation("cls", "valid")
        lengths = [len(d) for d in docs]
        np.testing.assert_array_equal(ev.store.dataset("doc_offsets"), np.cumsum([0] + lengths))
        np.testing.assert_array_equal(ev.store.tokens, np.concatenate(docs))
        expected = record(tm.model, tm.config, docs, progress=False)
        np.testing.assert_allclose(ev.store.array(1, "h"), expected.layers[1]["h"], atol=1e-6)
        np.testing.assert_allclose(ev.store.dataset("class_probs"), expected.class_probs, atol=1e-6)
    finally:
        store_path(tm, "valid").unlink(missing_ok=True)


@pytest.mark.parametrize("name", ["lm", "cls"])
def test_responses_equal_brute_force(use_home, name):
    tm, ev, rec = _brute(name)
    for layer in range(2):
        for kind in ev.kinds:
            res = ev.responses(layer, kind)
            values = rec.delta(layer, kind) if kind in ("h", "c") else rec.layers[layer][kind]
            for wid in range(len(tm.vocab)):
                rows = values[rec.tokens == wid]
                assert res.counts[wid] == len(rows)
                if len(rows):
                    np.testing.assert_allclose(res.mean[wid], rows.mean(0), atol=1e-6)
                    np.testing.assert_allclose(res.std[wid], rows.std(0), atol=1e-5)


def test_aggregator_is_independent_of_chunking():
    rng = np.random.default_rng(0)
    n, vocab, units = 500, 13, 4
    tokens = rng.integers(0, vocab, n)
    h, prev = rng.normal(size=(n, units)), rng.normal(size=(n, units))
    whole = ResponseAggregator(vocab, [units], [("h",)]).update(tokens, [{"h": h, "h_prev": prev}])
    parts = ResponseAggregator(vocab, [units], [("h",)])
    for a, b in ((0, 7), (7, 300), (300, 500)):
        parts.update(tokens[a:b], [{"h": h[a:b], "h_prev": prev[a:b]}])
    r1, r2 = whole.result(0, "h"), parts.result(0, "h")
    np.testing.assert_allclose(r1.mean, r2.mean, atol=1e-12)
    np.testing.assert_allclose(r1.std, r2.std, atol=1e-9)
    for w in range(vocab):
        d = (h - prev)[tokens == w]
        np.testing.assert_allclose(r1.mean[w], d.mean(0) if len(d) else 0, atol=1e-12)
    # memory is per word, not per token
    assert all(a.shape == (vocab, units) for a in (parts.sums_[0]["h"], parts.sumsq_[0]["h"]))


def test_word_and_unit_statistics_equal_brute_force(use_home):
    tm, ev, rec = _brute("lm")
    word = ev.top_words(3)[1]
    wid = tm.vocab.id(word)
    stats = ev.word_stats(word, 1, "c")
    rows = rec.delta(1, "c")[rec.tokens == wid]
    assert stats["count"] == len(rows)
    for p in PERCENTILES:
        np.testing.assert_allclose(stats["percentiles"][str(p)], np.percentile(rows, p, axis=0),
                                   atol=1e-6)
    unit = ev.unit_stats(2, 0, "h", top=3, min_count=1)
    mean = ev.responses(0, "h").mean[:, 2]
    seen = np.flatnonzero(ev.store.counts > 0)
    best = seen[np.argsort(-mean[seen])][:3]
    assert [r["word"] for r in unit["positive"]] == [tm.vocab.words[i] for i in best]
    worst = seen[np.argsort(mean[seen])][:3]
    assert [r["word"] for r in unit["negative"]] == [tm.vocab.words[i] for i in worst]
    top = unit["positive"][0]
    vals = rec.delta(0, "h")[rec.tokens == tm.vocab.id(top["word"]), 2]
    assert top["box"]["p50"] == pytest.approx(np.median(vals), abs=1e-6)


def test_top_words_have_no_cap(use_home):
    ev = open_evaluation("lm", "test")
    seen = int((ev.store.counts > 0).sum())
    assert len(ev.top_words()) == seen
    counts = [ev.store.counts[ev.tm.vocab.id(w)] for w in ev.top_words()]
    assert counts == sorted(counts, reverse=True)


def test_lm_next_token_metrics(use_home):
    ev = open_evaluation("lm", "test")
    loss = ev.store.dataset("next_loss")
    assert np.isnan(loss[-1]) and np.all(np.isfinite(loss[:-1]))
    metrics = json.loads(ev.store.attrs["metrics"])
    assert metrics["perplexity"] == pytest.approx(np.exp(np.nanmean(loss)), rel=1e-4)


def test_store_is_reused_then_rebuilt_when_model_changes(use_home, tmp_path):
    shutil.copytree(use_home / "models" / "lm", tmp_path / "backup")
    try:
        again = evaluate_model("lm", "test", dtype="float32", progress=False)
        assert again.reused
        assert not evaluate_model("lm", "test", dtype="float16", progress=False).reused  # new options
        mdir = model_dir("lm")
        tm = load_trained("lm")
        weights = tm.model.get_weights()
        tm.model.set_weights([w + 0.01 for w in weights])
        tm.model.save_weights(mdir.weights_path)
        with pytest.raises(UserError, match="stale"):
            open_evaluation("lm", "test")
        rebuilt = evaluate_model("lm", "test", dtype="float32", progress=False)
        assert not rebuilt.reused
        ev = open_evaluation("lm", "test")
        assert ev.store.attrs["fingerprint"] != ""
    finally:
        shutil.rmtree(use_home / "models" / "lm")
        shutil.copytree(tmp_path / "backup", use_home / "models" / "lm")


def test_interrupted_evaluation_leaves_no_complete_looking_store(use_home, monkeypatch):
    from rnnvis.recording import statestore

    path = store_path(load_trained("cls"), "valid")
    calls = {"n": 0}
    real = statestore.StoreWriter.write_chunk

    def dying(self, chunk):
        calls["n"] += 1
        real(self, chunk)
        raise KeyboardInterrupt

    monkeypatch.setattr(statestore.StoreWriter, "write_chunk", dying)
    with pytest.raises(KeyboardInterrupt):
        evaluate_model("cls", "valid", progress=False)
    assert calls["n"] == 1
    assert not path.exists() and not list(path.parent.glob(".tmp-*"))
    monkeypatch.undo()
    monkeypatch.setenv("RNNVIS_HOME", str(use_home))
    # a file left by a kill -9 mid-write is marked incomplete: never used, rebuilt
    with h5py.File(path, "w") as f:
        f.attrs["complete"] = False
    with pytest.raises(UserError, match="incomplete"):
        open_evaluation("cls", "valid")
    assert not evaluate_model("cls", "valid", progress=False).reused
    assert open_evaluation("cls", "valid").store.attrs["complete"]
    path.unlink()


def test_no_store_keeps_only_aggregates(use_home):
    evaluate_model("cls", "train", store=False, progress=False)
    ev = open_evaluation("cls", "train")
    assert not ev.store.has_states and ev.responses(0, "h").mean.shape[1] == 7
    stats = ev.word_stats("good", 0, "h")
    assert "percentiles" not in stats and stats["count"] > 0
    with pytest.raises(UserError, match="--no-store"):
        ev.store.array(0, "h")
    store_path(ev.tm, "train").unlink()


def test_classifier_probabilities_and_accuracy(use_home):
    ev = open_evaluation("cls", "test")
    probs, labels = ev.store.dataset("class_probs"), ev.store.dataset("labels")
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-5)
    metrics = json.loads(ev.store.attrs["metrics"])
    assert metrics["accuracy"] == pytest.approx(float((probs.argmax(1) == labels).mean()))


def test_bad_inputs(use_home):
    with pytest.raises(NotFound, match="unknown model 'nope'"):
        evaluate_model("nope")
    with pytest.raises(UserError, match="bad model name"):
        evaluate_model("../lm")
    with pytest.raises(UserError, match="split: got 'dev'"):
        evaluate_model("lm", "dev")
    with pytest.raises(UserError, match="max_tokens: got 0"):
        evaluate_model("lm", "test", 0)
    with pytest.raises(NotFound, match="no evaluation of the valid split"):
        open_evaluation("lm", "valid")
    ev = open_evaluation("lm", "test")
    with pytest.raises(UserError, match=r"layer: got 2; model 'lm' has layers 0\.\.1"):
        ev.responses(2, "h")
    with pytest.raises(UserError, match="state: got 'z'; allowed for lstm: h, c, i, f, o, g"):
        ev.responses(0, "z")
    with pytest.raises(NotFound, match="not in the vocabulary"):
        ev.word_stats("zebra", 0)
    with pytest.raises(UserError, match=r"unit: got 7; layer 1 has units 0\.\.4"):
        ev.unit_stats(7, 1)
    # a model whose training never finished
    mdir = model_dir("lm")
    shutil.copytree(mdir.root, mdir.root.parent / "half")
    half = model_dir("half")
    half.metrics_path.unlink()
    try:
        with pytest.raises(UserError, match="not trained yet"):
            evaluate_model("half")
    finally:
        shutil.rmtree(half.root)


def test_sentence_evaluation_matches_recorder(use_home):
    tm = load_trained("lm")
    out = evaluate_text(tm, "aaXaaYbbbb")
    assert out["tokens"] == list("aaXaaYbbbb") and not any(out["oov"])
    rec = record(tm.model, tm.config, np.array(out["ids"]), batch_streams=1, progress=False)
    for layer in range(2):
        np.testing.assert_allclose(out["layers"][layer]["h"], rec.layers[layer]["h"], atol=1e-6)
        np.testing.assert_allclose(out["layers"][layer]["dc"], rec.delta(layer, "c"), atol=1e-6)
        assert set(out["layers"][layer]) >= {"h", "dh", "c", "dc", "i", "f", "o", "g"}
    flagged = evaluate_text(tm, "aaQa")
    assert flagged["oov"] == [False, False, True, False]
    encoded = json.dumps(to_json(flagged))
    assert "NaN" not in encoded
    with pytest.raises(UserError, match="empty text"):
        evaluate_text(tm, "   ")
    with pytest.raises(UserError, match="every word is out of the vocabulary"):
        evaluate_text(tm, "QQQ")
    with pytest.raises(TextTooLong, match="got 2001 tokens; at most 2000"):
        evaluate_text(tm, "a" * 2001)
    cls = evaluate_text(load_trained("cls"), "very good film")
    assert cls["tokens"] == ["very", "good", "film"]
    assert cls["class_probs"].shape == (2,)


def test_bipartite_graph_filters_and_exports(tmp_path):
    rng = np.random.default_rng(3)
    m = rng.normal(size=(6, 4))
    words = [f"w{i}" for i in range(6)]
    g = bipartite_graph(m, words, threshold=0.5)
    expected = {(f"w:w{r}", f"u:0:{c}") for r, c in zip(*np.nonzero(np.abs(m) >= 0.5))}
    assert {tuple(sorted(e, key=lambda n: n[0] != "w")) for e in g.edges} == expected
    for a, b, d in g.edges(data=True):
        w, u = (a, b) if a.startswith("w:") else (b, a)
        s = m[int(w[3:]), int(u.split(":")[2])]
        assert d["response"] == pytest.approx(s) and d["sign"] == np.sign(s)
    top = bipartite_graph(m, words, top_k=2)
    assert all(top.degree(f"w:{w}") == 2 for w in words)
    assert nx.is_bipartite(top)
    write_graph(top, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_edges() == top.number_of_edges()
    write_graph(top, tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    assert len(data["edges"]) == top.number_of_edges()
    with pytest.raises(UserError, match="use a .graphml or .json"):
        write_graph(top, tmp_path / "g.txt")
    with pytest.raises(UserError, match="NaN or inf"):
        bipartite_graph(np.full((1, 2), np.nan), ["x"])
