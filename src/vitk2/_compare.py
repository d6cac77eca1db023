"""Comparisons: the evidence for one indication as a table, the overview, regimen contrasts.

Statistics are honest: proportions carry intervals, contrasts are computed only between groups
that are comparable (randomised arms of one trial), pooling happens only across distinct
studies, and everything left out is listed with the reason.
"""

from __future__ import annotations

import enum
import functools
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, TypedDict, get_args

import attrs

from . import _model as m
from ._base import EvidenceBase, Exclusion
from ._errors import CriteriaError
from ._model import _short
from ._names import normalize
from ._render import (
    Layout,
    TextOptions,
    effect_text,
    interval_text,
    level_text,
    markdown_text,
    statistic_text,
    table_csv,
    table_json,
    table_markdown,
)
from ._stats import (
    Contrast,
    Interval,
    Pooled,
    StatisticsError,
    _check_level,
    odds_ratio,
    pool_proportions,
    risk_difference,
    risk_ratio,
    wilson_interval,
)

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    import pandas  # type: ignore[import-untyped, unused-ignore] # stubs are optional

    from ._evidence_meta import MetaAnalysis
    from ._summary import SummaryOfFindings, SummaryRow, SummaryRowKind

__all__ = [
    "CertaintyAssessment",
    "CompareOptions",
    "Comparison",
    "ComparisonRow",
    "Domain",
    "Downgrade",
    "IntervalMethod",
    "Lineage",
    "MatrixCell",
    "Overview",
    "OverviewOptions",
    "OverviewRow",
    "PooledEstimate",
    "RegimenComparison",
    "RegimenContrast",
    "RegimenOptions",
    "RegimenRefusal",
    "assess_certainty",
    "compare",
    "compare_regimens",
    "overview",
]

IntervalMethod: TypeAlias = Literal["wilson", "clopper-pearson"]
"""How a comparison computes a proportion's interval: Wilson's score or Clopper-Pearson's exact.

*Added in version 0.2.0*.
"""

INTERVAL_METHODS: Final[tuple[IntervalMethod, ...]] = get_args(IntervalMethod)
POOLING_MODEL = "DerSimonian-Laird random effects on the logit scale"


class Domain(enum.Enum):
    """A GRADE domain a certainty can be rated down for.

    ``str()`` gives its text (``"risk of bias"``), as it does for the model's vocabularies.

    *Added in version 0.2.0*.
    """

    RISK_OF_BIAS = "risk of bias"
    IMPRECISION = "imprecision"
    INDIRECTNESS = "indirectness"
    INCONSISTENCY = "inconsistency"
    PUBLICATION_BIAS = "publication bias"

    # Members are singletons, equal only to themselves: hashing by identity agrees with
    # equality, and spares each set of domains Enum.__hash__'s Python-level call.
    __hash__ = object.__hash__

    def __str__(self) -> str:
        return self._value_  # the value, without the ``value`` property's descriptor call

    def __format__(self, spec: str) -> str:
        return format(self._value_, spec)  # as Enum formats it: its str()


_ROB = Domain.RISK_OF_BIAS
_IMPRECISION = Domain.IMPRECISION
_INDIRECTNESS = Domain.INDIRECTNESS


@attrs.frozen
class Downgrade:
    """One reason to rate certainty down, as a sentence a curator can accept or override.

    Attributes:
        domain: The GRADE domain rated down.
        reason: Why, as a sentence.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``domain`` is a [`Domain`][vitk2.Domain] member; it was the domain's text.
    """

    domain: Domain
    reason: str

    def __str__(self) -> str:
        return f"{self.domain}: {self.reason}"

    def __repr__(self) -> str:
        return f"<Downgrade {self.domain}: {_short(self.reason, 120)}>"


@attrs.frozen
class CertaintyAssessment:
    """Certainty on its own axis, with where it came from and why.

    Attributes:
        certainty: The GRADE-style certainty.
        source: ``"curated (finding)"``, ``"curated (study)"`` or ``"suggested"``.
        reasons: Curated reasons, or the downgrades vitk2 suggests from the data.
        suggested: What vitk2 would suggest from the data alone (for a curator to compare).

    *Added in version 0.1.0*.
    """

    certainty: m.Certainty
    source: str
    reasons: tuple[str, ...]
    suggested: m.Certainty
    downgrades: tuple[Downgrade, ...] = ()

    def __str__(self) -> str:
        return f"{self.certainty} ({self.source})"

    def __repr__(self) -> str:
        return f"<CertaintyAssessment {self}, {len(self.reasons)} reasons>"


_START_HIGH = frozenset({m.Design.RANDOMISED_CONTROLLED_TRIAL, m.Design.SYSTEMATIC_REVIEW})
_VERY_LOW_DESIGNS = frozenset(
    {
        m.Design.CASE_REPORT,
        m.Design.IN_VITRO,
        m.Design.ANIMAL,
        m.Design.NARRATIVE_REVIEW,
    }
)


def suggest_downgrades(
    base: EvidenceBase, study: m.Study, finding: m.Finding
) -> tuple[Downgrade, ...]:
    """GRADE-style downgrades read from the data itself (design, size, interval, outcome)."""
    return _downgrades(_StudyFacts(study), finding, base.integrity_of(finding))


class _StudyFacts:
    """What the row builders need to know about a study, worked out once for all its findings."""

    __slots__ = (
        "design",
        "first_phases",
        "funding_note",
        "open_label",
        "report_notes",
        "single_patient",
        "size",
        "study",
    )

    def __init__(self, study: m.Study) -> None:
        self.study = study
        self.design = study.design
        self.size = size = study.size
        self.single_patient = study.design is m.Design.CASE_REPORT or size == 1
        self.open_label = any(
            "open" in lim.lower() and "label" in lim.lower() for lim in study.limitations
        )
        # the first phase of each phased arm (a phase entered later is not randomised)
        self.first_phases = frozenset(
            a.regimen.phases[0].id for a in study.arms if a.regimen is not None and a.regimen.phases
        )
        # citation id -> what a reader must know about it when a finding cites it
        notes: dict[str, list[str]] = {}
        for cit in study.reports:
            if cit.interim:
                notes.setdefault(cit.id, []).append(
                    f"Interim results ({cit.label}); never merged with a later report."
                )
            if cit.kind is m.DocumentKind.NEWS_REPORT:
                notes.setdefault(cit.id, []).append(
                    f"Reported second-hand by a news report ({cit.label})."
                )
        self.report_notes = notes
        funding = study.funding
        self.funding_note = (
            f"Funded or supplied by a maker of the supplement: {funding}."
            if funding is not None and funding.supplement_maker
            else None
        )


# Downgrades whose sentence never changes are made once.
_SINGLE_PATIENT = Downgrade(_ROB, "a single patient, without a control.")
_NO_CONTROL = Downgrade(
    _ROB,
    "no control group: the effect of the treatment cannot be separated from the natural course.",
)
_NARRATIVE = Downgrade(
    _ROB,
    "a narrative review: no systematic search or appraisal of the studies behind the claim.",
)
_OPEN_LABEL = Downgrade(_ROB, "open label: participants and assessors knew the treatment.")
_NO_INTERVAL = Downgrade(_IMPRECISION, "no confidence interval is reported.")
_NO_ESTIMATE = Downgrade(_IMPRECISION, "no estimate with an interval is reported.")
_PRECLINICAL = {
    d: Downgrade(_INDIRECTNESS, f"{d} evidence, not evidence in patients.")
    for d in m.Design
    if d.is_preclinical
}


@functools.lru_cache(maxsize=1024)
def _indirect_outcome(name: str, kind: m.OutcomeKind) -> Downgrade:
    """The downgrade of a surrogate or biomarker outcome; kept, as many findings share one."""
    return Downgrade(_INDIRECTNESS, f"'{name}' is a {kind} outcome, not one patients feel.")


def _imprecise_proportion(events: int, total: int, ci: Interval | None = None) -> Downgrade | None:
    """The imprecision of a proportion, judged on its 95 % Wilson interval.

    ``ci`` is that interval when the caller has it already (a comparison at its defaults).
    """
    if ci is None:
        ci = wilson_interval(events, total)  # Proportion.interval()'s default
    if events < 10 or ci.width > 0.3:
        return Downgrade(
            _IMPRECISION,
            f"{events} events in {total}; the 95 % interval {ci.low:.1%} to {ci.high:.1%} is wide.",
        )
    return None


