"""The scripts in examples/ run from a clean process and print what they promise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def test_there_is_an_example_for_each_kind_of_user() -> None:
    names = {p.name for p in EXAMPLES.glob("*.py")}
    assert {"analyst_question.py", "embed_in_tool.py", "add_own_evidence.py"} <= names


def test_analyst_question(tmp_path: Path) -> None:
    out = run("analyst_question.py", cwd=tmp_path).stdout
    assert "Indication: myelodysplastic syndrome" in out
    assert "best evidence: OCEBM level" in out
    assert "certainty:" in out
    assert "Evidence for myelodysplastic syndrome" in out  # the comparison table
    assert "95% CI" in out
    assert "Regimen comparisons for myelodysplastic syndrome" in out
    assert "sequential phases of one arm" in out  # the refusal, with its reason
    assert "sha256" in out


def test_embed_in_tool(tmp_path: Path) -> None:
    out = run("embed_in_tool.py", "mds", "osteoporsis", cwd=tmp_path).stdout
    assert "'Glakay' is menatetrenone" in out
    assert "get() of an unknown study: None" in out
    assert "bad criterion: unknown design" in out
    # The JSON documents follow the plain lines: decode them one after the other.
    text = out[out.index("{") :]
    decoder = json.JSONDecoder()
    docs = []
    while text.strip():
        doc, end = decoder.raw_decode(text)
        docs.append(doc)
        text = text[end:].lstrip()
    assert [d["query"] for d in docs] == ["mds", "osteoporsis"]
    assert docs[0]["indication"]["id"] == "mds"
    assert docs[0]["lineage"]["content_hash"]
    assert "osteoporosis" in docs[1]["suggestions"]


def test_add_own_evidence(tmp_path: Path) -> None:
    out = run("add_own_evidence.py", cwd=tmp_path).stdout
    assert "with the example trial:" in out
    assert "<Study example-2025-mds Example 2025 single arm trial>" in out
    assert "example trial: 7/34" in out
    assert "pooled haematologic improvement" in out
    assert "example-2025-mds.response" in out
    assert "'events' must be <= total (got 70 > 34)" in out
    assert not list(tmp_path.iterdir()), "the example must clean up after itself"


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_every_example_runs(script: str, tmp_path: Path) -> None:
    run(script, cwd=tmp_path)
