"""Linear CKA and unit matching: against direct formulas, invariances, planted structure, and on
the stored states of real (tiny) models, streamed."""

import numpy as np
import pytest
from scipy.stats import ortho_group

from rnnvis.analysis.cka import Moments, cka_matrix, correlations, linear_cka
from rnnvis.analysis.matching import match_units
from rnnvis.analysis.similarityview import similarity, unit_matching, _Pair
from rnnvis.cli import main
from rnnvis.errors import Incompatible, NoStates, UserError
from rnnvis.recording.evaluation import open_evaluation


def _hsic_cka(X, Y):
    """CKA from its definition with n x n Gram matrices: HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)),
    HSIC(K, L) = tr(K H L H) with the centring matrix H (Kornblith et al. 2019, eq. 3)."""
    n = len(X)
    H = np.eye(n) - np.ones((n, n)) / n
    K, L = X @ X.T, Y @ Y.T

    def hsic(A, B):
        return np.trace(A @ H @ B @ H)

    return hsic(K, L) / np.sqrt(hsic(K, K) * hsic(L, L))


def _pair(rng, n=60, d1=7, d2=5):
    X = rng.normal(size=(n, d1)) + rng.normal(size=d1) * 3   # offset: centring matters
    Y = np.tanh(X[:, :d2] @ rng.normal(size=(d2, d2))) + 0.3 * rng.normal(size=(n, d2))
    return X, Y


def test_linear_cka_equals_the_gram_matrix_definition():
    rng = np.random.default_rng(0)
    for _ in range(5):
        X, Y = _pair(rng)
        assert linear_cka(X, Y) == pytest.approx(_hsic_cka(X, Y), rel=1e-10)
    X, Y = _pair(rng)
    assert 0.0 < linear_cka(X, Y) < 1.0


def test_cka_of_a_layer_with_itself_is_one_and_zero_for_a_constant():
    rng = np.random.default_rng(1)
    X, _ = _pair(rng)
    assert linear_cka(X, X) == pytest.approx(1.0)
    assert linear_cka(X, np.ones((len(X), 3))) == 0.0


def test_cka_is_invariant_to_orthogonal_transforms_and_isotropic_scaling():
    rng = np.random.default_rng(2)
    X, Y = _pair(rng)
    Q = ortho_group.rvs(Y.shape[1], random_state=3)
    base = linear_cka(X, Y)
    assert linear_cka(X, Y @ Q) == pytest.approx(base, rel=1e-10)
    assert linear_cka(X, 7.5 * Y) == pytest.approx(base, rel=1e-10)
    assert linear_cka(0.01 * X @ ortho_group.rvs(X.shape[1], random_state=4), Y) == pytest.approx(base, rel=1e-10)
    # but not to an anisotropic scaling: the test can fail
    assert linear_cka(X, Y * np.array([10, 1, 1, 1, 1])) != pytest.approx(base, rel=1e-3)


def test_streamed_moments_equal_the_in_memory_cka():
    rng = np.random.default_rng(4)
    X, Y = _pair(rng, n=1000, d1=12, d2=9)
    Z = np.hstack([X, Y, X[:, :3] ** 2]).astype(np.float32) + 50.0   # a large mean
    m = Moments(Z.shape[1])
    for a in range(0, len(Z), 97):                                  # uneven blocks
        m.update(Z[a:a + 97])
    assert m.n == 1000
    np.testing.assert_allclose(m.mean(), Z.mean(0, dtype=np.float64), rtol=1e-6)
    Zc = Z.astype(np.float64) - Z.mean(0, dtype=np.float64)
    np.testing.assert_allclose(m.scatter(), Zc.T @ Zc, rtol=1e-4, atol=1e-3)
    cka = cka_matrix(m.scatter(), [12, 9, 3])
    assert cka[0, 1] == pytest.approx(linear_cka(Z[:, :12], Z[:, 12:21]), rel=1e-5)
    assert cka[1, 2] == pytest.approx(linear_cka(Z[:, 12:21], Z[:, 21:]), rel=1e-5)
    np.testing.assert_allclose(np.diag(cka), 1.0)
    r = correlations(m.scatter(), slice(0, 12), slice(12, 21))
    np.testing.assert_allclose(r, np.corrcoef(Z.T.astype(np.float64))[:12, 12:21], atol=1e-5)


