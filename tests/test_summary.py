"""Summary of findings: rows, the best estimate, GRADE domains, statements, renderers, CLI.

Most evidence here is synthetic, written in format 2 so that every rule has a case of its own;
the last tests hold the statements for the bundled evidence to what its best evidence
supports.
"""

from __future__ import annotations

import csv
import io
import json
import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import testing as vt
from vitk2._cli import main
from vitk2._evidence_meta import _trial_keys
from vitk2._summary import PREFERENCE, summary

HEAD = """\
vitk2: 2
compounds:
  - {id: mk4, name: menatetrenone, compound_class: vitamin K2, family: vitamin K}
  - {id: mk7, name: menaquinone-7, compound_class: vitamin K2, family: vitamin K}
  - {id: vitamin-k-pooled, name: vitamin K of pooled forms, compound_class: vitamin K,
     family: vitamin K}
  - {id: alfa, name: alfacalcidol, compound_class: vitamin D analogue, family: vitamin D}
  - {id: d3, name: cholecalciferol, compound_class: vitamin D3, family: vitamin D}
indications:
  - {id: osteo, name: osteoporosis, category: bone}
  - {id: pmo, name: postmenopausal osteoporosis, category: bone, parent: osteo}
  - {id: mds, name: myelodysplastic syndromes, category: haematology}
endpoints:
  - {id: fracture, name: any fracture, kind: clinical, better: lower}
  - {id: vfx, name: vertebral fracture, kind: clinical, better: lower, parent: fracture}
  - {id: bmd, name: bone mineral density, kind: surrogate, better: higher}
  - {id: response, name: haematologic response, kind: clinical, better: higher}
"""


def cite(cid: str, author: str = "Smith A", year: int = 2010, extra: str = "") -> str:
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


TWO_ARMS = arm("vk2", ("mk4",)) + arm("ctl", (), "control")


def study(
    sid: str,
    findings: str,
    *,
    design: str = "randomised_controlled_trial",
    indication: str = "osteo",
    arms: str | None = TWO_ARMS,
    reports: str | None = None,
    size: int | None = None,
    extra: str = "",
    level: str = "{ocebm: 2, rationale: a study}",
) -> str:
    pop = f"{{description: adults, enrolled: {size}}}" if size else "{description: adults}"
    arms_text = f"    arms:\n{arms}" if arms else ""
    return (
        f"  - id: {sid}\n"
        f"    title: study {sid}\n"
        f"    reports: [{reports or sid}]\n"
        f"    design: {design}\n"
        f"    indications: [{indication}]\n"
        f"    population: {pop}\n"
        f"    level: {level}\n"
        f"{extra}"
        f"{arms_text}"
        f"    findings:\n{findings}"
    )


def counts(
    fid: str, cid: str, e1: int, n1: int, e2: int, n2: int, *, endpoint: str = "vfx", more: str = ""
) -> str:
    return (
        f"      - id: {fid}\n"
        f"        outcome: {{name: fractures, kind: clinical, endpoint: {endpoint}}}\n"
        f"        indication: osteo\n"
        f"        group: vk2\n"
        f"        comparator: {{group: ctl, kind: placebo}}\n"
        f"        statistic:\n"
        f"          kind: arm_counts\n"
        f"          arms:\n"
        f"            - {{group: vk2, events: {e1}, total: {n1}}}\n"
        f"            - {{group: ctl, events: {e2}, total: {n2}}}\n"
        f"        direction: benefit\n"
        f"{more}"
        f"        provenance: [{{source: {cid}, locator: Table 2}}]\n"
    )


def effect(
    fid: str,
    cid: str,
    value: float,
    low: float,
    high: float,
    *,
    measure: str = "risk_ratio",
    endpoint: str = "vfx",
    kind: str = "clinical",
    participants: int | None = None,
    studies: int | None = None,
    direction: str = "benefit",
    more: str = "",
    extra_stat: str = "",
    status: str = "verified",
    compounds: str = "[mk4]",
    indication: str = "osteo",
) -> str:
    n = f", participants: {participants}" if participants else ""
    k = f", studies: {studies}" if studies else ""
    return (
        f"      - id: {fid}\n"
        f"        outcome: {{name: result, kind: {kind}, endpoint: {endpoint}}}\n"
        f"        indication: {indication}\n"
        f"        compounds: {compounds}\n"
        f"        statistic: {{kind: effect, measure: {measure}, value: {value}, low: {low}, "
        f"high: {high}{n}{k}{extra_stat}}}\n"
        f"        direction: {direction}\n"
        f"{more}"
        f"        provenance: [{{source: {cid}, locator: Results, status: {status}}}]\n"
    )


