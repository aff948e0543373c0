"""``socialmaturity users …`` and ``socialmaturity audit`` as an admin runs them (click's
CliRunner, a real SQLite database)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from socialmaturity.cli import cli
from socialmaturity.core.settings import Settings
from socialmaturity.services.database import open_accounts

from .conftest import CHEAP, PASSWORD


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    monkeypatch.setenv("SOCIALMATURITY_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")  # the terminal's width: rich's tables fit it
    for name, value in CHEAP.items():
        monkeypatch.setenv(f"SOCIALMATURITY_{name.upper()}", str(value))
    return url


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def accounts(url):
    return open_accounts(Settings(database_url=url, **CHEAP))


def test_users_add_reads_the_password_from_stdin(url):
    res = run("users", "add", "Ann@Example.org", "--role", "facilitator", "--password-stdin",
              input=PASSWORD + "\n")
    assert res.exit_code == 0, res.output
    assert "added ann@example.org (facilitator)" in res.output and PASSWORD not in res.output
    token, actor = accounts(url).login("ann@example.org", PASSWORD, "127.0.0.1")
    assert actor.role == "facilitator"


def test_users_add_asks_twice(url):
    res = run("users", "add", "bob@example.org", "--role", "viewer",
              input=f"{PASSWORD}\n{PASSWORD}\n")
    assert res.exit_code == 0, res.output
    assert "Password again" in res.output and PASSWORD not in res.output
    assert [u.email for u in accounts(url).list_users()] == ["bob@example.org"]


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "error: password: no password was typed; nothing was added"),
    ("nl", "fout: password: er is geen wachtwoord getypt; er is niets toegevoegd")])
def test_input_that_ends_before_a_password_adds_nothing(url, lang, said):
    res = CliRunner().invoke(cli, ["users", "add", "bob@example.org", "--role", "viewer"],
                             input="", env={"SOCIALMATURITY_LANG": lang})
    assert res.exit_code == 2 and said in res.output, res.output
    assert "Aborted" not in res.output and "Afgebroken" not in res.output
    assert accounts(url).list_users() == []


def test_two_different_passwords_add_nothing(url):
    res = run("users", "add", "bob@example.org", "--role", "viewer",
              input=f"{PASSWORD}\n{PASSWORD}!\n")
    assert res.exit_code == 2
    assert "error: password: the two passwords differ" in res.output
    assert "Traceback" not in res.output
    assert accounts(url).list_users() == []


@pytest.mark.parametrize(("args", "said"), [
    (("not-an-email", "--role", "viewer"), "error: email: 'not-an-email' is not an e-mail"),
    (("ann@example.org", "--role", "boss"), "error: role: 'boss' is not a role; valid: admin, "
                                             "facilitator, viewer"),
    (("ann@example.org", "--role", "viewer"), "error: password: the password must have 12"),
])
def test_bad_input_is_one_error_line_and_status_2(url, args, said):
    res = run("users", "add", *args, "--password-stdin", input="short\n")
    assert res.exit_code == 2 and said in res.output, res.output
    assert "Traceback" not in res.output


def test_users_list_disable_and_token(url):
    for email, role in [("ann@example.org", "admin"), ("bob@example.org", "viewer")]:
        run("users", "add", email, "--role", role, "--password-stdin", input=PASSWORD + "\n")
    res = run("users", "token", "bob@example.org")
    assert res.exit_code == 0, res.output
    token = res.stdout.strip()
    assert len(token) == 43 and "shown only once" in res.stderr
    assert accounts(url).token_actor(token).email == "bob@example.org"
    listed = run("users", "list")
    assert listed.exit_code == 0
    lines = [line for line in listed.output.splitlines() if "@example.org" in line]
    assert "ann@example.org" in lines[0] and "admin" in lines[0] and "yes" in lines[0]
    assert "bob@example.org" in lines[1] and lines[1].count("yes") == 2  # active, has token
    assert token not in listed.output
    res = run("users", "disable", "bob@example.org")
    assert res.exit_code == 0 and "disabled bob@example.org" in res.output
    assert accounts(url).token_actor(token) is None
    bob = [line for line in run("users", "list").output.splitlines() if "bob@" in line][0]
    assert "yes" not in bob
    res = run("users", "disable", "nobody@example.org")
    assert res.exit_code == 2 and "no account has the e-mail nobody@example.org" in res.output
    res = run("users", "token", "nobody@example.org")
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_users_list_without_accounts_says_how_to_add_one(url):
    res = run("users", "list")
    assert res.exit_code == 0 and "socialmaturity users add EMAIL --role admin" in res.output


def test_audit_shows_the_latest_entries(url):
    run("users", "add", "ann@example.org", "--role", "facilitator", "--password-stdin",
        input=PASSWORD + "\n")
    a = accounts(url)
    token, actor = a.login("ann@example.org", PASSWORD, "192.0.2.1")
    a.audit("export", actor, organization_id=12, address="192.0.2.1", detail="JSON export")
    res = CliRunner().invoke(cli, ["audit"], env={"COLUMNS": "80"})  # a pipe's width
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert max(map(len, lines)) <= 80 and "\u2026" not in res.output  # 80 columns: nothing cut
    def cells(line: str) -> list[str]:
        return [cell.strip() for cell in line.split("│")[1:-1]]

    starts = [i for i, line in enumerate(lines) if "│ 20" in line]  # an entry's first line
    assert [cells(lines[i])[2] for i in starts] == ["export", "login", "user-added"]
    first = [f"{a} {b}".strip() for a, b in zip(cells(lines[starts[0]]),
                                                cells(lines[starts[0] + 1]), strict=True)]
    assert first[1:] == ["ann@example.org 192.0.2.1", "export", "12", "JSON export"]
    assert len([line for line in run("audit", "--limit", "1").output.splitlines()
                if "│ 20" in line]) == 1
    only = run("audit", "--organization", "12").output
    assert "export" in only and "user-added" not in only
    assert run("audit", "--limit", "0").exit_code == 2


def test_every_command_has_an_example():
    for args in [("users", "add"), ("users", "list"), ("users", "disable"), ("users", "token"),
                 ("audit",)]:
        res = run(*args, "--help")
        assert res.exit_code == 0 and "Example: socialmaturity " + " ".join(args) in res.output
