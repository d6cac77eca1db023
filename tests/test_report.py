"""The HTML report: one self-contained file covering every indication, with or without matplotlib."""

from __future__ import annotations

import html
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import vitk2
from vitk2 import _report
from vitk2._cli import main
from vitk2._render import interval_text, safe_href
from vitk2._report import PLOT_HINT, citation_label, render_report, write_report

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


#: Where the report's links may lead: its own sections, and the records of its citations.
LINKS = (
    "#",
    "https://doi.org/10.",
    "https://pubmed.ncbi.nlm.nih.gov/",
    "https://pmc.ncbi.nlm.nih.gov/",
)


def test_it_is_self_contained(page: str) -> None:
    urls = {c.url for c in BASE.citations if c.url}
    tags = parse(page)
    for tag, attrs in tags.seen:
        assert tag not in ("script", "link", "iframe", "img", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)
        href = attrs.get("href") or attrs.get("xlink:href")
        if href is not None:
            assert href.startswith(LINKS) or html.unescape(href) in urls, href
            if tag != "a":
                assert href.startswith("#"), (tag, href)  # SVG refers only to itself
    assert "@import" not in page
    # no fonts or images fetched by CSS; the plot's clip paths name its own elements
    assert re.findall(r"url\((.)", page) == ["#"] * page.count("url(")


def test_it_is_responsive(page: str) -> None:
    """What keeps the page readable from a phone to a desktop, read from the HTML and CSS."""
    tags = parse(page)
    viewport = [a for t, a in tags.seen if t == "meta" and a.get("name") == "viewport"]
    assert viewport == [{"name": "viewport", "content": "width=device-width, initial-scale=1"}]
    css = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert css
    rules = " ".join(css.group(1).split())
    # wide tables scroll inside their box with the first column held in view
    assert (
        "table.sticky th:first-child, table.sticky td:first-child { position: sticky; left: 0;"
        in rules
    )
    assert ".scroll { overflow-x: auto;" in rules
    classes = [set((a.get("class") or "").split()) for t, a in tags.seen if t == "table"]
    assert {"matrix", "sticky"} in classes
    assert {"overview", "sticky"} in classes
    # cards stack; findings become labelled blocks on narrow screens; the plot scales
    assert "grid-template-columns: repeat(auto-fit, minmax(" in rules
    assert "@media (max-width: 600px)" in rules
    assert "@media (max-width: 820px) { table.comparison" in rules
    assert "content: attr(data-label)" in rules
    assert ".plot svg { display: block; width: 100%; height: auto; }" in rules
    cells = [a for t, a in tags.seen if t == "td" and "data-label" in a]
    # issue #19: the summary of findings leads the report, and its rows too become labelled
    # blocks on narrow screens, so its columns are labelled beside the findings' columns.
    assert "@media (max-width: 820px) { table.sof" in rules
    assert {a["data-label"] for a in cells} == {
        "regimen",
        "outcome",
        "n",
        "result",
        "direction",
        "certainty",
        "source",
        "form · endpoint",
        "estimate",
        "studies (participants)",
        "certainty and why",
        "statement",
        "studies",
    }
    assert "matrix" not in re.findall(r"table-layout: fixed", rules)


def test_every_citation_links_to_its_doi_and_pubmed_record(page: str) -> None:
    hrefs = {a.get("href") for t, a in parse(page).seen if t == "a"}
    shown = {r.study.id for o in BASE.overview().rows for r in BASE.compare(o.indication).rows}
    cited = {c.id for s in BASE.studies if s.id in shown for c in s.reports}
    linked = 0
    for c in BASE.citations:
        if c.id not in cited:
            continue
        if c.doi:
            assert safe_href(c.doi) in hrefs, c.id
            linked += 1
        if c.pmid:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{c.pmid}/" in hrefs, c.id
            linked += 1
    assert linked > 20


def test_labels_say_what_is_missing_not_n_d(page: str) -> None:
    # The Yoshida year has since been confirmed (from the HCC case report's reference list);
    # the Hayashi case report's year is the one withheld now.
    hayashi = BASE.citation("hayashi-hcc-case-report")
    assert not isinstance(hayashi.year, int)  # withheld by the curators: not in the source
    assert citation_label(hayashi)[0] == "Hayashi, year not recorded"
    # a surname of two words keeps both
    assert citation_label(BASE.citation("de-vriese-2020-j-am-soc-nephrol"))[0].startswith(
        "De Vriese"
    )
    binkley = BASE.citation("binkley-2009-j-bone-miner-res")
    label, why = citation_label(binkley)
    assert label == "Journal of Bone and Mineral Research, authors and year not recorded"
    assert why is not None
    assert "2009 according to a citing article" in why
    assert citation_label(BASE.citation("su-2019-osteoporos-int")) == ("Su 2019", None)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for old in ("Yoshida n.d.", "Journal of Bone and Mineral Research n.d.", "Hayashi n.d."):
        assert old not in text
    assert "Hayashi, year not recorded" in text
    # the curators' reason is on the page, not only in a tooltip a phone cannot show
    assert "2009 according to a citing article" in text


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


