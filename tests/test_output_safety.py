"""Text that leaves vitk2 is data, never code: HTML, Markdown, CSV, plots, terminals, files.

A hostile base is the bundled evidence with a hostile string put in front of every text field
that accepts one (found by trying: a field whose check refuses it keeps its own text). Every
output format is rendered from it and read back by a parser of that format, which must find
the hostile text as text and no structure that the data made. Laws over generated text hold
each escaping function to the same promise.
"""

from __future__ import annotations

import copy
import csv
import html
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vitk2
from vitk2._diff import diff
from vitk2._render import (
    csv_text,
    inert_json,
    markdown_text,
    safe_href,
    table_csv,
    table_markdown,
    terminal_text,
    write_atomic,
)
from vitk2._report import forest_plot_png, render_report, write_report

BASE = vitk2.load()

#: What a hostile author writes: markup, an event handler, a link to script, table breakers,
#: Markdown emphasis and code, mathtext that does not parse, a spreadsheet formula and
#: terminal control sequences (clear screen, bell, a C1 CSI, a right-to-left override).
HOSTILE = (
    '=HYPERLINK("http://x") <script>alert(1)</script>"><img src=x onerror=alert(1)> '
    "&amp; & 'single' \"double\" | cell | [link](javascript:alert(1)) <a href=x>a</a> "
    "`code` *bold* _em_ $\\frac{$ \\ \x1b[2J\x07\x9b\u202e\n| x | y |\n"
)

#: Characters a terminal acts on instead of showing (newline and tab are text).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: A text cell a spreadsheet would run (a plain number is a number, not a formula).
FORMULA = re.compile(r"[=+\-@\t\r]")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


# --------------------------------------------------------------------------------------------
# The hostile base


def _leaves(data: Any, path: str = "") -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, f"{path}[{i}]")
    elif isinstance(data, str):
        yield path


def _apply(data: Any, path: str, change: Callable[[str], str]) -> None:
    parts = re.findall(r"\[\d+\]|[^.\[\]]+", path)
    here = data
    for part in parts[:-1]:
        here = here[int(part[1:-1])] if part.startswith("[") else here[part]
    last = parts[-1]
    key: Any = int(last[1:-1]) if last.startswith("[") else last
    here[key] = change(here[key])


def _spoiled(leaves: list[str], problem_path: str) -> set[str]:
    """The leaves a problem at ``problem_path`` is about (the path may name a union's tag)."""
    path = problem_path
    while path:
        hit = {p for p in leaves if p == path or p.startswith((path + ".", path + "["))}
        if hit:
            return hit
        path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
    return set()


def hostile(text: str = HOSTILE, base: vitk2.EvidenceBase = BASE) -> vitk2.EvidenceBase:
    """``base`` with ``text`` in front of every text field whose check accepts it."""
    data = json.loads(vitk2.dump(base, "json"))
    leaves = list(_leaves(data))
    kept: set[str] = set()
    for _ in range(20):
        spoiled = copy.deepcopy(data)
        for path in leaves:
            if path not in kept:
                _apply(spoiled, path, lambda s: text + s)
        try:
            return vitk2.loads(json.dumps(spoiled), "json")
        except vitk2.ValidationError as err:
            problems = err.problems
        found = set().union(*(_spoiled(leaves, p.path) for p in problems))
        assert found - kept, [str(p) for p in problems[:5]]
        kept |= found
    raise AssertionError("no hostile base loads")


@pytest.fixture(scope="module")
def evil() -> vitk2.EvidenceBase:
    base = hostile()
    # the transformation reached the fields every renderer shows
    assert base.dataset is not None
    assert base.dataset.title is not None
    assert base.dataset.title.startswith(HOSTILE)
    assert all(s.title.startswith(HOSTILE) for s in base.studies)
    assert all(i.name.startswith(HOSTILE) for i in base.indications)
    assert all(f.outcome.name.startswith(HOSTILE) for f in base.findings)
    return base


# --------------------------------------------------------------------------------------------
# HTML


