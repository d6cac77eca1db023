"""Units and quantities.

A [`Unit`][vitk2.Unit] is an enum member with a dimension and an exact factor to its dimension's base
unit, so that conversions are exact rational arithmetic rounded once to a float.
"""

from __future__ import annotations

import enum
import math
from fractions import Fraction

import attrs

from ._errors import FieldTypeError, FieldValueError, IncommensurableUnitsError, UnitError

__all__ = ["Dimension", "Quantity", "Unit", "parse_unit"]


class Dimension(enum.Enum):
    """What a unit measures.

    *Added in version 0.1.0*.
    """

    # Members are singletons equal only to themselves: hashing by identity agrees with
    # equality and spares every dict lookup Enum.__hash__'s Python-level call.
    __hash__ = object.__hash__

    MASS = "mass"
    MASS_RATE = "mass per time"
    CONCENTRATION = "mass concentration"
    AREAL_DENSITY = "mass per area"
    TIME = "time"
    FRACTION = "fraction"
    COUNT = "count"
    ACTIVITY = "biological activity"
    ACTIVITY_RATE = "biological activity per time"
    MOLAR_CONCENTRATION = "amount-of-substance concentration"
    ARBITRARY_CONCENTRATION = "arbitrary units per volume"
    PER_CREATININE = "amount of substance per mass of creatinine"
    RATIO = "dimensionless ratio"
    CALCIUM_SCORE = "coronary calcium score"
    VELOCITY = "velocity"
    AREA = "area"
    LENGTH = "length"


_DAY = Fraction(1)
_YEAR = Fraction(3652425, 10000)  # the mean Gregorian year, in days
_MONTH = _YEAR / 12


class Unit(enum.Enum):
    """A unit of measurement. The value is its canonical symbol.

    Months and years are mean Gregorian months and years (30.436875 and 365.2425 days), so
    ``Quantity(12, Unit.MONTH).to(Unit.YEAR)`` is exactly one year.

    *Added in version 0.1.0*.
    """

    # Members are singletons equal only to themselves: hashing by identity agrees with
    # equality and spares every dict lookup Enum.__hash__'s Python-level call.
    __hash__ = object.__hash__

    G = "g"
    MG = "mg"
    UG = "µg"
    NG = "ng"
    G_PER_DAY = "g/day"
    MG_PER_DAY = "mg/day"
    UG_PER_DAY = "µg/day"
    MG_PER_ML = "mg/mL"
    UG_PER_ML = "µg/mL"
    NG_PER_ML = "ng/mL"
    UG_PER_L = "µg/L"
    MG_PER_L = "mg/L"
    G_PER_CM2 = "g/cm²"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    PERCENT = "%"
    PARTICIPANTS = "participants"
    EVENTS = "events"
    IU = "IU"
    IU_PER_DAY = "IU/day"
    UMOL_PER_L = "µmol/L"
    NMOL_PER_L = "nmol/L"
    PMOL_PER_L = "pmol/L"
    G_PER_DL = "g/dL"
    AU_PER_L = "AU/L"
    NMOL_PER_MG_CREATININE = "nmol/mg creatinine"
    RATIO = "ratio"
    AGATSTON = "Agatston units"
    M_PER_S = "m/s"
    CM2 = "cm²"
    MM = "mm"

    @property
    def dimension(self) -> Dimension:
        """The dimension this unit measures."""
        return _DIMENSION[self]

    @property
    def factor(self) -> Fraction:
        """The exact factor to the base unit of `dimension`."""
        return _FACTOR[self]

    def __repr__(self) -> str:
        return f"Unit({self.value!r})"