def _downgrades(
    facts: _StudyFacts,
    finding: m.Finding,
    notices: tuple[m.Citation, ...],
    wilson95: Interval | None = None,
) -> tuple[Downgrade, ...]:
    """`suggest_downgrades`, given the study's facts and the finding's integrity notices.

    ``wilson95`` is the 95 % Wilson interval of a proportion, when the caller has it already.
    """
    out: list[Downgrade] = []
    design = finding.basis or facts.design
    if design is m.Design.CASE_REPORT or facts.size == 1:
        out.append(_SINGLE_PATIENT)
    elif design is m.Design.SINGLE_ARM_TRIAL or design is m.Design.CASE_SERIES:
        out.append(_NO_CONTROL)
    elif design is m.Design.NARRATIVE_REVIEW:
        out.append(_NARRATIVE)
    if facts.open_label:
        out.append(_OPEN_LABEL)
    if notices:  # only citations with a notice
        flagged = ", ".join(f"{c.id} ({c.integrity.status})" for c in notices)
        out.append(Downgrade(_ROB, f"rests on publications with integrity notices: {flagged}."))
    indirect = _PRECLINICAL.get(design)
    if indirect is not None:
        out.append(indirect)
    outcome = finding.outcome
    if outcome.kind is m.OutcomeKind.SURROGATE or outcome.kind is m.OutcomeKind.BIOMARKER:
        out.append(_indirect_outcome(outcome.name, outcome.kind))
    stat = finding.statistic
    if isinstance(stat, m.Proportion):
        wide = _imprecise_proportion(stat.events, stat.total, wilson95)
        if wide is not None:
            out.append(wide)
    elif isinstance(stat, m.Effect):
        excludes = stat.excludes_null
        if excludes is False:
            out.append(
                Downgrade(
                    _IMPRECISION, f"the interval {stat.low:g} to {stat.high:g} includes no effect."
                )
            )
        elif excludes is None:
            out.append(_NO_INTERVAL)
    elif isinstance(stat, (m.Narrative, m.Breakdown, m.Count)):
        out.append(_NO_ESTIMATE)
    return tuple(out)


def assess_certainty(base: EvidenceBase, study: m.Study, finding: m.Finding) -> CertaintyAssessment:
    """The certainty of a finding: the curator's where the data carry one, else a suggestion.

    The suggestion starts high for randomised evidence and low otherwise (very low for case
    reports, preclinical work and narrative reviews) and drops one level per domain rated down.

    *Added in version 0.1.0*.
    """
    return assess_with_notices(study, finding, base.integrity_of(finding))


def assess_with_notices(
    study: m.Study, finding: m.Finding, notices: tuple[m.Citation, ...]
) -> CertaintyAssessment:
    """`assess_certainty`, given the citations with an integrity notice the finding rests on.

    For a study read on its own, whose own reports are all the citations that are known.
    """
    return assess_with_facts(_StudyFacts(study), finding, notices)


def assess_with_facts(
    facts: _StudyFacts, finding: m.Finding, notices: tuple[m.Citation, ...]
) -> CertaintyAssessment:
    """`assess_with_notices`, given what is worked out once for the finding's study.

    For an export, which reads every finding of a study in turn.
    """
    return _assess(facts.study, finding, notices, _downgrades(facts, finding, notices))


_START = {
    **dict.fromkeys(m.Design, m.Certainty.LOW),
    **dict.fromkeys(_START_HIGH, m.Certainty.HIGH),
    **dict.fromkeys(_VERY_LOW_DESIGNS, m.Certainty.VERY_LOW),
}


# Each starting certainty lowered by 0, 1, ... domains (as many as there are)
_LOWERED = {c: tuple(c.lowered(n) for n in range(len(Domain) + 1)) for c in m.Certainty}


def _assess(
    study: m.Study,
    finding: m.Finding,
    notices: tuple[m.Citation, ...],
    downs: tuple[Downgrade, ...],
) -> CertaintyAssessment:
    """`assess_certainty`, given the finding's integrity notices and downgrades."""
    start = _START[finding.basis or study.design]
    suggested = _LOWERED[start][len({d.domain for d in downs})] if downs else start
    if notices and any(c.integrity.is_retracted for c in notices):
        suggested = m.Certainty.VERY_LOW  # evidence resting on retracted work is not evidence
    if finding.certainty is not None:
        return CertaintyAssessment(
            finding.certainty, "curated (finding)", finding.certainty_reasons, suggested, downs
        )
    if study.level.certainty is not None:
        return CertaintyAssessment(
            study.level.certainty,
            "curated (study)",
            study.level.downgrades or (study.level.rationale,),
            suggested,
            downs,
        )
    return CertaintyAssessment(
        suggested, "suggested", tuple(str(d) for d in downs), suggested, downs
    )


# ---------------------------------------------------------------------------------------

_ASSOCIATION = "An association from an observational study, not an effect of treatment."
_OBSERVATIONAL = frozenset({m.Design.CROSS_SECTIONAL, m.Design.CASE_CONTROL})
_PRECLINICAL_NOTE = {
    d: f"Preclinical ({d}): not evidence in patients." for d in m.Design if d.is_preclinical
}


def _caveats(
    facts: _StudyFacts,
    finding: m.Finding,
    notices: tuple[m.Citation, ...],
    sources: tuple[str, ...],
    verified: bool | None = None,
) -> tuple[str, ...]:
    """What a reader must know about a row, given its study's facts, notices and sources.

    ``verified`` is ``finding.verified`` when the caller has read it already.
    """
    out: list[str] = []
    study_design = facts.design
    preclinical = _PRECLINICAL_NOTE.get(finding.basis or study_design)
    if preclinical is not None:
        out.append(preclinical)
    if facts.single_patient:
        out.append("A single patient: no estimate of effect is possible.")
    if study_design is m.Design.NARRATIVE_REVIEW:
        out.append("A narrative review's claim is only as strong as the studies behind it.")
    if study_design in _OBSERVATIONAL or finding.direction is m.Direction.ASSOCIATION:
        out.append(_ASSOCIATION)
    group_id = finding.group
    first_phases = facts.first_phases  # most studies have none: no set is made for them
    if group_id is not None and first_phases and first_phases - {group_id}:
        group = facts.study.group(group_id)
        if isinstance(group, m.Phase) and group.entry:
            out.append(
                f"Sequential design: '{group.name}' enrolled only those meeting '{group.entry}'; "
                "it is not a randomised arm."
            )
    if study_design is m.Design.SINGLE_ARM_TRIAL:
        out.append("Single-arm trial: no control group.")
    if facts.report_notes:
        for cid, notes in facts.report_notes.items():
            if cid in sources:
                out.extend(notes)
    for cit in notices:
        out.append(f"Integrity: {cit.id} is {cit.integrity.status}.")
    if not (finding.verified if verified is None else verified):
        out.append(_UNVERIFIED)
    if facts.funding_note is not None:
        out.append(facts.funding_note)
    out.extend(finding.caveats)
    return tuple(dict.fromkeys(out)) if len(out) > 1 else tuple(out)


_UNVERIFIED = (
    "Unverified: a value of this finding could not be checked in the source itself; "
    "it is left out of pooled estimates unless asked for."
)


def _regimen_text(base: EvidenceBase, study: m.Study, finding: m.Finding) -> str:
    if finding.group is not None:
        return _group_text(study.group(finding.group))
    comps = base.compounds_of(finding)
    return " + ".join(c.name for c in comps)


def _group_text(group: m.Arm | m.Phase) -> str:
    """What a group received, in words (its doses and procedures), else its name."""
    if isinstance(group, m.Phase):
        parts = [str(d) for d in group.doses]
    elif group.regimen is None:
        parts = []
    else:
        parts = [str(d) for d in group.regimen.all_doses]
        parts += [f"+ {p}" for p in group.regimen.procedures]
    return "; ".join(parts) if parts else group.name


_PROVENANCE_KINDS = {
    (False, False): "",
    (True, False): "quote",
    (False, True): "locator",
    (True, True): "locator + quote",
}


def _provenance(finding: m.Finding) -> tuple[tuple[str, ...], str, bool]:
    """A finding's ``sources``, the kind of its provenance and whether it is ``verified``.

    One pass over the provenance, for the three things a row reads from it; each is as the
    finding's property of that name (or `_provenance_kind`) gives it.
    """
    sources: dict[str, None] = {}
    quote = locator = False
    verified = True
    for p in finding.provenance:
        sources[p.source] = None
        if isinstance(p, m.Quote):
            quote = True
        else:
            locator = True
            if p.status is m.Verification.UNVERIFIED:
                verified = False
    return tuple(sources), _PROVENANCE_KINDS[quote, locator], verified


def _provenance_kind(finding: m.Finding) -> str:
    """Whether a finding rests on quotes, locators or both, in words."""
    return _provenance(finding)[1]


@attrs.frozen
class ComparisonRow:
    """One finding in a comparison.

    *Added in version 0.1.0*.
    """

    study: m.Study = attrs.field(repr=False)
    finding: m.Finding = attrs.field(repr=False)
    design: m.Design
    level: int | None
    regimen: str
    comparator: str | None
    measure: str
    n: int | None
    statistic: str
    estimate: float | None
    interval: Interval | None
    direction: m.Direction
    certainty: CertaintyAssessment
    caveats: tuple[str, ...] = attrs.field(repr=False)
    source: str = ""
    provenance: str = ""

    def __repr__(self) -> str:
        level = self.level if self.level is not None else "n/a"
        return (
            f"<ComparisonRow {self.finding.id} {self.design} OCEBM {level}: "
            f"{_short(self.statistic, 40)} ({self.direction}, {self.certainty.certainty})>"
        )

    @property
    def cells(self) -> tuple[Any, ...]:
        """The row as the cells of `Comparison.COLUMNS`."""
        ci = self.interval
        return (
            self.study.id,
            self.finding.id,
            str(self.design),
            self.level if self.level is not None else "n/a",
            self.regimen,
            self.comparator or "",
            self.measure,
            self.n,
            self.statistic,
            self.estimate,
            interval_text(ci) if ci is not None else "",
            ci.level if ci is not None else None,
            str(self.direction),
            str(self.certainty.certainty),
            self.source,
            self.provenance,
            " ".join(self.caveats),
        )


