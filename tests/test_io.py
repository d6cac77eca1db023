"""Reading and writing: every bad input becomes a ValidationError naming file, path and expectation."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import vitk2
from vitk2 import ValidationError

GOOD = textwrap.dedent(
    """\
    vitk2: 2
    compounds:
      - {id: mk4, name: menatetrenone, compound_class: vitamin K2, family: vitamin K}
    indications:
      - {id: mds, name: myelodysplastic syndrome, category: haematology}
      - {id: mds-ra, name: refractory anaemia, category: haematology, parent: mds}
    citations:
      - {id: trial-2020, kind: primary_article, authors: [Doe J], title: A trial, journal: J, year: 2020}
    studies:
      - id: trial
        title: A small trial
        reports: [trial-2020]
        design: randomised_controlled_trial
        indications: [mds-ra]
        population: {description: Adults with RA, enrolled: 40}
        level: {ocebm: 2, rationale: A small randomised trial.}
        arms:
          - id: k2
            name: MK-4
            role: intervention
            size: 20
            regimen:
              doses: [{compound: mk4, amount: 45 mg/day, route: oral}]
              duration: 16 week
          - {id: control, name: no treatment, role: control, size: 20}
        findings:
          - id: trial.k2.response
            outcome: {name: haematologic improvement, kind: surrogate}
            indication: mds-ra
            group: k2
            statistic: {kind: proportion, events: 6, total: 20}
            direction: benefit
            provenance: [{source: trial-2020, locator: "abstract, Results"}]
    """
)


def load_with(path_value: str, replacement: str) -> ValidationError:
    text = GOOD.replace(path_value, replacement)
    assert text != GOOD, f"{path_value!r} not in the document"
    with pytest.raises(ValidationError) as err:
        vitk2.loads(text, file="trial.yaml")
    return err.value


def load_error(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        vitk2.loads(text)
    return err.value


def only(err: ValidationError) -> vitk2.Problem:
    assert len(err.problems) == 1, err.problems
    return err.problems[0]


def test_the_good_document_loads_and_references_resolve() -> None:
    base = vitk2.loads(GOOD)
    finding = base.finding("trial.k2.response")
    (dose,) = base.doses_of(finding)
    assert dose.compound.name == "menatetrenone"  # walk from a finding to its compound's name
    assert base.study_of(finding).reports[0].title == "A trial"
    assert base.parent("mds-ra") == base.indication("mds")


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            "events: 6, total: 20",
            "events: 26, total: 20",
            "studies[0].findings[0].statistic.events",
            "'events' must be <= total (got 26 > 20)",
        ),
        (
            "events: 6,",
            "events: -6,",
            "studies[0].findings[0].statistic.events",
            "a whole number >= 0",
        ),
        (
            "events: 6,",
            "events: 6.5,",
            "studies[0].findings[0].statistic.events",
            "expected a whole number",
        ),
        (
            "events: 6,",
            "events: '6',",
            "studies[0].findings[0].statistic.events",
            "expected a whole number (got '6')",
        ),
        ("enrolled: 40", "enrolled: .nan", "studies[0].population.enrolled", "finite number"),
        (
            "amount: 45 mg/day",
            "amount: 45 mgg/day",
            "studies[0].arms[0].regimen.doses[0].amount",
            "expected a unit",
        ),
        (
            "amount: 45 mg/day",
            "amount: 45 week",
            "studies[0].arms[0].regimen.doses[0].amount",
            "'amount' must be a mass",
        ),
        (
            "compound: mk4,",
            "compound: mk5,",
            "studies[0].arms[0].regimen.doses[0].compound",
            "unknown compound id 'mk5'; did you mean 'mk4'?",
        ),
        (
            "design: randomised_controlled_trial",
            "design: rtc",
            "studies[0].design",
            "expected one of in_vitro",
        ),
        (
            "role: control,",
            "role: control, colour: red,",
            "studies[0].arms[1].colour",
            "unknown field",
        ),
        ("    title: A small trial\n", "", "studies[0].title", "missing required field"),
        (
            "kind: surrogate",
            "kind: 5",
            "studies[0].findings[0].outcome.kind",
            "expected one of clinical",
        ),
        ("year: 2020", "year: 1066", "citations[0].year", "a year between 1800 and 2100"),
        (
            "group: k2",
            "group: nowhere",
            "studies[0].findings[0].group",
            "'nowhere' is not a group or phase",
        ),
        ("parent: mds}", "parent: mdx}", "indications[1].parent", "unknown indication id 'mdx'"),
    ],
)
def test_each_bad_value_is_located_and_explained(
    old: str, new: str, path: str, message: str
) -> None:
    problem = only(load_with(old, new))
    assert problem.file == "trial.yaml"
    assert problem.path == path
    assert message in problem.message


def test_every_problem_is_reported_in_one_pass() -> None:
    text = GOOD.replace("events: 6,", "events: -1,").replace(
        "design: randomised", "design: x_randomised"
    )
    text = text.replace("compound: mk4,", "compound: nope,")
    with pytest.raises(ValidationError) as err:
        vitk2.loads(text, file="t.yaml")
    paths = {p.path for p in err.value.problems}
    assert {"studies[0].design", "studies[0].arms[0].regimen.doses[0].compound"} <= paths
    assert "3 problems" in str(err.value) or len(err.value.problems) >= 3


def test_duplicate_ids_name_both_places() -> None:
    text = GOOD.replace(
        "  - {id: mds-ra,", "  - {id: mds, name: again, category: haematology}\n  - {id: mds-ra,"
    )
    problem = only(load_error(text))
    assert problem.path == "indications[1].id"
    assert "duplicate id 'mds' (first defined at indications[0])" in problem.message


def test_circular_parents_are_refused() -> None:
    text = GOOD.replace("category: haematology}\n", "category: haematology, parent: mds-ra}\n", 1)
    err = load_error(text)
    assert any(
        "circular parent indications: mds -> mds-ra -> mds" in p.message for p in err.problems
    )


def test_duplicate_keys_are_data_loss_and_refused() -> None:
    text = GOOD.replace(
        "design: randomised_controlled_trial",
        "design: randomised_controlled_trial\n    design: cohort",
    )
    problem = only(load_error(text))
    assert "duplicate key 'design'" in problem.message
    assert problem.path.startswith("line ")


def test_json_duplicate_keys_and_nan_are_refused() -> None:
    with pytest.raises(ValidationError, match="duplicate key 'a'"):
        vitk2.loads('{"a": 1, "a": 2}', "json")
    with pytest.raises(ValidationError, match="NaN is not a number"):
        vitk2.loads('{"studies": [NaN]}', "json")


def test_yaml_tags_never_run() -> None:
    with pytest.raises(ValidationError, match="YAML tags are not allowed"):
        vitk2.loads("!!python/object/apply:os.system ['echo hi']")


def test_alias_bombs_fail_fast() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    with pytest.raises(ValidationError, match="alias bomb"):
        vitk2.loads("\n".join(lines))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the document is empty"),
        ("# only a comment\n", "nothing but comments"),
        ("[1, 2]", "expected a mapping"),
    ],
)
def test_empty_and_shapeless_documents(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        vitk2.loads(text)


def test_non_utf8_and_utf16_bytes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"vitk2: 2\ncompounds: [\xff]\n")
    with pytest.raises(ValidationError, match="expected UTF-8 text") as err:
        vitk2.load_file(bad)
    assert err.value.problems[0].file == str(bad)
    bad.write_bytes("vitk2: 2\n".encode("utf-16"))
    with pytest.raises(ValidationError, match="UTF-16"):
        vitk2.load_file(bad)


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    f = tmp_path / "bom.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert vitk2.load_file(f) == vitk2.loads(GOOD)


def test_load_file_reports_unreadable_and_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read the file"):
        vitk2.load_file(tmp_path / "missing.yaml")
    with pytest.raises(ValidationError, match="cannot tell the format"):
        vitk2.load_file(tmp_path / "data.txt")


def test_round_trip_yaml_and_json(tmp_path: Path) -> None:
    base = vitk2.loads(GOOD)
    assert vitk2.loads(vitk2.dump(base)) == base
    assert vitk2.loads(vitk2.dump(base, "json"), "json") == base
    path = tmp_path / "out.json"
    path.write_text(vitk2.dump(base, "json"), encoding="utf-8")
    assert vitk2.load_file(path) == base
    assert json.loads(vitk2.dump(base, "json"))["vitk2"] == 2


def test_round_trip_of_single_objects() -> None:
    base = vitk2.loads(GOOD)
    study = base.study("trial")
    assert vitk2.loads(vitk2.dump(study), as_type=vitk2.Study, base=base) == study
    stat = study.findings[0].statistic
    assert vitk2.loads(vitk2.dump(stat, "json"), "json", as_type=vitk2.Proportion) == stat


def test_the_bundled_base_round_trips() -> None:
    bundled = vitk2.load()
    again = vitk2.loads(vitk2.dump(bundled, "json"), "json")
    assert again == bundled
    assert again.content_hash == bundled.content_hash


def test_a_user_file_can_refer_to_bundled_records() -> None:
    bundled = vitk2.load()
    user = GOOD.split("studies:")[1].replace("compound: mk4", "compound: menatetrenone")
    text = (
        "vitk2: 2\ncitations:\n  - {id: trial-2020, kind: primary_article, year: 2020}\nstudies:"
        + user
    )
    merged = vitk2.loads(text, base=bundled)
    assert merged.study("trial").findings[0].indication is bundled.indication("mds-ra")
    assert len(merged.studies) == len(bundled.studies) + 1
    assert vitk2.load() is bundled  # the bundled base is untouched


def test_merge_conflicts_name_the_ids_and_change_nothing() -> None:
    a = vitk2.loads(GOOD)
    b = vitk2.loads(GOOD.replace("name: menatetrenone", "name: something else"))
    before = vitk2.dump(a)
    with pytest.raises(vitk2.MergeConflictError) as err:
        a.merge(b)
    assert err.value.problems[0].path == "compounds[0].id"
    assert "conflicting id 'mk4'" in err.value.problems[0].message
    assert vitk2.dump(a) == before
    assert a.merge(a) == a


def test_no_dependency_exception_escapes_for_wrong_python_types() -> None:
    with pytest.raises(ValidationError):
        vitk2.loads(GOOD, "toml")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        vitk2.dump(object())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 10_000 + "]" * 10_000,  # libyaml 0.2.6 refuses this while scanning ahead
        "x: " + "[" * 10_000,  # and this, unclosed
        "x: " + "{a: " * 2_000 + "}" * 2_000,
        "- " * 10_000 + "x",
        "- x\n- " + "[" * 65 + "]" * 65,  # just past vitk2's limit
    ],
    ids=["deep-flow", "unclosed-flow", "deep-flow-mapping", "deep-block", "limit-plus-one"],
)
def test_vitk2s_depth_limit_decides_before_the_parsers(text: str) -> None:
    # The same message whichever PyYAML 6.x (and libyaml, with or without a nesting limit of
    # its own) is installed.
    with pytest.raises(ValidationError, match="nested more than 64 levels"):
        vitk2.loads(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('x: [a, "' + "[" * 200 + '" , b', "did not find expected"),  # brackets in quotes
        ("x: ['" + "[" * 200 + "'\n  c", "did not find expected"),
        ("x: [a, b # " + "[" * 200 + "\n  c", "did not find expected"),  # in a comment
        ("x: " + "[" * 63 + "]" * 63 + "\ny: [", "did not find expected"),  # deep, not too deep
    ],
)
def test_malformed_text_that_is_not_too_deep_is_reported_where_it_breaks(
    text: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        vitk2.loads(text)
    assert "line" in info.value.problems[0].path


# --- problems carry their line and column ---------------------------------------------------

_LOCATED = """\
vitk2: 2
compounds:
  - id: x
    name: X
    compound_class: c
    family: f
    colour: blue
