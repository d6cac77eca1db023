"""The baseline the loader is measured against: hand-written construction of the model.

``build(data)`` turns a parsed evidence document (dicts and lists, as ``json.loads`` returns
it) into the same :class:`vitk2.EvidenceBase` that ``vitk2`` builds, by calling the attrs
classes directly: the validators in the classes run, as they must for the objects to be the
same, but there is no converter, no error collection and no dispatch. It trusts its input
(a bad document raises whatever the first failing constructor raises), which is what makes it
the lower bound. The runner checks that its result equals vitk2's.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from vitk2 import _model as m
from vitk2._base import EvidenceBase
from vitk2._units import Quantity, Unit, parse_unit

_QTY = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*?)\s*")
_FREQ = re.compile(r"\s*(\d+)\s*/\s*(\S+)\s*")
_NR = "not reported"


def _q(v: Any) -> Quantity:
    if isinstance(v, str):
        num, unit = _QTY.fullmatch(v).groups()  # type: ignore[union-attr]
        return Quantity(int(num) if num.lstrip("+-").isdigit() else float(num), unit)
    return Quantity(float(v["value"]), v["unit"])


def _nr(v: Any) -> m.NotReported | None:
    if v == _NR:
        return m.NOT_REPORTED
    if isinstance(v, dict) and "not_reported" in v:
        return m.NotReported(v["not_reported"])
    return None


def _q_nr(v: Any) -> Any:
    if v is None:
        return None
    nr = _nr(v)
    return nr if nr is not None else _q(v)


def _opt_q(v: Any) -> Quantity | None:
    return None if v is None else _q(v)


def _int_nr(v: Any) -> Any:
    nr = _nr(v)
    return nr if nr is not None else v


def _str_nr(v: Any) -> Any:
    nr = _nr(v)
    return nr if nr is not None else v


def _date(v: Any) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(v)


def _pv(v: Any) -> m.PValue | None:
    if isinstance(v, dict):  # one-sided, or a relation kept apart from a number
        base = m.PValue.parse(v["value"])
        return m.PValue(
            value=base.value,
            relation=v.get("relation", base.relation),
            sided=v.get("sided", 2),
            decimals=base.decimals,
        )
    return None if v is None else m.PValue.parse(v)


def _code(d: dict[str, Any]) -> m.Code:
    return m.Code(
        system=m.CodeSystem(d["system"]),
        code=d["code"],
        status=m.Verification(d.get("status", "verified")),
        note=d.get("note"),
    )


def compound(d: dict[str, Any]) -> m.Compound:
    return m.Compound(
        id=d["id"],
        name=d["name"],
        compound_class=d["compound_class"],
        family=d["family"],
        synonyms=tuple(d.get("synonyms", ())),
        brands=tuple(d.get("brands", ())),
        codes=tuple(_code(c) for c in d.get("codes", ())),
        notes=tuple(d.get("notes", ())),
    )


def indication(d: dict[str, Any]) -> m.Indication:
    return m.Indication(
        id=d["id"],
        name=d["name"],
        category=m.IndicationCategory(d["category"]),
        synonyms=tuple(d.get("synonyms", ())),
        abbreviations=tuple(d.get("abbreviations", ())),
        codes=tuple(_code(c) for c in d.get("codes", ())),
        parent=d.get("parent"),
        notes=tuple(d.get("notes", ())),
    )


def endpoint(d: dict[str, Any]) -> m.Endpoint:
    return m.Endpoint(
        id=d["id"],
        name=d["name"],
        kind=m.OutcomeKind(d["kind"]),
        better=m.Better(d["better"]),
        dimension=d.get("dimension"),
        synonyms=tuple(d.get("synonyms", ())),
        codes=tuple(_code(c) for c in d.get("codes", ())),
        parent=d.get("parent"),
        notes=tuple(d.get("notes", ())),
    )


def _integrity(d: dict[str, Any] | None) -> m.Integrity:
    if d is None:
        return m.Integrity()
    return m.Integrity(
        status=m.IntegrityStatus(d.get("status", "none_known")),
        date=_date(d.get("date")),
        year=d.get("year"),
        notice=d.get("notice"),
        note=d.get("note"),
    )


def citation(d: dict[str, Any], inds: dict[str, m.Indication]) -> m.Citation:
    return m.Citation(
        id=d["id"],
        kind=m.DocumentKind(d["kind"]),
        authors=tuple(d.get("authors", ())),
        title=_str_nr(d.get("title", _NR)),
        journal=_str_nr(d.get("journal", _NR)),
        year=_int_nr(d.get("year", _NR)),
        volume=d.get("volume"),
        issue=d.get("issue"),
        pages=d.get("pages"),
        doi=d.get("doi"),
        pmid=d.get("pmid"),
        pmcid=d.get("pmcid"),
        url=d.get("url"),
        reports_on=d.get("reports_on"),
        interim=d.get("interim", False),
        curated=d.get("curated", True),
        indications=tuple(inds[i] for i in d.get("indications", ())),
        integrity=_integrity(d.get("integrity")),
        notes=tuple(d.get("notes", ())),
    )


def _prov(d: dict[str, Any]) -> m.Quote | m.Locator:
    if "text" in d:
        return m.Quote(text=d["text"], source=d["source"], language=d.get("language", "en"))
    return m.Locator(
        source=d["source"], locator=d["locator"], status=m.Verification(d.get("status", "verified"))
    )


def _freq(v: Any) -> Any:
    if v is None:
        return None
    nr = _nr(v)
    if nr is not None:
        return nr
    times, per = _FREQ.fullmatch(v).groups()  # type: ignore[union-attr]
    return m.Frequency(times=int(times), per=parse_unit(per))


def _route(v: Any) -> Any:
    nr = _nr(v)
    return nr if nr is not None else m.Route(v)


def _dose(d: dict[str, Any], comps: dict[str, m.Compound]) -> m.Dose:
    return m.Dose(
        compound=comps[d["compound"]],
        amount=_q_nr(d.get("amount", _NR)),
        frequency=_freq(d.get("frequency")),
        route=_route(d.get("route", _NR)),
    )


def _phase(d: dict[str, Any], comps: dict[str, m.Compound]) -> m.Phase:
    return m.Phase(
        id=d["id"],
        name=d["name"],
        doses=tuple(_dose(x, comps) for x in d["doses"]),
        duration=_q_nr(d.get("duration")),
        entry=d.get("entry"),
        eligible=_int_nr(d.get("eligible")),
        entered=_int_nr(d.get("entered")),
        evaluable=_int_nr(d.get("evaluable")),
    )


def _regimen(d: dict[str, Any] | None, comps: dict[str, m.Compound]) -> m.Regimen | None:
    if d is None:
        return None
    return m.Regimen(
        doses=tuple(_dose(x, comps) for x in d.get("doses", ())),
        duration=_q_nr(d.get("duration")),
        phases=tuple(_phase(x, comps) for x in d.get("phases", ())),
        background=tuple(_dose(x, comps) for x in d.get("background", ())),
        procedures=tuple(d.get("procedures", ())),
        continuation=d.get("continuation"),
        total_duration=_opt_q(d.get("total_duration")),
    )


def _sex(d: dict[str, Any] | None) -> m.SexCounts | None:
    if d is None:
        return None
    return m.SexCounts(female=_int_nr(d.get("female", _NR)), male=_int_nr(d.get("male", _NR)))


def _arm(d: dict[str, Any], comps: dict[str, m.Compound]) -> m.Arm:
    return m.Arm(
        id=d["id"],
        name=d["name"],
        role=m.GroupRole(d["role"]),
        regimen=_regimen(d.get("regimen"), comps),
        size=_int_nr(d.get("size")),
        sex=_sex(d.get("sex")),
        description=d.get("description"),
    )


def _age(v: Any) -> Any:
    if v is None:
        return None
    nr = _nr(v)
    if nr is not None:
        return nr
    return m.Age(measure=m.SummaryMeasure(v["measure"]), value=_q(v["value"]))


def _population(d: dict[str, Any]) -> m.Population:
    return m.Population(
        description=d["description"],
        enrolled=_int_nr(d.get("enrolled")),
        evaluable=_int_nr(d.get("evaluable")),
        age=_age(d.get("age")),
        sex=_sex(d.get("sex")),
        subtypes=tuple(d.get("subtypes", ())),
        risk_groups=tuple(d.get("risk_groups", ())),
    )


def _level(d: dict[str, Any]) -> m.EvidenceLevel:
    c = d.get("certainty")
    return m.EvidenceLevel(
        ocebm=d["ocebm"],
        rationale=d["rationale"],
        certainty=None if c is None else m.Certainty(c),
        downgrades=tuple(d.get("downgrades", ())),
        question=d.get("question"),
    )


def _setting(d: dict[str, Any] | None) -> m.Setting:
    if d is None:
        return m.Setting()
    return m.Setting(
        country=_str_nr(d.get("country", _NR)),
        region=d.get("region"),
        multicentre=d.get("multicentre"),
        affiliation_country=_str_nr(d.get("affiliation_country", _NR)),
    )


def _outcome(d: dict[str, Any], ends: dict[str, m.Endpoint]) -> m.Outcome:
    e = d.get("endpoint")
    return m.Outcome(
        name=d["name"],
        kind=m.OutcomeKind(d["kind"]),
        definition=d.get("definition"),
        criteria=d.get("criteria"),
        timepoint=_opt_q(d.get("timepoint")),
        site=d.get("site"),
        endpoint=None if e is None else ends[e],
    )


def _summary(d: dict[str, Any]) -> m.Summary:
    sk = d.get("spread_kind")
    return m.Summary(
        group=d["group"],
        measure=m.SummaryMeasure(d["measure"]),
        value=_q(d["value"]),
        spread=_opt_q(d.get("spread")),
        spread_kind=None if sk is None else m.Spread(sk),
        n=d.get("n"),
        change=d.get("change"),
    )


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def _statistic(d: dict[str, Any]) -> m.Statistic:
    kind = d["kind"]
    if kind == "proportion":
        return m.Proportion(
            events=d["events"],
            total=d["total"],
            counts=m.CountKind(d.get("counts", "participants")),
            reported_percent=_f(d.get("reported_percent")),
        )
    if kind == "effect":
        unit = d.get("unit")
        return m.Effect(
            measure=m.EffectMeasure(d["measure"]),
            value=float(d["value"]),
            low=_f(d.get("low")),
            high=_f(d.get("high")),
            level=float(d.get("level", 0.95)),
            p_value=_pv(d.get("p_value")),
            unit=None if unit is None else parse_unit(unit),
            per=_opt_q(d.get("per")),
            approximate=d.get("approximate", False),
            reference=d.get("reference"),
            adjusted=d.get("adjusted"),
            studies=d.get("studies"),
            participants=d.get("participants"),
            decimals=d.get("decimals"),
        )
    if kind == "arm_counts":
        return m.ArmCounts(
            arms=tuple(
                m.ArmCount(
                    group=a["group"],
                    events=a["events"],
                    total=a["total"],
                    reported_percent=_f(a.get("reported_percent")),
                )
                for a in d["arms"]
            ),
            counts=m.CountKind(d.get("counts", "participants")),
            p_value=_pv(d.get("p_value")),
            test=d.get("test"),
        )
    if kind == "group_summaries":
        return m.GroupSummaries(
            summaries=tuple(_summary(s) for s in d["summaries"]),
            p_value=_pv(d.get("p_value")),
            test=d.get("test"),
        )
    if kind == "count":
        return m.Count(value=d["value"], counts=m.CountKind(d.get("counts", "participants")))
    if kind == "breakdown":
        return m.Breakdown(
            categories=tuple(
                m.Category(label=c["label"], count=c["count"]) for c in d["categories"]
            ),
            counts=m.CountKind(d.get("counts", "events")),
            among=d.get("among"),
        )
    if kind == "time_to_event":
        return m.TimeToEvent(time=_q(d["time"]), event=d["event"], censored=d["censored"])
    if kind == "before_after":
        sk = d.get("spread_kind")
        return m.BeforeAfter(
            group=d["group"],
            measure=m.SummaryMeasure(d["measure"]),
            before=_q(d["before"]),
            after=_q(d["after"]),
            before_spread=_opt_q(d.get("before_spread")),
            after_spread=_opt_q(d.get("after_spread")),
            spread_kind=None if sk is None else m.Spread(sk),
            n=d.get("n"),
            p_value=_pv(d.get("p_value")),
            test=d.get("test"),
        )
    if kind == "cumulative":
        return m.Cumulative(
            arms=tuple(
                m.CumulativeArm(
                    group=a["group"], percent=float(a["percent"]), decimals=a.get("decimals")
                )
                for a in d["arms"]
            ),
            method=d.get("method"),
            curve_p_value=_pv(d.get("curve_p_value")),
            curve_test=d.get("curve_test"),
        )
    if kind == "test":
        return m.TestResult(
            p_value=_pv(d["p_value"]),
            test=d.get("test"),
            statistic=_f(d.get("statistic")),
            df=d.get("df"),
            groups=tuple(d.get("groups", ())),
        )
    return m.Narrative(summary=d["summary"])


def _comparator(v: Any, comps: dict[str, m.Compound]) -> m.Comparator | None:
    if v is None or isinstance(v, str):
        return None if v is None else m.Comparator(description=v)
    kind = v.get("kind")
    return m.Comparator(
        group=v.get("group"),
        kind=None if kind is None else m.ComparatorKind(kind),
        compounds=tuple(comps[c] for c in v.get("compounds", ())),
        studies=v.get("studies"),
        participants=v.get("participants"),
        description=v.get("description"),
    )


def _finding(
    d: dict[str, Any],
    comps: dict[str, m.Compound],
    inds: dict[str, m.Indication],
    ends: dict[str, m.Endpoint],
) -> m.Finding:
    basis, cert = d.get("basis"), d.get("certainty")
    return m.Finding(
        id=d["id"],
        outcome=_outcome(d["outcome"], ends),
        indication=inds[d["indication"]],
        statistic=_statistic(d["statistic"]),
        direction=m.Direction(d["direction"]),
        provenance=tuple(_prov(p) for p in d["provenance"]),
        group=d.get("group"),
        comparator=_comparator(d.get("comparator"), comps),
        subgroup=d.get("subgroup"),
        compounds=tuple(comps[c] for c in d.get("compounds", ())),
        basis=None if basis is None else m.Design(basis),
        certainty=None if cert is None else m.Certainty(cert),
        certainty_reasons=tuple(d.get("certainty_reasons", ())),
        rests_on=tuple(d.get("rests_on", ())),
        caveats=tuple(d.get("caveats", ())),
        notes=tuple(d.get("notes", ())),
        exposure=_enum(m.Exposure, d.get("exposure")),
    )


def _enum(cls: Any, v: Any) -> Any:
    return None if v is None else cls(v)


def _funding(d: dict[str, Any] | None) -> m.Funding | None:
    if d is None:
        return None
    return m.Funding(
        funders=tuple(d.get("funders", ())),
        supplement_maker=d.get("supplement_maker"),
        note=d.get("note"),
    )


def _grade(v: Any) -> Any:
    return _int_nr(v) if v is not None else None


def _adverse(d: dict[str, Any]) -> m.AdverseEvent:
    return m.AdverseEvent(
        term=d["term"],
        participants=_int_nr(d["participants"]),
        provenance=tuple(_prov(p) for p in d["provenance"]),
        total=_int_nr(d.get("total")),
        grade=_grade(d.get("grade")),
        group=d.get("group"),
        notes=tuple(d.get("notes", ())),
    )


def study(
    d: dict[str, Any],
    comps: dict[str, m.Compound],
    inds: dict[str, m.Indication],
    cits: dict[str, m.Citation],
    ends: dict[str, m.Endpoint],
) -> m.Study:
    return m.Study(
        id=d["id"],
        title=d["title"],
        reports=tuple(cits[c] for c in d["reports"]),
        design=m.Design(d["design"]),
        indications=tuple(inds[i] for i in d["indications"]),
        population=_population(d["population"]),
        level=_level(d["level"]),
        setting=_setting(d.get("setting")),
        arms=tuple(_arm(a, comps) for a in d.get("arms", ())),
        findings=tuple(_finding(f, comps, inds, ends) for f in d.get("findings", ())),
        adverse_events=tuple(_adverse(a) for a in d.get("adverse_events", ())),
        limitations=tuple(d.get("limitations", ())),
        notes=tuple(d.get("notes", ())),
        provenance=tuple(_prov(p) for p in d.get("provenance", ())),
        includes=tuple(d.get("includes", ())),
        exposure=_enum(m.Exposure, d.get("exposure")),
        blinding=_enum(m.Blinding, d.get("blinding")),
        funding=_funding(d.get("funding")),
    )


def _dataset(d: dict[str, Any] | None) -> m.Dataset | None:
    if d is None:
        return None
    return m.Dataset(
        id=d["id"],
        version=d["version"],
        date=_date(d.get("date")),
        title=d.get("title"),
        description=d.get("description"),
    )


def build(data: dict[str, Any]) -> EvidenceBase:
    """The evidence base of a parsed document, built by hand."""
    compounds = [compound(c) for c in data.get("compounds", ())]
    comps = {c.id: c for c in compounds}
    endpoints = [endpoint(e) for e in data.get("endpoints", ())]
    ends = {e.id: e for e in endpoints}
    indications = [indication(i) for i in data.get("indications", ())]
    inds = {i.id: i for i in indications}
    citations = [citation(c, inds) for c in data.get("citations", ())]
    cits = {c.id: c for c in citations}
    studies = [study(s, comps, inds, cits, ends) for s in data.get("studies", ())]
    return EvidenceBase(
        compounds=tuple(compounds),
        indications=tuple(indications),
        citations=tuple(citations),
        studies=tuple(studies),
        dataset=_dataset(data.get("dataset")),
        endpoints=tuple(endpoints),
    )


__all__ = ["Unit", "build"]
