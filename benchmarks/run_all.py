"""Run every benchmark (issues #2, #4, #9) in turn, each in its own process, then print a
summary.

Each script prints its own table; this one adds one table of the targets (figure, target,
ok / MISSED; rows whose target is "information" are shown, not counted) at the end. Figures,
not asserts: the exit status is 0 either way (1 only when a script itself crashed). ``make
bench`` runs this. The first run builds the 1,000,000-respondent panel cache and the
1,000,000-row CSV and Parquet inputs in ``benchmarks/.cache/`` (a few minutes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import HERE, print_table

SCRIPTS = ["bench_batch.py", "bench_result.py", "bench_startup.py", "bench_research.py",
           "bench_research_clustered.py", "bench_research_run.py", "bench_web.py",
           "bench_intake.py", "bench_vs_r.py", "bench_render.py", "bench_team.py",
           "bench_login.py", "bench_orgs.py"]


def main() -> int:
    start = time.perf_counter()
    summary: list[tuple[str, str, str, str]] = []
    crashed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name in SCRIPTS:
            out = Path(tmp, name + ".json")
            print(f"\n=== {name} ===", flush=True)
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, str(HERE / name)],
                                  env={**os.environ, "BENCH_SUMMARY": str(out)})
            took = time.perf_counter() - t
            if proc.returncode != 0 or not out.exists():
                crashed = True
                summary.append((name, f"crashed (exit {proc.returncode})", "", "MISSED"))
                continue
            rows = json.loads(out.read_text())["rows"]
            summary += [tuple(r) for r in rows if r[2]]  # the rows with a target
            print(f"({name}: {took:.0f} s)")
    total = time.perf_counter() - start
    print_table(f"Summary - targets ({os.cpu_count()} CPUs, total {total:.0f} s)",
                summary)
    missed = sum(r[3] == "MISSED" for r in summary)
    targets = sum(r[3] in ("ok", "MISSED") for r in summary)  # the rest is information
    print(f"\n{targets - missed} of {targets} targets met.")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
