"""rnnvis.show / rnnvis.url: the page's URL state, checked; one background server per process on
a free 127.0.0.1 port (another one when the wished port is taken); a light `import rnnvis`."""

import json
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

import rnnvis
from rnnvis.errors import NotFound, ParamError
from rnnvis.notebook import Frame, background
from rnnvis.notebook.embed import PAGE_FIELDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_server():
    """No server before the test, and none left after it."""
    background.stop()
    yield
    background.stop()


def _get(url: str):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.read().decode()


def test_the_url_holds_the_same_state_as_the_browsers(use_home, fresh_server):
    url = rnnvis.url("lm", view="memory", layer=1, k=2, top_k=50, mode="signed", word=["a", "b"],
                     links=0.5)
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == ("http", "127.0.0.1", "/")
    assert parse_qsl(parts.query) == [("view", "main"), ("model", "lm"), ("layer", "1"), ("k", "2"),
                                      ("top_k", "50"), ("mode", "signed"), ("word", "a"),
                                      ("word", "b"), ("links", "0.5")]
    status, page = _get(url)
    assert status == 200 and 'id="version"' in page and "/static/js/main.js" in page
    base = f"{parts.scheme}://{parts.netloc}"
    models = json.loads(_get(f"{base}/api/models")[1])
    assert models["version"] == rnnvis.__version__ and {m["name"] for m in models["models"]} == {"cls", "lm"}
    # what the page asks the server for this state
    view = json.loads(_get(f"{base}/api/models/lm/coclusters?layer=1&k=2&top_k=50&mode=signed")[1])
    assert view["k"] == 2 and view["mode"] == "signed"
    sentence = urlsplit(rnnvis.url("cls", view="sentence", text="good film")).query
    assert parse_qsl(sentence) == [("view", "sentence"), ("model", "cls"), ("text", "good film")]
    paths = urlsplit(rnnvis.url("lm", view="trajectories", method="pca", dims=3, axes=1)).query
    assert parse_qsl(paths) == [("view", "trajectories"), ("model", "lm"), ("method", "pca"),
                                ("dims", "3"), ("axes", "1")]


def test_one_server_per_process(use_home, fresh_server):
    first, second = rnnvis.url("lm"), rnnvis.url("cls", view="units")
    assert urlsplit(first).port == urlsplit(second).port == background.running().port
    assert [t.name for t in threading.enumerate()].count("rnnvis-server") == 1


def test_a_taken_port_is_replaced_by_a_free_one(use_home, fresh_server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = background.start(port=port)
        assert server.port != port
        assert _get(f"{server.url}/api/models")[0] == 200
    background.stop()
    assert background.running() is None
    with pytest.raises(OSError):
        _get(f"{server.url}/api/models")
    with socket.socket() as probe:                   # a free port is taken as wished
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert background.start(port=free).port == free


def test_show_outside_ipython_prints_the_url(use_home, fresh_server, capsys):
    assert rnnvis.show("lm", layer=1, height=400) is None
    out = capsys.readouterr().out.strip()
    assert re.fullmatch(r"rnnvis: http://127\.0\.0\.1:\d+/\?view=main&model=lm&layer=1", out)


def test_the_frame_is_an_iframe_of_the_url():
    frame = Frame("http://127.0.0.1:5000/?view=main&model=a&text=<b>\"x\"", 500, "rnnvis memory · a")
    html = frame._repr_html_()
    src = "http://127.0.0.1:5000/?view=main&amp;model=a&amp;text=&lt;b&gt;&quot;x&quot;"
    assert html.startswith(f'<iframe src="{src}" title="rnnvis memory · a" width="100%" height="500"')
    assert f'<a href="{src}" target="_blank">' in html
    assert repr(frame) == "<rnnvis view http://127.0.0.1:5000/?view=main&model=a&text=<b>\"x\">"


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(model="nope"), NotFound, r"^unknown model 'nope' in .*; models: cls, lm$"),
    (dict(model="lm", view="memroy"), ParamError,
     r"^view: got 'memroy'; expected one of: memory, main, compare, sentence, trajectories, units, configs "
     r"\(did you mean 'memory'\?\)$"),
    (dict(model="lm", layer=2), ParamError, r"^layer: got 2; model 'lm' has layers 0..1$"),
    (dict(model="lm", layer="1"), ParamError, r"^layer: got '1'; expected an integer >= 0$"),
    (dict(model="lm", state="z"), ParamError, r"^state: got 'z'; model 'lm' records h, c, i, f, o, g$"),
    (dict(model="lm", k=31), ParamError, r"^k: got 31; expected an integer from 2 to 30$"),
    (dict(model="lm", mode="sign"), ParamError, r"did you mean 'signed'"),
    (dict(model="lm", view="trajectories", dims=4), ParamError, r"^dims: got 4; expected an integer from 2 to 3$"),
    (dict(model="lm", view="units", score="f1"), ParamError, r"^score: got 'f1'; expected one of: auc, hellinger$"),
    (dict(model="lm", compare="nope"), NotFound, r"^unknown model 'nope' in .*; models: cls, lm$"),
    (dict(model="lm", compare="../x"), ParamError, r"^compare: got '../x'; expected 1-64 letters"),
    (dict(model="lm", color="red"), ParamError,
     r"^color: unknown view state; allowed: layer, compare.*\(did you mean 'colour'\?\)$"),
    (dict(model="lm", wrd="a"), ParamError, r"did you mean 'word'\?\)$"),
    (dict(model="lm", height=10), ParamError, r"^height: got 10; expected an integer from 200 to 4000$"),
    (dict(model="lm", port=70000), ParamError, r"^port: got 70000; expected an integer from 1 to 65535$"),
])
def test_unknown_models_views_and_fields_say_what_exists(use_home, fresh_server, kwargs, error, message):
    with pytest.raises(error, match=message) as info:
        rnnvis.show(**kwargs)
    assert isinstance(info.value, ValueError)
    assert background.running() is None      # checked before anything starts


def test_no_models_yet_says_how_to_make_them(tmp_path, monkeypatch, fresh_server):
    monkeypatch.setenv("RNNVIS_HOME", str(tmp_path))
    with pytest.raises(NotFound, match=r"^unknown model 'lm' in .*; no models yet \(run `rnnvis demo`\)$"):
        rnnvis.url("lm")


def test_the_page_fields_are_the_pages_url_parameters():
    """The notebook's list of URL fields is the one static/js/data/urlstate.js parses."""
    js = (ROOT / "static" / "js" / "data" / "urlstate.js").read_text()
    names = set(re.findall(r'\bparam: "([a-z0-9_]+)"', js))
    assert names == set(PAGE_FIELDS) | {"view", "model"}


def test_import_rnnvis_is_light():
    code = ("import sys, rnnvis; rnnvis.__version__; from rnnvis import show, load; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'flask', 'server', 'IPython', 'waitress') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert "show" in dir(rnnvis) and callable(rnnvis.load)
    with pytest.raises(AttributeError, match="module 'rnnvis' has no attribute 'nothing'"):
        rnnvis.nothing  # noqa: B018
