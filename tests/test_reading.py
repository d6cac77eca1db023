"""Reading hostile input: each class of defect found in the reliability review, with its fix.

Each test is named for the guarantee it holds; the inputs are small (a few MB at most), and the
tests assert what is raised, never how long it took (tests/test_hostile.py bounds time and
memory in a child process).
"""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import _io, _parse
from vitk2._parse import LIMITS, Limits, parse_text

SRC = str(Path(vitk2.__file__).resolve().parent.parent)
TEMPLATE = (Path(__file__).parent / "hostile" / "wrong-format-version.yaml").read_text(
    encoding="utf-8"
)
TEMPLATE = TEMPLATE.replace("vitk2: 3", "vitk2: 2")


def problems_of(call: Callable[[], object]) -> tuple[vitk2.Problem, ...]:
    with pytest.raises(vitk2.ValidationError) as info:
        call()
    return info.value.problems


def within(seconds: float, call: Callable[[], object]) -> BaseException | None:
    """Run ``call`` in a thread; fail if it is still running after ``seconds`` (a hang)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # reported by the caller
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f"did not finish within {seconds} s")
    return outcome[0]


def small(**limits: int) -> Limits:
    out = Limits()
    for name, value in limits.items():
        setattr(out, name, value)
    return out


def test_the_template_loads() -> None:
    assert [s.id for s in vitk2.loads(TEMPLATE).studies] == ["doe-trial"]


# --------------------------------------------------------------------------------------------
# 1. Files: only regular files, never more than the limit, every path problem in vitk2's words


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "evidence.yaml"
    os.mkfifo(fifo)  # no writer: opening it for reading would block
    error = within(10, lambda: vitk2.load_file(fifo))
    assert isinstance(error, vitk2.ValidationError), repr(error)
    (problem,) = error.problems
    assert problem.file == str(fifo)
    assert "named pipe (FIFO), not a regular file" in problem.message


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_behind_a_symlink_is_refused_unread(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    link = tmp_path / "evidence.json"
    link.symlink_to(device)
    error = within(10, lambda: vitk2.load_file(link))
    assert isinstance(error, vitk2.ValidationError), repr(error)
    (problem,) = error.problems
    assert problem.file == str(link)
    assert "character device, not a regular file" in problem.message


def test_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "evidence.yaml"
    folder.mkdir()
    (problem,) = problems_of(lambda: vitk2.load_file(folder))
    assert problem.file == str(folder)
    assert "it is a directory, not a regular file" in problem.message


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("evi\0dence.yaml", "the path holds a NUL character"),
        ("x" * 5000 + ".yaml", "cannot read the file: File name too long"),
        ("missing/evidence.yaml", "cannot read the file: No such file or directory"),
        ("\ud800.yaml", "cannot read the file"),  # a name the file system cannot encode
    ],
    ids=["nul", "too-long", "missing", "unencodable"],
)
def test_a_path_that_cannot_be_read_is_a_validation_error(path: str, message: str) -> None:
    (problem,) = problems_of(lambda: vitk2.load_file(path))
    assert message in problem.message
    assert len(problem.file) < 4200
    str(problem).encode("utf-8")  # printable: a surrogate in the name is shown escaped


@pytest.mark.parametrize("path", [None, 42, b"evidence.yaml", ["evidence.yaml"]])
def test_a_path_that_is_not_a_path_is_a_validation_error(path: Any) -> None:
    (problem,) = problems_of(lambda: vitk2.load_file(path))
    assert "expected a file path as text or os.PathLike" in problem.message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every file")
def test_a_file_without_read_permission_is_a_validation_error(tmp_path: Path) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    path.chmod(0)
    (problem,) = problems_of(lambda: vitk2.load_file(path))
    assert "cannot read the file: Permission denied" in problem.message


def test_an_unknown_format_is_refused_before_the_file_is_read(tmp_path: Path) -> None:
    link = tmp_path / "evidence.yaml"
    link.symlink_to("/dev/zero")
    (problem,) = problems_of(lambda: vitk2.load_file(link, format="toml"))  # type: ignore[arg-type]
    assert "expected format 'yaml' or 'json' (got 'toml')" in problem.message


def test_never_more_than_the_limit_is_read_whatever_stat_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_bytes(b"vitk2: 2\n" + b"# comment\n" * 10_000)  # 100 kB
    real_fstat, real_read = os.fstat, os.read
    read: list[int] = []

    def understated(fd: int) -> os.stat_result:  # a file that grew after stat, or /proc
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    def counted(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(os, "fstat", understated)
    monkeypatch.setattr(os, "read", counted)
    monkeypatch.setattr(LIMITS, "max_yaml_bytes", 50_000)
    (problem,) = problems_of(lambda: vitk2.load_file(path))
    assert "larger than the yaml limit of 50000 bytes" in problem.message
    assert sum(read) == 50_001
    monkeypatch.setattr(LIMITS, "max_yaml_bytes", 200_000)  # and a file under it reads whole
    assert vitk2.load_file(path).studies == ()
    assert sum(read) == 50_001 + 100_009


# --------------------------------------------------------------------------------------------
# 2. What cannot be evidence is refused before it costs what a valid file of its size costs


def test_a_yaml_list_document_is_refused_before_it_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*_: object) -> None:
        raise AssertionError("the document was built")

    monkeypatch.setitem(_parse._LOADERS, "yaml", never)
    (problem,) = problems_of(lambda: vitk2.loads("[" + "0, " * 1_000_000 + "0]"))
    assert problem.path == ""
    assert "expected a mapping with keys vitk2, dataset" in problem.message
    assert "(got list)" in problem.message
    # ... and so is a JSON one, before it is parsed
    monkeypatch.setitem(_parse._LOADERS, "json", never)
    (problem,) = problems_of(lambda: vitk2.loads(" [" + "0," * 1_000_000 + "0]", "json"))
    assert "expected a mapping with keys vitk2, dataset" in problem.message


def test_a_list_document_that_is_also_too_deep_says_both() -> None:
    problems = problems_of(lambda: vitk2.loads("- " * 1000 + "x"))
    assert {p.message.split(" (")[0] for p in problems} == {
        "expected a mapping with keys vitk2, dataset, compounds, indications, endpoints, citations, "
        "studies",
        "the document is nested more than 64 levels",
    }
    problems = problems_of(lambda: vitk2.loads("[" * 1000 + "]" * 1000, "json"))
    assert any("nested more than 64 levels" in p.message for p in problems)


def test_a_single_object_may_be_a_list_as_far_as_the_parser_cares() -> None:
    problems = problems_of(lambda: vitk2.loads("[1, 2]", as_type=vitk2.Compound))
    assert not any("expected a mapping with keys vitk2" in p.message for p in problems)


def test_a_yaml_list_longer_than_the_limit_is_refused_where_it_is() -> None:
    text = "vitk2: 2\nstudies: [" + "00000, " * 1_000_001 + "0]\n"  # 7 MB
    (problem,) = problems_of(lambda: vitk2.loads(text, file="big.yaml"))
    assert problem == vitk2.Problem(
        "big.yaml", "studies[1000000]", "a list of more than 1000000 items"
    )


def test_a_yaml_mapping_with_more_keys_than_the_limit_is_refused() -> None:
    text = "x: {" + ", ".join(f"k{i}: 0" for i in range(11)) + "}"
    limits = small(max_items=10)
    (problem,) = problems_of(lambda: parse_text(text, "yaml", "f", limits, mapping=True))
    assert problem.path == "x"
    assert problem.message == "a mapping of more than 10 keys"


def test_a_yaml_list_inside_a_record_has_the_record_limit() -> None:
    text = "vitk2: 2\nstudies:\n  - arms: [" + "0, " * 10_000 + "0]\n"
    (problem,) = problems_of(lambda: vitk2.loads(text))
    assert (problem.path, problem.message) == (
        "studies[0].arms[10000]",
        "a list of more than 10000 items",
    )
    # a single object is a record: its lists have the record limit too
    record = "arms: [" + "0, " * 10_000 + "0]\n"
    (problem,) = problems_of(lambda: parse_text(record, "yaml", "f"))
    assert problem.path == "arms[10000]"


def test_a_yaml_document_with_more_values_than_the_limit_is_refused_while_parsed() -> None:
    text = "".join(f"x{i}: [{', '.join(['0'] * 9)}]\n" for i in range(20))
    # the root, then eleven keys and values a line: x9's third item is the 105th
    (problem,) = problems_of(lambda: parse_text(text, "yaml", "f", small(max_yaml_nodes=104)))
    assert problem.path == "x9[2]"
    assert problem.message.startswith("the document holds more than 104 keys and values")
    assert parse_text(text, "yaml", "f", small(max_yaml_nodes=221))


def test_yaml_strings_and_keys_longer_than_the_limit_are_refused_before_they_are_built() -> None:
    limits = small(max_string=10)
    (problem,) = problems_of(lambda: parse_text("a: {b: [x, 01234567890]}", "yaml", "f", limits))
    assert (problem.path, problem.message) == (
        "a.b[1]",
        "a string of 11 characters exceeds the limit of 10",
    )
    (problem,) = problems_of(lambda: parse_text("a: {01234567890: x}", "yaml", "f", limits))
    assert (problem.path, problem.message) == (
        "a",
        "a key of 11 characters exceeds the limit of 10",
    )


def test_a_json_document_with_more_values_than_the_limit_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*_: object) -> None:
        raise AssertionError("the document was parsed")

    monkeypatch.setitem(_parse._LOADERS, "json", never)
    text = '{"x": [' + "0," * 100 + "0]}"
    (problem,) = problems_of(lambda: parse_text(text, "json", "f", small(max_nodes=50)))
    assert problem.message == "the document holds 101 values or more, more than the limit of 50"


def test_commas_and_brackets_inside_json_strings_are_not_values() -> None:
    text = json.dumps({"x": ['a, [b], {c}, \\", d' * 20, [], {}, [1, {"y": []}]]}, indent=1)
    assert parse_text(text, "json", "f", small(max_nodes=9)) is not None
    with pytest.raises(vitk2.ValidationError, match="holds 10 values"):
        parse_text(text.replace("[]", "[[]]", 1), "json", "f", small(max_nodes=9))


def test_a_json_list_longer_than_the_limit_is_refused_where_it_is() -> None:
    text = json.dumps({"vitk2": 2, "studies": [{"authors": [0] * 11}]})
    limits = small(max_record_items=10)
    (problem,) = problems_of(lambda: parse_text(text, "json", "f", limits, mapping=True))
    assert (problem.path, problem.message) == (
        "studies[0].authors",
        "a list of more than 10 items",
    )
    text = json.dumps({"vitk2": 2, "studies": [{}] * 11})
    limits = small(max_items=10)
    (problem,) = problems_of(lambda: parse_text(text, "json", "f", limits, mapping=True))
    assert (problem.path, problem.message) == ("studies", "a list of more than 10 items")


def _values(data: object) -> int:
    if isinstance(data, dict):
        return 1 + sum(_values(v) for v in data.values())
    if isinstance(data, list):
        return 1 + sum(_values(v) for v in data)
    return 1


_json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@settings(max_examples=300)
@given(_json_data, st.sampled_from([None, 0, 2]), st.booleans())
def test_the_json_value_count_without_parsing_is_exact(
    data: object, indent: int | None, ascii_only: bool
) -> None:
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    assert _parse._json_values(text) == _values(data)


# --------------------------------------------------------------------------------------------
# 3. Amplification: tags, merge keys and aliases are bounded before anything is built


@pytest.mark.parametrize("tag", ["!!pairs", "!!omap", "!!set", "!!binary", "!!timestamp", "!!str"])
def test_yaml_tags_are_refused_where_they_are(tag: str) -> None:
    text = f"vitk2: 2\nx:\n  y: {tag} [a]\n"
    (problem,) = problems_of(lambda: vitk2.loads(text))
    assert problem.path == "line 3, column 6"
    assert problem.message == f"invalid YAML: YAML tags are not allowed (found {tag}) (at x.y)"


def test_the_pairs_bomb_is_refused_at_once() -> None:
    # 467 bytes that took 15 s and 2.4 GB: !!pairs tuples escaped the alias bound
    lines = ["a0: &a0 !!pairs [{k: v}, {k: v}, {k: v}, {k: v}, {k: v}, {k: v}, {k: v}]"]
    lines += [
        f"a{i}: &a{i} !!pairs [" + ", ".join([f"{{k: *a{i - 1}}}"] * 7) + "]" for i in range(1, 9)
    ]
    (problem,) = problems_of(lambda: vitk2.loads("\n".join(lines)))
    assert "YAML tags are not allowed (found !!pairs)" in problem.message
    assert len(problem.message) < 200


def test_yaml_merge_keys_are_refused_where_they_are() -> None:
    text = "m: &m {a: 1}\nx:\n  - {<<: [*m, *m, *m], b: 2}\n"
    (problem,) = problems_of(lambda: vitk2.loads(text))
    assert problem.path == "line 3, column 6"
    assert "YAML merge keys (<<) are not allowed" in problem.message
    assert problem.message.endswith("(at x[0])")
    assert parse_text('"<<": 1\n', "yaml", "f") == {"<<": 1}  # a quoted '<<' is text


def test_the_merge_key_bomb_is_refused_before_pyyaml_flattens_it() -> None:
    lines = ["a0: &a0 {k: v}"]
    lines += [f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 10)}]}}" for i in range(1, 12)]
    error = within(10, lambda: vitk2.loads("\n".join(lines)))
    assert isinstance(error, vitk2.ValidationError)
    assert "merge keys" in error.problems[0].message


def test_aliases_of_a_long_string_are_bounded_by_the_characters_they_add() -> None:
    text = "s: &s " + "a" * 100_000 + "\nx: [" + ", ".join(["*s"] * 11) + "]\n"
    (problem,) = problems_of(lambda: vitk2.loads(text))
    assert problem.path == "x[10]"  # ten uses add 1,000,000 characters: the eleventh is refused
    assert "aliases expand the document by more than 1000000 characters" in problem.message
    # ten uses are within the limit, and the base writes out
    authors = "[&d " + "a" * 90_000 + ", " + ", ".join(["*d"] * 9) + "]"
    base = vitk2.loads(TEMPLATE.replace("authors: [Doe J]", f"authors: {authors}"))
    assert len(vitk2.dump(base)) > 900_000


def test_aliases_of_aliases_are_counted_without_expanding_them() -> None:
    lines = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    (problem,) = problems_of(lambda: vitk2.loads("\n".join(lines)))
    assert problem.path == "a5[7]"  # 123,440 values from a1 to a4, then 111,111 a use of a4
    assert "aliases expand the document by more than 1000000 values" in problem.message


def test_an_alias_cannot_nest_the_document_deeper_than_the_limit() -> None:
    lines = ["a0: &a0 " + "[" * 30 + "]" * 30]
    lines += [f"a{i}: &a{i} " + "[" * 30 + f"*a{i - 1}" + "]" * 30 for i in range(1, 3)]
    problems = problems_of(lambda: vitk2.loads("\n".join(lines)))
    assert problems[0].message == "the document is nested more than 64 levels"
    assert problems[0].path.startswith("a2[0]")


def _long_values(n: int) -> list[tuple[str, str]]:
    """Places in the template where a long value yields a problem that quotes it."""
    long = "x" * n
    return [
        ("    name: menatetrenone\n", f"    name: menatetrenone\n    ? {long}\n    : 1\n"),
        ("vitk2: 2", f"vitk2: {long}"),
        ("id: mds\n", f"id: {long}\n"),
        ("events: 5", f"events: {long}"),
        ("direction: benefit", f"direction: {long}"),
        ("amount: 45 mg/day", f"amount: 45 {long}"),
        ("indication: mds\n", f"indication: {long}\n"),
        ("    name: menatetrenone\n", "    name: menatetrenone\n" + f"    ? {long}\n    : 1\n" * 2),
    ]


@pytest.mark.parametrize("place", range(len(_long_values(1))))
def test_no_message_grows_with_the_value_it_quotes(place: int) -> None:
    old, new = _long_values(90_000)[place]
    assert TEMPLATE.count(old) >= 1
    text = TEMPLATE.replace(old, new, 1)
    problems = problems_of(lambda: vitk2.loads(text, file="long.yaml"))
    for problem in problems:
        assert len(problem.path) <= 400, problem.path[:100]
        assert len(problem.message) <= 1100, problem.message[:100]
    assert any("characters" in p.message or "characters" in p.path for p in problems), problems


def test_json_duplicate_keys_are_quoted_cut() -> None:
    key = "k" * 1_000_000
    (problem,) = problems_of(
        lambda: vitk2.loads(json.dumps({key: 1})[:-1] + f', "{key}": 2}}', "json")
    )
    assert len(problem.message) < 200
    assert "(1000000 characters)" in problem.message


# --------------------------------------------------------------------------------------------
# 4. YAML 1.2 core schema: only what YAML 1.2 calls a number, boolean or null is one


@pytest.mark.parametrize(
    ("plain", "value"),
    [
        ("010", 10),
        ("03725", 3725),
        ("-0", 0),
        ("+12", 12),
        ("0o17", 15),
        ("0x1F", 31),
        ("1:20", "1:20"),
        ("1:30.5", "1:30.5"),
        ("NO", "NO"),
        ("no", "no"),
        ("off", "off"),
        ("On", "On"),
        ("yes", "yes"),
        ("Y", "Y"),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("0x_1F", "0x_1F"),
        ("+0o17", "+0o17"),
        ("1e5", 1e5),
        ("1E-5", 1e-5),
        (".5", 0.5),
        ("-.5", -0.5),
        ("1.", 1.0),
        ("2.5e+3", 2500.0),
        ("1.0e+16", 1e16),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("tRUE", "tRUE"),
        ("~", None),
        ("null", None),
        ("NULL", None),
        ("", None),
        ("nULL", "nULL"),
        ("2024-01-31", "2024-01-31"),
        ("2024-01-31 10:00:00", "2024-01-31 10:00:00"),
        ("=", "="),
        ("<<", "<<"),
    ],
)
def test_plain_scalars_read_as_yaml_1_2_core(plain: str, value: object) -> None:
    loaded = parse_text(f"v: {plain}\n", "yaml", "f")["v"]
    assert loaded == value
    assert type(loaded) is type(value)
    if isinstance(value, str):
        assert _parse.plain_scalar_tag(plain) == "tag:yaml.org,2002:str"


@pytest.mark.parametrize(
    ("plain", "shown"),
    [(".nan", "nan"), (".NaN", "nan"), (".NAN", "nan"), (".inf", "inf"), ("-.Inf", "-inf")],
)
def test_infinity_and_nan_read_as_yaml_1_2_core_and_are_refused(plain: str, shown: str) -> None:
    assert _parse.plain_scalar_tag(plain) == "tag:yaml.org,2002:float"
    (problem,) = problems_of(lambda: parse_text(f"v: {plain}", "yaml", "f"))
    assert problem.message == f"expected a finite number (got {shown})"


def test_infinity_and_nan_spelt_otherwise_are_text() -> None:
    assert parse_text("v: [.Nan, -.nan, +.iNF, inf, nan]", "yaml", "f") == {
        "v": [".Nan", "-.nan", "+.iNF", "inf", "nan"]
    }


def test_yaml_1_1_surprises_are_gone_from_whole_documents() -> None:
    text = TEMPLATE.replace("enrolled: 10", "enrolled: 010").replace(
        "compound_class: vitamin K2", "compound_class: NO"
    )
    base = vitk2.loads(text)
    assert base.studies[0].population.enrolled == 10
    assert base.compounds[0].compound_class == "NO"
    (problem,) = problems_of(lambda: vitk2.loads(TEMPLATE.replace("year: 2005", "year: 03725")))
    assert problem.path == "citations[0].year"
    assert "3725" in problem.message
    (problem,) = problems_of(
        lambda: vitk2.loads(TEMPLATE.replace("enrolled: 10", "enrolled: 1:20"))
    )
    assert problem.path == "studies[0].population.enrolled"
    assert "expected a whole number (got '1:20')" in problem.message


def test_dates_are_still_read_from_plain_text() -> None:
    base = vitk2.loads(TEMPLATE)
    assert base.dataset is not None
    assert str(base.dataset.date) == "2024-01-31"
    (problem,) = problems_of(lambda: vitk2.loads(TEMPLATE.replace("2024-01-31", "2023-02-30")))
    assert problem.path == "dataset.date"
    assert "expected a real date as YYYY-MM-DD (got '2023-02-30')" in problem.message


_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def _core(plain: str) -> object:
    """An independent reading of a plain scalar by the YAML 1.2 core schema."""
    if plain in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return plain.lower() == "true"
    if plain in ("", "~", "null", "Null", "NULL"):
        return None
    if _CORE_INT.fullmatch(plain):
        return (
            int(plain[2:], 8 if plain[1] == "o" else 16) if plain[1:2] in ("o", "x") else int(plain)
        )
    if _CORE_FLOAT.fullmatch(plain):
        return float(plain)
    if re.fullmatch(r"[-+]?\.(inf|Inf|INF)", plain):
        return -math.inf if plain[0] == "-" else math.inf
    if re.fullmatch(r"\.(nan|NaN|NAN)", plain):
        return math.nan
    return plain


# Plain scalars made to look like numbers and booleans to YAML 1.1 or 1.2
_lookalikes = st.one_of(
    st.from_regex(r"[-+]?[0-9_]{1,6}(:[0-5]?[0-9]){0,2}(\.[0-9_]{0,3})?", fullmatch=True),
    st.from_regex(r"0[box][0-9a-fA-F_]{1,5}", fullmatch=True),
    st.from_regex(r"[-+]?[0-9]{0,3}\.?[0-9]{0,3}([eE][-+]?[0-9]{1,2})?", fullmatch=True),
    st.sampled_from(
        [
            *("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON"),
            *("off", "Off", "OFF", "true", "True", "TRUE", "false", "FALSE", "tRUE"),
            *("null", "Null", "NULL", "nULL", "~", ".inf", ".Inf", "-.inf", "+.INF", ".nan"),
            *(".NaN", "2024-01-31", "2001-12-14t21:59:43"),
        ]
    ),
)


@settings(max_examples=400)
@given(_lookalikes)
def test_a_plain_scalar_reads_as_the_yaml_1_2_core_schema_says(plain: str) -> None:
    try:
        events = list(yaml.parse(f"v: {plain}\n"))
    except yaml.YAMLError:
        assume(False)  # not a plain scalar ('-', ':x' ...): nothing to resolve
    assume(events[4].value == plain)  # ('1 #2' is 1 and a comment)
    expected = _core(plain)
    if isinstance(expected, float) and not math.isfinite(expected):
        return  # refused by the finite-number check, tested above
    loaded = parse_text(f"v: {plain}\n", "yaml", "f", small(max_string=10**6))["v"]
    assert loaded == expected
    assert type(loaded) is type(expected)


def _write_1_2(value: object) -> str:
    """``value`` as a YAML 1.2 scalar, written without PyYAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # '1e+16', '0.5', '-0.0': all YAML 1.2 floats
    assert isinstance(value, str)
    return '"' + "".join(_escape(c) for c in value) + '"'


