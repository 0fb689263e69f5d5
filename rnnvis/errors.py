"""One error family: everything a user can fix derives from :class:`UserError`.

The command line prints a user error as one line and exits 2; the API answers it as a 4xx
JSON ``{"error": message, ...extra}`` with the class's ``status``. Any other exception is a
bug: the CLI shows its traceback, the API answers 500 and logs it.
"""

from __future__ import annotations

__all__ = ["UserError", "NotFound", "Conflict", "NoStates", "TooLarge", "TooBusy", "Invalid",
           "Unauthorized", "Forbidden",
           "ParamError",
           "ConfigError", "DatasetError", "RecordingError", "CoclusterError", "LayoutError",
           "ModelImportError", "Incompatible"]


class UserError(ValueError):
    """A problem with the user's input (a path, a name, an option, a file's content).

    ``status`` is the HTTP status the API answers with; keyword arguments become extra
    fields of the JSON error (e.g. ``param="k"`` or ``errors=[...]``).
    """

    status = 400

    def __init__(self, message: str = "", **extra):
        super().__init__(message)
        self.extra = extra


class NotFound(UserError):
    """A named thing (model, word, unit, file, evaluation) does not exist (404)."""

    status = 404


class Conflict(UserError):
    """The request clashes with what exists, e.g. a model name that is taken (409)."""

    status = 409


class TooLarge(UserError):
    """The input is larger than allowed, e.g. a text with too many tokens (413)."""

    status = 413


class Invalid(UserError):
    """Well-formed input whose content is not valid, e.g. a config to save (422)."""

    status = 422


class NoStates(Conflict):
    """The evaluation kept aggregates only (``--no-store``): re-evaluate for per-token states."""


class TooBusy(UserError):
    """Too much work is already waiting, e.g. the job queue is full (429)."""

    status = 429


class Unauthorized(UserError):
    """The server wants its token (``serve --token``) and the request lacks it (401)."""

    status = 401


class Forbidden(UserError):
    """The request may not touch what it names, e.g. a symbolic link out of the imports folder,
    or an upload from another site's page (403)."""

    status = 403


class ParamError(UserError):
    """A request or command parameter is missing, of the wrong type or out of bounds."""


class ConfigError(UserError):
    """A config is invalid. ``errors`` holds one line per problem, each naming file and key."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(self.errors[0] if len(self.errors) == 1 else
                         f"{len(self.errors)} errors:\n" + "\n".join(self.errors))


class DatasetError(UserError):
    """A dataset cannot be loaded: missing file, column or package, empty split, bad vocabulary.

    The message is one line and names the file, key or package involved.
    """


class RecordingError(UserError):
    """The recorder cannot run these inputs or this model (bad token ids, unsupported layer)."""


class CoclusterError(UserError):
    """Invalid input or parameters for co-clustering (too few words for k, a bad matrix)."""


class LayoutError(UserError):
    """A word cloud cannot be laid out (a word that never fits, bad weights)."""


class ModelImportError(UserError):
    """A model or state file cannot be imported: unsupported layer, missing weights, bad shape."""


class Incompatible(Invalid):
    """Two models cannot be compared token by token: different vocabularies, splits or tokens
    (422)."""
