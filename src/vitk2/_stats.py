"""Small, dependency-free statistics for proportions, contrasts and meta-analysis.

Everything here is pure Python (standard library plus `attrs`): there is no
numpy or scipy at run time. The numerical routines agree with the reference
implementations in statsmodels/scipy (and, where those are not exact, with mpmath) to
``1e-12`` or better, from the everyday range out to counts of ``10**18`` and
probabilities of ``5e-324``:

* `normal_quantile` -- inverse standard normal CDF (Acklam's rational
  approximation refined by one Halley step, accurate to a few ulp).
* `wilson_interval` -- Wilson score interval without continuity correction.
* `clopper_pearson_interval` -- exact (Clopper-Pearson) interval, via a
  pure-Python inverse of the regularized incomplete beta function.
* `risk_difference` -- Newcombe's hybrid score interval (method 10 of Newcombe
  1998), which keeps a width at zero cells.
* `risk_ratio`, `odds_ratio` -- two-group contrasts with Wald intervals on
  the log scale.
* `pool_effects`, `pool_proportions` -- DerSimonian-Laird
  random-effects pooling.

Zero-cell policy (`risk_ratio` and `odds_ratio`): the 2x2 table has the
cells ``e1``, ``n1 - e1``, ``e2`` and ``n2 - e2``. If any of the four cells is zero,
0.5 is added to *every* cell (Haldane-Anscombe correction; metafor's ``escalc``
default, ``add = 1/2, to = "only0"``) before the estimate and its interval are
computed, and the returned `Contrast` has ``corrected=True``. If both groups
have zero events, or both groups have only events, the ratio is not estimable and
[`StatisticsError`][vitk2.StatisticsError] is raised, its message giving the reason.

Continuity policy (`pool_proportions`): a study with 0 events or with only
events (``events == total``) gets 0.5 added to its events and to its non-events
(so its total grows by 1) before its logit and variance are computed; the other
studies are used as they are.

Inputs: counts may be of any integer type (``int``, NumPy integers of every width),
reals of any real type (``float``, ``Fraction``, NumPy floats from ``float16`` to
``longdouble``), sequences may be NumPy arrays. All inputs are validated; invalid ones
raise [`StatisticsError`][vitk2.StatisticsError], whose message names the argument and the offending
value. A result that cannot be computed in double precision (a total beyond the float
range, an odds ratio of ``1e600``) raises [`StatisticsError`][vitk2.StatisticsError] too, never an
``OverflowError`` or a silently rounded number.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
import sys
from collections.abc import Iterable, Sequence, Sized
from typing import Any, SupportsFloat, SupportsIndex

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
            ``"clopper-pearson"``, ``"newcombe"``, ``"log"``, ``"dersimonian-laird"``.
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

    def __repr__(self) -> str:
        """As the report writes an interval: ``<Interval 95% CI 0.076 to 0.345, wilson>``.

        The bounds have three significant digits and the level is written as it is (87.5%,
        never rounded); the fields themselves keep full precision.
        """
        from ._render import level_text

        return (
            f"<Interval {level_text(self.level)} CI {self.low:.3g} to {self.high:.3g}, "
            f"{self.method}>"
        )

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
        estimate: Pooled estimate; for `pool_proportions` a proportion
            (back-transformed from ``scale``), for `pool_effects` on the
            scale of the given effects.
        interval: Confidence interval on the same scale as ``estimate``.
        tau2: Between-study variance (on the analysis scale), ``>= 0``.
        i2: Share of the total variability due to heterogeneity, in [0, 1].
        q: Cochran's Q heterogeneity statistic (on the analysis scale).
        df: Degrees of freedom of Q, ``k - 1``.
        k: Number of studies pooled.
        method: Estimator of ``tau2``; ``"dersimonian-laird"``.
        scale: Analysis scale: ``"logit"`` for proportions, ``"identity"`` for
            `pool_effects`.
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
    """Return ``value`` as an int, requiring a non-negative integer (not a bool).

    Any integer type is accepted through ``__index__`` (``int``, NumPy integers of every
    width, 0-d integer arrays); booleans, Python's and NumPy's, are refused.
    """
    if (
        isinstance(value, bool)
        # NumPy's booleans (bool_, boolean arrays): numpy 2.2 still gives them __index__
        or getattr(getattr(value, "dtype", None), "kind", None) == "b"
        or not hasattr(type(value), "__index__")
    ):
        raise StatisticsError(f"{name} must be a non-negative integer (got {value!r})")
    try:
        number = operator.index(value)
    except TypeError:  # a type with __index__ that refuses this value (a NumPy array of 2)
        raise StatisticsError(f"{name} must be a non-negative integer (got {value!r})") from None
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
    """Return ``value`` as a finite float, rejecting bools and non-numbers.

    Every `numbers.Real` is accepted: ``int``, ``float``, ``fractions.Fraction`` and
    NumPy's integers and floats of every width (``float16`` to ``longdouble``). A value
    beyond the float range (an ``int`` of 400 digits, a ``longdouble`` of ``1e4000``) is
    refused, not rounded to infinity.
    """
    if value.__class__ is float and math.isfinite(value):  # the common case, without the ABC
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise StatisticsError(f"{name} must be a finite real number (got {value!r})")
    try:
        number = float(value)  # a longdouble beyond the range gives inf, without a warning
    except OverflowError:  # an int or Fraction beyond the range
        raise StatisticsError(
            f"{name} must be a finite real number within the float range (got {value!r})"
        ) from None
    if not math.isfinite(number):
        raise StatisticsError(f"{name} must be a finite real number (got {value!r})")
    return number


def _check_level(level: Any, name: str = "level") -> float:
    """Validate a confidence level in the open interval (0, 1) and return it as a float.

    Refuses bools (Python's and NumPy's), NaN, infinities, non-numbers and values outside
    (0, 1), with a [`StatisticsError`][vitk2.StatisticsError] naming ``name`` and the value; accepts any real
    number type (see `_check_real`).
    """
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
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)
# Below this probability the Halley step works with the Mills ratio: 0.5 * erfc(-x / sqrt(2))
# and exp(x * x / 2) leave the normal float range near p = 1e-308 (x = -37.5).
_MILLS_P = 1e-150


def _mills_ratio_far(x: float) -> float:
    """The Mills ratio ``Phi(x) / phi(x)`` for ``x <= -20``, from its asymptotic series.

    ``Phi(x) / phi(x) = (1/|x|) * sum_k (-1)^k (2k - 1)!! / x^(2k)``; for ``|x| >= 20`` the terms
    shrink by at least ``(2k - 1) / 400`` each, so twelve reach double precision.
    """
    r = 1.0 / (x * x)
    term = 1.0
    total = 1.0
    for k in range(1, 40):
        term *= -(2 * k - 1) * r
        total += term
        if abs(term) <= 1e-17 * total:
            break
    return total / -x


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
    # One Halley step on Phi(x) - p, with u = (Phi(x) - p) / phi(x).
    if p < _MILLS_P:
        # Far tail (x < -26): u = Phi(x)/phi(x) - p/phi(x), the second term formed in logs so
        # that neither exp(x^2 / 2) overflows nor a subnormal Phi(x) loses its digits.
        u = _mills_ratio_far(x) - math.exp(math.log(p) + 0.5 * x * x + _LOG_SQRT_2PI)
    else:
        # For x <= 0, erfc(-x / sqrt(2)) has full relative precision, so the step converges
        # to a few ulp in the tail too. Near the centre Phi(x) - p is formed as
        # erf(x / sqrt(2)) / 2 - (p - 1/2), where p - 1/2 is exact (p >= 1/4) and erf keeps
        # the relative precision of a small x.
        if p >= 0.25:
            e = 0.5 * math.erf(x / _SQRT_2) - (p - 0.5)
        else:
            e = 0.5 * math.erfc(-x / _SQRT_2) - p
        u = e * _SQRT_2PI * math.exp(0.5 * x * x)
    return x - u / (1.0 + 0.5 * x * u)


def normal_quantile(p: float) -> float:
    """Inverse of the standard normal cumulative distribution function.

    Uses Acklam's rational approximation refined with one Halley step based on
    `math.erfc` (in the far tail, below ``p = 1e-150``, on the Mills ratio, so the
    smallest subnormal ``p = 5e-324`` still gets its quantile, about -38.4674); the result
    is accurate to about ``1e-15`` relative. The upper half is computed by symmetry from
    ``1 - p``, which is exact for ``p >= 0.5``.

    Args:
        p: Probability, strictly between 0 and 1: a float, an int or any real number
            (``fractions.Fraction``, NumPy floats of any width).

    Returns:
        The ``x`` with ``Phi(x) == p``.

    Raises:
        StatisticsError: If ``p`` is not a finite real number in the open interval (0, 1).
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
#
# I_x(a, b) is computed from a continued fraction times the "prefix" x^a (1-x)^b / B(a, b).
# Both need care when a or b is large (counts up to 1e18 and beyond):
#
# * The fraction is DiDonato and Morris's, in lam = a - (a + b) x: the classical one in x
#   (Numerical Recipes' betacf, kept as _beta_cf) loses every digit of the complement when
#   x is tiny and a + b huge, because it needs 1 - x, which then rounds to 1.
# * The prefix is formed in logs without the cancellation of lgamma(b) - lgamma(a + b)
#   (which loses every digit once b is about 1e15): through Stirling's series, written
#   around the mean x0 = a / (a + b) with v - log1p(v) computed by a series for small v,
#   as in DiDonato and Morris (1992), ACM TOMS 18, 360-373.
# * When both a and b are at least _ASYMPTOTIC_MIN the continued fraction would need
#   hundreds of thousands of terms near the mean; there the first two terms of Temme's
#   uniform asymptotic expansion are used instead: I = Phi(w) + phi(w) (1/w - 1/z), with w
#   the signed root of the likelihood-ratio statistic and z the standardised deviation
#   (Temme 1992, J. Comput. Appl. Math. 41; the Lugannani-Rice form). Its relative error is
#   of order min(a, b)^(-3/2), below 1e-13 there.
# * The inverse solves log I(x) = log p (or log(1 - I(x)) = log(1 - p)) by Newton steps kept
#   inside a bracket, bisecting in log x where the bracket spans orders of magnitude; both
#   I and 1 - I are computed to full relative precision, so tiny bounds keep their digits.

