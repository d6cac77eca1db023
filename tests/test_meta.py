"""vitk2.meta against R metafor's published results, statsmodels, and its own definitions.

Every reference value below is copied from a named source, with the number of decimals it was
printed with; ``check`` allows half a unit in the last printed decimal. Sources:

* metafor's tests (github.com/wviechtb/metafor, tests/testthat/): ``test_misc_metan_vs_rma.uni_
  with_dat.bcg.r``, ``test_misc_metan_vs_rma.mh_with_dat.bcg.r``, ``test_misc_metan_vs_rma.peto_
  with_dat.bcg.r``, ``test_misc_influence.r`` (leave1out, full precision),
  ``test_analysis_example_dersimonian2007.r`` (CLASP), ``test_analysis_example_normand1999.r``,
  ``test_analysis_example_vanhouwelingen2002.r``, ``test_misc_rma_uni.r``;
* metafor's README.md (rma with test="knha" on dat.bcg, printed output);
* metafor output for dat.bcg's REML model and predict(res, transf=exp), as printed in public
  tutorials (cttir.github.io course 3 lab; "Metafor - resumo e tutorial");
* statsmodels' stats/tests/results/results_meta.py (metafor runs for Kacker 2004 with
  tol=1e-9, and escalc for dat.fine1993) and stats/tests/test_meta.py (escalc SMD);
* the data: metadat's data-raw/dat.colditz1994.txt (= dat.bcg), dat.normand1999.txt,
  dat.hine1989.txt, dat.fine1993.txt.

Note: the prediction interval for dat.bcg's REML model is 0.1546 to 1.5490 on the risk-ratio
scale (metafor's predict); an often-quoted 0.1233 to 1.9422 is not metafor's output for it.
"""

from __future__ import annotations

import importlib.util
import json
import math
import operator
import pickle
import random
import subprocess
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import meta
from vitk2._dist import chi2_sf, t_ppf
from vitk2._errors import Vitk2Error
from vitk2._stats import StatisticsError

HAS_STATSMODELS = importlib.util.find_spec("statsmodels") is not None
HAS_NUMPY = importlib.util.find_spec("numpy") is not None
HAS_PANDAS = importlib.util.find_spec("pandas") is not None
requires_statsmodels = pytest.mark.skipif(not HAS_STATSMODELS, reason="statsmodels not installed")
requires_numpy = pytest.mark.skipif(not HAS_NUMPY, reason="numpy not installed")
requires_pandas = pytest.mark.skipif(not HAS_PANDAS, reason="pandas not installed")

# Largest |ours - reference| seen per source, for the record (tests/test_meta.py::DEVIATIONS).
DEVIATIONS: dict[str, float] = {}


def check(source: str, actual: float, expected: float, decimals: int | None = None) -> None:
    """``actual`` agrees with a reference printed to ``decimals`` places (None: full precision)."""
    tol = 1e-9 * max(1.0, abs(expected)) if decimals is None else 0.5 * 10.0**-decimals + 1e-12
    dev = abs(actual - expected)
    DEVIATIONS[source] = max(DEVIATIONS.get(source, 0.0), dev)
    assert dev <= tol, f"{source}: {actual!r} != {expected!r} (to {decimals} decimals)"


# ---------------------------------------------------------------------------
# Data

# dat.bcg (metadat data-raw/dat.colditz1994.txt; dat.bcg is the same data): tpos, tneg, cpos, cneg
BCG = (
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
)
BCG_ALLOC = (
    "random", "random", "random", "random", "alternate", "alternate", "random",
    "random", "random", "systematic", "systematic", "systematic", "systematic",
)  # fmt: skip


def bcg_columns(rows: Sequence[tuple[int, int, int, int]] = BCG) -> tuple[list[int], ...]:
    e1 = [r[0] for r in rows]
    n1 = [r[0] + r[1] for r in rows]
    e2 = [r[2] for r in rows]
    n2 = [r[2] + r[3] for r in rows]
    return e1, n1, e2, n2


def bcg(measure: meta.Measure = "RR") -> meta.EffectSizes:
    return meta.binary(*bcg_columns(), measure=measure)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# dat.bcg: escalc and rma (REML, the default)


def test_bcg_escalc_log_risk_ratios() -> None:
    # metafor README.md: escalc(measure="RR", ...) printed yi and vi
    yi = (-0.8893, -1.5854, -1.3481, -1.4416, -0.2175, -0.7861, -1.6209, 0.0120, -0.4694,
          -1.3713, -0.3394, 0.4459, -0.0173)  # fmt: skip
    vi = (0.3256, 0.1946, 0.4154, 0.0200, 0.0512, 0.0069, 0.2230, 0.0040, 0.0564, 0.0730,
          0.0124, 0.5325, 0.0714)  # fmt: skip
    es = bcg("RR")
    assert len(es) == 13
    assert not es.excluded
    for row, y, v in zip(es, yi, vi, strict=True):
        check("README escalc", row.yi, y, 4)
        check("README escalc", row.vi, v, 4)


def test_bcg_log_odds_ratios() -> None:
    # metafor-project.org, analyses:vanhouwelingen2002: escalc(measure="OR") on dat.colditz1994
    yi = (-0.9387, -1.6662, -1.3863, -1.4564, -0.2191, -0.9581, -1.6338)
    vi = (0.3571, 0.2081, 0.4334, 0.0203, 0.0520, 0.0099, 0.2270)
    es = bcg("OR")
    for row, y, v in zip(es[:7], yi, vi, strict=True):
        check("vanhouwelingen2002 escalc", row.yi, y, 4)
        check("vanhouwelingen2002 escalc", row.vi, v, 4)


def test_bcg_reml() -> None:
    # metafor README.md / printed rma(yi, vi, data=dat): REML
    r = meta.pool(bcg("RR"))
    src = "rma REML print"
    check(src, r.tau2, 0.3132, 4)
    assert r.tau2_se is not None
    check(src, r.tau2_se, 0.1664, 4)
    check(src, r.tau, 0.5597, 4)
    check(src, r.i2, 92.22, 2)
    check(src, r.h2, 12.86, 2)
    check(src, r.q, 152.2330, 4)
    assert r.q_df == 12
    assert r.q_p < 1e-4
    check(src, r.coef, -0.7145, 4)
    check(src, r.se, 0.1798, 4)
    check(src, r.z_or_t, -3.9744, 4)
    assert r.p < 1e-4
    check(src, r.coef_low, -1.0669, 4)
    check(src, r.coef_high, -0.3622, 4)
    # test_misc_influence.r: influence(res) keeps tau2 and QE at full precision
    check("test_misc_influence.r", r.tau2, 0.313243325980895, 6)  # metafor stops at 1e-5
    check("test_misc_influence.r", r.q, 152.233008082373)
    assert r.k == 13
    assert r.method == "REML"
    assert r.test == "z"
    assert r.df is None


def test_bcg_predict_on_the_risk_ratio_scale() -> None:
    # predict(res, transf=exp): 0.4894 0.3441 0.6962 0.1546 1.5490
    r = meta.pool(bcg("RR"))
    src = "predict(transf=exp)"
    check(src, r.estimate, 0.4894, 4)
    check(src, r.low, 0.3441, 4)
    check(src, r.high, 0.6962, 4)
    assert r.prediction is not None
    check(src, r.prediction.low, 0.1546, 4)
    check(src, r.prediction.high, 1.5490, 4)
    assert r.prediction.level == 0.95
    assert r.ci.low == r.low
    assert r.ci.method == "wald"


