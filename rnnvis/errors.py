"""The user-error base class: anything a user can fix gets one clear line, not a traceback."""

__all__ = ["UserError", "NotFound"]


class UserError(ValueError):
    """A problem with the user's input (a path, a name, an option); the CLI exits 2 on it."""


class NotFound(UserError):
    """A named thing (model, word, unit, file) does not exist; the API answers 404."""
