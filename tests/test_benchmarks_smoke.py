"""The benchmark runner runs: a smoke test, with no timing asserted anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "benchmarks" / "run.py"

# Runs the runner as CI does, optionally with msgspec and pydantic made unimportable.
_LAUNCH = """
import runpy, sys
for name in sys.argv[1].split(","):
    if name:
        sys.modules[name] = None  # import raises ImportError, as if not installed
sys.argv = [sys.argv[2], "--quick"]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.slow
@pytest.mark.parametrize("hidden", ["", "msgspec,pydantic"], ids=["as-installed", "without-extras"])
def test_the_quick_benchmark_run_prints_its_table(hidden: str) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCH, hidden, str(RUNNER)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "| measure" in out
    for row in (
        "import vitk2",
        "vitk2.load() cold",
        "structuring only",
        "lookup: study by id",
        "export: to_rows",
        "export: to_csv",
        "content hash of the base",
        "compare(one indication), first ask",
    ):
        assert row in out, out
    same = [line for line in out.splitlines() if "==" in line]  # vitk2 builds what hand code does
    assert same
    assert all("| True " in line for line in same), same
    if hidden:
        assert "msgspec decode" not in out
        assert "not installed, columns skipped: msgspec, pydantic" in out
