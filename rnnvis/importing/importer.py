"""``import_model``: a Keras, ONNX or safetensors model, or LSTMVis states, becomes a regular
model folder (``models/NAME/``), written whole or not at all.

A model with weights gets a config snapshot recording its origin, the vocabulary (aligned with
rnnvis's ids), the weights in the Keras cells the recorder runs, and metrics measured on the
corpus given with ``data``. LSTMVis states become a *states-only* model: its evaluation store
is the imported states, and there are no weights to run typed text through.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import atomic_dir, write_json
from ..errors import Conflict, ModelImportError
from ..modelling.cells import CELLS
from ..modelling.config import BUILTIN_DATASETS, NO_DATASET, SYNTHETIC_DATASETS, parse_config
from ..modelling.modeldir import ModelDir, model_dir
from ..params import MODEL, Param, Params
from .yamlfile import read_yaml

__all__ = ["import_model", "check_options", "IMPORT_PARAMS", "FORMATS", "STAGES", "ImportSummary"]

FORMATS = ("keras", "onnx", "safetensors", "lstmvis")
#: an import's stages, in order (``report`` events; LSTMVis states skip converting and measuring)
STAGES = ("reading", "converting", "measuring", "writing", "done")
TASKS = ("language_model", "classification")
_PATH = dict(max_length=4096)

#: what an import takes (the CLI's `import`; a job runner can pass the same values)
IMPORT_PARAMS = Params(
    Param("kind", "str", required=True, choices=FORMATS, metavar="KIND",
          help="what PATH holds", choice_help={
              "keras": "a Keras 3 .keras file: Embedding -> SimpleRNN/LSTM/GRU -> Dense",
              "onnx": "an ONNX graph with RNN, LSTM or GRU ops (torch.onnx.export)",
              "safetensors": "a PyTorch state dict: nn.Embedding + nn.RNN/LSTM/GRU + nn.Linear",
              "lstmvis": "LSTMVis states: a project folder with lstm.yml, or a states .h5"}),
    Param("path", "str", required=True, metavar="PATH",
          help="the file to import (lstmvis: the project folder or the states .h5)", **_PATH),
    MODEL,
    Param("vocab", "str", None, metavar="VOCAB",
          help="vocabulary: text (one token per line, id = line number), JSON, or an LSTMVis "
               ".dict; one token per embedding row", **_PATH),
    Param("data", "str", None, metavar="CONFIG-OR-FILES",
          help="the corpus to measure and evaluate on: a dataset name (ptb, ...), a YAML file "
               "with a data: section, or text/CSV files (train[,valid,test]); lstmvis: the "
               "word-id .h5", **_PATH),
    Param("mapping", "str", None, metavar="YAML",
          help="safetensors: a YAML file naming custom tensors (embedding, recurrent, output)",
          **_PATH),
    Param("task", "str", None, choices=TASKS,
          help="language_model or classification (default: a language model when the output "
               "covers the vocabulary)"),
    Param("cell", "str", None, choices=CELLS,
          help="lstmvis: the cell that computed the states (default: lstm with cell states, "
               "else rnn)"),
    Param("force", "bool", False, help="replace an existing model of that name"))


@dataclass
class ImportSummary:
    """What an import wrote."""

    name: str
    path: Path
    kind: str
    task: str
    cell: str
    layers: list[int]
    metrics: dict
    seconds: float


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        return ""
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def origin_record(kind: str, path: Path, vocab, states_only: bool) -> dict:
    """The config's ``origin`` section: format, file and its hash, vocabulary, time."""
    return {"format": kind, "file": str(path), "sha256": _sha256(path),
            "vocab": "" if vocab is None else str(vocab),
            "imported": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "states_only": states_only}


