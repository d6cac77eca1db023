"""Meta-analysis of the evidence base: eligibility, pooling, sensitivity, renderers, CLI, plot.

The evidence is synthetic, written here in format 2, so that every number is known: the pooled
estimates are held to :mod:`vitk2.meta` on the same 2x2 tables and, where statsmodels is
installed, to its independent implementation.
"""

from __future__ import annotations

import csv
import io
import json
import math
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import meta
from vitk2._cli import main
from vitk2._evidence_meta import (
    MetaAnalysis,
    MetaAnalysisError,
    MissingDependencyError,
    Reason,
    SensitivityKind,
)

HEAD = """\
vitk2: 2
compounds:
  - {id: mk4, name: menatetrenone, compound_class: vitamin K2, family: vitamin K, synonyms: [MK-4]}
  - {id: alfa, name: alfacalcidol, compound_class: vitamin D analogue, family: vitamin D}
indications:
  - {id: osteo, name: osteoporosis, category: bone}
  - {id: pmo, name: postmenopausal osteoporosis, category: bone, parent: osteo}
endpoints:
  - {id: fracture, name: any fracture, kind: clinical, better: lower}
  - {id: vfx, name: vertebral fracture, kind: clinical, better: lower, parent: fracture,
     synonyms: [vertebral fractures]}
  - {id: bmd, name: bone mineral density, kind: surrogate, better: higher}
"""


def citation(cid: str, author: str, year: int, extra: str = "") -> str:
    return (
        f"  - {{id: {cid}, kind: primary_article, authors: [{author}], title: T, journal: J, "
        f"year: {year}{extra}}}\n"
    )


def arm(aid: str, compounds: tuple[str, ...], role: str = "intervention") -> str:
    if not compounds:
        return f"      - {{id: {aid}, name: {aid} arm, role: {role}}}\n"
    doses = ", ".join(f"{{compound: {c}, amount: 45 mg/day, route: oral}}" for c in compounds)
    return (
        f"      - {{id: {aid}, name: {aid} arm, role: {role}, "
        f"regimen: {{doses: [{doses}], duration: 2 year}}}}\n"
    )


def study(
    sid: str,
    cid: str,
    findings: str,
    *,
    design: str = "randomised_controlled_trial",
    indication: str = "osteo",
    arms: str | None = None,
    reports: str | None = None,
    extra: str = "",
) -> str:
    arms = arms if arms is not None else arm("vk2", ("mk4",)) + arm("ctl", (), "control")
    return (
        f"  - id: {sid}\n"
        f"    title: study {sid}\n"
        f"    reports: [{reports or cid}]\n"
        f"    design: {design}\n"
        f"    indications: [{indication}]\n"
        f"    population: {{description: adults}}\n"
        f"    level: {{ocebm: 2, rationale: a trial}}\n"
        f"{extra}"
        f"    arms:\n{arms}"
        f"    findings:\n{findings}"
    )


def counts(
    fid: str,
    cid: str,
    e1: int,
    n1: int,
    e2: int,
    n2: int,
    *,
    endpoint: str = "vfx",
    indication: str = "osteo",
    group: str = "vk2",
    ref: str = "ctl",
    kind: str = "placebo",
    timepoint: str = "2 year",
    status: str = "verified",
) -> str:
    return (
        f"      - id: {fid}\n"
        f"        outcome: {{name: new vertebral fractures, kind: clinical, endpoint: {endpoint},"
        f" timepoint: {timepoint}}}\n"
        f"        indication: {indication}\n"
        f"        group: {group}\n"
        f"        comparator: {{group: {ref}, kind: {kind}}}\n"
        f"        statistic:\n"
        f"          kind: arm_counts\n"
        f"          arms:\n"
        f"            - {{group: {group}, events: {e1}, total: {n1}}}\n"
        f"            - {{group: {ref}, events: {e2}, total: {n2}}}\n"
        f"        direction: benefit\n"
        f"        provenance: [{{source: {cid}, locator: Table 2, status: {status}}}]\n"
    )


def finding(fid: str, cid: str, statistic: str, *, endpoint: str = "vfx", more: str = "") -> str:
    return (
        f"      - id: {fid}\n"
        f"        outcome: {{name: fractures, kind: clinical, endpoint: {endpoint}}}\n"
        f"        indication: osteo\n"
        f"        statistic: {statistic}\n"
        f"        direction: benefit\n"
        f"{more}"
        f"        provenance: [{{source: {cid}, locator: Results}}]\n"
    )


# Three trials with counts: the tables the pooled answers are checked against.
TABLES = [(10, 120, 20, 121), (8, 100, 15, 98), (5, 60, 12, 62)]


def trials_yaml(
    *,
    extra_citations: str = "",
    extra_studies: str = "",
    tables: list[tuple[int, int, int, int]] = TABLES,
) -> str:
    cits = (
        citation("alpha-2000", "Alpha A", 2000)
        + citation("beta-2005", "Beta B", 2005)
        + citation("gamma-2010", "Gamma C", 2010)
        + extra_citations
    )
    studies = (
        study("alpha", "alpha-2000", counts("alpha.vfx", "alpha-2000", *tables[0]))
        + study("beta", "beta-2005", counts("beta.vfx", "beta-2005", *tables[1]))
        + study(
            "gamma",
            "gamma-2010",
            counts("gamma.vfx", "gamma-2010", *tables[2], indication="pmo"),
            indication="pmo",
        )
        + extra_studies
    )
    return f"{HEAD}citations:\n{cits}studies:\n{studies}"


def three_trials() -> vitk2.EvidenceBase:
    return vitk2.loads(trials_yaml())


def reference_pool(
    tables: list[tuple[int, int, int, int]], measure: str = "RR", **options: Any
) -> meta.MetaResult:
    es = meta.binary(
        [t[0] for t in tables],
        [t[1] for t in tables],
        [t[2] for t in tables],
        [t[3] for t in tables],
        measure=measure,  # type: ignore[arg-type]
    )
    return meta.pool(es, **options)


# --------------------------------------------------------------------------------------------
# The pooled answer


def test_pooled_risk_ratio_is_the_meta_engines_answer_on_the_same_tables() -> None:
    ma = three_trials().meta_analysis("osteoporosis", "vertebral fracture")
    expected = reference_pool(TABLES, method="REML", test="knha")
    assert ma.measure == "RR"
    assert ma.result is not None
    assert ma.result.estimate == pytest.approx(expected.estimate, rel=1e-12)
    assert ma.result.low == pytest.approx(expected.low, rel=1e-12)
    assert ma.result.high == pytest.approx(expected.high, rel=1e-12)
    assert ma.result.tau2 == pytest.approx(expected.tau2, abs=1e-12)
    assert [c.label for c in ma.contrasts] == ["Alpha 2000", "Beta 2005", "Gamma 2010"]
    assert [c.events for c in ma.contrasts] == [(t[0], t[2]) for t in TABLES]
    assert sum(c.weight or 0 for c in ma.contrasts) == pytest.approx(100.0)
    assert ma.participants == sum(t[1] + t[3] for t in TABLES)


