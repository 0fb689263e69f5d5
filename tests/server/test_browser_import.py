"""Importing a model from the browser (real Chromium against the live server, whose runner
starts real job processes): files uploaded from the import form into the imports folder, a name
that exists refused in the form, a vocabulary of the wrong size failing in the job's row with
its one-line message, then the import (and its evaluation) done, the model in the pickers and
open in the Memory view."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.importing.helpers import VOCAB, corpus_text, keras_lm
from tests.server.browser_fixtures import LSTM, shot

NAME = "zz-import-lm"    # sorts after the session's other models: their default views stay
JOB_TIMEOUT = 240_000    # ms: the job process imports TensorFlow, imports and evaluates


def _jobs(url):
    with urllib.request.urlopen(f"{url}/api/jobs", timeout=30) as resp:
        return json.loads(resp.read())["jobs"]


@pytest.fixture
def files(live, tmp_path):
    """A small Keras LSTM language model, its vocabulary, one that is a token short, and a
    corpus, on the user's disk; the imported model and the uploads removed afterwards."""
    short = tmp_path / "short-vocab.txt"
    short.write_text("\n".join(VOCAB.read_text().split("\n")[:-2]) + "\n")
    made = {"model": keras_lm(tmp_path / f"{NAME}.keras"), "vocab": VOCAB, "short": short,
            "corpus": corpus_text(tmp_path / "corpus.txt")}
    try:
        yield made
    finally:
        deadline = time.monotonic() + 30
        while any(j["status"] in ("queued", "running") for j in _jobs(live.url)) and time.monotonic() < deadline:
            time.sleep(0.5)
        shutil.rmtree(live.home / "models" / NAME, ignore_errors=True)
        shutil.rmtree(live.home / "imports", ignore_errors=True)


def _upload(form, field, path):
    """Pick ``path`` in the field's file input; wait until the upload is chosen in its select."""
    form.locator(f".import-field-{field} input[type=file]").set_input_files(str(path))
    expect(form.locator(f".import-field-{field} select")).to_have_value(path.name)


def test_upload_import_and_open_the_model(page, files):
    page.p.goto(f"{page.url}/?model={LSTM}&jobs=1")
    page.p.locator("#jobs-panel .import-open").click()
    dialog = page.p.locator("dialog.import-dialog")
    expect(dialog).to_be_visible()
    form = dialog.locator("form")
    expect(form.locator("select[name=kind]")).to_have_value("keras")
    expect(form.locator(".import-submit")).to_be_disabled()          # no model file yet
    _upload(form, "path", files["model"])
    expect(form.locator("#import-name")).to_have_value(NAME)         # named after its file
    _upload(form, "vocab", files["short"])
    # a name that exists: refused in the form, nothing queued
    form.locator("#import-name").fill(LSTM)
    form.locator(".import-submit").click()
    expect(form.locator(".import-error")).to_have_text(
        f"model '{LSTM}' already exists (evaluated); import with force to replace it, or choose another name")
    shot(page, "import-form-name-exists")
    assert [j for j in _jobs(page.url) if j["kind"].startswith("import")] == []
    # a vocabulary a token short: queued, and the import fails in its job's row
    form.locator("#import-name").fill(NAME)
    form.locator(".import-submit").click()
    expect(dialog).to_be_hidden()
    panel = page.p.locator("#jobs-panel")
    failed = panel.locator(".job-card", has=page.p.locator(".job-model", has_text=NAME)).first
    expect(failed).to_have_attribute("data-status", "failed", timeout=JOB_TIMEOUT)
    expect(failed.locator(".job-error")).to_contain_text(
        "short-vocab.txt: 15 tokens, but the embedding in")
    expect(failed.locator(".job-error")).to_contain_text("has 16 rows; expected one token per row")
    shot(page, "import-job-failed")
    # the form kept its values: the right vocabulary (uploaded twice: use the one there), a
    # corpus to measure and evaluate on, and Import again
    panel.locator(".import-open").click()
    expect(dialog).to_be_visible()
    expect(form.locator("#import-name")).to_have_value(NAME)
    _upload(form, "vocab", files["vocab"])
    form.locator(".import-field-vocab input[type=file]").set_input_files(str(files["vocab"]))
    expect(form.locator(".import-error")).to_contain_text("vocab.txt is already in the imports folder")
    form.locator(".import-error button", has_text="Use the file there").click()
    expect(form.locator(".import-error")).to_be_hidden()
    _upload(form, "data", files["corpus"])
    expect(form.locator("input[name=evaluate]")).to_be_checked()
    shot(page, "import-form")
    form.locator(".import-submit").click()
    expect(dialog).to_be_hidden()
    card = panel.locator(".job-card", has=page.p.locator(".job-kind", has_text="import-evaluate"))
    expect(card).to_have_attribute("data-status", "done", timeout=JOB_TIMEOUT)
    expect(card.locator(".job-progress")).to_contain_text("test ppl")
    shot(page, "import-job-done")
    # the model joined the pickers without a reload; its card opens it in the Memory view
    expect(page.p.locator(f".view-main [data-control='model'] option[value='{NAME}']")).to_have_count(1)
    card.locator(".open-memory").click()
    assert f"model={NAME}" in page.p.url
    svg = page.p.locator(".view-main svg.cluster-svg")
    expect(svg).to_be_visible()
    expect(page.p.locator(".view-main .canvas-body.is-loading")).to_have_count(0)
    assert svg.locator("g.chip").count() >= 2
    expect(page.p.locator("#model-info")).to_contain_text(f"imported from Keras ({NAME}.keras)")
    page.p.locator(".jobs-close").click()
    shot(page, "import-memory")
