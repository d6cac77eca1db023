"""REPL manners: every object has a short, readable, one-line repr that names it, and the tables
display as HTML in a notebook and as aligned text with ``str()``.

Classes whose repr is not yet short are marked ``xfail(strict=True)`` with the repr proposed for
them; when the repr is fixed the test passes, the strict xfail fails, and the marker must go.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import _views, testing
from vitk2._render import level_text
from vitk2._stats import Interval

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


# --------------------------------------------------------------------------------------------
# Intervals read as the report writes them


def test_an_interval_repr_reads_like_the_report() -> None:
    stat = BASE.study("mds-vk2-d3-2005").findings[0].statistic
    assert isinstance(stat, vitk2.Proportion)
    assert repr(stat.interval()) == "<Interval 95% CI 0.076 to 0.345, wilson>"
    odd = Interval(0.64, 1.2, level=0.875, method="as reported")
    assert repr(odd) == "<Interval 87.5% CI 0.64 to 1.2, as reported>"  # the level, not 88%


def _effects() -> list[vitk2.Effect]:
    return [f.statistic for f in BASE.findings if isinstance(f.statistic, vitk2.Effect)]


def test_an_effect_repr_reads_like_the_report() -> None:
    with_interval = [e for e in _effects() if e.interval is not None]
    assert with_interval
    for effect in with_interval:
        interval = effect.interval
        assert interval is not None
        text = repr(effect)
        assert text.startswith(f"<Effect {effect.measure} ")
        assert f"{level_text(interval.level)} CI " in text  # the level the source reported
        assert "low=" not in text
    made = vitk2.Effect(
        measure=vitk2.EffectMeasure.RISK_RATIO, value=0.87, low=0.64, high=1.2, level=0.9
    )
    assert repr(made) == "<Effect risk ratio 0.87 (90% CI 0.64 to 1.2)>"


# --------------------------------------------------------------------------------------------
# Notebook views: records and capped tables


class _View(HTMLParser):
    """Tags with their attributes, the text, and whether every element closes in order."""

    VOID = frozenset({"br", "meta", "img", "hr", "col", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.rows: list[list[tuple[dict[str, str | None], str]]] = []
        self._cell: tuple[dict[str, str | None], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = (dict(attrs), [])

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell[1].append(data)


def view_of(text: str) -> _View:
    parser = _View()
    parser.feed(text)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


def _rows_of(view: _View) -> list[list[tuple[dict[str, str | None], str]]]:
    """Body rows: those without header cells."""
    return [
        r for r in view.rows if r and all("vitk2-field" not in (a.get("class") or "") for a, _ in r)
    ]


RECORD_VIEWS: dict[str, Callable[[], str]] = {
    "Study": lambda: _views.study_view(BASE.study("mds-vk2-d3-2005")),
    "Finding": lambda: _views.finding_view(BASE.study("mds-vk2-d3-2005").findings[0]),
    "Compound": lambda: _views.compound_view(BASE.compound("menatetrenone")),
    "Indication": lambda: _views.indication_view(BASE.indication("hcc")),
    "Citation": lambda: _views.citation_view(BASE.citation("su-2019-osteoporos-int")),
}


RECORDS: dict[str, Callable[[], Any]] = {
    "Study": lambda: BASE.study("mds-vk2-d3-2005"),
    "Finding": lambda: BASE.study("mds-vk2-d3-2005").findings[0],
    "Compound": lambda: BASE.compound("menatetrenone"),
    "Indication": lambda: BASE.indication("hcc"),
    "Citation": lambda: BASE.citation("su-2019-osteoporos-int"),
}


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_a_record_shows_its_view_in_a_notebook(name: str) -> None:
    record = RECORDS[name]()
    assert type(record).__name__ == name
    assert record._repr_html_() == RECORD_VIEWS[name]()


@pytest.mark.parametrize("name", sorted(RECORD_VIEWS))
def test_a_record_view_is_a_table_of_its_fields(name: str) -> None:
    view = view_of(RECORD_VIEWS[name]())
    tags = [t for t, _ in view.seen]
    assert "table" in tags
    assert "td" in tags
    assert "script" not in tags
    text = "".join(view.text)
    assert f"{name} " in text  # the caption names the kind of record


def test_a_study_view_shows_certainty_direction_and_links_as_the_report_does() -> None:
    study = BASE.study("su-2019-osteoporos-int")
    view = view_of(_views.study_view(study))
    classes = {c for _, a in view.seen for c in (a.get("class") or "").split()}
    assert {"vitk2-cert", "vitk2-dir"} <= classes
    text = "".join(view.text)
    assert "⊕⊕◯◯ low" in text  # GRADE symbols and the word, as in the report
    hrefs = {a.get("href") for t, a in view.seen if t == "a"}
    assert "https://doi.org/10.1007/s00198-019-04853-7" in hrefs
    assert f"https://pubmed.ncbi.nlm.nih.gov/{study.citation.pmid}/" in hrefs


def test_a_citation_view_says_what_is_not_recorded() -> None:
    # Yoshida 2011 now records its year (from the HCC case report's reference list), so the
    # withheld year this test needs is De Vriese 2020's, which the curators left unconfirmed.
    citation = BASE.citation("de-vriese-2020-j-am-soc-nephrol")
    text = "".join(view_of(_views.citation_view(citation)).text)
    assert "De Vriese, year not recorded" in text
    assert "2020 is inferred from volume 31 and is unverified" in text
    assert "n.d." not in text


def test_numbers_are_right_aligned() -> None:
    view = view_of(_views.tabular_view(*_tabular_parts(BASE.overview())))
    header = view.rows[0]
    right = [text for attrs, text in header if "vitk2-num" in (attrs.get("class") or "")]
    assert right == ["studies", "participants", "best OCEBM"]
    # The overview gained a statement, certainty and direction before its counts (the
    # summary's roll-up), so the studies column is found by its header, not by position.
    at = [text for _, text in header].index("studies")
    for row in _rows_of(view)[1:]:
        studies = row[at]
        assert "vitk2-num" in (studies[0].get("class") or "")
        assert studies[0].get("style") == "text-align:right"  # also where <style> is stripped
        assert re.fullmatch(r"[\d,]+", studies[1])


def _tabular_parts(table: Any) -> tuple[Any, Any, str]:
    return table.COLUMNS, table._cells(), table._title()


@pytest.fixture(scope="module")
def big_base() -> vitk2.EvidenceBase:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate  # type: ignore[import-not-found]  # the benchmarks' synthetic evidence

    from vitk2._io import from_data

    base: vitk2.EvidenceBase = from_data(generate.generate(2000))
    assert len(base.studies) == 2000
    return base


def test_a_big_base_shows_its_first_and_last_rows_and_a_count(big_base: vitk2.EvidenceBase) -> None:
    html = _views.base_view(big_base)
    view = view_of(html)
    rows = _rows_of(view)[1:]  # after the header
    assert len(rows) == _views.HEAD + 1 + _views.TAIL
    ids = [row[0][1] for row in rows]
    studies = big_base.studies
    assert ids[: _views.HEAD] == [s.id for s in studies[: _views.HEAD]]
    assert ids[-_views.TAIL :] == [s.id for s in studies[-_views.TAIL :]]
    assert ids[_views.HEAD] == "… 1,980 more"
    assert len(html) < 20_000  # 319 KB uncapped


def test_a_table_at_the_cap_is_shown_whole() -> None:
    rows = [(i,) for i in range(_views.ROW_CAP)]
    assert len(_rows_of(view_of(_views.table_view(("n",), rows)))) == 1 + _views.ROW_CAP
    rows.append((_views.ROW_CAP,))
    assert (
        len(_rows_of(view_of(_views.table_view(("n",), rows)))) == 1 + _views.HEAD + 1 + _views.TAIL
    )


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_views_badge_certainty_and_direction(name: str) -> None:
    view = view_of(_views.tabular_view(*_tabular_parts(TABLES[name]())))
    assert len(_rows_of(view)) <= 1 + _views.ROW_CAP + 1
    headers = [text for _, text in view.rows[0]]
    classes = [c for _, a in view.seen for c in (a.get("class") or "").split()]
    if "certainty" in headers:
        assert "vitk2-cert" in classes
    if "direction" in headers or "direction for K2" in headers:
        assert "vitk2-dir" in classes


def test_collections_in_a_notebook_use_the_capped_views(big_base: vitk2.EvidenceBase) -> None:
    assert big_base._repr_html_() == _views.base_view(big_base)
    overview = BASE.overview()
    assert overview._repr_html_() == _views.tabular_view(*_tabular_parts(overview))


HOSTILE = '<script>alert(1)</script> & "q" \u202e'


def _hostile_base() -> vitk2.EvidenceBase:
    text = f"""\
