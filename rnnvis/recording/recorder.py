"""Record every hidden unit's state and gates for every token, with compiled TensorFlow.

The recorder runs the model's own cell weights (``layer.cell.kernel``,
``recurrent_kernel``, ``bias``) in a ``tf.function``: one large matmul projects the
embedded inputs of all steps of a chunk, then one ``tf.while_loop`` steps ``B`` parallel
streams through every layer as a wavefront (iteration ``s`` runs layer ``l`` at step
``s - l``, so the layers' steps run concurrently). Nothing runs per token in Python. One
typed text (:meth:`Recorder.record_text`) takes the batch-1 path of :mod:`.sequence` instead.

Conventions
-----------
* Arrays are float32 and in corpus order: ``layers[l][key]`` has shape ``(N, units_l)``.
* Keys per layer: ``"h"`` for every cell; LSTM adds ``"c"`` and gates ``"i"``, ``"f"``,
  ``"o"`` and candidate ``"g"`` (Keras kernel order i, f, c, o); GRU adds update gate
  ``"z"``, reset gate ``"r"`` and candidate ``"hh"`` (``h = z*h_prev + (1-z)*hh``).
  ``"h_prev"`` (and ``"c_prev"`` for LSTM) hold the state *entering* each token, which
  is exactly zero where ``starts`` is True, so ``dh = h - h_prev``.
* Language models: one token stream. It is cut into ``B = batch_streams`` contiguous
  segments of ``ceil(N/B)`` tokens run side by side, each a continuous stream with state
  carried across chunks and starting from the zero state -- exactly how the model saw
  its training batches. ``batch_streams=1`` is one continuous stream over the whole
  corpus. ``warmup=W`` starts every segment (except the first) ``W`` tokens early and
  discards those steps, so its state at the segment start is carried over as in one
  stream (``warmup >= N`` reproduces ``batch_streams=1``). ``next_prob[n]`` /
  ``next_loss[n]`` are the probability and ``-log p`` of token ``n+1`` given tokens up
  to ``n``; the last token has no successor and gets NaN.
* Classifiers: documents are packed whole, in order, into the ``B`` streams; the state
  is reset to zero at every document start and padding (token 0, the mask value) is
  never fed, so recorded rows are the real tokens only. ``doc_offsets`` (D+1) delimit
  each document's rows; ``class_probs`` (D, C) are read after its last real token (an
  empty document gives the zero-state prediction, as Keras does).
"""

from __future__ import annotations

import math
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from ..console import progress_bar
from ..errors import RecordingError
from ..modelling.cells import CELL_FIELDS, all_fields, state_names
from ..modelling.config import ModelConfig
from ..modelling.models import EMBEDDING, LOGITS, recurrent_layers
from .cellstep import CellStep, cell_kind, output_activation
from .sequence import SequenceRun

import tensorflow as tf  # noqa: E402  (after .models, which selects the Keras backend)

__all__ = ["Chunk", "Recording", "Recorder", "get_recorder",
           "iter_record", "record", "record_text"]

_CHUNK_BYTES = 128 * 2**20   # default budget for one chunk's recorded arrays
_SOFTMAX_ROWS = 4096         # rows per next-token softmax block (bounds logits memory)



@dataclass
class Chunk:
    """Part of a recording: rows ``positions`` (increasing corpus indices) of every array.

    The per-layer arrays may be read-only views of TensorFlow buffers; copy to modify.
    """

    positions: np.ndarray                 # int64 (n,)
    tokens: np.ndarray                    # int32 (n,)
    starts: np.ndarray                    # bool (n,): state entering the token is zero
    layers: list[dict[str, np.ndarray]]   # per layer, key -> float32 (n, units)
    next_prob: np.ndarray | None = None   # LM: float32 (n,), NaN for the last corpus token
    next_loss: np.ndarray | None = None
    doc_ids: np.ndarray | None = None     # classifier: documents whose last token is here
    class_probs: np.ndarray | None = None  # classifier: float32 (len(doc_ids), C)


