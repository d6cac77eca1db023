"""Queries: narrow an EvidenceBase to the findings that meet keyword criteria."""

from __future__ import annotations

import difflib
import enum
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypedDict, TypeVar

import attrs

from . import _model as m
from ._base import EvidenceBase, Exclusion
from ._errors import CriteriaError, UnknownNameError
from ._names import normalize
from ._units import Dimension, Quantity

__all__ = ["FilterCriteria", "filter_evidence"]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")


def _many(value: Any) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, enum.Enum, m.Compound, m.Indication, Quantity)):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(value)
    return (value,)


_ALIASES: dict[str, str] = {
    "rct": "randomised_controlled_trial",
    "randomized_controlled_trial": "randomised_controlled_trial",
    "randomised": "randomised_controlled_trial",
    "randomized": "randomised_controlled_trial",
    "meta_analysis": "systematic_review",
    "systematic_review_meta_analysis": "systematic_review",
    "non_randomized_controlled_trial": "non_randomised_controlled_trial",
    "preclinical": "in_vitro",
    "very low": "very_low",
}


def _enums(cls: type[E], value: Any, name: str) -> frozenset[E]:
    out: set[E] = set()
    for v in _many(value):
        if isinstance(v, cls):
            out.add(v)
            continue
        if isinstance(v, str):
            key = v.strip().lower().replace(" ", "_").replace("-", "_")
            key = _ALIASES.get(key, key)
            for member in cls:
                if key in (member.value, member.name.lower()):
                    out.add(member)
                    break
            else:
                values = [str(e.value) for e in cls]
                pool = values + [a for a, t in _ALIASES.items() if t in values]
                close = [
                    _ALIASES.get(c, c)
                    for c in difflib.get_close_matches(key, pool, n=3, cutoff=0.5)
                ]
                close = list(dict.fromkeys(close))
                raise UnknownNameError(v, name.replace("_", " "), close)
            continue
        raise CriteriaError(f"{name} must be a {cls.__name__} or its name (got {v!r})")
    return frozenset(out)


def _quantity(value: Any, name: str, dims: tuple[Dimension, ...]) -> Quantity:
    if isinstance(value, str):
        from ._convert import _quantity as parse

        try:
            value = parse(value, None)
        except (TypeError, ValueError) as err:
            raise CriteriaError(f"{name}: {err}") from None
    if not isinstance(value, Quantity):
        raise CriteriaError(
            f"{name} must be a Quantity or text such as '45 mg/day' (got {value!r})"
        )
    if value.unit.dimension not in dims:
        allowed = " or ".join(d.value for d in dims)
        raise CriteriaError(f"{name} must be a {allowed} (got {value})")
    return value