compounds:
  - {{id: evil, name: {json.dumps(HOSTILE)}, compound_class: {json.dumps(HOSTILE)}, family: f,
      synonyms: [{json.dumps(HOSTILE)}]}}
citations:
  - {{id: evil-2025, kind: primary_article, authors: [{json.dumps(HOSTILE)}],
      title: {json.dumps(HOSTILE)}, journal: {json.dumps(HOSTILE)}, year: 2025,
      url: "https://example.org/a?b=<x>&c=\\"d\\""}}
studies:
  - id: evil-2025-study
    title: {json.dumps(HOSTILE)}
    reports: [evil-2025]
    design: case_report
    indications: [mds]
    population: {{description: {json.dumps(HOSTILE)}, enrolled: 1}}
    level: {{ocebm: 4, rationale: {json.dumps(HOSTILE)}}}
    limitations: [{json.dumps(HOSTILE)}]
    findings:
      - id: evil-2025-study.response
        outcome: {{name: {json.dumps(HOSTILE)}, kind: surrogate}}
        indication: mds
        statistic: {{kind: narrative, summary: {json.dumps(HOSTILE * 5)}}}
        direction: benefit
        caveats: [{json.dumps(HOSTILE)}]
        provenance: [{{source: evil-2025, text: "It worked."}}]
"""
    return vitk2.loads(text, base=BASE.filter(indication="mds"))


def test_hostile_text_in_a_view_stays_text() -> None:
    base = _hostile_base()
    study = base.study("evil-2025-study")
    views = (
        _views.study_view(study),
        _views.finding_view(study.findings[0]),
        _views.citation_view(study.citation),
        _views.compound_view(base.compound("evil")),
        _views.base_view(base),
    )
    for html in views:
        view = view_of(html)
        tags = {t for t, _ in view.seen}
        assert "script" not in tags
        assert "<script>" not in html
        assert "\u202e" not in html  # shown as an escape, so it cannot reorder the view
        for tag, found in view.seen:
            assert not [a for a in found if a.startswith("on")], (tag, found)
            if tag == "a":
                assert (found.get("href") or "").startswith("https://"), found
        # as its author wrote it (a label shows the first word of an author's name)
        assert "<script>alert(1)</script>" in "".join(view.text)
        if html is not views[-1]:
            assert '<script>alert(1)</script> & "q" \\u202e' in "".join(view.text)