_D = Dimension
_SPEC: dict[Unit, tuple[Dimension, Fraction]] = {
    Unit.G: (_D.MASS, Fraction(1000)),
    Unit.MG: (_D.MASS, Fraction(1)),
    Unit.UG: (_D.MASS, Fraction(1, 1000)),
    Unit.NG: (_D.MASS, Fraction(1, 1000000)),
    Unit.G_PER_DAY: (_D.MASS_RATE, Fraction(1000)),
    Unit.MG_PER_DAY: (_D.MASS_RATE, Fraction(1)),
    Unit.UG_PER_DAY: (_D.MASS_RATE, Fraction(1, 1000)),
    Unit.MG_PER_ML: (_D.CONCENTRATION, Fraction(1000000)),
    Unit.UG_PER_ML: (_D.CONCENTRATION, Fraction(1000)),
    Unit.NG_PER_ML: (_D.CONCENTRATION, Fraction(1)),
    Unit.MG_PER_L: (_D.CONCENTRATION, Fraction(1000)),
    Unit.UG_PER_L: (_D.CONCENTRATION, Fraction(1)),
    Unit.G_PER_CM2: (_D.AREAL_DENSITY, Fraction(1)),
    Unit.HOUR: (_D.TIME, _DAY / 24),
    Unit.DAY: (_D.TIME, _DAY),
    Unit.WEEK: (_D.TIME, 7 * _DAY),
    Unit.MONTH: (_D.TIME, _MONTH),
    Unit.YEAR: (_D.TIME, _YEAR),
    Unit.DECADE: (_D.TIME, 10 * _YEAR),
    Unit.PERCENT: (_D.FRACTION, Fraction(1, 100)),
    Unit.PARTICIPANTS: (_D.COUNT, Fraction(1)),
    Unit.EVENTS: (_D.COUNT, Fraction(1)),
    # International units measure biological activity: they convert to mass only per
    # substance, so they are a dimension of their own.
    Unit.IU: (_D.ACTIVITY, Fraction(1)),
    Unit.IU_PER_DAY: (_D.ACTIVITY_RATE, Fraction(1)),
    Unit.UMOL_PER_L: (_D.MOLAR_CONCENTRATION, Fraction(1000)),
    Unit.NMOL_PER_L: (_D.MOLAR_CONCENTRATION, Fraction(1)),
    Unit.PMOL_PER_L: (_D.MOLAR_CONCENTRATION, Fraction(1, 1000)),
    Unit.G_PER_DL: (_D.CONCENTRATION, Fraction(10_000_000)),
    Unit.AU_PER_L: (_D.ARBITRARY_CONCENTRATION, Fraction(1)),
    Unit.NMOL_PER_MG_CREATININE: (_D.PER_CREATININE, Fraction(1)),
    Unit.RATIO: (_D.RATIO, Fraction(1)),
    Unit.AGATSTON: (_D.CALCIUM_SCORE, Fraction(1)),
    Unit.M_PER_S: (_D.VELOCITY, Fraction(1)),
    Unit.CM2: (_D.AREA, Fraction(1)),
    Unit.MM: (_D.LENGTH, Fraction(1)),
}
_DIMENSION = {u: d for u, (d, _) in _SPEC.items()}
_FACTOR = {u: f for u, (_, f) in _SPEC.items()}
assert all(f > 0 for f in _FACTOR.values())  # _order relies on it
#: the factors as floats, for ordering amounts far enough apart without fractions
_FLOAT_FACTOR = {u: float(f) for u, f in _FACTOR.items()}

# Spellings accepted on input; each maps to one canonical unit. Keys are compared after
# casefolding and removing spaces, so "Mg / Day" and "mg/day" are the same spelling.
_ALIASES: dict[str, Unit] = {}
for _u in Unit:
    _ALIASES[_u.value.casefold().replace(" ", "")] = _u
for _alias, _u in {
    "ug": Unit.UG,
    "mcg": Unit.UG,
    "μg": Unit.UG,  # Greek mu, not the micro sign
    "microgram": Unit.UG,
    "micrograms": Unit.UG,
    "milligram": Unit.MG,
    "milligrams": Unit.MG,
    "gram": Unit.G,
    "grams": Unit.G,
    "nanogram": Unit.NG,
    "ug/day": Unit.UG_PER_DAY,
    "mcg/day": Unit.UG_PER_DAY,
    "μg/day": Unit.UG_PER_DAY,
    "microgram/day": Unit.UG_PER_DAY,
    "mg/d": Unit.MG_PER_DAY,
    "ug/ml": Unit.UG_PER_ML,
    "ng/ml": Unit.NG_PER_ML,
    "ug/l": Unit.UG_PER_L,
    "g/cm2": Unit.G_PER_CM2,
    "hours": Unit.HOUR,
    "h": Unit.HOUR,
    "days": Unit.DAY,
    "d": Unit.DAY,
    "weeks": Unit.WEEK,
    "wk": Unit.WEEK,
    "months": Unit.MONTH,
    "mo": Unit.MONTH,
    "years": Unit.YEAR,
    "yr": Unit.YEAR,
    "decades": Unit.DECADE,
    "percent": Unit.PERCENT,
    "participant": Unit.PARTICIPANTS,
    "patients": Unit.PARTICIPANTS,
    "event": Unit.EVENTS,
    "iu/d": Unit.IU_PER_DAY,
    "µm": Unit.UMOL_PER_L,
    "μm": Unit.UMOL_PER_L,  # Greek mu
    "um": Unit.UMOL_PER_L,
    "umol/l": Unit.UMOL_PER_L,
    "μmol/l": Unit.UMOL_PER_L,
    "mau/ml": Unit.AU_PER_L,  # milli-arbitrary units per millilitre: the same amount
    "nmol/mgcr": Unit.NMOL_PER_MG_CREATININE,
    "agatston": Unit.AGATSTON,
    "cm2": Unit.CM2,
}.items():
    _ALIASES[_alias] = _u


