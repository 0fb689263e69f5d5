"""Evaluator benchmarks: aggregation memory stays flat as tokens grow; sentence evaluation latency.

    .venv/bin/python benchmarks/bench_evaluation.py

1. Streaming aggregation of expected responses (2 layers x 200 units, 10k vocabulary, h and c
   updates plus 4 gates) over 125k ... 1M tokens fed in recorder-sized chunks: peak traced memory
   (tracemalloc, which sees numpy buffers) must not grow with the token count. The baseline is the
   memory a per-token store of the same arrays would need.
2. Sentence evaluation of 100 tokens on the demo model's shape (demo-lstm.yaml): median latency
   over 50 runs after warm-up, through ``rnnvis.recording.sentence.evaluate_text`` (tokenise, encode,
   record at batch 1). Target: 50 ms or less.
"""

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from rnnvis.recording.responses import ResponseAggregator  # noqa: E402

VOCAB, UNITS, KINDS = 10_000, [200, 200], [("h", "c", "i", "f", "o", "g")] * 2
CHUNK = 8192


def aggregation_peak(n_tokens: int) -> tuple[float, float]:
    """Peak traced MiB while aggregating ``n_tokens`` random tokens, and seconds taken."""
    rng = np.random.default_rng(0)
    # one chunk of arrays reused: what the recorder hands over at a time
    layers = [{k: rng.standard_normal((CHUNK, u), dtype=np.float32) for k in
               ("h", "h_prev", "c", "c_prev", "i", "f", "o", "g")} for u in UNITS]
    tracemalloc.start()
    agg = ResponseAggregator(VOCAB, UNITS, KINDS)
    start = time.perf_counter()
    done = 0
    while done < n_tokens:
        n = min(CHUNK, n_tokens - done)
        tokens = rng.zipf(1.3, n) % VOCAB
        agg.update(tokens, [{k: v[:n] for k, v in lay.items()} for lay in layers])
        done += n
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert agg.tokens_seen_ == n_tokens
    return peak / 2**20, seconds


def sentence_latency(runs: int = 50) -> list[float]:
    """Latencies (ms) of evaluate_text on a 100-token PTB text, demo-lstm shape."""
    from rnnvis.modelling.config import load_config
    from rnnvis.data import load_dataset
    from rnnvis.modelling.manager import TrainedModel
    from rnnvis.modelling.models import build_model
    from rnnvis.recording.sentence import evaluate_text

    cfg = load_config(ROOT / "config" / "demo-lstm.yaml")
    corpus = load_dataset(cfg)
    model = build_model(cfg, len(corpus.vocab))
    tm = TrainedModel(cfg, corpus.vocab, model, None)
    words = [corpus.vocab.words[i] for i in corpus.splits["test"][:100]]
    text = " ".join(w for w in words)
    assert len(evaluate_text(tm, text)["tokens"]) == 100
    for _ in range(5):
        evaluate_text(tm, text)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        evaluate_text(tm, text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    print("1. streaming aggregation, 2x200 units, 10k vocabulary, 6 kinds per layer")
    print(f"{'tokens':>10} {'peak MiB':>10} {'seconds':>9} {'per-token store MiB':>20}")
    peaks = []
    for n in (125_000, 250_000, 500_000, 1_000_000):
        peak, secs = aggregation_peak(n)
        peaks.append(peak)
        store = n * sum(UNITS) * 6 * 4 / 2**20
        print(f"{n:>10,} {peak:>10.1f} {secs:>9.2f} {store:>20,.0f}")
    print(f"peak at 1M tokens / peak at 125k tokens: {peaks[-1] / peaks[0]:.3f} (flat = 1.0)")
    print()
    print("2. sentence evaluation, 100 tokens, demo-lstm shape (2x128 LSTM, 10k vocabulary)")
    times = sentence_latency()
    print(f"median {statistics.median(times):.1f} ms, p90 {np.percentile(times, 90):.1f} ms "
          f"over {len(times)} runs (target <= 50 ms)")


if __name__ == "__main__":
    main()