@attrs.frozen
class PooledEstimate:
    """A random-effects pooled proportion across distinct studies.

    *Added in version 0.1.0*.
    """

    measure: str
    compounds: tuple[str, ...]
    findings: tuple[str, ...]
    result: Pooled

    def __repr__(self) -> str:
        r = self.result
        return (
            f"<PooledEstimate {_short(self.measure, 50)!r} across {r.k} studies: "
            f"{r.estimate:.3f} ({interval_text(r.interval, '.3f')})>"
        )


def _content_hash(base: EvidenceBase) -> str:
    return base.content_hash


@attrs.frozen
class Lineage:
    """What a table was computed from and how, so that it can be reproduced.

    The content hash is computed when first read (hashing a large base takes a while, and a
    table need not wait for it), and then kept by the base.

    *Added in version 0.1.0*.
    """

    dataset: str | None
    version: str | None
    interval_method: str
    level: float
    pooling_model: str
    vitk2_version: str
    # compared, hashed and shown by its content hash, not field by field
    _source: EvidenceBase = attrs.field(eq=_content_hash, repr=False, alias="source")

    @property
    def content_hash(self) -> str:
        """SHA-256 of the evidence the table was computed from (its ``content_hash``)."""
        return self._source.content_hash

    def to_dict(self) -> dict[str, Any]:
        """The lineage as plain data, the content hash included."""
        return {
            "dataset": self.dataset,
            "version": self.version,
            "content_hash": self.content_hash,
            "interval_method": self.interval_method,
            "level": self.level,
            "pooling_model": self.pooling_model,
            "vitk2_version": self.vitk2_version,
        }

    @property
    def intervals(self) -> str:
        """How the table's intervals were made, in words, each kind with its level.

        *Added in version 0.2.0*.
        """
        if self.interval_method == "newcombe":
            return (
                f"risk differences with Newcombe intervals at {level_text(self.level)}, "
                "ratios with Wald intervals on the log scale"
            )
        return (
            f"proportions with {self.interval_method} intervals at {level_text(self.level)}; "
            "effects with the intervals their sources report, at their own levels"
        )

    def __repr__(self) -> str:
        data = f"{self.dataset} {self.version}" if self.dataset else "user data"
        return (
            f"<Lineage {data} sha256:{self.content_hash[:12]} {self.interval_method} {self.level}>"
        )


def _lineage(base: EvidenceBase, method: str, level: float) -> Lineage:
    from . import __version__

    return Lineage(
        dataset=base.dataset.id if base.dataset else None,
        version=base.dataset.version if base.dataset else None,
        interval_method=method,
        level=level,
        pooling_model=POOLING_MODEL,
        vitk2_version=__version__,
        source=base,
    )


class _Tabular:
    """Shared renderers for tables with COLUMNS and ``_rows``."""

    COLUMNS: tuple[str, ...] = ()

    def _cells(self) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _title(self) -> str:
        raise NotImplementedError

    def _meta(self) -> dict[str, Any]:
        return {}

    def to_text(
        self, *, width: int | None = None, layout: Layout = "auto", color: bool = False
    ) -> str:
        """An aligned plain-text table.

        Args:
            width: Fit the table to this many columns, wrapping cells and never shortening
                one (see `_render.TextOptions`). By default long cells are
                shortened with an ellipsis.
            layout: ``"table"``, ``"vertical"`` (one block per row) or ``"auto"`` (vertical
                only when the columns cannot fit ``width``).
            color: Bold headers and certainty in colour, as ANSI escape sequences.

        *Changed in version 0.2.0*.
           ``width``, ``layout`` and ``color``.
        """
        t = TextOptions(width=width, layout=layout, color=color)
        return f"{t.title(self._title())}\n{t.table(self.COLUMNS, self._cells())}"

    def to_markdown(self) -> str:
        """A Markdown table; text from the evidence renders as text (no links, code or HTML)."""
        title = markdown_text(self._title())
        return f"**{title}**\n\n{table_markdown(self.COLUMNS, self._cells())}"

    def to_csv(self) -> str:
        """CSV with a header row.

        Numbers are written as numbers; a text cell that starts with ``=``, ``+``, ``-``,
        ``@``, a tab or a carriage return gets a ``'`` in front, so no spreadsheet runs it as
        a formula (see `_render.csv_text`).
        """
        return table_csv(self.COLUMNS, self._cells())

    def to_json(self) -> str:
        """JSON with the rows and the table's lineage."""
        return table_json(self.COLUMNS, self._cells(), **self._meta())

    def to_dataframe(self) -> pandas.DataFrame:
        """A pandas DataFrame (needs ``pip install vitk2[pandas]``).

        Raises:
            ImportError: If pandas is not installed; the message says how to get it.
        """
        from ._tabular import table_frame

        return table_frame(self)  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        from ._views import tabular_view

        return tabular_view(self.COLUMNS, self._cells(), self._title())

    def __str__(self) -> str:
        return self.to_text()


@attrs.frozen
class Comparison(_Tabular):
    """The findings for one indication, strongest evidence first, with their caveats.

    Every interval states its own level: a proportion's is computed at the comparison's
    ``level``, an effect's is the one its source reported (often 95%). The ``CI`` column says
    ``"90% CI 0.076 to 0.35"`` and ``CI level`` holds the level as a number.

    Attributes:
        indication: The indication compared (its subtypes included).
        rows: One row per finding, ordered by evidence level, then size, then id.
        excluded: Findings left out, each with the reason.
        pooled: Pooled response rates of uncontrolled studies of one design that report the
            same proportion (single-arm trials, case series): never arms of controlled studies.
        lineage: Dataset version, content hash and methods used.
        meta_analyses: For each endpoint with two or more comparable two-arm contrasts, the
            meta-analysis [`EvidenceBase.meta_analysis`][vitk2.EvidenceBase.meta_analysis] gives (one per study,
            reviews shown as context, unverified and retracted values left out).

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: The ``95% CI`` column is ``CI`` (each cell with its level) and ``CI level``; ``meta_analyses``; ``pooled`` never pools arms of controlled studies.
    """

    COLUMNS = (
        "study",
        "finding",
        "design",
        "OCEBM",
        "regimen",
        "comparator",
        "measure",
        "n",
        "statistic",
        "estimate",
        "CI",
        "CI level",
        "direction",
        "certainty",
        "source",
        "provenance",
        "caveats",
    )

    indication: m.Indication
    rows: tuple[ComparisonRow, ...]
    excluded: tuple[Exclusion, ...]
    pooled: tuple[PooledEstimate, ...]
    lineage: Lineage
    meta_analyses: tuple[MetaAnalysis, ...] = ()

    def _cells(self) -> list[tuple[Any, ...]]:
        return [r.cells for r in self.rows]

    def to_text(
        self, *, width: int | None = None, layout: Layout = "auto", color: bool = False
    ) -> str:
        """A compact aligned table for a terminal; every caveat listed under it once.

        ``width``, ``layout`` and ``color`` are as for [`Overview.to_text`][vitk2.Overview.to_text].
        """
        t = TextOptions(width=width, layout=layout, color=color)
        notes: dict[str, int] = {}
        rows = []
        for r in self.rows:
            marks = [notes.setdefault(c, len(notes) + 1) for c in r.caveats]
            estimate = r.statistic
            if r.interval is not None and r.estimate is not None:
                estimate = f"{r.estimate:.3g} ({interval_text(r.interval)})"
            rows.append(
                (
                    r.study.id,
                    str(r.design),
                    r.level if r.level is not None else "n/a",
                    r.regimen,
                    r.measure,
                    r.n,
                    estimate,
                    str(r.direction),
                    str(r.certainty.certainty),
                    (", " if t.fitted else ",").join(map(str, marks)),
                )
            )
        headers = (
            "study",
            "design",
            "OCEBM",
            "regimen",
            "measure",
            "n",
            "result",
            "direction",
            "certainty",
            "notes",
        )
        out = [t.title(self._title()), t.table(headers, rows, max_width=34)]
        if notes:
            out.append("")
            for text, n in notes.items():
                out += t.lines(f"{text}", f"[{n}] ", " " * len(f"[{n}] "))
        if self.meta_analyses:
            out.append("")
            out.append("Pooled across trials (base.meta_analysis):")
            for ma in self.meta_analyses:
                out += t.lines(f"{ma.endpoint.name}: {ma.summary()}", "  ", "    ")
        if self.excluded:
            out.append("")
            out.append("Left out:")
            for e in self.excluded:
                out += t.lines(f"{e.finding}: {e.reason}", "  ", "    ")
        lin = self.lineage
        out.append("")
        out += t.lines(
            f"Dataset {lin.dataset or 'user data'} {lin.version or ''} "
            f"(sha256 {lin.content_hash[:12]}); {lin.intervals}."
        )
        return "\n".join(out)

    def _title(self) -> str:
        return f"Evidence for {self.indication.name} ({len(self.rows)} findings, {len(self.excluded)} left out)"

    def _meta(self) -> dict[str, Any]:
        return {
            "indication": self.indication.id,
            "lineage": self.lineage.to_dict(),
            "excluded": [attrs.asdict(e) for e in self.excluded],
            "pooled": [
                {
                    "measure": p.measure,
                    "compounds": list(p.compounds),
                    "findings": list(p.findings),
                    "estimate": p.result.estimate,
                    "low": p.result.interval.low,
                    "high": p.result.interval.high,
                    "level": p.result.interval.level,
                    "i2": p.result.i2,
                    "tau2": p.result.tau2,
                }
                for p in self.pooled
            ],
            "meta_analyses": [
                {
                    "endpoint": ma.endpoint.id,
                    "measure": ma.measure,
                    "studies": [c.study for c in ma.contrasts],
                    "summary": ma.summary(),
                }
                for ma in self.meta_analyses
            ],
        }

    def __repr__(self) -> str:
        return f"<Comparison {self.indication.id}: {len(self.rows)} rows, {len(self.excluded)} excluded>"


