"""FHIR R5 export: every resource is valid R5, every code is a real code, the numbers survive.

Validation uses the ``fhir.resources`` package (the ``fhir`` extra); only those tests are skipped
without it. The code-shape and round-trip tests need nothing but vitk2.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._fhir import SYSTEMS, UCUM, VITK2_SYSTEMS, fhir_id
from vitk2._io import from_data
from vitk2._units import Unit

JSON = dict[str, Any]

generated = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# The R5 codes, written out here from the FHIR R5 (5.0.0) code systems rather than read from the
# module under test, so that a code the exporter invents fails.
def _codes(text: str) -> set[str]:
    return set(text.split())


R5_CODES: dict[str, set[str]] = {
    "http://hl7.org/fhir/FHIR-version": {"5.0.0"},
    "http://hl7.org/fhir/study-design": _codes(
        "SEVCO:01001 SEVCO:01002 SEVCO:01003 SEVCO:01005 SEVCO:01010 SEVCO:01011 "
        "SEVCO:01013 SEVCO:01016 SEVCO:01017 SEVCO:01023 SEVCO:01027 SEVCO:01028 "
        "SEVCO:01029 SEVCO:01043 SEVCO:01049"
    ),
    "http://hl7.org/fhir/certainty-rating": _codes(
        "high moderate low very-low no-concern serious-concern very-serious-concern "
        "extremely-serious-concern present absent no-change downcode1 downcode2 "
        "downcode3 upcode1 upcode2"
    ),
    "http://hl7.org/fhir/certainty-type": _codes(
        "Overall RiskOfBias Inconsistency Indirectness Imprecision PublicationBias "
        "DoseResponseGradient PlausibleConfounding LargeEffect"
    ),
    "http://hl7.org/fhir/cited-artifact-status-type": _codes(
        "created submitted withdrawn pre-review under-review post-review-pre-published "
        "rejected published-early-form published-final-form accepted archived retracted "
        "draft active approved unknown"
    ),
    "http://hl7.org/fhir/cited-artifact-classification-type": _codes(
        "publication-type mesh-heading supplemental-mesh-protocol "
        "supplemental-mesh-disease supplemental-mesh-organism keyword citation-subset "
        "chemical publishing-model knowledge-artifact-type coverage"
    ),
    "http://hl7.org/fhir/citation-artifact-classifier": _codes(
        "D016428 D016422 D016420 D016425 D001877 D019991 D064886 webpage"
    ),
    "http://hl7.org/fhir/published-in-type": {"D020492", "D001877"},
    "http://hl7.org/fhir/title-type": _codes(
        "primary official scientific plain-language subtitle short-title"
    ),
    "http://hl7.org/fhir/artifact-url-classifier": _codes(
        "abstract full-text supplement webpage file-directory code-repository doi-based"
    ),
    "http://hl7.org/fhir/research-study-arm-type": _codes(
        "active-comparator placebo-comparator sham-comparator no-intervention "
        "experimental other-arm-type"
    ),
    "http://terminology.hl7.org/CodeSystem/statistic-type": _codes(
        "absolute-MedianDiff C25463 0000301 predictedRisk descriptive C93150 C16726 "
        "rate-ratio C25564 C53319 0000457 C28007 C25570 C16932 C65172 C17010 C44256 "
        "0000565 C93152 0000424 C65171 0000100"
    ),
    "http://terminology.hl7.org/CodeSystem/attribute-estimate-type": _codes(
        "0000419 C53324 0000455 0000420 C53245 C44185 C38013 C53322 0000037 0000421 C48918"
    ),
    "http://terminology.hl7.org/CodeSystem/variable-role": _codes(
        "population subpopulation exposure referenceExposure measuredVariable confounder"
    ),
    UCUM: _codes(
        "g mg ug ng g/d mg/d ug/d mg/mL ug/mL ng/mL ug/L mg/L g/cm2 h d wk mo a 10.a % "
        "{participants} {events} [IU] [IU]/d umol/L nmol/L pmol/L g/dL [arb'U]/L "
        "nmol/mg{creat} {ratio} {Agatston} m/s cm2 mm"
    ),
    VITK2_SYSTEMS["design"]: {d.value for d in m.Design},
    VITK2_SYSTEMS["document-kind"]: {k.value for k in m.DocumentKind},
    VITK2_SYSTEMS["integrity-status"]: {s.value for s in m.IntegrityStatus},
    VITK2_SYSTEMS["ocebm-level"]: {"1", "2", "3", "4", "5"},
    VITK2_SYSTEMS["curation"]: {"curated", "cited-only"},
}
RELATED_ARTIFACT_TYPES = _codes(
    "documentation justification citation predecessor successor derived-from "
    "depends-on composed-of part-of amends amended-with appends appended-with cites "
    "cited-by comments-on comment-in contains contained-in corrects correction-in "
    "replaces replaced-with retracts retracted-by signs similar-to supports "
    "supported-with transforms transformed-into transformed-with documents "
    "specification-of created-with cite-as"
)
CODE_SYSTEM_BY_URI = {s.uri: s for s in m.CodeSystem}
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")

# A small base with a retracted paper and its notice, a corrected paper with a notice that is
# not in the data, and a caution: the bundled data need not hold any of these for the tests to
# mean something.
INTEGRITY_DOC = """
vitk2: 2
compounds:
  - {id: mk4, name: menatetrenone, compound_class: vitamin K2, family: vitamin K,
     codes: [{system: pubchem_cid, code: "5282367"}, {system: atc, code: M05BX08}]}
