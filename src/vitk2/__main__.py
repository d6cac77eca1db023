"""``python -m vitk2``: the same command line as ``vitk2``."""

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
