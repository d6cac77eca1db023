"""The package's surface: what ``import vitk2`` costs, and what it offers."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import vitk2

SRC = Path(vitk2.__file__).resolve().parent.parent


def run_child(code: str) -> object:
    """Run ``code`` in a fresh interpreter and return the JSON it prints last."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_runs_no_submodule_and_reads_no_data() -> None:
    loaded = run_child(
        "import json, sys, vitk2\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('vitk2.'))))\n"
    )
    assert loaded == []


def test_first_use_imports_only_what_that_name_needs() -> None:
    loaded = run_child(
        "import json, sys, vitk2\n"
        "vitk2.Quantity\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('vitk2.'))))\n"
    )
    assert isinstance(loaded, list)
    assert "vitk2._units" in loaded
    for heavy in ("vitk2._model", "vitk2._convert", "vitk2._io", "vitk2._base"):
        assert heavy not in loaded


def test_every_public_name_resolves_to_its_defining_module() -> None:
    for name in vitk2.__all__:
        value = getattr(vitk2, name)
        if isinstance(value, type) or callable(value):
            module = getattr(value, "__module__", "")
            assert module.startswith("vitk2"), (name, module)


def test_the_lazy_table_and_all_agree() -> None:
    assert set(vitk2._LAZY) == set(vitk2.__all__) - {"__version__"}
    # every lazy name really is defined where the table says
    for name, module in vitk2._LAZY.items():
        assert hasattr(importlib.import_module(module, "vitk2"), name), (name, module)


def test_dir_lists_the_public_names() -> None:
    assert set(vitk2.__all__) <= set(dir(vitk2))


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        vitk2.nope  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(vitk2, "_model_of_nothing")


def test_from_import_and_star_import_work() -> None:
    names = run_child(
        "import json\n"
        "from vitk2 import Study, load\n"
        "ns = {}\n"
        "exec('from vitk2 import *', ns)\n"
        "assert ns['Study'] is Study and ns['load'] is load\n"
        "print(json.dumps(sorted(k for k in ns if not k.startswith('__'))))\n"
    )
    assert names == sorted(n for n in vitk2.__all__ if not n.startswith("__"))


def test_pickles_of_lazily_imported_classes_load_in_a_fresh_process() -> None:
    import pickle

    study = vitk2.load().studies[0]
    blob = pickle.dumps(study).hex()
    same = run_child(
        "import json, pickle, vitk2\n"
        f"study = pickle.loads(bytes.fromhex({blob!r}))\n"
        "print(json.dumps(study == vitk2.load().study(study.id)))\n"
    )
    assert same is True
