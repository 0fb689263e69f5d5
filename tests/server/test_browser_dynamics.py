"""Browser tests of the Trajectories tab and the Compare view's similarity panel (CKA heatmap,
unit matching), in Chromium against the live server's two tiny PTB models (same corpus, so the
same vocabulary and tokens)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.server.browser_fixtures import GRU, LSTM, shot


def open_trajectories(page, query=""):
    """Open the trajectories of the tiny LSTM's layer 1 and wait for the cloud."""
    page.p.goto(f"{page.url}/?view=trajectories&model={LSTM}&layer=1{query}")
    svg = page.p.locator(".view-trajectories svg.trajectory-svg")
    expect(svg.locator("circle.point").first).to_be_attached()
    expect(page.p.locator(".view-trajectories .canvas-body.is-loading")).to_have_count(0)
    return svg


def test_trajectories_tab_draws_typed_sentences_as_paths(page):
    svg = open_trajectories(page)
    expect(page.p.locator(".tabs .tab.active")).to_have_text("Trajectories")
    assert svg.locator("circle.point").count() == 3000 or svg.locator("circle.point").count() > 100
    expect(page.p.locator(".traj-quality")).to_contain_text(re.compile(r"PCA fitted on [\d,]+ of [\d,]+ positions · \d+\.\d% of the variance"))
    # with no text, the first corpus sentence is drawn
    expect(svg.locator("g.path[data-path=text-0]")).to_have_count(1)
    # two sentences that differ in one word, overlaid
    page.p.fill("input[name=text]", "the company said its profit rose sharply")
    page.p.fill("input[name=text2]", "the company said its profit fell sharply")
    page.p.click(".traj-input button[type=submit]")
    first, second = svg.locator("g.path[data-path=text-0]"), svg.locator("g.path[data-path=text-1]")
    expect(first.locator("circle.step")).to_have_count(7)
    expect(second.locator("circle.step")).to_have_count(7)
    expect(first.locator("text.token")).to_have_text(
        ["the", "company", "said", "its", "profit", "rose", "sharply"])
    # the paths share their first five states and part at the changed word
    d1, d2 = first.locator("path.traj").get_attribute("d"), second.locator("path.traj").get_attribute("d")
    pts1, pts2 = (re.findall(r"-?[\d.]+,-?[\d.]+", d) for d in (d1, d2))
    assert pts1[:5] == pts2[:5] and pts1[5] != pts2[5]
    assert "text=the+company" in page.p.url and "text2=the+company" in page.p.url
    expect(page.p.locator(".traj-legend .path-key")).to_have_count(2)
    # hovering a cloud point tells its token and context
    svg.locator("circle.point").nth(10).hover(force=True)
    expect(page.p.locator(".tooltip")).to_contain_text("[")
    shot(page, "trajectories")


def test_trajectories_three_axes_colour_by_unit_and_reload(page):
    svg = open_trajectories(page, "&dims=3&text=the+market+fell")
    expect(page.p.locator("[data-control=axes]")).to_be_visible()
    expect(svg.locator("text.axis-label")).to_have_text([re.compile(r"^PC1 "), re.compile(r"^PC2 ")])
    page.p.locator("[data-control=axes] button[data-value='2']").click()
    expect(svg.locator("text.axis-label")).to_have_text([re.compile(r"^PC2 "), re.compile(r"^PC3 ")])
    page.p.locator("[data-control=colour] select").select_option("unit")
    expect(page.p.locator("[data-control=colourUnit]")).to_be_visible()
    expect(page.p.locator(".traj-legend .ramp")).to_have_count(1)
    fills = svg.locator("circle.point").evaluate_all("els => new Set(els.map(e => e.getAttribute('fill'))).size")
    assert fills > 5
    assert "axes=2" in page.p.url and "colour=unit" in page.p.url
    page.p.reload()
    expect(page.p.locator(".view-trajectories svg.trajectory-svg text.axis-label")).to_have_text(
        [re.compile(r"^PC2 "), re.compile(r"^PC3 ")])
    expect(page.p.locator(".view-trajectories g.path[data-path=text-0] circle.step")).to_have_count(3)
    shot(page, "trajectories-3d-unit")
    # export: the picture as a standalone SVG, and a PNG
    with page.p.expect_download() as info:
        page.p.locator(".view-trajectories .export-svg").click()
    download = info.value
    assert download.suggested_filename == f"rnnvis-trajectories-{LSTM}-L1-h-pca.svg"
    text = Path(download.path()).read_text()
    assert text.startswith("<svg") and text.count("<circle") > 100 and "the" in text
    with page.p.expect_download() as info:
        page.p.locator(".view-trajectories .export-png").click()
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # an unknown word alone is refused with the server's message
    page.p.fill("input[name=text]", "qqqzzz")
    page.p.click(".traj-input button[type=submit]")
    expect(page.p.locator(".traj-messages .error-box")).to_contain_text("out of the vocabulary")


