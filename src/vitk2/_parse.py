"""Hardened parsing of evidence documents: bytes or text to plain Python data.

YAML is read as YAML 1.2 (core schema) by a safe loader (PyYAML's C loader when present) that
rejects duplicate keys, tags and merge keys; JSON with the standard library, rejecting duplicate
keys and NaN/Infinity. Before anything is built, a cheap pass bounds what the document can cost:
for YAML, a walk over the parser's events counts nesting, values, items per collection, string
lengths and what aliases add (an alias counts the whole subtree it stands for); for JSON, a count
of its separators outside strings. Every parsed tree is then walked once more to bound what only
the built values show (non-finite numbers, non-text keys), so hostile documents fail fast with a
[`ValidationError`][vitk2.ValidationError].
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Final

import yaml
from yaml.resolver import BaseResolver

from ._errors import Problem, ValidationError

__all__ = [
    "DOCUMENT_KEYS",
    "LIMITS",
    "CoreResolver",
    "Limits",
    "locate",
    "parse_bytes",
    "parse_text",
    "plain_scalar_tag",
    "shorten",
]

try:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader

#: The keys of an evidence document, in the order files write them.
DOCUMENT_KEYS: Final = (
    "vitk2",
    "dataset",
    "compounds",
    "indications",
    "endpoints",
    "citations",
    "studies",
)


class Limits:
    """Bounds on what a document may contain.

    The defaults are far above what any real evidence file needs and far below what exhausts
    a machine: a document at every limit costs about what a valid file of the largest allowed
    size costs.
    """

    max_yaml_bytes: int = 32 * 2**20
    max_json_bytes: int = 512 * 2**20
    max_depth: int = 64
    #: values (not counting keys) after alias expansion, in either format
    max_nodes: int = 20_000_000
    #: keys and values of a YAML document (aliases not expanded), counted on the parser's
    #: events before anything is built: building a YAML value costs tens of times what parsing
    #: it does. A document may hold yaml_node_allowance, plus one for every
    #: yaml_chars_per_node characters of its text, up to max_yaml_nodes: valid evidence holds
    #: one for every 10 characters or more (a valid 32 MiB file, about 2.7 million), a list of
    #: zeros one for every 2 or 3.
    max_yaml_nodes: int = 4_000_000
    yaml_node_allowance: int = 100_000
    yaml_chars_per_node: int = 5
    #: items of one list, or keys of one mapping, at the top of a document (its lists of
    #: records)
    max_items: int = 1_000_000
    #: items of one list, or keys of one mapping, inside a record (a study's arms, findings,
    #: authors ...; or anywhere in a single object): structuring each costs, and far more when
    #: each is wrong and reported
    max_record_items: int = 10_000
    #: values that YAML aliases add beyond the document's own: structuring an aliased
    #: subtree costs each time it is used, so a few kB of aliases could cost minutes
    max_alias_nodes: int = 1_000_000
    #: characters of text that YAML aliases add beyond the document's own: every writer
    #: (dump, the content hash, exports) pays for each use of an aliased string
    max_alias_chars: int = 1_000_000
    max_string: int = 100_000


LIMITS: Final = Limits()


def shorten(text: str, limit: int = 60) -> str:
    """``text``, or its first ``limit`` characters and its length when it is longer.

    Every message that shows a user's value shows it through this (or through a ``repr``
    cut the same way), so no message grows with its input.
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


