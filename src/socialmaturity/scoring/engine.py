"""Encoded answers → item, dimension and overall scores → stage: the rules, written once.

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

The stage is the lowest of these three; the result says which rule decided it (``decided``:
0 threshold, 1 + i gate i, 1 + len(gates) + j the weakest dimension j).

**One implementation, two widths.** Every rule below is a function of an ``ops`` backend:
:data:`MANY` runs it over numpy columns of n respondents (:mod:`.batch`, ``score --batch``,
panels, research), :data:`ONE` over the plain numbers of one respondent (a result and its
what-if re-scores, ~50 µs, where numpy's per-call cost would make n = 1 ten times slower). Both
execute the same lines in the same order, so the two give identical scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..instrument.model import Instrument, Question
from .answers import Responses
from .encode import ANSWERED, MISSING, NA, Value, encode_answer

EPSILON = 1e-9
_NONE_LEVEL = 127  # "no dimension stage" while looking for the weakest link


#: numpy columns (stage levels as int8: nine of them per million rows) ...
MANY = SimpleNamespace(
    first_level=np.int8(1), minimum=np.minimum, maximum=np.maximum, floor=np.floor,
    take=lambda table, index: np.asarray(table)[np.clip(index, 0, len(table) - 1)],
    isin=np.isin)
#: ... and the plain numbers of one respondent
ONE = SimpleNamespace(first_level=1, minimum=min, maximum=max, floor=math.floor,
                      take=lambda table, index: table[index],
                      isin=lambda value, items: value in items)


def round_score(x, ops: Any = ONE):
    """Round half up to one decimal."""
    return ops.floor(x * 10 + 0.5 + EPSILON) / 10


@dataclass(frozen=True)
class ItemRule:
    """How one question's answer becomes its item score, read once from the instrument."""

    id: str
    weight: float
    kind: str  # single, multi, numeric
    table: tuple = ()  # single: option index → item score
    bits: tuple = ()  # multi: (option index, points) of the options with points
    cap: float = 1.0  # multi: the points that make the item score 1
    low: float = 0.0  # numeric: the value that scores 0 ...
    span: float = 1.0  # ... and how far above it scores 1


def item_rules(inst: Instrument, d) -> tuple[ItemRule, ...]:
    """The item rules of dimension ``d``'s questions, in question order (kept on the index)."""
    return inst.index.kept("_item_rules", d.id,
                           lambda: tuple(item_rule(inst, q) for q in d.questions))


def rule_of(inst: Instrument, qid: str) -> ItemRule:
    """The item rule of one scored question."""
    return inst.index.kept("_item_rule", None, lambda: {
        r.id: r for d in inst.dimensions for r in item_rules(inst, d)})[qid]


def item_rule(inst: Instrument, q: Question) -> ItemRule:
    options = inst.index.options.get(q.id, [])
    points = [o.points or 0.0 for o in options]
    if q.type == "single":
        lo, hi = min(points), max(points)
        return ItemRule(q.id, q.weight, "single", tuple((p - lo) / (hi - lo) for p in points))
    if q.type == "multi":
        cap = q.max_points or sum(max(p, 0.0) for p in points)
        return ItemRule(q.id, q.weight, "multi", bits=tuple(
            (i, p) for i, p in enumerate(points) if p), cap=cap)
    a, b = q.score_range  # type: ignore[misc]
    return ItemRule(q.id, q.weight, "numeric", low=a, span=b - a)


def item(ops: Any, rule: ItemRule, status, value):
    """(item score in [0, 1], whether it counts): 0 unless answered; not counted when not
    applicable."""
    if rule.kind == "single":
        s = ops.take(rule.table, value)
    elif rule.kind == "multi":
        total = 0.0
        for i, p in rule.bits:
            total = total + p * ((value >> i) & 1)
        s = ops.minimum(ops.maximum(total, 0.0), rule.cap) / rule.cap
    else:
        s = ops.minimum(ops.maximum((value - rule.low) / rule.span, 0.0), 1.0)
    return s * (status == ANSWERED), status != NA


def dimension_raw(ops: Any, rules: tuple[ItemRule, ...], items: dict[str, tuple]):
    """(100 · Σ wᵢ·sᵢ / Σ wᵢ over the items that count, in question order; whether any
    counts). Without one the score is 0 and does not count."""
    num = den = 0.0
    for r in rules:
        s, counted = items[r.id]
        num = num + r.weight * s
        den = den + r.weight * counted
    return 100.0 * num / (den + (den == 0)), den > 0


def dimension(ops: Any, inst: Instrument, d, cols: dict[str, tuple]):
    """A dimension's items (question id → (score, counts)), (unrounded score, has one) and
    answered count."""
    rules = item_rules(inst, d)
    items = {}
    answered = 0
    for r in rules:
        status, value = cols[r.id]
        items[r.id] = item(ops, r, status, value)
        answered = answered + (status != MISSING)
    return items, dimension_raw(ops, rules, items), answered


