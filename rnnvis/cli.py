"""The command line: ``python manage.py COMMAND``. User errors exit 2 with one line, no traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import UserError

__all__ = ["main", "build_parser"]

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIGS = ("demo-lstm.yaml", "demo-gru.yaml")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def cmd_validate(args) -> int:
    """Validate config files; print one line per error."""
    from .config import validate_files

    errors = validate_files(args.paths)
    for line in errors:
        print(line, file=sys.stderr)
    if not errors:
        print(f"{len(args.paths)} config(s) valid")
    return 2 if errors else 0


def cmd_train(args) -> int:
    """Train a model from its config."""
    from .manager import train_from_config

    result = train_from_config(args.config, resume=args.resume, force=args.force,
                               epochs=args.epochs, max_steps=args.max_steps,
                               progress=not args.quiet)
    print(_format_metrics(result.metrics))
    return 0


def _format_metrics(metrics: dict) -> str:
    keys = [k for k in ("valid_perplexity", "test_perplexity", "valid_accuracy", "test_accuracy",
                        "valid_loss", "test_loss") if k in metrics]
    return "final: " + ", ".join(f"{k} {metrics[k]:.4g}" for k in keys)


def cmd_models(args) -> int:
    """Print a table of stored models."""
    from .manager import model_rows

    rows = model_rows()
    if not rows:
        print("no models yet; train one with: python manage.py train config/demo-lstm.yaml")
        return 0
    print(format_table(rows))
    return 0


def format_table(rows: list[dict]) -> str:
    """The `models` table: name, cell, layers x units, task, dataset, status, metrics."""
    header = ("name", "cell", "layers", "task", "dataset", "status", "metrics")
    lines = []
    for r in rows:
        layers = r.get("layers") or []
        shape = f"{len(layers)}x{layers[0]}" if layers and len(set(layers)) == 1 else \
            "+".join(map(str, layers))
        metrics = ", ".join(f"{k.replace('_perplexity', ' ppl').replace('_accuracy', ' acc')} "
                            f"{v:.4g}" for k, v in (r.get("metrics") or {}).items()
                            if k.endswith(("perplexity", "accuracy")))
        lines.append((r["name"], r.get("cell", "?"), shape, r.get("task", "?"),
                      r.get("dataset", "?"), r["status"], metrics or r.get("error", "")))
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*map(str, line)) for line in lines])


def cmd_demo(args) -> int:
    """Train the demo models if missing, then report them."""
    from .manager import train_from_config
    from .store import model_dir
    from .config import load_config

    for name in DEMO_CONFIGS:
        path = ROOT / "config" / name
        cfg = load_config(path)
        mdir = model_dir(cfg.name)
        if mdir.status() in ("trained", "evaluated"):
            print(f"{cfg.name}: already trained")
            continue
        print(f"training {cfg.name} from {path.relative_to(ROOT)}")
        result = train_from_config(path, resume=mdir.exists(), progress=not args.quiet)
        print(f"{cfg.name}: {_format_metrics(result.metrics)}")
    return cmd_models(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    p = _Parser(prog="manage.py", description="rnnvis: train recurrent models and see what their "
                "hidden units learned. Models live under $RNNVIS_HOME (default ./workspace).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    s = sub.add_parser("validate", help="check config files (exit 2 with one line per error)",
                       description="Validate YAML model configs against the schema.")
    s.add_argument("paths", nargs="+", metavar="PATH", help="config files")
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("train", help="train a model from a config",
                       description="Train a model; checkpoints each epoch; --resume continues.")
    s.add_argument("config", metavar="PATH", help="YAML config file")
    s.add_argument("--resume", action="store_true", help="continue after the last finished epoch")
    s.add_argument("--force", action="store_true", help="delete an existing model of that name first")
    s.add_argument("--epochs", type=_positive, metavar="N", help="override train.epochs")
    s.add_argument("--max-steps", type=_positive, metavar="N", help="at most N batches per epoch")
    s.add_argument("--quiet", action="store_true", help="no progress bars")
    s.set_defaults(func=cmd_train)

    s = sub.add_parser("models", help="list stored models with status and metrics",
                       description="A table of stored models.")
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("demo", help="train the demo models if missing (what `make demo` runs)",
                       description="Train the demo models if they are missing, then list them.")
    s.add_argument("--quiet", action="store_true", help="no progress bars")
    s.set_defaults(func=cmd_demo)
    return p


def main(argv=None) -> int:
    """Run the CLI; return the exit code (2 on user errors, with one line on stderr)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        for line in getattr(exc, "errors", None) or [str(exc)]:
            print(f"error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished epochs are kept (resume with --resume)", file=sys.stderr)
        return 130
