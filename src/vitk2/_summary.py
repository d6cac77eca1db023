"""Summary of findings: one answer per vitamin K form, indication and endpoint, GRADE style.

`summary` (also [`EvidenceBase.summary`][vitk2.EvidenceBase.summary]) sorts the findings of a base into
rows, one per vitamin K form x indication x endpoint x exposure that has evidence, and gives
each row the best available estimate, where it comes from, the participants behind it, a
GRADE certainty computed over the five domains with every downgrade's reason, flags and a
plain-language statement in GRADE's standard wording. Every number names the findings it
rests on; everything left out is listed with the reason.

The rules, in the order they are applied:

- **What is evidence.** A finding needs an endpoint of the vocabulary that is not a
  recommendation, an integrity metric, a baseline or a process measure, and a vitamin K form
  (a compound of the family ``"vitamin K"``) among the compounds it is about. Left out, with
  the reason: findings that rest on a retracted publication; values marked unverified
  (unless asked for); background claims (a finding whose ``basis`` differs from its study's
  design and is a narrative review, in-vitro or animal work, or words about other work); the
  claims of narrative reviews; an original value a corrected one supersedes; contrasts
  against an active comparator (a different question from the effect of vitamin K); one
  arm's result or a baseline description inside a controlled study; associations inside a
  supplement trial.
- **Rows apart.** Supplement trials, dietary intake and circulating levels (the finding's
  ``exposure``, else its study's, else a supplement) are separate rows: an association of
  a diet is never the effect of a supplement. Cell and animal studies are rows of their own
  ([`SummaryOfFindings.preclinical`][vitk2.SummaryOfFindings.preclinical]). Evidence without a comparator (single-arm trials,
  case series, case reports) is summarised as what it is, a response rate without a
  control, and never as a benefit.
- **The best estimate.** The candidates are the pooled meta-analysis of the base's
  comparable randomised contrasts ([`EvidenceBase.meta_analysis`][vitk2.EvidenceBase.meta_analysis], REML with
  Hartung-Knapp intervals, Wald z intervals for two studies, when two or more studies have
  one) and each finding of the row
  (a review's pooled estimate, one trial's contrast, a result in words). They are ranked by
  `PREFERENCE`, first difference wins: not under an integrity notice or concern; not
  superseded by a corrected value; the whole population (not a subgroup or sensitivity
  analysis); randomised over observational; adjusted over unadjusted; a number with an
  interval over a number without one over words; more participants; more studies; the
  longest follow-up. (Adjustment is ranked after design: ranked first, an adjusted cohort
  would outrank a randomised trial.)
- **Participants.** A row counts the participants and studies behind its estimate: a
  review's own total (never added to its trials', whether or not ``Study.includes`` names
  them), the trials of a pooled estimate once each (reports of one trial are one trial),
  and, for uncontrolled evidence, each study once at its largest denominator.
- **Direction** is read from the estimate's interval against no effect (1 for ratios, 0 for
  differences) and the endpoint's ``better`` side; a hazard ratio is read as the hazard of
  the endpoint's adverse event (death, for survival). An estimate without an interval is
  read from its p-value; words are read as the curator typed them.
- **Certainty** (GRADE): randomised evidence starts high, observational evidence low,
  evidence without a comparator is very low. Then:

  * risk of bias: open label (``Study.blinding``), an integrity notice or third-party
    concern, and the curator's ``"risk of bias: ..."`` downgrades of the source; one level,
    two for a caution or expression of concern notice with another reason; for a pooled
    estimate, what applies to the studies holding at least half the weight;
  * inconsistency: I² of 50% or more, or a prediction interval that crosses no effect where
    the confidence interval does not; for one study or a review, the curator's
    ``"inconsistency: ..."`` downgrades;
  * indirectness: a surrogate or biomarker endpoint, vitamin K forms pooled, the form not
    stated, a co-treatment the comparator did not get, and the curator's
    ``"indirectness: ..."`` clauses on population or intervention (clauses on surrogates are
    the endpoint's, judged above); one level;
  * imprecision: an interval that crosses no effect (one level; two when a ratio's interval
    reaches both below 0.75 and above 1.25, GRADE's default thresholds of appreciable
    benefit and harm); no interval (one level); fewer than the optimal information size,
    by GRADE's rule of thumb: 300 events for counts, else 400 participants (one level);
    at most two levels; for a review, whose information size is rarely stored, the
    curator's ``"imprecision: ..."`` downgrade when it names the row's endpoint;
  * publication bias: Egger's regression test (p < 0.10) when ten or more studies are
    pooled; not assessed below ten.

  A curator's certainty recorded on the chosen finding overrides the computed one, and is
  shown apart with its reasons; the study's recorded certainty is shown for comparison.
- **Statement**: GRADE's informative statements (Santesso et al., J Clin Epidemiol 2020;
  119:126-35): high "reduces", moderate "probably reduces", low "may reduce", very low "the
  evidence is very uncertain about the effect of ..."; an interval that includes no effect
  is "makes little or no difference" at the same certainty. vitk2 records no minimal
  important differences, so the statements do not grade effects as small or large.
"""

from __future__ import annotations

import enum
import itertools
import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _model as m
from . import meta as _meta
from ._errors import CriteriaError
from ._meta_pool import _fmt
from ._render import (
    Layout,
    TextOptions,
    html_text,
    inert_json,
    level_text,
    markdown_text,
    statistic_text,
    table_csv,
    table_markdown,
    terminal_text,
)
from ._units import Quantity

if TYPE_CHECKING:
    from ._base import EvidenceBase
    from ._evidence_meta import Contrast, MeasureName

    _Analyses = Callable[
        [m.Indication, m.Endpoint, m.Compound | None, MeasureName | None, Collection[str]],
        tuple[str, Sequence[Contrast]],
    ]
    """A row's contrasts: (indication, endpoint, compound, measure, the row's findings) ->
    (measure, contrasts); the contrasts may be every one of the question or those of the
    row's findings (a row reads its own)."""

__all__ = [
    "PREFERENCE",
    "DomainRating",
    "SummaryEstimate",
    "SummaryEvidence",
    "SummaryFlag",
    "SummaryFlagKind",
    "SummaryLeftOut",
    "SummaryOfFindings",
    "SummaryRow",
    "SummaryRowKind",
    "summary",
]

VITAMIN_K_FAMILY: Final = "vitamin K"
"""The compound family whose members are the forms a summary is about."""
POOLED_FORMS: Final = "vitamin-k-pooled"
"""The compound of reviews that pool vitamin K1 and K2."""
_FORM_NOT_STATED: Final = frozenset({"menaquinone-unspecified", "vitamin-k2-form-not-stated"})
_NOT_EVIDENCE_KINDS: Final = frozenset(
    {
        m.OutcomeKind.RECOMMENDATION,
        m.OutcomeKind.INTEGRITY_METRIC,
        m.OutcomeKind.BASELINE,
        m.OutcomeKind.PROCESS,
    }
)
_SURROGATE_KINDS: Final = frozenset(
    {m.OutcomeKind.SURROGATE, m.OutcomeKind.BIOMARKER, m.OutcomeKind.MECHANISTIC}
)
_UNCONTROLLED: Final = frozenset(
    {m.Design.SINGLE_ARM_TRIAL, m.Design.CASE_SERIES, m.Design.CASE_REPORT}
)
_BACKGROUND_BASES: Final = frozenset(
    {m.Design.NARRATIVE_REVIEW, m.Design.IN_VITRO, m.Design.ANIMAL}
)
_CONCERNS: Final = frozenset(
    {
        m.IntegrityStatus.THIRD_PARTY_CONCERN,
        m.IntegrityStatus.CAUTION,
        m.IntegrityStatus.EXPRESSION_OF_CONCERN,
    }
)
_SERIOUS_NOTICES: Final = frozenset(
    {m.IntegrityStatus.CAUTION, m.IntegrityStatus.EXPRESSION_OF_CONCERN}
)
#: GRADE's rules of thumb for the optimal information size (Guyatt et al., J Clin Epidemiol
#: 2011;64:1283-93): about 300 events for a binary outcome, 400 participants for a continuous one.
OIS_EVENTS: Final = 300
OIS_PARTICIPANTS: Final = 400
#: GRADE's default thresholds of appreciable benefit and harm for ratios (25% either way).
APPRECIABLE_BENEFIT: Final = 0.75
APPRECIABLE_HARM: Final = 1.25
PREFERENCE: Final = (
    "not under an integrity notice or concern",
    "not superseded by a corrected value",
    "the whole population, not a subgroup or sensitivity analysis",
    "randomised over observational",
    "adjusted over unadjusted",
    "a number with its interval, over a number alone, over words",
    "more participants",
    "more studies",
    "the longest follow-up",
)
"""The order in which candidate estimates of a row are ranked; the first difference wins."""


class SummaryRowKind(enum.Enum):
    """What kind of evidence a row summarises.

    *Added in version 0.2.0*.
    """

    EFFECT = "effect"
    """Comparative evidence of a supplement or drug: an effect against a comparator."""
    ASSOCIATION = "association"
    """Dietary intake or circulating levels: an observational association."""
    UNCONTROLLED = "uncontrolled"
    """Single-arm trials, case series and case reports: responses without a comparator."""
    PRECLINICAL = "preclinical"
    """Cells or animals, not people."""

    def __str__(self) -> str:
        return self.value


class SummaryFlagKind(enum.Enum):
    """What a reader of a row must know before trusting it.

    *Added in version 0.2.0*.
    """

    SUPPLEMENT_MAKER = "supplement_maker"
    """A study behind the estimate was funded or supplied by a maker of the supplement."""
    POOLED_FORMS = "pooled_forms"
    """Vitamin K1 and K2 (or several K2 forms) pooled: not an estimate for one form."""
    SUBGROUP = "subgroup"
    """The estimate is of a subgroup or a sensitivity analysis only."""
    INTEGRITY = "integrity"
    """A source is under an integrity notice or a third-party concern."""
    CORRECTED = "corrected"
    """A source was corrected after publication."""
    UNVERIFIED = "unverified"
    """A value is marked unverified (kept on request)."""
    CO_TREATMENT = "co_treatment"
    """The vitamin K was given with another treatment the comparator did not get."""

    def __str__(self) -> str:
        return self.value.replace("_", " ")


@attrs.frozen
class SummaryFlag:
    """A flag and what it is about: ``SummaryFlag(SUPPLEMENT_MAKER, "knapen-2013: Nattopharma")``.

    *Added in version 0.2.0*.
    """

    kind: SummaryFlagKind
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"

    def __repr__(self) -> str:
        return f"<SummaryFlag {m._short(self, 120)}>"