def _row_key(row: ComparisonRow) -> tuple[Any, ...]:
    return (
        row.level if row.level is not None else 9,
        -(row.n or 0),
        row.study.id,
        row.finding.id,
    )


def _estimate(
    stat: m.Statistic, method: str, level: float, finding: m.Finding | None = None
) -> tuple[float | None, Interval | None]:
    if isinstance(stat, m.Proportion):
        return stat.estimate, stat.interval(method, level)
    if isinstance(stat, m.Effect):
        return stat.value, stat.interval
    if isinstance(stat, m.ArmCounts) and finding is not None:
        pair = _arm_pair(stat, finding)
        if pair is not None:  # the risk ratio of the arm of interest to the reference arm
            a, b = pair
            try:
                rr = risk_ratio(a.events, a.total, b.events, b.total, level)
            except StatisticsError:
                return None, None
            return rr.estimate, rr.interval
    return None, None


def _arm_pair(stat: m.ArmCounts, finding: m.Finding) -> tuple[m.ArmCount, m.ArmCount] | None:
    """The arm of interest and the reference arm of a two-arm count, when the finding names both."""
    ref = finding.comparator.group if finding.comparator is not None else None
    if finding.group is None or ref is None:
        return None
    try:
        return stat.arm(finding.group), stat.arm(ref)
    except KeyError:
        return None


def _participants(stat: m.Statistic, size: int | None) -> int | None:
    """The participants behind a finding's number: its own denominators where it has them."""
    if isinstance(stat, m.Proportion):
        return stat.total
    if isinstance(stat, m.ArmCounts):
        return sum(a.total for a in stat.arms)
    if isinstance(stat, m.Effect) and stat.participants is not None:
        return stat.participants  # a review's estimate rests on its own trials, not the review
    return size


def _level(level: object) -> float:
    """A confidence level checked as every statistic checks it, refused as a criterion."""
    try:
        return _check_level(level)
    except StatisticsError as err:
        raise CriteriaError(str(err)) from err


class CompareOptions(TypedDict, total=False):
    """The options of [`EvidenceBase.compare`][vitk2.EvidenceBase.compare], as a mapping.

    Every key is optional; a key left out takes its default.

    Attributes:
        interval: ``"wilson"`` (default) or ``"clopper-pearson"`` for proportions.
        level: Confidence level of the intervals, in the open interval (0, 1); default 0.95.
        include_retracted: Keep findings that rest on retracted citations (default False).
        include_preclinical: Keep in-vitro and animal findings, with their caveat (default
            True).
        include_single_patient: Keep findings from a single patient (default True).

    *Added in version 0.2.0*.
    """

    interval: IntervalMethod
    level: float
    include_retracted: bool
    include_preclinical: bool
    include_single_patient: bool


def _statistic_text(stat: m.Statistic, ci: Interval | None) -> str:
    """`statistic_text`, given the interval the row has already taken from the statistic."""
    if type(stat) is not m.Effect or ci is None:
        return statistic_text(stat)
    return effect_text(stat, ci)


class _RowMaker:
    """The rows of one comparison, made study by study; what findings share is made once.

    Regimens are kept per group of a study, source labels per set of cited sources, and each
    study's facts are worked out once for all its findings.
    """

    __slots__ = (
        "base",
        "excluded",
        "include_preclinical",
        "include_single_patient",
        "level",
        "method",
        "regimens",
        "rows",
        "sources",
        "wilson95",
    )

    def __init__(
        self,
        base: EvidenceBase,
        method: IntervalMethod,
        level: float,
        include_preclinical: bool,
        include_single_patient: bool,
    ) -> None:
        self.base = base
        self.method = method
        self.level = level
        # a proportion's interval is then the one its imprecision is judged on
        self.wilson95 = method == "wilson" and level == 0.95
        self.include_preclinical = include_preclinical
        self.include_single_patient = include_single_patient
        self.rows: list[ComparisonRow] = []
        self.excluded: list[Exclusion] = []
        self.sources: dict[tuple[str, ...], str] = {}  # a finding's sources -> their labels
        self.regimens: dict[tuple[str, str | None], str] = {}  # (study, group) -> its regimen

    def add(self, study: m.Study) -> None:
        """The rows of a study's findings, or the reason each is left out."""
        facts = _StudyFacts(study)
        for f in study.findings:
            design = f.basis or facts.design
            reason = self._left_out(facts, f, design)
            if reason is None:
                self.rows.append(self._row(facts, f, design))
            else:
                self.excluded.append(Exclusion(f.id, study.id, reason))

    def _left_out(self, facts: _StudyFacts, f: m.Finding, design: m.Design) -> str | None:
        """Why a finding has no row, or None."""
        if f.outcome.kind is m.OutcomeKind.BASELINE:
            return "not comparable: a baseline characteristic, not an outcome"
        if not self.include_single_patient and facts.single_patient:
            return "single patient: no estimate of effect"
        if design.is_preclinical and not self.include_preclinical:
            return f"not comparable: preclinical ({design})"
        return None

    def _regimen(self, study: m.Study, f: m.Finding) -> str:
        if f.compounds and f.group is None:  # the compounds the finding names
            return _regimen_text(self.base, study, f)
        # the findings of one group (or of none) share its regimen
        key = (study.id, f.group)
        regimen = self.regimens.get(key)
        if regimen is None:
            regimen = self.regimens[key] = _regimen_text(self.base, study, f)
        return regimen

    def _source(self, cited: tuple[str, ...]) -> str:
        source = self.sources.get(cited)
        if source is None:
            citation = self.base.citation
            source = self.sources[cited] = ", ".join(citation(s).label for s in cited)
        return source

    def _row(self, facts: _StudyFacts, f: m.Finding, design: m.Design) -> ComparisonRow:
        study = facts.study
        stat = f.statistic
        estimate, ci = _estimate(stat, self.method, self.level, f)
        wilson = ci if self.wilson95 and type(stat) is m.Proportion else None
        cited, provenance, verified = _provenance(f)
        notices = self.base._integrity(study, f)
        downs = _downgrades(facts, f, notices, wilson)
        return ComparisonRow(
            study=study,
            finding=f,
            design=design,
            level=study.level.ocebm,
            regimen=self._regimen(study, f),
            comparator=None if f.comparator is None else str(f.comparator),
            measure=f.outcome.name + (f" ({f.subgroup})" if f.subgroup else ""),
            n=_participants(stat, facts.size),
            statistic=_statistic_text(stat, ci),
            estimate=estimate,
            interval=ci,
            direction=f.direction,
            certainty=_assess(study, f, notices, downs),
            caveats=_caveats(facts, f, notices, cited, verified),
            source=self._source(cited),
            provenance=provenance,
        )


def compare(
    base: EvidenceBase,
    indication: str | m.Indication,
    *,
    interval: IntervalMethod = "wilson",
    level: float = 0.95,
    include_retracted: bool = False,
    include_preclinical: bool = True,
    include_single_patient: bool = True,
) -> Comparison:
    """Compare the findings for one indication (and its subtypes).

    Args:
        base: The evidence.
        indication: A name or record; subtypes are included.
        interval: ``"wilson"`` or ``"clopper-pearson"`` for proportions.
        level: Confidence level of the intervals.
        include_retracted: Keep findings that rest on retracted citations.
        include_preclinical: Keep in-vitro and animal findings (with their caveat).
        include_single_patient: Keep findings from a single patient (case reports).

    Raises:
        UnknownNameError: For an unknown indication.
        CriteriaError: For an unknown interval method, or a level that is not a number in the
            open interval (0, 1) (NaN, a bool or text included).

    *Added in version 0.1.0*.
    """
    if interval not in INTERVAL_METHODS:
        raise CriteriaError(
            f"interval must be one of {', '.join(INTERVAL_METHODS)} (got {interval!r})"
        )
    level = _level(level)
    ind = indication if isinstance(indication, m.Indication) else base.indication(indication)
    # Asked by name, the subset is the base's kept answer to that filter when it was asked
    # before (by the user, or by an earlier comparison with other options); a record is
    # answered afresh, as `filter` answers every question that names one.
    named = indication if isinstance(indication, str) else ind
    subset = base.filter(indication=named, include_retracted=include_retracted)
    # Per-finding work reads the parent base: its indexes and caches outlive this call, and
    # every finding of the subset is the parent's.
    maker = _RowMaker(base, interval, level, include_preclinical, include_single_patient)
    maker.excluded.extend(subset.excluded)
    for study in subset.studies:
        maker.add(study)
    rows, excluded = maker.rows, maker.excluded
    rows.sort(key=_row_key)
    return Comparison(
        indication=ind,
        rows=tuple(rows),
        excluded=tuple(dict.fromkeys(excluded)),
        pooled=_pool(base, rows, level),
        lineage=_lineage(base, interval, level),
        meta_analyses=_meta_analyses(base, ind, rows, level, include_retracted),
    )


