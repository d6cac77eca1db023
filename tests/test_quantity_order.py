"""Ordering quantities takes a shortcut in floats; it must order exactly as fractions do."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from vitk2._units import Dimension, Quantity, Unit

_TIME = [u for u in Unit if u.dimension is Dimension.TIME]
_MASS = [u for u in Unit if u.dimension is Dimension.MASS]
_values = st.one_of(
    st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.0, -0.0, 1, 1e-300, 5e-324, 1.7976931348623157e308, 2**53 + 1]),
)


def _exact(q: Quantity) -> Fraction:
    return Fraction(q.value) * q.unit.factor


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


@given(_values, _values, st.sampled_from(_TIME), st.sampled_from(_TIME))
def test_quantities_order_as_their_exact_amounts(a: float, b: float, u: Unit, v: Unit) -> None:
    p, q = Quantity(a, u), Quantity(b, v)
    want = _sign(_exact(p) - _exact(q))
    assert (p < q, p <= q, p > q, p >= q) == (want < 0, want <= 0, want > 0, want >= 0)


@given(st.sampled_from(_MASS), st.sampled_from(_MASS), st.integers(1, 10**6))
def test_the_same_amount_in_two_units_is_equal_in_order(u: Unit, v: Unit, n: int) -> None:
    amount = Fraction(n) * u.factor  # n of unit u, written in unit v when it is whole there
    in_v = amount / v.factor
    if in_v.denominator == 1:
        p, q = Quantity(n, u), Quantity(int(in_v), v)
        assert (p < q, p <= q, p > q, p >= q) == (False, True, False, True)


def test_the_shortcut_never_decides_what_floats_round_away() -> None:
    # 1 year is 12 months; a hair more than that, in floats, is still more
    year = Quantity(1, Unit.YEAR)
    assert Quantity(12, Unit.MONTH) <= year <= Quantity(12, Unit.MONTH)
    assert Quantity(12 + 2**-40, Unit.MONTH) > year
    assert Quantity(10**300, Unit.DAY) > Quantity(1, Unit.YEAR)
