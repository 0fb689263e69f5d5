"""State trajectories: projections against independent references, the typed-text path against
the sentence recorder, caching, the classifier's class separation, and bad inputs."""

import numpy as np
import pytest

from rnnvis.analysis.autoencoder import AutoencoderProjection
from rnnvis.analysis.projection import PCAProjection, UMAPProjection, restore_projection
from rnnvis.analysis.trajectoryview import (fitted_projection, project_text, sample_positions,
                                            separation, trajectory_cloud, _FITTED)
from rnnvis.errors import NoStates, ParamError, UserError
from rnnvis.modelling.manager import load_trained
from rnnvis.recording.evaluation import open_evaluation
from rnnvis.recording.sentence import evaluate_text


def _states(n=400, d=12, seed=0):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 2)) * [3.0, 1.5]
    return (np.tanh(latent @ rng.normal(size=(2, d))) + 0.05 * rng.normal(size=(n, d))).astype(np.float32)


def test_pca_equals_the_eigenvectors_of_the_covariance():
    X = _states()
    p = PCAProjection(3).fit(X)
    Xc = X.astype(np.float64) - X.mean(0)
    vals, vecs = np.linalg.eigh(np.cov(Xc.T))
    vals, vecs = vals[::-1], vecs[:, ::-1]
    for i in range(3):   # each axis up to its sign
        ref = Xc @ vecs[:, i]
        got = p.embedding_[:, i]
        assert abs(np.corrcoef(ref, got)[0, 1]) == pytest.approx(1.0, abs=1e-5)
        assert np.std(got) == pytest.approx(np.std(ref), rel=1e-4)
    np.testing.assert_allclose(p.quality_["explained_variance"], vals[:3] / vals.sum(), rtol=1e-4)
    assert p.quality_["total"] > 0.9   # two latent directions carry almost everything
    again = restore_projection("pca", p.to_arrays(), 3, 0)
    np.testing.assert_allclose(again.transform(X[:5]), p.transform(X[:5]), rtol=1e-6)


def test_autoencoder_encoder_in_numpy_equals_keras_and_reconstructs():
    X = _states(n=600)
    ae = AutoencoderProjection(2, random_state=1)
    ae.epochs = 60
    ae.fit(X)
    keras_codes = ae.encoder_.predict(X, verbose=0)
    np.testing.assert_allclose(ae.transform(X), keras_codes, atol=1e-4)
    assert ae.embedding_.shape == (600, 2)
    # two latent factors: a 2-unit bottleneck keeps most of the variance
    assert ae.quality_["relative_error"] < 0.5
    assert ae.quality_["reconstruction_error"] == pytest.approx(
        ae.quality_["relative_error"] * X.var(0).mean(), rel=1e-3)
    again = restore_projection("autoencoder", ae.to_arrays(), 2, 1)
    np.testing.assert_allclose(again.transform(X[:7]), ae.transform(X[:7]), atol=1e-6)


def test_umap_projects_new_points_near_their_neighbours():
    X = _states(n=300)
    u = UMAPProjection(2, random_state=0).fit(X)
    assert u.embedding_.shape == (300, 2) and 0.5 < u.quality_["trustworthiness"] <= 1.0
    # a sample point projected again lands close to where it was drawn
    spread = np.ptp(u.embedding_, axis=0).max()
    assert np.abs(u.transform(X[:10]) - u.embedding_[:10]).max() < 0.25 * spread


def test_sample_positions_are_distinct_sorted_and_seeded():
    a = sample_positions(1000, 100, 3)
    assert len(set(a.tolist())) == 100 and np.all(np.diff(a) > 0)
    assert np.array_equal(a, sample_positions(1000, 100, 3))
    assert not np.array_equal(a, sample_positions(1000, 100, 4))
    assert np.array_equal(sample_positions(10, 100, 0), np.arange(10))


# ------------------------------------------------------------------ on stored states

def test_cloud_is_the_projection_of_the_sampled_states(use_pair_home):
    out = trajectory_cloud("lm", layer=1, state="c", sample=200, seed=2, unit=3)
    ev = open_evaluation("lm", "test")
    pos = np.array(out["points"]["positions"])
    assert np.array_equal(pos, sample_positions(len(ev.store.tokens), 200, 2))
    states = ev.store.array(1, "c")[pos]
    ref = PCAProjection(2).fit(states)
    got = np.array(out["points"]["coords"])
    for i in range(2):
        assert abs(np.corrcoef(got[:, i], ref.embedding_[:, i])[0, 1]) == pytest.approx(1, abs=1e-4)
    np.testing.assert_allclose(out["points"]["values"], states[:, 3], atol=1e-4)
    np.testing.assert_allclose(np.array(out["points"]["loss"], dtype=float), ev.store.dataset("next_loss")[pos],
                               atol=1e-4)
    words = ev.tm.vocab.words
    assert out["points"]["words"] == [words[t] for t in ev.store.tokens[pos]]
    assert all(f"[{w}]" in c for w, c in zip(out["points"]["words"], out["points"]["context"]))
    assert out["points"]["cls"] is None and out["classes"] is None
    assert out["method"] == "pca" and len(out["quality"]["explained_variance"]) == 2


