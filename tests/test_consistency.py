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
