"""Rungs: the answers one step up a question's ladder, and the answer a recommendation stands for.

A question's ladder is its options ordered by points (a multi-select: one more option; a
numeric question: steps of a quarter of its scoring range). "Don't know" and an unanswered
question sit below the lowest option, so their next rung is the first option that scores above
the lowest. "Not applicable" has no rung: it is never changed and never recommended.

A recommendation stands for one rung on its evidence question: the favorable option with the
fewest points (a multi-select: the first favorable option not chosen yet, added to the
others; a numeric question: its ``min_value``). It is offered only when the current answer is
below that rung, and, of the recommendations on one single-choice question, only the one with
the lowest rung above the current answer, so a step is never skipped.
"""

from __future__ import annotations

import math

from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question, Recommendation
from ..scoring.answers import Value

#: Numeric questions climb in steps of this fraction of their scoring range.
NUMERIC_STEPS = 4


def _points(inst: Instrument, qid: str) -> dict[str, float]:
    """Option key → points (kept on the instrument's index: asked for on every step)."""
    return inst.index.kept("_rung_points", qid, lambda: {
        o.key: o.points or 0.0 for o in inst.index.options[qid]})


def next_rungs(inst: Instrument, q: Question, value: Value | None) -> list[Value]:
    """Every answer one rung above ``value`` (several for a multi-select: one per option that
    could be added); empty at the top or for "not applicable". (The list is shared: do not
    change it.)"""
    return inst.index.kept("_next_rungs", (q.id, answer_key(value)),
                           lambda: _next_rungs(inst, q, value))


def _next_rungs(inst: Instrument, q: Question, value: Value | None) -> list[Value]:
    if value == NOT_APPLICABLE:
        return []
    options = inst.index.options[q.id]
    if q.type == "single":
        points = _points(inst, q.id)
        lowest = min(points.values())
        current = points[value] if isinstance(value, str) and value in points else lowest
        above = [(p, i) for i, p in enumerate(points.values()) if p > current]
        return [options[min(above)[1]].key] if above else []  # the lowest, the first of equal
    if q.type == "multi":
        chosen = value if isinstance(value, list) else []
        return [_added(inst, q.id, chosen, o.key) for o in options
                if not o.exclusive and o.key not in chosen and (o.points or 0.0) > 0]
    if q.type == "numeric":
        lo, hi = q.score_range  # type: ignore[misc]
        current = None if value in (None, DONT_KNOW, NOT_APPLICABLE) else float(value)
        s = 0.0 if current is None else min(max((current - lo) / (hi - lo), 0.0), 1.0)
        if s >= 1.0:
            return []
        target = min(1.0, (int(s * NUMERIC_STEPS + 1e-9) + 1) / NUMERIC_STEPS)
        # a whole number, half up (12.5 -> 13): Python's round(12.5) is 12, no step at all
        return [float(math.floor(lo + target * (hi - lo) + 0.5))]
    return []


def _added(inst: Instrument, qid: str, chosen: list, key: str) -> list[str]:
    """A multi-select's ``chosen`` options with ``key`` added, in the question's order, its
    exclusive options left out."""
    exclusive = {o.key for o in inst.index.options[qid] if o.exclusive}
    return [k for k in inst.index.option_keys(qid)
            if (k in chosen or k == key) and k not in exclusive]


def meets(inst: Instrument, rec: Recommendation, value: Value | None) -> bool:
    """Whether an answer already does what the recommendation asks."""
    ev = rec.evidence
    if value is None or value in (DONT_KNOW, NOT_APPLICABLE):
        return False
    if ev.min_value is not None:
        return float(value) >= ev.min_value  # type: ignore[arg-type]
    q = inst.index.questions[ev.question]
    favorable = ev.favorable or []
    if q.type == "multi":
        return any(k in favorable for k in value)  # type: ignore[union-attr]
    return _points(inst, q.id)[value] >= rung_height(inst, rec)  # type: ignore[index]


def rung(inst: Instrument, rec: Recommendation, value: Value | None) -> Value | None:
    """The answer ``rec`` stands for, given the current answer; None when it is met already or
    the question is not applicable."""
    if value == NOT_APPLICABLE or meets(inst, rec, value):
        return None
    ev = rec.evidence
    q = inst.index.questions[ev.question]
    if ev.min_value is not None:
        return float(ev.min_value)
    if q.type == "multi":
        chosen = value if isinstance(value, list) else []
        return _added(inst, q.id, chosen, next(k for k in ev.favorable or [] if k not in chosen))
    points = _points(inst, q.id)
    return min(ev.favorable or [], key=lambda k: points[k])


def rung_height(inst: Instrument, rec: Recommendation) -> float:
    """Where a recommendation's rung sits on its question's ladder (for ordering)."""
    ev = rec.evidence
    if ev.min_value is not None:
        return ev.min_value
    return inst.index.kept("_rung_heights", rec.id, lambda: min(
        _points(inst, ev.question)[k] for k in ev.favorable or []))


def offered(inst: Instrument, recs: list[Recommendation], answers: dict[str, Value]
            ) -> list[tuple[Recommendation, Value]]:
    """The recommendations to offer with the answer each stands for: below their rung, never
    on a "not applicable" question, and on one single-choice or numeric question only the
    lowest rung above the current answer. (It depends on the recommendations and the answers
    to their questions only, so it is found once per combination; the list is shared: do not
    change it.)"""
    ids = tuple(r.id for r in recs)
    questions = inst.index.kept("_offer_questions", ids, lambda: tuple(
        dict.fromkeys(r.evidence.question for r in recs)))
    key = (ids, tuple(answer_key(answers.get(q)) for q in questions))
    return inst.index.kept("_offered", key, lambda: _offered(inst, recs, answers), 10_000)


def answer_key(value: Value | None) -> object:
    """An answer as a dictionary key (a multi-select's list as a tuple)."""
    return tuple(value) if isinstance(value, list) else value


def _offered(inst: Instrument, recs: list[Recommendation], answers: dict[str, Value]
             ) -> list[tuple[Recommendation, Value]]:
    lowest: dict[str, tuple[float, Recommendation, Value]] = {}
    out: list[tuple[Recommendation, Value]] = []
    for rec in recs:
        value = answers.get(rec.evidence.question)
        target = inst.index.kept("_rungs", (rec.id, answer_key(value)),
                                 lambda rec=rec, value=value: rung(inst, rec, value))
        if target is None:
            continue
        q = inst.index.questions[rec.evidence.question]
        if q.type == "multi":
            out.append((rec, target))
            continue
        height = rung_height(inst, rec)
        if q.id not in lowest or height < lowest[q.id][0]:
            lowest[q.id] = (height, rec, target)
    out.extend((rec, target) for _, rec, target in lowest.values())
    return out
