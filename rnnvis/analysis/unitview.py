"""Find the unit that does X: rankings by contrast, top contexts, text heatmaps, pattern search
and gate saturation, ready for the Units view, the API and the command line.

Everything reads the state store through its unit index (``rnnvis.analysis.unitindex``); only
typed text runs the model (the sentence path). Each query declares its parameters once.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParamError
from ..params import LAYER, SEED, SPLIT, STATE, Param, Params
from ..recording.evaluation import UNIT, open_evaluation
from ..recording.sentence import to_json
from .contrasts import CONTRAST_HELP, CONTRASTS, contrast, stream_of
from .patternsearch import best_windows, window_scores
from .scores import correlation, hellinger, histograms, roc_auc
from .unitindex import unit_index

__all__ = ["RANK_PARAMS", "CONTEXT_PARAMS", "HEATMAP_PARAMS", "TEXT_HEATMAP_PARAMS",
           "SEARCH_PARAMS", "SATURATION_PARAMS", "rank_units", "top_contexts", "heatmap",
           "text_heatmap", "pattern_search", "gate_saturation", "GATES"]

GATES = {"lstm": ("i", "f", "o"), "gru": ("z", "r"), "rnn": ()}
MAX_UNITS = 16
BANDS = ((0.0, 0.1), (0.1, 0.5), (0.5, 0.9), (0.9, 0.99), (0.99, 1.0))

_WHERE = Params(SPLIT, LAYER, STATE)
UNITS = Param("units", "ints", None, min=0, max_items=MAX_UNITS,
              help="units to show, comma-separated (default: the first)")
WINDOW = Param("window", "int", 8, min=0, max=50, help="tokens shown on each side")
RANK_PARAMS = _WHERE + Params(
    Param("rank", "str", "word", choices=CONTRASTS, choice_help=CONTRAST_HELP,
          help="the contrast the units are ranked by: what they should tell apart"),
    Param("a", "str", None, max_length=500, help="side a: a word, a pattern, a class or a target"),
    Param("b", "str", None, max_length=500, help="side b: a word, a pattern or a class (optional)"),
    Param("score", "str", "auc", choices=("auc", "hellinger"),
          choice_help={"auc": "ROC AUC: how often a's value beats b's (ranked by |AUC - 0.5|)",
                       "hellinger": "Hellinger distance between the two histograms"},
          help="how the two sides are compared (targets use the correlation)"),
    Param("bins", "int", 32, min=5, max=500, help="histogram bins"),
    Param("sample", "int", 5_000, min=100, max=1_000_000,
          help="at most this many positions per side (a seeded random sample; the AUC of "
               "5,000 vs 5,000 is within about 0.01 of the full sets)"),
    Param("top", "int", 50, min=1, max=10_000, help="units returned, best first"),
    SEED)
CONTEXT_PARAMS = _WHERE + Params(UNIT, Param("k", "int", 10, min=1, max=50,
                                             help="contexts per sign"), WINDOW)
HEATMAP_PARAMS = _WHERE + Params(
    UNITS, Param("start", "int", None, min=0, help="first position of the passage"),
    Param("length", "int", 120, min=1, max=500, help="tokens in the passage"),
    Param("doc", "int", None, min=0, help="a sentence (language models) or document, from 0"))
TEXT_HEATMAP_PARAMS = Params(
    Param("text", "str", required=True, max_length=20_000, help="text to run the model on"),
    LAYER, STATE, UNITS)
SEARCH_PARAMS = _WHERE + Params(
    Param("units", "ints", required=True, min=0, max_items=MAX_UNITS, help="units of the pattern"),
    Param("start", "int", required=True, min=0, help="first position of the phrase"),
    Param("length", "int", 5, min=1, max=50, help="tokens in the phrase"),
    Param("threshold", "float", None,
          help="a unit is on at or above this value (default: each unit's 75th percentile)"),
    Param("k", "int", 10, min=1, max=50, help="matches returned"), WINDOW)
SATURATION_PARAMS = Params(SPLIT, LAYER)


class _Query:
    """An evaluation checked for (layer, kind), with its stream and unit index."""

    def __init__(self, name, split, layer, state):
        self.ev = open_evaluation(name, split)
        self.layer, self.kind = self.ev.check(layer, state)
        self.index = unit_index(self.ev.store, self.layer, self.kind)
        self.words = self.ev.tm.vocab.words

    def check_unit(self, unit, param="unit"):
        n = self.index.units
        if not 0 <= unit < n:
            raise ParamError(f"{param}: got {unit}; layer {self.layer} has units 0..{n - 1}",
                             param=param)
        return unit

    def window(self, pos: int, before: int, after: int) -> tuple[int, int]:
        return max(0, pos - before), min(len(self.index), pos + after + 1)

    def passage(self, start: int, stop: int, units) -> dict:
        """Tokens, state resets and the units' values over positions start:stop."""
        values = self.index.values[start:stop][:, list(units)].astype(np.float32)
        return {"start": start, "tokens": [self.words[t] for t in self.ev.store.tokens[start:stop]],
                "resets": np.flatnonzero(self.ev.store.starts[start:stop]).tolist(),
                "values": to_json(values)}

    def head(self) -> dict:
        return {"model": self.ev.tm.name, "split": self.ev.split, "layer": self.layer,
                "state": self.kind, "units_in_layer": self.index.units}


