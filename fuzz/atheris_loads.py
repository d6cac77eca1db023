"""Coverage-guided fuzzing of vitk2's loader and what reads its output (``vitk2[fuzz]``).

    python fuzz/atheris_loads.py -runs=20000          # a bounded run
    python fuzz/atheris_loads.py -max_total_time=600  # ten minutes

Each input is tried as YAML and as JSON bytes. An input that loads is then written back
(YAML and JSON, which must load to an equal base), hashed, compared for every indication it
names, summarised, and exported (rows, CSV, FHIR). Anything but a vitk2 error is a crash that
atheris reports with the input that caused it. The seed inputs are the bundled YAML modules
and the hostile corpus of the test suite.

vitk2 imports its modules lazily (``import vitk2`` imports none of them), so every module of
the package is imported here, inside :func:`atheris.instrument_imports`: that is what gives
the fuzzer coverage of the code it runs. Modules imported later would be invisible to it.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import sys

import atheris

with atheris.instrument_imports(include=["vitk2"]):
    import vitk2

    MODULES = [
        importlib.import_module(f"vitk2.{info.name}")
        for info in pkgutil.iter_modules(vitk2.__path__)
        if info.name not in {"__main__", "_cli"}  # the command line is not what is fuzzed
    ]


def exercise(base: vitk2.EvidenceBase) -> None:
    """Everything a user does with a loaded base; only vitk2's own errors may escape."""
    for fmt in ("yaml", "json"):
        again = vitk2.loads(vitk2.dump(base, fmt), fmt, file="<round trip>")
        if again != base:
            raise AssertionError(f"a {fmt} round trip changed the base")
    _ = base.content_hash
    for indication in base.indications:
        with contextlib.suppress(vitk2.Vitk2Error):
            _ = str(base.compare(indication))
        with contextlib.suppress(vitk2.Vitk2Error):
            _ = str(base.compare_regimens(indication))
    _ = str(base.overview())
    _ = vitk2.to_csv(base)
    _ = vitk2.to_fhir(base)


def test_one_input(data: bytes) -> None:
    """Load ``data`` as YAML and as JSON, and exercise every base that loads."""
    for fmt in ("yaml", "json"):
        try:
            base = vitk2.loads(data, fmt, file="<fuzz>")
        except vitk2.Vitk2Error:
            continue
        exercise(base)


def main() -> None:
    """Run the fuzzer with the command line's libFuzzer options."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