def base_of(citations: str, studies: str) -> vitk2.EvidenceBase:
    return vitk2.loads(HEAD + "citations:\n" + citations + "studies:\n" + studies)


def review(
    sid: str,
    value: float,
    low: float,
    high: float,
    n: int,
    *,
    k: int = 5,
    extra: str = "",
    **kw: Any,
) -> str:
    return study(
        sid,
        effect(f"{sid}.vfx", sid, value, low, high, participants=n, studies=k, **kw),
        design="systematic_review",
        arms=None,
        extra=extra,
    )


# --------------------------------------------------------------------------------------------
# Counting participants once


def test_a_review_never_adds_its_participants_to_those_of_its_own_trials() -> None:
    trials = [("t1", 10, 200, 20, 200), ("t2", 8, 150, 15, 150)]
    cits = "".join(cite(t[0], f"Author{i} A") for i, t in enumerate(trials)) + cite("rev", "Rev R")
    body = "".join(
        study(t, counts(f"{t}.vfx", t, e1, n1, e2, n2), size=n1 + n2)
        for t, e1, n1, e2, n2 in trials
    )
    body += review("rev", 0.6, 0.45, 0.8, 700, extra="    includes: [t1, t2]\n")
    row = summary(base_of(cits, body), "osteo").row("vfx", "mk4")
    assert row.estimate is not None
    assert row.estimate.source == "review"  # 700 participants beat the pool of 700: larger, first
    assert row.participants == 700  # never 700 + 400 + 300
    assert row.studies == 5
    assert {e.finding for e in row.evidence} == {"t1.vfx", "t2.vfx", "rev.vfx"}


def test_the_base_pool_counts_each_trial_once_and_reports_of_one_trial_once() -> None:
    cits = (
        cite("t1", "Ann A") + cite("t2", "Bob B") + cite("t2b", "Bob B", extra=", reports_on: t2")
    )
    body = study("t1", counts("t1.vfx", "t1", 10, 200, 20, 200), size=400)
    body += study("t2", counts("t2.vfx", "t2", 8, 150, 15, 150), size=300)
    body += study("t2-again", counts("t2b.vfx", "t2b", 8, 150, 15, 150), reports="t2b", size=300)
    row = summary(base_of(cits, body), "osteo").row("vfx")
    assert row.estimate is not None
    assert row.estimate.source == "pooled"
    assert sorted(row.estimate.studies) == ["t1", "t2"]
    assert row.participants == 700
    assert row.studies == 2


def test_uncontrolled_evidence_is_a_response_rate_never_a_benefit() -> None:
    cits = cite("abs", "Doe J", extra=", interim: true") + cite("full", "Doe J", 2011)

    def prop(fid: str, src: str, e: int, n: int) -> str:
        return (
            f"      - id: {fid}\n"
            "        outcome: {name: response, kind: clinical, endpoint: response}\n"
            "        indication: mds\n"
            "        group: vk2\n"
            f"        statistic: {{kind: proportion, events: {e}, total: {n}}}\n"
            "        direction: benefit\n"
            f"        provenance: [{{source: {src}, locator: Results}}]\n"
        )

    body = study(
        "mds",
        prop("mds.interim", "abs", 5, 29) + prop("mds.full", "full", 5, 38),
        design="single_arm_trial",
        indication="mds",
        arms=arm("vk2", ("mk4",)),
        reports="abs, full",
        size=43,
    )
    s = summary(base_of(cits, body), "mds")
    (row,) = s.rows
    assert row.kind is vitk2.SummaryRowKind.UNCONTROLLED
    assert row.direction is vitk2.Direction.NOT_APPLICABLE
    assert row.certainty is vitk2.Certainty.VERY_LOW
    assert "Uncontrolled haematologic response: 13 % (5/38)" in row.statement
    assert "no comparator" in row.statement
    assert "benefit" not in row.statement
    assert (row.studies, row.participants) == (1, 38)  # one study, at its largest count


# --------------------------------------------------------------------------------------------
# The preference order


