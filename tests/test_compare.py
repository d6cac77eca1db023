"""Comparisons, regimen contrasts, the overview and certainty suggestions."""

from __future__ import annotations

import csv
import html.parser
import io
import itertools
import json
import math
import re
import textwrap
from collections import Counter
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import Certainty, Direction, _views
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._consistency import participant_limits
from vitk2._names import normalize
from vitk2._render import interval_text, level_text

BASE = vitk2.load()


def user_trials(*arms: tuple[str, int, int, int, int]) -> vitk2.EvidenceBase:
    """Randomised two-arm trials (id, k2 events, k2 total, control events, control total)."""
    citations, studies = [], []
    for sid, e1, n1, e2, n2 in arms:
        citations.append(
            f"  - {{id: {sid}-paper, kind: primary_article, authors: [Doe J], year: 2024}}"
        )
        studies.append(
            textwrap.dedent(f"""\
          - id: {sid}
            title: Trial {sid}
            reports: [{sid}-paper]
            design: randomised_controlled_trial
            indications: [mds-ra]
            population: {{description: adults with refractory anaemia, enrolled: {n1 + n2}}}
            level: {{ocebm: 2, rationale: A randomised trial.}}
            arms:
              - id: k2
                name: MK-4
                role: intervention
                size: {n1}
                regimen: {{doses: [{{compound: menatetrenone, amount: 45 mg/day, route: oral}}], duration: 16 week}}
              - {{id: control, name: no treatment, role: control, size: {n2}}}
            findings:
              - id: {sid}.k2
                outcome: {{name: haematologic improvement, kind: surrogate}}
                indication: mds-ra
                group: k2
                statistic: {{kind: proportion, events: {e1}, total: {n1}}}
                direction: benefit
                provenance: [{{source: {sid}-paper, locator: abstract}}]
              - id: {sid}.control
                outcome: {{name: haematologic improvement, kind: surrogate}}
                indication: mds-ra
                group: control
                statistic: {{kind: proportion, events: {e2}, total: {n2}}}
                direction: not_applicable
                provenance: [{{source: {sid}-paper, locator: abstract}}]
        """)
        )
    text = (
        "vitk2: 2\ncitations:\n"
        + "\n".join(citations)
        + "\nstudies:\n"
        + textwrap.indent("".join(studies), "")
    )
    return vitk2.loads(text, base=BASE)


def single_arm_trials(*arms: tuple[str, int, int]) -> vitk2.EvidenceBase:
    """Uncontrolled trials (id, responders, total), one MK-4 arm each."""
    base = user_trials(*((sid, e, n, 0, 1) for sid, e, n in arms))
    data = json.loads(vitk2.dump(base, "json"))
    mine = {sid for sid, _, _ in arms}
    for study in data["studies"]:
        if study["id"] in mine:
            study["design"] = "single_arm_trial"
            study["arms"] = [a for a in study["arms"] if a["id"] == "k2"]
            study["findings"] = [f for f in study["findings"] if f["group"] == "k2"]
            study["population"]["enrolled"] = study["arms"][0]["size"]
    return vitk2.loads(json.dumps(data), "json")


