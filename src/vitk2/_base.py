"""EvidenceBase: an immutable collection of evidence records with lazy indexes and lookups."""

from __future__ import annotations

import difflib
import enum
import hashlib
import json
import os
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import attrs

from . import _model as m
from ._errors import (
    AmbiguousNameError,
    MergeConflictError,
    Problem,
    UnknownNameError,
    ValidationError,
)
from ._names import Key, normalize

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing has it from Python 3.11

    from ._compare import (
        CompareOptions,
        Comparison,
        Overview,
        OverviewOptions,
        RegimenComparison,
        RegimenOptions,
    )
    from ._evidence_meta import MeasureName, MetaAnalysis
    from ._meta_pool import Method, Test
    from ._query import FilterCriteria
    from ._summary import SummaryOfFindings

__all__ = [
    "EvidenceBase",
    "Exclusion",
    "ParticipantLimit",
    "check_consistency",
    "participant_limits",
]

T = TypeVar("T")
_Default = TypeVar("_Default")


@attrs.frozen
class Exclusion:
    """A finding a query or comparison left out, and why.

    Attributes:
        finding: The id of the finding left out.
        study: The id of its study.
        reason: Why it was left out (``"rests on a retracted citation: sato-2005"``).

    *Added in version 0.1.0*.
    """

    finding: str
    study: str
    reason: str

    def __repr__(self) -> str:
        reason = " ".join(self.reason.split())
        reason = reason if len(reason) <= 80 else reason[:79] + "…"
        return f"<Exclusion {self.finding}: {reason}>"


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


class _RecordTables:
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


# id()s of record tuples -> their tables, while some base's index uses them; the tables hold
# the tuples, so an id cannot be reused by another tuple while its entry lives
_RECORD_TABLES: weakref.WeakValueDictionary[tuple[int, int, int], _RecordTables] = (
    weakref.WeakValueDictionary()
)


def _record_tables(
    compounds: tuple[m.Compound, ...],
    indications: tuple[m.Indication, ...],
    citations: tuple[m.Citation, ...],
) -> _RecordTables:
    key = (id(compounds), id(indications), id(citations))
    tables = _RECORD_TABLES.get(key)
    if tables is None or any(
        a is not b for a, b in zip(tables.records, (compounds, indications, citations), strict=True)
    ):
        tables = _RECORD_TABLES[key] = _RecordTables(compounds, indications, citations)
    return tables


class _Names:
    """``names[kind]``: normalised name -> ids, for one kind of record, built on first use."""

    def __init__(self, index: _Index) -> None:
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


class _Results:
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


#: Every live `_Results`, so that a forked child can replace their locks.
_LIVE_RESULTS: weakref.WeakSet[_Results] = weakref.WeakSet()


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


def _many_values(criteria: Mapping[str, object]) -> Iterator[object]:
    """Every value of ``criteria``, those in lists and tuples one by one."""
    for value in criteria.values():
        if isinstance(value, (list, tuple)):
            yield from value
        else:
            yield value


class _Index:
    """A base's lookup tables, each built on first use, never changed after.

    Lookups by id, name and indication or compound cost a dictionary lookup once the table they
    use exists; each table costs one pass over the records it indexes.
    """

    def __init__(self, base: EvidenceBase) -> None:
        # the records, not the base: the base holds its index, and a cycle would need the
        # garbage collector to free a base
        self.records = _record_tables(base.compounds, base.indications, base.citations)
        self._studies = base.studies
        self._endpoints = base.endpoints
        self.names = _Names(self)
        #: (study id, a finding's rests_on) -> integrity_of(finding), filled as findings are
        #: asked about: a finding rests on its study's reports and its own ``rests_on``
        self.integrity: dict[tuple[str, tuple[str, ...]], tuple[m.Citation, ...]] = {}
        #: id() of a tuple of study ids in the tables below -> (the tuple, its set)
        self._sets: dict[int, tuple[tuple[str, ...], frozenset[str]]] = {}
        #: answers by their criteria (see EvidenceBase.filter, .compare, .overview)
        self.filtered = _Results()
        self.answers = _Results()

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

    def study_set(self, ids: tuple[str, ...]) -> frozenset[str]:
        """``ids`` (a tuple of this index's) as a set, built once per tuple."""
        found = self._sets.get(id(ids))
        if found is None or found[0] is not ids:
            found = self._sets[id(ids)] = (ids, frozenset(ids))
        return found[1]

    @cached_property
    def studies_by_compound(self) -> dict[str, tuple[str, ...]]:
        by_comp: dict[str, list[str]] = {}
        for s in self._studies:
            for c in s.compounds:
                by_comp.setdefault(c.id, []).append(s.id)
        return {k: tuple(v) for k, v in by_comp.items()}


