"""The command line: every command, every format, every filter, and errors in one line."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import pytest

import vitk2
from vitk2._cli import EXIT_CODES, main
from vitk2._io import to_data

BASE = vitk2.load()

TRIAL = """\
vitk2: 2
citations:
  - id: doe-2025-abstract
    kind: conference_abstract
    authors: [Doe J]
    title: Menatetrenone in lower-risk MDS
    journal: Example Meeting
    year: 2025
studies:
  - id: doe-2025-mds
    title: Menatetrenone in lower-risk MDS (example)
    reports: [doe-2025-abstract]
    design: single_arm_trial
    indications: [mds]
    population: {description: Adults with lower-risk MDS., enrolled: 40}
    level: {ocebm: 4, rationale: A small single-arm trial.}
    arms:
      - id: vk2
        name: menatetrenone
        role: intervention
        size: 40
        regimen:
          doses: [{compound: menatetrenone, amount: 45 mg/day, route: oral}]
          duration: 16 week
    findings:
      - id: doe-2025-mds.response
        outcome: {name: haematologic improvement, kind: surrogate}
        indication: mds
        group: vk2
        statistic: {kind: proportion, events: 8, total: 38}
        direction: benefit
        provenance:
          - {source: doe-2025-abstract, text: Eight of 38 patients improved.}
"""


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def one_line_error(err: str) -> str:
    """Errors are exactly one line, start with 'vitk2: error:' and carry no traceback."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("vitk2: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def trial(tmp_path: Path) -> Path:
    path = tmp_path / "doe-2025-mds.yaml"
    path.write_text(TRIAL, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# help, version, exit codes


def test_help_documents_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "--help")
    assert status == 0
    assert "exit codes:" in out
    for code, meaning in EXIT_CODES.items():
        assert f"{code}" in out
        assert meaning.split()[0] in out
    for command in (
        "indications",
        "compounds",
        "studies",
        "show",
        "compare",
        "overview",
        "validate",
        "export",
        "report",
        "diff",
    ):
        assert command in out


def test_each_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (
        "indications",
        "compounds",
        "studies",
        "show",
        "compare",
        "overview",
        "validate",
        "export",
        "report",
        "diff",
    ):
        status, out, _ = cli(capsys, command, "--help")
        assert status == 0
        assert f"usage: vitk2 {command}" in out
        # the exit codes are listed once, in 'vitk2 --help', and pointed to from each command
        assert "exit codes:" not in out
        assert EXIT_CODES[EXIT_CODES_LONGEST] not in " ".join(out.split())
        assert "Exit codes: see 'vitk2 --help'" in out


EXIT_CODES_LONGEST = max(EXIT_CODES, key=lambda code: len(EXIT_CODES[code]))


def test_the_exit_codes_are_in_the_main_help_once(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "--help")
    assert out.count("exit codes:") == 1
    assert " ".join(out.split()).count(EXIT_CODES[EXIT_CODES_LONGEST]) == 1


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "--version")
    assert status == 0
    assert out.strip() == f"vitk2 {vitk2.__version__}"


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys)
    assert status == 2
    one_line_error(err)


# --------------------------------------------------------------------------------------------
# listings in every format


LISTINGS = [
    ("indications",),
    ("compounds",),
    ("studies",),
    ("compare", "mds"),
    ("compare", "hcc", "--regimens"),
    ("overview",),
    ("overview", "--matrix"),
]


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_listings_in_every_format(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], fmt: str
) -> None:
    status, out, err = cli(capsys, *args, "--format", fmt)
    assert status == 0, err
    assert out.strip()
    if fmt == "json":
        data = json.loads(out)
        assert data["rows"]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) >= 2
        assert len({len(r) for r in rows}) == 1  # every row has the header's width
    elif fmt == "markdown":
        assert "| " in out
        assert "|---" in out


def test_indications_lists_every_indication(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "indications", "--format", "json")
    ids = [r["id"] for r in json.loads(out)["rows"]]
    assert ids == [i.id for i in BASE.indications]


