"""The plain Python API for scripts and notebooks: ``rnnvis.load(name)`` gives a :class:`Model`
whose methods return numpy arrays and plain dicts.

It is a thin layer over the library the server uses (``open_evaluation``, ``cocluster_view``,
``evaluate_text``), so every parameter is checked by the same declarations as the API's, and
results are shared with the server's caches.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import console
from .analysis.coclusterview import COCLUSTER_PARAMS, DEFAULT_TOP_K
from .errors import NotFound
from .modelling.manager import describe, model_rows
from .modelling.modeldir import list_model_dirs, model_dir, workspace
from .params import MODEL, Param, Params
from .recording.evaluation import UNIT, UNIT_PARAMS, WORD, WORD_PARAMS

__all__ = ["load", "models", "Model", "known_model", "RESPONSES_PARAMS"]

#: the parameters of :meth:`Model.responses`
RESPONSES_PARAMS = WORD_PARAMS + Params(
    Param("top_k", "int", None, min=1,
          help="only the most frequent words (default: every word that occurs)"))


def models() -> list[dict]:
    """Every stored model: name, task, cell, layers, dataset, status, metrics (as in the
    ``models`` command and ``/api/models``)."""
    return model_rows()


def known_model(name: str, field: str = "name"):
    """The folder of model ``name``; NotFound (a ValueError) listing the models that exist
    (``field``: the parameter that named it, in the message)."""
    name = replace(MODEL, name=field).check(name)
    mdir = model_dir(name)
    if not mdir.exists():
        names = [d.name for d in list_model_dirs()]
        have = f"models: {', '.join(names)}" if names else "no models yet (run `rnnvis demo`)"
        raise NotFound(f"unknown model {name!r} in {workspace()}; {have}")
    return mdir


def load(name: str) -> "Model":
    """Model ``name`` from the workspace ($RNNVIS_HOME), to query from Python."""
    return Model(name)


def _arrays(stats: dict, keys=("mean", "std")) -> dict:
    """``stats`` with the per-unit lists (and percentile bands) as numpy arrays."""
    out = {k: (np.asarray(v) if k in keys else v) for k, v in stats.items()}
    if "percentiles" in out:
        out["percentiles"] = {p: np.asarray(v) for p, v in out["percentiles"].items()}
    return out


class Model:
    """One trained or imported model and its evaluations.

    ``responses``, ``cocluster``, ``word`` and ``unit`` read an evaluation (``rnnvis evaluate
    NAME`` first); ``states`` runs the model on any text. ``layer`` counts from 0 (bottom),
    ``state`` is h, c or a gate, ``split`` defaults to the config's evaluation split.
    """

    def __init__(self, name: str):
        self.dir = known_model(name)
        self.name = self.dir.name

    @property
    def info(self) -> dict:
        """The model's summary: task, cell, layers, kinds, dataset, status, metrics, splits."""
        return describe(self.dir)

    def __repr__(self) -> str:
        i = self.info
        shape = "+".join(map(str, i["layers"]))
        return f"<rnnvis.Model {self.name!r}: {i['cell']} {shape} {i['task']}, {i['status']}>"

    def _evaluation(self, split):
        from .recording.evaluation import open_evaluation

        return open_evaluation(self.name, split)

    def responses(self, layer: int = 0, state: str = "h", *, split: str | None = None,
                  top_k: int | None = None) -> dict:
        """Expected responses s(w) of a layer and state kind, words by frequency.

        Returns ``{"words": [n], "mean": [n, units], "std": [n, units], "counts": [n],
        "layer", "state", "split"}`` (numpy arrays): ``mean[i, u]`` is unit u's mean update
        (h, c) or mean value (gates) after word ``words[i]``.
        """
        split, layer, state, top_k = RESPONSES_PARAMS.check(
            dict(split=split, layer=layer, state=state, top_k=top_k)).values()
        ev = self._evaluation(split)
        res = ev.responses(layer, state)
        ids = res.top_words(top_k)
        return {"layer": res.layer, "state": res.kind, "split": ev.split,
                "words": [ev.tm.vocab.words[i] for i in ids], "mean": res.mean[ids],
                "std": res.std[ids], "counts": res.counts[ids]}

    def cocluster(self, layer: int = 0, state: str = "h", *, k: int | None = None,
                  top_k: int = DEFAULT_TOP_K, mode: str | None = None, seed: int = 0,
                  split: str | None = None, stability: bool = False) -> dict:
        """Co-clusters of the top-K words and the units of a layer, as the Memory view shows
        them: ``word_clusters`` and ``unit_clusters`` (pair i goes together), ``links``,
        ``quality``, ``suggested_k``, ``clouds`` (plain JSON; k None = the suggested k; mode None
        = the task's default, signed for classifiers and abs for language models).
        ``stability`` also computes the bootstrap ARI (several refits)."""
        from .analysis.coclusterview import cocluster_view

        params = COCLUSTER_PARAMS.check(dict(split=split, layer=layer, state=state, k=k,
                                             top_k=top_k, mode=mode, seed=seed))
        with console.quiet_warnings():
            return cocluster_view(self.name, **params, stability=bool(stability))

    def word(self, word: str, layer: int = 0, state: str = "h", *,
             split: str | None = None) -> dict:
        """A word's response over the units of a layer: ``count``, ``mean`` and ``std``
        [units] and ``percentiles`` {"9", "25", "50", "75", "91"} -> [units] (numpy arrays)."""
        word = WORD.check(word)
        split, layer, state = WORD_PARAMS.check(dict(split=split, layer=layer, state=state)).values()
        return _arrays(self._evaluation(split).word_stats(word, layer, state))

    def unit(self, unit: int, layer: int = 0, state: str = "h", *, top: int = 10,
             split: str | None = None) -> dict:
        """A unit's strongest ``positive`` and ``negative`` words, each with its mean, std,
        count and box-plot percentiles."""
        unit = UNIT.check(unit)
        split, layer, state, top = UNIT_PARAMS.check(
            dict(split=split, layer=layer, state=state, top=top)).values()
        return self._evaluation(split).unit_stats(unit, layer, state, top=top)

    def states(self, text: str, fields: list[str] | tuple[str, ...] | None = None) -> dict:
        """Run the model on ``text`` from the zero state: ``tokens``, ``oov`` flags and per
        layer the states [tokens, units], their updates (``dh``, ``dc``) and the gates (numpy
        arrays); ``next_prob`` (language models) or ``class_probs`` and ``classes``."""
        from .modelling.manager import load_trained
        from .recording.sentence import SENTENCE_PARAMS, evaluate_text

        text, fields = SENTENCE_PARAMS.check(dict(text=text, fields=fields)).values()
        with console.quiet_warnings():
            return evaluate_text(load_trained(self.name), text, fields=fields)

    def show(self, view: str = "memory", **state) -> None:
        """Show a view of this model inline in a notebook (see :func:`rnnvis.show`)."""
        from .notebook import show

        show(self.name, view=view, **state)
