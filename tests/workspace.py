"""RNNVIS_HOME pointed at a folder for a while (fixtures that build models outside a test)."""

import contextlib
import os


@contextlib.contextmanager
def workspace(root):
    """RNNVIS_HOME set to ``root`` inside the block, restored after it."""
    old = os.environ.get("RNNVIS_HOME")
    os.environ["RNNVIS_HOME"] = str(root)
    try:
        yield root
    finally:
        if old is None:
            os.environ.pop("RNNVIS_HOME", None)
        else:
            os.environ["RNNVIS_HOME"] = old