@attrs.frozen(kw_only=True)
class SummaryEstimate:
    """A row's best estimate and where it comes from.

    Attributes:
        measure: ``"RR"``, ``"OR"``, ``"HR"``, ``"RD"``, ``"MD"``, ``"SMD"`` for a pooled or
            computed contrast, else the reported measure in words (``"percent change"``);
            None for a result in words.
        value: The point estimate; None for a result in words.
        low, high: Its interval, when there is one.
        level: The interval's confidence level.
        unit: The unit of a difference, when there is one.
        text: The estimate as a reader reads it (``"RR 0.87 (95% CI 0.64 to 1.2)"``).
        source: ``"pooled"`` (from the base's trials), ``"review"`` (a published pooled
            estimate), ``"study"`` (one study's result) or ``"uncontrolled"``.
        label: The source in words (``"Su 2019, systematic review"``).
        findings: The ids of the findings the estimate rests on.
        studies: The ids of their studies.
        lower_is_better: Whether values below no effect favour the vitamin K arm; None for
            an endpoint with no better side.
        i2: I² of a pooled estimate, in percent.
        prediction: The prediction interval of a pooled estimate.

    *Added in version 0.2.0*.
    """

    measure: str | None
    value: float | None
    low: float | None = None
    high: float | None = None
    level: float = 0.95
    unit: str | None = None
    text: str
    source: str
    label: str
    findings: tuple[str, ...]
    studies: tuple[str, ...]
    lower_is_better: bool | None = None
    i2: float | None = None
    prediction: tuple[float, float] | None = None

    @property
    def null(self) -> float:
        """The value of no effect: 1 for ratios, 0 otherwise."""
        return 1.0 if self.is_ratio else 0.0

    @property
    def is_ratio(self) -> bool:
        """Whether the measure is a ratio."""
        return self.measure in _RATIO_NAMES

    @property
    def crosses_null(self) -> bool | None:
        """Whether the interval includes no effect; None without an interval."""
        if self.low is None or self.high is None:
            return None
        return self.low <= self.null <= self.high

    def __repr__(self) -> str:
        label = m._short(self.label, 60)
        return f"<SummaryEstimate {m._short(self.text, 80)} ({self.source}: {label})>"


@attrs.frozen(kw_only=True)
class DomainRating:
    """One GRADE domain: how many levels it rates down and why.

    Attributes:
        domain: ``"risk of bias"``, ``"inconsistency"``, ``"indirectness"``,
            ``"imprecision"`` or ``"publication bias"``.
        steps: Levels rated down (0, 1 or 2).
        reasons: Why, in words; for a domain not rated down, what was checked.

    *Added in version 0.2.0*.
    """

    domain: str
    steps: int
    reasons: tuple[str, ...] = ()

    def __str__(self) -> str:
        head = f"{self.domain}: " + ("not serious" if not self.steps else f"-{self.steps}")
        return head + (f" ({'; '.join(self.reasons)})" if self.reasons else "")

    def __repr__(self) -> str:
        n = len(self.reasons)
        rated = "not serious" if not self.steps else f"-{self.steps}"
        return f"<DomainRating {self.domain}: {rated}, {n} reason{'' if n == 1 else 's'}>"


@attrs.frozen(kw_only=True)
class SummaryEvidence:
    """One finding of a row, with its place in it.

    Attributes:
        study: The study's id.
        finding: The finding's id.
        label: ``"Author year"``.
        design: The design the finding rests on.
        participants: The participants behind the finding, when known.
        result: Its result in words.
        direction: The direction as curated.
        used: Whether the row's estimate rests on it.

    *Added in version 0.2.0*.
    """

    study: str
    finding: str
    label: str
    design: m.Design
    participants: int | None
    result: str
    direction: m.Direction
    used: bool

    def __repr__(self) -> str:
        used = ", the estimate" if self.used else ""
        return (
            f"<SummaryEvidence {self.finding} ({m._short(self.label, 40)}{used}): "
            f"{m._short(self.result, 60)}>"
        )


@attrs.frozen(kw_only=True)
class SummaryLeftOut:
    """A finding a summary does not use, and why.

    *Added in version 0.2.0*.
    """

    study: str
    finding: str
    reason: str

    def __repr__(self) -> str:
        return f"<SummaryLeftOut {self.finding}: {m._short(self.reason, 80)}>"


@attrs.frozen(kw_only=True)
class SummaryRow:
    """One vitamin K form x indication x endpoint (x exposure): the best answer and its basis.

    Attributes:
        kind: Comparative effect, association, uncontrolled or preclinical.
        indication: The indication (its subtypes included).
        endpoint: The endpoint.
        compounds: The vitamin K forms (empty when a study of levels names none).
        exposure: Supplement or drug given, dietary intake or circulating level.
        estimate: The best estimate, or None.
        absolute: Per 1,000: (comparator risk, risk with vitamin K, difference, its low and
            high), when the estimate is a ratio or risk difference and comparator arms give a
            risk (GRADE's anticipated absolute effect).
        absolute_source: Where the comparator risk comes from.
        studies: The number of studies behind the estimate; None for a review that does
            not say how many it pooled.
        participants: The participants behind the estimate, each counted once.
        doses: The daily doses of the vitamin K form given, in words (``"45 mg/day"``).
        durations: How long it was given, in words.
        direction: Benefit, harm, no clear effect; ``not applicable`` for uncontrolled or
            preclinical evidence and for an endpoint with no better side; ``association``
            for an association whose interval excludes no effect.
        start: The certainty GRADE starts from, with the reason.
        domains: The five domains, each with its levels and reasons.
        computed: The certainty after the domains.
        curator: A curator's certainty recorded on the chosen finding, with its reasons: it
            overrides ``computed``.
        recorded: The certainty recorded for the source study's main question, with its
            rationale (for comparison; it does not override).
        flags: What a reader must know.
        statement: The plain-language statement.
        evidence: Every finding of the row, the estimate's first.
        co_treatments: Other treatments given with the vitamin K, in words.

    *Added in version 0.2.0*.
    """

    kind: SummaryRowKind
    indication: m.Indication
    endpoint: m.Endpoint
    compounds: tuple[m.Compound, ...]
    exposure: m.Exposure
    estimate: SummaryEstimate | None
    absolute: tuple[float, float, float, float, float] | None = None
    absolute_source: str | None = None
    studies: int | None
    participants: int | None
    doses: tuple[str, ...] = ()
    durations: tuple[str, ...] = ()
    direction: m.Direction
    start: tuple[m.Certainty, str]
    domains: tuple[DomainRating, ...] = ()
    computed: m.Certainty
    curator: tuple[m.Certainty, tuple[str, ...]] | None = None
    recorded: tuple[m.Certainty, str] | None = None
    flags: tuple[SummaryFlag, ...] = ()
    statement: str
    evidence: tuple[SummaryEvidence, ...]
    co_treatments: tuple[str, ...] = ()

    @property
    def certainty(self) -> m.Certainty:
        """The certainty the statement uses: the curator's when recorded, else the computed one."""
        return self.curator[0] if self.curator is not None else self.computed

    @property
    def form(self) -> str:
        """The vitamin K forms in words (``"menatetrenone"``)."""
        return _form_name(self.compounds)

    @property
    def findings(self) -> tuple[str, ...]:
        """The ids of every finding of the row."""
        return tuple(e.finding for e in self.evidence)

    @property
    def study_ids(self) -> tuple[str, ...]:
        """The ids of every study of the row, once each."""
        return tuple(dict.fromkeys(e.study for e in self.evidence))

    def __repr__(self) -> str:
        est = self.estimate.text if self.estimate is not None else "no estimate"
        return (
            f"<SummaryRow {m._short(self.form, 40)} x {self.indication.id} x {self.endpoint.id} "
            f"({self.exposure}): {m._short(est, 60)}, {self.certainty}>"
        )


class _Hash:
    """A base's content hash, read from the base when first asked for.

    A summary carries the hash of the base it was computed from; computing it costs about a
    fifth of a load, which a summary's first ask should not pay when nobody reads it. Equal
    (and hashed) by the hash itself, and pickled as it, so a summary compares, hashes and
    pickles as it did when the hash was stored.
    """

    __slots__ = ("_base", "_value")

    def __init__(self, value: str | None, base: EvidenceBase | None = None) -> None:
        self._value = value
        self._base = base

    @classmethod
    def of(cls, value: str | EvidenceBase | _Hash) -> _Hash:
        """``value`` as a hash: a text is the hash itself, a base gives its own when read."""
        if isinstance(value, _Hash):
            return value
        if isinstance(value, str):
            return cls(value)
        return cls(None, value)

    @property
    def value(self) -> str:
        found = self._value
        if found is None:
            assert self._base is not None
            found = self._value = self._base.content_hash  # the same text whoever asks first
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Hash):
            return NotImplemented
        return self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __reduce__(self) -> tuple[type[_Hash], tuple[str]]:
        return (_Hash, (self.value,))

    def __repr__(self) -> str:
        return repr(self.value) if self._value is not None else "<content hash, not read yet>"


def _to_hash(value: str | EvidenceBase | _Hash) -> _Hash:
    return _Hash.of(value)


