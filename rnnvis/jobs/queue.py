"""The queue's operations, for the API and the command line: submit, list, cancel and resume
jobs and read their logs. Every check runs before anything is queued, and a refused job
leaves no trace."""

from __future__ import annotations

from ..errors import Conflict, UserError
from ..params import Param, Params
from .kinds import KINDS, kind
from .logs import read_log
from .runner import reconcile, runner_alive
from .store import Job, JobStore

__all__ = ["submit", "jobs", "job", "cancel", "resume", "log", "describe", "MAX_QUEUED",
           "JOB_ID", "LOG_PARAMS"]

#: how many jobs may wait at most (a further one is refused with 429)
MAX_QUEUED = 20
JOB_ID = Param("id", "int", required=True, min=1, max=2**31 - 1, metavar="ID",
               help="the job's number (see `python manage.py jobs`)")
#: a job's log: the job, and how many of its last lines
LOG_PARAMS = Params(JOB_ID, Param("lines", "int", None, min=1, max=10_000, metavar="N",
                                  help="only the last N lines (default: the whole log, at most "
                                       "twice its cap)"))
RESUMABLE = ("interrupted", "cancelled")


def _resume_options(job: Job) -> dict:
    """The options job ``job`` runs with again; Conflict if it cannot be resumed."""
    if job.status not in RESUMABLE:
        raise Conflict(f"job {job.id} is {job.status}; only an interrupted or cancelled job "
                       "can be resumed", job=job.id)
    return kind(job.kind).resume(job.options, job.model)


def describe(job: Job) -> dict:
    """A job for the API and the CLI: the stored fields, ``command`` (the kind and its
    options, as the job process gets them) and ``resumable``."""
    out = job.to_json()
    known = KINDS.get(job.kind)   # a kind this version does not know is shown, not run
    out["command"] = " ".join(known.argv(job.options)) if known else job.kind
    out["resumable"] = False
    if job.status in RESUMABLE:
        try:
            _resume_options(job)
            out["resumable"] = True
        except UserError:
            pass
    return out


def submit(kind_name: str, values: dict, *, max_queued: int = MAX_QUEUED,
           store: JobStore | None = None) -> dict:
    """Check a job of kind ``kind_name`` with option ``values`` and queue it at the back."""
    k = kind(kind_name)
    options = k.params.check(values)
    model = k.prepare(options)
    return describe((store or JobStore()).add(k.name, model, options, max_queued=max_queued))


def jobs(store: JobStore | None = None, limit: int = 100) -> dict:
    """The queue (active jobs in order, then the latest others) and whether a runner runs it."""
    store = store or JobStore()
    reconcile(store)
    return {"jobs": [describe(j) for j in store.jobs(limit)], "runner": runner_alive(store)}


def job(job_id: int, *, with_log: bool = False, tail: int | None = None,
        store: JobStore | None = None) -> dict:
    """One job; ``with_log`` adds its log (only the last ``tail`` lines if given) as ``log``."""
    store = store or JobStore()
    out = describe(store.get(job_id))
    if with_log:
        out["log"] = read_log(store.folder(job_id), tail)
    return out


def cancel(job_id: int, store: JobStore | None = None) -> dict:
    """Cancel a queued or interrupted job, or ask the runner to stop a running one."""
    store = store or JobStore()
    reconcile(store)
    return describe(store.cancel(job_id))


def resume(job_id: int, *, max_queued: int = MAX_QUEUED, store: JobStore | None = None) -> dict:
    """Queue an interrupted or cancelled job again, continuing from its checkpoint."""
    store = store or JobStore()
    reconcile(store)
    old = store.get(job_id)
    options = _resume_options(old)
    k = kind(old.kind)
    model = k.prepare(options)
    if model != old.model:
        raise Conflict(f"job {old.id} trained model {old.model!r}, but its config now names "
                       f"{model!r}; start a new job instead", job=old.id)
    return describe(store.requeue(old.id, options, max_queued=max_queued, allowed=RESUMABLE))


def log(job_id: int, tail: int | None = None, store: JobStore | None = None) -> str:
    """A job's log (the rotated part first); NotFound if there is no such job."""
    store = store or JobStore()
    store.get(job_id)
    return read_log(store.folder(job_id), tail)
