"""Reading and writing evidence documents: parse, structure, check, assemble."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, TypeVar, overload

import attrs
import cattrs
import yaml

from . import _model as m
from ._base import EvidenceBase, check_consistency
from ._convert import Registry, make_converter, make_fast_converter, registry, structure_one
from ._errors import Problem, ValidationError
from ._parse import parse_bytes, parse_text

__all__ = ["FORMAT_VERSION", "dump", "load_file", "loads", "to_data"]

T = TypeVar("T")

FORMAT_VERSION: Final = 1
"""The version of the evidence-file format this release reads and writes."""

MAX_PROBLEMS: Final = 1000
"""At most this many problems are reported for one document (then a count of the rest)."""

_TOP_KEYS: Final = ("vitk2", "dataset", "compounds", "indications", "citations", "studies")


@lru_cache(maxsize=1)
def converter() -> cattrs.Converter:
    """The one converter, built on first use."""
    return make_converter()


@lru_cache(maxsize=1)
def fast_converter() -> cattrs.Converter:
    """The converter tried first on every record (see :func:`_structure`), built on first use."""
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
    data: dict[str, Any], key: str, cls: type[T], file: str, problems: list[Problem]
) -> list[T]:
    raw = data.get(key, [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        problems.append(Problem(file, key, f"expected a list of {key} (got {type(raw).__name__})"))
        return []
    out: list[T] = []
    hook = fast_converter().get_structure_hook(cls)
    for i, item in enumerate(raw):
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
                Problem(file, str(key), f"unknown field; expected one of {', '.join(_TOP_KEYS)}")
            )
    version = data.get("vitk2", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        problems.append(
            Problem(file, "vitk2", f"expected format version {FORMAT_VERSION} (got {version!r})")
        )

    dataset: m.Dataset | None = None
    if data.get("dataset") is not None:
        dataset, errs = _structure(data["dataset"], m.Dataset, file, "dataset")
        problems.extend(errs)

    reg = Registry()
    if base is not None:
        reg.compounds.update((c.id, c) for c in base.compounds)
        reg.indications.update((i.id, i) for i in base.indications)
        reg.citations.update((c.id, c) for c in base.citations)
    with registry(reg):
        compounds = _records(data, "compounds", m.Compound, file, problems)
        _register(reg, reg.compounds, data, "compounds", compounds)
        indications = _records(data, "indications", m.Indication, file, problems)
        _register(reg, reg.indications, data, "indications", indications)
        citations = _records(data, "citations", m.Citation, file, problems)
        _register(reg, reg.citations, data, "citations", citations)
        studies = _records(data, "studies", m.Study, file, problems)

    if not problems:
        if base is None:
            problems.extend(check_consistency(compounds, indications, citations, studies, file))
        else:
            problems.extend(_check_against(base, compounds, indications, citations, studies, file))
    if problems:
        # A reference to a record that is itself invalid is not a second problem.
        primary = [p for p in problems if not p.message.endswith(" is itself invalid")] or problems
        if len(primary) > MAX_PROBLEMS:
            more = len(primary) - MAX_PROBLEMS
            primary = [*primary[:MAX_PROBLEMS], Problem(file, "", f"... and {more} more problems")]
        raise ValidationError(primary)
    if base is None:
        return EvidenceBase(
            compounds=tuple(compounds),
            indications=tuple(indications),
            citations=tuple(citations),
            studies=tuple(studies),
            dataset=dataset,
        )
    return base.merge(_partial(base, compounds, indications, citations, studies, dataset))


def _check_against(
    base: EvidenceBase,
    compounds: list[m.Compound],
    indications: list[m.Indication],
    citations: list[m.Citation],
    studies: list[m.Study],
    file: str,
) -> list[Problem]:
    return check_consistency(
        compounds,
        [*indications, *[i for i in base.indications if i.id not in {x.id for x in indications}]],
        [*citations, *[c for c in base.citations if c.id not in {x.id for x in citations}]],
        studies,
        file,
    )


def _partial(
    base: EvidenceBase,
    compounds: list[m.Compound],
    indications: list[m.Indication],
    citations: list[m.Citation],
    studies: list[m.Study],
    dataset: m.Dataset | None,
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
    )


@overload
def loads(
    text: str | bytes,
    format: str = ...,
    *,
    file: str = ...,
    base: EvidenceBase | None = ...,
    as_type: None = ...,
) -> EvidenceBase: ...
@overload
def loads(
    text: str | bytes,
    format: str = ...,
    *,
    file: str = ...,
    base: EvidenceBase | None = ...,
    as_type: type[T],
) -> T: ...


def loads(
    text: str | bytes,
    format: str = "yaml",
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
        as_type: Load one model object (a :class:`~vitk2.Compound`, a
            :class:`~vitk2.Study` ...) instead of a whole document, as :func:`dump` writes it.

    Returns:
        An :class:`~vitk2.EvidenceBase`, or an instance of ``as_type``.

    Raises:
        ValidationError: With every problem found, each with its file and path.

    .. versionadded:: 0.1.0
    """
    data = (
        parse_bytes(text, format, file)
        if isinstance(text, bytes)
        else parse_text(text, format, file)
    )
    result: EvidenceBase | T = from_data(data, file=file, base=base, as_type=as_type)
    return result