class TestCompare:
    def test_rows_are_ordered_by_level_then_size(self) -> None:
        table = BASE.compare("mds")
        keys = [(r.level if r.level is not None else 9, -(r.n or 0)) for r in table.rows]
        assert keys == sorted(keys)
        assert table.indication.id == "mds"

    def test_proportions_carry_wilson_intervals(self) -> None:
        row = next(
            r for r in BASE.compare("mds").rows if r.finding.id == "mds-vk2-d3-2005.step-1.response"
        )
        assert row.interval is not None
        assert row.estimate == pytest.approx(5 / 29)
        assert row.interval.method == "wilson"
        assert row.interval.low == pytest.approx(0.0760, abs=1e-4)
        cp = BASE.compare("mds", interval="clopper-pearson")
        row_cp = next(r for r in cp.rows if r.finding.id == row.finding.id)
        assert row_cp.interval is not None
        assert row_cp.interval.method == "clopper-pearson"
        assert cp.lineage.interval_method == "clopper-pearson"

    def test_the_caveats_a_careful_reader_needs(self) -> None:
        def caveats(indication: str, finding: str) -> str:
            row = next(r for r in BASE.compare(indication).rows if r.finding.id == finding)
            return " ".join(row.caveats)

        assert "not a randomised arm" in caveats("mds", "mds-vk2-d3-2005.step-2.response")
        assert "association" in caveats("ms", "lasemi-2018-ms.serum-vk2.medians").lower()
        assert "single patient" in caveats("hcc", "hcc-case-report.lung-metastases").lower()
        assert (
            "narrative review"
            in caveats("osteoporosis", "iwamoto-2003-review.vk2.fractures").lower()
        )
        assert "interim" in caveats("mds", "mds-vk2-d3-2005.step-1.response").lower()

    def test_lineage_makes_the_table_reproducible(self) -> None:
        table = BASE.compare("ms")
        assert table.lineage.content_hash == BASE.content_hash
        assert table.lineage.version == BASE.dataset.version if BASE.dataset else False
        assert "DerSimonian-Laird" in table.lineage.pooling_model
        assert any("baseline" in e.reason for e in table.excluded)

    def test_certainty_is_its_own_axis_with_reasons(self) -> None:
        for row in BASE.compare("mds").rows:
            a = row.certainty
            assert isinstance(a.certainty, Certainty)
            assert a.reasons
            assert a.source.startswith(("curated", "suggested"))
        row = next(
            r for r in BASE.compare("mds").rows if r.finding.id == "mds-vk2-d3-2005.step-1.response"
        )
        domains = {d.domain for d in row.certainty.downgrades}
        rated_down = {
            vitk2.Domain.RISK_OF_BIAS,
            vitk2.Domain.IMPRECISION,
            vitk2.Domain.INDIRECTNESS,
        }
        assert rated_down <= domains

    def test_suggested_certainty_when_the_data_carry_none(self) -> None:
        base = user_trials(("t1", 30, 60, 15, 60))
        row = next(r for r in base.compare("mds").rows if r.finding.id == "t1.k2")
        assert row.certainty.source == "curated (study)" or row.certainty.source == "suggested"
        # the user trial has no curated certainty: vitk2 suggests one from the data
        assert base.study("t1").level.certainty is None
        assert row.certainty.source == "suggested"
        assert row.certainty.certainty is Certainty.MODERATE  # high, down one for a surrogate

    @pytest.mark.parametrize("fmt", ["to_text", "to_markdown", "to_csv", "to_json"])
    def test_renderings(self, fmt: str) -> None:
        out = getattr(BASE.compare("mds"), fmt)()
        assert "mds-vk2-d3-2005" in out

    def test_csv_and_json_parse_back(self) -> None:
        table = BASE.compare("mds")
        rows = list(csv.DictReader(io.StringIO(table.to_csv())))
        assert len(rows) == len(table.rows)
        data = json.loads(table.to_json())
        assert data["lineage"]["content_hash"] == BASE.content_hash
        assert len(data["rows"]) == len(table.rows)

    def test_html_for_notebooks(self) -> None:
        page = BASE.compare("mds")._repr_html_()
        assert page.startswith('<div class="vitk2-view">')
        assert len(_html_rows(page)) == len(BASE.compare("mds").rows)

    def test_dataframe_needs_pandas(self) -> None:
        pd = pytest.importorskip("pandas")
        frame = BASE.compare("mds").to_dataframe()
        assert isinstance(frame, pd.DataFrame)
        assert len(frame) == len(BASE.compare("mds").rows)

    def test_deterministic(self) -> None:
        assert BASE.compare("mds").to_json() == BASE.compare("mds").to_json()
        assert BASE.overview().to_json() == BASE.overview().to_json()

    def test_bad_options(self) -> None:
        with pytest.raises(vitk2.CriteriaError, match="interval must be one of"):
            BASE.compare("mds", interval="wald")  # type: ignore[arg-type]
        with pytest.raises(vitk2.CriteriaError, match="level must be"):
            BASE.compare("mds", level=95)


