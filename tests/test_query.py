"""Lookups and filters on the bundled evidence."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import Design, Direction, OutcomeKind, _query
from vitk2 import testing as vt

BASE = vitk2.load()


class TestLookups:
    @pytest.mark.parametrize(
        "name", ["mk-4", "MK4", "Menatetrenone", "GLAKAY", "menaquinone-4", "ménatétrénone"]
    )
    def test_any_name_of_a_compound(self, name: str) -> None:
        assert BASE.compound(name).id == "menatetrenone"

    @pytest.mark.parametrize(
        "name", ["HCC", "hepatocellular carcinoma", "Hepatocellular-Carcinoma", "hcc"]
    )
    def test_any_name_of_an_indication(self, name: str) -> None:
        assert BASE.indication(name).id == "hcc"

    def test_unknown_names_suggest_the_closest(self) -> None:
        with pytest.raises(vitk2.UnknownNameError) as err:
            BASE.indication("osteoporsis")
        assert err.value.suggestions[0] == "osteoporosis"
        assert (
            str(err.value)
            == "unknown indication 'osteoporsis'; did you mean 'osteoporosis', 'postmenopausal osteoporosis'?"
            or "did you mean 'osteoporosis'" in str(err.value)
        )
        assert isinstance(err.value, LookupError)
        assert isinstance(err.value, vitk2.Vitk2Error)

    def test_ambiguous_names_list_the_candidates(self) -> None:
        with pytest.raises(vitk2.AmbiguousNameError, match="ambiguous compound 'D3'"):
            BASE.compound("D3")

    def test_get_returns_a_default(self) -> None:
        assert BASE.get("compound", "nothing") is None
        assert BASE.get("compound", "nothing", "fallback") == "fallback"
        assert BASE.get("indication", "MS") is BASE.indication("multiple sclerosis")
        assert BASE.get("compound", "d3") is None  # ambiguous: the default too
        with pytest.raises(ValueError, match="expected kind"):
            BASE.get("colour", "red")  # type: ignore[call-overload]

    def test_search_ranks_exact_matches_first_then_by_kind_and_id(self) -> None:
        hits = BASE.search("osteoporosis")
        assert hits[0] == BASE.indication("osteoporosis")
        assert BASE.indication("postmenopausal osteoporosis") in hits
        assert BASE.search("osteoporosis") == hits  # deterministic
        assert BASE.search("") == ()
        vit = BASE.search("vitamin")
        assert vit == tuple(sorted(vit, key=lambda r: 0 if isinstance(r, vitk2.Compound) else 1))


class TestFilter:
    def test_indication_includes_subtypes(self) -> None:
        mds = BASE.filter(indication="mds")
        assert {f.indication.id for f in mds.findings} <= {"mds", "mds-ra", "mds-rcmd"}
        assert "mds-vk2-d3-2005" in {s.id for s in mds.studies}

    def test_compound_finds_combinations(self) -> None:
        alfa = BASE.filter(compound="alfacalcidol")
        ids = {f.id for f in alfa.findings}
        assert "mds-vk2-d3-2005.step-2.response" in ids
        assert "mds-vk2-d3-2005.step-1.response" not in ids

    def test_compound_class_finds_every_member(self) -> None:
        bis = BASE.filter(compound_class="bisphosphonate")
        found = {c.id for f in bis.findings for c in bis.compounds_of(f)}
        assert {"etidronate", "alendronate", "risedronate"} <= found

    def test_unit_safe_dose_and_duration(self) -> None:
        in_mg = BASE.filter(
            compound="MK-4", route="oral", daily_dose="45 mg/day", min_duration="16 weeks"
        )
        in_ug = BASE.filter(
            compound="MK-4",
            route="oral",
            daily_dose=("45000 µg/day", None),
            min_duration="4 months",
        )
        assert "mds-vk2-d3-2005.step-1.response" in {f.id for f in in_mg.findings}
        assert {f.id for f in in_mg.findings} >= {f.id for f in in_ug.findings} - {""}
        assert not BASE.filter(daily_dose=("1 µg/day", "10 µg/day"), compound="MK-4").findings
        assert "mds-vk2-d3-2005.step-2.response" in {
            f.id
            for f in BASE.filter(
                compound="alfacalcidol", daily_dose=("0.5 µg/day", "1 µg/day")
            ).findings
        }

    def test_several_values_are_or_criteria_are_and(self) -> None:
        either = BASE.filter(design=["case_report", "cross_sectional"])
        designs = {f.basis or s.design for s in either.studies for f in s.findings}
        assert designs == {Design.CASE_REPORT, Design.CROSS_SECTIONAL}
        both = BASE.filter(design="case_report", indication="ms")
        assert not both.studies

    def test_direction_outcome_kind_and_levels(self) -> None:
        assoc = BASE.filter(direction="association")
        assert all(f.direction is Direction.ASSOCIATION for f in assoc.findings)
        clinical = BASE.filter(outcome_kind=OutcomeKind.CLINICAL)
        assert all(f.outcome.kind is OutcomeKind.CLINICAL for f in clinical.findings)
        strong = BASE.filter(min_level=4)
        assert all(s.level.ocebm is not None and s.level.ocebm <= 4 for s in strong.studies)
        assert all(
            isinstance(s.year, int) and 2000 <= s.year <= 2010
            for s in BASE.filter(since=2000, until=2010).studies
        )
        assert all((s.size or 0) >= 40 for s in BASE.filter(min_size=40).studies)

    def test_filter_returns_a_base_that_chains(self) -> None:
        once = BASE.filter(indication="mds")
        assert isinstance(once, vitk2.EvidenceBase)
        assert once.filter(indication="mds") == once  # idempotent
        assert set(once.filter(compound="alfacalcidol").findings) <= set(once.findings)
        assert once.compound("MK4") is BASE.compound("MK4")  # the vocabulary stays whole

    @pytest.mark.parametrize(
        ("criteria", "error", "message"),
        [
            (
                {"design": "rtc"},
                vitk2.UnknownNameError,
                "did you mean 'randomised_controlled_trial'",
            ),
            ({"min_level": 7}, vitk2.CriteriaError, "OCEBM level from 1"),
            ({"daily_dose": "16 week"}, vitk2.CriteriaError, "must be a mass per time"),
            ({"indication": "osteoporsis"}, vitk2.UnknownNameError, "did you mean 'osteoporosis'"),
            ({"min_size": -1}, vitk2.CriteriaError, "min_size"),
            ({"compound_class": "statin"}, vitk2.UnknownNameError, "compound class"),
        ],
    )
    def test_bad_criteria_fail_at_once(
        self, criteria: dict[str, object], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=message):
            BASE.filter(**criteria)  # type: ignore[arg-type]  # wrong on purpose

    def test_unknown_keyword_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            BASE.filter(colour="red")  # type: ignore[call-arg]


class TestParsedCriteria:
    def test_a_name_and_its_member_share_one_kept_answer(self) -> None:
        base = vitk2.loads(vitk2.dump(BASE, "json"), "json")  # nothing kept yet
        by_name = base.filter(design="rct")
        assert base.filter(design=Design.RANDOMISED_CONTROLLED_TRIAL) is by_name
        assert base.filter(design=["randomised_controlled_trial"]) is by_name
        assert base.filter(design="rct") is by_name
        assert len(base._index.filtered) == 1
        dose = base.filter(daily_dose="45 mg/day")
        assert base.filter(daily_dose=vitk2.Quantity(45, "mg/day")) is dose

    def test_parsing_resolves_names_and_keeps_the_errors(self) -> None:
        parsed = _query.parse_criteria(BASE, design="rct", indication="mds", since=2000)
        assert parsed == _query.parse_criteria(
            BASE,
            design=Design.RANDOMISED_CONTROLLED_TRIAL,
            indication=BASE.indication("mds"),
            since=2000,
        )
        assert parsed.designs == frozenset({Design.RANDOMISED_CONTROLLED_TRIAL})
        assert parsed.indications is not None
        assert "mds-ra" in parsed.indications
        assert hash(parsed) == hash(
            _query.parse_criteria(BASE, indication="mds", design="rct", since=2000)
        )
        for _ in range(2):  # a wrong name raises every time, kept answers or not
            with pytest.raises(vitk2.UnknownNameError, match="osteoporsis") as err:
                BASE.filter(indication="osteoporsis", design=Design.CASE_REPORT)
            assert err.value.suggestions[0] == "osteoporosis"
            with pytest.raises(
                vitk2.UnknownNameError, match="did you mean 'randomised_controlled_trial'"
            ):
                _query.parse_criteria(BASE, design="rtc")

    @settings(max_examples=60, deadline=None)
    @given(vt.evidence_bases(max_studies=4), st.data())
    def test_filters_keep_what_a_finding_by_finding_definition_keeps(
        self, base: vitk2.EvidenceBase, data: st.DataObject
    ) -> None:
        criteria: dict[str, Any] = {}
        if len(base.indications) > 0 and data.draw(st.booleans()):
            criteria["indication"] = data.draw(st.sampled_from(base.indications)).id
        if len(base.compounds) > 0 and data.draw(st.booleans()):
            criteria["compound"] = data.draw(st.sampled_from(base.compounds)).id
        if data.draw(st.booleans()):
            criteria["design"] = data.draw(st.lists(st.sampled_from(Design), max_size=2))
        if data.draw(st.booleans()):
            criteria["direction"] = data.draw(st.sampled_from(Direction)).value
        if data.draw(st.booleans()):
            criteria["outcome_kind"] = data.draw(st.sampled_from(OutcomeKind))
        if data.draw(st.booleans()):
            criteria["min_level"] = data.draw(st.integers(1, 5))
        if data.draw(st.booleans()):
            criteria["since"] = data.draw(st.integers(1900, 2030))
        if data.draw(st.booleans()):
            criteria["route"] = data.draw(st.sampled_from(vitk2.Route))
        if data.draw(st.booleans()):
            criteria["daily_dose"] = ("1 µg/day", data.draw(st.sampled_from([None, "50 mg/day"])))
        criteria["include_retracted"] = data.draw(st.booleans())
        expected = _by_definition(base, criteria)
        assert _shape(vitk2.filter_evidence(base, **criteria)) == expected
        assert _shape(base.filter(**criteria)) == expected
        assert _shape(base.filter(**criteria)) == expected  # kept


def _shape(
    base: vitk2.EvidenceBase,
) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str, str]]]:
    return (
        [(s.id, [f.id for f in s.findings]) for s in base.studies],
        [(e.study, e.finding, e.reason) for e in base.excluded],
    )


def _by_definition(
    base: vitk2.EvidenceBase, criteria: dict[str, Any]
) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str, str]]]:
    """What a filter keeps, by its definition: every finding of every study, one at a time."""
    indications = (
        {i.id for i in base.subtypes(criteria["indication"])} if "indication" in criteria else None
    )
    compound = criteria.get("compound")
    designs = criteria.get("design")
    designs = {Design(d) for d in designs} if designs is not None else None
    low_dose = vitk2.Quantity(1, "µg/day")
    high = criteria.get("daily_dose", (None, None))[1]
    high_dose = vitk2.Quantity(50, "mg/day") if high is not None else None

    def keeps(s: vitk2.Study, f: vitk2.Finding) -> bool:
        level = s.level.ocebm
        doses = [d for d in base.doses_of(f) if compound is None or d.compound.id == compound]
        return (
            (indications is None or f.indication.id in indications)
            and (compound is None or compound in {c.id for c in base.compounds_of(f)})
            and (designs is None or (f.basis or s.design) in designs)
            and ("direction" not in criteria or f.direction.value == criteria["direction"])
            and ("outcome_kind" not in criteria or f.outcome.kind is criteria["outcome_kind"])
            and (
                "min_level" not in criteria
                or (level is not None and level <= criteria["min_level"])
            )
            and (
                "since" not in criteria or (isinstance(s.year, int) and s.year >= criteria["since"])
            )
            and ("route" not in criteria or any(d.route is criteria["route"] for d in doses))
            and (
                "daily_dose" not in criteria
                or any(
                    isinstance(d.daily_dose, vitk2.Quantity)
                    and d.daily_dose >= low_dose
                    and (high_dose is None or d.daily_dose <= high_dose)
                    for d in doses
                )
            )
        )

    kept: list[tuple[str, list[str]]] = []
    excluded: list[tuple[str, str, str]] = [(e.study, e.finding, e.reason) for e in base.excluded]
    for s in base.studies:
        ids = []
        for f in s.findings:
            if not keeps(s, f):
                continue
            retracted = [c.id for c in base.integrity_of(f) if c.integrity.is_retracted]
            if retracted and not criteria["include_retracted"]:
                reason = f"rests on a retracted citation: {', '.join(retracted)}"
                excluded.append((s.id, f.id, reason))
                continue
            ids.append(f.id)
        if ids:
            kept.append((s.id, ids))
    return kept, excluded
