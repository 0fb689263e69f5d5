"""What rnnvis prints: quiet by default, everything with ``--verbose`` (or ``RNNVIS_VERBOSE=1``).

Quiet means: TensorFlow's C++ log lines (oneDNN, absl, CPU features) are dropped while
TensorFlow is imported, its later C++ and Python logs stop at errors, Python warnings are
ignored while a command runs, and progress bars are drawn only on a terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import warnings

__all__ = ["verbose", "set_verbose", "import_tensorflow", "muted_stderr", "quiet_warnings",
           "progress_bar"]

_VERBOSE = os.environ.get("RNNVIS_VERBOSE", "") not in ("", "0")


def verbose() -> bool:
    """True when everything should be shown."""
    return _VERBOSE


def set_verbose(flag: bool) -> bool:
    """Show everything (True) or stay quiet (False); return the previous setting."""
    global _VERBOSE
    old, _VERBOSE = _VERBOSE, bool(flag)
    return old


@contextlib.contextmanager
def muted_stderr():
    """Send what C and C++ code writes to file descriptor 2 nowhere while the block runs; if the
    block raises, what was written is replayed so a failure keeps its explanation."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode("utf-8", "replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


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
    with muted_stderr():   # the import's own lines ignore that variable (absl, oneDNN)
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
