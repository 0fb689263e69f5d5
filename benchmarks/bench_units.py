"""The Units queries on a large store, in one run: a 2x650 LSTM (one training step: speed does not
depend on how well it is trained) evaluated on about 1M tokens of Penn Treebank (train split).

Figures (targets from the issue):
1. building the unit index of one layer and kind, as a ratio to the evaluation time;
2. ranking every unit of a layer for one contrast (target <= 1 s), per contrast kind;
3. the top contexts of one unit from the index (target <= 100 ms);
4. pattern search over the split (target <= 1 s).

    .venv/bin/python benchmarks/bench_units.py [--tokens 1000000] [--repeats 5]

The store of ~1M tokens takes ~15 GB (every state and gate of both layers, float16) in a
temporary RNNVIS_HOME, deleted at the end.
"""

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HOME = tempfile.mkdtemp(prefix="rnnvis-bench-units-")
os.environ["RNNVIS_HOME"] = HOME

import yaml  # noqa: E402


def timed(fn, repeats):
    """Median and all wall times (ms) of ``repeats`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times), times


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tokens", type=int, default=1_000_000)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    from rnnvis.analysis.unitindex import unit_index
    from rnnvis.analysis.unitview import pattern_search, rank_units, top_contexts
    from rnnvis.modelling.manager import train_from_config
    from rnnvis.recording.evaluation import evaluate_model, open_evaluation

    raw = yaml.safe_load((ROOT / "config" / "demo-lstm.yaml").read_text())
    raw.update(name="wide-650")
    raw["model"].update(layers=[650, 650], embedding_size=200)
    raw["evaluation"] = {"split": "train", "max_tokens": args.tokens}
    path = Path(HOME) / "wide.yaml"
    path.write_text(yaml.safe_dump(raw))
    try:
        print(f"load average at start: {os.getloadavg()[0]:.2f}")
        train_from_config(path, max_steps=1, progress=False, log=lambda *a: None)
        t0 = time.perf_counter()
        summary = evaluate_model("wide-650", progress=False)
        eval_s = time.perf_counter() - t0
        print(f"evaluation: {summary.tokens:,} tokens in {eval_s:.1f} s "
              f"({summary.tokens / eval_s:,.0f} tok/s), store {summary.path.stat().st_size / 2**30:.1f} GiB")
        ev = open_evaluation("wide-650")
        t0 = time.perf_counter()
        index = unit_index(ev.store, 1, "h")
        index_s = time.perf_counter() - t0
        print(f"unit index, layer 1 h: {index_s:.1f} s = {index_s / eval_s:.2f} x the evaluation "
              f"(values {index.values.nbytes / 2**30:.2f} GiB)")
        for g in ("i", "f", "o"):
            unit_index(ev.store, 1, g)
        contrasts = [("word", "the", None), ("words", "the", "a"), ("pair", "of", "the"),
                     ("pattern", "{in,on,at} next the", None), ("target", "position", None)]
        for rank, a, b in contrasts:
            med, times = timed(lambda: rank_units("wide-650", layer=1, state="h", rank=rank, a=a, b=b),
                               args.repeats)
            print(f"rank 650 units, {rank} {a!r}{'' if b is None else f' vs {b!r}'}: median "
                  f"{med:.0f} ms {[round(t) for t in times]} (target <= 1000 ms)")
        med, times = timed(lambda: top_contexts("wide-650", layer=1, state="h", unit=17, k=10,
                                                window=10), args.repeats * 4)
        print(f"top contexts of one unit (10 per sign, +-10 tokens): median {med:.1f} ms "
              f"(target <= 100 ms)")
        med, times = timed(lambda: pattern_search("wide-650", layer=1, state="h", units=(3, 17, 42),
                                                  start=1000, length=5), args.repeats)
        print(f"pattern search, 3 units x 5 tokens over {len(index):,} positions: median {med:.0f} ms "
              f"{[round(t) for t in times]} (target <= 1000 ms)")
        med, _ = timed(lambda: __import__("rnnvis.analysis.unitview", fromlist=["x"]).gate_saturation(
            "wide-650", layer=1), args.repeats)
        print(f"gate saturation of a layer (3 gates, indexed): median {med:.1f} ms")
        print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
