"""A comparison's rows against their definition.

``compare`` works out each study's facts once and keeps sentences and intervals by their
inputs; the rows it builds must still say exactly what the definitions below say, finding by
finding. The definitions are written for clarity, one finding at a time, with nothing kept.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import vitk2
from vitk2 import _compare
from vitk2 import _model as m
from vitk2 import testing as vt


def _downgrades_by_definition(
    base: vitk2.EvidenceBase, study: m.Study, finding: m.Finding
) -> list[tuple[str, str]]:
    rob, imp, ind = "risk of bias", "imprecision", "indirectness"
    out: list[tuple[str, str]] = []
    design = finding.basis or study.design
    if design is m.Design.CASE_REPORT or study.size == 1:
        out.append((rob, "a single patient, without a control."))
    elif design in (m.Design.SINGLE_ARM_TRIAL, m.Design.CASE_SERIES):
        out.append(
            (
                rob,
                "no control group: the effect of the treatment cannot be separated from the "
                "natural course.",
            )
        )
    elif design is m.Design.NARRATIVE_REVIEW:
        out.append(
            (
                rob,
                "a narrative review: no systematic search or appraisal of the studies behind "
                "the claim.",
            )
        )
    if any("open" in x.lower() and "label" in x.lower() for x in study.limitations):
        out.append((rob, "open label: participants and assessors knew the treatment."))
    notices = base.integrity_of(finding)
    if notices:
        flagged = ", ".join(f"{c.id} ({c.integrity.status})" for c in notices)
        out.append((rob, f"rests on publications with integrity notices: {flagged}."))
    if design in (m.Design.IN_VITRO, m.Design.ANIMAL):
        out.append((ind, f"{design} evidence, not evidence in patients."))
    kind = finding.outcome.kind
    if kind in (m.OutcomeKind.SURROGATE, m.OutcomeKind.BIOMARKER):
        out.append((ind, f"'{finding.outcome.name}' is a {kind} outcome, not one patients feel."))
    stat = finding.statistic
    if isinstance(stat, m.Proportion):
        ci = stat.interval()
        if stat.events < 10 or ci.width > 0.3:
            out.append(
                (
                    imp,
                    f"{stat.events} events in {stat.total}; the 95 % interval "
                    f"{ci.low:.1%} to {ci.high:.1%} is wide.",
                )
            )
    elif isinstance(stat, m.Effect):
        if stat.excludes_null is False:
            out.append((imp, f"the interval {stat.low:g} to {stat.high:g} includes no effect."))
        elif stat.excludes_null is None:
            out.append((imp, "no confidence interval is reported."))
    elif isinstance(stat, (m.Narrative, m.Breakdown, m.Count)):
        out.append((imp, "no estimate with an interval is reported."))
    return out


def _caveats_by_definition(
    base: vitk2.EvidenceBase, study: m.Study, finding: m.Finding
) -> tuple[str, ...]:
    out: list[str] = []
    design = finding.basis or study.design
    if design.is_preclinical:
        out.append(f"Preclinical ({design}): not evidence in patients.")
    if study.design is m.Design.CASE_REPORT or study.size == 1:
        out.append("A single patient: no estimate of effect is possible.")
    if study.design is m.Design.NARRATIVE_REVIEW:
        out.append("A narrative review's claim is only as strong as the studies behind it.")
    if (
        study.design in (m.Design.CROSS_SECTIONAL, m.Design.CASE_CONTROL)
        or finding.direction is m.Direction.ASSOCIATION
    ):
        out.append("An association from an observational study, not an effect of treatment.")
    if finding.group is not None:
        group = study.group(finding.group)
        if (
            isinstance(group, m.Phase)
            and group.entry
            and any(
                a.regimen is not None and a.regimen.phases and a.regimen.phases[0].id != group.id
                for a in study.arms
            )
        ):
            out.append(
                f"Sequential design: '{group.name}' enrolled only those meeting '{group.entry}'; "
                "it is not a randomised arm."
            )
    if study.design is m.Design.SINGLE_ARM_TRIAL:
        out.append("Single-arm trial: no control group.")
    for cit in study.reports:
        if cit.interim and cit.id in finding.sources:
            out.append(f"Interim results ({cit.label}); never merged with a later report.")
        if cit.kind is m.DocumentKind.NEWS_REPORT and cit.id in finding.sources:
            out.append(f"Reported second-hand by a news report ({cit.label}).")
    for cit in base.integrity_of(finding):
        out.append(f"Integrity: {cit.id} is {cit.integrity.status}.")
    # Since evidence format 2 a row also says when a value is unverified and when a maker of
    # the supplement funded or supplied the study (both are flags of the summary too).
    if not finding.verified:
        out.append(
            "Unverified: a value of this finding could not be checked in the source itself; "
            "it is left out of pooled estimates unless asked for."
        )
    if study.funding is not None and study.funding.supplement_maker:
        out.append(f"Funded or supplied by a maker of the supplement: {study.funding}.")
    out.extend(finding.caveats)
    return tuple(dict.fromkeys(out))


def _provenance_by_definition(finding: m.Finding) -> str:
    kinds = {"quote" if isinstance(p, m.Quote) else "locator" for p in finding.provenance}
    return " + ".join(sorted(kinds))


def _check_rows(base: vitk2.EvidenceBase, **options: object) -> set[str]:
    """Every row of every indication's comparison against the definitions; the caveats seen."""
    seen: set[str] = set()
    for ind in base.indications:
        comparison = _compare.compare(base, ind.id, **options)  # type: ignore[arg-type]
        for row in comparison.rows:
            study, f = base.study_of(row.finding), row.finding
            downs = [(d.domain.value, d.reason) for d in row.certainty.downgrades]
            assert downs == _downgrades_by_definition(base, study, f), f.id
            assert row.caveats == _caveats_by_definition(base, study, f), f.id
            assert row.provenance == _provenance_by_definition(f), f.id
            assert row.regimen == _compare._regimen_text(base, study, f), f.id
            if isinstance(f.statistic, m.Proportion):
                method = str(options.get("interval", "wilson"))
                level = float(options.get("level", 0.95))  # type: ignore[arg-type]
                assert row.interval == f.statistic.interval(method, level), f.id
            # the public helpers say the same as the row
            assert _compare.assess_certainty(base, study, f) == row.certainty
            assert _compare.suggest_downgrades(base, study, f) == row.certainty.downgrades
            seen.update(row.caveats)
    return seen


