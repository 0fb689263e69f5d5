"""Tests for rnnvis.analysis.cocluster on synthetic matrices with planted block structure."""

import json

import numpy as np
import pytest
from sklearn.cluster import SpectralCoclustering
from sklearn.metrics import adjusted_rand_score as ari

from rnnvis.analysis.cocluster import (
    CoClustering,
    CoClusters,
    CoclusterError,
    SpectralEmbedding,
    bootstrap_stability,
    cocluster,
    format_report,
    seed_stability,
)
from rnnvis.analysis.cocluster.agreement import fast_ari as _fast_ari


def balanced_labels(rng, n, k):
    return rng.permutation(np.arange(n) % k)


def planted(seed, n_words=150, n_units=120, k=5, noise=0.4, signs="positive"):
    """Block-diagonal response matrix plus Gaussian noise; returns (X, row truth, col truth).

    signs: "positive" blocks of +1, "negative" blocks of -1, "block" a random sign per
    block, "unit" a random sign per unit (so only |s| shows the blocks).
    """
    rng = np.random.default_rng(seed)
    r, c = balanced_labels(rng, n_words, k), balanced_labels(rng, n_units, k)
    B = (r[:, None] == c[None, :]).astype(float)
    if signs == "negative":
        B = -B
    elif signs == "block":
        B = B * rng.choice([-1.0, 1.0], size=k)[c][None, :]
    elif signs == "unit":
        B = B * rng.choice([-1.0, 1.0], size=n_units)[None, :]
    scale = rng.uniform(0.7, 1.3, size=(n_words, 1)) * rng.uniform(0.7, 1.3, size=(1, n_units))
    return B * scale + noise * rng.standard_normal((n_words, n_units)), r, c


# ----------------------------------------------------------------- planted structure


@pytest.mark.parametrize(
    "mode,signs",
    [("abs", "unit"), ("abs", "block"), ("positive", "positive"), ("negative", "negative"),
     ("signed", "block")],
)
def test_planted_blocks_recovered_in_each_mode(mode, signs):
    X, r, c = planted(seed=1, signs=signs)
    est = CoClustering(n_clusters=5, mode=mode, random_state=0).fit(X)
    assert ari(r, est.row_labels_) >= 0.95
    assert ari(c, est.column_labels_) >= 0.95


@pytest.mark.parametrize("regularization,normalize_rows", [(0.0, False), (0.0, True), (1.0, False), (4.0, True)])
def test_planted_blocks_recovered_with_every_regularization_setting(regularization, normalize_rows):
    X, r, c = planted(seed=1, signs="unit")
    est = CoClustering(5, regularization=regularization, normalize_rows=normalize_rows).fit(X)
    assert ari(r, est.row_labels_) >= 0.95 and ari(c, est.column_labels_) >= 0.95


def heterogeneous(seed, signs, n_quiet=150, n_weak=24):
    """Planted blocks where degrees vary as in real response matrices.

    n_weak of the units respond 20x more weakly than the others (signal and noise), and
    n_quiet extra "quiet" words barely move the state: noise of 1e-4 plus a small
    constant drift of 0.01 on 3 of the weak units.  Returns (X, truth of the planted
    words, truth of all units); the quiet words are the last rows.
    """
    X, r, c = planted(seed=seed, signs=signs)
    rng = np.random.default_rng(seed)
    weak = rng.choice(X.shape[1], n_weak, replace=False)
    X[:, weak] /= 20
    quiet = 1e-4 * rng.standard_normal((n_quiet, X.shape[1]))
    quiet[:, weak[:3]] += 0.01
    return np.vstack([X, quiet]), r, c


@pytest.mark.parametrize("mode,signs", [("abs", "unit"), ("positive", "positive"), ("signed", "block")])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_low_degree_words_and_weak_units_are_not_split_off(mode, signs, seed):
    # the low-mass set (quiet words x the 3 drifting weak units) is nearly disconnected
    # after plain D^-1/2 normalisation, which ignores scale: plain Dhillon gives it
    # clusters of its own with one or two units and merges planted blocks instead
    X, r, c = heterogeneous(seed, signs)
    n = r.size
    est = CoClustering(5, mode=mode, random_state=0).fit(X)
    assert ari(r, est.row_labels_[:n]) >= 0.95
    assert ari(c, est.column_labels_) >= 0.95  # the weak units join their planted blocks
    assert np.bincount(est.column_labels_).min() >= 20
    plain = CoClustering(5, mode=mode, random_state=0, regularization=0, normalize_rows=False).fit(X)
    assert np.bincount(plain.column_labels_).min() <= 3
    assert ari(c, plain.column_labels_) < 0.8