indications:
  - {id: osteoporosis, name: osteoporosis, category: bone,
     codes: [{system: mesh, code: D010024}, {system: icd10, code: M81}]}
citations:
  - id: paper-2005
    kind: primary_article
    authors: [Sato Y, Honda Y]
    title: A trial that was retracted
    journal: Bone
    year: 2005
    doi: 10.1016/j.bone.2004.09.999
    pmid: "15664003"
    pmcid: PMC1234567
    url: https://example.org/paper
    integrity: {status: retracted, date: 2018-05-01, notice: notice-2018, note: fabricated data}
  - id: notice-2018
    kind: notice
    title: "Retraction notice: A trial that was retracted"
    journal: Bone
    year: 2018
    reports_on: paper-2005
  - id: corrected-2019
    kind: review
    year: 2019
    integrity: {status: corrected}
  - id: caution-2006
    kind: review
    year: 2006
    integrity: {status: caution, notice: notice-2018}
studies:
  - id: sato-2005
    title: A retracted trial
    reports: [paper-2005]
    design: randomised_controlled_trial
    indications: [osteoporosis]
    population: {description: Women with osteoporosis., enrolled: 200}
    level: {ocebm: 2, rationale: "A randomised trial, since retracted."}
    arms:
      - id: mk4
        name: menatetrenone
        role: intervention
        size: 100
        regimen: {doses: [{compound: mk4, amount: 45 mg/day, route: oral}], duration: 2 year}
      - {id: control, name: no treatment, role: control, size: 100}
    findings:
      - id: sato-2005.fractures
        outcome: {name: hip fracture, kind: clinical, timepoint: 2 year}
        indication: osteoporosis
        group: mk4
        comparator: no treatment
        statistic: {kind: proportion, events: 2, total: 100}
        direction: benefit
        provenance: [{source: paper-2005, locator: abstract}]
      - id: sato-2005.rr
        outcome: {name: hip fracture, kind: clinical}
        indication: osteoporosis
        group: mk4
        statistic: {kind: effect, measure: risk_ratio, value: 0.2, low: 0.05, high: 0.9,
                    p_value: "< 0.01"}
        direction: benefit
        provenance: [{source: paper-2005, locator: abstract}]
