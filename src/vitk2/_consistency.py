"""The checks a base's records must pass together: unique ids, resolved references, plausible counts.

The loader runs them on every file, with the file's name in each problem; `EvidenceBase`
runs them on a base built by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import _model as m
from ._errors import Problem

if TYPE_CHECKING:
    from ._base import EvidenceBase


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
                        code="duplicate-id",
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
                Problem(
                    file,
                    f"endpoints[{i}].parent",
                    f"unknown endpoint id {e.parent!r}",
                    code="dangling",
                )
            )
    for i, e in enumerate(endpoints):
        chain = [e.id]
        step: m.Endpoint = e
        while step.parent is not None and step.parent in ends:
            if step.parent in chain:
                cycle = " -> ".join([*chain[chain.index(step.parent) :], step.parent])
                problems.append(
                    Problem(
                        file,
                        f"endpoints[{i}].parent",
                        f"circular parent endpoints: {cycle}",
                        code="cycle",
                    )
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
                Problem(
                    file,
                    f"indications[{i}].parent",
                    f"unknown indication id {ind.parent!r}",
                    code="dangling",
                )
            )
    for i, ind in enumerate(indications):
        seen = [ind.id]
        node = ind
        while node.parent is not None and node.parent in inds:
            if node.parent in seen:
                cycle = " -> ".join([*seen[seen.index(node.parent) :], node.parent])
                problems.append(
                    Problem(
                        file,
                        f"indications[{i}].parent",
                        f"circular parent indications: {cycle}",
                        code="cycle",
                    )
                )
                break
            seen.append(node.parent)
            node = inds[node.parent]

    for i, c in enumerate(citations):
        if c.reports_on is not None and c.reports_on not in cits:
            problems.append(
                Problem(
                    file,
                    f"citations[{i}].reports_on",
                    f"unknown citation id {c.reports_on!r}",
                    code="dangling",
                )
            )
        if c.integrity.notice is not None and c.integrity.notice not in cits:
            problems.append(
                Problem(
                    file,
                    f"citations[{i}].integrity.notice",
                    f"unknown citation id {c.integrity.notice!r}",
                    code="dangling",
                )
            )
    problems.extend(_citation_cycles(citations, cits, file))
    problems.extend(_notice_dates(citations, cits, file))

    finding_at: dict[str, tuple[int, int]] = {}  # paths are written only for problems
    for i, s in enumerate(studies):
        for j, f in enumerate(s.findings):
            first = finding_at.setdefault(f.id, (i, j))
            if first != (i, j):
                problems.append(
                    Problem(
                        file,
                        f"studies[{i}].findings[{j}].id",
                        f"duplicate finding id {f.id!r}"
                        f" (first at studies[{first[0]}].findings[{first[1]}])",
                        code="duplicate-id",
                    )
                )
            for k, cid in enumerate(f.rests_on):
                if cid not in cits:
                    problems.append(
                        Problem(
                            file,
                            f"studies[{i}].findings[{j}].rests_on[{k}]",
                            f"unknown citation id {cid!r}",
                            code="dangling",
                        )
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
                            code="cycle",
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

    def fits(
        path: str, what: str, value: int | None, limit: ParticipantLimit | None, *at: object
    ) -> None:  # ``path`` is a format of ``at``, written only for a count that does not fit
        if value is not None and limit is not None and value > limit.most:
            problems.append(
                Problem(
                    file,
                    f"{here}.{path.format(*at)}",
                    f"{what} must be <= {limit.source} (got {value} > {limit.most})",
                )
            )

    for j, arm in enumerate(study.arms):
        fits("arms[{}].size", "'size'", m._known(arm.size), whole, j)
        for k, phase in enumerate(arm.regimen.phases if arm.regimen is not None else ()):
            # the counts of a phase never grow (a Phase checks that): the first known is largest
            own = _first_count(phase, ("eligible", "entered", "evaluable"))
            if own is not None:
                name, n = own
                path = "arms[{}].regimen.phases[{}].{}"
                fits(path, f"'{name}'", n, groups.get(arm.id), j, k, name)
    for j, f in enumerate(study.findings):
        limit = whole if f.group is None else groups.get(f.group)
        stat = f.statistic
        participants = getattr(stat, "counts", None) is m.CountKind.PARTICIPANTS
        if isinstance(stat, m.Proportion) and participants:
            fits("findings[{}].statistic.total", "'total'", stat.total, limit, j)
        elif isinstance(stat, m.Count) and participants:
            fits("findings[{}].statistic.value", "'value'", stat.value, limit, j)
        elif isinstance(stat, m.Breakdown):
            if participants:
                what = "the sum of the categories"
                fits("findings[{}].statistic.categories", what, stat.total, limit, j)
            fits("findings[{}].statistic.among", "'among'", stat.among, limit, j)
        elif isinstance(stat, m.GroupSummaries):
            for x, summary in enumerate(stat.summaries):
                path = "findings[{}].statistic.summaries[{}].n"
                fits(path, "'n'", summary.n, groups.get(summary.group), j, x)
    for j, ae in enumerate(study.adverse_events):
        limit = whole if ae.group is None else groups.get(ae.group)
        total = m._known(ae.total)  # participants <= total: an AdverseEvent checks that
        if total is not None:
            fits("adverse_events[{}].total", "'total'", total, limit, j)
        else:
            fits(
                "adverse_events[{}].participants",
                "'participants'",
                m._known(ae.participants),
                limit,
                j,
            )
    return problems


def dangling_references(base: EvidenceBase) -> list[Problem]:
    """References to records ``base`` does not hold (possible when a base is built by hand)."""
    held: dict[str, dict[str, Any]] = {
        kind: {r.id: r for r in records}
        for kind, records in (
            ("compound", base.compounds),
            ("indication", base.indications),
            ("citation", base.citations),
            ("endpoint", base.endpoints),
        )
    }
    study_ids = {s.id for s in base.studies}
    endpoints, citations = held["endpoint"], held["citation"]
    indications, compounds = held["indication"], held["compound"]
    found: list[tuple[str, str]] = []  # (path, message)

    def foreign(table: dict[str, Any], record: Any) -> bool:  # the same record, or an equal one
        other = table.get(record.id)
        return other is not record and other != record

    # Paths are written only for what is found, so checking a sound base builds none.
    for i, s in enumerate(base.studies):
        for k, sid in enumerate(s.includes):
            if sid not in study_ids:
                found.append((f"studies[{i}].includes[{k}]", f"unknown study id {sid!r}"))
        for j, f in enumerate(s.findings):
            e = f.outcome.endpoint
            if e is not None and foreign(endpoints, e):
                path = f"studies[{i}].findings[{j}].outcome.endpoint"
                found.append((path, f"endpoint {e.id!r} is not in the base"))
        for kind, table, records, where in (
            ("citation", citations, s.reports, ".reports"),
            ("indication", indications, s.indications, ".indications"),
            ("compound", compounds, s.compounds, ""),
        ):
            found.extend(
                (f"studies[{i}]{where}", f"{kind} {r.id!r} is not in the base")
                for r in records
                if foreign(table, r)
            )
    return [Problem("<EvidenceBase>", path, message, code="dangling") for path, message in found]
