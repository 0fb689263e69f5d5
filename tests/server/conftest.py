"""Fixtures of the server tests."""

import pytest


@pytest.fixture
def config_folder(tmp_path, monkeypatch):
    """A temporary config folder (RNNVIS_CONFIG_DIR) with one valid and one invalid config."""
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "good.yaml").write_text(
        "name: good\ntask: language_model\ndata: {dataset: ptb}\n"
        "model: {cell: lstm, layers: [4], embedding_size: 2}\n")
    (folder / "bad.yaml").write_text(
        "name: bad\ntask: language_model\ndata: {dataset: ptb}\n"
        "model:\n  cell: lstmm\n  layers: [4]\n  embedding_size: 2\n")
    monkeypatch.setenv("RNNVIS_CONFIG_DIR", str(folder))
    return folder
