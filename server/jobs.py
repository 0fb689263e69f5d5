"""The job endpoints of /api: the queue, one job with its log, a start endpoint per job kind
(from the registry, each with its declared parameters as the body), cancel and resume."""

from __future__ import annotations

from flask import current_app

from rnnvis.jobs.kinds import KINDS
from rnnvis.jobs.queue import JOB_ID, LOG_PARAMS
from rnnvis.jobs.store import STATUSES
from rnnvis.params import Params

from .endpoints import array, endpoint, obj

_NUMBER, _TEXT = {"type": "number"}, {"type": "string"}
_MAYBE_NUMBER, _MAYBE_TEXT = {"type": ["number", "null"]}, {"type": ["string", "null"]}
_POINTS = array(array(_NUMBER))
_JOB = obj("id", "kind", "model", "options", "status", "created", "queued", "started", "finished",
           "seconds", "attempts", "error", "cancel_requested", "progress", "curve", "valid",
           "command", "resumable",
           id={"type": "integer"}, kind={"type": "string", "enum": list(KINDS)}, model=_TEXT,
           options={"type": "object"}, status={"type": "string", "enum": list(STATUSES)},
           created=_NUMBER, queued=_NUMBER, started=_MAYBE_NUMBER, finished=_MAYBE_NUMBER,
           seconds=_NUMBER, attempts={"type": "integer"}, error=_MAYBE_TEXT,
           cancel_requested={"type": "boolean"}, progress={"type": ["object", "null"]},
           curve=_POINTS, valid=_POINTS, command=_TEXT, resumable={"type": "boolean"})
_JOB_LOG = {**_JOB, "required": _JOB["required"] + ["log"],
            "properties": {**_JOB["properties"], "log": _TEXT}}


def _max_queued() -> int:
    return current_app.config["JOBS_MAX_QUEUED"]


@endpoint("GET", "/jobs", errors=(), response=obj("jobs", "runner", "max_queued", jobs=array(_JOB),
                                                   runner={"type": "boolean"},
                                                   max_queued={"type": "integer"}))
def jobs():
    """The job queue: active jobs in queue order, then the latest finished ones; ``runner``
    says whether a job runner (``manage.py serve``) is running them."""
    from rnnvis.jobs import queue

    return {**queue.jobs(), "max_queued": _max_queued()}


@endpoint("GET", "/jobs/<number:id>", path=Params(JOB_ID), query=LOG_PARAMS.without("id"),
          response=_JOB_LOG)
def job(id, lines):
    """One job, with the end of its log."""
    from rnnvis.jobs import queue

    return queue.job(id, tail=lines, with_log=True)


def _start_endpoint(kind) -> None:
    def start(**options):
        from rnnvis.jobs import queue

        return queue.submit(kind.name, options, max_queued=_max_queued())

    start.__name__ = "start_" + kind.name.replace("-", "_")
    start.__doc__ = (f"Queue a {kind.name} job: {kind.help}. Nothing is queued if a check "
                     "fails: 404 unknown config or model, 422 invalid config, 409 a model that "
                     "exists without force or resume (or has a job already), 429 a full queue.")
    endpoint("POST", f"/jobs/{kind.name}", body=kind.params, errors=(400, 404, 409, 422, 429),
             response=_JOB)(start)


for _kind in KINDS.values():
    _start_endpoint(_kind)


@endpoint("POST", "/jobs/<number:id>/cancel", path=Params(JOB_ID), errors=(400, 404, 409), response=_JOB)
def job_cancel(id):
    """Cancel a job: a waiting one at once; a running one is stopped (SIGTERM, then SIGKILL
    after a grace period). 409 if it has already ended."""
    from rnnvis.jobs import queue

    return queue.cancel(id)


@endpoint("POST", "/jobs/<number:id>/resume", path=Params(JOB_ID), errors=(400, 404, 409, 422, 429),
          response=_JOB)
def job_resume(id):
    """Queue an interrupted or cancelled job again; a training continues from its last
    checkpoint. 409 if it cannot (no checkpoint, not stopped)."""
    from rnnvis.jobs import queue

    return queue.resume(id, max_queued=_max_queued())
