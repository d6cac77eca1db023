"""Inverse-variance pooling for `meta`, as R metafor's ``rma`` does it.

Equal-effects (``EE``, alias ``FE``) and random-effects models with the DerSimonian-Laird
(``DL``), restricted maximum likelihood (``REML``, the default), maximum likelihood (``ML``)
and Paule-Mandel (``PM``) estimators of the between-study variance ``tau2``; Wald (``z``) or
Hartung-Knapp-Sidik-Jonkman (``knha``) inference; metafor's ``I2`` (with the typical
within-study variance), ``H2``, Cochran's ``Q``, the standard error of ``tau2`` and the
prediction interval of ``predict.rma``. Formulas and sources: ``docs/explanation/meta-analysis.md``.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal

import attrs

from ._dist import chi2_sf, t_ppf, two_sided_p
from ._meta_effects import (
    RATIO_MEASURES,
    EffectSizes,
    Excluded,
    MetaInputError,
    check_level,
    critical_value,
)
from ._stats import Interval, StatisticsError

__all__ = [
    "METHODS",
    "MetaResult",
    "Method",
    "Omitted",
    "Subgroup",
    "Subgroups",
    "Test",
    "leave_one_out",
    "pool",
    "subgroups",
]

Method = Literal["EE", "FE", "DL", "REML", "ML", "PM"]
"""A model: equal effects (``EE``, also called ``FE``) or random effects with the
DerSimonian-Laird, REML, ML or Paule-Mandel estimator of ``tau2``."""

Test = Literal["z", "knha"]
"""Inference for the pooled effect: Wald (``z``) or Hartung-Knapp-Sidik-Jonkman (``knha``)."""

METHODS: tuple[str, ...] = ("EE", "FE", "DL", "REML", "ML", "PM")
_TESTS = ("z", "knha")
_mul = operator.mul
_TOL = 1e-10  # convergence of tau2, relative to max(1, tau2)
_MAX_ITER = 1000


# ---------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------


def _fmt(x: float) -> str:
    """A number as a reader wants it in a summary line."""
    if x == 0.0 or 0.01 <= abs(x) < 1000.0:
        return f"{x:.2f}"
    return f"{x:.3g}"


def _fmt_p(p: float) -> str:
    return "< 0.0001" if p < 1e-4 else f"= {p:.4f}"


def _finite_or_none(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


@attrs.frozen(kw_only=True)
class MetaResult:
    """A pooled estimate with its heterogeneity statistics, as metafor prints them.

    ``coef``, ``se``, ``coef_low`` and ``coef_high`` are on the analysis scale (log scale for
    ratio measures); ``estimate``, ``low``, ``high``, `ci` and `prediction` are
    on the natural scale (ratios as ratios).

    Attributes:
        measure: The effect measure (``"RR"``, ``"OR"``, ``"MD"``, ...).
        method: ``"EE"``, ``"DL"``, ``"REML"``, ``"ML"``, ``"PM"``, ``"MH"`` (Mantel-Haenszel)
            or ``"PETO"``.
        test: ``"z"`` or ``"knha"`` (Hartung-Knapp-Sidik-Jonkman, t with ``k - 1`` df).
        level: Confidence level of the intervals.
        k: Number of studies in the model.
        coef: Pooled effect on the analysis scale.
        se: Its standard error (the Hartung-Knapp one under ``knha``).
        coef_low: Lower confidence bound on the analysis scale.
        coef_high: Upper confidence bound on the analysis scale.
        z_or_t: Test statistic ``coef / se`` (z, or t under ``knha``).
        p: Two-sided p-value of ``z_or_t``.
        df: Degrees of freedom of the t test (``k - 1``), None for a z test.
        tau2: Between-study variance (0 for equal-effects, Mantel-Haenszel and Peto models).
        tau2_se: Standard error of ``tau2`` as metafor computes it, or None.
        i2: I² in percent: ``100 tau2 / (tau2 + typical within-study variance)`` for random
            effects, ``100 (Q - df) / Q`` (at least 0) for equal effects.
        h2: H²: ``(tau2 + typical variance) / typical variance``, or ``Q / df``.
        q: Cochran's Q (about the equal-effects estimate; for Mantel-Haenszel about the
            Mantel-Haenszel estimate; Peto's own Q for Peto).
        q_df: Degrees of freedom of Q.
        q_p: p-value of Q (chi-square).
        prediction: Prediction interval for the effect in a new study (natural scale), for
            random-effects models; None otherwise.
        weights: Each study's weight in percent, in the order of ``labels``.
        labels: The studies in the model.
        excluded: Studies left out of the model (or of its Q test), each with its reason.

    *Added in version 0.2.0*.
    """

    measure: str
    method: str
    test: str
    level: float
    k: int
    coef: float
    se: float
    coef_low: float
    coef_high: float
    z_or_t: float
    p: float
    df: int | None = None
    tau2: float
    tau2_se: float | None = None
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    prediction: Interval | None = None
    weights: tuple[float, ...] = attrs.field(repr=False)
    labels: tuple[str, ...] = attrs.field(repr=False)
    excluded: tuple[Excluded, ...] = attrs.field(default=(), repr=False)

    @property
    def is_ratio(self) -> bool:
        """True for ratio measures, whose natural scale is ``exp`` of the analysis scale."""
        return self.measure in RATIO_MEASURES

    def _natural(self, x: float) -> float:
        return math.exp(x) if self.is_ratio else x

    @property
    def estimate(self) -> float:
        """The pooled effect on the natural scale (``exp(coef)`` for ratios)."""
        return self._natural(self.coef)

    @property
    def low(self) -> float:
        """Lower confidence bound on the natural scale."""
        return self._natural(self.coef_low)

    @property
    def high(self) -> float:
        """Upper confidence bound on the natural scale."""
        return self._natural(self.coef_high)

    @property
    def ci(self) -> Interval:
        """The confidence interval on the natural scale."""
        method = "hartung-knapp" if self.test == "knha" else "wald"
        return Interval(self.low, self.high, self.level, method=method)

    @property
    def tau(self) -> float:
        """The between-study standard deviation ``sqrt(tau2)``."""
        return math.sqrt(self.tau2)

    @property
    def model(self) -> str:
        """``"random"`` for random-effects models, ``"equal"`` otherwise."""
        return "random" if self.method in ("DL", "REML", "ML", "PM") else "equal"

    def __repr__(self) -> str:
        test = ", knha" if self.test == "knha" else ""
        return (
            f"<MetaResult {self.measure} {_fmt(self.estimate)} ({self.level:.0%} CI "
            f"{_fmt(self.low)} to {_fmt(self.high)}), {self.method}{test}, k={self.k}, "
            f"tau²={self.tau2:.3g}, I²={self.i2:.1f}%>"
        )

    def to_markdown(self) -> str:
        """The result as a Markdown summary table followed by a table of study weights.

        Returns:
            Markdown text.
        """
        pct = f"{self.level:.0%}"
        name = "t" if self.test == "knha" else "z"
        stat = f"{self.z_or_t:.2f}" + (f" (df {self.df})" if self.df is not None else "")
        model = {
            "EE": "equal effects",
            "MH": "equal effects, Mantel-Haenszel",
            "PETO": "equal effects, Peto",
        }.get(self.method, f"random effects, {self.method} estimate of tau²")
        rows = [
            ("Measure", self.measure + (" (pooled on the log scale)" if self.is_ratio else "")),
            ("Model", model),
            ("Studies", str(self.k)),
            ("Estimate", f"{_fmt(self.estimate)} ({pct} CI {_fmt(self.low)} to {_fmt(self.high)})"),
        ]
        if self.prediction is not None:
            rows.append(
                (
                    f"{pct} prediction interval",
                    f"{_fmt(self.prediction.low)} to {_fmt(self.prediction.high)}",
                )
            )
        rows.append((f"Test ({name})", f"{stat}, p {_fmt_p(self.p)}"))
        if self.model == "random":
            se = f" (SE {self.tau2_se:.4g})" if self.tau2_se is not None else ""
            rows.append(("tau²", f"{self.tau2:.4g}{se}"))
        rows += [
            ("I²", f"{self.i2:.1f}%"),
            ("H²", f"{self.h2:.2f}"),
            ("Q", f"{self.q:.2f} (df {self.q_df}, p {_fmt_p(self.q_p)})"),
        ]
        from ._render import markdown_text  # a renderer: imported when a table is made

        lines = ["| | |", "|---|---|", *(f"| {key} | {value} |" for key, value in rows)]
        lines += ["", "| Study | Weight |", "|---|---:|"]
        lines += [
            f"| {markdown_text(label)} | {weight:.1f}% |"
            for label, weight in zip(self.labels, self.weights, strict=True)
        ]
        if self.excluded:
            lines += [
                "",
                "Left out: "
                + "; ".join(
                    f"{markdown_text(e.label)} ({markdown_text(e.reason)})" for e in self.excluded
                ),
            ]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The result as a JSON object: both scales, the statistics, the weights.

        Non-finite numbers (an infinite statistic when every effect is equal) become ``null``.

        Returns:
            JSON text.
        """
        prediction = (
            None
            if self.prediction is None
            else {"low": self.prediction.low, "high": self.prediction.high}
        )
        data: dict[str, Any] = {
            "measure": self.measure,
            "method": self.method,
            "test": self.test,
            "level": self.level,
            "k": self.k,
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "coef": self.coef,
            "se": self.se,
            "coef_low": self.coef_low,
            "coef_high": self.coef_high,
            "z_or_t": _finite_or_none(self.z_or_t),
            "df": self.df,
            "p": _finite_or_none(self.p),
            "tau2": self.tau2,
            "tau2_se": _finite_or_none(self.tau2_se),
            "i2": self.i2,
            "h2": _finite_or_none(self.h2),
            "q": self.q,
            "q_df": self.q_df,
            "q_p": self.q_p,
            "prediction": prediction,
            "studies": [
                {"label": label, "weight": weight}
                for label, weight in zip(self.labels, self.weights, strict=True)
            ],
            "excluded": [{"label": e.label, "reason": e.reason} for e in self.excluded],
        }
        return json.dumps(data, ensure_ascii=False, allow_nan=False)


