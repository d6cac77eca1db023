"""The one converter between plain data (parsed YAML or JSON) and the model.

`make_converter` builds a cattrs converter that is strict where cattrs is lenient by
default: an int must be an int (``"5"`` and ``5.7`` are errors, not 5), a string must be a
string, a list must be a list, unknown keys are errors. References between records are ids in
files and records in memory; the converter resolves them against a `Registry` while
structuring and writes ids back when unstructuring.

cattrs' exception groups are translated into [`Problem`][vitk2.Problem] values with a path such
as ``studies[1].arms[0].regimen.doses[0].amount``.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import enum
import functools
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Final, TypeVar, Union

import attrs
import cattrs
from attr import _config as _attrs_config  # what attrs' generated __init__ reads
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, override

from . import _checks
from . import _model as m
from ._errors import FieldError, ModelValueError, Problem
from ._units import Quantity, Unit, parse_unit

__all__ = ["Registry", "make_converter", "make_fast_converter", "problems_from", "registry"]

T = TypeVar("T")


@attrs.define
class Registry:
    """Records that references may resolve to while a document is structured."""

    compounds: dict[str, m.Compound] = attrs.field(factory=dict)
    indications: dict[str, m.Indication] = attrs.field(factory=dict)
    endpoints: dict[str, m.Endpoint] = attrs.field(factory=dict)
    citations: dict[str, m.Citation] = attrs.field(factory=dict)
    #: ids that exist but failed to structure: references to them are not reported twice
    broken: set[str] = attrs.field(factory=set)
    #: the records `_per_mapping` made in this load, by the mapping each was made from
    shared: dict[tuple[Any, ...], Any] = attrs.field(factory=dict)


_REGISTRY: ContextVar[Registry | None] = ContextVar("vitk2_registry", default=None)


class registry:
    """Make ``reg`` the registry references resolve against, within a ``with`` block."""

    def __init__(self, reg: Registry) -> None:
        self._reg = reg
        self._token: Any = None

    def __enter__(self) -> Registry:
        self._token = _REGISTRY.set(self._reg)
        return self._reg

    def __exit__(self, *exc: object) -> None:
        _REGISTRY.reset(self._token)


class _Dangling(ValueError):
    """A reference to an id that is not defined (code ``"dangling"``) or is itself invalid."""

    def __init__(self, message: str, *, code: str = "dangling") -> None:
        super().__init__(message)
        self.code = code


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def _ref(kind: str, table: Callable[[Registry], dict[str, Any]]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"expected the id of a {kind} (got {value!r})")
        reg = _REGISTRY.get()
        if reg is None:  # pragma: no cover - guarded by the loader
            raise RuntimeError("references resolve only while loading")
        records = table(reg)
        try:
            return records[value]
        except KeyError:
            if value in reg.broken:
                raise _Dangling(
                    f"the {kind} {value!r} is itself invalid", code="itself-invalid"
                ) from None
            raise _Dangling(f"unknown {kind} id {value!r}{_suggest(value, records)}") from None

    return structure


def _refs(one: Callable[[Any, Any], Any]) -> Callable[[Any, Any], tuple[Any, ...]]:
    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        items = _as_list(value)
        out, errors = [], []
        for i, item in enumerate(items):
            try:
                out.append(one(item, None))
            except Exception as exc:
                _note(
                    exc, cattrs.IterableValidationNote(f"Structuring item @ index {i}", i, object)
                )
                errors.append(exc)
        if errors:
            raise IterableValidationError("While structuring references", errors, tuple)
        return tuple(out)

    return structure


def _note(exc: BaseException, note: Any) -> None:
    """Attach a cattrs note (how cattrs locates an item in a collection) to ``exc``."""
    notes: list[Any] = list(getattr(exc, "__notes__", []))
    notes.append(note)
    exc.__notes__ = notes  # type: ignore[attr-defined,unused-ignore]


def _as_list(value: Any) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list (got {_describe(value)})")
    return value


def _describe(value: Any) -> str:
    """A value for a message: its ``repr`` cut to 60 characters (with its length)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str) and len(value) > 60:  # no repr of the whole of a long text
        return f"{value[:57]!r}... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}... ({len(text)} characters)"


# --- scalars ----------------------------------------------------------------------------


def _strict_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            raise TypeError(
                f"expected a whole number written without a decimal point (got {value!r})"
            )
        raise TypeError(f"expected a whole number (got {_describe(value)})")
    return value


def _strict_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number (got {_describe(value)})")
    return float(value)


def _strict_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text (got {_describe(value)})")
    return value


def _strict_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false (got {_describe(value)})")
    return value


def _date(value: Any, _: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a real date as YYYY-MM-DD (got {_describe(value)})")


_QUANTITY_RE = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*?)\s*")


# Text longer than this is not a quantity or a p-value; the cap also keeps the regular
# expressions (which backtrack quadratically on some inputs) from hanging on 100 kB strings.
_MAX_SCALAR_TEXT = 200


def _quantity(value: Any, _: Any) -> Quantity:
    if isinstance(value, str):
        if len(value) > _MAX_SCALAR_TEXT:
            raise ValueError(f"expected a quantity such as '45 mg/day' (got {_describe(value)})")
        match = _QUANTITY_RE.fullmatch(value)
        if not match:
            raise ValueError(f"expected a quantity such as '45 mg/day' (got {value!r})")
        number, unit = match.groups()
        return Quantity(float(number) if not number.lstrip("+-").isdigit() else int(number), unit)
    if isinstance(value, dict):
        extra = set(value) - {"value", "unit"}
        if extra or set(value) != {"value", "unit"}:
            raise ValueError(
                f"expected a quantity as {{value, unit}} or text such as '45 mg' (got keys {sorted(value)})"
            )
        return Quantity(_strict_float(value["value"], None), _strict_str(value["unit"], None))
    raise TypeError(f"expected a quantity such as '45 mg/day' (got {_describe(value)})")


