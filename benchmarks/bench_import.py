"""Import benchmarks: import time and first evaluation time of a 2x650 LSTM language model from
each format (Keras .keras, ONNX, safetensors), over the Penn Treebank vocabulary.

    .venv/bin/python benchmarks/bench_import.py [--repeats 3] [--max-tokens N]

The three files hold the same kind of network with random weights (10k vocabulary, embedding
650, 2 LSTM layers of 650, output 10k), written here (no PyTorch needed: the safetensors file
uses PyTorch's parameter names, the ONNX graph is built with onnx.helper). For each format:

1. import without a corpus (read, map the gates, build the Keras model, write the model
   folder): median of ``--repeats`` runs in one process (``--force`` replaces the folder);
2. import with ``--data ptb``: the same plus loading PTB and measuring valid and test
   perplexity (one run);
3. the first ``evaluate`` of the imported model on the PTB test split (``--max-tokens``,
   default the whole split): recording every state, storing and aggregating (one run).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

UNITS, EMBED = 650, 650


def ptb_words() -> list[str]:
    """The PTB vocabulary rnnvis builds (10k words with <eos> and <unk>)."""
    from rnnvis.data import load_dataset
    from rnnvis.modelling.config import parse_config

    cfg = parse_config({"name": "ptb-vocab", "task": "language_model", "data": {"dataset": "ptb"},
                        "model": {"cell": "lstm", "layers": [UNITS], "embedding_size": EMBED}})
    return list(load_dataset(cfg).vocab.words)


def write_files(folder: Path, vocab: int,
                kinds=("safetensors", "onnx", "keras")) -> dict[str, Path]:
    """The same-shaped 2x650 LSTM LM in each format of ``kinds``."""
    import keras
    import onnx
    from safetensors.numpy import save_file

    from tests.importing.helpers import onnx_lm

    rng = np.random.default_rng(0)

    def u(*shape):
        return rng.uniform(-0.05, 0.05, shape).astype(np.float32)

    files = {}
    sd = {"embedding.weight": u(vocab, EMBED), "fc.weight": u(vocab, UNITS), "fc.bias": u(vocab)}
    for l, inputs in enumerate((EMBED, UNITS)):
        sd.update({f"rnn.weight_ih_l{l}": u(4 * UNITS, inputs), f"rnn.weight_hh_l{l}": u(4 * UNITS, UNITS),
                   f"rnn.bias_ih_l{l}": u(4 * UNITS), f"rnn.bias_hh_l{l}": u(4 * UNITS)})
    if "safetensors" in kinds:
        files["safetensors"] = folder / "lm.safetensors"
        save_file(sd, str(files["safetensors"]))
    if "onnx" in kinds:
        files["onnx"] = folder / "lm.onnx"
        onnx.save(onnx_lm("LSTM", vocab, EMBED, [UNITS, UNITS], scale=0.05), str(files["onnx"]))
    if "keras" not in kinds:
        return files
    init = keras.initializers.RandomUniform(-0.05, 0.05)
    model = keras.Sequential([keras.Input((None,), dtype="int32"),
                              keras.layers.Embedding(vocab, EMBED, embeddings_initializer=init),
                              keras.layers.LSTM(UNITS, return_sequences=True, kernel_initializer=init),
                              keras.layers.LSTM(UNITS, return_sequences=True, kernel_initializer=init),
                              keras.layers.Dense(vocab, kernel_initializer=init)])
    files["keras"] = folder / "lm.keras"
    model.save(files["keras"])
    return files


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--max-tokens", type=int, default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["RNNVIS_HOME"] = str(tmp / "home")
        from rnnvis.importing import import_model
        from rnnvis.recording.evaluation import evaluate_model

        words = ptb_words()
        vocab = tmp / "vocab.txt"
        vocab.write_text("\n".join(words) + "\n")
        files = write_files(tmp, len(words))
        print(f"2x{UNITS} LSTM LM, vocabulary {len(words):,}, embedding {EMBED}; load average "
              f"{os.getloadavg()[0]:.2f} at start")
        print(f"{'format':<12} {'file MB':>8} {'import s (median)':>18} {'runs':>24} "
              f"{'import+ptb s':>13} {'valid ppl':>10} {'1st evaluate s':>15} {'tokens':>8} {'tok/s':>7}")
        quiet = lambda *a: None  # noqa: E731
        for kind, path in files.items():
            runs = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                import_model(kind, str(path), f"bench-{kind}", vocab=str(vocab), force=True, log=quiet)
                runs.append(time.perf_counter() - t)
            t = time.perf_counter()
            s = import_model(kind, str(path), f"bench-{kind}", vocab=str(vocab), data="ptb",
                             force=True, log=quiet)
            with_data = time.perf_counter() - t
            t = time.perf_counter()
            ev = evaluate_model(f"bench-{kind}", "test", args.max_tokens, progress=False)
            first_eval = time.perf_counter() - t
            print(f"{kind:<12} {path.stat().st_size / 2**20:>8.1f} {statistics.median(runs):>18.2f} "
                  f"{' / '.join(f'{r:.2f}' for r in runs):>24} {with_data:>13.1f} "
                  f"{s.metrics['valid_perplexity']:>10.0f} {first_eval:>15.1f} {ev.tokens:>8,} "
                  f"{ev.tokens / first_eval:>7,.0f}", flush=True)
        print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
