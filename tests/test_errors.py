"""Errors carry their structure in attributes: a field check names its field, a problem its code.

The loader locates a record's failed check by the error's ``field`` and tells kinds of problems
apart by ``Problem.code``; neither is read back out of a message.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

import vitk2
from vitk2 import Code, CodeSystem, Phase, Proportion, PValue, Quantity, Unit
from vitk2._errors import FieldError, FieldTypeError, FieldValueError

# What each check raises: the builtin class users catch, the field, and the message as it has
# always read.
CASES: list[tuple[str, Callable[[], object], type[Exception], str, str]] = [
    (
        "count below zero",
        lambda: Proportion(events=-1, total=10),
        ValueError,
        "events",
        "'events' must be a whole number >= 0 (got -1)",
    ),
    (
        "count as text",
        lambda: Proportion(events="5", total=10),  # type: ignore[arg-type]
        TypeError,
        "events",
        "'events' must be a whole number (got '5')",
    ),
    (
        "a check on one field naming another",
        lambda: Proportion(events=12, total=10),
        ValueError,
        "events",
        "'events' must be <= total (got 12 > 10)",
    ),
    (
        "a percentage out of range",
        lambda: Proportion(events=1, total=10, reported_percent=120.0),
        ValueError,
        "reported_percent",
        "'reported_percent' must be a percentage between 0 and 100 (got 120.0)",
    ),
    (
        "a code with a bad check digit",
        lambda: Code(system=CodeSystem.CAS, code="50-00-1"),
        ValueError,
        "code",
        "'code' must be a CAS number with a valid check digit (got '50-00-1')",
    ),
    (
        "a p-value above 1",
        lambda: PValue(value=1.5),
        ValueError,
        "value",
        "'value' must be between 0 and 1 (got 1.5)",
    ),
    (
        "counts that grow along a phase",
        lambda: Phase(id="p", name="p", doses=(), eligible=10, entered=12),
        ValueError,
        "entered",
        "'entered' must be <= eligible (got 12 > 10)",
    ),
    (
        "a quantity that is not finite",
        lambda: Quantity(float("inf"), Unit.MG),
        ValueError,
        "value",
        "'value' must be a finite number (got inf)",
    ),
]


@pytest.mark.parametrize(
    ("make", "builtin", "field", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_field_check_names_its_field_as_an_attribute(
    make: Callable[[], object], builtin: type[Exception], field: str, message: str
) -> None:
    with pytest.raises(builtin) as info:
        make()
    err = info.value
    assert isinstance(err, FieldError)
    assert err.field == field
    assert str(err) == message
    assert isinstance(err, FieldValueError if builtin is ValueError else FieldTypeError)


def test_a_field_error_pickles_with_its_field() -> None:
    err = FieldValueError("events", "'events' must be <= total (got 12 > 10)")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is FieldValueError
    assert (back.field, str(back), back.args) == (err.field, str(err), err.args)


HOSTILE = Path(__file__).resolve().parent / "hostile"

DOC = """
vitk2: 2
compounds:
  - id: mk4
    name: menatetrenone
    compound_class: vitamin K2
    family: vitamin K
"""


def _problems(text: str) -> tuple[vitk2.Problem, ...]:
    with pytest.raises(vitk2.ValidationError) as info:
        vitk2.loads(text, file="mine.yaml")
    return info.value.problems


def test_the_loader_places_a_problem_at_the_field_the_error_names() -> None:
    (problem,) = _problems(DOC.replace("family: vitamin K", "family: ' '"))
    assert problem.path == "compounds[0].family"
    assert problem.message == "'family' must be a non-empty string (got ' ')"


def test_a_message_that_starts_with_a_quoted_word_is_not_a_field() -> None:
    # Python's own message for a record given as a list starts with 'list'; no field of that
    # name is appended to the path.
    (problem,) = _problems("vitk2: 2\ncompounds:\n  - [mk4]\n")
    assert problem.path == "compounds[0]"
    assert problem.message.startswith("'list' ")


def test_a_dangling_id_is_told_by_its_code() -> None:
    doc = DOC + (
        "indications:\n"
        "  - id: child\n"
        "    name: Child\n"
        "    category: bone\n"
        "    parent: no-such-parent\n"
    )
    (problem,) = _problems(doc)
    assert problem.code == "dangling"
    assert problem.path == "indications[0].parent"


def test_a_dangling_reference_inside_a_record_is_told_by_its_code() -> None:
    text = (HOSTILE / "dangling-reference.yaml").read_text(encoding="utf-8")
    problems = _problems(text)
    assert [p.code for p in problems] == ["dangling"]
    assert problems[0].path == "studies[0].arms[0].regimen.doses[0].compound"


def test_an_unknown_field_and_a_missing_field_are_told_by_their_codes() -> None:
    (unknown,) = _problems(DOC.replace("family: vitamin K", "family: vitamin K\n    colour: red"))
    assert (unknown.path, unknown.code) == ("compounds[0].colour", "unknown-field")
    (missing,) = _problems(DOC.replace("    family: vitamin K\n", ""))
    assert (missing.path, missing.code) == ("compounds[0].family", "missing-field")
    assert missing.message == "missing required field"


def test_a_value_out_of_range_has_no_code() -> None:
    (problem,) = _problems(DOC.replace("family: vitamin K", "family: ' '"))
    assert problem.code is None


def test_a_problem_shortened_for_printing_keeps_its_code_and_place() -> None:
    from vitk2 import _io

    long = vitk2.Problem("f.yaml", "a" * 5000, "b" * 5000, line=3, column=7, code="dangling")
    short = _io._bounded(long)
    assert len(short.path) < 5000
    assert len(short.message) < 5000
    assert (short.code, short.line, short.column) == ("dangling", 3, 7)


def test_an_unknown_key_at_the_top_of_a_document_is_an_unknown_field() -> None:
    (problem,) = _problems(DOC + "colour: red\n")
    assert (problem.path, problem.code) == ("colour", "unknown-field")


def test_a_file_that_cannot_be_read_is_told_by_its_code(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    for where in (tmp_path / "missing.yaml", tmp_path / "folder.yaml"):
        with pytest.raises(vitk2.ValidationError) as info:
            vitk2.load_file(where)
        (problem,) = info.value.problems
        assert problem.code == "unreadable"
        assert problem.message.startswith("cannot read the file")
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 10)
    from vitk2 import _io

    with pytest.raises(vitk2.ValidationError) as info:
        _io._read_file(str(big), "big.json", "JSON", 5)
    assert info.value.problems[0].code is None  # too large is a limit, not unreadable


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("duplicate-ids.yaml", "duplicate-id"),
        ("circular-parents.yaml", "cycle"),
        ("citations-report-on-each-other.yaml", "cycle"),
    ],
)
def test_duplicate_ids_and_cycles_are_told_by_their_codes(name: str, code: str) -> None:
    text = (HOSTILE / name).read_text(encoding="utf-8")
    problems = _problems(text)
    assert problems
    assert problems[0].code == code
