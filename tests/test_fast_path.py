"""Laws of the loading fast path: it changes speed, never results, errors or the collector.

The fast converter is tried first on every record and the detailed converter only when it
fails; these tests state that the two accept exactly the same records as equal objects, that
errors are the detailed converter's, and that no call of vitk2 switches the garbage collector
on or off: a library leaves the process's state to the program.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import json
import random
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import _bundled, _io, _parse
from vitk2 import _model as m
from vitk2 import testing as vt
from vitk2._convert import Registry, registry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate  # type: ignore[import-not-found]  # the benchmarks' deterministic synthetic evidence

KINDS = (("compounds", m.Compound), ("indications", m.Indication), ("citations", m.Citation))


def _document() -> dict[str, Any]:
    doc: dict[str, Any] = generate.generate(40, seed=7)
    return doc


def _registry(doc: dict[str, Any]) -> Registry:
    base = vitk2.loads(json.dumps(doc), "json")
    reg = Registry()
    reg.compounds.update((c.id, c) for c in base.compounds)
    reg.indications.update((i.id, i) for i in base.indications)
    reg.endpoints.update((e.id, e) for e in base.endpoints)
    reg.citations.update((c.id, c) for c in base.citations)
    return reg


def _both(data: Any, cls: type) -> tuple[Any, Any]:
    """What each converter makes of ``data``: the object, or the exception's type."""
    out: list[Any] = []
    for conv in (_io.fast_converter(), _io.converter()):
        try:
            out.append(conv.structure(copy.deepcopy(data), cls))
        except Exception as exc:  # the law is about whether they fail
            out.append(type(exc))
    return out[0], out[1]


def test_the_fast_converter_makes_the_objects_the_detailed_one_makes() -> None:
    doc = _document()
    with registry(_registry(doc)):
        for key, cls in (*KINDS, ("studies", m.Study)):
            for record in doc[key]:
                fast, detailed = _both(record, cls)
                assert not isinstance(detailed, type), detailed
                assert fast == detailed


def test_the_bundled_data_structures_the_same_both_ways() -> None:
    data = _bundled.bundled_data()
    base = vitk2.load()
    with registry(_registry_of(base)):
        for key, cls in (*KINDS, ("studies", m.Study)):
            for record in data[key]:
                fast, detailed = _both(record, cls)
                assert not isinstance(detailed, type), detailed
                assert fast == detailed


def _registry_of(base: vitk2.EvidenceBase) -> Registry:
    reg = Registry()
    reg.compounds.update((c.id, c) for c in base.compounds)
    reg.indications.update((i.id, i) for i in base.indications)
    reg.endpoints.update((e.id, e) for e in base.endpoints)
    reg.citations.update((c.id, c) for c in base.citations)
    return reg


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vt.evidence_bases())
def test_generated_records_structure_the_same_both_ways(base: vitk2.EvidenceBase) -> None:
    data = _io.to_data(base)
    with registry(_registry_of(base)):
        for key, cls in (*KINDS, ("endpoints", m.Endpoint), ("studies", m.Study)):
            for record, original in zip(data.get(key, []), getattr(base, key), strict=True):
                fast, detailed = _both(record, cls)
                assert not isinstance(detailed, type), detailed
                assert fast == detailed == original


