"""Coverage-guided fuzzing of vitk2's loader with atheris (an optional extra: ``vitk2[fuzz]``).

    python fuzz/atheris_loads.py -runs=20000          # a bounded run
    python fuzz/atheris_loads.py -max_total_time=600  # ten minutes

Each input is tried as YAML and as JSON bytes; anything but a vitk2 error is a crash that
atheris reports with the input that caused it. The seed inputs are the bundled YAML modules
and the hostile corpus of the test suite.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    import vitk2


def test_one_input(data: bytes) -> None:
    """Load ``data`` as YAML and as JSON; only vitk2's own errors may escape."""
    for fmt in ("yaml", "json"):
        with contextlib.suppress(vitk2.Vitk2Error):
            vitk2.loads(data, fmt, file="<fuzz>")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