class _Svg(HTMLParser):
    """The tags and text inside the page's <svg> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.roots: list[dict[str, str | None]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.roots.append(dict(attrs))
        if tag == "svg" or self.depth:
            self.depth += 1
            self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def svg_of(page: str) -> _Svg:
    parser = _Svg()
    parser.feed(page)
    parser.close()
    return parser


#: What matplotlib's SVG is made of; nothing that runs, embeds or fetches.
SVG_TAGS = {
    "svg",
    "title",
    "defs",
    "style",
    "g",
    "path",
    "use",
    "text",
    "clippath",
    "clipPath",
    "rect",
}


def test_the_forest_plot_is_inline_svg_that_scales_and_can_be_searched(page: str) -> None:
    svg = svg_of(page)
    # issue #19: a forest plot of effects per endpoint with two or more comparable trials
    # (HCC recurrence in the bundled data) beside the plot of uncontrolled response rates
    assert len(svg.roots) == 1 + len(_report._effect_analyses(BASE, BASE.overview()))
    assert len(svg.roots) >= 2
    ids = [root.get("aria-labelledby") for root in svg.roots]
    assert len(ids) == len(set(ids))
    for root in svg.roots:
        assert "viewBox" in root or "viewbox" in root
        assert "width" not in root  # the CSS sizes it to its box
        assert "height" not in root
    assert {tag for tag, _ in svg.tags} <= SVG_TAGS
    for _, attrs in svg.tags:
        assert not [a for a in attrs if a.startswith("on")]
    text = "".join(svg.text)
    # text is text: the labels and the numbers can be found with the browser's search.
    # issue #19: the plot of proportions keeps only uncontrolled response rates, so the arm of
    # Jiang 2014 (a randomised trial) is no longer drawn there; a single-arm trial is.
    assert "Jiang 2014 · new fractures" not in text
    assert "Blood 2005 · haematologic improvement" in text
    assert "events/n  estimate (95% CI)" in text
    # the forest plot of effects: study rows, the pooled diamond's label, the prediction interval
    assert "Meta-analysis: menatetrenone, recurrence of hepatocellular carcinoma" in text
    assert "prediction interval" in text
    assert "favours menatetrenone" in text
    for prolog in ("<metadata>", "<?xml", "<!DOCTYPE svg"):
        assert prolog not in page
    assert html.escape(PLOT_HINT) not in page
    assert "data:image" not in page


def test_the_plot_is_the_same_for_the_same_evidence(page: str) -> None:
    again, _ = render_report(BASE)
    assert again == page


def test_hostile_text_in_the_plot_stays_text() -> None:
    evil = """\
citations:
  - {id: evil-2025, kind: primary_article, authors: ['</text><script>alert(1)</script>'], journal: J, year: 2025}
studies:
  - id: evil-2025-study
    title: A study
    reports: [evil-2025]
    design: case_series
    indications: [mds]
    population: {description: "Ten.", enrolled: 10}
    level: {ocebm: 4, rationale: x}
    findings:
      - id: evil-2025-study.response
        outcome: {name: "<foreignObject><iframe src=x></iframe>", kind: surrogate}
        indication: mds
        statistic: {kind: proportion, events: 3, total: 10}
        direction: benefit
        provenance: [{source: evil-2025, text: "It worked."}]
"""
    base = vitk2.loads(evil, base=BASE.filter(indication="mds"))
    text, has_plot = render_report(base)
    assert has_plot
    svg = svg_of(text)
    assert {tag for tag, _ in svg.tags} <= SVG_TAGS
    drawn = "".join(svg.text)
    assert "</text><script>alert(1)</script>" in drawn  # drawn as the author wrote it
    assert "<script>" not in text
    assert "<foreignObject>" not in text


def test_without_matplotlib_the_report_says_how_to_get_the_plot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    text, has_plot = render_report(BASE)
    assert not has_plot
    assert "<svg" not in text
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
    # No format version: the file is read in the current format.
    evil = """\
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
        endpoints=data.endpoints,  # the findings name endpoints, which a base must define
    )
    page, _ = render_report(mine, plot=False)
    assert "user evidence (no dataset record)" in page
    assert 'id="ind-ms"' in page
