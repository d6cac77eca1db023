"""``python -m vitk2``: the same command line as ``vitk2``."""

import sys

if __name__ == "__main__":
    try:
        from ._cli import main

        status = main()
    except KeyboardInterrupt:  # between the import and main's own handler
        sys.stderr.write("vitk2: interrupted\n")
        status = 130
    raise SystemExit(status)
