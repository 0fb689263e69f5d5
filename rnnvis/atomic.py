"""Atomic file writes: write a temporary file beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["atomic_path", "atomic_dir", "publish", "temp_path", "leftovers", "write_text",
           "write_json", "read_json"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()   # what open() would give a new file (mkstemp gives 0600)


def temp_path(target: str | os.PathLike, suffix: str = "") -> Path:
    """A new empty temporary file beside ``target`` (a ``.tmp-`` name that nothing reads)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{target.name}-", suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(tmp)


def leftovers(target: str | os.PathLike) -> list[Path]:
    """The temporary files and folders that writes of ``target`` killed outright left beside it
    (``.tmp-NAME-`` and the 8 random characters of :func:`temp_path` or :func:`atomic_dir`; not
    those of another name that starts with NAME)."""
    target = Path(target)
    name = re.compile(rf"\.tmp-{re.escape(target.name)}-[a-z0-9_]{{8}}(?:\.[A-Za-z0-9.]+)?")
    folder = target.parent
    return sorted(p for p in folder.iterdir() if name.fullmatch(p.name)) if folder.is_dir() else []


def publish(tmp: str | os.PathLike, target: str | os.PathLike, replace: bool = True) -> Path:
    """Flush ``tmp`` to disk, give it a new file's usual mode and rename it onto ``target``.

    With ``replace`` False an existing ``target`` is kept and FileExistsError raised (the file
    is linked into place, so two writers cannot both find the name free)."""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(tmp, _FILE_MODE)
    if replace:
        os.replace(tmp, target)
    else:
        os.link(tmp, target)
        os.unlink(tmp)
    return Path(target)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str = "", replace: bool = True):
    """Yield a temporary path in the target's folder; rename it onto ``target`` on success.

    ``suffix`` keeps an extension some writers insist on (e.g. ``.weights.h5``); ``replace``
    False keeps an existing target (see :func:`publish`). On an exception, or a kill, the
    target is untouched and the temporary file is removed (or left with a ``.tmp-`` name that
    nothing reads).
    """
    tmp = temp_path(target, suffix)
    try:
        yield tmp
        publish(tmp, target, replace)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike, replace: bool = False):
    """Yield a new temporary folder beside ``target``; on success it takes ``target``'s place.

    An existing ``target`` is kept unless ``replace`` (then it is swapped out and deleted
    after the rename). On an exception, or a kill, ``target`` is untouched and the temporary
    folder (a ``.tmp-`` name that nothing reads) is removed or left behind.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
        old = None
        if target.exists():
            if not replace:
                raise FileExistsError(target)
            old = Path(tempfile.mkdtemp(prefix=f".old-{target.name}-", dir=target.parent))
            os.replace(target, old / target.name)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_text(target: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``target`` atomically (UTF-8)."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_json(target: str | os.PathLike, data) -> None:
    """Write ``data`` as indented JSON to ``target`` atomically."""
    write_text(target, json.dumps(data, indent=2, sort_keys=False) + "\n")


def read_json(path: str | os.PathLike, default=None):
    """Read JSON from ``path``; ``default`` when the file does not exist."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
