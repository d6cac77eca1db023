"""Exports are linear: rows equal a plain definition, and no row walks every citation.

The oracle builds each row on its own, with a table of citations made for that row alone (as
``to_rows`` once did, at a cost quadratic in the base), and reads the citation columns by a
plain scan of the base's citations. The scaling tests count work instead of timing it: how
often the citations are walked and how often the per-finding helpers run, for a base and for
one twice its size.

The content hash is fed to SHA-256 record by record; it is held to the digest of the whole
canonical text built at once.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import vitk2
from vitk2 import _model as m
from vitk2 import _tabular
from vitk2 import testing as vt
from vitk2._io import from_data, to_data
from vitk2._scope import Scope, scope_of

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate  # type: ignore[import-not-found]  # the benchmarks' deterministic synthetic evidence

generated = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------------------------
# The oracle


def plain_rows(obj: vitk2.EvidenceBase | m.Study) -> list[dict[str, Any]]:
    """Every row built on its own, from a scope (and a table of citations) of its own."""
    studies = obj.studies if isinstance(obj, vitk2.EvidenceBase) else (obj,)
    return [_tabular._row(scope_of(obj), s, f) for s in studies for f in s.findings]


def plain_citation_cells(
    citations: tuple[m.Citation, ...], finding: m.Finding
) -> dict[str, str | None]:
    """The DOIs and PubMed ids of the finding's sources, found by scanning every citation."""
    found = [c for cid in finding.sources for c in citations if c.id == cid]

    def join(items: list[str]) -> str | None:
        return ";".join(dict.fromkeys(items)) or None

    return {
        "dois": join([c.doi for c in found if c.doi is not None]),
        "pmids": join([c.pmid for c in found if c.pmid is not None]),
    }


@generated
@given(vt.evidence_bases(max_studies=4))
def test_rows_of_a_base_equal_the_plain_definition(base: vitk2.EvidenceBase) -> None:
    rows = vitk2.to_rows(base)
    assert rows == plain_rows(base)
    findings = [f for s in base.studies for f in s.findings]
    for row, finding in zip(rows, findings, strict=True):
        cells = plain_citation_cells(base.citations, finding)
        assert {k: row[k] for k in cells} == cells


@generated
@given(vt.evidence_bases(max_studies=2))
def test_rows_of_a_study_equal_the_plain_definition(base: vitk2.EvidenceBase) -> None:
    for study in base.studies:
        rows = vitk2.to_rows(study)
        assert rows == plain_rows(study)
        for row, finding in zip(rows, study.findings, strict=True):
            cells = plain_citation_cells(study.reports, finding)
            assert {k: row[k] for k in cells} == cells


def test_rows_of_generated_evidence_equal_the_plain_definition() -> None:
    base = from_data(generate.generate(60, seed=11))
    assert vitk2.to_rows(base) == plain_rows(base)


# --------------------------------------------------------------------------------------------
# Scaling, counted


class CountingCitations(tuple[m.Citation, ...]):
    """The citations of a scope, counting the records every walk over them visits."""

    visited = 0

    def __iter__(self) -> Iterator[m.Citation]:
        for c in super().__iter__():
            CountingCitations.visited += 1
            yield c


