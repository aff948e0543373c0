"""What-if: the effect of an answer change, found by scoring the answers with the change, and
the shortest path to the next stage.

**Effect.** The answers are scored again with one answer changed
(:func:`~socialmaturity.scoring.engine.rescore`, the same rules as every score); the effect is
the overall score and stage, and the dimension's score, before and after.

**Path to the next stage.** The fewest one-rung changes (:func:`~.rungs.next_rungs`) that
bring the overall stage to the next one, found greedily and re-scored after every step:

1. while a gate of the target stage is not met, the next rung on the gate's question;
2. else, while the weakest link caps the stage, the change that raises the weakest dimension
   most;
3. else, the change that raises the overall score most (ties: the lower dimension first).

Because the overall score is a weighted sum of item scores, taking the largest gains first
reaches a score threshold in the fewest steps. The path is re-scored as a whole and stops when
the stage is reached; it is empty at the top stage or when no change is left.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..instrument.model import Instrument
from ..scoring.answers import Responses, Value
from ..scoring.engine import Scores, rescore
from .rungs import next_rungs

#: A path longer than this is not offered (it would not be a plan but the whole instrument).
MAX_PATH = 60


@dataclass(frozen=True)
class Effect:
    overall_before: float
    overall_after: float
    stage_before: int
    stage_after: int
    dimension: str
    dimension_before: float | None
    dimension_after: float | None
    dimension_stage_before: int | None
    dimension_stage_after: int | None


@dataclass(frozen=True)
class Step:
    question: str
    answer: Value
    overall_after: float
    stage_after: int


def _dim(scores: Scores, dimension: str):
    return next(d for d in scores.dimensions if d.id == dimension)


def effect(inst: Instrument, responses: Responses, scores: Scores, question: str,
           value: Value) -> Effect:
    """The effect of answering ``question`` with ``value``, by re-scoring."""
    _, after = rescore(inst, responses, scores, question, value)
    dim = inst.index.dimension_of[question]
    b, a = _dim(scores, dim), _dim(after, dim)
    return Effect(scores.overall, after.overall, scores.level, after.level, dim, b.score,
                  a.score, b.level, a.level)


def _best_rung(inst: Instrument, scores: Scores, question: str, value: Value | None,
               den: float) -> tuple[float, Value] | None:
    """The question's next rung that raises the overall score most, with its gain (in
    proportion to the overall score's change); None at the top."""
    from ..scoring.engine import item_score

    q = inst.index.questions[question]
    d = inst.index.dimensions[inst.index.dimension_of[question]]
    old = scores.items.get(question) or 0.0
    best = None
    for rung in next_rungs(inst, q, value):
        gain = d.weight * q.weight * ((item_score(inst, q, rung) or 0.0) - old) / den
        if gain > 0 and (best is None or gain > best[0]):
            best = (gain, rung)
    return best


def path_to_next_stage(inst: Instrument, responses: Responses, scores: Scores) -> list[Step]:
    """The fewest one-rung changes that reach the next stage (see the module docstring)."""
    if scores.level >= len(inst.stages):
        return []
    target = scores.level + 1
    levels = {s.key: s.level for s in inst.stages}
    # a change never makes a question "not applicable", so each dimension's weight sum and
    # the gain of every question not changed stay as they are: compute them once
    dens = {d.id: sum(q.weight for q in d.questions if scores.items.get(q.id) is not None)
            for d in inst.dimensions}
    candidates: dict[str, tuple[float, Value] | None] = {
        q.id: _best_rung(inst, scores, q.id, responses.answers.get(q.id), dens[d.id])
        for d in inst.dimensions for q in d.questions if dens[d.id] > 0
        and scores.items.get(q.id) is not None}
    steps: list[Step] = []
    current, cur = responses, scores
    while cur.level < target and len(steps) < MAX_PATH:
        choice = _choose(inst, current, cur, target, levels, candidates)
        if choice is None:
            return []
        question, value = choice
        current, cur = rescore(inst, current, cur, question, value)
        steps.append(Step(question, value, cur.overall, cur.level))
        dim = inst.index.dimension_of[question]
        candidates[question] = _best_rung(inst, cur, question, value, dens[dim])
    return steps if cur.level >= target else []


def _choose(inst: Instrument, responses: Responses, scores: Scores, target: int,
            levels: dict[str, int], candidates: dict[str, tuple[float, Value] | None]
            ) -> tuple[str, Value] | None:
    answers = responses.answers
    for g in inst.rules.gates:
        if levels[g.stage] <= target and not scores.gates[g.id] and g.condition.question:
            q = inst.index.questions[g.condition.question]
            rungs = next_rungs(inst, q, answers.get(q.id))
            wanted = [r for r in rungs if g.condition.any_of is None
                      or any(k in g.condition.any_of for k in (r if isinstance(r, list)
                                                                else [r]))]
            pick = (wanted or rungs or [None])[0]
            if pick is not None:
                return q.id, pick
    dim_scores = {d.id: d.score if d.score is not None else 101.0 for d in scores.dimensions}
    only: str | None = None
    wl = inst.rules.weakest_link
    if wl is not None and scores.threshold_level >= target:
        low = [d for d in scores.dimensions if d.level is not None
               and d.level + wl.max_above < target]
        if low:
            only = min(low, key=lambda d: (d.level, d.score or 0.0)).id
    best: tuple[float, float, str, Value] | None = None
    dimension_of = inst.index.dimension_of
    for qid, found in candidates.items():
        if found is None or (only is not None and dimension_of[qid] != only):
            continue
        key = (found[0], -dim_scores[dimension_of[qid]])
        if best is None or key > best[:2]:
            best = (found[0], key[1], qid, found[1])
    return None if best is None else (best[2], best[3])
