"""``serve --token``: without the token every /api request is a 401 JSON; the printed URL sets
it as a cookie; scripts may send it as a bearer header. Without a token nothing is checked."""

from server import create_app
from server.token import COOKIE

TOKEN = "s3cret-token"


def test_the_api_needs_the_token(rnnvis_home):
    client = create_app({"TESTING": True, "TOKEN": TOKEN}).test_client()
    for path in ("/api/models", "/api/jobs", "/api/openapi.json"):
        resp = client.get(path)
        assert resp.status_code == 401 and resp.is_json
        assert resp.get_json()["error"].startswith("this server needs its token")
    assert client.post("/api/jobs/train", json={"config": "x.yaml"}).status_code == 401
    assert client.get("/api/models", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/models", headers={"Authorization": "Bearer ünïcode"}).status_code == 401
    assert client.get("/api/models", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    with client.get("/") as page:                  # the page itself is no secret
        assert page.status_code == 200
    # a wrong token in the URL sets nothing
    client.get("/?token=wrong").close()
    assert client.get("/api/models").status_code == 401
    # the printed URL: a cookie, and a redirect that keeps the rest of the query
    resp = client.get(f"/?view=configs&token={TOKEN}&model=a%20b")
    assert resp.status_code == 302 and resp.headers["Location"] == "/?view=configs&model=a+b"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}={TOKEN}") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/api/models").status_code == 200


def test_without_a_token_nothing_is_checked(rnnvis_home):
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/api/models").status_code == 200
    with client.get("/?token=anything") as page:
        assert page.status_code == 200
