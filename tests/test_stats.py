"""Tests for vitk2._stats: properties, hand computations, and agreement with statsmodels."""

from __future__ import annotations

import importlib.util
import math

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2._stats import (
    Contrast,
    Interval,
    Pooled,
    StatisticsError,
    _betainc,
    _betaincinv,
    clopper_pearson_interval,
    normal_quantile,
    odds_ratio,
    pool_effects,
    pool_proportions,
    risk_difference,
    risk_ratio,
    wilson_interval,
)

HAS_STATSMODELS = importlib.util.find_spec("statsmodels") is not None
requires_statsmodels = pytest.mark.skipif(not HAS_STATSMODELS, reason="statsmodels not installed")

TOL = 1e-9
LEVELS = (0.8, 0.9, 0.95, 0.99)

levels = st.sampled_from(LEVELS)


@st.composite
def events_total(draw: st.DrawFn, max_total: int = 500) -> tuple[int, int]:
    """An (events, total) pair with 1 <= total <= max_total and 0 <= events <= total."""
    total = draw(st.integers(1, max_total))
    events = draw(st.integers(0, total))
    return events, total


@st.composite
def two_groups(draw: st.DrawFn, max_total: int = 500) -> tuple[int, int, int, int]:
    """(e1, n1, e2, n2) for two groups."""
    e1, n1 = draw(events_total(max_total))
    e2, n2 = draw(events_total(max_total))
    return e1, n1, e2, n2


@st.composite
def two_groups_without_zero_cells(draw: st.DrawFn) -> tuple[int, int, int, int]:
    """(e1, n1, e2, n2) with all four cells of the 2x2 table positive."""
    n1 = draw(st.integers(2, 500))
    n2 = draw(st.integers(2, 500))
    return draw(st.integers(1, n1 - 1)), n1, draw(st.integers(1, n2 - 1)), n2


@st.composite
def two_groups_with_a_zero_cell(draw: st.DrawFn) -> tuple[int, int, int, int]:
    """(e1, n1, e2, n2) with at least one zero cell, but a ratio that is estimable."""
    n1 = draw(st.integers(1, 500))
    n2 = draw(st.integers(1, 500))
    e1 = draw(st.sampled_from([0, n1]) | st.integers(0, n1))
    if e1 in (0, n1):
        # Group 1 already has a zero cell; group 2 must not repeat the same extreme.
        forbidden = {e1 // n1 * n2}
        e2 = draw(st.integers(0, n2).filter(lambda e: e not in forbidden))
    else:
        e2 = draw(st.sampled_from([0, n2]))
    assume(not (e1 == 0 and e2 == 0) and not (e1 == n1 and e2 == n2))
    return e1, n1, e2, n2


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _z(level: float) -> float:
    return -normal_quantile((1.0 - level) / 2.0)


# ---------------------------------------------------------------------------
# Interval, Contrast, Pooled, StatisticsError
# ---------------------------------------------------------------------------


class TestTypes:
    def test_statistics_error_is_a_value_error(self) -> None:
        assert issubclass(StatisticsError, ValueError)
        with pytest.raises(ValueError, match="total must be > 0"):
            wilson_interval(0, 0)

    def test_statistics_error_is_exported_from_vitk2(self) -> None:
        import pickle

        import vitk2

        assert vitk2.StatisticsError is StatisticsError
        assert "StatisticsError" in vitk2.__all__
        assert issubclass(StatisticsError, vitk2.Vitk2Error)
        with pytest.raises(vitk2.StatisticsError, match="total must be > 0"):
            wilson_interval(1, 0)
        again = pickle.loads(pickle.dumps(StatisticsError("level must be in (0, 1) (got 2)")))
        assert type(again) is StatisticsError
        assert str(again) == "level must be in (0, 1) (got 2)"

    def test_comparison_error_is_gone(self) -> None:
        # Nothing raised it; an exported error that never occurs only misleads handlers.
        import vitk2
        from vitk2 import _errors

        assert "ComparisonError" not in vitk2.__all__
        assert not hasattr(_errors, "ComparisonError")
        with pytest.raises(AttributeError):
            vitk2.ComparisonError  # type: ignore[attr-defined]  # noqa: B018

    def test_interval_fields_and_defaults(self) -> None:
        interval = Interval(0.25, 0.75, method="wald")
        assert (interval.low, interval.high, interval.level, interval.method) == (
            0.25,
            0.75,
            0.95,
            "wald",
        )
        assert interval.width == 0.5
        assert 0.25 in interval
        assert 0.75 in interval
        assert 0.5 in interval
        assert 0.2 not in interval
        assert 0.8 not in interval

    def test_interval_is_frozen(self) -> None:
        interval = Interval(0.0, 1.0, 0.9, method="wilson")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            interval.low = 0.5  # type: ignore[misc]

    def test_degenerate_interval_is_allowed(self) -> None:
        interval = Interval(0.3, 0.3, method="wald")
        assert interval.width == 0.0
        assert 0.3 in interval

    def test_interval_rejects_low_above_high(self) -> None:
        with pytest.raises(StatisticsError, match=r"low must be <= high \(got 0\.6 > 0\.4\)"):
            Interval(0.6, 0.4, method="wald")

    @pytest.mark.parametrize(("low", "high"), [(math.nan, 1.0), (0.0, math.nan)])
    def test_interval_rejects_nan(self, low: float, high: float) -> None:
        with pytest.raises(StatisticsError, match="must not be NaN"):
            Interval(low, high, method="wald")

    @pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 1.5, math.nan])
    def test_interval_rejects_bad_level(self, level: float) -> None:
        with pytest.raises(StatisticsError, match="level must be"):
            Interval(0.0, 1.0, level, method="wald")

    def test_method_is_required(self) -> None:
        with pytest.raises(TypeError):
            Interval(0.0, 1.0)  # type: ignore[call-arg]

    def test_contrast_and_pooled_are_frozen_records(self) -> None:
        contrast = risk_ratio(10, 100, 20, 100)
        assert isinstance(contrast, Contrast)
        assert attrs.evolve(contrast, estimate=2.0).estimate == 2.0
        pooled = pool_effects([0.1, 0.2], [0.01, 0.02])
        assert isinstance(pooled, Pooled)
        assert pooled.method == "dersimonian-laird"
        assert pooled.scale == "identity"
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            pooled.k = 3  # type: ignore[misc]


