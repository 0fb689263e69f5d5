"""The Units queries on a large store, in one run: a 2x650 LSTM (one training step: speed does not
depend on how well it is trained) with a store of about 1M tokens of Penn Treebank.

By default the store is written directly with the evaluator's StoreWriter: the PTB train
tokens (then valid and test, to pass 1M) and seeded random states for layer 0 (h and the gates
i, f, o; an Evaluation takes its state kinds from layer 0, so layer 1 holds only responses), in
the format and chunking `evaluate` writes, under the model's fingerprint (recording 1M tokens
of every field of a 2x650 LSTM takes ~25 minutes on this shared machine and ~15 GB; the
queries' cost does not depend on the values). `--evaluate` records the real store instead.

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


def write_store(name: str, n_tokens: int):
    """A complete state store of ``name`` over the first ``n_tokens`` PTB tokens, with seeded
    random float16 states for layer 0 (h, i, f, o), written as `evaluate` writes one."""
    import numpy as np

    from rnnvis.data import load_dataset
    from rnnvis.modelling.manager import load_trained
    from rnnvis.recording.evaluation import model_fingerprint, store_path
    from rnnvis.recording.recorder import Chunk
    from rnnvis.recording.responses import ResponseAggregator
    from rnnvis.recording.statestore import StoreWriter

    tm = load_trained(name)
    # PTB's train, valid and test text in a row (1,085,781 tokens) when more than the train
    # split's 929,589 are asked for
    splits = load_dataset(tm.config).splits
    tokens = np.concatenate([splits[s] for s in ("train", "valid", "test")])[:n_tokens].astype(np.int32)
    n = len(tokens)
    keys = [("h", "i", "f", "o"), ()]
    units = list(tm.config.model.layers)
    path = store_path(tm, "train")
    writer = StoreWriter(path, n_tokens=n, units=units, keys=keys, store_states=True,
                         dtype="float16", lm=True, attrs={
                             "fingerprint": model_fingerprint(tm), "model": name, "cell": "lstm",
                             "task": "language_model", "split": "train", "max_tokens": n,
                             "store_states": True})
    rng = np.random.default_rng(0)
    rows = 1 << 14
    for a in range(0, n, rows):
        b = min(n, a + rows)
        h = np.tanh(rng.normal(0, 0.7, size=(b - a, units[0]))).astype(np.float32)
        gates = {g: 1 / (1 + np.exp(-rng.normal(0, 2, size=(b - a, units[0])))) for g in "ifo"}
        writer.write_chunk(Chunk(np.arange(a, b), tokens[a:b], np.zeros(b - a, bool),
                                 [{"h": h, **{g: v.astype(np.float32) for g, v in gates.items()}}, {}],
                                 np.full(b - a, 0.1, np.float32), np.full(b - a, 2.3, np.float32)))
    agg = ResponseAggregator(len(tm.vocab), units, [(), ()]).update(tokens, [{}, {}])
    writer.write_responses(agg)
    writer.commit(metrics="{}")
    return n, path


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tokens", type=int, default=1_000_000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--evaluate", action="store_true", help="record the real store (slow)")
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
        # the evaluator's own speed on this model and machine, for the index's ratio
        t0 = time.perf_counter()
        sample = evaluate_model("wide-650", "test", max_tokens=20_000, progress=False)
        eval_rate = sample.tokens / (time.perf_counter() - t0)
        print(f"evaluation speed (test split, {sample.tokens:,} tokens, every field): "
              f"{eval_rate:,.0f} tok/s")
        t0 = time.perf_counter()
        if args.evaluate:
            summary = evaluate_model("wide-650", progress=False)
            tokens, store_path = summary.tokens, summary.path
        else:
            tokens, store_path = write_store("wide-650", args.tokens)
        eval_s = time.perf_counter() - t0
        print(f"{'evaluation' if args.evaluate else 'synthetic store'}: {tokens:,} tokens in "
              f"{eval_s:.1f} s ({tokens / eval_s:,.0f} tok/s), store "
              f"{store_path.stat().st_size / 2**30:.1f} GiB")
        ev = open_evaluation("wide-650", "train")
        layer = 1 if args.evaluate else 0   # the synthetic store holds the states of layer 0
        t0 = time.perf_counter()
        index = unit_index(ev.store, layer, "h")
        index_s = time.perf_counter() - t0
        print(f"unit index, layer {layer} h: {index_s:.1f} s = {index_s / (tokens / eval_rate):.3f} x the "
              f"evaluation of those {tokens:,} tokens ({tokens / eval_rate:.0f} s at "
              f"{eval_rate:,.0f} tok/s; values {index.values.nbytes / 2**30:.2f} GiB)")
        for g in ("i", "f", "o"):
            unit_index(ev.store, layer, g)
        contrasts = [("word", "the", None), ("words", "the", "a"), ("pair", "of", "the"),
                     ("pattern", "{in,on,at} next the", None), ("target", "position", None)]
        for rank, a, b in contrasts:
            med, times = timed(lambda: rank_units("wide-650", split="train", layer=layer, state="h", rank=rank, a=a, b=b),
                               args.repeats)
            print(f"rank 650 units, {rank} {a!r}{'' if b is None else f' vs {b!r}'}: median "
                  f"{med:.0f} ms {[round(t) for t in times]} (target <= 1000 ms)")
        med, times = timed(lambda: top_contexts("wide-650", split="train", layer=layer, state="h", unit=17, k=10,
                                                window=10), args.repeats * 4)
        print(f"top contexts of one unit (10 per sign, +-10 tokens): median {med:.1f} ms "
              f"(target <= 100 ms)")
        med, times = timed(lambda: pattern_search("wide-650", split="train", layer=layer, state="h", units=(3, 17, 42),
                                                  start=1000, length=5), args.repeats)
        print(f"pattern search, 3 units x 5 tokens over {len(index):,} positions: median {med:.0f} ms "
              f"{[round(t) for t in times]} (target <= 1000 ms)")
        med, _ = timed(lambda: __import__("rnnvis.analysis.unitview", fromlist=["x"]).gate_saturation(
            "wide-650", split="train", layer=layer), args.repeats)
        print(f"gate saturation of a layer (3 gates, indexed): median {med:.1f} ms")
        print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
