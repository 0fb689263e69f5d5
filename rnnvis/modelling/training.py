"""Train a model from its config: truncated BPTT for language models, masked batches for classifiers.

Every epoch ends with an atomic checkpoint (weights, optimizer state, history); ``resume=True``
continues after the last finished epoch, even after a ``kill -9``.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

import numpy as np

from ..atomic import atomic_path, read_json, write_json
from ..console import progress_bar
from .config import ModelConfig
from ..errors import UserError
from .models import LOGITS, build_model, keras, zero_states
from .modeldir import ModelDir

import tensorflow as tf  # noqa: E402  (after keras, which selects the backend)

JIT = os.environ.get("RNNVIS_JIT", "1") == "1"

__all__ = ["train", "evaluate", "lm_batches", "class_batches", "make_optimizer", "TrainResult"]


@dataclass
class TrainResult:
    """What a finished training run produced."""

    history: list[dict]
    metrics: dict
    stopped_early: bool


# ------------------------------------------------------------------ batching

def lm_batches(stream: np.ndarray, batch_size: int, seq_length: int):
    """Zaremba-style batches: B contiguous rows, cut into (x, y) windows of ``seq_length``.

    Row r of every batch continues row r of the previous one, so state can be carried.
    """
    n_rows = len(stream) // batch_size
    if n_rows < 2:
        raise UserError(f"the split has {len(stream)} tokens: too few for batch_size={batch_size}")
    data = np.asarray(stream[: n_rows * batch_size], dtype=np.int32).reshape(batch_size, n_rows)
    for start in range(0, n_rows - 1, seq_length):
        end = min(start + seq_length, n_rows - 1)
        yield data[:, start:end], data[:, start + 1:end + 1]


def lm_num_batches(n_tokens: int, batch_size: int, seq_length: int) -> int:
    """How many windows ``lm_batches`` yields."""
    return math.ceil((n_tokens // batch_size - 1) / seq_length)


def class_batches(docs: list, labels: np.ndarray, batch_size: int, rng: np.random.Generator | None):
    """Right-padded (tokens, labels) batches; shuffled and grouped by length when ``rng`` is given."""
    order = np.arange(len(docs))
    if rng is not None:
        order = rng.permutation(len(docs))
        # sort within windows of 50 batches so padding stays small, then shuffle the batches
        window = batch_size * 50
        order = np.concatenate([sorted(order[i:i + window], key=lambda j: len(docs[j]))
                                for i in range(0, len(order), window)]).astype(int)
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    for idx in batches:
        width = max(1, max(len(docs[j]) for j in idx))
        x = np.zeros((len(idx), width), dtype=np.int32)
        for row, j in enumerate(idx):
            x[row, : len(docs[j])] = docs[j]
        yield x, np.asarray(labels[idx], dtype=np.int32)


# ------------------------------------------------------------------ steps

def make_optimizer(cfg: ModelConfig) -> keras.optimizers.Optimizer:
    """The configured optimizer, with gradient clipping by global norm."""
    o, clip = cfg.train.optimizer, cfg.train.clip_norm
    common = dict(learning_rate=o.learning_rate, global_clipnorm=clip)
    if o.name == "sgd":
        return keras.optimizers.SGD(momentum=o.momentum, **common)
    if o.name == "rmsprop":
        return keras.optimizers.RMSprop(rho=o.rho, momentum=o.momentum, epsilon=o.epsilon, **common)
    return keras.optimizers.Adam(beta_1=o.beta_1, beta_2=o.beta_2, epsilon=o.epsilon, **common)


class _Steps:
    """Compiled train and eval steps for one model."""

    def __init__(self, cfg: ModelConfig, model: keras.Model, optimizer):
        self.cfg, self.model, self.optimizer = cfg, model, optimizer
        self.lm = cfg.task == "language_model"
        spec = tf.TensorSpec([None, None], tf.int32)
        if self.lm:
            states = [tf.TensorSpec([None, u], tf.float32)
                      for u in cfg.model.layers for _ in range(2 if cfg.model.cell == "lstm" else 1)]
            sig = [spec, spec, states]
            self.sampled = cfg.train.sampled_softmax
            if self.sampled:
                # the last hidden layer and the final states, to score a sample of the words
                self.dense = model.get_layer(LOGITS)
                vocab = self.dense.kernel.shape[-1]
                if self.sampled >= vocab:
                    raise UserError(f"train.sampled_softmax: got {self.sampled}; it must be below "
                                    f"the vocabulary size {vocab} (or null for the full softmax)")
                self.hidden = keras.Model(model.inputs, [self.dense.input, *model.outputs[1:]])
            # the candidate sampler has no XLA kernel: a sampled step runs without jit_compile
            self.train_step = tf.function(self._lm_train, input_signature=sig,
                                          jit_compile=JIT and not self.sampled)
            self.eval_step = tf.function(self._lm_eval, input_signature=sig, jit_compile=JIT)
        else:
            sig = [spec, tf.TensorSpec([None], tf.int32)]
            self.train_step = tf.function(self._cls_train, input_signature=sig)
            self.eval_step = tf.function(self._cls_eval, input_signature=sig)

    def _lm_loss(self, x, y, states, training):
        out = self.model([x, *states], training=training)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, out[0]))
        return loss, list(out[1:])

    def _lm_sampled_loss(self, x, y, states):
        out = self.hidden([x, *states], training=True)
        h = tf.reshape(out[0], [-1, tf.shape(out[0])[-1]])
        labels = tf.reshape(tf.cast(y, tf.int64), [-1, 1])
        loss = tf.nn.sampled_softmax_loss(
            tf.transpose(self.dense.kernel), self.dense.bias, labels, h,
            num_sampled=self.sampled, num_classes=self.dense.kernel.shape[-1])
        return tf.reduce_mean(loss), list(out[1:])

    def _lm_train(self, x, y, states):
        with tf.GradientTape() as tape:
            if self.sampled:
                loss, new_states = self._lm_sampled_loss(x, y, states)
            else:
                loss, new_states = self._lm_loss(x, y, states, True)
        variables = self.model.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss, new_states

    def _lm_eval(self, x, y, states):
        return self._lm_loss(x, y, states, False)

    def _cls_loss(self, x, y, training):
        probs = self.model(x, training=training)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, probs))
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(probs, -1, output_type=tf.int32), y),
                                        tf.float32))
        return loss, correct

    def _cls_train(self, x, y):
        with tf.GradientTape() as tape:
            loss, correct = self._cls_loss(x, y, True)
        variables = self.model.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss, correct

    def _cls_eval(self, x, y):
        return self._cls_loss(x, y, False)


def _run_lm(steps: _Steps, stream, batch_size, seq_length, train, desc, progress, max_steps=None,
            report=None):
    cfg = steps.cfg
    states = [tf.constant(s) for s in zero_states(cfg, batch_size)]
    total_loss, total_tok, n = 0.0, 0, 0
    n_batches = lm_num_batches(len(stream), batch_size, seq_length)
    if max_steps:
        n_batches = min(n_batches, max_steps)
    bar = progress_bar(n_batches * batch_size * seq_length, desc, progress)
    t0 = time.perf_counter()
    step = steps.train_step if train else steps.eval_step
    for x, y in lm_batches(stream, batch_size, seq_length):
        if n >= n_batches:
            break
        loss, states = step(tf.constant(x), tf.constant(y), states)
        loss = float(loss)
        if not math.isfinite(loss):
            raise UserError(f"training diverged (loss {loss}); lower the learning rate or clip_norm")
        total_loss += loss * x.size
        total_tok += x.size
        n += 1
        bar.update(x.size)
        if report:
            report({"step": n, "steps": n_batches, "loss": loss, "mean_loss": total_loss / total_tok,
                    "tokens": total_tok, "seconds": time.perf_counter() - t0})
        if n % 10 == 0 or n == n_batches:
            rate = total_tok / max(time.perf_counter() - t0, 1e-9)
            bar.set_postfix(loss=f"{total_loss / total_tok:.3f}",
                            ppl=f"{math.exp(min(total_loss / total_tok, 50)):.1f}",
                            tok_s=f"{rate:,.0f}")
    bar.close()
    mean = total_loss / max(total_tok, 1)
    return {"loss": mean, "perplexity": math.exp(min(mean, 50.0)), "tokens": total_tok,
            "seconds": time.perf_counter() - t0}


def _run_cls(steps: _Steps, split, batch_size, train, desc, progress, rng=None, max_steps=None,
             report=None):
    docs, labels = split
    n_docs = len(docs) if not max_steps else min(len(docs), max_steps * batch_size)
    n_batches = math.ceil(n_docs / batch_size)
    bar = progress_bar(sum(len(d) for d in docs[:n_docs]), desc, progress)
    step = steps.train_step if train else steps.eval_step
    total_loss, correct, seen, tokens, n = 0.0, 0.0, 0, 0, 0
    t0 = time.perf_counter()
    for x, y in class_batches(docs, labels, batch_size, rng if train else None):
        if max_steps and n >= max_steps:
            break
        loss, c = step(tf.constant(x), tf.constant(y))
        total_loss += float(loss) * len(y)
        correct += float(c)
        seen += len(y)
        n += 1
        ntok = int((x != 0).sum())
        tokens += ntok
        bar.update(ntok)
        if report:
            report({"step": n, "steps": n_batches, "loss": float(loss), "mean_loss": total_loss / seen,
                    "accuracy": correct / seen, "tokens": tokens, "seconds": time.perf_counter() - t0})
        bar.set_postfix(loss=f"{total_loss / seen:.3f}", acc=f"{correct / seen:.3f}",
                        tok_s=f"{tokens / max(time.perf_counter() - t0, 1e-9):,.0f}")
    bar.close()
    return {"loss": total_loss / max(seen, 1), "accuracy": correct / max(seen, 1), "tokens": tokens,
            "seconds": time.perf_counter() - t0}


def evaluate(cfg: ModelConfig, model: keras.Model, corpus, split: str, progress: bool = False,
             max_steps: int | None = None, report=None) -> dict:
    """Loss and perplexity (language model) or accuracy (classifier) on one split;
    ``report(event)`` hears every batch (``step``, ``steps``, ``mean_loss``...) as in training."""
    steps = _Steps(cfg, model, None)
    return _evaluate(steps, corpus, split, progress, max_steps, report)


def _evaluate(steps: _Steps, corpus, split, progress, max_steps=None, report=None):
    cfg = steps.cfg
    if steps.lm:
        bs = min(cfg.train.batch_size, max(1, len(corpus.splits[split]) // 4))
        return _run_lm(steps, corpus.splits[split], bs, cfg.train.seq_length, False, split,
                       progress, max_steps, report)
    return _run_cls(steps, corpus.splits[split], cfg.train.batch_size, False, split, progress,
                    max_steps=max_steps, report=report)


def _phase(report, **fields):
    """``report`` with ``fields`` (phase, epoch...) added to every event; None stays None."""
    return (lambda event: report({**fields, **event})) if report else None


# ------------------------------------------------------------------ checkpoints

def _save_checkpoint(mdir: ModelDir, model, optimizer, state: dict) -> None:
    """Write epoch N's weights and optimizer, then (the commit point) state.json; prune older ones."""
    ck = mdir.checkpoints
    epoch = state["epochs_done"]
    with atomic_path(ck / f"epoch-{epoch:04d}.weights.h5", suffix=".weights.h5") as tmp:
        model.save_weights(tmp)
    with atomic_path(ck / f"epoch-{epoch:04d}.optimizer.npz", suffix=".npz") as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, *[v.numpy() for v in optimizer.variables])
    if state.get("best_epoch") == epoch:
        with atomic_path(ck / "best.weights.h5", suffix=".weights.h5") as tmp:
            model.save_weights(tmp)
    write_json(ck / "state.json", state)
    for old in ck.glob("epoch-*"):
        if not old.name.startswith(f"epoch-{epoch:04d}."):
            old.unlink()


