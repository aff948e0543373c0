"""Target 3: ``socialmaturity --help`` starts in ≤ 0.5 s.

How: runs ``.venv/bin/socialmaturity --help`` (the installed console script, next to this
Python) as a subprocess ``--runs`` times (default 10) after one untimed warm-up run, and reports
the median wall time. For information, ``python -X importtime -c "import socialmaturity.cli"``
and the 5 imports with the largest cumulative time.

Run alone: ``.venv/bin/python benchmarks/bench_startup.py [--runs 10]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import Report, median

SCRIPT = Path(sys.executable).parent / "socialmaturity"


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def top_imports(count: int) -> list[tuple[str, float]]:
    """(module, cumulative seconds) of the slowest imports of socialmaturity.cli."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import socialmaturity.cli"],
                          check=True, capture_output=True, text=True)
    found = []
    for line in proc.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            found.append((parts[2].strip(), int(parts[1]) / 1e6))
    return sorted(found, key=lambda t: -t[1])[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    report = Report("Target 3 - command-line start-up")
    cmd = [str(SCRIPT), "--help"]
    wall(cmd)  # warm-up: byte-code and file caches
    times = [wall(cmd) for _ in range(args.runs)]
    m = median(times)
    report.check(f"socialmaturity --help, median of {args.runs}", f"{m * 1000:.0f} ms",
                 "<= 500 ms", m <= 0.5)
    report.info("  min / max", f"{min(times) * 1000:.0f} ms / {max(times) * 1000:.0f} ms")
    base = median([wall([sys.executable, "-c", "pass"]) for _ in range(5)])
    report.info("  bare python -c pass, median of 5", f"{base * 1000:.0f} ms")
    for i, (module, seconds) in enumerate(top_imports(5), 1):
        report.info(f"import #{i} by cumulative time: {module}", f"{seconds * 1000:.0f} ms")
    report.print()
    report.save()


if __name__ == "__main__":
    main()
