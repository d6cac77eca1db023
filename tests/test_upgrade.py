"""``vitk2 upgrade``: a format-1 file rewritten in format 2 loads as it did, without a warning.

The laws: the upgraded file loads as the original does but for the comparators promoted to
arms; upgrading is idempotent (a format-2 file is left as it is); hostile input fails with
vitk2's own error naming the file; the command writes whole or not at all, and never over a
file without ``--in-place`` or ``--force``.
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from pathlib import Path
from typing import Literal

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings

import vitk2
from vitk2 import Comparator, EvidenceBase, ValidationError
from vitk2 import testing as vt
from vitk2._cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, main
from vitk2._io import to_data
from vitk2._upgrade import upgrade, upgrade_file, upgrade_text

Format = Literal["yaml", "json"]

FORMAT_1 = """\
# a trial written by hand in format 1 (this comment is not kept)
vitk2: 1
indications:
  - {id: op, name: osteoporosis, category: bone}
citations:
  - {id: smith-2001, kind: primary_article, year: 2001}
studies:
  - id: smith-2001-trial
    title: A trial
    reports: [smith-2001]
    design: randomised_controlled_trial
    indications: [op]
    population: {description: Postmenopausal women.}
    level: {ocebm: 2, rationale: A small trial.}
    arms:
      - id: vk2
        name: menatetrenone
        role: intervention
        regimen:
          procedures: [none]
          phases:
            - {id: step-1, name: first step, doses: []}
      - {id: control, name: no treatment, role: control}
    findings:
      - id: smith-2001-trial.fractures
        outcome: {name: new fractures, kind: clinical}
        indication: op
        statistic: {kind: narrative, summary: Fewer fractures.}
        direction: benefit
        provenance: [{source: smith-2001, locator: abstract}]
        group: vk2
        comparator: control
      - id: smith-2001-trial.phase
        outcome: {name: bone density, kind: surrogate}
        indication: op
        statistic: {kind: narrative, summary: "yes"}
        direction: benefit
        provenance: [{source: smith-2001, locator: abstract}]
        comparator: step-1
      - id: smith-2001-trial.words
        outcome: {name: bone density, kind: surrogate}
        indication: op
        statistic: {kind: narrative, summary: Higher density.}
        direction: benefit
        provenance: [{source: smith-2001, locator: abstract}]
        group: vk2
        comparator: women given no treatment
      - id: smith-2001-trial.own
        outcome: {name: bone density, kind: surrogate}
        indication: op
        statistic: {kind: narrative, summary: Higher density.}
        direction: benefit
        provenance: [{source: smith-2001, locator: abstract}]
        group: control
        comparator: control