def test_compounds_lists_every_compound(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "compounds", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [c.id for c in BASE.compounds]


def test_compare_json_carries_lineage_and_exclusions(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "compare", "osteoporosis", "--format", "json")
    data = json.loads(out)
    assert data["lineage"]["content_hash"] == BASE.content_hash
    expected = BASE.compare("osteoporosis")
    assert [e["finding"] for e in data["excluded"]] == [e.finding for e in expected.excluded]
    assert len(data["rows"]) == len(expected.rows)


def test_compare_table_is_the_library_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    _, out, _ = cli(capsys, "compare", "MDS")
    assert out.startswith(BASE.compare("mds").to_text(width=100))
    _, out, _ = cli(capsys, "compare", "MDS", "--wide")
    assert out.startswith(BASE.compare("mds").to_text(width=sys.maxsize))


def test_compare_options(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(
        capsys,
        "compare",
        "mds",
        "--interval",
        "clopper-pearson",
        "--level",
        "0.9",
        "--exclude-preclinical",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert data["lineage"]["interval_method"] == "clopper-pearson"
    assert data["lineage"]["level"] == 0.9
    assert all(r["design"] not in ("in vitro", "animal") for r in data["rows"])


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_compare_at_another_level_states_each_interval_s_level(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    status, out, err = cli(capsys, "compare", "hcc", "--level", "0.9", "--format", fmt, "--wide")
    assert status == 0, err
    table = BASE.compare("hcc", level=0.9)
    if fmt == "table":
        assert out.startswith(table.to_text(width=sys.maxsize))
        assert "%" not in out.splitlines()[1]  # no header claims a level
    elif fmt == "markdown":
        assert out.startswith(table.to_markdown())
        header = next(line for line in out.splitlines() if line.startswith("| "))
        assert "%" not in header
        assert "wilson intervals at 90%" in out
        assert "intervals their sources report" in out
        # no pooled row: the HCC trials' arms are two-arm counts now, never single arms to pool
    else:
        assert out.rstrip("\n") == getattr(table, f"to_{fmt}")().rstrip("\n")
    assert "90% CI " in out  # the proportions, at the level asked for
    assert "95% CI " in out  # the effects, as reported


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_regimens_at_another_level_say_so(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    status, out, err = cli(capsys, "compare", "hcc", "--regimens", "--level", "0.9", "-f", fmt)
    assert status == 0, err
    assert "90% CI" in out
    assert "95%" not in out


@pytest.mark.parametrize("level", ["5", "5.0", "nan", "inf", "0", "1", "-0.1", "true", "0.9x", ""])
@pytest.mark.parametrize("regimens", [(), ("--regimens",)], ids=["findings", "regimens"])
def test_an_invalid_level_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], level: str, regimens: tuple[str, ...]
) -> None:
    status, out, err = cli(capsys, "compare", "mds", *regimens, "--level", level)
    assert status == 2
    assert out == ""
    line = one_line_error(err)
    assert "--level" in line
    assert f"a confidence level between 0 and 1, such as 0.9 (got {level!r})" in line
    assert "vitk2 compare --help" in line


def test_overview_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "overview", "--format", "json")
    rows = json.loads(out)["rows"]
    assert [r["indication"] for r in rows] == [r.indication.name for r in BASE.overview().rows]


# --------------------------------------------------------------------------------------------
# filters mirror EvidenceBase.filter


def studies_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    status, out, err = cli(capsys, "studies", "--format", "json", *args)
    assert status == 0, err
    return [r["study"] for r in json.loads(out)["rows"]]


FILTERS: list[tuple[list[str], dict[str, Any]]] = [
    (["--indication", "mds"], {"indication": "mds"}),
    (["--indication", "mds", "--indication", "ms"], {"indication": ["mds", "ms"]}),
    (["--compound", "alfacalcidol"], {"compound": "alfacalcidol"}),
    (["--compound-class", "bisphosphonate"], {"compound_class": "bisphosphonate"}),
    (
        ["--design", "rct", "--design", "systematic_review"],
        {"design": ["rct", "systematic_review"]},
    ),
    (["--min-level", "2"], {"min_level": 2}),
    (["--min-certainty", "moderate"], {"min_certainty": "moderate"}),
    (["--since", "2005", "--until", "2015"], {"since": 2005, "until": 2015}),
    (["--min-size", "100"], {"min_size": 100}),
    (["--direction", "harm", "--direction", "mixed"], {"direction": ["harm", "mixed"]}),
    (["--outcome-kind", "clinical"], {"outcome_kind": "clinical"}),
    (["--route", "oral"], {"route": "oral"}),
    (["--daily-dose", "45mg/day"], {"daily_dose": "45mg/day"}),
    (["--daily-dose", "..1mg/day"], {"daily_dose": (None, "1mg/day")}),
    (["--daily-dose", "10 mg/day..50 mg/day"], {"daily_dose": ("10 mg/day", "50 mg/day")}),
    (["--min-duration", "1 year"], {"min_duration": "1 year"}),
    (["--include-retracted"], {"include_retracted": True}),
    (
        ["--indication", "osteoporosis", "--include-retracted"],
        {"indication": "osteoporosis", "include_retracted": True},
    ),
]


@pytest.mark.parametrize(("args", "criteria"), FILTERS, ids=[" ".join(a) for a, _ in FILTERS])
def test_filters_mirror_the_library(
    capsys: pytest.CaptureFixture[str], args: list[str], criteria: dict[str, Any]
) -> None:
    expected = [s.id for s in BASE.filter(**criteria)]
    assert studies_json(capsys, *args) == expected


def test_studies_leave_out_retracted_findings_and_say_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = cli(capsys, "studies")
    assert status == 0
    excluded = BASE.filter().excluded
    assert excluded, "the bundled data has retracted findings"
    assert f"{len(excluded)} findings left out" in err
    assert "--include-retracted" in err
    _, out, _ = cli(capsys, "studies", "--format", "json")
    assert len(json.loads(out)["excluded"]) == len(excluded)


def test_filters_apply_to_compare_overview_and_export(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "compare", "osteoporosis", "--design", "rct", "--format", "json")
    rows = json.loads(out)["rows"]
    assert rows
    assert {r["study"] for r in rows} <= {s.id for s in BASE.filter(design="rct")}
    _, out, _ = cli(capsys, "overview", "--indication", "mds", "--format", "json")
    assert [r["indication"] for r in json.loads(out)["rows"]] == ["myelodysplastic syndrome"]
    _, out, _ = cli(capsys, "export", "--format", "json", "--indication", "mds")
    assert vitk2.loads(out, "json") == BASE.filter(indication="mds")


@pytest.mark.parametrize(
    ("args", "status", "needle"),
    [
        (["--design", "rtc"], 2, "did you mean 'randomised_controlled_trial'"),
        (["--indication", "osteoporsis"], 3, "did you mean 'osteoporosis'"),
        (["--min-certainty", "hihg"], 2, "did you mean 'high'"),
        (["--min-level", "9"], 2, "--min-level: expected an OCEBM level from 1"),
        (["--min-level", "two"], 2, "--min-level: expected an OCEBM level from 1"),
        (["--since", "1700"], 2, "--since: expected a year such as 2005"),
        (["--min-size", "-1"], 2, "--min-size: expected a whole number"),
        (["--daily-dose", "16 week"], 2, "'16 week' is a time, not a mass per time"),
        (["--daily-dose", ".."], 2, "--daily-dose"),
        (["--min-duration", "45 mg"], 2, "'45 mg' is a mass, not a time"),
        (["--formt", "json"], 2, "did you mean '--format'"),
        (["--format", "jsn"], 2, "did you mean 'json'"),
    ],
)
def test_bad_criteria_fail_in_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], status: int, needle: str
) -> None:
    got, out, err = cli(capsys, "studies", *args)
    assert got == status
    assert out == ""
    assert needle in one_line_error(err)