def _data_section(data: str | None) -> dict:
    """The config's data section for ``--data`` (see IMPORT_PARAMS)."""
    if data is None:
        return {"dataset": NO_DATASET}
    files = [Path(p.strip()).expanduser() for p in data.split(",")]
    if len(files) == 1 and files[0].suffix.lower() in (".yaml", ".yml"):
        path = files[0]
        raw = read_yaml(path, "--data config")
        section = raw.get("data", raw) if isinstance(raw, dict) else None
        if not isinstance(section, dict):
            raise ModelImportError(f"--data: {path}: expected a config with a data: mapping")
        section = dict(section)
        base = path.resolve().parent
        if isinstance(section.get("path"), str):
            section["path"] = str(base / section["path"])
        if isinstance(section.get("paths"), dict):
            section["paths"] = {k: str(base / v) for k, v in section["paths"].items()}
        return section
    if len(files) == 1 and not files[0].exists() and data in BUILTIN_DATASETS + SYNTHETIC_DATASETS:
        return {"dataset": data}
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        names = ", ".join(BUILTIN_DATASETS + SYNTHETIC_DATASETS)
        raise ModelImportError(f"--data: {missing[0]}: no such file, and not a dataset name "
                               f"({names})")
    if len(files) > 3:
        raise ModelImportError(f"--data: got {len(files)} files; expected train[,valid[,test]]")
    csv = files[0].suffix.lower() in (".csv", ".tsv", ".tab")
    section: dict = {"dataset": "csv" if csv else "text"}
    if len(files) == 1:
        section["path"] = str(files[0].resolve())
    else:
        section["paths"] = {s: str(f.resolve()) for s, f in zip(("train", "valid", "test"), files)}
    return section


def make_config(name, task, cell, layers, embedding_size, reset_after, data, origin):
    """The validated config snapshot of an imported model."""
    raw = {"name": name, "task": task,
           "description": f"imported from {origin['format']} {Path(origin['file']).name}",
           "data": _data_section(data),
           "model": {"cell": cell, "layers": layers, "embedding_size": embedding_size,
                     "reset_after": reset_after},
           "origin": origin}
    return parse_config(raw, "--data" if data is not None else "import")


def _check_free(mdir: ModelDir, force: bool) -> None:
    if mdir.root.exists() and not force:
        raise Conflict(f"model {mdir.name!r} already exists in {mdir.root}; use --force to "
                       "replace it")


def check_options(kind: str, vocab: str | None = None, mapping: str | None = None,
                  cell: str | None = None) -> None:
    """ModelImportError if the options do not fit an import of ``kind`` (checked before any
    file is read: a mapping is for safetensors, a cell for lstmvis, a vocabulary for the rest)."""
    if mapping is not None and kind != "safetensors":
        raise ModelImportError(f"--mapping: only safetensors imports take a mapping, not {kind}")
    if cell is not None and kind != "lstmvis":
        raise ModelImportError(f"--cell: only lstmvis imports take a cell (the {kind} file says)")
    if vocab is None and kind != "lstmvis":
        raise ModelImportError(f"--vocab: a {kind} import needs the vocabulary (one token per "
                               "embedding row)")


def stage(report, name: str, **fields) -> None:
    """Tell ``report`` (if any) that the import has reached stage ``name`` (see
    :data:`STAGES`)."""
    if report:
        report({"phase": "import", "stage": name, **fields})


def _read(kind: str, path: Path, mapping):
    if kind == "keras":
        from .keras_file import read_keras

        return read_keras(path)
    if kind == "onnx":
        from .onnx_file import read_onnx

        return read_onnx(path)
    from .safetensors_file import read_mapping, read_safetensors

    return read_safetensors(path, read_mapping(mapping))


