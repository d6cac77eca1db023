"""Hypothesis strategies for every vitk2 model class, for vitk2's own tests and for yours.

>>> from hypothesis import given
>>> from vitk2.testing import evidence_bases
>>> @given(evidence_bases())
... def test_my_report_never_crashes(base): ...

Every strategy generates valid objects only (the model's validators accept them), and leans on
the edges: empty optional fields, Unicode and YAML-lookalike text (``"yes"``, ``"~"``,
``"2023-02-30"``), counts at their boundaries (``events == 0``, ``events == total``), tiny and
huge quantities, and ``not reported`` values.

Classes that refer to other records (a [`Dose`][vitk2.Dose] to its compound, a
[`Study`][vitk2.Study] to its citations and indications) take the records to refer to as
keyword arguments; without them, fresh ones are drawn, and `base_for` builds the
[`EvidenceBase`][vitk2.EvidenceBase] that a ``loads(..., base=...)`` needs to resolve them.
`evidence_bases` draws whole consistent bases.

This module imports `hypothesis`, which is a test dependency (the ``test`` extra), not a
run-time one: ``import vitk2`` never imports this module or hypothesis.

*Added in version 0.1.0*.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, Final, TypeVar

import attrs
from hypothesis import strategies as st

from ._base import EvidenceBase
from ._consistency import participant_limits
from ._meta_effects import EffectSizes, binary, from_variances
from ._model import (
    _LIFETIME,
    NOT_REPORTED,
    AdverseEvent,
    Age,
    Arm,
    ArmCount,
    ArmCounts,
    BeforeAfter,
    Better,
    Blinding,
    Breakdown,
    Category,
    Certainty,
    Citation,
    Code,
    CodeSystem,
    Comparator,
    ComparatorKind,
    Compound,
    Count,
    CountKind,
    Cumulative,
    CumulativeArm,
    Dataset,
    Design,
    Direction,
    DocumentKind,
    Dose,
    Effect,
    EffectMeasure,
    Endpoint,
    EvidenceLevel,
    Exposure,
    Finding,
    Frequency,
    Funding,
    GroupRole,
    GroupSummaries,
    Indication,
    IndicationCategory,
    Integrity,
    IntegrityStatus,
    Locator,
    Narrative,
    NotReported,
    Outcome,
    OutcomeKind,
    Phase,
    Population,
    Proportion,
    Provenance,
    PValue,
    Quote,
    Regimen,
    Route,
    Setting,
    SexCounts,
    Spread,
    Statistic,
    Study,
    Summary,
    SummaryMeasure,
    TestResult,
    TimeToEvent,
    Verification,
)
from ._units import Dimension, Quantity, Unit

__all__ = [
    "adverse_events",
    "ages",
    "arm_counts",
    "arms",
    "base_for",
    "before_afters",
    "binary_tables",
    "breakdowns",
    "categories",
    "citations",
    "codes",
    "comparators",
    "compounds",
    "counts",
    "cumulative_arms",
    "cumulatives",
    "datasets",
    "doses",
    "effect_sizes",
    "effects",
    "endpoints",
    "evidence_bases",
    "evidence_levels",
    "findings",
    "frequencies",
    "fundings",
    "group_summaries",
    "ids",
    "indications",
    "integrities",
    "locators",
    "narratives",
    "not_reported",
    "outcomes",
    "p_values",
    "phases",
    "populations",
    "proportions",
    "provenances",
    "quantities",
    "quotes",
    "regimens",
    "reported_tests",
    "settings",
    "sex_counts",
    "single_arm_counts",
    "statistics",
    "strategy_for",
    "studies",
    "summaries",
    "texts",
    "times_to_event",
]

T = TypeVar("T")

# --------------------------------------------------------------------------------------------
# Text and ids

_NAMES = (
    "menatetrenone",
    "menaquinone-4",
    "MK-4",
    "vitamin K2",
    "phylloquinone",
    "alfacalcidol",
    "1α,25-dihydroxyvitamin D3",
    "Glakay®",
    "myelodysplastic syndrome",
    "hepatocellular carcinoma",
    "postmenopausal osteoporosis",
    "Iwamoto J",
    "ビタミンK2",
    "维生素K2",
    "Müller-Lüdenscheidt",
    "≥ 45 mg/day",
    "2 × 15 mg",
)
# Text a careless YAML or JSON writer would turn into something else.
_TRICKY = (
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "true",
    "1",
    "1.0",
    "0x1F",
    "0o17",
    "1_000",
    "1e3",
    "12:30",
    ".inf",
    ".nan",
    "2023-02-30",
    "2023-01-05",
    "- item",
    "key: value",
    "# not a comment",
    "'",
    '"',
    "*alias",
    "&anchor",
    "!!python/object/apply:os.system",
    "%YAML 1.2",
    "@",
    "`",
    "{",
    "[",
    "]",
    "}",
    "a, b",
    "?",
    "|",
    ">",
    "  leading spaces",
    "trailing spaces  ",
    "tab\there",
    "two\nlines",
    "crlf\r\nline",
    "nul\x00byte",
    "bell\x07",
    "bom\ufeffinside",
    "line\u2028separator",
    "next\x85line",
    "zero\u200bwidth",
    "emoji 💊",
    "עברית",
    "e\u0301",
    "\U0001d54d\U0001d55a\U0001d565",
)
_NOT_REPORTED_TEXT = "not reported"  # the file spelling of NOT_REPORTED


def _has_content(text: str) -> bool:
    return bool(text.strip())


def texts(*, max_size: int = 24) -> st.SearchStrategy[str]:
    """Non-blank text: realistic names, YAML lookalikes, and arbitrary Unicode.

    Args:
        max_size: The longest arbitrary text drawn (the realistic and tricky ones are fixed).

    Returns:
        A strategy for strings that the model's text validators accept.
    """
    return st.one_of(
        st.sampled_from(_NAMES),
        st.sampled_from(_TRICKY),
        st.text(min_size=1, max_size=max_size),
    ).filter(_has_content)


def _free_texts() -> st.SearchStrategy[str]:
    """Text for fields that also accept NOT_REPORTED: its spelling would read back as it."""
    return texts().filter(lambda s: s != _NOT_REPORTED_TEXT)


_SHORT_ID = r"[a-z0-9](?:[a-z0-9._-]{0,12}[a-z0-9])?"
_DOTLESS_ID = r"[a-z0-9](?:[a-z0-9_-]{0,8}[a-z0-9])?"


def ids(*, long: bool = True) -> st.SearchStrategy[str]:
    """Record ids: lowercase letters, digits, '.', '_' and '-', up to the 200-character limit.

    Args:
        long: Whether ids near the 200-character limit may be drawn.

    Returns:
        A strategy for strings that are valid ids (many look like YAML numbers or booleans).
    """
    short = st.one_of(
        st.from_regex(_SHORT_ID, fullmatch=True),
        st.sampled_from(["1", "0.5", "1e3", "null", "yes", "no", "on", "true", "0x1f", "1_0"]),
    )
    if not long:
        return short
    return st.one_of(short, st.from_regex(r"[a-z0-9][a-z0-9._-]{150,198}[a-z0-9]", fullmatch=True))


def _tuples(
    elements: st.SearchStrategy[T], *, max_size: int = 3, min_size: int = 0
) -> st.SearchStrategy[tuple[T, ...]]:
    return st.lists(elements, min_size=min_size, max_size=max_size).map(tuple)


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.one_of(st.none(), strategy)


def not_reported() -> st.SearchStrategy[NotReported]:
    """``NOT_REPORTED``, or a not-reported value with a note.

    Returns:
        A strategy for [`NotReported`][vitk2.NotReported] values.
    """
    return st.one_of(st.just(NOT_REPORTED), st.builds(NotReported, note=texts()))


def _or_not_reported(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | NotReported]:
    return st.one_of(strategy, not_reported())


# --------------------------------------------------------------------------------------------
# Quantities

_EDGE_VALUES = (
    0.0,
    -0.0,
    5e-324,  # the smallest subnormal
    2.2250738585072014e-308,  # the smallest normal
    1e-300,
    1e-9,
    0.1,
    0.75,
    45.0,
    1e15,
    2.0**53,
    1e300,
    1.7976931348623157e308,  # the largest float
)


def _magnitudes() -> st.SearchStrategy[float]:
    return st.one_of(
        st.sampled_from(_EDGE_VALUES),
        # Exact integers only: the converter writes integral values without a decimal point.
        st.integers(-(2**53), 2**53).map(float),
        st.integers(0, 10_000),  # an int, as a file's "45 mg" reads
        st.floats(allow_nan=False, allow_infinity=False),
    )


def _units_of(dimensions: Sequence[Dimension]) -> list[Unit]:
    return [u for u in Unit if not dimensions or u.dimension in dimensions]


def _below(most: Quantity, unit: Unit) -> float:
    """The largest float that is not more than ``most`` in ``unit`` (rounding never crosses it)."""
    exact = Fraction(most.value) * most.unit.factor / unit.factor
    limit = float(exact)
    return math.nextafter(limit, 0.0) if Fraction(limit) > exact else limit


def _magnitudes_up_to(limit: float) -> st.SearchStrategy[float]:
    return st.one_of(
        st.sampled_from([x for x in _EDGE_VALUES if 0 <= x <= limit] + [limit]),
        st.integers(0, math.floor(limit)).map(float),
        st.integers(0, min(10_000, math.floor(limit))),
        st.floats(0.0, limit),
    )


@st.composite
def quantities(
    draw: st.DrawFn,
    *,
    dimensions: Sequence[Dimension] = (),
    nonnegative: bool = False,
    most: Quantity | None = None,
) -> Quantity:
    """A [`Quantity`][vitk2.Quantity], from the smallest subnormal to the largest float.

    Args:
        draw: Supplied by hypothesis.
        dimensions: The dimensions the unit may measure (any when empty).
        nonnegative: Whether the value is 0 or more (a dose, a duration, a spread).
        most: The largest amount, in any unit of the dimensions (an age of 130 years); values
            are then drawn from 0 up to it.

    Returns:
        A quantity with a finite value.
    """
    unit = draw(st.sampled_from(_units_of(dimensions)))
    if most is not None:
        return Quantity(draw(_magnitudes_up_to(_below(most, unit))), unit)
    value = draw(_magnitudes())
    return Quantity(abs(value) if nonnegative else value, unit)


def _times() -> st.SearchStrategy[Quantity]:
    """Spans of a person's life: ages, durations, timepoints (0 to 130 years)."""
    return quantities(dimensions=(Dimension.TIME,), most=_LIFETIME)