# --------------------------------------------------------------------------------------------
# options: the choices listed, the nearest suggested, flags named as they are typed

VOCABULARIES: list[tuple[str, str, str, Any]] = [
    ("--direction", "benefitt", "benefit", vitk2.Direction),
    ("--route", "orla", "oral", vitk2.Route),
    ("--min-certainty", "hihg", "high", vitk2.Certainty),
    ("--design", "rtc", "randomised_controlled_trial", vitk2.Design),
    ("--outcome-kind", "clinicl", "clinical", vitk2.OutcomeKind),
]


@pytest.mark.parametrize(
    ("option", "typo", "nearest", "vocabulary"), VOCABULARIES, ids=[v[0] for v in VOCABULARIES]
)
@pytest.mark.parametrize("command", ["studies", "compare osteoporosis", "overview", "export"])
def test_an_unknown_value_lists_the_choices_suggests_one_and_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
    command: str,
    option: str,
    typo: str,
    nearest: str,
    vocabulary: Any,
) -> None:
    status, out, err = cli(capsys, *command.split(), option, typo)
    assert status == 2
    assert out == ""
    line = one_line_error(err)
    assert line.startswith(f"vitk2: error: {option}: unknown ")
    assert f"{typo!r} (choose from " in line
    assert f"did you mean {nearest!r}?" in line
    for member in vocabulary:
        assert member.value in line
    assert f"See 'vitk2 {command.split()[0]} --help'." in line


