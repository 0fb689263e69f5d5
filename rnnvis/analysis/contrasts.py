"""Contrasts: two sets of corpus positions to tell apart, or a per-token target to follow.

==============  ============================================  ==================================
kind            side a                                        side b
==============  ============================================  ==================================
``words``       input is word ``a``                           input is word ``b``
``word``        input is word ``a``                           every other position
``pair``        input ``a`` followed by ``b`` (003's pairs)   input ``a`` followed by another
``pattern``     positions matching pattern ``a``              pattern ``b``, or the rest
``class``       last token of documents of class ``a``        of class ``b`` (or every other)
``class_tokens``every token of documents of class ``a``       ... of class ``b`` (or other)
``target``      per-token target ``a`` (``position``,         (none: scored by correlation)
                ``depth O C``, ``count X [Y]``)
==============  ============================================  ==================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParamError
from .positions import Stream, match_pattern, parse_pattern, parse_target, segment_starts, \
    target_values

__all__ = ["CONTRASTS", "Contrast", "contrast", "stream_of", "suggested_contrasts"]

CONTRASTS = ("words", "word", "pair", "pattern", "class", "class_tokens", "target")
CONTRAST_HELP = {
    "words": "word a vs word b at the input",
    "word": "word a vs every other input",
    "pair": "input a followed by b vs input a followed by anything else (input -> output)",
    "pattern": "positions matching pattern a vs pattern b (empty b: the rest)",
    "class": "final states of documents of class a vs class b (empty b: the other classes)",
    "class_tokens": "every token of documents of class a vs class b (empty b: the others)",
    "target": "follow a per-token target a: position | depth O C | count X [Y]",
}


@dataclass(frozen=True)
class Contrast:
    """Either two sorted position arrays (``pos_a``, ``pos_b``) or a ``target`` over all
    positions, with readable labels for each side."""

    kind: str
    label_a: str
    label_b: str | None
    pos_a: np.ndarray | None = None
    pos_b: np.ndarray | None = None
    target: np.ndarray | None = None


def stream_of(ev) -> Stream:
    """The token stream of an evaluation, with its sentences or documents as segments."""
    tokens = ev.store.tokens
    offsets = ev.store.dataset("doc_offsets")
    words = tuple(ev.tm.vocab.words)
    eos = ev.tm.vocab.id("<eos>") if offsets is None and "<eos>" in words else None
    return Stream(tokens, segment_starts(tokens, eos, offsets), words)


def _need(value, param, what):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ParamError(f"{param}: missing; expected {what}", param=param)
    return value


def _nonempty(mask_or_pos, param, what):
    pos = np.flatnonzero(mask_or_pos) if mask_or_pos.dtype == bool else mask_or_pos
    if len(pos) == 0:
        raise ParamError(f"{param}: no position of the split matches {what}", param=param)
    return pos


def _class_index(ev, name, param):
    classes = list(ev.tm.classes or [])
    if name not in classes:
        raise ParamError(f"{param}: got {name!r}; expected a class of {ev.tm.name!r}: "
                         f"{', '.join(map(str, classes))}", param=param)
    return classes.index(name)


def _classes(ev, kind, a, b):
    if ev.cfg.task != "classification":
        raise ParamError(f"rank: {kind!r} needs a classifier; {ev.tm.name!r} is a "
                         f"language model", param="rank")
    labels = ev.store.dataset("labels")
    offsets = ev.store.dataset("doc_offsets")
    ca = _class_index(ev, _need(a, "a", "a class name"), "a")
    cb = None if b is None or not str(b).strip() else _class_index(ev, b, "b")
    side_a = labels == ca
    side_b = labels == cb if cb is not None else labels != ca
    lengths = np.diff(offsets)
    if kind == "class":
        final = offsets[1:] - 1
        keep = lengths > 0
        pos_a, pos_b = final[side_a & keep], final[side_b & keep]
    else:
        doc = np.repeat(np.arange(len(lengths)), lengths)
        pos_a, pos_b = np.flatnonzero(side_a[doc]), np.flatnonzero(side_b[doc])
    label_b = f"class {b}" if cb is not None else f"not class {a}"
    return Contrast(kind, f"class {a}", label_b,
                    _nonempty(np.sort(pos_a), "a", f"class {a!r}"),
                    _nonempty(np.sort(pos_b), "b", label_b))


def contrast(ev, kind: str, a: str | None, b: str | None) -> Contrast:
    """The positions (or target) of a contrast on evaluation ``ev``; ParamError names the
    parameter at fault (an unknown word, a pattern that does not parse, an empty side, a
    class contrast on a language model)."""
    if kind not in CONTRASTS:
        raise ParamError(f"rank: got {kind!r}; expected one of: {', '.join(CONTRASTS)}",
                         param="rank")
    if kind in ("class", "class_tokens"):
        return _classes(ev, kind, a, b)
    stream = stream_of(ev)
    tokens = stream.tokens
    if kind == "target":
        target = parse_target(_need(a, "a", "a target: position, depth O C or count X [Y]"))
        return Contrast(kind, str(a), None, target=target_values(stream, target))
    if kind in ("words", "word", "pair"):
        wa = stream.ids(_need(a, "a", "a word"), "a")
        if kind == "word":
            hit = tokens == wa
            return Contrast(kind, a, f"not {a}", _nonempty(hit, "a", f"word {a!r}"),
                            _nonempty(~hit, "b", f"any word but {a!r}"))
        wb = stream.ids(_need(b, "b", "a word"), "b")
        if kind == "words":
            return Contrast(kind, a, b, _nonempty(tokens == wa, "a", f"word {a!r}"),
                            _nonempty(tokens == wb, "b", f"word {b!r}"))
        nxt = np.concatenate([tokens[1:], [-1]])
        base = (tokens == wa) & (np.arange(len(tokens)) < len(tokens) - 1)
        return Contrast(kind, f"{a} -> {b}", f"{a} -> not {b}",
                        _nonempty(base & (nxt == wb), "a", f"{a!r} followed by {b!r}"),
                        _nonempty(base & (nxt != wb), "b", f"{a!r} followed by anything but {b!r}"))
    hit_a = match_pattern(stream, parse_pattern(_need(a, "a", "a pattern"), "a"), "a")
    if b is None or not b.strip():
        return Contrast(kind, a, f"not ({a})", _nonempty(hit_a, "a", f"pattern {a!r}"),
                        _nonempty(~hit_a, "b", f"the rest of pattern {a!r}"))
    hit_b = match_pattern(stream, parse_pattern(b, "b"), "b")
    return Contrast(kind, a, b, _nonempty(hit_a, "a", f"pattern {a!r}"),
                    _nonempty(hit_b, "b", f"pattern {b!r}"))


#: the contrast that finds each synthetic task's known mechanism (a counter, an A/B memory, the
#: copy phase), as the Units view offers it
_MECHANISMS = {
    "counting": ("the count: a's minus b's so far", "target", "count a b", None),
    "selective_counting": ("the count: a's minus b's so far", "target", "count a b", None),
    "state_memory": ("remembering A vs B over the x's", "pattern", "x after A", "x after B"),
    "copy": ("copying (after X) vs reading", "pattern", "!<eos> after X", None),
}


def suggested_contrasts(task: str, dataset: str, classes=None) -> list[dict]:
    """Contrasts worth trying first for a model: its task's known mechanism, the position in
    the sentence, and for classifiers the first two classes."""
    out = []
    if dataset in _MECHANISMS:
        label, rank, a, b = _MECHANISMS[dataset]
        out.append({"label": label, "rank": rank, "a": a, "b": b})
    out.append({"label": "position in the sentence", "rank": "target", "a": "position", "b": None})
    if task == "classification" and classes and len(classes) >= 2:
        out.append({"label": f"class {classes[0]} vs {classes[1]} (final states)", "rank": "class",
                    "a": str(classes[0]), "b": str(classes[1])})
    elif task == "language_model":
        out.append({"label": "end of sentence vs the rest", "rank": "word", "a": "<eos>", "b": None})
    return out
