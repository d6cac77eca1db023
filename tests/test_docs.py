"""The documentation is executed: every example in docs/*.md and in docstrings runs and is right.

Conventions for code blocks in docs/**/*.md (see docs/cli.md for the command-line ones):

* ```python blocks run in order, one namespace per page, in a fresh temporary directory;
* ```pycon blocks are doctests in the same namespace (ELLIPSIS and NORMALIZE_WHITESPACE on);
* a block with ``title="name.yaml"`` (or any file name) is written to that file first, so that
  later blocks can load it;
* ```console blocks: each ``$ vitk2 ...`` line is run as ``python -m vitk2 ...``; the lines after
  it, if any, are its expected stdout and stderr (doctest-style, ``...`` matches anything); a
  trailing ``# exit N`` comment gives the expected exit status (default 0). Other commands
  (``pip``, ``git``) are not run;
* ``<!-- skip-test -->`` on the line before a block skips it.

The generated pages (docs/evidence.md, the generated part of docs/curation.md) must be what
tasks/gen_docs.py writes today, and the site must build with ``mkdocs build --strict``.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import os
import pkgutil
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import vitk2

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md"))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)(?P<attrs>[^\n]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_TITLE = re.compile(r'title="([^"]+)"')
_EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


@dataclass
class Block:
    lang: str
    title: str | None
    body: str
    line: int
    skip: bool


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a page, in order."""
    text = page.read_text(encoding="utf-8")
    out = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip().splitlines()[-1:] or [""]
        title = _TITLE.search(match["attrs"])
        indent = len(match["indent"])
        body = textwrap.dedent(
            "\n".join(
                line[indent:] if line[:indent].isspace() else line
                for line in match["body"].splitlines()
            )
        )
        out.append(
            Block(
                lang=match["lang"],
                title=title.group(1) if title else None,
                body=body,
                line=text.count("\n", 0, match.start()) + 1,
                skip="skip-test" in before[0],
            )
        )
    return out


def run_console(block: Block, page: Path, cwd: Path) -> None:
    checker = doctest.OutputChecker()
    commands: list[tuple[str, list[str]]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    for command, expected_lines in commands:
        if not command.startswith("vitk2"):
            continue  # pip, git, mkdocs ... are not run
        status = 0
        found = _EXIT.search(command)
        if found:
            status = int(found.group(1))
            command = command[: found.start()]
        args = shlex.split(command)[1:]
        proc = subprocess.run(
            [sys.executable, "-m", "vitk2", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "COLUMNS": "100"},
        )
        got = proc.stdout + proc.stderr
        where = f"{page.relative_to(ROOT)}:{block.line}: $ {command}"
        assert proc.returncode == status, (
            f"{where}\nexit {proc.returncode}, expected {status}\n{got}"
        )
        want = "\n".join(expected_lines).strip()
        if want:
            assert checker.check_output(want + "\n", got, FLAGS), (
                f"{where}\n--- expected ---\n{want}\n--- got ---\n{got}"
            )


def run_page(page: Path, cwd: Path) -> int:
    """Run every block of a page; return how many ran."""
    namespace: dict[str, Any] = {"__name__": f"docs.{page.stem}"}
    parser = doctest.DocTestParser()
    ran = 0
    for block in blocks(page):
        if block.skip:
            continue
        if block.title:
            (cwd / block.title).parent.mkdir(parents=True, exist_ok=True)
            (cwd / block.title).write_text(block.body, encoding="utf-8")
        if block.lang == "python" and not block.title:
            code = compile(block.body, f"{page.relative_to(ROOT)}:{block.line}", "exec")
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, namespace)
            ran += 1
        elif block.lang == "pycon":
            test = parser.get_doctest(
                block.body, namespace, f"{page.name}:{block.line}", str(page), block.line
            )
            runner = doctest.DocTestRunner(optionflags=FLAGS)
            out = io.StringIO()
            runner.run(test, out=out.write, clear_globs=False)
            assert runner.failures == 0, out.getvalue()
            namespace.update(test.globs)  # a DocTest runs in a copy of the namespace
            ran += 1
        elif block.lang == "console":
            run_console(block, page, cwd)
            ran += 1
    return ran


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_page(page, tmp_path)


def test_the_tutorial_and_tour_have_examples_that_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("tutorial.md", "tour.md", "cli.md"):
        assert run_page(DOCS / name, tmp_path) >= 3, name


def test_block_parser_reads_titles_and_skips() -> None:
    page = DOCS / "tour.md"
    titled = [b for b in blocks(page) if b.title]
    assert titled
    title = titled[0].title
    assert title is not None
    assert title.endswith(".yaml")


# --------------------------------------------------------------------------------------------
# Docstrings


def _modules() -> list[str]:
    names = ["vitk2"]
    names += [
        f"vitk2.{m.name}" for m in pkgutil.iter_modules(vitk2.__path__) if m.name != "__main__"
    ]
    return names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ImportError as err:  # a module that needs an extra that is not installed
        pytest.skip(f"{name} needs {err.name}")
    result = doctest.testmod(module, optionflags=FLAGS, report=True, verbose=False)
    assert result.failed == 0


# --------------------------------------------------------------------------------------------
# Generated pages and the site


def test_generated_pages_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tasks" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generated_pages_cover_every_study_and_indication() -> None:
    base = vitk2.load()
    curation = (DOCS / "curation.md").read_text(encoding="utf-8")
    evidence = (DOCS / "evidence.md").read_text(encoding="utf-8")
    for study in base.studies:
        assert f"{{#{study.id}}}" in curation, study.id
    for row in base.overview().rows:
        assert f"{{#{row.indication.id}}}" in evidence, row.indication.id


def test_every_page_is_in_the_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        assert str(page.relative_to(DOCS)).replace(os.sep, "/") in config, page


@pytest.mark.slow
def test_site_builds_strictly(tmp_path: Path) -> None:
    mkdocs = shutil.which("mkdocs")
    if mkdocs is None:
        pytest.skip("mkdocs is not installed (python -m pip install '.[docs]')")
    proc = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr


def test_docstrings_use_the_reference_sites_markup_not_sphinx_roles() -> None:
    """mkdocstrings renders Markdown: a Sphinx role or directive would show as raw text."""
    role = re.compile(r":(?:class|meth|func|attr|data|mod|exc|obj):`|^\s*\.\. [a-z]+::", re.M)
    found = [
        f"{path.name}:{text[: m.start()].count(chr(10)) + 1}"
        for path in sorted((ROOT / "src" / "vitk2").glob("*.py"))
        for text in [path.read_text(encoding="utf-8")]
        for m in role.finditer(text)
    ]
    assert not found, f"write [`Name`][vitk2.Name] and *Added in version X*: {found[:5]}"
