"""Renderers: one table shape, many formats (aligned text, Markdown, CSV, JSON, HTML)."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._base import EvidenceBase

__all__ = [
    "Table",
    "base_html",
    "table_csv",
    "table_html",
    "table_json",
    "table_markdown",
    "table_text",
]

Table = tuple[Sequence[str], Sequence[Sequence[Any]]]
"""Column headers and rows of cells."""


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
