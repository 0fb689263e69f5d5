"""The JSON API under /api: parse the request, call the rnnvis library, return JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from rnnvis.errors import UserError

from .errors import ApiError
from .openapi import spec

bp = Blueprint("api", __name__, url_prefix="/api")


# ---------------------------------------------------------------- parsing helpers

def _int(name: str, default=None, lo: int | None = None, hi: int | None = None):
    """Query argument ``name`` as an int within [lo, hi]; ``default`` when absent or empty."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(f"{name}: got {raw!r}; expected an integer") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"from {lo} to {hi}" if hi is not None else f">= {lo}"
        raise ApiError(f"{name}: got {value}; expected an integer {bounds}")
    return value


def _str(name: str, default=None, choices=None):
    value = request.args.get(name) or default
    if choices is not None and value not in choices:
        raise ApiError(f"{name}: got {value!r}; allowed: {', '.join(choices)}")
    return value


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError("expected a JSON object body, e.g. {\"text\": \"...\"}", 400)
    return data


def _split():
    return _str("split", None, ("train", "valid", "test")) if request.args.get("split") else None


def _summary(mdir) -> dict:
    from rnnvis.evaluation import layer_kinds
    from rnnvis.manager import describe

    out = describe(mdir)
    out["kinds"] = list(layer_kinds(out["cell"]))
    out["splits"] = sorted(p.stem for p in mdir.evaluations.glob("*.h5")) \
        if mdir.evaluations.exists() else []
    out["default_split"] = mdir.config().evaluation.split
    return out


# ---------------------------------------------------------------- endpoints

@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document of this API."""
    return jsonify(spec())


@bp.get("/models")
def models():
    """Every stored model with task, cell, layers, dataset, status and metrics."""
    from rnnvis.store import list_model_dirs

    rows = []
    for mdir in list_model_dirs():
        try:
            rows.append(_summary(mdir))
        except UserError as exc:
            rows.append({"name": mdir.name, "status": "broken", "error": str(exc)})
    return jsonify({"models": rows})


@bp.get("/models/<name>")
def model(name):
    """One model's summary, config and training history."""
    from rnnvis.store import model_dir
    from rnnvis.errors import NotFound

    mdir = model_dir(name)
    if not mdir.exists():
        raise NotFound(f"unknown model {name!r}")
    out = _summary(mdir)
    out.update(config=mdir.config().to_dict(), history=mdir.history(),
               vocab_size=(mdir.meta().get("data") or {}).get("vocab_size"))
    return jsonify(out)


def _cocluster_params() -> dict:
    from rnnvis.analysis import DEFAULT_TOP_K, MAX_TOP_K
    from rnnvis.cocluster import MAX_CLUSTERS, MIN_CLUSTERS, MODES

    return dict(split=_split(), layer=_int("layer", 0, 0), state=_str("state", "h"),
                k=_int("k", None, MIN_CLUSTERS, MAX_CLUSTERS),
                top_k=_int("top_k", DEFAULT_TOP_K, 10, MAX_TOP_K),
                mode=_str("mode", "abs", MODES), seed=_int("seed", 0, 0, 2**31 - 1))


@bp.get("/models/<name>/coclusters")
def coclusters(name):
    """Co-clusters of one layer and state kind, with links, cloud layouts and quality."""
    from rnnvis.analysis import cocluster_view

    return jsonify(cocluster_view(name, **_cocluster_params(),
                                  parallel=current_app.config["PARALLEL_LAYOUTS"]))


@bp.get("/models/<name>/coclusters/stability")
def cocluster_stability(name):
    """Bootstrap stability of the co-clusters that /coclusters shows for the same parameters."""
    from rnnvis.analysis import cocluster_stability

    return jsonify(cocluster_stability(name, **_cocluster_params()))


@bp.get("/models/<name>/words/<word>")
def word(name, word):
    """A word's expected response over all units of a layer, with percentile bands."""
    from rnnvis.evaluation import open_evaluation

    ev = open_evaluation(name, _split())
    return jsonify(ev.word_stats(word, _int("layer", 0, 0), _str("state", "h")))


@bp.get("/models/<name>/units/<unit>")
def unit(name, unit):
    """A unit's strongest positive and negative words with box-plot statistics."""
    from rnnvis.evaluation import open_evaluation

    try:
        index = int(unit)
    except ValueError:
        raise ApiError(f"unit: got {unit!r}; expected an integer") from None
    ev = open_evaluation(name, _split())
    return jsonify(ev.unit_stats(index, _int("layer", 0, 0), _str("state", "h"),
                                 top=_int("top", 10, 1, 50)))


@bp.get("/models/<name>/sentences")
def sentences(name):
    """Sentences (or documents) of the evaluated split, to pick for the sentence view."""
    from rnnvis.evaluation import open_evaluation

    ev = open_evaluation(name, _split())
    return jsonify({"sentences": ev.sentences(_int("n", 20, 1, 200))})


@bp.post("/models/<name>/evaluate")
def evaluate(name):
    """Per-token states and updates of every layer for a typed text."""
    from rnnvis.manager import load_trained
    from rnnvis.sentence import evaluate_text, to_json

    body = _json_body()
    text = body.get("text")
    if not isinstance(text, str):
        raise ApiError("text: expected a string")
    if len(text) > 100_000:
        raise ApiError("text: longer than 100,000 characters", 413)
    fields = body.get("fields")
    if fields is not None and (not isinstance(fields, list) or
                               not all(isinstance(f, str) for f in fields)):
        raise ApiError("fields: expected a list of state names, e.g. [\"h\", \"c\"]")
    tm = load_trained(name)
    result = evaluate_text(tm, text, fields=tuple(fields) if fields else _default_fields(tm))
    return jsonify(to_json(result))


def _default_fields(tm) -> tuple[str, ...]:
    """States and their updates, no gates, unless the request names fields."""
    from rnnvis.models import state_names

    return state_names(tm.config.model.cell)


@bp.get("/analyses")
def analyses():
    """Parameter specs of the analyses (the UI builds its controls from them)."""
    from rnnvis.analysis import cocluster_spec

    return jsonify({"coclusters": cocluster_spec()})


@bp.get("/configs")
def configs():
    """Config files with their validation status."""
    from rnnvis.configfiles import list_configs

    return jsonify({"configs": list_configs()})


@bp.get("/configs/<file>")
def config_text(file):
    """One config file as YAML text."""
    from rnnvis.configfiles import read_config

    return jsonify({"file": file, "text": read_config(file)})


@bp.post("/configs/validate")
def config_validate():
    """Validate YAML text without saving; errors carry their key and line."""
    from rnnvis.configfiles import validate_text

    body = _json_body()
    errors = validate_text(body.get("text"), body.get("file") or "<config>")
    return jsonify({"valid": not errors, "errors": errors})


@bp.put("/configs/<file>")
def config_save(file):
    """Validate, then write the config inside the config folder only, atomically."""
    from rnnvis.configfiles import write_config

    errors = write_config(file, _json_body().get("text"))
    if errors:
        raise ApiError(f"{file} is not valid; nothing was saved", 422, errors=errors)
    return jsonify({"file": file, "valid": True})
