"""Perception gaps: which departments are shown (k), their cells, spread, the agreement index
against an independent computation, and the ranking of disagreements."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from socialmaturity.scoring.engine import score_responses
from socialmaturity.teams.gaps import (
    MAX_SD,
    OTHER,
    group_respondents,
    perception_gaps,
    sd_agreement,
)
from socialmaturity.teams.round import make_round, roll_up

from .conftest import respondent


def team_of(inst, counts: dict[str, int]):
    return make_round(inst, [respondent(inst, dep, f"{dep}-{i}")
                             for dep, n in counts.items() for i in range(n)])


def test_departments_below_k_are_pooled_into_other(social):
    rnd = team_of(social, {"marketing": 3, "sales": 2, "hr-recruiting": 1})
    g = group_respondents(rnd, 3)
    assert [(x.key, x.n, x.pooled) for x in g.shown] == [
        ("marketing", 3, ()), (OTHER, 3, ("hr-recruiting", "sales"))]
    assert g.left_out is None and g.counts == {"marketing": 3, "hr-recruiting": 1, "sales": 2}


def test_a_pool_below_k_is_left_out_and_said_so(social):
    rnd = team_of(social, {"marketing": 2, "sales": 1, "customer-service": 4})
    g = group_respondents(rnd, 4)
    assert [x.key for x in g.shown] == ["customer-service"]
    assert g.left_out is not None and g.left_out.n == 3
    assert g.left_out.pooled == ("marketing", "sales")
    g = group_respondents(rnd, 8)
    assert g.shown == () and g.left_out.n == 7


def test_the_instruments_own_other_department_joins_the_pool(social):
    rnd = team_of(social, {"marketing": 3, "other": 2, "sales": 1})
    g = group_respondents(rnd, 3)
    assert [(x.key, x.n, x.pooled) for x in g.shown] == [
        ("marketing", 3, ()), (OTHER, 3, ("sales", "other"))]
    g = group_respondents(team_of(social, {"other": 3}), 3)
    assert [(x.key, x.n, x.pooled) for x in g.shown] == [(OTHER, 3, ("other",))]


def test_with_k_1_every_department_is_its_own_group(social):
    rnd = team_of(social, {"marketing": 1, "sales": 2, "other": 1})
    g = group_respondents(rnd, 1)
    assert [(x.key, x.n) for x in g.shown] == [("marketing", 1), ("sales", 2), (OTHER, 1)]


def test_cells_and_spread_are_each_departments_roll_up_scored(social):
    team = [respondent(social, "marketing", "m1", strategy_sponsor="c-level"),
            respondent(social, "marketing", "m2", strategy_sponsor="c-level",
                       data_crm="drives-actions"),
            respondent(social, "marketing", "m3", strategy_budget="no-budget"),
            respondent(social, "sales", "s1", strategy_sponsor="none", data_crm="partial"),
            respondent(social, "sales", "s2", strategy_sponsor="none"),
            respondent(social, "sales", "s3", governance_crisis="none")]
    rnd = make_round(social, team)
    gaps = perception_gaps(rnd, 3)
    expected = {dep: score_responses(social, roll_up(social, [r.responses for r in team
                                                              if r.department == dep]))
                for dep in ("marketing", "sales")}
    for d in social.dimensions:
        cells = gaps.scores.dimension(d.id)
        want = [next(x.score for x in expected[dep].dimensions if x.id == d.id)
                for dep in ("marketing", "sales")]
        assert cells == want
        a = next(x for x in gaps.agreement if x.dimension == d.id)
        assert a.spread == pytest.approx(max(want) - min(want))


def test_agreement_is_one_minus_the_population_sd_over_50(social):
    team = [respondent(social, dep, f"{dep}{i}", strategy_sponsor=s, strategy_horizon=h)
            for i, (dep, s, h) in enumerate([("marketing", "none", "ad-hoc"),
                                             ("marketing", "c-level", "multi-year"),
                                             ("sales", "director", "annual"),
                                             ("sales", "informal-champion", "campaign"),
                                             ("it", "vice-president", "quarterly")])]
    rnd = make_round(social, team)
    gaps = perception_gaps(rnd, 2)
    for d in social.dimensions:
        # each respondent scored alone by the single path, then the standard library's
        # population standard deviation
        own = [next(x.score for x in score_responses(social, r.responses).dimensions
                    if x.id == d.id) for r in team]
        a = next(x for x in gaps.agreement if x.dimension == d.id)
        assert a.n == 5
        assert a.sd == pytest.approx(statistics.pstdev(own), abs=1e-9)
        assert a.index == pytest.approx(1 - statistics.pstdev(own) / 50, abs=1e-9)
        assert a.index == pytest.approx(1 - np.std(own, ddof=0) / 50, abs=1e-9)


def test_agreement_at_its_bounds_and_by_hand():
    assert sd_agreement([0, 100, 0, 100]) == (MAX_SD, 0.0)  # the widest split
    assert sd_agreement([40, 40, 40]) == (0.0, 1.0)
    sd, index = sd_agreement([40, 60])  # σ = 10 by hand: mean 50, deviations ±10
    assert sd == pytest.approx(10.0) and index == pytest.approx(0.8)
    assert sd_agreement([70]) == (None, None)
    assert sd_agreement([70, float("nan")]) == (None, None)  # a dimension all not applicable


def test_disagreements_rank_by_the_spread_of_the_departments_item_scores(social):
    def member(dep, i, **changes):
        base = dict(strategy_sponsor="director", governance_crisis="playbook",
                    data_crm="manual", listening_response_rate=50, measurement_attribution="none")
        return respondent(social, dep, f"{dep}{i}", **{**base, **changes})

    team = [
        # strategy-sponsor: marketing at the top, sales at the bottom: spread 100
        *(member("marketing", i, strategy_sponsor="c-level") for i in range(3)),
        *(member("sales", i, strategy_sponsor="none") for i in range(3)),
    ]
    # governance-crisis: one rung apart (playbook 50 vs tested-playbook 75): spread 25
    for r in team[:3]:
        r.responses.answers["governance-crisis"] = "tested-playbook"
    # data-crm: individuals differ, the roll-ups agree: no department disagreement
    team[0].responses.answers["data-crm"] = "drives-actions"
    team[3].responses.answers["data-crm"] = "not-connected"
    # measurement-attribution: sales does not know: "don't know" is not a view, left out
    for r in team[3:]:
        r.responses.answers["measurement-attribution"] = "dont-know"
    # listening-response-rate: 50 against 80 (of 0–100): spread 30
    for r in team[3:]:
        r.responses.answers["listening-response-rate"] = 80.0
    rnd = make_round(social, team)
    found = perception_gaps(rnd, 3).disagreements
    assert [(d.question, round(d.spread, 6)) for d in found] == [
        ("strategy-sponsor", 100.0), ("listening-response-rate", 40.0),
        ("governance-crisis", 25.0)]
    first = found[0]
    assert [(g.key, g.n, g.answer, g.item_score) for g in first.groups] == [
        ("marketing", 3, "c-level", 100.0), ("sales", 3, "none", 0.0)]
    assert [(c.answer, c.count) for c in first.groups[0].counts] == [("c-level", 3)]
    assert first.sd == pytest.approx(50.0)  # three at 100, three at 0


def test_ties_are_broken_by_the_respondents_spread(social):
    team = [respondent(social, "marketing", "m1", strategy_horizon="multi-year",
                       paid_testing="always"),
            respondent(social, "marketing", "m2", strategy_horizon="multi-year",
                       paid_testing="always"),
            respondent(social, "marketing", "m3", strategy_horizon="multi-year",
                       paid_testing="never"),
            respondent(social, "sales", "s1", strategy_horizon="ad-hoc", paid_testing="never"),
            respondent(social, "sales", "s2", strategy_horizon="ad-hoc", paid_testing="never"),
            respondent(social, "sales", "s3", strategy_horizon="ad-hoc", paid_testing="never")]
    found = perception_gaps(make_round(social, team), 3).disagreements
    # both spread 100; the horizon splits the respondents more evenly (3 against 3)
    assert [d.question for d in found[:2]] == ["strategy-horizon", "paid-testing"]
    assert found[0].sd > found[1].sd


def test_multi_select_counts_per_option_and_numbers_in_order(social):
    from socialmaturity.teams.gaps import answer_counts

    team = [respondent(social, "marketing", "a", reach_departments=["marketing", "sales"],
                       employees_trained=20),
            respondent(social, "marketing", "b", reach_departments=["sales"],
                       employees_trained=5),
            respondent(social, "marketing", "c", reach_departments="dont-know",
                       employees_trained=None)]
    rnd = make_round(social, team)
    counts = answer_counts(rnd, "reach-departments", (0, 1, 2))
    assert [(c.answer, c.count) for c in counts] == [("marketing", 1), ("sales", 2),
                                                    ("dont-know", 1)]
    counts = answer_counts(rnd, "employees-trained", (0, 1, 2))
    assert [(c.answer, c.count) for c in counts] == [(5.0, 1), (20.0, 1), (None, 1)]


def test_no_disagreements_with_fewer_than_two_groups(social):
    rnd = team_of(social, {"marketing": 3, "sales": 1})
    assert perception_gaps(rnd, 3).disagreements == []