"""
PROMOTED = {"smith-2001-trial.fractures": "control", "smith-2001-trial.phase": "step-1"}


def _quiet_loads(text: str, fmt: Format = "yaml") -> EvidenceBase:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return vitk2.loads(text, fmt)


def _as_json(text: str) -> str:
    return json.dumps(yaml.safe_load(text), indent=2)


def _findings(base: EvidenceBase) -> dict[str, vitk2.Finding]:
    return {f.id: f for f in base.findings}


# --------------------------------------------------------------------------------------------
# The deprecation


def test_a_format_1_file_loads_with_a_warning_naming_vitk2_upgrade() -> None:
    with pytest.warns(DeprecationWarning, match=r"`vitk2 upgrade old\.yaml`") as caught:
        vitk2.loads(FORMAT_1, file="old.yaml")
    assert "format 2" in str(caught[0].message)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_upgraded_file_loads_without_a_warning(fmt: Format) -> None:
    text = FORMAT_1 if fmt == "yaml" else _as_json(FORMAT_1)
    out = upgrade_text(text, fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails
        vitk2.loads(out, fmt)
    assert (yaml.safe_load(out) if fmt == "yaml" else json.loads(out))["vitk2"] == 2


# --------------------------------------------------------------------------------------------
# What changes, and what does not


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_comparators_naming_an_arm_or_phase_are_promoted_and_nothing_else_changes(
    fmt: Format,
) -> None:
    text = FORMAT_1 if fmt == "yaml" else _as_json(FORMAT_1)
    result = upgrade(text, fmt)
    before, after = _quiet_loads(text, fmt), vitk2.loads(result.text, fmt)
    assert {p.group for p in result.promotions} == set(PROMOTED.values())
    assert [p.path for p in result.promotions] == [
        "studies[0].findings[0].comparator",
        "studies[0].findings[1].comparator",
    ]
    old, new = _findings(before), _findings(after)
    for fid, finding in old.items():
        if fid in PROMOTED:
            assert finding.comparator == Comparator(description=PROMOTED[fid])
            assert new[fid].comparator == Comparator(group=PROMOTED[fid])
            assert attrs.evolve(finding, comparator=new[fid].comparator) == new[fid]
        else:
            assert new[fid] == finding
    # words stay words, and the finding's own group is never its comparator
    assert new["smith-2001-trial.words"].comparator == Comparator(
        description="women given no treatment"
    )
    assert new["smith-2001-trial.own"].comparator == Comparator(description="control")
    for name in ("compounds", "indications", "citations", "endpoints", "dataset"):
        assert getattr(after, name) == getattr(before, name)


def test_the_upgrade_writes_as_dump_writes_and_says_comments_are_not_kept() -> None:
    out = upgrade_text(FORMAT_1)
    assert out.startswith("vitk2: 2\n")
    assert "#" not in out  # the comment is gone
    assert "summary: 'yes'" in out  # text that YAML 1.1 reads as a boolean stays text
    assert "comparator:\n      group: control\n" in out


def test_a_comparator_not_among_the_arms_of_its_arm_counts_stays_text() -> None:
    data = yaml.safe_load(FORMAT_1)
    finding = data["studies"][0]["findings"][0]
    finding["comparator"] = "step-1"
    finding["statistic"] = {
        "kind": "arm_counts",
        "arms": [
            {"group": "vk2", "events": 1, "total": 10},
            {"group": "control", "events": 2, "total": 10},
        ],
    }
    result = upgrade(yaml.safe_dump(data))
    assert "studies[0].findings[0].comparator" not in [p.path for p in result.promotions]


def test_a_file_on_top_of_a_base_may_refer_to_its_records() -> None:
    data = yaml.safe_load(FORMAT_1)
    del data["indications"]
    data["studies"][0]["indications"] = ["osteoporosis"]
    for f in data["studies"][0]["findings"]:
        f["indication"] = "osteoporosis"
    text = yaml.safe_dump(data)
    base = vitk2.load()
    with pytest.raises(ValidationError):
        upgrade(text)  # alone, the indication is unknown
    result = upgrade(text, base=base)
    assert len(result.promotions) == 2
    assert vitk2.loads(result.text, base=base).study("smith-2001-trial").id == "smith-2001-trial"


# --------------------------------------------------------------------------------------------
# Idempotence


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_upgrading_is_idempotent(fmt: Format) -> None:
    text = FORMAT_1 if fmt == "yaml" else _as_json(FORMAT_1)
    once = upgrade_text(text, fmt)
    again = upgrade(once, fmt)
    assert not again.changed
    assert again.promotions == ()
    assert again.text == once


def test_a_format_2_file_is_left_as_it_is_comments_included() -> None:
    text = "# mine\nvitk2: 2  # current\ncompounds: []\n"
    assert upgrade_text(text) == text
    assert upgrade_text(text.encode("utf-8")) == text


def test_a_file_without_a_version_is_in_the_current_format() -> None:
    text = "indications: [{id: op, name: osteoporosis, category: bone}]\n"
    assert upgrade_text(text) == text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vt.evidence_bases())
def test_a_generated_base_written_in_format_1_upgrades_to_itself(base: EvidenceBase) -> None:
    data = to_data(base)
    data["vitk2"] = 1
    for s in data["studies"]:
        groups = {a["id"] for a in s.get("arms", ())} | {
            p["id"] for a in s.get("arms", ()) for p in a.get("regimen", {}).get("phases", ())
        }
        for f in s.get("findings", ()):
            c = f.get("comparator")
            assume(not (isinstance(c, str) and c in groups))  # words that happen to be an id
            if isinstance(c, dict) and set(c) == {"group"}:
                f["comparator"] = c["group"]  # as format 1 wrote a reference arm
    text = json.dumps(data, ensure_ascii=False)
    out = upgrade_text(text, "json")
    assert vitk2.loads(out, "json") == base
    assert upgrade_text(out, "json") == out


# --------------------------------------------------------------------------------------------
# Hostile and invalid input: vitk2's own error, naming the file

HOSTILE: dict[str, bytes] = {
    "duplicate-key.yaml": b"vitk2: 1\nvitk2: 1\n",
    "alias-bomb.yaml": b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode()
        for i in range(8)
    ),
    "not-utf8.yaml": b"vitk2: 1\ntitle: \xff\xfe\n",
    "python-tag.yaml": b"vitk2: !!python/object/apply:os.system [echo hi]\n",
    "a-list.yaml": b"- vitk2: 1\n",
    "wrong-version.yaml": b"vitk2: 3\n",
    "boolean-version.json": b'{"vitk2": true}',
    "empty.json": b"",
    "nan.json": b'{"vitk2": 1, "studies": [NaN]}',
    "invalid-evidence.yaml": b"vitk2: 1\nstudies: [{id: x}]\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_fails_with_vitk2s_error_naming_the_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    out = tmp_path / "out.yaml"
    with pytest.raises(ValidationError) as err:
        upgrade_file(path, out)
    assert err.value.problems
    assert all(p.file == str(path) for p in err.value.problems)
    assert not out.exists()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_fails_on_the_command_line_in_one_line(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    assert main(["upgrade", str(path), "--standalone", "--in-place"]) == EXIT_DATA
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"vitk2: error: {path}: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert path.read_bytes() == HOSTILE[name]  # left as it was


CORPUS = Path(__file__).resolve().parent / "hostile"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in CORPUS.glob("*") if p.suffix in (".yaml", ".yml", ".json")),
    ids=lambda p: p.name,
)
def test_the_hostile_corpus_gives_vitk2s_error_naming_the_file(path: Path, tmp_path: Path) -> None:
    out = tmp_path / ("out" + path.suffix)
    problems: tuple[vitk2.Problem, ...] = ()
    try:
        upgrade_file(path, out)
    except ValidationError as err:
        problems = err.problems
    if problems:
        assert all(p.file == str(path) for p in problems)
        assert not out.exists()
    else:  # a file the corpus holds for being odd, not invalid: it upgrades to a loadable file
        vitk2.load_file(out)


# --------------------------------------------------------------------------------------------
# The command


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "old.yaml"
    path.write_text(FORMAT_1, encoding="utf-8")
    return path


def test_the_command_prints_the_upgraded_file(
    old_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upgrade", str(old_file)]) == EXIT_OK  # checked on top of the bundled evidence
    out, err = capsys.readouterr()
    assert out == upgrade_text(FORMAT_1)
    assert "from format 1 to format 2" in err
    assert "comments are not kept" in err
    assert old_file.read_text(encoding="utf-8") == FORMAT_1


def test_the_command_writes_a_new_file_and_refuses_to_replace_one_without_force(
    old_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.yaml"
    assert main(["upgrade", str(old_file), "--standalone", "-o", str(new)]) == EXIT_OK
    assert new.read_text(encoding="utf-8") == upgrade_text(FORMAT_1)
    new.write_text("# mine\n", encoding="utf-8")
    assert main(["upgrade", str(old_file), "--standalone", "-o", str(new)]) == EXIT_USAGE
    assert "refusing to replace" in capsys.readouterr().err
    assert new.read_text(encoding="utf-8") == "# mine\n"
    assert main(["upgrade", str(old_file), "--standalone", "-o", str(new), "--force"]) == EXIT_OK
    assert new.read_text(encoding="utf-8") == upgrade_text(FORMAT_1)


def test_the_command_replaces_the_file_itself_only_with_in_place(
    old_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upgrade", str(old_file), "--standalone", "-o", str(old_file)]) == EXIT_USAGE
    assert old_file.read_text(encoding="utf-8") == FORMAT_1
    assert main(["upgrade", str(old_file), "--standalone", "--in-place"]) == EXIT_OK
    assert old_file.read_text(encoding="utf-8") == upgrade_text(FORMAT_1)
    assert capsys.readouterr().out == ""
    stamp = os.stat(old_file).st_mtime_ns
    assert main(["upgrade", str(old_file), "--standalone", "--in-place"]) == EXIT_OK
    assert "format 2 already" in capsys.readouterr().err
    assert os.stat(old_file).st_mtime_ns == stamp  # not written again


def test_in_place_and_output_together_are_a_usage_error(
    old_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.yaml"
    assert main(["upgrade", str(old_file), "--in-place", "-o", str(new)]) == EXIT_USAGE
    assert "not both" in capsys.readouterr().err
    assert not new.exists()
    assert old_file.read_text(encoding="utf-8") == FORMAT_1


def test_a_failed_write_leaves_the_file_as_it_was(
    old_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device", str(old_file))

    monkeypatch.setattr("vitk2._upgrade.write_atomic", fail)
    assert main(["upgrade", str(old_file), "--standalone", "--in-place"]) == EXIT_DATA
    assert "No space left on device" in capsys.readouterr().err
    assert old_file.read_text(encoding="utf-8") == FORMAT_1


def test_the_help_says_comments_are_lost(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upgrade", "--help"]) == EXIT_OK
    text = " ".join(capsys.readouterr().out.split())
    assert "comments and the file's own layout are NOT kept" in text
    assert "--in-place" in text


def test_an_unknown_option_is_a_usage_error(
    old_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upgrade", str(old_file), "--in-palce"]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("vitk2: error: ")


def test_the_original_data_is_not_changed_by_the_upgrade() -> None:
    # upgrade mutates only its own parse of the text: a second upgrade of the same text agrees
    text = copy.copy(FORMAT_1)
    assert upgrade_text(text) == upgrade_text(FORMAT_1)
    assert text == FORMAT_1
