"""vitk2: the clinical evidence on vitamin K2 (menaquinone-4, menatetrenone) as typed objects.

>>> import vitk2
>>> base = vitk2.load()
>>> base.compound("MK-4").name
'menatetrenone'

The public API is what :data:`__all__` lists; everything else is private. ``import vitk2``
imports none of it: each name's module is imported the first time the name is used, so a
program that imports vitk2 pays for the parts it uses, when it uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import meta as meta
    from ._base import EvidenceBase, Exclusion
    from ._bundled import load
    from ._compare import (
        CertaintyAssessment,
        CompareOptions,
        Comparison,
        ComparisonRow,
        Domain,
        Downgrade,
        MatrixCell,
        Overview,
        OverviewOptions,
        OverviewRow,
        RegimenComparison,
        RegimenOptions,
    )
    from ._errors import (
        AmbiguousNameError,
        CriteriaError,
        IncommensurableUnitsError,
        MergeConflictError,
        Problem,
        StatisticsError,
        UnitError,
        UnknownNameError,
        ValidationError,
        Vitk2Error,
    )
    from ._evidence_meta import MetaAnalysis
    from ._fhir import to_fhir
    from ._io import FORMAT_VERSION, dump, load_file, loads
    from ._model import (
        NOT_REPORTED,
        AdverseEvent,
        Age,
        Arm,
        ArmCount,
        ArmCounts,
        BeforeAfter,
        Better,
        Blinding,
        Breakdown,
        Category,
        Certainty,
        Citation,
        Code,
        CodeSystem,
        Comparator,
        ComparatorKind,
        Compound,
        Count,
        CountKind,
        Cumulative,
        CumulativeArm,
        Dataset,
        Design,
        Direction,
        DocumentKind,
        Dose,
        Effect,
        EffectMeasure,
        Endpoint,
        EvidenceLevel,
        Exposure,
        Finding,
        Frequency,
        Funding,
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
        TestResult,
        TimeToEvent,
        Verification,
    )
    from ._names import normalize
    from ._query import FilterCriteria, filter_evidence
    from ._schema import json_schema
    from ._stats import Interval
    from ._tabular import to_csv, to_dataframe, to_parquet, to_rows
    from ._units import Dimension, Quantity, Unit

__version__ = "0.1.0"

__all__ = [
    "FORMAT_VERSION",
    "NOT_REPORTED",
    "AdverseEvent",
    "Age",
    "AmbiguousNameError",
    "Arm",
    "ArmCount",
    "ArmCounts",
    "BeforeAfter",
    "Better",
    "Blinding",
    "Breakdown",
    "Category",
    "Certainty",
    "CertaintyAssessment",
    "Citation",
    "Code",
    "CodeSystem",
    "Comparator",
    "ComparatorKind",
    "CompareOptions",
    "Comparison",
    "ComparisonRow",
    "Compound",
    "Count",
    "CountKind",
    "CriteriaError",
    "Cumulative",
    "CumulativeArm",
    "Dataset",
    "Design",
    "Dimension",
    "Direction",
    "DocumentKind",
    "Domain",
    "Dose",
    "Downgrade",
    "Effect",
    "EffectMeasure",
    "Endpoint",
    "EvidenceBase",
    "EvidenceLevel",
    "Exclusion",
    "Exposure",
    "FilterCriteria",
    "Finding",
    "Frequency",
    "Funding",
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
    "MetaAnalysis",
    "Narrative",
    "NotReported",
    "Outcome",
    "OutcomeKind",
    "Overview",
    "OverviewOptions",
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
    "RegimenOptions",
    "Route",
    "Setting",
    "SexCounts",
    "Spread",
    "Statistic",
    "StatisticsError",
    "Study",
    "Summary",
    "SummaryMeasure",
    "TestResult",
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

# Every public name and the module it lives in. Modules are imported on first use
# (PEP 562), so ``import vitk2`` costs next to nothing: a program that imports vitk2 and
# never uses it pays nothing, and one that does pays for what it uses.
_MODULES: dict[str, tuple[str, ...]] = {
    "._base": ("EvidenceBase", "Exclusion"),
    "._bundled": ("load",),
    "._compare": (
        "CertaintyAssessment",
        "CompareOptions",
        "Comparison",
        "ComparisonRow",
        "Domain",
        "Downgrade",
        "MatrixCell",
        "Overview",
        "OverviewOptions",
        "OverviewRow",
        "RegimenComparison",
        "RegimenOptions",
    ),
    "._errors": (
        "AmbiguousNameError",
        "CriteriaError",
        "IncommensurableUnitsError",
        "MergeConflictError",
        "Problem",
        "StatisticsError",
        "UnitError",
        "UnknownNameError",
        "ValidationError",
        "Vitk2Error",
    ),
    "._evidence_meta": ("MetaAnalysis",),
    "._fhir": ("to_fhir",),
    "._io": ("FORMAT_VERSION", "dump", "load_file", "loads"),
    "._model": (
        "AdverseEvent",
        "Age",
        "Arm",
        "ArmCount",
        "ArmCounts",
        "BeforeAfter",
        "Better",
        "Blinding",
        "Breakdown",
        "Category",
        "Certainty",
        "Citation",
        "Code",
        "CodeSystem",
        "Comparator",
        "ComparatorKind",
        "Compound",
        "Count",
        "CountKind",
        "Cumulative",
        "CumulativeArm",
        "Dataset",
        "Design",
        "Direction",
        "DocumentKind",
        "Dose",
        "Effect",
        "EffectMeasure",
        "Endpoint",
        "EvidenceLevel",
        "Exposure",
        "Finding",
        "Frequency",
        "Funding",
        "GroupRole",
        "GroupSummaries",
        "Indication",
        "IndicationCategory",
        "Integrity",
        "IntegrityStatus",
        "Locator",
        "NOT_REPORTED",
        "Narrative",
        "NotReported",
        "Outcome",
        "OutcomeKind",
        "PValue",
        "Phase",
        "Population",
        "Proportion",
        "Provenance",
        "Quote",
        "Regimen",
        "Route",
        "Setting",
        "SexCounts",
        "Spread",
        "Statistic",
        "Study",
        "Summary",
        "SummaryMeasure",
        "TestResult",
        "TimeToEvent",
        "Verification",
    ),
    "._names": ("normalize",),
    "._query": ("FilterCriteria", "filter_evidence"),
    "._schema": ("json_schema",),
    "._stats": ("Interval",),
    "._tabular": ("to_csv", "to_dataframe", "to_parquet", "to_rows"),
    "._units": ("Dimension", "Quantity", "Unit"),
}
_LAZY: dict[str, str] = {name: mod for mod, names in _MODULES.items() for name in names}


def _lazy_attribute(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        if name == "meta":  # the public sub-module vitk2.meta, also imported on first use
            import importlib

            return importlib.import_module(".meta", __name__)
        raise AttributeError(f"module 'vitk2' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


# Type checkers read the names from the imports above. A module __getattr__ they could see
# would make every other name (a misspelt ``vitk2.lod()``) an Any instead of an error.
if not TYPE_CHECKING:
    __getattr__ = _lazy_attribute


def __dir__() -> list[str]:
    return list(__all__)
