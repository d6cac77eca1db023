"""The evidence-file schema as msgspec Structs and pydantic models, for comparison only.

These decode the same JSON as vitk2 into the libraries' own record types: references stay ids,
quantities stay text, a quote and a locator share one record type, and none of vitk2's
validators run (only types are checked). They show what the same data costs in time and
memory in those libraries; they are not a second implementation of vitk2.

The schema is written once below as plain annotated classes (:class:`Record`), and each
library's types are made from it: so either library can be measured without the other. Both
are optional (the ``benchmark`` extra): :func:`msgspec_schema` and :func:`pydantic_schema`
return None when theirs is not installed.
"""

# No ``from __future__ import annotations``: the annotations below are read at run time.
import datetime as dt
import inspect
import types
import typing
from typing import Any, Union

from vitk2 import _model as vm

TAG_FIELD = "kind"  # the field that tells the kinds of statistic apart


class Record:
    """A record type of the schema: its annotations are its fields, in order, and a class
    attribute of the same name is the field's default. ``tag`` names a kind of statistic."""

    tag: typing.ClassVar[str | None] = None

    def __init_subclass__(cls, tag: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.tag = tag


def fields(cls: type[Record]) -> list[tuple[str, Any, Any]]:
    """(name, type, default) of each field; the default is ``...`` for a required field."""
    own = inspect.get_annotations(cls)
    return [(name, t, cls.__dict__.get(name, ...)) for name, t in own.items() if name != "tag"]


class NR(Record):
    not_reported: str


Num = Union[int, str, NR, None]  # noqa: UP007 - msgspec reads unions at run time
Text = Union[str, NR]  # noqa: UP007


class Code(Record):
    system: vm.CodeSystem
    code: str
    status: vm.Verification = vm.Verification.VERIFIED
    note: str | None = None


class Compound(Record):
    id: str
    name: str
    compound_class: str
    family: str
    synonyms: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    codes: tuple[Code, ...] = ()
    notes: tuple[str, ...] = ()


class Indication(Record):
    id: str
    name: str
    category: vm.IndicationCategory
    synonyms: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    codes: tuple[Code, ...] = ()
    parent: str | None = None
    notes: tuple[str, ...] = ()


class Endpoint(Record):
    id: str
    name: str
    kind: vm.OutcomeKind
    better: vm.Better
    dimension: str | None = None
    synonyms: tuple[str, ...] = ()
    codes: tuple[Code, ...] = ()
    parent: str | None = None
    notes: tuple[str, ...] = ()


class Integrity(Record):
    status: vm.IntegrityStatus = vm.IntegrityStatus.NONE_KNOWN
    date: dt.date | None = None
    notice: str | None = None
    note: str | None = None


class Citation(Record):
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


class Provenance(Record):
    source: str
    text: str | None = None
    language: str = "en"
    locator: str | None = None
    status: vm.Verification = vm.Verification.VERIFIED


class Dose(Record):
    compound: str
    amount: Text = "not reported"
    frequency: Text | None = None
    route: Text = "not reported"


class Phase(Record):
    id: str
    name: str
    doses: tuple[Dose, ...]
    duration: Text | None = None
    entry: str | None = None
    eligible: Num = None
    entered: Num = None
    evaluable: Num = None


class Regimen(Record):
    doses: tuple[Dose, ...] = ()
    duration: Text | None = None
    phases: tuple[Phase, ...] = ()
    background: tuple[Dose, ...] = ()
    procedures: tuple[str, ...] = ()
    continuation: str | None = None
    total_duration: str | None = None


class SexCounts(Record):
    female: Num = "not reported"
    male: Num = "not reported"


class Arm(Record):
    id: str
    name: str
    role: vm.GroupRole
    regimen: Regimen | None = None
    size: Num = None
    sex: SexCounts | None = None
    description: str | None = None


class Age(Record):
    measure: vm.SummaryMeasure
    value: str


class Population(Record):
    description: str
    enrolled: Num = None
    evaluable: Num = None
    age: Age | str | None = None
    sex: SexCounts | None = None
    subtypes: tuple[str, ...] = ()
    risk_groups: tuple[str, ...] = ()


class Level(Record):
    ocebm: int | None
    rationale: str
    certainty: vm.Certainty | None = None
    downgrades: tuple[str, ...] = ()
    question: str | None = None


class Setting(Record):
    country: Text = "not reported"
    region: str | None = None
    multicentre: bool | None = None
    affiliation_country: Text = "not reported"


class Outcome(Record):
    name: str
    kind: vm.OutcomeKind
    definition: str | None = None
    criteria: str | None = None
    timepoint: str | None = None
    site: str | None = None
    endpoint: str | None = None


class Stat(Record):
    """A kind of statistic, told apart by its ``kind`` field."""


class Proportion(Stat, tag="proportion"):
    events: int
    total: int
    counts: vm.CountKind = vm.CountKind.PARTICIPANTS
    reported_percent: float | None = None


class Category(Record):
    label: str
    count: int


class Breakdown(Stat, tag="breakdown"):
    categories: tuple[Category, ...]
    counts: vm.CountKind = vm.CountKind.EVENTS
    among: int | None = None


class Count(Stat, tag="count"):
    value: int
    counts: vm.CountKind = vm.CountKind.PARTICIPANTS


class Summary(Record):
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
    reference: str | None = None
    adjusted: bool | None = None
    studies: int | None = None
    participants: int | None = None
    decimals: int | None = None


class ArmCount(Record):
    group: str
    events: int
    total: int
    reported_percent: float | None = None


class ArmCounts(Stat, tag="arm_counts"):
    arms: tuple[ArmCount, ...]
    counts: vm.CountKind = vm.CountKind.PARTICIPANTS
    p_value: float | str | None = None
    test: str | None = None


class TimeToEvent(Stat, tag="time_to_event"):
    time: str
    event: str
    censored: bool


class Narrative(Stat, tag="narrative"):
    summary: str


Statistic = Union[  # noqa: UP007
    Proportion, Breakdown, Count, GroupSummaries, Effect, ArmCounts, TimeToEvent, Narrative
]


class Comparator(Record):
    group: str | None = None
    kind: vm.ComparatorKind | None = None
    compounds: tuple[str, ...] = ()
    studies: int | None = None
    participants: int | None = None
    description: str | None = None


class Finding(Record):
    id: str
    outcome: Outcome
    indication: str
    statistic: Statistic  # type: ignore[valid-type]
    direction: vm.Direction
    provenance: tuple[Provenance, ...]
    group: str | None = None
    comparator: str | Comparator | None = None
    subgroup: str | None = None
    compounds: tuple[str, ...] = ()
    basis: vm.Design | None = None
    certainty: vm.Certainty | None = None
    certainty_reasons: tuple[str, ...] = ()
    rests_on: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class AdverseEvent(Record):
    term: str
    participants: Num
    provenance: tuple[Provenance, ...]
    total: Num = None
    grade: Num = None
    group: str | None = None
    notes: tuple[str, ...] = ()


class Study(Record):
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
    includes: tuple[str, ...] = ()


class Dataset(Record):
    id: str
    version: str
    date: dt.date | None = None
    title: str | None = None
    description: str | None = None


class Document(Record):
    vitk2: int
    dataset: Dataset | None = None
    compounds: tuple[Compound, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    indications: tuple[Indication, ...] = ()
    citations: tuple[Citation, ...] = ()
    studies: tuple[Study, ...] = ()


def _convert(t: Any, record: Any, tagged: Any = None) -> Any:
    """``t`` with every :class:`Record` in it replaced by ``record(cls)``."""
    if isinstance(t, type) and issubclass(t, Record):
        return record(t)
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin is tuple:
        return tuple[_convert(args[0], record, tagged), ...]  # type: ignore[misc]
    if origin in (Union, types.UnionType):
        union = Union[tuple(_convert(a, record, tagged) for a in args)]  # noqa: UP007
        if tagged is not None and all(
            isinstance(a, type) and issubclass(a, Record) and a.tag for a in args
        ):
            return tagged(union)
        return union
    return t


def msgspec_schema() -> Any:
    """The document type for ``msgspec.json.Decoder(...)``, or None without msgspec."""
    try:
        import msgspec
    except ImportError:
        return None
    made: dict[type, Any] = {}

    def struct(cls: type[Record]) -> Any:
        if cls not in made:
            made[cls] = msgspec.defstruct(
                cls.__name__,
                [
                    (name, _convert(t, struct))
                    if default is ...
                    else (name, _convert(t, struct), default)
                    for name, t, default in fields(cls)
                ],
                frozen=True,
                forbid_unknown_fields=True,
                kw_only=True,
                tag=cls.tag,
                tag_field=TAG_FIELD if cls.tag else None,
            )
        return made[cls]

    return struct(Document)


def pydantic_schema() -> Any:
    """The document model for ``Model.model_validate_json(...)``, or None without pydantic."""
    try:
        import pydantic
    except ImportError:
        return None
    from typing import Annotated, Literal

    made: dict[type, Any] = {}
    config = pydantic.ConfigDict(extra="forbid", frozen=True)

    def tagged(union: Any) -> Any:
        return Annotated[union, pydantic.Field(discriminator=TAG_FIELD)]

    def model(cls: type[Record]) -> Any:
        if cls not in made:
            spec: dict[str, Any] = {}
            if cls.tag is not None:
                spec[TAG_FIELD] = (Literal[cls.tag], ...)
            for name, t, default in fields(cls):
                spec[name] = (_convert(t, model, tagged), default)
            made[cls] = pydantic.create_model(cls.__name__, __config__=config, **spec)
        return made[cls]

    return model(Document)


__all__ = ["Document", "Record", "msgspec_schema", "pydantic_schema"]
