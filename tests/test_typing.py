"""The public API is typed well enough for realistic user code to pass mypy --strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.skipif(
    shutil.which("mypy") is None and sys.modules.get("mypy") is None,
    reason="mypy is a dev dependency",
)
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