# ---------------------------------------------------------------------------
# tau2 estimators (intercept-only models)
# ---------------------------------------------------------------------------


def _fe_sums(ys: Sequence[float], vs: Sequence[float], tau2: float) -> tuple[float, float, float]:
    """``(sum w, weighted mean, Q)`` with weights ``1 / (v + tau2)``."""
    ws = [1.0 / (v + tau2) for v in vs]
    w_sum = sum(ws)
    mean = sum(w * y for w, y in zip(ws, ys, strict=True)) / w_sum
    q = sum(w * (y - mean) ** 2 for w, y in zip(ws, ys, strict=True))
    return w_sum, mean, q


def _dl(ys: Sequence[float], vs: Sequence[float]) -> tuple[float, float | None]:
    k = len(ys)
    ws = [1.0 / v for v in vs]
    w_sum = sum(ws)
    w2 = sum(w * w for w in ws)
    w3 = sum(w * w * w for w in ws)
    mean = sum(w * y for w, y in zip(ws, ys, strict=True)) / w_sum
    q = sum(w * (y - mean) ** 2 for w, y in zip(ws, ys, strict=True))
    tr_p = w_sum - w2 / w_sum
    if not tr_p > 0.0:
        return 0.0, None
    tau2 = max(0.0, (q - (k - 1)) / tr_p)
    tr_pp = w2 - 2.0 * w3 / w_sum + (w2 / w_sum) ** 2
    se = math.sqrt((2.0 * (k - 1) + 4.0 * tau2 * tr_p + 2.0 * tau2 * tau2 * tr_pp) / tr_p**2)
    return tau2, se


