"""``python -m directline``: the command-line client (see directline._cli)."""
import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
