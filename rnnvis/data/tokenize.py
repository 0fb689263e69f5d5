"""Tokenisers: the exact per-line tokenisation each dataset uses (reused on typed text).

* PTB (word level): the text is already tokenised, so split on whitespace; with
  ``lowercase``, lowercase every token except PTB's own ``N`` (number) marker and
  ``<unk>``/``<eos>``; a plain number (``1,000``, ``3.5``) becomes ``N`` as in the corpus.
* Synthetic tasks: characters, case always preserved (``A`` and ``a`` differ in
  ``state_memory``), whatever ``lowercase`` says.
* Everything else, word level: :func:`word_tokenize` (regex; see there).
* Everything else, char level: every character, including single spaces (runs of
  whitespace collapse to one space).
"""

from __future__ import annotations

import re
from typing import Callable

from rnnvis.modelling.config import SYNTHETIC_DATASETS, DataConfig

__all__ = ["tokenizer_for", "word_tokenize", "char_tokenize", "ptb_tokenize", "clean_text"]

Tokenizer = Callable[[str], list]

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "--", "\u00a0": " "})
_HTML_BREAK = re.compile(r"<\s*br\s*/?\s*>|<\s*/?\s*(?:i|b|em|p|hr)\s*/?\s*>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")

_L = r"[^\W_]"  # a letter or digit (\w without underscore)
_WORD = re.compile(rf"""
    <(?:unk|eos)>                                   # markers already in the text
  | (?<![^\W_])'(?:tis|twas|twere|twill|twould|gainst|tween|twixt|mongst|em|scape)(?!{_L})
  | \d+(?:[.,:]\d+)*(?:st|nd|rd|th|s)?(?!['-]?{_L})  # numbers: 1,000  3.5  21st  1990s
  | {_L}+(?:['-]{_L}+)*(?:(?<=\bth)'|(?<=\b[io])')? # words: don't, o'er, co-writer, th'
  | \.\.+|--+|[^\w\s]                               # punctuation, one token per mark
""", re.VERBOSE | re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PTB_KEEP = frozenset({"N", "<unk>", "<eos>"})


def clean_text(text: str) -> str:
    """Normalise curly quotes and dashes, turn ``<br />``-style tags into spaces."""
    return _HTML_BREAK.sub(" ", text.translate(_QUOTES))


def word_tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Regex word tokeniser: words (with inner ``'``/``-``: don't, o'er, co-writer),
    elisions ('tis, th'), numbers (1,000, 3.5, 21st), and each punctuation mark
    (``..`` runs and ``--`` runs stay whole) as its own token."""
    text = clean_text(text)
    if lowercase:
        text = text.lower()
    return _WORD.findall(text)


def char_tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Characters of ``text`` with whitespace runs collapsed to one space, ends stripped."""
    text = _SPACES.sub(" ", clean_text(text)).strip()
    return list(text.lower() if lowercase else text)


def ptb_tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Whitespace split of PTB-style text; numbers become ``N``; lowercase keeps ``N``."""
    out = []
    for tok in text.split():
        if _NUMBER.fullmatch(tok):
            tok = "N"
        elif lowercase and tok not in _PTB_KEEP:
            tok = tok.lower()
        out.append(tok)
    return out


def _raw_chars(text: str) -> list[str]:
    """Synthetic sequences: every character, nothing changed."""
    return list(text.strip())


def tokenizer_for(data_cfg: DataConfig) -> Tokenizer:
    """The tokeniser the loader applies to each line/document of ``data_cfg``'s dataset."""
    if data_cfg.dataset in SYNTHETIC_DATASETS:
        return _raw_chars
    lower = bool(data_cfg.lowercase)
    if data_cfg.level == "char":
        return lambda text: char_tokenize(text, lower)
    if data_cfg.dataset == "ptb":
        return lambda text: ptb_tokenize(text, lower)
    return lambda text: word_tokenize(text, lower)
