"""No password or token in the logs: logins, refusals, logout, tokens, with every logger at
DEBUG (SQLAlchemy's too)."""

from __future__ import annotations

import logging

from click.testing import CliRunner
from fastapi.testclient import TestClient

from socialmaturity.cli import cli

from .conftest import PASSWORD, csrf_of, login


def test_no_password_or_token_in_the_logs(app, caplog, tmp_path, monkeypatch):
    caplog.set_level(logging.DEBUG)
    with TestClient(app) as client:
        login(client, password="a wrong password here")
        res = login(client)
        session = res.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
    api = app.state.accounts.new_token("ann@example.org")
    monkeypatch.setenv("SOCIALMATURITY_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite")
    monkeypatch.setenv("SOCIALMATURITY_ARGON2_MEMORY_KIB", "1024")
    CliRunner().invoke(cli, ["users", "add", "bob@example.org", "--role", "viewer",
                             "--password-stdin"], input=PASSWORD + "\n")
    printed = CliRunner().invoke(cli, ["users", "token", "bob@example.org"]).stdout.strip()
    logged = caplog.text
    assert logged  # the loggers did speak
    for secret in (PASSWORD, "a wrong password here", session, api, printed):
        assert secret not in logged
