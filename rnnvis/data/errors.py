"""The one exception type data loading raises for problems the user can fix."""

from __future__ import annotations

__all__ = ["DatasetError"]


class DatasetError(ValueError):
    """A dataset cannot be loaded: missing file, column or package, empty split, bad vocabulary.

    The message is one line and names the file, key or package involved.
    """
