"""State trajectories: a projection of one layer's states (h or c), fitted on a sample of the
split's positions, the sample as a point cloud, and any typed text or stored document as a path
over it.

Fitted projections are cached under the model's ``cache/projections/`` keyed by the store's
fingerprint (like co-clusters), with the sample's positions and states; the last few are also
kept in memory (UMAP's model cannot be saved as arrays and is refitted after a restart).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..atomic import atomic_path
from ..errors import ParamError, UserError
from ..params import LAYER, SEED, SPLIT, Param, Params
from ..recording.evaluation import Evaluation, open_evaluation
from ..recording.sentence import SENTENCE_PARAMS, to_json
from .projection import METHODS, Projection, UMAPProjection, make_projection, restore_projection

__all__ = ["TRAJECTORY_PARAMS", "CLOUD_PARAMS", "PROJECT_PARAMS", "fitted_projection",
           "trajectory_cloud", "project_text", "separation", "FittedProjection"]

CACHE_VERSION = 1
CONTEXT = (4, 2)        # tokens shown before and after a point's token
MAX_PATH_TOKENS = 400   # tokens of a stored document drawn as a path
_LOCK = threading.Lock()

STATE = Param("state", "str", "h", choices=("h", "c"),
              help="the state projected: hidden state h or LSTM cell state c (its value)")
METHOD = Param("method", "str", "pca", choices=tuple(METHODS),
               help="how the states are projected",
               choice_help={"pca": "principal components: linear, fast; shows the explained variance",
                            "umap": "UMAP: keeps neighbourhoods, bends distances; slower to fit",
                            "autoencoder": "a denoising autoencoder with a 2- or 3-unit bottleneck "
                                           "(the source article's way); shows the reconstruction error"})
DIMS = Param("dims", "int", 2, min=2, max=3, help="number of axes (3: pick the pair shown)")
SAMPLE = Param("sample", "int", 3000, min=100, max=50_000,
               help="positions of the split sampled to fit the projection and draw the cloud")
#: what a fitted projection depends on
TRAJECTORY_PARAMS = Params(SPLIT, LAYER, STATE, METHOD, DIMS, SAMPLE, SEED)
#: the point cloud: the projection's parameters, plus what colours it and what paths it adds
CLOUD_PARAMS = TRAJECTORY_PARAMS + Params(
    Param("unit", "int", None, min=0, help="also return each point's value of this unit"),
    Param("docs", "int", 0, min=0, max=20,
          help="classifiers: also project the first N documents of each class as paths"))
#: a typed text projected as a path
PROJECT_PARAMS = Params(SENTENCE_PARAMS["text"]) + TRAJECTORY_PARAMS


@dataclass
class FittedProjection:
    """A projection fitted on ``states`` (the sample at ``positions``) of one evaluation."""

    ev: Evaluation
    layer: int
    state: str
    projection: Projection
    positions: np.ndarray
    states: np.ndarray


_FITTED: "OrderedDict[str, FittedProjection]" = OrderedDict()


def _cache_path(ev: Evaluation, layer, state, method, dims, sample, seed):
    fp = ev.store.attrs["fingerprint"] + str(ev.store.attrs.get("finished"))
    key = json.dumps([CACHE_VERSION, ev.split, layer, state, method, dims, sample, seed])
    return ev.tm.dir.cache / "projections" / f"{hashlib.sha256((fp + key).encode()).hexdigest()[:24]}.npz"


def sample_positions(n: int, sample: int, seed: int) -> np.ndarray:
    """``min(sample, n)`` distinct positions of ``n``, drawn with ``seed``, ascending."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=min(sample, n), replace=False))