# --------------------------------------------------------------------------------------------
# Codes, compounds, indications


def _cas_numbers() -> st.SearchStrategy[str]:
    def with_check_digit(body: str) -> str:
        digits = body.replace("-", "")
        total = sum(int(d) * (i + 1) for i, d in enumerate(reversed(digits)))
        return f"{body}-{total % 10}"

    return st.from_regex(r"[1-9][0-9]{1,6}-[0-9]{2}", fullmatch=True).map(with_check_digit)


@st.composite
def codes(draw: st.DrawFn, *, compound: bool | None = None) -> Code:
    """A [`Code`][vitk2.Code] whose text matches its system's pattern (and CAS check digit).

    Args:
        draw: Supplied by hypothesis.
        compound: True for compound systems only, False for indication systems only, None
            for any.

    Returns:
        A valid code.
    """
    systems = [s for s in CodeSystem if compound is None or s.for_compounds is compound]
    system = draw(st.sampled_from(systems))
    if system is CodeSystem.CAS:
        code = draw(_cas_numbers())
    else:
        code = draw(st.from_regex(system.pattern, fullmatch=True))
    return Code(
        system=system,
        code=code,
        status=draw(st.sampled_from(Verification)),
        note=draw(_optional(texts())),
    )


@st.composite
def compounds(draw: st.DrawFn, *, with_id: str | None = None) -> Compound:
    """A [`Compound`][vitk2.Compound] with Unicode names and codes from compound systems.

    Args:
        draw: Supplied by hypothesis.
        with_id: The id to give it (drawn when None).

    Returns:
        A valid compound.
    """
    return Compound(
        id=with_id if with_id is not None else draw(ids()),
        name=draw(texts()),
        compound_class=draw(texts()),
        family=draw(texts()),
        synonyms=draw(_tuples(texts())),
        brands=draw(_tuples(texts(), max_size=2)),
        codes=draw(_tuples(codes(compound=True), max_size=3)),
        notes=draw(_tuples(texts(), max_size=2)),
    )


_fresh_compounds = compounds  # for functions whose ``compounds`` argument hides the strategy


@st.composite
def indications(
    draw: st.DrawFn, *, with_id: str | None = None, parents: Sequence[str] | None = None
) -> Indication:
    """An [`Indication`][vitk2.Indication].

    Args:
        draw: Supplied by hypothesis.
        with_id: The id to give it (drawn when None).
        parents: The ids its parent may be; ``()`` for no parent, None for any id.

    Returns:
        A valid indication.
    """
    iid = with_id if with_id is not None else draw(ids())
    if parents is None:
        parent = draw(_optional(ids().filter(lambda p: p != iid)))
    else:
        choices = [p for p in parents if p != iid]
        parent = draw(_optional(st.sampled_from(choices))) if choices else None
    return Indication(
        id=iid,
        name=draw(texts()),
        category=draw(st.sampled_from(IndicationCategory)),
        synonyms=draw(_tuples(texts())),
        abbreviations=draw(_tuples(texts(max_size=6), max_size=2)),
        codes=draw(_tuples(codes(compound=False), max_size=3)),
        parent=parent,
        notes=draw(_tuples(texts(), max_size=2)),
    )


_fresh_indications = indications


@st.composite
def endpoints(
    draw: st.DrawFn, *, with_id: str | None = None, parents: Sequence[str] | None = None
) -> Endpoint:
    """An [`Endpoint`][vitk2.Endpoint] of the vocabulary, with codes from condition systems.

    Args:
        draw: Supplied by hypothesis.
        with_id: The id to give it (drawn when None).
        parents: The ids its parent may be; ``()`` for no parent, None for any id.

    Returns:
        A valid endpoint.

    *Added in version 0.2.0*.
    """
    eid = with_id if with_id is not None else draw(ids())
    if parents is None:
        parent = draw(_optional(ids().filter(lambda p: p != eid)))
    else:
        choices = [p for p in parents if p != eid]
        parent = draw(_optional(st.sampled_from(choices))) if choices else None
    return Endpoint(
        id=eid,
        name=draw(texts()),
        kind=draw(st.sampled_from(OutcomeKind)),
        better=draw(st.sampled_from(Better)),
        dimension=draw(_optional(texts())),
        synonyms=draw(_tuples(texts())),
        codes=draw(_tuples(codes(compound=False), max_size=2)),
        parent=parent,
        notes=draw(_tuples(texts(), max_size=2)),
    )


_fresh_endpoints = endpoints

# --------------------------------------------------------------------------------------------
# Citations and provenance


def _link(draw: st.DrawFn, own: str | None, pool: Sequence[str] | None) -> str | None:
    if pool is None:
        return draw(_optional(ids().filter(lambda x: x != own)))
    choices = [x for x in pool if x != own]
    return draw(_optional(st.sampled_from(choices))) if choices else None


_EARLIEST: Final = _dt.date(1800, 1, 1)


def _past_dates(since: int | None = None) -> st.SearchStrategy[_dt.date]:
    """Dates from 1800 (or the start of ``since``) to today: none is in the future."""
    earliest = _EARLIEST if since is None else _dt.date(since, 1, 1)
    return st.dates(min_value=earliest, max_value=max(earliest, _dt.date.today()))


@st.composite
def integrities(
    draw: st.DrawFn,
    *,
    notices: Sequence[str] | None = None,
    own: str | None = None,
    since: int | None = None,
) -> Integrity:
    """An [`Integrity`][vitk2.Integrity] record: status, date, notice and note.

    Args:
        draw: Supplied by hypothesis.
        notices: The citation ids the notice may be; ``()`` for none, None for any id.
        own: An id the notice must not be.
        since: The year of the publication it is about: the date (or year) is not before it.

    Returns:
        A valid integrity record; its date or year, when drawn, is not in the future, and a
        year beside a date is the date's.

    *Changed in version 0.2.0*.
       ``year`` is drawn too, alone or beside the date.
    """
    date = draw(_optional(_past_dates(since)))
    if date is not None:
        year = draw(st.sampled_from([None, date.year]))
    else:
        earliest = _EARLIEST.year if since is None else since
        year = draw(_optional(st.integers(earliest, max(earliest, _dt.date.today().year))))
    return Integrity(
        status=draw(st.sampled_from(IntegrityStatus)),
        date=date,
        year=year,
        notice=_link(draw, own, notices),
        note=draw(_optional(texts())),
    )


_LANGUAGES = st.one_of(
    st.sampled_from(["en", "zh", "ja", "de", "no", "yes", "zh-Hans", "en-GB", "pt-BR"]),
    st.from_regex(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}", fullmatch=True),
)


def _source(sources: Sequence[str] | None) -> st.SearchStrategy[str]:
    return ids() if sources is None else st.sampled_from(list(sources))


@st.composite
def quotes(draw: st.DrawFn, *, sources: Sequence[str] | None = None) -> Quote:
    """A verbatim [`Quote`][vitk2.Quote].

    Args:
        draw: Supplied by hypothesis.
        sources: The citation ids it may quote (any id when None; must not be empty).

    Returns:
        A valid quote.
    """
    return Quote(
        text=draw(texts(max_size=60)),
        source=draw(_source(sources)),
        language=draw(_LANGUAGES),
    )


@st.composite
def locators(draw: st.DrawFn, *, sources: Sequence[str] | None = None) -> Locator:
    """A [`Locator`][vitk2.Locator] into a cited document.

    Args:
        draw: Supplied by hypothesis.
        sources: The citation ids it may point into (any id when None; must not be empty).

    Returns:
        A valid locator.
    """
    return Locator(
        source=draw(_source(sources)),
        locator=draw(texts()),
        status=draw(st.sampled_from(Verification)),
    )


def provenances(*, sources: Sequence[str] | None = None) -> st.SearchStrategy[Provenance]:
    """A quote or a locator.

    Args:
        sources: The citation ids they may point into (any id when None; must not be empty).

    Returns:
        A strategy for provenance values.
    """
    return st.one_of(quotes(sources=sources), locators(sources=sources))


