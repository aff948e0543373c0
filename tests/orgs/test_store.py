"""The organization store on SQLite and PostgreSQL: invitations with derived links and their
profile written at once, counts, the dashboard in one query, export and erase."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from socialmaturity.storage.database import StorageError
from socialmaturity.storage.organizations import invitation_token
from socialmaturity.storage.tables import (
    answers,
    assessments,
    audit_log,
    metadata,
    organizations,
    respondents,
    rounds,
    shares,
)

from .conftest import EXAMPLES, PROFILE, add_user, fill_round, northwind


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_an_invitation_link_is_derived_and_its_profile_written(orgs, people, org_store):
    owner = people["owner"]
    org_id = orgs.create(owner, "Acme", **PROFILE)
    round_id = orgs.create_round(owner, org_id, "2026 Q4")
    made = orgs.invite(owner, round_id, "hr-recruiting", "nl")
    assert len(made.token) == 43
    found = org_store.find(made.token)
    assert (found.department, found.language, found.round_status) == ("hr-recruiting", "nl",
                                                                      "open")
    assert org_store.answers(made.token) == {**PROFILE, "department": "hr-recruiting",
                                             "organization": "Acme"}
    (listed,) = orgs.invitations(owner, round_id)
    assert listed.token == made.token  # copied again later: the same link
    row = org_store.invitation(made.id)
    assert invitation_token(org_store.server_secret("invitations"), row.invite_nonce) == \
        made.token


def test_a_failing_invitation_writes_nothing(org_store, people):
    org_id = org_store.create_organization("Acme", owner_id=people["owner"].user_id, **PROFILE)
    round_id = org_store.create_round(org_id, "r", "social-maturity", "1", "h")
    assessment_id = org_store.round(round_id).assessment_id
    with pytest.raises(StorageError):
        org_store.invite(assessment_id, "sales", "en", "secret", {"sector": object()})
    assert count(org_store.engine, respondents) == 0
    # many at once: all or none
    with pytest.raises(StorageError):
        org_store.invite(assessment_id, "sales", "en", "secret", {"sector": object()}, 5)
    assert count(org_store.engine, respondents) == 0
    made = org_store.invite(assessment_id, "sales", "en", "secret", {"sector": "retail"}, 5)
    assert len({token for _, token, _ in made}) == 5 and count(org_store.engine, respondents) == 5


def test_counts_per_department_leave_revoked_out(orgs, people):
    owner = people["owner"]
    org_id = orgs.create(owner, "Acme", **PROFILE)
    round_id = orgs.create_round(owner, org_id, "2026")
    fill_round(orgs, owner, round_id, EXAMPLES / "2026")  # 4 marketing, 3 service, completed
    extra = orgs.invite(owner, round_id, "marketing")
    gone = orgs.invite(owner, round_id, "sales")
    orgs.revoke(owner, gone.id)
    counts = {c.department: (c.invited, c.completed)
              for c in orgs.department_counts(owner, round_id)}
    assert counts == {"marketing": (5, 4), "customer-service": (3, 3)}
    assert orgs.get_round(owner, round_id).invited == 8
    statuses = {i.id: (i.status, i.token) for i in orgs.invitations(owner, round_id)}
    assert statuses[gone.id] == ("revoked", None) and statuses[extra.id][0] == "open"


def test_the_dashboard_is_one_query(orgs, people, org_store):
    owner = people["owner"]
    for i in range(5):
        org_id = orgs.create(owner, f"Org {i}", **PROFILE)
        orgs.create_round(owner, org_id, "2025")
        round_id = orgs.create_round(owner, org_id, "2026")
        orgs.invite(owner, round_id, "sales")
    orgs.create(people["other"], "Not mine", **PROFILE)
    statements = []

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(org_store.engine, "before_cursor_execute", seen)
    try:
        rows = orgs.dashboard(owner)
    finally:
        event.remove(org_store.engine, "before_cursor_execute", seen)
    assert len(statements) == 1
    assert [(r.name, r.rounds, r.latest_round, r.latest_status, r.invited, r.completed)
            for r in rows] == [(f"Org {i}", 2, "2026", "open", 1, 0) for i in range(5)]
    assert rows[0].sector_label and rows[0].owner_email == owner.email


def test_close_round(orgs, people, org_store):
    owner = people["owner"]
    org_id = orgs.create(owner, "Acme", **PROFILE)
    round_id = orgs.create_round(owner, org_id, "2026")
    made = orgs.invite(owner, round_id, "sales")
    orgs.close_round(owner, round_id)
    found = orgs.get_round(owner, round_id)
    assert found.status == "closed" and found.closed_at is not None
    assert org_store.find(made.token).round_status == "closed"


def test_export_holds_everything(orgs, people):
    owner, viewer = people["owner"], people["viewer"]
    org_id, first, second = northwind(orgs, owner)
    orgs.share(owner, org_id, viewer.email)
    orgs.set_targets(owner, second, {"data": 45})
    data = orgs.export(owner, org_id, dict)
    import json

    json.dumps(data)  # JSON-serializable
    assert data["organization"]["name"] == "Northwind Software"
    assert data["organization"]["owner"] == owner.email
    assert {k: data["organization"][k] for k in PROFILE} == PROFILE
    assert [s["email"] for s in data["shares"]] == [viewer.email]
    assert [r["name"] for r in data["rounds"]] == ["2025", "2026"]
    assert data["rounds"][1]["targets"] == [{"dimension": "data", "score": 45.0}]
    people_2026 = data["rounds"][1]["assessments"][0]["respondents"]
    assert len(people_2026) == 7 and all(p["status"] == "completed" for p in people_2026)
    assert sorted({p["department"] for p in people_2026}) == ["customer-service", "marketing"]
    stored = sum(len(p["answers"]) for r in data["rounds"] for a in r["assessments"]
                 for p in a["respondents"])
    assert stored == count(orgs.store.engine, answers)
    assert "token" not in json.dumps(data) and "nonce" not in json.dumps(data)


def test_erase_leaves_nothing_but_the_audit_entry(orgs, people, engine):
    owner, viewer = people["owner"], people["viewer"]
    org_id, _, _ = northwind(orgs, owner)
    orgs.share(owner, org_id, viewer.email)
    kept_id = orgs.create(owner, "Kept", **PROFILE)
    kept_round = orgs.create_round(owner, kept_id, "2026")
    orgs.invite(owner, kept_round, "sales")
    assert orgs.erase(owner, org_id) == "Northwind Software"
    with engine.connect() as conn:
        for table in (organizations, rounds, shares):
            assert conn.execute(select(func.count()).select_from(table)
                                .where(table.c.organization_id == org_id
                                       if "organization_id" in table.c
                                       else table.c.id == org_id)).scalar_one() == 0
        # what is left belongs to the kept organization only
        assert conn.execute(select(func.count()).select_from(rounds)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(assessments)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(respondents)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(answers)).scalar_one() == 5
        entries = conn.execute(select(audit_log.c.action, audit_log.c.organization_id,
                                      audit_log.c.user_id)).all()
    assert ("erase", org_id, owner.user_id) in entries
    # no text of the erased organization is anywhere in the database
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                assert "Northwind" not in repr(tuple(row)), table.name


def test_shares_need_an_active_viewer(orgs, people, engine, accounts):
    from socialmaturity.errors import AnswersError

    owner = people["owner"]
    org_id = orgs.create(owner, "Acme", **PROFILE)
    for email in ("nobody@example.org", people["other"].email):
        with pytest.raises(AnswersError):
            orgs.share(owner, org_id, email)
    viewer = add_user(accounts, "viewer", "Case@Example.org")
    assert orgs.share(owner, org_id, "  CASE@example.org ") == viewer.user_id
    orgs.share(owner, org_id, viewer.email)  # again: nothing new
    assert len(orgs.get(owner, org_id).shares) == 1
    orgs.unshare(owner, org_id, viewer.user_id)
    assert orgs.get(owner, org_id).shares == []
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(
            select(audit_log.c.action).where(audit_log.c.organization_id == org_id)
            .order_by(audit_log.c.id))]
    assert actions == ["share", "unshare"]
    accounts.disable(viewer.email)
    with pytest.raises(AnswersError):  # a disabled viewer gets no share
        orgs.share(owner, org_id, viewer.email)


@pytest.mark.parametrize("field,value", [("name", ""), ("name", "x" * 201),
                                         ("sector", "bakery"), ("size", None),
                                         ("region", "mars")])
def test_create_checks_the_profile(orgs, people, field, value):
    from socialmaturity.errors import AnswersError

    given = {"name": "Acme", **PROFILE, field: value}
    with pytest.raises(AnswersError) as refused:
        orgs.create(people["owner"], **given)
    assert refused.value.problems[0].where == field