# ---------------------------------------------------------------------------
# normal_quantile and the incomplete beta function
# ---------------------------------------------------------------------------


class TestNormalQuantile:
    @pytest.mark.parametrize(
        ("p", "expected"),
        [
            (0.5, 0.0),
            (0.975, 1.959963984540054),
            (0.025, -1.959963984540054),
            (0.995, 2.5758293035489004),
            (0.95, 1.6448536269514722),
            (0.9, 1.2815515655446004),
            (1e-10, -6.361340902404056),
            (1e-300, -37.0470962993612),
        ],
    )
    def test_known_values(self, p: float, expected: float) -> None:
        assert normal_quantile(p) == pytest.approx(expected, rel=1e-14, abs=1e-15)

    @given(st.floats(min_value=1e-300, max_value=1.0, exclude_max=True))
    def test_inverts_the_normal_cdf(self, p: float) -> None:
        x = normal_quantile(p)
        if p <= 0.5:
            assert _phi(x) == pytest.approx(p, rel=1e-13)
        else:  # compare the upper tail, which is where the precision lives
            assert _phi(-x) == pytest.approx(1.0 - p, rel=1e-13, abs=1e-16)

    @given(st.floats(min_value=1e-300, max_value=0.5))
    def test_is_antisymmetric(self, p: float) -> None:
        q = 1.0 - p  # rounded; 1 - q is exact because q >= 0.5
        assume(q < 1.0)
        assert normal_quantile(q) == -normal_quantile(1.0 - q)
        if p >= 1e-3:  # where rounding 1 - p barely moves the quantile
            assert normal_quantile(q) == pytest.approx(-normal_quantile(p), rel=1e-12)

    @given(
        st.floats(min_value=1e-300, max_value=1.0, exclude_max=True),
        st.floats(min_value=1e-300, max_value=1.0, exclude_max=True),
    )
    def test_is_monotone(self, p: float, q: float) -> None:
        assume(p < q)
        assert normal_quantile(p) <= normal_quantile(q)

    @pytest.mark.parametrize("p", [0.0, 1.0, -0.1, 1.1, math.nan, math.inf])
    def test_rejects_out_of_range(self, p: float) -> None:
        with pytest.raises(StatisticsError, match=r"^p must be"):
            normal_quantile(p)

    @pytest.mark.parametrize("p", ["0.5", True, None])
    def test_rejects_non_numbers(self, p: object) -> None:
        with pytest.raises(StatisticsError, match="p must be a finite real number"):
            normal_quantile(p)  # type: ignore[arg-type]


class TestIncompleteBeta:
    @given(st.integers(1, 300), st.integers(1, 300), st.floats(1e-12, 0.5))
    def test_inverse_round_trip(self, a: int, b: int, p: float) -> None:
        x = _betaincinv(p, float(a), float(b))
        assert 0.0 < x < 1.0
        assert _betainc(float(a), float(b), x) == pytest.approx(p, rel=1e-11)

    @pytest.mark.parametrize("x", [0.0, 0.1, 0.37, 0.5, 0.9, 1.0])
    def test_closed_forms(self, x: float) -> None:
        # I_x(a, 1) = x^a and I_x(1, b) = 1 - (1 - x)^b
        assert _betainc(3.0, 1.0, x) == pytest.approx(x**3, abs=1e-15)
        assert _betainc(1.0, 4.0, x) == pytest.approx(1.0 - (1.0 - x) ** 4, abs=1e-15)

    @given(st.integers(1, 200), st.integers(1, 200), st.floats(0.0, 1.0))
    def test_symmetry(self, a: int, b: int, x: float) -> None:
        # I_x(a, b) + I_{1-x}(b, a) = 1; the continued fraction is accurate to ~1e-12 near x = 1/2
        total = _betainc(float(a), float(b), x) + _betainc(float(b), float(a), 1.0 - x)
        assert total == pytest.approx(1.0, abs=1e-11)


# ---------------------------------------------------------------------------
# Single-proportion intervals: properties and hand computations
# ---------------------------------------------------------------------------


