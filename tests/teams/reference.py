"""The roll-up rule written out again in plain Python, from its documentation
(:mod:`socialmaturity.scoring.rollup`), without numpy and without the encoding: the tests
hold the program's roll-up to it."""

from __future__ import annotations

from socialmaturity.instrument.model import DONT_KNOW, NOT_APPLICABLE


def rolled_up(inst, answers: list[dict], qid: str):
    """The organization's answer to ``qid`` from every respondent's ``answers``."""
    q = inst.index.questions[qid]
    given = [a.get(qid) for a in answers]
    real = [v for v in given if v is not None and v not in (DONT_KNOW, NOT_APPLICABLE)]
    if not real:
        if DONT_KNOW in given:
            return DONT_KNOW
        return NOT_APPLICABLE if NOT_APPLICABLE in given else None
    options = inst.index.options[qid]
    if q.type == "single":
        rank = {o.key: (o.points or 0.0, i) for i, o in enumerate(options)}
        ordered = sorted(real, key=lambda k: rank[k])
        return ordered[(len(ordered) - 1) // 2]  # the lower median
    if q.type == "numeric":
        ordered = sorted(float(v) for v in real)
        return ordered[(len(ordered) - 1) // 2]
    chosen = {o.key: sum(o.key in v for v in real) for o in options if not o.exclusive}
    half = [k for k, c in chosen.items() if 2 * c >= len(real)]
    if half:
        return half
    exclusive = [o.key for o in options if o.exclusive]
    if exclusive:
        return exclusive
    most = max(chosen.values(), default=0)
    return [k for k, c in chosen.items() if c == most and c > 0]


def rolled_up_answers(inst, answers: list[dict]) -> dict:
    out = {}
    for q in inst.scored_questions:
        v = rolled_up(inst, answers, q.id)
        if v is not None:
            out[q.id] = v
    return out