def _leaf_indications(
    pool: Sequence[Indication] | None, *, min_size: int
) -> st.SearchStrategy[list[Indication]]:
    """A list of indications from ``pool``, or fresh ones without parents."""
    if pool is not None:
        if not pool:
            return st.just([])
        return st.lists(
            st.sampled_from(list(pool)), min_size=min_size, max_size=3, unique_by=_id_of
        )
    return st.lists(indications(parents=()), min_size=min_size, max_size=2, unique_by=_id_of)


def _id_of(record: Any) -> str:
    return str(record.id)


@st.composite
def citations(
    draw: st.DrawFn,
    *,
    with_id: str | None = None,
    indications: Sequence[Indication] | None = None,
    links: Sequence[str] | None = None,
    earlier: Sequence[str] | None = None,
) -> Citation:
    """A [`Citation`][vitk2.Citation] with identifiers in their formats and not-reported fields.

    Args:
        draw: Supplied by hypothesis.
        with_id: The id to give it (drawn when None).
        indications: The indications it may be about (fresh ones without parents when None).
        links: The citation ids ``reports_on`` and the integrity notice may name; ``()`` for
            none, None for any id.
        earlier: The citation ids ``reports_on`` may name, when it must name fewer than
            ``links`` (the citations drawn before it, so that none report on each other in a
            cycle); ``links`` when None.

    Returns:
        A valid citation.
    """
    cid = with_id if with_id is not None else draw(ids())
    year = draw(st.one_of(_years(), not_reported()))
    return Citation(
        id=cid,
        kind=draw(st.sampled_from(DocumentKind)),
        authors=draw(_tuples(texts(), max_size=4)),
        title=draw(_or_not_reported(_free_texts())),
        journal=draw(_or_not_reported(_free_texts())),
        year=year,
        volume=draw(_optional(texts(max_size=6))),
        issue=draw(_optional(texts(max_size=6))),
        pages=draw(_optional(texts(max_size=10))),
        doi=draw(_optional(st.from_regex(r"10\.[0-9]{4,9}/[!-~]{1,30}", fullmatch=True))),
        pmid=draw(_optional(st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True))),
        pmcid=draw(_optional(st.from_regex(r"PMC[0-9]{4,9}", fullmatch=True))),
        url=draw(_optional(st.from_regex(r"https?://[!-~]{1,40}", fullmatch=True))),
        reports_on=_link(draw, cid, links if earlier is None else earlier),
        interim=draw(st.booleans()),
        curated=draw(st.booleans()),
        indications=tuple(draw(_leaf_indications(indications, min_size=0))),
        integrity=draw(
            integrities(notices=links, own=cid, since=year if isinstance(year, int) else None)
        ),
        notes=draw(_tuples(texts(), max_size=2)),
    )


_fresh_citations = citations


def _years() -> st.SearchStrategy[int]:
    """Publication years from 1800 to this year (a year ahead is allowed, not drawn)."""
    return st.integers(_EARLIEST.year, _dt.date.today().year)


# --------------------------------------------------------------------------------------------
# Statistics

# p-values as sources print them: a relation other than '=' is written as text with six
# significant digits, so only such values survive a round trip (see docs/reliability.md).
_PRINTED_P = st.one_of(
    st.integers(0, 10_000).map(lambda k: k / 10_000),
    st.sampled_from([0.0, 1.0, 0.05, 0.001, 1e-10, 2.2e-16, 1e-300]),
)


@st.composite
def p_values(draw: st.DrawFn) -> PValue:
    """A [`PValue`][vitk2.PValue]: any value in [0, 1] with '=', printed values otherwise.

    Some are printed with their decimal places (``0.060`` keeps 3), and some are one-sided.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid p-value; one with ``decimals`` is exactly the number it prints as.

    *Changed in version 0.2.0*.
       ``sided`` and ``decimals`` are drawn.
    """
    relation = draw(st.sampled_from(PValue.RELATIONS))
    sided = draw(st.sampled_from([2, 2, 1]))
    if draw(st.booleans()):  # as a source prints it, trailing zeros kept
        decimals = draw(st.integers(1, 6))
        scale = 10**decimals
        least = 1 if relation == "<" else 0  # no p-value is below 0
        top = scale - 1 if relation == ">" else scale  # nor above 1
        value = draw(st.one_of(st.sampled_from([least, top]), st.integers(least, top))) / scale
        return PValue(value=value, relation=relation, sided=sided, decimals=decimals)
    if relation == "=":
        value = draw(st.one_of(_PRINTED_P, st.floats(0.0, 1.0)))
    elif relation == "<":  # no p-value is below 0
        value = draw(_PRINTED_P.filter(lambda p: p > 0))
    elif relation == ">":  # nor above 1
        value = draw(_PRINTED_P.filter(lambda p: p < 1))
    else:
        value = draw(_PRINTED_P)
    return PValue(value=value, relation=relation, sided=sided)


_HUGE_COUNTS = (10**6, 10**9, 2**31, 10**12)


@st.composite
def proportions(draw: st.DrawFn, *, max_total: int = 10**12) -> Proportion:
    """A [`Proportion`][vitk2.Proportion], with ``events == 0`` and ``events == total`` often.

    Args:
        draw: Supplied by hypothesis.
        max_total: The largest denominator.

    Returns:
        A valid proportion; ``reported_percent``, when given, is events/total rounded.
    """
    total = draw(
        st.one_of(
            st.integers(1, min(60, max_total)),
            st.sampled_from([1, *(n for n in _HUGE_COUNTS if n <= max_total)]),
            st.integers(1, max_total),
        )
    )
    events = draw(st.one_of(st.sampled_from([0, total]), st.integers(0, total)))
    percent = None
    if draw(st.booleans()):
        percent = round(100 * events / total, draw(st.integers(0, 3)))
    return Proportion(
        events=events,
        total=total,
        counts=draw(st.sampled_from(CountKind)),
        reported_percent=percent,
    )


def _counts(*, positive: bool = False, most: int | None = None) -> st.SearchStrategy[int]:
    """Counts from 0 (1 if ``positive``) to ``most`` (unbounded when None), edges often."""
    least = 1 if positive else 0
    if most is None:
        return st.one_of(
            st.integers(least, 40), st.sampled_from([least, *_HUGE_COUNTS]), st.integers(least)
        )
    edges = [least, most, *(n for n in _HUGE_COUNTS if n <= most)]
    return st.one_of(
        st.integers(least, min(40, most)), st.sampled_from(edges), st.integers(least, most)
    )


@st.composite
def categories(draw: st.DrawFn, *, most: int | None = None) -> Category:
    """A [`Category`][vitk2.Category] of a breakdown.

    Args:
        draw: Supplied by hypothesis.
        most: The largest count (unbounded when None).

    Returns:
        A valid category.
    """
    return Category(label=draw(texts()), count=draw(_counts(most=most)))


@st.composite
def breakdowns(draw: st.DrawFn, *, most: int | None = None) -> Breakdown:
    """A [`Breakdown`][vitk2.Breakdown] with unique labels and a consistent ``among``.

    Args:
        draw: Supplied by hypothesis.
        most: The most participants it may count (the size of its group); unbounded when None.

    Returns:
        A valid breakdown: with ``most``, participants counted and ``among`` are at most it.
    """
    cats = draw(
        st.lists(categories(most=most), min_size=1, max_size=4, unique_by=lambda c: c.label)
    )
    kind = draw(st.sampled_from(CountKind))
    total = sum(c.count for c in cats)
    if most is not None and total > most:  # so many can only be events
        kind = CountKind.EVENTS
    room = total + 50 if most is None else most
    if kind is CountKind.PARTICIPANTS:
        among = draw(_optional(st.one_of(st.just(total), st.integers(total, room))))
    else:
        top = total if most is None else min(total, most)
        among = draw(_optional(st.one_of(st.just(top), st.integers(0, top))))
    return Breakdown(categories=tuple(cats), counts=kind, among=among)


@st.composite
def counts(draw: st.DrawFn, *, most: int | None = None) -> Count:
    """A [`Count`][vitk2.Count], zero and huge ones included.

    Args:
        draw: Supplied by hypothesis.
        most: The largest count (the size of its group); unbounded when None.

    Returns:
        A valid count.
    """
    return Count(value=draw(_counts(most=most)), counts=draw(st.sampled_from(CountKind)))


@st.composite
def summaries(
    draw: st.DrawFn,
    *,
    group: str | None = None,
    dimension: Dimension | None = None,
    most: int | None = None,
) -> Summary:
    """A [`Summary`][vitk2.Summary] of one group, with a spread in the same dimension or none.

    Args:
        draw: Supplied by hypothesis.
        group: The group's id (drawn when None).
        dimension: The dimension of its value (any when None).
        most: The size of the group: ``n`` is at most it (unbounded when None).

    Returns:
        A valid summary.
    """
    dims = (dimension,) if dimension is not None else ()
    value = draw(quantities(dimensions=dims))
    spread = draw(_optional(quantities(dimensions=(value.unit.dimension,), nonnegative=True)))
    spread_kind = draw(st.sampled_from(Spread)) if spread is not None else None
    measure = draw(st.sampled_from(SummaryMeasure))
    change = draw(_optional(st.booleans()))
    return Summary(
        group=group if group is not None else draw(ids()),
        measure=measure,
        value=value,
        spread=spread,
        spread_kind=spread_kind,
        n=draw(_optional(_counts(most=most))),
        change=True if measure is SummaryMeasure.PERCENT_CHANGE and change is False else change,
    )


