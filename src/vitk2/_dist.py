"""Distribution functions for the meta-analysis engine: normal, Student's t and chi-square.

Pure Python, standard library only. The t distribution is computed from the regularised
incomplete beta function of `_stats` (and its inverse); the chi-square survival
function from the regularised incomplete gamma function, implemented here with a power series
below ``x = a + 1`` and a continued fraction (modified Lentz) above it, as in Numerical
Recipes, section 6.2. ``tests/test_dist.py`` holds every function to scipy.stats, to ``1e-10``
relative, on grids that include extreme arguments.

Every function takes already checked floats: the public callers validate their input.
"""

from __future__ import annotations

import functools
import math

from ._stats import StatisticsError, _beta_cf, _betaincinv, _log_beta, normal_quantile

__all__ = [
    "chi2_cdf",
    "chi2_sf",
    "gammainc_lower",
    "gammainc_upper",
    "normal_cdf",
    "normal_sf",
    "t_cdf",
    "t_pdf",
    "t_ppf",
    "t_sf",
    "two_sided_p",
]

_SQRT_2 = math.sqrt(2.0)
_EPS = 1e-16
_TINY = 1e-300
_MAX_ITER = 100_000


# ---------------------------------------------------------------------------
# Normal
# ---------------------------------------------------------------------------


def normal_cdf(x: float) -> float:
    """Standard normal cumulative distribution function ``P(Z <= x)``."""
    return 0.5 * math.erfc(-x / _SQRT_2)


def normal_sf(x: float) -> float:
    """Standard normal survival function ``P(Z > x)``, accurate far into the upper tail."""
    return 0.5 * math.erfc(x / _SQRT_2)


# ---------------------------------------------------------------------------
# Student's t
# ---------------------------------------------------------------------------


def _check_df(df: float) -> None:
    if not df > 0.0:  # also rejects NaN
        raise StatisticsError(f"degrees of freedom must be > 0 (got {df!r})")


def _log_beta_half(a: float) -> float:
    """``log B(a, 1/2)``, without the cancellation of ``lgamma(a) - lgamma(a + 1/2)`` for large ``a``.

    For ``a >= 100`` the difference ``lgamma(a + 1/2) - lgamma(a)`` is taken from the
    difference of the two Stirling series, term by term.
    """
    if a < 100.0:
        return _log_beta(a, 0.5)
    b = 0.5
    ab = a + b
    # (a + b - 1/2) log(a + b) - (a - 1/2) log a - b, rearranged to avoid cancellation
    diff = (a - 0.5) * math.log1p(b / a) + b * math.log(ab) - b
    diff += (1.0 / ab - 1.0 / a) / 12.0
    diff -= (1.0 / ab**3 - 1.0 / a**3) / 360.0
    diff += (1.0 / ab**5 - 1.0 / a**5) / 1260.0
    return math.lgamma(b) - diff


def _t_tails(t: float, df: float) -> tuple[float, float]:
    """``P(|T| > |t|)`` and ``P(|T| < |t|)``, each with full relative precision.

    ``P(|T| > t) = I_x(df/2, 1/2)`` with ``x = df / (df + t2)``, and ``P(|T| < t) =
    I_y(1/2, df/2)`` with ``y = 1 - x = t2 / (df + t2)``. Both ``x`` and ``y`` are formed
    without cancellation, the continued fraction of the regularised incomplete beta function
    (from `_stats`) is evaluated on the side where it converges, and the smaller of
    the two probabilities is the one computed directly, so neither loses precision: the tail
    far out (``t2`` large) and the centre (``t2`` small) alike.
    """
    a, b = 0.5 * df, 0.5
    t2 = t * t
    denom = df + t2
    if math.isinf(denom):  # t^2 overflows: x = df / t^2 to relative O(x), 1 - x = 1
        log_x = math.log(df) - 2.0 * math.log(abs(t))
        tail = math.exp(a * log_x - _log_beta_half(a)) / a
        return tail, 1.0 - tail
    x = df / denom
    y = t2 / denom
    if y == 0.0:  # t2 underflowed
        return 1.0, 0.0
    # log(x^a y^b / B(a, b)), with log x = -log1p(t2 / df) and B(a, 1/2) free of cancellation
    log_front = -a * math.log1p(t2 / df) + b * math.log(y) - _log_beta_half(a)
    if x < (a + 1.0) / (a + b + 2.0):
        tail = math.exp(log_front) * _beta_cf(a, b, x) / a
        return tail, 1.0 - tail
    central = math.exp(log_front) * _beta_cf(b, a, y) / b
    return 1.0 - central, central