def _escape(char: str) -> str:
    """One character of a YAML double-quoted scalar."""
    if char in '"\\':
        return "\\" + char
    code = ord(char)
    printable = 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFFFD
    if printable and code not in (0x2028, 0x2029, 0xFEFF):  # line breaks, byte-order mark
        return char
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@settings(max_examples=400)
@given(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=["Cs"]), max_size=20)
    | _lookalikes
)
def test_scalars_written_the_yaml_1_2_way_read_back_equal(value: object) -> None:
    loaded = parse_text(f"v: {_write_1_2(value)}\n", "yaml", "f")["v"]
    assert loaded == value
    assert type(loaded) is type(value)


@settings(max_examples=300)
@given(_lookalikes | st.text(max_size=12))
def test_dump_quotes_every_string_yaml_1_2_or_1_1_would_read_as_something_else(
    text: str,
) -> None:
    try:
        compound = vitk2.Compound(id="x", name=text, compound_class="c", family="f")
    except ValueError:
        assume(False)  # not a name ('', '\\r' ...)
    written = vitk2.dump(compound)
    assert vitk2.loads(written, as_type=vitk2.Compound) == compound
    assert yaml.safe_load(written)["name"] == compound.name  # a YAML 1.1 reader agrees


def test_the_loader_uses_its_own_resolver_table() -> None:
    assert _parse._Loader.yaml_implicit_resolvers is _parse.CoreResolver.yaml_implicit_resolvers
    tags = {
        tag
        for resolvers in _parse.CoreResolver.yaml_implicit_resolvers.values()
        for tag, _ in resolvers
    }
    assert tags == {f"tag:yaml.org,2002:{t}" for t in ("bool", "null", "int", "float")}
    assert (
        yaml.SafeLoader.yaml_implicit_resolvers is not _parse.CoreResolver.yaml_implicit_resolvers
    )


