"""Every error becomes a JSON ``{"error": ...}``; never an HTML page, never internals."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from rnnvis.errors import UserError

__all__ = ["init_app"]

_HTTP_MESSAGES = {413: "the request body is larger than 2 MiB",
                  405: "this method is not allowed here; see /api/openapi.json",
                  404: "no such endpoint; see /api/openapi.json"}


def init_app(app: Flask) -> None:
    """Register the JSON error handlers on ``app``."""

    @app.errorhandler(UserError)
    def user_error(exc: UserError):
        return jsonify({"error": str(exc), **exc.extra}), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 400
        response = jsonify({"error": _HTTP_MESSAGES.get(code) or exc.description or exc.name})
        response.status_code = code
        for key, value in exc.get_headers():  # e.g. Allow on a 405
            if key.lower() != "content-type":
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc):  # a bug: log the traceback server-side, say nothing of the internals
        app.logger.exception("unexpected error")
        return jsonify({"error": "internal error (a bug in rnnvis); the server log has the "
                                 "details"}), 500
