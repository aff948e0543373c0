"""Issue #9 data-intake targets, end to end through the CLI (a fresh process each run):

- ``score --batch`` on a 1,000,000-row batch CSV (read, validate, score, write): ≤ 4 s;
  the same table as Parquet in and out: ≤ 2 s.
- ``research compare`` on 1,000,000 rows × 8 indicators, weighted, by sector (12 groups):
  ≤ 1.5 s end to end; the computation alone (``research.compare.compare`` on the frame in
  memory, best of 3): ≤ 0.3 s.

How: the inputs are generated once into ``benchmarks/.cache/`` (numpy, seeded; the batch table
has the instrument's profile and 48 question columns with 1% unanswered, 3% "don't know", 2%
"not applicable", as ``bench_batch.py``; the compare table is ``compare_frame``). Each CLI
figure is the median of ``--repeat`` runs (default 3) of ``python -m socialmaturity …`` in a
subprocess, wall clock, so start-up, reading and writing count. Not pinned: the reader uses
both cores. The machine may be shared: the spread is printed too.

Run alone: ``.venv/bin/python benchmarks/bench_intake.py [--n 1000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from _common import CACHE, ROOT, Report, best_of

BATCH_TARGET_S, PARQUET_TARGET_S = 4.0, 2.0
COMPARE_TARGET_S, COMPUTE_TARGET_S = 1.5, 0.3
SECTORS = 12
INDICATORS = [f"indicator_{j}" for j in range(8)]


def batch_frame(n: int, seed: int = 3) -> pd.DataFrame:
    """A batch-layout table: profile columns and every scored question, as cell text."""
    from bench_batch import cells, random_encoded
    from socialmaturity.instrument.loader import bundled_instrument

    inst = bundled_instrument()
    rng = np.random.default_rng(seed)
    columns = {q.id: np.array(inst.index.option_keys(q.id), dtype=object)[
        rng.integers(0, len(inst.index.options[q.id]), n)]
        for q in inst.profile if q.type == "single"}
    columns |= cells(inst, random_encoded(inst, n, seed=seed))
    return pd.DataFrame(columns)


def compare_frame(n: int, seed: int = 9) -> pd.DataFrame:
    """``mature`` (0/1, 40%), ``sector`` (12 texts), lognormal weights ``w`` and 8 0/1
    indicators (shares 5–60%, higher among the mature; 2% missing)."""
    rng = np.random.default_rng(seed)
    mature = (rng.random(n) < 0.4).astype(np.int8)
    columns: dict[str, object] = {
        "respondent_id": np.char.add("r", np.arange(n).astype(str)),
        "sector": np.array([f"sector-{i:02d}" for i in range(SECTORS)],
                           dtype=object)[rng.integers(0, SECTORS, n)],
        "mature": mature, "w": np.round(rng.lognormal(0.0, 0.5, n), 4)}
    for j, name in enumerate(INDICATORS):
        p = 0.05 + 0.55 * j / (len(INDICATORS) - 1)
        v = (rng.random(n) < p * (1 + 0.5 * mature)).astype(np.float64)
        v[rng.random(n) < 0.02] = np.nan
        columns[name] = pd.array(np.where(np.isnan(v), pd.NA, v), dtype="Int8")
    return pd.DataFrame(columns)


def cached(name: str, make, n: int) -> Path:
    """``benchmarks/.cache/NAME-N.csv`` (and ``.parquet``), made on first use."""
    CACHE.mkdir(exist_ok=True)
    csv, parquet = CACHE / f"{name}-{n}.csv", CACHE / f"{name}-{n}.parquet"
    if not csv.exists() or not parquet.exists():
        print(f"generating {csv.name} and {parquet.name} …", flush=True)
        frame = make(n)
        frame.to_csv(csv, index=False)
        frame.to_parquet(parquet, index=False)
    return csv


#: CPU seconds (user + system, all threads) of each run of :func:`cli`, by its arguments.
CPU: dict[str, list[float]] = {}


def cli(args: list[str], repeat: int) -> tuple[float, list[float]]:
    """Median wall time of ``python -m socialmaturity ARGS`` over ``repeat`` runs (their CPU
    times go to ``CPU``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    times, cpu = [], CPU.setdefault(" ".join(args), [])
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "socialmaturity", *args], env=env,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            raise SystemExit(f"socialmaturity {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return statistics.median(times), times


def spread(times: list[float]) -> str:
    return f"runs {', '.join(f'{t:.2f}' for t in times)} s"


def runs(args: list[str], times: list[float]) -> str:
    """The wall times of the runs and their median CPU time (less moved by other load)."""
    cpu = statistics.median(CPU[" ".join(args)])
    return f"{spread(times)}; CPU {cpu:.2f} s (user+sys, both cores)"


def compare_args(source: Path, output: Path) -> list[str]:
    return ["research", "compare", str(source), "--by", "mature", "--focus", "1",
            "--indicators", ",".join(INDICATORS), "--weights", "w", "--by-group", "sector",
            "--format", "csv", "--output", str(output)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs per CLI figure")
    args = parser.parse_args()
    report = Report(f"Issue #9 - data intake end to end through the CLI ({args.n:,} rows, "
                    f"{os.cpu_count()} CPUs)")
    tmp = CACHE / "out"
    tmp.mkdir(parents=True, exist_ok=True)

    source = cached("batch", batch_frame, args.n)
    mb = source.stat().st_size / 2**20
    run = ["score", "--batch", str(source), "--output", str(tmp / "s.csv")]
    median, times = cli(run, args.repeat)
    report.check(f"score --batch, {args.n:,}-row CSV ({mb:,.0f} MB) to CSV, median",
                 f"{median:.2f} s", f"<= {BATCH_TARGET_S:g} s", median <= BATCH_TARGET_S)
    report.info("  " + runs(run, times), "")
    parquet = source.with_suffix(".parquet")
    run = ["score", "--batch", str(parquet), "--output", str(tmp / "s.parquet")]
    median, times = cli(run, args.repeat)
    report.check(f"score --batch, {args.n:,}-row Parquet to Parquet, median", f"{median:.2f} s",
                 f"<= {PARQUET_TARGET_S:g} s", median <= PARQUET_TARGET_S)
    report.info("  " + runs(run, times), "")

    source = cached("compare", compare_frame, args.n)
    run = compare_args(source, tmp / "c.csv")
    median, times = cli(run, args.repeat)
    report.check(f"research compare, {args.n:,} rows x 8 indicators, weighted, by sector "
                 f"(CSV), median", f"{median:.2f} s", f"<= {COMPARE_TARGET_S:g} s",
                 median <= COMPARE_TARGET_S)
    report.info("  " + runs(run, times), "")
    run = compare_args(source.with_suffix(".parquet"), tmp / "c.csv")
    median, times = cli(run, args.repeat)
    report.info("  the same from Parquet, median", f"{median:.2f} s")
    report.info("  " + runs(run, times), "")
    load = os.getloadavg()[0]
    report.info("load average (1 min) at the end: other work on the machine", f"{load:.1f}")

    from socialmaturity.intake.tables import read_table
    from socialmaturity.research.compare import compare

    t = time.perf_counter()
    frame = read_table(source)
    report.info("  reading the CSV (intake.tables.read_table)", f"{time.perf_counter() - t:.2f} s")
    cpu = time.process_time()
    seconds, _ = best_of(lambda: compare(frame, "mature", 1, INDICATORS, weights="w",
                                         by_group="sector"), repeat=5)
    cpu = (time.process_time() - cpu) / 5
    report.check("  compare() alone, in memory, best of 5", f"{seconds:.2f} s",
                 f"<= {COMPUTE_TARGET_S:g} s", seconds <= COMPUTE_TARGET_S)
    report.info("    its CPU time, mean of the 5", f"{cpu:.2f} s")
    report.print()
    report.save()


if __name__ == "__main__":
    main()
