"""The JSON API with Flask's test client: every endpoint, and every bad input gets a 4xx JSON."""

import re

import numpy as np
import pytest

from server import create_app


@pytest.fixture
def client(use_home, config_folder):
    """A test client over the trained workspace, with a temporary config folder."""
    return create_app({"TESTING": True}).test_client()


def _error(resp, status, text):
    assert resp.status_code == status, resp.get_json()
    body = resp.get_json()
    assert resp.is_json and text in body["error"], body
    return body


def test_models_list_and_detail(client):
    models = {m["name"]: m for m in client.get("/api/models").get_json()["models"]}
    assert set(models) == {"lm", "cls"}
    lm = models["lm"]
    assert (lm["task"], lm["cell"], lm["layers"], lm["status"]) == ("language_model", "lstm", [7, 5], "evaluated")
    assert lm["kinds"] == ["h", "c", "i", "f", "o", "g"] and "test" in lm["splits"]
    assert "test_perplexity" in lm["metrics"] and "test_accuracy" in models["cls"]["metrics"]
    assert lm["classes"] is None and models["cls"]["classes"] == ["neg", "pos"]  # the CSV's labels
    detail = client.get("/api/models/lm").get_json()
    assert detail["config"]["model"]["cell"] == "lstm" and len(detail["history"]) == 1
    assert detail["vocab_size"] > 5


def test_coclusters(client):
    resp = client.get("/api/models/lm/coclusters?layer=1&state=c&k=2&top_k=10&mode=signed")
    assert resp.status_code == 200, resp.get_json()
    view = resp.get_json()
    assert (view["k"], view["layer"], view["state"], view["mode"]) == (2, 1, "c", "signed")
    assert len(view["word_clusters"]) == len(view["unit_clusters"]) == len(view["clouds"]) == 2
    assert len(view["links"]) == 4
    units = sorted(u for c in view["unit_clusters"] for u in c) + view["dropped"]["units"]
    assert sorted(units) == list(range(5))
    for cloud, words in zip(view["clouds"], view["word_clusters"]):
        assert {w["word"] for w in cloud["words"]} == {w["word"] for w in words[:40]}
    assert set(view["quality"]) >= {"within_between", "seed_ari", "bootstrap_ari"}
    again = client.get("/api/models/lm/coclusters?layer=1&state=c&k=2&top_k=10&mode=signed")
    assert again.get_json() == view  # cached on disk, same answer
    default = client.get("/api/models/lm/coclusters?top_k=10").get_json()
    assert default["k"] == default["suggested_k"]


def test_bootstrap_stability_arrives_in_its_own_request(client):
    url = "/api/models/lm/coclusters?layer=0&state=h&k=3&top_k=20&seed=5"
    first = client.get(url).get_json()
    assert first["quality"]["bootstrap_ari"] is None and first["quality"]["bootstrap_pending"] is True
    stab = client.get(url.replace("/coclusters?", "/coclusters/stability?"))
    assert stab.status_code == 200, stab.get_json()
    out = stab.get_json()
    assert out["resamples"] >= 2 and -1.0 <= out["bootstrap_ari"] <= 1.0
    # computed from the same clustering the view shows: its own reference, recomputed by hand
    from rnnvis.analysis.coclusterview import _bootstrap, _Params

    p = _Params("lm", None, 0, "h", 3, 20, "abs", 5)
    res, ids, _, result = p.fit()
    assert [list(c) for c in result.unit_clusters()] == first["unit_clusters"]
    assert _bootstrap(res, ids, result, 5) == pytest.approx(out["bootstrap_ari"])
    after = client.get(url).get_json()
    assert after["quality"]["bootstrap_ari"] == out["bootstrap_ari"]
    assert after["quality"]["bootstrap_pending"] is False
    assert {k: v for k, v in after.items() if k != "quality"} == {
        k: v for k, v in first.items() if k != "quality"}
    # the CLI's way: view and bootstrap in one call, reusing the view's clustering
    from rnnvis.analysis.coclusterview import cocluster_stability, cocluster_view

    both = cocluster_view("lm", layer=0, k=3, top_k=20, seed=6, stability=True)
    assert both["quality"]["bootstrap_pending"] is False
    assert both["quality"]["bootstrap_ari"] == cocluster_stability("lm", layer=0, k=3, top_k=20, seed=6)[
        "bootstrap_ari"]
    res, ids, _, result = _Params("lm", None, 0, "h", 3, 20, "abs", 6).fit()
    assert both["quality"]["bootstrap_ari"] == pytest.approx(_bootstrap(res, ids, result, 6))


