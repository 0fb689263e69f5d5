"""LSTMVis states imported as a *states-only* model: no weights, one evaluation (the ``test``
split) holding the imported states, their per-word expected responses and the tokens.

Word, unit and co-cluster views work from that store; sentence evaluation needs weights and
says so. States are kept in float32, so exporting them back to LSTMVis gives the same numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..atomic import atomic_dir, write_json
from ..errors import ModelImportError
from ..modelling.modeldir import ModelDir
from .lstmvis import iter_blocks, read_project
from .vocabfile import align, read_tokens

__all__ = ["import_states", "STATES_SPLIT"]

STATES_SPLIT = "test"


def _word_ids(src, dict_file: Path):
    """The rnnvis vocabulary and every row's token id in it."""
    tokens, first = read_tokens(dict_file, with_first_id=True)
    voc, order = align(tokens)
    index = src.words - first
    bad = np.flatnonzero((index < 0) | (index >= len(tokens)))
    if len(bad):
        raise ModelImportError(f"{dict_file}: word id {int(src.words[bad[0]])} (row {int(bad[0])} "
                               f"of the word ids) is not in the dictionary (ids {first}.."
                               f"{first + len(tokens) - 1})")
    inverse = np.zeros(len(tokens), np.int64)
    kept = order >= 0
    inverse[order[kept]] = np.flatnonzero(kept)
    return voc, inverse[index].astype(np.int32)


def import_states(path: Path, mdir: ModelDir, vocab=None, words=None, cell=None,
                  force: bool = False, report=None):
    """Write the states-only model ``mdir`` from an LSTMVis project (see :mod:`.lstmvis`);
    ``report`` hears the writing stage with the rows written (``step`` of ``steps``)."""
    from ..data import Vocabulary
    from ..recording.recorder import Chunk
    from ..recording.responses import ResponseAggregator
    from ..recording.statestore import StoreWriter, fingerprint
    from .importer import ImportSummary, make_config, origin_record, stage

    src = read_project(path, words, vocab)
    voc, ids = _word_ids(src, src.dict_file)
    kinds = tuple(src.layers[0])           # ("h",) or ("h", "c")
    units = [_units(layer) for layer in src.layers]
    cell = cell or ("lstm" if "c" in kinds else "rnn")
    if "c" in kinds and cell != "lstm":
        raise ModelImportError(f"--cell: got {cell!r}, but the states include cell states "
                               "(LSTMVis 'state' next to 'output'), which only an lstm has")
    cfg = make_config(mdir.name, "language_model", cell, units, units[0], True, None,
                      origin_record("lstmvis", path, vocab or src.dict_file, True))
    counts = np.bincount(ids, minlength=len(voc))
    voc = Vocabulary(voc.words, tuple(int(c) for c in counts))
    n = len(ids)
    if n == 0:
        raise ModelImportError(f"{path}: the word ids are empty; nothing to import")
    with atomic_dir(mdir.root, replace=force) as tmp:
        out = ModelDir(tmp)
        out.save_config(cfg)
        voc.save(out.vocab_path)
        write_json(out.meta_path, {"classes": None, "states_only": True, "kinds": list(kinds),
                                   "data": {"tokens": {STATES_SPLIT: n}, "vocab_size": len(voc)}})
        out.write_history([])
        out.write_metrics({})
        agg = ResponseAggregator(len(voc), units, [kinds] * len(units))
        attrs = {"fingerprint": fingerprint([out.config_path, out.vocab_path]), "model": mdir.name,
                 "cell": cell, "task": cfg.task, "split": STATES_SPLIT, "max_tokens": 0}
        writer = StoreWriter(out.evaluations / f"{STATES_SPLIT}.h5", n_tokens=n, units=units,
                             keys=[kinds] * len(units), store_states=True, dtype="float32",
                             attrs=attrs, lm=False)
        try:
            previous = [{k: np.zeros((1, u), np.float32) for k in kinds} for u in units]
            for a, b, layers in iter_blocks(src):
                for arrays, prev in zip(layers, previous):
                    for k in kinds:   # the state entering each row: the row before (0 at row 0)
                        arrays[f"{k}_prev"] = np.concatenate([prev[k], arrays[k][:-1]])
                        prev[k] = arrays[k][-1:]
                starts = np.zeros(b - a, bool)
                starts[0] = a == 0
                chunk = Chunk(positions=np.arange(a, b), tokens=ids[a:b], starts=starts,
                              layers=layers)
                writer.write_chunk(chunk)
                agg.update(chunk.tokens, layers)
                stage(report, "writing", step=b, steps=n)
            writer.write_responses(agg)
            writer.commit(metrics=json.dumps({"tokens": n}))
        except BaseException:
            writer.abort()
            raise
    return ImportSummary(mdir.name, mdir.root, "lstmvis", cfg.task, cell, units, {}, 0.0)


def _units(layer: dict) -> int:
    from .lstmvis import _shape

    return int(_shape(*layer["h"])[1])