studies:
  - id: s1
    title: T
"""


def test_a_problem_in_yaml_is_located_at_its_line_and_column() -> None:
    with pytest.raises(vitk2.ValidationError) as info:
        vitk2.loads(_LOCATED, file="bad.yaml")
    by_path = {p.path: p for p in info.value.problems}
    unknown = by_path["compounds[0].colour"]
    assert (unknown.line, unknown.column) == (7, 5)  # at the key
    assert unknown.location == "bad.yaml:7:5"
    missing = by_path["studies[0].design"]  # not in the text: at the record that lacks it
    assert (missing.line, missing.column) == (9, 5)


def test_a_problem_in_json_is_located_too() -> None:
    text = '{"vitk2": 2,\n "compounds": [{"id": "x", "name": 5,\n  "compound_class": "c", "family": "f"}]}'
    with pytest.raises(vitk2.ValidationError) as info:
        vitk2.loads(text, "json", file="bad.json")
    (problem,) = info.value.problems
    assert problem.path == "compounds[0].name"
    assert (problem.line, problem.column) == (2, 28)  # at its key, "name"


def test_a_location_is_not_part_of_a_problems_identity() -> None:
    here = vitk2.Problem("f", "a.b", "m", line=3, column=4)
    assert here == vitk2.Problem("f", "a.b", "m")
    assert str(here) == "f: a.b: m"  # the message reads as before
    assert vitk2.Problem("f", "a", "m").location == "f"


def test_validate_prints_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(_LOCATED, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "vitk2", "validate", "--standalone", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert f"{bad}:7:5: compounds[0].colour: unknown field" in run.stdout
