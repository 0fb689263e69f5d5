"""Layer and model similarity from the stored states: linear CKA between every pair of layers of
one model or two, and one-to-one unit matching between two layers.

Both come from one scatter matrix of every unit of every layer compared, over the same
positions, streamed from the HDF5 stores in row blocks (memory stays flat). It is cached under
the first model's ``cache/similarity/``, keyed by both stores' fingerprints.
"""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..atomic import atomic_path
from ..errors import Incompatible, ParamError, UserError
from ..params import LAYER, NAME_PATTERN, NAME_TEXT, SPLIT, Param, Params
from ..recording.evaluation import Evaluation, open_evaluation
from .cka import Moments, cka_matrix, correlations
from .cocluster.threads import blas_threads
from .matching import match_units

__all__ = ["SIMILARITY_PARAMS", "MATCHING_PARAMS", "similarity", "unit_matching", "scatter_of",
           "side_by_side"]

CACHE_VERSION = 1
_BLOCK_BYTES = 32 << 20   # one block of rows of every compared layer, float32
_MIN_ROWS = 256           # ... of at least this many rows
_LOCK = threading.Lock()

OTHER = Param("other", "str", None, pattern=NAME_PATTERN, pattern_text=NAME_TEXT, metavar="NAME2",
              help="a second model with the same vocabulary and split (default: layers of one model)")
KIND = Param("kind", "str", "h", choices=("h", "c"),
             help="the state compared: hidden state h or LSTM cell state c (its value, not its update)")
MAX_TOKENS = Param("max_tokens", "int", None, min=10, metavar="N",
                   help="use the first N positions of the split (default: all)")
#: CKA between layers: one model's, or two models' on the same tokens
SIMILARITY_PARAMS = Params(OTHER, SPLIT, KIND, MAX_TOKENS)
#: unit matching between layer ``layer`` of the model and ``layer2`` of ``other`` (or itself)
MATCHING_PARAMS = SIMILARITY_PARAMS + Params(
    LAYER, Param("layer2", "int", None, min=0, help="the other side's layer (default: the same "
                 "layer of the other model, or the next layer of this one)"))


class _Pair:
    """Two evaluations (or one) checked to read the same tokens, and the layers compared."""

    def __init__(self, name, other, split, kind, max_tokens):
        other, split, kind, max_tokens = SIMILARITY_PARAMS.check(
            dict(other=other, split=split, kind=kind, max_tokens=max_tokens)).values()
        a = open_evaluation(name, split)
        b = a if not other or other == name else open_evaluation(other, split or a.split)
        self.evals = [a] if b is a else [a, b]
        self.kind, self.split = kind, a.split
        for ev in self.evals:
            if kind not in ev.kinds:
                raise UserError(f"kind: got {kind!r}; a {ev.cfg.model.cell} model ({ev.tm.name!r}) "
                                f"has no cell state; use h")
            ev.store.require_states("CKA and unit matching")
        if b is not a:
            _check_same_tokens(a, b)
        n = len(a.store.tokens)
        self.n = min(n, max_tokens) if max_tokens else n
        self.layers = [(ev, layer) for ev in self.evals for layer in range(len(ev.cfg.model.layers))]
        self.sizes = [ev.cfg.model.layers[layer] for ev, layer in self.layers]

    def cache_path(self):
        key = json.dumps([CACHE_VERSION, self.split, self.kind, self.n] +
                         [[ev.tm.name, ev.store.attrs["fingerprint"], str(ev.store.attrs.get("finished"))]
                          for ev in self.evals])
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        return self.evals[0].tm.dir.cache / "similarity" / f"{digest}.npz"

    def block(self, start: int, stop: int, out: np.ndarray, shift=None) -> np.ndarray:
        """Rows start:stop of every compared layer (minus ``shift``), side by side in ``out``."""
        return side_by_side([(ev.store, layer, self.kind) for ev, layer in self.layers],
                            start, stop, out, shift)

    def describe(self) -> list[dict]:
        return [{"model": ev.tm.name, "layer": layer, "units": units}
                for (ev, layer), units in zip(self.layers, self.sizes)]


def side_by_side(sources, start: int, stop: int, out: np.ndarray, shift=None) -> np.ndarray:
    """Rows ``start:stop`` of each ``(store, layer, kind)`` of ``sources``, side by side and
    minus ``shift`` if given, written into the first columns of the float32 block ``out`` (no
    new memory); returns its filled rows."""
    col = 0
    for store, layer, kind in sources:
        units = store.units[layer]
        store.read_rows(layer, kind, start, stop, out[:stop - start, col:col + units],
                        None if shift is None else shift[col:col + units])
        col += units
    return out[:stop - start]


def _check_same_tokens(a: Evaluation, b: Evaluation) -> None:
    """Raise Incompatible unless both evaluations read the same tokens with the same vocabulary."""
    na, nb = a.tm.name, b.tm.name
    if a.tm.vocab.words != b.tm.vocab.words:
        raise Incompatible(f"models {na!r} and {nb!r} have different vocabularies "
                           f"({len(a.tm.vocab)} and {len(b.tm.vocab)} words); CKA and unit "
                           "matching need two models trained on the same corpus and vocabulary")
    if a.split != b.split:  # pragma: no cover - open_evaluation opens b on a's split
        raise Incompatible(f"models {na!r} and {nb!r} are evaluated on different splits")
    ta, tb = a.store.tokens, b.store.tokens
    if len(ta) != len(tb) or not np.array_equal(ta, tb):
        raise Incompatible(f"the {a.split} evaluations of {na!r} and {nb!r} hold different tokens "
                           f"({len(ta):,} and {len(tb):,}); evaluate both on the same split with "
                           "the same --max-tokens")


