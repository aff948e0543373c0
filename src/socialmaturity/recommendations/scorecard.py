"""One organization's scores, held so that an answer change is re-scored in a few operations.

A what-if changes one answer, so only its item, its dimension's score, the overall score and
the stage can change. :class:`Scorecard` re-computes exactly those, by the engine's rules and
with the engine's arithmetic (:mod:`socialmaturity.scoring.engine`):

- the item score by :func:`~socialmaturity.scoring.engine.item_score`;
- the dimension score = 100 · Σ wᵢ·sᵢ / Σ wᵢ over its items not left out, summed in question
  order; the overall score = Σ W_d·S_d / Σ W_d over the dimensions with a score, summed in
  dimension order (the same sums, in the same order, as the engine, so the same floats);
- rounding by :func:`~socialmaturity.scoring.engine.round_score`, stages by
  :func:`~socialmaturity.scoring.engine.level_for`, gates by
  :func:`~socialmaturity.scoring.engine.gate_met` (only when the change can touch a gate),
  dimension caps by :func:`~socialmaturity.scoring.engine.dimension_caps` and the overall
  stage by :func:`~socialmaturity.scoring.engine.decide`.

So a :meth:`Scorecard.trial` gives what :func:`~socialmaturity.scoring.engine.score_responses`
gives on the changed answers; ``tests/test_scorecard.py`` holds the two equal for random
answers and random changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..instrument.model import Instrument
from ..scoring.answers import Responses, Value
from ..scoring.engine import (
    Decision,
    Scores,
    decide,
    dimension_caps,
    gate_met,
    item_score,
    level_for,
    round_score,
)


@dataclass(frozen=True)
class Layout:
    """An instrument's dimensions as plain lists (made once per instrument)."""

    dimension_ids: tuple[str, ...]
    dimension_weights: tuple[float, ...]
    #: per dimension: (question id, weight) in question order
    questions: tuple[tuple[tuple[str, float], ...], ...]
    #: question id → position of its dimension
    position: dict[str, int]
    #: questions and dimensions a gate's condition reads
    gate_questions: frozenset[str]
    gate_dimensions: frozenset[str]


def layout(inst: Instrument) -> Layout:
    found = inst.index.__dict__.get("_scorecard_layout")
    if found is None:
        gates = inst.rules.gates
        found = inst.index.__dict__["_scorecard_layout"] = Layout(
            tuple(d.id for d in inst.dimensions), tuple(d.weight for d in inst.dimensions),
            tuple(tuple((q.id, q.weight) for q in d.questions) for d in inst.dimensions),
            {q.id: i for i, d in enumerate(inst.dimensions) for q in d.questions},
            frozenset(g.condition.question for g in gates if g.condition.question),
            frozenset(g.condition.dimension for g in gates if g.condition.dimension))
    return found


class Trial(NamedTuple):
    """The scores with one answer changed (the parts a change can move)."""

    overall: float
    level: int
    threshold_level: int
    decided_by: Decision
    #: every dimension's rounded score and stage, in the instrument's order
    scores: tuple[float | None, ...]
    levels: tuple[int | None, ...]
    gates: dict[str, bool]
    #: the changed item's score, its dimension's position and unrounded score
    item: float | None
    position: int
    raw: float | None


