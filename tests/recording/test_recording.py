"""The compiled recorder against Keras's own forward pass and the numpy reference."""

import numpy as np
import pytest

from rnnvis.recording import reference
from rnnvis.modelling.config import parse_config
from rnnvis.modelling.models import build_model, recurrent_layers, zero_states
from rnnvis.modelling.cells import all_fields
from rnnvis.recording.recorder import Recorder, get_recorder, iter_record, record, record_text
from rnnvis.recording.sequence import bucket

import keras  # noqa: E402  (after rnnvis.modelling.models selects the backend)
import tensorflow as tf  # noqa: E402

VOCAB, CLASSES = 30, 3
CELLS = ("rnn", "lstm", "gru")
#: and a GRU with Keras reset_after=False (the reset gate before the recurrent matmul)
WITH_GRU_V1 = CELLS + ("gru-v1",)


def tol(cell):
    return 1e-4 if cell == "rnn" else 1e-5


def make(cell, layers, task, seed=0):
    lm = task == "language_model"
    kind, v1 = cell.split("-")[0], cell.endswith("-v1")
    cfg = parse_config({
        "name": f"t-{kind}", "task": task, "data": {"dataset": "ptb" if lm else "imdb"},
        "model": {"cell": kind, "layers": layers, "embedding_size": 8, "init_scale": 0.4,
                  **({"reset_after": False} if v1 else {})},
        "train": {"seed": seed}})
    model = build_model(cfg, VOCAB, None if lm else CLASSES)
    rng = np.random.default_rng(seed + 1)
    for layer in model.layers:   # non-zero biases everywhere (GRU: both bias rows)
        weights = layer.get_weights()
        if weights:
            layer.set_weights([w + rng.normal(0, 0.3, w.shape).astype("float32")
                               if w.ndim == 1 or w.shape[0] == 2 else w for w in weights])
    return cfg, model


_MODELS = {}


def model_for(cell, nlayers, task):
    key = (cell, nlayers, task)
    if key not in _MODELS:
        _MODELS[key] = make(cell, [9, 6, 7, 5][:nlayers], task)
    return _MODELS[key]


def assert_close(actual, expected, atol, what=""):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    err = float(np.nanmax(np.abs(actual - expected))) if actual.size else 0.0
    assert err <= atol, f"{what}: max abs error {err:.3g} > {atol}"
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg=what)


def lm_probe(model):
    """The LM's own graph, exposing every recurrent layer's h sequence and final states."""
    outs = []
    for layer in recurrent_layers(model):
        outs.extend(layer.output)          # [sequence, h, (c)]
    return keras.Model(model.inputs, outs + [model.outputs[0]])


def keras_layers(model, docs):
    """Keras layers re-run per document (clones returning every step), from the zero state."""
    emb = model.get_layer("embedding").get_weights()[0]
    result = []
    for doc in docs:
        x, per_layer = emb[np.asarray(doc)][None], []
        if not len(doc):
            result.append(None)
            continue
        for layer in recurrent_layers(model):
            clone = type(layer).from_config({**layer.get_config(), "return_sequences": True,
                                              "return_state": True})
            clone.build(x.shape)
            clone.set_weights(layer.get_weights())
            out = [np.asarray(o) for o in clone(x)]
            per_layer.append(out)
            x = out[0]
        result.append(per_layer)
    return result


def rng_tokens(n, seed=0, low=0):
    return np.random.default_rng(seed).integers(low, VOCAB, n).astype(np.int32)


DOCS = [rng_tokens(n, seed=n, low=1) for n in (5, 17, 1, 0, 9, 23, 3)]


def padded(docs, width=30):
    out = np.zeros((len(docs), width), np.int32)
    for i, d in enumerate(docs):
        out[i, :len(d)] = d
    return out


# ------------------------------------------------------------------ language models

