"""The job queue on disk: one SQLite database, ``$RNNVIS_HOME/jobs/jobs.sqlite3``.

Python's own ``sqlite3``, because several processes change the queue at once (the server's
request threads, its runner, ``manage.py jobs cancel``) and every change must be atomic:
each one is a ``BEGIN IMMEDIATE`` transaction, so taking the next job, cancelling one or
checking the queue's cap never races, with no lock file of our own. A queue library would
give a FIFO of payloads; jobs also need statuses, progress and timings updated in place.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection

from ..errors import Conflict, NotFound, TooBusy
from ..modelling.modeldir import workspace

__all__ = ["Job", "JobStore", "STATUSES", "ACTIVE", "CURVE_POINTS"]

#: queued -> running -> done | failed | cancelled | interrupted (the process was stopped or
#: killed without a cancel: the server stopped, or a kill -9); interrupted and cancelled jobs
#: can be queued again (resumed)
STATUSES = ("queued", "running", "done", "failed", "cancelled", "interrupted")
ACTIVE = ("queued", "running")
#: the loss curve keeps at most this many points (neighbours are averaged beyond it)
CURVE_POINTS = 400

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    options TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    queued REAL NOT NULL,
    started REAL,
    finished REAL,
    updated REAL,
    seconds REAL NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    pid INTEGER,
    exit_code INTEGER,
    error TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    progress TEXT,
    curve TEXT NOT NULL DEFAULT '[]',
    valid TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, queued, id);
"""


@dataclass(frozen=True)
class Job:
    """One job as stored: what it runs, where it is, how far it got."""

    id: int
    kind: str
    model: str                   # the model the job writes
    options: dict                # the kind's checked parameters
    status: str
    created: float               # Unix times
    queued: float                # when it last joined the queue (the queue's order)
    started: float | None
    finished: float | None
    updated: float | None        # the last progress report
    seconds: float               # time spent running, over every attempt
    attempts: int
    pid: int | None
    exit_code: int | None
    error: str | None
    cancel_requested: bool
    progress: dict | None        # the last progress report (see rnnvis.jobs.progress)
    curve: list = field(default_factory=list)   # [[epoch, mean train loss], ...]
    valid: list = field(default_factory=list)   # [[epoch, valid loss], ...]

    @property
    def active(self) -> bool:
        """Queued or running."""
        return self.status in ACTIVE

    def to_json(self) -> dict:
        """The job for the API and the CLI (without its process id)."""
        out = {k: getattr(self, k) for k in (
            "id", "kind", "model", "options", "status", "created", "queued", "started",
            "finished", "updated", "seconds", "attempts", "exit_code", "error", "cancel_requested",
            "progress", "curve", "valid")}
        if self.status == "running":  # the current attempt so far
            out["seconds"] = self.seconds + max(0.0, time.time() - (self.started or time.time()))
        return out


def _job(row: sqlite3.Row) -> Job:
    d = dict(row)
    for key in ("options", "progress", "curve", "valid"):
        d[key] = json.loads(d[key]) if d[key] is not None else None
    d["cancel_requested"] = bool(d["cancel_requested"])
    return Job(**d)


def _thin(points: list, limit: int = CURVE_POINTS) -> list:
    """``points`` with neighbours averaged in pairs until at most ``limit`` remain."""
    while len(points) > limit:
        pairs = [points[i:i + 2] for i in range(0, len(points), 2)]
        points = [[sum(p[0] for p in pair) / len(pair), sum(p[1] for p in pair) / len(pair)]
                  for pair in pairs]
    return points


