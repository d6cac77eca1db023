"""``python -m vitk2`` and the ``vitk2`` command: the same command line.

The command's entry point is `main` here rather than in ``vitk2._cli``: importing the command
line takes long enough for a Ctrl-C to land in it, and this module imports nothing before it
can answer one with a line and status 130.
"""

import sys


def main() -> int:
    """Run the command line on ``sys.argv``; the exit status."""
    try:
        from ._cli import main as cli_main

        return cli_main()
    except KeyboardInterrupt:  # between the import and the command line's own handler
        sys.stderr.write("vitk2: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
