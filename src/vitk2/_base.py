"""EvidenceBase: an immutable collection of evidence records with lazy indexes and lookups."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import attrs

from . import _model as m
from ._consistency import check_consistency, dangling_references
from ._errors import (
    AmbiguousNameError,
    MergeConflictError,
    Problem,
    UnknownNameError,
    ValidationError,
)
from ._index import Index, Results, many_values, results_key
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
        problems.extend(dangling_references(self))
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
        # the same vocabulary: the parent's tables of it serve the subset as they are
        object.__setattr__(inst, "_index", Index(inst, parent._index.records))
        return inst

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
        from ._io import canonical_digest  # the base knows its data form only through _io

        return canonical_digest(self)

    @cached_property
    def _index(self) -> Index:
        return Index(self)  # every table in it is built when first used

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
        return self.study_of(finding).compounds_of(finding)

    def doses_of(self, finding: m.Finding) -> tuple[m.Dose, ...]:
        """The studied doses of the finding's group (empty when it has none)."""
        return self.study_of(finding).doses_of(finding)

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

    def _kept(self, results: Results, key: Hashable | None, compute: Callable[[], T]) -> T:
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
        if any(isinstance(v, (m.Compound, m.Indication)) for v in many_values(criteria)):
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
