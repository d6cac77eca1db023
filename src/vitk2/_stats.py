"""Small, dependency-free statistics for proportions, contrasts and meta-analysis.

Everything here is pure Python (standard library plus :mod:`attrs`): there is no
numpy or scipy at run time. The numerical routines are written to agree with the
reference implementations in statsmodels/scipy to well below ``1e-9``:

* :func:`normal_quantile` -- inverse standard normal CDF (Acklam's rational
  approximation refined by one Halley step, accurate to a few ulp).
* :func:`wilson_interval` -- Wilson score interval without continuity correction.
* :func:`clopper_pearson_interval` -- exact (Clopper-Pearson) interval, via a
  pure-Python inverse of the regularized incomplete beta function.
* :func:`risk_difference`, :func:`risk_ratio`, :func:`odds_ratio` -- two-group
  contrasts with Wald intervals (log scale for the ratios).
* :func:`pool_effects`, :func:`pool_proportions` -- DerSimonian-Laird
  random-effects pooling.

Zero-cell policy (:func:`risk_ratio` and :func:`odds_ratio`): the 2x2 table has the
cells ``e1``, ``n1 - e1``, ``e2`` and ``n2 - e2``. If any of the four cells is zero,
0.5 is added to *every* cell (Haldane-Anscombe correction) before the estimate and
its interval are computed, and the returned :class:`Contrast` has
``corrected=True``. If both groups have zero events, or both groups have only
events, the ratio is not estimable and :class:`StatisticsError` is raised.

Continuity policy (:func:`pool_proportions`): a study with 0 events or with only
events (``events == total``) gets 0.5 added to its events and to its non-events
(so its total grows by 1) before its logit and variance are computed; the other
studies are used as they are.

All inputs are validated; invalid ones raise :class:`StatisticsError`, whose
message names the argument and the offending value.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Sequence
from typing import Any

import attrs

from ._errors import StatisticsError

__all__ = [
    "Contrast",
    "Interval",
    "Pooled",
    "StatisticsError",
    "clopper_pearson_interval",
    "normal_quantile",
    "odds_ratio",
    "pool_effects",
    "pool_proportions",
    "risk_difference",
    "risk_ratio",
    "wilson_interval",
]


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


def _check_interval_bounds(
    instance: Interval, attribute: attrs.Attribute[float], value: float
) -> None:
    if math.isnan(value):
        raise StatisticsError(f"{attribute.name} must not be NaN (got {value!r})")


def _check_interval_order(
    instance: Interval, attribute: attrs.Attribute[float], value: float
) -> None:
    _check_interval_bounds(instance, attribute, value)
    if instance.low > value:
        raise StatisticsError(f"low must be <= high (got {instance.low!r} > {value!r})")


def _check_level_attribute(
    instance: object, attribute: attrs.Attribute[float], value: float
) -> None:
    _check_level(value, attribute.name)


@attrs.frozen
class Interval:
    """A confidence interval ``[low, high]``.

    Attributes:
        low: Lower bound (never NaN).
        high: Upper bound (never NaN, ``high >= low``).
        level: Nominal confidence level, in (0, 1).
        method: How the interval was computed, e.g. ``"wilson"``,
            ``"clopper-pearson"``, ``"log"``, ``"wald"``, ``"dersimonian-laird"``.
    """

    low: float = attrs.field(validator=_check_interval_bounds)
    high: float = attrs.field(validator=_check_interval_order)
    level: float = attrs.field(default=0.95, validator=_check_level_attribute)
    method: str = attrs.field(kw_only=True)

    def __contains__(self, x: float) -> bool:
        """Return whether ``x`` lies in the closed interval ``[low, high]``.

        Args:
            x: The value to test.

        Returns:
            True if ``low <= x <= high``.
        """
        return self.low <= x <= self.high

    def __str__(self) -> str:
        return f"{self.low:.4g} to {self.high:.4g} ({self.level:.0%} {self.method})"

    @property
    def width(self) -> float:
        """The width ``high - low`` of the interval."""
        return self.high - self.low


@attrs.frozen
class Contrast:
    """A two-group contrast (group 1 versus group 2) with its confidence interval.

    Attributes:
        measure: ``"risk difference"``, ``"risk ratio"`` or ``"odds ratio"``.
        estimate: The point estimate (after the zero-cell correction, if applied).
        interval: The confidence interval for the measure.
        corrected: True when 0.5 was added to every cell of the 2x2 table.
    """

    measure: str
    estimate: float
    interval: Interval
    corrected: bool = False


@attrs.frozen
class Pooled:
    """A random-effects pooled estimate.

    Attributes:
        estimate: Pooled estimate; for :func:`pool_proportions` a proportion
            (back-transformed from ``scale``), for :func:`pool_effects` on the
            scale of the given effects.
        interval: Confidence interval on the same scale as ``estimate``.
        tau2: Between-study variance (on the analysis scale), ``>= 0``.
        i2: Share of the total variability due to heterogeneity, in [0, 1].
        q: Cochran's Q heterogeneity statistic (on the analysis scale).
        df: Degrees of freedom of Q, ``k - 1``.
        k: Number of studies pooled.
        method: Estimator of ``tau2``; ``"dersimonian-laird"``.
        scale: Analysis scale: ``"logit"`` for proportions, ``"identity"`` for
            :func:`pool_effects`.
    """

    estimate: float
    interval: Interval
    tau2: float
    i2: float
    q: float
    df: int
    k: int
    method: str = "dersimonian-laird"
    scale: str = attrs.field(kw_only=True)

    def __repr__(self) -> str:
        return (
            f"<Pooled {self.estimate:.3f} ({self.interval.low:.3f} to {self.interval.high:.3f}), "
            f"I² {self.i2:.0%}, k={self.k}, {self.method}>"
        )


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _check_count(value: Any, name: str) -> int:
    """Return ``value`` as an int, requiring a non-negative integer (not a bool)."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise StatisticsError(f"{name} must be a non-negative integer (got {value!r})")
    number = operator.index(value)
    if number < 0:
        raise StatisticsError(f"{name} must be a non-negative integer (got {number!r})")
    return number


