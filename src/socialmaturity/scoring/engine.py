"""Answers → item, dimension and overall scores → stage, for one respondent.

The rules, all read from the instrument:

- item score in [0, 1] (see :class:`~socialmaturity.instrument.model.Question`); "don't know"
  and unanswered score 0; "not applicable" is left out;
- dimension score = 100 · Σ wᵢ·sᵢ / Σ wᵢ over the items not left out (re-normalized);
- overall score = Σ W_d·S_d / Σ W_d over the dimensions that have a score;
- scores are rounded to one decimal (half up) before stages are read from them;
- stage by threshold: the highest stage whose ``min_score`` the score reaches;
- gates: a failed gate for stage L caps the overall stage at L − 1, and also the stage of the
  dimension that holds the gate's question (a dimension's stage respects its own gates);
- weakest link: the overall stage is at most ``max_above`` above the lowest dimension stage.

The stage is the lowest of these three; the result says which rule decided it.
:mod:`socialmaturity.scoring.batch` is the vectorized form of the same rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Gate, Instrument, Question
from .answers import Responses, Value

EPSILON = 1e-9


def round_score(x: float) -> float:
    """Round half up to one decimal, identically in the single and the batch path."""
    return math.floor(x * 10 + 0.5 + EPSILON) / 10


def item_score(inst: Instrument, q: Question, value: Value | None) -> float | None:
    """The item score in [0, 1], or None when the question is left out (not applicable)."""
    if value == NOT_APPLICABLE:
        return None
    if value is None or value == DONT_KNOW:
        return 0.0
    options = inst.index.options[q.id]
    if q.type == "single":
        table = inst.index.__dict__.setdefault("_single_scores", {}).get(q.id)
        if table is None:  # option key → item score, made once per question
            points = [o.points or 0.0 for o in options]
            lo, hi = min(points), max(points)
            table = inst.index.__dict__["_single_scores"][q.id] = {
                o.key: ((o.points or 0.0) - lo) / (hi - lo) for o in options}
        return table[value]  # type: ignore[index]
    if q.type == "multi":
        cap = multi_cap(inst, q)
        total = 0.0
        for o in options:
            if o.key in value:
                total += o.points or 0.0
        return min(max(total, 0.0), cap) / cap
    a, b = q.score_range  # type: ignore[misc]
    return min(max((float(value) - a) / (b - a), 0.0), 1.0)  # type: ignore[arg-type]


def multi_cap(inst: Instrument, q: Question) -> float:
    return q.max_points or sum(max(o.points or 0.0, 0.0) for o in inst.index.options[q.id])


def level_for(inst: Instrument, score: float | None) -> int | None:
    """The stage level a (rounded) 0–100 score reaches by threshold."""
    if score is None:
        return None
    steps = inst.index.__dict__.get("_level_steps")
    if steps is None:  # (threshold, level) per stage, kept on the instrument's index
        steps = inst.index.__dict__["_level_steps"] = tuple(
            (s.min_score - EPSILON, s.level) for s in inst.stages)
    level = 1
    for threshold, lv in steps:
        if score >= threshold:
            level = lv
    return level


def gate_met(inst: Instrument, gate: Gate, responses: Responses,
             dimension_scores: dict[str, float | None]) -> bool:
    c = gate.condition
    if c.dimension is not None:
        score = dimension_scores.get(c.dimension)
        return score is not None and score >= c.min_score - EPSILON  # type: ignore[operator]
    value = responses.answers.get(c.question or "")
    if value is None or value in (DONT_KNOW, NOT_APPLICABLE):
        return False
    if c.any_of is not None:
        chosen = value if isinstance(value, list) else [value]
        return any(k in c.any_of for k in chosen)
    exclusive = {o.key for o in inst.index.options[c.question or ""] if o.exclusive}
    return len([k for k in value if k not in exclusive]) >= (c.min_selected or 0)  # type: ignore[union-attr]


@dataclass(frozen=True)
class Decision:
    """The rule that decided a stage: ``threshold``, ``gate`` or ``weakest-link``.

    ``rule_id`` is the gate id, or the dimension id for the weakest link."""

    rule: str
    rule_id: str | None = None


@dataclass(frozen=True)
class DimensionScore:
    id: str
    score: float | None
    level: int | None
    answered: int
    asked: int


@dataclass(frozen=True)
class Scores:
    overall: float
    level: int
    threshold_level: int
    decided_by: Decision
    dimensions: list[DimensionScore]
    gates: dict[str, bool] = field(default_factory=dict)
    items: dict[str, float | None] = field(default_factory=dict)
    #: unrounded dimension scores, so that a what-if re-computes only the changed dimension
    raw: dict[str, float | None] = field(default_factory=dict)


def decide(inst: Instrument, overall_level: int, gates: dict[str, bool],
           dim_levels: dict[str, int | None]) -> tuple[int, Decision]:
    """Combine threshold, gates and weakest link into the stage and the rule that set it."""
    level, decision = overall_level, Decision("threshold")
    levels = {s.key: s.level for s in inst.stages}
    for gate in inst.rules.gates:
        if not gates[gate.id] and levels[gate.stage] - 1 < level:
            level, decision = levels[gate.stage] - 1, Decision("gate", gate.id)
    wl = inst.rules.weakest_link
    scored = [(lv, d) for d, lv in dim_levels.items() if lv is not None]
    if wl is not None and scored:
        low, weakest = min(scored, key=lambda t: t[0])
        if low + wl.max_above < level:
            level, decision = low + wl.max_above, Decision("weakest-link", weakest)
    return level, decision


def gate_dimension(inst: Instrument, gate: Gate) -> str | None:
    """The dimension whose stage a gate also caps: the one holding its question."""
    if gate.condition.question is None:
        return None
    return inst.index.dimension_of.get(gate.condition.question)


def dimension_caps(inst: Instrument, gates: dict[str, bool]) -> dict[str, int]:
    """Dimension id → the highest stage level its failed gates allow."""
    levels = {s.key: s.level for s in inst.stages}
    caps: dict[str, int] = {}
    for g in inst.rules.gates:
        dim = gate_dimension(inst, g)
        if dim is not None and not gates[g.id]:
            caps[dim] = min(caps.get(dim, 99), levels[g.stage] - 1)
    return caps


def score_responses(inst: Instrument, responses: Responses) -> Scores:
    """Score one respondent's validated answers."""
    items = {q.id: item_score(inst, q, responses.answers.get(q.id))
             for d in inst.dimensions for q in d.questions}
    return assemble(inst, responses, items)


