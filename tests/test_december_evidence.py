"""The December 2026 evidence: menaquinone-7, the heart, blood vessels, kidneys and diet.

What a user asks of it must come back right: a query for MK-7 never returns MK-4, the class
"vitamin K2" finds every menaquinone form, diet cohorts and supplement trials stay apart, two
reports of one trial are one study, a supplement maker's funding is a typed fact and a flag, and
the summary says what the best evidence supports (null imaging endpoints).
"""

from __future__ import annotations

import vitk2
from vitk2 import Exposure

BASE = vitk2.load()
K2_FORMS = {"menatetrenone", "menaquinone-7", "dietary-menaquinones", "vitamin-k2-form-not-stated"}


def _compounds_of(base: vitk2.EvidenceBase) -> set[str]:
    return {c.id for s in base.studies for f in s.findings for c in BASE.compounds_of(f)}


def test_a_query_for_mk7_never_returns_mk4() -> None:
    mk7 = BASE.filter(compound="MK-7")
    assert mk7.studies
    assert "menatetrenone" not in _compounds_of(mk7)
    assert "menaquinone-7" not in _compounds_of(BASE.filter(compound="MK-4"))


def test_the_class_vitamin_k2_finds_every_menaquinone_form() -> None:
    found = _compounds_of(BASE.filter(compound_class="vitamin K2"))
    assert found >= K2_FORMS
    assert "phylloquinone" not in {
        c.id for c in BASE.compounds if c.compound_class == "vitamin K2"
    }  # K1 is a vitamin of its own


def test_diet_cohorts_and_supplement_trials_stay_apart() -> None:
    diet = BASE.filter(exposure="dietary_intake")
    trials = BASE.filter(exposure="supplement", compound="menaquinone-7")
    assert {s.id for s in diet.studies} >= {
        "geleijnse-2004-j-nutr",
        "gast-2009-nutr-metab-cardiovasc-dis",
        "nimptsch-2008-am-j-clin-nutr",
    }
    assert not {s.id for s in diet.studies} & {s.id for s in trials.studies}
    assert all(s.exposure is Exposure.DIETARY_INTAKE for s in diet.studies if s.exposure)
    # a blood level pooled by a review of diet cohorts is its own exposure
    chen = BASE.study("chen-2019-eur-j-nutr")
    assert any(f.exposure is Exposure.CIRCULATING_LEVEL for f in chen.findings)


def test_a_cohorts_hazard_ratio_is_never_pooled_with_trials() -> None:
    ma = BASE.meta_analysis("coronary-heart-disease", "coronary-heart-disease-incidence")
    assert all(BASE.study(c.study).exposure is not Exposure.DIETARY_INTAKE for c in ma.contrasts)


def test_two_reports_of_one_trial_are_one_study() -> None:
    for first, second in (
        ("knapen-2013-osteoporos-int", "knapen-2015-thromb-haemost"),
        ("diederichsen-2022-circulation", "hasific-2023-jacc-adv"),
    ):
        study = BASE.study(first)
        assert [c.id for c in study.reports][:2] == [first, second]
        assert not any(s.id == second for s in BASE.studies)


def test_supplement_maker_funding_is_a_fact_and_a_flag() -> None:
    study = BASE.study("knapen-2013-osteoporos-int")
    assert study.funding is not None
    assert study.funding.supplement_maker is True
    rows = BASE.summary("arterial stiffness", compound="menaquinone-7").rows
    assert rows
    assert any(str(flag.kind) == "supplement maker" for r in rows for flag in r.flags)


def test_the_anticoagulant_interaction_is_a_safety_finding_of_mk7() -> None:
    safety = BASE.filter(compound="menaquinone-7", outcome_kind="safety")
    findings = [f for s in safety.studies for f in s.findings]
    inr = [f for f in findings if f.outcome.endpoint is not None and f.outcome.endpoint.id == "inr"]
    assert inr
    assert {f.indication.id for f in inr} == {"anticoagulant-interaction"}


def test_flagged_numbers_are_shipped_unverified() -> None:
    tan = BASE.study("tan-2024-jama-intern-med")
    results = {f.id: f.verified for f in tan.findings}
    # the primary results are only in news copies: unverified; the baseline is verified
    assert results["tan-2024-jama-intern-med.cramp-frequency"] is False
    assert results["tan-2024-jama-intern-med.cramp-frequency-difference"] is False
    assert results["tan-2024-jama-intern-med.baseline-cramps"] is True
    assert not BASE.summary("nocturnal leg cramps").rows  # left out of summaries by default


def test_mk7_vascular_imaging_is_null_in_the_summary() -> None:
    sof = BASE.summary("vascular calcification", compound="menaquinone-7")
    imaging = [
        r
        for r in sof.rows
        if r.endpoint.id
        in {"coronary-artery-calcium", "aortic-valve-calcium", "femoral-artery-calcification"}
    ]
    assert imaging
    for row in imaging:
        assert "reduce" not in row.statement.lower(), row.statement
        assert str(row.direction) in ("no clear effect", "not applicable"), row