_QUANTITY_TEXTS: dict[tuple[type, Any, Unit], str] = {}


def _unstructure_quantity(q: Quantity) -> str:
    """``45 mg/day``: kept per class, amount and unit (quantities repeat; ``1 == 1.0``)."""
    key = (q.value.__class__, q.value, q.unit)
    text = _QUANTITY_TEXTS.get(key)
    if text is None:
        text = _quantity_text(q)
        if len(_QUANTITY_TEXTS) >= _LEAF_CACHE_MAX:
            _QUANTITY_TEXTS.clear()
        _QUANTITY_TEXTS[key] = text
    return text


def _quantity_text(q: Quantity) -> str:
    value = q.value
    if isinstance(value, int):
        return f"{value} {q.unit._value_}"
    value = float(value)
    num = str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return f"{num} {q.unit._value_}"


def _unit(value: Any, _: Any) -> Unit:
    return parse_unit(_strict_str(value, None))


def _frequency(value: Any, _: Any) -> m.Frequency:
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\S+)\s*", value)
        if match:
            return m.Frequency(times=int(match.group(1)), per=parse_unit(match.group(2)))
    raise ValueError(f"expected a frequency such as '3/day' (got {_describe(value)})")


def _unstructure_p_value(p: m.PValue) -> Any:
    """A p-value as text (``"< 0.001"``, ``"0.060"``) or a number; a one-sided one as a mapping."""
    if p.sided == 1:
        out: dict[str, Any] = {"value": p.text if p.decimals is not None else p.value}
        if p.relation != "=":
            out["relation"] = p.relation
        out["sided"] = 1
        return out
    if p.decimals is not None:
        return p.text if p.relation == "=" else f"{p.relation} {p.text}"
    if p.relation == "=":
        return p.value
    number = repr(p.value)
    if "e" in number:  # '< 1e-10' reads back without decimal places, as it was
        return f"{p.relation} {number}"
    # '< 0.05' would read back with 2 decimal places: a number keeps them unrecorded
    return {"value": p.value, "relation": p.relation}


_P_KEYS = frozenset({"value", "relation", "sided"})


def _p_value(value: Any, _: Any) -> m.PValue:
    if isinstance(value, bool):
        raise TypeError(f"expected a p-value such as '< 0.001' (got {value!r})")
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in _P_KEYS)
        if unknown:
            raise ValueError(
                f"unknown key {unknown[0]!r} in a p-value; expected value, relation, sided"
            )
        if "value" not in value:
            raise ValueError("a p-value mapping needs 'value'")
        base = _p_value(value["value"], None)
        relation = value.get("relation", base.relation)
        if not isinstance(relation, str):
            raise TypeError(f"expected a relation such as '<' (got {_describe(relation)})")
        sided = value.get("sided", 2)
        if isinstance(sided, bool) or not isinstance(sided, int):
            raise TypeError(f"expected 'sided' to be 1 or 2 (got {_describe(sided)})")
        return m.PValue(value=base.value, relation=relation, sided=sided, decimals=base.decimals)
    if isinstance(value, str) and len(value) > _MAX_SCALAR_TEXT:
        raise ValueError(f"expected a p-value such as '< 0.001' (got {_describe(value)})")
    return m.PValue.parse(value)


_NOT_REPORTED = "not reported"


def _not_reported(value: Any) -> m.NotReported | None:
    if value == _NOT_REPORTED:
        return m.NOT_REPORTED
    if isinstance(value, dict) and set(value) == {"not_reported"}:
        return m.NotReported(_strict_str(value["not_reported"], None))
    return None


def _unstructure_not_reported(value: m.NotReported) -> Any:
    return _NOT_REPORTED if value.note is None else {"not_reported": value.note}


def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, Any], Any]:
    values = [e.value for e in cls]

    def structure(value: Any, _: Any) -> Any:
        try:
            return cls(value)
        except (ValueError, TypeError):
            pass
        if isinstance(value, str):
            alias = value.strip().lower().replace(" ", "_").replace("-", "_")
            if alias in values:
                return cls(alias)
        shown = ", ".join(str(v) for v in values)
        hint = _suggest(value, values) if isinstance(value, str) else ""
        raise ValueError(f"expected one of {shown} (got {_describe(value)}){hint}")

    return structure


# --- unions ------------------------------------------------------------------------------


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (Union, types.UnionType)


def _union_hook_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(t: Any) -> Callable[[Any, Any], Any]:
        members = typing.get_args(t)
        allows_none = type(None) in members
        allows_nr = m.NotReported in members
        rest = [a for a in members if a not in (type(None), m.NotReported)]
        if len(rest) != 1:  # pragma: no cover - every union in the model has one other member
            raise TypeError(f"unsupported union {t}")
        (inner,) = rest
        hooks: list[Callable[[Any, Any], Any]] = []  # the inner hook, resolved on first use

        def structure(value: Any, _: Any) -> Any:
            if value is None:
                if allows_none:
                    return None
                raise TypeError("expected a value (got null)")
            if allows_nr:
                nr = _not_reported(value)
                if nr is not None:
                    return nr
            if not hooks:
                hooks.append(conv.get_structure_hook(inner))
            return hooks[0](value, inner)

        return structure

    return factory


def _statistic(conv: cattrs.Converter) -> Callable[[Any, Any], m.Statistic]:
    kinds = m.STATISTIC_KINDS

    def structure(value: Any, _: Any) -> m.Statistic:
        if not isinstance(value, dict):
            raise TypeError(f"expected a statistic mapping with a 'kind' (got {_describe(value)})")
        kind = value.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            shown = ", ".join(kinds)
            hint = _suggest(kind, kinds) if isinstance(kind, str) else ""
            raise ValueError(f"expected 'kind' to be one of {shown} (got {kind!r}){hint}")
        body = {k: v for k, v in value.items() if k != "kind"}
        return conv.structure(body, kinds[kind])  # type: ignore[no-any-return]

    return structure


