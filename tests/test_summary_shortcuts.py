"""The shortcuts a summary takes to its rows' contrasts give what the whole answer gives.

A row asks `PoolableContrasts` for the contrasts of its own findings only, and asks nothing
when none of its findings is a contrast of a randomised trial. These tests hold both to the
whole answer, on the benchmarks' synthetic evidence (whose trials have contrasts to pool):
the contrasts of some findings are those of every finding, kept for those findings (their
labels, scale and one contrast per study worked out over all of them), and a finding a row
would not ask about is never among the contrasts.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

import vitk2
from vitk2._evidence_meta import MetaAnalysisError, PoolableContrasts
from vitk2._summary import _Item, _may_be_pooled

MEASURES: tuple[Any, ...] = (None, "RR", "OR", "RD", "HR", "MD", "SMD")
INDICATIONS = ("indication-00", "indication-01", "indication-02", "indication-16", "indication-22")


@pytest.fixture(scope="module")
def synthetic() -> vitk2.EvidenceBase:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate  # type: ignore[import-not-found]  # the benchmarks' synthetic evidence

    return vitk2.loads(json.dumps(generate.generate(1000, seed=11)), "json")


def _asked(
    ask: PoolableContrasts,
    ind: vitk2.Indication,
    end: vitk2.Endpoint,
    comp: vitk2.Compound | None,
    measure: Any,
    wanted: frozenset[str] | None,
) -> Any:
    try:
        return ask(ind, end, comp, measure, wanted)
    except MetaAnalysisError as err:
        return "error", err.measures


def _forms(base: vitk2.EvidenceBase) -> list[vitk2.Compound]:
    return [c for c in base.compounds if c.family == "vitamin K"][:8]


def test_the_contrasts_of_some_findings_are_the_wholes_for_them(
    synthetic: vitk2.EvidenceBase,
) -> None:
    rnd = random.Random(7)
    whole = PoolableContrasts(synthetic, False)
    some = PoolableContrasts(synthetic, False)  # never asked for every contrast
    compared = 0
    for ind in map(synthetic.indication, INDICATIONS):
        ids = [f.id for _, f in synthetic._index.select_findings([ind.id], None)]
        for end in synthetic.endpoints:
            for comp in (None, *_forms(synthetic)):
                for measure in MEASURES:
                    wanted = frozenset(x for x in ids if rnd.random() < 0.5)
                    full = _asked(whole, ind, end, comp, measure, None)
                    part = _asked(some, ind, end, comp, measure, wanted)
                    if full[0] == "error":
                        assert part == full
                        continue
                    kept = tuple(c for c in full[1] if c.finding in wanted)
                    assert part == (full[0], kept), (ind.id, end.id, comp, measure)
                    compared += len(kept)
    assert compared > 100  # contrasts of labels made unique, of several scales, were compared


def test_a_finding_that_could_not_be_pooled_has_no_contrast(
    synthetic: vitk2.EvidenceBase,
) -> None:
    pooled: set[str] = set()
    ask = PoolableContrasts(synthetic, True)
    for ind in map(synthetic.indication, INDICATIONS):
        for end in synthetic.endpoints:
            for comp in (None, *_forms(synthetic)):
                for measure in MEASURES[1:]:
                    pooled.update(c.finding for c in ask(ind, end, comp, measure)[1])
    assert pooled
    for s in synthetic.studies:
        for f in s.findings:
            item = _Item(
                study=s,
                finding=f,
                design=f.basis or s.design,
                forms=(),
                exposure=vitk2.Exposure.SUPPLEMENT,
                concerns=(),
                superseded=False,
                order=0,
                label="",
                words="",
                timepoint=0.0,
            )
            assert f.id not in pooled or _may_be_pooled(item), f.id
