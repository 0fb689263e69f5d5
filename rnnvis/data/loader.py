"""``load_dataset``: the one entry point from a model config to a corpus."""

from __future__ import annotations

from rnnvis.modelling.config import NO_DATASET, SYNTHETIC_DATASETS, ModelConfig

from .corpus import ClassificationCorpus, LMCorpus
from ..errors import DatasetError
from .files import load_csv, load_text
from .ptb import load_ptb
from .reviews import load_reviews
from .shakespeare import load_shakespeare
from .synthetic import load_synthetic

__all__ = ["load_dataset", "LANGUAGE_MODEL_DATASETS", "CLASSIFICATION_DATASETS"]

CLASSIFICATION_DATASETS = ("imdb", "rotten_tomatoes", "csv")
LANGUAGE_MODEL_DATASETS = ("ptb", "shakespeare", "text") + tuple(SYNTHETIC_DATASETS)


def load_dataset(cfg: ModelConfig, vocab=None) -> LMCorpus | ClassificationCorpus:
    """Load, split, tokenise and encode ``cfg.data`` for ``cfg.task``.

    Language models get an :class:`LMCorpus`, classifiers a :class:`ClassificationCorpus`;
    the vocabulary is built from the train split only. Relative paths resolve against
    ``cfg.base_dir``. A given ``vocab`` (an imported model's) encodes every split instead.
    Raises :class:`DatasetError` for anything the user must fix.
    """
    data = cfg.data
    if data.dataset == NO_DATASET:
        raise DatasetError(f"model {cfg.name!r} was imported without a corpus; import it again "
                           "with --data to evaluate it")
    allowed = CLASSIFICATION_DATASETS if cfg.task == "classification" else LANGUAGE_MODEL_DATASETS
    if data.dataset not in allowed:
        raise DatasetError(f"data.dataset: {data.dataset!r} cannot be used for task {cfg.task!r}; "
                           f"choose from {', '.join(allowed)}")
    if data.dataset == "ptb":
        return load_ptb(data, vocab)
    if data.dataset == "shakespeare":
        return load_shakespeare(data, vocab)
    if data.dataset in ("imdb", "rotten_tomatoes"):
        return load_reviews(data, vocab)
    if data.dataset == "text":
        return load_text(data, cfg.base_dir, vocab)
    if data.dataset == "csv":
        return load_csv(data, cfg.base_dir, vocab)
    return load_synthetic(data, vocab)