class _Page(HTMLParser):
    """Every start tag with its attributes, and the text as a browser would show it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert_html(page: str, *, expect_text: bool = True) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    names = {tag for tag, _ in parsed.tags}
    forbidden = {"script", "iframe", "object", "embed", "math", "form", "base"}
    # inline SVG plots are allowed; nothing in them may load, run or embed anything
    assert not names & (forbidden | {"foreignobject", "image", "animate", "set"})
    for tag, attributes in parsed.tags:
        if tag == "use":
            assert (attributes.get("xlink:href") or attributes.get("href") or "").startswith("#")
        assert not [a for a in attributes if a.startswith("on")], (tag, attributes)
        assert tag != "img" or (attributes.get("src") or "").startswith("data:image/png;base64,")
        if tag == "a":
            href = attributes.get("href") or ""
            assert href.startswith(("#", "https://", "http://")), href
        if tag == "meta":
            assert "http-equiv" not in attributes
    text = "".join(parsed.text)
    assert not CONTROLS.search(page), CONTROLS.search(page)  # nor a reordered line
    if expect_text:
        # the hostile markup is there as text, as its author wrote it
        assert "<script>alert(1)</script>" in text
        assert '"><img src=x onerror=alert(1)>' in text
        assert "&amp; &" in text
    return parsed


def test_the_report_of_a_hostile_base_is_inert(evil: vitk2.EvidenceBase) -> None:
    pytest.importorskip("matplotlib")
    page, has_plot = render_report(evil)
    assert has_plot
    assert_inert_html(page)


def test_the_dataset_title_is_text_in_the_report(evil: vitk2.EvidenceBase) -> None:
    page, _ = render_report(evil, plot=False)
    assert html.escape("<script>alert(1)</script>") in page
    assert "<script>" not in page


@pytest.mark.parametrize(
    "render",
    [
        pytest.param(lambda b: b._repr_html_(), id="EvidenceBase"),
        pytest.param(lambda b: b.overview()._repr_html_(), id="Overview"),
        pytest.param(
            lambda b: "".join(
                b.compare(i)._repr_html_() for i in b.indications if i.parent is None
            ),
            id="Comparison",
        ),
        pytest.param(
            lambda b: "".join(
                b.compare_regimens(i)._repr_html_() for i in b.indications if i.parent is None
            ),
            id="RegimenComparison",
        ),
    ],
)
def test_notebook_html_of_a_hostile_base_is_inert(
    evil: vitk2.EvidenceBase, render: Callable[[vitk2.EvidenceBase], str]
) -> None:
    page = render(evil)
    assert_inert_html(page, expect_text="<td>" in page and "alert" in html.unescape(page))
    assert "<script>" not in page


# --------------------------------------------------------------------------------------------
# Links


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        "http:alert(1)",
        "https://",
        "https:// evil",
        "http://ok.example/\x1b[2J",
        "",
    ],
)
def test_only_http_and_doi_links_become_links(url: str) -> None:
    assert safe_href(url) is None


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("HTTP://Example.org/x", "HTTP://Example.org/x"),
        ('https://example.org/"><script>', "https://example.org/%22%3E%3Cscript%3E"),
        ("10.1000/xyz", "https://doi.org/10.1000/xyz"),
        ('10.1000/"><img src=x onerror=alert(1)>', None),
        ("10.1000/x<y>", "https://doi.org/10.1000/x%3Cy%3E"),
    ],
)
def test_links_are_http_and_quoted(url: str, href: str | None) -> None:
    assert safe_href(url) == href


@given(st.text(max_size=40))
def test_a_link_is_http_or_nothing(text: str) -> None:
    for url in (text, "https://" + text, "http://x.example/" + text, "10.1000/" + text):
        href = safe_href(url)
        if href is not None:
            assert re.match(r"(?i)https?://[^/?#\s]", href), href
            assert not re.search(r"[\s\"'<>`\\\x00-\x1f\x7f-\x9f]", href), href


def test_no_url_from_the_evidence_becomes_a_link() -> None:
    data = json.loads(vitk2.dump(BASE.filter(indication="mds"), "json"))
    for citation in data["citations"]:
        citation["url"] = 'https://example.org/"onmouseover="alert(1)'
        citation["doi"] = '10.1000/"><script>alert(1)</script>'
    base = vitk2.loads(json.dumps(data), "json")
    page, _ = render_report(base, plot=False)
    parsed = assert_inert_html(page, expect_text=False)
    hrefs = [a.get("href") or "#" for tag, a in parsed.tags if tag == "a"]
    # the report links a citation only by its identifiers, to the registries' own addresses; a
    # free URL from the file never becomes a link, and a hostile DOI is percent-encoded
    outside = [h for h in hrefs if not h.startswith("#")]
    assert outside, "citations with a DOI or PMID are linked"
    for href in outside:
        assert href.startswith(("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/")), href
        assert not set(href) & set('"<> '), href
    assert not any("example.org" in h for h in hrefs)
    for text in (base.compare("mds").to_markdown(), base.overview().to_markdown()):
        assert "<a " not in _render_markdown(text)


# --------------------------------------------------------------------------------------------
# Markdown


def _render_markdown(text: str) -> str:
    markdown = pytest.importorskip("markdown")
    rendered: str = markdown.markdown(text, extensions=["tables"])
    return rendered


def _table_lines(text: str) -> list[list[str]]:
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [re.split(r"(?<!\\)\|", line)[1:-1] for line in lines]


def _markdown_outputs(evil: vitk2.EvidenceBase) -> dict[str, str]:
    roots = [i for i in evil.indications if i.parent is None]
    return {
        "overview": evil.overview().to_markdown(),
        "comparison": "\n\n".join(evil.compare(i).to_markdown() for i in roots),
        "regimens": "\n\n".join(evil.compare_regimens(i).to_markdown() for i in roots),
        "diff": diff(BASE, evil, old_label="<b>old</b>", new_label="|new|").to_markdown(),
    }


@pytest.mark.parametrize("name", ["overview", "comparison", "regimens", "diff"])
def test_markdown_of_a_hostile_base_is_text(evil: vitk2.EvidenceBase, name: str) -> None:
    text = _markdown_outputs(evil)[name]
    # every table row has as many cells as its header
    rows = _table_lines(text)
    assert rows
    widths = {len(r) for r in rows}
    assert len(widths) == 1, widths
    rendered = _render_markdown(text)
    parsed = assert_inert_html(rendered, expect_text=name in ("overview", "comparison"))
    assert "<script>alert(1)</script>" in "".join(parsed.text)  # shown as its author wrote it
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert "<a " not in rendered
    assert "<code>" not in rendered
    assert "<em>" not in rendered


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_a_markdown_cell_is_its_text(text: str) -> None:
    table = table_markdown(("h", "i"), [(text, "z")])
    rows = _table_lines(table)
    assert [len(r) for r in rows] == [2, 2, 2]  # header, rule, row
    rendered = _render_markdown(table)
    cells = re.findall(r"<td>(.*?)</td>", rendered, flags=re.DOTALL)
    assert len(cells) == 2, rendered
    assert "<" not in cells[0].replace("&lt;", "")  # no markup made from the text
    shown = " ".join(terminal_text(text).split())
    assert html.unescape(cells[0]).strip() == shown.strip()


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["# h", "- x", "+ y", "1. z", "12) w", "---", "- - -", "> q", "#"]),
    )
)
def test_markdown_text_can_start_a_list_item(text: str) -> None:
    rendered = _render_markdown("- " + markdown_text(text) + "\n")
    shown = " ".join(terminal_text(text).split())
    if not shown:
        return
    items = re.findall(r"<li>(.*?)</li>", rendered, flags=re.DOTALL)
    assert len(items) == 1, rendered
    assert "<" not in items[0].replace("&lt;", ""), rendered  # no heading, list, rule or link
    assert html.unescape(items[0]).strip() == shown.strip()


@given(st.text(max_size=60))
def test_markdown_text_is_one_line_without_markup(text: str) -> None:
    out = markdown_text(text)
    assert "\n" not in out
    assert "\r" not in out
    assert not re.search(r"(?<!\\)[|`*_\[\]]", out.replace("\\\\", ""))
    assert "<" not in out
    assert ">" not in out


# --------------------------------------------------------------------------------------------
# CSV


def _unquote(cell: str) -> str:
    """Read a neutralised cell back: one leading quote before a formula start is vitk2's."""
    return cell[1:] if re.match(r"'+[=+\-@\t\r]", cell) else cell