_FPMIN = 1e-300
# Stop the continued fraction when a step changes it by at most 1.5 ulp (an exact 1.0 may
# never come, as the steps round).
_CF_EPS = 3.3e-16
_ASYMPTOTIC_MIN = 1e8
# The fraction in lam needs at most about 50,000 terms (a parameter of 0.001 next to one of
# 1e8, at the mean); the bound only turns a failure into an error instead of a hang.
_CF_LAMBDA_MAX_TERMS = 200_000
_STIRLING_MIN = 10.0
# Coefficients B_2k / (2k (2k - 1)) of Stirling's series for log Gamma; for x >= 10 the
# first eight terms reach 3e-17.
_STIRLING = (
    1.0 / 12.0,
    -1.0 / 360.0,
    1.0 / 1260.0,
    -1.0 / 1680.0,
    1.0 / 1188.0,
    -691.0 / 360360.0,
    1.0 / 156.0,
    -3617.0 / 122400.0,
)
_TINY = 5e-324
_MIN_NORMAL = 2.2250738585072014e-308
_EPSILON = 2.220446049250313e-16


def _stirling_error(x: float) -> float:
    """``lgamma(x) - ((x - 1/2) log x - x + log sqrt(2 pi))`` for ``x >= 10``."""
    r = 1.0 / x
    r2 = r * r
    total = 0.0
    for coefficient in reversed(_STIRLING):
        total = total * r2 + coefficient
    return total * r


def _atanh_series(t2: float) -> float:
    """``1/3 + t2/5 + t2^2/7 + ...`` for ``0 <= t2 <= 1/9`` (so at most 17 terms).

    ``atanh(t) = t + t^3 (1/3 + t^2/5 + ...)``, the series at ``t2 = t^2``.
    """
    total = 1.0 / 3.0
    power = 1.0
    for k in range(1, 40):
        power *= t2
        term = power / (2 * k + 3)
        total += term
        if term <= 1e-17 * total:
            break
    return total


