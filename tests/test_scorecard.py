"""The scorecard's what-if equals scoring the changed answers from scratch.

:class:`~socialmaturity.recommendations.scorecard.Scorecard` re-computes only what one answer
change can move (every effect and every path step rests on it); these property tests hold it
equal to :func:`~socialmaturity.scoring.engine.score_responses` on the changed answers, for
random answers and random changes (any valid answer, the special ones included), on the social
model and on the kitchen model (a gate on a dimension's score).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialmaturity.instrument.model import DONT_KNOW, NOT_APPLICABLE
from socialmaturity.recommendations.scorecard import Scorecard
from socialmaturity.scoring.answers import Responses
from socialmaturity.scoring.engine import score_responses


def answer(inst, q):
    """Any valid answer to ``q``: a special answer, an option (or options), a number."""
    specials = [v for v, on in ((DONT_KNOW, q.dont_know), (NOT_APPLICABLE, q.not_applicable))
                if on]
    if q.type == "single":
        real = st.sampled_from(inst.index.option_keys(q.id))
    elif q.type == "multi":
        plain = [o.key for o in inst.index.options[q.id] if not o.exclusive]
        excl = [o.key for o in inst.index.options[q.id] if o.exclusive]
        real = st.one_of(st.lists(st.sampled_from(plain), min_size=1, unique=True)
                         .map(lambda ks: [k for k in inst.index.option_keys(q.id) if k in ks]),
                         *[st.just([k]) for k in excl])
    else:
        real = st.integers(int(q.min), int(q.max)).map(float)
    return st.one_of(st.sampled_from(specials) if specials else st.nothing(), real, real)


def high(inst, q):
    """One of the two best answers (so that the upper stages, their caps and gates are met)."""
    if q.type == "numeric":
        return st.sampled_from([float(q.max), float(int(q.min + 0.8 * (q.max - q.min)))])
    if q.type == "multi":
        plain = [o.key for o in inst.index.options[q.id] if not o.exclusive]
        return st.just(plain)
    ranked = sorted(inst.index.options[q.id], key=lambda o: -(o.points or 0.0))
    return st.sampled_from([o.key for o in ranked[:2]])


def responses(inst):
    """Random answers, half the time mostly among the best ones."""
    questions = inst.scored_questions
    return st.booleans().flatmap(lambda top: st.fixed_dictionaries(
        {q.id: st.one_of(st.none(), answer(inst, q), *[high(inst, q)] * (6 if top else 0))
         for q in questions}).map(
        lambda a: Responses({}, {k: v for k, v in a.items() if v is not None})))


def changes(inst, n):
    questions = inst.scored_questions
    return st.lists(st.sampled_from(questions).flatmap(
        lambda q: st.tuples(st.just(q.id), answer(inst, q))), min_size=1, max_size=n)


def same(card_or_trial, scores):
    assert card_or_trial.overall == scores.overall
    assert card_or_trial.level == scores.level
    assert card_or_trial.threshold_level == scores.threshold_level
    assert card_or_trial.decided_by == scores.decided_by
    assert card_or_trial.scores == tuple(d.score for d in scores.dimensions)
    assert card_or_trial.levels == tuple(d.level for d in scores.dimensions)
    assert card_or_trial.gates == scores.gates


@pytest.fixture(params=["social", "kitchen"])
def inst(request):
    return request.getfixturevalue(request.param)


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])
@given(data=st.data())
def test_a_trial_equals_scoring_the_changed_answers(inst, data):
    before = data.draw(responses(inst))
    card = Scorecard(inst, before, score_responses(inst, before))
    for question, value in data.draw(changes(inst, 4)):
        trial = card.trial(question, value)
        same(trial, score_responses(inst, Responses({}, {**before.answers, question: value})))
    same(card, score_responses(inst, before))  # a trial changes nothing


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])
@given(data=st.data())
def test_changes_applied_one_after_another_equal_scoring_the_result(inst, data):
    answers = dict(data.draw(responses(inst)).answers)
    card = Scorecard(inst, Responses({}, answers), score_responses(inst, Responses({}, answers)))
    for question, value in data.draw(changes(inst, 8)):
        card.apply(question, value)
        answers[question] = value
        scores = score_responses(inst, Responses({}, answers))
        same(card, scores)
        assert card.items == scores.items and card.answers == answers


def test_the_rules_a_change_can_meet_or_break(social):
    """The cases random answers rarely reach: a gate's cap on its dimension's stage, a change
    that meets a gate, a change that makes a question not applicable."""
    top = {q.id: max(social.index.options[q.id], key=lambda o: o.points or 0.0).key
           for q in social.scored_questions if q.type == "single"}
    top["data-crm"] = "partial"  # the gate of the top stage is not met
    before = Responses({}, top)
    scores = score_responses(social, before)
    data = next(d for d in scores.dimensions if d.id == "data")
    assert data.level == 3 and data.score >= 78  # capped by the gate
    card = Scorecard(social, before, scores)
    for question, value in [("data-privacy", top["data-privacy"]), ("data-bi", DONT_KNOW),
                            ("data-crm", "drives-actions"), ("data-journey-maps",
                                                             NOT_APPLICABLE)]:
        same(card.trial(question, value),
             score_responses(social, Responses({}, {**top, question: value})))
