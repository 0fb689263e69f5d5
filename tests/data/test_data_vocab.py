"""Vocabulary: ordering, min_freq, max_vocab, <unk>, OOV counting, persistence."""

import json
import os
from collections import Counter

import numpy as np
import pytest

from rnnvis.data import DatasetError, Vocabulary

LINES = [
    "the cat sat on the mat".split(),
    "the dog sat on the log".split(),
    "a cat and a dog".split(),
    "zebra <unk> yak".split(),
]


def flat(lines):
    return [w for line in lines for w in line]


def test_specials_then_frequency_then_alphabetical():
    v = Vocabulary.build(LINES)
    assert v.words[:2] == ("<pad>", "<unk>")
    counts = Counter(flat(LINES))
    rest = v.words[2:]
    assert set(rest) == set(counts) - {"<unk>"}
    keys = [(-counts[w], w) for w in rest]
    assert keys == sorted(keys)
    assert [v.counts[v.id(w)] for w in rest] == [counts[w] for w in rest]


def test_counts_add_up_to_train_tokens_and_unk_collects_dropped_words():
    v = Vocabulary.build(LINES, min_freq=2)
    counts = Counter(flat(LINES))
    assert all(counts[w] >= 2 for w in v.words[2:])
    dropped = sum(c for w, c in counts.items() if c < 2 and w != "<unk>")
    assert v.counts[1] == counts["<unk>"] + dropped
    assert sum(v.counts) == len(flat(LINES))
    assert v.counts[0] == 0


def test_max_vocab_counts_unk_and_reserved_but_not_pad():
    v = Vocabulary.build(LINES, max_vocab=5, reserved=("<eos>",))
    assert len(v) == 6
    assert v.words[2] == "<eos>" and v.counts[2] == 0
    full = Vocabulary.build(LINES)
    assert v.words[3:] == full.words[2:5]
    assert sum(v.counts) == len(flat(LINES))
    with pytest.raises(DatasetError, match="max_vocab"):
        Vocabulary.build(LINES, max_vocab=1, reserved=("<eos>",))


def test_reserved_token_keeps_its_place_even_when_frequent():
    v = Vocabulary.build([["<eos>"] * 10, ["x"]], reserved=("<eos>",))
    assert v.words == ("<pad>", "<unk>", "<eos>", "x")
    assert v.counts == (0, 0, 10, 1)


def test_build_accepts_a_flat_token_iterable():
    assert Vocabulary.build(iter(flat(LINES))) == Vocabulary.build(LINES)


def test_encode_decode_id_and_oov():
    v = Vocabulary.build(LINES, min_freq=2)
    tokens = "the zebra sat <unk> quietly".split()
    ids = v.encode(tokens)
    assert ids.dtype == np.int32 and ids.shape == (5,)
    assert v.id("zebra") == 1 and v.id("quietly") == 1 and v.id("<unk>") == 1
    assert v.decode(ids) == ["the", "<unk>", "sat", "<unk>", "<unk>"]
    assert v.count_oov(tokens) == 2  # zebra, quietly; the literal <unk> is not OOV
    assert v.encode([]).shape == (0,)


def test_save_load_round_trip_is_atomic(tmp_path):
    v = Vocabulary.build(LINES, reserved=("<eos>",))
    path = v.save(tmp_path / "sub" / "vocab.json")
    assert sorted(os.listdir(path.parent)) == ["vocab.json"]  # no temp file left
    w = Vocabulary.load(path)
    assert w == v and w.words == v.words and w.counts == v.counts
    assert w.encode(flat(LINES)).tolist() == v.encode(flat(LINES)).tolist()
    assert Vocabulary.from_dict(json.loads(path.read_text())) == v
    v2 = Vocabulary.build(LINES[:1])
    v2.save(path)  # replaces the old file
    assert Vocabulary.load(path) == v2
    plain = path.parent / "plain.txt"
    plain.write_text("x")            # a file made the usual way: mode from the umask
    assert path.stat().st_mode == plain.stat().st_mode, "not mkstemp's private 0600"


def test_load_and_from_dict_errors(tmp_path):
    with pytest.raises(DatasetError, match="nope.json: no such vocabulary file"):
        Vocabulary.load(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(DatasetError, match="bad.json: cannot read vocabulary"):
        Vocabulary.load(bad)
    bad.write_text(json.dumps({"words": ["a", "b"], "counts": [1, 2]}))
    with pytest.raises(DatasetError, match="bad.json: vocabulary must start with"):
        Vocabulary.load(bad)
    with pytest.raises(DatasetError, match="more than once"):
        Vocabulary(("<pad>", "<unk>", "x", "x"), (0, 0, 1, 1))
    with pytest.raises(DatasetError, match="counts"):
        Vocabulary.from_dict({"words": ["<pad>", "<unk>"], "counts": [0]})
