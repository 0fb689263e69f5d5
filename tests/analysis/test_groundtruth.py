"""Ground truth: the shipped synthetic tasks are solvable, solved, and the Units ranking finds
the unit that implements each known mechanism (a counter; an A/B memory)."""

import numpy as np
import pytest
import yaml

from rnnvis.analysis.groundtruth import determined_mask, task_loss
from rnnvis.analysis.positions import Stream, segment_starts
from rnnvis.analysis.unitview import rank_units
from rnnvis.errors import ParamError

from tests.modelling.test_config import ROOT

WORDS = ("<pad>", "<unk>", "<eos>", "a", "b", "X", "Y", "A", "B", "x", "c")


def _stream(text):
    tokens = np.array([WORDS.index(w) for w in text.split()])
    return Stream(tokens, segment_starts(tokens, 2), WORDS), np.zeros(len(tokens), bool)


@pytest.mark.parametrize("task,text,expected", [
    ("counting", "a a X b b <eos> a X b <eos>", [2, 3, 4, 7, 8]),
    ("selective_counting", "a X a Y b b <eos>", [3, 4, 5]),
    ("state_memory", "A x x Y a <eos> B x Y b <eos>", [3, 8]),
    ("copy", "a b X a b <eos> c X c <eos>", [2, 3, 4, 7, 8]),
])
def test_determined_positions(task, text, expected):
    stream, resets = _stream(text)
    assert np.flatnonzero(determined_mask(task, stream, resets)).tolist() == expected


def test_lines_cut_by_a_state_reset_are_left_out():
    stream, resets = _stream("A x x Y a <eos> B x Y b <eos>")
    resets[7] = True                 # a parallel stream starts at the x of the second line
    assert np.flatnonzero(determined_mask("state_memory", stream, resets)).tolist() == [3]
    with pytest.raises(ParamError, match="task: got 'ptb'; expected a synthetic task"):
        determined_mask("ptb", stream, resets)


def _train_small(tmp_path, config, **data):
    """The shipped config on fewer, shorter lines, trained in seconds (same cell and width)."""
    from rnnvis.modelling.manager import train_from_config
    from rnnvis.recording.evaluation import evaluate_model

    raw = yaml.safe_load((ROOT / "config" / config).read_text())
    raw["data"].update(num_samples=2000, max_count=6, **data)
    raw["train"].update(batch_size=16, seq_length=20, epochs=20,
                        optimizer={"name": "adam", "learning_rate": 0.02})
    path = tmp_path / config
    path.write_text(yaml.safe_dump(raw))
    train_from_config(path, progress=False, log=lambda *a: None)
    evaluate_model(raw["name"], progress=False)
    return raw["name"]


def test_counting_is_solved_and_a_counter_unit_ranks_first(tmp_path):
    name = _train_small(tmp_path, "synthetic-counting.yaml")
    solved = task_loss(name)
    assert solved["determined_loss"] < 0.1, solved      # chance is ~0.38 (no count)
    ranked = rank_units(name, layer=0, state="c", rank="target", a="count a b", top=3)
    top = ranked["units"][0]
    assert abs(top["r"]) > 0.8, ranked["units"]          # its cell state tracks a's minus b's


def test_state_memory_is_solved_and_an_a_b_memory_unit_ranks_first(tmp_path):
    name = _train_small(tmp_path, "synthetic-state-memory.yaml")
    solved = task_loss(name)
    assert solved["determined_loss"] < 0.1, solved      # chance is ln 2 = 0.69
    ranked = rank_units(name, layer=0, state="h", rank="pattern", a="x after A", b="x after B",
                        top=3)
    top = ranked["units"][0]
    assert abs(top["auc"] - 0.5) > 0.45, ranked["units"]  # separates A from B on every x
    assert ranked["n_a"] > 100 and ranked["n_b"] > 100