def test_blocks_shifted_while_read_give_the_same_moments():
    """The stream's way: the first block fixes the shift, every block arrives shifted with a
    column of ones, and one product per block gives the cross products and the sums."""
    rng = np.random.default_rng(5)
    Z = (rng.normal(size=(700, 10)) * 3 + 40.0).astype(np.float32)
    direct = Moments(10)
    for a in range(0, 700, 128):
        direct.update(Z[a:a + 128])
    streamed = Moments(10)
    shift = streamed.shift_from(Z[:128])
    for a in range(0, 700, 128):
        streamed.add_shifted(np.hstack([Z[a:a + 128] - shift, np.ones((len(Z[a:a + 128]), 1), np.float32)]))
    assert streamed.n == direct.n == 700
    np.testing.assert_allclose(streamed.scatter(), direct.scatter(), rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(streamed.mean(), Z.mean(0, dtype=np.float64), rtol=1e-6)
    with pytest.raises(ValueError, match=r"expected rows of 10 \+ 1 values, got shape \(3, 10\)"):
        streamed.add_shifted(np.zeros((3, 10), np.float32))
    with pytest.raises(ValueError, match="fix the shift first"):
        Moments(2).add_shifted(np.zeros((3, 3), np.float32))


def test_unit_matching_recovers_a_planted_permutation():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2000, 30))
    perm = rng.permutation(30)
    signs = rng.choice([-1.0, 1.0], size=30)
    Y = X[:, perm] * signs * rng.uniform(0.5, 3, size=30) + 0.3 * rng.normal(size=(2000, 30))
    m = Moments(60).update(np.hstack([X, Y]))
    corr = correlations(m.scatter(), slice(0, 30), slice(30, 60))
    match = match_units(corr)
    # left unit perm[j] was planted as right unit j
    assert dict(zip(match.left.tolist(), match.right.tolist())) == {int(p): j for j, p in enumerate(perm)}
    assert np.all(np.sign(match.r) == signs[np.argsort(perm)][match.left])
    assert np.all(np.abs(match.r) > 0.8)
    assert match.right_order(30) == [j for _, j in sorted((int(p), j) for j, p in enumerate(perm))]
    # a wider right layer: every left unit still finds its partner, the extra units come last
    wide = match_units(np.hstack([corr, np.zeros((30, 4))]))
    assert wide.right_order(34)[30:] == [30, 31, 32, 33]


# ------------------------------------------------------------------ on stored states

def test_similarity_of_one_model_equals_cka_of_its_stored_arrays(use_pair_home):
    out = similarity("lm", kind="c")
    ev = open_evaluation("lm", "test")
    arrays = [ev.store.array(layer, "c") for layer in (0, 1)]
    assert out["models"] == ["lm"] and out["tokens"] == len(ev.store.tokens)
    assert [(l["layer"], l["units"]) for l in out["layers"]] == [(0, 7), (1, 5)]
    assert out["cka"][0][1] == pytest.approx(linear_cka(*arrays), abs=1e-5)
    assert out["cka"][0][0] == out["cka"][1][1] == 1.0


def test_streamed_blocks_through_two_buffers_equal_the_arrays(use_pair_home, monkeypatch):
    """Blocks of 16 rows, read into two alternating buffers and shifted in place while the
    next one is read: the scatter of the whole arrays."""
    import rnnvis.analysis.similarityview as sv

    monkeypatch.setattr(sv, "_BLOCK_BYTES", 1)
    monkeypatch.setattr(sv, "_MIN_ROWS", 16)
    pair = _Pair("lm", "lm-gru", None, "h", None)
    assert pair.n > 5 * 16 and pair.n % 16                # several blocks, the last one short
    pair.cache_path().unlink(missing_ok=True)
    Z = np.hstack([ev.store.array(layer, "h") for ev, layer in pair.layers]).astype(np.float64)
    Zc = Z - Z.mean(axis=0)
    np.testing.assert_allclose(sv.scatter_of(pair), Zc.T @ Zc, rtol=1e-4, atol=1e-3)


