"""The demo, timed as a newcomer meets it: `manage.py demo` in an empty workspace, until the views
are served; then the first view in headless Chromium (is there structure beyond chance?), and
the background jobs that finish training, with the final test perplexities.

    .venv/bin/python benchmarks/bench_demo.py [--port 5099] [--no-wait]

Prints the time to the "serving at" line, the first view the server chooses (/api/start) and
its quality verdict, a screenshot (artifacts/screenshots/demo-first-view.png), and, unless
--no-wait, how long the background jobs take and the perplexities they reach. The workspace
is temporary and deleted at the end. `make demo`'s install time is not included: time
`rm -rf .venv && make setup` for it.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def get(url):
    with urllib.request.urlopen(url, timeout=120) as r:
        return json.loads(r.read())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=5099)
    p.add_argument("--no-wait", action="store_true", help="stop after the first view")
    args = p.parse_args()
    home = tempfile.mkdtemp(prefix="rnnvis-bench-demo-")
    env = {**os.environ, "RNNVIS_HOME": home, "TF_CPP_MIN_LOG_LEVEL": "3"}
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "demo", "--quiet",
                             "--port", str(args.port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for line in proc.stdout:
            if line.startswith(("I0000", "WARNING: All log", "E0000")):
                continue
            print(f"  [{time.perf_counter() - t0:6.1f} s] {line.rstrip()}", flush=True)
            if "serving at" in line:
                break
        served = time.perf_counter() - t0
        print(f"time to the views: {served:.0f} s (target: make demo within 5 min, install included)")
        start = get(f"{base}/api/start")
        print(f"first view: {json.dumps(start)}")
        shot = ROOT / "artifacts" / "screenshots" / "demo-first-view.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(base + "/")
            page.wait_for_selector(".view-main svg.cluster-svg", timeout=120_000)
            page.wait_for_selector(".view-main .quality .badge", timeout=60_000)
            badges = page.locator(".view-main .quality .badge").all_inner_texts()
            page.screenshot(path=str(shot))
            browser.close()
        print(f"first view's badges: {badges}; screenshot {shot.relative_to(ROOT)}")
        if args.no_wait:
            return
        while True:
            jobs = get(f"{base}/api/jobs")["jobs"]
            active = [j for j in jobs if j["status"] in ("queued", "running")]
            if not active:
                break
            time.sleep(10)
        print(f"background jobs done after {time.perf_counter() - t0:.0f} s: "
              + ", ".join(f"#{j['id']} {j['model']} {j['status']} {j.get('seconds') or 0:.0f} s" for j in jobs))
        for m in get(f"{base}/api/models")["models"]:
            print(f"  {m['name']}: {m['status']}, {json.dumps(m.get('metrics'))}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
