"""The bundled evidence against the fact sheets it was curated from (issue #20).

The fact sheets live beside the clone, in ``../shared/evidence/<slug>.md`` (one sheet per
citation; the slug is the citation id, and a study with two reports has two sheets). When that
folder is absent every test here is skipped. Each test is parametrized by sheet, so a failure
names the sheet; a sheet whose citation is not in the data yet is skipped with that reason.

What is checked, mechanically:

1. **Numbers** (:func:`test_every_number_is_in_its_sheet`). Every number the records of
   ``vitk2.load()`` carry is collected by walking the attrs records generically
   (``attrs.fields``): arm and population sizes, sex counts, events and totals, reported
   percentages, effect values and bounds, studies and participants behind an estimate,
   p-values, summary values and spreads, before/after values, cumulative percentages, doses,
   frequencies, durations, timepoints, ages, adverse-event counts and grades, integrity dates,
   and the citation's year, volume, issue, pages, PMID, PMCID and DOI. A number belongs to a
   sheet when it is in the sheet's citation, in a finding or adverse event whose provenance
   points at the sheet's citation (the first source that has a sheet), or in a study whose
   first report with a sheet is the sheet's citation. It must appear in the text of the
   sheets of the record's sources (a finding's provenance sources, else the study's reports);
   for a source that is one of the four seed documents the seed's text counts as well. Numbers
   are compared as numbers at the reported precision: a value with recorded decimal places
   (``Effect.decimals``, ``PValue.decimals``, ``CumulativeArm.decimals``) must appear with
   exactly those places (``1.150`` needs ``1.150``); any other value matches a sheet number
   equal to it (``17.2`` matches ``17.2 %``, ``4378`` matches ``4,378``); a quantity also
   matches after conversion to any unit of its dimension (``36 months`` matches ``3 years``,
   ``0.18 mg`` matches ``180 µg``); small counts also match number words (``three``,
   ``forty-three``, ``once``/``daily`` for 1, ``no``/``none`` for 0); a negative change
   matches a positive number in a row or sentence that calls it a fall (``% decrease``). A
   ``−`` or a hyphen after a space is a minus sign; a hyphen between two numbers is a range.
   Identifiers and page ranges are compared as text. Numbers that are derived, or come from
   another place, are listed in :data:`NUMBER_EXCEPTIONS` with their value and the reason;
   an exception no longer needed fails too.

2. **Status** (:func:`test_verified_numbers_have_verified_rows`). Each line of a sheet is
   given a status: in a ``field | value | status`` table the status cell decides
   (``UNVERIFIED`` alone: unverified; ``COMPUTED``: computed; both ``VERIFIED`` and
   ``UNVERIFIED``: mixed, treated as verified); in the Outcomes table (and any other table)
   a marker in the last (locator) column or the statistic column applies to the whole row,
   and a marker in any other cell to that cell only; in prose a marker applies to its
   sentence. A number carried by the data as a fact (a study's own numbers, and the numbers
   of findings and adverse events with at least one locator of status ``verified`` into the
   sheet) must occur in the sheets in at least one place that is not marked ``UNVERIFIED`` or
   ``COMPUTED``. A number found only in unverified or computed places therefore fails unless
   every locator of its finding is ``unverified`` (numbers in notes and caveats, which are
   free text, are not walked). A number also written in the record's seed document passes
   (the seed is the source itself); identifiers, pages and dates are left to part 3 and the
   integrity date. Not checked: whether a locator's text names the row the
   number is in (the data words locators its own way), whether the words of a narrative
   finding match the sheet, and the confidence level of an interval (0.95 is the default
   and sheets write ``95% CI`` only sometimes).

3. **Bibliographic fields** (:func:`test_bibliographic_fields_match_the_sheet`). Authors,
   title, journal, year, volume, issue, pages, DOI, PMID and PMCID of the citation equal the
   sheet's value where its status is ``VERIFIED``, after normalising as the audit does:
   authors to the ``Okano J`` form (from ``Jun-ichi Okano``, ``Okano, Jun-ichi``,
   ``J. Okano``; hyphenated given names give one initial or one per part), a ``RETRACTED:``
   title prefix dropped, U+02B9 read as an apostrophe, case, spacing and a final full stop
   ignored in titles and journals, abbreviated last pages expanded (``1111-7`` is
   ``1111-1117``), DOIs compared without case. A value the sheet marks ``UNVERIFIED`` must
   not be shipped, unless :data:`BIBLIOGRAPHIC_EXCEPTIONS` lists it with its reason (and,
   for a seed, the seed holds it). A verified value the data leaves out is not a failure. Rows
   whose status is mixed (part verified, part not) are checked only where the verified part
   is mechanically clear: a first author verified and the full list not, so the data must
   ship that first author alone.

Known data problems are marked ``xfail(strict=True)`` per sheet in :data:`KNOWN_PROBLEMS`,
with the precise mismatch, so that each stays visible and its fix is noticed.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest

import vitk2
from vitk2 import Citation, Code, Compound, Endpoint, Indication, NotReported, Quantity, Study
from vitk2._units import Unit

EVIDENCE = Path(__file__).resolve().parents[2] / "shared" / "evidence"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

#: The seed document each seed citation is (as in tests/test_bundled.py).
SEED_FILES = {
    "hayashi-hcc-case-report": "000_",
    "mds-ash-2005": "001_",
    "iwamoto-2003-yonsei-med-j": "002_",
    "vitamink2-news-lasemi": "003_",
}

#: Sheets whose slug is not the id of the citation they describe.
SHEET_CITATION = {"mdsbeacon-2010-news-on-akiyama-leuk-res": "mdsbeacon-2010"}

_SEED_000_REFERENCE = (
    "from the reference list of seed 000 (the HCC case report), which cites the article as "
    "'Hepatology. 2011, 54:532-540'; the stored copy of the article shows no year, volume or "
    "pages, and the citation's notes say so"
)

#: Numbers the data carries that are not (as such) in the sheets:
#: path -> (value as this test writes it, reason, seed file prefix that must hold it or None).
#: The value is kept so that a changed number is noticed.
NUMBER_EXCEPTIONS: dict[str, tuple[str, str, str | None]] = {
    "yoshida-2011-hepatology.volume": ("54", _SEED_000_REFERENCE, "000_"),
    "yoshida-2011-hepatology.pages": ("532-540", _SEED_000_REFERENCE, "000_"),
}

#: Bibliographic values shipped although the sheet marks them UNVERIFIED:
#: (citation, field) -> (reason, seed file prefix that must hold the value or None).
BIBLIOGRAPHIC_EXCEPTIONS: dict[tuple[str, str], tuple[str, str | None]] = {
    ("yoshida-2011-hepatology", "year"): (_SEED_000_REFERENCE, "000_"),
    ("yoshida-2011-hepatology", "volume"): (_SEED_000_REFERENCE, "000_"),
    ("yoshida-2011-hepatology", "pages"): (_SEED_000_REFERENCE, "000_"),
}

#: Real mismatches between the data and a sheet, for the curators: (test, sheet) -> reason.
KNOWN_PROBLEMS: dict[tuple[str, str], str] = {}

BASE = vitk2.load()
CITATIONS = {c.id: c for c in BASE.citations}
HAVE_SHEETS = EVIDENCE.is_dir()


# --- reading the sheets -----------------------------------------------------------------------


class Status(enum.Enum):
    NEUTRAL = "neutral"  # prose or a cell without a marker
    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    COMPUTED = "computed"

    @property
    def counts_as_verified(self) -> bool:
        return self in (Status.NEUTRAL, Status.VERIFIED)


@dataclass(frozen=True)
class Token:
    """A number in a sheet: its value, its decimal places, and the status of its place."""

    value: Decimal
    decimals: int
    status: Status
    falls: bool = False


_URL = re.compile(r"https?://\S+")
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<sign>[-−])?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?![\w])"
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SCIENTIFIC = re.compile(
    r"(?P<m>\d+(?:\.\d+)?)\s*[×x]\s*10\s*\^?\s*(?P<e>[-−⁻]?\s*[\d⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
)
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORDS = {"no": 0, "none": 0, "zero": 0, "once": 1, "daily": 1, "twice": 2}
_WORDS |= {w: i + 1 for i, w in enumerate(_UNITS)} | {w: i + 10 for i, w in enumerate(_TEENS)}
_WORD = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:-(?P<unit>" + "|".join(_UNITS) + r"))?"
    r"|(?P<word>" + "|".join(_WORDS) + r"))\b",
    re.IGNORECASE,
)
#: A positive number in a place that says it is a fall matches a negative value ("% decrease
#: 38.7%" is a change of -38.7 %).
_FALL = re.compile(r"decrease|decline|fall|fell|loss|lost|reduc|lower|drop", re.IGNORECASE)


def _clean(text: str) -> str:
    for space in ("\u00a0", "\u2009", "\u202f"):
        text = text.replace(space, " ")
    return text


def numbers_in(text: str, status: Status, falls: bool | None = None) -> Iterator[Token]:
    """Every number written in the text (URLs left out), with the given status."""
    text = _URL.sub(" ", _clean(text))
    falls = bool(_FALL.search(text)) if falls is None else falls
    for m in _NUMBER.finditer(text):
        raw = m.group("num")
        parts = [raw.replace(",", "")]
        if "," in raw:  # "4,378" is 4378; the parts are kept too, in case it was a list
            parts += raw.split(".")[0].split(",")
        for i, part in enumerate(parts):
            value = Decimal(part)
            if i == 0 and m.group("sign"):
                value = -value
            decimals = len(part.split(".", 1)[1]) if "." in part else 0
            yield Token(value, decimals, status, falls)
    for m in _SCIENTIFIC.finditer(text):
        exponent = int(m.group("e").translate(_SUPERSCRIPT).replace("−", "-").replace(" ", ""))
        mantissa = Decimal(m.group("m"))
        yield Token(mantissa.scaleb(exponent), 0, status, falls)
    for m in _WORD.finditer(text):
        if m.group("word"):
            number = _WORDS[m.group("word").lower()]
        else:
            number = 10 * (_TENS.index(m.group("tens").lower()) + 2)
            number += _UNITS.index(m.group("unit").lower()) + 1 if m.group("unit") else 0
        yield Token(Decimal(number), 0, status, falls)


def numbers_marked(text: str, default: Status, falls: bool | None = None) -> Iterator[Token]:
    """The numbers of a cell or sentence, with the status its markers give them.

    A marker inside parentheses that hold a number applies to those parentheses only
    ("15 mg three times a day (45 mg/day, COMPUTED)"); any other marker applies to the whole
    text ("5 RCTs (COMPUTED)", "oral presumed, UNVERIFIED").
    """
    rest = text
    for m in re.finditer(r"\([^()]*\)", text):
        group = m.group(0)
        mark = _marker(group)
        if mark is not None and any(c.isdigit() for c in group):
            yield from numbers_in(group, mark, falls)
            rest = rest.replace(group, " ", 1)
    yield from numbers_in(rest, _marker(rest) or default, falls)


def _marker(text: str) -> Status | None:
    """The status a piece of text marks itself with, if any."""
    if "COMPUTED" in text:
        return Status.COMPUTED
    if "UNVERIFIED" in text:
        return Status.UNVERIFIED if "VERIFIED" not in text.replace("UNVERIFIED", "") else None
    return None


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


@dataclass
class Sheet:
    slug: str
    text: str
    #: field name (lower case) -> (value cell, status cell) of the field table.
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Sheet:
        return cls.parse(path.stem, path.read_text(encoding="utf-8"))

    @classmethod
    def parse(cls, slug: str, text: str) -> Sheet:
        text = _clean(text)
        sheet = cls(slug, text)
        header: list[str] = []
        for line in text.splitlines():
            if line.startswith("|"):
                cells = _cells(line)
                if all(set(c) <= set("-: ") for c in cells):
                    continue
                if not header or len(cells) != len(header):
                    header = [c.lower() for c in cells]
                    continue
                sheet._row(header, cells)
            else:
                header = []
                for sentence in re.split(r"(?<=[.;])\s+", line):
                    sheet.tokens.extend(numbers_marked(sentence, Status.NEUTRAL))
        return sheet

    def _row(self, header: list[str], cells: list[str]) -> None:
        if header[:3] == ["field", "value", "status"]:
            name, value, status_cell = cells[0].lower(), cells[1], cells[2]
            self.fields[name] = (value, status_cell)
            if status_cell.startswith("VERIFIED"):
                status = Status.VERIFIED
            else:
                status = _marker(status_cell) or Status.NEUTRAL
            self.tokens.extend(numbers_in(name + " " + value, status))
            return
        falls = any(_FALL.search(c) for c in cells)  # "% decrease | ... | 38.7%"
        whole = [cells[-1]] + [c for h, c in zip(header, cells, strict=True) if h == "statistic"]
        row_status = next((s for s in map(_marker, whole) if s is not None), None)
        for cell in cells:
            if row_status is not None:
                self.tokens.extend(numbers_in(cell, row_status, falls))
            else:
                self.tokens.extend(numbers_marked(cell, Status.NEUTRAL, falls))


def _sheet_paths() -> list[Path]:
    if not HAVE_SHEETS:
        return []
    return sorted(p for p in EVIDENCE.glob("*.md") if p.name != "README.md")


SHEETS: dict[str, Sheet] = {p.stem: Sheet.read(p) for p in _sheet_paths()}
#: citation id -> sheet slug
SHEET_OF: dict[str, str] = {SHEET_CITATION.get(s, s): s for s in SHEETS}


def _seed_file_text(prefix: str) -> str:
    paths = sorted(SEEDS.glob(prefix + "*.txt")) if SEEDS.is_dir() else []
    return _clean(paths[0].read_text(encoding="utf-8")) if paths else ""


def _seed_text(citation_id: str) -> str | None:
    prefix = SEED_FILES.get(citation_id)
    return None if prefix is None else _seed_file_text(prefix) or None


SEED_TOKENS: dict[str, list[Token]] = {}
for _cid in SEED_FILES:
    _text = _seed_text(_cid)
    if _text is not None:
        SEED_TOKENS[_cid] = list(numbers_in(_text, Status.NEUTRAL))


# --- the numbers of the data ------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """A number the data carries, where it is, and how it must be matched."""

    path: str
    value: float | int | Quantity | dt.date | str
    decimals: int | None = None
    #: The citations whose sheets (or seeds) may hold it.
    sources: tuple[str, ...] = ()
    #: Whether the data ships it as verified fact (part 2 applies).
    as_fact: bool = True

    @property
    def text(self) -> str:
        v = self.value
        if isinstance(v, float) and self.decimals is not None:
            return f"{v:.{self.decimals}f}"
        if isinstance(v, float):
            return repr(v)
        return str(v)


#: Vocabulary records are not the study's data; decimals/sidedness/levels are not numbers
#: of the source (see the module docstring).
_SKIP_TYPES = (Compound, Indication, Endpoint, Code)
_SKIP_FIELDS = {"decimals", "sided", "ocebm", "level", "relation", "curated", "interim"}
_BIB_STRINGS = ("volume", "issue", "pages", "pmid", "pmcid", "doi")


def _label(item: object, index: int) -> str:
    for name in ("id", "group", "label", "term"):
        value = getattr(item, name, None)
        if isinstance(value, str):
            return value
    return str(index)


def walk(
    obj: object, path: str, decimals: int | None = None
) -> Iterator[tuple[str, Any, int | None]]:
    """Every number under a record: (path, value, decimal places if the record keeps them)."""
    if isinstance(obj, _SKIP_TYPES) or obj is None or isinstance(obj, (bool, str, enum.Enum)):
        return
    if isinstance(obj, NotReported):
        return
    if isinstance(obj, (Quantity, dt.date, int)):
        yield path, obj, None
        return
    if isinstance(obj, float):
        yield path, obj, decimals
        return
    if isinstance(obj, tuple):
        for i, item in enumerate(obj):
            yield from walk(item, f"{path}[{_label(item, i)}]", decimals)
        return
    cls: Any = type(obj)
    if attrs.has(cls):
        own = getattr(obj, "decimals", None)
        for f in attrs.fields(cls):
            if f.name in _SKIP_FIELDS:
                continue
            value = getattr(obj, f.name)
            if isinstance(obj, Citation) and f.name in _BIB_STRINGS and isinstance(value, str):
                yield f"{path}.{f.name}", value, None
                continue
            yield from walk(value, f"{path}.{f.name}", own if own is not None else None)
        return
    raise TypeError(f"{path}: cannot walk {type(obj).__name__}")


def _provenance_sources(record: Any) -> tuple[tuple[str, ...], bool]:
    """The sources of a finding or adverse event, and whether any locator is verified."""
    sources = tuple(dict.fromkeys(p.source for p in record.provenance))
    verified = any(
        isinstance(p, vitk2.Locator) and p.status is vitk2.Verification.VERIFIED
        for p in record.provenance
    ) or any(isinstance(p, vitk2.Quote) for p in record.provenance)
    return sources, verified


def _home(sources: tuple[str, ...]) -> str | None:
    """The sheet a record belongs to: that of its first source with a sheet."""
    return next((SHEET_OF[s] for s in sources if s in SHEET_OF), None)


def collect() -> dict[str, list[Number]]:
    """The numbers of the data, by the sheet they belong to."""
    out: dict[str, list[Number]] = {s: [] for s in SHEETS}
    for c in BASE.citations:
        home = SHEET_OF.get(c.id)
        if home is None:
            continue
        for path, value, decimals in walk(c, c.id):
            as_fact = ".integrity." in path  # the bibliographic fields are part 3's
            out[home].append(Number(path, value, decimals, (c.id,), as_fact))
    for s in BASE.studies:
        reports = tuple(c.id for c in s.reports)
        home = _home(reports)
        for f_ in attrs.fields(Study):
            if f_.name in ("reports", "findings", "adverse_events"):
                continue
            if home is None:
                break
            for path, value, decimals in walk(getattr(s, f_.name), f"{s.id}.{f_.name}"):
                out[home].append(Number(path, value, decimals, reports))
        records: list[tuple[str, Any]] = [(f.id, f) for f in s.findings]
        records += [
            (f"{s.id}.adverse_events[{ae.term}{'/' + ae.group if ae.group else ''}]", ae)
            for ae in s.adverse_events
        ]
        for where, record in records:
            sources, verified = _provenance_sources(record)
            rhome = _home(sources)
            if rhome is None:
                continue
            for f_ in attrs.fields(type(record)):
                if f_.name == "provenance":
                    continue
                for path, value, decimals in walk(getattr(record, f_.name), f"{where}.{f_.name}"):
                    out[rhome].append(Number(path, value, decimals, sources, verified))
    return out


NUMBERS = collect()


# --- matching --------------------------------------------------------------------------------

_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-"})


def _candidates(n: Number) -> list[tuple[Decimal, int | None]]:
    """The values (with required decimals, or None for any) that count as this number."""
    v = n.value
    if isinstance(v, Quantity):
        out: list[tuple[Decimal, int | None]] = []
        for unit in Unit:
            if unit.dimension is v.unit.dimension:
                exact = Fraction(v.value) * v.unit.factor / unit.factor
                out.append((Decimal(exact.numerator) / Decimal(exact.denominator), None))
        return out
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return []
    if isinstance(v, float) and n.decimals is not None:
        return [(Decimal(f"{v:.{n.decimals}f}"), n.decimals)]
    return [(Decimal(repr(v)) if isinstance(v, float) else Decimal(v), None)]


def _close(a: Decimal, b: Decimal) -> bool:
    if a == b:
        return True
    try:
        return abs(a - b) <= abs(b) * Decimal("1e-9")
    except InvalidOperation:  # pragma: no cover
        return False


def _expand_pages(pages: str) -> str:
    """``1111-7`` -> ``1111-1117``; other forms unchanged."""
    pages = pages.translate(_DASHES).replace(" ", "")
    m = re.fullmatch(r"(\d+)-(\d+)", pages)
    if m and len(m.group(2)) < len(m.group(1)):
        first = m.group(1)
        return f"{first}-{first[: len(first) - len(m.group(2))]}{m.group(2)}"
    return pages


def _month_forms(d: dt.date) -> list[str]:
    month = d.strftime("%B")
    return [d.isoformat(), f"{d.day} {month} {d.year}", f"{month} {d.day}, {d.year}"]


def matches(n: Number, tokens: list[Token], texts: list[str]) -> list[Token] | None:
    """The sheet tokens the number matches; [] when matched as text; None when not found."""
    v = n.value
    if isinstance(v, dt.date):
        return [] if any(f in t for t in texts for f in _month_forms(v)) else None
    if isinstance(v, str):
        if n.path.endswith(".pages"):
            want = _expand_pages(v)
            for t in texts:
                flat = t.translate(_DASHES)
                for m in re.finditer(r"\b\d+\s*-\s*\d+\b|\b[e]?\d+\b", flat):
                    if _expand_pages(m.group(0)) == want:
                        return []
            return None
        if n.path.endswith(".doi"):
            return [] if any(v.lower() in t.lower() for t in texts) else None
        word = re.compile(rf"(?<![\w./-]){re.escape(v)}(?![\w/])", re.IGNORECASE)
        return [] if any(word.search(_URL.sub(" ", t)) for t in texts) else None
    found = [
        tok
        for value, decimals in _candidates(n)
        for tok in tokens
        if (decimals is None or tok.decimals == decimals)
        and (_close(tok.value, value) or (value < 0 and tok.falls and _close(tok.value, -value)))
    ]
    return found or None


def _texts_and_tokens(sources: tuple[str, ...]) -> tuple[list[str], list[Token], list[Token]]:
    texts: list[str] = []
    sheet_tokens: list[Token] = []
    seed_tokens: list[Token] = []
    for s in sources:
        if s in SHEET_OF:
            sheet = SHEETS[SHEET_OF[s]]
            texts.append(sheet.text)
            sheet_tokens += sheet.tokens
        elif s in SEED_TOKENS:
            text = _seed_text(s)
            texts.append(text or "")
            seed_tokens += SEED_TOKENS[s]
    return texts, sheet_tokens, seed_tokens


def _param(test: str, slug: str) -> Any:
    reason = KNOWN_PROBLEMS.get((test, slug))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(slug, id=slug, marks=marks)


def _params(test: str) -> list[Any]:
    if not SHEETS:
        return [pytest.param("-", id="no-sheets")]
    return [_param(test, s) for s in SHEETS]


def _need(slug: str) -> Citation:
    if not HAVE_SHEETS:
        pytest.skip(f"the fact sheets are not beside the clone ({EVIDENCE})")
    cid = SHEET_CITATION.get(slug, slug)
    citation = CITATIONS.get(cid)
    if citation is None:
        pytest.skip(f"no citation {cid!r} in the data yet (sheet not curated)")
    return citation


# --- 1. numbers -------------------------------------------------------------------------------


def missing_numbers(slug: str) -> list[str]:
    problems = []
    for n in NUMBERS[slug]:
        texts, sheet_tokens, seed_tokens = _texts_and_tokens(n.sources)
        found = matches(n, sheet_tokens + seed_tokens, texts)
        exception = NUMBER_EXCEPTIONS.get(n.path)
        if found is None and exception is None:
            problems.append(f"{n.path} = {n.text} is in no sheet of {', '.join(n.sources)}")
        elif exception is not None and exception[0] != n.text:
            problems.append(f"{n.path} = {n.text}, but its exception is for {exception[0]}")
    return problems


@pytest.mark.parametrize("slug", _params("numbers"))
def test_every_number_is_in_its_sheet(slug: str) -> None:
    _need(slug)
    problems = missing_numbers(slug)
    assert not problems, f"{slug}: {len(problems)} numbers not in the sheets:\n" + "\n".join(
        problems
    )


@pytest.mark.skipif(not HAVE_SHEETS, reason="the fact sheets are not beside the clone")
def test_every_number_exception_is_still_needed() -> None:
    by_path = {n.path: n for ns in NUMBERS.values() for n in ns}
    stale = []
    for path in NUMBER_EXCEPTIONS:
        n = by_path.get(path)
        if n is None:
            stale.append(f"{path}: no such number in the data")
            continue
        texts, sheet_tokens, seed_tokens = _texts_and_tokens(n.sources)
        if matches(n, sheet_tokens + seed_tokens, texts) is not None:
            stale.append(f"{path}: {n.text} is now in a sheet")
        value, _, seed = NUMBER_EXCEPTIONS[path]
        if seed is not None and value not in _seed_file_text(seed):
            stale.append(f"{path}: {value} is not in seed {seed}")
    assert not stale, "\n".join(stale)


# --- 2. status --------------------------------------------------------------------------------


def unverified_numbers(slug: str) -> list[str]:
    problems = []
    for n in NUMBERS[slug]:
        if not n.as_fact or n.path in NUMBER_EXCEPTIONS:
            continue
        texts, sheet_tokens, seed_tokens = _texts_and_tokens(n.sources)
        found = matches(n, sheet_tokens, texts)
        if not found:  # not in a sheet, or matched as text (identifiers: see part 3)
            continue
        if matches(n, seed_tokens, texts[:0]):
            continue  # also stated in a seed document, which is the source itself
        if not any(t.status.counts_as_verified for t in found):
            statuses = sorted({t.status.value for t in found})
            problems.append(
                f"{n.path} = {n.text} is shipped as verified, but the sheet has it only as "
                f"{' / '.join(statuses)}"
            )
    return problems


@pytest.mark.parametrize("slug", _params("status"))
def test_verified_numbers_have_verified_rows(slug: str) -> None:
    _need(slug)
    problems = unverified_numbers(slug)
    assert not problems, f"{slug}:\n" + "\n".join(problems)


# --- 3. bibliographic fields -----------------------------------------------------------------


def _initials(given: str, split_hyphens: bool) -> str:
    parts = re.split(r"[\s.]+" if not split_hyphens else r"[\s.\-]+", given)
    return "".join(p[0].upper() for p in parts if p)


def author_forms(name: str) -> set[str]:
    """The ``Okano J`` forms a sheet's author name may be written as."""
    name = re.sub(r"\(.*?\)", "", name).strip().rstrip(".")
    if "," in name:  # "Okano, Jun-ichi"
        family, given = (x.strip() for x in name.split(",", 1))
        return {f"{family} {_initials(given, h)}" for h in (False, True)}
    words = name.split()
    if len(words) >= 2 and re.fullmatch(r"[A-Z]{1,6}", words[-1]):
        return {name}  # already "Okano J" / "De Vriese AS"
    if len(words) < 2:
        return {name}
    out = set()
    for k in range(1, len(words)):  # the family name may have several words ("Beladi Moghadam")
        given, family = " ".join(words[:k]), " ".join(words[k:])
        out |= {f"{family} {_initials(given, h)}" for h in (False, True)}
    family_first = f"{words[0]} {_initials(' '.join(words[1:]), False)}"  # "Habu Daiki"
    out.add(family_first)
    return out