@st.composite
def group_summaries(
    draw: st.DrawFn,
    *,
    groups: Sequence[str] | None = None,
    sizes: Mapping[str, int] | None = None,
) -> GroupSummaries:
    """A [`GroupSummaries`][vitk2.GroupSummaries] of two or more groups measured in one dimension.

    Args:
        draw: Supplied by hypothesis.
        groups: The group ids it may summarise (at least two; drawn when None).
        sizes: The most participants each group holds (no limit for a group not in it).

    Returns:
        A valid set of group summaries.
    """
    if groups is None:
        chosen = draw(st.lists(ids(long=False), min_size=2, max_size=4, unique=True))
    else:
        chosen = draw(st.lists(st.sampled_from(list(groups)), min_size=2, max_size=4, unique=True))
    dimension = draw(st.sampled_from(Dimension))
    return GroupSummaries(
        summaries=tuple(
            draw(summaries(group=g, dimension=dimension, most=(sizes or {}).get(g))) for g in chosen
        ),
        p_value=draw(_optional(p_values())),
        test=draw(_optional(texts())),
    )


@st.composite
def effects(draw: st.DrawFn, *, groups: Sequence[str] | None = None) -> Effect:
    """An [`Effect`][vitk2.Effect] whose interval, when given, contains the estimate.

    Args:
        draw: Supplied by hypothesis.
        groups: The group ids its ``reference`` may be; ``()`` for none, None for any id.

    Returns:
        A valid effect; ratios are positive.

    *Changed in version 0.2.0*.
       ``reference``, ``adjusted``, ``studies``, ``participants`` and ``decimals`` are drawn.
    """
    measure = draw(st.sampled_from(EffectMeasure))
    low: float | None = None
    high: float | None = None
    widths = st.floats(0.0, 10.0)
    if measure.is_ratio:
        value = draw(st.one_of(st.sampled_from([1.0, 0.87]), st.floats(1e-6, 1e6)))
        if draw(st.booleans()):
            low, high = value / (1 + draw(widths)), value * (1 + draw(widths))
    else:
        value = draw(st.one_of(st.sampled_from([0.0, -0.5]), st.floats(-1e6, 1e6)))
        if draw(st.booleans()):
            low, high = value - draw(widths), value + draw(widths)
    return Effect(
        measure=measure,
        value=value,
        low=low,
        high=high,
        level=draw(st.one_of(st.sampled_from([0.95, 0.9, 0.99]), st.floats(0.01, 0.999))),
        p_value=draw(_optional(p_values())),
        unit=None if measure.is_ratio else draw(_optional(st.sampled_from(Unit))),
        per=draw(
            _optional(
                st.one_of(
                    _times(),  # a rate of change, per a span of time
                    quantities(dimensions=_EXPOSURE_DIMENSIONS, nonnegative=True),  # per 10 µg/day
                ).filter(lambda q: q.value > 0)
            )
        ),
        approximate=draw(st.booleans()),
        reference=_member(draw, groups),
        adjusted=draw(_optional(st.booleans())),
        studies=draw(_optional(_counts(positive=True))),
        participants=draw(_optional(_counts(positive=True))),
        decimals=_shown_with(draw(_optional(st.integers(0, 6))), value, low, high),
    )


def _shown_with(decimals: int | None, *values: float | None) -> int | None:
    """``decimals`` if it shows every value as itself (as the model requires), else None."""
    if decimals is None:
        return None
    for x in values:
        if x is not None and float(f"{x:.{decimals}f}") != x:
            return None
    return decimals


_EXPOSURE_DIMENSIONS: Final = (Dimension.MASS_RATE, Dimension.MASS, Dimension.CONCENTRATION)


def _member(draw: st.DrawFn, pool: Sequence[str] | None) -> str | None:
    """None, or an id from ``pool`` (any id when None)."""
    if pool is None:
        return draw(_optional(ids(long=False)))
    return draw(_optional(st.sampled_from(list(pool)))) if pool else None


def _group_ids(
    draw: st.DrawFn, groups: Sequence[str] | None, *, min_size: int, max_size: int = 3
) -> list[str]:
    """``min_size`` to ``max_size`` distinct group ids from ``groups`` (drawn when None)."""
    if groups is None:
        return draw(st.lists(ids(long=False), min_size=min_size, max_size=max_size, unique=True))
    return draw(
        st.lists(st.sampled_from(list(groups)), min_size=min_size, max_size=max_size, unique=True)
    )


def _percent_of(draw: st.DrawFn, events: int, total: int) -> float | None:
    """None, or events/total as a percentage rounded as a source prints it."""
    if not draw(st.booleans()):
        return None
    return round(100 * events / total, draw(st.integers(0, 3)))


@st.composite
def single_arm_counts(
    draw: st.DrawFn, *, group: str | None = None, most: int | None = None
) -> ArmCount:
    """An [`ArmCount`][vitk2.ArmCount]: one arm's events out of its total.

    Args:
        draw: Supplied by hypothesis.
        group: The arm's id (drawn when None).
        most: The size of the arm: the total is at most it when it is 1 or more (unbounded
            when None).

    Returns:
        A valid arm count, ``events == 0`` and ``events == total`` often; its percentage,
        when given, is events/total rounded.

    *Added in version 0.2.0*.
    """
    top = most if most is not None and most >= 1 else None
    total = draw(_counts(positive=True, most=top))
    events = draw(st.one_of(st.sampled_from([0, total]), st.integers(0, total)))
    return ArmCount(
        group=group if group is not None else draw(ids()),
        events=events,
        total=total,
        reported_percent=_percent_of(draw, events, total),
    )


@st.composite
def arm_counts(
    draw: st.DrawFn,
    *,
    groups: Sequence[str] | None = None,
    sizes: Mapping[str, int] | None = None,
) -> ArmCounts:
    """An [`ArmCounts`][vitk2.ArmCounts] of two or more arms, with the between-arm test.

    Args:
        draw: Supplied by hypothesis.
        groups: The group ids its arms may be (at least two; drawn when None).
        sizes: The most participants each group holds (no limit for a group not in it).

    Returns:
        A valid set of arm counts, each arm once.

    *Added in version 0.2.0*.
    """
    chosen = _group_ids(draw, groups, min_size=2, max_size=4)
    return ArmCounts(
        arms=tuple(draw(single_arm_counts(group=g, most=(sizes or {}).get(g))) for g in chosen),
        counts=draw(st.sampled_from(CountKind)),
        p_value=draw(_optional(p_values())),
        test=draw(_optional(texts())),
    )


@st.composite
def before_afters(
    draw: st.DrawFn,
    *,
    groups: Sequence[str] | None = None,
    sizes: Mapping[str, int] | None = None,
) -> BeforeAfter:
    """A [`BeforeAfter`][vitk2.BeforeAfter]: one arm's values before and after, in one dimension.

    Args:
        draw: Supplied by hypothesis.
        groups: The group ids its arm may be (at least one; drawn when None).
        sizes: The most participants each group holds, for ``n`` (no limit for a group not
            in it).

    Returns:
        A valid before-and-after statistic whose spreads, when given, are said what they are.

    *Added in version 0.2.0*.
    """
    (group,) = _group_ids(draw, groups, min_size=1, max_size=1)
    before = draw(quantities())
    dims = (before.unit.dimension,)
    before_spread = draw(_optional(quantities(dimensions=dims, nonnegative=True)))
    after_spread = draw(_optional(quantities(dimensions=dims, nonnegative=True)))
    spread = before_spread is not None or after_spread is not None
    most = (sizes or {}).get(group)
    return BeforeAfter(
        group=group,
        measure=draw(st.sampled_from(SummaryMeasure)),
        before=before,
        after=draw(quantities(dimensions=dims)),
        before_spread=before_spread,
        after_spread=after_spread,
        spread_kind=draw(st.sampled_from(Spread)) if spread else None,
        n=draw(_optional(_counts(positive=True, most=most if most else None))),
        p_value=draw(_optional(p_values())),
        test=draw(_optional(texts())),
    )


@st.composite
def cumulative_arms(draw: st.DrawFn, *, group: str | None = None) -> CumulativeArm:
    """A [`CumulativeArm`][vitk2.CumulativeArm]: one arm's cumulative percentage.

    Args:
        draw: Supplied by hypothesis.
        group: The arm's id (drawn when None).

    Returns:
        A valid cumulative percentage, 0 and 100 often.

    *Added in version 0.2.0*.
    """
    percent = draw(st.one_of(st.sampled_from([0.0, 39.0, 100.0]), st.floats(0.0, 100.0)))
    return CumulativeArm(
        group=group if group is not None else draw(ids()),
        percent=percent,
        decimals=_shown_with(draw(_optional(st.integers(0, 3))), percent),
    )


