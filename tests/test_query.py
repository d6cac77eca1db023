"""Lookups and filters on the bundled evidence."""

from __future__ import annotations

import pytest

import vitk2
from vitk2 import Design, Direction, OutcomeKind

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
