"""Answers a base keeps: filters, comparisons and overviews asked again cost a lookup.

A kept answer must be the very answer the query computes (equal to a fresh computation),
never one for different criteria, and never hide an error.
"""

from __future__ import annotations

import gc
import threading
import weakref
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import _index, _query
from vitk2 import _model as m
from vitk2 import testing as vt


def fresh() -> vitk2.EvidenceBase:
    """A base with nothing kept yet (the bundled base is shared by every test)."""
    b = vitk2.load()
    return vitk2.EvidenceBase(
        compounds=b.compounds,
        indications=b.indications,
        citations=b.citations,
        studies=b.studies,
        dataset=b.dataset,
        endpoints=b.endpoints,
    )


class TestFilter:
    def test_asking_again_returns_the_same_answer(self) -> None:
        base = fresh()
        first = base.filter(indication="osteoporosis", design="rct")
        assert base.filter(design="rct", indication="osteoporosis") is first
        again = vitk2.filter_evidence(base, indication="osteoporosis", design="rct")
        assert again is not first
        assert first == again
        assert first.excluded == again.excluded

    def test_lists_and_tuples_of_the_same_names_share_an_answer(self) -> None:
        base = fresh()
        a = base.filter(design=["rct", "cohort"])
        assert base.filter(design=("rct", "cohort")) is a

    def test_a_different_criterion_is_a_different_answer(self) -> None:
        base = fresh()
        mds = base.filter(indication="mds")
        hcc = base.filter(indication="hcc")
        assert mds is not hcc
        assert {s.id for s in mds} != {s.id for s in hcc}
        with_retracted = base.filter(indication="osteoporosis", include_retracted=True)
        without = base.filter(indication="osteoporosis")
        assert len(with_retracted.findings) > len(without.findings)

    def test_true_and_one_never_share_an_answer(self) -> None:
        base = fresh()
        assert len(base.filter(min_level=1)) > 0
        with pytest.raises(vitk2.CriteriaError, match="min_level"):
            base.filter(min_level=True)
        # and the other way round
        other = fresh()
        with pytest.raises(vitk2.CriteriaError):
            other.filter(min_level=True)
        assert other.filter(min_level=1) == base.filter(min_level=1)

    def test_errors_are_raised_every_time(self) -> None:
        base = fresh()
        for _ in range(2):
            with pytest.raises(vitk2.UnknownNameError, match="osteoporsis"):
                base.filter(indication="osteoporsis")
        assert len(base._index.filtered) == 0

    def test_records_as_criteria_are_answered_afresh_and_equal(self) -> None:
        base = fresh()
        ind = base.indication("mds")
        a = base.filter(indication=ind)
        b = base.filter(indication=ind)
        assert a is not b
        assert a == b == base.filter(indication="mds")

    def test_a_base_keeps_a_bounded_number_of_answers(self) -> None:
        base = fresh()
        for year in range(1900, 1900 + _index.RESULTS_KEPT + 20):
            base.filter(since=year)
        assert len(base._index.filtered) == _index.RESULTS_KEPT
        # the oldest went first: the newest is kept, the first is computed again
        assert base.filter(since=1900 + _index.RESULTS_KEPT + 19) is base.filter(
            since=1900 + _index.RESULTS_KEPT + 19
        )

    def test_threads_asking_together_all_get_one_answer(self) -> None:
        base = fresh()
        barrier = threading.Barrier(8)
        answers: list[vitk2.EvidenceBase] = []

        def ask() -> None:
            barrier.wait()
            answers.append(base.filter(indication="osteoporosis"))

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(answers) == 8
        assert all(a == answers[0] for a in answers)
        assert base.filter(indication="osteoporosis") in answers

    def test_queries_and_the_hash_leave_the_collector_alone(self) -> None:
        base = fresh()
        was = gc.isenabled()
        with (
            mock.patch("gc.disable", wraps=gc.disable) as disable,
            mock.patch("gc.enable", wraps=gc.enable) as enable,
        ):
            base.filter(indication="mds")
            with pytest.raises(vitk2.UnknownNameError):
                base.filter(compound="no such compound")
            base.compare("mds")
            digest = base.content_hash
        assert not disable.called
        assert not enable.called
        assert gc.isenabled() is was
        assert digest == vitk2.load().content_hash

    def test_the_tables_of_answers_live_as_long_as_their_base(self) -> None:
        base = fresh()
        base.filter(indication="mds")
        tables = [weakref.ref(base._index.filtered), weakref.ref(base._index.answers)]
        assert all(t() in _index._LIVE_RESULTS for t in tables)  # a forked child renews their locks
        del base
        gc.collect()
        assert all(t() is None for t in tables)

    def test_a_filtered_base_shares_its_parents_vocabulary_tables(self) -> None:
        base = fresh()
        base.compound("MK-4")  # the parent's compound tables are built
        sub = base.filter(indication="osteoporosis")
        assert sub._index.records is base._index.records
        assert sub.compound("MK-4") is base.compound("MK-4")
        assert sub.filter(compound="MK-4")._index.records is base._index.records


