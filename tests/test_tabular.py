"""Findings as flat rows: one row per finding, the same numbers, and CSV/pandas/Parquet round trips.

The pandas and Parquet tests are skipped only when those extras are not installed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import vitk2
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._io import to_data
from vitk2._render import level_text
from vitk2._tabular import (
    _COLUMN_TYPES,
    COLUMNS,
    table_frame,
    to_csv,
    to_dataframe,
    to_parquet,
)

generated = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = dict(_COLUMN_TYPES)
PY_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool}


@pytest.fixture(scope="module")
def base() -> vitk2.EvidenceBase:
    return vitk2.load()


@pytest.fixture(scope="module")
def rows(base: vitk2.EvidenceBase) -> list[dict[str, Any]]:
    return vitk2.to_rows(base)


def parse_cell(text: str, kind: str) -> Any:
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return {"true": True, "false": False}[text]
    # to_csv puts a quote in front of a text cell that a spreadsheet would run; take it off
    return text[1:] if re.match(r"'+[=+\-@\t\r]", text) else text


def read_csv(text: str) -> list[dict[str, Any]]:
    # Python 3.10's csv reader refuses a NUL ("line contains NUL"), which 3.11 reads: there, a
    # character the text does not hold stands in for it while the rows are read
    stand_in = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
    reader = csv.DictReader(io.StringIO(text.replace("\0", stand_in), newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return [
        {k: parse_cell(v.replace(stand_in, "\0"), TYPES[k]) for k, v in row.items()}
        for row in reader
    ]


# --------------------------------------------------------------------------------------------
# Rows


def test_one_row_per_finding_in_order(base: vitk2.EvidenceBase, rows: list[dict[str, Any]]) -> None:
    assert len(rows) == len(base.findings)
    assert [r["finding"] for r in rows] == [f.id for f in base.findings]


@generated
@given(vt.evidence_bases())
def test_one_row_per_finding_of_any_base(base: vitk2.EvidenceBase) -> None:
    rows = vitk2.to_rows(base)
    assert [r["finding"] for r in rows] == [f.id for f in base.findings]
    assert read_csv(to_csv(base)) == rows


def test_every_row_has_every_column_in_order(rows: list[dict[str, Any]]) -> None:
    assert all(tuple(r) == COLUMNS for r in rows)


def test_cells_are_flat_values_of_their_column_type(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        for name, value in row.items():
            assert value is None or type(value) is PY_TYPES[TYPES[name]], (name, value)
            assert value != ""


def test_rows_carry_the_statistic_numbers(
    base: vitk2.EvidenceBase, rows: list[dict[str, Any]]
) -> None:
    by_id = {r["finding"]: r for r in rows}
    for study in base.studies:
        for f in study.findings:
            row, s = by_id[f.id], f.statistic
            assert row["study"] == study.id
            assert row["statistic"] == s.kind
            assert row["direction"] == f.direction.value
            assert row["design"] == study.design.value
            assert row["ocebm"] == study.level.ocebm
            if isinstance(s, m.Proportion):
                ci = s.interval()
                assert (row["events"], row["total"], row["estimate"]) == (
                    s.events,
                    s.total,
                    s.estimate,
                )
                assert (row["ci_low"], row["ci_high"], row["ci_method"]) == (
                    ci.low,
                    ci.high,
                    "wilson",
                )
            elif isinstance(s, m.Effect):
                assert row["estimate"] == s.value
                assert (row["ci_low"], row["ci_high"]) == (s.low, s.high)
                assert row["effect_measure"] == s.measure.value
                assert row["p_value"] == (str(s.p_value) if s.p_value is not None else None)
            else:
                assert row["estimate"] is None


def test_every_interval_in_a_row_states_its_level(rows: list[dict[str, Any]]) -> None:
    # ci_level says it as a number; the summary, which shows a reported interval, says it too
    shown = 0
    for row in rows:
        if row["ci_low"] is None:
            assert row["ci_level"] is None
            continue
        assert 0 < row["ci_level"] < 1
        if row["ci_method"] == "as reported":
            label = f"({level_text(row['ci_level'])} CI "
            assert label in row["summary"], row["finding"]
            shown += 1
    assert shown


def test_retracted_flag_follows_the_integrity_of_the_finding(
    base: vitk2.EvidenceBase, rows: list[dict[str, Any]]
) -> None:
    by_id = {r["finding"]: r for r in rows}
    for f in base.findings:
        assert by_id[f.id]["retracted"] == bool(base.retracted_basis(f))


def test_identifiers_and_codes(base: vitk2.EvidenceBase, rows: list[dict[str, Any]]) -> None:
    by_id = {r["finding"]: r for r in rows}
    for f in base.findings:
        row = by_id[f.id]
        sources = [base.citation(c) for c in f.sources]
        assert row["citations"] == ";".join(f.sources)
        assert row["dois"] == (";".join(c.doi for c in sources if c.doi) or None)
        assert row["pmids"] == (";".join(c.pmid for c in sources if c.pmid) or None)
        codes = ";".join(f"{c.system.value}:{c.code}" for c in f.indication.codes) or None
        assert row["indication_codes"] == codes


def test_a_lone_study_gives_its_own_rows(
    base: vitk2.EvidenceBase, rows: list[dict[str, Any]]
) -> None:
    for study in base.studies:
        own = vitk2.to_rows(study)
        assert [r["finding"] for r in own] == [f.id for f in study.findings]
        expected = [r for r in rows if r["study"] == study.id]
        for mine, theirs in zip(own, expected, strict=True):
            for column in ("events", "total", "estimate", "ci_low", "ci_high", "outcome"):
                assert mine[column] == theirs[column]


def test_only_bases_and_studies_become_rows() -> None:
    with pytest.raises(TypeError, match="EvidenceBase or a Study"):
        vitk2.to_rows([])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# CSV


def test_csv_parses_back_to_the_same_values(
    base: vitk2.EvidenceBase, rows: list[dict[str, Any]]
) -> None:
    assert read_csv(to_csv(base)) == rows


def test_csv_floats_are_exact(rows: list[dict[str, Any]]) -> None:
    back = read_csv(to_csv(vitk2.load()))
    for mine, theirs in zip(rows, back, strict=True):
        for name, kind in _COLUMN_TYPES:
            if kind == "float" and mine[name] is not None:
                assert math.copysign(1, mine[name]) == math.copysign(1, theirs[name])
                assert mine[name] == theirs[name]


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("-0.5", "-0.5"),
        ("a = b", "a = b"),
    ],
)
def test_csv_text_cells_never_run_as_formulas(name: str, cell: str) -> None:
    data = to_data(vitk2.load().filter(indication="mds"))
    data["studies"][0]["findings"][0]["outcome"]["name"] = name
    base = vitk2.loads(json.dumps(data), "json")
    text = to_csv(base)
    written = next(csv.DictReader(io.StringIO(text, newline="")))["outcome"]
    assert written == cell
    assert read_csv(text) == vitk2.to_rows(base)  # and it reads back as it was


# --------------------------------------------------------------------------------------------
# pandas and Parquet


def test_dataframe_has_the_rows_and_nullable_dtypes(
    base: vitk2.EvidenceBase, rows: list[dict[str, Any]]
) -> None:
    pd = pytest.importorskip("pandas")
    df = to_dataframe(base)
    assert tuple(df.columns) == COLUMNS
    assert len(df) == len(rows)
    expected = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}
    for name, kind in _COLUMN_TYPES:
        assert str(df[name].dtype) == expected[kind], name
    for i, row in enumerate(rows):
        for name in COLUMNS:
            cell = df[name].iloc[i]
            assert (row[name] is None and pd.isna(cell)) or cell == row[name], (name, i)


def test_the_numbers_of_a_finding_are_float_columns_to_sort_and_plot(
    base: vitk2.EvidenceBase,
) -> None:
    pd = pytest.importorskip("pandas")
    df = to_dataframe(base)
    for name in ("estimate", "ci_low", "ci_high", "ci_level"):
        assert pd.api.types.is_float_dtype(df[name]), name
    ordered = df.sort_values("estimate", na_position="last")["estimate"].dropna()
    assert list(ordered) == sorted(ordered)
    with_interval = df.dropna(subset=["ci_low", "ci_high", "estimate"])
    assert len(with_interval) > 10
    assert (with_interval["ci_low"] <= with_interval["estimate"]).all()
    assert (with_interval["estimate"] <= with_interval["ci_high"]).all()
    # as the docstring says, for matplotlib's own functions
    plain = df["ci_low"].to_numpy(dtype=float, na_value=float("nan"))
    assert plain.dtype == float
    assert any(math.isnan(x) for x in plain)


def test_a_comparison_frame_has_numbers_beside_its_text(base: vitk2.EvidenceBase) -> None:
    pd = pytest.importorskip("pandas")
    comparison = base.compare("osteoporosis")
    frame = table_frame(comparison)
    columns = list(frame.columns)
    assert columns[columns.index("CI") : columns.index("CI") + 4] == [
        "CI",
        "CI low",
        "CI high",
        "CI level",
    ]
    assert [c for c in columns if c not in ("CI low", "CI high")] == list(comparison.COLUMNS)
    for name in ("estimate", "CI low", "CI high", "CI level"):
        assert pd.api.types.is_float_dtype(frame[name]), name
    for name in ("OCEBM", "n"):
        assert str(frame[name].dtype) == "Int64", name
    for i, row in enumerate(comparison.rows):
        ci = row.interval
        if ci is None:
            assert pd.isna(frame["CI low"].iloc[i])
            assert frame["CI"].iloc[i] == ""
        else:
            assert frame["CI low"].iloc[i] == ci.low
            assert frame["CI high"].iloc[i] == ci.high
            assert frame["CI level"].iloc[i] == ci.level
            assert frame["CI"].iloc[i].startswith(f"{level_text(ci.level)} CI ")


def test_a_regimen_frame_has_its_contrasts_as_numbers(base: vitk2.EvidenceBase) -> None:
    pd = pytest.importorskip("pandas")
    regimens = base.compare_regimens("hcc")
    frame = table_frame(regimens)
    assert list(frame.columns[: len(regimens.COLUMNS)]) == list(regimens.COLUMNS)
    for prefix in ("risk difference", "risk ratio", "odds ratio"):
        for name in (prefix, f"{prefix} low", f"{prefix} high"):
            assert pd.api.types.is_float_dtype(frame[name]), name
    for i, c in enumerate(regimens.contrasts):
        rd = c.risk_difference
        assert (frame["risk difference low"].iloc[i], frame["risk difference high"].iloc[i]) == (
            rd.interval.low,
            rd.interval.high,
        )
    refused = frame.iloc[len(regimens.contrasts) :]
    assert len(refused) == len(regimens.refusals)
    assert refused["risk difference"].isna().all()


def test_an_overview_frame_counts_in_whole_numbers(base: vitk2.EvidenceBase) -> None:
    pytest.importorskip("pandas")
    frame = table_frame(base.overview())
    for name in ("studies", "participants", "best OCEBM"):
        assert str(frame[name].dtype) == "Int64", name
    assert frame.sort_values("participants")["participants"].is_monotonic_increasing


def test_only_the_three_tables_become_table_frames(base: vitk2.EvidenceBase) -> None:
    pytest.importorskip("pandas")
    with pytest.raises(TypeError, match="expected a Comparison"):
        table_frame(base)  # type: ignore[arg-type]


def test_parquet_reads_back_as_the_same_frame(base: vitk2.EvidenceBase, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = tmp_path / "findings.parquet"
    to_parquet(base, path)
    back = pd.read_parquet(path, dtype_backend="numpy_nullable")
    pd.testing.assert_frame_equal(back, to_dataframe(base), check_dtype=False)
    assert len(back) == len(base.findings)


def test_missing_pandas_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, base: vitk2.EvidenceBase, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'vitk2\[pandas\]'"):
        to_dataframe(base)
    with pytest.raises(ImportError, match=r"pip install 'vitk2\[parquet\]'"):
        to_parquet(base, tmp_path / "never-written.parquet")


def test_missing_pyarrow_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, base: vitk2.EvidenceBase, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"pip install 'vitk2\[parquet\]'"):
        to_parquet(base, tmp_path / "never-written.parquet")
    assert not (tmp_path / "never-written.parquet").exists()


def test_importing_and_exporting_does_not_import_optional_packages() -> None:
    src = Path(vitk2.__file__).resolve().parent.parent
    code = (
        "import sys, vitk2\n"
        "base = vitk2.load()\n"
        "vitk2.to_rows(base); vitk2.to_fhir(base); vitk2.json_schema()\n"
        "from vitk2._tabular import to_csv; to_csv(base)\n"
        "loaded = {'pandas', 'pyarrow', 'fhir', 'jsonschema', 'hypothesis'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        timeout=120,
    )


@generated
@given(vt.evidence_bases())
def test_each_rows_certainty_is_its_findings_assessment(generated_base: vitk2.EvidenceBase) -> None:
    # An export works out each study's facts once for its findings in turn: each row must
    # still give its own finding's assessment, in a whole base and in a lone study.
    from vitk2._compare import assess_certainty

    for whole in (vitk2.load(), generated_base):
        pairs = [(s, f) for s in whole.studies for f in s.findings]
        for row, (study, finding) in zip(vitk2.to_rows(whole), pairs, strict=True):
            made = assess_certainty(whole, study, finding)
            assert (row["certainty"], row["certainty_source"]) == (
                made.certainty.value,
                made.source,
            )
    for study in generated_base.studies:
        for row, finding in zip(vitk2.to_rows(study), study.findings, strict=True):
            curated = finding.certainty or study.level.certainty  # alone: no suggestion
            assert row["certainty"] == (curated.value if curated is not None else None)
