"""``python -m server`` runs the `flutter-tune` command line (the editor starts ``python -m server serve``)."""

import sys

from .cli import main

sys.exit(main())
