"""Model configs: YAML files validated into frozen dataclasses before any work starts."""

from __future__ import annotations

import dataclasses
import os
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from ..errors import ConfigError
from ..params import NAME_PATTERN, NAME_TEXT, SPLITS, hint as _hint
from .cells import CELLS

__all__ = [
    "ConfigError",
    "DataConfig",
    "ArchConfig",
    "DropoutConfig",
    "OptimizerConfig",
    "ScheduleConfig",
    "TrainConfig",
    "EvalConfig",
    "ModelConfig",
    "OriginConfig",
    "NO_DATASET",
    "load_config",
    "parse_config",
    "validate_files",
    "BUILTIN_DATASETS",
    "SYNTHETIC_DATASETS",
]

BUILTIN_DATASETS = ("ptb", "shakespeare", "imdb", "rotten_tomatoes")
#: an imported model without a corpus (it can still evaluate typed text)
NO_DATASET = "none"
SYNTHETIC_DATASETS = ("counting", "selective_counting", "state_memory", "copy")
FILE_DATASETS = ("text", "csv")


def _spec(default: Any = dataclasses.MISSING, *, choices: tuple = (), min: float | None = None,
          max: float | None = None, min_exclusive: bool = False, doc: str = "", factory=None):
    """A dataclass field with validation metadata (allowed values, bounds, help text)."""
    meta = {"choices": choices, "min": min, "max": max, "min_exclusive": min_exclusive, "doc": doc}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class DataConfig:
    """Where the text comes from and how it becomes token ids."""

    dataset: str = _spec(doc="ptb, shakespeare, imdb, rotten_tomatoes, text (your .txt files), "
                             "csv (your CSV/TSV files) or a synthetic task: counting, "
                             "selective_counting, state_memory, copy",
                         choices=BUILTIN_DATASETS + FILE_DATASETS + SYNTHETIC_DATASETS
                         + (NO_DATASET,))
    path: Optional[str] = _spec(None, doc="one file for dataset text/csv, split by `split` fractions")
    paths: Optional[dict[str, str]] = _spec(None, doc="files per split (train, valid, test) for text/csv")
    level: str = _spec("word", choices=("word", "char"), doc="tokenise into words or characters")
    lowercase: bool = _spec(True, doc="lowercase text before tokenising")
    min_freq: int = _spec(1, min=1, doc="drop words seen fewer times in train (they become <unk>)")
    max_vocab: Optional[int] = _spec(None, min=2, doc="keep at most this many words (with <unk>)")
    split: dict[str, float] = _spec(factory=lambda: {"train": 0.8, "valid": 0.1, "test": 0.1},
                                    doc="split fractions, where the corpus has no standard split")
    seed: int = _spec(0, min=0, doc="seed for splitting and synthetic data")
    max_length: Optional[int] = _spec(None, min=1, doc="classification: truncate documents to N tokens")
    max_documents: Optional[int] = _spec(None, min=1, doc="use at most N documents/lines per split")
    text_column: str = _spec("text", doc="csv: column holding the text")
    label_column: str = _spec("label", doc="csv: column holding the label")
    num_samples: int = _spec(2000, min=1, doc="synthetic: number of sequences")
    max_count: int = _spec(10, min=1, doc="synthetic: largest n (counting) or string length (copy)")


@dataclass(frozen=True)
class DropoutConfig:
    """Dropout rates, each in [0, 0.95]."""

    input: float = _spec(0.0, min=0.0, max=0.95, doc="dropout on the embeddings")
    output: float = _spec(0.0, min=0.0, max=0.95, doc="dropout on each layer's output")
    recurrent: float = _spec(0.0, min=0.0, max=0.95, doc="dropout on the recurrent state")


@dataclass(frozen=True)
class ArchConfig:
    """The network: embedding, stacked recurrent layers, output softmax."""

    cell: str = _spec(choices=CELLS, doc="recurrent cell type")
    layers: list[int] = _spec(min=1, doc="units per layer, bottom first, e.g. [200, 200]")
    embedding_size: int = _spec(min=1, doc="size of the word embedding")
    dropout: DropoutConfig = _spec(factory=lambda: DropoutConfig(), doc="dropout rates")
    forget_bias: float = _spec(1.0, doc="LSTM forget-gate bias at initialisation")
    init_scale: float = _spec(0.1, min=0.0, min_exclusive=True,
                              doc="weights start uniform in [-init_scale, init_scale]")
    reset_after: bool = _spec(True, doc="GRU: apply the reset gate after the recurrent matmul "
                                        "(Keras's default, PyTorch's GRU); false: before it")