@attrs.frozen(kw_only=True)
class SummaryOfFindings:
    """A summary of findings: one row per vitamin K form x indication x endpoint with evidence.

    Made by [`EvidenceBase.summary`][vitk2.EvidenceBase.summary]. It renders as text, Markdown, CSV, JSON and
    HTML; every row names the studies and findings it rests on.

    Attributes:
        indication: The indication asked for, or None for all.
        compound: The compound asked for, or None.
        endpoint: The endpoint asked for, or None.
        exposure: The exposure asked for, or None.
        rows: The rows of people (comparative, associations, uncontrolled), by indication,
            exposure, form and endpoint.
        preclinical: Rows of cell and animal studies, kept apart.
        left_out: Every finding in scope that no row uses, with the reason.
        dataset: The dataset's id and version, or None for user data.
        content_hash: SHA-256 of the base the summary was computed from.

    *Added in version 0.2.0*.
    """

    indication: m.Indication | None = None
    compound: m.Compound | None = None
    endpoint: m.Endpoint | None = None
    exposure: m.Exposure | None = None
    rows: tuple[SummaryRow, ...]
    preclinical: tuple[SummaryRow, ...] = ()
    left_out: tuple[SummaryLeftOut, ...] = attrs.field(default=(), repr=False)
    dataset: str | None = None
    _content_hash: _Hash = attrs.field(
        default=_Hash(""), converter=_to_hash, repr=False, alias="content_hash"
    )

    @property
    def content_hash(self) -> str:
        """SHA-256 of the base the summary was computed from (read from it when first asked)."""
        return self._content_hash.value

    def __len__(self) -> int:
        return len(self.rows)

    def title(self) -> str:
        """``"Summary of findings: osteoporosis"``."""
        parts = [self.indication.name if self.indication is not None else "all indications"]
        if self.compound is not None:
            parts.append(self.compound.name)
        if self.endpoint is not None:
            parts.append(self.endpoint.name)
        if self.exposure is not None:
            parts.append(str(self.exposure))
        return "Summary of findings: " + ", ".join(parts)

    def row(self, endpoint: str, compound: str | None = None) -> SummaryRow:
        """The first row of an endpoint (and compound), by id or name, in the rows' order.

        Raises:
            KeyError: If there is none.
        """
        for r in self.rows:
            if endpoint in (r.endpoint.id, r.endpoint.name) and (
                compound is None or compound in {x for c in r.compounds for x in (c.id, c.name)}
            ):
                return r
        raise KeyError(endpoint if compound is None else f"{compound} x {endpoint}")

    # -- cells ------------------------------------------------------------------------------

    COLUMNS: Final = (
        "indication",
        "form",
        "endpoint",
        "estimate",
        "per 1,000",
        "studies (participants)",
        "certainty",
        "statement",
    )

    def _cells(self, rows: Sequence[SummaryRow]) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        for i, r in enumerate(rows, 1):
            out.append(
                (
                    r.indication.name,
                    r.form + ("" if r.exposure is m.Exposure.SUPPLEMENT else f" ({r.exposure})"),
                    f"{r.endpoint.name} ({r.endpoint.kind})",
                    r.estimate.text if r.estimate is not None else "none",
                    _absolute_text(r) or "",
                    _count_text(r),
                    str(r.certainty),
                    f"{r.statement} [{i}]",
                )
            )
        return out

    def _details(self, r: SummaryRow) -> list[str]:
        lines = []
        if r.estimate is not None:
            lines.append(f"Source: {r.estimate.label}.")
        d = "; ".join(r.doses)
        t = "; ".join(r.durations)
        if d or t:
            lines.append(f"Dose {d or 'not reported'}; duration {t or 'not reported'}.")
        if r.co_treatments:
            lines.append(f"Given with: {', '.join(r.co_treatments)}.")
        lines.append(f"Direction: {r.direction}.")
        cert = f"Certainty: starts {r.start[0]} ({r.start[1]})"
        for dom in r.domains:
            cert += f"; {dom}"
        cert += f"; computed {r.computed}."
        lines.append(cert)
        if r.curator is not None:
            why = "; ".join(r.curator[1]) or "no reason recorded"
            lines.append(f"Curator's certainty (overrides): {r.curator[0]} ({why}).")
        if r.recorded is not None:
            lines.append(f"Study's recorded certainty: {r.recorded[0]} ({r.recorded[1]}).")
        if r.absolute_source:
            lines.append(f"Comparator risk: {r.absolute_source}.")
        for f in r.flags:
            lines.append(f"Flag: {f}.")
        n = len(r.evidence)
        lines.append(f"Evidence ({n} {'finding' if n == 1 else 'findings, the estimate first'}):")
        lines += [
            f"- {e.finding} ({e.label}, {e.design}"
            + (f", n {e.participants:,}" if e.participants is not None else "")
            + f"{', the estimate' if e.used else ''}): {e.result}"
            for e in r.evidence
        ]
        return lines

    # -- renderers --------------------------------------------------------------------------

    def to_text(
        self, *, width: int | None = None, layout: Layout = "auto", color: bool = False
    ) -> str:
        """Plain text: the table of rows, each row's details, the preclinical rows, left out.

        Args:
            width: Fit the table to this many columns, wrapping cells and never shortening
                one (see `_render.TextOptions`).
            layout: ``"table"``, ``"vertical"`` or ``"auto"``.
            color: Bold headers and certainty in colour, as ANSI escape sequences.

        Returns:
            The text; text from the evidence has its control characters shown as escapes.
        """
        t = TextOptions(width=width, layout=layout, color=color)
        out = [t.title(self.title())]
        if not self.rows:
            out.append("No evidence rows.")
        else:
            out.append(t.table(self.COLUMNS, self._cells(self.rows), 60))
            out.append("")
            for i, r in enumerate(self.rows, 1):
                out += t.lines(f"[{i}] {r.form}, {r.endpoint.name} in {r.indication.name}")
                for line in self._details(r):
                    indent = "      " if line.startswith("- ") else "    "
                    out += t.lines(line, indent, indent + "  ")
        if self.preclinical:
            out += ["", t.title("Preclinical (cells or animals, not people)")]
            for r in self.preclinical:
                out += t.lines(f"{r.form}, {r.endpoint.name}: {r.statement}", "  ", "    ")
        if self.left_out:
            out += ["", t.title(f"Left out ({len(self.left_out)})")]
            for e in self.left_out:
                out += t.lines(f"{e.finding}: {e.reason}", "  ", "    ")
        out += ["", *t.lines(self._lineage())]
        text = "\n".join(out)
        return text if color else terminal_text(text)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        what = self.indication.id if self.indication is not None else "all"
        return (
            f"<SummaryOfFindings {what}: {len(self.rows)} rows, {len(self.preclinical)} "
            f"preclinical, {len(self.left_out)} left out>"
        )

    def to_markdown(self) -> str:
        """Markdown: the table, each row's details as a numbered list, then what was left out."""
        parts = [f"### {markdown_text(self.title())}"]
        if self.rows:
            parts.append(table_markdown(self.COLUMNS, self._cells(self.rows)))
            items = []
            for i, r in enumerate(self.rows, 1):
                head = f"{i}. **{markdown_text(f'{r.form}, {r.endpoint.name}')}**"
                items.append(
                    head
                    + "".join(
                        f"\n        - {markdown_text(x[2:])}"
                        if x.startswith("- ")
                        else f"\n    - {markdown_text(x)}"
                        for x in self._details(r)
                    )
                )
            parts.append("\n".join(items))
        if self.preclinical:
            parts.append("**Preclinical (cells or animals, not people)**")
            parts.append(
                "\n".join(
                    f"- {markdown_text(f'{r.form}, {r.endpoint.name}: {r.statement}')}"
                    for r in self.preclinical
                )
            )
        if self.left_out:
            parts.append(f"**Left out ({len(self.left_out)})**")
            parts.append(
                "\n".join(f"- {markdown_text(f'{e.finding}: {e.reason}')}" for e in self.left_out)
            )
        parts.append(markdown_text(self._lineage()))
        return "\n\n".join(parts) + "\n"

    CSV_COLUMNS: Final = (
        "kind",
        "indication",
        "exposure",
        "compounds",
        "endpoint",
        "endpoint_kind",
        "measure",
        "estimate",
        "low",
        "high",
        "level",
        "source",
        "source_label",
        "per_1000_comparator",
        "per_1000_intervention",
        "per_1000_difference",
        "per_1000_low",
        "per_1000_high",
        "studies",
        "participants",
        "doses",
        "durations",
        "direction",
        "start",
        "risk_of_bias",
        "inconsistency",
        "indirectness",
        "imprecision",
        "publication_bias",
        "computed_certainty",
        "curator_certainty",
        "certainty",
        "flags",
        "statement",
        "estimate_findings",
        "findings",
        "study_ids",
    )

    def to_rows(self) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """Headers and one row per summary row (preclinical rows last); numbers are numbers."""
        out: list[tuple[Any, ...]] = []
        for r in (*self.rows, *self.preclinical):
            e = r.estimate
            a = r.absolute or (None, None, None, None, None)
            steps = {d.domain: d.steps for d in r.domains}
            out.append(
                (
                    r.kind.value,
                    r.indication.id,
                    r.exposure.value,
                    "; ".join(c.id for c in r.compounds),
                    r.endpoint.id,
                    r.endpoint.kind.value,
                    e.measure if e else None,
                    e.value if e else None,
                    e.low if e else None,
                    e.high if e else None,
                    e.level if e and e.low is not None else None,
                    e.source if e else None,
                    e.label if e else None,
                    *a,
                    r.studies,
                    r.participants,
                    "; ".join(r.doses) or None,
                    "; ".join(r.durations) or None,
                    r.direction.value,
                    r.start[0].value,
                    *(steps.get(name) for name in _DOMAINS),
                    r.computed.value,
                    r.curator[0].value if r.curator else None,
                    r.certainty.value,
                    "; ".join(str(f) for f in r.flags) or None,
                    r.statement,
                    "; ".join(e.findings) if e else None,
                    "; ".join(r.findings),
                    "; ".join(r.study_ids),
                )
            )
        return self.CSV_COLUMNS, out

    def to_csv(self) -> str:
        """CSV of [`to_rows`][vitk2.to_rows]; no cell starts a spreadsheet formula."""
        headers, rows = self.to_rows()
        return table_csv(headers, rows)

    def to_data(self) -> dict[str, Any]:
        """The summary as plain data (what `to_json` writes)."""
        return {
            "indication": self.indication.id if self.indication is not None else None,
            "compound": self.compound.id if self.compound is not None else None,
            "endpoint": self.endpoint.id if self.endpoint is not None else None,
            "exposure": self.exposure.value if self.exposure is not None else None,
            "rows": [_row_data(r) for r in self.rows],
            "preclinical": [_row_data(r) for r in self.preclinical],
            "left_out": [
                {"study": e.study, "finding": e.finding, "reason": e.reason} for e in self.left_out
            ],
            "dataset": self.dataset,
            "content_hash": self.content_hash,
            "preference": list(PREFERENCE),
        }

    def to_json(self) -> str:
        """JSON text of `to_data`, without control characters."""
        return inert_json(json.dumps(self.to_data(), ensure_ascii=False, indent=2))

    def _repr_html_(self) -> str:
        """HTML for a notebook: the table with certainty badges, and each row's details."""
        from ._views import tabular_view

        parts = [tabular_view(self.COLUMNS, self._cells(self.rows), self.title())]
        if self.rows:
            parts.append("<ol>")
            for r in self.rows:
                items = "".join(
                    f'<li style="margin-left:1.5em">{html_text(x[2:])}</li>'
                    if x.startswith("- ")
                    else f"<li>{html_text(x)}</li>"
                    for x in self._details(r)
                )
                parts.append(
                    f"<li><b>{html_text(f'{r.form}, {r.endpoint.name}')}</b><ul>{items}</ul></li>"
                )
            parts.append("</ol>")
        if self.preclinical:
            parts.append("<p><b>Preclinical (cells or animals, not people)</b></p><ul>")
            parts += [
                f"<li>{html_text(f'{r.form}, {r.endpoint.name}: {r.statement}')}</li>"
                for r in self.preclinical
            ]
            parts.append("</ul>")
        if self.left_out:
            parts.append(f"<details><summary>Left out ({len(self.left_out)})</summary><ul>")
            parts += [f"<li>{html_text(f'{e.finding}: {e.reason}')}</li>" for e in self.left_out]
            parts.append("</ul></details>")
        parts.append(f"<p><small>{html_text(self._lineage())}</small></p>")
        return '<div class="vitk2-summary">' + "".join(parts) + "</div>"

    def to_html(self) -> str:
        """The same HTML a notebook shows."""
        return self._repr_html_()

    def _lineage(self) -> str:
        data = self.dataset or "user data"
        return (
            f"Data: {data} (sha256 {self.content_hash[:16]}…). Certainty by GRADE's five "
            "domains as computed by vitk2 (see the how-to 'Summary of findings'); pooled "
            "estimates REML with Hartung-Knapp 95% intervals (Wald z for two studies)."
        )


_DOMAINS: Final = (
    "risk of bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication bias",
)
_RATIO_NAMES: Final = frozenset(
    {
        "RR",
        "OR",
        "HR",
        "risk ratio",
        "odds ratio",
        "hazard ratio",
        "ratio of medians",
        "ratio of means",
    }
)
_SHORT: Final = {
    m.EffectMeasure.RISK_RATIO: "RR",
    m.EffectMeasure.ODDS_RATIO: "OR",
    m.EffectMeasure.HAZARD_RATIO: "HR",
    m.EffectMeasure.RISK_DIFFERENCE: "RD",
    m.EffectMeasure.MEAN_DIFFERENCE: "MD",
}


