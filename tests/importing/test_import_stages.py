"""An import reports its stages (what an import job shows), and a stop in the middle of writing
the model folder (SIGTERM in a job process raises SystemExit there) leaves nothing behind."""

import pytest

from rnnvis.importing import import_model
from rnnvis.modelling.modeldir import model_dir
from tests.importing.helpers import VOCAB, corpus_text, keras_lm


def test_stages_in_order_with_the_final_metrics(tmp_path):
    path = keras_lm(tmp_path / "lm.keras")
    events = []
    s = import_model("keras", str(path), "staged", vocab=str(VOCAB), data=str(corpus_text(tmp_path / "c.txt")),
                     log=lambda *a: None, report=events.append)
    assert all(e["phase"] == "import" for e in events)
    stages = [e["stage"] for e in events]
    assert [st for i, st in enumerate(stages) if i == 0 or stages[i - 1] != st] == [
        "reading", "converting", "measuring", "writing", "done"]
    assert events[0]["file"] == "lm.keras" and events[1]["layers"] == [8]
    measuring = [e for e in events if e["stage"] == "measuring"]
    assert measuring[0] == {"phase": "import", "stage": "measuring", "corpus": "text"}
    splits = [e["split"] for e in measuring[1:]]
    assert splits == sorted(splits, key=("valid", "test").index) and set(splits) == {"valid", "test"}
    assert all(0 < e["step"] <= e["steps"] for e in measuring[1:])
    assert events[-1]["metrics"] == s.metrics and s.metrics["test_perplexity"] > 1


def test_a_stop_while_writing_leaves_no_model_and_no_temporary_folder(tmp_path):
    path = keras_lm(tmp_path / "lm.keras")

    def stop(event):
        if event["stage"] == "writing":
            raise SystemExit(143)

    with pytest.raises(SystemExit):
        import_model("keras", str(path), "stopped", vocab=str(VOCAB), log=lambda *a: None, report=stop)
    models = model_dir("stopped").root.parent
    assert sorted(p.name for p in models.iterdir()) == []