def _assert_no_formula(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row:
            assert not (FORMULA.match(cell) and not NUMBER.fullmatch(cell)), cell
    return rows


def test_csv_of_a_hostile_base_runs_nothing(evil: vitk2.EvidenceBase) -> None:
    roots = [i for i in evil.indications if i.parent is None]
    texts = [
        vitk2.to_csv(evil),
        evil.overview().to_csv(),
        *(evil.compare(i).to_csv() for i in roots),
        *(evil.compare_regimens(i).to_csv() for i in roots),
        diff(BASE, evil).to_csv(),
    ]
    cells = [cell for text in texts for row in _assert_no_formula(text) for cell in row]
    for text in texts[:3]:
        assert "'=HYPERLINK(" in text
    assert sum(cell.startswith("'=HYPERLINK(") for cell in cells) > 100


def test_csv_numbers_stay_numbers() -> None:
    text = table_csv(("a", "b", "c", "d"), [(-0.5, "-0.5", "+1e3", "-x"), (-3, "@1", "=1", 0.0)])
    assert text.splitlines() == ["a,b,c,d", "-0.5,-0.5,+1e3,'-x", "-3,'@1,'=1,0.0"]
    rows = vitk2.to_rows(BASE)
    back = list(csv.DictReader(io.StringIO(vitk2.to_csv(BASE), newline="")))
    for row, cells in zip(rows, back, strict=True):
        for name, value in row.items():
            if isinstance(value, float):
                assert cells[name] == repr(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                assert cells[name] == str(value)


@given(st.text(max_size=30))
def test_a_csv_cell_runs_nothing_and_reads_back(text: str) -> None:
    cell = csv_text(text)
    assert not (FORMULA.match(cell) and not NUMBER.fullmatch(cell))
    assert _unquote(cell) == text
    if not FORMULA.match(text.lstrip("'")) or NUMBER.fullmatch(text):
        assert cell == text  # only what a spreadsheet would run is changed


def test_a_carriage_return_in_a_csv_cell_keeps_its_row_whole() -> None:
    # A bare carriage return written unquoted ended the row for every CSV reader.
    text = table_csv(("a", "b", "c"), [("x\ry", 1, "z"), ("p", "q\r", 2.5)])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b", "c"],
        ["x\ry", "1", "z"],
        ["p", "q\r", "2.5"],
    ]


@given(  # no NUL: Python 3.10's csv reader refuses one
    st.lists(
        st.lists(
            st.text(st.characters(blacklist_characters="\0"), max_size=12), min_size=3, max_size=3
        ),
        max_size=4,
    )
)
def test_csv_rows_read_back_whole(rows: list[list[str]]) -> None:
    text = table_csv(("a", "b", "c"), rows)
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back[0] == ["a", "b", "c"]
    assert [[_unquote(cell) for cell in row] for row in back[1:]] == rows


# --------------------------------------------------------------------------------------------
# Plots


@pytest.mark.parametrize(
    "name", ["$\\frac{$", "$x^2$", "costs $5 and $6", "\\", "$\\undefinedcommand$", "a$b$$c"]
)
def test_dollars_and_backslashes_are_drawn_as_text(name: str) -> None:
    pytest.importorskip("matplotlib")
    base = hostile(name, BASE.filter(indication="mds"))
    overview = base.overview()
    rows = [
        (r.indication.name, row)
        for r in overview.rows
        for row in base.compare(r.indication).rows
        if isinstance(row.finding.statistic, vitk2.Proportion) and row.interval is not None
    ]
    assert rows
    png = forest_plot_png(rows)
    assert png is not None
    assert png.startswith(b"\x89PNG")


def test_plot_text_is_never_mathtext(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    seen: list[Any] = []
    savefig = Figure.savefig

    def spy(self: Figure, *args: Any, **kwargs: Any) -> Any:
        seen.extend(self.findobj(lambda o: hasattr(o, "get_parse_math")))
        return savefig(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    base = hostile("$x$ ", BASE.filter(indication="mds"))
    render_report(base)
    user = [t for t in seen if "$x$" in t.get_text()]
    assert user
    assert all(not t.get_parse_math() and not t.get_usetex() for t in user)


# --------------------------------------------------------------------------------------------
# Terminals


@given(st.text())
def test_terminal_text_has_no_controls(text: str) -> None:
    out = terminal_text(text)
    assert not CONTROLS.search(out)
    assert terminal_text(out) == out
    if not CONTROLS.search(text):
        assert out == text


def test_terminal_text_shows_controls_as_escapes() -> None:
    assert terminal_text("a\x1b[2Jb\x07\x9b\u202ec\td\ne\r") == (
        "a\\x1b[2Jb\\x07\\x9b\\u202ec\td\ne\\x0d"
    )


@given(st.text())
def test_inert_json_is_the_same_data(text: str) -> None:
    dumped = json.dumps({"k": text}, ensure_ascii=False, indent=2)
    out = inert_json(dumped)
    assert json.loads(out) == {"k": text}
    assert not CONTROLS.search(out)


def _cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, base: Any, *args: str
) -> tuple[int, str, str]:
    """Run the command line with ``base`` standing in for the bundled evidence."""
    from vitk2._cli import main

    monkeypatch.setattr("vitk2._bundled.load", lambda: base)
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _commands(base: vitk2.EvidenceBase) -> list[tuple[str, ...]]:
    root = next(i for i in base.indications if i.parent is None and base.compare(i).rows).id
    study = base.studies[0]
    return [
        ("indications",),
        ("compounds",),
        ("studies",),
        ("overview",),
        ("overview", "--matrix"),
        ("compare", root),
        ("compare", root, "--regimens"),
    ] + [
        ("show", name, "--kind", kind)
        for name, kind in (
            (study.id, "study"),
            (study.findings[0].id, "finding"),
            (study.citation.id, "citation"),
            (base.compounds[0].id, "compound"),
            (root, "indication"),
        )
    ]


def test_the_terminal_never_gets_a_control_character(
    evil: vitk2.EvidenceBase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for command in _commands(evil):
        formats = (
            ("text", "json", "yaml") if command[0] == "show" else ("table", "markdown", "json")
        )
        for fmt in formats:
            status, out, err = _cli(capsys, monkeypatch, evil, *command, "--format", fmt)
            assert status == 0, (command, err)
            if fmt == "yaml":  # data for a file or a pipe: YAML escapes what it must itself
                out = out.replace("\u202e", "")
            assert not CONTROLS.search(out), (command, fmt, CONTROLS.search(out))
            assert not CONTROLS.search(err), (command, fmt, err)
            if fmt == "json":
                json.loads(out)
            if fmt == "json":
                assert "alert" not in out or "\\u001b[2J" in out  # the same string, escaped
            if fmt == "text":
                assert "\\x1b[2J" in out  # shown, not acted on (tables clip long cells)
            if fmt == "markdown":
                rendered = _render_markdown(out)
                assert "<script>" not in rendered
                assert "alert" not in out or "\\x1b[2J" in html.unescape(rendered)


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_data_printed_to_a_terminal_has_no_control_character(
    evil: vitk2.EvidenceBase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    import vitk2._cli

    filtered = evil.filter(indication=evil.studies[0].indications[0].id)
    status, out, _ = _cli(capsys, monkeypatch, filtered, "export", "--format", fmt)
    assert status == 0
    assert "\u202e" in out  # to a file or a pipe, the data as it is
    monkeypatch.setattr(vitk2._cli, "_is_terminal", lambda stream: True)
    status, out, _ = _cli(capsys, monkeypatch, filtered, "export", "--format", fmt)
    assert status == 0
    assert not CONTROLS.search(out)
    assert "\\u202e" in out


def test_json_output_is_the_same_data(
    evil: vitk2.EvidenceBase, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    study = evil.studies[0]
    _, out, _ = _cli(capsys, monkeypatch, evil, "show", study.id, "--kind", "study", "-f", "json")
    assert json.loads(out) == json.loads(vitk2.dump(study, "json"))
    _, out, _ = _cli(capsys, monkeypatch, evil, "export", "--format", "json")
    assert not CONTROLS.search(out)
    assert vitk2.loads(out, "json") == evil


def test_error_lines_carry_no_control_character(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad\x1b[2J.yaml"
    bad.write_text('vitk2: 2\nstudies: [{id: x, title: "\x1b]0;owned\x07"}]\n', encoding="utf-8")
    for args in (
        ("compare", "\x1b[2J\u202e"),
        ("validate", str(bad)),
        ("studies", "--data", str(bad)),
        ("studies", "--design", "\x9b31m"),
    ):
        status, out, err = _cli(capsys, monkeypatch, BASE, *args)
        assert status != 0
        assert err.strip()
        assert not CONTROLS.search(out + err), (args, out, err)


# --------------------------------------------------------------------------------------------
# Atomic writes


def _dir_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_write_atomic_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert write_atomic(target, b"new") == target.resolve()
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions
    assert _dir_listing(tmp_path) == ["out.txt"]


def test_a_new_file_gets_the_umask_s_permissions(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import os
        from vitk2._render import write_atomic
        os.umask(0o027)
        write_atomic({str(tmp_path / "new.txt")!r}, b"x")
        print(oct(os.stat({str(tmp_path / "new.txt")!r}).st_mode & 0o777))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "0o640"


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_old_file(tmp_path: Path, error: BaseException) -> None:
    target = tmp_path / "out.txt"
    target.write_text("previous good file", encoding="utf-8")

    def half(f: Any) -> None:
        f.write(b"half of the new")
        raise error

    with pytest.raises(type(error)):
        write_atomic(target, half)
    assert target.read_text(encoding="utf-8") == "previous good file"
    assert _dir_listing(tmp_path) == ["out.txt"]


def test_a_failed_write_names_the_file_asked_for(tmp_path: Path) -> None:
    # The error named the hidden temporary file ('.out.txt.5a13e477734d.tmp'), or no file.
    missing = tmp_path / "no such folder" / "out.txt"
    with pytest.raises(FileNotFoundError) as missed:
        write_atomic(missing, b"x")
    assert missed.value.filename == str(missing)

    def full(f: Any) -> None:
        raise OSError(27, "File too large")

    target = tmp_path / "out.txt"
    with pytest.raises(OSError, match="File too large") as raised:
        write_atomic(target, full)
    assert (raised.value.errno, raised.value.filename) == (27, str(target))
    assert _dir_listing(tmp_path) == []


def test_a_nul_in_a_path_to_write_is_an_os_error_naming_it(tmp_path: Path) -> None:
    where = str(tmp_path / "out\0.html")
    with pytest.raises(OSError, match="NUL") as raised:
        write_atomic(where, b"x")
    assert raised.value.filename == where
    with pytest.raises(OSError, match="NUL"):
        write_report(vitk2.load(), where)
    assert _dir_listing(tmp_path) == []


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_a_special_file_is_written_in_place(tmp_path: Path) -> None:
    write_atomic(os.devnull, b"nothing")
    assert Path(os.devnull).exists()
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path, b"x")
    assert _dir_listing(tmp_path) == []


_FILL_THE_DISK = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
import vitk2
{call}
"""


@pytest.mark.parametrize(
    "call",
    [
        "from vitk2._report import write_report; write_report(vitk2.load(), sys.argv[1], plot=False)",
        "vitk2.to_parquet(vitk2.load(), sys.argv[1])",
        "from vitk2._cli import main; sys.exit(main(['export', '-f', 'csv', '-o', sys.argv[1]]))",
        "from vitk2._cli import main; sys.exit(main(['report', '-o', sys.argv[1]]))",
    ],
    ids=["write_report", "to_parquet", "export", "report"],
)
def test_a_full_disk_leaves_the_previous_file(tmp_path: Path, call: str) -> None:
    if "parquet" in call:
        pytest.importorskip("pyarrow")
    resource = pytest.importorskip("resource")  # POSIX only
    if not hasattr(resource, "RLIMIT_FSIZE"):  # pragma: no cover - not POSIX
        pytest.skip("needs RLIMIT_FSIZE")
    target = tmp_path / ("out.csv" if "csv" in call else "out.html")
    if "report" in call:
        previous = '<!DOCTYPE html><meta name="generator" content="vitk2 0.0.1">old report'
    elif "csv" in call:
        previous = vitk2.to_csv(BASE.filter(indication="mds"))[:3000]
    else:
        previous = "previous good file"
    target.write_bytes(previous.encode("utf-8"))
    proc = subprocess.run(
        [sys.executable, "-c", _FILL_THE_DISK.format(call=call), str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode != 0
    assert target.read_bytes() == previous.encode("utf-8")
    assert _dir_listing(tmp_path) == [target.name]
    if "main" in call:
        assert proc.returncode == 1
        assert "Traceback" not in proc.stderr
        assert proc.stderr.startswith("vitk2: error: ")


def test_write_report_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vitk2._render as render

    target = tmp_path / "r.html"
    write_report(BASE.filter(indication="mds"), target, plot=False)
    before = target.read_text(encoding="utf-8")
    real = render.write_atomic

    def fail_halfway(path: Any, content: Any) -> Any:
        def half(f: Any) -> None:
            f.write(content[:100] if isinstance(content, bytes) else b"x")
            raise OSError(5, "Input/output error")

        return real(path, half)

    monkeypatch.setattr(render, "write_atomic", fail_halfway)
    with pytest.raises(OSError, match="Input/output"):
        write_report(BASE, target, plot=False)
    assert target.read_text(encoding="utf-8") == before
    assert _dir_listing(tmp_path) == ["r.html"]
