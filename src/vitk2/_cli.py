"""The ``vitk2`` command line.

List, show, compare, validate, export, report and diff evidence from a shell::

    vitk2 overview
    vitk2 compare mds --format markdown
    vitk2 studies --indication osteoporosis --design rct --since 2000
    vitk2 validate my-trial.yaml
    vitk2 report --data my-trial.yaml

Errors are one line on stderr, never a traceback. Exit codes are listed in `EXIT_CODES`.

What the command line prints is inert: text from evidence files reaches a terminal with its
control characters shown as escapes (`_render.terminal_text`), JSON carries them
as Unicode escapes, and files are written whole or not at all, never over a file vitk2 did
not write unless ``--force`` says so.

The module imports only the standard library: the model and everything else is imported
inside `main`, so that Ctrl-C while they load is handled like Ctrl-C at any other time.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import stat
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn

if TYPE_CHECKING:
    from ._base import EvidenceBase
    from ._errors import Problem

__all__ = ["EXIT_CODES", "main"]

EXIT_OK: Final = 0
EXIT_DATA: Final = 1
EXIT_USAGE: Final = 2
EXIT_UNKNOWN: Final = 3
EXIT_INTERRUPTED: Final = 130
EXIT_PIPE: Final = 141
EXIT_INTERNAL: Final = 70

EXIT_CODES: Final[dict[int, str]] = {
    EXIT_OK: "success",
    EXIT_DATA: "invalid evidence (validation problems, merge conflicts) or a file that cannot be "
    "read or written, standard output included",
    EXIT_USAGE: "usage error: an unknown option or command, a criterion of the wrong type, or an "
    "output file that vitk2 did not write and will not replace without --force",
    EXIT_UNKNOWN: "unknown name: no indication, compound, study, citation or finding by that name",
    EXIT_INTERNAL: "internal error: a bug in vitk2 (please report it)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_PIPE: "the reader of standard output went away (vitk2 studies | head); nothing printed",
}
"""Every exit status ``vitk2`` uses, with its meaning."""

LISTING_FORMATS: Final = ("table", "markdown", "json", "csv")

_MULTI_FILTERS: Final = (
    "indication",
    "compound",
    "compound_class",
    "design",
    "direction",
    "outcome_kind",
    "route",
)
_SINGLE_FILTERS: Final = (
    "min_level",
    "min_certainty",
    "since",
    "until",
    "min_size",
    "daily_dose",
    "min_duration",
)
_LIST_HINT: Final = {
    "indication": "vitk2 indications",
    "compound": "vitk2 compounds",
    "study": "vitk2 studies",
    "study, compound, indication, citation or finding": "vitk2 studies', 'vitk2 indications' or "
    "'vitk2 compounds",
    "compound class": "vitk2 compounds",
}


# --------------------------------------------------------------------------------------------
# Argument parsing that fails in one line


class _UsageError(Exception):
    """A command line argparse rejects; the message is already a full sentence."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message)
        self.prog = prog


_ALL_OPTIONS: set[str] = set()


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown_value(what: str, word: str, choices: Sequence[str], close: Sequence[str] = ()) -> str:
    """An unknown value with the choices and the nearest: ``unknown route 'orla' (...)``."""
    near = list(close) or difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown {what} {word!r} (choose from {', '.join(choices)}){hint}"


class _ChoiceError(argparse.ArgumentError):
    """A value that is not among an argument's choices, with the value and the choices."""

    def __init__(self, action: argparse.Action, message: str, value: object) -> None:
        super().__init__(action, message)
        self.value = value
        self.choices = [str(c) for c in action.choices or ()]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise (so `main` prints them in one line).

    A message names the option as it is typed (``--format``), not as argparse or Python
    spell it (``argument -f/--format``, ``min_level``). The option, the value and the
    choices come from the error's attributes (``exit_on_error=False`` lets argparse's
    `ArgumentError` reach `parse_known_args` below), never from argparse's wording.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("exit_on_error", False)
        super().__init__(*args, **kwargs)

    # `*args: Any, **kwargs: Any` keeps argparse's overloads for callers.
    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().parse_known_args(*args, **kwargs)
        except argparse.ArgumentError as err:
            raise _UsageError(self._message(err), self.prog) from None

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        namespace, extras = self.parse_known_args(*args, **kwargs)
        if extras:
            message = f"unrecognized arguments: {' '.join(extras)}"
            if extras[0].startswith("-"):
                message += _suggest(extras[0].split("=")[0], _ALL_OPTIONS)
            raise _UsageError(message, self.prog)
        return namespace

    @staticmethod
    def _message(err: argparse.ArgumentError) -> str:
        option = err.argument_name.split("/")[-1] if err.argument_name else ""
        if isinstance(err, _ChoiceError):
            word = str(err.value)
            if option == "COMMAND":
                hint = _suggest(word, err.choices)
                return f"unknown command {word!r}" + (
                    hint or f" (choose from {', '.join(err.choices)})"
                )
            return f"{option}: {_unknown_value('value', word, err.choices)}"
        return f"{option}: {err.message}" if option else err.message

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as err:
            raise _ChoiceError(action, err.message, value) from None

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message, self.prog)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        _ALL_OPTIONS.update(action.option_strings)
        return action


def _epilog() -> str:
    """The end of ``vitk2 --help``: the exit codes, listed once for every command."""
    codes = "\n".join(
        textwrap.fill(text, 88, initial_indent=f"  {code:<4} ", subsequent_indent=" " * 7)
        for code, text in sorted(EXIT_CODES.items())
    )
    return (
        "Run 'vitk2 COMMAND --help' for a command's options, and 'vitk2 completion bash' "
        "(or zsh, fish)\nfor tab completion.\n\n"
        f"exit codes:\n{codes}\n\n"
        "Documentation: https://vitk2.readthedocs.io"
    )


#: The end of each command's help: where the exit codes are.
_COMMAND_EPILOG: Final = (
    "Exit codes: see 'vitk2 --help'. Documentation: https://vitk2.readthedocs.io"
)


def _add_common(p: argparse.ArgumentParser, *, top: bool = False) -> None:
    """``--quiet`` and ``--color``, taken before or after the command.

    A command's copy has no default of its own, so that ``vitk2 --quiet studies`` keeps the
    value given before the command.
    """
    g = p.add_argument_group("messages and colour")
    g.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="print no notes on stderr (what was left out, files written); errors still are",
    )
    g.add_argument(
        "--color",
        choices=_COLOR_CHOICES,
        default="auto" if top else argparse.SUPPRESS,
        help="colour headers and certainty: auto (the default) only on a terminal and when "
        "NO_COLOR is not set, always, or never",
    )


_COLOR_CHOICES: Final = ("auto", "always", "never")
LAYOUTS: Final = ("auto", "table", "vertical")


def _add_layout(p: argparse.ArgumentParser) -> None:
    """``--wide`` and ``--layout``: how a table meets the terminal."""
    g = p.add_argument_group("table layout (--format table)")
    g.add_argument(
        "--wide",
        action="store_true",
        help="each row on one line, however wide, nothing wrapped (for 'less -S' or a file)",
    )
    g.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="auto",
        help="lay a table out as rows and columns wrapped to fit the terminal (table), as one "
        "block per row with a field per line (vertical), or as a table if its columns fit and "
        "else vertical (auto, the default)",
    )


def _add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="FILE",
        help="add an evidence file (.yaml, .yml or .json) to the bundled evidence; repeatable, "
        "and a later file may refer to records of an earlier one",
    )


def _add_format(
    p: argparse.ArgumentParser, choices: Sequence[str] = LISTING_FORMATS, default: str = "table"
) -> None:
    p.add_argument(
        "-f",
        "--format",
        choices=choices,
        default=default,
        help=f"output format (default: {default})",
    )


