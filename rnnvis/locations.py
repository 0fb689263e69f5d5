"""Where rnnvis keeps things: the workspace, the config folder and the bundled example configs.

In a checkout (the repository, or ``pip install -e .`` of it) the defaults are ``workspace/``
and ``config/`` at the repository root. Installed with pip, they are ``workspace/`` and
``config/`` in the current directory. ``$RNNVIS_HOME`` and ``$RNNVIS_CONFIG_DIR`` override both.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["checkout", "workspace", "imports_dir", "config_dir", "example_configs"]

PACKAGE = Path(__file__).resolve().parent


def checkout() -> Path | None:
    """The repository root when rnnvis runs from a checkout, else None (an installed package)."""
    root = PACKAGE.parent
    return root if (root / "pyproject.toml").is_file() and (root / "manage.py").is_file() else None


def _default(folder: str) -> Path:
    return (checkout() or Path.cwd()) / folder


def workspace() -> Path:
    """The artifact folder: ``$RNNVIS_HOME``, else ``workspace/`` (see the module docstring)."""
    home = os.environ.get("RNNVIS_HOME")
    return Path(home) if home else _default("workspace")


def imports_dir() -> Path:
    """The files a browser user uploads for an import job: ``imports/`` of the workspace, next
    to ``models/``."""
    return workspace() / "imports"


def config_dir() -> Path:
    """The config folder: ``$RNNVIS_CONFIG_DIR``, else ``config/`` (see the module docstring)."""
    env = os.environ.get("RNNVIS_CONFIG_DIR")
    return Path(env) if env else _default("config")


def example_configs() -> Path:
    """The configs rnnvis ships (the demo's among them): the checkout's ``config/``, or their
    copy installed with the package (``rnnvis/configs/``)."""
    root = checkout()
    return root / "config" if root else PACKAGE / "configs"