def test_bcg_reml_hartung_knapp() -> None:
    # metafor README.md: rma(yi, vi, data=dat, test="knha") and predict(res, transf=exp, digits=2)
    r = meta.pool(bcg("RR"), test="knha")
    src = "README knha"
    check(src, r.coef, -0.7145, 4)
    check(src, r.se, 0.1808, 4)
    check(src, r.z_or_t, -3.9522, 4)
    assert r.df == 12
    check(src, r.p, 0.0019, 4)
    check(src, r.coef_low, -1.1084, 4)
    check(src, r.coef_high, -0.3206, 4)
    check(src, r.estimate, 0.49, 2)
    check(src, r.low, 0.33, 2)
    check(src, r.high, 0.73, 2)
    assert r.prediction is not None
    check(src, r.prediction.low, 0.14, 2)
    check(src, r.prediction.high, 1.76, 2)
    assert r.ci.method == "hartung-knapp"


@pytest.mark.parametrize(
    ("measure", "method", "expected"),
    [
        # test_misc_metan_vs_rma.uni_with_dat.bcg.r: (beta, ci.lb, ci.ub, zval, QE or tau2, I2)
        ("RR", "FE", (-0.4303, -0.5097, -0.3509, -10.6247, 152.2330, None)),
        ("RR", "DL", (-0.7141, -1.0644, -0.3638, -3.9952, 0.3088, 92.1173)),
        ("OR", "FE", (-0.4361, -0.5190, -0.3533, -10.3190, 163.1649, None)),
        ("OR", "DL", (-0.7474, -1.1242, -0.3706, -3.8873, 0.3663, 92.6455)),
        ("RD", "FE", (-0.0009, -0.0014, -0.0005, -4.0448, 276.4737, None)),
        ("RD", "DL", (-0.0071, -0.0101, -0.0040, -4.5128, 0.0000, 95.6596)),
    ],
)
def test_bcg_equal_and_dersimonian_laird(
    measure: meta.Measure, method: meta.Method, expected: tuple[float, ...]
) -> None:
    beta, lb, ub, z, q_or_tau2, i2 = expected
    r = meta.pool(bcg(measure), method=method)
    src = "test_misc_metan_vs_rma.uni"
    check(src, r.coef, beta, 4)
    check(src, r.coef_low, lb, 4)
    check(src, r.coef_high, ub, 4)
    check(src, r.z_or_t, z, 4)
    if method == "FE":
        assert r.method == "EE"
        check(src, r.q, q_or_tau2, 4)
        assert r.tau2 == 0.0
        assert r.prediction is None
    else:
        check(src, r.tau2, q_or_tau2, 4)
        assert i2 is not None
        check(src, r.i2, i2, 4)


@pytest.mark.parametrize(
    ("measure", "method", "expected"),
    [
        # same file: predict(res, transf=exp)
        ("RR", "FE", (0.6503, 0.6007, 0.7040)),
        ("RR", "DL", (0.4896, 0.3449, 0.6950)),
        ("OR", "FE", (0.6465, 0.5951, 0.7024)),
        ("OR", "DL", (0.4736, 0.3249, 0.6903)),
    ],
)
def test_bcg_natural_scale(
    measure: meta.Measure, method: meta.Method, expected: tuple[float, float, float]
) -> None:
    r = meta.pool(bcg(measure), method=method)
    for ours, ref in zip((r.estimate, r.low, r.high), expected, strict=True):
        check("test_misc_metan_vs_rma.uni", ours, ref, 4)


def test_bcg_leave_one_out_matches_leave1out() -> None:
    # test_misc_influence.r: leave1out(rma(yi, vi, data=dat))[1]
    out = meta.leave_one_out(bcg("RR"))
    assert len(out) == 13
    first = out[0]
    assert first.label == "1"
    assert first.index == 0
    r = first.result
    src = "test_misc_influence.r leave1out"
    check(src, r.coef, -0.707083788031436, 6)
    check(src, r.se, 0.189961024702717, 6)
    check(src, r.z_or_t, -3.72225717953459, 5)
    check(src, r.p, 0.000197449759023198, 7)
    check(src, r.coef_low, -1.07940055491509, 6)
    check(src, r.coef_high, -0.334767021147788, 6)
    check(src, r.q, 151.582572747109)
    check(src, r.q_p, 7.0778599767807e-27, 30)
    check(src, r.tau2, 0.336156745300306, 6)
    check(src, r.i2, 93.2259349111223, 5)
    check(src, r.h2, 14.762184698253, 4)
    assert r.k == 12
    assert "1" not in r.labels


def test_vanhouwelingen2002_maximum_likelihood() -> None:
    # test_analysis_example_vanhouwelingen2002.r: rma(yi, vi, method="ML") on log odds ratios
    src = "vanhouwelingen2002"
    r = meta.pool(bcg("OR"), method="ML")
    check(src, r.estimate, 0.476, 3)
    check(src, r.low, 0.336, 3)
    check(src, r.high, 0.675, 3)
    check(src, r.tau2, 0.302, 3)
    assert r.prediction is not None  # cr.lb, cr.ub on the log scale
    check(src, math.log(r.prediction.low), -1.875, 3)
    check(src, math.log(r.prediction.high), 0.391, 3)
    k = meta.pool(bcg("OR"), method="ML", test="knha")
    check(src, k.low, 0.318, 3)
    check(src, k.high, 0.714, 3)


# ---------------------------------------------------------------------------
# Mantel-Haenszel and Peto


@pytest.mark.parametrize(
    ("measure", "expected", "natural"),
    [
        # test_misc_metan_vs_rma.mh_with_dat.bcg.r: beta, ci.lb, ci.ub, zval, QE; exp(pred, ci)
        ("RR", (-0.4537, -0.5308, -0.3766, -11.5338, 152.5676), (0.6353, 0.5881, 0.6862)),
        ("OR", (-0.4734, -0.5538, -0.3930, -11.5444, 163.9426), (0.6229, 0.5748, 0.6750)),
        ("RD", (-0.0033, -0.0039, -0.0027, -11.4708, 386.7759), None),
    ],
)
def test_mantel_haenszel_matches_rma_mh(
    measure: str, expected: tuple[float, ...], natural: tuple[float, ...] | None
) -> None:
    r = meta.mantel_haenszel(*bcg_columns(), measure=measure)  # type: ignore[arg-type]
    src = "test_misc_metan_vs_rma.mh"
    for ours, ref in zip((r.coef, r.coef_low, r.coef_high, r.z_or_t, r.q), expected, strict=True):
        check(src, ours, ref, 4)
    if natural is not None:
        for ours, ref in zip((r.estimate, r.low, r.high), natural, strict=True):
            check(src, ours, ref, 4)
    assert r.method == "MH"
    assert r.tau2 == 0.0
    assert r.prediction is None
    assert r.k == 13
    assert r.q_df == 12
    assert sum(r.weights) == pytest.approx(100.0)


def test_mantel_haenszel_leave_one_out_matches_leave1out() -> None:
    # test_misc_influence.r: leave1out(rma.mh(measure="RR", ...))[1]
    r = meta.mantel_haenszel(*bcg_columns(BCG[1:]), measure="RR")
    src = "test_misc_influence.r leave1out rma.mh"
    check(src, r.coef, -0.451379469928476, 8)
    check(src, r.se, 0.0394350331703394, 8)
    check(src, r.z_or_t, -11.4461541842439, 8)
    check(src, r.q, 151.915260738878, 8)
    check(src, r.q_p, 6.05181927235005e-27, 32)
    check(src, r.i2, 92.7591211399706, 8)
    check(src, r.h2, 13.8104782489889, 8)


