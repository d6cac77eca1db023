"""vitk2: the clinical evidence on vitamin K2 (menaquinone-4, menatetrenone) as typed objects.

>>> import vitk2
>>> base = vitk2.load()
>>> base.compound("MK-4").name
'menatetrenone'

The public API is what :data:`__all__` lists; everything else is private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import EvidenceBase, Exclusion
from ._bundled import load
from ._errors import (
    AmbiguousNameError,
    ComparisonError,
    CriteriaError,
    IncommensurableUnitsError,
    MergeConflictError,
    Problem,
    UnitError,
    UnknownNameError,
    ValidationError,
    Vitk2Error,
)
from ._io import FORMAT_VERSION, dump, load_file, loads
from ._model import (
    NOT_REPORTED,
    AdverseEvent,
    Age,
    Arm,
    Breakdown,
    Category,
    Certainty,
    Citation,
    Code,
    CodeSystem,
    Compound,
    Count,
    CountKind,
    Dataset,
    Design,
    Direction,
    DocumentKind,
    Dose,
    Effect,
    EffectMeasure,
    EvidenceLevel,
    Finding,
    Frequency,
    GroupRole,
    GroupSummaries,
    Indication,
    IndicationCategory,
    Integrity,
    IntegrityStatus,
    Locator,
    Narrative,
    NotReported,
    Outcome,
    OutcomeKind,
    Phase,
    Population,
    Proportion,
    Provenance,
    PValue,
    Quote,
    Regimen,
    Route,
    Setting,
    SexCounts,
    Spread,
    Statistic,
    Study,
    Summary,
    SummaryMeasure,
    TimeToEvent,
    Verification,
)
from ._names import normalize
from ._stats import Interval
from ._units import Dimension, Quantity, Unit

if TYPE_CHECKING:
    from ._compare import (
        CertaintyAssessment,
        Comparison,
        ComparisonRow,
        Downgrade,
        MatrixCell,
        Overview,
        OverviewRow,
        RegimenComparison,
    )
    from ._fhir import to_fhir
    from ._query import filter_evidence
    from ._schema import json_schema
    from ._tabular import to_csv, to_dataframe, to_parquet, to_rows

__version__ = "0.1.0"

__all__ = [
    "FORMAT_VERSION",
    "NOT_REPORTED",
    "AdverseEvent",
    "Age",
    "AmbiguousNameError",
    "Arm",
    "Breakdown",
    "Category",
    "Certainty",
    "CertaintyAssessment",
    "Citation",
    "Code",
    "CodeSystem",
    "Comparison",
    "ComparisonError",
    "ComparisonRow",
    "Compound",
    "Count",
    "CountKind",
    "CriteriaError",
    "Dataset",
    "Design",
    "Dimension",
    "Direction",
    "DocumentKind",
    "Dose",
    "Downgrade",
    "Effect",
    "EffectMeasure",
    "EvidenceBase",
    "EvidenceLevel",
    "Exclusion",
    "Finding",
    "Frequency",
    "GroupRole",
    "GroupSummaries",
    "IncommensurableUnitsError",
    "Indication",
    "IndicationCategory",
    "Integrity",
    "IntegrityStatus",
    "Interval",
    "Locator",
    "MatrixCell",
    "MergeConflictError",
    "Narrative",
    "NotReported",
    "Outcome",
    "OutcomeKind",
    "Overview",
    "OverviewRow",
    "PValue",
    "Phase",
    "Population",
    "Problem",
    "Proportion",
    "Provenance",
    "Quantity",
    "Quote",
    "Regimen",
    "RegimenComparison",
    "Route",
    "Setting",
    "SexCounts",
    "Spread",
    "Statistic",
    "Study",
    "Summary",
    "SummaryMeasure",
    "TimeToEvent",
    "Unit",
    "UnitError",
    "UnknownNameError",
    "ValidationError",
    "Verification",
    "Vitk2Error",
    "__version__",
    "dump",
    "filter_evidence",
    "json_schema",
    "load",
    "load_file",
    "loads",
    "normalize",
    "to_csv",
    "to_dataframe",
    "to_fhir",
    "to_parquet",
    "to_rows",
]

# Names whose modules are imported on first use, so ``import vitk2`` stays cheap.
_LAZY: dict[str, str] = {
    "CertaintyAssessment": "._compare",
    "Comparison": "._compare",
    "ComparisonRow": "._compare",
    "Downgrade": "._compare",
    "MatrixCell": "._compare",
    "Overview": "._compare",
    "OverviewRow": "._compare",
    "RegimenComparison": "._compare",
    "filter_evidence": "._query",
    "json_schema": "._schema",
    "to_csv": "._tabular",
    "to_dataframe": "._tabular",
    "to_fhir": "._fhir",
    "to_parquet": "._tabular",
    "to_rows": "._tabular",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vitk2' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