class TestSingleProportion:
    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    @given(pair=events_total(), level=levels)
    def test_within_unit_interval_and_contains_estimate(
        self, interval: object, pair: tuple[int, int], level: float
    ) -> None:
        events, total = pair
        result = interval(events, total, level)  # type: ignore[operator]
        assert 0.0 <= result.low <= result.high <= 1.0
        assert events / total in result
        assert result.level == level

    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    @given(pair=events_total(), level=levels)
    def test_mirror_symmetry(self, interval: object, pair: tuple[int, int], level: float) -> None:
        events, total = pair
        forward = interval(events, total, level)  # type: ignore[operator]
        mirror = interval(total - events, total, level)  # type: ignore[operator]
        assert forward.low == pytest.approx(1.0 - mirror.high, abs=1e-12)
        assert forward.high == pytest.approx(1.0 - mirror.low, abs=1e-12)

    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    @given(pair=events_total(), levels_=st.tuples(levels, levels))
    def test_nested_in_level(
        self, interval: object, pair: tuple[int, int], levels_: tuple[float, float]
    ) -> None:
        narrow_level, wide_level = sorted(levels_)
        narrow = interval(*pair, narrow_level)  # type: ignore[operator]
        wide = interval(*pair, wide_level)  # type: ignore[operator]
        assert wide.low <= narrow.low + 1e-15
        assert narrow.high <= wide.high + 1e-15

    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    @given(total=st.integers(1, 500), level=levels)
    def test_boundaries_are_exact(self, interval: object, total: int, level: float) -> None:
        assert interval(0, total, level).low == 0.0  # type: ignore[operator]
        assert interval(total, total, level).high == 1.0  # type: ignore[operator]

    @given(pair=events_total(), level=levels)
    def test_clopper_pearson_contains_estimate_strictly_inside(
        self, pair: tuple[int, int], level: float
    ) -> None:
        events, total = pair
        assume(0 < events < total)
        result = clopper_pearson_interval(events, total, level)
        assert result.low < events / total < result.high

    def test_methods(self) -> None:
        assert wilson_interval(3, 10).method == "wilson"
        assert clopper_pearson_interval(3, 10).method == "clopper-pearson"

    @given(total=st.integers(1, 500), level=levels)
    def test_clopper_pearson_closed_forms(self, total: int, level: float) -> None:
        half_alpha = (1.0 - level) / 2.0
        zero = clopper_pearson_interval(0, total, level)
        assert zero.high == pytest.approx(1.0 - half_alpha ** (1.0 / total), abs=1e-13)
        full = clopper_pearson_interval(total, total, level)
        assert full.low == pytest.approx(half_alpha ** (1.0 / total), abs=1e-13)
        one = clopper_pearson_interval(1, total, level)
        assert one.low == pytest.approx(1.0 - (1.0 - half_alpha) ** (1.0 / total), abs=1e-13)

    @given(total=st.integers(1, 500), level=levels)
    def test_wilson_closed_form_at_zero(self, total: int, level: float) -> None:
        z2 = _z(level) ** 2
        assert wilson_interval(0, total, level).high == pytest.approx(z2 / (total + z2), abs=1e-15)

    def test_wilson_hand_computed(self) -> None:
        # 7 events out of 20 at 95 %: centre and half-width by hand.
        z = 1.959963984540054
        n, p = 20, 0.35
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        result = wilson_interval(7, 20)
        assert result.low == pytest.approx(centre - half, abs=1e-15)
        assert result.high == pytest.approx(centre + half, abs=1e-15)
        assert result.low == pytest.approx(0.181191824101082, abs=1e-14)
        assert result.high == pytest.approx(0.567145723314764, abs=1e-14)


# ---------------------------------------------------------------------------
# Two-group contrasts: properties and hand computations
# ---------------------------------------------------------------------------


