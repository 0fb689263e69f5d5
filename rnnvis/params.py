"""Request parameters, each declared once: name, type, bounds or choices, default and help.

A :class:`Param` is a LIT-style typed spec. Everything else is derived from it: the API's
validation (:meth:`Params.parse` on a query string or JSON body), the OpenAPI document
(:meth:`Param.schema`), the command line's options (:meth:`Params.add_arguments`) and the
browser's controls (:meth:`Params.to_json`, served by ``/api/analyses``). A view or analysis
declares its parameters as a :class:`Params` next to the code that uses them.
"""

from __future__ import annotations

import argparse
import difflib
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .errors import ParamError

__all__ = ["Param", "Params", "SPLITS", "STATE_KINDS", "SPLIT", "LAYER", "STATE", "SEED",
           "MODEL", "NAME_PATTERN", "CONFIG_FILE_PATTERN", "hint"]

#: the splits every corpus is cut into, in order
SPLITS = ("train", "valid", "test")
#: every state kind a cell can record: h (every cell), LSTM c and gates i f o g, GRU z r hh
STATE_KINDS = ("h", "c", "i", "f", "o", "g", "z", "r", "hh")

_TYPES = ("int", "float", "str", "bool", "ints", "strs")
_SCHEMA_TYPE = {"int": "integer", "float": "number", "str": "string", "bool": "boolean"}


