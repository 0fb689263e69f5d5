"""Fixtures of the job tests: a config folder with tiny configs, and the workspace's job store."""

import pytest
import yaml


def tiny_config(name: str, *, samples: int = 300, epochs: int = 2, **train) -> dict:
    """A tiny counting language model (a few seconds of training)."""
    return {"name": name, "task": "language_model",
            "data": {"dataset": "counting", "level": "char", "num_samples": samples, "max_count": 6},
            "model": {"cell": "lstm", "layers": [12], "embedding_size": 6},
            "train": {"batch_size": 8, "seq_length": 16, "epochs": epochs,
                      "optimizer": {"name": "adam", "learning_rate": 0.01}, **train},
            "evaluation": {"split": "test"}}


@pytest.fixture
def configs(tmp_path, monkeypatch):
    """A config folder (RNNVIS_CONFIG_DIR) with tiny.yaml, other.yaml and an invalid bad.yaml."""
    folder = tmp_path / "config"
    folder.mkdir()
    for name in ("tiny", "other"):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(tiny_config(name)))
    (folder / "bad.yaml").write_text(
        "name: bad\ntask: language_model\ndata: {dataset: counting}\n"
        "model:\n  cell: lstmm\n  layers: [4]\n  embedding_size: 2\n")
    monkeypatch.setenv("RNNVIS_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def store(rnnvis_home):
    """The job store of the test's workspace."""
    from rnnvis.jobs.store import JobStore

    return JobStore()
