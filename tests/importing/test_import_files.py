"""The imports folder: uploads are kept under a file name (never a path), whole or not at all;
files are named, never given as paths (no '..', no absolute paths, no links out); an import
job's options are the import command's, its files resolved inside the folder."""

import io
import os

import pytest

from rnnvis.atomic import atomic_dir, leftovers, temp_path
from rnnvis.errors import Conflict, Forbidden, NotFound, ParamError, TooLarge
from rnnvis.importing import IMPORT_PARAMS
from rnnvis.importing.importfiles import (JOB_PARAMS, delete_file, imports_dir, list_files,
                                          resolve, resolve_data, resolve_options, save_upload,
                                          upload_name)


def _put(name, data=b"x"):
    return save_upload(io.BytesIO(data), name)


def _folder_names():
    return sorted(os.listdir(imports_dir()))


@pytest.mark.parametrize("given,kept", [
    ("lm.keras", "lm.keras"), ("My LM (final).onnx", "My-LM-final-.onnx"),
    ("_vocab.txt", "vocab.txt"), ("words.DICT", "words.DICT"), ("states.h5", "states.h5"),
])
def test_an_upload_is_kept_under_its_own_name(given, kept):
    assert upload_name(given) == kept


@pytest.mark.parametrize("given,message", [
    ("../evil.keras", "file: '../evil.keras' is a path; an upload is named by its file name only"),
    ("/etc/evil.keras", "is a path"),
    ("..\\evil.keras", "is a path"),
    ("..", "is a path"),
    ("", "file: the upload has no file name"),
    ("...", "cannot be a file name of the imports folder; rename it to a file name of"),
    ("model.exe", "file: 'model.exe': the imports folder takes .keras, .onnx, .safetensors, .h5"),
    ("model", "the imports folder takes"),
])
def test_an_upload_that_is_a_path_or_of_no_known_kind_is_refused(given, message):
    with pytest.raises(ParamError) as exc:
        upload_name(given)
    assert message in str(exc.value)


def test_upload_whole_or_not_at_all_and_overwrite_only_when_asked():
    kept = _put("vocab.txt", b"a\nb\n")
    assert (kept["name"], kept["size"], kept["kind"], kept["fits"]) == ("vocab.txt", 4, "text", ["vocab", "data"])
    with pytest.raises(Conflict, match="vocab.txt is already in the imports folder; upload it with "
                                       "overwrite to replace it"):
        _put("vocab.txt", b"other\n")
    assert (imports_dir() / "vocab.txt").read_bytes() == b"a\nb\n"
    assert save_upload(io.BytesIO(b"c\n"), "vocab.txt", overwrite=True)["size"] == 2
    with pytest.raises(TooLarge, match=r"big.keras: larger than 0.0009766 MiB, the most an upload "
                                       r"may be \(serve --max-upload\); nothing was kept"):
        save_upload(io.BytesIO(b"x" * 2000), "big.keras", max_bytes=1024)
    assert _folder_names() == ["vocab.txt"]          # no big.keras, no temporary file


def test_the_listing_guesses_kinds_and_leaves_out_what_cannot_be_imported(tmp_path):
    for name in ("lm.keras", "names.yaml", "states.h5"):
        _put(name)
    folder = imports_dir()
    (folder / "readme.md").write_text("put there by hand")          # no upload takes it
    (folder / ".tmp-lm.keras-abcdefgh").write_bytes(b"half")      # an upload cut short
    (folder / "sub.keras").mkdir()                                 # a folder
    outside = tmp_path / "secret.keras"
    outside.write_bytes(b"s")
    (folder / "out.keras").symlink_to(outside)                     # a link out
    (folder / "in.keras").symlink_to(folder / "lm.keras")          # a link inside
    listed = {f["name"]: (f["kind"], f["fits"]) for f in list_files()}
    assert listed == {"in.keras": ("keras", ["path"]), "lm.keras": ("keras", ["path"]),
                      "names.yaml": ("mapping", ["mapping"]), "states.h5": ("lstmvis", ["path", "data"]),
                      "readme.md": ("other", [])}


