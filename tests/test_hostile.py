"""Hostile files: each must fail with a located ValidationError, in bounded time and memory.

Every file in ``tests/hostile/`` is loaded with :func:`vitk2.load_file` in a child process
with a 20 s timeout (hang detection, not a benchmark) and a 2 GiB address-space limit (so a
regression fails instead of eating the machine; a crash such as a segmentation fault fails
too). ``tests/hostile/EXPECTED.yaml`` says what each must raise. Cases too large to commit are
generated into ``tmp_path`` and listed in :data:`GENERATED`.

Each file is also loaded in this process with ``base=`` an evidence base, which must come out
unchanged.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import vitk2
from vitk2._io import dump

HERE = Path(__file__).parent / "hostile"
EXPECTED: dict[str, dict[str, str]] = yaml.safe_load(
    (HERE / "EXPECTED.yaml").read_text(encoding="utf-8")
)
CORPUS = sorted(p.name for p in HERE.iterdir() if p.name != "EXPECTED.yaml")

TIMEOUT = 20.0  # seconds: a load that takes longer is a hang
MEMORY = 2 * 2**30  # bytes of address space for the child process
SRC = str(Path(vitk2.__file__).resolve().parent.parent)

# The template the committed corpus was cut from: each file breaks it in one way.
TEMPLATE = """\
vitk2: 1
dataset: {id: hostile-template, version: "1", date: 2024-01-31}
compounds:
  - id: menatetrenone
    name: menatetrenone
    compound_class: vitamin K2
    family: vitamin K
indications:
  - id: mds
    name: myelodysplastic syndrome
    category: haematology
  - id: mds-ra
    name: refractory anaemia
    category: haematology
    parent: mds
citations:
  - id: doe-2005
    kind: primary_article
    authors: [Doe J]
    title: A trial of menatetrenone in MDS
    year: 2005
studies:
  - id: doe-trial
    title: A single-arm trial of menatetrenone
    reports: [doe-2005]
    design: single_arm_trial
    indications: [mds]
    population: {description: adults with MDS, enrolled: 10}
    level: {ocebm: 4, certainty: low, rationale: no control group}
    arms:
      - id: vk2
        name: menatetrenone
        role: intervention
        size: 10
        regimen:
          doses:
            - {compound: menatetrenone, amount: 45 mg/day, route: oral}
          duration: 16 weeks
    findings:
      - id: doe-trial.response
        outcome: {name: haematologic improvement, kind: clinical}
        indication: mds
        group: vk2
        direction: benefit
        statistic: {kind: proportion, events: 5, total: 10}
        provenance:
          - {source: doe-2005, locator: "abstract, Results"}
"""

# --------------------------------------------------------------------------------------------
# Generated cases: name -> (content, expected)

MB = 2**20


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _deep_mapping(levels: int) -> str:
    return "".join(" " * i + "a:\n" for i in range(levels)) + " " * levels + "b: 1\n"


def _alias_chain(layers: int) -> str:
    """Aliases of aliases, each adding 30 levels: 3,000 levels from a 7 kB file."""
    lines = ["x:", "  - &a0 " + "[" * 30 + "]" * 30]
    lines += [f"  - &a{i} " + "[" * 30 + f"*a{i - 1}" + "]" * 30 for i in range(1, layers)]
    return "\n".join(lines) + f"\nvitk2: *a{layers - 1}\n"


def _structure_bomb(k: int) -> str:
    """k studies x k findings x k quotes from a 3 kB file, all through aliases."""
    header = [
        "x:",
        "  q: &q {source: doe-2005, locator: here}",
        "  p: &p [" + ", ".join(["*q"] * k) + "]",
        "  f: &f {id: doe-trial.r, outcome: {name: o, kind: clinical}, indication: mds,"
        " direction: benefit, statistic: {kind: narrative, summary: s}, provenance: *p}",
        "  fs: &fs [" + ", ".join(["*f"] * k) + "]",
    ]
    text = _replace_once(TEMPLATE, "vitk2: 1\n", "vitk2: 1\n" + "\n".join(header) + "\n")
    text = _replace_once(text, "    findings:\n", "    findings: *fs\n    old_findings:\n")
    text = _replace_once(text, "studies:\n  - id: doe-trial", "studies:\n  - &s\n    id: doe-trial")
    return text + "".join("  - *s\n" for _ in range(k))


GENERATED: dict[str, tuple[Callable[[], bytes], dict[str, str]]] = {
    "huge-string.yaml": (
        lambda: b"vitk2: 1\nx: " + b"a" * (50 * MB) + b"\n",
        {"error": "ValidationError", "path": "", "message": "larger than the yaml limit"},
    ),
    "huge-string.json": (
        lambda: b'{"vitk2": 1, "x": "' + b"a" * (50 * MB) + b'"}',
        {"error": "ValidationError", "path": "x", "message": "exceeds the limit of 100000"},
    ),
    "long-string.yaml": (
        lambda: b"vitk2: 1\nx: " + b"a" * MB + b"\n",
        {"error": "ValidationError", "path": "x", "message": "exceeds the limit of 100000"},
    ),
    "deep-flow.yaml": (
        lambda: b"x: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        {"error": "ValidationError", "path": "", "message": "nested more than 64 levels"},
    ),
    "deep-flow.json": (
        lambda: b'{"x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        {"error": "ValidationError", "path": "", "message": "nested too deeply"},
    ),
    # Was a segmentation fault: PyYAML's C composer recursed once per level.
    "deep-block-sequence.yaml": (
        lambda: b"- " * 100_000 + b"x\n",
        {"error": "ValidationError", "path": "", "message": "nested more than 64 levels"},
    ),
    "deep-block-mapping.yaml": (
        lambda: _deep_mapping(2_000).encode(),
        {"error": "ValidationError", "path": "", "message": "nested more than 64 levels"},
    ),
    # Was a RecursionError (the repr of a 3,000-level list in an error message).
    "deep-alias-chain.yaml": (
        lambda: _alias_chain(100).encode(),
        {"error": "ValidationError", "path": "x[", "message": "nested more than 64 levels"},
    ),
    # Was 17 s and more: 6 million quotes structured from a 3 kB file.
    "structure-bomb.yaml": (
        lambda: _structure_bomb(185).encode(),
        {"error": "ValidationError", "path": "", "message": "aliases expand the document"},
    ),
    # Was a hang: the quantity pattern backtracks quadratically on a long run of spaces.
    "quadratic-quantity.yaml": (
        lambda: _replace_once(
            TEMPLATE, "amount: 45 mg/day", "amount: '1 m" + " " * 99_000 + "g/day'"
        ).encode(),
        {
            "error": "ValidationError",
            "path": "doses[0].amount",
            "message": "expected a quantity such as",
        },
    ),
    # Was a hang: the p-value pattern backtracks quadratically on a long run of digits.
    "quadratic-p-value.yaml": (
        lambda: _replace_once(
            TEMPLATE,
            "{kind: proportion, events: 5, total: 10}",
            "{kind: effect, measure: risk_ratio, value: 0.87, p_value: '" + "1" * 99_000 + "x'}",
        ).encode(),
        {
            "error": "ValidationError",
            "path": "statistic.p_value",
            "message": "expected a p-value such as",
        },
    ),
}

# --------------------------------------------------------------------------------------------
# Loading in a child process

_WORKER = """
import pickle, resource, sys, traceback
path, out, memory = sys.argv[1], sys.argv[2], int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
import vitk2
try:
    vitk2.load_file(path)
    result = {"status": "loaded"}
