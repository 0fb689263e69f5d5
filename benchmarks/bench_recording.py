"""Recording throughput against the machine's GEMM bound and a naive per-step Python loop.

For PTB-like shapes (10k vocabulary, random weights) it measures, in one run:

* ``record``: tokens/s of :func:`rnnvis.recording.recorder.record` over ``--tokens`` tokens (median of
  ``--repeats``, after a warm-up) with B=64 streams and 256-step chunks, in three modes:
  every per-layer field (states, gates, previous states); states only (h, and c for LSTM);
  every field plus the next-token softmax. Ratios are medians of per-repeat ratios, each against a bound and a
  baseline measured right next to that run (the machine may be shared). A fourth mode
  streams every field through :func:`rnnvis.recording.recorder.iter_record` without keeping it
  (what a caller aggregating statistics or writing HDF5 chunk by chunk does), so it does
  not pay for the fresh N x units arrays that ``record`` allocates.
* ``bound``: tokens/s if the machine did nothing but the float32 matmuls a token needs, each
  at the GEMM rate measured here for its own shape (recurrent step ``(B, U) x (U, G)``, input
  projection ``(B*T, D) x (D, G)``, output softmax ``(4096, U) x (U, V)``; best of numpy and
  TensorFlow). FLOPs per token: ``2 (D G + U G)`` per layer, ``G`` = 4U (LSTM), 3U (GRU),
  U (RNN); the softmax adds ``2 U V`` and only counts in the "+softmax" rows. The
  ``peak-bnd`` column uses the best GEMM rate seen so far (a 2048x1024x4096 product or any
  shape above) for every matmul instead.
* ``naive``: Python loops like the original RNNVis, on ``--naive-tokens`` tokens: (1) call the
  whole Keras model once per token (batch 1, states carried), compared with the "+softmax"
  row since it computes the logits too; (2) a stronger baseline that calls each layer's Keras
  cell once per time step on the same B streams, keeping h (and c), compared with the
  "states only" row.

Memory on this VM: pages the process frees go back to the guest kernel, which hands them to the
host after about 2 s (free page reporting); touching them again then costs 1-3 s per GB, against
~0.16 s/GB for pages freed a moment ago. Measuring the GEMM bound (large matrices, several seconds)
right before a run therefore charged the run for re-faulting all its memory and halved it. So
each repeat is: bound measurement, one untimed run (faults the memory in, as any long evaluation
does after its first chunk), then the timed run. The script prints what re-touching memory costs
after an idle pause, so the one-off cost of a fresh ``record`` result can be added by hand
(``record`` of 100k tokens with every field returns 1.3 GB for 2x200 LSTM, 4.2 GB for 2x650).

    .venv/bin/python benchmarks/bench_recording.py [--tokens 100000] [--repeats 3] [--quick]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from rnnvis.modelling.config import parse_config  # noqa: E402
from rnnvis.modelling.cells import state_names  # noqa: E402
from rnnvis.modelling.models import build_model, recurrent_layers, zero_states  # noqa: E402
from rnnvis.recording.recorder import get_recorder, iter_record, record, record_text  # noqa: E402

import tensorflow as tf  # noqa: E402

VOCAB, STREAMS, CHUNK = 10000, 64, 256
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
SHAPES = [("lstm", 200, "PTB small LSTM 2x200"), ("lstm", 650, "PTB medium LSTM 2x650"),
          ("gru", 200, "GRU 2x200"), ("rnn", 200, "RNN 2x200")]


def config(cell, units):
    return parse_config({"name": "bench", "task": "language_model", "data": {"dataset": "ptb"},
                         "model": {"cell": cell, "layers": [units, units], "embedding_size": units}})


def median_time(fn, repeats):
    fn()  # warm-up (tracing, first-touch memory)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------- GEMM rates

def gemm_rate(m, k, n, repeats=3):
    """Best float32 GFLOP/s of numpy and TensorFlow for an (m, k) x (k, n) product."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    flops = 2.0 * m * k * n
    reps = max(3, int(2e9 / flops))
    out = np.empty((m, n), np.float32)

    def numpy_run():
        for _ in range(reps):
            np.matmul(a, b, out=out)

    rates = [flops * reps / median_time(numpy_run, repeats)]
    if n >= k:  # a chain x <- (x @ b)[:, :k] inside one compiled loop: no Python per product
        tb = tf.constant(b)

        @tf.function
        def chain(x):
            return tf.while_loop(lambda i, _: i < reps,
                                 lambda i, x: (i + 1, tf.matmul(x, tb)[:, :k]), (0, x))[1]

        ta = tf.constant(a * 0.01)
        rates.append(flops * reps / median_time(lambda: chain(ta).numpy(), repeats))
    else:
        ta, tb = tf.constant(a), tf.constant(b)
        rates.append(flops * reps / median_time(
            lambda: [tf.matmul(ta, tb) for _ in range(reps)][-1].numpy(), repeats))
    return max(rates) / 1e9


