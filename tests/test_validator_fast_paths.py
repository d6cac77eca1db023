"""The model's validators answer as their full checks do.

Each hot validator first accepts the common valid value with a quick test and leaves anything
else to its full check. The full checks are kept here as they were before the quick tests were
added; every validator must accept what they accept and refuse what they refuse, with the same
exception type, message and field, over generated values (valid and invalid alike).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from vitk2 import _model as m
from vitk2._errors import FieldError, FieldValueError
from vitk2._units import Dimension, Quantity, Unit

# --- the full checks, as they were ------------------------------------------------------------


def _nonempty_str(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise m._wrong_type(attribute, "a string", value)
    if not value.strip():
        raise m._wrong_value(attribute, "a non-empty string", value)


def _optional_str(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _nonempty_str(_, attribute, value)


def _strs(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise m._wrong_type(attribute, "a tuple of strings", value)
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"'{attribute.name}[{i}]' must be a non-empty string (got {item!r})")


def _is_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not m._ID_RE.fullmatch(value):
        raise m._wrong_value(attribute, "an id: lowercase letters, digits, '.', '_' or '-'", value)


def _finite(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise m._wrong_type(attribute, "a number", value)
    if not math.isfinite(value):
        raise m._wrong_value(attribute, "a finite number", value)


def _tuple_of(cls: type | tuple[type, ...]) -> Callable[[object, Any, object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise m._wrong_type(attribute, "a tuple", value)
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                names = (
                    cls.__name__ if isinstance(cls, type) else " or ".join(c.__name__ for c in cls)
                )
                msg = f"'{attribute.name}[{i}]' must be a {names} (got {item!r})"
                raise TypeError(msg)

    return check


def _count_range(r: m._CountRange) -> Callable[[object, Any, object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and r.optional:
            return
        if isinstance(value, m.NotReported) and r.allow_not_reported:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise m._wrong_type(attribute, "a whole number", value)
        if value < r.least:
            what = "a positive whole number" if r.positive else "a whole number >= 0"
            raise m._wrong_value(attribute, what, value)

    return check


def _quantity_range(r: m._QuantityRange) -> Callable[[object, Any, object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and r.optional:
            return
        if isinstance(value, m.NotReported) and r.allow_not_reported:
            return
        if not isinstance(value, Quantity):
            raise m._wrong_type(attribute, "a quantity", value)
        if r.dimensions and value.unit.dimension not in r.dimensions:
            allowed = " or ".join(d.value for d in r.dimensions)
            msg = f"'{attribute.name}' must be a {allowed} (got {value})"
            raise FieldValueError(attribute.name, msg)
        low = value.value <= 0 if r.positive else value.value < 0
        if low or (r.most is not None and value > r.most):
            raise FieldValueError(
                attribute.name, f"'{attribute.name}' must be {r.expected} (got {value})"
            )

    return check


def _optional(inner: Callable[[object, Any, object], object]) -> Callable[..., None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        inner(instance, attribute, value)

    return check


# --- comparing answers ------------------------------------------------------------------------


@attrs.define
class _Holder:
    x: object = None


FIELD = attrs.fields(_Holder).x


def answer(check: Callable[[object, Any, object], object], value: object) -> object:
    """What a validator says of ``value``: None, or the error's type, text, field and args."""
    try:
        check(None, FIELD, value)
    except Exception as exc:
        field = exc.field if isinstance(exc, FieldError) else None
        args = tuple(a.name if isinstance(a, attrs.Attribute) else a for a in exc.args[1:])
        return type(exc), str(exc), field, args
    return None


def same(fast: Callable[[object, Any, object], object], slow: Any, value: object) -> None:
    assert answer(fast, value) == answer(slow, value), value


class _Str(str):
    pass


class _Int(int):
    pass


class _Tuple(tuple):  # type: ignore[type-arg]
    pass


TEXT = st.one_of(
    st.text(max_size=8),
    st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u3000", max_size=4),
    st.from_regex(m._ID_RE, fullmatch=True),
    st.builds(_Str, st.text(max_size=4)),
)
NUMBERS = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-3, max_value=3),
    st.builds(_Int, st.integers(-2, 2)),
    st.floats(),
    st.sampled_from([10**400, -(10**400), 0.0, -0.0]),
)
SCALARS = st.one_of(
    st.none(),
    TEXT,
    NUMBERS,
    st.just(m.NOT_REPORTED),
    st.builds(m.NotReported, st.text(max_size=3)),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4).map(tuple),
    st.lists(TEXT, max_size=4).map(tuple),
    st.lists(TEXT, max_size=3).map(_Tuple),
    st.lists(SCALARS, max_size=3),
)


@given(VALUES)
def test_the_text_validators_answer_as_their_full_checks(value: object) -> None:
    same(m._nonempty_str, _nonempty_str, value)
    same(m._optional_str, _optional_str, value)
    same(m._strs, _strs, value)
    same(m._is_id, _is_id, value)


@given(VALUES)
def test_finite_answers_as_its_full_check(value: object) -> None:
    same(m._finite, _finite, value)


@given(VALUES, st.sampled_from([{}, {"positive": True}, {"optional": True}]), st.booleans())
def test_count_ranges_answer_as_their_full_checks(
    value: object, options: dict[str, bool], allow_not_reported: bool
) -> None:
    r = m._count(allow_not_reported=allow_not_reported, **options)
    same(r, _count_range(r), value)
    same(m._size, _count_range(m._SIZE), value)


