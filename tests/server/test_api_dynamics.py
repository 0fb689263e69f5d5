"""The trajectory and similarity endpoints: answers, and a 4xx JSON naming the problem for every
bad input (never a 500)."""

import pytest

from server import create_app


@pytest.fixture
def client(use_pair_home):
    return create_app({"TESTING": True}).test_client()


def _error(resp, status, text):
    body = resp.get_json()
    assert resp.status_code == status, body
    assert resp.is_json and text in body["error"], body
    return body


def test_trajectory_cloud_and_typed_text(client):
    resp = client.get("/api/models/lm/trajectories?layer=1&state=c&sample=150&unit=2")
    cloud = resp.get_json()
    assert resp.status_code == 200, cloud
    assert (cloud["method"], cloud["dims"], cloud["layer"], cloud["state"]) == ("pca", 2, 1, "c")
    pts = cloud["points"]
    assert len(pts["coords"]) == len(pts["words"]) == len(pts["values"]) == cloud["sample"] == 150
    assert len(cloud["quality"]["explained_variance"]) == 2
    body = {"text": "aaXaYbb", "layer": 1, "state": "c", "sample": 150}
    path = client.post("/api/models/lm/trajectories/project", json=body)
    out = path.get_json()
    assert path.status_code == 200, out
    assert out["tokens"] == list("aaXaYbb") and len(out["coords"]) == 7
    senti = client.post("/api/models/senti/trajectories/project", json={"text": "good film"}).get_json()
    assert senti["classes"] == ["neg", "pos"] and len(senti["class_probs"]) == 2


def test_similarity_and_matching(client):
    resp = client.get("/api/models/lm/similarity?other=lm-gru&kind=h")
    out = resp.get_json()
    assert resp.status_code == 200, out
    assert len(out["cka"]) == 4 and out["models"] == ["lm", "lm-gru"]
    one = client.get("/api/models/lm/similarity").get_json()
    assert len(one["cka"]) == 2 and one["cka"][0][0] == 1.0
    m = client.get("/api/models/lm/matching?layer=1&other=lm-gru&layer2=0").get_json()
    assert m["left"]["units"] == 5 and m["right"]["units"] == 7 and len(m["pairs"]) == 5
    assert sorted(m["right_order"]) == list(range(7))


@pytest.mark.parametrize("method,url,body,status,text", [
    # two models with different vocabularies, for CKA or matching
    ("get", "/api/models/lm/similarity?other=cls", None, 422, "have different vocabularies"),
    ("get", "/api/models/lm/matching?other=cls", None, 422, "have different vocabularies"),
    # a split one model has not evaluated
    ("get", "/api/models/lm-gru/similarity?other=lm&split=valid", None, 404,
     "has no evaluation of the valid split"),
    # a projection on a store without states says to re-evaluate
    ("get", "/api/models/lm/trajectories?split=valid", None, 409,
     "run python manage.py evaluate lm --split valid --force"),
    ("get", "/api/models/lm/similarity?split=valid", None, 409, "(--no-store)"),
    # an unknown method
    ("get", "/api/models/lm/trajectories?method=tsne", None, 400,
     "method: got 'tsne'; expected one of: pca, umap, autoencoder"),
    ("post", "/api/models/lm/trajectories/project", {"text": "ab", "method": "lda"}, 400,
     "method: got 'lda'"),
    # a sentence with no in-vocabulary token
    ("post", "/api/models/lm/trajectories/project", {"text": "zzz qqq"}, 400,
     "every word is out of the vocabulary"),
    ("post", "/api/models/lm/trajectories/project", {"text": "a " * 2001}, 413, "at most 2000"),
    ("post", "/api/models/lm/trajectories/project", {"txt": "a"}, 400, "txt: unknown field"),
    ("get", "/api/models/lm/trajectories?unit=99", None, 400, "unit: got 99"),
    ("get", "/api/models/lm/trajectories?docs=3", None, 400, "only classifiers have documents"),
    ("get", "/api/models/lm/trajectories?sample=5", None, 400, "sample: got 5"),
    ("get", "/api/models/lm-gru/trajectories?state=c", None, 400, "has no cell state"),
    ("get", "/api/models/lm/similarity?kind=f", None, 400, "kind: got 'f'; expected one of: h, c"),
    ("get", "/api/models/lm/matching?layer2=9", None, 400, "layer2: got 9"),
    ("get", "/api/models/lm/similarity?other=nope", None, 404, "unknown model 'nope'"),
    ("get", "/api/models/lm/similarity?other=..%2Fx", None, 400, "other: got '../x'"),
])
def test_bad_inputs_are_4xx_json(client, method, url, body, status, text):
    resp = getattr(client, method)(url, **({"json": body} if body is not None else {}))
    _error(resp, status, text)


def test_analyses_declare_the_new_parameters(client):
    specs = client.get("/api/analyses").get_json()
    assert specs["trajectories"]["method"]["choices"] == ["pca", "umap", "autoencoder"]
    assert specs["trajectories"]["dims"]["max"] == 3
    assert specs["similarity"]["kind"]["choices"] == ["h", "c"]
    assert specs["matching"]["layer2"]["min"] == 0 and specs["project"]["text"]["required"]