def check_consistency(
    compounds: Sequence[m.Compound],
    indications: Sequence[m.Indication],
    citations: Sequence[m.Citation],
    studies: Sequence[m.Study],
    file: str,
    *,
    endpoints: Sequence[m.Endpoint] = (),
) -> list[Problem]:
    """Find what no single record can check.

    Duplicate ids, dangling ids and cycles (of parent indications, of citations reporting on
    each other); notices dated before the publications they concern; counts of participants
    larger than the group they are counted in (see `participant_limits`).
    """
    problems: list[Problem] = []

    def unique(kind: str, records: Sequence[Any]) -> dict[str, Any]:
        seen: dict[str, int] = {}
        for i, r in enumerate(records):
            if r.id in seen:
                problems.append(
                    Problem(
                        file,
                        f"{kind}[{i}].id",
                        f"duplicate id {r.id!r} (first defined at {kind}[{seen[r.id]}])",
                    )
                )
            else:
                seen[r.id] = i
        return {r.id: r for r in records}

    unique("compounds", compounds)
    ends = unique("endpoints", endpoints)
    for i, e in enumerate(endpoints):
        if e.parent is not None and e.parent not in ends:
            problems.append(
                Problem(file, f"endpoints[{i}].parent", f"unknown endpoint id {e.parent!r}")
            )
    for i, e in enumerate(endpoints):
        chain = [e.id]
        step: m.Endpoint = e
        while step.parent is not None and step.parent in ends:
            if step.parent in chain:
                cycle = " -> ".join([*chain[chain.index(step.parent) :], step.parent])
                problems.append(
                    Problem(file, f"endpoints[{i}].parent", f"circular parent endpoints: {cycle}")
                )
                break
            chain.append(step.parent)
            step = ends[step.parent]
    inds = unique("indications", indications)
    cits = unique("citations", citations)
    unique("studies", studies)

    for i, ind in enumerate(indications):
        if ind.parent is not None and ind.parent not in inds:
            problems.append(
                Problem(file, f"indications[{i}].parent", f"unknown indication id {ind.parent!r}")
            )
    for i, ind in enumerate(indications):
        seen = [ind.id]
        node = ind
        while node.parent is not None and node.parent in inds:
            if node.parent in seen:
                cycle = " -> ".join([*seen[seen.index(node.parent) :], node.parent])
                problems.append(
                    Problem(
                        file, f"indications[{i}].parent", f"circular parent indications: {cycle}"
                    )
                )
                break
            seen.append(node.parent)
            node = inds[node.parent]

    for i, c in enumerate(citations):
        if c.reports_on is not None and c.reports_on not in cits:
            problems.append(
                Problem(file, f"citations[{i}].reports_on", f"unknown citation id {c.reports_on!r}")
            )
        if c.integrity.notice is not None and c.integrity.notice not in cits:
            problems.append(
                Problem(
                    file,
                    f"citations[{i}].integrity.notice",
                    f"unknown citation id {c.integrity.notice!r}",
                )
            )
    problems.extend(_citation_cycles(citations, cits, file))
    problems.extend(_notice_dates(citations, cits, file))

    finding_at: dict[str, str] = {}
    for i, s in enumerate(studies):
        for j, f in enumerate(s.findings):
            here = f"studies[{i}].findings[{j}]"
            if f.id in finding_at:
                problems.append(
                    Problem(
                        file,
                        f"{here}.id",
                        f"duplicate finding id {f.id!r} (first at {finding_at[f.id]})",
                    )
                )
            else:
                finding_at[f.id] = here
            for k, cid in enumerate(f.rests_on):
                if cid not in cits:
                    problems.append(
                        Problem(file, f"{here}.rests_on[{k}]", f"unknown citation id {cid!r}")
                    )
        problems.extend(_counts_fit(s, f"studies[{i}]", file))
    return problems


def _citation_cycles(
    citations: Sequence[m.Citation], cits: Mapping[str, m.Citation], file: str
) -> list[Problem]:
    """Citations that report on each other, directly or through others: each cycle once."""
    problems: list[Problem] = []
    in_a_cycle: set[str] = set()
    for i, c in enumerate(citations):
        chain = [c.id]
        node = c
        while node.reports_on is not None and node.reports_on in cits:
            step = node.reports_on
            if step in chain:
                cycle = chain[chain.index(step) :]
                if step == c.id and not in_a_cycle & set(cycle):
                    in_a_cycle.update(cycle)
                    problems.append(
                        Problem(
                            file,
                            f"citations[{i}].reports_on",
                            f"circular reports_on: {' -> '.join([*cycle, step])}; a document "
                            "cannot report on itself, even through others",
                        )
                    )
                break
            chain.append(step)
            node = cits[step]
    return problems


def _notice_dates(
    citations: Sequence[m.Citation], cits: Mapping[str, m.Citation], file: str
) -> list[Problem]:
    """Notices dated (by year) before the publication they concern.

    A citation names its notice (``integrity.notice``) and a notice names what it concerns
    (``reports_on``); either way the notice's year is not before the publication's. Years are
    compared as the sources print them (the record of each year is its own judgement).
    """
    problems: list[Problem] = []
    for i, c in enumerate(citations):
        notice = cits.get(c.integrity.notice) if c.integrity.notice is not None else None
        if notice is not None and _later(c.year, notice.year):
            problems.append(
                Problem(
                    file,
                    f"citations[{i}].integrity.notice",
                    f"the notice {notice.id!r} must not be dated before the publication it "
                    f"concerns (got a notice of {notice.year} on a publication of {c.year})",
                )
            )
        concerned = cits.get(c.reports_on) if c.reports_on is not None else None
        if (
            c.kind is m.DocumentKind.NOTICE
            and concerned is not None
            and _later(concerned.year, c.year)
        ):
            problems.append(
                Problem(
                    file,
                    f"citations[{i}].year",
                    f"'year' of a notice must not be before that of the publication it "
                    f"concerns, {concerned.id!r} of {concerned.year} (got {c.year})",
                )
            )
    return problems


