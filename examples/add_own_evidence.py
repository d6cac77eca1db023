"""A package adding its own evidence file beside the bundled evidence.

Run it with ``python examples/add_own_evidence.py``. It writes a small YAML file with one new
single-arm trial of menatetrenone in MDS to a temporary directory, validates and loads it on top
of the bundled evidence with ``base=vitk2.load()``, merges, compares, and shows the pooled
response rate now that two comparable trials report the same outcome.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import vitk2

TRIAL = """\
vitk2: 2
citations:
  - id: example-2025-mds-abstract
    kind: conference_abstract
    authors: [Example A, Sample B]
    title: Menatetrenone 45 mg/day in lower-risk MDS (an example trial)
    journal: Example Haematology Meeting
    year: 2025
studies:
  - id: example-2025-mds
    title: Menatetrenone in lower-risk MDS (example, single arm, 16 weeks)
    reports: [example-2025-mds-abstract]
    design: single_arm_trial
    indications: [mds]
    population:
      description: Adults with IPSS low or intermediate-1 MDS and cytopenia.
      enrolled: 36
      evaluable: 34
    level:
      ocebm: 4
      rationale: A small single-arm trial without a control group.
    arms:
      - id: vk2
        name: menatetrenone
        role: intervention
        size: 36
        regimen:
          doses:
            - {compound: menatetrenone, amount: 45 mg/day, route: oral}
          duration: 16 week
    findings:
      - id: example-2025-mds.response
        outcome: {name: haematologic improvement, kind: surrogate, criteria: IWG 2006}
        indication: mds
        group: vk2
        statistic: {kind: proportion, events: 7, total: 34}
        direction: benefit
        provenance:
          - source: example-2025-mds-abstract
            text: Seven of 34 evaluable patients showed haematologic improvement.
"""


def main() -> None:
    bundled = vitk2.load()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "example-2025-mds.yaml"
        path.write_text(TRIAL, encoding="utf-8")

        # Load on top of the bundled evidence: the file refers to 'menatetrenone' and 'mds'.
        base = vitk2.load_file(path, base=bundled)
    print(f"bundled: {bundled}")
    print(f"with the example trial: {base}")

    # The same records merge into any other base; merging is idempotent.
    mine = base.filter(since=2025, compound="menatetrenone")
    merged = bundled.merge(mine)
    assert merged.study("example-2025-mds") == base.study("example-2025-mds")
    print("merged:", merged.study("example-2025-mds"))
    print()

    # Compare: the new trial appears beside the bundled ones, with its interval and caveats.
    comparison = base.compare("mds")
    new = next(r for r in comparison.rows if r.study.id == "example-2025-mds")
    assert new.interval is not None
    print(
        f"example trial: {new.statistic}, 95% CI {new.interval.low:.1%} to {new.interval.high:.1%}, "
        f"certainty {new.certainty.certainty} ({new.certainty.source})"
    )
    print()

    # Two comparable single-arm trials (same outcome, same compound): vitk2 pools them.
    if comparison.pooled:
        for pooled in comparison.pooled:
            r = pooled.result
            print(
                f"pooled {pooled.measure} ({' + '.join(pooled.compounds)}) across {len(pooled.findings)} studies:"
            )
            for fid in pooled.findings:
                print(f"  - {fid}: {base.finding(fid).statistic}")
            print(
                f"  estimate {r.estimate:.1%} (95% CI {r.interval.low:.1%} to {r.interval.high:.1%}), "
                f"I² {r.i2:.0%}; {comparison.lineage.pooling_model}"
            )
    else:
        print("nothing to pool: no two studies report the same proportion for the same regimen")

    # A broken version of the file: every problem, located, in one error.
    try:
        vitk2.loads(TRIAL.replace("events: 7", "events: 70"), base=bundled, file="broken.yaml")
    except vitk2.ValidationError as err:
        print()
        print("a broken copy is rejected:")
        for problem in err.problems:
            print(f"  {problem}")


if __name__ == "__main__":
    main()
