"""rnnvis: see what the hidden memory of a recurrent network has learned.

The package's folders follow the pipeline: ``modelling`` (configs, models, training, model
folders) -> ``data`` (corpora, vocabularies) -> ``recording`` (states, responses, evaluations)
-> ``analysis`` (co-clusters, word clouds, graphs); ``params`` declares every request
parameter once and ``errors`` holds the one error family.

From Python and notebooks: ``rnnvis.load(name)`` (a :class:`~rnnvis.scripting.Model` with
``responses``, ``cocluster``, ``word``, ``unit``, ``states``), ``rnnvis.models()``, and
``rnnvis.show(name, view="memory", ...)`` for a view inline in Jupyter. Importing rnnvis is
light: these load TensorFlow and the server only when called.
"""

__version__ = "0.6.0"

#: public names loaded on first use (PEP 562), so `import rnnvis` stays light
_LAZY = {"show": "rnnvis.notebook", "url": "rnnvis.notebook", "load": "rnnvis.scripting",
         "models": "rnnvis.scripting", "Model": "rnnvis.scripting"}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rnnvis' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY])
