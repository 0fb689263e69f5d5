"""The rnnvis web server: a Flask application factory serving the JSON API and the front end."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, send_from_directory

from rnnvis.importing.importfiles import MAX_UPLOAD
from rnnvis.jobs.queue import MAX_QUEUED

_HERE = Path(__file__).resolve().parent
# the front end: packaged inside `server` by pip (pyproject.toml), else the checkout's static/
STATIC = next((p for p in (_HERE / "static", _HERE.parent / "static") if (p / "index.html").is_file()),
              _HERE.parent / "static")
# a JSON body may escape every character of a 100,000-character text as \\uXXXX pairs
MAX_BODY = 2 << 20

__all__ = ["create_app", "STATIC"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: ``/api`` blueprint, JSON error handlers, and ``static/`` at ``/``."""
    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")
    # PARALLEL_LAYOUTS: lay word clouds out in worker processes (rnnvis.analysis.wordclouds.layout_many)
    # JOBS_MAX_QUEUED: how many jobs may wait (rnnvis.jobs.queue); a further one is a 429.
    # TOKEN: if set, every /api request needs it (server.token)
    # IMPORTS_MAX_BYTES: the largest file uploaded into the imports folder (server.imports); only
    # that endpoint takes more than MAX_CONTENT_LENGTH
    app.config.from_mapping(MAX_CONTENT_LENGTH=MAX_BODY, JSON_SORT_KEYS=False, PARALLEL_LAYOUTS=True,
                            JOBS_MAX_QUEUED=MAX_QUEUED, TOKEN=None, IMPORTS_MAX_BYTES=MAX_UPLOAD)
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False

    # these modules declare the endpoints
    from . import (api, configs, errors, imports, jobs, similarity, token,  # noqa: F401
                   trajectories, units)
    from .endpoints import CONVERTERS, bp

    errors.init_app(app)
    token.init_app(app)
    app.url_map.converters.update(CONVERTERS)
    app.register_blueprint(bp)

    @app.get("/")
    def index():
        """The single-page front end."""
        return send_from_directory(STATIC, "index.html")

    return app
