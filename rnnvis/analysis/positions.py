"""Sets of corpus positions: token patterns in a small parsed grammar, and per-token targets.

A *segment* is a sentence of a language model (up to and including its ``<eos>``) or a
classifier's document. Nothing a user types is evaluated as code: patterns are parsed by
:func:`parse_pattern` into a small tree and matched with numpy.

Pattern grammar::

    pattern  := clause ( '|' clause )*               union of clauses
    clause   := tokens modifier*                      every modifier must hold
    tokens   := '*' | TOKEN | '!' TOKEN | '{' TOKEN (',' TOKEN)* '}' | '!{' ... '}'
    modifier := 'next' tokens                         the next token is in the set
              | 'prev' tokens                         the previous token is in the set
              | 'after' tokens                        one of them occurred earlier in the segment
              | 'inside' TOKEN TOKEN                  between an opening and a closing token
    TOKEN    := a word, or "a quoted word" for one with spaces or | { } , ! * "

Examples: ``x after A`` (the x's of lines that began with A), ``a next X`` (an a followed by
X), ``* inside ( )``, ``{buy,sell}``, ``!<eos> after "``.

Targets (one number per token, correlated with a unit's value): ``position`` (index in the
segment, from 0), ``depth O C`` (unclosed O before the token, C closes; O = C toggles, like
quotes), ``count X [Y]`` (running count of X, minus Y, in the segment up to the token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import ParamError

__all__ = ["Stream", "Pattern", "parse_pattern", "match_pattern", "parse_target", "target_values",
           "segment_starts"]

_LEX = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|(!?\{)|([|},*])|(!)|([^\s|{},"!*]+))')
_KEYWORDS = ("next", "prev", "after", "inside")


@dataclass(frozen=True)
class Stream:
    """The tokens of an evaluated split: ids, segment starts and the vocabulary's words."""

    tokens: np.ndarray          # int (N,)
    seg_start: np.ndarray       # bool (N,): a segment (sentence or document) begins here
    words: tuple                # id -> word

    def ids(self, word: str, param: str) -> int:
        """The id of ``word``; ParamError naming ``param`` if it is not in the vocabulary."""
        try:
            return self._index[word]
        except KeyError:
            raise ParamError(f"{param}: {word!r} is not in the vocabulary", param=param) from None

    @property
    def _index(self) -> dict:
        cache = self.__dict__.get("_index_cache")
        if cache is None:
            cache = {w: i for i, w in enumerate(self.words)}
            object.__setattr__(self, "_index_cache", cache)
        return cache


def segment_starts(tokens: np.ndarray, eos_id: int | None, doc_offsets=None) -> np.ndarray:
    """Where segments begin: after every ``<eos>`` (language models) or at document offsets."""
    n = len(tokens)
    out = np.zeros(n, dtype=bool)
    if n:
        out[0] = True
    if doc_offsets is not None:
        offsets = np.asarray(doc_offsets)
        out[offsets[(offsets >= 0) & (offsets < n)]] = True
    elif eos_id is not None:
        ends = np.flatnonzero(tokens[:-1] == eos_id)
        out[ends + 1] = True
    return out


# ------------------------------------------------------------------ parsing

@dataclass(frozen=True)
class _Set:
    words: tuple          # () with negate=True is '*'
    negate: bool


@dataclass(frozen=True)
class _Clause:
    token: _Set
    modifiers: tuple      # (kind, _Set) or ("inside", (open, close))


@dataclass(frozen=True)
class Pattern:
    """A parsed pattern: a union of clauses (see the module docstring)."""

    text: str
    clauses: tuple