@dataclass
class Recording:
    """A whole recording in corpus order (see the module docstring for the keys)."""

    cell: str
    task: str
    tokens: np.ndarray                    # int32 (N,)
    starts: np.ndarray                    # bool (N,)
    layers: list[dict[str, np.ndarray]]
    next_prob: np.ndarray | None = None
    next_loss: np.ndarray | None = None
    doc_offsets: np.ndarray | None = None  # int64 (D+1,)
    class_probs: np.ndarray | None = None  # float32 (D, C)
    batch_streams: int = 1
    warmup: int = 0

    def __len__(self) -> int:
        return len(self.tokens)

    def delta(self, layer: int, key: str = "h") -> np.ndarray:
        """``key_t - key_(t-1)`` per token (``h`` or ``c``), with a zero previous state at starts."""
        arrays = self.layers[layer]
        if key not in arrays:
            raise RecordingError(f"delta: key {key!r} was not recorded; have {sorted(arrays)}")
        if f"{key}_prev" in arrays:
            return arrays[key] - arrays[f"{key}_prev"]
        if self.warmup and self.batch_streams > 1:
            raise RecordingError(f"delta: record {key}_prev too when warmup={self.warmup} is used")
        prev = np.empty_like(arrays[key])
        prev[1:] = arrays[key][:-1]
        prev[self.starts] = 0.0
        return arrays[key] - prev


# ---------------------------------------------------------------- input checks

