"""``python -m visitkit.cli``: the same as the ``visitkit`` script."""

import sys

from visitkit.cli import main

sys.exit(main())