def from_data(
    data: Any,
    *,
    file: str = "<data>",
    base: EvidenceBase | None = None,
    as_type: type[T] | None = None,
) -> Any:
    """Structure already-parsed data (dicts and lists) as :func:`loads` does."""
    if as_type is None or as_type is EvidenceBase:
        return _document(data, file, base)
    reg = Registry()
    if base is not None:
        reg.compounds.update((c.id, c) for c in base.compounds)
        reg.indications.update((i.id, i) for i in base.indications)
        reg.citations.update((c.id, c) for c in base.citations)
    kind = getattr(as_type, "kind", None)
    if isinstance(kind, str) and isinstance(data, dict) and data.get("kind") == kind:
        data = {k: v for k, v in data.items() if k != "kind"}
    with registry(reg):
        obj, problems = _structure(data, as_type, file, "")
    if problems:
        raise ValidationError(problems)
    return obj


def load_file(
    path: str | os.PathLike[str], *, format: str | None = None, base: EvidenceBase | None = None
) -> EvidenceBase:
    """Load an evidence file.

    Args:
        path: A ``.yaml``, ``.yml`` or ``.json`` file.
        format: Overrides the format the suffix implies.
        base: As for :func:`loads`.

    Raises:
        ValidationError: For a file that cannot be read or is not valid evidence; the problems
            name the file and the path inside it.

    .. versionadded:: 0.1.0
    """
    p = Path(path)
    name = str(path)
    fmt = format or {".json": "json", ".yaml": "yaml", ".yml": "yaml"}.get(p.suffix.lower())
    if fmt is None:
        raise ValidationError(
            [Problem(name, "", "cannot tell the format: use .yaml, .yml or .json, or pass format=")]
        )
    try:
        size = p.stat().st_size
        limit = 32 * 2**20 if fmt == "yaml" else 512 * 2**20
        if size > limit:
            raise ValidationError(
                [Problem(name, "", f"the file is larger than the {fmt} limit of {limit} bytes")]
            )
        raw = p.read_bytes()
    except OSError as err:
        raise ValidationError(
            [Problem(name, "", f"cannot read the file: {err.strerror or err}")]
        ) from None
    return loads(raw, fmt, file=name, base=base)


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
            ("citations", m.Citation),
            ("studies", m.Study),
        ):
            out[key] = [conv.unstructure(r, cls) for r in getattr(obj, key)]
        return out
    if attrs.has(type(obj)):
        data = conv.unstructure(obj, type(obj))
        kind = getattr(type(obj), "kind", None)
        if isinstance(kind, str) and isinstance(data, dict):  # a statistic keeps its tag
            data = {"kind": kind, **data}
        return data
    raise TypeError(f"expected an EvidenceBase or a model object (got {type(obj).__name__})")


try:
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper


def dump(obj: Any, format: str = "yaml") -> str:
    """Write an evidence base or a model object as YAML or JSON text.

    ``loads(dump(base)) == base`` and ``loads(dump(x), as_type=type(x)) == x``.

    Args:
        obj: An :class:`~vitk2.EvidenceBase` or any model object.
        format: ``"yaml"`` (default) or ``"json"``.

    Raises:
        ValueError: For an unknown format.
        TypeError: For an object that is not part of the model.

    .. versionadded:: 0.1.0
    """
    data = to_data(obj)
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if format == "yaml":
        return str(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))
    raise ValueError(f"expected format 'yaml' or 'json' (got {format!r})")
