"""Browser tests of imported models: an ONNX model in the Memory view, with its source in the
top bar; a states-only LSTMVis import whose Sentence view is greyed out with the reason."""

import shutil

import numpy as np
import pytest

from tests.workspace import workspace
from playwright.sync_api import expect

from tests.server.browser_fixtures import shot

FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "imports"
ONNX_NAME, STATES_NAME = "zz-onnx", "zz-lstmvis"   # sorted after the tiny models


@pytest.fixture(scope="module")
def imported(live, tmp_path_factory):
    """An ONNX LSTM language model (imported and evaluated) and LSTMVis states, in the live
    server's workspace; removed afterwards."""
    import h5py

    from rnnvis.importing import import_model
    from rnnvis.recording.evaluation import evaluate_model

    tmp = tmp_path_factory.mktemp("imports")
    words = [w for w in (FIXTURES / "vocab.txt").read_text().split("\n")[2:] if w and w != "<eos>"]
    rng = np.random.default_rng(0)
    corpus = tmp / "corpus.txt"
    corpus.write_text("\n".join(" ".join(rng.choice(words, rng.integers(3, 9)))
                                for _ in range(400)) + "\n")
    project = tmp / "proj"
    project.mkdir()
    ids = rng.integers(1, len(words) + 1, 600)
    (project / "words.dict").write_text("".join(f"{w} {i}\n" for i, w in enumerate(words, 1)))
    with h5py.File(project / "words.h5", "w") as f:
        f.create_dataset("words", data=ids)
    with h5py.File(project / "states.h5", "w") as f:
        f.create_dataset("output1", data=np.tanh(rng.normal(size=(600, 12))).astype(np.float32))
    try:
        with workspace(live.home):
            import_model("onnx", str(FIXTURES / "lstm2-lm.onnx"), ONNX_NAME,
                         vocab=str(FIXTURES / "vocab.txt"), data=str(corpus), log=lambda *a: None)
            evaluate_model(ONNX_NAME, progress=False)
            import_model("lstmvis", str(project / "states.h5"), STATES_NAME, vocab=str(project / "words.dict"),
                         data=str(project / "words.h5"), cell="gru", log=lambda *a: None)
            yield live
    finally:
        for name in (ONNX_NAME, STATES_NAME):
            shutil.rmtree(live.home / "models" / name, ignore_errors=True)


def test_imported_onnx_model_in_the_memory_view(page, imported):
    page.p.goto(f"{page.url}/?model={ONNX_NAME}&layer=1")
    svg = page.p.locator(".view-main svg.cluster-svg")
    expect(svg).to_be_visible()
    expect(page.p.locator(".view-main .canvas-body.is-loading")).to_have_count(0)
    assert svg.locator("g.chip").count() >= 2
    expect(page.p.locator("#model-info")).to_contain_text("imported from ONNX (lstm2-lm.onnx)")
    option = page.p.locator("[data-control=model] select option[value='zz-onnx']")
    expect(option).to_have_text("zz-onnx (LSTM 2×4) · onnx")
    shot(page, "imported-onnx-memory")


def test_states_only_model_greys_out_sentence_evaluation(page, imported):
    page.p.goto(f"{page.url}/?view=sentence&model={STATES_NAME}")
    box = page.p.locator(".view-sentence .unavailable")
    expect(box).to_be_visible()
    expect(box).to_contain_text(f"Sentence evaluation is not available for {STATES_NAME}")
    expect(box).to_contain_text("without the weights that computed them")
    expect(page.p.locator(".view-sentence textarea")).to_be_disabled()
    expect(page.p.locator(".view-sentence button.run")).to_be_disabled()
    expect(page.p.locator(".view-sentence .sentence-input")).to_have_class("sentence-input is-disabled")
    expect(page.p.locator("#model-info")).to_contain_text("states only, imported from LSTMVis (states.h5)")
    shot(page, "states-only-sentence")
    # its states still show in the Memory view
    page.p.goto(f"{page.url}/?model={STATES_NAME}")
    expect(page.p.locator(".view-main svg.cluster-svg")).to_be_visible()
    expect(page.p.locator(".view-main .canvas-body.is-loading")).to_have_count(0)
    assert page.p.locator(".view-main svg.cluster-svg g.chip").count() >= 2
    shot(page, "states-only-memory")


def test_states_only_model_in_the_units_view(page, imported):
    page.p.goto(f"{page.url}/?view=units&model={STATES_NAME}&rank=word&a=cat&u=3")
    expect(page.p.locator(".view-units")).to_be_visible()
    rows = page.p.locator(".ranking-table tr.rank-row")
    expect(rows.first).to_be_visible()
    assert rows.count() == 12                          # every unit of the imported layer
    expect(page.p.locator(".contexts.positive .context-row")).to_have_count(8)
    expect(page.p.locator(".typed-heatmap")).to_contain_text("Not available: it holds states imported from LSTMVis")
    expect(page.p.locator(".typed-heatmap form")).to_have_count(0)
    shot(page, "states-only-units")