def _level(text: str) -> float:
    """``--level``: a confidence level, checked as ``compare`` checks it (a usage error if not)."""
    from ._stats import _check_level

    try:
        return _check_level(float(text))
    except ValueError:  # not a number, or (a StatisticsError) not a level: NaN, inf, 0, 1, 5
        raise argparse.ArgumentTypeError(
            f"expected a confidence level between 0 and 1, such as 0.9 (got {text!r})"
        ) from None


_BARE_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")


def _amount(example: str, dimension: str, *, ranges: bool = False) -> Callable[[str], str]:
    """A quantity option's check: a number, a unit of the right kind, nothing negative.

    The text is passed on as given, for the query to convert; a mistake is a usage error that
    says what to write (``add a unit, e.g. '45 mg/day'``), with the units this option takes.
    """

    def check(text: str) -> str:
        from ._convert import _MAX_SCALAR_TEXT, _QUANTITY_RE
        from ._units import Dimension, Unit, parse_unit

        want = Dimension(dimension)
        units = [u.value for u in Unit if u.dimension is want]
        for part in text.split("..", 1) if ranges else [text]:
            if ranges and not part.strip() and ".." in text:
                continue  # an open end of a range
            if _BARE_NUMBER.fullmatch(part):
                raise argparse.ArgumentTypeError(
                    f"add a unit, e.g. '{part.strip()} {example.split()[-1]}' (got {text!r})"
                )
            match = _QUANTITY_RE.fullmatch(part) if len(part) <= _MAX_SCALAR_TEXT else None
            if match is None:
                raise argparse.ArgumentTypeError(
                    f"expected an amount with a unit, such as {example!r} (got {text!r})"
                )
            try:
                unit = parse_unit(match.group(2))
            except ValueError:
                close = difflib.get_close_matches(match.group(2), units, n=1, cutoff=0.5)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise argparse.ArgumentTypeError(
                    f"unknown unit {match.group(2)!r} in {text!r} (a {dimension} takes "
                    f"{', '.join(units)}){hint}"
                ) from None
            if unit.dimension is not want:
                raise argparse.ArgumentTypeError(
                    f"{part.strip()!r} is a {unit.dimension.value}, not a {dimension}: give "
                    f"one of {', '.join(units)}, e.g. {example!r}"
                )
            if float(match.group(1)) < 0:
                raise argparse.ArgumentTypeError(
                    f"expected an amount of 0 or more, such as {example!r} (got {text!r})"
                )
        return text

    return check


