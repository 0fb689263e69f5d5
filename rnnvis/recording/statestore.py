"""The state store: one HDF5 file per model and split with every recorded state and the aggregates.

Layout::

    /tokens int32 [N]   /starts bool [N] (state entering the token is zero)
    /next_prob, /next_loss float32 [N] (language models)   /doc_offsets, /class_probs (classifiers)
    /states/layer_L/KEY  [N, units]  float16 or float32, chunked and compressed   (absent with --no-store)
    /responses/counts int64 [V]   /responses/layer_L/KIND/{mean,std} float32 [V, units]
    attrs: fingerprint, version, split, max_tokens, dtype, cell, units, complete

Files are written under a temporary name and renamed when complete, so a killed evaluation never
leaves a store that looks complete.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

import h5py
import numpy as np

from ..atomic import publish, temp_path
from ..errors import NoStates, UserError
from .responses import ResponseMatrix

__all__ = ["STORE_VERSION", "fingerprint", "StoreWriter", "StateStore", "contiguous_runs"]

STORE_VERSION = 1
_CHUNK_BYTES = 64 * 1024  # bytes per compressed HDF5 chunk of a state array


def fingerprint(paths: list[Path]) -> str:
    """SHA-256 over the bytes of ``paths`` (config snapshot, vocabulary, weights)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).name.encode())
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def contiguous_runs(positions: np.ndarray) -> list[tuple[int, int]]:
    """Split sorted positions into (start_row, end_row) runs of consecutive values."""
    if len(positions) == 0:
        return []
    cuts = np.flatnonzero(np.diff(positions) != 1) + 1
    bounds = np.concatenate([[0], cuts, [len(positions)]])
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