def bounds(cell, units, rates_cache):
    """Upper-bound tokens/s (without, with softmax) from per-shape GEMM rates; and FLOPs."""
    g = GATES[cell] * units
    shapes = {"step": (STREAMS, units, g), "input": (STREAMS * CHUNK, units, g),
              "softmax": (4096, units, VOCAB)}
    for s in shapes.values():
        if s not in rates_cache:
            rates_cache[s] = gemm_rate(*s)
    layer_flops = {"step": 2.0 * units * g, "input": 2.0 * units * g}   # per layer per token
    seconds = sum(2 * layer_flops[k] / (rates_cache[shapes[k]] * 1e9) for k in layer_flops)
    flops = 2 * sum(layer_flops.values())
    soft_flops = 2.0 * units * VOCAB
    soft_seconds = soft_flops / (rates_cache[shapes["softmax"]] * 1e9)
    return 1 / seconds, 1 / (seconds + soft_seconds), flops, flops + soft_flops


def touch_costs(gb=1.0):
    """Seconds to write ``gb`` of memory freed 3 s earlier, and freed just before."""
    n = int(gb * 2**30) // 4
    np.ones(n, np.float32)
    time.sleep(3.0)
    start = time.perf_counter()
    np.ones(n, np.float32)
    fresh = time.perf_counter() - start
    start = time.perf_counter()
    np.ones(n, np.float32)
    return fresh, time.perf_counter() - start


# ---------------------------------------------------------------- naive baselines