@dataclass(frozen=True)
class OptimizerConfig:
    """The optimizer and its arguments."""

    name: str = _spec("adam", choices=("sgd", "adam", "rmsprop"), doc="optimizer")
    learning_rate: float = _spec(0.001, min=0.0, min_exclusive=True, doc="initial learning rate")
    momentum: float = _spec(0.0, min=0.0, max=1.0, doc="sgd/rmsprop momentum")
    beta_1: float = _spec(0.9, min=0.0, max=1.0, doc="adam beta_1")
    beta_2: float = _spec(0.999, min=0.0, max=1.0, doc="adam beta_2")
    rho: float = _spec(0.9, min=0.0, max=1.0, doc="rmsprop decay")
    epsilon: float = _spec(1e-7, min=0.0, min_exclusive=True, doc="numerical epsilon")


@dataclass(frozen=True)
class ScheduleConfig:
    """A declarative per-epoch learning-rate schedule (no code strings, ever)."""

    type: str = _spec("constant", choices=("constant", "exponential", "piecewise"),
                      doc="constant; exponential: lr*rate^(epoch-start+1) from epoch `start`; "
                          "piecewise: values[i] between boundaries")
    rate: float = _spec(0.5, min=0.0, max=1.0, min_exclusive=True, doc="exponential: decay per epoch")
    start: int = _spec(0, min=0, doc="exponential: first epoch (from 0) that decays")
    boundaries: list[int] = _spec(factory=list, doc="piecewise: epochs where the rate changes")
    values: list[float] = _spec(factory=list, doc="piecewise: one more learning rate than boundaries")

    def learning_rate(self, base: float, epoch: int) -> float:
        """The learning rate for epoch ``epoch`` (counted from 0)."""
        if self.type == "exponential":
            return base * self.rate ** max(0, epoch - self.start + 1)
        if self.type == "piecewise":
            return self.values[sum(epoch >= b for b in self.boundaries)]
        return base


@dataclass(frozen=True)
class TrainConfig:
    """How to train."""

    batch_size: int = _spec(32, min=1, doc="sequences per batch")
    seq_length: int = _spec(35, min=1, doc="language model: steps of truncated backprop")
    epochs: int = _spec(10, min=1, doc="passes over the training data")
    seed: int = _spec(0, min=0, doc="seed for weights, shuffling and dropout")
    optimizer: OptimizerConfig = _spec(factory=OptimizerConfig, doc="optimizer settings")
    lr_schedule: ScheduleConfig = _spec(factory=ScheduleConfig, doc="learning-rate schedule")
    clip_norm: Optional[float] = _spec(5.0, min=0.0, min_exclusive=True,
                                       doc="clip gradients by global norm (null: off)")
    early_stopping: Optional[int] = _spec(None, min=1,
                                          doc="stop after N epochs without a better valid loss")
    sampled_softmax: Optional[int] = _spec(
        None, min=2, doc="language models: train with a softmax over N sampled words (log-uniform "
                         "by frequency rank) instead of the whole vocabulary; validation, test "
                         "and every evaluation use the full softmax (null: full softmax)")


@dataclass(frozen=True)
class EvalConfig:
    """What the evaluator runs over."""

    split: str = _spec("test", choices=SPLITS, doc="split to evaluate")
    max_tokens: Optional[int] = _spec(None, min=1, doc="stop after N tokens (null: whole split)")


@dataclass(frozen=True)
class OriginConfig:
    """Where an imported model came from (written by ``manage.py import``; absent when trained)."""

    format: str = _spec(choices=("keras", "onnx", "safetensors", "lstmvis"),
                        doc="the format it was imported from")
    file: str = _spec(doc="the imported file, as given")
    sha256: str = _spec("", doc="SHA-256 of the imported file")
    vocab: str = _spec("", doc="the vocabulary file, as given")
    imported: str = _spec("", doc="when it was imported (UTC, ISO 8601)")
    states_only: bool = _spec(False, doc="states computed elsewhere, no weights (LSTMVis)")