class TestPooling:
    def test_pooled_across_distinct_studies_matches_statsmodels(self) -> None:
        sm = pytest.importorskip("statsmodels.stats.meta_analysis")
        np = pytest.importorskip("numpy")
        base = single_arm_trials(("t1", 12, 40), ("t2", 20, 50), ("t3", 4, 30))
        table = base.compare("mds-ra")
        pooled = [p for p in table.pooled if p.compounds == ("menatetrenone",)]
        assert len(pooled) == 1
        result = pooled[0].result
        e = np.array([12, 20, 4])
        n = np.array([40, 50, 30])
        logit = np.log(e / (n - e))
        var = 1 / e + 1 / (n - e)
        ref = sm.combine_effects(logit, var, method_re="dl")
        assert result.k == 3

        def expit(x: Any) -> Any:
            return 1 / (1 + np.exp(-x))

        assert result.estimate == pytest.approx(float(expit(ref.mean_effect_re)), abs=1e-9)
        assert result.tau2 == pytest.approx(max(0.0, float(ref.tau2)), abs=1e-9)

    def test_one_study_is_never_pooled_with_itself(self) -> None:
        assert not BASE.compare("mds").pooled

    def test_arms_of_controlled_trials_are_never_pooled_as_single_proportions(self) -> None:
        # the MK-4 arms of three randomised trials are halves of contrasts, not response rates
        base = user_trials(("t1", 12, 40, 5, 40), ("t2", 20, 50, 9, 50), ("t3", 4, 30, 3, 30))
        assert not base.compare("mds-ra").pooled

    def test_the_bundled_hcc_trials_are_pooled_as_a_meta_analysis_of_contrasts(self) -> None:
        table = BASE.compare("hcc")
        (ma,) = [m for m in table.meta_analyses if m.endpoint.id == "hcc-recurrence"]
        assert ma == BASE.meta_analysis("hcc", "hcc-recurrence")  # the same answer
        assert {c.study for c in ma.contrasts} == {
            "yoshida-2011-hepatology",
            "pmid23225445-2012-anticancer-res",
        }
        assert "Pooled across trials" in table.to_text()
        assert json.loads(table.to_json())["meta_analyses"][0]["endpoint"] == "hcc-recurrence"


class TestRegimens:
    def test_sequential_phases_are_refused_with_the_reason(self) -> None:
        result = BASE.compare_regimens("mds")
        assert not result.contrasts
        reasons = " ".join(r.reason for r in result.refusals)
        assert "sequential phases of one arm, not randomised arms" in reasons
        assert "non-responders" in reasons.lower() or "no response" in reasons.lower()

    def test_narrative_claims_are_refused(self) -> None:
        result = BASE.compare_regimens("osteoporosis")
        assert all(BASE.study(c.study).design.is_randomised for c in result.contrasts)
        review = [
            r
            for r in result.refusals
            if any(f.startswith("iwamoto-2003-review") for f in r.findings)
        ]
        assert review
        assert all("narrative" in r.reason or "different studies" in r.reason for r in review)

    def test_randomised_arms_give_contrasts_matching_statsmodels(self) -> None:
        tables = pytest.importorskip("statsmodels.stats.contingency_tables")
        base = user_trials(("t1", 12, 40, 5, 40))
        result = base.compare_regimens("mds-ra")
        (c,) = [c for c in result.contrasts if c.study == "t1"]
        assert c.risk_difference.estimate == pytest.approx(12 / 40 - 5 / 40)
        ref = tables.Table2x2([[12, 28], [5, 35]])
        assert c.risk_ratio is not None
        assert c.odds_ratio is not None
        assert c.risk_ratio.estimate == pytest.approx(ref.riskratio, rel=1e-12)
        low, high = ref.riskratio_confint()
        assert (c.risk_ratio.interval.low, c.risk_ratio.interval.high) == pytest.approx(
            (low, high), rel=1e-9
        )
        assert c.odds_ratio.estimate == pytest.approx(ref.oddsratio, rel=1e-12)
        assert "randomised arms" in result.to_text()

    def test_every_pair_of_arms_of_the_hcc_recurrence_trial_is_compared(self) -> None:
        # Yoshida 2011 randomised 45 mg/day, 90 mg/day and placebo: three pairs of arms, from
        # two findings that each count one dose against the same placebo arm.
        trial = "yoshida-2011-hepatology"
        low, high = (f"{trial}.dfs-events-{arm}" for arm in ("45", "90"))
        result = BASE.compare_regimens("hcc-recurrence")
        mine = {(c.a, c.b): c for c in result.contrasts if c.study == trial}
        assert len(mine) == 3  # the labels tell the arms apart: no two contrasts read alike
        assert not [r for r in result.refusals if r.study == trial]
        by_pair = {
            frozenset(
                ("45" if "45 mg" in side else "90" if "90 mg" in side else "placebo")
                for side in pair
            ): c
            for pair, c in mine.items()
        }
        assert set(by_pair) == {
            frozenset(("45", "placebo")),
            frozenset(("90", "placebo")),
            frozenset(("45", "90")),
        }
        c = by_pair[frozenset(("90", "placebo"))]
        assert (c.a_finding, c.b_finding) == (high, high)  # its own finding, dose first
        assert "90 mg" in c.a
        assert c.risk_difference.estimate == pytest.approx(76 / 185 - 58 / 181)
        assert by_pair[frozenset(("45", "90"))].a_finding == low
        text = result.to_text()
        assert "menatetrenone 90 mg/day" in text


