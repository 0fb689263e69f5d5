"""The OpenAPI 3.1 document of /api, built from the declared endpoints (``server.endpoints``)."""

from __future__ import annotations

import re

from rnnvis import __version__

from .endpoints import ENDPOINTS, obj

__all__ = ["spec"]

_REASONS = {400: "bad parameter or body", 403: "not allowed (e.g. a link out of the imports folder)",
            404: "no such model, word, unit, file or evaluation",
            409: "conflicts with what exists", 413: "input too large",
            422: "valid JSON with invalid content", 429: "too busy; try again later"}


def _path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _operation(ep) -> dict:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    op = {
        "operationId": ep.name,
        "summary": ep.summary,
        "parameters": [p.openapi("path") for p in ep.path] + [p.openapi("query") for p in ep.query],
        "responses": {"200": {"description": "OK",
                              "content": {"application/json": {"schema": ep.response}}},
                      **{str(code): {"description": _REASONS.get(code, "error"), "content": error}
                         for code in ep.errors}},
    }
    if ep.body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": ep.body.body_schema()}}}
    if ep.upload is not None:
        op["requestBody"] = {"required": True,
                             "content": {"multipart/form-data": {"schema": ep.upload.schema()}}}
    return op


def spec() -> dict:
    """The OpenAPI document: every declared endpoint, its parameters, body and responses."""
    paths: dict = {}
    for ep in ENDPOINTS:
        paths.setdefault(_path(ep.rule), {})[ep.method.lower()] = _operation(ep)
    return {
        "openapi": "3.1.0",
        "info": {"title": "rnnvis API", "version": __version__,
                 "description": "Hidden-memory analytics for RNN/LSTM/GRU models. Every error is a "
                                "4xx JSON object {\"error\": \"...\"} naming what is wrong."},
        "paths": {"/api" + p: ops for p, ops in sorted(paths.items())},
        "components": {"schemas": {"Error": obj("error", error={"type": "string"},
                                                param={"type": "string"})}},
    }