def _counts(n_studies: int, export: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Citation records visited and per-finding helper calls for one export of a base."""
    base = from_data(generate.generate(n_studies, seed=3))
    counts = {"citations visited": 0, "integrity_of": 0, "assess_certainty": 0}

    def counting_scope(obj: object) -> Scope:
        scope = scope_of(obj)
        return Scope(scope.studies, CountingCitations(scope.citations), scope.base)

    real_integrity = vitk2.EvidenceBase.integrity_of

    def integrity_of(self: vitk2.EvidenceBase, finding: m.Finding) -> Any:
        counts["integrity_of"] += 1
        return real_integrity(self, finding)

    from vitk2 import _compare

    real_assess = _compare.assess_certainty

    def assess(*args: Any, **kwargs: Any) -> Any:
        counts["assess_certainty"] += 1
        return real_assess(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(_tabular, "scope_of", counting_scope)
        patch.setattr(vitk2.EvidenceBase, "integrity_of", integrity_of)
        patch.setattr(_compare, "assess_certainty", assess)
        CountingCitations.visited = 0
        getattr(vitk2, export)(base)
        counts["citations visited"] = CountingCitations.visited
    counts["findings"] = len(base.findings)
    counts["citations"] = len(base.citations)
    return counts


@pytest.mark.parametrize("export", ["to_rows", "to_csv"])
def test_an_export_walks_the_citations_once(export: str, monkeypatch: pytest.MonkeyPatch) -> None:
    small = _counts(50, export, monkeypatch)
    large = _counts(100, export, monkeypatch)
    for c in (small, large):
        # once per export: a walk per row would be findings x citations
        assert c["citations visited"] <= c["citations"], c
        # a few calls per finding (the row's and its certainty's), never one per pair
        assert c["integrity_of"] <= 2 * c["findings"], c
        assert c["assess_certainty"] <= c["findings"], c
    # twice the studies, about twice the work (never four times)
    for key in ("citations visited", "integrity_of", "assess_certainty"):
        assert large[key] <= 2.5 * max(1, small[key]), (key, small, large)


def test_dataframe_export_walks_the_citations_once(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    c = _counts(60, "to_dataframe", monkeypatch)
    assert c["citations visited"] <= c["citations"], c
    assert c["assess_certainty"] <= c["findings"], c


# --------------------------------------------------------------------------------------------
# The content hash is fed record by record and is still the digest of the whole text


def plain_content_hash(base: vitk2.EvidenceBase) -> str:
    """SHA-256 of the whole canonical text, built at once: the definition of the hash."""
    data = to_data(base)
    data.pop("dataset", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@generated
@given(vt.evidence_bases(max_studies=4))
def test_content_hash_is_the_digest_of_the_whole_canonical_text(base: vitk2.EvidenceBase) -> None:
    assert base.content_hash == plain_content_hash(base)


def test_content_hash_of_generated_and_bundled_evidence() -> None:
    # more records than one slice of the streamed text, and the digest pinned in the changelog
    for base in (from_data(generate.generate(300, seed=5)), vitk2.load()):
        assert base.content_hash == plain_content_hash(base)


# --------------------------------------------------------------------------------------------
# The FHIR Bundle, counted: every read of a citation's fields


class _CountingField:
    """A citation field's slot that counts every read of it, and stores as the slot does."""

    reads = 0

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        _CountingField.reads += 1
        return self.slot.__get__(obj, owner)

    def __set__(self, obj: object, value: object) -> None:
        self.slot.__set__(obj, value)


def _fhir_citation_reads(n_studies: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Reads of any field of any citation during one FHIR export of a generated base."""
    base = from_data(generate.generate(n_studies, seed=3))
    base.integrity_of(base.findings[0])  # the base's own tables, built once, are not the export's
    with monkeypatch.context() as patch:
        for field in attrs.fields(m.Citation):
            patch.setattr(m.Citation, field.name, _CountingField(m.Citation.__dict__[field.name]))
        _CountingField.reads = 0
        vitk2.to_fhir(base)
        reads = _CountingField.reads
    return {"reads": reads, "citations": len(base.citations), "findings": len(base.findings)}


def test_the_fhir_export_reads_each_citation_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = _fhir_citation_reads(60, monkeypatch)
    large = _fhir_citation_reads(120, monkeypatch)
    for c in (small, large):
        # a bounded number of reads per citation and per finding; a search of every citation
        # for each citation (as the relations to integrity notices once did) is citations²
        assert c["reads"] <= 40 * (c["citations"] + c["findings"]), c
    # twice the studies, about twice the reads (the search made it about four times)
    assert large["reads"] <= 2.5 * small["reads"], (small, large)
