"""The evidence model: immutable, validated records.

The model knows nothing of YAML or JSON; `_convert` turns documents into these
classes and back. Records of one kind refer to records of another kind by the record itself
(a [`Dose`][vitk2.Dose] holds its [`Compound`][vitk2.Compound]), resolved from ids when data is loaded; records
refer to records of their own kind (an indication's parent, a news report's primary paper) by
id, which [`EvidenceBase`][vitk2.EvidenceBase] resolves.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import itertools
import math
import re
import types
from collections.abc import Callable
from typing import Any, ClassVar, Final, TypeAlias

import attrs
from attrs import validators as v

from ._errors import FieldTypeError, FieldValueError, ModelValueError
from ._stats import Interval, StatisticsError, clopper_pearson_interval, wilson_interval
from ._units import _DIMENSION, Dimension, Quantity, Unit

__all__ = [
    "NOT_REPORTED",
    "AdverseEvent",
    "Age",
    "Arm",
    "ArmCount",
    "ArmCounts",
    "BeforeAfter",
    "Better",
    "Blinding",
    "Breakdown",
    "Category",
    "Certainty",
    "Citation",
    "Code",
    "CodeSystem",
    "Comparator",
    "ComparatorKind",
    "Compound",
    "Count",
    "CountKind",
    "Cumulative",
    "CumulativeArm",
    "Dataset",
    "Design",
    "Direction",
    "DocumentKind",
    "Dose",
    "Effect",
    "EffectMeasure",
    "Endpoint",
    "EvidenceLevel",
    "Exposure",
    "Finding",
    "Frequency",
    "Funding",
    "GroupRole",
    "GroupSummaries",
    "Indication",
    "IndicationCategory",
    "Integrity",
    "IntegrityStatus",
    "Locator",
    "Narrative",
    "NotReported",
    "Outcome",
    "OutcomeKind",
    "PValue",
    "Phase",
    "Population",
    "Proportion",
    "Provenance",
    "Quote",
    "Regimen",
    "Route",
    "Setting",
    "SexCounts",
    "Spread",
    "Statistic",
    "Study",
    "Summary",
    "SummaryMeasure",
    "TestResult",
    "TimeToEvent",
    "Verification",
]


# --------------------------------------------------------------------------------------------
# 'Not reported'


@attrs.frozen
class NotReported:
    """A value the source does not report: distinct from zero, from ``None`` and from unknown.

    ``None`` in vitk2 means "not applicable" or "not curated"; ``NotReported`` means the source
    was read and does not say. The optional note says what the source does say instead.

    >>> NotReported() == 0, NotReported() is None
    (False, False)

    Attributes:
        note: Why, or what the source says instead.

    *Added in version 0.1.0*.
    """

    note: str | None = None

    def __repr__(self) -> str:
        return "NOT_REPORTED" if self.note is None else f"NotReported({_short(self.note, 120)!r})"

    def __str__(self) -> str:
        return "not reported"

    def __reduce__(self) -> str | tuple[type[NotReported], tuple[str | None]]:
        # The plain value pickles (and copies) as the module's one NOT_REPORTED, so that
        # ``value is NOT_REPORTED`` still holds after a round trip through pickle.
        if self is NOT_REPORTED:
            return "NOT_REPORTED"
        return (NotReported, (self.note,))


NOT_REPORTED: Final = NotReported()
"""The plain 'not reported' value."""

# --------------------------------------------------------------------------------------------
# Small validators


def _short(text: object, limit: int) -> str:
    """One line of at most ``limit`` characters, for reprs."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _msg(attribute: attrs.Attribute[Any], expected: str, value: object) -> str:
    return f"'{attribute.name}' must be {expected} (got {value!r})"


def _wrong_type(attribute: attrs.Attribute[Any], expected: str, value: object) -> FieldTypeError:
    """The error for a value of the wrong type, naming ``attribute`` in its ``field``."""
    return FieldTypeError(attribute.name, _msg(attribute, expected, value))


def _wrong_value(attribute: attrs.Attribute[Any], expected: str, value: object) -> FieldValueError:
    """The error for a value ``attribute`` refuses, naming it in its ``field``."""
    return FieldValueError(attribute.name, _msg(attribute, expected, value))


_ID_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,198}[a-z0-9])?")
_ID_MATCH: Final = _ID_RE.fullmatch

# The validators below run for every field of every record built, so each first accepts the
# common valid value with as few operations as it can (an exact type, a value plainly in
# range) and leaves everything else to the full check after it, which alone raises: a value
# the quick test does not accept is judged exactly as before. tests/test_validator_fast_paths.py
# checks that the answers agree.


def _is_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _ID_MATCH(value):
        raise _wrong_value(attribute, "an id: lowercase letters, digits, '.', '_' or '-'", value)


