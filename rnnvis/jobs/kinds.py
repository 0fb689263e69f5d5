"""What a job can be: a small registry of kinds (train, evaluate, train-evaluate, import,
import-evaluate).

Each kind declares its parameters once (a :class:`~rnnvis.params.Params`, reusing the trainer's
``TRAIN_PARAMS``, the evaluator's ``EVALUATE_PARAMS`` and the import command's parameters with
its files named in the imports folder, ``importfiles.JOB_PARAMS``); from them come the API's
body, the job process's command line and its parsing. ``prepare`` checks a job before it is
queued and names the model it writes; ``run`` is what the job process does; ``resume`` gives
the options of a stopped job run again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from ..errors import Conflict, Invalid, NotFound, ParamError, UserError
from ..importing.importfiles import JOB_PARAMS as IMPORT_JOB_PARAMS
from ..modelling.manager import TRAIN_PARAMS
from ..params import CONFIG_FILE_PATTERN, CONFIG_FILE_TEXT, MODEL, Param, Params
from ..recording.evaluation import EVALUATE_PARAMS

__all__ = ["JobKind", "KINDS", "kind", "CONFIG"]

CONFIG = Param("config", "str", required=True, pattern=CONFIG_FILE_PATTERN,
               pattern_text=CONFIG_FILE_TEXT, metavar="FILE",
               help="a config file of the config folder, by name (e.g. demo-lstm.yaml)")


@dataclass(frozen=True)
class JobKind:
    """One kind of job.

    ``prepare(options) -> model name`` raises a UserError if the job cannot start (unknown or
    invalid config, a model that exists without force or resume...); ``run(options, log,
    report)`` runs in the job process; ``resume(options, model) -> options`` gives the options
    of the job run again after it stopped, or raises Conflict if it cannot continue.
    """

    name: str
    help: str
    params: Params
    prepare: Callable[[dict], str]
    run: Callable[[dict, Callable, Callable], None]
    resume: Callable[[dict, str], dict]

    def argv(self, options: dict) -> list[str]:
        """The job process's arguments after the program: the kind, then its options."""
        return [self.name, *self.params.to_argv(options)]


# ------------------------------------------------------------------ train

def _config_path(file: str):
    from ..modelling.configfiles import config_dir

    return config_dir() / file


def _load(file: str):
    """The config ``file`` of the config folder: NotFound if missing, Invalid (422, with every
    error and its line) if it does not validate."""
    from ..modelling.config import load_config
    from ..modelling.configfiles import read_config, validate_text

    errors = validate_text(read_config(file), file)
    if errors:
        raise Invalid(f"{file} is not valid; nothing was started", errors=errors)
    return load_config(_config_path(file)).with_absolute_paths()


def _has_checkpoint(mdir) -> bool:
    return (mdir.checkpoints / "state.json").exists()


def _prepare_train(options: dict) -> str:
    from ..modelling.modeldir import model_dir

    cfg = _load(options["config"])
    if options["resume"] and options["force"]:
        raise ParamError("resume and force: use one of them, not both", param="force")
    mdir = model_dir(cfg.name)
    if mdir.exists() and not (options["resume"] or options["force"]):
        raise Conflict(f"model {cfg.name!r} already exists ({mdir.status()}); train it again "
                       "from scratch with force, or continue it with resume",
                       model=cfg.name, status=mdir.status(), resumable=_has_checkpoint(mdir))
    if options["resume"] and mdir.exists() and mdir.config().to_dict() != cfg.to_dict():
        raise Conflict(f"{options['config']}: the config differs from the one model {cfg.name!r} "
                       "was trained with; train it again with force", model=cfg.name)
    return cfg.name


def _train(options: dict, log, report) -> str:
    """Train the job's config; return the model's name."""
    from ..modelling.config import load_config
    from ..modelling.manager import format_metrics, train_from_config

    path = _config_path(options["config"])
    name = load_config(path).name
    result = train_from_config(path, **{k: options[k] for k in TRAIN_PARAMS.names},
                               progress=False, log=log, report=report)
    log(format_metrics(result.metrics))
    return name


def _resume_train(options: dict, model: str) -> dict:
    from ..modelling.modeldir import model_dir

    if not _has_checkpoint(model_dir(model)):
        raise Conflict(f"model {model!r} has no checkpoint to resume from (no epoch had "
                       "finished); start a new job with force", model=model)
    return {**options, "resume": True, "force": False}


# ------------------------------------------------------------------ evaluate

def _prepare_evaluate(options: dict) -> str:
    from ..modelling.modeldir import model_dir

    name = options["name"]
    mdir = model_dir(name)
    if not mdir.exists():
        raise NotFound(f"unknown model {name!r}; see `python manage.py models`", model=name)
    if mdir.status() not in ("trained", "evaluated"):
        raise Conflict(f"model {name!r} is not trained yet ({mdir.status()}); train it first",
                       model=name)
    return name