@st.composite
def trials_with_arms(draw: st.DrawFn) -> vitk2.EvidenceBase:
    """Studies of one indication with several arms and proportions on a few outcomes.

    Every finding is in a group (an arm or a phase) and is about that group's regimen; a group
    may report an outcome more than once (in subgroups), or not at all. Designs are often
    randomised, so that both contrasts and refusals occur.
    """
    compounds = draw(st.lists(vt.compounds(), min_size=1, max_size=3, unique_by=lambda c: c.id))
    ind = draw(vt.indications(with_id="the-indication", parents=()))
    cit = draw(vt.citations(indications=[ind], links=()))
    studies = []
    for sid in draw(st.lists(st.sampled_from(["s1", "s2", "s3"]), min_size=1, unique=True)):
        population = draw(vt.populations())
        enrolled = population.enrolled if isinstance(population.enrolled, int) else None
        arms = []
        for k in range(draw(st.integers(2, 4))):
            phase_ids = draw(st.lists(st.sampled_from([f"a{k}-p1", f"a{k}-p2"]), unique=True))
            arms.append(
                draw(
                    vt.arms(
                        with_id=f"a{k}", compounds=compounds, phase_ids=phase_ids, most=enrolled
                    )
                )
            )
        # a proportion counts no more participants than its group holds (none in an empty one)
        _, limits = participant_limits(population, arms)
        most = {g: limit.most for g, limit in limits.items()}
        groups = [
            g
            for g in [a.id for a in arms]
            + [p.id for a in arms if a.regimen for p in a.regimen.phases]
            if most.get(g, 1) >= 1
        ]
        findings: list[m.Finding] = []
        for name in ("response", "relapse"):
            outcome = attrs.evolve(draw(vt.outcomes(endpoints=())), name=name)
            for group in draw(st.lists(st.sampled_from(groups), unique=True)) if groups else []:
                for subgroup in draw(
                    st.lists(st.sampled_from([None, "women"]), min_size=1, unique=True)
                ):
                    findings.append(
                        m.Finding(
                            id=f"{sid}.f{len(findings)}",
                            outcome=outcome,
                            indication=ind,
                            statistic=draw(
                                vt.proportions(max_total=min(10**6, most.get(group, 10**6)))
                            ),
                            direction=draw(st.sampled_from(Direction)),
                            provenance=(draw(vt.locators(sources=[cit.id])),),
                            group=group,
                            subgroup=subgroup,
                        )
                    )
        design = draw(
            st.one_of(st.just(m.Design.RANDOMISED_CONTROLLED_TRIAL), st.sampled_from(m.Design))
        )
        studies.append(
            m.Study(
                id=sid,
                title=f"Trial {sid}",
                reports=(cit,),
                design=design,
                indications=(ind,),
                population=population,
                level=draw(vt.evidence_levels()),
                arms=tuple(arms),
                findings=tuple(findings),
            )
        )
    return vitk2.EvidenceBase(
        compounds=tuple(compounds), indications=(ind,), citations=(cit,), studies=tuple(studies)
    )


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(trials_with_arms())
def test_contrasts_plus_refusals_of_a_study_and_outcome_are_its_pairs_of_groups(
    base: vitk2.EvidenceBase,
) -> None:
    """Each study and outcome: contrasts + refusals == pairs of its findings in different groups.

    compare_regimens looks at every unordered pair of findings on one outcome (baseline
    characteristics aside). A pair of one study in two different groups (arms or phases) is
    always two regimens, so it comes out exactly once: as a contrast, or as a refusal of that
    study with its reason. Two findings of one group and one regimen are not two regimens and
    come out as neither; pairs across studies are refused (and merged) without a study.
    """
    subset = base.filter(indication="the-indication")
    result = base.compare_regimens("the-indication")
    where = {f.id: (s.id, normalize(f.outcome.name)) for s in subset.studies for f in s.findings}
    expected: Counter[tuple[str, str]] = Counter()
    pairs: dict[tuple[str, str], set[frozenset[str]]] = {}
    for s in subset.studies:
        for f1, f2 in itertools.combinations(s.findings, 2):
            if f1.outcome.kind is m.OutcomeKind.BASELINE or normalize(f1.outcome.name) != normalize(
                f2.outcome.name
            ):
                continue
            if f1.group != f2.group:
                key = (s.id, normalize(f1.outcome.name))
                expected[key] += 1
                pairs.setdefault(key, set()).add(frozenset((f1.id, f2.id)))
    got: Counter[tuple[str, str]] = Counter()
    seen: dict[tuple[str, str], set[frozenset[str]]] = {}
    for c in result.contrasts:
        key = where[c.a_finding]
        assert key == (c.study, where[c.b_finding][1])
        assert where[c.b_finding][0] == c.study
        assert base.study(c.study).design.is_randomised
        assert c.risk_difference.interval.level == 0.95
        got[key] += 1
        seen.setdefault(key, set()).add(frozenset((c.a_finding, c.b_finding)))
    for r in result.refusals:
        if r.study is None:
            assert len({where[f][0] for f in r.findings}) > 1 or "group" not in r.reason
            continue
        assert len(r.findings) == 2
        key = where[r.findings[0]]
        assert key == (r.study, where[r.findings[1]][1])
        got[key] += 1
        seen.setdefault(key, set()).add(frozenset(r.findings))
    assert got == expected
    assert seen == pairs


