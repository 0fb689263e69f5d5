"""The one error family: every error class derives from UserError; the CLI and the API map it."""

import importlib
import inspect
import pkgutil

import pytest

import rnnvis
from rnnvis.cli import main
from rnnvis.errors import UserError


def _rnnvis_modules():
    for info in pkgutil.walk_packages(rnnvis.__path__, "rnnvis."):
        yield importlib.import_module(info.name)


def test_every_error_class_derives_from_the_root():
    classes = {}
    for module in _rnnvis_modules():
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and \
                    obj.__module__.startswith("rnnvis"):
                classes[f"{obj.__module__}.{name}"] = obj
    # the walk found the families it should (not an empty loop that passes vacuously)
    names = {c.__name__ for c in classes.values()}
    assert {"DatasetError", "CoclusterError", "LayoutError", "RecordingError", "ConfigError",
            "NotFound", "ParamError", "ModelImportError", "TextTooLong"} <= names
    outside = [path for path, cls in classes.items() if not issubclass(cls, UserError)]
    assert outside == []


def _write_text_config(tmp_path, data_file: str) -> str:
    path = tmp_path / "model.yaml"
    path.write_text("name: from-text\ntask: language_model\n"
                    f"data: {{dataset: text, path: {data_file}}}\n"
                    "model: {cell: rnn, layers: [4], embedding_size: 2}\n")
    return str(path)


@pytest.mark.parametrize("content,message", [
    (None, "no such file (data.path)"),
    (b"caf\xe9 au lait\n" * 20, "not UTF-8 text (data.path): byte 3"),
    (b"one line only\n", "(data.path): only 1 item(s); need at least 3 to split"),
])
def test_train_with_a_bad_data_file_is_one_line_and_exit_2(tmp_path, capsys, content, message):
    if content is not None:
        (tmp_path / "corpus.txt").write_bytes(content)
    assert main(["train", _write_text_config(tmp_path, "corpus.txt"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err, err
    assert "Traceback" not in err


def test_an_unexpected_error_is_a_500_without_internals(use_home):
    from server import create_app
    from server.endpoints import bp

    app = create_app({"TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail /etc/passwd")

    resp = app.test_client().get("/boom")
    body = resp.get_json()
    assert resp.status_code == 500
    assert body == {"error": "internal error (a bug in rnnvis); the server log has the details"}
    assert bp.name == "api"