def _show(value, limit: int = 60) -> str:
    """``repr(value)``, shortened so an error never echoes a whole text."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + "...'"


def hint(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or ``""``."""
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Param:
    """One parameter: ``kind`` is int, float, str, bool, ints or strs (comma-separated lists).

    ``default`` None with ``required`` False means "absent" (the callee decides, e.g. the
    suggested k). ``min``/``max`` bound numbers (and every item of a list); ``choices``
    lists the allowed strings (``choice_help`` explains each); ``max_length`` caps strings,
    ``max_items`` lists.
    """

    name: str
    kind: str
    default: Any = None
    help: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    required: bool = False
    max_length: int | None = None
    max_items: int | None = None
    metavar: str | None = None
    choice_help: Mapping[str, str] | None = None   # one line of help per choice
    pattern: str | None = None        # a regular expression the whole string must match
    pattern_text: str | None = None   # what the pattern allows, in words

    def __post_init__(self):
        if self.kind not in _TYPES:
            raise TypeError(f"Param {self.name}: kind {self.kind!r} is not one of {_TYPES}")

    # ------------------------------------------------------------------ checking
    @property
    def item_kind(self) -> str:
        """The kind of one value (the item kind for lists)."""
        return {"ints": "int", "strs": "str"}.get(self.kind, self.kind)

    def expected(self) -> str:
        """What is allowed, in words: 'an integer from 2 to 30', 'one of: abs, signed'."""
        k = self.item_kind
        if self.choices:
            text = "one of: " + ", ".join(map(str, self.choices))
        elif k in ("int", "float"):
            noun = "an integer" if k == "int" else "a number"
            lo, hi = (None if v is None else f"{v:d}" if isinstance(v, int) else f"{v:g}"
                      for v in (self.min, self.max))
            if lo is not None and hi is not None:
                text = f"{noun} from {lo} to {hi}"
            elif lo is not None:
                text = f"{noun} >= {lo}"
            elif hi is not None:
                text = f"{noun} <= {hi}"
            else:
                text = noun
        elif k == "bool":
            text = "true or false"
        elif self.pattern:
            text = self.pattern_text or f"a string matching {self.pattern}"
        else:
            text = "a string" + (f" of at most {self.max_length} characters" if self.max_length else "")
        if self.kind in ("ints", "strs"):
            n = f"at most {self.max_items} " if self.max_items else ""
            return f"a list of {n}values, each {text}"
        return text

    def _fail(self, value) -> ParamError:
        return ParamError(f"{self.name}: got {_show(value)}; expected {self.expected()}",
                          param=self.name)

    def _one(self, value, shown):
        k = self.item_kind
        if k == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise self._fail(shown)
        elif k == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise self._fail(shown)
            value = float(value)
        elif k == "bool":
            if not isinstance(value, bool):
                raise self._fail(shown)
        elif not isinstance(value, str) or (self.max_length and len(value) > self.max_length) or \
                (self.pattern and not re.fullmatch(self.pattern, value)):
            raise self._fail(shown)
        if self.choices is not None and value not in self.choices:
            raise ParamError(f"{self.name}: got {_show(shown)}; expected {self.expected()}"
                             + hint(str(value), self.choices), param=self.name)
        if k in ("int", "float") and ((self.min is not None and value < self.min) or
                                      (self.max is not None and value > self.max)):
            raise self._fail(shown)
        return value

    def check(self, value):
        """``value`` (a Python value) validated and normalised; ParamError names the parameter."""
        if value is None:
            if self.required:
                raise ParamError(f"{self.name}: missing; expected {self.expected()}", param=self.name)
            return self.default
        if self.kind in ("ints", "strs"):
            if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
                raise self._fail(value)
            if not value or (self.max_items and len(value) > self.max_items):
                raise self._fail(value)
            return tuple(self._one(v, v) for v in value)
        return self._one(value, value)

    def parse(self, raw: str | None):
        """A query-string or command-line text turned into a checked value ('' = absent)."""
        if raw is None or raw == "":
            return self.check(None)
        if self.kind in ("ints", "strs"):
            parts = [p.strip() for p in raw.split(",")]
            if any(p == "" for p in parts):
                raise self._fail(raw)
            return self.check([self._text_value(p, raw) for p in parts])
        return self.check(self._text_value(raw, raw))

    def _text_value(self, text: str, shown: str):
        k = self.item_kind
        try:
            if k == "int":
                return int(text)
            if k == "float":
                return float(text)
        except ValueError:
            raise self._fail(shown) from None
        if k == "bool":
            low = text.lower()
            if low in ("1", "true", "yes"):
                return True
            if low in ("0", "false", "no"):
                return False
            raise self._fail(shown)
        return text

    # ------------------------------------------------------------------ derived forms
    def schema(self) -> dict:
        """The JSON schema of the value (OpenAPI 3.1)."""
        item: dict = {"type": _SCHEMA_TYPE[self.item_kind]}
        if self.choices is not None:
            item["enum"] = list(self.choices)
        if self.min is not None:
            item["minimum"] = self.min
        if self.max is not None:
            item["maximum"] = self.max
        if self.max_length is not None:
            item["maxLength"] = self.max_length
        if self.pattern is not None:
            item["pattern"] = f"^{self.pattern}$"
        if self.kind in ("ints", "strs"):
            out = {"type": "array", "items": item, "minItems": 1}
            if self.max_items:
                out["maxItems"] = self.max_items
            return out
        if self.default is not None:
            item["default"] = self.default
        return item

    def openapi(self, where: str = "query") -> dict:
        """An OpenAPI parameter object (lists are comma-separated, ``explode: false``).

        An optional query parameter given empty (``?split=``) is absent (:meth:`parse`), so it
        is declared ``allowEmptyValue`` and its choices and pattern admit the empty string too.
        """
        schema = self.schema()
        if where == "query" and not self.required and self.kind == "str":
            if "enum" in schema:
                schema["enum"] = [*schema["enum"], ""]
            if "pattern" in schema:
                schema["pattern"] = f"^(?:{self.pattern})?$"
        out = {"name": self.name, "in": where, "required": self.required or where == "path",
               "schema": schema, "description": self.help}
        if self.kind in ("ints", "strs"):
            out.update(style="form", explode=False)
        if where == "query" and not self.required:
            out["allowEmptyValue"] = True   # `?k=` reads as absent (see parse)
        return out

    def to_json(self) -> dict:
        """The spec for the browser: type, default, bounds or choices, help."""
        out = {"name": self.name, "type": self.kind, "default": self.default, "help": self.help,
               "required": self.required}
        for key in ("min", "max", "choices", "max_length", "max_items", "choice_help", "pattern"):
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if key == "choices" else value
        return out

    @property
    def flag(self) -> str:
        """The command-line option: ``--top-k`` for ``top_k``."""
        return "--" + self.name.replace("_", "-")

    def add_argument(self, parser: argparse.ArgumentParser, positional: bool = False,
                     default=None) -> None:
        """Add this parameter to an argparse parser, validated by :meth:`parse`."""

        def convert(text):
            try:
                return self.parse(text)
            except ParamError as exc:
                raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[-1]) from None

        value = self.default if default is None else default
        if self.kind == "bool" and not positional:
            parser.add_argument(self.flag, dest=self.name, action="store_true", help=self.help)
            return
        extra = f" (default {value})" if value is not None and not self.required else ""
        helptext = (self.help + extra) if self.help else extra.strip(" ()")
        if self.choices and self.kind == "str":
            helptext += f" [{', '.join(map(str, self.choices))}]"
        kwargs = dict(type=convert, help=helptext, metavar=self.metavar or
                      (self.name.upper() if positional else None))
        if positional:
            # an optional positional (not required) may be left out: ``similarity NAME [NAME2]``
            extra_kw = {} if self.required else {"nargs": "?", "default": value}
            parser.add_argument(self.name, **kwargs, **extra_kw)
        else:
            parser.add_argument(self.flag, dest=self.name, default=value,
                                required=self.required, **kwargs)


