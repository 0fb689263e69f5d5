"""The optional token of ``manage.py serve --token`` (for a shared machine): every /api request
must carry it, as the cookie that opening the printed URL (``/?token=...``) sets, or as an
``Authorization: Bearer`` header. Without a token configured, nothing is checked."""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from flask import Flask, redirect, request

from rnnvis.errors import Unauthorized

__all__ = ["init_app", "COOKIE"]

COOKIE = "rnnvis_token"


def _given() -> str:
    auth = request.headers.get("Authorization", "")
    return auth[len("Bearer "):] if auth.startswith("Bearer ") else request.cookies.get(COOKIE, "")


def _same(a: str, b: str) -> bool:
    """Constant-time comparison of two texts (any characters)."""
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


def init_app(app: Flask) -> None:
    """Check the token (``app.config["TOKEN"]``) on /api, and let ``/?token=`` set its cookie."""

    @app.before_request
    def check_token():
        token = app.config.get("TOKEN")
        if not token:
            return None
        offered = request.args.get("token") if request.path == "/" else None
        if offered is not None and _same(offered, token):
            rest = request.args.to_dict(flat=False)
            rest.pop("token")
            response = redirect("/" + (f"?{urlencode(rest, doseq=True)}" if rest else ""))
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
            return response
        if request.path.startswith("/api") and not _same(_given(), token):
            raise Unauthorized("this server needs its token: open the URL that "
                               "`manage.py serve --token` printed")
        return None
