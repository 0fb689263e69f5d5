"""The imports folder and import jobs through the API (Flask's test client, no runner: queued
jobs stay queued): uploads (multipart, size cap, overwrite, names not paths, this server's
pages only), the listing, and every refusal of an import job, with nothing queued."""

import io

import jsonschema
import pytest

from rnnvis.importing.importfiles import imports_dir
from rnnvis.jobs.store import JobStore
from rnnvis.modelling.config import load_config
from rnnvis.modelling.modeldir import model_dir
from server import create_app
from tests.importing.helpers import multipart
from tests.server.test_api import _error

MIB = 1 << 20


@pytest.fixture
def client(rnnvis_home, config_folder):
    """A test client over an empty workspace (a config folder with good.yaml and bad.yaml); an
    upload may be 1 MiB."""
    return create_app({"TESTING": True, "IMPORTS_MAX_BYTES": MIB}).test_client()


def _upload(client, name, data=b"x", query="", **kw):
    return client.post(f"/api/imports{query}", **multipart(data, name), **kw)


def _names(client):
    return [f["name"] for f in client.get("/api/imports").get_json()["files"]]


def _conforms(client, method, path, body):
    """``body`` fits the 200 response schema that the OpenAPI document declares (the fuzz test
    cannot reach a successful upload: it names its files file.png, file.pdf...)."""
    doc = client.get("/api/openapi.json").get_json()
    schema = doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(body, schema)
    return body


def test_upload_list_replace_and_delete(client):
    listing = client.get("/api/imports").get_json()
    assert listing["files"] == [] and listing["max_bytes"] == MIB and "ptb" in listing["datasets"]
    assert listing["extensions"][".keras"] == {"kind": "keras", "fits": ["path"], "help": "a Keras 3 model"}
    got = _upload(client, "my vocab.txt", b"a\nb\n")
    assert got.status_code == 200 and got.get_json()["name"] == "my-vocab.txt"
    _error(_upload(client, "my vocab.txt", b"c\n"), 409,
           "my-vocab.txt is already in the imports folder; upload it with overwrite to replace it")
    replaced = _upload(client, "my vocab.txt", b"c\n", query="?overwrite=true").get_json()
    assert replaced["size"] == 2 and _names(client) == ["my-vocab.txt"]
    _conforms(client, "post", "/api/imports", replaced)
    _conforms(client, "get", "/api/imports", client.get("/api/imports").get_json())
    assert client.delete("/api/imports/my-vocab.txt").get_json() == {"deleted": "my-vocab.txt"}
    _error(client.delete("/api/imports/my-vocab.txt"), 404, "no file 'my-vocab.txt' in the imports folder")
    assert _names(client) == []


@pytest.mark.parametrize("kwargs,status,message", [
    (dict(name="big.keras", data=b"x" * (MIB + 1)), 413,
     "big.keras: larger than 1 MiB, the most an upload may be (serve --max-upload); nothing was kept"),
    (dict(name="huge.keras", data=b"x" * (2 * MIB)), 413,
     "the upload is larger than 1 MiB, the most the server takes (serve --max-upload)"),
    (dict(name="../evil.keras"), 400, "file: '../evil.keras' is a path; an upload is named by its file name only"),
    (dict(name="/etc/cron.d/evil.txt"), 400, "is a path"),
    (dict(name="run.sh"), 400, "file: 'run.sh': the imports folder takes .keras, .onnx, .safetensors"),
    (dict(name="lm.keras", headers={"Origin": "http://evil.example"}), 403,
     "uploads are taken from this server's own pages only, not from http://evil.example"),
])
def test_bad_uploads_are_refused_and_nothing_is_kept(client, kwargs, status, message):
    _error(_upload(client, kwargs.pop("name"), **kwargs), status, message)
    assert _names(client) == [] and list(imports_dir().glob("*")) == []


def test_an_upload_is_one_file_in_a_multipart_body(client):
    _error(client.post("/api/imports", json={"file": "lm.keras"}), 400,
           "expected a multipart/form-data body with one file in 'file'")
    _error(client.post("/api/imports", data={"file": "text"}, content_type="multipart/form-data"), 400,
           "file: expected one file, got 0 (a text field, not a file)")
    two = {"file": [(io.BytesIO(b"a"), "a.txt"), (io.BytesIO(b"b"), "b.txt")]}
    _error(client.post("/api/imports", data=two, content_type="multipart/form-data"), 400,
           "file: expected one file, got 2")
    extra = {"file": (io.BytesIO(b"a"), "a.txt"), "path": "/etc"}
    _error(client.post("/api/imports", data=extra, content_type="multipart/form-data"), 400,
           "path: unknown field; allowed: file")
    _error(_upload(client, "a.txt", query="?overwrite=maybe"), 400, "overwrite: got 'maybe'")
    # the page's own origin may upload
    assert _upload(client, "a.txt", headers={"Origin": "http://localhost"}).status_code == 200
    assert _names(client) == ["a.txt"]