def _unstructure_statistic(conv: cattrs.Converter) -> Callable[[Any], dict[str, Any]]:
    def unstructure(value: Any) -> dict[str, Any]:
        return {"kind": value.kind, **conv.unstructure(value, type(value))}

    return unstructure


def _provenance(conv: cattrs.Converter) -> Callable[[Any, Any], m.Provenance]:
    def structure(value: Any, _: Any) -> m.Provenance:
        if isinstance(value, dict):
            if "text" in value:
                return conv.structure(value, m.Quote)
            if "locator" in value:
                return conv.structure(value, m.Locator)
        raise ValueError(
            "expected a quote {text, source, language} or a locator {source, locator} "
            f"(got {_describe(value)})"
        )

    return structure


# --- the converter ---------------------------------------------------------------------


def _tuple_hook_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Tuples from lists only: a bare string is not a list of its characters."""

    def factory(t: Any) -> Callable[[Any, Any], Any]:
        (item, _ellipsis) = typing.get_args(t)
        one = conv.get_structure_hook(item)

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            items = _as_list(value)
            out, errors = [], []
            for i, x in enumerate(items):
                try:
                    out.append(one(x, item))
                except Exception as exc:
                    _note(
                        exc, cattrs.IterableValidationNote(f"Structuring item @ index {i}", i, item)
                    )
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {t}", errors, tuple)
            return tuple(out)

        return structure

    return factory


def _is_homogeneous_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


_REF_FIELDS: dict[type, dict[str, tuple[str, bool]]] = {
    # class -> field -> (kind of record, many?)
    m.Dose: {"compound": ("compound", False)},
    m.Finding: {"indication": ("indication", False), "compounds": ("compound", True)},
    m.Outcome: {"endpoint": ("endpoint", False)},
    m.Comparator: {"compounds": ("compound", True)},
    m.Citation: {"indications": ("indication", True)},
    m.Study: {"indications": ("indication", True), "reports": ("citation", True)},
}
_TABLES: dict[str, Callable[[Registry], dict[str, Any]]] = {
    "compound": lambda r: r.compounds,
    "indication": lambda r: r.indications,
    "endpoint": lambda r: r.endpoints,
    "citation": lambda r: r.citations,
}


def _model_classes() -> Iterator[type]:
    for name in m.__all__:
        obj = getattr(m, name)
        if isinstance(obj, type) and attrs.has(obj):
            yield obj


def _model_enums() -> Iterator[type[enum.Enum]]:
    for name in m.__all__:
        obj = getattr(m, name)
        if isinstance(obj, type) and issubclass(obj, enum.Enum):
            yield obj


def _is_named_tuple(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, tuple) and hasattr(t, "_fields")


def _named_tuple_hook_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Named tuples (such as `Excluded`) travel as mappings of their fields."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        fields: tuple[str, ...] = cls._fields
        hints = typing.get_type_hints(cls)

        def structure(value: Any, _: Any) -> Any:
            if not isinstance(value, Mapping):
                raise ValueError(
                    f"expected a mapping with the keys {', '.join(fields)} (got {_describe(value)})"
                )
            unknown = sorted(str(k) for k in value if k not in fields)
            if unknown:
                raise ValueError(f"unknown key {unknown[0]!r}; expected {', '.join(fields)}")
            missing = [f for f in fields if f not in value]
            if missing:
                raise ValueError(f"missing key {missing[0]!r}")
            return cls(*(conv.structure(value[f], hints.get(f, Any)) for f in fields))

        return structure

    return factory


def _unstructure_named_tuple(conv: cattrs.Converter) -> Callable[[Any], Any]:
    def unstructure(value: Any) -> Any:
        return {f: conv.unstructure(getattr(value, f)) for f in value._fields}

    return unstructure


def _comparator_hook(
    make: Callable[[], Callable[[Any, Any], Any]], text: Callable[[Any, Any], str]
) -> Callable[[Any, Any], m.Comparator]:
    """A comparator written as text is its description; a mapping names its fields."""
    made: list[Callable[[Any, Any], Any]] = []

    def structure(value: Any, _: Any) -> m.Comparator:
        if isinstance(value, str):
            return m.Comparator(description=text(value, None))
        if not made:
            made.append(make())
        return made[0](value, m.Comparator)  # type: ignore[no-any-return]

    return structure


def _unstructure_comparator(
    make: Callable[[], Callable[[Any], Any]],
) -> Callable[[m.Comparator], Any]:
    made: list[Callable[[Any], Any]] = []

    others = tuple(
        (a.name, a.default) for a in attrs.fields(m.Comparator) if a.name != "description"
    )

    def unstructure(c: m.Comparator) -> Any:
        # words only (``c == Comparator(description=c.description)``, without building one):
        # written as text, as format 1 wrote every comparator
        if c.description is not None and all(getattr(c, n) == d for n, d in others):
            return c.description
        if not made:
            made.append(make())
        return made[0](c)

    return unstructure


def _is_statistic(t: Any) -> bool:
    return bool(t == m.Statistic)


def _is_provenance(t: Any) -> bool:
    return bool(t == m.Provenance)


def make_converter(*, float_form: Callable[[float], Any] | None = None) -> cattrs.Converter:
    """Build the converter between plain data and the model.

    Strict scalars, references by id, tagged statistics, ``"not reported"`` as a value,
    quantities as ``"45 mg/day"``, unknown keys rejected, defaults omitted on output.

    Args:
        float_form: What each float of the data form is written as, instead of itself (the
            content hash writes each as the JSON text the standard library gives it); every
            float of the data form is a float field or a p-value's value.
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(_dt.date, _date)
    conv.register_unstructure_hook(_dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(Quantity, _quantity)
    conv.register_unstructure_hook(Quantity, _unstructure_quantity)
    conv.register_structure_hook(Unit, _unit)
    conv.register_unstructure_hook(Unit, lambda u: u.value)
    conv.register_structure_hook(m.Frequency, _frequency)
    conv.register_unstructure_hook(m.Frequency, str)
    conv.register_structure_hook(m.PValue, _p_value)
    conv.register_unstructure_hook(
        m.PValue, _unstructure_p_value if float_form is None else _p_value_form(float_form)
    )
    conv.register_unstructure_hook(m.NotReported, _unstructure_not_reported)
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook_dispatch
    )
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    # The model's own enums by class as well: cattrs before 26.1 dispatches some enums to its
    # built-in hook ahead of any predicate hook, which would lose the aliases and suggestions.
    for cls in _model_enums():
        conv.register_structure_hook(cls, _enum_hook(cls))
    conv.register_structure_hook_factory(_is_union, _union_hook_factory(conv))
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory(conv))
    conv.register_structure_hook_factory(_is_named_tuple, _named_tuple_hook_factory(conv))
    conv.register_unstructure_hook_func(_is_named_tuple, _unstructure_named_tuple(conv))
    conv.register_structure_hook_func(_is_statistic, _statistic(conv))
    conv.register_structure_hook_func(_is_provenance, _provenance(conv))
    conv.register_unstructure_hook_func(_is_provenance, lambda p: conv.unstructure(p, type(p)))
    conv.register_unstructure_hook_func(_is_statistic, _unstructure_statistic(conv))

    # Hooks are generated lazily, on first use, so that a class's hook is built after the
    # hooks of the classes it holds are registered (cattrs resolves field hooks eagerly).
    classes = frozenset(
        c for c in _model_classes() if c not in (m.Frequency, m.PValue, m.NotReported)
    )

    def structure_factory(cls: type) -> Any:
        return make_dict_structure_fn(cls, conv, **_overrides(cls, structure=True))

    def unstructure_factory(cls: type) -> Any:
        return _unstructure_class(conv, cls, float_form)

    conv.register_structure_hook_factory(lambda t: t in classes, structure_factory)
    conv.register_unstructure_hook_factory(lambda t: t in classes, unstructure_factory)
    conv.register_structure_hook(
        m.Comparator, _comparator_hook(lambda: structure_factory(m.Comparator), _strict_str)
    )
    conv.register_unstructure_hook(
        m.Comparator, _unstructure_comparator(lambda: unstructure_factory(m.Comparator))
    )
    return conv