def _check_events_total(
    events: Any, total: Any, events_name: str, total_name: str, where: str = ""
) -> tuple[int, int]:
    """Validate an events/total pair with ``0 <= events <= total`` and ``total > 0``.

    ``where`` (e.g. ``"pairs[3]: "``) is prefixed to error messages.
    """
    e = _check_count(events, f"{where}{events_name}")
    n = _check_count(total, f"{where}{total_name}")
    if n == 0:
        raise StatisticsError(f"{where}{total_name} must be > 0 (got 0)")
    if e > n:
        raise StatisticsError(f"{where}{events_name} must be <= {total_name} (got {e} > {n})")
    return e, n


def _check_real(value: Any, name: str) -> float:
    """Return ``value`` as a finite float, rejecting bools and non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StatisticsError(f"{name} must be a finite real number (got {value!r})")
    number = float(value)
    if not math.isfinite(number):
        raise StatisticsError(f"{name} must be a finite real number (got {value!r})")
    return number


def _check_level(level: Any, name: str = "level") -> float:
    """Validate a confidence level in the open interval (0, 1)."""
    number = _check_real(level, name)
    if not 0.0 < number < 1.0:
        raise StatisticsError(f"{name} must be in (0, 1) (got {level!r})")
    return number


@functools.lru_cache(maxsize=64)
def _critical_value(level: float) -> float:
    """Two-sided standard normal critical value ``z`` for ``level``.

    Computed as ``-normal_quantile((1 - level) / 2)``, which is exactly
    ``normal_quantile(1 - (1 - level) / 2)`` in real arithmetic but avoids the
    rounding of ``1 - alpha / 2`` in floating point.
    """
    return -normal_quantile((1.0 - level) / 2.0)


# ---------------------------------------------------------------------------
# Normal quantile
# ---------------------------------------------------------------------------

# Coefficients of Peter J. Acklam's rational approximation (relative error < 1.15e-9).
_ACKLAM_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_ACKLAM_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_ACKLAM_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_ACKLAM_D = (
    7.784695709041462e-03,
    3.224671290700398e-01,
    2.445134137142996e00,
    3.754408661907416e00,
)
_ACKLAM_P_LOW = 0.02425
_SQRT_2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _normal_quantile_lower(p: float) -> float:
    """Inverse normal CDF for ``0 < p <= 0.5`` (Acklam plus one Halley step)."""
    a, b, c, d = _ACKLAM_A, _ACKLAM_B, _ACKLAM_C, _ACKLAM_D
    if p < _ACKLAM_P_LOW:
        t = math.sqrt(-2.0 * math.log(p))
        x = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / (
            (((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0
        )
    else:
        s = p - 0.5
        r = s * s
        x = (
            (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
            * s
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
        )
    # One Halley step on Phi(x) - p. For x <= 0, erfc(-x / sqrt(2)) has full
    # relative precision, so the step converges to a few ulp even in the far tail.
    e = 0.5 * math.erfc(-x / _SQRT_2) - p
    u = e * _SQRT_2PI * math.exp(0.5 * x * x)
    return x - u / (1.0 + 0.5 * x * u)


def normal_quantile(p: float) -> float:
    """Inverse of the standard normal cumulative distribution function.

    Uses Acklam's rational approximation refined with one Halley step based on
    :func:`math.erfc`; the result is accurate to about ``1e-15`` relative. The upper
    half is computed by symmetry from ``1 - p``, which is exact for ``p >= 0.5``.

    Args:
        p: Probability, strictly between 0 and 1.

    Returns:
        The ``x`` with ``Phi(x) == p``.

    Raises:
        StatisticsError: If ``p`` is not a finite number in the open interval (0, 1).
    """
    prob = _check_real(p, "p")
    if not 0.0 < prob < 1.0:
        raise StatisticsError(f"p must be in (0, 1) (got {p!r})")
    if prob > 0.5:
        return -_normal_quantile_lower(1.0 - prob)
    return _normal_quantile_lower(prob)


# ---------------------------------------------------------------------------
# Regularized incomplete beta function and its inverse
# ---------------------------------------------------------------------------

_FPMIN = 1e-300
_CF_EPS = 1e-16


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_cf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < _FPMIN:
        d = _FPMIN
    d = 1.0 / d
    h = d
    max_iter = 1000 + 20 * math.ceil(math.sqrt(max(a, b)))
    for m in range(1, max_iter + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < _FPMIN:
            d = _FPMIN
        c = 1.0 + aa / c
        if abs(c) < _FPMIN:
            c = _FPMIN
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < _FPMIN:
            d = _FPMIN
        c = 1.0 + aa / c
        if abs(c) < _FPMIN:
            c = _FPMIN
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) <= _CF_EPS:
            return h
    raise StatisticsError(  # pragma: no cover - not reached for a, b >= 1
        f"incomplete beta continued fraction did not converge (a={a!r}, b={b!r}, x={x!r})"
    )


def _betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function ``I_x(a, b)`` for ``a, b > 0``."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_cf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_cf(b, a, 1.0 - x) / b


def _beta_initial_guess(p: float, a: float, b: float) -> float:
    """Starting point for the inverse incomplete beta (Numerical Recipes, 6.4)."""
    if a >= 1.0 and b >= 1.0:
        pp = p if p < 0.5 else 1.0 - p
        t = math.sqrt(-2.0 * math.log(pp))
        x = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t
        if p < 0.5:
            x = -x
        al = (x * x - 3.0) / 6.0
        h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0))
        w = x * math.sqrt(al + h) / h - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (
            al + 5.0 / 6.0 - 2.0 / (3.0 * h)
        )
        if 2.0 * w > 700.0:
            return 0.0
        return a / (a + b * math.exp(2.0 * w))
    lna = math.log(a / (a + b))
    lnb = math.log(b / (a + b))
    t = math.exp(a * lna) / a
    u = math.exp(b * lnb) / b
    w = t + u
    if p < t / w:
        return float((a * w * p) ** (1.0 / a))
    return 1.0 - float((b * w * (1.0 - p)) ** (1.0 / b))


def _betaincinv(p: float, a: float, b: float) -> float:
    """Inverse of ``x -> I_x(a, b)``: safeguarded Newton iteration inside a bracket.

    The bracket ``[lo, hi]`` always contains the root; a Newton step that leaves it
    (or a vanishing derivative) is replaced by bisection. Iteration stops when the
    step is below ``1e-15`` relative to ``x``.
    """
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_beta = _log_beta(a, b)
    lo, hi = 0.0, 1.0
    x = _beta_initial_guess(p, a, b)
    if not 0.0 < x < 1.0:
        x = 0.5
    for _ in range(500):
        f = _betainc(a, b, x) - p
        if f == 0.0:
            return x
        if f < 0.0:
            lo = x
        else:
            hi = x
        log_density = (a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_beta
        density = math.exp(log_density) if log_density < 700.0 else math.inf
        x_new = x - f / density if density > 0.0 else math.nan
        if not lo < x_new < hi:
            x_new = 0.5 * (lo + hi)
        step = abs(x_new - x)
        x = x_new
        if step <= 1e-15 * x or hi - lo <= 1e-15 * x or x in (lo, hi):
            return x
    return x  # pragma: no cover - the bracket halves at least every other step


# ---------------------------------------------------------------------------
# Single proportions
# ---------------------------------------------------------------------------


def wilson_interval(events: int, total: int, level: float = 0.95) -> Interval:
    """Wilson score confidence interval for a binomial proportion.

    No continuity correction is applied. Matches
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``. The
    bounds are exactly 0.0 when ``events == 0`` and exactly 1.0 when
    ``events == total``.

    Args:
        events: Number of events (successes), ``0 <= events <= total``.
        total: Number of trials, ``> 0``.
        level: Confidence level in (0, 1).

    Returns:
        The interval, with ``method="wilson"``.

    Raises:
        StatisticsError: If a count is not a non-negative integer, ``total`` is 0,
            ``events > total``, or ``level`` is not in (0, 1).
    """
    e, n = _check_events_total(events, total, "events", "total")
    return _wilson(e, n, _check_level(level))


@functools.lru_cache(maxsize=4096)
def _wilson(e: int, n: int, lvl: float) -> Interval:
    """The Wilson interval of checked counts; kept, as intervals are immutable."""
    z = _critical_value(lvl)
    z2 = z * z
    p = e / n
    denom = 1.0 + z2 / n
    center = (p + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    low = 0.0 if e == 0 else min(max(center - half, 0.0), 1.0)
    high = 1.0 if e == n else min(max(center + half, 0.0), 1.0)
    return Interval(low, high, lvl, method="wilson")


def clopper_pearson_interval(events: int, total: int, level: float = 0.95) -> Interval:
    """Clopper-Pearson ("exact") confidence interval for a binomial proportion.

    The bounds are the ``alpha / 2`` quantile of ``Beta(events, total - events + 1)``
    and the ``1 - alpha / 2`` quantile of ``Beta(events + 1, total - events)``,
    with ``alpha = 1 - level``; ``low`` is 0.0 when ``events == 0`` and ``high`` is
    1.0 when ``events == total``. Matches
    ``statsmodels.stats.proportion.proportion_confint(method="beta")``.

    Args:
        events: Number of events (successes), ``0 <= events <= total``.
        total: Number of trials, ``> 0``.
        level: Confidence level in (0, 1).

    Returns:
        The interval, with ``method="clopper-pearson"``.

    Raises:
        StatisticsError: If a count is not a non-negative integer, ``total`` is 0,
            ``events > total``, or ``level`` is not in (0, 1).
    """
    e, n = _check_events_total(events, total, "events", "total")
    return _clopper_pearson(e, n, _check_level(level))


@functools.lru_cache(maxsize=4096)
def _clopper_pearson(e: int, n: int, lvl: float) -> Interval:
    """The Clopper-Pearson interval of checked counts; kept, as intervals are immutable."""
    tail = (1.0 - lvl) / 2.0
    low = 0.0 if e == 0 else _betaincinv(tail, float(e), float(n - e + 1))
    # Upper bound: 1 - I_x(e + 1, n - e) = I_{1-x}(n - e, e + 1) = tail.
    high = 1.0 if e == n else 1.0 - _betaincinv(tail, float(n - e), float(e + 1))
    return Interval(low, max(low, high), lvl, method="clopper-pearson")


# ---------------------------------------------------------------------------
# Two-group contrasts
# ---------------------------------------------------------------------------


def _check_two_groups(e1: Any, n1: Any, e2: Any, n2: Any) -> tuple[int, int, int, int]:
    a, m = _check_events_total(e1, n1, "e1", "n1")
    c, k = _check_events_total(e2, n2, "e2", "n2")
    return a, m, c, k


def _ratio_cells(
    e1: Any, n1: Any, e2: Any, n2: Any, measure: str
) -> tuple[float, float, float, float, bool]:
    """Validated cells (events1, non-events1, events2, non-events2) and the correction flag."""
    a, m, c, k = _check_two_groups(e1, n1, e2, n2)
    b, d = m - a, k - c
    if a == 0 and c == 0:
        raise StatisticsError(
            f"{measure} is not estimable: both groups have zero events (e1=0, e2=0)"
        )
    if b == 0 and d == 0:
        raise StatisticsError(
            f"{measure} is not estimable: both groups have only events (e1=n1={m}, e2=n2={k})"
        )
    if 0 in (a, b, c, d):
        return a + 0.5, b + 0.5, c + 0.5, d + 0.5, True
    return float(a), float(b), float(c), float(d), False


def risk_difference(e1: int, n1: int, e2: int, n2: int, level: float = 0.95) -> Contrast:
    """Risk difference ``e1/n1 - e2/n2`` with a Wald confidence interval.

    The interval is ``d +/- z * sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2)``,
    clipped to [-1, 1]. No zero-cell correction is applied (``corrected`` is
    always False); when both proportions are 0 or 1 the standard error is 0 and the
    interval degenerates to the point estimate.

    Args:
        e1: Events in group 1, ``0 <= e1 <= n1``.
        n1: Size of group 1, ``> 0``.
        e2: Events in group 2, ``0 <= e2 <= n2``.
        n2: Size of group 2, ``> 0``.
        level: Confidence level in (0, 1).

    Returns:
        A :class:`Contrast` with ``measure="risk difference"`` and an interval with
        ``method="wald"``.

    Raises:
        StatisticsError: If a count is not a non-negative integer, a group size is
            0, events exceed the group size, or ``level`` is not in (0, 1).
    """
    a, m, c, k = _check_two_groups(e1, n1, e2, n2)
    lvl = _check_level(level)
    p1, p2 = a / m, c / k
    estimate = p1 - p2
    se = math.sqrt(p1 * (1.0 - p1) / m + p2 * (1.0 - p2) / k)
    half = _critical_value(lvl) * se
    low = min(max(estimate - half, -1.0), 1.0)
    high = min(max(estimate + half, -1.0), 1.0)
    interval = Interval(low, high, lvl, method="wald")
    return Contrast("risk difference", estimate, interval, corrected=False)


def risk_ratio(e1: int, n1: int, e2: int, n2: int, level: float = 0.95) -> Contrast:
    """Risk ratio ``(e1/n1) / (e2/n2)`` with a log-scale Wald confidence interval.

    ``log RR +/- z * sqrt(1/a - 1/(a+b) + 1/c - 1/(c+d))`` is exponentiated, where
    ``a, b, c, d`` are the cells ``e1, n1 - e1, e2, n2 - e2``.

    Zero-cell policy: if any of the four cells is zero, 0.5 is added to every cell
    (Haldane-Anscombe correction; each group size grows by 1), the estimate and
    interval are computed from the corrected table, and ``corrected`` is True. If
    both groups have zero events, or both groups have only events, the ratio is
    not estimable and :class:`StatisticsError` is raised.

    Args:
        e1: Events in group 1, ``0 <= e1 <= n1``.
        n1: Size of group 1, ``> 0``.
        e2: Events in group 2, ``0 <= e2 <= n2``.
        n2: Size of group 2, ``> 0``.
        level: Confidence level in (0, 1).

    Returns:
        A :class:`Contrast` with ``measure="risk ratio"`` and an interval with
        ``method="log"``.

    Raises:
        StatisticsError: If the input is invalid (see :func:`risk_difference`) or the
            ratio is not estimable.
    """
    a, b, c, d, corrected = _ratio_cells(e1, n1, e2, n2, "risk ratio")
    lvl = _check_level(level)
    log_rr = math.log(a) - math.log(a + b) - math.log(c) + math.log(c + d)
    se = math.sqrt(1.0 / a - 1.0 / (a + b) + 1.0 / c - 1.0 / (c + d))
    half = _critical_value(lvl) * se
    interval = Interval(math.exp(log_rr - half), math.exp(log_rr + half), lvl, method="log")
    return Contrast("risk ratio", math.exp(log_rr), interval, corrected=corrected)


def odds_ratio(e1: int, n1: int, e2: int, n2: int, level: float = 0.95) -> Contrast:
    """Odds ratio ``(a d) / (b c)`` with a log-scale (Woolf) Wald confidence interval.

    ``log OR +/- z * sqrt(1/a + 1/b + 1/c + 1/d)`` is exponentiated, where
    ``a, b, c, d`` are the cells ``e1, n1 - e1, e2, n2 - e2``.

    Zero-cell policy: if any of the four cells is zero, 0.5 is added to every cell
    (Haldane-Anscombe correction), the estimate and interval are computed from the
    corrected table, and ``corrected`` is True. If both groups have zero events, or
    both groups have only events, the ratio is not estimable and
    :class:`StatisticsError` is raised.

    Args:
        e1: Events in group 1, ``0 <= e1 <= n1``.
        n1: Size of group 1, ``> 0``.
        e2: Events in group 2, ``0 <= e2 <= n2``.
        n2: Size of group 2, ``> 0``.
        level: Confidence level in (0, 1).

    Returns:
        A :class:`Contrast` with ``measure="odds ratio"`` and an interval with
        ``method="log"``.

    Raises:
        StatisticsError: If the input is invalid (see :func:`risk_difference`) or the
            ratio is not estimable.
    """
    a, b, c, d, corrected = _ratio_cells(e1, n1, e2, n2, "odds ratio")
    lvl = _check_level(level)
    log_or = math.log(a) - math.log(b) - math.log(c) + math.log(d)
    se = math.sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d)
    half = _critical_value(lvl) * se
    interval = Interval(math.exp(log_or - half), math.exp(log_or + half), lvl, method="log")
    return Contrast("odds ratio", math.exp(log_or), interval, corrected=corrected)


# ---------------------------------------------------------------------------
# Random-effects pooling
# ---------------------------------------------------------------------------


def pool_effects(
    effects: Sequence[float], variances: Sequence[float], level: float = 0.95
) -> Pooled:
    """DerSimonian-Laird random-effects pooling of effect estimates.

    With fixed-effect weights ``w_i = 1 / v_i``, Cochran's
    ``Q = sum w_i (y_i - y_fe)^2``, ``tau2 = max(0, (Q - df) / (W - sum w_i^2 / W))``
    and ``I2 = max(0, (Q - df) / Q)`` (0 when ``Q == 0``). The pooled estimate
    uses weights ``1 / (v_i + tau2)`` and its Wald interval ``+/- z / sqrt(sum w*)``.
    Matches ``statsmodels.stats.meta_analysis.combine_effects(method_re="dl")``
    whenever ``Q > df`` (statsmodels does not truncate ``tau2`` and ``I2`` at 0).

    Args:
        effects: Effect estimates ``y_i`` (finite), at least two.
        variances: Their sampling variances ``v_i`` (finite, ``> 0``), same length.
        level: Confidence level in (0, 1).

    Returns:
        A :class:`Pooled` on the scale of the effects (``scale="identity"``, no
        back-transformation).

    Raises:
        StatisticsError: If fewer than two effects are given, the lengths differ, a
            value is not finite, a variance is not positive, or ``level`` is not in
            (0, 1).
    """
    lvl = _check_level(level)
    ys = [_check_real(y, f"effects[{i}]") for i, y in enumerate(effects)]
    vs = [_check_real(v, f"variances[{i}]") for i, v in enumerate(variances)]
    if len(ys) != len(vs):
        raise StatisticsError(
            f"effects and variances must have the same length (got {len(ys)} != {len(vs)})"
        )
    k = len(ys)
    if k < 2:
        raise StatisticsError(f"at least 2 studies are needed to pool (got k={k})")
    for i, v in enumerate(vs):
        if v <= 0.0:
            raise StatisticsError(f"variances[{i}] must be > 0 (got {v!r})")

    weights = [1.0 / v for v in vs]
    w_total = math.fsum(weights)
    mean_fe = math.fsum(w * y for w, y in zip(weights, ys, strict=True)) / w_total
    q = math.fsum(w * (y - mean_fe) ** 2 for w, y in zip(weights, ys, strict=True))
    df = k - 1
    c = w_total - math.fsum(w * w for w in weights) / w_total
    tau2 = max(0.0, (q - df) / c) if c > 0.0 else 0.0
    i2 = max(0.0, (q - df) / q) if q > 0.0 else 0.0

    weights_re = [1.0 / (v + tau2) for v in vs]
    w_total_re = math.fsum(weights_re)
    estimate = math.fsum(w * y for w, y in zip(weights_re, ys, strict=True)) / w_total_re
    half = _critical_value(lvl) * math.sqrt(1.0 / w_total_re)
    interval = Interval(estimate - half, estimate + half, lvl, method="dersimonian-laird")
    return Pooled(estimate, interval, tau2, min(i2, 1.0), q, df, k, scale="identity")


def _expit(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    ex = math.exp(x)
    return ex / (1.0 + ex)


def pool_proportions(
    pairs: Sequence[tuple[int, int]], level: float = 0.95, scale: str = "logit"
) -> Pooled:
    """DerSimonian-Laird random-effects pooling of proportions on the logit scale.

    Each study ``(events, total)`` contributes ``logit(e / n)`` with variance
    ``1/e + 1/(n - e)``. Continuity policy: a study with 0 events or with
    ``events == total`` gets 0.5 added to its events and to its non-events before
    the logit and variance are computed. The effects are pooled with
    :func:`pool_effects`; the estimate and interval are back-transformed to
    proportions (``tau2``, ``q`` stay on the logit scale).

    Args:
        pairs: ``(events, total)`` per study, at least two, each with
            ``0 <= events <= total`` and ``total > 0``.
        level: Confidence level in (0, 1).
        scale: Analysis scale; only ``"logit"`` is supported.

    Returns:
        A :class:`Pooled` with ``scale="logit"`` whose ``estimate`` and ``interval``
        are proportions.

    Raises:
        StatisticsError: If fewer than two studies are given, a study is invalid,
            ``scale`` is not ``"logit"``, or ``level`` is not in (0, 1).
    """
    if scale != "logit":
        raise StatisticsError(f"scale must be 'logit' (got {scale!r})")
    lvl = _check_level(level)
    studies = list(pairs)
    if len(studies) < 2:
        raise StatisticsError(f"at least 2 studies are needed to pool (got k={len(studies)})")
    effects: list[float] = []
    variances: list[float] = []
    for i, item in enumerate(studies):
        pair: object = item
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise StatisticsError(f"pairs[{i}] must be an (events, total) pair (got {pair!r})")
        e, n = _check_events_total(pair[0], pair[1], "events", "total", f"pairs[{i}]: ")
        events = float(e)
        non_events = float(n - e)
        if e in (0, n):
            events += 0.5
            non_events += 0.5
        effects.append(math.log(events) - math.log(non_events))
        variances.append(1.0 / events + 1.0 / non_events)
    pooled = pool_effects(effects, variances, lvl)
    interval = Interval(
        _expit(pooled.interval.low),
        _expit(pooled.interval.high),
        lvl,
        method="dersimonian-laird",
    )
    return attrs.evolve(pooled, estimate=_expit(pooled.estimate), interval=interval, scale="logit")