def sheet_authors(value: str) -> tuple[list[str], bool]:
    """The sheet's authors, and whether they are only the first of the list ("et al.")."""
    partial = "et al" in value or "first author" in value
    value = re.sub(r"\(.*?\)", "", value)
    if partial:
        value = value.split(";")[0]
    value = re.sub(r",?\s*et al\.?", "", value).strip()
    if ";" in value or (partial and value.count(",") == 1):  # "Okano, Jun-ichi; ..."
        parts = value.split(";")
    else:
        parts = value.split(",")
    return [p.strip() for p in parts if p.strip()], partial


def _text_form(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\u02b9", "'").replace("’", "'"))
    text = re.sub(r"^RETRACTED:\s*", "", text.strip())
    return re.sub(r"\s+", " ", text).rstrip(".").casefold()


def _first_value(value: str) -> str:
    """A field's value without the sheet's remarks: '2011 (from ...)' -> '2011'."""
    return re.split(r"\s\(|;", value, maxsplit=1)[0].strip()


def _status(cell: str) -> str:
    if cell.startswith("VERIFIED"):
        return "verified"
    if cell.startswith("UNVERIFIED"):
        return "unverified"
    if cell.strip() in ("-", ""):
        return "none"
    has_u = "UNVERIFIED" in cell
    has_v = "VERIFIED" in cell.replace("UNVERIFIED", "")
    if has_v and has_u:
        return "mixed"
    return "verified" if has_v else "unverified" if has_u else "none"


_FIELDS = {
    "authors": "authors",
    "title": "title",
    "journal": "journal",
    "year": "year",
    "volume": "volume",
    "issue": "issue",
    "pages": "pages",
    "doi": "doi",
    "pmid": "pmid",
    "pmcid": "pmcid",
}


def _shipped(c: Citation, name: str) -> object:
    value = getattr(c, name)
    if isinstance(value, NotReported) or value in (None, ()):
        return None
    return value


def _equal(name: str, data: object, sheet_value: str) -> bool:
    if name == "authors":
        assert isinstance(data, tuple)
        wanted, partial = sheet_authors(sheet_value)
        if partial:
            data = data[: len(wanted)]
        return len(wanted) == len(data) and all(
            d in author_forms(w) for d, w in zip(data, wanted, strict=True)
        )
    value = _first_value(sheet_value)
    if name in ("title", "journal"):
        whole = sheet_value.split(";")[0] if name == "journal" else sheet_value
        bare = re.sub(r"\s*\([^()]*\)\s*$", "", whole)  # without a closing remark
        return _text_form(str(data)) in (_text_form(whole), _text_form(bare))
    if name == "pages":
        return _expand_pages(str(data)) == _expand_pages(value.removeprefix("article "))
    if name == "doi":
        return str(data).lower() == value.lower()
    return str(data) == value


def bibliographic_problems(slug: str, c: Citation) -> tuple[list[str], int]:
    sheet = SHEETS[slug]
    rows = dict(sheet.fields)
    if "volume / issue / pages" in rows:
        value, status = rows.pop("volume / issue / pages")
        if _status(status) == "unverified":
            for name in ("volume", "issue", "pages"):
                rows[name] = (value, status)
        elif _status(status) == "verified":
            for name, part in zip(("volume", "issue", "pages"), value.split("/"), strict=False):
                rows[name] = (part.strip(), status)
    problems: list[str] = []
    checked = 0
    for key, name in _FIELDS.items():
        if key not in rows:
            continue
        value, status_cell = rows[key]
        status = _status(status_cell)
        data = _shipped(c, name)
        checked += 1
        if status == "verified":
            if data is None:
                continue  # a verified value left out is incomplete, not wrong
            if not _equal(name, data, value):
                problems.append(f"{c.id} {name}: data {data!r}, sheet {value!r} (VERIFIED)")
        elif status == "unverified" and data is not None:
            if (c.id, name) not in BIBLIOGRAPHIC_EXCEPTIONS:
                problems.append(
                    f"{c.id} {name}: data ships {data!r}, the sheet's value {value!r} is UNVERIFIED"
                )
        elif status == "mixed" and name == "authors" and isinstance(data, tuple):
            first = sheet_authors(value)[0][:1]
            if first and data[0] not in author_forms(first[0]):
                problems.append(f"{c.id} first author: data {data[0]!r}, sheet {first[0]!r}")
            if len(data) > 1:  # only the first author is verified ("full list UNVERIFIED")
                problems.append(
                    f"{c.id} authors: data ships {len(data)}, only the first is VERIFIED"
                )
    return problems, checked


@pytest.mark.parametrize("slug", _params("bibliographic"))
def test_bibliographic_fields_match_the_sheet(slug: str) -> None:
    c = _need(slug)
    problems, _ = bibliographic_problems(slug, c)
    assert not problems, f"{slug}:\n" + "\n".join(problems)


@pytest.mark.skipif(not HAVE_SHEETS, reason="the fact sheets are not beside the clone")
def test_every_bibliographic_exception_is_still_needed() -> None:
    stale = []
    for cid, name in BIBLIOGRAPHIC_EXCEPTIONS:
        slug = SHEET_OF.get(cid)
        if slug is None:
            stale.append(f"{cid}: no sheet")
            continue
        status = _status(SHEETS[slug].fields.get(name, ("", ""))[1])
        shipped = _shipped(CITATIONS[cid], name)
        if shipped is None or status != "unverified":
            stale.append(f"{cid} {name}: not shipped, or no longer UNVERIFIED")
        seed = BIBLIOGRAPHIC_EXCEPTIONS[cid, name][1]
        if seed is not None and str(shipped) not in _seed_file_text(seed):
            stale.append(f"{cid} {name}: {shipped} is not in seed {seed}")
    assert not stale, "\n".join(stale)


# --- the parser itself ------------------------------------------------------------------------


def test_numbers_are_read_as_the_sheets_write_them() -> None:
    def values(text: str) -> list[str]:
        return [f"{t.value}" for t in numbers_in(text, Status.NEUTRAL)]

    assert values("HR 1.150 (95% CI 0.843-1.570)") == ["1.150", "95", "0.843", "1.570"]
    assert values("MD −21.78% (−33.68 to -9.87)") == ["-21.78", "-33.68", "-9.87"]
    assert values("4,378 women") == ["4378", "4", "378"]
    assert values("P < .001; 17.2 %") == ["0.001", "17.2"]
    assert "5.2E-82" in values("p = 5.2 × 10−82")
    assert values("three times a day") == ["3"]
    assert author_forms("Jun-ichi Okano") >= {"Okano J", "Okano JI"}
    assert "Okano J" in author_forms("Okano, Jun-ichi")
    assert "Beladi Moghadam N" in author_forms("Nahid Beladi Moghadam")
    assert "Knapen MHJ" in author_forms("M H J Knapen")
    assert _expand_pages("1111-7") == "1111-1117"
    assert _text_form("RETRACTED: Menatetrenone ameliorates.") == "menatetrenone ameliorates"


_TOY = """# toy sheet

| field | value | status |
|---|---|---|
| year | 2011 (secondary note) | UNVERIFIED |
| volume | 54 | VERIFIED (U1) |

## Outcomes
| outcome | type | timepoint | groups | statistic | numbers as reported | locator |
|---|---|---|---|---|---|---|
| DFS | clinical | 3 years | placebo vs K2 | HR (95% CI) | HR 1.150 (0.843-1.570) | abstract, 11th sentence |
| Deaths | clinical | 3 years | placebo vs K2 | patients | 1 vs 4 (P=0.37) | U2 only - UNVERIFIED |
| Pool | clinical | - | 5 RCTs (COMPUTED) | RR | RR 0.43 | abstract |

- Step 1: 15 mg three times a day (45 mg/day, COMPUTED) for 16 weeks.
"""


def test_the_checks_catch_a_changed_or_unverified_number() -> None:
    sheet = Sheet.parse("toy", _TOY)
    by_status: dict[str, set[str]] = {}
    for t in sheet.tokens:
        by_status.setdefault(t.status.value, set()).add(str(t.value))
    assert {"4", "0.37"} <= by_status["unverified"]
    assert {"45", "5"} <= by_status["computed"]
    assert {"1.150", "15", "16", "0.43"} <= by_status["neutral"]
    assert "2011" in by_status["unverified"]
    assert "54" in by_status["verified"]

    def found(value: float | Quantity, decimals: int | None = None) -> list[Token] | None:
        return matches(Number("toy.x", value, decimals), sheet.tokens, [sheet.text])

    assert found(1.15, 3)
    assert not found(1.15, 2)
    assert not found(1.151, 3)
    assert found(Quantity(36, Unit.MONTH))
    assert found(Quantity(0.015, Unit.G))
    assert not found(Quantity(44, Unit.MG_PER_DAY))
    four = found(4)
    assert four
    assert not any(t.status.counts_as_verified for t in four)
