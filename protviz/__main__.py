"""Entry point for ``python -m protviz``."""

import sys

from protviz.cli import main

sys.exit(main())
