"""Findings as flat rows: for spreadsheets, pandas, DuckDB, Spark and anything that reads Parquet.

One finding is one row. Every row has the same columns (`COLUMNS`), in the same order, and
every cell is a string, a whole number, a float, a boolean or None, so that a row survives CSV,
JSON and Parquet unchanged. Lists (the citations a finding rests on, its compounds) are joined
with ``";"``.

pandas and pyarrow are optional: they are imported only by [`to_dataframe`][vitk2.to_dataframe] and
[`to_parquet`][vitk2.to_parquet], never by ``import vitk2``.
"""

from __future__ import annotations

import csv
import importlib
import io
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from . import _model as m
from ._base import EvidenceBase
from ._render import csv_text, statistic_text, write_atomic, write_csv_row
from ._scope import Scope, scope_of

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    import pandas  # type: ignore[import-untyped, unused-ignore] # stubs are optional

    from ._compare import Comparison, Overview, RegimenComparison
    from ._stats import Contrast

__all__ = [
    "COLUMNS",
    "Cell",
    "Row",
    "table_frame",
    "to_csv",
    "to_dataframe",
    "to_parquet",
    "to_rows",
]

Cell: TypeAlias = str | int | float | bool | None
"""The value of one cell: text, a whole number, a float, a flag, or None when absent.

*Added in version 0.1.0*.
"""

Row: TypeAlias = dict[str, Cell]
"""One finding as a flat mapping from column name to cell.

*Added in version 0.1.0*.
"""

# The columns, in order, with the type of their non-empty cells ("str", "int", "float", "bool").
# to_dataframe gives each column the matching nullable pandas dtype.
_COLUMN_TYPES: Final[tuple[tuple[str, str], ...]] = (
    ("study", "str"),
    ("finding", "str"),
    ("citations", "str"),
    ("reports", "str"),
    ("rests_on", "str"),
    ("dois", "str"),
    ("pmids", "str"),
    ("indication", "str"),
    ("indication_name", "str"),
    ("indication_codes", "str"),
    ("design", "str"),
    ("basis", "str"),
    ("ocebm", "int"),
    ("certainty", "str"),
    ("certainty_source", "str"),
    ("group", "str"),
    ("regimen", "str"),
    ("compounds", "str"),
    ("outcome", "str"),
    ("outcome_kind", "str"),
    ("timepoint", "str"),
    ("subgroup", "str"),
    ("comparator", "str"),
    ("statistic", "str"),
    ("summary", "str"),
    ("events", "int"),
    ("total", "int"),
    ("estimate", "float"),
    ("ci_low", "float"),
    ("ci_high", "float"),
    ("ci_level", "float"),
    ("ci_method", "str"),
    ("effect_measure", "str"),
    ("unit", "str"),
    ("p_value", "str"),
    ("direction", "str"),
    ("provenance", "str"),
    ("integrity", "str"),
    ("retracted", "bool"),
)

COLUMNS: Final[tuple[str, ...]] = tuple(name for name, _ in _COLUMN_TYPES)
"""The column names of [`to_rows`][vitk2.to_rows], in order.

*Added in version 0.1.0*.
"""

_SEP: Final = ";"

# --------------------------------------------------------------------------------------------
# Rows


def _join(items: Iterable[str]) -> str | None:
    """The distinct ``items`` in order, joined by `_SEP`; None when that is empty."""
    seen = items if items.__class__ is tuple else tuple(items)
    if len(seen) < 2:  # most cells: none or one, nothing to make distinct
        return seen[0] or None if seen else None
    return _SEP.join(dict.fromkeys(seen)) or None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _statistic_cells(stat: m.Statistic) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    if isinstance(stat, m.Proportion):
        ci = stat.interval()
        cells.update(
            events=stat.events,
            total=stat.total,
            estimate=stat.estimate,
            ci_low=ci.low,
            ci_high=ci.high,
            ci_level=ci.level,
            ci_method=ci.method,
        )
    elif isinstance(stat, m.Count):
        cells["events"] = stat.value
    elif isinstance(stat, m.Effect):
        cells.update(
            estimate=stat.value,
            effect_measure=stat.measure.value,
            unit=stat.unit.value if stat.unit is not None else None,
            p_value=_text(stat.p_value),
        )
        if stat.interval is not None:
            cells.update(
                ci_low=stat.interval.low,
                ci_high=stat.interval.high,
                ci_level=stat.interval.level,
                ci_method=stat.interval.method,
            )
    elif isinstance(stat, (m.GroupSummaries, m.ArmCounts, m.BeforeAfter, m.TestResult)):
        # Their numbers stay in the summary text: no single estimate stands for arm counts
        # (a ratio would be vitk2's, not the source's) or a within-arm change. A cumulative
        # reading's log-rank p-value is the whole curve's, not the timepoint's, so it too
        # stays in the text.
        cells["p_value"] = _text(stat.p_value)
    return cells


