"""Use cases of the web app's database: which one the settings name, migrate it, open the
assessment store and the accounts on it. The web app and the command line reach storage only
through these.

A database that cannot be reached raises ``errors.DatabaseUnavailable`` (exit status 3, HTTP
503); a malformed URL raises ``storage.StorageError`` (bad input, exit status 2).
"""

from __future__ import annotations

from ..core.settings import Settings
from ..storage.accounts import AccountStore
from ..storage.database import (
    current_revision,
    default_database_url,
    make_engine,
    safe_url,
)
from ..storage.database import upgrade as upgrade_url
from ..storage.repository import AssessmentStore
from .accounts import Accounts


def database_url(settings: Settings) -> str:
    """The URL the settings name: ``database_url``, else ``socialmaturity.sqlite`` in the
    current folder (an absolute path, so workers started elsewhere use the same file)."""
    return settings.database_url or default_database_url()


def shown_url(settings: Settings) -> str:
    """The database's URL as it may be printed: the password masked."""
    return safe_url(database_url(settings))


def upgrade(settings: Settings) -> str | None:
    """Create the database or migrate it to the newest schema; the revision it is at."""
    url = database_url(settings)
    upgrade_url(url)
    return current_revision(url)


def open_store(settings: Settings) -> AssessmentStore:
    """The assessment store on the settings' database, migrated first (migrating is idempotent
    and safe when several workers start at once)."""
    url = database_url(settings)
    upgrade_url(url)
    return AssessmentStore(make_engine(url))


def open_accounts(settings: Settings, store: AssessmentStore | None = None) -> Accounts:
    """The accounts (logins, sessions, API tokens, the audit log) on the settings' database,
    with its login limits, session lifetime and argon2 parameters. ``store``: the open
    assessment store whose engine to share (the web app's); else the database is opened."""
    store = store if store is not None else open_store(settings)
    return Accounts(AccountStore(store.engine), settings)