@st.composite
def cumulatives(draw: st.DrawFn, *, groups: Sequence[str] | None = None) -> Cumulative:
    """A [`Cumulative`][vitk2.Cumulative] of one or more arms, the whole-curve test kept apart.

    Args:
        draw: Supplied by hypothesis.
        groups: The group ids its arms may be (at least one; drawn when None).

    Returns:
        A valid cumulative statistic, each arm once.

    *Added in version 0.2.0*.
    """
    chosen = _group_ids(draw, groups, min_size=1, max_size=3)
    return Cumulative(
        arms=tuple(draw(cumulative_arms(group=g)) for g in chosen),
        method=draw(_optional(st.one_of(st.just("Kaplan-Meier"), texts()))),
        curve_p_value=draw(_optional(p_values())),
        curve_test=draw(_optional(st.one_of(st.just("log-rank"), texts()))),
    )


@st.composite
def times_to_event(draw: st.DrawFn) -> TimeToEvent:
    """A [`TimeToEvent`][vitk2.TimeToEvent], censored or not.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid time to event.
    """
    return TimeToEvent(time=draw(_times()), event=draw(texts()), censored=draw(st.booleans()))


def narratives() -> st.SearchStrategy[Narrative]:
    """A [`Narrative`][vitk2.Narrative] finding.

    Returns:
        A strategy for narratives.
    """
    return st.builds(Narrative, summary=texts(max_size=80))


@st.composite
def reported_tests(draw: st.DrawFn, *, groups: Sequence[str] | None = None) -> TestResult:
    """A [`TestResult`][vitk2.TestResult]: a test as reported, with its p-value and no estimate.

    Args:
        draw: Supplied by hypothesis.
        groups: The group ids it may compare (two or more, or none; drawn when None).

    Returns:
        A valid test result.

    *Added in version 0.2.0*.
    """
    compared: list[str] = []
    if (groups is None or len(groups) >= 2) and draw(st.booleans()):
        compared = _group_ids(draw, groups, min_size=2, max_size=3)
    return TestResult(
        p_value=draw(p_values()),
        test=draw(_optional(st.one_of(st.sampled_from(["chi-squared", "log-rank"]), texts()))),
        statistic=draw(_optional(st.floats(allow_nan=False, allow_infinity=False))),
        df=draw(_optional(_counts(positive=True))),
        groups=tuple(compared),
    )


def statistics(
    *,
    groups: Sequence[str] | None = None,
    most: int | None = None,
    sizes: Mapping[str, int] | None = None,
) -> st.SearchStrategy[Statistic]:
    """Any kind of statistic.

    Args:
        groups: The group ids the statistic may name: a [`GroupSummaries`][vitk2.GroupSummaries] or an
            [`ArmCounts`][vitk2.ArmCounts] needs two (none is drawn with fewer), a
            [`TestResult`][vitk2.TestResult] compares two or none, a
            [`BeforeAfter`][vitk2.BeforeAfter] or a [`Cumulative`][vitk2.Cumulative] one, and an
            [`Effect`][vitk2.Effect]'s reference is one of them. Drawn freely when None.
        most: The most participants it may count (the size of the finding's group); no
            proportion is drawn when it is 0. Unbounded when None.
        sizes: The most participants each group holds, for the groups the statistic names
            (no limit for a group not in it).

    Returns:
        A strategy for statistics of every kind.

    *Changed in version 0.2.0*.
       Arm counts, before-and-after values, cumulative percentages and reported tests are
       drawn too.
    """
    kinds: list[st.SearchStrategy[Any]] = [
        breakdowns(most=most),
        counts(most=most),
        effects(groups=groups),
        times_to_event(),
        narratives(),
        reported_tests(groups=groups),
    ]
    if most is None or most >= 1:
        kinds.insert(0, proportions() if most is None else proportions(max_total=most))
    if groups is None or len(groups) >= 2:
        kinds.append(group_summaries(groups=groups, sizes=sizes))
        kinds.append(arm_counts(groups=groups, sizes=sizes))
    if groups is None or groups:
        kinds.append(before_afters(groups=groups, sizes=sizes))
        kinds.append(cumulatives(groups=groups))
    return st.one_of(kinds)


# --------------------------------------------------------------------------------------------
# Regimens, groups, populations

_TIME_UNITS = [u for u in Unit if u.dimension is Dimension.TIME]


@st.composite
def frequencies(draw: st.DrawFn) -> Frequency:
    """A [`Frequency`][vitk2.Frequency] such as three times a day.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid frequency.
    """
    times = draw(st.one_of(st.integers(1, 4), st.integers(1, 10**6)))
    return Frequency(times=times, per=draw(st.sampled_from(_TIME_UNITS)))


def _pick(draw: st.DrawFn, pool: Sequence[T] | None, fresh: st.SearchStrategy[T]) -> T:
    return draw(fresh if pool is None else st.sampled_from(list(pool)))


@st.composite
def doses(draw: st.DrawFn, *, compounds: Sequence[Compound] | None = None) -> Dose:
    """A [`Dose`][vitk2.Dose]: a daily amount, an amount with a frequency, or not reported.

    Args:
        draw: Supplied by hypothesis.
        compounds: The compounds it may give (a fresh one when None; must not be empty).

    Returns:
        A valid dose.
    """
    compound = _pick(draw, compounds, _fresh_compounds())
    amount = draw(
        _or_not_reported(
            quantities(
                dimensions=(Dimension.MASS, Dimension.MASS_RATE, Dimension.CONCENTRATION),
                nonnegative=True,
            )
        )
    )
    daily = isinstance(amount, Quantity) and amount.unit.dimension is Dimension.MASS_RATE
    frequency: Frequency | NotReported | None
    if daily:  # an amount per day takes no frequency
        frequency = draw(st.one_of(st.none(), not_reported()))
    else:
        frequency = draw(_optional(_or_not_reported(frequencies())))
    return Dose(
        compound=compound,
        amount=amount,
        frequency=frequency,
        route=draw(_or_not_reported(st.sampled_from(Route))),
    )


def _dose_tuples(
    compounds: Sequence[Compound] | None, *, max_size: int
) -> st.SearchStrategy[tuple[Dose, ...]]:
    """Doses of the pool's compounds; none at all when the pool is empty."""
    if compounds is not None and not compounds:
        return st.just(())
    return _tuples(doses(compounds=compounds), max_size=max_size)


def _compound_pool(draw: st.DrawFn, compounds: Sequence[Compound] | None) -> Sequence[Compound]:
    """``compounds``, or one or two fresh ones with distinct ids shared by a whole record."""
    if compounds is not None:
        return compounds
    return draw(st.lists(_fresh_compounds(), min_size=1, max_size=2, unique_by=_id_of))


def _durations() -> st.SearchStrategy[Quantity | NotReported | None]:
    return _optional(_or_not_reported(_times()))


def _chain(draw: st.DrawFn, n: int, most: int | None = None) -> list[int | NotReported | None]:
    """``n`` counts that never increase along the known ones, some absent or not reported.

    With ``most``, none is larger than it.
    """
    top = draw(_counts(most=most))
    values: list[int | NotReported | None] = []
    for _ in range(n):
        top = draw(st.integers(0, top))
        values.append(draw(st.sampled_from([top, top, None, NOT_REPORTED])))
    return values


@st.composite
def phases(
    draw: st.DrawFn,
    *,
    with_id: str | None = None,
    compounds: Sequence[Compound] | None = None,
    most: int | None = None,
) -> Phase:
    """A [`Phase`][vitk2.Phase] whose eligible >= entered >= evaluable where known.

    Args:
        draw: Supplied by hypothesis.
        with_id: The id to give it (drawn when None).
        compounds: The compounds its doses may give (fresh ones when None).
        most: The most participants its arm holds: no count is larger (unbounded when None).

    Returns:
        A valid phase.
    """
    compounds = _compound_pool(draw, compounds)
    eligible, entered, evaluable = _chain(draw, 3, most)
    return Phase(
        id=with_id if with_id is not None else draw(ids()),
        name=draw(texts()),
        doses=draw(_dose_tuples(compounds, max_size=2)),
        duration=draw(_durations()),
        entry=draw(_optional(texts())),
        eligible=eligible,
        entered=entered,
        evaluable=evaluable,
    )


@st.composite
def regimens(
    draw: st.DrawFn,
    *,
    compounds: Sequence[Compound] | None = None,
    phase_ids: Sequence[str] | None = None,
    most: int | None = None,
) -> Regimen:
    """A [`Regimen`][vitk2.Regimen]: doses for a duration, phases, or procedures only.

    Args:
        draw: Supplied by hypothesis.
        compounds: The compounds its doses may give (fresh ones when None).
        phase_ids: The ids its phases take, in order; ``()`` for an unphased regimen, None to
            draw them.
        most: The most participants its arm holds, for the counts of its phases.

    Returns:
        A valid regimen.
    """
    compounds = _compound_pool(draw, compounds)
    if phase_ids is None:
        phase_ids = draw(
            st.one_of(st.just([]), st.lists(ids(long=False), min_size=1, max_size=2, unique=True))
        )
    background = draw(_dose_tuples(compounds, max_size=1))
    procedures = draw(_tuples(texts(), max_size=2))
    common: dict[str, Any] = {
        "background": background,
        "continuation": draw(_optional(texts())),
        "total_duration": draw(_optional(_times())),
    }
    if phase_ids:
        return Regimen(
            phases=tuple(
                draw(phases(with_id=p, compounds=compounds, most=most)) for p in phase_ids
            ),
            procedures=procedures,
            **common,
        )
    regimen_doses = draw(_dose_tuples(compounds, max_size=2))
    if not regimen_doses and not procedures:
        if not compounds:
            procedures = (draw(texts()),)
        else:
            regimen_doses = (draw(doses(compounds=compounds)),)
    return Regimen(
        doses=regimen_doses, duration=draw(_durations()), procedures=procedures, **common
    )