def fitted_projection(name: str, *, split=None, layer=0, state="h", method="pca", dims=2,
                      sample=SAMPLE.default, seed=0) -> FittedProjection:
    """The projection of one layer's states fitted on a seeded sample (cached on disk and in memory)."""
    split, layer, state, method, dims, sample, seed = TRAJECTORY_PARAMS.check(dict(
        split=split, layer=layer, state=state, method=method, dims=dims, sample=sample,
        seed=seed)).values()
    ev = open_evaluation(name, split)
    layer, _ = ev.check(layer, "h")
    if state not in ev.kinds:
        raise UserError(f"state: got {state!r}; a {ev.cfg.model.cell} model has no cell state; use h")
    ev.store.require_states("projections")
    path = _cache_path(ev, layer, state, method, dims, sample, seed)
    key = str(path)
    if key in _FITTED and _FITTED[key].ev.store is ev.store:
        _FITTED.move_to_end(key)
        return _FITTED[key]
    with _LOCK:
        if path.exists():
            with np.load(path, allow_pickle=False) as f:
                arrays = dict(f)
            positions, states = arrays.pop("positions"), arrays.pop("states").astype(np.float32)
            proj = restore_projection(method, arrays, dims, seed)
            if isinstance(proj, UMAPProjection):
                proj.refit(states)
        else:
            positions = sample_positions(len(ev.store.tokens), sample, seed)
            states = ev.store.take(layer, state, positions)
            if len(positions) <= dims:
                raise UserError(f"the {ev.split} split has only {len(positions)} positions; "
                                f"a projection needs more than {dims}")
            proj = make_projection(method, dims, seed).fit(states)
            with atomic_path(path, suffix=".npz") as tmp:
                np.savez(tmp, positions=positions, states=states.astype(np.float16),
                         **proj.to_arrays())
        fitted = _FITTED[key] = FittedProjection(ev, layer, state, proj, positions, states)
        while len(_FITTED) > 8:
            _FITTED.popitem(last=False)
    return fitted


def _round(a: np.ndarray, digits: int = 5) -> list:
    """JSON lists with ``digits`` significant digits relative to each column's largest value
    (a PCA axis with little variance keeps its shape), NaN as None."""
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        scale = np.nanmax(np.abs(a), axis=0) if a.size else np.ones(a.shape[1:])
        decimals = np.where(np.isfinite(scale) & (scale > 0),
                            digits - np.ceil(np.log10(np.where(scale > 0, scale, 1))), digits)
        factor = 10.0 ** decimals
        return to_json(np.round(a * factor) / factor, 15)


def _contexts(ev: Evaluation, positions: np.ndarray) -> list[str]:
    """The words around each position, within its sentence or document: ``a b [w] c d``."""
    words, tokens, starts = ev.tm.vocab.words, ev.store.tokens, ev.store.starts
    start_rows = np.flatnonzero(starts)
    before, after = CONTEXT
    out = []
    for p in positions.tolist():
        first = start_rows[np.searchsorted(start_rows, p, side="right") - 1] if len(start_rows) else 0
        following = start_rows[np.searchsorted(start_rows, p, side="right"):][:1]
        end = min(p + 1 + after, int(following[0]) if len(following) else len(tokens))
        left = [words[t] for t in tokens[max(first, p - before):p]]
        right = [words[t] for t in tokens[p + 1:end]]
        out.append(" ".join(left + [f"[{words[tokens[p]]}]"] + right))
    return out


def _doc_index(ev: Evaluation, positions: np.ndarray) -> np.ndarray:
    offsets = ev.store.dataset("doc_offsets")
    return np.searchsorted(offsets, positions, side="right") - 1


def _header(f: FittedProjection) -> dict:
    ev, proj = f.ev, f.projection
    return {"model": ev.tm.name, "split": ev.split, "task": ev.cfg.task, "layer": f.layer,
            "state": f.state, "method": proj.method, "dims": proj.n_components,
            "quality": proj.quality_}