def _queued():
    return [j.id for j in JobStore().jobs()]


@pytest.fixture
def files(client, tmp_path):
    """A model file, a vocabulary and a corpus in the imports folder, and a link out of it."""
    for name in ("lm.keras", "vocab.txt", "corpus.txt", "names.yaml", "states.h5"):
        assert _upload(client, name, b"x").status_code == 200
    secret = tmp_path / "secret.keras"
    secret.write_bytes(b"s")
    (imports_dir() / "link.keras").symlink_to(secret)
    return client


GOOD = {"kind": "keras", "path": "lm.keras", "name": "mine", "vocab": "vocab.txt"}


@pytest.mark.parametrize("kind,change,status,message", [
    ("import", {"path": "../lm.keras"}, 400,
     "path: got '../lm.keras'; expected a file name of the imports folder: letters, digits, '.', "
     "'_' or '-', starting with a letter or digit (no folders)"),
    ("import", {"path": "/etc/passwd"}, 400, "path: got '/etc/passwd'; expected a file name"),
    ("import", {"vocab": "../../vocab.txt"}, 400, "vocab: got '../../vocab.txt'; expected a file name"),
    ("import", {"path": "link.keras"}, 403,
     "path: link.keras is a symbolic link out of the imports folder; only files inside it can be imported"),
    ("import", {"path": "nope.keras"}, 404, "path: no file 'nope.keras' in the imports folder"),
    ("import", {"data": "nope.txt"}, 404, "data: no file 'nope.txt' in the imports folder"),
    ("import", {"data": "nope.yaml"}, 404, "no config file 'nope.yaml'"),
    ("import", {"data": "../good.yaml"}, 400, "data: got '../good.yaml'; expected a dataset name, a "
     "config file name, or 1-3 file names of the imports folder"),
    ("import", {"vocab": None}, 400, "--vocab: a keras import needs the vocabulary"),
    ("import", {"mapping": "names.yaml"}, 400, "--mapping: only safetensors imports take a mapping, not keras"),
    ("import", {"kind": "tflite"}, 400, "kind: got 'tflite'; expected one of: keras, onnx, safetensors, lstmvis"),
    ("import", {"name": "../x"}, 400, "name: got '../x'"),
    ("import", {"shell": "rm -rf /"}, 400, "shell: unknown field"),
    ("import-evaluate", {}, 400, "data: evaluating an import needs its corpus"),
    ("import-evaluate", {"kind": "lstmvis", "path": "states.h5", "data": "states.h5"}, 400,
     "kind: LSTMVis states are imported as their evaluation already; use an import job"),
])
def test_bad_import_jobs_are_refused_and_nothing_is_queued(files, kind, change, status, message):
    body = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    _error(files.post(f"/api/jobs/{kind}", json=body), status, message)
    assert _queued() == []


def test_an_import_job_is_queued_with_its_files_by_name(files, config_folder):
    job = files.post("/api/jobs/import-evaluate", json={**GOOD, "data": "corpus.txt", "max_tokens": 500})
    assert job.status_code == 200, job.get_json()
    job = job.get_json()
    assert (job["kind"], job["model"], job["status"]) == ("import-evaluate", "mine", "queued")
    assert job["command"] == ("import-evaluate --kind=keras --path=lm.keras --name=mine "
                              "--vocab=vocab.txt --data=corpus.txt --max-tokens=500 --dtype=float16")
    # a dataset, or a config of the config folder, as the corpus
    for data in ("ptb", "good.yaml"):
        assert files.post("/api/jobs/import", json={**GOOD, "name": f"m-{data}", "data": data}).status_code == 200
    assert len(_queued()) == 3
    specs = files.get("/api/analyses").get_json()["jobs"]
    assert specs["import"]["path"]["pattern"] and specs["import-evaluate"]["split"]["choices"]


def test_a_model_that_exists_needs_force(files, config_folder):
    mdir = model_dir("mine")
    mdir.save_config(load_config(config_folder / "good.yaml").with_absolute_paths())
    body = _error(files.post("/api/jobs/import", json=GOOD), 409,
                  "model 'mine' already exists (new); import with force to replace it, or choose "
                  "another name")
    assert body["model"] == "mine" and _queued() == []
    assert files.post("/api/jobs/import", json={**GOOD, "force": True}).status_code == 200
