"""Is a synthetic task solved? The next-token loss on the positions whose answer is determined.

Per task, the targets that follow from the line so far (``rnnvis.data.synthetic``):

* counting, selective counting: every ``b`` and the ``<eos>`` (the count says when to stop);
* state memory: the letter after ``Y`` (the first letter says which);
* copy: the copied half after ``X`` and the ``<eos>``.

A line that began before a state reset (the evaluator cuts the stream into parallel streams
that start from the zero state) is left out: its beginning was never seen.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParamError
from ..recording.evaluation import open_evaluation
from .contrasts import stream_of
from .positions import match_pattern, parse_pattern

__all__ = ["DETERMINED", "determined_targets", "task_loss"]

#: per task, the positions (as a pattern of rnnvis.analysis.positions) whose next token is
#: determined by the line so far
DETERMINED = {
    "counting": "!<eos> next {b,<eos>}",
    "selective_counting": "!<eos> next {b,<eos>}",
    "state_memory": "Y",
    "copy": "X | !<eos> after X",
}


def determined_targets(ev) -> np.ndarray:
    """Mask (N,) of the positions of evaluation ``ev`` whose next token is determined, without
    lines that began before a state reset."""
    task = ev.cfg.data.dataset
    if task not in DETERMINED:
        raise ParamError(f"model {ev.tm.name!r} is trained on {task!r}, not a synthetic task "
                         f"({', '.join(DETERMINED)})", param="name")
    stream = stream_of(ev)
    mask = match_pattern(stream, parse_pattern(DETERMINED[task]))
    mask[-1:] = False
    n = np.arange(len(mask))
    line_start = np.maximum.accumulate(np.where(stream.seg_start, n, 0))
    last_reset = np.maximum.accumulate(np.where(ev.store.starts, n, 0))
    return mask & (last_reset <= line_start)


def task_loss(name: str, split: str | None = None) -> dict:
    """The mean next-token loss of model ``name`` on the determined positions of its
    evaluated split, with their count, and the loss over every position for comparison."""
    ev = open_evaluation(name, split)
    loss = ev.store.dataset("next_loss").astype(np.float64)
    mask = determined_targets(ev) & np.isfinite(loss)
    return {"model": name, "task": ev.cfg.data.dataset, "split": ev.split,
            "determined_loss": float(loss[mask].mean()), "determined_positions": int(mask.sum()),
            "loss": float(np.nanmean(loss))}
