"""Prints the fixture driver's figures from test-artifacts/driver/<database>.jsonl (the last run per file).

    .venv/bin/python -m tests.driver_figures [sqlite|postgresql]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "driver"


def figures(lines: list[str]) -> str:
    latest: dict[tuple[str, str], dict] = {}
    for line in lines:
        outcome = json.loads(line)
        latest[(outcome["file"], outcome["process_id"])] = outcome
    by_file: dict[str, list[dict]] = {}
    for outcome in latest.values():
        by_file.setdefault(outcome["file"], []).append(outcome)
    kinds = Counter(o["kind"] for o in latest.values())
    refused = [f for f, runs in by_file.items() if all(o["kind"] == "refused" for o in runs)]
    stuck_on = Counter(w for o in latest.values() if o["kind"] == "stuck" for w in o["waits"][:1])
    out = [f"files: {len(by_file)}; validate: {len(by_file) - len(refused)}; refused: {len(refused)}",
           f"processes run: {sum(n for k, n in kinds.items() if k != 'refused')}; "
           + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items()) if k != "refused"),
           "stuck on: " + (", ".join(f"{k} x{n}" for k, n in stuck_on.most_common()) or "-"), ""]
    for (file, process), outcome in sorted(latest.items()):
        out.append(f"{outcome['kind']:<15} {file} [{process}] {outcome['detail'][:160]}")
    return "\n".join(out)


if __name__ == "__main__":
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    print(figures((ARTIFACTS / f"{backend}.jsonl").read_text(encoding="utf-8").splitlines()))
