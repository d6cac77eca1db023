"""Threads: one bundled base for everyone, immutable all the way down.

:func:`vitk2.load` from many threads at once builds the base once and hands every caller the
same object; nothing a caller can reach can be changed, so no caller can change what another
sees.
"""

from __future__ import annotations

import copy
import gc
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs
import pytest
from attrs.exceptions import FrozenInstanceError

import vitk2
from vitk2 import _bundled
from vitk2 import testing as vt
from vitk2._io import dump, to_data

THREADS = 16
T = TypeVar("T")


def in_threads(fn: Callable[[], T], n: int = THREADS) -> list[T]:
    """Run ``fn`` in ``n`` threads released together; return the results (errors re-raised)."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread did not finish within 60 s"
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def cold_cache() -> Iterator[None]:
    """Forget the cached bundled base, so the next load() really loads; restore it after."""
    saved = _bundled._cache
    _bundled._cache = None
    try:
        yield
    finally:
        _bundled._cache = saved


@pytest.mark.usefixtures("cold_cache")
@pytest.mark.parametrize("round_", range(3))
def test_load_from_16_threads_at_once_returns_one_object(round_: int) -> None:
    bases = in_threads(vitk2.load)
    assert all(b is bases[0] for b in bases)
    assert vitk2.load() is bases[0]
    assert len(bases[0].studies) > 0


@pytest.mark.usefixtures("cold_cache")
def test_loading_in_threads_leaves_the_garbage_collector_as_it_was() -> None:
    assert gc.isenabled()
    text = dump(vitk2.load(), "json")
    in_threads(lambda: vitk2.loads(text, "json"))
    assert gc.isenabled()


def test_concurrent_first_use_of_a_base_gives_the_answers_of_serial_use() -> None:
    text = dump(vitk2.load(), "json")

    def work(base: vitk2.EvidenceBase) -> tuple[Any, ...]:
        return (
            base.content_hash,
            [c.id for c in base.search("vitamin")],
            base.compound("MK-4").id,
            [s.id for s in base.filter(indication="osteoporosis").studies],
            [f.id for f in base.findings][:5],
            dump(base, "json"),
        )

    serial = work(vitk2.loads(text, "json"))
    shared = vitk2.loads(text, "json")  # its lazy indexes are built by the threads, at once
    for result in in_threads(lambda: work(shared)):
        assert result == serial


def _reachable(base: vitk2.EvidenceBase) -> Iterator[object]:
    yield base
    yield from vt._records((base.compounds, base.indications, base.citations, base.studies))
    if base.dataset is not None:
        yield base.dataset


def test_every_object_a_caller_can_reach_is_frozen() -> None:
    base = vitk2.load()
    seen = 0
    for obj in _reachable(base):
        cls = type(obj)
        first = attrs.fields(cls)[0].name
        with pytest.raises(FrozenInstanceError):
            setattr(obj, first, None)
        seen += 1
    assert seen > 100


def test_every_collection_a_caller_can_reach_is_immutable() -> None:
    mutable = (list, dict, set, bytearray)
    for obj in _reachable(vitk2.load()):
        for field in attrs.fields(type(obj)):
            value = getattr(obj, field.name)
            assert not isinstance(value, mutable), f"{type(obj).__name__}.{field.name}"
            if isinstance(value, tuple):
                assert not any(isinstance(x, mutable) for x in value)


def _public_values(obj: object) -> Iterator[tuple[str, Any]]:
    """The values of the public, argument-free properties of ``obj``."""
    for name in dir(type(obj)):
        if name.startswith("_"):
            continue
        attr = getattr(type(obj), name, None)
        if isinstance(attr, property) or type(attr).__name__ == "cached_property":
            try:
                yield name, getattr(obj, name)
            except Exception:  # a derived value that does not apply (no interval ...)
                continue


def test_mutating_what_load_returns_cannot_change_what_another_caller_sees() -> None:
    base = vitk2.load()
    before = dump(base, "json")

    # Everything the base and its records hand out is immutable or a fresh copy.
    for obj in _reachable(base):
        for name, value in _public_values(obj):
            if isinstance(value, (list, dict, set, bytearray)):
                snapshot = copy.deepcopy(value)
                value.clear()
                assert getattr(obj, name) == snapshot, f"{type(obj).__name__}.{name} is shared"

    # Plain data is a fresh copy each time.
    data = to_data(base)
    data["studies"].clear()
    data["compounds"][0]["name"] = "changed"
    assert to_data(base) != data

    # Other threads still see the same, unchanged base.
    seen = in_threads(lambda: (vitk2.load(), dump(vitk2.load(), "json")))
    assert all(b is base and text == before for b, text in seen)