_BAD_VALUES: tuple[Any, ...] = (
    None,
    "",
    " ",
    "not reported",
    {"not_reported": "x"},
    1.5,
    7,
    -1,
    True,
    [],
    {},
    ["x"],
    "45 mg/day",
    "mgg",
    "2023-02-30",
    {"value": 1, "unit": "mg"},
    "compound-999",
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


def _mutated(record: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = copy.deepcopy(record)
    paths = [p for p in _paths(out) if p]
    path = rng.choice(paths)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = rng.randrange(4)
    if action == 0 and isinstance(parent, dict):
        del parent[last]  # a missing field
    elif action == 1 and isinstance(parent, dict):
        parent[rng.choice(("extra", "Id", "kindd", "vitk2"))] = 1  # an unknown field
    else:
        parent[last] = rng.choice(_BAD_VALUES)  # a wrong value, or a right one elsewhere
    return out


def test_a_record_fails_fast_exactly_when_it_fails_in_detail() -> None:
    doc = _document()
    rng = random.Random(2026)
    failures = 0
    with registry(_registry(doc)):
        for _ in range(600):
            key, cls = rng.choice((*KINDS, ("studies", m.Study), ("studies", m.Study)))
            record = _mutated(rng.choice(doc[key]), rng)
            fast, detailed = _both(record, cls)
            assert isinstance(fast, type) == isinstance(detailed, type), (record, fast, detailed)
            if isinstance(fast, type):
                failures += 1
            else:
                assert fast == detailed
    assert failures > 100  # the mutations do break records


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vt.evidence_bases().filter(lambda b: any(s.findings for s in b.studies)), st.randoms())
def test_a_generated_record_fails_fast_exactly_when_it_fails_in_detail(
    base: vitk2.EvidenceBase, rng: random.Random
) -> None:
    data = _io.to_data(base)
    records = [(r, cls) for key, cls in (*KINDS, ("studies", m.Study)) for r in data.get(key, [])]
    with registry(_registry_of(base)):
        for _ in range(20):
            record, cls = rng.choice(records)
            mutated = _mutated(record, rng)
            fast, detailed = _both(mutated, cls)
            assert isinstance(fast, type) == isinstance(detailed, type), (mutated, fast, detailed)
            if not isinstance(fast, type):
                assert fast == detailed


def test_a_bad_record_is_reported_by_the_detailed_converter() -> None:
    doc = _document()
    doc["studies"][3]["arms"][0]["size"] = "12"
    doc["studies"][5]["findings"][0]["direction"] = "benefitt"
    with pytest.raises(vitk2.ValidationError) as err:
        vitk2.loads(json.dumps(doc), "json", file="doc.json")
    paths = [p.path for p in err.value.problems]
    assert paths == ["studies[3].arms[0].size", "studies[5].findings[0].direction"]
    assert "did you mean 'benefit'" in err.value.problems[1].message


def test_interned_and_shared_values_do_not_change_records() -> None:
    doc = _document()
    base = vitk2.loads(json.dumps(doc), "json")
    again = vitk2.loads(vitk2.dump(base, "json"), "json")
    assert again == base
    assert vitk2.loads(vitk2.dump(base)) == base


# -- the garbage collector: vitk2 leaves it alone -------------------------------------------

_BROKEN: tuple[tuple[str, Literal["yaml", "json"]], ...] = (
    ('{"vitk2": 2, "studies": [{"id": "x"}]}', "json"),  # invalid evidence
    ('{"vitk2": 2, "studies": [', "json"),  # invalid JSON
    ('{"vitk2": 3}', "json"),  # wrong version
    ("vitk2: 2\nstudies: [{id: x}]\n", "yaml"),  # invalid evidence
    ("vitk2: 2\nstudies: [\n", "yaml"),  # invalid YAML
)


def _every_kind_of_call(tmp_path: Path) -> None:
    """Load, query, compare, hash and dump, with valid and invalid input."""
    base = _bundled.load()  # a real load: the caller has emptied the cache
    assert vitk2.load() is base
    text = vitk2.dump(base, "json")
    loaded = vitk2.loads(text, "json")
    assert vitk2.loads(vitk2.dump(loaded, "yaml"), "yaml") == loaded
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    assert vitk2.load_file(path) == loaded
    for broken, format in _BROKEN:
        with pytest.raises(vitk2.ValidationError):
            vitk2.loads(broken, format)
    with pytest.raises(vitk2.ValidationError):
        _io.from_data({"vitk2": 2, "studies": [{}]}, file="x")
    for b in (base, loaded):
        indication = b.studies[0].findings[0].indication.id
        b.filter(indication=indication)
        b.filter(indication=indication, design=["randomised_controlled_trial", "cohort"])
        b.compare(indication)
        b.compare_regimens(indication)
        b.overview()
        assert len(b.content_hash) == 64
        vitk2.dump(b, "json")
    with pytest.raises(vitk2.UnknownNameError):
        base.filter(compound="no such compound")


@pytest.mark.parametrize("enabled", [True, False], ids=["collector on", "collector off"])
def test_no_call_switches_the_collector(
    enabled: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_bundled, "_cache", None)
    was = gc.isenabled()
    try:
        if enabled:
            gc.enable()
        else:
            gc.disable()
        with (
            mock.patch("gc.disable", wraps=gc.disable) as disable,
            mock.patch("gc.enable", wraps=gc.enable) as enable,
            mock.patch("gc.freeze", wraps=gc.freeze) as freeze,
        ):
            _every_kind_of_call(tmp_path)
            assert gc.isenabled() is enabled
        assert disable.call_count == enable.call_count == freeze.call_count == 0
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_a_failing_bundled_load_leaves_the_collector_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_bundled, "bundled_data", lambda: {"vitk2": 2, "studies": [{}]})
    was = gc.isenabled()
    with (
        mock.patch("gc.disable", wraps=gc.disable) as disable,
        pytest.raises(vitk2.ValidationError),
    ):
        _bundled._load_uncached()
    assert not disable.called
    assert gc.isenabled() is was


# -- the JSON walk: a fast check first, the located one only when it fails ------------------

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=40,
)


