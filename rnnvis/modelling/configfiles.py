"""The config folder: list, read, validate and atomically write YAML config files."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .. import locations
from ..atomic import write_text
from .config import ConfigError, loads_config
from ..errors import NotFound, UserError
from ..params import CONFIG_FILE_PATTERN, CONFIG_FILE_TEXT

__all__ = ["config_dir", "list_configs", "read_config", "validate_text", "write_config",
           "locate_key"]

_FILE = re.compile(CONFIG_FILE_PATTERN)
MAX_BYTES = 256 * 1024


def config_dir() -> Path:
    """``$RNNVIS_CONFIG_DIR``, else ``config/`` (rnnvis.locations)."""
    return locations.config_dir()


def _path(file: str) -> Path:
    if not isinstance(file, str) or not _FILE.fullmatch(file):
        raise UserError(f"bad config file name {file!r}: use {CONFIG_FILE_TEXT}")
    return config_dir() / file


def locate_key(text: str, key: str) -> int | None:
    """The 1-based line of dotted ``key`` (e.g. ``model.cell`` or ``model.layers[1]``) in YAML
    ``text``; the deepest existing parent's line if the key itself is missing; None if unknown."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key or ""):
        if node is None:
            break
        if part.startswith("[") and isinstance(node, yaml.SequenceNode):
            i = int(part[1:-1])
            if i >= len(node.value):
                break
            node = node.value[i]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if getattr(k, "value", None) == part]
            if not match:
                break
            k, node = match[0]
            line = k.start_mark.line + 1
        else:
            break
    return line


_ERROR = re.compile(r"^(?:[^:]*: )?(?P<key>[A-Za-z_][\w.\[\]]*): (?P<msg>.*)$")
_SYNTAX = re.compile(r"YAML syntax error at line (\d+), column (\d+)")


def validate_text(text: str, file: str = "<config>") -> list[dict]:
    """Validate YAML ``text``; return errors as ``{key, message, line}`` (empty when valid)."""
    if not isinstance(text, str):
        raise UserError("text: expected a string with the YAML config")
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise UserError(f"text: config is larger than {MAX_BYTES // 1024} KiB")
    try:
        loads_config(text, file)
    except ConfigError as exc:
        out = []
        for line in exc.errors:
            body = line[len(file) + 2:] if line.startswith(f"{file}: ") else line
            syntax = _SYNTAX.search(body)
            m = _ERROR.match(body)
            if syntax:
                out.append({"key": None, "message": body, "line": int(syntax.group(1))})
            elif m and m.group("key") not in ("YAML", "top level"):
                key = m.group("key")
                out.append({"key": key, "message": body, "line": locate_key(text, key)})
            else:
                out.append({"key": None, "message": body, "line": None})
        return out
    return []


def list_configs() -> list[dict]:
    """Every config file with its validation status."""
    out = []
    folder = config_dir()
    for path in sorted(folder.glob("*.y*ml")) if folder.exists() else []:
        if not _FILE.fullmatch(path.name):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        errors = validate_text(text, path.name)
        try:
            name = (yaml.safe_load(text) or {}).get("name")
        except (yaml.YAMLError, AttributeError):
            name = None
        out.append({"file": path.name, "name": name if isinstance(name, str) else None,
                    "valid": not errors, "errors": [e["message"] for e in errors]})
    return out


def read_config(file: str) -> str:
    """The text of config ``file``."""
    path = _path(file)
    if not path.is_file():
        raise NotFound(f"no config file {file!r} in {config_dir()}")
    return path.read_text(encoding="utf-8")


def write_config(file: str, text: str) -> list[dict]:
    """Validate ``text`` and, only if valid, write it atomically; return the errors (empty = saved)."""
    path = _path(file)
    errors = validate_text(text, file)
    if not errors:
        write_text(path, text)
    return errors
