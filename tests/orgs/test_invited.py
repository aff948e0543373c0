"""Respondents of invitations: the organization's profile and their department are set and
locked, a revoked link is an unknown one, a closed round takes no more answers."""

from __future__ import annotations

import pytest

from socialmaturity.errors import AnswersError
from socialmaturity.services.respondents import Respondents, RoundClosed, UnknownToken

from .conftest import PROFILE


@pytest.fixture
def invited(orgs, people):
    owner = people["owner"]
    org_id = orgs.create(owner, "Acme", **PROFILE)
    round_id = orgs.create_round(owner, org_id, "2026")
    made = orgs.invite(owner, round_id, "sales")
    return Respondents(orgs.store, orgs.assessor), made, round_id


@pytest.mark.parametrize("field,value", [("sector", "retail-ecommerce"), ("size", "1-99"),
                                         ("region", "asia-pacific"), ("department", "marketing"),
                                         ("organization", "Other BV")])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_locked_fields_cannot_change(invited, field, value, lang):
    respondents, made, _ = invited
    with pytest.raises(AnswersError) as refused:
        respondents.save(made.token, {field: value, "role": "cmo"}, lang)
    (problem,) = refused.value.problems
    assert problem.where == field and field in problem.message_in(lang)
    if lang == "nl":
        assert "kan hier niet" in problem.message_in("nl")
    assert "role" not in respondents.store.answers(made.token)  # nothing of it stored


def test_the_same_values_and_a_form_leaving_them_out_are_fine(invited):
    respondents, made, _ = invited
    respondents.save(made.token, {**PROFILE, "department": "sales", "role": "cmo"})
    respondents.save(made.token, {"sector": None, "role": "executive"}, labels=True)  # a web form
    stored = respondents.store.answers(made.token)
    assert stored["sector"] == PROFILE["sector"] and stored["role"] == "executive"
    with pytest.raises(AnswersError):  # the API clearing a locked field
        respondents.save(made.token, {"sector": None})


def test_a_single_respondent_still_changes_everything(orgs):
    respondents = Respondents(orgs.store, orgs.assessor)
    token = respondents.start("Solo", "en")
    respondents.save(token, {**PROFILE, "organization": "Solo 2"})
    respondents.save(token, {"sector": "retail-ecommerce"})
    assert respondents.store.answers(token)["sector"] == "retail-ecommerce"


def test_a_revoked_link_is_unknown(invited, orgs, people):
    respondents, made, _ = invited
    orgs.revoke(people["owner"], made.id)
    for call in (lambda: respondents.find(made.token),
                 lambda: respondents.save(made.token, {"role": "cmo"}),
                 lambda: respondents.result(made.token, "en")):
        with pytest.raises(UnknownToken):
            call()


def test_a_closed_round_takes_no_more_answers(invited, orgs, people):
    respondents, made, round_id = invited
    respondents.save(made.token, {"role": "cmo"})
    orgs.close_round(people["owner"], round_id)
    with pytest.raises(RoundClosed) as refused:
        respondents.save(made.token, {"role": "executive"}, "nl")
    assert "gesloten" in refused.value.problems[0].message_in("nl")
    with pytest.raises(RoundClosed):
        respondents.complete(made.token)
    with pytest.raises(AnswersError):
        orgs.invite(people["owner"], round_id, "sales")
    assert respondents.store.answers(made.token)["role"] == "cmo"  # kept


def test_a_result_takes_the_answers_checked_when_saved(invited):
    """Answers saved under this very instrument are taken as they are: the result is the one
    of the answers checked again; a required profile field still missing is still named."""
    import yaml

    from socialmaturity.scoring.answers import checked_when_saved, validate_responses
    from socialmaturity.services.respondents import split

    from .test_round_result import EXAMPLES

    respondents, made, _ = invited
    data = yaml.safe_load(sorted((EXAMPLES / "2026").glob("*.yaml"))[0].read_text())
    respondents.save(made.token, {**data["answers"], "role": "cmo"})
    inst = respondents.instrument
    assert checked_when_saved(inst, respondents.find(made.token).instrument_hash)
    _, res = respondents.result(made.token, "en")
    stored = split(inst, respondents.store.answers(made.token))
    again = validate_responses(inst, {"profile": stored.profile, "answers": stored.answers})
    assert res == respondents.assessor.assess(again, "en")
    assert not checked_when_saved(inst, "another version's hash")
    solo = respondents.start("Solo", "en")  # no profile given: sector, size, region missing
    respondents.save(solo, dict(data["answers"]))
    with pytest.raises(AnswersError) as refused:
        respondents.result(solo, "en")
    assert "missing required profile field 'sector'" in str(refused.value)
