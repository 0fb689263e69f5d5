"""Config validation: shipped configs pass; bad ones fail with a message naming file, key and rule."""

from pathlib import Path

import pytest
import yaml

from rnnvis.modelling.config import ConfigError, dump_config, load_config, loads_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "config").glob("*.yaml"))

GOOD = """
name: t
task: language_model
data: {dataset: ptb}
model: {cell: lstm, layers: [8, 8], embedding_size: 4}
"""


def test_configs_are_shipped():
    names = {p.stem for p in SHIPPED}
    for expected in ("ptb-small-lstm", "ptb-medium-lstm", "ptb-rnn-600", "ptb-gru-600",
                     "ptb-lstm-600", "shakespeare-lstm", "imdb-gru50", "synthetic-counting",
                     "synthetic-selective-counting", "synthetic-state-memory", "synthetic-copy",
                     "demo-lstm", "demo-gru"):
        assert expected in names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_config_is_valid(path):
    cfg = load_config(path)
    assert cfg.name == path.stem  # one file per model, named after it
    assert loads_config(dump_config(cfg)) == cfg  # snapshot round trip


def test_zaremba_small_matches_paper():
    cfg = load_config(ROOT / "config" / "ptb-small-lstm.yaml")
    assert cfg.model.layers == [200, 200] and cfg.model.cell == "lstm"
    assert (cfg.train.batch_size, cfg.train.seq_length, cfg.train.epochs) == (20, 20, 13)
    lrs = [cfg.train.lr_schedule.learning_rate(1.0, e) for e in range(6)]
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.25]


def test_defaults_are_filled():
    cfg = loads_config(GOOD)
    assert cfg.data.level == "word" and cfg.data.min_freq == 1
    assert cfg.model.dropout.input == 0.0
    assert cfg.train.optimizer.name == "adam" and cfg.evaluation.split == "test"


def _errors(text, source="bad.yaml"):
    with pytest.raises(ConfigError) as info:
        loads_config(text, source)
    for line in info.value.errors:
        assert line.startswith(f"{source}: ")
        assert "\n" not in line
    return info.value.errors


def _mutate(path, value):
    raw = yaml.safe_load(GOOD)
    node = raw
    keys = path.split(".")
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    node[keys[-1]] = value
    return yaml.safe_dump(raw)


@pytest.mark.parametrize("path,value,expected", [
    ("model.cell", "lstmm", r"model\.cell: got 'lstmm'; allowed: rnn, lstm, gru \(did you mean 'lstm'\?\)"),
    ("task", "lm", r"task: got 'lm'; allowed: language_model, classification"),
    ("model.layers", [200, 0], r"model\.layers\[1\]: got 0; expected a value >= 1"),
    ("model.layers", 200, r"model\.layers: got 200; expected a list of integers"),
    ("model.layers", [], r"model\.layers: got \[\]; expected at least one layer"),
    ("model.embedding_size", "big", r"model\.embedding_size: got 'big'; expected an integer"),
    ("model.dropout.input", 1.5, r"model\.dropout\.input: got 1\.5; expected a value <= 0\.95"),
    ("model.dropot", 0.5, r"model\.dropot: unknown key; .*did you mean 'dropout'"),
    ("train.optimizer.name", "adagrad", r"train\.optimizer\.name: got 'adagrad'; allowed: sgd, adam, rmsprop"),
    ("train.optimizer.learning_rate", 0, r"learning_rate: got 0(\.0)?; expected a value > 0"),
    ("train.learning_rate", "lambda e: 0.5 ** e", r"train\.learning_rate: unknown key"),
    ("train.lr_schedule", {"type": "piecewise", "boundaries": [4], "values": [1.0]},
     r"values: got 1 values for 1 boundaries"),
    ("train.lr_schedule", {"type": "cosine"}, r"lr_schedule\.type: got 'cosine'"),
    ("train.batch_size", True, r"train\.batch_size: got True; expected an integer"),
    ("data.dataset", "wikitext", r"data\.dataset: got 'wikitext'; allowed: ptb, "),
    ("data.split", {"train": 0.5, "valid": 0.1, "test": 0.1}, r"fractions must be > 0 and sum to 1"),
    ("data.split", {"train": 0.8, "vaild": 0.2}, r"data\.split\.vaild: unknown split.*did you mean 'valid'"),
    ("data.path", "x.txt", r"data\.path: only for dataset text or csv"),
    ("evaluation.split", "dev", r"evaluation\.split: got 'dev'; allowed: train, valid, test"),
    ("name", "../evil", r"name: got '\.\./evil'; expected 1-64 letters"),
    ("name", None, r"name: got None; expected a string"),
])
def test_bad_value_message(path, value, expected):
    errors = _errors(_mutate(path, value))
    assert any(__import__("re").search(expected, e) for e in errors), errors


def test_missing_required_keys_are_listed():
    errors = _errors("name: t\ntask: language_model\n")
    assert any("data: required key is missing" in e for e in errors)
    assert any("model: required key is missing" in e for e in errors)


def test_several_errors_reported_at_once():
    errors = _errors(_mutate("model.cell", "x").replace("embedding_size: 4", "embedding_size: -4"))
    assert len(errors) == 2


def test_task_and_dataset_must_agree():
    errors = _errors(GOOD.replace("language_model", "classification"))
    assert any("needs a labelled dataset" in e for e in errors)
    errors = _errors(GOOD.replace("ptb", "imdb"))
    assert any("'language_model' needs a text dataset" in e for e in errors)


def test_user_files_need_paths():
    errors = _errors(GOOD.replace("{dataset: ptb}", "{dataset: text}"))
    assert any("needs exactly one of data.path or data.paths" in e for e in errors)


def test_yaml_syntax_error_gives_line_and_column():
    errors = _errors("name: t\ntask: [language_model\nmodel: {cell: lstm}\n")
    assert len(errors) == 1
    assert __import__("re").search(r"YAML syntax error at line \d+, column \d+", errors[0])


def test_empty_and_non_mapping_files():
    assert "the file is empty" in _errors("")[0]
    assert "top level: got [1, 2]; expected a mapping" in _errors("[1, 2]")[0]


def test_no_code_is_evaluated(tmp_path):
    # yaml.safe_load refuses Python object tags outright
    errors = _errors("name: !!python/object/apply:os.system ['touch pwned']\n")
    assert "YAML" in errors[0]
    assert not (tmp_path / "pwned").exists()


def test_load_config_reports_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: no such file"):
        load_config(tmp_path / "nope.yaml")


def test_parse_config_relative_paths_resolve_next_to_file(tmp_path):
    path = tmp_path / "sub" / "m.yaml"
    path.parent.mkdir()
    path.write_text(GOOD)
    assert load_config(path).base_dir == path.parent.resolve()
    assert parse_config(yaml.safe_load(GOOD)).source is None


def test_default_folders_are_at_the_repository_root(monkeypatch):
    from rnnvis.modelling.configfiles import config_dir, list_configs
    from rnnvis.modelling.modeldir import workspace

    monkeypatch.delenv("RNNVIS_HOME", raising=False)
    monkeypatch.delenv("RNNVIS_CONFIG_DIR", raising=False)
    assert workspace() == ROOT / "workspace"
    assert config_dir() == ROOT / "config"
    assert "demo-lstm.yaml" in {c["file"] for c in list_configs()}
