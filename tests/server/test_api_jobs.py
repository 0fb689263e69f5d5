"""The job endpoints with Flask's test client (no runner: queued jobs stay queued). Every bad
input is a 4xx JSON naming what is wrong, and nothing is queued."""

import pytest

from rnnvis.jobs.store import JobStore
from rnnvis.modelling.config import load_config
from rnnvis.modelling.modeldir import model_dir
from server import create_app


@pytest.fixture
def client(rnnvis_home, config_folder):
    """A test client over an empty workspace, with a config folder (good.yaml, bad.yaml)."""
    return create_app({"TESTING": True, "JOBS_MAX_QUEUED": 3}).test_client()


def _error(resp, status, text):
    assert resp.status_code == status, resp.get_json()
    body = resp.get_json()
    assert resp.is_json and text in body["error"], body
    return body


def _queued():
    return [j.id for j in JobStore().jobs()]


def test_start_list_and_read_a_job(client):
    assert client.get("/api/jobs").get_json() == {"jobs": [], "runner": False, "max_queued": 3}
    resp = client.post("/api/jobs/train-evaluate", json={"config": "good.yaml", "max_steps": 2,
                                                         "split": "valid", "epochs": None})
    assert resp.status_code == 200, resp.get_json()
    job = resp.get_json()
    assert (job["id"], job["kind"], job["model"], job["status"]) == (1, "train-evaluate", "good", "queued")
    assert job["options"]["max_steps"] == 2 and job["options"]["split"] == "valid"
    assert job["command"] == "train-evaluate --config=good.yaml --max-steps=2 --split=valid --dtype=float16"
    listed = client.get("/api/jobs").get_json()["jobs"]
    assert [j["id"] for j in listed] == [1]
    one = client.get("/api/jobs/1?lines=5").get_json()
    assert one["log"] == "" and one["status"] == "queued" and one["progress"] is None
    cancelled = client.post("/api/jobs/1/cancel").get_json()
    assert cancelled["status"] == "cancelled"
    # the page builds its job controls from the declared parameters of each kind
    specs = client.get("/api/analyses").get_json()["jobs"]
    assert set(specs) == {"train", "evaluate", "train-evaluate", "import", "import-evaluate"}
    assert specs["train"]["epochs"]["min"] == 1 and specs["train-evaluate"]["split"]["choices"] == [
        "train", "valid", "test"]
    assert specs["train"]["config"]["pattern"]


@pytest.mark.parametrize("path,body,status,message", [
    ("/api/jobs/train", {"config": "nope.yaml"}, 404, "no config file 'nope.yaml'"),
    ("/api/jobs/train", {"config": "bad.yaml"}, 422, "bad.yaml is not valid; nothing was started"),
    ("/api/jobs/train", {"config": "../good.yaml"}, 400, "config: got '../good.yaml'; expected a file name"),
    ("/api/jobs/train", {"config": "/etc/passwd.yaml"}, 400, "config: got '/etc/passwd.yaml'"),
    ("/api/jobs/train", {"config": "good.yaml", "resume": True, "force": True}, 400,
     "resume and force: use one of them, not both"),
    ("/api/jobs/train", {"config": "good.yaml", "max_steps": 0}, 400, "max_steps: got 0; expected an integer >= 1"),
    ("/api/jobs/train", {"config": "good.yaml", "shell": "rm -rf /"}, 400, "shell: unknown field"),
    ("/api/jobs/train", {}, 400, "config: missing"),
    ("/api/jobs/evaluate", {"name": "ghost"}, 404, "unknown model 'ghost'"),
    ("/api/jobs/evaluate", {"name": "ghost", "split": "dev"}, 400, "split: got 'dev'"),
    ("/api/jobs/distill", {"config": "good.yaml"}, 404, "no such endpoint; see /api/openapi.json"),
])
def test_bad_job_requests_are_refused_and_nothing_is_queued(client, path, body, status, message):
    body = _error(client.post(path, json=body), status, message)
    assert _queued() == []
    if status == 422:
        assert body["errors"][0]["key"] == "model.cell" and body["errors"][0]["line"] == 5


def test_a_body_that_is_not_a_json_object_is_refused(client):
    _error(client.post("/api/jobs/train", data="config=good.yaml"), 400, "expected a JSON object body")
    _error(client.post("/api/jobs/train", json=["good.yaml"]), 400, "expected a JSON object body")
    assert _queued() == []


def test_an_existing_model_needs_force_or_resume(client, config_folder):
    mdir = model_dir("good")
    mdir.save_config(load_config(config_folder / "good.yaml").with_absolute_paths())
    body = _error(client.post("/api/jobs/train", json={"config": "good.yaml"}), 409,
                  "model 'good' already exists (new); train it again from scratch with force, "
                  "or continue it with resume")
    assert body["model"] == "good" and body["resumable"] is False
    assert _queued() == []
    assert client.post("/api/jobs/train", json={"config": "good.yaml", "force": True}).status_code == 200
    _error(client.post("/api/jobs/train", json={"config": "good.yaml", "force": True}), 409,
           "model 'good' already has job 1 (queued)")


def test_cancel_resume_and_the_queue_cap(client, config_folder):
    for i in range(3):
        (config_folder / f"m{i}.yaml").write_text(
            (config_folder / "good.yaml").read_text().replace("name: good", f"name: m{i}"))
        assert client.post("/api/jobs/train", json={"config": f"m{i}.yaml"}).status_code == 200
    _error(client.post("/api/jobs/train", json={"config": "good.yaml"}), 429,
           "the job queue is full: 3 jobs are waiting (at most 3)")
    assert len(_queued()) == 3
    # a finished job cannot be cancelled; a job with no checkpoint cannot be resumed
    store = JobStore()
    job = store.claim()
    store.finish(job.id, "done", exit_code=0)
    _error(client.post(f"/api/jobs/{job.id}/cancel"), 409, f"job {job.id} has already ended (done)")
    _error(client.post(f"/api/jobs/{job.id}/resume"), 409,
           f"job {job.id} is done; only an interrupted or cancelled job can be resumed")
    client.post("/api/jobs/2/cancel")
    assert client.get("/api/jobs/2").get_json()["resumable"] is False
    _error(client.post("/api/jobs/2/resume"), 409, "model 'm1' has no checkpoint to resume from")
    mdir = model_dir("m1")
    mdir.save_config(load_config(config_folder / "m1.yaml").with_absolute_paths())
    mdir.checkpoints.mkdir()
    (mdir.checkpoints / "state.json").write_text('{"epochs_done": 1}')
    resumed = client.post("/api/jobs/2/resume").get_json()
    assert (resumed["status"], resumed["options"]["resume"]) == ("queued", True)
    _error(client.post("/api/jobs/99/cancel"), 404, "no job 99")
    _error(client.get("/api/jobs/99"), 404, "no job 99")
    _error(client.get("/api/jobs/0"), 400, "id: got 0; expected an integer from 1 to 2147483647")
    _error(client.get("/api/jobs/train"), 405, "this method is not allowed here")
    _error(client.get("/api/jobs/abc"), 404, "no such endpoint")
    _error(client.get("/api/jobs/2?lines=0"), 400, "lines: got 0")
    _error(client.get("/api/jobs/2/cancel"), 405, "this method is not allowed here")