@st.composite
def sex_counts(draw: st.DrawFn, *, size: int | None = None) -> SexCounts:
    """A [`SexCounts`][vitk2.SexCounts]; with ``size``, the counts add up to at most it.

    Args:
        draw: Supplied by hypothesis.
        size: The group's size, when known.

    Returns:
        Valid sex counts.
    """
    room = size if size is not None else 10**9
    female = draw(st.one_of(st.integers(0, room), not_reported()))
    left = room - (female if isinstance(female, int) else 0)
    male = draw(st.one_of(st.integers(0, left), st.just(left), not_reported()))
    return SexCounts(female=female, male=male)


@st.composite
def ages(draw: st.DrawFn) -> Age:
    """An [`Age`][vitk2.Age] as reported.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid age.
    """
    return Age(measure=draw(st.sampled_from(SummaryMeasure)), value=draw(_times()))


def _size(most: int | None = None) -> st.SearchStrategy[int | NotReported | None]:
    return st.one_of(st.none(), not_reported(), _counts(most=most))


@st.composite
def arms(
    draw: st.DrawFn,
    *,
    with_id: str | None = None,
    compounds: Sequence[Compound] | None = None,
    phase_ids: Sequence[str] | None = None,
    most: int | None = None,
) -> Arm:
    """An [`Arm`][vitk2.Arm], with or without a regimen, whose sex counts fit its size.

    Args:
        draw: Supplied by hypothesis.
        with_id: The id to give it (drawn when None).
        compounds: The compounds its doses may give (fresh ones when None).
        phase_ids: As for `regimens`; with phase ids the arm always has a regimen.
        most: The study's enrolment: the arm and its phases are no larger (unbounded when
            None).

    Returns:
        A valid arm.
    """
    compounds = _compound_pool(draw, compounds)
    size = draw(_size(most))
    known = size if isinstance(size, int) else None
    if phase_ids:
        regimen: Regimen | None = draw(
            regimens(
                compounds=compounds, phase_ids=phase_ids, most=known if known is not None else most
            )
        )
    else:
        regimen = draw(_optional(regimens(compounds=compounds, phase_ids=())))
    return Arm(
        id=with_id if with_id is not None else draw(ids()),
        name=draw(texts()),
        role=draw(st.sampled_from(GroupRole)),
        regimen=regimen,
        size=size,
        sex=draw(_optional(sex_counts(size=known))),
        description=draw(_optional(texts())),
    )


@st.composite
def populations(draw: st.DrawFn) -> Population:
    """A [`Population`][vitk2.Population] whose evaluable <= enrolled and sex counts fit.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid population.
    """
    enrolled, evaluable = _chain(draw, 2)
    known = enrolled if isinstance(enrolled, int) else None
    return Population(
        description=draw(texts()),
        enrolled=enrolled,
        evaluable=evaluable,
        age=draw(st.one_of(st.none(), not_reported(), ages())),
        sex=draw(_optional(sex_counts(size=known))),
        subtypes=draw(_tuples(texts(max_size=8))),
        risk_groups=draw(_tuples(texts(max_size=8))),
    )


@st.composite
def settings(draw: st.DrawFn) -> Setting:
    """A [`Setting`][vitk2.Setting], its countries often not reported.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid setting.
    """
    return Setting(
        country=draw(_or_not_reported(_free_texts())),
        region=draw(_optional(texts())),
        multicentre=draw(_optional(st.booleans())),
        affiliation_country=draw(_or_not_reported(_free_texts())),
    )


# --------------------------------------------------------------------------------------------
# Findings and studies


@st.composite
def outcomes(draw: st.DrawFn, *, endpoints: Sequence[Endpoint] | None = None) -> Outcome:
    """An [`Outcome`][vitk2.Outcome], naming an endpoint or none.

    Args:
        draw: Supplied by hypothesis.
        endpoints: The endpoints it may name; ``()`` for none, None for a fresh one without
            a parent.

    Returns:
        A valid outcome.

    *Changed in version 0.2.0*.
       ``endpoint`` is drawn.
    """
    if endpoints is None:
        endpoint = draw(_optional(_fresh_endpoints(parents=())))
    else:
        endpoint = draw(_optional(st.sampled_from(list(endpoints)))) if endpoints else None
    return Outcome(
        name=draw(texts()),
        kind=draw(st.sampled_from(OutcomeKind)),
        definition=draw(_optional(texts())),
        criteria=draw(_optional(texts())),
        timepoint=draw(_optional(_times())),
        site=draw(_optional(texts())),
        endpoint=endpoint,
    )


@st.composite
def comparators(
    draw: st.DrawFn,
    *,
    groups: Sequence[str] | None = None,
    compounds: Sequence[Compound] | None = None,
) -> Comparator:
    """A [`Comparator`][vitk2.Comparator]: a reference arm, a kind of control, compounds or words.

    Args:
        draw: Supplied by hypothesis.
        groups: The group ids its reference arm may be (not the finding's own group); ``()``
            for none, None for any id.
        compounds: The compounds it may name (fresh ones when None).

    Returns:
        A valid comparator; one that names nothing else has a description.

    *Added in version 0.2.0*.
    """
    compounds = _compound_pool(draw, compounds)
    group = _member(draw, groups)
    kind = draw(_optional(st.sampled_from(ComparatorKind)))
    named = tuple(draw(_subset(compounds)))
    description = draw(_optional(texts()))
    if group is None and kind is None and not named and description is None:
        description = draw(texts())
    return Comparator(
        group=group,
        kind=kind,
        compounds=named,
        studies=draw(_optional(_counts(positive=True))),
        participants=draw(_optional(_counts(positive=True))),
        description=description,
    )


def _subset(pool: Sequence[T], *, max_size: int = 2) -> st.SearchStrategy[list[T]]:
    if not pool:
        return st.just([])
    return st.lists(st.sampled_from(list(pool)), max_size=max_size, unique_by=_id_of)


@st.composite
def findings(
    draw: st.DrawFn,
    *,
    with_id: str | None = None,
    indications: Sequence[Indication] | None = None,
    compounds: Sequence[Compound] | None = None,
    sources: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    rests_on: Sequence[str] | None = None,
    sizes: Mapping[str, int] | None = None,
    size: int | None = None,
    endpoints: Sequence[Endpoint] | None = None,
) -> Finding:
    """A [`Finding`][vitk2.Finding] with a statistic of any kind and at least one provenance.

    The statistic names only the finding's groups; the finding of arm counts is in one of
    its arms (or none) and its comparator, text or typed, names another of them (or none).

    Args:
        draw: Supplied by hypothesis.
        with_id: The id to give it (drawn when None).
        indications: The indications it may be about (a fresh one without parent when None).
        compounds: The compounds it may name (fresh ones when None).
        sources: The citation ids its provenance may point into (any when None).
        groups: The group ids it may be in; ``()`` for none, None for any id.
        rests_on: The citation ids it may rest on; None for any id.
        sizes: The most participants each group holds (no limit for a group not in it): the
            size of an arm or phase, else the study's enrolment.
        size: The most participants the study holds, for a finding in no group.
        endpoints: The endpoints its outcome may name; ``()`` for none, None for fresh ones
            without parents.

    Returns:
        A valid finding whose counts of participants fit its group.

    *Changed in version 0.2.0*.
       ``comparator`` may be typed, the statistic of any new kind, the outcome's endpoint
       drawn from ``endpoints``.
    """
    compounds = _compound_pool(draw, compounds)
    if endpoints is None:
        endpoints = draw(st.lists(_fresh_endpoints(parents=()), max_size=2, unique_by=_id_of))
    group_pool = (
        groups if groups is not None else draw(st.lists(ids(long=False), max_size=3, unique=True))
    )
    group = draw(_optional(st.sampled_from(list(group_pool)))) if group_pool else None
    most = size if group is None else (sizes or {}).get(group)
    statistic = draw(statistics(groups=group_pool, most=most, sizes=sizes))
    if isinstance(statistic, ArmCounts):  # a contrast of arms is in one of them, or in none
        if group not in statistic.groups:
            group = draw(_optional(st.sampled_from(statistic.groups)))
        others = [g for g in statistic.groups if g != group]
    else:
        others = [g for g in group_pool if g != group]
    comparator_forms: list[st.SearchStrategy[str | Comparator]] = [
        texts(),  # words only, as format 1 wrote every comparator
        comparators(groups=others, compounds=compounds),
    ]
    if others:  # the reference arm alone, as a contrast of arms names it
        comparator_forms.append(st.builds(Comparator, group=st.sampled_from(others)))
    return Finding(
        id=with_id if with_id is not None else draw(ids()),
        outcome=draw(outcomes(endpoints=endpoints)),
        indication=_pick(draw, indications, _fresh_indications(parents=())),
        statistic=statistic,
        direction=draw(st.sampled_from(Direction)),
        provenance=draw(_tuples(provenances(sources=sources), min_size=1, max_size=3)),
        group=group,
        comparator=draw(_optional(st.one_of(*comparator_forms))),
        subgroup=draw(_optional(texts())),
        compounds=tuple(draw(_subset(compounds))),
        basis=draw(_optional(st.sampled_from(Design))),
        certainty=draw(_optional(st.sampled_from(Certainty))),
        certainty_reasons=draw(_tuples(texts(), max_size=2)),
        rests_on=draw(_tuples(_source(rests_on), max_size=2))
        if rests_on is None or rests_on
        else (),
        caveats=draw(_tuples(texts(), max_size=2)),
        notes=draw(_tuples(texts(), max_size=2)),
        exposure=draw(_optional(st.sampled_from(Exposure))),
    )


