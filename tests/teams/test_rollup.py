"""The organization's result of a round: every respondent's answers combined by the roll-up
rule, then scored by the one engine, so it is the normal result."""

from __future__ import annotations

from socialmaturity.scoring.answers import Responses
from socialmaturity.scoring.engine import score_responses
from socialmaturity.services.teams import assess_round
from socialmaturity.teams.round import load_round, make_round, roll_up

from .conftest import EXAMPLES, respondent, responses_of
from .reference import rolled_up_answers


def test_the_organizations_answers_follow_the_documented_rule(social):
    team = [respondent(social, "marketing", "a", strategy_sponsor="none",
                       listening_response_rate=10, reach_departments=["marketing"]),
            respondent(social, "marketing", "b", strategy_sponsor="c-level",
                       listening_response_rate=90, data_crm="dont-know",
                       reach_departments=["marketing", "sales"]),
            respondent(social, "sales", "c", strategy_sponsor="director",
                       listening_response_rate=50, data_crm="dont-know",
                       reach_departments=["none"]),
            respondent(social, "sales", "d", strategy_sponsor="vice-president",
                       listening_response_rate=70, data_crm="dont-know", paid_influencers=None,
                       reach_departments=["sales", "product-rd"])]
    rnd = make_round(social, team)
    answers = rnd.organization.answers
    # four sponsors ordered by points: none < director < vice-president < c-level: the
    # lower median is the second
    assert answers["strategy-sponsor"] == "director"
    assert answers["listening-response-rate"] == 50.0
    # "don't know" defers to the one colleague who knows
    assert answers["data-crm"] == "manual"
    # marketing and sales each chosen by 2 of 4: at least half
    assert answers["reach-departments"] == ["marketing", "sales"]
    assert answers == rolled_up_answers(social, [r.responses.answers for r in team])
    assert rnd.organization.profile == {"organization": "Northwind Software",
                                        "sector": "technology", "size": "1000-9999",
                                        "region": "emea", "country": "NL"}


def test_one_respondent_keeps_their_answers(social):
    one = respondent(social, "marketing")
    rolled = roll_up(social, [one.responses])
    scored = {k: v for k, v in one.responses.answers.items() if not k.startswith("outcome-")}
    assert rolled.answers == scored


def test_the_organizations_result_is_the_result_of_the_rolled_up_answers(social, assessor):
    rnd = load_round(social, [EXAMPLES / "2026"])
    assert rnd.n == 7
    found = assess_round(assessor, rnd, "en", 3)
    expected = rolled_up_answers(social, [r.responses.answers for r in rnd.respondents])
    plain = assessor.assess(Responses(rnd.organization.profile, expected), "en")
    assert found.result.model_dump() == plain.model_dump()  # stage, peers, steps, what-ifs
    scores = score_responses(social, Responses({}, expected))
    assert found.result.overall.score == scores.overall
    assert [d.score for d in found.result.dimensions] == [d.score for d in scores.dimensions]
    assert found.result.recommendations  # the normal next steps with their what-if effects


def test_roll_up_of_responses_equals_the_rounds(social):
    team = [respondent(social, "sales", str(i), strategy_budget=b)
            for i, b in enumerate(["no-budget", "dedicated-team", "project-based"])]
    assert roll_up(social, responses_of(team)).answers == make_round(social, team) \
        .organization.answers
