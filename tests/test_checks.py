"""The fast converter builds records as their ``__init__`` does, with validators written inline.

`vitk2._checks` writes each validator's quick test into the generated structure hooks and
calls the validator for whatever the quick test does not accept. These tests hold the
written checks of every validated field of the model to the field's validator: for every
value, both accept it, or both refuse it with the same exception and message. They also hold
the hooks to attrs' own switch for validators and to the values they share between records.
"""

from __future__ import annotations

import contextlib
import enum
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


def _checker(
    a: attrs.Attribute[Any], known: type | None = None, may_be_none: bool = False
) -> Callable[[object, object], None]:
    """The statements `check_lines` writes for ``a``, as a function of the record and value."""
    scope: dict[str, Any] = dict(_checks.SCOPE)

    def name(obj: object) -> str:
        key = f"_n{len(scope)}"
        scope[key] = obj
        return key

    lines = _checks.check_lines(a.validator, name(a), "x", name, known, may_be_none)
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


def _load_registry(base: vitk2.EvidenceBase) -> _convert.Registry:
    reg = _convert.Registry()
    reg.compounds.update((c.id, c) for c in base.compounds)
    reg.indications.update((i.id, i) for i in base.indications)
    reg.endpoints.update((e.id, e) for e in base.endpoints)
    reg.citations.update((c.id, c) for c in base.citations)
    return reg


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
    with _convert.registry(_load_registry(base)):
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


def test_an_instance_check_is_left_out_only_for_a_value_its_maker_guarantees() -> None:
    # The hooks leave out an instance_of check where the field's value was made by its class's
    # hook (or None, where the type allows it): for every such value the shorter checks must
    # answer as the validator does.
    left_out = 0
    for cls, a in FIELDS:
        refs = _convert._REF_FIELDS.get(cls, {})
        known, may_be_none = _convert._made_as(a.type)
        if known is None or a.name in refs or a.converter is not None:
            continue
        check = _checker(a, known, may_be_none)
        left_out += len(_checks.check_lines(a.validator, "_a", "x", lambda o: "_n")) - len(
            _checks.check_lines(a.validator, "_a", "x", lambda o: "_n", known, may_be_none)
        )
        made = [r for kind, rs in INSTANCES.items() if issubclass(kind, known) for r in rs[:5]]
        if issubclass(known, enum.Enum):
            made = list(known)
        values: list[object] = [*made, *([None] if may_be_none else [])]
        assert values, (cls.__name__, a.name)
        validator = a.validator
        assert validator is not None
        for record in (INSTANCES.get(cls) or [None])[:2]:
            for value in values:
                assert _answer(check, record, value) == _answer(validator, record, a, value)
    assert left_out >= 20  # Finding.outcome, Study.population, the enums, ...


def test_made_as_names_a_class_only_for_one_record_or_enum_or_none() -> None:
    assert _convert._made_as(m.Outcome) == (m.Outcome, False)
    assert _convert._made_as(m.Outcome | None) == (m.Outcome, True)
    assert _convert._made_as(m.Direction) == (m.Direction, False)
    assert _convert._made_as(str) == (None, False)
    assert _convert._made_as(m.Outcome | m.Arm) == (None, False)
    assert _convert._made_as(m.Age | m.NotReported) == (None, False)
    assert _convert._made_as(tuple[m.Outcome, ...]) == (None, False)


def test_an_id_found_well_formed_is_kept_and_no_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_checks, "_IDS_MAX", 3)
    _checks._IDS.clear()
    assert _checks._new_id("arm-1")
    assert "arm-1" in _checks._IDS
    assert not _checks._new_id("Arm 1")
    assert "Arm 1" not in _checks._IDS
    assert not _checks._new_id("-a")
    assert not _checks._new_id("")
    for i in range(10):
        assert _checks._new_id(f"x-{i}")
        assert len(_checks._IDS) <= 3  # bounded: cleared when full
    check = CHECKERS[m.Arm, "id"]
    arm = INSTANCES[m.Arm][0]
    check(arm, "x-9")  # kept: accepted by the set
    with pytest.raises(ValueError):
        check(arm, "X 9")