def _row(scope: Scope, study: m.Study, finding: m.Finding) -> Row:
    index = scope.citation_index
    sources = [index[c] for c in finding.sources if c in index]
    flagged = scope.integrity(study, finding)
    certainty = scope.certainty(study, finding, flagged)
    doses = study.doses_of(finding)
    kinds = sorted({"quote" if isinstance(p, m.Quote) else "locator" for p in finding.provenance})
    outcome = finding.outcome
    row: Row = {  # every column of COLUMNS, in its order
        "study": study.id,
        "finding": finding.id,
        "citations": _join(finding.sources),
        "reports": _join(c.id for c in study.reports),
        "rests_on": _join(finding.rests_on),
        "dois": _join(c.doi for c in sources if c.doi is not None),
        "pmids": _join(c.pmid for c in sources if c.pmid is not None),
        "indication": finding.indication.id,
        "indication_name": finding.indication.name,
        "indication_codes": _join(f"{c.system.value}:{c.code}" for c in finding.indication.codes),
        "design": study.design.value,
        "basis": finding.basis.value if finding.basis is not None else None,
        "ocebm": study.level.ocebm,
        "certainty": certainty.certainty.value if certainty is not None else None,
        "certainty_source": certainty.source if certainty is not None else None,
        "group": finding.group,
        "regimen": _join(str(d) for d in doses) if doses else None,
        "compounds": _join(c.id for c in study.compounds_of(finding)),
        "outcome": outcome.name,
        "outcome_kind": outcome.kind.value,
        "timepoint": _text(outcome.timepoint),
        "subgroup": finding.subgroup,
        "comparator": _text(finding.comparator),
        "statistic": finding.statistic.kind,
        "summary": statistic_text(finding.statistic),
        "events": None,
        "total": None,
        "estimate": None,
        "ci_low": None,
        "ci_high": None,
        "ci_level": None,
        "ci_method": None,
        "effect_measure": None,
        "unit": None,
        "p_value": None,
        "direction": finding.direction.value,
        "provenance": _join(kinds),
        "integrity": _join(f"{c.id}:{c.integrity.status.value}" for c in flagged),
        "retracted": any(c.integrity.is_retracted for c in flagged),
    }
    row.update(_statistic_cells(finding.statistic))
    return row


def to_rows(obj: EvidenceBase | m.Study) -> list[Row]:
    """Every finding as one flat row, in study order.

    The columns are `_tabular.COLUMNS`: the study and finding ids; the citations
    the finding's provenance points into, the study's reports and the citations the finding
    rests on (ids joined with ``";"``), with their DOIs and PubMed ids; the indication (id,
    name, ``system:code`` codes); design, basis, OCEBM level and certainty (with where the
    certainty comes from); the group, its regimen in words and the compound ids; the outcome,
    its kind and timepoint; the statistic's kind and a readable summary (an interval in it
    states its level: ``"risk ratio 0.87 (95% CI 0.64 to 1.2)"``); ``events``,
    ``total``, ``estimate``, ``ci_low``, ``ci_high``, ``ci_level`` and ``ci_method``; the effect
    measure and unit; the p-value as reported (``"< 0.001"``; of an effect, group summaries,
    arm counts, a before-after change or a test); the direction; the kinds of
    provenance; the integrity notices the finding rests on and a ``retracted`` flag.

    A proportion's interval is the Wilson score interval computed by vitk2
    (``ci_method="wilson"``); an effect's is the interval as reported (``"as reported"``).
    Cells that do not apply are None.

    >>> import vitk2
    >>> rows = vitk2.to_rows(vitk2.load())
    >>> len(rows) == len(vitk2.load().findings)
    True

    Args:
        obj: An [`EvidenceBase`][vitk2.EvidenceBase], or one [`Study`][vitk2.Study] (whose findings are
            then read with only the study's own reports: integrity notices reached through
            other citations, and certainty suggestions, need the whole base).

    Returns:
        One mapping per finding, each with every column of ``COLUMNS`` in order.

    Raises:
        TypeError: If ``obj`` is neither an evidence base nor a study.

    *Added in version 0.1.0*.
    """
    scope = scope_of(obj)
    return [_row(scope, s, f) for s in scope.studies for f in s.findings]


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, str):
        return csv_text(value)  # a formula start gets a quote; numbers above are left alone
    return str(value)