# --------------------------------------------------------------------------------------------
# 5. Lone surrogates: refused at load, at the string or key that holds one


@pytest.mark.parametrize(
    ("text", "path", "what"),
    [
        ('{"vitk2": 2, "x": ["ok", "a\\ud800b"]}', "x[1]", "text"),
        ('{"vitk2": 2, "x": {"a\\uDFFF": 1}}', "x", "a key"),
        ('{"vitk2": 2, "x": "\\ud83d\\ude00 \\udc00"}', "x", "text"),
    ],
)
def test_a_json_lone_surrogate_is_refused_where_it_is(text: str, path: str, what: str) -> None:
    (problem,) = problems_of(lambda: vitk2.loads(text, "json", file="s.json"))
    assert (problem.file, problem.path) == ("s.json", path)
    assert problem.message.startswith(f"expected {what} without lone surrogates")
    str(problem).encode("utf-8")


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(["a", "\ud83d", "\ude00", "\U0001f600", "\\", "u", "d83d", "\ud800"]),
        max_size=8,
    ).map("".join),
    st.booleans(),
)
def test_a_json_string_is_refused_exactly_when_it_holds_a_lone_surrogate(
    text: str, as_key: bool
) -> None:
    # ensure_ascii writes every surrogate as an escape; the parser joins each pair
    document = json.dumps({text: 1} if as_key else {"x": text})
    lone = any(
        0xD800 <= ord(c) <= 0xDFFF for c in json.loads(document).popitem()[0 if as_key else 1]
    )
    if lone:
        with pytest.raises(vitk2.ValidationError, match="without lone surrogates"):
            parse_text(document, "json", "f")
    else:
        assert parse_text(document, "json", "f")


