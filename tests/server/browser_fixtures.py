"""Fixtures for the browser tests: two tiny trained models, a config folder and a live server.

``python tests/server/browser_fixtures.py NAME CONFIG_DIR`` trains and evaluates one model into
$RNNVIS_HOME; ``prepare`` runs one such subprocess per model in parallel (TensorFlow stays out of
the pytest process).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
LSTM, GRU = "tiny-lstm", "tiny-gru"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT = 30_000  # ms; co-clustering a layer for the first time takes a moment on a busy machine


class Page(SimpleNamespace):
    """A Playwright page (``p``) with the server URL and the errors the page reported."""


def shot(page, name):
    """Save a full-page screenshot as artifacts/screenshots/NAME.png."""
    page.p.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_main(page, query=""):
    """Open the memory view of the tiny LSTM's layer 1 and wait until it is drawn."""
    from playwright.sync_api import expect

    page.p.goto(f"{page.url}/?model={LSTM}&layer=1{query}")
    svg = page.p.locator(".view-main svg.cluster-svg")
    expect(svg).to_be_visible()
    expect(page.p.locator(".view-main .canvas-body.is-loading")).to_have_count(0)
    return svg


def chip_count(svg):
    """How many memory chips an SVG shows."""
    return svg.locator("g.chip").count()

_CONFIG = """\
# A tiny {cell} language model for the browser tests.
name: {name}
task: language_model
description: browser-test {cell} on a small Penn Treebank slice
data:
  dataset: ptb
  max_vocab: 1000
  max_documents: 300
model:
  cell: {cell}
  layers: {layers}
  embedding_size: 16
train:
  batch_size: 16
  seq_length: 20
  epochs: 1
  optimizer: {{name: adam, learning_rate: 0.01}}
evaluation:
  split: test
  max_tokens: 3000
"""

MODELS = {LSTM: ("lstm", "[32, 32]"), GRU: ("gru", "[24, 16]")}


def write_configs(config_dir: Path) -> dict[str, Path]:
    """One YAML file per tiny model in ``config_dir``."""
    config_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (cell, layers) in MODELS.items():
        path = config_dir / f"{name}.yaml"
        path.write_text(_CONFIG.format(name=name, cell=cell, layers=layers))
        paths[name] = path
    return paths


def build_model(name: str, config_dir: Path, max_steps: int = 10) -> None:
    """Train and evaluate one tiny model (call with RNNVIS_HOME set)."""
    from rnnvis.recording.evaluation import evaluate_model
    from rnnvis.modelling.manager import train_from_config

    train_from_config(config_dir / f"{name}.yaml", max_steps=max_steps, progress=False,
                      log=lambda *a, **k: None)
    evaluate_model(name, progress=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(home: Path, config_dir: Path, timeout: float = 300) -> None:
    """Write the configs, then build both models in parallel subprocesses; raise with their
    output if one fails."""
    write_configs(config_dir)
    env = {**os.environ, "RNNVIS_HOME": str(home), "RNNVIS_CONFIG_DIR": str(config_dir),
           "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    procs = {name: subprocess.Popen([sys.executable, __file__, name, str(config_dir)], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for name in MODELS}
    failures = []
    for name, proc in procs.items():
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        if proc.returncode:
            failures.append(f"{name} (exit {proc.returncode}):\n{out[-3000:]}")
    if failures:
        raise RuntimeError("building the test models failed: " + "\n".join(failures))


class Server:
    """``manage.py serve`` on a free port, as a subprocess; ``stop()`` ends it by its PID."""

    def __init__(self, home: Path, config_dir: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "RNNVIS_HOME": str(home), "RNNVIS_CONFIG_DIR": str(config_dir),
               "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.log = log
        self._log_file = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 60) -> "Server":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/models", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        raise RuntimeError(f"the server did not answer within {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log_file.close()


if __name__ == "__main__":
    build_model(sys.argv[1], Path(sys.argv[2]))