def _log1p_of(v: float, r: float) -> float:
    """``log1p(v)`` given also ``r = 1 + v`` to full relative precision (``v`` may be near -1)."""
    return math.log(r) if v < -0.5 else math.log1p(v)


def _rlog1(v: float, r: float) -> float:
    """``v - log1p(v)`` (>= 0) for ``v > -1``, ``r = 1 + v``, without cancellation near 0.

    With ``t = v / (2 + v)``, ``log1p(v) = 2 atanh(t)`` and ``v - log1p(v) = v t - 2 t^3 (1/3 +
    t^2/5 + ...)``, whose terms do not cancel for ``|v| <= 1/2``. Below that ``log(r)`` stands
    for ``log1p(v)``: ``v`` itself has lost the digits of a tiny ``1 + v``.
    """
    if abs(v) > 0.5:
        return v - _log1p_of(v, r)
    t = v / (2.0 + v)
    return v * t - 2.0 * t * t * t * _atanh_series(t * t)


def _rlog1_ratio(v: float, r: float) -> float:
    """``(v - log1p(v)) / v^2`` for ``v > -1``, ``r = 1 + v`` (1/2 at ``v = 0``), no underflow."""
    if abs(v) > 0.5:
        return (v - _log1p_of(v, r)) / (v * v)
    return 0.5 - _log1p_cubic_ratio(v, r)


def _log1p_cubic_ratio(v: float, r: float) -> float:
    """``(log1p(v) - v + v^2/2) / v^2`` for ``v > -1``: about ``v/3``, to full relative precision.

    With ``t = v / (2 + v)`` it is ``t/2 + 2 t (1/3 + t^2/5 + ...) / (2 + v)^2``: nothing
    cancels or underflows near 0.
    """
    if abs(v) > 0.5:
        return (_log1p_of(v, r) - v + 0.5 * v * v) / (v * v)
    t = v / (2.0 + v)
    q = 1.0 / (2.0 + v)
    return 0.5 * t + 2.0 * t * q * q * _atanh_series(t * t)


def _log_beta(a: float, b: float) -> float:
    """``log B(a, b)`` for ``a, b > 0``, also when one or both are huge.

    ``lgamma(b) - lgamma(a + b)`` loses all its digits once ``b`` is about ``1e15``; Stirling's
    series is used for the large arguments instead, written so that nothing cancels.
    """
    small, large = (a, b) if a <= b else (b, a)
    if large < _STIRLING_MIN:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    s = a + b
    if small < _STIRLING_MIN:
        # lgamma(large) - lgamma(s) = -(large - 1/2) log1p(small / large) - small log s + small
        #                             + stirling(large) - stirling(s)
        return (
            math.lgamma(small)
            - (large - 0.5) * math.log1p(small / large)
            - small * math.log(s)
            + small
            + _stirling_error(large)
            - _stirling_error(s)
        )
    return (
        -a * math.log1p(b / a)
        - b * math.log1p(a / b)
        + 0.5 * (math.log(s) - math.log(a) - math.log(b))
        + _LOG_SQRT_2PI
        + _stirling_error(a)
        + _stirling_error(b)
        - _stirling_error(s)
    )


def _log_product(x: float, s: float) -> float:
    """``log(x * s)`` for ``x, s > 0``, without the cancellation of ``log x + log s``."""
    xs = x * s
    return math.log(xs) if 1e-300 < xs < 1e300 else math.log(x) + math.log(s)


def _log_beta_prefix(a: float, b: float, x: float, y: float) -> float:
    """``log(x^a y^b / B(a, b))`` for ``0 < x < 1``, ``y = 1 - x`` (the smaller of them exact)."""
    small, large = (a, b) if a <= b else (b, a)
    if large >= _STIRLING_MIN and small >= _STIRLING_MIN:
        # a log(x/x0) + b log(y/y0) = -(a rlog1(u/x0) + b rlog1(-u/y0)), u = x - x0, as the
        # first-order terms cancel exactly; the rest is Stirling's series for B(a, b).
        s = a + b
        x0 = a / s
        y0 = b / s
        u = x - x0 if x <= y else y0 - y
        return (
            -(a * _rlog1(u / x0, x / x0) + b * _rlog1(-u / y0, y / y0))
            + 0.5 * (math.log(a) + math.log(b) - math.log(s))
            - _LOG_SQRT_2PI
            - (_stirling_error(a) + _stirling_error(b) - _stirling_error(s))
        )
    log_x = math.log(x) if x <= y else math.log1p(-y)
    log_y = math.log(y) if y <= x else math.log1p(-x)
    if large >= _STIRLING_MIN:
        # One parameter below 10, the other at least 10: keep small * log(s) with log x (or
        # log y), and lgamma(large) - lgamma(s) free of cancellation (see _log_beta).
        s = a + b
        rest = (
            -math.lgamma(small)
            + (large - 0.5) * math.log1p(small / large)
            - small
            - _stirling_error(large)
            + _stirling_error(s)
        )
        if a <= b:
            return a * _log_product(x, s) + b * log_y + rest
        return b * _log_product(y, s) + a * log_x + rest
    return a * log_x + b * log_y - _log_beta(a, b)


def _beta_prefix(a: float, b: float, x: float, y: float) -> float:
    """``x^a y^b / B(a, b)`` for ``0 < x < 1``, ``y = 1 - x`` (the smaller of them exact).

    With both parameters below 10 the powers are taken with `math.pow`, which is
    exact to an ulp, rather than as ``exp(a log x)``, which loses ``|a log x|`` ulps (150
    for ``x = 1e-282``); elsewhere, and wherever a power underflows, in logs.
    """
    if a < _STIRLING_MIN and b < _STIRLING_MIN:
        power_x = math.pow(x, a) if x <= y else math.exp(a * math.log1p(-y))
        power_y = math.pow(y, b) if y <= x else math.exp(b * math.log1p(-x))
        if power_x >= _MIN_NORMAL and power_y >= _MIN_NORMAL:  # subnormals lose digits
            return power_x * power_y / math.exp(_log_beta(a, b))
    return math.exp(_log_beta_prefix(a, b, x, y))


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


def _normal_cdf_pair(w: float) -> tuple[float, float]:
    """``(Phi(w), Phi(-w))``, each to full relative precision."""
    return 0.5 * math.erfc(-w / _SQRT_2), 0.5 * math.erfc(w / _SQRT_2)


