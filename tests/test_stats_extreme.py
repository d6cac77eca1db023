"""vitk2._stats at extreme arguments, held to independent references.

The references are scipy and statsmodels where they are exact, and mpmath (40 to 60 digits)
where they are not: scipy's ``beta.isf(0.25, 2, 1e17)`` is off by a factor of two, and its
``betaincinv`` returns roots whose ``I_x`` is ``1e-327`` for a target of ``1e-300``. Where
mpmath's own ``betainc`` is too slow (parameters beyond 1e5) the reference integrates the beta
density by quadrature in high precision, and where it is exact, mpmath sums the binomial
probabilities that define a Clopper-Pearson bound.

Every forward comparison allows for the conditioning of the function: a change of one ulp in
``x`` moves ``I_x(a, b)`` by about ``density(x) * x * 2.2e-16``, which for ``a`` and ``b``
near 1e18 is more than the value's own last digit.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import mpmath  # type: ignore[import-untyped, unused-ignore] # stubs are optional
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy import special, stats  # type: ignore[import-untyped, unused-ignore] # stubs are optional
from statsmodels.stats.proportion import (  # type: ignore[import-untyped]
    confint_proportions_2indep,
    proportion_confint,
)

from vitk2._stats import (
    StatisticsError,
    _betainc,
    _betaincc,
    _betainccinv,
    _betaincinv,
    _check_level,
    _log_beta_prefix,
    clopper_pearson_interval,
    normal_quantile,
    odds_ratio,
    pool_effects,
    pool_proportions,
    risk_difference,
    risk_ratio,
    wilson_interval,
)

LEVELS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1 - 1e-9, 1 - 2**-52)
TOTALS = (1, 2, 3, 10, 100, 10**4, 10**6, 10**9, 10**12, 10**15, 10**17, 10**18)


def _ulps(x: float) -> float:
    return math.ulp(x) if x else 5e-324


def _density(a: float, b: float, x: float) -> float:
    """The beta density at ``x`` (for the conditioning allowance)."""
    return math.exp(_log_beta_prefix(a, b, x, 1.0 - x) - math.log(x) - math.log1p(-x))


def _close_to(value: float, reference: float, *, rel: float, kappa: float = 0.0) -> bool:
    return abs(value - reference) <= rel * abs(reference) + kappa


# ---------------------------------------------------------------------------
# mpmath references
# ---------------------------------------------------------------------------


def _mp_normal_quantile(p: float) -> float:
    """``Phi^-1(p)`` by Newton steps on ``log Phi`` at 50 digits."""
    with mpmath.workdps(50):
        q = mpmath.mpf(p)
        if q == 0.5:
            return 0.0
        upper = q > 0.5
        tail = 1 - q if upper else q
        start = -mpmath.sqrt(-2 * mpmath.log(tail)) if tail < 0.3 else mpmath.mpf(-0.5)
        x = mpmath.findroot(lambda t: mpmath.log(mpmath.ncdf(t)) - mpmath.log(tail), start)
        return float(-x if upper else x)


def _mp_ibeta_quad(a: float, b: float, x: float) -> tuple[float, float]:
    """``(I_x(a, b), 1 - I_x(a, b))`` by quadrature of the density, for ``a, b >= 1e5``.

    The density ``f`` is integrated in 40-digit arithmetic from ``x`` away from the mode (the
    smaller tail). In a tail (``x`` two or more standard deviations out) ``log f`` falls
    almost linearly, with slope ``lam``; the substitution ``v = 1 - exp(-lam t)`` for the
    distance ``t`` from ``x`` leaves a nearly constant integrand on ``[0, 1)``. Near the mode
    the tail is integrated directly, out to 14 standard deviations, on a mesh half of one wide.
    """
    with mpmath.workdps(40):
        a_, b_, x_ = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(x)
        s = a_ + b_
        log_beta = mpmath.loggamma(a_) + mpmath.loggamma(b_) - mpmath.loggamma(s)
        mode = (a_ - 1) / (s - 2)
        sd = mpmath.sqrt(a_ * b_ / (s * s * (s + 1)))

        def log_density(t: mpmath.mpf) -> mpmath.mpf:
            return (a_ - 1) * mpmath.log(t) + (b_ - 1) * mpmath.log1p(-t) - log_beta

        sign = -1 if x_ <= mode else 1  # integrate from x away from the mode
        if abs(x_ - mode) >= 2 * sd:
            lam = abs((a_ - 1) / x_ - (b_ - 1) / (1 - x_))
            log_fx = log_density(x_)
            room = x_ if sign < 0 else 1 - x_  # distance to the end of (0, 1)

            def integrand(v: mpmath.mpf) -> mpmath.mpf:
                t = -mpmath.log1p(-v) / lam
                if t >= room:
                    return mpmath.mpf(0)
                return mpmath.exp(log_density(x_ + sign * t) - log_fx + lam * t) / lam

            tail = mpmath.exp(log_fx) * mpmath.quad(integrand, mpmath.linspace(0, 1, 5))
        else:
            end = x_ + sign * 14 * sd
            tail = (
                mpmath.quad(lambda t: mpmath.exp(log_density(t)), mpmath.linspace(x_, end, 29))
                * sign
            )
        if sign < 0:
            return float(tail), float(1 - tail)
        return float(1 - tail), float(tail)


def _mp_binomial_cdf(e: int, n: int, x: mpmath.mpf) -> mpmath.mpf:
    """``P(Binomial(n, x) <= e)``, summed term by term (``e`` small)."""
    term = (1 - x) ** n
    total = mpmath.mpf(0)
    for k in range(e + 1):
        total += term
        term = term * (n - k) / (k + 1) * x / (1 - x)
    return total


def _mp_root(f: object, increasing: bool) -> mpmath.mpf:
    """The root in (0, 1) of a monotone ``f``, by bisection in ``log x`` then ``x``."""
    lo, hi = mpmath.mpf(10) ** -400, 1 - mpmath.mpf(10) ** -50
    for _ in range(1000):
        mid = mpmath.sqrt(lo * hi) if hi / lo > 4 else (lo + hi) / 2
        if (f(mid) > 0) == increasing:  # type: ignore[operator]
            hi = mid
        else:
            lo = mid
        if hi - lo < min(hi, 1 - lo) * mpmath.mpf(10) ** -25:  # relative to 1 - x near 1
            break
    return (lo + hi) / 2


def _mp_clopper_pearson(e: int, n: int, level: float) -> tuple[float, float]:
    """Both Clopper-Pearson bounds from their definition, for ``e`` or ``n - e`` at most 7."""
    with mpmath.workdps(60):
        tail = mpmath.mpf((1.0 - level) / 2.0)  # the same float tail vitk2 uses
        if e > n - e:
            low_m, high_m = _mp_clopper_pearson_small(n - e, n, tail)
            return float(1 - high_m), float(1 - low_m)
        low, high = _mp_clopper_pearson_small(e, n, tail)
        return float(low), float(high)


def _mp_clopper_pearson_small(e: int, n: int, tail: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
    # low: P(Bin(n, x) >= e) = tail; high: P(Bin(n, x) <= e) = tail
    low = (
        mpmath.mpf(0)
        if e == 0
        else _mp_root(lambda x: 1 - _mp_binomial_cdf(e - 1, n, x) - tail, increasing=True)
    )
    high = (
        mpmath.mpf(1)
        if e == n
        else _mp_root(lambda x: _mp_binomial_cdf(e, n, x) - tail, increasing=False)
    )
    return low, high


def _mp_wilson(e: int, n: int, level: float) -> tuple[float, float]:
    """The roots of ``(p - pi)^2 = z^2 pi (1 - pi) / n`` at 60 digits."""
    with mpmath.workdps(60):
        z = -mpmath.sqrt(2) * mpmath.erfinv(2 * mpmath.mpf((1.0 - level) / 2.0) - 1)
        # the same float tail as vitk2; erfinv loses nothing at 60 digits down to 1e-17
        p = mpmath.mpf(e) / n
        z2 = z * z
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = z * mpmath.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
        # at e = 0 (e = n) the lower (upper) root is 0 (1) exactly, not a 60-digit residue
        low = mpmath.mpf(0) if e == 0 else centre - half
        high = mpmath.mpf(1) if e == n else centre + half
        return float(low), float(high)


# ---------------------------------------------------------------------------
# normal_quantile
# ---------------------------------------------------------------------------

EXTREME_PROBABILITIES = (
    5e-324,
    1e-323,
    1e-320,
    2.2250738585072014e-308,
    1e-307,
    1e-300,
    1e-250,
    1e-200,
    math.nextafter(1e-150, 0.0),
    1e-150,
    1e-100,
    1e-20,
    1e-10,
    math.nextafter(0.02425, 0.0),
    0.02425,
    0.1,
    math.nextafter(0.25, 0.0),
    0.25,
    0.4999999,
    math.nextafter(0.5, 0.0),
    0.5,
    math.nextafter(0.5, 1.0),
    0.975,
    1 - 1e-10,
    1 - 2**-53,
)


class TestNormalQuantile:
    def test_smallest_subnormal_has_its_finite_quantile(self) -> None:
        # It raised OverflowError: exp(x^2 / 2) overflows at x = -38.5.
        x = normal_quantile(5e-324)
        assert math.isfinite(x)
        assert x == pytest.approx(-38.467405617144344, rel=1e-15)
        assert x == pytest.approx(float(stats.norm.ppf(5e-324)), rel=1e-15)

    @pytest.mark.parametrize("p", EXTREME_PROBABILITIES)
    def test_against_scipy_and_mpmath(self, p: float) -> None:
        x = normal_quantile(p)
        assert x == pytest.approx(float(stats.norm.ppf(p)), rel=2e-15, abs=1e-300)
        assert x == pytest.approx(_mp_normal_quantile(p), rel=1e-15, abs=1e-300)

    @settings(max_examples=200)
    @given(st.floats(-323.3, -0.302))
    def test_against_mpmath_log_uniform(self, exponent: float) -> None:
        p = 10.0**exponent
        assume(p > 0.0)
        assert normal_quantile(p) == pytest.approx(_mp_normal_quantile(p), rel=1e-15)
        q = 1.0 - p
        if q < 1.0:  # the upper half is the mirror of the exactly representable 1 - q
            assert normal_quantile(q) == -normal_quantile(1.0 - q)

    @given(st.floats(5e-324, 1.0, exclude_max=True), st.floats(5e-324, 1.0, exclude_max=True))
    def test_is_monotone_down_to_subnormals(self, p: float, q: float) -> None:
        assume(p < q)
        assert normal_quantile(p) <= normal_quantile(q)


# ---------------------------------------------------------------------------
# The incomplete beta function and its inverses
# ---------------------------------------------------------------------------

# mpmath's betainc takes minutes once both parameters pass about 1e4; scipy covers them.
MODERATE = (0.1, 0.5, 1.0, 2.5, 7.0, 40.0, 1e3)
LARGER = (*MODERATE, 3e4, 1e5)
POSITIONS = (-35.0, -8.0, -2.0, -0.3, 0.0, 0.3, 2.0, 8.0, 35.0)


def _x_at(a: float, b: float, w: float) -> float:
    """The point ``w`` standard deviations from the mean of Beta(a, b), inside (0, 1)."""
    x0 = a / (a + b)
    x = x0 + w * math.sqrt(x0 * (1.0 - x0) / (a + b + 1.0))
    return min(max(x, x0 * 1e-3, 1e-300), 1.0 - (1.0 - x0) * 1e-3)


class TestIncompleteBeta:
    @pytest.mark.parametrize("a", MODERATE)
    @pytest.mark.parametrize("b", MODERATE)
    def test_against_mpmath(self, a: float, b: float) -> None:
        for w in POSITIONS:
            x = _x_at(a, b, w)
            with mpmath.workdps(40):
                lower = float(mpmath.betainc(a, b, 0, x, regularized=True))
                upper = float(mpmath.betainc(b, a, 0, 1 - mpmath.mpf(x), regularized=True))
            kappa = _density(a, b, x) * min(x, 1.0 - x) * 4.4e-16
            assert _close_to(_betainc(a, b, x), lower, rel=1e-13, kappa=kappa), (a, b, x)
            assert _close_to(_betaincc(a, b, x), upper, rel=1e-13, kappa=kappa), (a, b, x)

    @pytest.mark.parametrize(
        ("a", "b"),
        [(a, b) for a in (0.1, 0.5, 1.0, 2.5, 7.0, 40.0) for b in (3e4, 1e5, 1e7, 1e10)],
    )
    def test_one_small_parameter_against_mpmath(self, a: float, b: float) -> None:
        for first, second in ((a, b), (b, a)):
            self.test_against_mpmath(first, second)

    @pytest.mark.parametrize("a", LARGER)
    @pytest.mark.parametrize("b", LARGER)
    def test_against_scipy(self, a: float, b: float) -> None:
        # scipy is itself off by up to 2.8e-12 here: for I_x(7, 1e5) at x = 7.793148125839649e-05
        # it gives 0.6607833103547749, where mpmath and vitk2 give 0.6607833103566224.
        for w in POSITIONS:
            x = _x_at(a, b, w)
            kappa = _density(a, b, x) * min(x, 1.0 - x) * 4.4e-16
            lower, upper = float(special.betainc(a, b, x)), float(special.betaincc(a, b, x))
            assert _close_to(_betainc(a, b, x), lower, rel=5e-12, kappa=kappa), (a, b, x)
            assert _close_to(_betaincc(a, b, x), upper, rel=5e-12, kappa=kappa), (a, b, x)

    @pytest.mark.parametrize(
        ("a", "b"),
        [
            (1e5, 1e5),
            (1e5, 1e18),
            (1e8, 1e8),
            (3e9, 1e12),
            (1e12, 1e15),
            (1e18, 1e18),
            (1e18, 1e5),
            (1e15, 1e8),
        ],
    )
    @pytest.mark.slow
    def test_huge_parameters_against_quadrature(self, a: float, b: float) -> None:
        for w in (-30.0, -3.0, 0.01, 6.0):
            x = _x_at(a, b, w)
            lower, upper = _mp_ibeta_quad(a, b, x)
            kappa = _density(a, b, x) * x * 4.4e-16
            assert _close_to(_betainc(a, b, x), lower, rel=1e-12, kappa=kappa), (a, b, w)
            assert _close_to(_betaincc(a, b, x), upper, rel=1e-12, kappa=kappa), (a, b, w)

    @pytest.mark.parametrize(("a", "b"), [(7.0, 1e15), (0.72, 6.3e17), (1.0, 1e18), (50.0, 1e12)])
    def test_small_and_huge_parameter(self, a: float, b: float) -> None:
        # Beyond the mean the complement was computed from 1 - x, which rounds to 1: I_x came
        # out as 3.09 for (0.72, 6.3e17). The limit b -> inf is the gamma distribution.
        for multiple in (0.1, 0.5, 1.0, 2.0, 5.0, 20.0):
            x = multiple * a / b
            lower = _betainc(a, b, x)
            upper = _betaincc(a, b, x)
            assert 0.0 <= lower <= 1.0
            assert 0.0 <= upper <= 1.0
            assert lower + upper == pytest.approx(1.0, abs=1e-15)
            # b X tends to Gamma(a): the limit differs by O(a^2 / b), below 1e-8 here (the
            # exact values are checked against mpmath in test_one_small_parameter_against_mpmath)
            gamma_lower = float(special.gammainc(a, b * x))
            gamma_upper = float(special.gammaincc(a, b * x))
            assert lower == pytest.approx(gamma_lower, rel=1e-6, abs=1e-300)
            assert upper == pytest.approx(gamma_upper, rel=1e-6, abs=1e-300)

    @settings(max_examples=150)
    @given(
        st.floats(-1.0, 3.0),
        st.floats(-1.0, 3.0),
        st.floats(-300.0, -0.302),
        st.booleans(),
    )
    @example(0.0, 0.0, -281.5625, False)  # I_x(1, 1) = x: log(I) - log(p) kept 13 digits
    @example(0.015625, 0.0, -300.0, False)  # x^a near 1e-300 was taken as exp(a log x)
    def test_inverses_against_mpmath(
        self, log_a: float, log_b: float, log_p: float, complement: bool
    ) -> None:
        a, b, p = 10.0**log_a, 10.0**log_b, 10.0**log_p
        x = _betainccinv(p, a, b) if complement else _betaincinv(p, a, b)
        assume(1e-300 < x < 1.0)
        # The root is bracketed by x (1 +/- delta): the function crosses p there.
        delta = 1e-13 + 4.0 * _ulps(x) / x
        lo, hi = x * (1.0 - delta), min(x * (1.0 + delta), 1.0)
        with mpmath.workdps(40):
            if complement:
                values = [
                    mpmath.betainc(b, a, 0, 1 - mpmath.mpf(t), regularized=True) for t in (hi, lo)
                ]
            else:
                values = [mpmath.betainc(a, b, 0, t, regularized=True) for t in (lo, hi)]
        assert values[0] <= p <= values[1], (a, b, p, x)

    @pytest.mark.parametrize("a", [1.0, 2.5, 7.0, 40.0, 1e3])
    @pytest.mark.parametrize("b", [1.0, 2.5, 7.0, 40.0, 1e3])
    @pytest.mark.parametrize("p", [1e-12, 1e-6, 0.025, 0.3, 0.5, 0.7, 0.975])
    def test_inverses_against_scipy(self, a: float, b: float, p: float) -> None:
        for ours, theirs in (
            (_betaincinv(p, a, b), float(special.betaincinv(a, b, p))),
            (_betainccinv(p, a, b), float(special.betainccinv(a, b, p))),
        ):
            assert ours == pytest.approx(theirs, rel=1e-12, abs=4 * _ulps(theirs))

    @pytest.mark.parametrize("a", [7.0, 1e4, 1e9, 1e15])
    @pytest.mark.parametrize("b", [1.0, 3e6, 1e12, 1e18])
    @pytest.mark.parametrize("p", [1e-300, 1e-17, 0.025])
    def test_inverses_at_huge_parameters_round_trip(self, a: float, b: float, p: float) -> None:
        for x, forward in (
            (_betaincinv(p, a, b), _betainc),
            (_betainccinv(p, a, b), _betaincc),
        ):
            assert 0.0 < x < 1.0
            # the function crosses p between the neighbours of x, up to its conditioning
            kappa = _density(a, b, x) * x * 8.8e-16
            assert _close_to(forward(a, b, x), p, rel=1e-12, kappa=kappa), (a, b, p, x)

    @pytest.mark.parametrize(("a", "b"), [(1e9, 1e9), (3e12, 7e15), (5e17, 5e17 + 1)])
    def test_inverse_at_huge_parameters_against_quadrature(self, a: float, b: float) -> None:
        p = 0.025
        x = _betaincinv(p, a, b)
        delta = 1e-13
        below, _ = _mp_ibeta_quad(a, b, x * (1.0 - delta))
        above, _ = _mp_ibeta_quad(a, b, x * (1.0 + delta))
        assert below <= p <= above


# ---------------------------------------------------------------------------
# Clopper-Pearson and Wilson at extreme totals
# ---------------------------------------------------------------------------


def _small_events(n: int) -> list[int]:
    return sorted({e for e in (0, 1, 7, n - 7, n - 1, n) if 0 <= e <= n})


class TestExtremeTotals:
    def test_clopper_pearson_contains_its_estimate_at_1e15(self) -> None:
        # Was 7.404e-15 to 1.477e-14, which excludes 7e-15.
        result = clopper_pearson_interval(7, 10**15)
        assert 7e-15 in result
        low, high = _mp_clopper_pearson(7, 10**15, 0.95)
        assert result.low == pytest.approx(low, rel=1e-13)
        assert result.high == pytest.approx(high, rel=1e-13)

    @pytest.mark.parametrize("n", TOTALS)
    def test_clopper_pearson_against_exact_binomial_sums(self, n: int) -> None:
        for e in _small_events(n):
            for level in LEVELS:
                low, high = _mp_clopper_pearson(e, n, level)
                result = clopper_pearson_interval(e, n, level)
                assert result.low == pytest.approx(low, rel=1e-13, abs=1e-300), (e, n, level)
                assert result.high == pytest.approx(high, rel=1e-13, abs=1e-300), (e, n, level)

    @pytest.mark.parametrize("n", [1, 2, 5, 10, 37, 100, 1000, 10**5])
    @pytest.mark.parametrize("level", LEVELS[:-1])
    def test_clopper_pearson_against_scipy_and_statsmodels(self, n: int, level: float) -> None:
        alpha = 1.0 - level
        events = sorted({0, 1, 2, n // 7, n // 3, n // 2, n - 2, n - 1, n} & set(range(n + 1)))
        for e in events:
            result = clopper_pearson_interval(e, n, level)
            low = 0.0 if e == 0 else float(stats.beta.ppf(alpha / 2, e, n - e + 1))
            high = 1.0 if e == n else float(stats.beta.isf(alpha / 2, e + 1, n - e))
            assert result.low == pytest.approx(low, rel=1e-12, abs=1e-300)
            assert result.high == pytest.approx(high, rel=1e-12, abs=1e-300)
            sm_low, sm_high = proportion_confint(e, n, alpha=alpha, method="beta")
            assert result.low == pytest.approx(float(sm_low), rel=1e-12, abs=1e-300)
            assert result.high == pytest.approx(float(sm_high), rel=1e-12, abs=1e-300)

    @pytest.mark.parametrize("n", [10**9, 10**12, 10**15, 10**18])
    def test_clopper_pearson_mid_events_against_quadrature(self, n: int) -> None:
        # scipy is not exact here (its upper bound for 1e13 of 1e14 at 1 - 1e-9 is 4.5 times
        # too far out), so the bounds are checked against the definition by quadrature.
        for e in (n // 3, n // 2):
            result = clopper_pearson_interval(e, n, 0.95)
            for x, a, b, complement in (
                (result.low, e, n - e + 1, False),
                (result.high, e + 1, n - e, True),
            ):
                below = _mp_ibeta_quad(float(a), float(b), x * (1.0 - 1e-13))
                above = _mp_ibeta_quad(float(a), float(b), x * (1.0 + 1e-13))
                if complement:
                    assert above[1] <= 0.025 <= below[1]
                else:
                    assert below[0] <= 0.025 <= above[0]

    @pytest.mark.parametrize("n", [*TOTALS, 10**100, 10**300])
    def test_wilson_against_exact_roots(self, n: int) -> None:
        for e in sorted({*_small_events(n), n // 3, n // 2}):
            for level in LEVELS:
                low, high = _mp_wilson(e, n, level)
                result = wilson_interval(e, n, level)
                assert result.low == pytest.approx(max(low, 0.0), rel=1e-14, abs=1e-300)
                assert result.high == pytest.approx(min(high, 1.0), rel=1e-14, abs=1e-300)

    @pytest.mark.parametrize("n", [1, 2, 5, 10, 37, 100, 1000, 10**5])
    def test_wilson_against_statsmodels(self, n: int) -> None:
        for level in LEVELS[:-1]:
            events = np.arange(n + 1) if n <= 1000 else np.array([0, 1, n // 2, n - 1, n])
            lows, highs = proportion_confint(events, n, alpha=1.0 - level, method="wilson")
            for e, low, high in zip(events, lows, highs, strict=True):
                result = wilson_interval(int(e), n, level)
                assert result.low == pytest.approx(float(low), rel=1e-12, abs=1e-15)
                assert result.high == pytest.approx(float(high), rel=1e-12, abs=1e-15)

    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    def test_totals_beyond_the_float_range_are_refused(self, interval: object) -> None:
        with pytest.raises(StatisticsError, match="beyond the float range"):
            interval(1, 10**400)  # type: ignore[operator]


@st.composite
def huge_counts(draw: st.DrawFn, max_digits: int = 18) -> tuple[int, int]:
    """(events, total) with total log-uniform up to 10**max_digits, events anywhere."""
    digits = draw(st.integers(0, max_digits))
    total = draw(st.integers(1, 10 ** (digits + 1) - 1))
    events = draw(
        st.sampled_from([0, 1, 7, total // 2, total - 7, total - 1, total]).filter(
            lambda e: 0 <= e <= total
        )
        | st.integers(0, total)
    )
    return events, total


extreme_levels = st.sampled_from(LEVELS) | st.floats(1e-12, 1.0 - 1e-12)


class TestIntervalLaws:
    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    @settings(max_examples=400)
    @given(pair=huge_counts(), level=extreme_levels)
    @example(pair=(7, 10**15), level=0.95)
    @example(pair=(10**18 - 1, 10**18), level=1 - 2**-52)
    def test_contain_their_estimate_and_are_ordered(
        self, interval: object, pair: tuple[int, int], level: float
    ) -> None:
        e, n = pair
        result = interval(e, n, level)  # type: ignore[operator]
        assert 0.0 <= result.low <= e / n <= result.high <= 1.0
        assert (result.low == 0.0) == (e == 0) or result.low < 1e-300
        if e == n:
            assert result.high == 1.0

    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    @settings(max_examples=100)
    @given(pair=huge_counts(max_digits=300), level=extreme_levels)
    def test_laws_hold_up_to_the_float_range(
        self, interval: object, pair: tuple[int, int], level: float
    ) -> None:
        e, n = pair
        result = interval(e, n, level)  # type: ignore[operator]
        assert 0.0 <= result.low <= e / n <= result.high <= 1.0

    @settings(max_examples=100)
    @given(pair=huge_counts(), levels_=st.tuples(extreme_levels, extreme_levels))
    def test_clopper_pearson_is_nested_in_level(
        self, pair: tuple[int, int], levels_: tuple[float, float]
    ) -> None:
        narrow_level, wide_level = sorted(levels_)
        narrow = clopper_pearson_interval(*pair, narrow_level)
        wide = clopper_pearson_interval(*pair, wide_level)
        slack = 1e-13
        assert wide.low <= narrow.low * (1 + slack) + 1e-300
        assert narrow.high <= wide.high * (1 + slack)

    @settings(max_examples=300)
    @given(first=huge_counts(), second=huge_counts(), level=extreme_levels)
    @example(first=(0, 20), second=(0, 20), level=0.95)
    def test_risk_difference_laws(
        self, first: tuple[int, int], second: tuple[int, int], level: float
    ) -> None:
        result = risk_difference(*first, *second, level)
        assert -1.0 <= result.interval.low <= result.estimate <= result.interval.high <= 1.0
        (e1, n1), (e2, n2) = first, second
        assert result.estimate == float(Fraction(e1, n1) - Fraction(e2, n2))
        # The width is never 0 in exact arithmetic; in floats it rounds to 0 only where it is
        # below the spacing of floats at the estimate: a level near 0, or a difference of +/-1
        # between groups of more than 1e15.
        if level >= 0.5 and not (abs(result.estimate) == 1.0 and min(n1, n2) > 10**15):
            assert result.interval.width > 0.0

    @pytest.mark.parametrize("contrast", [risk_ratio, odds_ratio])
    @settings(max_examples=200)
    @given(first=huge_counts(), second=huge_counts(), level=extreme_levels)
    def test_ratio_laws(
        self,
        contrast: object,
        first: tuple[int, int],
        second: tuple[int, int],
        level: float,
    ) -> None:
        (e1, n1), (e2, n2) = first, second
        assume(not (e1 == 0 and e2 == 0) and not (e1 == n1 and e2 == n2))
        # counts up to 1e18 keep |log OR| below 170, far from the float range
        result = contrast(e1, n1, e2, n2, level)  # type: ignore[operator]
        assert 0.0 <= result.interval.low <= result.estimate <= result.interval.high
        assert math.isfinite(result.interval.high)


class TestRiskDifferenceAgainstStatsmodels:
    @pytest.mark.parametrize("n1", [1, 3, 20, 10**6, 10**12])
    @pytest.mark.parametrize("n2", [1, 7, 20, 10**9])
    def test_newcombe_on_zero_full_and_huge_cells(self, n1: int, n2: int) -> None:
        for level in (0.5, 0.95, 0.999999):
            for e1 in sorted({0, 1, n1 // 2, n1 - 1, n1}):
                for e2 in sorted({0, 1, n2 // 2, n2 - 1, n2}):
                    low, high = confint_proportions_2indep(
                        e1, n1, e2, n2, method="newcomb", compare="diff", alpha=1 - level
                    )
                    result = risk_difference(e1, n1, e2, n2, level)
                    assert result.interval.low == pytest.approx(float(low), abs=1e-12)
                    assert result.interval.high == pytest.approx(float(high), abs=1e-12)


# ---------------------------------------------------------------------------
# Random-effects pooling with extreme variances
# ---------------------------------------------------------------------------


def _exact_dersimonian_laird(
    effects: list[float], variances: list[float]
) -> tuple[Fraction, Fraction, Fraction]:
    """``(Q, tau2, fixed-effect mean)`` in exact rational arithmetic."""
    zero = Fraction(0)
    ys = [Fraction(y) for y in effects]
    ws = [1 / Fraction(v) for v in variances]
    total = sum(ws, zero)
    mean = sum((w * y for w, y in zip(ws, ys, strict=True)), zero) / total
    q = sum((w * (y - mean) ** 2 for w, y in zip(ws, ys, strict=True)), zero)
    c = total - sum((w * w for w in ws), zero) / total
    tau2 = max(Fraction(0), (q - (len(ys) - 1)) / c)
    return q, tau2, mean


class TestPoolingExtremes:
    @pytest.mark.parametrize(
        ("effects", "variances"),
        [
            ([0.1, 0.2, 0.5], [1e-300, 1e-300, 2e-300]),
            ([0.1, 0.2, 0.5], [1e-300, 1.0, 1e300]),
            ([0.1, 0.2, 0.5, -0.3], [1e-200, 3e-200, 1e-199, 5e-201]),
            ([1e100, 2e100, -1e100], [1e180, 2e180, 1e181]),
            ([0.0, 1.0, 3.0], [1.0, 1.0, 1.0]),
        ],
    )
    def test_against_exact_arithmetic(self, effects: list[float], variances: list[float]) -> None:
        # With variances of 1e-300 the unscaled sums overflowed: tau2 came out 0 and the
        # interval had no width.
        q, tau2, _ = _exact_dersimonian_laird(effects, variances)
        result = pool_effects(effects, variances)
        assert result.q == pytest.approx(float(q), rel=1e-13)
        assert result.tau2 == pytest.approx(float(tau2), rel=1e-13, abs=1e-300)
        weights = [1 / (Fraction(v) + tau2) for v in variances]
        estimate = sum(w * Fraction(y) for w, y in zip(weights, effects, strict=True)) / sum(
            weights
        )
        se = math.sqrt(float(1 / sum(weights)))
        assert result.estimate == pytest.approx(float(estimate), rel=1e-13)
        assert result.interval.width == pytest.approx(2 * 1.959963984540054 * se, rel=1e-13)

    def test_tiny_variances_keep_heterogeneity(self) -> None:
        result = pool_effects([0.1, 0.2, 0.5], [1e-300, 1e-300, 2e-300])
        assert result.tau2 > 0.01
        assert result.interval.width > 0.1

    def test_q_beyond_the_float_range_is_refused(self) -> None:
        with pytest.raises(StatisticsError, match="beyond the float range"):
            pool_effects([0.0, 1.0], [1e-310, 1e-310])

    @settings(max_examples=200)
    @given(
        st.integers(2, 12).flatmap(
            lambda k: st.tuples(
                st.lists(st.floats(-1e6, 1e6), min_size=k, max_size=k),
                st.lists(st.floats(-300.0, 300.0), min_size=k, max_size=k),
            )
        ),
        st.sampled_from(LEVELS),
    )
    def test_laws_over_300_orders_of_magnitude(
        self, data: tuple[list[float], list[float]], level: float
    ) -> None:
        effects, exponents = data
        variances = [10.0**x for x in exponents]
        q, _, _ = _exact_dersimonian_laird(effects, variances)
        if q > 1.8e308:
            with pytest.raises(StatisticsError, match="beyond the float range"):
                pool_effects(effects, variances, level)
            return
        assume(q < 1e307)  # leave out the last ulps before the edge
        result = pool_effects(effects, variances, level)
        assert result.tau2 >= 0.0
        assert 0.0 <= result.i2 <= 1.0
        assert min(effects) <= result.estimate <= max(effects) or math.isclose(
            result.estimate, min(effects) if result.estimate < min(effects) else max(effects)
        )
        assert result.estimate in result.interval
        assert all(map(math.isfinite, (result.interval.low, result.interval.high, result.q)))


# ---------------------------------------------------------------------------
# NumPy inputs and level validation
# ---------------------------------------------------------------------------

FLOAT_TYPES = (np.float16, np.float32, np.float64, np.longdouble)
INT_TYPES = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)


class TestNumpyInputs:
    @pytest.mark.parametrize("int_type", INT_TYPES)
    @pytest.mark.parametrize("float_type", FLOAT_TYPES)
    def test_scalars_of_every_width(self, int_type: type, float_type: type) -> None:
        level = float_type(0.75)  # exact in every width, so the answers are the same
        e, n, e2, n2 = int_type(3), int_type(10), int_type(7), int_type(12)
        assert wilson_interval(e, n, level) == wilson_interval(3, 10, 0.75)
        assert clopper_pearson_interval(e, n, level) == clopper_pearson_interval(3, 10, 0.75)
        assert risk_difference(e, n, e2, n2, level) == risk_difference(3, 10, 7, 12, 0.75)
        assert risk_ratio(e, n, e2, n2, level) == risk_ratio(3, 10, 7, 12, 0.75)
        assert odds_ratio(e, n, e2, n2, level) == odds_ratio(3, 10, 7, 12, 0.75)
        assert normal_quantile(float_type(0.75)) == normal_quantile(0.75)
        assert pool_proportions([(e, n), (e2, n2)], level) == pool_proportions(
            [(3, 10), (7, 12)], 0.75
        )
        assert pool_effects(
            [float_type(0.5), float_type(0.25)], [float_type(0.125), int_type(1)], level
        ) == pool_effects([0.5, 0.25], [0.125, 1.0], 0.75)

    def test_level_of_a_narrow_width_is_taken_at_its_value(self) -> None:
        # float16(0.95) is 0.9501953125: that is the level asked for.
        result = wilson_interval(3, 10, np.float16(0.95))
        assert result.level == 0.9501953125
        assert result == wilson_interval(3, 10, 0.9501953125)

    def test_arrays(self) -> None:
        effects = np.array([0.1, 0.4, -0.2], dtype=np.float32)
        variances = np.array([0.5, 0.25, 0.125], dtype=np.float64)
        assert pool_effects(effects, variances) == pool_effects(
            [float(y) for y in effects], [0.5, 0.25, 0.125]
        )
        table = np.array([[3, 10], [7, 12], [0, 9]], dtype=np.int32)
        assert pool_proportions(table) == pool_proportions([(3, 10), (7, 12), (0, 9)])
        assert pool_proportions(list(table)) == pool_proportions(table)
        # 0-d integer arrays are integers
        assert wilson_interval(np.array(3), np.array(10)) == wilson_interval(3, 10)

    @pytest.mark.parametrize(
        "bad", [np.True_, np.bool_(False), np.float64(2.5), np.array([1, 2]), np.array(1.0)]
    )
    def test_non_integers_are_refused_as_counts(self, bad: object) -> None:
        with pytest.raises(StatisticsError, match="must be a non-negative integer"):
            wilson_interval(bad, 10)  # type: ignore[arg-type]

    def test_rows_that_are_not_pairs_are_refused(self) -> None:
        with pytest.raises(StatisticsError, match=r"pairs\[0\] must be an \(events, total\)"):
            pool_proportions(np.array([[1, 2, 3], [4, 5, 6]]))
        with pytest.raises(StatisticsError, match=r"pairs\[1\] must be an \(events, total\)"):
            pool_proportions([(1, 10), "ab"])  # type: ignore[list-item]
        with pytest.raises(StatisticsError, match=r"pairs\[1\] must be an \(events, total\)"):
            pool_proportions([(1, 10), {1, 10}])  # type: ignore[list-item]

    def test_no_warning_escapes(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for value in (np.longdouble("1e4000"), np.float16(np.inf), np.float32("nan")):
                with pytest.raises(StatisticsError, match="finite real number"):
                    wilson_interval(1, 10, value)


class TestLevelValidation:
    @pytest.mark.parametrize(
        ("level", "message"),
        [
            (math.nan, r"^level must be a finite real number \(got nan\)$"),
            (math.inf, r"^level must be a finite real number \(got inf\)$"),
            (-math.inf, r"^level must be a finite real number \(got -inf\)$"),
            (True, r"^level must be a finite real number \(got True\)$"),
            (np.True_, r"^level must be a finite real number \(got np\.True_\)$"),
            (0.0, r"^level must be in \(0, 1\) \(got 0\.0\)$"),
            (1.0, r"^level must be in \(0, 1\) \(got 1\.0\)$"),
            (1, r"^level must be in \(0, 1\) \(got 1\)$"),
            (-0.5, r"^level must be in \(0, 1\) \(got -0\.5\)$"),
            (95, r"^level must be in \(0, 1\) \(got 95\)$"),
            (np.float32(1.5), r"^level must be in \(0, 1\) \(got np\.float32\(1\.5\)\)$"),
            ("0.95", r"^level must be a finite real number \(got '0\.95'\)$"),
            (None, r"^level must be a finite real number \(got None\)$"),
            (10**400, r"^level must be a finite real number within the float range"),
            (np.longdouble("1e4000"), r"^level must be a finite real number"),
        ],
    )
    def test_refused_with_the_value(self, level: object, message: str) -> None:
        with pytest.raises(StatisticsError, match=message):
            _check_level(level)
        with pytest.raises(StatisticsError, match=message):
            clopper_pearson_interval(1, 10, level)  # type: ignore[arg-type]

    def test_name_is_used_in_the_message(self) -> None:
        with pytest.raises(StatisticsError, match=r"^confidence must be in \(0, 1\) \(got 2\)$"):
            _check_level(2, "confidence")

    @pytest.mark.parametrize(
        "level", [0.95, Fraction(19, 20), np.float64(0.95), np.longdouble("0.95"), 5e-324]
    )
    def test_accepted_as_a_float(self, level: object) -> None:
        value = _check_level(level)
        assert type(value) is float
        assert 0.0 < value < 1.0
