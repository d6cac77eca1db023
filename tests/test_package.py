"""The package's surface: what ``import vitk2`` costs, and what it offers."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import vitk2

SRC = Path(vitk2.__file__).resolve().parent.parent
BUILD_INIT = Path(__file__).resolve().parent.parent / "tasks" / "build_init.py"


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


def the_three_lists() -> tuple[dict[str, str], list[str], dict[str, tuple[str, ...]]]:
    """What the source of vitk2/__init__.py says the public names are, read with ``ast``.

    Returns the imports under TYPE_CHECKING (name -> module), ``__all__`` and ``_MODULES``.
    """
    tree = ast.parse(Path(vitk2.__file__).read_text(encoding="utf-8"))
    imported: dict[str, str] = {}
    listed: object = None
    table: object = None
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), ast.unparse(stmt)
                assert stmt.level == 1, ast.unparse(stmt)
                if stmt.module is None:  # a public sub-module: from . import meta as meta
                    assert [(a.name, a.asname) for a in stmt.names] == [("meta", "meta")]
                    continue
                for alias in stmt.names:
                    assert alias.asname in (None, alias.name), ast.unparse(stmt)
                    assert alias.name not in imported, f"{alias.name} is imported twice"
                    imported[alias.name] = f".{stmt.module}"
        elif isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__":
            try:
                listed = ast.literal_eval(node.value)
            except ValueError:
                pytest.fail("__all__ must stay a literal list: mypy and the docs read the source")
        elif isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "_MODULES":
            assert node.value is not None
            table = ast.literal_eval(node.value)
    assert isinstance(listed, list)
    assert isinstance(table, dict)
    return imported, listed, table


def test_type_checking_imports_all_and_the_lazy_table_name_the_same_things() -> None:
    """The three lists of public names in __init__.py agree, name for name and module for module.

    Type checkers read the imports, mypy and the docs read ``__all__``, and the program runs
    ``_MODULES``: a name added to one and not the others would be missing from some of them.
    """
    imported, listed, table = the_three_lists()
    in_table = [name for names in table.values() for name in names]
    assert len(in_table) == len(set(in_table)), "a name is in _MODULES twice"
    where = {name: module for module, names in table.items() for name in names}
    only_imported = sorted(set(imported) - set(where))
    only_in_table = sorted(set(where) - set(imported))
    assert not only_imported, f"imported under TYPE_CHECKING, not in _MODULES: {only_imported}"
    assert not only_in_table, f"in _MODULES, not imported under TYPE_CHECKING: {only_in_table}"
    moved = sorted(f"{n}: {imported[n]} != {where[n]}" for n in where if imported[n] != where[n])
    assert not moved, f"imported from one module, looked up in another: {moved}"
    assert len(listed) == len(set(listed)), "a name is in __all__ twice"
    # (ruff's RUF022 keeps __all__ in order)
    missing = sorted({*in_table, "__version__"} - set(listed))
    extra = sorted(set(listed) - {*in_table, "__version__"})
    assert not missing, f"in _MODULES, not in __all__: {missing}"
    assert not extra, f"in __all__, not in _MODULES: {extra}"
    # and those are the lists the running package uses
    assert vitk2.__all__ == listed
    assert table == vitk2._MODULES


def build_init(*args: str) -> subprocess.CompletedProcess[str]:
    """Run tasks/build_init.py, which writes ``__all__`` and ``_MODULES`` from the imports."""
    return subprocess.run(
        [sys.executable, str(BUILD_INIT), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_all_and_the_lazy_table_are_generated_from_the_imports() -> None:
    result = build_init("--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_name_only_imported_fails_the_check_until_the_generator_runs(tmp_path: Path) -> None:
    source = Path(vitk2.__file__).read_text(encoding="utf-8")
    assert "if TYPE_CHECKING:\n" in source
    added = source.replace(
        "if TYPE_CHECKING:\n", "if TYPE_CHECKING:\n    from ._novel import Novel\n", 1
    )
    copy = tmp_path / "__init__.py"
    copy.write_text(added, encoding="utf-8")
    stale = build_init("--check", str(copy))
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "run python tasks/build_init.py" in stale.stdout
    assert "missing from __all__: Novel\n" in stale.stdout
    assert "missing from _MODULES: Novel\n" in stale.stdout
    assert copy.read_text(encoding="utf-8") == added  # --check writes nothing

    wrote = build_init(str(copy))
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    assert build_init("--check", str(copy)).returncode == 0
    values = {
        ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target): node.value
        for node in ast.parse(copy.read_text(encoding="utf-8")).body
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None
    }
    assert "Novel" in ast.literal_eval(values["__all__"])
    assert ast.literal_eval(values["_MODULES"])["._novel"] == ("Novel",)


def test_a_name_no_longer_imported_fails_the_check(tmp_path: Path) -> None:
    source = Path(vitk2.__file__).read_text(encoding="utf-8")
    line = "    from ._names import normalize\n"
    assert line in source
    copy = tmp_path / "__init__.py"
    copy.write_text(source.replace(line, ""), encoding="utf-8")
    stale = build_init("--check", str(copy))
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "in __all__ but not imported under TYPE_CHECKING: normalize\n" in stale.stdout
    assert "in _MODULES but not imported under TYPE_CHECKING: normalize\n" in stale.stdout


def test_mypy_strict_sees_every_public_name(tmp_path: Path) -> None:
    """A file importing every name in ``__all__`` (and vitk2.meta) type-checks under --strict.

    mypy --strict takes a name from vitk2 only if it is imported under TYPE_CHECKING and
    re-exported by ``__all__``.
    """
    pytest.importorskip("mypy")
    names = [name for name in vitk2.__all__ if name != "__version__"]
    user = tmp_path / "every_name.py"
    user.write_text(
        "import vitk2\n"
        "from vitk2 import meta\n"
        f"from vitk2 import {', '.join(names)}\n"
        f"public: list[object] = [meta, vitk2.__version__, {', '.join(names)}]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(user)],
        capture_output=True,
        text=True,
        check=False,
        cwd=SRC.parent,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