def _ibeta_asymptotic(a: float, b: float, x: float, y: float) -> tuple[float, float]:
    """``(I_x(a, b), 1 - I_x(a, b))`` for ``a, b >= _ASYMPTOTIC_MIN`` (Temme's expansion).

    With ``s = a + b``, ``x0 = a / s``, ``u = x - x0`` and the signed root of the
    likelihood-ratio statistic ``w = sign(u) sqrt(2 (a rlog1(u/x0) + b rlog1(-u/y0)))``,
    ``I = Phi(w) + phi(w) (1/w - 1/z) + O(min(a, b)^(-3/2))`` where ``z = u sqrt(s / (x0 y0))``
    is the standardised deviation. Both are formed from ``u sqrt(s)`` and ratios that stay
    near 1/2 (nothing underflows even for ``s`` near the float range), and ``1/w - 1/z`` as
    ``-D / ((1 + sqrt(1 + D)) w)`` with ``1 + D = (w/z)^2`` taken from the cubic remainder of
    the logarithms, so it keeps its digits as ``u -> 0``.
    """
    s = a + b
    x0 = a / s
    y0 = b / s
    u = x - x0 if x <= y else y0 - y
    if u == 0.0:
        return 0.5, 0.5  # the O(1/sqrt(s)) offset of the median is below the rounding of x
    v1, r1 = u / x0, x / x0
    v2, r2 = -u / y0, y / y0
    rr1 = _rlog1_ratio(v1, r1)
    rr2 = _rlog1_ratio(v2, r2)
    w = u * math.sqrt(s) * math.sqrt(2.0 * (rr1 / x0 + rr2 / y0))
    d = -2.0 * (y0 * _log1p_cubic_ratio(v1, r1) + x0 * _log1p_cubic_ratio(v2, r2))
    root = math.sqrt(2.0 * (y0 * rr1 + x0 * rr2))  # sqrt(1 + d), from terms >= 0
    correction = (
        math.exp(-0.5 * w * w - _LOG_SQRT_2PI)
        * d
        / ((root + 1.0) * w)
        * math.exp(-(_stirling_error(a) + _stirling_error(b) - _stirling_error(s)))
    )
    lower, upper = _normal_cdf_pair(w)
    return max(lower - correction, 0.0), max(upper + correction, 0.0)


def _beta_cf_lambda(a: float, b: float, x: float, y: float, lam: float) -> float:
    """Continued fraction for ``I_x(a, b) / (x^a y^b / B(a, b))`` when ``lam >= 0``.

    The fraction of DiDonato and Morris (1992, eq. 2.5) in the variable ``lam = a - (a + b) x``
    instead of ``x``: ``1 / (b1 + a2 / (b2 + a3 / (b3 + ...)))`` with ``b1 = a (lam + 1) /
    (a + 1)``, ``a(n+1) = (a + n - 1) (a + b + n - 1) n (b - n) x^2 / (a + 2n - 1)^2`` and
    ``b(n+1) = n + n (b - n) x / (a + 2n - 1) + (a + n) (lam + 1 + n (1 + y)) / (a + 2n + 1)``.
    Where ``x`` is close to 1 it only scales terms (``lam`` and ``y`` carry the difference
    from 1), so the complement ``I_y(b, a)`` keeps its digits when ``1 - y`` rounds to 1,
    which the classical fraction in ``x`` cannot do. Evaluated by the modified Lentz method.
    """
    f = a * (lam + 1.0) / (a + 1.0)
    c = f
    d = 0.0
    for n in range(1, _CF_LAMBDA_MAX_TERMS + 1):
        k = a + 2.0 * n - 1.0
        # grouped so that no product overflows when a or b is near the float range
        bx = (b - n) * x
        numerator = (a + n - 1.0) / k * ((a + b + n - 1.0) * x / k) * n * bx
        term = n + n * bx / k + (a + n) / (k + 2.0) * (lam + 1.0 + n * (1.0 + y))
        d = term + numerator * d
        if abs(d) < _FPMIN:
            d = _FPMIN
        c = term + numerator / c
        if abs(c) < _FPMIN:
            c = _FPMIN
        d = 1.0 / d
        delta = c * d
        f *= delta
        if abs(delta - 1.0) <= _CF_EPS:
            return 1.0 / f
    raise StatisticsError(  # pragma: no cover - 50,000 terms suffice even for b = 0.001
        f"incomplete beta continued fraction did not converge (a={a!r}, b={b!r}, x={x!r})"
    )


def _ibeta(a: float, b: float, x: float, y: float) -> tuple[float, float]:
    """``(I_x(a, b), 1 - I_x(a, b))`` for ``a, b > 0`` and ``y = 1 - x``.

    The smaller of the two has full relative precision; the larger is 1 minus it. Below the
    mean (``lam >= 0``) ``I`` is computed, above it the complement ``I_y(b, a)``, each from
    the fraction in ``lam``, which is formed from the smaller of ``x`` and ``y``.
    """
    if x <= 0.0:
        return 0.0, 1.0
    if y <= 0.0:
        return 1.0, 0.0
    if a >= _ASYMPTOTIC_MIN and b >= _ASYMPTOTIC_MIN:
        return _ibeta_asymptotic(a, b, x, y)
    front = _beta_prefix(a, b, x, y)
    lam = a - (a + b) * x if x <= y else (a + b) * y - b
    if lam >= 0.0:
        tail = front * _beta_cf_lambda(a, b, x, y, lam)
        return tail, 1.0 - tail
    tail = front * _beta_cf_lambda(b, a, y, x, -lam)
    return 1.0 - tail, tail


def _betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function ``I_x(a, b)`` for ``a, b > 0``."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    return _ibeta(a, b, x, 1.0 - x)[0]


def _betaincc(a: float, b: float, x: float) -> float:
    """Its complement ``1 - I_x(a, b)``, to full relative precision when it is small."""
    if x <= 0.0:
        return 1.0
    if x >= 1.0:
        return 0.0
    return _ibeta(a, b, x, 1.0 - x)[1]


