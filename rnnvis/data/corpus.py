"""Corpus containers and the shared steps that turn text into them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from ..errors import DatasetError
from .splits import SPLITS
from .vocab import EOS, Vocabulary

__all__ = ["LMCorpus", "ClassificationCorpus", "build_lm_corpus", "build_classification_corpus"]


def _rate(oov: int, tokens: int) -> float:
    return oov / tokens if tokens else 0.0


@dataclass
class LMCorpus:
    """A language-model corpus: one int32 token stream per split, ``<eos>`` after every line.

    ``doc_offsets[split][i]`` is where line/document ``i`` starts in ``splits[split]``;
    ``oov[split]`` counts tokens that became ``<unk>`` without being ``<unk>`` in the text.
    """

    vocab: Vocabulary
    splits: dict[str, np.ndarray]
    doc_offsets: dict[str, np.ndarray]
    oov: dict[str, int]
    dataset: str = ""
    info: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """Tokens and lines per split, vocabulary size, OOV counts and rates."""
        tokens = {s: int(len(a)) for s, a in self.splits.items()}
        return {"dataset": self.dataset, "task": "language_model", "vocab_size": len(self.vocab),
                "tokens": tokens, "documents": {s: int(len(o)) for s, o in self.doc_offsets.items()},
                "oov": dict(self.oov), "oov_rate": {s: _rate(self.oov[s], tokens[s]) for s in tokens},
                **self.info}

    def document(self, split: str, i: int) -> np.ndarray:
        """Token ids of line/document ``i`` of ``split``, its ``<eos>`` included."""
        offsets = self.doc_offsets[split]
        end = offsets[i + 1] if i + 1 < len(offsets) else len(self.splits[split])
        return self.splits[split][offsets[i]:end]


@dataclass
class ClassificationCorpus:
    """Labelled documents: per split a list of int32 id arrays and an int64 label array."""

    vocab: Vocabulary
    classes: tuple[str, ...]
    splits: dict[str, tuple[list[np.ndarray], np.ndarray]]
    oov: dict[str, int]
    dataset: str = ""
    info: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """Documents, tokens and label counts per split, vocabulary size, OOV counts and rates."""
        tokens = {s: int(sum(len(d) for d in docs)) for s, (docs, _) in self.splits.items()}
        return {"dataset": self.dataset, "task": "classification", "vocab_size": len(self.vocab),
                "classes": list(self.classes),
                "documents": {s: len(docs) for s, (docs, _) in self.splits.items()},
                "tokens": tokens,
                "label_counts": {s: np.bincount(y, minlength=len(self.classes)).tolist()
                                 for s, (_, y) in self.splits.items()},
                "oov": dict(self.oov), "oov_rate": {s: _rate(self.oov[s], tokens[s]) for s in tokens},
                **self.info}


def _check_nonempty(dataset: str, split: str, n: int, what: str, sources: Mapping | None) -> None:
    if n == 0:
        origin = f" (from {sources[split]})" if sources and split in sources else ""
        raise DatasetError(f"{dataset}: split {split!r}{origin} has no {what}; use more data, "
                           f"other data.split fractions or a larger data.max_documents")


def build_lm_corpus(lines: Mapping[str, Sequence[str]], tokenize: Callable[[str], list],
                    min_freq: int = 1, max_vocab: int | None = None, dataset: str = "",
                    info: dict | None = None, sources: Mapping[str, str] | None = None,
                    vocab: Vocabulary | None = None) -> LMCorpus:
    """Tokenise each line, append ``<eos>``, build the vocabulary on train, encode every split.

    A given ``vocab`` (an imported model's) is used as is instead. Lines that tokenise to
    nothing are skipped. ``sources`` (split -> file) is only used
    to name the file in the error for an empty split.
    """
    tokenized: dict[str, list[list[str]]] = {}
    for split in SPLITS:
        toks = [t for t in map(tokenize, lines.get(split, ())) if t]
        _check_nonempty(dataset, split, len(toks), "non-empty lines", sources)
        tokenized[split] = toks
    if vocab is None:
        vocab = Vocabulary.build(([*t, EOS] for t in tokenized["train"]),
                                 min_freq=min_freq, max_vocab=max_vocab, reserved=(EOS,))
    streams, offsets, oov = {}, {}, {}
    for split, toks in tokenized.items():
        lengths = np.fromiter((len(t) + 1 for t in toks), dtype=np.int64, count=len(toks))
        offsets[split] = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        flat = [w for t in toks for w in (*t, EOS)]
        streams[split] = vocab.encode(flat)
        oov[split] = vocab.count_oov(flat)
    return LMCorpus(vocab, streams, offsets, oov, dataset, dict(info or {}))


def build_classification_corpus(docs: Mapping[str, tuple[Sequence[str], Sequence[int]]],
                                classes: Sequence[str], tokenize: Callable[[str], list],
                                min_freq: int = 1, max_vocab: int | None = None,
                                max_length: int | None = None, dataset: str = "",
                                info: dict | None = None,
                                sources: Mapping[str, str] | None = None,
                                vocab: Vocabulary | None = None) -> ClassificationCorpus:
    """Tokenise and truncate each document, build the vocabulary on train (or use ``vocab``),
    encode every split.

    The vocabulary counts only the tokens the model sees (after truncation to
    ``max_length``). Documents that tokenise to nothing are skipped and counted in
    ``info['skipped_empty']``. ``sources`` (split -> file) names the file in the error for
    an empty split.
    """
    tokenized: dict[str, tuple[list[list[str]], list[int]]] = {}
    skipped = 0
    for split in SPLITS:
        texts, labels = docs.get(split, ((), ()))
        kept_t, kept_y = [], []
        for text, label in zip(texts, labels):
            toks = tokenize(text)
            if not toks:
                skipped += 1
                continue
            kept_t.append(toks[:max_length] if max_length else toks)
            kept_y.append(int(label))
        _check_nonempty(dataset, split, len(kept_t), "non-empty documents", sources)
        tokenized[split] = (kept_t, kept_y)
    if vocab is None:
        vocab = Vocabulary.build(tokenized["train"][0], min_freq=min_freq, max_vocab=max_vocab)
    splits, oov = {}, {}
    for split, (toks, labels) in tokenized.items():
        splits[split] = ([vocab.encode(t) for t in toks], np.asarray(labels, dtype=np.int64))
        oov[split] = sum(vocab.count_oov(t) for t in toks)
    info = {**(info or {}), "skipped_empty": skipped}
    return ClassificationCorpus(vocab, tuple(classes), splits, oov, dataset, info)
