"""Vocabulary: a frozen word <-> id mapping built from training tokens."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..atomic import write_text
from ..errors import DatasetError

__all__ = ["Vocabulary", "PAD", "UNK", "EOS", "PAD_ID", "UNK_ID"]

PAD = "<pad>"
UNK = "<unk>"
EOS = "<eos>"
PAD_ID = 0
UNK_ID = 1
_FORMAT = "rnnvis-vocabulary-1"


@dataclass(frozen=True)
class Vocabulary:
    """Words by id: 0 is ``<pad>``, 1 is ``<unk>``, then reserved tokens, then by train frequency.

    ``counts[i]`` is how many train tokens map to id ``i``; ``<unk>`` counts both literal
    ``<unk>`` tokens and words dropped by ``min_freq``/``max_vocab``, so ``sum(counts)`` is
    the number of train tokens the vocabulary was built from.
    """

    words: tuple[str, ...]
    counts: tuple[int, ...]
    _index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        words, counts = tuple(self.words), tuple(int(c) for c in self.counts)
        if len(words) < 2 or words[PAD_ID] != PAD or words[UNK_ID] != UNK:
            raise DatasetError(f"vocabulary must start with {PAD!r}, {UNK!r}; got {list(words[:2])}")
        if len(counts) != len(words):
            raise DatasetError(f"vocabulary has {len(words)} words but {len(counts)} counts")
        index = {w: i for i, w in enumerate(words)}
        if len(index) != len(words):
            dup = next(w for w, c in Counter(words).items() if c > 1)
            raise DatasetError(f"vocabulary lists {dup!r} more than once")
        object.__setattr__(self, "words", words)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "_index", index)

    # ------------------------------------------------------------ building

    @classmethod
    def build(cls, tokens: Iterable, min_freq: int = 1, max_vocab: int | None = None,
              reserved: Sequence[str] = ()) -> "Vocabulary":
        """Build from train tokens: an iterable of token lists (or of single tokens).

        Words seen fewer than ``min_freq`` times become ``<unk>``. ``max_vocab`` caps the
        number of entries other than ``<pad>`` (so it counts ``<unk>`` and ``reserved``):
        ``len(vocab) <= max_vocab + 1``. ``reserved`` tokens (e.g. ``<eos>``) always get ids
        2, 3, ... in the order given; the rest are ordered by count descending, then
        alphabetically.
        """
        if min_freq < 1:
            raise DatasetError(f"min_freq: got {min_freq}; expected an integer >= 1")
        counter: Counter = Counter()
        for item in tokens:
            if isinstance(item, str):
                counter[item] += 1
            else:
                counter.update(item)
        special = (PAD, UNK)
        reserved = tuple(dict.fromkeys(r for r in reserved if r not in special))
        if max_vocab is not None and max_vocab < 1 + len(reserved):
            raise DatasetError(f"max_vocab: got {max_vocab}; needs room for <unk> and "
                               f"{len(reserved)} reserved token(s)")
        ranked = sorted((w for w, c in counter.items()
                         if c >= min_freq and w not in special and w not in reserved),
                        key=lambda w: (-counter[w], w))
        if max_vocab is not None:
            ranked = ranked[:max_vocab - 1 - len(reserved)]
        words = (PAD, UNK) + reserved + tuple(ranked)
        kept = sum(counter[w] for w in words if w != UNK)
        unk = sum(counter.values()) - kept
        counts = (0, unk) + tuple(counter[w] for w in words[2:])
        return cls(words, counts)

    # ------------------------------------------------------------ lookups

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self._index

    def id(self, word: str) -> int:
        """Id of ``word``; unknown words give 1 (``<unk>``)."""
        return self._index.get(word, UNK_ID)

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Token ids as an int32 array (unknown words -> 1)."""
        get = self._index.get
        return np.fromiter((get(t, UNK_ID) for t in tokens), dtype=np.int32, count=len(tokens))

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words for ``ids`` (raises IndexError for ids outside the vocabulary)."""
        words = self.words
        return [words[int(i)] for i in ids]

    def count_oov(self, tokens: Iterable[str]) -> int:
        """How many tokens map to ``<unk>`` without literally being ``<unk>``."""
        index = self._index
        return sum(1 for t in tokens if t not in index)

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict:
        """JSON-ready dict with ``words`` and ``counts``."""
        return {"format": _FORMAT, "words": list(self.words), "counts": list(self.counts)}

    @classmethod
    def from_dict(cls, data: dict) -> "Vocabulary":
        """Inverse of :meth:`to_dict`; raises DatasetError for malformed input."""
        if not isinstance(data, dict) or not isinstance(data.get("words"), list) \
                or not isinstance(data.get("counts"), list):
            raise DatasetError("vocabulary: expected a mapping with lists 'words' and 'counts'")
        if not all(isinstance(w, str) for w in data["words"]):
            raise DatasetError("vocabulary: 'words' must all be strings")
        if not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in data["counts"]):
            raise DatasetError("vocabulary: 'counts' must all be integers >= 0")
        return cls(tuple(data["words"]), tuple(data["counts"]))

    def save(self, path: str | os.PathLike) -> Path:
        """Write JSON atomically (temp file in the same folder, then ``os.replace``)."""
        return write_text(path, json.dumps(self.to_dict(), ensure_ascii=False))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Vocabulary":
        """Read a vocabulary written by :meth:`save`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DatasetError(f"{path}: no such vocabulary file") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DatasetError(f"{path}: cannot read vocabulary: {exc}") from None
        try:
            return cls.from_dict(data)
        except DatasetError as exc:
            raise DatasetError(f"{path}: {exc}") from None
