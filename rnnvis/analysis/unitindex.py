"""The per-unit index of one layer and state kind, cached beside the state store.

Queries about single units (top contexts, histograms, quantile samples, gate saturation) and
contrasts over many positions must not scan the compressed store. One pass over the store
builds, for every unit of a layer and kind:

* ``values.npy``: the values as an uncompressed [N, units] array in the store's precision,
  read through a memory map (a position's row costs one page, whatever the split's length);
* ``top.npy`` / ``bottom.npy``: the positions of the ``K`` largest / smallest values
  (a partial sort per unit, largest or smallest first);
* ``hist.npy`` and ``edges``: a histogram over the split (``BINS`` bins from the unit's
  minimum to its maximum); ``mean``, ``std``; ``low`` / ``high``: the fraction of steps
  below 0.1 and above 0.9 (gate saturation, Karpathy et al. 2015);
* ``sample.npy``: a seeded random sample of positions (for quantiles and quantile bands).

The index lives in ``evaluations/SPLIT.units/L{layer}-{kind}/`` and records the store's
fingerprint; a stale index is rebuilt. It is written to a temporary folder and renamed into
place, so an interrupted build leaves nothing that is read.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["UnitIndex", "unit_index", "TOP_K", "BINS", "SAMPLE"]

TOP_K = 100        # positions kept per unit and sign
BINS = 64          # histogram bins per unit
SAMPLE = 50_000    # positions in the random sample
INDEX_VERSION = 1
_ROWS = 8192       # rows per block while building (bounds memory for wide layers)
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()
_OPEN: dict[str, "UnitIndex"] = {}


@dataclass
class UnitIndex:
    """The index of one (layer, kind): arrays as described in the module docstring."""

    path: Path
    values: np.ndarray        # memmap [N, units], float16 or float32 like the store
    top: np.ndarray           # int64 [units, K]
    bottom: np.ndarray        # int64 [units, K]
    hist: np.ndarray          # int64 [units, BINS]
    lo: np.ndarray            # float32 [units]
    hi: np.ndarray            # float32 [units]
    mean: np.ndarray          # float64 [units]
    std: np.ndarray           # float64 [units]
    low: np.ndarray           # float64 [units], fraction of values < 0.1
    high: np.ndarray          # float64 [units], fraction of values > 0.9
    sample: np.ndarray        # int64 [S], sorted positions

    @property
    def units(self) -> int:
        return self.values.shape[1]

    def __len__(self) -> int:
        return self.values.shape[0]

    def quantiles(self, unit: int, qs) -> np.ndarray:
        """Quantiles of one unit's values, estimated on the random sample."""
        return np.quantile(self.values[self.sample, unit].astype(np.float32), qs)


def _lock(key: str) -> threading.Lock:
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(key, threading.Lock())


def _stamp(store) -> str:
    """What the index was built from: the model, the evaluation run and the file's state."""
    st = os.stat(store.path)
    return (f"{store.attrs['fingerprint']}:{store.attrs.get('finished')}:{st.st_size}:"
            f"{st.st_mtime_ns}:{INDEX_VERSION}")


def index_dir(store, layer: int, kind: str) -> Path:
    """Where the index of (layer, kind) of ``store`` lives."""
    path = Path(store.path)
    return path.parent / f"{path.stem}.units" / f"L{layer}-{kind}"


def unit_index(store, layer: int, kind: str, *, progress=None) -> UnitIndex:
    """The index of ``store``'s (layer, kind), built on first use (one pass over the store)."""
    folder = index_dir(store, layer, kind)
    stamp = _stamp(store)
    key = str(folder)
    cached = _OPEN.get(key)
    if cached is not None and cached.stamp == stamp:
        return cached.index
    with _lock(key):
        meta = _read_meta(folder)
        if meta is None or meta.get("stamp") != stamp:
            _build(store, layer, kind, folder, stamp, progress)
        index = _load(folder)
        _OPEN[key] = _Opened(stamp, index)
        return index


@dataclass
class _Opened:
    stamp: str
    index: UnitIndex


