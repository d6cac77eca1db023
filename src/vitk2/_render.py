"""Renderers: one table shape, many formats (aligned text, Markdown, CSV, JSON, HTML).

Whatever a renderer writes is inert: the text in it came from evidence files that anyone can
write, so each format gets the escaping that keeps that text data. HTML escapes markup,
Markdown escapes what would make a link, code, emphasis or a new cell, CSV neutralises cells a
spreadsheet would run, JSON and terminal text carry no control characters, and only http(s)
and DOI links become links. Files are written whole or not at all (`write_atomic`).
"""

from __future__ import annotations

import contextlib
import csv
import decimal
import errno
import functools
import html
import io
import json
import os
import re
import secrets
import stat
import sys
import unicodedata
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import attrs

from . import _model as m

if TYPE_CHECKING:
    from ._base import EvidenceBase
    from ._stats import Interval

__all__ = [
    "Layout",
    "Table",
    "TextOptions",
    "base_html",
    "csv_text",
    "effect_text",
    "html_text",
    "inert_json",
    "interval_text",
    "level_text",
    "markdown_text",
    "safe_href",
    "statistic_text",
    "table_csv",
    "table_html",
    "table_json",
    "table_markdown",
    "table_text",
    "terminal_text",
    "text_width",
    "write_atomic",
]

Table = tuple[Sequence[str], Sequence[Sequence[Any]]]
"""Column headers and rows of cells."""


def level_text(level: float) -> str:
    """A confidence level as the percentage it is, never rounded: ``"95%"``, ``"87.5%"``.

    ``f"{level:.0%}"`` would call 0.875 "88%" and 0.9999 "100%"; this writes the level's
    shortest decimal form times 100.
    """
    percent = (decimal.Decimal(repr(float(level))) * 100).normalize()
    return f"{percent:f}%"


def interval_text(interval: Interval, spec: str = ".3g") -> str:
    """An interval with its own level: ``"95% CI 0.64 to 1.2"`` (bounds in format ``spec``)."""
    low, high = format(interval.low, spec), format(interval.high, spec)
    return f"{level_text(interval.level)} CI {low} to {high}"


def statistic_text(stat: m.Statistic) -> str:
    """A statistic in words, as ``str(stat)``, with the level of any interval stated.

    An effect reads ``"risk ratio 0.87 (95% CI 0.64 to 1.2), p 0.3"``: the level is the one the
    source reported, whatever level the table around it computes its own intervals at.
    """
    if isinstance(stat, m.Effect) and stat.low is not None and stat.high is not None:
        return _effect_text(stat)
    return str(stat)


@functools.lru_cache(maxsize=4096)
def _effect_text(stat: m.Effect) -> str:
    interval = stat.interval
    assert interval is not None  # statistic_text asks only for effects with an interval
    return effect_text(stat, interval)


_EFFECT_FIELDS = tuple(a.name for a in attrs.fields(m.Effect))


def effect_text(stat: m.Effect, interval: Interval) -> str:
    """`statistic_text` of an effect with an interval, given that interval (``stat.interval``).

    The effect without its interval and p value, then the interval with its level, then the p
    value. The bare effect is copied field by field instead of rebuilt with ``attrs.evolve``,
    whose validators would check again what the effect's own construction checked; a caller
    that has made the interval already (a comparison's row) passes it.
    """
    bare = object.__new__(m.Effect)
    for name in _EFFECT_FIELDS:
        object.__setattr__(bare, name, getattr(stat, name))
    for name in ("low", "high", "p_value"):
        object.__setattr__(bare, name, None)
    p = f", p {stat.p_value}" if stat.p_value is not None else ""
    spec = "g" if stat.decimals is None else f".{stat.decimals}f"  # as the source gives it
    return f"{bare} ({interval_text(interval, spec)}){p}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


# --------------------------------------------------------------------------------------------
# Escaping: text from evidence files stays text in every format

