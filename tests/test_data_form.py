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
from pathlib import Path
from typing import Any

import cattrs
import pytest
from cattrs.gen import make_dict_unstructure_fn
from hypothesis import HealthCheck, given, settings

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
