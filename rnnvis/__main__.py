"""``python -m rnnvis COMMAND``: the same command line as ``rnnvis`` and ``manage.py``."""

import sys

from rnnvis.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m rnnvis"))
