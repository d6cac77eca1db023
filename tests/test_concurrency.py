"""Threads: one bundled base for everyone, immutable all the way down.

:func:`vitk2.load` from many threads at once builds the base once and hands every caller the
same object; nothing a caller can reach can be changed, so no caller can change what another
sees.
"""

from __future__ import annotations

import copy
import gc
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs
import pytest
from attrs.exceptions import FrozenInstanceError

import vitk2
from vitk2 import _bundled, _index
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


# -- fork: a child forked while a thread holds one of vitk2's locks gets locks of its own ----

CHILD_SECONDS = 60


def _in_forked_child(work: Callable[[], bool]) -> int:
    """Fork; the child runs ``work`` and exits 0 if it returns True. The child's exit code.

    The child is killed, and the test fails, if it has not exited within
    :data:`CHILD_SECONDS`: a child that inherited a lock held by a thread it does not have
    waits forever.
    """
    with warnings.catch_warnings():  # Python 3.12+: fork() in a multi-threaded process
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never return into the test runner
        code = 1
        try:
            code = 0 if work() else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + CHILD_SECONDS
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"the forked child did not finish within {CHILD_SECONDS} s: it hangs")
        time.sleep(0.02)


needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")


@needs_fork
def test_a_fork_during_the_first_load_waits_for_it_and_the_child_has_the_base(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parent = os.getpid()
    entered, release = threading.Event(), threading.Event()
    load_uncached = _bundled._load_uncached

    def slow_load() -> vitk2.EvidenceBase:  # called with the module's lock held
        if os.getpid() == parent:
            entered.set()
            release.wait(CHILD_SECONDS)
        return load_uncached()

    monkeypatch.setattr(_bundled, "_cache", None)  # a first load, as in a fresh process
    monkeypatch.setattr(_bundled, "_load_uncached", slow_load)
    loaded: list[vitk2.EvidenceBase] = []
    loader = threading.Thread(target=lambda: loaded.append(_bundled.load()))
    loader.start()
    timer = threading.Timer(0.3, release.set)  # the load ends while the fork waits for it
    try:
        assert entered.wait(CHILD_SECONDS)

        def child() -> bool:  # forked only once the load was over: its base is inherited
            inherited = _bundled._cache
            return inherited is not None and vitk2.load() is inherited and len(inherited) > 0

        timer.start()
        assert _in_forked_child(child) == 0
        assert release.is_set()
    finally:
        release.set()
        timer.cancel()
        loader.join(CHILD_SECONDS)
    assert not loader.is_alive()
    assert loaded == [_bundled._cache]
    assert vitk2.load() is loaded[0]


_FORK_DURING_FIRST_LOAD = """
import os, sys, threading, time, warnings
import vitk2

warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+: fork() with threads
loader = threading.Thread(target=vitk2.load)
loader.start()
time.sleep(float(sys.argv[1]))
pid = os.fork()
if pid == 0:
    code = 2
    try:
        code = 0 if len(vitk2.load().studies) > 0 else 2
    finally:
        os._exit(code)
deadline = time.monotonic() + float(sys.argv[2])
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        sys.exit(os.waitstatus_to_exitcode(status))
    if time.monotonic() > deadline:
        os.kill(pid, 9)
        sys.exit(3)
    time.sleep(0.02)
"""


@needs_fork
@pytest.mark.parametrize("delay", [0.0, 0.005, 0.05, 0.2])
def test_a_child_forked_in_a_fresh_process_during_its_first_load_loads(delay: float) -> None:
    """The first load imports the loader: a fork in that window must not hang the child."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _FORK_DURING_FIRST_LOAD, str(delay), str(CHILD_SECONDS)],
        capture_output=True,
        text=True,
        timeout=CHILD_SECONDS * 2,
    )
    assert proc.returncode != 3, "the forked child hung in its first load()"
    assert proc.returncode == 0, proc.stderr


@needs_fork
def test_a_child_forked_while_an_answer_is_stored_stores_its_own() -> None:
    base = vitk2.loads(dump(vitk2.load(), "json"), "json")
    base.filter(indication="mds")
    results = base._index.filtered
    holding, release = threading.Event(), threading.Event()

    def store() -> None:  # a thread inside Results.put, holding its lock
        with results._lock:
            holding.set()
            release.wait(CHILD_SECONDS)

    storer = threading.Thread(target=store)
    storer.start()
    try:
        assert holding.wait(CHILD_SECONDS)

        def child() -> bool:
            first = base.filter(indication="osteoporosis")  # a new answer, stored in results
            return base.filter(indication="osteoporosis") is first and len(results) == 2

        assert _in_forked_child(child) == 0
    finally:
        release.set()
        storer.join(CHILD_SECONDS)
    assert not storer.is_alive()
    assert len(results) == 1  # the child's answer stayed in the child


def test_the_after_fork_handlers_replace_held_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    # what os.register_at_fork runs in a child, run here, where coverage sees it
    held = threading.RLock()
    monkeypatch.setattr(_bundled, "_lock", held)

    def free_elsewhere() -> bool:  # whether another thread could take the load lock now
        got: list[bool] = []

        def attempt() -> None:
            if held.acquire(blocking=False):
                held.release()
                got.append(True)
            else:
                got.append(False)

        t = threading.Thread(target=attempt)
        t.start()
        t.join()
        return got[0]

    assert free_elsewhere()
    _bundled._before_fork()  # what a fork runs first: a load in progress is waited for
    assert not free_elsewhere()
    _bundled._after_fork_in_parent()  # and the parent gets the lock back
    assert free_elsewhere()
    _bundled._before_fork()
    _bundled._after_fork_in_child()  # the child gets a lock of its own
    assert _bundled._lock is not held
    assert _bundled._lock.acquire(blocking=False)
    _bundled._lock.release()
    base = vitk2.loads(dump(vitk2.load(), "json"), "json")
    base.filter(indication="mds")
    results = base._index.filtered
    kept = results._lock
    with kept:
        _index._new_locks_in_child()
        assert results._lock is not kept
        assert not results._lock.locked()
    assert base.filter(indication="osteoporosis") is base.filter(indication="osteoporosis")


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
        assert attrs.has(cls)
        first = attrs.fields(cls)[0].name
        with pytest.raises(FrozenInstanceError):
            setattr(obj, first, None)
        seen += 1
    assert seen > 100


def test_every_collection_a_caller_can_reach_is_immutable() -> None:
    mutable = (list, dict, set, bytearray)
    for obj in _reachable(vitk2.load()):
        cls = type(obj)
        assert attrs.has(cls)
        for field in attrs.fields(cls):
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
