"""Do the shipped synthetic configs solve their tasks? Train each with its own settings (and, as
the baseline, with the settings they had before: init_scale 0.1, 8 epochs), evaluate the test
split and print the mean next-token loss on the positions whose answer is determined
(rnnvis.analysis.groundtruth), the loss over every position and the training time.

    .venv/bin/python benchmarks/bench_synthetic.py [--only counting] [--no-baseline]

Each run trains in a temporary RNNVIS_HOME; nothing is kept.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["RNNVIS_HOME"] = tempfile.mkdtemp(prefix="rnnvis-bench-synthetic-")

import yaml  # noqa: E402

CONFIGS = ("counting", "selective-counting", "state-memory", "copy")
# the settings the configs had before (init_scale 0.1, 8 epochs; copy: 1x16, strings up to 6)
BASELINE = {"model": {"init_scale": 0.1}, "train": {"epochs": 8}}
BASELINES = {"copy": {"model": {"init_scale": 0.1, "layers": [16], "embedding_size": 8},
                      "train": {"epochs": 8}, "data": {"num_samples": 4000, "max_count": 6}}}
CHANCE = {"counting": "~0.38 (no count: the <eos> costs ~1.9 nats)",
          "selective-counting": "~0.38", "state-memory": "0.69 (ln 2)", "copy": "1.10 (ln 3)"}


def run(config: str, overrides: dict | None, tag: str) -> dict:
    """Train and evaluate one config; return the ground-truth figures and the training time."""
    from rnnvis.analysis.groundtruth import task_loss
    from rnnvis.modelling.manager import train_from_config
    from rnnvis.recording.evaluation import evaluate_model

    raw = yaml.safe_load((ROOT / "config" / f"synthetic-{config}.yaml").read_text())
    for section, values in (overrides or {}).items():
        raw[section].update(values)
    raw["name"] = f"{raw['name']}-{tag}"
    path = Path(os.environ["RNNVIS_HOME"]) / f"{raw['name']}.yaml"
    path.write_text(yaml.safe_dump(raw))
    t0 = time.perf_counter()
    train_from_config(path, progress=False, log=lambda *a: None)
    seconds = time.perf_counter() - t0
    evaluate_model(raw["name"], progress=False)
    return {**task_loss(raw["name"]), "train_s": seconds}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", choices=CONFIGS, action="append")
    p.add_argument("--no-baseline", action="store_true", help="skip the old settings")
    args = p.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(f"{'config':20s} {'settings':10s} {'determined loss':>16s} {'n':>6s} {'all-position loss':>18s}"
          f" {'train s':>8s}   chance")
    for config in args.only or CONFIGS:
        before = BASELINES.get(config, BASELINE)
        variants = [("shipped", None)] + ([] if args.no_baseline else [("before", before)])
        for tag, overrides in variants:
            r = run(config, overrides, tag)
            print(f"{config:20s} {tag:10s} {r['determined_loss']:16.4f} {r['determined_positions']:6d}"
                  f" {r['loss']:18.4f} {r['train_s']:8.1f}   {CHANCE[config]}", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