def _lex(text: str, param: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _LEX.match(text, pos)
        if not m or m.end() == pos:
            raise ParamError(f"{param}: cannot read the pattern {text!r} at character {pos + 1}",
                             param=param)
        quoted, brace, punct, bang, word = m.groups()
        if quoted is not None:
            out.append(("word", re.sub(r"\\(.)", r"\1", quoted)))
        elif brace is not None:
            out.append(("brace", brace))
        elif punct is not None:
            out.append(("punct", punct))
        elif bang is not None:
            out.append(("bang", "!"))
        else:
            out.append(("kw" if word in _KEYWORDS else "word", word))
        pos = m.end()
    return out


def parse_pattern(text: str, param: str = "pattern") -> Pattern:
    """Parse ``text`` (see the grammar above); ParamError names ``param`` and the problem."""
    if not isinstance(text, str) or not text.strip():
        raise ParamError(f"{param}: got an empty pattern; expected e.g. 'x after A' or '{{a,b}}'",
                         param=param)
    toks = _lex(text, param)
    i = 0

    def fail(what):
        where = f"at {toks[i][1]!r}" if i < len(toks) else "at the end"
        raise ParamError(f"{param}: {what} {where} in {text!r}; see the pattern grammar "
                         "(README: Units)", param=param)

    def token_set():
        nonlocal i
        if i >= len(toks):
            fail("expected a token, '*', '!token' or '{a,b}'")
        kind, value = toks[i]
        if kind == "punct" and value == "*":
            i += 1
            return _Set((), True)
        if kind == "bang":
            i += 1
            if i < len(toks) and toks[i][0] == "word":
                i += 1
                return _Set((toks[i - 1][1],), True)
            fail("expected a token after '!'")
        if kind == "brace":
            negate = value.startswith("!")
            i += 1
            words = []
            while True:
                if i >= len(toks) or toks[i][0] != "word":
                    fail("expected a token in '{...}'")
                words.append(toks[i][1])
                i += 1
                if i < len(toks) and toks[i] == ("punct", ","):
                    i += 1
                    continue
                if i < len(toks) and toks[i] == ("punct", "}"):
                    i += 1
                    return _Set(tuple(words), negate)
                fail("expected ',' or '}'")
        if kind == "word":
            i += 1
            return _Set((value,), False)
        fail("expected a token, '*', '!token' or '{a,b}'")

    def single_word():
        nonlocal i
        if i < len(toks) and toks[i][0] == "word":
            i += 1
            return toks[i - 1][1]
        fail("expected a token")

    clauses = []
    while True:
        head = token_set()
        mods = []
        while i < len(toks) and toks[i][0] == "kw":
            kw = toks[i][1]
            i += 1
            if kw == "inside":
                mods.append(("inside", (single_word(), single_word())))
            else:
                mods.append((kw, token_set()))
        clauses.append(_Clause(head, tuple(mods)))
        if i == len(toks):
            break
        if toks[i] == ("punct", "|"):
            i += 1
            continue
        fail("expected 'next', 'prev', 'after', 'inside' or '|'")
    return Pattern(text, tuple(clauses))


# ------------------------------------------------------------------ matching

def _in_set(stream: Stream, s: _Set, param: str) -> np.ndarray:
    ids = np.array([stream.ids(w, param) for w in s.words], dtype=np.int64)
    hit = np.isin(stream.tokens, ids) if len(ids) else np.zeros(len(stream.tokens), bool)
    return ~hit if s.negate else hit


def _segment_ids(stream: Stream) -> np.ndarray:
    return np.cumsum(stream.seg_start) - 1


def _seen_before(stream: Stream, hit: np.ndarray) -> np.ndarray:
    """True where ``hit`` was true at an earlier position of the same segment."""
    seg = _segment_ids(stream)
    before = np.concatenate([[0], np.cumsum(hit)[:-1]])       # hits strictly before t
    first = np.flatnonzero(stream.seg_start)
    at_start = before[first][seg]                              # hits before the segment
    return before - at_start > 0


def _depth(stream: Stream, open_id: int, close_id: int) -> np.ndarray:
    """Unclosed openings before each token, within its segment (open == close toggles)."""
    t = stream.tokens
    if open_id == close_id:
        step = (t == open_id).astype(np.int64)
        before = np.concatenate([[0], np.cumsum(step)[:-1]])
        seg_first = np.flatnonzero(stream.seg_start)
        base = before[seg_first][_segment_ids(stream)]
        return (before - base) % 2
    step = (t == open_id).astype(np.int64) - (t == close_id).astype(np.int64)
    seg = _segment_ids(stream)
    first = np.flatnonzero(stream.seg_start)
    total = np.cumsum(step)
    level = total - (total - step)[first][seg]           # unclamped level after each token
    # a stray closing token opens nothing: the level is reflected at 0 (level minus the
    # lowest level so far, when that is below 0), computed per segment without a loop
    big = 4 * (len(t) + 1)
    lowest = np.minimum.accumulate(level - seg * big) + seg * big
    after = level - np.minimum(lowest, 0)
    before = np.concatenate([[0], after[:-1]])
    before[stream.seg_start] = 0
    return before


def match_pattern(stream: Stream, pattern: Pattern, param: str = "pattern") -> np.ndarray:
    """Boolean mask (N,) of the positions matching ``pattern``."""
    n = len(stream.tokens)
    out = np.zeros(n, dtype=bool)
    for clause in pattern.clauses:
        hit = _in_set(stream, clause.token, param)
        for kind, arg in clause.modifiers:
            if kind == "inside":
                hit &= _depth(stream, stream.ids(arg[0], param), stream.ids(arg[1], param)) > 0
                continue
            other = _in_set(stream, arg, param)
            if kind == "next":
                hit &= np.concatenate([other[1:], [False]])
            elif kind == "prev":
                hit &= np.concatenate([[False], other[:-1]])
            else:  # after
                hit &= _seen_before(stream, other)
        out |= hit
    return out


# ------------------------------------------------------------------ targets

def parse_target(text: str, param: str = "a") -> tuple:
    """``position`` | ``depth O C`` | ``count X [Y]`` as a tuple; ParamError otherwise."""
    parts = [m[0] or m[1] for m in re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', text or "")]
    if parts == ["position"]:
        return ("position",)
    if len(parts) == 3 and parts[0] == "depth":
        return ("depth", parts[1], parts[2])
    if len(parts) in (2, 3) and parts[0] == "count":
        return ("count", *parts[1:])
    raise ParamError(f"{param}: got {text!r}; expected a target: 'position', 'depth O C' or "
                     "'count X [Y]'", param=param)


def target_values(stream: Stream, target: tuple, param: str = "a") -> np.ndarray:
    """The per-token values (float64, N) of a parsed target."""
    seg = _segment_ids(stream)
    first = np.flatnonzero(stream.seg_start)
    if target[0] == "position":
        return (np.arange(len(stream.tokens)) - first[seg]).astype(np.float64)
    if target[0] == "depth":
        return _depth(stream, stream.ids(target[1], param), stream.ids(target[2], param)).astype(float)
    step = (stream.tokens == stream.ids(target[1], param)).astype(np.int64)
    if len(target) == 3:
        step -= (stream.tokens == stream.ids(target[2], param)).astype(np.int64)
    total = np.cumsum(step)
    before_segment = (total - step)[first][seg]
    return (total - before_segment).astype(np.float64)
