"""REPL manners: every object has a short, readable, one-line repr that names it, and the tables
display as HTML in a notebook and as aligned text with ``str()``.

Classes whose repr is not yet short are marked ``xfail(strict=True)`` with the repr proposed for
them; when the repr is fixed the test passes, the strict xfail fails, and the marker must go.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import testing

BASE = vitk2.load()
LIMIT = 200


def _walk(obj: object) -> Iterator[object]:
    cls = type(obj)
    if attrs.has(cls):
        yield obj
        for field in attrs.fields(cls):
            yield from _walk(getattr(obj, field.name))
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _walk(item)


def _instances() -> dict[type, list[object]]:
    """Every object reachable from the bundled evidence and from its tables, by class."""
    found: dict[type, dict[int, object]] = defaultdict(dict)
    roots: list[object] = [
        *BASE.compounds,
        *BASE.indications,
        *BASE.citations,
        *BASE.studies,
        BASE.dataset,
    ]
    overview = BASE.overview()
    roots += [overview, *overview.rows, *overview.matrix]
    for row in overview.rows:
        comparison = BASE.compare(row.indication)
        regimens = BASE.compare_regimens(row.indication)
        roots += [
            comparison,
            *comparison.rows,
            *comparison.excluded,
            *comparison.pooled,
            comparison.lineage,
            regimens,
            *regimens.contrasts,
            *regimens.refusals,
        ]
        roots += [r.certainty for r in comparison.rows]
        roots += [d for r in comparison.rows for d in r.certainty.downgrades]
        roots += [r.interval for r in comparison.rows if r.interval is not None]
    roots += [vitk2.Frequency(times=3), vitk2.Problem("my.yaml", "studies[0].id", "a message")]
    for root in roots:
        for obj in _walk(root):
            found[type(obj)].setdefault(id(obj), obj)
    found[vitk2.EvidenceBase][id(BASE)] = BASE
    return {cls: list(objs.values()) for cls, objs in found.items()}


INSTANCES = _instances()

# Classes whose repr is too long today, each with the repr proposed to the lead (in _model.py
# unless said otherwise). Remove an entry when its repr is fixed.
PROPOSED: dict[str, str] = {}


def _params() -> list[Any]:
    out = []
    for cls in sorted(INSTANCES, key=lambda c: c.__name__):
        marks = []
        if cls.__name__ in PROPOSED:
            marks.append(
                pytest.mark.xfail(strict=True, reason=f"proposed: {PROPOSED[cls.__name__]}")
            )
        out.append(pytest.param(cls, id=cls.__name__, marks=marks))
    return out


def test_every_public_class_is_covered() -> None:
    public = {
        getattr(vitk2, name)
        for name in vitk2.__all__
        if isinstance(getattr(vitk2, name), type) and attrs.has(getattr(vitk2, name))
    }
    missing = {cls.__name__ for cls in public} - {cls.__name__ for cls in INSTANCES}
    assert missing <= {"PooledEstimate"}, missing  # pooling needs two comparable studies


@pytest.mark.parametrize("cls", _params())
def test_repr_is_short_one_line_and_names_the_record(cls: type) -> None:
    for obj in INSTANCES[cls]:
        text = repr(obj)
        assert "\n" not in text, text
        assert len(text) < LIMIT, f"{len(text)} chars: {text[:LIMIT]}..."
        rid = getattr(obj, "id", None)
        if isinstance(rid, str):
            assert rid in text, text


def test_a_study_repr_shows_id_author_year_and_design() -> None:
    for study in BASE.studies:
        text = repr(study)
        assert text.startswith(f"<Study {study.id} "), text
        if study.first_author:
            assert study.first_author.split()[0] in text
        if isinstance(study.year, int):
            assert str(study.year) in text
        assert str(study.design) in text


def test_the_example_from_the_style_guide() -> None:
    study = BASE.study("mds-vk2-d3-2005")
    assert re.fullmatch(r"<Study mds-vk2-d3-2005 \S+ 2005 single arm trial>", repr(study))


_MODEL_CLASSES = [
    vitk2.Compound,
    vitk2.Indication,
    vitk2.Citation,
    vitk2.Code,
    vitk2.Quote,
    vitk2.Locator,
    vitk2.Proportion,
    vitk2.PValue,
    vitk2.Phase,
    vitk2.Arm,
    vitk2.Study,
    vitk2.Quantity,
]


@pytest.mark.parametrize("cls", _MODEL_CLASSES, ids=lambda c: c.__name__)
def test_reprs_of_generated_records_name_the_record(cls: type) -> None:
    @settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
    @given(obj=testing.strategy_for(cls))
    def check(obj: Any) -> None:
        text = repr(obj)
        rid = getattr(obj, "id", None)
        if isinstance(rid, str):
            assert rid in text

    check()


TWO_LINES = "two\nlines"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: vitk2.Compound(id="x", name="x", compound_class=TWO_LINES, family="f"),
            id="Compound",
        ),
        pytest.param(
            lambda: vitk2.Locator(source="x", locator=TWO_LINES),
            id="Locator",
        ),
        pytest.param(
            lambda: vitk2.Indication(
                id="x", name=TWO_LINES, category=vitk2.IndicationCategory.OTHER
            ),
            id="Indication",
        ),
        pytest.param(lambda: vitk2.Quote(text=TWO_LINES, source="x"), id="Quote"),
    ],
)
def test_reprs_stay_on_one_line_whatever_the_text(make: Any) -> None:
    assert "\n" not in repr(make())


# --------------------------------------------------------------------------------------------
# Notebooks and str()


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def _html_tags(text: str) -> list[str]:
    parser = _Tables()
    parser.feed(text)
    return parser.tags


def _is_aligned_table(text: str) -> bool:
    """A header line, a rule of dashes under it, and rows aligned to the rule's columns."""
    lines = text.splitlines()
    for i, line in enumerate(lines[1:], start=1):
        if re.fullmatch(r"-+(  -+)+", line):
            header = lines[i - 1]
            starts = [m.start() for m in re.finditer(r"-+", line)]
            return all(header[s - 2 : s] in ("  ", "") or s == 0 for s in starts[1:])
    return False


TABLES: dict[str, Callable[[], vitk2.Comparison | vitk2.Overview | vitk2.RegimenComparison]] = {
    "Comparison": lambda: BASE.compare("mds"),
    "Overview": lambda: BASE.overview(),
    "RegimenComparison": lambda: BASE.compare_regimens("hcc"),
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_tables_show_as_html_and_as_aligned_text(name: str) -> None:
    obj = TABLES[name]()
    html = obj._repr_html_()
    tags = _html_tags(html)
    assert "table" in tags
    assert "th" in tags
    assert "td" in tags
    assert _is_aligned_table(str(obj)), str(obj)[:500]


def test_an_evidence_base_shows_as_html() -> None:
    html = BASE._repr_html_()
    tags = _html_tags(html)
    assert "table" in tags
    assert "td" in tags
    assert "mds-vk2-d3-2005" in html


def test_an_evidence_base_str_is_an_aligned_table() -> None:
    assert _is_aligned_table(str(BASE))


def test_tables_repr_is_short() -> None:
    assert len(repr(BASE.compare("osteoporosis"))) < LIMIT
    assert len(repr(BASE)) < LIMIT


@given(st.sampled_from(sorted(TABLES)))
@settings(max_examples=3)
def test_str_and_repr_differ_for_tables(name: str) -> None:
    obj = TABLES[name]()
    assert str(obj) != repr(obj)
