"""Perception gaps: where the departments of one organization see it differently.

Departments shown (at least ``k`` respondents, the rest pooled as ``other``), their scores
(each group's answers rolled up and scored by the same engine), the spread and agreement
index per dimension (``1 − σ / 50`` over the respondents' own dimension scores; R:
``1 - sqrt(mean((x - mean(x))^2)) / 50``) and the largest disagreements per question, as the
README's "Team assessments (command line)" defines them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument
from ..scoring.answers import Value
from ..scoring.batch import BatchScores, item_score_matrix, score_encoded
from ..scoring.encode import ANSWERED, Column, Encoded
from ..scoring.rollup import combine, decode
from .round import Round, department_keys

#: The key of the pooled group (departments with fewer than k respondents).
OTHER = "other"
#: σ_max: the largest population standard deviation of scores on 0–100.
MAX_SD = 50.0
#: The largest disagreements listed.
TOP_DISAGREEMENTS = 5


@dataclass(frozen=True)
class Group:
    """Respondents shown together: one department, or the pooled ``other``."""

    key: str
    members: tuple[int, ...]  #: rows of the round's respondents
    #: for the pooled group: the departments whose respondents it holds (``other`` included
    #: when respondents chose it)
    pooled: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Grouping:
    k: int
    #: department key → respondents, every department with at least one (instrument order)
    counts: dict[str, int]
    shown: tuple[Group, ...]
    #: the pooled group when it has fewer than k respondents (shown nowhere per group)
    left_out: Group | None


def group_respondents(rnd: Round, k: int) -> Grouping:
    """The groups shown: each department with at least ``k`` respondents, then the pooled
    ``other`` group when it reaches ``k`` (see the module docstring)."""
    keys = department_keys(rnd.inst)
    rows: dict[str, list[int]] = {key: [] for key in keys}
    for i, r in enumerate(rnd.respondents):
        rows[r.department].append(i)
    counts = {key: len(v) for key, v in rows.items() if v}
    shown = [Group(key, tuple(v)) for key, v in rows.items()
             if key != OTHER and len(v) >= k]
    pooled = [key for key, v in rows.items() if v and (key == OTHER or len(v) < k)]
    members = tuple(sorted(i for key in pooled for i in rows[key]))
    pool = Group(OTHER, members, tuple(pooled)) if members else None
    if pool is not None and pool.n >= k:
        return Grouping(k, counts, (*shown, pool), None)
    return Grouping(k, counts, tuple(shown), pool)


@dataclass(frozen=True)
class GroupScores:
    """Every respondent's own scores and each shown group's rolled-up answers and scores,
    from one pass of the scoring engine over the respondents' rows followed by the groups'."""

    inst: Instrument
    grouping: Grouping
    n: int  #: respondents: the first n rows of ``scores`` and ``items``
    combined: Encoded  #: the groups' rolled-up answers (one row per shown group, then the rest)
    scores: BatchScores
    items: dict[str, np.ndarray]  #: item scores 0–1 (NaN: not applicable), same rows

    def _groups(self, values: np.ndarray) -> np.ndarray:
        return values[self.n:self.n + len(self.grouping.shown)]

    def dimension(self, dimension: str) -> list[float | None]:
        """The dimension's score per shown group (None when all of it was not applicable)."""
        return [None if np.isnan(x) else float(x)
                for x in self._groups(self.scores.dimensions[dimension])]

    def own(self, dimension: str) -> np.ndarray:
        """Every respondent's own score on the dimension (NaN: all not applicable)."""
        return self.scores.dimensions[dimension][:self.n]

    def group_items(self, qid: str) -> np.ndarray:
        return self._groups(self.items[qid])

    def respondents(self) -> BatchScores:
        """The respondents' own scores (the first n rows)."""
        s, rows = self.scores, slice(0, self.n)
        return BatchScores(s.overall[rows], s.level[rows], s.threshold_level[rows],
                           s.decided_by[rows], *({k: v[rows] for k, v in part.items()}
                                                 for part in (s.dimensions, s.dimension_levels,
                                                              s.answered, s.gates)))

    @cached_property
    def answers(self) -> list[dict[str, Value]]:
        """The rolled-up answers of each shown group."""
        return [decode(self.inst, self.combined, g) for g in range(len(self.grouping.shown))]


def _stacked(a: Encoded, b: Encoded) -> Encoded:
    """The rows of ``a`` followed by those of ``b``."""
    return Encoded(a.n + b.n, {q: Column(np.concatenate([c.status, b.columns[q].status]),
                                         np.concatenate([c.value, b.columns[q].value]))
                               for q, c in a.columns.items()})


def group_scores(rnd: Round, grouping: Grouping) -> GroupScores:
    """Roll up every shown group at once (the respondents of no shown group form one extra
    row, left out of the figures), then score the respondents and the groups together."""
    m = len(grouping.shown)
    codes = np.full(rnd.n, m, dtype=np.int64)
    for g, group in enumerate(grouping.shown):
        codes[list(group.members)] = g
    combined = combine(rnd.inst, rnd.encoded, codes, m + 1)
    rows = _stacked(rnd.encoded, combined)
    return GroupScores(rnd.inst, grouping, rnd.n, combined, score_encoded(rnd.inst, rows),
                       item_score_matrix(rnd.inst, rows))