def test_peto_matches_rma_peto() -> None:
    # test_misc_metan_vs_rma.peto_with_dat.bcg.r
    r = meta.peto(*bcg_columns())
    src = "test_misc_metan_vs_rma.peto"
    for ours, ref in zip(
        (r.coef, r.coef_low, r.coef_high, r.z_or_t, r.q),
        (-0.4744, -0.5541, -0.3948, -11.6689, 167.7302),
        strict=True,
    ):
        check(src, ours, ref, 4)
    for ours, ref in zip((r.estimate, r.low, r.high), (0.6222, 0.5746, 0.6738), strict=True):
        check(src, ours, ref, 4)
    assert r.measure == "OR"
    assert r.method == "PETO"
    # test_misc_influence.r: leave1out(rma.peto(...))[1]
    r = meta.peto(*bcg_columns(BCG[1:]))
    src = "test_misc_influence.r leave1out rma.peto"
    check(src, r.coef, -0.472177269248539, 8)
    check(src, r.se, 0.0407784291562603, 8)
    check(src, r.q, 167.200450619361, 8)
    check(src, r.i2, 93.4210703623987, 8)
    check(src, r.h2, 15.2000409653964, 8)


def test_mh_and_peto_keep_double_zero_tables_but_not_in_q() -> None:
    e1, n1, e2, n2 = bcg_columns()
    with_zero = meta.mantel_haenszel(
        [*e1, 0], [*n1, 50], [*e2, 0], [*n2, 60], measure="RR", labels=[*map(str, range(13)), "z"]
    )
    plain = meta.mantel_haenszel(e1, n1, e2, n2, measure="RR")
    assert with_zero.k == 14
    assert with_zero.coef == pytest.approx(plain.coef, rel=1e-12)  # a 0/0 table adds nothing
    assert with_zero.q_df == 12
    assert with_zero.excluded == (
        meta.Excluded("z", "not in the heterogeneity test: no events in either group"),
    )
    rd = meta.mantel_haenszel([*e1, 0], [*n1, 50], [*e2, 0], [*n2, 60], measure="RD")
    assert rd.coef != pytest.approx(meta.mantel_haenszel(e1, n1, e2, n2, measure="RD").coef)
    pe = meta.peto([*e1, 0], [*n1, 50], [*e2, 0], [*n2, 60])
    assert pe.coef == pytest.approx(meta.peto(e1, n1, e2, n2).coef, rel=1e-12)
    assert pe.q_df == 12


def test_mh_and_peto_refuse_what_cannot_be_estimated() -> None:
    # test_misc_handling_of_edge_cases_due_to_zeros.r: outcome never occurring
    zeros = ([0, 0, 0, 0], [10, 15, 20, 25], [0, 0, 0, 0], [10, 10, 30, 20])
    for measure in ("RR", "OR", "RD"):
        with pytest.raises(StatisticsError, match="not estimable"):
            meta.mantel_haenszel(*zeros, measure=measure)
    with pytest.raises(StatisticsError, match="both outcomes"):
        meta.peto(*zeros)
    with pytest.raises(meta.MetaInputError, match="no studies"):
        meta.mantel_haenszel([], [], [], [], measure="OR")


# ---------------------------------------------------------------------------
# Other metafor examples


# test_analysis_example_dersimonian2007.r (CLASP): ai/n1i, ci/n2i
CLASP = ((5, 156, 8, 74), (5, 303, 17, 303), (12, 565, 9, 477), (69, 1570, 94, 1565),
         (9, 103, 11, 105), (313, 4659, 352, 4650))  # fmt: skip


def test_clasp_maximum_likelihood_is_on_the_boundary() -> None:
    # The same table gives ML: tau 0.0023, mu -0.1974, se 0.0694. The ML maximum is at
    # tau2 = 0; metafor's Fisher scoring halves its steps towards 0 and stops once a step is
    # below its threshold (1e-5), at tau2 ~ 5e-6. vitk2 stops at the boundary itself.
    es = meta.binary(*zip(*CLASP, strict=True), measure="OR")
    r = meta.pool(es, method="ML")
    src = "test_analysis_example_dersimonian2007.r"
    assert r.tau2 == 0.0
    check(src + " (ML tau2, to metafor's threshold)", r.tau2, 0.0023**2, 4)
    check(src + " (ML, at tau2 0 not 5e-6)", r.coef, -0.1974, 3)  # -0.19735 at tau2 = 0
    check(src, r.se, 0.0694, 4)


@pytest.mark.parametrize(
    ("method", "tau", "mu", "se"),
    [  # Tables 3 and 4 of DerSimonian & Kacker (2007), as the metafor test checks them
        ("PM", 0.3681, -0.3811, 0.2060),
        ("DL", 0.2323, -0.3240, 0.1540),
        ("REML", 0.1843, -0.2980, 0.1343),
    ],
)
def test_clasp_estimators(method: meta.Method, tau: float, mu: float, se: float) -> None:
    es = meta.binary(*zip(*CLASP, strict=True), measure="OR")
    r = meta.pool(es, method=method)
    src = "test_analysis_example_dersimonian2007.r"
    check(src, r.tau, tau, 4)
    check(src, r.coef, mu, 4)
    check(src, r.se, se, 4)


# Kacker (2004) data, metafor runs recorded in statsmodels' results_meta.py (control tol=1e-9)
KACKER_Y = (61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9)
KACKER_V = (0.2025, 1.21, 0.09, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225)
KACKER = {
    # (method, test): b, se, zval, pval, ci_lb, ci_ub, tau2, se_tau2, I2, H2
    ("PM", "z"): (62.4076199113286, 0.338030602684471, 184.621213037276, 0.0,
                  61.7450921043947, 63.0701477182625, 0.705395309224248, 0.51419109758052,
                  83.7218626490482, 6.14320900751909),
    ("DL", "z"): (62.3901386044504, 0.245749668040304, 253.876797075543, 0.0,
                  61.9084781058787, 62.8717991030221, 0.288049246973751, 0.269366223207558,
                  67.744403741711, 3.10023721772938),
    ("DL", "knha"): (62.3901386044504, 0.29477605699879, 211.652666908108, 2.77938607433693e-16,
                     61.710383798052, 63.0698934108488, 0.288049246973751, 0.269366223207558,
                     67.744403741711, 3.10023721772938),
    ("EE", "z"): (62.5833970939982, 0.107845705498231, 580.304953311515, 0.0,
                  62.3720233953344, 62.7947707926621, 0.0, None,
                  67.744403741711, 3.10023721772938),
    ("EE", "knha"): (62.5833970939982, 0.189889223522271, 329.57845597098, 8.04326466920145e-18,
                     62.1455117593252, 63.0212824286713, 0.0, None,
                     67.744403741711, 3.10023721772938),
}  # fmt: skip