def test_a_review_under_a_notice_yields_to_a_clean_smaller_one() -> None:
    cits = cite("big", "Big B", extra=", integrity: {status: caution, year: 2018}")
    cits += cite("small", "Small S")
    body = review("big", 0.4, 0.25, 0.65, 9000) + review("small", 0.9, 0.8, 1.05, 3000)
    row = summary(base_of(cits, body), "osteo").row("vfx")
    assert row.estimate is not None
    assert row.estimate.studies == ("small",)
    assert row.direction is vitk2.Direction.NO_CLEAR_EFFECT
    assert PREFERENCE[0].startswith("not under an integrity")


def test_the_corrected_value_replaces_the_superseded_original() -> None:
    cits = cite("rev", "Rev R")
    findings = effect(
        "rev.original",
        "rev",
        0.72,
        0.55,
        0.95,
        participants=5000,
        more="        caveats: [Superseded by the corrected estimate (rev.corrected).]\n",
    ) + effect(
        "rev.corrected",
        "rev",
        0.98,
        0.85,
        1.14,
        participants=4000,
        direction="no_clear_effect",
        more="        notes: [Replaces rev.original (0.72).]\n",
    )
    body = study("rev", findings, design="systematic_review", arms=None)
    s = summary(base_of(cits, body), "osteo")
    row = s.row("vfx")
    assert row.estimate is not None
    assert row.estimate.findings == ("rev.corrected",)
    assert any(e.finding == "rev.original" and "superseded" in e.reason for e in s.left_out)


def test_randomised_beats_observational_and_the_whole_population_beats_a_subgroup() -> None:
    cits = cite("rct", "Ran R") + cite("coh", "Coh C")
    rct = study(
        "rct",
        effect("rct.vfx", "rct", 0.95, 0.8, 1.1, participants=500, direction="no_clear_effect")
        + effect(
            "rct.sub",
            "rct",
            0.3,
            0.2,
            0.5,
            participants=5000,
            more="        subgroup: women over 75\n",
        ),
    )
    coh = study(
        "coh",
        effect("coh.vfx", "coh", 0.5, 0.4, 0.6, participants=50000, extra_stat=", adjusted: true"),
        design="cohort",
    )
    row = summary(base_of(cits, rct + coh), "osteo").row("vfx")
    assert row.estimate is not None
    assert row.estimate.findings == ("rct.vfx",)


def test_adjusted_beats_unadjusted_and_larger_beats_smaller_within_a_design() -> None:
    cits = cite("a", "Aa A") + cite("b", "Bb B") + cite("c", "Cc C")
    body = study("a", effect("a.vfx", "a", 0.9, 0.8, 1.0, participants=900), design="cohort")
    body += study(
        "b",
        effect("b.vfx", "b", 0.8, 0.7, 0.95, participants=500, extra_stat=", adjusted: true"),
        design="cohort",
    )
    body += study("c", effect("c.vfx", "c", 0.7, 0.6, 0.8, participants=100), design="cohort")
    row = summary(base_of(cits, body), "osteo").row("vfx")
    assert row.estimate is not None
    assert row.estimate.findings == ("b.vfx",)
    body2 = study("a", effect("a.vfx", "a", 0.9, 0.8, 1.0, participants=900), design="cohort")
    body2 += study("c", effect("c.vfx", "c", 0.7, 0.6, 0.8, participants=100), design="cohort")
    row2 = summary(base_of(cits, body2), "osteo").row("vfx")
    assert row2.estimate is not None
    assert row2.estimate.findings == ("a.vfx",)


# --------------------------------------------------------------------------------------------
# GRADE domains and statements


def one_trial(
    value: float,
    low: float,
    high: float,
    n: int,
    *,
    extra: str = "",
    endpoint: str = "vfx",
    kind: str = "clinical",
    measure: str = "risk_ratio",
    more: str = "",
    direction: str = "benefit",
    level: str = "{ocebm: 2, rationale: a study}",
) -> vitk2.EvidenceBase:
    unit = ", unit: g/cm²" if measure == "mean_difference" else ""
    body = study(
        "t",
        effect(
            "t.x",
            "t",
            value,
            low,
            high,
            participants=n,
            endpoint=endpoint,
            kind=kind,
            measure=measure,
            more=more,
            direction=direction,
            extra_stat=unit,
        ),
        extra=extra,
        size=n,
        level=level,
    )
    return base_of(cite("t", "Tee T"), body)


