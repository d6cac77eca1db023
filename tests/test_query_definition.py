"""Filters against their definition, finding by finding, on generated bases.

``filter_evidence`` starts from indexes, shares work between the findings of one group and
skips the retraction check when a base has no integrity notice; what it keeps and what it
leaves out must still be exactly what the definition below selects.
"""

from __future__ import annotations

from hypothesis import given, settings

import vitk2
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._names import normalize


def _by_definition(
    base: vitk2.EvidenceBase, *, compounds: set[str] | None, include_retracted: bool
) -> tuple[list[tuple[str, list[str]]], set[str]]:
    kept: list[tuple[str, list[str]]] = []
    left_out: set[str] = set()
    for s in base.studies:
        ids = []
        for f in s.findings:
            if compounds is not None and not {c.id for c in base.compounds_of(f)} & compounds:
                continue
            retracted = [c for c in base.integrity_of(f) if c.integrity.is_retracted]
            if retracted and not include_retracted:
                left_out.add(f.id)
                continue
            ids.append(f.id)
        if ids:
            kept.append((s.id, ids))
    return kept, left_out


def _shape(result: vitk2.EvidenceBase) -> tuple[list[tuple[str, list[str]]], set[str]]:
    return (
        [(s.id, [f.id for f in s.findings]) for s in result.studies],
        {e.finding for e in result.excluded},
    )


class TestFiltersMatchTheDefinition:
    @settings(max_examples=80, deadline=None)
    @given(vt.evidence_bases(max_studies=4))
    def test_by_compound_and_class(self, base: vitk2.EvidenceBase) -> None:
        for retracted in (False, True):
            assert _shape(vitk2.filter_evidence(base, include_retracted=retracted)) == (
                _by_definition(base, compounds=None, include_retracted=retracted)
            )
            for c in base.compounds:
                got = vitk2.filter_evidence(base, compound=c.id, include_retracted=retracted)
                assert _shape(got) == _by_definition(
                    base, compounds={c.id}, include_retracted=retracted
                )
            for cls in {c.compound_class for c in base.compounds}:
                key = normalize(cls)
                members = {
                    c.id
                    for c in base.compounds
                    if key in (normalize(c.compound_class), normalize(c.family))
                }
                got = vitk2.filter_evidence(base, compound_class=cls, include_retracted=retracted)
                assert _shape(got) == _by_definition(
                    base, compounds=members, include_retracted=retracted
                )

    def test_the_bundled_base(self) -> None:
        base = vitk2.load()
        assert any(
            c.integrity.status is m.IntegrityStatus.RETRACTED for c in base.citations
        )  # so the retraction check is exercised
        for c in base.compounds:
            got = vitk2.filter_evidence(base, compound=c.id)
            assert _shape(got) == _by_definition(base, compounds={c.id}, include_retracted=False)
