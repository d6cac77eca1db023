"""Renderers: one table shape, many formats (aligned text, Markdown, CSV, JSON, HTML)."""

from __future__ import annotations

import csv
import decimal
import functools
import html
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import _model as m

if TYPE_CHECKING:
    from ._base import EvidenceBase
    from ._stats import Interval

__all__ = [
    "Table",
    "base_html",
    "interval_text",
    "level_text",
    "statistic_text",
    "table_csv",
    "table_html",
    "table_json",
    "table_markdown",
    "table_text",
]

Table = tuple[Sequence[str], Sequence[Sequence[Any]]]
"""Column headers and rows of cells."""


def level_text(level: float) -> str:
    """A confidence level as the percentage it is, never rounded: ``"95%"``, ``"87.5%"``.

    ``f"{level:.0%}"`` would call 0.875 "88%" and 0.9999 "100%"; this writes the level's
    shortest decimal form times 100.
    """
    percent = (decimal.Decimal(repr(float(level))) * 100).normalize()
    return f"{percent:f}%"


def interval_text(interval: Interval, spec: str = ".3g") -> str:
    """An interval with its own level: ``"95% CI 0.64 to 1.2"`` (bounds in format ``spec``)."""
    low, high = format(interval.low, spec), format(interval.high, spec)
    return f"{level_text(interval.level)} CI {low} to {high}"


def statistic_text(stat: m.Statistic) -> str:
    """A statistic in words, as ``str(stat)``, with the level of any interval stated.

    An effect reads ``"risk ratio 0.87 (95% CI 0.64 to 1.2), p 0.3"``: the level is the one the
    source reported, whatever level the table around it computes its own intervals at.
    """
    if isinstance(stat, m.Effect) and stat.low is not None and stat.high is not None:
        return _effect_text(stat)
    return str(stat)


@functools.lru_cache(maxsize=4096)
def _effect_text(stat: m.Effect) -> str:
    interval = stat.interval
    assert interval is not None  # statistic_text asks only for effects with an interval
    bare = str(attrs.evolve(stat, low=None, high=None, p_value=None))
    p = f", p {stat.p_value}" if stat.p_value is not None else ""
    return f"{bare} ({interval_text(interval, 'g')}){p}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def table_text(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 48) -> str:
    """An aligned plain-text table; long cells are shortened with an ellipsis."""
    cells = [[_cell(c) for c in row] for row in rows]

    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[clip(c) for c in row] for row in cells]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in cells
    ]
    return "\n".join([line, rule, *body])


def table_markdown(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""

    def esc(value: Any) -> str:
        return " ".join(_cell(value).split()).replace("|", "\\|")

    out = ["| " + " | ".join(esc(h) for h in headers) + " |"]
    out.append("|" + "|".join("---" for _ in headers) + "|")
    out.extend("| " + " | ".join(esc(c) for c in row) + " |" for row in rows)
    return "\n".join(out)


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """RFC 4180 CSV with a header row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            ["" if c is None else c if isinstance(c, (int, float)) else str(c) for c in row]
        )
    return buf.getvalue()


def table_json(headers: Sequence[str], rows: Sequence[Sequence[Any]], **meta: Any) -> str:
    """JSON: ``{**meta, "rows": [{header: cell}]}``; numbers stay numbers."""

    def plain(value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return str(value)

    data = {
        **meta,
        "rows": [{h: plain(c) for h, c in zip(headers, row, strict=False)} for row in rows],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def table_html(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    caption: str | None = None,
    classes: str = "vitk2",
) -> str:
    """An HTML table with escaped cells (for Jupyter and the report)."""
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f'<table class="{classes}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def base_rows(base: EvidenceBase) -> Table:
    """One row per study of a base."""
    headers = (
        "study",
        "first author",
        "year",
        "design",
        "OCEBM",
        "certainty",
        "n",
        "indications",
        "findings",
    )
    rows = [
        (
            s.id,
            s.first_author or "",
            s.year,
            str(s.design),
            s.level.ocebm if s.level.ocebm is not None else "n/a",
            s.level.certainty or "not graded",
            s.size,
            ", ".join(i.id for i in s.indications),
            len(s.findings),
        )
        for s in base.studies
    ]
    return headers, rows


def base_html(base: EvidenceBase) -> str:
    """The HTML a notebook shows for an EvidenceBase."""
    headers, rows = base_rows(base)
    return table_html(headers, rows, caption=repr(base))