@pytest.mark.parametrize(("method", "test"), list(KACKER))
def test_kacker_full_precision(method: meta.Method, test: meta.Test) -> None:
    es = meta.from_variances(KACKER_Y, KACKER_V)
    r = meta.pool(es, method=method, test=test)
    b, se, z, p, lb, ub, tau2, se_tau2, i2, h2 = KACKER[(method, test)]
    src = f"statsmodels results_meta exk1 {method} {test}"
    digits = 8 if method == "PM" else None  # metafor's uniroot stops at tol=1e-9
    check(src, r.coef, b, digits)
    check(src, r.se, se, digits)
    check(src, r.z_or_t, z, 6 if method == "PM" else None)
    check(src, r.p, p, 25)
    check(src, r.coef_low, lb, digits)
    check(src, r.coef_high, ub, digits)
    check(src, r.tau2, tau2, digits)
    if se_tau2 is None:
        assert r.tau2_se is None
    else:
        assert r.tau2_se is not None
        check(src, r.tau2_se, se_tau2, digits)
    check(src, r.i2, i2, 6 if method == "PM" else None)
    check(src, r.h2, h2, 6 if method == "PM" else None)
    check(src, r.q, 24.801897741835)
    check(src, r.q_p, 0.00167935146372742)


NORMAND = (  # dat.normand1999: n1i, m1i, sd1i, n2i, m2i, sd2i
    (155, 55, 47, 156, 75, 64), (31, 27, 7, 32, 29, 4), (75, 64, 17, 71, 119, 29),
    (18, 66, 20, 18, 137, 48), (8, 14, 8, 13, 18, 11), (57, 19, 7, 52, 18, 4),
    (34, 52, 45, 33, 41, 34), (110, 21, 16, 183, 31, 27), (60, 30, 27, 52, 23, 20),
)  # fmt: skip


def normand_md() -> meta.EffectSizes:
    # as the metafor test: a pooled SD for both groups, then measure="MD"
    sdp = [
        math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
        for n1, _, s1, n2, _, s2 in NORMAND
    ]
    return meta.continuous(
        [r[1] for r in NORMAND], sdp, [r[0] for r in NORMAND],
        [r[4] for r in NORMAND], sdp, [r[3] for r in NORMAND],
        measure="MD",
    )  # fmt: skip


def test_normand1999_mean_differences() -> None:
    # test_analysis_example_normand1999.r, Table VIII and Table IX of Normand (1999)
    src = "test_analysis_example_normand1999.r"
    es = normand_md()
    for row, y, v in zip(
        es,
        (-20, -2, -55, -71, -4, 1, 11, -10, 7),
        (40.59, 2.05, 15.28, 150.22, 20.19, 1.22, 95.38, 8.03, 20.69),
        strict=True,
    ):
        check(src, row.yi, y, 2)
        check(src, row.vi, v, 2)
    fe = meta.pool(es, method="EE")
    for ours, ref in zip((fe.coef, fe.coef_low, fe.coef_high), (-3.49, -5.03, -1.96), strict=True):
        check(src, ours, ref, 2)
    dl = meta.pool(es, method="DL")
    for ours, ref in zip(
        (dl.coef, dl.coef_low, dl.coef_high), (-14.10, -24.45, -3.75), strict=True
    ):
        check(src, ours, ref, 2)
    check(src, dl.tau2, 218.72, 2)
    reml = meta.pool(es)
    for ours, ref in zip(
        (reml.coef, reml.coef_low, reml.coef_high), (-15.12, -32.67, 2.43), strict=True
    ):
        check(src, ours, ref, 2)
    check(src, reml.tau2, 685.20, 2)


def test_normand1999_standardised_mean_differences() -> None:
    # test_misc_rma_uni.r: escalc(measure="SMD", ..., subset=1:4); rma() tau2 = 1.0090
    rows = NORMAND[:4]
    es = meta.continuous(
        [r[1] for r in rows], [r[2] for r in rows], [r[0] for r in rows],
        [r[4] for r in rows], [r[5] for r in rows], [r[3] for r in rows],
        measure="SMD",
    )  # fmt: skip
    check("test_misc_rma_uni.r SMD", meta.pool(es).tau2, 1.0090, 4)


def test_hine1989_risk_differences() -> None:
    # test_analysis_example_normand1999.r (dat.hine1989), in percentage points: Table III, VII
    n1, n2 = (39, 44, 107, 103, 110, 154), (43, 44, 110, 100, 106, 146)
    a, c = (2, 4, 6, 7, 7, 11), (1, 4, 4, 5, 3, 4)
    es = meta.binary(a, n1, c, n2, measure="RD")
    src = "test_analysis_example_normand1999.r hine1989"
    for row, y, v in zip(
        es,
        (2.8026, 0.0000, 1.9711, 1.7961, 3.5334, 4.4031),
        (17.7575, 37.5657, 8.1323, 10.8998, 8.0114, 6.1320),
        strict=True,
    ):
        check(src, 100 * row.yi, y, 4)
        check(src, 1e4 * row.vi, v, 4)
    for method in ("EE", "REML", "DL"):
        r = meta.pool(es, method=method)
        check(src, 100 * r.coef, 2.94, 2)
        check(src, 100 * r.coef_low, 0.4, 1)
        check(src, 100 * r.coef_high, 5.5, 1)
        check(src, 1e4 * r.tau2, 0.0, 3)


# escalc on dat.fine1993 (ai=e2i, n1i=nei, ci=c2i, n2i=nci), recorded in statsmodels' results_meta
FINE = (  # e2i, nei, c2i, nci
    (11, 19, 12, 22), (18, 34, 12, 35), (21, 72, 15, 68), (14, 22, 5, 20), (42, 70, 13, 32),
    (80, 183, 33, 94), (13, 26, 18, 50), (37, 61, 30, 55), (23, 36, 12, 25), (19, 45, 14, 35),
    (106, 246, 76, 208), (170, 386, 46, 141), (34, 59, 17, 32), (18, 45, 3, 15),
    (13, 14, 14, 18), (12, 26, 10, 19), (42, 74, 40, 75),
)  # fmt: skip
FINE_ESCALC = {
    "RR": (
        (0.0595920972022457, 0.434452644981417, 0.279313822781264, 0.934309237376833,
         0.389960921572199, 0.219327702635984, 0.328504066972036, 0.106179852041229,
         0.28594445255324, 0.0540672212702757, 0.164912297594691, 0.300079561474504,
         0.0813456394539525, 0.693147180559945, 0.177206456127184, -0.131336002061087,
         0.0622131845015728),
        (0.0761562998405104, 0.080905695611578, 0.0856909430438842, 0.175974025974026,
         0.0551968864468864, 0.0267002515563729, 0.074017094017094, 0.0257850995555914,
         0.0590338164251208, 0.073266499582289, 0.0137191240428942, 0.0179386112192693,
         0.0400361415752742, 0.3, 0.0213675213675214, 0.0922402159244264, 0.021962676962677),
    ),
    "OR": (
        (0.13613217432458, 0.768370601797533, 0.374938517449009, 1.65822807660353,
         0.784954729813068, 0.361663949151077, 0.575364144903562, 0.250542525502324,
         0.650587566141149, 0.0918075492531228, 0.273865253802803, 0.485755524477543,
         0.182321556793955, 0.980829253011726, 1.31218638896617, -0.259511195485084,
         0.138402322859119),
        (0.399242424242424, 0.244867149758454, 0.152761481951271, 0.463095238095238,
         0.189078465394255, 0.0689052107900588, 0.240651709401709, 0.142027027027027,
         0.280657748049052, 0.210140736456526, 0.0373104717196078, 0.0427774287950624,
         0.194901960784314, 0.509259259259259, 1.39835164835165, 0.365873015873016,
         0.108630952380952),
    ),
    "RD": (
        (0.0334928229665072, 0.186554621848739, 0.071078431372549, 0.386363636363636, 0.19375,
         0.0860946401581211, 0.14, 0.0611028315946349, 0.158888888888889, 0.0222222222222222,
         0.0655096935584741, 0.114173373020248, 0.045021186440678, 0.2, 0.150793650793651,
         -0.0647773279352226, 0.0342342342342342),
        (0.0240995805934916, 0.0137648162576944, 0.00539777447807907, 0.0198934072126221,
         0.0109664132254464, 0.00376813659489987, 0.0142233846153846, 0.00842011053321928,
         0.0163926076817558, 0.0122782676856751, 0.00211164860232433, 0.00219739135615223,
         0.0119206723560942, 0.016, 0.014339804116826, 0.0226799351233969, 0.00663520262409963),
    ),
}  # fmt: skip