@pytest.mark.parametrize("measure", ["OR", "RD"])
@pytest.mark.parametrize("method", ["DL", "REML"])
def test_other_measures_and_methods_follow_the_engine(measure: str, method: str) -> None:
    ma = three_trials().meta_analysis(
        "osteoporosis",
        "vertebral fracture",
        measure=measure,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        test="z",
    )
    expected = reference_pool(TABLES, measure, method=method, test="z")
    assert ma.result is not None
    assert ma.result.estimate == pytest.approx(expected.estimate, rel=1e-12)
    assert ma.result.method == method


def test_one_contrast_against_an_independent_computation() -> None:
    """Alpha 2000's risk ratio and its Wald interval, by hand."""
    ma = three_trials().meta_analysis("osteoporosis", "vertebral fracture")
    a, n1, c, n2 = TABLES[0]
    rr = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    first = ma.contrasts[0]
    assert first.estimate == pytest.approx(rr, rel=1e-12)
    assert first.low == pytest.approx(rr * math.exp(-1.959963984540054 * se), rel=1e-9)
    assert first.high == pytest.approx(rr * math.exp(1.959963984540054 * se), rel=1e-9)


HETEROGENEOUS = [(2, 120, 20, 121), (14, 100, 15, 98), (5, 60, 12, 62)]


@pytest.mark.parametrize(("tables", "method"), [(TABLES, "EE"), (HETEROGENEOUS, "DL")])
def test_the_pooled_log_ratio_agrees_with_statsmodels(
    tables: list[tuple[int, int, int, int]], method: str
) -> None:
    sm = pytest.importorskip("statsmodels.stats.meta_analysis")
    import numpy as np

    base = vitk2.loads(trials_yaml(tables=tables))
    ma = base.meta_analysis("osteoporosis", "vertebral fracture", method=method, test="z")  # type: ignore[arg-type]
    assert ma.result is not None
    t = np.array(tables, dtype=float)
    eff, var = sm.effectsize_2proportions(
        t[:, 0], t[:, 1], t[:, 2], t[:, 3], statistic="risk-ratio"
    )
    res = sm.combine_effects(eff, var, method_re="dl")
    if method == "EE":
        assert ma.result.coef == pytest.approx(res.mean_effect_fe, rel=1e-10)
    else:
        assert res.tau2 > 0  # statsmodels does not truncate tau² at 0: keep it positive here
        assert ma.result.tau2 == pytest.approx(res.tau2, rel=1e-8)
        assert ma.result.coef == pytest.approx(res.mean_effect_re, rel=1e-8)


def test_a_broader_endpoint_takes_the_narrower_ones_and_subtypes_are_included() -> None:
    ma = three_trials().meta_analysis("osteo", "fracture")
    assert len(ma.contrasts) == 3  # gamma is in postmenopausal osteoporosis, a subtype
    assert ma.endpoint.id == "fracture"
    narrower = three_trials().meta_analysis("pmo", "vfx")
    assert [c.study for c in narrower.contrasts] == ["gamma"]
    assert narrower.result is None
    assert narrower.reason is not None
    assert "only one study" in narrower.reason


def test_meta_analysis_is_kept_and_pickles() -> None:
    base = three_trials()
    ma = base.meta_analysis("osteoporosis", "vertebral fracture")
    assert base.meta_analysis("osteoporosis", "vertebral fracture") is ma
    again = pickle.loads(pickle.dumps(ma))
    assert again == ma


# --------------------------------------------------------------------------------------------
# What is left out, and why

ODD_CITATIONS = (
    citation("delta-2008", "Delta D", 2008)
    + citation("eps-2012", "Eps E", 2012, ", integrity: {status: retracted, year: 2014}")
    + citation("zeta-2013", "Zeta Z", 2013)
    + citation("eta-2015", "Eta H", 2015)
    + citation("theta-2016", "Theta T", 2016, ", integrity: {status: expression_of_concern}")
    + citation("iota-2017", "Iota I", 2017)
    + citation("kappa-2018", "Kappa K", 2018)
    + citation("review-2019", "Review R", 2019)
    + citation("beta-2007", "Beta B", 2007, ", reports_on: beta-2005")
)


def base_with_everything() -> vitk2.EvidenceBase:
    studies = (
        study(
            "delta", "delta-2008", counts("delta.vfx", "delta-2008", 3, 50, 9, 50), design="cohort"
        )
        + study("eps", "eps-2012", counts("eps.vfx", "eps-2012", 1, 80, 9, 80))
        + study(
            "zeta",
            "zeta-2013",
            counts("zeta.vfx", "zeta-2013", 4, 70, 8, 71, status="unverified")
            + finding("zeta.words", "zeta-2013", "{kind: narrative, summary: fewer fractures}")
            + finding(
                "zeta.within",
                "zeta-2013",
                "{kind: before_after, group: vk2, measure: mean, before: 0.8 g/cm², "
                "after: 0.82 g/cm²}",
                endpoint="bmd",
            )
            + finding(
                "zeta.km",
                "zeta-2013",
                "{kind: cumulative, arms: [{group: vk2, percent: 10.0}, "
                "{group: ctl, percent: 20.0}]}",
            )
            + finding(
                "zeta.arm",
                "zeta-2013",
                "{kind: proportion, events: 4, total: 70}",
                more="        group: vk2\n",
            ),
        )
        # both arms receive menatetrenone: not its effect
        + study(
            "eta",
            "eta-2015",
            counts("eta.vfx", "eta-2015", 2, 40, 3, 40, group="combo", ref="mono", kind="active"),
            arms=arm("combo", ("mk4", "alfa")) + arm("mono", ("mk4",), "control"),
        )
        + study("theta", "theta-2016", counts("theta.vfx", "theta-2016", 6, 90, 14, 88))
        # no events in either arm: no risk ratio
        + study("iota", "iota-2017", counts("iota.vfx", "iota-2017", 0, 30, 0, 30))
        # against an active comparator
        + study(
            "kappa",
            "kappa-2018",
            counts("kappa.vfx", "kappa-2018", 3, 50, 6, 50, ref="alf", kind="active"),
            arms=arm("vk2", ("mk4",)) + arm("alf", ("alfa",), "control"),
        )
        + study(
            "review",
            "review-2019",
            finding(
                "review.vfx",
                "review-2019",
                "{kind: effect, measure: risk_ratio, value: 0.4, low: 0.25, high: 0.65, "
                "studies: 2, participants: 439}",
                more="        compounds: [mk4]\n",
            ),
            design="systematic_review",
            arms="      []\n",
            extra="    includes: [alpha, beta]\n",
        )
        # a later report of beta, curated as a study of its own: never counted twice
        + study(
            "beta-later",
            "beta-2007",
            counts("beta-later.vfx", "beta-2007", 8, 100, 15, 98),
            reports="beta-2007",
        )
    )
    # beta has a second, earlier count of the same endpoint: one contrast per study
    text = trials_yaml(extra_citations=ODD_CITATIONS, extra_studies=studies)
    text = text.replace(
        counts("beta.vfx", "beta-2005", *TABLES[1]),
        counts("beta.vfx", "beta-2005", *TABLES[1])
        + counts("beta.vfx-1y", "beta-2005", 3, 100, 6, 98, timepoint="1 year"),
    )
    return vitk2.loads(text)