@st.composite
def adverse_events(
    draw: st.DrawFn,
    *,
    sources: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    sizes: Mapping[str, int] | None = None,
    size: int | None = None,
) -> AdverseEvent:
    """An [`AdverseEvent`][vitk2.AdverseEvent] whose participants <= total where both are known.

    Args:
        draw: Supplied by hypothesis.
        sources: The citation ids its provenance may point into (any when None).
        groups: The group ids it may be in; ``()`` for none, None for any id.
        sizes: The most participants each group holds (no limit for a group not in it).
        size: The most participants the study holds, for an event in no group.

    Returns:
        A valid adverse event whose counts fit its group.
    """
    if groups is None:
        group = draw(_optional(ids()))
    else:
        group = draw(_optional(st.sampled_from(list(groups)))) if groups else None
    most = size if group is None else (sizes or {}).get(group)
    total = draw(_size(most))
    if isinstance(total, int):
        participants: int | NotReported = draw(
            st.one_of(st.sampled_from([0, total]), st.integers(0, total), not_reported())
        )
    else:
        participants = draw(st.one_of(_counts(most=most), not_reported()))
    return AdverseEvent(
        term=draw(texts()),
        participants=participants,
        provenance=draw(_tuples(provenances(sources=sources), min_size=1, max_size=2)),
        total=total,
        grade=draw(st.one_of(st.none(), not_reported(), st.integers(1, 5))),
        group=group,
        notes=draw(_tuples(texts(), max_size=2)),
    )


@st.composite
def evidence_levels(draw: st.DrawFn) -> EvidenceLevel:
    """An [`EvidenceLevel`][vitk2.EvidenceLevel] with its rationale.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid evidence level.
    """
    return EvidenceLevel(
        ocebm=draw(_optional(st.integers(1, 5))),
        certainty=draw(st.sampled_from(Certainty)),
        rationale=draw(texts()),
        downgrades=draw(_tuples(texts(), max_size=2)),
        question=draw(_optional(texts())),
    )


@st.composite
def studies(
    draw: st.DrawFn,
    *,
    with_id: str | None = None,
    compounds: Sequence[Compound] | None = None,
    indications: Sequence[Indication] | None = None,
    citations: Sequence[Citation] | None = None,
    rests_on: Sequence[str] | None = None,
    endpoints: Sequence[Endpoint] | None = None,
    includes: Sequence[str] | None = None,
) -> Study:
    """A [`Study`][vitk2.Study] whose findings use its groups and cite its reports.

    Counts of participants fit where they are counted: arms in the enrolment, phases in their
    arm, and the counts of findings and adverse events in their group. Finding ids are the study's id, a dot and a dotless local id, so that findings of
    different studies never share an id.

    Args:
        draw: Supplied by hypothesis.
        with_id: The id to give it (drawn when None; keep it under 180 characters).
        compounds: The compounds its doses and findings may name (fresh ones when None).
        indications: The indications it may study (fresh ones without parents when None; must
            not be empty).
        citations: The citations that may report it (fresh ones without links when None; must
            not be empty).
        rests_on: The citation ids its findings may rest on (none when None).
        endpoints: The endpoints its findings' outcomes may name (fresh ones without parents
            when None).
        includes: The ids of the studies it may include, as a review does (any ids when None;
            its own id is never drawn). A study that includes others is a review.

    Returns:
        A valid study.

    *Changed in version 0.2.0*.
       ``endpoints`` and ``includes``.
    """
    sid = with_id if with_id is not None else draw(st.from_regex(_SHORT_ID, fullmatch=True))
    if compounds is None:
        compounds = draw(st.lists(_fresh_compounds(), max_size=2, unique_by=_id_of))
    if endpoints is None:
        endpoints = draw(st.lists(_fresh_endpoints(parents=()), max_size=2, unique_by=_id_of))
    if includes is None:
        included = draw(
            st.lists(ids(long=False).filter(lambda x: x != sid), max_size=2, unique=True)
        )
    else:
        pool = [x for x in includes if x != sid]
        included = draw(st.lists(st.sampled_from(pool), max_size=2, unique=True)) if pool else []
    design = draw(st.sampled_from(Design))
    if included:
        design = draw(st.sampled_from([Design.SYSTEMATIC_REVIEW, Design.NARRATIVE_REVIEW]))
    if indications is None:
        indications = draw(_leaf_indications(None, min_size=1))
    if citations is None:
        citations = draw(
            st.lists(
                _fresh_citations(indications=indications, links=()),
                min_size=1,
                max_size=2,
                unique_by=_id_of,
            )
        )
    reports = draw(
        st.lists(st.sampled_from(list(citations)), min_size=1, max_size=3, unique_by=_id_of)
    )
    studied = draw(
        st.lists(st.sampled_from(list(indications)), min_size=1, max_size=3, unique_by=_id_of)
    )
    report_ids = [c.id for c in reports]

    population = draw(populations())
    enrolled = population.enrolled if isinstance(population.enrolled, int) else None
    # Two arms or more often enough that contrasts of arms (arm counts, typed comparators)
    # are drawn: a study without groups has none.
    group_ids = draw(
        st.one_of(
            st.lists(ids(long=False), max_size=6, unique=True),
            st.lists(ids(long=False), min_size=2, max_size=6, unique=True),
        )
    )
    most_arms = min(3, len(group_ids))
    n_arms = draw(st.one_of(st.integers(0, most_arms), st.just(min(2, most_arms))))
    arm_ids, rest = group_ids[:n_arms], group_ids[n_arms:]
    study_arms = []
    for aid in arm_ids:
        k = draw(st.integers(0, min(2, len(rest))))
        mine, rest = rest[:k], rest[k:]
        study_arms.append(
            draw(arms(with_id=aid, compounds=compounds, phase_ids=mine, most=enrolled))
        )
    groups = [a.id for a in study_arms] + [
        p.id for a in study_arms if a.regimen for p in a.regimen.phases
    ]
    whole, limits = participant_limits(population, study_arms)
    sizes = {g: limit.most for g, limit in limits.items()}
    size = whole.most if whole is not None else None
    local_ids = draw(st.lists(st.from_regex(_DOTLESS_ID, fullmatch=True), max_size=3, unique=True))
    study_findings = tuple(
        draw(
            findings(
                with_id=f"{sid}.{local}",
                indications=indications,
                compounds=compounds,
                sources=report_ids,
                groups=groups,
                rests_on=rests_on if rests_on is not None else (),
                sizes=sizes,
                size=size,
                endpoints=endpoints,
            )
        )
        for local in local_ids
    )
    return Study(
        id=sid,
        title=draw(texts()),
        reports=tuple(reports),
        design=design,
        indications=tuple(studied),
        population=population,
        level=draw(evidence_levels()),
        setting=draw(settings()),
        arms=tuple(study_arms),
        findings=study_findings,
        adverse_events=draw(
            _tuples(
                adverse_events(sources=report_ids, groups=groups, sizes=sizes, size=size),
                max_size=2,
            )
        ),
        limitations=draw(_tuples(texts(), max_size=2)),
        notes=draw(_tuples(texts(), max_size=2)),
        includes=tuple(included),
        exposure=draw(_optional(st.sampled_from(Exposure))),
        blinding=draw(_optional(st.sampled_from(Blinding))),
        funding=draw(_optional(fundings())),
        provenance=draw(_tuples(provenances(sources=report_ids), max_size=2)),
    )


@st.composite
def fundings(draw: st.DrawFn) -> Funding:
    """A [`Funding`][vitk2.Funding] record: funders named or not, a supplement maker or not.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid funding record.

    *Added in version 0.2.0*.
    """
    return Funding(
        funders=draw(_tuples(texts(), max_size=3)),
        supplement_maker=draw(_optional(st.booleans())),
        note=draw(_optional(texts())),
    )


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """A [`Dataset`][vitk2.Dataset] header.

    Args:
        draw: Supplied by hypothesis.

    Returns:
        A valid dataset.
    """
    return Dataset(
        id=draw(ids()),
        version=draw(st.one_of(st.sampled_from(["2026.11.0", "1", "1.0", "0.1"]), texts())),
        date=draw(_optional(_past_dates())),
        title=draw(_optional(texts())),
        description=draw(_optional(texts(max_size=80))),
    )


# --------------------------------------------------------------------------------------------
# Whole evidence bases


def _prefixed_ids(prefix: str, *, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.from_regex(_SHORT_ID, fullmatch=True).map(lambda s: prefix + s),
        max_size=max_size,
        unique=True,
    )