def test_equal_mappings_of_text_make_one_record_within_a_load_and_not_across() -> None:
    doc = generate.generate(40, seed=4)
    text = json.dumps(doc)
    first, second = vitk2.loads(text, "json"), vitk2.loads(text, "json")
    outcomes: dict[str, list[m.Outcome]] = {}
    for study in doc["studies"]:
        built = {f.id: f for f in first.study(study["id"]).findings}
        for finding in study["findings"]:
            written = json.dumps(finding["outcome"])  # the same mapping, in the same order
            outcomes.setdefault(written, []).append(built[finding["id"]].outcome)
    repeated = [same for same in outcomes.values() if len(same) > 1]
    assert repeated
    for same in repeated:
        assert all(o is same[0] for o in same)
    for a, b in zip(first.findings, second.findings, strict=True):
        assert a.outcome == b.outcome
        assert a.outcome is not b.outcome
        if b.outcome.endpoint is not None:  # resolved in its own load
            assert b.outcome.endpoint is second.endpoint(b.outcome.endpoint.id)
    doses = [d for s in first.studies for a in s.arms if a.regimen for d in a.regimen.doses]
    assert len({id(d) for d in doses}) < len(doses)


def test_a_mapping_is_shared_only_when_every_value_is_text_or_true_false() -> None:
    setting = _io.fast_converter().get_structure_hook(m.Setting)
    reg = _load_registry(vitk2.load())
    with _convert.registry(reg):
        made = setting({"country": "Italy", "multicentre": True}, m.Setting)
        assert made is setting({"country": "Italy", "multicentre": True}, m.Setting)
        # 1 == True, but 1 is not a true/false: refused, never the record made of True
        with pytest.raises(TypeError):
            setting({"country": "Italy", "multicentre": 1}, m.Setting)
        age = _io.fast_converter().get_structure_hook(m.Age)
        assert age({"measure": "mean", "value": "40 year"}, m.Age) is age(
            {"measure": "mean", "value": "40 year"}, m.Age
        )
        with attrs.validators.disabled():
            odd = setting({"country": " "}, m.Setting)
        assert odd.country == " "
        with pytest.raises(ValueError, match="non-empty"):
            setting({"country": " "}, m.Setting)  # made with checks off: not kept
    outside = setting({"country": "Italy"}, m.Setting)
    assert outside == setting({"country": "Italy"}, m.Setting)
    assert outside is not setting({"country": "Italy"}, m.Setting)  # no load: nothing kept


def test_an_instance_check_stays_where_the_value_may_be_none_and_none_is_refused() -> None:
    def name(obj: object) -> str:
        return "_n"

    required = attrs.validators.instance_of(m.Outcome)
    optional = m._optional(required)
    assert _checks.check_lines(required, "_a", "x", name, m.Outcome, False) == []
    assert _checks.check_lines(required, "_a", "x", name, m.Outcome, True) != []
    assert _checks.check_lines(optional, "_a", "x", name, m.Outcome, True) == []
    assert _checks.check_lines(required, "_a", "x", name, m.Arm, False) != []  # another class


def test_a_load_keeps_at_most_so_many_records_to_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_convert, "_SHARED_MAX", 2)
    age = _io.fast_converter().get_structure_hook(m.Age)
    reg = _load_registry(vitk2.load())
    with _convert.registry(reg):
        made = [age({"measure": "mean", "value": f"{40 + i} year"}, m.Age) for i in range(3)]
        again = [age({"measure": "mean", "value": f"{40 + i} year"}, m.Age) for i in range(3)]
    assert len(reg.shared) == 2
    assert again[0] is made[0]
    assert again[1] is made[1]
    assert again[2] == made[2]
    assert again[2] is not made[2]  # past the bound: made each time