def _he(ys: Sequence[float], vs: Sequence[float]) -> float:
    """The Hedges (HE) estimate, metafor's starting value for REML and ML."""
    k = len(ys)
    mean = sum(ys) / k
    rss = sum((y - mean) ** 2 for y in ys)
    return max(0.0, (rss - (sum(vs) - sum(vs) / k)) / (k - 1))


def _brent(f: Callable[[float], float], lo: float, hi: float, f_lo: float, f_hi: float) -> float:
    """Root of ``f`` in ``[lo, hi]`` with ``f(lo)`` and ``f(hi)`` of opposite signs (Brent)."""
    a, b, fa, fb = lo, hi, f_lo, f_hi
    c, fc = a, fa
    d = e = b - a
    for _ in range(_MAX_ITER):
        if fb * fc > 0.0:
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol = 2.0 * 2.2e-16 * abs(b) + 0.5e-300
        m = 0.5 * (c - b)
        if abs(m) <= tol or fb == 0.0:
            return b
        if abs(e) >= tol and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:
                p, q = 2.0 * m * s, 1.0 - s
            else:
                q, r = fa / fc, fb / fc
                p = s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0))
                q = (q - 1.0) * (r - 1.0) * (s - 1.0)
            if p > 0.0:
                q = -q
            p = abs(p)
            if 2.0 * p < min(3.0 * m * q - abs(tol * q), abs(e * q)):
                e, d = d, p / q
            else:
                d = e = m
        else:
            d = e = m
        a, fa = b, fb
        b += d if abs(d) > tol else math.copysign(tol, m)
        fb = f(b)
    raise StatisticsError("root finding for tau² did not converge")  # pragma: no cover


