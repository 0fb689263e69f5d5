"""The imports folder of /api: list it, upload a file into it (multipart), delete one. An import
job (``POST /api/jobs/import``) then names these files."""

from __future__ import annotations

from flask import current_app

from rnnvis.importing.importfiles import DATASETS, EXTENSIONS, FILE, UPLOAD_PARAMS
from rnnvis.params import Params

from .endpoints import Upload, array, endpoint, obj

_NUMBER, _TEXT = {"type": "number"}, {"type": "string"}
_FILE = obj("name", "size", "modified", "kind", "fits", name=_TEXT, size={"type": "integer"},
            modified=_NUMBER, kind=_TEXT, fits=array(_TEXT))
#: the largest upload, in bytes (``serve --max-upload``)
LIMIT = "IMPORTS_MAX_BYTES"
UPLOAD = Upload("file", "the file to keep in the imports folder, under its own name", LIMIT)


@endpoint("GET", "/imports", errors=(),
          response=obj("files", "max_bytes", "extensions", "datasets", files=array(_FILE),
                       max_bytes={"type": "integer"}, extensions={"type": "object"},
                       datasets=array(_TEXT)))
def import_files():
    """The files of the imports folder (name, size, kind guessed by extension, the import
    options each fits), the largest upload, every extension taken, and the dataset names an
    import's corpus may be."""
    from rnnvis.importing.importfiles import list_files

    return {"files": list_files(), "max_bytes": current_app.config[LIMIT],
            "extensions": {ext: {"kind": k.kind, "fits": list(k.fits), "help": k.help}
                           for ext, k in EXTENSIONS.items()},
            "datasets": list(DATASETS)}


@endpoint("POST", "/imports", query=UPLOAD_PARAMS, upload=UPLOAD, errors=(400, 403, 409, 413),
          response=_FILE)
def import_upload(file, overwrite):
    """Upload one file into the imports folder, written whole or not at all: 409 if the name
    is taken (unless ``overwrite``), 413 beyond the size cap, 400 for a path or an extension
    the folder does not take."""
    from rnnvis.importing.importfiles import save_upload

    try:
        return save_upload(file.stream, file.filename, overwrite=overwrite,
                           max_bytes=current_app.config[LIMIT])
    finally:
        file.close()


@endpoint("DELETE", "/imports/<file:file>", path=Params(FILE), errors=(400, 404),
          response=obj("deleted", deleted=_TEXT))
def import_delete(file):
    """Remove a file from the imports folder."""
    from rnnvis.importing.importfiles import delete_file

    return delete_file(file)
