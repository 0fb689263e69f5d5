"""Synthetic tasks: grammar of every sequence, determinism, case, splits."""

import dataclasses
import re
from collections import Counter

import pytest

from rnnvis.modelling.config import parse_config
from rnnvis.data import DatasetError, LMCorpus, generate_synthetic, load_dataset


def make_cfg(dataset, **data):
    return parse_config({"name": "t", "task": "language_model", "data": {"dataset": dataset, **data},
                         "model": {"cell": "lstm", "layers": [8], "embedding_size": 4}})


def n_of(task, s):
    """The count n of a sequence, checking the task's grammar on the way."""
    if task == "counting":
        m = re.fullmatch(r"(a+)X(b+)", s)
        assert m and len(m[1]) == len(m[2]), s
        return len(m[1])
    if task == "selective_counting":
        m = re.fullmatch(r"([aX]+)Y(b+)", s)
        assert m and m[1].count("a") == len(m[2]) and m[1].count("X") <= len(m[2]), s
        return len(m[2])
    if task == "state_memory":
        m = re.fullmatch(r"([AB])(x+)Y([ab])", s)
        assert m and m[3] == m[1].lower(), s
        return len(m[2])
    if task == "copy":
        m = re.fullmatch(r"([abc]+)X([abc]+)", s)
        assert m and m[1] == m[2], s
        return len(m[1])
    raise AssertionError(task)


TASKS = ["counting", "selective_counting", "state_memory", "copy"]


@pytest.mark.parametrize("task", TASKS)
def test_grammar_and_counts(task):
    seqs = generate_synthetic(task, 600, 7, seed=5)
    ns = Counter(n_of(task, s) for s in seqs)
    assert set(ns) == set(range(1, 8))  # uniform over 1..max_count: every n appears
    assert max(ns.values()) < 3 * min(ns.values())


@pytest.mark.parametrize("task", TASKS)
def test_deterministic_in_seed(task):
    assert generate_synthetic(task, 50, 10, seed=1) == generate_synthetic(task, 50, 10, seed=1)
    assert generate_synthetic(task, 50, 10, seed=1) != generate_synthetic(task, 50, 10, seed=2)


def test_mixing_varies():
    seqs = generate_synthetic("selective_counting", 300, 10, seed=0)
    assert any(s.startswith("X") for s in seqs) and any("aXa" in s for s in seqs)
    assert any("X" not in s for s in seqs)
    assert Counter(s[0] for s in generate_synthetic("state_memory", 300, 10, seed=0)).keys() == {"A", "B"}
    assert set("".join(generate_synthetic("copy", 300, 10, seed=0))) == set("abcX")


@pytest.mark.parametrize("task", TASKS)
def test_corpus_keeps_case_and_splits_sequences(task):
    cfg = make_cfg(task, num_samples=200, max_count=6, seed=9, lowercase=True)
    corpus = load_dataset(cfg)
    assert isinstance(corpus, LMCorpus)
    seqs = generate_synthetic(task, 200, 6, seed=9)
    sizes = {s: len(o) for s, o in corpus.doc_offsets.items()}
    assert sizes == {"train": 160, "valid": 20, "test": 20}
    decoded = corpus.vocab.decode(corpus.splits["train"])
    lines = "".join(w if w != "<eos>" else "\n" for w in decoded).split("\n")[:-1]
    assert lines == seqs[:160]
    assert all(len(w) == 1 for w in corpus.vocab.words[3:])
    valid = "".join(w if w != "<eos>" else "\n" for w in corpus.vocab.decode(corpus.splits["valid"]))
    assert valid.split("\n")[:-1] == seqs[160:180]
    assert corpus.oov["train"] == 0


def test_max_documents_caps_each_split():
    corpus = load_dataset(make_cfg("copy", num_samples=100, max_documents=7))
    assert {s: len(o) for s, o in corpus.doc_offsets.items()} == {"train": 7, "valid": 7, "test": 7}


def test_too_few_samples_and_wrong_task_are_dataset_errors():
    with pytest.raises(DatasetError, match=r"counting: split 'valid' has no non-empty lines"):
        load_dataset(make_cfg("counting", num_samples=2))
    cfg = dataclasses.replace(make_cfg("copy"), task="classification")
    with pytest.raises(DatasetError, match=r"data\.dataset: 'copy' cannot be used for task"):
        load_dataset(cfg)
