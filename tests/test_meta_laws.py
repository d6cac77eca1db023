"""Laws of vitk2.meta over generated data, with the public strategies of vitk2.testing."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vitk2 import meta
from vitk2 import testing as vt


@given(vt.effect_sizes())
@settings(max_examples=60, deadline=None)
def test_the_equal_effects_estimate_is_the_inverse_variance_weighted_mean(
    es: meta.EffectSizes,
) -> None:
    r = meta.pool(es, method="EE")
    w = [1 / row.vi for row in es]
    mean = sum(wi * row.yi for wi, row in zip(w, es, strict=True)) / sum(w)
    assert r.coef == pytest.approx(mean, rel=1e-9, abs=1e-12)
    assert r.se == pytest.approx(math.sqrt(1 / sum(w)), rel=1e-9)
    assert r.tau2 == 0


@given(vt.effect_sizes(min_size=2), st.sampled_from(["DL", "REML", "PM", "ML"]))
@settings(max_examples=60, deadline=None)
def test_random_effects_laws(es: meta.EffectSizes, method: str) -> None:
    r = meta.pool(es, method=method)  # type: ignore[arg-type]
    assert r.tau2 >= 0
    assert 0 <= r.i2 < 100
    assert r.k == len(es)
    assert sum(r.weights) == pytest.approx(100)
    assert r.coef_low <= r.coef <= r.coef_high
    assert r.prediction is not None
    assert r.prediction.low <= r.low <= r.high <= r.prediction.high


@given(vt.effect_sizes(min_size=2), st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None)
def test_pooling_does_not_depend_on_the_order_of_studies(
    es: meta.EffectSizes, rnd: random.Random
) -> None:
    rows = list(es)
    rnd.shuffle(rows)
    shuffled = meta.from_variances([r.yi for r in rows], [r.vi for r in rows], measure="GEN")
    again = meta.from_variances([r.yi for r in es], [r.vi for r in es], measure="GEN")
    a, b = meta.pool(again), meta.pool(shuffled)
    assert a.coef == pytest.approx(b.coef, rel=1e-9, abs=1e-12)
    assert a.tau2 == pytest.approx(b.tau2, rel=1e-6, abs=1e-10)


@given(vt.effect_sizes(min_size=3))
@settings(max_examples=30, deadline=None)
def test_leave_one_out_gives_one_result_per_study(es: meta.EffectSizes) -> None:
    omitted = meta.leave_one_out(es)
    assert [o.index for o in omitted] == list(range(len(es)))
    assert all(o.result.k == len(es) - 1 for o in omitted)


@given(vt.binary_tables())
@settings(max_examples=60, deadline=None)
def test_binary_keeps_every_study_for_rd_and_accounts_for_each_left_out_of_a_ratio(
    tables: tuple[list[int], list[int], list[int], list[int]],
) -> None:
    k = len(tables[0])
    assert len(meta.binary(*tables, measure="RD")) == k
    for measure in ("RR", "OR"):  # a Literal each
        es = meta.binary(*tables, measure=measure)
        assert len(es) + len(es.excluded) == k


@given(st.lists(st.text(min_size=1, max_size=12), min_size=2, max_size=5, unique=True))
@settings(max_examples=40, deadline=None)
def test_study_labels_never_break_the_markdown_table(labels: list[str]) -> None:
    k = len(labels)
    es = meta.from_variances([0.1 * i for i in range(k)], [0.05] * k, labels=labels)
    table = meta.pool(es).to_markdown().split("| Study | Weight |")[1]
    rows = [line for line in table.splitlines() if line.startswith("|")][1:]
    assert len(rows) == k  # no label adds or splits a row
    for row in rows:
        unescaped = row.replace("\\\\", "").replace("\\|", "")
        assert unescaped.count("|") == 3  # two cells, whatever the label holds
