"""API latency over real HTTP (waitress on 127.0.0.1), in one run:

1. uncached co-clusters for the top 1,000 words x 1,200 units (target <= 1 s), and the
   bootstrap-stability request the page sends after drawing that view;
2. cached co-clusters, p95 over 50 requests (target <= 50 ms);
3. sentence evaluation of 100 tokens on the demo model's shape, end to end (target <= 150 ms).

    .venv/bin/python benchmarks/bench_server.py

Models are built in a temporary RNNVIS_HOME with one training step each (latency does not
depend on how well a model is trained): a 1x1200 LSTM on Penn Treebank, evaluated on the test
split with aggregates only, and the demo-lstm shape (2x128).
"""

import json
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
os.environ["RNNVIS_HOME"] = tempfile.mkdtemp(prefix="rnnvis-bench-server-")

import numpy as np  # noqa: E402
import yaml  # noqa: E402


def make_models(tmp: Path):
    from rnnvis.recording.evaluation import evaluate_model
    from rnnvis.modelling.manager import train_from_config

    big = yaml.safe_load((ROOT / "config" / "demo-lstm.yaml").read_text())
    big.update(name="wide-1200")
    big["model"].update(layers=[1200], embedding_size=200)
    big["data"].pop("max_documents", None)
    big["evaluation"] = {"split": "test"}
    demo = yaml.safe_load((ROOT / "config" / "demo-lstm.yaml").read_text())
    demo.update(name="demo-shape")
    for raw in (big, demo):
        path = tmp / f"{raw['name']}.yaml"
        path.write_text(yaml.safe_dump(raw))
        train_from_config(path, epochs=1, max_steps=1, progress=False, log=lambda *_: None)
    evaluate_model("wide-1200", store=False, progress=False)
    evaluate_model("demo-shape", progress=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as resp:
        payload = json.loads(resp.read())
    return (time.perf_counter() - start) * 1000, payload


def main():
    import waitress

    from server import create_app

    with tempfile.TemporaryDirectory() as tmp:
        print("building models ...", flush=True)
        make_models(Path(tmp))
        port = free_port()
        server = waitress.create_server(create_app(), host="127.0.0.1", port=port, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{port}/api/models"
        try:
            # warm-up: load the store, trace the recorder
            request(f"{base}/wide-1200/coclusters?top_k=1000&k=10&seed=999")
            uncached, stability = [], []
            for seed in range(5):  # a new seed is a new cache key: full computation
                ms, view = request(f"{base}/wide-1200/coclusters?top_k=1000&k=10&seed={seed}")
                uncached.append(ms)
                # what the page asks next: the bootstrap ARI of the same clustering
                ms, stab = request(f"{base}/wide-1200/coclusters/stability?top_k=1000&k=10&seed={seed}")
                stability.append(ms)
            words = sum(len(c) for c in view["word_clusters"]) + len(view["dropped"]["words"])
            units = sum(len(c) for c in view["unit_clusters"]) + len(view["dropped"]["units"])
            cached = [request(f"{base}/wide-1200/coclusters?top_k=1000&k=10&seed=0")[0]
                      for _ in range(50)]
            _, sentences = request(f"{base}/demo-shape/sentences?n=200")
            text = " ".join(" ".join(sentences["sentences"]).split()[:100])
            request(f"{base}/demo-shape/evaluate", {"text": text})
            sentence = []
            for _ in range(30):
                ms, out = request(f"{base}/demo-shape/evaluate", {"text": text})
                sentence.append(ms)
            assert len(out["tokens"]) == 100
        finally:
            server.close()
    print(f"co-clusters, {words} words x {units} units, k=10")
    print(f"  uncached: median {statistics.median(uncached):.0f} ms over {len(uncached)} seeds "
          f"(runs {[round(x) for x in uncached]}; target <= 1000 ms)")
    print(f"  bootstrap stability of the same view (its own request, after the view is drawn): "
          f"median {statistics.median(stability):.0f} ms (runs {[round(x) for x in stability]})")
    print(f"  cached:   p95 {np.percentile(cached, 95):.1f} ms, median {statistics.median(cached):.1f} ms "
          f"over {len(cached)} requests (target p95 <= 50 ms)")
    print(f"sentence evaluation, 100 tokens, 2x128 LSTM: median {statistics.median(sentence):.1f} ms, "
          f"p95 {np.percentile(sentence, 95):.1f} ms over {len(sentence)} requests (target <= 150 ms)")


if __name__ == "__main__":
    main()
