"""A base's lookup tables and kept answers, each built on first use and never changed after.

The tables are built from the records alone (never from the base itself, which holds its
index: a cycle would need the garbage collector to free a base). The kept answers are the
results of queries by their criteria, shared by threads and renewed in a forked child.
"""

from __future__ import annotations

import enum
import os
import threading
import weakref
from collections.abc import Hashable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from . import _model as m
from ._names import Key, normalize

if TYPE_CHECKING:
    from ._base import EvidenceBase

T = TypeVar("T")


def _names_table(records: Iterable[Any], names: Any) -> dict[Key, tuple[str, ...]]:
    table: dict[Key, list[str]] = {}
    for r in records:
        for name in names(r):
            ids = table.setdefault(normalize(name), [])
            if r.id not in ids:
                ids.append(r.id)
    return {k: tuple(v) for k, v in table.items()}


def _spellings(
    records: Iterable[Any], names: Any, table: dict[Key, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Every name exactly as recorded -> what its normalised key finds in ``table``.

    A lookup by a recorded spelling (``"MK-4"``) then needs no normalising, and finds the
    same ids as the normalised key would.
    """
    return {name: table[normalize(name)] for r in records for name in names(r)}


class RecordTables:
    """The tables of a base's compounds, indications and citations, each built on first use.

    Shared by every base that holds the very same record tuples: a filtered base holds its
    parent's, so querying it builds only the tables of its own studies.
    """

    def __init__(
        self,
        compounds: tuple[m.Compound, ...],
        indications: tuple[m.Indication, ...],
        citations: tuple[m.Citation, ...],
    ) -> None:
        self.records = (compounds, indications, citations)

    @cached_property
    def compounds(self) -> dict[str, m.Compound]:
        return {c.id: c for c in self.records[0]}

    @cached_property
    def indications(self) -> dict[str, m.Indication]:
        return {i.id: i for i in self.records[1]}

    @cached_property
    def citations(self) -> dict[str, m.Citation]:
        return {c.id: c for c in self.records[2]}

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        children: dict[str, list[str]] = {}
        for ind in self.records[1]:
            if ind.parent is not None:
                children.setdefault(ind.parent, []).append(ind.id)
        return {k: tuple(v) for k, v in children.items()}

    @cached_property
    def flagged(self) -> dict[str, frozenset[str]]:
        """Citation id -> the ids of citations with an integrity notice it rests on.

        A citation rests on itself and, when it is a news report or a later report, on what
        it ``reports_on``; citations that rest on no flagged citation are left out.
        """
        by_id = self.citations
        out: dict[str, frozenset[str]] = {}
        for cid in by_id:
            found: set[str] = set()
            seen: set[str] = set()
            node: str | None = cid
            while node is not None and node not in seen and node in by_id:
                seen.add(node)
                cit = by_id[node]
                if cit.integrity.status is not m.IntegrityStatus.NONE_KNOWN:
                    found.add(node)
                node = cit.reports_on
            if found:
                out[cid] = frozenset(found)
        return out

    @cached_property
    def compound_names(self) -> dict[Key, tuple[str, ...]]:
        return _names_table(self.records[0], lambda c: c.names)

    @cached_property
    def indication_names(self) -> dict[Key, tuple[str, ...]]:
        return _names_table(self.records[1], lambda i: i.names)

    @cached_property
    def citation_names(self) -> dict[Key, tuple[str, ...]]:
        return _names_table(self.records[2], lambda c: (c.id,))

    @cached_property
    def compound_spellings(self) -> dict[str, tuple[str, ...]]:
        return _spellings(self.records[0], lambda c: c.names, self.compound_names)

    @cached_property
    def indication_spellings(self) -> dict[str, tuple[str, ...]]:
        return _spellings(self.records[1], lambda i: i.names, self.indication_names)


class _Names:
    """``names[kind]``: normalised name -> ids, for one kind of record, built on first use."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __getitem__(self, kind: str) -> dict[Key, tuple[str, ...]]:
        if kind == "study":
            return self._index.study_names
        tables = self._index.records
        table: dict[Key, tuple[str, ...]] = {
            "compound": lambda: tables.compound_names,
            "indication": lambda: tables.indication_names,
            "citation": lambda: tables.citation_names,
            "endpoint": lambda: self._index.endpoint_names,
        }[kind]()
        return table


class Results:
    """Results of queries on one base, by their criteria, most recent `RESULTS_KEPT`.

    A base never changes, so a query's result is a function of its criteria; asking again
    costs a dictionary lookup. Reading is lock-free; storing takes a lock, and when two threads
    compute the same result, both get the one stored first. A forked child gets new locks (see
    `_new_locks_in_child`).
    """

    def __init__(self) -> None:
        self._data: dict[Hashable, Any] = {}
        self.get = self._data.get  # the dictionary's own method: no Python frame per lookup
        # A question as asked (a `results_key`) -> its answer in _data, so that a question
        # asked again in the same words costs one lookup, not the working out of its key.
        # Only answers still in _data are here: several wordings share one kept answer.
        self._asked: dict[Hashable, Any] = {}
        self.asked = self._asked.get
        self._lock = threading.Lock()
        _LIVE_RESULTS.add(self)

    def put(self, key: Hashable, value: T, asked: Hashable | None = None) -> T:
        """Keep ``value`` as the answer for ``key`` (asked as ``asked``); the answer kept."""
        with self._lock:
            data, known = self._data, self._asked
            if key not in data and len(data) >= RESULTS_KEPT:
                oldest = data.pop(next(iter(data)))
                for words in [w for w, a in known.items() if a is oldest]:
                    del known[words]
            stored: T = data.setdefault(key, value)
            if asked is not None:
                if asked not in known and len(known) >= RESULTS_KEPT:
                    del known[next(iter(known))]  # the oldest wording; its answer stays
                known[asked] = stored
            return stored

    def __len__(self) -> int:
        return len(self._data)


#: Every live `Results`, so that a forked child can replace their locks.
_LIVE_RESULTS: weakref.WeakSet[Results] = weakref.WeakSet()


def _new_locks_in_child() -> None:
    """Give every kept-answers table in a forked child a lock of its own.

    A child forked while another thread of its parent was storing an answer inherits that
    table's lock held, and no thread of its own to release it: without a new lock, its first
    answer stored there would wait forever. The tables themselves are whole: a store changes
    them only while holding the interpreter's lock.
    """
    for results in list(_LIVE_RESULTS):
        results._lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere there is no fork to survive
    os.register_at_fork(after_in_child=_new_locks_in_child)

#: How many query results each base keeps (the oldest is dropped first).
RESULTS_KEPT = 128

_PLAIN = (str, int, float, bool, type(None))


def results_key(criteria: Mapping[str, object], *args: object) -> Hashable | None:
    """A key for a query's arguments, or None when they cannot be one.

    Only plain values (text, numbers, booleans, None, enum members, and lists or tuples of
    them) make a key; the key keeps each value's type, so ``True`` and ``1``, which select
    differently, never share a result. Records, quantities and anything else are not keyed:
    such queries are computed every time.
    """
    items: list[tuple[object, ...]] = []
    pairs: list[tuple[object, object]] = [*enumerate(args), *criteria.items()]
    for name, value in pairs:
        kind = type(value)
        if kind in _PLAIN or isinstance(value, enum.Enum):
            items.append((name, kind, value))
        elif kind is list or kind is tuple:
            parts = []
            for part in value:  # type: ignore[attr-defined]
                if type(part) not in _PLAIN and not isinstance(part, enum.Enum):
                    return None
                parts.append((type(part), part))
            items.append((name, tuple, tuple(parts)))
        else:
            return None
    return frozenset(items)


def many_values(criteria: Mapping[str, object]) -> Iterator[object]:
    """Every value of ``criteria``, those in lists and tuples one by one."""
    for value in criteria.values():
        if isinstance(value, (list, tuple)):
            yield from value
        else:
            yield value


class Index:
    """A base's lookup tables, each built on first use, never changed after.

    Lookups by id, name and indication or compound cost a dictionary lookup once the table they
    use exists; each table costs one pass over the records it indexes.
    """

    def __init__(self, base: EvidenceBase, records: RecordTables | None = None) -> None:
        # the records, not the base: the base holds its index, and a cycle would need the
        # garbage collector to free a base. A base a query cut from another shares the
        # other's record tables (it holds the same compounds, indications and citations).
        self.records = records or RecordTables(base.compounds, base.indications, base.citations)
        self._studies = base.studies
        self._endpoints = base.endpoints
        self.names = _Names(self)
        #: (study id, a finding's rests_on) -> integrity_of(finding), filled as findings are
        #: asked about: a finding rests on its study's reports and its own ``rests_on``
        self.integrity: dict[tuple[str, tuple[str, ...]], tuple[m.Citation, ...]] = {}
        #: (kind, indication or compound id) -> the ids of its studies as a set (study_set)
        self._sets: dict[tuple[str, str], frozenset[str]] = {}
        #: answers by their criteria (see EvidenceBase.filter, .compare, .overview)
        self.filtered = Results()
        self.answers = Results()

    @cached_property
    def compounds(self) -> dict[str, m.Compound]:
        return self.records.compounds

    @cached_property
    def indications(self) -> dict[str, m.Indication]:
        return self.records.indications

    @cached_property
    def citations(self) -> dict[str, m.Citation]:
        return self.records.citations

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        """Indication id -> its direct subtypes."""
        return self.records.children

    def spellings(self, kind: str) -> Mapping[str, tuple[str, ...]]:
        """Recorded names -> ids, for the kinds that have names beyond their ids."""
        if kind == "compound":
            return self.records.compound_spellings
        if kind == "indication":
            return self.records.indication_spellings
        return {}

    @cached_property
    def studies(self) -> dict[str, m.Study]:
        return {s.id: s for s in self._studies}

    @cached_property
    def endpoints(self) -> dict[str, m.Endpoint]:
        return {e.id: e for e in self._endpoints}

    @cached_property
    def endpoint_names(self) -> dict[Key, tuple[str, ...]]:
        return _names_table(self._endpoints, lambda e: e.names)

    @cached_property
    def endpoint_children(self) -> dict[str, tuple[str, ...]]:
        """Endpoint id -> its direct narrower endpoints."""
        children: dict[str, list[str]] = {}
        for e in self._endpoints:
            if e.parent is not None:
                children.setdefault(e.parent, []).append(e.id)
        return {k: tuple(v) for k, v in children.items()}

    @cached_property
    def position(self) -> dict[str, int]:
        """Study id -> its place in the base, to keep a query's results in base order."""
        return {s.id: i for i, s in enumerate(self._studies)}

    @cached_property
    def findings(self) -> dict[str, tuple[m.Study, m.Finding]]:
        return {f.id: (s, f) for s in self._studies for f in s.findings}

    @cached_property
    def findings_in_order(self) -> tuple[tuple[m.Study, m.Finding], ...]:
        """Every (study, finding) in base order: study by study, each study's in its order."""
        return tuple((s, f) for s in self._studies for f in s.findings)

    @cached_property
    def findings_by_indication_endpoint(self) -> dict[str, dict[str | None, tuple[int, ...]]]:
        """Indication id -> endpoint id (None: no endpoint) -> places in findings_in_order.

        Built in one pass; each finding is under its own indication and endpoint, once.
        """
        table: dict[str, dict[str | None, list[int]]] = {}
        for i, (_, f) in enumerate(self.findings_in_order):
            e = f.outcome.endpoint
            table.setdefault(f.indication.id, {}).setdefault(
                None if e is None else e.id, []
            ).append(i)
        return {k: {e: tuple(v) for e, v in by_end.items()} for k, by_end in table.items()}

    def select_findings(
        self, indications: Iterable[str] | None, endpoints: Iterable[str] | None
    ) -> list[tuple[m.Study, m.Finding]]:
        """The (study, finding) pairs about one of ``indications`` and ``endpoints``, in base order.

        None for ``indications`` is any indication; None for ``endpoints`` is any endpoint or
        none. The same pairs, in the same order, as a scan of every study's findings.
        """
        table = self.findings_by_indication_endpoint
        by_ind = table.values() if indications is None else [table.get(i, {}) for i in indications]
        ends = None if endpoints is None else list(endpoints)
        places: list[int] = []
        for by_end in by_ind:
            if ends is None:
                for found in by_end.values():
                    places.extend(found)
            else:
                for e in ends:
                    places.extend(by_end.get(e, ()))
        pairs = self.findings_in_order
        return [pairs[i] for i in sorted(set(places))]

    @cached_property
    def study_names(self) -> dict[Key, tuple[str, ...]]:
        return _names_table(self._studies, lambda s: (s.id,))

    @cached_property
    def studies_by_indication(self) -> dict[str, tuple[str, ...]]:
        by_ind: dict[str, list[str]] = {}
        for s in self._studies:
            ind_ids = {i.id for i in s.indications} | {f.indication.id for f in s.findings}
            for iid in sorted(ind_ids):
                by_ind.setdefault(iid, []).append(s.id)
        return {k: tuple(v) for k, v in by_ind.items()}

    def studies_about(self, kind: str, key: str) -> tuple[str, ...]:
        """The ids of the studies about one indication or compound (``kind``), in base order."""
        table = self.studies_by_indication if kind == "indication" else self.studies_by_compound
        return table.get(key, ())

    def study_set(self, kind: str, key: str) -> frozenset[str]:
        """`studies_about` as a set, built once per indication or compound."""
        found = self._sets.get((kind, key))
        if found is None:
            found = self._sets[(kind, key)] = frozenset(self.studies_about(kind, key))
        return found

    @cached_property
    def studies_by_compound(self) -> dict[str, tuple[str, ...]]:
        by_comp: dict[str, list[str]] = {}
        for s in self._studies:
            for c in s.compounds:
                by_comp.setdefault(c.id, []).append(s.id)
        return {k: tuple(v) for k, v in by_comp.items()}
