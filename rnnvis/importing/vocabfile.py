"""An imported model's vocabulary: read from a file, then aligned with rnnvis's ids.

Formats, by extension:

* ``.json``: a list of tokens (id = position), ``{"token": id, ...}``, or an rnnvis
  ``vocab.json`` (``{"words": [...]}``);
* ``.dict`` (LSTMVis): one ``token id`` pair per line;
* anything else: text, one token per line, id = line number from 0 (an empty line is the
  empty token, e.g. Keras TextVectorization's padding).

rnnvis keeps padding at id 0 and the unknown word at id 1. :func:`align` finds them under
their usual names (``<pad>``, ``""``, ``[PAD]``; ``<unk>``, ``[UNK]``, ``<oov>``), moves
them there, renames them ``<pad>``/``<unk>`` and adds whichever is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..data.vocab import PAD, UNK, Vocabulary
from ..errors import ModelImportError

__all__ = ["read_tokens", "align", "PAD_NAMES", "UNK_NAMES"]

PAD_NAMES = ("<pad>", "<PAD>", "[PAD]", "", "<blank>")
UNK_NAMES = ("<unk>", "<UNK>", "[UNK]", "<oov>", "[OOV]", "<OOV>")


def _from_ids(pairs: list[tuple[str, int]], path: Path) -> tuple[list[str], int]:
    """Tokens ordered by id from (token, id) pairs; ids must be 0..n-1 or 1..n, each once."""
    ids = sorted(i for _, i in pairs)
    base = ids[0] if ids else 0
    if ids != list(range(base, base + len(ids))) or base not in (0, 1):
        raise ModelImportError(f"{path}: ids must run 0..{len(ids) - 1} (or 1..{len(ids)}) "
                               f"without gaps or repeats; got {len(ids)} ids from {ids[0] if ids else '-'} "
                               f"to {ids[-1] if ids else '-'}")
    out = [""] * len(ids)
    for token, i in pairs:
        out[i - base] = token
    return out, base


def read_tokens(path: str | Path, with_first_id: bool = False):
    """The tokens of a vocabulary file, by id (see the module docstring for formats); with
    ``with_first_id``, also the id of the first token (1 for a 1-based ``.dict``, else 0)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelImportError(f"{path}: no such vocabulary file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelImportError(f"{path}: cannot read the vocabulary: {exc.__class__.__name__}") from None
    suffix, first = path.suffix.lower(), 0
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelImportError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from None
        if isinstance(data, dict) and isinstance(data.get("words"), list):
            data = data["words"]
        if isinstance(data, list) and all(isinstance(t, str) for t in data):
            tokens = data
        elif isinstance(data, dict) and all(isinstance(i, int) and not isinstance(i, bool)
                                            for i in data.values()):
            tokens, first = _from_ids(list(data.items()), path)
        else:
            raise ModelImportError(f"{path}: expected a JSON list of tokens or an object "
                                   "{token: id}")
    elif suffix == ".dict":
        pairs = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            token, _, ident = line.rstrip("\r").rpartition(" ")
            if not ident.lstrip("-").isdigit():
                raise ModelImportError(f"{path}: line {n}: expected 'token id', got {line[:60]!r}")
            pairs.append((token, int(ident)))
        tokens, first = _from_ids(pairs, path)
    else:
        tokens = text.split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()     # the final newline ends the last line
        tokens = [t.rstrip("\r") for t in tokens]
    if not tokens:
        raise ModelImportError(f"{path}: the vocabulary is empty")
    seen: dict[str, int] = {}
    for i, t in enumerate(tokens):
        if t in seen:
            raise ModelImportError(f"{path}: token {t!r} has ids {seen[t]} and {i}; each token "
                                   "may appear once")
        seen[t] = i
    return (tokens, first) if with_first_id else tokens


def _find(tokens: list[str], names: tuple[str, ...]) -> int:
    index = {t: i for i, t in enumerate(tokens)}
    return next((index[n] for n in names if n in index), -1)


def align(tokens: list[str], counts=None) -> tuple[Vocabulary, np.ndarray]:
    """An rnnvis :class:`Vocabulary` and ``order``: its id ``i`` was ``order[i]`` in ``tokens``
    (-1 for an added ``<pad>`` or ``<unk>``). ``counts`` (per source id) become its counts."""
    pad, unk = _find(tokens, PAD_NAMES), _find(tokens, UNK_NAMES)
    rest = [i for i in range(len(tokens)) if i not in (pad, unk)]
    order = np.array([pad, unk] + rest, np.int64)
    words = (PAD, UNK) + tuple(tokens[i] for i in rest)
    clash = [w for w in words[2:] if w in (PAD, UNK)]
    if clash:  # e.g. '<PAD>' was taken as padding and a literal '<pad>' is a word too
        raise ModelImportError(f"the vocabulary lists {clash[0]!r} besides its padding or "
                               "unknown token; rename one of them")
    src = np.zeros(len(tokens), np.int64) if counts is None else np.asarray(counts, np.int64)
    new_counts = [int(src[i]) if i >= 0 else 0 for i in order]
    return Vocabulary(words, tuple(new_counts)), order
