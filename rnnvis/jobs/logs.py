"""A job's log, capped: ``log.txt`` grows to ``max_bytes``, then becomes ``log.1.txt`` (replacing
the older part) and a new ``log.txt`` starts. A job never keeps more than twice the cap."""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["CappedLog", "read_log", "LOG_BYTES", "CURRENT", "ROTATED"]

#: the default cap of one log file
LOG_BYTES = 1 << 20
CURRENT, ROTATED = "log.txt", "log.1.txt"
_ROTATED_NOTE = "[log rotated {when}: the part before is in {rotated}, anything older was dropped]\n"


class CappedLog:
    """Append lines to ``folder/log.txt``, rotating at ``max_bytes`` (a longer line is cut)."""

    def __init__(self, folder: str | Path, max_bytes: int = LOG_BYTES):
        if max_bytes < 1024:
            raise ValueError(f"max_bytes: got {max_bytes}; expected at least 1024")
        self.folder, self.max_bytes = Path(folder), int(max_bytes)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / CURRENT
        self._fh = open(self.path, "ab")  # noqa: SIM115 - closed in close()
        self.size = self._fh.tell()

    def write(self, text: str) -> None:
        """Append ``text`` (one or more lines) and flush, so readers see it at once."""
        data = text.encode("utf-8", errors="replace")
        if len(data) > self.max_bytes // 2:
            data = data[: self.max_bytes // 2 - 20] + b" [line cut]\n"
        if self.size + len(data) > self.max_bytes:
            self._rotate()
        self._fh.write(data)
        self._fh.flush()
        self.size += len(data)

    def _rotate(self) -> None:
        self._fh.close()
        self.path.replace(self.folder / ROTATED)
        self._fh = open(self.path, "wb")  # noqa: SIM115
        note = _ROTATED_NOTE.format(when=time.strftime("%Y-%m-%d %H:%M:%S"), rotated=ROTATED)
        self._fh.write(note.encode())
        self.size = len(note)

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


def read_log(folder: str | Path, tail: int | None = None) -> str:
    """The log of a job (the rotated part first); only its last ``tail`` lines if given."""
    folder = Path(folder)
    text = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in (folder / ROTATED, folder / CURRENT) if p.exists())
    if tail is not None:
        lines = text.splitlines(keepends=True)
        text = "".join(lines[-tail:]) if tail else ""
    return text
