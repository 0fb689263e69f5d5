"""The model manager: a model's name maps to its config, vocabulary, weights, metrics and results."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_json
from ..errors import Conflict, NotFound, UserError
from ..params import Param, Params
from .cells import layer_kinds
from .config import ModelConfig, load_config
from .modeldir import ModelDir, list_model_dirs, model_dir

__all__ = ["TrainedModel", "train_from_config", "load_trained", "model_rows", "describe",
           "format_metrics", "TRAIN_PARAMS", "NO_WEIGHTS"]

#: why a states-only model cannot run text
NO_WEIGHTS = ("it holds states imported from LSTMVis, without the weights that computed them; "
              "import the model itself (keras, onnx or safetensors) to run new text")

#: what a training run takes, besides the config file
TRAIN_PARAMS = Params(
    Param("resume", "bool", False, help="continue after the last finished epoch"),
    Param("force", "bool", False, help="delete an existing model of that name first"),
    Param("epochs", "int", None, min=1, metavar="N", help="override train.epochs"),
    Param("max_steps", "int", None, min=1, metavar="N", help="at most N batches per epoch"))


@dataclass
class TrainedModel:
    """A trained model ready for evaluation: config, vocabulary and Keras model with weights."""

    config: ModelConfig
    vocab: object
    model: object
    dir: ModelDir
    classes: list | None = None   # classifiers: class names, in output order

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def states_only(self) -> bool:
        """True for imported states (LSTMVis): no weights, so ``model`` is None."""
        return self.model is None

    def require_weights(self, what: str) -> None:
        """Raise Conflict when ``what`` (e.g. 'sentence evaluation') needs weights it lacks."""
        if self.model is None:
            raise Conflict(f"model {self.name!r}: {what} is not available: {NO_WEIGHTS}")


def train_from_config(path: str | os.PathLike, *, resume: bool = False, force: bool = False,
                      epochs: int | None = None, max_steps: int | None = None,
                      progress: bool = True, log=print, report=None):
    """Validate the config at ``path``, load its corpus, train, and store everything under its name.

    ``report`` receives the trainer's progress events (see :func:`~.training.train`).
    """
    resume, force, epochs, max_steps = TRAIN_PARAMS.check(
        dict(resume=resume, force=force, epochs=epochs, max_steps=max_steps)).values()
    cfg = load_config(path).with_absolute_paths()
    mdir = model_dir(cfg.name)
    if resume and force:
        raise UserError("use either --resume or --force, not both")
    if mdir.exists() and not (resume or force):
        raise UserError(f"model {cfg.name!r} already exists in {mdir.root} ({mdir.status()}); "
                        "use --force to retrain from scratch or --resume to continue")
    if mdir.exists() and resume:
        old = mdir.config()
        if old.to_dict() != cfg.to_dict():
            raise UserError(f"{path}: config differs from the one model {cfg.name!r} was trained "
                            "with; use --force to retrain from scratch")
    if force:
        mdir.clear()
    from ..data import Vocabulary, load_dataset

    log(f"loading {cfg.data.dataset} for {cfg.name} ...")
    corpus = load_dataset(cfg)
    summary = corpus.summary()
    log("data: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    if resume and mdir.vocab_path.exists():
        if Vocabulary.load(mdir.vocab_path).words != corpus.vocab.words:
            raise UserError(f"the corpus vocabulary changed since {cfg.name!r} was trained; "
                            "use --force to retrain")
    mdir.root.mkdir(parents=True, exist_ok=True)
    mdir.save_config(cfg)
    corpus.vocab.save(mdir.vocab_path)
    write_json(mdir.meta_path, {"classes": list(getattr(corpus, "classes", ()) or ()) or None,
                                "data": summary})
    from .training import train

    result = train(cfg, corpus, mdir, resume=resume, epochs=epochs, max_steps=max_steps,
                   progress=progress, log=log, report=report)
    return result


def format_metrics(metrics: dict) -> str:
    """One line of final metrics: ``final: valid_perplexity 123.4, test_perplexity 120.1``."""
    keys = [k for k in ("valid_perplexity", "test_perplexity", "valid_accuracy", "test_accuracy",
                        "valid_loss", "test_loss") if k in metrics]
    return "final: " + ", ".join(f"{k} {metrics[k]:.4g}" for k in keys)


@functools.lru_cache(maxsize=8)
def _load_cached(root: str, mtime: float) -> TrainedModel:
    from ..data import Vocabulary
    from .models import build_model

    mdir = ModelDir(Path(root))
    cfg = mdir.config()
    vocab = Vocabulary.load(mdir.vocab_path)
    meta = mdir.meta()
    classes = meta.get("classes")
    if meta.get("states_only"):
        return TrainedModel(cfg, vocab, None, mdir, classes)
    model = build_model(cfg, len(vocab), len(classes) if classes else meta.get("num_classes") or 2)
    model.load_weights(mdir.weights_path)
    return TrainedModel(cfg, vocab, model, mdir, classes)


def load_trained(name: str) -> TrainedModel:
    """The trained model ``name`` (cached in memory until its weights change)."""
    mdir = model_dir(name)
    if not mdir.exists():
        raise NotFound(f"unknown model {name!r}; see `python manage.py models`")
    if mdir.status() not in ("trained", "evaluated"):
        raise UserError(f"model {name!r} is not trained yet ({mdir.status()}); "
                        f"run: python manage.py train <config> --resume")
    stamp = mdir.config_path if mdir.states_only else mdir.weights_path
    return _load_cached(str(mdir.root), stamp.stat().st_mtime)


def describe(mdir: ModelDir) -> dict:
    """A JSON-able summary of one stored model (for the CLI table and the API): task, cell,
    layers, state kinds, dataset, status, metrics, evaluated splits and class names."""
    cfg = mdir.config()
    metrics = mdir.metrics() or {}
    meta = mdir.meta()
    origin = cfg.origin
    states_only = bool(meta.get("states_only"))
    return {
        "name": cfg.name,
        "task": cfg.task,
        "cell": cfg.model.cell,
        "layers": list(cfg.model.layers),
        "kinds": list(meta.get("kinds") or layer_kinds(cfg.model.cell)),
        "dataset": cfg.data.dataset,
        "status": mdir.status(),
        "metrics": {k: v for k, v in metrics.items() if k.startswith(("valid_", "test_"))},
        "description": cfg.description,
        "classes": meta.get("classes") if cfg.task == "classification" else None,
        "splits": mdir.evaluated_splits(),
        "default_split": cfg.evaluation.split,
        "source": "trained" if origin is None else origin.format,
        "origin": None if origin is None else {"format": origin.format, "file": origin.file,
                                               "imported": origin.imported},
        "states_only": states_only,
        "sentence_evaluation": {"available": not states_only,
                                "reason": NO_WEIGHTS if states_only else None},
    }


def model_rows() -> list[dict]:
    """Summaries of every stored model, sorted by name."""
    rows = []
    for mdir in list_model_dirs():
        try:
            rows.append(describe(mdir))
        except UserError as exc:  # a damaged folder is listed, not fatal
            rows.append({"name": mdir.name, "status": "broken", "error": str(exc)})
    return rows