def reasons(ma: MetaAnalysis) -> dict[str, Reason]:
    return {e.finding: e.reason for e in ma.excluded}


def test_every_finding_left_out_has_its_typed_reason() -> None:
    base = base_with_everything()
    ma = base.meta_analysis("osteoporosis", "vertebral fracture", compound="menatetrenone")
    got = reasons(ma)
    assert got == {
        "delta.vfx": Reason.DESIGN,
        "eps.vfx": Reason.RETRACTED,
        "zeta.vfx": Reason.UNVERIFIED,
        "zeta.words": Reason.NARRATIVE,
        "zeta.km": Reason.CUMULATIVE,
        "zeta.arm": Reason.SINGLE_ARM,
        "eta.vfx": Reason.COMPOUND,
        "iota.vfx": Reason.NOT_ESTIMABLE,
        "review.vfx": Reason.REVIEW,
        "beta.vfx-1y": Reason.DUPLICATE,
        "beta-later.vfx": Reason.DUPLICATE,
        # against an active drug: pooled apart from placebo and untreated controls
        "kappa.vfx": Reason.COMPARATOR,
    }
    # the within-arm change is of another endpoint (bone density): not listed at all
    assert [c.study for c in ma.contrasts] == ["alpha", "beta", "gamma", "theta"]
    review = next(e for e in ma.excluded if e.reason is Reason.REVIEW)
    assert "includes alpha, beta" in review.detail
    assert "0.4" in review.detail
    assert "behind it: 2 studies, 439 participants" in review.detail


def test_within_arm_changes_are_never_contrasts() -> None:
    ma = base_with_everything().meta_analysis("osteoporosis", "bmd")
    assert reasons(ma) == {"zeta.within": Reason.WITHIN_ARM}
    assert ma.result is None
    assert not ma.contrasts


def test_options_bring_findings_back_or_leave_them_out() -> None:
    base = base_with_everything()
    wide = base.meta_analysis(
        "osteoporosis",
        "vertebral fracture",
        design=["rct", "cohort"],
        include_retracted=True,
        include_unverified=True,
    )
    studies = [c.study for c in wide.contrasts]
    assert {"delta", "eps", "zeta", "eta"} <= set(studies)
    zeta = next(c for c in wide.contrasts if c.study == "zeta")
    assert not zeta.verified
    eps = next(c for c in wide.contrasts if c.study == "eps")
    assert eps.concerns == ("eps-2012: retracted",)
    strict = base.meta_analysis("osteoporosis", "vertebral fracture", include_flagged=False)
    assert reasons(strict)["theta.vfx"] is Reason.INTEGRITY


def test_comparator_selects_by_kind_or_by_compound() -> None:
    base = base_with_everything()
    placebo = base.meta_analysis("osteoporosis", "vertebral fracture", comparator="placebo")
    assert "kappa" not in [c.study for c in placebo.contrasts]
    assert reasons(placebo)["kappa.vfx"] is Reason.COMPARATOR
    active = base.meta_analysis("osteoporosis", "vertebral fracture", comparator="alfacalcidol")
    assert [c.study for c in active.contrasts] == ["kappa"]


def test_different_measures_are_refused_unless_one_is_asked_for() -> None:
    hr = study(
        "lam",
        "lam-2020",
        finding(
            "lam.vfx",
            "lam-2020",
            "{kind: effect, measure: hazard_ratio, value: 0.6, low: 0.4, high: 0.9, "
            "reference: ctl}",
            more="        group: vk2\n        comparator: {group: ctl}\n",
        ),
    )
    base = vitk2.loads(
        trials_yaml(extra_citations=citation("lam-2020", "Lam L", 2020), extra_studies=hr)
    )
    with pytest.raises(MetaAnalysisError) as info:
        base.meta_analysis("osteoporosis", "vertebral fracture")
    err = info.value
    assert isinstance(err, vitk2.StatisticsError)
    assert isinstance(err, ValueError)
    assert dict(err.measures) == {"RR": ("alpha.vfx", "beta.vfx", "gamma.vfx"), "HR": ("lam.vfx",)}
    assert "pass measure=" in str(err)
    assert pickle.loads(pickle.dumps(err)).measures == err.measures
    only_hr = base.meta_analysis("osteoporosis", "vertebral fracture", measure="HR")
    assert [c.study for c in only_hr.contrasts] == ["lam"]
    assert {e.reason for e in only_hr.excluded} == {Reason.MEASURE}
    rr = base.meta_analysis("osteoporosis", "vertebral fracture", measure="RR")
    assert reasons(rr) == {"lam.vfx": Reason.MEASURE}
    assert rr.result is not None


def test_reported_effects_pool_from_their_intervals() -> None:
    effects = "".join(
        study(
            sid,
            f"{sid}-2020",
            finding(
                f"{sid}.vfx",
                f"{sid}-2020",
                f"{{kind: effect, measure: hazard_ratio, value: {v}, low: {lo}, high: {hi}}}",
                more="        group: vk2\n        comparator: {group: ctl}\n",
            ),
        )
        for sid, v, lo, hi in (("mu", 0.6, 0.4, 0.9), ("nu", 0.8, 0.5, 1.28))
    )
    text = f"{HEAD}citations:\n" + "".join(
        citation(f"{s}-2020", f"{s.title()} M", 2020) for s in ("mu", "nu")
    )
    base = vitk2.loads(text + f"studies:\n{effects}")
    ma = base.meta_analysis("osteo", "vfx")
    expected = meta.pool(
        meta.from_estimates([0.6, 0.8], [0.4, 0.5], [0.9, 1.28], measure="HR"), test="knha"
    )
    assert ma.measure == "HR"
    assert ma.result is not None
    assert ma.result.estimate == pytest.approx(expected.estimate, rel=1e-12)


