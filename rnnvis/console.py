"""What rnnvis prints: quiet by default, everything with ``--verbose`` (or ``RNNVIS_VERBOSE=1``).

Quiet means: TensorFlow's C++ log lines (oneDNN, absl, CPU features) are dropped while
TensorFlow is imported (anything else written meanwhile comes out after the import), its later
C++ and Python logs are off, Python warnings are ignored while a command runs, and progress
bars are drawn only on a terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
import warnings

__all__ = ["verbose", "set_verbose", "import_tensorflow", "tensorflow_logs_dropped",
           "quiet_warnings", "progress_bar", "TF_LOG_LINE"]

_VERBOSE = os.environ.get("RNNVIS_VERBOSE", "") not in ("", "0")


def verbose() -> bool:
    """True when everything should be shown."""
    return _VERBOSE


def set_verbose(flag: bool) -> bool:
    """Show everything (True) or stay quiet (False); return the previous setting."""
    global _VERBOSE
    old, _VERBOSE = _VERBOSE, bool(flag)
    return old


#: the lines TensorFlow's C++ logging writes while it is imported (absl's format, its preamble,
#: the second line of the CPU-features message)
TF_LOG_LINE = re.compile(r"^(?:[IWEF]\d{4} [\d:.]+ +\d+ [\w.-]+:\d+\] |WARNING: All log messages "
                         r"before absl::InitializeLog\(\)|To enable the following instructions:)")


@contextlib.contextmanager
def tensorflow_logs_dropped():
    """Hold what is written to file descriptor 2 (C and C++ code, and Python's stderr) while the
    block runs; then write it out without TensorFlow's log lines. If the block raises,
    everything is written out, so a failure keeps its explanation."""
    sys.stderr.flush()
    saved = os.dup(2)
    failed = False
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            lines = held.read().decode("utf-8", "replace").splitlines(keepends=True)
            kept = lines if failed else [line for line in lines if not TF_LOG_LINE.match(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def import_tensorflow():
    """Import TensorFlow (as Keras's backend) the quiet way, once; return the module.

    Every rnnvis module that needs Keras or TensorFlow imports it after calling this.
    """
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    if _VERBOSE:
        import tensorflow as tf

        return tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")   # C++ logs after the import (e.g. oneDNN's
    # "supports DT_BOOL only on ..." ERROR line while a classifier trains); errors still raise
    with tensorflow_logs_dropped():   # the import's own lines ignore that variable (absl, oneDNN)
        import tensorflow as tf
    for name in ("tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return tf


@contextlib.contextmanager
def quiet_warnings():
    """Ignore Python warnings while the block runs, unless verbose."""
    if _VERBOSE:
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def progress_bar(total: int, desc: str, enabled: bool = True):
    """A tqdm bar counting tokens, drawn only on a terminal (and only if ``enabled``); elsewhere
    it counts silently and the caller prints one summary line."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="tok", unit_scale=True, leave=False,
                dynamic_ncols=True, disable=None if enabled else True)