@pytest.mark.parametrize("measure", ["RR", "OR", "RD"])
def test_fine1993_escalc_full_precision(measure: meta.Measure) -> None:
    es = meta.binary(*zip(*FINE, strict=True), measure=measure)  # type: ignore[arg-type]
    yi, vi = FINE_ESCALC[measure]
    for row, y, v in zip(es, yi, vi, strict=True):
        check("statsmodels results_meta eff_prop1", row.yi, y)
        check("statsmodels results_meta eff_prop1", row.vi, v)
        assert not row.corrected


# Hedges' g from metafor's escalc(measure="SMD"), recorded in statsmodels' test_meta.py
SMD_DATA = (  # mean_t, sd_t, n_t, mean_c, sd_c, n_c
    (94, 22, 60, 92, 20, 60), (98, 21, 65, 92, 22, 65), (98, 28, 40, 88, 26, 40),
    (94, 19, 200, 82, 17, 200), (98, 21, 50, 88, 22, 45), (96, 21, 85, 92, 22, 85),
)  # fmt: skip
SMD_YI = (0.09452415852032972, 0.27735586626551018, 0.36654442951591998, 0.66438496832691396,
          0.46180628128769841, 0.18516443739910043)  # fmt: skip
SMD_VI = (0.03337056173559990, 0.03106510106366112, 0.05083971761755720, 0.01055175923267344,
          0.04334466980873156, 0.02363025255552155)  # fmt: skip


def test_hedges_g_matches_escalc() -> None:
    es = meta.continuous(*zip(*SMD_DATA, strict=True), measure="SMD")
    for row, y, v in zip(es, SMD_YI, SMD_VI, strict=True):
        check("statsmodels test_meta.py SMD (metafor)", row.yi, y)
        check("statsmodels test_meta.py SMD (metafor)", row.vi, v)


# ---------------------------------------------------------------------------
# Cross-checks against statsmodels


@requires_statsmodels
@pytest.mark.parametrize("measure", ["RR", "OR", "RD"])
def test_effect_sizes_match_statsmodels(measure: str) -> None:
    from statsmodels.stats.meta_analysis import effectsize_2proportions  # type: ignore[import-untyped]

    statistic = {"RR": "risk-ratio", "OR": "odds-ratio", "RD": "diff"}[measure]
    import numpy as np

    e1, n1, e2, n2 = (list(c) for c in zip(*FINE, strict=True))
    eff, var = effectsize_2proportions(
        *(np.asarray(c) for c in (e1, n1, e2, n2)), statistic=statistic
    )
    es = meta.binary(e1, n1, e2, n2, measure=measure)  # type: ignore[arg-type]
    assert list(es.yi) == pytest.approx(list(eff), rel=1e-12)
    assert list(es.vi) == pytest.approx(list(var), rel=1e-12)


@requires_statsmodels
@pytest.mark.parametrize(("ours", "theirs"), [("DL", "dl"), ("PM", "iterated")])
def test_pooling_matches_statsmodels_combine_effects(ours: str, theirs: str) -> None:
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    rng = random.Random(20260101)
    compared = 0
    while compared < 10:
        k = rng.randint(3, 40)
        vi = [rng.uniform(0.01, 0.5) for _ in range(k)]
        yi = [rng.gauss(0.3, 0.4) + rng.gauss(0, math.sqrt(v)) for v in vi]
        res = combine_effects(np.asarray(yi), np.asarray(vi), method_re=theirs, atol=1e-12)
        if res.q <= k - 1 or res.tau2 == 0.0:
            # statsmodels does not truncate tau2 at 0; its Paule-Mandel iteration gives up
            # with tau2 = 0 when a step overshoots the root
            continue
        compared += 1
        es = meta.from_variances(yi, vi)
        r = meta.pool(es, method=ours)  # type: ignore[arg-type]
        assert r.tau2 == pytest.approx(float(res.tau2), rel=1e-8)
        assert r.coef == pytest.approx(float(res.mean_effect_re), rel=1e-8, abs=1e-12)
        assert r.se == pytest.approx(float(res.sd_eff_w_re), rel=1e-8)
        assert r.q == pytest.approx(float(res.q), rel=1e-12)
        low, high = res.conf_int(use_t=False)[1]
        assert (r.coef_low, r.coef_high) == pytest.approx((float(low), float(high)), rel=1e-8)
        fe = meta.pool(es, method="EE")
        assert fe.coef == pytest.approx(float(res.mean_effect_fe), rel=1e-12, abs=1e-14)
        assert fe.se == pytest.approx(float(res.sd_eff_w_fe), rel=1e-12)


# ---------------------------------------------------------------------------
# Conventions: zero cells, exclusions, from_estimates


def test_zero_cells_get_one_half_in_every_cell() -> None:
    es = meta.binary([0, 3], [10, 10], [2, 0], [12, 12], measure="OR")
    a, b, c, d = 0.5, 10.5, 2.5, 10.5
    assert es[0].corrected
    assert es[0].yi == pytest.approx(math.log(a * d / (b * c)), rel=1e-14)
    assert es[0].vi == pytest.approx(1 / a + 1 / b + 1 / c + 1 / d, rel=1e-14)
    rr = meta.binary([0], [10], [2], [12], measure="RR")[0]
    assert rr.yi == pytest.approx(math.log((0.5 / 11) / (2.5 / 13)), rel=1e-14)
    assert rr.vi == pytest.approx(1 / 0.5 - 1 / 11 + 1 / 2.5 - 1 / 13, rel=1e-14)


def test_double_zero_studies_are_excluded_from_ratios_and_kept_for_differences() -> None:
    e1, n1, e2, n2 = [0, 5, 10], [10, 20, 10], [0, 7, 12], [10, 20, 12]
    for measure in ("RR", "OR"):
        es = meta.binary(e1, n1, e2, n2, measure=measure, labels=["a", "b", "c"])
        assert es.labels == ("b",)
        assert es.excluded == (
            meta.Excluded("a", "no events in either group"),
            meta.Excluded("c", "every participant had the event in both groups"),
        )
        assert [row.index for row in es] == [1]
    rd = meta.binary(e1, n1, e2, n2, measure="RD")
    assert len(rd) == 3
    assert not rd.excluded
    assert rd[0].corrected
    assert rd[0].yi == pytest.approx(0.5 / 11 - 0.5 / 11, abs=1e-15)
    assert rd[0].vi == pytest.approx(2 * (0.5 / 11) * (10.5 / 11) / 11, rel=1e-14)
    with pytest.raises(meta.MetaInputError, match=r"no studies to pool \(k = 0\).*a: no events"):
        meta.pool(meta.binary([0], [10], [0], [10], measure="RR", labels=["a"]))


