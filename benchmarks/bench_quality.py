"""Model quality against published figures: train a shipped config from scratch and check its target.

    .venv/bin/python benchmarks/bench_quality.py ptb-small      # 2x200 LSTM, test ppl <= 120 (paper 114.5)
    .venv/bin/python benchmarks/bench_quality.py imdb-gru50     # 1x50 GRU, test accuracy >= 0.85

Trains in a temporary RNNVIS_HOME (or --home DIR to keep the model) and prints the per-epoch
history, the final metrics, the wall time and PASS/FAIL against the target.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {
    "ptb-small": ("ptb-small-lstm.yaml", "test_perplexity", "<=", 120.0, "Zaremba et al. 2014: 114.5"),
    "imdb-gru50": ("imdb-gru50.yaml", "test_accuracy", ">=", 0.85, "RNNVis GRU-50 on Yelp: 0.886"),
}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("which", choices=sorted(TARGETS))
    p.add_argument("--home", help="RNNVIS_HOME to train into (default: a temporary folder)")
    p.add_argument("--epochs", type=int, help="override the config's epochs (for a quick look)")
    args = p.parse_args()
    config, metric, op, target, reference = TARGETS[args.which]
    os.environ["RNNVIS_HOME"] = args.home or tempfile.mkdtemp(prefix="rnnvis-bench-")
    from rnnvis.modelling.manager import train_from_config

    start = time.perf_counter()
    result = train_from_config(ROOT / "config" / config, force=True, epochs=args.epochs,
                               progress=False)
    minutes = (time.perf_counter() - start) / 60
    value = result.metrics[metric]
    ok = value <= target if op == "<=" else value >= target
    print(f"{config}: {metric} = {value:.4g} (target {op} {target}; {reference}); "
          f"{result.metrics['epochs']} epochs in {minutes:.1f} min; {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
