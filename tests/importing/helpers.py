"""Shared helpers of the import tests: fixture paths, importing, recording, comparing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
VOCAB = FIXTURES / "vocab.txt"
SOURCE_WORDS = VOCAB.read_text().split("\n")[:-1]
COMBOS = [(cell, layers, task) for cell in ("rnn", "lstm", "gru") for layers in (1, 2)
          for task in ("lm", "cls")]
ATOL = 1e-5


def fixture(cell: str, layers: int, task: str, ext: str) -> Path:
    """One of the committed PyTorch fixtures (scripts/make_import_fixtures.py)."""
    return FIXTURES / f"{cell}{layers}-{task}.{ext}"


def imported(kind: str, path, name: str = "m", vocab=VOCAB, **kw):
    """Import ``path`` and load the model (a TrainedModel)."""
    from rnnvis.importing import import_model
    from rnnvis.modelling.manager import load_trained

    import_model(kind, str(path), name, vocab=str(vocab), log=lambda *a: None, **kw)
    return load_trained(name)


def to_ids(tm, source_ids, words=SOURCE_WORDS) -> np.ndarray:
    """Source token ids -> the imported model's ids (through the words)."""
    renamed = {"<pad>": "<pad>", "<unk>": "<unk>"}
    return np.array([tm.vocab.id(renamed.get(words[i], words[i])) for i in source_ids], np.int32)


def record_lm(tm, ids):
    """Every layer's states over one stream, from the zero state."""
    from rnnvis.recording.recorder import get_recorder

    return get_recorder(tm.model, tm.config).record(ids, batch_streams=1, progress=False)


def record_docs(tm, docs):
    """Every layer's states over documents (each from the zero state) and class probabilities."""
    from rnnvis.recording.recorder import get_recorder

    return get_recorder(tm.model, tm.config).record(docs, batch_streams=2, progress=False)


def assert_close(actual, expected, what: str, atol: float = ATOL) -> None:
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    err = float(np.max(np.abs(actual - expected))) if actual.size else 0.0
    assert err <= atol, f"{what}: max abs error {err:.3g} > {atol}"


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
