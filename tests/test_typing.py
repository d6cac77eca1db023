"""The public API is typed well enough for realistic user code to pass mypy --strict."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
import typing
from collections.abc import Callable
from pathlib import Path

import pytest

import vitk2
from vitk2 import _compare
from vitk2._query import filter_evidence

HERE = Path(__file__).parent

needs_mypy = pytest.mark.skipif(
    shutil.which("mypy") is None and sys.modules.get("mypy") is None,
    reason="mypy is a dev dependency",
)


@needs_mypy
def test_user_code_type_checks() -> None:
    pytest.importorskip("mypy")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            str(HERE / "typing" / "api.py"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_user_code_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(HERE / "typing" / "api.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "menatetrenone" in result.stdout


@needs_mypy
def test_mistakes_in_user_code_are_type_errors() -> None:
    """Every mistake in mistakes.py is an error, with the code its ``type: ignore`` names.

    With ``--warn-unused-ignores`` a mistake mypy stops rejecting leaves its ignore unused,
    and one it rejects with another code is reported as it is.
    """
    pytest.importorskip("mypy")
    mistakes = HERE / "typing" / "mistakes.py"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--warn-unused-ignores",
            "--enable-error-code",
            "ignore-without-code",
            "--no-incremental",
            str(mistakes),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert mistakes.read_text(encoding="utf-8").count("# type: ignore[") >= 20


@pytest.mark.parametrize(
    ("options", "function", "skip"),
    [
        (vitk2.FilterCriteria, filter_evidence, 1),
        (vitk2.CompareOptions, _compare.compare, 2),
        (vitk2.RegimenOptions, _compare.compare_regimens, 2),
        (vitk2.OverviewOptions, _compare.overview, 1),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_each_options_type_says_what_its_function_takes(
    options: type, function: Callable[..., object], skip: int
) -> None:
    """The keys of a TypedDict and their types are the keywords its function takes.

    EvidenceBase's methods take ``**options: Unpack[...]`` and pass them on: a key missing
    from the TypedDict, or typed differently, would be refused or let through wrongly.
    """
    hints = typing.get_type_hints(options)
    params = list(inspect.signature(function).parameters.values())[skip:]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
    assert list(hints) == [p.name for p in params]
    taken = typing.get_type_hints(function)
    assert hints == {p.name: taken[p.name] for p in params}
    assert not getattr(options, "__required_keys__", frozenset())
