"""A developer embedding vitk2 in a tool: typed lookups, filters, errors and JSON output.

Run it with ``python examples/embed_in_tool.py [INDICATION ...]``. For each name it prints the
JSON a web endpoint of an evidence dashboard might return: the indication's summary and its
strongest findings, or an error with suggestions when the name is unknown.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import vitk2


def summary(base: vitk2.EvidenceBase, name: str) -> dict[str, Any]:
    """The JSON-ready answer for one indication name (never raises for a bad name)."""
    try:
        indication = base.indication(name)
    except vitk2.AmbiguousNameError as err:
        return {"query": name, "error": str(err), "candidates": list(err.suggestions)}
    except vitk2.UnknownNameError as err:
        return {"query": name, "error": str(err), "suggestions": list(err.suggestions)}

    # A typed filter: randomised evidence (OCEBM 1-2) on outcomes patients feel.
    strong = base.filter(indication=indication, min_level=2, outcome_kind="clinical")
    comparison = base.compare(indication)
    row = next((r for r in base.overview().rows if r.indication.id == indication.id), None)
    return {
        "query": name,
        "indication": {"id": indication.id, "name": indication.name},
        "overview": None
        if row is None
        else {
            "studies": row.studies,
            "best_level": row.best_level,
            "certainty": None if row.certainty is None else row.certainty.value,
            "direction": row.direction.value,
            "basis": row.basis,
        },
        "clinical_findings_at_level_1_or_2": [
            {
                "id": f.id,
                "study": strong.study_of(f).id,
                "outcome": f.outcome.name,
                "result": str(f.statistic),
                "direction": f.direction.value,
            }
            for f in strong.findings
        ],
        "left_out": [{"finding": e.finding, "reason": e.reason} for e in comparison.excluded],
        "lineage": json.loads(comparison.to_json())["lineage"],
    }


def main(argv: list[str]) -> int:
    base = vitk2.load()
    names = argv or ["hcc", "osteoporsis"]

    # Lookups by any name; get() returns a default instead of raising.
    compound: vitk2.Compound = base.compound("Glakay")
    print(
        f"'Glakay' is {compound.name} ({compound.compound_class}); ATC {compound.code(vitk2.CodeSystem.ATC)}"
    )
    print("get() of an unknown study:", base.get("study", "no-such-study", default=None))

    # Criteria are checked eagerly: a bad value fails at once, with a reason.
    try:
        base.filter(design="randomized controled trial")
    except vitk2.UnknownNameError as err:
        print("bad criterion:", err)

    for name in names:
        print(json.dumps(summary(base, name), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