def test_files_are_named_never_given_as_paths(tmp_path):
    _put("lm.keras")
    folder = imports_dir()
    assert resolve("lm.keras") == folder / "lm.keras"
    for bad in ("../lm.keras", "/etc/passwd", "sub/lm.keras", ".hidden.keras"):
        with pytest.raises(ParamError, match="vocab: got .*; expected a file name of the imports "
                                             r"folder: .* \(no folders\)"):
            resolve(bad, "vocab")
    outside = tmp_path / "secret.keras"
    outside.write_bytes(b"s")
    (folder / "out.keras").symlink_to(outside)
    (folder / "dangling.keras").symlink_to(tmp_path / "missing.keras")
    for name in ("out.keras", "dangling.keras"):
        with pytest.raises(Forbidden, match=f"path: {name} is a symbolic link out of the imports "
                                            "folder; only files inside it can be imported"):
            resolve(name, "path")
    (folder / "in.keras").symlink_to(folder / "lm.keras")
    assert resolve("in.keras").resolve() == (folder / "lm.keras").resolve()
    (folder / "sub.keras").mkdir()
    for name in ("nope.keras", "sub.keras"):
        with pytest.raises(NotFound, match=f"path: no file '{name}' in the imports folder .*; "
                                           "upload it first"):
            resolve(name, "path")
    assert delete_file("out.keras") == {"deleted": "out.keras"} and outside.exists()  # the link only
    with pytest.raises(NotFound, match="no file 'out.keras' in the imports folder"):
        delete_file("out.keras")


@pytest.fixture
def config_folder(tmp_path, monkeypatch):
    """A config folder (RNNVIS_CONFIG_DIR) with good.yaml."""
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "good.yaml").write_text("name: good\ndata: {dataset: ptb}\n")
    monkeypatch.setenv("RNNVIS_CONFIG_DIR", str(folder))
    return folder


def test_a_jobs_corpus_is_a_dataset_a_config_or_files_of_the_folder(config_folder):
    assert resolve_data(None) is None
    assert resolve_data("ptb") == "ptb" and resolve_data("counting") == "counting"
    assert resolve_data("good.yaml") == str(config_folder.resolve() / "good.yaml")
    with pytest.raises(NotFound, match="no config file 'nope.yaml'"):
        resolve_data("nope.yaml")
    _put("train.txt")
    _put("valid.txt")
    folder = imports_dir()
    assert resolve_data("train.txt,valid.txt") == f"{folder / 'train.txt'},{folder / 'valid.txt'}"
    with pytest.raises(NotFound, match="data: no file 'test.txt' in the imports folder"):
        resolve_data("train.txt,test.txt")
    with pytest.raises(NotFound, match="data: no file 'wikitext' in the imports folder"):
        resolve_data("wikitext")


def test_job_options_are_the_import_commands_with_files_by_name():
    assert JOB_PARAMS.names == IMPORT_PARAMS.names
    for name in ("kind", "name", "task", "cell", "force"):
        assert JOB_PARAMS[name] == IMPORT_PARAMS[name]
    with pytest.raises(ParamError, match=r"path: got '/tmp/lm.keras'; expected a file name of the "
                                         "imports folder"):
        JOB_PARAMS.check({"kind": "keras", "path": "/tmp/lm.keras", "name": "m"})
    with pytest.raises(ParamError, match="data: got 'a.txt,b.txt,c.txt,d.txt'; expected a dataset "
                                         "name, a config file name, or 1-3 file names"):
        JOB_PARAMS.check({"kind": "keras", "path": "lm.keras", "name": "m", "data": "a.txt,b.txt,c.txt,d.txt"})
    _put("lm.keras")
    _put("vocab.txt")
    options = JOB_PARAMS.check({"kind": "keras", "path": "lm.keras", "name": "m", "vocab": "vocab.txt",
                                "data": "ptb"})
    assert resolve_options(options) == {**options, "path": str(imports_dir() / "lm.keras"),
                                        "vocab": str(imports_dir() / "vocab.txt")}


def test_leftovers_of_killed_writes_are_found_by_exact_name(tmp_path):
    target = tmp_path / "m"
    other = tmp_path / "m-2"
    mine = [temp_path(target), temp_path(target, suffix=".weights.h5")]
    theirs = temp_path(other)
    with pytest.raises(RuntimeError):
        with atomic_dir(target):
            kept = next(tmp_path.glob(".tmp-m-*/"))
            mine.append(kept)
            assert sorted(leftovers(target)) == sorted(mine)
            raise RuntimeError("stop")
    assert sorted(leftovers(target)) == sorted(mine[:2]) and leftovers(other) == [theirs]
    assert leftovers(tmp_path / "missing" / "m") == []


def test_an_upload_does_not_replace_a_folder():
    (imports_dir() / "lm.keras").mkdir(parents=True)
    with pytest.raises(Conflict, match="lm.keras is a folder in the imports folder; rename the file"):
        save_upload(io.BytesIO(b"x"), "lm.keras", overwrite=True)
    assert _folder_names() == ["lm.keras"] and (imports_dir() / "lm.keras").is_dir()