@dataclass(frozen=True)
class ModelConfig:
    """One model: identity, data, architecture, training and evaluation."""

    name: str = _spec(doc="model name: letters, digits, '-', '_' and '.'")
    task: str = _spec(choices=("language_model", "classification"), doc="what the model predicts")
    data: DataConfig = _spec(doc="dataset and tokenisation")
    model: ArchConfig = _spec(doc="architecture")
    train: TrainConfig = _spec(factory=TrainConfig, doc="training")
    evaluation: EvalConfig = _spec(factory=EvalConfig, doc="evaluation")
    description: str = _spec("", doc="free text shown in the model list")
    origin: Optional[OriginConfig] = _spec(None, doc="set by `import`: where the model came from")
    source: Optional[str] = field(default=None, compare=False, metadata={"internal": True})

    @property
    def base_dir(self) -> Path:
        """Folder that relative data paths are resolved against."""
        return Path(self.source).resolve().parent if self.source else Path.cwd()

    def with_absolute_paths(self) -> "ModelConfig":
        """A copy whose data file paths are absolute (for snapshots stored elsewhere)."""
        d = self.data

        def resolve(p):
            return str((self.base_dir / p).resolve())

        data = dataclasses.replace(
            d, path=resolve(d.path) if d.path else None,
            paths={k: resolve(v) for k, v in d.paths.items()} if d.paths else None)
        return dataclasses.replace(self, data=data)

    def to_dict(self) -> dict:
        """Plain dict, as it would be written in YAML (without internal fields)."""
        out = dataclasses.asdict(self)
        out.pop("source", None)
        return out


# ---------------------------------------------------------------- validation

def _type_name(tp) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _type_name(args[0]) + " or null"
    if origin is list:
        item = {int: "integers", float: "numbers", str: "strings"}.get(typing.get_args(tp)[0], "values")
        return f"a list of {item}"
    if origin is dict:
        return "a mapping"
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    return {int: "an integer", float: "a number", str: "a string", bool: "true or false"}.get(tp, str(tp))


