"""The model endpoints of /api: models, co-clusters, words, units, sentences, typed text.

Each view receives checked parameters (declared in the library, see ``server.endpoints``),
calls the rnnvis library and returns its JSON-able answer.
"""

from __future__ import annotations

from flask import current_app

from rnnvis import __version__
from rnnvis.analysis.coclusterview import COCLUSTER_PARAMS
from rnnvis.params import MODEL, Params
from rnnvis.recording.evaluation import (SENTENCES_PARAMS, UNIT, UNIT_PARAMS, WORD,
                                        WORD_PARAMS)
from rnnvis.recording.sentence import SENTENCE_PARAMS

from .endpoints import array, endpoint, obj
from .openapi import spec

NAME = Params(MODEL)

_MODEL = obj("name", "task", "cell", "layers", "kinds", "status", "metrics", "splits",
             name={"type": "string"}, layers=array({"type": "integer"}),
             kinds=array({"type": "string"}), splits=array({"type": "string"}))
_COCLUSTERS = obj("model", "layer", "state", "k", "suggested_k", "k_range", "word_clusters",
                  "unit_clusters", "links", "clouds", "quality", "dropped",
                  word_clusters=array(array()), unit_clusters=array(array()), links=array(),
                  clouds=array(), quality=obj("within_between", "bootstrap_pending"))


@endpoint("GET", "/openapi.json", errors=())
def openapi():
    """The OpenAPI document of this API."""
    return spec()


@endpoint("GET", "/models", errors=(),
          response=obj("models", "version", models=array(_MODEL), version={"type": "string"}))
def models():
    """Every stored model with task, cell, layers, dataset, status, metrics and class names,
    and the version of rnnvis serving them."""
    from rnnvis.analysis.contrasts import suggested_contrasts
    from rnnvis.modelling.manager import model_rows

    rows = model_rows()
    for row in rows:
        if row.get("status") != "broken":
            row["contrasts"] = suggested_contrasts(row["task"], row["dataset"], row.get("classes"))
    return {"models": rows, "version": __version__}


@endpoint("GET", "/models/<name>", path=NAME, response=_MODEL)
def model(name):
    """One model's summary, config and training history."""
    from rnnvis.errors import NotFound
    from rnnvis.modelling.manager import describe
    from rnnvis.modelling.modeldir import model_dir

    mdir = model_dir(name)
    if not mdir.exists():
        raise NotFound(f"unknown model {name!r}; see `python manage.py models`")
    out = describe(mdir)
    out.update(config=mdir.config().to_dict(), history=mdir.history(),
               vocab_size=(mdir.meta().get("data") or {}).get("vocab_size"))
    return out


@endpoint("GET", "/models/<name>/coclusters", path=NAME, query=COCLUSTER_PARAMS,
          response=_COCLUSTERS)
def coclusters(name, **params):
    """Co-clusters, block links, word-cloud layouts and quality of one layer and state kind.

    ``quality.bootstrap_ari`` is null with ``bootstrap_pending`` true until
    ``/coclusters/stability`` has run for the same parameters.
    """
    from rnnvis.analysis.coclusterview import cocluster_view

    return cocluster_view(name, **params, parallel=current_app.config["PARALLEL_LAYOUTS"])


@endpoint("GET", "/models/<name>/coclusters/stability", path=NAME, query=COCLUSTER_PARAMS,
          response=obj("bootstrap_ari", "resamples"))
def cocluster_stability(name, **params):
    """Bootstrap ARI of the co-clusters that /coclusters shows for the same parameters."""
    from rnnvis.analysis.coclusterview import cocluster_stability

    return cocluster_stability(name, **params)


@endpoint("GET", "/models/<name>/words/<word>", path=Params(MODEL, WORD), query=WORD_PARAMS,
          response=obj("word", "count", "mean", "std", mean=array({"type": "number"})))
def word(name, word, split, layer, state):
    """A word's expected response over all units of a layer, with percentile bands."""
    from rnnvis.recording.evaluation import open_evaluation

    return open_evaluation(name, split).word_stats(word, layer, state)


@endpoint("GET", "/models/<name>/units/<unit>", path=Params(MODEL, UNIT), query=UNIT_PARAMS,
          response=obj("unit", "positive", "negative"))
def unit(name, unit, split, layer, state, top):
    """A unit's strongest positive and negative words with box-plot statistics."""
    from rnnvis.recording.evaluation import open_evaluation

    return open_evaluation(name, split).unit_stats(unit, layer, state, top=top)


@endpoint("GET", "/models/<name>/sentences", path=NAME, query=SENTENCES_PARAMS,
          response=obj("sentences", sentences=array({"type": "string"})))
def sentences(name, split, n):
    """Sentences (or documents) of the evaluated split, to pick for the sentence view."""
    from rnnvis.recording.evaluation import open_evaluation

    return {"sentences": open_evaluation(name, split).sentences(n)}


@endpoint("POST", "/models/<name>/evaluate", path=NAME, body=SENTENCE_PARAMS,
          errors=(400, 404, 409, 413), response=obj("tokens", "oov", "layers"))
def evaluate(name, text, fields):
    """Per-token states and updates of every layer for a typed text (classifiers: class
    probabilities and class names); 409 for a states-only model (no weights to run)."""
    from rnnvis.modelling.cells import state_names
    from rnnvis.modelling.manager import load_trained
    from rnnvis.recording.sentence import evaluate_text, to_json

    tm = load_trained(name)
    result = evaluate_text(tm, text, fields=fields or state_names(tm.config.model.cell))
    return to_json(result)


@endpoint("GET", "/start", errors=(), response=obj("model"))
def start():
    """The most telling first view: the evaluated model, layer and state kind whose
    co-clusters stand furthest above chance (``model`` null when nothing is evaluated)."""
    from rnnvis.analysis.coclusterview import start_view

    return start_view() or {"model": None}


@endpoint("GET", "/analyses", errors=(), response=obj("coclusters", "jobs"))
def analyses():
    """Parameter specs of the analyses and the job kinds: type, default, bounds or choices and
    help of each parameter (the page builds its controls from them)."""
    from rnnvis.analysis import unitview as uv
    from rnnvis.analysis.similarityview import MATCHING_PARAMS, SIMILARITY_PARAMS
    from rnnvis.analysis.trajectoryview import CLOUD_PARAMS, PROJECT_PARAMS
    from rnnvis.jobs.kinds import KINDS

    return {"coclusters": COCLUSTER_PARAMS.to_json(), "word": WORD_PARAMS.to_json(),
            "unit": UNIT_PARAMS.to_json(), "sentences": SENTENCES_PARAMS.to_json(),
            "evaluate": SENTENCE_PARAMS.to_json(), "ranking": uv.RANK_PARAMS.to_json(),
            "contexts": uv.CONTEXT_PARAMS.to_json(), "heatmap": uv.HEATMAP_PARAMS.to_json(),
            "search": uv.SEARCH_PARAMS.to_json(), "saturation": uv.SATURATION_PARAMS.to_json(),
            "trajectories": CLOUD_PARAMS.to_json(), "project": PROJECT_PARAMS.to_json(),
            "similarity": SIMILARITY_PARAMS.to_json(), "matching": MATCHING_PARAMS.to_json(),
            "jobs": {name: kind.params.to_json() for name, kind in KINDS.items()}}