def test_regularization_and_the_singular_values():
    X, _, _ = planted(seed=4)
    plain = SpectralEmbedding(regularization=0).fit(X)
    assert plain.singular_values_[0] == 1.0  # the deflated trivial pair
    reg = SpectralEmbedding().fit(X)
    assert reg.regularization_ == 1.0
    # tau = the mean degree about halves the leading singular value of balanced matrices
    assert 0.4 < reg.singular_values_[0] < 0.6
    assert np.all(np.diff(reg.singular_values_) <= 1e-9)
    assert reg.singular_values_.size == plain.singular_values_.size == 31
    assert reg.suggested_k_ == plain.suggested_k_ == 5


@pytest.mark.parametrize("bad", [-0.5, float("nan"), float("inf"), "1", True, None])
def test_regularization_must_be_a_non_negative_number(bad):
    X = np.random.default_rng(13).standard_normal((30, 20))
    with pytest.raises(CoclusterError, match="regularization=.* must be a finite number >= 0"):
        CoClustering(3, regularization=bad).fit(X)
    with pytest.raises(CoclusterError, match="regularization=.* must be a finite number >= 0"):
        SpectralEmbedding(regularization=bad).fit(X)


def test_normalize_rows_must_be_a_bool():
    X = np.random.default_rng(13).standard_normal((30, 20))
    with pytest.raises(CoclusterError, match="normalize_rows='yes' must be True or False"):
        CoClustering(3, normalize_rows="yes").fit(X)


def test_positive_and_negative_modes_follow_their_own_sign():
    # two different planted partitions: one in the positive part, one in the negative part
    rng = np.random.default_rng(7)
    n_words, n_units, k = 160, 140, 4
    r_pos, c_pos = balanced_labels(rng, n_words, k), balanced_labels(rng, n_units, k)
    r_neg, c_neg = balanced_labels(rng, n_words, k), balanced_labels(rng, n_units, k)
    pos = (r_pos[:, None] == c_pos[None, :]) * rng.uniform(0.5, 1.5, (n_words, n_units))
    neg = (r_neg[:, None] == c_neg[None, :]) * rng.uniform(0.5, 1.5, (n_words, n_units))
    X = np.where(pos > 0, pos, -neg) + 0.1 * rng.standard_normal((n_words, n_units))
    p = CoClustering(k, mode="positive").fit(X)
    n = CoClustering(k, mode="negative").fit(X)
    assert ari(r_pos, p.row_labels_) >= 0.95 and ari(c_pos, p.column_labels_) >= 0.95
    assert ari(r_neg, n.row_labels_) >= 0.95 and ari(c_neg, n.column_labels_) >= 0.95
    assert ari(r_pos, n.row_labels_) < 0.2  # the modes really see different structure


def test_suggested_k_is_used_when_k_is_none():
    X, r, c = planted(seed=2, k=6, noise=0.3, signs="unit")
    est = CoClustering(n_clusters=None).fit(X)
    assert est.suggested_k_ == 6
    assert est.n_clusters_ == 6
    assert ari(r, est.row_labels_) >= 0.95
    assert est.quality_["eigengap_ratio"] > 5


def test_eigengap_rule_on_constructed_spectra():
    from rnnvis.analysis.cocluster.embedding import eigengap as _eigengap

    flat_tail = list(np.linspace(0.30, 0.28, 26))
    clean = [1.0, 0.9, 0.89, 0.88, 0.87] + flat_tail  # 5 co-clusters above a bulk
    assert _eigengap(clean, 30)[0] == 5
    # a dominant split into 2, and a finer split into 6 almost as clear: the finer one
    nested = [1.0, 0.9, 0.5, 0.49, 0.48, 0.47] + list(np.linspace(0.26, 0.25, 25))
    assert _eigengap(nested, 30)[0] == 6
    assert _eigengap(nested, 4)[0] == 2  # k capped by the number of words/units
    # smooth decay, no clear gap anywhere: the single largest gap, with a low ratio
    smooth = 0.5 * 0.97 ** np.arange(30)
    smooth[7] *= 0.995
    k, gap, ratio = _eigengap(np.concatenate([[1.0], smooth]), 30)
    gaps = (smooth[:-1] - smooth[1:]) / smooth[:-1]
    assert k == int(np.argmax(gaps[:29])) + 2 and ratio < 3


