"""Every error becomes a JSON ``{"error": ...}`` with a 4xx status; never an HTML page."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from rnnvis.errors import NotFound, UserError

__all__ = ["init_app", "ApiError"]


class ApiError(UserError):
    """A user error with an explicit HTTP status."""

    def __init__(self, message: str, status: int = 400, **extra):
        super().__init__(message)
        self.status, self.extra = status, extra


def _json(message: str, status: int, **extra):
    return jsonify({"error": message, **extra}), status


def init_app(app: Flask) -> None:
    """Register the JSON error handlers on ``app``."""

    @app.errorhandler(ApiError)
    def api_error(exc):
        return _json(str(exc), exc.status, **exc.extra)

    @app.errorhandler(NotFound)
    def not_found(exc):
        return _json(str(exc), 404)

    @app.errorhandler(UserError)
    def user_error(exc):
        from rnnvis.sentence import TextTooLong

        return _json(str(exc), 413 if isinstance(exc, TextTooLong) else 400)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return _json(exc.description or exc.name, exc.code or 400)

    @app.errorhandler(Exception)
    def unexpected(exc):  # a bug: say so in JSON, log the traceback server-side
        app.logger.exception("unexpected error")
        return _json(f"internal error: {exc.__class__.__name__}", 500)
