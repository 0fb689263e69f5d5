"""The OpenAPI 3.1 document describing every endpoint of /api."""

from __future__ import annotations

__all__ = ["spec"]

_ERR = {"description": "user error", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}


def _q(name, schema, doc, required=False):
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": doc}


def _p(name, schema, doc):
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": doc}


def _op(summary, params=(), body=None, ok="JSON result", errors=(400, 404)):
    op = {"summary": summary, "parameters": list(params),
          "responses": {"200": {"description": ok, "content": {"application/json": {
              "schema": {"type": "object"}}}}, **{str(c): _ERR for c in errors}}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def spec() -> dict:
    """The OpenAPI document (paths, parameters, error schema)."""
    name = _p("name", {"type": "string"}, "model name")
    layer = _q("layer", {"type": "integer", "minimum": 0, "default": 0}, "layer, from 0")
    state = _q("state", {"type": "string", "default": "h"}, "h, c, or a gate (i f o g / z r hh)")
    split = _q("split", {"type": "string", "enum": ["train", "valid", "test"]}, "evaluated split")
    text = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
    cocluster = [name, layer, state, split,
                 _q("k", {"type": "integer", "minimum": 2, "maximum": 30}, "clusters; default suggested"),
                 _q("top_k", {"type": "integer", "minimum": 10, "maximum": 5000, "default": 300}, "words"),
                 _q("mode", {"type": "string", "enum": ["abs", "positive", "negative", "signed"]}, "sign mode"),
                 _q("seed", {"type": "integer", "minimum": 0, "default": 0}, "random seed")]
    return {
        "openapi": "3.1.0",
        "info": {"title": "rnnvis API", "version": "1.0",
                 "description": "Hidden-memory analytics for RNN/LSTM/GRU models. Every error is "
                                "a 4xx JSON object {\"error\": \"...\"}."},
        "paths": {
            "/api/models": {"get": _op("List models with status, metrics and (classifiers) class names",
                                       errors=())},
            "/api/models/{name}": {"get": _op("A model's config and history", [name])},
            "/api/models/{name}/coclusters": {"get": _op(
                "Co-clusters, block links, word-cloud layouts and quality (quality.bootstrap_ari "
                "is null with bootstrap_pending true until /coclusters/stability has run)", cocluster)},
            "/api/models/{name}/coclusters/stability": {"get": _op(
                "Bootstrap ARI of the co-clusters shown for the same parameters", cocluster)},
            "/api/models/{name}/words/{word}": {"get": _op(
                "A word's expected response over all units, with percentile bands",
                [name, _p("word", {"type": "string"}, "word"), layer, state, split])},
            "/api/models/{name}/units/{unit}": {"get": _op(
                "A unit's top positive and negative words with box plots",
                [name, _p("unit", {"type": "integer"}, "unit index"), layer, state, split,
                 _q("top", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}, "words per sign")])},
            "/api/models/{name}/sentences": {"get": _op(
                "Sentences of the evaluated split", [name, split,
                                                     _q("n", {"type": "integer", "default": 20}, "how many")])},
            "/api/models/{name}/evaluate": {"post": _op(
                "Per-token states and updates of a typed text (classifiers: class_probs and classes)", [name],
                {**text, "properties": {"text": {"type": "string"},
                                        "fields": {"type": "array", "items": {"type": "string"}}}},
                errors=(400, 404, 413))},
            "/api/analyses": {"get": _op("Parameter specs of the analyses", errors=())},
            "/api/configs": {"get": _op("Config files with validation status", errors=())},
            "/api/configs/validate": {"post": _op("Validate YAML text", body=text, errors=(400,))},
            "/api/configs/{file}": {
                "get": _op("One config as YAML text", [_p("file", {"type": "string"}, "file name")]),
                "put": _op("Validate, then save a config", [_p("file", {"type": "string"}, "file name")],
                           text, errors=(400, 422))},
            "/api/openapi.json": {"get": _op("This document", errors=())},
        },
        "components": {"schemas": {"Error": {"type": "object", "required": ["error"],
                                             "properties": {"error": {"type": "string"}}}}},
    }
