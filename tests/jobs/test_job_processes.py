"""Real job processes (each imports TensorFlow: the slow part): a cancelled training leaves
consistent files, kill -9 then resume gives the weights of an uninterrupted run, and a
server killed with a job running shows it interrupted when it restarts."""

import json
import os
import signal
import urllib.request

import numpy as np
import yaml

from rnnvis.jobs import queue
from rnnvis.jobs.runner import STOPPED, Runner
from rnnvis.modelling.modeldir import model_dir
from tests.jobs.conftest import tiny_config
from tests.jobs.test_runner import wait_for

TIMEOUT = 240  # s; importing TensorFlow takes 5-15 s a process on a busy machine


def _write(configs, name, **kw):
    (configs / f"{name}.yaml").write_text(yaml.safe_dump(tiny_config(name, **kw)))


def _temp_files(name):
    return sorted(p.name for p in model_dir(name).root.rglob(".tmp-*"))


def _training(store, job_id):
    return lambda: (store.get(job_id).progress or {}).get("phase") == "train"


def test_a_cancelled_training_stops_cleanly(configs, store):
    _write(configs, "long", samples=600, epochs=50)
    job = queue.submit("train-evaluate", {"config": "long.yaml"})
    runner = Runner(store, grace=10, poll=0.1)
    assert runner.start()
    try:
        wait_for("the job to train", _training(store, job["id"]), timeout=TIMEOUT)
        queue.cancel(job["id"])
        wait_for("the job to stop", lambda: store.get(job["id"]).status != "running", timeout=30)
    finally:
        runner.stop()
    got = store.get(job["id"])
    # SIGTERM ended the worker through its handler (exit 143), not by SIGKILL
    assert (got.status, got.error, got.exit_code) == ("cancelled", None, 128 + signal.SIGTERM)
    assert got.curve and got.progress["epochs"] == 50
    assert _temp_files("long") == [] and model_dir("long").evaluated_splits() == []
    state = model_dir("long").checkpoints / "state.json"
    if state.exists():   # whatever epoch had finished is whole
        done = json.loads(state.read_text())["epochs_done"]
        assert (model_dir("long").checkpoints / f"epoch-{done:04d}.weights.h5").exists()
    assert queue.log(job["id"]).rstrip().endswith("cancelled (exit code 143)")


def test_kill_9_then_resume_gives_the_weights_of_an_uninterrupted_run(configs, store):
    from rnnvis.modelling.manager import load_trained, train_from_config

    _write(configs, "killed", samples=1500, epochs=3)
    _write(configs, "straight", samples=1500, epochs=3)
    runner = Runner(store, poll=0.1)
    assert runner.start()
    try:
        job = queue.submit("train", {"config": "killed.yaml"})
        state = model_dir("killed").checkpoints / "state.json"
        wait_for("the first checkpoint", state.exists, timeout=TIMEOUT, every=0.02)
        os.kill(store.running_pids()[job["id"]], signal.SIGKILL)
        wait_for("the killed job to end", lambda: store.get(job["id"]).status != "running")
        done = json.loads(state.read_text())["epochs_done"]
        assert 1 <= done < 3, "the job should be killed after its first epoch"
        stopped = queue.job(job["id"])
        assert (stopped["status"], stopped["resumable"]) == ("interrupted", True)
        assert stopped["error"] == "the job process was stopped by SIGKILL"
        assert _temp_files("killed") == []
        assert queue.resume(job["id"])["options"]["resume"] is True
        wait_for("the resumed job", lambda: store.get(job["id"]).status not in ("queued", "running"),
                 timeout=TIMEOUT)
    finally:
        runner.stop()
    final = store.get(job["id"])
    assert (final.status, final.attempts) == ("done", 2), queue.log(job["id"])
    assert f"resuming killed after epoch {done}" in queue.log(job["id"])
    assert [row["epoch"] for row in model_dir("killed").history()] == [1, 2, 3]
    # the same config trained straight through, here, gives the same weights
    train_from_config(configs / "straight.yaml", progress=False, log=lambda *_: None)
    for wa, wb in zip(load_trained("killed").model.get_weights(),
                      load_trained("straight").model.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-5)


def _api(url, body=None):
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def _gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_server_killed_with_a_job_running_shows_it_interrupted(configs, store, rnnvis_home, tmp_path):
    from tests.server.browser_fixtures import Server

    _write(configs, "long", samples=600, epochs=50)
    server = Server(rnnvis_home, configs, tmp_path / "server-1.log").wait()
    try:
        job = _api(f"{server.url}/api/jobs/train", {"config": "long.yaml"})
        wait_for("the first checkpoint", (model_dir("long").checkpoints / "state.json").exists,
                 timeout=TIMEOUT)
        pid = store.running_pids()[job["id"]]
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        wait_for("the job process to stop with its server", lambda: _gone(pid), timeout=30)
    finally:
        server.stop()
    assert store.get(job["id"]).status == "running"      # nobody recorded the end
    server = Server(rnnvis_home, configs, tmp_path / "server-2.log").wait()
    try:
        after = _api(f"{server.url}/api/jobs/{job['id']}")
    finally:
        server.stop()
    assert (after["status"], after["error"], after["resumable"]) == ("interrupted", STOPPED, True)
    assert _temp_files("long") == []