def _beta_initial_guess(tail: float, a: float, b: float, lower: bool) -> float:
    """Starting point for the inverse incomplete beta (Numerical Recipes, 6.4).

    ``tail`` (at most 1/2) is ``I_x(a, b)`` if ``lower``, else ``1 - I_x(a, b)``; it is never
    formed as 1 minus a probability, so a tail of ``1e-300`` gives a usable start.
    """
    if a >= 1.0 and b >= 1.0:
        t = math.sqrt(-2.0 * math.log(tail))
        x = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t
        if lower:
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
    if lower and tail < t / w:
        return math.exp((math.log(a * w) + math.log(tail)) / a)
    if not lower and tail < u / w:
        return -math.expm1((math.log(b * w) + math.log(tail)) / b)
    return 0.5


def _beta_midpoint(lo: float, hi: float) -> float:
    """A point strictly inside ``(lo, hi)``.

    The geometric mean (of ``x`` near 0, of ``1 - x`` near 1) where the bracket spans orders
    of magnitude, the arithmetic mean otherwise.
    """
    if hi <= 0.5 and (lo == 0.0 or hi > 4.0 * lo):
        return math.exp(0.5 * (math.log(max(lo, _TINY)) + math.log(hi)))
    if lo >= 0.5 and (hi == 1.0 or (1.0 - lo) > 4.0 * (1.0 - hi)):
        return 1.0 - math.exp(0.5 * (math.log(1.0 - lo) + math.log(max(1.0 - hi, _EPSILON / 2))))
    return 0.5 * (lo + hi)


def _beta_root(a: float, b: float, p: float, lower: bool) -> float:
    """The ``x`` with ``I_x(a, b) = p`` (``lower``) or ``1 - I_x(a, b) = p`` (not ``lower``).

    Newton steps on ``log I(x) - log p`` (on the complement when that is the target): both
    functions are close to linear in ``x`` or ``log x``, so the steps converge from a rough
    start. A step that leaves the bracket, or that is not at most half the previous one (as
    when rounding noise in ``I`` meets the root), is replaced by a bisection, so the bracket
    keeps shrinking until it is a few ulp wide.
    """
    log_p = math.log(p)
    lo, hi = 0.0, 1.0
    x = _beta_initial_guess(p, a, b, lower)
    if not 0.0 < x < 1.0:
        x = _beta_midpoint(lo, hi)
    previous = math.inf
    for _ in range(400):
        y = 1.0 - x
        value = _ibeta(a, b, x, y)[0 if lower else 1]
        if value <= 0.0:
            too_far = not lower  # I(x) underflowed: x too small; 1 - I(x) underflowed: too large
            step = math.nan
        else:
            # log(value / p), not log(value) - log(p): near the root the difference of two
            # logarithms of 1e-280 would keep only its last 13 digits
            ratio = value / p
            h = math.log(ratio) if ratio < math.inf else math.log(value) - log_p
            if h == 0.0:
                return x
            too_far = (h > 0.0) == lower
            # d(log I)/dx = density / I, density = exp(prefix) / (x y)
            log_slope = (
                _log_beta_prefix(a, b, x, y) - math.log(x) - math.log1p(-x) - math.log(value)
            )
            step = h * math.exp(-log_slope) if log_slope > -700.0 else math.nan
            if not lower:
                step = -step
        if too_far:
            hi = x
        else:
            lo = x
        x_new = x - step
        if not (lo < x_new < hi and abs(step) <= 0.5 * previous):  # also NaN
            x_new = _beta_midpoint(lo, hi)
        previous = abs(x_new - x)
        if previous <= _EPSILON * x_new or x_new in (lo, hi):  # converged, or lo, hi adjacent
            return x_new
        x = x_new
    raise StatisticsError(  # pragma: no cover - the bracket shrinks at every step
        f"inverse incomplete beta did not converge (p={p!r}, a={a!r}, b={b!r})"
    )


def _betaincinv(p: float, a: float, b: float) -> float:
    """Inverse of ``x -> I_x(a, b)`` for ``a, b > 0``: the ``x`` with ``I_x(a, b) = p``.

    Newton steps on ``log I(x) - log p`` for ``p <= 1/2`` and on ``log(1 - I(x)) - log(1 - p)``
    above, each inside a bracket that always holds the root; a step that leaves it is
    replaced by a bisection (in ``log x`` or ``log(1 - x)`` where the bracket spans orders of
    magnitude). The result has the relative precision of ``x``.
    """
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    if p <= 0.5:
        return _beta_root(a, b, p, lower=True)
    return _beta_root(a, b, 1.0 - p, lower=False)


def _betainccinv(q: float, a: float, b: float) -> float:
    """The ``x`` with ``1 - I_x(a, b) = q``.

    It keeps the relative precision of ``x`` when ``x`` is tiny and ``q`` close to 1, where
    ``_betaincinv(1 - q, a, b)`` would round ``1 - q``.
    """
    if q <= 0.0:
        return 1.0
    if q >= 1.0:
        return 0.0
    if q <= 0.5:
        return _beta_root(a, b, q, lower=False)
    return _beta_root(a, b, 1.0 - q, lower=True)


# ---------------------------------------------------------------------------
# Single proportions
# ---------------------------------------------------------------------------


def _too_large(what: str, n: int) -> StatisticsError:
    return StatisticsError(
        f"{what} cannot be computed in double precision: the total ({len(str(n))} digits) "
        f"is beyond the float range"
    )


def wilson_interval(
    events: SupportsIndex, total: SupportsIndex, level: SupportsFloat = 0.95
) -> Interval:
    """Wilson score confidence interval for a binomial proportion.

    No continuity correction is applied. Matches
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``. The
    bounds are exactly 0.0 when ``events == 0`` and exactly 1.0 when
    ``events == total``, and never exclude the estimate ``events / total``.

    The bounds are computed from the counts, as ``(e + z^2/2 +/- z sqrt(e (n - e) / n +
    z^2/4)) / (n + z^2)``, the lower one through the product of the two roots and the side
    nearer 1 by symmetry, so neither cancels: a total of ``10**18`` keeps every digit.

    Args:
        events: Number of events (successes), ``0 <= events <= total``: an ``int`` or any
            integer type (NumPy integers of any width).
        total: Number of trials, ``> 0``, below the float range (about ``1.8e308``).
        level: Confidence level in (0, 1): a float or any real number type (NumPy floats of
            any width).

    Returns:
        The interval, with ``method="wilson"``.

    Raises:
        StatisticsError: If a count is not a non-negative integer, ``total`` is 0,
            ``events > total``, ``total`` is beyond the float range, or ``level`` is not in
            (0, 1).
    """
    e, n = _check_events_total(events, total, "events", "total")
    return _wilson(e, n, _check_level(level))


