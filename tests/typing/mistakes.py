"""Mistakes in user code that mypy --strict must reject (checked by tests/test_typing.py).

Each mistake carries ``# type: ignore[<code>]`` with the error it must cause, and mypy runs
with ``--warn-unused-ignores``: a mistake that stops being an error leaves its ignore unused,
and the test fails. This file is only type-checked, never run.
"""

from __future__ import annotations

import vitk2
from vitk2 import EvidenceBase, meta


def names() -> None:
    from vitk2 import Studdy  # type: ignore[attr-defined]

    vitk2.lod()  # type: ignore[attr-defined]
    print(Studdy)


def filter_criteria(base: EvidenceBase) -> None:
    base.filter(desing="rct")  # type: ignore[call-arg]
    base.filter(min_level="high")  # type: ignore[arg-type]
    base.filter(design=3)  # type: ignore[arg-type]
    base.filter(daily_dose=45)  # type: ignore[arg-type]
    base.filter(include_retracted="yes")  # type: ignore[arg-type]
    vitk2.filter_evidence(base, min_level="high")  # type: ignore[arg-type]
    criteria: vitk2.FilterCriteria = {"desing": "rct"}  # type: ignore[typeddict-unknown-key]
    base.filter(**criteria)


def comparison_options(base: EvidenceBase) -> None:
    base.compare("mds", level="0.9")  # type: ignore[arg-type]
    base.compare("mds", interval="wald")  # type: ignore[arg-type]
    base.compare("mds", include_retraced=True)  # type: ignore[call-arg]
    base.compare_regimens("mds", interval="wilson")  # type: ignore[call-arg]
    base.overview(include_retracted=1)  # type: ignore[arg-type]
    options: vitk2.CompareOptions = {"level": "0.9"}  # type: ignore[typeddict-item]
    base.compare("mds", **options)


def formats(base: EvidenceBase) -> None:
    vitk2.dump(42)  # type: ignore[arg-type]
    vitk2.dump(base, "toml")  # type: ignore[arg-type]
    vitk2.loads("x", "toml")  # type: ignore[call-overload]
    vitk2.load_file("evidence.toml", format="toml")  # type: ignore[arg-type]
    base.compare("mds").to_markdown(format="html")  # type: ignore[call-arg]
    base.overview().to_json(indent=2)  # type: ignore[call-arg]


def domains(base: EvidenceBase) -> bool:
    row = base.compare("mds").rows[0]
    return any(
        d.domain == "imprecision"  # type: ignore[comparison-overlap]
        for d in row.certainty.downgrades
    )


def pooling(effects: meta.EffectSizes) -> None:
    meta.pool(effects, method="XYZ")  # type: ignore[arg-type]
    meta.pool(effects, test="t")  # type: ignore[arg-type]
    meta.binary([1], [10], [2], [10], measure="HR")  # type: ignore[arg-type]
