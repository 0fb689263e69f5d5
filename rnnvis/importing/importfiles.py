"""The imports folder, ``$RNNVIS_HOME/imports/``: the files a browser user uploads and an import
job reads (a model, its vocabulary, a corpus, a safetensors mapping, LSTMVis states).

Jobs and the API name these files by file name only, never by path: a name with a folder in
it does not match :data:`FILE_PATTERN`, and a symbolic link that leads out of the folder is
refused. An import job's options are the import command's (:data:`IMPORT_PARAMS`), with its
file options restricted to such names (:data:`JOB_PARAMS`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from .. import locations
from ..atomic import atomic_path
from ..errors import Conflict, Forbidden, NotFound, ParamError, TooLarge
from ..modelling.config import BUILTIN_DATASETS, SYNTHETIC_DATASETS
from ..params import Param, Params
from .importer import IMPORT_PARAMS

__all__ = ["FILE_PATTERN", "FILE_TEXT", "FILE", "EXTENSIONS", "UPLOAD_PARAMS", "JOB_PARAMS",
           "MAX_UPLOAD", "DATASETS", "imports_dir", "list_files", "resolve", "resolve_data",
           "resolve_options", "upload_name", "save_upload", "delete_file"]

#: a file of the imports folder: a name, no folders (so no '..' and no leading '/')
FILE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
FILE_TEXT = ("a file name of the imports folder: letters, digits, '.', '_' or '-', starting "
             "with a letter or digit (no folders)")
FILE = Param("file", "str", required=True, pattern=FILE_PATTERN, pattern_text=FILE_TEXT,
             help="a file of the imports folder, by name")
#: the largest upload the server takes by default (``serve --max-upload``), in bytes
MAX_UPLOAD = 512 << 20
#: what ``data`` may name besides files: the datasets rnnvis reads itself
DATASETS = BUILTIN_DATASETS + SYNTHETIC_DATASETS
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileKind:
    """What a file of the imports folder is, guessed by its extension, and which import
    options it can be given to (``path``, ``vocab``, ``data``, ``mapping``)."""

    kind: str
    fits: tuple[str, ...]
    help: str


_H5 = FileKind("lstmvis", ("path", "data"), "LSTMVis states, or their word ids (data)")
_YAML = FileKind("mapping", ("mapping",), "the names of a safetensors file's tensors")
_TABLE = FileKind("corpus", ("data",), "a labelled corpus (text and label columns)")
#: every extension the imports folder takes
EXTENSIONS: dict[str, FileKind] = {
    ".keras": FileKind("keras", ("path",), "a Keras 3 model"),
    ".onnx": FileKind("onnx", ("path",), "an ONNX graph"),
    ".safetensors": FileKind("safetensors", ("path",), "a PyTorch state dict"),
    ".h5": _H5, ".hdf5": _H5,
    ".dict": FileKind("vocabulary", ("vocab",), "an LSTMVis dictionary (token id per line)"),
    ".json": FileKind("vocabulary", ("vocab",), "a JSON vocabulary"),
    ".txt": FileKind("text", ("vocab", "data"), "a vocabulary (one token per line) or a corpus"),
    ".yaml": _YAML, ".yml": _YAML,
    ".csv": _TABLE, ".tsv": _TABLE,
}

UPLOAD_PARAMS = Params(Param("overwrite", "bool", False,
                             help="replace a file of the same name in the imports folder"))


def _in_folder(param: Param, help: str, pattern: str = FILE_PATTERN, text: str = FILE_TEXT) -> Param:
    """An import option restricted to names of the imports folder (same name and choices)."""
    return dataclasses.replace(param, pattern=pattern, pattern_text=text, max_length=None,
                               help=help)


#: an import job's options: the import command's, with file options by name (no paths)
JOB_PARAMS = IMPORT_PARAMS.replace(
    path=_in_folder(IMPORT_PARAMS["path"], "the model file (lstmvis: the states .h5) in the "
                    "imports folder, by name"),
    vocab=_in_folder(IMPORT_PARAMS["vocab"], "the vocabulary in the imports folder, by name "
                     "(text, JSON or an LSTMVis .dict)"),
    data=_in_folder(IMPORT_PARAMS["data"], "the corpus: a dataset name (ptb, ...), a config of "
                    "the config folder (its data: section), or files of the imports folder "
                    "(text/CSV: train[,valid,test]; lstmvis: the word-id .h5)",
                    rf"{FILE_PATTERN}(?:,{FILE_PATTERN}){{0,2}}",
                    "a dataset name, a config file name, or 1-3 file names of the imports "
                    "folder separated by commas (no folders)"),
    mapping=_in_folder(IMPORT_PARAMS["mapping"], "safetensors: the YAML mapping in the imports "
                       "folder, by name"))


def imports_dir() -> Path:
    """``$RNNVIS_HOME/imports/`` (rnnvis.locations)."""
    return locations.imports_dir()


def _kind(name: str) -> FileKind | None:
    return EXTENSIONS.get(Path(name).suffix.lower())


def _describe(path: Path) -> dict:
    """A file for the page: name, size in bytes, modification time, guessed kind, what it fits."""
    st = path.stat()
    kind = _kind(path.name)
    return {"name": path.name, "size": st.st_size, "modified": st.st_mtime,
            "kind": kind.kind if kind else "other", "fits": list(kind.fits) if kind else []}


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def list_files() -> list[dict]:
    """The files of the imports folder, by name (temporary files and links out are left out)."""
    folder = imports_dir()
    if not folder.is_dir():
        return []
    return [_describe(p) for p in sorted(folder.iterdir())
            if re.fullmatch(FILE_PATTERN, p.name) and _inside(p, folder) and p.is_file()]


def resolve(name: str, option: str = "file") -> Path:
    """The path of file ``name`` of the imports folder; ``option`` names it in errors.

    ParamError for a name with a folder in it, Forbidden (403) for a symbolic link that leads
    out of the folder, NotFound if there is no such file.
    """
    if not isinstance(name, str) or not re.fullmatch(FILE_PATTERN, name):
        raise ParamError(f"{option}: got {name!r}; expected {FILE_TEXT}", param=option)
    folder = imports_dir()
    path = folder / name
    if path.is_symlink() and not _inside(path, folder):
        raise Forbidden(f"{option}: {name} is a symbolic link out of the imports folder; only "
                        "files inside it can be imported", param=option)
    if not path.is_file():
        raise NotFound(f"{option}: no file {name!r} in the imports folder ({folder}); upload it "
                       "first", param=option)
    return path


def resolve_data(data: str | None) -> str | None:
    """The import's ``data`` for a job's ``data`` (see :data:`JOB_PARAMS`): a dataset name as
    is, a config of the config folder or files of the imports folder as absolute paths."""
    if data is None:
        return None
    names = data.split(",")
    if len(names) == 1 and Path(data).suffix.lower() in (".yaml", ".yml"):
        from ..modelling.configfiles import config_dir, read_config

        read_config(data)   # checks the name; NotFound if there is no such config
        return str(config_dir().resolve() / data)
    if len(names) == 1 and data in DATASETS:
        return data
    return ",".join(str(resolve(n, "data")) for n in names)


def resolve_options(options: dict) -> dict:
    """An import job's checked options (and maybe others, e.g. an evaluation's) as
    :func:`~rnnvis.importing.import_model`'s arguments: every file resolved inside the imports
    folder (see :func:`resolve`)."""
    out = {name: options.get(name) for name in JOB_PARAMS.names}
    for key in ("path", "vocab", "mapping"):
        if out.get(key) is not None:
            out[key] = str(resolve(out[key], key))
    out["data"] = resolve_data(out.get("data"))
    return out


def upload_name(filename: str | None) -> str:
    """The name an uploaded file is kept under: its own name, with each run of characters
    other than letters, digits, '.', '_' and '-' made one '-'. A path (a '/' or '\\\\ in it, or
    '..') is refused, as is an extension the imports folder does not take."""
    if not filename:
        raise ParamError("file: the upload has no file name", param="file")
    if "/" in filename or "\\" in filename or filename in (".", ".."):
        raise ParamError(f"file: {filename!r} is a path; an upload is named by its file name "
                         "only", param="file")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).lstrip("._-")
    if not re.fullmatch(FILE_PATTERN, name):
        raise ParamError(f"file: {filename!r} cannot be a file name of the imports folder; "
                         f"rename it to {FILE_TEXT}", param="file")
    if _kind(name) is None:
        raise ParamError(f"file: {filename!r}: the imports folder takes "
                         f"{', '.join(EXTENSIONS)} files", param="file")
    return name


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.4g} MiB"


def save_upload(stream, filename: str | None, overwrite: bool = False,
                max_bytes: int = MAX_UPLOAD) -> dict:
    """Write an uploaded file (a binary ``stream``) into the imports folder, atomically; return
    it as :func:`list_files` lists it. Conflict if the name is taken and not ``overwrite``;
    TooLarge beyond ``max_bytes`` (nothing is kept)."""
    name = upload_name(filename)
    folder = imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    taken = (f"{name} is already in the imports folder; upload it with overwrite to replace "
             "it, or rename the file")
    if target.is_dir() and not target.is_symlink():
        raise Conflict(f"{name} is a folder in the imports folder; rename the file", file=name)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise Conflict(taken, file=name)
    size = 0
    try:
        with atomic_path(target, replace=overwrite) as tmp, open(tmp, "wb") as out:
            while block := stream.read(_CHUNK):
                size += len(block)
                if size > max_bytes:
                    raise TooLarge(f"{name}: larger than {_mib(max_bytes)}, the most an upload "
                                   "may be (serve --max-upload); nothing was kept", file=name)
                out.write(block)
    except FileExistsError:   # another upload took the name meanwhile
        raise Conflict(taken, file=name) from None
    return _describe(target)


def delete_file(name: str) -> dict:
    """Remove file ``name`` from the imports folder (a link is removed, not what it points to)."""
    folder = imports_dir()
    path = folder / name
    if not re.fullmatch(FILE_PATTERN, name) or not (path.is_file() or path.is_symlink()):
        raise NotFound(f"no file {name!r} in the imports folder ({folder})", param="file")
    path.unlink()
    return {"deleted": name}
