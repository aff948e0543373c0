"""Several respondents of one organization → one set of answers, scored by the same engine.

**The roll-up rule.** For each scored question, among the organization's respondents who gave
a real answer (an option or a number; "don't know" defers to colleagues who know):

- single choice: the *lower median* of their answers, ordered by points: the highest rung
  that more than half of them reach ("the organization does it when most of the people who
  answered say so"; where they split evenly, the lower of the two middle answers counts);
- multi-select: each option that at least half of them selected; when no option reaches half,
  the exclusive option ("none of these") where the question has one, else the most chosen
  options;
- numeric: the lower median of their numbers.

When nobody gave a real answer the organization's answer is "don't know" if anyone said so,
else "not applicable" if anyone said so, else unanswered. The combined answers are then scored
like any respondent's (:func:`~socialmaturity.scoring.batch.score_encoded`), so the
organization's scores, stage, gates, recommendations and what-if effects follow the same
rules. An organization of one respondent keeps that respondent's answers.

Equivalent in R, for a single-choice question with points ``p``: ``aggregate(p ~ org, data,
function(x) sort(x)[(length(x) + 1) %/% 2])``.
"""

from __future__ import annotations

import numpy as np

from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument
from .encode import ANSWERED, DK, MISSING, NA, Column, Encoded, encode_answer
from .encode import decode as decode_answer


def encode_answers(inst: Instrument, rows: list[dict]) -> Encoded:
    """Several respondents' answers in the normal form (``Responses.answers``), one row each,
    as the encoded columns the batch engine scores and the roll-up combines."""
    n = len(rows)
    columns = {}
    for q in inst.scored_questions:
        status = np.empty(n, dtype=np.int8)
        value = np.zeros(n, dtype=np.float64 if q.type == "numeric" else np.int64)
        for i, answers in enumerate(rows):
            status[i], value[i] = encode_answer(inst, q, answers.get(q.id))
        columns[q.id] = Column(status, value)
    return Encoded(n, columns)


def _lower_median(values: np.ndarray, groups: np.ndarray, m: int) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """Per group, the lower median of ``values`` and whether the group has any value."""
    counts = np.bincount(groups, minlength=m)
    order = np.lexsort((values, groups))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    out = np.zeros(m, dtype=values.dtype)
    out[has] = values[order][starts[has] + (counts[has] - 1) // 2]
    return out, has


def combine_column(inst: Instrument, qid: str, col: Column, groups: np.ndarray,
                   m: int) -> Column:
    """One question's answers combined per group (``groups``: 0..m-1 per respondent)."""
    q = inst.index.questions[qid]
    real = col.status == ANSWERED
    g = groups[real]
    v = col.value[real]
    status = np.full(m, MISSING, dtype=np.int8)
    for code in (NA, DK):  # "don't know" wins over "not applicable" when nobody knows
        status[np.bincount(groups[col.status == code], minlength=m) > 0] = code
    value = np.zeros(m, dtype=col.value.dtype)
    if q.type == "multi":
        options = inst.index.options[qid]
        n_real = np.bincount(g, minlength=m)
        has = n_real > 0
        mask = np.zeros(m, dtype=np.int64)
        exclusive = np.zeros(m, dtype=np.int64)
        top = np.zeros(m, dtype=np.int64)  # the most chosen options
        most = np.zeros(m, dtype=np.int64)
        for i, o in enumerate(options):
            chosen = np.bincount(g[((v >> i) & 1) == 1], minlength=m)
            bit = np.int64(1) << i
            if o.exclusive:
                exclusive |= np.where(has, bit, 0)  # nothing reaches half: "none of these"
                continue
            mask |= np.where(has & (2 * chosen >= n_real), bit, 0)
            top = np.where(chosen > most, bit, np.where((chosen == most) & (chosen > 0),
                                                        top | bit, top))
            most = np.maximum(most, chosen)
        value = np.where(mask != 0, mask, np.where(exclusive != 0, exclusive, top))
    elif q.type == "single":
        options = inst.index.options[qid]
        order = sorted(range(len(options)), key=lambda i: (options[i].points or 0.0, i))
        rank_of = np.empty(len(options), dtype=np.int64)
        rank_of[order] = np.arange(len(options))
        med, has = _lower_median(rank_of[v], g, m)
        value = np.asarray(order, dtype=np.int64)[med]
    else:
        value, has = _lower_median(v.astype(np.float64), g, m)
    status[has] = ANSWERED
    return Column(status, np.where(has, value, 0).astype(col.value.dtype))


def combine(inst: Instrument, enc: Encoded, groups: np.ndarray, m: int) -> Encoded:
    """Every scored question's answers combined per group, by the roll-up rule."""
    groups = np.asarray(groups, dtype=np.int64)
    return Encoded(m, {qid: combine_column(inst, qid, col, groups, m)
                       for qid, col in enc.columns.items()})


def decode(inst: Instrument, enc: Encoded, row: int) -> dict[str, object]:
    """One row of encoded answers back in the answers-file form (question id → value)."""
    out: dict[str, object] = {}
    for qid, col in enc.columns.items():
        value = decode_answer(inst, inst.index.questions[qid], int(col.status[row]),
                              col.value[row])
        if value is not None:
            out[qid] = value
    return out


def combine_frame(inst: Instrument, frame, questions=None, by: str = "organization_id"):
    """A batch-layout table rolled up to one row per organization (in order of first
    appearance): ``by``, ``n_respondents``, the first respondent's other columns (profile), and
    every question of ``questions`` (default: scored and outcome questions) combined by the
    roll-up rule and written back as option keys, ``;``-joined keys or numbers. Rows without
    an organization id are organizations of their own."""
    import pandas as pd

    from ..benchmark.panel import organization_codes
    from .encode import MULTI_SEPARATOR, encode_frame

    questions = list(questions if questions is not None
                     else inst.scored_questions + list(inst.outcomes))
    n = len(frame)
    codes, m = organization_codes(frame, n, by)
    enc, _ = encode_frame(inst, frame, n, questions)
    combined = combine(inst, enc, codes, m)
    _, first = np.unique(codes, return_index=True)
    ids = {q.id for q in questions}
    out = frame.iloc[first][[c for c in frame.columns if c not in ids
                             and c != "n_respondents"]].reset_index(drop=True)
    out.insert(min(1, len(out.columns)), "n_respondents", np.bincount(codes, minlength=m))
    for q in questions:
        col = combined.columns[q.id]
        keys = inst.index.option_keys(q.id) if q.type != "numeric" else []
        if q.type == "single":
            text = np.array(keys, dtype=object)[np.clip(col.value, 0, len(keys) - 1)]
        elif q.type == "multi":
            codes_, uniques = pd.factorize(col.value)
            table = np.array([MULTI_SEPARATOR.join(k for i, k in enumerate(keys) if int(u) >> i
                                                   & 1) for u in uniques], dtype=object)
            text = table[codes_]
        else:
            text = col.value.astype(object)
        text = np.where(col.status == ANSWERED, text, None).astype(object)
        text[col.status == DK] = DONT_KNOW
        text[col.status == NA] = NOT_APPLICABLE
        out[q.id] = text
    return out
