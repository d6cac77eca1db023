"""What changed between two versions of the evidence, and which conclusions changed with it.

Records are matched by id. A record is *changed* when its dumped data differ; a study's
findings are compared one by one, so a study counts as changed only for its own fields. The
conclusions compared are the overview's, per indication: the best evidence level, the
certainty and the direction for vitamin K2.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from . import _model as m
from ._base import EvidenceBase
from ._render import inert_json, markdown_text, table_csv, table_markdown, table_text

__all__ = ["Change", "EvidenceDiff", "diff"]

_FINDINGS = "findings"


@attrs.frozen
class Change:
    """One difference between two versions of the evidence.

    Attributes:
        kind: ``"conclusion"``, ``"finding"``, ``"study"``, ``"citation"``, ``"compound"`` or
            ``"indication"``.
        id: The id of the record (an indication id for a conclusion).
        change: ``"added"``, ``"removed"`` or ``"changed"``.
        detail: What changed, old value first (``"certainty: low -> moderate"``).
    """

    kind: str
    id: str
    change: str
    detail: str = ""


@attrs.frozen
class EvidenceDiff:
    """The differences between an old and a new evidence base.

    Attributes:
        old: A label for the old version (a path, or the bundled dataset and its version).
        new: A label for the new version.
        old_hash: The old base's content hash.
        new_hash: The new base's content hash.
        changes: Conclusions first, then findings, studies and the other records.
    """

    COLUMNS = ("kind", "id", "change", "detail")

    old: str
    new: str
    old_hash: str
    new_hash: str
    changes: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def of(self, kind: str, change: str | None = None) -> tuple[Change, ...]:
        """The changes of one kind (and, optionally, one sort: added, removed or changed)."""
        return tuple(
            c for c in self.changes if c.kind == kind and (change is None or c.change == change)
        )

    @property
    def conclusions(self) -> tuple[Change, ...]:
        """The conclusions (overview rows) that changed."""
        return self.of("conclusion")

    def summary(self) -> str:
        """One line: how many conclusions and findings changed."""
        if not self.changes:
            return "No differences."
        n = len(self.conclusions)
        parts = [f"{n} {'conclusion' if n == 1 else 'conclusions'} changed"]
        for kind in ("finding", "study", "citation", "compound", "indication"):
            counts = [(c, len(self.of(kind, c))) for c in ("added", "removed", "changed")]
            if any(n for _, n in counts):
                plural = "studies" if kind == "study" else kind + "s"
                parts.append(f"{plural}: " + ", ".join(f"{n} {c}" for c, n in counts))
        return "; ".join(parts) + "."

    def _title(self) -> str:
        return f"Changes from {self.old} (sha256 {self.old_hash[:12]}) to {self.new} (sha256 {self.new_hash[:12]})"

    def _cells(self) -> list[tuple[str, ...]]:
        return [(c.kind, c.id, c.change, c.detail) for c in self.changes]

    def to_text(self) -> str:
        """An aligned plain-text report."""
        out = [self._title(), self.summary()]
        if self.changes:
            out += ["", table_text(self.COLUMNS, self._cells(), max_width=90)]
        return "\n".join(out)

    def to_markdown(self) -> str:
        """A Markdown report; text from the evidence renders as text (no links, code or HTML)."""
        out = [f"**{markdown_text(self._title())}**", "", markdown_text(self.summary())]
        if self.changes:
            out += ["", table_markdown(self.COLUMNS, self._cells())]
        return "\n".join(out)

    def to_csv(self) -> str:
        """CSV with a header row, one change per row.

        A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
        a ``'`` in front, so no spreadsheet runs it as a formula (see
        `_render.csv_text`).
        """
        return table_csv(self.COLUMNS, self._cells())

    def to_json(self) -> str:
        """JSON with both versions' labels and hashes and every change (no control characters)."""
        data = {
            "old": {"label": self.old, "content_hash": self.old_hash},
            "new": {"label": self.new, "content_hash": self.new_hash},
            "summary": self.summary(),
            "changes": [attrs.asdict(c) for c in self.changes],
        }
        return inert_json(json.dumps(data, ensure_ascii=False, indent=2))

    def __str__(self) -> str:
        return self.to_text()


def _short(key: str, value: Any) -> str | None:
    """A short, readable form of a changed field, or None when only its name should be shown."""
    if isinstance(value, (m.Direction, m.Certainty, m.Design, m.EvidenceLevel)):
        return str(value)
    if key == "statistic" or isinstance(value, (int, float, str)):
        text = " ".join(str(value).split())
        return text if len(text) <= 60 else text[:59] + "…"
    if isinstance(value, m.Integrity):
        return str(value.status)
    if value is None:
        return "none"
    return None


def _fields(old: Any, new: Any, old_data: Mapping[str, Any], new_data: Mapping[str, Any]) -> str:
    parts = []
    for key in dict.fromkeys([*old_data, *new_data]):
        if key == _FINDINGS or old_data.get(key) == new_data.get(key):
            continue
        a, b = getattr(old, key, None), getattr(new, key, None)
        sa, sb = _short(key, a), _short(key, b)
        parts.append(f"{key}: {sa} -> {sb}" if sa is not None and sb is not None else key)
    return "; ".join(parts)