ROLLUP = """\
vitk2: 2
compounds:
  - {id: mk4, name: menatetrenone, compound_class: vitamin K2, family: vitamin K}
indications:
  - {id: osteo, name: osteoporosis, category: bone}
endpoints:
  - {id: vfx, name: vertebral fracture, kind: clinical, better: lower}
  - {id: hip, name: hip fracture, kind: clinical, better: lower}
  - {id: bmd, name: bone mineral density, kind: surrogate, better: higher}
citations:
  - {id: a, kind: primary_article, authors: [Alpha A], title: T, journal: J, year: 2000}
  - {id: b, kind: primary_article, authors: [Beta B], title: T, journal: J, year: 2005}
  - {id: r, kind: review, authors: [Review R], title: T, journal: J, year: 2019}
studies:
"""


def rollup_trial(sid: str, e1: int, n1: int, e2: int, n2: int, direction: str) -> str:
    return textwrap.dedent(f"""\
      - id: {sid}
        title: trial {sid}
        reports: [{sid}]
        design: randomised_controlled_trial
        blinding: double_blind
        indications: [osteo]
        population: {{description: women, enrolled: {n1 + n2}}}
        level: {{ocebm: 2, rationale: a trial}}
        arms:
          - {{id: vk2, name: MK-4, role: intervention, regimen: {{doses: [{{compound: mk4, amount: 45 mg/day, route: oral}}], duration: 2 year}}}}
          - {{id: ctl, name: placebo, role: control}}
        findings:
          - id: {sid}.vfx
            outcome: {{name: vertebral fractures, kind: clinical, endpoint: vfx}}
            indication: osteo
            group: vk2
            comparator: {{group: ctl, kind: placebo}}
            statistic:
              kind: arm_counts
              arms: [{{group: vk2, events: {e1}, total: {n1}}}, {{group: ctl, events: {e2}, total: {n2}}}]
            direction: {direction}
            provenance: [{{source: {sid}, locator: Table 2}}]
          - id: {sid}.bmd
            outcome: {{name: lumbar BMD, kind: surrogate, endpoint: bmd}}
            indication: osteo
            group: vk2
            comparator: {{group: ctl, kind: placebo}}
            statistic: {{kind: effect, measure: mean_difference, value: 0.04, low: 0.02, high: 0.06}}
            direction: benefit
            provenance: [{{source: {sid}, locator: Table 3}}]
    """)


def rollup_review(n: int) -> str:
    return textwrap.dedent(f"""\
      - id: r
        title: a review of menatetrenone and more trials
        reports: [r]
        design: systematic_review
        indications: [osteo]
        population: {{description: trials}}
        level: {{ocebm: 1, rationale: a review}}
        includes: [a, b]
        findings:
          - id: r.hip
            outcome: {{name: hip fracture, kind: clinical, endpoint: hip}}
            indication: osteo
            compounds: [mk4]
            comparator: {{kind: placebo, studies: 6, participants: {n}}}
            statistic: {{kind: effect, measure: risk_ratio, value: 0.9, low: 0.6, high: 1.3}}
            direction: no_clear_effect
            provenance: [{{source: r, locator: Figure 2}}]
    """)


