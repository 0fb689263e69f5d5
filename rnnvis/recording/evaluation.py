"""The evaluator: run a trained model over a split, store its states and per-word responses,
and answer questions about words and units from the store."""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import NotFound, ParamError, UserError
from ..modelling.cells import layer_kinds
from ..modelling.manager import TrainedModel, load_trained
from ..params import LAYER, SPLIT, STATE, Param, Params
from .statestore import StateStore, StoreWriter, fingerprint

__all__ = ["evaluate_model", "open_evaluation", "Evaluation", "PERCENTILES", "EVALUATE_PARAMS",
           "WORD_PARAMS", "UNIT_PARAMS", "SENTENCES_PARAMS", "WORD", "UNIT"]

PERCENTILES = (9, 25, 50, 75, 91)
MAX_TOKENS = Param("max_tokens", "int", None, min=1, metavar="N",
                   help="stop after N tokens (default: the config's evaluation.max_tokens, "
                        "else the whole split)")
DTYPE = Param("dtype", "str", "float16", choices=("float16", "float32"),
              help="precision of the stored states")
#: what an evaluation run takes, besides the model name
EVALUATE_PARAMS = Params(SPLIT, MAX_TOKENS, DTYPE)
#: a word of the vocabulary, and a unit of a layer (the API's path parameters)
WORD = Param("word", "str", required=True, max_length=200, help="a word of the vocabulary")
UNIT = Param("unit", "int", required=True, min=0, help="unit index in the layer, from 0")
#: a word's or a unit's statistics in one layer and state kind
WORD_PARAMS = Params(SPLIT, LAYER, STATE)
UNIT_PARAMS = WORD_PARAMS + Params(Param("top", "int", 10, min=1, max=50,
                                         help="words shown per sign"))
SENTENCES_PARAMS = Params(SPLIT, Param("n", "int", 20, min=1, max=200,
                                       help="how many sentences or documents"))


def model_fingerprint(tm: TrainedModel) -> str:
    """Hash of the model's config snapshot, vocabulary and weights."""
    d = tm.dir
    paths = [d.config_path, d.vocab_path] + ([] if tm.states_only else [d.weights_path])
    return _cached_fingerprint(tuple(map(str, paths)), tuple(p.stat().st_mtime for p in paths))


@functools.lru_cache(maxsize=32)
def _cached_fingerprint(paths: tuple, _mtimes: tuple):
    return fingerprint([Path(p) for p in paths])


def _split_tokens(tm: TrainedModel, split: str, max_tokens: int | None):
    """The evaluation input: an LM token stream, or whole classifier documents up to the cap."""
    from ..data import load_dataset

    corpus = load_dataset(tm.config, tm.vocab)   # the model's own ids (an import's vocabulary)
    if split not in corpus.splits:
        raise UserError(f"model {tm.name!r} has no {split!r} split; have {', '.join(corpus.splits)}")
    if tm.config.task == "language_model":
        stream = corpus.splits[split]
        return stream[:max_tokens] if max_tokens else stream, None
    docs, labels = corpus.splits[split]
    # the classifier masks id 0 (padding) and the recorder never feeds it: drop it here too,
    # so document offsets and token counts agree with the recorded rows
    docs = [d[d != 0] for d in map(np.asarray, docs)]
    if max_tokens:
        lengths = np.cumsum([len(d) for d in docs])
        keep = max(1, int(np.searchsorted(lengths, max_tokens, side="right")))
        docs, labels = docs[:keep], labels[:keep]
    return docs, labels


def store_path(tm: TrainedModel, split: str) -> Path:
    """Where the state store of ``split`` lives."""
    return tm.dir.evaluations / f"{split}.h5"


@dataclass
class EvalSummary:
    """What an evaluation run did."""

    path: Path
    tokens: int
    seconds: float
    reused: bool
    metrics: dict

    def text(self, name: str) -> str:
        """One line on what the run did, for model ``name``."""
        if self.reused:
            return f"{name}: evaluation is up to date ({self.path}, {self.tokens:,} tokens)"
        extra = ", ".join(f"{k} {v:.4g}" for k, v in self.metrics.items()
                          if k in ("perplexity", "accuracy"))
        return (f"{name}: recorded {self.tokens:,} tokens in {self.seconds:.1f} s "
                f"({self.tokens / max(self.seconds, 1e-9):,.0f} tok/s){', ' + extra if extra else ''}"
                f" -> {self.path}")