class Params:
    """An ordered set of :class:`Param` that a request or command takes."""

    def __init__(self, *params: Param):
        self.items = tuple(params)
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise TypeError(f"duplicate parameter names in {names}")

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __add__(self, other: "Params") -> "Params":
        return Params(*self.items, *(p for p in other.items if p.name not in self.names))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.items)

    def __getitem__(self, name: str) -> Param:
        for p in self.items:
            if p.name == name:
                return p
        raise KeyError(name)

    def without(self, *names: str) -> "Params":
        """The same set without ``names``."""
        return Params(*(p for p in self.items if p.name not in names))

    def replace(self, **params: Param) -> "Params":
        """The same set with some parameters replaced by name (order kept)."""
        return Params(*(params.get(p.name, p) for p in self.items))

    def parse(self, args: Mapping[str, str], strict: bool = True) -> dict:
        """Checked values from text (a query string); unknown names are errors if ``strict``."""
        if strict:
            for key in args:
                if key not in self.names:
                    allowed = ", ".join(self.names) or "none"
                    raise ParamError(f"{key}: unknown parameter; allowed: {allowed}"
                                     + hint(key, self.names), param=key)
        return {p.name: p.parse(args.get(p.name)) for p in self.items}

    def check(self, values: Mapping[str, Any], strict: bool = True) -> dict:
        """Checked values from Python values (a JSON body or keyword arguments)."""
        if not isinstance(values, Mapping):
            raise ParamError(f"expected a JSON object with {', '.join(self.names)}")
        if strict:
            for key in values:
                if key not in self.names:
                    raise ParamError(f"{key}: unknown field; allowed: {', '.join(self.names)}"
                                     + hint(key, self.names), param=key)
        return {p.name: p.check(values.get(p.name)) for p in self.items}

    def body_schema(self) -> dict:
        """The JSON schema of an object with these fields (null stands for an absent field)."""

        def nullable(p):
            s = p.schema()
            return s if p.required else {**s, "type": [s["type"], "null"]}

        return {"type": "object", "properties": {p.name: nullable(p) for p in self.items},
                "required": [p.name for p in self.items if p.required],
                "additionalProperties": False}

    def add_arguments(self, parser: argparse.ArgumentParser, positional: Iterable[str] = (),
                      defaults: Mapping[str, Any] | None = None) -> None:
        """Add every parameter to ``parser`` (``positional`` names become positionals)."""
        positional = set(positional)
        for p in self.items:
            p.add_argument(parser, positional=p.name in positional,
                           default=(defaults or {}).get(p.name))

    def from_namespace(self, ns: argparse.Namespace) -> dict:
        """The values of these parameters in parsed command-line arguments."""
        return {p.name: getattr(ns, p.name) for p in self.items}

    def to_argv(self, values: Mapping[str, Any]) -> list[str]:
        """Checked ``values`` as command-line options that :meth:`add_arguments` reads back:
        ``--name=value`` (one argument, so a value is never taken for an option), a true bool
        as its bare flag; absent values and false bools are left out."""
        out = []
        for p, value in zip(self.items, self.check(values).values()):
            if value is None or value is False:
                continue
            if p.kind == "bool":
                out.append(p.flag)
            else:
                text = ",".join(map(str, value)) if p.kind in ("ints", "strs") else str(value)
                out.append(f"{p.flag}={text}")
        return out

    def to_json(self) -> dict:
        """``{name: spec}`` for the browser."""
        return {p.name: p.to_json() for p in self.items}


# ---------------------------------------------------------------- shared parameters

#: model names: also folder names under $RNNVIS_HOME/models/
NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
NAME_TEXT = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
#: config file names in the config folder
CONFIG_FILE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}\.ya?ml"
CONFIG_FILE_TEXT = "a file name of letters, digits, '.', '_' or '-' ending in .yaml (no folders)"

MODEL = Param("name", "str", required=True, pattern=NAME_PATTERN, pattern_text=NAME_TEXT,
              metavar="NAME", help="model name (see `models`)")
SPLIT = Param("split", "str", choices=SPLITS, help="evaluated split (default: the config's)")
LAYER = Param("layer", "int", 0, min=0, help="layer, from 0 (bottom)")
STATE = Param("state", "str", "h", choices=STATE_KINDS,
              help="h or c (the update h(t) - h(t-1)), or a gate: LSTM i f o g, GRU z r hh")
SEED = Param("seed", "int", 0, min=0, max=2**31 - 1, help="random seed")