def test_no_structure_gives_low_quality_numbers():
    X, _, _ = planted(seed=3, signs="unit")
    noise = np.random.default_rng(3).standard_normal(X.shape)
    good = CoClustering(5).fit(X).quality_
    bad = CoClustering(5).fit(noise).quality_
    assert good["within_between_ratio"] > 2.0
    assert bad["within_between_ratio"] < 1.5  # k-means picks up some noise cells too
    assert good["seed_ari_words"] >= 0.95
    assert bad["seed_ari_words"] < 0.8
    assert good["eigengap_ratio"] > 3 * bad["eigengap_ratio"]


def test_every_cocluster_gets_words_and_units():
    noise = np.random.default_rng(4).standard_normal((60, 35))
    for k in (2, 10, 30):
        est = CoClustering(k).fit(noise)
        assert set(est.row_labels_) == set(range(k))
        assert set(est.column_labels_) == set(range(k))


# ----------------------------------------------------------------------- determinism


def test_deterministic_for_a_seed():
    X, _, _ = planted(seed=5, noise=1.0, signs="unit")
    a = cocluster(X, 5, mode="abs", random_state=3).to_dict()
    b = cocluster(X, 5, mode="abs", random_state=3).to_dict()
    assert a == b
    s1 = cocluster(X, 5, mode="signed", random_state=11).to_dict()
    s2 = cocluster(X, 5, mode="signed", random_state=11).to_dict()
    assert s1 == s2


def test_reused_embedding_gives_the_same_result():
    X, _, _ = planted(seed=6, signs="block")
    first = CoClustering(4, mode="signed", random_state=2).fit(X)
    again = CoClustering(4, mode="signed", random_state=2, embedding=first.embedding_).fit(X)
    assert again.result().to_dict() == first.result().to_dict()
    emb = SpectralEmbedding(mode="signed", random_state=2).fit(X)
    for k in (2, 7, 12):
        via_emb = CoClustering(k, mode="signed", random_state=2, embedding=emb).fit(X).result()
        direct = CoClustering(k, mode="signed", random_state=2).fit(X).result()
        assert via_emb.to_dict() == direct.to_dict()


def test_reused_embedding_must_match():
    X, _, _ = planted(seed=6)
    emb = SpectralEmbedding(mode="abs").fit(X)
    with pytest.raises(CoclusterError, match="mode='abs', not mode='positive'"):
        CoClustering(3, mode="positive", embedding=emb).fit(X)
    with pytest.raises(CoclusterError, match="different matrix"):
        CoClustering(3, embedding=emb).fit(X + 1.0)
    with pytest.raises(CoclusterError, match="not fitted"):
        CoClustering(3, embedding=SpectralEmbedding()).fit(X)
    with pytest.raises(CoclusterError, match="regularization=0.5, not regularization=1.0"):
        CoClustering(3, embedding=SpectralEmbedding(regularization=0.5).fit(X)).fit(X)
    # normalize_rows only changes the k-means points: the same embedding serves both
    plain = CoClustering(3, regularization=0, normalize_rows=False).fit(X)
    again = CoClustering(3, regularization=0, normalize_rows=False, embedding=plain.embedding_).fit(X)
    assert again.result().to_dict() == plain.result().to_dict()


# ------------------------------------------------------------------------ edge cases


def test_all_zero_rows_and_columns_are_dropped_and_reported():
    X, r, c = planted(seed=8, signs="unit")
    X[[3, 50, 99]] = 0.0
    X[:, [0, 17]] = 0.0
    est = CoClustering(5).fit(X)
    assert est.dropped_rows_.tolist() == [3, 50, 99]
    assert est.dropped_columns_.tolist() == [0, 17]
    assert (est.row_labels_[[3, 50, 99]] == -1).all() and (est.column_labels_[[0, 17]] == -1).all()
    kept_r = np.setdiff1d(np.arange(X.shape[0]), [3, 50, 99])
    kept_c = np.setdiff1d(np.arange(X.shape[1]), [0, 17])
    assert ari(r[kept_r], est.row_labels_[kept_r]) >= 0.95
    assert ari(c[kept_c], est.column_labels_[kept_c]) >= 0.95
    assert sorted(est.row_order_.tolist()) == kept_r.tolist()
    assert sorted(est.column_order_.tolist()) == kept_c.tolist()
    assert est.block_count_.sum() == kept_r.size * kept_c.size