def test_word_unit_and_sentences(client):
    resp = client.get("/api/models/lm/words/a?layer=0&state=h")
    body = resp.get_json()
    assert resp.status_code == 200 and body["word"] == "a" and len(body["mean"]) == 7
    assert set(body["percentiles"]) == {"9", "25", "50", "75", "91"}
    assert np.all(np.array(body["percentiles"]["25"]) <= np.array(body["percentiles"]["75"]))
    unit = client.get("/api/models/lm/units/3?layer=1&state=c&top=2").get_json()
    assert len(unit["positive"]) == 2 and len(unit["negative"]) == 2
    assert unit["positive"][0]["mean"] >= unit["negative"][0]["mean"]
    sentences = client.get("/api/models/lm/sentences?n=3").get_json()["sentences"]
    assert 1 <= len(sentences) <= 3 and all(isinstance(s, str) and s for s in sentences)


def test_evaluate_text(client):
    resp = client.post("/api/models/lm/evaluate", json={"text": "aaXaYbb"})
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["tokens"] == list("aaXaYbb") and body["oov"] == [False] * 7
    layer = body["layers"][1]
    assert set(layer) == {"h", "dh", "c", "dc"} and len(layer["h"]) == 7 and len(layer["h"][0]) == 5
    assert body["next_prob"][-1] is None  # the last token has no next token
    gates = client.post("/api/models/lm/evaluate", json={"text": "aaX", "fields": ["i", "f"]})
    assert set(gates.get_json()["layers"][0]) == {"i", "f"}
    cls = client.post("/api/models/cls/evaluate", json={"text": "good film"}).get_json()
    assert len(cls["class_probs"]) == 2 and cls["classes"] == ["neg", "pos"]


def test_units_endpoints(client):
    ranking = client.get("/api/models/lm/ranking?layer=1&state=c&rank=target&a=count%20a%20b&top=3")
    body = ranking.get_json()
    assert ranking.status_code == 200, body
    assert body["score"] == "correlation" and len(body["units"]) == 3
    assert abs(body["units"][0]["r"]) >= abs(body["units"][2]["r"])
    words = client.get("/api/models/lm/ranking?rank=words&a=a&b=b&score=hellinger").get_json()
    assert words["label_a"] == "a" and words["n_a"] > 0 and words["n_b"] > 0
    ctx = client.get("/api/models/lm/contexts/2?layer=0&k=3&window=2").get_json()
    assert len(ctx["positive"]) == 3 and ctx["positive"][0]["value"] >= ctx["negative"][0]["value"]
    heat = client.get("/api/models/lm/heatmap?units=0,1&start=5&length=12").get_json()
    assert len(heat["tokens"]) == 12 and len(heat["values"][0]) == 2
    typed = client.post("/api/models/lm/heatmap", json={"text": "aaXbb", "units": [3]}).get_json()
    assert typed["tokens"] == list("aaXbb")
    found = client.get("/api/models/lm/search?units=1,2&start=10&length=3&k=2").get_json()
    assert found["query"]["position"] == 10 and len(found["results"]) == 2
    sat = client.get("/api/models/cls/saturation?layer=1").get_json()
    assert set(sat["gates"]) == {"z", "r"} and len(sat["gates"]["z"]["low"]) == 5
    models = {m["name"]: m for m in client.get("/api/models").get_json()["models"]}
    assert models["lm"]["contrasts"][0] == {"label": "the count: a's minus b's so far",
                                             "rank": "target", "a": "count a b", "b": None}
    assert models["cls"]["contrasts"][-1]["rank"] == "class"


def test_configs(client, tmp_path):
    listing = {c["file"]: c for c in client.get("/api/configs").get_json()["configs"]}
    assert listing["good.yaml"]["valid"] and not listing["bad.yaml"]["valid"]
    assert "did you mean 'lstm'" in listing["bad.yaml"]["errors"][0]
    text = client.get("/api/configs/bad.yaml").get_json()["text"]
    check = client.post("/api/configs/validate", json={"text": text}).get_json()
    assert not check["valid"]
    assert check["errors"][0]["key"] == "model.cell" and check["errors"][0]["line"] == 5
    resp = client.put("/api/configs/bad.yaml", json={"text": text.replace("lstmm", "lsm")})
    body = _error(resp, 422, "not valid; nothing was saved")
    assert body["errors"][0]["line"] == 5
    assert (tmp_path / "config" / "bad.yaml").read_text() == text  # unchanged
    fixed = text.replace("lstmm", "gru")
    assert client.put("/api/configs/bad.yaml", json={"text": fixed}).status_code == 200
    assert (tmp_path / "config" / "bad.yaml").read_text() == fixed
    new = client.put("/api/configs/new-model.yaml", json={"text": fixed.replace("name: bad", "name: new-model")})
    assert new.status_code == 200 and (tmp_path / "config" / "new-model.yaml").exists()
    syntax = client.post("/api/configs/validate", json={"text": "name: [x\n"}).get_json()
    assert syntax["errors"][0]["line"] is not None and "syntax" in syntax["errors"][0]["message"]


