"""The checks a base's records must pass together, and the codes their problems carry."""

from __future__ import annotations

import attrs
import pytest

import vitk2
from vitk2 import _model as m


@pytest.fixture(scope="module")
def base() -> vitk2.EvidenceBase:
    return vitk2.load()


def test_a_study_naming_a_record_the_base_lacks_is_a_dangling_problem(
    base: vitk2.EvidenceBase,
) -> None:
    study = base.studies[0]
    stranger = attrs.evolve(study.reports[0], id="not-in-this-base")
    broken = attrs.evolve(study, reports=(*study.reports, stranger))
    with pytest.raises(vitk2.ValidationError) as info:
        vitk2.EvidenceBase(
            compounds=base.compounds,
            indications=base.indications,
            citations=base.citations,
            studies=(broken,),
            endpoints=base.endpoints,
        )
    problems = info.value.problems
    assert [p.code for p in problems] == ["dangling"]
    assert "not-in-this-base" in problems[0].message


def test_an_unknown_parent_id_in_a_file_is_a_dangling_problem() -> None:
    text = """
vitk2: 2
indications:
  - id: child
    name: Child
    category: bone
    parent: no-such-parent
"""
    with pytest.raises(vitk2.ValidationError) as info:
        vitk2.loads(text, file="mine.yaml")
    (problem,) = info.value.problems
    assert problem.code == "dangling"
    assert problem.file == "mine.yaml"
    assert problem.path == "indications[0].parent"


def test_other_problems_carry_no_dangling_code(base: vitk2.EvidenceBase) -> None:
    twice = (base.compounds[0], base.compounds[0])
    with pytest.raises(vitk2.ValidationError) as info:
        vitk2.EvidenceBase(compounds=twice)
    assert info.value.problems
    assert all(p.code != "dangling" for p in info.value.problems)
    assert isinstance(base.compounds[0], m.Compound)
    assert {p.path for p in info.value.problems} == {"compounds[1].id"}


def test_every_kind_of_record_a_hand_built_base_lacks_is_named_at_its_path(
    base: vitk2.EvidenceBase,
) -> None:
    study = next(
        s
        for s in base.studies
        if s.reports
        and s.indications
        and s.compounds
        and any(f.outcome.endpoint is not None for f in s.findings)
    )
    j = next(j for j, f in enumerate(study.findings) if f.outcome.endpoint is not None)
    endpoint = study.findings[j].outcome.endpoint
    assert endpoint is not None
    lonely = attrs.evolve(study, includes=("not-a-study",))
    with pytest.raises(vitk2.ValidationError) as info:
        vitk2.EvidenceBase(
            compounds=tuple(c for c in base.compounds if c.id != study.compounds[0].id),
            indications=tuple(i for i in base.indications if i.id != study.indications[0].id),
            citations=tuple(c for c in base.citations if c.id != study.reports[0].id),
            endpoints=tuple(e for e in base.endpoints if e.id != endpoint.id),
            studies=(lonely,),
        )
    found = {(p.path, p.message) for p in info.value.problems if p.code == "dangling"}
    assert ("studies[0].includes[0]", "unknown study id 'not-a-study'") in found
    assert (
        f"studies[0].findings[{j}].outcome.endpoint",
        f"endpoint {endpoint.id!r} is not in the base",
    ) in found
    assert ("studies[0].reports", f"citation {study.reports[0].id!r} is not in the base") in found
    assert (
        "studies[0].indications",
        f"indication {study.indications[0].id!r} is not in the base",
    ) in found
    assert ("studies[0]", f"compound {study.compounds[0].id!r} is not in the base") in found


def test_a_record_equal_to_the_bases_own_is_not_dangling(base: vitk2.EvidenceBase) -> None:
    study = next(s for s in base.studies if s.reports)
    copy = attrs.evolve(study.reports[0])  # equal, not the same object
    assert copy == study.reports[0]
    assert copy is not study.reports[0]
    kept = attrs.evolve(study, reports=(copy, *study.reports[1:]))
    rebuilt = attrs.evolve(base, studies=(kept,))  # the base's checks run again
    assert rebuilt.studies[0].reports[0] is copy
    changed = attrs.evolve(study.reports[0], title="A revised title")
    with pytest.raises(vitk2.ValidationError) as info:
        attrs.evolve(base, studies=(attrs.evolve(study, reports=(changed, *study.reports[1:])),))
    assert [(p.path, p.code) for p in info.value.problems] == [("studies[0].reports", "dangling")]


def test_a_finding_id_used_twice_names_where_it_was_first_used(base: vitk2.EvidenceBase) -> None:
    first, second = [s for s in base.studies if s.findings][:2]
    twice = attrs.evolve(
        second,
        findings=(attrs.evolve(second.findings[0], id=first.findings[0].id), *second.findings[1:]),
    )
    with pytest.raises(vitk2.ValidationError) as info:
        attrs.evolve(base, studies=(first, twice))
    found = [(p.path, p.message) for p in info.value.problems if p.code == "duplicate-id"]
    assert found == [
        (
            "studies[1].findings[0].id",
            f"duplicate finding id {first.findings[0].id!r} (first at studies[0].findings[0])",
        )
    ]