@pytest.mark.parametrize(
    ("args", "extra", "certainty", "statement"),
    [
        ((0.7, 0.6, 0.8, 2000), "", "high", "Menatetrenone reduces vertebral fracture."),
        (
            (0.7, 0.6, 0.8, 2000),
            "    blinding: open_label\n",
            "moderate",
            "Menatetrenone probably reduces vertebral fracture.",
        ),
        (
            (0.97, 0.85, 1.1, 2000),
            "",
            "high",
            "Menatetrenone makes little or no difference to vertebral fracture.",
        ),
        (
            (0.9, 0.7, 1.2, 2000),
            "",
            "moderate",
            "Menatetrenone probably makes little or no difference to vertebral fracture.",
        ),
        (
            (0.9, 0.6, 1.4, 2000),
            "",
            "low",
            "Menatetrenone may make little or no difference to vertebral fracture.",
        ),
        (
            (0.9, 0.6, 1.4, 200),
            "    blinding: open_label\n",
            "very_low",
            "The evidence is very uncertain about the effect of menatetrenone on vertebral "
            "fracture.",
        ),
        (
            (1.5, 1.2, 1.9, 2000),
            "",
            "high",
            "Menatetrenone increases vertebral fracture.",
        ),
    ],
)
def test_grade_statements_follow_the_informative_statement_table(
    args: tuple[float, float, float, int], extra: str, certainty: str, statement: str
) -> None:
    row = summary(one_trial(*args, extra=extra), "osteo").row("vfx")
    assert row.certainty.value == certainty
    assert row.statement == statement


def test_each_downgrade_names_its_domain_and_reason() -> None:
    level = (
        "{ocebm: 2, rationale: r, downgrades: ['indirectness: men only; BMD is a surrogate', "
        "'risk of bias: stopped early']}"
    )
    base = one_trial(
        0.05,
        -0.01,
        0.11,
        120,
        extra="    blinding: open_label\n",
        endpoint="bmd",
        kind="surrogate",
        measure="mean_difference",
        level=level,
    )
    row = summary(base, "osteo").row("bmd")
    domains = {d.domain: d for d in row.domains}
    assert list(domains) == [
        "risk of bias",
        "inconsistency",
        "indirectness",
        "imprecision",
        "publication bias",
    ]
    rob = domains["risk of bias"]
    assert rob.steps == 1
    assert any("open label" in r for r in rob.reasons)
    assert any("stopped early (curator)" in r for r in rob.reasons)
    ind = domains["indirectness"]
    assert ind.steps == 1
    assert any("surrogate endpoint" in r for r in ind.reasons)
    assert any("men only" in r for r in ind.reasons)
    assert not any("BMD is a surrogate" in r for r in ind.reasons)  # judged from the endpoint
    imp = domains["imprecision"]
    assert imp.steps == 2  # crosses no effect, and 120 < 400 participants
    assert "not assessed" in domains["publication bias"].reasons[0]
    assert row.computed is vitk2.Certainty.VERY_LOW
    assert row.start == (vitk2.Certainty.HIGH, "randomised")


def test_the_curators_certainty_overrides_and_is_kept_apart() -> None:
    more = "        certainty: very_low\n        certainty_reasons: [post hoc]\n"
    row = summary(one_trial(0.7, 0.6, 0.8, 2000, more=more), "osteo").row("vfx")
    assert row.computed is vitk2.Certainty.HIGH
    assert row.curator == (vitk2.Certainty.VERY_LOW, ("post hoc",))
    assert row.certainty is vitk2.Certainty.VERY_LOW
    assert row.statement.startswith("The evidence is very uncertain")


def test_inconsistency_and_publication_bias_from_the_pooled_trials() -> None:
    tables = [(2, 100, 20, 100), (20, 100, 21, 100), (5, 100, 30, 100), (18, 100, 17, 100)]
    cits = "".join(cite(f"t{i}", f"A{i} A") for i in range(len(tables)))
    body = "".join(
        study(f"t{i}", counts(f"t{i}.vfx", f"t{i}", *t), size=200) for i, t in enumerate(tables)
    )
    row = summary(base_of(cits, body), "osteo").row("vfx")
    assert row.estimate is not None
    assert row.estimate.source == "pooled"
    inc = next(d for d in row.domains if d.domain == "inconsistency")
    assert inc.steps == 1
    assert inc.reasons[0].startswith("I² ")
    # ten trials: Egger's test is run
    tables10 = [(5 + i, 100, 10 + i, 100) for i in range(10)]
    cits10 = "".join(cite(f"u{i}", f"B{i} B") for i in range(10))
    body10 = "".join(
        study(f"u{i}", counts(f"u{i}.vfx", f"u{i}", *t), size=200) for i, t in enumerate(tables10)
    )
    row10 = summary(base_of(cits10, body10), "osteo").row("vfx")
    pub = next(d for d in row10.domains if d.domain == "publication bias")
    assert pub.reasons[0].startswith("Egger's test p ")
    assert row10.absolute is not None  # a comparator risk from the control arms
    cr, _risk, diff, low, high = row10.absolute
    assert cr == pytest.approx(1000 * sum(10 + i for i in range(10)) / 1000)
    assert low <= diff <= high