@pytest.mark.parametrize("nlayers", [1, 2])
@pytest.mark.parametrize("cell", WITH_GRU_V1)
def test_lm_matches_keras_forward(cell, nlayers):
    cfg, model = model_for(cell, nlayers, "language_model")
    probe = lm_probe(model)
    per = 2 if cell == "lstm" else 1
    n, streams = 120, 4
    tokens = rng_tokens(n, seed=3)
    for b in (1, streams):
        rec = record(model, cfg, tokens, batch_streams=b, chunk_steps=11, progress=False)
        outs = [np.asarray(o) for o in probe([tokens.reshape(b, -1)] + zero_states(cfg, b))]
        for l in range(nlayers):
            seq, h_last = outs[l * (1 + per)], outs[l * (1 + per) + 1]
            units = seq.shape[-1]
            assert_close(rec.layers[l]["h"], seq.reshape(-1, units), tol(cell), f"{cell} B={b} h{l}")
            last = rec.layers[l]["h"].reshape(b, -1, units)[:, -1]
            assert_close(last, h_last, tol(cell), "final h")
            if cell == "lstm":
                c_last = rec.layers[l]["c"].reshape(b, -1, units)[:, -1]
                assert_close(c_last, outs[l * 3 + 2], tol(cell), f"final c{l}")
        logits = outs[-1].reshape(n, VOCAB).astype(np.float64)
        probs = np.exp(logits - logits.max(1, keepdims=True))
        probs /= probs.sum(1, keepdims=True)
        expected = np.append(probs[np.arange(n - 1), tokens[1:]], np.nan)
        assert_close(rec.next_prob, expected, 1e-5, "next_prob vs softmax(model logits)")
        assert_close(rec.next_loss, -np.log(expected), 1e-4, "next_loss")


@pytest.mark.parametrize("nlayers", [1, 2])
@pytest.mark.parametrize("cell", WITH_GRU_V1)
def test_lm_matches_reference(cell, nlayers):
    cfg, model = model_for(cell, nlayers, "language_model")
    if cell == "gru-v1":
        assert not model.get_layer("rnn_0").cell.reset_after
    tokens = rng_tokens(203, seed=4)           # not a multiple of the stream count
    rec = record(model, cfg, tokens, batch_streams=3, chunk_steps=13, progress=False)
    ref = reference.language_model(model, tokens, segments=3)
    for l in range(nlayers):
        assert set(rec.layers[l]) == set(all_fields(cfg.model.cell)) == set(ref["layers"][l])
        for key, expected in ref["layers"][l].items():
            assert_close(rec.layers[l][key], expected, tol(cell), f"{cell} layer {l} {key}")
    assert_close(rec.next_prob, ref["next_prob"], 1e-5, "next_prob")
    assert np.isnan(rec.next_prob[-1]) and np.isnan(rec.next_loss[-1])
    np.testing.assert_array_equal(rec.tokens, tokens)
    np.testing.assert_array_equal(np.flatnonzero(rec.starts), [0, 68, 136])


@pytest.mark.parametrize("nlayers", [3, 4])
@pytest.mark.parametrize("cell", CELLS)
def test_deep_stacks_any_chunk_length(cell, nlayers):
    """The layer wavefront with chunks shorter than the stack, for LMs and classifiers."""
    cfg, model = model_for(cell, nlayers, "language_model")
    tokens = rng_tokens(41, seed=9)
    ref = reference.language_model(model, tokens, segments=3)
    ccfg, cmodel = model_for(cell, nlayers, "classification")
    cref = reference.classifier(cmodel, DOCS)
    for steps in (1, 2, nlayers, 6):
        rec = record(model, cfg, tokens, batch_streams=3, chunk_steps=steps, progress=False)
        crec = record(cmodel, ccfg, DOCS, batch_streams=3, chunk_steps=steps, progress=False)
        for l in range(nlayers):
            for key in all_fields(cell):
                assert_close(rec.layers[l][key], ref["layers"][l][key], tol(cell),
                             f"LM chunk_steps={steps} layer {l} {key}")
                assert_close(crec.layers[l][key], cref["layers"][l][key], tol(cell),
                             f"classifier chunk_steps={steps} layer {l} {key}")
        assert_close(rec.next_prob, ref["next_prob"], 1e-5, f"chunk_steps={steps} next_prob")
        assert_close(crec.class_probs, cref["class_probs"], 1e-5, f"chunk_steps={steps} class_probs")


# ------------------------------------------------------------------ classifiers