@dataclass(frozen=True)
class Agreement:
    dimension: str
    n: int  #: respondents with a score on the dimension
    sd: float | None  #: population standard deviation of their scores
    index: float | None  #: 1 − sd / 50
    spread: float | None  #: highest − lowest score of the groups shown


def sd_agreement(values: Sequence[float]) -> tuple[float | None, float | None]:
    """(population standard deviation, agreement index 1 − σ/50) of scores on 0–100."""
    x = np.asarray([v for v in values if v is not None and not np.isnan(v)], dtype=np.float64)
    if len(x) < 2:
        return None, None
    sd = float(np.sqrt(np.mean((x - x.mean()) ** 2)))
    return sd, 1.0 - sd / MAX_SD


def agreement(rnd: Round, scores: GroupScores) -> list[Agreement]:
    """Per dimension, in the instrument's order: agreement over the respondents, spread over
    the groups shown."""
    out = []
    for d in rnd.inst.dimensions:
        own = scores.own(d.id)
        sd, index = sd_agreement(list(own))
        cells = [x for x in scores.dimension(d.id) if x is not None]
        spread = max(cells) - min(cells) if len(cells) >= 2 else None
        out.append(Agreement(d.id, int(np.count_nonzero(~np.isnan(own))), sd, index, spread))
    return out


@dataclass(frozen=True)
class AnswerCount:
    #: an option key, a number, ``dont-know``, ``not-applicable``; None: not answered
    answer: str | float | None
    count: int


@dataclass(frozen=True)
class GroupAnswers:
    key: str
    n: int
    answer: Value | None  #: the group's rolled-up answer
    item_score: float | None  #: its item score, 0–100 (None when not a real answer)
    counts: tuple[AnswerCount, ...]  #: the answers given (a multi-select: per option)


@dataclass(frozen=True)
class Disagreement:
    question: str
    spread: float  #: highest − lowest item score (0–100) of the groups' rolled-up answers
    sd: float | None  #: population SD of the respondents' own item scores (0–100)
    groups: tuple[GroupAnswers, ...]


def disagreements(rnd: Round, scores: GroupScores, top: int = TOP_DISAGREEMENTS
                  ) -> list[Disagreement]:
    """The ``top`` questions the groups shown disagree on most (see the module docstring)."""
    inst = rnd.inst
    shown = scores.grouping.shown
    m = len(shown)
    if m < 2:
        return []
    ranked = []
    for order, q in enumerate(inst.scored_questions):
        real = scores.combined.columns[q.id].status[:m] == ANSWERED
        if np.count_nonzero(real) < 2:
            continue
        items = 100.0 * scores.group_items(q.id)[real]
        spread = float(items.max() - items.min())
        if spread <= 1e-9:
            continue
        own = scores.items[q.id][:rnd.n][rnd.encoded.columns[q.id].status == ANSWERED]
        sd = float(100.0 * np.sqrt(np.mean((own - own.mean()) ** 2))) if len(own) >= 2 else None
        ranked.append((-spread, -(sd or 0.0), order, q.id, spread, sd))
    ranked.sort()
    out = []
    for *_, qid, spread, sd in ranked[:top]:
        real = scores.combined.columns[qid].status == ANSWERED
        out.append(Disagreement(qid, spread, sd, tuple(GroupAnswers(
            group.key, group.n, scores.answers[g].get(qid),
            100.0 * float(scores.group_items(qid)[g]) if real[g] else None,
            answer_counts(rnd, qid, group.members)) for g, group in enumerate(shown))))
    return out


def answer_counts(rnd: Round, qid: str, members: Sequence[int]) -> tuple[AnswerCount, ...]:
    """How often each answer was given by ``members``: options in the instrument's order
    (a multi-select counts each chosen option), numbers in order, then "don't know", "not
    applicable" and not answered; answers nobody gave are left out."""
    counts: dict[str | float | None, int] = {}
    for i in members:
        value = rnd.respondents[i].responses.answers.get(qid)
        for v in value if isinstance(value, list) else [value]:
            counts[v] = counts.get(v, 0) + 1
    keys = rnd.inst.index.option_keys(qid)
    numbers = sorted(v for v in counts if isinstance(v, float | int))
    order = [*keys, *numbers, DONT_KNOW, NOT_APPLICABLE, None]
    return tuple(AnswerCount(v, counts[v]) for v in order if v in counts)


@dataclass(frozen=True)
class Gaps:
    """Everything about the groups of one round."""

    grouping: Grouping
    scores: GroupScores
    agreement: list[Agreement]
    disagreements: list[Disagreement]


def perception_gaps(rnd: Round, k: int, top: int = TOP_DISAGREEMENTS) -> Gaps:
    """Groups, their scores, agreement and spread per dimension, the largest disagreements."""
    grouping = group_respondents(rnd, k)
    scores = group_scores(rnd, grouping)
    return Gaps(grouping, scores, agreement(rnd, scores), disagreements(rnd, scores, top))

