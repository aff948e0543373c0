"""The only code that speaks SQL: tables, the assessment store and Alembic migrations.

SQLite (WAL) by default, PostgreSQL by URL (``SOCIALMATURITY_DATABASE_URL``)::

    url = default_database_url()          # sqlite:///<cwd>/socialmaturity.sqlite
    upgrade(url)                          # migrate to the newest schema (idempotent)
    store = AssessmentStore(make_engine(url))
"""

from __future__ import annotations

from .database import (
    RespondentNotFound,
    StorageError,
    current_revision,
    default_database_url,
    head_revision,
    make_engine,
    upgrade,
)
from .repository import AssessmentStore, NewRespondent, Respondent

__all__ = [
    "AssessmentStore",
    "NewRespondent",
    "Respondent",
    "RespondentNotFound",
    "StorageError",
    "current_revision",
    "default_database_url",
    "head_revision",
    "make_engine",
    "upgrade",
]
