"""The user's own files: ``text`` (.txt, language model) and ``csv`` (CSV/TSV, classification).

Relative paths resolve against the config's folder (``cfg.base_dir``).

* ``text``: every non-empty line is one line of the corpus (``<eos>`` after it). With one
  file (``data.path``) the lines are cut into **contiguous blocks** -- the first
  ``split.train`` of the lines for train, then valid, then test -- so neighbouring lines
  (a paragraph, a poem) stay together and do not leak between splits; ``data.seed`` has
  no effect here.
* ``csv``: ``data.text_column`` and ``data.label_column``; TSV for ``.tsv``/``.tab``,
  otherwise the delimiter is sniffed (comma, tab, semicolon, pipe). Labels may be strings
  or integers; classes are sorted (numerically when all are integers). With one file the
  rows are split stratified by label with ``data.seed``.

With ``data.paths``, splits without a file are carved out of the train file in the same
way, using the fractions of ``data.split`` for train and the missing splits.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Callable

from rnnvis.modelling.config import DataConfig

from .corpus import ClassificationCorpus, LMCorpus, build_classification_corpus, build_lm_corpus
from ..errors import DatasetError
from .splits import SPLITS, cap, check_fractions, contiguous_split, stratified_split
from .tokenize import tokenizer_for

__all__ = ["load_text", "load_csv", "resolve_path", "read_lines", "read_table"]

_TSV_SUFFIXES = (".tsv", ".tab")


def resolve_path(path: str, base_dir: str | os.PathLike) -> Path:
    """``path`` with ``~`` expanded, relative to ``base_dir`` unless absolute."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else Path(base_dir) / p


def _open_error(path: Path, key: str, exc: Exception) -> DatasetError:
    if isinstance(exc, FileNotFoundError):
        return DatasetError(f"{path}: no such file ({key})")
    if isinstance(exc, IsADirectoryError):
        return DatasetError(f"{path}: is a folder, expected a file ({key})")
    if isinstance(exc, UnicodeDecodeError):
        return DatasetError(f"{path}: not UTF-8 text ({key}): byte {exc.start}")
    return DatasetError(f"{path}: cannot read ({key}): {exc.__class__.__name__}: {exc}")


def read_lines(path: Path, key: str = "data.path") -> list[str]:
    """Non-empty lines of a UTF-8 text file, stripped."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            return [s for s in (line.strip() for line in f) if s]
    except (OSError, UnicodeDecodeError) as exc:
        raise _open_error(path, key, exc) from None


def _delimiter(path: Path, sample: str, columns: tuple[str, ...]) -> str:
    """Tab by extension; else the delimiter whose header split holds ``columns``; else sniffed."""
    if path.suffix.lower() in _TSV_SUFFIXES:
        return "\t"
    header = sample.split("\n", 1)[0]
    for delimiter in (",", "\t", ";", "|"):
        names = [n.strip().strip('"') for n in header.split(delimiter)]
        if all(c in names for c in columns):
            return delimiter
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def read_table(path: Path, text_column: str, label_column: str,
               key: str = "data.path") -> tuple[list[str], list[str]]:
    """Texts and label strings from a CSV/TSV file with a header row."""
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            delimiter = _delimiter(path, f.read(65536), (text_column, label_column))
            f.seek(0)
            reader = csv.DictReader(f, delimiter=delimiter, skipinitialspace=True)
            header = reader.fieldnames or []
            for column, what in ((text_column, "data.text_column"), (label_column, "data.label_column")):
                if column not in header:
                    raise DatasetError(f"{path}: no column {column!r} ({what}); available columns: "
                                       f"{', '.join(map(repr, header)) or 'none (empty file)'}")
            texts, labels = [], []
            for row in reader:
                label = (row.get(label_column) or "").strip()
                if not label:
                    raise DatasetError(f"{path}: line {reader.line_num}: empty label in column "
                                       f"{label_column!r}")
                texts.append(row.get(text_column) or "")
                labels.append(label)
    except csv.Error as exc:
        raise DatasetError(f"{path}: malformed CSV ({key}): {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _open_error(path, key, exc) from None
    if not texts:
        raise DatasetError(f"{path}: no data rows ({key})")
    return texts, labels


def _sorted_classes(labels) -> tuple[str, ...]:
    """Unique labels sorted, numerically when all are integers."""
    unique = set(labels)
    try:
        return tuple(sorted(unique, key=int))
    except ValueError:
        return tuple(sorted(unique))


def _gather(data: DataConfig, base_dir, read: Callable[[Path, str], list],
            split_items: Callable[[list, dict], dict]) -> tuple[dict[str, list], dict[str, str]]:
    """Items per split from ``data.path`` or ``data.paths`` (missing splits carved from
    train), and the file each split came from."""
    fractions = check_fractions(data.split)
    if data.paths is not None:
        unknown = [k for k in data.paths if k not in SPLITS]
        if unknown or "train" not in data.paths:
            raise DatasetError(f"data.paths: expected keys among train, valid, test with train "
                               f"present; got {', '.join(data.paths) or 'none'}")
        files = {s: resolve_path(p, base_dir) for s, p in data.paths.items()}
        given = {s: read(f, f"data.paths.{s}") for s, f in files.items()}
        source, source_key = given["train"], f"{files['train']} (data.paths.train)"
        wanted = ["train"] + [s for s in SPLITS if s not in given]
    elif data.path is not None:
        files = {"train": resolve_path(data.path, base_dir)}
        given = {}
        source = read(files["train"], "data.path")
        source_key, wanted = f"{files['train']} (data.path)", list(SPLITS)
    else:
        raise DatasetError(f"data: dataset {data.dataset!r} needs data.path or data.paths")
    if len(wanted) > 1:
        if len(source) < len(wanted):
            raise DatasetError(f"{source_key}: only {len(source)} item(s); need at least "
                               f"{len(wanted)} to split into {', '.join(wanted)}")
        given.update(split_items(source, {s: fractions[s] for s in wanted}))
    sources = {s: str(files.get(s, files["train"])) for s in SPLITS}
    return given, sources


def load_text(data: DataConfig, base_dir: str | os.PathLike, vocab=None) -> LMCorpus:
    """Language-model corpus from plain-text files (one line per corpus line)."""
    lines, sources = _gather(data, base_dir, read_lines, contiguous_split)
    lines = {s: cap(v, data.max_documents) for s, v in lines.items()}
    return build_lm_corpus(lines, tokenizer_for(data), data.min_freq, data.max_vocab, "text",
                           {"files": sources}, sources, vocab=vocab)


def load_csv(data: DataConfig, base_dir: str | os.PathLike, vocab=None) -> ClassificationCorpus:
    """Classification corpus from CSV/TSV files with a text and a label column."""

    def read(path: Path, key: str) -> list[tuple[str, str]]:
        return list(zip(*read_table(path, data.text_column, data.label_column, key)))

    def split_rows(rows: list, fractions: dict) -> dict:
        idx = stratified_split([label for _, label in rows], fractions, data.seed)
        return {s: [rows[i] for i in v] for s, v in idx.items()}

    rows, sources = _gather(data, base_dir, read, split_rows)
    classes = _sorted_classes(label for r in rows.values() for _, label in r)
    ids = {c: i for i, c in enumerate(classes)}
    docs = {}
    for split, r in rows.items():
        r = cap(r, data.max_documents)
        docs[split] = ([t for t, _ in r], [ids[label] for _, label in r])
    return build_classification_corpus(docs, classes, tokenizer_for(data), data.min_freq,
                                       data.max_vocab, data.max_length, "csv",
                                       {"files": sources}, sources, vocab=vocab)
