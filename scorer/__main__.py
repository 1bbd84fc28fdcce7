"""The `scorer` command's entry (`scorer`, `python -m scorer`).

Ctrl-C while the command starts, before its imports are done, ends it as Ctrl-C
does later: exit status 130 and no traceback."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import app
    except KeyboardInterrupt:
        sys.exit(130)  # the shell's convention for SIGINT, as the commands exit
    app()


if __name__ == "__main__":
    main()
