"""Training: every cell and task builds and steps, loss falls, checkpoints resume exactly."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from rnnvis.errors import UserError
from rnnvis.modelling.config import load_config
from rnnvis.modelling.manager import load_trained, model_rows, train_from_config
from rnnvis.modelling.modeldir import model_dir
from rnnvis.modelling.training import class_batches, lm_batches

ROOT = Path(__file__).resolve().parents[2]


def write_config(tmp_path, name, **over):
    """A small config file; ``over`` replaces top-level sections."""
    raw = {
        "name": name,
        "task": "language_model",
        "data": {"dataset": "counting", "level": "char", "num_samples": 300, "max_count": 6},
        "model": {"cell": "lstm", "layers": [12], "embedding_size": 6},
        "train": {"batch_size": 8, "seq_length": 16, "epochs": 2,
                  "optimizer": {"name": "adam", "learning_rate": 0.01}},
    }
    raw.update(over)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def write_reviews(tmp_path):
    """A small labelled CSV whose label is readable from the words."""
    rng = np.random.default_rng(0)
    good, bad, filler = ["great", "fine", "love"], ["awful", "poor", "hate"], ["the", "movie", "was", "a"]
    rows = ["text,label"]
    for i in range(240):
        label = i % 2
        words = list(rng.choice(filler, size=rng.integers(3, 9))) + [rng.choice(good if label else bad)]
        rng.shuffle(words)
        rows.append(f"{' '.join(words)},{'pos' if label else 'neg'}")
    path = tmp_path / "reviews.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_lm_batches_carry_rows_across_windows():
    stream = np.arange(103)
    batches = list(lm_batches(stream, batch_size=4, seq_length=5))
    rows = np.arange(100).reshape(4, 25)
    x = np.concatenate([b[0] for b in batches], axis=1)
    y = np.concatenate([b[1] for b in batches], axis=1)
    assert np.array_equal(x, rows[:, :-1]) and np.array_equal(y, rows[:, 1:])


def test_class_batches_pad_right_and_keep_every_document():
    docs = [np.arange(1, n + 1) for n in (3, 1, 5, 2, 4)]
    labels = np.array([0, 1, 0, 1, 0])
    seen = []
    for x, y in class_batches(docs, labels, 2, np.random.default_rng(0)):
        for row, label in zip(x, y):
            n = int((row != 0).sum())
            assert np.array_equal(row[:n], np.arange(1, n + 1)) and not row[n:].any()
            seen.append((n, int(label)))
    assert sorted(seen) == sorted((len(d), int(l)) for d, l in zip(docs, labels))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("task", ["language_model", "classification"])
def test_every_cell_and_task_trains_a_few_steps(tmp_path, cell, task):
    over = {"model": {"cell": cell, "layers": [6, 5], "embedding_size": 4,
                      "dropout": {"input": 0.1, "output": 0.1, "recurrent": 0.1}}}
    if task == "classification":
        write_reviews(tmp_path)
        over.update(task=task, data={"dataset": "csv", "path": "reviews.csv"})
    path = write_config(tmp_path, f"{cell}-{task}", **over)
    result = train_from_config(path, epochs=1, max_steps=3, progress=False, log=lambda *_: None)
    assert len(result.history) == 1
    key = "perplexity" if task == "language_model" else "accuracy"
    assert {f"valid_{key}", f"test_{key}"} <= set(result.metrics)
    assert np.isfinite(result.metrics["test_loss"])
    tm = load_trained(f"{cell}-{task}")
    assert [layer.units for layer in tm.model.layers if hasattr(layer, "units")][:2] == [6, 5]


def test_loss_falls_on_counting_task(tmp_path):
    path = write_config(tmp_path, "falls", train={
        "batch_size": 16, "seq_length": 20, "epochs": 4,
        "optimizer": {"name": "adam", "learning_rate": 0.02}})
    result = train_from_config(path, progress=False, log=lambda *_: None)
    losses = [row["valid_loss"] for row in result.history]
    assert losses[-1] < 0.8 * losses[0]
    vocab_size = len(load_trained("falls").vocab)
    assert result.metrics["test_perplexity"] < vocab_size / 2  # far better than uniform


def test_a_sampled_softmax_trains_and_is_measured_with_the_full_one(tmp_path):
    path = write_config(tmp_path, "sampled", train={
        "batch_size": 16, "seq_length": 20, "epochs": 8, "sampled_softmax": 4,
        "optimizer": {"name": "adam", "learning_rate": 0.02}})
    result = train_from_config(path, progress=False, log=lambda *_: None)
    losses = [row["valid_loss"] for row in result.history]
    assert losses[-1] < 0.8 * losses[0]
    # the reported figures are the full softmax's: recompute valid with the trained model
    from rnnvis.data import load_dataset
    from rnnvis.modelling.training import evaluate

    tm = load_trained("sampled")
    full = evaluate(tm.config, tm.model, load_dataset(tm.config), "valid")
    assert full["loss"] == pytest.approx(result.metrics["valid_loss"], rel=1e-4)
    assert result.metrics["test_perplexity"] < len(tm.vocab) / 2
    bad = write_config(tmp_path, "toomany", train={"sampled_softmax": 6})
    with pytest.raises(UserError, match="train.sampled_softmax: got 6; it must be below the "
                                        "vocabulary size 6"):
        train_from_config(bad, progress=False, log=lambda *_: None)


def test_classifier_learns_keyword_sentiment(tmp_path):
    write_reviews(tmp_path)
    path = write_config(tmp_path, "senti", task="classification",
                        data={"dataset": "csv", "path": "reviews.csv", "split":
                              {"train": 0.6, "valid": 0.2, "test": 0.2}},
                        model={"cell": "gru", "layers": [8], "embedding_size": 8},
                        train={"batch_size": 16, "epochs": 8,
                               "optimizer": {"name": "adam", "learning_rate": 0.03}})
    result = train_from_config(path, progress=False, log=lambda *_: None)
    assert result.metrics["test_accuracy"] >= 0.9


def test_model_store_contents_and_force(tmp_path, rnnvis_home):
    path = write_config(tmp_path, "stored")
    train_from_config(path, epochs=1, max_steps=2, progress=False, log=lambda *_: None)
    mdir = model_dir("stored")
    assert mdir.root == rnnvis_home / "models" / "stored"
    for f in (mdir.config_path, mdir.vocab_path, mdir.weights_path, mdir.history_path,
              mdir.metrics_path):
        assert f.exists(), f
    assert load_config(mdir.config_path).to_dict() == load_config(path).to_dict()
    assert not [p for p in mdir.root.rglob(".tmp-*")]
    with pytest.raises(ValueError, match="already exists.*--force"):
        train_from_config(path, epochs=1, max_steps=2, progress=False, log=lambda *_: None)
    train_from_config(path, epochs=1, max_steps=2, force=True, progress=False, log=lambda *_: None)
    rows = model_rows()
    assert [r["name"] for r in rows] == ["stored"] and rows[0]["status"] == "trained"


def test_resume_equals_uninterrupted_training(tmp_path):
    straight = write_config(tmp_path, "straight", train={
        "batch_size": 8, "seq_length": 16, "epochs": 3, "optimizer": {"name": "adam", "learning_rate": 0.01}})
    train_from_config(straight, progress=False, log=lambda *_: None)
    text = straight.read_text().replace("straight", "resumed")
    resumed = tmp_path / "resumed.yaml"
    resumed.write_text(text)
    train_from_config(resumed, epochs=1, progress=False, log=lambda *_: None)
    train_from_config(resumed, resume=True, progress=False, log=lambda *_: None)
    a, b = load_trained("straight").model, load_trained("resumed").model
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-5)
    assert len(json.loads(model_dir("resumed").history_path.read_text())) == 3


def _cli(*args, env=None, **kw):
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=ROOT, **kw)


def test_resume_after_kill_9(tmp_path, rnnvis_home):
    path = write_config(tmp_path, "killed", data={"dataset": "counting", "level": "char",
                                                  "num_samples": 3000, "max_count": 8},
                        train={"batch_size": 8, "seq_length": 16, "epochs": 3,
                               "optimizer": {"name": "adam", "learning_rate": 0.01}})
    env = {**os.environ, "RNNVIS_HOME": str(rnnvis_home)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "train", str(path), "--quiet"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = model_dir("killed").checkpoints / "state.json"
    deadline = time.time() + 120
    while not state.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = json.loads(state.read_text())["epochs_done"]
    assert 1 <= done < 3, "the run should be killed after its first epoch"
    first_epoch = json.loads(state.read_text())["history"][0]
    assert model_dir("killed").status() == "training"
    res = _cli("train", path, "--quiet", env=env)
    assert res.returncode == 2 and "--resume" in res.stderr
    res = _cli("train", path, "--resume", "--quiet", env=env)
    assert res.returncode == 0, res.stderr
    assert f"resuming killed after epoch {done}" in res.stdout
    history = json.loads(model_dir("killed").history_path.read_text())
    assert [row["epoch"] for row in history] == [1, 2, 3]
    assert history[0] == first_epoch  # finished epochs were not redone
    assert model_dir("killed").status() == "trained"


def test_cli_exit_codes_and_messages(tmp_path, rnnvis_home):
    env = {**os.environ, "RNNVIS_HOME": str(rnnvis_home)}
    res = _cli("validate", *sorted((ROOT / "config").glob("*.yaml")), env=env)
    assert res.returncode == 0, res.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntask: language_model\ndata: {dataset: ptb}\n"
                   "model: {cell: lstmm, layers: [4], embedding_size: 2, dropot: 0}\n")
    res = _cli("validate", bad, env=env)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{bad}: model.") for line in lines)
    assert "Traceback" not in res.stderr
    res = _cli("train", bad, env=env)
    assert res.returncode == 2 and "Traceback" not in res.stderr and "did you mean 'lstm'" in res.stderr
    res = _cli("train", tmp_path / "missing.yaml", env=env)
    assert res.returncode == 2 and res.stderr.strip() == f"error: {tmp_path / 'missing.yaml'}: no such file"
    res = _cli("train", bad, "--epochs", "0", env=env)
    assert res.returncode == 2 and "--epochs: got 0; expected an integer >= 1" in res.stderr
    res = _cli("frobnicate", env=env)
    assert res.returncode == 2 and "invalid choice" in res.stderr
    res = _cli("models", env=env)
    assert res.returncode == 0 and "no models yet" in res.stdout
    for cmd in ([], ["validate"], ["train"], ["models"], ["demo"]):
        res = _cli(*cmd, "--help", env=env)
        assert res.returncode == 0 and "usage:" in res.stdout
