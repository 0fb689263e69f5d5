"""Submitting, cancelling and resuming jobs: every check runs before anything is queued."""

import pytest
import yaml

from rnnvis.errors import Conflict, Invalid, NotFound, ParamError, TooBusy
from rnnvis.jobs import queue
from rnnvis.modelling.config import load_config
from rnnvis.modelling.modeldir import model_dir


def _fake_model(configs, name, *, checkpoint=False, trained=False):
    """A model folder as training leaves it (no weights are needed to queue a job)."""
    mdir = model_dir(name)
    mdir.save_config(load_config(configs / f"{name}.yaml").with_absolute_paths())
    if checkpoint:
        mdir.checkpoints.mkdir(parents=True)
        (mdir.checkpoints / "state.json").write_text('{"epochs_done": 1}')
    if trained:
        mdir.weights_path.write_bytes(b"")
        mdir.write_metrics({"test_loss": 1.0})
    return mdir


def test_a_job_is_queued_with_its_checked_options(configs, store):
    job = queue.submit("train", {"config": "tiny.yaml", "max_steps": 3})
    assert (job["kind"], job["model"], job["status"], job["resumable"]) == ("train", "tiny", "queued", False)
    assert job["options"] == {"config": "tiny.yaml", "resume": False, "force": False, "epochs": None,
                              "max_steps": 3}
    assert job["command"] == "train --config=tiny.yaml --max-steps=3"
    both = queue.submit("train-evaluate", {"config": "other.yaml", "split": "valid"})
    assert both["options"]["split"] == "valid" and both["options"]["dtype"] == "float16"
    listed = queue.jobs()
    assert [j["id"] for j in listed["jobs"]] == [job["id"], both["id"]] and listed["runner"] is False


@pytest.mark.parametrize("kind,values,error,message", [
    ("train", {"config": "nope.yaml"}, NotFound, "no config file 'nope.yaml' in "),
    ("train", {"config": "bad.yaml"}, Invalid, "bad.yaml is not valid; nothing was started"),
    ("train", {"config": "../tiny.yaml"}, ParamError,
     "config: got '../tiny.yaml'; expected a file name of letters"),
    ("train", {}, ParamError, "config: missing; expected a file name"),
    ("train", {"config": "tiny.yaml", "resume": True, "force": True}, ParamError,
     "resume and force: use one of them, not both"),
    ("train", {"config": "tiny.yaml", "epochs": 0}, ParamError, "epochs: got 0; expected an integer >= 1"),
    ("train", {"config": "tiny.yaml", "split": "test"}, ParamError, "split: unknown field; allowed: config"),
    ("train-evaluate", {"config": "tiny.yaml", "dtype": "int8"}, ParamError,
     "dtype: got 'int8'; expected one of: float16, float32"),
    ("trian", {"config": "tiny.yaml"}, ParamError,
     "kind: got 'trian'; expected one of: train, evaluate, train-evaluate, import, import-evaluate "
     "(did you mean 'train'?)"),
    ("evaluate", {"name": "ghost"}, NotFound, "unknown model 'ghost'"),
    ("evaluate", {"name": "a/b"}, ParamError, "name: got 'a/b'; expected 1-64 letters"),
])
def test_bad_jobs_are_refused_and_nothing_is_queued(configs, store, kind, values, error, message):
    with pytest.raises(error) as exc:
        queue.submit(kind, values)
    assert message in str(exc.value)
    assert store.jobs() == []
    if error is Invalid:
        assert exc.value.status == 422
        assert exc.value.extra["errors"][0]["key"] == "model.cell" and exc.value.extra["errors"][0]["line"] == 5


def test_an_existing_model_needs_force_or_resume(configs, store):
    _fake_model(configs, "tiny", checkpoint=True)
    with pytest.raises(Conflict, match=r"model 'tiny' already exists \(training\); train it again from "
                                       r"scratch with force, or continue it with resume") as exc:
        queue.submit("train-evaluate", {"config": "tiny.yaml"})
    assert exc.value.status == 409 and exc.value.extra == {"model": "tiny", "status": "training",
                                                           "resumable": True}
    with pytest.raises(Conflict, match=r"model 'tiny' is not trained yet \(training\)"):
        queue.submit("evaluate", {"name": "tiny"})
    # a config edited since the model was trained cannot be resumed
    raw = yaml.safe_load((configs / "tiny.yaml").read_text())
    raw["train"]["epochs"] = 5
    (configs / "tiny.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(Conflict, match="tiny.yaml: the config differs from the one model 'tiny' was "
                                       "trained with; train it again with force"):
        queue.submit("train", {"config": "tiny.yaml", "resume": True})
    assert store.jobs() == []
    assert queue.submit("train", {"config": "tiny.yaml", "force": True})["status"] == "queued"
    with pytest.raises(Conflict, match=r"model 'tiny' already has job 1 \(queued\); wait for it or "
                                       r"cancel it first"):
        queue.submit("train", {"config": "tiny.yaml", "force": True})


def test_the_queue_is_capped(configs, store):
    queue.submit("train", {"config": "tiny.yaml"}, max_queued=1)
    with pytest.raises(TooBusy, match=r"the job queue is full: 1 jobs are waiting \(at most 1\)"):
        queue.submit("train", {"config": "other.yaml"}, max_queued=1)
    assert len(store.jobs()) == 1


def test_resume_needs_a_stopped_job_with_a_checkpoint(configs, store):
    job = queue.submit("train-evaluate", {"config": "other.yaml", "force": True})
    store.claim()
    store.finish(job["id"], "interrupted", exit_code=-9, error="killed")
    assert queue.job(job["id"])["resumable"] is False
    with pytest.raises(Conflict, match="model 'other' has no checkpoint to resume from"):
        queue.resume(job["id"])
    _fake_model(configs, "other", checkpoint=True)
    assert queue.job(job["id"])["resumable"] is True
    again = queue.resume(job["id"])
    assert (again["id"], again["status"]) == (job["id"], "queued")
    assert again["options"]["resume"] is True and again["options"]["force"] is False
    with pytest.raises(Conflict, match=f"job {job['id']} is queued; only an interrupted or cancelled "
                                       "job can be resumed"):
        queue.resume(job["id"])
    with pytest.raises(NotFound, match="no job 42"):
        queue.resume(42)
    # an evaluation starts over: it needs only the trained model
    _fake_model(configs, "tiny", trained=True)
    ev = queue.submit("evaluate", {"name": "tiny"})
    queue.cancel(ev["id"])
    assert queue.job(ev["id"])["resumable"] is True and queue.resume(ev["id"])["status"] == "queued"


def test_cancel_and_log(configs, store):
    job = queue.submit("train", {"config": "tiny.yaml"})
    assert queue.cancel(job["id"])["status"] == "cancelled"
    with pytest.raises(Conflict, match="has already ended"):
        queue.cancel(job["id"])
    assert queue.log(job["id"]) == ""
    store.folder(job["id"]).mkdir(parents=True)
    (store.folder(job["id"]) / "log.txt").write_text("a\nb\nc\n")
    assert queue.log(job["id"], tail=2) == "b\nc\n"
    assert queue.job(job["id"], with_log=True, tail=1)["log"] == "c\n"
    with pytest.raises(NotFound, match="no job 7"):
        queue.log(7)
