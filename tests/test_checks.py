"""The fast converter builds records as their ``__init__`` does, with validators written inline.

`vitk2._checks` writes each validator's quick test into the generated structure hooks and
calls the validator for whatever the quick test does not accept. These tests hold the
written checks of every validated field of the model to the field's validator: for every
value, both accept it, or both refuse it with the same exception and message. They also hold
the hooks to attrs' own switch for validators and to the values they share between records.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import _checks, _convert, _io
from vitk2 import _model as m
from vitk2._units import Quantity, Unit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate  # type: ignore[import-not-found]  # the benchmarks' deterministic synthetic evidence


def _records(node: object) -> Iterator[object]:
    """Every attrs record reachable from ``node``."""
    if attrs.has(type(node)):
        yield node
        for a in attrs.fields(type(node)):  # type: ignore[arg-type]
            yield from _records(getattr(node, a.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _records(item)


def _instances() -> dict[type, list[object]]:
    """Records of each class, from the bundled base and a synthetic one."""
    synthetic = vitk2.loads(json.dumps(generate.generate(30, seed=3)), "json")
    out: dict[type, list[object]] = {}
    for base in (vitk2.load(), synthetic):
        for kind in ("compounds", "indications", "endpoints", "citations", "studies"):
            for record in _records(getattr(base, kind)):
                found = out.setdefault(type(record), [])
                if len(found) < 40:
                    found.append(record)
    return out


INSTANCES = _instances()
FIELDS = [
    (cls, a)
    for cls in sorted(_convert._model_classes(), key=lambda c: c.__name__)
    for a in attrs.fields(cls)
    if a.validator is not None
]


def _checker(a: attrs.Attribute[Any]) -> Callable[[object, object], None]:
    """The statements `check_lines` writes for ``a``, as a function of the record and value."""
    scope: dict[str, Any] = dict(_checks.SCOPE)

    def name(obj: object) -> str:
        key = f"_n{len(scope)}"
        scope[key] = obj
        return key

    lines = _checks.check_lines(a.validator, name(a), "x", name)
    source = "def check(self, x):\n" + "".join(f"    {line}\n" for line in lines) + "    pass\n"
    exec(compile(source, f"<checks of {a.name}>", "exec"), scope)
    return scope["check"]  # type: ignore[no-any-return]


CHECKERS = {(cls, a.name): _checker(a) for cls, a in FIELDS}


def _answer(check: Callable[..., object], *args: object) -> object:
    try:
        check(*args)
    except Exception as exc:  # the law is about how each refuses
        return type(exc), str(exc)
    return None


TEXT = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["", " ", "\t", "\xa0", "\u2028", "ok", "a-b.c_1", "A", "x" * 201, "p-1"]),
)
SCALARS = st.one_of(
    st.none(),
    TEXT,
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.integers(),
    st.floats(),
    st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan, 1e-300, 0.5, 1.0, 2.0]),
    st.just(m.NOT_REPORTED),
    st.builds(Quantity, st.sampled_from([0, 1, 2.5, -1, 10**6]), st.sampled_from(list(Unit))),
    st.sampled_from([m.Direction.BENEFIT, m.Better.HIGHER, m.Verification.VERIFIED]),
)


def _bounds() -> list[Quantity]:
    """Amounts at, just over and well over each quantity range's most, in each unit."""
    ranges = {
        id(part): part
        for _, a in FIELDS
        for _, part in _checks._parts(a.validator)
        if isinstance(part, m._QuantityRange) and part.most is not None
    }
    out = []
    for r in ranges.values():
        assert r.most is not None
        for unit in Unit:
            below = m._float_below(r.most, unit)
            if math.isfinite(below):
                for amount in (below, math.nextafter(below, math.inf), below * 1.5):
                    out.append(Quantity(amount, unit))
    return out