def test_openapi_lists_every_endpoint(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    app = create_app({"TESTING": True})
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()
              if r.rule.startswith("/api")}
    assert routes == set(doc["paths"])


def test_analyses_publish_the_declared_specs_and_the_js_fixture_is_current(client):
    import json
    from pathlib import Path

    from rnnvis.analysis.coclusterview import COCLUSTER_PARAMS

    specs = client.get("/api/analyses").get_json()
    assert specs["coclusters"] == COCLUSTER_PARAMS.to_json()
    assert specs["coclusters"]["k"]["min"] == 2 and specs["coclusters"]["k"]["max"] == 30
    fixture = Path(__file__).resolve().parents[1] / "js" / "fixtures" / "analyses.json"
    assert json.loads(fixture.read_text()) == specs, \
        "the node tests' copy is stale: run .venv/bin/python tests/js/write_fixtures.py"
    # the OpenAPI document describes the same bounds
    doc = client.get("/api/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"]["/api/models/{name}/coclusters"]["get"]["parameters"]}
    assert params["k"]["schema"] == {"type": "integer", "minimum": 2, "maximum": 30}
    # an empty query value is an absent parameter (the default), so the document admits it
    assert params["mode"]["schema"]["enum"] == ["abs", "positive", "negative", "signed", ""]
    assert client.get("/api/models/lm/coclusters?mode=&top_k=10&k=2").get_json()["mode"] == "abs"
    assert params["name"]["in"] == "path" and params["name"]["required"] is True