def _evaluate(name: str, options: dict, log, report) -> None:
    from ..recording.evaluation import evaluate_model

    summary = evaluate_model(name, **{k: options[k] for k in EVALUATE_PARAMS.names},
                             progress=False, report=report)
    log(summary.text(name))


def _resume_evaluate(options: dict, model: str) -> dict:
    _prepare_evaluate(options)  # an evaluation starts over: it only needs the trained model
    return options


# ------------------------------------------------------------------ train, then evaluate

def _train_evaluate(options: dict, log, report) -> None:
    name = _train(options, log, report)
    _evaluate(name, options, log, report)


# ------------------------------------------------------------------ import (then evaluate)

def _prepare_import(options: dict) -> str:
    """Every file found inside the imports folder, the options fit the format, and the name is
    free (or ``force``)."""
    from ..importing.importer import check_options
    from ..importing.importfiles import resolve_options
    from ..modelling.modeldir import model_dir

    resolve_options(options)
    check_options(options["kind"], options["vocab"], options["mapping"], options["cell"])
    name = options["name"]
    mdir = model_dir(name)
    if mdir.exists() and not options["force"]:
        raise Conflict(f"model {name!r} already exists ({mdir.status()}); import with force to "
                       "replace it, or choose another name", model=name, status=mdir.status())
    return name


def _prepare_import_evaluate(options: dict) -> str:
    if options["kind"] == "lstmvis":
        raise ParamError("kind: LSTMVis states are imported as their evaluation already; use an "
                         "import job", param="kind")
    if options["data"] is None:
        raise ParamError("data: evaluating an import needs its corpus (a dataset, a config or "
                         "text files); without one, use an import job", param="data")
    return _prepare_import(options)


def _import(options: dict, log, report) -> str:
    """Import the job's files; return the model's name."""
    from ..importing import import_model
    from ..importing.importfiles import resolve_options
    from ..locations import imports_dir
    from ..modelling.manager import format_metrics

    try:
        s = import_model(**resolve_options(options), log=log, report=report)
    except UserError as exc:
        # the job's files are named by the imports folder's names: say them so
        exc.args = (str(exc).replace(f"{imports_dir()}{os.sep}", ""),)
        raise
    log(f"{s.name}: imported a {s.cell} {s.task.replace('_', ' ')} "
        f"({'+'.join(map(str, s.layers))} units) from {s.kind} in {s.seconds:.1f} s")
    if s.metrics:
        log(format_metrics(s.metrics))
    return s.name


def _import_evaluate(options: dict, log, report) -> None:
    _evaluate(_import(options, log, report), options, log, report)


def _resume_import(options: dict, model: str) -> dict:
    """A stopped import starts over. If it had written the model (an import-evaluate stopped
    while evaluating), the model is imported again from the same file."""
    from ..importing.importfiles import resolve
    from ..modelling.modeldir import model_dir

    mdir = model_dir(model)
    if mdir.exists() and not options["force"]:
        origin = mdir.config().origin
        if origin is None or origin.file != str(resolve(options["path"], "path")):
            raise Conflict(f"model {model!r} exists and was not imported from "
                           f"{options['path']}; start a new job with force", model=model)
        return {**options, "force": True}
    return options


#: every kind of job, by name
KINDS: dict[str, JobKind] = {k.name: k for k in (
    JobKind("train", "train a model from a config of the config folder",
            Params(CONFIG) + TRAIN_PARAMS, _prepare_train, _train, _resume_train),
    JobKind("evaluate", "record a trained model's states over a split",
            Params(MODEL) + EVALUATE_PARAMS, _prepare_evaluate,
            lambda o, log, rep: _evaluate(o["name"], o, log, rep), _resume_evaluate),
    JobKind("train-evaluate", "train a model from a config, then evaluate it",
            Params(CONFIG) + TRAIN_PARAMS + EVALUATE_PARAMS, _prepare_train, _train_evaluate,
            _resume_train),
    JobKind("import", "import a model (or LSTMVis states) from files of the imports folder",
            IMPORT_JOB_PARAMS, _prepare_import, _import, _resume_import),
    JobKind("import-evaluate", "import a model from files of the imports folder, then evaluate it",
            IMPORT_JOB_PARAMS + EVALUATE_PARAMS, _prepare_import_evaluate, _import_evaluate,
            _resume_import),
)}


def kind(name: str) -> JobKind:
    """The kind called ``name``; ParamError naming the kinds otherwise."""
    if name not in KINDS:
        from ..params import hint

        raise ParamError(f"kind: got {name!r}; expected one of: {', '.join(KINDS)}"
                         + hint(name, KINDS), param="kind")
    return KINDS[name]
