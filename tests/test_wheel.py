"""The built wheel ships the data and works from a zip: the only proof the data ships."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build", reason="the wheel is built with 'build' (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (whl,) = out.glob("vitk2-*.whl")
    return whl


def test_the_wheel_holds_the_data_and_the_type_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "vitk2/py.typed" in names
    assert "vitk2/data/bundled.json" in names
    assert "vitk2/data/core.yaml" in names
    assert any(n.startswith("vitk2/data/beyond/") for n in names)


def test_the_bundled_data_loads_from_the_zipped_wheel(wheel: Path) -> None:
    code = (
        "import vitk2, sys; b = vitk2.load(); "
        "assert vitk2.__file__.startswith(sys.argv[1]), vitk2.__file__; "
        "print(len(b.studies), b.dataset.version)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, sys.argv[1]); {code}",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=wheel.parent,
    )
    assert proc.returncode == 0, proc.stderr
    studies, version = proc.stdout.split()
    assert int(studies) > 4
    assert version.count(".") == 2
