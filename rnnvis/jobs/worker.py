"""The job process: ``python -m rnnvis.jobs.worker --job ID --parent PID --nice N KIND OPTIONS``.

It runs one job kind (``rnnvis.jobs.kinds``; the options are parsed from the kind's declared
parameters, as on the command line), niced below the server, and prints its log and, as
prefixed JSON lines, its progress. SIGTERM stops it cleanly: the running step ends in an
exception, so temporary files are removed, and checkpoints and state stores are only ever
renamed into place whole. It stops the same way when its parent (the server) dies.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

from ..errors import UserError
from .kinds import KINDS
from .progress import Reporter

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The job process's options, then one subcommand per job kind."""
    p = argparse.ArgumentParser(prog="python -m rnnvis.jobs.worker",
                                description="Run one rnnvis job (started by the job runner).")
    p.add_argument("--job", type=int, required=True, help="the job's number (for the log)")
    p.add_argument("--parent", type=int, required=True, help="stop when this process is gone")
    p.add_argument("--nice", type=int, default=0, help="lower the process's priority by N")
    # dest job_kind: an import job has an option called kind (its format)
    sub = p.add_subparsers(dest="job_kind", required=True, metavar="KIND")
    for kind in KINDS.values():
        kind.params.add_arguments(sub.add_parser(kind.name, help=kind.help))
    return p


def _stop(signum, frame):
    raise SystemExit(128 + signum)


def _watch_parent(parent: int) -> None:
    """Stop this process (as by SIGTERM) once ``parent`` is no longer its parent."""

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True, name="rnnvis-parent-watch").start()


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def main(argv=None) -> int:
    """Run the job; exit 0 when done, 2 on a user error (one ``error:`` line each)."""
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    _watch_parent(args.parent)
    if args.nice:
        os.nice(args.nice)
    kind = KINDS[args.job_kind]
    options = kind.params.from_namespace(args)
    log = lambda *parts: _write(" ".join(map(str, parts)) + "\n")  # noqa: E731
    log(f"job {args.job}: {kind.name} {' '.join(kind.params.to_argv(options))} "
        f"(process {os.getpid()}, nice {os.nice(0)})")
    reporter = Reporter(_write)
    try:
        kind.run(options, log, reporter)
    except UserError as exc:
        for line in getattr(exc, "errors", None) or [str(exc)]:
            log(f"error: {line}")
        return 2
    finally:
        reporter.flush()
    log(f"job {args.job}: finished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
