"""LSTMVis's file layout: states computed anywhere, read as a states-only model; and written back.

An LSTMVis project is a folder with

* a states HDF5 file: one ``[tokens, units]`` float matrix per layer and kind. LSTMVis calls
  the cell state ``state`` and the hidden output ``output``; by default they are named
  ``states1``, ``output1``, ``states2``, ... (layers from 1);
* a word-id HDF5 file: one ``[tokens]`` integer dataset (default name ``words``), the token
  read at each row of the states;
* a dictionary file ``*.dict``: one ``token id`` pair per line;
* ``lstm.yml``, which names the files (``files``), the word dataset (``word_sequence``) and
  which dataset is which layer and kind (``states.types``).

Rows are one continuous stream: the state entering row 0 is zero, and row t's previous state
is row t - 1. Without ``lstm.yml``, ``outputN`` is layer N's h and ``statesN`` its cell state c
(or its h when there is no ``outputN``, as for a GRU or a plain RNN).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from ..errors import ModelImportError
from .yamlfile import read_yaml

__all__ = ["StatesSource", "read_project", "write_project", "ROWS"]

ROWS = 65536  # rows per block when streaming states
_NAMED = re.compile(r"(output|states?)(\d+)$")


@dataclass
class StatesSource:
    """Where the states of each layer are: ``layers[l][kind] = (file, dataset)``; ``words``
    the token ids (numpy) and ``dict_file`` their vocabulary."""

    layers: list[dict[str, tuple[Path, str]]]
    words: np.ndarray
    dict_file: Path

    def n_rows(self) -> int:
        return len(self.words)


def _h5(path: Path, what: str):
    import h5py

    if not path.exists():
        raise ModelImportError(f"{path}: no such file ({what})")
    try:
        return h5py.File(path, "r")
    except OSError as exc:
        raise ModelImportError(f"{path}: not a readable HDF5 file ({what}): {exc}") from None


def _read_words(path: Path, dataset: str | None) -> np.ndarray:
    with _h5(path, "word ids") as f:
        if dataset is None:
            ints = [k for k, v in f.items() if getattr(v, "ndim", 0) == 1
                    and np.issubdtype(v.dtype, np.integer)]
            dataset = "words" if "words" in ints else (ints[0] if len(ints) == 1 else None)
            if dataset is None:
                raise ModelImportError(f"{path}: expected one 1-D integer dataset of word ids "
                                       f"(e.g. 'words'); found {', '.join(f.keys()) or 'none'}")
        if dataset not in f:
            raise ModelImportError(f"{path}: no dataset {dataset!r}; have {', '.join(f.keys())}")
        ds = f[dataset]
        if ds.ndim != 1 or not np.issubdtype(ds.dtype, np.integer):
            raise ModelImportError(f"{path}: {dataset}: expected 1-D integer word ids, got "
                                   f"{ds.dtype} {ds.shape}")
        return ds[:].astype(np.int64)


def _by_name(path: Path) -> list[dict[str, tuple[Path, str]]]:
    """Layers from dataset names outputN / statesN in one states file."""
    with _h5(path, "states") as f:
        found: dict[int, dict[str, str]] = {}
        for name, ds in f.items():
            m = _NAMED.fullmatch(name)
            if not m or getattr(ds, "ndim", 0) != 2:
                continue
            found.setdefault(int(m.group(2)), {})["output" if m.group(1) == "output" else "state"] = name
        if not found:
            raise ModelImportError(f"{path}: no state matrices named output1, states1, ...; found "
                                   f"{', '.join(f.keys()) or 'nothing'} (name them, or give the "
                                   "project folder with its lstm.yml)")
    return _layers(path, {n: {k: (path, v) for k, v in kinds.items()} for n, kinds in found.items()})


def _layers(where, found: dict[int, dict[str, tuple[Path, str]]]) -> list[dict[str, tuple[Path, str]]]:
    """LSTMVis's (layer from 1, output/state) -> rnnvis layers of h (and c), bottom first."""
    numbers = sorted(found)
    if numbers != list(range(1, len(numbers) + 1)):
        raise ModelImportError(f"{where}: layers {numbers}; expected layers 1..{len(numbers)} "
                               "without gaps")
    layers = []
    for n in numbers:
        kinds = found[n]
        if "output" in kinds:
            layers.append({"h": kinds["output"], **({"c": kinds["state"]} if "state" in kinds else {})})
        else:
            layers.append({"h": kinds["state"]})
    if len({tuple(sorted(layer)) for layer in layers}) > 1:
        raise ModelImportError(f"{where}: some layers have cell states and some do not")
    return layers


