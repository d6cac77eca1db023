"""The report in a real browser: headless Chromium at phone, tablet and desktop widths.

Skipped where Chromium is not installed (``apt-get install chromium`` on Debian and Ubuntu).
Each width is rendered twice: once as a screenshot, kept in pytest's temporary directory for a
person to look at, and once with a small probe script added to a copy of the page, which
measures the layout as the browser laid it out (the page itself runs no script).

Headless Chromium lays a page out at least 500 px wide whatever ``--window-size`` says, and
crops the screenshot: a "420 px" screenshot would show a 500 px layout with its right edge cut
off. So the report is shown in an ``<iframe>`` exactly as wide as the width tested, inside a
frame page with no margin; the probe posts its measurements to the frame page, whose DOM
Chromium prints. Run it with::

    pytest tests/test_screenshots.py -v

and find the screenshots under ``pytest``'s base temporary directory (``--basetemp`` to choose
it). docs/how-to/report.md says more.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import vitk2
from vitk2._report import write_report


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Chromium (apt-get install chromium)"
)

WIDTHS = (420, 768, 1400)
HEIGHT = 2000
TIMEOUT = 180  # seconds for one browser run; a cold start on a busy machine is slow

#: Measures the laid-out page and posts the measurements to the frame page.
PROBE = """<script>
addEventListener("load", () => {
  const box = (e) => e.getBoundingClientRect();
  const overlaps = (els) => {
    const rects = els.map(box).filter((r) => r.width > 0 && r.height > 0);
    let n = 0;
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i], b = rects[j];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) n++;
      }
    return n;
  };
  const q = (s) => [...document.querySelectorAll(s)];
  const svg = document.querySelector("#forest svg");
  const scale = box(svg).width / svg.viewBox.baseVal.width;
  const fonts = q("#forest svg text").map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  const probe = {
    viewport: innerWidth,
    pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    matrixFirstColumn: getComputedStyle(document.querySelector("table.matrix td")).position,
    overviewFirstColumn: getComputedStyle(document.querySelector("table.overview td")).position,
    guideRows: new Set(q(".guide > div").map((e) => Math.round(box(e).top))).size,
    guideOverflow: Math.max(...q(".guide > div").map((e) => box(e).right)) - innerWidth,
    matrixOverlaps: overlaps(q("table.matrix th").concat(q("table.matrix .cert"))),
    badgeOverlaps: q("tr").reduce((n, tr) => n + overlaps([...tr.querySelectorAll(".cert, .dir, .lvl")]), 0),
    findingsAsBlocks: getComputedStyle(document.querySelector("table.comparison thead")).display === "none",
    plotScrolls: svg.parentElement.scrollWidth > svg.parentElement.clientWidth,
    smallestPlotText: Math.min(...fonts),
  };
  parent.postMessage(JSON.stringify(probe), "*");
});
</script>"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, has_plot = write_report(vitk2.load(), tmp_path_factory.mktemp("report") / "report.html")
    assert has_plot
    return path


def _framed(page: Path, width: int) -> str:
    """A page that shows ``page`` in an iframe ``width`` CSS pixels wide, and its probe's result."""
    frame = page.with_name(f"frame-{page.stem}-{width}.html")
    frame.write_text(
        "<!DOCTYPE html><html><head><style>html, body { margin: 0; } iframe { border: 0; "
        f'display: block; }}</style></head><body><iframe src="{page.name}" width="{width}" '
        f'height="{HEIGHT}"></iframe><pre id="probe"></pre><script>addEventListener("message", '
        '(e) => { document.getElementById("probe").textContent = e.data; });</script>'
        "</body></html>",
        encoding="utf-8",
    )
    return frame.as_uri()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values in the pixel data of a PNG."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    pixels, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            pixels += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return width, height, len(set(zlib.decompress(pixels)))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_screenshot_at_each_width_shows_the_page(report: Path, width: int) -> None:
    shot = report.with_name(f"report-{width}.png")
    done = _run(f"--screenshot={shot}", f"--window-size={width},{HEIGHT}", _framed(report, width))
    assert shot.exists(), done.stderr[-2000:]
    w, h, colours = _png_size_and_colours(shot.read_bytes())
    assert (w, h) == (width, HEIGHT)
    assert colours > 50  # text, badges and rules, not a blank page


def _probe(report: Path, width: int) -> dict[str, Any]:
    page = report.read_text(encoding="utf-8")
    probed = report.with_name(f"probe-{width}.html")
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = _run(
        "--dump-dom",
        "--virtual-time-budget=10000",
        f"--window-size={width},{HEIGHT}",
        _framed(probed, width),
    )
    match = re.search(r'<pre id="probe">(.+?)</pre>', done.stdout)
    assert match, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(match.group(1).replace("&quot;", '"'))
    return result


@pytest.mark.parametrize("width", WIDTHS)
def test_the_layout_fits_each_width(report: Path, width: int) -> None:
    probe = _probe(report, width)
    assert probe["viewport"] == width
    # nothing makes the page itself scroll sideways; wide tables scroll inside their box
    assert probe["pageOverflow"] <= 0, probe
    assert probe["guideOverflow"] <= 0, probe
    # the first column stays in view as the matrix and the overview scroll
    assert probe["matrixFirstColumn"] == "sticky"
    assert probe["overviewFirstColumn"] == "sticky"
    # headers and badges never print over each other
    assert probe["matrixOverlaps"] == 0, probe
    assert probe["badgeOverlaps"] == 0, probe
    # the plot's smallest text is legible (at least 8 CSS pixels)
    assert probe["smallestPlotText"] >= 8, probe
    if width <= 420:
        assert probe["guideRows"] == 3, probe  # the three reading-guide cards stack
        assert probe["findingsAsBlocks"], probe
        assert probe["plotScrolls"], probe
    if width >= 1400:
        assert probe["guideRows"] == 1, probe  # side by side
        assert not probe["findingsAsBlocks"], probe
        assert not probe["plotScrolls"], probe


class _Resources(HTMLParser):
    """Whatever a browser would fetch or run: script, stylesheet, image, frame and CSS URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.tags: set[str] = set()
        self.viewport: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        if tag == "meta" and found.get("name") == "viewport":
            self.viewport = found.get("content")
        for name in ("src", "srcset", "data", "poster", "background"):
            if found.get(name):
                self.fetched.append(f"{tag} {name}={found[name]}")
        if tag == "link":
            self.fetched.append(f"link {found}")


def test_the_file_shown_is_one_offline_page(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(page)
    assert parser.viewport == "width=device-width, initial-scale=1"
    assert parser.fetched == []
    assert "script" not in parser.tags
    assert "svg" in parser.tags  # the plot is drawn inline
    assert "position: sticky" in page
    assert [u for u in re.findall(r"url\(([^)]*)\)", page) if not u.startswith("#")] == []
