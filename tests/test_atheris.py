"""The coverage-guided fuzzer runs: a bounded atheris session over the loader (vitk2[fuzz]).

The run must gain coverage of vitk2's own code. A harness that instruments nothing still
"passes" (libFuzzer reports no interesting inputs and shrinks the corpus to one byte), so the
test reads libFuzzer's own account of the run and fails when it saw too little of vitk2.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Edges that loading, writing back, hashing, comparing and exporting the bundled evidence
#: reach in vitk2's instrumented code (about 2,000 today); a harness that instruments only
#: ``vitk2/__init__.py`` reaches a few dozen.
MIN_EDGES = 1_200


def _libfuzzer_stats(stderr: str) -> tuple[int, int, int]:
    """(edges covered at start, edges at the end, corpus size at the end) from libFuzzer's log."""
    inited = re.search(r"INITED cov: (\d+) ft: \d+ corp: (\d+)", stderr)
    done = re.search(r"DONE\s+cov: (\d+) ft: \d+ corp: (\d+)", stderr)
    assert inited is not None, stderr[-3000:]
    assert done is not None, stderr[-3000:]
    return int(inited.group(1)), int(done.group(1)), int(done.group(2))


def test_the_stats_parser_reads_libfuzzer_lines() -> None:
    log = (
        "#115\tINITED cov: 2041 ft: 4548 corp: 84/2948Kb exec/s: 28 rss: 77Mb\n"
        "#3000\tDONE   cov: 2050 ft: 4600 corp: 94/3790Kb lim: 208726 exec/s: 176 rss: 77Mb\n"
    )
    assert _libfuzzer_stats(log) == (2041, 2050, 94)
    with pytest.raises(AssertionError):
        _libfuzzer_stats("INFO: A corpus is not provided, starting from an empty corpus\n")


def test_a_bounded_atheris_run_finds_no_crash_and_covers_vitk2(tmp_path: Path) -> None:
    pytest.importorskip(
        "atheris", reason="the fuzzer is an optional extra: pip install 'vitk2[fuzz]'"
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in [
        *(ROOT / "src" / "vitk2" / "data").glob("*.yaml"),
        ROOT / "src" / "vitk2" / "data" / "bundled.json",  # a whole base that loads alone
        *(ROOT / "tests" / "hostile").glob("*.json"),
        *(ROOT / "tests" / "hostile").glob("*.yaml"),
    ]:
        shutil.copy(seed, corpus / seed.name)
    seeds = len(list(corpus.iterdir()))
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
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Done 3000 runs" in proc.stderr
    assert "no interesting inputs" not in proc.stderr
    start, end, kept = _libfuzzer_stats(proc.stderr)
    assert start >= MIN_EDGES, f"the harness covers only {start} edges of vitk2"
    assert end >= start
    assert kept > seeds // 4, f"the corpus shrank to {kept} of {seeds} inputs"
