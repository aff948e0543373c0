"""Commands of the web app: serve it, migrate its database; and the program's own
information: the result's JSON Schema, the settings."""

from __future__ import annotations

import json

import click

from ..i18n.catalog import tr
from .options import with_settings

#: The settings ``serve`` takes as flags.
SERVE = ("database_url", "instrument", "panel", "min_group_size", "max_header_kb",
         "header_timeout", "session_hours", "login_max_failures_account",
         "login_max_failures_address", "login_window_minutes", "argon2_time_cost",
         "argon2_memory_kib")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes (use PostgreSQL for more than one).")
@with_settings(*SERVE)
def serve(host, port, workers, settings) -> None:
    """Start the web app: the assessment in the browser, the result, the PDF and the JSON API.

    The database is created and migrated on start.

    Example: socialmaturity serve --host 0.0.0.0 --port 8000
    """
    from ..services import database
    from ..web.main import run

    settings = settings.replace(database_url=database.database_url(settings))
    database.upgrade(settings)
    click.echo(tr(settings.lang, "socialmaturity on http://{host}:{port} (database {url})",
                  host=host, port=port, url=database.shown_url(settings)))
    run(settings, host, port, workers)


@click.group()
def db() -> None:
    """The web app's database."""


@db.command("upgrade")
@with_settings("database_url")
def db_upgrade(settings) -> None:
    """Create the database or migrate it to the newest schema (Alembic).

    Example: socialmaturity db upgrade --database-url postgresql+psycopg://root@127.0.0.1/test
    """
    from ..services import database

    revision = database.upgrade(settings)
    click.echo(tr(settings.lang, "{url}: at revision {revision}",
                  url=database.shown_url(settings), revision=revision))


@click.command()
@click.argument("name", type=click.Choice(["result"]))
def schema(name: str) -> None:
    """Print the JSON Schema of the JSON result.

    Example: socialmaturity schema result > result.schema.json
    """
    from ..reports.result import result_schema

    click.echo(json.dumps(result_schema(), indent=2))


@click.command()
@with_settings()
def settings(settings) -> None:
    """List every setting with its environment variable, default and current value.

    Secrets (the database URL's password) are masked.

    Example: socialmaturity settings
    """
    for s, now in settings.shown():
        default = s.show(s.default)
        click.echo(f"{s.flag}  {s.env}  " + tr(settings.lang, "default: {default}", default=default)
                   + ("  " + tr(settings.lang, "now: {now}", now=now)
                      if now not in ("-", default) else ""))
        click.echo(f"    {tr(settings.lang, s.help)}")


COMMANDS = (serve, db, schema, settings)
