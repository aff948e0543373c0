"""Commands of the accounts: ``users add|list|disable|token`` and ``audit``, the admin's tools
on the machine (the web app has no account management). Each is a few lines over
``services.accounts``."""

from __future__ import annotations

import sys

import click

from ..errors import Message, Problem, SocialMaturityError
from ..i18n.catalog import tr
from .options import ask, with_settings
from .render import console

#: The settings of every account command; ``users add`` hashes with the argon2 ones too.
DATABASE = ("database_url",)
HASHING = ("argon2_time_cost", "argon2_memory_kib")


def _accounts(settings):
    from ..services.database import open_accounts

    return open_accounts(settings)


@click.group()
def users() -> None:
    """Accounts of the web app: admins, facilitators and viewers (respondents need none).

    Example: socialmaturity users add you@example.org --role admin
    """


@users.command("add")
@click.argument("email")
@click.option("--role", required=True, metavar="ROLE",
              help="admin (every organization, and accounts), facilitator (runs their own "
                   "organizations' rounds) or viewer (reads what is shared with them).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of "
                   "asking for it twice.")
@with_settings(*DATABASE, *HASHING)
def users_add(email, role, password_stdin, settings) -> None:
    """Add an account that logs in with EMAIL and a password (12 to 1,024 characters, kept
    as an argon2id hash).

    \b
    Example: socialmaturity users add you@example.org --role admin
    Example: socialmaturity users add ann@example.org --role facilitator --password-stdin < pw.txt
    """
    lang = settings.lang
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        undone = Message("no password was typed; nothing was added (--password-stdin reads it "
                         "from the input)")
        password = ask(tr(lang, "Password"), "password", undone, hide_input=True)
        again = ask(tr(lang, "Password again"), "password", undone, hide_input=True)
        if password != again:
            raise SocialMaturityError(Problem("password", "the two passwords differ; "
                                                          "nothing was added"))
    actor = _accounts(settings).add_user(email, role, password)
    click.echo(tr(lang, "added {email} ({role})", email=actor.email, role=actor.role))


@users.command("list")
@with_settings(*DATABASE)
def users_list(settings) -> None:
    """List the accounts: e-mail, role, active, whether it has an API token, when it was made.

    Example: socialmaturity users list
    """
    from rich.table import Table

    lang = settings.lang
    rows = _accounts(settings).list_users()
    if not rows:
        click.echo(tr(lang, "no accounts yet: add the first with socialmaturity users add "
                            "EMAIL --role admin"))
        return
    yes, no = tr(lang, "yes"), tr(lang, "no")
    table = Table(title_justify="left")
    for header in (tr(lang, "e-mail"), tr(lang, "role"), tr(lang, "active"),
                   tr(lang, "has token"), tr(lang, "created (UTC)")):
        table.add_column(header, no_wrap=True)
    for u in rows:
        table.add_row(u.email, u.role, yes if u.active else no, yes if u.has_token else no,
                      u.created_at.strftime("%Y-%m-%d %H:%M"))
    console().print(table)


@users.command("disable")
@click.argument("email")
@with_settings(*DATABASE)
def users_disable(email, settings) -> None:
    """Disable an account: it can no longer log in, its sessions end and its API token stops
    working (its organizations and the audit log stay).

    Example: socialmaturity users disable ann@example.org
    """
    _accounts(settings).disable(email)
    click.echo(tr(settings.lang, "disabled {email}: its sessions have ended and its API "
                                 "token no longer works", email=email.strip().lower()))


@users.command("token")
@click.argument("email")
@with_settings(*DATABASE)
def users_token(email, settings) -> None:
    """Make a new API token for the account (for Authorization: Bearer TOKEN) and print it,
    this once: only its hash is kept, and the account's earlier token stops working.

    Example: socialmaturity users token ann@example.org
    """
    token = _accounts(settings).new_token(email)
    click.echo(token)
    click.echo(tr(settings.lang, "This token is shown only once; it replaces the earlier "
                                 "token of {email}.", email=email.strip().lower()), err=True)


@click.command()
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="How many of the latest entries to show.")
@click.option("--organization", type=click.IntRange(min=1), metavar="ID",
              help="Only the entries of this organization.")
@with_settings(*DATABASE)
def audit(limit, organization, settings) -> None:
    """Show the audit log, newest first: logins, failed logins, logouts, API tokens issued,
    accounts added and disabled, exports, erasures and shares.

    \b
    Example: socialmaturity audit
    Example: socialmaturity audit --limit 200 --organization 3
    """
    from rich.table import Table

    from ..reports.format import stacked

    lang = settings.lang
    # five columns fit 80 (a pipe's width): the address under the account, the time under
    # the date and the detail wrapped when narrow; the e-mail kept whole (folded only when
    # even the other columns at their narrowest leave it too little)
    table = Table(title_justify="left")
    table.add_column(tr(lang, "when (UTC)"))
    table.add_column(f"{tr(lang, 'account')}\n{tr(lang, 'address')}", no_wrap=True,
                     overflow="fold")
    table.add_column(tr(lang, "action"), no_wrap=True)
    table.add_column(stacked(tr(lang, "organization id")), justify="right")
    table.add_column(tr(lang, "detail"))
    for e in _accounts(settings).audit_log(limit, organization):
        table.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S"), f"{e.email or '-'}\n{e.address or '-'}",
                      e.action, "-" if e.organization_id is None else str(e.organization_id),
                      e.detail)
    console().print(table)


COMMANDS = (users, audit)
