"""The JSON Schema of the evidence-file format, derived from the model.

Nothing here is written by hand per class: [`json_schema`][vitk2.json_schema] walks the attrs classes of
`_model` (``attrs.fields`` and ``typing.get_type_hints``) and applies the converter's
conventions (`_convert`):

* quantities are text such as ``"45 mg/day"`` (or ``{value, unit}``), with a pattern built from
  the units the field's dimension allows;
* enums are lists of their values; p-values are numbers or text such as ``"< 0.001"``;
  frequencies are text such as ``"3/day"``; dates are ``YYYY-MM-DD``;
* a field that may be *not reported* accepts ``"not reported"`` or ``{not_reported: note}``;
* a statistic is one of the statistic kinds, told apart by its ``kind``; provenance is a
  quote or a locator;
* references to compounds, indications and citations are their ids;
* unknown keys are errors (``additionalProperties: false``), and fields without a default are
  required;
* the bounds of the model's validators (``_Pattern``, ``_CountRange``, ``_QuantityRange``,
  ``_NumberRange``, ``_YearRange``, ``_DateRange``), read from their attributes, become
  minimums, maximums and patterns where JSON Schema can state them: a quantity that is never
  negative has no minus sign, a date's year lies in the format's range.

What JSON Schema cannot say (events <= total, dangling ids, a CAS check digit, a whole number
written ``5.0``, an age beyond 130 years written in any unit, a date in the future) is left to
[`loads`][vitk2.loads], which checks everything; the descriptions state those bounds in words.
"""

from __future__ import annotations

import copy
import datetime as _dt
import enum
import inspect
import re
import types
import typing
from collections.abc import Iterator
from functools import cache
from typing import Any, Final, TypeAlias

import attrs

from . import _model as m
from ._base import EvidenceBase
from ._convert import _REF_FIELDS
from ._io import FORMAT_VERSION, OLD_FORMAT_VERSIONS
from ._units import _ALIASES, Dimension, Quantity, Unit

__all__ = ["SCHEMA_ID", "json_schema"]

JSON: TypeAlias = dict[str, Any]

SCHEMA_ID: Final = "https://vitk2.readthedocs.io/en/latest/evidence.schema.json"
"""Where the published schema lives (``docs/evidence.schema.json`` in the repository).

*Added in version 0.1.0*.
"""

_DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"

# The number in a quantity, as the converter reads it (vitk2._convert._QUANTITY_RE), and the
# same number without a minus sign, for quantities that are never negative.
_UNSIGNED: Final = r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER: Final = rf"[-+]?{_UNSIGNED}"
_NON_NEGATIVE: Final = rf"\+?{_UNSIGNED}"
# Years as a date pattern writes them, by the bounds of the validators that allow them (the
# bounds are attributes of vitk2._model._DateRange; new bounds need a new pattern here).
_YEARS: Final = {(1800, 2100): r"(?:1[89]\d\d|20\d\d|2100)"}
# A p-value written as text, as PValue.parse reads it.
_P_TEXT: Final = r"^\s*(?:[pP]\s*)?(?:<=|≤|<|>|=)?\s*[0-9]*\.?[0-9]+(?:[eE]-?\d+)?\s*$"
_NOT_REPORTED: Final = "not reported"
_NOT_NONE = object()


def _anchored(rx: re.Pattern[str] | str) -> str:
    text = rx.pattern if isinstance(rx, re.Pattern) else rx
    return f"^(?:{text})$"


def _ref(name: str) -> JSON:
    return {"$ref": f"#/$defs/{name}"}


def _spellings(units: Iterator[Unit]) -> list[str]:
    """Every spelling the converter accepts for ``units``: the symbol first, then aliases."""
    wanted = list(units)
    out = [u.value for u in wanted]
    out.extend(alias for alias, u in _ALIASES.items() if u in wanted)
    return sorted(dict.fromkeys(out), key=lambda s: (-len(s), s))


def _unit_pattern(units: Iterator[Unit]) -> str:
    return "(?:" + "|".join(re.escape(s) for s in _spellings(units)) + ")"


def _units_of(dimensions: tuple[Dimension, ...]) -> Iterator[Unit]:
    return (u for u in Unit if not dimensions or u.dimension in dimensions)


# --- docstrings ---------------------------------------------------------------------------


def _summary(obj: object) -> str | None:
    doc = inspect.getdoc(obj)
    if not doc:
        return None
    first = doc.split("\n\n", 1)[0]
    return " ".join(first.split())