class TestContrasts:
    def test_risk_difference_hand_computed(self) -> None:
        # Newcombe's method 10 from the two Wilson intervals, written out.
        result = risk_difference(15, 50, 10, 60)
        z = _z(0.95)

        def wilson(e: int, n: int) -> tuple[float, float]:
            p = e / n
            centre = (p + z * z / (2 * n)) / (1 + z * z / n)
            half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
            return centre - half, centre + half

        p1, p2 = 0.3, 1 / 6
        (l1, u1), (l2, u2) = wilson(15, 50), wilson(10, 60)
        assert result.measure == "risk difference"
        assert result.estimate == pytest.approx(p1 - p2, abs=1e-15)
        low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        assert result.interval.low == pytest.approx(low, abs=1e-15)
        assert result.interval.high == pytest.approx(high, abs=1e-15)
        assert result.interval.method == "newcombe"
        assert result.corrected is False

    @given(groups=two_groups(), level=levels)
    def test_risk_difference_properties(
        self, groups: tuple[int, int, int, int], level: float
    ) -> None:
        result = risk_difference(*groups, level=level)
        assert -1.0 <= result.interval.low <= result.interval.high <= 1.0
        assert result.estimate in result.interval
        assert result.interval.width > 0.0
        assert result.corrected is False
        e1, n1, e2, n2 = groups
        assert result.estimate == pytest.approx(e1 / n1 - e2 / n2, abs=1e-15)
        swapped = risk_difference(e2, n2, e1, n1, level)
        assert swapped.estimate == pytest.approx(-result.estimate, abs=1e-15)
        assert swapped.interval.low == pytest.approx(-result.interval.high, abs=1e-12)

    @pytest.mark.parametrize(
        ("groups", "low", "high"),
        [
            # Both proportions 0 (or both 1): the Wald interval was 0 to 0. The bounds are
            # statsmodels' (method="newcomb"), to its rounding.
            ((0, 20, 0, 20), -0.1611251580528194, 0.1611251580528194),
            ((20, 20, 20, 20), -0.16112515805281957, 0.16112515805281957),
            ((0, 10, 0, 20), -0.1611251580528194, 0.27753279986288926),
            ((10, 10, 0, 20), 0.6790860371419145, 1.0),
        ],
    )
    def test_risk_difference_keeps_a_width_at_zero_cells(
        self, groups: tuple[int, int, int, int], low: float, high: float
    ) -> None:
        result = risk_difference(*groups)
        assert result.interval.width > 0.1
        assert result.interval.low == pytest.approx(low, abs=1e-15)
        assert result.interval.high == pytest.approx(high, abs=1e-15)
        assert result.estimate in result.interval
        assert result.interval.method == "newcombe"

    def test_risk_ratio_hand_computed(self) -> None:
        result = risk_ratio(12, 40, 6, 50)
        log_rr = math.log((12 / 40) / (6 / 50))
        se = math.sqrt(1 / 12 - 1 / 40 + 1 / 6 - 1 / 50)
        assert result.measure == "risk ratio"
        assert result.estimate == pytest.approx(2.5, rel=1e-14)
        assert result.interval.low == pytest.approx(math.exp(log_rr - _z(0.95) * se), rel=1e-14)
        assert result.interval.high == pytest.approx(math.exp(log_rr + _z(0.95) * se), rel=1e-14)
        assert result.interval.method == "log"
        assert result.corrected is False

    def test_odds_ratio_hand_computed(self) -> None:
        result = odds_ratio(12, 40, 6, 50)
        log_or = math.log((12 * 44) / (28 * 6))
        se = math.sqrt(1 / 12 + 1 / 28 + 1 / 6 + 1 / 44)
        assert result.measure == "odds ratio"
        assert result.estimate == pytest.approx(12 * 44 / (28 * 6), rel=1e-14)
        assert result.interval.low == pytest.approx(math.exp(log_or - _z(0.95) * se), rel=1e-14)
        assert result.interval.high == pytest.approx(math.exp(log_or + _z(0.95) * se), rel=1e-14)
        assert result.interval.method == "log"
        assert result.corrected is False

    @pytest.mark.parametrize(
        ("e1", "n1", "e2", "n2"),
        [(0, 20, 5, 25), (5, 25, 0, 20), (20, 20, 5, 25), (3, 10, 7, 7), (0, 10, 7, 7)],
    )
    def test_zero_cell_correction_by_hand(self, e1: int, n1: int, e2: int, n2: int) -> None:
        a, b, c, d = e1 + 0.5, n1 - e1 + 0.5, e2 + 0.5, n2 - e2 + 0.5
        z = _z(0.9)

        rr = risk_ratio(e1, n1, e2, n2, level=0.9)
        log_rr = math.log((a / (a + b)) / (c / (c + d)))
        se_rr = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
        assert rr.corrected is True
        assert rr.estimate == pytest.approx(math.exp(log_rr), rel=1e-14)
        assert rr.interval.low == pytest.approx(math.exp(log_rr - z * se_rr), rel=1e-14)
        assert rr.interval.high == pytest.approx(math.exp(log_rr + z * se_rr), rel=1e-14)
        assert rr.interval.level == 0.9

        or_ = odds_ratio(e1, n1, e2, n2, level=0.9)
        log_or = math.log(a * d / (b * c))
        se_or = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        assert or_.corrected is True
        assert or_.estimate == pytest.approx(math.exp(log_or), rel=1e-14)
        assert or_.interval.low == pytest.approx(math.exp(log_or - z * se_or), rel=1e-14)
        assert or_.interval.high == pytest.approx(math.exp(log_or + z * se_or), rel=1e-14)

    def test_zero_cell_worked_example(self) -> None:
        # 0/10 versus 5/10: corrected table 0.5, 10.5 / 5.5, 5.5.
        result = odds_ratio(0, 10, 5, 10)
        assert result.corrected is True
        assert result.estimate == pytest.approx(0.5 * 5.5 / (10.5 * 5.5), rel=1e-14)
        rr = risk_ratio(0, 10, 5, 10)
        assert rr.estimate == pytest.approx((0.5 / 11) / (5.5 / 11), rel=1e-14)

    @pytest.mark.parametrize("contrast", [risk_ratio, odds_ratio])
    @pytest.mark.parametrize(
        ("groups", "message"),
        [
            ((0, 10, 0, 20), "both groups have zero events"),
            ((10, 10, 20, 20), "both groups have only events"),
        ],
    )
    def test_not_estimable(
        self, contrast: object, groups: tuple[int, int, int, int], message: str
    ) -> None:
        with pytest.raises(StatisticsError, match=f"not estimable: {message}"):
            contrast(*groups)  # type: ignore[operator]

    @pytest.mark.parametrize("contrast", [risk_ratio, odds_ratio])
    @given(groups=two_groups(), level=levels)
    def test_ratio_properties(
        self, contrast: object, groups: tuple[int, int, int, int], level: float
    ) -> None:
        e1, n1, e2, n2 = groups
        assume(not (e1 == 0 and e2 == 0))
        assume(not (e1 == n1 and e2 == n2))
        result = contrast(e1, n1, e2, n2, level)  # type: ignore[operator]
        assert 0.0 < result.interval.low <= result.estimate <= result.interval.high
        assert result.corrected == (0 in (e1, n1 - e1, e2, n2 - e2))
        swapped = contrast(e2, n2, e1, n1, level)  # type: ignore[operator]
        assert swapped.estimate == pytest.approx(1.0 / result.estimate, rel=1e-12)
        assert swapped.interval.low == pytest.approx(1.0 / result.interval.high, rel=1e-12)
        assert swapped.interval.high == pytest.approx(1.0 / result.interval.low, rel=1e-12)

    @given(groups=two_groups(), level=levels)
    def test_odds_ratio_of_non_events_is_reciprocal(
        self, groups: tuple[int, int, int, int], level: float
    ) -> None:
        e1, n1, e2, n2 = groups
        assume(not (e1 == 0 and e2 == 0))
        assume(not (e1 == n1 and e2 == n2))
        forward = odds_ratio(e1, n1, e2, n2, level)
        flipped = odds_ratio(n1 - e1, n1, n2 - e2, n2, level)
        assert flipped.estimate == pytest.approx(1.0 / forward.estimate, rel=1e-12)
        assert flipped.interval.low == pytest.approx(1.0 / forward.interval.high, rel=1e-12)


# ---------------------------------------------------------------------------
# Random-effects pooling: properties and hand computations
# ---------------------------------------------------------------------------

effects_and_variances = st.integers(2, 30).flatmap(
    lambda k: st.tuples(
        st.lists(st.floats(-5.0, 5.0), min_size=k, max_size=k),
        st.lists(st.floats(1e-3, 10.0), min_size=k, max_size=k),
    )
)