def _whole(what: str, low: int, high: int | None = None) -> Callable[[str], int]:
    """An integer option's check: a whole number in range (a usage error if not)."""

    def check(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {what} (got {text!r})")
        return value

    return check


#: The options whose values are a closed vocabulary: option, what it names, the enum in
#: vitk2's model. Each value is checked when the command line is read.
_VOCABULARIES: Final = {
    "--design": ("design", "Design"),
    "--min-certainty": ("certainty", "Certainty"),
    "--direction": ("direction", "Direction"),
    "--outcome-kind": ("outcome kind", "OutcomeKind"),
    "--route": ("route", "Route"),
}


def _vocabulary(option: str) -> list[str]:
    """The values an option with a closed vocabulary takes, as evidence files spell them."""
    from . import _model as m

    return [str(e.value) for e in getattr(m, _VOCABULARIES[option][1])]


def _one_of(option: str) -> Callable[[str], str]:
    """A closed-vocabulary option's check: a known value or alias (``rct``), else the choices."""

    def check(text: str) -> str:
        from . import _model as m
        from ._errors import UnknownNameError
        from ._query import _enums

        what, enum = _VOCABULARIES[option]
        try:
            _enums(getattr(m, enum), text, what)
        except UnknownNameError as err:
            raise argparse.ArgumentTypeError(
                _unknown_value(what, text, _vocabulary(option), err.suggestions[:1])
            ) from None
        return text

    return check


def _add_force(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="replace the --output file even if vitk2 did not write it",
    )


def _add_retracted(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--include-retracted",
        action="store_true",
        help="keep findings that rest on a retracted publication (by default they are left out "
        "and listed with the reason)",
    )


def _add_filters(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "filters",
        textwrap.fill(
            "Narrow the evidence first. Criteria combine with AND; an option given several times "
            "matches any of its values. They mirror EvidenceBase.filter().",
            88,
        ),
    )

    def listed(option: str) -> str:
        return ", ".join(_vocabulary(option))

    g.add_argument(
        "--indication",
        action="append",
        metavar="NAME",
        help="an indication (its subtypes included)",
    )
    g.add_argument(
        "--compound", action="append", metavar="NAME", help="a compound, alone or in a combination"
    )
    g.add_argument(
        "--compound-class",
        action="append",
        metavar="CLASS",
        help="a compound class or family ('vitamin K2', 'bisphosphonate')",
    )
    g.add_argument(
        "--design",
        action="append",
        metavar="DESIGN",
        type=_one_of("--design"),
        help=f"a study design: {listed('--design')} (or rct)",
    )
    g.add_argument(
        "--min-level",
        type=_whole("an OCEBM level from 1 (strongest) to 5", 1, 5),
        metavar="N",
        help="keep OCEBM levels 1 (strongest) to N",
    )
    g.add_argument(
        "--min-certainty",
        metavar="CERTAINTY",
        type=_one_of("--min-certainty"),
        help=f"keep certainty at or above this: {listed('--min-certainty')}",
    )
    year = _whole("a year such as 2005, from 1800 to 2100", 1800, 2100)
    g.add_argument("--since", type=year, metavar="YEAR", help="published in or after YEAR")
    g.add_argument("--until", type=year, metavar="YEAR", help="published in or before YEAR")
    g.add_argument(
        "--min-size",
        type=_whole("a whole number of participants, 0 or more", 0),
        metavar="N",
        help="at least N participants",
    )
    g.add_argument(
        "--direction",
        action="append",
        metavar="DIRECTION",
        type=_one_of("--direction"),
        help=f"a direction of effect: {listed('--direction')}",
    )
    g.add_argument(
        "--outcome-kind",
        action="append",
        metavar="KIND",
        type=_one_of("--outcome-kind"),
        help=f"an outcome kind: {listed('--outcome-kind')}",
    )
    g.add_argument(
        "--route",
        action="append",
        metavar="ROUTE",
        type=_one_of("--route"),
        help=f"a route of administration: {listed('--route')}; studies that report no route "
        "are left out (and counted on stderr)",
    )
    g.add_argument(
        "--daily-dose",
        metavar="DOSE",
        type=_amount("45 mg/day", "mass per time", ranges=True),
        help="a minimum daily dose ('45 mg/day') or a range ('15mg/day..45mg/day', '..1.5mg/day')",
    )
    g.add_argument(
        "--min-duration",
        metavar="TIME",
        type=_amount("16 week", "time"),
        help="a minimum treatment duration ('16 week')",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``vitk2`` argument parser."""
    from . import __version__

    parser = _Parser(
        prog="vitk2",
        description="Query the clinical evidence on vitamin K2 (menaquinone-4, menatetrenone).",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"vitk2 {__version__}")
    _add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def command(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(
            name,
            help=help,
            description=textwrap.fill(description or help, 88),
            epilog=_COMMAND_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_common(p)
        return p

    p = command("indications", "list the indications")
    _add_format(p)
    _add_layout(p)
    _add_data(p)
    p.set_defaults(run=_cmd_indications)

    p = command("compounds", "list the compounds")
    _add_format(p)
    _add_layout(p)
    _add_data(p)
    p.set_defaults(run=_cmd_compounds)

    p = command("studies", "list the studies (filters narrow the list)")
    _add_format(p)
    _add_layout(p)
    _add_data(p)
    _add_retracted(p)
    _add_filters(p)
    p.set_defaults(run=_cmd_studies)

    p = command(
        "show",
        "show one study, compound, indication, citation or finding in detail",
        "Show a record in detail: its numbers, provenance (with verbatim quotes), caveats "
        "and links. NAME is an id or any name the record answers to.",
    )
    p.add_argument("name", metavar="ID-OR-NAME")
    p.add_argument(
        "--kind",
        choices=(*_KINDS, "finding"),
        help="only this kind of record (a study and its primary citation often share an id)",
    )
    _add_format(p, ("text", "json", "yaml"), "text")
    _add_data(p)
    p.set_defaults(run=_cmd_show)

    p = command(
        "compare",
        "compare the findings for one indication",
        "The findings for one indication and its subtypes, strongest evidence first, "
        "with intervals, certainty, caveats and what was left out.",
    )
    p.add_argument("target", metavar="INDICATION", help="an indication id or name ('mds')")
    p.add_argument(
        "--regimens",
        action="store_true",
        help="compare regimens against each other instead (or say why not)",
    )
    p.add_argument(
        "--interval",
        choices=("wilson", "clopper-pearson"),
        default="wilson",
        help="interval method for proportions (default: wilson)",
    )
    p.add_argument(
        "--level",
        type=_level,
        default=0.95,
        help="confidence level of the computed intervals, between 0 and 1 (default: 0.95); "
        "intervals as reported keep their own",
    )
    p.add_argument(
        "--exclude-preclinical", action="store_true", help="leave out in-vitro and animal findings"
    )
    _add_format(p)
    _add_layout(p)
    _add_data(p)
    _add_retracted(p)
    _add_filters(p)
    p.set_defaults(run=_cmd_compare)

    p = command("overview", "one row per indication: designs, best level, certainty, direction")
    p.add_argument(
        "--matrix", action="store_true", help="show the compound x indication matrix instead"
    )
    _add_format(p)
    _add_layout(p)
    _add_data(p)
    _add_retracted(p)
    _add_filters(p)
    p.set_defaults(run=_cmd_overview)

    p = command(
        "meta",
        "meta-analysis of one endpoint in one indication, with a forest plot",
        "Pool the two-arm contrasts (counts of both arms, reported ratios with intervals, means "
        "with SDs) of one endpoint in one indication and its subtypes, one per study, "
        "randomised trials by default. Prints each study's effect and weight, the pooled "
        "estimate with its prediction interval, sensitivity analyses (without studies under "
        "an integrity concern, leaving out each study) and every finding left out with the "
        "reason.",
    )
    p.add_argument("indication", metavar="INDICATION", help="an indication id or name")
    p.add_argument("endpoint", metavar="ENDPOINT", help="an endpoint id or name")
    p.add_argument("--compound", metavar="NAME", help="only contrasts of this compound")
    p.add_argument(
        "--comparator",
        metavar="KIND-OR-COMPOUND",
        help="only contrasts against this comparator: placebo, no_treatment, usual_care, "
        "active, ... or a compound the reference arm received",
    )
    p.add_argument(
        "--design",
        action="append",
        type=_one_of("--design"),
        metavar="DESIGN",
        help="pool these designs (repeatable; default: randomised controlled trials)",
    )
    p.add_argument(
        "--measure",
        choices=("RR", "OR", "RD", "HR", "MD", "SMD"),
        help="the measure to pool (default: the one the contrasts have; counts give RR)",
    )
    p.add_argument(
        "--method",
        choices=("REML", "DL", "PM", "ML", "EE"),
        default="REML",
        help="the estimator of tau² (default: REML), or EE for equal effects",
    )
    p.add_argument(
        "--test",
        choices=("knha", "z"),
        default="knha",
        help="Hartung-Knapp (knha, the default) or Wald z intervals",
    )
    p.add_argument(
        "--level",
        type=_level,
        default=0.95,
        help="confidence level, between 0 and 1 (default: 0.95)",
    )
    p.add_argument(
        "--exclude-flagged",
        action="store_true",
        help="leave out studies under any integrity concern or notice",
    )
    p.add_argument(
        "--include-unverified",
        action="store_true",
        help="keep values a fact sheet marks unverified",
    )
    p.add_argument(
        "--plot",
        metavar="FILE",
        help="also draw the forest plot to FILE (.svg, .png or .pdf; needs matplotlib)",
    )
    _add_format(p, ("text", "markdown", "csv", "json", "html"), "text")
    _add_layout(p)
    _add_data(p)
    _add_retracted(p)
    p.set_defaults(run=_cmd_meta)

    p = command(
        "summary",
        "summary of findings: one GRADE row per vitamin K form, indication and endpoint",
        "One row per vitamin K form x indication x endpoint with evidence: the best estimate "
        "and its source, the participants behind it (each counted once), GRADE certainty with "
        "every downgrade's reason, flags, and a plain-language statement. Diet cohorts and "
        "blood levels are rows apart from supplement trials; uncontrolled evidence is a "
        "response rate, never a benefit; cell and animal studies are listed apart.",
    )
    p.add_argument(
        "indication", metavar="INDICATION", nargs="?", help="an indication id or name (all if none)"
    )
    p.add_argument("--compound", metavar="NAME", help="only rows of this vitamin K form")
    p.add_argument("--endpoint", metavar="NAME", help="only rows of this endpoint (and narrower)")
    p.add_argument(
        "--exposure",
        choices=("supplement", "dietary_intake", "circulating_level"),
        help="only rows of this exposure",
    )
    p.add_argument(
        "--include-unverified",
        action="store_true",
        help="keep values a fact sheet marks unverified (they are flagged)",
    )
    _add_format(p, ("text", "markdown", "csv", "json", "html"), "text")
    _add_layout(p)
    _add_data(p)
    p.set_defaults(run=_cmd_summary)

    p = command(
        "validate",
        "check evidence files and print every problem",
        "Check evidence files as vitk2 would load them, on top of the bundled evidence "
        "(so they may refer to its compounds, indications and citations). Every problem "
        "is printed as 'file: path: message'; the exit status is 1 if there is any.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--standalone",
        action="store_true",
        help="check each file on its own, without the bundled evidence",
    )
    _add_format(p, ("text", "json"), "text")
    _add_data(p)
    p.set_defaults(run=_cmd_validate)

    p = command(
        "upgrade",
        "rewrite an evidence file of format 1 in format 2",
        "Rewrite an evidence file of an earlier format in the current one: the version becomes "
        "2 and a comparator written as the id of an arm or phase of its study becomes "
        "{group: id}; everything else is kept. The file is checked on top of the bundled "
        "evidence (as 'vitk2 validate' does) and written as 'vitk2 export' writes: comments and "
        "the file's own layout are NOT kept. Without --output or --in-place the result goes to "
        "stdout. A file in format 2 already is left as it is.",
    )
    p.add_argument("file", metavar="FILE", help="a .yaml, .yml or .json evidence file")
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write to PATH instead of stdout (whole or not at all); an existing file is "
        "replaced only with --force",
    )
    p.add_argument(
        "--in-place",
        action="store_true",
        help="replace FILE itself with the upgraded file (whole or not at all; comments are lost)",
    )
    _add_force(p)
    p.add_argument(
        "--standalone",
        action="store_true",
        help="check the file on its own, without the bundled evidence",
    )
    p.set_defaults(run=_cmd_upgrade)

    p = command(
        "export",
        "write the evidence as YAML, JSON, CSV or FHIR (filters narrow it)",
        "Write the evidence (bundled plus --data files) as YAML or JSON that vitk2 can load "
        "back, as CSV with one row per finding, or as a FHIR R5 Bundle (JSON). Without filters "
        "everything is written, including findings that rest on retracted publications.",
    )
    formats = ("yaml", "json", "csv", "fhir")
    _add_format(p, formats, "yaml")
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write to PATH instead of stdout (whole or not at all); an existing file is replaced "
        "only if it is an earlier CSV or FHIR export, never a YAML or JSON file, unless --force",
    )
    _add_force(p)
    _add_data(p)
    _add_retracted(p)
    _add_filters(p)
    p.set_defaults(run=_cmd_export)

    p = command(
        "report",
        "write a self-contained HTML report of all the evidence",
        "Write one HTML file (no network access needed to view it) with the overview, "
        "the compound x indication matrix, a comparison per indication with caveats and "
        "lineage, regimen comparisons and a forest plot of every proportion.",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        default="vitk2-report.html",
        help="where to write the report (default: vitk2-report.html); an existing file is "
        "replaced only if it is an earlier vitk2 report, unless --force",
    )
    _add_force(p)
    _add_data(p)
    _add_retracted(p)
    _add_filters(p)
    p.set_defaults(run=_cmd_report)

    p = command(
        "diff",
        "what changed between two versions of the evidence",
        "Compare two evidence files or dataset versions (a path, or 'bundled'): findings "
        "and other records added, removed or changed, and every conclusion of the "
        "overview (best level, certainty, direction per indication) that changed.",
    )
    p.add_argument("old", metavar="OLD", help="a .yaml/.json evidence file, or 'bundled'")
    p.add_argument("new", metavar="NEW", help="a .yaml/.json evidence file, or 'bundled'")
    p.add_argument(
        "--on-bundled",
        action="store_true",
        help="load each file on top of the bundled evidence (for files that refer to "
        "its records or add to it)",
    )
    _add_format(p)
    _add_layout(p)
    p.set_defaults(run=_cmd_diff)

    p = command(
        "completion",
        "print a tab-completion script for bash, zsh or fish",
        "Print a script that completes vitk2's commands, options and their values in your "
        "shell. Load it in the current shell with 'source <(vitk2 completion bash)' (zsh: "
        "'source <(vitk2 completion zsh)'; fish: 'vitk2 completion fish | source'), or save "
        "it where your shell looks for completions (see the documentation).",
    )
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    p.set_defaults(run=_cmd_completion)
    return parser


# --------------------------------------------------------------------------------------------
# Output


Kind = Literal["text", "styled", "json", "data"]
"""What is printed: text for people (``styled`` when coloured), JSON, or data (YAML, CSV)."""


def _kind(fmt: str) -> Kind:
    """What a ``--format`` prints."""
    if fmt in ("json", "fhir"):
        return "json"
    return "data" if fmt in ("csv", "yaml") else "text"


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _write(text: str, kind: Kind = "text") -> None:
    """Print ``text`` (with a final newline), inert, surviving consoles that cannot encode it.

    Text for people never carries control characters (they are shown as escapes); JSON
    carries them as Unicode escapes, which is the same data; YAML and CSV are written as they
    are, unless standard output is a terminal. Styled text was made inert by the renderer,
    which added colour after; anything but that colour is shown as escapes here too.
    """
    from ._render import _CONTROLS, inert_json, terminal_text

    out = sys.stdout
    if out is None:  # started with standard output closed
        raise _StdoutError("it is closed")
    if kind == "json":
        text = inert_json(text)
    elif kind == "styled":
        if _CONTROLS.search(_SGR.sub("", text)):  # not what the renderer writes: no colour
            text = terminal_text(text)
    elif kind == "text" or _is_terminal(out):
        text = terminal_text(text)
    if not text.endswith("\n"):
        text += "\n"
    try:
        try:
            out.write(text)
        except UnicodeEncodeError:
            encoding = getattr(out, "encoding", None) or "ascii"
            out.write(text.encode(encoding, "backslashreplace").decode(encoding))
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as err:  # closed after start, or its disk is full
        raise _StdoutError(getattr(err, "strerror", None) or "it is closed") from None


def _err(line: str, *, clean: bool = True) -> None:
    """Print one line to standard error, if there is one; its control characters as escapes.

    ``clean=False`` prints the line as it is, importing nothing: for Ctrl-C, which may come
    while vitk2 itself is being imported.
    """
    err = sys.stderr
    if err is None:
        return
    if clean:
        from ._render import terminal_text

        line = terminal_text(line)
    try:
        err.write(line + "\n")
        err.flush()
    except (OSError, ValueError):  # standard error closed too: the status says it
        pass


#: The colour the renderer writes (select graphic rendition); nothing else passes as it is.
_SGR: Final = re.compile("\x1b\\[[0-9;]*m")


def _note(ns: argparse.Namespace, text: str) -> None:
    """A note on standard error, unless ``--quiet``."""
    if not getattr(ns, "quiet", False):
        _err(f"vitk2: {text}")


def _color(ns: argparse.Namespace) -> bool:
    """Whether to colour: ``--color``, else only on a terminal without ``NO_COLOR`` set.

    ``--color=always`` wins over ``NO_COLOR``, as https://no-color.org asks of an option
    given on the command line; a pipe or a file never gets colour unless it says so.
    """
    choice = getattr(ns, "color", "auto")
    if choice != "auto":
        return bool(choice == "always")
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return _is_terminal(sys.stdout)


def _text_options(ns: argparse.Namespace) -> dict[str, Any]:
    """The width, layout and colour of a table: the terminal's width unless ``--wide``.

    Only the command line asks the terminal: ``shutil.get_terminal_size`` takes ``COLUMNS``
    when it is set, then the terminal's own width, else 80 columns (a pipe or a file).
    """
    wide = getattr(ns, "wide", False)
    width = sys.maxsize if wide else max(20, shutil.get_terminal_size().columns)
    return {"width": width, "layout": getattr(ns, "layout", "auto"), "color": _color(ns)}


def _styled(ns: argparse.Namespace) -> Kind:
    """What a table for people is printed as: styled text when coloured."""
    return "styled" if _color(ns) else "text"


def _table(
    ns: argparse.Namespace,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    **meta: Any,
) -> None:
    """Print a listing in ``ns.format``."""
    from ._render import TextOptions, markdown_text, table_csv, table_json, table_markdown

    fmt = ns.format
    if fmt == "json":
        text = table_json(headers, rows, **meta)
    elif fmt == "csv":
        text = table_csv(headers, rows)
    elif fmt == "markdown":
        body = table_markdown(headers, rows)
        text = f"**{markdown_text(title)}**\n\n{body}" if title else body
    else:
        t = TextOptions(**_text_options(ns))
        body = t.table(headers, rows)
        _write(f"{t.title(title)}\n{body}" if title else body, _styled(ns))
        return
    _write(text, _kind(fmt))


def _width() -> int:
    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


# --------------------------------------------------------------------------------------------
# Loading


def _load(paths: Sequence[str]) -> EvidenceBase:
    from ._bundled import load
    from ._errors import ValidationError
    from ._io import load_file

    base = load()
    for path in paths:
        try:
            base = load_file(path, base=base)
        except ValidationError as err:
            raise _data_file_error(path, err.problems) from None
    return base


class _CommandError(Exception):
    """A failure the command line words itself, with its exit status."""

    def __init__(self, message: str, status: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.status = status


def _data_file_error(path: str, problems: Sequence[Problem]) -> _CommandError:
    """A --data file that does not load; the message points to ``vitk2 validate``."""
    n = len(problems)
    first = problems[0]
    if n == 1 and first.code == "unreadable":
        return _CommandError(f"{first}; check the path")
    return _CommandError(
        f"{path} is not valid evidence ({n} {'problem' if n == 1 else 'problems'}; first: "
        f"{first}); run 'vitk2 validate {path}' to see "
        f"{'it' if n == 1 else 'them all'}"
    )


def _criteria(ns: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _MULTI_FILTERS:
        value = getattr(ns, name, None)
        if value:
            out[name] = tuple(value)
    for name in _SINGLE_FILTERS:
        value = getattr(ns, name, None)
        if value is not None:
            out[name] = value
    dose = out.get("daily_dose")
    if isinstance(dose, str) and ".." in dose:
        low, high = (part.strip() or None for part in dose.split("..", 1))
        if low is None and high is None:
            from ._errors import CriteriaError

            raise CriteriaError(
                "--daily-dose: give a minimum, a maximum or both ('15mg/day..45mg/day')"
            )
        out["daily_dose"] = (low, high)
    return out


def _evidence(ns: argparse.Namespace, *, always_filter: bool = False) -> EvidenceBase:
    base = _load(ns.data)
    criteria = _criteria(ns)
    if not (criteria or always_filter):
        return base
    kept = base.filter(include_retracted=ns.include_retracted, **criteria)
    if "route" in criteria:
        _unreported_routes(ns, base, criteria, kept)
    return kept


def _unreported_routes(
    ns: argparse.Namespace, base: EvidenceBase, criteria: dict[str, Any], kept: EvidenceBase
) -> None:
    """Say how many studies ``--route`` left out only because they report no route."""
    from . import _model as m

    others = {k: v for k, v in criteria.items() if k != "route"}
    wider = base.filter(include_retracted=ns.include_retracted, **others)
    have = {f.id for f in kept.findings}
    studies: set[str] = set()
    findings = 0
    for s in wider.studies:
        for f in s.findings:
            if f.id in have:
                continue
            if not any(isinstance(d.route, m.Route) for d in s.doses_of(f)):
                studies.add(s.id)
                findings += 1
    if studies:
        n = len(studies)
        _note(
            ns,
            f"--route left out {findings} {'finding' if findings == 1 else 'findings'} of "
            f"{n} {'study' if n == 1 else 'studies'} that report no route of administration; "
            "leave out --route to see them",
        )


def _left_out(ns: argparse.Namespace, base: EvidenceBase) -> None:
    if base.excluded and ns.format in ("table", "markdown"):
        n = len(base.excluded)
        _note(
            ns,
            f"{n} {'finding' if n == 1 else 'findings'} left out because "
            f"{'it rests' if n == 1 else 'they rest'} on retracted publications; "
            "add --include-retracted to keep them",
        )


# --------------------------------------------------------------------------------------------
# Commands


def _cmd_indications(ns: argparse.Namespace) -> int:
    base = _load(ns.data)
    headers = ("id", "name", "category", "parent", "also known as", "studies")
    rows = []
    for ind in base.indications:
        ids = {i.id for i in base.subtypes(ind)}
        n = sum(
            1
            for s in base.studies
            if ids & ({i.id for i in s.indications} | {f.indication.id for f in s.findings})
        )
        rows.append(
            (
                ind.id,
                ind.name,
                str(ind.category),
                ind.parent or "",
                ", ".join((*ind.abbreviations, *ind.synonyms)),
                n,
            )
        )
    _table(ns, headers, rows, title=f"{len(rows)} indications")
    return EXIT_OK


def _cmd_compounds(ns: argparse.Namespace) -> int:
    base = _load(ns.data)
    headers = ("id", "name", "class", "family", "also known as", "studies")
    rows = [
        (
            c.id,
            c.name,
            c.compound_class,
            c.family,
            ", ".join((*c.synonyms, *c.brands)),
            sum(1 for s in base.studies if any(x.id == c.id for x in s.compounds)),
        )
        for c in base.compounds
    ]
    _table(ns, headers, rows, title=f"{len(rows)} compounds")
    return EXIT_OK


def _cmd_studies(ns: argparse.Namespace) -> int:
    from ._render import base_rows

    base = _evidence(ns, always_filter=True)
    headers, rows = base_rows(base)
    n = len(base.findings)
    title = (
        f"{len(rows)} {'study' if len(rows) == 1 else 'studies'}, "
        f"{n} {'finding' if n == 1 else 'findings'}"
    )
    excluded = [{"finding": e.finding, "study": e.study, "reason": e.reason} for e in base.excluded]
    _table(ns, headers, rows, title=title, excluded=excluded)
    _left_out(ns, base)
    return EXIT_OK


def _cmd_compare(ns: argparse.Namespace) -> int:
    base = _evidence(ns)
    if ns.regimens:
        regimens = base.compare_regimens(ns.target, level=ns.level)
        if ns.format == "table":
            _write(regimens.to_text(**_text_options(ns)), _styled(ns))
        else:
            _write(getattr(regimens, f"to_{ns.format}")(), _kind(ns.format))
        return EXIT_OK
    comparison = base.compare(
        ns.target,
        interval=ns.interval,
        level=ns.level,
        include_retracted=ns.include_retracted,
        include_preclinical=not ns.exclude_preclinical,
    )
    if ns.format == "table":
        from ._render import TextOptions

        options = _text_options(ns)
        text = comparison.to_text(**options)
        if comparison.pooled:
            t = TextOptions(**options)
            lines = _pooled_lines(comparison)
            pooled = t.lines(lines[0]) + [
                x for line in lines[1:] for x in t.lines(line, "  ", "    ")
            ]
            text += "\n\n" + "\n".join(pooled)
        _write(text, _styled(ns))
    elif ns.format == "markdown":
        from ._render import markdown_text as md

        parts = [comparison.to_markdown()]
        if comparison.pooled:
            parts.append("\n".join(f"- {md(line)}" for line in _pooled_lines(comparison)))
        if comparison.excluded:
            parts.append(  # finding ids are slugs: safe in a code span
                "Left out:\n\n"
                + "\n".join(f"- `{e.finding}`: {md(e.reason)}" for e in comparison.excluded)
            )
        lin = comparison.lineage
        parts.append(
            f"Dataset {md(lin.dataset or 'user data')} {md(lin.version or '')} "
            f"(sha256 `{lin.content_hash}`); {md(lin.intervals)}; pooling: {md(lin.pooling_model)}."
        )
        _write("\n\n".join(parts))
    else:
        _write(getattr(comparison, f"to_{ns.format}")(), _kind(ns.format))
    return EXIT_OK


def _pooled_lines(comparison: Any) -> list[str]:
    from ._render import interval_text

    lines = [f"Pooled across studies ({comparison.lineage.pooling_model}):"]
    for p in comparison.pooled:
        r = p.result
        lines.append(
            f"  {p.measure} ({' + '.join(p.compounds)}): {r.estimate:.3g} "
            f"({interval_text(r.interval)}), I² {r.i2:.0%}, "
            f"from {', '.join(p.findings)}"
        )
    return lines


def _cmd_overview(ns: argparse.Namespace) -> int:
    base = _evidence(ns)
    overview = base.overview(include_retracted=ns.include_retracted)
    if ns.matrix:
        headers = ("compound", "indication", "best design", "certainty", "findings")
        rows = [
            (
                c.compound,
                c.indication,
                str(c.best_design),
                str(c.certainty or "not graded"),
                c.findings,
            )
            for c in overview.matrix
        ]
        if ns.format == "table":
            _write(overview.matrix_text(**_text_options(ns)), _styled(ns))
        else:
            _table(ns, headers, rows, title="Compound x indication")
        return EXIT_OK
    if ns.format == "table":
        _write(overview.to_text(**_text_options(ns)), _styled(ns))
    else:
        _write(getattr(overview, f"to_{ns.format}")(), _kind(ns.format))
    return EXIT_OK


def _cmd_meta(ns: argparse.Namespace) -> int:
    from ._evidence_meta import MetaAnalysisError

    base = _load(ns.data)
    try:
        analysis = base.meta_analysis(
            ns.indication,
            ns.endpoint,
            compound=ns.compound,
            comparator=ns.comparator,
            design=tuple(ns.design) if ns.design else None,
            measure=ns.measure,
            method=ns.method,
            test=ns.test,
            include_retracted=ns.include_retracted,
            include_flagged=not ns.exclude_flagged,
            include_unverified=ns.include_unverified,
            level=ns.level,
        )
    except MetaAnalysisError as err:  # a refusal the options can lift: a usage error
        raise _CommandError(str(err).replace("measure=", "--measure"), EXIT_USAGE) from None
    if ns.format == "text":
        _write(analysis.to_text(**_text_options(ns)), _styled(ns))
    elif ns.format == "html":
        _write(analysis.to_html())
    else:
        _write(getattr(analysis, f"to_{ns.format}")(), _kind(ns.format))
    if ns.plot:
        if not analysis.contrasts:
            _note(ns, f"no forest plot: {analysis.reason}")
        else:
            analysis.plot(ns.plot)
            _note(ns, f"wrote {ns.plot}")
    return EXIT_OK


def _cmd_summary(ns: argparse.Namespace) -> int:
    base = _load(ns.data)
    found = base.summary(
        ns.indication,
        compound=ns.compound,
        endpoint=ns.endpoint,
        exposure=ns.exposure,
        include_unverified=ns.include_unverified,
    )
    if ns.format == "text":
        _write(found.to_text(**_text_options(ns)), _styled(ns))
    elif ns.format == "html":
        _write(found.to_html())
    else:
        _write(getattr(found, f"to_{ns.format}")(), _kind(ns.format))
    return EXIT_OK


def _located(p: Problem) -> str:
    """A problem as compilers print one: ``file:line:column: path: message``."""
    if p.line is None:
        return str(p)
    return f"{p.location}: {p.path}: {p.message}" if p.path else f"{p.location}: {p.message}"


def _cmd_validate(ns: argparse.Namespace) -> int:
    import attrs

    from ._errors import ValidationError
    from ._io import load_file

    base: EvidenceBase | None = None if ns.standalone else _load(ns.data)
    results: list[tuple[str, tuple[Problem, ...]]] = []
    for path in ns.files:
        try:
            loaded = load_file(path, base=base)
        except ValidationError as err:
            results.append((path, err.problems))
            continue
        if not ns.standalone:
            base = loaded
        results.append((path, ()))
    problems = [p for _, found in results for p in found]
    if ns.format == "json":
        files = [
            {"file": path, "ok": not found, "problems": [attrs.asdict(p) for p in found]}
            for path, found in results
        ]
        _write(
            json.dumps({"ok": not problems, "files": files}, ensure_ascii=False, indent=2), "json"
        )
    else:
        for path, found in results:
            _write("\n".join(_located(p) for p in found) if found else f"{path}: ok")
    if problems:
        bad = sum(1 for _, found in results if found)
        _err(  # an error, not a note: printed with --quiet too
            f"vitk2: error: {len(problems)} {'problem' if len(problems) == 1 else 'problems'} "
            f"in {bad} {'file' if bad == 1 else 'files'}"
        )
        return EXIT_DATA
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# Writing files: whole or not at all, and never over a file vitk2 did not write


#: How much of an existing file is read to recognise what wrote it.
_HEAD: Final = 8192
_REPORT_MARK: Final = b'<meta name="generator" content="vitk2 '
_FHIR_MARKS: Final = (b'"resourceType": "Bundle"', b"https://vitk2.readthedocs.io/fhir/")


def _written_by_vitk2(head: bytes, kind: str) -> bool:
    """Whether the start of a file shows vitk2 wrote it as ``kind`` (report, csv or fhir)."""
    if kind == "report":
        return _REPORT_MARK in head
    if kind == "csv":
        from ._tabular import COLUMNS

        return head.startswith(",".join(COLUMNS).encode("utf-8") + b"\r\n")
    if kind == "fhir":
        return all(mark in head for mark in _FHIR_MARKS)
    return False  # a YAML or JSON export cannot be told from evidence written by hand


def _check_replace(path: str, kind: str, force: bool) -> None:
    """Refuse to write over a file that vitk2 did not write as ``kind`` (unless ``force``).

    A missing or empty file, or one that is not a regular file (``/dev/null``, a pipe), loses
    nothing; a file that cannot be read is left for the write to report.
    """
    if force:
        return
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return
        with open(path, "rb") as f:
            head = f.read(_HEAD)
    except OSError:
        return
    if _written_by_vitk2(head, kind):
        return
    what = {
        "report": "it is not a report vitk2 wrote",
        "csv": "it is not a CSV export of vitk2",
        "fhir": "it is not a FHIR export of vitk2",
    }.get(
        kind,
        "it may be evidence (a YAML or JSON export cannot be told from a file written by hand)",
    )
    raise _CommandError(
        f"refusing to replace {path!r}: {what}; give --force to replace it, or another --output",
        EXIT_USAGE,
    )


def _cmd_export(ns: argparse.Namespace) -> int:
    from ._io import dump

    if ns.output:
        _check_replace(ns.output, ns.format, ns.force)
    base = _evidence(ns)
    if ns.format in ("yaml", "json"):
        text = dump(base, ns.format)
    elif ns.format == "csv":
        from ._tabular import to_csv

        text = to_csv(base)
    else:
        text = _fhir_json(base)
    if ns.output:
        from ._render import write_atomic

        write_atomic(ns.output, (text if text.endswith("\n") else text + "\n").encode("utf-8"))
        _note(ns, f"wrote {ns.output}")
    else:
        _write(text, _kind(ns.format))
    return EXIT_OK


def _cmd_upgrade(ns: argparse.Namespace) -> int:
    from ._upgrade import upgrade_file

    if ns.in_place and ns.output:
        raise _CommandError("give --in-place or --output, not both", EXIT_USAGE)
    if ns.output:
        _check_replace(ns.output, "evidence", ns.force)
    base = None if ns.standalone else _load(())
    result = upgrade_file(ns.file, ns.file if ns.in_place else ns.output, base=base)
    if not result.changed:
        _note(ns, f"{ns.file} is in format 2 already; nothing to upgrade")
    else:
        promoted = len(result.promotions)
        _note(
            ns,
            f"upgraded {ns.file} from format {result.version} to format 2; {promoted} "
            f"{'comparator names' if promoted == 1 else 'comparators name'} an arm "
            "({group: id}); comments are not kept",
        )
    if ns.in_place or ns.output:
        if ns.output or result.changed:
            _note(ns, f"wrote {ns.output or ns.file}")
    else:
        _write(result.text.rstrip("\n"), "data")
    return EXIT_OK


def _fhir_json(base: EvidenceBase) -> str:
    from ._fhir import to_fhir

    return json.dumps(to_fhir(base), ensure_ascii=False, indent=2)


def _cmd_report(ns: argparse.Namespace) -> int:
    from ._report import write_report

    _check_replace(ns.output, "report", ns.force)
    base = _evidence(ns)
    path, has_plot = write_report(base, ns.output, include_retracted=ns.include_retracted)
    if not has_plot:
        _note(ns, "the report has no forest plot: it needs matplotlib (pip install 'vitk2[plot]')")
    _write(str(path))
    return EXIT_OK


def _cmd_diff(ns: argparse.Namespace) -> int:
    from ._diff import diff

    old, old_label = _version(ns.old, ns.on_bundled)
    new, new_label = _version(ns.new, ns.on_bundled)
    result = diff(old, new, old_label=old_label, new_label=new_label)
    if ns.format == "table":
        from ._render import TextOptions

        t = TextOptions(**_text_options(ns))
        out = [t.title(result._title()), *t.lines(result.summary())]
        if result.changes:
            out += ["", t.table(result.COLUMNS, result._cells())]
        _write("\n".join(out), _styled(ns))
    else:
        _write(getattr(result, f"to_{ns.format}")(), _kind(ns.format))
    return EXIT_OK


def _version(spec: str, on_bundled: bool) -> tuple[EvidenceBase, str]:
    from ._bundled import load
    from ._errors import ValidationError
    from ._io import load_file

    if spec == "bundled":
        base = load()
        label = f"bundled {base.dataset.id} {base.dataset.version}" if base.dataset else "bundled"
        return base, label
    try:
        return load_file(spec, base=load() if on_bundled else None), spec
    except ValidationError as err:
        hint = ""
        if not on_bundled and any(p.code == "dangling" for p in err.problems):
            hint = "; if it refers to bundled records, add --on-bundled"
        n = len(err.problems)
        raise _CommandError(  # one side of a diff does not load
            f"{spec} is not valid evidence ({n} {'problem' if n == 1 else 'problems'}; first: "
            f"{err.problems[0]}){hint}"
        ) from None


# --------------------------------------------------------------------------------------------
# show


def _cmd_show(ns: argparse.Namespace) -> int:
    from ._io import dump

    base = _load(ns.data)
    records = _resolve(base, ns.name, ns.kind)
    if ns.format == "json":
        docs = [json.loads(dump(r, "json")) for r in records]
        _write(
            json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2), "json"
        )
    elif ns.format == "yaml":
        _write("---\n".join(dump(r, "yaml") for r in records), "data")
    else:
        from ._describe import describe

        width = _width()
        blocks = ["\n".join(describe(base, r, width)) for r in records]
        _write("\n\n".join(blocks))
    return EXIT_OK


_KINDS: Final = ("study", "compound", "indication", "citation")
_ANY_RECORD: Final = "study, compound, indication, citation or finding"


def _resolve(base: EvidenceBase, name: str, only: str | None = None) -> list[Any]:
    """Every record ``name`` names (an exact id wins), else raise with suggestions."""
    from ._errors import AmbiguousNameError, UnknownNameError

    hits: list[Any] = []
    suggestions: list[str] = []
    kinds = [k for k in (*_KINDS, "finding") if only in (None, k)]
    for lookup in [getattr(base, kind) for kind in kinds]:
        try:
            hits.append(lookup(name))
        except AmbiguousNameError as err:
            hits.extend(lookup(rid) for rid in err.suggestions)
        except UnknownNameError as err:
            suggestions.extend(s for s in err.suggestions if s not in suggestions)
    if hits:
        exact = [r for r in hits if r.id == name]
        return exact or list(dict.fromkeys(hits))
    key = name.lower()
    suggestions.sort(key=lambda s: -difflib.SequenceMatcher(None, key, s.lower()).ratio())
    raise UnknownNameError(name, only or _ANY_RECORD, suggestions[:4])


# --------------------------------------------------------------------------------------------
# main


def _then(message: str, hint: str) -> str:
    """Join a hint to a message that may already end in a question."""
    return (
        f"{message} {hint[0].upper()}{hint[1:]}." if message.endswith("?") else f"{message}; {hint}"
    )


def _flags(message: str) -> str:
    """A criterion's message with each keyword as the option it is: ``min_level`` -> ``--min-level``."""
    names = "|".join((*_MULTI_FILTERS, *_SINGLE_FILTERS, "include_retracted"))
    return re.sub(rf"(?<![\w-])({names})\b", lambda m: "--" + m.group(1).replace("_", "-"), message)


def _error_line(err: BaseException, command: str) -> tuple[str, int]:
    """The one-line message and the exit status for an error."""
    from ._errors import CriteriaError, UnknownNameError, ValidationError

    if isinstance(err, UnknownNameError):
        message = str(err)
        if not err.suggestions and err.kind in _LIST_HINT:
            message += f"; run '{_LIST_HINT[err.kind]}' to list them"
        return message, EXIT_UNKNOWN
    if isinstance(err, CriteriaError):
        return _then(_flags(str(err)), f"see 'vitk2 {command} --help'"), EXIT_USAGE
    if isinstance(err, ValidationError):
        n = len(err.problems)
        more = f" (and {n - 1} more)" if n > 1 else ""
        return f"{err.problems[0]}{more}", EXIT_DATA
    if isinstance(err, OSError):
        target = f" {err.filename!r}" if err.filename else ""
        reason = err.strerror or str(err)
        return f"cannot access{target}: {reason}; check the path and its permissions", EXIT_DATA
    return str(err), EXIT_DATA


def main(argv: list[str] | None = None) -> int:
    """Run the ``vitk2`` command line.

    >>> main(["compare", "mds", "--format", "csv"])  # doctest: +ELLIPSIS
    study,finding,design,OCEBM,...
    0

    Ctrl-C at any point, while vitk2 is still being imported included, prints one line,
    ``vitk2: interrupted``, and returns 130; a reader of standard output that goes away
    (``vitk2 studies | head``) ends the command quietly with 141; standard output closed or
    full is an error like any file that cannot be written (1).

    Args:
        argv: The arguments after the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 success, 1 invalid evidence or a file error, 2 usage error,
        3 unknown name (see `EXIT_CODES`).
    """
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        _err("vitk2: interrupted", clean=False)
        return EXIT_INTERRUPTED


class _StdoutError(Exception):
    """Standard output cannot be written: closed (``vitk2 overview >&-``) or on a full disk."""


def _flush_stdout() -> None:
    """Flush standard output now, so that a failure to write it is reported, not ignored."""
    out = sys.stdout
    if out is None:
        return
    try:
        out.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as err:
        raise _StdoutError(getattr(err, "strerror", None) or "it is closed") from None


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the flush at exit cannot fail again."""
    out = sys.stdout
    if out is None:
        return
    try:
        fd = out.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):  # not a real file (a test's capture): nothing flushes at exit
        return
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _main(argv: list[str]) -> int:
    parser = build_parser()
    try:
        ns = parser.parse_args(argv)
    except _UsageError as err:
        hint = f"see '{err.prog} --help'"
        _err(f"vitk2: error: {_then(str(err), hint)}")
        return EXIT_USAGE
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    run: Callable[[argparse.Namespace], int] = ns.run
    try:
        status = run(ns)
        _flush_stdout()
        return status
    except BrokenPipeError:  # `vitk2 studies | head`: the reader has what it wanted
        _silence_stdout()
        return EXIT_PIPE
    except _StdoutError as err:
        _silence_stdout()
        _err(f"vitk2: error: cannot write to standard output: {err}")
        return EXIT_DATA
    except _CommandError as err:
        _err(f"vitk2: error: {err}")
        return err.status
    except Exception as err:
        from ._errors import Vitk2Error

        if isinstance(err, (Vitk2Error, OSError)):
            message, status = _error_line(err, ns.command)
            _err(f"vitk2: error: {message}")
            return status
        if os.environ.get("VITK2_DEBUG"):
            raise
        # the last line of defence: no traceback for users
        _err(
            f"vitk2: internal error: {type(err).__name__}: {err}; please report it with the "
            "command you ran (set VITK2_DEBUG=1 to see the traceback)"
        )
        return EXIT_INTERNAL


# --------------------------------------------------------------------------------------------
# completion: scripts for bash, zsh and fish, made from the parser itself

SHELLS: Final = ("bash", "zsh", "fish")

#: Options and arguments whose values are file names.
_FILE_VALUES: Final = frozenset({"--data", "--output", "--plot", "files", "old", "new"})
#: What completes a value that is neither a choice nor a file (from the bundled evidence).
_NAMED_VALUES: Final = {
    "--indication": "indication",
    "target": "indication",
    "indication": "indication",
    "endpoint": "endpoint",
    "--compound": "compound",
}
_WORD: Final = re.compile(r"[\w.+/%µ-]+")


class _Completion:
    """One option or argument as completion sees it."""

    def __init__(self, action: argparse.Action, names: dict[str, list[str]]) -> None:
        self.flags = list(action.option_strings)
        self.name = self.flags[-1] if self.flags else action.dest
        self.takes_value = action.nargs != 0
        self.repeats = isinstance(action, argparse._AppendAction) or action.nargs in ("+", "*")
        self.files = self.name in _FILE_VALUES
        values: list[str] = []
        if action.choices is not None:
            values = [str(c) for c in action.choices]
        elif self.name in _VOCABULARIES:
            values = _vocabulary(self.name)
        elif self.name in _NAMED_VALUES:
            values = names[_NAMED_VALUES[self.name]]
        self.values = [v for v in values if _WORD.fullmatch(v)]
        help_text = action.help if isinstance(action.help, str) else ""
        self.help = re.split(r"[;(:]| \(", help_text.replace("%%", "%"), maxsplit=1)[0].strip()


def _completions(
    parser: argparse.ArgumentParser,
) -> tuple[list[_Completion], list[tuple[str, str, list[_Completion]]]]:
    """The top-level options, and each command with its help and its options and arguments."""
    from ._bundled import load

    base = load()
    names = {
        "indication": [i.id for i in base.indications],
        "compound": [c.id for c in base.compounds],
        "endpoint": [e.id for e in base.endpoints],
    }

    def actions(p: argparse.ArgumentParser) -> list[_Completion]:
        return [
            _Completion(a, names)
            for a in p._actions
            if not isinstance(a, argparse._SubParsersAction) and a.help != argparse.SUPPRESS
        ]

    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help or "" for a in sub._choices_actions}
    commands = [(name, helps.get(name, ""), actions(p)) for name, p in sub.choices.items()]
    return actions(parser), commands


def _bash(top: list[_Completion], commands: list[tuple[str, str, list[_Completion]]]) -> str:
    valued = sorted(
        {f for _, _, opts in commands for o in opts + top for f in o.flags if o.takes_value}
    )
    cases: list[str] = []
    for name, _, opts in [("", "", top), *commands]:
        for o in opts:
            if not o.flags or not o.takes_value:
                continue
            pattern = "|".join(f"{name or ''}:{f}" for f in o.flags)
            if o.values:
                action = f'COMPREPLY=($(compgen -W "{" ".join(o.values)}" -- "$cur"))'
            elif o.files:
                action = 'COMPREPLY=($(compgen -f -- "$cur"))'
            else:
                action = "compopt +o default 2>/dev/null; COMPREPLY=()"
            cases.append(f"        {pattern}) {action}; return ;;")
    option_lists = "\n".join(
        f'        {name}) opts="{" ".join(f for o in opts for f in o.flags)}" ;;'
        for name, _, opts in commands
    )
    top_flags = " ".join(f for o in top for f in o.flags)
    positional: list[str] = []
    for name, _, opts in commands:
        for o in opts:
            if o.flags:
                continue
            if o.values:
                positional.append(
                    f'        {name}) COMPREPLY=($(compgen -W "{" ".join(o.values)}" -- "$cur")) ;;'
                )
            elif o.files:
                positional.append(f'        {name}) COMPREPLY=($(compgen -f -- "$cur")) ;;')
            break
    return f"""# bash completion for vitk2, made by 'vitk2 completion bash'.
# Load it with: source <(vitk2 completion bash)
_vitk2_valued() {{
    case "$1" in
        {"|".join(valued)}) return 0 ;;
    esac
    return 1
}}

_vitk2() {{
    local cur prev cmd opts i
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    if [[ "$prev" == "=" && $COMP_CWORD -ge 2 ]]; then
        prev="${{COMP_WORDS[COMP_CWORD-2]}}"
    elif [[ "$cur" == "=" ]]; then
        cur=""
    fi
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in
            -*|=) ;;
            *)
                if [[ -z "$cmd" && "${{COMP_WORDS[i-1]}}" != "=" ]] \\
                    && ! _vitk2_valued "${{COMP_WORDS[i-1]}}"; then
                    cmd="${{COMP_WORDS[i]}}"
                fi
                ;;
        esac
    done
    case "$cmd:$prev" in
{chr(10).join(cases)}
    esac
    if [[ "$cur" == -* ]]; then
        case "$cmd" in
{option_lists}
            *) opts="{top_flags}" ;;
        esac
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    if [[ -z "$cmd" ]]; then
        COMPREPLY=($(compgen -W "{" ".join(name for name, _, _ in commands)}" -- "$cur"))
        return
    fi
    case "$cmd" in
{chr(10).join(positional)}
    esac
}}

