"""vitk2: the clinical evidence on vitamin K2 (menaquinone-4, menatetrenone) as typed objects.

>>> import vitk2
>>> base = vitk2.load()
>>> base.compound("MK-4").name
'menatetrenone'

The public API is what `__all__` lists; everything else is private. ``import vitk2``
imports none of it: each name's module is imported the first time the name is used, so a
program that imports vitk2 pays for the parts it uses, when it uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The public API is written in three places, each read by something different, and
# tests/test_package.py fails unless all three name the same things:
# - the imports under TYPE_CHECKING, for type checkers, which read them without running them;
# - ``__all__``, a literal list: mypy --strict reads it to know which of those imports are
#   re-exports, and the docs' API reference (griffe) to know what to document, both from the
#   source; a list computed at run time would hide the whole API from them;
# - ``_MODULES``, the module of each name, which is what runs: ``__getattr__`` imports a
#   name's module the first time the name is used.
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
    from ._summary import (
        DomainRating,
        SummaryEstimate,
        SummaryEvidence,
        SummaryFlag,
        SummaryFlagKind,
        SummaryLeftOut,
        SummaryOfFindings,
        SummaryRow,
        SummaryRowKind,
    )
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
    "DomainRating",
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
    "SummaryEstimate",
    "SummaryEvidence",
    "SummaryFlag",
    "SummaryFlagKind",
    "SummaryLeftOut",
    "SummaryMeasure",
    "SummaryOfFindings",
    "SummaryRow",
    "SummaryRowKind",
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

# Every public name but __version__, by the module it lives in. Modules are imported on first
# use (PEP 562), so ``import vitk2`` costs next to nothing: a program that imports vitk2 and
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
    "._summary": (
        "DomainRating",
        "SummaryEstimate",
        "SummaryEvidence",
        "SummaryFlag",
        "SummaryFlagKind",
        "SummaryLeftOut",
        "SummaryOfFindings",
        "SummaryRow",
        "SummaryRowKind",
    ),
    "._tabular": ("to_csv", "to_dataframe", "to_parquet", "to_rows"),
    "._units": ("Dimension", "Quantity", "Unit"),
}
_LAZY: dict[str, str] = {name: mod for mod, names in _MODULES.items() for name in names}


def _lazy_attribute(name: str) -> Any:
    import importlib

    if name == "meta":  # the public sub-module vitk2.meta, also imported on first use
        return importlib.import_module(".meta", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vitk2' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


# Type checkers read the names from the imports above. A module __getattr__ they could see
# would make every other name (a misspelt ``vitk2.lod()``) an Any instead of an error.
if not TYPE_CHECKING:
    __getattr__ = _lazy_attribute


def __dir__() -> list[str]:
    return list(__all__)