def overall_score(ops: Any, inst: Instrument, dims: dict[str, tuple]):
    """Σ W_d·S_d / Σ W_d over the dimensions with a score, in the instrument's order, rounded
    (0 when no dimension has one)."""
    num = den = 0.0
    for d, weight in stage_rules(inst).weights:
        r, has = dims[d]
        num = num + weight * r * has
        den = den + weight * has
    return round_score(num / (den + (den == 0)), ops)


@dataclass(frozen=True)
class StageRules:
    """The stage rules read once from the instrument (kept on its index)."""

    #: min_score - EPSILON of the stages above the first (levels run 1, 2, … with rising
    #: min_score from 0: the loader checks it), so a level is 1 + the thresholds reached
    thresholds: tuple
    gates: tuple  # (gate id, the dimension it also caps or None, the level it caps at)
    max_above: int | None  # the weakest link, when the instrument has one
    dimensions: tuple  # dimension ids in order
    #: the question ids and dimension ids some gate looks at
    gated: frozenset = frozenset()
    #: (dimension id, weight) in order, and the gate ids in order
    weights: tuple = ()
    gate_ids: tuple = ()


def stage_rules(inst: Instrument) -> StageRules:
    return inst.index.kept("_stage_rules", None, lambda: _stage_rules(inst))


def _stage_rules(inst: Instrument) -> StageRules:
    levels = {s.key: s.level for s in inst.stages}
    wl = inst.rules.weakest_link
    gates = inst.rules.gates
    # a gate on a question also caps the stage of the dimension that holds the question
    return StageRules(
        tuple(s.min_score - EPSILON for s in inst.stages[1:]),
        tuple((g.id, inst.index.dimension_of.get(g.condition.question or ""),
               levels[g.stage] - 1) for g in gates),
        None if wl is None else wl.max_above, tuple(d.id for d in inst.dimensions),
        frozenset(x for g in gates for x in (g.condition.question, g.condition.dimension) if x),
        tuple((d.id, d.weight) for d in inst.dimensions), tuple(g.id for g in gates))


def level_of(ops: Any, rules: StageRules, score, has=True):
    """The stage level a rounded score reaches by threshold; 0 without a score."""
    level = ops.first_level
    for threshold in rules.thresholds:
        level = level + (score >= threshold)
    return level * has


def gate_met(ops: Any, inst: Instrument, gate, cols: dict[str, tuple],
             rounded: dict[str, tuple]):
    c = gate.condition
    if c.dimension is not None:
        x, has = rounded[c.dimension]
        return has & (x >= c.min_score - EPSILON)
    status, value = cols[c.question]
    q = inst.index.questions[c.question]
    keys = inst.index.option_keys(q.id)
    answered = status == ANSWERED
    if c.any_of is not None:
        if q.type == "multi":
            return answered & ((value & sum(1 << keys.index(k) for k in c.any_of)) != 0)
        return answered & ops.isin(value, tuple(keys.index(k) for k in c.any_of))
    count = 0
    for i, o in enumerate(inst.index.options[q.id]):
        if not o.exclusive:
            count = count + ((value >> i) & 1)
    return answered & (count >= (c.min_selected or 0))


def decide(ops: Any, rules: StageRules, threshold, gates: dict[str, Any],
           dim_levels: dict[str, Any]):
    """Threshold, gates and weakest link → (stage level, deciding rule code, the dimension
    stages capped by their own gates). ``x + hit * (y - x)`` is ``y`` where ``hit``."""
    capped = dict(dim_levels)
    for gid, dim, cap in rules.gates:
        if dim is not None:
            lv = capped[dim]
            capped[dim] = lv + ((gates[gid] == 0) & (lv > cap)) * (cap - lv)
    level, decided = threshold, 0
    for i, (gid, _, cap) in enumerate(rules.gates):
        hit = (gates[gid] == 0) & (cap < level)
        level = level + hit * (cap - level)
        decided = decided + hit * (1 + i - decided)
    if rules.max_above is not None:
        low, weakest = _NONE_LEVEL, 0
        for j, d in enumerate(rules.dimensions):
            lv = capped[d] + (capped[d] == 0) * _NONE_LEVEL
            weakest = weakest + (lv < low) * (j - weakest)
            low = ops.minimum(lv, low)
        cap = low + rules.max_above
        hit = (low != _NONE_LEVEL) & (cap < level)
        level = level + hit * (cap - level)
        decided = decided + hit * (1 + len(rules.gates) + weakest - decided)
    return level, decided, capped


