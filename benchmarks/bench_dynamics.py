"""Trajectories and similarity, timed:

1. linear CKA of two 650-unit layers over 1M tokens, streamed from an HDF5 store (target
   <= 10 s, flat memory: the peak of numpy allocations is printed);
2. fitting PCA on 50k sampled states of 650 units (target <= 1 s), and the autoencoder and UMAP
   on the default 3,000 for comparison;
3. projecting a 100-token typed sentence end to end through the API (target <= 50 ms), and
   in-process: the recorder's part (``record_text`` of the 100 ids, h only, without and with
   the next-token softmax), the long-stream wavefront at batch 1 (the sentence path before
   issue 17), and the memory floor of a batch-1 step (a compiled loop that only multiplies a
   state by each layer's recurrent kernel, once per token: every step reads them whole).

    .venv/bin/python benchmarks/bench_dynamics.py [--tokens 1000000] [--repeats 3]
    .venv/bin/python benchmarks/bench_dynamics.py --parts project [--requests 30]
    .venv/bin/python benchmarks/bench_dynamics.py --separation imdb-gru50   # uses $RNNVIS_HOME

The CKA store is synthetic (tanh of a slowly drifting random process, float16, chunked and
lzf-compressed by the evaluator's own StoreWriter), since no model is involved in the CKA; the
sentence benchmark builds real models with one training step (latency does not depend on
training). ``--separation NAME`` prints, for a trained and evaluated classifier, how well the
end-of-document states separate the classes in the 2-D projection.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402


def synthetic_store(path: Path, n: int, units=(650, 650), seed=0) -> Path:
    """A complete store of n tokens with states of ``units`` per layer (h only)."""
    from rnnvis.recording.statestore import StoreWriter

    rng = np.random.default_rng(seed)
    w = StoreWriter(path, n_tokens=n, units=list(units), keys=[("h",)] * len(units),
                    store_states=True, dtype="float16", attrs={"fingerprint": "bench"}, lm=True)
    mix = rng.normal(size=(units[0], units[1])) / np.sqrt(units[0])
    state = np.zeros(units[0], dtype=np.float32)
    block = 65536
    for a in range(0, n, block):
        m = min(block, n - a)
        drive = rng.normal(size=(m, units[0])).astype(np.float32)
        latent = np.empty_like(drive)
        for i in range(0, m, 256):   # a slow drift, so neighbouring states resemble each other
            state = 0.9 * state + 0.3 * drive[i:i + 256].mean(0)
            latent[i:i + 256] = state + 0.5 * drive[i:i + 256]
        h0 = np.tanh(latent)
        h1 = np.tanh(latent @ mix.astype(np.float32) + 0.3 * rng.normal(size=(m, units[1])).astype(np.float32))
        w.write_chunk(SimpleNamespace(positions=np.arange(a, a + m), tokens=np.zeros(m, np.int32),
                                      starts=np.zeros(m, bool), next_prob=np.zeros(m, np.float32),
                                      next_loss=np.zeros(m, np.float32), layers=[{"h": h0}, {"h": h1}],
                                      class_probs=None, doc_ids=[]))
    w.f.create_dataset("responses/counts", data=np.zeros(2, np.int64))
    return w.commit()


class StorePair:
    """The two layers of one store, as ``scatter_of`` reads a pair of evaluations."""

    def __init__(self, store, cache: Path):
        self.store, self.cache = store, cache
        self.sizes = store.units
        self.n = len(store.tokens)

    def cache_path(self):
        return self.cache

    def block(self, start, stop):
        return np.concatenate([self.store.rows(layer, "h", start, stop)
                               for layer in range(len(self.sizes))], axis=1)


def bench_cka(tmp: Path, n: int, repeats: int):
    from rnnvis.analysis.cka import cka_matrix
    from rnnvis.analysis.similarityview import scatter_of
    from rnnvis.recording.statestore import StateStore

    t = time.perf_counter()
    path = synthetic_store(tmp / "big.h5", n)
    print(f"built a {n:,}-token store of 2 x 650 units in {time.perf_counter() - t:.0f} s "
          f"({path.stat().st_size / 2**30:.2f} GiB on disk)", flush=True)
    store = StateStore(path)
    times, peaks = [], []
    for r in range(repeats):
        tracemalloc.start()
        t = time.perf_counter()
        scatter = scatter_of(StorePair(store, tmp / f"cka-{r}.npz"))
        cka = cka_matrix(scatter, store.units)[0, 1]
        times.append(time.perf_counter() - t)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
        print(f"  run {r + 1}: {times[-1]:.1f} s, CKA {cka:.4f}, peak numpy memory {peaks[-1]:.0f} MiB",
              flush=True)
    full = n * sum(store.units) * 4 / 2**20
    print(f"CKA of 2 x 650 units over {n:,} tokens: median {statistics.median(times):.1f} s over "
          f"{repeats} runs (target <= 10 s); peak numpy memory {max(peaks):.0f} MiB, against "
          f"{full:,.0f} MiB for the whole float32 arrays", flush=True)
    cka_parts(store, repeats)
    return store


def cka_parts(store, repeats: int, blocks: int = 24):
    """Each stage of the streamed CKA alone, on its first ``blocks`` row blocks, in s per 1M rows:
    reading (HDF5 chunks, lzf and shuffle), float16 -> float32 and side by side, the shift,
    and the products (one BLAS thread, as the pipeline runs them, and two)."""
    from rnnvis.analysis.cocluster.threads import blas_threads
    from rnnvis.analysis.similarityview import _BLOCK_BYTES

    dim = sum(store.units)
    rows = max(256, _BLOCK_BYTES // (4 * dim))
    starts = [a for a in range(0, len(store.tokens), rows)][:blocks]
    dsets = [store.f[f"states/layer_{layer}/h"] for layer in range(len(store.units))]
    raw = [[d[a:a + rows] for d in dsets] for a in starts]
    wide = [np.concatenate([x.astype(np.float32) for x in parts], axis=1) for parts in raw]
    shift = wide[0].mean(axis=0)
    shifted = [z - shift for z in wide]

    def products(threads):
        def run():
            with blas_threads(threads):
                for z in shifted:
                    z.T @ z
        return run

    stages = {"read and decompress (float16)": lambda: [[d[a:a + rows] for d in dsets] for a in starts],
              "float16 -> float32, side by side": lambda: [np.concatenate(
                  [x.astype(np.float32) for x in parts], axis=1) for parts in raw],
              "subtract the shift": lambda: [z - shift for z in wide],
              "products, 1 BLAS thread": products(1), "products, 2 BLAS threads": products(2)}
    per = 1e6 / sum(len(z) for z in wide)
    print(f"  the stages alone, {len(wide)} blocks of {rows:,} rows, s per 1M rows (median of "
          f"{repeats}; load average {os.getloadavg()[0]:.2f}):", flush=True)
    for name, ms in interleaved_ms(stages, repeats).items():
        extra = ""
        if name.startswith("products"):
            extra = f" ({dim * dim / (ms / 1000 * per) / 1e9 * 1e6:.0f} GFLOP/s)"
        print(f"    {name}: {ms / 1000 * per:.2f} s{extra}", flush=True)


def bench_fits(store):
    from rnnvis.analysis.projection import make_projection
    from rnnvis.analysis.trajectoryview import sample_positions

    pos = sample_positions(len(store.tokens), 50_000, 0)
    t = time.perf_counter()
    X = store.take(0, "h", pos)
    read = time.perf_counter() - t
    times = []
    for _ in range(5):
        t = time.perf_counter()
        p = make_projection("pca", 2, 0).fit(X)
        times.append(time.perf_counter() - t)
    print(f"PCA on 50,000 x 650 states: median {statistics.median(times) * 1000:.0f} ms over 5 fits "
          f"(runs {[round(x * 1000) for x in times]} ms; target <= 1000 ms); reading the sample "
          f"from the 1M-token store took {read:.1f} s; explained variance {p.quality_['total']:.3f}",
          flush=True)
    small = X[:3000]
    for method in ("autoencoder", "umap"):
        t = time.perf_counter()
        p = make_projection(method, 2, 0).fit(small)
        print(f"{method} on 3,000 x 650 states (first fit in the process): "
              f"{time.perf_counter() - t:.1f} s; quality {json.dumps(p.quality_)}", flush=True)


def floor_loop(kernels, n: int):
    """``n`` compiled steps that only multiply a (1, U) state by each recurrent kernel: what a
    batch-1 step cannot avoid (reading every kernel whole)."""
    import tensorflow as tf

    kernels = [tf.constant(k) for k in kernels]

    @tf.function(jit_compile=True)
    def loop(hs):
        def body(t, hs):
            return t + 1, [tf.tanh(tf.matmul(h, k)[:, :h.shape[1]]) for h, k in zip(hs, kernels)]
        return tf.while_loop(lambda t, _: t < n, body, (0, hs))[1]

    hs = [tf.zeros((1, k.shape[0])) for k in kernels]
    return lambda: [h.numpy() for h in loop(hs)]


def interleaved_ms(fns: dict, repeats: int) -> dict:
    """Median wall time in ms of each function, called in turn ``repeats`` times (after one
    untimed round), so a load change on the shared machine hits them all alike."""
    times = {name: [] for name in fns}
    for r in range(repeats + 1):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            if r:
                times[name].append((time.perf_counter() - t) * 1000)
    return {name: statistics.median(ts) for name, ts in times.items()}


def in_process(tm, text: str, repeats: int) -> str:
    """The recorder's part of a sentence, against the wavefront at batch 1 and the floor."""
    from rnnvis.recording.recorder import get_recorder

    recorder = get_recorder(tm.model, tm.config)
    ids = tm.vocab.encode(text.split())
    kernels = [layer.cell.recurrent_kernel.numpy() for layer in recorder.layers]
    ms = interleaved_ms({
        "record_text": lambda: recorder.record_text(ids, fields=("h",), next_token=False),
        "wavefront": lambda: recorder.record(ids, batch_streams=1, chunk_steps=len(ids),
                                             fields=("h",), next_token=False, progress=False),
        "softmax": lambda: recorder.record_text(ids, fields=("h",)),
        "floor": floor_loop(kernels, len(ids))}, repeats)
    return (f"in-process, medians of {repeats} interleaved runs: record_text of the {len(ids)} ids "
            f"(h) {ms['record_text']:.1f} ms, with the next-token softmax {ms['softmax']:.1f} ms; "
            f"the long-stream wavefront at batch 1 (the sentence path before) {ms['wavefront']:.1f} "
            f"ms; floor ({len(kernels)} x {len(ids)} batch-1 products with the "
            f"{kernels[0].shape[0]}x{kernels[0].shape[1]} recurrent kernels, "
            f"{sum(k.nbytes for k in kernels) / 2**20:.1f} MiB read per step) {ms['floor']:.1f} ms; "
            f"load average {os.getloadavg()[0]:.2f}")


