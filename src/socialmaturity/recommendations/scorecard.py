"""One organization's scores, held so that an answer change is re-scored in a few operations.

A what-if changes one answer, so only its item, its dimension's score, the overall score and
the stage can change. :class:`Scorecard` keeps the engine's own numbers of the answers
(:attr:`~socialmaturity.scoring.engine.Scores.state`) and re-computes exactly those parts by
the engine's own rule functions on the one-respondent backend
(:data:`~socialmaturity.scoring.engine.ONE`); the gates are read again only when one reads the
changed question or dimension.

So a :meth:`Scorecard.trial` gives what :func:`~socialmaturity.scoring.engine.score_responses`
gives on the changed answers (the same lines, the same sums in the same order);
``tests/test_scorecard.py`` holds the two equal for random answers and random changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..instrument.model import Instrument
from ..scoring import engine
from ..scoring.answers import Responses, Value
from ..scoring.encode import encode_answer
from ..scoring.engine import ONE, Decision, Scores


@dataclass(frozen=True)
class Layout:
    """An instrument's dimensions as plain lists (made once per instrument)."""

    dimension_ids: tuple[str, ...]
    dimension_weights: tuple[float, ...]
    #: per dimension: (question id, weight) in question order
    questions: tuple[tuple[tuple[str, float], ...], ...]
    #: question id → position of its dimension
    position: dict[str, int]


def layout(inst: Instrument) -> Layout:
    return inst.index.kept("_scorecard_layout", None, lambda: Layout(
        tuple(d.id for d in inst.dimensions), tuple(d.weight for d in inst.dimensions),
        tuple(tuple((q.id, q.weight) for q in d.questions) for d in inst.dimensions),
        {q.id: i for i, d in enumerate(inst.dimensions) for q in d.questions}))


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
    #: the changed item's score, its dimension's position
    item: float | None
    position: int
    #: the engine's numbers after the change: (encoded answer, item, dimension's unrounded
    #: score), and :func:`~socialmaturity.scoring.engine.finish`'s result
    engine: tuple


class Scorecard:
    """The scores of one organization's answers; :meth:`trial` re-scores a change,
    :meth:`apply` makes it."""

    def __init__(self, inst: Instrument, responses: Responses, scores: Scores):
        self.inst = inst
        self.layout = layout(inst)
        self.answers = dict(responses.answers)
        self.items = dict(scores.items)
        self.cols = dict(scores.encoded)
        items, dims, self._rounded, self._levels = scores.state
        self._items, self._dims = dict(items), dict(dims)
        self.overall, self.level = scores.overall, scores.level
        self.threshold_level, self.decided_by = scores.threshold_level, scores.decided_by
        self.scores = tuple(d.score for d in scores.dimensions)
        self.levels = tuple(d.level for d in scores.dimensions)
        self.gates = scores.gates

    def trial(self, question: str, value: Value) -> Trial:
        """The scores with ``question`` answered ``value`` (nothing is changed)."""
        inst, lay = self.inst, self.layout
        at = lay.position[question]
        dim = lay.dimension_ids[at]
        code = encode_answer(inst, inst.index.questions[question], value)
        new = engine.item(ONE, engine.rule_of(inst, question), *code)
        raw = engine.dimension_raw(ONE, engine.item_rules(inst, inst.dimensions[at]),
                                   {**self._items, question: new})
        dims = {**self._dims, dim: raw}
        gated = engine.stage_rules(inst).gated
        if question in gated or dim in gated:  # the gates are read again from the answers
            f = engine.finish(ONE, inst, {**self.cols, question: code}, dims)
        else:
            kept = (dim, self._rounded, self._levels, self.gates)
            f = engine.finish(ONE, inst, self.cols, dims, kept)
        scores, levels = engine.shown(f, lay.dimension_ids)
        return Trial(f["overall"], f["level"], f["threshold"], engine.decision(inst, f["decided"]),
                     scores, levels, f["gates"], engine.shown_item(*new), at, (code, new, raw, f))

    def apply(self, question: str, value: Value) -> Trial:
        """Make the change; return its :meth:`trial`."""
        t = self.trial(question, value)
        code, new, raw, f = t.engine
        self.answers[question] = value
        self.items[question] = t.item
        self.cols[question] = code
        self._items[question] = new
        self._dims[self.layout.dimension_ids[t.position]] = raw
        self._rounded, self._levels = f["rounded"], f["levels"]
        self.overall, self.level = t.overall, t.level
        self.threshold_level, self.decided_by = t.threshold_level, t.decided_by
        self.scores, self.levels, self.gates = t.scores, t.levels, t.gates
        return t