def rescore(inst: Instrument, responses: Responses, scores: Scores, question: str,
            value: Value) -> tuple[Responses, Scores]:
    """The answers with one answer changed, and their scores: the same rules and the same
    arithmetic as :func:`score_responses`, re-computing only the changed dimension."""
    changed = Responses(responses.profile, {**responses.answers, question: value})
    items = dict(scores.items)
    items[question] = item_score(inst, inst.index.questions[question], value)
    dim = inst.index.dimension_of[question]
    raws = dict(scores.raw)
    d = inst.index.dimensions[dim]
    raws[dim] = _dimension_raw(d, items)
    answered_dim = sum(changed.answers.get(q.id) is not None for q in d.questions)
    if any(g.condition.question == question or g.condition.dimension == dim
           for g in inst.rules.gates):  # the gates may change: every rule again
        answered = {x.id: x.answered for x in scores.dimensions}
        answered[dim] = answered_dim
        return changed, _finish(inst, changed, items, raws, answered)
    # the gates, and so the caps on the other dimensions' stages, stay as they were
    overall = _overall(inst, raws)
    threshold_level = level_for(inst, overall) or 1
    rounded = round_score(raws[dim]) if raws[dim] is not None else None
    level = level_for(inst, rounded)
    cap = dimension_caps(inst, scores.gates).get(dim)
    if level is not None and cap is not None:
        level = min(level, cap)
    dims = [DimensionScore(dim, rounded, level, answered_dim, len(d.questions))
            if x.id == dim else x for x in scores.dimensions]
    top, decision = decide(inst, threshold_level, scores.gates, {x.id: x.level for x in dims})
    return changed, Scores(overall, top, threshold_level, decision, dims, scores.gates, items,
                           raws)


def _overall(inst: Instrument, raws: dict[str, float | None]) -> float:
    """Σ W_d·S_d / Σ W_d over the dimensions with a score, in the instrument's order,
    rounded."""
    num_all = den_all = 0.0
    for d in inst.dimensions:
        raw = raws[d.id]
        if raw is not None:
            num_all += d.weight * raw
            den_all += d.weight
    return round_score(num_all / den_all) if den_all > 0 else 0.0


def _dimension_raw(d, items: dict[str, float | None]) -> float | None:
    """100 · Σ wᵢ·sᵢ / Σ wᵢ over the dimension's items not left out, in question order."""
    num = den = 0.0
    for q in d.questions:
        s = items[q.id]
        if s is not None:
            num += q.weight * s
            den += q.weight
    return 100.0 * num / den if den > 0 else None


def assemble(inst: Instrument, responses: Responses, items: dict[str, float | None]) -> Scores:
    """Item scores → dimension and overall scores → stage, in the instrument's order."""
    answers = responses.answers
    raws = {d.id: _dimension_raw(d, items) for d in inst.dimensions}
    answered = {d.id: sum(answers.get(q.id) is not None for q in d.questions)
                for d in inst.dimensions}
    return _finish(inst, responses, items, raws, answered)


def _finish(inst: Instrument, responses: Responses, items: dict[str, float | None],
            raws: dict[str, float | None], answered: dict[str, int]) -> Scores:
    dims: list[DimensionScore] = []
    rounded_scores: dict[str, float | None] = {}
    for d in inst.dimensions:
        raw = raws[d.id]
        rounded = round_score(raw) if raw is not None else None
        rounded_scores[d.id] = rounded
        dims.append(DimensionScore(d.id, rounded, level_for(inst, rounded), answered[d.id],
                                   len(d.questions)))
    overall = _overall(inst, raws)
    threshold_level = level_for(inst, overall) or 1
    gates = {g.id: gate_met(inst, g, responses, rounded_scores) for g in inst.rules.gates}
    caps = dimension_caps(inst, gates)
    if caps:
        dims = [DimensionScore(ds.id, ds.score, min(ds.level, caps[ds.id])
                               if ds.level is not None and ds.id in caps else ds.level,
                               ds.answered, ds.asked) for ds in dims]
    level, decision = decide(inst, threshold_level, gates, {d.id: d.level for d in dims})
    return Scores(overall, level, threshold_level, decision, dims, gates, items, raws)