def _project(folder: Path) -> StatesSource:
    path = folder / "lstm.yml"
    conf = read_yaml(path, "LSTMVis project", missing=(
        f"{folder}: no lstm.yml (an LSTMVis project folder has one); or give the states .h5 file "
        "with --data WORDS.h5 and --vocab WORDS.dict"))
    try:
        files = {k: folder / v for k, v in (conf.get("files") or {}).items()}
        seq, states = conf["word_sequence"], conf["states"]
        words = _read_words(files.get(seq["file"], folder / seq["file"]), seq.get("path"))
        dict_file = files.get(seq["dict_file"], folder / seq["dict_file"])
        default = states.get("file")
        found: dict[int, dict[str, tuple[Path, str]]] = {}
        for t in states["types"]:
            if t.get("type") not in ("state", "output"):
                raise ModelImportError(f"{path}: states.types: type {t.get('type')!r}; expected "
                                       "state or output")
            name = t.get("file", default)
            found.setdefault(int(t["layer"]), {})[t["type"]] = (files.get(name, folder / str(name)),
                                                                str(t["path"]))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ModelImportError(f"{path}: expected files, word_sequence (file, path, dict_file) "
                               f"and states (file, types) as LSTMVis documents them; "
                               f"{exc.__class__.__name__}: {exc}") from None
    return StatesSource(_layers(path, found), words, dict_file)


def read_project(path: str | Path, words: str | Path | None = None,
                 dict_file: str | Path | None = None) -> StatesSource:
    """An LSTMVis project folder (with lstm.yml), or a states file with its word-id file and
    dictionary. Checks that every matrix has one row per word id."""
    path = Path(path)
    if path.is_dir():
        src = _project(path)
        if dict_file is not None:
            src.dict_file = Path(dict_file)
    else:
        if words is None or dict_file is None:
            raise ModelImportError(f"{path}: a states file needs its word ids (--data WORDS.h5) "
                                   "and its dictionary (--vocab WORDS.dict)")
        src = StatesSource(_by_name(path), _read_words(Path(words), None), Path(dict_file))
    for l, kinds in enumerate(src.layers):
        for kind, (file, name) in kinds.items():
            with _h5(file, "states") as f:
                if name not in f:
                    raise ModelImportError(f"{file}: no dataset {name!r} (layer {l + 1})")
                ds = f[name]
                if ds.ndim != 2 or ds.shape[0] != src.n_rows() or not np.issubdtype(ds.dtype, np.floating):
                    raise ModelImportError(f"{file}: {name}: shape {ds.shape} {ds.dtype}; expected "
                                           f"floats of shape ({src.n_rows()}, units), one row per "
                                           "word id")
    units = [[_shape(f, n)[1] for f, n in kinds.values()] for kinds in src.layers]
    if any(len(set(u)) > 1 for u in units):
        raise ModelImportError(f"{path}: a layer's h and c have different widths {units}")
    return src


def _shape(file: Path, name: str) -> tuple:
    with _h5(file, "states") as f:
        return f[name].shape


def iter_blocks(src: StatesSource, rows: int = ROWS):
    """Yield ``(start, end, layers)``: per layer ``{kind: float32 [end-start, units]}``."""
    import h5py

    handles = {}
    try:
        for l, kinds in enumerate(src.layers):
            for kind, (file, name) in kinds.items():
                if file not in handles:
                    handles[file] = h5py.File(file, "r")
        for a in range(0, src.n_rows(), rows):
            b = min(a + rows, src.n_rows())
            yield a, b, [{kind: np.asarray(handles[file][name][a:b], np.float32)
                          for kind, (file, name) in kinds.items()} for kinds in src.layers]
    finally:
        for h in handles.values():
            h.close()


def write_project(folder: Path, name: str, words: list[str], tokens: np.ndarray,
                  layers: list[dict[str, np.ndarray]], description: str = "") -> None:
    """Write an LSTMVis project into ``folder``: states.h5 (``outputN`` = h, ``statesN`` = c),
    words.h5 (``words``), words.dict and lstm.yml."""
    import h5py

    types = []
    with h5py.File(folder / "states.h5", "w") as f:
        for n, arrays in enumerate(layers, 1):
            f.create_dataset(f"output{n}", data=np.asarray(arrays["h"], np.float32))
            types.append({"type": "output", "layer": n, "path": f"output{n}"})
            if "c" in arrays:
                f.create_dataset(f"states{n}", data=np.asarray(arrays["c"], np.float32))
                types.append({"type": "state", "layer": n, "path": f"states{n}"})
    with h5py.File(folder / "words.h5", "w") as f:
        f.create_dataset("words", data=np.asarray(tokens, np.int32))
    (folder / "words.dict").write_text("".join(f"{w} {i}\n" for i, w in enumerate(words)),
                                       encoding="utf-8")
    conf = {"name": name, "description": description,
            "files": {"states": "states.h5", "words": "words.h5", "dict": "words.dict"},
            "word_sequence": {"file": "words", "path": "words", "dict_file": "dict"},
            "states": {"file": "states", "types": types}}
    (folder / "lstm.yml").write_text(yaml.safe_dump(conf, sort_keys=False), encoding="utf-8")