def _bracket_up(f: Callable[[float], float], start: float) -> tuple[float, float]:
    """An ``hi >= start`` with ``f(hi) < 0`` for a function decreasing to below 0."""
    hi = max(start, 1e-8)
    f_hi = f(hi)
    while f_hi >= 0.0:
        hi *= 4.0
        if hi > 1e300:
            raise StatisticsError("could not bracket tau²: the estimating equation has no root")
        f_hi = f(hi)
    return hi, f_hi


def _pm(ys: Sequence[float], vs: Sequence[float]) -> tuple[float, float | None]:
    k = len(ys)
    target = float(k - 1)

    def excess(tau2: float) -> float:
        return _fe_sums(ys, vs, tau2)[2] - target

    f0 = excess(0.0)
    if f0 <= 0.0:
        tau2 = 0.0
    else:
        hi, f_hi = _bracket_up(excess, max(_dl(ys, vs)[0], 1e-8))
        tau2 = _brent(excess, 0.0, hi, f0, f_hi)
    w_sum = sum(1.0 / (v + tau2) for v in vs)
    return tau2, math.sqrt(2.0 * k * k / (k - 1)) / w_sum


def _likelihood_terms(
    ys: Sequence[float], vs: Sequence[float], tau2: float
) -> tuple[float, float, float, float, float]:
    """``(sum w, sum w^2, tr P, tr PP, Y'PPY)`` of the intercept-only model at ``tau2``.

    With ``w = 1 / (v + tau2)`` and ``P = W - w w' / sum w``: ``tr P = sum w - sum w^2 / sum w``,
    ``tr PP = sum w^2 - 2 sum w^3 / sum w + (sum w^2 / sum w)^2`` and ``PY = w (y - mean)``.
    (``map`` with ``operator.mul`` keeps the inner loops in C: this runs once per iteration.)
    """
    ws = [1.0 / (v + tau2) for v in vs]
    w_sum = sum(ws)
    mean = sum(map(_mul, ws, ys)) / w_sum
    w2s = list(map(_mul, ws, ws))
    w2 = sum(w2s)
    w3 = sum(map(_mul, w2s, ws))
    pys = list(map(_mul, ws, [y - mean for y in ys]))
    ypy = sum(map(_mul, pys, pys))
    tr_p = w_sum - w2 / w_sum
    tr_pp = w2 - 2.0 * w3 / w_sum + (w2 / w_sum) ** 2
    return w_sum, w2, tr_p, tr_pp, ypy