except BaseException as exc:
    result = {
        "status": "raised",
        "type": type(exc).__name__,
        "vitk2_error": isinstance(exc, vitk2.Vitk2Error),
        "problems": [(p.file, p.path, p.message) for p in getattr(exc, "problems", ())],
        "traceback": traceback.format_exc()[-3000:],
    }
with open(out, "wb") as f:
    pickle.dump(result, f)
"""


def load_in_child(path: Path, tmp_path: Path) -> dict[str, Any]:
    """Load ``path`` in a child process with the time and memory limits; return the outcome."""
    out = tmp_path / "result.pickle"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _WORKER, str(path), str(out), str(MEMORY)],
            capture_output=True,
            timeout=TIMEOUT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading {path.name} did not finish within {TIMEOUT:.0f} s (a hang)")
    if proc.returncode != 0 or not out.exists():
        pytest.fail(
            f"loading {path.name} crashed the interpreter (exit {proc.returncode}):\n"
            + proc.stderr.decode(errors="replace")[-3000:]
        )
    result: dict[str, Any] = pickle.loads(out.read_bytes())
    return result


def check_outcome(result: dict[str, Any], path: Path, expected: dict[str, str]) -> None:
    """The outcome is the expected error, every problem names the file, one matches."""
    assert result["status"] == "raised", f"{path.name} loaded without an error"
    assert result["vitk2_error"], f"{path.name} escaped as {result['type']}:\n{result['traceback']}"
    error_class = getattr(vitk2, result["type"])
    assert issubclass(error_class, getattr(vitk2, expected["error"])), result["type"]
    problems = result["problems"]
    assert problems
    for file, _path, message in problems:
        assert file == str(path)
        assert message.strip()
    assert any(expected["path"] in p and expected["message"] in m for _f, p, m in problems), (
        f"no problem at {expected['path']!r} saying {expected['message']!r} in {problems}"
    )


# --------------------------------------------------------------------------------------------
# Tests


def test_the_corpus_and_its_expectations_match() -> None:
    assert sorted(EXPECTED) == CORPUS
    for name, expected in EXPECTED.items():
        assert set(expected) == {"error", "path", "message"}, name
        assert issubclass(getattr(vitk2, expected["error"]), vitk2.Vitk2Error), name
    assert not set(GENERATED) & set(CORPUS)


def test_the_template_the_corpus_was_cut_from_loads() -> None:
    base = vitk2.loads(TEMPLATE)
    assert [s.id for s in base.studies] == ["doe-trial"]


@pytest.mark.parametrize("name", CORPUS)
def test_hostile_file_fails_with_a_located_validation_error(name: str, tmp_path: Path) -> None:
    path = HERE / name
    check_outcome(load_in_child(path, tmp_path), path, EXPECTED[name])


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_hostile_file_fails_with_a_located_validation_error(
    name: str, tmp_path: Path
) -> None:
    make, expected = GENERATED[name]
    path = tmp_path / name
    path.write_bytes(make())
    check_outcome(load_in_child(path, tmp_path), path, expected)


def _base() -> vitk2.EvidenceBase:
    try:
        return vitk2.load()
    except Exception:  # the bundled data may be mid-rebuild in a checkout
        return vitk2.loads(TEMPLATE)


BASE = _base()


def _load_with_timeout(path: Path, base: vitk2.EvidenceBase) -> BaseException | None:
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            vitk2.load_file(path, base=base)
            outcome.append(None)
        except BaseException as exc:  # reported by the test
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    if worker.is_alive():
        pytest.fail(f"loading {path.name} with base= did not finish within {TIMEOUT:.0f} s")
    return outcome[0]


@pytest.mark.parametrize("name", CORPUS)
def test_a_failed_load_leaves_the_base_unchanged(name: str) -> None:
    before = dump(BASE, "json")
    error = _load_with_timeout(HERE / name, BASE)
    assert isinstance(error, vitk2.Vitk2Error), repr(error)
    assert dump(BASE, "json") == before