def test_means_with_sds_pool_as_mean_differences() -> None:
    def summaries(fid: str, cid: str, m1: float, m2: float, spread: str = "sd") -> str:
        return finding(
            fid,
            cid,
            "{kind: group_summaries, summaries: ["
            f"{{group: vk2, measure: mean, value: {m1} g/cm², spread: 0.1 g/cm², "
            f"spread_kind: {spread}, n: 40}}, "
            f"{{group: ctl, measure: mean, value: {m2} g/cm², spread: 0.1 g/cm², "
            f"spread_kind: {spread}, n: 42}}]}}",
            endpoint="bmd",
            more="        group: vk2\n        comparator: {group: ctl}\n",
        )

    body = study("s1", "alpha-2000", summaries("s1.bmd", "alpha-2000", 0.82, 0.80)) + study(
        "s2", "beta-2005", summaries("s2.bmd", "beta-2005", 0.85, 0.81, "se")
    )
    cits = citation("alpha-2000", "Alpha A", 2000) + citation("beta-2005", "Beta B", 2005)
    base = vitk2.loads(f"{HEAD}citations:\n{cits}studies:\n{body}")
    ma = base.meta_analysis("osteo", "bmd")
    se_sd = [0.1 * math.sqrt(40), 0.1 * math.sqrt(42)]
    expected = meta.pool(
        meta.continuous(
            [0.82, 0.85],
            [0.1, se_sd[0]],
            [40, 40],
            [0.80, 0.81],
            [0.1, se_sd[1]],
            [42, 42],
            measure="MD",
        ),
        test="knha",
    )
    assert ma.measure == "MD"
    assert ma.contrasts[0].unit == "g/cm²"
    assert ma.result is not None
    assert ma.result.estimate == pytest.approx(expected.estimate, rel=1e-12)


# --------------------------------------------------------------------------------------------
# Sensitivity analyses


def test_sensitivity_analyses_leave_out_what_they_say() -> None:
    base = base_with_everything()
    ma = base.meta_analysis("osteoporosis", "vertebral fracture", compound="menatetrenone")
    kinds = [s.kind for s in ma.sensitivity]
    assert kinds[:2] == [SensitivityKind.INTEGRITY, SensitivityKind.OPEN_LABEL]
    integrity = ma.sensitivity[0]
    assert integrity.omitted == ("theta",)
    kept = [c for c in ma.contrasts if c.study != "theta"]
    expected = meta.pool(
        meta.binary(
            [c.events[0] for c in kept if c.events],
            [c.totals[0] for c in kept if c.totals],
            [c.events[1] for c in kept if c.events],
            [c.totals[1] for c in kept if c.totals],
            measure="RR",
        ),
        test="knha",
    )
    assert integrity.result is not None
    assert integrity.result.estimate == pytest.approx(expected.estimate, rel=1e-12)
    assert ma.sensitivity[1].result is None
    assert ma.sensitivity[1].note == (
        "no trial is recorded as open label (4 studies do not record blinding): the main result"
    )
    loo = [s for s in ma.sensitivity if s.kind is SensitivityKind.LEAVE_ONE_OUT]
    assert [s.omitted for s in loo] == [(c.study,) for c in ma.contrasts]
    engine = meta.leave_one_out(
        meta.binary(
            [c.events[0] for c in ma.contrasts if c.events],
            [c.totals[0] for c in ma.contrasts if c.totals],
            [c.events[1] for c in ma.contrasts if c.events],
            [c.totals[1] for c in ma.contrasts if c.totals],
            measure="RR",
        ),
        test="knha",
    )
    for mine, theirs in zip(loo, engine, strict=True):
        assert mine.result is not None
        assert mine.result.estimate == pytest.approx(theirs.result.estimate, rel=1e-12)


def test_leave_one_out_of_two_leaves_one_study_and_says_so() -> None:
    text = trials_yaml().split("  - id: gamma\n")[0]
    ma = vitk2.loads(text).meta_analysis("osteo", "vfx")
    loo = [s for s in ma.sensitivity if s.kind is SensitivityKind.LEAVE_ONE_OUT]
    assert all(s.result is None for s in loo)
    assert loo[0].note is not None
    assert loo[0].note.startswith("one study is left: Beta 2005")
    assert "no study is under" in (ma.sensitivity[0].note or "")


# --------------------------------------------------------------------------------------------
# Renderers

HOSTILE = "Evil\x1b[2J<script>x</script>=cmd|*b*[l](j:x)"


def hostile_base() -> vitk2.EvidenceBase:
    return vitk2.loads(trials_yaml().replace("[Alpha A]", f"[{json.dumps(HOSTILE)}]"))


def test_renderers_keep_hostile_text_inert() -> None:
    ma = hostile_base().meta_analysis("osteoporosis", "vertebral fracture")
    assert ma.contrasts[0].label.startswith("Evil")
    text = ma.to_text()
    assert "\x1b" not in text
    assert "\\x1b[2J" in text
    assert str(ma) == text
    assert "<script>" not in ma._repr_html_()
    assert "&lt;script&gt;" in ma._repr_html_()
    md = ma.to_markdown()
    assert "<script>" not in md
    assert "\\[l\\]" in md
    rows = list(csv.reader(io.StringIO(ma.to_csv())))
    assert rows[0][0] == "row"
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert "\x1b" not in ma.to_json()
    data = json.loads(ma.to_json())
    assert data["contrasts"][0]["label"].startswith("Evil\x1b")  # the same data, escaped


