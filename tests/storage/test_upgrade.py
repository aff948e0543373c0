"""A database filled by the 0002-era app (single respondents' assessments), upgraded to the
newest schema, keeps every assessment: respondents, status, answers and their results."""

from __future__ import annotations

import yaml
from sqlalchemy import text

from socialmaturity.scoring.answers import validate_responses
from socialmaturity.services.accounts import Accounts
from socialmaturity.services.assessment import make_assessor
from socialmaturity.services.organizations import Organizations
from socialmaturity.services.respondents import Respondents
from socialmaturity.storage.accounts import AccountStore
from socialmaturity.storage.database import current_revision, make_engine, upgrade
from socialmaturity.storage.repository import AssessmentStore, encode_value, token_hash

from .conftest import empty_database_url  # noqa: F401

ANSWERS = yaml.safe_load(open("examples/answers.yaml").read())
COMPLETED = "completed-token-" + "c" * 27
OPEN = "open-token-" + "o" * 32
CREATED = "2025-11-30 10:00:00"
DONE = "2025-11-30 10:30:00"


def _fill_like_0002(engine) -> None:
    """Rows as the 0002-era app wrote them: one organization, round and assessment per
    respondent; a completed respondent with every answer, an open one with a few of several
    types (an option key, a multi-select list, a number, free text)."""
    stamp = "" if engine.dialect.name == "sqlite" else "+00"
    rows = {
        (1, COMPLETED, "completed", f"'{DONE}{stamp}'"): {
            **ANSWERS["profile"], **ANSWERS["answers"]},
        (2, OPEN, "open", "NULL"): {"organization": "Open & Co", "sector": "retail-ecommerce",
                                    "reach-departments": ["marketing", "sales"],
                                    "strategy-sponsor": "dont-know"},
    }
    with engine.begin() as conn:
        for (n, token, status, completed), values in rows.items():
            at = f"'{CREATED}{stamp}'"
            conn.execute(text(f"INSERT INTO organizations (id, name, created_at) "
                              f"VALUES ({n}, :name, {at})"),
                         {"name": str(values.get("organization", ""))})
            conn.execute(text(f"INSERT INTO rounds (id, organization_id, name, created_at) "
                              f"VALUES ({n}, {n}, '', {at})"))
            conn.execute(text(
                f"INSERT INTO assessments (id, round_id, instrument_id, instrument_version, "
                f"instrument_hash, created_at) VALUES ({n}, {n}, 'social-maturity', '1.0.0', "
                f"'sha256:old', {at})"))
            conn.execute(text(
                f"INSERT INTO respondents (id, assessment_id, token_hash, language, status, "
                f"created_at, updated_at, completed_at) VALUES ({n}, {n}, :hash, 'nl', "
                f"'{status}', {at}, {at}, {completed})"), {"hash": token_hash(token)})
            for qid, value in values.items():
                conn.execute(text(f"INSERT INTO answers (respondent_id, question_id, value, "
                                  f"updated_at) VALUES ({n}, :qid, :value, {at})"),
                             {"qid": qid, "value": encode_value(qid, value)})


def test_upgrading_keeps_every_assessment(empty_database_url):  # noqa: F811
    url = empty_database_url
    upgrade(url, "0002")
    assert current_revision(url) == "0002"
    engine = make_engine(url)
    try:
        _fill_like_0002(engine)
        upgrade(url)
        assert current_revision(url) != "0002"
        store = AssessmentStore(engine)
        assessor = make_assessor()
        respondents = Respondents(store, assessor)
        done = store.find(COMPLETED)
        assert (done.status, done.language, done.organization, done.department,
                done.round_status) == ("completed", "nl", ANSWERS["profile"]["organization"],
                                       None, "open")
        assert done.completed_at.isoformat().startswith("2025-11-30T10:30:00")
        assert store.answers(COMPLETED) == {**ANSWERS["profile"], **ANSWERS["answers"]}
        _, result = respondents.result(COMPLETED, "nl")
        expected = assessor.assess(validate_responses(assessor.instrument, ANSWERS), "nl")
        assert result.model_dump() == expected.model_dump()
        still_open = store.find(OPEN)
        assert still_open.status == "open" and still_open.completed_at is None
        assert store.answers(OPEN) == {"organization": "Open & Co",
                                       "sector": "retail-ecommerce",
                                       "reach-departments": ["marketing", "sales"],
                                       "strategy-sponsor": "dont-know"}
        # a single respondent's assessment is still theirs: it changes every answer and is
        # on no facilitator's dashboard
        respondents.save(OPEN, {"sector": "technology"})
        assert store.answers(OPEN)["sector"] == "technology"
        accounts = Accounts(AccountStore(engine))
        assert Organizations(store, assessor, accounts).dashboard(None) == []
    finally:
        engine.dispose()