def _dose_range(value: Any) -> tuple[Quantity | None, Quantity | None]:
    dims = (Dimension.MASS_RATE,)
    if isinstance(value, (str, Quantity)):
        return _quantity(value, "daily_dose", dims), None
    if isinstance(value, tuple) and len(value) == 2:
        lo = None if value[0] is None else _quantity(value[0], "daily_dose (low)", dims)
        hi = None if value[1] is None else _quantity(value[1], "daily_dose (high)", dims)
        if lo is not None and hi is not None and lo > hi:
            raise CriteriaError(f"daily_dose: the low end {lo} is above the high end {hi}")
        return lo, hi
    raise CriteriaError(
        "daily_dose must be a minimum ('45 mg/day') or a (low, high) pair, either may be None"
    )


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _level(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise CriteriaError(
            f"min_level must be an OCEBM level from 1 (strongest) to 5 (got {value!r})"
        )
    return value


def _year(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1800 <= value <= 2100:
        raise CriteriaError(f"{name} must be a year such as 2005 (got {value!r})")
    return value


class FilterCriteria(TypedDict, total=False):
    """The criteria of [`EvidenceBase.filter`][vitk2.EvidenceBase.filter], as a mapping.

    Every key is optional and is the keyword of the same name of
    [`filter_evidence`][vitk2.filter_evidence], which says what each one selects. A value of None leaves
    its criterion out; a sequence (a list or tuple) matches any of its values. Annotate a
    mapping of criteria with this type to have a type checker check it where it is built:

    >>> import vitk2
    >>> criteria: vitk2.FilterCriteria = {"indication": "osteoporosis", "design": ["rct"]}
    >>> len(vitk2.load().filter(**criteria).studies) > 0
    True

    Attributes:
        indication: Indication names or records; subtypes are included.
        compound: Compound names or records.
        compound_class: A class or family (``"bisphosphonate"``, ``"vitamin K2"``).
        design: Designs, as [`Design`][vitk2.Design] members or names (``"rct"``).
        min_level: An OCEBM level from 1 (strongest) to 5: keep levels 1 up to it.
        min_certainty: A [`Certainty`][vitk2.Certainty] or its name: keep that or higher.
        since: A year: keep studies published in or after it.
        until: A year: keep studies published in or before it.
        min_size: A whole number: keep studies with at least that many participants.
        direction: Directions of effect, as [`Direction`][vitk2.Direction] members or names.
        outcome_kind: Outcome kinds, as [`OutcomeKind`][vitk2.OutcomeKind] members or names.
        route: Routes of the doses, as [`Route`][vitk2.Route] members or names.
        exposure: Exposure types ([`Exposure`][vitk2.Exposure] or names: ``"supplement"``,
            ``"dietary_intake"``, ``"circulating_level"``).
        daily_dose: A minimum daily dose (``"45 mg/day"`` or a [`Quantity`][vitk2.Quantity])
            or a ``(low, high)`` pair, either end None.
        min_duration: A minimum treatment duration (``"16 week"`` or a
            [`Quantity`][vitk2.Quantity]).
        include_retracted: Keep findings that rest on a retracted citation.

    *Added in version 0.2.0*.
    """

    indication: str | m.Indication | Sequence[str | m.Indication] | None
    compound: str | m.Compound | Sequence[str | m.Compound] | None
    compound_class: str | Sequence[str] | None
    design: str | m.Design | Sequence[str | m.Design] | None
    min_level: int | None
    min_certainty: str | m.Certainty | None
    since: int | None
    until: int | None
    min_size: int | None
    direction: str | m.Direction | Sequence[str | m.Direction] | None
    outcome_kind: str | m.OutcomeKind | Sequence[str | m.OutcomeKind] | None
    route: str | m.Route | Sequence[str | m.Route] | None
    exposure: str | m.Exposure | Sequence[str | m.Exposure] | None
    daily_dose: str | Quantity | tuple[str | Quantity | None, str | Quantity | None] | None
    min_duration: str | Quantity | None
    include_retracted: bool


def filter_evidence(
    base: EvidenceBase,
    *,
    indication: str | m.Indication | Sequence[str | m.Indication] | None = None,
    compound: str | m.Compound | Sequence[str | m.Compound] | None = None,
    compound_class: str | Sequence[str] | None = None,
    design: str | m.Design | Sequence[str | m.Design] | None = None,
    min_level: int | None = None,
    min_certainty: str | m.Certainty | None = None,
    since: int | None = None,
    until: int | None = None,
    min_size: int | None = None,
    direction: str | m.Direction | Sequence[str | m.Direction] | None = None,
    outcome_kind: str | m.OutcomeKind | Sequence[str | m.OutcomeKind] | None = None,
    route: str | m.Route | Sequence[str | m.Route] | None = None,
    exposure: str | m.Exposure | Sequence[str | m.Exposure] | None = None,
    daily_dose: str | Quantity | tuple[str | Quantity | None, str | Quantity | None] | None = None,
    min_duration: str | Quantity | None = None,
    include_retracted: bool = False,
) -> EvidenceBase:
    """The findings of ``base`` that meet every criterion, as a new EvidenceBase.

    Criteria combine with AND; a criterion given several values (a list or tuple) matches any
    of them (OR). A study is kept with the findings that match; a study with none is dropped.
    Compounds, indications and citations are kept whole, so lookups keep working on the result.

    Args:
        base: The evidence to narrow.
        indication: Indication names or records; subtypes are included (``"mds"`` finds
            refractory anaemia).
        compound: Compound names or records; a finding matches when its group received the
            compound, alone or in a combination, or when it names the compound.
        compound_class: A class or family (``"bisphosphonate"``, ``"vitamin K2"``).
        design: Designs ([`Design`][vitk2.Design] or names such as ``"randomised_controlled_trial"``
            or ``"rct"``); a finding matches on the design its claim rests on (its ``basis``)
            when it has one, else on its study's design.
        min_level: Keep OCEBM levels from 1 up to this level (1 is strongest).
        min_certainty: Keep study certainty at or above this [`Certainty`][vitk2.Certainty].
        since: Keep studies published in or after this year.
        until: Keep studies published in or before this year.
        min_size: Keep studies with at least this many participants.
        direction: Directions of effect (``"benefit"``, ``"no_clear_effect"`` ...).
        outcome_kind: Outcome kinds (``"clinical"``, ``"surrogate"`` ...).
        route: Routes of the doses (``"oral"``).
        exposure: Exposure types: ``"supplement"`` (a supplement or drug given),
            ``"dietary_intake"`` or ``"circulating_level"``. A study with no exposure recorded
            gave a supplement or drug (every study before format 2 did) and matches
            ``"supplement"``; a finding's own exposure, when it has one, decides for it.
        daily_dose: A minimum daily dose (``"45 mg/day"``) or a ``(low, high)`` pair; units are
            converted (a range in µg/day finds doses stored in mg/day). With ``compound``, the
            dose of that compound must be in range.
        min_duration: A minimum treatment duration (``"16 week"``); units are converted.
        include_retracted: Keep findings that rest on a retracted citation. By default they are
            left out and listed in the result's ``excluded`` with the reason.

    Returns:
        A new [`EvidenceBase`][vitk2.EvidenceBase]; ``base`` is unchanged. This function computes
        the result every time; [`EvidenceBase.filter`][vitk2.EvidenceBase.filter] asks
        the same question and keeps the answer.

    Raises:
        UnknownNameError: For an unknown indication, compound, design or other name.
        CriteriaError: For a criterion of the wrong type or out of range.

    *Added in version 0.1.0*.
    """
    criteria = parse_criteria(
        base,
        indication=indication,
        compound=compound,
        compound_class=compound_class,
        design=design,
        min_level=min_level,
        min_certainty=min_certainty,
        since=since,
        until=until,
        min_size=min_size,
        direction=direction,
        outcome_kind=outcome_kind,
        route=route,
        exposure=exposure,
        daily_dose=daily_dose,
        min_duration=min_duration,
        include_retracted=include_retracted,
    )
    return select(base, criteria)


def select(base: EvidenceBase, criteria: Criteria) -> EvidenceBase:
    """The findings of ``base`` that meet parsed ``criteria``, as a new EvidenceBase."""
    return _keep(base, criteria, _candidates(base, criteria))


@attrs.frozen(kw_only=True, cache_hash=True)
class Criteria:
    """The criteria of a filter, checked and resolved: equal criteria select the same findings.

    Names are resolved to ids and members, so ``design="rct"`` and
    ``design=Design.RANDOMISED_CONTROLLED_TRIAL`` make equal values; None leaves a criterion out.
    Made by `parse_criteria`; kept answers of `EvidenceBase.filter` are keyed by it.
    """

    indications: frozenset[str] | None = None  # with their subtypes
    compounds: frozenset[str] | None = None
    classes: frozenset[str] | None = None  # ids of the compounds in the class or family
    designs: frozenset[m.Design] | None = None
    level: int | None = None
    certainty: m.Certainty | None = None
    since: int | None = None
    until: int | None = None
    min_size: int | None = None
    directions: frozenset[m.Direction] | None = None
    outcome_kinds: frozenset[m.OutcomeKind] | None = None
    routes: frozenset[m.Route] | None = None
    exposures: frozenset[m.Exposure] | None = None
    dose_low: Quantity | None = None
    dose_high: Quantity | None = None
    min_duration: Quantity | None = None
    include_retracted: bool = False

    @property
    def needs_doses(self) -> bool:
        """Whether a finding's doses or durations decide whether it is kept."""
        return (
            self.routes is not None
            or self.dose_low is not None
            or self.dose_high is not None
            or self.min_duration is not None
        )


def _indication_ids(base: EvidenceBase, indication: Any) -> frozenset[str]:
    ids: set[str] = set()
    for v in _many(indication):
        ind = v if isinstance(v, m.Indication) else base.indication(v)
        ids.update(i.id for i in base.subtypes(ind))
    return frozenset(ids)


def _class_ids(base: EvidenceBase, compound_class: Any) -> frozenset[str]:
    wanted = {normalize(str(v)) for v in _many(compound_class)}
    class_ids = frozenset(
        c.id
        for c in base.compounds
        if normalize(c.compound_class) in wanted or normalize(c.family) in wanted
    )
    if not class_ids:
        known = sorted(
            {c.compound_class for c in base.compounds} | {c.family for c in base.compounds}
        )
        raise UnknownNameError(
            ", ".join(str(v) for v in _many(compound_class)),
            "compound class",
            difflib.get_close_matches(
                str(next(iter(_many(compound_class)), "")), known, n=3, cutoff=0.5
            ),
        )
    return class_ids


def _certainty(value: Any) -> m.Certainty:
    chosen = _enums(m.Certainty, value, "certainty")
    if len(chosen) != 1:
        raise CriteriaError(f"min_certainty must be one certainty (got {value!r})")
    (certainty,) = chosen
    return certainty


def _size(value: Any) -> int:
    if not _is_count(value):
        raise CriteriaError(f"min_size must be a whole number >= 0 (got {value!r})")
    return int(value)


def _optional(parse: Callable[[Any], T], value: Any) -> T | None:
    return None if value is None else parse(value)


def parse_criteria(
    base: EvidenceBase,
    *,
    indication: str | m.Indication | Sequence[str | m.Indication] | None = None,
    compound: str | m.Compound | Sequence[str | m.Compound] | None = None,
    compound_class: str | Sequence[str] | None = None,
    design: str | m.Design | Sequence[str | m.Design] | None = None,
    min_level: int | None = None,
    min_certainty: str | m.Certainty | None = None,
    since: int | None = None,
    until: int | None = None,
    min_size: int | None = None,
    direction: str | m.Direction | Sequence[str | m.Direction] | None = None,
    outcome_kind: str | m.OutcomeKind | Sequence[str | m.OutcomeKind] | None = None,
    route: str | m.Route | Sequence[str | m.Route] | None = None,
    exposure: str | m.Exposure | Sequence[str | m.Exposure] | None = None,
    daily_dose: str | Quantity | tuple[str | Quantity | None, str | Quantity | None] | None = None,
    min_duration: str | Quantity | None = None,
    include_retracted: bool = False,
) -> Criteria:
    """Check every criterion of [`filter_evidence`][vitk2.filter_evidence] and resolve its names.

    Criteria are checked in the order of the keywords, so the first wrong one is reported.

    Raises:
        UnknownNameError: For an unknown indication, compound, design or other name.
        CriteriaError: For a criterion of the wrong type or out of range.
    """
    indications = _optional(functools.partial(_indication_ids, base), indication)
    compounds = (
        None
        if compound is None
        else frozenset(
            (v if isinstance(v, m.Compound) else base.compound(v)).id for v in _many(compound)
        )
    )
    classes = _optional(functools.partial(_class_ids, base), compound_class)
    designs = _optional(lambda v: _enums(m.Design, v, "design"), design)
    level = _optional(_level, min_level)
    certainty = _optional(_certainty, min_certainty)
    lo_year = _optional(lambda v: _year(v, "since"), since)
    hi_year = _optional(lambda v: _year(v, "until"), until)
    size = _optional(_size, min_size)
    directions = _optional(lambda v: _enums(m.Direction, v, "direction"), direction)
    kinds = _optional(lambda v: _enums(m.OutcomeKind, v, "outcome_kind"), outcome_kind)
    routes = _optional(lambda v: _enums(m.Route, v, "route"), route)
    exposures = _optional(lambda v: _enums(m.Exposure, v, "exposure"), exposure)
    dose_lo, dose_hi = _dose_range(daily_dose) if daily_dose is not None else (None, None)
    duration = _optional(lambda v: _quantity(v, "min_duration", (Dimension.TIME,)), min_duration)
    if not isinstance(include_retracted, bool):
        raise CriteriaError(f"include_retracted must be True or False (got {include_retracted!r})")
    return Criteria(
        indications=indications,
        compounds=compounds,
        classes=classes,
        designs=designs,
        level=level,
        certainty=certainty,
        since=lo_year,
        until=hi_year,
        min_size=size,
        directions=directions,
        outcome_kinds=kinds,
        routes=routes,
        exposures=exposures,
        dose_low=dose_lo,
        dose_high=dose_hi,
        min_duration=duration,
        include_retracted=include_retracted,
    )


def _candidates(base: EvidenceBase, criteria: Criteria) -> Sequence[m.Study]:
    """The studies that may hold a kept finding, in base order, found from the indexes."""
    ind_ids, comp_ids = criteria.indications, criteria.compounds
    if ind_ids is None and comp_ids is None:
        return base.studies
    idx = base._index
    groups: list[tuple[str, frozenset[str]]] = []  # per criterion: its kind and the ids it names
    if ind_ids is not None:
        groups.append(("indication", ind_ids))
    if comp_ids is not None:
        groups.append(("compound", comp_ids))
    # Start from the criterion that finds the fewest studies and keep those the others
    # find too: a cost in proportion to the smallest answer, not to the largest.
    groups.sort(key=lambda g: sum(len(idx.studies_about(g[0], k)) for k in g[1]))
    first_kind, first_keys = groups[0]
    matched = {s for k in first_keys for s in idx.studies_about(first_kind, k)}
    for kind, keys in groups[1:]:
        if not matched:
            break
        found = [idx.study_set(kind, k) for k in keys]  # each set once, not once per study
        if len(found) == 1:
            matched.intersection_update(found[0])
        else:
            matched = {s for s in matched if any(s in f for f in found)}
    # in base order, at a cost in proportion to the candidates, not to the base
    position = idx.position
    studies = base.studies
    return [studies[i] for i in sorted(position[s] for s in matched)]


def _study_ok(c: Criteria, s: m.Study) -> bool:
    """Whether the study-level criteria (level, certainty, years, size) keep ``s``."""
    if c.level is not None and (s.level.ocebm is None or s.level.ocebm > c.level):
        return False
    if c.certainty is not None and (s.level.certainty is None or s.level.certainty < c.certainty):
        return False
    if c.since is not None or c.until is not None:
        y = s.year
        if not isinstance(y, int):
            return False
        if (c.since is not None and y < c.since) or (c.until is not None and y > c.until):
            return False
    return c.min_size is None or (s.size is not None and s.size >= c.min_size)


def _doses_ok(c: Criteria, s: m.Study, f: m.Finding) -> bool:
    """Whether the route, dose and duration criteria keep finding ``f`` of ``s``."""
    relevant = [d for d in s.doses_of(f) if c.compounds is None or d.compound.id in c.compounds]
    routes = c.routes
    if routes is not None and not any(
        isinstance(d.route, m.Route) and d.route in routes for d in relevant
    ):
        return False
    lo, hi = c.dose_low, c.dose_high
    if (lo is not None or hi is not None) and not any(
        not isinstance(d.daily_dose, m.NotReported)
        and (lo is None or d.daily_dose >= lo)
        and (hi is None or d.daily_dose <= hi)
        for d in relevant
    ):
        return False
    duration = c.min_duration
    return duration is None or any(t >= duration for t in s.durations_of(f))


def _finding_ok(c: Criteria, s: m.Study, f: m.Finding) -> bool:
    """Whether the finding-level criteria but compounds, doses and retraction keep ``f``."""
    if c.indications is not None and f.indication.id not in c.indications:
        return False
    if c.designs is not None and (f.basis or s.design) not in c.designs:
        return False
    if (
        c.exposures is not None
        and (f.exposure or s.exposure or m.Exposure.SUPPLEMENT) not in c.exposures
    ):
        return False
    if c.directions is not None and f.direction not in c.directions:
        return False
    return c.outcome_kinds is None or f.outcome.kind in c.outcome_kinds


def _keep(base: EvidenceBase, c: Criteria, candidates: Iterable[m.Study]) -> EvidenceBase:
    """The findings of ``candidates`` that meet ``c``, checked one by one, as a new base."""
    comp_ids, class_ids = c.compounds, c.classes
    by_compound = comp_ids is not None or class_ids is not None
    needs_doses = c.needs_doses
    kept: list[m.Study] = []
    excluded: list[Exclusion] = list(base.excluded)
    # with no integrity notice in the base, no finding can rest on a retracted citation
    check_retracted = not c.include_retracted and bool(base._index.records.flagged)
    compounds_seen: dict[tuple[str, str | None] | None, set[str]] = {}  # (study, group) -> ids
    for s in candidates:
        if not _study_ok(c, s):
            continue
        findings: list[m.Finding] = []
        for f in s.findings:
            if not _finding_ok(c, s, f):
                continue
            if by_compound:
                key = (s.id, f.group) if not f.compounds else None  # a group's are shared
                have = compounds_seen.get(key) if key is not None else None
                if have is None:
                    have = {x.id for x in s.compounds_of(f)}
                    if key is not None:
                        compounds_seen[key] = have
                if (comp_ids is not None and not have & comp_ids) or (
                    class_ids is not None and not have & class_ids
                ):
                    continue
            if needs_doses and not _doses_ok(c, s, f):
                continue
            if check_retracted:
                retracted = [x.id for x in base._integrity(s, f) if x.integrity.is_retracted]
                if retracted:
                    excluded.append(
                        Exclusion(
                            finding=f.id,
                            study=s.id,
                            reason=f"rests on a retracted citation: {', '.join(retracted)}",
                        )
                    )
                    continue
            findings.append(f)
        if findings:
            kept.append(s if len(findings) == len(s.findings) else with_findings(s, findings))
    return EvidenceBase._subset(base, tuple(kept), tuple(dict.fromkeys(excluded)))


# every field of a study but its findings, which with_findings sets
_STUDY_FIELDS: tuple[str, ...] = tuple(
    a.name for a in attrs.fields(m.Study) if a.name != "findings"
)


def with_findings(study: m.Study, findings: list[m.Finding]) -> m.Study:
    """``study`` with only some of its findings, in their order.

    The same as ``attrs.evolve(study, findings=tuple(findings))``, without checking the study
    again: every rule a study obeys (unique ids, groups and sources that exist) still holds for
    a subset of its findings, so the checks could only pass.
    """
    new = object.__new__(m.Study)
    for name in _STUDY_FIELDS:
        object.__setattr__(new, name, getattr(study, name))
    object.__setattr__(new, "findings", tuple(findings))
    return new