# --------------------------------------------------------------------------------------------
# What is a row, and flags


def test_exposures_are_separate_rows_and_a_cohort_is_an_association() -> None:
    cits = cite("rct", "Ran R") + cite("coh", "Coh C")
    body = study("rct", effect("rct.vfx", "rct", 0.95, 0.8, 1.1, participants=500))
    body += study(
        "coh",
        effect("coh.vfx", "coh", 0.5, 0.4, 0.6, participants=50000, direction="association"),
        design="cohort",
        arms=None,
        extra="    exposure: dietary_intake\n",
    )
    s = summary(base_of(cits, body), "osteo")
    kinds = {(r.exposure.value, r.kind.value) for r in s.rows}
    assert kinds == {("supplement", "effect"), ("dietary_intake", "association")}
    assoc = next(r for r in s.rows if r.kind is vitk2.SummaryRowKind.ASSOCIATION)
    assert "an association, not the effect of a supplement" in assoc.statement
    assert assoc.start[0] is vitk2.Certainty.LOW
    only = summary(base_of(cits, body), "osteo", exposure="supplement")
    assert [r.exposure.value for r in only.rows] == ["supplement"]


def test_flags_background_claims_preclinical_and_active_comparators() -> None:
    cits = cite("t", "Tee T") + cite("pool", "Pool P") + cite("cells", "Cell C")
    funding = "    funding: {funders: [Maker], supplement_maker: true}\n"
    body = study(
        "t",
        effect(
            "t.vfx",
            "t",
            0.7,
            0.6,
            0.8,
            participants=900,
            more="        subgroup: women over 75\n",
        )
        + effect(
            "t.background",
            "t",
            0.5,
            0.3,
            0.7,
            endpoint="bmd",
            kind="surrogate",
            more="        basis: animal\n",
        ),
        extra=funding,
    )
    body += study(
        "pool",
        effect("pool.vfx", "pool", 0.8, 0.7, 0.9, compounds="[vitamin-k-pooled]"),
        design="systematic_review",
        arms=None,
    )
    body += study(
        "cells",
        "      - id: cells.growth\n"
        "        outcome: {name: growth, kind: mechanistic, endpoint: bmd}\n"
        "        indication: osteo\n"
        "        compounds: [mk4]\n"
        "        statistic: {kind: narrative, summary: cells grew less}\n"
        "        direction: benefit\n"
        "        provenance: [{source: cells, locator: Fig 1}]\n",
        design="in_vitro",
        arms=None,
    )
    active = arm("vk2", ("mk4",)) + arm("ctl", ("alfa",), "control")
    cits += cite("jia", "Jia J")
    body += study("jia", counts("jia.vfx", "jia", 2, 108, 4, 105), arms=active)
    s = summary(base_of(cits, body), "osteo")
    row = s.row("vfx", "mk4")
    kinds = {f.kind for f in row.flags}
    assert vitk2.SummaryFlagKind.SUPPLEMENT_MAKER in kinds
    assert vitk2.SummaryFlagKind.SUBGROUP in kinds
    pooled = s.row("vfx", "vitamin-k-pooled")
    assert vitk2.SummaryFlagKind.POOLED_FORMS in {f.kind for f in pooled.flags}
    reasons = {e.finding: e.reason for e in s.left_out}
    assert "background claim" in reasons["t.background"]
    assert "active comparator" in reasons["jia.vfx"]
    assert [r.kind for r in s.preclinical] == [vitk2.SummaryRowKind.PRECLINICAL]
    assert "Preclinical only" in s.preclinical[0].statement


def test_unverified_values_are_left_out_unless_asked_for_and_then_flagged() -> None:
    cits = cite("t", "Tee T")
    body = study("t", effect("t.vfx", "t", 0.7, 0.6, 0.8, participants=900, status="unverified"))
    base = base_of(cits, body)
    assert summary(base, "osteo").rows == ()
    row = summary(base, "osteo", include_unverified=True).row("vfx")
    assert vitk2.SummaryFlagKind.UNVERIFIED in {f.kind for f in row.flags}