class StoreWriter:
    """Write a store chunk by chunk into a temporary file; ``commit()`` renames it into place."""

    def __init__(self, path: Path, *, n_tokens: int, units: list[int], keys: list[tuple[str, ...]],
                 store_states: bool, dtype: str, attrs: dict, lm: bool, n_docs: int = 0,
                 n_classes: int = 0):
        self.path = Path(path)
        self.tmp = temp_path(self.path, suffix=".h5")
        # a chunk cache per dataset that holds the partly written chunk of every stream
        # (64 streams x 64 KB = 4 MB; 16 MB leaves room for wider layers and more streams)
        self.f = h5py.File(self.tmp, "w", rdcc_nbytes=16 << 20, rdcc_nslots=25013)
        self.f.attrs.update({**attrs, "version": STORE_VERSION, "complete": False,
                             "store_states": store_states, "dtype": dtype,
                             "units": json.dumps(units), "keys": json.dumps(keys)})
        self.f.create_dataset("tokens", (n_tokens,), dtype=np.int32)
        self.f.create_dataset("starts", (n_tokens,), dtype=bool)
        if lm:
            for name in ("next_prob", "next_loss"):
                self.f.create_dataset(name, (n_tokens,), dtype=np.float32)
        else:
            self.f.create_dataset("class_probs", (n_docs, n_classes), dtype=np.float32)
        self.states = []
        if store_states:
            for layer, (u, ks) in enumerate(zip(units, keys)):
                group = self.f.create_group(f"states/layer_{layer}")
                # small chunks: the recorder delivers one run of rows per stream, and a
                # write that covers part of a compressed chunk rewrites the whole chunk
                rows = max(1, min(n_tokens, max(16, _CHUNK_BYTES // (u * np.dtype(dtype).itemsize))))
                self.states.append({k: group.create_dataset(
                    k, (n_tokens, u), dtype=dtype, chunks=(rows, u), compression="lzf",
                    shuffle=True) for k in ks})

    def write_chunk(self, chunk) -> None:
        """Store one recorder chunk (rows at ``chunk.positions``)."""
        for a, b in contiguous_runs(chunk.positions):
            dst = slice(int(chunk.positions[a]), int(chunk.positions[a]) + b - a)
            self.f["tokens"][dst] = chunk.tokens[a:b]
            self.f["starts"][dst] = chunk.starts[a:b]
            if chunk.next_prob is not None:
                self.f["next_prob"][dst] = chunk.next_prob[a:b]
                self.f["next_loss"][dst] = chunk.next_loss[a:b]
            for datasets, arrays in zip(self.states, chunk.layers):
                for key, dset in datasets.items():
                    # convert in numpy: HDF5's own float32 -> float16 conversion is ~100x slower
                    dset[dst] = np.asarray(arrays[key][a:b], dtype=dset.dtype)
        if chunk.class_probs is not None and len(chunk.doc_ids):
            order = np.argsort(chunk.doc_ids)
            self.f["class_probs"][np.asarray(chunk.doc_ids)[order]] = chunk.class_probs[order]

    def write_responses(self, aggregator, doc_offsets=None) -> None:
        """Store the aggregated per-word statistics of every layer and kind."""
        self.f.create_dataset("responses/counts", data=aggregator.counts_)
        for layer, kinds in enumerate(aggregator.kinds):
            for kind in kinds:
                res = aggregator.result(layer, kind)
                group = self.f.create_group(f"responses/layer_{layer}/{kind}")
                group.create_dataset("mean", data=res.mean.astype(np.float32))
                group.create_dataset("std", data=res.std.astype(np.float32))
        if doc_offsets is not None:
            self.f.create_dataset("doc_offsets", data=np.asarray(doc_offsets, dtype=np.int64))

    def write_labels(self, labels) -> None:
        """Store the true class of every document (classifiers)."""
        self.f.create_dataset("labels", data=np.asarray(labels, dtype=np.int32))

    def class_probs(self) -> np.ndarray:
        """The class probabilities written so far (classifiers), as an array."""
        return self.f["class_probs"][:]

    def commit(self, **attrs) -> Path:
        """Mark complete, close and rename over the final path."""
        self.f.attrs.update({**attrs, "complete": True, "finished": time.time()})
        self.f.close()
        return publish(self.tmp, self.path)

    def abort(self) -> None:
        """Close and delete the temporary file."""
        try:
            self.f.close()
        finally:
            self.tmp.unlink(missing_ok=True)


class StateStore:
    """Read access to a complete store; arrays are loaded lazily and kept in memory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.f = h5py.File(self.path, "r")
        except OSError as exc:
            raise UserError(f"{self.path}: not a readable state store ({exc})") from None
        if not self.f.attrs.get("complete", False) or self.f.attrs.get("version") != STORE_VERSION:
            self.f.close()
            raise UserError(f"{self.path}: incomplete or outdated store; run evaluate again")
        self.attrs = dict(self.f.attrs)
        self.units = json.loads(self.attrs["units"])
        self.keys = [tuple(k) for k in json.loads(self.attrs["keys"])]
        self._cache: dict = {}
        self._local = threading.local()
        self.tokens = self.f["tokens"][:]
        self.starts = self.f["starts"][:]
        self.counts = self.f["responses/counts"][:]
        order = np.argsort(self.tokens, kind="stable")
        bounds = np.searchsorted(self.tokens[order], np.arange(len(self.counts) + 1))
        self._order, self._bounds = order, bounds

    @property
    def has_states(self) -> bool:
        """False for stores written with --no-store (aggregates only)."""
        return bool(self.attrs.get("store_states"))

    def require_states(self, purpose: str) -> None:
        """Raise :class:`~rnnvis.errors.NoStates` (saying how to re-evaluate) without states."""
        if not self.has_states:
            model, split = self.attrs.get("model", "NAME"), self.attrs.get("split", "test")
            raise NoStates(f"this evaluation kept aggregates only (--no-store); {purpose} need "
                           f"every state: run python manage.py evaluate {model} --split {split} "
                           "--force (without --no-store)")

    def take(self, layer: int, key: str, positions: np.ndarray, block_rows: int = 16384) -> np.ndarray:
        """float32 rows of ``key`` at sorted ``positions``, read block by block (flat memory)."""
        dset = self._states(layer, key)
        positions = np.asarray(positions, dtype=np.int64)
        out = np.empty((len(positions), dset.shape[1]), dtype=np.float32)
        bounds = np.searchsorted(positions, np.arange(0, len(self.tokens) + block_rows, block_rows))
        for b, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
            if hi > lo:
                start = b * block_rows
                stop = int(positions[hi - 1]) + 1
                out[lo:hi] = dset[start:stop][positions[lo:hi] - start]
        return out

    def close(self) -> None:
        """Release the HDF5 file."""
        self.f.close()

    def positions(self, word_id: int) -> np.ndarray:
        """Corpus positions where ``word_id`` occurs, ascending."""
        return np.sort(self._order[self._bounds[word_id]:self._bounds[word_id + 1]])

    def _states(self, layer: int, key: str):
        self.require_states("per-token analyses")
        return self.f[f"states/layer_{layer}/{key}"]

    def blocks(self, layer: int, key: str, rows: int = 1 << 16):
        """``(start, float32 [rows, units])`` blocks of ``key`` in ``layer``, in order; memory
        stays at one block however long the split is."""
        dset = self._states(layer, key)
        for start in range(0, dset.shape[0], rows):
            yield start, dset[start:start + rows].astype(np.float32)

    def rows(self, layer: int, key: str, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` of ``key`` in ``layer`` as float32 (reads only those chunks)."""
        return self._states(layer, key)[start:stop].astype(np.float32)

    def read_rows(self, layer: int, key: str, start: int, stop: int, out: np.ndarray,
                  shift: np.ndarray | None = None) -> np.ndarray:
        """Rows ``start:stop`` of ``key`` in ``layer`` written into ``out`` (float32, e.g. a
        column slice of a wider block), minus ``shift`` if given (in the same pass), through a
        staging buffer kept per thread: a long stream of blocks allocates no new memory (fresh
        pages cost more than the decompression on this machine)."""
        dset = self._states(layer, key)
        n = stop - start
        stage = getattr(self._local, "stage", None)
        if stage is None or stage.dtype != dset.dtype or stage.shape[0] < n or stage.shape[1] != dset.shape[1]:
            stage = self._local.stage = np.empty((n, dset.shape[1]), dset.dtype)
        if n:
            dset.read_direct(stage, np.s_[start:stop], np.s_[:n])
        if shift is None:
            np.copyto(out, stage[:n])
        else:
            np.subtract(stage[:n], shift, out=out)
        return out

    def array(self, layer: int, key: str) -> np.ndarray:
        """The whole float32 [N, units] array of ``key`` in ``layer`` (cached)."""
        self._states(layer, key)
        ck = (layer, key)
        if ck not in self._cache:
            self._cache[ck] = self.f[f"states/layer_{layer}/{key}"][:].astype(np.float32)
        return self._cache[ck]

    def values(self, layer: int, kind: str, positions: np.ndarray) -> np.ndarray:
        """Per-occurrence responses at ``positions``: the update for h/c, the value for gates."""
        from .responses import kind_source

        key, delta = kind_source(kind)
        arr = self.array(layer, key)
        vals = arr[positions]
        if delta:
            prev = arr[np.maximum(positions - 1, 0)].copy()
            prev[self.starts[positions]] = 0.0
            vals = vals - prev
        return vals

    def responses(self, layer: int, kind: str) -> ResponseMatrix:
        """The stored per-word statistics of one layer and kind."""
        ck = ("responses", layer, kind)
        if ck not in self._cache:
            group = self.f[f"responses/layer_{layer}/{kind}"]
            self._cache[ck] = ResponseMatrix(layer, kind, group["mean"][:].astype(np.float64),
                                             group["std"][:].astype(np.float64), self.counts)
        return self._cache[ck]

    def dataset(self, name: str):
        """A top-level dataset (e.g. next_prob, doc_offsets) as an array, or None."""
        return self.f[name][:] if name in self.f else None
