"""Sentence evaluation: any typed text -> per-token states, updates and gates of every layer."""

from __future__ import annotations

import numpy as np

from ..errors import TooLarge, UserError
from ..modelling.manager import TrainedModel
from ..params import STATE_KINDS, Param, Params

__all__ = ["evaluate_text", "to_json", "TextTooLong", "MAX_TOKENS", "SENTENCE_PARAMS"]

MAX_TOKENS = 2000
MAX_CHARS = 100_000

#: what sentence evaluation takes: the text, and optionally which fields to return
SENTENCE_PARAMS = Params(
    Param("text", "str", required=True, max_length=MAX_CHARS,
          help=f"the text, tokenised as the model's corpus was (at most {MAX_TOKENS} tokens)"),
    Param("fields", "strs", None, choices=STATE_KINDS, max_items=len(STATE_KINDS),
          help="states and gates to return (default: the states and their updates)"))


class TextTooLong(TooLarge):
    """The text has more tokens than allowed (the API answers 413)."""


def evaluate_text(tm: TrainedModel, text: str, max_tokens: int = MAX_TOKENS,
                  fields: tuple[str, ...] | None = None, next_token: bool = True) -> dict:
    """Tokenise ``text`` as the model's corpus was, run it from the zero state, and return
    tokens, OOV flags and per layer the states, their updates (``d<key>``) and the gates;
    a language model adds ``next_prob`` unless ``next_token`` is False (it costs a softmax
    over the vocabulary per token)."""
    from ..data import tokenizer_for
    from .recorder import get_recorder

    tm.require_weights("sentence evaluation")
    if not isinstance(text, str) or not text.strip():
        raise UserError("text: got an empty text; type at least one word")
    tokens = tokenizer_for(tm.config.data)(text)
    if not tokens:
        raise UserError("text: no tokens found in the text")
    if len(tokens) > max_tokens:
        raise TextTooLong(f"text: got {len(tokens)} tokens; at most {max_tokens} are allowed")
    ids = tm.vocab.encode(tokens)
    unk = tm.vocab.words[1]
    oov = [(int(i) == 1 and t != unk) for i, t in zip(ids, tokens)]
    if all(oov):
        raise UserError("text: every word is out of the vocabulary; try words from the corpus")
    rec = get_recorder(tm.model, tm.config).record_text(ids, fields=_record_fields(tm, fields),
                                                        next_token=next_token)
    layers = []
    for arrays in rec.layers:
        out = {}
        for key, arr in arrays.items():
            if key.endswith("_prev"):
                continue
            out[key] = arr
            if f"{key}_prev" in arrays:
                out[f"d{key}"] = arr - arrays[f"{key}_prev"]
        layers.append(out)
    result = {"tokens": tokens, "ids": ids.tolist(), "oov": oov, "layers": layers}
    if rec.next_prob is not None:
        result["next_prob"] = rec.next_prob
    if rec.class_probs is not None:
        result["class_probs"] = rec.class_probs[0]
        result["classes"] = tm.classes or [str(i) for i in range(len(result["class_probs"]))]
    return result


def _record_fields(tm: TrainedModel, fields) -> tuple[str, ...] | None:
    """Recorder keys for the requested fields: each state also needs its previous value."""
    from ..modelling.cells import CELL_FIELDS, state_names

    if fields is None:
        return None
    cell = tm.config.model.cell
    bad = [f for f in fields if f not in CELL_FIELDS[cell]]
    if bad or not fields:
        raise UserError(f"fields: got {list(fields)}; allowed for {cell}: {', '.join(CELL_FIELDS[cell])}")
    states = state_names(cell)
    return tuple(fields) + tuple(f"{f}_prev" for f in fields if f in states)


def to_json(value, decimals: int = 4):
    """``value`` with arrays as rounded nested lists and NaN/inf as None, ready for JSON."""
    if isinstance(value, np.ndarray):
        arr = np.round(value.astype(np.float64), decimals)
        finite = np.isfinite(arr)
        if finite.all():
            return arr.tolist()  # vectorised: no Python call per number
        out = arr.astype(object)
        out[~finite] = None
        return out.tolist()
    if isinstance(value, dict):
        return {k: to_json(v, decimals) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v, decimals) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value