def test_integrity_concerns_flag_and_rate_down() -> None:
    cits = cite("t", "Tee T", extra=", integrity: {status: expression_of_concern, year: 2015}")
    body = study(
        "t",
        effect("t.vfx", "t", 0.7, 0.6, 0.8, participants=900),
        extra="    blinding: open_label\n",
    )
    row = summary(base_of(cits, body), "osteo").row("vfx")
    assert vitk2.SummaryFlagKind.INTEGRITY in {f.kind for f in row.flags}
    rob = row.domains[0]
    assert rob.steps == 2  # a notice with another reason
    assert row.certainty is vitk2.Certainty.LOW


def test_criteria_are_checked() -> None:
    base = one_trial(0.7, 0.6, 0.8, 2000)
    with pytest.raises(vitk2.UnknownNameError):
        summary(base, "nonexistent")
    with pytest.raises(vitk2.CriteriaError):
        summary(base, exposure="sunlight")
    with pytest.raises(vitk2.CriteriaError):
        summary(base, include_unverified="yes")  # type: ignore[arg-type]
    assert summary(base, compound="menaquinone-7").rows == ()
    assert len(summary(base, endpoint="fracture").rows) == 1
    assert base.summary() is base.summary()


# --------------------------------------------------------------------------------------------
# Renderers


def test_renderers_trace_every_number_to_its_findings() -> None:
    tables = [(10, 200, 20, 200), (8, 150, 15, 150)]
    cits = "".join(cite(f"t{i}", f"A{i} A") for i in range(2))
    body = "".join(
        study(f"t{i}", counts(f"t{i}.vfx", f"t{i}", *t), size=400) for i, t in enumerate(tables)
    )
    s = summary(base_of(cits, body), "osteo")
    text = s.to_text(width=80)
    assert all(len(line) <= 80 for line in text.splitlines() if " " in line.strip())
    assert "t0.vfx" in text
    assert "t1.vfx" in text
    assert "Summary of findings: osteoporosis" in s.to_markdown()
    (rec,) = csv.DictReader(io.StringIO(s.to_csv()))
    assert rec["estimate_findings"] == "t0.vfx; t1.vfx"
    assert rec["source"] == "pooled"
    data = json.loads(s.to_json())
    assert data["rows"][0]["estimate"]["findings"] == ["t0.vfx", "t1.vfx"]
    assert data["preference"] == list(PREFERENCE)
    html = s._repr_html_()
    assert html.startswith('<div class="vitk2-summary">')
    assert "t0.vfx" in html
    assert pickle.loads(pickle.dumps(s)) == s
    assert "rows" in repr(s)


def test_evidence_text_stays_inert() -> None:
    cits = cite("t", "Tee T")
    body = study(
        "t",
        "      - id: t.x\n"
        "        outcome: {name: fractures, kind: clinical, endpoint: vfx}\n"
        "        indication: osteo\n"
        "        group: vk2\n"
        "        comparator: {group: ctl, kind: placebo}\n"
        '        statistic: {kind: narrative, summary: "<script>x</script> \\e[2J fewer"}\n'
        "        direction: benefit\n"
        "        provenance: [{source: t, locator: Results}]\n",
    )
    s = summary(base_of(cits, body), "osteo")
    assert "<script>" not in s._repr_html_()
    assert "\x1b" not in s.to_text()
    assert "\x1b" not in s.to_json()


# --------------------------------------------------------------------------------------------
# The law: no participant counted twice


def _no_double_counting(base: vitk2.EvidenceBase, s: vitk2.SummaryOfFindings) -> None:
    for row in (*s.rows, *s.preclinical):
        e = row.estimate
        if e is None:
            continue
        ids = list(e.studies)
        assert len(ids) == len(set(ids))
        studies = [base.study(i) for i in ids]
        for a in studies:
            for b in studies:
                if a.id != b.id:
                    assert b.id not in a.includes  # a review beside a trial it includes
                    assert not (_trial_keys(a) & _trial_keys(b))  # two reports of one trial
        if e.source in ("review", "study") and row.kind is not vitk2.SummaryRowKind.UNCONTROLLED:
            assert len(ids) == 1


