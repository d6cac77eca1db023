"""The JSON Schema of the evidence-file format: derived, current, and right about what is valid.

Valid documents (the bundled data, every bundled YAML module as written, generated bases)
validate; documents broken in shape (an unknown field, a wrong type, a missing field, a bad
enum value or quantity) do not. What only the loader can check (events <= total, dangling ids)
is out of the schema's reach by design.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._errors import ValidationError
from vitk2._io import to_data
from vitk2._parse import parse_bytes

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "vitk2" / "data"
HOSTILE = Path(__file__).resolve().parent / "hostile"
generated = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Loader messages of problems that need more than the shape of a document to see: the schema
# is not expected to catch these.
SEMANTIC = re.compile(
    r"must be <=|unknown \w+ id|duplicate|circular|is not a (?:group|report)|check digit"
    r"|real date|finite number|decimal point|itself invalid"
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return vitk2.json_schema()


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def bundled() -> dict[str, Any]:
    data = to_data(vitk2.load())
    assert isinstance(data, dict)
    return data


def as_json(value: Any) -> Any:
    """What an editor sees of parsed YAML: dates are text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def errors(validator: Any, document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


# --------------------------------------------------------------------------------------------
# The schema itself


def test_the_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_is_plain_json(schema: dict[str, Any]) -> None:
    assert json.loads(json.dumps(schema)) == schema


def test_each_call_returns_a_fresh_copy() -> None:
    first = vitk2.json_schema()
    first["$defs"].clear()
    assert vitk2.json_schema()["$defs"]


def test_every_record_class_has_a_definition(schema: dict[str, Any]) -> None:
    scalars = {m.NotReported, m.Frequency, m.PValue}  # written as text or numbers
    classes = {
        getattr(m, name)
        for name in m.__all__
        if isinstance(getattr(m, name), type) and attrs.has(getattr(m, name))
    }
    for cls in classes - scalars:
        definition = schema["$defs"][cls.__name__]
        tag = {"kind"} if cls in m.STATISTIC_KINDS.values() else set()  # the statistic's tag
        fields = {a.name for a in attrs.fields(cls)}
        assert set(definition["properties"]) == fields | tag, cls
        required = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
        assert set(definition["required"]) == required | tag, cls
        assert definition["additionalProperties"] is False


def test_enums_list_their_values(schema: dict[str, Any]) -> None:
    for cls in (m.Design, m.Direction, m.Certainty, m.Route, m.EffectMeasure, m.CodeSystem):
        assert schema["$defs"][cls.__name__]["enum"] == [e.value for e in cls]


def test_statistics_are_told_apart_by_kind(schema: dict[str, Any]) -> None:
    branches = schema["$defs"]["Finding"]["properties"]["statistic"]["oneOf"]
    kinds = [
        schema["$defs"][b["$ref"].rsplit("/", 1)[1]]["properties"]["kind"]["const"]
        for b in branches
    ]
    assert sorted(kinds) == sorted(m.STATISTIC_KINDS)


def test_the_published_file_is_current(schema: dict[str, Any]) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_schema", ROOT / "tasks" / "build_schema.py"
    )
    assert spec is not None
    assert spec.loader is not None
    task = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(task)
    published = (ROOT / "docs" / "evidence.schema.json").read_text(encoding="utf-8")
    assert published == task.render(), "stale: run python tasks/build_schema.py"
    assert json.loads(published) == schema


# --------------------------------------------------------------------------------------------
# Valid documents validate


def test_the_bundled_data_validates(validator: Any, bundled: dict[str, Any]) -> None:
    assert errors(validator, bundled) == []