def _score(ys: Sequence[float], vs: Sequence[float], tau2: float, reml: bool) -> float:
    w_sum, _, tr_p, _, ypy = _likelihood_terms(ys, vs, tau2)
    return ypy - (tr_p if reml else w_sum)


def _ml_reml(ys: Sequence[float], vs: Sequence[float], reml: bool) -> tuple[float, float | None]:
    """(Restricted) maximum likelihood by Fisher scoring from the HE estimate, as metafor does.

    A step that would make ``tau2`` negative is halved until it does not (metafor's rule);
    where the score at 0 is not positive the estimate is 0. If scoring fails to converge,
    the root of the score equation is found by bracketing and Brent's method instead.
    """
    tau2 = _he(ys, vs)
    converged = False
    for _ in range(_MAX_ITER):
        w_sum, w2, tr_p, tr_pp, ypy = _likelihood_terms(ys, vs, tau2)
        adj = (ypy - tr_p) / tr_pp if reml else (ypy - w_sum) / w2
        if tau2 + adj < 0.0:
            if _score(ys, vs, 0.0, reml) <= 0.0:  # the maximum is on the boundary
                tau2, converged = 0.0, True
                break
            while tau2 + adj < 0.0:
                adj /= 2.0
        tau2 += adj
        if abs(adj) <= _TOL * max(1.0, tau2):
            converged = True
            break
    if not converged:  # pragma: no cover - Fisher scoring converges on every data set we know
        f0 = _score(ys, vs, 0.0, reml)
        if f0 <= 0.0:
            tau2 = 0.0
        else:
            hi, f_hi = _bracket_up(lambda t: _score(ys, vs, t, reml), max(tau2, 1e-8))
            tau2 = _brent(lambda t: _score(ys, vs, t, reml), 0.0, hi, f0, f_hi)
    w_sum, w2, tr_p, tr_pp, ypy = _likelihood_terms(ys, vs, tau2)
    return tau2, math.sqrt(2.0 / (tr_pp if reml else w2))


def _estimate_tau2(
    ys: Sequence[float], vs: Sequence[float], method: str
) -> tuple[float, float | None]:
    if method == "EE":
        return 0.0, None
    if len(ys) < 2:
        return 0.0, None  # one study: no information about tau2
    if method == "DL":
        return _dl(ys, vs)
    if method == "PM":
        return _pm(ys, vs)
    return _ml_reml(ys, vs, reml=method == "REML")


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


def _check_method(method: object) -> str:
    if not isinstance(method, str) or method not in METHODS:
        options = ", ".join(repr(m) for m in METHODS)
        raise MetaInputError(f"method must be one of {options} (got {method!r})", "method")
    return "EE" if method == "FE" else method


def _check_test(test: object) -> str:
    if not isinstance(test, str) or test not in _TESTS:
        raise MetaInputError(f"test must be 'z' or 'knha' (got {test!r})", "test")
    return test


def _check_effects(effects: object) -> EffectSizes:
    if not isinstance(effects, EffectSizes):
        raise MetaInputError(
            "effects must be EffectSizes, from meta.binary, meta.continuous, "
            f"meta.from_estimates or meta.from_variances (got {type(effects).__name__})",
            "effects",
        )
    if len(effects) == 0:
        left_out = (
            " (left out: " + "; ".join(f"{e.label}: {e.reason}" for e in effects.excluded) + ")"
            if effects.excluded
            else ""
        )
        raise MetaInputError(f"there are no studies to pool (k = 0){left_out}", "effects")
    return effects


def heterogeneity(q: float, k: int) -> tuple[float, int, float, float, float]:
    """``(Q, df, p, I2, H2)`` of an equal-effects model, as metafor reports them."""
    if k <= 1:
        return 0.0, 0, 1.0, 0.0, 1.0
    df = k - 1
    q = max(0.0, q)
    i2 = max(0.0, 100.0 * (q - df) / q) if q > 0.0 else 0.0
    return q, df, chi2_sf(q, df), i2, q / df


