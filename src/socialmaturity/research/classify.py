"""Classify respondents with the scoring engine, and roll respondents up to organizations.

:func:`classify` scores every row of the tidy table through the same vectorized engine as
``socialmaturity score --batch`` (:func:`~socialmaturity.scoring.encode.encode_frame` and
:func:`~socialmaturity.scoring.batch.score_encoded`), so a respondent gets the same scores and
stage here as anywhere else in the product; a test holds the two equal.

:func:`roll_up` gives one row per organization by the product's one roll-up rule
(:mod:`socialmaturity.scoring.rollup`, as the benchmark's peers): the respondents' answers
combined per question, then scored by the same engine. Respondents without an organization
id count as organizations of their own.

Equivalent in R for a single-choice question with points ``p``: ``aggregate(p ~
organization_id, data, function(x) sort(x)[(length(x) + 1) %/% 2])``, then the scoring rules.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import Problem
from ..instrument.model import Instrument
from ..scoring.batch import BatchScores, score_encoded
from ..scoring.rollup import combine_frame
from .checks import ResearchInputError, encoded_answers, require_columns, where

__all__ = ["MATURE_LEVEL", "classify", "roll_up", "score_frame", "SCORE_COLUMNS"]

#: Stage level from which an organization counts as mature ("strategic" and above).
MATURE_LEVEL = 3
#: The columns :func:`classify` adds besides the ``<dimension>_score`` columns.
SCORE_COLUMNS = ("overall_score", "stage", "stage_level", "stage_rule", "mature")
MAX_LISTED = 20


def score_frame(frame: pd.DataFrame, inst: Instrument,
                progress: Callable[[int], None] | None = None) -> BatchScores:
    """Score the rows with the batch engine; raise naming the row and column of every
    answer that does not fit the instrument (the first 20, with the total). A profile value
    the table has is checked as ``score --batch`` checks it; an absent or empty one is no
    error here (the scores do not depend on the profile; research data may lack it)."""
    profile = [q for q in inst.profile if q.type in ("single", "text") and q.id in frame]
    enc = encoded_answers(inst, frame, [*inst.scored_questions, *profile],
                          lambda row, column: where(column, _row_label(frame, row)),
                          limit=MAX_LISTED, progress=progress)
    return score_encoded(inst, enc)


def _row_label(frame: pd.DataFrame, row: int) -> object:
    """How a row is named in messages: its respondent id when there is one, else the index."""
    if "respondent_id" in frame.columns:
        rid = frame["respondent_id"].iloc[row]
        if isinstance(rid, str) and rid:
            return f"{row + 1} ({rid})"
    return frame.index[row]


def classify(frame: pd.DataFrame, inst: Instrument, *, mature_level: int = MATURE_LEVEL,
             progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Score and classify every respondent with the scoring engine.

    Parameters
    ----------
    frame : pandas.DataFrame
        The tidy table (the batch-CSV layout): every scored question id as a column
        (option keys, multi-selects joined by ``;``, numbers, ``dont-know`` /
        ``not-applicable``, empty when unanswered). Other columns are kept.
    inst : Instrument
    mature_level : int
        Stage level from which ``mature`` is True (3: "strategic" and above).

    Returns
    -------
    pandas.DataFrame
        ``frame`` (same index, same columns; earlier score columns replaced) with
        ``overall_score`` (0–100), ``stage`` (key), ``stage_level`` (int),
        ``stage_rule`` (``threshold``, ``gate:<id>``, ``weakest-link:<dimension>``),
        ``mature`` (bool: ``stage_level >= mature_level``) and one ``<dimension>_score``
        column per dimension (NaN when every question was not applicable). The scores equal
        ``socialmaturity score --batch``'s.

    Raises
    ------
    ResearchInputError
        A scored question without a column, or an answer that is no option of its question.
    """
    check_mature_level(inst, mature_level)
    require_columns(frame, [q.id for q in inst.scored_questions], "question column")
    scores = score_frame(frame, inst, progress)
    return _with_scores(frame, inst, scores, mature_level)