def t_sf(t: float, df: float) -> float:
    """Survival function ``P(T > t)`` of Student's t with ``df`` degrees of freedom.

    ``df = inf`` gives the normal distribution.
    """
    _check_df(df)
    if math.isnan(t):
        return math.nan
    if math.isinf(df):
        return normal_sf(t)
    if math.isinf(t):
        return 0.0 if t > 0.0 else 1.0
    if t == 0.0:
        return 0.5
    tail = 0.5 * _t_tails(t, df)[0]
    return tail if t > 0.0 else 1.0 - tail


def t_cdf(t: float, df: float) -> float:
    """Cumulative distribution function ``P(T <= t)`` of Student's t with ``df`` degrees of freedom."""
    return t_sf(-t, df)


def t_pdf(t: float, df: float) -> float:
    """Density of Student's t with ``df`` degrees of freedom."""
    _check_df(df)
    if math.isinf(df):
        return math.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
    log_norm = -0.5 * math.log(df) - _log_beta_half(0.5 * df)  # 1 / (sqrt(df) B(df/2, 1/2))
    return math.exp(log_norm - 0.5 * (df + 1.0) * math.log1p(t * t / df))


def t_ppf(p: float, df: float) -> float:
    """Quantile function (inverse CDF) of Student's t with ``df`` degrees of freedom.

    A meta-analysis asks for a few quantiles many times (the 97.5% point of each number of
    studies), so the last 256 answers are kept, by argument values and types: the same
    arguments give the same float, for the cost of a lookup.

    The tail probability ``q = min(p, 1 - p)`` is turned into a quantile through the inverse
    regularised incomplete beta function: in the tails from ``x = I^-1(2q; df/2, 1/2)`` and
    ``t = sqrt(df (1 - x) / x)``, near the centre from ``y = I^-1(1 - 2q; 1/2, df/2)`` and
    ``t = sqrt(df y / (1 - y))``. Newton steps on the same probability, computed to full
    relative precision, polish the result.
    """
    _check_df(df)  # raised every time: an error is never kept
    return _t_ppf(p, df)


@functools.lru_cache(maxsize=256, typed=True)
def _t_ppf(p: float, df: float) -> float:
    """`t_ppf` of a checked ``df``, kept by argument values and types."""
    if not 0.0 < p < 1.0:
        if p == 0.0:
            return -math.inf
        if p == 1.0:
            return math.inf
        raise StatisticsError(f"p must be in [0, 1] (got {p!r})")
    if math.isinf(df):
        return normal_quantile(p)
    if p == 0.5:
        return 0.0
    upper = p > 0.5
    q = 1.0 - p if upper else p  # lower-tail probability of -|t|; exact for p >= 0.5
    if q < 0.25:
        # tails: P(|T| > t) = I_x(df/2, 1/2) = 2q with x = df / (df + t^2)
        a = 0.5 * df
        # I_x(a, 1/2) ~ x^a / (a B(a, 1/2)) as x -> 0 (relative error O(x)): solve in logs
        log_x = (math.log(2.0 * q) + math.log(a) + _log_beta_half(a)) / a
        if log_x < -600.0:
            log_t = 0.5 * (math.log(df) - log_x)
            t = math.exp(log_t) if log_t < 709.0 else math.inf
        else:
            x = _betaincinv(2.0 * q, a, 0.5)
            t = math.sqrt(df * (1.0 - x) / x)
        target, index = 2.0 * q, 0
    else:
        # centre: P(|T| < t) = I_y(1/2, df/2) = 1 - 2q with y = t^2 / (df + t^2)
        y = _betaincinv(1.0 - 2.0 * q, 0.5, 0.5 * df)
        t = math.sqrt(df * y / (1.0 - y))
        target, index = 1.0 - 2.0 * q, 1
    if math.isfinite(t) and t > 0.0:
        # Newton steps on whichever of P(|T| > t), P(|T| < t) is the small one, computed
        # to full relative precision (the inverse beta of _stats may lose some for large df)
        sign = -1.0 if index == 0 else 1.0  # d/dt of the tail is -2 pdf, of the centre +2 pdf
        for _ in range(4):
            density = 2.0 * t_pdf(t, df)
            if not density > 0.0:
                break
            step = (_t_tails(t, df)[index] - target) / (sign * density)
            if not math.isfinite(step) or abs(step) > 0.5 * t:
                break
            t -= step
            if abs(step) <= 1e-16 * t:
                break
    return t if upper else -t