"""


@pytest.fixture(scope="module")
def base() -> vitk2.EvidenceBase:
    return vitk2.load()


@pytest.fixture(scope="module")
def bundle(base: vitk2.EvidenceBase) -> JSON:
    return vitk2.to_fhir(base)


@pytest.fixture(scope="module")
def integrity_base() -> vitk2.EvidenceBase:
    return vitk2.loads(INTEGRITY_DOC)


def resources(bundle: JSON, resource_type: str | None = None) -> list[JSON]:
    return [
        e["resource"]
        for e in bundle.get("entry", [])
        if resource_type is None or e["resource"]["resourceType"] == resource_type
    ]


def by_id(bundle: JSON, resource_type: str) -> dict[str, JSON]:
    return {r["id"]: r for r in resources(bundle, resource_type)}


def walk(value: Any) -> Iterator[JSON]:
    """Every JSON object inside ``value``, depth first."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def validate_r5(bundle: JSON) -> None:
    fhir = pytest.importorskip("fhir.resources")
    from fhir.resources import get_fhir_model_class
    from fhir.resources.bundle import Bundle

    assert fhir.__fhir_version__ == "5.0.0"  # the default models are R5
    for resource in resources(bundle):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    Bundle.model_validate(bundle)


# --------------------------------------------------------------------------------------------
# Valid FHIR R5 (fhir.resources)


def test_every_resource_of_the_bundled_export_is_valid_r5(bundle: JSON) -> None:
    validate_r5(bundle)


def test_a_lone_study_exports_as_valid_r5(base: vitk2.EvidenceBase) -> None:
    for study in base.studies:
        validate_r5(vitk2.to_fhir(study))


def test_the_integrity_example_is_valid_r5(integrity_base: vitk2.EvidenceBase) -> None:
    validate_r5(vitk2.to_fhir(integrity_base))


@generated
@given(vt.evidence_bases())
def test_any_valid_base_exports_as_valid_r5(base: vitk2.EvidenceBase) -> None:
    bundle = vitk2.to_fhir(base)
    validate_r5(bundle)
    check_references_resolve(bundle)
    check_codings(bundle)


# --------------------------------------------------------------------------------------------
# Shape


def test_the_bundle_is_a_collection_that_names_fhir_5(bundle: JSON) -> None:
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    assert {"system": "http://hl7.org/fhir/FHIR-version", "code": "5.0.0", "display": "5.0.0"} in (
        bundle["meta"]["tag"]
    )


def test_the_bundle_is_plain_json(bundle: JSON) -> None:
    assert json.loads(json.dumps(bundle)) == bundle


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=2),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=2), inner, max_size=4)
    ),
    max_leaves=40,
)


def plain_prune(value: Any) -> Any:
    """Children first, then drop None, "", [] and {}: what FHIR forbids, by its definition."""
    if isinstance(value, dict):
        out = {k: plain_prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != "" and v != [] and v != {}}
    if isinstance(value, list):
        items = [plain_prune(v) for v in value]
        return [v for v in items if v is not None and v != "" and v != [] and v != {}]
    return value


@given(json_values)
def test_pruning_drops_what_fhir_forbids_and_nothing_else(value: Any) -> None:
    from vitk2._fhir import _prune

    assert _prune(value) == plain_prune(value)


def test_the_bundle_holds_nothing_fhir_forbids(bundle: JSON) -> None:
    assert plain_prune(bundle) == bundle


def test_export_is_deterministic(base: vitk2.EvidenceBase, bundle: JSON) -> None:
    assert json.dumps(vitk2.to_fhir(base)) == json.dumps(bundle)


def test_one_resource_per_record(base: vitk2.EvidenceBase, bundle: JSON) -> None:
    assert set(by_id(bundle, "Citation")) == {fhir_id(c.id) for c in base.citations}
    assert set(by_id(bundle, "ResearchStudy")) == {fhir_id(s.id) for s in base.studies}
    assert set(by_id(bundle, "Evidence")) == {fhir_id(f.id) for f in base.findings}
    assert len(resources(bundle, "Evidence")) == len(base.findings)


