"""What a finding is about has one home: `Study.compounds_of`, `doses_of` and `durations_of`.

Every place that shows a finding's compounds, doses or durations (the exported rows, the FHIR
exposure, the filters, the base's own methods) must show what the home says, and the home
must say what the definitions below say. The definitions are written plainly, one finding at
a time, for clarity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import vitk2
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._fhir import fhir_id
from vitk2._units import Quantity

generated = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _group_regimens(study: m.Study, finding: m.Finding) -> list[m.Regimen]:
    """The regimens a finding is about: its arm's, or every arm's for a finding of the study."""
    arms = [a for a in study.arms if finding.group in (None, a.id)]
    return [a.regimen for a in arms if a.regimen is not None]


def _phase(study: m.Study, finding: m.Finding) -> m.Phase | None:
    for a in study.arms:
        for p in a.regimen.phases if a.regimen is not None else ():
            if p.id == finding.group:
                return p
    return None


def _doses_by_definition(study: m.Study, finding: m.Finding) -> list[m.Dose]:
    phase = _phase(study, finding)
    if phase is not None:
        return list(phase.doses)
    out: list[m.Dose] = []
    for r in _group_regimens(study, finding):
        out += r.doses
        for p in r.phases:
            out += p.doses
    return out


def _compounds_by_definition(study: m.Study, finding: m.Finding) -> list[m.Compound]:
    if finding.compounds:
        return list(finding.compounds)
    if finding.group is None:
        return list(study.compounds)
    out: list[m.Compound] = []
    for d in _doses_by_definition(study, finding):
        if all(c.id != d.compound.id for c in out):
            out.append(d.compound)
    return out


def _durations_by_definition(study: m.Study, finding: m.Finding) -> list[Quantity]:
    phase = _phase(study, finding)
    if phase is not None:
        times: list[object] = [phase.duration]
    else:
        times = []
        for r in _group_regimens(study, finding):
            times += [r.duration, *(p.duration for p in r.phases), r.total_duration]
    return [t for t in times if isinstance(t, Quantity)]


def _joined(items: list[str]) -> str | None:
    return ";".join(dict.fromkeys(items)) or None


def _pairs(base: vitk2.EvidenceBase) -> list[tuple[m.Study, m.Finding]]:
    return [(s, f) for s in base.studies for f in s.findings]


@generated
@given(vt.evidence_bases())
def test_the_home_says_what_the_definitions_say(base: vitk2.EvidenceBase) -> None:
    for s, f in _pairs(base):
        assert list(s.compounds_of(f)) == _compounds_by_definition(s, f)
        assert list(s.doses_of(f)) == _doses_by_definition(s, f)
        assert list(s.durations_of(f)) == _durations_by_definition(s, f)


@generated
@given(vt.evidence_bases())
def test_the_base_asks_the_home(base: vitk2.EvidenceBase) -> None:
    for s, f in _pairs(base):
        assert base.compounds_of(f) == s.compounds_of(f)
        assert base.doses_of(f) == s.doses_of(f)


@generated
@given(vt.evidence_bases())
def test_rows_show_the_home(base: vitk2.EvidenceBase) -> None:
    scopes: list[tuple[vitk2.EvidenceBase | m.Study, tuple[m.Study, ...]]] = [
        (base, base.studies),
        *((s, (s,)) for s in base.studies),
    ]
    for obj, studies in scopes:
        rows = {r["finding"]: r for r in vitk2.to_rows(obj)}
        for s in studies:
            for f in s.findings:
                row = rows[f.id]
                assert row["compounds"] == _joined([c.id for c in s.compounds_of(f)])
                assert row["regimen"] == _joined([str(d) for d in s.doses_of(f)])


def _lone_integrity_by_definition(study: m.Study) -> list[m.Citation]:
    """The flagged citations among a study's reports and what they report on, among them."""
    reports = {c.id: c for c in study.reports}
    found: dict[str, m.Citation] = {}
    for start in study.reports:
        node: m.Citation | None = start
        seen: set[str] = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            if node.integrity.status is not m.IntegrityStatus.NONE_KNOWN:
                found[node.id] = node
            node = reports.get(node.reports_on) if node.reports_on is not None else None
    return [found[k] for k in sorted(found)]


