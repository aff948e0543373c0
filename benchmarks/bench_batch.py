"""Target 1: batch scoring of 1,000,000 respondents (≤ 3 s on one core, ≤ 1.5 GB peak).

How:
- A worker subprocess (pinned to one CPU, OMP/OPENBLAS_NUM_THREADS=1) builds the encoded
  answers directly with numpy (``scoring.encode.Encoded``; per question 1% unanswered, 3% "don't
  know", 2% "not applicable" where the question allows it, the rest random options / masks /
  whole numbers) and times ``score_encoded`` (best of 3). The parent reads the worker's peak
  memory from ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (encoded input included).
- The single-result path, ``engine.score_responses``, on 5,000 respondents of the same
  distribution, extrapolated per million; the speed-up batch vs single (target ≥ 50×).
- ``encode.encode_frame`` on 1,000,000 rows of categorical / pyarrow dictionary columns
  (each distinct cell checked once; target ≤ 1 s); one ``score_responses`` and one what-if
  (``Scorecard.trial``: one answer changed).
- For information: ``services.batch.score_csv`` on a 100,000-row CSV of the same distribution
  (CSV reading, validation, scoring, writing).

Run alone: ``.venv/bin/python benchmarks/bench_batch.py [--n 1000000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from _common import SINGLE_THREAD_ENV, Report, best_of, pin_one_core
from socialmaturity.instrument.loader import bundled_instrument
from socialmaturity.instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument
from socialmaturity.scoring.answers import Responses
from socialmaturity.scoring.encode import ANSWERED, DK, MISSING, NA, Column, Encoded

P_MISSING, P_DK, P_NA = 0.01, 0.03, 0.02


def random_encoded(inst: Instrument, n: int, seed: int = 1) -> Encoded:
    """n respondents × every scored question, encoded as ``encode_frame`` would."""
    rng = np.random.default_rng(seed)
    columns = {}
    for q in inst.scored_questions:
        u = rng.random(n)
        status = np.full(n, ANSWERED, dtype=np.int8)
        status[u < P_MISSING] = MISSING
        if q.dont_know:
            status[(u >= P_MISSING) & (u < P_MISSING + P_DK)] = DK
        if q.not_applicable:
            status[(u >= P_MISSING + P_DK) & (u < P_MISSING + P_DK + P_NA)] = NA
        options = inst.index.options[q.id]
        if q.type == "single":
            value = rng.integers(0, len(options), n, dtype=np.int64)
        elif q.type == "multi":
            plain = [i for i, o in enumerate(options) if not o.exclusive]
            exclusive = [i for i, o in enumerate(options) if o.exclusive]
            bits = rng.integers(0, 1 << len(plain), n, dtype=np.int64)
            value = np.zeros(n, dtype=np.int64)
            for j, i in enumerate(plain):
                value |= ((bits >> j) & 1) << i
            value[value == 0] = 1 << (exclusive or plain)[0]
        else:
            value = rng.integers(int(q.min), int(q.max) + 1, n).astype(np.float64)
        value[status != ANSWERED] = 0
        columns[q.id] = Column(status, value)
    return Encoded(n, columns)


def cells(inst: Instrument, enc: Encoded) -> dict[str, np.ndarray]:
    """The encoded answers as CSV cell text ('' for unanswered), per question."""
    out = {}
    for q in inst.scored_questions:
        col, keys = enc.columns[q.id], inst.index.option_keys(q.id)
        if q.type == "single":
            text = np.array(keys, dtype=object)[col.value]
        elif q.type == "multi":
            masks, inverse = np.unique(col.value, return_inverse=True)
            text = np.array([";".join(k for i, k in enumerate(keys) if m >> i & 1)
                             for m in masks], dtype=object)[inverse]
        else:
            text = np.array([f"{v:g}" for v in col.value], dtype=object)
        special = np.array(["", "", DONT_KNOW, NOT_APPLICABLE], dtype=object)
        out[q.id] = np.where(col.status == ANSWERED, text, special[col.status])
    return out


def categorical_frame(inst: Instrument, enc: Encoded, arrow: bool = False):
    """The encoded answers as a table of cell texts, each column a pandas Categorical (as
    ``services.batch.read_table`` reads a CSV) or a pyarrow DictionaryArray; built from
    codes, so building it costs nothing worth timing."""
    columns = {}
    for q in inst.scored_questions:
        col, keys = enc.columns[q.id], inst.index.option_keys(q.id)
        key = col.status.astype(np.int64) * (1 << 40) + col.value.astype(np.int64)
        uniques, codes = np.unique(key, return_inverse=True)
        texts = []
        for u in uniques.tolist():
            status, value = divmod(u, 1 << 40)
            texts.append("" if status == MISSING else DONT_KNOW if status == DK
                         else NOT_APPLICABLE if status == NA
                         else keys[value] if q.type == "single"
                         else ";".join(k for i, k in enumerate(keys) if value >> i & 1)
                         if q.type == "multi" else f"{value:g}")
        codes = np.where(col.status == MISSING, -1, codes)
        if arrow:
            import pyarrow as pa

            columns[q.id] = pa.DictionaryArray.from_arrays(
                pa.array(codes, mask=codes < 0, type=pa.int32()), pa.array(texts))
        else:
            columns[q.id] = pd.Categorical.from_codes(codes, texts)
    return columns if arrow else pd.DataFrame(columns)


def answers_of(inst: Instrument, table: dict[str, np.ndarray], row: int) -> dict:
    answers: dict[str, object] = {}
    for q in inst.scored_questions:
        cell = table[q.id][row]
        if cell == "":
            continue
        if cell in (DONT_KNOW, NOT_APPLICABLE) or q.type == "single":
            answers[q.id] = cell
        else:
            answers[q.id] = cell.split(";") if q.type == "multi" else float(cell)
    return answers


def worker(n: int) -> None:
    """In the subprocess: build the input, time score_encoded, print JSON."""
    from socialmaturity.scoring.batch import score_encoded

    pinned = pin_one_core()
    inst = bundled_instrument()
    t = time.perf_counter()
    enc = random_encoded(inst, n)
    build = time.perf_counter() - t
    seconds, scores = best_of(lambda: score_encoded(inst, enc))
    nbytes = sum(c.status.nbytes + c.value.nbytes for c in enc.columns.values())
    print(json.dumps({"seconds": seconds, "build": build, "pinned": pinned,
                      "input_mb": nbytes / 2**20, "mean_overall": float(scores.overall.mean())}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="respondents (batch)")
    parser.add_argument("--single", type=int, default=5_000, help="respondents (single path)")
    parser.add_argument("--csv-rows", type=int, default=100_000)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.n)

    inst = bundled_instrument()
    report = Report(f"Target 1 - batch scoring ({inst.id} {inst.version}, "
                    f"{len(inst.scored_questions)} questions)")
    env = {**os.environ, **SINGLE_THREAD_ENV}
    proc = subprocess.run([sys.executable, __file__, "--worker", "--n", str(args.n)],
                          env=env, capture_output=True, text=True, check=True)
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    per_million = child["seconds"] * 1_000_000 / args.n
    report.check(f"score_encoded, {args.n:,} respondents (best of 3)",
                 f"{child['seconds']:.2f} s", "<= 3 s", per_million <= 3.0)
    report.check("peak memory of that process (RSS)", f"{peak_mb:,.0f} MB", "<= 1,536 MB",
                 peak_mb <= 1536)
    report.info("  of which the encoded input", f"{child['input_mb']:,.0f} MB")
    report.info("  building the input (numpy, not timed)", f"{child['build']:.2f} s")
    report.info("  worker", child["pinned"] + ", OMP/OPENBLAS_NUM_THREADS=1")

    # single-result path, same distribution
    from socialmaturity.recommendations.scorecard import Scorecard
    from socialmaturity.scoring.batch import score_encoded
    from socialmaturity.scoring.engine import score_responses

    small = random_encoded(inst, args.single, seed=2)
    table = cells(inst, small)
    responses = [Responses({}, answers_of(inst, table, i)) for i in range(args.single)]
    t = time.perf_counter()
    singles = [score_responses(inst, r) for r in responses]
    single_s = time.perf_counter() - t
    single_per_million = single_s * 1_000_000 / args.single
    speedup = single_per_million / per_million
    report.info(f"score_responses, {args.single:,} one by one", f"{single_s:.2f} s")
    report.info("  extrapolated per million", f"{single_per_million:,.0f} s")
    report.check("speed-up batch vs single", f"{speedup:,.0f}x", ">= 50x", speedup >= 50)
    batch = score_encoded(inst, small)
    same = all(batch.overall[i] == s.overall and batch.level[i] == s.level
               for i, s in enumerate(singles))
    report.info("  batch == single on those respondents", "yes" if same else "NO")
    one = responses[:500]
    scored = [score_responses(inst, r) for r in one]
    q = inst.scored_questions[3]
    top = inst.index.option_keys(q.id)[-1]
    per_call, _ = best_of(lambda: [score_responses(inst, r) for r in one])
    report.info("  score_responses, one respondent (best of 3 x 500)",
                f"{per_call / len(one) * 1e6:.0f} us")
    cards = [Scorecard(inst, r, s) for r, s in zip(one, scored, strict=True)]
    per_call, _ = best_of(lambda: [c.trial(q.id, top) for c in cards])
    report.info("  Scorecard.trial (a what-if: one answer changed)",
                f"{per_call / len(one) * 1e6:.1f} us")

    # the one encoder, on a million-row table of distinct cell texts (what score --batch
    # and the table readers call per column)
    from socialmaturity.scoring.encode import encode_frame

    big = random_encoded(inst, args.n, seed=4)
    for arrow in (False, True):
        table = categorical_frame(inst, big, arrow)
        seconds, (enc2, problems) = best_of(
            lambda t=table: encode_frame(inst, t, args.n, inst.scored_questions))
        ok = not problems and all((enc2.columns[k].status == big.columns[k].status).all()
                                  for k in big.columns)
        label = "pyarrow dictionary" if arrow else "pandas categorical"
        report.check(f"encode_frame, {args.n:,} rows x {len(inst.scored_questions)} "
                     f"questions ({label})", f"{seconds:.2f} s" + ("" if ok else " (WRONG)"),
                     "<= 1 s", ok and seconds * 1_000_000 / args.n <= 1.0)
        del table, enc2
    del big

    # the whole CSV use case, for information
    from socialmaturity.services.batch import score_csv

    rng = np.random.default_rng(3)
    enc = random_encoded(inst, args.csv_rows, seed=3)
    frame = pd.DataFrame({q.id: np.array(inst.index.option_keys(q.id), dtype=object)[
        rng.integers(0, len(inst.index.options[q.id]), args.csv_rows)]
        for q in inst.profile if q.type == "single"})
    frame = pd.concat([frame, pd.DataFrame(cells(inst, enc))], axis=1)
    with tempfile.TemporaryDirectory() as tmp:
        source, output = Path(tmp, "in.csv"), Path(tmp, "out.csv")
        frame.to_csv(source, index=False)
        size_mb = source.stat().st_size / 2**20
        t = time.perf_counter()
        outcome = score_csv(inst, source, output)
        csv_s = time.perf_counter() - t
    report.info(f"score_csv, {args.csv_rows:,} rows ({size_mb:.0f} MB CSV)",
                f"{csv_s:.2f} s, {outcome.written / csv_s:,.0f} rows/s"
                + ("" if outcome.written == args.csv_rows else
                   f" (only {outcome.written:,} written: {outcome.problems[:1]})"))
    report.print()
    report.save()


if __name__ == "__main__":
    main()