@attrs.frozen
class _Item:
    n: int = 0


class _SubItem(_Item):
    pass


ITEMS = st.one_of(SCALARS, st.builds(_Item), st.builds(_SubItem))


@given(st.one_of(ITEMS, st.lists(ITEMS, max_size=4).map(tuple), st.lists(ITEMS, max_size=3)))
def test_tuples_of_records_answer_as_their_full_checks(value: object) -> None:
    for classes in (_Item, _SubItem, (_SubItem, str)):
        same(m._tuple_of(classes), _tuple_of(classes), value)
    if isinstance(value, tuple):
        value = _Tuple(value)
        same(m._tuple_of(_Item), _tuple_of(_Item), value)


@given(st.one_of(VALUES, st.builds(_Item)))
def test_optional_instance_checks_answer_as_their_full_checks(value: object) -> None:
    for cls in (int, str, _Item, m.NotReported):
        inner = attrs.validators.instance_of(cls)
        same(m._optional(inner), _optional(inner), value)
    same(m._optional(m._is_id), _optional(_is_id), value)


def _quantity_ranges() -> list[m._QuantityRange]:
    """Every quantity range a field of the model checks, and a few more."""
    found: list[m._QuantityRange] = [
        m._QuantityRange("a span", (), most=m._LIFETIME),
        m._QuantityRange("a mass", (Dimension.MASS,), most=Quantity(2.5, Unit.MG)),
    ]

    def walk(v: object) -> None:
        if isinstance(v, m._All):
            for part in v.validators:
                walk(part)
        elif isinstance(v, m._Optional):
            walk(v.validator)
        elif isinstance(v, m._QuantityRange) and v not in found:
            found.append(v)

    for name in m.__all__:
        cls = getattr(m, name)
        if isinstance(cls, type) and attrs.has(cls):
            for a in attrs.fields(cls):
                walk(a.validator)
    return found


QUANTITY_RANGES = _quantity_ranges()


def _near(r: m._QuantityRange) -> st.SearchStrategy[Quantity]:
    """Amounts at, just under and just over the bound of ``r`` in each unit of its dimension."""
    if r.most is None:
        return st.builds(
            Quantity, st.sampled_from([0, 0.0, 1e-300, 1]), st.sampled_from(list(Unit))
        )
    near: list[Quantity] = []
    for unit in Unit:
        if unit.dimension is not r.most.unit.dimension:
            continue
        exact = r.most.magnitude() / unit.factor
        x = float(exact)
        amounts = [x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)]
        amounts += [x * (1 + k) for k in (1e-15, 1e-12, 1e-9, 1e-7, 1e-5, -1e-9, -1e-5)]
        amounts += [int(exact), int(exact) + 1, float(Fraction(exact).limit_denominator(4))]
        near += [Quantity(a, unit) for a in amounts]
    return st.sampled_from(near)


AMOUNTS = st.one_of(
    st.sampled_from([0, 0.0, -0.0, 1, -1, 5e-324, -5e-324, 10**300]),
    st.integers(min_value=-(10**300), max_value=10**300),  # a quantity refuses larger ones
    st.floats(allow_nan=False, allow_infinity=False),
)
QUANTITIES = st.builds(Quantity, AMOUNTS, st.sampled_from(list(Unit)))


@given(
    st.sampled_from(QUANTITY_RANGES).flatmap(
        lambda r: st.tuples(st.just(r), st.one_of(_near(r), QUANTITIES, VALUES))
    )
)
def test_quantity_ranges_answer_as_their_full_checks(case: tuple[m._QuantityRange, object]) -> None:
    r, value = case
    same(r, _quantity_range(r), value)
    same(r, _quantity_range(r), value)  # again, with the bound in this unit known


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            msg = f"duplicate {what} {value!r}"
            raise ValueError(msg)
        seen.add(value)


def _known(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=6))
def test_unique_answers_as_its_full_check(values: list[str]) -> None:
    def fast(_i: object, _a: object, v: Any) -> None:
        m._unique(v, "arm")

    def slow(_i: object, _a: object, v: Any) -> None:
        _unique(v, "arm")

    same(fast, slow, values)


@given(SCALARS)
def test_known_answers_as_its_full_check(value: object) -> None:
    fast, slow = m._known(value), _known(value)
    assert fast == slow
    assert type(fast) is type(slow)
    assert fast is slow or isinstance(fast, int)


def test_all_calls_its_parts_own_methods_in_order() -> None:
    seen: list[str] = []

    @attrs.frozen
    class Part:
        name: str

        def __call__(
            self, instance: object, attribute: attrs.Attribute[Any], value: object
        ) -> None:
            seen.append(self.name)
            if value == self.name:
                raise ValueError(self.name)

    def function(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        seen.append("f")

    composed = m._all(Part("a"), function, m._all(Part("b")))
    composed(None, FIELD, 0)
    assert seen == ["a", "f", "b"]
    seen.clear()
    assert answer(composed, "b") == (ValueError, "b", None, ())
    assert seen == ["a", "f", "b"]
    assert composed == m._all(Part("a"), function, Part("b"))
    assert "_calls=" not in repr(composed)
