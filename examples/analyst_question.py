"""An analyst's question: what is the evidence for vitamin K2 in MDS, and how strong is it?

Run it with ``python examples/analyst_question.py``. It prints the overview row for
myelodysplastic syndrome, the comparison table with its caveats, the certainty of each finding,
and what vitk2 says about comparing vitamin K2 alone with the combination with alfacalcidol.
"""

from __future__ import annotations

import vitk2


def main() -> None:
    base = vitk2.load()
    print(base)
    print()

    # 1. The one-line answer: how much evidence, how strong, which way.
    row = base.overview().row("MDS")
    print(f"Indication: {row.indication.name} (subtypes included)")
    print(f"  studies: {row.studies} ({', '.join(f'{n} {d}' for d, n in row.designs)})")
    print(f"  participants: {row.participants}")
    print(f"  best evidence: OCEBM level {row.best_level}")
    print(f"  certainty: {row.certainty}")
    print(f"  direction for vitamin K2: {row.direction} ({row.basis})")
    print()

    # 2. Every finding, strongest first, with intervals and numbered caveats.
    comparison = base.compare("mds")
    print(comparison)
    print()

    # 3. The proportions with their Wilson 95% intervals, and where each certainty comes from.
    print("Response rates with 95% intervals:")
    for r in comparison.rows:
        if isinstance(r.finding.statistic, vitk2.Proportion) and r.interval is not None:
            print(
                f"  {r.finding.id}: {r.statistic}, 95% CI {r.interval.low:.1%} to "
                f"{r.interval.high:.1%}; certainty {r.certainty.certainty} ({r.certainty.source})"
            )
    print()

    # 4. Alone versus the combination: vitk2 refuses a misleading contrast and says why.
    regimens = base.compare_regimens("mds")
    print(regimens)
    print()
    if not regimens.contrasts:
        print("No regimen contrast is computed for MDS:")
        for refusal in regimens.refusals:
            print(f"  {refusal.a} vs {refusal.b} ({refusal.measure}): {refusal.reason}")
    print()

    # 5. Reproducibility: the data version and content hash behind every number above.
    lineage = comparison.lineage
    print(f"Computed from {lineage.dataset} {lineage.version}, sha256 {lineage.content_hash[:16]}")


if __name__ == "__main__":
    main()
