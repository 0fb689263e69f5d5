"""Co-clusters of an evaluated model, ready for the views: clusters, links, clouds, quality.

Results are cached on disk per (model, split, layer, state, mode, top-K, k, seed) under the model's
``cache/`` folder, keyed by the evaluation store's fingerprint, so they are invalidated when the
evaluation changes. Spectral embeddings are kept in memory so a k slider only reruns k-means.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

import numpy as np

from ..atomic import read_json, write_json
from ..errors import CoclusterError, ParamError, UserError
from ..params import LAYER, SEED, SPLIT, STATE, Param, Params
from ..recording.evaluation import Evaluation, open_evaluation
from .cocluster import (MAX_CLUSTERS, MIN_CLUSTERS, MODES, CoClustering, SpectralEmbedding,
                        permutation_null,
                        bootstrap_stability)

__all__ = ["cocluster_view", "cocluster_stability", "structure_summary", "start_view",
           "default_mode", "COCLUSTER_PARAMS", "DEFAULT_TOP_K", "MAX_TOP_K"]

DEFAULT_TOP_K = 300
MAX_TOP_K = 5000
CLOUD_WORDS = 40
BOOTSTRAP_RESAMPLES = 4
CACHE_VERSION = 5  # bump when the co-clustering algorithm or the view format changes
_LOCK = threading.Lock()

K = Param("k", "int", None, min=MIN_CLUSTERS, max=MAX_CLUSTERS,
          help="number of co-clusters; empty = suggested by the eigengap")
TOP_K = Param("top_k", "int", DEFAULT_TOP_K, min=10, max=MAX_TOP_K,
              help="the most frequent words to cluster")
MODE = Param("mode", "str", None, choices=MODES,
             help="how the signed responses s become a non-negative matrix to co-cluster "
                  "(default: abs for language models, signed for classifiers, whose words push "
                  "units in opposite directions by sentiment)",
             choice_help={
                 "abs": "|s|: which units react strongly to which words, whatever the direction",
                 "positive": "max(s, 0): only units pushed up by the words",
                 "negative": "max(−s, 0): only units pushed down by the words",
                 "signed": "each unit's positive and negative halves are clustered apart"})
#: the parameters of a co-cluster view (the API, the CLI and the page's controls use these)
COCLUSTER_PARAMS = Params(SPLIT, LAYER, STATE, K, TOP_K, MODE, SEED)


def _matrix(ev: Evaluation, layer: int, state: str, top_k: int):
    res = ev.responses(layer, state)
    ids = res.top_words(top_k)
    return res, ids


_EMBEDDINGS: "OrderedDict[tuple, object]" = OrderedDict()


def _embedding(key: tuple, fit):
    """The spectral embedding for (store, layer, state, mode, top_k, seed), kept for a k slider."""
    if key in _EMBEDDINGS:
        _EMBEDDINGS.move_to_end(key)
        return _EMBEDDINGS[key]
    emb = _EMBEDDINGS[key] = fit()
    while len(_EMBEDDINGS) > 16:
        _EMBEDDINGS.popitem(last=False)
    return emb


def default_mode(task: str) -> str:
    """The sign mode a view starts with: ``signed`` for classifiers (positive and negative
    words push units in opposite directions, and ``abs`` would merge them), ``abs`` otherwise."""
    return "signed" if task == "classification" else "abs"


class _Params:
    """Validated parameters of one co-clustering and where its results are cached."""

    def __init__(self, name, split, layer, state, k, top_k, mode, seed):
        split, layer, state, k, top_k, mode, seed = COCLUSTER_PARAMS.check(dict(
            split=split, layer=layer, state=state, k=k, top_k=top_k, mode=mode, seed=seed)).values()
        self.ev = ev = open_evaluation(name, split)
        self.layer, self.state = ev.check(layer, state)
        mode = mode or default_mode(ev.cfg.task)
        self.k, self.top_k, self.mode, self.seed = k, top_k, mode, seed
        self.fp = ev.store.attrs["fingerprint"] + str(ev.store.attrs.get("finished"))

    def cache_path(self, what: str):
        key = json.dumps([CACHE_VERSION, what, self.ev.split, self.layer, self.state, self.mode,
                          self.top_k, self.k, self.seed])
        digest = hashlib.sha256((self.fp + key).encode()).hexdigest()[:24]
        return self.ev.tm.dir.cache / "coclusters" / f"{digest}.json"

    def fit(self):
        """The response matrix and the co-clustering of the view (embedding kept in memory)."""
        ev = self.ev
        res, ids = _matrix(ev, self.layer, self.state, self.top_k)
        if len(ids) < MIN_CLUSTERS:
            raise UserError(f"only {len(ids)} words occur in the {ev.split} split; need at least 2")
        X = res.mean[ids]
        words = [ev.tm.vocab.words[i] for i in ids]
        emb_key = (str(ev.store.path), self.fp, self.layer, self.state, self.mode, self.top_k, self.seed)
        embedding = _embedding(emb_key, lambda: SpectralEmbedding(
            mode=self.mode, random_state=self.seed).fit(X))
        self.k_max = embedding.max_clusters_
        if self.k is not None and self.k > self.k_max:
            raise ParamError(
                f"k: got {self.k}; expected an integer from {MIN_CLUSTERS} to {self.k_max} for "
                f"layer {self.layer} state {self.state} (only {embedding.kept_rows_.size} of the "
                f"top {self.top_k} words and {embedding.kept_columns_.size} units respond in mode "
                f"{self.mode})", param="k")
        model = CoClustering(self.k, mode=self.mode, random_state=self.seed,
                             embedding=embedding).fit(X, words=words)
        return res, ids, words, model.result()

    def stability(self, fitted=None) -> dict:
        """The cached bootstrap answer, computed (from ``fitted`` if given) when missing."""
        path = self.cache_path("stability")
        out = read_json(path)
        if out is None:
            with _LOCK:
                res, ids, _, result = fitted or self.fit()
                out = {"bootstrap_ari": _bootstrap(res, ids, result, self.seed),
                       "resamples": BOOTSTRAP_RESAMPLES}
            write_json(path, out)
        return out


def cocluster_view(name: str, *, split: str | None = None, layer: int = 0, state: str = "h",
                   k: int | None = None, top_k: int = DEFAULT_TOP_K, mode: str | None = None,
                   seed: int = 0, stability: bool = False, parallel: bool = False) -> dict:
    """Co-cluster the top-K words x units of one layer and state; return JSON-able view data.

    Keys: clusters (words with strength, units), links (block mean, mean |s|, count), clouds
    (word-cloud layouts), quality (within/between ratio; in ``null`` the same ratio on
    row-shuffled matrices and the verdict: clear, weak or no structure beyond chance; seed and
    bootstrap ARI), suggested_k.
    The bootstrap ARI costs several refits, so it is filled in only if already computed or
    ``stability`` is set; otherwise it is null and ``quality.bootstrap_pending`` is true, and
    :func:`cocluster_stability` computes it. ``parallel`` lays the word clouds out in worker
    processes (see :func:`rnnvis.analysis.wordclouds.layout_many`).
    """
    p = _Params(name, split, layer, state, k, top_k, mode, seed)
    path = p.cache_path("view")
    view, fitted = read_json(path), None
    if view is None:
        with _LOCK:  # one computation at a time; BLAS already uses the cores
            fitted = p.fit()
            view = _view(p.ev, fitted[3], fitted[2], p.layer, p.state, p.mode, top_k, seed, parallel,
                         p.k_max)
            res, ids, _, result = fitted
            null = permutation_null(res.mean[ids], result, random_state=seed)
            view["quality"]["null"] = None if null is None else {
                k: _finite(v) if isinstance(v, float) else v for k, v in null.to_dict().items()}
        write_json(path, view)
    boot = p.stability(fitted) if stability else read_json(p.cache_path("stability"))
    view["quality"]["bootstrap_ari"] = boot["bootstrap_ari"] if boot else None
    view["quality"]["bootstrap_pending"] = boot is None
    return view


def cocluster_stability(name: str, *, split: str | None = None, layer: int = 0, state: str = "h",
                        k: int | None = None, top_k: int = DEFAULT_TOP_K,
                        mode: str | None = None, seed: int = 0) -> dict:
    """Bootstrap stability of the co-clustering that :func:`cocluster_view` shows (cached).

    Returns ``{"bootstrap_ari": mean word ARI against the view's clusters or None,
    "resamples": n}``.
    """
    return _Params(name, split, layer, state, k, top_k, mode, seed).stability()


def _bootstrap(res, ids, reference, seed) -> float | None:
    """Parametric bootstrap of the word means: each resample draws mean + std/sqrt(n) * N(0, 1),
    the normal approximation of re-drawing every word's occurrences with replacement."""
    rng = np.random.default_rng(seed + 7919)
    mean, std = res.mean[ids], res.std[ids]
    se = std / np.sqrt(np.maximum(res.counts[ids], 1))[:, None]
    mats = (mean + se * rng.standard_normal(mean.shape) for _ in range(BOOTSTRAP_RESAMPLES))
    try:
        stab = bootstrap_stability(mats, reference=reference, random_state=seed)
    except CoclusterError:
        return None
    return _finite(stab.word_ari_mean)


