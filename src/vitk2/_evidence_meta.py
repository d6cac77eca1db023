"""Meta-analysis of the evidence base: the two-arm contrasts of one endpoint, pooled.

`meta_analysis` (also [`EvidenceBase.meta_analysis`][vitk2.EvidenceBase.meta_analysis]) finds the findings of an
indication (and its subtypes) that measure an endpoint (or a narrower one), keeps the two-arm
contrasts among them, one per study, turns each into an effect size and pools them with
`meta`. Everything it leaves out is listed with a typed reason. The statistics are
`meta`'s; this module only decides what is comparable and says why.

What is a contrast:

- an [`ArmCounts`][vitk2.ArmCounts] of the finding's group against its comparator arm (a 2x2 table:
  risk ratio by default, or odds ratio or risk difference);
- an [`Effect`][vitk2.Effect] with a ratio or difference measure and a confidence interval,
  from a study that is not a systematic review (a review's pooled estimate is shown as
  context and never counted beside its own trials);
- a [`GroupSummaries`][vitk2.GroupSummaries] with a mean, an SD (or SE) and n in both arms (a mean
  difference, or a standardised one).

Single arms, within-arm before/after values, cumulative (Kaplan-Meier) percentages and
narrative findings are not contrasts.
"""

from __future__ import annotations

import enum
import heapq
import json
import math
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, cast

import attrs

from . import _model as m
from . import meta as _meta
from ._errors import CriteriaError, StatisticsError, Vitk2Error
from ._meta_effects import critical_value
from ._meta_pool import METHODS, _fmt
from ._render import (
    Layout,
    TextOptions,
    html_text,
    inert_json,
    level_text,
    markdown_text,
    table_csv,
    table_html,
    table_markdown,
)
from ._units import Quantity, Unit

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ._base import EvidenceBase

__all__ = [
    "Contrast",
    "LeftOut",
    "MeasureName",
    "MetaAnalysis",
    "MetaAnalysisError",
    "MetaLineage",
    "MissingDependencyError",
    "Reason",
    "Sensitivity",
    "SensitivityKind",
    "meta_analysis",
]

MeasureName = Literal["RR", "OR", "RD", "HR", "MD", "SMD"]
"""The measures a meta-analysis of the base pools: risk, odds and hazard ratios, risk and
mean differences, standardised mean differences (Hedges' g)."""

_MEASURES: Final = ("RR", "OR", "RD", "HR", "MD", "SMD")
_BINARY: Final = ("RR", "OR", "RD")
_CONTINUOUS: Final = ("MD", "SMD")
_MEASURE_NAMES: Final = {
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
    "HR": "hazard ratio",
    "MD": "mean difference",
    "SMD": "standardised mean difference",
}
_EFFECT_MEASURES: Final = {
    m.EffectMeasure.RISK_RATIO: "RR",
    m.EffectMeasure.ODDS_RATIO: "OR",
    m.EffectMeasure.HAZARD_RATIO: "HR",
    m.EffectMeasure.RISK_DIFFERENCE: "RD",
    m.EffectMeasure.MEAN_DIFFERENCE: "MD",
}
_PLOT_HINT: Final = "pip install 'vitk2[plot]'"
LEAVE_ONE_OUT_LIMIT: Final = 50
"""The most studies a meta-analysis leaves out one at a time (each refit costs a pool)."""


class MetaAnalysisError(StatisticsError):
    """A meta-analysis the evidence cannot give as asked: different measures or scales.

    It is a [`StatisticsError`][vitk2.StatisticsError] (so a ``ValueError`` and a
    [`Vitk2Error`][vitk2.Vitk2Error]) and pickles.

    Attributes:
        reason: What stands in the way, in words.
        measures: Each measure found, with the findings that have it.

    *Added in version 0.2.0*.
    """

    def __init__(self, reason: str, measures: Sequence[tuple[str, tuple[str, ...]]] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.measures: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
            (name, tuple(ids)) for name, ids in measures
        )

    def __reduce__(
        self,
    ) -> tuple[type[MetaAnalysisError], tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]]:
        return (type(self), (self.reason, self.measures))


class MissingDependencyError(Vitk2Error, ImportError):
    """An optional dependency a feature needs is not installed (matplotlib for a plot).

    *Added in version 0.2.0*.
    """


class Reason(enum.Enum):
    """Why a finding was left out of a meta-analysis.

    *Added in version 0.2.0*.
    """

    REVIEW = "review"
    """A pooled estimate of a systematic review: context, never pooled beside its trials."""
    NARRATIVE = "narrative"
    """Words, no number."""
    SINGLE_ARM = "single_arm"
    """One arm's result (a proportion, a count), not a contrast between arms."""
    WITHIN_ARM = "within_arm"
    """A before/after change within one arm, not a contrast with a control."""
    CUMULATIVE = "cumulative"
    """Kaplan-Meier percentages at a timepoint, without counts or a hazard ratio."""
    DESIGN = "design"
    """A design other than the ones asked for."""
    COMPOUND = "compound"
    """The group did not receive the compound asked for, or both arms did."""
    COMPARATOR = "comparator"
    """A comparator other than the one asked for."""
    RETRACTED = "retracted"
    """Rests on a retracted publication."""
    INTEGRITY = "integrity"
    """Rests on a publication under an integrity concern or notice (left out on request)."""
    UNVERIFIED = "unverified"
    """A value a fact sheet marks unverified (kept only on request)."""
    INCOMPLETE = "incomplete"
    """A contrast without what pooling needs: arms not named, no interval, no SD or n."""
    MEASURE = "measure"
    """A measure or scale other than the one pooled."""
    NOT_ESTIMABLE = "not_estimable"
    """No events in either arm (or only events): no risk or odds ratio."""
    DUPLICATE = "duplicate"
    """Another finding of the same study (or another report of it) is the study's contrast."""

    def __str__(self) -> str:
        return self.value.replace("_", " ")


@attrs.frozen(kw_only=True)
class LeftOut:
    """A finding left out of a meta-analysis, and why.

    Attributes:
        study: The id of its study.
        finding: The id of the finding.
        label: The study as a reader knows it (``"Shiraki 2000"``).
        reason: The kind of reason.
        detail: The reason in words.

    *Added in version 0.2.0*.
    """

    study: str
    finding: str
    label: str
    reason: Reason
    detail: str

    def __repr__(self) -> str:
        return f"<LeftOut {self.finding}: {self.reason}>"


@attrs.frozen(kw_only=True)
class Contrast:
    """One study's two-arm contrast in a meta-analysis.

    Attributes:
        study: The id of the study.
        finding: The id of the finding it comes from.
        label: ``"Author year"``.
        design: The design the contrast rests on.
        group: The arm of interest (its name), or None for a reported effect without arms.
        reference: The reference arm (its name) or the comparator in words.
        statistic: The finding's statistic, as curated.
        measure: The measure pooled (``"RR"``, ``"MD"`` ...).
        events: Events in the group and the reference (counts only).
        totals: Participants in the group and the reference (counts and summaries).
        means: Means in the group and the reference (summaries only), in ``unit``.
        sds: Their standard deviations.
        unit: The unit of a mean difference.
        yi: The effect on the analysis scale (log scale for ratios).
        vi: Its sampling variance.
        estimate: The effect on the natural scale (ratios as ratios).
        low: The lower bound of its interval at the meta-analysis's level.
        high: The upper bound.
        weight: Its weight in the pooled model, in percent (None when nothing was pooled).
        corrected: Whether 1/2 was added to each cell of a table with a zero cell.
        participants: The participants behind the contrast, when known.
        concerns: Integrity notices it rests on: ``"kakizaki-2007: retracted"``.
        verified: False when a value is marked unverified (kept on request).
        timepoint: When the outcome was assessed.
        blinding: The study's blinding as its report states it, or None when not recorded.

    *Added in version 0.2.0*.
    """

    study: str
    finding: str
    label: str
    design: m.Design
    group: str | None
    reference: str | None
    statistic: m.Statistic = attrs.field(repr=False)
    measure: str
    events: tuple[int, int] | None = None
    totals: tuple[int, int] | None = None
    means: tuple[float, float] | None = None
    sds: tuple[float, float] | None = None
    unit: str | None = None
    yi: float
    vi: float
    estimate: float
    low: float
    high: float
    weight: float | None = None
    corrected: bool = False
    participants: int | None = None
    concerns: tuple[str, ...] = ()
    verified: bool = True
    timepoint: str | None = None
    blinding: m.Blinding | None = None

    @property
    def data(self) -> str:
        """The arms' data in words: ``"10/120 vs 20/121"``, ``"0.82 ± 0.1 (n 40) vs ..."``."""
        if self.events is not None and self.totals is not None:
            return f"{self.events[0]}/{self.totals[0]} vs {self.events[1]}/{self.totals[1]}"
        if self.means is not None and self.sds is not None and self.totals is not None:
            unit = f" {self.unit}" if self.unit else ""
            return " vs ".join(
                f"{self.means[i]:g} ± {self.sds[i]:.3g}{unit} (n {self.totals[i]})" for i in (0, 1)
            )
        return f"as reported: {_statistic_words(self.statistic)}"

    @property
    def effect_text(self) -> str:
        """The effect and its interval: ``"0.50 (0.24 to 1.03)"``."""
        return f"{_fmt(self.estimate)} ({_fmt(self.low)} to {_fmt(self.high)})"

    def __repr__(self) -> str:
        weight = f", weight {self.weight:.1f}%" if self.weight is not None else ""
        return f"<Contrast {_short(self.label)} {self.measure} {self.effect_text}{weight}>"


class SensitivityKind(enum.Enum):
    """The kinds of sensitivity analysis a meta-analysis of the base runs.

    *Added in version 0.2.0*.
    """

    INTEGRITY = "integrity"
    """Without studies under an integrity concern or notice."""
    OPEN_LABEL = "open_label"
    """Without open-label trials."""
    LEAVE_ONE_OUT = "leave_one_out"
    """Without one study."""

    def __str__(self) -> str:
        return self.value.replace("_", " ")


