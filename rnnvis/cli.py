"""The command line: ``python manage.py COMMAND``. User errors exit 2 with one line, no traceback."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from . import __version__, console
from .errors import UserError
from .locations import example_configs
from .params import Param, Params

__all__ = ["main", "build_parser"]

DEMO_CONFIGS = ("demo-lstm.yaml", "demo-gru.yaml")


SERVE_PARAMS = Params(
    Param("host", "str", "127.0.0.1", max_length=255,
          help="address to bind; anyone who can reach it can use the API"),
    Param("port", "int", 5000, min=1, max=65535, help="port"),
    Param("threads", "int", 4, min=1, max=64, help="worker threads"))
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
    from .modelling.manager import train_from_config

    from .modelling.manager import TRAIN_PARAMS

    result = train_from_config(args.config, **TRAIN_PARAMS.from_namespace(args),
                               progress=not args.quiet)
    print(_format_metrics(result.metrics))
    return 0


def _format_metrics(metrics: dict) -> str:
    keys = [k for k in ("valid_perplexity", "test_perplexity", "valid_accuracy", "test_accuracy",
                        "valid_loss", "test_loss") if k in metrics]
    return "final: " + ", ".join(f"{k} {metrics[k]:.4g}" for k in keys)


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
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*map(str, line)) for line in lines])


def cmd_import(args) -> int:
    """Import a Keras, ONNX or safetensors model, or LSTMVis states, as a model."""
    from .importing import IMPORT_PARAMS, import_model

    s = import_model(**IMPORT_PARAMS.from_namespace(args), log=(lambda *a: None) if args.quiet else print)
    metrics = f"; {_format_metrics(s.metrics)}" if s.metrics else ""
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
    """Serve the API and the browser views with waitress."""
    import waitress

    from server import create_app

    app = create_app()
    if app.config["PARALLEL_LAYOUTS"]:
        from .analysis.wordclouds import warm_pool

        warm_pool()
    # a plain `kill` ends the server like Ctrl+C, so the layout workers are shut down cleanly
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"rnnvis is serving at http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="rnnvis")
    return 0


def cmd_cocluster(args) -> int:
    """Co-cluster words and units of one layer; print the clusters or JSON."""
    import json

    from .analysis.coclusterview import COCLUSTER_PARAMS, cocluster_view

    view = cocluster_view(args.name, **COCLUSTER_PARAMS.from_namespace(args),
                          stability=True, parallel=True)
    if args.json:
        print(json.dumps(view))
        return 0
    print(format_clusters(view, args.words))
    return 0


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
    """Train and evaluate the demo models if missing, then serve the views."""
    from .modelling.manager import train_from_config
    from .modelling.modeldir import model_dir
    from .modelling.config import load_config

    for name in DEMO_CONFIGS:
        path = example_configs() / name
        cfg = load_config(path)
        mdir = model_dir(cfg.name)
        if mdir.status() in ("trained", "evaluated"):
            print(f"{cfg.name}: already trained")
            continue
        print(f"training {cfg.name} from {os.path.relpath(path)}")
        result = train_from_config(path, resume=mdir.exists(), progress=not args.quiet)
        print(f"{cfg.name}: {_format_metrics(result.metrics)}")
    from .recording.evaluation import evaluate_model

    for name in DEMO_CONFIGS:
        cfg = load_config(example_configs() / name)
        s = evaluate_model(cfg.name, progress=not args.quiet)
        print(f"{cfg.name}: {'evaluation up to date' if s.reused else f'evaluated {s.tokens:,} tokens'}")
    cmd_models(args)
    if args.no_serve:
        return 0
    return cmd_serve(args)


def cmd_evaluate(args) -> int:
    """Record a model's states over a split; store states and per-word responses."""
    from .recording.evaluation import EVALUATE_PARAMS, evaluate_model

    s = evaluate_model(args.name, **EVALUATE_PARAMS.from_namespace(args), store=not args.no_store,
                       progress=not args.quiet, force=args.force)
    if s.reused:
        print(f"{args.name}: evaluation is up to date ({s.path}, {s.tokens:,} tokens)")
    else:
        extra = ", ".join(f"{k} {v:.4g}" for k, v in s.metrics.items()
                          if k in ("perplexity", "accuracy"))
        print(f"{args.name}: recorded {s.tokens:,} tokens in {s.seconds:.1f} s "
              f"({s.tokens / max(s.seconds, 1e-9):,.0f} tok/s){', ' + extra if extra else ''} -> {s.path}")
    return 0


def cmd_units(args) -> int:
    """Rank the units of a layer and state kind by a contrast; print the best or JSON."""
    import json

    from .analysis.unitview import RANK_PARAMS, rank_units

    out = rank_units(args.name, **RANK_PARAMS.from_namespace(args))
    print(json.dumps(out) if args.json else format_ranking(out))
    return 0


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
    import json

    from .analysis.unitview import CONTEXT_PARAMS, top_contexts

    out = top_contexts(args.name, **CONTEXT_PARAMS.from_namespace(args))
    if args.json:
        print(json.dumps(out))
        return 0
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
    print("\n".join(lines))
    return 0


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

    s = sub.add_parser("serve", help="serve the browser views and the JSON API",
                       description="Serve the API (/api) and the views with waitress.")
    _serve_args(s)
    s.set_defaults(func=cmd_serve)

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
