"""Endpoints as declarations: a route with its path, query and body parameters (from
``rnnvis.params``), its response schema and error statuses.

``@endpoint(...)`` registers the view on the ``/api`` blueprint, parses and checks every
parameter before the view runs (a :class:`~rnnvis.errors.ParamError` is a 400 naming the
parameter), and records the declaration in :data:`ENDPOINTS`, from which the OpenAPI
document is built. A view takes its parameters as keyword arguments and returns JSON-able data.
A file upload is declared as an :class:`Upload` (a multipart/form-data body with one file).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter

from rnnvis.errors import Forbidden, ParamError, TooLarge
from rnnvis.params import Params

__all__ = ["bp", "endpoint", "Endpoint", "Upload", "ENDPOINTS", "obj", "array", "CONVERTERS"]

bp = Blueprint("api", __name__, url_prefix="/api")


@dataclass(frozen=True)
class Upload:
    """A multipart/form-data body holding one file in ``field`` (the view gets it as a
    werkzeug ``FileStorage``), at most ``app.config[limit]`` bytes.

    Only the server's own pages may upload: a browser request from another site (its
    ``Origin`` is not this server) is refused, since a cross-site form can post multipart
    bodies (it cannot post the JSON bodies of the other endpoints)."""

    field: str
    help: str
    limit: str          # the app config key of the largest file, in bytes

    def schema(self) -> dict:
        """The JSON schema of the body (OpenAPI 3.1)."""
        return {"type": "object", "required": [self.field], "additionalProperties": False,
                "properties": {self.field: {"type": "string", "format": "binary",
                                            "description": self.help}}}

    def receive(self):
        """The uploaded file of this request; ParamError, TooLarge or Forbidden otherwise."""
        origin = request.headers.get("Origin")
        if origin is not None and origin.rstrip("/") != request.host_url.rstrip("/"):
            raise Forbidden(f"uploads are taken from this server's own pages only, not from "
                            f"{origin[:100]}")
        if request.mimetype != "multipart/form-data":
            raise ParamError(f"expected a multipart/form-data body with one file in "
                             f"{self.field!r}", param=self.field)
        limit = current_app.config[self.limit]
        too_large = TooLarge(f"the upload is larger than {limit / (1 << 20):,.4g} MiB, the most "
                             "the server takes (serve --max-upload)", param=self.field)
        request.max_content_length = limit + (64 << 10)   # the multipart framing around it
        try:
            files, form = request.files, request.form
        except RequestEntityTooLarge:
            raise too_large from None
        unknown = sorted((set(files) | set(form)) - {self.field})
        if unknown:
            raise ParamError(f"{unknown[0]}: unknown field; allowed: {self.field}",
                             param=unknown[0])
        got = files.getlist(self.field)
        if len(got) != 1:
            raise ParamError(f"{self.field}: expected one file, got {len(got)}"
                             + (" (a text field, not a file)" if self.field in form else ""),
                             param=self.field)
        return got[0]


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
    upload: Upload | None = None


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
             body: Params | None = None, upload: Upload | None = None,
             response: dict | None = None, errors: tuple[int, ...] = (400, 404)):
    """Declare and register an endpoint; the decorated view gets checked keyword arguments
    (and the uploaded file as ``upload.field``)."""

    def register(view):
        doc = inspect.getdoc(view) or view.__name__
        implied = ({400} if len(query) or body or upload else set()) | \
            ({403, 413} if upload else set())
        ENDPOINTS.append(Endpoint(method.upper(), rule, view.__name__, doc.split("\n\n")[0],
                                  path, query, body, response or {"type": "object"},
                                  tuple(sorted(set(errors) | implied)), upload))

        def handle(**raw):
            values = {p.name: p.parse(raw[p.name]) for p in path}
            values.update(query.parse(request.args))
            if body is not None:
                data = request.get_json(silent=True)
                if not isinstance(data, dict):
                    raise ParamError(f"expected a JSON object body with {', '.join(body.names)}")
                values.update(body.check(data))
            if upload is not None:
                values[upload.field] = upload.receive()
            out = view(**values)
            return out if isinstance(out, Response) else jsonify(out)

        handle.__name__, handle.__doc__ = view.__name__, view.__doc__
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handle, methods=[method.upper()])
        return view

    return register