@st.composite
def overlapping_reviews(draw: st.DrawFn) -> tuple[vitk2.EvidenceBase, dict[str, int]]:
    """Trials with counts and reviews that include overlapping sets of them."""
    n_trials = draw(st.integers(1, 5))
    sizes = {}
    cits = ""
    body = ""
    for i in range(n_trials):
        n1, n2 = draw(st.integers(20, 400)), draw(st.integers(20, 400))
        e1, e2 = draw(st.integers(1, n1 - 1)), draw(st.integers(1, n2 - 1))
        sizes[f"t{i}"] = n1 + n2
        cits += cite(f"t{i}", f"T{i} T")
        body += study(f"t{i}", counts(f"t{i}.vfx", f"t{i}", e1, n1, e2, n2), size=n1 + n2)
    for j in range(draw(st.integers(0, 3))):
        included = draw(st.lists(st.sampled_from(sorted(sizes)), min_size=1, unique=True))
        n = sum(sizes[t] for t in included)
        value = draw(st.floats(0.3, 1.5))
        cits += cite(f"r{j}", f"R{j} R")
        body += review(
            f"r{j}",
            round(value, 2),
            round(value * 0.7, 2),
            round(value * 1.3, 2),
            n,
            k=len(included),
            extra=f"    includes: [{', '.join(included)}]\n",
        )
        sizes[f"r{j}"] = n
    return base_of(cits, body), sizes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overlapping_reviews())
def test_no_participant_is_counted_twice_with_overlapping_reviews(
    drawn: tuple[vitk2.EvidenceBase, dict[str, int]],
) -> None:
    base, sizes = drawn
    s = summary(base, "osteo")
    _no_double_counting(base, s)
    for row in s.rows:
        e = row.estimate
        assert e is not None
        if e.source == "pooled":
            assert row.participants == sum(sizes[i] for i in e.studies)
        else:
            (only,) = e.studies
            assert row.participants == sizes[only]  # a review's own total, nothing added


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vt.evidence_bases(max_studies=4))
def test_no_participant_is_counted_twice_in_generated_bases(base: vitk2.EvidenceBase) -> None:
    s = summary(base, include_unverified=True)
    _no_double_counting(base, s)
    for row in s.rows:
        assert row.statement
        assert row.certainty <= row.start[0] or row.curator is not None


# --------------------------------------------------------------------------------------------
# The bundled evidence, read as an expert would


@pytest.fixture(scope="module")
def bundled() -> vitk2.EvidenceBase:
    return vitk2.load()


def test_menatetrenone_does_not_reduce_fractures(bundled: vitk2.EvidenceBase) -> None:
    s = bundled.summary("osteoporosis", compound="menatetrenone")
    vfx = s.row("vertebral-fracture", "menatetrenone")
    assert vfx.estimate is not None
    assert vfx.estimate.findings == ("su-2019-osteoporos-int.vertebral-fracture",)
    assert vfx.direction is vitk2.Direction.NO_CLEAR_EFFECT
    assert "little or no difference" in vfx.statement
    for row in s.rows:
        if row.endpoint.id.endswith("fracture"):
            assert " reduce" not in row.statement, row.statement
            assert row.certainty <= vitk2.Certainty.LOW
    bmd = s.row("lumbar-spine-bmd", "menatetrenone")
    assert bmd.certainty <= vitk2.Certainty.LOW
    assert bmd.direction is vitk2.Direction.BENEFIT
    caution = s.row("hip-fracture", "menatetrenone")
    assert caution.certainty is vitk2.Certainty.VERY_LOW
    assert vitk2.SummaryFlagKind.INTEGRITY in {f.kind for f in caution.flags}


def test_pooled_vitamin_k_rows_use_the_corrected_mott_estimates(
    bundled: vitk2.EvidenceBase,
) -> None:
    s = bundled.summary("osteoporosis", compound="vitamin-k-pooled")
    vfx = s.row("vertebral-fracture")
    assert vfx.estimate is not None
    assert vfx.estimate.findings == ("mott-2019-osteoporos-int.vertebral-fracture-adjusted",)
    assert "little or no difference" in vfx.statement
    left = {e.finding for e in s.left_out}
    assert "mott-2019-osteoporos-int.vertebral-fracture" in left


def test_hcc_recurrence_is_not_said_to_be_reduced(bundled: vitk2.EvidenceBase) -> None:
    s = bundled.summary("hcc")
    for row in s.rows:
        if row.endpoint.id == "hcc-recurrence":
            assert not (
                row.direction is vitk2.Direction.BENEFIT
                and row.certainty >= vitk2.Certainty.MODERATE
            )
            assert " reduces" not in row.statement
            assert "probably reduces" not in row.statement
    mk4 = s.row("hcc-recurrence", "menatetrenone")
    assert mk4.estimate is not None
    assert mk4.estimate.studies == ("yoshida-2011-hepatology",)
    assert mk4.direction is vitk2.Direction.NO_CLEAR_EFFECT