def _row_data(r: SummaryRow) -> dict[str, Any]:
    e = r.estimate
    return {
        "kind": r.kind.value,
        "indication": r.indication.id,
        "endpoint": r.endpoint.id,
        "endpoint_kind": r.endpoint.kind.value,
        "compounds": [c.id for c in r.compounds],
        "exposure": r.exposure.value,
        "estimate": None
        if e is None
        else {
            "measure": e.measure,
            "value": e.value,
            "low": e.low,
            "high": e.high,
            "level": e.level,
            "unit": e.unit,
            "text": e.text,
            "source": e.source,
            "label": e.label,
            "findings": list(e.findings),
            "studies": list(e.studies),
            "i2": e.i2,
            "prediction": list(e.prediction) if e.prediction is not None else None,
        },
        "absolute_per_1000": None
        if r.absolute is None
        else dict(
            zip(
                ("comparator", "intervention", "difference", "low", "high"), r.absolute, strict=True
            )
        ),
        "absolute_source": r.absolute_source,
        "studies": r.studies,
        "participants": r.participants,
        "doses": list(r.doses),
        "durations": list(r.durations),
        "co_treatments": list(r.co_treatments),
        "direction": r.direction.value,
        "start": {"certainty": r.start[0].value, "reason": r.start[1]},
        "domains": [
            {"domain": d.domain, "steps": d.steps, "reasons": list(d.reasons)} for d in r.domains
        ],
        "computed_certainty": r.computed.value,
        "curator": None
        if r.curator is None
        else {"certainty": r.curator[0].value, "reasons": list(r.curator[1])},
        "recorded": None
        if r.recorded is None
        else {"certainty": r.recorded[0].value, "rationale": r.recorded[1]},
        "certainty": r.certainty.value,
        "flags": [{"kind": f.kind.value, "detail": f.detail} for f in r.flags],
        "statement": r.statement,
        "evidence": [
            {
                "study": x.study,
                "finding": x.finding,
                "label": x.label,
                "design": x.design.value,
                "participants": x.participants,
                "result": x.result,
                "direction": x.direction.value,
                "used": x.used,
            }
            for x in r.evidence
        ],
    }


def _absolute_text(r: SummaryRow) -> str | None:
    if r.absolute is None:
        return None
    cr, risk, diff, low, high = r.absolute
    sign = "fewer" if diff < 0 else "more"
    return f"{cr:.0f} vs {risk:.0f}: {abs(diff):.0f} {sign} ({_signed(low)} to {_signed(high)})"


def _signed(x: float) -> str:
    return f"{x:+.0f}"


def _count_text(r: SummaryRow) -> str:
    if r.studies is None:
        k = "1 review, studies not stated"
        return f"{k} ({r.participants:,})" if r.participants is not None else f"{k}, n not stated"
    k = f"{r.studies} {'study' if r.studies == 1 else 'studies'}"
    return f"{k} ({r.participants:,})" if r.participants is not None else f"{k} (n not reported)"


def _form_name(compounds: Sequence[m.Compound]) -> str:
    if not compounds:
        return "vitamin K (form not named)"
    if len(compounds) == 1 and compounds[0].id == POOLED_FORMS:
        return "vitamin K (forms pooled)"
    return " + ".join(c.name for c in compounds)


# --------------------------------------------------------------------------------------------
# Candidates


@attrs.frozen
class _Item:
    """A finding in scope, with what the summary needs to know about it.

    ``label`` is the study's (``"Author year"``), ``words`` the finding's statistic in words
    with its white space made single: each is read several times for a row, and worked out
    once.
    """

    study: m.Study
    finding: m.Finding
    design: m.Design
    forms: tuple[m.Compound, ...]
    exposure: m.Exposure
    concerns: tuple[m.Citation, ...]
    superseded: bool
    order: int
    label: str
    words: str
    timepoint: float  # the outcome's, in the base unit of time; 0 when not stated


@attrs.frozen
class _Candidate:
    items: tuple[_Item, ...]
    estimate: SummaryEstimate | None
    participants: int | None
    k: int | None
    randomised: bool
    adjusted: bool
    numeric: int  # 2: with an interval; 1: a number alone; 0: words
    subgroup: bool
    events: int | None
    contrasts: tuple[Contrast, ...] = ()
    weights: tuple[float, ...] = ()
    p: float | None = None
    direction: m.Direction | None = None  # as curated, for words

    @property
    def concerns(self) -> bool:
        return any(c.integrity.status in _CONCERNS for i in self.items for c in i.concerns)

    @property
    def superseded(self) -> bool:
        return any(i.superseded for i in self.items)

    def key(self) -> tuple[Any, ...]:
        t = max((i.timepoint for i in self.items), default=0.0)
        return (
            not self.concerns,
            not self.superseded,
            not self.subgroup,
            self.randomised,
            self.adjusted,
            self.numeric,
            self.participants or 0,
            self.k or 1,
            t,
            -min(i.order for i in self.items),
        )


def _superseded(study: m.Study) -> frozenset[str]:
    """Ids of the study's findings that a corrected value of the same study replaces.

    The data say so in the curator's words until a typed field exists: a finding whose
    notes say it "Replaces <id>", or a finding whose caveats say it is "Superseded by <id>".
    """
    ids = {f.id for f in study.findings}
    out: set[str] = set()
    for f in study.findings:
        for text in (*f.notes, *f.caveats):
            low = text.lower()
            if "replaces" in low:
                out.update(i for i in ids if i != f.id and i in text)
            if low.startswith("superseded") and any(i != f.id and i in text for i in ids):
                out.add(f.id)
    return frozenset(out)


def _reference_compounds(
    study: m.Study, f: m.Finding, received: _Groups | None = None
) -> frozenset[str] | None:
    """The compounds of the arm the finding is compared with, or None when no arm is named.

    ``received``, when given, is what the study's groups received, each worked out once.
    """
    ref = f.comparator.group if f.comparator is not None else None
    if ref is None and isinstance(f.statistic, m.Effect):
        ref = f.statistic.reference
    if ref is None:
        groups = [g for g in f.statistic_groups if g != f.group]
        ref = groups[0] if len(groups) == 1 and f.group is not None else None
    if ref is None:
        return None
    try:
        given = study.group_compounds(ref) if received is None else received.compounds(ref)
    except KeyError:
        return None
    return frozenset(c.id for c in given)


def _co_treatments(base: EvidenceBase, item: _Item) -> tuple[str, ...]:
    comps = [c for c in item.study.compounds_of(item.finding) if c.family != VITAMIN_K_FAMILY]
    ref = _reference_compounds(item.study, item.finding) or frozenset()
    return tuple(c.name for c in comps if c.id not in ref)


def _participants(item: _Item) -> int | None:
    st, f = item.finding.statistic, item.finding
    if isinstance(st, m.Effect) and st.participants is not None:
        return st.participants
    if f.comparator is not None and f.comparator.participants is not None:
        return f.comparator.participants
    if isinstance(st, m.ArmCounts):
        return sum(a.total for a in st.arms)
    if isinstance(st, m.GroupSummaries) and all(s.n is not None for s in st.summaries):
        return sum(s.n for s in st.summaries if s.n is not None)
    if isinstance(st, m.Proportion):
        return st.total
    if item.design is m.Design.SYSTEMATIC_REVIEW or item.study.design is m.Design.SYSTEMATIC_REVIEW:
        return None  # a review's whole enrolment is not the number behind one estimate
    return item.study.size


def _k(item: _Item) -> int | None:
    """The studies behind a finding: a review's count when it gives one (else None), or 1."""
    st, f = item.finding.statistic, item.finding
    if isinstance(st, m.Effect) and st.studies is not None:
        return st.studies
    if f.comparator is not None and f.comparator.studies is not None:
        return f.comparator.studies
    return None if item.design is m.Design.SYSTEMATIC_REVIEW else 1


def _lower_is_better(endpoint: m.Endpoint, measure: str | None) -> bool | None:
    if measure in ("HR", "hazard ratio"):
        return True  # the hazard of the endpoint's adverse event (death, for survival)
    if endpoint.better is m.Better.NEITHER:
        return None
    return endpoint.better is m.Better.LOWER


def _estimate_from_effect(item: _Item, endpoint: m.Endpoint, source: str) -> SummaryEstimate:
    st = item.finding.statistic
    assert isinstance(st, m.Effect)
    name = _SHORT.get(st.measure, str(st.measure))
    return SummaryEstimate(
        measure=name,
        value=st.value,
        low=st.low,
        high=st.high,
        level=st.level,
        unit=st.unit.value if st.unit is not None else None,
        text=_effect_words(st),
        source=source,
        label=_source_label(item),
        findings=(item.finding.id,),
        studies=(item.study.id,),
        lower_is_better=_lower_is_better(endpoint, name),
    )


def _effect_words(st: m.Effect) -> str:
    name = _SHORT.get(st.measure, str(st.measure))
    d = st.decimals
    value = f"{st.value:.{d}f}" if d is not None else f"{st.value:g}"
    unit = f" {st.unit.value}" if st.unit is not None else ""
    per = f" per {st.per}" if st.per is not None else ""
    approx = "≈" if st.approximate else ""
    if st.low is not None and st.high is not None:
        lo = f"{st.low:.{d}f}" if d is not None else f"{st.low:g}"
        hi = f"{st.high:.{d}f}" if d is not None else f"{st.high:g}"
        return f"{name} {approx}{value}{unit}{per} ({level_text(st.level)} CI {lo} to {hi})"
    p = f", p {st.p_value}" if st.p_value is not None else ""
    return f"{name} {approx}{value}{unit}{per}{p} (no interval reported)"


def _source_label(item: _Item) -> str:
    sub = f", subgroup: {item.finding.subgroup}" if item.finding.subgroup else ""
    return f"{item.label}, {item.design}{sub} ({item.finding.id})"


def _single(item: _Item, endpoint: m.Endpoint, contrast: Contrast | None) -> _Candidate:
    f, st = item.finding, item.finding.statistic
    randomised = item.design.is_randomised and item.exposure is m.Exposure.SUPPLEMENT
    review = item.design is m.Design.SYSTEMATIC_REVIEW
    source = "review" if review else "study"
    estimate: SummaryEstimate | None
    numeric = 0
    p: float | None = None
    events: int | None = None
    if contrast is not None:
        estimate = SummaryEstimate(
            measure=contrast.measure,
            value=contrast.estimate,
            low=contrast.low,
            high=contrast.high,
            unit=contrast.unit,
            text=f"{contrast.measure} {contrast.effect_text}"
            + (f" {contrast.unit}" if contrast.unit else "")
            + f" ({contrast.data})",
            source=source,
            label=_source_label(item),
            findings=(f.id,),
            studies=(item.study.id,),
            lower_is_better=_lower_is_better(endpoint, contrast.measure),
        )
        numeric = 2
        if contrast.events is not None:
            events = sum(contrast.events)
    elif isinstance(st, m.Effect):
        estimate = _estimate_from_effect(item, endpoint, source)
        numeric = 2 if st.low is not None else 1
        if st.p_value is not None:
            p = st.p_value.value
    else:
        estimate = SummaryEstimate(
            measure=None,
            value=None,
            text=f"as reported: {_cut(item.words, 160)}",
            source=source,
            label=_source_label(item),
            findings=(f.id,),
            studies=(item.study.id,),
            lower_is_better=_lower_is_better(endpoint, None),
        )
        if isinstance(st, m.GroupSummaries) and st.p_value is not None:
            p = st.p_value.value
            numeric = 1  # group values with a test between them
        if isinstance(st, m.ArmCounts):
            events = sum(a.events for a in st.arms)
    adjusted = isinstance(st, m.Effect) and st.adjusted is True
    return _Candidate(
        items=(item,),
        estimate=estimate,
        participants=contrast.participants
        if contrast is not None and contrast.participants is not None
        else _participants(item),
        k=_k(item),
        randomised=randomised,
        adjusted=adjusted,
        numeric=numeric,
        subgroup=f.subgroup is not None,
        events=events,
        contrasts=(contrast,) if contrast is not None else (),
        p=p,
        direction=f.direction,
    )


