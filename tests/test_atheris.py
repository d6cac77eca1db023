"""The coverage-guided fuzzer runs: a bounded atheris session over the loader (vitk2[fuzz])."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_a_bounded_atheris_run_finds_no_crash(tmp_path: Path) -> None:
    pytest.importorskip(
        "atheris", reason="the fuzzer is an optional extra: pip install 'vitk2[fuzz]'"
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in [
        *(ROOT / "src" / "vitk2" / "data").glob("*.yaml"),
        *(ROOT / "tests" / "hostile").glob("*.json"),
    ]:
        shutil.copy(seed, corpus / seed.name)
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "fuzz" / "atheris_loads.py"),
            "-runs=3000",
            "-timeout=20",
            "-rss_limit_mb=2048",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Done 3000 runs" in proc.stderr