@pytest.mark.parametrize("nlayers", [1, 2])
@pytest.mark.parametrize("cell", WITH_GRU_V1)
def test_classifier_matches_keras_and_reference(cell, nlayers):
    cfg, model = model_for(cell, nlayers, "classification")
    rec = record(model, cfg, DOCS, batch_streams=3, chunk_steps=4, progress=False)
    lengths = [len(d) for d in DOCS]
    np.testing.assert_array_equal(rec.doc_offsets, np.cumsum([0] + lengths))
    np.testing.assert_array_equal(rec.tokens, np.concatenate(DOCS))
    # class probabilities: the model itself on right-padded documents
    assert_close(rec.class_probs, model.predict(padded(DOCS), verbose=0), 1e-5, "class_probs")
    # every state and gate: the numpy reference
    ref = reference.classifier(model, DOCS)
    assert_close(rec.class_probs, ref["class_probs"], 1e-5, "class_probs vs reference")
    for l in range(nlayers):
        for key, expected in ref["layers"][l].items():
            assert_close(rec.layers[l][key], expected, tol(cell), f"{cell} layer {l} {key}")
    # hidden states per step: Keras layers run on each document alone, from zero state
    for d, per_layer in enumerate(keras_layers(model, DOCS)):
        if per_layer is None:
            continue
        rows = slice(rec.doc_offsets[d], rec.doc_offsets[d + 1])
        for l, outs in enumerate(per_layer):
            assert_close(rec.layers[l]["h"][rows], outs[0][0], tol(cell), f"doc {d} h{l}")
            if cell == "lstm":
                assert_close(rec.layers[l]["c"][rows][-1], outs[2][0], tol(cell), f"doc {d} c{l}")
    # each document starts from the zero state
    starts = rec.doc_offsets[:-1][np.array(lengths) > 0]
    np.testing.assert_array_equal(np.flatnonzero(rec.starts), starts)
    for l in range(nlayers):
        assert not rec.layers[l]["h_prev"][starts].any()


def test_classifier_padding_and_neighbours_do_not_matter():
    cfg, model = model_for("lstm", 2, "classification")
    rec = record(model, cfg, DOCS, batch_streams=2, progress=False)
    from_padded = record(model, cfg, padded(DOCS, width=40), batch_streams=5, progress=False)
    for key in ("h", "c", "f"):
        assert_close(from_padded.layers[1][key], rec.layers[1][key], 1e-6, key)
    assert_close(from_padded.class_probs, rec.class_probs, 1e-6, "class_probs")
    for d in (1, 5):
        alone = record_text(model, cfg, np.append(DOCS[d], [0, 0, 0]))
        rows = slice(rec.doc_offsets[d], rec.doc_offsets[d + 1])
        assert_close(alone.layers[1]["h"], rec.layers[1]["h"][rows], 1e-6, f"doc {d} alone")
        assert_close(alone.class_probs[0], rec.class_probs[d], 1e-6, "alone probs")


# ------------------------------------------------------------------ streaming

@pytest.mark.parametrize("task", ["language_model", "classification"])
def test_chunks_reassemble_in_corpus_order(task):
    cfg, model = model_for("gru", 2, task)
    data = rng_tokens(157, seed=5) if task == "language_model" else DOCS
    full = record(model, cfg, data, batch_streams=4, chunk_steps=1000, progress=False)
    n = len(full)
    for steps in (3, 16, None):
        seen = np.zeros(n, int)
        layers = [{k: np.full_like(v, np.nan) for k, v in lay.items()} for lay in full.layers]
        probs = np.full(n, np.nan, np.float32)
        docs = {}
        for chunk in iter_record(model, cfg, data, batch_streams=4, chunk_steps=steps,
                                 progress=False):
            p = chunk.positions
            assert (np.diff(p) > 0).all()
            seen[p] += 1
            np.testing.assert_array_equal(chunk.tokens, full.tokens[p])
            np.testing.assert_array_equal(chunk.starts, full.starts[p])
            for dst, src in zip(layers, chunk.layers):
                for k in dst:
                    dst[k][p] = src[k]
            if chunk.next_prob is not None:
                probs[p] = chunk.next_prob
            if chunk.doc_ids is not None:
                docs.update(zip(chunk.doc_ids.tolist(), chunk.class_probs))
        assert (seen == 1).all()
        for got, want in zip(layers, full.layers):
            for k in want:
                assert_close(got[k], want[k], 1e-6, f"chunk_steps={steps} {k}")
        if task == "language_model":
            assert_close(probs, full.next_prob, 1e-6, "next_prob")
        else:
            nonempty = [d for d, doc in enumerate(DOCS) if len(doc)]
            assert sorted(docs) == nonempty
            assert_close(np.array([docs[d] for d in nonempty]), full.class_probs[nonempty], 1e-6, "probs")


