"""Split arithmetic: sizes by fractions, at least one item per split, determinism."""

import pytest

from rnnvis.data import DatasetError
from rnnvis.data.splits import check_fractions, contiguous_split, shuffled_split, split_sizes

FRACTIONS = {"train": 0.8, "valid": 0.1, "test": 0.1}


@pytest.mark.parametrize("n", [3, 4, 7, 10, 38, 101, 33530])
def test_sizes_sum_to_n_are_near_the_fractions_and_never_empty(n):
    sizes = split_sizes(n, FRACTIONS)
    assert sum(sizes.values()) == n
    assert min(sizes.values()) >= 1
    if n >= 30:
        assert all(abs(sizes[s] - n * f) < 1 for s, f in FRACTIONS.items())


def test_small_n_may_leave_splits_empty():
    assert sum(split_sizes(2, FRACTIONS).values()) == 2


def test_contiguous_and_shuffled_splits_partition_the_items():
    items = list(range(50))
    blocks = contiguous_split(items, FRACTIONS)
    assert blocks["train"] + blocks["valid"] + blocks["test"] == items
    mixed = shuffled_split(items, FRACTIONS, seed=4)
    assert sorted(mixed["train"] + mixed["valid"] + mixed["test"]) == items
    assert mixed == shuffled_split(items, FRACTIONS, seed=4)
    assert mixed != shuffled_split(items, FRACTIONS, seed=5)


def test_fractions_must_cover_all_splits():
    with pytest.raises(DatasetError, match="data.split"):
        check_fractions({"train": 0.9, "valid": 0.1})
