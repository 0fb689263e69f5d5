"""Jobs in the browser (real Chromium against the live server, whose runner starts real job
processes): the Jobs panel from any view, Train refusing to overwrite a model without a choice,
and a synthetic config edited, saved and trained, its progress and loss curve moving, a waiting
job cancelled and resumed, the model joining the pickers without a reload, and compared with
another model.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.request

from playwright.sync_api import expect

from tests.server.browser_fixtures import GRU, LSTM, shot

# sorts after the session's other models, so views that pick a default model are unchanged
NAME = "zz-jobs-counting"
CONFIG = f"""\
# A synthetic counting task (a^n X b^n), trained from the browser.
name: {NAME}
task: language_model
description: trained by the browser test of jobs
data: {{dataset: counting, level: char, num_samples: 3000, max_count: 8}}
model: {{cell: lstm, layers: [16], embedding_size: 8}}
train: {{batch_size: 8, seq_length: 16, epochs: 2, optimizer: {{name: adam, learning_rate: 0.01}}}}
evaluation: {{split: test}}
"""
JOB_TIMEOUT = 240_000  # ms: the job process imports TensorFlow, trains and evaluates


def _jobs(url):
    with urllib.request.urlopen(f"{url}/api/jobs", timeout=30) as resp:
        return json.loads(resp.read())["jobs"]


def _post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def test_the_jobs_panel_opens_from_any_view(page):
    for view in ("main", "compare", "sentence", "configs"):
        page.p.goto(f"{page.url}/?view={view}&model={LSTM}")
        page.p.locator("#jobs-toggle").click()
        panel = page.p.locator("#jobs-panel")
        expect(panel).to_be_visible()
        expect(panel.locator("h2")).to_have_text("Jobs")
        assert "jobs=true" in page.p.url
        panel.locator(".jobs-close").click()
        expect(panel).to_be_hidden()
    page.p.goto(f"{page.url}/?view=main&model={LSTM}&jobs=1")   # the URL keeps it open
    expect(page.p.locator("#jobs-panel")).to_be_visible()


def test_train_does_not_overwrite_a_model_without_a_choice(page):
    page.p.goto(f"{page.url}/?view=configs&config={LSTM}.yaml")
    train = page.p.locator(".config-toolbar .train")
    expect(train).to_be_enabled()
    train.click()
    dialog = page.p.locator("dialog.train-confirm")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"model '{LSTM}' already exists (evaluated)")
    expect(dialog.locator(".train-resume")).to_have_count(1)     # it has a checkpoint
    expect(dialog.locator(".train-force")).to_have_text("Train from scratch (deletes it)")
    shot(page, "jobs-confirm-retrain")
    dialog.locator(".train-cancel").click()
    expect(dialog).to_be_hidden()
    assert [j for j in _jobs(page.url) if j["model"] == LSTM] == []   # nothing was queued
    # an invalid or unsaved config cannot be trained
    editor = page.p.locator(".editor textarea")
    editor.fill(editor.input_value().replace("cell: lstm", "cell: lstmm"))
    expect(page.p.locator(".config-state")).to_contain_text("1 error")
    expect(train).to_be_disabled()


def _watch(card, until_status, timeout_s):
    """Read the card's phase, progress bar width and loss-curve points until its status is
    ``until_status``; return the distinct observations, in order."""
    seen = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = card.get_attribute("data-status")
        phase = card.get_attribute("data-phase")
        width = card.locator(".progress-bar").evaluate_all(
            "bars => bars.length ? parseFloat(bars[0].style.width) : null")
        points = card.locator("svg.loss-chart path.train").evaluate_all(
            "paths => paths.length ? (paths[0].getAttribute('d').match(/[ML]/g) || []).length : 0")
        if width is not None and (not seen or seen[-1] != (phase, width, points)):
            seen.append((phase, width, points))
        if status == until_status:
            return seen
        time.sleep(0.15)
    raise AssertionError(f"the job did not reach {until_status} in {timeout_s} s; saw {seen}")


def test_edit_save_train_watch_and_compare(page):
    path = page.live.configs / f"{NAME}.yaml"
    path.write_text(CONFIG)
    try:
        page.p.goto(f"{page.url}/?view=configs&model={LSTM}")
        page.p.locator(f".config-item[data-file='{NAME}.yaml']").click()
        editor = page.p.locator(".editor textarea")
        expect(editor).to_have_value(re.compile("dataset: counting"))
        train = page.p.locator(".config-toolbar .train")
        expect(train).to_be_enabled()
        # one more epoch: Train waits until the edit is saved
        editor.fill(CONFIG.replace("epochs: 2", "epochs: 3"))
        expect(page.p.locator(".config-state")).to_have_text("✓ valid — unsaved changes")
        expect(train).to_be_disabled()
        page.p.locator(".save").click()
        expect(page.p.locator(".config-state")).to_have_text("✓ saved")
        expect(train).to_be_enabled()
        train.click()
        panel = page.p.locator("#jobs-panel")
        expect(panel).to_be_visible()
        card = panel.locator(".job-card", has=page.p.locator(".job-model", has_text=NAME))
        expect(card).to_have_attribute("data-status", re.compile("queued|running"))
        # a second job waits behind it: Cancel it, Resume it, Cancel it again
        other = _post(f"{page.url}/api/jobs/evaluate", {"name": GRU})
        waiting = panel.locator(f".job-card[data-job='{other['id']}']")
        expect(waiting).to_have_attribute("data-status", "queued")
        waiting.locator(".job-cancel").click()
        expect(waiting).to_have_attribute("data-status", "cancelled")
        waiting.locator(".job-resume").click()
        expect(waiting).to_have_attribute("data-status", "queued")
        waiting.locator(".job-cancel").click()
        expect(waiting).to_have_attribute("data-status", "cancelled")
        expect(card).to_have_attribute("data-status", "running", timeout=JOB_TIMEOUT)
        expect(card.locator("svg.loss-chart path.train")).to_have_count(1, timeout=JOB_TIMEOUT)
        expect(card.locator(".job-progress")).to_contain_text("epoch ")
        expect(card.locator(".job-progress")).to_contain_text("ETA ")
        expect(card.locator(".job-log")).to_contain_text("job ")
        shot(page, "jobs-running")
        seen = _watch(card, "done", JOB_TIMEOUT / 1000)
        # training (with its validation and test phases) moves the bar forward only, then the
        # recording of the test split fills it again (how many widths the page shows depends on
        # how busy the machine is: with two test workers a 3-epoch run can pass in two polls)
        training = [w for phase, w, _ in seen if phase in ("train", "valid", "test")]
        assert len(set(training)) >= 2 and training == sorted(training), seen
        assert [phase for phase, _, _ in seen][-1] == "evaluate" and seen[-1][1] == 100, seen
        points = [n for _, _, n in seen]
        assert points[-1] > points[0] >= 1, seen                       # the curve grew
        expect(card.locator(".job-status")).to_have_text("done")
        expect(card.locator("svg.loss-chart circle.valid")).to_have_count(3)   # one per epoch
        shot(page, "jobs-done")
        # the new model is in the Memory view's picker, without a reload
        page.p.locator(".tabs .tab[data-view='main']").click()
        expect(page.p.locator(f".view-main [data-control='model'] option[value='{NAME}']")).to_have_count(1)
        # the card links to Compare with the model that was being looked at
        compare = card.locator(".open-compare")
        expect(compare).to_have_text(f"Compare with {LSTM}")
        compare.click()
        expect(page.p.locator(".view-compare")).to_have_count(1)
        assert f"model={NAME}" in page.p.url and f"compare={LSTM}" in page.p.url
        for side in ("left", "right"):
            expect(page.p.locator(f".compare-side.{side} svg.cluster-svg g.unit")).not_to_have_count(0)
        expect(page.p.locator(".compare-side.left .side-name")).to_contain_text(NAME)
        expect(page.p.locator(".compare-side.right .side-name")).to_contain_text(LSTM)
        page.p.locator(".jobs-close").click()
        shot(page, "jobs-compare")
    finally:   # leave the session's server as it was: no job of ours, no model, no config
        for job in _jobs(page.url):
            if job["model"] == NAME and job["status"] in ("queued", "running"):
                _post(f"{page.url}/api/jobs/{job['id']}/cancel", {})
        deadline = time.monotonic() + 30
        while any(j["status"] == "running" for j in _jobs(page.url)) and time.monotonic() < deadline:
            time.sleep(0.5)
        path.unlink(missing_ok=True)
        shutil.rmtree(page.live.home / "models" / NAME, ignore_errors=True)
