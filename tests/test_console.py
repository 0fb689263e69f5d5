"""The command line as a user meets it: `python -m rnnvis`, --version, quiet by default (no
TensorFlow log lines, no warnings), everything with --verbose, progress bars only on a terminal."""

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import warnings
from pathlib import Path

import pytest

from rnnvis import __version__, console
from rnnvis.cli import main

ROOT = Path(__file__).resolve().parents[1]
#: what TensorFlow's C++ logging prints while it is imported (absl, oneDNN, CPU features)
TF_LOG = re.compile(r"absl::InitializeLog|oneDNN|cpu_feature_guard|^[IWE]\d{4} ", re.M)


def _env(home) -> dict:
    """The environment of a user's shell: no TF_CPP_MIN_LOG_LEVEL (conftest sets one)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "RNNVIS_VERBOSE")}
    return {**env, "RNNVIS_HOME": str(home), "PYTHONPATH": str(ROOT)}


def _rnnvis(args, home, **kw):
    return subprocess.run([sys.executable, "-m", "rnnvis", *args], cwd=ROOT, env=_env(home),
                          capture_output=True, text=True, timeout=300, **kw)


def _in_a_terminal(args, home) -> tuple[int, str]:
    """Run ``python -m rnnvis ARGS`` with stdout and stderr on a pseudo-terminal; its output."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))   # 100 columns
    proc = subprocess.Popen([sys.executable, "-m", "rnnvis", *args], cwd=ROOT, env=_env(home),
                            stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 300)
            if not ready:
                break
            try:
                data = os.read(leader, 65536)
            except OSError:   # EIO: the process closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
        code = proc.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def own_home(home, tmp_path):
    """A copy of the trained test workspace that a test may re-evaluate."""
    copy = tmp_path / "home"
    shutil.copytree(home / "models" / "lm", copy / "models" / "lm")
    return copy


def test_version_and_help_name_the_program(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"rnnvis {__version__}"
    assert main(["--help"], prog="rnnvis") == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: rnnvis [-h] [--version] [--verbose] COMMAND")
    assert "--verbose" in out and "models" in out


def test_python_dash_m_is_the_same_command_line(tmp_path):
    result = _rnnvis(["--version"], tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, f"rnnvis {__version__}")
    result = _rnnvis(["models"], tmp_path / "empty")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.strip() == ("no models yet; `python -m rnnvis demo` trains the demo "
                                     "models, `python -m rnnvis train CONFIG` one model")
    result = _rnnvis(["modelz"], tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("python -m rnnvis: error: argument "
                                                               "COMMAND: invalid choice: 'modelz'")


def test_models_prints_the_table_and_no_tensorflow_log_line(home):
    result = _rnnvis(["models"], home)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.splitlines()[0].split()[:3] == ["name", "cell", "layers"]
    assert {line.split()[0] for line in result.stdout.splitlines()[2:]} == {"cls", "lm"}


def test_a_command_that_runs_tensorflow_is_quiet_off_a_terminal(own_home):
    """Off a terminal: no TensorFlow log line, no warning, no progress bar; one summary line."""
    result = _rnnvis(["evaluate", "lm", "--force", "--dtype", "float32"], own_home)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and re.match(r"lm: recorded [\d,]+ tokens in [\d.]+ s \(", lines[0])


def test_training_a_classifier_is_quiet_off_a_terminal(tmp_path):
    """Training prints its lines (data, one per epoch, the final metrics) and nothing from
    TensorFlow, which logs an ERROR-level oneDNN line while a GRU classifier trains."""
    from tests.conftest import _config

    path = _config(tmp_path, "quiet-cls", "gru", "classification")
    result = _rnnvis(["train", str(path), "--max-steps", "2"], tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["loading", "data:", "epoch", "final:"]


def test_verbose_on_a_terminal_shows_tensorflow_and_the_progress_bar(own_home):
    """The other side of the quiet test: the same command on a terminal draws a progress bar,
    and with --verbose shows TensorFlow's own lines (so the quiet test could fail)."""
    code, out = _in_a_terminal(["evaluate", "lm", "--force", "--dtype", "float32", "--verbose"],
                               own_home)
    assert code == 0, out
    assert TF_LOG.search(out), out[:2000]
    assert re.search(r"recording: +\d+%\|", out), out[-2000:]
    assert "lm: recorded" in out


def test_quiet_warnings_unless_verbose():
    with console.quiet_warnings():
        warnings.warn("hidden", UserWarning)   # pytest turns warnings into errors elsewhere
    old = console.set_verbose(True)
    try:
        with pytest.raises(UserWarning, match="shown"), console.quiet_warnings():
            warnings.warn("shown", UserWarning)
    finally:
        console.set_verbose(old)


def test_main_restores_the_verbose_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNVIS_HOME", str(tmp_path))
    assert console.verbose() is False
    assert main(["--verbose", "models"]) == 0
    assert console.verbose() is False


TF_IMPORT_LINES = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1796213856.006109   26621 port.cc:153] oneDNN custom operations are on.\n"
    "I0000 00:00:1796213856.046695   26621 cpu_feature_guard.cc:227] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.\n"
    "E0000 00:00:1796214778.011577    5551 util.cc:131] oneDNN supports DT_BOOL only on ...\n")


def test_tensorflows_import_lines_are_dropped_and_the_rest_comes_out_after(capfd):
    with console.tensorflow_logs_dropped():
        os.write(2, TF_IMPORT_LINES.encode())
        os.write(2, b"a warning from another thread\n")
        assert capfd.readouterr().err == ""          # held while the block runs
    assert capfd.readouterr().err == "a warning from another thread\n"
    assert all(console.TF_LOG_LINE.match(line) for line in TF_IMPORT_LINES.splitlines())
    with pytest.raises(RuntimeError, match="import failed"), console.tensorflow_logs_dropped():
        os.write(2, TF_IMPORT_LINES.encode() + b"why it failed\n")
        raise RuntimeError("import failed")
    assert capfd.readouterr().err == TF_IMPORT_LINES + "why it failed\n"