def test_rows_zero_after_the_mode_transform_are_dropped():
    X, _, _ = planted(seed=9, signs="block")
    X[:, 5] = np.abs(X[:, 5])  # unit 5: no negative response at all
    X[10] = -np.abs(X[10])  # word 10: no positive response at all
    X[10, 5] = 0.0
    pos = CoClustering(3, mode="positive").fit(X)
    neg = CoClustering(3, mode="negative").fit(X)
    sig = CoClustering(3, mode="signed").fit(X)
    assert 10 in pos.dropped_rows_ and 10 not in neg.dropped_rows_
    assert 5 in neg.dropped_columns_ and 5 not in pos.dropped_columns_
    assert sig.dropped_rows_.size == 0 and sig.dropped_columns_.size == 0


def test_k_larger_than_remaining_rows_or_columns():
    X = np.random.default_rng(10).standard_normal((20, 40))
    X[[4, 9]] = 0.0
    message = r"k=20 should be <= n_words=18 after dropping 2 all-zero rows"
    with pytest.raises(CoclusterError, match=message):
        CoClustering(20).fit(X)
    Y = np.random.default_rng(10).standard_normal((40, 12))
    Y[:, 0] = 0.0
    message = r"k=12 should be <= n_units=11 after dropping 1 all-zero columns"
    with pytest.raises(CoclusterError, match=message):
        CoClustering(12).fit(Y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_is_an_error(bad):
    X = np.random.default_rng(11).standard_normal((30, 20))
    X[7, 3] = bad
    with pytest.raises(CoclusterError, match=r"1 NaN or infinite value\(s\) \(first at row 7, column 3\)"):
        CoClustering(3).fit(X)


@pytest.mark.parametrize("k", [0, 1, 31, 50, -3])
def test_k_out_of_range(k):
    X = np.random.default_rng(12).standard_normal((40, 40))
    with pytest.raises(CoclusterError, match=rf"k={k} is out of range: .* between 2 and 30"):
        CoClustering(k).fit(X)


@pytest.mark.parametrize("k", [2.5, "4", True])
def test_k_must_be_an_integer(k):
    with pytest.raises(CoclusterError, match="must be an integer between 2 and 30"):
        CoClustering(k).fit(np.ones((10, 10)))


def test_other_input_errors():
    X = np.random.default_rng(13).standard_normal((30, 20))
    with pytest.raises(CoclusterError, match="mode='bogus' is not one of abs, positive, negative, signed"):
        CoClustering(3, mode="bogus").fit(X)
    with pytest.raises(CoclusterError, match=r"must be 2-D"):
        CoClustering(3).fit(X[0])
    with pytest.raises(CoclusterError, match="is empty"):
        CoClustering(3).fit(np.zeros((0, 5)))
    with pytest.raises(CoclusterError, match="need at least 2 non-zero rows"):
        CoClustering(2).fit(np.zeros((5, 5)))
    with pytest.raises(CoclusterError, match="got 3 words for 30 rows"):
        CoClustering(3).fit(X, words=["a", "b", "c"])
    assert issubclass(CoclusterError, ValueError)


# ---------------------------------------------------------------------- block links


def test_block_links_equal_brute_force():
    X, _, _ = planted(seed=14, n_words=70, n_units=50, k=4, noise=0.8, signs="block")
    X[2] = 0.0
    for mode in ("abs", "signed", "positive"):
        est = CoClustering(4, mode=mode).fit(X)
        k = est.n_clusters_
        for a in range(k):
            rows = [i for i in range(X.shape[0]) if est.row_labels_[i] == a]
            for b in range(k):
                cols = [j for j in range(X.shape[1]) if est.column_labels_[j] == b]
                cells = [X[i][j] for i in rows for j in cols]
                assert est.block_count_[a, b] == len(cells) == len(rows) * len(cols)
                assert est.block_mean_[a, b] == pytest.approx(sum(cells) / len(cells), rel=1e-12, abs=1e-12)
                assert est.block_abs_mean_[a, b] == pytest.approx(
                    sum(abs(v) for v in cells) / len(cells), rel=1e-12)
        within = sum(abs(X[i][j]) for i in range(X.shape[0]) for j in range(X.shape[1])
                     if est.row_labels_[i] >= 0 and est.row_labels_[i] == est.column_labels_[j])
        n_within = sum(1 for i in range(X.shape[0]) for j in range(X.shape[1])
                       if est.row_labels_[i] >= 0 and est.row_labels_[i] == est.column_labels_[j])
        total = sum(abs(X[i][j]) for i in range(X.shape[0]) for j in range(X.shape[1])
                    if est.row_labels_[i] >= 0 and est.column_labels_[j] >= 0)
        n_total = sum(1 for i in range(X.shape[0]) for j in range(X.shape[1])
                      if est.row_labels_[i] >= 0 and est.column_labels_[j] >= 0)
        expected = (within / n_within) / ((total - within) / (n_total - n_within))
        assert est.within_between_ratio_ == pytest.approx(expected, rel=1e-10)


def test_members_ordered_by_strength_to_paired_cluster():
    X, _, _ = planted(seed=15, n_words=80, n_units=60, k=4, noise=0.8, signs="unit")
    for mode in ("abs", "positive"):
        res = cocluster(X, 4, mode=mode)
        T = np.abs(X) if mode == "abs" else np.maximum(X, 0)
        for c, (rows, cols) in enumerate(zip(res.word_clusters(), res.unit_clusters())):
            assert (res.row_labels[rows] == c).all() and (res.column_labels[cols] == c).all()
            expected_rows = [T[i, cols].mean() for i in rows]
            expected_cols = [T[rows, j].mean() for j in cols]
            assert np.allclose(res.row_strength[rows], expected_rows)
            assert np.allclose(res.column_strength[cols], expected_cols)
            assert all(a >= b for a, b in zip(expected_rows, expected_rows[1:]))
            assert all(a >= b for a, b in zip(expected_cols, expected_cols[1:]))
            assert np.array_equal(res.row_sign[rows], np.sign(X[np.ix_(rows, cols)].mean(axis=1)))


def test_cluster_order_follows_a_planted_chain():
    # cluster i is also linked to clusters i-1 and i+1; the display order should be
    # that chain (or its reverse), whatever the internal numbering
    rng = np.random.default_rng(16)
    k, n_words, n_units = 6, 120, 90
    r, c = balanced_labels(rng, n_words, k), balanced_labels(rng, n_units, k)
    chain = np.abs(r[:, None] - c[None, :])
    X = np.where(chain == 0, 1.0, np.where(chain == 1, 0.4, 0.05))
    X = X + 0.05 * rng.standard_normal((n_words, n_units))
    est = CoClustering(k).fit(X)
    planted_of = [np.bincount(r[est.row_labels_ == d], minlength=k).argmax() for d in range(k)]
    assert sorted(planted_of) == list(range(k))
    assert all(abs(a - b) == 1 for a, b in zip(planted_of, planted_of[1:]))


# ------------------------------------------------------------------- sign handling


def test_no_global_shift_abs_and_modes_are_sign_symmetric():
    X, _, _ = planted(seed=17, noise=1.0, signs="block")
    a, b = cocluster(X, 5), cocluster(-X, 5)
    for name in ("row_labels", "column_labels", "row_order", "column_order", "block_abs_mean"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert np.array_equal(a.block_mean, -b.block_mean) and np.array_equal(a.row_sign, -b.row_sign)
    pos = cocluster(X, 5, mode="positive")
    neg = cocluster(-X, 5, mode="negative")
    assert np.array_equal(pos.row_labels, neg.row_labels)
    assert np.array_equal(pos.column_labels, neg.column_labels)
    # abs mode clusters exactly |X|: no constant is added anywhere
    a = cocluster(X, 5, mode="abs")
    b = cocluster(np.abs(X), 5, mode="positive")
    assert np.array_equal(a.row_labels, b.row_labels) and np.array_equal(a.column_labels, b.column_labels)
    s1, s2 = cocluster(X, 5, mode="signed"), cocluster(-X, 5, mode="signed")
    # the split columns come in the other order, so only near-equal: a few units whose
    # two halves carry almost the same mass may flip
    assert ari(s1.row_labels, s2.row_labels) >= 0.95 and ari(s1.column_labels, s2.column_labels) >= 0.95


def test_mixed_sign_units_found_where_a_global_shift_fails():
    # each unit responds to its word cluster with its own sign: after sklearn's shift
    # by -min(X), negative units look least related to their own words
    X, r, c = planted(seed=18, n_words=150, n_units=120, k=5, noise=0.3, signs="unit")
    for mode in ("abs", "signed"):
        est = CoClustering(5, mode=mode).fit(X)
        assert ari(r, est.row_labels_) >= 0.95 and ari(c, est.column_labels_) >= 0.95
    shifted = SpectralCoclustering(n_clusters=5, random_state=0).fit(X)
    assert ari(c, shifted.column_labels_) < 0.5


def test_signed_mode_unit_label_goes_to_the_heavier_half():
    X, r, _ = planted(seed=19, n_words=90, n_units=60, k=3, noise=0.05, signs="positive")
    X = np.hstack([X, np.zeros((X.shape[0], 2))])
    # unit 60: +1.0 to words of planted cluster 0, -0.5 to words of cluster 1
    # unit 61: +0.5 to cluster 0, -1.0 to cluster 1
    X[r == 0, 60], X[r == 1, 60] = 1.0, -0.5
    X[r == 0, 61], X[r == 1, 61] = 0.5, -1.0
    est = CoClustering(3, mode="signed").fit(X)
    label_of = {p: np.bincount(est.row_labels_[r == p]).argmax() for p in (0, 1)}
    assert est.column_labels_[60] == label_of[0]
    assert est.column_labels_[61] == label_of[1]
    assert est.quality_["n_split_units"] >= 2
    assert 0.0 < est.quality_["split_mass_fraction"] < 0.5
    # in abs mode both units only see magnitudes; the bigger block wins too
    assert CoClustering(3, mode="abs").fit(X).quality_["n_split_units"] is None


# ---------------------------------------------------------------------- stability


def test_fast_ari_matches_sklearn():
    rng = np.random.default_rng(20)
    for _ in range(30):
        n = int(rng.integers(2, 300))
        a, b = rng.integers(0, rng.integers(1, 12), n), rng.integers(0, rng.integers(1, 12), n)
        if rng.random() < 0.3:
            b = a.copy()
        assert _fast_ari(a, b) == pytest.approx(ari(a, b), abs=1e-12)


def test_seed_stability_high_on_structure_low_on_noise():
    X, _, _ = planted(seed=21, signs="unit", noise=0.6)
    good = seed_stability(X, 5, seeds=(0, 1, 2))
    assert good.n_runs == 3 and len(good.word_ari) == 3
    assert good.word_ari_min >= 0.95 and good.unit_ari_min >= 0.95
    noise = np.random.default_rng(21).standard_normal(X.shape)
    bad = seed_stability(noise, 5, seeds=(0, 1, 2))
    assert bad.word_ari_mean < 0.75
    assert json.loads(json.dumps(good.to_dict()))["word_ari_mean"] == pytest.approx(good.word_ari_mean)


def _bootstrap_means(per_occurrence, rng, n_resamples):
    """Mean matrices over occurrences drawn with replacement, per word."""
    n_words, n_occ, _ = per_occurrence.shape
    for _ in range(n_resamples):
        pick = rng.integers(0, n_occ, size=(n_words, n_occ))
        yield per_occurrence[np.arange(n_words)[:, None], pick].mean(axis=1)


def test_bootstrap_stability_with_and_without_reference():
    rng = np.random.default_rng(22)
    X, _, _ = planted(seed=22, n_words=100, n_units=80, k=4, noise=0.0, signs="unit")
    occurrences = X[:, None, :] + 1.0 * rng.standard_normal((100, 8, 80))
    reference = cocluster(occurrences.mean(axis=1), 4)
    stab = bootstrap_stability(_bootstrap_means(occurrences, rng, 4), reference=reference)
    assert stab.kind == "bootstrap" and stab.n_runs == 4 and len(stab.word_ari) == 4
    assert stab.word_ari_min >= 0.9 and stab.unit_ari_min >= 0.9
    pairwise = bootstrap_stability(list(_bootstrap_means(occurrences, rng, 3)), n_clusters=4)
    assert len(pairwise.word_ari) == 3 and pairwise.word_ari_mean >= 0.9
    noise_occ = rng.standard_normal((100, 8, 80))
    noise_ref = cocluster(noise_occ.mean(axis=1), 4)
    low = bootstrap_stability(_bootstrap_means(noise_occ, rng, 4), reference=noise_ref)
    assert low.word_ari_mean < 0.5
    with pytest.raises(CoclusterError, match="needs n_clusters or a reference"):
        bootstrap_stability([X, X])
    with pytest.raises(CoclusterError, match="does not match"):
        bootstrap_stability([X, X[:50]], n_clusters=3)


# --------------------------------------------------------------- result and report


def test_to_dict_from_dict_round_trip():
    X, _, _ = planted(seed=23, n_words=60, n_units=40, k=3, signs="block")
    X[5] = 0.0
    words = [f"w{i}" for i in range(60)]
    units = list(range(100, 140))
    for mode in ("abs", "signed"):
        res = cocluster(X, 3, mode=mode, words=words, unit_ids=units)
        data = json.loads(json.dumps(res.to_dict(), allow_nan=False))
        back = CoClusters.from_dict(data)
        assert back.to_dict() == res.to_dict()
        for name in ("row_labels", "column_labels", "row_order", "column_order", "row_sign",
                     "column_sign", "block_count", "dropped_rows", "dropped_columns"):
            assert np.array_equal(getattr(back, name), getattr(res, name)), name
        for name in ("row_strength", "column_strength", "block_mean", "block_abs_mean", "singular_values"):
            assert np.allclose(getattr(back, name), getattr(res, name), equal_nan=True), name
        assert back.words == res.words and back.unit_ids == res.unit_ids
        assert back.quality == res.quality
    first = data["clusters"][0]
    assert first["word_labels"] == [words[i] for i in first["words"]]
    assert first["unit_ids"] == [units[j] for j in first["units"]]
    assert data["dropped_rows"] == [5]
    assert len(data["blocks"]["mean"]) == 3 and len(data["blocks"]["count"][0]) == 3


def test_result_arrays_are_read_only():
    X, _, _ = planted(seed=24, n_words=40, n_units=30, k=3)
    res = cocluster(X, 3)
    with pytest.raises(ValueError, match="read-only"):
        res.row_labels[0] = 5


def test_format_report_lists_clusters_words_and_quality():
    X, _, _ = planted(seed=25, n_words=60, n_units=40, k=3, signs="unit")
    words = [f"word{i}" for i in range(60)]
    res = cocluster(X, 3, words=words)
    text = format_report(res, max_words=4)
    assert text.count("\nCluster ") == 3
    top = res.word_clusters()[0][:4]
    assert all(words[i] in text for i in top)
    assert "within/between |s| ratio" in text and "seed ARI" in text
    assert "(+16)" in text or "... (+" in text
    other = format_report(cocluster(X, 3), words=words, max_words=2)
    assert "Cluster 2:" in other


def test_blas_thread_setting_is_restored_after_fits():
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_info

    def blas_threads():
        return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]

    before = blas_threads()
    X, _, _ = planted(seed=26, n_words=300, n_units=260, k=4)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda s: cocluster(X, 4, random_state=s), range(6)))
    assert blas_threads() == before
    assert all(ari(results[0].row_labels, r.row_labels) >= 0.95 for r in results)


def test_permutation_null_separates_planted_blocks_from_noise():
    from rnnvis.analysis.cocluster import permutation_null

    X, _, _ = planted(seed=31, n_words=120, n_units=60, k=4)
    res = cocluster(X, 4)
    cmp = permutation_null(X, res, random_state=0)
    assert cmp.structure == "clear" and cmp.beyond_chance > 1.5 and cmp.z > 6
    assert len(cmp.null) == 5 and all(r < cmp.observed for r in cmp.null)
    noise = np.random.default_rng(5).normal(size=(120, 60))
    res = cocluster(noise, 4)
    cmp = permutation_null(noise, res, random_state=0)
    assert cmp.structure == "none", cmp.to_dict()
    assert cmp.beyond_chance == pytest.approx(1.0, abs=0.1)
    # a shuffle of rows keeps each word's values: the null's degrees equal the observed ones
    shuffled = np.random.default_rng(0).permuted(X, axis=1)
    assert np.allclose(np.sort(shuffled, axis=1), np.sort(X, axis=1))