def evaluate_model(name: str, split: str | None = None, max_tokens: int | None = None, *,
                   store: bool = True, dtype: str = "float16", batch_streams: int = 64,
                   progress: bool = True, force: bool = False, report=None) -> EvalSummary:
    """Record every state of model ``name`` over ``split`` and store states and responses.

    A store that matches the model (fingerprint) and the options is reused unless ``force``.
    ``report(event)``, if given, is called after every recorded chunk with ``phase`` evaluate,
    ``split``, ``tokens`` done, ``total_tokens`` and ``seconds``.
    """
    from .recorder import get_recorder
    from .responses import ResponseAggregator

    split, max_tokens, dtype = EVALUATE_PARAMS.check(
        {"split": split, "max_tokens": max_tokens, "dtype": dtype}).values()
    tm = load_trained(name)
    tm.require_weights("evaluate (recording states)")
    split = split or tm.config.evaluation.split
    if max_tokens is None:
        max_tokens = tm.config.evaluation.max_tokens
    path = store_path(tm, split)
    fp = model_fingerprint(tm)
    options = {"split": split, "max_tokens": max_tokens or 0, "store_states": store, "dtype": dtype}
    if path.exists() and not force:
        try:
            old = StateStore(path)
            same = old.attrs.get("fingerprint") == fp and all(
                old.attrs.get(k) == v for k, v in options.items())
            n, meta = len(old.tokens), old.attrs.get("metrics", "{}")
            old.close()
            if same:
                return EvalSummary(path, n, 0.0, True, json.loads(meta))
        except UserError:
            pass  # incomplete or outdated: rebuild
    tokens, labels = _split_tokens(tm, split, max_tokens)
    cfg = tm.config
    lm = cfg.task == "language_model"
    recorder = get_recorder(tm.model, cfg)
    kinds = [layer_kinds(cfg.model.cell)] * len(cfg.model.layers)
    n_tokens = len(tokens) if lm else sum(len(d) for d in tokens)
    if n_tokens == 0:
        raise UserError(f"split {split!r} of model {name!r} is empty")
    agg = ResponseAggregator(len(tm.vocab), list(cfg.model.layers), kinds)
    n_classes = 0 if lm else tm.model.output_shape[-1]
    writer = StoreWriter(path, n_tokens=n_tokens, units=list(cfg.model.layers), keys=kinds,
                         store_states=store, dtype=dtype, lm=lm,
                         n_docs=0 if lm else len(tokens), n_classes=n_classes,
                         attrs={"fingerprint": fp, "model": name, "cell": cfg.model.cell,
                                "task": cfg.task, **options})
    start = time.perf_counter()
    loss_sum, loss_n, done = 0.0, 0, 0
    try:
        for chunk in recorder.iter(tokens, batch_streams=batch_streams, progress=progress):
            writer.write_chunk(chunk)
            done += len(chunk.tokens)
            if report:
                report({"phase": "evaluate", "split": split, "tokens": done, "total_tokens": n_tokens,
                        "seconds": time.perf_counter() - start})
            agg.update(chunk.tokens, chunk.layers)
            if chunk.next_loss is not None:
                finite = np.isfinite(chunk.next_loss)
                loss_sum += float(chunk.next_loss[finite].sum())
                loss_n += int(finite.sum())
        offsets = None if lm else np.concatenate([[0], np.cumsum([len(d) for d in tokens])])
        writer.write_responses(agg, offsets)
        if labels is not None:
            writer.write_labels(labels)
        seconds = time.perf_counter() - start
        metrics = {"tokens": n_tokens, "tokens_per_s": n_tokens / max(seconds, 1e-9)}
        if lm and loss_n:
            metrics.update(loss=loss_sum / loss_n, perplexity=float(np.exp(loss_sum / loss_n)))
        if not lm:
            probs = writer.class_probs()
            metrics["accuracy"] = float((probs.argmax(1) == np.asarray(labels)).mean())
        writer.commit(metrics=json.dumps(metrics))
    except BaseException:
        writer.abort()
        raise
    _open_store.cache_clear()
    return EvalSummary(path, n_tokens, seconds, False, metrics)


@functools.lru_cache(maxsize=8)
def _open_store(path: str, mtime: float) -> StateStore:
    return StateStore(Path(path))


