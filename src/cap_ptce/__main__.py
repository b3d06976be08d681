"""``python -m cap_ptce`` runs the command line."""

import sys

from .cli import main

sys.exit(main())
