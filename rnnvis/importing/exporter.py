"""``export_model``: a model's recorded states and words in LSTMVis's layout, or its weights as
a Keras ``.keras`` file, written whole or not at all."""

from __future__ import annotations

from pathlib import Path

from ..atomic import atomic_dir, atomic_path
from ..errors import Conflict, UserError
from ..params import MODEL, SPLIT, Param, Params

__all__ = ["export_model", "EXPORT_PARAMS", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("lstmvis", "keras")

#: what an export takes
EXPORT_PARAMS = Params(
    MODEL,
    Param("format", "str", required=True, choices=EXPORT_FORMATS, help="what to write",
          choice_help={"lstmvis": "a folder: states.h5, words.h5, words.dict, lstm.yml",
                       "keras": "a .keras file with the weights"}),
    Param("out", "str", required=True, max_length=4096, metavar="PATH",
          help="the folder (lstmvis) or .keras file (keras) to write"),
    SPLIT,
    Param("force", "bool", False, help="replace an existing output"))


def export_model(name: str, format: str, out: str, split: str | None = None,
                 force: bool = False) -> Path:
    """Write model ``name`` as ``format`` to ``out``; return the path written."""
    values = EXPORT_PARAMS.check(dict(name=name, format=format, out=out, split=split, force=force))
    out = Path(values["out"]).expanduser()
    if out.exists() and not force:
        raise Conflict(f"{out} already exists; use --force to replace it")
    if format == "keras":
        return _keras(name, out)
    return _lstmvis(name, out, values["split"], force)


def _keras(name: str, out: Path) -> Path:
    from ..modelling.manager import load_trained

    if out.suffix != ".keras":
        raise UserError(f"--out: {out}: a Keras file name must end in .keras")
    tm = load_trained(name)
    tm.require_weights("export as Keras")
    with atomic_path(out, suffix=".keras") as tmp:
        tm.model.save(tmp)
    return out


def _lstmvis(name: str, out: Path, split: str | None, force: bool) -> Path:
    from ..recording.evaluation import open_evaluation
    from .lstmvis import write_project

    ev = open_evaluation(name, split)
    store = ev.store
    if not store.has_states:
        raise UserError(f"the {ev.split} evaluation of {name!r} kept aggregates only "
                        f"(--no-store); run: python manage.py evaluate {name} --split {ev.split}")
    layers = [{k: store.array(l, k) for k in ("h", "c") if k in store.keys[l]}
              for l in range(len(store.units))]
    with atomic_dir(out, replace=force) as tmp:
        write_project(tmp, name, list(ev.tm.vocab.words), store.tokens, layers,
                      f"exported from rnnvis: model {name}, {ev.split} split")
    return out
