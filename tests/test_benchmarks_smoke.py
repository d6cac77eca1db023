"""The benchmark runner runs: a smoke test, with no timing asserted anywhere."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import vitk2

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "benchmarks" / "run.py"

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # type: ignore[import-not-found]  # noqa: E402 - the benchmarks' synthetic evidence

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
        "index: findings by indication and endpoint",
        "meta_analysis(indication + 4 subtypes, endpoint), fresh base",
        "meta_analysis(indication + 4 subtypes, endpoint), first ask",
        "meta_analysis(one indication, endpoint), first ask",
        "meta_analysis(one indication, endpoint), asked again (kept)",
        "summary(indication), fresh base",
        "summary(indication), first ask",
        "summary(indication), asked again (kept)",
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
    unvalidated = "with every validator of the model off (vs pydantic v2)"
    assert (unvalidated in out) is ("pydantic" not in hidden and _installed("pydantic")), out


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def test_a_generated_file_is_format_2_and_loads(tmp_path: Path) -> None:
    doc = generate.generate(300)
    assert doc == generate.generate(300)  # the same seed and size, the same document
    base = vitk2.load_file(generate.write(doc, tmp_path / "synthetic.json", "json"))
    assert len(base.studies) == 300
    assert {e.id for e in base.endpoints if e.parent} >= {"vertebral-fracture"}
    trials = [
        s
        for s in base.studies
        if s.design is vitk2.Design.RANDOMISED_CONTROLLED_TRIAL
        and any(isinstance(f.statistic, vitk2.ArmCounts) for f in s.findings)
    ]
    assert trials
    for s in trials:
        for f in s.findings:
            if isinstance(f.statistic, vitk2.ArmCounts):  # two arms in one finding
                assert f.comparator is not None
                assert f.comparator.group is not None
                assert {f.group, f.comparator.group} == set(f.statistic.groups)
    effects = [f.statistic for f in base.findings if isinstance(f.statistic, vitk2.Effect)]
    assert any(e.reference is not None for e in effects)
    reviews = [s for s in base.studies if s.includes]
    assert reviews
    ids = {s.id for s in base.studies}
    assert all(set(s.includes) <= ids for s in reviews)
    assert any(f.outcome.endpoint is None for f in base.findings)  # none forced where none fits
    assert any(
        isinstance(f.comparator, vitk2.Comparator) and f.comparator.description
        for f in base.findings
    )  # format 1's comparator in words still there
    # what the benchmarks ask of it has contrasts to pool
    assert base.meta_analysis("indication-02", "fracture", measure="RR").contrasts
