"""Many respondents at once: the rules of :mod:`socialmaturity.scoring.engine` over numpy
columns of answers encoded by :mod:`socialmaturity.scoring.encode`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..instrument.model import Instrument
from .encode import ANSWERED, Encoded
from .engine import MANY, dimension, finish, item, rule_of


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


def _full(n: int, x, dtype) -> np.ndarray:
    """``x`` as an array of n ``dtype`` (a rule that did not depend on the answers gave a
    plain number)."""
    if isinstance(x, np.ndarray) and x.shape == (n,):
        return x.astype(dtype, copy=False)
    return np.full(n, x, dtype=dtype)


def score_encoded(inst: Instrument, enc: Encoded) -> BatchScores:
    """Score encoded answers with the rules of :mod:`.engine`, a column at a time."""
    n = enc.n
    cols = {q: (c.status, c.value) for q, c in enc.columns.items()}
    dims, answered = {}, {}
    for d in inst.dimensions:
        _, dims[d.id], count = dimension(MANY, inst, d, cols)
        answered[d.id] = _full(n, count, np.int16)
    f = finish(MANY, inst, cols, dims)
    del dims
    for x, has in f["rounded"].values():  # no score: NaN
        x[~has] = np.nan
    return BatchScores(
        _full(n, f["overall"], np.float64), _full(n, f["level"], np.int8),
        _full(n, f["threshold"], np.int8), _full(n, f["decided"], np.int16),
        {d: _full(n, x, np.float64) for d, (x, _) in f["rounded"].items()},
        {d: _full(n, lv, np.int8) for d, lv in f["dimension_levels"].items()}, answered,
        {g: _full(n, m, bool) for g, m in f["gates"].items()})


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
        s, counted = item(MANY, rule_of(inst, q.id), col.status, col.value)
        keep = col.status == ANSWERED if answered_only else counted
        out[q.id] = _full(enc.n, np.where(keep, s, np.nan), np.float64)
    return out
