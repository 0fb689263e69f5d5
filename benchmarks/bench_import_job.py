"""Importing from the browser's side: uploading a model file into the imports folder, and an
import job against the same import in one process.

    .venv/bin/python benchmarks/bench_import_job.py [--repeats 3]

A 2x650 LSTM language model over the Penn Treebank vocabulary (random weights, a 75 MB
``.keras`` file, as in bench_import.py) is uploaded to a real ``manage.py serve`` (waitress on
127.0.0.1, a temporary workspace) with ``POST /api/imports`` (multipart; ``--repeats`` times,
with overwrite), and the server's peak memory (VmHWM) is read before and after. Then an import
job of that file (no corpus) is queued ``--repeats`` times (with force) and timed from the
request to its end as the API reports it, next to ``manage.py import`` of the same file (a
process of its own too, ``--repeats`` times) and ``import_model`` in this process once
TensorFlow is loaded (the import alone).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _request(url: str, data: bytes | None = None, content_type: str = "application/json"):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.loads(resp.read())


def _peak_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def upload(base: str, path: Path) -> float:
    """Seconds to upload ``path`` (replacing a file of its name)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    with open(path, "rb") as fh:
        boundary, body = encode_multipart({"file": FileStorage(fh, path.name)})
    t = time.perf_counter()
    _request(f"{base}/api/imports?overwrite=true", body, f"multipart/form-data; boundary={boundary}")
    return time.perf_counter() - t


def import_job(base: str, options: dict) -> tuple[float, dict]:
    """Seconds from queueing an import job to its end (polled every 0.1 s), and the job."""
    t = time.perf_counter()
    job = _request(f"{base}/api/jobs/import", json.dumps(options).encode())
    while job["status"] in ("queued", "running"):
        time.sleep(0.1)
        job = _request(f"{base}/api/jobs/{job['id']}")
    return time.perf_counter() - t, job


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    from benchmarks.bench_import import ptb_words, write_files
    from tests.server.browser_fixtures import Server

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        home, configs = tmp / "home", tmp / "config"
        configs.mkdir()
        os.environ["RNNVIS_HOME"] = str(home)
        words = ptb_words()
        vocab = tmp / "vocab.txt"
        vocab.write_text("\n".join(words) + "\n")
        model = write_files(tmp, len(words), kinds=("keras",))["keras"]
        mib = model.stat().st_size / 2**20
        print(f"2x650 LSTM LM, {model.name} {mib:.1f} MiB, vocabulary {len(words):,}; load average "
              f"{os.getloadavg()[0]:.2f} at start", flush=True)
        server = Server(home, configs, tmp / "server.log").wait()
        try:
            base = server.url
            before = _peak_mib(server.proc.pid)
            upload(base, vocab)
            runs = [upload(base, model) for _ in range(args.repeats)]
            after = _peak_mib(server.proc.pid)
            print(f"upload: {' / '.join(f'{r:.2f}' for r in runs)} s, median {statistics.median(runs):.2f} s "
                  f"= {mib / statistics.median(runs):.0f} MiB/s; server peak memory {before:.0f} -> "
                  f"{after:.0f} MiB", flush=True)
            options = {"kind": "keras", "path": model.name, "name": "bench-job", "vocab": vocab.name,
                       "force": True}
            jobs = []
            for _ in range(args.repeats):
                seconds, job = import_job(base, options)
                assert job["status"] == "done", job
                jobs.append(seconds)
            print(f"import job (queued -> done): {' / '.join(f'{r:.1f}' for r in jobs)} s, median "
                  f"{statistics.median(jobs):.1f} s", flush=True)
        finally:
            server.stop()
        cli = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            subprocess.run([sys.executable, "manage.py", "import", "keras", str(model), "--name",
                            "bench-cli", "--vocab", str(vocab), "--force", "--quiet"], cwd=ROOT,
                           check=True, stdout=subprocess.DEVNULL)
            cli.append(time.perf_counter() - t)
        print(f"manage.py import: {' / '.join(f'{r:.1f}' for r in cli)} s, median "
              f"{statistics.median(cli):.1f} s", flush=True)
        from rnnvis.importing import import_model

        quiet = lambda *a: None  # noqa: E731
        import_model("keras", str(model), "bench-direct", vocab=str(vocab), force=True, log=quiet)
        direct = []
        for _ in range(args.repeats):     # TensorFlow and Keras loaded: the import alone
            t = time.perf_counter()
            import_model("keras", str(model), "bench-direct", vocab=str(vocab), force=True, log=quiet)
            direct.append(time.perf_counter() - t)
        print(f"import_model in this process: {' / '.join(f'{r:.1f}' for r in direct)} s, median "
              f"{statistics.median(direct):.1f} s", flush=True)
        print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