def trajectory_cloud(name: str, *, unit: int | None = None, docs: int = 0, **params) -> dict:
    """The sample as a point cloud in the projection, with what the page colours it by.

    Keys: the projection's parameters and ``quality``; ``points`` with ``coords``, ``words``,
    ``context``, and per point ``cls`` (classifiers: the document's true class), ``loss``
    (language models: next-token loss) and ``values`` (``unit``'s state, if asked); ``classes``;
    ``class_paths`` (classifiers, ``docs`` > 0: the first documents of each class as paths).
    """
    unit, docs = CLOUD_PARAMS["unit"].check(unit), CLOUD_PARAMS["docs"].check(docs)
    f = fitted_projection(name, **params)
    ev, pos = f.ev, f.positions
    words = ev.tm.vocab.words
    points = {"coords": _round(f.projection.embedding_), "positions": pos.tolist(),
              "words": [words[t] for t in ev.store.tokens[pos]], "context": _contexts(ev, pos),
              "cls": None, "loss": None, "values": None}
    classifier = ev.cfg.task == "classification"
    labels = ev.store.dataset("labels") if classifier else None
    if classifier:
        points["cls"] = labels[_doc_index(ev, pos)].tolist()
    else:
        points["loss"] = _round(ev.store.dataset("next_loss")[pos])
    if unit is not None:
        units = ev.cfg.model.layers[f.layer]
        if unit >= units:
            raise ParamError(f"unit: got {unit}; layer {f.layer} has units 0..{units - 1}", param="unit")
        points["values"] = _round(f.states[:, unit])
    out = {**_header(f), "sample": len(pos), "tokens": len(ev.store.tokens), "points": points,
           "classes": (ev.tm.classes or [str(c) for c in range(int(labels.max()) + 1)])
           if classifier else None, "class_paths": []}
    if docs:
        if not classifier:
            raise ParamError("docs: only classifiers have documents to draw; use 0", param="docs")
        out["class_paths"] = _class_paths(f, labels, docs)
    return out


def _class_paths(f: FittedProjection, labels: np.ndarray, docs: int) -> list[dict]:
    """The first ``docs`` non-empty documents of each class, projected token by token."""
    ev = f.ev
    offsets = ev.store.dataset("doc_offsets")
    probs = ev.store.dataset("class_probs")
    out = []
    for c in np.unique(labels).tolist():
        picked = [d for d in np.flatnonzero(labels == c) if offsets[d + 1] > offsets[d]][:docs]
        for d in picked:
            a = int(offsets[d])
            b = min(int(offsets[d + 1]), a + MAX_PATH_TOKENS)
            coords = f.projection.transform(ev.store.rows(f.layer, f.state, a, b))
            out.append({"cls": int(c), "doc": int(d), "predicted": int(np.argmax(probs[d])),
                        "words": [ev.tm.vocab.words[t] for t in ev.store.tokens[a:b]],
                        "coords": _round(coords)})
    return out


def project_text(name: str, *, text: str, **params) -> dict:
    """A typed text run through the model from the zero state and projected token by token.

    Keys: the projection's parameters, ``tokens``, ``oov`` and ``coords`` (one point per token);
    classifiers add ``class_probs`` and ``classes``.
    """
    from ..recording.sentence import evaluate_text

    f = fitted_projection(name, **params)
    result = evaluate_text(f.ev.tm, text, fields=(f.state,), next_token=False)
    coords = f.projection.transform(result["layers"][f.layer][f.state])
    out = {**_header(f), "tokens": result["tokens"], "oov": result["oov"], "coords": _round(coords)}
    if "class_probs" in result:
        out.update(class_probs=_round(result["class_probs"]), classes=result["classes"])
    return out


def separation(name: str, *, folds: int = 5, **params) -> dict:
    """How well a classifier's end-of-document states separate its classes in the projection.

    A logistic regression on the projected last state of every document (``folds``-fold cross-
    validated accuracy), against the same on the full states and the model's own accuracy.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    f = fitted_projection(name, **params)
    ev = f.ev
    if ev.cfg.task != "classification":
        raise UserError(f"model {name!r} is not a classifier; separation needs documents and classes")
    offsets, labels = ev.store.dataset("doc_offsets"), ev.store.dataset("labels")
    probs = ev.store.dataset("class_probs")
    keep = np.flatnonzero(offsets[1:] > offsets[:-1])
    ends = ev.store.take(f.layer, f.state, offsets[1:][keep] - 1)
    y = labels[keep]
    points = f.projection.transform(ends)

    def accuracy(X):
        return float(cross_val_score(LogisticRegression(max_iter=1000), X, y, cv=folds).mean())

    return {"documents": int(len(keep)), "projection_accuracy": accuracy(points),
            "state_accuracy": accuracy(ends),
            "model_accuracy": float((probs[keep].argmax(1) == y).mean()),
            "quality": f.projection.quality_, "method": f.projection.method}