def _shown(value: Any, limit: int = 60) -> str:
    """The ``repr`` of a key or scalar for a message, cut to ``limit`` characters."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} characters)"
    return shorten(repr(value), limit)


def _fail(file: str, path: str, message: str) -> ValidationError:
    return ValidationError([Problem(file=file, path=path, message=message)])


def _expected_mapping(found: str) -> str:
    return f"expected a mapping with keys {', '.join(DOCUMENT_KEYS)} (got {found})"


# --------------------------------------------------------------------------------------------
# YAML 1.2: the core schema's plain scalars

_STR: Final = "tag:yaml.org,2002:str"
_INT: Final = "tag:yaml.org,2002:int"
_FLOAT: Final = "tag:yaml.org,2002:float"
_BOOL: Final = "tag:yaml.org,2002:bool"
_NULL: Final = "tag:yaml.org,2002:null"
_SEQ: Final = "tag:yaml.org,2002:seq"


class CoreResolver(BaseResolver):  # type: ignore[misc]
    """The YAML 1.2 core schema's resolution of plain scalars (YAML 1.2.2, section 10.3.2).

    PyYAML resolves YAML 1.1, where ``NO`` and ``off`` are booleans, ``010`` is 8 and ``1:20``
    is 80. Here only ``true``/``false`` (three spellings each) are booleans, ``null``/``~``/
    empty is null, integers are decimal, ``0o`` octal or ``0x`` hexadecimal, floats are
    decimal with ``.inf`` and ``.nan``, and everything else is text (dates included).
    """

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """The tag of a node: a plain scalar's from the table, the default tag otherwise.

        BaseResolver's own lookups of wildcard and path resolvers (vitk2 registers none)
        double the cost of resolving a scalar; they are left out.
        """
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else BaseResolver.DEFAULT_MAPPING_TAG


_CORE_RESOLVERS: Final = (
    (_BOOL, r"(?:true|True|TRUE|false|False|FALSE)\Z", "tTfF"),
    (_NULL, r"(?:~|null|Null|NULL|)\Z", ["~", "n", "N", ""]),
    (_INT, r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z", "-+0123456789"),
    (
        _FLOAT,
        r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z",
        "-+.0123456789",
    ),
)
for _resolved, _pattern, _first in _CORE_RESOLVERS:
    CoreResolver.add_implicit_resolver(_resolved, re.compile(_pattern), list(_first))
del _resolved, _pattern, _first

_CORE: Final = CoreResolver()


def plain_scalar_tag(text: str) -> str:
    """The tag a YAML 1.2 core-schema reader gives ``text`` written as a plain scalar."""
    return str(_CORE.resolve(yaml.ScalarNode, text, (True, False)))


class _Loader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys and reads scalars as YAML 1.2 does."""

    yaml_implicit_resolvers = CoreResolver.yaml_implicit_resolvers
    resolve = CoreResolver.resolve


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    # No flatten_mapping: merge keys are refused before anything is composed.
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
                f"found duplicate key {_shown(key)}",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_Loader.add_constructor(BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

#: Python refuses to read integers longer than this (``sys.get_int_max_str_digits``), and
#: how it says so differs between versions; vitk2 refuses them first, in its own words.
MAX_INT_DIGITS: Final = 4300
#: the bits of the largest integer of MAX_INT_DIGITS decimal digits
_MAX_INT_BITS: Final = (10**MAX_INT_DIGITS - 1).bit_length()


def _too_many_digits(text: str) -> str | None:
    digits = sum(c.isdigit() for c in text) if len(text) > MAX_INT_DIGITS else 0
    if digits > MAX_INT_DIGITS:
        return (
            f"a whole number of {digits} digits is longer than the limit of {MAX_INT_DIGITS} digits"
        )
    return None


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    """A YAML 1.2 integer: decimal (leading zeros allowed), ``0o`` octal or ``0x`` hex."""
    text = str(node.value)
    problem = _too_many_digits(text)
    if problem is not None:
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    if text.startswith(("0o", "0x")):
        value = int(text[2:], 8 if text[1] == "o" else 16)
        if value.bit_length() > _MAX_INT_BITS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a whole number of more than {MAX_INT_DIGITS} digits is longer than the limit",
                node.start_mark,
            )
        return value
    return int(text)


_Loader.add_constructor(_INT, _construct_int)


