"""Synthetic character-level tasks whose solution mechanism is known (after Edwin Chen's
"Exploring LSTMs"). Every sequence is one line; tokens are single characters and case is
always preserved (``A`` and ``a`` differ), whatever ``data.lowercase`` says.

* ``counting``: a^n X b^n, e.g. ``aaaXbbb``
* ``selective_counting``: n a's with 0..n X's mixed in anywhere among them, then Y, then
  b^n, e.g. ``aaXaXaaYbbbbb`` (only the a's count)
* ``state_memory``: A or B, then 1..max_count x's, then Y, then the first letter in
  lowercase, e.g. ``AxxxxYa``
* ``copy``: a string over {a, b, c} of length 1..max_count, X, the same string: ``abcXabc``

n (or the length) is uniform in 1..max_count. Generation uses ``random.Random(seed)``, so
the same seed gives the same sequences.
"""

from __future__ import annotations

import random
from typing import Callable

from rnnvis.modelling.config import DataConfig

from .corpus import LMCorpus, build_lm_corpus
from ..errors import DatasetError
from .splits import cap, check_fractions, contiguous_split
from .tokenize import tokenizer_for

__all__ = ["generate", "load_synthetic", "TASKS"]


def _counting(rng: random.Random, max_count: int) -> str:
    n = rng.randint(1, max_count)
    return "a" * n + "X" + "b" * n


def _selective_counting(rng: random.Random, max_count: int) -> str:
    n = rng.randint(1, max_count)
    chars = ["a"] * n
    for _ in range(rng.randint(0, n)):
        chars.insert(rng.randint(0, len(chars)), "X")
    return "".join(chars) + "Y" + "b" * n


def _state_memory(rng: random.Random, max_count: int) -> str:
    first = rng.choice("AB")
    return first + "x" * rng.randint(1, max_count) + "Y" + first.lower()


def _copy(rng: random.Random, max_count: int) -> str:
    s = "".join(rng.choice("abc") for _ in range(rng.randint(1, max_count)))
    return s + "X" + s


TASKS: dict[str, Callable[[random.Random, int], str]] = {
    "counting": _counting,
    "selective_counting": _selective_counting,
    "state_memory": _state_memory,
    "copy": _copy,
}


def generate(task: str, num_samples: int, max_count: int, seed: int) -> list[str]:
    """``num_samples`` sequences of ``task``, deterministic in ``seed``."""
    if task not in TASKS:
        raise DatasetError(f"data.dataset: unknown synthetic task {task!r}; "
                           f"choose from {', '.join(TASKS)}")
    if num_samples < 1 or max_count < 1:
        raise DatasetError(f"data.num_samples and data.max_count must be >= 1; "
                           f"got {num_samples} and {max_count}")
    rng = random.Random(seed)
    make = TASKS[task]
    return [make(rng, max_count) for _ in range(num_samples)]


def load_synthetic(data: DataConfig, vocab=None) -> LMCorpus:
    """Generate, split into consecutive blocks by ``data.split`` (the sequences are
    independent draws), cap each split at ``max_documents`` and encode."""
    seqs = generate(data.dataset, data.num_samples, data.max_count, data.seed)
    lines = {s: cap(v, data.max_documents)
             for s, v in contiguous_split(seqs, check_fractions(data.split)).items()}
    return build_lm_corpus(lines, tokenizer_for(data), data.min_freq, data.max_vocab,
                           data.dataset, {"num_samples": data.num_samples,
                                          "max_count": data.max_count}, vocab=vocab)
