"""The job runner: starts queued jobs in order, each as its own process, and supervises them.

The runner is a thread of the server that only waits: every job runs in a child process
(``python -m rnnvis.jobs.worker``, an argument list, never a shell), in a session of its own
and niced, so a crash or a kill of the job cannot take the server down. The runner reads the
process's output into the job's capped log and its progress into the store, and stops it on
a cancel: SIGTERM, then SIGKILL after a grace period.

One runner per workspace: it holds an exclusive lock on ``jobs/runner.lock`` while it lives,
so a second server on the same workspace queues jobs and leaves running them to the first.
A runner that starts marks the jobs still recorded as running interrupted (their runner died).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from ..atomic import leftovers
from ..errors import UserError
from ..modelling.modeldir import model_dir
from .kinds import KINDS
from .logs import LOG_BYTES, CappedLog
from .progress import parse
from .store import Job, JobStore

__all__ = ["Runner", "runner_alive", "reconcile", "GRACE", "NICE"]

ROOT = Path(__file__).resolve().parents[2]
#: seconds between SIGTERM and SIGKILL when a job is cancelled or the server stops
GRACE = 10.0
#: how much lower than the server a job process runs (nice value added)
NICE = 10
STOPPED = "the server stopped while this job ran"


# ------------------------------------------------------------------ the runner's lock

def _try_lock(store: JobStore) -> int | None:
    """An open descriptor holding the runner lock of ``store``, or None if another has it."""
    store.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(store.root / "runner.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def runner_alive(store: JobStore | None = None) -> bool:
    """True if a runner (in some process) is running the jobs of this workspace."""
    fd = _try_lock(store or JobStore())
    if fd is None:
        return True
    os.close(fd)
    return False


def reconcile(store: JobStore | None = None) -> None:
    """With no runner alive, mark the jobs still recorded as running interrupted."""
    store = store or JobStore()
    fd = _try_lock(store)
    if fd is not None:
        try:
            _recover(store)
        finally:
            os.close(fd)


# ------------------------------------------------------------------ leftovers of a dead runner

def _is_job_process(pid: int, job_id: int, store: JobStore) -> bool:
    """True if ``pid`` is the worker of job ``job_id`` of this workspace."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    home = f"RNNVIS_HOME={store.home}".encode()
    return b"rnnvis.jobs.worker" in args and home in env and any(
        a == b"--job" and b == str(job_id).encode() for a, b in zip(args, args[1:]))


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _remove_temp_files(store: JobStore, model: str) -> None:
    """Delete the temporary files a killed job left in its model folder (``.tmp-*``: nothing
    reads them, the finished files are renamed into place whole), and the temporary folder
    of an import killed while writing the model folder (``models/.tmp-NAME-*``)."""
    mdir = model_dir(model, home=store.home)
    for folder in (mdir.root, mdir.checkpoints, mdir.evaluations):
        if folder.is_dir():
            for tmp in folder.glob(".tmp-*"):
                tmp.unlink(missing_ok=True)
    for tmp in leftovers(mdir.root):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)


def _recover(store: JobStore, grace: float = GRACE) -> list[Job]:
    """Stop what is left of jobs recorded as running (their runner is dead) and mark them
    interrupted; return them."""
    for job_id, pid in store.running_pids().items():
        if _is_job_process(pid, job_id, store):
            _signal_group(pid, signal.SIGTERM)
            if not _wait_gone(pid, grace):
                _signal_group(pid, signal.SIGKILL)
                _wait_gone(pid, 5.0)
    jobs = store.interrupt_running(STOPPED)
    for job in jobs:
        _remove_temp_files(store, job.model)
    return jobs


# ------------------------------------------------------------------ the runner

@dataclass
class _Process:
    """A running job: its process, the thread reading its output, and how it is being stopped."""

    job: Job
    proc: subprocess.Popen
    log: CappedLog
    reader: threading.Thread | None = None
    signalled: float | None = None      # when SIGTERM was sent
    killed: bool = False                # SIGKILL was sent
    last_error: str | None = None       # the last "error: ..." line
    last_line: str | None = None        # the last line of output


