"""The queue on disk: order, caps, one active job per model, cancel and recovery rules, curves."""

import threading
import time

import pytest

from rnnvis.errors import Conflict, NotFound, TooBusy
from rnnvis.jobs.store import CURVE_POINTS, JobStore


def test_jobs_are_claimed_in_queue_order_never_two_of_one_model(store):
    a = store.add("train", "m1", {"n": 1}, max_queued=10)
    b = store.add("train", "m2", {"n": 2}, max_queued=10)
    c = store.add("evaluate", "m3", {"n": 3}, max_queued=10)
    assert [j.id for j in store.jobs()] == [a.id, b.id, c.id]
    got = store.claim()
    assert (got.id, got.status, got.attempts) == (a.id, "running", 1)
    assert store.claim(busy_models={"m2"}).id == c.id      # m2 is busy: c goes first
    assert store.claim(busy_models={"m2"}) is None
    assert store.claim().id == b.id and store.claim() is None
    # a stopped job queued again goes to the back
    store.finish(a.id, "interrupted", exit_code=-9, error="killed")
    d = store.add("train", "m4", {}, max_queued=10)
    again = store.requeue(a.id, {"n": 1, "resume": True}, max_queued=10)
    assert (again.status, again.options, again.error) == ("queued", {"n": 1, "resume": True}, None)
    assert store.claim().id == d.id and store.claim().id == a.id
    assert store.get(a.id).attempts == 2
    # active jobs first, in queue order; then the others, latest first
    store.finish(b.id, "done", exit_code=0)
    assert [(j.id, j.status) for j in store.jobs()][-1] == (b.id, "done")


def test_one_active_job_per_model_and_a_cap_on_waiting_jobs(store):
    store.add("train", "m1", {}, max_queued=2)
    with pytest.raises(Conflict, match=r"model 'm1' already has job 1 \(queued\)"):
        store.add("evaluate", "m1", {}, max_queued=2)
    store.add("train", "m2", {}, max_queued=2)
    with pytest.raises(TooBusy, match=r"the job queue is full: 2 jobs are waiting \(at most 2\)"):
        store.add("train", "m3", {}, max_queued=2)
    assert TooBusy.status == 429 and len(store.jobs()) == 2   # nothing was added
    store.claim()                      # a running job no longer waits
    store.add("train", "m3", {}, max_queued=2)


def test_the_cap_holds_under_concurrent_adds(rnnvis_home):
    results = []

    def add(i):
        try:
            JobStore().add("train", f"m{i}", {}, max_queued=3)
            results.append("ok")
        except TooBusy:
            results.append("busy")

    threads = [threading.Thread(target=add, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["busy"] * 5 + ["ok"] * 3
    assert len(JobStore().jobs()) == 3


def test_cancel_rules(store):
    queued = store.add("train", "m1", {}, max_queued=10)
    running = store.add("train", "m2", {}, max_queued=10)
    store.claim(busy_models={"m1"})
    assert store.cancel(queued.id).status == "cancelled"
    flagged = store.cancel(running.id)
    assert (flagged.status, flagged.cancel_requested) == ("running", True)  # the runner stops it
    store.finish(running.id, "cancelled", exit_code=143)
    for job in (queued, running):
        with pytest.raises(Conflict, match=rf"job {job.id} has already ended \(cancelled\); there "
                                           "is nothing to cancel"):
            store.cancel(job.id)
    with pytest.raises(NotFound, match="no job 99"):
        store.cancel(99)
    with pytest.raises(Conflict, match="job 1 is cancelled; only an interrupted job can be resumed"):
        store.requeue(queued.id, {}, max_queued=10, allowed=("interrupted",))


def test_interrupt_running_jobs_of_a_dead_runner(store):
    a = store.add("train", "m1", {}, max_queued=10)
    b = store.add("train", "m2", {}, max_queued=10)
    store.claim()
    store.claim()
    store.report(a.id, {"phase": "train"})
    store.cancel(b.id)
    time.sleep(0.05)
    ended = {j.id: j for j in store.interrupt_running("the server stopped")}
    assert (ended[a.id].status, ended[a.id].error) == ("interrupted", "the server stopped")
    assert (ended[b.id].status, ended[b.id].error) == ("cancelled", None)  # a cancel was asked for
    # running time counts up to the last progress report, not to now
    job = store.get(a.id)
    assert job.seconds == pytest.approx(job.updated - job.started)
    assert store.interrupt_running("again") == []


def test_reports_keep_the_latest_progress_and_thin_long_curves(store):
    job = store.add("train", "m1", {}, max_queued=10)
    points = [[i / 100, 5.0 - i / 100] for i in range(CURVE_POINTS + 100)]
    store.report(job.id, {"phase": "train", "step": 1}, points[:250], [[1, 2.0]])
    store.report(job.id, None, points[250:], [[2, 1.5]])
    got = store.get(job.id)
    assert got.progress == {"phase": "train", "step": 1}      # None keeps the last record
    assert got.valid == [[1, 2.0], [2, 1.5]]
    # 500 points became 250: each the mean of two neighbours
    assert len(got.curve) == 250
    assert got.curve[0] == pytest.approx([0.005, 4.995]) and got.curve[-1] == pytest.approx([4.985, 0.015])
    with pytest.raises(ValueError, match="not a final status: 'queued'"):
        store.finish(job.id, "queued")
