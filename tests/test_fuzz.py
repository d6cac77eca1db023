"""Fuzzing: whatever a file or a query holds, only a Vitk2Error comes out.

File content must always give a :class:`vitk2.Vitk2Error` (a ValidationError), never a
TypeError, KeyError, RecursionError or anything else from inside. Query values reach
:meth:`vitk2.EvidenceBase.filter` from programs, and must give a Vitk2Error too
(``CriteriaError`` or ``UnknownNameError``). Nothing may be written outside ``tmp_path``.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import vitk2
from test_hostile import TEMPLATE
from vitk2 import testing as vt
from vitk2._io import from_data, to_data

FUZZ = settings(
    max_examples=200,  # per test unless it says otherwise; docs/reliability.md has the totals
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
SRC = str(Path(vitk2.__file__).resolve().parent.parent)
IGNORED = {".git", ".hypothesis", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def _listing(root: Path) -> set[str]:
    out: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in IGNORED]
        out.update(os.path.relpath(os.path.join(dirpath, f), root) for f in filenames)
        out.update(os.path.relpath(os.path.join(dirpath, d), root) + "/" for d in dirnames)
    return out


@pytest.fixture(autouse=True, scope="module")
def _nothing_written_to_the_working_directory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Run in an empty working directory that must stay empty: vitk2 writes nowhere."""
    cwd = tmp_path_factory.mktemp("cwd")
    old = Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old)
    assert _listing(cwd) == set()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for fuzzed files (module-scoped: hypothesis reruns the test body)."""
    return tmp_path_factory.mktemp("fuzz")


def _only_vitk2_errors(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call; return the result or the Vitk2Error raised (anything else propagates)."""
    try:
        result = call(*args, **kwargs)
    except vitk2.Vitk2Error as err:
        result = err
    if isinstance(result, vitk2.ValidationError):
        assert result.problems
        assert all(p.message for p in result.problems)
    return result


# --------------------------------------------------------------------------------------------
# Text and bytes


def _mutations(text: str) -> st.SearchStrategy[str]:
    """``text`` with a few slices deleted, duplicated or replaced by arbitrary text."""

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        out = text
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(out)))
            j = draw(st.integers(i, min(len(out), i + 40)))
            how = draw(st.sampled_from(["delete", "duplicate", "replace", "insert"]))
            if how == "delete":
                out = out[:i] + out[j:]
            elif how == "duplicate":
                out = out[:j] + out[i:j] + out[j:]
            else:
                piece = draw(
                    st.one_of(
                        st.text(max_size=12),
                        st.sampled_from(
                            [
                                ": ",
                                "- ",
                                "[",
                                "]",
                                "{",
                                "}",
                                "&a ",
                                "*a",
                                "!!str ",
                                "~",
                                "\t",
                                "'",
                                '"',
                                "\n  ",
                                "-1",
                                "1e400",
                                ".nan",
                                "null",
                                "not reported",
                                "9" * 30,
                                "2023-02-30",
                                "<<: *a",
                                "? ",
                                "|",
                                ">-",
                                "#",
                            ]
                        ),
                    )
                )
                out = out[:i] + piece + (out[j:] if how == "replace" else out[i:])
        return out

    return mutate()


@settings(FUZZ, max_examples=500)
@given(st.text())
def test_arbitrary_text_as_yaml_raises_only_vitk2_errors(text: str) -> None:
    _only_vitk2_errors(vitk2.loads, text, "yaml")


@settings(FUZZ, max_examples=500)
@given(st.text())
def test_arbitrary_text_as_json_raises_only_vitk2_errors(text: str) -> None:
    _only_vitk2_errors(vitk2.loads, text, "json")


@settings(FUZZ, max_examples=500)
@given(_mutations(TEMPLATE))
def test_a_mutated_yaml_file_raises_only_vitk2_errors(text: str) -> None:
    _only_vitk2_errors(vitk2.loads, text, "yaml")


_TEMPLATE_JSON = vitk2.dump(vitk2.loads(TEMPLATE), "json")


@settings(FUZZ, max_examples=500)
@given(_mutations(_TEMPLATE_JSON))
def test_a_mutated_json_file_raises_only_vitk2_errors(text: str) -> None:
    _only_vitk2_errors(vitk2.loads, text, "json")


@FUZZ
@given(
    data=st.one_of(
        st.binary(),
        _mutations(TEMPLATE).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.binary().map(lambda b: b"\xef\xbb\xbf" + b),
    ),
    suffix=st.sampled_from([".yaml", ".json", ".yml"]),
)
def test_arbitrary_bytes_in_a_file_raise_only_vitk2_errors(
    data: bytes, suffix: str, scratch: Path
) -> None:
    path = scratch / f"fuzzed{suffix}"
    path.write_bytes(data)
    result = _only_vitk2_errors(vitk2.load_file, path)
    if isinstance(result, vitk2.ValidationError):
        assert all(p.file == str(path) for p in result.problems)


# --------------------------------------------------------------------------------------------
# Plain data

_FIELD_NAMES = sorted(
    {
        a.name
        for cls in vt._STRATEGIES
        if hasattr(cls, "__attrs_attrs__")
        for a in cls.__attrs_attrs__
    }
    | {"vitk2", "dataset", "compounds", "indications", "citations", "studies", "kind"}
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["not reported", "45 mg/day", "3/day", "< 0.001", "2023-02-30", "mds", "x"]),
)
_JSON_LIKE = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(_FIELD_NAMES), st.text(max_size=8)), inner, max_size=5
        ),
    ),
    max_leaves=20,
)