class Scorecard:
    """The scores of one organization's answers; :meth:`trial` re-scores a change,
    :meth:`apply` makes it."""

    def __init__(self, inst: Instrument, responses: Responses, scores: Scores):
        self.inst = inst
        self.layout = layout(inst)
        self.profile = responses.profile
        self.answers = dict(responses.answers)
        self.items = dict(scores.items)
        self.raws = [scores.raw[d] for d in self.layout.dimension_ids]
        self.overall = scores.overall
        self.level = scores.level
        self.threshold_level = scores.threshold_level
        self.decided_by = scores.decided_by
        self.scores = tuple(d.score for d in scores.dimensions)
        self.levels = tuple(d.level for d in scores.dimensions)
        self.gates = scores.gates
        self._caps = dimension_caps(inst, scores.gates)
        self._gate_key = tuple(scores.gates.values())
        self._prefix = self._partial_sums()

    def _partial_sums(self, since: int = 0) -> list[tuple[float, float]]:
        """(Σ W_d·S_d, Σ W_d) over the dimensions before each one, summed as the engine sums
        them (from 0.0, in dimension order); those up to ``since`` are kept."""
        sums = self._prefix[:since + 1] if since else [(0.0, 0.0)]
        num, den = sums[-1]
        weights, raws = self.layout.dimension_weights, self.raws
        for i in range(len(sums) - 1, len(weights) - 1):
            r = raws[i]
            if r is not None:
                num += weights[i] * r
                den += weights[i]
            sums.append((num, den))
        return sums

    def trial(self, question: str, value: Value) -> Trial:
        """The scores with ``question`` answered ``value`` (nothing is changed)."""
        inst, lay = self.inst, self.layout
        at = lay.position[question]
        new = item_score(inst, inst.index.questions[question], value)
        items = self.items
        num = den = 0.0
        for qid, w in lay.questions[at]:
            s = new if qid == question else items[qid]
            if s is not None:
                num += w * s
                den += w
        raw = 100.0 * num / den if den > 0 else None
        # the overall sum in dimension order: up to the changed dimension it is as it was
        num_all, den_all = self._prefix[at]
        weights, raws = lay.dimension_weights, self.raws
        for i in range(at, len(weights)):
            r = raw if i == at else raws[i]
            if r is not None:
                num_all += weights[i] * r
                den_all += weights[i]
        overall = round_score(num_all / den_all) if den_all > 0 else 0.0
        threshold_level = level_for(inst, overall) or 1
        rounded = round_score(raw) if raw is not None else None
        scores = self.scores[:at] + (rounded,) + self.scores[at + 1:]
        dim = lay.dimension_ids[at]
        if question in lay.gate_questions or dim in lay.gate_dimensions:
            gates, levels = self._gated(question, value, scores)
        else:  # the gates, and so every dimension's cap, stay as they are
            gates = self.gates
            level = level_for(inst, rounded)
            cap = self._caps.get(dim)
            if level is not None and cap is not None:
                level = min(level, cap)
            levels = self.levels[:at] + (level,) + self.levels[at + 1:]
        top, decision = self._decide(threshold_level, gates, levels)
        return Trial(overall, top, threshold_level, decision, scores, levels, gates, new, at,
                     raw)

    def _decide(self, threshold_level: int, gates: dict[str, bool],
                levels: tuple[int | None, ...]) -> tuple[int, Decision]:
        """:func:`~socialmaturity.scoring.engine.decide`, remembered per combination (it
        depends on nothing else)."""
        cache = self.inst.index.__dict__.setdefault("_scorecard_decisions", {})
        key = (threshold_level, tuple(gates.values()) if gates is not self.gates
               else self._gate_key, levels)
        found = cache.get(key)
        if found is None:
            if len(cache) > 20_000:
                cache.clear()
            found = cache[key] = decide(self.inst, threshold_level, gates,
                                        dict(zip(self.layout.dimension_ids, levels, strict=True)))
        return found

    def _gated(self, question: str, value: Value, scores: tuple[float | None, ...]
               ) -> tuple[dict[str, bool], tuple[int | None, ...]]:
        """The gates and every dimension's stage again, for a change a gate reads."""
        inst, ids = self.inst, self.layout.dimension_ids
        changed = Responses(self.profile, {**self.answers, question: value})
        by_id = dict(zip(ids, scores, strict=True))
        gates = {g.id: gate_met(inst, g, changed, by_id) for g in inst.rules.gates}
        caps = dimension_caps(inst, gates)
        levels = []
        for d, s in zip(ids, scores, strict=True):
            level = level_for(inst, s)
            if level is not None and d in caps:
                level = min(level, caps[d])
            levels.append(level)
        return gates, tuple(levels)

    def apply(self, question: str, value: Value) -> Trial:
        """Make the change; return its :meth:`trial`."""
        t = self.trial(question, value)
        self.answers[question] = value
        self.items[question] = t.item
        self.raws[t.position] = t.raw
        self._prefix = self._partial_sums(t.position)
        self.overall, self.level = t.overall, t.level
        self.threshold_level, self.decided_by = t.threshold_level, t.decided_by
        self.scores, self.levels = t.scores, t.levels
        if t.gates is not self.gates:
            self.gates = t.gates
            self._caps = dimension_caps(self.inst, t.gates)
            self._gate_key = tuple(t.gates.values())
        return t
