"""`manage.py jobs`: the queue as a table, `jobs cancel ID`, `jobs log ID`; user errors exit 2
with one line."""

import pytest

from rnnvis.cli import main
from rnnvis.jobs import queue
from rnnvis.jobs.runner import Runner


@pytest.fixture
def live_runner(store):
    """A runner that holds the workspace's lock but starts nothing (no slots), as a server
    would while its job runs."""
    runner = Runner(store, slots=0, poll=0.05)
    assert runner.start()
    yield runner
    runner.stop()


def test_list_cancel_and_log(configs, store, live_runner, capsys):
    assert main(["jobs"]) == 0
    assert "no jobs; start one from the Configs view of `python manage.py serve`, or import a model" \
        in capsys.readouterr().out
    first = queue.submit("train-evaluate", {"config": "tiny.yaml", "max_steps": 2})
    second = queue.submit("train", {"config": "other.yaml"})
    store.claim()
    store.report(first["id"], {"phase": "train", "epoch": 1, "epochs": 2, "step": 3, "steps": 10,
                               "fraction": 0.15, "eta": 42.0})
    assert main(["jobs", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["id", "kind", "model", "status", "progress", "time", "note"]
    assert out[2].split()[:9] == ["1", "train-evaluate", "tiny", "running", "epoch", "1/2", "15%,",
                                  "eta", "42"]
    assert out[3].split()[:4] == ["2", "train", "other", "queued"] and len(out) == 4
    assert main(["jobs", "cancel", str(second["id"])]) == 0
    assert capsys.readouterr().out.strip() == "job 2 (train other): cancelled"
    assert main(["jobs", "cancel", str(second["id"])]) == 2
    err = capsys.readouterr().err
    assert err == "error: job 2 has already ended (cancelled); there is nothing to cancel\n"
    store.folder(first["id"]).mkdir(parents=True)
    (store.folder(first["id"]) / "log.txt").write_text("one\ntwo\nthree\n")
    assert main(["jobs", "log", "1"]) == 0 and capsys.readouterr().out == "one\ntwo\nthree\n"
    assert main(["jobs", "log", "1", "--lines", "1"]) == 0 and capsys.readouterr().out == "three\n"


def test_bad_job_numbers(store, capsys):
    assert main(["jobs", "log", "9"]) == 2
    assert capsys.readouterr().err == "error: no job 9; see `python manage.py jobs`\n"
    assert main(["jobs", "cancel", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "got 'x'; expected an integer from 1 to 2147483647" in err
    assert main(["jobs", "frobnicate"]) == 2 and "invalid choice" in capsys.readouterr().err


def test_without_a_runner(configs, store, capsys):
    job = queue.submit("train", {"config": "tiny.yaml"})
    queue.submit("train", {"config": "other.yaml"})
    store.claim()                       # running, but no runner holds the lock: its server died
    assert main(["jobs"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].split()[:4] == ["2", "train", "other", "queued"]
    assert out[3].split()[:4] == [str(job["id"]), "train", "tiny", "interrupted"]
    assert "the server stopped while this job ran" in out[3]
    assert out[-1] == "no runner: queued jobs start when `python manage.py serve` runs"


def test_import_jobs_are_listed_with_their_stage(store, live_runner, capsys):
    from rnnvis.importing.importfiles import imports_dir

    imports_dir().mkdir(parents=True)
    for name in ("lm.keras", "vocab.txt"):
        (imports_dir() / name).write_bytes(b"x")
    job = queue.submit("import-evaluate", {"kind": "keras", "path": "lm.keras", "name": "mine",
                                           "vocab": "vocab.txt", "data": "ptb"})
    store.claim()
    store.report(job["id"], {"phase": "import", "stage": "measuring", "split": "valid", "step": 3,
                             "steps": 10, "fraction": 0.56, "eta": None})
    assert main(["jobs"]) == 0
    row = capsys.readouterr().out.splitlines()[2].split()
    assert row[:7] == ["1", "import-evaluate", "mine", "running", "import:", "measuring", "56%"]
    store.finish(job["id"], "failed", exit_code=2, error="vocab.txt: 1 tokens, but the embedding has 16 rows")
    assert main(["jobs"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[3:] == [
        "failed", "56%", "0", "s", "vocab.txt:", "1", "tokens,", "but", "the", "embedding", "has", "16", "rows"]
