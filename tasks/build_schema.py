"""Write the JSON Schema of the evidence-file format to docs/evidence.schema.json.

The schema is derived from the model by ``vitk2.json_schema()``; the file is a generated copy
that editors and other tools can fetch. tests/test_schema.py checks that it is exactly what
this script would write today.

    python tasks/build_schema.py          # rewrite docs/evidence.schema.json
    python tasks/build_schema.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "evidence.schema.json"


def render() -> str:
    """The exact text of docs/evidence.schema.json."""
    sys.path.insert(0, str(ROOT / "src"))
    from vitk2._schema import json_schema

    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("docs/evidence.schema.json is stale: run python tasks/build_schema.py")
            return 1
        print("evidence.schema.json is up to date")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
