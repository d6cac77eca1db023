"""Where the terminal meets vitk2: tables that fit, records, --wide, colour and completion."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import vitk2
from vitk2._cli import SHELLS, completion_script, main
from vitk2._render import (
    TextOptions,
    _fill,
    _least_width,
    _units,
    table_text,
    text_width,
)

BASE = vitk2.load()
WIDTHS = (60, 80, 120, 200)
WIDE = sys.maxsize

#: A number as the tables write it, and an interval's bounds.
NUM = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?%?"
NUMBER = re.compile(NUM)
INTERVAL = re.compile(rf"{NUM} to {NUM}")
ESC = "\x1b"


def _render(name: str) -> Callable[..., str]:
    """Each text table the command line prints, as a function of width, layout and colour."""
    overview = BASE.overview()
    tables: dict[str, Callable[..., str]] = {
        "compare osteoporosis": BASE.compare("osteoporosis").to_text,
        "compare mds": BASE.compare("mds").to_text,
        "compare hcc": BASE.compare("hcc").to_text,
        "regimens osteoporosis": BASE.compare_regimens("osteoporosis").to_text,
        "regimens hcc": BASE.compare_regimens("hcc").to_text,
        "overview": overview.to_text,
        "matrix": overview.matrix_text,
    }
    return tables[name]


TABLES = (
    "compare osteoporosis",
    "compare mds",
    "compare hcc",
    "regimens osteoporosis",
    "regimens hcc",
    "overview",
    "matrix",
)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No colour or width inherited from the shell that runs the tests."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


# --------------------------------------------------------------------------------------------
# the bundled data's tables at 60, 80, 120 and 200 columns


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", TABLES)
def test_every_line_fits_and_nothing_is_cut(name: str, width: int) -> None:
    text = _render(name)(width=width)
    too_long = [line for line in text.splitlines() if text_width(line) > width]
    assert not too_long, too_long[:3]
    assert "…" not in text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", TABLES)
def test_every_number_and_interval_of_the_wide_table_is_intact(name: str, width: int) -> None:
    wide = _render(name)(width=WIDE)
    fitted = _render(name)(width=width)
    for interval in set(INTERVAL.findall(wide)):
        assert interval in fitted, interval  # on one line: a line break is not a space
    numbers = Counter(NUMBER.findall(wide))
    found = Counter(NUMBER.findall(fitted))
    missing = numbers - found  # records add their numbers ("-[ 3 ]"); none may go
    assert not missing, missing
    # and the words: the same text, only the white space between it differs
    assert Counter(_words(wide)) <= Counter(_words(fitted))


def _words(text: str) -> list[str]:
    """The words of a rendering, cut after each hyphen inside a word, where a line may break."""
    return [
        piece
        for word in text.split()
        if not re.fullmatch(r"-+|-\[|\]-*", word)  # rules and record marks
        for piece in re.split(r"(?<=[^\W_]-)(?=[^\W\d_])", word)
    ]


def test_the_compare_table_is_a_table_when_it_fits_and_records_when_not() -> None:
    comparison = BASE.compare("osteoporosis")
    wide = comparison.to_text(width=200).splitlines()
    assert wide[1].split()[:3] == ["study", "design", "OCEBM"]
    assert set(wide[2]) == {"-", " "}
    narrow = comparison.to_text(width=80).splitlines()
    assert narrow[1].startswith("-[ 1 ]")
    assert sum(line.startswith("-[ ") for line in narrow) == len(comparison.rows)


def test_the_title_notes_and_left_out_wrap_too() -> None:
    comparison = BASE.compare("osteoporosis")
    assert comparison.excluded
    text = comparison.to_text(width=60)
    for e in comparison.excluded:
        flat = " ".join(text.split())
        assert f"{e.finding}: {' '.join(e.reason.split())}" in flat  # whole, however wrapped


def test_the_compact_table_without_a_width_is_as_it_was() -> None:
    # Without a width the library keeps its one-line rows; only a width fits and wraps.
    comparison = BASE.compare("osteoporosis")
    lines = comparison.to_text().splitlines()
    for row, line in zip(comparison.rows, lines[3:], strict=False):
        assert line.startswith(row.study.id[:33])
    assert ESC not in comparison.to_text()


# --------------------------------------------------------------------------------------------
# layouts: table, vertical, auto; --wide


def test_vertical_layout_has_one_record_per_row_with_every_field() -> None:
    regimens = BASE.compare_regimens("hcc")
    text = regimens.to_text(width=80, layout="vertical")
    records = text.split("\n\n")
    assert records[0].startswith(f"{regimens._title()}\n-[ 1 ]")
    assert len(records) == len(regimens.contrasts) + len(regimens.refusals)
    headers, rows = regimens.COLUMNS, regimens._cells()
    label = max(map(len, headers))
    for record, row in zip(records, rows, strict=True):
        fields = record.splitlines()[1 if record is not records[0] else 2 :]
        values: dict[str, str] = {}
        key = ""
        for line in fields:
            if line[:label].strip():
                key = line[:label].strip()
                values[key] = line[label + 2 :]
            else:
                values[key] += " " + line[label + 2 :]
        expected = {h: " ".join(str(c).split()) for h, c in zip(headers, row, strict=True) if c}
        assert values == expected
        assert all(text_width(line) <= 80 for line in record.splitlines())


def test_a_forced_table_keeps_its_columns_and_cuts_nothing() -> None:
    text = BASE.compare("osteoporosis").to_text(width=60, layout="table")
    lines = text.splitlines()
    assert lines[1].split()[:2] == ["study", "design"]
    assert "…" not in text
    assert "-[ 1 ]" not in text


def test_a_narrow_width_puts_values_under_their_labels() -> None:
    text = BASE.overview().to_text(width=30, layout="vertical")
    # The overview became the summary's roll-up and lost its "direction based on" column;
    # "best evidence" is its label that, like that one, would not fit beside a value at 30.
    assert "\nbest evidence\n  " in text
    assert all(text_width(line) <= 30 for line in text.splitlines())


@pytest.mark.parametrize("args", [("compare", "osteoporosis"), ("overview",), ("studies",)])
def test_the_cli_fits_columns_and_wide_does_not_wrap(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    for width in WIDTHS:
        monkeypatch.setenv("COLUMNS", str(width))
        status, out, err = cli(capsys, *args)
        assert status == 0, err
        assert all(text_width(line) <= width for line in out.splitlines())
        assert "…" not in out
    monkeypatch.setenv("COLUMNS", "60")
    _, wide, _ = cli(capsys, *args, "--wide")
    assert max(map(text_width, wide.splitlines())) > 60
    assert "-[ 1 ]" not in wide
    assert "\n\n" not in wide.split("\n\n", 1)[0]  # the table: one line per row, no gaps


def test_wide_compare_has_one_line_per_finding(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = cli(capsys, "compare", "osteoporosis", "--wide")
    comparison = BASE.compare("osteoporosis")
    table = out.split("\n\n", 1)[0].splitlines()
    assert len(table) == 3 + len(comparison.rows)


@pytest.mark.parametrize("layout", ["table", "vertical"])
def test_the_cli_layout_option(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    layout: Literal["table", "vertical"],
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = cli(capsys, "overview", "--layout", layout)
    assert out == BASE.overview().to_text(width=200, layout=layout) + "\n"
    assert ("-[ 1 ]" in out) == (layout == "vertical")


def test_a_pipe_without_columns_gets_80_columns(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    done = subprocess.run(
        [sys.executable, "-m", "vitk2", "compare", "mds"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=tmp_path,
    )
    assert done.stdout == BASE.compare("mds").to_text(width=80) + "\n"
    assert ESC not in done.stdout


# --------------------------------------------------------------------------------------------
# colour: --color, NO_COLOR, never into a pipe


def _tty(monkeypatch: pytest.MonkeyPatch, answer: bool = True) -> None:
    import vitk2._cli

    monkeypatch.setattr(vitk2._cli, "_is_terminal", lambda stream: answer)


@pytest.mark.parametrize(
    ("tty", "no_color", "option", "coloured"),
    [
        (True, None, "auto", True),
        (False, None, "auto", False),  # a pipe or a file
        (True, "1", "auto", False),  # NO_COLOR, any value
        (True, "1", "always", True),  # the option given wins
        (False, None, "always", True),
        (True, None, "never", False),
    ],
)
def test_colour_follows_color_no_color_and_the_terminal(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tty: bool,
    no_color: str | None,
    option: str,
    coloured: bool,
) -> None:
    _tty(monkeypatch, tty)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = cli(capsys, "overview", f"--color={option}")
    assert (ESC in out) == coloured
    if coloured:
        assert "\x1b[1mindication\x1b[0m" in out  # a bold header
        assert re.search("\x1b\\[3[1-6]m(very low|low|moderate|high)\x1b\\[0m", out)
        plain = re.sub("\x1b\\[[0-9;]*m", "", out)
        assert plain == BASE.overview().to_text(width=200) + "\n"


def test_colour_before_the_command_and_a_dumb_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _tty(monkeypatch)
    _, out, _ = cli(capsys, "--color", "never", "overview")
    assert ESC not in out
    monkeypatch.setenv("TERM", "dumb")
    _, out, _ = cli(capsys, "overview")
    assert ESC not in out


def test_no_colour_into_a_real_pipe(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vitk2", "overview", "--color", "auto"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert ESC not in done.stdout


def test_colour_never_lets_the_evidence_act_on_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    evil = _hostile()
    monkeypatch.setattr("vitk2._bundled.load", lambda: evil)
    monkeypatch.setenv("COLUMNS", "100")
    for args in (("compare", "mds"), ("overview",), ("indications",), ("compare", "mds", "--wide")):
        status, out, err = cli(capsys, *args, "--color", "always")
        assert status == 0, err
        assert ESC in out
        assert "\\x1b[2J" in out  # the evidence's escape, shown
        leftover = re.sub("\x1b\\[[0-9;]*m", "", out)
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", leftover)
        assert "\x1b[31mEVIL" not in out


def _hostile() -> vitk2.EvidenceBase:
    """The bundled evidence with escape sequences in front of its outcome names and caveats."""
    data = json.loads(vitk2.dump(BASE.filter(indication="mds", include_retracted=True), "json"))
    for indication in data["indications"]:
        indication["name"] = "\x1b[31mEVIL\x1b[2J " + indication["name"]
    for study in data["studies"]:
        study["title"] = "\x1b[31mEVIL\x1b[2J\u202e " + study["title"]
        for finding in study.get("findings", []):
            finding["outcome"]["name"] = "\x1b[31mEVIL\x1b[2J " + finding["outcome"]["name"]
    return vitk2.loads(json.dumps(data), "json")


# --------------------------------------------------------------------------------------------
# the wrapping itself


@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[a-z]{1,12}(-[a-z]{1,8})?", fullmatch=True),
            st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{1,3})?%?", fullmatch=True),
            st.from_regex(r"\(95% CI -?[0-9]\.[0-9]{1,2} to [0-9]{1,2}\.[0-9]\)", fullmatch=True),
            st.from_regex(r"(RR|p|n) [0-9]\.[0-9]{2}", fullmatch=True),
        ),
        min_size=1,
        max_size=30,
    ),
    st.integers(min_value=1, max_value=60),
)
def test_wrapping_keeps_every_character_number_and_interval(words: list[str], width: int) -> None:
    text = " ".join(words)
    units = _units(text)
    lines = _fill(units, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost or moved
    for line in lines:  # longer only if it is one piece that may not break
        assert text_width(line) <= width or (
            " " not in line and len(re.split(r"(?<=[^\W_]-)(?=[^\W\d_])", line)) == 1
        )
    if width >= _least_width(units):  # a column this wide breaks no number or interval
        for found in (*INTERVAL.findall(text), *NUMBER.findall(text)):
            assert any(found in line for line in lines), (found, lines)
        assert all(text_width(line) <= width for line in lines)


def test_intervals_labels_and_units_stay_together() -> None:
    assert _units("risk ratio 0.87 (95% CI 0.64 to 1.2), p 0.3") == [
        "risk",
        "ratio 0.87",
        "(95% CI",
        "0.64 to 1.2),",
        "p 0.3",
    ]
    assert _units("45 mg/day for 16 weeks") == ["45 mg/day", "for 16 weeks"]
    assert _units("-0.032 to +0.077") == ["-0.032 to +0.077"]


def test_a_long_identifier_breaks_after_a_hyphen_never_inside_a_number() -> None:
    assert _fill(["inoue-2009-j-bone-miner-metab"], 12) == ["inoue-2009-", "j-bone-", "miner-metab"]
    assert _fill(["1-2-3-4-5"], 3) == ["1-2-3-4-5"]  # no letter after the hyphens: never broken


def test_numeric_columns_are_right_aligned() -> None:
    text = table_text(("name", "n"), [("a", 5), ("b", 1234)], width=40)
    assert text.splitlines()[2:] == ["a        5", "b     1234"]


def test_wide_characters_count_twice() -> None:
    assert text_width("骨粗鬆症") == 8
    text = table_text(("a", "b"), [("骨粗鬆症", "x"), ("ab", "y")], width=40)
    assert [text_width(line.split("  ")[0]) for line in text.splitlines()[2:]] == [8, 2]


def test_text_options_default_is_the_compact_table() -> None:
    assert not TextOptions().fitted
    assert TextOptions(width=80).fitted
    assert TextOptions(layout="vertical").fitted


# --------------------------------------------------------------------------------------------
# completion


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_scripts_name_every_command_and_option(
    capsys: pytest.CaptureFixture[str], shell: str
) -> None:
    status, out, _ = cli(capsys, "completion", shell)
    assert status == 0
    assert out == completion_script(shell)
    for word in (
        "studies",
        "compare",
        "completion",
        "min-certainty",
        "daily-dose",
        "layout",
        "very_low",
        "randomised_controlled_trial",
        "osteoporosis",
        "clopper-pearson",
    ):
        assert word in out, word


def _bash_complete(script: Path, words: list[str]) -> list[str]:
    """What bash offers after ``words`` (the last one is being completed)."""
    line = " ".join(f"'{w}'" if w else "''" for w in words)
    program = (
        f"source {script}\n"
        f"COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
        "_vitk2\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_is_valid_and_completes(tmp_path: Path) -> None:
    script = tmp_path / "vitk2.bash"
    script.write_text(completion_script("bash"), encoding="utf-8")
    subprocess.run(["bash", "-n", str(script)], check=True)
    assert _bash_complete(script, ["vitk2", "stu"]) == ["studies"]
    assert _bash_complete(script, ["vitk2", "studies", "--min-c"]) == ["--min-certainty"]
    assert _bash_complete(script, ["vitk2", "studies", "--min-certainty", ""]) == [
        c.value for c in vitk2.Certainty
    ]
    assert _bash_complete(script, ["vitk2", "-q", "compare", "osteo"]) == ["osteoporosis"]
    assert _bash_complete(script, ["vitk2", "show", "--format", ""]) == ["text", "json", "yaml"]
    assert _bash_complete(script, ["vitk2", "export", "-f", "f"]) == ["fhir"]
    assert _bash_complete(script, ["vitk2", "studies", "--route", "o"]) == ["oral"]
    assert _bash_complete(script, ["vitk2", "overview", "--layout", "=", "v"]) == ["vertical"]
    assert _bash_complete(script, ["vitk2", "completion", ""]) == list(SHELLS)


@pytest.mark.parametrize(("shell", "check"), [("zsh", ["-n"]), ("fish", ["--no-execute"])])
def test_the_zsh_and_fish_scripts_parse(tmp_path: Path, shell: str, check: list[str]) -> None:
    script = tmp_path / f"vitk2.{shell}"
    script.write_text(completion_script(shell), encoding="utf-8")
    if shutil.which(shell) is None:
        pytest.skip(f"needs {shell}")
    subprocess.run([shell, *check, str(script)], check=True)


def test_the_zsh_script_describes_each_command_and_its_options() -> None:
    script = completion_script("zsh")
    assert script.startswith("#compdef vitk2\n")
    assert "'compare:compare the findings for one indication'" in script
    assert "'(-f --format)'{-f+,--format=}'[output format]:format:(table markdown json csv)'" in (
        script
    )
    assert "'*--data=[add an evidence file]:data:_files'" in script
    assert "compdef _vitk2 vitk2" in script


def test_the_fish_script_completes_values_per_command() -> None:
    script = completion_script("fish")
    assert (
        "complete -c vitk2 -n '__fish_seen_subcommand_from export' -s f -l format -x "
        "-a 'yaml json csv fhir' -d 'output format'" in script
    )
    assert "-l data -r -F" in script
    assert "complete -c vitk2 -n __fish_use_subcommand -a studies" in script