def test_from_estimates_takes_logs_of_ratios() -> None:
    z = 1.959963984540054
    es = meta.from_estimates([0.5, 2.0], [0.25, 1.0], [1.0, 4.0], measure="HR", labels=["x", "y"])
    assert es[0].yi == pytest.approx(math.log(0.5), rel=1e-15)
    assert es[0].se == pytest.approx(math.log(4.0) / (2 * z), rel=1e-14)
    md = meta.from_estimates([1.0], [-1.0], [3.0], measure="MD", level=0.9)
    assert md[0].se == pytest.approx(4.0 / (2 * 1.6448536269514722), rel=1e-14)
    assert meta.pool(es).measure == "HR"


# ---------------------------------------------------------------------------
# Input checking


@pytest.mark.parametrize(
    ("args", "message", "field", "index"),
    [
        (([1, 2, 12], [10, 10, 10], [1, 1, 1], [10, 10, 10]), "events1[2] must be <= total1[2] (got 12 > 10)", "events1", 2),
        (([1, 2], [10, 10], [1, -1], [10, 10]), "events2[1] must be >= 0 (got -1)", "events2", 1),
        (([1, 2.5], [10, 10], [1, 1], [10, 10]), "events1[1] must be a whole number (got 2.5)", "events1", 1),
        (([1, True], [10, 10], [1, 1], [10, 10]), "events1[1] must be a whole number (got True)", "events1", 1),
        (([1, "2"], [10, 10], [1, 1], [10, 10]), "events1[1] must be a whole number (got '2')", "events1", 1),
        (([1, 2], [10, 0], [1, 1], [10, 10]), "total1[1] must be > 0 (got 0)", "total1", 1),
        (([1, 2], [10, 10], [1], [10]), "events2 must have the same length as events1 (got 1 != 2)", "events2", None),
        (([1, float("nan")], [10, 10], [1, 1], [10, 10]), "events1[1] must be a whole number (got nan)", "events1", 1),
    ],
)  # fmt: skip
def test_binary_input_errors_name_the_study_and_field(
    args: tuple[list[object], ...], message: str, field: str, index: int | None
) -> None:
    with pytest.raises(meta.MetaInputError) as info:
        meta.binary(*args, measure="RR")  # type: ignore[arg-type]
    assert str(info.value) == message
    assert info.value.field == field
    assert info.value.index == index
    assert isinstance(info.value, StatisticsError)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, Vitk2Error)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"sd1": [0.0]}, "sd1[0] must be > 0 (got 0.0)"),
        ({"sd2": [-1.0]}, "sd2[0] must be > 0 (got -1.0)"),
        ({"n1": [1]}, "n1[0] must be >= 2 (got 1)"),
        ({"mean1": [math.inf]}, "mean1[0] must be a finite number (got inf)"),
        ({"mean2": [None]}, "mean2[0] must be a finite number (got None)"),
        ({"sd1": [1.0, 2.0]}, "sd1 must have the same length as mean1 (got 2 != 1)"),
    ],
)
def test_continuous_input_errors(columns: dict[str, list[object]], message: str) -> None:
    base: dict[str, list[object]] = {
        "mean1": [1.0], "sd1": [1.0], "n1": [10], "mean2": [0.0], "sd2": [1.0], "n2": [10],
    }  # fmt: skip
    base.update(columns)
    with pytest.raises(meta.MetaInputError) as info:
        meta.continuous(**base, measure="MD")  # type: ignore[arg-type]
    assert str(info.value) == message


def test_option_errors() -> None:
    es = bcg()
    with pytest.raises(meta.MetaInputError, match=r"level must be in \(0, 1\) \(got 95\)") as info:
        meta.pool(es, level=95)
    assert info.value.field == "level"
    assert info.value.index is None
    with pytest.raises(meta.MetaInputError, match="method must be one of"):
        meta.pool(es, method="HS")  # type: ignore[arg-type]
    with pytest.raises(meta.MetaInputError, match="test must be 'z' or 'knha'"):
        meta.pool(es, test="t")  # type: ignore[arg-type]
    with pytest.raises(meta.MetaInputError, match="measure must be one of 'RR', 'OR', 'RD'"):
        meta.binary([1], [2], [1], [2], measure="HR")  # type: ignore[arg-type]
    with pytest.raises(meta.MetaInputError, match="measure must be one of 'MD', 'SMD'"):
        meta.continuous([1], [1], [2], [1], [1], [2], measure="RR")  # type: ignore[arg-type]
    with pytest.raises(meta.MetaInputError, match="effects must be EffectSizes"):
        meta.pool([0.1, 0.2])  # type: ignore[arg-type]
    with pytest.raises(meta.MetaInputError, match="k = 0"):
        meta.pool(meta.from_variances([], []))
    with pytest.raises(meta.MetaInputError, match="Hartung-Knapp test needs at least 2"):
        meta.pool(es[:1], test="knha")
    with pytest.raises(meta.MetaInputError, match="highs\\[0\\] must be > lows\\[0\\]"):
        meta.from_estimates([1.0], [1.0], [1.0], measure="MD")
    with pytest.raises(meta.MetaInputError, match="must lie within"):
        meta.from_estimates([5.0], [1.0], [2.0], measure="MD")
    with pytest.raises(meta.MetaInputError, match="lows\\[0\\] must be > 0 for a ratio"):
        meta.from_estimates([1.0], [0.0], [2.0], measure="OR")
    with pytest.raises(meta.MetaInputError, match="vi\\[1\\] must be > 0"):
        meta.from_variances([0.1, 0.2], [0.1, 0.0])
    with pytest.raises(meta.MetaInputError, match="labels must have one label per study"):
        meta.from_variances([0.1], [0.1], labels=["a", "b"])
    with pytest.raises(meta.MetaInputError, match="yi must be a sequence"):
        meta.from_variances("12", [0.1])  # type: ignore[arg-type]
    with pytest.raises(meta.MetaInputError, match="leave-one-out needs at least 2"):
        meta.leave_one_out(es[:1])
    with pytest.raises(meta.MetaInputError, match="one entry per study"):
        meta.subgroups(es, ["a"])
    with pytest.raises(meta.MetaInputError, match="at least 2 subgroups"):
        meta.subgroups(es, ["a"] * 13)


def test_input_error_pickles() -> None:
    with pytest.raises(meta.MetaInputError) as info:
        meta.binary([3], [2], [1], [2], measure="RR")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is meta.MetaInputError
    assert (str(again), again.field, again.index) == (str(info.value), "events1", 0)


def test_whole_floats_and_decimals_are_accepted() -> None:
    # The signatures say Sequence[int] and Sequence[float]; what else is read is the law here.
    es = meta.binary([4.0, 6], [123, Decimal(306)], [11, 29], [139.0, 303], measure="RR")  # type: ignore[list-item]
    assert es.yi == bcg()[:2].yi
    cont = meta.continuous([Decimal("1.5")], [1], [10.0], [1], [1], [10], measure="MD")  # type: ignore[list-item]
    assert cont[0].yi == 0.5


