"""Can every stage of an instrument be reached by some answers?

For each stage the best answers that still meet every gate up to that stage are built (each
question at its highest points, gated questions at their best allowed option, multi-selects
with every option but exclusive ones) and scored with the real engine. A stage those answers do
not reach can never be reached.
"""

from __future__ import annotations

from ..errors import Message, Problem
from ..instrument.model import Instrument
from .answers import Responses, Value
from .engine import score_responses


def best_answers(inst: Instrument, up_to_level: int) -> Responses:
    idx = inst.index
    levels = {s.key: s.level for s in inst.stages}
    allowed: dict[str, set[str]] = {}
    for g in inst.rules.gates:
        c = g.condition
        if levels[g.stage] <= up_to_level and c.question and c.any_of is not None:
            keys = set(c.any_of)
            allowed[c.question] = allowed[c.question] & keys if c.question in allowed else keys
    answers: dict[str, Value] = {}
    for q in inst.scored_questions:
        options = idx.options[q.id]
        if q.type == "numeric":
            answers[q.id] = float(max(q.score_range))  # type: ignore[arg-type]
        elif q.type == "multi":
            answers[q.id] = [o.key for o in options if not o.exclusive]
        else:
            pool = [o for o in options if q.id not in allowed or o.key in allowed[q.id]]
            if pool:
                answers[q.id] = max(pool, key=lambda o: o.points or 0.0).key
    return Responses(profile={}, answers=answers)


def check_reachable(inst: Instrument, source: str = "") -> list[Problem]:
    """Problems for each stage no answers can reach; empty when all can be reached."""
    problems = []
    for stage in inst.stages[1:]:
        scores = score_responses(inst, best_answers(inst, stage.level))
        if scores.level < stage.level:
            rule_id = scores.decided_by.rule_id
            why = {
                "threshold": Message("the best possible score is {best}, below its min_score "
                                     "{min}", best=f"{scores.overall:g}",
                                     min=f"{stage.min_score:g}"),
                "gate": Message("gate {gate!r} cannot be met together with the other gates",
                                gate=rule_id),
                "weakest-link": Message("dimension {dimension!r} cannot reach a high enough "
                                        "stage", dimension=rule_id),
            }[scores.decided_by.rule]
            problems.append(Problem(source, "stage {stage!r} can never be reached: {why}",
                                    stage=stage.key, why=why))
    return problems
