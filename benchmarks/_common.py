"""Shared helpers for the benchmark scripts: timing, the printed table, the summary file."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                     "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}


def best_of(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """The fastest of ``repeat`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def pin_one_core() -> str:
    """Run the current process on one CPU (the first it may use); say which."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


class Report:
    """Rows of (measure, figure, target, status); printed as a table, saved for run_all."""

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, str, str, str]] = []

    def check(self, measure: str, figure: str, target: str, ok: bool) -> None:
        self.rows.append((measure, figure, target, "ok" if ok else "MISSED"))

    def info(self, measure: str, figure: str) -> None:
        self.rows.append((measure, figure, "", ""))

    def print(self) -> None:
        print_table(self.title, self.rows)

    def save(self) -> None:
        """Write the rows to the file named by $BENCH_SUMMARY (set by run_all.py), if any."""
        path = os.environ.get("BENCH_SUMMARY")
        if path:
            Path(path).write_text(json.dumps({"title": self.title, "rows": self.rows}))


def print_table(title: str, rows: list[tuple[str, str, str, str]]) -> None:
    header = ("measure", "figure", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{title}\n{line}")
    for r in [header, *rows]:
        print("  ".join(c.ljust(w) if i < 3 else c for i, (c, w) in
                        enumerate(zip(r, widths, strict=True))).rstrip())
        if r is header:
            print(line)
    sys.stdout.flush()