def _wilson_bounds(e: int, n: int, z: float) -> tuple[float, float]:
    """Wilson bounds for ``e <= n / 2``, from the counts (see `wilson_interval`)."""
    z2 = z * z
    denom = float(n) + z2
    # e (n - e) / n in integers, rounded once
    high = (e + 0.5 * z2 + z * math.sqrt(e * (n - e) / n + 0.25 * z2)) / denom
    # The roots' product is e^2 / (n (n + z^2)): the lower root without cancellation.
    low = 0.0 if e == 0 else (e / n) * (e / (denom * high))
    return low, min(high, 1.0)


@functools.lru_cache(maxsize=4096)
def _wilson(e: int, n: int, lvl: float) -> Interval:
    """The Wilson interval of checked counts; kept, as intervals are immutable."""
    z = _critical_value(lvl)
    try:
        if 2 * e > n:
            low_m, high_m = _wilson_bounds(n - e, n, z)
            low, high = 1.0 - high_m, 1.0 - low_m
        else:
            low, high = _wilson_bounds(e, n, z)
    except OverflowError:
        raise _too_large("the Wilson interval", n) from None
    # The exact bounds never exclude e / n; rounding could put one an ulp past its rounding.
    p = e / n
    return Interval(min(low, p), max(high, p), lvl, method="wilson")


def clopper_pearson_interval(
    events: SupportsIndex, total: SupportsIndex, level: SupportsFloat = 0.95
) -> Interval:
    """Clopper-Pearson ("exact") confidence interval for a binomial proportion.

    The bounds are the ``alpha / 2`` quantile of ``Beta(events, total - events + 1)``
    and the ``1 - alpha / 2`` quantile of ``Beta(events + 1, total - events)``,
    with ``alpha = 1 - level``; ``low`` is 0.0 when ``events == 0`` and ``high`` is
    1.0 when ``events == total``. Matches
    ``statsmodels.stats.proportion.proportion_confint(method="beta")`` and
    ``scipy.stats.beta.ppf`` / ``isf`` to about ``1e-13`` relative, for totals up to
    ``10**18`` and beyond: each bound is found as the quantile nearer 0 (the side nearer 1 by
    symmetry), with the incomplete beta function and its complement computed to full
    relative precision. The interval never excludes the estimate ``events / total``.

    Args:
        events: Number of events (successes), ``0 <= events <= total``: an ``int`` or any
            integer type (NumPy integers of any width).
        total: Number of trials, ``> 0``, below the float range (about ``1.8e308``).
        level: Confidence level in (0, 1): a float or any real number type.

    Returns:
        The interval, with ``method="clopper-pearson"``.

    Raises:
        StatisticsError: If a count is not a non-negative integer, ``total`` is 0,
            ``events > total``, ``total`` is beyond the float range, or ``level`` is not in
            (0, 1).
    """
    e, n = _check_events_total(events, total, "events", "total")
    return _clopper_pearson(e, n, _check_level(level))


def _clopper_pearson_low(e: int, n: int, tail: float) -> float:
    """The lower Clopper-Pearson bound (``e >= 1``): ``I_low(e, n - e + 1) = tail``.

    A bound above 1/2 is found as ``1 - x`` from the mirrored problem, where ``x`` is the
    quantile near 0 and has its full relative precision.
    """
    low = _betaincinv(tail, float(e), float(n - e + 1))
    if low > 0.5:
        # 1 - low is the upper bound of n - e events: 1 - I_x(n - e + 1, e) = tail
        low = 1.0 - _betainccinv(tail, float(n - e + 1), float(e))
    return low


def _clopper_pearson_high(e: int, n: int, tail: float) -> float:
    """The upper Clopper-Pearson bound (``e < n``): ``1 - I_high(e + 1, n - e) = tail``.

    Solved on the complement, so no ``1 - x`` rounds; a bound above 1/2 is found as
    ``1 - x`` from the mirrored problem, as in `_clopper_pearson_low`.
    """
    high = _betainccinv(tail, float(e + 1), float(n - e))
    if high > 0.5:
        # 1 - high is the lower bound of n - e events: I_x(n - e, e + 1) = tail
        high = 1.0 - _betaincinv(tail, float(n - e), float(e + 1))
    return high


@functools.lru_cache(maxsize=4096)
def _clopper_pearson(e: int, n: int, lvl: float) -> Interval:
    """The Clopper-Pearson interval of checked counts; kept, as intervals are immutable."""
    tail = (1.0 - lvl) / 2.0
    try:
        low = 0.0 if e == 0 else _clopper_pearson_low(e, n, tail)
        high = 1.0 if e == n else _clopper_pearson_high(e, n, tail)
    except OverflowError:
        raise _too_large("the Clopper-Pearson interval", n) from None
    # The exact bounds never exclude e / n; rounding could put one an ulp past its rounding.
    p = e / n
    return Interval(min(low, p), max(high, p), lvl, method="clopper-pearson")


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
    try:
        if 0 in (a, b, c, d):
            return a + 0.5, b + 0.5, c + 0.5, d + 0.5, True
        return float(a), float(b), float(c), float(d), False
    except OverflowError:
        raise _too_large(f"the {measure}", max(m, k)) from None


