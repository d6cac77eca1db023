"""Evidence as a FHIR R5 Bundle: Citation, ResearchStudy, EvidenceVariable and Evidence resources.

The mapping, in short (``docs/interoperability.md`` has the whole of it):

* every citation becomes a ``Citation`` (``curated: false`` literature too), with its DOI,
  PubMed, PMC and URL identifiers; integrity notices become ``citedArtifact.relatesTo``
  entries (``retracted-by``, ``correction-in``, ``comment-in``) pointing to the notice's
  ``Citation``, and the notice points back (``retracts``, ``corrects``, ``comments-on``);
* every study becomes a ``ResearchStudy`` (design as SEVCO study-design codes, conditions
  coded with the indication's codes, enrolment, groups, reports);
* every finding becomes an ``Evidence`` whose variables (population, exposure, comparator,
  outcome) are ``EvidenceVariable`` resources, with its statistic, its GRADE certainty and
  its direction and caveats as notes. A narrative finding has a description and no statistic.

Resource ids are derived from vitk2 ids (`fhir_id`); the same data gives the same
Bundle, byte for byte. The Bundle names the FHIR release it targets in ``meta.tag``
(system ``http://hl7.org/fhir/FHIR-version``, code ``5.0.0``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from . import _model as m
from ._base import EvidenceBase
from ._scope import Scope, scope_of
from ._units import Quantity, Unit

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    from ._compare import CertaintyAssessment

__all__ = [
    "BASE_URL",
    "FHIR_VERSION",
    "SYSTEMS",
    "UCUM",
    "VITK2_SYSTEMS",
    "fhir_id",
    "to_fhir",
]

JSON: TypeAlias = dict[str, Any]

FHIR_VERSION: Final = "5.0.0"
"""The FHIR release the Bundle targets (R5).

*Added in version 0.1.0*.
"""

BASE_URL: Final = "https://vitk2.readthedocs.io/fhir"
"""The base of the resources' canonical URLs and ``fullUrl``s, and of vitk2's own code systems.

*Added in version 0.1.0*.
"""

# --- code systems -------------------------------------------------------------------------

SYSTEMS: Final = {
    "fhir-version": "http://hl7.org/fhir/FHIR-version",
    "study-design": "http://hl7.org/fhir/study-design",
    "certainty-rating": "http://hl7.org/fhir/certainty-rating",
    "certainty-type": "http://hl7.org/fhir/certainty-type",
    "cited-artifact-status-type": "http://hl7.org/fhir/cited-artifact-status-type",
    "cited-artifact-classification-type": "http://hl7.org/fhir/cited-artifact-classification-type",
    "citation-artifact-classifier": "http://hl7.org/fhir/citation-artifact-classifier",
    "published-in-type": "http://hl7.org/fhir/published-in-type",
    "title-type": "http://hl7.org/fhir/title-type",
    "artifact-url-classifier": "http://hl7.org/fhir/artifact-url-classifier",
    "research-study-arm-type": "http://hl7.org/fhir/research-study-arm-type",
    "statistic-type": "http://terminology.hl7.org/CodeSystem/statistic-type",
    "attribute-estimate-type": "http://terminology.hl7.org/CodeSystem/attribute-estimate-type",
    "variable-role": "http://terminology.hl7.org/CodeSystem/variable-role",
}
"""The FHIR and HL7 terminology code systems the Bundle uses, by their FHIR names.

*Added in version 0.1.0*.
"""

UCUM: Final = "http://unitsofmeasure.org"
"""The system of the UCUM codes of quantities.

*Added in version 0.1.0*.
"""

VITK2_SYSTEMS: Final = {
    "design": f"{BASE_URL}/CodeSystem/design",
    "document-kind": f"{BASE_URL}/CodeSystem/document-kind",
    "integrity-status": f"{BASE_URL}/CodeSystem/integrity-status",
    "ocebm-level": f"{BASE_URL}/CodeSystem/ocebm-level",
    "curation": f"{BASE_URL}/CodeSystem/curation",
}
"""vitk2's own code systems, for what FHIR has no code for (the values are vitk2's values).