def _overrides(cls: type, *, structure: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, (kind, many) in _REF_FIELDS.get(cls, {}).items():
        if structure:
            one = _ref(kind, _TABLES[kind])
            out[field] = override(struct_hook=_refs(one) if many else one)
        else:
            out[field] = override(
                unstruct_hook=(lambda xs: [x.id for x in xs]) if many else (lambda x: x.id)
            )
    return out


def _p_value_form(float_form: Callable[[float], Any]) -> Callable[[m.PValue], Any]:
    """`_unstructure_p_value`, with its float (alone or as the mapping's value) in its form."""

    def unstructure(p: m.PValue) -> Any:
        out = _unstructure_p_value(p)
        if out.__class__ is float:
            return float_form(out)
        if out.__class__ is dict and out["value"].__class__ is float:
            out["value"] = float_form(out["value"])
        return out

    return unstructure


def _unstructure_class(
    conv: cattrs.Converter, cls: type, float_form: Callable[[float], Any] | None = None
) -> Callable[[Any], dict[str, Any]]:
    """The data form of an attrs class, generated for it: what cattrs' own hook makes, faster.

    It gives what ``make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)`` with
    the references written as ids gives (the same keys, in the same order, and the same
    values), with fewer calls: a field equal to its default is left out after an identity
    test first (most fields hold their default, and most defaults are None), and each value
    is converted by an expression made for its type (`_Outliner`). The data form is read
    on every dump and by the content hash; tests/test_data_form.py holds it equal to cattrs'.
    """
    attrs.resolve_types(cls)
    refs = _REF_FIELDS.get(cls, {})
    out = _Outliner(conv, float_form)
    scope = out.scope
    lines = ["def unstructure(o):", "    res = {}"]
    for a in attrs.fields(cls):
        if not a.init:  # pragma: no cover - every field of the model is set by __init__
            continue
        if a.name in refs:
            expr = "[x.id for x in v]" if refs[a.name][1] else "v.id"
        else:  # a field left out when None is converted only when it is not
            expr = out.expr(a.type, "v", none_checked=a.default is None)
        lines.append(f"    v = o.{a.name}")
        default = a.default
        indent = "    "
        if default is None:
            lines.append("    if v is not None:")
            indent += "    "
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            made = default.factory
            call = f"{out.name(made)}(o)" if default.takes_self else f"{out.name(made)}()"
            shared = None if default.takes_self else shared_default(made)
            if shared is not None:  # the one a load gives records, tested by identity first
                d = out.name(shared)
                lines.append(f"    if v is not {d} and v != {d}:")
            else:
                lines.append(f"    if v != {call}:")
            indent += "    "
        elif default is not attrs.NOTHING:
            d = out.name(default)
            lines.append(f"    if v is not {d} and v != {d}:")
            indent += "    "
        lines.append(f"{indent}res[{a.name!r}] = {expr}")
    lines.append("    return res")
    source = "\n".join(lines)
    exec(compile(source, f"<vitk2 data form {cls.__name__}>", "exec"), scope)
    return scope["unstructure"]  # type: ignore[no-any-return]


def _tagged(hook: Callable[[Any], dict[str, Any]], kind: str) -> Callable[[Any], dict[str, Any]]:
    """``hook``'s data form of a statistic, its ``kind`` first (as `_unstructure_statistic`)."""

    def unstructure(value: Any) -> dict[str, Any]:
        return {"kind": kind, **hook(value)}

    return unstructure


class _Outliner:
    """Expressions that give a value's data form as the standard converter's hooks do."""

    def __init__(
        self, conv: cattrs.Converter, float_form: Callable[[float], Any] | None = None
    ) -> None:
        self.conv = conv
        self.scope: dict[str, Any] = {}
        self.float_form = None if float_form is None else self.name(float_form)

    def name(self, value: Any) -> str:
        key = f"_v{len(self.scope)}"
        self.scope[key] = value
        return key

    def expr(self, t: Any, v: str, *, none_checked: bool = False) -> str:
        """An expression for the data form of ``v``, of type ``t`` (and not None if checked)."""
        if t is float and self.float_form is not None:
            return f"{self.float_form}({v})"
        if t in (str, int, float, bool):
            return v  # as cattrs: plain values are their own data form
        if _is_enum(t):
            return f"{v}._value_"  # the converter writes every enum as its value
        if _is_statistic(t) or _is_provenance(t):  # by the value's class, a statistic tagged
            by_class = {a: self.conv.get_unstructure_hook(a) for a in typing.get_args(t)}
            if _is_statistic(t):
                by_class = {a: _tagged(hook, a.kind) for a, hook in by_class.items()}
            every = self.name(self.conv.get_unstructure_hook(t))  # a subclass, as before
            return f"({self.name(by_class)}.get({v}.__class__) or {every})({v})"
        if _is_union(t):
            args = typing.get_args(t)
            rest = [a for a in args if a is not type(None)]
            maybe = type(None) in args and not none_checked
            if len(rest) == 1:
                inner = self.expr(rest[0], v)
                return f"(None if {v} is None else {inner})" if maybe and inner != v else inner
            # by the value's own class, as cattrs dispatches a union
            by_class = {a: self.conv.get_unstructure_hook(a) for a in rest if isinstance(a, type)}
            table = self.name(by_class)
            every = self.name(self.conv.unstructure)
            none = f"None if {v} is None else " if maybe else ""
            return f"({none}({table}.get({v}.__class__) or {every})({v}))"
        if _is_homogeneous_tuple(t):
            x = f"x{len(self.scope)}"
            item = self.expr(typing.get_args(t)[0], x)
            return f"list({v})" if item == x else f"[{item} for {x} in {v}]"
        return f"{self.name(self.conv.get_unstructure_hook(t))}({v})"


_ENUM_HOOKS: dict[type, Callable[[Any, Any], Any]] = {}


def _enum_hook_dispatch(value: Any, t: type[enum.Enum]) -> Any:
    hook = _ENUM_HOOKS.get(t)
    if hook is None:
        hook = _ENUM_HOOKS[t] = _enum_hook(t)
    return hook(value, t)


# --- the fast path -----------------------------------------------------------------------
#
# The detailed converter collects every problem with its path, which costs a try/except and a
# note per field and per item, and its generated code costs a compile per class on first use
# (about half the cold load of the bundled data). A valid document, the common case, needs
# neither. The fast converter uses the same scalar hooks and the same reference resolution, and
# builds each record as its attrs constructor does (`_fast_class`: every validator runs, its
# common case written inline), but stops at the first problem; the loader
# then structures that record again with the detailed converter, which reports it exactly as
# before. Whatever the fast converter accepts, the detailed one accepts as an equal object: it
# makes the same checks (unknown keys, strict scalars, lists for tuples, references) and leaves
# everything else to the constructors. What it does not handle in the same way (a mapping that
# is not a dict, say) it refuses, so that the detailed converter decides.
#
# Three things make the records smaller without changing them: short strings are interned (ids,
# names, units and vocabulary repeat across thousands of studies); a quantity, frequency,
# p-value or comparator written as text is parsed once per distinct text and shared
# (`_per_text`: each is immutable); and a default made by a factory is made once and shared
# when it is an immutable record (`_immutable`).

_INTERN_MAX = 64  # longer text (titles, quotes) is rarely repeated
_LEAF_CACHE_MAX = 4096


#: whole numbers of more digits than a document may write (`vitk2._parse.MAX_INT_DIGITS`) are
#: at least this large: the fast path refuses them, so that a record read without the standard
#: parser's check of their digits cannot hold one
_INT_BOUND = 10**4300


def _fast_int(value: Any, _: Any) -> int:
    if value.__class__ is int and -_INT_BOUND < value < _INT_BOUND:
        return value
    if value.__class__ is int:
        raise ValueError("a whole number of too many digits")
    return _strict_int(value, _)


def _fast_str(value: Any, _: Any) -> str:
    if value.__class__ is str:
        return sys.intern(value) if len(value) <= _INTERN_MAX else value
    return _strict_str(value, _)


def _per_text(structure: Callable[[Any, Any], T]) -> Callable[[Any, Any], T]:
    """``structure``, with what it makes of each text kept and shared.

    For values written as short text that repeat across records (quantities, frequencies,
    p-values, comparators) and that are immutable once made: each distinct text is read once.
    At most `_LEAF_CACHE_MAX` are kept; anything that is not text is structured each time, and
    nothing made while attrs' validators are disabled is kept.
    """
    cache: dict[str, T] = {}

    def kept(value: Any, t: Any) -> T:
        if value.__class__ is not str:
            return structure(value, t)
        made = cache.get(value)
        if made is None:
            made = structure(value, t)
            if _attrs_config._run_validators is not True:
                return made  # made without its checks (attrs' validators are disabled): not kept
            if len(cache) >= _LEAF_CACHE_MAX:
                cache.clear()
            cache[value] = made
        return made

    return kept


#: the records the fast converter shares within a load (`_per_mapping`): small ones that
#: evidence repeats word for word (an outcome, a dose, a setting, an age, a comparator)
_SHARED_RECORDS: Final = frozenset({m.Outcome, m.Dose, m.Setting, m.Age, m.Comparator})
#: the most records one load keeps for sharing: a file whose mappings never repeat costs
#: at most this many keys (a few MiB), not one per record
_SHARED_MAX = 65_536


def _per_mapping(structure: Callable[[Any, Any], T], cls: type) -> Callable[[Any, Any], T]:
    """``structure``, with the record made of each mapping of plain values shared in a load.

    A mapping whose values are all text or true/false (so that equal mappings are the same
    data: ``True == 1`` does not arise) is structured once per load: the records are kept in
    the load's `Registry`, so a reference in one resolves as it did the first time. Mappings
    holding anything else, and any value made outside a load or while attrs' validators are
    disabled, are structured each time; so is everything once a load keeps `_SHARED_MAX`.
    """

    def shared(value: Any, t: Any) -> T:
        if value.__class__ is dict:
            reg = _REGISTRY.get()
            if reg is not None:
                for x in value.values():
                    if x.__class__ is not str and x.__class__ is not bool:
                        return structure(value, t)
                key = (cls, *value.items())
                made: T | None = reg.shared.get(key)
                if made is None:
                    made = structure(value, t)
                    if _attrs_config._run_validators is True and len(reg.shared) < _SHARED_MAX:
                        reg.shared[key] = made
                return made
        return structure(value, t)

    return shared


def _fast_p_value(conv: cattrs.Converter) -> Callable[[Any, Any], m.PValue]:
    """`_p_value`, each text's p-value kept (p-values are few: ``< 0.001``, ``0.03``, ...).

    A number is the p-value ``PValue.parse`` makes of it, built by the class's fast hook;
    numbers are not kept (``-0.0 == 0.0``, yet each is written back as it was read).
    """
    made: list[Callable[[Any, Any], Any]] = []
    text = _per_text(_p_value)

    def structure(value: Any, _: Any) -> m.PValue:
        if value.__class__ is float:
            if not made:
                made.append(_fast_class(conv, m.PValue))
            return made[0]({"value": value}, m.PValue)  # type: ignore[no-any-return]
        return text(value, _)

    return structure


def _fast_comparator(conv: cattrs.Converter) -> Callable[[Any, Any], m.Comparator]:
    """`_comparator_hook` for the fast converter: text is a description, kept per text.

    A mapping is shared within a load (`_per_mapping`); text is already kept by `_per_text`,
    so it is structured without a second cache.
    """
    made: list[Callable[[Any, Any], Any]] = []

    def structure(value: Any, _: Any) -> m.Comparator:
        if not made:
            one = _fast_class(conv, m.Comparator)
            made.extend((one, _per_mapping(one, m.Comparator)))
        if isinstance(value, str):
            return made[0]({"description": value}, m.Comparator)  # type: ignore[no-any-return]
        return made[1](value, m.Comparator)  # type: ignore[no-any-return]

    return _per_text(structure)


def _fast_enum(cls: type[enum.Enum]) -> Callable[[Any, Any], Any]:
    by_value = {e.value: e for e in cls}
    slow = _enum_hook(cls)

    def structure(value: Any, t: Any) -> Any:
        if value.__class__ is str:
            member = by_value.get(value)
            if member is not None:
                return member
        return slow(value, t)

    return structure


def _fast_tuple_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(t: Any) -> Callable[[Any, Any], Any]:
        (item, _ellipsis) = typing.get_args(t)
        one = conv.get_structure_hook(item)

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            return tuple([one(x, item) for x in _as_list(value)])

        return structure

    return factory


def _fast_class(
    conv: cattrs.Converter, cls: type, skip: frozenset[str] = frozenset()
) -> Callable[[Any, Any], Any]:
    """A structure hook for an attrs class, generated for it, with no error collection.

    Each field is looked up by its key and its value checked and converted by an expression
    made for its type (`_Inliner`): text, numbers and true/false inline (the checks of
    `_fast_str`, `_fast_int`, `_strict_float` and `_strict_bool`, which it calls for any other
    value), None, "not reported", enums and lists before the hooks they would go through,
    and everything else by its hook. A key that is not a field (nor in ``skip``) makes the
    number of fields found differ from the mapping's size, and raises.

    The record is then built as its attrs ``__init__`` builds it (defaults, converters, every
    field set, then every validator, then ``__attrs_post_init__``), with each validator's
    quick test written inline (`vitk2._checks`): the validator itself is called for any value
    its quick test does not accept, and no validator runs while attrs' validators are
    disabled, as in ``__init__``.
    """
    attrs.resolve_types(cls)  # as cattrs does: the model's annotations are strings
    refs = _REF_FIELDS.get(cls, {})
    inliner = _Inliner(conv)
    scope = inliner.scope
    scope.update(_checks.SCOPE)
    scope.update(
        _cls=cls,
        _extra=_extra_keys(cls, skip),
        _describe=_describe,
        _new=object.__new__,
        _config=_attrs_config,
    )
    name = inliner.name
    lines = [
        "def structure(value, _):",
        "    if value.__class__ is not dict:",
        "        raise TypeError(f'expected a mapping (got {_describe(value)})')",
        f"    n = {sum(a.default is attrs.NOTHING for a in attrs.fields(cls))}",
    ]
    for k in sorted(skip):
        lines += [f"    if {k!r} in value:", "        n += 1"]
    fields = attrs.fields(cls)
    for i, a in enumerate(fields):
        if not a.init:  # pragma: no cover - every field of the model is set by __init__
            raise TypeError(f"{cls.__name__}.{a.name} is not set by __init__")
        if a.name in refs:
            kind, many = refs[a.name]
            one = _ref(kind, _TABLES[kind])
            expr = inliner.call(_refs(one) if many else one, None, f"f{i}")
        else:
            expr = inliner.expr(a.type, f"f{i}")
        if a.default is attrs.NOTHING:
            missing = f"raise TypeError('missing the required field {a.alias}')"
        elif isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            if a.default.takes_self:  # pragma: no cover - no field of the model's does
                raise TypeError(f"{cls.__name__}.{a.name}'s default needs the record")
            shared = shared_default(a.default.factory)  # one immutable record for every record
            made = f"{name(a.default.factory)}()" if shared is None else name(shared)
            missing = f"f{i} = {made}"
        else:
            missing = f"f{i} = {name(a.default)}"
        if a.default is attrs.NOTHING:  # counted in n's start
            lines += [
                "    try:",
                f"        f{i} = value[{a.name!r}]",
                "    except KeyError:",
                f"        {missing} from None",
                f"    f{i} = {expr}",
            ]
        else:
            lines += [
                f"    if {a.name!r} in value:",
                "        n += 1",
                f"        f{i} = value[{a.name!r}]",
                f"        f{i} = {expr}",
                "    else:",
                f"        {missing}",
            ]
        if a.converter is not None:
            lines.append(f"    f{i} = {name(a.converter)}(f{i})")
    lines += [
        "    if n != len(value):",
        "        _extra(value)",
        "    self = _new(_cls)",
    ]
    lines += [f"    {name(getattr(cls, a.name).__set__)}(self, f{i})" for i, a in enumerate(fields)]
    checks = [
        line
        for i, a in enumerate(fields)
        if a.validator is not None
        for line in _checks.check_lines(
            a.validator,
            name(a),
            f"f{i}",
            name,
            *((None, False) if a.name in refs or a.converter is not None else _made_as(a.type)),
        )
    ]
    if checks:
        # the test attrs' own generated __init__ makes (attrs.validators.set_disabled sets it)
        lines += ["    if _config._run_validators is True:"] + [
            f"        {line}" for line in checks
        ]
    if hasattr(cls, "__attrs_post_init__"):
        lines.append("    self.__attrs_post_init__()")
    lines.append("    return self")
    exec(compile("\n".join(lines), f"<vitk2 fast structure {cls.__name__}>", "exec"), scope)
    return scope["structure"]  # type: ignore[no-any-return]


@functools.cache
def shared_default(factory: Callable[[], Any]) -> Any:
    """What ``factory`` makes, made once, when it is an immutable record; else None.

    A record's default made by such a factory can be this one object in every record (as a
    default value is): the loader gives it to the records it builds, and the data form tests
    a value against it by identity before equality.
    """
    made = factory()
    return made if _immutable(made) else None


def _immutable(value: Any) -> bool:
    """Whether ``value`` is a frozen record of immutable values, which records may share."""
    setter: object = type(value).__setattr__  # attrs' frozen classes refuse to set
    if not attrs.has(type(value)) or setter is object.__setattr__:
        return False
    try:
        hash(value)  # a frozen record of hashable values: nothing in it can change
    except TypeError:
        return False
    return True


class _Inliner:
    """Expressions that structure a value as the fast converter's hooks do, with fewer calls."""

    def __init__(self, conv: cattrs.Converter) -> None:
        self.conv = conv
        self.scope: dict[str, Any] = {
            "_intern": sys.intern,
            "_B": _INT_BOUND,
            "_str": _strict_str,
            "_int": _fast_int,
            "_float": _strict_float,
            "_bool": _strict_bool,
            "_NR": m.NOT_REPORTED,
        }

    def name(self, value: Any) -> str:
        key = f"_v{len(self.scope)}"
        self.scope[key] = value
        return key

    def call(self, hook: Callable[[Any, Any], Any], t: Any, var: str) -> str:
        return f"{self.name(hook)}({var}, {self.name(t)})"

    def expr(self, t: Any, v: str) -> str:
        """An expression for the structured value of ``v``, of type ``t``."""
        if t is str:
            return f"((_intern({v}) if len({v}) <= 64 else {v}) if {v}.__class__ is str else _str({v}, None))"
        if t is int:
            return f"({v} if {v}.__class__ is int and -_B < {v} < _B else _int({v}, None))"
        if t is float:
            return f"({v} if {v}.__class__ is float else _float({v}, None))"
        if t is bool:
            return f"({v} if {v}.__class__ is bool else _bool({v}, None))"
        hook = self.conv.get_structure_hook(t)
        if _is_enum(t):
            members = self.name({e.value: e for e in t})
            return f"(({members}.get({v}) if {v}.__class__ is str else None) or {self.call(hook, t, v)})"
        if _is_union(t) and not _is_statistic(t) and not _is_provenance(t):
            args = typing.get_args(t)
            rest = [a for a in args if a not in (type(None), m.NotReported)]
            if len(rest) == 1:
                whole = self.call(hook, t, v)  # None where refused, and "not reported" mappings
                out = self.expr(rest[0], v)
                if m.NotReported in args:
                    out = f"({whole} if {v}.__class__ is dict else _NR if {v} == 'not reported' else {out})"
                none = "None" if type(None) in args else whole
                return f"({none} if {v} is None else {out})"
        if _is_homogeneous_tuple(t):
            x = f"x{len(self.scope)}"
            item = self.expr(typing.get_args(t)[0], x)
            return f"(tuple([{item} for {x} in {v}]) if {v}.__class__ is list else {self.call(hook, t, v)})"
        return self.call(hook, t, v)


def _made_as(t: Any) -> tuple[type | None, bool]:
    """The class of every value `_Inliner.expr` makes for the type ``t``, if one is sure.

    With it, whether the value may be None instead: for an enum, an attrs class, or either
    or None, which the expression makes by the class's hook (a structure hook returns its
    class or raises) or by a lookup among an enum's members. For anything else, (None, False).
    """
    args = typing.get_args(t) if _is_union(t) else (t,)
    rest = [a for a in args if a is not type(None)]
    if len(rest) == 1 and isinstance(rest[0], type) and (_is_enum(rest[0]) or attrs.has(rest[0])):
        return rest[0], len(args) > 1
    return None, False


def _extra_keys(cls: type, skip: frozenset[str]) -> Callable[[Any], None]:
    names = {a.name for a in attrs.fields(cls)} | skip

    def extra(value: Any) -> None:
        raise ForbiddenExtraKeysError("", cls, {k for k in value if k not in names})

    return extra


def _fast_statistic(conv: cattrs.Converter) -> Callable[[Any, Any], m.Statistic]:
    # Each kind's hook is generated on first use, after make_fast_converter has registered
    # the hooks of the classes a statistic holds (generated now, a group summary's items
    # would get cattrs' own hook instead of the fast one).
    hooks: dict[str, Callable[[Any, Any], Any]] = {}

    def structure(value: Any, _: Any) -> m.Statistic:
        if value.__class__ is not dict:
            raise TypeError(f"expected a statistic mapping with a 'kind' (got {_describe(value)})")
        kind = value.get("kind")
        name: str = kind if kind.__class__ is str else ""  # no kind is named ""
        hook = hooks.get(name)
        if hook is None:
            cls = m.STATISTIC_KINDS.get(name)
            if cls is None:
                shown = ", ".join(m.STATISTIC_KINDS)
                raise ValueError(f"expected 'kind' to be one of {shown} (got {kind!r})")
            hook = hooks[name] = _fast_class(conv, cls, frozenset({"kind"}))
        return hook(value, None)  # type: ignore[no-any-return]

    return structure


def _fast_provenance(conv: cattrs.Converter) -> Callable[[Any, Any], m.Provenance]:
    quote: list[Callable[[Any, Any], Any]] = []
    locator: list[Callable[[Any, Any], Any]] = []

    def structure(value: Any, _: Any) -> m.Provenance:
        if value.__class__ is dict:
            if "text" in value:
                if not quote:
                    quote.append(conv.get_structure_hook(m.Quote))
                return quote[0](value, m.Quote)  # type: ignore[no-any-return]
            if "locator" in value:
                if not locator:
                    locator.append(conv.get_structure_hook(m.Locator))
                return locator[0](value, m.Locator)  # type: ignore[no-any-return]
        raise ValueError(f"expected a quote or a locator (got {_describe(value)})")

    return structure


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def make_fast_converter() -> cattrs.Converter:
    """Build the converter that structures valid data fast and fails on the first problem.

    It only structures. Use it first and, when it raises, structure the same data again with
    `make_converter`'s converter for the located problems: see the note above.
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=False)
    conv.register_structure_hook(int, _fast_int)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(str, _fast_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(_dt.date, _date)
    conv.register_structure_hook(Quantity, _per_text(_quantity))
    conv.register_structure_hook(Unit, _unit)
    conv.register_structure_hook(m.Frequency, _per_text(_frequency))
    conv.register_structure_hook(m.PValue, _fast_p_value(conv))
    conv.register_structure_hook_factory(_is_enum, _fast_enum)
    for cls in _model_enums():  # by class too: see make_converter
        conv.register_structure_hook(cls, _fast_enum(cls))
    conv.register_structure_hook_factory(_is_union, _union_hook_factory(conv))
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _fast_tuple_factory(conv))
    conv.register_structure_hook_factory(_is_named_tuple, _named_tuple_hook_factory(conv))
    conv.register_structure_hook_func(_is_statistic, _fast_statistic(conv))
    conv.register_structure_hook_func(_is_provenance, _fast_provenance(conv))
    classes = frozenset(
        c for c in _model_classes() if c not in (m.Frequency, m.PValue, m.NotReported)
    )
    conv.register_structure_hook_factory(
        lambda t: t in classes,
        lambda t: (
            _per_mapping(_fast_class(conv, t), t) if t in _SHARED_RECORDS else _fast_class(conv, t)
        ),
    )
    conv.register_structure_hook(m.Comparator, _fast_comparator(conv))
    return conv


# --- error translation -------------------------------------------------------------------


def problems_from(exc: BaseException, file: str, path: str = "") -> list[Problem]:
    """Flatten a (possibly nested) structuring error into located problems."""
    out: list[Problem] = []
    _walk(exc, file, path, out)
    return out


def _join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def _walk(exc: BaseException, file: str, path: str, out: list[Problem]) -> None:
    if isinstance(exc, ForbiddenExtraKeysError):
        fields = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        for key in sorted(exc.extra_fields):
            out.append(
                Problem(
                    file,
                    _join(path, key),
                    f"unknown field{_suggest(key, fields) or ''}"
                    + ("" if _suggest(key, fields) else f"; expected one of {', '.join(fields)}"),
                    code="unknown-field",
                )
            )
        return
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            name = note.name
            if isinstance(sub, KeyError) and not isinstance(sub, cattrs.BaseValidationError):
                out.append(
                    Problem(file, _join(path, name), "missing required field", code="missing-field")
                )
                continue
            _walk(sub, file, _join(path, name), out)
        for sub in without:
            _walk(sub, file, path, out)
        return
    if isinstance(exc, IterableValidationError):
        items, rest = exc.group_exceptions()
        for sub, item in items:
            _walk(sub, file, _join(path, int(item.index)), out)
        for sub in rest:
            _walk(sub, file, path, out)
        return
    group = getattr(exc, "exceptions", None)
    if isinstance(group, tuple):
        for sub in group:
            _walk(sub, file, path, out)
        return
    if isinstance(exc, ModelValueError):  # a record's cross-field check, at a path inside it
        inner = exc.path
        out.append(Problem(file, _join(path, inner) if inner else path, exc.message, code=exc.code))
        return
    message = str(exc) if exc.args else type(exc).__name__
    field = _field_of(exc)
    if field and not path.endswith(field):
        path = _join(path, field)
    out.append(Problem(file, path, message, code=exc.code if isinstance(exc, _Dangling) else None))


def _field_of(exc: BaseException) -> str | None:
    """The field a validator's error is about, when it names one.

    vitk2's validators raise a `FieldError` with the field as an attribute; attrs' own pass
    the attribute they checked as the second argument.
    """
    if isinstance(exc, FieldError):
        return exc.field
    if len(exc.args) > 1 and isinstance(exc.args[1], attrs.Attribute):
        return str(exc.args[1].name)
    return None


def structure_one(
    conv: cattrs.Converter, data: Any, cls: type[T], file: str, path: str
) -> tuple[T | None, list[Problem]]:
    """Structure ``data`` as ``cls``; return the record or the problems."""
    try:
        return conv.structure(data, cls), []
    except Exception as exc:
        return None, problems_from(exc, file, path)


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    """``value`` if it is a mapping with text keys, else None."""
    return value if isinstance(value, dict) else None
