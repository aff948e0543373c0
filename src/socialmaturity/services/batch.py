"""Use case: score a table of many respondents through the vectorized path.

The table (CSV, XLSX, SPSS .sav or Parquet, read by :mod:`socialmaturity.intake.tables`) has a
header row of profile fields and question ids, one respondent a row. A multi-select cell lists
option keys separated by ``;``; an empty cell is unanswered. The scores are written as CSV,
XLSX or Parquet by the output's suffix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputFileError, Problem
from ..instrument.model import Instrument
from ..intake import tables
from ..scoring.answers import check_value
from ..scoring.batch import MULTI_SEPARATOR, BatchScores, encode_frame, score_encoded

MAX_LISTED = 20



def read_table(inst: Instrument, path: str | Path, *, require_questions: bool = True):
    """Read a batch table (CSV, XLSX, SPSS .sav or Parquet) as categorical text columns; check
    that the needed columns are there."""
    frame = tables.read_table(path, text=True, expected="a header row of profile fields and "
                                                        "question ids")
    needed = [q.id for q in inst.profile if q.required]
    if require_questions:
        needed += [q.id for q in inst.scored_questions]
    present = set(frame.columns)
    missing = [c for c in needed if c not in present]
    if missing:
        shown = ", ".join(missing[:10]) + (f", … ({len(missing)} in all)" if len(missing) > 10
                                           else "")
        raise InputFileError(Problem(f"{path}:1", f"missing column(s): {shown}. The header needs "
                                                   f"the profile fields and every question id "
                                                   f"(`socialmaturity instrument show` lists "
                                                   f"them)"))
    return frame


def profile_problems(inst: Instrument, frame) -> dict[int, list[tuple[str, str]]]:
    """Invalid values in single-choice and text profile columns (a text over its question's
    ``max_length``), keyed by 0-based data row."""
    import pandas as pd

    problems: dict[int, list[tuple[str, str]]] = {}
    for q in inst.profile:
        if q.type not in ("single", "text") or q.id not in frame.columns:
            continue
        series = frame[q.id]
        if isinstance(series.dtype, pd.CategoricalDtype):  # as read: one check per value
            codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
        else:
            codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
        for u, value in enumerate(uniques):
            _, err = check_value(inst, q.id, str(value).strip())
            if err:
                for row in np.flatnonzero(codes == u):
                    problems.setdefault(int(row), []).append((q.id, err))
        if q.required and q.type == "single":
            for row in np.flatnonzero(codes < 0):
                keys = ", ".join(inst.index.option_keys(q.id))
                problems.setdefault(int(row), []).append(
                    (q.id, f"empty, but required; valid: {keys}"))
    return problems


@dataclass
class BatchOutcome:
    rows: int
    written: int
    skipped: int
    problems: list[Problem]
    problem_rows: int


def score_table(inst: Instrument, frame, progress: Callable[[int], None] | None = None
                ) -> tuple[BatchScores, dict[int, list[tuple[str, str]]]]:
    enc, problems = encode_frame(inst, frame, len(frame), inst.scored_questions, progress)
    for row, items in profile_problems(inst, frame).items():
        problems.setdefault(row, []).extend(items)
    return score_encoded(inst, enc), problems


def scores_frame(inst: Instrument, frame, scores: BatchScores, keep: np.ndarray):
    """The output table: input row number, pass-through columns, scores and stages."""
    import pandas as pd

    questions = {q.id for q in inst.scored_questions} | {q.id for q in inst.outcomes}
    out = pd.DataFrame({"row": np.arange(1, len(frame) + 1)[keep]})
    for col in frame.columns:
        if col not in questions:
            out[col] = frame[col].array[keep]
    out["overall_score"] = scores.overall[keep]
    out["stage"] = pd.Categorical.from_codes(
        scores.level[keep], categories=[""] + [s.key for s in inst.stages])
    out["stage_rule"] = pd.Categorical.from_codes(
        scores.decided_by[keep], categories=["threshold"] + [f"gate:{g.id}" for g in
                                                            inst.rules.gates]
        + [f"weakest-link:{d.id}" for d in inst.dimensions])
    for d in inst.dimensions:
        out[f"{d.id}_score"] = scores.dimensions[d.id][keep]
    return out


def score_csv(inst: Instrument, source: str | Path, output: str | Path, *,
              skip_invalid: bool = False, progress: Callable[[int], None] | None = None
              ) -> BatchOutcome:
    """Score every row of ``source`` into ``output``. With invalid rows and no
    ``skip_invalid``, nothing is written and the outcome lists the first problems."""
    frame = read_table(inst, source)
    scores, problems = score_table(inst, frame, progress)
    listed: list[Problem] = []
    lines = Path(source).suffix.lower() not in (*tables.PARQUET_SUFFIXES, *tables.SAV_SUFFIXES)
    for row in sorted(problems)[:MAX_LISTED]:
        for column, message in problems[row]:  # the header is line 1
            listed.append(Problem(f"{source}:{row + 2}" if lines else str(source),
                                  f"row {row + 1:,}, column {column!r}: {message}"))
    keep = np.ones(len(frame), dtype=bool)
    if problems:
        if not skip_invalid:
            return BatchOutcome(len(frame), 0, 0, listed, len(problems))
        keep[list(problems)] = False
    # CSV: no formulas (OWASP), scores with one decimal; Parquet: the numbers as they are
    tables.write_table(scores_frame(inst, frame, scores, keep), output, decimals=1)
    return BatchOutcome(len(frame), int(keep.sum()), int((~keep).sum()), listed, len(problems))


__all__ = ["MULTI_SEPARATOR", "read_table", "score_csv", "BatchOutcome"]
