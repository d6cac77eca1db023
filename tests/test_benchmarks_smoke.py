"""The benchmark runner runs: a smoke test, with no timing asserted anywhere."""

from __future__ import annotations

import importlib.util
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
@pytest.mark.parametrize(
    "hidden",
    ["", "msgspec", "msgspec,pydantic"],
    ids=["as-installed", "without-msgspec", "without-peers"],
)
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
        "export: to_fhir",
        "content hash of the base",
        "compare(one indication), first ask",
        "load, fresh processes: load_file(JSON) (vs json.loads + hand-built)",
        "peak memory of load_file(JSON), fresh process (vs the file)",
        "memory kept per study, fresh processes (vs hand-built)",
    ):
        assert row in out, out
    same = [line for line in out.splitlines() if "==" in line]  # vitk2 builds what hand code does
    assert same
    assert all("| True " in line for line in same), same
    peers = {"msgspec": "(vs msgspec decode)", "pydantic": "(vs pydantic v2 validate_json)"}
    for peer, row in peers.items():
        note = f"note: {peer} is not installed"
        if peer in hidden.split(","):
            assert row not in out, out
            assert note in out, out
        elif _installed(peer):  # each peer is measured without the other
            assert row in out, out
            assert note not in out, out


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None