def test_ids_are_valid_and_full_urls_unique(bundle: JSON) -> None:
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for e in bundle["entry"]:
        r = e["resource"]
        assert FHIR_ID.fullmatch(r["id"]), r["id"]
        assert e["fullUrl"].endswith(f"/{r['resourceType']}/{r['id']}")


def check_references_resolve(bundle: JSON) -> None:
    present = {f"{r['resourceType']}/{r['id']}" for r in resources(bundle)}
    for obj in walk(bundle):
        if isinstance(obj.get("reference"), str):
            assert obj["reference"] in present, obj


def test_every_reference_resolves_within_the_bundle(bundle: JSON) -> None:
    check_references_resolve(bundle)


def check_codings(bundle: JSON) -> None:
    for obj in walk(bundle):
        if "system" not in obj or "code" not in obj:
            continue
        system, code = obj["system"], obj["code"]
        if system in CODE_SYSTEM_BY_URI:
            pattern = CODE_SYSTEM_BY_URI[system].pattern
            assert pattern.fullmatch(code), f"{code!r} does not match {system} {pattern.pattern}"
        else:
            assert system in R5_CODES, f"unknown code system {system!r}"
            assert code in R5_CODES[system], f"{code!r} is not a code of {system}"
    for obj in walk(bundle):
        for key in ("relatedArtifact", "relatesTo"):
            for item in obj.get(key, []):
                assert item["type"] in RELATED_ARTIFACT_TYPES, item


def test_every_coding_uses_a_known_system_and_a_valid_code(bundle: JSON) -> None:
    check_codings(bundle)


def test_the_exporter_uses_only_r5_systems() -> None:
    assert set(SYSTEMS.values()) <= set(R5_CODES)


def test_compounds_and_conditions_carry_their_codes(base: vitk2.EvidenceBase, bundle: JSON) -> None:
    studies = by_id(bundle, "ResearchStudy")
    for study in base.studies:
        rs = studies[fhir_id(study.id)]
        for ind, concept in zip(study.indications, rs["condition"], strict=True):
            codings = {(c["system"], c["code"]) for c in concept.get("coding", [])}
            assert codings == {(c.system.uri, c.code) for c in ind.codes}
            assert concept["text"] == ind.name
        focus = [f["concept"]["text"] for f in rs.get("focus", [])]
        assert focus == [c.name for c in study.compounds]


def test_every_unit_has_a_ucum_code(bundle: JSON) -> None:
    from vitk2._fhir import _UCUM_CODES

    assert set(_UCUM_CODES) == set(Unit)
    assert set(_UCUM_CODES.values()) <= R5_CODES[UCUM]


@given(st.lists(vt.ids(), min_size=2, max_size=2, unique=True), st.sampled_from(["", "Out"]))
def test_fhir_ids_are_valid_bounded_and_one_to_one(pair: list[str], tag: str) -> None:
    a, b = ((x, tag) if tag else (x,) for x in pair)
    ida, idb = fhir_id(*a), fhir_id(*b)
    assert FHIR_ID.fullmatch(ida)
    assert FHIR_ID.fullmatch(idb)
    assert ida != idb


def test_fhir_ids_keep_short_ids_readable_and_hash_long_ones() -> None:
    assert fhir_id("mds-vk2-d3-2005.step-1.response") == "mds-vk2-d3-2005.step-1.response"
    assert fhir_id("a_b") == "aUb"
    long = "x" * 70
    assert fhir_id(long) == fhir_id(long)
    assert len(fhir_id(long)) <= 64
    assert fhir_id(long) != fhir_id(long + "y")
    with pytest.raises(ValueError, match="vitk2 ids"):
        fhir_id("not an id")


def test_only_bases_and_studies_export() -> None:
    with pytest.raises(TypeError, match="EvidenceBase or a Study"):
        vitk2.to_fhir("mds")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Round trip: the bundle gives the source's numbers and identifiers back


def _statistics(evidence: JSON) -> list[JSON]:
    return list(evidence.get("statistic", []))