def test_single_stream_and_warmup():
    cfg, model = model_for("lstm", 2, "language_model")
    tokens = rng_tokens(150, seed=6)
    one = record(model, cfg, tokens, batch_streams=1, progress=False)
    ref = reference.language_model(model, tokens, segments=1)
    assert_close(one.layers[1]["c"], ref["layers"][1]["c"], 1e-5, "B=1 is one continuous stream")
    # a warm-up reaching back to the start makes parallel streams equal one stream
    warm = record(model, cfg, tokens, batch_streams=5, warmup=150, chunk_steps=7, progress=False)
    for key in ("h", "c", "h_prev", "o"):
        assert_close(warm.layers[1][key], one.layers[1][key], 1e-5, f"warmup {key}")
    assert np.flatnonzero(warm.starts).tolist() == [0]
    # a short warm-up: segment starts no longer begin from zero
    short = record(model, cfg, tokens, batch_streams=5, warmup=4, progress=False)
    assert np.abs(short.layers[0]["h_prev"][30]).max() > 0
    ref5 = reference.language_model(model, tokens, segments=5)
    assert_close(short.layers[0]["h"][:30], ref5["layers"][0]["h"][:30], 1e-5, "first segment")


def test_delta_and_fields():
    cfg, model = model_for("lstm", 2, "language_model")
    tokens = rng_tokens(90, seed=7)
    full = record(model, cfg, tokens, batch_streams=3, progress=False)
    slim = record(model, cfg, tokens, batch_streams=3, fields=("h", "c"), next_token=False,
                  progress=False)
    assert set(slim.layers[0]) == {"h", "c"} and slim.next_prob is None
    for key in ("h", "c"):
        expected = full.layers[1][key] - full.layers[1][f"{key}_prev"]
        assert_close(full.delta(1, key), expected, 0, key)
        assert_close(slim.delta(1, key), expected, 1e-6, f"{key} delta from starts")
    assert_close(slim.layers[1]["h"], full.layers[1]["h"], 1e-6, "fields do not change values")


def test_weights_are_read_live():
    cfg, model = make("gru", [7], "language_model", seed=3)
    tokens = rng_tokens(40, seed=8)
    before = record(model, cfg, tokens, batch_streams=2, progress=False)
    layer = recurrent_layers(model)[0]
    layer.set_weights([w * 1.5 + 0.1 for w in layer.get_weights()])
    after = record(model, cfg, tokens, batch_streams=2, progress=False)
    ref = reference.language_model(model, tokens, segments=2)
    assert np.abs(after.layers[0]["h"] - before.layers[0]["h"]).max() > 1e-3
    assert_close(after.layers[0]["z"], ref["layers"][0]["z"], 1e-5, "after set_weights")


def test_record_text_traces_once_per_bucket_of_lengths():
    cfg, model = make("lstm", [9, 6], "language_model", seed=5)
    recorder = Recorder(model, cfg)
    lengths = (5, 17, 40, 3, 64, 65, 100, 1, 129, 12)
    for n in lengths:
        tokens = rng_tokens(n, seed=n)
        rec = recorder.record_text(tokens)
        ref = reference.language_model(model, tokens)
        assert_close(rec.layers[1]["h"], ref["layers"][1]["h"], 1e-5, f"n={n}")
        assert_close(rec.next_prob[:-1], ref["next_prob"][:-1], 1e-5, f"n={n} next_prob")
        assert np.isnan(rec.next_prob[-1])
    assert sorted({bucket(n) for n in lengths}) == [64, 128, 256]
    assert recorder._sequence.tracing_count() == 3      # one per bucket, not per length
    assert bucket(2000) == 2048 and bucket(1025) == 2048 and bucket(1024) == 1024


