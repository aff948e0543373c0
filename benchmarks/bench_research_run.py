"""Issue #4: ``research run`` on 2,162 respondents, PDF included, in ≤ 5 s.

How: runs ``.venv/bin/socialmaturity research run --demo --output-dir DIR`` (the installed
console script, next to this Python) as a subprocess ``--runs`` times (default 3) after one
untimed warm-up run, and reports the median wall time: Python start, imports, generating the
demo panel, cleaning, classifying, 60 comparisons overall and per sector, shares, quantiles,
reliability, findings, and writing HTML, PDF (Typst) and XLSX. For information, the same
pipeline in one process, step by step (best of ``--runs``).

Run alone: ``.venv/bin/python benchmarks/bench_research_run.py [--runs 3]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import Report, median

SCRIPT = Path(sys.executable).parent / "socialmaturity"


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def steps(runs: int) -> dict[str, float]:
    """Seconds per step of the pipeline in this process (best of ``runs``, after a warm-up)."""
    from socialmaturity.research import report as rep
    from socialmaturity.services.research import run_demo

    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs + 1):
            result = run_demo()
            times = dict(result.timings)
            t = time.perf_counter()
            view = rep.report_view(result)
            times["report view + charts"] = time.perf_counter() - t
            t = time.perf_counter()
            rep.render_html(view)
            times["HTML"] = time.perf_counter() - t
            t = time.perf_counter()
            rep.render_pdf(view)
            times["PDF (Typst)"] = time.perf_counter() - t
            t = time.perf_counter()
            rep.render_xlsx(result)
            times["XLSX (openpyxl)"] = time.perf_counter() - t
            t = time.perf_counter()
            rep.write_report(result, tmp)
            times["write_report (all three)"] = time.perf_counter() - t
            if i:  # the first run warms caches (fonts, the Typst compiler)
                for k, v in times.items():
                    best[k] = min(best.get(k, v), v)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    report = Report("Issue #4 - research run on the demo panel (2,162 respondents)")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(SCRIPT), "research", "run", "--demo", "--output-dir", tmp]
        wall(cmd)  # warm-up: byte-code and file caches
        times = [wall(cmd) for _ in range(args.runs)]
    m = median(times)
    report.check(f"socialmaturity research run --demo (PDF included), median of {args.runs}",
                 f"{m:.2f} s", "<= 5 s", m <= 5.0)
    report.info("  min / max", f"{min(times):.2f} s / {max(times):.2f} s")
    for name, seconds in steps(args.runs).items():
        report.info(f"  in one process: {name}", f"{seconds * 1000:.0f} ms")
    report.print()
    report.save()


if __name__ == "__main__":
    main()