@attrs.frozen(kw_only=True)
class Sensitivity:
    """One sensitivity analysis: the pooled result without some studies, or why there is none.

    Attributes:
        kind: Which analysis.
        name: What it leaves out, in words (``"without Shiraki 2000"``).
        omitted: The ids of the studies left out.
        result: The pooled result without them, or None.
        note: Why there is no result, or what a reader must know.

    *Added in version 0.2.0*.
    """

    kind: SensitivityKind
    name: str
    omitted: tuple[str, ...] = ()
    result: _meta.MetaResult | None = attrs.field(default=None, repr=False)
    note: str | None = None

    @property
    def summary(self) -> str:
        """The result in words, or the note."""
        if self.result is None:
            return self.note or "no result"
        return _result_words(self.result)

    def __repr__(self) -> str:
        return f"<Sensitivity {_short(self.name)}: {_short(self.summary, 100)}>"


def _content_hash(base: EvidenceBase) -> str:
    return base.content_hash


@attrs.frozen(kw_only=True)
class MetaLineage:
    """Where a meta-analysis comes from: the data and the methods.

    The content hash is computed when first read (hashing a large base takes a while, and a
    meta-analysis need not wait for it), and then kept by the base.

    Attributes:
        content_hash: The SHA-256 of the base's records ([`EvidenceBase.content_hash`][vitk2.EvidenceBase.content_hash]).
        dataset: The dataset's id, or None for user data.
        version: The dataset's version.
        method: The estimator of tau² (``"REML"``, ``"DL"``) or ``"EE"``.
        test: ``"knha"`` (Hartung-Knapp) or ``"z"``.
        level: The confidence level.
        vitk2: The version of vitk2 that computed it.

    *Added in version 0.2.0*.
    """

    dataset: str | None
    version: str | None
    method: str
    test: str
    level: float
    vitk2: str
    # compared, hashed and shown by its content hash, not field by field
    _source: EvidenceBase = attrs.field(eq=_content_hash, repr=False, alias="source")

    @property
    def content_hash(self) -> str:
        """SHA-256 of the evidence the meta-analysis was computed from."""
        return self._source.content_hash

    def __repr__(self) -> str:
        data = f"{self.dataset} {self.version}" if self.dataset else "user data"
        return f"<MetaLineage {data} {self.method} {self.test} {self.level}>"

    def to_dict(self) -> dict[str, Any]:
        """The lineage as plain data, the content hash included."""
        return {
            "content_hash": self.content_hash,
            "dataset": self.dataset,
            "version": self.version,
            "method": self.method,
            "test": self.test,
            "level": self.level,
            "vitk2": self.vitk2,
        }

    @property
    def text(self) -> str:
        """The lineage in one line."""
        data = f"{self.dataset} {self.version}" if self.dataset else "user data"
        test = "Hartung-Knapp" if self.test == "knha" else "Wald z"
        return (
            f"Data: {data} (sha256 {self.content_hash[:16]}…); {self.method}, {test}, "
            f"{level_text(self.level)} CI; vitk2 {self.vitk2}"
        )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _result_words(r: _meta.MetaResult) -> str:
    pct = level_text(r.level)
    return (
        f"{r.measure} {_fmt(r.estimate)} ({pct} CI {_fmt(r.low)} to {_fmt(r.high)}), "
        f"k {r.k}, I² {r.i2:.0f}%"
    )


def _short_design(design: m.Design) -> str:
    return "RCT" if design is m.Design.RANDOMISED_CONTROLLED_TRIAL else str(design)


def _statistic_words(stat: m.Statistic) -> str:
    from ._render import statistic_text

    return statistic_text(stat)


