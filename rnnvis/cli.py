"""The command line: ``python manage.py COMMAND``. User errors exit 2 with one line, no traceback."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys

from . import __version__, console
from .atomic import read_json, write_text
from .errors import UserError
from .locations import config_dir, example_configs
from .params import MODEL, Param, Params

__all__ = ["main", "build_parser"]

#: the demo's configs, and whether each trains a first look before the views are served (the
#: rest as a background job) or all at once (the counting task takes seconds)
DEMO_CONFIGS = {"demo-lstm.yaml": True, "demo-gru.yaml": True, "synthetic-counting.yaml": False}
FIRST_LOOK_STEPS = 300   # batches a demo language model trains before the views are served


SERVE_PARAMS = Params(
    Param("host", "str", "127.0.0.1", max_length=255,
          help="address to bind; anyone who can reach it can use the API and start jobs"),
    Param("port", "int", 5000, min=1, max=65535, help="port"),
    Param("threads", "int", 4, min=1, max=64, help="worker threads"),
    Param("jobs", "int", 1, min=0, max=8,
          help="jobs run at once, each in its own process (0: queue jobs, run none)"),
    Param("max_queued", "int", 20, min=1, max=1000, help="jobs that may wait at most"),
    Param("max_upload", "int", 512, min=1, max=16384, metavar="MIB",
          help="the largest file the browser may upload for an import, in MiB"),
    Param("token", "bool", False, help="on a shared machine: the API answers only requests "
                                       "with a random token, which the printed URL carries"))
SHOWN_WORDS = Param("words", "int", 12, min=1, max=1000, help="words shown per cluster")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def cmd_validate(args) -> int:
    """Validate config files; print one line per error."""
    from .modelling.config import validate_files

    errors = validate_files(args.paths)
    for line in errors:
        print(line, file=sys.stderr)
    if not errors:
        print(f"{len(args.paths)} config(s) valid")
    return 2 if errors else 0


def cmd_train(args) -> int:
    """Train a model from its config."""
    from .modelling.manager import TRAIN_PARAMS, format_metrics, train_from_config

    result = train_from_config(args.config, **TRAIN_PARAMS.from_namespace(args),
                               progress=not args.quiet)
    print(format_metrics(result.metrics))
    return 0


def cmd_models(args) -> int:
    """Print a table of stored models."""
    from .modelling.manager import model_rows

    rows = model_rows()
    if not rows:
        prog = getattr(args, "prog", "rnnvis")
        print(f"no models yet; `{prog} demo` trains the demo models, `{prog} train CONFIG` one model")
        return 0
    print(format_table(rows))
    return 0


def _columns(header: tuple, lines: list[tuple]) -> str:
    """A plain text table: the header, a rule, then one line per row, columns aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*map(str, line)).rstrip() for line in lines])


def format_table(rows: list[dict]) -> str:
    """The `models` table: name, cell, layers x units, task, dataset, source (trained or the
    imported format), status, metrics."""
    header = ("name", "cell", "layers", "task", "dataset", "source", "status", "metrics")
    lines = []
    for r in rows:
        layers = r.get("layers") or []
        shape = f"{len(layers)}x{layers[0]}" if layers and len(set(layers)) == 1 else \
            "+".join(map(str, layers))
        metrics = ", ".join(f"{k.replace('_perplexity', ' ppl').replace('_accuracy', ' acc')} "
                            f"{v:.4g}" for k, v in (r.get("metrics") or {}).items()
                            if k.endswith(("perplexity", "accuracy")))
        lines.append((r["name"], r.get("cell", "?"), shape, r.get("task", "?"),
                      r.get("dataset", "?"), r.get("source", "?"), r["status"],
                      metrics or r.get("error", "")))
    return _columns(header, lines)


def cmd_import(args) -> int:
    """Import a Keras, ONNX or safetensors model, or LSTMVis states, as a model."""
    from .importing import IMPORT_PARAMS, import_model
    from .modelling.manager import format_metrics

    s = import_model(**IMPORT_PARAMS.from_namespace(args), log=(lambda *a: None) if args.quiet else print)
    metrics = f"; {format_metrics(s.metrics)}" if s.metrics else ""
    shape = "+".join(map(str, s.layers))
    print(f"{s.name}: imported a {s.cell} {s.task.replace('_', ' ')} ({shape} units) from "
          f"{s.kind} in {s.seconds:.1f} s{metrics} -> {s.path}")
    if s.kind != "lstmvis":
        print(f"next: python manage.py evaluate {s.name}")
    return 0