def _later(year: int | m.NotReported, than: int | m.NotReported) -> bool:
    """Whether both years are reported and the first is after the second."""
    return isinstance(year, int) and isinstance(than, int) and year > than


@attrs.frozen
class ParticipantLimit:
    """The most participants a group (or a whole study) holds, and where that is stated.

    Attributes:
        most: The number of participants.
        source: Where it comes from, for messages (``"the size of group 'vk2' (arms[0].size)"``).
    """

    most: int
    source: str


def participant_limits(
    population: m.Population, arms: Sequence[m.Arm]
) -> tuple[ParticipantLimit | None, dict[str, ParticipantLimit]]:
    """How many participants the study, and each of its groups, can count at most.

    The study holds its enrolment. An arm holds its size, or the enrolment when its size is
    not known; a phase of an arm's regimen holds its eligible count, else its entered count,
    else what its arm holds. Evaluable counts bound nothing: a denominator may include those
    who could not be evaluated.

    Args:
        population: The study's population.
        arms: The study's arms.

    Returns:
        The study's limit (None when the enrolment is not known) and each group's, by id
        (groups with no known limit are left out).
    """
    enrolled = m._known(population.enrolled)
    whole = (
        None
        if enrolled is None
        else ParticipantLimit(enrolled, "the study's enrolment (population.enrolled)")
    )
    groups: dict[str, ParticipantLimit] = {}
    for j, arm in enumerate(arms):
        size = m._known(arm.size)
        limit = (
            whole
            if size is None
            else ParticipantLimit(size, f"the size of group {arm.id!r} (arms[{j}].size)")
        )
        if limit is not None:
            groups[arm.id] = limit
        for k, phase in enumerate(arm.regimen.phases if arm.regimen is not None else ()):
            own = _first_count(phase, ("eligible", "entered"))
            if own is not None:
                name, n = own
                where = f"arms[{j}].regimen.phases[{k}].{name}"
                groups[phase.id] = ParticipantLimit(
                    n, f"the {name} count of phase {phase.id!r} ({where})"
                )
            elif limit is not None:
                groups[phase.id] = limit
    return whole, groups


def _first_count(record: object, names: Sequence[str]) -> tuple[str, int] | None:
    """The first of ``names`` whose count ``record`` knows, with that count."""
    for name in names:
        n = m._known(getattr(record, name))
        if n is not None:
            return name, n
    return None


def _counts_fit(study: m.Study, here: str, file: str) -> list[Problem]:
    """Counts of participants no larger than the group (or the study) they are counted in."""
    whole, groups = participant_limits(study.population, study.arms)
    problems: list[Problem] = []

    def fits(path: str, what: str, value: int | None, limit: ParticipantLimit | None) -> None:
        if value is not None and limit is not None and value > limit.most:
            problems.append(
                Problem(
                    file,
                    f"{here}.{path}",
                    f"{what} must be <= {limit.source} (got {value} > {limit.most})",
                )
            )

    for j, arm in enumerate(study.arms):
        fits(f"arms[{j}].size", "'size'", m._known(arm.size), whole)
        for k, phase in enumerate(arm.regimen.phases if arm.regimen is not None else ()):
            # the counts of a phase never grow (a Phase checks that): the first known is largest
            own = _first_count(phase, ("eligible", "entered", "evaluable"))
            if own is not None:
                name, n = own
                fits(f"arms[{j}].regimen.phases[{k}].{name}", f"'{name}'", n, groups.get(arm.id))
    for j, f in enumerate(study.findings):
        limit = whole if f.group is None else groups.get(f.group)
        at, stat = f"findings[{j}].statistic", f.statistic
        participants = getattr(stat, "counts", None) is m.CountKind.PARTICIPANTS
        if isinstance(stat, m.Proportion) and participants:
            fits(f"{at}.total", "'total'", stat.total, limit)
        elif isinstance(stat, m.Count) and participants:
            fits(f"{at}.value", "'value'", stat.value, limit)
        elif isinstance(stat, m.Breakdown):
            if participants:
                fits(f"{at}.categories", "the sum of the categories", stat.total, limit)
            fits(f"{at}.among", "'among'", stat.among, limit)
        elif isinstance(stat, m.GroupSummaries):
            for x, summary in enumerate(stat.summaries):
                fits(f"{at}.summaries[{x}].n", "'n'", summary.n, groups.get(summary.group))
    for j, ae in enumerate(study.adverse_events):
        limit = whole if ae.group is None else groups.get(ae.group)
        total = m._known(ae.total)  # participants <= total: an AdverseEvent checks that
        if total is not None:
            fits(f"adverse_events[{j}].total", "'total'", total, limit)
        else:
            fits(
                f"adverse_events[{j}].participants",
                "'participants'",
                m._known(ae.participants),
                limit,
            )
    return problems