@pytest.mark.parametrize("method,url,body,status,text", [
    ("get", "/api/models/nope", None, 404, "unknown model 'nope'"),
    ("get", "/api/models/nope/coclusters", None, 404, "unknown model"),
    ("get", "/api/models/..%2F..%2Fetc/coclusters", None, 404, "no such endpoint"),
    ("get", "/api/models/a%2Fb/coclusters", None, 404, "no such endpoint"),
    ("get", "/api/models/-bad/coclusters", None, 400,
     "name: got '-bad'; expected 1-64 letters, digits, '.', '_' or '-', starting with a letter"),
    ("get", "/api/models/a..b/coclusters", None, 404, "unknown model 'a..b'"),
    ("get", "/api/models/lm/coclusters?k=30&top_k=10", None, 400,
     "k: got 30; expected an integer from 2 to 5 for layer 0 state h"),
    ("get", "/api/models/lm/coclusters?topk=10", None, 400,
     "topk: unknown parameter; allowed: split, layer, state, k, top_k, mode, seed (did you mean 'top_k'?)"),
    ("get", "/api/models/lm/coclusters?k=1", None, 400, "k: got 1; expected an integer from 2 to 30"),
    ("get", "/api/models/lm/coclusters?k=abc", None, 400, "k: got 'abc'; expected an integer"),
    ("get", "/api/models/lm/coclusters?layer=5", None, 400, "layer: got 5; model 'lm' has layers 0..1"),
    ("get", "/api/models/lm/coclusters?layer=-1", None, 400, "layer: got -1"),
    ("get", "/api/models/lm/coclusters?mode=both", None, 400,
     "mode: got 'both'; expected one of: abs, positive, negative, signed"),
    ("get", "/api/models/lm/coclusters?state=q", None, 400, "state: got 'q'"),
    ("get", "/api/models/lm/coclusters?top_k=5", None, 400, "top_k: got 5"),
    ("get", "/api/models/lm/coclusters?split=dev", None, 400, "split: got 'dev'"),
    ("get", "/api/models/lm/coclusters?split=valid", None, 404, "no evaluation of the valid split"),
    ("get", "/api/models/nope/coclusters/stability", None, 404, "unknown model"),
    ("get", "/api/models/lm/coclusters/stability?k=31", None, 400, "k: got 31; expected an integer from 2 to 30"),
    ("get", "/api/models/lm/coclusters/stability?mode=x", None, 400, "mode: got 'x'; expected one of: abs"),
    ("get", "/api/models/lm/words/zebra", None, 404, "'zebra' is not in the vocabulary"),
    ("get", "/api/models/lm/words/a?layer=9", None, 400, "layer: got 9"),
    ("get", "/api/models/lm/units/99?layer=0", None, 400, "unit: got 99; layer 0 has units 0..6"),
    ("get", "/api/models/lm/units/x", None, 400, "unit: got 'x'"),
    ("post", "/api/models/lm/evaluate", "not json", 400, "expected a JSON object body"),
    ("post", "/api/models/lm/evaluate", {"txt": "a"}, 400, "txt: unknown field; allowed: text, fields (did you mean 'text'?)"),
    ("post", "/api/models/lm/evaluate", {}, 400, "text: missing; expected a string"),
    ("post", "/api/models/lm/evaluate", {"text": 3}, 400, "text: got 3; expected a string"),
    ("post", "/api/models/lm/evaluate", {"text": "a" * 100_001}, 400, "text: got 'aaaa"),
    ("post", "/api/models/lm/evaluate", {"text": ""}, 400, "empty text"),
    ("post", "/api/models/lm/evaluate", {"text": "QQ"}, 400, "every word is out of the vocabulary"),
    ("post", "/api/models/lm/evaluate", {"text": "a" * 2500}, 413, "at most 2000"),
    ("post", "/api/models/lm/evaluate", {"text": "a", "fields": ["zz"]}, 400,
     "fields: got 'zz'; expected a list of at most 9 values, each one of: h, c"),
    ("post", "/api/models/lm/evaluate", {"text": "a", "fields": ["z"]}, 400,
     "fields: got ['z']; allowed for lstm: h, c, i, f, o, g"),
    ("post", "/api/models/nope/evaluate", {"text": "a"}, 404, "unknown model"),
    ("get", "/api/configs/nope.yaml", None, 404, "no config file 'nope.yaml'"),
    ("get", "/api/configs/..%2Fsecret.yaml", None, 404, "no such endpoint"),
    ("get", "/api/configs/..secret.yaml", None, 400,
     "file: got '..secret.yaml'; expected a file name of letters, digits"),
    ("put", "/api/configs/evil.txt", {"text": "x"}, 400, "file: got 'evil.txt'; expected a file name"),
    ("put", "/api/configs/.hidden.yaml", {"text": "x"}, 400, "file: got '.hidden.yaml'"),
    ("get", "/api/configs/validate", None, 405, "this method is not allowed here"),
    ("put", "/api/configs/a.yaml", [1], 400, "expected a JSON object body"),
    ("post", "/api/configs/validate", {"text": 3}, 400, "text: got 3; expected a string"),
    ("get", "/api/models/lm/ranking?rank=words&a=zebra&b=a", None, 400,
     "a: 'zebra' is not in the vocabulary"),
    ("get", "/api/models/lm/ranking?rank=pattern&a=a%20after%20<pad>", None, 400,
     "a: no position of the split matches pattern 'a after <pad>'"),
    ("get", "/api/models/lm/ranking?rank=pattern&a=a%20aftr%20b", None, 400,
     "a: expected 'next', 'prev', 'after', 'inside' or '|' at 'aftr'"),
    ("get", "/api/models/lm/ranking?rank=class&a=pos", None, 400,
     "rank: 'class' needs a classifier; 'lm' is a language model"),
    ("get", "/api/models/lm/ranking?rank=word&a=a&state=z", None, 400,
     "state: got 'z'; allowed for lstm: h, c, i, f, o, g"),
    ("get", "/api/models/lm/ranking?rank=sideways&a=a", None, 400, "rank: got 'sideways'; expected one of"),
    ("get", "/api/models/lm/contexts/99?layer=0", None, 400, "unit: got 99; layer 0 has units 0..6"),
    ("get", "/api/models/lm/heatmap?units=0,7", None, 400, "units: got 7; layer 0 has units 0..6"),
    ("get", "/api/models/lm/heatmap?doc=100000", None, 400, "doc: got 100000; the test split has"),
    ("get", "/api/models/lm/search?units=1&start=0&length=51", None, 400, "length: got 51"),
    ("get", "/api/models/lm/saturation?layer=3", None, 400, "layer: got 3; model 'lm' has layers 0..1"),
    ("post", "/api/models/lm/heatmap", {"text": "QQQ", "units": [0]}, 400, "every word is out of the vocabulary"),
    ("delete", "/api/models/lm", None, 405, "this method is not allowed here"),
    ("get", "/api/nothing", None, 404, "no such endpoint; see /api/openapi.json"),
])
def test_bad_input_gets_4xx_json(client, method, url, body, status, text):
    kwargs = {"data": body} if isinstance(body, str) else ({"json": body} if body is not None else {})
    resp = getattr(client, method)(url, **kwargs)
    _error(resp, status, text)


def test_body_too_large_is_413(client):
    resp = client.post("/api/models/lm/evaluate", data=b"x" * ((2 << 20) + 1),
                       content_type="application/json")
    _error(resp, 413, "the request body is larger than 2 MiB")
