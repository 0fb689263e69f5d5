"""Fixtures of the server tests: a config folder, and for the browser tests a live server with
two tiny trained models, one Chromium, and a fresh page per test that fails on page errors."""

from types import SimpleNamespace

import pytest

from tests.server.browser_fixtures import CHROMIUM, SHOTS, TIMEOUT, Page, Server, prepare


@pytest.fixture
def config_folder(tmp_path, monkeypatch):
    """A temporary config folder (RNNVIS_CONFIG_DIR) with one valid and one invalid config."""
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "good.yaml").write_text(
        "name: good\ntask: language_model\ndata: {dataset: ptb}\n"
        "model: {cell: lstm, layers: [4], embedding_size: 2}\n")
    (folder / "bad.yaml").write_text(
        "name: bad\ntask: language_model\ndata: {dataset: ptb}\n"
        "model:\n  cell: lstmm\n  layers: [4]\n  embedding_size: 2\n")
    monkeypatch.setenv("RNNVIS_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    """Two tiny evaluated models (LSTM 2x32, GRU 24+16), a config folder, and a running server."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(`make test` installs it, or apt-get install chromium)")
    base = tmp_path_factory.mktemp("browser")
    home, configs = base / "home", base / "configs"
    prepare(home, configs)
    server = Server(home, configs, base / "server.log").wait()
    try:
        yield SimpleNamespace(url=server.url, home=home, configs=configs)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(live):
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, live):
    """A fresh page; the test fails if the page reported an uncaught error or a console error."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error"
          and "Failed to load resource" not in m.text else None)
    yield Page(p=pg, url=live.url, errors=errors, live=live)
    context.close()
    assert errors == [], f"the page reported errors: {errors}"
