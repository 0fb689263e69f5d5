"""The package: a wheel built from the checkout and installed into a fresh virtualenv (and an
editable install) gives the `rnnvis` command, the server with its static files and the example
configs, with the defaults of an installed package.

The fresh virtualenvs have no pip and no packages of their own: a .pth line lends them the test
environment's site-packages for the dependencies (nothing is downloaded), and this environment's
pip installs into them with --python. The install resolves the wheel's declared dependencies
against what is there, so a dependency missing from requirements.txt fails it.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from rnnvis import __version__

ROOT = Path(__file__).resolve().parents[1]
SITE = sysconfig.get_paths()["purelib"]


def _run(cmd, cwd, env=None, timeout=600):
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=timeout)
    assert out.returncode == 0, f"{cmd}:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def _source_copy(dest: Path) -> Path:
    """The checkout's files that git knows (tracked, or new and not ignored), copied, so that a
    build writes its build/ and egg-info there and not in the checkout."""
    files = _run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], ROOT).stdout
    for name in filter(None, files.split("\0")):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def _fresh_venv(path: Path) -> Path:
    """A virtualenv without pip whose only outside path is the test environment's site-packages."""
    venv.EnvBuilder(with_pip=False).create(path)
    site = Path(sysconfig.get_paths(vars={"base": str(path), "platbase": str(path)})["purelib"])
    (site / "zz_test_dependencies.pth").write_text(SITE + "\n")
    return path / "bin"


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL", "RNNVIS_CONFIG_DIR", "VIRTUAL_ENV")}
    return {**env, "RNNVIS_HOME": str(home)}


_PROBE = """
import json, rnnvis, server
from rnnvis import locations
from server import STATIC, create_app
client = create_app({"PARALLEL_LAYOUTS": False}).test_client()
print(json.dumps({"rnnvis": rnnvis.__file__, "static": str(STATIC), "checkout": str(locations.checkout()),
                  "workspace": str(locations.workspace()), "config_dir": str(locations.config_dir()),
                  "examples": sorted(p.name for p in locations.example_configs().glob("*.yaml")),
                  "index": client.get("/").status_code, "main_js": client.get("/static/js/main.js").status_code,
                  "d3": client.get("/static/vendor/d3.min.js").status_code,
                  "version": client.get("/api/models").get_json()["version"]}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """rnnvis-VERSION-py3-none-any.whl, built (without build isolation: no download) from a copy."""
    src = _source_copy(tmp_path_factory.mktemp("src"))
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", dist, src], cwd=src)
    (path,) = dist.glob("rnnvis-*.whl")
    return path


def test_the_wheel_holds_the_code_the_front_end_and_the_configs(wheel):
    assert wheel.name == f"rnnvis-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("rnnvis/cli.py", "rnnvis/__main__.py", "rnnvis/analysis/cocluster/svd.py",
                 "server/api.py", "server/static/index.html", "server/static/js/main.js",
                 "server/static/js/data/urlstate.js", "server/static/css/app.css",
                 "server/static/vendor/d3.min.js", "rnnvis/configs/demo-lstm.yaml",
                 "rnnvis/configs/demo-gru.yaml"):
        assert path in names, path
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "static/", "config/"))]
    meta = zipfile.ZipFile(wheel).read(f"rnnvis-{__version__}.dist-info/METADATA").decode()
    requires = [line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Requires-Dist: ")]
    runtime = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    assert [r for r in requires if "extra ==" not in r] == runtime
    assert "Provides-Extra: dev" in meta and any(r.startswith("nbclient==") for r in requires)
    entry = zipfile.ZipFile(wheel).read(f"rnnvis-{__version__}.dist-info/entry_points.txt").decode()
    assert "rnnvis = rnnvis.cli:main" in entry


def test_the_wheel_installs_into_a_fresh_venv_and_runs(wheel, home, tmp_path):
    import json

    bin_dir = _fresh_venv(tmp_path / "venv")
    _run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--no-index",
          "--disable-pip-version-check", wheel], cwd=tmp_path)
    work = tmp_path / "work"        # a folder outside any checkout
    work.mkdir()
    env = _env(home)

    out = _run([bin_dir / "rnnvis", "--help"], work, env).stdout
    assert out.startswith("usage: rnnvis [-h] [--version] [--verbose] COMMAND")
    assert _run([bin_dir / "rnnvis", "--version"], work, env).stdout.strip() == f"rnnvis {__version__}"
    assert _run([bin_dir / "python", "-m", "rnnvis", "--version"], work, env).stdout.strip() == \
        f"rnnvis {__version__}"
    models = _run([bin_dir / "rnnvis", "models"], work, env)
    assert models.stderr == ""
    assert [line.split()[0] for line in models.stdout.splitlines()] == ["name", "----", "cls", "lm"]

    del env["RNNVIS_HOME"]          # the defaults of an installed package: the current folder
    probe = json.loads(_run([bin_dir / "python", "-c", _PROBE], work, env).stdout)
    installed = tmp_path / "venv" / "lib"
    assert Path(probe["rnnvis"]).is_relative_to(installed), probe
    assert Path(probe["static"]).is_relative_to(installed) and probe["static"].endswith("server/static")
    assert probe["checkout"] == "None"
    assert (probe["workspace"], probe["config_dir"]) == (str(work / "workspace"), str(work / "config"))
    assert {"demo-lstm.yaml", "demo-gru.yaml"} <= set(probe["examples"])
    assert (probe["index"], probe["main_js"], probe["d3"]) == (200, 200, 200)
    assert probe["version"] == __version__


def test_an_editable_install_uses_the_checkout(tmp_path):
    import json

    src = _source_copy(tmp_path / "src")
    bin_dir = _fresh_venv(tmp_path / "venv")
    _run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--no-index",
          "--no-build-isolation", "--no-deps", "--disable-pip-version-check", "-e", src], cwd=tmp_path)
    env = {k: v for k, v in _env(tmp_path).items() if k != "RNNVIS_HOME"}
    assert _run([bin_dir / "rnnvis", "--version"], tmp_path, env).stdout.strip() == f"rnnvis {__version__}"
    probe = json.loads(_run([bin_dir / "python", "-c", _PROBE], tmp_path, env).stdout)
    assert probe["rnnvis"] == str(src / "rnnvis" / "__init__.py")
    assert (probe["static"], probe["checkout"]) == (str(src / "static"), str(src))
    assert (probe["workspace"], probe["config_dir"]) == (str(src / "workspace"), str(src / "config"))
    assert (probe["index"], probe["main_js"]) == (200, 200)