def pool(
    effects: EffectSizes,
    *,
    method: Method = "REML",
    test: Test = "z",
    level: float = 0.95,
) -> MetaResult:
    """Pool effect sizes by inverse-variance weighting, as metafor's ``rma`` does.

    ``EE`` (alias ``FE``) is the equal-effects model. The random-effects models estimate the
    between-study variance ``tau2`` by DerSimonian-Laird (``DL``), restricted maximum
    likelihood (``REML``, Fisher scoring from the HE estimate, converged to ``1e-10``),
    maximum likelihood (``ML``) or Paule-Mandel (``PM``: the root of the generalised
    ``Q(tau2) = k - 1``, 0 when ``Q(0) < k - 1``), and pool with weights ``1 / (vi + tau2)``.

    ``test="knha"`` replaces the Wald interval by Hartung-Knapp-Sidik-Jonkman's: the
    variance is multiplied by ``sum w (y - mu)**2 / (k - 1)`` and a t distribution with
    ``k - 1`` degrees of freedom is used (metafor's default, without truncation).

    The prediction interval (random-effects models only) is ``coef +/- crit sqrt(se**2 +
    tau2)``, with the same critical value as the confidence interval (metafor's
    ``predict``).

    Args:
        effects: The studies' effect sizes (at least one; at least two for ``knha``).
        method: ``"REML"`` (default), ``"DL"``, ``"PM"``, ``"ML"``, ``"EE"`` or ``"FE"``.
        test: ``"z"`` (default) or ``"knha"``.
        level: Confidence level of the intervals, in (0, 1).

    Returns:
        The pooled result.

    Raises:
        MetaInputError: If ``effects`` is not an `EffectSizes` or is empty, the method
            or test is unknown, ``level`` is not in (0, 1), or ``knha`` is asked of a single
            study.

    Examples:
        >>> from vitk2 import meta
        >>> es = meta.from_variances([-0.89, -1.59, -1.35, -1.44, -0.22], [0.33, 0.19, 0.42, 0.02, 0.05], measure="RR")
        >>> meta.pool(es)
        <MetaResult RR 0.35 (95% CI 0.19 to 0.63), REML, k=5, tau²=0.3, I²=76.8%>

    *Added in version 0.2.0*.
    """
    es = _check_effects(effects)
    m = _check_method(method)
    tst = _check_test(test)
    lvl = check_level(level)
    k = len(es)
    if tst == "knha" and k < 2:
        raise MetaInputError("the Hartung-Knapp test needs at least 2 studies (got k = 1)", "test")
    ys = [row.yi for row in es.rows]
    vs = [row.vi for row in es.rows]
    return _fit(ys, vs, es, m, tst, lvl)