def _records(
    kind: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    data: Callable[[Any], Mapping[str, Any]],
    moved: Mapping[str, str] | None = None,
) -> list[Change]:
    out = [Change(kind, rid, "added", _label(new[rid])) for rid in sorted(new.keys() - old.keys())]
    out += [
        Change(kind, rid, "removed", _label(old[rid])) for rid in sorted(old.keys() - new.keys())
    ]
    for rid in sorted(old.keys() & new.keys()):
        a, b = data(old[rid]), data(new[rid])
        detail = _fields(old[rid], new[rid], a, b) if a != b else ""
        extra = moved.get(rid) if moved else None
        if extra:
            detail = f"{extra}; {detail}" if detail else extra
        if detail:
            out.append(Change(kind, rid, "changed", detail))
    return out


def _label(record: Any) -> str:
    if isinstance(record, m.Finding):
        return (
            f"{record.outcome.name} ({record.direction}): {_short('statistic', record.statistic)}"
        )
    if isinstance(record, m.Study):
        return f"{record.design}, {record.level}"
    if isinstance(record, m.Citation):
        return record.label
    return str(getattr(record, "name", ""))


def _conclusions(old: EvidenceBase, new: EvidenceBase) -> list[Change]:
    a = {r.indication.id: r for r in old.overview().rows}
    b = {r.indication.id: r for r in new.overview().rows}
    out: list[Change] = []
    for iid in sorted(a.keys() - b.keys()):
        out.append(Change("conclusion", iid, "removed", "no evidence left for this indication"))
    for iid in sorted(b.keys() - a.keys()):
        r = b[iid]
        out.append(
            Change(
                "conclusion",
                iid,
                "added",
                f"best OCEBM {r.best_level or 'n/a'}; certainty {r.certainty or 'not graded'}; "
                f"direction {r.direction} ({r.basis})",
            )
        )
    for iid in sorted(a.keys() & b.keys()):
        ra, rb = a[iid], b[iid]
        parts = []
        if ra.best_level != rb.best_level:
            parts.append(f"best OCEBM: {ra.best_level or 'n/a'} -> {rb.best_level or 'n/a'}")
        if ra.certainty != rb.certainty:
            parts.append(
                f"certainty: {ra.certainty or 'not graded'} -> {rb.certainty or 'not graded'}"
            )
        if ra.direction != rb.direction:
            parts.append(f"direction: {ra.direction} -> {rb.direction} ({rb.basis})")
        if ra.statement != rb.statement:  # what a reader reads first
            parts.append(f"statement: {ra.statement} -> {rb.statement}")
        if parts:
            out.append(Change("conclusion", iid, "changed", "; ".join(parts)))
    return out


def diff(
    old: EvidenceBase, new: EvidenceBase, *, old_label: str = "old", new_label: str = "new"
) -> EvidenceDiff:
    """Compare two versions of the evidence.

    >>> import vitk2
    >>> base = vitk2.load()
    >>> print(diff(base, base).summary())
    No differences.
    >>> changes = diff(base, base.filter(indication="mds"))
    >>> [c.id for c in changes.conclusions if c.change == "removed"][:2]
    ['aml', 'anticoagulant-interaction']

    Args:
        old: The earlier evidence.
        new: The later evidence.
        old_label: How to name the old version in the report.
        new_label: How to name the new version in the report.

    Returns:
        The changed conclusions (overview certainty, direction and best level per indication),
        then the findings, studies, citations, compounds and indications added, removed or
        changed.
    """
    from ._io import to_data

    def study_data(s: m.Study) -> Mapping[str, Any]:
        data: dict[str, Any] = to_data(s)
        data.pop(_FINDINGS, None)
        return data

    old_findings = {f.id: (s, f) for s in old.studies for f in s.findings}
    new_findings = {f.id: (s, f) for s in new.studies for f in s.findings}
    moved = {
        fid: f"moved from study {old_findings[fid][0].id} to {new_findings[fid][0].id}"
        for fid in old_findings.keys() & new_findings.keys()
        if old_findings[fid][0].id != new_findings[fid][0].id
    }
    changes = _conclusions(old, new)
    changes += _records(
        "finding",
        {k: f for k, (_, f) in old_findings.items()},
        {k: f for k, (_, f) in new_findings.items()},
        to_data,
        moved,
    )
    for kind, attr, data in (
        ("study", "studies", study_data),
        ("citation", "citations", to_data),
        ("compound", "compounds", to_data),
        ("indication", "indications", to_data),
    ):
        changes += _records(
            kind,
            {r.id: r for r in getattr(old, attr)},
            {r.id: r for r in getattr(new, attr)},
            data,
        )
    return EvidenceDiff(
        old=old_label,
        new=new_label,
        old_hash=old.content_hash,
        new_hash=new.content_hash,
        changes=tuple(changes),
    )