def _cut(words: str, limit: int) -> str:
    """``words`` (white space already single) cut to ``limit`` characters, an ellipsis last."""
    return words if len(words) <= limit else words[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Pooling the base's trials


def _pooled(
    analyses: _Analyses,
    indication: m.Indication,
    endpoint: m.Endpoint,
    forms: tuple[m.Compound, ...],
    items: Sequence[_Item],
) -> tuple[_Candidate | None, dict[str, Contrast]]:
    """The pooled candidate (two or more studies) and each finding's contrast by its id."""
    from ._evidence_meta import MetaAnalysisError

    if not any(_may_be_pooled(i) for i in items):
        return None, {}  # a meta-analysis of randomised trials has no contrast of them
    wanted = {i.finding.id for i in items}
    compound = forms[0] if len(forms) == 1 else None
    found: list[tuple[str, Sequence[Contrast]]] = []
    try:
        found.append(analyses(indication, endpoint, compound, None, wanted))
    except MetaAnalysisError as err:
        for name, _ids in err.measures:
            if name in ("RR", "OR", "RD", "HR", "MD", "SMD"):
                found.append(analyses(indication, endpoint, compound, name, wanted))  # type: ignore[arg-type]
    by_finding: dict[str, Contrast] = {}
    best: tuple[str, list[Contrast]] | None = None
    for measure, contrasts in found:
        kept = [c for c in contrasts if c.finding in wanted]
        for c in kept:
            by_finding.setdefault(c.finding, c)
        if len(kept) >= 2 and (best is None or len(kept) > len(best[1])):
            best = (measure, kept)
    if best is None:
        return None, by_finding
    measure, kept = best
    sizes = _meta.EffectSizes(
        rows=[
            _meta.EffectSize(label=c.label, yi=c.yi, vi=c.vi, index=i, corrected=c.corrected)
            for i, c in enumerate(kept)
        ],
        measure=measure,  # type: ignore[arg-type]
    )
    # Hartung-Knapp intervals use t with k - 1 degrees of freedom: with two studies (one
    # degree of freedom) they are wide beyond use, so two studies get Wald z intervals.
    test: _meta.Test = "knha" if len(kept) >= 3 else "z"
    result = _meta.pool(sizes, method="REML", test=test)
    index = {i.finding.id: i for i in items}
    used = tuple(index[c.finding] for c in kept)
    unit = kept[0].unit
    ratio = measure in ("RR", "OR", "HR")
    text = (
        f"{measure} {_fmt(result.estimate)}{' ' + unit if unit else ''} "
        f"({level_text(result.level)} CI {_fmt(result.low)} to {_fmt(result.high)}), "
        f"I² {result.i2:.0f}%"
    )
    estimate = SummaryEstimate(
        measure=measure,
        value=result.estimate,
        low=result.low,
        high=result.high,
        level=result.level,
        unit=unit,
        text=text,
        source="pooled",
        label=(
            f"pooled from {len(kept)} trials of the base (REML, "
            f"{'Hartung-Knapp' if test == 'knha' else 'Wald z: Hartung-Knapp needs 3 studies'}): "
            + ", ".join(c.label for c in kept)
        ),
        findings=tuple(c.finding for c in kept),
        studies=tuple(c.study for c in kept),
        lower_is_better=_lower_is_better(endpoint, measure),
        i2=result.i2,
        prediction=(result.prediction.low, result.prediction.high)
        if result.prediction is not None
        else None,
    )
    ns = [c.participants for c in kept]
    events = [sum(c.events) for c in kept if c.events is not None]
    del ratio
    cand = _Candidate(
        items=used,
        estimate=estimate,
        participants=sum(n for n in ns if n is not None) if None not in ns else None,
        k=len(kept),
        randomised=True,
        adjusted=False,
        numeric=2,
        subgroup=any(i.finding.subgroup is not None for i in used),
        events=sum(events) if len(events) == len(kept) else None,
        contrasts=tuple(kept),
        weights=tuple(result.weights),
        p=result.p,
    )
    return cand, by_finding


def _may_be_pooled(item: _Item) -> bool:
    """Whether the meta-analysis a row asks for (of randomised trials) could take it in.

    Only a contrast (counts, an effect or group summaries) of a randomised trial that is not
    a review's can be pooled: a row none of whose findings is one has nothing to pool.
    """
    return (
        item.design is m.Design.RANDOMISED_CONTROLLED_TRIAL
        and item.study.design is not m.Design.SYSTEMATIC_REVIEW
        and isinstance(item.finding.statistic, _POOLABLE)
    )


_POOLABLE: Final = (m.ArmCounts, m.Effect, m.GroupSummaries)


def _egger_p(contrasts: Sequence[Contrast]) -> float | None:
    """Egger's regression test for small-study effects: the p-value of the intercept."""
    xs, ys = [], []
    for c in contrasts:
        se = math.sqrt(c.vi)
        if se <= 0:
            return None
        xs.append(1 / se)
        ys.append(c.yi / se)
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = my - slope * mx
    resid = [y - intercept - slope * x for x, y in zip(xs, ys, strict=True)]
    s2 = sum(r * r for r in resid) / (n - 2)
    se_b0 = math.sqrt(s2 * (1 / n + mx * mx / sxx))
    if se_b0 == 0:
        return None
    from ._stats import _betainc

    t, df = intercept / se_b0, n - 2
    return _betainc(df / 2, 0.5, df / (df + t * t))  # two-sided p of Student's t


# --------------------------------------------------------------------------------------------
# GRADE


def _recorded(study: m.Study, domain: str) -> list[str]:
    head = domain + ":"
    return [d[len(head) :].strip() for d in study.level.downgrades if d.startswith(head)]


def _indirect_clauses(study: m.Study) -> list[str]:
    """The curator's indirectness clauses that are not about surrogate endpoints."""
    out = []
    for text in _recorded(study, "indirectness"):
        for clause in text.split(";"):
            c = clause.strip()
            low = c.lower()
            if c and not any(w in low for w in ("surrogate", "stand in", "stands in")):
                out.append(c)
    return out


def _weighted(cand: _Candidate) -> list[tuple[_Item, float]]:
    if cand.weights and len(cand.weights) == len(cand.items):
        return list(zip(cand.items, cand.weights, strict=True))
    share = 100.0 / len(cand.items)
    return [(i, share) for i in cand.items]


def _risk_of_bias(cand: _Candidate) -> DomainRating:
    severity: list[tuple[int, float]] = []
    reasons: list[str] = []
    for item, w in _weighted(cand):
        s = item.study
        mine: list[str] = []
        serious_notice = False
        if s.blinding is m.Blinding.OPEN_LABEL:
            mine.append(f"{item.label}: open label")
        for c in item.concerns:
            if c.integrity.status in _CONCERNS:
                mine.append(f"{item.label}: {c.id} {c.integrity.status}")
                serious_notice = serious_notice or c.integrity.status in _SERIOUS_NOTICES
        mine += [f"{item.label}: {r} (curator)" for r in _recorded(s, "risk of bias")]
        level = 0 if not mine else 2 if serious_notice and len(mine) > 1 else 1
        severity.append((level, w))
        reasons += mine
    steps = _majority(severity)
    if not steps:
        return DomainRating(
            domain="risk of bias", steps=0, reasons=tuple(reasons) or ("none found",)
        )
    return DomainRating(domain="risk of bias", steps=steps, reasons=tuple(dict.fromkeys(reasons)))


def _majority(severity: Sequence[tuple[int, float]]) -> int:
    """The highest level that studies holding at least half the weight reach."""
    total = sum(w for _, w in severity) or 1.0
    for level in (2, 1):
        if sum(w for s, w in severity if s >= level) / total >= 0.5:
            return level
    return 0


def _inconsistency(cand: _Candidate) -> DomainRating:
    e = cand.estimate
    if cand.contrasts and len(cand.contrasts) >= 2 and e is not None and e.i2 is not None:
        reasons = [f"I² {e.i2:.0f}%"]
        steps = 0
        if e.i2 >= 50:
            steps = 1
        if e.prediction is not None:
            lo, hi = e.prediction
            reasons.append(f"prediction interval {_fmt(lo)} to {_fmt(hi)}")
            if lo <= e.null <= hi and e.crosses_null is False:
                steps = 1
                reasons.append("the prediction interval includes no effect")
        return DomainRating(domain="inconsistency", steps=steps, reasons=tuple(reasons))
    recorded = [
        f"{i.label}: {r} (curator)" for i in cand.items for r in _recorded(i.study, "inconsistency")
    ]
    if recorded:
        return DomainRating(domain="inconsistency", steps=1, reasons=tuple(recorded))
    why = "one study" if cand.k == 1 else "not assessable from the stored review"
    return DomainRating(domain="inconsistency", steps=0, reasons=(why,))


def _indirectness(
    cand: _Candidate, endpoint: m.Endpoint, forms: Sequence[m.Compound], co: Sequence[str]
) -> DomainRating:
    reasons = []
    if endpoint.kind in _SURROGATE_KINDS:
        reasons.append(
            f"{endpoint.name} is a {endpoint.kind} endpoint, not an outcome patients feel"
        )
    if len(forms) > 1 or any(c.id == POOLED_FORMS for c in forms):
        reasons.append("vitamin K forms pooled: not an estimate for one form")
    if any(c.id in _FORM_NOT_STATED for c in forms):
        reasons.append("the vitamin K2 form is not stated")
    if co:
        reasons.append(f"given with {', '.join(co)}, which the comparator did not get")
    severity = []
    recorded: list[str] = []
    for item, w in _weighted(cand):
        mine = _indirect_clauses(item.study)
        recorded += [f"{item.label}: {c} (curator)" for c in mine]
        severity.append((1 if mine else 0, w))
    if _majority(severity):
        reasons += recorded
    steps = 1 if reasons else 0
    return DomainRating(
        domain="indirectness", steps=steps, reasons=tuple(dict.fromkeys(reasons)) or ("direct",)
    )


def _names(base: EvidenceBase, endpoint: m.Endpoint) -> tuple[str, ...]:
    """The endpoint's and its broader endpoints' names and synonyms, lower case."""
    out: list[str] = []
    seen: set[str] = set()
    e: m.Endpoint | None = endpoint
    while e is not None and e.id not in seen:
        seen.add(e.id)
        out += [x.lower().replace("-", " ") for x in (e.name, *e.synonyms)]
        e = base._index.endpoints.get(e.parent) if e.parent is not None else None
    return tuple(out)


def _names_endpoint(text: str, names: Sequence[str]) -> bool:
    words = f" {' '.join(re.split(r'[^0-9a-zé²]+', text.lower().replace('-', ' ')))} "
    return any(f" {' '.join(re.split(r'[^0-9a-zé²]+', n))} " in words for n in names if n)


def _imprecision(cand: _Candidate, names: Sequence[str] = ()) -> DomainRating:
    """Computed from the interval and the information size.

    A review's estimate often comes without the participants behind it, so its information
    size cannot be judged: the curator's ``"imprecision: ..."`` downgrade of the review
    stands in when the computed rating finds nothing and the downgrade names the row's
    endpoint (or a broader one) by its name or a synonym.
    """
    rating = _computed_imprecision(cand)
    if rating.steps or not names:
        return rating
    recorded = [
        f"{i.label}: {r} (curator)"
        for i in cand.items
        if i.design is m.Design.SYSTEMATIC_REVIEW
        for r in _recorded(i.study, "imprecision")
        if _names_endpoint(r, names)
    ]
    if not recorded:
        return rating
    return DomainRating(domain="imprecision", steps=1, reasons=(*rating.reasons, *recorded))


def _computed_imprecision(cand: _Candidate) -> DomainRating:
    e = cand.estimate
    reasons = []
    steps = 0
    if e is None or e.value is None:
        steps = 1
        reasons.append("no effect estimate: the result is given in words or as group values")
    elif e.low is None or e.high is None:
        steps = 1
        reasons.append("no interval reported")
    elif e.crosses_null:
        if e.is_ratio:
            below, above = e.low < APPRECIABLE_BENEFIT, e.high > APPRECIABLE_HARM
            steps = int(below) + int(above)
            if not steps:
                reasons.append(
                    f"the interval includes no effect but lies within {APPRECIABLE_BENEFIT} to "
                    f"{APPRECIABLE_HARM}: it excludes appreciable benefit and harm"
                )
            else:
                reasons.append(
                    "the interval includes no effect and reaches "
                    + " and ".join(
                        x
                        for x, on in (
                            (f"below {APPRECIABLE_BENEFIT} (appreciable benefit)", below),
                            (f"above {APPRECIABLE_HARM} (appreciable harm)", above),
                        )
                        if on
                    )
                )
        else:
            steps = 1
            reasons.append("the interval includes no effect")
    n = cand.participants
    ois: str | None = None
    if cand.events is not None and e is not None and e.is_ratio:
        if cand.events < OIS_EVENTS:
            ois = f"{cand.events} events, fewer than the optimal information size ({OIS_EVENTS})"
    elif n is None:
        reasons.append("participants not reported (the information size cannot be judged)")
    elif n < OIS_PARTICIPANTS:
        ois = f"{n} participants, fewer than the optimal information size ({OIS_PARTICIPANTS})"
    if ois is not None:
        if e is None or e.low is None:
            reasons.append(ois + " (not rated down again: there is no interval to judge)")
        else:
            reasons.append(ois)
            steps += 1
    steps = min(steps, 2)
    return DomainRating(domain="imprecision", steps=steps, reasons=tuple(reasons) or ("precise",))


def _publication_bias(cand: _Candidate) -> DomainRating:
    k = len(cand.contrasts)
    if k < 10:
        return DomainRating(
            domain="publication bias",
            steps=0,
            reasons=(f"not assessed: {k if k else 'fewer than 10'} pooled studies (needs 10)",),
        )
    p = _egger_p(cand.contrasts)
    if p is None:
        return DomainRating(
            domain="publication bias", steps=0, reasons=("Egger's test not estimable",)
        )
    steps = 1 if p < 0.10 else 0
    return DomainRating(
        domain="publication bias", steps=steps, reasons=(f"Egger's test p {p:.2g}",)
    )


# --------------------------------------------------------------------------------------------
# Direction and statements


def _direction(cand: _Candidate, kind: SummaryRowKind) -> m.Direction:
    e = cand.estimate
    if e is None:
        return m.Direction.NOT_APPLICABLE
    if e.value is None or e.low is None or e.high is None:
        if e.value is not None and cand.p is not None:
            if cand.p >= 0.05:
                return m.Direction.NO_CLEAR_EFFECT
            return _side(e, e.value, kind)
        d = cand.direction or m.Direction.NOT_APPLICABLE
        if kind is SummaryRowKind.ASSOCIATION and d in (m.Direction.BENEFIT, m.Direction.HARM):
            return m.Direction.ASSOCIATION
        return d
    if e.crosses_null:
        return m.Direction.NO_CLEAR_EFFECT
    return _side(e, e.value, kind)


def _side(e: SummaryEstimate, value: float, kind: SummaryRowKind) -> m.Direction:
    if kind is SummaryRowKind.ASSOCIATION:
        return m.Direction.ASSOCIATION
    if e.lower_is_better is None:
        return m.Direction.NOT_APPLICABLE
    below = value < e.null
    return m.Direction.BENEFIT if below == e.lower_is_better else m.Direction.HARM


_VERBS: Final = {
    # (third person, after a modal)
    "reduce": ("reduces", "reduce"),
    "increase": ("increases", "increase"),
    "none": ("makes little or no difference to", "make little or no difference to"),
}
_ASSOCIATED: Final = {
    m.Certainty.HIGH: "is associated",
    m.Certainty.MODERATE: "is probably associated",
    m.Certainty.LOW: "may be associated",
}


def _verb(e: SummaryEstimate | None, endpoint: m.Endpoint, direction: m.Direction) -> str:
    """``"reduce"``, ``"increase"`` or ``"none"`` (little or no difference)."""
    if direction in (m.Direction.BENEFIT, m.Direction.HARM):
        if endpoint.better is not m.Better.NEITHER:
            good = direction is m.Direction.BENEFIT
            return "reduce" if good == (endpoint.better is m.Better.LOWER) else "increase"
    elif direction is not m.Direction.NOT_APPLICABLE:
        return "none"
    if e is None or e.value is None or e.crosses_null is not False:
        return "none"
    return "reduce" if e.value < e.null else "increase"


def _statement(
    row_kind: SummaryRowKind,
    subject: str,
    cand: _Candidate,
    endpoint: m.Endpoint,
    direction: m.Direction,
    certainty: m.Certainty,
    exposure: m.Exposure,
    indication: str,
) -> str:
    """GRADE's informative statement for the row (see the module's docstring)."""
    outcome = endpoint.name
    if row_kind is SummaryRowKind.PRECLINICAL:
        return (
            f"Preclinical only: {subject} in cells or animals ({outcome}); "
            "not evidence of an effect in people."
        )
    if row_kind is SummaryRowKind.UNCONTROLLED:
        return _uncontrolled_statement(subject, cand, outcome)
    e = cand.estimate
    if row_kind is SummaryRowKind.ASSOCIATION:
        if exposure is m.Exposure.DIETARY_INTAKE:
            what = f"intake of {subject}"
        elif subject.startswith("vitamin K ("):  # a marker such as dp-ucMGP, form not one
            what = "vitamin K status measured in blood"
        else:
            what = f"blood levels of {subject}"
        tail = "; an association, not the effect of a supplement."
        if exposure is m.Exposure.CIRCULATING_LEVEL and endpoint.kind is m.OutcomeKind.BIOMARKER:
            what = indication  # the level is the outcome: the association is the condition's
        if certainty is m.Certainty.VERY_LOW:
            return (
                f"The evidence is very uncertain about the association of {what} with {outcome}"
                + tail
            )
        head = what[:1].upper() + what[1:]
        verb = _ASSOCIATED[certainty]
        if direction is m.Direction.ASSOCIATION and e is not None:
            return f"{head} {verb} with {outcome}: {e.text}" + tail
        return f"{head} {verb} with little or no difference in {outcome}" + tail
    if certainty is m.Certainty.VERY_LOW:
        return f"The evidence is very uncertain about the effect of {subject} on {outcome}."
    third, base_form = _VERBS[_verb(e, endpoint, direction)]
    head = subject[:1].upper() + subject[1:]
    if certainty is m.Certainty.HIGH:
        return f"{head} {third} {outcome}."
    if certainty is m.Certainty.MODERATE:
        return f"{head} probably {third} {outcome}."
    return f"{head} may {base_form} {outcome}."


def _uncontrolled_statement(subject: str, cand: _Candidate, outcome: str) -> str:
    item = cand.items[0]
    st = item.finding.statistic
    if isinstance(st, m.Proportion):
        pct = 100 * st.events / st.total
        what = f"uncontrolled {outcome}: {pct:.0f} % ({st.events}/{st.total})"
    else:
        what = f"uncontrolled observations of {outcome} ({_cut(item.words, 80)})"
    return (
        f"{what[:1].upper()}{what[1:]} with {subject} ({item.label}, {item.design}); no "
        "comparator, so no effect can be estimated."
    )


# --------------------------------------------------------------------------------------------
# Absolute effects


def _absolute(
    cand: _Candidate, rows_contrasts: Sequence[Contrast]
) -> tuple[tuple[float, float, float, float, float] | None, str | None]:
    e = cand.estimate
    if e is None or e.value is None or e.low is None or e.high is None:
        return None, None
    if e.measure not in ("RR", "OR", "HR", "RD", "risk ratio", "odds ratio", "hazard ratio"):
        return None, None
    source = [c for c in cand.contrasts if c.events is not None and c.totals is not None]
    where = "the reference arms of the trials behind the estimate"
    if not source:
        source = [c for c in rows_contrasts if c.events is not None and c.totals is not None]
        where = "the reference arms of the row's trials"
    if not source:
        return None, None
    ev = sum(c.events[1] for c in source if c.events is not None)
    tot = sum(c.totals[1] for c in source if c.totals is not None)
    if not tot:
        return None, None
    cr = ev / tot

    def risk(x: float) -> float:
        name = e.measure
        if name in ("RR", "risk ratio"):
            return min(1.0, cr * x)
        if name in ("OR", "odds ratio"):
            return x * cr / (1 - cr + x * cr)
        if name in ("HR", "hazard ratio"):
            return 1 - math.pow(1 - cr, x)
        return min(1.0, max(0.0, cr + x))

    r, lo, hi = risk(e.value), risk(e.low), risk(e.high)
    labels = ", ".join(dict.fromkeys(c.label for c in source))
    return (
        (cr * 1000, r * 1000, (r - cr) * 1000, (lo - cr) * 1000, (hi - cr) * 1000),
        f"{ev}/{tot} ({cr:.1%}) in {where} ({labels})",
    )


# --------------------------------------------------------------------------------------------
# Doses


def _doses(
    base: EvidenceBase, items: Iterable[_Item], amounts: _Amounts
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    doses: dict[str, Quantity] = {}
    durations: dict[str, Quantity] = {}
    for item in items:
        ds, ts = amounts.given(item.study, item.finding)
        for q in ds:
            doses.setdefault(amounts.text(q), q)
        for t in ts:
            durations.setdefault(amounts.text(t), t)
    return _span(doses, amounts), _span(durations, amounts)


def _span(values: dict[str, Quantity], amounts: _Amounts) -> tuple[str, ...]:
    """The smallest and largest of each dimension: ``("45 mg/day",)``, ``("90 to 360 µg/day",)``."""
    by_dim: dict[object, list[Quantity]] = {}
    for q in values.values():
        by_dim.setdefault(q.unit.dimension, []).append(q)
    out = []
    size, text = amounts.magnitude, amounts.text
    for qs in by_dim.values():
        if len(qs) == 1:  # the smallest and the largest
            out.append(text(qs[0]))
            continue
        qs.sort(key=size)
        lo, hi = qs[0], qs[-1]
        out.append(text(lo) if size(lo) == size(hi) else f"{text(lo)} to {text(hi)}")
    return tuple(sorted(out))


class _Amounts:
    """The words and the exact size of quantities, each worked out once for a summary.

    The doses, durations and timepoints of a base's studies repeat from row to row; a
    quantity's text and its magnitude (an exact fraction) are kept by its value and unit, so
    equal quantities, which read and compare alike, are worked out once.
    """

    __slots__ = ("_given", "_sizes", "_texts")

    def __init__(self) -> None:
        self._texts: dict[Quantity, str] = {}
        self._sizes: dict[Quantity, Fraction] = {}
        self._given: dict[tuple[str, str | None], tuple[list[Quantity], list[Quantity]]] = {}

    def given(self, study: m.Study, f: m.Finding) -> tuple[list[Quantity], list[Quantity]]:
        """The daily doses of vitamin K forms the finding's group was given, and for how long.

        They are the group's (the study's, for a finding of the whole study): the same for
        each finding of the group, in whichever row it is.
        """
        key = (study.id, f.group)
        found = self._given.get(key)
        if found is None:
            doses = [
                q
                for d in study.doses_of(f)
                if d.compound.family == VITAMIN_K_FAMILY and isinstance(q := d.daily_dose, Quantity)
            ]
            durations = list(study.durations_of(f))
            found = self._given[key] = (doses, durations)
        return found

    def text(self, q: Quantity) -> str:
        """``str(q)``."""
        found = self._texts.get(q)
        if found is None:
            found = self._texts[q] = str(q)
        return found

    def magnitude(self, q: Quantity) -> Fraction:
        """``q.magnitude()``."""
        found = self._sizes.get(q)
        if found is None:
            found = self._sizes[q] = q.magnitude()
        return found


# --------------------------------------------------------------------------------------------
# The summary


def summary(
    base: EvidenceBase,
    indication: str | m.Indication | None = None,
    *,
    compound: str | m.Compound | None = None,
    endpoint: str | m.Endpoint | None = None,
    exposure: str | m.Exposure | None = None,
    include_unverified: bool = False,
) -> SummaryOfFindings:
    """One row per vitamin K form x indication x endpoint (x exposure) that has evidence.

    Args:
        base: The evidence.
        indication: An indication (its subtypes included); None for every indication, each
            finding under the broadest indication above its own.
        compound: Only rows about this vitamin K form.
        endpoint: Only rows of this endpoint (and narrower ones).
        exposure: Only rows of this exposure (``"supplement"``, ``"dietary_intake"``,
            ``"circulating_level"``).
        include_unverified: Keep values a fact sheet marks unverified (they are flagged).

    Returns:
        The [`SummaryOfFindings`][vitk2.SummaryOfFindings].

    Raises:
        UnknownNameError: For an unknown indication, compound or endpoint.
        CriteriaError: For an unknown exposure or a flag that is not a bool.

    *Added in version 0.2.0*.
    """
    ind = (
        None
        if indication is None
        else indication
        if isinstance(indication, m.Indication)
        else base.indication(indication)
    )
    comp = (
        None
        if compound is None
        else compound
        if isinstance(compound, m.Compound)
        else base.compound(compound)
    )
    end = (
        None
        if endpoint is None
        else endpoint
        if isinstance(endpoint, m.Endpoint)
        else base.endpoint(endpoint)
    )
    expo = _exposure(exposure)
    if not isinstance(include_unverified, bool):
        raise CriteriaError(
            f"include_unverified must be True or False (got {include_unverified!r})"
        )
    from ._evidence_meta import PoolableContrasts

    return _summary(
        base, ind, comp, end, expo, include_unverified, PoolableContrasts(base, include_unverified)
    )


def _asked_of_base(base: EvidenceBase, include_unverified: bool) -> _Analyses:
    """The contrasts of a row as ``base.meta_analysis`` gives them: the definition.

    `PoolableContrasts` gives the same contrasts (weights aside, which a summary does not
    read) without asking for the whole meta-analysis; ``tests/test_summary_oracle.py`` holds
    the two to the same summaries.
    """

    def ask(
        indication: m.Indication,
        endpoint: m.Endpoint,
        compound: m.Compound | None,
        measure: MeasureName | None,
        wanted: Collection[str] = (),
    ) -> tuple[str, tuple[Contrast, ...]]:
        """Every contrast of the question (the row reads those of ``wanted``)."""
        ma = base.meta_analysis(
            indication,
            endpoint,
            compound=compound,
            include_unverified=include_unverified,
            measure=measure,
        )
        return ma.measure, ma.contrasts

    return ask


def _summary(
    base: EvidenceBase,
    ind: m.Indication | None,
    comp: m.Compound | None,
    end: m.Endpoint | None,
    expo: m.Exposure | None,
    include_unverified: bool,
    analyses: _Analyses,
) -> SummaryOfFindings:
    """`summary` of checked arguments, each row's contrasts from ``analyses``."""
    end_ids = None if end is None else {end.id} | {e.id for e in base.narrower_endpoints(end)}
    in_scope = None if ind is None else {i.id for i in base.subtypes(ind)}
    indications = {i.id: i for i in base.indications}

    def root(i: m.Indication) -> m.Indication:
        seen = {i.id}
        while i.parent is not None and i.parent in indications and i.parent not in seen:
            i = indications[i.parent]
            seen.add(i.id)
        return i

    left: list[SummaryLeftOut] = []
    groups: dict[tuple[str, str, str, tuple[str, ...], bool], list[_Item]] = {}
    amounts = _Amounts()
    order = 0
    studies = base._index.studies
    # the findings in scope, from the base's table by indication and endpoint, in base order
    selected = base._index.select_findings(in_scope, end_ids)
    for sid, pairs in itertools.groupby(selected, key=_study_id):
        s = studies[sid]
        received = _Groups(s)  # what each group received: the group's findings share it
        for _, f in pairs:
            order += 1
            forms = received.forms(f)
            fexpo = f.exposure or s.exposure or m.Exposure.SUPPLEMENT
            if comp is not None and all(c.id != comp.id for c in forms):
                continue
            if expo is not None and fexpo is not expo:
                continue
            design = f.basis or s.design
            why = _left_out(base, received, f, design, forms, fexpo, include_unverified)
            if isinstance(why, str):
                left.append(SummaryLeftOut(study=s.id, finding=f.id, reason=why))
                continue
            preclinical = design is m.Design.IN_VITRO or design is m.Design.ANIMAL
            row_ind = ind if ind is not None else root(f.indication)
            e = f.outcome.endpoint
            assert e is not None  # findings without one are left out
            when = f.outcome.timepoint
            key = (row_ind.id, fexpo.value, e.id, tuple(c.id for c in forms), preclinical)
            item = _Item(
                study=s,
                finding=f,
                design=design,
                forms=forms,
                exposure=fexpo,
                concerns=tuple(c for c in why if c.integrity.status is not _NONE_KNOWN),
                superseded=False,
                order=order,
                label=received.label(),
                words=" ".join(statistic_text(f.statistic).split()),
                timepoint=0.0 if when is None else float(amounts.magnitude(when)),
            )
            found = groups.get(key)
            if found is None:
                groups[key] = [item]
            else:
                found.append(item)
    rows: list[SummaryRow] = []
    pre: list[SummaryRow] = []
    for key, items in groups.items():
        ind_id, _, end_id, _, preclinical = key
        row = _row(
            base,
            indications[ind_id],
            base._index.endpoints[end_id],
            items,
            preclinical,
            analyses,
            amounts,
        )
        (pre if preclinical else rows).append(row)
    rank = {k: i for i, k in enumerate(SummaryRowKind)}
    pos = {i.id: n for n, i in enumerate(base.indications)}
    endpoints = {e.id: n for n, e in enumerate(base.endpoints)}

    def sort_key(r: SummaryRow) -> tuple[Any, ...]:
        return (
            pos.get(r.indication.id, 0),
            rank[r.kind],
            r.exposure.value,
            r.form,
            endpoints.get(r.endpoint.id, 0),
            r.endpoint.id,
        )

    rows.sort(key=sort_key)
    pre.sort(key=sort_key)
    return SummaryOfFindings(
        indication=ind,
        compound=comp,
        endpoint=end,
        exposure=expo,
        rows=tuple(rows),
        preclinical=tuple(pre),
        left_out=tuple(left),
        dataset=f"{base.dataset.id} {base.dataset.version}" if base.dataset is not None else None,
        content_hash=_Hash.of(base),  # read when the answer is shown or compared
    )


def _study_id(pair: tuple[m.Study, m.Finding]) -> str:
    return pair[0].id


_NONE_KNOWN: Final = m.IntegrityStatus.NONE_KNOWN
_NOT_A_CONTRAST: Final = (m.Proportion, m.Count, m.Breakdown, m.BeforeAfter)
_DESCRIPTIONS: Final = (m.Narrative, m.TimeToEvent)


class _Groups:
    """What the groups of one study received, each group's worked out once.

    The findings of a group share its compounds, and with them its vitamin K forms. The
    study's label and its superseded findings are worked out when first asked for: most
    studies of a large base have no finding that reaches a row.
    """

    __slots__ = ("_compounds", "_forms", "_label", "_superseded", "study")

    def __init__(self, study: m.Study) -> None:
        self.study = study
        self._compounds: dict[str | None, tuple[m.Compound, ...]] = {}
        self._forms: dict[str | None, tuple[m.Compound, ...]] = {}
        self._label: str | None = None
        self._superseded: frozenset[str] | None = None

    def label(self) -> str:
        """The study's ``"Author year"``."""
        if self._label is None:
            self._label = self.study.citation.label
        return self._label

    def superseded(self) -> frozenset[str]:
        """`_superseded` of the study."""
        if self._superseded is None:
            self._superseded = _superseded(self.study)
        return self._superseded

    def compounds(self, group: str | None) -> tuple[m.Compound, ...]:
        """``Study.group_compounds`` (the study's compounds for None).

        Raises:
            KeyError: If the study has no such group.
        """
        found = self._compounds.get(group)
        if found is None:
            study = self.study
            found = study.compounds if group is None else study.group_compounds(group)
            self._compounds[group] = found
        return found

    def of(self, f: m.Finding) -> tuple[m.Compound, ...]:
        """``Study.compounds_of``: the finding's own compounds, else its group's."""
        return f.compounds or self.compounds(f.group)

    def forms(self, f: m.Finding) -> tuple[m.Compound, ...]:
        """The vitamin K forms the finding is about, once each, by id."""
        if f.compounds:
            return _vitamin_k_forms(f.compounds)
        found = self._forms.get(f.group)
        if found is None:
            found = self._forms[f.group] = _vitamin_k_forms(self.compounds(f.group))
        return found


def _vitamin_k_forms(compounds: Iterable[m.Compound]) -> tuple[m.Compound, ...]:
    """The vitamin K forms among ``compounds``, once each, by id."""
    forms = [c for c in compounds if c.family == VITAMIN_K_FAMILY]
    if len(forms) < 2:
        return tuple(forms)
    return tuple(sorted(dict.fromkeys(forms), key=_compound_id))


def _compound_id(c: m.Compound) -> str:
    return c.id


def _left_out(
    base: EvidenceBase,
    groups: _Groups,
    f: m.Finding,
    design: m.Design,
    forms: tuple[m.Compound, ...],
    fexpo: m.Exposure,
    include_unverified: bool,
) -> str | tuple[m.Citation, ...]:
    """Why a finding in scope is not evidence, or the citations with a notice it rests on.

    The reason is the first that applies, in the order of the module's rules.
    """
    s = groups.study
    e = f.outcome.endpoint
    if e is None:
        return "no endpoint of the vocabulary"
    if e.kind in _NOT_EVIDENCE_KINDS or f.outcome.kind in _NOT_EVIDENCE_KINDS:
        what = e.kind if e.kind in _NOT_EVIDENCE_KINDS else f.outcome.kind
        article = "an" if str(what)[0] in "aeiou" else "a"
        return f"{article} {what} outcome, not evidence of an effect"
    concerns = base._integrity(s, f)
    retracted = [c.id for c in concerns if c.integrity.is_retracted]
    if retracted:
        return f"rests on a retracted publication: {', '.join(retracted)}"
    if (
        f.basis is not None
        and f.basis is not s.design
        and (
            f.basis in _BACKGROUND_BASES
            or (isinstance(f.statistic, m.Narrative) and s.design is not m.Design.SYSTEMATIC_REVIEW)
        )
    ):
        return f"a background claim about other work ({f.basis}), not this study's evidence"
    if design is m.Design.NARRATIVE_REVIEW:
        return "a narrative review's claim: background, not evidence"
    if not forms and fexpo is m.Exposure.SUPPLEMENT:
        return "not about a vitamin K form (a comparator or another treatment)"
    if f.id in groups.superseded():
        return "superseded by a corrected value of the same study"
    if not f.verified and not include_unverified:
        return "a value is marked unverified (pass include_unverified=True to keep it)"
    uncontrolled = design in _UNCONTROLLED
    if not uncontrolled and not design.is_preclinical:
        why = _not_a_contrast(groups, f, fexpo)
        if why is not None:
            return why
    if (
        uncontrolled
        and f.direction is m.Direction.NOT_APPLICABLE
        and isinstance(f.statistic, _DESCRIPTIONS)
    ):
        return "a description without a response or effect"
    return concerns


def _not_a_contrast(groups: _Groups, f: m.Finding, fexpo: m.Exposure) -> str | None:
    """Why a finding of a controlled study of people is not an effect of vitamin K (or None)."""
    if f.direction is m.Direction.NOT_APPLICABLE:
        return "not an effect (a baseline, a count or one arm's result)"
    if isinstance(f.statistic, _NOT_A_CONTRAST):
        return "one arm's result in a controlled study, not a contrast"
    if fexpo is m.Exposure.SUPPLEMENT and f.direction is m.Direction.ASSOCIATION:
        return "an association inside a supplement trial, not the supplement's effect"
    ref = _reference_compounds(groups.study, f, groups)
    if ref is not None and ref - {c.id for c in groups.of(f)}:
        return (
            "against an active comparator ("
            + ", ".join(sorted(ref))
            + "): not the effect of vitamin K against none"
        )
    if f.comparator is not None and f.comparator.kind is m.ComparatorKind.ACTIVE:
        return "against an active comparator: not the effect of vitamin K against none"
    return None


def _exposure(value: object) -> m.Exposure | None:
    if value is None or isinstance(value, m.Exposure):
        return value
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        for e in m.Exposure:
            if key == e.value:
                return e
    choices = ", ".join(e.value for e in m.Exposure)
    raise CriteriaError(f"exposure must be one of {choices} (got {value!r})")


def _row(
    base: EvidenceBase,
    indication: m.Indication,
    endpoint: m.Endpoint,
    items: list[_Item],
    preclinical: bool,
    analyses: _Analyses,
    amounts: _Amounts,
) -> SummaryRow:
    forms = items[0].forms
    exposure = items[0].exposure
    controlled = [i for i in items if i.design not in _UNCONTROLLED and not preclinical]
    if preclinical:
        kind = SummaryRowKind.PRECLINICAL
    elif not controlled:
        kind = SummaryRowKind.UNCONTROLLED
    elif exposure is m.Exposure.SUPPLEMENT:
        kind = SummaryRowKind.EFFECT
    else:
        kind = SummaryRowKind.ASSOCIATION
    subject = _subject(forms)
    pooled: _Candidate | None = None
    contrasts: dict[str, Contrast] = {}
    if kind is SummaryRowKind.EFFECT:
        pooled, contrasts = _pooled(analyses, indication, endpoint, forms, controlled)
    candidates: list[_Candidate] = []
    if kind in (SummaryRowKind.EFFECT, SummaryRowKind.ASSOCIATION):
        candidates = [_single(i, endpoint, contrasts.get(i.finding.id)) for i in controlled]
        if pooled is not None:
            candidates.append(pooled)
    else:
        candidates = [_uncontrolled(i) for i in items]
    best = max(
        candidates, key=lambda c: c.key() if kind is not SummaryRowKind.UNCONTROLLED else _ukey(c)
    )
    used = {i.finding.id for i in best.items}
    co = tuple(dict.fromkeys(x for i in best.items for x in _co_treatments(base, i)))
    doses, durations = _doses(base, items, amounts)
    evidence = sorted(
        (
            SummaryEvidence(
                study=i.study.id,
                finding=i.finding.id,
                label=i.label,
                design=i.design,
                participants=_participants(i),
                result=_cut(i.words, 200),
                direction=i.finding.direction,
                used=i.finding.id in used,
            )
            for i in items
        ),
        key=lambda x: (not x.used,),
    )
    # GRADE
    if kind is SummaryRowKind.PRECLINICAL:
        start = (m.Certainty.VERY_LOW, "cells or animals, not people")
    elif kind is SummaryRowKind.UNCONTROLLED:
        start = (m.Certainty.VERY_LOW, "no comparator: no effect can be estimated")
    elif kind is SummaryRowKind.ASSOCIATION:
        start = (m.Certainty.LOW, f"observational ({exposure})")
    elif best.randomised:
        start = (m.Certainty.HIGH, "randomised")
    else:
        start = (m.Certainty.LOW, f"not randomised ({best.items[0].design})")
    domains: tuple[DomainRating, ...] = ()
    computed = start[0]
    if kind in (SummaryRowKind.EFFECT, SummaryRowKind.ASSOCIATION):
        domains = (
            _risk_of_bias(best),
            _inconsistency(best),
            _indirectness(best, endpoint, forms, co if kind is SummaryRowKind.EFFECT else ()),
            _imprecision(best, _names(base, endpoint)),
            _publication_bias(best),
        )
        computed = computed.lowered(sum(d.steps for d in domains))
    direction = (
        _direction(best, kind)
        if kind in (SummaryRowKind.EFFECT, SummaryRowKind.ASSOCIATION)
        else m.Direction.NOT_APPLICABLE
    )
    chosen = best.items[0]
    curator = (
        (chosen.finding.certainty, chosen.finding.certainty_reasons)
        if chosen.finding.certainty is not None and len(best.items) == 1
        else None
    )
    lvl = chosen.study.level
    recorded = (lvl.certainty, lvl.rationale) if lvl.certainty is not None else None
    certainty = curator[0] if curator is not None else computed
    absolute, absolute_source = (
        _absolute(best, list(contrasts.values())) if kind is SummaryRowKind.EFFECT else (None, None)
    )
    flags = _flags(best, forms, co)
    statement = _statement(
        kind, subject, best, endpoint, direction, certainty, exposure, indication.name
    )
    if kind is SummaryRowKind.UNCONTROLLED:
        studies, participants = _uncontrolled_counts(items)
    else:
        studies, participants = best.k, best.participants
    return SummaryRow(
        kind=kind,
        indication=indication,
        endpoint=endpoint,
        compounds=forms,
        exposure=exposure,
        estimate=best.estimate,
        absolute=absolute,
        absolute_source=absolute_source,
        studies=studies,
        participants=participants,
        doses=doses,
        durations=durations,
        direction=direction,
        start=start,
        domains=domains,
        computed=computed,
        curator=curator,
        recorded=recorded,
        flags=flags,
        statement=statement,
        evidence=tuple(evidence),
        co_treatments=co,
    )


def _subject(forms: Sequence[m.Compound]) -> str:
    if not forms:
        return "vitamin K (form not named)"
    if len(forms) == 1 and forms[0].id == POOLED_FORMS:
        return "vitamin K (K1 and K2 pooled)"
    names = []
    for c in forms:  # "vitamin K2, form not stated" reads as "vitamin K2 (form not stated)"
        head, sep, tail = c.name.partition(", ")
        names.append(f"{head} ({tail})" if sep else c.name)
    return " + ".join(names)


def _uncontrolled(item: _Item) -> _Candidate:
    st = item.finding.statistic
    return _Candidate(
        items=(item,),
        estimate=SummaryEstimate(
            measure="proportion" if isinstance(st, m.Proportion) else None,
            value=st.events / st.total if isinstance(st, m.Proportion) else None,
            text=f"uncontrolled: {_cut(item.words, 120)}",
            source="uncontrolled",
            label=_source_label(item),
            findings=(item.finding.id,),
            studies=(item.study.id,),
        ),
        participants=_participants(item),
        k=1,
        randomised=False,
        adjusted=False,
        numeric=1 if isinstance(st, m.Proportion) else 0,
        subgroup=item.finding.subgroup is not None,
        events=None,
        direction=item.finding.direction,
    )


def _ukey(c: _Candidate) -> tuple[Any, ...]:
    """Uncontrolled evidence: a whole-population rate of the final report of the largest study."""
    item = c.items[0]
    interim = any(cit.interim for cit in item.study.reports if cit.id in item.finding.sources)
    return (
        not c.concerns,
        not c.subgroup,
        c.numeric,
        not interim,
        item.design.rank,
        c.participants or 0,
        -item.order,
    )


def _uncontrolled_counts(items: Sequence[_Item]) -> tuple[int | None, int | None]:
    """Distinct studies (reports of one trial are one), each at its largest denominator."""
    from ._evidence_meta import _trial_keys

    groups: list[tuple[frozenset[str], int | None]] = []
    for i in items:
        keys = _trial_keys(i.study)
        n = _participants(i)
        for g, (k, m_) in enumerate(groups):
            if k & keys:
                groups[g] = (
                    k | keys,
                    max(x for x in (m_, n) if x is not None) if (m_ or n) else None,
                )
                break
        else:
            groups.append((keys, n))
    ns = [n for _, n in groups]
    return len(groups), (sum(n for n in ns if n is not None) if ns and None not in ns else None)


def _flags(
    cand: _Candidate, forms: Sequence[m.Compound], co: Sequence[str]
) -> tuple[SummaryFlag, ...]:
    out: list[SummaryFlag] = []
    makers = [
        f"{i.label}: {i.study.funding}"
        for i in cand.items
        if i.study.funding is not None and i.study.funding.supplement_maker
    ]
    if makers:
        out.append(SummaryFlag(SummaryFlagKind.SUPPLEMENT_MAKER, "; ".join(dict.fromkeys(makers))))
    if len(forms) > 1 or any(c.id == POOLED_FORMS for c in forms):
        out.append(SummaryFlag(SummaryFlagKind.POOLED_FORMS, _form_name(forms)))
    subs = [f"{i.finding.id}: {i.finding.subgroup}" for i in cand.items if i.finding.subgroup]
    if subs:
        out.append(SummaryFlag(SummaryFlagKind.SUBGROUP, "; ".join(subs)))
    notices = [
        f"{c.id} ({c.integrity.status})"
        for i in cand.items
        for c in i.concerns
        if c.integrity.status in _CONCERNS
    ]
    if notices:
        out.append(SummaryFlag(SummaryFlagKind.INTEGRITY, "; ".join(dict.fromkeys(notices))))
    corrected = [
        c.id
        for i in cand.items
        for c in i.concerns
        if c.integrity.status is m.IntegrityStatus.CORRECTED
    ]
    if corrected:
        out.append(SummaryFlag(SummaryFlagKind.CORRECTED, "; ".join(dict.fromkeys(corrected))))
    unverified = [i.finding.id for i in cand.items if not i.finding.verified]
    if unverified:
        out.append(SummaryFlag(SummaryFlagKind.UNVERIFIED, "; ".join(unverified)))
    if co:
        out.append(SummaryFlag(SummaryFlagKind.CO_TREATMENT, ", ".join(co)))
    return tuple(out)
