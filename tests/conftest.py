"""Shared fixtures: every test runs with its own temporary RNNVIS_HOME."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@pytest.fixture(autouse=True)
def rnnvis_home(tmp_path_factory, monkeypatch):
    """A fresh, empty workspace for each test."""
    home = tmp_path_factory.mktemp("rnnvis_home")
    monkeypatch.setenv("RNNVIS_HOME", str(home))
    return home
