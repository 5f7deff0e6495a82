"""``python -m tinygrad4h03`` runs the command line."""

import sys

from .cli import main

sys.exit(main())
