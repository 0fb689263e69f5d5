"""What each recurrent cell type carries and records; plain constants, no TensorFlow."""

from __future__ import annotations

__all__ = ["CELLS", "CELL_FIELDS", "state_names", "layer_kinds", "all_fields"]

CELLS = ("rnn", "lstm", "gru")

#: per cell, the per-layer values the recorder keeps: h for every cell; LSTM cell state c,
#: input i, forget f and output o gates and candidate g; GRU update z, reset r, candidate hh
CELL_FIELDS = {"rnn": ("h",), "lstm": ("h", "c", "i", "f", "o", "g"), "gru": ("h", "z", "r", "hh")}


def state_names(cell: str) -> tuple[str, ...]:
    """The recurrent states a layer of this cell type carries, in Keras order."""
    return ("h", "c") if cell == "lstm" else ("h",)


def layer_kinds(cell: str) -> tuple[str, ...]:
    """State kinds with responses for a cell: h (and c) updates, then the gates."""
    return CELL_FIELDS[cell]


def all_fields(cell: str) -> tuple[str, ...]:
    """Every per-layer key recorded for ``cell`` by default (gates plus previous states)."""
    return CELL_FIELDS[cell] + tuple(f"{s}_prev" for s in state_names(cell))