complete -o default -F _vitk2 vitk2
"""


def _zsh_text(text: str) -> str:
    """Text for a zsh ``_arguments`` description: no brackets, quotes escaped."""
    return re.sub(r"[\[\]\\]", "", text).replace(":", " -").replace("'", "'\\''")


def _zsh_spec(o: _Completion) -> str:
    action = ""
    if o.takes_value:
        what = o.name.lstrip("-").replace("-", " ")
        if o.values:
            action = f":{what}:({' '.join(o.values)})"
        elif o.files:
            action = f":{what}:_files"
        else:
            action = f":{what}: "
    if not o.flags:
        return f"'{'*' if o.repeats else ''}:{o.name}{action[action.index(':', 1) :] if action else ': '}'"
    desc = f"[{_zsh_text(o.help)}]"
    star = "*" if o.repeats else ""
    if len(o.flags) == 1:
        flag = o.flags[0] + ("=" if o.takes_value and o.flags[0].startswith("--") else "")
        return f"'{star}{flag}{desc}{action}'"
    exclusive = "" if o.repeats else f"({' '.join(o.flags)})"
    forms = ",".join(
        f + (("=" if f.startswith("--") else "+") if o.takes_value else "") for f in o.flags
    )
    return (
        f"'{exclusive}'{{{forms}}}'{star}{desc}{action}'"
        if not star
        else (f"'{star}'{{{forms}}}'{desc}{action}'")
    )


def _zsh(top: list[_Completion], commands: list[tuple[str, str, list[_Completion]]]) -> str:
    def specs(opts: list[_Completion], indent: str) -> str:
        return " \\\n".join(indent + _zsh_spec(o) for o in opts)

    listed = "\n".join(f"    '{name}:{_zsh_text(help)}'" for name, help, _ in commands)
    cases = "\n".join(
        f"        {name})\n            _arguments -s \\\n{specs(opts, ' ' * 16)}\n            ;;"
        for name, _, opts in commands
    )
    return f"""#compdef vitk2
