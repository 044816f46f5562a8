"""``python -m tui`` is ``contui``."""

import sys

from tui.cli import main

sys.exit(main())