def _load_checkpoint(mdir: ModelDir, model, optimizer) -> dict | None:
    state = read_json(mdir.checkpoints / "state.json")
    if not state:
        return None
    epoch = state["epochs_done"]
    model.load_weights(mdir.checkpoints / f"epoch-{epoch:04d}.weights.h5")
    optimizer.build(model.trainable_variables)
    with np.load(mdir.checkpoints / f"epoch-{epoch:04d}.optimizer.npz") as saved:
        values = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    if len(values) != len(optimizer.variables):
        raise UserError(f"checkpoint in {mdir.checkpoints} does not match the optimizer; "
                        "retrain with --force")
    for var, val in zip(optimizer.variables, values):
        var.assign(val)
    return state


# ------------------------------------------------------------------ train

def train(cfg: ModelConfig, corpus, mdir: ModelDir, *, resume: bool = False,
          epochs: int | None = None, max_steps: int | None = None, progress: bool = True,
          log=print, report=None) -> TrainResult:
    """Train ``cfg`` on ``corpus``, checkpointing each epoch into ``mdir``; return history and metrics.

    ``epochs`` overrides the config's epoch count; ``max_steps`` caps batches per epoch (quick runs).
    ``report(event)``, if given, is called after every batch with a dict: ``phase`` (train,
    valid or test), ``epoch`` and ``epochs``, ``step`` and ``steps``, the batch's ``loss``,
    ``mean_loss`` so far, ``accuracy`` (classifiers), ``tokens`` and ``seconds``; and after
    every epoch with ``phase`` epoch and that epoch's history row.
    """
    num_classes = None if cfg.task == "language_model" else len(corpus.classes)
    model = build_model(cfg, len(corpus.vocab), num_classes)
    optimizer = make_optimizer(cfg)
    steps = _Steps(cfg, model, optimizer)
    n_epochs = epochs or cfg.train.epochs
    state = _load_checkpoint(mdir, model, optimizer) if resume else None
    if state is None:
        state = {"epochs_done": 0, "history": [], "best_epoch": None, "best_valid_loss": None}
    elif state["epochs_done"]:
        log(f"resuming {cfg.name} after epoch {state['epochs_done']} of {n_epochs}")
    history = state["history"]
    stopped_early = False
    for epoch in range(state["epochs_done"], n_epochs):
        lr = cfg.train.lr_schedule.learning_rate(cfg.train.optimizer.learning_rate, epoch)
        optimizer.learning_rate = lr
        keras.utils.set_random_seed(cfg.train.seed * 1000 + epoch)
        desc = f"epoch {epoch + 1}/{n_epochs}"
        where = dict(epoch=epoch + 1, epochs=n_epochs)
        if steps.lm:
            tr = _run_lm(steps, corpus.splits["train"], cfg.train.batch_size, cfg.train.seq_length,
                         True, desc, progress, max_steps, _phase(report, phase="train", **where))
        else:
            rng = np.random.default_rng(cfg.train.seed * 1000 + epoch)
            tr = _run_cls(steps, corpus.splits["train"], cfg.train.batch_size, True, desc, progress,
                          rng, max_steps, _phase(report, phase="train", **where))
        va = _evaluate(steps, corpus, "valid", progress, max_steps,
                       _phase(report, phase="valid", **where))
        row = {"epoch": epoch + 1, "learning_rate": lr,
               **{f"train_{k}": v for k, v in tr.items() if k != "tokens"},
               "train_tokens_per_s": tr["tokens"] / max(tr["seconds"], 1e-9),
               **{f"valid_{k}": v for k, v in va.items() if k not in ("tokens", "seconds")}}
        history.append(row)
        log(_format_row(row))
        if report:
            report({"phase": "epoch", "epochs": n_epochs, **row})
        best = state["best_valid_loss"]
        if best is None or va["loss"] < best:
            state["best_valid_loss"], state["best_epoch"] = va["loss"], epoch + 1
        state["epochs_done"] = epoch + 1
        _save_checkpoint(mdir, model, optimizer, state)
        mdir.write_history(history)
        patience = cfg.train.early_stopping
        if patience and state["epochs_done"] - state["best_epoch"] >= patience:
            log(f"early stopping: no better valid loss for {patience} epochs")
            stopped_early = True
            break
    best_path = mdir.checkpoints / "best.weights.h5"
    if best_path.exists():
        model.load_weights(best_path)
    metrics = {"best_epoch": state["best_epoch"], "epochs": state["epochs_done"]}
    for split in ("valid", "test"):
        if split == "valid" and state["best_epoch"] == len(history) and not stopped_early:
            last = history[-1]  # the best weights are the last ones: valid is already known
            res = {k[len("valid_"):]: v for k, v in last.items() if k.startswith("valid_")}
        else:
            res = _evaluate(steps, corpus, split, progress, max_steps,
                            _phase(report, phase=split, epoch=state["epochs_done"], epochs=n_epochs))
        metrics.update({f"{split}_{k}": v for k, v in res.items() if k not in ("tokens", "seconds")})
    with atomic_path(mdir.weights_path, suffix=".weights.h5") as tmp:
        model.save_weights(tmp)
    mdir.write_metrics(metrics)
    return TrainResult(history=history, metrics=metrics, stopped_early=stopped_early)


def _format_row(row: dict) -> str:
    parts = [f"epoch {row['epoch']}", f"lr {row['learning_rate']:.4g}"]
    for key in ("train_loss", "train_perplexity", "train_accuracy", "valid_loss", "valid_perplexity",
                "valid_accuracy"):
        if key in row:
            parts.append(f"{key.replace('_', ' ')} {row[key]:.4g}")
    parts.append(f"{row['train_tokens_per_s']:,.0f} tok/s")
    return " | ".join(parts)
