"""Progress: what changed between two rounds of one organization, and how far each dimension
is from its target.

**Between two rounds** the organization's answers (each round rolled up) are compared
question by question. An answer that moved is shown with its effect: the earlier round's
answers scored again with that one answer changed to the later one
(:func:`~socialmaturity.recommendations.whatif.effect`, the same re-scoring as every what-if).
The effects of several moves do not simply add up (scores are rounded, stages have caps).
Moves are listed by the size of their effect on the overall score, then on their dimension.

**Targets** (the README's ``--targets``): a stage key or a score (0–100) per dimension. A
stage target is met when the dimension's stage (gates respected) reaches it, its gap the
points up to the stage's ``min_score``; a score target is met at that score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AnswersError, Problem, shown
from ..instrument.model import Instrument
from ..instrument.positions import Positions, load_with_positions
from ..recommendations.scorecard import Scorecard
from ..recommendations.whatif import Effect, effect
from ..scoring.answers import Responses, Value
from ..scoring.engine import EPSILON, Scores, score_responses


@dataclass(frozen=True)
class DimensionChange:
    dimension: str
    before: float | None
    before_level: int | None
    after: float | None
    after_level: int | None


@dataclass(frozen=True)
class Move:
    """An answer of the organization that moved between the rounds, and its effect."""

    question: str
    before: Value | None
    after: Value | None
    effect: Effect


@dataclass(frozen=True)
class Progress:
    before: Scores
    after: Scores
    dimensions: list[DimensionChange]
    moves: list[Move]


def progress(inst: Instrument, before: Responses, after: Responses) -> Progress:
    """From the earlier round's organization answers to the later one's."""
    b, a = score_responses(inst, before), score_responses(inst, after)
    dims = [DimensionChange(x.id, x.score, x.level, y.score, y.level)
            for x, y in zip(b.dimensions, a.dimensions, strict=True)]
    card = Scorecard(inst, before, b)
    ranked = []
    for order, q in enumerate(inst.scored_questions):
        old, new = before.answers.get(q.id), after.answers.get(q.id)
        if old == new:
            continue
        e = effect(card, q.id, new)  # type: ignore[arg-type]  # None: unanswered
        dim = abs((e.dimension_after or 0.0) - (e.dimension_before or 0.0))
        ranked.append((-abs(e.overall_after - e.overall_before), -dim, order,
                       Move(q.id, old, new, e)))
    ranked.sort(key=lambda t: t[:3])
    return Progress(b, a, dims, [t[3] for t in ranked])


@dataclass(frozen=True)
class Target:
    dimension: str
    stage: int | None  #: the target stage's level; None for a score target
    score: float  #: the target score (a stage's ``min_score``)


def parse_targets(inst: Instrument, data: Any, pos: Positions | None = None) -> list[Target]:
    """Targets from a mapping dimension id → stage key or score; ``AnswersError`` listing
    every problem with its place."""
    def where(path: tuple, key: bool = False) -> str:
        return pos.where(path, key=key) if pos else ".".join(map(str, path)) or "targets"

    if not isinstance(data, dict):
        raise AnswersError(Problem(where(()), "expected a mapping of dimension id to a stage "
                                              "key or a score, e.g. strategy: strategic"))
    dims = [d.id for d in inst.dimensions]
    stages = {s.key: s for s in inst.stages}
    problems, out = [], []
    for dim, value in data.items():
        if dim not in dims:
            problems.append(Problem(where((dim,), True), "{dimension} is not a dimension; "
                                    "valid: {valid}", dimension=shown(dim), valid=", ".join(dims)))
        elif isinstance(value, str) and value in stages:
            out.append(Target(dim, stages[value].level, stages[value].min_score))
        elif isinstance(value, int | float) and not isinstance(value, bool) \
                and math.isfinite(value):
            if 0 <= value <= 100:
                out.append(Target(dim, None, float(value)))
            else:
                problems.append(Problem(where((dim,)), "{value} is out of range; valid: a "
                                        "number from {low} to {high}", value=f"{value:g}",
                                        low=0, high=100))
        else:
            problems.append(Problem(where((dim,)), "{value} is not a target; valid: a stage "
                                    "({stages}) or a score from 0 to 100", value=shown(value),
                                    stages=", ".join(stages)))
    if problems:
        raise AnswersError(problems)
    order = {d: i for i, d in enumerate(dims)}
    return sorted(out, key=lambda t: order[t.dimension])


def load_targets(inst: Instrument, path: str | Path) -> list[Target]:
    """Targets from a YAML or JSON file (see the module docstring)."""
    return parse_targets(inst, *load_with_positions(path, AnswersError))


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    score: float | None
    level: int | None
    met: bool
    gap: float | None  #: points still to go (0 when the score is reached)
    previous_score: float | None = None
    previous_gap: float | None = None


def _gap(target: Target, score: float | None) -> float | None:
    return None if score is None else max(0.0, round(target.score - score, 1))


def target_progress(targets: list[Target], scores: Scores, previous: Scores | None = None
                    ) -> list[TargetProgress]:
    """How far each dimension is from its target, now and (with ``previous``) before."""
    now = {d.id: d for d in scores.dimensions}
    before = {d.id: d for d in previous.dimensions} if previous else {}
    out = []
    for t in targets:
        d = now[t.dimension]
        if d.score is None:
            met = False
        elif t.stage is not None:
            met = d.level is not None and d.level >= t.stage
        else:
            met = d.score >= t.score - EPSILON
        p = before.get(t.dimension)
        out.append(TargetProgress(t, d.score, d.level, met, _gap(t, d.score),
                                  p.score if p else None, _gap(t, p.score) if p else None))
    return out
