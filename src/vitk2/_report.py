"""The evidence report: one self-contained HTML file covering every indication.

It leads with the summary of findings per indication ([`EvidenceBase.summary`][vitk2.EvidenceBase.summary]:
certainty with its reasons, the statement, flags, links to the studies), then draws, for each
endpoint with two or more comparable trials, the forest plot of effects of
[`EvidenceBase.meta_analysis`][vitk2.EvidenceBase.meta_analysis]; the overview and the compound x indication matrix
roll the summary up, and each indication's findings follow in full. The plot of single-arm
proportions is kept only for what it fits: uncontrolled response rates.

The file has inline CSS and inline SVG plots, and nothing that needs the network
(its only links to other sites are the DOI, PubMed and PMC records of the citations, which a
reader follows or not). matplotlib (the ``plot`` extra) draws the plots; without it the
report says how to get them and is otherwise complete.

The page reads on a phone as on a desktop: the reading guide's cards and the summary cards
stack, wide tables scroll sideways inside their box with their first column held in view, a
finding becomes a block of labelled lines below 600 px, and the plot scales with its box
(and scrolls sideways below 900 px, so that its text stays legible).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from . import _model as m
from . import _render
from ._base import EvidenceBase
from ._render import html_text, interval_text, level_text, terminal_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ._compare import Comparison, ComparisonRow, Lineage, Overview, RegimenComparison
    from ._evidence_meta import MetaAnalysis
    from ._summary import SummaryRow

__all__ = [
    "PLOT_HINT",
    "citation_label",
    "citation_links",
    "forest_plot_png",
    "forest_plot_svg",
    "render_report",
    "write_report",
]

PLOT_HINT: Final = "pip install 'vitk2[plot]'"
"""How to get the forest plot when matplotlib is missing."""

_GRADE: Final = {
    m.Certainty.HIGH: ("⊕⊕⊕⊕", "high"),
    m.Certainty.MODERATE: ("⊕⊕⊕◯", "moderate"),
    m.Certainty.LOW: ("⊕⊕◯◯", "low"),
    m.Certainty.VERY_LOW: ("⊕◯◯◯", "very-low"),
}

# Colours for certainty, shared by the badges and the forest plot (colour-blind safe, Okabe-Ito).
_CERTAINTY_COLOURS: Final = {
    m.Certainty.HIGH: "#009E73",
    m.Certainty.MODERATE: "#0072B2",
    m.Certainty.LOW: "#E69F00",
    m.Certainty.VERY_LOW: "#D55E00",
}

_CSS: Final = """
:root { --ink:#1f2328; --muted:#59636e; --rule:#d1d9e0; --soft:#f6f8fa; --accent:#0b5cad;
        --warn-bg:#fff8e5; --warn-ink:#6b4a00; --warn-rule:#e7c66b; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
                    "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 64px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 1.9rem; margin: 0 0 6px; }
h2 { font-size: 1.45rem; margin: 40px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 24px 0 8px; }
p { margin: 6px 0 10px; max-width: 80ch; }
.sub { color: var(--muted); margin: 0; max-width: none; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
              font-size: .86em; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
nav.toc { background: var(--soft); border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; }
nav.toc ol { margin: 4px 0 0; padding-left: 22px; columns: 2; column-gap: 32px; }
nav.toc li { margin: 2px 0; }
.guide { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px;
         margin: 14px 0; }
.guide > div { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; min-width: 0; }
.guide p { line-height: 1.9; }
.guide h4 { margin: 0 0 6px; font-size: .95rem; }
.guide p { font-size: .9rem; margin: 4px 0; }
.guide p + p { line-height: 1.45; }
.scroll { overflow-x: auto; margin: 8px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; color: var(--muted); padding: 4px 0; font-size: .85rem; }
th { text-align: left; background: var(--soft); border-bottom: 2px solid var(--rule);
     padding: 6px 8px; vertical-align: bottom; white-space: nowrap; }
td { border-bottom: 1px solid var(--rule); padding: 6px 8px; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
tbody tr.finding td { border-bottom: none; }
tbody tr.finding.last td { border-bottom: 1px solid var(--rule); }
tr.caveats td { padding-top: 0; border-bottom: 1px solid var(--rule); }
tr.study td { background: #eef3f9; border-top: 2px solid #b6c8dc; border-bottom: 1px solid var(--rule); padding: 7px 8px; }
tr.study .who { font-weight: 700; font-size: 1rem; margin-right: 6px; }
tr.study .design { margin: 0 8px 0 4px; }
tr.study .title { color: var(--muted); font-size: .85rem; margin-top: 2px; }
tr.study ul.caveats { margin-top: 6px; }
table.comparison td:first-child { min-width: 150px; }
table.comparison td:nth-child(4) { min-width: 170px; }
table.comparison td:last-child { min-width: 110px; overflow-wrap: anywhere; }
.small { font-size: .82rem; color: var(--muted); }
.cert { display: inline-block; white-space: nowrap; border-radius: 4px; padding: 1px 7px;
        color: #fff; font-weight: 600; font-size: .82rem; }
.cert .sym { letter-spacing: 1px; margin-right: 4px; font-weight: 400; }
.cert.high { background: #00785a; } .cert.moderate { background: #0065a0; }
.cert.low { background: #a86d00; } .cert.very-low { background: #b84a00; }
.cert.none { background: #fff; color: var(--muted); border: 1px dashed var(--muted); font-weight: 400; }
.dir { display: inline-block; white-space: nowrap; border-radius: 10px; padding: 0 8px;
       border: 1.5px solid currentColor; font-size: .82rem; background: #fff; }
.dir.benefit { color: #1a7f37; } .dir.harm { color: #cf222e; } .dir.no-clear-effect { color: #57606a; }
.dir.mixed { color: #8250df; } .dir.association { color: #0969da; }
.dir.inconsistent { color: #bc4c00; } .dir.not-applicable { color: #8c959f; border-style: dotted; }
.lvl { display: inline-block; min-width: 2.2em; text-align: center; border-radius: 4px;
       background: #eaeef2; border: 1px solid #afb8c1; font-weight: 600; font-size: .82rem; }
.lvl.l1, .lvl.l2 { background: #dafbe1; border-color: #4ac26b; }
.lvl.l5 { background: #fff; border-style: dashed; }
ul.caveats { margin: 0 0 4px; padding: 6px 10px 6px 28px; background: var(--warn-bg);
             border-left: 3px solid var(--warn-rule); color: var(--warn-ink); font-size: .84rem;
             border-radius: 0 4px 4px 0; }
ul.caveats li { margin: 1px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin: 10px 0 6px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.card .label { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card .value { font-size: 1.05rem; margin-top: 2px; }
.basis { color: var(--muted); font-size: .9rem; }
.lineage { font-size: .8rem; color: var(--muted); border-top: 1px dashed var(--rule); padding-top: 6px; margin-top: 14px; }
.lineage code, footer code { word-break: break-all; }
.notice { background: var(--soft); border: 1px solid var(--rule); border-left: 4px solid var(--accent);
          padding: 10px 14px; border-radius: 4px; }
/* Wide tables scroll sideways inside their box; the first column stays in view. */
table.sticky th:first-child, table.sticky td:first-child { position: sticky; left: 0; z-index: 1;
     background: #fff; box-shadow: inset -1px 0 0 var(--rule); }
table.sticky th:first-child { background: var(--soft); z-index: 2; }
.matrix { width: auto; min-width: 100%; }
.matrix th { white-space: normal; min-width: 8.5em; max-width: 12em; }
.matrix th:first-child, .matrix td:first-child { min-width: 9em; max-width: 11em; }
.matrix td { text-align: left; min-width: 8.5em; }
.matrix .design { display: block; font-size: .82rem; margin-bottom: 3px; }
.matrix .small { display: block; margin-top: 3px; }
.cert, .dir, .lvl { line-height: 1.45; vertical-align: baseline; }
figure { margin: 10px 0; }
.plot { overflow-x: auto; border: 1px solid var(--rule); border-radius: 4px; }
.plot svg { display: block; width: 100%; height: auto; }
.plot svg text { white-space: pre; }
table.overview td:nth-child(2) { min-width: 22em; }
table.overview td:last-child { min-width: 14em; }
table.sof td:first-child { min-width: 10em; }
table.sof td:nth-child(2) { min-width: 12em; }
table.sof td:nth-child(4) { min-width: 17em; }
table.sof td:nth-child(5) { min-width: 16em; }
table.sof td:last-child { min-width: 13em; overflow-wrap: anywhere; }
table.sof .studies a { white-space: normal; }
ul.reasons { margin: 4px 0 0; padding-left: 16px; font-size: .8rem; color: var(--muted); }
ul.reasons li { margin: 1px 0; }
.flag { display: inline-block; font-size: .78rem; border-radius: 4px; padding: 0 6px; margin: 1px 0;
        background: var(--warn-bg); color: var(--warn-ink); border: 1px solid var(--warn-rule); }
.headline { margin: 4px 0 8px; }
.statement { font-weight: 600; }
.studies a { white-space: nowrap; }
.cite { font-size: .84rem; margin-top: 3px; color: var(--muted); }
.cite a { white-space: nowrap; }
.cite .missing { border-bottom: 1px dotted var(--muted); }
figcaption { font-size: .85rem; color: var(--muted); margin-top: 4px; max-width: 100ch; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--accent); }
.legend span { margin-right: 12px; }
footer { margin-top: 48px; font-size: .85rem; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 10px; }
.scroll-hint { display: none; }
/* Tablets: less margin. */
@media (max-width: 900px) {
  main { padding: 16px 18px 48px; }
  .plot svg { min-width: 860px; }
  .scroll-hint { display: block; }
}
/* Phones: one column. */
@media (max-width: 600px) {
  html { font-size: 14px; }
  main { padding: 12px 12px 40px; }
  h1 { font-size: 1.5rem; }
  h2 { font-size: 1.25rem; margin-top: 28px; }
  nav.toc ol { columns: 1; }
  .cards { grid-template-columns: 1fr 1fr; }
}
/* Phones and tablets held upright: a finding is a block of labelled lines, not a table row. */
@media (max-width: 820px) {
  table.comparison, table.comparison tbody, table.comparison tr, table.comparison td {
    display: block; width: 100%; }
  table.comparison thead { display: none; }
  table.comparison td { border: none; padding: 2px 8px; min-width: 0 !important; }
  table.comparison tr.finding td { padding-left: calc(6rem + 8px); text-indent: -6rem; }
  table.comparison td * { text-indent: 0; }
  table.comparison td.num { text-align: left; }
  table.comparison td:empty { display: none; }
  table.comparison td[data-label]::before { content: attr(data-label); display: inline-block;
    width: 6rem; text-indent: 0; color: var(--muted); font-size: .78rem; text-transform: uppercase;
    letter-spacing: .03em; vertical-align: top; }
  table.comparison tr.finding { padding: 6px 0; border-bottom: 1px solid var(--rule); }
  table.comparison tr.finding td:first-child { padding-top: 8px; }
  table.comparison tr.caveats td { padding: 0 8px 8px; }
}
/* The summary of findings too: a row is a block of labelled lines on a narrow screen. */
@media (max-width: 820px) {
  table.sof, table.sof tbody, table.sof tr, table.sof td { display: block; width: 100%; }
  table.sof thead { display: none; }
  table.sof td { border: none; padding: 2px 8px; min-width: 0 !important; }
  table.sof td:empty { display: none; }
  table.sof td[data-label]::before { content: attr(data-label); display: block; color: var(--muted);
    font-size: .74rem; text-transform: uppercase; letter-spacing: .03em; }
  table.sof tr { padding: 6px 0 8px; border-bottom: 1px solid var(--rule); }
  table.sof td:first-child { position: static; box-shadow: none; }
}
@media print { .scroll, .plot { overflow: visible; } nav.toc { display: none; }
               h2 { break-after: avoid; } .plot svg { min-width: 0; } }
"""


def _clip(text: str, n: int) -> str:
    """One line of at most ``n`` characters for the plot, control characters shown as escapes."""
    text = " ".join(terminal_text(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _e(value: object) -> str:
    return html_text("" if value is None else str(value))


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def certainty_badge(certainty: m.Certainty | None, note: str = "") -> str:
    """A certainty badge: GRADE symbols, the word, an optional tooltip."""
    title = f' title="{_e(note)}"' if note else ""
    if certainty is None:
        return f'<span class="cert none"{title}>not graded</span>'
    sym, cls = _GRADE[certainty]
    return f'<span class="cert {cls}"{title}><span class="sym">{sym}</span>{_e(certainty)}</span>'


def direction_badge(direction: m.Direction) -> str:
    """A direction-of-effect badge (an outlined pill, unlike the filled certainty badge)."""
    return f'<span class="dir {_slug(str(direction))}">{_e(direction)}</span>'


def level_badge(level: int | None) -> str:
    """An OCEBM level chip."""
    if level is None:
        return '<span class="lvl" title="OCEBM level not applicable">n/a</span>'
    return f'<span class="lvl l{level}" title="Oxford CEBM 2011 level {level}">{level}</span>'


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    num: Sequence[int] = (),
    caption: str = "",
    cls: str = "",
) -> str:
    """A table whose cells are already HTML."""
    head = "".join(
        f"<th{' class=num' if i in num else ''}>{_e(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in num else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    klass = f' class="{cls}"' if cls else ""
    return f'<div class="scroll"><table{klass}>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


# --------------------------------------------------------------------------------------------
# Sections


def _guide() -> str:
    grades = " ".join(certainty_badge(c) for c in sorted(_GRADE, reverse=True))
    directions = " ".join(
        direction_badge(d)
        for d in (
            m.Direction.BENEFIT,
            m.Direction.HARM,
            m.Direction.NO_CLEAR_EFFECT,
            m.Direction.MIXED,
            m.Direction.ASSOCIATION,
            m.Direction.INCONSISTENT,
        )
    )
    levels = " ".join(level_badge(i) for i in range(1, 6))
    return f"""
<section id="reading-guide"><h2>How to read this report</h2>
<p>Three things are kept apart on purpose, each on its own axis: how strong a study's design is,
how certain the evidence is, and which way the result points. A finding can point to benefit
with very low certainty.</p>
<div class="guide">
<div><h4>Evidence level (design)</h4><p>{levels}</p><p>Oxford CEBM 2011 levels: 1 is strongest
(systematic reviews of randomised trials), 5 weakest (mechanistic reasoning, laboratory work).</p></div>
<div><h4>Certainty (GRADE)</h4><p>{grades}</p><p>How sure we can be that the true effect is
close to the estimate, after rating down for risk of bias, imprecision, indirectness,
inconsistency and publication bias.</p></div>
<div><h4>Direction</h4><p>{directions}</p><p>Which way a finding points for the exposure
studied; in the summary, read from the estimate and its interval against no effect. Uncontrolled
responses have none (<em>not applicable</em>). <em>Inconsistent</em> marks findings that
disagree; it is never averaged away.</p></div>
</div>
<p>Amber boxes are <strong>caveats</strong>: what a careful reader must weigh before using a
number. Findings that rest on retracted publications are left out of every table and listed
with the reason.</p>
</section>"""


def _named(base: EvidenceBase, row: SummaryRow | None, text: str) -> str:
    """An overview row's text with its studies named as the report names them."""
    return _relabel(base, row, text) if row is not None else text


def _overview_section(base: EvidenceBase, overview: Overview) -> str:
    rows = []
    for r in overview.rows:
        rows.append(
            (
                f'<a href="#ind-{_slug(r.indication.id)}">{_e(r.indication.name)}</a>',
                f'<span class="statement">{_e(_named(base, r.best, r.statement))}</span>'
                + (
                    f'<br><span class="small">{_e(_named(base, r.best, r.basis))}</span>'
                    if r.best is not None
                    else ""
                ),
                certainty_badge(r.certainty),
                direction_badge(r.direction),
                str(r.studies),
                f"{r.participants:,}",
                level_badge(r.best_level),
                f'<span class="small">{_e(r.endpoints_text)}</span>',
            )
        )
    headers = (
        "indication",
        "best evidence: statement and source",
        "certainty",
        "direction",
        "studies",
        "participants",
        "OCEBM",
        "endpoints with evidence",
    )
    table = _table(headers, rows, num=(4, 5), cls="overview sticky")
    return f"""
<section id="overview"><h2>Overview</h2>
<p>One row per indication (subtypes rolled in), the roll-up of its summary of findings. The
statement, certainty, direction and OCEBM level all come from one summary row, the best by a
stated order: the effect of a supplement against a comparator before associations, uncontrolled
responses and laboratory work; a clinical endpoint before a surrogate, a biomarker or a safety
endpoint; then certainty. The direction is read from that row's estimate and interval, not
counted over studies. Studies and participants are those behind every row's estimate, each
counted once: a review is never added to its own trials, so the counts are floors.</p>
{table}</section>"""


def _matrix_section(base: EvidenceBase, overview: Overview) -> str:
    shown = {c.indication for c in overview.matrix}
    indications = [r.indication for r in overview.rows if r.indication.id in shown]
    names = {c.id: c.name for c in base.compounds}
    cells = {(c.compound, c.indication): c for c in overview.matrix}
    compounds = sorted(
        {c.compound for c in overview.matrix}, key=lambda c: (c != "menatetrenone", c)
    )
    rows = []
    for cid in compounds:
        row = [f"<strong>{_e(names.get(cid, cid))}</strong>"]
        for ind in indications:
            cell = cells.get((cid, ind.id))
            if cell is None or cell.row is None:
                row.append("")
                continue
            kind = "" if cell.kind is None or cell.kind.value == "effect" else f", {cell.kind}"
            more = f"; {cell.rows} rows in all" if cell.rows > 1 else ""
            row.append(
                f'<span class="design">{_e(cell.row.endpoint.name)}'
                f'<span class="small">{_e(cell.row.endpoint.kind)}{_e(kind)}</span></span>'
                f"{certainty_badge(cell.certainty)} {direction_badge(cell.direction)}"
                f'<span class="small">{_e(cell.best_design)}{_e(more)}</span>'
            )
        rows.append(row)
    table = _table(("compound", *(i.name for i in indications)), rows, cls="matrix sticky")
    return f"""
<section id="matrix"><h2>Compounds × indications</h2>
<p>For each vitamin K form and indication: the endpoint, certainty, direction and design of one
summary row, the form's best by the overview's order (the best-certainty clinical row, else the
best surrogate row, and so on). Nothing in a cell comes from another row.</p>{table}</section>"""


# --------------------------------------------------------------------------------------------
# Summary of findings


def _study_links(base: EvidenceBase, row: SummaryRow, anchored: set[str]) -> str:
    """Each study of the row: its label (a link to it in the report), DOI and PubMed."""
    out = []
    used = {e.study for e in row.evidence if e.used}
    for sid in row.study_ids:
        study = base.study(sid)
        label, _ = citation_label(study.citation)
        name = f'<a href="#s-{_slug(sid)}">{_e(label)}</a>' if sid in anchored else _e(label)
        mark = " (estimate)" if sid in used else ""
        links = " · ".join(citation_links(study.citation))
        out.append(f"<li>{name}{mark}{'<br>' + links if links else ''}</li>")
    return f'<ul class="studies reasons">{"".join(out)}</ul>'


def _certainty_html(row: SummaryRow) -> str:
    reasons = [
        f"{d.domain} −{d.steps}: {'; '.join(d.reasons)}" if d.reasons else f"{d.domain} −{d.steps}"
        for d in row.domains
        if d.steps
    ]
    head = [f"starts {row.start[0]}: {row.start[1]}"]
    if row.curator is not None:
        why = "; ".join(row.curator[1]) or "no reason recorded"
        reasons.append(f"curator's certainty {row.curator[0]} overrides {row.computed}: {why}")
    items = "".join(f"<li>{_e(x)}</li>" for x in (*head, *reasons))
    return f'{certainty_badge(row.certainty)}<ul class="reasons">{items}</ul>'


def _relabel(base: EvidenceBase, row: SummaryRow, text: str) -> str:
    """Text of the summary with each study named as the report names it (never "n.d.")."""
    for e in row.evidence:
        label, _ = citation_label(base.study(e.study).citation)
        if e.label != label:
            text = re.sub(rf"(?<![\w-]){re.escape(e.label)}(?![\w-])", label, text)
    return text


def _label(label: str, findings: Sequence[str]) -> str:
    """A source label without the finding ids it ends with (the studies column links them)."""
    for fid in findings:
        label = label.replace(f" ({fid})", "")
    return label


def _sof_table(base: EvidenceBase, rows: Sequence[SummaryRow], anchored: set[str]) -> str:
    from ._summary import _absolute_text, _count_text

    headers = (
        "form · endpoint",
        "estimate",
        "studies (participants)",
        "certainty and why",
        "statement",
        "studies",
    )
    body = []
    for r in rows:
        est = r.estimate
        estimate = (
            f"{_e(est.text)}<br><span class=small>"
            f"{_e(_relabel(base, r, _label(est.label, est.findings)))}</span>"
            if est is not None
            else "none"
        )
        absolute = _absolute_text(r)
        if absolute:
            estimate += f'<br><span class="small">per 1,000: {_e(absolute)}</span>'
        exposure = "" if r.exposure is m.Exposure.SUPPLEMENT else f" ({r.exposure})"
        cells = (
            f"<strong>{_e(r.form)}</strong>{_e(exposure)}<br>{_e(r.endpoint.name)} "
            f'<span class="small">{_e(r.endpoint.kind)}</span>',
            estimate,
            _e(_count_text(r)),
            _certainty_html(r),
            f"{_e(_relabel(base, r, r.statement))}<br>{direction_badge(r.direction)} "
            + " ".join(f'<span class="flag">{_e(f)}</span>' for f in r.flags),
            _study_links(base, r, anchored),
        )
        body.append(
            "<tr>"
            + "".join(
                f'<td data-label="{_e(h)}">{c}</td>' for h, c in zip(headers, cells, strict=True)
            )
            + "</tr>"
        )
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    return (
        '<div class="scroll"><table class="sof sticky"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>"
    )


def _summary_section(base: EvidenceBase, overview: Overview, anchored: set[str]) -> str:
    from ._compare import _preference

    parts = []
    for o in overview.rows:
        order = {id(r): i for i, r in enumerate(o.summary_rows)}
        people = sorted(
            (r for r in o.summary_rows if r.kind.value != "preclinical"),
            key=lambda r: _preference(r, order[id(r)]),
        )
        pre = [r for r in o.summary_rows if r.kind.value == "preclinical"]
        head = (
            f'<h3><a href="#ind-{_slug(o.indication.id)}">{_e(o.indication.name)}</a></h3>'
            f'<p class="headline">{certainty_badge(o.certainty)} {direction_badge(o.direction)} '
            f'<span class="statement">{_e(_named(base, o.best, o.statement))}</span></p>'
        )
        table = _sof_table(base, people, anchored) if people else ""
        lab = (
            "<p class=small>Cells or animals, not people: "
            + "; ".join(_e(f"{r.form}, {r.endpoint.name}") for r in pre)
            + ".</p>"
            if pre
            else ""
        )
        left = (
            f'<p class="small">{o.left_out} finding{"s" if o.left_out != 1 else ""} of this '
            "indication left out (the reasons are under its findings below and in "
            "<code>vitk2 summary</code>).</p>"
            if o.left_out and people
            else ""
        )
        parts.append(head + table + lab + left)
    return f"""
<section id="summary"><h2>Summary of findings</h2>
<p>For each vitamin K form, indication and endpoint with evidence in people, the indication's
best row first (as the overview ranks them): the best available
estimate and where it comes from, the studies and participants behind it (each counted once),
the GRADE certainty with every reason it was rated down, and a plain-language statement in
GRADE's wording. Diet cohorts and blood levels are associations, never the effect of a
supplement; single-arm trials and case reports give response rates without a comparator. Flags
mark what a reader must weigh: integrity notices, corrections, subgroups, pooled forms,
supplement-maker funding, co-treatments. Badges are explained under
<a href="#reading-guide">How to read this report</a>.</p>
{"".join(parts)}</section>"""


# --------------------------------------------------------------------------------------------
# Forest plots of effects


def _effect_analyses(
    base: EvidenceBase, overview: Overview
) -> list[tuple[SummaryRow, MetaAnalysis]]:
    """Per effect row with two or more comparable trials: their meta-analysis, as the summary pools.

    Comparable means what the summary row holds (no active comparator, no retracted or
    unverified value); with two trials the interval is Wald z, as in the summary.
    """
    import attrs

    from . import meta as _meta
    from ._evidence_meta import MetaAnalysisError

    out: list[tuple[SummaryRow, MetaAnalysis]] = []
    for o in overview.rows:
        for r in o.summary_rows:
            if r.kind.value != "effect":
                continue
            compound = r.compounds[0] if len(r.compounds) == 1 else None
            wanted = set(r.findings)
            analyses: list[MetaAnalysis] = []
            try:
                analyses.append(base.meta_analysis(r.indication, r.endpoint, compound=compound))
            except MetaAnalysisError as err:
                for name, _ in err.measures:
                    if name in ("RR", "OR", "RD", "HR", "MD", "SMD"):
                        analyses.append(
                            base.meta_analysis(
                                r.indication,
                                r.endpoint,
                                compound=compound,
                                measure=name,  # type: ignore[arg-type]
                            )
                        )
            best: tuple[MetaAnalysis, list[Any]] | None = None
            for ma in analyses:
                kept = [c for c in ma.contrasts if c.finding in wanted]
                if len(kept) >= 2 and (best is None or len(kept) > len(best[1])):
                    best = (ma, kept)
            if best is None:
                continue
            ma, kept = best
            sizes = _meta.EffectSizes(
                rows=[
                    _meta.EffectSize(
                        label=c.label, yi=c.yi, vi=c.vi, index=i, corrected=c.corrected
                    )
                    for i, c in enumerate(kept)
                ],
                measure=ma.measure,  # type: ignore[arg-type]
            )
            test: _meta.Test = "knha" if len(kept) >= 3 else "z"
            result = _meta.pool(sizes, method="REML", test=test)
            contrasts = tuple(
                attrs.evolve(c, weight=w) for c, w in zip(kept, result.weights, strict=True)
            )
            out.append((r, attrs.evolve(ma, contrasts=contrasts, result=result, notes=())))
    return out


def _svg_element(fig: Figure, salt: str, title: str, tid: str) -> str:
    """A matplotlib figure as an ``<svg>`` element that scales to its box; text stays text."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(fig)
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    start = _SVG_START.search(text)
    assert start is not None  # matplotlib writes one <svg> element
    root = _SVG_SIZE.sub("", start.group())
    root = root.replace("<svg", f'<svg role="img" aria-labelledby="{tid}" class="forest"', 1)
    body = _SVG_METADATA.sub("", text[start.end() :], count=1)
    return root + f'<title id="{tid}">{_e(title)}</title>' + body.rstrip()


def _effects_section(
    base: EvidenceBase, analyses: Sequence[tuple[SummaryRow, MetaAnalysis]], plot: bool
) -> tuple[str, bool]:
    head = '<section id="effects"><h2>Forest plots of effects</h2>'
    intro = (
        "<p>For each endpoint with two or more comparable trials in the summary (the same "
        "vitamin K form against placebo or no treatment): each trial's effect with its "
        "interval and weight, the pooled estimate (REML; Hartung-Knapp intervals from three "
        "trials, Wald z for two), the prediction interval and the line of no effect, on a log "
        "axis for ratios.</p>"
    )
    if not analyses:
        return head + intro + "<p>No endpoint has two comparable trials yet.</p></section>", False
    figures = []
    drew = False
    for i, (row, ma) in enumerate(analyses):
        caption = _e(_relabel(base, row, ma.summary()))
        est = row.estimate
        if est is not None and est.source != "pooled":
            caption += (
                f" The summary row's estimate is not this pool but {_e(est.text)} from "
                f"{_e(_relabel(base, row, _label(est.label, est.findings)))}, first by the "
                "summary's preference order (for example, more "
                "participants)."
            )
        svg = None
        if plot:
            try:
                fig = ma.plot()
            except ImportError:
                fig = None
            if fig is not None:
                svg = _svg_element(fig, f"vitk2-effects-{i}", ma.title(), f"effects-title-{i}")
                drew = True
        body = (
            f'<div class="plot">{svg}</div>'
            if svg is not None
            else '<p class="notice">The forest plot needs matplotlib, which is not installed. '
            f"Run <code>{_e(PLOT_HINT)}</code> and write the report again to get it.</p>"
        )
        figures.append(
            f'<figure aria-label="{_e(ma.title())}">'
            '<p class="small scroll-hint">The plot scrolls sideways.</p>'
            f"{body}<figcaption>{caption}</figcaption></figure>"
        )
    return head + intro + "".join(figures) + "</section>", drew


def _result_html(row: ComparisonRow) -> str:
    stat = row.finding.statistic
    if isinstance(stat, m.Proportion) and row.interval is not None:
        ci = row.interval
        return (
            f'<span class="nowrap">{stat.events}/{stat.total} = <strong>{stat.estimate:.1%}</strong></span>'
            f'<br><span class="small">{interval_text(ci, ".1%")}</span>'
        )
    if isinstance(stat, m.Effect):
        reported = stat.interval
        interval = (
            f'<br><span class="small">{interval_text(reported, "g")}</span>'
            if reported is not None
            else ""
        )
        p = f' <span class="small">p {_e(stat.p_value)}</span>' if stat.p_value is not None else ""
        approx = "≈" if stat.approximate else ""
        unit = f" {_e(stat.unit.value)}" if stat.unit is not None else ""
        per = f" per {_e(stat.per)}" if stat.per is not None else ""
        return f"{_e(stat.measure)} <strong>{approx}{stat.value:g}</strong>{unit}{per}{p}{interval}"
    if isinstance(stat, m.ArmCounts) and row.interval is not None and row.estimate is not None:
        # the risk ratio compare() computes from the two arms, with its interval
        return (
            f"{_e(row.statistic)}<br>risk ratio <strong>{row.estimate:.3g}</strong>"
            f'<br><span class="small">{interval_text(row.interval, "g")}</span>'
        )
    return _e(row.statistic)


def citation_label(citation: m.Citation) -> tuple[str, str | None]:
    """A citation's short label for the report, and why a part of it is missing.

    ``"Lasemi 2018"`` when the first author and the year are recorded. A year the curators
    withheld (unconfirmed, or absent from the source) is said to be missing, never written
    as "n.d.", which would claim the document is undated: ``"Yoshida, year not recorded"``,
    with the curators' note (``"2011 comes only from an unconfirmed secondary note"``) as
    the reason. Without authors the journal stands in, and the label says so.
    """
    year = citation.year
    if citation.first_author:
        who = _surname(citation.first_author)
        missing = "" if isinstance(year, int) else "year"
    else:
        who = _journal_or_id(citation)
        missing = "authors" if isinstance(year, int) else "authors and year"
    if not missing:
        return f"{who} {year}", None
    label = f"{who} {year}" if isinstance(year, int) else who
    notes = []
    if isinstance(year, m.NotReported):
        notes.append(f"Year: {year.note or 'not reported'}")
    if "authors" in missing:
        notes.append("Authors: not recorded.")
    return f"{label}, {missing} not recorded", " ".join(notes)


def _surname(author: str) -> str:
    """``"De Vriese AS"`` -> ``"De Vriese"``: the name without the trailing initials."""
    parts = author.split()
    if len(parts) > 1 and parts[-1].isupper() and len(parts[-1]) <= 4:
        parts = parts[:-1]
    return " ".join(parts)


def _journal_or_id(citation: m.Citation) -> str:
    """The journal, or the citation's id when the journal is not recorded either."""
    return citation.journal if isinstance(citation.journal, str) else citation.id


def citation_links(citation: m.Citation) -> list[str]:
    """Links (HTML) to the citation's DOI, PubMed and PMC records, or its web page without either.

    Every address goes through `_render.safe_href`; one it refuses is shown as text.
    """
    out: list[tuple[str | None, str]] = []
    if citation.doi:
        out.append((_render.safe_href(citation.doi), f"doi:{citation.doi}"))
    if citation.pmid:
        url = f"https://pubmed.ncbi.nlm.nih.gov/{citation.pmid}/"
        out.append((_render.safe_href(url), f"PubMed {citation.pmid}"))
    if citation.pmcid:
        url = f"https://pmc.ncbi.nlm.nih.gov/articles/{citation.pmcid}/"
        out.append((_render.safe_href(url), citation.pmcid))
    if citation.url and not out:
        out.append((_render.safe_href(citation.url), "web page"))
    return [
        f'<a href="{_e(href)}" rel="noopener noreferrer">{_e(text)}</a>' if href else _e(text)
        for href, text in out
    ]


def _citation_html(citation: m.Citation, *, primary: bool) -> str:
    """One report of a study: its kind, journal and links; its label too unless primary.

    The study's heading already names the primary report.
    """
    label, missing = citation_label(citation)
    who = "" if primary else f"{_e(label)} · "
    journal = (
        f" · <em>{_e(citation.journal)}</em>"
        if isinstance(citation.journal, str) and citation.first_author
        else ""
    )
    parts = [f"{who}{_e(citation.kind)}{journal}", *citation_links(citation)]
    note = f'<div class="small">{_e(missing)}</div>' if missing else ""
    return f'<div class="cite">{" · ".join(parts)}{note}</div>'


def _study_head(
    study: m.Study, level: int | None, design: m.Design, common: Sequence[str], n_cols: int
) -> str:
    who, missing = citation_label(study.citation)
    title = f' title="{_e(missing)}"' if missing else ""
    caveats = (
        '<ul class="caveats">' + "".join(f"<li>{_e(c)}</li>" for c in common) + "</ul>"
        if common
        else ""
    )
    return (
        f'<tr class="study" id="s-{_slug(study.id)}"><td colspan="{n_cols}">'
        f'<span class="who"{title}>{_e(who)}</span> '
        f'{level_badge(level)} <span class="design">{_e(design)}</span> '
        f'<span class="mono small">{_e(study.id)}</span>'
        f'<div class="title">{_e(study.title)}</div>'
        + "".join(_citation_html(c, primary=i == 0) for i, c in enumerate(study.reports))
        + f"{caveats}</td></tr>"
    )


def _sources_html(base: EvidenceBase, finding: m.Finding) -> str:
    """The citations a finding's provenance points into, labelled as the report labels them."""
    out = []
    for cid in finding.sources:
        citation = base.citation(cid)
        label, missing = citation_label(citation)
        out.append(
            f'<span class="missing" title="{_e(missing)}">{_e(label)}</span>'
            if missing
            else _e(label)
        )
    return ", ".join(out)


def _comparison_table(base: EvidenceBase, comparison: Comparison) -> str:
    """Findings grouped by study (studies in order of their strongest row)."""
    headers = ("regimen", "outcome", "n", "result", "direction", "certainty", "source")
    head = "".join(f"<th{' class=num' if h == 'n' else ''}>{_e(h)}</th>" for h in headers)
    groups: dict[str, list[ComparisonRow]] = {}
    for r in comparison.rows:
        groups.setdefault(r.study.id, []).append(r)
    body: list[str] = []
    for rows in groups.values():
        common = [c for c in rows[0].caveats if all(c in r.caveats for r in rows[1:])]
        first = rows[0]
        body.append(_study_head(first.study, first.level, first.study.design, common, len(headers)))
        for r in rows:
            cert = r.certainty
            reasons = "; ".join(cert.reasons)
            vs = f'<br><span class="small">vs {_e(r.comparator)}</span>' if r.comparator else ""
            basis = (
                f'<br><span class="small">rests on {_e(r.design)} evidence</span>'
                if r.design is not r.study.design
                else ""
            )
            cells = (
                f"{_e(r.regimen)}{vs}",
                f'{_e(r.measure)}<br><span class="small">{_e(r.finding.outcome.kind)}</span>{basis}',
                _e(r.n if r.n is not None else ""),
                _result_html(r),
                direction_badge(r.direction),
                f"{certainty_badge(cert.certainty, reasons)}<br>"
                f'<span class="small">{_e(cert.source)}</span>',
                f'{_sources_html(base, r.finding)}<br><span class="small">{_e(r.provenance)}</span>',
            )
            own = [c for c in r.caveats if c not in common]
            last = "" if own else " last"
            body.append(
                f'<tr class="finding{last}" id="f-{_slug(r.finding.id)}">'
                + "".join(
                    f'<td{" class=num" if i == 2 else ""} data-label="{_e(h)}">{c}</td>'
                    for i, (h, c) in enumerate(zip(headers, cells, strict=True))
                )
                + "</tr>"
            )
            if own:
                items = "".join(f"<li>{_e(c)}</li>" for c in own)
                body.append(
                    f'<tr class="caveats"><td colspan="{len(headers)}">'
                    f'<ul class="caveats">{items}</ul></td></tr>'
                )
    return (
        '<div class="scroll"><table class="comparison"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>"
    )


def _pooled_html(comparison: Comparison) -> str:
    if not comparison.pooled:
        return ""
    rows = [
        (
            _e(p.measure),
            _e(" + ".join(p.compounds)),
            str(len(p.findings)),
            f"<strong>{p.result.estimate:.1%}</strong>",
            interval_text(p.result.interval, ".1%"),
            f"{p.result.i2:.0%}",
            "<br>".join(f'<span class="mono">{_e(f)}</span>' for f in p.findings),
        )
        for p in comparison.pooled
    ]
    table = _table(
        ("outcome", "compounds", "studies", "pooled", "interval", "I²", "findings"),
        rows,
        num=(2, 3, 4, 5),
    )
    return (
        f"<h3>Pooled across studies</h3><p class=small>{_e(comparison.lineage.pooling_model)}; "
        f"one finding per study, so two reports of one trial never count twice.</p>{table}"
    )


def _excluded_html(comparison: Comparison) -> str:
    if not comparison.excluded:
        return "<h3>Left out</h3><p class=small>Nothing was left out.</p>"
    items = "".join(
        f'<li><span class="mono">{_e(e.finding)}</span>: {_e(e.reason)}</li>'
        for e in comparison.excluded
    )
    return f"<h3>Left out ({len(comparison.excluded)})</h3><ul>{items}</ul>"


def _regimens_html(regimens: RegimenComparison) -> str:
    out = ["<h3>Regimen against regimen</h3>"]
    if regimens.contrasts:
        rows = []
        for c in regimens.contrasts:
            rd = c.risk_difference
            rr = c.risk_ratio
            rr_text = (
                f"{rr.estimate:.2f}<br><span class=small>{interval_text(rr.interval, '.2f')}</span>"
                if rr is not None
                else "not estimable"
            )
            rows.append(
                (
                    _e(c.measure),
                    _e(c.a),
                    _e(c.b),
                    f"{rd.estimate:+.1%}<br><span class=small>{interval_text(rd.interval, '+.1%')}</span>",
                    rr_text,
                    f'<span class="mono">{_e(c.study)}</span>',
                )
            )
        out.append(
            _table(
                (
                    "outcome",
                    "regimen A",
                    "regimen B",
                    "risk difference (A - B)",
                    "risk ratio",
                    "randomised arms of",
                ),
                rows,
                num=(3, 4),
            )
        )
    else:
        out.append(
            "<p>No two randomised arms of one trial report the same proportion, so no "
            "regimen contrast is computed.</p>"
        )
    if regimens.refusals:
        by_reason: dict[str, list[Any]] = {}
        for r in regimens.refusals:
            by_reason.setdefault(r.reason, []).append(r)
        summary = "; ".join(
            f"{len(v)} because {_e(reason)}"
            for reason, v in sorted(by_reason.items(), key=lambda kv: -len(kv[1]))
        )
        refused = [(_e(r.measure), _e(r.a), _e(r.b), _e(r.reason)) for r in regimens.refusals]
        n = len(regimens.refusals)
        out.append(
            f"<details><summary>{n} pairing{'s' if n != 1 else ''} not computed: {summary}</summary>"
            + _table(("outcome", "regimen A", "regimen B", "why not"), refused)
            + "</details>"
        )
    return "".join(out)


def _lineage_html(lineage: Lineage) -> str:
    dataset = (
        f"{lineage.dataset} {lineage.version}" if lineage.dataset else "user data (no dataset)"
    )
    return (
        f'<p class="lineage">Lineage: dataset <strong>{_e(dataset)}</strong>; content hash '
        f"<code>sha256:{_e(lineage.content_hash)}</code>; {_e(lineage.intervals)}; "
        f"pooling: {_e(lineage.pooling_model)}; "
        f"vitk2 {_e(lineage.vitk2_version)}.</p>"
    )


def _indication_section(
    base: EvidenceBase, overview: Overview, ind: m.Indication, include_retracted: bool
) -> str:
    row = overview.row(ind.id)
    comparison = base.compare(ind, include_retracted=include_retracted)
    regimens = base.compare_regimens(ind)
    subtypes = base.subtypes(ind)[1:]
    sub = (
        f'<p class="small">Includes {", ".join(_e(s.name) for s in subtypes)}.</p>'
        if subtypes
        else ""
    )
    cards = f"""
<div class="cards">
<div class="card"><div class="label">Best evidence</div><div class="value">OCEBM {level_badge(row.best_level)}</div></div>
<div class="card"><div class="label">Certainty</div><div class="value">{certainty_badge(row.certainty)}</div></div>
<div class="card"><div class="label">Direction</div><div class="value">{direction_badge(row.direction)}</div></div>
<div class="card"><div class="label">Studies · participants</div><div class="value">{row.studies} · {row.participants:,}</div></div>
</div>
<p class="statement">{_e(_named(base, row.best, row.statement))}</p>
<p class="basis">From one row of the <a href="#summary">summary of findings</a>:
{_e(_named(base, row.best, row.basis))}.</p>"""
    n = len(comparison.rows)
    return f"""
<section id="ind-{_slug(ind.id)}"><h2>{_e(ind.name[:1].upper() + ind.name[1:])}</h2>{sub}{cards}
<h3>Findings ({n})</h3>
<p class="small">Grouped by study, strongest evidence first. Caveats that apply to every finding of a
study are shown once under its name. Hover over a certainty badge for the reasons it was rated down.</p>
{_comparison_table(base, comparison)}
{_pooled_html(comparison)}
{_excluded_html(comparison)}
{_regimens_html(regimens)}
{_lineage_html(comparison.lineage)}
</section>"""


# --------------------------------------------------------------------------------------------
# Forest plot


def _forest_rows(
    base: EvidenceBase, overview: Overview, include_retracted: bool
) -> list[tuple[str, ComparisonRow]]:
    """The proportions of uncontrolled evidence (single-arm trials, case series and reports).

    One arm of a controlled trial is not plotted: its effect is the contrast with the other
    arm, which the forest plots of effects draw.
    """
    out: list[tuple[str, ComparisonRow]] = []
    for r in overview.rows:
        comparison = base.compare(r.indication, include_retracted=include_retracted)
        for row in comparison.rows:
            if (
                isinstance(row.finding.statistic, m.Proportion)
                and row.interval is not None
                and row.design in _UNCONTROLLED
            ):
                out.append((r.indication.name, row))
    return out


_UNCONTROLLED: Final = frozenset(
    {m.Design.SINGLE_ARM_TRIAL, m.Design.CASE_SERIES, m.Design.CASE_REPORT}
)


_METHOD_NAMES: Final = {"wilson": "Wilson score", "clopper-pearson": "Clopper-Pearson"}


def _forest_intervals(rows: Sequence[tuple[str, ComparisonRow]]) -> tuple[str, str]:
    """The method and the level of the plotted intervals, as the rows' intervals state them.

    The rows come from one kind of comparison, so their intervals share one method and level.
    """
    ci = rows[0][1].interval
    assert ci is not None  # only rows with an interval are plotted
    return _METHOD_NAMES.get(ci.method, ci.method), level_text(ci.level)


def _forest_figure(rows: Sequence[tuple[str, ComparisonRow]]) -> Figure | None:
    """The forest plot as a matplotlib figure without a canvas, or None without matplotlib."""
    try:
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
    except ImportError:
        return None
    if not rows:
        return None
    method, level = _forest_intervals(rows)

    # One line per finding, a gap and a heading line per indication.
    lines: list[tuple[str, ComparisonRow | None]] = []
    for name in dict.fromkeys(name for name, _ in rows):
        lines.append((name, None))
        lines.extend((name, row) for n, row in rows if n == name)
    height = 1.1 + 0.46 * len(lines)
    fig = Figure(figsize=(11, height), dpi=110)
    ax = fig.add_axes((0.45, 0.9 / height, 0.29, 1 - 1.4 / height))
    # Text from the evidence is drawn as it is written: "$" starts no mathtext, no TeX runs.
    plain: Final[dict[str, Any]] = {"parse_math": False, "usetex": False}
    total = len(lines)
    for i, (name, row) in enumerate(lines):
        y = total - i
        if row is None:
            ax.text(
                -0.02,
                y,
                _clip(name, 60),
                transform=ax.get_yaxis_transform(),
                ha="right",
                va="center",
                fontsize=10.5,
                fontweight="bold",
                **plain,
            )
            continue
        stat = row.finding.statistic
        assert isinstance(stat, m.Proportion)
        assert row.interval is not None
        colour = _CERTAINTY_COLOURS.get(row.certainty.certainty, "#777777")
        ax.plot(
            [row.interval.low, row.interval.high], [y, y], color=colour, lw=2, solid_capstyle="butt"
        )
        ax.plot(
            [stat.estimate],
            [y],
            marker="s",
            color=colour,
            markersize=4 + 6 * min(1.0, (stat.total / 200) ** 0.5),
            linestyle="none",
        )
        # Short: the first author (or the journal) and the year where recorded; the
        # tables say what is missing, and the line below names the source by its id.
        cit = row.study.citation
        who = _surname(cit.first_author) if cit.first_author else _journal_or_id(cit)
        if isinstance(cit.year, int):
            who = f"{who} {cit.year}"
        source = ", ".join(dict.fromkeys(row.finding.sources))
        ax.text(
            -0.02,
            y + 0.18,
            _clip(f"{who} · {row.measure}", 64),
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=9.5,
            **plain,
        )
        ax.text(
            -0.02,
            y - 0.22,
            _clip(f"{row.regimen} · {source}", 78),
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            color="#59636e",
            **plain,
        )
        ax.text(
            1.03,
            y,
            f"{stat.events}/{stat.total}  {stat.estimate:.1%} ({row.interval.low:.1%} to {row.interval.high:.1%})",
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=9,
            family="monospace",
            **plain,
        )
    ax.set_ylim(0.4, total + 0.6)
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0], ["0%", "20%", "40%", "60%", "80%", "100%"])
    ax.tick_params(labelsize=9)
    ax.grid(axis="x", color="#dddddd", lw=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(
        f"proportion with the outcome\n(square: estimate, larger with n; line: {method} {level} CI)",
        fontsize=9,
        **plain,
    )
    ax.text(
        1.03,
        total + 0.9,
        f"events/n  estimate ({level} CI)",
        transform=ax.get_yaxis_transform(),
        ha="left",
        va="center",
        fontsize=9,
        fontweight="bold",
        family="monospace",
        **plain,
    )
    handles = [
        Line2D([], [], color=colour, marker="s", lw=2, label=str(cert))
        for cert, colour in _CERTAINTY_COLOURS.items()
    ]
    fig.legend(
        handles=handles,
        title="certainty",
        loc="lower right",
        fontsize=8.5,
        title_fontsize=8.5,
        frameon=False,
        ncols=2,
        bbox_to_anchor=(0.99, 0.0),
    )
    return fig


def forest_plot_png(rows: Sequence[tuple[str, ComparisonRow]]) -> bytes | None:
    """A forest plot of proportions with their intervals, as PNG bytes.

    Returns:
        The PNG, or None when matplotlib is not installed or there is nothing to plot.
    """
    fig = _forest_figure(rows)
    if fig is None:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


# What the report keeps of matplotlib's SVG file: the <svg> element, without the XML prolog,
# the document type and the RDF metadata (which names matplotlib and the date).
_SVG_START: Final = re.compile(r"<svg\b[^>]*>")
_SVG_METADATA: Final = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SVG_SIZE: Final = re.compile(r'\s(?:width|height)="[^"]*"')


def forest_plot_svg(rows: Sequence[tuple[str, ComparisonRow]]) -> str | None:
    """A forest plot of proportions with their intervals, as an ``<svg>`` element for HTML.

    Text stays text (``svg.fonttype: none``), so the plot is crisp at any size and a reader
    can search it; matplotlib escapes it as XML. The element has a ``viewBox`` and no fixed
    size, so it scales to the width of its box. The same rows give the same bytes: ids are
    salted with a constant and no date is written.

    Returns:
        The ``<svg>`` element, or None when matplotlib is not installed or there is nothing
        to plot.
    """
    fig = _forest_figure(rows)
    if fig is None:
        return None
    return _svg_element(
        fig,
        "vitk2-forest",
        "Uncontrolled response rates: proportions with intervals",
        "forest-title",
    )


def _forest_section(rows: Sequence[tuple[str, ComparisonRow]], svg: str | None) -> str:
    if not rows:
        return (
            '<section id="forest"><h2>Uncontrolled response rates</h2>'
            "<p>No single-arm trial, case series or case report gives a proportion.</p></section>"
        )
    method, level = _forest_intervals(rows)
    head = (
        f'<section id="forest"><h2>Uncontrolled response rates, with their {level} intervals</h2>'
    )
    if svg is None:
        return head + (
            '<p class="notice">The forest plot needs matplotlib, which is not installed. '
            f"Run <code>{_e(PLOT_HINT)}</code> and write the report again to get it. "
            "Every interval is also in the tables below.</p></section>"
        )
    n = len(rows)
    return head + (
        f'<figure aria-label="Plot of {n} uncontrolled response rates with {_e(method)} {level} '
        'confidence intervals, grouped by indication and coloured by certainty">'
        '<p class="small scroll-hint">The plot scrolls sideways.</p>'
        f'<div class="plot">{svg}</div>'
        "<figcaption>This plot is drawn only for evidence without a comparator (single-arm "
        "trials, case series, case reports), where a response rate is all there is: each line "
        f"is one such proportion (events out of a total) with its {_e(method)} {level} interval. "
        "Without a control arm no line is an effect of vitamin K: people may respond without it. "
        "Colour shows certainty, not direction. Rates from different studies and outcomes are "
        "shown together for orientation only; they are not comparisons. Effects against a "
        'comparator are in the <a href="#effects">forest plots of effects</a>.'
        "</figcaption></figure></section>"
    )


# --------------------------------------------------------------------------------------------
# The whole report


def render_report(
    base: EvidenceBase, *, include_retracted: bool = False, plot: bool = True
) -> tuple[str, bool]:
    """The report as HTML text.

    >>> import vitk2
    >>> html, has_plot = render_report(vitk2.load().filter(indication="mds"), plot=False)
    >>> html.startswith("<!DOCTYPE html>"), 'id="ind-mds"' in html, has_plot
    (True, True, False)

    Args:
        base: The evidence to report on.
        include_retracted: Keep findings that rest on retracted publications.
        plot: Draw the forest plot (needs matplotlib).

    Returns:
        The HTML, and whether it holds the forest plot.
    """
    from . import __version__

    overview = base.overview(include_retracted=include_retracted)
    roots = [r.indication for r in overview.rows]
    forest = _forest_rows(base, overview, include_retracted)
    svg = forest_plot_svg(forest) if plot else None
    effects, drew_effects = _effects_section(base, _effect_analyses(base, overview), plot)
    anchored = {
        r.study.id for i in roots for r in base.compare(i, include_retracted=include_retracted).rows
    }
    ds = base.dataset
    dataset = (
        f"{_e(ds.title or ds.id)} · dataset <strong>{_e(ds.id)} {_e(ds.version)}</strong>"
        + (f" ({ds.date.isoformat()})" if ds.date else "")
        if ds is not None
        else "user evidence (no dataset record)"
    )
    n_findings = len(base.findings)
    toc = "".join(
        f'<li><a href="#{anchor}">{_e(label)}</a></li>'
        for anchor, label in [
            ("summary", "Summary of findings"),
            ("effects", "Forest plots of effects"),
            ("overview", "Overview"),
            ("matrix", "Compounds × indications"),
            ("reading-guide", "How to read this report"),
            ("forest", "Uncontrolled response rates"),
            *((f"ind-{_slug(i.id)}", i.name) for i in roots),
            ("methods", "Methods and lineage"),
        ]
    )
    sections = "".join(_indication_section(base, overview, i, include_retracted) for i in roots)
    lin = overview.lineage
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vitk2 {_e(__version__)}">
<title>vitk2 evidence report: vitamin K2</title>
<style>{_CSS}</style>
</head>
<body><main>
<header class="top">
<h1>The clinical evidence on vitamin K2</h1>
<p class="sub">{dataset}</p>
<p class="sub">{len(base.studies)} studies · {n_findings} findings · {len(roots)} indications ·
content hash <code>{_e(base.content_hash[:16])}</code> · vitk2 {_e(__version__)}</p>
</header>
<nav class="toc"><strong>Contents</strong><ol>{toc}</ol></nav>
{_summary_section(base, overview, anchored)}
{effects}
{_overview_section(base, overview)}
{_matrix_section(base, overview)}
{_guide()}
{_forest_section(forest, svg)}
{sections}
<section id="methods"><h2>Methods and lineage</h2>
<p>The summary of findings, the overview and the matrix follow <code>vitk2 summary</code>:
one row per vitamin K form, indication and endpoint; the best estimate by a stated preference
order; certainty computed over GRADE's five domains, each downgrade with its reason, a
curator's certainty kept apart; the effects pooled by REML with Hartung-Knapp intervals (Wald z
for two trials). In the tables of findings, evidence levels follow the Oxford CEBM 2011 table;
certainty follows GRADE. A certainty marked
<em>curated</em> was assigned by a curator with reasons; one marked <em>suggested</em> is vitk2's
reading of the data (design, size, interval width, outcome kind, integrity notices) for a curator
to confirm. Proportions carry {_e(lin.interval_method)} score intervals at {level_text(lin.level)};
effects carry the intervals their sources report, each at its own level; contrasts between
randomised arms use Newcombe's hybrid score interval for the difference and log-scale intervals
for the ratios, at the level each states; pooling uses
{_e(lin.pooling_model)} and only across distinct studies.</p>
{_lineage_html(lin)}
</section>
<footer>Generated by vitk2 {_e(__version__)} from the evidence with content hash
<code>sha256:{_e(base.content_hash)}</code>. This report summarises published evidence; it is not
medical advice.</footer>
</main></body>
</html>
"""
    return page, svg is not None or drew_effects


def write_report(
    base: EvidenceBase,
    path: str | os.PathLike[str] = "vitk2-report.html",
    *,
    include_retracted: bool = False,
    plot: bool = True,
) -> tuple[Path, bool]:
    """Write the report to ``path`` (parent directories must exist), whole or not at all.

    The report is written to a temporary file next to ``path`` and renamed over it, so a
    failure (a full disk, Ctrl-C) leaves any previous file as it was (see
    `_render.write_atomic`). The file names vitk2 in a
    ``<meta name="generator" content="vitk2 ...">`` tag, by which ``vitk2 report`` knows a
    report it may replace.

    Returns:
        The absolute path written, and whether the report holds the forest plot.

    Raises:
        OSError: If the file cannot be written.
    """
    text, has_plot = render_report(base, include_retracted=include_retracted, plot=plot)
    return _render.write_atomic(path, text.encode("utf-8")), has_plot
