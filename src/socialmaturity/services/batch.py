"""Use case: score a table of many respondents through the vectorized path.

The table (CSV, XLSX, SPSS .sav or Parquet, read by :mod:`socialmaturity.intake.tables`,
imported when a file is read: the demo panel is checked here without pandas) has a
header row of profile fields and question ids, one respondent a row. A multi-select cell lists
option keys separated by ``;``; an empty cell is unanswered. The scores are written as CSV,
XLSX or Parquet by the output's suffix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputFileError, Message, Problem
from ..i18n.catalog import tr
from ..instrument.model import Instrument
from ..scoring.batch import BatchScores, score_encoded
from ..scoring.encode import (
    MISSING,
    add_problems,
    encode_column,
    encode_frame,
    listed,
)

MAX_LISTED = 20


def read_table(inst: Instrument, path: str | Path, *, require_questions: bool = True):
    """Read a batch table (CSV, XLSX, SPSS .sav or Parquet) as categorical text columns; check
    that the needed columns are there."""
    from ..intake import tables

    frame = tables.read_table(path, text=True, expected=EXPECTED)
    check_columns(inst, frame.columns, path, require_questions=require_questions)
    return frame


EXPECTED = Message("a header row of profile fields and question ids")


def check_columns(inst: Instrument, names, path: str | Path, *,
                  require_questions: bool = True) -> None:
    """Refuse a header without the required profile fields (and every scored question)."""
    needed = [q.id for q in inst.profile if q.required]
    if require_questions:
        needed += [q.id for q in inst.scored_questions]
    present = set(names)
    missing = [c for c in needed if c not in present]
    if missing:
        raise InputFileError(Problem(place(path, 1), "missing column(s): {columns}. The header "
                                                   "needs the profile fields and every question "
                                                   "id (`socialmaturity instrument show` lists "
                                                   "them)", columns=listed(missing, 10)))


def profile_problems(inst: Instrument, frame, lang: str = "en",
                     known: dict[str, dict] | None = None) -> dict[int, list[tuple[str, str]]]:
    """Invalid values in single-choice and text profile columns (a text over its question's
    ``max_length``), and empty required ones, keyed by 0-based data row; ``frame`` a DataFrame
    or a mapping of column → values (``known`` as in :func:`encode_frame`)."""
    problems: dict[int, list[tuple[str, str]]] = {}
    for q in inst.profile:
        if q.type not in ("single", "text") or q.id not in frame:
            continue
        col, bad = encode_column(inst, q, frame[q.id], known)
        add_problems(problems, inst, q, bad, lang)
        if q.required and q.type == "single":
            bad_rows = {r for p in bad for r in p.rows.tolist()}
            text = tr(lang, "empty, but required; valid: {valid}",
                      valid=listed(inst.index.option_keys(q.id)))
            for row in np.flatnonzero(col.status == MISSING).tolist():
                if row not in bad_rows:
                    problems.setdefault(row, []).append((q.id, text))
    return problems


def place(source: str | Path, line: int) -> str:
    """``file:line`` in a text table (CSV, XLSX rows), the file alone in one without lines
    (Parquet, SPSS ``.sav``)."""
    from ..intake import tables

    no_lines = (*tables.PARQUET_SUFFIXES, *tables.SAV_SUFFIXES)
    return str(source) if Path(source).suffix.lower() in no_lines else f"{source}:{line}"


def row_problems(source: str | Path, problems: dict[int, list[tuple[str, str]]],
                 first_row: int = 0, limit: int = MAX_LISTED, lang: str = "en"
                 ) -> list[Problem]:
    """The problems of the first ``limit`` bad rows as ``file:line: row N, column 'q': …``;
    ``problems`` keyed by 0-based row of a chunk whose first row is ``first_row``."""
    return [Problem(place(source, at + 2), tr(  # the header is line 1
                lang, "row {row}, column {column!r}: {message}", row=f"{at + 1:,}",
                column=column, message=text))
            for row in sorted(problems)[:max(0, limit)]
            for at in (first_row + row,) for column, text in problems[row]]


def check_table(inst: Instrument, frame, source: str | Path, lang: str = "en"):
    """The table encoded, or :class:`InputFileError` with the same problems as
    :func:`score_csv` lists (the first 20 bad rows, and how many problems there are)."""
    enc, problems = encode_table(inst, frame, len(frame), lang)
    if problems:
        raise InputFileError(row_problems(source, problems, lang=lang),
                             total=sum(map(len, problems.values())))
    return enc


@dataclass
class BatchOutcome:
    rows: int
    written: int
    skipped: int
    problems: list[Problem]
    problem_rows: int


def score_table(inst: Instrument, frame, lang: str = "en", known: dict[str, dict] | None = None
                ) -> tuple[BatchScores, dict[int, list[tuple[str, str]]]]:
    """Check and score a table (an Arrow table or a DataFrame; ``known`` as in
    :func:`encode_frame`, for the chunks of one table)."""
    n = len(frame)
    if hasattr(frame, "column_names"):  # Arrow
        frame = dict(zip(frame.column_names, frame.columns, strict=True))
    enc, problems = encode_table(inst, frame, n, lang, known)
    return score_encoded(inst, enc), problems


def encode_table(inst: Instrument, frame, n: int, lang: str = "en",
                 known: dict[str, dict] | None = None):
    """The scored questions encoded, with every problem of a row (its questions' and its
    profile's), keyed by 0-based row."""
    enc, problems = encode_frame(inst, frame, n, inst.scored_questions, lang=lang, known=known)
    for row, items in profile_problems(inst, frame, lang, known).items():
        problems.setdefault(row, []).extend(items)
    return enc, problems


def scores_table(inst: Instrument, table, scores: BatchScores, keep: np.ndarray,
                 first_row: int = 1):
    """The output table (Arrow): input row number (``first_row`` for the table's first),
    pass-through columns, scores and stages, of the rows in ``keep``."""
    import pyarrow as pa

    def kept(values: np.ndarray) -> np.ndarray:
        return values if every else values[keep]

    every = bool(keep.all())
    questions = {q.id for q in inst.scored_questions} | {q.id for q in inst.outcomes}
    out = {"row": pa.array(kept(np.arange(first_row, first_row + table.num_rows)))}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name not in questions:
            out[name] = column if every else column.filter(pa.array(keep))
    out["overall_score"] = pa.array(kept(scores.overall))
    rules = (["threshold"] + [f"gate:{g.id}" for g in inst.rules.gates]
             + [f"weakest-link:{d.id}" for d in inst.dimensions])
    for column, codes, texts in (("stage", scores.level, [""] + [s.key for s in inst.stages]),
                                 ("stage_rule", scores.decided_by, rules)):
        out[column] = pa.DictionaryArray.from_arrays(
            pa.array(kept(codes).astype(np.int32)), pa.array(texts, pa.string()))
    for d in inst.dimensions:
        out[f"{d.id}_score"] = pa.array(kept(scores.dimensions[d.id]))
    return pa.table(out)


class _NothingWritten(Exception):
    """Raised inside the writer to leave no output file (invalid rows, no --skip-invalid)."""


def score_csv(inst: Instrument, source: str | Path, output: str | Path, *,
              skip_invalid: bool = False, progress: Callable[[int], None] | None = None,
              lang: str = "en") -> BatchOutcome:
    """Score every row of ``source`` (CSV, XLSX, SPSS .sav or Parquet) into ``output`` (CSV,
    XLSX or Parquet by its suffix). With invalid rows and no ``skip_invalid``, nothing is
    written and the outcome lists the first problems.

    The rows are read, checked, scored and written chunk by chunk, the next chunk parsed in a
    thread meanwhile (:func:`~socialmaturity.intake.tables.read_batches`); ``progress`` is told
    its share of ``len(inst.scored_questions)`` steps as the chunks are done.
    """
    from ..intake import tables
    from ..intake.writing import TableWriter

    batches = tables.read_batches(source, expected=EXPECTED)
    check_columns(inst, batches.names, source)
    steps, told = len(inst.scored_questions), 0
    shown: list[Problem] = []
    known: dict[str, dict] = {}  # the values checked in the chunks before
    rows = written = bad = 0
    try:
        # CSV: no formulas (OWASP), scores with one decimal; Parquet: the numbers as they are
        with TableWriter(output, decimals=1) as writer:
            for frame in batches:
                scores, problems = score_table(inst, frame, lang=lang, known=known)
                shown += row_problems(source, problems, rows, MAX_LISTED - bad, lang)
                bad += len(problems)
                if skip_invalid or not bad:
                    keep = np.ones(len(frame), dtype=bool)
                    keep[list(problems)] = False
                    writer.write(scores_table(inst, frame, scores, keep, rows + 1))
                    written += int(keep.sum())
                rows += len(frame)
                if progress:
                    done = min(steps, max(told, int(steps * rows /
                                                    max(1, batches.rows or rows))))
                    progress(done - told)
                    told = done
            if bad and not skip_invalid:
                raise _NothingWritten
    except _NothingWritten:
        return BatchOutcome(rows, 0, 0, shown, bad)
    finally:
        if progress and told < steps:
            progress(steps - told)
    return BatchOutcome(rows, written, rows - written, shown, bad)
