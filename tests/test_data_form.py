"""The data form of records: vitk2's generated hooks give exactly what cattrs' own give.

The standard converter writes a record's data form (read by `dump`, `to_data` and the content
hash) with hooks generated per class (`vitk2._convert._unstructure_class`). They must give
what ``cattrs.gen.make_dict_unstructure_fn`` with defaults left out gives: the same keys, in
the same order, with the same values of the same types.
"""

from __future__ import annotations

import hashlib
import json
import sys
import typing
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import cattrs
import pytest
from cattrs.gen import make_dict_unstructure_fn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import _io
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._convert import (
    _model_classes,
    _overrides,
    _unstructure_comparator,
    make_converter,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate  # type: ignore[import-not-found]  # the benchmarks' deterministic synthetic evidence

KINDS = (
    ("citations", m.Citation),
    ("compounds", m.Compound),
    ("indications", m.Indication),
    ("endpoints", m.Endpoint),
    ("studies", m.Study),
)


def _cattrs_converter() -> cattrs.Converter:
    """The standard converter with cattrs' own generated hooks for the model's classes."""
    conv = make_converter()
    classes = frozenset(
        c for c in _model_classes() if c not in (m.Frequency, m.PValue, m.NotReported)
    )

    def factory(cls: type) -> Any:
        return make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=True, **_overrides(cls, structure=False)
        )

    conv.register_unstructure_hook_factory(lambda t: t in classes, factory)
    conv.register_unstructure_hook(
        m.Comparator, _unstructure_comparator(lambda: factory(m.Comparator))
    )
    return conv


CATTRS = _cattrs_converter()


def _typed(value: Any) -> Any:
    """``value`` with the type of every part kept, and the order of every mapping's keys."""
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_typed(v) for v in value])
    return (type(value).__name__, value)


def _assert_same_data_form(base: vitk2.EvidenceBase) -> int:
    ours = _io.converter()
    n = 0
    for key, cls in KINDS:
        for record in getattr(base, key):
            assert _typed(ours.unstructure(record, cls)) == _typed(CATTRS.unstructure(record, cls))
            n += 1
    return n


def test_the_bundled_records_have_cattrs_data_form() -> None:
    base = vitk2.load()
    assert _assert_same_data_form(base) == sum(len(getattr(base, k)) for k, _ in KINDS)


def test_synthetic_records_have_cattrs_data_form() -> None:
    base = vitk2.loads(json.dumps(generate.generate(200, seed=11)), "json")
    assert _assert_same_data_form(base) > 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vt.evidence_bases())
def test_generated_records_have_cattrs_data_form(base: vitk2.EvidenceBase) -> None:
    _assert_same_data_form(base)


def test_the_generated_hooks_are_the_converters_own() -> None:
    """The model's classes are written by the generated hooks, not by cattrs' (the point)."""
    conv = _io.converter()
    for cls in (m.Study, m.Finding, m.Arm, m.Citation, m.Proportion, m.Comparator):
        hook = conv.get_unstructure_hook(cls)
        names = {hook.__code__.co_filename}
        names |= {
            code.co_filename
            for value in getattr(hook, "__globals__", {}).values()
            if (code := getattr(value, "__code__", None)) is not None
        }
        assert not any("cattrs generated" in name for name in names), (cls, names)


@pytest.mark.parametrize(
    ("female", "kept"),
    [
        (m.NOT_REPORTED, None),
        (m.NotReported("not in the abstract"), {"not_reported": "not in the abstract"}),
        (12, 12),
    ],
)
def test_a_default_is_left_out_and_any_other_value_kept(female: Any, kept: Any) -> None:
    """A field equal to its default ("not reported" here) is left out; an equal copy too."""
    counts = m.SexCounts(female=female)
    ours = _io.converter().unstructure(counts, m.SexCounts)
    assert ours == CATTRS.unstructure(counts, m.SexCounts)
    assert ours.get("female") == kept
    copied = m.SexCounts(female=m.NotReported(None))  # equal to the default, not the same object
    assert _io.converter().unstructure(copied, m.SexCounts) == {}


