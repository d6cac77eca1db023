"""Rewriting an evidence file of an earlier format in the current one: ``vitk2 upgrade``.

Format 2 reads everything format 1 wrote, so an upgrade changes two things only: the version
(``vitk2: 2``), and a comparator written as text that is the id of an arm or phase of its
study, which becomes ``{group: id}`` (in format 2, text is a description and never names an
arm). Everything else is kept as the file holds it. The file is read with vitk2's hardened
parser and written as [`dump`][vitk2.dump] writes; comments and the file's own layout are not
kept, since the parsed data holds neither.

The result is checked before it is returned: it loads without a warning, and it loads as the
original does, but for the comparators promoted to arms.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import yaml

from . import _model as m
from ._errors import Problem, ValidationError
from ._io import (
    _SUFFIXES,
    FORMAT_VERSION,
    OLD_FORMAT_VERSIONS,
    _Dumper,
    _file_path,
    _read_file,
    loads,
)
from ._parse import LIMITS, parse_bytes, parse_text, shorten
from ._render import write_atomic

if TYPE_CHECKING:
    from ._base import EvidenceBase

__all__ = ["Promotion", "Upgrade", "upgrade", "upgrade_file", "upgrade_text"]

Format = Literal["yaml", "json"]

_VERSIONS: Final = (*OLD_FORMAT_VERSIONS, FORMAT_VERSION)


@attrs.frozen
class Promotion:
    """A text comparator that names an arm or phase of its study, now ``{group: id}``.

    Attributes:
        study: The id of the study.
        finding: The index of the finding among the study's findings.
        path: Where the comparator is in the file (``studies[0].findings[2].comparator``).
        group: The id of the arm or phase.
    """

    study: str
    finding: int
    path: str
    group: str


@attrs.frozen
class Upgrade:
    """What an upgrade made of a file.

    Attributes:
        text: The file in the current format (the text given, when it was in it already).
        version: The format version the file was in.
        promotions: The comparators promoted to arms.
    """

    text: str
    version: int
    promotions: tuple[Promotion, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the file was in an earlier format (and so was rewritten)."""
        return self.version != FORMAT_VERSION


def upgrade(
    text: str | bytes,
    format: Format = "yaml",
    *,
    file: str = "<string>",
    base: EvidenceBase | None = None,
) -> Upgrade:
    """Rewrite an evidence document of an earlier format in the current one.

    Args:
        text: The document, as text or UTF-8 bytes.
        format: ``"yaml"`` (default) or ``"json"``; the result is in the same format.
        file: The name problems carry.
        base: The evidence the document may refer to, as for [`loads`][vitk2.loads].

    Returns:
        The upgraded text, the version it was in and the comparators promoted; a document in
        the current format already is returned as given.

    Raises:
        ValidationError: If the document is not valid evidence of a format vitk2 reads (each
            problem names ``file``), or if the rewritten document would not load as the
            original does (a bug in vitk2).
    """
    data = (
        parse_bytes(text, format, file, mapping=True)
        if isinstance(text, bytes)
        else parse_text(text, format, file, mapping=True)
    )
    if not isinstance(data, dict):
        raise ValidationError([Problem(file, "", "expected a mapping of evidence")])
    version = data.get("vitk2", FORMAT_VERSION)
    if isinstance(version, bool) or version not in _VERSIONS:
        shown = " or ".join(str(v) for v in _VERSIONS)
        raise ValidationError(
            [
                Problem(
                    file,
                    "vitk2",
                    f"expected format version {shown} (got {shorten(repr(version))})",
                )
            ]
        )
    with warnings.catch_warnings():  # the warning is about what is being done here
        warnings.simplefilter("ignore", DeprecationWarning)
        original = loads(text, format, file=file, base=base)
    if version == FORMAT_VERSION:
        as_text = text.decode("utf-8-sig") if isinstance(text, bytes) else text
        return Upgrade(text=as_text, version=version)
    promotions = tuple(_promote(data))
    rewritten = {"vitk2": FORMAT_VERSION, **{k: v for k, v in data.items() if k != "vitk2"}}
    out = _dumps(rewritten, format)
    upgraded = loads(out, format, file=file, base=base)
    _check_same(original, upgraded, promotions, file)
    return Upgrade(text=out, version=version, promotions=promotions)


def upgrade_text(
    text: str | bytes,
    format: Format = "yaml",
    *,
    file: str = "<string>",
    base: EvidenceBase | None = None,
) -> str:
    """The document ``text`` in the current format: see `upgrade`.

    Raises:
        ValidationError: As `upgrade` does.
    """
    return upgrade(text, format, file=file, base=base).text