def test_compare_view_shows_the_cka_heatmap_and_opens_a_cell(page):
    page.p.goto(f"{page.url}/?view=compare&model={LSTM}&layer=0&compare={GRU}&layer2=0")
    heat = page.p.locator(".similarity-panel svg.cka-svg")
    expect(heat.locator("g.cell")).to_have_count(4)     # 2 LSTM layers x 2 GRU layers
    expect(heat.locator("text.row-label")).to_have_text([f"{LSTM} L0", f"{LSTM} L1"])
    expect(heat.locator("text.col-label")).to_have_text([f"{GRU} L0", f"{GRU} L1"])
    expect(heat.locator("g.cell.selected")).to_have_attribute("data-cell", "0:0")
    values = [float(t) for t in heat.locator("g.cell text").all_text_contents()]
    assert all(0 <= v <= 1 for v in values)
    # matched units of the open layers: 24 GRU units for 32 LSTM units
    expect(page.p.locator(".similarity-panel svg.match-strip rect.pair")).to_have_count(24)
    expect(page.p.locator(".view-compare .compare-side.right svg.cluster-svg")).to_be_visible()
    shot(page, "compare-cka")
    # a click opens that pair of layers
    heat.locator("g.cell[data-cell='1:1']").click()
    expect(heat.locator("g.cell.selected")).to_have_attribute("data-cell", "1:1")
    expect(page.p.locator(".compare-side.right .side-name")).to_have_text(f"{GRU} · layer 1")
    expect(page.p.locator(".compare-side.left .side-name")).to_have_text(f"{LSTM} · layer 1")
    assert "layer=1" in page.p.url and "layer2=1" in page.p.url
    expect(page.p.locator(".similarity-panel svg.match-strip rect.pair")).to_have_count(16)
    # hovering a unit lights its partner on the other side
    right = page.p.locator(".compare-side.right svg.cluster-svg")
    expect(right.locator("g.unit").first).to_be_visible()
    expect(page.p.locator(".compare-side.right .canvas-body.is-loading")).to_have_count(0)
    right.locator("g.unit").first.hover()
    expect(page.p.locator(".compare-side.left g.unit.matched")).to_have_count(1)
    expect(page.p.locator(".compare-side.right g.unit.matched")).to_have_count(1)
    expect(page.p.locator(".view-compare .hover-status")).to_contain_text(re.compile(r"right unit \d+ ↔ left unit \d+ \(r = -?\d\.\d\d\)"))
    # ordering the right side's chips by the match
    page.p.locator(".match-order input").check()
    expect(page.p.locator(".match-order input")).to_be_checked()
    assert "match=true" in page.p.url
    expect(right.locator("g.chip")).not_to_have_count(0)
    shot(page, "compare-matched")


def test_compare_view_keyboard_opens_a_cka_cell(page):
    page.p.goto(f"{page.url}/?view=compare&model={LSTM}&layer=0&compare={LSTM}&layer2=1")
    heat = page.p.locator(".similarity-panel svg.cka-svg")
    expect(heat.locator("g.cell")).to_have_count(4)   # one model: its layers against each other
    expect(heat.locator("g.cell.selected")).to_have_attribute("data-cell", "0:1")
    diagonal = [heat.locator(f"g.cell[data-cell='{i}:{i}'] text").text_content() for i in (0, 1)]
    assert diagonal == ["1.00", "1.00"]
    heat.locator("g.cell[data-cell='1:0']").focus()
    page.p.keyboard.press("Enter")
    expect(heat.locator("g.cell.selected")).to_have_attribute("data-cell", "1:0")
    assert "layer=1" in page.p.url and "layer2=0" in page.p.url
