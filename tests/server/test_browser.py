"""End-to-end tests of the browser views: real Chromium (Playwright) against a live server with
two tiny trained models. They click through the views and assert what the page shows.

Needs Debian's chromium at /usr/bin/chromium (`make test` installs it); screenshots go to
artifacts/screenshots/. The fixtures (`live`, `browser`, `page`) are in tests/server/conftest.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from playwright.sync_api import expect

from tests.server.browser_fixtures import GRU, LSTM, MODELS, chip_count, open_main, shot


# ------------------------------------------------------------------ main view

def test_main_view_draws_one_chip_and_one_cloud_per_cluster(page):
    svg = open_main(page)
    k = int(svg.get_attribute("data-k"))
    assert 2 <= k <= 30
    expect(svg.locator("g.chip")).to_have_count(k)
    expect(svg.locator("g.cloud")).to_have_count(k)
    # every unit of the layer is a square in exactly one chip (32 units, minus dropped ones)
    units = svg.locator("g.unit").count()
    assert 0 < units <= 32
    assert svg.locator("path.link").count() >= 1
    # words are SVG text, one clickable group per word
    assert svg.locator("g.word text").count() >= k
    quality = page.p.locator(".quality")
    expect(quality).to_contain_text(re.compile(r"within/between \d+\.\d×"))
    expect(quality).to_contain_text("seed ARI")
    # the bootstrap ARI comes in its own request once the view is drawn
    expect(quality).to_contain_text(re.compile(r"bootstrap ARI -?\d\.\d\d"))
    expect(page.p.locator("[data-control=k] .control-extra")).to_contain_text("suggested k = ")
    expect(page.p.locator(".view-title")).to_contain_text(f"{LSTM} — layer 1")
    shot(page, "main")
    # a narrower window redraws the view to fit
    wide = float(svg.get_attribute("width"))
    page.p.set_viewport_size({"width": 1100, "height": 900})
    page.p.wait_for_function("w => +document.querySelector('.view-main svg.cluster-svg')"
                             ".getAttribute('width') < w", arg=wide)


def test_hovering_or_clicking_a_chip_highlights_its_partners(page):
    svg = open_main(page)
    if chip_count(svg) < 2:
        pytest.skip("only one cluster")
    first = svg.locator("g.chip").first
    first.locator("g.unit").first.hover()
    expect(first).to_have_class(re.compile(r"\bfocus\b"))
    expect(svg.locator("g.cloud.focus")).not_to_have_count(0)
    expect(page.p.locator(".hover-status")).to_contain_text("cluster 1:")
    page.p.mouse.move(5, 5)
    expect(svg.locator(".dim")).to_have_count(0)
    # clicking a chip (its frame or label) pins the highlight; clicking it again unpins
    last = svg.locator("g.chip").last
    last.locator("text.chip-label").click()
    page.p.mouse.move(5, 5)
    expect(last).to_have_class(re.compile(r"\bfocus\b"))
    expect(svg).to_have_class(re.compile(r"\bpinned\b"))
    last.locator("text.chip-label").click()
    page.p.mouse.move(5, 5)
    expect(svg.locator(".focus")).to_have_count(0)


def test_changing_k_redraws_k_chips_and_updates_the_url(page):
    svg = open_main(page)
    k0 = int(svg.get_attribute("data-k"))
    k = 4 if k0 != 4 else 3
    page.p.locator("[data-control=k] input[type=range]").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true}));"
        " el.dispatchEvent(new Event('change', {bubbles: true})); }", k)
    expect(svg).to_have_attribute("data-k", str(k))
    expect(svg.locator("g.chip")).to_have_count(k)
    expect(svg.locator("g.cloud")).to_have_count(k)
    assert f"k={k}" in page.p.url
    expect(page.p.locator("[data-control=k] .control-value")).to_have_text(str(k))
    # "use it" goes back to the suggested k
    page.p.locator("[data-control=k] .use-suggested").click()
    expect(svg).to_have_attribute("data-k", str(k0))
    assert "k=" not in page.p.url


def test_clicking_words_colours_units_and_shows_their_profiles(page):
    svg = open_main(page)
    words = svg.locator("g.word")
    names = [words.nth(i).get_attribute("data-word") for i in range(4)]
    words.nth(0).click()
    card = page.p.locator(".word-card")
    expect(card).to_have_count(1)
    expect(card.locator(".card-title")).to_have_text(names[0])
    expect(card.locator("svg.profile-chart path.mean")).to_have_count(1)
    expect(card.locator("svg.profile-chart path.band")).to_have_count(2)  # 25-75% and 9-91%
    expect(svg.locator(f"g.word.selected[data-word='{names[0]}']")).to_have_count(1)
    # every square now carries one stripe coloured by the word's response (not all neutral)
    fills = svg.locator("rect.stripe").evaluate_all("els => els.map(e => e.getAttribute('fill'))")
    assert len(fills) == svg.locator("g.unit").count()
    assert len(set(fills)) > 1
    expect(page.p.locator(".legend-row .legend-word")).to_have_text([names[0]])
    assert f"word={names[0]}" in page.p.url.replace("%27", "'")
    # up to three words: a fourth click drops the oldest
    for i in (1, 2, 3):
        svg.locator(f"g.word[data-word='{names[i]}']").first.click()
    expect(card).to_have_count(3)
    expect(page.p.locator(".word-card .card-title")).to_have_text(names[1:4])
    assert svg.locator("g.unit").first.locator("rect.stripe").count() == 3
    shot(page, "words")
    # the x on a card removes that word
    page.p.locator(".word-card").first.locator(".remove").click()
    expect(card).to_have_count(2)


def test_clicking_a_unit_shows_box_plots_of_its_words(page):
    svg = open_main(page)
    unit = svg.locator("g.unit").first
    uid = unit.get_attribute("data-unit")
    unit.click()
    card = page.p.locator(".unit-card")
    expect(card).to_have_count(1)
    expect(card.locator(".card-title")).to_have_text(f"unit {uid}")
    expect(card.locator(".card-sub")).to_contain_text(f"{LSTM} · L1 · h")
    expect(card.locator(".group-label.positive")).to_have_count(1)
    expect(card.locator(".group-label.negative")).to_have_count(1)
    rows = card.locator("g.box-row")
    expect(rows).not_to_have_count(0)
    expect(svg.locator(f"g.unit.selected[data-unit='{uid}']")).to_have_count(1)
    assert f"unit={LSTM}%3A1%3A{uid}" in page.p.url
    # a word label in the box plot selects that word
    word = rows.first.get_attribute("data-word")
    rows.first.locator("text.word-label").click()
    expect(page.p.locator(".word-card .card-title")).to_have_text([word])
    shot(page, "unit")


def test_keyboard_reaches_words_units_chips_and_tokens(page):
    svg = open_main(page)
    word = svg.locator("g.word").first
    name = word.get_attribute("data-word")
    expect(word).to_have_attribute("role", "button")
    expect(word).to_have_attribute("aria-label", f"word {name}: show its response")
    word.focus()
    # focus highlights the word's cloud (as hovering does); Enter opens the word, as a click
    expect(svg.locator("g.cloud.focus")).to_have_count(1)
    page.p.keyboard.press("Enter")
    expect(page.p.locator(".word-card .card-title")).to_have_text([name])
    # Tab moves on to the next word
    page.p.keyboard.press("Tab")
    second = svg.locator("g.word").nth(1).get_attribute("data-word")
    assert page.p.evaluate("document.activeElement.dataset.word") == second
    shot(page, "keyboard")
    # a unit opens with Space; a chip label pins its highlight with Enter
    unit = svg.locator("g.unit").first
    uid = unit.get_attribute("data-unit")
    unit.focus()
    page.p.keyboard.press(" ")
    expect(page.p.locator(".unit-card .card-title")).to_have_text(f"unit {uid}")
    label = svg.locator("g.chip").last.locator("text.chip-label")
    label.focus()
    page.p.keyboard.press("Enter")
    expect(svg).to_have_class(re.compile(r"\bpinned\b"))
    # sentence view: a token compares with its average on Enter
    page.p.goto(f"{page.url}/?view=sentence&model={LSTM}&layer=0&text=the+company+said")
    token = page.p.locator("svg.glyph-chart g.token[data-token=company]")
    token.focus()
    page.p.keyboard.press("Enter")
    expect(page.p.locator(".token-detail h3")).to_contain_text("“company” here vs. its average")


def test_state_and_mode_controls_recompute(page):
    svg = open_main(page)
    page.p.locator("[data-control=state] select").select_option("c")
    expect(page.p.locator(".view-title")).to_contain_text("c (cell update)")
    expect(svg.locator("g.chip")).not_to_have_count(0)
    page.p.locator("[data-control=mode] button[data-value=signed]").click()
    expect(page.p.locator("[data-control=mode] button[data-value=signed]")).to_have_attribute("aria-checked", "true")
    expect(page.p.locator(".view-main .canvas-body.is-loading")).to_have_count(0)
    assert "state=c" in page.p.url and "mode=signed" in page.p.url
    # the display controls need no server work: the link filter at 0 shows every link
    before = svg.locator("path.link").count()
    page.p.locator("[data-control=threshold] input").evaluate(
        "el => { el.value = 0; el.dispatchEvent(new Event('change', {bubbles: true})); }")
    expect(page.p.locator("[data-control=threshold] .control-value")).to_have_text("all links")
    assert svg.locator("path.link").count() >= before
    assert "links=0" in page.p.url


def test_url_restores_the_view_and_export_downloads_svg(page):
    svg = open_main(page, f"&k=3&word=the&unit={LSTM}:1:0")
    expect(svg.locator("g.chip")).to_have_count(3)
    expect(page.p.locator(".word-card .card-title")).to_have_text(["the"])
    expect(page.p.locator(".unit-card .card-title")).to_have_text(["unit 0"])
    page.p.reload()
    expect(page.p.locator(".view-main svg.cluster-svg g.chip")).to_have_count(3)
    expect(page.p.locator(".word-card .card-title")).to_have_text(["the"])
    with page.p.expect_download() as info:
        page.p.locator(".export-svg").click()
    download = info.value
    assert download.suggested_filename == f"rnnvis-{LSTM}-L1-h-k3-abs.svg"
    text = Path(download.path()).read_text()
    assert text.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in text
    assert text.count('class="chip"') == 3
    with page.p.expect_download() as info:
        page.p.locator(".export-png").click()
    png = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.endswith(".png") and png.startswith(b"\x89PNG")


# ------------------------------------------------------------------ sentence view

def test_sentence_view_draws_a_glyph_per_token_and_compares_a_token(page):
    page.p.goto(f"{page.url}/?view=sentence&model={LSTM}&layer=0")
    box = page.p.locator(".sentence-input textarea")
    box.fill("the company said it zzqxv")
    page.p.locator(".sentence-input .run").click()
    tokens = page.p.locator("svg.glyph-chart g.token")
    expect(tokens).to_have_count(5)
    expect(page.p.locator("svg.glyph-chart g.token.oov")).to_have_count(1)
    expect(page.p.locator("svg.glyph-chart g.token.oov")).to_have_attribute("data-token", "zzqxv")
    k = page.p.locator("svg.glyph-chart text.row-label").count()
    assert k >= 2
    assert tokens.first.locator("g.cell").count() == k
    assert "text=the+company+said+it+zzqxv" in page.p.url
    page.p.locator("svg.glyph-chart g.token[data-token=company]").click()
    detail = page.p.locator(".token-detail")
    expect(detail.locator("h3")).to_contain_text("“company” here vs. its average")
    expect(detail.locator("svg.profile-chart circle.value")).to_have_count(32)  # one dot per unit
    expect(detail.locator("svg.profile-chart path.mean")).to_have_count(1)
    shot(page, "sentence")
    page.p.locator("svg.glyph-chart g.token.oov").click()
    expect(detail.locator(".oov-badge")).to_have_text("OOV")
    expect(detail).to_contain_text("not in the model's vocabulary")


def test_sentence_view_picks_a_corpus_sentence(page):
    page.p.goto(f"{page.url}/?view=sentence&model={GRU}")
    picker = page.p.locator(".sentence-picker")
    expect(picker.locator("option")).not_to_have_count(1)
    value = picker.locator("option").nth(1).get_attribute("value")
    picker.select_option(index=1)
    expect(page.p.locator("svg.glyph-chart g.token")).to_have_count(len(value.split()))


# ------------------------------------------------------------------ comparison

def test_compare_two_models_mirrored_with_linked_word_selection(page):
    page.p.goto(f"{page.url}/?view=compare&model={LSTM}&layer=0&compare={GRU}&layer2=1")
    left = page.p.locator(".compare-side.left svg.cluster-svg")
    right = page.p.locator(".compare-side.right svg.cluster-svg")
    expect(left).to_be_visible()
    expect(right).to_be_visible()
    expect(page.p.locator(".compare-side .canvas-body.is-loading")).to_have_count(0)
    expect(left).to_have_class(re.compile(r"\bmirrored\b"))
    expect(page.p.locator(".compare-side.left .side-name")).to_have_text(f"{LSTM} · layer 0")
    expect(page.p.locator(".compare-side.right .side-name")).to_have_text(f"{GRU} · layer 1")
    for svg in (left, right):
        expect(svg.locator("g.chip")).to_have_count(int(svg.get_attribute("data-k")))
    # different unit counts: 32 on the left, 16 on the right
    assert left.locator("g.unit").count() <= 32
    assert right.locator("g.unit").count() <= 16
    assert right.locator("g.unit").count() < left.locator("g.unit").count()
    # mirrored: the left side's clouds are left of its chips, the right side's are right of them
    lbox = left.locator("g.cloud").first.bounding_box()
    lchip = left.locator("g.chip").first.bounding_box()
    rbox = right.locator("g.cloud").first.bounding_box()
    rchip = right.locator("g.chip").first.bounding_box()
    assert lbox["x"] < lchip["x"] and rbox["x"] > rchip["x"]
    # a word picked on one side shows on both
    word = right.locator("g.word").first.get_attribute("data-word")
    right.locator("g.word").first.click()
    card = page.p.locator(".word-card")
    expect(card.locator(".card-title")).to_have_text([word])
    expect(card.locator(".side-label")).to_have_text([f"{LSTM} L0", f"{GRU} L1"])
    expect(card.locator("svg.profile-chart")).to_have_count(2)
    expect(right.locator(f"g.word.selected[data-word='{word}']")).to_have_count(1)
    if left.locator(f"g.word[data-word='{word}']").count():
        expect(left.locator(f"g.word.selected[data-word='{word}']")).to_have_count(1)
    for svg in (left, right):
        fills = svg.locator("rect.stripe").evaluate_all("els => els.map(e => e.getAttribute('fill'))")
        assert len(set(fills)) > 1
    # a unit on the right side is a unit of the right model
    unit = right.locator("g.unit").first
    uid = unit.get_attribute("data-unit")
    unit.click()
    expect(page.p.locator(".unit-card .card-sub")).to_contain_text(f"{GRU} · L1")
    expect(page.p.locator(".unit-card .card-title")).to_have_text([f"unit {uid}"])
    shot(page, "compare-models")


def test_compare_two_layers_of_one_model(page):
    page.p.goto(f"{page.url}/?view=compare&model={GRU}&compare={LSTM}")
    expect(page.p.locator(".compare-side.right .side-name")).to_contain_text(LSTM)
    page.p.locator(".presets .preset-layers").click()
    expect(page.p.locator(".compare-side.left .side-name")).to_have_text(f"{GRU} · layer 0")
    expect(page.p.locator(".compare-side.right .side-name")).to_have_text(f"{GRU} · layer 1")
    expect(page.p.locator(".compare-side .canvas-body.is-loading")).to_have_count(0)
    left = page.p.locator(".compare-side.left svg.cluster-svg")
    right = page.p.locator(".compare-side.right svg.cluster-svg")
    expect(left.locator("g.unit")).not_to_have_count(0)
    expect(right.locator("g.unit")).not_to_have_count(0)
    assert left.locator("g.unit").count() <= 24 and right.locator("g.unit").count() <= 16
    assert f"compare={GRU}" in page.p.url and "layer2=1" in page.p.url
    shot(page, "compare-layers")


# ------------------------------------------------------------------ configs

def test_config_edit_shows_errors_at_their_line_and_saves_only_valid_yaml(page):
    page.p.goto(f"{page.url}/?view=configs")
    items = page.p.locator(".config-item")
    expect(items).to_have_count(len(MODELS))
    expect(page.p.locator(".config-item.valid")).to_have_count(len(MODELS))
    page.p.locator(f".config-item[data-file='{LSTM}.yaml']").click()
    editor = page.p.locator(".editor textarea")
    expect(editor).to_have_value(re.compile(r"cell: lstm\n"))
    original = editor.input_value()
    line = original.split("\n").index("  cell: lstm") + 1
    editor.fill(original.replace("  cell: lstm", "  cell: lstmm"))
    error = page.p.locator(f".config-error[data-line='{line}']")
    expect(error).to_contain_text("model.cell")
    expect(error).to_contain_text("lstmm")
    expect(page.p.locator(f".editor-gutter [data-line='{line}']")).to_have_class(re.compile("has-error"))
    expect(page.p.locator(".config-state")).to_contain_text("1 error")
    expect(page.p.locator(".save")).to_be_disabled()
    # the note sits level with its line
    note_y = error.bounding_box()["y"]
    gutter_y = page.p.locator(f".editor-gutter [data-line='{line}']").bounding_box()["y"]
    assert abs(note_y - gutter_y) < 12
    shot(page, "config-error")
    # fix it (and change the description): valid, then saved to disk
    fixed = original.replace("description: browser-test", "description: edited browser-test")
    editor.fill(fixed)
    expect(page.p.locator(".config-error")).to_have_count(0)
    expect(page.p.locator(".config-state")).to_have_text("✓ valid — unsaved changes")
    expect(page.p.locator(".save")).to_be_enabled()
    page.p.locator(".save").click()
    expect(page.p.locator(".config-state")).to_have_text("✓ saved")
    expect(page.p.locator(".save")).to_be_disabled()
    assert (page.live.configs / f"{LSTM}.yaml").read_text() == fixed
    (page.live.configs / f"{LSTM}.yaml").write_text(original)


def test_unsaved_config_edits_survive_switching_files_views_and_reloads(page):
    path = page.live.configs / f"{LSTM}.yaml"
    on_disk = path.read_text()
    page.p.goto(f"{page.url}/?view=configs")
    page.p.locator(f".config-item[data-file='{LSTM}.yaml']").click()
    editor = page.p.locator(".editor textarea")
    expect(editor).to_have_value(on_disk)
    edited = on_disk.replace("description: browser-test", "description: half-finished edit")
    assert edited != on_disk
    editor.fill(edited)
    expect(page.p.locator(".config-state")).to_have_text("✓ valid — unsaved changes")
    lstm_item = page.p.locator(f".config-item[data-file='{LSTM}.yaml']")
    expect(lstm_item).to_have_class(re.compile("dirty"))
    # another file, then back
    page.p.locator(f".config-item[data-file='{GRU}.yaml']").click()
    expect(editor).to_have_value(re.compile(r"cell: gru\n"))
    expect(lstm_item).to_have_class(re.compile("dirty"))
    lstm_item.click()
    expect(editor).to_have_value(edited)
    expect(page.p.locator(".config-state")).to_have_text("✓ valid — unsaved changes")
    # another view, then back; then a reload
    page.p.locator(".tabs .tab[data-view='main']").click()
    expect(page.p.locator(".view-configs")).to_have_count(0)
    page.p.locator(".tabs .tab[data-view='configs']").click()
    expect(editor).to_have_value(edited)
    page.p.reload()
    expect(editor).to_have_value(edited)
    expect(page.p.locator(".save")).to_be_enabled()
    assert path.read_text() == on_disk, "nothing was saved"
    # editing back to the saved text drops the draft
    editor.fill(on_disk)
    expect(page.p.locator(".config-state")).to_have_text("✓ valid")
    expect(page.p.locator(f".config-item[data-file='{LSTM}.yaml']")).not_to_have_class(re.compile("dirty"))
    page.p.reload()
    expect(editor).to_have_value(on_disk)


# ------------------------------------------------------------------ states

def test_no_models_shows_how_to_train_one(page):
    page.p.route("**/api/models", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps({"models": []})))
    page.p.goto(f"{page.url}/")
    empty = page.p.locator(".empty-state")
    expect(empty).to_contain_text("No models yet")
    expect(empty.locator("pre")).to_contain_text("python manage.py train config/demo-lstm.yaml")
    expect(empty.locator("pre")).to_contain_text("python manage.py evaluate demo-lstm")
    shot(page, "no-models")


def test_server_errors_are_shown_in_the_page(page):
    page.p.route("**/coclusters?*", lambda route: route.fulfill(
        status=400, content_type="application/json",
        body=json.dumps({"error": "layer: got 7; model 'x' has layers 0..1"})))
    page.p.goto(f"{page.url}/?model={LSTM}")
    box = page.p.locator(".view-main .error-box")
    expect(box).to_contain_text("Could not compute the co-clusters")
    expect(box).to_contain_text("layer: got 7; model 'x' has layers 0..1")
    # an unknown word gives the server's 404 message in its card, not a blank panel
    page.p.unroute("**/coclusters?*")
    page.p.goto(f"{page.url}/?model={LSTM}&word=qqqnotaword")
    expect(page.p.locator(".word-card .error-box")).to_contain_text("qqqnotaword")