def _fit(
    ys: list[float], vs: list[float], es: EffectSizes, method: str, test: str, level: float
) -> MetaResult:
    k = len(ys)
    tau2, tau2_se = _estimate_tau2(ys, vs, method)

    # Heterogeneity is always measured about the equal-effects estimate.
    w0 = [1.0 / v for v in vs]
    w0_sum = math.fsum(w0)
    mean0 = math.fsum(map(_mul, w0, ys)) / w0_sum
    residuals = [y - mean0 for y in ys]
    q_raw = math.fsum(map(_mul, map(_mul, w0, residuals), residuals))
    q, q_df, q_p, i2, h2 = heterogeneity(q_raw, k)
    if method != "EE":
        if k > 1:
            tr_p = w0_sum - math.fsum(map(_mul, w0, w0)) / w0_sum
            typical = (k - 1) / tr_p  # metafor's typical within-study variance
            i2 = 100.0 * tau2 / (typical + tau2)
            h2 = tau2 / typical + 1.0
        else:
            i2, h2 = 0.0, 1.0

    ws = [1.0 / (v + tau2) for v in vs] if tau2 > 0.0 else w0
    w_sum = math.fsum(ws)
    coef = math.fsum(map(_mul, ws, ys)) / w_sum
    variance = 1.0 / w_sum
    df: int | None = None
    if test == "knha":
        df = k - 1
        residuals = [y - coef for y in ys]
        s2w = math.fsum(map(_mul, map(_mul, ws, residuals), residuals)) / df
        variance *= s2w
        crit = t_ppf(1.0 - (1.0 - level) / 2.0, df)
    else:
        crit = critical_value(level)
    se = math.sqrt(variance)
    # se is 0 only under knha when every effect is equal: no spread to estimate it from
    statistic = coef / se if se > 0.0 else (0.0 if coef == 0.0 else math.copysign(math.inf, coef))
    p = two_sided_p(statistic, df) if math.isfinite(statistic) else 0.0
    natural = math.exp if es.is_ratio else float
    prediction = None
    if method != "EE":
        half = crit * math.sqrt(variance + tau2)
        prediction = Interval(
            natural(coef - half), natural(coef + half), level, method="prediction"
        )
    return MetaResult(
        measure=es.measure,
        method=method,
        test=test,
        level=level,
        k=k,
        coef=coef,
        se=se,
        coef_low=coef - crit * se,
        coef_high=coef + crit * se,
        z_or_t=statistic,
        p=p,
        df=df,
        tau2=tau2,
        tau2_se=tau2_se,
        i2=i2,
        h2=h2,
        q=q,
        q_df=q_df,
        q_p=q_p,
        prediction=prediction,
        weights=tuple(100.0 * w / w_sum for w in ws),
        labels=es.labels,
        excluded=es.excluded,
    )


# ---------------------------------------------------------------------------
# Leave-one-out and subgroups
# ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Omitted:
    """The result of pooling every study but one.

    Attributes:
        label: The label of the study left out.
        index: Its 0-based position among the pooled studies.
        result: The pooled result without it.

    *Added in version 0.2.0*.
    """

    label: str
    index: int
    result: MetaResult


def leave_one_out(
    effects: EffectSizes,
    *,
    method: Method = "REML",
    test: Test = "z",
    level: float = 0.95,
) -> tuple[Omitted, ...]:
    """Pool the studies ``k`` times, leaving each one out in turn (metafor's ``leave1out``).

    Args:
        effects: The studies' effect sizes (at least two).
        method: As for `pool`.
        test: As for `pool`.
        level: As for `pool`.

    Returns:
        One `Omitted` per study, in order.

    Raises:
        MetaInputError: If there are fewer than two studies, or an option is invalid.

    Examples:
        >>> from vitk2 import meta
        >>> es = meta.from_variances([0.1, 0.3, 0.2], [0.01, 0.02, 0.04])
        >>> [(o.label, round(o.result.estimate, 3)) for o in meta.leave_one_out(es, method="EE")]
        [('1', 0.267), ('2', 0.12), ('3', 0.167)]

    *Added in version 0.2.0*.
    """
    es = _check_effects(effects)
    if len(es) < 2:
        raise MetaInputError(
            f"leave-one-out needs at least 2 studies (got k = {len(es)})", "effects"
        )
    return tuple(
        Omitted(
            label=row.label,
            index=i,
            result=pool(
                EffectSizes(
                    rows=es.rows[:i] + es.rows[i + 1 :], measure=es.measure, excluded=es.excluded
                ),
                method=method,
                test=test,
                level=level,
            ),
        )
        for i, row in enumerate(es.rows)
    )


@attrs.frozen(kw_only=True)
class Subgroup:
    """One subgroup's pooled result.

    Attributes:
        name: The subgroup.
        result: The studies of that subgroup pooled on their own.

    *Added in version 0.2.0*.
    """

    name: str
    result: MetaResult