def _cloud_json(cloud: dict) -> dict:
    return {"width": cloud["width"], "height": cloud["height"], "words": [
        {"word": w["word"], "size": w["font_size"], "x": w["x"], "y": w["y"],
         "width": w["width"], "height": w["height"], "rotate": w["rotation"],
         "color": w["color"], "baseline_x": w["baseline_x"], "baseline_y": w["baseline_y"]}
        for w in cloud["words"]]}


def _finite(x):
    return float(x) if x is not None and np.isfinite(x) else None


def _view(ev, result, words, layer, state, mode, top_k, seed, parallel, k_max) -> dict:
    from .wordclouds import layout_clusters

    k = result.n_clusters
    word_clusters, unit_clusters = [], []
    for rows, cols in zip(result.word_clusters(), result.unit_clusters()):
        word_clusters.append([{"word": words[i], "strength": float(result.row_strength[i]),
                               "sign": int(result.row_sign[i])} for i in rows])
        unit_clusters.append([int(c) for c in cols])
    clouds = [_cloud_json(c.to_dict()) for c in layout_clusters(
        result, words, max_words=CLOUD_WORDS, random_state=seed, parallel=parallel)]
    links = [{"word_cluster": a, "unit_cluster": b, "mean": float(result.block_mean[a, b]),
              "mean_abs": float(result.block_abs_mean[a, b]), "count": int(result.block_count[a, b])}
             for a in range(k) for b in range(k)]
    q = result.quality
    return {
        "model": ev.tm.name, "split": ev.split, "layer": layer, "state": state, "mode": mode,
        "k": k, "top_k": top_k, "seed": seed, "suggested_k": int(result.suggested_k),
        "k_range": [MIN_CLUSTERS, int(k_max)], "units": ev.cfg.model.layers[layer],
        "word_clusters": word_clusters, "unit_clusters": unit_clusters, "links": links,
        "clouds": clouds,
        "quality": {"within_between": _finite(q.get("within_between_ratio")),
                    "seed_ari": _finite(q.get("seed_ari_words")),
                    "seed_ari_units": _finite(q.get("seed_ari_units"))},
        "dropped": {"words": [words[i] for i in result.dropped_rows],
                    "units": [int(u) for u in result.dropped_columns]},
    }