def import_model(kind: str, path: str, name: str, vocab: str | None = None,
                 data: str | None = None, mapping: str | None = None, task: str | None = None,
                 cell: str | None = None, force: bool = False, log=print,
                 report=None) -> ImportSummary:
    """Import ``path`` (of ``kind``) as model ``name``; see :data:`IMPORT_PARAMS`.

    Every problem is a :class:`~rnnvis.errors.UserError` naming the file, the layer or
    parameter and what was expected; nothing is written unless the import succeeds.
    ``report(event)``, if given, hears each stage (``phase`` import, ``stage`` one of
    :data:`STAGES`; measuring: ``split``, ``step`` and ``steps``; done: ``metrics``).
    """
    values = IMPORT_PARAMS.check(dict(kind=kind, path=path, name=name, vocab=vocab, data=data,
                                      mapping=mapping, task=task, cell=cell, force=force))
    kind, path, name = values["kind"], Path(values["path"]).expanduser(), values["name"]
    mdir = model_dir(name)
    _check_free(mdir, force)
    check_options(kind, vocab, mapping, cell)
    start = time.perf_counter()
    stage(report, "reading", file=path.name)
    if kind == "lstmvis":
        from .states import import_states

        summary = import_states(path, mdir, vocab=vocab, words=data, cell=cell, force=force,
                                report=report)
        summary.seconds = time.perf_counter() - start
        stage(report, "done", metrics={})
        return summary
    from .vocabfile import align, read_tokens

    tokens = read_tokens(vocab)
    net = _read(kind, path, mapping)
    if len(tokens) != net.embedding.shape[0]:
        raise ModelImportError(f"{vocab}: {len(tokens)} tokens, but the embedding in {path} has "
                               f"{net.embedding.shape[0]} rows; expected one token per row")
    lm_shaped = net.outputs == len(tokens)
    task = task or ("language_model" if (net.sequences if net.sequences is not None else lm_shaped)
                    else "classification")
    lm = task == "language_model"
    if lm and not lm_shaped:
        raise ModelImportError(f"{path}: a language model's output must cover the vocabulary "
                               f"({len(tokens)} tokens); its output layer has {net.outputs} units")
    if net.sequences is not None and net.sequences != lm:
        raise ModelImportError(f"{path}: the last recurrent layer returns "
                               f"{'every step' if net.sequences else 'its last step only'}, which "
                               f"does not fit a {task.replace('_', ' ')}")
    stage(report, "converting", cell=net.cell, layers=[layer.units for layer in net.layers])
    voc, order = align(tokens)
    net = net.reorder_vocabulary(order, lm)
    cfg = make_config(name, task, net.cell, [layer.units for layer in net.layers],
                      net.embedding.shape[1], net.layers[0].reset_after, data,
                      origin_record(kind, path, vocab, False))
    from ..modelling.models import build_model
    from .network import to_keras

    model = build_model(cfg, len(voc), None if lm else net.outputs)
    to_keras(net, model)
    meta: dict = {"classes": None, "num_classes": None if lm else net.outputs, "data": None}
    metrics: dict = {}
    if cfg.data.dataset != NO_DATASET:
        voc, meta, metrics = _measure(cfg, model, voc, meta, net.outputs, log, report)
    with atomic_dir(mdir.root, replace=force) as tmp:
        stage(report, "writing")
        out = ModelDir(tmp)
        out.save_config(cfg)
        voc.save(out.vocab_path)
        write_json(out.meta_path, meta)
        model.save_weights(out.weights_path)
        out.write_history([])
        out.write_metrics(metrics)
    stage(report, "done", metrics=metrics)
    return ImportSummary(name, mdir.root, kind, task, cfg.model.cell, list(cfg.model.layers),
                         metrics, time.perf_counter() - start)


def _batches(report, split: str):
    """The evaluator's batch events of ``split`` as measuring-stage events for ``report``."""
    return lambda event: stage(report, "measuring", split=split, step=event["step"],
                               steps=event["steps"])


def _measure(cfg, model, voc, meta, outputs: int, log, report=None):
    """Counts and metrics on the corpus of ``cfg`` (encoded with ``voc``)."""
    from ..data import Vocabulary, load_dataset
    from ..modelling.training import evaluate

    log(f"loading {cfg.data.dataset} to measure {cfg.name} ...")
    stage(report, "measuring", corpus=cfg.data.dataset)
    corpus = load_dataset(cfg, voc)
    lm = cfg.task == "language_model"
    if not lm:
        if len(corpus.classes) != outputs:
            raise ModelImportError(f"the corpus has {len(corpus.classes)} classes "
                                   f"({', '.join(corpus.classes)}) but the model has {outputs} "
                                   "outputs")
        meta["classes"] = list(corpus.classes)
        train = np.concatenate([np.asarray(d) for d in corpus.splits["train"][0]])
    else:
        train = corpus.splits["train"]
    counts = np.bincount(np.asarray(train, np.int64), minlength=len(voc))
    voc = Vocabulary(voc.words, tuple(int(c) for c in counts))
    meta["data"] = corpus.summary()
    metrics = {}
    for split in ("valid", "test"):
        res = evaluate(cfg, model, corpus, split, report=report and _batches(report, split))
        metrics.update({f"{split}_{k}": v for k, v in res.items() if k not in ("tokens", "seconds")})
    return voc, meta, metrics