def test_similarity_of_two_models_and_the_cache(use_pair_home):
    out = similarity("lm", other="lm-gru")
    assert [(l["model"], l["layer"]) for l in out["layers"]] == [
        ("lm", 0), ("lm", 1), ("lm-gru", 0), ("lm-gru", 1)]
    a, b = open_evaluation("lm", "test"), open_evaluation("lm-gru", "test")
    expected = linear_cka(a.store.array(1, "h"), b.store.array(0, "h"))
    assert out["cka"][1][2] == pytest.approx(expected, abs=1e-5)
    cka = np.array(out["cka"])
    np.testing.assert_allclose(cka, cka.T)
    pair = _Pair("lm", "lm-gru", None, "h", None)
    assert pair.cache_path().exists()
    assert similarity("lm", other="lm-gru") == out
    # a prefix of the positions is its own computation
    short = similarity("lm", other="lm-gru", max_tokens=50)
    assert short["tokens"] == 50
    assert short["cka"][1][2] == pytest.approx(
        linear_cka(a.store.array(1, "h")[:50], b.store.array(0, "h")[:50]), abs=1e-5)


def test_unit_matching_of_two_layers(use_pair_home):
    out = unit_matching("lm", layer=0, other="lm-gru", layer2=1, kind="h")
    assert out["left"] == {"model": "lm", "layer": 0, "units": 7}
    assert out["right"] == {"model": "lm-gru", "layer": 1, "units": 5}
    assert len(out["pairs"]) == 5 and sorted(out["right_order"]) == list(range(5))
    a, b = open_evaluation("lm", "test"), open_evaluation("lm-gru", "test")
    X, Y = a.store.array(0, "h"), b.store.array(1, "h")
    corr = np.corrcoef(X.T.astype(np.float64), Y.T.astype(np.float64))[:7, 7:]
    best = match_units(corr)
    assert [(p["left"], p["right"]) for p in out["pairs"]] == sorted(zip(best.left.tolist(), best.right.tolist()))
    for p in out["pairs"]:
        assert p["r"] == pytest.approx(corr[p["left"], p["right"]], abs=1e-4)
    # a model against itself: every unit matches itself with r = 1
    self_match = unit_matching("lm", layer=1, other="lm", layer2=1)
    assert [(p["left"], p["right"]) for p in self_match["pairs"]] == [(u, u) for u in range(5)]
    assert self_match["mean_abs_r"] == pytest.approx(1.0) and self_match["cka"] == pytest.approx(1.0)


@pytest.mark.parametrize("call,error,message", [
    (lambda: similarity("lm", other="cls"), Incompatible,
     "models 'lm' and 'cls' have different vocabularies"),
    (lambda: unit_matching("lm", other="cls"), Incompatible, "different vocabularies"),
    (lambda: similarity("lm", other="lm-gru", kind="c"), UserError,
     "a gru model ('lm-gru') has no cell state; use h"),
    (lambda: similarity("lm", split="valid"), NoStates,
     "kept aggregates only (--no-store); CKA and unit matching need every state: "
     "run python manage.py evaluate lm --split valid --force"),
    (lambda: unit_matching("lm", layer=2), UserError, "layer: got 2; model 'lm' has layers 0..1"),
    (lambda: unit_matching("lm", other="lm-gru", layer2=5), UserError, "layer2: got 5"),
])
def test_bad_comparisons_say_why(use_pair_home, call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        call()


def test_models_with_different_tokens_cannot_be_compared(use_pair_home):
    from rnnvis.recording.evaluation import evaluate_model

    evaluate_model("lm-gru", "test", max_tokens=40, dtype="float32", progress=False)
    try:
        with pytest.raises(Incompatible, match="hold different tokens"):
            similarity("lm", other="lm-gru")
    finally:
        evaluate_model("lm-gru", "test", dtype="float32", progress=False)


def test_similarity_command(use_pair_home, capsys):
    assert main(["similarity", "lm", "lm-gru", "--kind", "h"]) == 0
    out = capsys.readouterr().out
    assert "lm L0" in out and "lm-gru L1" in out and "1.000" in out
    assert main(["similarity", "lm", "--json"]) == 0
    import json

    body = json.loads(capsys.readouterr().out)
    assert body["models"] == ["lm"] and len(body["cka"]) == 2
    assert main(["similarity", "lm", "cls"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "different vocabularies" in err
    assert main(["similarity", "lm", "--kind", "z"]) == 2
    assert "--kind: got 'z'; expected one of: h, c" in capsys.readouterr().err
