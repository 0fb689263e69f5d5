"""The config endpoints of /api: list, read, validate and save YAML files of the config folder."""

from __future__ import annotations

from rnnvis.errors import Invalid
from rnnvis.modelling.configfiles import MAX_BYTES
from rnnvis.params import CONFIG_FILE_PATTERN, CONFIG_FILE_TEXT, Param, Params

from .endpoints import array, endpoint, obj

FILE = Param("file", "str", required=True, pattern=CONFIG_FILE_PATTERN,
             pattern_text=CONFIG_FILE_TEXT, help="a config file name in the config folder, "
                                                 "e.g. demo-lstm.yaml")
TEXT = Param("text", "str", required=True, max_length=MAX_BYTES, help="the YAML text")
_ERRORS = array(obj("key", "message", "line"))


@endpoint("GET", "/configs", errors=(), response=obj("configs", configs=array(obj("file", "valid"))))
def configs():
    """Config files with their validation status."""
    from rnnvis.modelling.configfiles import list_configs

    return {"configs": list_configs()}


@endpoint("GET", "/configs/<file:file>", path=Params(FILE), response=obj("file", "text"))
def config_text(file):
    """One config file as YAML text."""
    from rnnvis.modelling.configfiles import read_config

    return {"file": file, "text": read_config(file)}


@endpoint("POST", "/configs/validate",
          body=Params(TEXT, Param("file", "str", None, max_length=200,
                                  help="the file name to report errors under")),
          response=obj("valid", "errors", errors=_ERRORS))
def config_validate(text, file):
    """Validate YAML text without saving; errors carry their key and line."""
    from rnnvis.modelling.configfiles import validate_text

    errors = validate_text(text, file or "<config>")
    return {"valid": not errors, "errors": errors}


@endpoint("PUT", "/configs/<file:file>", path=Params(FILE), body=Params(TEXT), errors=(400, 404, 422),
          response=obj("file", "valid"))
def config_save(file, text):
    """Validate, then write the config inside the config folder only, atomically."""
    from rnnvis.modelling.configfiles import write_config

    errors = write_config(file, text)
    if errors:
        raise Invalid(f"{file} is not valid; nothing was saved", errors=errors)
    return {"file": file, "valid": True}
