"""A view of the page inline in a notebook: checked URL state -> an IFrame of the background
server's page (the same URL a browser would show)."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from ..errors import ParamError
from ..params import LAYER, Param, Params, hint
from . import background

__all__ = ["show", "url", "Frame", "VIEW", "SHOW_PARAMS", "PAGE_FIELDS"]

#: the page's views by the name of their tab (memory is the page's `main`)
VIEWS = {"memory": "main", "main": "main", "compare": "compare", "sentence": "sentence",
         "trajectories": "trajectories", "units": "units", "configs": "configs"}
VIEW = Param("view", "str", "memory", choices=tuple(VIEWS),
             help="the view: memory (co-clusters), compare, sentence, trajectories, units or configs")
SHOW_PARAMS = Params(VIEW, Param("height", "int", 720, min=200, max=4000,
                                 help="height of the inline view in pixels"), background.PORT)
#: the page's URL parameters besides view and model, as static/js/data/urlstate.js names them
#: (a test keeps the two lists equal); a list value repeats the parameter (word=a&word=b)
PAGE_FIELDS = ("layer", "compare", "layer2", "state", "k", "top_k", "mode", "method", "dims",
               "sample", "docs", "word", "unit", "links", "width", "clip", "text", "token",
               "config", "rank", "a", "b", "score", "u", "phrase", "axes", "colour", "cunit",
               "text2", "match", "jobs")


LAYER2 = replace(LAYER, name="layer2", default=None, help="the right-hand layer (compare view)")


def _declared() -> dict[str, Param]:
    """The page's fields that the API declares, checked before the page sees them, each with
    the declaration the page parses it with (static/js/data/urlstate.js)."""
    from ..analysis.coclusterview import COCLUSTER_PARAMS
    from ..analysis.trajectoryview import CLOUD_PARAMS
    from ..analysis.unitview import RANK_PARAMS

    fields = ((COCLUSTER_PARAMS, ("layer", "state", "k", "top_k", "mode")),
              (RANK_PARAMS, ("rank", "a", "b", "score")),
              (CLOUD_PARAMS, ("method", "dims", "sample", "docs")))
    out = {name: params[name] for params, names in fields for name in names}
    out["layer2"] = LAYER2
    return out


def _check_model(name, field: str) -> dict:
    """The summary of model ``name`` (NotFound listing the models if there is no such model)."""
    from ..modelling.manager import describe
    from ..scripting import known_model

    return describe(known_model(name, field))


def page_query(model: str | None, view: str, state: dict) -> list[tuple[str, str]]:
    """The page's URL query for ``view`` of ``model`` and the other URL ``state``, checked:
    unknown fields, models, layers and state kinds are errors that say what exists."""
    pairs = [("view", VIEWS[VIEW.check(view)])]
    info = None
    if model is not None:
        info = _check_model(model, "model")
        pairs.append(("model", info["name"]))
    declared = _declared()
    for key, value in state.items():
        if key not in PAGE_FIELDS:
            raise ParamError(f"{key}: unknown view state; allowed: {', '.join(PAGE_FIELDS)}"
                             + hint(key, PAGE_FIELDS), param=key)
        if value is None:
            continue
        if key in declared:
            value = declared[key].check(value)
        if key == "compare":
            _check_model(value, "compare")
        if key == "layer" and info and value >= len(info["layers"]):
            raise ParamError(f"layer: got {value!r}; model {info['name']!r} has layers "
                             f"0..{len(info['layers']) - 1}", param="layer")
        if key == "state" and info and value not in info["kinds"]:
            raise ParamError(f"state: got {value!r}; model {info['name']!r} records "
                             f"{', '.join(info['kinds'])}" + hint(value, info["kinds"]), param="state")
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs += [(key, str(v)) for v in values]
    return pairs


@dataclass(frozen=True)
class Frame:
    """An inline view: the page at ``url`` in an IFrame, with a link to open it in a tab."""

    url: str
    height: int = 720
    title: str = "rnnvis"

    def _repr_html_(self) -> str:
        src, title = html.escape(self.url, quote=True), html.escape(self.title, quote=True)
        return (f'<iframe src="{src}" title="{title}" width="100%" height="{self.height}" '
                f'style="border: 1px solid #ddd; border-radius: 6px"></iframe>'
                f'<div style="font-size: 12px"><a href="{src}" target="_blank">{title}: open in a '
                f'new tab</a></div>')

    def __repr__(self) -> str:
        return f"<rnnvis view {self.url}>"


def url(model: str | None = None, view: str = "memory", *, port: int | None = None,
        **state) -> str:
    """The URL of a view on this process's background server (started on first use).

    ``state`` takes the page's URL parameters (``layer``, ``k``, ``top_k``, ``mode``,
    ``state``, ``word=[...]``, ``text``, ...), checked as the page and the API check them.
    """
    query = page_query(model, view, state)
    return f"{background.start(port).url}/?{urlencode(query)}"


def show(model: str | None = None, view: str = "memory", *, height: int = 720,
         port: int | None = None, **state) -> None:
    """Show a view inline in Jupyter: ``rnnvis.show("demo-lstm", view="memory", layer=1, k=6)``.

    The view is the page served by a background thread of the kernel on a free 127.0.0.1
    port (one server per kernel, stopped with it), in an IFrame with the same URL state as
    the browser; call it again for more views. Outside IPython it prints the URL. Unknown
    models, views and fields raise a ValueError that lists what exists.
    """
    _, height, port = SHOW_PARAMS.check(dict(view=view, height=height, port=port)).values()
    where = url(model, view, port=port, **state)
    frame = Frame(where, height, f"rnnvis {view}" + (f" · {model}" if model else ""))
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(frame)
    else:
        print(f"rnnvis: {where}")