def _attribute_docs(cls: type) -> dict[str, str]:
    """The ``Attributes:`` section of a Google-style docstring, by attribute name."""
    doc = inspect.getdoc(cls) or ""
    out: dict[str, str] = {}
    lines = iter(doc.splitlines())
    for line in lines:
        if line.strip() == "Attributes:":
            break
    names: list[str] = []
    for line in lines:
        if not line.strip():
            if names:
                continue
            break
        if not line.startswith(" ") or line.lstrip().startswith(".."):
            break
        entry = re.match(r"^ {4}([a-z_][a-z_0-9, ]*): (.*)$", line)
        if entry:
            names = [n.strip() for n in entry.group(1).split(",")]
            for name in names:
                out[name] = entry.group(2).strip()
        elif names:
            for name in names:
                out[name] += " " + line.strip()
    return out


# --- validators -------------------------------------------------------------------------------


# attrs' own combinators keep their parts private: the model composes validators with its own
# (``_all`` and ``_optional``), and a field that composes them with attrs' is an error here.
_ATTRS_COMBINATORS: Final[tuple[type, ...]] = (
    type(attrs.validators.and_()),
    type(attrs.validators.optional(attrs.validators.instance_of(object))),
)


def _validators(validator: object) -> Iterator[object]:
    """The validators inside the model's ``_All`` and ``_Optional`` combinators, flattened."""
    if validator is None:
        return
    if isinstance(validator, m._All):
        for v in validator.validators:
            yield from _validators(v)
        return
    if isinstance(validator, m._Optional):
        yield from _validators(validator.validator)
        return
    if isinstance(validator, _ATTRS_COMBINATORS):
        raise TypeError(
            f"{validator!r} hides its parts: compose a field's validators with _all or "
            "_optional (not a list, attrs.validators, or @field.validator on top of validator=)"
        )
    yield validator


@attrs.frozen
class _Constraints:
    """What a field's validators say, in JSON Schema terms.

    ``minimum`` and ``maximum`` bound a number; for a quantity, a ``minimum`` of 0 says it is
    never negative (0 is 0 in every unit) and ``exclusive`` that it is above 0. ``bounds``
    says in words what no pattern can (an upper bound in any unit, the clock).
    """

    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive: bool = False
    dimensions: tuple[Dimension, ...] = ()
    nonempty_items: bool = False
    bounds: str | None = None


def _constraints(attribute: attrs.Attribute[Any]) -> _Constraints:
    found: dict[str, Any] = {}
    for v in _validators(attribute.validator):
        if v is m._is_id:
            found["pattern"] = _anchored(m._ID_RE)
        elif v in (m._nonempty_str, m._optional_str):
            found["pattern"] = r"\S"
        elif v is m._strs:
            found["nonempty_items"] = True
        elif isinstance(v, m._Pattern):
            found["pattern"] = _anchored(v.rx)
        elif isinstance(v, m._CountRange):
            found["minimum"] = v.least
        elif isinstance(v, m._QuantityRange):
            found.update(
                dimensions=v.dimensions, minimum=0, exclusive=v.positive, bounds=v.expected
            )
        elif isinstance(v, m._NumberRange):
            found.update(minimum=v.least, maximum=v.most)
        elif isinstance(v, m._YearRange):
            found.update(
                minimum=v.earliest,
                maximum=v.latest,
                bounds=f"a year from {v.earliest} to this year + {v.ahead}",
            )
        elif isinstance(v, m._DateRange):
            years = _YEARS.get((v.earliest.year, v.latest.year))
            whole_years = (v.earliest.timetuple()[1:3], v.latest.timetuple()[1:3]) == (
                (1, 1),
                (12, 31),
            )
            if years is None or not whole_years:
                raise TypeError(f"no date pattern for the bounds {v.earliest} to {v.latest}")
            found.update(
                pattern=rf"^{years}-\d{{2}}-\d{{2}}$",
                bounds=f"a date from {v.earliest} to today + {v.ahead.days} days",
            )
    return _Constraints(**found)


# --- the walk -----------------------------------------------------------------------------


def _is_union(t: object) -> bool:
    return typing.get_origin(t) in (typing.Union, types.UnionType)


def _attrs_class(t: object) -> bool:
    return isinstance(t, type) and attrs.has(t)