@attrs.frozen(kw_only=True)
class MetaAnalysis:
    """A meta-analysis of the two-arm contrasts of one endpoint in one indication.

    Made by [`EvidenceBase.meta_analysis`][vitk2.EvidenceBase.meta_analysis]; every field is data, and it renders as
    text (``str()``), Markdown, CSV, JSON and HTML, and as a forest plot (`plot`).

    Attributes:
        indication: The indication (its subtypes are included).
        endpoint: The endpoint (narrower endpoints are included).
        compound: The compound asked for, or None.
        comparator: The comparator asked for, or None.
        designs: The designs pooled.
        measure: The measure pooled (``"RR"``, ``"OR"``, ``"RD"``, ``"HR"``, ``"MD"``, ``"SMD"``).
        contrasts: One contrast per study, in the base's order, with its weight.
        result: The pooled result (a `meta.MetaResult`), or None when fewer than
            two contrasts are left (`reason` says why).
        reason: Why there is no pooled result, or None.
        excluded: Every finding of the endpoint left out, with the reason.
        sensitivity: The sensitivity analyses: without studies under an integrity concern or
            notice, without open-label trials, and leaving out each study in turn.
        lineage: The data and methods behind it.
        notes: What a reader of the pooled result must know (a Hartung-Knapp interval
            narrower than the Wald one).

    *Added in version 0.2.0*.
    """

    indication: m.Indication
    endpoint: m.Endpoint
    compound: m.Compound | None = None
    comparator: str | None = None
    designs: tuple[m.Design, ...]
    measure: str
    contrasts: tuple[Contrast, ...]
    result: _meta.MetaResult | None = attrs.field(repr=False)
    reason: str | None = None
    excluded: tuple[LeftOut, ...] = attrs.field(repr=False)
    sensitivity: tuple[Sensitivity, ...] = attrs.field(repr=False)
    lineage: MetaLineage = attrs.field(repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), repr=False)

    # -- words ------------------------------------------------------------------------------

    @property
    def is_ratio(self) -> bool:
        """Whether the measure is a ratio (pooled on the log scale, no effect at 1)."""
        return self.measure in ("RR", "OR", "HR")

    @property
    def participants(self) -> int | None:
        """The participants behind the pooled contrasts, when every contrast says."""
        ns = [c.participants for c in self.contrasts]
        return sum(n for n in ns if n is not None) if ns and None not in ns else None

    def title(self) -> str:
        """``"Meta-analysis: menatetrenone, vertebral fracture in osteoporosis"``."""
        what = f"{self.compound.name}, " if self.compound is not None else ""
        against = f" against {self.comparator}" if self.comparator else ""
        return f"Meta-analysis: {what}{self.endpoint.name}{against} in {self.indication.name}"

    def summary(self) -> str:
        """The pooled result in one paragraph, or why there is none."""
        k = len(self.contrasts)
        studies = f"{k} {'study' if k == 1 else 'studies'}"
        n = self.participants
        people = f", {n:,} participants" if n is not None else ""
        designs = ", ".join(str(d) for d in self.designs)
        head = f"{_MEASURE_NAMES[self.measure]} from {studies}{people} ({designs})"
        r = self.result
        if r is None:
            return f"{head}: no pooled estimate: {self.reason}."
        pct = level_text(r.level)
        model = "equal effects" if r.model == "equal" else f"random effects ({r.method})"
        test = "Hartung-Knapp" if r.test == "knha" else "Wald z"
        p = "< 0.0001" if r.p < 1e-4 else f"{r.p:.4f}".rstrip("0").rstrip(".")
        text = (
            f"{head}, {model}, {test}: {r.measure} {_fmt(r.estimate)} ({pct} CI {_fmt(r.low)} "
            f"to {_fmt(r.high)}), p {p if p.startswith('<') else '= ' + p}."
        )
        if r.prediction is not None:
            text += (
                f" {pct} prediction interval {_fmt(r.prediction.low)} to {_fmt(r.prediction.high)}."
            )
        text += (
            f" Heterogeneity: tau² {r.tau2:.3g}, I² {r.i2:.1f}%, Q {r.q:.2f} "
            f"(df {r.q_df}, p {r.q_p:.3g})."
        )
        for note in self.notes:
            text += f" Note: {note}."
        return text

    # -- rows -------------------------------------------------------------------------------

    CONTRAST_COLUMNS: Final = ("study", "design", "group", "reference", "data", "effect", "weight")

    def _notes(self, c: Contrast) -> list[str]:
        marks = []
        if c.concerns:
            marks.append("integrity: " + ", ".join(c.concerns))
        if not c.verified:
            marks.append("a value is marked unverified")
        if c.corrected:
            marks.append("1/2 added to each cell of its table (a zero cell)")
        return marks

    def footnotes(self) -> list[str]:
        """What a reader must know about some contrasts, numbered as the table marks them.

        ``["[1] integrity: theta-2016: expression of concern"]``.
        """
        seen: dict[str, int] = {}
        for c in self.contrasts:
            for note in self._notes(c):
                seen.setdefault(note, len(seen) + 1)
        return [f"[{i}] {note}" for note, i in seen.items()]

    def _contrast_cells(self) -> list[tuple[str, str, str, str, str, str, str]]:
        seen: dict[str, int] = {}
        rows = []
        for c in self.contrasts:
            marks = [seen.setdefault(n, len(seen) + 1) for n in self._notes(c)]
            note = " " + "".join(f"[{i}]" for i in marks) if marks else ""
            rows.append(
                (
                    c.label + note,
                    _short_design(c.design) + (f", {c.blinding}" if c.blinding else ""),
                    c.group or "",
                    c.reference or "",
                    c.data,
                    f"{c.measure} {c.effect_text}",
                    "" if c.weight is None else f"{c.weight:.1f}%",
                )
            )
        return rows

    SENSITIVITY_COLUMNS: Final = ("analysis", "studies left out", "result")

    def _sensitivity_cells(self) -> list[tuple[str, str, str]]:
        return [(s.name, ", ".join(s.omitted), s.summary) for s in self.sensitivity]

    EXCLUDED_COLUMNS: Final = ("study", "finding", "reason", "detail")

    def _excluded_cells(self) -> list[tuple[str, str, str, str]]:
        return [(e.label, e.finding, str(e.reason), e.detail) for e in self.excluded]

    # -- renderers --------------------------------------------------------------------------

    def to_text(
        self, *, width: int | None = None, layout: Layout = "auto", color: bool = False
    ) -> str:
        """Plain text for a terminal: the contrasts, the pooled result, sensitivity, left out.

        Args:
            width: Fit the tables to this many columns, wrapping cells and never shortening
                one (see `_render.TextOptions`).
            layout: ``"table"``, ``"vertical"`` or ``"auto"``.
            color: Bold headers, as ANSI escape sequences.

        Returns:
            The text; text from the evidence has its control characters shown as escapes.
        """
        t = TextOptions(width=width, layout=layout, color=color)
        out = [t.title(self.title()), *t.lines(self.summary())]
        if self.contrasts:
            out += ["", t.table(self.CONTRAST_COLUMNS, self._contrast_cells(), 120)]
            out += [x for note in self.footnotes() for x in t.lines(note, "", "    ")]
        if self.sensitivity:
            out += ["", t.title("Sensitivity analyses")]
            out.append(t.table(self.SENSITIVITY_COLUMNS, self._sensitivity_cells(), 120))
        if self.excluded:
            out += ["", t.title(f"Left out ({len(self.excluded)})")]
            out.append(t.table(self.EXCLUDED_COLUMNS, self._excluded_cells(), 120))
        out += ["", *t.lines(self.lineage.text)]
        from ._render import terminal_text

        return terminal_text("\n".join(out)) if not color else "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        r = self.result
        pooled = (
            f"{r.measure} {_fmt(r.estimate)} ({level_text(r.level)} CI {_fmt(r.low)} to "
            f"{_fmt(r.high)})"
            if r is not None
            else f"{self.measure} not pooled"
        )
        return (
            f"<MetaAnalysis {self.endpoint.id} in {self.indication.id}: {pooled}, "
            f"k={len(self.contrasts)}, {len(self.excluded)} left out>"
        )

    def to_markdown(self) -> str:
        """Markdown: a heading, the result, and tables; evidence text renders as text."""
        parts = [f"### {markdown_text(self.title())}", markdown_text(self.summary())]
        if self.contrasts:
            parts.append(table_markdown(self.CONTRAST_COLUMNS, self._contrast_cells()))
            parts += [markdown_text(note) for note in self.footnotes()]
        if self.sensitivity:
            parts.append("**Sensitivity analyses**")
            parts.append(table_markdown(self.SENSITIVITY_COLUMNS, self._sensitivity_cells()))
        if self.excluded:
            parts.append(f"**Left out ({len(self.excluded)})**")
            parts.append(table_markdown(self.EXCLUDED_COLUMNS, self._excluded_cells()))
        parts.append(markdown_text(self.lineage.text))
        return "\n\n".join(parts) + "\n"

    CSV_COLUMNS: Final = (
        "row",
        "study",
        "finding",
        "label",
        "design",
        "group",
        "reference",
        "measure",
        "events_group",
        "total_group",
        "events_reference",
        "total_reference",
        "mean_group",
        "sd_group",
        "mean_reference",
        "sd_reference",
        "unit",
        "estimate",
        "low",
        "high",
        "level",
        "weight_percent",
        "integrity",
        "verified",
        "reason",
    )

    def to_rows(self) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """Headers and rows: the contrasts, the pooled result, sensitivity and what was left out.

        One ``study`` row per contrast, then ``pooled`` and ``prediction``, one
        ``sensitivity`` row per analysis and one ``excluded`` row per finding left out.

        Numbers are numbers; a cell with nothing in it is None.
        """
        lvl = self.lineage.level
        rows: list[tuple[Any, ...]] = []
        for c in self.contrasts:
            ev = c.events or (None, None)
            tot = c.totals or (None, None)
            mean = c.means or (None, None)
            sd = c.sds or (None, None)
            rows.append(
                (
                    "study",
                    c.study,
                    c.finding,
                    c.label,
                    str(c.design),
                    c.group,
                    c.reference,
                    c.measure,
                    ev[0],
                    tot[0],
                    ev[1],
                    tot[1],
                    mean[0],
                    sd[0],
                    mean[1],
                    sd[1],
                    c.unit,
                    c.estimate,
                    c.low,
                    c.high,
                    lvl,
                    c.weight,
                    "; ".join(c.concerns) or None,
                    c.verified,
                    None,
                )
            )
        blank: tuple[None, ...] = (None,) * 9
        none4: tuple[None, ...] = (None,) * 4
        r = self.result
        if r is not None:
            rows.append(
                (
                    *("pooled", None, None, f"{r.method} {r.test}", None, None, None, r.measure),
                    *blank,
                    *(r.estimate, r.low, r.high, r.level, 100.0, None, None, None),
                )
            )
            if r.prediction is not None:
                p = r.prediction
                rows.append(
                    (
                        *("prediction", None, None, "prediction interval", None, None, None),
                        r.measure,
                        *blank,
                        *(None, p.low, p.high, r.level, *none4),
                    )
                )
        else:
            rows.append(
                (
                    *("pooled", None, None, None, None, None, None, self.measure),
                    *blank,
                    *(None, None, None, lvl, None, None, None, self.reason),
                )
            )
        for s in self.sensitivity:
            sr = s.result
            tail = (
                (sr.estimate, sr.low, sr.high, sr.level, *none4)
                if sr is not None
                else (None, None, None, lvl, None, None, None, s.note)
            )
            head = ("sensitivity", "; ".join(s.omitted) or None, None, s.name, None, None, None)
            rows.append((*head, self.measure, *blank, *tail))
        for e in self.excluded:
            rows.append(
                (
                    *("excluded", e.study, e.finding, e.label),
                    *none4,
                    *blank,
                    *(None,) * 7,
                    f"{e.reason}: {e.detail}",
                )
            )
        return self.CSV_COLUMNS, rows

    def to_csv(self) -> str:
        """CSV of [`to_rows`][vitk2.to_rows]; no cell starts a spreadsheet formula."""
        headers, rows = self.to_rows()
        return table_csv(headers, rows)

    def to_data(self) -> dict[str, Any]:
        """The meta-analysis as plain data (what `to_json` writes)."""
        r = self.result
        return {
            "indication": self.indication.id,
            "endpoint": self.endpoint.id,
            "compound": self.compound.id if self.compound is not None else None,
            "comparator": self.comparator,
            "designs": [d.value for d in self.designs],
            "measure": self.measure,
            "contrasts": [
                {
                    "study": c.study,
                    "finding": c.finding,
                    "label": c.label,
                    "design": c.design.value,
                    "group": c.group,
                    "reference": c.reference,
                    "measure": c.measure,
                    "events": list(c.events) if c.events is not None else None,
                    "totals": list(c.totals) if c.totals is not None else None,
                    "means": list(c.means) if c.means is not None else None,
                    "sds": list(c.sds) if c.sds is not None else None,
                    "unit": c.unit,
                    "yi": c.yi,
                    "vi": c.vi,
                    "estimate": c.estimate,
                    "low": c.low,
                    "high": c.high,
                    "weight": c.weight,
                    "corrected": c.corrected,
                    "participants": c.participants,
                    "integrity": list(c.concerns),
                    "verified": c.verified,
                    "blinding": c.blinding.value if c.blinding is not None else None,
                    "timepoint": c.timepoint,
                }
                for c in self.contrasts
            ],
            "result": json.loads(r.to_json()) if r is not None else None,
            "reason": self.reason,
            "excluded": [
                {
                    "study": e.study,
                    "finding": e.finding,
                    "label": e.label,
                    "reason": e.reason.value,
                    "detail": e.detail,
                }
                for e in self.excluded
            ],
            "sensitivity": [
                {
                    "kind": s.kind.value,
                    "name": s.name,
                    "omitted": list(s.omitted),
                    "result": json.loads(s.result.to_json()) if s.result is not None else None,
                    "note": s.note,
                }
                for s in self.sensitivity
            ],
            "lineage": self.lineage.to_dict(),
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        """JSON text of `to_data`, without control characters."""
        return inert_json(json.dumps(self.to_data(), ensure_ascii=False, indent=2))

    def _repr_html_(self) -> str:
        """HTML for a notebook: escaped text, three tables."""
        parts = [
            '<div class="vitk2-meta">',
            f"<h3>{html_text(self.title())}</h3>",
            f"<p>{html_text(self.summary())}</p>",
        ]
        if self.contrasts:
            parts.append(table_html(self.CONTRAST_COLUMNS, self._contrast_cells()))
            parts += [f"<p><small>{html_text(note)}</small></p>" for note in self.footnotes()]
        if self.sensitivity:
            parts.append(
                table_html(
                    self.SENSITIVITY_COLUMNS,
                    self._sensitivity_cells(),
                    caption="Sensitivity analyses",
                )
            )
        if self.excluded:
            parts.append(
                table_html(
                    self.EXCLUDED_COLUMNS,
                    self._excluded_cells(),
                    caption=f"Left out ({len(self.excluded)})",
                )
            )
        parts.append(f"<p><small>{html_text(self.lineage.text)}</small></p></div>")
        return "".join(parts)

    def to_html(self) -> str:
        """The same HTML a notebook shows."""
        return self._repr_html_()

    # -- plot -------------------------------------------------------------------------------

    def plot(self, path: str | Path | None = None) -> Figure:
        """A forest plot of the contrasts and the pooled result.

        One row per study ("Author year") with its weight, the pooled diamond, the prediction
        interval and the line of no effect; a log axis for ratios.

        Args:
            path: Where to save it; the format follows the suffix (``.svg``, ``.png``,
                ``.pdf``). Nothing is saved without a path.

        Returns:
            The matplotlib figure (without pyplot: nothing is shown, no global state).

        Raises:
            MissingDependencyError: If matplotlib is not installed.
            MetaAnalysisError: If there is no contrast to draw.
        """
        return _forest(self, path)


# --------------------------------------------------------------------------------------------
# Eligibility


@attrs.frozen
class _Candidate:
    study: m.Study
    finding: m.Finding
    label: str
    design: m.Design
    group: str | None
    reference: str | None
    natural: str  # the measure it gives when none is asked for
    concerns: tuple[str, ...]
    verified: bool
    order: int


@attrs.frozen(kw_only=True)
class _Screen:
    """What decides which findings a meta-analysis can pool, as asked."""

    designs: frozenset[m.Design]
    compound: m.Compound | None = None
    comparator: str | None = None
    comparator_kind: m.ComparatorKind | None = None
    comparator_compound: str | None = None
    include_retracted: bool = False
    include_flagged: bool = True
    include_unverified: bool = False

    @property
    def asked(self) -> str:
        """The designs asked for, in words (said of each finding of another design)."""
        return ", ".join(sorted(str(d) for d in self.designs))


def _arm_name(study: m.Study, gid: str | None) -> str | None:
    if gid is None:
        return None
    try:
        return study.group(gid).name
    except KeyError:
        return gid


def _arm_compounds(study: m.Study, gid: str) -> frozenset[str]:
    try:
        return frozenset(c.id for c in study.group_compounds(gid))
    except KeyError:
        return frozenset()


class _Arms:
    """`_arm_compounds`, each study's arm or phase worked out once.

    A study's arms are read for each of its findings, and for each question that takes the
    finding in.
    """

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], frozenset[str]] = {}

    def __call__(self, study: m.Study, gid: str) -> frozenset[str]:
        key = (study.id, gid)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = _arm_compounds(study, gid)
        return found