def _estimate(stat: JSON, code: str) -> JSON:
    found: JSON
    (found,) = (
        a
        for a in stat.get("attributeEstimate", [])
        if a.get("type", {}).get("coding", [{}])[0].get("code") == code
    )
    return found


def uint(n: int | None) -> int | None:
    """A count as FHIR's unsignedInt can hold it (larger counts are left out)."""
    return n if n is None or n <= 2**31 - 1 else None


def check_numbers(finding: m.Finding, evidence: JSON) -> None:
    s = finding.statistic
    stats = _statistics(evidence)
    if isinstance(s, m.Narrative):
        assert stats == []
        assert evidence["description"] == s.summary
        return
    assert evidence["description"] == str(s)
    if isinstance(s, m.Proportion):
        (stat,) = stats
        assert stat.get("numberOfEvents") == uint(s.events)
        assert stat.get("sampleSize", {}).get("knownDataCount") == uint(s.total)
        if s.counts is m.CountKind.PARTICIPANTS:
            assert stat.get("sampleSize", {}).get("numberOfParticipants") == uint(s.total)
        assert stat["quantity"]["value"] == s.estimate
        ci = _estimate(stat, "C53324")
        assert (ci["range"]["low"]["value"], ci["range"]["high"]["value"]) == (
            s.interval().low,
            s.interval().high,
        )
        assert ci["level"] == s.interval().level
    elif isinstance(s, m.Effect):
        (stat,) = stats
        assert stat["quantity"]["value"] == s.value
        if s.low is not None:
            ci = _estimate(stat, "C53324")
            assert (ci["range"]["low"]["value"], ci["range"]["high"]["value"]) == (s.low, s.high)
            assert ci["level"] == s.level
        if s.p_value is not None:
            p = _estimate(stat, "C44185")["quantity"]
            assert p["value"] == s.p_value.value
            assert p.get("comparator", "=") == s.p_value.relation
    elif isinstance(s, m.Count):
        (stat,) = stats
        assert stat["quantity"]["value"] == s.value
        key = "numberAffected" if s.counts is m.CountKind.PARTICIPANTS else "numberOfEvents"
        assert stat.get(key) == uint(s.value)
    elif isinstance(s, m.Breakdown):
        *categories, total = stats
        assert [(c["category"]["text"], c["quantity"]["value"]) for c in categories] == [
            (c.label, c.count) for c in s.categories
        ]
        assert total["quantity"]["value"] == s.total
    elif isinstance(s, m.GroupSummaries):
        summaries = stats[: len(s.summaries)]
        for summary, stat in zip(s.summaries, summaries, strict=True):
            assert stat["quantity"]["value"] == summary.value.value
            assert stat["quantity"]["unit"] == summary.value.unit.value
            assert stat.get("sampleSize", {}).get("numberOfParticipants") == uint(summary.n)
        if s.p_value is not None:
            assert _estimate(stats[-1], "C44185")["quantity"]["value"] == s.p_value.value
    elif isinstance(s, m.TimeToEvent):
        (stat,) = stats
        assert stat["quantity"]["value"] == s.time.value


def test_each_evidence_gives_back_its_finding_numbers(
    base: vitk2.EvidenceBase, bundle: JSON
) -> None:
    evidence = by_id(bundle, "Evidence")
    for finding in base.findings:
        check_numbers(finding, evidence[fhir_id(finding.id)])


@generated
@given(vt.evidence_bases())
def test_generated_evidence_gives_back_its_finding_numbers(base: vitk2.EvidenceBase) -> None:
    evidence = by_id(vitk2.to_fhir(base), "Evidence")
    for finding in base.findings:
        check_numbers(finding, evidence[fhir_id(finding.id)])


def identifiers(citation: m.Citation) -> set[tuple[str, str]]:
    systems = {
        "doi": "https://doi.org",
        "pmid": "https://pubmed.ncbi.nlm.nih.gov",
        "pmcid": "https://www.ncbi.nlm.nih.gov/pmc",
        "url": "urn:ietf:rfc:3986",
    }
    return {(systems[k], getattr(citation, k)) for k in systems if getattr(citation, k)}


