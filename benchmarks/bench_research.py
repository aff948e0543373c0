"""Issue #4 speed target: ``compare`` on 1,000,000 respondents × 40 indicators, weighted, plus
the same by sector (12 groups): ≤ 10 s and ≤ 4 GB.

How:
- A worker subprocess (pinned to one CPU, OMP/OPENBLAS_NUM_THREADS=1) builds the frame with
  numpy: 40 float64 0/1 indicator columns with shares between 5% and 60% and 2% missing
  answers, ``mature`` (0/1, 40%), ``sector`` (12 text values), lognormal weights. It times
  ``compare(frame, "mature", 1, indicators, weights="w")`` and the same with
  ``by_group="sector"`` (each best of 3); the figure is their sum.
- The parent reads the worker's peak memory from ``getrusage(RUSAGE_CHILDREN).ru_maxrss``
  (the frame included).
- For information: the unweighted comparison and ``shares(..., by="sector")``.

Run alone: ``.venv/bin/python benchmarks/bench_research.py [--n 1000000] [--k 40]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from _common import SINGLE_THREAD_ENV, Report, best_of, pin_one_core

SECTORS = 12
TARGET_S, TARGET_MB = 10.0, 4096


def make_frame(n: int, k: int, seed: int = 4) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    mature = (rng.random(n) < 0.4).astype(np.int8)
    columns: dict[str, np.ndarray] = {
        "mature": mature,
        "sector": np.array([f"sector-{i:02d}" for i in range(SECTORS)],
                           dtype=object)[rng.integers(0, SECTORS, n)],
        "w": rng.lognormal(0.0, 0.5, n),
    }
    names = [f"indicator_{j:02d}" for j in range(k)]
    for j, name in enumerate(names):
        p = 0.05 + 0.55 * j / max(k - 1, 1)
        v = (rng.random(n) < p * (1 + 0.5 * mature)).astype(np.float64)
        v[rng.random(n) < 0.02] = np.nan
        columns[name] = v
    return pd.DataFrame(columns), names


def worker(n: int, k: int) -> None:
    from socialmaturity.research.compare import compare
    from socialmaturity.research.describe import shares

    pinned = pin_one_core()
    t = time.perf_counter()
    frame, names = make_frame(n, k)
    build = time.perf_counter() - t
    frame_mb = frame.memory_usage(deep=True).sum() / 2**20
    overall_s, overall = best_of(lambda: compare(frame, "mature", 1, names, weights="w"))
    sector_s, by_sector = best_of(
        lambda: compare(frame, "mature", 1, names, weights="w", by_group="sector"))
    unweighted_s, _ = best_of(lambda: compare(frame, "mature", 1, names), repeat=1)
    shares_s, _ = best_of(lambda: shares(frame, names, weights="w", by="sector"), repeat=1)
    print(json.dumps({
        "overall": overall_s, "by_sector": sector_s, "unweighted": unweighted_s,
        "shares": shares_s, "build": build, "frame_mb": float(frame_mb), "pinned": pinned,
        "rows": [len(overall), len(by_sector)],
        "significant": int((overall["p_adjusted"] < 0.05).sum()),
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="respondents")
    parser.add_argument("--k", type=int, default=40, help="indicators")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.n, args.k)

    report = Report(f"Issue #4 - research compare ({args.n:,} respondents x {args.k} "
                    f"indicators, weighted)")
    env = {**os.environ, **SINGLE_THREAD_ENV}
    proc = subprocess.run([sys.executable, __file__, "--worker", "--n", str(args.n),
                           "--k", str(args.k)], env=env, capture_output=True, text=True,
                          check=True)
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    total = child["overall"] + child["by_sector"]
    report.check("compare weighted + by sector (12 groups), best of 3 each",
                 f"{total:.2f} s", f"<= {TARGET_S:.0f} s", total <= TARGET_S)
    report.info("  compare weighted, whole sample", f"{child['overall']:.2f} s")
    report.info(f"  compare weighted, by sector ({child['rows'][1]} rows)",
                f"{child['by_sector']:.2f} s")
    report.check("peak memory of that process (RSS)", f"{peak_mb:,.0f} MB",
                 f"<= {TARGET_MB:,} MB", peak_mb <= TARGET_MB)
    report.info("  of which the input frame", f"{child['frame_mb']:,.0f} MB")
    report.info("compare unweighted, whole sample", f"{child['unweighted']:.2f} s")
    report.info("shares weighted, by sector", f"{child['shares']:.2f} s")
    report.info("building the frame (numpy, not timed)", f"{child['build']:.2f} s")
    report.info("worker", child["pinned"] + ", OMP/OPENBLAS_NUM_THREADS=1")
    report.print()
    report.save()


if __name__ == "__main__":
    main()