# zsh completion for vitk2, made by 'vitk2 completion zsh'.
# Load it with: source <(vitk2 completion zsh)  (after compinit), or save it as _vitk2 in a
# directory of your $fpath.
_vitk2() {{
    local curcontext="$curcontext" state line
    typeset -A opt_args
    local -a commands
    commands=(
{listed}
    )
    _arguments -C \\
{specs(top, " " * 8)} \\
        '1:command:->command' \\
        '*::argument:->argument'
    case $state in
    command)
        _describe -t commands 'vitk2 command' commands
        ;;
    argument)
        curcontext="${{curcontext%:*:*}}:vitk2-$words[1]:"
        case $words[1] in
{cases}
        esac
        ;;
    esac
}}

if [[ "${{zsh_eval_context[-1]}}" == loadautofunc ]]; then
    _vitk2 "$@"
else
    compdef _vitk2 vitk2
fi
"""


def _fish_text(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(top: list[_Completion], commands: list[tuple[str, str, list[_Completion]]]) -> str:
    lines = [
        "# fish completion for vitk2, made by 'vitk2 completion fish'.",
        "# Load it with: vitk2 completion fish | source",
        "# or save it as ~/.config/fish/completions/vitk2.fish",
        "complete -c vitk2 -f",
    ]

    def option(o: _Completion, condition: str) -> str:
        parts = ["complete -c vitk2", f"-n {_fish_text(condition)}"]
        for f in o.flags:
            parts.append(f"-l {f[2:]}" if f.startswith("--") else f"-s {f[1:]}")
        if o.takes_value:
            if o.values:
                parts.append(f"-x -a {_fish_text(' '.join(o.values))}")
            elif o.files:
                parts.append("-r -F")
            else:
                parts.append("-x")
        if o.help:
            parts.append(f"-d {_fish_text(o.help)}")
        return " ".join(parts)

    for o in top:
        lines.append(option(o, "__fish_use_subcommand"))
    for name, help, _ in commands:
        lines.append(f"complete -c vitk2 -n __fish_use_subcommand -a {name} -d {_fish_text(help)}")
    for name, _, opts in commands:
        condition = f"__fish_seen_subcommand_from {name}"
        for o in opts:
            if o.flags:
                lines.append(option(o, condition))
            elif o.values:
                lines.append(
                    f"complete -c vitk2 -n {_fish_text(condition)} -a {_fish_text(' '.join(o.values))}"
                )
            elif o.files:
                lines.append(f"complete -c vitk2 -n {_fish_text(condition)} -F")
    return "\n".join(lines) + "\n"


def completion_script(shell: str) -> str:
    """A tab-completion script for ``shell`` (bash, zsh or fish), made from the parser.

    It completes the commands, every option and the values of options with a closed list
    (formats, designs, routes ...), files for ``--data`` and ``--output``, and the bundled
    indications and compounds by id.
    """
    top, commands = _completions(build_parser())
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](top, commands)


def _cmd_completion(ns: argparse.Namespace) -> int:
    _write(completion_script(ns.shell), "data")
    return EXIT_OK