class Runner:
    """Runs the queue of ``store``: at most ``slots`` jobs at a time, in queue order, never two
    of one model at once. ``start()`` starts the supervising thread; ``stop()`` stops the
    running jobs (they become interrupted, resumable) and the thread."""

    def __init__(self, store: JobStore | None = None, *, slots: int = 1, grace: float = GRACE,
                 log_bytes: int = LOG_BYTES, nice: int = NICE, poll: float = 0.25):
        self.store = store or JobStore()
        self.slots, self.grace, self.log_bytes, self.nice, self.poll = \
            slots, grace, log_bytes, nice, poll
        self.running: dict[int, _Process] = {}
        self._lock_fd: int | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # ---------------------------------------------------------------- lifecycle
    def start(self, wait: float = 5.0) -> bool:
        """Take the workspace's runner lock (waiting up to ``wait`` seconds for a short holder,
        e.g. ``manage.py jobs``), recover what a dead runner left, and start. False if another
        runner has the lock."""
        deadline = time.monotonic() + wait
        while (fd := _try_lock(self.store)) is None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
        self._lock_fd = fd
        _recover(self.store, self.grace)
        self._thread = threading.Thread(target=self._loop, name="rnnvis-job-runner", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        """Stop the running jobs (SIGTERM, SIGKILL after the grace period; they become
        interrupted) and the runner; release the lock."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @property
    def alive(self) -> bool:
        """True while the supervising thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while True:
            try:
                self._step()
            except Exception:  # noqa: BLE001 - e.g. a full disk: say so, keep supervising
                traceback.print_exc()
                self._stopping.wait(5.0)
            if not self._stopping.is_set():
                self._stopping.wait(self.poll)     # wakes at once when stop() is called
            elif self.running:
                time.sleep(self.poll)              # stopping: wait for the jobs to exit
            else:
                return

    def _step(self) -> None:
        """One round: end the jobs that exited, signal those to stop, start queued ones."""
        now = time.monotonic()
        for run in list(self.running.values()):
            code = run.proc.poll()
            if code is not None:
                self._finish(run, code)
            elif run.signalled is None:
                if self._stopping.is_set() or self.store.get(run.job.id).cancel_requested:
                    _signal_group(run.proc.pid, signal.SIGTERM)
                    run.signalled = now
            elif not run.killed and now - run.signalled > self.grace:
                _signal_group(run.proc.pid, signal.SIGKILL)
                run.killed = True
        while len(self.running) < self.slots and not self._stopping.is_set():
            job = self.store.claim({r.job.model for r in self.running.values()})
            if job is None:
                break
            self._launch(job)

    # ---------------------------------------------------------------- one job
    def argv(self, job: Job) -> list[str]:
        """The job process's command line: a list, built from the kind's checked options."""
        return [sys.executable, "-m", "rnnvis.jobs.worker", "--job", str(job.id),
                "--parent", str(os.getpid()), "--nice", str(self.nice),
                *KINDS[job.kind].argv(job.options)]

    def _launch(self, job: Job) -> None:
        log = CappedLog(self.store.folder(job.id), self.log_bytes)
        log.write(f"[runner] {time.strftime('%Y-%m-%d %H:%M:%S')} attempt {job.attempts}\n")
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "RNNVIS_HOME": str(self.store.home), "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": "2"}
        try:
            if job.kind not in KINDS:
                raise UserError(f"this version of rnnvis has no {job.kind!r} jobs")
            proc = subprocess.Popen(self.argv(job), cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                    encoding="utf-8", errors="replace", bufsize=1,
                                    start_new_session=True)
        except (OSError, UserError) as exc:
            log.write(f"[runner] cannot start the job process: {exc}\n")
            log.close()
            self.store.finish(job.id, "failed", error=f"cannot start the job process: {exc}")
            return
        self.store.set_pid(job.id, proc.pid)
        run = _Process(job, proc, log)
        run.reader = threading.Thread(target=self._read, args=(run,), daemon=True,
                                      name=f"rnnvis-job-{job.id}-output")
        run.reader.start()
        self.running[job.id] = run

    def _read(self, run: _Process) -> None:
        """Copy the process's output into the log, and its progress lines into the store."""
        for line in run.proc.stdout:
            msg = parse(line)
            if msg is None:
                run.log.write(line)
                if line.strip():
                    run.last_line = line.strip()
                    if line.startswith("error: "):
                        run.last_error = line[len("error: "):].strip()
                continue
            try:
                self.store.report(run.job.id, msg.get("progress"), msg.get("curve") or (),
                                  msg.get("valid") or ())
            except Exception as exc:  # noqa: BLE001 - a lost report must not stop the log
                run.log.write(f"[runner] could not store progress: {exc}\n")

    def _finish(self, run: _Process, code: int) -> None:
        run.reader.join(timeout=10)
        run.proc.stdout.close()
        cancelled = self.store.get(run.job.id).cancel_requested
        sig = -code if code < 0 else code - 128 if code > 128 else None
        if code == 0:
            status, error = "done", None
        elif cancelled:
            status, error = "cancelled", None
        elif self._stopping.is_set():
            status, error = "interrupted", STOPPED
        elif sig in set(signal.Signals):
            status, error = "interrupted", f"the job process was stopped by {signal.Signals(sig).name}"
        else:
            status = "failed"
            error = run.last_error or run.last_line or f"the job process exited with code {code}"
        if code < 0:  # killed outright: no chance to clean up
            _remove_temp_files(self.store, run.job.model)
        run.log.write(f"[runner] {time.strftime('%Y-%m-%d %H:%M:%S')} {status} "
                      f"(exit code {code})\n")
        run.log.close()
        self.store.finish(run.job.id, status, exit_code=code, error=error)
        del self.running[run.job.id]
