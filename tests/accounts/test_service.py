"""The Accounts service on SQLite and PostgreSQL: argon2id hashes, one refusal message, the
login limits, sessions and API tokens, the audit log."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text

from socialmaturity.core.settings import Settings
from socialmaturity.errors import NotFound, SocialMaturityError, TooManyAttempts
from socialmaturity.services.accounts import Accounts, LoginRefused
from socialmaturity.storage.accounts import AccountStore
from socialmaturity.storage.tables import sessions, users

from .conftest import CHEAP, PASSWORD


def stored_hash(accounts, email="ann@example.org") -> str:
    return accounts.store.credentials(email).password_hash


def test_passwords_are_argon2id_hashes_with_the_settings_parameters(engine, clock):
    accounts = Accounts(AccountStore(engine), Settings(), clock=clock)  # the defaults
    accounts.add_user("Ann@Example.org ", "facilitator", PASSWORD)
    hashed = stored_hash(accounts)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in hashed
    with accounts.store.engine.connect() as conn:
        row = conn.execute(select(users)).one()
    assert row.email == "ann@example.org" and PASSWORD not in str(tuple(row))


def test_add_user_refuses_bad_input_naming_the_field(accounts):
    cases = [("not-an-address", "facilitator", PASSWORD, "email"),
             ("a" * 250 + "@x.org", "facilitator", PASSWORD, "email"),
             ("ann@example.org", "owner", PASSWORD, "role"),
             ("ann@example.org", "viewer", "short", "password"),
             ("ann@example.org", "viewer", "x" * 1025, "password")]
    said = {}
    for email, role, password, field in cases:
        with pytest.raises(SocialMaturityError) as e:
            accounts.add_user(email, role, password)
        assert e.value.problems[0].where == field
        said[field] = str(e.value)
    assert "valid: admin, facilitator, viewer" in said["role"]
    assert "12 to 1024 characters" in said["password"]
    assert "name@example.org" in said["email"]
    accounts.add_user("ann@example.org", "viewer", PASSWORD)
    with pytest.raises(SocialMaturityError, match="exists already"):
        accounts.add_user("ANN@example.org", "admin", PASSWORD)
    assert [u.email for u in accounts.list_users()] == ["ann@example.org"]


def test_a_login_gives_a_random_session_of_which_only_the_hash_is_stored(accounts):
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    token, actor = accounts.login(" ANN@example.org", PASSWORD, "192.0.2.1")
    assert (actor.email, actor.role) == ("ann@example.org", "facilitator")
    assert len(token) == 43  # 256 bits, URL-safe
    assert accounts.session_actor(token) == actor
    with accounts.store.engine.connect() as conn:
        row = conn.execute(select(sessions)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(tuple(row))
    other, _ = accounts.login("ann@example.org", PASSWORD, "192.0.2.1")
    assert other != token and accounts.session_actor(other) == actor
    assert accounts.session_actor("") is None and accounts.session_actor("x" * 200) is None


def test_one_message_for_unknown_email_wrong_password_and_disabled_account(accounts):
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    accounts.add_user("old@example.org", "facilitator", PASSWORD)
    accounts.disable("old@example.org")
    messages = set()
    for email, password in [("nobody@example.org", PASSWORD), ("ann@example.org", "wrong one!!"),
                            ("old@example.org", PASSWORD), ("", ""), ("x" * 300, PASSWORD)]:
        with pytest.raises(LoginRefused) as e:
            accounts.login(email, password, "192.0.2.1")
        messages.add((e.value.text("en"), e.value.text("nl")))
    assert len(messages) == 1
    english, dutch = messages.pop()
    assert "do not match an active account" in english and english != dutch


def test_failed_logins_per_account_are_limited_and_a_success_resets_them(accounts, clock):
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginRefused):
            accounts.login("ann@example.org", "wrong password", "192.0.2.1")
        clock.advance(seconds=10)
    accounts.login("ann@example.org", PASSWORD, "192.0.2.2")  # resets the account's count
    clock.advance(seconds=1)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.login("ann@example.org", "wrong password", f"192.0.2.{3 + _}")
        clock.advance(minutes=1)
    # five failures in the window: refused even with the right password, from anywhere
    with pytest.raises(TooManyAttempts) as e:
        accounts.login("ann@example.org", PASSWORD, "198.51.100.7")
    # the first of the five, 5 minutes ago, leaves the 15-minute window in 10 minutes
    assert e.value.retry_after == 10 * 60
    assert "10 minutes" in e.value.text("en") and "10 minuten" in e.value.text("nl")
    clock.advance(minutes=10)
    token, _ = accounts.login("ann@example.org", PASSWORD, "198.51.100.7")
    assert accounts.session_actor(token) is not None


def test_unknown_emails_are_limited_like_known_ones(accounts):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.login("nobody@example.org", "wrong password", "192.0.2.1")
    for _ in range(3):
        with pytest.raises(TooManyAttempts):
            accounts.login("Nobody@example.org", "wrong password", "192.0.2.1")
    # the refused-for-the-limit requests are neither counted nor logged: a flood of them
    # costs no hash and fills no table
    assert [e.action for e in accounts.audit_log()] == ["login-failed"] * 5


def test_failed_logins_per_address_are_limited(accounts, clock):
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    for i in range(20):  # twenty e-mails, one failure each, from one address
        with pytest.raises(LoginRefused):
            accounts.login(f"guess{i}@example.org", "wrong password", "203.0.113.5")
    with pytest.raises(TooManyAttempts) as e:
        accounts.login("ann@example.org", PASSWORD, "203.0.113.5")
    assert e.value.retry_after == 15 * 60
    # another address is not limited, and a success does not lift the address's limit
    accounts.login("ann@example.org", PASSWORD, "203.0.113.6")
    with pytest.raises(TooManyAttempts):
        accounts.login("ann@example.org", PASSWORD, "203.0.113.5")
    clock.advance(minutes=15)
    accounts.login("ann@example.org", PASSWORD, "203.0.113.5")


def test_the_limits_are_settings(engine, clock):
    accounts = Accounts(AccountStore(engine), Settings(
        **CHEAP, login_max_failures_account=2, login_window_minutes=1), clock=clock)
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    for _ in range(2):
        with pytest.raises(LoginRefused):
            accounts.login("ann@example.org", "wrong password", "192.0.2.1")
    with pytest.raises(TooManyAttempts) as e:
        accounts.login("ann@example.org", PASSWORD, "192.0.2.1")
    assert e.value.retry_after == 60


def test_sessions_expire_after_the_session_hours(engine, clock):
    accounts = Accounts(AccountStore(engine), Settings(**CHEAP, session_hours=2), clock=clock)
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    token, actor = accounts.login("ann@example.org", PASSWORD, "192.0.2.1")
    clock.advance(hours=1, minutes=59)
    assert accounts.session_actor(token) == actor
    clock.advance(minutes=1)
    assert accounts.session_actor(token) is None


def test_logout_ends_the_session_and_disable_ends_them_all(accounts):
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    first, _ = accounts.login("ann@example.org", PASSWORD, "192.0.2.1")
    second, _ = accounts.login("ann@example.org", PASSWORD, "192.0.2.1")
    accounts.logout(first, "192.0.2.1")
    assert accounts.session_actor(first) is None and accounts.session_actor(second) is not None
    accounts.logout("unknown token")  # nothing happens
    accounts.disable("ann@example.org")
    assert accounts.session_actor(second) is None
    assert not accounts.list_users()[0].active
    with pytest.raises(NotFound):
        accounts.disable("nobody@example.org")


def test_api_tokens_are_hashed_replaced_and_end_with_the_account(accounts):
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    token = accounts.new_token("ann@example.org")
    assert len(token) == 43 and accounts.token_actor(token).email == "ann@example.org"
    assert accounts.list_users()[0].has_token
    with accounts.store.engine.connect() as conn:
        kept = conn.execute(select(users.c.api_token_hash)).scalar_one()
    assert kept == hashlib.sha256(token.encode()).hexdigest()
    newer = accounts.new_token("ann@example.org")
    assert accounts.token_actor(token) is None and accounts.token_actor(newer) is not None
    accounts.disable("ann@example.org")
    assert accounts.token_actor(newer) is None
    assert accounts.token_actor("") is None and accounts.token_actor(None) is None
    with pytest.raises(NotFound):
        accounts.new_token("ann@example.org")  # disabled


def test_a_login_rehashes_a_password_made_with_older_parameters(engine, clock):
    cheap = Accounts(AccountStore(engine), Settings(**CHEAP), clock=clock)
    cheap.add_user("ann@example.org", "facilitator", PASSWORD)
    assert "m=1024,t=1" in stored_hash(cheap)
    stronger = Accounts(AccountStore(engine), Settings(argon2_time_cost=2,
                                                       argon2_memory_kib=2048), clock=clock)
    with pytest.raises(LoginRefused):
        stronger.login("ann@example.org", "wrong password", "192.0.2.1")
    assert "m=1024,t=1" in stored_hash(cheap)  # a refused login changes nothing
    stronger.login("ann@example.org", PASSWORD, "192.0.2.1")
    assert stored_hash(cheap).startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    stronger.login("ann@example.org", PASSWORD, "192.0.2.1")  # and it still verifies


def test_the_audit_log_records_account_events(accounts):
    accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    with pytest.raises(LoginRefused):
        accounts.login("ann@example.org", "wrong password", "192.0.2.1")
    with pytest.raises(LoginRefused):
        accounts.login("nobody@example.org", "wrong password", "192.0.2.1")
    token, actor = accounts.login("ann@example.org", PASSWORD, "192.0.2.1")
    accounts.logout(token, "192.0.2.1")
    accounts.new_token("ann@example.org")
    accounts.audit("export", actor, organization_id=4, address="192.0.2.1", detail="JSON")
    accounts.audit("erase", None, organization_id=4)
    accounts.disable("ann@example.org")
    log = list(reversed(accounts.audit_log()))
    assert [(e.action, e.email) for e in log] == [
        ("user-added", "ann@example.org"), ("login-failed", "ann@example.org"),
        ("login-failed", None), ("login", "ann@example.org"), ("logout", "ann@example.org"),
        ("token-issued", "ann@example.org"), ("export", "ann@example.org"), ("erase", None),
        ("user-disabled", "ann@example.org")]
    assert log[3].address == "192.0.2.1" and log[6].organization_id == 4
    assert [e.action for e in accounts.audit_log(organization_id=4)] == ["erase", "export"]
    assert len(accounts.audit_log(limit=2)) == 2
    with accounts.store.engine.connect() as conn:
        everything = str(conn.execute(text("SELECT * FROM audit_log")).all())
    assert PASSWORD not in everything and token not in everything