def _convert(value, tp, key: str, meta: dict, errors: list[str]):
    """Check ``value`` against type ``tp`` and ``meta`` bounds; append errors; return the value."""
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        if value is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)][0]
        return _convert(value, inner, key, meta, errors)
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, key, errors)
    bad = f"{key}: got {value!r}; expected {_type_name(tp)}"
    if origin is list:
        if not isinstance(value, list):
            errors.append(bad)
            return value
        item_tp = typing.get_args(tp)[0]
        return [_convert(v, item_tp, f"{key}[{i}]", meta, errors) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            errors.append(bad)
            return value
        val_tp = typing.get_args(tp)[1]
        out = {}
        for k, v in value.items():
            if k not in SPLITS:
                errors.append(f"{key}.{k}: unknown split; allowed: {', '.join(SPLITS)}"
                              + _hint(str(k), SPLITS))
                continue
            out[k] = _convert(v, val_tp, f"{key}.{k}", meta, errors)
        return out
    if tp is bool:
        if not isinstance(value, bool):
            errors.append(bad)
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(bad)
            return value
    elif tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(bad)
            return value
        value = float(value)
    elif tp is str:
        if not isinstance(value, str):
            errors.append(bad)
            return value
    if meta.get("choices") and value not in meta["choices"]:
        errors.append(f"{key}: got {value!r}; allowed: {', '.join(meta['choices'])}"
                      + _hint(str(value), meta["choices"]))
    lo, hi = meta.get("min"), meta.get("max")
    if lo is not None and (value < lo or (meta.get("min_exclusive") and value == lo)):
        op = ">" if meta.get("min_exclusive") else ">="
        errors.append(f"{key}: got {value!r}; expected a value {op} {lo:g}")
    if hi is not None and value > hi:
        errors.append(f"{key}: got {value!r}; expected a value <= {hi:g}")
    return value




def _build(cls, raw, prefix: str, errors: list[str]):
    """Build dataclass ``cls`` from mapping ``raw``, collecting errors under key ``prefix``."""
    where = prefix or "top level"
    if not isinstance(raw, dict):
        errors.append(f"{where}: got {raw!r}; expected a mapping")
        return None
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    for key in raw:
        if key not in fields:
            full = f"{prefix}.{key}" if prefix else str(key)
            errors.append(f"{full}: unknown key; allowed: {', '.join(fields)}"
                          + _hint(str(key), fields))
    kwargs = {}
    for name, f in fields.items():
        full = f"{prefix}.{name}" if prefix else name
        if name in raw:
            kwargs[name] = _convert(raw[name], hints[name], full, f.metadata, errors)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            errors.append(f"{full}: required key is missing ({f.metadata.get('doc', '')})")
    try:
        return cls(**kwargs)
    except TypeError:
        return None


def _cross_checks(cfg: ModelConfig, errors: list[str]) -> None:
    """Rules that involve more than one key."""
    import re

    if not re.fullmatch(NAME_PATTERN, cfg.name):
        errors.append(f"name: got {cfg.name!r}; expected {NAME_TEXT}")
    d = cfg.data
    if d.dataset in FILE_DATASETS:
        if (d.path is None) == (d.paths is None):
            errors.append(f"data: dataset {d.dataset!r} needs exactly one of data.path or data.paths")
        if d.paths is not None and "train" not in d.paths:
            errors.append("data.paths: needs at least a train file")
    elif d.path is not None or d.paths is not None:
        errors.append(f"data.path: only for dataset text or csv, not {d.dataset!r}")
    if isinstance(d.split, dict) and d.split:
        missing = [s for s in SPLITS if s not in d.split]
        if missing:
            errors.append(f"data.split: missing {', '.join(missing)}; give train, valid and test fractions")
        elif abs(sum(d.split.values()) - 1.0) > 1e-6 or min(d.split.values()) <= 0:
            errors.append(f"data.split: got {d.split}; fractions must be > 0 and sum to 1")
    classif = d.dataset in ("imdb", "rotten_tomatoes", "csv")
    if d.dataset == NO_DATASET and cfg.origin is None:
        errors.append("data.dataset: 'none' is only for imported models (they may have no corpus)")
    if cfg.task == "classification" and not classif and d.dataset != NO_DATASET:
        errors.append(f"task: 'classification' needs a labelled dataset (imdb, rotten_tomatoes, csv), "
                      f"not {d.dataset!r}")
    if cfg.task == "language_model" and d.dataset in ("imdb", "rotten_tomatoes", "csv"):
        errors.append(f"task: 'language_model' needs a text dataset, not {d.dataset!r}")
    if isinstance(cfg.model.layers, list):
        if not cfg.model.layers:
            errors.append("model.layers: got []; expected at least one layer, e.g. [200, 200]")
    s = cfg.train.lr_schedule
    if s.type == "piecewise":
        if len(s.values) != len(s.boundaries) + 1:
            errors.append(f"train.lr_schedule.values: got {len(s.values)} values for "
                          f"{len(s.boundaries)} boundaries; expected one more value than boundaries")
        if list(s.boundaries) != sorted(set(s.boundaries)):
            errors.append(f"train.lr_schedule.boundaries: got {s.boundaries}; expected increasing epochs")
        if any(v <= 0 for v in s.values if isinstance(v, (int, float))):
            errors.append(f"train.lr_schedule.values: got {s.values}; learning rates must be > 0")


def parse_config(raw: Any, source: str | os.PathLike | None = None) -> ModelConfig:
    """Validate an already-parsed YAML mapping; raise ConfigError naming ``source`` and keys."""
    errors: list[str] = []
    cfg = _build(ModelConfig, raw, "", errors)
    if cfg is not None and not errors:
        _cross_checks(cfg, errors)
    label = str(source) if source is not None else "<config>"
    if errors:
        raise ConfigError([f"{label}: {e}" for e in errors])
    return dataclasses.replace(cfg, source=str(source) if source is not None else None)


def load_config(path: str | os.PathLike) -> ModelConfig:
    """Read and validate one YAML config file (``yaml.safe_load``; nothing is evaluated)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file"]) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc.__class__.__name__}"]) from None
    return loads_config(text, path)


def loads_config(text: str, source: str | os.PathLike | None = None) -> ModelConfig:
    """Parse and validate YAML text; syntax errors give line and column."""
    label = str(source) if source is not None else "<config>"
    try:
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError([f"{label}: YAML syntax error at {where}{exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{label}: YAML error: {exc}"]) from None
    if raw is None:
        raise ConfigError([f"{label}: the file is empty; expected a mapping with name, task, data, model"])
    return parse_config(raw, source)


def validate_files(paths) -> list[str]:
    """Validate several config files; return all error lines (empty when all are valid)."""
    errors: list[str] = []
    for p in paths:
        try:
            load_config(p)
        except ConfigError as exc:
            errors.extend(exc.errors)
    return errors


def dump_config(cfg: ModelConfig) -> str:
    """The config as YAML text (a snapshot that ``loads_config`` reads back)."""
    return yaml.safe_dump(cfg.to_dict(), sort_keys=False)