def bench_project(tmp: Path, requests: int):
    import waitress
    import yaml

    from bench_server import free_port, request
    from rnnvis.modelling.manager import load_trained, train_from_config
    from rnnvis.recording.evaluation import evaluate_model
    from server import create_app

    shapes = {"demo-shape": ([128, 128], 128), "medium-shape": ([650, 650], 650)}
    for name, (layers, emb) in shapes.items():
        raw = yaml.safe_load((ROOT / "config" / "demo-lstm.yaml").read_text())
        raw.update(name=name)
        raw["model"].update(layers=layers, embedding_size=emb)
        raw["evaluation"] = {"split": "test", "max_tokens": 20000}
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump(raw))
        train_from_config(path, epochs=1, max_steps=1, progress=False, log=lambda *_: None)
        evaluate_model(name, progress=False)
    port = free_port()
    server = waitress.create_server(create_app(), host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}/api/models"
    try:
        for name, (layers, _) in shapes.items():
            _, sentences = request(f"{base}/{name}/sentences?n=200")
            text = " ".join(" ".join(sentences["sentences"]).split()[:100])
            body = {"text": text, "layer": 1}
            fit_ms, _ = request(f"{base}/{name}/trajectories?layer=1")   # fits and caches the PCA
            first_ms, _ = request(f"{base}/{name}/trajectories/project", body)   # compiles
            runs = [request(f"{base}/{name}/trajectories/project", body) for _ in range(requests)]
            assert len(runs[-1][1]["coords"]) == 100
            ms = [r[0] for r in runs]
            print(f"project a 100-token sentence, 2x{layers[0]} LSTM layer 1, PCA: median "
                  f"{statistics.median(ms):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms over "
                  f"{requests} requests (target <= 50 ms); the first cloud (sample 3,000, fit) "
                  f"took {fit_ms:.0f} ms, the first sentence (compiling the recorder) {first_ms:.0f} ms",
                  flush=True)
            print("  " + in_process(load_trained(name), text, requests), flush=True)
    finally:
        server.close()


def separation(name: str):
    from rnnvis.analysis.trajectoryview import separation as run

    for method in ("pca", "autoencoder"):
        t = time.perf_counter()
        out = run(name, method=method, sample=5000)
        print(f"{name}, {method}: {json.dumps(out)} ({time.perf_counter() - t:.0f} s)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tokens", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--parts", default="cka,fits,project",
                    help="comma-separated parts to run: cka, fits (needs cka's store), project")
    ap.add_argument("--requests", type=int, default=30, help="sentence requests per model")
    ap.add_argument("--separation", metavar="NAME", help="only the class-separation figure")
    args = ap.parse_args()
    if args.separation:
        separation(args.separation)
        return
    parts = set(args.parts.split(","))
    import bench_server  # noqa: F401  (points RNNVIS_HOME at a fresh temporary folder)

    home = Path(os.environ["RNNVIS_HOME"])
    print("load average (1, 5, 15 min) at the start:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    try:
        if parts & {"cka", "fits"}:
            with tempfile.TemporaryDirectory(dir=home) as tmp:
                store = bench_cka(Path(tmp), args.tokens, args.repeats)
                if "fits" in parts:
                    bench_fits(store)
                store.close()
        if "project" in parts:
            bench_project(home, args.requests)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