def _sample(pos: np.ndarray, n: int, rng) -> np.ndarray:
    return pos if len(pos) <= n else np.sort(rng.choice(pos, size=n, replace=False))


def rank_units(name: str, *, split=None, layer=0, state="h", rank="word", a=None, b=None,
               score="auc", bins=32, sample=5_000, top=50, seed=0) -> dict:
    """Every unit of a layer and kind ranked by how well it separates the contrast's two
    sides (ROC AUC or Hellinger distance of the histograms) or follows its target (Pearson
    r). Each unit comes with both histograms and the n of each side."""
    p = RANK_PARAMS.check(dict(split=split, layer=layer, state=state, rank=rank, a=a, b=b,
                               score=score, bins=bins, sample=sample, top=top, seed=seed))
    q = _Query(name, p["split"], p["layer"], p["state"])
    c = contrast(q.ev, p["rank"], p["a"], p["b"])
    rng = np.random.default_rng(p["seed"])
    out = {**q.head(), "contrast": c.kind, "a": p["a"], "b": p["b"], "label_a": c.label_a,
           "label_b": c.label_b}
    values = q.index.values
    if c.target is not None:
        pos = _sample(np.arange(len(c.target)), p["sample"], rng)
        r = correlation(values[pos].astype(np.float32), c.target[pos])
        order = np.lexsort((np.arange(len(r)), -np.abs(r)))[:p["top"]]
        out.update(score="correlation", n=int(len(c.target)), n_used=int(len(pos)),
                   units=[{"unit": int(u), "r": float(r[u]), "score": float(abs(r[u]))}
                          for u in order])
        return to_json(out)
    pa, pb = _sample(c.pos_a, p["sample"], rng), _sample(c.pos_b, p["sample"], rng)
    va, vb = values[pa].astype(np.float32), values[pb].astype(np.float32)
    ca, cb, lo, hi = histograms(va, vb, p["bins"])
    dist = hellinger(ca, cb)
    auc = roc_auc(va, vb)
    key = np.abs(auc - 0.5) * 2 if p["score"] == "auc" else dist
    order = np.lexsort((np.arange(len(key)), -key))[:p["top"]]
    out.update(score=p["score"], n_a=int(len(c.pos_a)), n_b=int(len(c.pos_b)),
               n_a_used=int(len(pa)), n_b_used=int(len(pb)), units=[
                   {"unit": int(u), "score": float(key[u]), "auc": float(auc[u]),
                    "hellinger": float(dist[u]), "mean_a": float(va[:, u].mean()),
                    "mean_b": float(vb[:, u].mean()), "range": [float(lo[u]), float(hi[u])],
                    "hist_a": ca[u].tolist(), "hist_b": cb[u].tolist()} for u in order])
    return to_json(out)


