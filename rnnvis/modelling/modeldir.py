"""The model store: RNNVIS_HOME/models/<name>/ holds a model's config, vocabulary, weights and metrics."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import locations
from ..atomic import read_json, write_json, write_text
from ..errors import NotFound, UserError
from ..params import NAME_PATTERN, NAME_TEXT
from .config import ModelConfig, dump_config, loads_config

__all__ = ["workspace", "ModelDir", "list_model_dirs", "model_dir", "check_name"]

_NAME = re.compile(NAME_PATTERN)


def workspace() -> Path:
    """The artifact folder: ``$RNNVIS_HOME``, else ``workspace/`` (rnnvis.locations)."""
    return locations.workspace()


def check_name(name: str) -> str:
    """Return ``name`` if it is a safe model name (no path separators, no '..'); else raise."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UserError(f"bad model name {name!r}: use {NAME_TEXT}")
    return name


@dataclass(frozen=True)
class ModelDir:
    """Paths and small JSON records of one model's folder."""

    root: Path

    @property
    def name(self) -> str:
        return self.root.name

    config_path = property(lambda self: self.root / "config.yaml")
    vocab_path = property(lambda self: self.root / "vocab.json")
    weights_path = property(lambda self: self.root / "model.weights.h5")
    history_path = property(lambda self: self.root / "history.json")
    metrics_path = property(lambda self: self.root / "metrics.json")
    meta_path = property(lambda self: self.root / "meta.json")
    checkpoints = property(lambda self: self.root / "checkpoints")
    evaluations = property(lambda self: self.root / "evaluations")
    cache = property(lambda self: self.root / "cache")

    def exists(self) -> bool:
        """True if anything of this model was written."""
        return self.config_path.exists()

    def config(self) -> ModelConfig:
        """The config snapshot saved when training started."""
        if not self.config_path.exists():
            raise NotFound(f"unknown model {self.name!r}; train it first (python manage.py train CONFIG)")
        return loads_config(self.config_path.read_text(encoding="utf-8"), self.config_path)

    def save_config(self, cfg: ModelConfig) -> None:
        """Snapshot ``cfg`` into the model folder."""
        write_text(self.config_path, dump_config(cfg))

    def history(self) -> list[dict]:
        """Per-epoch metrics recorded so far."""
        return read_json(self.history_path, [])

    def metrics(self) -> dict | None:
        """Final valid/test metrics, or None while the model is not fully trained."""
        return read_json(self.metrics_path)

    def meta(self) -> dict:
        """Facts about the training data: classes (classifiers) and corpus summary."""
        return read_json(self.meta_path, {})

    def evaluated_splits(self) -> list[str]:
        """The splits with a state store, sorted."""
        if not self.evaluations.exists():
            return []
        return sorted(p.stem for p in self.evaluations.glob("*.h5"))

    @property
    def states_only(self) -> bool:
        """True for imported states without weights (LSTMVis)."""
        return bool(self.meta().get("states_only"))

    def status(self) -> str:
        """``evaluated``, ``trained``, ``training`` (unfinished, resumable) or ``new``."""
        if self.metrics_path.exists() and (self.weights_path.exists() or self.states_only):
            if self.evaluated_splits():
                return "evaluated"
            return "trained"
        return "training" if self.checkpoints.exists() else "new"

    def clear(self) -> None:
        """Delete everything of this model (used by ``train --force``)."""
        if self.root.exists():
            shutil.rmtree(self.root)

    def write_metrics(self, metrics: dict) -> None:
        """Store final metrics atomically."""
        write_json(self.metrics_path, metrics)

    def write_history(self, history: list[dict]) -> None:
        """Store the per-epoch history atomically."""
        write_json(self.history_path, history)


def model_dir(name: str, home: Path | None = None) -> ModelDir:
    """The folder of model ``name`` (which need not exist yet)."""
    return ModelDir((home or workspace()) / "models" / check_name(name))


def list_model_dirs(home: Path | None = None) -> list[ModelDir]:
    """Every model folder with a config snapshot, sorted by name."""
    root = (home or workspace()) / "models"
    if not root.exists():
        return []
    return [ModelDir(p) for p in sorted(root.iterdir())
            if p.is_dir() and _NAME.fullmatch(p.name) and (p / "config.yaml").exists()]