@requires_numpy
def test_numpy_arrays_and_scalars_of_every_width() -> None:
    import numpy as np

    # An array is no Sequence to a type checker; that one is read at run time is the law here.
    e1, n1, e2, n2 = (np.array(c, dtype=np.int64) for c in bcg_columns())
    assert meta.binary(e1, n1, e2, n2, measure="RR").yi == bcg().yi  # type: ignore[arg-type]
    for dtype in (np.float16, np.float32, np.float64, np.longdouble):
        es = meta.continuous(
            np.array([94, 98], dtype=dtype), np.array([22, 21], dtype=dtype), np.array([60, 65], dtype=np.int32),  # type: ignore[arg-type]
            np.array([92, 92], dtype=dtype), np.array([20, 22], dtype=dtype), np.array([60, 65], dtype=np.uint16),  # type: ignore[arg-type]
            measure="SMD",
        )  # fmt: skip
        assert es[0].yi == pytest.approx(SMD_YI[0], rel=1e-12)
        assert isinstance(es[0].yi, float)
    with pytest.raises(meta.MetaInputError, match="events1\\[0\\] must be a whole number"):
        meta.binary(np.array([True]), [2], [1], [2], measure="RR")  # type: ignore[arg-type]
    with pytest.raises(meta.MetaInputError, match="mean1\\[0\\] must be a finite number"):
        meta.continuous(np.array([np.nan]), [1], [5], [1], [1], [5], measure="MD")  # type: ignore[arg-type]
    with pytest.raises(meta.MetaInputError, match="must be a finite number"):
        meta.from_variances(np.array([1 + 2j]), [0.1])  # type: ignore[arg-type]


@requires_pandas
def test_pandas_series_are_read_in_order_not_by_label() -> None:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore] # stubs are optional

    e1, n1, e2, n2 = bcg_columns()
    index = list(range(100, 87, -1))  # a non-default index: Series[i] would be a label lookup
    frame = pd.DataFrame(
        {"e1": e1, "n1": n1, "e2": e2, "n2": n2, "trial": [f"t{i}" for i in range(13)]}, index=index
    )
    es = meta.binary(
        frame["e1"], frame["n1"], frame["e2"], frame["n2"], measure="RR", labels=frame["trial"]
    )
    assert es.yi == bcg().yi
    assert es.labels[0] == "t0"
    gapped = pd.Series([4.0, None])  # a column with a gap becomes float with NaN
    with pytest.raises(
        meta.MetaInputError, match="events1\\[1\\] must be a whole number \\(got nan\\)"
    ):
        meta.binary(gapped, [123, 10], [11, 1], [139, 10], measure="RR")


# ---------------------------------------------------------------------------
# The containers and the result


def test_effect_sizes_sequence_behaviour() -> None:
    es = bcg()
    assert len(es) == 13
    assert isinstance(es[0], meta.EffectSize)
    part = es[2:5]
    assert isinstance(part, meta.EffectSizes)
    assert part.labels == ("3", "4", "5")
    assert list(es) == list(es.rows)
    joined = es[:2] + es[2:]
    assert joined == es
    assert es[-1].label == "13"
    assert es.is_ratio
    assert repr(es) == "<EffectSizes RR k=13>"
    with pytest.raises(StatisticsError, match="different measures"):
        _ = es + bcg("OR")
    with pytest.raises(TypeError):
        _ = operator.add(es, 1)
    with pytest.raises(AttributeError):
        es.measure = "OR"  # type: ignore[misc]
    assert hash(es) == hash(bcg())
    excluded = meta.binary([0, 1], [5, 5], [0, 2], [5, 5], measure="OR")
    assert repr(excluded) == "<EffectSizes OR k=1, 1 excluded>"
    assert repr(excluded[0]).startswith("<EffectSize 2: yi=")


def test_result_repr_markdown_and_json() -> None:
    r = meta.pool(bcg())
    assert repr(r) == "<MetaResult RR 0.49 (95% CI 0.34 to 0.70), REML, k=13, tau²=0.313, I²=92.2%>"
    k = meta.pool(bcg(), test="knha")
    assert (
        repr(k)
        == "<MetaResult RR 0.49 (95% CI 0.33 to 0.73), REML, knha, k=13, tau²=0.313, I²=92.2%>"
    )
    md = r.to_markdown()
    assert "| Estimate | 0.49 (95% CI 0.34 to 0.70) |" in md
    assert "| 95% prediction interval | 0.15 to 1.55 |" in md
    assert "| Q | 152.23 (df 12, p < 0.0001) |" in md
    assert md.count("%|") == 0
    assert md.count("\n| ") == 10 + 1 + 13  # summary rows, the weights header, the studies
    data = json.loads(r.to_json())
    assert data["estimate"] == r.estimate
    assert data["prediction"] == {"low": r.prediction.low, "high": r.prediction.high}  # type: ignore[union-attr]
    assert len(data["studies"]) == 13
    assert sum(s["weight"] for s in data["studies"]) == pytest.approx(100.0)
    fe = json.loads(meta.pool(bcg(), method="FE").to_json())
    assert fe["prediction"] is None
    assert fe["tau2_se"] is None
    assert fe["method"] == "EE"
    mh = meta.mantel_haenszel(*bcg_columns(), measure="OR")
    assert "Mantel-Haenszel" in mh.to_markdown()
    # every effect equal under knha: the standard error is 0 and the statistic infinite
    same = meta.pool(meta.from_variances([0.25, 0.25, 0.25], [0.5, 0.5, 0.5]), test="knha")
    assert same.se == 0.0
    assert same.z_or_t == math.inf
    assert json.loads(same.to_json())["z_or_t"] is None


def test_one_study() -> None:
    r = meta.pool(bcg()[:1])
    assert r.k == 1
    assert r.tau2 == 0.0
    assert (r.q, r.q_df, r.q_p, r.i2, r.h2) == (0.0, 0, 1.0, 0.0, 1.0)
    assert r.coef == bcg()[0].yi


def test_subgroups_by_allocation() -> None:
    es = bcg()
    sub = meta.subgroups(es, BCG_ALLOC)
    assert sub.names == ("random", "alternate", "systematic")
    for name in sub.names:
        rows = [row for row, group in zip(es, BCG_ALLOC, strict=True) if group == name]
        alone = meta.pool(meta.EffectSizes(rows=rows, measure="RR"))
        assert sub[name] == alone
    coefs = [sub[name].coef for name in sub.names]
    ws = [1 / sub[name].se ** 2 for name in sub.names]
    mean = sum(w * c for w, c in zip(ws, coefs, strict=True)) / sum(ws)
    q = sum(w * (c - mean) ** 2 for w, c in zip(ws, coefs, strict=True))
    assert sub.q_between == pytest.approx(q, rel=1e-12)
    assert sub.q_df == 2
    assert sub.q_p == pytest.approx(chi2_sf(q, 2), rel=1e-12)
    assert sub.overall == meta.pool(es)
    # the same test as an equal-effects model of the subgroup estimates
    between = meta.pool(meta.from_variances(coefs, [1 / w for w in ws]), method="EE")
    assert between.q == pytest.approx(sub.q_between, rel=1e-12)
    with pytest.raises(KeyError):
        sub["nope"]
    assert repr(sub).startswith("<Subgroups random, alternate, systematic: Q_between=")


