"""What an export reads: a whole base, or one study on its own, and what can be known of it.

Shared by the flat rows (`_tabular`) and the FHIR Bundle (`_fhir`), so that both say the same
of a finding's integrity and certainty.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import attrs

from . import _model as m
from ._base import EvidenceBase
from ._index import RecordTables

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    from ._compare import CertaintyAssessment


@attrs.frozen
class Scope:
    """The studies and citations to export, and what can be known about them.

    A whole base knows every citation, so a finding's integrity follows ``rests_on`` and news
    reports to the papers they report on, and vitk2 can suggest a certainty. A lone study
    knows only its own reports, and only curated certainties.
    """

    studies: tuple[m.Study, ...]
    citations: tuple[m.Citation, ...]
    base: EvidenceBase | None

    @cached_property
    def citation_index(self) -> dict[str, m.Citation]:
        """Citations by id, built once per scope, so once per export.

        Every row looks its sources up here: a table built for each row made an export of
        ``n`` findings cost ``n`` times the number of citations (quadratic in the base).
        """
        return {c.id: c for c in self.citations}

    @cached_property
    def _tables(self) -> RecordTables:
        """The citations' tables, as a base builds them: a lone study's, its reports'."""
        return RecordTables((), (), self.citations)

    def integrity(self, study: m.Study, finding: m.Finding) -> tuple[m.Citation, ...]:
        """The citations with an integrity notice that the finding rests on.

        A finding rests on its study's reports, on what it names in ``rests_on``, and on what
        a report ``reports_on``, as far as the scope's citations reach.
        """
        if self.base is not None:
            return self.base._integrity(study, finding)
        tables = self._tables
        flagged = tables.flagged
        ids = {
            flagged_id
            for cid in (*(c.id for c in study.reports), *finding.rests_on)
            for flagged_id in flagged.get(cid, ())
        }
        return tuple(tables.citations[k] for k in sorted(ids))

    def certainty(
        self,
        study: m.Study,
        finding: m.Finding,
        notices: tuple[m.Citation, ...] | None = None,
    ) -> CertaintyAssessment | None:
        """The finding's certainty: curated, else (with a whole base) vitk2's suggestion.

        ``notices`` are the finding's `integrity`, when the caller has them already. What the
        assessment needs of the study is worked out once for the study's findings, which an
        export reads in turn.
        """
        from . import _compare

        if notices is None:
            notices = self.integrity(study, finding)
        facts = self._facts
        if not facts or facts[0].study is not study:
            facts[:] = [_compare._StudyFacts(study)]
        assessment = _compare.assess_with_facts(facts[0], finding, notices)
        if self.base is None and assessment.source == "suggested":
            return None
        return assessment

    @cached_property
    def _facts(self) -> list[Any]:
        """The last study's facts for `certainty` (a list of none or one)."""
        return []


def scope_of(obj: object) -> Scope:
    """The scope of an export of ``obj``: an evidence base, or one study with its reports."""
    if isinstance(obj, EvidenceBase):
        return Scope(obj.studies, obj.citations, obj)
    if isinstance(obj, m.Study):
        return Scope((obj,), obj.reports, None)
    raise TypeError(f"expected an EvidenceBase or a Study (got {type(obj).__name__})")
