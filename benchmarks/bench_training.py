"""Training throughput: our trainer's tokens/s divided by a plain ``model.fit`` of the same network.

Both train the Zaremba-small shape (2x200 LSTM, 10k vocabulary, batch 20, 20 steps) on the same
token stream in the same run. Prints medians over repeats and the ratio (target >= 1.0).

    .venv/bin/python benchmarks/bench_training.py [--tokens 120000] [--repeats 3] [--cell lstm]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from rnnvis.modelling.config import parse_config  # noqa: E402
from rnnvis.modelling.models import build_model, keras  # noqa: E402
from rnnvis.modelling.training import _run_lm, _Steps, make_optimizer  # noqa: E402

VOCAB = 10000


def config(cell, units, batch, steps):
    return parse_config({
        "name": "bench", "task": "language_model", "data": {"dataset": "ptb"},
        "model": {"cell": cell, "layers": [units, units], "embedding_size": units},
        "train": {"batch_size": batch, "seq_length": steps,
                  "optimizer": {"name": "sgd", "learning_rate": 1.0}, "clip_norm": 5.0}})


def ours(cfg, stream):
    model = build_model(cfg, VOCAB)
    steps = _Steps(cfg, model, make_optimizer(cfg))
    _run_lm(steps, stream[: 10 * cfg.train.batch_size * cfg.train.seq_length],
            cfg.train.batch_size, cfg.train.seq_length, True, "warm-up", False)
    res = _run_lm(steps, stream, cfg.train.batch_size, cfg.train.seq_length, True, "ours", False)
    return res["tokens"] / res["seconds"]


def plain_fit(cfg, stream):
    """The textbook Keras way: a Sequential model and model.fit on (x, y) windows."""
    units, layer = cfg.model.layers, keras.layers.LSTM if cfg.model.cell == "lstm" else (
        keras.layers.GRU if cfg.model.cell == "gru" else keras.layers.SimpleRNN)
    model = keras.Sequential([keras.Input((None,), dtype="int32"),
                              keras.layers.Embedding(VOCAB, cfg.model.embedding_size)]
                             + [layer(u, return_sequences=True) for u in units]
                             + [keras.layers.Dense(VOCAB)])
    model.compile(optimizer=keras.optimizers.SGD(1.0, global_clipnorm=5.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    t = cfg.train.seq_length
    n = (len(stream) - 1) // t
    x = stream[: n * t].reshape(n, t)
    y = stream[1: n * t + 1].reshape(n, t)
    model.fit(x[:200], y[:200], batch_size=cfg.train.batch_size, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=cfg.train.batch_size, epochs=1, verbose=0, shuffle=False)
    return x.size / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokens", type=int, default=120_000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--cell", default="lstm", choices=("rnn", "lstm", "gru"))
    p.add_argument("--units", type=int, default=200)
    args = p.parse_args()
    cfg = config(args.cell, args.units, 20, 20)
    stream = np.random.default_rng(0).integers(0, VOCAB, args.tokens).astype(np.int32)
    a, b = [], []
    for _ in range(args.repeats):
        a.append(ours(cfg, stream))
        b.append(plain_fit(cfg, stream))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"shape: 2x{args.units} {args.cell}, vocab {VOCAB}, batch 20 x 20 steps, "
          f"{args.tokens:,} tokens, {args.repeats} repeats")
    print(f"{'trainer':<14}{'median tok/s':>14}{'runs':>40}")
    print(f"{'rnnvis':<14}{ma:>14,.0f}{str([round(v) for v in a]):>40}")
    print(f"{'model.fit':<14}{mb:>14,.0f}{str([round(v) for v in b]):>40}")
    print(f"ratio rnnvis / model.fit: {ma / mb:.2f} (target >= 1.0)")


if __name__ == "__main__":
    main()
