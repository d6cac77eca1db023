"""Reading and writing evidence documents: parse, structure, check, assemble."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import stat
import warnings
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, overload

import attrs
import cattrs
import yaml

from . import _model as m
from ._base import EvidenceBase
from ._consistency import check_consistency
from ._convert import Registry, make_converter, make_fast_converter, registry, structure_one
from ._errors import Problem, ValidationError
from ._parse import (
    DOCUMENT_KEYS,
    LIMITS,
    JsonRecords,
    Unsure,
    locate,
    parse_bytes,
    parse_text,
    plain_scalar_tag,
    shorten,
)

if TYPE_CHECKING:
    from attrs import AttrsInstance

__all__ = ["FORMAT_VERSION", "dump", "load_file", "loads", "to_data"]

T = TypeVar("T")

FORMAT_VERSION: Final = 2
#: Versions still read (with a `DeprecationWarning` naming ``vitk2 upgrade``).
OLD_FORMAT_VERSIONS: Final = (1,)
"""The version of the evidence-file format this release reads and writes."""

MAX_PROBLEMS: Final = 1000
"""At most this many problems are reported for one document (then a count of the rest)."""

_TOP_KEYS: Final = DOCUMENT_KEYS

#: The longest path and message a problem carries: a message that quotes a user's value
#: (a model check's ``(got ...)``) is cut there, with its length, so no error grows with its input.
MAX_PATH: Final = 300
MAX_MESSAGE: Final = 1000


def _bounded(problem: Problem) -> Problem:
    path, message = problem.path, problem.message
    if len(path) <= MAX_PATH and len(message) <= MAX_MESSAGE:
        return problem
    return Problem(
        problem.file,
        shorten(path, MAX_PATH),
        shorten(message, MAX_MESSAGE),
        line=problem.line,
        column=problem.column,
        code=problem.code,
    )


@lru_cache(maxsize=1)
def converter() -> cattrs.Converter:
    """The one converter, built on first use."""
    return make_converter()


@lru_cache(maxsize=1)
def fast_converter() -> cattrs.Converter:
    """The converter tried first on every record (see `_structure`), built on first use."""
    return make_fast_converter()


def _structure(data: Any, cls: type[T], file: str, path: str) -> tuple[T | None, list[Problem]]:
    """Structure one record: fast, or, if that fails, with every problem located.

    The fast converter stops at the first problem without saying where; only then is the record
    structured again by the detailed converter, whose problems are the ones reported. A record
    the fast converter accepts is one the detailed converter accepts as an equal object.
    """
    try:
        return fast_converter().get_structure_hook(cls)(data, cls), []
    except Exception:  # any failure: ask the detailed converter what it is
        return structure_one(converter(), data, cls, file, path)


def _records(
    data: dict[str, Any],
    key: str,
    cls: type[T],
    file: str,
    problems: list[Problem],
    unexamined: list[tuple[str, int]],
) -> list[T]:
    """The records of ``data[key]``; the problems of those that fail go to ``problems``.

    Once more problems are found than are reported (`MAX_PROBLEMS`), the records left
    are not examined, only counted in ``unexamined`` (the first's path, how many): the load fails whatever they hold, and
    locating the problems of a million broken records would cost minutes.
    """
    raw = data.get(key, [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        problems.append(Problem(file, key, f"expected a list of {key} (got {type(raw).__name__})"))
        return []
    out: list[T] = []
    hook = fast_converter().get_structure_hook(cls)
    for i, item in enumerate(raw):
        if len(problems) > MAX_PROBLEMS:
            unexamined.append((f"{key}[{i}]", len(raw) - i))
            break
        try:
            out.append(hook(item, cls))
            continue
        except Exception:  # located by the detailed converter below
            pass
        record, errs = structure_one(converter(), item, cls, file, f"{key}[{i}]")
        if record is not None:
            out.append(record)
        problems.extend(errs)
    return out


def _register(
    reg: Registry, table: dict[str, Any], data: dict[str, Any], key: str, records: list[Any]
) -> None:
    for r in records:
        table.setdefault(r.id, r)
    raw = data.get(key)
    if isinstance(raw, list):
        for item in raw:
            rid = item.get("id") if isinstance(item, dict) else None
            if isinstance(rid, str) and rid not in table:
                reg.broken.add(rid)


def _document(data: Any, file: str, base: EvidenceBase | None) -> EvidenceBase:
    if not isinstance(data, dict):
        raise ValidationError(
            [
                Problem(
                    file,
                    "",
                    f"expected a mapping with keys {', '.join(_TOP_KEYS)} "
                    f"(got {type(data).__name__})",
                )
            ]
        )
    problems: list[Problem] = []
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(
                Problem(
                    file,
                    str(key),
                    f"unknown field; expected one of {', '.join(_TOP_KEYS)}",
                    code="unknown-field",
                )
            )
    version = data.get("vitk2", FORMAT_VERSION)
    if version in OLD_FORMAT_VERSIONS and not isinstance(version, bool):
        warnings.warn(
            f"{file}: evidence format {version} is deprecated; `vitk2 upgrade {file}` rewrites "
            f"the file in format {FORMAT_VERSION}",
            DeprecationWarning,
            stacklevel=4,
        )
    elif version != FORMAT_VERSION or isinstance(version, bool):
        problems.append(
            Problem(
                file,
                "vitk2",
                f"expected format version {FORMAT_VERSION} (got {shorten(repr(version))})",
            )
        )

    dataset: m.Dataset | None = None
    if data.get("dataset") is not None:
        dataset, errs = _structure(data["dataset"], m.Dataset, file, "dataset")
        problems.extend(errs)

    reg = Registry()
    if base is not None:
        reg.compounds.update((c.id, c) for c in base.compounds)
        reg.indications.update((i.id, i) for i in base.indications)
        reg.endpoints.update((e.id, e) for e in base.endpoints)
        reg.citations.update((c.id, c) for c in base.citations)
    unexamined: list[tuple[str, int]] = []
    with registry(reg):
        compounds = _records(data, "compounds", m.Compound, file, problems, unexamined)
        _register(reg, reg.compounds, data, "compounds", compounds)
        indications = _records(data, "indications", m.Indication, file, problems, unexamined)
        _register(reg, reg.indications, data, "indications", indications)
        endpoints = _records(data, "endpoints", m.Endpoint, file, problems, unexamined)
        _register(reg, reg.endpoints, data, "endpoints", endpoints)
        citations = _records(data, "citations", m.Citation, file, problems, unexamined)
        _register(reg, reg.citations, data, "citations", citations)
        studies = _records(data, "studies", m.Study, file, problems, unexamined)
    if base is not None:
        for key, records in (
            ("compounds", compounds),
            ("indications", indications),
            ("endpoints", endpoints),
            ("citations", citations),
            ("studies", studies),
        ):
            problems.extend(_conflicts(base, data, key, records, file))

    if not problems:
        if base is None:
            problems.extend(
                check_consistency(
                    compounds, indications, citations, studies, file, endpoints=endpoints
                )
            )
        else:
            problems.extend(
                _check_against(base, compounds, indications, citations, studies, file, endpoints)
            )
    if problems:
        # A reference to a record that is itself invalid is not a second problem.
        primary = [p for p in problems if p.code != "itself-invalid"] or problems
        if len(primary) > MAX_PROBLEMS:
            more = len(primary) - MAX_PROBLEMS
            rest = f"... and {more} more problems"
            if unexamined:
                left = sum(n for _, n in unexamined)
                rest += f"; the {left} records from {unexamined[0][0]} on were not examined"
            primary = [*primary[:MAX_PROBLEMS], Problem(file, "", rest)]
        raise ValidationError([_bounded(p) for p in primary])
    if base is None:
        return EvidenceBase(
            compounds=tuple(compounds),
            indications=tuple(indications),
            citations=tuple(citations),
            studies=tuple(studies),
            dataset=dataset,
            endpoints=tuple(endpoints),
        )
    try:
        return base.merge(
            _partial(base, compounds, indications, citations, studies, dataset, endpoints)
        )
    except ValidationError as err:  # what the checks above missed still names the file
        raise type(err)([_bounded(attrs.evolve(p, file=file)) for p in err.problems]) from None


#: the lists of records of a document, in the order they are structured
_RECORD_LISTS: Final = (
    ("compounds", m.Compound),
    ("indications", m.Indication),
    ("endpoints", m.Endpoint),
    ("citations", m.Citation),
    ("studies", m.Study),
)


def _fast_document(data: bytes, file: str) -> EvidenceBase:
    """A valid JSON document's base, built record by record; `Unsure` for anything else.

    Each record is decoded (`JsonRecords`), structured by the fast converter and let go,
    so the document is never held whole as plain data: a load needs the file's bytes, one
    record's data and the records built. Only a document that `_document` would read
    without a problem is read here; at the first sign of one (a limit, a record the fast
    converter refuses, a problem between records) the load starts again on the standard path,
    which reports exactly what it always reports.
    """
    doc = JsonRecords(data, LIMITS)
    values = doc.values
    version = values.get("vitk2", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise Unsure
    if any(key not in _TOP_KEYS for key in values) or any(
        key not in ("compounds", "indications", "endpoints", "citations", "studies")
        for key in doc.lists
    ):
        raise Unsure
    fast = fast_converter()
    try:
        dataset: m.Dataset | None = None
        if values.get("dataset") is not None:
            dataset = fast.get_structure_hook(m.Dataset)(values["dataset"], m.Dataset)
        for key in ("compounds", "indications", "endpoints", "citations", "studies"):
            if key in values and values[key] is not None:
                raise Unsure  # not a list: the standard path says so
        reg = Registry()
        tables: dict[str, dict[str, Any]] = {
            "compounds": reg.compounds,
            "indications": reg.indications,
            "endpoints": reg.endpoints,
            "citations": reg.citations,
        }
        built: dict[str, list[Any]] = {}
        record = doc.record
        with registry(reg):
            for key, cls in _RECORD_LISTS:
                items = doc.lists.get(key, [])
                hook = fast.get_structure_hook(cls)
                records = built[key] = []
                append = records.append
                for i, item in enumerate(items):
                    append(hook(record(item), cls))
                    items[i] = None  # let the record's data go
                table = tables.get(key)
                if table is not None:
                    for r in records:
                        table.setdefault(r.id, r)
    except Unsure:
        raise
    except Exception:  # a record the fast converter refuses: the standard path locates it
        raise Unsure from None
    doc.finish()
    try:  # the base checks the records against each other, as _document has them checked
        return EvidenceBase(
            compounds=tuple(built["compounds"]),
            indications=tuple(built["indications"]),
            citations=tuple(built["citations"]),
            studies=tuple(built["studies"]),
            dataset=dataset,
            endpoints=tuple(built["endpoints"]),
        )
    except ValidationError:  # the standard path reports the problems with their file
        raise Unsure from None


def _conflicts(
    base: EvidenceBase, data: dict[str, Any], key: str, records: list[Any], file: str
) -> list[Problem]:
    """The records of ``data[key]`` that ``base`` defines differently, at their ids' paths.

    Found here, before the merge, so that each is reported at its place in the file, and the
    records that refer to it are not reported as referring to something not in the base.
    """
    theirs: dict[str, Any] = {r.id: r for r in getattr(base, key)}
    mine = {r.id: r for r in records if r.id in theirs and theirs[r.id] != r}
    if not mine:
        return []
    problems: list[Problem] = []
    for i, item in enumerate(data.get(key) or ()):
        rid = item.get("id") if isinstance(item, dict) else None
        if isinstance(rid, str) and rid in mine:
            record, other = mine[rid], theirs[rid]
            differ = [
                a.name
                for a in attrs.fields(type(record))
                if getattr(record, a.name) != getattr(other, a.name)
            ]
            problems.append(
                Problem(
                    file,
                    f"{key}[{i}].id",
                    f"conflicting id {shorten(repr(rid))}: the base defines it differently "
                    f"({', '.join(differ)} differ)",
                )
            )
    return problems


def _check_against(
    base: EvidenceBase,
    compounds: list[m.Compound],
    indications: list[m.Indication],
    citations: list[m.Citation],
    studies: list[m.Study],
    file: str,
    endpoints: list[m.Endpoint],
) -> list[Problem]:
    return check_consistency(
        compounds,
        [*indications, *[i for i in base.indications if i.id not in {x.id for x in indications}]],
        [*citations, *[c for c in base.citations if c.id not in {x.id for x in citations}]],
        studies,
        file,
        endpoints=[
            *endpoints,
            *[e for e in base.endpoints if e.id not in {x.id for x in endpoints}],
        ],
    )


def _partial(
    base: EvidenceBase,
    compounds: list[m.Compound],
    indications: list[m.Indication],
    citations: list[m.Citation],
    studies: list[m.Study],
    dataset: m.Dataset | None,
    endpoints: list[m.Endpoint] = [],  # noqa: B006 - read only
) -> EvidenceBase:
    """The new records plus what they refer to in ``base``, as a base of their own."""
    used_c = {c.id: c for s in studies for c in s.compounds}
    used_i = {i.id: i for s in studies for i in s.indications}
    used_i.update((f.indication.id, f.indication) for s in studies for f in s.findings)
    used_r = {c.id: c for s in studies for c in s.reports}
    for r in (*used_r.values(), *citations):
        used_i.update((i.id, i) for i in r.indications)
    # parents and linked citations of what is used
    ids = set(used_i)
    for ind in list(indications) + list(base.indications):
        if ind.id in ids and ind.parent:
            ids.add(ind.parent)
    changed = True
    while changed:
        changed = False
        for ind in (*indications, *base.indications):
            if ind.id in ids and ind.parent and ind.parent not in ids:
                ids.add(ind.parent)
                changed = True
    own_c = {c.id for c in compounds}
    own_i = {i.id for i in indications}
    own_r = {c.id for c in citations}
    cit_ids = set(used_r) | own_r
    for s in studies:
        for f in s.findings:
            cit_ids.update(f.rests_on)
    changed = True
    while changed:
        changed = False
        for c in (*citations, *base.citations):
            if c.id in cit_ids:
                for link in (c.reports_on, c.integrity.notice):
                    if link and link not in cit_ids:
                        cit_ids.add(link)
                        changed = True
    return EvidenceBase(
        compounds=(
            *compounds,
            *(c for c in base.compounds if c.id in used_c and c.id not in own_c),
        ),
        indications=(
            *indications,
            *(i for i in base.indications if i.id in ids and i.id not in own_i),
        ),
        citations=(
            *citations,
            *(c for c in base.citations if c.id in cit_ids and c.id not in own_r),
        ),
        studies=tuple(studies),
        dataset=dataset,
        endpoints=(*endpoints, *_used_endpoints(base, endpoints, studies)),
    )


def _used_endpoints(
    base: EvidenceBase, own: list[m.Endpoint], studies: list[m.Study]
) -> tuple[m.Endpoint, ...]:
    """The base's endpoints that ``studies`` (or ``own`` endpoints) name, with their parents."""
    by_id = {e.id: e for e in base.endpoints}
    own_ids = {e.id for e in own}
    todo = [f.outcome.endpoint.id for s in studies for f in s.findings if f.outcome.endpoint]
    todo += [e.parent for e in own if e.parent]
    keep: set[str] = set()
    while todo:
        eid = todo.pop()
        if eid in keep or eid in own_ids or eid not in by_id:
            continue
        keep.add(eid)
        parent = by_id[eid].parent
        if parent:
            todo.append(parent)
    return tuple(e for e in base.endpoints if e.id in keep)


@overload
def loads(
    text: str | bytes,
    format: Literal["yaml", "json"] = ...,
    *,
    file: str = ...,
    base: EvidenceBase | None = ...,
    as_type: None = ...,
) -> EvidenceBase: ...
@overload
def loads(
    text: str | bytes,
    format: Literal["yaml", "json"] = ...,
    *,
    file: str = ...,
    base: EvidenceBase | None = ...,
    as_type: type[T],
) -> T: ...


def loads(
    text: str | bytes,
    format: Literal["yaml", "json"] = "yaml",
    *,
    file: str = "<string>",
    base: EvidenceBase | None = None,
    as_type: type[T] | None = None,
) -> EvidenceBase | T:
    """Load evidence from YAML or JSON text.

    Args:
        text: The document, as text or UTF-8 bytes.
        format: ``"yaml"`` (default) or ``"json"``.
        file: The name to use in error messages.
        base: An evidence base that references (compound, indication and citation ids) may
            point into; the result is ``base`` merged with the document's records.
        as_type: Load one model object (a [`Compound`][vitk2.Compound], a
            [`Study`][vitk2.Study] ...) instead of a whole document, as [`dump`][vitk2.dump] writes it.

    Returns:
        An [`EvidenceBase`][vitk2.EvidenceBase], or an instance of ``as_type``.

    Raises:
        ValidationError: With every problem found, each with its file and path.

    *Added in version 0.1.0*.
    """
    whole = as_type is None or as_type is EvidenceBase  # a document: it must be a mapping
    if whole and base is None and format == "json" and isinstance(text, bytes):
        try:
            return _fast_document(text, file)
        except Unsure:  # the standard path decides: it refuses the document, or reads it
            pass
    data = (
        parse_bytes(text, format, file, mapping=whole)
        if isinstance(text, bytes)
        else parse_text(text, format, file, mapping=whole)
    )
    try:
        result: EvidenceBase | T = from_data(data, file=file, base=base, as_type=as_type)
    except ValidationError as err:
        raise _located(err, text, file) from None
    return result


def _ancestors(path: str) -> list[str]:
    """``a[1].b`` and then its ancestors: ``a[1]``, ``a``."""
    out = [path]
    while True:
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return out
        path = path[:cut]
        out.append(path)


def _located(err: ValidationError, text: str | bytes, file: str) -> ValidationError:
    """The same error with each of the file's problems given its line and column."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return err
    mine = [p.path for p in err.problems if p.file == file and p.path and p.line is None]
    wanted = {a for path in mine for a in _ancestors(path)}
    found = locate(text, wanted)
    where = {}  # a path not in the text (a missing field) is located at its nearest ancestor
    for path in mine:
        hit = next((found[a] for a in _ancestors(path) if a in found), None)
        if hit is not None:
            where[path] = hit
    if not where:
        return err
    problems = [
        attrs.evolve(p, line=where[p.path][0], column=where[p.path][1])
        if p.file == file and p.path in where
        else p
        for p in err.problems
    ]
    located = copy.copy(err)
    located.problems = tuple(problems)
    located.args = (located.problems,)
    return located


def from_data(
    data: Any,
    *,
    file: str = "<data>",
    base: EvidenceBase | None = None,
    as_type: type[T] | None = None,
) -> Any:
    """Structure already-parsed data (dicts and lists) as [`loads`][vitk2.loads] does."""
    if as_type is None or as_type is EvidenceBase:
        return _document(data, file, base)
    reg = Registry()
    if base is not None:
        reg.compounds.update((c.id, c) for c in base.compounds)
        reg.indications.update((i.id, i) for i in base.indications)
        reg.endpoints.update((e.id, e) for e in base.endpoints)
        reg.citations.update((c.id, c) for c in base.citations)
    kind = getattr(as_type, "kind", None)
    if isinstance(kind, str) and isinstance(data, dict) and data.get("kind") == kind:
        data = {k: v for k, v in data.items() if k != "kind"}
    with registry(reg):
        obj, problems = _structure(data, as_type, file, "")
    if problems:
        raise ValidationError([_bounded(p) for p in problems])
    return obj


def load_file(
    path: str | os.PathLike[str],
    *,
    format: Literal["yaml", "json"] | None = None,
    base: EvidenceBase | None = None,
) -> EvidenceBase:
    """Load an evidence file.

    Only a regular file is read (a directory, a named pipe or a device such as ``/dev/zero``,
    even behind a symbolic link, is refused without being read), and never more than the
    format's size limit allows, whatever the file system says its size is.

    Args:
        path: A ``.yaml``, ``.yml`` or ``.json`` file.
        format: Overrides the format the suffix implies.
        base: As for [`loads`][vitk2.loads].

    Raises:
        ValidationError: For a path that is not one (not text or ``os.PathLike``, or holding a
            NUL character), a file that cannot be read, and a file that is not valid evidence;
            the problems name the file and the path inside it.

    *Added in version 0.1.0*.
    """
    name, where = _file_path(path)
    fmt = format if format is not None else _SUFFIXES.get(Path(where).suffix.lower())
    if fmt is None:
        raise ValidationError(
            [Problem(name, "", "cannot tell the format: use .yaml, .yml or .json, or pass format=")]
        )
    if fmt not in ("yaml", "json"):
        raise ValidationError(
            [Problem(name, "", f"expected format 'yaml' or 'json' (got {shorten(repr(fmt))})")]
        )
    limit = LIMITS.max_yaml_bytes if fmt == "yaml" else LIMITS.max_json_bytes
    raw = _read_file(where, name, fmt, limit)
    return loads(raw, fmt, file=name, base=base)


_SUFFIXES: Final[dict[str, Literal["yaml", "json"]]] = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
}

#: how open() is asked to behave: no blocking on a FIFO with no writer (it is refused after
#: the open), no controlling terminal from a terminal device, binary mode on Windows, and no
#: descriptor leaked into a child process
_OPEN_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
#: read size once a file has given more than ``stat`` said it held
_CHUNK: Final = 2**20


def _file_path(path: object) -> tuple[str, str]:
    """The name problems carry for ``path`` and the path to open, or a ValidationError."""
    try:
        where = os.fspath(path)  # type: ignore[call-overload]
    except TypeError:
        where = None
    if not isinstance(where, str):
        raise ValidationError(
            [
                Problem(
                    shorten(repr(path)),
                    "",
                    f"expected a file path as text or os.PathLike (got {type(path).__name__})",
                )
            ]
        )
    # A name that cannot be printed (a lone surrogate from an undecodable file name) is shown
    # escaped, so that printing the error cannot fail.
    name = (
        where.encode("utf-8", "backslashreplace").decode("utf-8") if not where.isascii() else where
    )
    name = shorten(name, 4096)
    if "\0" in where:
        raise ValidationError(
            [
                Problem(
                    name.replace("\0", "\\0"),
                    "",
                    "cannot read the file: the path holds a NUL character",
                    code="unreadable",
                )
            ]
        )
    return name, where


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"  # pragma: no cover - door files and the like


def _read_file(where: str, name: str, fmt: str, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of the regular file at ``where``."""

    def refuse(message: str, code: str | None = "unreadable") -> ValidationError:
        return ValidationError([Problem(name, "", message, code=code)])

    # Refuse a device or a FIFO before opening it (opening some has effects), and again from
    # the opened descriptor, in case the path changed in between.
    try:
        kind = _kind_of(os.stat(where).st_mode)
        fd = os.open(where, _OPEN_FLAGS) if kind is None else -1
    except (OSError, ValueError) as err:  # ValueError: a name the file system cannot encode
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise refuse(f"cannot read the file: {shorten(reason, 200)}") from None
    if kind is not None:
        raise refuse(f"cannot read the file: it is {kind}, not a regular file")
    try:
        info = os.fstat(fd)
        kind = _kind_of(info.st_mode)
        if kind is not None:
            raise refuse(f"cannot read the file: it is {kind}, not a regular file")
        too_large = refuse(f"the file is larger than the {fmt} limit of {limit} bytes", None)
        if info.st_size > limit:
            raise too_large
        # The first read asks for what stat promised and one byte more; a file that grew, or
        # whose size stat understates, is read on in chunks, never past the limit.
        chunks: list[bytes] = []
        total, ask = 0, info.st_size + 1
        while total <= limit:
            chunk = os.read(fd, min(ask, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            ask = _CHUNK
        if total > limit:
            raise too_large
    except OSError as err:
        raise refuse(f"cannot read the file: {shorten(err.strerror or str(err), 200)}") from None
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def to_data(obj: Any) -> Any:
    """The plain data (dicts, lists, strings, numbers) a model object or base dumps as."""
    conv = converter()
    if isinstance(obj, EvidenceBase):
        out: dict[str, Any] = {"vitk2": FORMAT_VERSION}
        if obj.dataset is not None:
            out["dataset"] = conv.unstructure(obj.dataset, m.Dataset)
        for key, cls in (
            ("compounds", m.Compound),
            ("indications", m.Indication),
            ("endpoints", m.Endpoint),
            ("citations", m.Citation),
            ("studies", m.Study),
        ):
            if key == "endpoints" and not obj.endpoints:
                continue  # written only when held: a base without endpoints reads as before
            out[key] = [conv.unstructure(r, cls) for r in getattr(obj, key)]
        return out
    if attrs.has(type(obj)):
        data = conv.unstructure(obj, type(obj))
        kind = getattr(type(obj), "kind", None)
        if isinstance(kind, str) and isinstance(data, dict):  # a statistic keeps its tag
            data = {"kind": kind, **data}
        return data
    raise TypeError(f"expected an EvidenceBase or a model object (got {type(obj).__name__})")


def canonical_digest(base: EvidenceBase) -> str:
    """SHA-256 of ``base``'s canonical JSON form: what `EvidenceBase.content_hash` gives.

    The canonical form is the base's data form (as [`dump`][vitk2.dump] writes it) without
    its dataset header, as compact JSON with sorted keys and text left unescaped. It is fed
    to the hash a few records at a time, in that form's order, so neither the whole data
    form nor its text is ever held at once; the digest is the one of the whole text.

    With msgspec (the ``fast`` extra, in a release whose encoders sort keys) msgspec writes
    the text, each float as the standard library writes it: the same bytes, several times
    faster. Anything msgspec refuses is written by the standard library instead, which
    accepts or refuses it as it always has.
    """
    fast = _canonical_writer()
    if fast is not None:
        conv, write = fast
        try:
            return _digest(base, conv, write)
        except Exception:  # e.g. a lone surrogate in a hand-built record: as below, or its error
            pass
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
    return _digest(base, converter(), lambda value: encode(value).encode())


def _digest(base: EvidenceBase, conv: cattrs.Converter, write: Callable[[Any], bytes]) -> str:
    """The canonical digest, each part's JSON text written by ``write``."""
    digest = hashlib.sha256()
    parts: tuple[tuple[str, type, tuple[Any, ...]], ...] = (  # the data form's keys, sorted
        ("citations", m.Citation, base.citations),
        ("compounds", m.Compound, base.compounds),
        *((("endpoints", m.Endpoint, base.endpoints),) if base.endpoints else ()),  # when held
        ("indications", m.Indication, base.indications),
        ("studies", m.Study, base.studies),
    )
    head = b"{"
    for key, cls, records in parts:
        hook = conv.get_unstructure_hook(cls)
        digest.update(head + write(key) + b":[")
        # A few records at a time: few calls, and their data freed before the collector
        # runs (data held across its runs is moved to older generations, whose collections
        # walk the whole base: slices of 256 made the hash a third slower).
        for i in range(0, len(records), 8):
            text = write([hook(r) for r in records[i : i + 8]])[1:-1]
            digest.update(b"," + text if i else text)
        digest.update(b"]")
        head = b","
    digest.update(b',"vitk2":' + write(FORMAT_VERSION) + b"}")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _canonical_writer() -> tuple[cattrs.Converter, Callable[[Any], bytes]] | None:
    """The writer of sorted, compact JSON of msgspec and a converter for it, when installed."""
    try:
        import msgspec

        write = msgspec.json.Encoder(order="sorted").encode
    except (ImportError, TypeError):  # no msgspec, or a release without order= (before 0.18.5)
        return None
    raw = msgspec.Raw
    return make_converter(float_form=lambda x: raw(json_float(x))), write


def json_float(x: float) -> bytes:
    """The text ``json.dumps`` writes for the float ``x``."""
    if x != x:
        return b"NaN"
    if x in (math.inf, -math.inf):
        return b"Infinity" if x > 0 else b"-Infinity"
    return float.__repr__(x).encode()


try:
    _BaseDumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _BaseDumper = yaml.SafeDumper


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """A safe dumper that writes as plain text only what YAML 1.2 and 1.1 both read as text.

    vitk2 reads YAML 1.2, where ``1e5`` and ``0o17`` are numbers; PyYAML writes YAML 1.1,
    where ``NO`` and ``1:20`` are not text. A string either would read as something else is
    quoted, so the file reads back equal in vitk2 and in any other YAML reader.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        tag = super().resolve(kind, value, implicit)
        if kind is yaml.ScalarNode and implicit[0] and tag == _STR_TAG:
            return plain_scalar_tag(value)
        return tag


_STR_TAG: Final = "tag:yaml.org,2002:str"


def dump(obj: EvidenceBase | AttrsInstance, format: Literal["yaml", "json"] = "yaml") -> str:
    """Write an evidence base or a model object as YAML or JSON text.

    ``loads(dump(base)) == base`` and ``loads(dump(x), as_type=type(x)) == x``.

    Args:
        obj: An [`EvidenceBase`][vitk2.EvidenceBase] or any model object.
        format: ``"yaml"`` (default) or ``"json"``.

    Raises:
        ValueError: For an unknown format.
        TypeError: For an object that is not part of the model.

    *Added in version 0.1.0*.
    """
    data = to_data(obj)
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if format == "yaml":
        return str(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))
    raise ValueError(f"expected format 'yaml' or 'json' (got {format!r})")
