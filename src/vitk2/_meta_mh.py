"""Mantel-Haenszel and Peto pooling of 2x2 tables for `meta` (metafor's ``rma.mh``, ``rma.peto``).

Both pool the tables themselves, with no continuity correction (metafor's defaults
``add=c(1/2, 0)``, ``to=c("only0", "none")``, ``drop00=c(TRUE, FALSE)``: the 1/2 is added only
to the per-study effects that feed the heterogeneity test, and a study without events in
either group is dropped only from that test).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from ._dist import two_sided_p
from ._meta_effects import (
    Excluded,
    MetaInputError,
    Table,
    check_level,
    check_measure,
    check_tables,
    critical_value,
    make_labels,
    not_estimable_reason,
    table_effect,
)
from ._meta_pool import MetaResult, heterogeneity
from ._stats import StatisticsError

__all__ = ["mantel_haenszel", "peto"]


def _q_effects(
    tables: Sequence[Table], names: Sequence[str], measure: str
) -> tuple[list[float], list[float], list[Excluded]]:
    """The escalc effects for the heterogeneity test, with drop00=TRUE (as rma.mh and rma.peto)."""
    ys: list[float] = []
    vs: list[float] = []
    left_out: list[Excluded] = []
    for name, table in zip(names, tables, strict=True):
        reason = not_estimable_reason(table)
        if reason is not None:
            left_out.append(Excluded(name, f"not in the heterogeneity test: {reason}"))
            continue
        yi, vi, _ = table_effect(table, measure)
        ys.append(yi)
        vs.append(vi)
    return ys, vs, left_out


def _not_estimable(measure: str, why: str) -> StatisticsError:
    return StatisticsError(f"the Mantel-Haenszel {measure} is not estimable: {why}")


def mantel_haenszel(
    events1: Sequence[int],
    total1: Sequence[int],
    events2: Sequence[int],
    total2: Sequence[int],
    *,
    measure: Literal["RR", "OR", "RD"],
    level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> MetaResult:
    """Mantel-Haenszel pooling of 2x2 tables (metafor's ``rma.mh``); group 1 is the treatment.

    The odds ratio is ``sum(a d / N) / sum(b c / N)`` with the Robins-Breslow-Greenland
    variance of its log; the risk ratio ``sum(a n2 / N) / sum(c n1 / N)`` with the
    Greenland-Robins variance; the risk difference ``sum((a n2 - c n1) / N) / sum(n1 n2 / N)``
    with the Sato-Greenland-Robins variance (metafor's choice, valid for sparse and large
    tables alike). No continuity correction enters the pooled estimate.

    Cochran's Q is computed as metafor does: from the escalc effects of the studies (1/2 added
    to tables with a zero cell, tables without events in either group, or with only events,
    left out and listed in ``excluded``), with inverse-variance weights, about the
    Mantel-Haenszel estimate. ``weights`` are the Mantel-Haenszel weights in percent
    (``b c / N``, ``c n1 / N`` or ``n1 n2 / N``).

    Args:
        events1: Events in group 1 (treatment), one per study.
        total1: Participants in group 1.
        events2: Events in group 2 (control).
        total2: Participants in group 2.
        measure: ``"RR"``, ``"OR"`` or ``"RD"``.
        level: Confidence level, in (0, 1).
        labels: Study labels; ``"1"`` to ``"k"`` when omitted.

    Returns:
        An equal-effects `MetaResult` with ``method="MH"``.

    Raises:
        MetaInputError: If the tables are invalid (see `binary`), there are none, the
            measure is unknown or ``level`` is not in (0, 1).
        StatisticsError: If the estimate is not estimable (for a ratio, no events in one of
            the groups across all tables; for any measure, a standard error of 0).

    Examples:
        >>> from vitk2 import meta
        >>> meta.mantel_haenszel([4, 6, 3], [123, 306, 231], [11, 29, 11], [139, 303, 220], measure="RR")
        <MetaResult RR 0.26 (95% CI 0.14 to 0.47), MH, k=3, tau²=0, I²=0.0%>

    *Added in version 0.2.0*.
    """
    check_measure(measure, ("RR", "OR", "RD"))
    lvl = check_level(level)
    tables = check_tables(events1, total1, events2, total2)
    k = len(tables)
    if k == 0:
        raise MetaInputError("there are no studies to pool (k = 0)", "events1")
    names = make_labels(labels, k)
    a = [float(t.events1) for t in tables]
    n1 = [float(t.total1) for t in tables]
    c = [float(t.events2) for t in tables]
    n2 = [float(t.total2) for t in tables]
    b = [x - y for x, y in zip(n1, a, strict=True)]
    d = [x - y for x, y in zip(n2, c, strict=True)]
    n = [x + y for x, y in zip(n1, n2, strict=True)]
    rows = range(k)

    if measure == "OR":
        r = [a[i] * d[i] / n[i] for i in rows]
        s = [b[i] * c[i] / n[i] for i in rows]
        big_r, big_s = math.fsum(r), math.fsum(s)
        if big_r == 0.0 or big_s == 0.0:
            raise _not_estimable("OR", "sum(a d / N) or sum(b c / N) is 0")
        coef = math.log(big_r / big_s)
        p_ = [(a[i] + d[i]) / n[i] for i in rows]
        q_ = [(b[i] + c[i]) / n[i] for i in rows]
        variance = 0.5 * (
            math.fsum(p_[i] * r[i] for i in rows) / big_r**2
            + math.fsum(p_[i] * s[i] + q_[i] * r[i] for i in rows) / (big_r * big_s)
            + math.fsum(q_[i] * s[i] for i in rows) / big_s**2
        )
        weights = s
    elif measure == "RR":
        if math.fsum(a) == 0.0 or math.fsum(c) == 0.0:
            raise _not_estimable("RR", "one group has no events in any study")
        big_r = math.fsum(a[i] * n2[i] / n[i] for i in rows)
        big_s = math.fsum(c[i] * n1[i] / n[i] for i in rows)
        coef = math.log(big_r / big_s)
        variance = math.fsum(
            n1[i] * n2[i] * (a[i] + c[i]) / n[i] ** 2 - a[i] * c[i] / n[i] for i in rows
        ) / (big_r * big_s)
        weights = [c[i] * n1[i] / n[i] for i in rows]
    else:
        denom = math.fsum(n1[i] * n2[i] / n[i] for i in rows)
        coef = math.fsum(a[i] * n2[i] / n[i] - c[i] * n1[i] / n[i] for i in rows) / denom
        variance = (
            coef
            * math.fsum(
                c[i] * (n1[i] / n[i]) ** 2
                - a[i] * (n2[i] / n[i]) ** 2
                + (n1[i] / n[i]) * (n2[i] / n[i]) * (n2[i] - n1[i]) / 2.0
                for i in rows
            )
            + math.fsum(a[i] * (n2[i] - c[i]) / n[i] + c[i] * (n1[i] - a[i]) / n[i] for i in rows)
            / 2.0
        ) / denom**2
        weights = [n1[i] * n2[i] / n[i] for i in rows]
    if not (variance > 0.0 and math.isfinite(variance)):
        raise _not_estimable(measure, "its standard error is 0 (no events, or only events)")

    ys, vs, left_out = _q_effects(tables, names, measure)
    q_raw = math.fsum((y - coef) ** 2 / v for y, v in zip(ys, vs, strict=True))
    return _result(measure, "MH", coef, variance, lvl, k, q_raw, len(ys), weights, names, left_out)


def peto(
    events1: Sequence[int],
    total1: Sequence[int],
    events2: Sequence[int],
    total2: Sequence[int],
    *,
    level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> MetaResult:
    """Peto's one-step odds ratio (metafor's ``rma.peto``); group 1 is the treatment.

    With ``E = (a + c) n1 / N`` and the hypergeometric variance
    ``V = (a + c)(b + d) n1 n2 / (N**2 (N - 1))``, the log odds ratio is
    ``sum(a - E) / sum(V)`` with variance ``1 / sum(V)``. Peto's Q is
    ``sum((a - E)**2 / V) - sum(a - E)**2 / sum(V)`` over the tables with ``V > 0``; its degrees
    of freedom count the studies with an estimable escalc effect (``excluded`` lists the
    others). ``weights`` are the ``V`` in percent.

    Args:
        events1: Events in group 1 (treatment), one per study.
        total1: Participants in group 1.
        events2: Events in group 2 (control).
        total2: Participants in group 2.
        level: Confidence level, in (0, 1).
        labels: Study labels; ``"1"`` to ``"k"`` when omitted.

    Returns:
        An equal-effects `MetaResult` with ``measure="OR"`` and ``method="PETO"``.

    Raises:
        MetaInputError: If the tables are invalid (see `binary`), there are none, or
            ``level`` is not in (0, 1).
        StatisticsError: If one of the two outcomes never occurs in any table.

    Examples:
        >>> from vitk2 import meta
        >>> meta.peto([4, 6, 3], [123, 306, 231], [11, 29, 11], [139, 303, 220])
        <MetaResult OR 0.29 (95% CI 0.18 to 0.48), PETO, k=3, tau²=0, I²=0.0%>

    *Added in version 0.2.0*.
    """
    lvl = check_level(level)
    tables = check_tables(events1, total1, events2, total2)
    k = len(tables)
    if k == 0:
        raise MetaInputError("there are no studies to pool (k = 0)", "events1")
    names = make_labels(labels, k)
    deviations: list[float] = []
    variances: list[float] = []
    for t in tables:
        a, n1, c, n2 = (float(x) for x in t)
        n = n1 + n2
        xt, yt = a + c, n - a - c
        deviations.append(a - xt * n1 / n)
        variances.append(xt * yt * (n1 / n) * (n2 / n) / (n - 1.0))
    v_sum = math.fsum(variances)
    if v_sum == 0.0:
        raise StatisticsError(
            "Peto's method needs both outcomes: one of them never occurred in any table"
        )
    o_minus_e = math.fsum(deviations)
    coef = o_minus_e / v_sum
    positive = [(dev, v) for dev, v in zip(deviations, variances, strict=True) if v > 0.0]
    q_raw = math.fsum(dev * dev / v for dev, v in positive) - o_minus_e**2 / v_sum
    ys, _, left_out = _q_effects(tables, names, "OR")
    k_yi = len(ys) if len(positive) > 1 else 1  # metafor: no test unless two tables inform it
    return _result("OR", "PETO", coef, 1.0 / v_sum, lvl, k, q_raw, k_yi, variances, names, left_out)


def _result(
    measure: str,
    method: str,
    coef: float,
    variance: float,
    level: float,
    k: int,
    q_raw: float,
    k_q: int,
    weights: Sequence[float],
    names: Sequence[str],
    left_out: Sequence[Excluded],
) -> MetaResult:
    se = math.sqrt(variance)
    crit = critical_value(level)
    statistic = coef / se
    q, q_df, q_p, i2, h2 = heterogeneity(q_raw, k_q)
    total = math.fsum(weights)
    return MetaResult(
        measure=measure,
        method=method,
        test="z",
        level=level,
        k=k,
        coef=coef,
        se=se,
        coef_low=coef - crit * se,
        coef_high=coef + crit * se,
        z_or_t=statistic,
        p=two_sided_p(statistic, None),
        tau2=0.0,
        i2=i2,
        h2=h2,
        q=q,
        q_df=q_df,
        q_p=q_p,
        weights=tuple(100.0 * w / total for w in weights) if total > 0.0 else (0.0,) * k,
        labels=tuple(names),
        excluded=tuple(left_out),
    )