def _meta_analyses(
    base: EvidenceBase,
    ind: m.Indication,
    rows: Sequence[ComparisonRow],
    level: float,
    include_retracted: bool,
) -> tuple[MetaAnalysis, ...]:
    """The meta-analysis of each endpoint of the rows that has two or more contrasts to pool."""
    from ._errors import StatisticsError as _Refused

    contrasting = (m.ArmCounts, m.Effect, m.GroupSummaries)
    endpoints = dict.fromkeys(
        r.finding.outcome.endpoint.id
        for r in rows
        if r.finding.outcome.endpoint is not None and isinstance(r.finding.statistic, contrasting)
    )
    out = []
    for endpoint in endpoints:
        try:
            ma = base.meta_analysis(ind, endpoint, level=level, include_retracted=include_retracted)
        except _Refused:  # measures that must not be pooled together: none is shown
            continue
        if ma.result is not None:
            out.append(ma)
    return tuple(out)


def _pool(
    base: EvidenceBase, rows: Sequence[ComparisonRow], level: float
) -> tuple[PooledEstimate, ...]:
    """Pool proportions of one outcome and regimen across distinct studies (never two reports of one)."""
    groups: dict[tuple[str, tuple[str, ...]], dict[str, ComparisonRow]] = defaultdict(dict)
    for row in rows:
        f = row.finding
        if not isinstance(f.statistic, m.Proportion) or f.subgroup or row.design.is_preclinical:
            continue
        if row.design.is_controlled:  # an arm of a controlled study is half a contrast
            continue
        if f.statistic.counts is not m.CountKind.PARTICIPANTS:
            continue
        comps = tuple(sorted(c.id for c in base.compounds_of(f)))
        key = (normalize(f.outcome.name) + "\x00" + row.design.value, comps)  # one design
        groups[key].setdefault(row.study.id, row)  # one finding per study: reports never double
    out = []
    for (_, comps), by_study in sorted(groups.items()):
        if len(by_study) < 2:
            continue
        chosen = [by_study[s] for s in sorted(by_study)]
        pairs = [(r.finding.statistic.events, r.finding.statistic.total) for r in chosen]  # type: ignore[union-attr]
        try:
            result = pool_proportions(pairs, level=level)
        except StatisticsError:  # pragma: no cover - inputs are validated proportions
            continue
        out.append(
            PooledEstimate(
                measure=chosen[0].finding.outcome.name,
                compounds=comps,
                findings=tuple(r.finding.id for r in chosen),
                result=result,
            )
        )
    return tuple(out)


# --- regimen comparisons -----------------------------------------------------------------


@attrs.frozen
class RegimenContrast:
    """Two randomised arms of one trial compared on one proportion outcome.

    ``risk_ratio`` and ``odds_ratio`` are None when the ratios are not estimable (both arms
    without events, or both with only events); ``ratio_reason`` then says why.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``ratio_reason``; the risk difference has Newcombe's interval.
    """

    study: str
    measure: str
    a: str
    b: str
    a_finding: str
    b_finding: str
    risk_difference: Contrast
    risk_ratio: Contrast | None
    odds_ratio: Contrast | None
    ratio_reason: str | None = None

    def __repr__(self) -> str:
        return (
            f"<RegimenContrast {self.study} {_short(self.measure, 40)!r}: {self.a} vs {self.b}, "
            f"RD {self.risk_difference.estimate:+.3f}>"
        )


@attrs.frozen
class RegimenRefusal:
    """A regimen comparison vitk2 declines to compute, and why.

    Attributes:
        measure: The outcome.
        a: One regimen (for two groups of one study, what that group received).
        b: The other regimen.
        findings: The findings not compared.
        reason: Why not.
        study: The study whose two groups were not compared; None for findings of different
            studies (refusals of those are merged, one per pair of regimens and reason).

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``study``; a refusal of two groups of one study is one pair of findings.
    """

    measure: str
    a: str
    b: str
    findings: tuple[str, ...]
    reason: str
    study: str | None = None

    def __repr__(self) -> str:
        return (
            f"<RegimenRefusal {_short(self.measure, 40)!r}: {_short(self.a, 30)} vs "
            f"{_short(self.b, 30)}: {_short(self.reason, 60)}>"
        )


