"""Packages for setuptools (the rest is in pyproject.toml): every package under rnnvis/ and
server/, plus two folders of package data that live elsewhere in the checkout: the front end
(static/ -> server/static/) and the example configs (config/ -> rnnvis/configs/)."""

from setuptools import find_packages, setup

DATA = {"server.static": "static", "rnnvis.configs": "config"}

setup(packages=find_packages(include=["rnnvis", "rnnvis.*", "server", "server.*"]) + list(DATA),
      package_dir=DATA)