def _mark(err: yaml.MarkedYAMLError) -> str:
    mark = err.problem_mark or err.context_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _load_yaml(text: str, file: str) -> Any:
    try:
        loader = _Loader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        problem = shorten(err.problem or "malformed YAML", 300)
        raise _fail(file, _mark(err), f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as err:  # a character YAML forbids: the first in the text
        where = text.find(chr(err.character))
        line, column = text.count("\n", 0, where) + 1, where - text.rfind("\n", 0, where)
        problem = f"unacceptable character #x{err.character:04x}: {err.reason}"
        path = f"line {line}, column {column}" if where >= 0 else ""
        raise _fail(file, path, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise _fail(file, "", f"invalid YAML: {shorten(str(err), 300)}") from None
    except RecursionError:
        raise _fail(file, "", "the document is nested too deeply") from None
    except Exception as err:  # no dependency exception reaches a user
        message = shorten(f"{type(err).__name__}: {err}", 300)
        raise _fail(file, "", f"invalid YAML: {message}") from None


# --------------------------------------------------------------------------------------------
# YAML: what the document costs, from the parser's events


def _record_depth(mapping: bool) -> int:
    """How many collections enclose a record: two in a document, none in a single object."""
    return 2 if mapping else 0


def _too_many(frame: list[Any]) -> str:
    if frame[0]:
        return f"a mapping of more than {frame[7] // 2} keys"
    return f"a list of more than {frame[7]} items"


def _yaml_path(stack: list[list[Any]]) -> str:
    """The path of the node the prescan is at: ``studies[2].arms`` (a key: its mapping)."""
    path = ""
    for frame in stack:
        is_map, count, key = frame[0], frame[1], frame[2]
        if not is_map:
            path = f"{path}[{count - 1}]"
        elif count % 2:  # at a key: the path is the mapping's
            break
        else:
            part = "?" if key is None else shorten(key)
            path = f"{path}.{part}" if path else part
    return path


#: how many more events are read from a document that is a list, in case they show a deeper
#: problem (nesting, usually) worth reporting with it
_LIST_DOCUMENT_EVENTS: Final = 10_000


def _prescan_yaml(text: str, file: str, limits: Limits, mapping: bool) -> None:
    """Refuse what YAML would cost too much to build, before the composer or constructor runs.

    Walks the parser's event stream (no recursion, no tree) and refuses, with the path it has
    reached: nesting deeper than `Limits.max_depth` (PyYAML's C composer recurses per
    level and overflows the C stack on some tens of thousands of levels); more than
    `Limits.max_yaml_nodes` keys and values (fewer in a short text: see
    `Limits`); a list or mapping of more than
    `Limits.max_items` (`Limits.max_record_items` inside a record); a string or
    key longer than `Limits.max_string`; aliases that add more than
    `Limits.max_alias_nodes` values or `Limits.max_alias_chars` characters (an
    alias counts everything under its anchor, nesting included, so aliases of aliases are
    measured without expanding them); tags (``!!python/...``, ``!!pairs``, ``!!omap``,
    ``!!set``, ``!!binary``, ``!!timestamp``, ...) and merge keys (``<<``), which evidence
    never needs; and, when ``mapping`` is set, a document that is a list, after a few
    thousand more events in case they show something worse.

    vitk2's depth limit decides, not the parser's. libyaml (bundled from PyYAML 6.0.4 on)
    refuses nesting past a limit of its own while it scans ahead for a possible simple key,
    before it has emitted the events that would take the count past `Limits.max_depth`.
    So when the parser stops on an error, the text it had scanned but not yet reported (from
    the end of the last event to the error) is measured too: flow brackets outside quoted
    text and comments, in one regular-expression pass. That text is already malformed, so the
    measure only chooses which of two true messages the user reads; malformed text that is
    not too deep is left for the loader, which reports it with its position.
    """
    max_depth, max_string = limits.max_depth, limits.max_string
    max_items, max_record_items = limits.max_items, limits.max_record_items
    record_depth = _record_depth(mapping)
    max_own = min(
        limits.max_yaml_nodes,
        limits.yaml_node_allowance + len(text) // limits.yaml_chars_per_node,
    )
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    sequence_start, mapping_start = yaml.SequenceStartEvent, yaml.MappingStartEvent
    sequence_end, mapping_end = yaml.SequenceEndEvent, yaml.MappingEndEvent
    # One frame per open collection: [is a mapping, nodes seen in it, last key, anchor,
    # nodes before it (aliases expanded), characters before it, collection levels below it,
    # most nodes it may hold]
    stack: list[list[Any]] = []
    anchors: dict[str, tuple[int, int, int]] = {}  # anchor -> (nodes, characters, levels)
    own = chars = alias_nodes = alias_chars = 0  # own: the nodes written, not aliased

    def too_many_nodes() -> ValidationError:
        return fail(
            f"the document holds more than {max_own} keys and values, the limit for "
            f"{len(text)} characters of YAML ({limits.yaml_node_allowance} and one more for "
            f"every {limits.yaml_chars_per_node} characters, at most {limits.max_yaml_nodes})"
        )

    pending: list[Problem] = []  # the document is a list: said after a few more events
    budget = -1
    roots = 0
    event: Any = None

    def fail(message: str, path: str | None = None) -> ValidationError:
        where = _yaml_path(stack) if path is None else path
        return ValidationError([*pending, Problem(file, where, message)])

    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if budget >= 0:
                budget -= 1
                if budget < 0:
                    break
            kind = type(event)
            if kind is scalar_event or kind is alias_event:
                is_key = False
                if stack:
                    top = stack[-1]
                    count = top[1] = top[1] + 1
                    if top[0] and count % 2:
                        is_key = True
                        top[2] = event.value if kind is scalar_event else None
                    if count > top[7]:
                        raise fail(_too_many(top))
                else:
                    roots += 1
                if kind is scalar_event:
                    value = event.value
                    size = len(value)
                    if size > max_string:
                        what = "a key" if is_key else "a string"
                        raise fail(f"{what} of {size} characters exceeds the limit of {max_string}")
                    if event.tag is not None:
                        raise _refused(file, event, stack, pending, _TAGS.format(_tag(event)))
                    if is_key and value == "<<" and event.implicit[0]:
                        raise _refused(file, event, stack, pending, _MERGE_KEYS)
                    own += 1
                    if own > max_own:
                        raise too_many_nodes()
                    chars += size
                    if event.anchor is not None:
                        anchors[event.anchor] = (1, size, 0)
                else:
                    known = anchors.get(event.anchor)
                    if known is None:  # undefined, or recursive: the loader says which
                        own += 1
                        if own > max_own:
                            raise too_many_nodes()
                    else:
                        more, more_chars, levels = known
                        if len(stack) + levels > max_depth:
                            raise fail(f"the document is nested more than {max_depth} levels")
                        if stack and stack[-1][6] < levels:
                            stack[-1][6] = levels
                        chars += more_chars
                        alias_nodes += more
                        alias_chars += more_chars
                        if alias_nodes > limits.max_alias_nodes:
                            raise fail(
                                f"aliases expand the document by more than "
                                f"{limits.max_alias_nodes} values (an alias bomb?)"
                            )
                        if alias_chars > limits.max_alias_chars:
                            raise fail(
                                f"aliases expand the document by more than "
                                f"{limits.max_alias_chars} characters of text (an alias bomb?)"
                            )
            elif kind is sequence_start or kind is mapping_start:
                is_map = kind is mapping_start
                if stack:
                    top = stack[-1]
                    count = top[1] = top[1] + 1
                    if top[0] and count % 2:
                        top[2] = None  # a collection as a key: refused when built
                    if count > top[7]:
                        raise fail(_too_many(top))
                else:
                    roots += 1
                    if mapping and not is_map and roots == 1:
                        pending.append(Problem(file, "", _expected_mapping("list")))
                        budget = _LIST_DOCUMENT_EVENTS
                if event.tag is not None:
                    raise _refused(file, event, stack, pending, _TAGS.format(_tag(event)))
                if len(stack) >= max_depth:
                    raise fail(f"the document is nested more than {max_depth} levels")
                cap = max_items if len(stack) < record_depth else max_record_items
                expanded = own + alias_nodes
                stack.append(
                    [is_map, 0, None, event.anchor, expanded, chars, 0, cap * (1 + is_map)]
                )
                own += 1
                if own > max_own:
                    raise too_many_nodes()
            elif kind is sequence_end or kind is mapping_end:
                frame = stack.pop()
                levels = frame[6] + 1
                if stack and stack[-1][6] < levels:
                    stack[-1][6] = levels
                if frame[3] is not None:
                    expanded = own + alias_nodes
                    anchors[frame[3]] = (expanded - frame[4], chars - frame[5], levels)
    except yaml.YAMLError as err:
        mark = (
            err.problem_mark or err.context_mark if isinstance(err, yaml.MarkedYAMLError) else None
        )
        end = 0 if event is None else event.end_mark.index
        stop = len(text) if mark is None else mark.index + 1
        if len(stack) + _flow_depth(text, end, stop) > max_depth:
            raise ValidationError(
                [
                    *pending,
                    Problem(file, "", f"the document is nested more than {max_depth} levels"),
                ]
            ) from None
    if pending:
        raise ValidationError(pending)


_TAGS: Final = "YAML tags are not allowed (found {})"
_MERGE_KEYS: Final = "YAML merge keys (<<) are not allowed: write the keys out"


def _tag(event: Any) -> str:
    """A tag as a file writes it: ``!!pairs``, ``!!python/object:os.system``."""
    tag = str(event.tag)
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:") :]
    return shorten(tag)


def _refused(
    file: str, event: Any, stack: list[list[Any]], pending: list[Problem], message: str
) -> ValidationError:
    """A tag or merge key: located as YAML syntax is (line and column), its path said too."""
    path = _yaml_path(stack)
    mark = event.start_mark
    return ValidationError(
        [
            *pending,
            Problem(
                file,
                f"line {mark.line + 1}, column {mark.column + 1}",
                f"invalid YAML: {message}" + (f" (at {path})" if path else ""),
            ),
        ]
    )


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


# --------------------------------------------------------------------------------------------
# JSON


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number evidence may contain")


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {_shown(key)}")
        out[key] = value
    return out


def _json_int(text: str) -> int:
    problem = _too_many_digits(text)
    if problem is not None:
        raise ValueError(problem)
    return int(text)


_JSON_SPACE: Final = re.compile(r"[ \t\n\r]*")
_JSON_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
#: how much of a JSON list document is searched for nesting worth reporting with it
_JSON_LIST_PEEK: Final = 65_536


def _precheck_json(text: str, file: str, limits: Limits, mapping: bool) -> None:
    """Refuse a JSON document that cannot be evidence before it is parsed.

    A document that must be a mapping and opens with ``[`` is refused at once (with a note
    if its first 64 kB are already nested too deeply). Then its values are counted without
    parsing it: outside strings, a document holds one value, plus one per comma, plus one
    per non-empty list or mapping. The separators are first counted over the whole text
    (strings included: an upper bound, at the speed of ``str.count``); only when that bound
    passes `Limits.max_nodes` are strings removed, and the commas left (a lower bound)
    counted, then, if need be, the empty lists and mappings (for the exact count).
    """
    start = len(_JSON_SPACE.match(text).group())  # type: ignore[union-attr]  # always matches
    if mapping and text.startswith("[", start):
        problems = [Problem(file, "", _expected_mapping("list"))]
        if _flow_depth(text, start, start + _JSON_LIST_PEEK) > limits.max_depth:
            problems.append(
                Problem(file, "", f"the document is nested more than {limits.max_depth} levels")
            )
        raise ValidationError(problems)
    if text.count(",") + text.count("[") + text.count("{") + 1 <= limits.max_nodes:
        return
    bare = _JSON_STRING.sub('""', text)
    least = bare.count(",") + 1  # every comma outside strings separates two values
    if least <= limits.max_nodes:
        least = _bare_values(bare)
        if least <= limits.max_nodes:
            return
    raise _fail(
        file,
        "",
        f"the document holds {least} values or more, more than the limit of {limits.max_nodes}",
    )


def _json_values(text: str) -> int:
    """How many values (keys not counted) the JSON document ``text`` holds, without parsing it.

    Exact for well-formed JSON: outside strings, a document is one value, plus one per comma,
    plus one per list or mapping that is not empty.
    """
    return _bare_values(_JSON_STRING.sub('""', text))


_JSON_EMPTY_LIST: Final = re.compile(r"\[[ \t\n\r]+\]")
_JSON_EMPTY_MAPPING: Final = re.compile(r"\{[ \t\n\r]+\}")


def _bare_values(bare: str) -> int:
    """`_json_values` of a JSON text whose strings are all ``""``."""
    opens = bare.count("[") + bare.count("{")
    empty = 0
    if opens:  # (each pattern is searched for by its bracket: fast where brackets are few)
        empty = bare.count("[]") + bare.count("{}")
        empty += sum(1 for _ in _JSON_EMPTY_LIST.finditer(bare))
        empty += sum(1 for _ in _JSON_EMPTY_MAPPING.finditer(bare))
    return bare.count(",") + 1 + opens - empty


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
        raise _fail(file, "", f"invalid JSON: {shorten(str(err), 300)}") from None
    except RecursionError:
        raise _fail(file, "", "the document is nested too deeply") from None


# --------------------------------------------------------------------------------------------
# The built tree


def _within_limits(data: Any, limits: Limits, record_depth: int = 2) -> bool:
    """Whether a parsed JSON document is within the limits `_check_tree` checks.

    JSON has no aliases, so no value is shared and the walk needs no memo: it goes level by
    level with no recursion and builds no paths. Only when it finds a problem does
    `_check_tree` walk again, to say where. Keys are not checked: JSON's are text.
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
        max_items = limits.max_items if depth < record_depth else limits.max_record_items
        deeper: list[Any] = []
        for node in level:
            kind = type(node)
            if kind is dict:
                if len(node) > max_items:
                    return False
                deeper.extend(node.values())
            elif kind is list:
                if len(node) > max_items:
                    return False
                deeper.extend(node)
            elif kind is str:
                if len(node) > max_string:
                    return False
            elif kind is float and not isfinite(node):
                return False
        level = deeper
        depth += 1
    return True


def _check_tree(data: Any, file: str, limits: Limits, record_depth: int = 2) -> None:
    """Bound depth, expanded size, collection and string lengths; reject bad keys and NaN."""
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
        most = limits.max_items if depth < record_depth else limits.max_record_items
        if len(node) > most:
            many = f"more than {most}"
            shape = (
                f"a mapping of {many} keys" if isinstance(node, dict) else f"a list of {many} items"
            )
            raise _fail(file, path, shape)
        active.add(key)
        distinct += 1
        total, height = 1, 0
        if isinstance(node, dict):
            for k, value in node.items():
                if not isinstance(k, str):
                    raise _fail(file, path, f"expected text keys (got {_shown(k)})")
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


# --------------------------------------------------------------------------------------------
# Lone surrogates: text no UTF-8 file (and so no output) can hold

_RAW_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
#: escapes that may write one (JSON's \uD800; YAML's \uD800 and \U0000D800 in double quotes)
_SURROGATE_ESCAPE: Final = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
#: JSON's escapes that may write a lone one: a high surrogate not followed by a low one, or a
#: low one not after a high one (JSON joins a pair of escapes into one character; YAML does not)
_JSON_LONE_ESCAPE: Final = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _surrogate_message(text: str, what: str = "text") -> str:
    found = _RAW_SURROGATE.search(text)
    code = ord(found.group()) if found is not None else 0
    return (
        f"expected {what} without lone surrogates (found \\u{code:04x}, which is not a "
        "character: no UTF-8 file can hold it)"
    )


def _refuse_raw_surrogate(text: str, file: str) -> None:
    """Refuse text with a lone surrogate in it, located by line and column.

    Encoding finds one at C speed (a regular-expression search for a character class is ten
    times slower); text decoded from UTF-8 cannot hold one and is not checked.
    """
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        at = err.start
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise _fail(file, f"line {line}, column {column}", _surrogate_message(text[at])) from None


def _refuse_escaped_surrogate(data: Any, file: str) -> None:
    """Refuse a string or key that an escape made a lone surrogate, at its path."""
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(data, "")]
    search = _RAW_SURROGATE.search
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if search(node):
                raise _fail(file, path, _surrogate_message(node))
        elif isinstance(node, (dict, list)) and id(node) not in seen:
            seen.add(id(node))
            if isinstance(node, dict):
                for k, value in node.items():
                    if isinstance(k, str) and search(k):
                        raise _fail(file, path, _surrogate_message(k, "a key"))
                    stack.append((value, f"{path}.{k}" if path else str(k)))
            else:
                stack.extend((value, f"{path}[{i}]") for i, value in enumerate(node))


# --------------------------------------------------------------------------------------------
# JSON documents read record by record: the fast path of a load


class Unsure(Exception):
    """The fast path cannot vouch for a document: read it the standard way, which decides."""


#: ints of more than MAX_INT_DIGITS digits are at least this large
_INT_BOUND: Final = 10**MAX_INT_DIGITS
_JSON_SPACE_BYTES: Final = re.compile(rb"[ \t\n\r]*")
_JSON_LONE_ESCAPE_BYTES: Final = re.compile(_JSON_LONE_ESCAPE.pattern.encode())


@lru_cache(maxsize=1)
def accelerator() -> Any:
    """The decoders of msgspec (the ``fast`` extra), or None when it is not installed."""
    try:
        import msgspec
    except ImportError:
        return None
    return (
        msgspec.json.Decoder(dict[str, msgspec.Raw]),
        msgspec.json.Decoder(list[msgspec.Raw]),
        msgspec.json.Decoder(),
        msgspec.json.Encoder(),
    )


class JsonRecords:
    """A whole JSON evidence document, its lists of records decoded one record at a time.

    `open_json` builds it only for a document the standard path would read without a
    problem as far as can be told cheaply; everything else raises `Unsure`, and so does
    `record` for a record that is not within the limits and `finish` for a document that
    turns out to repeat a key. The caller then reads the document the standard way
    (`parse_bytes`), which refuses it, or reads it, exactly as it always does.

    What the standard path checks, and how it is checked here without building paths:

    * the size, encoding, byte-order mark, emptiness and number of values (`_precheck_json`):
      from the bytes, with the same counts;
    * lone surrogates: a document with an escape that may write one is left to the standard
      path, as is one whose numbers or strings the decoder refuses (NaN, 1e400, controls);
    * depth, collection sizes, string lengths, finite numbers and the digits of whole numbers
      (`_within_limits`): by a walk of each record, at the depth the record is at;
    * duplicate keys: the colons of a JSON text are those between keys and values plus those
      inside strings, so a document whose colons number its mappings' keys plus the colons of
      its string values repeats no key (a key holding a colon, or a colon written as an
      escape, only makes the two counts differ, which leaves the document to the standard
      path).
    """

    def __init__(self, data: bytes, limits: Limits) -> None:
        if len(data) > limits.max_json_bytes or data.startswith(
            (b"\xef\xbb\xbf", b"\xff", b"\xfe")
        ):
            raise Unsure
        start = _JSON_SPACE_BYTES.match(data).end()  # type: ignore[union-attr]  # always matches
        if not data.startswith(b"{", start):
            raise Unsure
        if b"\\u" in data and _JSON_LONE_ESCAPE_BYTES.search(data):
            raise Unsure
        if b"\\u003" in data and (b"\\u003a" in data or b"\\u003A" in data):
            raise Unsure
        self._limits = limits
        self._colons = data.count(b":")
        self._counted = 0
        fast = accelerator()
        try:
            if fast is not None:
                whole, items, one, encoder = fast
                top = whole.decode(data)
                self._decode: Callable[[Any], Any] = one.decode
                self._encode: Callable[[Any], bytes] | None = encoder.encode
                lists = {k: items.decode(v) for k, v in top.items() if _starts_list(v)}
            else:
                top = _STDLIB_JSON.decode(data.decode("utf-8"))
                self._decode = _same
                self._encode = None
                lists = {k: v for k, v in top.items() if type(v) is list}
        except Exception:  # malformed, or what the standard path reads differently
            raise Unsure from None
        # A well-formed document of n bytes holds at most (n + 1) // 2 values (each takes a
        # byte, and each but the first follows a comma or comes before a closing bracket);
        # only a larger one is counted as the standard path counts it.
        if (len(data) + 1) // 2 > limits.max_nodes and (
            data.count(b",") + data.count(b"[") + data.count(b"{") + 1 > limits.max_nodes
        ):
            raise Unsure
        if len(top) > limits.max_items:
            raise Unsure
        self._counted += len(top)
        self.values: dict[str, Any] = {}
        self.lists: dict[str, list[Any]] = {}
        for key, value in top.items():
            if key in lists:
                items_ = lists[key]
                if len(items_) > limits.max_items:
                    raise Unsure
                self.lists[key] = items_
            else:
                self.values[key] = self._take(value, 1)

    def record(self, item: Any) -> Any:
        """One record of a list, decoded and within the limits; or `Unsure`."""
        return self._take(item, 2)

    def _take(self, item: Any, depth: int) -> Any:
        try:
            value = self._decode(item)
        except Exception:
            raise Unsure from None
        self._counted += self._measure(value, depth)
        return value

    def _measure(self, value: Any, depth: int) -> int:
        """`_measure`; from msgspec's encoding of the value where that settles it.

        Encoded, a decoded value writes each key with one colon, and the colons of its
        strings as they are; it is longer than any of its strings and has a comma more than
        any of its lists has items. msgspec decodes no number that is not finite. What the
        encoding cannot tell, the depth and the digits of whole numbers, the fast converter
        refuses (its model nests a few levels deep; its whole numbers are bounded).
        """
        limits = self._limits
        if self._encode is not None:
            try:
                text = self._encode(value)
            except Exception:  # pragma: no cover - msgspec encodes what it decoded
                raise Unsure from None
            size = len(text)
            if size <= limits.max_string and (
                size < limits.max_record_items or text.count(b",") < limits.max_record_items
            ):
                return text.count(b":")
        return _measure(value, limits, depth)

    def finish(self) -> None:
        """Raise `Unsure` unless every record was measured and no key is repeated."""
        if self._counted != self._colons:
            raise Unsure


def _same(value: Any) -> Any:
    return value


def _starts_list(raw: Any) -> bool:
    """Whether a msgspec ``Raw`` value is a JSON list."""
    return bytes(memoryview(raw)[:1]) == b"["


#: the standard library's JSON reader without the hooks that locate problems: duplicate keys
#: and long numbers are found by `JsonRecords` instead
_STDLIB_JSON: Final = json.JSONDecoder(parse_constant=_reject_constant)


def _measure(data: Any, limits: Limits, depth: int) -> int:
    """Keys plus the colons in string values of ``data`` at ``depth``; `Unsure` past a limit."""
    level = [data]
    counted = 0
    max_string, isfinite = limits.max_string, math.isfinite
    while level:
        if depth > limits.max_depth:
            raise Unsure
        max_items = limits.max_items if depth < 2 else limits.max_record_items
        deeper: list[Any] = []
        for node in level:
            kind = type(node)
            if kind is str:
                if len(node) > max_string:
                    raise Unsure
                counted += node.count(":")
            elif kind is dict:
                if len(node) > max_items:
                    raise Unsure
                counted += len(node)
                deeper.extend(node.values())
            elif kind is list:
                if len(node) > max_items:
                    raise Unsure
                deeper.extend(node)
            elif kind is float:
                if not isfinite(node):
                    raise Unsure
            elif kind is int and not -_INT_BOUND < node < _INT_BOUND:
                raise Unsure
        level = deeper
        depth += 1
    return counted


# --------------------------------------------------------------------------------------------
# Entry points

_LOADERS: Final[dict[str, Callable[[str, str], Any]]] = {"yaml": _load_yaml, "json": _load_json}


def parse_text(
    text: str, format: str, file: str, limits: Limits = LIMITS, *, mapping: bool = False
) -> Any:
    """Parse ``text`` as ``format`` (``"yaml"`` or ``"json"``) into plain, bounded data.

    Args:
        text: The document.
        format: ``"yaml"`` or ``"json"``.
        file: The name problems carry.
        limits: The bounds to enforce.
        mapping: Whether the document must be a mapping (a whole evidence document); one
            that is a list is then refused before it is built.

    Raises:
        ValidationError: For anything that is not a well-formed, bounded document.
    """
    return _parse_text(text, format, file, limits, mapping=mapping, decoded=False)


def _parse_text(
    text: str, format: str, file: str, limits: Limits, *, mapping: bool, decoded: bool
) -> Any:
    """`parse_text`; ``decoded`` says the text was decoded from UTF-8."""
    if format not in _LOADERS:
        raise _fail(file, "", f"expected format 'yaml' or 'json' (got {_shown(format)})")
    if not isinstance(text, str):
        raise _fail(file, "", f"expected text (got {type(text).__name__})")
    cap = limits.max_yaml_bytes if format == "yaml" else limits.max_json_bytes
    if len(text) > cap:
        raise _fail(file, "", f"the document is larger than the {format} limit of {cap} bytes")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _fail(file, "", "the document is empty")
    if not decoded:
        _refuse_raw_surrogate(text, file)
    if format == "yaml":
        _prescan_yaml(text, file, limits, mapping)
    else:
        _precheck_json(text, file, limits, mapping)
    data = _LOADERS[format](text, file)
    if data is None:
        raise _fail(file, "", "the document holds nothing but comments")
    record_depth = _record_depth(mapping)
    if format == "yaml" or not _within_limits(data, limits, record_depth):
        # raises, saying where, when something is wrong
        _check_tree(data, file, limits, record_depth)
    # "\\u" in text is a plain substring search, far cheaper than the expressions, and no
    # surrogate escape is written without it: most files skip the expression altogether
    escaped = "\\u" in text or (format == "yaml" and "\\U" in text)
    if escaped and (_SURROGATE_ESCAPE if format == "yaml" else _JSON_LONE_ESCAPE).search(text):
        _refuse_escaped_surrogate(data, file)
    return data


def parse_bytes(
    data: bytes, format: str, file: str, limits: Limits = LIMITS, *, mapping: bool = False
) -> Any:
    """Decode UTF-8 (with or without a byte-order mark) and parse.

    Raises:
        ValidationError: For bytes that are not UTF-8, and everything `parse_text` refuses.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(file, "", "expected UTF-8 text (found a UTF-16 byte-order mark)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _fail(
            file, "", f"expected UTF-8 text (byte {err.start} is 0x{data[err.start]:02x})"
        ) from None
    return _parse_text(text, format, file, limits, mapping=mapping, decoded=True)


#: Locations are looked up only for text up to this size: the lookup parses the text again.
LOCATE_MAX: Final = 4 * 1024 * 1024


def locate(text: str, paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Where each path (``studies[2].arms[0].size``) starts in YAML or JSON text, from 1.

    A path that names a key (an unknown field) is located at the key. Paths not found, and
    text that does not parse or is larger than `LOCATE_MAX`, give no location. Only the
    problems of a failed load are located, so the second parse costs nothing on success.
    """
    wanted = {p for p in paths if p}
    found: dict[str, tuple[int, int]] = {}
    if not wanted or len(text) > LOCATE_MAX:
        return found
    # Each frame: [is_mapping, items seen, path of the collection, last key]
    stack: list[list[Any]] = []

    def here() -> str | None:
        if not stack:
            return ""
        frame = stack[-1]
        if frame[0]:
            return None if frame[1] % 2 == 0 else _child(frame[2], frame[3])
        return f"{frame[2]}[{frame[1]}]"

    def note(path: str | None, mark: Any) -> None:
        if path is not None and path in wanted and path not in found:
            found[path] = (mark.line + 1, mark.column + 1)

    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                frame = stack[-1] if stack else None
                if frame is not None and frame[0] and frame[1] % 2 == 0:  # a key
                    key = getattr(event, "value", None)
                    frame[3] = key if isinstance(key, str) else "?"
                    note(_child(frame[2], frame[3]), event.start_mark)
                else:
                    note(here(), event.start_mark)
                if frame is not None:
                    frame[1] += 1
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                path = here() or ""
                note(path, event.start_mark)
                stack.append([isinstance(event, yaml.MappingStartEvent), 0, path, None])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                if stack:
                    stack[-1][1] += 1
            if len(found) == len(wanted):
                break
    except yaml.YAMLError:
        pass
    return found


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
