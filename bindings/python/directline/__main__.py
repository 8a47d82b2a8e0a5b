"""``python -m directline``: runs the native ``directline`` command-line client this package
carries (the same program as the ``directline`` script, with the same arguments, output and
exit code)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["executable", "main"]


def executable() -> Path:
    """The native CLI inside the installed package (directline/bin/directline)."""
    return Path(__file__).resolve().parent / "bin" / "directline"


def main() -> int:
    """Execs the native CLI with this process's arguments; returns 1 only if it cannot run."""
    binary = executable()
    try:
        # Replaces this process: signals, stdin/stdout and the exit code are the CLI's own.
        os.execv(binary, [str(binary), *sys.argv[1:]])
    except OSError as e:
        sys.stderr.write(f"directline: cannot run {binary}: {e.strerror}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