RECORDS = st.sampled_from([r for records in INSTANCES.values() for r in records[:3]])
VALUES = st.one_of(
    SCALARS,
    st.sampled_from(_bounds()),
    st.lists(SCALARS, max_size=3).map(tuple),
    st.lists(TEXT, max_size=3).map(tuple),
    st.lists(st.one_of(RECORDS, SCALARS), max_size=3).map(tuple),
    st.lists(SCALARS, max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(min_value=0))
def test_the_written_checks_answer_as_the_validators(value: object, which: int) -> None:
    for cls, a in FIELDS:  # every field, for each value drawn
        records = INSTANCES.get(cls) or [None]
        record = records[which % len(records)]
        check, validator = CHECKERS[cls, a.name], a.validator
        assert validator is not None
        written = _answer(check, record, value)
        called = _answer(validator, record, a, value)
        assert written == called, (cls.__name__, a.name, value)


def test_the_written_checks_answer_as_the_validators_on_the_values_of_records() -> None:
    for cls, a in FIELDS:
        records = INSTANCES.get(cls) or [None]
        validator = a.validator
        assert validator is not None
        for other_cls, other in FIELDS:  # the right types, valid in some field or other
            for source in INSTANCES.get(other_cls, [])[:3]:
                value = getattr(source, other.name)
                for record in records[:2]:
                    written = _answer(CHECKERS[cls, a.name], record, value)
                    called = _answer(validator, record, a, value)
                    assert written == called, (cls.__name__, a.name, value)


def test_every_validated_field_of_a_record_met_accepts_its_own_value() -> None:
    for cls, a in FIELDS:
        for record in INSTANCES.get(cls, []):
            CHECKERS[cls, a.name](record, getattr(record, a.name))  # raises if refused


def test_the_written_checks_of_tuples_of_records_answer_as_the_validators() -> None:
    others = [records[0] for records in INSTANCES.values() if records]
    tried = 0
    for cls, a in FIELDS:
        for _, part in _checks._parts(a.validator):
            if not isinstance(part, m._TupleOf):
                continue
            kinds = part.classes if isinstance(part.classes, tuple) else (part.classes,)
            good = [r for kind in kinds for r in INSTANCES.get(kind, [])[:2]]
            bad = [r for r in others if not isinstance(r, kinds)][:5]
            cases: list[tuple[object, ...]] = [(), ("x",)]
            cases += [(g,) for g in good] + [(g, g) for g in good] + [(b,) for b in bad]
            cases += [(g, b) for g in good for b in bad] + [(b, g) for g in good for b in bad]
            validator = a.validator
            assert validator is not None
            for record in (INSTANCES.get(cls) or [None])[:2]:
                for value in cases:
                    written = _answer(CHECKERS[cls, a.name], record, value)
                    assert written == _answer(validator, record, a, value), (a.name, value)
                    tried += 1
    assert tried > 500


def test_the_common_validators_are_written_inline() -> None:
    # Speed only, but a refactoring that drops them silently would undo the fast path's gain.
    def name(obj: object) -> str:
        return "_n"

    plain: tuple[Any, ...] = (m._is_id, m._nonempty_str, m._optional_str, m._strs, m._finite)
    for validator in plain:
        assert _checks.quick_test(validator, "x", name) is not None
    made: tuple[Any, ...] = (attrs.validators.instance_of(str), m._tuple_of(m.Quote), m._count())
    for validator in made:
        assert _checks.quick_test(validator, "x", name) is not None
    assert _checks.quick_test(m.Study._check_includes, "x", name) is None


_QUOTE = {"text": " ", "source": "Not An Id!"}


def test_the_built_record_skips_validators_while_attrs_has_them_disabled() -> None:
    hook = _io.fast_converter().get_structure_hook(m.Quote)
    with pytest.raises(ValueError, match="'text' must be a non-empty string"):
        m.Quote(**_QUOTE)
    with pytest.raises(ValueError, match="'text' must be a non-empty string"):
        hook(dict(_QUOTE), m.Quote)
    with attrs.validators.disabled():
        built = hook(dict(_QUOTE), m.Quote)
        assert built == m.Quote(**_QUOTE)
    assert not attrs.validators.get_disabled()


def test_the_built_record_runs_post_init_whatever_the_validators() -> None:
    doc = generate.generate(3, seed=1)
    base = vitk2.loads(json.dumps(doc), "json")
    study = dict(doc["studies"][0], reports=[])
    hook = _io.fast_converter().get_structure_hook(m.Study)
    reg = _convert.Registry()
    reg.compounds.update((c.id, c) for c in base.compounds)
    reg.indications.update((i.id, i) for i in base.indications)
    reg.endpoints.update((e.id, e) for e in base.endpoints)
    reg.citations.update((c.id, c) for c in base.citations)
    with _convert.registry(reg):
        for disabled in (False, True):
            switch = attrs.validators.disabled() if disabled else contextlib.nullcontext()
            with switch, pytest.raises(ValueError, match="'reports' must hold at least one"):
                hook(study, m.Study)


def test_a_text_p_value_and_comparator_are_shared_and_equal_to_their_parse() -> None:
    conv = _io.fast_converter()
    p = conv.get_structure_hook(m.PValue)
    first, again = p("< 0.001", m.PValue), p("< 0.001", m.PValue)
    assert first is again
    assert first == m.PValue.parse("< 0.001")
    assert p("0.060", m.PValue).decimals == 3
    assert p(0.5, m.PValue) == m.PValue(value=0.5)
    assert p(-0.0, m.PValue) is not p(0.0, m.PValue)  # numbers are never shared: -0.0 == 0.0
    comparator = conv.get_structure_hook(m.Comparator)
    made = comparator("placebo", m.Comparator)
    assert made is comparator("placebo", m.Comparator)
    assert made == m.Comparator(description="placebo")
    with pytest.raises(ValueError, match="non-empty"):
        comparator(" ", m.Comparator)


def test_a_frequency_and_a_factory_default_are_shared_only_when_immutable() -> None:
    conv = _io.fast_converter()
    frequency = conv.get_structure_hook(m.Frequency)
    assert frequency("3/week", m.Frequency) is frequency("3/week", m.Frequency)
    assert frequency("3/week", m.Frequency) == m.Frequency(times=3, per=Unit.WEEK)
    doc = generate.generate(4, seed=2)
    for citation in doc["citations"]:
        citation.pop("integrity", None)
    base = vitk2.loads(json.dumps(doc), "json")
    first, second = base.citations[0].integrity, base.citations[1].integrity
    assert first is second
    assert first == m.Integrity()
    assert _convert._immutable(m.Integrity())
    assert _convert._immutable(m.Setting())

    @attrs.define
    class Mutable:
        x: int = 0

    @attrs.frozen
    class HoldsAList:
        x: list[int] = attrs.field(factory=list)

    assert not _convert._immutable(Mutable())
    assert not _convert._immutable(HoldsAList())
    assert not _convert._immutable([])


def test_a_value_made_while_validators_are_disabled_is_not_kept_for_later() -> None:
    p = _io.fast_converter().get_structure_hook(m.PValue)
    comparator = _io.fast_converter().get_structure_hook(m.Comparator)
    with attrs.validators.disabled():
        assert p("1.5", m.PValue).value == 1.5  # out of range: accepted only with checks off
        assert comparator("\t", m.Comparator).description == "\t"
    with pytest.raises(ValueError, match="between 0 and 1"):
        p("1.5", m.PValue)
    with pytest.raises(ValueError, match="non-empty"):
        comparator("\t", m.Comparator)