@attrs.frozen(kw_only=True)
class Subgroups:
    """Separate meta-analyses per subgroup and the test for subgroup differences.

    The test is metafor's "separate meta-analyses" approach: each subgroup is pooled on its
    own (its own ``tau2``), then the subgroup estimates are compared in an equal-effects
    model with weights ``1 / se**2``; its Q is ``q_between``.

    Attributes:
        subgroups: The subgroups, in order of first appearance.
        overall: All studies pooled together, with the same options.
        q_between: Q statistic for the difference between subgroup estimates.
        q_df: Its degrees of freedom (number of subgroups - 1).
        q_p: Its p-value (chi-square).

    *Added in version 0.2.0*.
    """

    subgroups: tuple[Subgroup, ...]
    overall: MetaResult
    q_between: float
    q_df: int
    q_p: float

    def __getitem__(self, name: str) -> MetaResult:
        for group in self.subgroups:
            if group.name == name:
                return group.result
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """The subgroup names, in order."""
        return tuple(group.name for group in self.subgroups)

    def __repr__(self) -> str:
        return (
            f"<Subgroups {', '.join(self.names)}: Q_between={self.q_between:.3g} "
            f"(df={self.q_df}, p={self.q_p:.3g})>"
        )


def subgroups(
    effects: EffectSizes,
    groups: Sequence[Hashable],
    *,
    method: Method = "REML",
    test: Test = "z",
    level: float = 0.95,
) -> Subgroups:
    """Pool each subgroup on its own and test whether the subgroup estimates differ.

    Each subgroup gets its own ``tau2`` (metafor: ``rma(..., subset=...)`` per subgroup),
    then ``Q_between = sum w_g (coef_g - mean)**2`` with ``w_g = 1 / se_g**2`` is referred
    to a chi-square with ``G - 1`` degrees of freedom: an equal-effects model of the
    subgroup estimates (metafor's ``rma(coefs, sei=ses, mods=~group, method="FE")``). This
    is not the meta-regression ``rma(yi, vi, mods=~factor(group))``, which assumes one
    ``tau2`` shared by every subgroup.

    Args:
        effects: The studies' effect sizes.
        groups: Each study's subgroup, in the order of ``effects`` (strings, or anything
            hashable, named by ``str``).
        method: As for `pool`.
        test: As for `pool`.
        level: As for `pool`.

    Returns:
        The subgroup results, the overall result and the test for subgroup differences.

    Raises:
        MetaInputError: If ``groups`` has not one entry per study, there are fewer than two
            subgroups, or an option is invalid.

    Examples:
        >>> from vitk2 import meta
        >>> es = meta.from_variances([0.1, 0.3, 0.2, 0.6], [0.01, 0.02, 0.04, 0.03])
        >>> meta.subgroups(es, ["a", "a", "b", "b"], method="EE")
        <Subgroups a, b: Q_between=2.88 (df=1, p=0.0896)>

    *Added in version 0.2.0*.
    """
    es = _check_effects(effects)
    if isinstance(groups, (str, bytes)):
        raise MetaInputError("groups must be a sequence with one entry per study", "groups")
    keys = list(groups)
    if len(keys) != len(es):
        raise MetaInputError(
            f"groups must have one entry per study (got {len(keys)} != {len(es)})", "groups"
        )
    order: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        order.setdefault(key if isinstance(key, str) else str(key), []).append(i)
    if len(order) < 2:
        raise MetaInputError(f"subgroups needs at least 2 subgroups (got {len(order)})", "groups")
    parts = []
    for name, positions in order.items():
        rows = [es.rows[i] for i in positions]
        sub = EffectSizes(rows=rows, measure=es.measure)
        parts.append(Subgroup(name=name, result=pool(sub, method=method, test=test, level=level)))
    overall = pool(es, method=method, test=test, level=level)
    if any(not part.result.se > 0.0 for part in parts):
        raise StatisticsError("a subgroup's standard error is 0: its studies have equal effects")
    ws = [1.0 / part.result.se**2 for part in parts]
    w_sum = math.fsum(ws)
    mean = math.fsum(w * part.result.coef for w, part in zip(ws, parts, strict=True)) / w_sum
    q_between = math.fsum(
        w * (part.result.coef - mean) ** 2 for w, part in zip(ws, parts, strict=True)
    )
    q_df = len(parts) - 1
    return Subgroups(
        subgroups=tuple(parts),
        overall=overall,
        q_between=q_between,
        q_df=q_df,
        q_p=chi2_sf(q_between, q_df),
    )
