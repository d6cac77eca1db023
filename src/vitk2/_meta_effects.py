"""Per-study effect sizes for `meta`: input checks, escalc conventions, the containers.

The effect sizes follow R metafor's ``escalc`` (see ``docs/explanation/meta-analysis.md``):
ratio measures are kept on the log scale, a 2x2 table with a zero cell gets 1/2 added to each
of its four cells, and a study without events in either group (or with only events in both)
is left out of a risk or odds ratio, with the reason recorded in `EffectSizes.excluded`.
"""

from __future__ import annotations

import decimal
import math
import numbers
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, NamedTuple, SupportsIndex, cast, overload

import attrs

from ._stats import StatisticsError, normal_quantile

__all__ = [
    "RATIO_MEASURES",
    "EffectSize",
    "EffectSizes",
    "Excluded",
    "Measure",
    "MetaInputError",
    "binary",
    "continuous",
    "from_estimates",
    "from_variances",
]

Measure = Literal["RR", "OR", "HR", "RD", "MD", "SMD", "GEN"]
"""An effect measure: risk ratio, odds ratio, hazard ratio, risk difference, mean difference,
standardised mean difference (Hedges' g), or a generic measure already on its analysis scale."""

MEASURES: tuple[str, ...] = ("RR", "OR", "HR", "RD", "MD", "SMD", "GEN")
RATIO_MEASURES: frozenset[str] = frozenset({"RR", "OR", "HR"})
"""The measures analysed on the log scale and reported on the ratio scale."""

BinaryMeasure = Literal["RR", "OR", "RD"]
ContinuousMeasure = Literal["MD", "SMD"]