@pytest.mark.parametrize("nlayers", [1, 3])
@pytest.mark.parametrize("cell", WITH_GRU_V1)
def test_record_text_matches_reference(cell, nlayers):
    """The single-stream path (layer by layer, XLA) against the numpy reference: LM and classifier."""
    cfg, model = model_for(cell, nlayers, "language_model")
    tokens = rng_tokens(21, seed=11)
    rec = record_text(model, cfg, tokens)
    ref = reference.language_model(model, tokens)
    for l in range(nlayers):
        assert set(rec.layers[l]) == set(ref["layers"][l])
        for key, expected in ref["layers"][l].items():
            assert_close(rec.layers[l][key], expected, tol(cell), f"{cell} layer {l} {key}")
    assert_close(rec.next_prob, ref["next_prob"], 1e-5, "next_prob")
    assert rec.starts.tolist() == [True] + [False] * 20
    slim = record_text(model, cfg, tokens, fields=("h",), next_token=False)
    assert set(slim.layers[0]) == {"h"} and slim.next_prob is None
    ccfg, cmodel = model_for(cell, nlayers, "classification")
    cref = reference.classifier(cmodel, [DOCS[5]])
    crec = record_text(cmodel, ccfg, np.append(DOCS[5], [0, 0]))   # right padding is not fed
    for key, expected in cref["layers"][-1].items():
        assert_close(crec.layers[-1][key], expected, tol(cell), f"{cell} classifier {key}")
    assert_close(crec.class_probs, cref["class_probs"], 1e-5, "class_probs")
    assert crec.doc_offsets.tolist() == [0, len(DOCS[5])]


def test_sentence_steps_read_only_the_recurrent_kernels():
    """At batch 1 a step's cost is reading its kernels: each layer's input projection is one
    product over the whole sequence, so a step of the loop has a single matmul (the recurrent
    one), never the wavefront's per-step input projection of the upper layers."""
    cfg, model = model_for("lstm", 3, "language_model")
    run = get_recorder(model, cfg)
    run.record_text(rng_tokens(7))
    concrete = run._sequence.fn.get_concrete_function(tf.TensorSpec([64], tf.int32),
                                                      tf.TensorSpec([], tf.int32))
    library = concrete.graph.as_graph_def().library.function
    bodies = [f for f in library if "body" in f.signature.name]
    assert len(bodies) == 3                                  # one loop per layer
    for body in bodies:
        matmuls = [node for node in body.node_def if node.op in ("MatMul", "BatchMatMulV2")]
        assert len(matmuls) == 1, body.signature.name
    outer = [op.type for op in concrete.graph.get_operations()]
    assert outer.count("MatMul") == 3                        # the three input projections


# ------------------------------------------------------------------ errors

def test_clear_errors():
    cfg, model = model_for("rnn", 1, "language_model")
    ccfg, cmodel = model_for("rnn", 1, "classification")
    cases = [
        (lambda: record(model, cfg, np.array([], int)), "empty token array"),
        (lambda: record(model, cfg, [1, 2, VOCAB]), f"token id {VOCAB} out of range"),
        (lambda: record(model, cfg, [1, -1]), "token id -1 out of range"),
        (lambda: record(model, cfg, [1.0, 2.0]), "integer token ids"),
        (lambda: record(model, cfg, np.ones((2, 3), int)), "1-D token stream"),
        (lambda: record(model, cfg, [1, 2], fields=("h", "q")), "'q'"),
        (lambda: record(model, cfg, [1, 2], batch_streams=0), "batch_streams: got 0"),
        (lambda: record(model, cfg, [1, 2], chunk_steps=0), "chunk_steps: got 0"),
        (lambda: record(cmodel, ccfg, np.array([1, 2])), "shape (2,)"),
        (lambda: record(cmodel, ccfg, [[0, 0]]), "every document is empty"),
        (lambda: record(cmodel, ccfg, [[1, 2]], warmup=3), "warmup: got 3"),
        (lambda: record(model, model_for("gru", 1, "language_model")[0], [1, 2]), "config says gru"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=None) as info:
            call()
        assert message in str(info.value), (message, str(info.value))
