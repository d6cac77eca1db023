"""Hostile files: each must fail with a located ValidationError, in bounded time and memory.

Every file in ``tests/hostile/`` is loaded with :func:`vitk2.load_file` in a child process
with a 20 s timeout (hang detection, not a benchmark) and a 2 GiB address-space limit (so a
regression fails instead of eating the machine; a crash such as a segmentation fault fails
too). ``tests/hostile/EXPECTED.yaml`` says what each must raise. Cases too large to commit, and
impossible values the JSON Schema cannot see, are generated into ``tmp_path`` and listed in
:data:`GENERATED`; paths that are not regular files (a
FIFO, a device behind a symbolic link, a directory) are made there and listed in :data:`SPECIAL`.

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
vitk2: 2
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
    text = _replace_once(TEMPLATE, "vitk2: 2\n", "vitk2: 2\n" + "\n".join(header) + "\n")
    text = _replace_once(text, "    findings:\n", "    findings: *fs\n    old_findings:\n")
    text = _replace_once(text, "studies:\n  - id: doe-trial", "studies:\n  - &s\n    id: doe-trial")
    return text + "".join("  - *s\n" for _ in range(k))


def _template_with(*edits: tuple[str, str]) -> Callable[[], bytes]:
    """The template with each ``(old, new)`` edit made once."""

    def make() -> bytes:
        text = TEMPLATE
        for old, new in edits:
            text = _replace_once(text, old, new)
        return text.encode()

    return make


def _refused(path: str, message: str) -> dict[str, str]:
    return {"error": "ValidationError", "path": path, "message": message}


def _zeros(n: int, sep: bytes = b", ") -> bytes:
    """``n`` zeros separated by ``sep``."""
    return (b"0" + sep) * (n - 1) + b"0"


def _pad_to(data: bytes, size: int) -> bytes:
    """``data`` with a YAML comment making it ``size`` bytes long."""
    assert len(data) < size - 2
    return data + b"#" + b" " * (size - len(data) - 2) + b"\n"


GENERATED: dict[str, tuple[Callable[[], bytes], dict[str, str]]] = {
    "huge-string.yaml": (
        lambda: b"vitk2: 2\nx: " + b"a" * (50 * MB) + b"\n",
        {"error": "ValidationError", "path": "", "message": "larger than the yaml limit"},
    ),
    "huge-string.json": (
        lambda: b'{"vitk2": 2, "x": "' + b"a" * (50 * MB) + b'"}',
        {"error": "ValidationError", "path": "x", "message": "exceeds the limit of 100000"},
    ),
    "long-string.yaml": (
        lambda: b"vitk2: 2\nx: " + b"a" * MB + b"\n",
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
    # Was 230 s and 3.9 GB: 32 MB of YAML zeros, built before its shape was looked at.
    "zeros-list.yaml": (
        lambda: _pad_to(b"[" + _zeros(11_000_000) + b"]\n", 32 * MB - 64),
        {"error": "ValidationError", "path": "", "message": "expected a mapping with keys"},
    ),
    "zeros-block-list.yaml": (
        lambda: b"- " + _zeros(8_000_000, b"\n- ") + b"\n",
        {"error": "ValidationError", "path": "", "message": "expected a mapping with keys"},
    ),
    # A list of zeros under a key: a node for every 3 characters, where valid evidence has
    # one for every 10 or more.
    "zeros-in-a-mapping.yaml": (
        lambda: b"vitk2: 2\nstudies: [" + _zeros(1_000_001) + b"]\n",
        {
            "error": "ValidationError",
            "path": "studies[699999]",
            "message": "the document holds more than 700004 keys and values, the limit for",
        },
    ),
    "zeros-in-many-lists.yaml": (
        lambda: b"".join(b"x%d: [" % i + _zeros(999_999) + b"]\n" for i in range(3)),
        {
            "error": "ValidationError",
            "path": "x1[",
            "message": "keys and values, the limit for 9000006 characters of YAML",
        },
    ),
    "long-list.yaml": (
        lambda: b"vitk2: 2\nstudies: [" + _zeros(1_000_001, b"0000, ") + b"]\n",
        {
            "error": "ValidationError",
            "path": "studies[1000000]",
            "message": "a list of more than 1000000 items",
        },
    ),
    "long-list-in-a-record.yaml": (
        lambda: b"vitk2: 2\nstudies:\n  - arms: [" + _zeros(10_001, b"0000, ") + b"]\n",
        {
            "error": "ValidationError",
            "path": "studies[0].arms[10000]",
            "message": "a list of more than 10000 items",
        },
    ),
    # Was 283 s and 2.1 GB: 200 MB of JSON zeros.
    "zeros-list.json": (
        lambda: b"[" + _zeros(100 * MB, b",") + b"]",
        {"error": "ValidationError", "path": "", "message": "expected a mapping with keys"},
    ),
    "zeros-in-a-mapping.json": (
        lambda: b'{"vitk2": 2, "studies": [' + _zeros(25 * MB, b",") + b"]}",
        {
            "error": "ValidationError",
            "path": "",
            "message": "values or more, more than the limit of 20000000",
        },
    ),
    # A list aliasing one long string 1,000 times loaded, then exhausted the memory of every
    # writer (dump, the content hash, exports).
    "alias-long-string.yaml": (
        lambda: (
            b"vitk2: 2\ns: &s " + b"a" * 100_000 + b"\nx: [" + b", ".join([b"*s"] * 1000) + b"]\n"
        ),
        {
            "error": "ValidationError",
            "path": "x[10]",
            "message": "aliases expand the document by more than 1000000 characters",
        },
    ),
    # Impossible values the JSON Schema cannot see (a bound in any unit, the clock, a second
    # field): generated, because tests/test_schema.py expects each committed file whose problem
    # is in its shape to fail the schema.
    "age-of-900-years.yaml": (
        _template_with(("enrolled: 10}", "enrolled: 10, age: {measure: mean, value: 900 years}}")),
        _refused(
            "studies[0].population.age.value",
            "'value' must be an age between 0 and 130 years (got 900 year)",
        ),
    ),
    "dataset-dated-2099.yaml": (
        _template_with(("date: 2024-01-31", "date: 2099-01-31")),
        _refused("dataset.date", "cannot be dated in the future (got '2099-01-31')"),
    ),
    "published-in-2099.yaml": (
        _template_with(("year: 2005", "year: 2099")),
        _refused("citations[0].year", "a publication cannot be from the future (got 2099)"),
    ),
    "retraction-before-publication.yaml": (
        _template_with(
            ("year: 2005\n", "year: 2005\n    integrity: {status: retracted, date: 2003-05-01}\n")
        ),
        _refused(
            "citations[0].integrity",
            "'integrity' must not be dated before the publication it concerns",
        ),
    ),
    "notice-before-publication.yaml": (
        _template_with(
            (
                "year: 2005\n",
                "year: 2005\n    integrity: {status: retracted, notice: roe-2003}\n"
                "  - {id: roe-2003, kind: notice, year: 2003, reports_on: doe-2005}\n",
            )
        ),
        _refused(
            "citations[0].integrity.notice",
            "the notice 'roe-2003' must not be dated before the publication it concerns",
        ),
    ),
    "p-below-zero.yaml": (
        _template_with(
            (
                "{kind: proportion, events: 5, total: 10}",
                "{kind: effect, measure: risk_ratio, value: 0.87, p_value: '< 0'}",
            )
        ),
        _refused("studies[0].findings[0].statistic.p_value", "'p < 0' holds for none"),
    ),
    "p-above-one.yaml": (
        _template_with(
            (
                "{kind: proportion, events: 5, total: 10}",
                "{kind: effect, measure: risk_ratio, value: 0.87, p_value: '> 1'}",
            )
        ),
        _refused("studies[0].findings[0].statistic.p_value", "'p > 1' holds for none"),
    ),
    # Was an IndexError ('list index out of range'): the precision of '1e-05' was read from the
    # digits after a decimal point it does not have.
    "reported-percent-tiny.yaml": (
        _template_with(("total: 10}", "total: 10, reported_percent: 1e-05}")),
        _refused(
            "studies[0].findings[0].statistic.reported_percent",
            "must agree with 5/10 = 50 % at the reported precision (got 1e-05)",
        ),
    ),
}


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # no writer: opening it for reading blocks


def _link_to(device: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        if not os.path.exists(device):
            pytest.skip(f"no {device} here")
        path.symlink_to(device)

    return make


def _not_regular(kind: str) -> dict[str, str]:
    return {"error": "ValidationError", "path": "", "message": f"it is {kind}, not a regular file"}


# Paths that are not regular files: name -> (how to make it, expected)
SPECIAL: dict[str, tuple[Callable[[Path], None], dict[str, str]]] = {
    # Was a hang: st_size is 0 and the read blocked waiting for a writer.
    "fifo.yaml": (_fifo, _not_regular("a named pipe (FIFO)")),
    # Was read until memory ran out: st_size is 0 and the device never ends.
    "dev-zero.yaml": (_link_to("/dev/zero"), _not_regular("a character device")),
    "dev-urandom.json": (_link_to("/dev/urandom"), _not_regular("a character device")),
    "directory.yaml": (lambda path: path.mkdir(), _not_regular("a directory")),
}

# Files that fail only when loaded onto the bundled evidence: name -> (content, expected)
ON_BUNDLED: dict[str, tuple[str, dict[str, str]]] = {
    # Was '<merge>: compounds[0].id' with no file name, and the study using the record was
    # said to refer to a compound 'not in the base'.
    "redefines-a-bundled-compound.yaml": (
        _replace_once(
            _replace_once(TEMPLATE, "compound_class: vitamin K2", "compound_class: a vitamin"),
            "indications: [mds]",
            "indications: [osteoporosis]",
        ),
        {
            "error": "ValidationError",
            "path": "compounds[0].id",
            "message": "conflicting id 'menatetrenone': the base defines it differently",
        },
    ),
}

# --------------------------------------------------------------------------------------------
# Loading in a child process

_WORKER = """
import pickle, resource, sys, traceback
path, out, memory, on = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
import vitk2
try:
    vitk2.load_file(path, base=vitk2.load() if on == "bundled" else None)
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


def load_in_child(path: Path, tmp_path: Path, on: str = "nothing") -> dict[str, Any]:
    """Load ``path`` in a child process with the time and memory limits; return the outcome.

    With ``on="bundled"``, the file is loaded onto the bundled evidence (``base=``).
    """
    out = tmp_path / "result.pickle"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _WORKER, str(path), str(out), str(MEMORY), on],
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
    assert not set(SPECIAL) & (set(CORPUS) | set(GENERATED))
    assert not set(ON_BUNDLED) & (set(CORPUS) | set(GENERATED) | set(SPECIAL))


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


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_a_path_that_is_not_a_regular_file_fails_with_a_located_validation_error(
    name: str, tmp_path: Path
) -> None:
    make, expected = SPECIAL[name]
    path = tmp_path / name
    make(path)
    check_outcome(load_in_child(path, tmp_path), path, expected)


@pytest.mark.parametrize("name", sorted(ON_BUNDLED))
def test_a_file_loaded_onto_the_bundled_evidence_fails_with_a_located_validation_error(
    name: str, tmp_path: Path
) -> None:
    content, expected = ON_BUNDLED[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    check_outcome(load_in_child(path, tmp_path, on="bundled"), path, expected)


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
