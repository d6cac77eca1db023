"""The evidence-file schema as msgspec Structs and pydantic models, for comparison only.

These decode the same JSON as vitk2 into the libraries' own record types: references stay ids,
quantities stay text, a quote and a locator share one record type, and none of vitk2's
validators run (only types are checked). They show what the same data costs in time and
memory in those libraries; they are not a second implementation of vitk2.

Both libraries are optional (the ``benchmark`` extra): :func:`msgspec_schema` and
:func:`pydantic_schema` return None when theirs is not installed.
"""

# No ``from __future__ import annotations``: the record types are local to functions, and
# msgspec and pydantic read their annotations at run time.
import datetime as dt
import enum
import typing
from typing import Any, Union

from vitk2 import _model as vm


def msgspec_schema() -> Any:
    """The document type for ``msgspec.json.decode(..., type=...)``, or None."""
    try:
        import msgspec
    except ImportError:
        return None

    class Base(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
        pass

    class NR(Base):
        not_reported: str

    Num = Union[int, str, NR, None]  # noqa: UP007 - msgspec reads unions at run time
    Text = Union[str, NR]  # noqa: UP007

    class Code(Base):
        system: vm.CodeSystem
        code: str
        status: vm.Verification = vm.Verification.VERIFIED
        note: str | None = None

    class Compound(Base):
        id: str
        name: str
        compound_class: str
        family: str
        synonyms: tuple[str, ...] = ()
        brands: tuple[str, ...] = ()
        codes: tuple[Code, ...] = ()
        notes: tuple[str, ...] = ()

    class Indication(Base):
        id: str
        name: str
        category: vm.IndicationCategory
        synonyms: tuple[str, ...] = ()
        abbreviations: tuple[str, ...] = ()
        codes: tuple[Code, ...] = ()
        parent: str | None = None
        notes: tuple[str, ...] = ()

    class Integrity(Base):
        status: vm.IntegrityStatus = vm.IntegrityStatus.NONE_KNOWN
        date: dt.date | None = None
        notice: str | None = None
        note: str | None = None

    class Citation(Base):
        id: str
        kind: vm.DocumentKind
        authors: tuple[str, ...] = ()
        title: Text = "not reported"
        journal: Text = "not reported"
        year: Num = "not reported"
        volume: str | None = None
        issue: str | None = None
        pages: str | None = None
        doi: str | None = None
        pmid: str | None = None
        pmcid: str | None = None
        url: str | None = None
        reports_on: str | None = None
        interim: bool = False
        curated: bool = True
        indications: tuple[str, ...] = ()
        integrity: Integrity | None = None
        notes: tuple[str, ...] = ()

    class Provenance(Base):
        source: str
        text: str | None = None
        language: str = "en"
        locator: str | None = None
        status: vm.Verification = vm.Verification.VERIFIED

    class Dose(Base):
        compound: str
        amount: Text = "not reported"
        frequency: Text | None = None
        route: Text = "not reported"

    class Phase(Base):
        id: str
        name: str
        doses: tuple[Dose, ...]
        duration: Text | None = None
        entry: str | None = None
        eligible: Num = None
        entered: Num = None
        evaluable: Num = None

    class Regimen(Base):
        doses: tuple[Dose, ...] = ()
        duration: Text | None = None
        phases: tuple[Phase, ...] = ()
        background: tuple[Dose, ...] = ()
        procedures: tuple[str, ...] = ()
        continuation: str | None = None
        total_duration: str | None = None

    class SexCounts(Base):
        female: Num = "not reported"
        male: Num = "not reported"

    class Arm(Base):
        id: str
        name: str
        role: vm.GroupRole
        regimen: Regimen | None = None
        size: Num = None
        sex: SexCounts | None = None
        description: str | None = None

    class Age(Base):
        measure: vm.SummaryMeasure
        value: str

    class Population(Base):
        description: str
        enrolled: Num = None
        evaluable: Num = None
        age: Age | str | None = None
        sex: SexCounts | None = None
        subtypes: tuple[str, ...] = ()
        risk_groups: tuple[str, ...] = ()

    class Level(Base):
        ocebm: int | None
        rationale: str
        certainty: vm.Certainty | None = None
        downgrades: tuple[str, ...] = ()
        question: str | None = None

    class Setting(Base):
        country: Text = "not reported"
        region: str | None = None
        multicentre: bool | None = None
        affiliation_country: Text = "not reported"

    class Outcome(Base):
        name: str
        kind: vm.OutcomeKind
        definition: str | None = None
        criteria: str | None = None
        timepoint: str | None = None
        site: str | None = None

    class Stat(Base, tag_field="kind"):
        pass

    class Proportion(Stat, tag="proportion"):
        events: int
        total: int
        counts: vm.CountKind = vm.CountKind.PARTICIPANTS
        reported_percent: float | None = None

    class Category(Base):
        label: str
        count: int

    class Breakdown(Stat, tag="breakdown"):
        categories: tuple[Category, ...]
        counts: vm.CountKind = vm.CountKind.EVENTS
        among: int | None = None

    class Count(Stat, tag="count"):
        value: int
        counts: vm.CountKind = vm.CountKind.PARTICIPANTS

    class Summary(Base):
        group: str
        measure: vm.SummaryMeasure
        value: str
        spread: str | None = None
        spread_kind: vm.Spread | None = None
        n: int | None = None

    class GroupSummaries(Stat, tag="group_summaries"):
        summaries: tuple[Summary, ...]
        p_value: float | str | None = None
        test: str | None = None

    class Effect(Stat, tag="effect"):
        measure: vm.EffectMeasure
        value: float
        low: float | None = None
        high: float | None = None
        level: float = 0.95
        p_value: float | str | None = None
        unit: str | None = None
        per: str | None = None
        approximate: bool = False

    class TimeToEvent(Stat, tag="time_to_event"):
        time: str
        event: str
        censored: bool

    class Narrative(Stat, tag="narrative"):
        summary: str

    Statistic = Union[  # noqa: UP007
        Proportion, Breakdown, Count, GroupSummaries, Effect, TimeToEvent, Narrative
    ]

    class Finding(Base):
        id: str
        outcome: Outcome
        indication: str
        statistic: Statistic  # type: ignore[valid-type]
        direction: vm.Direction
        provenance: tuple[Provenance, ...]
        group: str | None = None
        comparator: str | None = None
        subgroup: str | None = None
        compounds: tuple[str, ...] = ()
        basis: vm.Design | None = None
        certainty: vm.Certainty | None = None
        certainty_reasons: tuple[str, ...] = ()
        rests_on: tuple[str, ...] = ()
        caveats: tuple[str, ...] = ()
        notes: tuple[str, ...] = ()

    class AdverseEvent(Base):
        term: str
        participants: Num
        provenance: tuple[Provenance, ...]
        total: Num = None
        grade: Num = None
        group: str | None = None
        notes: tuple[str, ...] = ()

    class Study(Base):
        id: str
        title: str
        reports: tuple[str, ...]
        design: vm.Design
        indications: tuple[str, ...]
        population: Population
        level: Level
        setting: Setting | None = None
        arms: tuple[Arm, ...] = ()
        findings: tuple[Finding, ...] = ()
        adverse_events: tuple[AdverseEvent, ...] = ()
        limitations: tuple[str, ...] = ()
        notes: tuple[str, ...] = ()
        provenance: tuple[Provenance, ...] = ()

    class Dataset(Base):
        id: str
        version: str
        date: dt.date | None = None
        title: str | None = None
        description: str | None = None

    class Document(Base):
        vitk2: int
        dataset: Dataset | None = None
        compounds: tuple[Compound, ...] = ()
        indications: tuple[Indication, ...] = ()
        citations: tuple[Citation, ...] = ()
        studies: tuple[Study, ...] = ()

    return Document


def pydantic_schema(document: Any) -> Any:
    """The same schema as pydantic models (derived from the msgspec Structs), or None."""
    try:
        import msgspec
        import pydantic
    except ImportError:
        return None
    from typing import Annotated, Literal

    models: dict[type, Any] = {}
    config = pydantic.ConfigDict(extra="forbid", frozen=True)

    def convert(t: Any) -> Any:
        if isinstance(t, type) and issubclass(t, msgspec.Struct):
            return model(t)
        origin = typing.get_origin(t)
        if origin is tuple:
            (item, _) = typing.get_args(t)
            return tuple[convert(item), ...]  # type: ignore[misc]
        if origin in (Union, getattr(__import__("types"), "UnionType", Union)):
            args = tuple(convert(a) for a in typing.get_args(t))
            tagged = [
                a
                for a in typing.get_args(t)
                if getattr(a, "__struct_config__", None) and a.__struct_config__.tag is not None
            ]
            union = Union[args]  # type: ignore[valid-type]  # noqa: UP007
            if tagged and len(tagged) == len(args):
                return Annotated[union, pydantic.Field(discriminator="kind")]
            return union
        return t

    def model(cls: type) -> Any:
        if cls in models:
            return models[cls]
        fields: dict[str, Any] = {}
        tag = cls.__struct_config__.tag  # type: ignore[attr-defined]
        if tag is not None:
            fields["kind"] = (Literal[tag], ...)
        for f in msgspec.structs.fields(cls):
            default = ... if f.required else f.default
            fields[f.name] = (convert(f.type), default)
        out = pydantic.create_model(cls.__name__, __config__=config, **fields)
        models[cls] = out
        return out

    return model(document)


__all__ = ["msgspec_schema", "pydantic_schema"]

_ = enum  # the vocabularies are vitk2's enums