def rollup_base(n_review: int = 1500) -> vitk2.EvidenceBase:
    trials = rollup_trial("a", 40, 400, 60, 400, "benefit") + rollup_trial(
        "b", 20, 150, 19, 150, "no_clear_effect"
    )
    return vitk2.loads(ROLLUP + textwrap.indent(trials + rollup_review(n_review), ""))


class TestOverview:
    def test_one_row_per_top_level_indication(self) -> None:
        ov = BASE.overview()
        ids = [r.indication.id for r in ov.rows]
        assert len(ids) == len(set(ids))
        assert all(BASE.indication(i).parent is None for i in ids)
        assert {"mds", "hcc", "ms", "osteoporosis"} <= set(ids)

    def test_ms_is_association_only(self) -> None:
        assert BASE.overview().row("MS").direction is Direction.ASSOCIATION

    def test_hcc_single_case_is_mixed_not_benefit(self) -> None:
        row = BASE.overview().row("hcc")
        assert row.direction in (Direction.MIXED, Direction.NO_CLEAR_EFFECT, Direction.INCONSISTENT)

    # Issue #19 replaced the vote over findings ("inconsistent" when studies disagree) by the
    # direction of the best summary row, read from its estimate and interval. The old test
    # built two disagreeing trials and expected INCONSISTENT; the same trials now give one
    # pooled estimate and its direction.
    def test_disagreeing_trials_give_the_pooled_rows_direction_not_a_vote(self) -> None:
        base = rollup_base()
        row = base.overview().row("osteoporosis")
        assert row.best is not None
        assert row.direction is row.best.direction is not Direction.INCONSISTENT
        assert row.certainty is row.best.certainty
        assert row.statement == row.best.statement
        assert row.best.endpoint.id in ("vfx", "hip")  # clinical before the surrogate BMD

    def test_a_review_never_adds_to_its_own_trials(self) -> None:
        base = rollup_base(1500)
        row = base.overview().row("osteoporosis")
        # trials a and b: 800 + 300 participants; the review of six trials: 1,500. Never 2,600.
        assert row.participants == 1500
        assert row.studies == 6
        assert set(row.sources) == {"a", "b", "r"}
        small = rollup_base(500).overview().row("osteoporosis")
        assert small.participants == 1100  # the trials' own total, when it is the larger

    def test_every_row_is_one_summary_row(self) -> None:
        ov = BASE.overview()
        assert ov.summary is not None
        for r in ov.rows:
            if r.best is None:
                assert r.certainty is None
                assert r.direction is Direction.NOT_APPLICABLE
                assert r.statement
                continue
            assert r.best in r.summary_rows
            assert (r.certainty, r.direction, r.statement) == (
                r.best.certainty,
                r.best.direction,
                r.best.statement,
            )
            if r.best.estimate is not None and r.best_level is not None:
                levels = {BASE.study(s).level.ocebm for s in r.best.estimate.studies}
                assert r.best_level in levels
            assert set(r.sources) <= {s for x in r.summary_rows for s in x.study_ids}

    def test_participants_are_never_summed_across_overlapping_rows(self) -> None:
        for r in BASE.overview().rows:
            people = [x for x in r.summary_rows if x.kind.value != "preclinical"]
            largest = max((x.participants or 0 for x in people), default=0)
            assert r.participants >= largest, r.indication.id
            sizes = {s: BASE.study(s).size or 0 for s in r.sources}
            assert r.participants <= max(sum(sizes.values()), largest), r.indication.id

    def test_the_bundled_headlines_follow_the_best_evidence(self) -> None:
        # audit O1/P1: no reliable fracture benefit; a clinical row, not BMD, not a vote
        osteo = BASE.overview().row("osteoporosis")
        assert osteo.best is not None
        assert osteo.best.endpoint.kind is m.OutcomeKind.CLINICAL
        assert osteo.direction is Direction.NO_CLEAR_EFFECT
        assert osteo.participants < 21575  # audit O5: reviews were added to their trials
        # audit O2: the null double-blind trial, not the preliminary review
        hcc = BASE.overview().row("hcc")
        assert hcc.best is not None
        assert hcc.best.estimate is not None
        assert "yoshida-2011-hepatology" in hcc.best.estimate.studies
        assert hcc.direction is Direction.NO_CLEAR_EFFECT
        # audit O3: uncontrolled response rates are never a benefit
        mds = BASE.overview().row("mds")
        assert mds.direction is Direction.NOT_APPLICABLE
        assert "no comparator" in mds.statement
        assert BASE.overview().row("aml").direction is Direction.NOT_APPLICABLE

    def test_matrix_has_design_and_certainty(self) -> None:
        ov = BASE.overview()
        cell = next(c for c in ov.matrix if c.compound == "menatetrenone" and c.indication == "mds")
        assert cell.findings > 0
        assert "menatetrenone" in ov.matrix_text()

    def test_each_matrix_cell_is_one_summary_row(self) -> None:
        # audit O8: the best design of one study was paired with the certainty of another
        ov = BASE.overview()
        for cell in ov.matrix:
            assert cell.row is not None
            assert cell.compound in {c.id for c in cell.row.compounds}
            assert (cell.certainty, cell.direction, cell.endpoint) == (
                cell.row.certainty,
                cell.row.direction,
                cell.row.endpoint.id,
            )
            assert cell.best_design in {e.design for e in cell.row.evidence}
            assert cell.findings == len(cell.row.evidence)
        osteo = next(
            c for c in ov.matrix if (c.compound, c.indication) == ("menatetrenone", "osteoporosis")
        )
        assert osteo.row is not None
        assert osteo.row.endpoint.kind is m.OutcomeKind.CLINICAL

    def test_renderers_keep_working(self) -> None:
        ov = BASE.overview()
        assert "osteoporosis" in ov.to_text(width=80)
        assert ov.to_markdown().count("\n|") >= len(ov.rows)
        rows = list(csv.reader(io.StringIO(ov.to_csv())))
        assert rows[0] == list(ov.COLUMNS)
        assert len(rows) == len(ov.rows) + 1
        data = json.loads(ov.to_json())
        assert data["preference"]
        assert len(data["rows"]) == len(ov.rows)
        assert "<table" in ov._repr_html_()