@pytest.mark.parametrize("which", ["bundled", "integrity"])
def test_each_citation_gives_back_its_identifiers(
    which: str, base: vitk2.EvidenceBase, integrity_base: vitk2.EvidenceBase
) -> None:
    source = base if which == "bundled" else integrity_base
    citations = by_id(vitk2.to_fhir(source), "Citation")
    for c in source.citations:
        artifact = citations[fhir_id(c.id)]["citedArtifact"]
        got = {(i["system"], i["value"]) for i in artifact.get("identifier", [])}
        assert got == identifiers(c)
        authors = [
            e["contributor"]["display"]
            for e in artifact.get("contributorship", {}).get("entry", [])
        ]
        assert authors == list(c.authors)


EXPECTED_RELATION = {
    m.IntegrityStatus.RETRACTED: ("retracted-by", "retracts"),
    m.IntegrityStatus.CORRECTED: ("correction-in", "corrects"),
    m.IntegrityStatus.CAUTION: ("comment-in", "comments-on"),
    m.IntegrityStatus.EXPRESSION_OF_CONCERN: ("comment-in", "comments-on"),
    m.IntegrityStatus.THIRD_PARTY_CONCERN: ("comment-in", "comments-on"),
}


def check_integrity(source: vitk2.EvidenceBase) -> int:
    """Every flagged citation relates to its notice, and the notice back; returns how many."""
    citations = by_id(vitk2.to_fhir(source), "Citation")
    known = {c.id for c in source.citations}
    flagged = [
        c for c in source.citations if c.integrity.status is not m.IntegrityStatus.NONE_KNOWN
    ]
    for c in flagged:
        forward, backward = EXPECTED_RELATION[c.integrity.status]
        artifact = citations[fhir_id(c.id)]["citedArtifact"]
        (relation,) = [r for r in artifact["relatesTo"] if r["type"] == forward]
        assert relation["classifier"][0]["coding"][0]["code"] == c.integrity.status.value
        if c.integrity.notice is not None and c.integrity.notice in known:
            target = f"Citation/{fhir_id(c.integrity.notice)}"
            assert relation["resourceReference"]["reference"] == target
            notice = citations[fhir_id(c.integrity.notice)]["citedArtifact"]
            back = [r for r in notice["relatesTo"] if r["type"] == backward]
            assert f"Citation/{fhir_id(c.id)}" in [
                r["resourceReference"]["reference"] for r in back
            ]
        else:
            assert "resourceReference" not in relation
        states = [s["coding"][0]["code"] for s in artifact.get("currentState", [])]
        assert ("retracted" in states) == c.integrity.is_retracted
    return len(flagged)


def test_integrity_relations_of_the_bundled_data(base: vitk2.EvidenceBase) -> None:
    check_integrity(base)


def test_integrity_relations_of_a_retracted_paper(integrity_base: vitk2.EvidenceBase) -> None:
    assert check_integrity(integrity_base) == 3
    bundle = vitk2.to_fhir(integrity_base)
    paper = by_id(bundle, "Citation")["paper-2005"]["citedArtifact"]
    assert paper["statusDate"][0]["period"]["start"] == "2018-05-01"
    for evidence in resources(bundle, "Evidence"):
        notes = [n["text"] for n in evidence["note"]]
        assert any("paper-2005" in n and "retracted" in n for n in notes)


def plain_back_relations(source: vitk2.EvidenceBase) -> dict[str, list[tuple[str, str]]]:
    """For every citation, what each citation it is the notice of relates back, by a scan."""
    return {
        c.id: [
            (EXPECTED_RELATION[o.integrity.status][1], f"Citation/{fhir_id(o.id)}")
            for o in source.citations
            if o.integrity.notice == c.id and o.integrity.status in EXPECTED_RELATION
        ]
        for c in source.citations
    }