def risk_difference(
    e1: SupportsIndex,
    n1: SupportsIndex,
    e2: SupportsIndex,
    n2: SupportsIndex,
    level: SupportsFloat = 0.95,
) -> Contrast:
    """Risk difference ``e1/n1 - e2/n2`` with Newcombe's hybrid score interval.

    The interval is method 10 of Newcombe (1998), built from the Wilson intervals
    ``[l1, u1]`` and ``[l2, u2]`` of the two proportions (see `wilson_interval`)::

        low  = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
        high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)

    Unlike the Wald interval it keeps a width where a group has no events or only events: for
    ``risk_difference(0, 20, 0, 20)`` it is about -0.161 to 0.161, not 0 to 0. It always
    contains the estimate and lies within [-1, 1]. Matches
    ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb",
    compare="diff")``. No zero-cell correction is applied (``corrected`` is always False);
    the estimate is ``e1/n1 - e2/n2``, computed from the counts and rounded once.

    Reference: Newcombe RG (1998). Interval estimation for the difference between
    independent proportions: comparison of eleven methods. Statistics in Medicine 17,
    873-890.

    Args:
        e1: Events in group 1, ``0 <= e1 <= n1`` (any integer type).
        n1: Size of group 1, ``> 0``.
        e2: Events in group 2, ``0 <= e2 <= n2``.
        n2: Size of group 2, ``> 0``.
        level: Confidence level in (0, 1) (any real number type).

    Returns:
        A `Contrast` with ``measure="risk difference"`` and an interval with
        ``method="newcombe"``.

    Raises:
        StatisticsError: If a count is not a non-negative integer, a group size is
            0, events exceed the group size, a group size is beyond the float range, or
            ``level`` is not in (0, 1).

    *Changed in version 0.2.0*.
       Newcombe's hybrid score interval replaces the Wald interval, which had no width
       when both proportions were 0 or 1.
    """
    a, m, c, k = _check_two_groups(e1, n1, e2, n2)
    lvl = _check_level(level)
    first = _wilson(a, m, lvl)
    second = _wilson(c, k, lvl)
    p1, p2 = a / m, c / k
    estimate = (a * k - c * m) / (m * k)  # in integers, rounded once
    low = estimate - math.hypot(p1 - first.low, second.high - p2)
    high = estimate + math.hypot(first.high - p1, p2 - second.low)
    interval = Interval(max(low, -1.0), min(high, 1.0), lvl, method="newcombe")
    return Contrast("risk difference", estimate, interval, corrected=False)


def _log_scale_contrast(
    measure: str, log_estimate: float, se: float, lvl: float, corrected: bool
) -> Contrast:
    """The contrast ``exp(log_estimate)`` with the interval ``exp(log_estimate +/- z se)``."""
    half = _critical_value(lvl) * se
    try:
        low, estimate, high = (math.exp(log_estimate + t) for t in (-half, 0.0, half))
    except OverflowError:
        raise StatisticsError(
            f"the {measure} cannot be computed in double precision: its interval reaches "
            f"beyond the float range (log {measure} {log_estimate:.6g} +/- {half:.6g})"
        ) from None
    return Contrast(measure, estimate, Interval(low, high, lvl, method="log"), corrected)


def risk_ratio(
    e1: SupportsIndex,
    n1: SupportsIndex,
    e2: SupportsIndex,
    n2: SupportsIndex,
    level: SupportsFloat = 0.95,
) -> Contrast:
    """Risk ratio ``(e1/n1) / (e2/n2)`` with a log-scale Wald confidence interval.

    ``log RR +/- z * sqrt(1/a - 1/(a+b) + 1/c - 1/(c+d))`` is exponentiated, where
    ``a, b, c, d`` are the cells ``e1, n1 - e1, e2, n2 - e2``; the variance is computed as
    ``b / (a (a + b)) + d / (c (c + d))``, which does not cancel for large groups.

    Zero-cell policy: if any of the four cells is zero, 1/2 is added to every cell
    (Haldane-Anscombe correction; each group size grows by 1), the estimate and
    interval are computed from the corrected table, and ``corrected`` is True. This is
    metafor's ``escalc`` convention (``add = 1/2, to = "only0"``). If both groups have zero
    events, or both groups have only events, the ratio is not estimable and
    [`StatisticsError`][vitk2.StatisticsError] is raised, its message giving the reason.

    Args:
        e1: Events in group 1, ``0 <= e1 <= n1`` (any integer type).
        n1: Size of group 1, ``> 0``.
        e2: Events in group 2, ``0 <= e2 <= n2``.
        n2: Size of group 2, ``> 0``.
        level: Confidence level in (0, 1) (any real number type).

    Returns:
        A `Contrast` with ``measure="risk ratio"`` and an interval with
        ``method="log"``.

    Raises:
        StatisticsError: If the input is invalid (see `risk_difference`) or the
            ratio is not estimable.
    """
    a, b, c, d, corrected = _ratio_cells(e1, n1, e2, n2, "risk ratio")
    lvl = _check_level(level)
    log_rr = math.log(a) - math.log(a + b) - math.log(c) + math.log(c + d)
    se = math.sqrt(b / (a + b) / a + d / (c + d) / c)
    return _log_scale_contrast("risk ratio", log_rr, se, lvl, corrected)


def odds_ratio(
    e1: SupportsIndex,
    n1: SupportsIndex,
    e2: SupportsIndex,
    n2: SupportsIndex,
    level: SupportsFloat = 0.95,
) -> Contrast:
    """Odds ratio ``(a d) / (b c)`` with a log-scale (Woolf) Wald confidence interval.

    ``log OR +/- z * sqrt(1/a + 1/b + 1/c + 1/d)`` is exponentiated, where
    ``a, b, c, d`` are the cells ``e1, n1 - e1, e2, n2 - e2``.

    Zero-cell policy: if any of the four cells is zero, 1/2 is added to every cell
    (Haldane-Anscombe correction), the estimate and interval are computed from the
    corrected table, and ``corrected`` is True. This is metafor's ``escalc`` convention
    (``add = 1/2, to = "only0"``). If both groups have zero events, or both groups have only
    events, the ratio is not estimable and [`StatisticsError`][vitk2.StatisticsError] is raised, its message
    giving the reason.

    Args:
        e1: Events in group 1, ``0 <= e1 <= n1`` (any integer type).
        n1: Size of group 1, ``> 0``.
        e2: Events in group 2, ``0 <= e2 <= n2``.
        n2: Size of group 2, ``> 0``.
        level: Confidence level in (0, 1) (any real number type).

    Returns:
        A `Contrast` with ``measure="odds ratio"`` and an interval with
        ``method="log"``.

    Raises:
        StatisticsError: If the input is invalid (see `risk_difference`) or the
            ratio is not estimable.
    """
    a, b, c, d, corrected = _ratio_cells(e1, n1, e2, n2, "odds ratio")
    lvl = _check_level(level)
    log_or = math.log(a) - math.log(b) - math.log(c) + math.log(d)
    se = math.sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d)
    return _log_scale_contrast("odds ratio", log_or, se, lvl, corrected)


