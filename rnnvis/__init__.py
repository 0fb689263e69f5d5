"""rnnvis: see what the hidden memory of a recurrent network has learned.

The package's folders follow the pipeline: ``modelling`` (configs, models, training, model
folders) -> ``data`` (corpora, vocabularies) -> ``recording`` (states, responses, evaluations)
-> ``analysis`` (co-clusters, word clouds, graphs); ``params`` declares every request
parameter once and ``errors`` holds the one error family.
"""

__version__ = "0.6.0"