def test_vitk2_meta_is_reachable_and_not_imported_eagerly() -> None:
    assert vitk2.meta is meta
    code = (
        "import sys, vitk2\n"
        "assert 'vitk2.meta' not in sys.modules\n"
        "assert vitk2.meta.pool is not None\n"
        "assert 'vitk2.meta' in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr


# ---------------------------------------------------------------------------
# Laws


@st.composite
def effect_sizes(draw: st.DrawFn, min_size: int = 1, max_size: int = 25) -> meta.EffectSizes:
    k = draw(st.integers(min_size, max_size))
    yi = draw(st.lists(st.floats(-5, 5), min_size=k, max_size=k))
    vi = draw(st.lists(st.floats(1e-3, 4), min_size=k, max_size=k))
    return meta.from_variances(yi, vi)


METHOD_NAMES = ("EE", "DL", "REML", "ML", "PM")


@given(effect_sizes())
def test_equal_effects_is_the_inverse_variance_weighted_mean(es: meta.EffectSizes) -> None:
    r = meta.pool(es, method="EE")
    ws = [1 / v for v in es.vi]
    mean = math.fsum(w * y for w, y in zip(ws, es.yi, strict=True)) / math.fsum(ws)
    assert r.coef == pytest.approx(mean, rel=1e-12, abs=1e-12)
    assert r.se == pytest.approx(math.sqrt(1 / math.fsum(ws)), rel=1e-12)
    assert r.weights == pytest.approx([100 * w / math.fsum(ws) for w in ws], rel=1e-12)


@given(effect_sizes(), st.sampled_from(METHOD_NAMES))
def test_tau2_is_never_negative_and_i2_is_a_percentage(es: meta.EffectSizes, method: str) -> None:
    r = meta.pool(es, method=method)  # type: ignore[arg-type]
    assert r.tau2 >= 0.0
    assert 0.0 <= r.i2 < 100.0
    assert r.h2 >= 0.0
    assert r.coef_low <= r.coef <= r.coef_high
    if r.prediction is not None:
        assert r.prediction.low <= r.low
        assert r.high <= r.prediction.high


@settings(deadline=None)
@given(effect_sizes(min_size=2), st.sampled_from(METHOD_NAMES), st.sampled_from([0.8, 0.95, 0.99]))
def test_hartung_knapp_interval_by_definition(
    es: meta.EffectSizes, method: str, level: float
) -> None:
    z = meta.pool(es, method=method)  # type: ignore[arg-type]
    k = meta.pool(es, method=method, test="knha", level=level)  # type: ignore[arg-type]
    ws = [1 / (v + z.tau2) for v in es.vi]
    s2 = math.fsum(w * (y - z.coef) ** 2 for w, y in zip(ws, es.yi, strict=True)) / (len(es) - 1)
    se = math.sqrt(s2 / math.fsum(ws))
    crit = t_ppf(1 - (1 - level) / 2, len(es) - 1)
    assert k.coef == pytest.approx(z.coef, rel=1e-12, abs=1e-12)
    assert k.se == pytest.approx(se, rel=1e-9, abs=1e-15)
    assert k.coef_low == pytest.approx(z.coef - crit * se, rel=1e-9, abs=1e-12)
    assert k.coef_high == pytest.approx(z.coef + crit * se, rel=1e-9, abs=1e-12)
    assert k.df == len(es) - 1
    if k.prediction is not None:
        half = crit * math.sqrt(se**2 + z.tau2)
        assert k.prediction.low == pytest.approx(z.coef - half, rel=1e-9, abs=1e-12)


@settings(deadline=None)
@given(effect_sizes(min_size=2, max_size=12))
def test_leave_one_out_gives_k_results_each_a_pool_of_the_rest(es: meta.EffectSizes) -> None:
    out = meta.leave_one_out(es, method="DL")
    assert len(out) == len(es)
    for i, omitted in enumerate(out):
        rest = meta.EffectSizes(rows=es.rows[:i] + es.rows[i + 1 :], measure=es.measure)
        assert omitted.result == meta.pool(rest, method="DL")
        assert omitted.label == es[i].label


@given(effect_sizes(min_size=2), st.sampled_from(METHOD_NAMES), st.randoms())
def test_pooling_does_not_depend_on_the_order_of_studies(
    es: meta.EffectSizes, method: str, rnd: random.Random
) -> None:
    rows = list(es.rows)
    rnd.shuffle(rows)
    a = meta.pool(es, method=method)  # type: ignore[arg-type]
    b = meta.pool(meta.EffectSizes(rows=rows, measure=es.measure), method=method)  # type: ignore[arg-type]
    assert b.tau2 == pytest.approx(a.tau2, rel=1e-8, abs=1e-10)
    assert b.coef == pytest.approx(a.coef, rel=1e-8, abs=1e-10)
    assert b.q == pytest.approx(a.q, rel=1e-9, abs=1e-10)


@given(effect_sizes(min_size=2))
def test_estimators_solve_their_equations(es: meta.EffectSizes) -> None:
    k = len(es)
    pm = meta.pool(es, method="PM")
    ws = [1 / (v + pm.tau2) for v in es.vi]
    mean = math.fsum(w * y for w, y in zip(ws, es.yi, strict=True)) / math.fsum(ws)
    q = math.fsum(w * (y - mean) ** 2 for w, y in zip(ws, es.yi, strict=True))
    if pm.tau2 > 0:
        assert q == pytest.approx(k - 1, rel=1e-7)
    else:
        assert q <= k - 1 + 1e-9
    reml = meta.pool(es, method="REML")
    ws = [1 / (v + reml.tau2) for v in es.vi]
    sw = math.fsum(ws)
    mean = math.fsum(w * y for w, y in zip(ws, es.yi, strict=True)) / sw
    score = math.fsum((w * (y - mean)) ** 2 for w, y in zip(ws, es.yi, strict=True)) - (
        sw - math.fsum(w * w for w in ws) / sw
    )
    if reml.tau2 > 0:
        assert score == pytest.approx(0.0, abs=1e-6 * sw)
    else:
        assert score <= 1e-9 * sw


# --- files: excluded studies keep their label and reason ------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_excluded_studies_round_trip_through_files_as_label_and_reason(
    fmt: Literal["yaml", "json"],
) -> None:
    es = meta.binary([0, 3], [10, 12], [0, 6], [11, 12], measure="RR", labels=["none", "some"])
    assert es.excluded == (meta.Excluded("none", "no events in either group"),)
    text = vitk2.dump(es, fmt)
    assert "no events in either group" in text
    back = vitk2.loads(text, fmt, as_type=meta.EffectSizes)
    assert back == es
    assert back.excluded[0].label == "none"


@pytest.mark.parametrize(
    ("excluded", "expected"),
    [
        ('[["1", "x"]]', "expected a mapping with the keys label, reason"),
        ('[{"label": "1"}]', "missing key 'reason'"),
        ('[{"label": "1", "reason": "r", "z": 1}]', "unknown key 'z'"),
    ],
)
def test_a_malformed_excluded_study_is_refused_where_it_stands(
    excluded: str, expected: str
) -> None:
    text = '{"rows": [], "measure": "RR", "excluded": ' + excluded + "}"
    with pytest.raises(vitk2.ValidationError, match=r"excluded\[0\]") as info:
        vitk2.loads(text, "json", as_type=meta.EffectSizes)
    assert expected in str(info.value)


def test_excluded_built_from_a_mapping_keeps_its_values_not_its_keys() -> None:
    es = meta.EffectSizes(rows=(), measure="RR", excluded=[{"label": "a", "reason": "b"}])
    assert es.excluded == (meta.Excluded("a", "b"),)