def _as_ids(values, vocab_size: int, what: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.size == 0:
        return arr.astype(np.int32).reshape(-1)
    if not np.issubdtype(arr.dtype, np.integer):
        raise RecordingError(f"{what}: expected integer token ids, got dtype {arr.dtype}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= vocab_size:
        bad = lo if lo < 0 else hi
        raise RecordingError(f"{what}: token id {bad} out of range [0, {vocab_size})")
    return arr.astype(np.int32)


def _lm_tokens(tokens, vocab_size: int) -> np.ndarray:
    arr = _as_ids(tokens, vocab_size, "tokens")
    if arr.ndim != 1:
        raise RecordingError(f"tokens: a language model records one 1-D token stream, got shape {arr.shape}")
    if arr.size == 0:
        raise RecordingError("tokens: got an empty token array; expected at least one token id")
    return arr


def _documents(docs, vocab_size: int) -> list[np.ndarray]:
    """Documents as 1-D arrays without padding (token 0 is masked by the classifier)."""
    if isinstance(docs, np.ndarray):
        if docs.ndim != 2:
            raise RecordingError(f"documents: expected a list of 1-D arrays or a 2-D right-padded "
                             f"array, got an array of shape {docs.shape}")
        rows = list(docs)
    elif isinstance(docs, (list, tuple)):
        rows = list(docs)
    else:
        raise RecordingError(f"documents: expected a list of token arrays, got {type(docs).__name__}")
    if not rows:
        raise RecordingError("documents: got no documents; expected at least one")
    out = []
    for d, row in enumerate(rows):
        arr = _as_ids(row, vocab_size, f"document {d}")
        if arr.ndim != 1:
            raise RecordingError(f"document {d}: expected a 1-D token array, got shape {arr.shape}")
        out.append(arr[arr != 0])
    if not any(len(a) for a in out):
        raise RecordingError("documents: every document is empty (only padding id 0)")
    return out


# ---------------------------------------------------------------- stream plans

@dataclass
class _StreamPlan:
    """Where each corpus token sits in the (B, width) grid of parallel streams."""

    tokens: np.ndarray      # int32 (B, width) token fed at each step (0 in padding)
    pos: np.ndarray         # int64 (B, width) corpus index recorded there, -1 if none
    keep: np.ndarray | None  # float32 (B, width), 0 where the state is reset; None: no resets
    targets: np.ndarray | None  # int32 (N,) next token per corpus index, -1 for none (LM)


def _grid(flat: np.ndarray, ranges: list[tuple[int, int, int]], resets: np.ndarray) -> _StreamPlan:
    """Streams ``(start, end, warm)``: feed ``flat[start-warm:end]``, record ``[start, end)``.

    ``resets`` (bool per corpus index) marks tokens entering with a zero state.
    """
    wmax = max(w for _, _, w in ranges)
    width = wmax + max(e - s for s, e, _ in ranges)
    n_streams = len(ranges)
    tokens = np.zeros((n_streams, width), np.int32)
    pos = np.full((n_streams, width), -1, np.int64)
    keep = np.ones((n_streams, width), np.float32)
    for b, (s, e, w) in enumerate(ranges):
        lead = wmax - w
        tokens[b, lead:wmax + e - s] = flat[s - w:e]
        pos[b, wmax:wmax + e - s] = np.arange(s, e)
        if lead:
            keep[b, lead] = 0.0            # after front padding, start from zero
        keep[b, wmax:wmax + e - s][resets[s:e]] = 0.0
    keep[:, 0] = 1.0                       # the first step starts from zero anyway
    return _StreamPlan(tokens, pos, keep if (keep == 0).any() else None, None)


def _lm_plan(flat: np.ndarray, streams: int, warmup: int) -> tuple[_StreamPlan, np.ndarray]:
    n = len(flat)
    seg = math.ceil(n / min(streams, n))
    bounds = list(range(0, n, seg))
    ranges = [(s, min(s + seg, n), min(warmup, s)) for s in bounds]
    starts = np.zeros(n, bool)
    for s, _, w in ranges:
        starts[s] = w == 0
    plan = _grid(flat, ranges, np.zeros(n, bool))
    plan.targets = np.append(flat[1:], -1).astype(np.int32)
    return plan, starts


def _doc_plan(docs: list[np.ndarray], streams: int) -> tuple[_StreamPlan, np.ndarray, np.ndarray,
                                                               np.ndarray]:
    lengths = np.array([len(d) for d in docs], np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    n = int(offsets[-1])
    flat = np.concatenate(docs).astype(np.int32)
    # whole documents, in order, to the stream where their first token falls
    owner = np.minimum(offsets[:-1] * streams // n, streams - 1)
    ranges = []
    for b in np.unique(owner[lengths > 0]):
        ds = np.flatnonzero(owner == b)
        s, e = int(offsets[ds[0]]), int(offsets[ds[-1] + 1])
        if e > s:
            ranges.append((s, e, 0))
    starts = np.zeros(n, bool)
    starts[offsets[:-1][lengths > 0]] = True
    return _grid(flat, ranges, starts), starts, offsets, flat


# ---------------------------------------------------------------- compiled core

def _loop_keys(kind: str, keys) -> list:
    """Values a layer writes per step: the asked keys plus h (and c for LSTM), the carried state."""
    return [k for k in CELL_FIELDS[kind] if k in keys or k == "h" or (k == "c" and kind == "lstm")]


def _run_stack(kinds, cells, x, states, keep, keys):
    """Every layer over a time-major chunk ``x (T, B, D)``, as a wavefront.

    Iteration ``s`` of one ``tf.while_loop`` runs layer ``l`` at time step ``s - l``: the
    layers' steps in one iteration do not depend on each other, so TensorFlow runs them
    concurrently, and the loop's per-iteration cost is paid once for the whole stack. The
    first ``L - 1`` iterations (layers still waiting for input) and the last ``L - 1``
    (layers finishing) are unrolled in Python. Layer 0's input projection is one large
    matmul over the chunk. ``states`` holds each layer's entering (h, c); ``keep (T, B)``
    zeroes the state entering a step where it is 0. Returns per layer a dict of (T, B, U)
    arrays (``keys`` plus h, c and the ``*_prev`` inputs asked for) and the final states.
    """
    nl = len(cells)
    lstm = [kind == "lstm" for kind in kinds]
    steps_in, batch = tf.shape(x)[0], tf.shape(x)[1]
    layers = [CellStep(kind, cell) for kind, cell in zip(kinds, cells)]
    if nl > 2:  # the unrolled head and tail need at least L - 1 steps: pad at the end
        pad = tf.maximum(nl - 1 - steps_in, 0)
        x = tf.pad(x, [[0, pad], [0, 0], [0, 0]])
        if keep is not None:
            keep = tf.pad(keep, [[0, pad], [0, 0]], constant_values=1.0)
    steps = tf.shape(x)[0]
    xw = tf.reshape(layers[0].project(tf.reshape(x, [-1, x.shape[-1]])), [steps, batch, -1])
    lkeys = [_loop_keys(kind, keys) for kind in kinds]

    def iteration(s, active, state, tas):
        """Layers ``active`` take their step of iteration ``s``; ``state[l]`` is (h,) or (h, c)."""
        state, tas = list(state), list(tas)
        for l in active:
            t = s - l
            zx = xw[t] if l == 0 else layers[l].project(state[l - 1][0])
            st = state[l]
            if keep is not None:
                k = keep[t][:, None]
                st = tuple(v * k for v in st)
            h, c, vals = layers[l].step(zx, st[0], st[1] if lstm[l] else None)
            state[l] = (h, c) if lstm[l] else (h,)
            tas[l] = [ta.write(t, vals[key]) for ta, key in zip(tas[l], lkeys[l])]
        return state, tas

    # layer l reads h of layer l - 1 from the previous iteration: update the layers top-down
    order = list(range(nl - 1, -1, -1))
    tas = [[tf.TensorArray(tf.float32, size=steps, element_shape=tf.TensorShape([None, layer.units]))
            for _ in lk] for layer, lk in zip(layers, lkeys)]
    state = [tuple(st) for st in states]
    for s in range(nl - 1):                                     # head
        state, tas = iteration(s, [l for l in order if l <= s], state, tas)
    _, state, tas = tf.while_loop(lambda s, *_: s < steps,
                                  lambda s, state, tas: (s + 1, *iteration(s, order, state, tas)),
                                  (tf.constant(nl - 1), state, tas))
    for e in range(nl - 1):                                     # tail
        state, tas = iteration(steps + e, [l for l in order if l > e], state, tas)

    results, finals = [], []
    for l, (kind, lk, ta) in enumerate(zip(kinds, lkeys, tas)):
        seqs = {k: a.stack()[:steps_in] if nl > 2 else a.stack() for k, a in zip(lk, ta)}
        for name, init in zip(("h", "c"), states[l]):   # the states entering the chunk
            if f"{name}_prev" in keys:
                prev = tf.concat([init[None], seqs[name][:-1]], axis=0)
                seqs[f"{name}_prev"] = prev * keep[:steps_in, :, None] if keep is not None else prev
        results.append(seqs)
        # the state after the last real step (padding steps, if any, come after it)
        finals.extend((seqs["h"][-1], seqs["c"][-1]) if kind == "lstm" else (seqs["h"][-1],))
    return results, finals


class Recorder:
    """Compiled recording functions for one model; weights are read live from its cells."""

    def __init__(self, model, cfg: ModelConfig):
        self.model, self.cfg = model, cfg
        self.task = cfg.task
        self.lm = cfg.task == "language_model"
        self.layers = recurrent_layers(model)
        self.cell = cfg.model.cell
        if len(self.layers) != len(cfg.model.layers):
            raise RecordingError(f"model has {len(self.layers)} recurrent layers but the config "
                             f"{cfg.name!r} lists {cfg.model.layers}")
        for layer, units in zip(self.layers, cfg.model.layers):
            kind = cell_kind(layer)
            if kind != self.cell or layer.cell.units != units:
                raise RecordingError(f"layer {layer.name!r} is {kind} with {layer.cell.units} units; "
                                 f"config says {self.cell} with {units}")
        self.units = list(cfg.model.layers)
        self.embedding = model.get_layer(EMBEDDING)
        self.vocab_size = int(self.embedding.input_dim)
        self.dense = model.get_layer(LOGITS)
        self._fns: dict = {}
        self._next_loss_fn = None
        self._sequence: SequenceRun | None = None

    # ------------------------------------------------------------ compiled functions

    def _core(self, keys: tuple, with_reset: bool, class_head: bool, top_h: bool, gather: bool):
        """The compiled chunk function: recorded rows (``gather``) or time-major (T, B, U) arrays."""
        key = (keys, with_reset, class_head, top_h, gather)
        if key in self._fns:
            return self._fns[key]
        kinds = [cell_kind(layer) for layer in self.layers]
        cells = [layer.cell for layer in self.layers]
        nstate = len(state_names(self.cell))
        state_spec = tuple(tf.TensorSpec([None, u], tf.float32) for u in self.units for _ in range(nstate))
        spec = [tf.TensorSpec([None, None], tf.int32),    # tokens, time-major (T, B)
                tf.TensorSpec([None, None], tf.float32),  # keep (T, B)
                tf.TensorSpec([None], tf.int32),          # rows to record, index t*B + b
                tf.TensorSpec([None], tf.int32),          # rows that end a document
                state_spec]
        dense = self.dense
        dense_act = output_activation(dense)

        @tf.function(input_signature=spec, autograph=False)  # explicit tf.while_loop: no conversion
        def run(tokens, keep, rows, ends, states):
            x = tf.gather(tf.convert_to_tensor(self.embedding.embeddings), tokens)
            keep = keep if with_reset else None
            per_layer = [states[l * nstate:(l + 1) * nstate] for l in range(len(cells))]
            results, finals = _run_stack(kinds, cells, x, per_layer, keep, keys)
            outputs = {}
            for l, (cell, seqs) in enumerate(zip(cells, results)):
                for k in keys:
                    if k in seqs:
                        outputs[f"{l}/{k}"] = (tf.gather(tf.reshape(seqs[k], [-1, cell.units]), rows)
                                               if gather else seqs[k])
            flat_h = tf.reshape(results[-1]["h"], [-1, cells[-1].units])
            if top_h:
                outputs["top_h"] = tf.gather(flat_h, rows)
            if class_head:
                logits = tf.matmul(tf.gather(flat_h, ends), dense.kernel) + dense.bias
                outputs["class_probs"] = dense_act(logits)
            return outputs, tuple(finals)

        self._fns[key] = run
        return run

    def _next_token(self, h: np.ndarray | tf.Tensor, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Probability and -log p of ``targets`` from top-layer states, in row blocks."""
        if self._next_loss_fn is None:
            dense = self.dense

            @tf.function(autograph=False,
                         input_signature=[tf.TensorSpec([None, self.units[-1]], tf.float32),
                                          tf.TensorSpec([None], tf.int32)])
            def next_loss(h, target):
                logits = tf.matmul(h, dense.kernel) + dense.bias
                return tf.reduce_logsumexp(logits, axis=1) - tf.gather(logits, target, batch_dims=1)

            self._next_loss_fn = next_loss
        valid = targets >= 0
        safe = np.where(valid, targets, 0).astype(np.int32)
        loss = np.concatenate([self._next_loss_fn(h[i:i + _SOFTMAX_ROWS], safe[i:i + _SOFTMAX_ROWS]).numpy()
                               for i in range(0, len(safe), _SOFTMAX_ROWS)]).astype(np.float32)
        loss[~valid] = np.nan
        return np.exp(-loss), loss

    def _zero_class_probs(self) -> np.ndarray:
        dense = self.dense
        logits = np.zeros((1, self.units[-1]), np.float32) @ dense.kernel.numpy() + dense.bias.numpy()
        return tf.nn.softmax(logits).numpy()[0].astype(np.float32)

    # ------------------------------------------------------------ public API

    def _keys(self, fields) -> tuple:
        allowed = all_fields(self.cell)
        if fields is None:
            return allowed
        fields = (fields,) if isinstance(fields, str) else tuple(fields)
        bad = [f for f in fields if f not in allowed]
        if bad or not fields:
            raise RecordingError(f"fields: got {list(fields)}; allowed for {self.cell}: {list(allowed)}")
        return tuple(f for f in allowed if f in fields)

    def iter(self, tokens, *, batch_streams: int = 64, chunk_steps: int | None = None,
             warmup: int = 0, fields: Sequence[str] | None = None, next_token: bool = True,
             progress: bool = True) -> Iterator[Chunk]:
        """Yield :class:`Chunk` s covering every corpus token once (see module docstring).

        ``tokens``: LM, a 1-D id array; classifier, a list of documents or a 2-D array of
        right-padded documents. ``batch_streams`` streams run side by side, ``chunk_steps``
        steps of them per compiled call (default: about 128 MB of recorded arrays per chunk).
        ``fields`` limits the per-layer keys; ``next_token`` (LM) adds next-token p and loss.
        """
        keys = self._check(batch_streams, chunk_steps, warmup, fields)
        prep = self._prepare(tokens, int(batch_streams), int(warmup))
        return self._chunks(prep, keys, next_token and self.lm, chunk_steps, progress)

    def _check(self, batch_streams, chunk_steps, warmup, fields) -> tuple:
        def is_int(v):
            return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

        if not is_int(batch_streams) or batch_streams < 1:
            raise RecordingError(f"batch_streams: got {batch_streams!r}; expected an integer >= 1")
        if chunk_steps is not None and (not is_int(chunk_steps) or chunk_steps < 1):
            raise RecordingError(f"chunk_steps: got {chunk_steps!r}; expected an integer >= 1 or None")
        if not is_int(warmup) or warmup < 0:
            raise RecordingError(f"warmup: got {warmup!r}; expected an integer >= 0")
        return self._keys(fields)

    def _prepare(self, tokens, batch_streams: int, warmup: int) -> dict:
        """Validate the input and lay it out in parallel streams."""
        if self.lm:
            flat = _lm_tokens(tokens, self.vocab_size)
            plan, starts = _lm_plan(flat, batch_streams, warmup)
            return dict(flat=flat, plan=plan, starts=starts, end_doc=None, offsets=None)
        if warmup:
            raise RecordingError(f"warmup: got {warmup}; classifiers start every document from zero")
        docs = _documents(tokens, self.vocab_size)
        plan, starts, offsets, flat = _doc_plan(docs, batch_streams)
        end_doc = np.full(len(flat), -1, np.int64)
        nonempty = np.flatnonzero(np.diff(offsets) > 0)
        end_doc[offsets[nonempty + 1] - 1] = nonempty
        return dict(flat=flat, plan=plan, starts=starts, end_doc=end_doc, offsets=offsets)

    def _raw(self, prep, keys, next_token, chunk_steps, progress, gather):
        """Run the compiled function chunk by chunk; yield its outputs with their positions."""
        flat, plan, end_doc = prep["flat"], prep["plan"], prep["end_doc"]
        streams, width = plan.tokens.shape
        if chunk_steps is None:
            per_token = 4 * sum(u * len(keys) for u in self.units)
            chunk_steps = int(np.clip(_CHUNK_BYTES // (per_token * streams), 16, 1024))
        run = self._core(keys, plan.keep is not None, end_doc is not None, next_token, gather)
        nstate = len(state_names(self.cell))
        states = tuple(tf.zeros((streams, u), tf.float32) for u in self.units for _ in range(nstate))
        no_keep = np.ones((0, 0), np.float32)
        bar = progress_bar(len(flat), "recording", progress)

        def launch(t0, states):
            """Run the compiled function on the chunk of steps starting at ``t0``."""
            t1 = min(t0 + chunk_steps, width)
            pos = plan.pos[:, t0:t1]
            b_idx, t_idx = np.nonzero(pos >= 0)        # stream-major: positions increase
            positions = pos[b_idx, t_idx]
            rows = (t_idx * streams + b_idx).astype(np.int32)
            out = dict(positions=positions, b_idx=b_idx, t_idx=t_idx)
            ends = np.zeros(0, np.int32)
            if end_doc is not None:
                e = end_doc[positions]
                out["doc_ids"], ends = e[e >= 0], rows[e >= 0]
            keep = plan.keep[:, t0:t1].T.copy() if plan.keep is not None else no_keep
            outputs, states = run(np.ascontiguousarray(plan.tokens[:, t0:t1].T), keep,
                                  rows, ends, states)
            return out, outputs, states

        # one worker thread computes chunk i + 1 while the caller copies or stores chunk i;
        # a single chunk (a sentence) runs inline, without a thread's start-up latency
        pool = ThreadPoolExecutor(1, thread_name_prefix="rnnvis-record") if width > chunk_steps else None

        def start(t0, states):
            """A future for chunk ``t0``: computed by the worker, or right here."""
            if pool is not None:
                return pool.submit(launch, t0, states)
            done = Future()
            done.set_result(launch(t0, states))
            return done

        try:
            pending = start(0, states)
            for t0 in range(0, width, chunk_steps):
                out, outputs, states = pending.result()
                if t0 + chunk_steps < width:
                    pending = start(t0 + chunk_steps, states)
                positions = out["positions"]
                if not len(positions):
                    continue
                out["layers"] = [{k: np.asarray(outputs[f"{l}/{k}"]) for k in keys}
                                 for l in range(len(self.units))]
                if next_token:
                    out["next_prob"], out["next_loss"] = self._next_token(
                        outputs["top_h"], plan.targets[positions])
                if end_doc is not None:
                    out["class_probs"] = np.array(outputs["class_probs"])
                bar.update(len(positions))
                yield out
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)   # at most the chunk under way
            bar.close()

    def _chunks(self, prep, keys, next_token, chunk_steps, progress):
        for out in self._raw(prep, keys, next_token, chunk_steps, progress, gather=True):
            p = out["positions"]
            yield Chunk(positions=p, tokens=prep["flat"][p], starts=prep["starts"][p],
                        layers=out["layers"], next_prob=out.get("next_prob"),
                        next_loss=out.get("next_loss"), doc_ids=out.get("doc_ids"),
                        class_probs=out.get("class_probs"))

    def record(self, tokens, *, batch_streams: int = 64, chunk_steps: int | None = None,
               warmup: int = 0, fields: Sequence[str] | None = None, next_token: bool = True,
               progress: bool = True) -> Recording:
        """Record every token into one :class:`Recording` in corpus order (arguments as :meth:`iter`)."""
        keys = self._check(batch_streams, chunk_steps, warmup, fields)
        prep = self._prepare(tokens, int(batch_streams), int(warmup))
        n, offsets = len(prep["flat"]), prep["offsets"]
        rec = Recording(cell=self.cell, task=self.task, tokens=prep["flat"], starts=prep["starts"],
                        layers=[{k: np.empty((n, u), np.float32) for k in keys} for u in self.units],
                        doc_offsets=offsets, batch_streams=int(batch_streams), warmup=int(warmup))
        if next_token and self.lm:
            rec.next_prob, rec.next_loss = np.empty(n, np.float32), np.empty(n, np.float32)
        if offsets is not None:
            rec.class_probs = np.tile(self._zero_class_probs(), (len(offsets) - 1, 1))
        for out in self._raw(prep, keys, next_token and self.lm, chunk_steps, progress, gather=False):
            p, b_idx, t_idx = out["positions"], out["b_idx"], out["t_idx"]
            # one run of consecutive steps and positions per stream: copy (T, B, U) slices
            cut = np.concatenate([[0], np.flatnonzero(np.diff(b_idx)) + 1, [len(p)]])
            for a, e in zip(cut[:-1], cut[1:]):
                b, t, dst = b_idx[a], t_idx[a], slice(p[a], p[a] + e - a)
                for arrays, src in zip(rec.layers, out["layers"]):
                    for k in keys:
                        arrays[k][dst] = src[k][t:t + e - a, b]
            if next_token and self.lm:
                rec.next_prob[p], rec.next_loss[p] = out["next_prob"], out["next_loss"]
            if offsets is not None:
                rec.class_probs[out["doc_ids"]] = out["class_probs"]
        return rec

    def record_text(self, tokens, fields: Sequence[str] | None = None,
                    next_token: bool = True) -> Recording:
        """Record one short sequence (an LM sentence or one document) from the zero state.

        It runs the single-stream path (:class:`~.sequence.SequenceRun`: layer by layer, one
        XLA compilation per bucket of lengths), not the parallel streams of :meth:`record`.
        """
        keys = self._keys(fields)
        arr = np.asarray(tokens)
        if self.lm:
            flat = _lm_tokens(arr, self.vocab_size)
        elif arr.ndim != 1:
            raise RecordingError(f"tokens: record_text takes one document (1-D), got shape {arr.shape}")
        else:
            flat = _documents([arr], self.vocab_size)[0]   # padding (id 0) is never fed
        if self._sequence is None:
            self._sequence = SequenceRun(self.embedding, self.layers, None if self.lm else self.dense)
        layers, probs = self._sequence(flat, keys)
        n = len(flat)
        rec = Recording(cell=self.cell, task=self.task, tokens=flat, starts=np.arange(n) == 0,
                        layers=[{k: arrays[k] for k in keys} for arrays in layers])
        if self.lm and next_token:
            rec.next_prob, rec.next_loss = self._next_token(layers[-1]["h"], np.append(flat[1:], -1))
        if not self.lm:
            rec.doc_offsets = np.array([0, n], np.int64)
            rec.class_probs = probs[None].astype(np.float32)
        return rec


_RECORDERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def get_recorder(model, cfg: ModelConfig) -> Recorder:
    """The (cached) :class:`Recorder` for ``model``, so compiled functions are traced once."""
    rec = _RECORDERS.get(model)
    if rec is None or rec.cfg != cfg:
        rec = _RECORDERS[model] = Recorder(model, cfg)
    return rec


def iter_record(model, cfg: ModelConfig, tokens, *, batch_streams: int = 64,
                chunk_steps: int | None = None, warmup: int = 0,
                fields: Sequence[str] | None = None, next_token: bool = True,
                progress: bool = True) -> Iterator[Chunk]:
    """Stream a recording chunk by chunk (arguments as :meth:`Recorder.iter`)."""
    return get_recorder(model, cfg).iter(
        tokens, batch_streams=batch_streams, chunk_steps=chunk_steps, warmup=warmup,
        fields=fields, next_token=next_token, progress=progress)


def record(model, cfg: ModelConfig, tokens, *, batch_streams: int = 64,
           chunk_steps: int | None = None, warmup: int = 0, fields: Sequence[str] | None = None,
           next_token: bool = True, progress: bool = True) -> Recording:
    """Record every token (LM stream or classifier documents) into one :class:`Recording`."""
    return get_recorder(model, cfg).record(
        tokens, batch_streams=batch_streams, chunk_steps=chunk_steps, warmup=warmup,
        fields=fields, next_token=next_token, progress=progress)


def record_text(model, cfg: ModelConfig, tokens, *, fields: Sequence[str] | None = None,
                next_token: bool = True) -> Recording:
    """Record one short sequence at batch 1 (sentence evaluation), compiled once per length class."""
    return get_recorder(model, cfg).record_text(tokens, fields=fields, next_token=next_token)