class Evaluation:
    """Questions about one evaluated model and split: responses, word and unit statistics."""

    def __init__(self, tm: TrainedModel, store: StateStore, split: str):
        self.tm, self.store, self.split = tm, store, split
        self.cfg = tm.config
        self.kinds = store.keys[0] if store.keys else layer_kinds(self.cfg.model.cell)

    # ------------------------------------------------------------- validation
    def check(self, layer, kind: str) -> tuple[int, str]:
        """Validate a (layer, kind) pair; raise UserError naming what is allowed."""
        n = len(self.cfg.model.layers)
        if not isinstance(layer, (int, np.integer)) or isinstance(layer, bool) or not 0 <= layer < n:
            raise ParamError(f"layer: got {layer!r}; model {self.tm.name!r} has layers "
                             f"0..{n - 1}", param="layer")
        if kind not in self.kinds:
            raise ParamError(f"state: got {kind!r}; allowed for {self.cfg.model.cell}: "
                             f"{', '.join(self.kinds)}", param="state")
        return int(layer), kind

    def word_id(self, word: str) -> int:
        """The id of ``word``; NotFound if it is not in the vocabulary or never occurs."""
        wid = self.tm.vocab.id(word)
        if wid == 1 and word != self.tm.vocab.words[1]:
            raise NotFound(f"word {word!r} is not in the vocabulary of {self.tm.name!r}")
        if self.store.counts[wid] == 0:
            raise NotFound(f"word {word!r} does not occur in the {self.split} split")
        return wid

    def sentences(self, n: int = 20, min_len: int = 4, max_len: int = 40) -> list[str]:
        """Up to ``n`` sentences (LM lines) or documents of the evaluated split, as text."""
        words, tokens = self.tm.vocab.words, self.store.tokens
        offsets = self.store.dataset("doc_offsets")
        if offsets is None:  # language model: lines end with <eos>
            eos = self.tm.vocab.id("<eos>")
            ends = np.flatnonzero(tokens == eos) + 1
            offsets = np.concatenate([[0], ends])
        out = []
        sep = "" if self.cfg.data.level == "char" else " "
        for a, b in zip(offsets[:-1], offsets[1:]):
            piece = [words[i] for i in tokens[a:b] if words[i] != "<eos>"]
            if min_len <= len(piece) <= max_len or (self.cfg.task == "classification" and piece):
                out.append(sep.join(piece[:max_len * 5]))
            if len(out) >= n:
                break
        return out

    # ------------------------------------------------------------- queries
    def responses(self, layer: int, kind: str = "h"):
        """The :class:`~rnnvis.recording.responses.ResponseMatrix` of a layer and kind."""
        layer, kind = self.check(layer, kind)
        return self.store.responses(layer, kind)

    def top_words(self, k: int | None = None) -> list[str]:
        """The ``k`` most frequent words of the evaluated split."""
        order = self.store.responses(0, "h").top_words(k)
        return [self.tm.vocab.words[i] for i in order]

    def word_stats(self, word: str, layer: int, kind: str = "h") -> dict:
        """A word's response over all units: mean, std, count and percentile bands per unit."""
        layer, kind = self.check(layer, kind)
        wid = self.word_id(word)
        res = self.store.responses(layer, kind)
        out = {"word": word, "id": wid, "layer": layer, "state": kind,
               "count": int(res.counts[wid]), "mean": res.mean[wid].tolist(),
               "std": res.std[wid].tolist()}
        if self.store.has_states:
            vals = self.store.values(layer, kind, self.store.positions(wid))
            q = np.percentile(vals, PERCENTILES, axis=0)
            out["percentiles"] = {str(p): q[i].tolist() for i, p in enumerate(PERCENTILES)}
        return out

    def unit_stats(self, unit: int, layer: int, kind: str = "h", top: int = 10,
                   top_k_words: int | None = None, min_count: int = 5) -> dict:
        """A unit's strongest positive and negative words (by mean response) with box plots."""
        layer, kind = self.check(layer, kind)
        units = self.cfg.model.layers[layer]
        if not isinstance(unit, (int, np.integer)) or isinstance(unit, bool) or not 0 <= unit < units:
            raise ParamError(f"unit: got {unit!r}; layer {layer} has units 0..{units - 1}",
                             param="unit")
        res = self.store.responses(layer, kind)
        candidates = res.top_words(top_k_words, min_count=min_count)
        if len(candidates) == 0:
            candidates = res.top_words(top_k_words)
        col = res.mean[candidates, unit]
        order = np.argsort(col)
        picks = {"positive": candidates[order[::-1][:top]], "negative": candidates[order[:top]]}
        out = {"unit": unit, "layer": layer, "state": kind}
        for sign, ids in picks.items():
            rows = []
            for wid in ids:
                row = {"word": self.tm.vocab.words[wid], "mean": float(res.mean[wid, unit]),
                       "std": float(res.std[wid, unit]), "count": int(res.counts[wid])}
                if self.store.has_states:
                    vals = self.store.values(layer, kind, self.store.positions(wid))[:, unit]
                    row["box"] = dict(zip(("p9", "p25", "p50", "p75", "p91"),
                                          np.percentile(vals, PERCENTILES).tolist()))
                rows.append(row)
            out[sign] = rows
        return out


def open_evaluation(name: str, split: str | None = None) -> Evaluation:
    """The evaluation of model ``name`` on ``split``; errors say how to create a missing one."""
    split = SPLIT.check(split)
    tm = load_trained(name)
    split = split or tm.config.evaluation.split
    path = store_path(tm, split)
    if not path.exists():
        raise NotFound(f"model {name!r} has no evaluation of the {split} split; "
                       f"run: python manage.py evaluate {name} --split {split}")
    store = _open_store(str(path), path.stat().st_mtime)
    if store.attrs.get("fingerprint") != model_fingerprint(tm):
        raise UserError(f"the {split} evaluation of {name!r} is stale (the model changed); "
                        f"run: python manage.py evaluate {name} --split {split}")
    return Evaluation(tm, store, split)