@st.composite
def evidence_bases(
    draw: st.DrawFn,
    *,
    prefix: str = "",
    max_studies: int = 3,
    dataset: st.SearchStrategy[Dataset | None] | None = None,
) -> EvidenceBase:
    """A whole consistent [`EvidenceBase`][vitk2.EvidenceBase].

    Ids are unique per kind; indication and endpoint parents form forests (listed in any
    order); citations link to other citations of the base; studies are reported by its
    citations, dose its compounds, and their findings use the study's groups, rest on its
    citations and name its endpoints; a review includes studies of the base drawn before it.

    Args:
        draw: Supplied by hypothesis.
        prefix: Put before every id, so that bases drawn with different prefixes are
            disjoint (it must start with a lowercase letter or a digit).
        max_studies: The most studies drawn.
        dataset: The strategy for the dataset header (any or none when None).

    Returns:
        A valid evidence base.

    *Changed in version 0.2.0*.
       Endpoints, and reviews that include other studies.
    """
    compound_list = [draw(compounds(with_id=i)) for i in draw(_prefixed_ids(prefix, max_size=3))]
    end_ids = draw(_prefixed_ids(prefix, max_size=3))
    endpoint_list = draw(
        st.permutations(
            [draw(endpoints(with_id=eid, parents=end_ids[:k])) for k, eid in enumerate(end_ids)]
        )
    )
    ind_ids = draw(_prefixed_ids(prefix, max_size=4))
    indication_list = [
        draw(indications(with_id=iid, parents=ind_ids[:k])) for k, iid in enumerate(ind_ids)
    ]
    indication_list = draw(st.permutations(indication_list))
    cit_ids = draw(_prefixed_ids(prefix, max_size=4))
    citation_list = _notices_in_time(
        [
            draw(
                citations(
                    with_id=cid, indications=indication_list, links=cit_ids, earlier=cit_ids[:k]
                )
            )
            for k, cid in enumerate(cit_ids)
        ]
    )
    study_list: list[Study] = []
    if citation_list and indication_list:
        study_ids = draw(_prefixed_ids(prefix, max_size=max_studies))
        for k, sid in enumerate(study_ids):
            study_list.append(
                draw(
                    studies(
                        with_id=sid,
                        compounds=compound_list,
                        indications=indication_list,
                        citations=citation_list,
                        rests_on=cit_ids,
                        endpoints=endpoint_list,
                        includes=study_ids[:k],
                    )
                )
            )
    return EvidenceBase(
        compounds=tuple(compound_list),
        indications=tuple(indication_list),
        citations=tuple(citation_list),
        studies=tuple(study_list),
        dataset=draw(dataset if dataset is not None else _optional(datasets())),
        endpoints=tuple(endpoint_list),
    )


def _notices_in_time(cits: list[Citation]) -> list[Citation]:
    """``cits`` with the year of each citation whose notice would predate it not reported.

    A notice (named by ``integrity.notice``, or a notice that ``reports_on`` a publication) is
    not from a year before the publication it concerns. Each citation on the wrong side of
    such a pair forgets its year, which takes part in no other such rule once unknown.
    """
    by_id = {c.id: c for c in cits}

    def year_of(c: Citation | None) -> int | None:
        return c.year if c is not None and isinstance(c.year, int) else None

    out = []
    for c in cits:
        year = year_of(c)
        notice = year_of(by_id.get(c.integrity.notice or ""))
        concerned = (
            year_of(by_id.get(c.reports_on or "")) if c.kind is DocumentKind.NOTICE else None
        )
        if year is not None and (
            (notice is not None and notice < year) or (concerned is not None and concerned > year)
        ):
            c = attrs.evolve(c, year=NOT_REPORTED)
        out.append(c)
    return out


def _records(obj: object) -> Iterator[object]:
    """Every model object reachable from ``obj`` (itself included), depth first."""
    stack: list[Any] = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.extend(reversed(item))
        elif attrs.has(type(item)):
            yield item
            stack.extend(reversed([getattr(item, a.name) for a in attrs.fields(type(item))]))


def base_for(obj: object) -> EvidenceBase:
    """The evidence base of every compound, indication, endpoint and citation ``obj`` refers to.

    Pass it as ``base=`` to [`loads`][vitk2.loads] to read ``obj`` back. The records referred
    to must be consistent among themselves (as those the strategies here draw by default are:
    fresh indications have no parent, fresh citations of a study no links).

    Args:
        obj: A model object (a dose, a finding, a study ...).

    Returns:
        An evidence base holding the records ``obj`` refers to, ``obj`` itself excluded.

    Raises:
        ValidationError: If the records referred to are not consistent among themselves.
    """
    found: dict[type, dict[str, Any]] = {Compound: {}, Indication: {}, Citation: {}, Endpoint: {}}
    for record in _records(obj):
        if record is obj:
            continue
        table = found.get(type(record))
        if table is not None:
            table.setdefault(record.id, record)  # type: ignore[attr-defined]
    return EvidenceBase(
        compounds=tuple(found[Compound].values()),
        indications=tuple(found[Indication].values()),
        citations=tuple(found[Citation].values()),
        endpoints=tuple(found[Endpoint].values()),
    )


# --------------------------------------------------------------------------------------------
# Lookup by class

# --------------------------------------------------------------------------------------------
# Meta-analysis inputs (vitk2.meta)

BinaryTables = tuple[list[int], list[int], list[int], list[int]]


@st.composite
def binary_tables(
    draw: st.DrawFn, *, min_size: int = 1, max_size: int = 12, max_total: int = 5_000
) -> BinaryTables:
    """Columns ``(events1, total1, events2, total2)`` of two-group trials, zero cells included.

    Args:
        draw: Supplied by hypothesis.
        min_size: The fewest studies.
        max_size: The most studies.
        max_total: The largest group.

    Returns:
        The four columns `meta.binary` takes, of equal length.

    *Added in version 0.2.0*.
    """
    k = draw(st.integers(min_size, max_size))
    cols: BinaryTables = ([], [], [], [])
    for _ in range(k):
        n1 = draw(st.integers(1, max_total))
        n2 = draw(st.integers(1, max_total))
        cols[0].append(draw(st.integers(0, n1)))
        cols[1].append(n1)
        cols[2].append(draw(st.integers(0, n2)))
        cols[3].append(n2)
    return cols


@st.composite
def effect_sizes(
    draw: st.DrawFn, *, measure: str | None = None, min_size: int = 1, max_size: int = 12
) -> EffectSizes:
    """Per-study effect sizes ready to pool: from 2×2 tables, or effects with variances.

    Args:
        draw: Supplied by hypothesis.
        measure: ``"RR"``, ``"OR"``, ``"RD"`` (from `binary_tables`) or ``"GEN"``
            (effects and variances drawn directly); any of them when omitted.
        min_size: The fewest studies kept (a ratio measure leaves out double-zero tables).
        max_size: The most studies.

    Returns:
        An `EffectSizes` of at least ``min_size`` studies.

    *Added in version 0.2.0*.
    """
    chosen = measure or draw(st.sampled_from(["RR", "OR", "RD", "GEN"]))
    if chosen == "GEN":
        k = draw(st.integers(min_size, max_size))
        yi = draw(st.lists(st.floats(-5, 5), min_size=k, max_size=k))
        vi = draw(st.lists(st.floats(1e-4, 4), min_size=k, max_size=k))
        return from_variances(yi, vi)
    tables = draw(
        binary_tables(min_size=min_size, max_size=max_size).filter(
            lambda t: (
                sum(0 < e1 + e2 < n1 + n2 for e1, n1, e2, n2 in zip(*t, strict=True)) >= min_size
            )
        )
    )
    return binary(*tables, measure=chosen)  # type: ignore[arg-type]


_STRATEGIES: dict[type, Callable[[], st.SearchStrategy[Any]]] = {
    Code: codes,
    Compound: compounds,
    Indication: indications,
    Citation: citations,
    Integrity: integrities,
    Endpoint: endpoints,
    Quote: quotes,
    Locator: locators,
    PValue: p_values,
    Proportion: proportions,
    Category: categories,
    Breakdown: breakdowns,
    Count: counts,
    Summary: summaries,
    GroupSummaries: group_summaries,
    Effect: effects,
    ArmCount: single_arm_counts,
    ArmCounts: arm_counts,
    BeforeAfter: before_afters,
    CumulativeArm: cumulative_arms,
    Cumulative: cumulatives,
    TestResult: reported_tests,
    Comparator: comparators,
    TimeToEvent: times_to_event,
    Narrative: narratives,
    Frequency: frequencies,
    Dose: doses,
    Phase: phases,
    Regimen: regimens,
    SexCounts: sex_counts,
    Age: ages,
    Arm: arms,
    Population: populations,
    Setting: settings,
    Outcome: outcomes,
    Finding: findings,
    AdverseEvent: adverse_events,
    EvidenceLevel: evidence_levels,
    Study: studies,
    Funding: fundings,
    Dataset: datasets,
    Quantity: quantities,
    NotReported: not_reported,
    EvidenceBase: evidence_bases,
    EffectSizes: effect_sizes,
}


def strategy_for(cls: type[T]) -> st.SearchStrategy[T]:
    """The strategy for instances of a model class (or of [`EvidenceBase`][vitk2.EvidenceBase]).

    Args:
        cls: A model class, [`Quantity`][vitk2.Quantity] or [`EvidenceBase`][vitk2.EvidenceBase].

    Returns:
        Its strategy, with default arguments.

    Raises:
        KeyError: If ``cls`` has no strategy here.
    """
    return _STRATEGIES[cls]()
