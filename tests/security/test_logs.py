"""Item 7 of issue 8: no personal data or secrets in logs and output.

Database errors never carry SQLAlchemy's parameters (organization names, answers); the
``settings`` command masks the database password; a 500's log line names no resume token."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from socialmaturity.core.settings import Settings
from socialmaturity.storage.database import make_engine
from socialmaturity.web.app import create_app

from .conftest import run


def test_database_errors_hide_their_parameters(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/p.sqlite")
    with pytest.raises(Exception) as info, engine.connect() as conn:
        conn.execute(text("SELECT * FROM no_such_table WHERE name = :name"),
                     {"name": "Acme Secret Corp"})
    message = str(info.value)
    assert "Acme Secret Corp" not in message
    assert "parameters hidden" in message


def test_settings_masks_the_database_password():
    res = run("settings", env={"SOCIALMATURITY_DATABASE_URL":
                               "postgresql+psycopg://app:s3cr3t-pw@db:5432/sm"})
    assert res.exit_code == 0
    assert "s3cr3t-pw" not in res.output
    assert "postgresql+psycopg://app:***@db:5432/sm" in res.output


def test_a_malformed_database_url_does_not_print_its_password():
    res = run("db", "upgrade", "--database-url", "postgresql+psycopg://app:s3cr3t-pw@db:notaport/x")
    assert res.exit_code == 2
    assert "s3cr3t-pw" not in res.output


def test_an_unexpected_error_is_logged_without_token_or_values(tmp_path, assessor, caplog):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/l.sqlite"), assessor)

    @app.get("/a/{token}/boom")
    def boom(token: str):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="socialmaturity.web"), \
            TestClient(app, raise_server_exceptions=False) as c:
        assert c.get("/a/SECRET-RESUME-TOKEN/boom").status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "unexpected error on GET /a/…/boom" in logged
    assert "SECRET-RESUME-TOKEN" not in logged