def test_text_fits_a_width_and_names_the_pool() -> None:
    ma = three_trials().meta_analysis("osteoporosis", "vertebral fracture")
    text = ma.to_text(width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "risk ratio from 3 studies" in text
    assert "Alpha 2000" in text
    assert "prediction interval" in text
    assert "Sensitivity analyses" in text
    assert repr(ma).startswith("<MetaAnalysis vfx in osteo: RR ")


def test_csv_and_json_carry_the_numbers() -> None:
    ma = three_trials().meta_analysis("osteoporosis", "vertebral fracture")
    headers, rows = ma.to_rows()
    assert all(len(r) == len(headers) for r in rows)
    kinds = [r[0] for r in rows]
    assert kinds[:5] == ["study", "study", "study", "pooled", "prediction"]
    pooled = rows[3]
    assert ma.result is not None
    assert pooled[headers.index("estimate")] == ma.result.estimate
    data = json.loads(ma.to_json())
    assert data["result"]["k"] == 3
    assert data["lineage"]["content_hash"] == three_trials().content_hash
    assert data["lineage"]["method"] == "REML"
    assert data["lineage"]["test"] == "knha"
    assert data["lineage"]["vitk2"] == vitk2.__version__


# --------------------------------------------------------------------------------------------
# Plot


def test_forest_plot_is_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    ma = hostile_base().meta_analysis("osteoporosis", "vertebral fracture")
    svg = tmp_path / "forest.svg"
    png = tmp_path / "forest.png"
    fig = ma.plot(svg)
    ma.plot(png)
    assert fig.axes[0].get_xscale() == "log"
    text = svg.read_text()
    assert "Gamma 2010" in text
    assert "<script>" not in text
    assert png.read_bytes().startswith(b"\x89PNG")


def test_forest_plot_without_matplotlib_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import builtins

    real = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    ma = three_trials().meta_analysis("osteoporosis", "vertebral fracture")
    with pytest.raises(MissingDependencyError, match=r"vitk2\[plot\]"):
        ma.plot()


# --------------------------------------------------------------------------------------------
# Command line


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


CLI_HEAD = """\
vitk2: 2
compounds:
  - {id: t-mk4, name: test compound m, compound_class: vitamin K2, family: vitamin K}
indications:
  - {id: t-osteo, name: test bone disease, category: bone}
  - {id: t-pmo, name: test bone disease subtype, category: bone, parent: t-osteo}
endpoints:
  - {id: t-vfx, name: test fracture, kind: clinical, better: lower}
"""


def cli_yaml(**more: Any) -> str:
    """The three trials under ids of their own, to load on top of the bundled evidence."""
    body = trials_yaml(**more).split("citations:\n", 1)[1]
    for old in ("osteo", "pmo", "vfx", "mk4"):
        body = re.sub(rf"(?<![\w.-]){old}\b(?![.-])", f"t-{old}", body)
    return f"{CLI_HEAD}citations:\n{body}"


@pytest.fixture
def trials_file(tmp_path: Path) -> Path:
    path = tmp_path / "trials.yaml"
    path.write_text(cli_yaml())
    return path


def test_cli_meta_prints_every_format(
    capsys: pytest.CaptureFixture[str], trials_file: Path
) -> None:
    args = ("meta", "t-osteo", "t-vfx", "--data", str(trials_file))
    status, out, err = cli(capsys, *args)
    assert status == 0, err
    assert "risk ratio from 3 studies" in out
    for fmt in ("markdown", "csv", "json", "html"):
        status, out, err = cli(capsys, *args, "--format", fmt)
        assert status == 0, err
    status, out, _ = cli(capsys, *args, "--format", "json", "--measure", "OR", "--method", "DL")
    data = json.loads(out)
    assert data["measure"] == "OR"
    assert data["lineage"]["method"] == "DL"


def test_cli_meta_exit_codes(capsys: pytest.CaptureFixture[str], trials_file: Path) -> None:
    status, _, err = cli(capsys, "meta", "t-osteo", "no-such-endpoint", "--data", str(trials_file))
    assert status == 3
    assert err.startswith("vitk2: error: unknown endpoint")
    status, _, err = cli(capsys, "meta", "osteo", "vfx", "--measure", "XX")
    assert status == 2
    status, _, err = cli(
        capsys, "meta", "t-osteo", "t-vfx", "--data", str(trials_file), "--measure", "MD"
    )
    assert status == 0, err


def test_cli_meta_plot(
    capsys: pytest.CaptureFixture[str], trials_file: Path, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "f.png"
    status, _, err = cli(
        capsys, "meta", "t-osteo", "t-vfx", "--data", str(trials_file), "--plot", str(target)
    )
    assert status == 0, err
    assert target.read_bytes().startswith(b"\x89PNG")


def test_marks_in_the_table_are_explained_under_it() -> None:
    ma = base_with_everything().meta_analysis(
        "osteoporosis", "vertebral fracture", include_unverified=True
    )
    text = ma.to_text(width=100)
    assert "Theta 2016 [2]" in text or "Theta 2016 [1]" in text
    notes = ma.footnotes()
    assert any("theta-2016: expression of concern" in n for n in notes)
    assert any("unverified" in n for n in notes)
    for note in notes:
        assert note in " ".join(text.split())


def test_a_single_contrast_is_drawn_without_a_diamond(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    ma = three_trials().meta_analysis("pmo", "vfx")
    assert ma.result is None
    ma.plot(tmp_path / "one.svg")
    assert "Gamma 2010" in (tmp_path / "one.svg").read_text()
    empty = three_trials().meta_analysis("osteo", "bmd")
    with pytest.raises(MetaAnalysisError, match="nothing to plot"):
        empty.plot()


def test_cli_refusal_of_mixed_measures_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    hr = study(
        "lam",
        "lam-2020",
        finding(
            "lam.vfx",
            "lam-2020",
            "{kind: effect, measure: hazard_ratio, value: 0.6, low: 0.4, high: 0.9}",
            more="        group: vk2\n        comparator: {group: ctl}\n",
        ),
    )
    path = tmp_path / "mixed.yaml"
    path.write_text(cli_yaml(extra_citations=citation("lam-2020", "Lam L", 2020), extra_studies=hr))
    status, _, err = cli(capsys, "meta", "t-osteo", "t-vfx", "--data", str(path))
    assert status == 2, err
    assert "pass --measure" in err
    status, out, err = cli(
        capsys, "meta", "t-osteo", "t-vfx", "--data", str(path), "--measure", "HR", "-f", "csv"
    )
    assert status == 0, err
    assert "lam.vfx" in out


def test_a_hartung_knapp_interval_narrower_than_the_wald_one_is_noted() -> None:
    ma = three_trials().meta_analysis("osteoporosis", "vertebral fracture")
    wald = three_trials().meta_analysis("osteoporosis", "vertebral fracture", test="z")
    assert ma.result is not None
    assert wald.result is not None
    assert ma.result.high - ma.result.low < wald.result.high - wald.result.low
    assert len(ma.notes) == 1
    assert "narrower than the Wald one" in ma.notes[0]
    assert ma.notes[0] in ma.summary()
    assert not wald.notes


def test_a_reported_effect_keeps_its_reported_interval() -> None:
    text = f"{HEAD}citations:\n" + citation("mu-2020", "Mu M", 2020) + "studies:\n"
    text += study(
        "mu",
        "mu-2020",
        finding(
            "mu.vfx",
            "mu-2020",
            "{kind: effect, measure: risk_ratio, value: 0.44, low: 0.2, high: 0.99}",
            more="        group: vk2\n        comparator: {group: ctl}\n",
        ),
    )
    ma = vitk2.loads(text).meta_analysis("osteo", "vfx")
    (only,) = ma.contrasts
    assert (only.estimate, only.low, only.high) == pytest.approx((0.44, 0.2, 0.99))
    assert ma.result is None


def test_leave_one_out_is_skipped_with_a_note_beyond_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import vitk2._evidence_meta as em

    monkeypatch.setattr(em, "LEAVE_ONE_OUT_LIMIT", 2)
    ma = three_trials().meta_analysis("osteo", "vfx", method="DL")
    loo = [s for s in ma.sensitivity if s.kind is SensitivityKind.LEAVE_ONE_OUT]
    assert len(loo) == 1
    assert loo[0].result is None
    assert "skipped: 3 studies" in (loo[0].note or "")


def test_a_multi_arm_trial_counts_its_control_arm_once() -> None:
    arms = arm("vk2", ("mk4",)) + arm("alf", ("alfa",)) + arm("ctl", (), "control")
    three_arm = study(
        "omega",
        "omega-2021",
        counts("omega.vk2", "omega-2021", 4, 60, 12, 61)
        + counts("omega.alf", "omega-2021", 6, 59, 12, 61, group="alf"),
        arms=arms,
    )
    base = vitk2.loads(
        trials_yaml(
            extra_citations=citation("omega-2021", "Omega O", 2021), extra_studies=three_arm
        )
    )
    ma = base.meta_analysis("osteo", "vfx")
    assert [c.finding for c in ma.contrasts if c.study == "omega"] == ["omega.vk2"]
    (other,) = [e for e in ma.excluded if e.finding == "omega.alf"]
    assert other.reason is Reason.DUPLICATE
    assert "counting both would count its participants twice" in other.detail
    by_compound = base.meta_analysis("osteo", "vfx", compound="alfacalcidol")
    assert [c.finding for c in by_compound.contrasts] == ["omega.alf"]


def test_criteria_are_checked_eagerly() -> None:
    base = three_trials()
    with pytest.raises(vitk2.CriteriaError, match="measure"):
        base.meta_analysis("osteo", "vfx", measure="XX")  # type: ignore[arg-type]
    with pytest.raises(vitk2.CriteriaError, match="method"):
        base.meta_analysis("osteo", "vfx", method="BAYES")  # type: ignore[arg-type]
    with pytest.raises(vitk2.CriteriaError, match="level"):
        base.meta_analysis("osteo", "vfx", level=1.5)
    with pytest.raises(vitk2.CriteriaError, match="include_flagged"):
        base.meta_analysis("osteo", "vfx", include_flagged="no")  # type: ignore[arg-type]
    with pytest.raises(vitk2.UnknownNameError):
        base.meta_analysis("osteo", "vfx", design="metaanalysis-of-anecdotes")
    with pytest.raises(vitk2.UnknownNameError):
        base.meta_analysis("osteo", "no such endpoint")
    with pytest.raises(vitk2.UnknownNameError):
        base.meta_analysis("osteo", "vfx", comparator="no such comparator")


def test_kept_answers_follow_their_options() -> None:
    base = three_trials()
    rr = base.meta_analysis("osteo", "vfx")
    odds = base.meta_analysis("osteo", "vfx", measure="OR")
    assert rr is not odds
    assert odds.measure == "OR"
    assert base.meta_analysis("osteo", "vfx", measure="OR") is odds


def test_risk_differences_in_percentage_points_pool_beside_counts() -> None:
    rd = study(
        "pi",
        "pi-2022",
        finding(
            "pi.vfx",
            "pi-2022",
            "{kind: effect, measure: risk_difference, value: -5.0, low: -9.0, high: -1.0, "
            "unit: '%'}",
            more="        group: vk2\n        comparator: {group: ctl}\n",
        ),
    )
    base = vitk2.loads(
        trials_yaml(extra_citations=citation("pi-2022", "Pi P", 2022), extra_studies=rd)
    )
    ma = base.meta_analysis("osteo", "vfx", measure="RD")
    pi = next(c for c in ma.contrasts if c.study == "pi")
    assert (pi.estimate, pi.low, pi.high) == pytest.approx((-0.05, -0.09, -0.01))
    counted = meta.binary(*zip(*TABLES, strict=True), measure="RD")
    se = (0.09 - 0.01) / (2 * 1.959963984540054)
    expected = meta.pool(
        meta.from_variances([*counted.yi, -0.05], [*counted.vi, se * se], measure="RD"),
        test="knha",
    )
    assert ma.result is not None
    assert ma.result.estimate == pytest.approx(expected.estimate, rel=1e-9)


def test_mean_differences_in_other_units_are_converted_or_left_out() -> None:
    def md(fid: str, cid: str, value: str, unit: str) -> str:
        return finding(
            fid,
            cid,
            f"{{kind: effect, measure: mean_difference, value: {value}, low: 0.01, "
            f"high: 0.05, unit: {unit}}}",
            endpoint="bmd",
            more="        group: vk2\n        comparator: {group: ctl}\n",
        )

    body = (
        study("s1", "alpha-2000", md("s1.bmd", "alpha-2000", "0.03", "g/cm²"))
        + study("s2", "beta-2005", md("s2.bmd", "beta-2005", "0.02", "g/cm²"))
        + study("s3", "gamma-2010", md("s3.bmd", "gamma-2010", "0.03", "mg/day"))
    )
    cits = (
        citation("alpha-2000", "Alpha A", 2000)
        + citation("beta-2005", "Beta B", 2005)
        + citation("gamma-2010", "Gamma C", 2010)
    )
    ma = vitk2.loads(f"{HEAD}citations:\n{cits}studies:\n{body}").meta_analysis("osteo", "bmd")
    assert [c.study for c in ma.contrasts] == ["s1", "s2"]
    assert ma.contrasts[0].unit == "g/cm²"
    assert {e.finding: e.reason for e in ma.excluded} == {"s3.bmd": Reason.MEASURE}


CONTRAST = "        group: vk2\n        comparator: {group: ctl}\n"
MEANS = (
    "{{kind: group_summaries, summaries: ["
    "{{group: vk2, measure: {m}, value: 0.82 g/cm², {s1}}}, "
    "{{group: ctl, measure: mean, value: 0.80 g/cm², spread: 0.1 g/cm², spread_kind: sd, n: 40}}"
    "]}}"
)


@pytest.mark.parametrize(
    ("statistic", "more", "endpoint", "reason", "words"),
    [
        (
            "{kind: effect, measure: risk_ratio, value: 0.5}",
            CONTRAST,
            "vfx",
            Reason.INCOMPLETE,
            "no confidence interval",
        ),
        (
            "{kind: effect, measure: percent_change, value: 2.0, low: 1.0, high: 3.0}",
            CONTRAST,
            "vfx",
            Reason.MEASURE,
            "not pooled",
        ),
        (
            "{kind: effect, measure: mean_difference, value: 2.0, low: 1.0, high: 3.0}",
            CONTRAST,
            "bmd",
            Reason.INCOMPLETE,
            "no unit",
        ),
        (
            "{kind: effect, measure: risk_ratio, value: 0.9, low: 0.8, high: 0.99, per: 1 decade}",
            CONTRAST,
            "vfx",
            Reason.MEASURE,
            "a rate per",
        ),
        (
            "{kind: arm_counts, counts: events, arms: [{group: vk2, events: 3, total: 50}, "
            "{group: ctl, events: 6, total: 50}]}",
            CONTRAST,
            "vfx",
            Reason.MEASURE,
            "counts events",
        ),
        (
            "{kind: arm_counts, arms: [{group: vk2, events: 3, total: 50}, "
            "{group: ctl, events: 6, total: 50}, {group: alf, events: 4, total: 50}]}",
            "",
            "vfx",
            Reason.INCOMPLETE,
            "not named",
        ),
        (MEANS.format(m="median", s1="n: 40"), CONTRAST, "bmd", Reason.MEASURE, "not a mean"),
        (MEANS.format(m="mean", s1="n: 40"), CONTRAST, "bmd", Reason.INCOMPLETE, "no SD or SE"),
        (
            MEANS.format(m="mean", s1="spread: 0.1 g/cm², spread_kind: iqr, n: 40"),
            CONTRAST,
            "bmd",
            Reason.INCOMPLETE,
            "no SD or SE",
        ),
        (
            MEANS.format(m="mean", s1="spread: 0.1 g/cm², spread_kind: sd"),
            CONTRAST,
            "bmd",
            Reason.INCOMPLETE,
            "no n",
        ),
        (
            MEANS.format(m="mean", s1="spread: 0.0 g/cm², spread_kind: sd, n: 40"),
            CONTRAST,
            "bmd",
            Reason.INCOMPLETE,
            "sd1",
        ),
    ],
)
def test_contrasts_pooling_cannot_use_say_why(
    statistic: str, more: str, endpoint: str, reason: Reason, words: str
) -> None:
    arms = arm("vk2", ("mk4",)) + arm("alf", ("alfa",)) + arm("ctl", (), "control")
    odd = study(
        "rho",
        "rho-2023",
        finding("rho.x", "rho-2023", statistic, endpoint=endpoint, more=more),
        arms=arms,
    )
    base = vitk2.loads(
        trials_yaml(extra_citations=citation("rho-2023", "Rho R", 2023), extra_studies=odd)
    )
    ma = base.meta_analysis("osteo", endpoint)
    (left,) = [e for e in ma.excluded if e.finding == "rho.x"]
    assert left.reason is reason
    assert words in left.detail
    assert str(left.reason) == reason.value.replace("_", " ")


def test_one_named_arm_of_two_is_enough_and_zero_cells_are_marked() -> None:
    only_ref = study(
        "sig",
        "sig-2024",
        "      - id: sig.vfx\n"
        "        outcome: {name: fractures, kind: clinical, endpoint: vfx}\n"
        "        indication: osteo\n"
        "        comparator: {group: ctl}\n"
        "        statistic: {kind: arm_counts, arms: [{group: vk2, events: 0, total: 40}, "
        "{group: ctl, events: 5, total: 41}]}\n"
        "        direction: benefit\n"
        "        provenance: [{source: sig-2024, locator: Results}]\n",
    )
    base = vitk2.loads(
        trials_yaml(extra_citations=citation("sig-2024", "Alpha A", 2000), extra_studies=only_ref)
    )
    ma = base.meta_analysis("osteo", "vfx")
    sig = next(c for c in ma.contrasts if c.study == "sig")
    assert sig.events == (0, 5)
    assert sig.corrected
    assert ma.contrasts[0].label == "Alpha 2000a"
    assert sig.label == "Alpha 2000b"
    assert any("1/2 added" in n for n in ma.footnotes())
    assert "**Left out" not in ma.to_markdown()


def test_mean_differences_render_and_draw_on_a_linear_axis(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    rows = "".join(
        study(
            sid,
            f"{sid}-2020",
            finding(
                f"{sid}.bmd",
                f"{sid}-2020",
                MEANS.format(m="mean", s1=f"spread: 0.1 g/cm², spread_kind: sd, n: {n}"),
                endpoint="bmd",
                more=CONTRAST,
            ),
        )
        for sid, n in (("mu", 30), ("nu", 50))
    )
    text = f"{HEAD}citations:\n" + "".join(
        citation(f"{s}-2020", f"{s.title()} M", 2020) for s in ("mu", "nu")
    )
    ma = vitk2.loads(text + f"studies:\n{rows}").meta_analysis("osteo", "bmd")
    assert ma.contrasts[0].data == "0.82 ± 0.1 g/cm² (n 30) vs 0.8 ± 0.1 g/cm² (n 40)"
    fig = ma.plot(tmp_path / "md.pdf")
    assert fig.axes[0].get_xscale() == "linear"
    assert (tmp_path / "md.pdf").read_bytes().startswith(b"%PDF")
    smd = vitk2.loads(text + f"studies:\n{rows}").meta_analysis("osteo", "bmd", measure="SMD")
    assert smd.contrasts[0].unit is None


def test_reprs_are_short_single_lines() -> None:
    ma = base_with_everything().meta_analysis("osteoporosis", "vertebral fracture")
    objects: list[object] = [
        ma,
        ma.lineage,
        *ma.contrasts,
        *ma.excluded,
        *ma.sensitivity,
    ]
    for obj in objects:
        text = repr(obj)
        assert "\n" not in text, text
        assert len(text) < 200, text
        assert text.startswith(f"<{type(obj).__name__} "), text


@st.composite
def tables_strategy(draw: st.DrawFn) -> list[tuple[int, int, int, int]]:
    out = []
    for _ in range(3):
        n1 = draw(st.integers(5, 300))
        n2 = draw(st.integers(5, 300))
        e1 = draw(st.integers(1, n1 - 1))
        e2 = draw(st.integers(1, n2 - 1))
        out.append((e1, n1, e2, n2))
    return out


@settings(max_examples=25)
@given(tables=tables_strategy(), measure=st.sampled_from(["RR", "OR", "RD"]))
def test_law_the_pool_of_the_base_is_the_engines_pool_of_its_tables(
    tables: list[tuple[int, int, int, int]], measure: str
) -> None:
    base = vitk2.loads(trials_yaml(tables=tables))
    ma = base.meta_analysis("osteo", "vfx", measure=measure)  # type: ignore[arg-type]
    expected = reference_pool(tables, measure, method="REML", test="knha")
    assert ma.result is not None
    assert ma.result.coef == pytest.approx(expected.coef, rel=1e-12, abs=1e-15)
    assert ma.result.se == pytest.approx(expected.se, rel=1e-12, abs=1e-15)
    assert [c.weight for c in ma.contrasts] == pytest.approx(list(expected.weights))
    for c in ma.contrasts:
        assert c.low <= c.estimate <= c.high


def test_a_comparator_without_a_recorded_kind_says_how_to_select_it() -> None:
    text = trials_yaml().replace(
        "comparator: {group: ctl, kind: placebo}", "comparator: {group: ctl}"
    )
    ma = vitk2.loads(text).meta_analysis("osteo", "vfx", comparator="placebo")
    assert not ma.contrasts
    details = {e.detail for e in ma.excluded}
    assert details == {
        "the comparator's kind is not recorded (its arm: ctl arm); comparator.kind in the data "
        "selects it as placebo"
    }


def test_cli_meta_has_help_and_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "meta", "--help")
    assert status == 0
    assert "usage: vitk2 meta" in out
    assert "Exit codes: see 'vitk2 --help'" in out
    _, top, _ = cli(capsys, "--help")
    assert "meta-analysis of one endpoint" in " ".join(top.split())


def test_open_label_trials_are_left_out_in_a_sensitivity_analysis() -> None:
    level = "    level: {ocebm: 2, rationale: a trial}\n"
    head, gamma = trials_yaml().split("  - id: gamma\n")
    text = (
        head.replace(level, level + "    blinding: double_blind\n")
        + "  - id: gamma\n"
        + gamma.replace(level, level + "    blinding: open_label\n")
    )
    base = vitk2.loads(text)
    ma = base.meta_analysis("osteo", "vfx")
    assert [c.blinding for c in ma.contrasts][-1] is vitk2.Blinding.OPEN_LABEL
    (open_label,) = [s for s in ma.sensitivity if s.kind is SensitivityKind.OPEN_LABEL]
    assert open_label.omitted == ("gamma",)
    expected = reference_pool(TABLES[:2], method="REML", test="knha")
    assert open_label.result is not None
    assert open_label.result.estimate == pytest.approx(expected.estimate, rel=1e-12)
    assert "RCT, open label" in ma.to_text()


def test_two_studies_under_hartung_knapp_are_noted_when_wider_too() -> None:
    text = trials_yaml(tables=HETEROGENEOUS).split("  - id: gamma\n")[0]
    ma = vitk2.loads(text).meta_analysis("osteo", "vfx")
    assert ma.result is not None
    assert ma.result.k == 2
    (note,) = ma.notes
    assert note.startswith("with two studies the Hartung-Knapp interval rests on one degree")
    assert not vitk2.loads(text).meta_analysis("osteo", "vfx", test="z").notes


# -- the table of findings by indication and endpoint, held to a scan of every finding ------

from vitk2 import testing as vt  # noqa: E402 - this part of the file was added after the rest


def _scanned(
    base: vitk2.EvidenceBase, indications: set[str] | None, endpoints: set[str] | None
) -> list[tuple[vitk2.Study, vitk2.Finding]]:
    """The plain definition: every finding of every study, in order, that is in scope."""
    return [
        (s, f)
        for s in base.studies
        for f in s.findings
        if (indications is None or f.indication.id in indications)
        and (
            endpoints is None
            or (f.outcome.endpoint is not None and f.outcome.endpoint.id in endpoints)
        )
    ]


def _scopes(base: vitk2.EvidenceBase) -> list[tuple[set[str] | None, set[str] | None]]:
    """Each indication with its subtypes and each endpoint with the narrower ones, or any."""
    inds: list[set[str] | None] = [
        None,
        *({i.id for i in base.subtypes(x)} for x in base.indications),
    ]
    ends: list[set[str] | None] = [
        None,
        *({e.id} | {n.id for n in base.narrower_endpoints(e)} for e in base.endpoints),
    ]
    return [(i, e) for i in inds for e in ends]


def _same_as_the_scan(base: vitk2.EvidenceBase) -> None:
    for inds, ends in _scopes(base):
        assert base._index.select_findings(inds, ends) == _scanned(base, inds, ends), (inds, ends)


def test_the_table_by_indication_and_endpoint_selects_what_a_scan_does_on_generated_bases() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate  # type: ignore[import-not-found]  # the benchmarks' synthetic evidence

    base = vitk2.loads(json.dumps(generate.generate(400, seed=11)), "json")
    assert any(e.parent for e in base.endpoints)
    _same_as_the_scan(base)
    # the answers built on it: every finding in scope is pooled, listed or left out, once
    for ind in ("indication-02", "indication-13"):
        ends = {"fracture", "vertebral-fracture", "nonvertebral-fracture"}
        ma = base.meta_analysis(ind, "fracture", measure="RR")
        scope = {i.id for i in base.subtypes(ind)}
        seen = [c.finding for c in ma.contrasts] + [x.finding for x in ma.excluded]
        assert sorted(seen) == sorted(f.id for _, f in _scanned(base, scope, ends))
        left = {x.finding for x in base.summary(ind).left_out}
        assert left <= {f.id for _, f in _scanned(base, scope, None)}


@settings(max_examples=60, deadline=None)
@given(vt.evidence_bases(max_studies=4))
def test_the_table_by_indication_and_endpoint_selects_what_a_scan_does(
    base: vitk2.EvidenceBase,
) -> None:
    _same_as_the_scan(base)


def test_a_reported_test_without_an_estimate_is_not_pooled() -> None:
    tested = study(
        "tau",
        "tau-2024",
        finding(
            "tau.vfx",
            "tau-2024",
            "{kind: test, test: chi-squared, p_value: 0.03, groups: [vk2, ctl]}",
            more=CONTRAST,
        ),
    )
    base = vitk2.loads(
        trials_yaml(extra_citations=citation("tau-2024", "Tau T", 2024), extra_studies=tested)
    )
    ma = base.meta_analysis("osteo", "vfx")
    assert reasons(ma) == {"tau.vfx": Reason.INCOMPLETE}
    assert "without an estimate" in ma.excluded[0].detail


def test_an_active_comparator_is_pooled_apart_from_untreated_controls() -> None:
    # Ishida 2004 (against no treatment) and Jiang 2014 (against alfacalcidol) both count
    # fractures with menatetrenone: they answer different questions and are never pooled
    bundled = vitk2.load()
    default = bundled.meta_analysis("osteoporosis", "fracture", compound="menatetrenone")
    assert {c.study for c in default.contrasts} == {"ishida-2004-am-j-med-yops"}
    (jiang,) = [x for x in default.excluded if x.study == "jiang-2014-clin-interv-aging"]
    assert "an active comparator (alfacalcidol)" in jiang.detail
    active = bundled.meta_analysis(
        "osteoporosis", "fracture", compound="menatetrenone", comparator="active"
    )
    assert {c.study for c in active.contrasts} == {"jiang-2014-clin-interv-aging"}


def test_an_add_on_design_is_not_an_active_comparator() -> None:
    # vitamin D in both arms, vitamin K2 added in one: the contrast is K2's effect
    bundled = vitk2.load()
    study = bundled.study("kurnatowska-2015-pol-arch-med-wewn")
    from vitk2._evidence_meta import _active_comparator

    assert [a.id for a in study.arms] == ["k-d", "d"]
    assert _active_comparator(study, "k-d", "d") == frozenset()
    assert _active_comparator(study, "d", "k-d") == {"menaquinone-7"}  # the other way round
