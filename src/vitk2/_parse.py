"""Hardened parsing of evidence documents: bytes or text to plain Python data.

YAML is read with a safe loader (PyYAML's C loader when present) that rejects duplicate keys;
JSON with the standard library, rejecting duplicate keys and NaN/Infinity. Every parsed tree is
then walked once to bound its depth, its expanded size (aliases count each time they are used)
and its string lengths, so hostile documents fail fast with a :class:`ValidationError`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, Final

import yaml

from ._errors import Problem, ValidationError

__all__ = ["Limits", "parse_bytes", "parse_text"]

try:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class Limits:
    """Bounds on what a document may contain.

    The defaults are far above what any real evidence file needs and far below what exhausts
    a machine.
    """

    max_yaml_bytes: int = 32 * 2**20
    max_json_bytes: int = 512 * 2**20
    max_depth: int = 64
    max_nodes: int = 20_000_000
    #: values that YAML aliases add beyond the document's own: structuring an aliased
    #: subtree costs each time it is used, so a few kB of aliases could cost minutes
    max_alias_nodes: int = 1_000_000
    max_string: int = 100_000


LIMITS: Final = Limits()


class _Loader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys and keeps all scalars as YAML 1.2 would."""


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                "found an unhashable key",
                key_node.start_mark,
            ) from None
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    """A YAML date, or a located error for an impossible one (``2023-02-30``)."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, AttributeError) as err:
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a real date (got {node.value!r}: {err})", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

#: Python refuses to read integers longer than this (``sys.get_int_max_str_digits``), and
#: how it says so differs between versions; vitk2 refuses them first, in its own words.
MAX_INT_DIGITS: Final = 4300


def _too_many_digits(text: str) -> str | None:
    digits = sum(c.isdigit() for c in text) if len(text) > MAX_INT_DIGITS else 0
    if digits > MAX_INT_DIGITS:
        return (
            f"a whole number of {digits} digits is longer than the limit of "
            f"{MAX_INT_DIGITS} digits"
        )
    return None


def _construct_int(loader: Any, node: yaml.ScalarNode) -> Any:
    problem = _too_many_digits(str(node.value))
    if problem is not None:
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _mark(err: yaml.MarkedYAMLError) -> str:
    mark = err.problem_mark or err.context_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _fail(file: str, path: str, message: str) -> ValidationError:
    return ValidationError([Problem(file=file, path=path, message=message)])


def _load_yaml(text: str, file: str) -> Any:
    try:
        loader = _Loader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        problem = err.problem or "malformed YAML"
        if "could not determine a constructor" in str(err.problem):
            problem = f"YAML tags are not allowed ({err.problem})"
        raise _fail(file, _mark(err), f"invalid YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise _fail(file, "", f"invalid YAML: {err}") from None
    except RecursionError:
        raise _fail(file, "", "the document is nested too deeply") from None
    except Exception as err:
        # An impossible date (2023-02-30), '!!bool maybe',
        # '!!timestamp foo' ... raise ValueError, KeyError or AttributeError, not YAMLError.
        raise _fail(file, "", f"invalid YAML: {type(err).__name__}: {err}") from None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number evidence may contain")


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _json_int(text: str) -> int:
    problem = _too_many_digits(text)
    if problem is not None:
        raise ValueError(problem)
    return int(text)


def _load_json(text: str, file: str) -> Any:
    try:
        return json.loads(
            text,
            object_pairs_hook=_json_pairs,
            parse_constant=_reject_constant,
            parse_int=_json_int,
        )
    except json.JSONDecodeError as err:
        raise _fail(
            file, f"line {err.lineno}, column {err.colno}", f"invalid JSON: {err.msg}"
        ) from None
    except ValueError as err:
        raise _fail(file, "", f"invalid JSON: {err}") from None
    except RecursionError:
        raise _fail(file, "", "the document is nested too deeply") from None


def _within_limits(data: Any, limits: Limits) -> bool:
    """Whether a parsed JSON document is within the limits :func:`_check_tree` checks.

    JSON has no aliases, so no value is shared and the walk needs no memo: it goes level by
    level with no recursion and builds no paths. Only when it finds a problem does
    :func:`_check_tree` walk again, to say where. Keys are not checked: JSON's are text.
    """
    level = [data]
    depth = count = 0
    max_string, isfinite = limits.max_string, math.isfinite
    while level:
        if depth > limits.max_depth:
            return False
        count += len(level)
        if count > limits.max_nodes:
            return False
        deeper: list[Any] = []
        for node in level:
            kind = type(node)
            if kind is dict:
                deeper.extend(node.values())
            elif kind is list:
                deeper.extend(node)
            elif kind is str:
                if len(node) > max_string:
                    return False
            elif kind is float and not isfinite(node):
                return False
        level = deeper
        depth += 1
    return True


def _check_tree(data: Any, file: str, limits: Limits) -> None:
    """Bound depth, expanded size and string lengths; reject non-string keys and NaN."""
    # Memoised on id(): a YAML alias is the same object, so a shared subtree is measured once
    # but counted every time it is used, which is exactly what a consumer walking it would pay.
    # The memo keeps each subtree's height too, so an alias used deep down cannot nest the
    # document deeper than the limit (a chain of aliases otherwise nests it thousands deep).
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    distinct = 0  # values walked once: the expanded size minus this is what aliases add

    def too_deep(path: str) -> ValidationError:
        return _fail(file, path, f"the document is nested more than {limits.max_depth} levels")

    def walk(node: Any, path: str, depth: int) -> tuple[int, int]:
        nonlocal distinct
        if depth > limits.max_depth:
            raise too_deep(path)
        if isinstance(node, str):
            if len(node) > limits.max_string:
                raise _fail(
                    file,
                    path,
                    f"a string of {len(node)} characters exceeds the limit of {limits.max_string}",
                )
            distinct += 1
            return 1, 0
        if isinstance(node, float) and not math.isfinite(node):
            raise _fail(file, path, f"expected a finite number (got {node!r})")
        if not isinstance(node, (dict, list)):
            distinct += 1
            return 1, 0
        key = id(node)
        if key in sizes:
            size, height = sizes[key]
            if depth + height > limits.max_depth:
                raise too_deep(path)
            return size, height
        if key in active:
            raise _fail(file, path, "the document refers to itself (a recursive alias)")
        active.add(key)
        distinct += 1
        total, height = 1, 0
        if isinstance(node, dict):
            for k, value in node.items():
                if not isinstance(k, str):
                    raise _fail(file, path, f"expected text keys (got {k!r})")
                size, h = walk(value, f"{path}.{k}" if path else k, depth + 1)
                total, height = total + size, max(height, h + 1)
        else:
            for i, value in enumerate(node):
                size, h = walk(value, f"{path}[{i}]", depth + 1)
                total, height = total + size, max(height, h + 1)
        active.discard(key)
        if total > limits.max_nodes:
            raise _fail(
                file,
                path,
                f"the document expands to more than {limits.max_nodes} values (an alias bomb?)",
            )
        sizes[key] = (total, height)
        return total, height

    total, _ = walk(data, "", 0)
    if total - distinct > limits.max_alias_nodes:
        raise _fail(
            file,
            "",
            f"aliases expand the document by {total - distinct} values, more than the limit of "
            f"{limits.max_alias_nodes} (an alias bomb?)",
        )


_LOADERS: Final[dict[str, Callable[[str, str], Any]]] = {"yaml": _load_yaml, "json": _load_json}


def parse_text(text: str, format: str, file: str, limits: Limits = LIMITS) -> Any:
    """Parse ``text`` as ``format`` (``"yaml"`` or ``"json"``) into plain, bounded data.

    Raises:
        ValidationError: For anything that is not a well-formed, bounded document.
    """
    if format not in _LOADERS:
        raise _fail(file, "", f"expected format 'yaml' or 'json' (got {format!r})")
    if not isinstance(text, str):
        raise _fail(file, "", f"expected text (got {type(text).__name__})")
    cap = limits.max_yaml_bytes if format == "yaml" else limits.max_json_bytes
    if len(text) > cap:
        raise _fail(file, "", f"the document is larger than the {format} limit of {cap} bytes")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _fail(file, "", "the document is empty")
    if format == "yaml":
        _prescan_depth(text, file, limits)
    data = _LOADERS[format](text, file)
    if data is None:
        raise _fail(file, "", "the document holds nothing but comments")
    if format == "yaml" or not _within_limits(data, limits):
        _check_tree(data, file, limits)  # raises, saying where, when something is wrong
    return data


def _prescan_depth(text: str, file: str, limits: Limits) -> None:
    """Refuse collections nested deeper than the limit before the composer recurses.

    Walks the parser's event stream (no recursion, no tree), so block nesting such as
    ``- - - - x`` is bounded too: PyYAML's C composer recurses per level and overflows the
    C stack (a segmentation fault) on some tens of thousands of levels. Brackets inside
    quoted text are not nesting and are not counted.

    vitk2's limit decides, not the parser's. libyaml (bundled from PyYAML 6.0.4 on) refuses
    nesting past a limit of its own while it scans ahead for a possible simple key, before it
    has emitted the events that would take the count past :attr:`Limits.max_depth`. So when
    the parser stops on an error, the text it had scanned but not yet reported (from the end
    of the last event to the error) is measured too: flow brackets outside quoted text and
    comments, in one regular-expression pass. That text is already malformed, so the measure
    only chooses which of two true messages the user reads; malformed text that is not too
    deep is left for the loader, which reports it with its position.
    """
    depth = 0
    end = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    raise _too_deep(file, limits)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            end = event.end_mark.index
    except yaml.YAMLError as err:
        mark = (
            err.problem_mark or err.context_mark if isinstance(err, yaml.MarkedYAMLError) else None
        )
        stop = len(text) if mark is None else mark.index + 1
        if depth + _flow_depth(text, end, stop) > limits.max_depth:
            raise _too_deep(file, limits) from None


_FLOW_TOKENS: Final = re.compile(r"""[\[\]{}]|'[^']*'|"(?:[^"\\]|\\.)*"|#[^\n]*""")


def _flow_depth(text: str, start: int, stop: int) -> int:
    """The deepest flow nesting reached in ``text[start:stop]``, quotes and comments skipped."""
    if text.count("[", start, stop) + text.count("{", start, stop) == 0:
        return 0
    depth = deepest = 0
    for match in _FLOW_TOKENS.finditer(text, start, stop):
        char = match.group()
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _too_deep(file: str, limits: Limits) -> ValidationError:
    return _fail(file, "", f"the document is nested more than {limits.max_depth} levels")


def parse_bytes(data: bytes, format: str, file: str, limits: Limits = LIMITS) -> Any:
    """Decode UTF-8 (with or without a byte-order mark) and parse.

    Raises:
        ValidationError: For bytes that are not UTF-8, and everything :func:`parse_text` refuses.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(file, "", "expected UTF-8 text (found a UTF-16 byte-order mark)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _fail(
            file, "", f"expected UTF-8 text (byte {err.start} is 0x{data[err.start]:02x})"
        ) from None
    return parse_text(text, format, file, limits)