def _nonempty_str(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value.__class__ is str and value and not value.isspace():  # text strip() would not empty
        return
    if not isinstance(value, str):
        raise _wrong_type(attribute, "a string", value)
    if not value.strip():
        raise _wrong_value(attribute, "a non-empty string", value)


def _optional_str(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None or (value.__class__ is str and value and not value.isspace()):
        return
    _nonempty_str(_, attribute, value)


def _strs(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value.__class__ is tuple:
        for item in value:
            if item.__class__ is not str or not item or item.isspace():
                break
        else:
            return
    if not isinstance(value, tuple):
        raise _wrong_type(attribute, "a tuple of strings", value)
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"'{attribute.name}[{i}]' must be a non-empty string (got {item!r})")


# Validators with parameters are small classes whose parameters are public attributes, as
# attrs' own are (``attrs.validators.instance_of`` returns an ``_InstanceOfValidator``): the
# factory names read well in a field definition, and vitk2._schema reads the bounds from the
# attributes.


_Validator: TypeAlias = Callable[[Any, "attrs.Attribute[Any]", Any], object]
"""What attrs calls a validator: ``validator(instance, attribute, value)``, raising to refuse."""


@attrs.frozen
class _All:
    """Every one of ``validators``, in order, as ``attrs.validators.and_`` composes them.

    vitk2 composes a field's validators with this instead of a list or a ``@field.validator``
    method on top of ``validator=``, so that vitk2._schema reads the parts from a public
    attribute.

    Attributes:
        validators: The validators run, first to last; the first to raise stops the rest.
    """

    validators: tuple[_Validator, ...]
    _calls: tuple[_Validator, ...] = attrs.field(init=False, eq=False, repr=False)

    @_calls.default
    def _direct_calls(self) -> tuple[_Validator, ...]:
        return tuple(_direct_call(validator) for validator in self.validators)

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        for validator in self._calls:
            validator(instance, attribute, value)


def _direct_call(validator: _Validator) -> _Validator:
    """``validator``, or its ``__call__`` method when it is an instance of a class defining one.

    The method does the same and is quicker to call than the instance it is bound to.
    """
    call = type(validator).__dict__.get("__call__")  # a class's own, as the model's validators
    if isinstance(call, types.FunctionType):
        return types.MethodType(call, validator)
    return validator


def _all(*validators: _Validator) -> _All:
    """``validators`` composed into one, each `_All` among them flattened (as ``and_`` does)."""
    parts: list[_Validator] = []
    for validator in validators:
        parts.extend(validator.validators if isinstance(validator, _All) else (validator,))
    return _All(tuple(parts))


@attrs.frozen(repr=False)
class _Optional:
    """None, or a value ``validator`` accepts, as ``attrs.validators.optional`` checks it.

    Attributes:
        validator: The validator of every value that is not None.
    """

    validator: _Validator

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        validator = self.validator
        if validator.__class__ is _INSTANCE_OF and isinstance(value, validator.type):  # type: ignore[attr-defined]
            return  # what attrs' instance_of accepts, without calling it
        validator(instance, attribute, value)

    def __repr__(self) -> str:
        return f"<optional validator for {self.validator!r} or None>"


_INSTANCE_OF: Final = type(v.instance_of(object))
"""The class of attrs' ``instance_of`` validators, whose ``type`` `_Optional` checks itself."""


def _optional(validator: _Validator) -> _Optional:
    return _Optional(validator)


@attrs.frozen
class _TupleOf:
    """A tuple whose items are all instances of ``classes``.

    Attributes:
        classes: The class, or the tuple of classes, every item must be an instance of.
    """

    classes: type | tuple[type, ...]

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        cls = self.classes
        if value.__class__ is tuple:
            for item in value:
                if not isinstance(item, cls):
                    break
            else:
                return
        if not isinstance(value, tuple):
            raise _wrong_type(attribute, "a tuple", value)
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                names = (
                    cls.__name__ if isinstance(cls, type) else " or ".join(c.__name__ for c in cls)
                )
                msg = f"'{attribute.name}[{i}]' must be a {names} (got {item!r})"
                raise TypeError(msg)


def _tuple_of(cls: type | tuple[type, ...]) -> _TupleOf:
    return _TupleOf(cls)


@attrs.frozen(kw_only=True)
class _CountRange:
    """A whole number of at least `least` (0, or 1 when ``positive``).

    Attributes:
        allow_not_reported: Whether [`NOT_REPORTED`][vitk2.NOT_REPORTED] is accepted.
        optional: Whether None is accepted.
        positive: Whether zero is refused too.
    """

    allow_not_reported: bool = False
    optional: bool = False
    positive: bool = False

    @property
    def least(self) -> int:
        """The smallest count allowed: 1 when ``positive``, else 0."""
        return 1 if self.positive else 0

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is int and value > 0:  # a positive count passes every range
            return
        if value is None and self.optional:
            return
        if isinstance(value, NotReported) and self.allow_not_reported:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(attribute, "a whole number", value)
        if value < self.least:
            what = "a positive whole number" if self.positive else "a whole number >= 0"
            raise _wrong_value(attribute, what, value)


def _count(
    *, allow_not_reported: bool = False, optional: bool = False, positive: bool = False
) -> _CountRange:
    return _CountRange(allow_not_reported=allow_not_reported, optional=optional, positive=positive)


def _known(value: object) -> int | None:
    """An int count, or None when the count is absent or not reported."""
    if value.__class__ is int:
        return value
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_INF: Final = math.inf


def _finite(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None or (value.__class__ is float and -_INF < value < _INF):
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type(attribute, "a number", value)
    if not math.isfinite(value):
        raise _wrong_value(attribute, "a finite number", value)


# Validators of plausible values. Each is a small class whose bounds are public attributes:
# vitk2._schema reads them to write the JSON Schema, and nothing parses their messages back.

_LIFETIME: Final = Quantity(130, Unit.YEAR)
"""The longest span of a person's life: no one documented has lived past 122 years."""

_PLURAL_UNITS: Final = frozenset(
    {Unit.HOUR, Unit.DAY, Unit.WEEK, Unit.MONTH, Unit.YEAR, Unit.DECADE}
)


def _spoken(q: Quantity) -> str:
    """A bound as a sentence says it: ``130 years`` (a value prints as ``900 year``)."""
    plural = q.unit in _PLURAL_UNITS and q.value != 1
    return f"{q}s" if plural else str(q)


def _float_below(most: Quantity, unit: Unit) -> float:
    """The largest float not above ``most`` in ``unit`` (-inf for a unit of another dimension)."""
    if _DIMENSION[unit] is not _DIMENSION[most.unit]:
        return -math.inf
    exact = most.magnitude() / unit.factor
    below = float(exact)
    return math.nextafter(below, -math.inf) if below > exact else below


@attrs.frozen
class _QuantityRange:
    """A quantity of one of ``dimensions``, never negative, and at most ``most``.

    Zero is zero in every unit, so the lower bound holds whatever unit a file writes; ``most``
    is compared after converting units (``1561 month`` is more than 130 years).

    Attributes:
        what: What the quantity is, for messages (``"an age"``).
        dimensions: The dimensions its unit may measure (any when empty).
        positive: Whether zero is refused too (a rate per 0 years means nothing).
        most: The largest amount possible, or None.
        optional: Whether None is accepted.
        allow_not_reported: Whether [`NOT_REPORTED`][vitk2.NOT_REPORTED] is accepted.
    """

    what: str
    dimensions: tuple[Dimension, ...]
    positive: bool = False
    most: Quantity | None = None
    optional: bool = True
    allow_not_reported: bool = False
    # Per unit, the largest float that is at most ``most``: an amount up to it is within the
    # bound without converting units (filled as units are met).
    _below: dict[Unit, float] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    @property
    def expected(self) -> str:
        """What a message says is possible: ``an age between 0 and 130 years``."""
        if self.most is not None:
            return f"{self.what} between 0 and {_spoken(self.most)}"
        return f"{self.what} above 0" if self.positive else f"{self.what} of 0 or more"

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is Quantity:
            unit, x = value.unit, value.value
            dimensions = self.dimensions
            if (not dimensions or _DIMENSION[unit] in dimensions) and (
                x > 0 if self.positive else x >= 0
            ):
                most = self.most
                if most is None:
                    return
                below = self._below.get(unit)
                if below is None:
                    below = self._below[unit] = _float_below(most, unit)
                if x <= below:
                    return
        if value is None and self.optional:
            return
        if isinstance(value, NotReported) and self.allow_not_reported:
            return
        if not isinstance(value, Quantity):
            raise _wrong_type(attribute, "a quantity", value)
        if self.dimensions and value.unit.dimension not in self.dimensions:
            allowed = " or ".join(d.value for d in self.dimensions)
            msg = f"'{attribute.name}' must be a {allowed} (got {value})"
            raise FieldValueError(attribute.name, msg)
        low = value.value <= 0 if self.positive else value.value < 0
        if low or (self.most is not None and value > self.most):
            raise FieldValueError(
                attribute.name, f"'{attribute.name}' must be {self.expected} (got {value})"
            )


_TIME: Final = (Dimension.TIME,)
_DURATION: Final = _QuantityRange("a duration", _TIME, most=_LIFETIME, allow_not_reported=True)
_TOTAL_DURATION: Final = _QuantityRange("a duration", _TIME, most=_LIFETIME)
_TIMEPOINT: Final = _QuantityRange("a timepoint", _TIME, most=_LIFETIME)


@attrs.frozen
class _NumberRange:
    """A plain number between ``least`` and ``most`` (inclusive); None passes.

    Attributes:
        what: What the number is, for messages (``"a percentage"``).
        least: The smallest value possible.
        most: The largest value possible.
    """

    what: str
    least: float
    most: float

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _wrong_type(attribute, "a number", value)
        if not self.least <= value <= self.most:
            expected = f"{self.what} between {self.least:g} and {self.most:g}"
            raise _wrong_value(attribute, expected, value)


_MARGIN: Final = _dt.timedelta(days=31)


@attrs.frozen
class _DateRange:
    """A date in the years the format allows that is not in the future; None passes.

    Two bounds with different reasons. ``earliest`` and ``latest`` are the format's: fixed, so
    the JSON Schema can state them. The future is a judgement made against the clock when a
    record is built: no date may be later than today plus ``ahead``. The margin allows for
    time zones, a notice dated for its issue a few weeks ahead, and a dataset version dated for
    its release; it is not the dataset's own date, which a file need not have and which a
    record does not know.

    Attributes:
        what: What is dated, for messages (``"a notice"``).
        earliest: The earliest date the format allows.
        latest: The latest date the format allows.
        ahead: How far past today a date may be.
    """

    what: str
    earliest: _dt.date = _dt.date(1800, 1, 1)
    latest: _dt.date = _dt.date(2100, 12, 31)
    ahead: _dt.timedelta = _MARGIN

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if not isinstance(value, _dt.date):
            raise _wrong_type(attribute, "a date (YYYY-MM-DD)", value)
        if not self.earliest <= value <= self.latest:
            expected = f"a date between {self.earliest} and {self.latest}"
            raise _wrong_value(attribute, expected, value.isoformat())
        horizon = _dt.date.today() + self.ahead
        if value > horizon:
            msg = (
                f"'{attribute.name}' must not be after {horizon} (today + {self.ahead.days} "
                f"days): {self.what} cannot be dated in the future (got {value.isoformat()!r})"
            )
            raise FieldValueError(attribute.name, msg)


@attrs.frozen
class _YearRange:
    """A year in the range the format allows that is not in the future; NOT_REPORTED passes.

    As for `_DateRange`: ``earliest`` and ``latest`` are the format's fixed bounds; the
    future is judged against the clock, and a year may be at most ``ahead`` years after this
    one (a December issue printed with next year's date).

    Attributes:
        what: What the year is of, for messages (``"a publication"``).
        earliest: The earliest year the format allows.
        latest: The latest year the format allows.
        ahead: How many years past this one a year may be.
    """

    what: str
    earliest: int = 1800
    latest: int = 2100
    ahead: int = 1

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, NotReported):
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(attribute, "a year", value)
        if not self.earliest <= value <= self.latest:
            expected = f"a year between {self.earliest} and {self.latest}"
            raise _wrong_value(attribute, expected, value)
        horizon = _dt.date.today().year + self.ahead
        if value > horizon:
            msg = (
                f"'{attribute.name}' must not be after {horizon} (this year + {self.ahead}): "
                f"{self.what} cannot be from the future (got {value})"
            )
            raise FieldValueError(attribute.name, msg)


def _unique(values: list[str], what: str) -> None:
    if len(set(values)) == len(values):
        return
    seen: set[str] = set()
    for value in values:
        if value in seen:
            msg = f"duplicate {what} {value!r}"
            raise ValueError(msg)
        seen.add(value)


# --------------------------------------------------------------------------------------------
# Vocabularies


class _Vocabulary(enum.Enum):
    """An enum whose values are the spellings used in evidence files."""

    _text: str

    # Members are singletons and equal only to themselves, so hashing by identity agrees
    # with equality; it spares every dict and set lookup Enum.__hash__'s Python-level call.
    __hash__ = object.__hash__

    def __init__(self, *args: object) -> None:
        self._text = str(self._value_).replace("_", " ")  # the text is made once per member

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"

    def __str__(self) -> str:
        return self._text

    def __format__(self, spec: str) -> str:
        return format(self._text, spec)


class Design(_Vocabulary):
    """The design of a study, from mechanism to synthesis.

    `rank` orders designs by the strength of evidence they can give for a treatment
    effect (higher is stronger).

    *Added in version 0.1.0*.
    """

    IN_VITRO = "in_vitro"
    ANIMAL = "animal"
    NARRATIVE_REVIEW = "narrative_review"
    CASE_REPORT = "case_report"
    CASE_SERIES = "case_series"
    CROSS_SECTIONAL = "cross_sectional"
    CASE_CONTROL = "case_control"
    COHORT = "cohort"
    SINGLE_ARM_TRIAL = "single_arm_trial"
    CONTROLLED_TRIAL_ALLOCATION_NOT_STATED = "controlled_trial_allocation_not_stated"
    NON_RANDOMISED_CONTROLLED_TRIAL = "non_randomised_controlled_trial"
    RANDOMISED_CONTROLLED_TRIAL = "randomised_controlled_trial"
    SYSTEMATIC_REVIEW = "systematic_review"

    @property
    def rank(self) -> int:
        """Position in the evidence ordering (0 is weakest)."""
        return _DESIGN_RANK[self]

    @property
    def is_preclinical(self) -> bool:
        """Whether the design studies cells or animals, not people."""
        return self in (Design.IN_VITRO, Design.ANIMAL)

    @property
    def is_randomised(self) -> bool:
        """Whether groups were formed by randomisation (or pooled from such trials)."""
        return self in (Design.RANDOMISED_CONTROLLED_TRIAL, Design.SYSTEMATIC_REVIEW)

    @property
    def is_controlled(self) -> bool:
        """Whether the design has a concurrent comparison group."""
        return self in (
            Design.CROSS_SECTIONAL,
            Design.CASE_CONTROL,
            Design.COHORT,
            Design.CONTROLLED_TRIAL_ALLOCATION_NOT_STATED,
            Design.NON_RANDOMISED_CONTROLLED_TRIAL,
            Design.RANDOMISED_CONTROLLED_TRIAL,
            Design.SYSTEMATIC_REVIEW,
        )


_DESIGN_ORDER: Final = tuple(Design)
_DESIGN_RANK: Final = {d: i for i, d in enumerate(_DESIGN_ORDER)}


class Route(_Vocabulary):
    """Route of administration.

    *Added in version 0.1.0*.
    """

    ORAL = "oral"
    INTRAVENOUS = "intravenous"
    INTRAMUSCULAR = "intramuscular"
    SUBCUTANEOUS = "subcutaneous"
    TOPICAL = "topical"
    IN_VITRO = "in_vitro"


class Direction(_Vocabulary):
    """The direction of a finding for the exposure studied.

    ``INCONSISTENT`` is for summaries across studies that disagree (the overview), never for
    one finding; ``MIXED`` is one finding that goes both ways (some lesions shrank, one grew).

    *Added in version 0.1.0*.
    """

    BENEFIT = "benefit"
    HARM = "harm"
    NO_CLEAR_EFFECT = "no_clear_effect"
    MIXED = "mixed"
    ASSOCIATION = "association"
    NOT_APPLICABLE = "not_applicable"
    INCONSISTENT = "inconsistent"


class Certainty(_Vocabulary):
    """GRADE certainty of evidence.

    Members compare by strength: ``Certainty.HIGH > Certainty.LOW``.

    *Added in version 0.1.0*.
    """

    VERY_LOW = "very_low"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for very low up to 3 for high."""
        return _CERTAINTY_RANK[self]

    def __lt__(self, other: Certainty) -> bool:
        return self.rank < other.rank

    def __le__(self, other: Certainty) -> bool:
        return self.rank <= other.rank

    def __gt__(self, other: Certainty) -> bool:
        return self.rank > other.rank

    def __ge__(self, other: Certainty) -> bool:
        return self.rank >= other.rank

    def lowered(self, steps: int = 1) -> Certainty:
        """The certainty ``steps`` levels lower, never below very low."""
        return _CERTAINTIES[max(0, self.rank - steps)]


_CERTAINTIES: Final = tuple(Certainty)
_CERTAINTY_RANK: Final = {c: i for i, c in enumerate(_CERTAINTIES)}


class OutcomeKind(_Vocabulary):
    """Whether an outcome matters to patients or stands in for something that does.

    *Added in version 0.1.0*.
    """

    CLINICAL = "clinical"
    SURROGATE = "surrogate"
    BIOMARKER = "biomarker"
    MECHANISTIC = "mechanistic"
    SAFETY = "safety"
    RECOMMENDATION = "recommendation"
    BASELINE = "baseline"
    PATIENT_REPORTED = "patient_reported"
    PROCESS = "process"
    INTEGRITY_METRIC = "integrity_metric"


class DocumentKind(_Vocabulary):
    """The kind of document a citation is.

    *Added in version 0.1.0*.
    """

    PRIMARY_ARTICLE = "primary_article"
    CONFERENCE_ABSTRACT = "conference_abstract"
    REVIEW = "review"
    NEWS_REPORT = "news_report"
    NOTICE = "notice"


class IntegrityStatus(_Vocabulary):
    """What is known about a publication's integrity.

    ``NONE_KNOWN`` means no notice was found; it is not a certificate.
    ``THIRD_PARTY_CONCERN`` is a published analysis by others that questions the work, with no
    notice from the journal.

    *Added in version 0.1.0*.
    """

    NONE_KNOWN = "none_known"
    CORRECTED = "corrected"
    THIRD_PARTY_CONCERN = "third_party_concern"
    CAUTION = "caution"
    EXPRESSION_OF_CONCERN = "expression_of_concern"
    RETRACTED = "retracted"


class Verification(_Vocabulary):
    """How a curated value was checked.

    ``VERIFIED`` values were read in the item itself or an authoritative record;
    ``SECONDARY`` values were seen only in secondary material; ``UNVERIFIED`` values could not
    be checked (a fact sheet marks them so) and are shown as such and left out of pooled
    estimates unless asked for.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``UNVERIFIED``.
    """

    VERIFIED = "verified"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"


class IndicationCategory(_Vocabulary):
    """A coarse grouping of indications.

    *Added in version 0.1.0*.
    """

    ONCOLOGY = "oncology"
    HAEMATOLOGY = "haematology"
    BONE = "bone"
    NEUROLOGY = "neurology"
    CARDIOVASCULAR = "cardiovascular"
    RENAL = "renal"
    METABOLIC = "metabolic"
    MUSCULOSKELETAL = "musculoskeletal"
    SAFETY = "safety"
    OTHER = "other"


class GroupRole(_Vocabulary):
    """What a group of participants is for in a study.

    *Added in version 0.1.0*.
    """

    INTERVENTION = "intervention"
    CONTROL = "control"
    EXPOSURE = "exposure"
    REFERENCE = "reference"


class Exposure(_Vocabulary):
    """What a study's participants were exposed to, and how it was measured.

    A supplement or drug given in a trial, an intake estimated by a food questionnaire, and a
    level measured in blood answer different questions: they are kept apart in filters and
    summaries and never pooled together.

    *Added in version 0.2.0*.
    """

    SUPPLEMENT = "supplement"
    DIETARY_INTAKE = "dietary_intake"
    CIRCULATING_LEVEL = "circulating_level"


class Blinding(_Vocabulary):
    """Who was kept unaware of the allocation in a trial, as its report states.

    *Added in version 0.2.0*.
    """

    OPEN_LABEL = "open_label"
    SINGLE_BLIND = "single_blind"
    DOUBLE_BLIND = "double_blind"
    ASSESSOR_BLIND = "assessor_blind"


class Better(_Vocabulary):
    """Which way an endpoint's values are better for patients.

    *Added in version 0.2.0*.
    """

    LOWER = "lower"
    HIGHER = "higher"
    NEITHER = "neither"


class ComparatorKind(_Vocabulary):
    """What a comparison is made against, when no arm of the study names it.

    *Added in version 0.2.0*.
    """

    PLACEBO = "placebo"
    NO_TREATMENT = "no_treatment"
    USUAL_CARE = "usual_care"
    ACTIVE = "active"
    MIXED = "mixed"
    BASELINE = "baseline"
    HEALTHY_CONTROLS = "healthy_controls"


class CountKind(_Vocabulary):
    """What is counted: participants, or events (several can happen to one participant).

    *Added in version 0.1.0*.
    """

    PARTICIPANTS = "participants"
    EVENTS = "events"


class SummaryMeasure(_Vocabulary):
    """A summary of a continuous value in a group.

    *Added in version 0.1.0*.
    """

    MEDIAN = "median"
    MEAN = "mean"
    VALUE = "value"
    PERCENT_CHANGE = "percent_change"


class Spread(_Vocabulary):
    """The kind of spread reported beside a summary; ``UNLABELLED`` for a bare ``±``.

    *Added in version 0.1.0*.
    """

    SD = "sd"
    SE = "se"
    IQR = "iqr"
    RANGE = "range"
    UNLABELLED = "unlabelled"


class EffectMeasure(_Vocabulary):
    """The measure of a reported effect estimate.

    *Added in version 0.1.0*.
    """

    RISK_RATIO = "risk_ratio"
    ODDS_RATIO = "odds_ratio"
    HAZARD_RATIO = "hazard_ratio"
    RISK_DIFFERENCE = "risk_difference"
    MEAN_DIFFERENCE = "mean_difference"
    PERCENT_CHANGE = "percent_change"
    RATIO_OF_MEDIANS = "ratio_of_medians"
    RATIO_OF_MEANS = "ratio_of_means"

    @property
    def is_ratio(self) -> bool:
        """Whether no effect is 1 (ratios) rather than 0 (differences)."""
        return self in _RATIO_MEASURES

    @property
    def null(self) -> float:
        """The value that means no effect."""
        return 1.0 if self.is_ratio else 0.0


_RATIO_MEASURES: Final = frozenset(
    {
        EffectMeasure.RISK_RATIO,
        EffectMeasure.ODDS_RATIO,
        EffectMeasure.HAZARD_RATIO,
        EffectMeasure.RATIO_OF_MEDIANS,
        EffectMeasure.RATIO_OF_MEANS,
    }
)
"""The measures whose no-effect value is 1 (a set: reading members off the class is slow)."""


class CodeSystem(_Vocabulary):
    """A coding system for compounds, indications or publications.

    `uri` is the system's canonical URI (as FHIR uses it) and `pattern` the shape a
    code must have.

    *Added in version 0.1.0*.
    """

    PUBCHEM_CID = "pubchem_cid"
    CHEBI = "chebi"
    CAS = "cas"
    INCHIKEY = "inchikey"
    ATC = "atc"
    UNII = "unii"
    DRUGBANK = "drugbank"
    KEGG = "kegg"
    MESH = "mesh"
    ICD10 = "icd10"
    ICD10CM = "icd10cm"
    ICD11 = "icd11"
    ICDO3 = "icdo3"
    MONDO = "mondo"
    DOID = "doid"
    LOINC = "loinc"

    @property
    def uri(self) -> str:
        """The canonical URI of the code system."""
        return _CODE_SYSTEMS[self][0]

    @property
    def pattern(self) -> re.Pattern[str]:
        """The regular expression a code of this system matches in full."""
        return _CODE_SYSTEMS[self][1]

    @property
    def for_compounds(self) -> bool:
        """Whether the system codes substances (as opposed to conditions)."""
        return self in _COMPOUND_SYSTEMS


_CODE_SYSTEMS: Final[dict[CodeSystem, tuple[str, re.Pattern[str]]]] = {
    CodeSystem.PUBCHEM_CID: ("http://pubchem.ncbi.nlm.nih.gov", re.compile(r"[1-9][0-9]{0,11}")),
    CodeSystem.CHEBI: ("http://purl.obolibrary.org/obo/chebi.owl", re.compile(r"CHEBI:[1-9]\d*")),
    CodeSystem.CAS: ("http://cas.org", re.compile(r"[1-9]\d{1,6}-\d{2}-\d")),
    CodeSystem.INCHIKEY: ("http://inchi-trust.org", re.compile(r"[A-Z]{14}-[A-Z]{10}-[A-Z]")),
    CodeSystem.ATC: (
        "http://www.whocc.no/atc",
        re.compile(r"[A-Z](?:\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?)?"),
    ),
    CodeSystem.UNII: ("http://fdasis.nlm.nih.gov", re.compile(r"[0-9A-Z]{10}")),
    CodeSystem.DRUGBANK: ("http://www.drugbank.ca", re.compile(r"DB\d{5}")),
    CodeSystem.KEGG: ("http://www.genome.jp/kegg", re.compile(r"[CD]\d{5}")),
    CodeSystem.MESH: ("urn:oid:2.16.840.1.113883.6.177", re.compile(r"[CDQ]\d{6,9}")),
    CodeSystem.ICD10: (
        "http://hl7.org/fhir/sid/icd-10",
        re.compile(r"[A-Z]\d{2}(?:\.[0-9A-Z]{1,2})?"),
    ),
    CodeSystem.ICD10CM: (
        "http://hl7.org/fhir/sid/icd-10-cm",
        re.compile(r"[A-Z]\d{2}(?:\.[0-9A-Z]{1,4})?"),
    ),
    CodeSystem.ICD11: (
        "http://id.who.int/icd/release/11/mms",
        re.compile(r"[0-9A-Z]{2}[0-9A-Z]{2}(?:\.[0-9A-Z]{1,2})?"),
    ),
    CodeSystem.ICDO3: ("http://terminology.hl7.org/CodeSystem/icd-o-3", re.compile(r"\d{4}/\d")),
    CodeSystem.MONDO: ("http://purl.obolibrary.org/obo/mondo.owl", re.compile(r"MONDO:\d{7}")),
    CodeSystem.DOID: ("http://purl.obolibrary.org/obo/doid.owl", re.compile(r"DOID:\d{1,7}")),
    CodeSystem.LOINC: ("http://loinc.org", re.compile(r"\d{1,7}-\d")),
}
_COMPOUND_SYSTEMS: Final = frozenset(
    {
        CodeSystem.PUBCHEM_CID,
        CodeSystem.CHEBI,
        CodeSystem.CAS,
        CodeSystem.INCHIKEY,
        CodeSystem.ATC,
        CodeSystem.UNII,
        CodeSystem.DRUGBANK,
        CodeSystem.KEGG,
    }
)


def _cas_checksum_ok(code: str) -> bool:
    digits = code.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (i + 1) for i, d in enumerate(reversed(body)))
    return total % 10 == check


# --------------------------------------------------------------------------------------------
# Codes, compounds, indications


@attrs.frozen(kw_only=True)
class Code:
    """A code in an external system: ``Code(system=CodeSystem.ATC, code="M05BX08")``.

    The code's shape is checked against the system (a CAS number's check digit too).

    Attributes:
        system: The coding system.
        code: The code, exactly as the system writes it.
        status: How the code was verified.
        note: Anything a curator must know (a deprecated code, a conflicting record).

    *Added in version 0.1.0*.
    """

    def _check_code(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not self.system.pattern.fullmatch(value):
            msg = (
                f"'code' must be a {self.system.value} code matching "
                f"{self.system.pattern.pattern} (got {value!r})"
            )
            raise FieldValueError("code", msg)
        if self.system is CodeSystem.CAS and not _cas_checksum_ok(value):
            msg = f"'code' must be a CAS number with a valid check digit (got {value!r})"
            raise FieldValueError("code", msg)

    system: CodeSystem = attrs.field(validator=v.instance_of(CodeSystem))
    code: str = attrs.field(validator=_all(_nonempty_str, _check_code))
    status: Verification = attrs.field(
        default=Verification.VERIFIED, validator=v.instance_of(Verification)
    )
    note: str | None = attrs.field(default=None, validator=_optional_str)

    def __repr__(self) -> str:
        return f"<Code {self.system.value}:{self.code}>"


_CODES: Final = _tuple_of(Code)


@attrs.frozen
class _CodesFor:
    """A tuple of [`Code`][vitk2.Code]s, all in code systems for compounds or all for indications.

    Attributes:
        compounds: True for compound code systems, False for indication ones.
    """

    compounds: bool

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        _CODES(instance, attribute, value)
        for i, code in enumerate(value):
            if code.system.for_compounds is not self.compounds:
                kind = "compound" if self.compounds else "indication"
                msg = f"'{attribute.name}[{i}]' uses {code.system.value}, not a {kind} code system"
                raise ValueError(msg)


def _codes_for(compounds: bool) -> _CodesFor:
    return _CodesFor(compounds)


@attrs.frozen(kw_only=True)
class Compound:
    """A substance given or measured in a study.

    Attributes:
        id: Stable slug (``"menatetrenone"``).
        name: Preferred name.
        synonyms: Other names and abbreviations (``"MK-4"``, ``"VK2"``).
        brands: Brand names (``"Glakay"``).
        compound_class: Its class (``"vitamin K2"``, ``"nitrogen-containing bisphosphonate"``).
        family: The broader family (``"vitamin K"``, ``"bisphosphonate"``).
        codes: External identifiers (PubChem CID, ChEBI, CAS, InChIKey, ATC ...).
        notes: Curators' notes.

    *Added in version 0.1.0*.
    """

    id: str = attrs.field(validator=_is_id)
    name: str = attrs.field(validator=_nonempty_str)
    compound_class: str = attrs.field(validator=_nonempty_str)
    family: str = attrs.field(validator=_nonempty_str)
    synonyms: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    brands: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    codes: tuple[Code, ...] = attrs.field(default=(), validator=_codes_for(True), repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this compound answers to: id, name, synonyms and brands."""
        return (self.id, self.name, *self.synonyms, *self.brands)

    def code(self, system: CodeSystem) -> str | None:
        """The first code in ``system``, or None."""
        return next((c.code for c in self.codes if c.system is system), None)

    def __repr__(self) -> str:
        return (
            f"<Compound {self.id} {_short(self.name, 60)!r} ({_short(self.compound_class, 40)!r})>"
        )

    def _repr_html_(self) -> str:
        """The HTML a notebook shows: vitk2._views.compound_view."""
        from ._views import compound_view

        return compound_view(self)


@attrs.frozen(kw_only=True)
class Indication:
    """A disease or condition evidence is about.

    Attributes:
        id: Stable slug (``"mds"``).
        name: Preferred name.
        category: A coarse grouping.
        synonyms: Other names.
        abbreviations: Abbreviations (``"MDS"``).
        codes: MeSH, ICD-10, ICD-11, MONDO ... codes.
        parent: The id of the broader indication this one is a subtype of.
        notes: Curators' notes.

    *Added in version 0.1.0*.
    """

    id: str = attrs.field(validator=_is_id)
    name: str = attrs.field(validator=_nonempty_str)
    category: IndicationCategory = attrs.field(validator=v.instance_of(IndicationCategory))
    synonyms: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    abbreviations: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    codes: tuple[Code, ...] = attrs.field(default=(), validator=_codes_for(False), repr=False)
    parent: str | None = attrs.field(default=None, repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)

    @parent.validator
    def _check_parent(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None:
            _is_id(self, attribute, value)
            if value == self.id:
                msg = f"'parent' must not be the indication itself (got {value!r})"
                raise FieldValueError("parent", msg)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this indication answers to."""
        return (self.id, self.name, *self.synonyms, *self.abbreviations)

    def code(self, system: CodeSystem) -> str | None:
        """The first code in ``system``, or None."""
        return next((c.code for c in self.codes if c.system is system), None)

    def __repr__(self) -> str:
        return f"<Indication {self.id} {_short(self.name, 60)!r}>"

    def _repr_html_(self) -> str:
        """The HTML a notebook shows: vitk2._views.indication_view."""
        from ._views import indication_view

        return indication_view(self)


@attrs.frozen(kw_only=True)
class Endpoint:
    """An endpoint of the vocabulary: what findings across studies measure in common.

    A finding's outcome names its endpoint and keeps its own definition, criteria and
    timepoint, so that "new vertebral fractures" in one trial and "vertebral fracture" in
    another are matched as the same endpoint.

    Attributes:
        id: Stable slug (``"vertebral-fracture"``).
        name: Preferred name.
        kind: Clinical, surrogate, biomarker, patient-reported, process, integrity metric ...
        better: Which way its values are better for patients (lower fracture incidence, higher
            BMD); ``NEITHER`` when no direction is better.
        dimension: What its values are (``"incidence"``, ``"bone mineral density"``).
        synonyms: Other names it is found under.
        codes: Verified codes where they exist (MeSH; LOINC for laboratory measures).
        parent: The id of the broader endpoint it is a narrower form of (hip fracture under
            any fracture).
        notes: Curators' notes.

    *Added in version 0.2.0*.
    """

    id: str = attrs.field(validator=_is_id)
    name: str = attrs.field(validator=_nonempty_str)
    kind: OutcomeKind = attrs.field(validator=v.instance_of(OutcomeKind))
    better: Better = attrs.field(validator=v.instance_of(Better))
    dimension: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    synonyms: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    codes: tuple[Code, ...] = attrs.field(default=(), validator=_codes_for(False), repr=False)
    parent: str | None = attrs.field(default=None, repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)

    @parent.validator
    def _check_parent(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None:
            _is_id(self, attribute, value)
            if value == self.id:
                raise FieldValueError(
                    "parent", f"'parent' of {self.id!r} must not be the endpoint itself"
                )

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the endpoint is found by: id, name and synonyms."""
        return (self.id, self.name, *self.synonyms)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Endpoint {self.id} ({self.kind}, {self.better} is better)>"


# --------------------------------------------------------------------------------------------
# Citations and provenance


_NOTICE_YEAR: Final = _YearRange("a notice")


@attrs.frozen(kw_only=True)
class Integrity:
    """What is known about a publication's integrity.

    Attributes:
        status: None known, corrected, caution, expression of concern, or retracted.
        date: When the notice appeared, if known: not in the future (today plus 31 days at
            most) and, in a citation, not before the year of the publication.
        year: The year of the notice, when only the year is known (or the year of ``date``).
        notice: The id of the citation of the notice (or of the analysis that raises a
            third-party concern), if it is in the data.
        note: What the notice says, in the curator's words.

    *Added in version 0.1.0*.
    """

    status: IntegrityStatus = attrs.field(
        default=IntegrityStatus.NONE_KNOWN, validator=v.instance_of(IntegrityStatus)
    )
    date: _dt.date | None = attrs.field(default=None, validator=_DateRange("a notice"))
    year: int | None = attrs.field(default=None)
    notice: str | None = attrs.field(default=None)
    note: str | None = attrs.field(default=None, validator=_optional_str)

    @year.validator
    def _check_year(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is None:
            return
        _NOTICE_YEAR(self, attribute, value)
        if self.date is not None and self.date.year != value:
            msg = f"'year' {value} is not the year of 'date' {self.date.isoformat()}"
            raise FieldValueError("year", msg)

    @property
    def when(self) -> _dt.date | int | None:
        """The notice's date, else its year, else None."""
        return self.date if self.date is not None else self.year

    @notice.validator
    def _check_notice(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None:
            _is_id(self, attribute, value)

    def __repr__(self) -> str:
        when = self.when
        date = f" {when.isoformat() if isinstance(when, _dt.date) else when}" if when else ""
        notice = f" notice={self.notice}" if self.notice else ""
        return f"<Integrity {self.status}{date}{notice}>"

    @property
    def is_retracted(self) -> bool:
        """Whether the publication was retracted."""
        return self.status is IntegrityStatus.RETRACTED


_LANG_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@attrs.frozen(kw_only=True)
class Quote:
    """Verbatim text from a source document that supports a claim.

    Attributes:
        text: The exact characters of the source (a program can find them in it).
        source: The id of the citation of the document quoted.
        language: A BCP 47 language tag (``"en"``, ``"zh"``).

    *Added in version 0.1.0*.
    """

    text: str = attrs.field(validator=_nonempty_str)
    source: str = attrs.field(validator=_is_id)
    language: str = attrs.field(default="en")

    @language.validator
    def _check_language(self, attribute: attrs.Attribute[str], value: object) -> None:
        if not isinstance(value, str) or not _LANG_RE.fullmatch(value):
            raise _wrong_value(attribute, "a language tag such as 'en' or 'zh'", value)

    def __repr__(self) -> str:
        short = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        return f"<Quote {self.language} {short!r}>"


@attrs.frozen(kw_only=True)
class Locator:
    """Where in a cited document a number is stated, without quoting it.

    Used where the source text is third-party text that vitk2 must not copy.

    Attributes:
        source: The id of the citation.
        locator: Which part of the document (``"abstract, Results"``).
        status: How the value was checked there.

    *Added in version 0.1.0*.
    """

    source: str = attrs.field(validator=_is_id)
    locator: str = attrs.field(validator=_nonempty_str)
    status: Verification = attrs.field(
        default=Verification.VERIFIED, validator=v.instance_of(Verification)
    )

    def __repr__(self) -> str:
        return f"<Locator {self.source}: {_short(self.locator, 80)!r}>"


Provenance: TypeAlias = Quote | Locator
"""Why a finding is believed: a verbatim [`Quote`][vitk2.Quote] or a [`Locator`][vitk2.Locator]."""


_DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
_PMID_RE = re.compile(r"[1-9]\d{0,8}")
_PMCID_RE = re.compile(r"PMC\d{4,9}")
_URL_RE = re.compile(r"https?://\S+")


@attrs.frozen
class _Pattern:
    """A string that ``rx`` matches in full; None passes.

    Attributes:
        rx: The pattern the whole string must match.
        what: What the string is, for messages (``"a PubMed id (digits)"``).
    """

    rx: re.Pattern[str]
    what: str

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not self.rx.fullmatch(value):
            raise _wrong_value(attribute, self.what, value)


def _pattern(rx: re.Pattern[str], what: str) -> _Pattern:
    return _Pattern(rx, what)


@attrs.frozen(kw_only=True)
class Citation:
    """A published document: an article, an abstract, a review, a news report, a notice.

    Attributes:
        id: Stable slug (``"lasemi-2018"``).
        kind: What kind of document it is.
        authors: Authors in order, as the curator normalised them (``"Iwamoto J"``).
        title: The title, or not reported.
        journal: The journal or site, or not reported.
        year: Publication year, or not reported: from 1800 to next year (a later year is
            in the future, judged by the clock when the record is built).
        volume, issue, pages: Bibliographic locators, where known.
        doi, pmid, pmcid, url: Identifiers, each checked for its format.
        reports_on: For a news report or later report, the id of the paper it reports on.
        interim: Whether the document reports interim results of an ongoing study.
        curated: False for literature a source cites that vitk2 has not curated.
        indications: Indications the document is about (for cited-but-not-curated literature).
        integrity: Retraction, correction and caution status; its date is not before the
            publication year.
        notes: Curators' notes (oddities in the source are recorded here, not fixed).

    *Added in version 0.1.0*.
    """

    def _check_integrity(self, attribute: attrs.Attribute[Integrity], value: Integrity) -> None:
        date, year = value.date, self.year
        if date is not None and isinstance(year, int) and date.year < year:
            msg = (
                f"'integrity' must not be dated before the publication it concerns (got a "
                f"notice of {date.isoformat()} on a publication of {year})"
            )
            raise FieldValueError("integrity", msg)

    id: str = attrs.field(validator=_is_id)
    kind: DocumentKind = attrs.field(validator=v.instance_of(DocumentKind))
    authors: tuple[str, ...] = attrs.field(default=(), validator=_strs)
    title: str | NotReported = attrs.field(default=NOT_REPORTED)
    journal: str | NotReported = attrs.field(default=NOT_REPORTED)
    year: int | NotReported = attrs.field(
        default=NOT_REPORTED, validator=_YearRange("a publication")
    )
    volume: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    issue: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    pages: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    doi: str | None = attrs.field(
        default=None, validator=_pattern(_DOI_RE, "a DOI such as 10.1000/xyz"), repr=False
    )
    pmid: str | None = attrs.field(
        default=None, validator=_pattern(_PMID_RE, "a PubMed id (digits)"), repr=False
    )
    pmcid: str | None = attrs.field(
        default=None, validator=_pattern(_PMCID_RE, "a PMC id such as PMC123456"), repr=False
    )
    url: str | None = attrs.field(
        default=None, validator=_pattern(_URL_RE, "an http(s) URL"), repr=False
    )
    reports_on: str | None = attrs.field(default=None, repr=False)
    interim: bool = attrs.field(default=False, validator=v.instance_of(bool), repr=False)
    curated: bool = attrs.field(default=True, validator=v.instance_of(bool), repr=False)
    indications: tuple[Indication, ...] = attrs.field(
        default=(), validator=_tuple_of(Indication), repr=False
    )
    integrity: Integrity = attrs.field(
        factory=Integrity, validator=_all(v.instance_of(Integrity), _check_integrity), repr=False
    )
    notes: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)

    @title.validator
    @journal.validator
    def _check_text(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, NotReported):
            _nonempty_str(self, attribute, value)

    @reports_on.validator
    def _check_reports_on(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None:
            _is_id(self, attribute, value)
            if value == self.id:
                msg = f"'reports_on' must name another citation (got {value!r})"
                raise FieldValueError("reports_on", msg)

    @property
    def first_author(self) -> str | None:
        """The first author's name as recorded, or None when no author is recorded."""
        return self.authors[0] if self.authors else None

    @property
    def label(self) -> str:
        """A short label: ``"Lasemi 2018"``; the journal stands in when no author is recorded."""
        if self.first_author:
            who = _surname(self.first_author)
        elif isinstance(self.journal, str):
            who = self.journal
        else:
            who = self.id
        year = self.year if isinstance(self.year, int) else "n.d."
        return f"{who} {year}"

    def __repr__(self) -> str:
        return f"<Citation {self.id} {self.label} {self.kind}>"

    def _repr_html_(self) -> str:
        """The HTML a notebook shows: vitk2._views.citation_view."""
        from ._views import citation_view

        return citation_view(self)


# --------------------------------------------------------------------------------------------
# Statistics


def _surname(author: str) -> str:
    """The surname of ``"De Vriese AS"`` or ``"Okano J"``: the name without its initials."""
    parts = author.split()
    if len(parts) > 1 and parts[-1].replace("-", "").replace(".", "").isupper():
        return " ".join(parts[:-1])  # "Vriese AS" style: the last word is the initials
    return parts[0]


def _decimals(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(attribute, "a whole number of decimal places", value)
    if not 0 <= value <= 64:  # as many as the longest number a file may give (64 characters)
        raise _wrong_value(attribute, "between 0 and 64 decimal places", value)


def _reproduces(decimals: int, *values: float | None) -> str | None:
    """The first value that ``decimals`` places would show as another number, if any."""
    for x in values:
        if x is not None and float(f"{x:.{decimals}f}") != x:
            return f"{x!r}"
    return None


def _as_reported(value: float, decimals: int | None) -> str:
    """A number with the decimal places its source gives (``1.150``), else as short as exact."""
    return f"{value:.{decimals}f}" if decimals is not None else f"{value:g}"


@attrs.frozen(kw_only=True)
class PValue:
    """A p-value exactly as reported, including inequalities: ``p < 0.001``.

    ``PValue.parse("< 0.001")`` keeps the relation; ``< 0.001`` is not ``0.001``.

    Attributes:
        value: The number reported, between 0 and 1.
        relation: ``"="``, ``"<"``, ``"<="`` or ``">"``; ``p < 0`` and ``p > 1`` hold for no
            p-value and are refused.
        sided: 2 for a two-sided test (the default), 1 for a one-sided one.
        decimals: The decimal places the source gives (``0.060`` has 3), so that the value is
            shown as reported; None when not recorded.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``sided`` and ``decimals``.
    """

    RELATIONS: ClassVar[tuple[str, ...]] = ("=", "<", "<=", ">")

    def _check_value(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise _wrong_value(attribute, "between 0 and 1", value)

    value: float = attrs.field(validator=_all(_finite, _check_value))
    relation: str = attrs.field(default="=")
    sided: int = attrs.field(default=2)
    decimals: int | None = attrs.field(default=None)

    @sided.validator
    def _check_sided(self, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or value not in (1, 2):
            raise _wrong_value(attribute, "1 (one-sided) or 2 (two-sided)", value)

    @decimals.validator
    def _check_decimals(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        _decimals(self, attribute, value)
        if value is None:
            return
        if value == 0:  # a p-value of 0 or 1 written without a decimal point records none
            raise FieldValueError("decimals", "'decimals' of a p-value must be at least 1, or None")
        wrong = _reproduces(value, self.value)
        if wrong is not None:
            msg = f"'decimals' {value} would show the p-value {wrong} as another number"
            raise FieldValueError("decimals", msg)

    @relation.validator
    def _check_relation(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in self.RELATIONS:
            raise _wrong_value(attribute, f"one of {', '.join(self.RELATIONS)}", value)
        # No p-value lies below 0 or above 1, so 'p < 0' and 'p > 1' hold for none.
        if (value == "<" and self.value <= 0) or (value == ">" and self.value >= 1):
            bound = "above 0" if value == "<" else "below 1"
            msg = (
                f"a p-value lies between 0 and 1, so 'p {value} {self.value:g}' holds for none: "
                f"a value after '{value}' must be {bound}"
            )
            raise ValueError(msg)

    @classmethod
    def parse(cls, text: str | float) -> PValue:
        """Parse ``"< 0.001"``, ``"p=0.037"``, ``"≤0.05"`` or a plain number.

        Raises:
            ValueError: If the text is not a p-value.
        """
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            return cls(value=float(text))
        if not isinstance(text, str):
            raise TypeError(f"expected a p-value such as '< 0.001' (got {text!r})")
        if len(text) > 64:  # no p-value is longer; bounds the regular expression's work
            raise ValueError(f"expected a p-value such as '< 0.001' (got {len(text)} characters)")
        m = re.fullmatch(r"\s*(?:[pP]\s*)?(<=|≤|<|>|=)?\s*([0-9]*\.?[0-9]+(?:[eE]-?\d+)?)\s*", text)
        if not m:
            raise ValueError(f"expected a p-value such as '< 0.001' (got {text!r})")
        relation = {"≤": "<=", None: "="}.get(m.group(1), m.group(1))
        number = m.group(2)
        decimals = None
        if "." in number and "e" not in number.lower():
            decimals = len(number.split(".", 1)[1])
        return cls(value=float(number), relation=relation, decimals=decimals)

    @property
    def text(self) -> str:
        """The number as the source gives it (``0.060``), without relation or sidedness."""
        return _as_reported(self.value, self.decimals)

    def __str__(self) -> str:
        rel = "" if self.relation == "=" else self.relation + " "
        number = self.text if self.decimals is not None else repr(self.value)
        return f"{rel}{number}" + (" (one-sided)" if self.sided == 1 else "")

    def __repr__(self) -> str:
        sided = ", one-sided" if self.sided == 1 else ""
        return f"<PValue p {self.relation} {self.text if self.decimals is not None else format(self.value, 'g')}{sided}>"


def _percent_agrees(percent: float, events: int, total: int) -> bool:
    """Whether a reported percentage agrees with events/total at its reported precision.

    The precision is the last decimal place of the shortest text that reads back as the
    float (``17.2`` has one, ``1e-05`` five; a whole number such as ``12.0`` or ``1e+20`` has
    none), so any finite float has one.
    """
    exponent = decimal.Decimal(repr(float(percent))).as_tuple().exponent
    decimals = 0
    if isinstance(exponent, int) and not float(percent).is_integer():
        decimals = max(0, -exponent)
    exact = 100 * events / total
    return bool(abs(exact - percent) <= 0.5 * 10.0 ** (-decimals) + 1e-9)


_INTERVAL_METHODS: Final = {"wilson": wilson_interval, "clopper-pearson": clopper_pearson_interval}


@attrs.frozen(kw_only=True)
class Proportion:
    """``events`` out of ``total``: ``Proportion(events=5, total=29)``.

    The estimate and its interval are computed, never stored.

    Attributes:
        events: How many had the outcome.
        total: How many could have had it (the denominator).
        counts: Whether events counts participants (the default) or events.
        reported_percent: The percentage as the source printed it (``17.2``), between 0 and
            100 and checked against events/total at the source's rounding.

    *Added in version 0.1.0*.
    """

    kind: ClassVar[str] = "proportion"

    def _check_total(self, attribute: attrs.Attribute[int], value: int) -> None:
        if self.events > value:
            msg = f"'events' must be <= total (got {self.events} > {value})"
            raise FieldValueError("events", msg)

    def _check_percent(self, attribute: attrs.Attribute[float | None], value: float | None) -> None:
        if value is not None and not _percent_agrees(value, self.events, self.total):
            exact = 100 * self.events / self.total
            msg = (
                f"'reported_percent' must agree with {self.events}/{self.total} = {exact:.4g} % "
                f"at the reported precision (got {value!r})"
            )
            raise FieldValueError("reported_percent", msg)

    events: int = attrs.field(validator=_count())
    total: int = attrs.field(validator=_all(_count(positive=True), _check_total))
    counts: CountKind = attrs.field(
        default=CountKind.PARTICIPANTS, validator=v.instance_of(CountKind)
    )
    reported_percent: float | None = attrs.field(
        default=None,
        validator=_all(_finite, _NumberRange("a percentage", 0.0, 100.0), _check_percent),
    )

    @property
    def estimate(self) -> float:
        """Events / total."""
        return self.events / self.total

    def interval(self, method: str = "wilson", level: float = 0.95) -> Interval:
        """The confidence interval of the proportion.

        Args:
            method: ``"wilson"`` (default) or ``"clopper-pearson"``.
            level: Confidence level, between 0 and 1.

        Raises:
            StatisticsError: For an unknown method (the message lists the valid ones) or a
                level outside (0, 1). It is a ``ValueError``.

        *Changed in version 0.2.0*.
           An unknown method raises [`StatisticsError`][vitk2.StatisticsError], not a bare ``ValueError``.
        """
        try:
            fn = _INTERVAL_METHODS[method]
        except (KeyError, TypeError):  # TypeError: an unhashable method, such as a list
            known = ", ".join(repr(name) for name in _INTERVAL_METHODS)
            msg = f"unknown interval method {method!r}; expected one of {known}"
            raise StatisticsError(msg) from None
        return fn(self.events, self.total, level)

    def __str__(self) -> str:
        return f"{self.events}/{self.total} ({100 * self.estimate:.1f} %)"

    def __repr__(self) -> str:
        return f"<Proportion {self}>"


@attrs.frozen(kw_only=True)
class Category:
    """One category of a [`Breakdown`][vitk2.Breakdown]: ``Category(label="major HI-E", count=1)``.

    *Added in version 0.1.0*.
    """

    label: str = attrs.field(validator=_nonempty_str)
    count: int = attrs.field(validator=_count())


@attrs.frozen(kw_only=True)
class Breakdown:
    """Counts by category, such as responses by lineage and grade.

    When ``counts`` is ``EVENTS``, one participant can appear in several categories (seven
    lineage responses in five responders), so the categories' sum is a number of events and
    is never a number of participants. ``among`` records how many participants the events
    occurred in, as the source states it.

    Attributes:
        categories: The categories in source order.
        counts: ``EVENTS`` (default) or ``PARTICIPANTS``.
        among: The number of participants the counted events occurred in.

    *Added in version 0.1.0*.
    """

    kind: ClassVar[str] = "breakdown"

    def _check_categories(
        self, attribute: attrs.Attribute[Any], value: tuple[Category, ...]
    ) -> None:
        if not value:
            raise FieldValueError("categories", "'categories' must not be empty")
        _unique([c.label for c in value], "category label")

    def _check_among(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is None:
            return
        if self.counts is CountKind.PARTICIPANTS and self.total > value:
            msg = f"participant counts must sum to <= among (got {self.total} > {value})"
            raise ValueError(msg)
        if self.counts is CountKind.EVENTS and self.total < value:
            msg = (
                f"{value} participants with events need at least {value} events (got {self.total})"
            )
            raise ValueError(msg)

    categories: tuple[Category, ...] = attrs.field(
        validator=_all(_tuple_of(Category), _check_categories)
    )
    counts: CountKind = attrs.field(default=CountKind.EVENTS, validator=v.instance_of(CountKind))
    among: int | None = attrs.field(
        default=None, validator=_all(_count(optional=True), _check_among)
    )

    @property
    def total(self) -> int:
        """The sum of the categories (events or participants, as `counts` says)."""
        return sum(c.count for c in self.categories)

    def __getitem__(self, label: str) -> int:
        for c in self.categories:
            if c.label == label:
                return c.count
        raise KeyError(label)

    def __str__(self) -> str:
        parts = ", ".join(f"{c.label} {c.count}" for c in self.categories)
        return f"{parts} ({self.total} {self.counts})"

    def __repr__(self) -> str:
        return f"<Breakdown {_short(self, 150)}>"


@attrs.frozen(kw_only=True)
class Count:
    """A plain count: ``Count(value=0, counts=CountKind.PARTICIPANTS)``.

    *Added in version 0.1.0*.
    """

    kind: ClassVar[str] = "count"

    value: int = attrs.field(validator=_count())
    counts: CountKind = attrs.field(
        default=CountKind.PARTICIPANTS, validator=v.instance_of(CountKind)
    )

    def __str__(self) -> str:
        return f"{self.value} {self.counts}"


@attrs.frozen(kw_only=True)
class Summary:
    """A summary of a continuous value in one group (a median, a mean).

    Attributes:
        group: The id of the arm the summary describes.
        measure: Median, mean ...
        value: The value with its unit.
        spread: The spread reported beside it, in the same unit; never negative.
        spread_kind: SD, SE, IQR, range, or unlabelled.
        n: The number of participants summarised, if reported beside the value.
        change: True for a change from baseline, False for a value at the outcome's timepoint
            (a final value), None when the source does not say; a percent change is a change.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``change``.
    """

    def _check_change(self, attribute: attrs.Attribute[bool | None], value: bool | None) -> None:
        if value is False and self.measure is SummaryMeasure.PERCENT_CHANGE:
            raise ValueError(
                "a percent change is a change from baseline: 'change' must not be false"
            )

    def _check_spread(self, attribute: attrs.Attribute[Quantity | None], value: object) -> None:
        if value is None:
            if self.spread_kind is not None:
                raise FieldValueError("spread_kind", "'spread_kind' given without 'spread'")
            return
        if not isinstance(value, Quantity):
            raise _wrong_type(attribute, "a quantity", value)
        if value.unit.dimension is not self.value.unit.dimension:
            msg = f"'spread' must be in the unit of 'value' (got {value} beside {self.value})"
            raise FieldValueError("spread", msg)
        if self.spread_kind is None:
            raise FieldValueError(
                "spread", "'spread' needs 'spread_kind' (use 'unlabelled' for a bare ±)"
            )

    group: str = attrs.field(validator=_is_id)
    measure: SummaryMeasure = attrs.field(validator=v.instance_of(SummaryMeasure))
    value: Quantity = attrs.field(validator=v.instance_of(Quantity))
    spread: Quantity | None = attrs.field(
        default=None,
        validator=_all(_QuantityRange("a spread (SD, SE, IQR or range)", ()), _check_spread),
    )
    spread_kind: Spread | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Spread))
    )
    n: int | None = attrs.field(default=None, validator=_count(optional=True))
    change: bool | None = attrs.field(
        default=None, validator=_all(_optional(v.instance_of(bool)), _check_change)
    )

    def __str__(self) -> str:
        spread = f" ± {self.spread.value:g}" if self.spread is not None else ""
        change = (
            " change" if self.change and self.measure is not SummaryMeasure.PERCENT_CHANGE else ""
        )
        return f"{self.measure}{change} {self.value}{spread}"


@attrs.frozen(kw_only=True)
class GroupSummaries:
    """Summaries of one measure in two or more groups, with the test as reported.

    Ratios between groups are derived (`ratio`), never stored.

    Attributes:
        summaries: One summary per group.
        p_value: The p-value as reported.
        test: The statistical test, if the source names it.

    *Added in version 0.1.0*.
    """

    kind: ClassVar[str] = "group_summaries"

    def _check_summaries(self, attribute: attrs.Attribute[Any], value: tuple[Summary, ...]) -> None:
        if len(value) < 2:
            raise FieldValueError(
                "summaries", f"'summaries' must hold at least 2 groups (got {len(value)})"
            )
        _unique([s.group for s in value], "group")
        dims = {s.value.unit.dimension for s in value}
        if len(dims) != 1:
            raise FieldValueError(
                "summaries", "'summaries' must measure one dimension in every group"
            )

    summaries: tuple[Summary, ...] = attrs.field(
        validator=_all(_tuple_of(Summary), _check_summaries)
    )
    p_value: PValue | None = attrs.field(default=None, validator=_optional(v.instance_of(PValue)))
    test: str | None = attrs.field(default=None, validator=_optional_str)

    def get(self, group: str) -> Summary:
        """The summary of one group.

        Raises:
            KeyError: If no summary is for that group.
        """
        for s in self.summaries:
            if s.group == group:
                return s
        raise KeyError(group)

    def ratio(self, numerator: str, denominator: str) -> float:
        """The ratio of two groups' values (units converted)."""
        a, b = self.get(numerator).value, self.get(denominator).value
        return float(a.magnitude() / b.magnitude())

    def __str__(self) -> str:
        body = " vs ".join(f"{s.group}: {s}" for s in self.summaries)
        return body + (f" (p {self.p_value})" if self.p_value is not None else "")

    def __repr__(self) -> str:
        return f"<GroupSummaries {_short(self, 150)}>"


@attrs.frozen(kw_only=True)
class Effect:
    """An effect estimate as reported: ``Effect(measure=RISK_RATIO, value=0.87, low=0.64, high=1.20)``.

    Attributes:
        measure: Risk ratio, odds ratio, hazard ratio, mean difference ...
        value: The point estimate.
        low, high: The bounds of its confidence interval, when reported.
        level: The interval's confidence level.
        p_value: As reported.
        unit: The unit of a difference (``g/cm²``, ``%``); None for ratios.
        per: What the effect is per: a span of time for a rate of change (``1 decade``), or
            an amount of exposure for a dose-response estimate (``10 µg/day``); above 0.
        approximate: The source gives the value as approximate.
        reference: The id of the study's arm the effect is relative to (the denominator of a
            ratio, the subtrahend of a difference); None when the source does not say.
        adjusted: Whether the estimate is adjusted for covariates; None when not stated.
        studies: For a pooled estimate, the number of studies behind it.
        participants: The number of participants behind this estimate (not the study's
            whole enrolment).
        decimals: The decimal places the source gives for the estimate and its bounds
            (``1.150`` has 3), so that it is shown as reported.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``reference``, ``adjusted``, ``studies``, ``participants`` and ``decimals``.
    """

    kind: ClassVar[str] = "effect"

    def _check_reported(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None:
            wrong = _reproduces(value, self.value, self.low, self.high)
            if wrong is not None:
                msg = f"'decimals' {value} would show {wrong} as another number"
                raise FieldValueError("decimals", msg)

    def _check_level(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not 0 < value < 1:
            raise _wrong_value(attribute, "between 0 and 1 (exclusive)", value)

    def _check_bounds(self, attribute: attrs.Attribute[float | None], value: float | None) -> None:
        if (self.low is None) != (value is None):
            raise FieldValueError("low", "'low' and 'high' must be given together")
        if self.low is not None and value is not None and not self.low <= self.value <= value:
            msg = f"the interval must contain the estimate (got {self.value} outside [{self.low}, {value}])"
            raise ValueError(msg)
        if self.measure.is_ratio:
            for name, x in (("value", self.value), ("low", self.low)):
                if x is not None and x <= 0:
                    raise FieldValueError(
                        name, f"'{name}' of a {self.measure} must be > 0 (got {x})"
                    )

    measure: EffectMeasure = attrs.field(validator=v.instance_of(EffectMeasure))
    value: float = attrs.field(validator=_finite)
    low: float | None = attrs.field(default=None, validator=_finite)
    high: float | None = attrs.field(default=None, validator=_all(_finite, _check_bounds))
    level: float = attrs.field(default=0.95, validator=_all(_finite, _check_level))
    p_value: PValue | None = attrs.field(default=None, validator=_optional(v.instance_of(PValue)))
    unit: Unit | None = attrs.field(default=None, validator=_optional(v.instance_of(Unit)))
    per: Quantity | None = attrs.field(
        default=None,
        validator=_QuantityRange(
            "a span of time or an amount of exposure",
            (Dimension.TIME, Dimension.MASS_RATE, Dimension.MASS, Dimension.CONCENTRATION),
            positive=True,
        ),
    )
    approximate: bool = attrs.field(default=False, validator=v.instance_of(bool))
    reference: str | None = attrs.field(default=None)
    adjusted: bool | None = attrs.field(
        default=None, validator=_optional(v.instance_of(bool)), repr=False
    )
    studies: int | None = attrs.field(default=None, validator=_count(optional=True, positive=True))
    participants: int | None = attrs.field(
        default=None, validator=_count(optional=True, positive=True)
    )
    decimals: int | None = attrs.field(
        default=None, validator=_all(_decimals, _check_reported), repr=False
    )

    @reference.validator
    def _check_reference(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None:
            _is_id(self, attribute, value)

    @property
    def interval(self) -> Interval | None:
        """The reported interval, or None."""
        if self.low is None or self.high is None:
            return None
        return Interval(low=self.low, high=self.high, level=self.level, method="as reported")

    @property
    def excludes_null(self) -> bool | None:
        """Whether the interval excludes no effect; None without an interval."""
        if self.low is None or self.high is None:
            return None
        null = self.measure.null
        return not self.low <= null <= self.high

    def __str__(self) -> str:
        approx = "≈" if self.approximate else ""
        unit = f" {self.unit.value}" if self.unit is not None else ""
        per = f" per {self.per}" if self.per is not None else ""
        d = self.decimals
        ci = (
            f" ({_as_reported(self.low, d)} to {_as_reported(self.high, d)})"
            if self.low is not None and self.high is not None
            else ""
        )
        p = f", p {self.p_value}" if self.p_value is not None else ""
        return f"{self.measure} {approx}{_as_reported(self.value, d)}{unit}{per}{ci}{p}"

    def __repr__(self) -> str:
        """As the report writes it: ``<Effect risk ratio 0.87 (95% CI 0.64 to 1.2), p 0.3>``."""
        from ._render import statistic_text

        return f"<Effect {_short(statistic_text(self), 150)}>"


@attrs.frozen(kw_only=True)
class TimeToEvent:
    """A time to an event, or a censored time when the event has not happened.

    ``TimeToEvent(time=18 months, event="death", censored=True)``: alive at 18 months. The
    time is between 0 and 130 years.

    *Added in version 0.1.0*.
    """

    kind: ClassVar[str] = "time_to_event"

    time: Quantity = attrs.field(
        validator=_QuantityRange("a time", _TIME, most=_LIFETIME, optional=False)
    )
    event: str = attrs.field(validator=_nonempty_str)
    censored: bool = attrs.field(validator=v.instance_of(bool))

    def __str__(self) -> str:
        state = f"no {self.event} at" if self.censored else f"{self.event} at"
        return f"{state} {self.time}" + (" (censored)" if self.censored else "")


@attrs.frozen(kw_only=True)
class Narrative:
    """A finding the source states in words, with no number to compute on.

    Attributes:
        summary: The claim in the curator's words.

    *Added in version 0.1.0*.
    """

    kind: ClassVar[str] = "narrative"

    summary: str = attrs.field(validator=_nonempty_str)

    def __str__(self) -> str:
        return self.summary

    def __repr__(self) -> str:
        return f"<Narrative {_short(self.summary, 80)!r}>"


@attrs.frozen(kw_only=True)
class ArmCount:
    """One arm's events out of its participants, within an [`ArmCounts`][vitk2.ArmCounts].

    Attributes:
        group: The id of the arm (or phase) of the study.
        events: Participants (or events) counted.
        total: The arm's denominator for this outcome (above 0).
        reported_percent: The percentage the source gives, if any; it must agree with
            ``events / total`` at its reported precision.

    *Added in version 0.2.0*.
    """

    def _check_total(self, attribute: attrs.Attribute[int], value: int) -> None:
        if self.events > value:
            msg = f"'events' ({self.events}) must not exceed 'total' ({value})"
            raise FieldValueError("events", msg)
        p = self.reported_percent
        if p is not None and not _percent_agrees(p, self.events, value):
            msg = (
                f"'reported_percent' {p} does not agree with {self.events}/{value} "
                f"({100 * self.events / value:.2f} %)"
            )
            raise FieldValueError("reported_percent", msg)

    group: str = attrs.field(validator=_is_id)
    events: int = attrs.field(validator=_count())
    total: int = attrs.field(validator=_all(_count(positive=True), _check_total))
    reported_percent: float | None = attrs.field(default=None, validator=_finite)

    @property
    def proportion(self) -> Proportion:
        """The arm's count as a [`Proportion`][vitk2.Proportion] (for its interval)."""
        return Proportion(events=self.events, total=self.total)

    def __str__(self) -> str:
        return f"{self.events}/{self.total}"

    def __repr__(self) -> str:
        return f"<ArmCount {self} ({self.group})>"


@attrs.frozen(kw_only=True)
class ArmCounts:
    """Events and totals in two or more arms of one study, with the between-arm test.

    The finding's ``group`` is the arm of interest and its ``comparator`` names the reference
    arm; both are among ``arms``. A risk or odds ratio is derived from these counts (see
    [`EvidenceBase.meta_analysis`][vitk2.EvidenceBase.meta_analysis]), never stored beside them.

    Attributes:
        arms: Each arm's count, in the source's order (at least 2, each arm once).
        counts: Whether participants or events are counted.
        p_value: The between-arm p-value as reported.
        test: The test it comes from (``"chi-squared"``, ``"log-rank"``).

    *Added in version 0.2.0*.
    """

    kind: ClassVar[str] = "arm_counts"

    def _check_arms(self, attribute: attrs.Attribute[Any], value: tuple[ArmCount, ...]) -> None:
        if len(value) < 2:
            raise FieldValueError("arms", f"'arms' must hold at least 2 arms (got {len(value)})")
        _unique([a.group for a in value], "arm")

    arms: tuple[ArmCount, ...] = attrs.field(validator=_all(_tuple_of(ArmCount), _check_arms))
    counts: CountKind = attrs.field(
        default=CountKind.PARTICIPANTS, validator=v.instance_of(CountKind)
    )
    p_value: PValue | None = attrs.field(default=None, validator=_optional(v.instance_of(PValue)))
    test: str | None = attrs.field(default=None, validator=_optional_str)

    def arm(self, group: str) -> ArmCount:
        """The count of the arm with this id.

        Raises:
            KeyError: If no arm has this id.
        """
        for a in self.arms:
            if a.group == group:
                return a
        raise KeyError(group)

    @property
    def groups(self) -> tuple[str, ...]:
        """The arms' ids, in order."""
        return tuple(a.group for a in self.arms)

    def __str__(self) -> str:
        body = " vs ".join(f"{a} ({a.group})" for a in self.arms)
        return body + (f", p {self.p_value}" if self.p_value is not None else "")

    def __repr__(self) -> str:
        return f"<ArmCounts {_short(self, 120)}>"


@attrs.frozen(kw_only=True)
class BeforeAfter:
    """A value at baseline and after treatment in one arm, with the within-arm test.

    A within-arm change is not a comparison with a control: it is shown as such and never
    pooled as an effect.

    Attributes:
        group: The id of the arm.
        measure: Mean, median or a single value.
        before, after: The values at baseline and at the outcome's timepoint (same dimension).
        before_spread, after_spread: Their spreads, if reported.
        spread_kind: What the spreads are.
        n: Participants measured.
        p_value: The within-arm p-value (after against before) as reported.
        test: The test it comes from.

    *Added in version 0.2.0*.
    """

    kind: ClassVar[str] = "before_after"

    def _check_after(self, attribute: attrs.Attribute[Quantity], value: Quantity) -> None:
        if value.unit.dimension is not self.before.unit.dimension:
            msg = f"'before' ({self.before}) and 'after' ({value}) measure different dimensions"
            raise FieldValueError("before", msg)

    def _check_spreads(self, attribute: attrs.Attribute[Any], value: Quantity | None) -> None:
        spreads = [x for x in (self.before_spread, value) if x is not None]
        if spreads and self.spread_kind is None:
            raise FieldValueError("spread_kind", "'spread_kind' must say what the spreads are")
        for x in spreads:
            if x.value < 0 or x.unit.dimension is not self.before.unit.dimension:
                raise ValueError(f"a spread must be >= 0 in the values' dimension (got {x})")

    group: str = attrs.field(validator=_is_id)
    measure: SummaryMeasure = attrs.field(validator=v.instance_of(SummaryMeasure))
    before: Quantity = attrs.field(validator=v.instance_of(Quantity))
    after: Quantity = attrs.field(validator=_all(v.instance_of(Quantity), _check_after))
    before_spread: Quantity | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Quantity))
    )
    after_spread: Quantity | None = attrs.field(
        default=None, validator=_all(_optional(v.instance_of(Quantity)), _check_spreads)
    )
    spread_kind: Spread | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Spread))
    )
    n: int | None = attrs.field(default=None, validator=_count(optional=True, positive=True))
    p_value: PValue | None = attrs.field(default=None, validator=_optional(v.instance_of(PValue)))
    test: str | None = attrs.field(default=None, validator=_optional_str)

    def __str__(self) -> str:
        def one(q: Quantity, spread: Quantity | None) -> str:
            return f"{q} ± {spread.value:g}" if spread is not None else str(q)

        p = f" (within-arm p {self.p_value})" if self.p_value is not None else ""
        return (
            f"{self.group}: {one(self.before, self.before_spread)} → "
            f"{one(self.after, self.after_spread)}{p}"
        )

    def __repr__(self) -> str:
        return f"<BeforeAfter {self.measure} {_short(self, 150)}>"


@attrs.frozen(kw_only=True)
class CumulativeArm:
    """One arm's cumulative percentage at the outcome's timepoint (a Kaplan-Meier reading).

    Attributes:
        group: The id of the arm.
        percent: The cumulative percentage, 0 to 100.
        decimals: The decimal places the source gives (``39.0`` has 1).

    *Added in version 0.2.0*.
    """

    def _check_reported(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None and _reproduces(value, self.percent) is not None:
            msg = f"'decimals' {value} would show {self.percent!r} % as another number"
            raise FieldValueError("decimals", msg)

    def _check_percent(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not 0 <= value <= 100:
            raise _wrong_value(attribute, "a percentage between 0 and 100", value)

    group: str = attrs.field(validator=_is_id)
    percent: float = attrs.field(validator=_all(_finite, _check_percent))
    decimals: int | None = attrs.field(default=None, validator=_all(_decimals, _check_reported))

    def __str__(self) -> str:
        return f"{_as_reported(self.percent, self.decimals)} % ({self.group})"

    def __repr__(self) -> str:
        return f"<CumulativeArm {self}>"


@attrs.frozen(kw_only=True)
class Cumulative:
    """Cumulative percentages per arm at one timepoint, with the whole-curve test kept apart.

    A log-rank p-value compares the whole curves, not the percentages at this timepoint: it is
    ``curve_p_value``, never the timepoint's.

    Attributes:
        arms: Each arm's percentage (at least 1).
        method: How the percentages were estimated (``"Kaplan-Meier"``), if stated.
        curve_p_value: The p-value of the test comparing the whole curves.
        curve_test: That test (``"log-rank"``).

    *Added in version 0.2.0*.
    """

    kind: ClassVar[str] = "cumulative"

    def _check_arms(
        self, attribute: attrs.Attribute[Any], value: tuple[CumulativeArm, ...]
    ) -> None:
        if not value:
            raise FieldValueError("arms", "'arms' must hold at least 1 arm")
        _unique([a.group for a in value], "arm")

    arms: tuple[CumulativeArm, ...] = attrs.field(
        validator=_all(_tuple_of(CumulativeArm), _check_arms)
    )
    method: str | None = attrs.field(default=None, validator=_optional_str)
    curve_p_value: PValue | None = attrs.field(
        default=None, validator=_optional(v.instance_of(PValue))
    )
    curve_test: str | None = attrs.field(default=None, validator=_optional_str)

    @property
    def groups(self) -> tuple[str, ...]:
        """The arms' ids, in order."""
        return tuple(a.group for a in self.arms)

    def __str__(self) -> str:
        body = " vs ".join(str(a) for a in self.arms)
        test = f" {self.curve_test}" if self.curve_test else ""
        p = f"; whole curve{test} p {self.curve_p_value}" if self.curve_p_value is not None else ""
        return body + p

    def __repr__(self) -> str:
        return f"<Cumulative {_short(self, 150)}>"


@attrs.frozen(kw_only=True)
class TestResult:
    """A statistical test as reported, when the source gives the test but no estimate.

    ``chi-squared 10.935, p = 0.0273`` between two arms, or a between-arm ``p < 0.001`` stated
    beside words only: the p-value is typed, and the claim's direction stays on the finding.

    Attributes:
        test: The test (``"chi-squared"``, ``"log-rank"``, ``"t test"``), or None when not named.
        p_value: The p-value as reported.
        statistic: The test statistic's value, when reported.
        df: Its degrees of freedom, when reported (not computed by the curator).
        groups: The ids of the groups compared (two or more), when the test compares groups.

    *Added in version 0.2.0*.
    """

    __test__: ClassVar[bool] = False  # not a test case, whatever its name says to pytest

    kind: ClassVar[str] = "test"

    p_value: PValue = attrs.field(validator=v.instance_of(PValue))
    test: str | None = attrs.field(default=None, validator=_optional_str)
    statistic: float | None = attrs.field(default=None, validator=_finite)
    df: int | None = attrs.field(default=None, validator=_count(optional=True, positive=True))
    groups: tuple[str, ...] = attrs.field(default=())

    @groups.validator
    def _check_groups(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise _wrong_type(attribute, "a tuple of group ids", value)
        for item in value:
            _is_id(self, attribute, item)
        if len(value) == 1:
            raise FieldValueError("groups", "'groups' must name at least 2 groups, or none")
        _unique(list(value), "group")

    def __str__(self) -> str:
        name = self.test or "test"
        stat = f" {self.statistic:g}" if self.statistic is not None else ""
        df = f" (df {self.df})" if self.df is not None else ""
        vs = f" ({' vs '.join(self.groups)})" if self.groups else ""
        return f"{name}{stat}{df}, p {self.p_value}{vs}"

    def __repr__(self) -> str:
        return f"<TestResult {_short(self, 150)}>"


Statistic: TypeAlias = (
    Proportion
    | Breakdown
    | Count
    | GroupSummaries
    | Effect
    | TimeToEvent
    | Narrative
    | ArmCounts
    | BeforeAfter
    | Cumulative
    | TestResult
)
"""The statistic of a finding; the ``kind`` key in a file picks the class."""

STATISTIC_KINDS: Final[dict[str, type[Any]]] = {
    cls.kind: cls
    for cls in (
        Proportion,
        Breakdown,
        Count,
        GroupSummaries,
        Effect,
        TimeToEvent,
        Narrative,
        ArmCounts,
        BeforeAfter,
        Cumulative,
        TestResult,
    )
}

# --------------------------------------------------------------------------------------------
# Regimens, groups, populations


@attrs.frozen(kw_only=True)
class Frequency:
    """How often a dose is given: ``Frequency(times=3, per=Unit.DAY)`` is three times a day.

    *Added in version 0.1.0*.
    """

    times: int = attrs.field(validator=_count(positive=True))
    per: Unit = attrs.field(default=Unit.DAY)

    @per.validator
    def _check_per(self, attribute: attrs.Attribute[Unit], value: object) -> None:
        if not isinstance(value, Unit) or value.dimension is not Dimension.TIME:
            raise _wrong_value(attribute, "a unit of time", value)

    @property
    def per_day(self) -> float:
        """Administrations per day."""
        return float(self.times / self.per.factor)

    def __str__(self) -> str:
        return f"{self.times}/{self.per.value}"


@attrs.frozen(kw_only=True)
class Dose:
    """A compound at an amount, frequency and route.

    The amount is either a daily rate (``45 mg/day``, as many sources state it) or an amount
    per administration with a [`Frequency`][vitk2.Frequency]; `daily_dose` computes the daily amount.

    Attributes:
        compound: The compound given.
        amount: How much (0 or more), or not reported.
        frequency: How often, when the amount is per administration.
        route: How it is given, or not reported.

    *Added in version 0.1.0*.
    """

    compound: Compound = attrs.field(validator=v.instance_of(Compound))
    amount: Quantity | NotReported = attrs.field(
        default=NOT_REPORTED,
        validator=_QuantityRange(
            "a dose",
            (Dimension.MASS, Dimension.MASS_RATE, Dimension.CONCENTRATION),
            optional=False,
            allow_not_reported=True,
        ),
    )
    frequency: Frequency | NotReported | None = attrs.field(default=None)
    route: Route | NotReported = attrs.field(default=NOT_REPORTED)

    @frequency.validator
    def _check_frequency(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, (Frequency, NotReported)):
            raise _wrong_type(attribute, "a frequency such as '3/day'", value)
        if (
            isinstance(value, Frequency)
            and isinstance(self.amount, Quantity)
            and self.amount.unit.dimension is Dimension.MASS_RATE
        ):
            msg = f"'frequency' must not be given with a daily amount (got {value} with {self.amount})"
            raise FieldValueError("frequency", msg)

    @route.validator
    def _check_route(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, (Route, NotReported)):
            raise _wrong_type(attribute, "a route", value)

    @property
    def daily_dose(self) -> Quantity | NotReported:
        """The amount per day in mg/day, or not reported when it cannot be computed."""
        amount = self.amount
        if isinstance(amount, NotReported):
            return amount
        if amount.unit.dimension is Dimension.MASS_RATE:
            return amount.to(Unit.MG_PER_DAY)
        if amount.unit.dimension is Dimension.MASS and isinstance(self.frequency, Frequency):
            mg = amount.to(Unit.MG).value
            return Quantity(mg * self.frequency.per_day, Unit.MG_PER_DAY)
        return NotReported("the amount per day cannot be computed from the source")

    def __str__(self) -> str:
        freq = f" {self.frequency}" if isinstance(self.frequency, Frequency) else ""
        route = f" {self.route}" if isinstance(self.route, Route) else ""
        amount = str(self.amount) if isinstance(self.amount, Quantity) else "dose not reported"
        return f"{self.compound.name} {amount}{freq}{route}"

    def __repr__(self) -> str:
        return f"<Dose {_short(self, 120)}>"


_DOSES: Final = _tuple_of(Dose)


def _doses(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _DOSES(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Phase:
    """One step of a sequential regimen, with its own entry rule and denominators.

    Attributes:
        id: Unique within the study (``"step-2"``).
        name: A label.
        doses: What is given in this phase.
        duration: How long it lasts (0 to 130 years).
        entry: Who enters the phase (``"non-responders to step 1"``).
        eligible: How many met the entry rule.
        entered: How many entered (were registered or re-registered).
        evaluable: How many could be evaluated.

    *Added in version 0.1.0*.
    """

    id: str = attrs.field(validator=_is_id)
    name: str = attrs.field(validator=_nonempty_str)
    doses: tuple[Dose, ...] = attrs.field(validator=_doses, repr=False)
    duration: Quantity | NotReported | None = attrs.field(default=None, validator=_DURATION)
    entry: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    eligible: int | NotReported | None = attrs.field(
        default=None, validator=_count(allow_not_reported=True, optional=True)
    )
    entered: int | NotReported | None = attrs.field(
        default=None, validator=_count(allow_not_reported=True, optional=True)
    )
    evaluable: int | NotReported | None = attrs.field(
        default=None, validator=_count(allow_not_reported=True, optional=True)
    )

    def __attrs_post_init__(self) -> None:
        chain = [
            ("eligible", self.eligible),
            ("entered", self.entered),
            ("evaluable", self.evaluable),
        ]
        known = [(n, x) for n, x in chain if _known(x) is not None]
        for (n1, x1), (n2, x2) in itertools.pairwise(known):
            if x2 > x1:  # type: ignore[operator]
                raise FieldValueError(n2, f"'{n2}' must be <= {n1} (got {x2} > {x1})")


@attrs.frozen(kw_only=True)
class Regimen:
    """What a group receives: doses for a duration, or ordered phases.

    Background therapy (given to everyone, not the exposure studied) and procedures (such as
    radiotherapy) are kept apart from the doses studied.

    Attributes:
        doses: The exposure studied (empty when the regimen is phased).
        duration: How long it was given (0 to 130 years).
        phases: Ordered phases of a sequential design.
        background: Co-treatment that is not the exposure studied.
        procedures: Non-drug interventions added (``"radiotherapy of the residual lesion"``).
        continuation: The rule for continuing treatment after the assessment.
        total_duration: The total treatment time under the continuation rule (0 to 130
            years).

    *Added in version 0.1.0*.
    """

    doses: tuple[Dose, ...] = attrs.field(default=(), validator=_doses)
    duration: Quantity | NotReported | None = attrs.field(default=None, validator=_DURATION)
    phases: tuple[Phase, ...] = attrs.field(default=(), validator=_tuple_of(Phase), repr=False)
    background: tuple[Dose, ...] = attrs.field(default=(), validator=_doses, repr=False)
    procedures: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    continuation: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    total_duration: Quantity | None = attrs.field(
        default=None, validator=_TOTAL_DURATION, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if self.phases and (self.doses or self.duration is not None):
            raise ValueError("a phased regimen keeps its doses and duration in its phases")
        if not (self.phases or self.doses or self.procedures or self.background):
            raise ValueError("a regimen needs doses, phases, procedures or background therapy")
        _unique([p.id for p in self.phases], "phase id")

    def __repr__(self) -> str:
        if self.phases:
            return f"<Regimen {len(self.phases)} phases: {', '.join(p.id for p in self.phases)}>"
        doses = (
            "; ".join(str(d) for d in self.doses) or "; ".join(self.procedures) or "background only"
        )
        duration = f" for {self.duration}" if isinstance(self.duration, Quantity) else ""
        return f"<Regimen {_short(doses, 120)}{duration}>"

    @property
    def all_doses(self) -> tuple[Dose, ...]:
        """The studied doses of the regimen and of every phase (not the background)."""
        return self.doses + tuple(d for p in self.phases for d in p.doses)

    @property
    def compounds(self) -> tuple[Compound, ...]:
        """Every compound studied in the regimen, once, in order of appearance."""
        seen: dict[str, Compound] = {}
        for d in self.all_doses:
            seen.setdefault(d.compound.id, d.compound)
        return tuple(seen.values())


@attrs.frozen(kw_only=True)
class SexCounts:
    """How many participants were female and male, as reported.

    *Added in version 0.1.0*.
    """

    female: int | NotReported = attrs.field(
        default=NOT_REPORTED, validator=_count(allow_not_reported=True)
    )
    male: int | NotReported = attrs.field(
        default=NOT_REPORTED, validator=_count(allow_not_reported=True)
    )


@attrs.frozen(kw_only=True)
class Age:
    """An age as reported: an exact age, a mean or median, or a range.

    The value is between 0 and 130 years (no one documented has lived past 122).

    *Added in version 0.1.0*.
    """

    measure: SummaryMeasure = attrs.field(validator=v.instance_of(SummaryMeasure))
    value: Quantity = attrs.field(
        validator=_QuantityRange("an age", _TIME, most=_LIFETIME, optional=False)
    )

    def __str__(self) -> str:
        return (
            str(self.value)
            if self.measure is SummaryMeasure.VALUE
            else f"{self.measure} {self.value}"
        )


_SIZE: Final = _count(allow_not_reported=True, optional=True)


def _size(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _SIZE(instance, attribute, value)


def _check_sex_fits(size: object, sex: SexCounts | None, where: str) -> None:
    n = _known(size)
    if sex is None or n is None:
        return
    f, m = _known(sex.female), _known(sex.male)
    if (f or 0) + (m or 0) > n:
        raise ValueError(f"sex counts exceed the {where} size ({(f or 0) + (m or 0)} > {n})")


@attrs.frozen(kw_only=True)
class Arm:
    """A group of participants: a trial arm, an exposure group, a control group.

    Attributes:
        id: Unique within the study.
        name: A label.
        role: Intervention, control, exposure or reference.
        regimen: What the group received (None for groups defined by exposure, not treatment).
        size: How many were in the group.
        sex: Sex counts of the group.
        description: Who the group is.

    *Added in version 0.1.0*.
    """

    id: str = attrs.field(validator=_is_id)
    name: str = attrs.field(validator=_nonempty_str)
    role: GroupRole = attrs.field(validator=v.instance_of(GroupRole))
    regimen: Regimen | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Regimen)), repr=False
    )
    size: int | NotReported | None = attrs.field(default=None, validator=_size)
    sex: SexCounts | None = attrs.field(
        default=None, validator=_optional(v.instance_of(SexCounts)), repr=False
    )
    description: str | None = attrs.field(default=None, validator=_optional_str, repr=False)

    def __attrs_post_init__(self) -> None:
        _check_sex_fits(self.size, self.sex, "group")


@attrs.frozen(kw_only=True)
class Population:
    """Who was studied.

    Attributes:
        description: Who, in the curator's words.
        enrolled: How many were enrolled.
        evaluable: How many were evaluable.
        age: Age as reported.
        sex: Sex counts as reported.
        subtypes: Disease subtypes (``"RA"``, ``"RCMD"``).
        risk_groups: Risk strata (``"IPSS low"``).

    *Added in version 0.1.0*.
    """

    description: str = attrs.field(validator=_nonempty_str)
    enrolled: int | NotReported | None = attrs.field(default=None, validator=_size)
    evaluable: int | NotReported | None = attrs.field(default=None, validator=_size)
    age: Age | NotReported | None = attrs.field(default=None)
    sex: SexCounts | None = attrs.field(default=None, validator=_optional(v.instance_of(SexCounts)))
    subtypes: tuple[str, ...] = attrs.field(default=(), validator=_strs)
    risk_groups: tuple[str, ...] = attrs.field(default=(), validator=_strs)

    @age.validator
    def _check_age(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, (Age, NotReported)):
            raise _wrong_type(attribute, "an age", value)

    def __repr__(self) -> str:
        counts = "".join(
            f" {name}={value}"
            for name, value in (("enrolled", self.enrolled), ("evaluable", self.evaluable))
            if value is not None
        )
        return f"<Population{counts}: {_short(self.description, 60)!r}>"

    def __attrs_post_init__(self) -> None:
        e, ev = _known(self.enrolled), _known(self.evaluable)
        if e is not None and ev is not None and ev > e:
            raise FieldValueError("evaluable", f"'evaluable' must be <= enrolled (got {ev} > {e})")
        _check_sex_fits(self.enrolled, self.sex, "enrolled")


@attrs.frozen(kw_only=True)
class Setting:
    """Where a study ran, kept apart from where its authors work.

    Attributes:
        country: The country the study ran in.
        region: A region or city.
        multicentre: Whether several centres took part.
        affiliation_country: The country of the authors' institutions, if known.

    *Added in version 0.1.0*.
    """

    country: str | NotReported = attrs.field(default=NOT_REPORTED)
    region: str | None = attrs.field(default=None, validator=_optional_str)
    multicentre: bool | None = attrs.field(default=None, validator=_optional(v.instance_of(bool)))
    affiliation_country: str | NotReported = attrs.field(default=NOT_REPORTED)

    def __repr__(self) -> str:
        parts = [str(self.country) if isinstance(self.country, str) else "country not reported"]
        if self.region:
            parts.append(self.region)
        if self.multicentre:
            parts.append("multicentre")
        return f"<Setting {_short(', '.join(parts), 80)}>"

    @country.validator
    @affiliation_country.validator
    def _check_country(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, NotReported):
            _nonempty_str(self, attribute, value)


# --------------------------------------------------------------------------------------------
# Findings and studies


@attrs.frozen(kw_only=True)
class Comparator:
    """What a finding's group is compared with.

    In a study with arms, ``group`` names the reference arm. A review's comparator has no
    arm: ``kind`` says what it is, with the trials and participants behind the estimate as
    numbers. ``description`` is words only; it never carries data.

    Attributes:
        group: The id of the reference arm (or phase) of the study.
        kind: Placebo, no treatment, usual care, an active treatment, mixed controls ...
        compounds: For an active comparator without an arm, the compounds compared with.
        studies: The number of studies behind the estimate (a review's).
        participants: The number of participants behind the estimate.
        description: The comparator in words.

    *Added in version 0.2.0*.
    """

    def _check_something(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if self.group is None and self.kind is None and not self.compounds and value is None:
            raise ValueError("a comparator must name an arm, a kind, compounds or a description")

    group: str | None = attrs.field(default=None)
    kind: ComparatorKind | None = attrs.field(
        default=None, validator=_optional(v.instance_of(ComparatorKind))
    )
    compounds: tuple[Compound, ...] = attrs.field(default=(), validator=_tuple_of(Compound))
    studies: int | None = attrs.field(default=None, validator=_count(optional=True, positive=True))
    participants: int | None = attrs.field(
        default=None, validator=_count(optional=True, positive=True)
    )
    description: str | None = attrs.field(
        default=None, validator=_all(_optional_str, _check_something)
    )

    @group.validator
    def _check_group(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None:
            _is_id(self, attribute, value)

    def __str__(self) -> str:
        if self.description is not None:
            head = self.description
        elif self.group is not None:
            head = self.group
        elif self.compounds:
            head = " or ".join(c.name for c in self.compounds)
        else:
            head = str(self.kind)
        extra = []
        if self.studies is not None:
            extra.append(f"{self.studies} {'study' if self.studies == 1 else 'studies'}")
        if self.participants is not None:
            extra.append(f"{self.participants:,} participants")
        return head + (f" ({', '.join(extra)})" if extra else "")

    def __repr__(self) -> str:
        return f"<Comparator {self}>"


def _to_comparator(value: Comparator | str | None) -> Comparator | None:
    """A comparator given as text is its description (the form of evidence files before 2)."""
    return Comparator(description=value) if isinstance(value, str) else value


@attrs.frozen(kw_only=True)
class Outcome:
    """What was measured.

    Attributes:
        name: The outcome (``"haematologic improvement"``).
        kind: Clinical, surrogate, biomarker, mechanistic, safety or recommendation.
        definition: How the outcome is defined.
        criteria: The response criteria used (``"IWG 2000"``).
        timepoint: When it was assessed (0 to 130 years).
        site: Where, for site-specific outcomes (``"lumbar spine"``).
        endpoint: The endpoint of the vocabulary it measures, when one fits.

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``endpoint``.
    """

    name: str = attrs.field(validator=_nonempty_str)
    kind: OutcomeKind = attrs.field(validator=v.instance_of(OutcomeKind))
    definition: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    criteria: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    timepoint: Quantity | None = attrs.field(default=None, validator=_TIMEPOINT, repr=False)
    site: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    endpoint: Endpoint | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Endpoint)), repr=False
    )


@attrs.frozen(kw_only=True)
class Finding:
    """One result: what was measured, in whom, its statistic, and why it is believed.

    Direction, magnitude (the statistic) and certainty are separate fields.

    Attributes:
        id: Unique across the evidence base (``"mds-2005.step-1.response"``).
        outcome: What was measured.
        indication: The indication the finding is about.
        statistic: Its number (or narrative).
        direction: Benefit, harm, no clear effect, mixed, association only.
        provenance: The quotes or locators that support it (at least one).
        group: The id of the arm or phase the finding is in (for a contrast, the arm of
            interest).
        comparator: What the group is compared with (text is taken as its description).
        subgroup: The subgroup the finding is restricted to (``"patients with anaemia"``).
        compounds: Compounds the finding is about when no group names them (a review's claim).
        basis: The kind of evidence the claim rests on, when it differs from the study's design
            (a review's claim resting on animal studies).
        certainty: A curator's certainty for this finding, when it differs from the study's.
        certainty_reasons: Why.
        rests_on: Ids of the citations the finding pools or rests on (the trials of a
            meta-analysis), so that their retraction flags it.
        caveats: What a careful reader must know.
        notes: Curators' notes.
        exposure: The exposure this finding is about, when it differs from its study's (a
            review of diet cohorts that also pools blood levels).

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``exposure``; ``comparator`` is a [`Comparator`][vitk2.Comparator].
    """

    def _check_provenance(self, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        if not value:
            raise FieldValueError(
                "provenance", "'provenance' must hold at least one quote or locator"
            )

    id: str = attrs.field(validator=_is_id)
    outcome: Outcome = attrs.field(validator=v.instance_of(Outcome))
    indication: Indication = attrs.field(validator=v.instance_of(Indication), repr=False)
    statistic: Statistic = attrs.field(
        validator=v.instance_of(tuple(STATISTIC_KINDS.values())), repr=False
    )
    direction: Direction = attrs.field(validator=v.instance_of(Direction))
    provenance: tuple[Provenance, ...] = attrs.field(
        validator=_all(_tuple_of((Quote, Locator)), _check_provenance), repr=False
    )
    group: str | None = attrs.field(default=None, repr=False)
    comparator: Comparator | None = attrs.field(
        default=None,
        converter=_to_comparator,
        validator=_optional(v.instance_of(Comparator)),
        repr=False,
    )
    subgroup: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
    compounds: tuple[Compound, ...] = attrs.field(
        default=(), validator=_tuple_of(Compound), repr=False
    )
    basis: Design | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Design)), repr=False
    )
    certainty: Certainty | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Certainty)), repr=False
    )
    certainty_reasons: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    rests_on: tuple[str, ...] = attrs.field(default=(), repr=False)
    caveats: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    exposure: Exposure | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Exposure)), repr=False
    )

    @group.validator
    def _check_group(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None:
            _is_id(self, attribute, value)

    @rests_on.validator
    def _check_rests_on(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise _wrong_type(attribute, "a tuple of citation ids", value)
        for item in value:
            _is_id(self, attribute, item)

    @property
    def verified(self) -> bool:
        """Whether no locator of the finding is marked unverified."""
        return all(
            p.status is not Verification.UNVERIFIED
            for p in self.provenance
            if isinstance(p, Locator)
        )

    @property
    def statistic_groups(self) -> tuple[str, ...]:
        """The ids of the groups the statistic names (the arms of a contrast)."""
        st = self.statistic
        if isinstance(st, (ArmCounts, Cumulative)):
            return st.groups
        if isinstance(st, GroupSummaries):
            return tuple(x.group for x in st.summaries)
        if isinstance(st, BeforeAfter):
            return (st.group,)
        if isinstance(st, TestResult):
            return st.groups
        if isinstance(st, Effect) and st.reference is not None:
            return (st.reference,)
        return ()

    @property
    def quotes(self) -> tuple[Quote, ...]:
        """The verbatim quotes among the provenance."""
        return tuple(p for p in self.provenance if isinstance(p, Quote))

    @property
    def locators(self) -> tuple[Locator, ...]:
        """The locators among the provenance."""
        return tuple(p for p in self.provenance if isinstance(p, Locator))

    @property
    def sources(self) -> tuple[str, ...]:
        """The ids of the citations the provenance points into, once each, in order."""
        return tuple(dict.fromkeys(p.source for p in self.provenance))

    def __repr__(self) -> str:
        outcome = _short(self.outcome.name, 50)
        return f"<Finding {self.id} {outcome!r} {self.direction}: {_short(self.statistic, 60)}>"

    def _repr_html_(self) -> str:
        """The HTML a notebook shows: vitk2._views.finding_view."""
        from ._views import finding_view

        return finding_view(self)


@attrs.frozen(kw_only=True)
class AdverseEvent:
    """An adverse event as reported, with its grade and its denominator if stated.

    Attributes:
        term: What happened (``"skin rash"``), or the class of events reported absent.
        participants: How many had it (0 for "no adverse events").
        total: The denominator, when the source makes it clear.
        grade: CTCAE-style grade 1-5, or not reported.
        group: The id of the arm or phase it happened in.
        provenance: Quotes or locators.
        notes: Curators' notes (for example on an ambiguous denominator).

    *Added in version 0.1.0*.
    """

    term: str = attrs.field(validator=_nonempty_str)
    participants: int | NotReported = attrs.field(validator=_count(allow_not_reported=True))
    provenance: tuple[Provenance, ...] = attrs.field(
        validator=_tuple_of((Quote, Locator)), repr=False
    )
    total: int | NotReported | None = attrs.field(default=None, validator=_size)
    grade: int | NotReported | None = attrs.field(default=None)
    group: str | None = attrs.field(default=None)
    notes: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)

    @grade.validator
    def _check_grade(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None or isinstance(value, NotReported):
            return
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise _wrong_value(attribute, "a grade from 1 to 5", value)

    @group.validator
    def _check_group(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None:
            _is_id(self, attribute, value)

    def __repr__(self) -> str:
        total = f"/{self.total}" if isinstance(self.total, int) else ""
        grade = f", grade {self.grade}" if isinstance(self.grade, int) else ""
        group = f", in {self.group}" if self.group else ""
        return f"<AdverseEvent {_short(self.term, 60)!r} {self.participants}{total}{grade}{group}>"

    def __attrs_post_init__(self) -> None:
        p, t = _known(self.participants), _known(self.total)
        if p is not None and t is not None and p > t:
            raise FieldValueError(
                "participants", f"'participants' must be <= total (got {p} > {t})"
            )
        if not self.provenance:
            raise FieldValueError(
                "provenance", "'provenance' must hold at least one quote or locator"
            )


@attrs.frozen(kw_only=True)
class EvidenceLevel:
    """How strong a study's evidence is, with the reasons.

    Attributes:
        ocebm: Oxford CEBM 2011 level (1 strongest to 5), None where not applicable.
        rationale: Why, in a sentence or two.
        certainty: GRADE-style certainty for the study's main question; when absent, vitk2
            suggests one from the data (see [`EvidenceBase.compare`][vitk2.EvidenceBase.compare]).
        downgrades: The GRADE domains rated down (``"risk of bias: no control group"``).
        question: The question the level answers (``"does VK2 improve cytopenias?"``).

    *Added in version 0.1.0*.
    """

    ocebm: int | None = attrs.field()
    rationale: str = attrs.field(validator=_nonempty_str)
    certainty: Certainty | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Certainty))
    )
    downgrades: tuple[str, ...] = attrs.field(default=(), validator=_strs)
    question: str | None = attrs.field(default=None, validator=_optional_str)

    @ocebm.validator
    def _check_ocebm(self, attribute: attrs.Attribute[int | None], value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise _wrong_value(attribute, "an OCEBM level from 1 to 5", value)

    def __str__(self) -> str:
        level = f"OCEBM {self.ocebm}" if self.ocebm is not None else "OCEBM n/a"
        certainty = self.certainty if self.certainty is not None else "not graded"
        return f"{level}, certainty {certainty}"

    def __repr__(self) -> str:
        return f"<EvidenceLevel {self}>"


@attrs.frozen(kw_only=True)
class Funding:
    """Who paid for a study, as its report states.

    Attributes:
        funders: The funders named (``"NattoPharma"``), in the report's order.
        supplement_maker: Whether a maker or seller of the supplement studied funded it or
            supplied it; None when not stated.
        note: What else the report says about funding, in the curator's words.

    *Added in version 0.2.0*.
    """

    funders: tuple[str, ...] = attrs.field(default=(), validator=_strs)
    supplement_maker: bool | None = attrs.field(
        default=None, validator=_optional(v.instance_of(bool))
    )
    note: str | None = attrs.field(default=None, validator=_optional_str)

    def __str__(self) -> str:
        who = ", ".join(self.funders) if self.funders else "funders not named"
        return who + (" (supplement maker)" if self.supplement_maker else "")

    def __repr__(self) -> str:
        note = ", with a note" if self.note else ""  # the note is bulky: see .note
        return f"<Funding {_short(self, 150)}{note}>"


@attrs.frozen(kw_only=True)
class Study:
    """A study and everything curated from it.

    Attributes:
        id: Stable slug (``"mds-vk2-d3-2005"``).
        title: A short descriptive title.
        reports: The citations reporting the study, primary report first (an interim abstract
            and its later full report are two reports of one study).
        design: The study design.
        indications: The indications it studies.
        population: Who was studied.
        level: Evidence level with rationale.
        setting: Where it ran.
        arms: Groups of participants.
        findings: Results.
        adverse_events: Adverse events as reported.
        limitations: Limitations a reader must weigh.
        notes: Curators' notes.
        includes: For a review, the ids of the studies of the evidence base it includes, so
            that its participants are never added to those of its own trials.
        exposure: Supplement or drug given, dietary intake, or circulating level; None when
            not recorded (the bundled studies before 0.2 gave a drug or supplement).
        blinding: Open label, single-blind, double-blind or assessor-blind, when the report
            says; None when it does not (or for designs without allocation).
        funding: Who paid for it, when the report says.
        provenance: Quotes or locators for the design, setting, population and regimens (the
            numbers a study holds outside its findings).

    *Added in version 0.1.0*.
    """

    id: str = attrs.field(validator=_is_id)
    title: str = attrs.field(validator=_nonempty_str, repr=False)
    reports: tuple[Citation, ...] = attrs.field(validator=_tuple_of(Citation), repr=False)
    design: Design = attrs.field(validator=v.instance_of(Design))
    indications: tuple[Indication, ...] = attrs.field(validator=_tuple_of(Indication), repr=False)
    population: Population = attrs.field(validator=v.instance_of(Population), repr=False)
    level: EvidenceLevel = attrs.field(validator=v.instance_of(EvidenceLevel), repr=False)
    setting: Setting = attrs.field(factory=Setting, validator=v.instance_of(Setting), repr=False)
    arms: tuple[Arm, ...] = attrs.field(default=(), validator=_tuple_of(Arm), repr=False)
    findings: tuple[Finding, ...] = attrs.field(
        default=(), validator=_tuple_of(Finding), repr=False
    )
    adverse_events: tuple[AdverseEvent, ...] = attrs.field(
        default=(), validator=_tuple_of(AdverseEvent), repr=False
    )
    limitations: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), validator=_strs, repr=False)
    includes: tuple[str, ...] = attrs.field(default=(), repr=False)
    exposure: Exposure | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Exposure)), repr=False
    )
    blinding: Blinding | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Blinding)), repr=False
    )
    funding: Funding | None = attrs.field(
        default=None, validator=_optional(v.instance_of(Funding)), repr=False
    )
    provenance: tuple[Provenance, ...] = attrs.field(
        default=(), validator=_tuple_of((Quote, Locator)), repr=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.reports:
            raise FieldValueError("reports", "'reports' must hold at least one citation")
        if not self.indications:
            raise FieldValueError("indications", "'indications' must hold at least one indication")
        reports, arms, findings = self.reports, self.arms, self.findings
        _unique([c.id for c in reports], "report")
        ids = [a.id for a in arms] + [p.id for a in arms if a.regimen for p in a.regimen.phases]
        groups = frozenset(ids)  # group_ids, from the list made for the check below
        _unique(ids, "group or phase id")
        _unique([f.id for f in findings], "finding id")
        report_ids = {c.id for c in reports}
        for i, f in enumerate(findings):
            group = f.group
            if group is not None and group not in groups:
                raise ModelValueError(
                    f"findings[{i}].group",
                    f"{group!r} is not a group or phase of the study"
                    f" (known: {', '.join(sorted(groups)) or 'none'})",
                    code="unknown-group",
                )
            for j, p in enumerate(f.provenance):
                if p.source not in report_ids:
                    raise ModelValueError(
                        f"findings[{i}].provenance[{j}].source",
                        f"{p.source!r} is not a report of "
                        f"the study (reports: {', '.join(sorted(report_ids))})",
                        code="unknown-report",
                    )
            for g in f.statistic_groups:
                if g not in groups:
                    raise ModelValueError(
                        f"findings[{i}].statistic",
                        f"group {g!r} is not a group of the study",
                        code="unknown-group",
                    )
            c = f.comparator
            if c is not None and c.group is not None:
                if c.group not in groups:
                    raise ModelValueError(
                        f"findings[{i}].comparator.group",
                        f"{c.group!r} is not a group or phase of "
                        f"the study (known: {', '.join(sorted(groups)) or 'none'})",
                        code="unknown-group",
                    )
                if c.group == f.group:
                    raise ModelValueError(
                        f"findings[{i}].comparator.group",
                        f"{c.group!r} is the finding's own group",
                        code="own-group",
                    )
            if isinstance(f.statistic, ArmCounts):
                named = [x for x in (f.group, c.group if c is not None else None) if x]
                missing = [x for x in named if x not in f.statistic.groups]
                if missing:
                    # The message names the finding itself, so the problem stays on the study.
                    raise ModelValueError(
                        "",
                        f"findings[{i}]: the arm {missing[0]!r} compared is not among the "
                        f"statistic's arms ({', '.join(f.statistic.groups)})",
                        code="arm-not-in-statistic",
                    )
        for j, p in enumerate(self.provenance):
            if p.source not in report_ids:
                raise ModelValueError(
                    f"provenance[{j}].source",
                    f"{p.source!r} is not a report of the study "
                    f"(reports: {', '.join(sorted(report_ids))})",
                    code="unknown-report",
                )
        for i, ae in enumerate(self.adverse_events):
            if ae.group is not None and ae.group not in groups:
                raise ModelValueError(
                    f"adverse_events[{i}].group",
                    f"{ae.group!r} is not a group or phase of the study",
                    code="unknown-group",
                )

    @includes.validator
    def _check_includes(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise _wrong_type(attribute, "a tuple of study ids", value)
        for item in value:
            _is_id(self, attribute, item)
        _unique(list(value), "included study")
        if self.id in value:
            raise FieldValueError(
                "includes", f"'includes' of {self.id!r} must not name the study itself"
            )

    @property
    def group_ids(self) -> frozenset[str]:
        """The ids of every arm and phase."""
        ids = {a.id for a in self.arms}
        ids.update(p.id for a in self.arms if a.regimen for p in a.regimen.phases)
        return frozenset(ids)

    @property
    def citation(self) -> Citation:
        """The primary report."""
        return self.reports[0]

    @property
    def year(self) -> int | NotReported:
        """The primary report's year."""
        return self.citation.year

    @property
    def first_author(self) -> str | None:
        """The primary report's first author."""
        return self.citation.first_author

    @property
    def size(self) -> int | None:
        """The number of participants (enrolled, else evaluable, else the sum of the arms)."""
        for n in (self.population.enrolled, self.population.evaluable):
            if _known(n) is not None:
                return _known(n)
        sizes = [_known(a.size) for a in self.arms]
        if sizes and all(s is not None for s in sizes):
            return sum(s for s in sizes if s is not None)
        return None

    @property
    def compounds(self) -> tuple[Compound, ...]:
        """Every compound studied in any arm or named by any finding, once each."""
        seen: dict[str, Compound] = {}
        for a in self.arms:
            if a.regimen is not None:
                for c in a.regimen.compounds:
                    seen.setdefault(c.id, c)
        for f in self.findings:
            for c in f.compounds:
                seen.setdefault(c.id, c)
        return tuple(seen.values())

    def group(self, id: str) -> Arm | Phase:
        """The arm or phase with this id.

        Raises:
            KeyError: If the study has no such group.
        """
        for a in self.arms:
            if a.id == id:
                return a
            if a.regimen is not None:
                for p in a.regimen.phases:
                    if p.id == id:
                        return p
        raise KeyError(id)

    def compounds_of(self, finding: Finding) -> tuple[Compound, ...]:
        """The compounds one of the study's findings is about.

        Those the finding names, when it names any; else those its group received (the doses
        of a phase, the regimen of an arm; none for an arm without a regimen); else, for a
        finding of the whole study, every compound of the study (`compounds`).

        >>> import vitk2
        >>> base = vitk2.load()
        >>> finding = base.finding("emaus-2010-osteoporos-int.bone-loss")
        >>> ", ".join(c.id for c in base.study_of(finding).compounds_of(finding))
        'menaquinone-7'

        Args:
            finding: A finding of this study.

        Raises:
            KeyError: If the finding's group is not a group of this study.

        *Added in version 0.2.0*.
        """
        if finding.compounds:
            return finding.compounds
        if finding.group is None:
            return self.compounds
        return self.group_compounds(finding.group)

    def group_compounds(self, id: str) -> tuple[Compound, ...]:
        """The compounds one of the study's arms or phases received, in order.

        A phase's doses, or an arm's regimen (every compound of its doses and phases); none
        for an arm without a regimen. Background therapy is not among them.

        >>> import vitk2
        >>> study = vitk2.load().study("emaus-2010-osteoporos-int")
        >>> ", ".join(c.id for c in study.group_compounds(study.arms[0].id))
        'menaquinone-7'

        Raises:
            KeyError: If the study has no arm or phase with that id.

        *Added in version 0.2.0*.
        """
        group = self.group(id)
        if isinstance(group, Phase):
            return tuple(dict.fromkeys(d.compound for d in group.doses))
        return group.regimen.compounds if group.regimen is not None else ()

    def doses_of(self, finding: Finding) -> tuple[Dose, ...]:
        """The studied doses of one of the study's findings, in order.

        Those of its group (a phase's doses, or every dose of an arm's regimen and of its
        phases; none for an arm without a regimen), or of every arm for a finding of the
        whole study. Background therapy is not among them.

        >>> import vitk2
        >>> base = vitk2.load()
        >>> finding = base.finding("mds-vk2-d3-2005.step-1.response")
        >>> ", ".join(str(d) for d in base.study_of(finding).doses_of(finding))
        'menatetrenone 15 mg 3/day oral'

        Args:
            finding: A finding of this study.

        Raises:
            KeyError: If the finding's group is not a group of this study.

        *Added in version 0.2.0*.
        """
        if finding.group is None:
            return tuple(d for a in self.arms if a.regimen is not None for d in a.regimen.all_doses)
        group = self.group(finding.group)
        if isinstance(group, Phase):
            return group.doses
        return group.regimen.all_doses if group.regimen is not None else ()

    def durations_of(self, finding: Finding) -> tuple[Quantity, ...]:
        """How long the group of one of the study's findings was treated, as reported.

        A phase's duration; an arm's regimen duration (or each of its phases'), then its
        total duration under the continuation rule; for a finding of the whole study, those
        of every arm in turn. Durations that are not reported are left out, so the tuple may
        be empty.

        >>> import vitk2
        >>> base = vitk2.load()
        >>> finding = base.finding("emaus-2010-osteoporos-int.bone-loss")
        >>> ", ".join(str(t) for t in base.study_of(finding).durations_of(finding))
        '12 month'

        Args:
            finding: A finding of this study.

        Raises:
            KeyError: If the finding's group is not a group of this study.

        *Added in version 0.2.0*.
        """
        if finding.group is None:
            regimens = [a.regimen for a in self.arms if a.regimen is not None]
        else:
            group = self.group(finding.group)
            if isinstance(group, Phase):
                return (group.duration,) if isinstance(group.duration, Quantity) else ()
            regimens = [group.regimen] if group.regimen is not None else []
        return tuple(
            t
            for r in regimens
            for t in (r.duration, *(p.duration for p in r.phases), r.total_duration)
            if isinstance(t, Quantity)
        )

    def __repr__(self) -> str:
        return f"<Study {self.id} {self.citation.label} {self.design}>"

    def _repr_html_(self) -> str:
        """The HTML a notebook shows: vitk2._views.study_view."""
        from ._views import study_view

        return study_view(self)


@attrs.frozen(kw_only=True)
class Dataset:
    """Which dataset an evidence file is, and which version.

    Attributes:
        id: Stable slug (``"vitk2-bundled"``).
        version: The dataset's version (``"2026.11.0"``).
        date: The date of this version: not in the future (today plus 31 days at most).
        title: A title.
        description: What it holds.

    *Added in version 0.1.0*.
    """

    id: str = attrs.field(validator=_is_id)
    version: str = attrs.field(validator=_nonempty_str)
    date: _dt.date | None = attrs.field(default=None, validator=_DateRange("a dataset version"))
    title: str | None = attrs.field(default=None, validator=_optional_str)
    description: str | None = attrs.field(default=None, validator=_optional_str, repr=False)