@FUZZ
@given(_JSON_LIKE)
def test_arbitrary_plain_data_raises_only_vitk2_errors(data: Any) -> None:
    _only_vitk2_errors(from_data, data)


@settings(FUZZ, max_examples=100)
@given(
    st.dictionaries(
        st.sampled_from(["vitk2", "dataset", "compounds", "indications", "citations", "studies"]),
        st.one_of(
            _JSON_LIKE,
            st.lists(
                st.dictionaries(st.sampled_from(_FIELD_NAMES), _JSON_LIKE, max_size=6), max_size=3
            ),
        ),
    )
)
def test_plain_data_shaped_like_a_document_raises_only_vitk2_errors(data: Any) -> None:
    _only_vitk2_errors(from_data, data)


def _paths(data: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*here, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*here, i))


@settings(FUZZ, max_examples=30)
@given(vt.evidence_bases(max_studies=2), st.data())
def test_valid_data_with_one_value_replaced_raises_only_vitk2_errors(
    base: vitk2.EvidenceBase, data: st.DataObject
) -> None:
    doc = to_data(base)
    path = data.draw(st.sampled_from(list(_paths(doc))[1:]))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(_JSON_LIKE)
    _only_vitk2_errors(from_data, doc)


# --------------------------------------------------------------------------------------------
# Queries

_CRITERIA = [
    name
    for name, p in inspect.signature(vitk2.EvidenceBase.filter).parameters.items()
    if p.kind is inspect.Parameter.KEYWORD_ONLY
]
if not _CRITERIA:  # filter(**criteria) delegates: read the criteria from filter_evidence
    _CRITERIA = [
        name
        for name, p in inspect.signature(vitk2.filter_evidence).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=3),
    st.tuples(_SCALARS, _SCALARS),
    st.sampled_from(
        [
            *vitk2.Design,
            *vitk2.Certainty,
            *vitk2.Direction,
            *vitk2.Route,
            vitk2.Quantity(45, "mg/day"),
            vitk2.Quantity(16, "week"),
            vitk2.Quantity(3, "mg"),
            (vitk2.Quantity(1, "mg/day"), vitk2.Quantity(90, "mg/day")),
            ("45 mg/day", "1 mg/day"),
            "rct",
            "randomized",
            "menatetrenone",
            "MK-4",
            "mds",
            "vitamin K2",
            "16 week",
            "45 mg/day",
            float("nan"),
            float("inf"),
            -1,
            10**30,
            object(),
            b"bytes",
            {"a": 1},
            frozenset({"mds"}),
        ]
    ),
)
BUNDLED = vitk2.load()


@settings(FUZZ, max_examples=300)
@given(st.dictionaries(st.sampled_from(_CRITERIA), _VALUES, min_size=1, max_size=3))
def test_arbitrary_filter_values_raise_only_vitk2_errors(criteria: dict[str, Any]) -> None:
    result = _only_vitk2_errors(BUNDLED.filter, **criteria)
    if isinstance(result, vitk2.EvidenceBase):
        assert {s.id for s in result.studies} <= {s.id for s in BUNDLED.studies}
        assert set(result.findings) <= set(BUNDLED.findings)


def _is_empty_collection(value: object) -> bool:
    return isinstance(value, (list, tuple, set, frozenset, dict)) and not value


def test_an_empty_compound_class_raises_a_vitk2_error() -> None:
    with pytest.raises(vitk2.Vitk2Error):
        BUNDLED.filter(compound_class=[])


# --------------------------------------------------------------------------------------------
# The command line

EXIT_DATA = 1  # vitk2._cli.EXIT_DATA: invalid evidence (an internal error is 70)


def _validate_on_the_command_line(path: Path, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "vitk2", "validate", str(path)],
        capture_output=True,
        timeout=60,
        cwd=cwd,
        env=env,
        check=False,
    )


@settings(FUZZ, max_examples=8)
@given(
    data=st.one_of(
        st.binary(max_size=200), _mutations(TEMPLATE).map(lambda s: s.encode("utf-8", "replace"))
    ),
    suffix=st.sampled_from([".yaml", ".json"]),
)
def test_validating_a_bad_file_on_the_command_line_exits_1_without_a_traceback(
    data: bytes, suffix: str, scratch: Path
) -> None:
    path = scratch / f"cli{suffix}"
    path.write_bytes(data)
    try:
        vitk2.load_file(path)
    except vitk2.Vitk2Error:
        pass
    else:
        assume(False)  # a mutation that is still valid evidence
    before = _listing(scratch)
    proc = _validate_on_the_command_line(path, scratch)
    assert proc.returncode == EXIT_DATA, proc.stderr
    assert b"Traceback" not in proc.stderr + proc.stdout
    assert _listing(scratch) == before


@pytest.mark.parametrize(
    "name",
    [
        "lone-surrogate-key.json",
        "non-utf8.yaml",
        "utf16-bom.yaml",
        "null-byte.yaml",
        "alias-bomb.yaml",
        "python-tag.yaml",
        "impossible-date.yaml",
    ],
)
def test_validating_a_hostile_file_on_the_command_line_exits_1_without_a_traceback(
    name: str, tmp_path: Path
) -> None:
    proc = _validate_on_the_command_line(Path(__file__).parent / "hostile" / name, tmp_path)
    assert proc.returncode == EXIT_DATA, proc.stderr
    assert b"Traceback" not in proc.stderr + proc.stdout
    assert name.encode() in proc.stdout + proc.stderr
    assert _listing(tmp_path) == set()
