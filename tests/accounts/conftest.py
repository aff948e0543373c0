"""Accounts on a fresh database of each test's own (SQLite, and PostgreSQL where a test asks
for ``database_url``), with cheap argon2 parameters so that the many logins of the limit
tests stay fast (the hash is argon2id all the same; ``test_service`` checks the defaults)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from socialmaturity.core.settings import Settings
from socialmaturity.services.accounts import Accounts
from socialmaturity.services.assessment import make_assessor
from socialmaturity.storage.accounts import AccountStore
from socialmaturity.web.app import create_app

from ..storage.conftest import (  # noqa: F401
    backend,
    database_url,
    empty_database_url,
    engine,
    postgres_server,
)

#: argon2 parameters of the tests: the cheapest the settings allow.
CHEAP = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}
PASSWORD = "correct horse battery staple"


class Clock:
    """A clock the test moves: the time outside the program, faked."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(engine, clock) -> Accounts:  # noqa: F811
    """The accounts on SQLite and on PostgreSQL, on the test's clock."""
    return Accounts(AccountStore(engine), Settings(**CHEAP), clock=clock)


@pytest.fixture(scope="session")
def assessor():
    return make_assessor()


def settings_for(url: str, **changes) -> Settings:
    return Settings(database_url=url, **{**CHEAP, **changes})


@pytest.fixture
def app(tmp_path, assessor):
    """The web app on a SQLite file of its own, with one facilitator (ann@example.org)."""
    app = create_app(settings_for(f"sqlite:///{tmp_path}/web.sqlite"), assessor)
    app.state.accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    return app


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(client, email="ann@example.org", password=PASSWORD, next_="/orgs", **data):
    """Post the login form with the browser's CSRF token (from the landing page: the login
    page itself redirects a browser that is logged in already)."""
    token = csrf_of(client.get("/").text)
    form = {"email": email, "password": password, "next": next_, "csrf_token": token, **data}
    return client.post("/login", data=form, follow_redirects=False)
