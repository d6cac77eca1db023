"""Comparisons, regimen contrasts, the overview and certainty suggestions."""

from __future__ import annotations

import csv
import io
import json
import textwrap

import pytest

import vitk2
from vitk2 import Certainty, Direction

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
        "vitk2: 1\ncitations:\n"
        + "\n".join(citations)
        + "\nstudies:\n"
        + textwrap.indent("".join(studies), "")
    )
    return vitk2.loads(text, base=BASE)


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
        assert {"risk of bias", "imprecision", "indirectness"} <= domains

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
        assert BASE.compare("mds")._repr_html_().startswith('<table class="vitk2">')

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
            BASE.compare("mds", interval="wald")
        with pytest.raises(vitk2.CriteriaError, match="level must be"):
            BASE.compare("mds", level=95)


class TestPooling:
    def test_pooled_across_distinct_studies_matches_statsmodels(self) -> None:
        sm = pytest.importorskip("statsmodels.stats.meta_analysis")
        np = pytest.importorskip("numpy")
        base = user_trials(("t1", 12, 40, 5, 40), ("t2", 20, 50, 9, 50), ("t3", 4, 30, 3, 30))
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
        expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
        assert result.estimate == pytest.approx(float(expit(ref.mean_effect_re)), abs=1e-9)
        assert result.tau2 == pytest.approx(max(0.0, float(ref.tau2)), abs=1e-9)

    def test_one_study_is_never_pooled_with_itself(self) -> None:
        assert not BASE.compare("mds").pooled


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

    def test_disagreeing_studies_are_inconsistent_not_averaged(self) -> None:
        base = user_trials(("t1", 30, 60, 10, 60), ("t2", 10, 60, 10, 60))
        t2 = base.study("t2")
        import attrs

        null = attrs.evolve(t2.findings[0], direction=Direction.NO_CLEAR_EFFECT)
        studies = tuple(
            attrs.evolve(s, findings=(null, s.findings[1])) if s.id == "t2" else s
            for s in base.studies
        )
        base2 = vitk2.EvidenceBase(
            compounds=base.compounds,
            indications=base.indications,
            citations=base.citations,
            studies=studies,
        )
        assert base2.overview().row("mds").direction is Direction.INCONSISTENT

    def test_matrix_has_design_and_certainty(self) -> None:
        ov = BASE.overview()
        cell = next(c for c in ov.matrix if c.compound == "menatetrenone" and c.indication == "mds")
        assert cell.findings > 0
        assert "menatetrenone" in ov.matrix_text()


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
