"""`python -m pdec` is the `pdec` command."""

import sys

from pdec.cli import main

sys.exit(main())
