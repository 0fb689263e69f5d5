"""Shared fixtures: every test runs with its own temporary RNNVIS_HOME."""

import contextlib
import os

import numpy as np
import pytest
import yaml

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@pytest.fixture(autouse=True)
def rnnvis_home(tmp_path_factory, monkeypatch):
    """A fresh, empty workspace for each test."""
    home = tmp_path_factory.mktemp("rnnvis_home")
    monkeypatch.setenv("RNNVIS_HOME", str(home))
    return home


def _config(tmp, name, cell, task):
    raw = {"name": name, "task": task,
           "model": {"cell": cell, "layers": [7, 5], "embedding_size": 4},
           "train": {"batch_size": 8, "seq_length": 12, "epochs": 1,
                     "optimizer": {"name": "adam", "learning_rate": 0.01}}}
    if task == "language_model":
        raw["data"] = {"dataset": "selective_counting", "num_samples": 200, "max_count": 6}
    else:
        words = ["good", "bad", "film", "plot", "the", "very"]
        rng = np.random.default_rng(1)
        lines = ["text,label"] + [
            f"{' '.join(rng.choice(words, rng.integers(2, 9)))},{('neg', 'pos')[i % 2]}" for i in range(120)]
        (tmp / "docs.csv").write_text("\n".join(lines) + "\n")
        raw["data"] = {"dataset": "csv", "path": "docs.csv"}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@contextlib.contextmanager
def _workspace(root):
    """RNNVIS_HOME set to ``root`` while a session fixture builds models there."""
    old = os.environ.get("RNNVIS_HOME")
    os.environ["RNNVIS_HOME"] = str(root)
    try:
        yield root
    finally:
        if old is None:
            os.environ.pop("RNNVIS_HOME", None)
        else:
            os.environ["RNNVIS_HOME"] = old


@pytest.fixture(scope="session")
def home(tmp_path_factory):
    """A workspace with a trained 2-layer LSTM language model and a GRU classifier."""
    root = tmp_path_factory.mktemp("eval_home")
    with _workspace(root):
        for name, cell, task in (("lm", "lstm", "language_model"), ("cls", "gru", "classification")):
            from rnnvis.recording.evaluation import evaluate_model
            from rnnvis.modelling.manager import train_from_config

            train_from_config(_config(root, name, cell, task), max_steps=4, progress=False,
                              log=lambda *_: None)
            evaluate_model(name, "test", dtype="float32", progress=False)
    return root


@pytest.fixture
def use_home(home, monkeypatch):
    monkeypatch.setenv("RNNVIS_HOME", str(home))
    return home


def _sentiment_config(tmp, name):
    """A classifier on documents whose class is in their words (it learns them in seconds)."""
    rng = np.random.default_rng(3)
    cue = {"pos": ["good", "great", "love"], "neg": ["bad", "awful", "hate"]}
    filler = ["the", "film", "plot", "a", "is", "very", "and", "it"]
    lines = ["text,label"]
    for i in range(400):
        label = ("neg", "pos")[i % 2]
        words = list(rng.choice(filler, rng.integers(3, 9))) + list(rng.choice(cue[label], 2))
        rng.shuffle(words)
        lines.append(f"{' '.join(words)},{label}")
    (tmp / f"{name}.csv").write_text("\n".join(lines) + "\n")
    raw = {"name": name, "task": "classification",
           "data": {"dataset": "csv", "path": f"{name}.csv"},
           "model": {"cell": "gru", "layers": [8], "embedding_size": 8},
           "train": {"batch_size": 16, "epochs": 4, "optimizer": {"name": "adam", "learning_rate": 0.02}}}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.fixture(scope="session")
def pair_home(home, tmp_path_factory):
    """A workspace for comparisons: ``lm`` (copied from ``home``), ``lm-gru`` (a GRU on the same
    data, so the same vocabulary and tokens), ``cls`` (another vocabulary), ``lm`` also evaluated
    on ``valid`` with --no-store, and ``senti``, a GRU classifier that separates its classes."""
    import shutil

    root = tmp_path_factory.mktemp("pair_home")
    for name in ("lm", "cls"):
        shutil.copytree(home / "models" / name, root / "models" / name)
    with _workspace(root):
        from rnnvis.modelling.manager import train_from_config
        from rnnvis.recording.evaluation import evaluate_model

        path = _config(root, "lm-gru", "gru", "language_model")
        train_from_config(path, max_steps=4, progress=False, log=lambda *_: None)
        evaluate_model("lm-gru", "test", dtype="float32", progress=False)
        evaluate_model("lm", "valid", store=False, progress=False)
        train_from_config(_sentiment_config(root, "senti"), progress=False, log=lambda *_: None)
        evaluate_model("senti", "test", dtype="float32", progress=False)
    return root


@pytest.fixture
def use_pair_home(pair_home, monkeypatch):
    monkeypatch.setenv("RNNVIS_HOME", str(pair_home))
    return pair_home