class JobStore:
    """The queue of workspace ``home`` (default ``$RNNVIS_HOME``), in ``home/jobs/``; every
    method is one transaction."""

    def __init__(self, home: str | Path | None = None):
        self.home = Path(home) if home else workspace()
        self.root = self.home / "jobs"
        self.path = self.root / "jobs.sqlite3"

    def folder(self, job_id: int) -> Path:
        """The folder of one job's files (its log)."""
        return self.root / str(int(job_id))

    # ------------------------------------------------------------------ connections
    def _connect(self) -> sqlite3.Connection:
        self.root.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")   # readers never wait for the writer
        conn.executescript(_SCHEMA)
        return conn

    @contextlib.contextmanager
    def _transaction(self):
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @staticmethod
    def _row(conn, job_id: int) -> Job:
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (int(job_id),)).fetchone()
        if row is None:
            raise NotFound(f"no job {job_id}; see `python manage.py jobs`", job=int(job_id))
        return _job(row)

    @staticmethod
    def _check_room(conn, model: str, max_queued: int, other_than: int | None = None) -> None:
        """Conflict if ``model`` already has an active job; TooBusy if the queue is full."""
        busy = conn.execute("SELECT id, status FROM jobs WHERE model = ? AND status IN "
                            "('queued', 'running') AND id IS NOT ?", (model, other_than)).fetchone()
        if busy:
            raise Conflict(f"model {model!r} already has job {busy['id']} ({busy['status']}); "
                           "wait for it or cancel it first", job=busy["id"])
        waiting = conn.execute("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").fetchone()[0]
        if waiting >= max_queued:
            raise TooBusy(f"the job queue is full: {waiting} jobs are waiting (at most "
                          f"{max_queued}); cancel one or try again when one has finished")

    # ------------------------------------------------------------------ reading
    def get(self, job_id: int) -> Job:
        """Job ``job_id``; NotFound if there is none."""
        conn = self._connect()
        try:
            return self._row(conn, job_id)
        finally:
            conn.close()

    def jobs(self, limit: int = 100) -> list[Job]:
        """Every active job in queue order, then the ``limit`` latest others, newest first."""
        conn = self._connect()
        try:
            active = conn.execute("SELECT * FROM jobs WHERE status IN ('queued', 'running') "
                                  "ORDER BY status = 'queued', queued, id").fetchall()
            rest = conn.execute("SELECT * FROM jobs WHERE status NOT IN ('queued', 'running') "
                                "ORDER BY COALESCE(finished, queued) DESC, id DESC LIMIT ?",
                                (int(limit),)).fetchall()
        finally:
            conn.close()
        return [_job(r) for r in active + rest]

    # ------------------------------------------------------------------ changes
    def add(self, kind: str, model: str, options: dict, *, max_queued: int) -> Job:
        """Queue a new job at the back; Conflict if ``model`` has an active job, TooBusy if full."""
        now = time.time()
        with self._transaction() as conn:
            self._check_room(conn, model, max_queued)
            cur = conn.execute("INSERT INTO jobs (kind, model, options, status, created, queued) "
                               "VALUES (?, ?, ?, 'queued', ?, ?)",
                               (kind, model, json.dumps(options), now, now))
            return self._row(conn, cur.lastrowid)

    def requeue(self, job_id: int, options: dict, *, max_queued: int,
                allowed: Collection[str] = ("interrupted", "cancelled")) -> Job:
        """Put a stopped job at the back of the queue again, with ``options``."""
        with self._transaction() as conn:
            job = self._row(conn, job_id)
            if job.status not in allowed:
                raise Conflict(f"job {job_id} is {job.status}; only an {' or '.join(allowed)} "
                               "job can be resumed", job=job.id)
            self._check_room(conn, job.model, max_queued, other_than=job.id)
            conn.execute("UPDATE jobs SET status = 'queued', options = ?, queued = ?, "
                         "finished = NULL, exit_code = NULL, error = NULL, pid = NULL, "
                         "cancel_requested = 0 WHERE id = ?",
                         (json.dumps(options), time.time(), job.id))
            return self._row(conn, job.id)

    def claim(self, busy_models: Collection[str] = ()) -> Job | None:
        """Mark the first queued job whose model is not busy as running, and return it."""
        with self._transaction() as conn:
            for row in conn.execute("SELECT * FROM jobs WHERE status = 'queued' "
                                    "ORDER BY queued, id").fetchall():
                if row["model"] in busy_models:
                    continue
                now = time.time()
                conn.execute("UPDATE jobs SET status = 'running', started = ?, updated = ?, "
                             "attempts = attempts + 1, progress = NULL WHERE id = ?",
                             (now, now, row["id"]))
                return self._row(conn, row["id"])
        return None

    def set_pid(self, job_id: int, pid: int) -> None:
        """Record the process of a running job."""
        with self._transaction() as conn:
            conn.execute("UPDATE jobs SET pid = ? WHERE id = ?", (int(pid), int(job_id)))

    def report(self, job_id: int, progress: dict | None, curve: list = (), valid: list = ()) -> None:
        """Store a running job's latest progress and append points to its loss curves."""
        with self._transaction() as conn:
            row = conn.execute("SELECT curve, valid FROM jobs WHERE id = ?", (int(job_id),)).fetchone()
            if row is None:
                return
            new_curve = _thin(json.loads(row["curve"]) + [list(p) for p in curve])
            new_valid = _thin(json.loads(row["valid"]) + [list(p) for p in valid])
            conn.execute("UPDATE jobs SET progress = COALESCE(?, progress), curve = ?, valid = ?, "
                         "updated = ? WHERE id = ?",
                         (None if progress is None else json.dumps(progress), json.dumps(new_curve),
                          json.dumps(new_valid), time.time(), int(job_id)))

    def finish(self, job_id: int, status: str, *, exit_code: int | None = None,
               error: str | None = None) -> Job:
        """End a running job with ``status`` (done, failed, cancelled, interrupted)."""
        if status not in STATUSES[2:]:
            raise ValueError(f"not a final status: {status!r}")
        now = time.time()
        with self._transaction() as conn:
            conn.execute("UPDATE jobs SET status = ?, finished = ?, exit_code = ?, error = ?, "
                         "seconds = seconds + MAX(0, ? - COALESCE(started, ?)), pid = NULL "
                         "WHERE id = ?", (status, now, exit_code, error, now, now, int(job_id)))
            return self._row(conn, job_id)

    def cancel(self, job_id: int) -> Job:
        """Cancel a job: a queued or interrupted one at once; a running one is flagged, and the
        runner stops its process. Conflict if it has already ended."""
        with self._transaction() as conn:
            job = self._row(conn, job_id)
            if job.status in ("queued", "interrupted"):
                conn.execute("UPDATE jobs SET status = 'cancelled', finished = ?, pid = NULL "
                             "WHERE id = ?", (time.time(), job.id))
            elif job.status == "running":
                conn.execute("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", (job.id,))
            else:
                raise Conflict(f"job {job.id} has already ended ({job.status}); there is "
                               "nothing to cancel", job=job.id)
            return self._row(conn, job.id)

    def interrupt_running(self, reason: str) -> list[Job]:
        """End every running job whose runner is gone: interrupted, or cancelled if a cancel
        was asked for. Its running time counts up to its last progress report."""
        with self._transaction() as conn:
            rows = conn.execute("SELECT id FROM jobs WHERE status = 'running'").fetchall()
            conn.execute("UPDATE jobs SET status = CASE WHEN cancel_requested THEN 'cancelled' "
                         "ELSE 'interrupted' END, error = CASE WHEN cancel_requested THEN NULL "
                         "ELSE ? END, finished = ?, pid = NULL, seconds = seconds + "
                         "MAX(0, COALESCE(updated, started, 0) - COALESCE(started, 0)) "
                         "WHERE status = 'running'", (reason, time.time()))
            return [self._row(conn, r["id"]) for r in rows]

    def running_pids(self) -> dict[int, int]:
        """``{job id: process id}`` of the running jobs."""
        conn = self._connect()
        try:
            rows = conn.execute("SELECT id, pid FROM jobs WHERE status = 'running' "
                                "AND pid IS NOT NULL").fetchall()
        finally:
            conn.close()
        return {r["id"]: r["pid"] for r in rows}