@pytest.mark.parametrize(
    "path",
    sorted(DATA.glob("*.yaml")) + sorted((DATA / "beyond").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_each_bundled_module_validates_as_written(validator: Any, path: Path) -> None:
    data = parse_bytes(path.read_bytes(), "yaml", path.name)
    assert errors(validator, as_json(data)) == []


@generated
@given(vt.evidence_bases())
def test_generated_documents_validate(validator: Any, base: vitk2.EvidenceBase) -> None:
    assert errors(validator, to_data(base)) == []


@generated
@given(vt.statistics())
def test_generated_statistics_validate(schema: dict[str, Any], statistic: m.Statistic) -> None:
    definition = {"$defs": schema["$defs"], **schema["$defs"][type(statistic).__name__]}
    assert errors(jsonschema.Draft202012Validator(definition), to_data(statistic)) == []


@given(vt.quantities())
def test_quantities_as_written_match_the_pattern(schema: dict[str, Any], q: vitk2.Quantity) -> None:
    (text_form, _) = schema["$defs"]["Summary"]["properties"]["value"]["oneOf"]
    assert re.search(text_form["pattern"], to_quantity_text(q))


def to_quantity_text(q: vitk2.Quantity) -> str:
    from vitk2._convert import _unstructure_quantity

    return _unstructure_quantity(q)


@given(
    st.one_of(
        vt.p_values().filter(lambda p: p.sided == 2).map(str),  # one-sided ones are mappings
        st.sampled_from(["p=0.037", "≤0.05", " < 0.001 ", ".5", "0.060", "< 1e-10"]),
    )
)
def test_p_values_as_written_match_the_pattern(schema: dict[str, Any], text: str) -> None:
    (_, text_form, _) = schema["$defs"]["Effect"]["properties"]["p_value"]["oneOf"][0]["oneOf"]
    m.PValue.parse(text)  # the loader reads it ...
    assert re.search(text_form["pattern"], text)  # ... and the schema accepts it


# --------------------------------------------------------------------------------------------
# Documents broken in shape fail


def _study(d: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in d["studies"] if s.get("arms") and s.get("findings"))


def _finding(d: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(
        f for s in d["studies"] for f in s.get("findings", []) if f["statistic"]["kind"] == kind
    )


def _dose(d: dict[str, Any]) -> dict[str, Any]:
    return next(
        dose
        for s in d["studies"]
        for a in s.get("arms", [])
        for dose in a.get("regimen", {}).get("doses", [])
        if isinstance(dose.get("amount"), str) and dose["amount"] != "not reported"
    )


BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown top-level field": lambda d: d.update(compound=[]),
    "unknown field": lambda d: d["compounds"][0].update(colour="orange"),
    "unknown field in a statistic": lambda d: _finding(d, "proportion")["statistic"].update(
        percent=17
    ),
    "missing required field": lambda d: d["compounds"][0].pop("family"),
    "missing statistic kind": lambda d: _finding(d, "proportion")["statistic"].pop("kind"),
    "unknown statistic kind": lambda d: _finding(d, "proportion")["statistic"].update(
        kind="proportions"
    ),
    "wrong type: count as text": lambda d: _finding(d, "proportion")["statistic"].update(
        events="5"
    ),
    "wrong type: count as float": lambda d: _finding(d, "proportion")["statistic"].update(
        total=5.5
    ),
    "wrong type: flag as text": lambda d: d["citations"][0].update(curated="no"),
    "wrong type: list as text": lambda d: _study(d).update(arms="vk2"),
    "negative count": lambda d: _finding(d, "proportion")["statistic"].update(events=-1),
    "bad enum": lambda d: _study(d).update(design="rct"),
    "bad enum in a list": lambda d: d["indications"][0].update(category="bones"),
    "bad quantity string": lambda d: _dose(d).update(amount="45 mgg/day"),
    "quantity without a unit": lambda d: _dose(d).update(amount="45"),
    "quantity of the wrong dimension": lambda d: _dose(d).update(amount="16 week"),
    "bad p-value": lambda d: _finding(d, "effect")["statistic"].update(p_value="p is small"),
    "p-value above 1": lambda d: _finding(d, "effect")["statistic"].update(p_value=1.5),
    "bad date": lambda d: d["dataset"].update(date="22 Nov 2026"),
    "bad id": lambda d: d["compounds"][0].update(id="Menatetrenone"),
    "bad DOI": lambda d: next(c for c in d["citations"] if "doi" in c).update(doi="doi:10.1/x"),
    "code of the wrong shape for its system": lambda d: d["compounds"][0]["codes"][0].update(
        code="CID5282367"
    ),
    "not reported where it is not allowed": lambda d: _finding(d, "proportion")["statistic"].update(
        events="not reported"
    ),
    "null where it is not allowed": lambda d: _study(d).update(title=None),
    "malformed not-reported note": lambda d: d["citations"][0].update(
        title={"not_reported": "x", "why": "y"}
    ),
    "reference as a record": lambda d: _dose(d).update(compound={"id": "menatetrenone"}),
    "wrong format version": lambda d: d.update(vitk2=3),
    "top level a list": lambda d: None,  # replaced below
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_documents_broken_in_shape_fail(validator: Any, bundled: dict[str, Any], name: str) -> None:
    document: Any = copy.deepcopy(bundled)
    if name == "top level a list":
        document = [document]
    else:
        BREAKAGES[name](document)
    assert errors(validator, document), f"the schema accepted a document with a {name}"
    with pytest.raises(ValidationError):  # and the loader agrees it is broken
        vitk2._io.from_data(document)


def test_hostile_files_broken_in_shape_fail(validator: Any) -> None:
    """Each file of tests/hostile that parses and is broken in shape fails the schema.

    Files the hardened parser refuses (duplicate keys, alias bombs, bad encodings) never reach
    a schema; files whose only fault needs the whole document (see SEMANTIC) pass it by design.
    """
    expected = HOSTILE / "EXPECTED.yaml"
    if not expected.exists():
        pytest.skip("tests/hostile/EXPECTED.yaml is not there")
    table = yaml.safe_load(expected.read_text(encoding="utf-8")) or {}
    checked, accepted = [], []
    for name, entry in sorted(table.items()):
        path = HOSTILE / name
        if not path.exists():
            continue  # generated at run time by tests/test_hostile.py
        fmt = "json" if name.endswith(".json") else "yaml"
        try:
            data = parse_bytes(path.read_bytes(), fmt, name)
        except ValidationError:
            continue
        if SEMANTIC.search(str(entry.get("message", ""))):
            continue
        checked.append(name)
        if not errors(validator, as_json(data)):
            accepted.append(f"{name} ({entry.get('message')})")
    assert checked, "no hostile file is broken in shape only"
    assert accepted == [], "the schema accepted files broken in shape"


def _model_classes() -> list[type]:
    return [
        c
        for c in vars(m).values()
        if isinstance(c, type) and attrs.has(c) and c.__module__ == m.__name__
    ]


def test_the_schema_reads_composed_validators_through_public_attributes() -> None:
    from vitk2 import _schema

    count = m._count(positive=True)
    composed = m._all(m._is_id, m._optional(m._all(m._finite, count)))
    assert list(_schema._validators(composed)) == [m._is_id, m._finite, count]
    for hidden in (attrs.validators.and_(m._is_id), attrs.validators.optional(m._is_id)):
        with pytest.raises(TypeError, match="hides its parts"):
            list(_schema._validators(hidden))


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda c: c.__name__)
def test_no_field_hides_its_validators_in_attrs_combinators(cls: type) -> None:
    from vitk2 import _schema

    for a in attrs.fields(cls):
        list(_schema._validators(a.validator))  # raises for attrs' and_ or optional