def test_the_content_hash_is_the_digest_of_the_whole_canonical_text() -> None:
    """Hashed a slice at a time, the digest is the one of the canonical text written whole."""
    base = vitk2.loads(json.dumps(generate.generate(30, seed=3)), "json")  # slices of 8
    data = _io.to_data(base)
    data.pop("dataset", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert base.content_hash == hashlib.sha256(text.encode()).hexdigest()
    empty = vitk2.EvidenceBase()
    whole = json.dumps(
        _io.to_data(empty), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert empty.content_hash == hashlib.sha256(whole.encode()).hexdigest()


# The content hash written by msgspec (the ``fast`` extra): the same bytes as json.dumps


def _writer() -> tuple[Any, Any]:
    fast = _io._canonical_writer()
    if fast is None:
        pytest.skip("needs a msgspec whose encoders sort keys (order=)")
    return fast


_FLOATS = st.one_of(
    st.floats(),
    st.sampled_from([1e-05, 1e-4, 1e16, 1e15, 1e20, -0.0, 5e-324, 1.7976931348623157e308]),
)


@given(st.lists(_FLOATS, max_size=5))
def test_each_float_is_written_as_the_standard_library_writes_it(floats: list[float]) -> None:
    _, write = _writer()
    import msgspec  # installed: _writer skips otherwise

    for x in floats:
        assert _io.json_float(x) == json.dumps(x).encode()
        assert write([msgspec.Raw(_io.json_float(x))]) == json.dumps([x]).encode()
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
    data = {"b": [1, "é\u2028\x7f\n\x00"], "a": {"z": None, "y": True}, "n": 10**30, "m": -1}
    assert write(data) == encode(data).encode()


def _floats_in(data: Any) -> list[float]:
    if isinstance(data, float):
        return [data]
    if isinstance(data, dict):
        return [x for v in data.values() for x in _floats_in(v)]
    if isinstance(data, list):
        return [x for v in data for x in _floats_in(v)]
    return []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vt.evidence_bases(max_studies=4))
def test_the_hashs_data_form_holds_no_float_as_itself(base: vitk2.EvidenceBase) -> None:
    conv, write = _writer()
    plain = _io.converter()
    for cls, records in ((m.Study, base.studies), (m.Citation, base.citations)):
        for record in records:
            data = conv.unstructure(record, cls)
            assert _floats_in(data) == []  # each is msgspec.Raw, the text json.dumps writes
            assert json.loads(write(data)) == json.loads(json.dumps(plain.unstructure(record, cls)))


def test_the_bundled_and_synthetic_hashes_are_the_same_written_either_way() -> None:
    _writer()
    for base in (vitk2.load(), vitk2.loads(json.dumps(generate.generate(40, seed=9)), "json")):
        with mock.patch.object(_io, "_canonical_writer", return_value=None):
            plain = _io.canonical_digest(base)
        assert _io.canonical_digest(base) == plain


def test_a_text_msgspec_refuses_is_hashed_or_refused_as_the_standard_library_does() -> None:
    base = vitk2.load()
    study = base.studies[0]
    odd = attrs.evolve(study, notes=("a lone \ud800 surrogate",))
    broken = attrs.evolve(base, studies=(odd,))
    with pytest.raises(UnicodeEncodeError):
        _io.canonical_digest(broken)
    with (
        mock.patch.object(_io, "_canonical_writer", return_value=None),
        pytest.raises(UnicodeEncodeError),
    ):
        _io.canonical_digest(broken)


def _float_fields() -> set[tuple[type, str]]:
    def has_float(t: Any) -> bool:
        return t is float or any(has_float(a) for a in typing.get_args(t))

    out = set()
    for cls in _model_classes():
        attrs.resolve_types(cls)
        out |= {(cls, a.name) for a in attrs.fields(cls) if has_float(a.type)}
    return out


def test_every_float_field_of_the_model_is_written_in_its_form() -> None:
    conv, _ = _writer()
    fields = _float_fields()
    met: set[tuple[type, str]] = set()

    def walk(node: object) -> None:
        if attrs.has(type(node)):
            for a in attrs.fields(type(node)):  # type: ignore[arg-type]
                value = getattr(node, a.name)
                if isinstance(value, float) and (type(node), a.name) in fields:
                    met.add((type(node), a.name))
                walk(value)
        elif isinstance(node, tuple):
            for item in node:
                walk(item)

    synthetic = vitk2.loads(json.dumps(generate.generate(100, seed=9)), "json")
    for base in (vitk2.load(), synthetic):
        walk(base.studies)
        for study in base.studies:
            assert _floats_in(conv.unstructure(study, m.Study)) == []
    assert met == fields  # each float field is met holding a float, and none is written as one
