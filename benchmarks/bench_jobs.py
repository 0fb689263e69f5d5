"""Does a training job make the views unusable? The server's cached-view latency over real HTTP
(waitress on 127.0.0.1, the job runner in the same process, as `manage.py serve` runs them),
idle and while a training job runs, with the job process niced (the runner's default, +10)
and not niced (0); and, in each condition, a few uncached views (a new seed each: the whole
co-clustering and word-cloud layout), the work a job competes with. Rounds alternate the
three conditions.

    .venv/bin/python benchmarks/bench_jobs.py [--rounds 2] [--requests 100] [--uncached 8]

Models are built in a temporary RNNVIS_HOME: the demo-lstm shape (2x128 LSTM on the demo's
Penn Treebank slice), trained one step and evaluated; its co-cluster view (top 300 words, k=10)
is computed once, then read from the cache. The job trains the same shape on the same data (the
demo's training run) and is cancelled after the measurement. Each request is sent after the
previous one answered, 20 ms apart, like a person clicking through the views.
"""

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["RNNVIS_HOME"] = tempfile.mkdtemp(prefix="rnnvis-bench-jobs-")
os.environ["RNNVIS_CONFIG_DIR"] = tempfile.mkdtemp(prefix="rnnvis-bench-jobs-config-")

import numpy as np  # noqa: E402
import yaml  # noqa: E402

VIEW = "/api/models/view-model/coclusters?top_k=300&k=10"


def make_model():
    from rnnvis.modelling.manager import train_from_config
    from rnnvis.recording.evaluation import evaluate_model

    folder = Path(os.environ["RNNVIS_CONFIG_DIR"])
    raw = yaml.safe_load((ROOT / "config" / "demo-lstm.yaml").read_text())
    for name in ("view-model", "job-model"):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump({**raw, "name": name}))
    train_from_config(folder / "view-model.yaml", epochs=1, max_steps=1, progress=False,
                      log=lambda *_: None)
    evaluate_model("view-model", progress=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_SEEDS = iter(range(1000, 10**6))   # every uncached request gets a seed never asked before


def latencies(base: str, n: int, pause: float = 0.02, uncached: bool = False) -> list[float]:
    out = []
    for _ in range(n):
        url = base + VIEW + (f"&seed={next(_SEEDS)}" if uncached else "")
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as resp:
            resp.read()
        out.append((time.perf_counter() - start) * 1000)
        time.sleep(pause)
    return out


def measure(base: str, n: int, n_uncached: int) -> tuple[list, list]:
    """Cached-view latencies, then uncached ones."""
    return latencies(base, n), latencies(base, n_uncached, uncached=True)


def with_job(base: str, n: int, n_uncached: int, nice: int):
    """Latencies while a training job runs at ``nice``, and the job's training throughput."""
    from rnnvis.jobs import queue
    from rnnvis.jobs.runner import Runner
    from rnnvis.jobs.store import JobStore

    store = JobStore()
    runner = Runner(store, nice=nice, grace=10, poll=0.1)
    assert runner.start()
    try:
        job = queue.submit("train", {"config": "job-model.yaml", "force": True})
        deadline = time.monotonic() + 300
        while True:  # until the job has imported TensorFlow, compiled and trained a while
            p = store.get(job["id"]).progress or {}
            if p.get("phase") == "train" and p.get("step", 0) >= 30:
                break
            if time.monotonic() > deadline or store.get(job["id"]).status not in ("queued", "running"):
                raise RuntimeError(f"the job did not start training: {queue.log(job['id'])[-2000:]}")
            time.sleep(0.2)
        before = store.get(job["id"]).progress
        lat = measure(base, n, n_uncached)
        after = store.get(job["id"]).progress
        assert store.get(job["id"]).status == "running", "the job ended during the measurement"
        queue.cancel(job["id"])
        while store.get(job["id"]).status == "running":
            time.sleep(0.2)
    finally:
        runner.stop()
    return lat, (before["tokens_per_s"] + after["tokens_per_s"]) / 2


def summary(values: list[float]) -> str:
    return f"p95 {np.percentile(values, 95):6.1f} ms, median {statistics.median(values):5.1f} ms"


def uncached_summary(values: list[float]) -> str:
    return f"median {statistics.median(values):5.0f} ms, max {max(values):5.0f} ms"


def main():
    import waitress

    from server import create_app

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--uncached", type=int, default=8)
    args = parser.parse_args()
    print("building the model ...", flush=True)
    make_model()
    port = free_port()
    server = waitress.create_server(create_app(), host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    results = {"idle": [], "job, nice 10": [], "job, nice 0": []}
    rates = {"job, nice 10": [], "job, nice 0": []}
    try:
        latencies(base, 5)   # warm-up: the first answer computes and caches the view
        latencies(base, 2, uncached=True)   # and the layout workers start
        for r in range(args.rounds):
            results["idle"].append(measure(base, args.requests, args.uncached))
            for nice in (10, 0):
                key = f"job, nice {nice}"
                lat, rate = with_job(base, args.requests, args.uncached, nice)
                results[key].append(lat)
                rates[key].append(rate)
            print(f"round {r + 1}: load average {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        server.close()
    print(f"cached co-cluster view ({VIEW}), {args.requests} requests per run:")
    for key, runs in results.items():
        line = "; ".join(summary(cached) for cached, _ in runs)
        extra = f"; job trains at {', '.join(f'{x:,.0f}' for x in rates[key])} tok/s" if key in rates else ""
        print(f"  {key:13s} {line}{extra}")
    print(f"uncached co-cluster view (a new seed each), {args.uncached} requests per run:")
    for key, runs in results.items():
        print(f"  {key:13s} " + "; ".join(uncached_summary(u) for _, u in runs))


if __name__ == "__main__":
    main()