def structure_summary(name: str, *, split: str | None = None, layer: int = 0, state: str = "h",
                      mode: str | None = None, top_k: int = DEFAULT_TOP_K, seed: int = 0) -> dict:
    """How clear the co-cluster structure of one layer is at its suggested k, against the
    permutation null (cached; no word-cloud layouts)."""
    p = _Params(name, split, layer, state, None, top_k, mode, seed)
    path = p.cache_path("structure")
    out = read_json(path)
    if out is None:
        with _LOCK:
            res, ids, _, result = p.fit()
            null = permutation_null(res.mean[ids], result, random_state=seed)
        out = {"model": name, "layer": p.layer, "state": p.state, "mode": p.mode,
               "k": int(result.n_clusters), "words": int(len(ids)),
               "beyond_chance": _finite(null.beyond_chance) if null else None,
               "z": _finite(null.z) if null else None,
               "structure": null.structure if null else "unknown"}
        write_json(path, out)
    return out


def start_view(min_words: int = 100) -> dict | None:
    """The most telling first view over every evaluated model with a real vocabulary (at least
    ``min_words`` words in the split): the layer and state kind (h, and c for LSTMs) whose
    co-clusters at the suggested k stand furthest above chance. None when there is none."""
    from ..modelling.manager import model_rows

    best = None
    for row in model_rows():
        if row.get("status") != "evaluated":
            continue
        for layer in range(len(row["layers"])):
            for state in [k for k in row["kinds"] if k in ("h", "c")]:
                try:
                    s = structure_summary(row["name"], layer=layer, state=state)
                except UserError:
                    continue
                if s["words"] < min_words or s["beyond_chance"] is None:
                    continue
                key = (s["structure"] == "clear", s["beyond_chance"])
                if best is None or key > best[0]:
                    best = (key, s)
    return None if best is None else best[1]
