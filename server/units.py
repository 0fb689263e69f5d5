"""The Units endpoints of /api: rank units by a contrast, top contexts, text heatmaps, pattern
search and gate saturation (``rnnvis.analysis.unitview``)."""

from __future__ import annotations

from rnnvis.analysis import unitview as uv
from rnnvis.params import MODEL, Params

from .endpoints import array, endpoint, obj

NAME = Params(MODEL)
_PASSAGE = dict(tokens=array({"type": "string"}), values=array(), resets=array())
_CONTEXTS = array(obj("position", "value", "offset", "tokens", "values", **_PASSAGE))


@endpoint("GET", "/models/<name>/ranking", path=NAME, query=uv.RANK_PARAMS,
          response=obj("contrast", "label_a", "score", "units", units=array(obj("unit", "score"))))
def ranking(name, **params):
    """Every unit of a layer and state kind ranked by a contrast (ROC AUC or Hellinger distance
    between the two sides' histograms) or by its correlation with a per-token target."""
    return uv.rank_units(name, **params)


@endpoint("GET", "/models/<name>/contexts/<unit>", path=NAME + Params(uv.UNIT),
          query=uv.CONTEXT_PARAMS.without("unit"),
          response=obj("unit", "positive", "negative", "histogram", "bands",
                       positive=_CONTEXTS, negative=_CONTEXTS))
def contexts(name, **params):
    """A unit's strongest positive and negative contexts, its histogram over the split, and
    samples from quantile bands."""
    return uv.top_contexts(name, **params)


@endpoint("GET", "/models/<name>/heatmap", path=NAME, query=uv.HEATMAP_PARAMS,
          response=obj("units", "start", "tokens", "values", **_PASSAGE))
def heatmap(name, **params):
    """The values of some units over a passage of the evaluated split."""
    return uv.heatmap(name, **params)


@endpoint("POST", "/models/<name>/heatmap", path=NAME, body=uv.TEXT_HEATMAP_PARAMS,
          errors=(400, 404, 413), response=obj("units", "tokens", "values", "oov"))
def text_heatmap(name, **params):
    """The values of some units over a typed text (runs the model from the zero state)."""
    return uv.text_heatmap(name, **params)


@endpoint("GET", "/models/<name>/search", path=NAME, query=uv.SEARCH_PARAMS,
          response=obj("query", "results", "thresholds", results=array(obj("position", "score"))))
def search(name, **params):
    """Windows of the split where the chosen units switch on and off as over the phrase."""
    return uv.pattern_search(name, **params)


@endpoint("GET", "/models/<name>/saturation", path=NAME, query=uv.SATURATION_PARAMS,
          response=obj("gates", "cell"))
def saturation(name, **params):
    """Per gate and unit, the fraction of steps below 0.1 and above 0.9."""
    return uv.gate_saturation(name, **params)
