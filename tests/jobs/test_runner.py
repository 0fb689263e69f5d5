"""The runner with stand-in job processes (small Python scripts, no TensorFlow): queue order,
cancel while queued and while running (SIGTERM, then SIGKILL after the grace period), a clean
stop, exit codes, progress lines, the capped log and the one-runner lock."""

import json
import sys
import time

import pytest

from rnnvis.jobs import queue
from rnnvis.jobs.logs import CURRENT, ROTATED
from rnnvis.jobs.progress import PREFIX
from rnnvis.jobs.runner import STOPPED, Runner, reconcile, runner_alive
from rnnvis.jobs.store import JobStore
from rnnvis.modelling.modeldir import model_dir

TIMEOUT = 60


class ScriptRunner(Runner):
    """A runner whose job processes run ``options["script"]`` (Python) instead of a job kind."""

    def argv(self, job):
        return [sys.executable, "-c", job.options["script"]]


def wait_for(what, predicate, timeout=TIMEOUT, every=0.05):
    """Poll ``predicate`` until it returns something true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def ended(store, job):
    return lambda: store.get(job.id).status not in ("queued", "running")


PROGRESS = {"progress": {"phase": "train", "epoch": 1, "epochs": 1, "step": 2, "steps": 4,
                         "fraction": 0.5}, "curve": [[0.5, 1.25]], "valid": []}
QUICK = f"print('hello'); print({PREFIX + json.dumps(PROGRESS)!r}); print('bye')"
SLEEP = "import time; print('started', flush=True); time.sleep(60)"
STUBBORN = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('started', flush=True); time.sleep(60)")
FAILS = "print('working'); print('error: the data file is gone'); raise SystemExit(2)"
CRASHES = "raise RuntimeError('a bug')"
CHATTY = "for i in range(400): print(f'line {i:04d} ' + 'x' * 40)"


def add(store, model, script):
    return store.add("train", model, {"script": script}, max_queued=20)


def test_jobs_run_in_queue_order_one_at_a_time(store):
    jobs = [add(store, f"m{i}", script) for i, script in enumerate([QUICK, FAILS, CRASHES, CHATTY])]
    store.cancel(add(store, "skipped", QUICK).id)                 # cancelled while queued
    runner = ScriptRunner(store, poll=0.02, log_bytes=1024)
    assert runner.start()
    try:
        wait_for("every job", lambda: all(ended(store, j)() for j in jobs))
    finally:
        runner.stop()
    got = [store.get(j.id) for j in jobs]
    for before, after in zip(got, got[1:]):
        assert before.finished <= after.started                 # one at a time, in order
    assert [j.status for j in got] == ["done", "failed", "failed", "done"]
    assert got[0].progress == PROGRESS["progress"] and got[0].curve == [[0.5, 1.25]]
    assert queue.log(got[0].id).splitlines()[1:3] == ["hello", "bye"]   # progress is not logged
    assert (got[1].exit_code, got[1].error) == (2, "the data file is gone")
    assert got[2].exit_code == 1 and got[2].error == "RuntimeError: a bug"
    skipped = store.jobs()[-1]
    assert (skipped.status, skipped.started) == ("cancelled", None)
    # the chatty job's 20 KB of output: the log rotated, each part within its 1 KiB cap
    folder = store.folder(got[3].id)
    assert all((folder / f).stat().st_size <= 1024 for f in (CURRENT, ROTATED))
    log = queue.log(got[3].id)
    assert "line 0399" in log and "line 0000" not in log and "[log rotated" in log


def test_a_job_that_cannot_start_fails_and_the_queue_goes_on(store):
    future = store.add("distill", "m1", {}, max_queued=20)      # a kind of a later version
    after = add(store, "m2", QUICK)
    runner = ScriptRunner(store, poll=0.02)
    runner.argv = lambda job: Runner.argv(runner, job) if job.kind == "distill" else \
        ScriptRunner.argv(runner, job)
    assert runner.start()
    try:
        wait_for("both jobs", lambda: ended(store, future)() and ended(store, after)())
    finally:
        runner.stop()
    failed = store.get(future.id)
    assert (failed.status, failed.error) == (
        "failed", "cannot start the job process: this version of rnnvis has no 'distill' jobs")
    assert store.get(after.id).status == "done"
    assert queue.describe(failed)["command"] == "distill"  # listed as it is, not run


def test_cancel_while_running_sigterm_then_sigkill_after_the_grace_period(store):
    polite, stubborn = add(store, "polite", SLEEP), add(store, "stubborn", STUBBORN)
    leftover = model_dir("stubborn").evaluations / ".tmp-test.h5-x.h5"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"partial")
    runner = ScriptRunner(store, poll=0.02, grace=1.0, slots=2)
    assert runner.start()
    try:
        for job in (polite, stubborn):
            wait_for(f"job {job.id} to start", lambda j=job: "started" in queue.log(j.id))
        t0 = time.monotonic()
        store.cancel(polite.id)
        store.cancel(stubborn.id)
        wait_for("both to stop", lambda: ended(store, polite)() and ended(store, stubborn)())
        took = time.monotonic() - t0
    finally:
        runner.stop()
    p, s = store.get(polite.id), store.get(stubborn.id)
    assert (p.status, p.exit_code, s.status, s.exit_code) == ("cancelled", -15, "cancelled", -9)
    assert p.finished < s.finished and took >= 1.0               # SIGKILL only after the grace
    assert not leftover.exists()            # a killed job's temporary files are removed


def test_a_stopped_runner_interrupts_its_jobs_and_a_new_one_recovers(store):
    job = add(store, "m", SLEEP)
    waiting = add(store, "n", QUICK)
    runner = ScriptRunner(store, poll=0.02, grace=2.0)
    assert runner.start()
    try:
        wait_for("the job to start", lambda: "started" in queue.log(job.id))
        assert runner_alive(store) and not ScriptRunner(store).start(wait=0.2)  # one runner
        reconcile(store)                                         # leaves a live runner's jobs alone
        assert store.get(job.id).status == "running"
    finally:
        runner.stop()
    assert not runner.alive and not runner_alive(store)
    stopped = store.get(job.id)
    assert (stopped.status, stopped.error) == ("interrupted", STOPPED)
    assert store.get(waiting.id).status == "queued"               # not started during the stop
    # a job recorded as running without a runner (the server died) is interrupted on recovery
    store.claim()
    reconcile(JobStore())
    assert (store.get(waiting.id).status, store.get(waiting.id).error) == ("interrupted", STOPPED)