def two_sided_p(statistic: float, df: float | None) -> float:
    """Two-sided p-value of a z statistic (``df=None``) or a t statistic with ``df`` degrees of freedom."""
    a = abs(statistic)
    if math.isnan(a):
        return math.nan
    if df is None:
        return math.erfc(a / _SQRT_2)
    return min(1.0, 2.0 * t_sf(a, df))


# ---------------------------------------------------------------------------
# Regularised incomplete gamma and chi-square
# ---------------------------------------------------------------------------


_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _log1pmx(t: float) -> float:
    """``log(1 + t) - t`` for ``|t| <= 1/4``, by its series (no cancellation)."""
    # -t^2/2 + t^3/3 - t^4/4 + ...: terms fall by at least 1/4 each
    power = t * t
    total = 0.0
    n = 2
    while True:
        term = power / n
        total += -term if n % 2 == 0 else term
        if abs(term) <= 1e-17 * abs(total):
            return total
        power *= t
        n += 1


def _stirling_error(a: float) -> float:
    """``lgamma(a) - ((a - 1/2) log a - a + log(2 pi) / 2)``, the Stirling remainder."""
    if a < 15.0:
        return math.lgamma(a) - ((a - 0.5) * math.log(a) - a + _HALF_LOG_2PI)
    a2 = a * a
    return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * a2)) / a2) / a2) / a


def _gamma_log_front(a: float, x: float) -> float:
    """``log(x**a e**-x / Gamma(a))``.

    For ``a >= 10`` it is computed as ``a log1pmx((x - a) / a) + log(a) / 2 - log(2 pi) / 2 -
    stirling_error(a)``, which keeps full precision where ``a log x``, ``x`` and
    ``lgamma(a)`` are large and nearly cancel.
    """
    if a < 10.0:
        return a * math.log(x) - x - math.lgamma(a)
    t = (x - a) / a
    # a log(x / a) - (x - a), the part that cancels, then the rest of -lgamma(a)
    core = a * _log1pmx(t) if abs(t) <= 0.25 else a * (math.log(x) - math.log(a)) - (x - a)
    return core + 0.5 * math.log(a) - _HALF_LOG_2PI - _stirling_error(a)


def _gamma_series(a: float, x: float) -> float:
    """``P(a, x)`` by its power series; converges quickly for ``x < a + 1``."""
    ap = a
    term = 1.0 / a
    total = term
    for _ in range(_MAX_ITER):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _EPS:
            return total * math.exp(_gamma_log_front(a, x))
    raise StatisticsError(  # pragma: no cover - the series converges for x < a + 1
        f"incomplete gamma series did not converge (a={a!r}, x={x!r})"
    )


def _gamma_continued_fraction(a: float, x: float) -> float:
    """``Q(a, x)`` by its continued fraction (modified Lentz); converges for ``x >= a + 1``."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) <= _EPS:
            return math.exp(_gamma_log_front(a, x)) * h
    raise StatisticsError(  # pragma: no cover - the fraction converges for x >= a + 1
        f"incomplete gamma continued fraction did not converge (a={a!r}, x={x!r})"
    )


def gammainc_lower(a: float, x: float) -> float:
    """Regularised lower incomplete gamma function ``P(a, x)`` for ``a > 0``, ``x >= 0``."""
    if not a > 0.0:
        raise StatisticsError(f"a must be > 0 (got {a!r})")
    if x <= 0.0:
        return 0.0
    if math.isinf(x):
        return 1.0
    if x < a + 1.0:
        return _gamma_series(a, x)
    return 1.0 - _gamma_continued_fraction(a, x)


def gammainc_upper(a: float, x: float) -> float:
    """Regularised upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    if not a > 0.0:
        raise StatisticsError(f"a must be > 0 (got {a!r})")
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    if x < a + 1.0:
        return 1.0 - _gamma_series(a, x)
    return _gamma_continued_fraction(a, x)


def chi2_sf(x: float, df: float) -> float:
    """Survival function ``P(X > x)`` of the chi-square distribution with ``df`` degrees of freedom."""
    _check_df(df)
    if math.isnan(x):
        return math.nan
    return gammainc_upper(0.5 * df, 0.5 * x)


def chi2_cdf(x: float, df: float) -> float:
    """Cumulative distribution function ``P(X <= x)`` of the chi-square distribution."""
    _check_df(df)
    if math.isnan(x):
        return math.nan
    return gammainc_lower(0.5 * df, 0.5 * x)