def _with_scores(frame: pd.DataFrame, inst: Instrument, scores: BatchScores,
                 mature_level: int) -> pd.DataFrame:
    stage_keys = np.array([""] * (max(s.level for s in inst.stages) + 1), dtype=object)
    for s in inst.stages:
        stage_keys[s.level] = s.key
    rules = np.array(["threshold"] + [f"gate:{g.id}" for g in inst.rules.gates]
                     + [f"weakest-link:{d.id}" for d in inst.dimensions], dtype=object)
    added = {"overall_score": scores.overall,
             "stage": stage_keys[scores.level],
             "stage_level": scores.level.astype(np.int64),
             "stage_rule": rules[scores.decided_by],
             "mature": scores.level >= mature_level}
    for d in inst.dimensions:
        added[f"{d.id}_score"] = scores.dimensions[d.id]
    out = frame.drop(columns=[c for c in added if c in frame.columns])
    return pd.concat([out, pd.DataFrame(added, index=frame.index)], axis=1)


def roll_up(frame: pd.DataFrame, inst: Instrument, by: str = "organization_id", *,
            mature_level: int = MATURE_LEVEL, keep: list[str] | None = None) -> pd.DataFrame:
    """One row per organization, by the roll-up rule of the module docstring.

    Parameters
    ----------
    frame : pandas.DataFrame
        The tidy table with every scored question as a column (as for :func:`classify`).
    inst : Instrument
    by : str
        The organization id column. Rows where it is empty are organizations of their own
        (named by their ``respondent_id`` when there is one).
    keep : list of str, optional
        Columns to carry over (the first non-empty value in the organization); default: the
        benchmark's peer-group fields (sector, size, region), ``organization`` and
        ``synthetic``, where the frame has them.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``n_respondents``, the kept columns, ``overall_score``, ``stage``,
        ``stage_level``, ``stage_rule``, ``mature``, the ``<dimension>_score`` columns and a
        ``gate:<id>`` column per gate (bool), one row per organization in order of first
        appearance.
    """
    check_mature_level(inst, mature_level)
    require_columns(frame, [by], "organization column")
    require_columns(frame, [q.id for q in inst.scored_questions], "question column")
    score_frame(frame, inst)  # every answer valid, or the rows and columns that are not
    ids = frame[by].astype(object).to_numpy().copy()
    empty = pd.isna(ids) | np.array([isinstance(v, str) and not v.strip() for v in ids])
    if empty.any():
        fallback = (frame["respondent_id"].astype(str).to_numpy() if "respondent_id" in frame
                    else np.array([f"row-{i + 1}" for i in range(len(frame))], dtype=object))
        ids[empty] = fallback[empty]
    questions = list(inst.scored_questions)
    combined = combine_frame(inst, frame.assign(**{by: ids}), questions, by=by)
    scores = score_frame(combined, inst)
    out: dict[str, object] = {by: combined[by].to_numpy(dtype=object),
                              "n_respondents": combined["n_respondents"].to_numpy()}
    if keep is None:
        wanted = ["organization", *inst.benchmark.peer_group, "synthetic"]
        keep = [c for c in dict.fromkeys(wanted) if c in frame.columns]
    else:
        require_columns(frame, keep, "column to keep")
    if keep:
        firsts = frame[keep].groupby(pd.Series(ids, index=frame.index), sort=False).first()
        for c in keep:
            out[c] = firsts[c].reindex(out[by]).to_numpy(dtype=object)
    result = _with_scores(pd.DataFrame(out), inst, scores, mature_level)
    for g in inst.rules.gates:
        result[f"gate:{g.id}"] = scores.gates[g.id]
    return result


def check_mature_level(inst: Instrument, mature_level: int) -> None:
    levels = [s.level for s in inst.stages]
    if mature_level not in levels:
        raise ResearchInputError(Problem("mature_level", "{level} is not a stage level; "
                                                         "valid: {levels}", level=mature_level,
                                         levels=levels))