def top_contexts(name: str, *, split=None, layer=0, state="h", unit=None, k=10, window=8) -> dict:
    """A unit's k strongest positive and negative positions with their windows (tokens and the
    unit's value at each), its histogram over the split, and random samples from quantile
    bands. Read from the unit index: no scan of the store."""
    p = CONTEXT_PARAMS.check(dict(split=split, layer=layer, state=state, unit=unit, k=k,
                                  window=window))
    q = _Query(name, p["split"], p["layer"], p["state"])
    u = q.check_unit(p["unit"])
    idx, w = q.index, p["window"]

    def contexts(positions):
        out = []
        for pos in positions:
            a, b = q.window(int(pos), w, w)
            ctx = q.passage(a, b, [u])
            ctx["values"] = [row[0] for row in ctx["values"]]
            out.append({"position": int(pos), "value": float(idx.values[pos, u]),
                        "offset": int(pos) - a, **ctx})
        return out

    rng = np.random.default_rng(u)
    sample_values = idx.values[idx.sample, u].astype(np.float32)
    edges = np.quantile(sample_values, [q0 for q0, _ in BANDS] + [1.0])
    bands = []
    for (q0, q1), lo, hi in zip(BANDS, edges[:-1], edges[1:]):
        inside = idx.sample[(sample_values >= lo) & (sample_values <= hi)]
        picks = np.sort(rng.choice(inside, size=min(3, len(inside)), replace=False)) \
            if len(inside) else []
        bands.append({"quantiles": [q0, q1], "range": [float(lo), float(hi)],
                      "contexts": contexts(picks)})
    return to_json({**q.head(), "unit": u, "positive": contexts(idx.top[u, :p["k"]]),
                    "negative": contexts(idx.bottom[u, :p["k"]]),
                    "histogram": {"counts": idx.hist[u].tolist(), "range": [float(idx.lo[u]),
                                                                            float(idx.hi[u])]},
                    "mean": float(idx.mean[u]), "std": float(idx.std[u]), "bands": bands})


def heatmap(name: str, *, split=None, layer=0, state="h", units=None, start=None, length=120,
            doc=None) -> dict:
    """The values of one or more units over a passage of the split: from ``start`` for
    ``length`` tokens, or sentence / document ``doc`` (the Karpathy-Chen colouring)."""
    p = HEATMAP_PARAMS.check(dict(split=split, layer=layer, state=state, units=units,
                                  start=start, length=length, doc=doc))
    q = _Query(name, p["split"], p["layer"], p["state"])
    units = [q.check_unit(u, "units") for u in (p["units"] or (0,))]
    n = len(q.index)
    if p["doc"] is not None:
        seg = np.flatnonzero(stream_of(q.ev).seg_start)
        if p["doc"] >= len(seg):
            raise ParamError(f"doc: got {p['doc']}; the {q.ev.split} split has "
                             f"{len(seg)} sentences or documents (0..{len(seg) - 1})", param="doc")
        a = int(seg[p["doc"]])
        b = int(seg[p["doc"] + 1]) if p["doc"] + 1 < len(seg) else n
        b = min(b, a + HEATMAP_PARAMS["length"].max)
    else:
        a = p["start"] or 0
        if a >= n:
            raise ParamError(f"start: got {a}; the {q.ev.split} split has {n} tokens "
                             f"(0..{n - 1})", param="start")
        b = min(n, a + p["length"])
    return to_json({**q.head(), "units": units, **q.passage(a, b, units)})


