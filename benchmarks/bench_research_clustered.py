"""Issue #11 speed target: the clustered comparison, ``compare(..., weights="w",
cluster="organization_id", by_group="sector")`` on 1,000,000 respondents in 100,000
organizations × 20 indicators: ≤ 2 s.

How:
- A worker subprocess (pinned to one CPU, OMP/OPENBLAS_NUM_THREADS=1) builds the frame with
  numpy: 100,000 organizations of 1–19 respondents (10 on average), each in one of 12 sectors
  with an organization effect on every answer; ``mature`` per respondent (40%), lognormal
  weights, 20 float64 0/1 indicators with 2% missing answers. It times the comparison by
  sector with organizations as clusters (best of 3).
- For information: the same on the whole sample, with sectors as strata, and the one-stage
  (unclustered) comparison by sector.

Run alone: ``.venv/bin/python benchmarks/bench_research_clustered.py [--n 1000000] [--k 20]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from _common import SINGLE_THREAD_ENV, Report, best_of, pin_one_core

SECTORS = 12
ORGS = 100_000
TARGET_S = 2.0


def make_frame(n: int, k: int, orgs: int, seed: int = 11) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    org = np.sort(rng.integers(0, orgs, n))
    effect = rng.normal(0.0, 1.0, orgs)[org]
    sector = np.array([f"sector-{i:02d}" for i in range(SECTORS)],
                      dtype=object)[(np.arange(orgs) % SECTORS)[org]]
    mature = (rng.random(n) < 1 / (1 + np.exp(-(effect - 0.4)))).astype(np.int8)
    columns: dict[str, np.ndarray] = {
        "organization_id": org, "sector": sector, "mature": mature,
        "w": rng.lognormal(0.0, 0.5, n)}
    names = [f"indicator_{j:02d}" for j in range(k)]
    for j, name in enumerate(names):
        lin = -1.5 + 2.5 * j / max(k - 1, 1) + 0.8 * effect + 0.5 * mature
        v = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(np.float64)
        v[rng.random(n) < 0.02] = np.nan
        columns[name] = v
    return pd.DataFrame(columns), names


def worker(n: int, k: int, orgs: int) -> None:
    from socialmaturity.research.compare import compare

    pinned = pin_one_core()
    t = time.perf_counter()
    frame, names = make_frame(n, k, orgs)
    build = time.perf_counter() - t

    def run(**kw):
        return compare(frame, "mature", 1, names, weights="w", **kw)

    sector_s, table = best_of(lambda: run(cluster="organization_id", by_group="sector"))
    overall_s, _ = best_of(lambda: run(cluster="organization_id"), repeat=1)
    strata_s, _ = best_of(lambda: run(cluster="organization_id", strata="sector",
                                      by_group="sector"), repeat=1)
    plain_s, plain = best_of(lambda: run(by_group="sector"), repeat=1)
    ratio = float((table["se_focus"] / plain["se_focus"]).median())
    print(json.dumps({"by_sector": sector_s, "overall": overall_s, "strata": strata_s,
                      "plain": plain_s, "build": build, "pinned": pinned,
                      "rows": len(table), "se_ratio": ratio}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="respondents")
    parser.add_argument("--k", type=int, default=20, help="indicators")
    parser.add_argument("--orgs", type=int, default=ORGS, help="organizations")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.n, args.k, args.orgs)

    report = Report(f"Issue #11 - clustered compare ({args.n:,} respondents in "
                    f"{args.orgs:,} organizations x {args.k} indicators, weighted)")
    env = {**os.environ, **SINGLE_THREAD_ENV}
    proc = subprocess.run([sys.executable, __file__, "--worker", "--n", str(args.n),
                           "--k", str(args.k), "--orgs", str(args.orgs)], env=env,
                          capture_output=True, text=True, check=True)
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    report.check(f"compare weighted, clustered by organization, by sector ({SECTORS} groups), "
                 "best of 3", f"{child['by_sector']:.2f} s", f"<= {TARGET_S:.0f} s",
                 child["by_sector"] <= TARGET_S)
    report.info("  clustered, whole sample", f"{child['overall']:.2f} s")
    report.info("  clustered within sector strata, by sector", f"{child['strata']:.2f} s")
    report.info("  one-stage (respondents independent), by sector", f"{child['plain']:.2f} s")
    report.info("  median SE clustered / one-stage", f"{child['se_ratio']:.2f}")
    report.info("building the frame (numpy, not timed)", f"{child['build']:.2f} s")
    report.info("worker", child["pinned"] + ", OMP/OPENBLAS_NUM_THREADS=1")
    report.print()
    report.save()


if __name__ == "__main__":
    main()