@pytest.mark.parametrize("value", ["rct", "Randomised controlled trial", "randomized"])
def test_aliases_of_a_closed_vocabulary_still_work(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert studies_json(capsys, "--design", value) == [
        s.id for s in BASE.filter(design="randomised_controlled_trial")
    ]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["compare", "mds", "--interval", "wlson"],
            "--interval: unknown value 'wlson' (choose from wilson, clopper-pearson); "
            "did you mean 'wilson'?",
        ),
        (
            ["show", "mds", "--kind", "studdy"],
            "--kind: unknown value 'studdy' (choose from study, compound, indication, citation, "
            "finding); did you mean 'study'?",
        ),
        (["studies", "-f", "tabel"], "--format: unknown value 'tabel' (choose from table, "),
        (["studies", "--layout", "vert"], "did you mean 'vertical'?"),
        (["studies", "--color", "allways"], "(choose from auto, always, never)"),
        (["completion", "tcsh"], "unknown value 'tcsh' (choose from bash, zsh, fish)"),
    ],
)
def test_every_closed_choice_lists_its_values(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    status, _, err = cli(capsys, *args)
    assert status == 2
    assert needle in one_line_error(err)


@pytest.mark.parametrize(
    ("option", "value", "needle"),
    [
        ("--daily-dose", "45", "--daily-dose: add a unit, e.g. '45 mg/day' (got '45')"),
        ("--daily-dose", "0.5", "add a unit, e.g. '0.5 mg/day'"),
        ("--daily-dose", "15..45", "add a unit, e.g. '15 mg/day'"),
        ("--daily-dose", "45 kg/day", "unknown unit 'kg/day'"),
        ("--daily-dose", "45 mg", "'45 mg' is a mass, not a mass per time"),
        ("--daily-dose", "-5 mg/day", "an amount of 0 or more"),
        ("--min-duration", "16", "--min-duration: add a unit, e.g. '16 week' (got '16')"),
        ("--min-duration", "16 weks", "did you mean 'week'?"),
    ],
)
def test_an_amount_says_what_to_write(
    capsys: pytest.CaptureFixture[str], option: str, value: str, needle: str
) -> None:
    status, out, err = cli(capsys, "studies", option, value)
    assert status == 2
    assert out == ""
    line = one_line_error(err)
    assert needle in line
    # only the units this option takes, not every unit vitk2 knows
    assert "mg/mL" not in line
    assert "participants" not in line


def test_a_criterion_the_library_refuses_names_the_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = cli(capsys, "studies", "--daily-dose", "45mg/day..15mg/day")
    assert status == 2
    line = one_line_error(err)
    assert "--daily-dose: the low end" in line
    assert "daily_dose" not in line


def _reported_route(finding: str) -> bool:
    return any(finding in {f.id for f in BASE.filter(route=r).findings} for r in vitk2.Route)


@pytest.mark.parametrize("route", ["oral", "intravenous"])
def test_route_says_how_much_it_left_out_because_no_route_was_reported(
    capsys: pytest.CaptureFixture[str], route: str
) -> None:
    status, _, err = cli(capsys, "studies", "--route", route)
    assert status == 0
    kept = {f.id for f in BASE.filter(route=route).findings}
    dropped = [
        (s.id, f.id)
        for s in BASE.filter().studies
        for f in s.findings
        if f.id not in kept and not _reported_route(f.id)
    ]
    assert dropped
    studies = {s for s, _ in dropped}
    assert (
        f"vitk2: --route left out {len(dropped)} findings of {len(studies)} studies that "
        "report no route of administration" in err
    )
    _, _, err = cli(capsys, "studies", "--route", route, "--quiet")
    assert "--route left out" not in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_silences_notes_but_not_errors(
    capsys: pytest.CaptureFixture[str], where: str, tmp_path: Path
) -> None:
    _, _, err = cli(capsys, "studies")
    assert "left out because they rest on retracted publications" in err
    args = ["--quiet", "studies"] if where == "before" else ["studies", "--quiet"]
    status, out, err = cli(capsys, *args)
    assert status == 0
    assert out
    assert err == ""
    target = tmp_path / "out.csv"
    _, _, err = cli(capsys, "export", "-f", "csv", "-o", str(target), "-q")
    assert target.exists()
    assert err == ""
    status, _, err = cli(capsys, "-q", "compare", "osteoporsis")
    assert status == 3
    assert "unknown indication" in one_line_error(err)


# --------------------------------------------------------------------------------------------
# show


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("mds-vk2-d3-2005", "Study mds-vk2-d3-2005:"),
        ("Glakay", "Compound menatetrenone: menatetrenone"),
        ("MDS", "Indication mds: myelodysplastic syndrome"),
        ("mds-ash-2005", "Citation mds-ash-2005:"),
        ("mds-vk2-d3-2005.step-1.response", "Finding mds-vk2-d3-2005.step-1.response"),
    ],
)
def test_show_each_kind(capsys: pytest.CaptureFixture[str], name: str, head: str) -> None:
    status, out, err = cli(capsys, "show", name)
    assert status == 0, err
    assert out.startswith(head)