class TestPooling:
    def test_hand_computed_dersimonian_laird(self) -> None:
        effects = [0.0, 1.0, 3.0]
        variances = [1.0, 1.0, 1.0]
        result = pool_effects(effects, variances)
        # Equal weights: mean 4/3, Q = sum (y - 4/3)^2 = 14/3, df = 2, C = 3 - 3/3 = 2.
        assert result.q == pytest.approx(14 / 3, rel=1e-14)
        assert result.df == 2
        assert result.k == 3
        assert result.tau2 == pytest.approx((14 / 3 - 2) / 2, rel=1e-14)
        assert result.i2 == pytest.approx((14 / 3 - 2) / (14 / 3), rel=1e-14)
        assert result.estimate == pytest.approx(4 / 3, rel=1e-14)
        se = math.sqrt((1 + 4 / 3) / 3)
        assert result.interval.low == pytest.approx(4 / 3 - _z(0.95) * se, rel=1e-14)
        assert result.interval.high == pytest.approx(4 / 3 + _z(0.95) * se, rel=1e-14)
        assert result.interval.method == "dersimonian-laird"

    def test_homogeneous_effects_truncate_tau2_and_i2(self) -> None:
        result = pool_effects([0.5, 0.5, 0.5], [0.1, 0.2, 0.3])
        assert result.q == 0.0
        assert result.tau2 == 0.0
        assert result.i2 == 0.0
        assert result.estimate == pytest.approx(0.5, rel=1e-14)

    @given(data=effects_and_variances, level=levels)
    def test_properties(self, data: tuple[list[float], list[float]], level: float) -> None:
        effects, variances = data
        result = pool_effects(effects, variances, level)
        assert result.k == len(effects)
        assert result.df == len(effects) - 1
        assert result.tau2 >= 0.0
        assert 0.0 <= result.i2 <= 1.0
        assert result.q >= 0.0
        assert min(effects) - 1e-9 <= result.estimate <= max(effects) + 1e-9
        assert result.estimate in result.interval
        assert result.interval.level == level
        assert result.scale == "identity"

    def test_pool_proportions_hand_computed(self) -> None:
        pairs = [(10, 100), (0, 50), (30, 30)]
        # Continuity: (0, 50) -> 0.5 / 50.5 and (30, 30) -> 30.5 / 0.5.
        effects = [math.log(10 / 90), math.log(0.5 / 50.5), math.log(30.5 / 0.5)]
        variances = [1 / 10 + 1 / 90, 1 / 0.5 + 1 / 50.5, 1 / 30.5 + 1 / 0.5]
        on_logit = pool_effects(effects, variances, 0.99)
        result = pool_proportions(pairs, level=0.99)

        assert result.scale == "logit"
        assert result.estimate == pytest.approx(expit(on_logit.estimate), rel=1e-14)
        assert result.interval.low == pytest.approx(expit(on_logit.interval.low), rel=1e-14)
        assert result.interval.high == pytest.approx(expit(on_logit.interval.high), rel=1e-14)
        assert result.interval.level == 0.99
        assert result.tau2 == pytest.approx(on_logit.tau2, rel=1e-13)
        assert result.i2 == pytest.approx(on_logit.i2, rel=1e-13)
        assert result.q == pytest.approx(on_logit.q, rel=1e-13)
        assert (result.df, result.k) == (2, 3)

    @given(pairs=st.lists(events_total(), min_size=2, max_size=20), level=levels)
    def test_pool_proportions_properties(self, pairs: list[tuple[int, int]], level: float) -> None:
        result = pool_proportions(pairs, level)
        assert 0.0 <= result.interval.low <= result.estimate <= result.interval.high <= 1.0
        assert 0.0 <= result.i2 <= 1.0
        assert result.tau2 >= 0.0
        assert result.k == len(pairs)

    def test_pool_proportions_accepts_lists(self) -> None:
        as_tuples = pool_proportions([(1, 10), (2, 10)])
        as_lists = pool_proportions([[1, 10], [2, 10]])
        assert as_tuples == as_lists


# ---------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------


class TestValidation:
    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    @pytest.mark.parametrize(
        ("events", "total", "message"),
        [
            (12, 10, r"^events must be <= total \(got 12 > 10\)$"),
            (0, 0, r"^total must be > 0 \(got 0\)$"),
            (-1, 10, r"^events must be a non-negative integer \(got -1\)$"),
            (1, -10, r"^total must be a non-negative integer \(got -10\)$"),
            (1.0, 10, r"^events must be a non-negative integer \(got 1\.0\)$"),
            (True, 10, r"^events must be a non-negative integer \(got True\)$"),
            (1, "10", r"^total must be a non-negative integer \(got '10'\)$"),
        ],
    )
    def test_bad_counts(
        self, interval: object, events: object, total: object, message: str
    ) -> None:
        with pytest.raises(StatisticsError, match=message):
            interval(events, total)  # type: ignore[operator]

    @pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
    @pytest.mark.parametrize(
        ("level", "message"),
        [
            (0.0, r"^level must be in \(0, 1\) \(got 0\.0\)$"),
            (1.0, r"^level must be in \(0, 1\) \(got 1\.0\)$"),
            (95, r"^level must be in \(0, 1\) \(got 95\)$"),
            (-0.5, r"^level must be in \(0, 1\) \(got -0\.5\)$"),
            (math.nan, r"^level must be a finite real number \(got nan\)$"),
            (math.inf, r"^level must be a finite real number \(got inf\)$"),
            ("0.95", r"^level must be a finite real number \(got '0\.95'\)$"),
        ],
    )
    def test_bad_level(self, interval: object, level: object, message: str) -> None:
        with pytest.raises(StatisticsError, match=message):
            interval(1, 10, level)  # type: ignore[operator]

    @pytest.mark.parametrize("contrast", [risk_difference, risk_ratio, odds_ratio])
    @pytest.mark.parametrize(
        ("groups", "message"),
        [
            ((11, 10, 1, 10), r"^e1 must be <= n1 \(got 11 > 10\)$"),
            ((1, 10, 12, 10), r"^e2 must be <= n2 \(got 12 > 10\)$"),
            ((0, 0, 1, 10), r"^n1 must be > 0 \(got 0\)$"),
            ((1, 10, 0, 0), r"^n2 must be > 0 \(got 0\)$"),
            ((-1, 10, 1, 10), r"^e1 must be a non-negative integer \(got -1\)$"),
            ((1, 10, 1, 2.5), r"^n2 must be a non-negative integer \(got 2\.5\)$"),
        ],
    )
    def test_bad_contrast_counts(
        self, contrast: object, groups: tuple[object, ...], message: str
    ) -> None:
        with pytest.raises(StatisticsError, match=message):
            contrast(*groups)  # type: ignore[operator]

    @pytest.mark.parametrize("contrast", [risk_difference, risk_ratio, odds_ratio])
    def test_bad_contrast_level(self, contrast: object) -> None:
        with pytest.raises(StatisticsError, match=r"^level must be in \(0, 1\) \(got 1\.5\)$"):
            contrast(1, 10, 2, 10, level=1.5)  # type: ignore[operator]

    def test_accepts_integer_like_counts(self) -> None:
        class Count:
            def __init__(self, value: int) -> None:
                self.value = value

            def __index__(self) -> int:
                return self.value

        expected = wilson_interval(3, 10)
        assert wilson_interval(Count(3), Count(10)) == expected

    @pytest.mark.parametrize(
        ("effects", "variances", "message"),
        [
            ([0.1], [0.1], r"^at least 2 studies are needed to pool \(got k=1\)$"),
            ([], [], r"^at least 2 studies are needed to pool \(got k=0\)$"),
            (
                [0.1, 0.2],
                [0.1],
                r"^effects and variances must have the same length \(got 2 != 1\)$",
            ),
            ([0.1, 0.2], [0.1, 0.0], r"^variances\[1\] must be > 0 \(got 0\.0\)$"),
            ([0.1, 0.2], [0.1, -1.0], r"^variances\[1\] must be > 0 \(got -1\.0\)$"),
            ([0.1, math.nan], [0.1, 0.1], r"^effects\[1\] must be a finite real number"),
            ([0.1, 0.2], [math.inf, 0.1], r"^variances\[0\] must be a finite real number"),
            (["a", 0.2], [0.1, 0.1], r"^effects\[0\] must be a finite real number"),
        ],
    )
    def test_bad_pool_effects(
        self, effects: list[object], variances: list[object], message: str
    ) -> None:
        with pytest.raises(StatisticsError, match=message):
            pool_effects(effects, variances)  # type: ignore[arg-type]

    def test_bad_pool_effects_level(self) -> None:
        with pytest.raises(StatisticsError, match=r"^level must be in \(0, 1\) \(got 0\.0\)$"):
            pool_effects([0.1, 0.2], [0.1, 0.1], level=0.0)

    @pytest.mark.parametrize(
        ("pairs", "message"),
        [
            ([(1, 10)], r"^at least 2 studies are needed to pool \(got k=1\)$"),
            ([(1, 10), (12, 10)], r"^pairs\[1\]: events must be <= total \(got 12 > 10\)$"),
            ([(1, 10), (0, 0)], r"^pairs\[1\]: total must be > 0 \(got 0\)$"),
            ([(-1, 10), (1, 10)], r"^pairs\[0\]: events must be a non-negative integer"),
            ([(1, 10), (1, 2, 3)], r"^pairs\[1\] must be an \(events, total\) pair"),
            ([(1, 10), 5], r"^pairs\[1\] must be an \(events, total\) pair \(got 5\)$"),
        ],
    )
    def test_bad_pool_proportions(self, pairs: list[object], message: str) -> None:
        with pytest.raises(StatisticsError, match=message):
            pool_proportions(pairs)  # type: ignore[arg-type]

    def test_bad_pool_proportions_scale(self) -> None:
        with pytest.raises(StatisticsError, match=r"^scale must be 'logit' \(got 'log'\)$"):
            pool_proportions([(1, 10), (2, 10)], scale="log")


