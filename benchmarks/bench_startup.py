"""Start-up as a user meets it, in fresh processes: `import rnnvis`, `rnnvis --version`,
`rnnvis --help`, `rnnvis models`, the first TensorFlow import quiet (fd 2 muted) and verbose,
and in a notebook-like process the first `rnnvis.url(...)` (server start) and the first page
and API answers from the background server.

    .venv/bin/python benchmarks/bench_startup.py [--repeats 5]

A tiny evaluated model (1x16 LSTM, 300 PTB lines) is trained once in a temporary RNNVIS_HOME,
deleted at the end. Every figure is a median over ``--repeats`` fresh processes (wall time).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = tempfile.mkdtemp(prefix="rnnvis-bench-startup-")
CONFIG = """name: tiny
task: language_model
data: {dataset: ptb, max_vocab: 1000, max_documents: 300}
model: {cell: lstm, layers: [16], embedding_size: 8}
train: {batch_size: 16, seq_length: 20, epochs: 1}
evaluation: {split: test, max_tokens: 3000}
"""

NOTEBOOK = """
import time, urllib.request
t0 = time.perf_counter()
import rnnvis
url = rnnvis.url("tiny", layer=0, k=3)
t1 = time.perf_counter()
urllib.request.urlopen(url).read()
t2 = time.perf_counter()
urllib.request.urlopen(url.split("/?")[0] + "/api/models/tiny/coclusters?layer=0&k=3").read()
t3 = time.perf_counter()
print(1000 * (t1 - t0), 1000 * (t2 - t1), 1000 * (t3 - t2))
"""


def env(**extra):
    base = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "RNNVIS_VERBOSE")}
    return {**base, "RNNVIS_HOME": HOME, "PYTHONPATH": str(ROOT), **extra}


def wall(cmd, repeats, **extra) -> list[float]:
    """Wall times (ms) of ``repeats`` runs of ``cmd`` in fresh processes."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env(**extra), check=True, capture_output=True)
        times.append(1000 * (time.perf_counter() - t0))
    return times


def row(label, times):
    print(f"{label:<44} {statistics.median(times):8.0f} ms   (runs: "
          + ", ".join(f"{t:.0f}" for t in times) + ")", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    py, n = sys.executable, args.repeats
    try:
        config = Path(HOME) / "tiny.yaml"
        config.write_text(CONFIG)
        subprocess.run([py, "-m", "rnnvis", "train", str(config)], cwd=ROOT, env=env(), check=True,
                       capture_output=True)
        subprocess.run([py, "-m", "rnnvis", "evaluate", "tiny"], cwd=ROOT, env=env(), check=True,
                       capture_output=True)
        print(f"load average at the start: {os.getloadavg()[0]:.2f}")
        row("python -c 'import rnnvis'", wall([py, "-c", "import rnnvis"], n))
        row("python -m rnnvis --version", wall([py, "-m", "rnnvis", "--version"], n))
        row("python -m rnnvis --help", wall([py, "-m", "rnnvis", "--help"], n))
        row("python -m rnnvis models", wall([py, "-m", "rnnvis", "models"], n))
        tf = ["-c", "from rnnvis import console; console.import_tensorflow()"]
        row("import TensorFlow, quiet (fd 2 muted)", wall([py, *tf], n))
        row("import TensorFlow, verbose", wall([py, *tf], n, RNNVIS_VERBOSE="1"))
        nb = []
        for _ in range(n):
            out = subprocess.run([py, "-c", NOTEBOOK], cwd=ROOT, env=env(), check=True,
                                 capture_output=True, text=True).stdout.split()
            nb.append([float(x) for x in out])
        row("notebook: import + first rnnvis.url()", [r[0] for r in nb])
        row("notebook: first page (index.html)", [r[1] for r in nb])
        row("notebook: first co-cluster answer (loads TF)", [r[2] for r in nb])
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
