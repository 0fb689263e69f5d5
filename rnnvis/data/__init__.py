"""Datasets for rnnvis: built-in corpora, the user's files and synthetic tasks.

``load_dataset(cfg)`` turns a model config into an :class:`LMCorpus` (language model) or a
:class:`ClassificationCorpus`; ``tokenizer_for(cfg.data)`` gives the exact per-line
tokenisation, for typed text.
"""

from .corpus import ClassificationCorpus, LMCorpus
from ..errors import DatasetError
from .loader import load_dataset
from .synthetic import generate as generate_synthetic
from .tokenize import tokenizer_for
from .vocab import EOS, PAD, PAD_ID, UNK, UNK_ID, Vocabulary

__all__ = ["load_dataset", "tokenizer_for", "Vocabulary", "LMCorpus", "ClassificationCorpus",
           "DatasetError", "generate_synthetic", "PAD", "UNK", "EOS", "PAD_ID", "UNK_ID"]