_ArmCompounds = Callable[[m.Study, str], frozenset[str]]
"""What an arm received: `_arm_compounds`, or an `_Arms` that keeps each."""


def _active_comparator(
    study: m.Study, group: str | None, ref: str | None, arms: _ArmCompounds = _arm_compounds
) -> frozenset[str]:
    """What the reference arm receives that the compared group does not: an active comparator.

    Empty for placebo, no treatment, or an add-on design (vitamin D in both arms, vitamin K2
    added in one), whose contrast is the effect of what was added.
    """
    if group is None or ref is None:
        return frozenset()
    return arms(study, ref) - arms(study, group)


def _arms_of(f: m.Finding, groups: tuple[str, ...]) -> tuple[str, str] | None:
    """The (group, reference) arm ids a contrast compares, or None when they are not named."""
    ref = f.comparator.group if f.comparator is not None else None
    if f.group is not None and ref is not None:
        return (f.group, ref) if f.group in groups and ref in groups else None
    if len(groups) == 2:
        if f.group is not None and f.group in groups:
            return f.group, next(g for g in groups if g != f.group)
        if ref is not None and ref in groups:
            return next(g for g in groups if g != ref), ref
    return None


def _timepoint_key(f: m.Finding) -> float:
    t = f.outcome.timepoint
    return -float(t.magnitude()) if t is not None else 0.0


def _trial_keys(study: m.Study) -> frozenset[str]:
    ids = {c.id for c in study.reports}
    ids.update(c.reports_on for c in study.reports if c.reports_on is not None)
    return frozenset(ids)


def _designs(design: object) -> frozenset[m.Design]:
    from ._query import _enums

    return _enums(m.Design, design, "design")