@attrs.frozen
class RegimenComparison(_Tabular):
    """Regimens compared within one indication: contrasts where honest, refusals otherwise.

    Each result states the level of its intervals (``"RD +0.090 (90% CI +0.012 to +0.169)"``),
    and ``CI level`` holds it as a number; the JSON carries the lineage.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: The ``CI level`` column; the lineage in the JSON.
    """

    COLUMNS = ("measure", "regimen A", "regimen B", "result", "CI level", "reason or method")

    indication: m.Indication
    contrasts: tuple[RegimenContrast, ...]
    refusals: tuple[RegimenRefusal, ...]
    lineage: Lineage

    def _cells(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for c in self.contrasts:
            rd = c.risk_difference
            text = f"RD {rd.estimate:+.3f} ({interval_text(rd.interval, '+.3f')})"
            if c.risk_ratio is not None:
                rr = c.risk_ratio
                text += f"; RR {rr.estimate:.2f} ({interval_text(rr.interval, '.2f')})"
            elif c.ratio_reason is not None:
                text += f"; {c.ratio_reason}"
            rows.append(
                (
                    c.measure,
                    c.a,
                    c.b,
                    text,
                    rd.interval.level,
                    f"randomised arms of {c.study}; Newcombe/log intervals",
                )
            )
        rows.extend((r.measure, r.a, r.b, "not computed", None, r.reason) for r in self.refusals)
        return rows

    def _title(self) -> str:
        return f"Regimen comparisons for {self.indication.name}"

    def _meta(self) -> dict[str, Any]:
        return {"indication": self.indication.id, "lineage": self.lineage.to_dict()}

    def to_text(
        self, *, width: int | None = None, layout: Layout = "auto", color: bool = False
    ) -> str:
        """An aligned plain-text table, wide enough for a result and its intervals' levels.

        ``width``, ``layout`` and ``color`` are as for [`Overview.to_text`][vitk2.Overview.to_text].
        """
        t = TextOptions(width=width, layout=layout, color=color)
        return f"{t.title(self._title())}\n{t.table(self.COLUMNS, self._cells(), max_width=72)}"

    def __repr__(self) -> str:
        n = len(self.contrasts)
        return (
            f"<RegimenComparison {self.indication.id}: {n} contrast{'s' if n != 1 else ''}, "
            f"{len(self.refusals)} refused>"
        )


def _group_label(base: EvidenceBase, f: m.Finding) -> str:
    comps = base.compounds_of(f)
    return " + ".join(c.name for c in comps) or "no treatment"


def _arm_labels(study: m.Study) -> dict[str, str]:
    """A label for each group of a study that tells it from the study's other groups.

    The label is what the group received (`_group_text`); where two groups share one,
    their names are added, and where the names are shared too, their ids. So two arms of one
    compound at two doses read apart, and so do two arms given nothing.
    """
    groups: list[m.Arm | m.Phase] = [*study.arms]
    groups += (p for a in study.arms if a.regimen for p in a.regimen.phases)
    text = {g.id: _group_text(g) for g in groups}
    shared = Counter(text.values())
    labels = {
        g.id: f"{text[g.id]} ({g.name})" if shared[text[g.id]] > 1 else text[g.id] for g in groups
    }
    if len(set(labels.values())) < len(labels):
        labels = {g.id: f"{text[g.id]} ({g.id})" for g in groups}
    return labels


_Side = tuple[m.Study, m.Finding, str]


def _sides(
    base: EvidenceBase,
    arm_labels: dict[str, dict[str, str]],
    first: tuple[m.Study, m.Finding],
    second: tuple[m.Study, m.Finding],
) -> tuple[_Side, _Side] | None:
    """Two findings as the two regimens of a comparison, in the order of their labels.

    Two groups of one study are always two regimens, labelled so that the study's groups read
    apart. Otherwise a regimen is the set of compounds a finding is about, and two findings
    about the same set are None: not two regimens.
    """
    (s1, f1), (s2, f2) = first, second
    if s1.id == s2.id and f1.group is not None and f2.group is not None and f1.group != f2.group:
        labels = arm_labels.get(s1.id)
        if labels is None:
            labels = arm_labels[s1.id] = _arm_labels(s1)
        a, b = labels[f1.group], labels[f2.group]
    else:
        a, b = _group_label(base, f1), _group_label(base, f2)
        if a == b:
            return None
    if b < a:
        return (s2, f2, b), (s1, f1, a)
    return (s1, f1, a), (s2, f2, b)


class RegimenOptions(TypedDict, total=False):
    """The options of [`EvidenceBase.compare_regimens`][vitk2.EvidenceBase.compare_regimens].

    Attributes:
        level: Confidence level of the contrasts' intervals, in the open interval (0, 1);
            default 0.95.

    *Added in version 0.2.0*.
    """

    level: float


def compare_regimens(
    base: EvidenceBase, indication: str | m.Indication, *, level: float = 0.95
) -> RegimenComparison:
    """Compare regimens within one indication.

    Every pair of findings on one outcome (baseline characteristics aside) is looked at. Two
    groups of one study are two regimens, labelled by what each received (two doses of one
    compound read apart); otherwise a regimen is the set of compounds a finding is about, and
    two findings about the same set are not compared. A difference in proportions (with risk
    ratio and odds ratio) is computed only between two randomised arms of one trial reporting
    the same outcome. Every other pairing (sequential phases, different studies, narrative
    claims) is refused with the reason, never given a misleading number: each pair of groups
    of one study is a contrast or a refusal of that study, and refusals across studies are
    merged, one per pair of regimens and reason.

    Args:
        base: The evidence.
        indication: A name or record; subtypes are included.
        level: Confidence level of the contrasts' intervals.

    Raises:
        UnknownNameError: For an unknown indication.
        CriteriaError: For a level that is not a number in the open interval (0, 1) (NaN, a
            bool or text included), as `compare` refuses it.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: Every pair of groups of one study is a contrast or a refusal (two doses of one compound were compared with the control only once, or not at all); ``level`` is checked.
    """
    level = _level(level)
    ind = indication if isinstance(indication, m.Indication) else base.indication(indication)
    subset = base.filter(indication=ind)
    contrasts: list[RegimenContrast] = []
    refusals: list[RegimenRefusal] = []
    by_outcome: dict[str, list[tuple[m.Study, m.Finding]]] = defaultdict(list)
    arm_labels: dict[str, dict[str, str]] = {}  # study id -> group id -> label
    # a study's counts of one outcome, in one finding or several (45 and 90 mg, each against
    # one placebo arm): every pair of their arms is compared once
    counted: dict[tuple[str, str, str | None], list[m.Finding]] = defaultdict(list)
    for s in subset.studies:
        for f in s.findings:
            if f.outcome.kind is m.OutcomeKind.BASELINE:
                continue
            if isinstance(f.statistic, m.ArmCounts):  # every arm's count in one finding
                counted[s.id, normalize(f.outcome.name), f.subgroup].append(f)
                continue
            by_outcome[normalize(f.outcome.name)].append((s, f))
        for done in [k for k in counted if k[0] == s.id]:
            _arm_count_contrasts(s, counted.pop(done), arm_labels, level, contrasts, refusals)
    for items in by_outcome.values():
        for i, first in enumerate(items):
            for second in items[i + 1 :]:
                sides = _sides(subset, arm_labels, first, second)
                if sides is None:
                    continue
                (s1, f1, a), (s2, f2, b) = sides
                reason = _refusal(s1, f1, s2, f2)
                ids = (f1.id, f2.id)
                if reason is not None:
                    study = s1.id if s1.id == s2.id else None
                    refusals.append(RegimenRefusal(f1.outcome.name, a, b, ids, reason, study))
                    continue
                p1, p2 = f1.statistic, f2.statistic
                assert isinstance(p1, m.Proportion)
                assert isinstance(p2, m.Proportion)
                contrasts.append(
                    _contrast(s1.id, f1.outcome.name, (a, f1.id, p1), (b, f2.id, p2), level)
                )
    # Refusals across studies are merged, one per pair of regimens and reason; a refusal of
    # two groups of one study stays one pair, so each pair of groups is accounted for once.
    merged: dict[tuple[str, str, str, str] | int, RegimenRefusal] = {}
    for n, r in enumerate(refusals):
        key = (r.measure, r.a, r.b, r.reason) if r.study is None else n
        old = merged.get(key)
        merged[key] = (
            r
            if old is None
            else attrs.evolve(old, findings=tuple(dict.fromkeys(old.findings + r.findings)))
        )
    return RegimenComparison(
        ind, tuple(contrasts), tuple(merged.values()), _lineage(base, "newcombe", level)
    )


def _contrast(
    study: str,
    measure: str,
    first: tuple[str, str, m.Proportion | m.ArmCount],
    second: tuple[str, str, m.Proportion | m.ArmCount],
    level: float,
) -> RegimenContrast:
    """Two randomised arms' counts compared: the risk difference, and the ratios if estimable.

    Each side is (its regimen's label, the finding that counts it, its count).
    """
    (a, fa, x), (b, fb, y) = first, second
    rr = orr = None
    ratio_reason = None
    try:
        rr = risk_ratio(x.events, x.total, y.events, y.total, level)
        orr = odds_ratio(x.events, x.total, y.events, y.total, level)
    except StatisticsError as err:
        ratio_reason = str(err)
    return RegimenContrast(
        study=study,
        measure=measure,
        a=a,
        b=b,
        a_finding=fa,
        b_finding=fb,
        risk_difference=risk_difference(x.events, x.total, y.events, y.total, level),
        risk_ratio=rr,
        odds_ratio=orr,
        ratio_reason=ratio_reason,
    )


def _arm_count_contrasts(
    s: m.Study,
    findings: list[m.Finding],
    arm_labels: dict[str, dict[str, str]],
    level: float,
    contrasts: list[RegimenContrast],
    refusals: list[RegimenRefusal],
) -> None:
    """Each pair of arms of a study's counts of one outcome: a contrast, or a refusal.

    The arms of every finding are taken together (an arm counted in two findings is taken from
    the first). Each finding's own pair (its group against its comparator's) comes first, in
    that order; the other pairs follow in the order of the arms.
    """
    labels = arm_labels.get(s.id)
    if labels is None:
        labels = arm_labels[s.id] = _arm_labels(s)
    arms: dict[str, tuple[m.ArmCount, m.Finding]] = {}
    own: dict[tuple[str, str], m.Finding] = {}  # a finding's own pair, counted by it
    for f in findings:
        assert isinstance(f.statistic, m.ArmCounts)
        for arm in f.statistic.arms:
            arms.setdefault(arm.group, (arm, f))
        pair = _arm_pair(f.statistic, f)
        if pair is not None:
            own.setdefault((pair[0].group, pair[1].group), f)
    order = list(arms)
    rest = [(x, y) for i, x in enumerate(order) for y in order[i + 1 :]]
    pairs = [*own, *(p for p in rest if p not in own and (p[1], p[0]) not in own)]
    for gx, gy in pairs:
        (x, fx), (y, fy) = arms[gx], arms[gy]
        if (gx, gy) in own:  # both arms as the finding that compares them counts them
            fx = fy = own[gx, gy]
            assert isinstance(fx.statistic, m.ArmCounts)
            x, y = fx.statistic.arm(gx), fx.statistic.arm(gy)
        a, b = labels.get(gx, gx), labels.get(gy, gy)
        g1, g2 = s.group(gx), s.group(gy)
        reason = None
        if isinstance(g1, m.Phase) or isinstance(g2, m.Phase):
            reason = "sequential phases of one arm, not randomised arms"
        elif not s.design.is_randomised:
            reason = f"the arms of a {s.design} were not randomised"
        ids = tuple(dict.fromkeys((fx.id, fy.id)))
        if reason is not None:
            refusals.append(RegimenRefusal(fx.outcome.name, a, b, ids, reason, s.id))
            continue
        contrasts.append(_contrast(s.id, fx.outcome.name, (a, fx.id, x), (b, fy.id, y), level))


def _refusal(s1: m.Study, f1: m.Finding, s2: m.Study, f2: m.Finding) -> str | None:
    if not isinstance(f1.statistic, m.Proportion) or not isinstance(f2.statistic, m.Proportion):
        return (
            "no proportions to compare: at least one side is a narrative claim or another statistic"
        )
    if s1.id != s2.id:
        return "different studies: their groups were not randomised against each other"
    if f1.group is None or f2.group is None:
        return "the groups of the findings are not stated"
    if f1.group == f2.group:
        return "both findings are of one group: not two regimens"
    g1, g2 = s1.group(f1.group), s2.group(f2.group)
    if isinstance(g1, m.Phase) or isinstance(g2, m.Phase):
        later = g2 if isinstance(g2, m.Phase) and g2.entry else g1
        entry = later.entry if isinstance(later, m.Phase) else None
        return "sequential phases of one arm, not randomised arms" + (
            f": '{later.name}' enrolled only '{entry}'" if entry else ""
        )
    if not s1.design.is_randomised:
        return f"the arms of a {s1.design} were not randomised"
    if f1.subgroup != f2.subgroup:
        return "the findings are in different subgroups"
    return None


# --- overview ------------------------------------------------------------------------------

#: How the overview picks the one summary row that speaks for an indication (and, in the matrix,
#: for a compound in an indication); the first difference wins.
OVERVIEW_PREFERENCE: Final = (
    "the effect of a supplement or drug against a comparator, over an association (diet, blood "
    "levels), over uncontrolled responses, over cells or animals",
    "a clinical or patient-reported endpoint, over a surrogate, over a biomarker, over a safety "
    "endpoint (a safety endpoint ranks as clinical where the indication is itself a safety "
    "question)",
    "higher certainty",
    "no integrity notice or concern and not a subgroup only",
    "one vitamin K2 form, over vitamin K1, forms pooled or a form not named",
    "more participants",
    "more studies",
    "the summary's own order (indication, kind, exposure, form, endpoint)",
)
"""The order in which `overview` ranks the summary rows of an indication; first difference
wins. The best row gives the overview row its statement, certainty and direction, and the
compound x indication matrix its cell.

*Added in version 0.2.0*.
"""

_TIERS: Final = {
    m.OutcomeKind.CLINICAL: 0,
    m.OutcomeKind.PATIENT_REPORTED: 0,
    m.OutcomeKind.SURROGATE: 1,
    m.OutcomeKind.BIOMARKER: 2,
    m.OutcomeKind.MECHANISTIC: 2,
    m.OutcomeKind.SAFETY: 3,
}
_TIER_NAMES: Final = ("clinical", "surrogate", "biomarker", "safety", "other")


@attrs.frozen
class OverviewRow:
    """One indication at a glance: the roll-up of its rows in the summary of findings.

    The statement, certainty, direction and best OCEBM level are those of one summary row, the
    best by `OVERVIEW_PREFERENCE`; the counts are over the studies behind every row's
    estimate, each counted once.

    Attributes:
        indication: The indication (its subtypes rolled in).
        designs: The designs of the studies counted, with how many of each, strongest first.
        studies: The studies behind the rows' estimates in people (cells or animals only
            where there is nothing else), each once (reports of one trial are one); a review counts as the number of trials it pooled, and its trials are never
            added to it: the count is the larger of the primary studies' number and the
            largest review's, so a floor, never a double count.
        participants: Likewise: the primary studies' participants, each study once at its
            largest count, or the largest review's total when that is larger.
        best_level: The best OCEBM level among the studies the best row's estimate rests on.
        certainty: The best row's GRADE certainty; None when no row has evidence.
        direction: The best row's direction, read from its estimate and interval against no
            effect (not a vote of studies): benefit, harm, no clear effect; association for
            an association whose interval excludes no effect; not applicable for
            uncontrolled or preclinical evidence, or when there is no evidence row.
        basis: The best row in words: form, endpoint, estimate and its source.
        statement: The best row's plain-language statement, or why there is no row.
        endpoints: The endpoints with evidence in people, clinical first.
        best: The best summary row, or None.
        summary_rows: Every summary row of the indication (people first, then preclinical).
        sources: The ids of the studies counted.
        left_out: How many findings of the indication the summary left out.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: The roll-up of [`EvidenceBase.summary`][vitk2.EvidenceBase.summary]: ``statement``, ``endpoints``, ``best``, ``summary_rows``, ``sources`` and ``left_out``; the direction is the best row's, no longer a vote over findings, and no participant is counted twice.
    """

    indication: m.Indication
    designs: tuple[tuple[m.Design, int], ...]
    studies: int
    participants: int
    best_level: int | None
    certainty: m.Certainty | None
    direction: m.Direction
    basis: str
    statement: str = ""
    endpoints: tuple[m.Endpoint, ...] = ()
    best: SummaryRow | None = attrs.field(default=None, eq=False, repr=False)
    summary_rows: tuple[SummaryRow, ...] = attrs.field(default=(), eq=False, repr=False)
    sources: tuple[str, ...] = ()
    left_out: int = 0

    def __repr__(self) -> str:
        level = self.best_level if self.best_level is not None else "n/a"
        return (
            f"<OverviewRow {self.indication.id}: {self.studies} studies, OCEBM {level}, "
            f"{self.certainty or 'not graded'}, {self.direction}>"
        )

    @property
    def endpoints_text(self) -> str:
        """The endpoints with evidence, grouped by kind: ``"clinical: hip fracture; ..."``."""
        groups: dict[str, list[str]] = {}
        for e in self.endpoints:
            groups.setdefault(_TIER_NAMES[_TIERS.get(e.kind, 4)], []).append(e.name)
        return "; ".join(f"{k}: {', '.join(v)}" for k, v in groups.items())

    @property
    def cells(self) -> tuple[Any, ...]:
        """The row as the cells of `Overview.COLUMNS`."""
        return (
            self.indication.name,
            self.statement,
            str(self.certainty) if self.certainty else "not graded",
            str(self.direction),
            self.studies,
            self.participants,
            self.best_level if self.best_level is not None else "n/a",
            self.basis,
            self.endpoints_text,
        )


@attrs.frozen
class MatrixCell:
    """One compound in one indication: the certainty and direction of one summary row.

    The row is the compound's best in the indication by `OVERVIEW_PREFERENCE`: the
    best-certainty clinical row (comparative evidence before associations, uncontrolled and
    preclinical rows), else the best surrogate row, and so on. Every field comes from that
    one row, never from two.

    Attributes:
        compound: The compound's id (a vitamin K form).
        indication: The indication's id.
        best_design: The design the row's estimate rests on.
        certainty: The row's certainty.
        findings: The findings of the row.
        direction: The row's direction.
        endpoint: The row's endpoint (its id).
        kind: The row's kind (effect, association, uncontrolled, preclinical).
        rows: How many summary rows the compound has in the indication.
        row: The summary row itself.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: One summary row per cell: ``direction``, ``endpoint``, ``kind``, ``rows``, ``row``.
    """

    compound: str
    indication: str
    best_design: m.Design
    certainty: m.Certainty | None
    findings: int
    direction: m.Direction = m.Direction.NOT_APPLICABLE
    endpoint: str = ""
    kind: SummaryRowKind | None = None
    rows: int = 1
    row: SummaryRow | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def text(self) -> str:
        """The cell in words: ``"low, no clear effect: vertebral fracture"``."""
        what = self.row.endpoint.name if self.row is not None else self.endpoint
        plain = self.kind is None or self.kind.value == "effect"
        kind = "" if plain or self.direction is m.Direction.ASSOCIATION else f" ({self.kind})"
        return f"{self.certainty or 'not graded'}, {self.direction}{kind}: {what}"

    def __repr__(self) -> str:
        rows = f" ({self.rows} rows)" if self.rows != 1 else ""
        return f"<MatrixCell {self.compound} x {self.indication}: {_short(self.text, 100)}{rows}>"


@attrs.frozen
class Overview(_Tabular):
    """One row per indication, and a compound x indication matrix: the summary, rolled up.

    Attributes:
        rows: One row per top-level indication with findings: comparative evidence first,
            then by certainty, clinical before surrogate, more participants first.
        matrix: One cell per vitamin K form and indication with evidence.
        lineage: The data and methods behind it.
        summary: The summary of findings it rolls up.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: The roll-up of [`EvidenceBase.summary`][vitk2.EvidenceBase.summary].
    """

    COLUMNS = (
        "indication",
        "statement",
        "certainty",
        "direction",
        "studies",
        "participants",
        "best OCEBM",
        "best evidence",
        "endpoints",
    )

    rows: tuple[OverviewRow, ...]
    matrix: tuple[MatrixCell, ...]
    lineage: Lineage
    summary: SummaryOfFindings | None = attrs.field(default=None, eq=False, repr=False)

    def _cells(self) -> list[tuple[Any, ...]]:
        return [r.cells for r in self.rows]

    def _title(self) -> str:
        return "Overview of the evidence on vitamin K2"

    def __repr__(self) -> str:
        return (
            f"<Overview: {len(self.rows)} indications, "
            f"{len(self.matrix)} compound x indication cells>"
        )

    def _meta(self) -> dict[str, Any]:
        return {"lineage": self.lineage.to_dict(), "preference": list(OVERVIEW_PREFERENCE)}

    def to_text(
        self, *, width: int | None = None, layout: Layout = "auto", color: bool = False
    ) -> str:
        """The rows as aligned text, then how the best row is chosen and how studies count.

        Args:
            width: Fit the table to this many columns, wrapping cells and never shortening
                one (see `_render.TextOptions`). By default long cells are
                shortened with an ellipsis.
            layout: ``"table"``, ``"vertical"`` (one block per row) or ``"auto"`` (vertical
                only when the columns cannot fit ``width``).
            color: Bold headers and certainty in colour, as ANSI escape sequences.
        """
        t = TextOptions(width=width, layout=layout, color=color)
        note = (
            "Each row is the roll-up of the indication's summary of findings (vitk2 summary "
            "INDICATION): the statement, certainty, direction and OCEBM level of its best row "
            "(comparative before associations and uncontrolled; clinical before surrogate; "
            "then certainty); studies and participants each counted once, a review never "
            "added to its own trials."
        )
        return "\n".join(
            [t.title(self._title()), t.table(self.COLUMNS, self._cells(), 60), "", *t.lines(note)]
        )

    def row(self, indication: str) -> OverviewRow:
        """The row of one indication (by id or name).

        Raises:
            KeyError: If the overview has no row for it.
        """
        key = normalize(indication)
        for r in self.rows:
            if key in {normalize(n) for n in r.indication.names}:
                return r
        raise KeyError(indication)

    def matrix_text(
        self, *, width: int | None = None, layout: Layout = "auto", color: bool = False
    ) -> str:
        """The compound x indication matrix as aligned text: certainty, direction, endpoint.

        ``width``, ``layout`` and ``color`` are as for `to_text`.
        """
        inds = sorted({c.indication for c in self.matrix})
        comps = sorted({c.compound for c in self.matrix})
        cells = {(c.compound, c.indication): c for c in self.matrix}
        rows = []
        for comp in comps:
            row: list[Any] = [comp]
            for ind in inds:
                cell = cells.get((comp, ind))
                row.append("" if cell is None else cell.text)
            rows.append(row)
        t = TextOptions(width=width, layout=layout, color=color)
        return t.table(["compound", *inds], rows, max_width=40)


class OverviewOptions(TypedDict, total=False):
    """The options of [`EvidenceBase.overview`][vitk2.EvidenceBase.overview].

    Attributes:
        include_retracted: Accepted for compatibility. The overview rolls up the summary of
            findings, which never rests on a retracted publication, so it changes nothing
            but the cache key.

    *Added in version 0.2.0*.
    """

    include_retracted: bool


def _tier(row: SummaryRow) -> int:
    kind = row.endpoint.kind
    if kind is m.OutcomeKind.SAFETY and row.indication.category is m.IndicationCategory.SAFETY:
        return 0
    return _TIERS.get(kind, 4)


def _preference(row: SummaryRow, order: int) -> tuple[Any, ...]:
    """The sort key of `OVERVIEW_PREFERENCE` (smaller is better)."""
    from ._summary import SummaryFlagKind, SummaryRowKind

    kinds = list(SummaryRowKind)
    warned = any(f.kind in (SummaryFlagKind.INTEGRITY, SummaryFlagKind.SUBGROUP) for f in row.flags)
    k2 = len(row.compounds) == 1 and normalize(row.compounds[0].compound_class) == _K2_CLASS
    return (
        kinds.index(row.kind),
        _tier(row),
        -row.certainty.rank,
        warned,
        not k2,
        -(row.participants or 0),
        -(row.studies or 0),
        order,
    )


_K2_CLASS = normalize("vitamin K2")


def _counted(
    base: EvidenceBase, rows: Sequence[SummaryRow]
) -> tuple[int, int, tuple[str, ...], Counter[m.Design]]:
    """Studies and participants behind the rows' estimates, each counted once.

    Primary studies (reports of one trial merged) count once each, at the largest number of
    participants a row attributes to them; a review is never added to its trials (whether or
    not the base says which it pooled): each count is the larger of the primary studies' and
    the largest review's.
    """
    from ._evidence_meta import _trial_keys
    from ._summary import SummaryRowKind

    trials: list[tuple[frozenset[str], list[str], int | None]] = []
    reviews: dict[str, tuple[int, int]] = {}
    for r in rows:
        used = [e for e in r.evidence if e.used or r.kind is SummaryRowKind.UNCONTROLLED]
        for e in used:
            study = base.study(e.study)
            if study.design is m.Design.SYSTEMATIC_REVIEW:
                k, n = reviews.get(study.id, (0, 0))
                pooled = r.studies if r.estimate and r.estimate.source == "review" else None
                reviews[study.id] = (max(k, pooled or 0), max(n, e.participants or 0))
                continue
            keys = _trial_keys(study)
            for g, (ks, members, size) in enumerate(trials):
                if ks & keys:
                    largest = max(
                        (x for x in (size, e.participants) if x is not None), default=None
                    )
                    trials[g] = (ks | keys, [*members, study.id], largest)
                    break
            else:
                trials.append((keys, [study.id], e.participants))
    primary_n = sum(n for _, _, n in trials if n is not None)
    studies = max([len(trials), *(max(k, 1) for k, _ in reviews.values())])
    participants = max([primary_n, *(n for _, n in reviews.values())])
    ids = tuple(dict.fromkeys([*(i for _, members, _ in trials for i in members), *reviews]))
    designs = Counter(base.study(i).design for i in ids)
    return studies, participants, ids, designs


def _design_of(row: SummaryRow) -> m.Design:
    used = [e for e in row.evidence if e.used] or list(row.evidence)
    return max((e.design for e in used), key=lambda d: d.rank)


def _basis(base: EvidenceBase, row: SummaryRow) -> str:
    est = row.estimate
    what = f"{row.form}, {row.endpoint.name} ({row.endpoint.kind}, {row.kind})"
    if est is None:
        return what
    text = est.text
    if "…" in text and len(est.findings) == 1:  # the summary shortens a long result; not here
        study = base.study(est.studies[0])
        finding = next(f for f in study.findings if f.id == est.findings[0])
        text = text.partition(": ")[0] + ": " + statistic_text(finding.statistic)
    flags = "; ".join(str(f.kind) for f in row.flags)
    label = est.label  # the finding ids are in ``sources`` and the summary; not in the cell
    for fid in est.findings:
        label = label.replace(f" ({fid})", "")
    return f"{what}: {text}; {label}" + (f"; flags: {flags}" if flags else "")


def _no_row_statement(n: int, reasons: Counter[str]) -> str:
    if not n:
        return "No finding in people or preclinical work."
    parts = ", ".join(f"{reason} ({k})" for reason, k in reasons.most_common())
    return f"No evidence row: {n} finding{'s' if n != 1 else ''} left out: {parts}."


def overview(base: EvidenceBase, *, include_retracted: bool = False) -> Overview:
    """One row per top-level indication (subtypes rolled in), and a compound x indication matrix.

    The overview rolls up [`EvidenceBase.summary`][vitk2.EvidenceBase.summary]. For each indication the summary
    rows are ranked by `OVERVIEW_PREFERENCE` (comparative evidence before associations,
    uncontrolled responses and preclinical work; then clinical endpoints before surrogates,
    biomarkers and safety; then certainty), and the best row gives the statement, the
    certainty, the direction and the OCEBM level: all four from one row, so from the same
    studies. The direction is that row's, read from its estimate and interval against no
    effect, never a vote over findings. Studies and participants are counted over the
    studies behind every row's estimate, each once, a review never added to its own trials
    (see [`OverviewRow`][vitk2.OverviewRow]).

    Each matrix cell is one vitamin K form in one indication: the certainty, direction and
    design of the form's best row by the same order (the best-certainty clinical row, else
    the best surrogate row ...), never a mix of two rows.

    Args:
        base: The evidence.
        include_retracted: Accepted for compatibility; the summary never rests on retracted
            work.

    Returns:
        The [`Overview`][vitk2.Overview].

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: The roll-up of the summary of findings; the direction is no longer a vote.
    """
    del include_retracted  # the summary leaves retracted work out whatever is asked
    sof = base.summary()
    order = {id(r): i for i, r in enumerate((*sof.rows, *sof.preclinical))}
    by_ind: dict[str, list[SummaryRow]] = defaultdict(list)
    for r in (*sof.rows, *sof.preclinical):
        by_ind[r.indication.id].append(r)
    roots = [i for i in base.indications if i.parent is None]
    root_of: dict[str, str] = {}
    for root in roots:
        for sub in base.subtypes(root):
            root_of.setdefault(sub.id, root.id)
    finding_root: dict[str, str] = {}
    studies_of: dict[str, set[str]] = defaultdict(set)
    for s in base.studies:
        for f in s.findings:
            rid = root_of.get(f.indication.id, f.indication.id)
            finding_root[f.id] = rid
            studies_of[rid].add(s.id)
    left: dict[str, Counter[str]] = defaultdict(Counter)
    for e in sof.left_out:
        reason = e.reason.split(" (")[0].split(": ")[0]
        left[finding_root.get(e.finding, "")][reason] += 1

    rows: list[OverviewRow] = []
    matrix: list[MatrixCell] = []
    for root in roots:
        summary_rows = by_ind.get(root.id, [])
        n_left = sum(left[root.id].values())
        if not summary_rows and not studies_of.get(root.id):
            continue
        ranked = sorted(summary_rows, key=lambda r: _preference(r, order[id(r)]))
        best = ranked[0] if ranked else None
        people = [r for r in summary_rows if r.kind.value != "preclinical"]
        studies, participants, sources, designs = _counted(base, people or summary_rows)
        endpoints = tuple(
            dict.fromkeys(
                r.endpoint
                for r in sorted(summary_rows, key=lambda r: (_tier(r), order[id(r)]))
                if r.kind.value != "preclinical"
            )
        )
        level = None
        if best is not None and best.estimate is not None:
            levels = [
                base.study(sid).level.ocebm
                for sid in best.estimate.studies
                if base.study(sid).level.ocebm is not None
            ]
            level = min((x for x in levels if x is not None), default=None)
        rows.append(
            OverviewRow(
                indication=root,
                designs=tuple(sorted(designs.items(), key=lambda kv: (-kv[0].rank, kv[0].value))),
                studies=studies,
                participants=participants,
                best_level=level,
                certainty=best.certainty if best is not None else None,
                direction=best.direction if best is not None else m.Direction.NOT_APPLICABLE,
                basis=_basis(base, best) if best is not None else "no evidence row",
                statement=best.statement
                if best is not None
                else _no_row_statement(n_left, left[root.id]),
                endpoints=endpoints,
                best=best,
                summary_rows=tuple(summary_rows),
                sources=sources,
                left_out=n_left,
            )
        )
        per_compound: dict[str, list[SummaryRow]] = defaultdict(list)
        for r in ranked:
            for c in r.compounds:
                per_compound[c.id].append(r)
        for cid, crows in sorted(per_compound.items()):
            top = crows[0]
            matrix.append(
                MatrixCell(
                    cid,
                    root.id,
                    _design_of(top),
                    top.certainty,
                    len(top.evidence),
                    direction=top.direction,
                    endpoint=top.endpoint.id,
                    kind=top.kind,
                    rows=len(crows),
                    row=top,
                )
            )

    def row_key(r: OverviewRow) -> tuple[Any, ...]:
        if r.best is None:
            return (1, 0, 0, 0, -r.participants, r.indication.id)
        kind, tier, certainty = _preference(r.best, 0)[:3]
        return (0, kind, certainty, tier, -r.participants, r.indication.id)

    rows.sort(key=row_key)
    return Overview(tuple(rows), tuple(matrix), _lineage(base, "wilson", 0.95), summary=sof)