def check_back_relations(source: vitk2.EvidenceBase) -> int:
    """A notice relates back to exactly the citations that name it, in their order."""
    citations = by_id(vitk2.to_fhir(source), "Citation")
    backward = {back for _, back in EXPECTED_RELATION.values()}
    expected = plain_back_relations(source)
    for c in source.citations:
        relations = citations[fhir_id(c.id)]["citedArtifact"].get("relatesTo", [])
        got = [
            (r["type"], r["resourceReference"]["reference"])
            for r in relations
            if r["type"] in backward and "classifier" in r  # not a news report's comments-on
        ]
        assert got == expected[c.id], c.id
    return sum(map(len, expected.values()))


def test_notices_relate_back_to_what_they_name(integrity_base: vitk2.EvidenceBase) -> None:
    assert check_back_relations(integrity_base) >= 1
    check_back_relations(vitk2.load())


def test_notices_of_generated_evidence_relate_back_to_what_they_name() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate  # type: ignore[import-not-found]  # the benchmarks' synthetic evidence

    assert check_back_relations(from_data(generate.generate(400, seed=7))) >= 1


@generated
@given(vt.evidence_bases())
def test_notices_of_any_base_relate_back_to_what_they_name(base: vitk2.EvidenceBase) -> None:
    check_back_relations(base)


def test_a_lone_study_keeps_relations_to_citations_it_does_not_hold(
    integrity_base: vitk2.EvidenceBase,
) -> None:
    bundle = vitk2.to_fhir(integrity_base.study("sato-2005"))
    (paper,) = resources(bundle, "Citation")
    (relation,) = paper["citedArtifact"]["relatesTo"]
    assert relation["type"] == "retracted-by"
    assert "notice-2018" in relation["display"]
    assert "resourceReference" not in relation


def test_certainty_is_the_grade_rating(base: vitk2.EvidenceBase, bundle: JSON) -> None:
    from vitk2._compare import assess_certainty

    codes = {"high": "high", "moderate": "moderate", "low": "low", "very_low": "very-low"}
    evidence = by_id(bundle, "Evidence")
    for study in base.studies:
        for f in study.findings:
            (certainty,) = evidence[fhir_id(f.id)]["certainty"]
            expected = assess_certainty(base, study, f).certainty
            assert certainty["rating"]["coding"][0]["code"] == codes[expected.value]
            assert certainty["type"]["coding"][0]["code"] == "Overall"


def test_direction_and_caveats_are_notes(base: vitk2.EvidenceBase, bundle: JSON) -> None:
    evidence = by_id(bundle, "Evidence")
    for f in base.findings:
        notes = [n["text"] for n in evidence[fhir_id(f.id)]["note"]]
        assert f"Direction: {f.direction}." in notes
        assert all(c in notes for c in f.caveats)


def test_variables_are_population_exposure_and_outcome(
    integrity_base: vitk2.EvidenceBase,
) -> None:
    bundle = vitk2.to_fhir(integrity_base)
    evidence = by_id(bundle, "Evidence")[fhir_id("sato-2005.fractures")]
    roles = [v["variableRole"]["coding"][0]["code"] for v in evidence["variableDefinition"]]
    assert roles == ["population", "exposure", "referenceExposure", "measuredVariable"]
    variables = by_id(bundle, "EvidenceVariable")
    exposure = variables[evidence["variableDefinition"][1]["observed"]["reference"].split("/")[1]]
    (dose,) = exposure["characteristic"]
    assert dose["definitionCodeableConcept"]["coding"] == [
        {"system": "http://pubchem.ncbi.nlm.nih.gov", "code": "5282367"},
        {"system": "http://www.whocc.no/atc", "code": "M05BX08"},
    ]
    assert dose["durationQuantity"] == {"value": 2, "unit": "year", "system": UCUM, "code": "a"}
    study = by_id(bundle, "ResearchStudy")["sato-2005"]
    assert study["recruitment"]["actualNumber"] == 200
    assert [d["coding"][0]["code"] for d in study["studyDesign"]] == [
        "randomised_controlled_trial",
        "SEVCO:01029",
        "SEVCO:01003",
    ]