#: Characters a terminal acts on instead of showing: C0 controls but tab and newline, DEL, C1
#: controls (0x9b alone starts a control sequence) and the bidirectional embeddings, overrides
#: and isolates that make text display in another order than it reads.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    r"""``text`` with each control character shown as its escape: ``"\x1b[2J"``, ``"\u202e"``.

    Escape sequences lose their ESC (or C1 CSI) and print as the characters they are; newline
    and tab are kept. Text without control characters is returned unchanged.
    """
    return _CONTROLS.sub(_visible, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def html_text(text: str) -> str:
    """``text`` as HTML text: markup escaped (quotes too), control characters as escapes.

    The escapes keep a right-to-left override in the evidence from reordering the words
    around it on the page, as `terminal_text` does on a terminal.
    """
    return html.escape(terminal_text(text))


def inert_json(text: str) -> str:
    r"""JSON text (from `json.dumps`) with the same data and no control characters.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but writes DEL, C1 controls and
    bidirectional overrides as they are; they can only be inside strings, where ``\uXXXX``
    is the same character.
    """
    return _CONTROLS.sub(_json_escape, text)


#: Markdown punctuation that makes structure inside a line: code, emphasis, links and images,
#: table cells, and the backslash that escapes them.
_MARKDOWN_PUNCT = re.compile(r"([\\`*_\[\]|])")


#: What would make a heading, a list or a rule of text at the start of a line or list item.
_BLOCK_START = re.compile(r"#|[-+](?=\s|$)|-{3,}\s*$")
_ORDERED_START = re.compile(r"(\d{1,9})([.)])(?=\s|$)")


def markdown_text(value: Any) -> str:
    """``value`` as Markdown inline text that renders as itself, on one line.

    Whitespace (newlines included) collapses to single spaces, so a cell stays in its row; ``|``,
    backticks, ``*``, ``_``, ``[``, ``]`` and backslashes are backslash-escaped, so no cell,
    code, emphasis or link starts; ``&``, ``<`` and ``>`` become entities, so no raw HTML or
    autolink passes through; a heading, list or rule marker at the start is escaped, so the
    text can also start a line or a list item; control characters are shown as escapes.
    """
    text = " ".join(terminal_text(_cell(value)).split())
    text = _MARKDOWN_PUNCT.sub(r"\\\1", html.escape(text, quote=False))
    ordered = _ORDERED_START.match(text)
    if ordered:
        return f"{ordered.group(1)}\\{text[ordered.end(1) :]}"
    if _BLOCK_START.match(text):
        return "\\" + text
    return text


#: The first characters of a cell that a spreadsheet runs as a formula (OWASP's list).
_FORMULA_START = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def write_csv_row(writer: Any, out: IO[str], cells: Sequence[Any], end: str = "\r\n") -> None:
    """Write one CSV row that every reader reads back whole, on every supported Python.

    Before 3.11, ``csv`` cannot write a NUL character without an escape character ("need to
    escape, but no escapechar set"); 3.11 and later quote the cell. And ``csv`` quotes a line
    break only if it is in the line terminator: with ``end`` a bare line feed, a carriage
    return would be written unquoted, and would end the row for every reader. A row with such
    a text cell is written here with its text cells quoted (RFC 4180), which reads back the
    same.
    """
    special = ("" if sys.version_info >= (3, 11) else "\0") + ("" if "\r" in end else "\r")
    if not special or not any(isinstance(c, str) and any(s in c for s in special) for c in cells):
        writer.writerow(cells)
        return
    out.write(
        ",".join(
            '"' + c.replace('"', '""') + '"' if isinstance(c, str) else "" if c is None else str(c)
            for c in cells
        )
        + end
    )


def csv_text(text: str) -> str:
    """A text cell that no spreadsheet runs: a formula start gets a ``'`` in front.

    A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any
    single quotes) is written with one more single quote in front, so Excel, LibreOffice and
    Google Sheets show it as text instead of running it. A plain number (``-0.5``, ``+1e3``)
    is left alone. Removing one leading ``'`` from a cell that starts with quotes and then one
    of those characters gives the text back exactly.
    """
    if text.lstrip("'")[:1] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


_HTTP_URL = re.compile(r"(?i)https?://[^/?#\s\\@]+(?:[/?#]\S*)?")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
#: Characters a URL keeps as they are; quotes, ``<``, ``>``, backticks and spaces are encoded.
_URL_SAFE = "/?#[]@!$&()*+,;=:%~-._"


def safe_href(url: str) -> str | None:
    """The ``href`` for a citation's URL or DOI, or None when it must not become a link.

    Every link vitk2 makes from evidence goes through this check. None does today: the
    report is self-contained (its only links are to its own sections), and Markdown, text
    and CSV show URLs and DOIs as text.

    Only ``http://`` and ``https://`` URLs with a host, and DOIs (``10.1000/xyz``, linked
    through ``https://doi.org/``), become links; ``javascript:``, ``data:``, ``vbscript:``,
    relative and scheme-less URLs and anything with whitespace or control characters never
    do. Characters that could end an HTML attribute (quotes, ``<``, ``>``, backticks) are
    percent-encoded, so the result is safe inside a quoted attribute after
    `html.escape`.
    """
    if _CONTROLS.search(url):
        return None
    if _HTTP_URL.fullmatch(url):
        return urllib.parse.quote(url, safe=_URL_SAFE)
    if _DOI.fullmatch(url):
        return "https://doi.org/" + urllib.parse.quote(url, safe="/:;()._-")
    return None


def table_text(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    max_width: int = 48,
    *,
    width: int | None = None,
    layout: Layout = "auto",
    color: bool = False,
) -> str:
    """An aligned plain-text table.

    Without ``width`` (and in the ``"table"`` or ``"auto"`` layout, without colour) it is the
    compact table of earlier versions: each row on one line, cells longer than ``max_width``
    shortened with an ellipsis. With ``width`` nothing is shortened: see `TextOptions`.
    """
    options = TextOptions(width=width, layout=layout, color=color)
    if options.fitted:
        return options.table(headers, rows)
    cells = [[_cell(c) for c in row] for row in rows]

    def clip(text: str) -> str:
        text = " ".join(terminal_text(text).split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[clip(c) for c in row] for row in cells]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in cells
    ]
    return "\n".join([line, rule, *body])


# --------------------------------------------------------------------------------------------
# Text that fits a width: cells wrap, and no number, interval or word is ever cut

Layout = Literal["table", "vertical", "auto"]
"""How a text table is laid out: rows and columns, one record per block, or whichever fits."""

#: A number as evidence writes it: ``-0.032``, ``+1e3``, ``95%``, ``8,882``.
_NUM = r"[-+\u2212]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][-+]?\d+)?%?"
#: Spaces that must not become line breaks: between an interval's bounds (``0.64 to 1.2``),
#: after a short label before a number (``RR 2.06``, ``p 0.3``) and between a number and a
#: short word after it (``45 mg/day``, ``12 weeks``, ``95% CI``).
_GLUE = (
    re.compile(rf"{_NUM} to {_NUM}"),
    re.compile(r"(?<!\S)[^\W\d_]{1,5} (?=[-+\u2212]?\.?\d)"),
    re.compile(rf"(?<!\S)[(\[]?{_NUM} (?=[^\W\d_]\S{{0,7}}(?:\s|$))"),
)
#: The one space inside an interval where a line may break: after its level, so that
#: ``(95% CI`` ends one line and ``0.64 to 1.2)`` starts the next.
_LEVEL_BREAK = re.compile(r"\d% CI( )(?=[-+\u2212]?\.?\d)")
#: Where a long word may break: after a hyphen between a letter or digit and a letter
#: (``bone-`` ``loss``, ``su-2019-`` ``osteoporos-`` ``int``), never inside a number.
_HYPHEN_BREAK = re.compile(r"(?<=[^\W_]-)(?=[^\W\d_])")
_SGR_RESET = "\x1b[0m"
_BOLD = "1"
#: Restrained colour for GRADE certainty: green for high down to red for very low.
_CERTAINTY_COLOURS: dict[str, str] = {
    "high": "32",
    "moderate": "36",
    "low": "33",
    "very low": "31",
    "not graded": "2",
}


def text_width(text: str) -> int:
    """The number of terminal columns ``text`` takes (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _units(text: str, *, whole_intervals: bool = False) -> list[str]:
    """``text`` cut at the spaces where a line may break; each part is kept whole if it can be.

    With ``whole_intervals`` an interval keeps its level on its line too (``(95% CI 0.64 to
    1.2)``): that is how wide a column must be to show each interval on one line.
    """
    glued: set[int] = set()
    for pattern in _GLUE:
        for match in pattern.finditer(text):
            glued.update(i for i in range(match.start(), match.end()) if text[i] == " ")
    if not whole_intervals:
        glued.difference_update(match.start(1) for match in _LEVEL_BREAK.finditer(text))
    units: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if char == " " and i not in glued:
            if i > start:
                units.append(text[start:i])
            start = i + 1
    if start < len(text):
        units.append(text[start:])
    return units


def _pieces(unit: str) -> list[tuple[str, str]]:
    """A unit as its smallest parts, each with what joins it to the one before (a space or nothing).

    Only a unit too long for a whole line is broken into these: at its spaces, and at the
    hyphens inside its words (`_HYPHEN_BREAK`); a number never breaks.
    """
    out: list[tuple[str, str]] = []
    for w, word in enumerate(unit.split(" ")):
        for p, piece in enumerate(_HYPHEN_BREAK.split(word)):
            out.append(("" if p else " " if w else "", piece))
    return out


def _least_width(units: Sequence[str], *, hyphens: bool = True) -> int:
    """The narrowest column the units fit without breaking a glued unit or a number.

    Without ``hyphens``, no word breaks after a hyphen either.
    """
    least = 0
    for unit in units:
        if " " in unit or not hyphens:
            least = max(least, text_width(unit))
        else:
            least = max(least, *(text_width(p) for _, p in _pieces(unit)))
    return least


def _fill(units: Sequence[str], width: int) -> list[str]:
    """Lines of at most ``width`` columns, filled greedily with whole units where they fit."""
    lines: list[str] = []
    line = ""
    for unit in units:
        size = text_width(unit)
        if line and text_width(line) + 1 + size <= width:
            line += " " + unit
            continue
        if line:
            lines.append(line)
            line = ""
        if size <= width:
            line = unit
            continue
        for joiner, piece in _pieces(unit):  # too long for any line: break it where it may
            if line and text_width(line) + len(joiner) + text_width(piece) <= width:
                line += joiner + piece
            else:
                if line:
                    lines.append(line)
                line = piece
    if line:
        lines.append(line)
    return lines or [""]


def _clean(value: Any) -> str:
    """A cell or paragraph as one line of inert text (control characters shown as escapes)."""
    return " ".join(terminal_text(_cell(value)).split())


def _paint(text: str, code: str | None) -> str:
    return f"\x1b[{code}m{text}{_SGR_RESET}" if code and text else text


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - text_width(text))
    return space + text if right else text + space


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@attrs.frozen
class TextOptions:
    """How text for a terminal is laid out: its width, table or record layout, and colour.

    With a ``width``, a table fits it: columns share the width, cells wrap at spaces (and, for
    a word longer than its column, after a hyphen inside it) and nothing is shortened. An
    interval with its level (``(95% CI 0.64 to 1.2)``), a label with its number (``RR 2.06``)
    and a number with its unit (``45 mg/day``) stay on one line, and a number is never broken.
    When a row wraps, a blank line separates the rows. ``"vertical"`` writes one block per
    row, a field per line (as ``psql``'s expanded display does); ``"auto"`` does that only
    when the columns cannot fit the width even wrapped.

    Attributes:
        width: The columns to fit; None is no limit (each row on one line, every cell whole).
        layout: ``"table"``, ``"vertical"`` or ``"auto"``.
        color: Bold headers and GRADE certainty in colour (ANSI escape sequences); the text
            from the evidence is made inert first.
    """

    width: int | None = None
    layout: Layout = "auto"
    color: bool = False

    @property
    def fitted(self) -> bool:
        """Whether this asks for more than the compact table of earlier versions."""
        return self.width is not None or self.color or self.layout == "vertical"

    @property
    def columns(self) -> int:
        """The width to fit, ``sys.maxsize`` for no limit."""
        return sys.maxsize if self.width is None else max(1, self.width)

    def lines(self, text: str, indent: str = "", hang: str | None = None) -> list[str]:
        """A paragraph wrapped to the width, after ``indent`` (then ``hang``, default ``indent``).

        Without `fitted` the paragraph is one line, as it is.
        """
        if not self.fitted:
            return [indent + text]
        hang = indent if hang is None else hang
        units = _units(_clean(text))
        first = _fill(units, max(1, self.columns - text_width(indent)))
        if len(first) == 1 or text_width(hang) == text_width(indent):
            head, rest = first[0], first[1:]
        else:
            head = first[0]
            rest = _fill(_units(" ".join(first[1:])), max(1, self.columns - text_width(hang)))
        return [indent + head, *(hang + line for line in rest)]

    def title(self, text: str) -> str:
        """A title line, wrapped, in bold with colour."""
        if not self.fitted:
            return text
        return "\n".join(_paint(line, self._code(_BOLD)) for line in self.lines(text))

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 48
    ) -> str:
        """The rows as a table that fits the width, or as records (see the class)."""
        if not self.fitted:
            return table_text(headers, rows, max_width)
        heads = [_clean(h) for h in headers]
        cells = [[_clean(c) for c in row] for row in rows]
        units = [[_units(c) for c in row] for row in cells]
        n = len(heads)
        natural = [text_width(h) for h in heads]
        least = [_least_width(_units(h)) for h in heads]
        soft = list(least)
        for r, row in enumerate(units):
            for i, cell in enumerate(row[:n]):
                natural[i] = max(natural[i], text_width(" ".join(cell)))
                least[i] = max(least[i], _least_width(cell))
                whole = _units(cells[r][i], whole_intervals=True)
                soft[i] = max(soft[i], _least_width(whole, hyphens=False))
        space = self.columns - 2 * (n - 1)
        widths: list[int] | None = None
        if self.layout != "vertical":
            widths = _share(natural, soft, least, space)
            if widths is None and self.layout == "table":
                widths = least  # asked for a table: lines longer than the width, nothing cut
        if widths is None:
            return self._records(heads, cells)
        right = [
            bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows) for i in range(n)
        ]
        head_lines = [_fill(_units(h), w) for h, w in zip(heads, widths, strict=True)]
        body = [[_fill(cell, w) for cell, w in zip(row, widths, strict=False)] for row in units]
        # each column as wide as what it holds, no wider
        used = [
            max(
                [text_width(x) for x in head_lines[i]] + [text_width(x) for r in body for x in r[i]]
            )
            for i in range(n)
        ]
        out = self._block(head_lines, used, right, heads, [""] * n, bold=True)
        out.append("  ".join("-" * w for w in used))
        separate = any(len(c) > 1 for r in body for c in r)
        for r, row in enumerate(body):
            if separate and r:
                out.append("")
            out += self._block(row, used, right, heads, cells[r], bold=False)
        return "\n".join(out)

    def _block(
        self,
        cells: Sequence[Sequence[str]],
        widths: Sequence[int],
        right: Sequence[bool],
        heads: Sequence[str],
        values: Sequence[str],
        *,
        bold: bool,
    ) -> list[str]:
        """The lines of one row (or the header) whose cells are already wrapped."""
        height = max((len(c) for c in cells), default=1)
        lines = []
        for k in range(height):
            parts = []
            for i, cell in enumerate(cells):
                text = cell[k] if k < len(cell) else ""
                code = self._code(_BOLD) if bold else self._cell_code(heads[i], values[i])
                space = " " * max(0, widths[i] - text_width(text))
                painted = _paint(text, code)
                parts.append(space + painted if right[i] else painted + space)
            lines.append("  ".join(parts).rstrip())
        return lines

    def _records(self, heads: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
        label = max((text_width(h) for h in heads), default=0)
        below = self.columns - label - 2 < 16  # too narrow beside the labels: values go under
        value = self.columns - 2 if below else self.columns - label - 2
        rule = min(self.columns, 72)
        out: list[str] = []
        for r, row in enumerate(cells):
            if r:
                out.append("")
            mark = f"-[ {r + 1} ]"
            out.append(_paint(mark + "-" * max(0, rule - len(mark)), self._code(_BOLD)))
            for head, cell in zip(heads, row, strict=False):
                if not cell:
                    continue
                lines = [_paint(x, self._cell_code(head, cell)) for x in _fill(_units(cell), value)]
                if below:
                    out.append(head)
                    out += ["  " + x for x in lines]
                else:
                    out.append(f"{_pad(head, label)}  {lines[0]}")
                    out += [" " * (label + 2) + x for x in lines[1:]]
        return "\n".join(out)

    def _code(self, code: str) -> str | None:
        return code if self.color else None

    def _cell_code(self, head: str, value: str) -> str | None:
        if not self.color or head != "certainty":
            return None
        return _CERTAINTY_COLOURS.get(value)


def _share(
    natural: Sequence[int], soft: Sequence[int], least: Sequence[int], space: int
) -> list[int] | None:
    """Column widths that fit ``space``, or None if none do.

    The widest columns give way first, down to the width that keeps every word and interval
    on one line (``soft``), and only then down to the width that breaks long words after a
    hyphen (``least``).
    """
    if sum(natural) <= space:
        return list(natural)
    if sum(least) > space:
        return None
    soft = [max(s, k) for s, k in zip(soft, least, strict=True)]
    if sum(soft) <= space:
        return _shrink(natural, soft, space)
    return _shrink([max(n, s) for n, s in zip(natural, soft, strict=True)], least, space)


def _shrink(natural: Sequence[int], least: Sequence[int], space: int) -> list[int]:
    """``natural`` narrowed to ``space``, widest first, no column below ``least``."""
    widths = list(natural)
    excess = sum(widths) - space
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > least[i]]
        top = max(widths[i] for i in shrinkable)
        widest = [i for i in shrinkable if widths[i] == top]
        below = max((w for w in widths if w < top), default=0)
        step = min(top - max(below, least[i]) for i in widest)
        if step * len(widest) > excess:
            step = max(1, excess // len(widest))
        for i in widest:
            cut = min(step, excess)
            widths[i] -= cut
            excess -= cut
    return widths


def table_markdown(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table whose cells render as their text (`markdown_text`)."""
    out = ["| " + " | ".join(markdown_text(h) for h in headers) + " |"]
    out.append("|" + "|".join("---" for _ in headers) + "|")
    out.extend("| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows)
    return "\n".join(out)


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """RFC 4180 CSV with a header row.

    Numbers are written as numbers; a text cell that a spreadsheet would run as a formula gets
    a ``'`` in front (see `csv_text`).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    write_csv_row(writer, buf, [csv_text(h) for h in headers], "\n")
    for row in rows:
        write_csv_row(
            writer,
            buf,
            [
                "" if c is None else c if isinstance(c, (int, float)) else csv_text(str(c))
                for c in row
            ],
            "\n",
        )
    return buf.getvalue()


def table_json(headers: Sequence[str], rows: Sequence[Sequence[Any]], **meta: Any) -> str:
    """JSON: ``{**meta, "rows": [{header: cell}]}``; numbers stay numbers (`inert_json`)."""

    def plain(value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return str(value)

    data = {
        **meta,
        "rows": [{h: plain(c) for h, c in zip(headers, row, strict=False)} for row in rows],
    }
    return inert_json(json.dumps(data, ensure_ascii=False, indent=2))


def table_html(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    caption: str | None = None,
    classes: str = "vitk2",
) -> str:
    """An HTML table with escaped cells (for Jupyter and the report)."""
    cap = f"<caption>{html_text(caption)}</caption>" if caption else ""
    head = "".join(f"<th>{html_text(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html_text(_cell(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f'<table class="{classes}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def base_rows(base: EvidenceBase) -> Table:
    """One row per study of a base."""
    headers = (
        "study",
        "first author",
        "year",
        "design",
        "OCEBM",
        "certainty",
        "n",
        "indications",
        "findings",
    )
    rows = [
        (
            s.id,
            s.first_author or "",
            s.year,
            str(s.design),
            s.level.ocebm if s.level.ocebm is not None else "n/a",
            s.level.certainty or "not graded",
            s.size,
            ", ".join(i.id for i in s.indications),
            len(s.findings),
        )
        for s in base.studies
    ]
    return headers, rows


def base_html(base: EvidenceBase) -> str:
    """The HTML a notebook shows for an EvidenceBase."""
    headers, rows = base_rows(base)
    return table_html(headers, rows, caption=repr(base))


# --------------------------------------------------------------------------------------------
# Files


def _real_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with its links resolved; a NUL in it is an `OSError` naming it."""
    if "\0" in os.fspath(path):  # os would raise a bare ValueError ("embedded null byte")
        raise OSError(errno.EINVAL, "the path holds a NUL character", os.fspath(path))
    return Path(os.path.realpath(path))


def write_atomic(
    path: str | os.PathLike[str], content: bytes | Callable[[IO[bytes]], object]
) -> Path:
    """Write a file whole or not at all: a temporary file in its directory, then a rename.

    The content goes to a new file next to ``path`` (so the rename stays on one file system),
    is flushed to the disk, takes the permissions of the file it replaces (a new file gets the
    usual ones, 0o666 less the umask) and is renamed over ``path`` in one step. On any error,
    Ctrl-C included, the temporary file is removed and ``path`` is as it was. A symbolic link
    is written through (the link stays, its target is replaced); a device or a named pipe
    (``/dev/null``, ``/dev/stdout``) is written in place, since it cannot be replaced.

    Args:
        path: The file to write.
        content: The bytes, or a function that writes them to the binary file it is given.

    Returns:
        The absolute path written (a link's target for a link).

    Raises:
        OSError: If the file cannot be written; ``IsADirectoryError`` for a directory.
    """

    def fill(f: IO[bytes]) -> None:
        if isinstance(content, bytes):
            f.write(content)
        else:
            content(f)

    target = _real_path(path)
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
    if mode is not None and not stat.S_ISREG(mode):
        with open(target, "wb") as f:
            fill(f)
        return target
    try:
        tmp, fd = _temporary(target)
    except OSError as err:
        raise _naming(err, path, None) from None
    try:
        with os.fdopen(fd, "wb") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))
        os.replace(tmp, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise _naming(err, path, tmp) from None
        raise
    _sync_directory(target.parent)
    return target


def _naming(err: OSError, path: str | os.PathLike[str], tmp: Path | None) -> OSError:
    """``err`` naming ``path``, the file asked for, where it named the temporary file or none.

    ``tmp`` is the temporary file, or None when creating it failed (then ``err`` names it).
    """
    if err.errno is None or (tmp is not None and err.filename not in (None, os.fspath(tmp))):
        return err
    return OSError(err.errno, err.strerror, os.fspath(path))


def _temporary(target: Path) -> tuple[Path, int]:
    """A new, empty file next to ``target``, created as ``open()`` would (umask applied)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = target.with_name(f".{target.name[:64]}.{secrets.token_hex(6)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue


def _sync_directory(directory: Path) -> None:
    """Flush a rename in ``directory`` to the disk, where the platform can."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows cannot open a directory
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse to sync a directory
        pass
    finally:
        os.close(fd)
