"""Compile the bundled YAML modules into the JSON the package loads at run time.

The YAML under src/vitk2/data/ is the source of truth; bundled.json is generated from it so
that ``vitk2.load()`` never pays YAML's parse cost. tests/test_bundled.py checks that the JSON is
exactly what this script would write today.

    python tasks/build_data.py          # rewrite src/vitk2/data/bundled.json
    python tasks/build_data.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src" / "vitk2" / "data"
KEYS = ("compounds", "indications", "endpoints", "citations", "studies")


def modules() -> list[Path]:
    """The YAML modules in load order: vocabulary first, then the sources, then the rest."""
    first = [DATA / "core.yaml", DATA / "beyond" / "_vocabulary.yaml", DATA / "endpoints.yaml"]
    first.append(DATA / "endpoints-bone.yaml")  # bone endpoints the shared vocabulary lacks
    first.append(DATA / "endpoints-clinical.yaml")  # liver, blood and nervous-system endpoints
    first.append(DATA / "vocabulary-2026-12.yaml")  # MK-7, the heart, blood vessels and kidneys
    first.append(DATA / "vocabulary-2026-12-vascular.yaml")  # vitamin D of unstated form
    seeds = sorted(p for p in DATA.glob("*.yaml") if p not in first)
    beyond = sorted(p for p in (DATA / "beyond").glob("*.yaml") if not p.name.startswith("_"))
    return [p for p in (*first, *seeds, *beyond) if p.exists()]


def compile_data() -> dict[str, object]:
    """Merge the modules into one document, each loaded by vitk2's own hardened loader."""
    sys.path.insert(0, str(DATA.parent.parent))
    import vitk2
    from vitk2._io import to_data
    from vitk2._parse import parse_bytes

    doc: dict[str, list[object]] = {k: [] for k in KEYS}
    dataset = None
    for path in modules():
        data = parse_bytes(path.read_bytes(), "yaml", str(path.relative_to(DATA.parent.parent)))
        if path.name == "core.yaml":
            dataset = data.get("dataset")
        for key in KEYS:
            doc[key].extend(data.get(key) or [])
    whole: dict[str, object] = {"vitk2": 2, "dataset": dataset, **doc}
    base = vitk2._io.from_data(whole, file="src/vitk2/data/*.yaml")  # validates everything
    out = to_data(base)
    assert isinstance(out, dict)
    return out


def render() -> str:
    """The exact text of bundled.json."""
    return (
        json.dumps(compile_data(), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        + "\n"
    )


def main(argv: list[str]) -> int:
    target = DATA / "bundled.json"
    text = render()
    if "--check" in argv:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print("src/vitk2/data/bundled.json is stale: run python tasks/build_data.py")
            return 1
        print("bundled.json is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(text)} bytes) from {len(modules())} modules")
    # The pages generated from the data follow the data.
    gen_docs = Path(__file__).with_name("gen_docs.py")
    if gen_docs.exists():
        import subprocess

        subprocess.run([sys.executable, str(gen_docs)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
