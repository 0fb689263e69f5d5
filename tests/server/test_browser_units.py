"""The Units view in real Chromium: pick a contrast, read the ranked list, open a unit's contexts,
search a phrase, colour typed text; reached from a unit square of the memory chips."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.server.browser_fixtures import LSTM, open_main, shot


def _units(page, query):
    page.p.goto(f"{page.url}/?view=units&model={LSTM}{query}")
    expect(page.p.locator(".view-units")).to_be_visible()


def test_pick_a_contrast_rank_units_open_contexts_and_search_a_phrase(page):
    _units(page, "&layer=1&state=c")
    # no contrast yet: the view offers some, and one click ranks the units
    example = page.p.locator(".empty-contrast button.example", has_text="position in the sentence")
    expect(example).to_be_visible()
    example.click()
    rows = page.p.locator(".ranking-table tr.rank-row")
    expect(rows.first).to_be_visible()
    assert rows.count() == 30                        # the tiny LSTM's layer 1 has 32 units
    assert re.search(r"rank=target", page.p.url) and "a=position" in page.p.url
    expect(page.p.locator(".units-subtitle")).to_contain_text("ranked by |r| with “position”")
    # pick another contrast from the controls: word "the" vs the rest
    page.p.select_option("[data-control=rank] select", "word")
    field = page.p.locator("[data-control=a] input")
    field.fill("the")
    field.press("Enter")
    expect(page.p.locator(".units-subtitle")).to_contain_text("the (n = ")
    expect(rows.first.locator("svg.histogram-pair path.side-a")).to_have_count(1)
    # the best unit is focused at once; clicking another row focuses that one
    best = rows.first.get_attribute("data-unit")
    expect(page.p.locator(".focus-head h2")).to_have_text(f"Unit {best}")
    assert f"u={best}" in page.p.url
    second = rows.nth(1).get_attribute("data-unit")
    rows.nth(1).click()
    expect(page.p.locator(".focus-head h2")).to_have_text(f"Unit {second}")
    assert f"u={second}" in page.p.url
    positive = page.p.locator(".contexts.positive .context-row")
    expect(positive).to_have_count(8)
    first = positive.first.locator(".hm-token")
    assert first.count() >= 5 and positive.first.locator(".hm-token.focus").count() == 1
    shot(page, "units")
    # a phrase: click a token, shift-click another; the search returns windows with scores
    first.nth(2).click()
    first.nth(4).click(modifiers=["Shift"])
    assert re.search(r"phrase=\d+%3A3|phrase=\d+:3", page.p.url)
    hits = page.p.locator(".pattern-search .search-hit:not(.query)")
    expect(hits.first).to_be_visible()
    assert hits.count() >= 1
    score = float(hits.first.locator(".ctx-value").first.inner_text())
    assert 0 <= score <= 1
    # typed text through the sentence path
    page.p.fill(".typed-form input", "the market fell")
    page.p.press(".typed-form input", "Enter")
    expect(page.p.locator(".typed-out .hm-token")).to_have_count(3)
    # the gate-saturation scatter: one point per unit and gate (3 gates x 32 units)
    expect(page.p.locator(".saturation-scatter circle.unit")).to_have_count(96)
    shot(page, "units-search")


def test_a_bad_pattern_is_shown_with_the_server_message(page):
    _units(page, "&rank=pattern&a=the%20nxt%20cat")
    expect(page.p.locator(".ranking .error-box")).to_contain_text("expected 'next', 'prev', 'after'")


def test_a_unit_square_in_the_memory_chips_opens_the_units_view(page):
    svg = open_main(page)
    svg.locator("g.unit").first.click()
    card = page.p.locator(".unit-card").first
    expect(card).to_be_visible()
    unit = card.get_attribute("data-unit").split(":")[-1]
    card.locator("a.open-units").click()
    expect(page.p.locator(".view-units")).to_be_visible()
    assert "view=units" in page.p.url and f"u={unit}" in page.p.url
    expect(page.p.locator(".focus-head h2")).to_have_text(f"Unit {unit}")
