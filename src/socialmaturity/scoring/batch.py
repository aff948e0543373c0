"""The vectorized form of :mod:`socialmaturity.scoring.engine`: many respondents at once.

Answers are first encoded per question into two numpy arrays, ``status`` (0 answered,
1 unanswered, 2 don't know, 3 not applicable) and ``value`` (the option's index for a
single choice, a bit mask of the chosen options for a multi-select, the number for a numeric
question). Scoring then runs column by column in the same order and with the same arithmetic
as the single path, so both give identical scores; a test holds them equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import shown
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from .engine import EPSILON, gate_dimension, multi_cap

ANSWERED, MISSING, DK, NA = 0, 1, 2, 3
MULTI_SEPARATOR = ";"


@dataclass
class Column:
    status: np.ndarray  # int8
    value: np.ndarray  # int64 (option index or bit mask) or float64 (numeric)


@dataclass
class Encoded:
    n: int
    columns: dict[str, Column]


@dataclass
class BatchScores:
    overall: np.ndarray  # float64, rounded to 0.1
    level: np.ndarray  # int8
    threshold_level: np.ndarray
    #: 0 threshold, 1 + i for gate i, 1 + len(gates) + j for the weakest-link dimension j
    decided_by: np.ndarray
    dimensions: dict[str, np.ndarray]  # rounded dimension scores, NaN when every item is N/A
    dimension_levels: dict[str, np.ndarray]  # 0 when the dimension has no score
    answered: dict[str, np.ndarray]
    gates: dict[str, np.ndarray]  # bool


def round_scores(x: np.ndarray) -> np.ndarray:
    return np.floor(x * 10 + 0.5 + EPSILON) / 10


def levels_for(inst: Instrument, scores: np.ndarray) -> np.ndarray:
    level = np.ones(scores.shape, dtype=np.int8)
    for s in inst.stages:
        level[scores >= s.min_score - EPSILON] = s.level
    level[np.isnan(scores)] = 0
    return level


def _cell_text(cell: object) -> str | None:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return None
    text = str(cell).strip()
    return text or None


def encode_values(inst: Instrument, q: Question, cells: list[object]
                  ) -> tuple[Column, list[tuple[int, str]]]:
    """Encode the unique cells of one question column; return the column for those uniques
    and the (unique index, what is wrong) of every invalid one."""
    keys = inst.index.option_keys(q.id)
    n = len(cells)
    status = np.full(n, MISSING, dtype=np.int8)
    value = np.zeros(n, dtype=np.float64 if q.type == "numeric" else np.int64)
    bad: list[tuple[int, str]] = []
    specials = {DONT_KNOW: (DK, q.dont_know), NOT_APPLICABLE: (NA, q.not_applicable)}
    valid_text = ", ".join(keys + [k for k, (_, on) in specials.items() if on])
    for i, cell in enumerate(cells):
        text = _cell_text(cell)
        if text is None:
            continue
        if text in specials and specials[text][1]:
            status[i] = specials[text][0]
            continue
        if q.type == "single":
            if text in keys:
                status[i], value[i] = ANSWERED, keys.index(text)
            else:
                bad.append((i, f"{shown(text)} is not an option; valid: {valid_text}"))
        elif q.type == "multi":
            parts = [p.strip() for p in text.split(MULTI_SEPARATOR) if p.strip()]
            wrong = [p for p in parts if p not in keys]
            exclusive = [o.key for o in inst.index.options[q.id] if o.exclusive and o.key in parts]
            if wrong:
                bad.append((i, f"{shown(wrong[0])} is not an option; valid: {valid_text} "
                               f"(several separated by '{MULTI_SEPARATOR}')"))
            elif exclusive and len(parts) > 1:
                bad.append((i, f"{exclusive[0]!r} excludes every other option"))
            else:
                status[i] = ANSWERED
                value[i] = sum(1 << keys.index(p) for p in set(parts))
        else:
            try:
                number = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in \
                    text else float(text)
            except ValueError:
                bad.append((i, f"{shown(text)} is not a number; valid: {q.min:g} to {q.max:g}"
                               + (f" or {DONT_KNOW}" if q.dont_know else "")))
                continue
            if not (q.min <= number <= q.max):  # type: ignore[operator]
                bad.append((i, f"{number:g} is out of range: {q.min:g} to {q.max:g}"))
            else:
                status[i], value[i] = ANSWERED, number
    return Column(status, value), bad


def encode_frame(inst: Instrument, frame: Mapping[str, object], n: int,
                 questions: list[Question], progress: Callable[[int], None] | None = None,
                 ) -> tuple[Encoded, dict[int, list[tuple[str, str]]]]:
    """Encode question columns of a table (pandas DataFrame or mapping of column → values).

    Unique cells are validated once each, so a million rows cost about as much as their
    distinct answers. Problems are (column, what is wrong) keyed by 0-based data row.
    """
    import pandas as pd

    columns: dict[str, Column] = {}
    problems: dict[int, list[tuple[str, str]]] = {}
    for q in questions:
        if q.id not in frame:
            columns[q.id] = Column(np.full(n, MISSING, dtype=np.int8),
                                   np.zeros(n, dtype=np.float64 if q.type == "numeric"
                                            else np.int64))
            continue
        series = frame[q.id]
        if isinstance(getattr(series, "dtype", None), pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy()  # type: ignore[union-attr]
            uniques = list(series.cat.categories)  # type: ignore[union-attr]
        else:
            codes, uniques = pd.factorize(pd.Series(series, dtype=object), use_na_sentinel=True)
        col, bad = encode_values(inst, q, list(uniques))
        # code -1 (empty cell) picks the appended "unanswered" entry
        status = np.append(col.status, np.int8(MISSING))[codes]
        value = np.append(col.value, col.value.dtype.type(0))[codes]
        for u, message in bad:
            for row in np.flatnonzero(codes == u):
                problems.setdefault(int(row), []).append((q.id, message))
        columns[q.id] = Column(status, value)
        if progress:
            progress(1)
    return Encoded(n, columns), problems


def encode_responses(inst: Instrument, answers: list[Mapping[str, object]]) -> Encoded:
    """Encode validated single-path answers (``Responses.answers`` dicts) for the batch path."""
    n = len(answers)
    columns: dict[str, Column] = {}
    for q in inst.scored_questions:
        keys = inst.index.option_keys(q.id)
        status = np.full(n, MISSING, dtype=np.int8)
        value = np.zeros(n, dtype=np.float64 if q.type == "numeric" else np.int64)
        for i, a in enumerate(answers):
            v = a.get(q.id)
            if v is None:
                continue
            if v == DONT_KNOW:
                status[i] = DK
            elif v == NOT_APPLICABLE:
                status[i] = NA
            elif q.type == "single":
                status[i], value[i] = ANSWERED, keys.index(v)  # type: ignore[arg-type]
            elif q.type == "multi":
                status[i], value[i] = ANSWERED, sum(1 << keys.index(k) for k in v)
            else:
                status[i], value[i] = ANSWERED, v  # type: ignore[assignment]
        columns[q.id] = Column(status, value)
    return Encoded(n, columns)


def _item_scores(inst: Instrument, q: Question, col: Column) -> np.ndarray:
    options = inst.index.options[q.id]
    if q.type == "single":
        points = np.array([o.points or 0.0 for o in options])
        table = (points - points.min()) / (points.max() - points.min())
        s = table[np.clip(col.value, 0, len(options) - 1)]
    elif q.type == "multi":
        cap = multi_cap(inst, q)
        total = np.zeros(len(col.value))
        for i, o in enumerate(options):
            total = total + np.where((col.value >> i) & 1, o.points or 0.0, 0.0)
        s = np.minimum(np.maximum(total, 0.0), cap) / cap
    else:
        a, b = q.score_range  # type: ignore[misc]
        s = np.minimum(np.maximum((col.value - a) / (b - a), 0.0), 1.0)
    s = np.where(col.status == ANSWERED, s, 0.0)
    return np.where(col.status == NA, np.nan, s)


def item_score_matrix(inst: Instrument, enc: Encoded, *, answered_only: bool = False
                      ) -> dict[str, np.ndarray]:
    """Item scores (0–1) of every scored question in ``enc``, by question id: the numbers
    ``score_encoded`` averages into dimension scores.

    As scored, an unanswered question and "don't know" count 0 and "not applicable" is NaN.
    With ``answered_only`` every answer that is not a real option/number is NaN, which is what
    item statistics such as Cronbach's alpha need (a missing answer is not a low score).
    """
    out: dict[str, np.ndarray] = {}
    for q in inst.scored_questions:
        col = enc.columns.get(q.id)
        if col is None:
            continue
        s = _item_scores(inst, q, col)
        out[q.id] = np.where(col.status == ANSWERED, s, np.nan) if answered_only else s
    return out


def _gate_met(inst: Instrument, gate_index: int, enc: Encoded,
              dims: dict[str, np.ndarray]) -> np.ndarray:
    c = inst.rules.gates[gate_index].condition
    if c.dimension is not None:
        return np.nan_to_num(dims[c.dimension], nan=-1.0) >= c.min_score - EPSILON  # type: ignore[operator]
    col = enc.columns[c.question]  # type: ignore[index]
    q = inst.index.questions[c.question]  # type: ignore[index]
    keys = inst.index.option_keys(q.id)
    answered = col.status == ANSWERED
    if c.any_of is not None:
        if q.type == "multi":
            mask = sum(1 << keys.index(k) for k in c.any_of)
            return answered & ((col.value & mask) != 0)
        return answered & np.isin(col.value, [keys.index(k) for k in c.any_of])
    count = np.zeros(enc.n, dtype=np.int64)
    for i, o in enumerate(inst.index.options[q.id]):
        if not o.exclusive:
            count += (col.value >> i) & 1
    return answered & (count >= (c.min_selected or 0))


def score_encoded(inst: Instrument, enc: Encoded) -> BatchScores:
    """Score encoded answers; the same rules, in the same order, as ``score_responses``."""
    n = enc.n
    num_all = np.zeros(n)
    den_all = np.zeros(n)
    dims: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    for d in inst.dimensions:
        num = np.zeros(n)
        den = np.zeros(n)
        count = np.zeros(n, dtype=np.int16)
        for q in d.questions:
            col = enc.columns[q.id]
            count += col.status != MISSING
            s = _item_scores(inst, q, col)
            ok = ~np.isnan(s)
            num = num + np.where(ok, q.weight * np.nan_to_num(s), 0.0)
            den = den + np.where(ok, q.weight, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            raw = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)
        has = ~np.isnan(raw)
        num_all = num_all + np.where(has, d.weight * np.nan_to_num(raw), 0.0)
        den_all = den_all + np.where(has, d.weight, 0.0)
        dims[d.id] = round_scores(raw)
        answered[d.id] = count
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(den_all > 0, round_scores(num_all / np.where(den_all > 0, den_all, 1)),
                           0.0)
    threshold = levels_for(inst, overall)
    dim_levels = {d: levels_for(inst, s) for d, s in dims.items()}
    gates = {g.id: _gate_met(inst, i, enc, dims) for i, g in enumerate(inst.rules.gates)}
    level = threshold.copy()
    decided = np.zeros(n, dtype=np.int16)
    stage_levels = {s.key: s.level for s in inst.stages}
    for g in inst.rules.gates:  # a dimension's stage respects its own gates
        dim = gate_dimension(inst, g)
        if dim is not None:
            capped = ~gates[g.id] & (dim_levels[dim] > stage_levels[g.stage] - 1)
            dim_levels[dim] = np.where(capped, np.int8(stage_levels[g.stage] - 1),
                                       dim_levels[dim])
    for i, g in enumerate(inst.rules.gates):
        cap = stage_levels[g.stage] - 1
        hit = ~gates[g.id] & (cap < level)
        level[hit] = cap
        decided[hit] = 1 + i
    wl = inst.rules.weakest_link
    if wl is not None:
        big = np.int8(127)
        low = np.full(n, big, dtype=np.int8)
        weakest = np.zeros(n, dtype=np.int16)
        for j, d in enumerate(inst.dimensions):
            lv = np.where(dim_levels[d.id] == 0, big, dim_levels[d.id])
            lower = lv < low
            low = np.where(lower, lv, low)
            weakest[lower] = j
        cap = low.astype(np.int16) + wl.max_above
        hit = (low != big) & (cap < level)
        level[hit] = cap[hit]
        decided[hit] = 1 + len(inst.rules.gates) + weakest[hit]
    return BatchScores(overall, level, threshold, decided, dims, dim_levels, answered, gates)
