"""The organizations of facilitators, for the machine's admin: list them, export one as JSON,
erase one. Each export and erasure is written to the audit log."""

from __future__ import annotations

import click

from ..errors import AnswersError, Message, Problem
from ..i18n.catalog import tr
from .options import ask, with_settings


def _organizations(settings):
    from ..services import database
    from ..services.assessment import make_assessor
    from ..services.organizations import Organizations

    store = database.open_store(settings)
    assessor = make_assessor(settings.instrument, settings.panel, settings.min_group_size,
                             settings.lang)
    return Organizations(store, assessor, database.open_accounts(settings, store),
                         min_group=settings.team_min_group)


@click.group()
def org() -> None:
    """Organizations of facilitators: list, export (everything, as JSON), erase."""


@org.command("list")
@with_settings("database_url", "instrument", "lang")
def org_list(settings) -> None:
    """List every facilitator's organization: id, name, owner, rounds, the latest round and
    how many of its invited have answered.

    Example: socialmaturity org list
    """
    rows = _organizations(settings).dashboard(None)
    if not rows:
        click.echo(tr(settings.lang, "no organizations"), err=True)
    for s in rows:
        latest = f"{s.latest_round} ({s.latest_status})" if s.latest_round is not None else "-"
        click.echo(f"{s.id}\t{s.name}\t{s.owner_email}\t"
                   + tr(settings.lang, "rounds {n}", n=s.rounds) + f"\t{latest}\t"
                   + tr(settings.lang, "{completed}/{invited} answered", completed=s.completed,
                        invited=s.invited))


@org.command("export")
@click.argument("org_id", metavar="ID", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the JSON to this file (whole or not at all) instead of stdout.")
@with_settings("database_url", "instrument", "lang")
def org_export(org_id, output, settings) -> None:
    """Export everything of an organization as JSON: profile, owner, shares, rounds with
    targets, respondents with department, status and answers.

    \b
    Example: socialmaturity org export 12 -o acme.json
    Example: socialmaturity org export 12 > acme.json
    """
    import json

    from ..intake.writing import write_document

    def deliver(data: dict) -> None:
        if output:
            write_document(data, output)
        else:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))

    _organizations(settings).export(None, org_id, deliver)
    if output:
        click.echo(tr(settings.lang, "wrote {path}", path=output), err=True)


@org.command("erase")
@click.argument("org_id", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Do not ask to type the organization's name.")
@with_settings("database_url", "instrument", "lang")
def org_erase(org_id, yes, settings) -> None:
    """Erase an organization with its rounds, respondents, answers and shares, in one
    transaction (the audit log keeps an entry). Asks to type its name unless --yes.

    \b
    Example: socialmaturity org erase 12
    Example: socialmaturity org erase 12 --yes
    """
    orgs = _organizations(settings)
    lang = settings.lang
    name = orgs.get(None, org_id, lang).name
    if not yes:
        typed = ask(tr(lang, "Type the organization's name ({name}) to erase it", name=name),
                    "name", Message("no name was typed; nothing was erased (--yes erases without "
                                    "asking)"))
        if typed.strip() != name.strip():
            raise AnswersError(Problem("name", "the name typed is not the organization's; "
                                               "nothing was erased"))
    orgs.erase(None, org_id, None)
    click.echo(tr(lang, "erased organization {id} ({name})", id=org_id, name=name))

COMMANDS = (org,)