def text_heatmap(name: str, *, text: str, layer=0, state="h", units=None) -> dict:
    """The same colouring for typed text, through the sentence path (runs the model)."""
    from ..modelling.cells import layer_kinds
    from ..modelling.manager import load_trained
    from ..recording.sentence import evaluate_text

    p = TEXT_HEATMAP_PARAMS.check(dict(text=text, layer=layer, state=state, units=units))
    tm = load_trained(name)
    n_layers = len(tm.config.model.layers)
    if not 0 <= p["layer"] < n_layers:
        raise ParamError(f"layer: got {p['layer']}; model {name!r} has layers 0..{n_layers - 1}",
                         param="layer")
    kinds = layer_kinds(tm.config.model.cell)
    if p["state"] not in kinds:
        raise ParamError(f"state: got {p['state']!r}; allowed for {tm.config.model.cell}: "
                         f"{', '.join(kinds)}", param="state")
    width = tm.config.model.layers[p["layer"]]
    units = list(p["units"] or (0,))
    for u in units:
        if u >= width:
            raise ParamError(f"units: got {u}; layer {p['layer']} has units 0..{width - 1}",
                             param="units")
    result = evaluate_text(tm, p["text"], fields=(p["state"],), next_token=False)
    values = result["layers"][p["layer"]][p["state"]][:, units]
    return to_json({"model": name, "layer": p["layer"], "state": p["state"], "units": units,
                    "tokens": result["tokens"], "oov": result["oov"], "values": values})


def pattern_search(name: str, *, split=None, layer=0, state="h", units=None, start=None,
                   length=5, threshold=None, k=10, window=4) -> dict:
    """LSTMVis-style match: threshold the units over the phrase ``start:start+length`` into
    on/off cells, and return the k non-overlapping windows of the split whose cells agree
    best (score 1 = the same pattern), with their tokens and values."""
    p = SEARCH_PARAMS.check(dict(split=split, layer=layer, state=state, units=units,
                                 start=start, length=length, threshold=threshold, k=k,
                                 window=window))
    q = _Query(name, p["split"], p["layer"], p["state"])
    units = [q.check_unit(u, "units") for u in p["units"]]
    n, length = len(q.index), p["length"]
    a = p["start"]
    if a + length > n:
        raise ParamError(f"start: got {a}; a phrase of {length} tokens must end within the "
                         f"{n} tokens of the split", param="start")
    if p["threshold"] is None:
        thresholds = np.array([q.index.quantiles(u, 0.75) for u in units], dtype=np.float32)
    else:
        thresholds = np.full(len(units), p["threshold"], dtype=np.float32)
    on = q.index.values[:, units] >= thresholds.astype(q.index.values.dtype)
    query = on[a:a + length]
    scores = window_scores(on, query)
    picks = best_windows(scores, length, p["k"], exclude=(a, a + length))
    w = p["window"]

    def result(s, score=None):
        lo, hi = q.window(s, w, length - 1 + w)
        item = {"position": s, "offset": s - lo, "length": length,
                "on": on[s:s + length].tolist(), **q.passage(lo, hi, units)}
        if score is not None:
            item["score"] = float(score)
        return item

    return to_json({**q.head(), "units": units, "thresholds": thresholds,
                    "query": result(a), "results": [result(s, scores[s]) for s in picks]})


def gate_saturation(name: str, *, split=None, layer=0) -> dict:
    """Per gate of the cell and per unit, the fraction of steps the gate is left-saturated
    (< 0.1) and right-saturated (> 0.9), as in Karpathy et al. (2015): one point per unit."""
    p = SATURATION_PARAMS.check(dict(split=split, layer=layer))
    ev = open_evaluation(name, p["split"])
    cell = ev.cfg.model.cell
    if not GATES[cell]:
        raise ParamError(f"layer: a {cell} cell has no gates; saturation needs an LSTM or a GRU",
                         param="layer")
    if not set(GATES[cell]) <= set(ev.kinds):   # e.g. states imported without their gates
        raise ParamError(f"layer: the {ev.split} evaluation of {name!r} holds "
                         f"{', '.join(ev.kinds)} only, no gates", param="layer")
    gates = {}
    for gate in GATES[cell]:
        q = _Query(name, p["split"], p["layer"], gate)
        gates[gate] = {"low": q.index.low.tolist(), "high": q.index.high.tolist()}
    return to_json({"model": name, "split": ev.split, "layer": p["layer"], "cell": cell,
                    "gates": gates})
