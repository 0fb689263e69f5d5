"""The example notebook, run headless in a Jupyter kernel (nbclient): every cell runs, nothing of
TensorFlow's logging reaches the notebook, the views it displays are IFrames of a live server
whose pages draw in Chromium, and the server stops with the kernel."""

import html
import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from tests.server.browser_fixtures import _CONFIG, build_model, shot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "rnnvis.ipynb"
TF_LOG = re.compile(r"absl::InitializeLog|oneDNN|cpu_feature_guard|^[IWE]\d{4} ", re.M)


@pytest.fixture
def demo_home(tmp_path, monkeypatch):
    """A workspace whose demo-lstm is a tiny 2x32 LSTM (the notebook names the demo model), and
    the environment of a user's kernel: rnnvis importable, no TF_CPP_MIN_LOG_LEVEL."""
    home, configs = tmp_path / "home", tmp_path / "configs"
    configs.mkdir()
    (configs / "demo-lstm.yaml").write_text(_CONFIG.format(name="demo-lstm", cell="lstm",
                                                           layers="[32, 32]"))
    monkeypatch.setenv("RNNVIS_HOME", str(home))
    build_model("demo-lstm", configs)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    return home


def _get(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.status, r.read().decode()


def _frames(nb) -> list[str]:
    """The HTML of every display output (the inline views)."""
    return [out["data"]["text/html"] for cell in nb.cells if cell.cell_type == "code"
            for out in cell.outputs if out.output_type == "display_data" and "text/html" in out["data"]]


def test_the_example_notebook_runs_and_shows_live_views(demo_home, tmp_path, page):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(EXAMPLE, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)     # raises CellExecutionError if a cell fails

        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code)
        assert not [o for c in code for o in c.outputs if o.output_type == "error"]
        streams = "".join(o.get("text", "") for c in code for o in c.outputs if o.output_type == "stream")
        assert not TF_LOG.search(streams), streams[:2000]
        results = {c.source.splitlines()[-1]: o["data"]["text/plain"] for c in code for o in c.outputs
                   if o.output_type == "execute_result"}
        assert results["rnnvis.__version__"].strip("'") == __import__("rnnvis").__version__
        assert "('demo-lstm', 'evaluated')" in results['[(m["name"], m["status"]) for m in rnnvis.models()]']

        # two inline views, IFrames of one live server, with the state the cells asked for
        frames = _frames(nb)
        srcs = [html.unescape(re.search(r'<iframe src="([^"]+)"', f).group(1)) for f in frames]
        assert len(srcs) == 2
        parts = [urlsplit(s) for s in srcs]
        assert {p.netloc for p in parts} == {parts[0].netloc} and parts[0].hostname == "127.0.0.1"
        assert parse_qsl(parts[0].query) == [("view", "main"), ("model", "demo-lstm"), ("layer", "1"),
                                             ("k", "6")]
        assert parse_qsl(parts[1].query)[:2] == [("view", "sentence"), ("model", "demo-lstm")]
        base = f"http://{parts[0].netloc}"
        for src in srcs:
            status, text = _get(src)
            assert status == 200 and "/static/js/main.js" in text
        models = json.loads(_get(f"{base}/api/models")[1])
        assert [m["name"] for m in models["models"]] == ["demo-lstm"]

        # the views draw inside the IFrames, as in a notebook
        page.p.set_content("<!doctype html><body>" + "".join(frames) + "</body>")
        memory = page.p.frame_locator("iframe").nth(0)
        expect(memory.locator(".view-main svg.cluster-svg g.chip")).to_have_count(6)
        expect(memory.locator(".view-main .canvas-body.is-loading")).to_have_count(0)
        expect(memory.locator("#version")).to_have_text(f"rnnvis {models['version']}")
        sentence = page.p.frame_locator("iframe").nth(1)
        expect(sentence.locator("svg.glyph-chart g.token")).to_have_count(7)
        shot(page, "notebook_views")

    # the kernel has shut down: so has its server
    with pytest.raises(urllib.error.URLError):
        _get(f"{base}/api/models")