def upgrade_file(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    format: Format | None = None,
    base: EvidenceBase | None = None,
) -> Upgrade:
    """Upgrade an evidence file, and write the result to ``output`` if given.

    The file is read as [`load_file`][vitk2.load_file] reads one (a regular file only, never past
    the format's size limit). ``output`` is written whole or not at all, and may be ``path``
    itself; a file already in the current format is not written over itself. Refusing to
    replace a file is the caller's decision.

    Args:
        path: A ``.yaml``, ``.yml`` or ``.json`` evidence file.
        output: Where to write the upgraded file; None to write nothing.
        format: Overrides the format the suffix implies.
        base: As for `upgrade`.

    Returns:
        What the upgrade made of the file.

    Raises:
        ValidationError: If the file cannot be read or is not valid evidence (each problem
            names the file).
        OSError: If ``output`` cannot be written.
    """
    name, where = _file_path(path)
    fmt = format if format is not None else _SUFFIXES.get(Path(where).suffix.lower())
    if fmt not in ("yaml", "json"):
        raise ValidationError(
            [Problem(name, "", "cannot tell the format: use .yaml, .yml or .json, or pass format=")]
        )
    limit = LIMITS.max_yaml_bytes if fmt == "yaml" else LIMITS.max_json_bytes
    result = upgrade(_read_file(where, name, fmt, limit), fmt, file=name, base=base)
    if output is not None:
        same = os.path.realpath(output) == os.path.realpath(where)
        if result.changed or not same:
            write_atomic(output, result.text.encode("utf-8"))
    return result


class _PlainDumper(_Dumper):
    """vitk2's dumper, writing a value as often as the data holds it, never as an alias.

    A parsed file's aliases were expanded (within the parser's bounds); written as aliases
    again, the file would read back the same but look unlike anything vitk2 writes.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dumps(data: dict[str, Any], format: Format) -> str:
    """Plain data as [`dump`][vitk2.dump] writes a document."""
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return str(yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=100))


def _ids(records: Any) -> list[str]:
    """The text ids of the mappings in ``records`` (a list, or anything else)."""
    if not isinstance(records, list):
        return []
    return [r["id"] for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)]


def _group_ids(study: dict[str, Any]) -> set[str]:
    """The ids of a study's arms and of their regimens' phases, as the file writes them."""
    arms = study.get("arms")
    groups = set(_ids(arms))
    for arm in arms if isinstance(arms, list) else ():
        regimen = arm.get("regimen") if isinstance(arm, dict) else None
        if isinstance(regimen, dict):
            groups.update(_ids(regimen.get("phases")))
    return groups


def _fits(finding: dict[str, Any], group: str) -> bool:
    """Whether ``group`` may be the finding's reference arm.

    It may not be the finding's own group, and a contrast of arm counts compares its arms only.
    """
    if finding.get("group") == group:
        return False
    statistic = finding.get("statistic")
    if isinstance(statistic, dict) and statistic.get("kind") == "arm_counts":
        arms = statistic.get("arms")
        named = (
            [a.get("group") for a in arms if isinstance(a, dict)] if isinstance(arms, list) else []
        )
        return group in named
    return True


def _promote(data: dict[str, Any]) -> list[Promotion]:
    """Turn each text comparator that is an arm or phase id of its study into ``{group: id}``."""
    out: list[Promotion] = []
    studies = data.get("studies")
    for i, study in enumerate(studies if isinstance(studies, list) else ()):
        if not isinstance(study, dict) or not isinstance(study.get("id"), str):
            continue
        groups = _group_ids(study)
        findings = study.get("findings")
        for j, finding in enumerate(findings if isinstance(findings, list) else ()):
            if not isinstance(finding, dict):
                continue
            text = finding.get("comparator")
            if isinstance(text, str) and text in groups and _fits(finding, text):
                finding["comparator"] = {"group": text}
                path = f"studies[{i}].findings[{j}].comparator"
                out.append(Promotion(study=study["id"], finding=j, path=path, group=text))
    return out


_SAME_FIELDS: Final = ("compounds", "indications", "endpoints", "citations", "dataset")


def _check_same(
    original: EvidenceBase,
    upgraded: EvidenceBase,
    promotions: tuple[Promotion, ...],
    file: str,
) -> None:
    """Raise unless ``upgraded`` is ``original`` with the promoted comparators naming arms."""
    differ = [name for name in _SAME_FIELDS if getattr(original, name) != getattr(upgraded, name)]
    by_study: dict[str, list[Promotion]] = {}
    for p in promotions:
        by_study.setdefault(p.study, []).append(p)
    if [s.id for s in original.studies] != [s.id for s in upgraded.studies]:
        differ.append("studies")
    else:
        for before, after in zip(original.studies, upgraded.studies, strict=True):
            findings = list(before.findings)
            for p in by_study.get(before.id, ()):
                findings[p.finding] = attrs.evolve(
                    findings[p.finding], comparator=m.Comparator(group=p.group)
                )
            if attrs.evolve(before, findings=tuple(findings)) != after:
                differ.append(f"study {before.id!r}")
    if differ:  # pragma: no cover - a bug in the upgrade, which the tests hold to this check
        raise ValidationError(
            [
                Problem(
                    file,
                    "",
                    "the upgraded file would not load as the original does "
                    f"({', '.join(differ)} differ); please report it",
                )
            ]
        )
