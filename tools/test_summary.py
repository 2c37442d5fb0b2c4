"""Print what `make test` ran: a line per run, what was not run on this machine and why, and the totals.

Reads the JSON reports that tests/conftest.py writes (RISKREG_TEST_REPORT) into the folder given as argv[1].
The last line has the plain form "total: N passed, N failed, N skipped".
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def main(folder: str) -> int:
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.json"))]
    if not reports:
        print("total: 0 passed, 0 failed (no test run reported)")
        return 1
    print("\n--- summary ---")
    missing: Counter[str] = Counter()
    for r in reports:
        minutes, seconds = divmod(int(r["seconds"]), 60)
        print(
            f"{r['run']}: {r['passed']} passed, {r['failed']} failed, {r['skipped']} skipped"
            f" in {minutes} min {seconds:02d} s"
        )
        missing.update(r["missing"])
    for reason, count in missing.items():
        print(f"not run here: {count} test(s) {reason}")
    totals = {k: sum(r[k] for r in reports) for k in ("passed", "failed", "skipped")}
    print(f"total: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
