"""Progress of a job: throttled lines, loss-curve points, fraction and ETA, computed by hand."""

import json
import math

from rnnvis.jobs.progress import PREFIX, Reporter, parse


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def _train(epoch, step, loss, mean, steps=2, epochs=2, seconds=1.0):
    return {"phase": "train", "epoch": epoch, "epochs": epochs, "step": step, "steps": steps,
            "loss": loss, "mean_loss": mean, "tokens": 100 * step, "seconds": seconds}


def _reporter():
    lines, clock = [], Clock()
    rep = Reporter(lambda line: lines.append(parse(line)), interval=1.0, clock=clock)
    return rep, lines, clock


def test_lines_are_throttled_and_batch_losses_become_curve_points():
    rep, lines, clock = _reporter()
    losses = [2.0, 1.8, 1.6, 1.4]
    for step, loss in enumerate(losses, 1):
        rep(_train(1, step, loss, sum(losses[:step]) / step, steps=4))
        clock.now += 0.4
    # the first event opens the phase (a line at once); the next line comes 1 s later, at
    # step 4 (t = 1.2 s), with the mean of the batch losses since the first line
    assert len(lines) == 2
    assert lines[0]["curve"] == [[0.25, 2.0]]
    assert lines[1]["curve"] == [[1.0, (1.8 + 1.6 + 1.4) / 3]]
    p = lines[1]["progress"]
    assert (p["phase"], p["epoch"], p["step"], p["steps"]) == ("train", 1, 4, 4)
    assert p["loss"] == sum(losses) / 4 and math.isclose(p["perplexity"], math.exp(sum(losses) / 4))
    assert p["fraction"] == 4 / 8
    # ETA: 3 batches in 1.2 s since the first report, 4 batches left
    assert math.isclose(p["eta"], 1.2 / 3 * 4)
    assert lines[0]["progress"]["eta"] is None  # nothing to estimate from yet
    assert math.isclose(p["tokens_per_s"], 400 / 1.0) and math.isclose(p["elapsed"], 1.2)


def test_phase_changes_and_epoch_ends_are_reported_at_once():
    rep, lines, clock = _reporter()
    rep(_train(1, 1, 2.0, 2.0))
    clock.now += 0.1
    rep(_train(1, 2, 1.0, 1.5))
    clock.now += 0.1
    rep({"phase": "valid", "epoch": 1, "epochs": 2, "step": 1, "steps": 2, "loss": 1.2,
         "mean_loss": 1.2, "tokens": 50, "seconds": 0.1})
    # the valid phase opens a line, which carries the training batch not yet plotted
    assert [m["progress"]["phase"] for m in lines] == ["train", "valid"]
    assert lines[1]["curve"] == [[1.0, 1.0]]     # the end of epoch 1, loss of batch 2
    # validation is part of training: the fraction stays at the last batch's (2 of 4 batches),
    # and the ETA runs down from the last batch's estimate (0.1 s a batch, 2 left)
    assert lines[1]["progress"]["fraction"] == 2 / 4
    assert math.isclose(lines[1]["progress"]["eta"], 0.2 - 0.1)
    clock.now += 0.1
    rep({"phase": "epoch", "epoch": 1, "epochs": 2, "train_loss": 1.5, "valid_loss": 1.1,
         "valid_perplexity": math.exp(1.1), "learning_rate": 0.01})
    assert lines[2]["valid"] == [[1, 1.1]] and lines[2]["curve"] == []
    clock.now += 0.1
    rep(_train(2, 1, 0.9, 0.9))
    assert lines[3]["progress"]["last_epoch"] == {
        "epoch": 1, "train_loss": 1.5, "valid_loss": 1.1, "valid_perplexity": math.exp(1.1)}


def test_classifier_accuracy_and_evaluation_fraction():
    rep, lines, clock = _reporter()
    rep({**_train(1, 1, 0.7, 0.7), "accuracy": 0.5})
    assert lines[0]["progress"]["accuracy"] == 0.5 and "perplexity" not in lines[0]["progress"]
    for done in (1000, 3000):
        clock.now += 2.0
        rep({"phase": "evaluate", "split": "test", "tokens": done, "total_tokens": 4000,
             "seconds": done / 1000})
    p = lines[-1]["progress"]
    assert (p["split"], p["tokens"], p["total_tokens"], p["fraction"]) == ("test", 3000, 4000, 0.75)
    assert math.isclose(p["eta"], 2.0 / 2000 * 1000)   # 2,000 tokens in 2 s, 1,000 left


def test_parse_tells_progress_from_log_lines():
    msg = {"progress": {"phase": "train"}, "curve": [[0.5, 1.0]], "valid": []}
    assert parse(PREFIX + json.dumps(msg) + "\n") == msg
    assert parse("epoch 1 | lr 0.01\n") is None
    assert parse(PREFIX + "{not json\n") is None
    assert parse(PREFIX + "[1, 2]\n") is None