def test_typed_text_path_equals_the_projection_of_its_recorded_states(use_pair_home):
    params = dict(layer=0, state="h", sample=300, seed=0)
    out = project_text("lm", text="aaXaYbb", **params)
    f = fitted_projection("lm", **params)
    recorded = evaluate_text(load_trained("lm"), "aaXaYbb")["layers"][0]["h"]
    np.testing.assert_allclose(out["coords"], f.projection.transform(recorded), atol=1e-4)
    assert out["tokens"] == list("aaXaYbb") and len(out["coords"]) == 7


def test_typed_paths_skip_the_next_token_softmax(use_pair_home, monkeypatch):
    """A path or a units heatmap needs the states only: no softmax over the vocabulary."""
    from rnnvis.analysis.unitview import text_heatmap
    from rnnvis.recording.recorder import Recorder

    def softmax_called(*_):
        raise AssertionError("the next-token softmax ran")

    assert "next_prob" in evaluate_text(load_trained("lm"), "aaXaYbb")   # the sentence view's
    monkeypatch.setattr(Recorder, "_next_token", softmax_called)
    assert len(project_text("lm", text="aaXaYbb", layer=1, sample=300)["coords"]) == 7
    assert len(text_heatmap("lm", text="aaXaYbb", layer=1, state="h")["values"]) == 7
    with pytest.raises(AssertionError, match="softmax ran"):
        evaluate_text(load_trained("lm"), "aaXaYbb")


def test_projections_are_cached_beside_the_store(use_pair_home):
    params = dict(layer=1, state="h", method="autoencoder", sample=150, seed=4)
    first = trajectory_cloud("lm", **params)
    cached = list((use_pair_home / "models" / "lm" / "cache" / "projections").glob("*.npz"))
    assert cached
    _FITTED.clear()                  # a restarted server reads the file, it does not refit
    again = trajectory_cloud("lm", **params)
    assert again["points"]["coords"] == first["points"]["coords"]
    assert again["quality"] == first["quality"] and "relative_error" in first["quality"]
    text = project_text("lm", text="aXb", **params)
    assert len(text["coords"]) == 3 and len(text["coords"][0]) == 2


def test_classifier_cloud_and_class_paths(use_pair_home):
    out = trajectory_cloud("senti", sample=500, docs=2, dims=3)
    ev = open_evaluation("senti", "test")
    offsets, labels = ev.store.dataset("doc_offsets"), ev.store.dataset("labels")
    pos = np.array(out["points"]["positions"])
    assert out["points"]["cls"] == labels[np.searchsorted(offsets, pos, side="right") - 1].tolist()
    assert out["classes"] == ["neg", "pos"] and len(out["quality"]["explained_variance"]) == 3
    paths = out["class_paths"]
    assert sorted(p["cls"] for p in paths) == [0, 0, 1, 1]
    for p in paths:
        a, b = offsets[p["doc"]], offsets[p["doc"] + 1]
        assert len(p["coords"]) == len(p["words"]) == b - a and len(p["coords"][0]) == 3


def test_end_of_document_states_separate_the_classes(use_pair_home):
    out = separation("senti", sample=2000)
    assert out["model_accuracy"] > 0.9
    # the 2-D picture keeps what the classifier decides on
    assert out["projection_accuracy"] >= out["model_accuracy"] - 0.05, out


@pytest.mark.parametrize("call,error,message", [
    (lambda: trajectory_cloud("lm", split="valid"), NoStates,
     r"kept aggregates only \(--no-store\); projections need every state: run python manage.py "
     r"evaluate lm --split valid --force"),
    (lambda: trajectory_cloud("lm", method="tsne"), ParamError,
     "method: got 'tsne'; expected one of: pca, umap, autoencoder"),
    (lambda: trajectory_cloud("lm-gru", state="c"), UserError, "a gru model has no cell state; use h"),
    (lambda: trajectory_cloud("lm", unit=7, layer=1), ParamError, r"unit: got 7; layer 1 has units 0..4"),
    (lambda: trajectory_cloud("lm", docs=2), ParamError, "docs: only classifiers have documents"),
    (lambda: project_text("lm", text="zzz qqq"), UserError, "every word is out of the vocabulary"),
    (lambda: separation("lm"), UserError, "is not a classifier"),
])
def test_bad_trajectory_requests_say_why(use_pair_home, call, error, message):
    with pytest.raises(error, match=message):
        call()