*Added in version 0.1.0*.
"""

_IDENTIFIER_SYSTEMS: Final = {
    "doi": "https://doi.org",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc",
    "url": "urn:ietf:rfc:3986",
}

_UCUM_CODES: Final = {
    Unit.G: "g",
    Unit.MG: "mg",
    Unit.UG: "ug",
    Unit.NG: "ng",
    Unit.G_PER_DAY: "g/d",
    Unit.MG_PER_DAY: "mg/d",
    Unit.UG_PER_DAY: "ug/d",
    Unit.MG_PER_ML: "mg/mL",
    Unit.UG_PER_ML: "ug/mL",
    Unit.NG_PER_ML: "ng/mL",
    Unit.UG_PER_L: "ug/L",
    Unit.MG_PER_L: "mg/L",
    Unit.G_PER_CM2: "g/cm2",
    Unit.HOUR: "h",
    Unit.DAY: "d",
    Unit.WEEK: "wk",
    Unit.MONTH: "mo",
    Unit.YEAR: "a",
    Unit.DECADE: "10.a",
    Unit.PERCENT: "%",
    Unit.PARTICIPANTS: "{participants}",
    Unit.EVENTS: "{events}",
    Unit.IU: "[IU]",
    Unit.IU_PER_DAY: "[IU]/d",
    Unit.UMOL_PER_L: "umol/L",
    Unit.NMOL_PER_L: "nmol/L",
    Unit.PMOL_PER_L: "pmol/L",
    Unit.G_PER_DL: "g/dL",
    Unit.AU_PER_L: "[arb'U]/L",
    Unit.NMOL_PER_MG_CREATININE: "nmol/mg{creat}",
    Unit.RATIO: "{ratio}",
    Unit.AGATSTON: "{Agatston}",
    Unit.M_PER_S: "m/s",
    Unit.CM2: "cm2",
    Unit.MM: "mm",
}

# SEVCO study-design codes (R5 http://hl7.org/fhir/study-design) for each design; preclinical
# work and narrative reviews have none.
_SEVCO: Final[dict[m.Design, tuple[tuple[str, str], ...]]] = {
    m.Design.IN_VITRO: (),
    m.Design.ANIMAL: (),
    m.Design.NARRATIVE_REVIEW: (),
    m.Design.CASE_REPORT: (("SEVCO:01017", "Case report"),),
    m.Design.CASE_SERIES: (("SEVCO:01016", "Uncontrolled cohort design"),),
    m.Design.CROSS_SECTIONAL: (
        ("SEVCO:01002", "Observational research"),
        ("SEVCO:01027", "Cross sectional data collection"),
    ),
    m.Design.CASE_CONTROL: (
        ("SEVCO:01002", "Observational research"),
        ("SEVCO:01013", "Case control design"),
    ),
    m.Design.COHORT: (
        ("SEVCO:01002", "Observational research"),
        ("SEVCO:01011", "Parallel cohort design"),
    ),
    m.Design.SINGLE_ARM_TRIAL: (
        ("SEVCO:01029", "Clinical trial"),
        ("SEVCO:01016", "Uncontrolled cohort design"),
    ),
    # a controlled trial whose report does not say how the groups were formed: a trial, and
    # no claim about its assignment
    m.Design.CONTROLLED_TRIAL_ALLOCATION_NOT_STATED: (("SEVCO:01029", "Clinical trial"),),
    m.Design.NON_RANDOMISED_CONTROLLED_TRIAL: (
        ("SEVCO:01029", "Clinical trial"),
        ("SEVCO:01005", "Non-randomized assignment"),
    ),
    m.Design.RANDOMISED_CONTROLLED_TRIAL: (
        ("SEVCO:01029", "Clinical trial"),
        ("SEVCO:01003", "randomized assignment"),
    ),
    m.Design.SYSTEMATIC_REVIEW: (("SEVCO:01049", "Secondary data collection from prior research"),),
}

# An integrity status, seen from the publication and from the notice.
_RELATION: Final = {
    m.IntegrityStatus.RETRACTED: ("retracted-by", "retracts"),
    m.IntegrityStatus.CORRECTED: ("correction-in", "corrects"),
    m.IntegrityStatus.CAUTION: ("comment-in", "comments-on"),
    m.IntegrityStatus.EXPRESSION_OF_CONCERN: ("comment-in", "comments-on"),
    m.IntegrityStatus.THIRD_PARTY_CONCERN: ("comment-in", "comments-on"),
}

_STATISTIC_TYPES: Final = {
    "proportion": ("C44256", "Proportion"),
    "count": ("C25463", "Count"),
    m.SummaryMeasure.MEAN: ("C53319", "Mean"),
    m.SummaryMeasure.MEDIAN: ("C28007", "Median"),
    m.EffectMeasure.RISK_RATIO: ("C93152", "Relative Risk"),
    m.EffectMeasure.ODDS_RATIO: ("C16932", "Odds Ratio"),
    m.EffectMeasure.HAZARD_RATIO: ("C93150", "Hazard Ratio"),
    m.EffectMeasure.RISK_DIFFERENCE: ("0000424", "Risk Difference"),
    m.EffectMeasure.MEAN_DIFFERENCE: ("0000457", "Mean Difference"),
}

_SPREADS: Final = {
    m.Spread.SD: ("C53322", "Standard deviation"),
    m.Spread.IQR: ("C53245", "Interquartile range"),
    m.Spread.RANGE: ("C38013", "Range"),
}

_CERTAINTY_RATINGS: Final = {
    m.Certainty.HIGH: ("high", "High quality"),
    m.Certainty.MODERATE: ("moderate", "Moderate quality"),
    m.Certainty.LOW: ("low", "Low quality"),
    m.Certainty.VERY_LOW: ("very-low", "Very low quality"),
}

_CERTAINTY_DOMAINS: Final = {
    "risk of bias": ("RiskOfBias", "Risk of bias"),
    "inconsistency": ("Inconsistency", "Inconsistency"),
    "indirectness": ("Indirectness", "Indirectness"),
    "imprecision": ("Imprecision", "Imprecision"),
    "publication bias": ("PublicationBias", "Publication bias"),
}

_JOURNAL_ARTICLES: Final = frozenset({m.DocumentKind.PRIMARY_ARTICLE, m.DocumentKind.REVIEW})

# --- ids and references ---------------------------------------------------------------------

_FHIR_ID_RE: Final = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_MAX_ID: Final = 64
_PART_RE: Final = re.compile(r"[A-Za-z0-9._-]+")


def fhir_id(*parts: str) -> str:
    """The FHIR resource id for a vitk2 id, or for a record derived from one.

    vitk2 ids are lowercase letters, digits, ``.``, ``_`` and ``-``; FHIR ids allow letters,
    digits, ``-`` and ``.``, at most 64. Each ``_`` becomes ``U`` (vitk2 ids have no capitals,
    so the mapping is one to one), parts are joined with ``.``, and an id that would be longer
    than 64 characters keeps its first 45 characters followed by ``.H`` and 16 hex digits of
    its SHA-256: deterministic, and distinct from every id that is not shortened.

    >>> fhir_id("mds-vk2-d3-2005")
    'mds-vk2-d3-2005'
    >>> fhir_id("a_b", "Pop")
    'aUb.Pop'

    Args:
        parts: A vitk2 id, optionally followed by capitalised tags and further ids (tags
            keep records derived from one id apart: ``fhir_id(study.id, "Pop")``).

    Returns:
        A valid FHIR id.

    Raises:
        ValueError: If a part is empty or holds a character no vitk2 id or tag holds.

    *Added in version 0.1.0*.
    """
    for part in parts:
        if not _PART_RE.fullmatch(part):
            raise ValueError(f"expected vitk2 ids and tags (got {part!r})")
    raw = ".".join(part.replace("_", "U") for part in parts)
    if len(raw) <= _MAX_ID:
        return raw
    digest = hashlib.sha256(raw.encode()).hexdigest()[:16]
    return f"{raw[:45]}.H{digest}"


def _full_url(resource_type: str, rid: str) -> str:
    return f"{BASE_URL}/{resource_type}/{rid}"


def _ref(resource_type: str, rid: str, display: str | None = None) -> JSON:
    return {"reference": f"{resource_type}/{rid}", "display": display}


def _coding(system: str, code: str, display: str | None = None) -> JSON:
    return {"system": system, "code": code, "display": display}


def _concept(*codings: JSON, text: str | None = None) -> JSON:
    return {"coding": list(codings), "text": text}


def _fhir_concept(name: str, code: str, display: str | None = None) -> JSON:
    return _concept(_coding(SYSTEMS[name], code, display), text=display)


def _codes(codes: Iterable[m.Code]) -> list[JSON]:
    return [_coding(c.system.uri, c.code) for c in codes]


def _compound_concept(compound: m.Compound) -> JSON:
    return _concept(*_codes(compound.codes), text=compound.name)


def _indication_concept(indication: m.Indication) -> JSON:
    return _concept(*_codes(indication.codes), text=indication.name)


def _note(text: str) -> JSON:
    return {"text": text}


def _notes(texts: Iterable[str]) -> list[JSON]:
    return [_note(t) for t in dict.fromkeys(texts)]


def _quantity(q: Quantity) -> JSON:
    code = _UCUM_CODES.get(q.unit)
    return {
        "value": q.value,
        "unit": q.unit.value,
        "system": UCUM if code is not None else None,
        "code": code,
    }


def _number(value: float, unit: Unit | None = None) -> JSON:
    if unit is None:
        return {"value": value}
    return _quantity(Quantity(value, unit))


def _p_value(p: m.PValue) -> JSON:
    return {
        "description": f"p {p}",
        "type": _fhir_concept("attribute-estimate-type", "C44185", "P-value"),
        "quantity": {"value": p.value, "comparator": None if p.relation == "=" else p.relation},
    }


def _design_concepts(design: m.Design, multicentre: bool | None = None) -> list[JSON]:
    out = [_concept(_coding(VITK2_SYSTEMS["design"], design.value, str(design)), text=str(design))]
    out.extend(_fhir_concept("study-design", code, display) for code, display in _SEVCO[design])
    if multicentre:
        out.append(_fhir_concept("study-design", "SEVCO:01043", "Multicentric"))
    return out


def _prune(value: Any) -> Any:
    """Drop None, empty strings, empty lists and empty objects, which FHIR forbids.

    Containers are pruned first, so one left empty by pruning is dropped too. It visits every
    value of the Bundle, once, without intermediate copies; the Bundle is built of plain dicts
    and lists here, so their exact types are tested (faster than ``isinstance``).
    """
    kind = type(value)
    if kind is dict:
        out = {}
        for k, v in value.items():
            if type(v) is dict or type(v) is list:
                v = _prune(v)
                if not v:
                    continue
            elif v is None or v == "":
                continue
            out[k] = v
        return out
    if kind is list:
        items = []
        for v in value:
            if type(v) is dict or type(v) is list:
                v = _prune(v)
                if not v:
                    continue
            elif v is None or v == "":
                continue
            items.append(v)
        return items
    return value


# --- citations -----------------------------------------------------------------------------


def _identifiers(c: m.Citation) -> list[JSON]:
    out = []
    for field in ("doi", "pmid", "pmcid", "url"):
        value = getattr(c, field)
        if value is not None:
            out.append({"system": _IDENTIFIER_SYSTEMS[field], "value": value})
    return out


def _relation(
    type_: str, status: m.IntegrityStatus, target: str | None, known: dict[str, m.Citation]
) -> JSON:
    classifier = _concept(
        _coding(VITK2_SYSTEMS["integrity-status"], status.value, str(status)), text=str(status)
    )
    if target is None:
        return {"type": type_, "classifier": [classifier], "display": "notice not in the data"}
    if target in known:
        return {
            "type": type_,
            "classifier": [classifier],
            "display": known[target].label,
            "resourceReference": _ref("Citation", fhir_id(target), known[target].label),
        }
    return {"type": type_, "classifier": [classifier], "display": f"{target} (not exported)"}


def _noticed_by(known: dict[str, m.Citation]) -> dict[str, list[m.Citation]]:
    """The citations each notice retracts, corrects or comments on, in the order of ``known``.

    Built once per export: looking for them among every citation, for every citation, made an
    export cost the square of the number of citations.
    """
    out: dict[str, list[m.Citation]] = {}
    for other in known.values():
        notice = other.integrity.notice
        if notice is not None and other.integrity.status in _RELATION:
            out.setdefault(notice, []).append(other)
    return out


def _relates_to(
    c: m.Citation, known: dict[str, m.Citation], noticed_by: dict[str, list[m.Citation]]
) -> list[JSON]:
    out: list[JSON] = []
    status = c.integrity.status
    if status in _RELATION:
        out.append(_relation(_RELATION[status][0], status, c.integrity.notice, known))
    for other in noticed_by.get(c.id, ()):  # notices point back to what they retract or correct
        back = _RELATION[other.integrity.status][1]
        out.append(_relation(back, other.integrity.status, other.id, known))
    on = c.reports_on
    if on is not None and (on not in known or known[on].integrity.notice != c.id):
        commentary = c.kind in (m.DocumentKind.NEWS_REPORT, m.DocumentKind.NOTICE)
        out.append(
            {
                "type": "comments-on" if commentary else "cites",
                "display": known[on].label if on in known else f"{on} (not exported)",
                "resourceReference": _ref("Citation", fhir_id(on)) if on in known else None,
            }
        )
    return out


def _citation(
    c: m.Citation, known: dict[str, m.Citation], noticed_by: dict[str, list[m.Citation]]
) -> JSON:
    rid = fhir_id(c.id)
    kind = _concept(_coding(VITK2_SYSTEMS["document-kind"], c.kind.value, str(c.kind)))
    if c.kind in _JOURNAL_ARTICLES:
        journal_article = _coding(
            SYSTEMS["citation-artifact-classifier"], "D016428", "Journal Article"
        )
        kind["coding"].insert(0, journal_article)
    kind["text"] = str(c.kind)
    curation = "curated" if c.curated else "cited-only"
    classification = [
        {
            "type": _fhir_concept(
                "cited-artifact-classification-type", "publication-type", "Publication type"
            ),
            "classifier": [kind],
        },
        {
            "type": {"text": "vitk2 curation"},
            "classifier": [_concept(_coding(VITK2_SYSTEMS["curation"], curation), text=curation)],
        },
    ]
    if c.indications:
        classification.append(
            {
                "type": {"text": "indication"},
                "classifier": [_indication_concept(i) for i in c.indications],
            }
        )
    title = None if isinstance(c.title, m.NotReported) else c.title
    journal = None if isinstance(c.journal, m.NotReported) else c.journal
    periodical = (
        _fhir_concept("published-in-type", "D020492", "Periodical")
        if journal is not None and c.kind is not m.DocumentKind.NEWS_REPORT
        else None
    )
    web: list[JSON] = [{"url": c.url}] if c.url is not None else []
    if c.doi is not None:
        web.append(
            {
                "classifier": [_fhir_concept("artifact-url-classifier", "doi-based", "DOI Based")],
                "url": f"https://doi.org/{c.doi}",
            }
        )
    notes = [*c.notes]
    if not c.curated:
        notes.append("Cited by a curated source; not itself curated by vitk2.")
    if c.interim:
        notes.append("Reports interim results of an ongoing study.")
    integrity = c.integrity
    artifact_notes = []
    if integrity.status is not m.IntegrityStatus.NONE_KNOWN:
        when = f" ({integrity.date.isoformat()})" if integrity.date is not None else ""
        artifact_notes.append(
            f"Integrity: {integrity.status}{when}."
            + (f" {integrity.note}" if integrity.note else "")
        )
    state = (
        [_fhir_concept("cited-artifact-status-type", "retracted", "Retracted")]
        if integrity.is_retracted
        else []
    )
    status_date = (
        [
            {
                "activity": _fhir_concept("cited-artifact-status-type", "retracted", "Retracted"),
                "actual": True,
                "period": {"start": integrity.date.isoformat()},
            }
        ]
        if integrity.is_retracted and integrity.date is not None
        else []
    )
    year = str(c.year) if isinstance(c.year, int) else None
    return {
        "resourceType": "Citation",
        "id": rid,
        "url": _full_url("Citation", rid),
        "status": "active",
        "title": c.label,
        "note": _notes(notes),
        "citedArtifact": {
            "identifier": _identifiers(c),
            "currentState": state,
            "statusDate": status_date,
            "title": (
                [{"type": [_fhir_concept("title-type", "primary", "Primary title")], "text": title}]
                if title is not None
                else []
            ),
            "relatesTo": _relates_to(c, known, noticed_by),
            "publicationForm": [
                {
                    "publishedIn": {"type": periodical, "title": journal},
                    "volume": c.volume,
                    "issue": c.issue,
                    "articleDate": year,
                    "pageString": c.pages,
                }
            ],
            "webLocation": web,
            "classification": classification,
            "contributorship": {
                "entry": [
                    {"contributor": {"display": name}, "rankingOrder": i}
                    for i, name in enumerate(c.authors, start=1)
                ]
            },
            "note": _notes(artifact_notes),
        },
    }


# --- studies and their variables -----------------------------------------------------------


def _ev(rid: str, title: str, description: str | None, **fields: Any) -> JSON:
    return {
        "resourceType": "EvidenceVariable",
        "id": rid,
        "url": _full_url("EvidenceVariable", rid),
        "status": "active",
        "title": title,
        "description": description,
        **fields,
    }


def _population_ev(study: m.Study) -> JSON:
    p = study.population
    conditions = [
        {"description": f"has {i.name}", "definitionCodeableConcept": _indication_concept(i)}
        for i in study.indications
    ]
    if len(conditions) > 1:
        characteristic = [
            {
                "description": "has any of the study's indications",
                "definitionByCombination": {"code": "any-of", "characteristic": conditions},
            }
        ]
    else:
        characteristic = conditions
    notes = []
    for label, value in (("enrolled", p.enrolled), ("evaluable", p.evaluable), ("age", p.age)):
        if value is not None:
            notes.append(f"{label.capitalize()}: {value}.")
    if p.sex is not None:
        notes.append(f"Female: {p.sex.female}; male: {p.sex.male}.")
    if p.subtypes:
        notes.append("Subtypes: " + ", ".join(p.subtypes) + ".")
    if p.risk_groups:
        notes.append("Risk groups: " + ", ".join(p.risk_groups) + ".")
    return _ev(
        fhir_id(study.id, "Pop"),
        f"Population of {study.title}",
        p.description,
        actual=True,
        characteristic=characteristic,
        note=_notes(notes),
    )


def _dose_characteristic(dose: m.Dose, duration: object) -> JSON:
    return {
        "description": str(dose),
        "definitionCodeableConcept": _compound_concept(dose.compound),
        "durationQuantity": _quantity(duration) if isinstance(duration, Quantity) else None,
    }


def _group_ev(study: m.Study, group: m.Arm | m.Phase) -> JSON:
    notes: list[str] = []
    if isinstance(group, m.Phase):
        characteristic = [_dose_characteristic(d, group.duration) for d in group.doses]
        description = group.entry
        for label, value in (
            ("eligible", group.eligible),
            ("entered", group.entered),
            ("evaluable", group.evaluable),
        ):
            if value is not None:
                notes.append(f"{label.capitalize()}: {value}.")
    else:
        description = group.description
        regimen = group.regimen
        characteristic = []
        if regimen is not None:
            characteristic.extend(_dose_characteristic(d, regimen.duration) for d in regimen.doses)
            characteristic.extend({"description": p} for p in regimen.procedures)
            for phase in regimen.phases:
                notes.append(f"Phase {phase.id}: {phase.name}.")
            notes.extend(f"Background therapy: {d}." for d in regimen.background)
            if regimen.continuation:
                notes.append(f"Continuation: {regimen.continuation}")
        else:
            characteristic.append({"description": group.description or group.name})
        if group.size is not None:
            notes.append(f"Size: {group.size}.")
    return _ev(
        fhir_id(study.id, "Grp", group.id),
        f"{group.name} ({study.title})",
        description,
        actual=True,
        characteristic=characteristic,
        note=_notes(notes),
    )


def _compounds_ev(rid: str, title: str, compounds: tuple[m.Compound, ...]) -> JSON:
    return _ev(
        rid,
        title,
        ", ".join(c.name for c in compounds),
        actual=True,
        characteristic=[
            {"description": c.name, "definitionCodeableConcept": _compound_concept(c)}
            for c in compounds
        ],
    )


_HANDLING: Final = {
    "proportion": "dichotomous",
    "count": "dichotomous",
    "breakdown": "polychotomous",
    "group_summaries": "continuous",
}


def _outcome_ev(finding: m.Finding) -> JSON:
    o = finding.outcome
    notes = [f"Outcome kind: {o.kind}."]
    if o.criteria:
        notes.append(f"Criteria: {o.criteria}.")
    if o.site:
        notes.append(f"Site: {o.site}.")
    timing = (
        [{"description": "assessed at", "quantity": _quantity(o.timepoint)}]
        if o.timepoint is not None
        else []
    )
    return _ev(
        fhir_id(finding.id, "Out"),
        o.name,
        o.definition or o.name,
        characteristic=[{"description": o.name, "timeFromEvent": timing}],
        handling=_HANDLING.get(finding.statistic.kind),
        note=_notes(notes),
    )


def _adverse_event_note(ae: m.AdverseEvent) -> str:
    total = f"/{ae.total}" if ae.total is not None else ""
    grade = f", grade {ae.grade}" if ae.grade is not None else ""
    group = f" in {ae.group}" if ae.group is not None else ""
    return f"Adverse event: {ae.term}: {ae.participants}{total}{grade}{group}."


def _research_study(
    study: m.Study, known: dict[str, m.Citation], variables: dict[str, JSON]
) -> JSON:
    rid = fhir_id(study.id)
    level = study.level
    classifier = []
    if level.ocebm is not None:
        text = f"OCEBM 2011 level {level.ocebm}"
        classifier.append(
            _concept(_coding(VITK2_SYSTEMS["ocebm-level"], str(level.ocebm), text), text=text)
        )
    groups: list[JSON] = []
    for arm in study.arms:
        members: list[m.Arm | m.Phase] = [arm]
        members.extend(arm.regimen.phases if arm.regimen is not None else ())
        for g in members:
            gid = fhir_id(study.id, "Grp", g.id)
            role = arm.role
            arm_type = (
                _fhir_concept("research-study-arm-type", "experimental", "Experimental")
                if role is m.GroupRole.INTERVENTION
                else {"text": str(role)}
            )
            groups.append(
                {
                    "linkId": fhir_id(g.id),
                    "name": g.name if g is arm else f"{arm.name}: {g.name}",
                    "type": arm_type,
                    "description": g.description if isinstance(g, m.Arm) else g.entry,
                    "intendedExposure": [_ref("EvidenceVariable", gid)] if gid in variables else [],
                }
            )
    outcomes = [
        {
            "name": f.outcome.name,
            "description": f.outcome.definition,
            "reference": _ref("EvidenceVariable", fhir_id(f.id, "Out")),
        }
        for f in study.findings
    ]
    reports = [
        _ref("Citation", fhir_id(c.id), c.label) if c.id in known else {"display": c.label}
        for c in study.reports
    ]
    notes = [
        f"Evidence level: {level}. {level.rationale}",
        *([f"Question: {level.question}"] if level.question else []),
        *(f"Rated down: {d}" for d in level.downgrades),
        *(f"Limitation: {x}" for x in study.limitations),
        *(_adverse_event_note(ae) for ae in study.adverse_events),
        *study.notes,
    ]
    setting = study.setting
    region = []
    if not isinstance(setting.country, m.NotReported):
        region.append({"text": setting.country + (f", {setting.region}" if setting.region else "")})
    enrolled = study.population.enrolled
    return {
        "resourceType": "ResearchStudy",
        "id": rid,
        "url": _full_url("ResearchStudy", rid),
        "title": study.title,
        "status": "active",
        "relatedArtifact": [
            {
                "type": "cite-as" if i == 0 else "citation",
                "label": "primary report" if i == 0 else "report",
                "display": c.label,
                "resourceReference": _ref("Citation", fhir_id(c.id)) if c.id in known else None,
            }
            for i, c in enumerate(study.reports)
        ],
        "description": study.population.description,
        "studyDesign": _design_concepts(study.design, setting.multicentre),
        "focus": [{"concept": _compound_concept(c)} for c in study.compounds],
        "condition": [_indication_concept(i) for i in study.indications],
        "classifier": classifier,
        "region": region,
        "note": _notes(notes),
        "recruitment": {
            "actualNumber": _uint(enrolled) if isinstance(enrolled, int) else None,
            "eligibility": _ref("EvidenceVariable", fhir_id(study.id, "Pop")),
        },
        "comparisonGroup": groups,
        "outcomeMeasure": outcomes,
        "result": reports,
    }


# --- findings --------------------------------------------------------------------------------


def _proportion(s: m.Proportion) -> list[JSON]:
    ci = s.interval()
    participants = s.counts is m.CountKind.PARTICIPANTS
    return [
        {
            "description": str(s),
            "note": (
                [_note(f"Reported as {s.reported_percent} %.")]
                if s.reported_percent is not None
                else []
            ),
            "statisticType": _fhir_concept("statistic-type", *_STATISTIC_TYPES["proportion"]),
            "quantity": {"value": s.estimate},
            "numberOfEvents": _uint(s.events),
            "numberAffected": _uint(s.events) if participants else None,
            "sampleSize": {
                "numberOfParticipants": _uint(s.total) if participants else None,
                "knownDataCount": _uint(s.total),
            },
            "attributeEstimate": [
                {
                    "description": (
                        f"{ci.level:.0%} Wilson score interval computed by vitk2 from "
                        "events/total; not reported by the source"
                    ),
                    "type": _fhir_concept(
                        "attribute-estimate-type", "C53324", "Confidence interval"
                    ),
                    "level": ci.level,
                    "range": {"low": {"value": ci.low}, "high": {"value": ci.high}},
                }
            ],
        }
    ]


_MAX_UNSIGNED_INT: Final = 2**31 - 1


def _uint(n: int | None) -> int | None:
    """``n`` as a FHIR unsignedInt, or None when it is too large for one (the text keeps it)."""
    return n if n is None or n <= _MAX_UNSIGNED_INT else None


def _counts_in(stat: m.Statistic) -> list[int]:
    if isinstance(stat, m.Proportion):
        return [stat.events, stat.total]
    if isinstance(stat, m.Count):
        return [stat.value]
    if isinstance(stat, m.Breakdown):
        return [stat.total, *(c.count for c in stat.categories), stat.among or 0]
    if isinstance(stat, m.GroupSummaries):
        return [s.n or 0 for s in stat.summaries]
    return []


def _counted(value: int, counts: m.CountKind) -> JSON:
    if counts is m.CountKind.PARTICIPANTS:
        return {"numberAffected": _uint(value)}
    return {"numberOfEvents": _uint(value)}


def _count_type() -> JSON:
    return _fhir_concept("statistic-type", *_STATISTIC_TYPES["count"])


def _breakdown(s: m.Breakdown) -> list[JSON]:
    out = [
        {
            "description": c.label,
            "statisticType": _count_type(),
            "category": {"text": c.label},
            "quantity": {"value": c.count},
            **_counted(c.count, s.counts),
        }
        for c in s.categories
    ]
    total: JSON = {
        "description": f"all categories ({s.total} {s.counts})",
        "statisticType": _count_type(),
        "quantity": {"value": s.total},
        **_counted(s.total, s.counts),
    }
    if s.among is not None and s.counts is m.CountKind.EVENTS:
        total["numberAffected"] = _uint(s.among)  # the participants the events happened to
    elif s.among is not None:
        total["sampleSize"] = {"numberOfParticipants": _uint(s.among)}
    out.append(total)
    return out


def _spread(summary: m.Summary) -> JSON | None:
    if summary.spread is None or summary.spread_kind is None:
        return None
    kind = summary.spread_kind
    if kind is m.Spread.SE and summary.measure is m.SummaryMeasure.MEAN:
        type_ = _fhir_concept("attribute-estimate-type", "0000037", "Standard error of the mean")
    elif kind in _SPREADS:
        type_ = _fhir_concept("attribute-estimate-type", *_SPREADS[kind])
    else:
        type_ = {"text": "standard error" if kind is m.Spread.SE else "± (kind not stated)"}
    return {"description": str(kind), "type": type_, "quantity": _quantity(summary.spread)}


def _group_summaries(s: m.GroupSummaries, study: m.Study) -> list[JSON]:
    out: list[JSON] = []
    for summary in s.summaries:
        name = study.group(summary.group).name
        type_ = _STATISTIC_TYPES.get(summary.measure)
        spread = _spread(summary)
        out.append(
            {
                "description": f"{name}: {summary}",
                "statisticType": (
                    _fhir_concept("statistic-type", *type_)
                    if type_ is not None
                    else {"text": str(summary.measure)}
                ),
                "category": {"text": name},
                "quantity": _quantity(summary.value),
                "sampleSize": {"numberOfParticipants": _uint(summary.n)},
                "attributeEstimate": [spread] if spread is not None else [],
            }
        )
    if s.p_value is not None:
        test = f" ({s.test})" if s.test else ""
        groups = " vs ".join(study.group(x.group).name for x in s.summaries)
        out.append(
            {
                "description": f"comparison of {groups}{test}",
                "attributeEstimate": [_p_value(s.p_value)],
            }
        )
    return out


def _effect(s: m.Effect) -> list[JSON]:
    type_ = _STATISTIC_TYPES.get(s.measure)
    estimates = []
    if s.low is not None and s.high is not None:
        estimates.append(
            {
                "description": f"{s.level:.0%} confidence interval as reported",
                "type": _fhir_concept("attribute-estimate-type", "C53324", "Confidence interval"),
                "level": s.level,
                "range": {"low": _number(s.low, s.unit), "high": _number(s.high, s.unit)},
            }
        )
    if s.p_value is not None:
        estimates.append(_p_value(s.p_value))
    notes = []
    if s.approximate:
        notes.append("The source gives the estimate as approximate.")
    if s.per is not None:
        notes.append(f"Per {s.per}.")
    return [
        {
            "description": str(s),
            "note": _notes(notes),
            "statisticType": (
                _fhir_concept("statistic-type", *type_)
                if type_ is not None
                else {"text": str(s.measure)}
            ),
            "quantity": _number(s.value, s.unit),
            "attributeEstimate": estimates,
        }
    ]


def _statistics(stat: m.Statistic, study: m.Study) -> list[JSON]:
    if isinstance(stat, m.Proportion):
        return _proportion(stat)
    if isinstance(stat, m.Count):
        return [
            {
                "description": str(stat),
                "statisticType": _count_type(),
                "quantity": {"value": stat.value},
                **_counted(stat.value, stat.counts),
            }
        ]
    if isinstance(stat, m.Breakdown):
        return _breakdown(stat)
    if isinstance(stat, m.GroupSummaries):
        return _group_summaries(stat, study)
    if isinstance(stat, m.Effect):
        return _effect(stat)
    if isinstance(stat, m.TimeToEvent):
        return [
            {
                "description": str(stat),
                "statisticType": {"text": "time to event"},
                "quantity": _quantity(stat.time),
                "note": [_note("Censored: the event had not happened.")] if stat.censored else [],
            }
        ]
    return []  # a narrative finding has no statistic: its words are the description


def _certainty(c: CertaintyAssessment | None) -> list[JSON]:
    if c is None:
        return []
    code, display = _CERTAINTY_RATINGS[c.certainty]
    notes = list(c.reasons)
    subcomponents = []
    if c.source == "suggested":
        by_domain: dict[str, list[str]] = {}
        for d in c.downgrades:
            by_domain.setdefault(d.domain.value, []).append(d.reason)
        for domain, reasons in by_domain.items():
            type_code = _CERTAINTY_DOMAINS.get(domain)
            subcomponents.append(
                {
                    "type": (
                        _fhir_concept("certainty-type", *type_code)
                        if type_code is not None
                        else {"text": domain}
                    ),
                    "rating": _fhir_concept("certainty-rating", "downcode1", "reduce rating: -1"),
                    "note": _notes(reasons),
                }
            )
    return [
        {
            "description": f"{c.certainty} ({c.source})",
            "note": _notes(notes),
            "type": _fhir_concept("certainty-type", "Overall", "Overall certainty"),
            "rating": _fhir_concept("certainty-rating", code, display),
            "subcomponent": subcomponents,
        }
    ]


def _variable_role(code: str) -> JSON:
    return _fhir_concept("variable-role", code)


def _evidence(
    scope: Scope,
    study: m.Study,
    finding: m.Finding,
    known: dict[str, m.Citation],
    exposure: JSON | None,
) -> JSON:
    rid = fhir_id(finding.id)
    population: list[JSON] = [
        {
            "description": study.population.description,
            "variableRole": _variable_role("population"),
            "observed": _ref("EvidenceVariable", fhir_id(study.id, "Pop")),
        }
    ]
    if finding.subgroup is not None:
        population.append(
            {
                "description": finding.subgroup,
                "variableRole": _variable_role("subpopulation"),
                "observed": _ref("EvidenceVariable", fhir_id(finding.id, "Sub")),
            }
        )
    variables = [*population]
    if exposure is not None:
        variables.append(
            {
                "description": exposure["description"] or exposure["title"],
                "variableRole": _variable_role("exposure"),
                "observed": _ref("EvidenceVariable", exposure["id"]),
            }
        )
    if finding.comparator is not None:
        variables.append(
            {
                "description": str(finding.comparator),
                "variableRole": _variable_role("referenceExposure"),
            }
        )
    variables.append(
        {
            "description": finding.outcome.name,
            "variableRole": _variable_role("measuredVariable"),
            "observed": _ref("EvidenceVariable", fhir_id(finding.id, "Out")),
        }
    )
    flagged = scope.integrity(study, finding)
    notes = [
        f"Direction: {finding.direction}.",
        *(
            ["Counts above 2147483647 (the FHIR unsignedInt limit) are only in the description."]
            if any(n > _MAX_UNSIGNED_INT for n in _counts_in(finding.statistic))
            else []
        ),
        *(
            f"Integrity: rests on {c.label} ({c.id}), which is {c.integrity.status}."
            for c in flagged
        ),
        *finding.caveats,
        *(f'Quote ({q.source}, {q.language}): "{q.text}"' for q in finding.quotes),
        *(f"Located in {loc.source}: {loc.locator} ({loc.status})." for loc in finding.locators),
        *finding.notes,
    ]
    related: list[JSON] = [
        {
            "type": "derived-from",
            "label": "study",
            "display": study.title,
            "resourceReference": _ref("ResearchStudy", fhir_id(study.id)),
        },
    ]
    for p in finding.provenance:
        label = p.locator if isinstance(p, m.Locator) else "quoted"
        related.append(
            {
                "type": "citation",
                "label": label,
                "display": known[p.source].label if p.source in known else p.source,
                "resourceReference": _ref("Citation", fhir_id(p.source))
                if p.source in known
                else None,
            }
        )
    for cid in finding.rests_on:
        related.append(
            {
                "type": "derived-from",
                "label": "rests on",
                "display": known[cid].label if cid in known else f"{cid} (not exported)",
                "resourceReference": _ref("Citation", fhir_id(cid)) if cid in known else None,
            }
        )
    stat = finding.statistic
    return {
        "resourceType": "Evidence",
        "id": rid,
        "url": _full_url("Evidence", rid),
        "title": f"{finding.outcome.name} ({study.title})",
        "status": "active",
        "relatedArtifact": related,
        "description": stat.summary if isinstance(stat, m.Narrative) else str(stat),
        "note": _notes(notes),
        "variableDefinition": variables,
        "studyDesign": _design_concepts(finding.basis or study.design),
        "statistic": _statistics(stat, study),
        "certainty": _certainty(scope.certainty(study, finding)),
    }


def _study_resources(scope: Scope, study: m.Study, known: dict[str, m.Citation]) -> Iterator[JSON]:
    variables: dict[str, JSON] = {}

    def keep(ev: JSON) -> JSON:
        variables.setdefault(ev["id"], ev)
        return variables[ev["id"]]

    keep(_population_ev(study))
    for arm in study.arms:
        keep(_group_ev(study, arm))
        for phase in arm.regimen.phases if arm.regimen is not None else ():
            keep(_group_ev(study, phase))
    evidence: list[JSON] = []
    for f in study.findings:
        if f.subgroup is not None:
            keep(
                _ev(
                    fhir_id(f.id, "Sub"),
                    f.subgroup,
                    f.subgroup,
                    characteristic=[{"description": f.subgroup}],
                    note=[_note(f"A subgroup of the population of {study.title}.")],
                )
            )
        if f.compounds:
            exposure: JSON | None = keep(
                _compounds_ev(fhir_id(f.id, "Cmp"), f"Exposure of {f.id}", f.compounds)
            )
        elif f.group is not None:
            exposure = variables[fhir_id(study.id, "Grp", f.group)]
        else:  # a finding of the whole study: its exposure is the study's
            compounds = study.compounds_of(f)
            exposure = (
                keep(
                    _compounds_ev(fhir_id(study.id, "Exp"), f"Exposure in {study.title}", compounds)
                )
                if compounds
                else None
            )
        keep(_outcome_ev(f))
        evidence.append(_evidence(scope, study, f, known, exposure))
    yield _research_study(study, known, variables)
    yield from variables.values()
    yield from evidence


def to_fhir(obj: EvidenceBase | m.Study) -> JSON:
    """The evidence as a FHIR R5 Bundle of type ``collection``, as JSON-ready data.

    The Bundle holds a ``Citation`` per citation (literature that is cited but not curated
    too), a ``ResearchStudy`` per study, ``EvidenceVariable`` resources for each study's
    population, groups and exposures and for each finding's outcome (and subgroup), and an
    ``Evidence`` per finding with its statistic, certainty, direction and caveats. Resource
    ids derive from vitk2 ids (`fhir_id`); ``fullUrl`` and canonical ``url`` are under
    `BASE_URL`; references are relative (``"Citation/lasemi-2018-wien-klin-wochenschr"``)
    and resolve within the Bundle. ``Bundle.meta.tag`` carries the FHIR release,
    ``{"system": "http://hl7.org/fhir/FHIR-version", "code": "5.0.0"}``.

    >>> import json, vitk2
    >>> bundle = vitk2.to_fhir(vitk2.load())
    >>> bundle["resourceType"], bundle["type"]
    ('Bundle', 'collection')
    >>> json.loads(json.dumps(bundle)) == bundle
    True

    Args:
        obj: An [`EvidenceBase`][vitk2.EvidenceBase], or one [`Study`][vitk2.Study] (exported with its
            own reports as its citations; a relation to a citation outside them is kept as
            text, and certainty is given only where it is curated).

    Returns:
        The Bundle as plain dicts, lists, strings, numbers and booleans (``json.dumps`` it).

    Raises:
        TypeError: If ``obj`` is neither an evidence base nor a study.

    *Added in version 0.1.0*.
    """
    scope = scope_of(obj)
    known = scope.citation_index
    noticed_by = _noticed_by(known)

    def entry(resource: JSON) -> JSON:
        # pruned one at a time, so that the Bundle is never held twice (before and after)
        pruned = _prune(resource)
        return {"fullUrl": _full_url(pruned["resourceType"], pruned["id"]), "resource": pruned}

    entries = [entry(_citation(c, known, noticed_by)) for c in scope.citations]
    for study in scope.studies:
        entries.extend(entry(r) for r in _study_resources(scope, study, known))
    if isinstance(obj, EvidenceBase):
        dataset = obj.dataset
        bundle_id = fhir_id(dataset.id) if dataset is not None else "vitk2"
        identifier = (
            {"system": f"{BASE_URL}/dataset", "value": f"{dataset.id}@{dataset.version}"}
            if dataset is not None
            else None
        )
    else:
        bundle_id, identifier = fhir_id(obj.id, "Study"), None
    bundle: JSON = _prune(
        {
            "resourceType": "Bundle",
            "id": bundle_id,
            "meta": {"tag": [_coding(SYSTEMS["fhir-version"], FHIR_VERSION, FHIR_VERSION)]},
            "identifier": identifier,
            "type": "collection",
        }
    )
    if entries:
        bundle["entry"] = entries
    return bundle