def test_left_out_findings_carry_their_reasons() -> None:
    table = BASE.compare("hcc", include_single_patient=False, include_preclinical=False)
    reasons = {e.reason for e in table.excluded}
    assert "single patient: no estimate of effect" in reasons
    assert not any(r.study.design is vitk2.Design.CASE_REPORT for r in table.rows)
    osteo = BASE.compare("osteoporosis")
    assert any(e.reason.startswith("rests on a retracted citation") for e in osteo.excluded)
    assert any(
        r.finding.id.startswith("iwamoto-2009")
        for r in BASE.compare("osteoporosis", include_retracted=True).rows
    )


# --------------------------------------------------------------------------------------------
# Every interval states its own level


def _markdown_rows(text: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    split = [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]
    return [dict(zip(split[0], row, strict=True)) for row in split[1:]]


class _Cells(html.parser.HTMLParser):
    """The header and body cells of an HTML table, as text (a folded cell's full text)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._cell: list[str] | None = None
        self._summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append(("", []))
        elif tag in ("td", "th"):
            self._cell = []
            self.rows[-1] = (tag, self.rows[-1][1])
        elif tag == "summary":
            self._summary += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1][1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "summary":
            self._summary -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._summary:
            self._cell.append(data)


def _html_rows(text: str) -> list[dict[str, str]]:
    parser = _Cells()
    parser.feed(text)
    head = next(cells for kind, cells in parser.rows if kind == "th")
    body = [cells for kind, cells in parser.rows if kind == "td" and len(cells) == len(head)]
    return [dict(zip(head, cells, strict=True)) for cells in body]


def _rows(table: Any, fmt: str) -> list[dict[str, Any]]:
    """The rows of a rendered table, each as {column: cell}, read back from the format."""
    if fmt == "markdown":
        return _markdown_rows(table.to_markdown())
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(table.to_csv())))
    if fmt == "json":
        rows: list[dict[str, Any]] = json.loads(table.to_json())["rows"]
        return rows
    if fmt == "html":
        return _html_rows(table._repr_html_())
    pd = pytest.importorskip("pandas")
    frame = table.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    return [
        {k: (None if v is None or v != v else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


_FORMATS = ["markdown", "csv", "json", "html", "dataframe"]
_LEVEL_IN_A_HEADER = re.compile(r"\d+(\.\d+)?\s?%")


def _hcc_at_90() -> vitk2.Comparison:
    table = BASE.compare("hcc", level=0.9)  # kept by the base: computed once
    levels = {r.interval.level for r in table.rows if r.interval is not None}
    assert levels == {0.9, 0.95}  # the mixture the tests below are about
    return table


class TestLevels:
    """compare(level=0.9) mixes 90 % intervals it computes with 95 % ones as reported."""

    @pytest.mark.parametrize("fmt", _FORMATS)
    def test_each_interval_of_a_comparison_states_its_level(self, fmt: str) -> None:
        hcc = _hcc_at_90()
        rows = _rows(hcc, fmt)
        shown = list(hcc.rows)
        if fmt == "html" and len(shown) > _views.ROW_CAP:  # a notebook shows the head and tail
            shown = shown[: _views.HEAD] + shown[-_views.TAIL :]
        assert len(rows) == len(shown)
        assert not [h for h in rows[0] if _LEVEL_IN_A_HEADER.search(h)]  # no header claims one
        for row, cells in zip(shown, rows, strict=True):
            ci = row.interval
            if ci is None:
                assert not cells["CI"]
                assert cells["CI level"] in ("", None)
                continue
            assert cells["CI"] == interval_text(ci)
            assert cells["CI"].startswith(f"{level_text(ci.level)} CI ")
            assert math.isclose(float(cells["CI level"]), ci.level)
            if isinstance(row.finding.statistic, (m.Proportion, m.ArmCounts)):  # computed
                assert ci.level == 0.9
            else:  # as reported, at the source's level, said in the statistic too
                assert f"({level_text(ci.level)} CI " in cells["statistic"]

    def test_each_interval_of_the_text_table_states_its_level(self) -> None:
        hcc = _hcc_at_90()
        lines = hcc.to_text().splitlines()
        assert "%" not in lines[1]  # the header
        for row, line in zip(hcc.rows, lines[3:], strict=False):
            assert line.startswith(row.study.id)
            if row.interval is not None and row.estimate is not None:
                assert f"({level_text(row.interval.level)} CI " in line
        assert "wilson intervals at 90%" in lines[-1]
        assert "95% CI" not in lines[-1]

    def test_pooled_estimates_carry_their_level(self) -> None:
        base = single_arm_trials(("t1", 12, 40), ("t2", 20, 50))
        data = json.loads(base.compare("mds-ra", level=0.8).to_json())
        assert data["pooled"]
        assert all(p["level"] == 0.8 for p in data["pooled"])

    @pytest.mark.parametrize("fmt", [*_FORMATS, "text"])
    def test_each_interval_of_a_regimen_comparison_states_its_level(self, fmt: str) -> None:
        table = BASE.compare_regimens("hcc", level=0.9)
        assert table.contrasts
        assert table.lineage.level == 0.9
        if fmt == "text":
            text = table.to_text()
            assert "95%" not in text
            assert text.count("(90% CI ") == sum(
                1 + (c.risk_ratio is not None) for c in table.contrasts
            )
            return
        rows = _rows(table, fmt)
        assert not [h for h in rows[0] if _LEVEL_IN_A_HEADER.search(h)]
        results = [r for r in rows if r["result"] != "not computed"]
        assert len(results) == len(table.contrasts)
        for c, cells in zip(table.contrasts, results, strict=True):
            assert cells["result"].startswith(f"RD {c.risk_difference.estimate:+.3f} (90% CI ")
            assert "95%" not in cells["result"]
            if c.risk_ratio is not None:
                assert f"; RR {c.risk_ratio.estimate:.2f} (90% CI " in cells["result"]
            assert math.isclose(float(cells["CI level"]), 0.9)
        if fmt == "json":
            assert json.loads(table.to_json())["lineage"]["level"] == 0.9

    @pytest.mark.parametrize("level", [5.0, math.nan, math.inf, 0, 1, 0.0, -0.1, True, "0.9"])
    @pytest.mark.parametrize("entry", ["compare", "compare_regimens"])
    def test_invalid_levels_are_refused_alike(self, entry: str, level: object) -> None:
        with pytest.raises(vitk2.CriteriaError, match="level must be"):
            getattr(BASE, entry)("hcc", level=level)
        # an indication without contrasts refuses it too, before anything is computed
        with pytest.raises(vitk2.CriteriaError, match="level must be"):
            getattr(BASE, entry)("mds", level=level)
