"""Benchmark rnnvis.analysis.cocluster against sklearn.cluster.SpectralCoclustering: speed and quality.

Run:  .venv/bin/python benchmarks/bench_cocluster.py [--repeats 15] [--k 10] [--matrix FILE.npy
      [--words FILE]]

Speed: one 1,000 x 1,200 signed matrix, ours and sklearn's fits interleaved, median
wall time over the repeats (machines are noisy: read the medians and the ratios).
sklearn is timed twice: with the process's default thread pools, and limited to one
thread (threadpoolctl), because on a busy 2-core machine its OpenMP k-means and
multi-threaded BLAS are much slower than single-threaded.  Ours runs with its default
n_threads=1.

Quality: adjusted Rand index to the planted truth, ours (default: regularised, unit
rows) and ours as plain Dhillon (regularization=0, normalize_rows=False) vs sklearn, on
block matrices with noise: non-negative ones (sklearn's shift is then a no-op, so this
compares the algorithms), signed ones with mixed-sign units (where the shift hurts), and
"hetero" ones with real-matrix-like degrees (a fifth of the units 20x weaker, plus 500
quiet words that only drift on a few weak units; ARI over the planted words).

--matrix FILE.npy: a real (n_words x n_units) response matrix; per mode, ours and plain
Dhillon: unit cluster sizes, within/between |s| ratio (plain and degree-corrected),
restart ARI, seed ARI (4 full refits), suggested k; sklearn for comparison.
--words FILE: the matrix's row labels (a JSON list or one word per line); prints the
top words of each cluster in abs mode.
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
from sklearn.cluster import SpectralCoclustering
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from rnnvis.analysis.cocluster import CoClustering, SpectralEmbedding, seed_stability  # noqa: E402

PLAIN = {"regularization": 0.0, "normalize_rows": False}  # Dhillon (2001), the old default


def planted(seed, n_words, n_units, k, noise, kind):
    """Planted co-clusters (Dirichlet-ish sizes) with noise.

    kind "nonneg": blocks in [0.5, 1.5] plus |Gaussian| noise (no negative entries);
    kind "signed": each unit's block has a random sign, plus Gaussian noise;
    kind "hetero": "nonneg" with a fifth of the units 20x weaker and 500 quiet words
    appended (noise 1e-4 plus a drift of 0.01 on 3 weak units); r covers only the
    planted words.
    """
    rng = np.random.default_rng(seed)
    r, c = rng.integers(0, k, n_words), rng.integers(0, k, n_units)
    B = (r[:, None] == c[None, :]) * rng.uniform(0.5, 1.5, (n_words, n_units))
    if kind == "nonneg":
        return B + noise * np.abs(rng.standard_normal((n_words, n_units))), r, c
    if kind == "hetero":
        X = B + noise * np.abs(rng.standard_normal((n_words, n_units)))
        weak = rng.choice(n_units, n_units // 5, replace=False)
        X[:, weak] /= 20
        quiet = 1e-4 * np.abs(rng.standard_normal((500, n_units)))
        quiet[:, weak[:3]] += 0.01
        return np.vstack([X, quiet]), r, c
    B = B * rng.choice([-1.0, 1.0], n_units)[None, :]
    return B + noise * rng.standard_normal((n_words, n_units)), r, c


def mean_ari(rows, cols, row_labels, col_labels):
    """Mean of the word and unit ARIs to the truth (extra rows beyond the truth ignored)."""
    return (adjusted_rand_score(rows, row_labels[:rows.size]) + adjusted_rand_score(cols, col_labels)) / 2


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def within_between(X, rows, cols):
    """Mean |s| in paired blocks / mean |s| elsewhere (rows/cols labelled -1 ignored)."""
    A = np.abs(X)[np.ix_(rows >= 0, cols >= 0)]
    rows, cols = rows[rows >= 0], cols[cols >= 0]
    same = rows[:, None] == cols[None, :]
    return A[same].mean() / A[~same].mean()


def degree_corrected(X, rows, cols):
    """(|s| in paired blocks / its expectation) / (|s| elsewhere / its expectation).

    The expectation of cell (i, j) is d_i d_j / total (independent words and units), so
    separating busy words from quiet ones scores about 1, unlike the plain ratio,
    which a big cluster of high-|s| words with most units can inflate to 10 or more.
    """
    A = np.abs(X)[np.ix_(rows >= 0, cols >= 0)]
    rows, cols = rows[rows >= 0], cols[cols >= 0]
    E = np.outer(A.sum(axis=1), A.sum(axis=0)) / A.sum()
    same = rows[:, None] == cols[None, :]
    return (A[same].sum() / E[same].sum()) / (A[~same].sum() / E[~same].sum())


def speed(args):
    X, _, _ = planted(0, 1000, 1200, args.k, 1.0, "signed")
    print(f"Speed: {X.shape[0]} x {X.shape[1]} signed matrix, k={args.k}, median of "
          f"{args.repeats} interleaved runs (wall clock)\n")
    ours_abs, ours_signed, ours_plain, sk_default, sk_single = [], [], [], [], []
    CoClustering(args.k).fit(X)  # warm up imports and caches
    SpectralCoclustering(n_clusters=args.k, random_state=0).fit(X)
    for _ in range(args.repeats):
        ours_abs.append(timed(lambda: CoClustering(args.k, mode="abs", random_state=0).fit(X)))
        sk_default.append(timed(lambda: SpectralCoclustering(n_clusters=args.k, random_state=0).fit(X)))
        ours_signed.append(timed(lambda: CoClustering(args.k, mode="signed", random_state=0).fit(X)))
        ours_plain.append(timed(lambda: CoClustering(args.k, mode="abs", random_state=0, **PLAIN).fit(X)))
        with threadpool_limits(limits=1):
            sk_single.append(timed(lambda: SpectralCoclustering(n_clusters=args.k, random_state=0).fit(X)))

    emb = SpectralEmbedding(mode="abs").fit(X)
    emb_times = [timed(lambda: SpectralEmbedding(mode="abs").fit(X)) for _ in range(args.repeats)]
    per_k = {}
    for k in (2, 5, 10, 20, 30):
        per_k[k] = [timed(lambda: CoClustering(k, embedding=emb).fit(X)) for _ in range(args.repeats)]

    med = {name: statistics.median(v) * 1000 for name, v in [
        ("ours_abs", ours_abs), ("ours_signed", ours_signed), ("ours_plain", ours_plain),
        ("sk_default", sk_default), ("sk_single", sk_single)]}
    rows = [
        ("ours, mode=abs (full fit)", med["ours_abs"], min(ours_abs) * 1000),
        ("ours, mode=signed (full fit, 2 x 1200 columns)", med["ours_signed"], min(ours_signed) * 1000),
        ("ours, mode=abs, plain Dhillon (regularization=0)", med["ours_plain"], min(ours_plain) * 1000),
        ("sklearn SpectralCoclustering, default threads", med["sk_default"], min(sk_default) * 1000),
        ("sklearn SpectralCoclustering, 1 thread", med["sk_single"], min(sk_single) * 1000),
        ("ours, embedding only (SpectralEmbedding.fit)", statistics.median(emb_times) * 1000,
         min(emb_times) * 1000),
    ]
    rows += [(f"ours, change k to {k} with cached embedding", statistics.median(v) * 1000, min(v) * 1000)
             for k, v in per_k.items()]
    print(f"{'':52s} {'median ms':>10s} {'min ms':>8s}")
    for name, m, lo in rows:
        print(f"{name:52s} {m:10.1f} {lo:8.1f}")
    print()
    print(f"speed-up, sklearn (default threads) / ours abs: {med['sk_default'] / med['ours_abs']:.1f}x"
          "   (target >= 5x)")
    print(f"speed-up, sklearn (1 thread) / ours abs:        {med['sk_single'] / med['ours_abs']:.1f}x")
    worst_k = max(statistics.median(v) for v in per_k.values()) * 1000
    print(f"slowest k change with cached embedding:        {worst_k:.1f} ms   (target <= 150 ms)")
    print(f"full fit ours abs:                             {med['ours_abs']:.1f} ms   (target <= 150 ms)")


def quality(args):
    configs = [
        ("nonneg", 5, 3.0), ("nonneg", 10, 2.0), ("nonneg", 10, 2.5), ("nonneg", 20, 1.5),
        ("nonneg", 30, 1.0), ("signed", 10, 1.0), ("signed", 20, 0.6), ("hetero", 5, 1.0),
        ("hetero", 10, 1.0),
    ]
    print(f"\nQuality: ARI to planted truth (mean of words and units), 1000 x 1200, "
          f"mean over {args.seeds} matrices\n")
    print(f"{'matrix':8s} {'k':>3s} {'noise':>6s} {'ours abs':>9s} {'plain':>9s} {'sklearn':>9s}")
    for kind, k, noise in configs:
        ours, plain, theirs = [], [], []
        for seed in range(args.seeds):
            X, r, c = planted(100 + seed, 1000, 1200, k, noise, kind)
            e = CoClustering(k, random_state=0).fit(X)
            p = CoClustering(k, random_state=0, **PLAIN).fit(X)
            s = SpectralCoclustering(n_clusters=k, random_state=0).fit(X)
            ours.append(mean_ari(r, c, e.row_labels_, e.column_labels_))
            plain.append(mean_ari(r, c, p.row_labels_, p.column_labels_))
            theirs.append(mean_ari(r, c, s.row_labels_, s.column_labels_))
        print(f"{kind:8s} {k:3d} {noise:6.1f} {np.mean(ours):9.3f} {np.mean(plain):9.3f} {np.mean(theirs):9.3f}")


def load_words(path):
    with open(path) as f:
        text = f.read()
    try:
        return [str(w) for w in json.loads(text)]
    except json.JSONDecodeError:
        return text.splitlines()


def sizes(labels, k):
    return sorted(np.bincount(labels[labels >= 0], minlength=k).tolist(), reverse=True)


def real_matrix(args):
    X = np.load(args.matrix)
    words = load_words(args.words) if args.words else None
    print(f"\nReal matrix {args.matrix}: {X.shape[0]} words x {X.shape[1]} units, k={args.k}\n")
    print(f"{'method':22s} {'unit cluster sizes':40s} {'w/b |s|':>7s} {'deg-corr':>8s} "
          f"{'restart ARI w/u':>15s} {'seed ARI w/u':>12s} {'sugg. k':>7s} {'ms':>6s}")
    fits = {}
    for mode in ("abs", "positive", "negative", "signed"):
        for name, params in (("", {}), (" plain", PLAIN)):
            start = time.perf_counter()
            e = CoClustering(args.k, mode=mode, **params).fit(X)
            ms = (time.perf_counter() - start) * 1000
            fits[mode + name] = e
            q = e.quality_
            st = seed_stability(X, args.k, mode=mode, seeds=(0, 1, 2, 3), **params)
            shown = str(sizes(e.column_labels_, args.k))
            print(f"{'ours ' + mode + name:22s} {shown:40s} {q['within_between_ratio']:7.2f} "
                  f"{degree_corrected(X, e.row_labels_, e.column_labels_):8.2f} "
                  f"{q['seed_ari_words']:7.2f}/{q['seed_ari_units']:.2f} "
                  f"{st.word_ari_mean:7.2f}/{st.unit_ari_mean:.2f} {e.suggested_k_:7d} {ms:6.1f}")
    start = time.perf_counter()
    s = SpectralCoclustering(n_clusters=args.k, random_state=0).fit(X)
    ms = (time.perf_counter() - start) * 1000
    other = SpectralCoclustering(n_clusters=args.k, random_state=1).fit(X)
    print(f"{'sklearn (shifted)':22s} {str(sizes(s.column_labels_, args.k)):40s} "
          f"{within_between(X, s.row_labels_, s.column_labels_):7.2f} "
          f"{degree_corrected(X, s.row_labels_, s.column_labels_):8.2f} "
          f"{adjusted_rand_score(s.row_labels_, other.row_labels_):7.2f}/"
          f"{adjusted_rand_score(s.column_labels_, other.column_labels_):.2f} {'-':>12s} {'-':>7s} {ms:6.1f}")
    print("(restart ARI: best k-means restart vs the 2 others; seed ARI: 4 full refits with seeds "
          "0-3, pairwise; sklearn's restart column compares random_state 0 and 1)")
    if words is not None:
        for name in ("abs", "abs plain"):
            res = fits[name].result()
            print(f"\nTop words per cluster, ours {name}:")
            for c, (rows, cols) in enumerate(zip(res.word_clusters(), res.unit_clusters())):
                print(f"  {c}: {rows.size:4d} words x {cols.size:3d} units: "
                      + ", ".join(words[i] for i in rows[:12]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed runs per method")
    parser.add_argument("--seeds", type=int, default=3, help="planted matrices per quality row")
    parser.add_argument("--k", type=int, default=10, help="number of co-clusters for timing / --matrix")
    parser.add_argument("--matrix", help="optional .npy response matrix of a real model")
    parser.add_argument("--words", help="row labels of --matrix (JSON list or one per line)")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}\n")
    speed(args)
    if not args.skip_quality:
        quality(args)
    if args.matrix:
        real_matrix(args)


if __name__ == "__main__":
    main()
