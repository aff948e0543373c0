"""The account store on SQLite and PostgreSQL: accounts, sessions, login attempts, the audit
log; each method one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from socialmaturity.storage.accounts import (
    AccountExists,
    AccountStore,
    Attempt,
    Audit,
)
from socialmaturity.storage.tables import audit_log, login_attempts, sessions, users

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HASH_A, HASH_B = "a" * 64, "b" * 64


@pytest.fixture
def store(engine) -> AccountStore:  # noqa: F811
    return AccountStore(engine)


def count(store, table, *where) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_accounts_are_added_listed_and_unique(store):
    ann = store.add_user("ann@example.org", "$argon2id$x", "facilitator", T0,
                         Audit(T0, "user-added"))
    store.add_user("bob@example.org", "$argon2id$y", "viewer", T0, Audit(T0, "user-added"))
    assert (ann.email, ann.role, ann.active, ann.has_token, ann.created_at) == (
        "ann@example.org", "facilitator", True, False, T0)
    assert [u.email for u in store.users()] == ["ann@example.org", "bob@example.org"]
    with pytest.raises(AccountExists):
        store.add_user("ann@example.org", "$argon2id$z", "admin", T0, Audit(T0, "user-added"))
    assert count(store, users) == 2
    # the refused add wrote nothing, not even its audit entry
    assert count(store, audit_log) == 2
    found = store.credentials("ann@example.org")
    assert found.password_hash == "$argon2id$x" and found.user == ann
    assert store.credentials("nobody@example.org") is None


def test_disabling_ends_sessions_and_the_token_in_one_go(store):
    ann = store.add_user("ann@example.org", "h", "facilitator", T0, Audit(T0, "user-added"))
    store.set_token("ann@example.org", HASH_A, Audit(T0, "token-issued"))
    assert store.token_user(HASH_A).has_token
    store.record_login(Attempt("e" * 64, "10.0.0.1", T0, True),
                       Audit(T0, "login", ann.user_id), T0, (HASH_B, T0 + timedelta(hours=1)))
    assert store.session_user(HASH_B, T0).email == "ann@example.org"
    disabled = store.disable("ann@example.org", T0, Audit(T0, "user-disabled"))
    assert (disabled.active, disabled.has_token, disabled.disabled_at) == (False, False, T0)
    assert store.session_user(HASH_B, T0) is None and store.token_user(HASH_A) is None
    assert count(store, sessions) == 0
    assert store.set_token("ann@example.org", HASH_A, Audit(T0, "token-issued")) is None
    assert store.disable("nobody@example.org", T0, Audit(T0, "user-disabled")) is None


def test_sessions_expire_and_end(store):
    ann = store.add_user("ann@example.org", "h", "facilitator", T0, Audit(T0, "user-added"))
    store.record_login(Attempt("e" * 64, "10.0.0.1", T0, True),
                       Audit(T0, "login", ann.user_id), T0, (HASH_A, T0 + timedelta(hours=12)))
    assert store.session_user(HASH_A, T0 + timedelta(hours=11, minutes=59)) is not None
    assert store.session_user(HASH_A, T0 + timedelta(hours=12)) is None
    # a later login deletes the account's expired sessions
    later = T0 + timedelta(hours=13)
    store.record_login(Attempt("e" * 64, "10.0.0.1", later, True),
                       Audit(later, "login", ann.user_id), later,
                       (HASH_B, later + timedelta(hours=12)))
    assert count(store, sessions) == 1
    assert store.end_session(HASH_B, Audit(later, "logout")) == ann.user_id
    assert store.session_user(HASH_B, later) is None
    assert store.end_session(HASH_B, Audit(later, "logout")) is None
    assert [e.action for e in store.audit_log()] == ["logout", "login", "login", "user-added"]


def fail(store, email_hash: str, address: str, at: datetime) -> None:
    store.record_login(Attempt(email_hash, address, at, False), Audit(at, "login-failed"),
                       at - timedelta(minutes=15))


def test_failures_blocking_is_the_nth_latest_failure_in_the_window(store):
    since = T0 - timedelta(minutes=15)
    for minute in range(3):
        fail(store, HASH_A, "10.0.0.1", T0 - timedelta(minutes=10 - minute))
    # 3 failures: a limit of 3 blocks from the earliest of them on, a limit of 4 does not
    assert store.failures_blocking(HASH_A, "10.0.0.9", since, 3, 100) == \
        T0 - timedelta(minutes=10)
    assert store.failures_blocking(HASH_A, "10.0.0.9", since, 4, 100) is None
    # by address: the same failures, counted for any e-mail
    assert store.failures_blocking(HASH_B, "10.0.0.1", since, 100, 2) == \
        T0 - timedelta(minutes=9)
    # a success resets the account's count, not the address's
    store.record_login(Attempt(HASH_A, "10.0.0.1", T0 - timedelta(minutes=5), True),
                       Audit(T0, "login"), since)
    assert store.failures_blocking(HASH_A, "10.0.0.9", since, 3, 100) is None
    assert store.failures_blocking(HASH_A, "10.0.0.1", since, 100, 3) == \
        T0 - timedelta(minutes=10)


def test_old_attempts_are_forgotten(store):
    fail(store, HASH_A, "10.0.0.1", T0 - timedelta(hours=2))
    fail(store, HASH_B, "10.0.0.2", T0 - timedelta(hours=2))
    fail(store, HASH_A, "10.0.0.3", T0)
    # the attempt of the same e-mail (another address) went; the other one stays
    assert count(store, login_attempts) == 2
    assert count(store, login_attempts, login_attempts.c.email_hash == HASH_B) == 1


def test_the_audit_log_newest_first_limited_and_per_organization(store):
    ann = store.add_user("ann@example.org", "h", "facilitator", T0, Audit(T0, "user-added"))
    for i in range(5):
        store.audit(Audit(T0 + timedelta(minutes=i), "export", ann.user_id,
                          organization_id=7 if i % 2 else 8, address="192.0.2.1",
                          detail="x" * 600))
    log = store.audit_log(limit=3)
    assert [e.at for e in log] == [T0 + timedelta(minutes=m) for m in (4, 3, 2)]
    assert log[0].email == "ann@example.org" and len(log[0].detail) == 500
    assert [e.organization_id for e in store.audit_log(organization_id=7)] == [7, 7]
    store.audit(Audit(T0, "erase", None, organization_id=99))
    assert store.audit_log(organization_id=99)[0].email is None