def cmd_export(args) -> int:
    """Export a model's states for LSTMVis, or its weights as a .keras file."""
    from .importing import EXPORT_PARAMS, export_model

    out = export_model(**EXPORT_PARAMS.from_namespace(args))
    print(f"{args.name}: wrote {args.format} to {out}")
    return 0


def cmd_serve(args) -> int:
    """Serve the API and the browser views with waitress; run the job queue."""
    import waitress

    from server import create_app

    from .jobs.runner import Runner

    token = secrets.token_urlsafe(24) if args.token else None
    max_upload = args.max_upload << 20
    app = create_app({"JOBS_MAX_QUEUED": args.max_queued, "TOKEN": token,
                      "IMPORTS_MAX_BYTES": max_upload})
    if app.config["PARALLEL_LAYOUTS"]:
        from .analysis.wordclouds import warm_pool

        warm_pool()
    # a plain `kill` ends the server like Ctrl+C, so the layout workers and the running jobs
    # are stopped cleanly (the jobs become interrupted, resumable)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    runner = Runner(slots=args.jobs)
    if args.jobs and not runner.start():
        print("another server runs the jobs of this workspace; jobs queued here run there",
              flush=True)
    url = f"http://{args.host}:{args.port}/" + (f"?token={token}" if token else "")
    print(f"rnnvis is serving at {url}  (Ctrl+C to stop)", flush=True)
    try:
        # waitress refuses larger bodies itself (as plain text): leave the app room to say why
        waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="rnnvis",
                       max_request_body_size=2 * max_upload + (1 << 20))
    finally:
        runner.stop()
    return 0


def cmd_jobs(args) -> int:
    """List the job queue, cancel a job, or print a job's log."""
    from .jobs import queue

    if args.action == "log":
        print(queue.log(args.id, args.lines), end="")
        return 0
    if args.action == "cancel":
        return _cancel_job(args.id)
    out = queue.jobs()
    if not out["jobs"]:
        print("no jobs; start one from the Configs view of `python manage.py serve`, or import a "
              "model from its Jobs panel")
        return 0
    print(format_jobs(out["jobs"]))
    if not out["runner"] and any(j["status"] == "queued" for j in out["jobs"]):
        print("\nno runner: queued jobs start when `python manage.py serve` runs")
    return 0


