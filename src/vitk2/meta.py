"""Meta-analysis of two-group studies that gives R metafor's answers.

Compute per-study effect sizes, then pool them::

    >>> from vitk2 import meta
    >>> effects = meta.binary(
    ...     events1=[4, 6, 3, 62, 33], total1=[123, 306, 231, 13598, 5069],
    ...     events2=[11, 29, 11, 248, 47], total2=[139, 303, 220, 12867, 5808],
    ...     measure="RR",
    ... )
    >>> result = meta.pool(effects)  # REML random effects, Wald test
    >>> result
    <MetaResult RR 0.35 (95% CI 0.19 to 0.63), REML, k=5, tau²=0.298, I²=76.5%>
    >>> round(result.prediction.low, 2), round(result.prediction.high, 2)
    (0.1, 1.18)

The effect sizes follow metafor's ``escalc`` (`binary`, `continuous`,
`from_estimates`, `from_variances`); `pool` fits metafor's ``rma``
equal- and random-effects models (``EE``, ``DL``, ``REML``, ``ML``, ``PM``) with Wald or
Hartung-Knapp inference; `mantel_haenszel` and `peto` are ``rma.mh`` and
``rma.peto``; `leave_one_out` and `subgroups` refit on parts of the data. The
methods, conventions and sources are in the documentation's explanation page
"Meta-analysis methods". Everything here is pure Python: numpy and pandas are accepted as
input but never imported.

*Added in version 0.2.0*.
"""

from __future__ import annotations

from ._meta_effects import (
    EffectSize,
    EffectSizes,
    Excluded,
    Measure,
    MetaInputError,
    binary,
    continuous,
    from_estimates,
    from_variances,
)
from ._meta_mh import mantel_haenszel, peto
from ._meta_pool import (
    MetaResult,
    Method,
    Omitted,
    Subgroup,
    Subgroups,
    Test,
    leave_one_out,
    pool,
    subgroups,
)

__all__ = [
    "EffectSize",
    "EffectSizes",
    "Excluded",
    "Measure",
    "MetaInputError",
    "MetaResult",
    "Method",
    "Omitted",
    "Subgroup",
    "Subgroups",
    "Test",
    "binary",
    "continuous",
    "from_estimates",
    "from_variances",
    "leave_one_out",
    "mantel_haenszel",
    "peto",
    "pool",
    "subgroups",
]