def scatter_of(pair: _Pair, progress=None) -> np.ndarray:
    """The scatter matrix of every compared unit over the pair's positions (streamed; cached)."""
    path = pair.cache_path()
    if path.exists():
        with np.load(path, allow_pickle=False) as f:
            return f["scatter"]
    with _LOCK:
        dim = sum(pair.sizes)
        rows = max(_MIN_ROWS, _BLOCK_BYTES // (4 * dim))
        starts = range(0, pair.n, rows)
        moments = Moments(dim)
        # two buffers take turns (no block allocates memory): a reader thread fills block i+1
        # (HDF5 decompression, float16 -> float32 minus the first block's mean, in one pass)
        # while block i is multiplied on one BLAS thread (BLAS drops the GIL; on a busy machine
        # two BLAS threads were also slower: benchmarks/README.md). A last column of ones makes
        # the one product give the column sums too.
        buffers = [np.ones((min(rows, pair.n), dim + 1), np.float32) for _ in range(2)]
        with ThreadPoolExecutor(max_workers=1) as pool, blas_threads(1):
            pending = None
            for i, start in enumerate(starts):
                if i == 0:                                # the first block fixes the shift
                    block = pair.block(start, min(start + rows, pair.n), buffers[0])
                    block[:, :dim] -= moments.shift_from(block[:, :dim])
                else:
                    block = pending.result()
                nxt = start + rows
                pending = pool.submit(pair.block, nxt, min(nxt + rows, pair.n),
                                      buffers[(i + 1) % 2], moments.shift) if nxt < pair.n else None
                moments.add_shifted(block)
                if progress:
                    progress(min(nxt, pair.n), pair.n)
        scatter = moments.scatter()
        with atomic_path(path, suffix=".npz") as tmp:
            np.savez(tmp, scatter=scatter, n=moments.n)
    return scatter


def similarity(name: str, *, other: str | None = None, split: str | None = None,
               kind: str = "h", max_tokens: int | None = None) -> dict:
    """Linear CKA between every pair of layers (of one model, or of both models together).

    Keys: models, split, kind, tokens, layers ([{model, layer, units}] in matrix order) and
    cka (a symmetric matrix, 1 on the diagonal).
    """
    pair = _Pair(name, other, split, kind, max_tokens)
    cka = cka_matrix(scatter_of(pair), pair.sizes)
    return {"models": [ev.tm.name for ev in pair.evals], "split": pair.split, "kind": pair.kind,
            "tokens": pair.n, "layers": pair.describe(),
            "cka": np.round(cka, 6).tolist()}


def unit_matching(name: str, *, layer: int = 0, other: str | None = None, layer2: int | None = None,
                  split: str | None = None, kind: str = "h", max_tokens: int | None = None) -> dict:
    """Units of ``layer`` matched one to one with units of ``layer2`` of ``other`` (Hungarian
    assignment on |r| of their states over the same positions).

    Keys: left/right ({model, layer, units}), pairs ([{left, right, r}] by left unit),
    right_order (the right units in their partners' order, unmatched last), mean_abs_r, cka.
    """
    layer, layer2 = MATCHING_PARAMS["layer"].check(layer), MATCHING_PARAMS["layer2"].check(layer2)
    pair = _Pair(name, other, split, kind, max_tokens)
    a, b = pair.evals[0], pair.evals[-1]
    if layer2 is None:
        layer2 = layer if b is not a else (layer + 1) % len(a.cfg.model.layers)
    index = {}
    for i, (ev, lay) in enumerate(pair.layers):
        index.setdefault((ev.tm.name, lay), i)
    for param, ev, lay in (("layer", a, layer), ("layer2", b, layer2)):
        if (ev.tm.name, lay) not in index:
            raise ParamError(f"{param}: got {lay}; model {ev.tm.name!r} has layers "
                           f"0..{len(ev.cfg.model.layers) - 1}", param=param)
    i, j = index[(a.tm.name, layer)], index[(b.tm.name, layer2)]
    bounds = np.concatenate([[0], np.cumsum(pair.sizes)]).astype(int)
    scatter = scatter_of(pair)
    corr = correlations(scatter, slice(bounds[i], bounds[i + 1]), slice(bounds[j], bounds[j + 1]))
    m = match_units(corr)
    order = np.argsort(m.left)
    cka = cka_matrix(scatter, pair.sizes)[i, j]
    return {"left": pair.describe()[i], "right": pair.describe()[j], "split": pair.split,
            "kind": pair.kind, "tokens": pair.n,
            "pairs": [{"left": int(m.left[k]), "right": int(m.right[k]), "r": round(float(m.r[k]), 6)}
                      for k in order],
            "right_order": m.right_order(pair.sizes[j]),
            "mean_abs_r": round(float(np.abs(m.r).mean()), 6), "cka": round(float(cka), 6)}