def parse_unit(text: str | Unit) -> Unit:
    """Return the [`Unit`][vitk2.Unit] a symbol or common spelling names.

    Args:
        text: A unit, or a spelling such as ``"mg"``, ``"ug"``, ``"microgram/day"``, ``"ng/ml"``.

    Returns:
        The canonical unit.

    Raises:
        ValueError: If the spelling names no known unit; the message lists the known symbols.

    *Added in version 0.1.0*.
    """
    if isinstance(text, Unit):
        return text
    if isinstance(text, str):
        unit = _ALIASES.get(text.casefold().replace(" ", ""))
        if unit is not None:
            return unit
    known = ", ".join(u.value for u in Unit)
    msg = f"expected a unit, one of {known} (got {text!r})"
    raise ValueError(msg)


def _finite_number(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"'{attribute.name}' must be a number (got {value!r})"
        raise FieldTypeError(attribute.name, msg)
    if not math.isfinite(value):
        msg = f"'{attribute.name}' must be a finite number (got {value!r})"
        raise FieldValueError(attribute.name, msg)


@attrs.frozen(order=False)
class Quantity:
    """A number with a unit: ``Quantity(45, Unit.MG_PER_DAY)``.

    Equality is structural (``0.75 µg`` and ``0.00075 mg`` are different records); compare
    amounts with `to` or `equivalent`. Ordering operators convert between
    commensurable units.

    Attributes:
        value: A finite number.
        unit: Its unit; a string is parsed with `parse_unit`.

    *Added in version 0.1.0*.
    """

    value: float = attrs.field(validator=_finite_number)
    unit: Unit = attrs.field(converter=parse_unit)

    def to(self, unit: Unit | str) -> Quantity:
        """Convert to another unit of the same dimension.

        ``Quantity(0.75, "µg").to("mg") == Quantity(0.00075, "mg")``.

        Raises:
            IncommensurableUnitsError: If the units measure different dimensions.
        """
        target = parse_unit(unit)
        if target is self.unit:
            return self
        if target.dimension is not self.unit.dimension:
            msg = (
                f"cannot convert {self} to {target.value}: {self.unit.value} measures "
                f"{self.unit.dimension.value}, {target.value} measures {target.dimension.value}"
            )
            raise IncommensurableUnitsError(msg)
        exact = Fraction(self.value) * self.unit.factor / target.factor
        try:
            return Quantity(float(exact), target)
        except OverflowError:
            raise UnitError(f"{self} in {target.value} is too large for a float") from None

    def magnitude(self) -> Fraction:
        """The exact amount in the base unit of the dimension, for comparisons."""
        return Fraction(self.value) * self.unit.factor

    def equivalent(self, other: Quantity, rel_tol: float = 1e-9) -> bool:
        """Whether two quantities are the same amount, whatever their units.

        Raises:
            IncommensurableUnitsError: If the units measure different dimensions.
        """
        a, b = self._pair(other)
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=0.0)

    def _pair(self, other: Quantity) -> tuple[Fraction, Fraction]:
        if other.unit.dimension is not self.unit.dimension:
            msg = f"cannot compare {self} with {other}: different dimensions"
            raise IncommensurableUnitsError(msg)
        return self.magnitude(), other.magnitude()

    def _order(self, other: Quantity) -> int:
        """-1, 0 or 1 as this amount is less than, equal to or more than ``other``'s, exactly.

        Every factor is positive, so amounts in one unit order as their values do (Python
        compares ints and floats exactly). Amounts in two units are ordered in floats when
        they differ by far more than the floats' rounding (a few parts in 10**16), and as
        exact fractions otherwise.
        """
        unit, other_unit = self.unit, other.unit
        if other_unit.dimension is not unit.dimension:
            msg = f"cannot compare {self} with {other}: different dimensions"
            raise IncommensurableUnitsError(msg)
        a, b = self.value, other.value
        if unit is other_unit:
            return (a > b) - (a < b)
        try:
            x, y = a * _FLOAT_FACTOR[unit], b * _FLOAT_FACTOR[other_unit]
        except OverflowError:  # an int too large for a float
            x = y = 0.0
        near = 1e-12 * max(abs(x), abs(y))
        if 1e-290 < abs(x) < 1e290 and 1e-290 < abs(y) < 1e290 and abs(x - y) > near:
            return 1 if x > y else -1
        exact, other_exact = self.magnitude(), other.magnitude()
        return (exact > other_exact) - (exact < other_exact)

    def __lt__(self, other: Quantity) -> bool:
        return self._order(other) < 0

    def __le__(self, other: Quantity) -> bool:
        return self._order(other) <= 0

    def __gt__(self, other: Quantity) -> bool:
        return self._order(other) > 0

    def __ge__(self, other: Quantity) -> bool:
        return self._order(other) >= 0

    def __str__(self) -> str:
        v = self.value
        num = str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:g}"
        sep = "" if self.unit is Unit.PERCENT else " "
        return f"{num}{sep}{self.unit._value_}"  # the value without the enum's descriptor

    def __repr__(self) -> str:
        return f"<Quantity {self}>"
