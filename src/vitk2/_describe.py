"""Records as text for people: a study, finding, compound, indication or citation in detail.

What ``vitk2 show`` prints: each field on a line of its own, labelled, with its value wrapped
under itself; lists as items; what the source does not report said so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import _model as m
from ._render import TextOptions, interval_text, statistic_text

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    from ._base import EvidenceBase

__all__ = ["describe"]


def describe(base: EvidenceBase, record: Any, width: int) -> list[str]:
    """The lines that show ``record`` (a study, finding, compound, indication or citation).

    ``width`` is the width of the lines in characters; ``base`` is what the record is read
    in (its study, the studies that report or rest on it, its subtypes and its overview).
    """
    if isinstance(record, m.Study):
        return _describe_study(base, record, width)
    if isinstance(record, m.Finding):
        study = base.study_of(record)
        return [
            f"Finding {record.id} (study {study.id})",
            *_describe_finding(base, study, record, width, indent="  "),
        ]
    if isinstance(record, m.Compound):
        return _describe_compound(base, record, width)
    if isinstance(record, m.Indication):
        return _describe_indication(base, record, width)
    return _describe_citation(base, record, width)


def _field(label: str, value: Any, width: int, indent: str = "  ", *, hang: int = 0) -> list[str]:
    """``label  value`` with the value wrapped under itself (``hang`` more for list items)."""
    text = " ".join(str(value).split())
    if not text:
        return []
    head = f"{indent}{label:<13}"
    return TextOptions(width=width).lines(text, head, " " * (len(head) + hang))


def _items(label: str, values: Iterable[Any], width: int, indent: str = "  ") -> list[str]:
    out: list[str] = []
    for i, v in enumerate(values):
        out += _field(label if i == 0 else "", f"- {v}", width, indent, hang=2)
    return out


def _reported(value: Any) -> str:
    if isinstance(value, m.NotReported):
        return f"not reported ({value.note})" if value.note else "not reported"
    return "" if value is None else str(value)


def _citation_text(c: m.Citation) -> str:
    parts = [f"{c.label} ({c.kind})"]
    if isinstance(c.title, str):
        parts.append(c.title.rstrip(".") + ".")
    if isinstance(c.journal, str):
        where = c.journal
        if c.volume:
            where += f" {c.volume}"
            if c.issue:
                where += f"({c.issue})"
        if c.pages:
            where += f":{c.pages}"
        parts.append(where + ".")
    for label, value in (("doi:", c.doi), ("PMID", c.pmid), ("", c.pmcid), ("", c.url)):
        if value:
            parts.append(f"{label} {value}".strip())
    if c.interim:
        parts.append("[interim results]")
    if c.integrity.status is not m.IntegrityStatus.NONE_KNOWN:
        parts.append(f"[{str(c.integrity.status).upper()}]")
    return " ".join(parts)


def _describe_study(base: EvidenceBase, s: m.Study, width: int) -> list[str]:
    lines = [f"Study {s.id}: {s.title}"]
    lines += _field("design", s.design, width)
    lines += _field("evidence", s.level, width)
    lines += _field("question", s.level.question or "", width)
    lines += _field("rationale", s.level.rationale, width)
    lines += _items("downgrades", s.level.downgrades, width)
    lines += _field("indications", ", ".join(f"{i.name} ({i.id})" for i in s.indications), width)
    pop = s.population
    who = [pop.description.rstrip(".")]
    if pop.enrolled is not None:
        who.append(f"enrolled {_reported(pop.enrolled)}")
    if pop.evaluable is not None:
        who.append(f"evaluable {_reported(pop.evaluable)}")
    if pop.age is not None:
        who.append(f"age {_reported(pop.age)}")
    if pop.subtypes:
        who.append("subtypes " + ", ".join(pop.subtypes))
    lines += _field("population", "; ".join(who), width)
    st = s.setting
    where = [_reported(st.country)]
    if st.region:
        where.append(st.region)
    if st.multicentre is not None:
        where.append("multicentre" if st.multicentre else "single centre")
    if not isinstance(st.affiliation_country, m.NotReported):
        where.append(f"authors' affiliation: {st.affiliation_country}")
    lines += _field("setting", "; ".join(where), width)
    lines += _items("reports", (_citation_text(c) for c in s.reports), width)
    for c in s.reports:
        if c.integrity.status is not m.IntegrityStatus.NONE_KNOWN:
            note = f": {c.integrity.note}" if c.integrity.note else ""
            lines += _field("integrity", f"{c.id} is {c.integrity.status}{note}", width)
    if s.arms:
        lines += ["", "Groups"]
        for a in s.arms:
            size = f", n={_reported(a.size)}" if a.size is not None else ""
            lines += _field(a.id, f"{a.name} ({a.role}{size})", width)
            if a.regimen is not None:
                lines += _regimen_lines(a.regimen, width)
    if s.findings:
        lines += ["", f"Findings ({len(s.findings)})"]
        for f in s.findings:
            lines += [f"  {f.id}", *_describe_finding(base, s, f, width, indent="    ")]
    if s.adverse_events:
        lines += ["", "Adverse events"]
        for ae in s.adverse_events:
            denominator = f"/{_reported(ae.total)}" if ae.total is not None else ""
            grade = f", grade {_reported(ae.grade)}" if ae.grade is not None else ""
            group = f" in {ae.group}" if ae.group else ""
            lines += _field(
                "", f"{ae.term}: {_reported(ae.participants)}{denominator}{grade}{group}", width
            )
    if s.limitations:
        lines += ["", *_items("limitations", s.limitations, width)]
    if s.notes:
        lines += _items("notes", s.notes, width)
    return lines


def _regimen_lines(r: m.Regimen, width: int) -> list[str]:
    out: list[str] = []
    if r.doses:
        duration = f" for {_reported(r.duration)}" if r.duration is not None else ""
        out += _field("", "; ".join(str(d) for d in r.doses) + duration, width, "    ")
    for p in r.phases:
        duration = f" for {_reported(p.duration)}" if p.duration is not None else ""
        entry = f" (entry: {p.entry})" if p.entry else ""
        out += _field(
            "",
            f"{p.id} {p.name}: " + "; ".join(str(d) for d in p.doses) + duration + entry,
            width,
            "    ",
        )
    if r.background:
        out += _field("", "background: " + "; ".join(str(d) for d in r.background), width, "    ")
    if r.procedures:
        out += _field("", "plus " + "; ".join(r.procedures), width, "    ")
    if r.continuation:
        out += _field("", f"continuation: {r.continuation}", width, "    ")
    return out


def _describe_finding(
    base: EvidenceBase, s: m.Study, f: m.Finding, width: int, indent: str
) -> list[str]:
    from ._compare import assess_certainty

    lines = _field("outcome", f"{f.outcome.name} ({f.outcome.kind})", width, indent)
    lines += _field("indication", f.indication.name, width, indent)
    if f.group:
        lines += _field("group", f.group, width, indent)
    if f.subgroup:
        lines += _field("subgroup", f.subgroup, width, indent)
    if f.comparator:
        lines += _field("comparator", f.comparator, width, indent)
    result = statistic_text(f.statistic)
    if isinstance(f.statistic, m.Proportion):
        ci = f.statistic.interval()
        result += f"; {interval_text(ci, '.1%')} ({ci.method})"
    lines += _field("result", result, width, indent)
    lines += _field("direction", f.direction, width, indent)
    assessment = assess_certainty(base, s, f)
    why = f": {'; '.join(f.certainty_reasons)}" if f.certainty_reasons else ""
    lines += _field("certainty", f"{assessment.certainty}, {assessment.source}{why}", width, indent)
    if f.basis is not None:
        lines += _field("rests on", f"{f.basis} evidence", width, indent)
    for p in f.provenance:
        if isinstance(p, m.Quote):
            lang = "" if p.language == "en" else f", {p.language}"
            lines += _field("quote", f"“{p.text}” ({p.source}{lang})", width, indent)
        else:
            lines += _field("located", f"{p.source}: {p.locator} ({p.status})", width, indent)
    retracted = base.retracted_basis(f)
    if retracted:
        lines += _field("RETRACTED", "rests on " + ", ".join(retracted), width, indent)
    lines += _items("caveats", f.caveats, width, indent)
    lines += _items("notes", f.notes, width, indent)
    return lines


def _describe_compound(base: EvidenceBase, c: m.Compound, width: int) -> list[str]:
    lines = [f"Compound {c.id}: {c.name}"]
    lines += _field("class", f"{c.compound_class} ({c.family})", width)
    lines += _field("synonyms", ", ".join(c.synonyms), width)
    lines += _field("brands", ", ".join(c.brands), width)
    lines += _field(
        "codes", ", ".join(f"{code.system.value} {code.code}" for code in c.codes), width
    )
    studies = [s for s in base.studies if any(x.id == c.id for x in s.compounds)]
    lines += _items("studies", (f"{s.id} ({s.design}, {s.level})" for s in studies), width)
    lines += _items("notes", c.notes, width)
    return lines


def _describe_indication(base: EvidenceBase, ind: m.Indication, width: int) -> list[str]:
    lines = [f"Indication {ind.id}: {ind.name}"]
    lines += _field("category", ind.category, width)
    lines += _field("also", ", ".join((*ind.abbreviations, *ind.synonyms)), width)
    parent = base.parent(ind)
    lines += _field("subtype of", f"{parent.name} ({parent.id})" if parent else "", width)
    subs = base.subtypes(ind)[1:]
    lines += _field("subtypes", ", ".join(f"{i.name} ({i.id})" for i in subs), width)
    lines += _field(
        "codes", ", ".join(f"{code.system.value} {code.code}" for code in ind.codes), width
    )
    if ind.parent is None:
        try:
            row = base.overview().row(ind.id)
        except KeyError:
            row = None
        if row is not None:
            lines += _field(
                "evidence",
                f"{row.studies} studies, {row.participants} participants; best OCEBM "
                f"{row.best_level or 'n/a'}; certainty {row.certainty or 'not graded'}; "
                f"direction for K2: {row.direction} ({row.basis})",
                width,
            )
    ids = {i.id for i in base.subtypes(ind)}
    studies = [
        s
        for s in base.studies
        if ids & ({i.id for i in s.indications} | {f.indication.id for f in s.findings})
    ]
    lines += _items("studies", (f"{s.id} ({s.design}, {s.level})" for s in studies), width)
    lines += _items("notes", ind.notes, width)
    if studies:
        lines += ["", f"Run 'vitk2 compare {ind.id}' for the findings."]
    return lines


def _describe_citation(base: EvidenceBase, c: m.Citation, width: int) -> list[str]:
    lines = [f"Citation {c.id}: {c.label}"]
    lines += _field("kind", c.kind, width)
    lines += _field("authors", ", ".join(c.authors), width)
    lines += _field("title", _reported(c.title), width)
    lines += _field("journal", _reported(c.journal), width)
    lines += _field("year", _reported(c.year), width)
    lines += _field(
        "ids",
        " ".join(
            f"{k} {v}"
            for k, v in (("doi", c.doi), ("pmid", c.pmid), ("pmcid", c.pmcid), ("url", c.url))
            if v
        ),
        width,
    )
    if c.reports_on:
        lines += _field("reports on", c.reports_on, width)
    integrity = c.integrity
    if integrity.status is not m.IntegrityStatus.NONE_KNOWN:
        text = str(integrity.status).upper()
        if integrity.date:
            text += f" ({integrity.date.isoformat()})"
        if integrity.notice:
            text += f"; notice: {integrity.notice}"
        if integrity.note:
            text += f"; {integrity.note}"
        lines += _field("integrity", text, width)
    if not c.curated:
        lines += _field("curated", "no: cited by a curated source, not curated itself", width)
    studies = [s for s in base.studies if any(r.id == c.id for r in s.reports)]
    resting = [
        f.id
        for s in base.studies
        for f in s.findings
        if c.id in f.rests_on and all(r.id != c.id for r in s.reports)
    ]
    lines += _items("reports", (f"study {s.id}" for s in studies), width)
    lines += _items("rested on by", resting, width)
    lines += _items("notes", c.notes, width)
    return lines