def _limits(**small: int) -> _parse.Limits:
    limits = _parse.Limits()
    for name, value in small.items():
        setattr(limits, name, value)
    return limits


@settings(max_examples=400, deadline=None)
@given(
    _json_values,
    st.builds(
        _limits,
        max_depth=st.integers(0, 6),
        max_nodes=st.integers(1, 60),
        max_string=st.integers(0, 12),
    ),
)
def test_the_fast_json_walk_agrees_with_the_located_one(
    data: object, limits: _parse.Limits
) -> None:
    try:
        _parse._check_tree(data, "f.json", limits)
        located_ok = True
    except vitk2.ValidationError:
        located_ok = False
    assert _parse._within_limits(data, limits) is located_ok


def test_json_problems_are_still_located() -> None:
    limits = _limits(max_string=5)
    text = json.dumps({"studies": [{"id": "a"}, {"id": "abcdefgh"}]})
    with pytest.raises(vitk2.ValidationError) as err:
        _parse.parse_text(text, "json", "f.json", limits)
    (problem,) = err.value.problems
    assert problem.path == "studies[1].id"
    assert "8 characters exceeds the limit of 5" in problem.message


# -- JSON documents read record by record: the same bases, the same errors -------------------


@pytest.fixture(params=["msgspec", "standard library"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each test runs with msgspec (where installed) and with it hidden, as if not installed."""
    if request.param == "msgspec":
        pytest.importorskip("msgspec")
    else:
        monkeypatch.setitem(sys.modules, "msgspec", None)  # import msgspec raises ImportError
    _parse.accelerator.cache_clear()
    yield request.param
    _parse.accelerator.cache_clear()


def _standard(text: bytes, file: str = "doc.json") -> Any:
    """What the standard path makes of ``text``: the base, or the error's problems."""
    with mock.patch.object(_io, "_fast_document", side_effect=_parse.Unsure):
        return _outcome(text, file)


def _outcome(text: bytes, file: str = "doc.json") -> Any:
    try:
        return vitk2.loads(text, "json", file=file)
    except vitk2.ValidationError as err:
        return err.problems


def test_the_accelerator_is_found_or_hidden(decoder: str) -> None:
    assert (_parse.accelerator() is not None) is (decoder == "msgspec")


def test_a_valid_document_is_read_without_the_standard_parser(decoder: str, tmp_path: Path) -> None:
    doc = _document()
    text = json.dumps(doc).encode()
    expected = _standard(text)
    path = tmp_path / "doc.json"
    path.write_bytes(text)
    with mock.patch.object(_io, "parse_bytes", side_effect=AssertionError("standard path")):
        base = vitk2.load_file(path)
    assert base == expected
    assert base.content_hash == expected.content_hash


def test_the_bundled_data_reads_the_same_record_by_record(decoder: str) -> None:
    text = vitk2.dump(vitk2.load(), "json").encode()
    with mock.patch.object(_io, "parse_bytes", side_effect=AssertionError("standard path")):
        base = vitk2.loads(text, "json")
    assert base == vitk2.load()
    assert base.content_hash == vitk2.load().content_hash


def _hostile() -> list[tuple[str, bytes]]:
    doc = _document()
    good = json.dumps(doc)
    study = json.dumps(doc["studies"][0])

    def with_study(text: str) -> bytes:
        return good.replace(study, text, 1).encode()

    deep = "[" * 70 + "]" * 70
    return [
        ("duplicate top key", good.replace('{"vitk2": 2,', '{"vitk2": 2, "vitk2": 2,', 1).encode()),
        ("duplicate record key", with_study(study.replace('{"id": ', '{"id": "x", "id": ', 1))),
        ("duplicate nested key", good.replace('"name": ', '"name": "x", "name": ', 1).encode()),
        ("colon in a key", with_study(study[:-1] + ', "a:b": 1}')),
        ("escaped colon", with_study(study[:-1] + ', "note\\u003a": 1}')),
        (
            "escaped colon in a value",
            with_study(study.replace('"title": "', '"title": "\\u003a', 1)),
        ),
        ("NaN", with_study(study[:-1] + ', "x": NaN}')),
        ("1e400", good.replace('"vitk2": 2', '"vitk2": 1e400', 1).encode()),
        ("huge count", good.replace('"size": ', '"size": ' + "9" * 4301 + ', "_": ', 1).encode()),
        ("long count", good.replace('"size": ', '"size": ' + "9" * 40 + ', "_": ', 1).encode()),
        ("lone surrogate", with_study(study.replace('"title": "', '"title": "\\ud800', 1))),
        ("surrogate pair", with_study(study.replace('"title": "', '"title": "\\ud83d\\ude00', 1))),
        ("long string", with_study(study.replace('"title": "', '"title": "' + "x" * 100_001, 1))),
        ("deep record", with_study(study[:-1] + f', "x": {deep}}}')),
        ("deep dataset", good.replace('{"vitk2": 2,', f'{{"vitk2": 2, "x": {deep},', 1).encode()),
        ("long list", with_study(study.replace('"notes": [', '"notes": [' + '"n", ' * 10_001, 1))),
        ("BOM", b"\xef\xbb\xbf" + good.encode()),
        ("UTF-16 BOM", b"\xff\xfe" + good.encode("utf-16-le")),
        (
            "bad UTF-8",
            good.replace('"title": "', '"title": "\udcff', 1).encode("utf-8", "surrogateescape"),
        ),
        ("trailing data", good.encode() + b" x"),
        ("trailing comma", good.replace("]}", "],}", 1).encode()),
        ("a list", b"[" + good.encode() + b"]"),
        ("empty", b""),
        ("spaces", b"  \n"),
        ("null", b"null"),
        ("unknown key", good.replace('{"vitk2": 2,', '{"vitk2": 2, "extra": [],', 1).encode()),
        ("format 1", good.replace('"vitk2": 2', '"vitk2": 1', 1).encode()),
        ("format 3", good.replace('"vitk2": 2', '"vitk2": 3', 1).encode()),
        ("format true", good.replace('"vitk2": 2', '"vitk2": true', 1).encode()),
        ("studies null", json.dumps({**doc, "studies": None}).encode()),
        ("studies text", json.dumps({**doc, "studies": "x"}).encode()),
        ("dataset list", json.dumps({**doc, "dataset": []}).encode()),
        ("bad record", with_study(study.replace('"id": "', '"id": "Not An Id ', 1))),
        (
            "duplicate ids",
            json.dumps({**doc, "studies": doc["studies"] + doc["studies"][:1]}).encode(),
        ),
        ("dangling reference", good.replace('"indication-0', '"indication-x', 1).encode()),
        ("int as text", with_study(study.replace('"size": ', '"size": "1", "_": ', 1))),
    ]


@pytest.mark.parametrize("case", range(len(_hostile())), ids=[n for n, _ in _hostile()])
def test_a_document_reads_or_fails_exactly_as_on_the_standard_path(decoder: str, case: int) -> None:
    _name, text = _hostile()[case]
    with _warnings_kept() as fast_warnings:
        fast = _outcome(text)
    with _warnings_kept() as standard_warnings:
        standard = _standard(text)
    assert fast == standard
    assert fast_warnings == standard_warnings


@contextlib.contextmanager
def _warnings_kept() -> Iterator[list[str]]:
    """The messages of the warnings raised in the block."""
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield messages
    messages.extend(str(w.message) for w in caught)


def test_mutated_documents_read_or_fail_exactly_as_on_the_standard_path(decoder: str) -> None:
    doc = _document()
    rng = random.Random(22)
    for _ in range(60):
        key = rng.choice(("compounds", "indications", "citations", "studies", "studies"))
        mutated = copy.deepcopy(doc)
        i = rng.randrange(len(mutated[key]))
        mutated[key][i] = _mutated(mutated[key][i], rng)
        text = json.dumps(mutated).encode()
        assert _outcome(text) == _standard(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.integers(), max_size=20))
def test_numbers_decode_as_the_standard_library_decodes_them(numbers: list[float]) -> None:
    fast = _parse.accelerator()
    if fast is None:  # pragma: no cover - msgspec is not installed
        return
    text = json.dumps(numbers).encode()
    decoded = fast[2].decode(text)
    assert [(type(x), repr(x)) for x in decoded] == [(type(x), repr(x)) for x in json.loads(text)]


def test_a_statistics_parts_are_structured_by_the_fast_hooks() -> None:
    """A statistic's nested records (a group summary's items) get the generated fast hooks.

    Each kind's hook is made on first use: made while the fast converter was still being
    built, the items would get cattrs' own hook, slower and with a different failure.
    """
    statistic = _io.fast_converter().get_structure_hook(m.Statistic)
    for kind in m.STATISTIC_KINDS:
        with contextlib.suppress(Exception):  # no fields: refused, after the hook is made
            statistic({"kind": kind}, m.Statistic)
    cells = [c.cell_contents for c in statistic.__closure__ or ()]
    hooks = next(c for c in cells if isinstance(c, dict))
    assert set(hooks) == set(m.STATISTIC_KINDS)
    made = [
        code.co_filename
        for hook in hooks.values()
        for value in [hook, *hook.__globals__.values()]
        if (code := getattr(value, "__code__", None)) is not None
        and "structure" in code.co_filename
    ]
    assert any("Summary" in name for name in made), made  # a group summary holds Summary items
    assert all(name.startswith("<vitk2 fast structure ") for name in made), made