class _Builder:
    """Builds ``$defs`` as it meets classes and enums, once each."""

    def __init__(self) -> None:
        self.defs: dict[str, JSON] = {}
        self.refs: dict[type, dict[str, tuple[str, bool]]] = dict(_REF_FIELDS)

    # scalars with converter conventions

    def quantity(self, c: _Constraints) -> JSON:
        dimensions = c.dimensions
        units = _unit_pattern(_units_of(dimensions))
        allowed = " or ".join(d.value for d in dimensions) if dimensions else "any"
        description = f"A quantity such as '45 mg/day' ({allowed} units)"
        number = _NUMBER
        value: JSON = {"type": "number"}
        if c.minimum == 0:  # never negative, in any unit: no minus sign
            number = _NON_NEGATIVE
            value["exclusiveMinimum" if c.exclusive else "minimum"] = 0
        if c.bounds is not None:
            description += f": {c.bounds}"
        return {
            "description": description + ".",
            "oneOf": [
                {"type": "string", "pattern": rf"^\s*{number}\s*{units}\s*$"},
                {
                    "type": "object",
                    "properties": {
                        "value": value,
                        "unit": {"type": "string", "enum": _spellings(_units_of(dimensions))},
                    },
                    "required": ["value", "unit"],
                    "additionalProperties": False,
                },
            ],
        }

    def scalar(self, t: object, c: _Constraints) -> JSON | None:
        if t is str:
            out: JSON = {"type": "string"}
            if c.pattern is not None:
                out["pattern"] = c.pattern
            return out
        if t is bool:
            return {"type": "boolean"}
        if t in (int, float):
            out = {"type": "integer" if t is int else "number"}
            if c.minimum is not None:
                out["minimum"] = c.minimum
            if c.maximum is not None:
                out["maximum"] = c.maximum
            return out
        if t is _dt.date:
            out = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
            if c.pattern is not None:
                out["pattern"] = c.pattern
            return out
        if t is Quantity:
            return self.quantity(c)
        if t is Unit:
            return self.enum(Unit)
        if t is m.Frequency:
            per = _unit_pattern(_units_of((Dimension.TIME,)))
            return {
                "description": "How often: '3/day' is three times a day.",
                "type": "string",
                "pattern": rf"^\s*\d+\s*/\s*{per}\s*$",
            }
        if t is m.PValue:
            number: JSON = {
                "oneOf": [
                    {"type": "number", "minimum": 0, "maximum": 1},
                    {"type": "string", "pattern": _P_TEXT},
                ]
            }
            return {
                "description": (
                    "A p-value as reported: a number, or text such as '< 0.001' (trailing "
                    "zeros kept: '0.060'); a one-sided p-value as a mapping with 'sided: 1'."
                ),
                "oneOf": [
                    *number["oneOf"],
                    {
                        "type": "object",
                        "properties": {
                            "value": number,
                            "relation": {"enum": list(m.PValue.RELATIONS)},
                            "sided": {"enum": [1, 2]},
                        },
                        "required": ["value"],
                        "additionalProperties": False,
                    },
                ],
            }
        return None

    def enum(self, cls: type[enum.Enum]) -> JSON:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {
                "title": name,
                "description": _summary(cls),
                "enum": [e.value for e in cls],
            }
        return _ref(name)

    def not_reported(self) -> JSON:
        if "NotReported" not in self.defs:
            self.defs["NotReported"] = {
                "title": "NotReported",
                "description": _summary(m.NotReported),
                "oneOf": [
                    {"const": _NOT_REPORTED},
                    {
                        "type": "object",
                        "properties": {"not_reported": {"type": "string", "pattern": r"\S"}},
                        "required": ["not_reported"],
                        "additionalProperties": False,
                    },
                ],
            }
        return _ref("NotReported")

    def type_schema(self, t: object, c: _Constraints) -> JSON:
        if _is_union(t):
            return self.union(typing.get_args(t), c)
        origin = typing.get_origin(t)
        if origin is tuple:
            args = typing.get_args(t)
            if len(args) != 2 or args[1] is not Ellipsis:
                raise TypeError(f"unsupported tuple type {t!r}")
            item_constraints = _Constraints(pattern=r"\S") if c.nonempty_items else _Constraints()
            return {"type": "array", "items": self.type_schema(args[0], item_constraints)}
        scalar = self.scalar(t, c)
        if scalar is not None:
            return scalar
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return self.enum(t)
        if t is m.Comparator:  # text is the comparator's description, as format 1 wrote it
            return {
                "oneOf": [
                    {"type": "string", "pattern": r"\S", "description": "The comparator in words."},
                    self.object(m.Comparator),
                ]
            }
        if _attrs_class(t):
            assert isinstance(t, type)
            return self.object(t)
        raise TypeError(f"no JSON Schema convention for {t!r}")

    def union(self, members: tuple[object, ...], c: _Constraints) -> JSON:
        nullable = type(None) in members
        reportable = m.NotReported in members
        rest = [t for t in members if t not in (type(None), m.NotReported)]
        branches = [self.type_schema(t, c) for t in rest]
        if reportable:
            for branch in branches:  # keep the branches exclusive: "not reported" is not text
                if branch.get("type") == "string":
                    branch["not"] = {"const": _NOT_REPORTED}
            branches.append(self.not_reported())
        if nullable:
            branches.append({"type": "null"})
        return branches[0] if len(branches) == 1 else {"oneOf": branches}

    def object(self, cls: type) -> JSON:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # a placeholder while the class's own fields are walked
            self.defs[name] = self.fields(cls)
        return _ref(name)

    def reference(self, kind: str, many: bool) -> JSON:
        one: JSON = {"description": f"The id of a {kind}.", **_ref("Id")}
        return {"type": "array", "items": one} if many else one

    def fields(self, cls: type) -> JSON:
        hints = typing.get_type_hints(cls)
        docs = _attribute_docs(cls)
        properties: JSON = {}
        required: list[str] = []
        kind = getattr(cls, "kind", None)
        if cls in m.STATISTIC_KINDS.values() and isinstance(kind, str):
            properties["kind"] = {"const": kind, "description": "Which kind of statistic this is."}
            required.append("kind")
        refs = self.refs.get(cls, {})
        for a in attrs.fields(cls):
            if a.name in refs:
                schema = self.reference(*refs[a.name])
            else:
                schema = self.type_schema(hints[a.name], _constraints(a))
            if a.name in docs:
                schema = {"description": docs[a.name], **schema}
            default = _default(a)
            if default is not _NOT_NONE:
                schema["default"] = default
            properties[a.name] = schema
            if a.default is attrs.NOTHING:
                required.append(a.name)
        out: JSON = {
            "title": cls.__name__,
            "description": _summary(cls),
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
        if cls is m.Code:
            out["allOf"] = _code_patterns()
        return out


def _default(a: attrs.Attribute[Any]) -> Any:
    """The default as it is written in a file, or _NOT_NONE for none (or a factory)."""
    value = a.default
    if value is attrs.NOTHING or isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        return _NOT_NONE
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if value == ():
        return []
    if isinstance(value, m.NotReported) and value.note is None:
        return _NOT_REPORTED
    return _NOT_NONE


def _code_patterns() -> list[JSON]:
    """A code must have the shape of its system (a CodeSystem knows its pattern)."""
    return [
        {
            "if": {"properties": {"system": {"const": s.value}}, "required": ["system"]},
            "then": {"properties": {"code": {"pattern": _anchored(s.pattern)}}},
        }
        for s in m.CodeSystem
    ]


def _document(builder: _Builder) -> JSON:
    hints = typing.get_type_hints(EvidenceBase)
    properties: JSON = {
        "vitk2": {
            "description": (
                f"The version of the evidence-file format: {FORMAT_VERSION}; format 1 is still "
                "read, with a deprecation warning (`vitk2 upgrade` rewrites it)."
            ),
            "enum": [*OLD_FORMAT_VERSIONS, FORMAT_VERSION],
        },
        "dataset": {"oneOf": [builder.type_schema(m.Dataset, _Constraints()), {"type": "null"}]},
    }
    for key in ("compounds", "indications", "endpoints", "citations", "studies"):
        records = builder.type_schema(hints[key], _Constraints())
        properties[key] = {"oneOf": [records, {"type": "null"}]}
    return properties


@cache
def _build() -> JSON:
    builder = _Builder()
    builder.defs["Id"] = {
        "title": "Id",
        "description": "An id: lowercase letters, digits, '.', '_' or '-'.",
        "type": "string",
        "pattern": _anchored(m._ID_RE),
    }
    properties = _document(builder)
    schema: JSON = _prune(
        {
            "$schema": _DRAFT,
            "$id": SCHEMA_ID,
            "title": "vitk2 evidence file",
            "description": (
                "An evidence file for vitk2 (format version "
                f"{FORMAT_VERSION}): compounds, indications, endpoints, citations and studies. "
                "Generated "
                "from the vitk2 model by vitk2.json_schema(); do not edit by hand."
            ),
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
            "$defs": dict(sorted(builder.defs.items())),
        }
    )
    return schema


def _prune(value: Any) -> Any:
    """Drop absent titles and descriptions (a ``default`` of null stays)."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None or k == "default"}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def json_schema() -> JSON:
    """The JSON Schema (draft 2020-12) of the evidence-file format.

    Derived from the model itself, so it cannot drift from what [`loads`][vitk2.loads] reads.
    Use it to validate files in an editor (the VS Code YAML extension reads a
    ``# yaml-language-server: $schema=...`` comment), in CI, or from other languages. It
    checks the shape of a file: field names, types, required fields, enum values, quantity,
    p-value and date spellings, id and identifier patterns, and the bounds it can state (no
    negative dose, a year from 1800 to 2100). It does not check what needs the whole document
    (that an id is defined, that events do not exceed the total), an upper bound written in
    any unit (an age of 900 years) or the clock (a date in the future): only
    [`loads`][vitk2.loads] does.

    >>> import vitk2
    >>> schema = vitk2.json_schema()
    >>> schema["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    >>> "Study" in schema["$defs"]
    True

    Returns:
        A new dict each call (changing it does not change the next one).

    Raises:
        TypeError: Only if the model gained a field type with no JSON convention (a bug).

    *Added in version 0.1.0*.
    """
    return copy.deepcopy(_build())