def test_a_json_surrogate_pair_is_one_character() -> None:
    text = '{"vitk2": 2, "dataset": {"id": "d", "version": "1", "title": "\\ud83d\\ude00"}}'
    base = vitk2.loads(text, "json")
    assert base.dataset is not None
    assert base.dataset.title == "\U0001f600"


@pytest.mark.parametrize("text", ["x: a\ud800\n", "\udfff: 1\n"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_lone_surrogate_in_the_text_is_refused_where_it_is(
    text: str, fmt: Literal["yaml", "json"]
) -> None:
    (problem,) = problems_of(lambda: vitk2.loads(text, fmt))
    assert problem.path.startswith("line 1, column ")
    assert "without lone surrogates" in problem.message
    str(problem).encode("utf-8")


@pytest.mark.parametrize("char", ["\0", "\x1b", "\x7f", "\ufffe"])
def test_a_character_yaml_forbids_is_one_line_where_it_is(char: str) -> None:
    # Was two lines, the second 'in "<unicode string>", position 21', and no line or column.
    (problem,) = problems_of(lambda: vitk2.loads(f"vitk2: 2\nx: [ok, 'é{char}']\n"))
    assert problem.path == "line 2, column 11"
    assert problem.message.startswith(f"invalid YAML: unacceptable character #x{ord(char):04x}: ")
    assert "\n" not in str(problem)


_PURE_PYTHON_YAML = """
import sys, yaml
for name in ("CSafeLoader", "CSafeDumper", "CLoader", "CDumper"):
    delattr(yaml, name)  # PyYAML without libyaml: the pure-Python parser
import vitk2
from vitk2 import _parse
assert _parse._BaseLoader is yaml.SafeLoader
try:
    vitk2.loads(sys.argv[1], file="s.yaml")
except vitk2.ValidationError as err:
    print(err.problems[0].path, err.problems[0].message, sep="|")
"""


def test_a_yaml_escaped_lone_surrogate_is_refused_by_the_pure_python_parser_too() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-c", _PURE_PYTHON_YAML, 'vitk2: 2\nx: [ok, "a\\ud800"]\n'],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert out.startswith("x[1]|expected text without lone surrogates"), out


def test_a_yaml_escaped_lone_surrogate_is_refused_by_libyaml() -> None:
    (problem,) = problems_of(lambda: vitk2.loads('vitk2: 2\nx: [ok, "a\\ud800"]\n'))
    if _parse._BaseLoader is yaml.SafeLoader:  # pragma: no cover - PyYAML without libyaml
        assert problem.path == "x[1]"
    else:
        assert problem.path.startswith("line 2, column ")
        assert "invalid Unicode character escape code" in problem.message


# --------------------------------------------------------------------------------------------
# 6. Problems with a file loaded onto a base name that file


MINE = """\
vitk2: 2
compounds:
  - id: menatetrenone
    name: menatetrenone (my spelling)
    compound_class: vitamin K2
    family: vitamin K
studies:
  - id: my-trial
    title: My trial
    reports: [my-2020]
    design: single_arm_trial
    indications: [osteoporosis]
    population: {description: adults, enrolled: 10}
    level: {ocebm: 4, certainty: low, rationale: no control group}
    arms:
      - id: vk2
        name: menatetrenone
        role: intervention
        size: 10
        regimen:
          doses:
            - {compound: menatetrenone, amount: 45 mg/day, route: oral}
    findings: []
citations:
  - {id: my-2020, kind: primary_article, authors: [Me A], title: My trial, year: 2020}
"""


def test_a_record_redefined_against_the_base_is_reported_in_the_file(tmp_path: Path) -> None:
    bundled = vitk2.load()
    path = tmp_path / "mine.yaml"
    path.write_text(MINE, encoding="utf-8")
    (problem,) = problems_of(lambda: vitk2.load_file(path, base=bundled))
    assert (problem.file, problem.path) == (str(path), "compounds[0].id")
    assert problem.message.startswith(
        "conflicting id 'menatetrenone': the base defines it differently (name, "
    )
    same = json.dumps(_io.to_data(bundled.compound("menatetrenone")))
    path.write_text(
        re.sub(r"compounds:\n(  .*\n)*", lambda _: f"compounds: [{same}]\n", MINE), "utf-8"
    )
    merged = vitk2.load_file(path, base=bundled)  # the same record again is no conflict
    assert merged.study("my-trial").compounds == (bundled.compound("menatetrenone"),)


def test_a_conflict_found_only_by_the_merge_names_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundled = vitk2.load()
    monkeypatch.setattr(_io, "_conflicts", lambda *_: [])  # as if the check missed it
    problems = problems_of(lambda: vitk2.loads(MINE, file="mine.yaml", base=bundled))
    assert problems
    assert {p.file for p in problems} == {"mine.yaml"}


# --------------------------------------------------------------------------------------------
# 7. NOT_REPORTED is one object, through pickle and copy too


def test_not_reported_pickles_as_the_one_not_reported() -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(vitk2.NOT_REPORTED, protocol))
        assert again is vitk2.NOT_REPORTED
    assert copy.copy(vitk2.NOT_REPORTED) is vitk2.NOT_REPORTED
    assert copy.deepcopy(vitk2.NOT_REPORTED) is vitk2.NOT_REPORTED


def test_a_not_reported_with_a_note_keeps_its_note_through_pickle() -> None:
    noted = vitk2.NotReported("only as a figure")
    again = pickle.loads(pickle.dumps(noted))
    assert again == noted
    assert again.note == "only as a figure"
