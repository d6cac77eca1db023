"""A comparison's texts and intervals say what the public helpers say.

``compare`` makes a row's texts from what the row has already worked out (an effect's interval,
a proportion's Wilson interval, the finding's provenance read once); each must still be the
text or value the helper written for one statistic or finding gives.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings

import vitk2
from vitk2 import _compare
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._render import effect_text, interval_text, statistic_text


def _check_rows(base: vitk2.EvidenceBase, **options: object) -> int:
    """Every row of every indication's comparison against the helpers; the rows checked."""
    checked = 0
    for ind in base.indications:
        comparison = _compare.compare(base, ind.id, **options)  # type: ignore[arg-type]
        for row in comparison.rows:
            f, stat = row.finding, row.finding.statistic
            assert row.statistic == statistic_text(stat), f.id
            if isinstance(stat, m.Effect):
                assert row.interval == stat.interval, f.id
                assert row.estimate == stat.value, f.id
            assert row.provenance == _compare._provenance_kind(f), f.id
            cited, _, verified = _compare._provenance(f)
            assert cited == f.sources, f.id
            assert verified == f.verified, f.id
            checked += 1
    return checked


class TestRowTexts:
    @pytest.mark.parametrize(
        "options",
        [{}, {"include_retracted": True}, {"interval": "clopper-pearson", "level": 0.9}],
    )
    def test_the_bundled_rows(self, options: dict[str, object]) -> None:
        assert _check_rows(vitk2.load(), **options) > 0

    @settings(max_examples=60, deadline=None)
    @given(vt.evidence_bases(max_studies=4))
    def test_generated_rows(self, base: vitk2.EvidenceBase) -> None:
        _check_rows(base)
        _check_rows(base, interval="clopper-pearson", level=0.8)

    @pytest.mark.parametrize("decimals", [None, 1, 3])
    @pytest.mark.parametrize(
        "p_value", [None, m.PValue(value=0.03), m.PValue(value=0.001, relation="<")]
    )
    def test_an_effect_reads_as_statistic_text(
        self, decimals: int | None, p_value: m.PValue | None
    ) -> None:
        effect = m.Effect(
            measure=m.EffectMeasure.RISK_RATIO,
            value=1.5,
            low=0.5,
            high=2.5,
            level=0.9,
            p_value=p_value,
            approximate=True,
            decimals=decimals,
        )
        assert _compare._statistic_text(effect, effect.interval) == statistic_text(effect)
        bare = m.Effect(measure=m.EffectMeasure.RISK_RATIO, value=1.0)
        assert _compare._statistic_text(bare, bare.interval) == statistic_text(bare)


def _rebuilt(stat: m.Effect) -> str:
    """An effect's text made the plain way: the effect rebuilt without interval and p value."""
    interval = stat.interval
    assert interval is not None
    bare = attrs.evolve(stat, low=None, high=None, p_value=None)  # validated again
    p = f", p {stat.p_value}" if stat.p_value is not None else ""
    spec = "g" if stat.decimals is None else f".{stat.decimals}f"
    return f"{bare} ({interval_text(interval, spec)}){p}"


def test_an_effects_text_is_the_one_of_the_effect_rebuilt() -> None:
    """`effect_text` copies the effect instead of rebuilding it; the words are the same."""
    effects = [
        f.statistic
        for s in vitk2.load().studies
        for f in s.findings
        if isinstance(f.statistic, m.Effect) and f.statistic.interval is not None
    ]
    effects += [
        m.Effect(
            measure=measure,
            value=0.8,
            low=0.25,
            high=1.75,
            level=0.9,
            p_value=p_value,
            decimals=decimals,
            approximate=approximate,
        )
        for measure in (m.EffectMeasure.RISK_RATIO, m.EffectMeasure.MEAN_DIFFERENCE)
        for p_value in (None, m.PValue(value=0.001, relation="<"))
        for decimals in (None, 2)
        for approximate in (False, True)
    ]
    assert len(effects) > 16
    for effect in effects:
        assert effect.interval is not None
        assert effect_text(effect, effect.interval) == _rebuilt(effect)
        assert statistic_text(effect) == _rebuilt(effect)


@settings(max_examples=200, deadline=None)
@given(vt.effects())
def test_a_generated_effects_text_is_the_one_of_the_effect_rebuilt(effect: m.Effect) -> None:
    if effect.interval is not None:
        assert effect_text(effect, effect.interval) == _rebuilt(effect)
