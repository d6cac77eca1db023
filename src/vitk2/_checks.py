"""A field's validators as inline statements, for the records the fast converter builds.

A record's ``__init__``, written by attrs, calls every validator of every field: a call of
about 0.3 µs that, for a valid record, almost always ends in the validator's first line, the
quick test that accepts the common valid value (an exact type, a value plainly in range).
`check_lines` writes that first line inline instead, and calls the validator itself only for
a value the quick test does not accept, so the validator alone judges (and words the error of)
everything else. The validators stay the one statement of the model's rules: each quick test
here accepts only what its validator accepts (``tests/test_checks.py`` holds each to it on
drawn values), and a validator without one here is called as ``__init__`` calls it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from attrs import validators as v

from . import _model as m
from ._units import Quantity, Unit

__all__ = ["check_lines", "quick_test"]

_INSTANCE_OF: Any = type(v.instance_of(object))

_TEXT = "({x}.__class__ is str and {x} != '' and not {x}.isspace())"  # non-empty text
_ID = "({x}.__class__ is str and ({x} in _ids or _new_id({x})))"
_NO_ITEMS = "{x}.__class__ is tuple and not {x}"

#: the validators whose quick test does not depend on their parameters (``{x}`` is the
#: value), the records' own validators (methods) among them
_PLAIN: dict[Any, str] = {
    m._is_id: _ID,
    m._nonempty_str: _TEXT,
    m._optional_str: "{x} is None or " + _TEXT,
    m._strs: _NO_ITEMS,
    m._finite: "{x} is None or ({x}.__class__ is float and -_inf < {x} < _inf)",
    m.Quote._check_language: "{x}.__class__ is str and _language_match({x}) is not None",
    m.Finding._check_group: "{x} is None or " + _ID,
    m.Comparator._check_group: "{x} is None or " + _ID,
    m.AdverseEvent._check_group: "{x} is None or " + _ID,
    m.Finding._check_rests_on: _NO_ITEMS,
    m.Finding._check_provenance: "{x}.__class__ is tuple and len({x}) > 0",
    m.Setting._check_country: "{x}.__class__ is _NotReported or " + _TEXT,
    m.Citation._check_text: "{x}.__class__ is _NotReported or " + _TEXT,
    m.Dose._check_route: "{x}.__class__ is _Route or {x}.__class__ is _NotReported",
    m.Summary._check_change: "{x} is not False",
}

#: validators that only call another: their quick test is the other's
_SAME_AS: dict[Any, Any] = {m._size: m._SIZE, m._doses: m._DOSES}

#: ids already found well formed (at most `_IDS_MAX`): most ids are met many times (an arm's,
#: a compound's), and looking one up costs a tenth of matching it
_IDS: set[str] = set()
_IDS_MAX = 8192


def _new_id(value: str) -> bool:
    """Whether ``value`` is a well-formed id; kept among `_IDS` if it is."""
    if m._ID_MATCH(value) is None:
        return False
    if len(_IDS) >= _IDS_MAX:
        _IDS.clear()
    _IDS.add(value)
    return True


#: the names the quick tests use, in the scope of the code they are written into
SCOPE: dict[str, Any] = {
    "_ids": _IDS,
    "_new_id": _new_id,
    "_inf": math.inf,
    "_Quantity": Quantity,
    "_NotReported": m.NotReported,
    "_Route": m.Route,
    "_language_match": m._LANG_RE.fullmatch,
}


def quick_test(validator: Any, x: str, name: Callable[[Any], str]) -> str | None:
    """An expression true of the value ``x`` only when ``validator`` accepts it, or None.

    Args:
        validator: One validator, not a composition of several (see `check_lines`).
        x: The name of the local variable holding the value.
        name: Gives the name under which an object is in the written code's scope.
    """
    validator = _SAME_AS.get(validator, validator)
    plain = _PLAIN.get(validator)
    if plain is not None:
        return plain.format(x=x)
    kind = validator.__class__
    if kind is _INSTANCE_OF:
        return f"isinstance({x}, {name(validator.type)})"
    if kind is m._TupleOf:  # none, or one of exactly the class (the common cases)
        classes = (
            validator.classes if isinstance(validator.classes, tuple) else (validator.classes,)
        )
        one = " or ".join(f"{x}[0].__class__ is {name(c)}" for c in classes)
        none = _NO_ITEMS.format(x=x)
        return f"{none} or ({x}.__class__ is tuple and len({x}) == 1 and ({one}))"
    if kind is m._CountRange:
        test = f"({x}.__class__ is int and {x} >= {validator.least})"
        return _or_absent(test, x, validator.optional, validator.allow_not_reported)
    if kind is m._QuantityRange:
        return _quantity_test(validator, x, name)
    if kind is m._Pattern:
        match = name(validator.rx.fullmatch)
        return f"{x} is None or ({x}.__class__ is str and {match}({x}) is not None)"
    return None


def _or_absent(test: str, x: str, optional: bool, allow_not_reported: bool) -> str:
    """``test``, or None where it is allowed, or "not reported" where that is."""
    if optional:
        test = f"{x} is None or {test}"
    if allow_not_reported:
        test = f"{x}.__class__ is _NotReported or {test}"
    return test


def _quantity_test(validator: Any, x: str, name: Callable[[Any], str]) -> str:
    """A quantity of an allowed unit, not below 0 (or at 0 when positive), nor above the most.

    The largest amount of each unit within the most is worked out once (as the validator
    works it out on first meeting the unit); a unit of another dimension has none.
    """
    dimensions, most = validator.dimensions, validator.most
    below = {
        unit: (math.inf if most is None else m._float_below(most, unit))
        for unit in Unit
        if not dimensions or unit.dimension in dimensions
    }
    bound = name(below)
    low = ">" if validator.positive else ">="
    test = (
        f"({x}.__class__ is _Quantity and {x}.value {low} 0"
        f" and {x}.value <= {bound}.get({x}.unit, -_inf))"
    )
    return _or_absent(test, x, validator.optional, validator.allow_not_reported)


def _parts(validator: Any, optional: bool = False) -> Iterator[tuple[bool, Any]]:
    """Each validator ``validator`` runs, first to last, and whether None passes it untested."""
    if validator.__class__ is m._All:
        for part in validator.validators:
            yield from _parts(part, optional)
    elif validator.__class__ is m._Optional:
        yield from _parts(validator.validator, True)
    else:
        yield optional, validator


def check_lines(
    validator: Any,
    attribute: str,
    x: str,
    name: Callable[[Any], str],
    known: type | None = None,
    may_be_none: bool = False,
) -> list[str]:
    """Statements that check the value ``x`` as ``validator(self, attribute, x)`` does.

    ``validator`` may be a composition (`_All`, `_Optional`): each validator in it is checked
    in the order the composition runs them, by its quick test where it has one and by a call
    of it otherwise, so the first to refuse raises its own error, as it would in ``__init__``.

    Args:
        validator: A field's validator.
        attribute: The name of the field's `attrs.Attribute` in the written code's scope.
        x: The name of the local variable holding the value.
        name: Gives the name under which an object is in the written code's scope.
        known: A class the code that made ``x`` guarantees it is an instance of (or None,
            where ``may_be_none``): an ``instance_of`` check that such a value always passes
            is left out.
        may_be_none: Whether ``x`` may be None instead of a ``known``.
    """
    lines = []
    for optional, part in _parts(validator):
        if (
            known is not None
            and part.__class__ is _INSTANCE_OF
            and isinstance(part.type, type)
            and issubclass(known, part.type)
            and (optional or not may_be_none)
        ):
            continue
        call = f"{name(m._direct_call(part))}(self, {attribute}, {x})"
        test = quick_test(part, x, name)
        if optional:
            test = f"{x} is None" if test is None else f"{x} is None or {test}"
        lines.append(call if test is None else f"if not ({test}): {call}")
    return lines