# ---------------------------------------------------------------------------
# Agreement with statsmodels (skipped when statsmodels is not installed)
# ---------------------------------------------------------------------------

if HAS_STATSMODELS:
    import numpy as np
    from statsmodels.stats.contingency_tables import Table2x2  # type: ignore[import-untyped]
    from statsmodels.stats.meta_analysis import combine_effects  # type: ignore[import-untyped]
    from statsmodels.stats.proportion import (  # type: ignore[import-untyped]
        confint_proportions_2indep,
        proportion_confint,
    )


@requires_statsmodels
class TestAgainstStatsmodels:
    @settings(max_examples=300, deadline=None)
    @given(pair=events_total(), level=levels)
    def test_wilson(self, pair: tuple[int, int], level: float) -> None:
        events, total = pair
        low, high = proportion_confint(events, total, alpha=1 - level, method="wilson")
        result = wilson_interval(events, total, level)
        assert result.low == pytest.approx(float(low), abs=TOL)
        assert result.high == pytest.approx(float(high), abs=TOL)

    @settings(max_examples=300, deadline=None)
    @given(pair=events_total(), level=levels)
    def test_clopper_pearson(self, pair: tuple[int, int], level: float) -> None:
        events, total = pair
        low, high = proportion_confint(events, total, alpha=1 - level, method="beta")
        result = clopper_pearson_interval(events, total, level)
        assert result.low == pytest.approx(float(low), abs=TOL)
        assert result.high == pytest.approx(float(high), abs=TOL)

    @pytest.mark.parametrize("total", [1, 2, 3, 10, 37, 100, 499, 500])
    @pytest.mark.parametrize("level", LEVELS)
    def test_every_count_of_selected_totals(self, total: int, level: float) -> None:
        events = np.arange(total + 1)
        for method, interval in (("wilson", wilson_interval), ("beta", clopper_pearson_interval)):
            lows, highs = proportion_confint(events, total, alpha=1 - level, method=method)
            for e in range(total + 1):
                result = interval(e, total, level)
                assert result.low == pytest.approx(float(lows[e]), abs=TOL)
                assert result.high == pytest.approx(float(highs[e]), abs=TOL)

    @pytest.mark.parametrize("level", LEVELS)
    def test_large_totals(self, level: float) -> None:
        for events, total in [(3, 10**6), (500_000, 10**6), (10**6 - 1, 10**6), (17, 12_345)]:
            for method, interval in (
                ("wilson", wilson_interval),
                ("beta", clopper_pearson_interval),
            ):
                low, high = proportion_confint(events, total, alpha=1 - level, method=method)
                result = interval(events, total, level)
                assert result.low == pytest.approx(float(low), abs=TOL)
                assert result.high == pytest.approx(float(high), abs=TOL)

    @settings(max_examples=200, deadline=None)
    @given(groups=two_groups_without_zero_cells(), level=levels)
    def test_ratios_match_table2x2(self, groups: tuple[int, int, int, int], level: float) -> None:
        e1, n1, e2, n2 = groups
        table = Table2x2(np.array([[e1, n1 - e1], [e2, n2 - e2]]), shift_zeros=False)
        alpha = 1 - level
        rr = risk_ratio(e1, n1, e2, n2, level)
        assert rr.corrected is False
        assert rr.estimate == pytest.approx(float(table.riskratio), rel=TOL)
        low, high = table.riskratio_confint(alpha=alpha)
        assert rr.interval.low == pytest.approx(float(low), rel=TOL)
        assert rr.interval.high == pytest.approx(float(high), rel=TOL)

        or_ = odds_ratio(e1, n1, e2, n2, level)
        assert or_.corrected is False
        assert or_.estimate == pytest.approx(float(table.oddsratio), rel=TOL)
        low, high = table.oddsratio_confint(alpha=alpha)
        assert or_.interval.low == pytest.approx(float(low), rel=TOL)
        assert or_.interval.high == pytest.approx(float(high), rel=TOL)

    @settings(max_examples=200, deadline=None)
    @given(groups=two_groups_with_a_zero_cell(), level=levels)
    def test_zero_cells_match_corrected_table(
        self, groups: tuple[int, int, int, int], level: float
    ) -> None:
        # statsmodels' own shift_zeros replaces only the zero cells by 0.5; our policy adds
        # 0.5 to every cell, so hand statsmodels the already-corrected table.
        e1, n1, e2, n2 = groups
        corrected = np.array([[e1, n1 - e1], [e2, n2 - e2]], dtype=float) + 0.5
        table = Table2x2(corrected, shift_zeros=False)
        alpha = 1 - level
        rr = risk_ratio(e1, n1, e2, n2, level)
        assert rr.corrected is True
        assert rr.estimate == pytest.approx(float(table.riskratio), rel=TOL)
        low, high = table.riskratio_confint(alpha=alpha)
        assert rr.interval.low == pytest.approx(float(low), rel=TOL)
        assert rr.interval.high == pytest.approx(float(high), rel=TOL)

        or_ = odds_ratio(e1, n1, e2, n2, level)
        assert or_.corrected is True
        assert or_.estimate == pytest.approx(float(table.oddsratio), rel=TOL)
        low, high = table.oddsratio_confint(alpha=alpha)
        assert or_.interval.low == pytest.approx(float(low), rel=TOL)
        assert or_.interval.high == pytest.approx(float(high), rel=TOL)
        # "logit-adjusted" always adds 0.5 to every cell: the same as our corrected path.
        low, high = confint_proportions_2indep(
            e1, n1, e2, n2, method="logit-adjusted", compare="odds-ratio", alpha=alpha
        )
        assert or_.interval.low == pytest.approx(float(low), rel=TOL)
        assert or_.interval.high == pytest.approx(float(high), rel=TOL)

    @settings(max_examples=300, deadline=None)
    @given(groups=two_groups(), level=levels)
    def test_risk_difference(self, groups: tuple[int, int, int, int], level: float) -> None:
        e1, n1, e2, n2 = groups
        self._check_newcombe(e1, n1, e2, n2, level)

    @pytest.mark.parametrize("level", [0.5, *LEVELS, 0.999])
    def test_risk_difference_grid_with_zero_and_full_cells(self, level: float) -> None:
        sizes = (1, 2, 5, 20, 137, 10_000)
        for n1 in sizes:
            for n2 in sizes:
                for e1 in sorted({0, 1, n1 // 2, n1 - 1, n1} - {-1}):
                    for e2 in sorted({0, 1, n2 // 3, n2 - 1, n2} - {-1}):
                        self._check_newcombe(e1, n1, e2, n2, level)

    @staticmethod
    def _check_newcombe(e1: int, n1: int, e2: int, n2: int, level: float) -> None:
        low, high = confint_proportions_2indep(
            e1, n1, e2, n2, method="newcomb", compare="diff", alpha=1 - level
        )
        result = risk_difference(e1, n1, e2, n2, level)
        assert result.estimate == pytest.approx(e1 / n1 - e2 / n2, abs=1e-15)
        assert result.interval.low == pytest.approx(float(low), abs=1e-12)
        assert result.interval.high == pytest.approx(float(high), abs=1e-12)

    @staticmethod
    def _check_against_combine_effects(
        result: Pooled, effects: list[float], variances: list[float], level: float
    ) -> None:
        with np.errstate(all="ignore"):
            reference = combine_effects(
                np.array(effects), np.array(variances), method_re="dl", alpha=1 - level
            )
            _, ci_re, _, _ = reference.conf_int(alpha=1 - level)
            ci_fe = reference.conf_int(alpha=1 - level)[0]
        q = float(reference.q)
        assert result.q == pytest.approx(q, rel=TOL, abs=TOL)
        assert result.df == len(effects) - 1
        assert result.k == len(effects)
        if q > result.df:
            # Heterogeneous: statsmodels' untruncated DL agrees with ours.
            assert result.tau2 == pytest.approx(float(reference.tau2), rel=TOL, abs=TOL)
            assert result.i2 == pytest.approx(float(reference.i2), rel=TOL, abs=TOL)
            assert result.estimate == pytest.approx(float(reference.mean_effect_re), abs=TOL)
            assert result.interval.low == pytest.approx(float(ci_re[0]), abs=TOL)
            assert result.interval.high == pytest.approx(float(ci_re[1]), abs=TOL)
        else:
            # Q <= df: tau2 and I2 truncate to 0 and the model is the fixed-effect one
            # (statsmodels reports the negative moment estimates instead).
            assert result.tau2 == 0.0
            assert result.i2 == 0.0
            assert result.estimate == pytest.approx(float(reference.mean_effect_fe), abs=TOL)
            assert result.interval.low == pytest.approx(float(ci_fe[0]), abs=TOL)
            assert result.interval.high == pytest.approx(float(ci_fe[1]), abs=TOL)

    @settings(max_examples=300, deadline=None)
    @given(data=effects_and_variances, level=levels)
    def test_pool_effects(self, data: tuple[list[float], list[float]], level: float) -> None:
        effects, variances = data
        result = pool_effects(effects, variances, level)
        self._check_against_combine_effects(result, effects, variances, level)

    @settings(max_examples=200, deadline=None)
    @given(pairs=st.lists(events_total(), min_size=2, max_size=20), level=levels)
    def test_pool_proportions(self, pairs: list[tuple[int, int]], level: float) -> None:
        effects: list[float] = []
        variances: list[float] = []
        for events, total in pairs:
            e, f = float(events), float(total - events)
            if events in (0, total):
                e, f = e + 0.5, f + 0.5
            effects.append(math.log(e / f))
            variances.append(1 / e + 1 / f)
        on_logit = pool_effects(effects, variances, level)
        self._check_against_combine_effects(on_logit, effects, variances, level)
        result = pool_proportions(pairs, level)
        assert result.estimate == pytest.approx(expit(on_logit.estimate), abs=1e-15)
        assert result.interval.low == pytest.approx(expit(on_logit.interval.low), abs=1e-15)
        assert result.interval.high == pytest.approx(expit(on_logit.interval.high), abs=1e-15)
        assert result.tau2 == pytest.approx(on_logit.tau2, rel=1e-12, abs=1e-15)
        assert result.i2 == pytest.approx(on_logit.i2, rel=1e-12, abs=1e-15)
        assert result.q == pytest.approx(on_logit.q, rel=1e-12, abs=1e-15)

    def test_pool_proportions_fixed_example(self) -> None:
        pairs = [(12, 100), (30, 150), (5, 80), (40, 120), (9, 60)]
        effects = np.array([math.log(e / (n - e)) for e, n in pairs])
        variances = np.array([1 / e + 1 / (n - e) for e, n in pairs])
        reference = combine_effects(effects, variances, method_re="dl")
        result = pool_proportions(pairs)
        assert float(reference.q) > 4  # heterogeneous, so tau2 > 0
        assert result.tau2 == pytest.approx(float(reference.tau2), abs=TOL)
        assert result.i2 == pytest.approx(float(reference.i2), abs=TOL)
        assert result.q == pytest.approx(float(reference.q), abs=TOL)
        assert result.estimate == pytest.approx(
            1 / (1 + math.exp(-float(reference.mean_effect_re))), abs=TOL
        )
        low, high = reference.conf_int()[1]
        assert result.interval.low == pytest.approx(1 / (1 + math.exp(-float(low))), abs=TOL)
        assert result.interval.high == pytest.approx(1 / (1 + math.exp(-float(high))), abs=TOL)


# ---------------------------------------------------------------------------
# Callers: Proportion.interval and regimen contrasts
# ---------------------------------------------------------------------------


class TestCallers:
    def test_unknown_interval_method_is_a_statistics_error_listing_the_methods(self) -> None:
        from vitk2 import Proportion

        with pytest.raises(
            StatisticsError,
            match=r"^unknown interval method 'wald'; expected one of 'wilson', 'clopper-pearson'$",
        ):
            Proportion(events=1, total=2).interval("wald")
        with pytest.raises(StatisticsError, match=r"unknown interval method \['wilson'\]"):
            Proportion(events=1, total=2).interval(["wilson"])  # type: ignore[arg-type]

    @pytest.mark.parametrize("level", [0.0, 1.0, math.nan, True, "0.95"])
    def test_bad_level_of_a_proportion_interval_is_a_statistics_error(self, level: object) -> None:
        from vitk2 import Proportion

        for method in ("wilson", "clopper-pearson"):
            with pytest.raises(StatisticsError, match=r"^level must be"):
                Proportion(events=1, total=2).interval(method, level)  # type: ignore[arg-type]

    def test_regimen_contrast_records_why_its_ratios_are_missing(self) -> None:
        base = _two_arm_trial(0, 20, 0, 20)
        (contrast,) = base.compare_regimens("mds-ra").contrasts
        assert contrast.risk_ratio is None
        assert contrast.odds_ratio is None
        assert contrast.ratio_reason == (
            "risk ratio is not estimable: both groups have zero events (e1=0, e2=0)"
        )
        # the risk difference keeps a width (the Wald interval was 0 to 0)
        assert contrast.risk_difference.interval.width > 0.3
        assert contrast.risk_difference.interval.method == "newcombe"
        # the table says why (its cells are cut to a width)
        assert "risk ratio is not estimable" in base.compare_regimens("mds-ra").to_text()

    def test_regimen_contrast_with_ratios_has_no_reason(self) -> None:
        (contrast,) = _two_arm_trial(3, 20, 0, 20).compare_regimens("mds-ra").contrasts
        assert contrast.risk_ratio is not None
        assert contrast.risk_ratio.corrected is True
        assert contrast.ratio_reason is None


def _two_arm_trial(e1: int, n1: int, e2: int, n2: int) -> vitk2.EvidenceBase:
    """An evidence base with one randomised two-arm trial on one proportion outcome."""
    import textwrap

    text = textwrap.dedent(f"""\
        vitk2: 2
        citations:
          - {{id: t-paper, kind: primary_article, authors: [Doe J], year: 2024}}
        studies:
          - id: t
            title: Trial t
            reports: [t-paper]
            design: randomised_controlled_trial
            indications: [mds-ra]
            population: {{description: adults with refractory anaemia, enrolled: {n1 + n2}}}
            level: {{ocebm: 2, rationale: A randomised trial.}}
            arms:
              - id: k2
                name: MK-4
                role: intervention
                size: {n1}
                regimen: {{doses: [{{compound: menatetrenone, amount: 45 mg/day}}]}}
              - {{id: control, name: no treatment, role: control, size: {n2}}}
            findings:
              - id: t.k2
                outcome: {{name: haematologic improvement, kind: surrogate}}
                indication: mds-ra
                group: k2
                statistic: {{kind: proportion, events: {e1}, total: {n1}}}
                direction: benefit
                provenance: [{{source: t-paper, locator: abstract}}]
              - id: t.control
                outcome: {{name: haematologic improvement, kind: surrogate}}
                indication: mds-ra
                group: control
                statistic: {{kind: proportion, events: {e2}, total: {n2}}}
                direction: not_applicable
                provenance: [{{source: t-paper, locator: abstract}}]
        """)
    return vitk2.loads(text, base=vitk2.load())