class TestKeys:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ({"x": 1}, {"x": True}),
            ({"x": 1}, {"x": 1.0}),
            ({"x": "1"}, {"x": 1}),
            ({"x": ["a"]}, {"x": "a"}),
            ({"x": "a"}, {"y": "a"}),
            ({"x": None}, {}),
            ({"x": [1]}, {"x": [True]}),
        ],
    )
    def test_values_that_select_differently_make_different_keys(
        self, a: dict[str, object], b: dict[str, object]
    ) -> None:
        assert _index.results_key(a) != _index.results_key(b)

    def test_order_of_criteria_does_not_matter(self) -> None:
        assert _index.results_key({"a": "x", "b": 2}) == _index.results_key({"b": 2, "a": "x"})

    @pytest.mark.parametrize(
        "value", [object(), [object()], {"a": 1}, {1}, vitk2.load().indication("mds")]
    )
    def test_values_that_are_not_plain_make_no_key(self, value: object) -> None:
        assert _index.results_key({"x": value}) is None

    def test_enum_members_make_keys(self) -> None:
        assert _index.results_key({"design": m.Design.CASE_REPORT}) == _index.results_key(
            {"design": m.Design.CASE_REPORT}
        )
        assert _index.results_key({"design": m.Design.CASE_REPORT}) != _index.results_key(
            {"design": "case_report"}
        )


class TestCompare:
    def test_asking_again_returns_the_same_comparison(self) -> None:
        base = fresh()
        first = base.compare("osteoporosis")
        assert base.compare("osteoporosis") is first
        assert base.compare("osteoporosis", level=0.9) is not first
        assert base.compare("osteoporosis", interval="clopper-pearson") is not first
        from vitk2._compare import compare

        again = compare(base, "osteoporosis")
        assert again == first
        assert again.rows == first.rows

    def test_overview_and_regimens_are_kept(self) -> None:
        base = fresh()
        assert base.overview() is base.overview()
        assert base.overview(include_retracted=True) is not base.overview()
        assert base.compare_regimens("mds") is base.compare_regimens("mds")

    def test_comparing_does_not_hash_the_base(self) -> None:
        base = fresh()
        with mock.patch("vitk2._io.canonical_digest", side_effect=AssertionError("hashed")):
            comparison = base.compare("mds")
            with pytest.raises(AssertionError, match="hashed"):
                _ = comparison.lineage.content_hash
        assert comparison.lineage.content_hash == base.content_hash
        assert comparison.lineage.to_dict()["content_hash"] == base.content_hash

    def test_lineages_are_equal_only_for_the_same_content(self) -> None:
        base = fresh()
        mds = base.compare("mds").lineage
        assert mds == fresh().compare("mds").lineage
        assert hash(mds) == hash(fresh().compare("mds").lineage)
        smaller = vitk2.EvidenceBase(
            compounds=base.compounds,
            indications=base.indications,
            citations=base.citations,
            studies=base.studies[:-1],
            dataset=base.dataset,
            endpoints=base.endpoints,
        )
        assert smaller.compare("mds").lineage != mds
        assert "sha256:" + base.content_hash[:12] in repr(mds)


def _integrity_by_walking(base: vitk2.EvidenceBase, finding: m.Finding) -> tuple[m.Citation, ...]:
    """The definition: every citation reached from the study's reports and the finding's
    ``rests_on`` through ``reports_on``, that has an integrity notice."""
    cits = {c.id: c for c in base.citations}
    ids = [c.id for c in base.study_of(finding).reports] + list(finding.rests_on)
    out: dict[str, m.Citation] = {}
    seen: set[str] = set()
    while ids:
        cid = ids.pop()
        if cid in seen or cid not in cits:
            continue
        seen.add(cid)
        if cits[cid].integrity.status is not m.IntegrityStatus.NONE_KNOWN:
            out[cid] = cits[cid]
        reports_on = cits[cid].reports_on
        if reports_on is not None:
            ids.append(reports_on)
    return tuple(out[k] for k in sorted(out))


class TestIntegrity:
    def test_the_bundled_findings_match_the_definition(self) -> None:
        base = fresh()
        flagged = 0
        for f in base.findings:
            assert base.integrity_of(f) == _integrity_by_walking(base, f), f.id
            flagged += bool(base.integrity_of(f))
        assert flagged > 0  # the bundled data has retractions, so the test tests something

    @settings(max_examples=40, deadline=None)
    @given(vt.evidence_bases())
    def test_generated_bases_match_the_definition(self, base: vitk2.EvidenceBase) -> None:
        for f in base.findings:
            assert base.integrity_of(f) == _integrity_by_walking(base, f)


class TestSubsetStudies:
    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_a_study_with_some_findings_equals_the_evolved_one(self, data: st.DataObject) -> None:
        base = data.draw(vt.evidence_bases())
        studies = [s for s in base.studies if s.findings]
        if not studies:
            return
        study = data.draw(st.sampled_from(studies))
        keep = data.draw(st.lists(st.sampled_from(study.findings), unique_by=lambda f: f.id))
        keep.sort(key=study.findings.index)
        copy = _query.with_findings(study, keep)
        assert copy == attrs.evolve(study, findings=tuple(keep))
        assert type(copy) is m.Study
        assert copy.findings == tuple(keep)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            copy.title = "changed"  # type: ignore[misc]

    def test_filtered_studies_keep_only_matching_findings(self) -> None:
        base = fresh()
        kept = base.filter(indication="mds", outcome_kind="clinical")
        for s in kept.studies:
            original = base.study(s.id)
            assert set(s.findings) <= set(original.findings)
            assert all(f.outcome.kind is m.OutcomeKind.CLINICAL for f in s.findings)


class TestKeptIntervals:
    @pytest.mark.parametrize("fn", ["wilson_interval", "clopper_pearson_interval"])
    def test_kept_intervals_still_check_their_input(self, fn: str) -> None:
        from vitk2 import _stats

        interval = getattr(_stats, fn)
        first = interval(1, 2)
        assert interval(1, 2) is first  # kept
        assert interval(1, 2, 0.9) != first
        for bad in ((True, 2), (1, True), (1.0, 2), (3, 2), (1, 0), (-1, 2)):
            with pytest.raises(_stats.StatisticsError):
                interval(*bad)
        with pytest.raises(_stats.StatisticsError):
            interval(1, 2, True)