def _check_choice(value: object, name: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise CriteriaError(f"{name} must be one of {', '.join(choices)} (got {value!r})")


def meta_analysis(
    base: EvidenceBase,
    indication: str | m.Indication,
    endpoint: str | m.Endpoint,
    *,
    compound: str | m.Compound | None = None,
    comparator: str | None = None,
    design: str | m.Design | Sequence[str | m.Design] | None = None,
    measure: MeasureName | None = None,
    method: _meta.Method = "REML",
    test: _meta.Test = "knha",
    include_retracted: bool = False,
    include_flagged: bool = True,
    include_unverified: bool = False,
    level: float = 0.95,
) -> MetaAnalysis:
    """Pool the two-arm contrasts of one endpoint in one indication, one per study.

    Args:
        base: The evidence.
        indication: An indication name or record; its subtypes are included.
        endpoint: An endpoint name or record; narrower endpoints are included (``"fracture"``
            takes vertebral and hip fractures in).
        compound: Keep contrasts whose group received this compound and whose reference arm
            did not.
        comparator: Keep contrasts against this comparator: a comparator kind (``"placebo"``,
            ``"no_treatment"``, ``"usual_care"``, ``"active"``) as curated on the finding, or
            a compound the reference arm received.
        design: The designs to pool (names such as ``"rct"`` or [`Design`][vitk2.Design]
            members); randomised controlled trials by default. Systematic reviews are never
            pooled: their estimates are listed as context.
        measure: ``"RR"``, ``"OR"`` or ``"RD"`` for counts, ``"MD"`` or ``"SMD"`` for means,
            ``"HR"`` for reported hazard ratios; by default the one measure the contrasts
            have (counts give risk ratios).
        method: The estimator of tau² (``"REML"``, ``"DL"``, ``"PM"``, ``"ML"``) or ``"EE"``.
        test: ``"knha"`` (Hartung-Knapp, the default) or ``"z"``.
        include_retracted: Keep findings that rest on a retracted publication.
        include_flagged: Keep findings under another integrity concern or notice (they are
            kept by default and left out in a sensitivity analysis).
        include_unverified: Keep values a fact sheet marks unverified.
        level: The confidence level, in (0, 1).

    Returns:
        The [`MetaAnalysis`][vitk2.MetaAnalysis].

    Raises:
        UnknownNameError: For an unknown indication, endpoint, compound or design.
        CriteriaError: For an unknown measure, method or test, or a level outside (0, 1).
        MetaAnalysisError: When the contrasts have different measures or scales and no
            ``measure`` is given.

    *Added in version 0.2.0*.
    """
    ind = indication if isinstance(indication, m.Indication) else base.indication(indication)
    end = endpoint if isinstance(endpoint, m.Endpoint) else base.endpoint(endpoint)
    comp = (
        None
        if compound is None
        else compound
        if isinstance(compound, m.Compound)
        else base.compound(compound)
    )
    if measure is not None:
        _check_choice(measure, "measure", _MEASURES)
    _check_choice(method, "method", METHODS)
    _check_choice(test, "test", ("z", "knha"))
    lvl: object = level  # checked as the user may pass anything
    if isinstance(lvl, bool) or not isinstance(lvl, (int, float)) or not 0 < lvl < 1:
        raise CriteriaError(f"level must be between 0 and 1 (got {level!r})")
    for name, flag in (
        ("include_retracted", include_retracted),
        ("include_flagged", include_flagged),
        ("include_unverified", include_unverified),
    ):
        if not isinstance(flag, bool):
            raise CriteriaError(f"{name} must be True or False (got {flag!r})")
    designs = (
        _designs(design)
        if design is not None
        else frozenset({m.Design.RANDOMISED_CONTROLLED_TRIAL})
    )
    comparator_kind: m.ComparatorKind | None = None
    comparator_compound: str | None = None
    if comparator is not None:
        key = comparator.strip().lower().replace(" ", "_").replace("-", "_")
        for k in m.ComparatorKind:
            if key == k.value:
                comparator_kind = k
                break
        else:
            comparator_compound = base.compound(comparator).id

    ind_ids = {i.id for i in base.subtypes(ind)}
    end_ids = {end.id} | {e.id for e in base.narrower_endpoints(end)}
    # the findings of the indication and endpoint, from the base's table, in base order
    selected = base._index.select_findings(ind_ids, end_ids)

    excluded: list[LeftOut] = []
    reviews: list[LeftOut] = []
    screen = _Screen(
        designs=designs,
        compound=comp,
        comparator=comparator,
        comparator_kind=comparator_kind,
        comparator_compound=comparator_compound,
        include_retracted=include_retracted,
        include_flagged=include_flagged,
        include_unverified=include_unverified,
    )
    candidates = _screen(base, selected, screen, excluded, reviews)
    measure, chosen = _choose(candidates, measure, ind, end, excluded)
    prepared = _effects(chosen, measure, level, excluded)
    excluded.extend(reviews)
    result: _meta.MetaResult | None = None
    reason: str | None = None
    if len(prepared) >= 2:
        rows = [(d["label"], d["yi"], d["vi"], d["corrected"]) for d in prepared]
        result = _meta.pool(_effect_sizes(rows, measure), method=method, test=test, level=level)
        contrasts = [Contrast(**d, weight=w) for d, w in zip(prepared, result.weights, strict=True)]
    else:
        contrasts = [Contrast(**d) for d in prepared]
    if len(contrasts) == 1:
        reason = f"only one study ({contrasts[0].label}) has a contrast to pool"
    elif not contrasts:
        reason = "no study has a two-arm contrast of this endpoint to pool"

    sensitivity = _sensitivity(contrasts, measure, method, test, level) if result else ()
    notes: list[str] = []
    if result is not None and test == "knha":
        wald = _meta.pool(
            _effect_sizes(_rows(contrasts), measure), method=method, test="z", level=level
        )
        if result.coef_high - result.coef_low < wald.coef_high - wald.coef_low:
            notes.append(
                f"the Hartung-Knapp interval is narrower than the Wald one ({_fmt(wald.low)} to "
                f"{_fmt(wald.high)}), as it can be with few studies that agree; test='z' gives "
                "the wider one"
            )
        elif result.k == 2:
            notes.append(
                "with two studies the Hartung-Knapp interval rests on one degree of freedom and "
                f"is wider than the Wald one ({_fmt(wald.low)} to {_fmt(wald.high)}); test='z' "
                "gives the Wald interval"
            )
    lineage = MetaLineage(
        source=base,
        dataset=base.dataset.id if base.dataset is not None else None,
        version=base.dataset.version if base.dataset is not None else None,
        method=method,
        test=test,
        level=float(level),
        vitk2=_version(),
    )
    return MetaAnalysis(
        indication=ind,
        endpoint=end,
        compound=comp,
        comparator=comparator,
        designs=tuple(sorted(designs, key=lambda d: -d.rank)),
        measure=measure,
        contrasts=tuple(contrasts),
        result=result,
        reason=reason,
        excluded=tuple(excluded),
        sensitivity=sensitivity,
        lineage=lineage,
        notes=tuple(notes),
    )


_CONTRASTS: Final = (m.ArmCounts, m.Effect, m.GroupSummaries)


def _study_id(pair: tuple[m.Study, m.Finding]) -> str:
    return pair[0].id


def _not_a_contrast(
    s: m.Study,
    f: m.Finding,
    fdesign: m.Design,
    designs: frozenset[m.Design],
    asked: str,
    said: dict[m.Design, str],
) -> tuple[Reason, str] | None:
    """Why a finding is no contrast of a design asked for, the first reason that applies.

    A review's estimate is `Reason.REVIEW`, shown as context. ``asked`` is the designs asked
    for in words; ``said`` keeps the words said of each other design, worked out once (most
    findings of a large base are of one of a few such designs).
    """
    st = f.statistic
    if fdesign is m.Design.SYSTEMATIC_REVIEW or s.design is m.Design.SYSTEMATIC_REVIEW:
        detail = f"a review's pooled estimate, shown as context: {_statistic_words(st)}"
        cmp = f.comparator
        if cmp is not None and (cmp.studies is not None or cmp.participants is not None):
            detail += f" against {cmp}"
        if isinstance(st, m.Effect) and (st.studies or st.participants):
            behind = [
                f"{st.studies} {'study' if st.studies == 1 else 'studies'}" if st.studies else "",
                f"{st.participants:,} participants" if st.participants else "",
            ]
            detail += f"; behind it: {', '.join(x for x in behind if x)}"
        if s.includes:
            detail += f"; it includes {', '.join(s.includes)}"
        return Reason.REVIEW, detail
    if isinstance(st, m.Narrative):
        return Reason.NARRATIVE, "stated in words, with no number to pool"
    if isinstance(st, m.BeforeAfter):
        return Reason.WITHIN_ARM, "a change within one arm, not a contrast with a control"
    if isinstance(st, m.Cumulative):
        return Reason.CUMULATIVE, "Kaplan-Meier percentages without counts or a hazard ratio"
    if isinstance(st, m.TestResult):
        return Reason.INCOMPLETE, "a test's p-value without an estimate or counts: nothing to pool"
    if not isinstance(st, _CONTRASTS):
        return Reason.SINGLE_ARM, f"one arm's {st.kind.replace('_', ' ')}, not a contrast"
    if fdesign not in designs:
        words = said.get(fdesign)
        if words is None:
            words = said[fdesign] = f"{fdesign}, not {asked} (pass design= to include it)"
        return Reason.DESIGN, words
    return None


def _screen(
    base: EvidenceBase,
    selected: Sequence[tuple[m.Study, m.Finding]],
    screen: _Screen,
    excluded: list[LeftOut] | None,
    reviews: list[LeftOut] | None,
    places: Sequence[int] | None = None,
    received: _ArmCompounds | None = None,
) -> list[_Candidate]:
    """The findings that can be pooled, in base order; every other one in ``excluded``.

    ``selected`` are (study, finding) pairs in base order; a review's estimate goes to
    ``reviews`` (shown as context), every other finding left out to ``excluded``, each with
    the first reason that applies. Without ``excluded`` (None), nothing is recorded: a
    finding that is not a contrast of a design asked for is passed over at a glance, with
    no words about it. A candidate's ``order`` is its place in ``selected`` (from 1), or in
    the base when ``places`` gives each pair's. ``received`` reads what an arm received (by
    default an `_Arms` for this screen).
    """
    if received is None:
        received = _Arms()
    candidates: list[_Candidate] = []
    designs = screen.designs
    comp = screen.compound
    comparator = screen.comparator
    comparator_kind = screen.comparator_kind
    comparator_compound = screen.comparator_compound
    asked = screen.asked
    not_asked: dict[m.Design, str] = {}  # the words said of each design not asked for
    quiet = excluded is None or reviews is None
    left: list[LeftOut] = [] if excluded is None else excluded
    study: m.Study | None = None
    label = ""
    for n, (s, f) in enumerate(selected):
        if s is not study:
            study = s
            label = "" if quiet else s.citation.label  # worked out when needed
        order = n + 1 if places is None else places[n]
        st = f.statistic
        fdesign = f.basis or s.design
        if quiet:
            if (
                fdesign not in designs
                or s.design is m.Design.SYSTEMATIC_REVIEW
                or fdesign is m.Design.SYSTEMATIC_REVIEW
                or not isinstance(st, _CONTRASTS)
            ):
                continue
            label = label or s.citation.label
        else:
            assert reviews is not None
            first = _not_a_contrast(s, f, fdesign, designs, asked, not_asked)
            if first is not None:
                (reviews if first[0] is Reason.REVIEW else left).append(
                    LeftOut(study=s.id, finding=f.id, label=label, reason=first[0], detail=first[1])
                )
                continue
        assert isinstance(st, _CONTRASTS)

        def leave(
            reason: Reason, detail: str, f: m.Finding = f, s: m.Study = s, label: str = label
        ) -> None:
            left.append(
                LeftOut(
                    study=s.id,
                    finding=f.id,
                    label=label,  # the study's, worked out once above
                    reason=reason,
                    detail=detail,
                )
            )

        arms: tuple[str, str] | None = None
        if isinstance(st, (m.ArmCounts, m.GroupSummaries)):
            arms = _arms_of(f, f.statistic_groups)
            if arms is None:
                leave(Reason.INCOMPLETE, "the arms compared are not named")
                continue
        group = arms[0] if arms else f.group
        ref = (
            arms[1]
            if arms
            else (f.comparator.group if f.comparator is not None else None)
            or (st.reference if isinstance(st, m.Effect) else None)
        )
        if comp is not None:
            why = _compound_reason(base, s, f, group, ref, comp, received)
            if why is not None:
                leave(Reason.COMPOUND, why)
                continue
        active = _active_comparator(s, group, ref, received)
        recorded = f.comparator.kind if f.comparator is not None else None
        # the arms decide when they are known (an add-on design is not an active comparator);
        # a kind recorded without arms (a review's) decides otherwise
        if recorded is m.ComparatorKind.ACTIVE and ref is None and f.comparator is not None:
            active = frozenset(c.id for c in f.comparator.compounds) or frozenset({"?"})
        if comparator_kind is None and comparator_compound is None and active:
            names = ", ".join(
                sorted(base.compound(c).name if c != "?" else "recorded as active" for c in active)
            )
            leave(
                Reason.COMPARATOR,
                f"an active comparator ({names}): pooled apart from placebo, untreated and "
                "add-on controls; comparator='active' (or the compound) pools such contrasts",
            )
            continue
        if comparator_kind is not None:
            kind = f.comparator.kind if f.comparator is not None else None
            if kind is None and comparator_kind is m.ComparatorKind.ACTIVE and active:
                kind = m.ComparatorKind.ACTIVE  # the arms say so
            if kind is not comparator_kind:
                if kind is not None:
                    why = f"comparator kind {kind}, not {comparator_kind}"
                else:  # a curator can record it
                    arm = f" (its arm: {_arm_name(s, ref)})" if ref is not None else ""
                    why = (
                        f"the comparator's kind is not recorded{arm}; comparator.kind "
                        f"in the data selects it as {comparator_kind}"
                    )
                leave(Reason.COMPARATOR, why)
                continue
        if comparator_compound is not None:
            named = {c.id for c in f.comparator.compounds} if f.comparator else set()
            if ref is not None:
                named |= received(s, ref)
            if comparator_compound not in named:
                leave(Reason.COMPARATOR, f"the comparator did not receive {comparator}")
                continue
        flagged = base._integrity(s, f)
        retracted = [c.id for c in flagged if c.integrity.is_retracted]
        if retracted and not screen.include_retracted:
            leave(Reason.RETRACTED, f"rests on a retracted publication: {', '.join(retracted)}")
            continue
        if flagged and not screen.include_flagged:
            leave(
                Reason.INTEGRITY,
                "rests on a publication under an integrity concern or notice: "
                + ", ".join(f"{c.id} ({c.integrity.status})" for c in flagged),
            )
            continue
        verified = f.verified
        if not verified and not screen.include_unverified:
            leave(
                Reason.UNVERIFIED,
                "a value is marked unverified (pass screen.include_unverified=True to keep it)",
            )
            continue
        natural, why = _natural_measure(st)
        if natural is None:
            leave(Reason.INCOMPLETE if why.startswith("no ") else Reason.MEASURE, why)
            continue
        candidates.append(
            _Candidate(
                study=s,
                finding=f,
                label=label,
                design=fdesign,
                group=group,
                reference=ref,
                natural=natural,
                concerns=tuple(f"{c.id}: {c.integrity.status}" for c in flagged),
                verified=verified,
                order=order,
            )
        )

    return candidates


class PoolableContrasts:
    """The contrasts `meta_analysis` would pool, without the rest of its answer.

    Called with an indication, an endpoint, a compound (or None) and a measure (or None), it
    gives the measure and the contrasts of ``base.meta_analysis(indication, endpoint,
    compound=..., measure=..., include_unverified=...)`` with every other option at its
    default, each contrast as there but without its weight: no pooled result, no sensitivity
    analyses, no records of what is left out. The findings of each indication and endpoint are
    screened once: a compound keeps those of them whose contrast is its effect, which is the
    screen with the compound asked for (the compound's check is one more condition to meet).
    A summary asks this once per row.

    Raises (when called):
        MetaAnalysisError: As `meta_analysis` does, when no measure is given and the
            contrasts have several.
    """

    def __init__(self, base: EvidenceBase, include_unverified: bool) -> None:
        self._base = base
        self._screen = _Screen(
            designs=frozenset({m.Design.RANDOMISED_CONTROLLED_TRIAL}),
            include_unverified=include_unverified,
        )
        # (indication, endpoint) -> the candidates, and compound id -> those that are its effect
        self._screened: dict[
            tuple[str, str], tuple[list[_Candidate], dict[str, list[_Candidate]]]
        ] = {}
        # (indication, one endpoint) -> its candidates, each with the compounds it is the
        # effect of; an endpoint's findings are screened once for it and its broader ones
        self._endpoints: dict[tuple[str, str], list[tuple[_Candidate, list[str]]]] = {}
        self._indications: dict[str, frozenset[str]] = {}  # an indication and its subtypes
        self._arms = _Arms()
        # each question's chosen contrasts, or the reason and measures of its MetaAnalysisError:
        # rows of several forms (or none) all ask with no compound, each for its own findings
        self._answers: dict[tuple[str, str, str | None, str | None], _Chosen | MetaAnalysisError]
        self._answers = {}

    def __call__(
        self,
        indication: m.Indication,
        endpoint: m.Endpoint,
        compound: m.Compound | None,
        measure: MeasureName | None,
        wanted: Collection[str] | None = None,
    ) -> tuple[str, tuple[Contrast, ...]]:
        """The measure and the contrasts; with ``wanted``, only those of these findings.

        The contrasts of some findings are those of the whole answer that come from them:
        labels, the scale of mean differences and one contrast per study are worked out
        over every finding of the question, and only the wanted ones are turned into
        contrasts. A summary's row wants its own few findings of a question that has many.
        """
        asked = (indication.id, endpoint.id, None if compound is None else compound.id, measure)
        answer = self._answers.get(asked)
        if answer is None:
            try:
                answer = self._answer(indication, endpoint, compound, measure)
            except MetaAnalysisError as err:
                answer = err
            self._answers[asked] = answer
        if isinstance(answer, MetaAnalysisError):
            raise MetaAnalysisError(answer.reason, answer.measures)
        if wanted is None:
            return answer.measure, answer.contrasts()
        return answer.measure, answer.contrasts(wanted)

    def _answer(
        self,
        indication: m.Indication,
        endpoint: m.Endpoint,
        compound: m.Compound | None,
        measure: MeasureName | None,
    ) -> _Chosen:
        key = (indication.id, endpoint.id)
        found = self._screened.get(key)
        if found is None:
            found = self._screened[key] = self._screened_for(indication, endpoint)
        candidates = found[0] if compound is None else found[1].get(compound.id, [])
        chosen_measure, chosen = _choose(list(candidates), measure, indication, endpoint, [])
        return _Chosen(chosen_measure, chosen)

    def _screened_for(
        self, indication: m.Indication, endpoint: m.Endpoint
    ) -> tuple[list[_Candidate], dict[str, list[_Candidate]]]:
        """The candidates of an indication and endpoint, in base order, and by compound.

        The endpoint's narrower endpoints are taken in; a candidate is under each compound
        whose effect it is.
        """
        base = self._base
        inds = self._indications.get(indication.id)
        if inds is None:
            inds = self._indications[indication.id] = frozenset(
                i.id for i in base.subtypes(indication)
            )
        ends = dict.fromkeys([endpoint.id, *(e.id for e in base.narrower_endpoints(endpoint))])
        each = [self._of_endpoint(indication.id, inds, e) for e in ends]
        # each finding is under one endpoint: the lists merged by place are in base order
        merged = each[0] if len(each) == 1 else heapq.merge(*each, key=_place)
        candidates: list[_Candidate] = []
        by_compound: dict[str, list[_Candidate]] = {}
        for c, effect_of in merged:
            candidates.append(c)
            for cid in effect_of:
                by_compound.setdefault(cid, []).append(c)
        return candidates, by_compound

    def _of_endpoint(
        self, indication: str, inds: frozenset[str], endpoint: str
    ) -> list[tuple[_Candidate, list[str]]]:
        """The candidates of one endpoint (not its narrower ones), each with its compounds.

        The findings of the indication and its subtypes, screened once for every question
        that takes the endpoint in; each candidate comes with the compounds whose effect it is.
        """
        key = (indication, endpoint)
        found = self._endpoints.get(key)
        if found is None:
            base = self._base
            idx = base._index
            table = idx.findings_by_indication_endpoint
            places = sorted({p for i in inds for p in table.get(i, {}).get(endpoint, ())})
            pairs = idx.findings_in_order
            selected = [pairs[p] for p in places]
            candidates = _screen(base, selected, self._screen, None, None, places, self._arms)
            found = self._endpoints[key] = [
                (c, _effect_of(base, c.study, c.finding, c.group, c.reference, self._arms))
                for c in candidates
            ]
        return found


def _place(pair: tuple[_Candidate, list[str]]) -> int:
    return pair[0].order


class _Chosen:
    """A question's measure and its one candidate per study, turned into contrasts on demand."""

    __slots__ = ("_all", "chosen", "labels", "measure", "unit")

    def __init__(self, measure: MeasureName, chosen: list[_Candidate]) -> None:
        self.measure = measure
        self.chosen = chosen
        self.labels = _unique_labels([c.label for c in chosen])
        self.unit = _scale(chosen, measure)
        self._all: tuple[Contrast, ...] | None = None

    def contrasts(self, wanted: Collection[str] | None = None) -> tuple[Contrast, ...]:
        """Every contrast, or those of the ``wanted`` findings, as the whole answer has them."""
        if wanted is None:
            if self._all is None:
                self._all = tuple(
                    Contrast(**d) for d in _effects(self.chosen, self.measure, 0.95, [])
                )
            return self._all
        pairs = [
            (c, x) for c, x in zip(self.chosen, self.labels, strict=True) if c.finding.id in wanted
        ]
        if not pairs:
            return ()
        some, labels = zip(*pairs, strict=True)
        prepared = _effects(list(some), self.measure, 0.95, [], list(labels), self.unit)
        return tuple(Contrast(**d) for d in prepared)


def _scale(chosen: Sequence[_Candidate], measure: str) -> Quantity | None:
    """The scale `_effects` puts mean differences on: the first one's unit (None for none).

    The first contrast of means, or of a reported mean difference, sets it, whether or not
    its effect can be estimated.
    """
    for c in chosen:
        st = c.finding.statistic
        if isinstance(st, m.GroupSummaries):
            assert c.group is not None
            return Quantity(1.0, st.get(c.group).value.unit)
        if measure == "MD" and isinstance(st, m.Effect):
            assert st.unit is not None
            return Quantity(1.0, st.unit)
    return None


def _group_compounds(
    base: EvidenceBase,
    s: m.Study,
    f: m.Finding,
    group: str | None,
    arms: _ArmCompounds = _arm_compounds,
) -> frozenset[str] | set[str]:
    """The compounds the compared group received (the study's or finding's when unknown)."""
    named = isinstance(f.statistic, (m.ArmCounts, m.GroupSummaries))  # these name both arms
    if group is None or not named:
        return {c.id for c in s.compounds_of(f)}
    return arms(s, group) | {c.id for c in f.compounds}


def _compound_reason(
    base: EvidenceBase,
    s: m.Study,
    f: m.Finding,
    group: str | None,
    ref: str | None,
    comp: m.Compound,
    arms: _ArmCompounds = _arm_compounds,
) -> str | None:
    """Why a contrast of ``group`` against ``ref`` is not the effect of ``comp`` (or None)."""
    if comp.id not in _group_compounds(base, s, f, group, arms):
        return f"the group did not receive {comp.name}"
    if ref is not None and comp.id in arms(s, ref):
        return f"both arms received {comp.name}: the contrast is not its effect"
    return None


def _effect_of(
    base: EvidenceBase,
    s: m.Study,
    f: m.Finding,
    group: str | None,
    ref: str | None,
    arms: _ArmCompounds = _arm_compounds,
) -> list[str]:
    """The compounds for which `_compound_reason` finds none: those the contrast is the effect of."""
    have = _group_compounds(base, s, f, group, arms)
    both = arms(s, ref) if ref is not None else frozenset()
    return [cid for cid in have if cid not in both]


def _choose(
    candidates: list[_Candidate],
    measure: MeasureName | None,
    ind: m.Indication,
    end: m.Endpoint,
    excluded: list[LeftOut],
) -> tuple[MeasureName, list[_Candidate]]:
    """The measure pooled and one candidate per study; what is left out goes to ``excluded``.

    Raises:
        MetaAnalysisError: When no measure is asked for and the contrasts have several.
    """
    # which measure; then one contrast per study
    if measure is not None:
        kept = []
        for c in candidates:
            if _can_give(c.finding.statistic, c.natural, measure):
                kept.append(c)
            else:
                excluded.append(
                    LeftOut(
                        study=c.study.id,
                        finding=c.finding.id,
                        label=c.label,
                        reason=Reason.MEASURE,
                        detail=f"a {_MEASURE_NAMES[c.natural]}, not a {_MEASURE_NAMES[measure]}",
                    )
                )
        candidates = kept
    chosen = _one_per_study(candidates, excluded)
    if measure is None:
        found: dict[str, list[str]] = {}
        for c in chosen:
            found.setdefault(c.natural, []).append(c.finding.id)
        if len(found) > 1:
            listed = "; ".join(f"{k}: {', '.join(v)}" for k, v in found.items())
            raise MetaAnalysisError(
                f"the contrasts of {end.name} in {ind.name} have different measures ({listed}); "
                "pass measure= (one of RR, OR, RD, HR, MD, SMD) to pool one of them",
                tuple((k, tuple(v)) for k, v in found.items()),
            )
        measure = cast("MeasureName", next(iter(found), "RR"))

    return measure, chosen


def _version() -> str:
    from . import __version__

    return __version__


def _natural_measure(st: m.ArmCounts | m.Effect | m.GroupSummaries) -> tuple[str | None, str]:
    """The measure a contrast gives when none is asked for, or None and why it gives none."""
    if isinstance(st, m.ArmCounts):
        if st.counts is m.CountKind.EVENTS:
            return None, "counts events, not participants: no 2x2 table"
        return "RR", ""
    if isinstance(st, m.Effect):
        name = _EFFECT_MEASURES.get(st.measure)
        if name is None:
            return None, f"a {st.measure}, which is not pooled"
        if st.low is None or st.high is None:
            return None, "no confidence interval reported"
        if st.per is not None:
            return None, f"a rate per {st.per}, not an effect on one scale"
        if name == "MD" and st.unit is None:
            return None, "no unit for the mean difference"
        if not st.low < st.high:
            return None, "no width to the interval reported"
        return name, ""
    for s in st.summaries:
        if s.measure not in (m.SummaryMeasure.MEAN, m.SummaryMeasure.PERCENT_CHANGE):
            return None, f"a {s.measure} in {s.group}, not a mean"
        if s.spread_kind not in (m.Spread.SD, m.Spread.SE) or s.spread is None:
            return None, f"no SD or SE in {s.group}"
        if s.n is None:
            return None, f"no n in {s.group}"
    return "MD", ""


def _can_give(st: m.Statistic, natural: str, measure: str) -> bool:
    if isinstance(st, m.ArmCounts):
        return measure in _BINARY
    if isinstance(st, m.GroupSummaries):
        return measure in _CONTINUOUS
    return natural == measure


def _kind_rank(st: m.Statistic) -> int:
    return 0 if isinstance(st, m.ArmCounts) else 1 if isinstance(st, m.GroupSummaries) else 2


def _one_per_study(candidates: list[_Candidate], excluded: list[LeftOut]) -> list[_Candidate]:
    """One contrast per study, and per trial reported twice.

    A study's counts come before its summaries and those before its reported effects; then
    the longest follow-up; then the first in the file.
    """
    by_study: dict[str, list[_Candidate]] = {}
    for c in candidates:
        by_study.setdefault(c.study.id, []).append(c)
    chosen: list[_Candidate] = []
    seen: dict[str, str] = {}  # citation id -> study id already used
    for group in by_study.values():
        if len(group) > 1:
            group.sort(
                key=lambda c: (_kind_rank(c.finding.statistic), _timepoint_key(c.finding), c.order)
            )
        best = group[0]
        for other in group[1:]:
            excluded.append(
                LeftOut(
                    study=other.study.id,
                    finding=other.finding.id,
                    label=other.label,
                    reason=Reason.DUPLICATE,
                    detail=(
                        f"the study's contrast is {best.finding.id}"
                        + (
                            " (another arm against the same comparator: counting both would "
                            "count its participants twice; compound= picks the arm)"
                            if other.group != best.group and other.reference == best.reference
                            else ""
                        )
                    ),
                )
            )
        keys = _trial_keys(best.study)
        twin = next((seen[k] for k in sorted(keys) if k in seen), None)
        if twin is not None:
            excluded.append(
                LeftOut(
                    study=best.study.id,
                    finding=best.finding.id,
                    label=best.label,
                    reason=Reason.DUPLICATE,
                    detail=f"another report of the trial of {twin}, which is counted",
                )
            )
            continue
        for k in keys:
            seen[k] = best.study.id
        chosen.append(best)
    chosen.sort(key=lambda c: c.order)
    return chosen


def _effects(
    chosen: list[_Candidate],
    measure: str,
    level: float,
    excluded: list[LeftOut],
    labels: list[str] | None = None,
    unit: Quantity | None = None,
) -> list[dict[str, Any]]:
    """Each chosen contrast as the fields of a `Contrast` of ``measure`` (no weight).

    ``labels`` and ``unit`` (the scale of mean differences) are those of a larger answer
    that ``chosen`` is part of; by default they are worked out from ``chosen``: each label
    made unique, the first contrast's unit.
    """
    z = critical_value(level)
    ratio = measure in ("RR", "OR", "HR")
    out: list[dict[str, Any]] = []
    if labels is None:
        labels = _unique_labels([c.label for c in chosen])
    # every 2x2 table in one call: the engine's checks once, not once per study
    tables: dict[str, tuple[int, int, int, int]] = {}
    for c, label in zip(chosen, labels, strict=True):
        st = c.finding.statistic
        if isinstance(st, m.ArmCounts) and c.group is not None and c.reference is not None:
            a, b = st.arm(c.group), st.arm(c.reference)
            tables[label] = (a.events, a.total, b.events, b.total)
    counted: dict[str, _meta.EffectSize] = {}
    not_estimable: dict[str, str] = {}
    if tables and measure in _BINARY:
        cols = list(zip(*tables.values(), strict=True))
        es = _meta.binary(
            cols[0],
            cols[1],
            cols[2],
            cols[3],
            measure=cast("Literal['RR', 'OR', 'RD']", measure),
            labels=list(tables),
        )
        counted = {row.label: row for row in es.rows}
        not_estimable = {e.label: e.reason for e in es.excluded}
    for c, label in zip(chosen, labels, strict=True):
        st = c.finding.statistic
        s = c.study
        fields: dict[str, Any] = {}
        try:
            if isinstance(st, m.ArmCounts):
                ev1, n1, ev2, n2 = tables[label]
                if label not in counted:
                    excluded.append(
                        LeftOut(
                            study=s.id,
                            finding=c.finding.id,
                            label=c.label,
                            reason=Reason.NOT_ESTIMABLE,
                            detail=f"{not_estimable[label]}: no {_MEASURE_NAMES[measure]}",
                        )
                    )
                    continue
                row = counted[label]
                fields = {"events": (ev1, ev2), "totals": (n1, n2), "participants": n1 + n2}
            elif isinstance(st, m.GroupSummaries):
                assert c.group is not None
                assert c.reference is not None
                g, r = st.get(c.group), st.get(c.reference)
                if unit is None:
                    unit = Quantity(1.0, g.value.unit)
                if g.value.unit.dimension is not unit.unit.dimension:
                    excluded.append(
                        LeftOut(
                            study=s.id,
                            finding=c.finding.id,
                            label=c.label,
                            reason=Reason.MEASURE,
                            detail=f"measured in {g.value.unit.value}, not in "
                            f"{unit.unit.value}: another scale",
                        )
                    )
                    continue
                means, sds, ns = [], [], []
                for x in (g, r):
                    assert x.spread is not None
                    assert x.n is not None
                    mean = x.value.to(unit.unit).value
                    spread = x.spread.to(unit.unit).value
                    sd = spread * math.sqrt(x.n) if x.spread_kind is m.Spread.SE else spread
                    means.append(mean)
                    sds.append(sd)
                    ns.append(x.n)
                es = _meta.continuous(
                    [means[0]],
                    [sds[0]],
                    [ns[0]],
                    [means[1]],
                    [sds[1]],
                    [ns[1]],
                    measure=cast("Literal['MD', 'SMD']", measure),
                    labels=[label],
                )
                row = es.rows[0]
                fields = {
                    "means": (means[0], means[1]),
                    "sds": (sds[0], sds[1]),
                    "totals": (ns[0], ns[1]),
                    "unit": unit.unit.value if measure == "MD" else None,
                    "participants": ns[0] + ns[1],
                }
            else:
                assert isinstance(st, m.Effect)
                assert st.low is not None
                assert st.high is not None
                value, low, high = st.value, st.low, st.high
                if measure == "MD":
                    assert st.unit is not None
                    if unit is None:
                        unit = Quantity(1.0, st.unit)
                    if st.unit.dimension is not unit.unit.dimension:
                        excluded.append(
                            LeftOut(
                                study=s.id,
                                finding=c.finding.id,
                                label=c.label,
                                reason=Reason.MEASURE,
                                detail=f"in {st.unit.value}, not in {unit.unit.value}: "
                                "another scale",
                            )
                        )
                        continue
                    value, low, high = (
                        Quantity(x, st.unit).to(unit.unit).value for x in (value, low, high)
                    )
                    fields["unit"] = unit.unit.value
                elif measure == "RD" and st.unit is Unit.PERCENT:  # points, as a fraction
                    value, low, high = value / 100, low / 100, high / 100
                es = _meta.from_estimates(
                    [value],
                    [low],
                    [high],
                    measure=cast("Literal['RR']", measure),
                    level=st.level,
                    labels=[label],
                )
                row = es.rows[0]
                fields["participants"] = st.participants
                if st.level == level:
                    fields["reported"] = (low, high)
        except StatisticsError as err:  # values pooling cannot use (an SD of 0, n of 1)
            excluded.append(
                LeftOut(
                    study=s.id,
                    finding=c.finding.id,
                    label=c.label,
                    reason=Reason.INCOMPLETE,
                    detail=str(err),
                )
            )
            continue
        half = z * math.sqrt(row.vi)
        nat = math.exp if ratio else float
        bounds = (nat(row.yi - half), nat(row.yi + half))
        if "reported" in fields:  # the interval as the source gives it, at the same level
            bounds = fields.pop("reported")
        out.append(
            {
                "study": s.id,
                "finding": c.finding.id,
                "label": label,
                "design": c.design,
                "group": _arm_name(s, c.group),
                "reference": _arm_name(s, c.reference)
                or (str(c.finding.comparator) if c.finding.comparator is not None else None),
                "statistic": st,
                "measure": measure,
                "yi": row.yi,
                "vi": row.vi,
                "estimate": nat(row.yi),
                "low": bounds[0],
                "high": bounds[1],
                "corrected": row.corrected,
                "concerns": c.concerns,
                "verified": c.verified,
                "blinding": s.blinding,
                "timepoint": str(c.finding.outcome.timepoint)
                if c.finding.outcome.timepoint is not None
                else None,
                **fields,
            }
        )
    return out


def _unique_labels(labels: Sequence[str]) -> list[str]:
    """``"Sato 2005"`` twice becomes ``"Sato 2005a"`` and ``"Sato 2005b"``."""
    counts: dict[str, int] = {}
    for x in labels:
        counts[x] = counts.get(x, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for x in labels:
        if counts[x] == 1:
            out.append(x)
            continue
        i = seen.get(x, 0)
        seen[x] = i + 1
        out.append(f"{x}{chr(ord('a') + i) if i < 26 else f'-{i + 1}'}")
    return out


def _rows(contrasts: Iterable[Contrast]) -> list[tuple[str, float, float, bool]]:
    return [(c.label, c.yi, c.vi, c.corrected) for c in contrasts]


def _effect_sizes(
    rows: Sequence[tuple[str, float, float, bool]], measure: str
) -> _meta.EffectSizes:
    sizes = [
        _meta.EffectSize(label=label, yi=yi, vi=vi, index=i, corrected=corrected)
        for i, (label, yi, vi, corrected) in enumerate(rows)
    ]
    return _meta.EffectSizes(rows=sizes, measure=cast("_meta.Measure", measure))


def _subset_result(
    kept: list[Contrast], measure: str, method: _meta.Method, test: _meta.Test, level: float
) -> tuple[_meta.MetaResult | None, str | None]:
    if not kept:
        return None, "no study is left"
    if len(kept) == 1:
        c = kept[0]
        return None, f"one study is left: {c.label}, {c.measure} {c.effect_text}"
    result = _meta.pool(_effect_sizes(_rows(kept), measure), method=method, test=test, level=level)
    return result, None


def _sensitivity(
    contrasts: list[Contrast], measure: str, method: _meta.Method, test: _meta.Test, level: float
) -> tuple[Sensitivity, ...]:
    out: list[Sensitivity] = []
    flagged = [c for c in contrasts if c.concerns]
    name = "without studies under an integrity concern or notice"
    if not flagged:
        out.append(
            Sensitivity(
                kind=SensitivityKind.INTEGRITY,
                name=name,
                note="no study is under an integrity concern or notice: the main result",
            )
        )
    else:
        result, note = _subset_result(
            [c for c in contrasts if not c.concerns], measure, method, test, level
        )
        out.append(
            Sensitivity(
                kind=SensitivityKind.INTEGRITY,
                name=name,
                omitted=tuple(c.study for c in flagged),
                result=result,
                note=note,
            )
        )
    open_label = [c for c in contrasts if c.blinding is m.Blinding.OPEN_LABEL]
    unknown = sum(1 for c in contrasts if c.blinding is None)
    untold = (
        f" ({unknown} {'study does' if unknown == 1 else 'studies do'} not record blinding)"
        if unknown
        else ""
    )
    name = "without open-label trials"
    if not open_label:
        out.append(
            Sensitivity(
                kind=SensitivityKind.OPEN_LABEL,
                name=name,
                note=f"no trial is recorded as open label{untold}: the main result",
            )
        )
    else:
        result, note = _subset_result(
            [c for c in contrasts if c.blinding is not m.Blinding.OPEN_LABEL],
            measure,
            method,
            test,
            level,
        )
        out.append(
            Sensitivity(
                kind=SensitivityKind.OPEN_LABEL,
                name=name + untold,
                omitted=tuple(c.study for c in open_label),
                result=result,
                note=note,
            )
        )
    if len(contrasts) > LEAVE_ONE_OUT_LIMIT:
        out.append(
            Sensitivity(
                kind=SensitivityKind.LEAVE_ONE_OUT,
                name="leaving out each study in turn",
                note=f"skipped: {len(contrasts)} studies (it is run for up to "
                f"{LEAVE_ONE_OUT_LIMIT}; vitk2.meta.leave_one_out runs it on any number)",
            )
        )
        return tuple(out)
    for i, c in enumerate(contrasts):
        result, note = _subset_result(
            contrasts[:i] + contrasts[i + 1 :], measure, method, test, level
        )
        out.append(
            Sensitivity(
                kind=SensitivityKind.LEAVE_ONE_OUT,
                name=f"without {c.label}",
                omitted=(c.study,),
                result=result,
                note=note,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Forest plot


def _forest(ma: MetaAnalysis, path: str | Path | None) -> Figure:
    try:
        from matplotlib.figure import Figure
        from matplotlib.patches import Polygon
    except ImportError:
        raise MissingDependencyError(
            f"the forest plot needs matplotlib, which is not installed ({_PLOT_HINT})"
        ) from None
    if not ma.contrasts:
        raise MetaAnalysisError(f"there is nothing to plot: {ma.reason}")
    plain: dict[str, Any] = {"parse_math": False, "usetex": False}
    r = ma.result
    rows = list(ma.contrasts)
    n = len(rows)
    extra = 2 + (1 if r is not None and r.prediction is not None else 0)
    height = 1.6 + 0.42 * (n + extra)
    fig = Figure(figsize=(10, height), dpi=110)
    ax = fig.add_axes((0.34, 1.0 / height, 0.36, 1 - 1.7 / height))
    ratio = ma.is_ratio
    null = 1.0 if ratio else 0.0
    top = n + extra
    lows = [c.low for c in rows]
    highs = [c.high for c in rows]
    if r is not None:
        lows.append(r.low)
        highs.append(r.high)
        if r.prediction is not None:
            lows.append(r.prediction.low)
            highs.append(r.prediction.high)
    max_w = max((c.weight or 0.0 for c in rows), default=0.0) or 100.0
    mixed = len({c.design for c in rows}) > 1  # then each row says its design
    lead = ax.get_yaxis_transform()
    right_x = 1.04

    def texts(y: float, left: str, right: str, **kw: Any) -> None:
        ax.text(
            -0.04, y, left, transform=lead, ha="right", va="center", fontsize=9.5, **plain, **kw
        )
        ax.text(
            right_x,
            y,
            right,
            transform=lead,
            ha="left",
            va="center",
            fontsize=9,
            family="monospace",
            **plain,
            **kw,
        )

    head_y = top + 0.2
    ax.text(
        -0.04,
        head_y,
        "study",
        transform=lead,
        ha="right",
        va="center",
        fontsize=9.5,
        fontweight="bold",
        **plain,
    )
    ax.text(
        right_x,
        head_y,
        f"{ma.measure + ' (' + level_text(ma.lineage.level) + ' CI)':<24} {'weight':>6}",
        transform=lead,
        ha="left",
        va="center",
        fontsize=9,
        fontweight="bold",
        family="monospace",
        **plain,
    )
    for i, c in enumerate(rows):
        y: float = top - 1 - i
        ax.plot([c.low, c.high], [y, y], color="#1f3b5a", lw=1.4, solid_capstyle="butt")
        size = 4 + 10 * math.sqrt((c.weight or max_w) / max_w)
        ax.plot([c.estimate], [y], marker="s", color="#1f3b5a", markersize=size, linestyle="none")
        weight = f"{c.weight:.1f}%" if c.weight is not None else ""
        flag = (" *" if c.concerns else "") + (" †" if not c.verified else "")
        design = f" ({_short_design(c.design)})" if mixed else ""
        if c.events is not None and c.totals is not None:  # the counts under the label
            texts(y + 0.17, f"{_clip(c.label, 40)}{design}{flag}", "")
            ax.text(
                -0.04,
                y - 0.22,
                f"{c.events[0]}/{c.totals[0]} vs {c.events[1]}/{c.totals[1]}",
                transform=lead,
                ha="right",
                va="center",
                fontsize=7.5,
                color="#59636e",
                **plain,
            )
            texts(y, "", f"{c.effect_text:<24} {weight:>6}")
        else:
            texts(y, f"{_clip(c.label, 40)}{design}{flag}", f"{c.effect_text:<24} {weight:>6}")
    if r is not None:
        y = top - 1 - n - 0.4
        diamond = Polygon(
            [(r.low, y), (r.estimate, y + 0.32), (r.high, y), (r.estimate, y - 0.32)],
            closed=True,
            facecolor="#b5462f",
            edgecolor="#7a2b1b",
        )
        ax.add_patch(diamond)
        texts(
            y,
            f"pooled ({r.method}, {'Hartung-Knapp' if r.test == 'knha' else 'z'})",
            f"{'('.join((_fmt(r.estimate) + ' ', _fmt(r.low))) + ' to ' + _fmt(r.high) + ')':<24}"
            f" {'100%':>6}",
            fontweight="bold",
        )
        if r.prediction is not None:
            py = y - 0.9
            ax.plot(
                [r.prediction.low, r.prediction.high],
                [py, py],
                color="#b5462f",
                lw=1.4,
                linestyle=(0, (4, 2)),
            )
            for x in (r.prediction.low, r.prediction.high):
                ax.plot([x, x], [py - 0.15, py + 0.15], color="#b5462f", lw=1.4)
            texts(
                py,
                "prediction interval",
                f"{_fmt(r.prediction.low)} to {_fmt(r.prediction.high)}",
                color="#7a2b1b",
            )
    ax.axvline(null, color="#555555", lw=0.9, zorder=0)
    if r is not None:
        ax.axvline(r.estimate, color="#b5462f", lw=0.7, linestyle=":", zorder=0)
    if ratio:
        ax.set_xscale("log")
        lo = min(min(lows), null) / 1.3
        hi = max(max(highs), null) * 1.3
        ax.set_xlim(lo, hi)
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        decades = math.log10(hi / lo)
        subs: tuple[float, ...] = (1.0, 2.0, 5.0) if decades <= 3.5 else (1.0,)
        if decades < 1:  # a narrow axis: enough ticks to read the intervals by
            subs = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs, numticks=12))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        span = max(max(highs), null) - min(min(lows), null)
        pad = 0.08 * span if span > 0 else 1.0
        ax.set_xlim(min(min(lows), null) - pad, max(max(highs), null) + pad)
    ax.set_ylim(top - 1 - n - extra + 0.6, top + 0.7)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=9)
    name = _MEASURE_NAMES[ma.measure] + (" (log scale)" if ratio else "")
    if ma.measure == "MD" and rows[0].unit:
        name += f", {rows[0].unit}"
    better = ma.endpoint.better
    treated = ma.compound.name if ma.compound is not None else "intervention"
    favours = ""
    if better is not m.Better.NEITHER:
        lower_good = better is m.Better.LOWER
        left, right = (treated, "comparator") if lower_good else ("comparator", treated)
        favours = f"\n← favours {left}    favours {right} →"
    ax.set_xlabel(name + favours, fontsize=9, **plain)
    fig.suptitle(ma.title(), fontsize=11, fontweight="bold", x=0.02, ha="left", **plain)
    keys = [
        text
        for text, present in (
            ("* under an integrity concern or notice", any(c.concerns for c in rows)),
            ("† a value is marked unverified", not all(c.verified for c in rows)),
        )
        if present
    ]
    if keys:
        fig.text(
            0.02,
            0.01,
            "    ".join(keys),
            fontsize=8,
            color="#59636e",
            **plain,
        )
    if path is not None:
        target = Path(path)
        fmt = target.suffix.lstrip(".").lower() or "png"
        import io

        import matplotlib

        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "vitk2-meta"}):
            fig.savefig(buf, format=fmt, metadata=_metadata(fmt))
        from ._render import write_atomic

        write_atomic(target, buf.getvalue())
    return fig


def _metadata(fmt: str) -> dict[str, Any]:
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    if fmt == "png":
        return {"Software": None}
    return {}


def _clip(text: str, limit: int) -> str:
    from ._render import terminal_text

    text = " ".join(terminal_text(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
