"""A database outage is not bad input: the app answers 503, a page or JSON saying so (item 3
of issue 9). Tested for real: a PostgreSQL database dropped under a running app, a server
port where nothing listens."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from socialmaturity.core.settings import Settings
from socialmaturity.errors import DatabaseUnavailable
from socialmaturity.web.app import create_app

from ..storage.conftest import fresh_postgres_database, postgres_server  # noqa: F401
from .conftest import start


def _drop(url: str) -> None:
    """Drop the database at ``url`` from the server's maintenance database, cutting off the
    app's connections (FORCE)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def test_an_app_whose_database_goes_away_answers_503(postgres_server, assessor,  # noqa: F811
                                                      caplog):
    with fresh_postgres_database(postgres_server) as url:
        app = create_app(Settings(database_url=url), assessor)
        with TestClient(app) as c:
            c.get("/")
            token = start(c)
            assert c.get(f"/api/assessments/{token}").status_code == 200
            _drop(url)
            with caplog.at_level(logging.ERROR, logger="socialmaturity.web"):
                api = c.get(f"/api/assessments/{token}")
                page = c.get(f"/a/{token}/review", headers={"accept-language": "nl"})
                started = c.post("/api/assessments", json={})
    assert api.status_code == 503 and api.headers["retry-after"] == "30"
    [problem] = api.json()["detail"]
    assert problem["field"] == "database"
    assert "database cannot be reached" in problem["message"]
    assert started.status_code == 503
    assert page.status_code == 503 and "text/html" in page.headers["content-type"]
    assert "Tijdelijk niet beschikbaar" in page.text and "niet bereikbaar" in page.text
    assert page.headers["x-frame-options"] == "DENY"  # the security headers still apply
    # the public answer names no server; the log names it (no password) and what to check
    assert "127.0.0.1" not in api.text and "postgresql" not in page.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "database unavailable" in logged and "pg_isready" in logged
    assert token not in logged


@pytest.mark.parametrize("url, says", [
    ("postgresql+psycopg://app:pw@127.0.0.1:1/sm", "pg_isready -h 127.0.0.1 -p 1"),
    ("sqlite:////proc/1/no-such-folder/s.sqlite", "folder /proc/1/no-such-folder"),
])
def test_an_app_on_an_unreachable_database_does_not_start(assessor, url, says):
    with pytest.raises(DatabaseUnavailable) as raised:
        create_app(Settings(database_url=url), assessor)
    assert says in raised.value.message("en") and "pw@" not in raised.value.message("en")