def test_show_a_study_includes_its_quotes_and_findings(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "show", "mds-vk2-d3-2005")
    study = BASE.study("mds-vk2-d3-2005")
    flat = " ".join(out.split())
    for finding in study.findings:
        assert finding.id in out
        for quote in finding.quotes:
            assert " ".join(quote.text.split()) in flat
    assert "95% CI" in out
    assert "caveats" in out


def test_show_flags_retracted_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "show", "sato-2005-bone")
    assert "RETRACTED" in out


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_show_data_round_trips(
    capsys: pytest.CaptureFixture[str], fmt: Literal["json", "yaml"]
) -> None:
    _, out, _ = cli(
        capsys, "show", "jiang-2014-clin-interv-aging", "--kind", "study", "--format", fmt
    )
    study = vitk2.loads(out, fmt, as_type=vitk2.Study, base=BASE)
    assert study == BASE.study("jiang-2014-clin-interv-aging")


def test_show_every_record_a_name_names(capsys: pytest.CaptureFixture[str]) -> None:
    # A study and its primary citation share an id: both are shown, unless --kind picks one.
    _, out, _ = cli(capsys, "show", "jiang-2014-clin-interv-aging")
    assert "Study jiang-2014-clin-interv-aging" in out
    assert "Citation jiang-2014-clin-interv-aging" in out
    _, out, _ = cli(capsys, "show", "jiang-2014-clin-interv-aging", "--format", "json")
    assert isinstance(json.loads(out), list)
    _, out, _ = cli(capsys, "show", "jiang-2014-clin-interv-aging", "--kind", "citation")
    assert out.startswith("Citation jiang-2014-clin-interv-aging")
    assert "Study jiang" not in out


def test_show_unknown_name_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "show", "osteoprosis")
    assert status == 3
    assert out == ""
    line = one_line_error(err)
    assert "did you mean 'osteoporosis'" in line


def test_show_unknown_name_without_suggestion_says_how_to_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = cli(capsys, "show", "zzzz")
    assert status == 3
    assert "vitk2 studies" in one_line_error(err)


# --------------------------------------------------------------------------------------------
# errors


def test_unknown_indication_message(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "compare", "osteoporsis")
    assert status == 3
    assert out == ""
    assert one_line_error(err).startswith(
        "vitk2: error: unknown indication 'osteoporsis'; did you mean 'osteoporosis'"
    )


def test_unknown_command_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "overveiw")
    assert status == 2
    assert "did you mean 'overview'" in one_line_error(err)


def test_missing_argument(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "compare")
    assert status == 2
    line = one_line_error(err)
    assert "INDICATION" in line
    assert "vitk2 compare --help" in line


def test_a_file_that_cannot_be_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = cli(capsys, "report", "--output", str(tmp_path / "no" / "such" / "dir.html"))
    assert status == 1
    assert "No such file or directory" in one_line_error(err)


