"""Endpoints as declarations: a route with its path, query and body parameters (from
``rnnvis.params``), its response schema and error statuses.

``@endpoint(...)`` registers the view on the ``/api`` blueprint, parses and checks every
parameter before the view runs (a :class:`~rnnvis.errors.ParamError` is a 400 naming the
parameter), and records the declaration in :data:`ENDPOINTS`, from which the OpenAPI
document is built. A view takes its parameters as keyword arguments and returns JSON-able data.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, request
from werkzeug.routing import BaseConverter

from rnnvis.errors import ParamError
from rnnvis.params import Params

__all__ = ["bp", "endpoint", "Endpoint", "ENDPOINTS", "obj", "array", "CONVERTERS"]

bp = Blueprint("api", __name__, url_prefix="/api")


@dataclass(frozen=True)
class Endpoint:
    """One declared endpoint (what the OpenAPI document says about it)."""

    method: str
    rule: str
    name: str
    summary: str
    path: Params
    query: Params
    body: Params | None
    response: dict
    errors: tuple[int, ...]


ENDPOINTS: list[Endpoint] = []


class FileNameConverter(BaseConverter):
    """``<file:name>``: a name with a dot in it, so ``/configs/validate`` stays its own route;
    the parameter's declaration then says what a valid file name is."""

    regex = r"[^/]*\.[^/]*"


class NumberConverter(BaseConverter):
    """``<number:id>``: digits only, so ``/jobs/<number:id>`` and ``/jobs/train`` never overlap
    (an OPTIONS answer lists only the methods of the route asked about)."""

    regex = r"\d+"


CONVERTERS = {"file": FileNameConverter, "number": NumberConverter}


def obj(*required: str, **properties) -> dict:
    """A JSON schema: an object with ``required`` keys and the given property schemas."""
    out: dict = {"type": "object", "required": list(required)}
    if properties:
        out["properties"] = properties
    return out


def array(items: dict | None = None) -> dict:
    """A JSON schema: an array (of ``items``)."""
    return {"type": "array", "items": items} if items else {"type": "array"}


def endpoint(method: str, rule: str, *, path: Params = Params(), query: Params = Params(),
             body: Params | None = None, response: dict | None = None,
             errors: tuple[int, ...] = (400, 404)):
    """Declare and register an endpoint; the decorated view gets checked keyword arguments."""

    def register(view):
        doc = inspect.getdoc(view) or view.__name__
        ENDPOINTS.append(Endpoint(method.upper(), rule, view.__name__, doc.split("\n\n")[0],
                                  path, query, body, response or {"type": "object"},
                                  tuple(sorted(set(errors) | ({400} if len(query) or body else set())))))

        def handle(**raw):
            values = {p.name: p.parse(raw[p.name]) for p in path}
            values.update(query.parse(request.args))
            if body is not None:
                data = request.get_json(silent=True)
                if not isinstance(data, dict):
                    raise ParamError(f"expected a JSON object body with {', '.join(body.names)}")
                values.update(body.check(data))
            out = view(**values)
            return out if isinstance(out, Response) else jsonify(out)

        handle.__name__, handle.__doc__ = view.__name__, view.__doc__
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handle, methods=[method.upper()])
        return view

    return register
