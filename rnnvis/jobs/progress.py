"""A job's progress: the job process turns its trainer's and evaluator's events into one progress
record and loss-curve points, and prints them as prefixed JSON lines that the runner tells
apart from the log.

The record: ``phase`` (train, valid, test or evaluate), ``epoch``/``epochs`` and
``step``/``steps`` (training), ``tokens``/``total_tokens`` (evaluation), ``loss`` (the mean so
far in this phase) with ``perplexity`` (language models) or ``accuracy`` (classifiers),
``tokens_per_s``, ``fraction`` done and ``eta`` in seconds (None until it can be estimated) of
the stage (training, with its validation and test phases; or recording), ``elapsed``, and
``last_epoch`` (the latest finished epoch's train and valid figures).

An import reports ``phase`` import with its ``stage`` (reading, converting, measuring, writing,
done; ``rnnvis.importing.importer.STAGES``), ``split``, ``step`` and ``steps`` while measuring
(or rows while writing LSTMVis states), and from the end on its final ``metrics``.
"""

from __future__ import annotations

import json
import math
import time

from ..importing.importer import STAGES

__all__ = ["Reporter", "PREFIX", "parse"]

#: marks a progress line in the job process's output
PREFIX = "@rnnvis-progress "


def parse(line: str) -> dict | None:
    """The message of a progress line (``{"progress", "curve", "valid"}``), or None for a log line."""
    if not line.startswith(PREFIX):
        return None
    try:
        msg = json.loads(line[len(PREFIX):])
    except ValueError:
        return None
    return msg if isinstance(msg, dict) else None


def _metric(event: dict, out: dict) -> None:
    """Perplexity (language models) or accuracy (classifiers) of a mean loss."""
    if "accuracy" in event:
        out["accuracy"] = event["accuracy"]
    else:
        out["perplexity"] = math.exp(min(out["loss"], 50.0))


class Reporter:
    """Callable with the events of ``train(report=...)`` and ``evaluate_model(report=...)``.

    ``write(line)`` gets a progress line at most every ``interval`` seconds, and at once when
    the phase changes or an epoch ends. Between lines, the loss of every training batch is
    averaged into one curve point at the line's position (epochs as a fraction).
    """

    def __init__(self, write, interval: float = 1.0, clock=time.monotonic):
        self.write, self.interval, self.clock = write, interval, clock
        self.start = clock()
        self.last_sent = -math.inf
        self.phase = None
        self.progress: dict | None = None
        self.last_epoch: dict | None = None
        self.curve: list = []
        self.valid: list = []
        self._losses: list = []   # training batch losses since the last curve point
        self._x = 0.0             # where the last training batch is, in epochs
        self._rate_start = {}   # phase -> (clock, work done) when this process first saw it
        self._trained = None    # (clock, fraction, eta) of the last training batch
        self._stage = None      # the import's stage
        self.metrics = None     # an import's final metrics

    def __call__(self, event: dict) -> None:
        now = self.clock()
        phase = event["phase"]
        if phase == "epoch":
            self.last_epoch = {k: event[k] for k in ("epoch", "train_loss", "valid_loss",
                                                     "valid_perplexity", "valid_accuracy")
                               if k in event}
            self.valid.append([event["epoch"], event["valid_loss"]])
            self.flush()
            return
        if phase == "import":
            self.progress = self._import_record(event, now)
            if event["stage"] != self._stage or now - self.last_sent >= self.interval:
                self.flush()
            self.phase, self._stage = phase, event["stage"]
            return
        if phase == "train":
            self._losses.append(event["loss"])
            self._x = event["epoch"] - 1 + event["step"] / max(event["steps"], 1)
        self.progress = self._record(event, now)
        if self.metrics is not None:
            self.progress["metrics"] = self.metrics
        if phase != self.phase or now - self.last_sent >= self.interval:
            self.flush()
        self.phase = phase

    def _import_record(self, event: dict, now: float) -> dict:
        """An import's stage; ``fraction``: the stages done, and the part of this one that is
        (measuring: valid then test, by batch; writing LSTMVis states: by row)."""
        stage = event["stage"]
        out = {"phase": "import", "stage": stage, "elapsed": now - self.start, "eta": None}
        out.update({k: event[k] for k in ("file", "corpus", "split", "step", "steps") if k in event})
        part = 0.0
        if event.get("steps"):
            part = event["step"] / event["steps"]
            if event.get("split") in ("valid", "test"):
                part = (part + (event["split"] == "test")) / 2
        out["fraction"] = min(1.0, (STAGES.index(stage) + part) / (len(STAGES) - 1))
        if stage == "done":
            self.metrics = event.get("metrics") or {}
        if self.metrics is not None:
            out["metrics"] = self.metrics
        return out

    def _record(self, event: dict, now: float) -> dict:
        phase = event["phase"]
        out = {"phase": phase, "elapsed": now - self.start,
               "tokens_per_s": event["tokens"] / max(event["seconds"], 1e-9)}
        if phase == "evaluate":
            out.update(split=event["split"], tokens=event["tokens"], total_tokens=event["total_tokens"])
            out.update(self._estimate(phase, event["tokens"], event["total_tokens"], now))
        else:
            out.update({k: event[k] for k in ("epoch", "epochs", "step", "steps")})
            out["loss"] = event["mean_loss"]
            _metric(event, out)
        if phase == "train":
            done = (event["epoch"] - 1) * event["steps"] + event["step"]
            out.update(self._estimate(phase, done, event["epochs"] * event["steps"], now))
            self._trained = (now, out["fraction"], out["eta"])
        elif phase in ("valid", "test"):
            # part of training: the bar stays where the last batch left it, the ETA runs down
            if self._trained:
                at, fraction, eta = self._trained
                out.update(fraction=fraction, eta=None if eta is None else max(0.0, eta - (now - at)))
            else:   # a resumed run whose epochs were all done: only the final test is left
                out.update(fraction=1.0 if phase == "test" else 0.0, eta=None)
        if self.last_epoch:
            out["last_epoch"] = self.last_epoch
        return out

    def _estimate(self, phase: str, done: int, total: int, now: float) -> dict:
        """``fraction`` done and ``eta``: the rate since this process first saw ``phase`` (a
        resumed run starts part-way); in training it includes the validation after each epoch."""
        t0, d0 = self._rate_start.setdefault(phase, (now, done))
        eta = (now - t0) / (done - d0) * (total - done) if done > d0 and now > t0 else None
        return {"fraction": min(1.0, done / max(total, 1)), "eta": eta}

    def flush(self) -> None:
        """Write the current record and the curve points gathered since the last line."""
        if self._losses:
            self.curve.append([self._x, sum(self._losses) / len(self._losses)])
            self._losses = []
        if self.progress is None and not self.valid:
            return
        self.write(PREFIX + json.dumps({"progress": self.progress, "curve": self.curve,
                                        "valid": self.valid}) + "\n")
        self.curve, self.valid = [], []
        self.last_sent = self.clock()