def _read_meta(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        return None


def _load(folder: Path) -> UnitIndex:
    arrays = np.load(folder / "stats.npz")
    return UnitIndex(folder, np.load(folder / "values.npy", mmap_mode="r"),
                     np.load(folder / "top.npy"), np.load(folder / "bottom.npy"),
                     arrays["hist"], arrays["lo"], arrays["hi"], arrays["mean"], arrays["std"],
                     arrays["low"], arrays["high"], arrays["sample"])


def _merge_extremes(best_pos, best_val, start, block, k, largest):
    """The k largest (or smallest) values per unit among the best so far and a new block,
    with their positions."""
    def pick(vals):
        kk = min(k, vals.shape[0])
        return np.argpartition(-vals if largest else vals, kk - 1, axis=0)[:kk]

    rows = pick(block)
    vals = np.take_along_axis(block, rows, axis=0)
    pos = rows.astype(np.int64) + start
    if best_val is not None:
        vals, pos = np.concatenate([best_val, vals]), np.concatenate([best_pos, pos])
        rows = pick(vals)
        vals, pos = np.take_along_axis(vals, rows, axis=0), np.take_along_axis(pos, rows, axis=0)
    return pos, vals


def _build(store, layer: int, kind: str, folder: Path, stamp: str, progress) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{folder.name}-", dir=folder.parent))
    try:
        n = len(store.tokens)
        units = store.units[layer]
        dtype = np.dtype(store.attrs.get("dtype", "float16"))
        values = np.lib.format.open_memmap(tmp / "values.npy", mode="w+", dtype=dtype,
                                           shape=(n, units))
        top_p = top_v = bot_p = bot_v = None
        lo = np.full(units, np.inf)
        hi = np.full(units, -np.inf)
        total = np.zeros(units)
        total_sq = np.zeros(units)
        low = np.zeros(units)
        high = np.zeros(units)
        for start, block in store.blocks(layer, kind, rows=_ROWS):
            stop = start + len(block)
            stored = block.astype(dtype)
            values[start:stop] = stored
            block = stored.astype(np.float32)  # index what is stored, so queries agree with it
            top_p, top_v = _merge_extremes(top_p, top_v, start, block, TOP_K, True)
            bot_p, bot_v = _merge_extremes(bot_p, bot_v, start, block, TOP_K, False)
            lo = np.minimum(lo, block.min(axis=0))
            hi = np.maximum(hi, block.max(axis=0))
            total += block.sum(axis=0, dtype=np.float64)
            total_sq += np.square(block, dtype=np.float64).sum(axis=0)
            low += (block < 0.1).sum(axis=0)
            high += (block > 0.9).sum(axis=0)
            if progress:
                progress(stop, n)
        values.flush()
        order = np.argsort(-top_v, axis=0, kind="stable")
        top = np.take_along_axis(top_p, order, axis=0).T.copy()
        order = np.argsort(bot_v, axis=0, kind="stable")
        bottom = np.take_along_axis(bot_p, order, axis=0).T.copy()
        hist = _histograms(values, lo, hi)
        rng = np.random.default_rng(0)
        sample = np.sort(rng.choice(n, size=min(n, SAMPLE), replace=False)).astype(np.int64)
        mean = total / n
        std = np.sqrt(np.maximum(total_sq / n - mean ** 2, 0.0))
        del values
        np.save(tmp / "top.npy", top)
        np.save(tmp / "bottom.npy", bottom)
        np.savez(tmp / "stats.npz", hist=hist, lo=lo.astype(np.float32), hi=hi.astype(np.float32),
                 mean=mean, std=std, low=low / n, high=high / n, sample=sample)
        (tmp / "meta.json").write_text(json.dumps({"stamp": stamp, "tokens": n, "units": units,
                                                   "top_k": TOP_K, "bins": BINS}))
        old = folder.with_name(f".old-{folder.name}-{os.getpid()}")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _histograms(values, lo, hi, rows: int = 8192) -> np.ndarray:
    """Counts per unit in BINS equal bins from lo to hi (a second pass over the memory map)."""
    n, units = values.shape
    width = np.where(hi > lo, hi - lo, 1.0)
    offsets = np.arange(units) * BINS
    counts = np.zeros(units * BINS, dtype=np.int64)
    for start in range(0, n, rows):
        block = values[start:start + rows].astype(np.float32)
        bins = np.clip(((block - lo) / width * BINS).astype(np.int64), 0, BINS - 1)
        counts += np.bincount((bins + offsets).ravel(), minlength=units * BINS)
    return counts.reshape(units, BINS)