@attrs.frozen(eq=False)
class EvidenceBase:
    """An immutable, indexed collection of evidence.

    Obtain one with [`load`][vitk2.load] (the bundled evidence), [`load_file`][vitk2.load_file] or
    [`loads`][vitk2.loads]; narrow it with `filter`, combine with `merge`, and ask
    `compare` and `overview` what it says.

    Two bases are equal when they hold equal records in the same order.

    Attributes:
        compounds: The compounds, in file order.
        indications: The indications.
        citations: The citations (curated sources and literature they cite).
        studies: The studies.
        dataset: The dataset's name and version, when it has one.
        excluded: Findings a query left out of this base, with the reason.
        endpoints: The endpoints findings' outcomes name (see `endpoint`).

    *Added in version 0.1.0*.
    *Changed in version 0.2.0*: ``endpoints``.
    """

    compounds: tuple[m.Compound, ...] = ()
    indications: tuple[m.Indication, ...] = ()
    citations: tuple[m.Citation, ...] = ()
    studies: tuple[m.Study, ...] = ()
    dataset: m.Dataset | None = None
    excluded: tuple[Exclusion, ...] = ()
    endpoints: tuple[m.Endpoint, ...] = ()

    def __attrs_post_init__(self) -> None:
        for name in ("compounds", "indications", "citations", "studies", "excluded", "endpoints"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        problems = check_consistency(
            self.compounds,
            self.indications,
            self.citations,
            self.studies,
            "<EvidenceBase>",
            endpoints=self.endpoints,
        )
        problems.extend(self._dangling())
        if problems:
            raise ValidationError(problems)

    @classmethod
    def _subset(
        cls,
        parent: EvidenceBase,
        studies: tuple[m.Study, ...],
        excluded: tuple[Exclusion, ...],
    ) -> EvidenceBase:
        """Some of ``parent``'s studies (or their findings) with its whole vocabulary.

        A subset of a checked base cannot be inconsistent (its ids are unique and every
        reference resolves in the parent), so the checks are not run again: a query costs in
        proportion to its result, not to the base.
        """
        inst = cls.__new__(cls)
        for name, value in (
            ("compounds", parent.compounds),
            ("indications", parent.indications),
            ("citations", parent.citations),
            ("studies", studies),
            ("dataset", parent.dataset),
            ("excluded", excluded),
            ("endpoints", parent.endpoints),
        ):
            object.__setattr__(inst, name, value)
        return inst

    def _dangling(self) -> list[Problem]:
        """References to records the base does not hold (possible when built by hand)."""
        problems: list[Problem] = []
        comps = {c.id: c for c in self.compounds}
        inds = {i.id: i for i in self.indications}
        cits = {c.id: c for c in self.citations}
        ends = {e.id: e for e in self.endpoints}
        study_ids = {s.id for s in self.studies}
        for i, s in enumerate(self.studies):
            for k, sid in enumerate(s.includes):
                if sid not in study_ids:
                    problems.append(
                        Problem(
                            "<EvidenceBase>",
                            f"studies[{i}].includes[{k}]",
                            f"unknown study id {sid!r}",
                        )
                    )
            for j, f in enumerate(s.findings):
                e = f.outcome.endpoint
                if e is not None and ends.get(e.id) != e:
                    problems.append(
                        Problem(
                            "<EvidenceBase>",
                            f"studies[{i}].findings[{j}].outcome.endpoint",
                            f"endpoint {e.id!r} is not in the base",
                        )
                    )
            for c in s.reports:
                if cits.get(c.id) != c:
                    problems.append(
                        Problem(
                            "<EvidenceBase>",
                            f"studies[{i}].reports",
                            f"citation {c.id!r} is not in the base",
                        )
                    )
            for ind in s.indications:
                if inds.get(ind.id) != ind:
                    problems.append(
                        Problem(
                            "<EvidenceBase>",
                            f"studies[{i}].indications",
                            f"indication {ind.id!r} is not in the base",
                        )
                    )
            for comp in s.compounds:
                if comps.get(comp.id) != comp:
                    problems.append(
                        Problem(
                            "<EvidenceBase>",
                            f"studies[{i}]",
                            f"compound {comp.id!r} is not in the base",
                        )
                    )
        return problems

    # -- equality ------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EvidenceBase):
            return NotImplemented
        return (
            self.compounds == other.compounds
            and self.indications == other.indications
            and self.citations == other.citations
            and self.studies == other.studies
            and self.dataset == other.dataset
            and self.endpoints == other.endpoints
        )

    def __hash__(self) -> int:
        return hash(self.content_hash)

    # -- derived views -----------------------------------------------------------------

    @property
    def findings(self) -> tuple[m.Finding, ...]:
        """Every finding of every study, in study order."""
        return tuple(f for s in self.studies for f in s.findings)

    def __len__(self) -> int:
        """The number of studies."""
        return len(self.studies)

    def __iter__(self) -> Iterator[m.Study]:
        return iter(self.studies)

    def __contains__(self, item: object) -> bool:
        idx = self._index
        if isinstance(item, m.Study):
            return idx.studies.get(item.id) == item
        if isinstance(item, m.Finding):
            hit = idx.findings.get(item.id)
            return hit is not None and hit[1] == item
        if isinstance(item, m.Compound):
            return idx.compounds.get(item.id) == item
        if isinstance(item, m.Indication):
            return idx.indications.get(item.id) == item
        if isinstance(item, m.Citation):
            return idx.citations.get(item.id) == item
        if isinstance(item, m.Endpoint):
            return idx.endpoints.get(item.id) == item
        return False

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON form of the records: the same data, the same hash.

        The canonical form is the base's data form (as [`dump`][vitk2.dump] writes it) without
        its dataset header, as compact JSON with sorted keys and text left unescaped. It is fed
        to the hash one record at a time, in that form's order, so neither the whole data form
        nor its text is ever held at once; the digest is the one of the whole text.
        """
        # the base knows its data form only through the converter
        from ._io import FORMAT_VERSION, to_data

        encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
        digest = hashlib.sha256()
        parts: tuple[tuple[str, tuple[Any, ...]], ...] = (  # the data form's keys, sorted
            ("citations", self.citations),
            ("compounds", self.compounds),
            *((("endpoints", self.endpoints),) if self.endpoints else ()),  # written when held
            ("indications", self.indications),
            ("studies", self.studies),
        )
        chunk: list[str] = []
        for i, (key, records) in enumerate(parts):
            chunk.append(("{" if i == 0 else ",") + encode(key) + ":[")
            for j, record in enumerate(records):
                if j:
                    chunk.append(",")
                chunk.append(encode(to_data(record)))
                if len(chunk) >= 512:  # hash in slices: few calls, little text at a time
                    digest.update("".join(chunk).encode())
                    chunk.clear()
            chunk.append("]")
        chunk.append(',"vitk2":' + encode(FORMAT_VERSION) + "}")
        digest.update("".join(chunk).encode())
        return digest.hexdigest()

    @cached_property
    def _index(self) -> _Index:
        return _Index(self)  # every table in it is built when first used

    # -- lookups ------------------------------------------------------------------------

    def _lookup(self, kind: str, name: str, table: Mapping[str, T]) -> T:
        if not isinstance(name, str):
            raise UnknownNameError(repr(name), kind)
        if name in table:
            return table[name]
        idx = self._index
        ids = idx.spellings(kind).get(name)  # a recorded spelling needs no normalising
        if ids is None:
            ids = idx.names[kind].get(normalize(name), ())
        if len(ids) == 1:
            return table[ids[0]]
        if len(ids) > 1:
            raise AmbiguousNameError(name, kind, ids)
        raise UnknownNameError(name, kind, self._suggestions(kind, name))

    def _suggestions(self, kind: str, name: str) -> tuple[str, ...]:
        keys = self._index.names[kind]
        close = difflib.get_close_matches(normalize(name), list(keys), n=3, cutoff=0.6)
        out: list[str] = []
        for key in close:
            for rid in keys[Key(key)]:
                label = self._display_name(kind, rid)
                if label not in out:
                    out.append(label)
        return tuple(out[:3])

    def _display_name(self, kind: str, rid: str) -> str:
        idx = self._index
        tables: dict[str, Mapping[str, Any]] = {
            "compound": idx.compounds,
            "indication": idx.indications,
            "study": idx.studies,
            "citation": idx.citations,
            "endpoint": idx.endpoints,
        }
        record = tables[kind][rid]
        return str(record.name if kind in ("compound", "indication", "endpoint") else record.id)

    def compound(self, name: str) -> m.Compound:
        """The compound with this id, name, synonym or brand (case, spaces, hyphens ignored).

        >>> import vitk2
        >>> vitk2.load().compound("MK4").id
        'menatetrenone'

        Raises:
            UnknownNameError: If no compound has that name; ``.suggestions`` has near names.
            AmbiguousNameError: If several compounds have that name.
        """
        return self._lookup("compound", name, self._index.compounds)

    def indication(self, name: str) -> m.Indication:
        """The indication with this id, name, synonym or abbreviation.

        Raises:
            UnknownNameError: If no indication has that name.
            AmbiguousNameError: If several indications have that name.
        """
        return self._lookup("indication", name, self._index.indications)

    def endpoint(self, name: str) -> m.Endpoint:
        """The endpoint with this id, name or synonym (case, spaces, hyphens ignored).

        >>> import vitk2
        >>> vitk2.load().endpoint("vertebral fractures").id
        'vertebral-fracture'

        Raises:
            UnknownNameError: If no endpoint has that name (with suggestions).
            AmbiguousNameError: If several endpoints have that name.

        *Added in version 0.2.0*.
        """
        return self._lookup("endpoint", name, self._index.endpoints)

    def narrower_endpoints(self, endpoint: str | m.Endpoint) -> tuple[m.Endpoint, ...]:
        """The endpoints narrower than this one, at every depth (hip fracture under fracture).

        *Added in version 0.2.0*.
        """
        root = endpoint if isinstance(endpoint, m.Endpoint) else self.endpoint(endpoint)
        idx = self._index
        out: list[m.Endpoint] = []
        todo = list(idx.endpoint_children.get(root.id, ()))
        seen = {root.id}
        while todo:
            eid = todo.pop(0)
            if eid in seen:
                continue
            seen.add(eid)
            out.append(idx.endpoints[eid])
            todo.extend(idx.endpoint_children.get(eid, ()))
        return tuple(out)

    def study(self, id: str) -> m.Study:
        """The study with this id.

        Raises:
            UnknownNameError: If no study has that id.
        """
        return self._lookup("study", id, self._index.studies)

    def citation(self, id: str) -> m.Citation:
        """The citation with this id.

        Raises:
            UnknownNameError: If no citation has that id.
        """
        return self._lookup("citation", id, self._index.citations)

    def finding(self, id: str) -> m.Finding:
        """The finding with this id.

        Raises:
            UnknownNameError: If no finding has that id.
        """
        hit = self._index.findings.get(id)
        if hit is None:
            close = difflib.get_close_matches(id, list(self._index.findings), n=3, cutoff=0.6)
            raise UnknownNameError(id, "finding", close)
        return hit[1]

    @overload
    def get(self, kind: Literal["compound"], name: str) -> m.Compound | None: ...
    @overload
    def get(
        self, kind: Literal["compound"], name: str, default: _Default
    ) -> m.Compound | _Default: ...
    @overload
    def get(self, kind: Literal["indication"], name: str) -> m.Indication | None: ...
    @overload
    def get(
        self, kind: Literal["indication"], name: str, default: _Default
    ) -> m.Indication | _Default: ...
    @overload
    def get(self, kind: Literal["study"], name: str) -> m.Study | None: ...
    @overload
    def get(self, kind: Literal["study"], name: str, default: _Default) -> m.Study | _Default: ...
    @overload
    def get(self, kind: Literal["citation"], name: str) -> m.Citation | None: ...
    @overload
    def get(
        self, kind: Literal["citation"], name: str, default: _Default
    ) -> m.Citation | _Default: ...

    def get(self, kind: str, name: str, default: object = None) -> object:
        """Look a record up by name, returning ``default`` instead of raising.

        ``base.get("compound", "glakay")`` is ``base.compound("glakay")`` or None. An ambiguous
        name also returns the default.

        Args:
            kind: ``"compound"``, ``"indication"``, ``"study"`` or ``"citation"``.
            name: Any id or name the record answers to.
            default: What to return when nothing (or more than one record) matches.

        Raises:
            ValueError: For an unknown kind.
        """
        lookups = {
            "compound": self.compound,
            "indication": self.indication,
            "study": self.study,
            "citation": self.citation,
        }
        if kind not in lookups:
            raise ValueError(f"expected kind to be one of {', '.join(lookups)} (got {kind!r})")
        try:
            return lookups[kind](name)
        except UnknownNameError:
            return default

    def search(self, text: str) -> tuple[m.Compound | m.Indication | m.Study, ...]:
        """Records whose names contain ``text``, exact matches first.

        Ranking: an exact name match, then a name that starts with the text, then one that
        contains it; ties are broken by kind (compounds, indications, studies) and then id.
        """
        key = normalize(text)
        if not key:
            return ()
        idx = self._index
        ranked: dict[tuple[str, str], int] = {}
        kinds = ("compound", "indication", "study")
        for kind in kinds:
            for name_key, ids in idx.names[kind].items():
                if name_key == key:
                    rank = 0
                elif name_key.startswith(key):
                    rank = 1
                elif key in name_key:
                    rank = 2
                else:
                    continue
                for rid in ids:
                    k = (kind, rid)
                    ranked[k] = min(rank, ranked.get(k, 3))
        tables: dict[str, Mapping[str, Any]] = {
            "compound": idx.compounds,
            "indication": idx.indications,
            "study": idx.studies,
        }
        order = sorted(ranked, key=lambda k: (ranked[k], kinds.index(k[0]), k[1]))
        return tuple(tables[kind][rid] for kind, rid in order)

    # -- walking references ---------------------------------------------------------------

    def study_of(self, finding: m.Finding | str) -> m.Study:
        """The study a finding belongs to.

        Raises:
            UnknownNameError: If the finding is not in this base.
        """
        fid = finding if isinstance(finding, str) else finding.id
        hit = self._index.findings.get(fid)
        if hit is None:
            raise UnknownNameError(fid, "finding")
        return hit[0]

    def parent(self, indication: m.Indication | str) -> m.Indication | None:
        """The broader indication a subtype belongs to, or None."""
        ind = self.indication(indication) if isinstance(indication, str) else indication
        return None if ind.parent is None else self._index.indications[ind.parent]

    def subtypes(self, indication: m.Indication | str) -> tuple[m.Indication, ...]:
        """An indication and every subtype below it, the indication first."""
        ind = self.indication(indication) if isinstance(indication, str) else indication
        out, queue = [ind.id], [ind.id]
        while queue:
            for child in self._index.children.get(queue.pop(0), ()):
                if child not in out:
                    out.append(child)
                    queue.append(child)
        return tuple(self._index.indications[i] for i in out)

    def compounds_of(self, finding: m.Finding) -> tuple[m.Compound, ...]:
        """The compounds a finding is about: those its group received, else those it names."""
        if finding.compounds:
            return finding.compounds
        return self._compounds(self.study_of(finding), finding)

    def _compounds(self, study: m.Study, finding: m.Finding) -> tuple[m.Compound, ...]:
        """`compounds_of`, given the finding's study (a caller that walks studies has it)."""
        if finding.compounds:
            return finding.compounds
        if finding.group is not None:
            group = study.group(finding.group)
            if isinstance(group, m.Phase):
                return tuple(dict.fromkeys(d.compound for d in group.doses))
            if group.regimen is not None:
                return group.regimen.compounds
            return ()
        return study.compounds

    def doses_of(self, finding: m.Finding) -> tuple[m.Dose, ...]:
        """The studied doses of the finding's group (empty when it has none)."""
        study = self.study_of(finding)
        if finding.group is None:
            return tuple(d for a in study.arms if a.regimen for d in a.regimen.all_doses)
        group = study.group(finding.group)
        if isinstance(group, m.Phase):
            return group.doses
        return group.regimen.all_doses if group.regimen is not None else ()

    def integrity_of(self, finding: m.Finding) -> tuple[m.Citation, ...]:
        """The citations with an integrity notice that the finding rests on, directly or not.

        A finding rests on its study's reports, on the citations it names in ``rests_on``,
        and on whatever a news report reports on.
        """
        return self._integrity(self.study_of(finding), finding)

    def _integrity(self, study: m.Study, finding: m.Finding) -> tuple[m.Citation, ...]:
        """`integrity_of`, given the finding's study (a caller that walks studies has it)."""
        idx = self._index
        flagged = idx.records.flagged
        if not flagged:  # no citation of this base has a notice, or rests on one
            return ()
        key = (study.id, finding.rests_on)
        cached = idx.integrity.get(key)
        if cached is not None:
            return cached
        ids: set[str] = set()
        for cit in study.reports:
            ids.update(flagged.get(cit.id, ()))
        for cid in finding.rests_on:
            ids.update(flagged.get(cid, ()))
        citations = idx.citations
        result = tuple(citations[k] for k in sorted(ids))
        idx.integrity[key] = result
        return result

    def retracted_basis(self, finding: m.Finding) -> tuple[str, ...]:
        """Ids of retracted citations the finding rests on (empty when none)."""
        return tuple(c.id for c in self.integrity_of(finding) if c.integrity.is_retracted)

    # -- combining ------------------------------------------------------------------------

    def merge(self, other: EvidenceBase) -> EvidenceBase:
        """A new base with the records of both; this base is unchanged.

        Records with the same id must be equal (a user's file may repeat a bundled compound);
        different records under one id are a conflict. The result keeps this base's dataset
        (or the other's, when this base has none), so merging is associative; its
        ``content_hash`` tells merged data from the dataset it started from.

        Raises:
            MergeConflictError: Naming every conflicting id; nothing is merged.
        """
        problems: list[Problem] = []
        merged: dict[str, tuple[Any, ...]] = {}
        for kind in ("compounds", "indications", "endpoints", "citations", "studies"):
            mine: dict[str, Any] = {r.id: r for r in getattr(self, kind)}
            out = list(getattr(self, kind))
            for i, r in enumerate(getattr(other, kind)):
                if r.id in mine:
                    if mine[r.id] != r:
                        problems.append(
                            Problem(
                                "<merge>",
                                f"{kind}[{i}].id",
                                f"conflicting id {r.id!r}: both bases define it differently",
                            )
                        )
                    continue
                out.append(r)
            merged[kind] = tuple(out)
        if problems:
            raise MergeConflictError(problems)
        try:
            return EvidenceBase(
                compounds=merged["compounds"],
                indications=merged["indications"],
                citations=merged["citations"],
                studies=merged["studies"],
                dataset=self.dataset if self.dataset is not None else other.dataset,
                endpoints=merged["endpoints"],
            )
        except ValidationError as err:
            raise MergeConflictError(err.problems) from None

    # -- queries and comparisons (implemented in their own modules) -----------------------

    def _kept(self, results: _Results, key: Hashable | None, compute: Callable[[], T]) -> T:
        """The kept answer to a question, or ``compute()``'s, kept when the key is plain."""
        if key is not None:
            hit: T | None = results.get(key)
            if hit is not None:
                return hit
        found = compute()
        return found if key is None else results.put(key, found)

    def filter(self, **criteria: Unpack[FilterCriteria]) -> EvidenceBase:
        """The evidence that meets every criterion (criteria are described in `vitk2`).

        See [`filter_evidence`][vitk2.filter_evidence] for the criteria; this method is the same query,
        and keeps its result: asking again with criteria that select the same way (a name or
        its enum member, ``"rct"`` or ``Design.RANDOMISED_CONTROLLED_TRIAL``, ``"45 mg/day"``
        or its [`Quantity`][vitk2.Quantity]) returns the same immutable base; asked again in
        the same plain words (names, numbers, enum members, lists of them), for the cost of a
        dictionary lookup. Each base keeps its last 128 answers.

        >>> import vitk2
        >>> base = vitk2.load()
        >>> base.filter(indication="mds") is base.filter(indication="mds")
        True
        """
        results = self._index.filtered
        asked: Hashable | None
        if len(criteria) == 1:  # the common question, answered with the fewest steps
            ((name, value),) = criteria.items()
            asked = (name, value) if type(value) is str else results_key(criteria)
        else:
            asked = results_key(criteria)
        if asked is not None:  # inlined from _kept: asked before in these words, one lookup
            hit: EvidenceBase | None = results.asked(asked)
            if hit is not None:
                return hit
        from ._query import parse_criteria, select

        parsed = parse_criteria(self, **criteria)  # raises for a wrong criterion, every time
        if any(isinstance(v, (m.Compound, m.Indication)) for v in _many_values(criteria)):
            # tests/test_kept.py holds that a question naming records is answered afresh
            return select(self, parsed)
        hit = results.get(parsed)
        if hit is None:
            hit = select(self, parsed)
        return results.put(parsed, hit, asked)

    def compare(
        self, indication: str | m.Indication, **options: Unpack[CompareOptions]
    ) -> Comparison:
        """The comparison table of the findings for one indication and its subtypes.

        See `_compare.compare` for the options. Like `filter`, the answer
        is kept: the same question asked again returns the same immutable comparison.
        """
        from ._compare import compare

        return self._kept(
            self._index.answers,
            results_key(options, "compare", indication),
            lambda: compare(self, indication, **options),
        )

    def compare_regimens(
        self, indication: str | m.Indication, **options: Unpack[RegimenOptions]
    ) -> RegimenComparison:
        """Regimen against regimen within one indication, or a reasoned refusal (kept)."""
        from ._compare import compare_regimens

        return self._kept(
            self._index.answers,
            results_key(options, "compare_regimens", indication),
            lambda: compare_regimens(self, indication, **options),
        )

    def overview(self, **options: Unpack[OverviewOptions]) -> Overview:
        """One row per indication: designs, participants, best level, certainty, direction.

        The answer is kept, as `filter`'s is.
        """
        from ._compare import overview

        return self._kept(
            self._index.answers,
            results_key(options, "overview"),
            lambda: overview(self, **options),
        )

    def meta_analysis(
        self,
        indication: str | m.Indication,
        endpoint: str | m.Endpoint,
        *,
        compound: str | m.Compound | None = None,
        comparator: str | None = None,
        design: str | m.Design | Sequence[str | m.Design] | None = None,
        measure: MeasureName | None = None,
        method: Method = "REML",
        test: Test = "knha",
        include_retracted: bool = False,
        include_flagged: bool = True,
        include_unverified: bool = False,
        level: float = 0.95,
    ) -> MetaAnalysis:
        """Pool the two-arm contrasts of one endpoint in one indication, one per study.

        See `_evidence_meta.meta_analysis` for the arguments. The answer is
        kept, as `filter`'s is.

        *Added in version 0.2.0*.
        """
        from ._evidence_meta import meta_analysis

        options: dict[str, Any] = {
            "compound": compound,
            "comparator": comparator,
            "design": design,
            "measure": measure,
            "method": method,
            "test": test,
            "include_retracted": include_retracted,
            "include_flagged": include_flagged,
            "include_unverified": include_unverified,
            "level": level,
        }
        return self._kept(
            self._index.answers,
            results_key(options, "meta_analysis", indication, endpoint),
            lambda: meta_analysis(self, indication, endpoint, **options),
        )

    def summary(
        self,
        indication: str | m.Indication | None = None,
        *,
        compound: str | m.Compound | None = None,
        endpoint: str | m.Endpoint | None = None,
        exposure: str | m.Exposure | None = None,
        include_unverified: bool = False,
    ) -> SummaryOfFindings:
        """The summary of findings: one GRADE row per vitamin K form, indication and endpoint.

        See `_summary.summary` for the arguments and the rules. The answer is
        kept, as `filter`'s is.

        *Added in version 0.2.0*.
        """
        from ._summary import summary

        options: dict[str, Any] = {
            "compound": compound,
            "endpoint": endpoint,
            "exposure": exposure,
            "include_unverified": include_unverified,
        }
        return self._kept(
            self._index.answers,
            results_key(options, "summary", indication),
            lambda: summary(self, indication, **options),
        )

    # -- display ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        version = f" {self.dataset.id} {self.dataset.version}" if self.dataset else ""
        return (
            f"<EvidenceBase{version}: {len(self.studies)} studies, {len(self.findings)} findings, "
            f"{len(self.compounds)} compounds, {len(self.indications)} indications>"
        )

    def __str__(self) -> str:
        from ._render import base_rows, table_text

        return f"{self!r}\n{table_text(*base_rows(self))}"

    def _repr_html_(self) -> str:
        from ._views import base_view

        return base_view(self)
