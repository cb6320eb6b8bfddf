"""Write flowsheets/route.schema.json from the registered step types (recycle.route_schema).

    python tools/build_route_schema.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recycle.route_schema import schema_text


def main() -> int:
    path = ROOT / "flowsheets" / "route.schema.json"
    path.write_text(schema_text())
    sys.stderr.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
