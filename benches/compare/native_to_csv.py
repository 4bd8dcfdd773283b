#!/usr/bin/env python3
"""Writes a native JSON graph ({"parties": [...], "relations": [...]}) as the CSV pair the
baselines read, so they can run on `examples/synth pyramid` graphs too (deep pyramids, where
path enumeration blows up). Only the columns of the CSV pair are kept; dates are dropped.

Usage: native_to_csv.py GRAPH.json OUTDIR
"""

import csv
import json
import sys
from pathlib import Path

REL_COLS = ["type", "from", "to", "capital", "votes", "basis", "of", "sole_executive", "share"]


def text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def main() -> int:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    g = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "parties.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "kind", "name", "country", "citizenship"])
        for p in g["parties"]:
            w.writerow([p["id"], p["kind"], p.get("name", p["id"]), text(p.get("country")), ";".join(p.get("citizenship", []))])
    with open(out / "relations.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(REL_COLS)
        for r in g["relations"]:
            w.writerow([text(r.get(c)) for c in REL_COLS])
    print(f"{out}: {len(g['parties'])} parties, {len(g['relations'])} relations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