# ---------------------------------------------------------------------------
# Random-effects pooling
# ---------------------------------------------------------------------------


def pool_effects(
    effects: Iterable[SupportsFloat],
    variances: Iterable[SupportsFloat],
    level: SupportsFloat = 0.95,
) -> Pooled:
    """DerSimonian-Laird random-effects pooling of effect estimates.

    With fixed-effect weights ``w_i = 1 / v_i``, Cochran's
    ``Q = sum w_i (y_i - y_fe)^2``, ``tau2 = max(0, (Q - df) / (W - sum w_i^2 / W))``
    and ``I2 = max(0, (Q - df) / Q)`` (0 when ``Q == 0``). The pooled estimate
    uses weights ``1 / (v_i + tau2)`` and its Wald interval ``+/- z / sqrt(sum w*)``.
    Matches ``statsmodels.stats.meta_analysis.combine_effects(method_re="dl")``
    whenever ``Q > df`` (statsmodels does not truncate ``tau2`` and ``I2`` at 0).

    The sums are taken with the weights scaled by the smallest variance (so the largest
    weight is 1) and ``W - sum w_i^2 / W`` as ``2 sum_{i<j} w_i w_j / W``, whose terms are
    all positive: variances of ``1e-300`` or spanning 300 orders of magnitude give the same
    answer as exact arithmetic, where the unscaled sums overflow or cancel to a ``tau2`` of
    0. A result that still leaves the float range (``Q`` beyond ``1.8e308``) raises
    [`StatisticsError`][vitk2.StatisticsError] rather than returning an infinite or NaN estimate.

    Args:
        effects: Effect estimates ``y_i`` (finite), at least two: a list, tuple, NumPy
            array or any iterable of real numbers.
        variances: Their sampling variances ``v_i`` (finite, ``> 0``), same length.
        level: Confidence level in (0, 1).

    Returns:
        A `Pooled` on the scale of the effects (``scale="identity"``, no
        back-transformation).

    Raises:
        StatisticsError: If fewer than two effects are given, the lengths differ, a
            value is not finite, a variance is not positive, ``level`` is not in (0, 1),
            or a result is beyond the float range.
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

    # Weights scaled by the smallest variance: w_i = v_min / v_i in (0, 1], so Q = q / v_min,
    # W - sum w^2 / W = c / v_min, and tau2 = (Q - df) / (c / v_min) = (q - df v_min) / c.
    v_min = min(vs)
    weights = [v_min / v for v in vs]
    w_total = math.fsum(weights)
    mean_fe = math.fsum(w * y for w, y in zip(weights, ys, strict=True)) / w_total
    q = math.fsum(w * (y - mean_fe) ** 2 for w, y in zip(weights, ys, strict=True))
    df = k - 1
    # sum_{i<j} w_i w_j from its positive terms, with the suffix sums of the weights
    after = [0.0] * k
    for i in range(k - 2, -1, -1):
        after[i] = after[i + 1] + weights[i + 1]
    c = 2.0 * math.fsum(w * rest for w, rest in zip(weights, after, strict=True)) / w_total
    excess = q - df * v_min
    tau2 = max(0.0, excess / c) if c > 0.0 else 0.0
    i2 = max(0.0, excess / q) if q > 0.0 else 0.0

    v_re = v_min + tau2
    weights_re = [v_re / (v + tau2) for v in vs]
    w_total_re = math.fsum(weights_re)
    estimate = math.fsum(w * y for w, y in zip(weights_re, ys, strict=True)) / w_total_re
    half = _critical_value(lvl) * math.sqrt(v_re / w_total_re)
    q_unscaled = q / v_min if q <= v_min * sys.float_info.max else math.inf
    if not all(map(math.isfinite, (estimate, half, tau2, q_unscaled))):
        raise StatisticsError(
            "the pooled estimate cannot be computed in double precision: Cochran's Q, tau2 "
            f"or the interval is beyond the float range (effects from {min(ys)!r} to "
            f"{max(ys)!r}, variances from {v_min!r} to {max(vs)!r})"
        )
    interval = Interval(estimate - half, estimate + half, lvl, method="dersimonian-laird")
    return Pooled(estimate, interval, tau2, min(i2, 1.0), q_unscaled, df, k, scale="identity")


def _expit(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    ex = math.exp(x)
    return ex / (1.0 + ex)


def pool_proportions(
    pairs: Iterable[Sequence[SupportsIndex]],
    level: SupportsFloat = 0.95,
    scale: str = "logit",
) -> Pooled:
    """DerSimonian-Laird random-effects pooling of proportions on the logit scale.

    Each study ``(events, total)`` contributes ``logit(e / n)`` with variance
    ``1/e + 1/(n - e)``. Continuity policy: a study with 0 events or with
    ``events == total`` gets 0.5 added to its events and to its non-events before
    the logit and variance are computed. The effects are pooled with
    `pool_effects`; the estimate and interval are back-transformed to
    proportions (``tau2``, ``q`` stay on the logit scale).

    Args:
        pairs: ``(events, total)`` per study, at least two, each with
            ``0 <= events <= total`` and ``total > 0``: tuples, lists, the rows of a
            NumPy array of shape ``(k, 2)``, with counts of any integer type.
        level: Confidence level in (0, 1).
        scale: Analysis scale; only ``"logit"`` is supported.

    Returns:
        A `Pooled` with ``scale="logit"`` whose ``estimate`` and ``interval``
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
        if (
            isinstance(pair, (str, bytes))
            or not isinstance(pair, Sized)
            or not hasattr(type(pair), "__getitem__")
            or len(pair) != 2
        ):
            raise StatisticsError(f"pairs[{i}] must be an (events, total) pair (got {pair!r})")
        first, second = pair[0], pair[1]  # type: ignore[index]
        e, n = _check_events_total(first, second, "events", "total", f"pairs[{i}]: ")
        try:
            events = float(e)
            non_events = float(n - e)
        except OverflowError:
            raise _too_large(f"pairs[{i}]", n) from None
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