def test_an_internal_error_is_one_line_unless_debugging(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vitk2._cli as cli_module

    def boom(ns: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_module, "_cmd_overview", boom)
    monkeypatch.delenv("VITK2_DEBUG", raising=False)
    status, _, err = cli(capsys, "overview")
    assert status == 70
    assert err.count("\n") == 1
    assert "internal error: RuntimeError: boom" in err
    monkeypatch.setenv("VITK2_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["overview"])


# --------------------------------------------------------------------------------------------
# --data and validate


def test_data_adds_a_users_file(capsys: pytest.CaptureFixture[str], trial: Path) -> None:
    status, out, _ = cli(capsys, "compare", "mds", "--data", str(trial), "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert "doe-2025-mds.response" in [r["finding"] for r in data["rows"]]
    assert any("doe-2025-mds.response" in p["findings"] for p in data["pooled"])
    _, out, _ = cli(capsys, "studies", "--data", str(trial), "--since", "2025", "--format", "csv")
    assert "doe-2025-mds" in out


def test_a_broken_data_file_points_to_validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(TRIAL.replace("events: 8", "events: 80").replace("single_arm_trial", "rtc"))
    status, out, err = cli(capsys, "overview", "--data", str(broken))
    assert status == 1
    assert out == ""
    line = one_line_error(err)
    assert "2 problems" in line
    assert f"vitk2 validate {broken}" in line


def test_a_missing_data_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = cli(capsys, "studies", "--data", str(tmp_path / "nope.yaml"))
    assert status == 1
    assert "cannot read the file" in one_line_error(err)


def test_validate_ok(capsys: pytest.CaptureFixture[str], trial: Path) -> None:
    status, out, err = cli(capsys, "validate", str(trial))
    assert status == 0, err
    assert out.strip() == f"{trial}: ok"


def test_validate_prints_every_problem_one_per_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, trial: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        TRIAL.replace("events: 8", "events: 80")
        .replace("single_arm_trial", "single_arm_trail")
        .replace("compound: menatetrenone", "compound: menatetrenon")
    )
    status, out, err = cli(capsys, "validate", str(trial), str(broken))
    assert status == 1
    lines = out.strip().splitlines()
    assert lines[0] == f"{trial}: ok"
    problems = lines[1:]
    assert len(problems) == 3
    # as compilers print them: file:line:column: path: message
    assert all(
        re.match(rf"{re.escape(str(broken))}:\d+:\d+: studies\[0\]\.", line) for line in problems
    )
    assert any("did you mean 'single_arm_trial'" in line for line in problems)
    assert any("did you mean 'menatetrenone'" in line for line in problems)
    assert any("'events' must be <= total (got 80 > 38)" in line for line in problems)
    assert one_line_error(err) == "vitk2: error: 3 problems in 1 file"


def test_validate_json_and_standalone(capsys: pytest.CaptureFixture[str], trial: Path) -> None:
    status, out, _ = cli(capsys, "validate", str(trial), "--standalone", "--format", "json")
    assert status == 1  # on its own, the file's references to bundled records do not resolve
    data = json.loads(out)
    assert data["ok"] is False
    messages = [p["message"] for p in data["files"][0]["problems"]]
    assert any("unknown indication id 'mds'" in msg for msg in messages)


def test_validate_later_files_may_refer_to_earlier_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, trial: Path
) -> None:
    second = tmp_path / "second.yaml"
    second.write_text(
        "vitk2: 2\n"
        "studies:\n"
        "  - id: doe-2025-mds-follow-up\n"
        "    title: The same patients a year later\n"
        "    reports: [doe-2025-abstract]\n"
        "    design: single_arm_trial\n"
        "    indications: [mds]\n"
        "    population: {description: The same patients.}\n"
        "    level: {ocebm: 4, rationale: A follow-up.}\n"
    )
    status, out, err = cli(capsys, "validate", str(trial), str(second))
    assert status == 0, out + err
    status, out, _ = cli(capsys, "validate", str(second))
    assert status == 1
    assert "unknown citation id 'doe-2025-abstract'" in out


# --------------------------------------------------------------------------------------------
# export, report, diff


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_round_trips(
    capsys: pytest.CaptureFixture[str], fmt: Literal["yaml", "json"]
) -> None:
    status, out, _ = cli(capsys, "export", "--format", fmt)
    assert status == 0
    assert vitk2.loads(out, fmt) == BASE


def test_export_csv_has_one_row_per_finding(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["finding"] for r in rows] == [f.id for f in BASE.findings]


def test_export_fhir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "bundle.json"
    status, out, err = cli(capsys, "export", "--format", "fhir", "--output", str(target))
    assert status == 0
    assert out == ""
    assert f"wrote {target}" in err
    bundle = json.loads(target.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle"


def test_report_default_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, _ = cli(capsys, "report")
    assert status == 0
    written = Path(out.strip())
    assert written == (tmp_path / "vitk2-report.html").resolve()
    assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_with_data(capsys: pytest.CaptureFixture[str], tmp_path: Path, trial: Path) -> None:
    target = tmp_path / "r.html"
    status, _out, _ = cli(capsys, "report", "--output", str(target), "--data", str(trial))
    assert status == 0
    assert "doe-2025-mds" in target.read_text(encoding="utf-8")


def changed_copy(tmp_path: Path) -> Path:
    """The bundled data with one finding's numbers and one study's certainty changed."""
    data = to_data(BASE)
    for study in data["studies"]:
        if study["id"] == "mds-vk2-d3-2005":
            study["level"]["certainty"] = "moderate"
            # the summary computes certainty and reads the best row: without the full report's
            # 5/38, the conclusion rests on the interim 5/29
            study["findings"] = [
                f
                for f in study["findings"]
                if f["id"] != "mds-vk2-d3-2005.full-report.step-1.response"
            ]
        if study["id"] == "jiang-2014-clin-interv-aging":
            for finding in study["findings"]:
                if finding["id"] == "jiang-2014-clin-interv-aging.fracture-menatetrenone":
                    arm = finding["statistic"]["arms"][0]  # the menatetrenone arm's count
                    arm["events"] = 1
                    arm.pop("reported_percent", None)
    data["studies"] = [s for s in data["studies"] if s["id"] != "lasemi-2018-ms"]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_diff_identical(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    exported = tmp_path / "old.json"
    assert cli(capsys, "export", "--format", "json", "--output", str(exported))[0] == 0
    status, out, _ = cli(capsys, "diff", str(exported), "bundled")
    assert status == 0
    assert "No differences." in out


def test_diff_lists_findings_and_conclusions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = cli(capsys, "diff", "bundled", str(changed_copy(tmp_path)), "--format", "json")
    assert status == 0
    changes = {(c["kind"], c["id"], c["change"]): c["detail"] for c in json.loads(out)["changes"]}
    # the study's recorded certainty no longer decides (the summary computes it); its best
    # row's statement does
    mds = changes[("conclusion", "mds", "changed")]
    assert "statement:" in mds
    assert "5/38" in mds
    assert "5/29" in mds
    assert ("conclusion", "ms", "removed") in changes
    assert (
        "statistic: 2/108"
        in changes[("finding", "jiang-2014-clin-interv-aging.fracture-menatetrenone", "changed")]
    )
    removed = {k[1] for k in changes if k[0] == "finding" and k[2] == "removed"}
    assert removed == {f.id for f in BASE.study("lasemi-2018-ms").findings} | {
        "mds-vk2-d3-2005.full-report.step-1.response"
    }
    assert ("study", "mds-vk2-d3-2005", "changed") in changes


def test_diff_on_bundled(capsys: pytest.CaptureFixture[str], trial: Path) -> None:
    status, out, err = cli(capsys, "diff", "bundled", str(trial))
    assert status == 1
    assert "--on-bundled" in one_line_error(err)
    status, out, _ = cli(capsys, "diff", "bundled", str(trial), "--on-bundled")
    assert status == 0
    assert "doe-2025-mds.response" in out
    assert "added" in out


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_diff_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    status, out, _ = cli(capsys, "diff", "bundled", str(changed_copy(tmp_path)), "--format", fmt)
    assert status == 0
    assert "conclusion" in out


# --------------------------------------------------------------------------------------------
# as a program


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vitk2", "overview"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Overview of the evidence on vitamin K2" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "vitk2", "compare", "osteoporsis"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 3
    assert proc.stdout == ""
    one_line_error(proc.stderr)


def test_console_script(tmp_path: Path) -> None:
    exe = shutil.which("vitk2")
    if exe is None:
        pytest.skip("the vitk2 console script is not installed (pip install -e .)")
    proc = subprocess.run(
        [exe, "indications", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("id,name,")


# --------------------------------------------------------------------------------------------
# Writing files: never over a file vitk2 did not write, unless --force


def test_report_refuses_to_replace_evidence(
    capsys: pytest.CaptureFixture[str], trial: Path
) -> None:
    before = trial.read_bytes()
    status, out, err = cli(capsys, "report", "--output", str(trial))
    assert status == 2
    assert out == ""
    line = one_line_error(err)
    assert "refusing to replace" in line
    assert "--force" in line
    assert trial.read_bytes() == before
    status, out, _ = cli(capsys, "report", "--output", str(trial), "--force")
    assert status == 0
    assert trial.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_replaces_an_earlier_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "r.html"
    target.write_text("", encoding="utf-8")  # an empty file loses nothing
    assert cli(capsys, "report", "-o", str(target), "--indication", "mds")[0] == 0
    first = target.read_text(encoding="utf-8")
    assert '<meta name="generator" content="vitk2 ' in first
    assert cli(capsys, "report", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8") != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv", "fhir"])
def test_export_refuses_to_replace_what_it_did_not_write(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, trial: Path, fmt: str
) -> None:
    before = trial.read_bytes()
    status, _, err = cli(capsys, "export", "-f", fmt, "-o", str(trial))
    assert status == 2
    assert "--force" in one_line_error(err)
    assert trial.read_bytes() == before
    assert cli(capsys, "export", "-f", fmt, "-o", str(trial), "--force")[0] == 0
    assert trial.read_bytes() != before


@pytest.mark.parametrize(("fmt", "again"), [("csv", 0), ("fhir", 0), ("yaml", 2), ("json", 2)])
def test_export_replaces_an_earlier_export_it_can_recognise(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, again: int
) -> None:
    target = tmp_path / f"out.{fmt}"
    assert cli(capsys, "export", "-f", fmt, "-o", str(target), "--indication", "mds")[0] == 0
    # a YAML or JSON export is evidence, like a file written by hand: never replaced silently
    assert cli(capsys, "export", "-f", fmt, "-o", str(target))[0] == again
    assert cli(capsys, "export", "-f", fmt, "-o", os.devnull)[0] == 0


# --------------------------------------------------------------------------------------------
# Closed output, broken pipes and Ctrl-C


def _run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, **kwargs
    )


def test_closed_standard_output_is_one_line_and_status_1(tmp_path: Path) -> None:
    code = "import os, runpy, sys; os.close(1); sys.argv = ['vitk2', 'overview']; "
    code += "runpy.run_module('vitk2', run_name='__main__')"
    proc = subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m vitk2 overview >&-'],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == "vitk2: error: cannot write to standard output: it is closed\n"
    # closed after start: the write fails instead of finding no stdout
    proc = _run("-c", code, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("vitk2: error: cannot write to standard output: ")
    assert proc.stderr.count("\n") == 1


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    # standard output is a pipe whose reader has gone, as after `vitk2 studies | head -1`
    code = "import os, runpy, sys; r, w = os.pipe(); os.dup2(w, 1); os.close(w); os.close(r); "
    code += "sys.argv = ['vitk2', 'export', '--format', 'yaml']; "
    code += "runpy.run_module('vitk2', run_name='__main__')"
    proc = _run("-c", code, cwd=tmp_path)
    assert proc.returncode == 141
    assert proc.stderr == ""


def test_a_broken_pipe_in_process(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Gone())
    assert main(["indications"]) == 141
    assert capsys.readouterr().err == ""


_SCRIPT = Path(sys.executable).with_name("vitk2")


def _default_sigint() -> None:
    """In a child before it runs: SIGINT with its default disposition, whatever the parent's."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(
    ("how", "when"),
    [
        ("-m", "vitk2._errors"),
        ("-m", "vitk2._model"),
        ("-m", "vitk2._bundled"),
        ("-m", "vitk2._compare"),
        ("script", "json"),  # inside the import of the command line itself
        ("script", "shutil"),
        ("script", "vitk2._model"),
    ],
)
def test_ctrl_c_at_any_time_is_one_line_and_status_130(tmp_path: Path, how: str, when: str) -> None:
    """SIGINT as soon as a module is imported: main() imports the model and the data later.

    ``import vitk2._cli`` imports only the standard library, so the first vitk2 modules are
    imported inside main(), where Ctrl-C is handled; the signal lands in those imports, in
    loading the data, or in computing the overview. The installed ``vitk2`` command enters
    through `vitk2.__main__.main`, which handles it during the import of the command line too.
    """
    import signal

    if how == "script" and not _SCRIPT.exists():  # pragma: no cover - installed everywhere
        pytest.skip("the vitk2 command is not installed beside this interpreter")
    command = (
        [sys.executable, "-X", "importtime", "-m", "vitk2", "overview"]
        if how == "-m"
        else [str(_SCRIPT), "overview"]
    )
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},
        # Ctrl-C as a terminal delivers it: a shell starts a background job with SIGINT
        # ignored, and a child would inherit that (Python then installs no handler for it)
        preexec_fn=_default_sigint,
    )
    assert proc.stderr is not None
    lines: list[str] = []
    for line in proc.stderr:
        lines.append(line)
        if line.rstrip().rsplit("|", 1)[-1].strip() == when:
            break
    running = proc.poll() is None
    proc.send_signal(signal.SIGINT)
    out, rest = proc.communicate(timeout=120)
    err = [line for line in [*lines, *rest.splitlines(True)] if not line.startswith("import time:")]
    if not running:  # pragma: no cover - finished before the signal: nothing to interrupt
        pytest.skip("the command finished before the signal")
    assert "Traceback" not in "".join(err)
    assert err == ["vitk2: interrupted\n"], err
    assert proc.returncode == 130
    assert out == ""
