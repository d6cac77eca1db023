"""The HTML report: one self-contained file covering every indication, with or without matplotlib."""

from __future__ import annotations

import base64
import html
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import vitk2
from vitk2._cli import main
from vitk2._render import interval_text
from vitk2._report import PLOT_HINT, render_report, write_report

BASE = vitk2.load()


@pytest.fixture(scope="module")
def page() -> str:
    text, has_plot = render_report(BASE)
    assert has_plot
    return text


class _Tags(HTMLParser):
    """Collects start tags and checks that containers close in order."""

    VOID = frozenset({"meta", "br", "img", "link", "hr", "input", "col"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def parse(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser


def test_the_html_is_well_formed(page: str) -> None:
    tags = parse(page)
    assert tags.errors == []
    assert tags.stack == []
    assert page.startswith("<!DOCTYPE html>")


def test_it_is_self_contained(page: str) -> None:
    tags = parse(page)
    for tag, attrs in tags.seen:
        assert tag not in ("script", "link", "iframe"), tag
        src = attrs.get("src")
        if src is not None:
            assert src.startswith("data:image/png;base64,"), src
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#"), href
    assert "@import" not in page
    assert "url(" not in page  # no fonts or images fetched by CSS


def test_it_covers_every_indication(page: str) -> None:
    overview = BASE.overview()
    for row in overview.rows:
        ind = row.indication
        assert f'id="ind-{ind.id}"' in page
        comparison = BASE.compare(ind)
        for r in comparison.rows:
            assert f'id="f-{r.finding.id.replace(".", "-")}"' in page, r.finding.id
        for e in comparison.excluded:
            assert e.finding in page
        assert comparison.lineage.content_hash in page


def test_it_has_the_overview_matrix_and_lineage(page: str) -> None:
    assert 'id="overview"' in page
    assert 'id="matrix"' in page
    assert "Compounds × indications" in page
    ds = BASE.dataset
    assert ds is not None
    assert f"{ds.id} {ds.version}" in page
    assert "wilson" in page
    assert "DerSimonian-Laird" in page


def test_certainty_and_direction_are_separate_badges(page: str) -> None:
    assert re.search(r'<span class="cert [a-z-]+"', page)
    assert re.search(r'<span class="dir [a-z-]+"', page)
    assert "⊕◯◯◯" in page  # very low, as GRADE writes it


def test_caveats_are_visible(page: str) -> None:
    comparison = BASE.compare("mds")
    for r in comparison.rows:
        for caveat in r.caveats:
            assert caveat.replace("'", "&#x27;").replace('"', "&quot;").replace("<", "&lt;") in page


def test_regimen_comparisons_and_refusals(page: str) -> None:
    hcc = BASE.compare_regimens("hcc")
    assert hcc.contrasts
    assert "risk difference" in page
    assert "not computed" in page
    assert "sequential phases of one arm" in page  # the MDS refusal


def test_every_interval_states_its_level(page: str) -> None:
    # no column header claims a level for the intervals under it
    assert not re.search(r"<th[^>]*>[^<]*\d%", page)
    for row in BASE.overview().rows:
        regimens = BASE.compare_regimens(row.indication)
        for c in regimens.contrasts:
            assert interval_text(c.risk_difference.interval, "+.1%") in page
            if c.risk_ratio is not None:
                assert interval_text(c.risk_ratio.interval, ".2f") in page
        comparison = BASE.compare(row.indication)
        for p in comparison.pooled:
            assert interval_text(p.result.interval, ".1%") in page
        for r in comparison.rows:
            if r.interval is not None:
                spec = ".1%" if isinstance(r.finding.statistic, vitk2.Proportion) else "g"
                assert interval_text(r.interval, spec) in page, r.finding.id
    # every "CI" in the text follows its level
    text = re.sub(r"<[^>]+>", " ", page)
    assert text.count(" CI ") == len(re.findall(r"\d% CI ", text))
    assert "proportions with wilson intervals at 95%" in page


def test_the_forest_plot_is_an_inline_png(page: str) -> None:
    match = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert match
    png = base64.b64decode(match.group(1))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert html.escape(PLOT_HINT) not in page


def test_without_matplotlib_the_report_says_how_to_get_the_plot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    text, has_plot = render_report(BASE)
    assert not has_plot
    assert "data:image/png" not in text
    assert html.escape(PLOT_HINT) in text
    assert 'id="ind-mds"' in text  # the rest is all there
    target = tmp_path / "report.html"
    assert main(["report", "--output", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(target.resolve())
    assert PLOT_HINT in err
    assert target.exists()


def test_no_plot_when_asked(tmp_path: Path) -> None:
    path, has_plot = write_report(BASE, tmp_path / "r.html", plot=False)
    assert not has_plot
    assert path == (tmp_path / "r.html").resolve()


def test_user_text_is_escaped(tmp_path: Path) -> None:
    evil = """\
vitk2: 1
citations:
  - {id: evil-2025, kind: primary_article, authors: [Evil E], title: "<b>x</b>", journal: J, year: 2025}
studies:
  - id: evil-2025-study
    title: "<script>alert(1)</script> & friends"
    reports: [evil-2025]
    design: case_report
    indications: [mds]
    population: {description: "One <i>patient</i>.", enrolled: 1}
    level: {ocebm: 4, rationale: "<img src=x onerror=alert(1)>"}
    findings:
      - id: evil-2025-study.response
        outcome: {name: "<em>response</em>", kind: surrogate}
        indication: mds
        statistic: {kind: narrative, summary: "It <blink>worked</blink>."}
        direction: benefit
        caveats: ["<script>caveat</script>"]
        provenance: [{source: evil-2025, text: "It worked."}]
"""
    base = vitk2.loads(evil, base=BASE)
    text, _ = render_report(base, plot=False)
    assert "<script>" not in text
    assert "<blink>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in text
    assert "&lt;script&gt;caveat&lt;/script&gt;" in text
    tags = parse(text)
    assert tags.errors == []
    assert all(tag != "script" for tag, _ in tags.seen)


def test_a_base_without_a_dataset_record() -> None:
    data = BASE.filter(indication="ms")
    mine = vitk2.EvidenceBase(
        compounds=data.compounds,
        indications=data.indications,
        citations=data.citations,
        studies=data.studies,
    )
    page, _ = render_report(mine, plot=False)
    assert "user evidence (no dataset record)" in page
    assert 'id="ind-ms"' in page
