"""Realistic user code that mypy --strict must accept (run by tests/test_typing.py)."""

from __future__ import annotations

import vitk2
from vitk2 import Certainty, Compound, Design, EvidenceBase, Finding, Proportion, Quantity


def response_rates(base: EvidenceBase, indication: str) -> list[tuple[str, float, float, float]]:
    out: list[tuple[str, float, float, float]] = []
    for finding in base.filter(indication=indication).findings:
        stat = finding.statistic
        if isinstance(stat, Proportion):
            ci = stat.interval("clopper-pearson", 0.9)
            out.append((finding.id, stat.estimate, ci.low, ci.high))
    return out


def compound_or_none(base: EvidenceBase, name: str) -> Compound | None:
    return base.get("compound", name)


def strongest(base: EvidenceBase) -> list[str]:
    table = base.compare("mds")
    return [row.finding.id for row in table.rows if row.certainty.certainty >= Certainty.LOW]


def randomised(base: EvidenceBase, indication: str, since: int | None = None) -> EvidenceBase:
    criteria: vitk2.FilterCriteria = {
        "indication": indication,
        "design": [Design.RANDOMISED_CONTROLLED_TRIAL, "systematic review"],
    }
    if since is not None:
        criteria["since"] = since
    return base.filter(**criteria)


def imprecise(base: EvidenceBase, level: float = 0.9) -> list[str]:
    options: vitk2.CompareOptions = {"interval": "clopper-pearson", "level": level}
    table = base.compare("mds", **options)
    return [
        row.finding.id
        for row in table.rows
        if any(d.domain is vitk2.Domain.IMPRECISION for d in row.certainty.downgrades)
    ]


def daily_mg(base: EvidenceBase, finding: Finding) -> list[float]:
    doses = base.doses_of(finding)
    return [d.daily_dose.to("mg/day").value for d in doses if isinstance(d.daily_dose, Quantity)]


def main() -> None:
    base = vitk2.load()
    try:
        base.indication("osteoporsis")
    except vitk2.UnknownNameError as err:
        suggestions: tuple[str, ...] = err.suggestions
        print(suggestions)
    try:
        vitk2.loads("studies: 1")
    except vitk2.ValidationError as err:
        for problem in err.problems:
            print(problem.file, problem.path, problem.message)
    text: str = vitk2.dump(base, "json")
    again: EvidenceBase = vitk2.loads(text, "json")
    study: vitk2.Study = vitk2.loads(vitk2.dump(base.studies[0]), as_type=vitk2.Study, base=base)
    print(response_rates(again, "mds"), compound_or_none(base, "MK4"), strongest(base), study.id)
    print(daily_mg(base, base.finding("mds-vk2-d3-2005.step-1.response")))
    print(base.overview(include_retracted=False).to_markdown())
    print(len(randomised(base, "osteoporosis", since=2000)), imprecise(base))
    print(base.compare_regimens("mds", level=0.9).to_json()[:40])
    print(pooled_rr([4, 6, 3], [123, 306, 231], [11, 29, 11], [139, 303, 220]))


def pooled_rr(
    e1: list[int], n1: list[int], e2: list[int], n2: list[int]
) -> tuple[float, float, float]:
    """A data scientist's own 2x2 tables, pooled as metafor would."""
    from vitk2 import meta

    effects: meta.EffectSizes = meta.binary(e1, n1, e2, n2, measure="RR")
    result: meta.MetaResult = meta.pool(effects, method="REML", test="knha")
    left_out: tuple[meta.Omitted, ...] = meta.leave_one_out(effects)
    print(result.to_markdown(), [o.result.estimate for o in left_out], result.tau2)
    return result.estimate, result.low, result.high


if __name__ == "__main__":
    main()