def test_mds_is_uncontrolled_response_rates_only(bundled: vitk2.EvidenceBase) -> None:
    s = bundled.summary("mds")
    assert s.rows
    for row in s.rows:
        assert row.kind is vitk2.SummaryRowKind.UNCONTROLLED
        assert row.direction is vitk2.Direction.NOT_APPLICABLE
        assert "no comparator" in row.statement
    response = s.row("haematologic-response")
    assert "5/38" in response.statement
    assert response.studies == 2  # the trial (interim and full report) and a case report


def test_mk7_imaging_is_null_while_dp_ucmgp_falls(bundled: vitk2.EvidenceBase) -> None:
    s = bundled.summary(compound="menaquinone-7")
    imaging = {
        "vascular-calcification-score",
        "coronary-artery-calcium",
        "aortic-valve-calcium",
        "femoral-artery-calcification",
    }
    rows = [r for r in s.rows if r.endpoint.id in imaging]
    assert {r.estimate.studies[0] for r in rows if r.estimate} >= {
        "diederichsen-2022-circulation",
        "haroon-2023-trevasc-hdk",
        "zwakenberg-2019-am-j-clin-nutr",
    }
    for r in rows:
        assert r.direction is vitk2.Direction.NO_CLEAR_EFFECT, r
        assert " reduce" not in r.statement
    dp = [r for r in s.rows if r.endpoint.id == "dp-ucmgp" and r.kind.value == "effect"]
    assert dp
    assert all(r.direction is vitk2.Direction.BENEFIT for r in dp)


def test_diet_cohorts_never_stand_for_a_supplement(bundled: vitk2.EvidenceBase) -> None:
    s = bundled.summary("cardiovascular-disease")
    for row in s.rows:
        designs = {e.design for e in row.evidence if e.used}
        if row.exposure is not vitk2.Exposure.SUPPLEMENT:
            assert row.kind is vitk2.SummaryRowKind.ASSOCIATION
            assert "not the effect of a supplement" in row.statement
        else:
            assert vitk2.Design.COHORT not in designs


def test_every_bundled_row_is_traceable(bundled: vitk2.EvidenceBase) -> None:
    s = bundled.summary()
    assert s.rows
    _no_double_counting(bundled, s)
    for row in s.rows:
        for e in row.evidence:
            assert bundled.finding(e.finding) is not None
        if row.estimate is not None:
            assert set(row.estimate.findings) <= set(row.findings)


# --------------------------------------------------------------------------------------------
# Command line


def test_cli_summary(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["summary", "mds"]) == 0
    out = capsys.readouterr().out
    assert "Summary of findings: myelodysplastic" in out
    assert "no comparator" in out
    assert main(["summary", "osteoporosis", "--compound", "MK-4", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["indication"] == "osteoporosis"
    assert main(["summary", "--endpoint", "vertebral fracture", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("kind,indication")


def test_cli_summary_has_help_and_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: vitk2 summary" in out
    assert "Exit codes: see 'vitk2 --help'" in out
    assert main(["--help"]) == 0
    assert "summary of findings" in " ".join(capsys.readouterr().out.split())


def test_a_reviews_recorded_imprecision_counts_only_for_the_endpoint_it_names() -> None:
    level = (
        "{ocebm: 1, rationale: r, downgrades: ['imprecision: the vertebral fracture interval "
        "reaches almost to no effect']}"
    )
    findings = effect("rev.vfx", "rev", 0.8, 0.7, 0.98) + effect(
        "rev.bmd",
        "rev",
        0.05,
        0.02,
        0.08,
        endpoint="bmd",
        kind="surrogate",
        measure="mean_difference",
        extra_stat=", unit: g/cm²",
    )
    body = study("rev", findings, design="systematic_review", arms=None, level=level)
    s = summary(base_of(cite("rev", "Rev R"), body), "osteo")
    vfx = next(d for d in s.row("vfx").domains if d.domain == "imprecision")
    bmd = next(d for d in s.row("bmd").domains if d.domain == "imprecision")
    assert vfx.steps == 1
    assert any("(curator)" in r for r in vfx.reasons)
    assert bmd.steps == 0