@generated
@given(vt.evidence_bases())
def test_rows_show_the_integrity_their_scope_knows(base: vitk2.EvidenceBase) -> None:
    def cells(notices: Sequence[m.Citation]) -> str | None:
        return _joined([f"{c.id}:{c.integrity.status.value}" for c in notices])

    rows = {r["finding"]: r for r in vitk2.to_rows(base)}
    for f in base.findings:
        assert rows[f.id]["integrity"] == cells(base.integrity_of(f))
    for s in base.studies:
        notices = cells(_lone_integrity_by_definition(s))
        assert all(r["integrity"] == notices for r in vitk2.to_rows(s))


@generated
@given(vt.evidence_bases())
def test_the_fhir_exposure_is_the_home(base: vitk2.EvidenceBase) -> None:
    bundle = vitk2.to_fhir(base)
    resources: dict[tuple[str, str], Any] = {
        (e["resource"]["resourceType"], e["resource"]["id"]): e["resource"]
        for e in bundle.get("entry", [])
    }
    for s, f in _pairs(base):
        if f.group is not None:  # a group's exposure is the group itself
            continue
        evidence = resources["Evidence", fhir_id(f.id)]
        exposures = [
            v["observed"]["reference"]
            for v in evidence.get("variableDefinition", [])
            if v["variableRole"]["coding"][0]["code"] == "exposure"
        ]
        compounds = s.compounds_of(f)
        if not compounds:
            assert exposures == []
            continue
        (reference,) = exposures
        variable = resources["EvidenceVariable", reference.split("/", 1)[1]]
        names = [c["description"] for c in variable["characteristic"]]
        assert names == [c.name for c in compounds]


@generated
@given(vt.evidence_bases())
def test_filters_keep_by_the_home(base: vitk2.EvidenceBase) -> None:
    pairs = _pairs(base)
    for compound in base.compounds:
        kept = base.filter(compound=compound.id, include_retracted=True)
        expected = [f.id for s, f in pairs if compound.id in {c.id for c in s.compounds_of(f)}]
        assert [f.id for f in kept.findings] == expected
    for t in dict.fromkeys(t for s, f in pairs for t in s.durations_of(f)):
        kept = base.filter(min_duration=t, include_retracted=True)
        expected = [f.id for s, f in pairs if any(x >= t for x in s.durations_of(f))]
        assert [f.id for f in kept.findings] == expected


def test_a_group_the_study_lacks_is_a_key_error() -> None:
    base = vitk2.load()
    study = base.study("mds-vk2-d3-2005")
    finding = next(f for f in base.findings if f.group not in (None, *study.group_ids))
    for ask in (study.compounds_of, study.doses_of, study.durations_of):
        with pytest.raises(KeyError):
            ask(finding)


@generated
@given(vt.evidence_bases())
def test_a_groups_compounds_are_those_of_its_doses_in_order(base: vitk2.EvidenceBase) -> None:
    for s in base.studies:
        for arm in s.arms:
            phases = arm.regimen.phases if arm.regimen is not None else ()
            groups: list[m.Arm | m.Phase] = [arm, *phases]
            for group in groups:
                doses = (
                    group.doses
                    if isinstance(group, m.Phase)
                    else (group.regimen.all_doses if group.regimen is not None else ())
                )
                expected: list[m.Compound] = []
                for d in doses:
                    if all(c.id != d.compound.id for c in expected):
                        expected.append(d.compound)
                assert {c.id for c in s.group_compounds(group.id)} == {c.id for c in expected}
        with pytest.raises(KeyError):
            s.group_compounds("no-such-group")