class TestRowsMatchTheDefinitions:
    @pytest.mark.parametrize(
        "options",
        [
            {},
            {"include_retracted": True},
            {"interval": "clopper-pearson", "level": 0.9},
        ],
    )
    def test_the_bundled_rows(self, options: dict[str, object]) -> None:
        seen = _check_rows(vitk2.load(), **options)
        # the bundled data exercise the sentences worth checking
        assert any(c.startswith("Sequential design") for c in seen)
        assert any(c.startswith("A single patient") for c in seen)
        assert any(c.startswith("Interim results") for c in seen) or any(
            c.startswith("Reported second-hand") for c in seen
        )

    @settings(max_examples=60, deadline=None)
    @given(vt.evidence_bases(max_studies=4))
    def test_generated_rows(self, base: vitk2.EvidenceBase) -> None:
        _check_rows(base)
        _check_rows(base, include_retracted=True, interval="clopper-pearson", level=0.8)


class TestVocabularyMembers:
    @pytest.mark.parametrize(
        "enum",
        [m.Design, m.Certainty, m.Direction, m.OutcomeKind, m.IntegrityStatus, m.EffectMeasure],
    )
    def test_text_hash_and_format(self, enum: type[m._Vocabulary]) -> None:
        for member in enum:
            text = member.value.replace("_", " ")
            assert str(member) == text
            assert f"{member}" == text
            assert f"[{member:>40}]" == f"[{text:>40}]"
            assert enum(member.value) is member
            assert {member: 1}[enum(member.value)] == 1
        assert len(set(enum)) == len(enum)


class TestImpreciseProportions:
    def test_every_small_count_matches_the_definition(self) -> None:
        for events in range(40):
            for total in sorted({max(events, 1), events + 3, 40, 120, 900}):
                stat = m.Proportion(events=events, total=total)
                kept = _compare._imprecise_proportion(events, total)
                ci = stat.interval()
                wide = events < 10 or ci.width > 0.3
                assert (kept is not None) == wide, (events, total)
                if kept is not None:
                    assert kept.reason.startswith(f"{events} events in {total}; ")
