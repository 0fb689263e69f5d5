"""Deterministic train/valid/test splitting by fractions."""

from __future__ import annotations

import math
import random
from typing import Mapping, Sequence, TypeVar

from ..errors import DatasetError
from ..params import SPLITS

__all__ = ["SPLITS", "split_sizes", "contiguous_split", "shuffled_split", "stratified_split", "cap"]

T = TypeVar("T")


def split_sizes(n: int, fractions: Mapping[str, float], min_each: int = 1) -> dict[str, int]:
    """Sizes summing to ``n``, nearest to ``n * fraction`` (largest remainder, ties in order).

    With ``min_each`` (default 1), each split gets at least that many items when ``n`` allows.
    """
    names = list(fractions)
    total = sum(fractions.values())
    raw = [n * fractions[s] / total for s in names]
    sizes = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(names)), key=lambda i: (-(raw[i] - sizes[i]), i))
    for i in by_remainder[:n - sum(sizes)]:
        sizes[i] += 1
    if n >= min_each * len(names):
        for i in range(len(names)):
            while sizes[i] < min_each:
                donor = max(range(len(names)), key=lambda j: (sizes[j], -j))
                sizes[donor] -= 1
                sizes[i] += 1
    return dict(zip(names, sizes))


def contiguous_split(items: Sequence[T], fractions: Mapping[str, float]) -> dict[str, list[T]]:
    """Consecutive blocks in split order: the first ``train`` fraction, then valid, then test."""
    out, start = {}, 0
    for name, size in split_sizes(len(items), fractions).items():
        out[name] = list(items[start:start + size])
        start += size
    return out


def shuffled_split(items: Sequence[T], fractions: Mapping[str, float], seed: int) -> dict[str, list[T]]:
    """Shuffle a copy of ``items`` with ``seed``, then cut it into consecutive blocks."""
    items = list(items)
    random.Random(seed).shuffle(items)
    return contiguous_split(items, fractions)


def stratified_split(labels: Sequence, fractions: Mapping[str, float], seed: int) -> dict[str, list[int]]:
    """Indices per split, each label split by ``fractions`` separately; order shuffled by ``seed``."""
    rng = random.Random(seed)
    by_label: dict = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    out: dict[str, list[int]] = {name: [] for name in fractions}
    for label in sorted(by_label, key=str):
        idx = by_label[label]
        rng.shuffle(idx)
        start = 0
        for name, size in split_sizes(len(idx), fractions).items():
            out[name].extend(idx[start:start + size])
            start += size
    for name in out:
        rng.shuffle(out[name])
    return out


def cap(items: Sequence[T], max_documents: int | None) -> list[T]:
    """The first ``max_documents`` items (all of them when it is None)."""
    return list(items if max_documents is None else items[:max_documents])


def check_fractions(fractions: Mapping[str, float]) -> dict[str, float]:
    """``fractions`` in train/valid/test order; DatasetError unless all three are > 0."""
    missing = [s for s in SPLITS if s not in fractions]
    if missing or any(fractions[s] <= 0 for s in SPLITS):
        raise DatasetError(f"data.split: got {dict(fractions)}; expected fractions > 0 for "
                           f"train, valid and test")
    return {s: float(fractions[s]) for s in SPLITS}
