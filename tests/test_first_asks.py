"""First asks take shortcuts; each gives what its plain definition gives.

A t quantile is kept once computed. A summary takes each row's contrasts from `PoolableContrasts`, which screens the findings of
an indication and endpoint once for every row, in place of asking `meta_analysis` once per
row. These tests hold the shortcut to the definition, on hypothesis-drawn bases and on the
benchmarks' synthetic evidence.
"""

from __future__ import annotations

import json
import math
import pickle
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
import vitk2.testing as vt
from vitk2._dist import _t_ppf, t_ppf
from vitk2._evidence_meta import MetaAnalysisError, PoolableContrasts
from vitk2._summary import _asked_of_base, _summary

MEASURES: tuple[Any, ...] = (None, "RR", "OR", "RD", "HR", "MD", "SMD")


def _contrasts_as_asked(
    base: vitk2.EvidenceBase,
    indication: vitk2.Indication,
    endpoint: vitk2.Endpoint,
    compound: vitk2.Compound | None,
    measure: Any,
    include_unverified: bool,
) -> tuple[str, tuple[Any, ...]] | tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """The definition: the whole meta-analysis, its contrasts without their weights."""
    try:
        ma = base.meta_analysis(
            indication,
            endpoint,
            compound=compound,
            measure=measure,
            include_unverified=include_unverified,
        )
    except MetaAnalysisError as err:
        return "error", tuple(err.measures)
    return ma.measure, tuple(attrs.evolve(c, weight=None) for c in ma.contrasts)


def _contrasts_of(
    shortcut: PoolableContrasts,
    indication: vitk2.Indication,
    endpoint: vitk2.Endpoint,
    compound: vitk2.Compound | None,
    measure: Any,
) -> tuple[str, tuple[Any, ...]] | tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    try:
        return shortcut(indication, endpoint, compound, measure)
    except MetaAnalysisError as err:
        return "error", tuple(err.measures)


def _same_contrasts(base: vitk2.EvidenceBase) -> None:
    for include_unverified in (False, True):
        shortcut = PoolableContrasts(base, include_unverified)
        for ind in base.indications:
            for end in base.endpoints:
                for comp in (None, *base.compounds):
                    for measure in MEASURES:
                        assert _contrasts_of(shortcut, ind, end, comp, measure) == (
                            _contrasts_as_asked(base, ind, end, comp, measure, include_unverified)
                        ), (ind.id, end.id, comp and comp.id, measure, include_unverified)


def _same_summaries(base: vitk2.EvidenceBase) -> None:
    exposures = (None, *vitk2.Exposure)
    for include_unverified in (False, True):
        for ind in (None, *base.indications):
            for expo in exposures:
                fast = _summary(
                    base,
                    ind,
                    None,
                    None,
                    expo,
                    include_unverified,
                    PoolableContrasts(base, include_unverified),
                )
                slow = _summary(
                    base,
                    ind,
                    None,
                    None,
                    expo,
                    include_unverified,
                    _asked_of_base(base, include_unverified),
                )
                assert fast == slow, (ind and ind.id, expo, include_unverified)
                assert fast.to_json() == slow.to_json()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vt.evidence_bases(max_studies=4))
def test_poolable_contrasts_are_those_of_the_meta_analysis(base: vitk2.EvidenceBase) -> None:
    _same_contrasts(base)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vt.evidence_bases(max_studies=4))
def test_a_summary_is_the_one_each_rows_meta_analysis_gives(base: vitk2.EvidenceBase) -> None:
    _same_summaries(base)


@pytest.fixture(scope="module")
def synthetic() -> vitk2.EvidenceBase:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate  # type: ignore[import-not-found]  # the benchmarks' synthetic evidence

    return vitk2.loads(json.dumps(generate.generate(1000, seed=5)), "json")


def test_a_summary_of_synthetic_evidence_is_the_definitions(synthetic: vitk2.EvidenceBase) -> None:
    pooled = 0
    for ind in ("indication-00", "indication-03", "indication-16", None):
        indication = None if ind is None else synthetic.indication(ind)
        fast = _summary(
            synthetic, indication, None, None, None, False, PoolableContrasts(synthetic, False)
        )
        slow = _summary(
            synthetic, indication, None, None, None, False, _asked_of_base(synthetic, False)
        )
        assert fast == slow
        assert fast.to_json() == slow.to_json()
        pooled += sum(1 for r in fast.rows if r.estimate and r.estimate.source == "pooled")
    assert pooled  # the shortcut was taken where it matters


def test_the_contrasts_of_synthetic_evidence_are_the_meta_analyses(
    synthetic: vitk2.EvidenceBase,
) -> None:
    shortcut = PoolableContrasts(synthetic, False)
    forms = [c for c in synthetic.compounds if c.family == "vitamin K"][:6]
    for ind in ("indication-01", "indication-22"):
        indication = synthetic.indication(ind)
        for end in synthetic.endpoints:
            for comp in (None, *forms):
                for measure in MEASURES:
                    assert _contrasts_of(shortcut, indication, end, comp, measure) == (
                        _contrasts_as_asked(synthetic, indication, end, comp, measure, False)
                    )


@settings(max_examples=200, deadline=None)
@given(
    p=st.floats(0.0, 1.0),
    df=st.one_of(st.integers(1, 400), st.floats(0.05, 1e6), st.just(math.inf)),
)
def test_a_kept_t_quantile_is_the_one_computed(p: float, df: float) -> None:
    computed = _t_ppf.__wrapped__(p, df)
    assert t_ppf(p, df) == computed
    again = t_ppf(p, df)  # kept now
    assert again == computed
    assert math.copysign(1.0, again) == math.copysign(1.0, computed)


def test_a_summarys_content_hash_is_read_when_asked_and_is_the_bases() -> None:
    from vitk2._summary import SummaryOfFindings

    bundled = vitk2.load()

    def fresh() -> vitk2.EvidenceBase:  # nothing kept, no content hash computed yet
        return vitk2.EvidenceBase(
            compounds=bundled.compounds,
            indications=bundled.indications,
            citations=bundled.citations,
            studies=bundled.studies,
            dataset=bundled.dataset,
            endpoints=bundled.endpoints,
        )

    base = fresh()
    s = base.summary("osteoporosis")
    assert "not read yet" in repr(s._content_hash)  # the first ask did not compute it
    other = fresh().summary("osteoporosis")
    assert s == other
    assert hash(s) == hash(other)
    assert s.content_hash == base.content_hash
    again = pickle.loads(pickle.dumps(s))
    assert again == s
    assert again.content_hash == base.content_hash
    assert attrs.evolve(s, rows=()).content_hash == base.content_hash
    made = SummaryOfFindings(rows=(), content_hash="abc")
    assert made.content_hash == "abc"
    assert made == SummaryOfFindings(rows=(), content_hash="abc")
    assert made != SummaryOfFindings(rows=(), content_hash="abd")
    assert SummaryOfFindings(rows=()).content_hash == ""
    assert s.to_data()["content_hash"] == base.content_hash
