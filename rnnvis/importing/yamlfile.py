"""The small YAML files of an import (a --mapping, a --data section, LSTMVis's lstm.yml), read
safely with one-line errors."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import ModelImportError

__all__ = ["read_yaml"]


def read_yaml(path: Path, what: str, missing: str | None = None):
    """``yaml.safe_load`` of ``path``; ModelImportError names the file and ``what`` it is
    (``missing`` replaces the message for a file that does not exist)."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelImportError(missing or f"{path}: no such file ({what})") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ModelImportError(f"{path}: cannot read the {what}: {exc.__class__.__name__}") from None