def _cancel_job(job_id: int, wait: float = 30.0) -> int:
    """Cancel a job; for a running one, wait until the runner has stopped it."""
    import time

    from .jobs import queue

    job = queue.cancel(job_id)
    deadline = time.monotonic() + wait
    while job["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        job = queue.job(job_id)
    state = "still stopping" if job["status"] == "running" else job["status"]
    print(f"job {job_id} ({job['kind']} {job['model']}): {state}")
    return 0


def format_jobs(jobs: list[dict]) -> str:
    """The `jobs` table: number, kind, model, status, progress, time, and the error if any."""
    header = ("id", "kind", "model", "status", "progress", "time", "note")
    lines = []
    for j in jobs:
        p = j.get("progress") or {}
        done = f"{100 * p['fraction']:.0f}%" if p.get("fraction") is not None else ""
        if p.get("phase") and j["status"] == "running":
            where = f"epoch {p['epoch']}/{p['epochs']}" if "epoch" in p else \
                f"import: {p['stage']}" if p["phase"] == "import" else p["phase"]
            eta = f", eta {p['eta']:.0f} s" if p.get("eta") is not None else ""
            done = f"{where} {done}{eta}"
        status = "cancelling" if j["cancel_requested"] and j["status"] == "running" else j["status"]
        note = j.get("error") or ("resumable" if j.get("resumable") else "")
        lines.append((j["id"], j["kind"], j["model"], status, done, f"{j['seconds']:.0f} s",
                      note if len(note) <= 80 else note[:77] + "..."))
    return _columns(header, lines)


def _report(args, out: dict, text) -> int:
    """Print ``out`` as JSON with --json, else as ``text(out)``; exit 0."""
    import json

    print(json.dumps(out) if args.json else text(out))
    return 0


def cmd_cocluster(args) -> int:
    """Co-cluster words and units of one layer; print the clusters or JSON."""
    from .analysis.coclusterview import COCLUSTER_PARAMS, cocluster_view

    view = cocluster_view(args.name, **COCLUSTER_PARAMS.from_namespace(args),
                          stability=True, parallel=True)
    return _report(args, view, lambda v: format_clusters(v, args.words))


def format_clusters(view: dict, max_words: int = 12) -> str:
    """A readable report of a co-cluster view: words and units per cluster, links, quality."""
    q = view["quality"]

    def num(v):
        return "n/a" if v is None else f"{v:.3g}"

    lines = [f"{view['model']} layer {view['layer']} state {view['state']} mode {view['mode']}: "
             f"k={view['k']} (suggested {view['suggested_k']}), top {view['top_k']} words",
             f"quality: within/between {num(q['within_between'])}, seed ARI {num(q['seed_ari'])}, "
             f"bootstrap ARI {num(q['bootstrap_ari'])}"]
    links = {(l["word_cluster"], l["unit_cluster"]): l for l in view["links"]}
    for i, (words, units) in enumerate(zip(view["word_clusters"], view["unit_clusters"])):
        link = links[(i, i)]
        lines.append(f"cluster {i}: {len(words)} words, {len(units)} units, "
                     f"mean s {link['mean']:+.4f}, mean |s| {link['mean_abs']:.4f}")
        lines.append("  words: " + ", ".join(w["word"] for w in words[:max_words])
                     + (" ..." if len(words) > max_words else ""))
        lines.append("  units: " + ", ".join(map(str, units[:20])) + (" ..." if len(units) > 20 else ""))
    if view["dropped"]["words"] or view["dropped"]["units"]:
        lines.append(f"dropped (all zero): {len(view['dropped']['words'])} words, "
                     f"{len(view['dropped']['units'])} units")
    return "\n".join(lines)


def cmd_demo(args) -> int:
    """Prepare the demo models, then serve the views; language models train in two stages.

    A language model first trains one short epoch (FIRST_LOOK_STEPS batches), enough for a first
    look at its memory within minutes; the rest of its epochs are queued as a job that resumes
    from that checkpoint and re-evaluates, while the server already shows the first look. The
    Jobs panel shows the progress, and the views refresh when the job is done. Run again, it
    reuses what exists and queues only what is unfinished.
    """
    from .modelling.config import load_config
    from .modelling.manager import format_metrics, train_from_config
    from .modelling.modeldir import model_dir
    from .recording.evaluation import evaluate_model

    later = []
    for file, staged in DEMO_CONFIGS.items():
        path = _demo_config(file)
        cfg = load_config(path)
        mdir = model_dir(cfg.name)
        staged = staged and cfg.train.epochs > 1
        if mdir.status() not in ("trained", "evaluated"):
            print(f"training {cfg.name} from {os.path.relpath(path)}"
                  + (f" (a first look: {FIRST_LOOK_STEPS} batches)" if staged else ""))
            result = train_from_config(path, resume=mdir.exists(), progress=not args.quiet,
                                       **({"epochs": 1, "max_steps": FIRST_LOOK_STEPS}
                                          if staged else {}))
            print(f"{cfg.name}: {format_metrics(result.metrics)}")
        s = evaluate_model(cfg.name, progress=not args.quiet)
        print(f"{cfg.name}: {'evaluation up to date' if s.reused else f'evaluated {s.tokens:,} tokens'}")
        done = (read_json(mdir.checkpoints / "state.json") or {}).get("epochs_done", 0)
        if staged and done < cfg.train.epochs:
            later.append((file, cfg.name))
    cmd_models(args)
    if later and not args.no_serve:
        _queue_demo_training(later)
    if args.no_serve:
        return 0
    return cmd_serve(args)


def _demo_config(file: str):
    """The demo's config ``file`` in the config folder, where the Configs view and the jobs
    read it; copied there from the configs rnnvis ships when missing (an installed package
    starts from an empty ./config)."""
    path = config_dir() / file
    if not path.exists():
        write_text(path, (example_configs() / file).read_text(encoding="utf-8"))
    return path


def _queue_demo_training(models) -> None:
    """Queue (or resume) the jobs that finish training the demo models, once each."""
    from .jobs import queue

    active = {j["model"]: j for j in queue.jobs()["jobs"]
              if j["status"] in ("queued", "running", "interrupted")}
    for file, name in models:
        job = active.get(name)
        if job and job["status"] == "interrupted":
            queue.resume(job["id"])
        elif job is None:
            job = queue.submit("train-evaluate", {"config": file, "resume": True})
        print(f"{name}: the rest of its training runs as job {job['id']} while the views are "
              "served (see the Jobs panel; the views refresh when it is done)")


def cmd_evaluate(args) -> int:
    """Record a model's states over a split; store states and per-word responses."""
    from .recording.evaluation import EVALUATE_PARAMS, evaluate_model

    s = evaluate_model(args.name, **EVALUATE_PARAMS.from_namespace(args), store=not args.no_store,
                       progress=not args.quiet, force=args.force)
    print(s.text(args.name))
    return 0


def cmd_units(args) -> int:
    """Rank the units of a layer and state kind by a contrast; print the best or JSON."""
    from .analysis.unitview import RANK_PARAMS, rank_units

    return _report(args, rank_units(args.name, **RANK_PARAMS.from_namespace(args)), format_ranking)


def format_ranking(out: dict) -> str:
    """The `units` report: one line per unit, best first, with its scores and the n of each side."""
    head = (f"{out['model']} layer {out['layer']} state {out['state']}: units ranked by "
            f"{out['contrast']} {out['label_a']!r}")
    if out["score"] == "correlation":
        lines = [head + f" (Pearson r over {out['n_used']:,} of {out['n']:,} positions)",
                 "rank  unit        r"]
        lines += [f"{i + 1:>4}  {u['unit']:>4}  {u['r']:+.4f}" for i, u in enumerate(out["units"])]
        return "\n".join(lines)
    lines = [head + f" vs {out['label_b']!r} by {out['score']}; n = {out['n_a']:,} vs "
             f"{out['n_b']:,} (scored on {out['n_a_used']:,} vs {out['n_b_used']:,})",
             "rank  unit   score     AUC  Hellinger   mean a   mean b"]
    lines += [f"{i + 1:>4}  {u['unit']:>4}  {u['score']:.4f}  {u['auc']:.4f}  {u['hellinger']:9.4f}"
              f"  {u['mean_a']:+.4f}  {u['mean_b']:+.4f}" for i, u in enumerate(out["units"])]
    return "\n".join(lines)


def cmd_contexts(args) -> int:
    """Print a unit's strongest positive and negative contexts."""
    from .analysis.unitview import CONTEXT_PARAMS, top_contexts

    out = top_contexts(args.name, **CONTEXT_PARAMS.from_namespace(args))
    return _report(args, out, format_contexts)


def format_contexts(out: dict) -> str:
    """The `contexts` report: each context's value, position and window, the unit's token in
    brackets."""
    sep = "" if len(max(out["positive"][0]["tokens"], key=len, default="")) <= 1 else " "
    lines = [f"{out['model']} layer {out['layer']} state {out['state']} unit {out['unit']}: "
             f"mean {out['mean']:+.4f}, std {out['std']:.4f}, range "
             f"{out['histogram']['range'][0]:+.4f} .. {out['histogram']['range'][1]:+.4f}"]
    for sign in ("positive", "negative"):
        lines.append(f"strongest {sign}:")
        for c in out[sign]:
            words = list(c["tokens"])
            words[c["offset"]] = f"[{words[c['offset']]}]"
            lines.append(f"  {c['value']:+.4f}  @{c['position']:<8} {sep.join(words)}")
    return "\n".join(lines)


def cmd_graph(args) -> int:
    """Export the bipartite word-unit graph of one layer and state kind."""
    from .analysis.graph import bipartite_graph, write_graph
    from .recording.evaluation import open_evaluation

    ev = open_evaluation(args.name, args.split)
    res = ev.responses(args.layer, args.state)
    ids = res.top_words(args.words)
    words = [ev.tm.vocab.words[i] for i in ids]
    g = bipartite_graph(res.mean[ids], words, threshold=args.threshold, top_k=args.edges,
                        layer=args.layer, kind=args.state)
    write_graph(g, args.out)
    print(f"wrote {g.number_of_nodes()} nodes and {g.number_of_edges()} edges to {args.out}")
    return 0


def cmd_similarity(args) -> int:
    """Print the linear CKA between the layers of one model, or of two models, or JSON."""
    from .analysis.similarityview import SIMILARITY_PARAMS, similarity

    out = similarity(args.name, **SIMILARITY_PARAMS.from_namespace(args))
    return _report(args, out, format_similarity)


def format_similarity(out: dict) -> str:
    """The CKA matrix as a table, one row and column per layer (``model Ln``)."""
    labels = [f"{l['model']} L{l['layer']}" for l in out["layers"]]
    width = max(8, *map(len, labels))
    lines = [f"linear CKA of {out['kind']} over {out['tokens']:,} positions of the {out['split']} split",
             " " * width + "".join(f"  {x:>{width}}" for x in labels)]
    lines += [f"{label:<{width}}" + "".join(f"  {v:>{width}.3f}" for v in row)
              for label, row in zip(labels, out["cka"])]
    return "\n".join(lines)


def _model_args(s, params=None) -> None:
    """The model name as a positional argument, then ``params`` as options."""
    from .params import MODEL, Params

    (Params(MODEL) + (params or Params())).add_arguments(s, positional=("name",))


def _serve_args(s) -> None:
    SERVE_PARAMS.add_arguments(s)


VERBOSE_HELP = "show TensorFlow's log lines and Python warnings"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand (``prog``: the name in usage lines; default:
    how the program was called, e.g. ``rnnvis`` or ``manage.py``)."""
    p = _Parser(prog=prog, description="rnnvis: train recurrent models and see what their "
                "hidden units learned. Models live under $RNNVIS_HOME (default: workspace/ in "
                "the repository, or in the current folder when rnnvis is installed).")
    p.add_argument("--version", action="version", version=f"rnnvis {__version__}")
    p.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    # every command also takes --verbose after its name (SUPPRESS: absent keeps the global one)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    add_parser = sub.add_parser
    sub.add_parser = lambda *a, **k: add_parser(*a, parents=[common], **k)

    s = sub.add_parser("validate", help="check config files (exit 2 with one line per error)",
                       description="Validate YAML model configs against the schema.")
    s.add_argument("paths", nargs="+", metavar="PATH", help="config files")
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("train", help="train a model from a config",
                       description="Train a model; checkpoints each epoch; --resume continues.")
    from .modelling.manager import TRAIN_PARAMS

    s.add_argument("config", metavar="PATH", help="YAML config file")
    TRAIN_PARAMS.add_arguments(s)
    s.add_argument("--quiet", action="store_true", help="no progress bars")
    s.set_defaults(func=cmd_train)

    s = sub.add_parser("models", help="list stored models with status and metrics",
                       description="A table of stored models.")
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("evaluate", help="record every state of a trained model over a split",
                       description="Run a trained model over a split; store hidden/cell states "
                       "and gates (HDF5) and each unit's expected response to each word.")
    from .recording.evaluation import EVALUATE_PARAMS

    _model_args(s, EVALUATE_PARAMS)
    s.add_argument("--no-store", action="store_true",
                   help="keep only the per-word aggregates, not per-token states")
    s.add_argument("--force", action="store_true", help="rebuild even if up to date")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("graph", help="export the bipartite word-unit graph (GraphML or JSON)",
                       description="Export words x units of one layer as a bipartite graph "
                       "with signed edge weights s_i(w).")
    from .analysis.graph import GRAPH_PARAMS

    _model_args(s, GRAPH_PARAMS)
    s.set_defaults(func=cmd_graph)

    s = sub.add_parser("cocluster", help="co-cluster words and units of one layer",
                       description="Spectral co-clustering of the top-K words x units of one "
                       "layer and state kind; prints the clusters, block strengths and quality.")
    from .analysis.coclusterview import COCLUSTER_PARAMS

    _model_args(s, COCLUSTER_PARAMS)
    SHOWN_WORDS.add_argument(s)
    s.add_argument("--json", action="store_true", help="print the full result as JSON")
    s.set_defaults(func=cmd_cocluster)

    s = sub.add_parser("import", help="import a Keras, ONNX or safetensors model, or LSTMVis "
                       "states, as a model",
                       description="Import a recurrent model trained elsewhere (Keras .keras, "
                       "ONNX, PyTorch safetensors) or LSTMVis states (states-only) as model "
                       "NAME; nothing is written unless the import succeeds.")
    from .importing import EXPORT_PARAMS, IMPORT_PARAMS

    IMPORT_PARAMS.add_arguments(s, positional=("kind", "path"))
    s.add_argument("--quiet", action="store_true", help="no progress messages")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="export a model's states for LSTMVis, or its weights as "
                       ".keras", description="Write a model's recorded states and words in "
                       "LSTMVis's layout (--format lstmvis --out DIR), or its weights as a "
                       "Keras file (--format keras --out FILE.keras).")
    EXPORT_PARAMS.add_arguments(s, positional=("name",))
    s.set_defaults(func=cmd_export)

    from .analysis.unitview import CONTEXT_PARAMS, RANK_PARAMS

    s = sub.add_parser("units", help="rank the units of a layer by a contrast or a target",
                       description="Rank every unit of one layer and state kind by how well it "
                       "separates two sets of positions (--rank words|word|pair|pattern|class|"
                       "class_tokens, with --a and --b) or follows a per-token target "
                       "(--rank target --a 'count a b'). See the README's Units section.")
    _model_args(s, RANK_PARAMS)
    s.add_argument("--json", action="store_true", help="print the full result as JSON")
    s.set_defaults(func=cmd_units)

    s = sub.add_parser("contexts", help="a unit's strongest positive and negative contexts",
                       description="The k positions where a unit is most positive and most "
                       "negative, each with its window of tokens (the unit's value in the "
                       "middle, in brackets).")
    _model_args(s, CONTEXT_PARAMS)
    s.add_argument("--json", action="store_true", help="print the full result as JSON")
    s.set_defaults(func=cmd_contexts)

    s = sub.add_parser("similarity", help="linear CKA between the layers of one or two models",
                       description="Linear CKA (Kornblith et al. 2019) between every pair of layers "
                       "of one model, or of two models evaluated on the same tokens (same "
                       "vocabulary and split), streamed over the stored states.")
    from .analysis.similarityview import SIMILARITY_PARAMS

    (Params(MODEL) + SIMILARITY_PARAMS).add_arguments(s, positional=("name", "other"))
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.set_defaults(func=cmd_similarity)

    s = sub.add_parser("serve", help="serve the browser views and the JSON API",
                       description="Serve the API (/api) and the views with waitress, and run "
                       "the jobs queued from the browser, each in its own process.")
    _serve_args(s)
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("jobs", help="list the job queue; `jobs cancel ID`, `jobs log ID`",
                       description="The job queue of `serve`: train, evaluate and import runs "
                       "started from the browser. Without an action, list it.")
    s.set_defaults(func=cmd_jobs, action="list")
    actions = s.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    from .jobs.queue import JOB_ID, LOG_PARAMS

    actions.add_parser("list", help="the queue: active jobs in order, then the latest others")
    a = actions.add_parser("cancel", help="cancel a waiting job, or stop a running one")
    Params(JOB_ID).add_arguments(a, positional=("id",))
    a = actions.add_parser("log", help="print a job's log")
    LOG_PARAMS.add_arguments(a, positional=("id",))

    s = sub.add_parser("demo", help="train and evaluate the demo models if missing, then serve "
                       "(what `make demo` runs)",
                       description="Train and evaluate the demo models if they are missing, "
                       "then serve the views.")
    s.add_argument("--quiet", action="store_true", help="no progress bars")
    s.add_argument("--no-serve", action="store_true", help="prepare the models, do not serve")
    _serve_args(s)
    s.set_defaults(func=cmd_demo)
    return p


def main(argv=None, prog: str | None = None) -> int:
    """Run the CLI; return the exit code (2 on user errors, with one line on stderr).

    Quiet unless ``--verbose``: no TensorFlow log lines, no Python warnings (rnnvis.console).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:   # answered before the parser imports the library (~2 s)
        print(f"rnnvis {__version__}")
        return 0
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2, already printed in one line)
        return int(exc.code or 0)
    args.prog = parser.prog
    was_verbose = console.set_verbose(args.verbose or console.verbose())
    try:
        with console.quiet_warnings():
            return args.func(args)
    except UserError as exc:
        for line in getattr(exc, "errors", None) or [str(exc)]:
            print(f"error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished epochs are kept (resume with --resume)", file=sys.stderr)
        return 130
    finally:
        console.set_verbose(was_verbose)
