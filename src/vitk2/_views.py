"""HTML views for notebooks: what Jupyter shows for a record or a table (``_repr_html_``).

A record (a study, a finding, a compound, an indication, a citation) shows as a small table of
its fields; a collection shows as a table of at most `ROW_CAP` rows, its first and last
`HEAD` and `TAIL` rows with a count of those between (a 2,000-study base is 21 rows,
not 2,001). Certainty and direction show as the report shows them: a filled badge with the
GRADE symbols, an outlined pill. Numbers are right-aligned (class ``vitk2-num``).

Every text from the evidence is escaped (`_render.html_text`) and every link goes
through `_render.safe_href`. The views carry their own small stylesheet, scoped to
the ``vitk2-view`` class, and set colours and alignment inline too, so that they read the same
where a notebook strips ``<style>`` elements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from . import _model as m
from ._render import html_text, statistic_text

if TYPE_CHECKING:
    from ._base import EvidenceBase

__all__ = [
    "HEAD",
    "LONG",
    "ROW_CAP",
    "TAIL",
    "Html",
    "base_view",
    "certainty_badge",
    "citation_view",
    "compound_view",
    "direction_badge",
    "finding_view",
    "indication_view",
    "record_view",
    "study_view",
    "table_view",
    "tabular_view",
]

ROW_CAP: Final = 20
"""A table with more rows than this shows only its first and last rows."""

HEAD: Final = 10
"""Rows shown from the top of a capped table."""

TAIL: Final = 10
"""Rows shown from the bottom of a capped table."""

# The report's colours (see vitk2._report._CSS), for the same look in a notebook.
_GRADE: Final = {
    m.Certainty.HIGH: ("⊕⊕⊕⊕", "#00785a"),
    m.Certainty.MODERATE: ("⊕⊕⊕◯", "#0065a0"),
    m.Certainty.LOW: ("⊕⊕◯◯", "#a86d00"),
    m.Certainty.VERY_LOW: ("⊕◯◯◯", "#b84a00"),
}
_DIRECTION_COLOURS: Final = {
    m.Direction.BENEFIT: "#1a7f37",
    m.Direction.HARM: "#cf222e",
    m.Direction.NO_CLEAR_EFFECT: "#57606a",
    m.Direction.MIXED: "#8250df",
    m.Direction.ASSOCIATION: "#0969da",
    m.Direction.INCONSISTENT: "#bc4c00",
}
_MUTED: Final = "#59636e"

_STYLE: Final = (
    "<style>"
    ".vitk2-view table{border-collapse:collapse;font-size:13px;margin:4px 0}"
    ".vitk2-view caption{text-align:left;color:#59636e;padding:2px 0 4px;caption-side:top}"
    ".vitk2-view th{text-align:left;background:#f6f8fa;border-bottom:2px solid #d1d9e0;"
    "padding:3px 8px;vertical-align:bottom}"
    ".vitk2-view td{border-bottom:1px solid #d1d9e0;padding:3px 8px;vertical-align:top;"
    "text-align:left}"
    ".vitk2-view .vitk2-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".vitk2-view .vitk2-more td{text-align:center;color:#59636e;font-style:italic}"
    ".vitk2-view th.vitk2-field{background:none;border-bottom:1px solid #d1d9e0;"
    "color:#59636e;font-weight:400;white-space:nowrap;vertical-align:top}"
    ".vitk2-view ul{margin:0;padding-left:18px}"
    "</style>"
)

_RIGHT: Final = ' class="vitk2-num" style="text-align:right"'
_NOWRAP: Final = ' style="white-space:nowrap"'
#: Columns whose cells read best on one line (an interval, a level).
_NOWRAP_COLUMNS: Final = frozenset({"CI", "OCEBM", "best OCEBM"})


class Html(str):
    """Text that is already HTML (built here from escaped parts): put in a cell as it is."""

    __slots__ = ()


#: Text longer than this shows its start, and the rest on a click (``<details>``).
LONG: Final = 100


def _text(value: object, *, fold: bool = True) -> str:
    """A cell's value as escaped HTML; floats with three significant digits, None empty.

    A long text shows its first words and opens to the whole on a click, so one long cell
    (a row's caveats) does not make its row a page tall.
    """
    if value is None:
        return ""
    if isinstance(value, Html):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    text = str(value)
    if fold and len(text) > LONG:
        start = text[: LONG // 2].rsplit(" ", 1)[0]
        return f"<details><summary>{html_text(start)} …</summary>{html_text(text)}</details>"
    return html_text(text)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: Cells that stand for a missing number in a column of numbers (an OCEBM level of a row
#: without one): they do not stop the column being right-aligned.
_NO_NUMBER: Final = frozenset({"", "n/a"})


def _fits_numbers(value: object) -> bool:
    return value is None or _is_number(value) or (isinstance(value, str) and value in _NO_NUMBER)


def certainty_badge(certainty: m.Certainty | None) -> Html:
    """A certainty as the report shows it: the GRADE symbols and the word on its colour."""
    if certainty is None:
        return Html(
            f'<span style="color:{_MUTED};border:1px dashed {_MUTED};border-radius:4px;'
            'padding:0 6px;white-space:nowrap">not graded</span>'
        )
    symbols, colour = _GRADE[certainty]
    return Html(
        f'<span class="vitk2-cert" style="background:{colour};color:#fff;border-radius:4px;'
        f'padding:0 6px;font-weight:600;white-space:nowrap">{symbols} {html_text(str(certainty))}'
        "</span>"
    )


def direction_badge(direction: m.Direction) -> Html:
    """A direction as the report shows it: an outlined pill in the direction's colour."""
    colour = _DIRECTION_COLOURS.get(direction, "#8c959f")
    return Html(
        f'<span class="vitk2-dir" style="color:{colour};border:1.5px solid {colour};'
        f'border-radius:10px;padding:0 7px;white-space:nowrap">{html_text(str(direction))}'
        "</span>"
    )


def _wrap(body: str) -> str:
    return f'<div class="vitk2-view">{_STYLE}{body}</div>'


def table_view(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    caption: str = "",
    cap: int = ROW_CAP,
) -> str:
    """A table of at most ``cap`` rows: the first `HEAD` and last `TAIL` of more.

    A column whose cells are all numbers (or empty, or ``"n/a"``) is right-aligned. Cells are
    escaped unless they are `Html`.

    >>> view = table_view(("n",), [(i,) for i in range(2000)], caption="numbers")
    >>> view.count("<tr"), "… 1,980 more" in view
    (22, True)
    """
    numeric = {
        i
        for i in range(len(headers))
        if any(_is_number(r[i]) for r in rows) and all(_fits_numbers(r[i]) for r in rows)
    }
    nowrap = {i for i, h in enumerate(headers) if h in _NOWRAP_COLUMNS}
    capped = len(rows) > cap
    shown: list[Sequence[Any] | None] = (
        [*rows[:HEAD], None, *rows[len(rows) - TAIL :]] if capped else list(rows)
    )
    head = "".join(
        f"<th{_RIGHT if i in numeric else ''}>{html_text(h)}</th>" for i, h in enumerate(headers)
    )
    body = []
    for row in shown:
        if row is None:
            more = len(rows) - HEAD - TAIL
            body.append(
                f'<tr class="vitk2-more"><td colspan="{len(headers)}" '
                f'style="text-align:center;color:{_MUTED}">… {more:,} more</td></tr>'
            )
            continue
        body.append(
            "<tr>"
            + "".join(
                f"<td{_RIGHT if i in numeric else _NOWRAP if i in nowrap else ''}>{_text(c)}</td>"
                for i, c in enumerate(row)
            )
            + "</tr>"
        )
    cap_html = f"<caption>{html_text(caption)}</caption>" if caption else ""
    return _wrap(
        f"<table>{cap_html}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def record_view(title: str, fields: Iterable[tuple[str, Any]]) -> str:
    """One record as a two-column table of its fields; empty fields are left out."""
    rows = []
    for name, value in fields:
        if value is None or value == "" or value == ():
            continue
        rows.append(
            f'<tr><th class="vitk2-field">{html_text(name)}</th><td>{_text(value, fold=False)}</td></tr>'
        )
    return _wrap(
        f"<table><caption>{html_text(title)}</caption><tbody>{''.join(rows)}</tbody></table>"
    )


def _list(items: Iterable[object]) -> Html | None:
    texts = [_text(i, fold=False) for i in items]
    if not texts:
        return None
    if len(texts) == 1:
        return Html(texts[0])
    return Html("<ul>" + "".join(f"<li>{t}</li>" for t in texts) + "</ul>")


def _names(items: Iterable[str]) -> str | None:
    return ", ".join(items) or None


def _codes(codes: Iterable[m.Code]) -> str | None:
    return _names(f"{c.system.value}:{c.code}" for c in codes)


def _known(value: object) -> object:
    """A field's value, or what its 'not reported' note says."""
    if isinstance(value, m.NotReported):
        return f"not reported ({value.note})" if value.note else "not reported"
    return value


def _level(ocebm: int | None) -> Html:
    if ocebm is None:
        return Html("n/a")
    return Html(f'<span style="font-weight:600">{ocebm}</span> (Oxford CEBM 2011)')


# --------------------------------------------------------------------------------------------
# Records


def compound_view(compound: m.Compound) -> str:
    """A compound's names, class and codes."""
    return record_view(
        f"Compound {compound.id}",
        [
            ("name", compound.name),
            ("class", compound.compound_class),
            ("family", compound.family),
            ("synonyms", _names(compound.synonyms)),
            ("brands", _names(compound.brands)),
            ("codes", _codes(compound.codes)),
            ("notes", _list(compound.notes)),
        ],
    )


def indication_view(indication: m.Indication) -> str:
    """An indication's names, category, parent and codes."""
    return record_view(
        f"Indication {indication.id}",
        [
            ("name", indication.name),
            ("category", str(indication.category)),
            ("subtype of", indication.parent),
            ("synonyms", _names(indication.synonyms)),
            ("abbreviations", _names(indication.abbreviations)),
            ("codes", _codes(indication.codes)),
            ("notes", _list(indication.notes)),
        ],
    )


def _citation_fields(citation: m.Citation) -> list[tuple[str, Any]]:
    from ._report import citation_label, citation_links

    label, missing = citation_label(citation)
    authors = citation.authors
    shown = ", ".join(authors[:3]) + (f" and {len(authors) - 3} more" if len(authors) > 3 else "")
    links = citation_links(citation)
    return [
        ("label", label),
        ("missing", missing),
        ("kind", str(citation.kind)),
        ("authors", shown or None),
        ("title", _known(citation.title)),
        ("journal", _known(citation.journal)),
        (
            "year",
            _known(citation.year) if not isinstance(citation.year, int) else str(citation.year),
        ),
        ("links", Html(" · ".join(links)) if links else None),
        (
            "integrity",
            str(citation.integrity.status)
            if citation.integrity.status is not m.IntegrityStatus.NONE_KNOWN
            else None,
        ),
    ]


def citation_view(citation: m.Citation) -> str:
    """A citation: its label, kind, authors, title, journal, year and DOI/PubMed links."""
    return record_view(f"Citation {citation.id}", _citation_fields(citation))


def finding_view(finding: m.Finding) -> str:
    """A finding: outcome, statistic, direction and certainty badges, provenance and caveats."""
    outcome = finding.outcome
    return record_view(
        f"Finding {finding.id}",
        [
            ("outcome", f"{outcome.name} ({outcome.kind})"),
            ("indication", finding.indication.name),
            ("group", finding.group),
            ("comparator", None if finding.comparator is None else str(finding.comparator)),
            ("subgroup", finding.subgroup),
            ("result", statistic_text(finding.statistic)),
            ("direction", direction_badge(finding.direction)),
            ("certainty", certainty_badge(finding.certainty) if finding.certainty else None),
            ("why", _list(finding.certainty_reasons)),
            ("sources", _names(finding.sources)),
            ("caveats", _list(finding.caveats)),
        ],
    )


def _finding_rows(findings: Sequence[m.Finding]) -> list[tuple[Any, ...]]:
    return [
        (
            f.id,
            f.outcome.name,
            f.group,
            statistic_text(f.statistic),
            direction_badge(f.direction),
            certainty_badge(f.certainty) if f.certainty else None,
        )
        for f in findings
    ]


_FINDING_HEADERS: Final = ("finding", "outcome", "group", "result", "direction", "certainty")


def study_view(study: m.Study) -> str:
    """A study: its citation with links, design, level, certainty, size, and its findings."""
    from ._report import citation_label, citation_links

    label, _ = citation_label(study.citation)
    links = citation_links(study.citation)
    level = study.level
    head = record_view(
        f"Study {study.id}",
        [
            ("title", study.title),
            ("citation", label),
            ("links", Html(" · ".join(links)) if links else None),
            ("other reports", _names(c.id for c in study.reports[1:])),
            ("design", str(study.design)),
            ("OCEBM level", _level(level.ocebm)),
            ("certainty", certainty_badge(level.certainty)),
            ("indications", _names(i.name for i in study.indications)),
            ("compounds", _names(c.name for c in study.compounds)),
            ("participants", study.size),
            ("arms", len(study.arms) or None),
            ("limitations", _list(study.limitations)),
        ],
    )
    n = len(study.findings)
    findings = table_view(
        _FINDING_HEADERS,
        _finding_rows(study.findings),
        caption=f"{n} finding{'s' if n != 1 else ''}",
    )
    return head + findings


# --------------------------------------------------------------------------------------------
# Collections


def base_view(base: EvidenceBase) -> str:
    """An evidence base: one row per study, capped at `ROW_CAP` rows."""
    headers = ("study", "citation", "design", "OCEBM", "certainty", "n", "indications", "findings")
    from ._report import citation_label

    rows = [
        (
            s.id,
            citation_label(s.citation)[0],
            str(s.design),
            s.level.ocebm,
            certainty_badge(s.level.certainty),
            s.size,
            ", ".join(i.id for i in s.indications),
            len(s.findings),
        )
        for s in base.studies
    ]
    return table_view(headers, rows, caption=repr(base))


_BADGES: Final = {
    "certainty": (m.Certainty, certainty_badge),
    "direction": (m.Direction, direction_badge),
    "direction for K2": (m.Direction, direction_badge),
}


def tabular_view(headers: Sequence[str], cells: Sequence[Sequence[Any]], title: str) -> str:
    """A comparison, overview or regimen table (``COLUMNS``, ``_cells()``, ``_title()``).

    Certainty and direction columns, whose cells are the words, show as badges.
    """
    converters: dict[int, Any] = {}
    for i, h in enumerate(headers):
        if h in _BADGES:
            enum_type, badge = _BADGES[h]
            converters[i] = lambda v, e=enum_type, b=badge: _badge_for(v, e, b)
    rows = [
        tuple(converters[i](c) if i in converters else c for i, c in enumerate(row))
        for row in cells
    ]
    return table_view(headers, rows, caption=title)


def _badge_for(value: object, enum_type: Any, badge: Any) -> object:
    """The badge for a cell holding a certainty or direction (or its words), else the cell."""
    if isinstance(value, enum_type):
        return badge(value)
    for member in enum_type:
        if value == str(member):
            return badge(member)
    return value