def to_csv(obj: EvidenceBase | m.Study) -> str:
    """The rows of [`to_rows`][vitk2.to_rows] as CSV text, with a header line.

    Written with the standard library's `csv` (``excel`` dialect, CRLF line ends):
    empty cells are absent values, flags are ``true``/``false``, floats are written in
    the shortest form that reads back exactly.

    No cell runs as a formula when the file is opened in a spreadsheet: a text cell that
    starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any single
    quotes) is written with a ``'`` in front, as OWASP advises against CSV injection. Numbers
    are never changed (``-0.5`` stays ``-0.5``). To read such a text back exactly, remove one
    leading ``'`` from a text cell that starts with one or more quotes followed by one of
    those characters.

    Args:
        obj: An [`EvidenceBase`][vitk2.EvidenceBase] or one [`Study`][vitk2.Study].

    Returns:
        The CSV document.

    Raises:
        TypeError: If ``obj`` is neither an evidence base nor a study.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: Text cells that start like a formula get a ``'`` in front.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in to_rows(obj):
        write_csv_row(writer, out, [_csv_cell(row[c]) for c in COLUMNS])
    return out.getvalue()


_PANDAS_DTYPES: Final = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}


def _import_pandas(feature: str, extra: str) -> Any:
    try:
        import pandas
    except ImportError as err:
        msg = f"{feature} needs pandas, an optional dependency: pip install 'vitk2[{extra}]'"
        raise ImportError(msg, name="pandas") from err
    return pandas


def to_dataframe(obj: EvidenceBase | m.Study) -> pandas.DataFrame:
    """The rows of [`to_rows`][vitk2.to_rows] as a pandas DataFrame, one row per finding.

    Columns have nullable dtypes (``string``, ``Int64``, ``Float64``, ``boolean``), so an
    absent count is ``<NA>``, never a float NaN, and the frame writes to Parquet as is.

    The numbers to plot and sort are numbers: ``estimate``, ``ci_low``, ``ci_high`` and
    ``ci_level`` are ``Float64`` (a proportion's estimate and Wilson interval, an effect's
    value and reported interval; ``<NA>`` where a finding has none), ``events``, ``total``
    and ``ocebm`` are ``Int64``; ``summary`` holds the same result as text. pandas sorts and
    plots them as they are (``frame.sort_values("estimate")``,
    ``frame.plot.scatter(x="estimate", y="ci_low")``); matplotlib's own functions want plain
    floats: ``frame["ci_low"].to_numpy(dtype=float, na_value=float("nan"))``.

    >>> import vitk2
    >>> frame = to_dataframe(vitk2.load())
    >>> {str(frame[c].dtype) for c in ("estimate", "ci_low", "ci_high", "ci_level")}
    {'Float64'}

    Args:
        obj: An [`EvidenceBase`][vitk2.EvidenceBase] or one [`Study`][vitk2.Study].

    Returns:
        A DataFrame with the columns of ``COLUMNS``.

    Raises:
        ImportError: If pandas is not installed (``pip install 'vitk2[pandas]'``).
        TypeError: If ``obj`` is neither an evidence base nor a study.

    *Added in version 0.1.0*.
    """
    pd = _import_pandas("to_dataframe", "pandas")
    rows = to_rows(obj)
    columns = {
        name: pd.array([row[name] for row in rows], dtype=_PANDAS_DTYPES[kind])
        for name, kind in _COLUMN_TYPES
    }
    frame: pandas.DataFrame = pd.DataFrame(columns)
    return frame


# --------------------------------------------------------------------------------------------
# The comparison tables as data frames: their text beside numbers to plot and sort


def _level_number(level: object) -> int | None:
    return level if isinstance(level, int) and not isinstance(level, bool) else None


def _comparison_columns(table: Comparison) -> dict[str, tuple[str, list[Cell]]]:
    cells = table._cells()
    columns: dict[str, tuple[str, list[Cell]]] = {}
    for i, name in enumerate(table.COLUMNS):
        kind = {"OCEBM": "int", "n": "int", "estimate": "float", "CI level": "float"}.get(
            name, "str"
        )
        values = [row[i] for row in cells]
        if name == "OCEBM":
            values = [_level_number(v) for v in values]
        columns[name] = (kind, values)
        if name == "CI":
            columns["CI low"] = (
                "float",
                [r.interval.low if r.interval else None for r in table.rows],
            )
            columns["CI high"] = (
                "float",
                [r.interval.high if r.interval else None for r in table.rows],
            )
    return columns


def _regimen_columns(table: RegimenComparison) -> dict[str, tuple[str, list[Cell]]]:
    cells = table._cells()
    columns: dict[str, tuple[str, list[Cell]]] = {
        name: ("float" if name == "CI level" else "str", [row[i] for row in cells])
        for i, name in enumerate(table.COLUMNS)
    }
    refused: list[Cell] = [None] * len(table.refusals)
    contrasts = table.contrasts
    measures: tuple[tuple[str, list[Contrast | None]], ...] = (
        ("risk difference", [c.risk_difference for c in contrasts]),
        ("risk ratio", [c.risk_ratio for c in contrasts]),
        ("odds ratio", [c.odds_ratio for c in contrasts]),
    )
    for prefix, found in measures:
        estimates: list[Cell] = [x.estimate if x else None for x in found]
        lows: list[Cell] = [x.interval.low if x else None for x in found]
        highs: list[Cell] = [x.interval.high if x else None for x in found]
        columns[prefix] = ("float", estimates + refused)
        columns[f"{prefix} low"] = ("float", lows + refused)
        columns[f"{prefix} high"] = ("float", highs + refused)
    return columns


def _overview_columns(table: Overview) -> dict[str, tuple[str, list[Cell]]]:
    cells = table._cells()
    kinds = {"studies": "int", "participants": "int", "best OCEBM": "int"}
    columns: dict[str, tuple[str, list[Cell]]] = {}
    for i, name in enumerate(table.COLUMNS):
        values = [row[i] for row in cells]
        if name == "best OCEBM":
            values = [_level_number(v) for v in values]
        columns[name] = (kinds.get(name, "str"), values)
    return columns


def table_frame(table: Comparison | RegimenComparison | Overview) -> pandas.DataFrame:
    """A comparison, regimen comparison or overview as a DataFrame: text and numbers side by side.

    The columns are the table's ``COLUMNS``, in order, with their text as the table writes it
    (``"95% CI 0.076 to 0.35"``), and beside them numbers to plot and sort, as nullable
    ``Float64`` or ``Int64`` (``<NA>`` where a row has none):

    - a [`Comparison`][vitk2.Comparison]: ``estimate``, ``CI low``, ``CI high`` (after ``CI``) and
      ``CI level`` are floats; ``OCEBM`` and ``n`` are whole numbers (``<NA>`` for "n/a").
    - a [`RegimenComparison`][vitk2.RegimenComparison]: ``CI level``, and ``risk difference``,
      ``risk ratio`` and ``odds ratio`` with their ``low`` and ``high`` bounds (after the
      table's columns; ``<NA>`` for a refused pairing or a ratio that is not estimable).
    - an [`Overview`][vitk2.Overview]: ``studies``, ``participants`` and ``best OCEBM`` are whole
      numbers.

    Every other column has the ``string`` dtype. matplotlib wants plain floats:
    ``frame["CI low"].to_numpy(dtype=float, na_value=float("nan"))``.

    >>> import vitk2
    >>> frame = table_frame(vitk2.load().compare("mds"))
    >>> str(frame["CI low"].dtype), tuple(frame.columns[10:13])
    ('Float64', ('CI', 'CI low', 'CI high'))

    Raises:
        ImportError: If pandas is not installed (``pip install 'vitk2[pandas]'``).
        TypeError: If ``table`` is none of the three tables.

    *Added in version 0.3.0*.
    """
    from ._compare import Comparison, Overview, RegimenComparison

    pd = _import_pandas("to_dataframe", "pandas")
    if isinstance(table, Comparison):
        columns = _comparison_columns(table)
    elif isinstance(table, RegimenComparison):
        columns = _regimen_columns(table)
    elif isinstance(table, Overview):
        columns = _overview_columns(table)
    else:
        raise TypeError(
            f"expected a Comparison, RegimenComparison or Overview (got {type(table).__name__})"
        )
    data = {
        name: pd.array(
            [None if v is None else str(v) if kind == "str" else v for v in values],
            dtype=_PANDAS_DTYPES[kind],
        )
        for name, (kind, values) in columns.items()
    }
    frame: pandas.DataFrame = pd.DataFrame(data)
    return frame


def to_parquet(obj: EvidenceBase | m.Study, path: str | os.PathLike[str]) -> None:
    """Write the rows of [`to_rows`][vitk2.to_rows] to a Parquet file.

    DuckDB (``SELECT * FROM 'findings.parquet'``), Spark (``spark.read.parquet``), polars
    and pandas read it directly. The file is written whole or not at all: to a temporary
    file next to ``path``, renamed over it once complete, so a failure leaves any previous
    file as it was.

    Args:
        obj: An [`EvidenceBase`][vitk2.EvidenceBase] or one [`Study`][vitk2.Study].
        path: The file to write (replaced if it exists, keeping its permissions).

    Raises:
        ImportError: If pandas or pyarrow is not installed (``pip install 'vitk2[parquet]'``).
        TypeError: If ``obj`` is neither an evidence base nor a study.

    *Added in version 0.1.0*.
    """
    _import_pandas("to_parquet", "parquet")
    try:
        importlib.import_module("pyarrow")  # only checked for: pandas drives it
    except ImportError as err:
        msg = "to_parquet needs pyarrow, an optional dependency: pip install 'vitk2[parquet]'"
        raise ImportError(msg, name="pyarrow") from err
    frame = to_dataframe(obj)
    write_atomic(path, lambda f: frame.to_parquet(f, engine="pyarrow", index=False))
