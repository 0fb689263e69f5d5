"""The evaluate, cocluster and graph commands, run in-process on the trained test workspace."""

import json

import networkx as nx

from rnnvis.cli import main


def test_evaluate_reports_up_to_date_then_errors(use_home, capsys):
    assert main(["evaluate", "lm", "--split", "test", "--dtype", "float32", "--quiet"]) == 0
    assert "evaluation is up to date" in capsys.readouterr().out
    assert main(["evaluate", "nope"]) == 2
    assert capsys.readouterr().err.strip() == "error: unknown model 'nope'; see `python manage.py models`"
    assert main(["evaluate", "lm", "--max-tokens", "0"]) == 2
    assert "--max-tokens: got 0" in capsys.readouterr().err


def test_cocluster_text_and_json(use_home, capsys):
    assert main(["cocluster", "lm", "--layer", "1", "--state", "c", "--k", "2", "--top-k", "10"]) == 0
    out = capsys.readouterr().out
    assert "k=2" in out and out.count("cluster ") >= 2 and "within/between" in out
    assert main(["cocluster", "lm", "--k", "2", "--top-k", "10", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["k"] == 2 and len(view["word_clusters"]) == 2
    assert main(["cocluster", "lm", "--k", "31", "--top-k", "10"]) == 2
    assert "k: got 31; expected an integer from 2 to 30" in capsys.readouterr().err


def test_graph_export(use_home, tmp_path, capsys):
    out = tmp_path / "g.graphml"
    assert main(["graph", "lm", "--layer", "0", "--words", "5", "--edges", "3", "--out", str(out)]) == 0
    g = nx.read_graphml(out)
    words = [n for n, d in g.nodes(data=True) if d["kind"] == "word"]
    assert len(words) == 5 and all(g.degree(w) <= 3 for w in words)
    assert main(["graph", "lm", "--layer", "7", "--out", str(out)]) == 2
    assert "layer: got 7" in capsys.readouterr().err
