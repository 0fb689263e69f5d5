"""The first view: without a model in the URL the page opens the layer the server finds most
telling (its co-clusters furthest above chance), and the quality badge reads the permutation
null's verdict."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.server.browser_fixtures import shot

BADGES = {"clear": "blocks beyond chance", "weak": "weak blocks", "none": "no more structure than chance"}


def test_the_first_view_is_the_most_telling_layer(page):
    start = page.p.request.get(f"{page.url}/api/start").json()
    assert start["model"] is not None and start["structure"] in BADGES
    page.p.goto(f"{page.url}/")
    expect(page.p.locator(".view-main svg.cluster-svg")).to_be_visible()
    assert f"model={start['model']}" in page.p.url
    assert f"layer={start['layer']}" in page.p.url or start["layer"] == 0
    quality = page.p.locator(".view-main .quality")
    expect(quality).to_contain_text("× chance")
    expect(quality.locator(".badge").first).to_have_text(BADGES[start["structure"]])
    shot(page, "first-view")