def naive_cells(model, cfg, tokens, streams):
    """Per time step, call every layer's Keras cell from Python (eager) on all streams; keep h, c."""
    emb = model.get_layer("embedding").embeddings
    cells = [layer.cell for layer in recurrent_layers(model)]
    grid = tokens[: len(tokens) // streams * streams].reshape(streams, -1)
    states = [[tf.zeros((streams, c.units))] * len(state_names(cfg.model.cell)) for c in cells]
    kept = []
    for t in range(grid.shape[1]):
        x = tf.gather(emb, grid[:, t])
        for l, cell in enumerate(cells):
            x, states[l] = cell(x, states[l])
            kept.append([np.asarray(s) for s in states[l]])
    return grid.size


def naive_model(model, cfg, tokens):
    """Call the whole Keras model once per token (batch 1), carrying its states; keep them all."""
    states = zero_states(cfg, 1)
    kept = []
    for tok in tokens:
        out = model([np.array([[tok]], np.int32), *states])
        states = [np.asarray(s) for s in out[1:]]
        kept.append((np.asarray(out[0]), states))
    return len(tokens)


# ---------------------------------------------------------------- main

MODES = [("states+gates", dict(next_token=False)),
         ("states+gates, streamed", dict(next_token=False, stream=True)),
         ("states only", dict(next_token=False, fields="states")),
         ("states+gates +softmax", dict(next_token=True))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=100_000)
    ap.add_argument("--naive-tokens", type=int, default=2048)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="2x200 shapes only, 20k tokens")
    ap.add_argument("--shapes", default="all",
                    help="comma-separated cells to run (lstm200,lstm650,gru,rnn) or all")
    args = ap.parse_args(argv)
    shapes = SHAPES if not args.quick else [s for s in SHAPES if s[1] == 200]
    if args.shapes != "all":
        wanted = set(args.shapes.split(","))
        shapes = [s for s in shapes if f"{s[0]}{s[1] if s[0] == 'lstm' else ''}" in wanted]
    n = args.tokens if not args.quick else 20_000
    m = min(args.naive_tokens, n)
    tokens = np.random.default_rng(0).integers(0, VOCAB, n).astype(np.int32)
    print(f"tf {tf.__version__}, {n} tokens, B={STREAMS} streams, chunk {CHUNK} steps, "
          f"median of {args.repeats}; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} CPUs", flush=True)
    fresh, warm = touch_costs()
    print(f"  touching 1 GB of memory freed 3 s earlier: {fresh:.2f} s; freed just before: "
          f"{warm:.2f} s", flush=True)
    peak, rows = gemm_rate(2048, 1024, 4096), []
    for cell, units, label in shapes:
        cfg = config(cell, units)
        model = build_model(cfg, VOCAB)
        naive_runs = {"states only": (lambda: naive_cells(model, cfg, tokens[:m], STREAMS),
                                      m, f"cells/step B={STREAMS}"),
                      "states+gates +softmax": (lambda: naive_model(model, cfg, tokens[:m // 32]),
                                                m // 32, "model/token B=1")}
        for mode, kwargs in MODES:
            if kwargs.get("fields") == "states":   # h (and c for LSTM): what the naive loop keeps
                kwargs = {**kwargs, "fields": state_names(cell)}
            soft = kwargs["next_token"]
            if kwargs.pop("stream", False):
                def run(kwargs=kwargs):   # consume the chunks without keeping them
                    for _ in iter_record(model, cfg, tokens, batch_streams=STREAMS,
                                         chunk_steps=CHUNK, progress=False, **kwargs):
                        pass
            else:
                def run(kwargs=kwargs):
                    record(model, cfg, tokens, batch_streams=STREAMS, chunk_steps=CHUNK,
                           progress=False, **kwargs)
            run()   # warm-up: tracing
            tps, bound, naive = [], [], []
            for _ in range(args.repeats):   # bound and baseline measured next to each run
                rates = {}
                b = bounds(cell, units, rates)[1 if soft else 0]
                peak = max(peak, *rates.values())
                run()   # untimed: fault in the memory the bound measurement gave back
                start = time.perf_counter()
                run()
                tps.append(n / (time.perf_counter() - start))
                bound.append(b)
                if mode in naive_runs:
                    fn, count, kind = naive_runs[mode]
                    start = time.perf_counter()
                    fn()
                    naive.append(count / (time.perf_counter() - start))
            flops = bounds(cell, units, rates)[3 if soft else 2]
            row = dict(shape=label, mode=mode, flops=flops, tps=statistics.median(tps),
                       bound=statistics.median(bound),
                       ratio=statistics.median(t / b for t, b in zip(tps, bound)))
            if naive:
                row.update(naive=statistics.median(naive), naive_kind=kind,
                           speedup=statistics.median(t / v for t, v in zip(tps, naive)))
            rows.append(row)
            print(f"  {label}, {mode}: {row['tps']:,.0f} tok/s, bound {row['bound']:,.0f}"
                  + (f"; naive {kind}: {row['naive']:,.0f} tok/s" if naive else ""), flush=True)
    cfg = config("lstm", 200)
    model = build_model(cfg, VOCAB)
    latency = median_time(lambda: record_text(model, cfg, tokens[:100]), 5)
    traces = get_recorder(model, cfg)._sequence.tracing_count()   # one per bucket of lengths

    print(f"\npeak GEMM rate seen (2048x1024x4096 and the shapes below): {peak:.0f} GFLOP/s; "
          f"load average at the end: {os.getloadavg()[0]:.2f}")
    head = (f"{'shape':22} {'mode':22} {'MFLOP/tok':>9} {'tok/s':>9} {'bound':>9} {'ratio':>5} "
            f"{'peak-bnd':>9} {'ratio':>5}  {'naive':>7} {'':18} {'speed-up':>8}")
    print(head)
    print("-" * len(head))
    for r in rows:
        peak_bound = peak * 1e9 / r["flops"]
        line = (f"{r['shape']:22} {r['mode']:22} {r['flops'] / 1e6:9.2f} {r['tps']:9,.0f} "
                f"{r['bound']:9,.0f} {r['ratio']:5.2f} {peak_bound:9,.0f} "
                f"{r['tps'] / peak_bound:5.2f}")
        if "naive" in r:
            line += f"  {r['naive']:7,.0f} {r['naive_kind']:18} {r['speedup']:7.1f}x"
        print(line)
    print(f"\nrecord_text, 100 tokens, 2x200 LSTM, after warm-up: {latency * 1e3:.1f} ms "
          f"(traces: {traces})")


if __name__ == "__main__":
    main()
