"""What-if: the effect of an answer change, found by scoring the answers with the change, and
the shortest path to the next stage.

**Effect.** The answers are scored again with one answer changed
(:meth:`~.scorecard.Scorecard.trial`: the engine's rules and arithmetic on the changed
dimension); the effect is the overall score and stage, and the dimension's score, before and
after.

**Path to the next stage.** The fewest one-rung changes (:func:`~.rungs.next_rungs`) that
bring the overall stage to the next one, found greedily and re-scored after every step:

1. while a gate of the target stage is not met, the next rung on the gate's question;
2. else, while the weakest link caps the stage, the change that raises the weakest dimension
   most;
3. else, the change that raises the overall score most (ties: the lower dimension first,
   then the instrument's order).

Because the overall score is a weighted sum of item scores, taking the largest gains first
reaches a score threshold in the fewest steps. Every step is re-scored
(:meth:`~.scorecard.Scorecard.apply`) and the path stops when the stage is reached; it is
empty at the top stage or when no change is left.
"""

from __future__ import annotations

from typing import NamedTuple

from ..instrument.model import Instrument
from ..scoring.answers import Responses, Value
from ..scoring.engine import Scores, item_score
from .rungs import answer_key, next_rungs
from .scorecard import Scorecard

#: A path longer than this is not offered (it would not be a plan but the whole instrument).
MAX_PATH = 60


class Effect(NamedTuple):
    overall_before: float
    overall_after: float
    stage_before: int
    stage_after: int
    dimension: str
    dimension_before: float | None
    dimension_after: float | None
    dimension_stage_before: int | None
    dimension_stage_after: int | None


class Step(NamedTuple):
    question: str
    answer: Value
    overall_after: float
    stage_after: int


def effect(card: Scorecard, question: str, value: Value) -> Effect:
    """The effect of answering ``question`` with ``value``, by re-scoring."""
    t = card.trial(question, value)
    at = t.position
    return Effect(card.overall, t.overall, card.level, t.level,
                  card.layout.dimension_ids[at], card.scores[at], t.scores[at],
                  card.levels[at], t.levels[at])


def _best_rung(inst: Instrument, question: str, value: Value | None, old: float, factor: float,
               den: float) -> tuple[float, Value] | None:
    """The question's next rung that raises the overall score most, with its gain (in
    proportion to the overall score's change: ``factor`` = W_d · w_q, ``den`` = the
    dimension's Σ w); None at the top. It depends on the question, the answer and ``den``
    only, so it is found once per combination."""
    def make() -> tuple[float, Value] | None:
        q = inst.index.questions[question]
        best = None
        for rung in next_rungs(inst, q, value):
            gain = factor * ((item_score(inst, q, rung) or 0.0) - old) / den
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, rung)
        return best

    return inst.index.kept("_best_rungs", (question, answer_key(value), den), make)


def _candidate(inst: Instrument, card: Scorecard, at: int, den: float
               ) -> tuple[float, str, Value] | None:
    """Dimension ``at``'s best next rung: (gain, question, rung), or None; the largest gain,
    of equal ones the first question's. ``den``: the dimension's Σ w."""
    if den <= 0:
        return None
    weight = card.layout.dimension_weights[at]
    best = None
    for qid, w in card.layout.questions[at]:
        item = card.items[qid]
        if item is None:
            continue
        found = _best_rung(inst, qid, card.answers.get(qid), item, weight * w, den)
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], qid, found[1])
    return best


def path_to_next_stage(inst: Instrument, responses: Responses, scores: Scores) -> list[Step]:
    """The fewest one-rung changes that reach the next stage (see the module docstring)."""
    if scores.level >= len(inst.stages):
        return []
    target = scores.level + 1
    levels = {s.key: s.level for s in inst.stages}
    card = Scorecard(inst, responses, scores)
    # a change never makes a question "not applicable", so a dimension's Σ w stays as it is
    dens = [sum(w for qid, w in qs if card.items[qid] is not None) for qs in card.layout.questions]
    candidates = [_candidate(inst, card, at, den) for at, den in enumerate(dens)]
    steps: list[Step] = []
    while card.level < target and len(steps) < MAX_PATH:
        choice = _choose(inst, card, target, levels, candidates)
        if choice is None:
            return []
        question, value = choice
        card.apply(question, value)
        steps.append(Step(question, value, card.overall, card.level))
        at = card.layout.position[question]
        candidates[at] = _candidate(inst, card, at, dens[at])
    return steps if card.level >= target else []


def _choose(inst: Instrument, card: Scorecard, target: int, levels: dict[str, int],
            candidates: list) -> tuple[str, Value] | None:
    answers = card.answers
    for g in inst.rules.gates:
        if levels[g.stage] <= target and not card.gates[g.id] and g.condition.question:
            q = inst.index.questions[g.condition.question]
            rungs = next_rungs(inst, q, answers.get(q.id))
            wanted = [r for r in rungs if g.condition.any_of is None
                      or any(k in g.condition.any_of for k in (r if isinstance(r, list)
                                                                else [r]))]
            if wanted or rungs:
                return q.id, (wanted or rungs)[0]
    positions = range(len(card.scores))
    wl = inst.rules.weakest_link
    if wl is not None and card.threshold_level >= target:
        low = [i for i in positions if card.levels[i] is not None
               and card.levels[i] + wl.max_above < target]  # type: ignore[operator]
        if low:  # only the weakest dimension can lift the stage
            positions = [min(low, key=lambda i: (card.levels[i], card.scores[i] or 0.0))]
    # the largest gain; of equal gains, the lower dimension's, then the first question's
    found = [(c[0], -(card.scores[i] if card.scores[i] is not None else 101.0), c[1], c[2])
             for i in positions if (c := candidates[i]) is not None]
    best = max(found, key=lambda f: f[:2], default=None)  # the first of equal ones
    return None if best is None else (best[2], best[3])