def finish(ops: Any, inst: Instrument, cols: dict[str, tuple], dims: dict[str, tuple],
           known: tuple | None = None) -> dict:
    """(Unrounded dimension score, has one) per dimension → rounded scores, stages, gates
    and the deciding rule.

    ``known`` = (changed dimension id, rounded scores, stages, gates) of the answers before a
    change in one dimension that no gate looks at (a what-if,
    :class:`~socialmaturity.recommendations.scorecard.Scorecard`): only that dimension's
    score and stage are read again, the gates are as they were."""
    rules = stage_rules(inst)
    overall = overall_score(ops, inst, dims)
    threshold = level_of(ops, rules, overall)
    if known is None:
        rounded = {d: (round_score(r, ops), has) for d, (r, has) in dims.items()}
        levels = {d: level_of(ops, rules, x, has) for d, (x, has) in rounded.items()}
        gates = {g.id: gate_met(ops, inst, g, cols, rounded) for g in inst.rules.gates}
    else:
        changed, rounded, levels, gates = known
        r, has = dims[changed]
        x = round_score(r, ops)
        rounded = {**rounded, changed: (x, has)}
        levels = {**levels, changed: level_of(ops, rules, x, has)}
    if ops is ONE:  # remembered per combination of decide's inputs (a what-if meets the same
        # few again and again); the capped stages are shared: read them, do not change them
        key = (threshold, *map(gates.__getitem__, rules.gate_ids),
               *map(levels.__getitem__, rules.dimensions))
        level, decided, capped = inst.index.kept(
            "_decide_one", key, lambda: decide(ONE, rules, threshold, gates, levels), 20_000)
    else:
        level, decided, capped = decide(ops, rules, threshold, gates, levels)
    return {"overall": overall, "threshold": threshold, "level": level, "decided": decided,
            "rounded": rounded, "levels": levels, "dimension_levels": capped, "gates": gates}


# --- one respondent -----------------------------------------------------------------------


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


@dataclass
class Scores:
    overall: float
    level: int
    threshold_level: int
    decided_by: Decision
    dimensions: list[DimensionScore]
    gates: dict[str, bool] = field(default_factory=dict)
    items: dict[str, float | None] = field(default_factory=dict)
    #: the encoded answers (question id → (status, value)) these scores were computed from
    encoded: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)
    #: the engine's own numbers (items, unrounded dimension scores, rounded ones, stages
    #: before the gates' caps), so that a what-if re-scores only what a change moves
    #: (:class:`~socialmaturity.recommendations.scorecard.Scorecard`)
    state: tuple = field(default=(), repr=False, compare=False)


def decision(inst: Instrument, code: int) -> Decision:
    """The deciding rule code of :func:`decide` as a :class:`Decision`."""
    return inst.index.kept("_decisions", None, lambda: (
        [Decision("threshold")] + [Decision("gate", g.id) for g in inst.rules.gates]
        + [Decision("weakest-link", d.id) for d in inst.dimensions]))[code]


def shown(f: dict, ids: tuple) -> tuple[tuple, tuple]:
    """The dimension scores and stages as a result shows them, in the order of ``ids``: the
    rounded score (None without one) and the stage capped by its own gates (None without
    one), from :func:`finish`'s result."""
    rounded, capped = f["rounded"], f["dimension_levels"]
    return (tuple(rounded[d][0] if rounded[d][1] else None for d in ids),
            tuple(capped[d] or None for d in ids))


def shown_item(s, counted):
    """An item score as a result shows it: None when left out (not applicable)."""
    return s if counted else None


def score_responses(inst: Instrument, responses: Responses) -> Scores:
    """Score one respondent's validated answers (:class:`~.answers.Responses`)."""
    answers = responses.answers
    cols = {q.id: encode_answer(inst, q, answers.get(q.id)) for q in inst.scored_questions}
    items: dict[str, tuple] = {}
    dims: dict[str, tuple] = {}
    answered: dict[str, int] = {}
    for d in inst.dimensions:
        its, dims[d.id], answered[d.id] = dimension(ONE, inst, d, cols)
        items.update(its)
    f = finish(ONE, inst, cols, dims)
    scores, levels = shown(f, stage_rules(inst).dimensions)
    out = [DimensionScore(d.id, x, lv, answered[d.id], len(d.questions))
           for d, x, lv in zip(inst.dimensions, scores, levels, strict=True)]
    public = {q: shown_item(s, counted) for q, (s, counted) in items.items()}
    return Scores(f["overall"], f["level"], f["threshold"], decision(inst, f["decided"]), out,
                  f["gates"], public, cols, (items, dims, f["rounded"], f["levels"]))


def item_score(inst: Instrument, q: Question, value: Value | None) -> float | None:
    """The item score of one validated answer, or None when left out (not applicable)."""
    key = (q.id, tuple(value) if isinstance(value, list) else value)
    return inst.index.kept("_item_scores", key, lambda: shown_item(
        *item(ONE, rule_of(inst, q.id), *encode_answer(inst, q, value))), 100_000)