class MetaInputError(StatisticsError):
    """Invalid input to `meta`, located by field and study.

    It is a `_stats.StatisticsError` (so a ``ValueError`` and a
    [`Vitk2Error`][vitk2.Vitk2Error]) with structured attributes, and it pickles.

    Attributes:
        field: The argument at fault, such as ``"events1"`` or ``"level"``.
        index: The 0-based position of the study at fault, or None for a whole argument.

    *Added in version 0.2.0*.
    """

    def __init__(self, message: str, field: str | None = None, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.index = index

    def __reduce__(self) -> tuple[type[MetaInputError], tuple[str, str | None, int | None]]:
        return (type(self), (self.message, self.field, self.index))


class Excluded(NamedTuple):
    """A study left out, and why.

    Attributes:
        label: The study's label.
        reason: Why it was left out, in words.

    *Added in version 0.2.0*.
    """

    label: str
    reason: str


# ---------------------------------------------------------------------------
# Input conversion: plain sequences, numpy arrays and pandas Series alike
# ---------------------------------------------------------------------------


def _where(field: str, index: int | None) -> str:
    return field if index is None else f"{field}[{index}]"


def _is_bool(value: object) -> bool:
    # numpy's bool is not a subclass of bool; it is recognised by name, numpy is not imported
    return isinstance(value, bool) or type(value).__name__ in {"bool_", "bool"}


def to_real(value: object, field: str, index: int | None = None) -> float:
    """``value`` as a finite float: ints, floats, numpy numbers of any width, Decimal."""
    if _is_bool(value) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        raise MetaInputError(
            f"{_where(field, index)} must be a finite number (got {value!r})", field, index
        )
    number = float(value)
    if not math.isfinite(number):
        raise MetaInputError(
            f"{_where(field, index)} must be a finite number (got {value!r})", field, index
        )
    return number


def to_count(value: object, field: str, index: int | None = None) -> int:
    """``value`` as a non-negative int; whole floats (a pandas column with gaps) are accepted."""
    where = _where(field, index)
    if _is_bool(value):
        raise MetaInputError(f"{where} must be a whole number (got {value!r})", field, index)
    if hasattr(type(value), "__index__"):
        number = operator.index(cast("SupportsIndex", value))
    elif isinstance(value, (numbers.Real, decimal.Decimal)):
        real = float(value)
        if not math.isfinite(real) or not real.is_integer():
            raise MetaInputError(f"{where} must be a whole number (got {value!r})", field, index)
        number = int(real)
    else:
        raise MetaInputError(f"{where} must be a whole number (got {value!r})", field, index)
    if number < 0:
        raise MetaInputError(f"{where} must be >= 0 (got {number})", field, index)
    return number


def to_list(values: object, field: str) -> list[Any]:
    """The items of a sequence, array or Series, in order (never indexed by label)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise MetaInputError(
            f"{field} must be a sequence of numbers (got {type(values).__name__})", field
        )
    return list(values)


def same_length(columns: dict[str, list[Any]]) -> int:
    """The common length of the columns; raises naming the first that differs."""
    names = list(columns)
    k = len(columns[names[0]])
    for name in names[1:]:
        if len(columns[name]) != k:
            raise MetaInputError(
                f"{name} must have the same length as {names[0]} (got {len(columns[name])} != {k})",
                name,
            )
    return k


def check_level(level: object) -> float:
    """A confidence level in the open interval (0, 1)."""
    value = to_real(level, "level")
    if not 0.0 < value < 1.0:
        raise MetaInputError(f"level must be in (0, 1) (got {level!r})", "level")
    return value


def check_measure(measure: object, allowed: Sequence[str]) -> str:
    """``measure`` if it is one of ``allowed``."""
    if not isinstance(measure, str) or measure not in allowed:
        options = ", ".join(repr(m) for m in allowed)
        raise MetaInputError(f"measure must be one of {options} (got {measure!r})", "measure")
    return measure


def make_labels(labels: object, k: int) -> list[str]:
    """Study labels: the given ones as strings, or ``"1"`` to ``"k"`` as metafor numbers them."""
    if labels is None:
        return [str(i + 1) for i in range(k)]
    items = to_list(labels, "labels")
    if len(items) != k:
        raise MetaInputError(
            f"labels must have one label per study (got {len(items)} != {k})", "labels"
        )
    return [item if isinstance(item, str) else str(item) for item in items]


def critical_value(level: float) -> float:
    """Two-sided standard normal critical value for a confidence level."""
    return -normal_quantile((1.0 - level) / 2.0)


# ---------------------------------------------------------------------------
# The containers
# ---------------------------------------------------------------------------


def _check_positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (math.isfinite(value) and value > 0.0):
        raise MetaInputError(f"{attribute.name} must be a finite number > 0 (got {value!r})")


def _check_finite(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value):
        raise MetaInputError(f"{attribute.name} must be a finite number (got {value!r})")


@attrs.frozen(kw_only=True)
class EffectSize:
    """One study's effect on the analysis scale (log scale for ratios) and its sampling variance.

    Attributes:
        label: The study's label.
        yi: The effect estimate on the analysis scale.
        vi: Its sampling variance (``> 0``).
        index: The study's 0-based position in the input it was computed from.
        corrected: True when 1/2 was added to each cell of a 2x2 table with a zero cell.

    *Added in version 0.2.0*.
    """

    label: str
    yi: float = attrs.field(validator=_check_finite)
    vi: float = attrs.field(validator=_check_positive)
    index: int = 0
    corrected: bool = False

    @property
    def se(self) -> float:
        """The standard error ``sqrt(vi)``."""
        return math.sqrt(self.vi)

    def __repr__(self) -> str:
        flag = ", corrected" if self.corrected else ""
        return f"<EffectSize {self.label}: yi={self.yi:.4g}, vi={self.vi:.4g}{flag}>"


def _check_rows(
    instance: EffectSizes, attribute: attrs.Attribute[tuple[EffectSize, ...]], value: object
) -> None:
    for row in value:  # type: ignore[attr-defined]
        if not isinstance(row, EffectSize):
            raise MetaInputError(f"rows must hold EffectSize objects (got {row!r})", "rows")


def _check_measure_attribute(
    instance: EffectSizes, attribute: attrs.Attribute[str], value: object
) -> None:
    check_measure(value, MEASURES)


def _to_rows(value: Iterable[EffectSize]) -> tuple[EffectSize, ...]:
    return tuple(value)


def _to_excluded(
    value: Iterable[Excluded | Sequence[str] | Mapping[str, str]],
) -> tuple[Excluded, ...]:
    # A mapping names its fields; unpacking one positionally would keep its keys, not its values.
    return tuple(
        Excluded(**item) if isinstance(item, Mapping) else Excluded(*item) for item in value
    )


@attrs.frozen(kw_only=True)
class EffectSizes(Sequence[EffectSize]):
    """An immutable sequence of per-study effect sizes of one measure, ready to pool.

    Indexing gives an `EffectSize`; slicing gives another `EffectSizes`;
    ``a + b`` joins two of the same measure.

    Attributes:
        rows: The studies, in input order.
        measure: The effect measure (ratio measures are held on the log scale).
        excluded: The studies of the input that were left out, each with its reason.

    *Added in version 0.2.0*.
    """

    rows: tuple[EffectSize, ...] = attrs.field(converter=_to_rows, validator=_check_rows)
    measure: Measure = attrs.field(validator=_check_measure_attribute)
    excluded: tuple[Excluded, ...] = attrs.field(default=(), converter=_to_excluded)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[EffectSize]:
        return iter(self.rows)

    @overload
    def __getitem__(self, index: int) -> EffectSize: ...

    @overload
    def __getitem__(self, index: slice) -> EffectSizes: ...

    def __getitem__(self, index: int | slice) -> EffectSize | EffectSizes:
        if isinstance(index, slice):
            return EffectSizes(rows=self.rows[index], measure=self.measure, excluded=self.excluded)
        return self.rows[index]

    def __add__(self, other: object) -> EffectSizes:
        if not isinstance(other, EffectSizes):
            return NotImplemented
        if other.measure != self.measure:
            raise StatisticsError(
                f"cannot join effect sizes of different measures ({self.measure} + {other.measure})"
            )
        return EffectSizes(
            rows=self.rows + other.rows,
            measure=self.measure,
            excluded=self.excluded + other.excluded,
        )

    @property
    def yi(self) -> tuple[float, ...]:
        """The effects on the analysis scale, in order."""
        return tuple(row.yi for row in self.rows)

    @property
    def vi(self) -> tuple[float, ...]:
        """The sampling variances, in order."""
        return tuple(row.vi for row in self.rows)

    @property
    def labels(self) -> tuple[str, ...]:
        """The study labels, in order."""
        return tuple(row.label for row in self.rows)

    @property
    def is_ratio(self) -> bool:
        """True for ratio measures (RR, OR, HR), which are held on the log scale."""
        return self.measure in RATIO_MEASURES

    def __repr__(self) -> str:
        left_out = f", {len(self.excluded)} excluded" if self.excluded else ""
        return f"<EffectSizes {self.measure} k={len(self.rows)}{left_out}>"


# ---------------------------------------------------------------------------
# Binary outcomes (2x2 tables)
# ---------------------------------------------------------------------------


class Table(NamedTuple):
    """A checked 2x2 table: events and totals of group 1 (treatment) and group 2 (control)."""

    events1: int
    total1: int
    events2: int
    total2: int


def check_tables(events1: object, total1: object, events2: object, total2: object) -> list[Table]:
    """Checked 2x2 tables, one per study, with errors that name the study and the field."""
    columns = {
        "events1": to_list(events1, "events1"),
        "total1": to_list(total1, "total1"),
        "events2": to_list(events2, "events2"),
        "total2": to_list(total2, "total2"),
    }
    k = same_length(columns)
    tables = []
    for i in range(k):
        e1 = to_count(columns["events1"][i], "events1", i)
        n1 = to_count(columns["total1"][i], "total1", i)
        e2 = to_count(columns["events2"][i], "events2", i)
        n2 = to_count(columns["total2"][i], "total2", i)
        for e, n, group in ((e1, n1, "1"), (e2, n2, "2")):
            if n == 0:
                raise MetaInputError(f"total{group}[{i}] must be > 0 (got 0)", f"total{group}", i)
            if e > n:
                raise MetaInputError(
                    f"events{group}[{i}] must be <= total{group}[{i}] (got {e} > {n})",
                    f"events{group}",
                    i,
                )
        tables.append(Table(e1, n1, e2, n2))
    return tables


def not_estimable_reason(table: Table) -> str | None:
    """Why a ratio cannot be estimated from a table (no events, or only events, in both groups)."""
    e1, n1, e2, n2 = table
    if e1 == 0 and e2 == 0:
        return "no events in either group"
    if e1 == n1 and e2 == n2:
        return "every participant had the event in both groups"
    return None


def table_effect(table: Table, measure: str) -> tuple[float, float, bool]:
    """``(yi, vi, corrected)`` of one table by metafor's escalc (add 1/2 to each cell if one is 0)."""
    a, n1, c, n2 = table
    b, d = n1 - a, n2 - c
    corrected = 0 in (a, b, c, d)
    if corrected:
        fa, fb, fc, fd = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    else:
        fa, fb, fc, fd = float(a), float(b), float(c), float(d)
    m1, m2 = fa + fb, fc + fd
    if measure == "RR":
        yi = math.log(fa / m1) - math.log(fc / m2)
        vi = 1.0 / fa - 1.0 / m1 + 1.0 / fc - 1.0 / m2
    elif measure == "OR":
        yi = math.log(fa) - math.log(fb) - math.log(fc) + math.log(fd)
        vi = 1.0 / fa + 1.0 / fb + 1.0 / fc + 1.0 / fd
    else:  # RD
        p1, p2 = fa / m1, fc / m2
        yi = p1 - p2
        vi = p1 * (1.0 - p1) / m1 + p2 * (1.0 - p2) / m2
    return yi, vi, corrected


def binary(
    events1: Sequence[int],
    total1: Sequence[int],
    events2: Sequence[int],
    total2: Sequence[int],
    *,
    measure: BinaryMeasure,
    labels: Sequence[str] | None = None,
) -> EffectSizes:
    """Per-study effects of two-group binary outcomes (group 1 is the treatment).

    Follows metafor's ``escalc`` with its defaults ``add=1/2, to="only0"``: a table with a zero
    cell gets 1/2 added to each of its four cells (``corrected=True`` on the row). Ratios are
    returned on the log scale: ``RR`` has ``vi = 1/a - 1/n1 + 1/c - 1/n2``, ``OR`` has
    ``vi = 1/a + 1/b + 1/c + 1/d``, ``RD`` has ``vi = p1 (1 - p1)/n1 + p2 (1 - p2)/n2``.

    A study with no events in either group, or with only events in both, has no defined risk
    or odds ratio: for ``RR`` and ``OR`` it is left out and listed in ``excluded`` with the
    reason (escalc keeps it unless ``drop00=TRUE``; rma drops it from the model all the same
    when its effect is not estimable). For ``RD`` it is kept, as escalc keeps it.

    Args:
        events1: Events in group 1 (treatment), one per study.
        total1: Participants in group 1.
        events2: Events in group 2 (control).
        total2: Participants in group 2.
        measure: ``"RR"`` (risk ratio), ``"OR"`` (odds ratio) or ``"RD"`` (risk difference).
        labels: Study labels; ``"1"`` to ``"k"`` when omitted.

    Returns:
        The effect sizes, in input order, with the studies left out in ``excluded``.

    Raises:
        MetaInputError: If a count is negative or not a whole number, a total is 0, events
            exceed the total, the columns differ in length, or the measure is unknown.

    Examples:
        >>> from vitk2 import meta
        >>> es = meta.binary([4, 0], [123, 10], [11, 0], [139, 12], measure="RR")
        >>> len(es), es.excluded
        (1, (Excluded(label='2', reason='no events in either group'),))
        >>> round(es[0].yi, 4), round(es[0].vi, 4)
        (-0.8893, 0.3256)

    *Added in version 0.2.0*.
    """
    check_measure(measure, ("RR", "OR", "RD"))
    tables = check_tables(events1, total1, events2, total2)
    names = make_labels(labels, len(tables))
    rows: list[EffectSize] = []
    excluded: list[Excluded] = []
    for i, table in enumerate(tables):
        reason = not_estimable_reason(table) if measure != "RD" else None
        if reason is not None:
            excluded.append(Excluded(names[i], reason))
            continue
        yi, vi, corrected = table_effect(table, measure)
        rows.append(EffectSize(label=names[i], yi=yi, vi=vi, index=i, corrected=corrected))
    return EffectSizes(rows=rows, measure=measure, excluded=excluded)


# ---------------------------------------------------------------------------
# Continuous outcomes
# ---------------------------------------------------------------------------


def hedges_correction(m: float) -> float:
    """Hedges' exact small-sample correction ``c(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))``."""
    return math.exp(math.lgamma(m / 2.0) - 0.5 * math.log(m / 2.0) - math.lgamma((m - 1.0) / 2.0))


def continuous(
    mean1: Sequence[float],
    sd1: Sequence[float],
    n1: Sequence[int],
    mean2: Sequence[float],
    sd2: Sequence[float],
    n2: Sequence[int],
    *,
    measure: ContinuousMeasure,
    labels: Sequence[str] | None = None,
) -> EffectSizes:
    """Per-study effects of two-group continuous outcomes (group 1 is the treatment).

    ``MD`` is the raw mean difference with ``vi = sd1**2/n1 + sd2**2/n2``. ``SMD`` is Hedges'
    g: the difference over the pooled SD, times the exact correction
    ``c(m) = exp(lgamma(m/2) - log(m/2)/2 - lgamma((m-1)/2))`` with ``m = n1 + n2 - 2``, and
    metafor's large-sample variance ``vi = 1/n1 + 1/n2 + g**2 / (2 (n1 + n2))``.

    Args:
        mean1: Mean in group 1 (treatment), one per study.
        sd1: Standard deviation in group 1 (``> 0``).
        n1: Size of group 1 (``>= 2``).
        mean2: Mean in group 2 (control).
        sd2: Standard deviation in group 2 (``> 0``).
        n2: Size of group 2 (``>= 2``).
        measure: ``"MD"`` or ``"SMD"``.
        labels: Study labels; ``"1"`` to ``"k"`` when omitted.

    Returns:
        The effect sizes, in input order.

    Raises:
        MetaInputError: If a mean or SD is not a finite number, an SD is not positive, a
            group size is not a whole number >= 2, the columns differ in length, or the
            measure is unknown.

    Examples:
        >>> from vitk2 import meta
        >>> es = meta.continuous([94], [22], [60], [92], [20], [60], measure="SMD")
        >>> round(es[0].yi, 6), round(es[0].vi, 6)
        (0.094524, 0.033371)

    *Added in version 0.2.0*.
    """
    check_measure(measure, ("MD", "SMD"))
    columns = {
        "mean1": to_list(mean1, "mean1"),
        "sd1": to_list(sd1, "sd1"),
        "n1": to_list(n1, "n1"),
        "mean2": to_list(mean2, "mean2"),
        "sd2": to_list(sd2, "sd2"),
        "n2": to_list(n2, "n2"),
    }
    k = same_length(columns)
    names = make_labels(labels, k)
    rows = []
    for i in range(k):
        m1 = to_real(columns["mean1"][i], "mean1", i)
        m2 = to_real(columns["mean2"][i], "mean2", i)
        s1 = to_real(columns["sd1"][i], "sd1", i)
        s2 = to_real(columns["sd2"][i], "sd2", i)
        g1 = to_count(columns["n1"][i], "n1", i)
        g2 = to_count(columns["n2"][i], "n2", i)
        for value, field in ((s1, "sd1"), (s2, "sd2")):
            if value <= 0.0:
                raise MetaInputError(f"{field}[{i}] must be > 0 (got {value!r})", field, i)
        for size, field in ((g1, "n1"), (g2, "n2")):
            if size < 2:
                raise MetaInputError(f"{field}[{i}] must be >= 2 (got {size})", field, i)
        if measure == "MD":
            yi = m1 - m2
            vi = s1 * s1 / g1 + s2 * s2 / g2
        else:
            m = g1 + g2 - 2
            pooled_sd = math.sqrt(((g1 - 1) * s1 * s1 + (g2 - 1) * s2 * s2) / m)
            yi = hedges_correction(m) * (m1 - m2) / pooled_sd
            vi = 1.0 / g1 + 1.0 / g2 + yi * yi / (2.0 * (g1 + g2))
        rows.append(EffectSize(label=names[i], yi=yi, vi=vi, index=i))
    return EffectSizes(rows=rows, measure=measure)


# ---------------------------------------------------------------------------
# Reported estimates and ready-made effects
# ---------------------------------------------------------------------------


def from_estimates(
    estimates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    measure: Measure,
    level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> EffectSizes:
    """Per-study effects from reported estimates and their confidence intervals.

    For ratio measures (``RR``, ``OR``, ``HR``) the estimate and bounds are logged and
    ``se = (log(high) - log(low)) / (2 z)``; for the others ``se = (high - low) / (2 z)``, with
    ``z`` the two-sided normal critical value of ``level``. ``vi = se**2``.

    Args:
        estimates: The reported estimates, on the natural scale (ratios as ratios).
        lows: The lower bounds of their confidence intervals.
        highs: The upper bounds.
        measure: The effect measure the estimates are of.
        level: The confidence level of the reported intervals.
        labels: Study labels; ``"1"`` to ``"k"`` when omitted.

    Returns:
        The effect sizes on the analysis scale (log scale for ratios), in input order.

    Raises:
        MetaInputError: If a value is not a finite number, a ratio is not positive, an
            interval is empty or does not contain its estimate, the columns differ in length,
            ``level`` is not in (0, 1), or the measure is unknown.

    Examples:
        >>> from vitk2 import meta
        >>> es = meta.from_estimates([0.5], [0.25], [1.0], measure="HR")
        >>> round(es[0].yi, 4), round(es[0].se, 4)
        (-0.6931, 0.3537)

    *Added in version 0.2.0*.
    """
    check_measure(measure, MEASURES)
    lvl = check_level(level)
    z = critical_value(lvl)
    columns = {
        "estimates": to_list(estimates, "estimates"),
        "lows": to_list(lows, "lows"),
        "highs": to_list(highs, "highs"),
    }
    k = same_length(columns)
    names = make_labels(labels, k)
    ratio = measure in RATIO_MEASURES
    rows = []
    for i in range(k):
        values = {field: to_real(columns[field][i], field, i) for field in columns}
        if ratio:
            for field, value in values.items():
                if value <= 0.0:
                    raise MetaInputError(
                        f"{field}[{i}] must be > 0 for a ratio measure (got {value!r})", field, i
                    )
        est, low, high = values["estimates"], values["lows"], values["highs"]
        if not low < high:
            raise MetaInputError(
                f"highs[{i}] must be > lows[{i}] (got {high!r} <= {low!r})", "highs", i
            )
        if not low <= est <= high:
            raise MetaInputError(
                f"estimates[{i}] must lie within [lows[{i}], highs[{i}]] "
                f"(got {est!r} outside {low!r} to {high!r})",
                "estimates",
                i,
            )
        if ratio:
            yi = math.log(est)
            se = (math.log(high) - math.log(low)) / (2.0 * z)
        else:
            yi = est
            se = (high - low) / (2.0 * z)
        rows.append(EffectSize(label=names[i], yi=yi, vi=se * se, index=i))
    return EffectSizes(rows=rows, measure=measure)


def from_variances(
    yi: Sequence[float],
    vi: Sequence[float],
    *,
    measure: Measure = "GEN",
    labels: Sequence[str] | None = None,
) -> EffectSizes:
    """Per-study effects already on the analysis scale (log scale for ratios), with variances.

    This is metafor's ``rma(yi, vi)`` input: use it for effects computed elsewhere.

    Args:
        yi: The effects on the analysis scale.
        vi: Their sampling variances (``> 0``).
        measure: The effect measure, ``"GEN"`` (generic, not transformed) by default.
        labels: Study labels; ``"1"`` to ``"k"`` when omitted.

    Returns:
        The effect sizes, in input order.

    Raises:
        MetaInputError: If a value is not a finite number, a variance is not positive, the
            columns differ in length, or the measure is unknown.

    Examples:
        >>> from vitk2 import meta
        >>> meta.from_variances([0.1, 0.3], [0.01, 0.02])
        <EffectSizes GEN k=2>

    *Added in version 0.2.0*.
    """
    check_measure(measure, MEASURES)
    columns = {"yi": to_list(yi, "yi"), "vi": to_list(vi, "vi")}
    k = same_length(columns)
    names = make_labels(labels, k)
    rows = []
    for i in range(k):
        y = to_real(columns["yi"][i], "yi", i)
        v = to_real(columns["vi"][i], "vi", i)
        if v <= 0.0:
            raise MetaInputError(f"vi[{i}] must be > 0 (got {v!r})", "vi", i)
        rows.append(EffectSize(label=names[i], yi=y, vi=v, index=i))
    return EffectSizes(rows=rows, measure=measure)
