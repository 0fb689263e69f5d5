"""Import jobs end to end, through the API and real job processes (each imports TensorFlow: the
slow part): files uploaded into the imports folder, an import that fails shows its one-line
message in the job's status, a good one imports and evaluates with its stages as progress, and
a cancelled import leaves nothing behind and can be resumed."""

import pytest

from rnnvis.importing.importfiles import imports_dir
from rnnvis.jobs.runner import Runner, _remove_temp_files
from rnnvis.modelling.modeldir import model_dir
from server import create_app
from tests.importing.helpers import VOCAB, corpus_text, keras_lm, multipart
from tests.jobs.test_job_processes import TIMEOUT
from tests.jobs.test_runner import wait_for


@pytest.fixture
def client(rnnvis_home):
    return create_app({"TESTING": True}).test_client()


def _upload(client, path):
    resp = client.post("/api/imports", **multipart(path.read_bytes(), path.name))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["name"]


def _start(client, kind, body):
    resp = client.post(f"/api/jobs/{kind}", json=body)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["id"]


def _ended(client, job_id):
    return lambda: (j := client.get(f"/api/jobs/{job_id}").get_json())["status"] not in ("queued", "running") and j


def _stages(store, job_id, seen):
    """Collect the import stages a running job reports (polled while waiting)."""
    def poll():
        p = store.get(job_id).progress or {}
        if p.get("phase") == "import" and (not seen or seen[-1] != p["stage"]):
            seen.append(p["stage"])
        return store.get(job_id).status not in ("queued", "running")
    return poll


def test_a_failing_import_says_why_and_a_good_one_imports_and_evaluates(client, store, tmp_path):
    _upload(client, keras_lm(tmp_path / "lm.keras"))
    _upload(client, VOCAB)
    short = tmp_path / "short.txt"
    short.write_text("\n".join(VOCAB.read_text().split("\n")[:-2]) + "\n")   # one token too few
    _upload(client, short)
    _upload(client, corpus_text(tmp_path / "corpus.txt"))
    bad = _start(client, "import", {"kind": "keras", "path": "lm.keras", "name": "bad",
                                    "vocab": "short.txt"})
    good = _start(client, "import-evaluate", {"kind": "keras", "path": "lm.keras", "name": "mine",
                                              "vocab": "vocab.txt", "data": "corpus.txt",
                                              "dtype": "float32"})
    seen = []
    runner = Runner(store, poll=0.05)
    assert runner.start()
    try:
        wait_for("both jobs", _stages(store, good, seen), timeout=2 * TIMEOUT, every=0.02)
    finally:
        runner.stop()
    failed = client.get(f"/api/jobs/{bad}").get_json()
    # the files are named as in the imports folder, not by their absolute paths
    assert failed["status"] == "failed" and failed["error"] == (
        "short.txt: 15 tokens, but the embedding in lm.keras has 16 rows; expected one token "
        "per row")
    assert not model_dir("bad").root.exists()
    done = client.get(f"/api/jobs/{good}?lines=50").get_json()
    assert done["status"] == "done", done["log"]
    # its stages as they were polled (a fast stage may pass between two polls), then recording
    assert "measuring" in seen and seen == sorted(seen, key=["reading", "converting", "measuring",
                                                              "writing", "done"].index)
    metrics = done["progress"]["metrics"]
    assert done["progress"]["phase"] == "evaluate" and metrics["test_perplexity"] > 1
    assert "mine: imported a lstm language model (8 units) from keras" in done["log"]
    listed = {m["name"]: m for m in client.get("/api/models").get_json()["models"]}
    assert listed["mine"]["status"] == "evaluated" and listed["mine"]["metrics"] == metrics
    assert listed["mine"]["origin"]["file"] == str(imports_dir() / "lm.keras")


def test_a_cancelled_import_leaves_nothing_and_can_run_again(client, store, tmp_path):
    _upload(client, keras_lm(tmp_path / "big.keras", units=(96, 96)))
    _upload(client, VOCAB)
    # measuring on the Penn Treebank (valid and test) takes a few seconds: cancel it there
    job = _start(client, "import", {"kind": "keras", "path": "big.keras", "name": "big",
                                    "vocab": "vocab.txt", "data": "ptb"})
    runner = Runner(store, poll=0.05)
    assert runner.start()
    try:
        wait_for("the import to measure", lambda: (store.get(job).progress or {}).get("stage") == "measuring",
                 timeout=TIMEOUT, every=0.02)
        assert client.post(f"/api/jobs/{job}/cancel").status_code == 200
        stopped = wait_for("the job to stop", _ended(client, job), timeout=30)
    finally:
        runner.stop()
    assert (stopped["status"], stopped["error"], stopped["resumable"]) == ("cancelled", None, True)
    models = model_dir("big").root.parent
    assert not models.exists() or list(models.iterdir()) == []    # no model folder, no .tmp-*
    again = client.post(f"/api/jobs/{job}/resume").get_json()
    assert (again["status"], again["options"]) == ("queued", stopped["options"])


def test_a_killed_import_leaves_no_temporary_model_folder(store):
    """What the runner removes after a kill -9 (no chance to clean up): the temporary model
    folder of that import only."""
    models = model_dir("m").root.parent
    (models / ".tmp-m-abcd1234" / "evaluations").mkdir(parents=True)   # killed while writing
    (models / ".tmp-m-2-abcd1234").mkdir()                             # model m-2's, still writing
    _remove_temp_files(store, "m")
    assert sorted(p.name for p in models.iterdir()) == [".tmp-m-2-abcd1234"]
