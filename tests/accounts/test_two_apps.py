"""Two apps on one PostgreSQL database (as two server processes are): a session made through
one is a session on the other, and failed logins count on both."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from socialmaturity.web.app import create_app

from .conftest import PASSWORD, csrf_of, login, settings_for


@pytest.mark.parametrize("backend", ["postgresql"])  # replaces the fixture's two backends
def test_sessions_and_limits_are_shared_by_two_apps(backend, database_url, assessor):
    a = create_app(settings_for(database_url), assessor)
    b = create_app(settings_for(database_url), assessor)
    a.state.accounts.add_user("ann@example.org", "facilitator", PASSWORD)
    with TestClient(a) as on_a, TestClient(b) as on_b:
        res = login(on_a)
        assert res.status_code == 303
        # the browser's cookies (session and CSRF) sent to the other server
        on_b.cookies.update(on_a.cookies)
        landing = on_b.get("/")
        assert "ann@example.org" in landing.text
        # logging out on B ends the session on A too
        on_b.post("/logout", data={"csrf_token": csrf_of(landing.text)})
        assert "ann@example.org" not in on_a.get("/").text
        # failures: three through A and two through B reach the limit of five on both
        for client in (on_a, on_a, on_a, on_b, on_b):
            assert login(client, password="not the password").status_code == 422
        assert login(on_a).status_code == 429 and login(on_b).status_code == 429
