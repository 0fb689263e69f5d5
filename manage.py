#!/usr/bin/env python
"""rnnvis command line: see `python manage.py --help`."""

import sys

from rnnvis.cli import main

if __name__ == "__main__":
    sys.exit(main())
