"""Fresh, migrated databases for tests, on SQLite and PostgreSQL.

Every test that asks for ``database_url`` (or ``engine``, ``store``) runs twice, once per
backend, each time on a database of its own made for that test and removed after it: a new
SQLite file in ``tmp_path``, or a new PostgreSQL database ``sm_test_<random>`` created on the
server and dropped at teardown. No state is shared between tests.

PostgreSQL: ``SOCIALMATURITY_TEST_POSTGRES_URL`` (default
``postgresql+psycopg://root@127.0.0.1:5432/test``) names a database to connect to for creating
and dropping the test databases. When the server cannot be reached the PostgreSQL half is
skipped, except under ``CI=true``, where it fails.

Other test folders can reuse these fixtures::

    from tests.storage.conftest import database_url, engine, postgres_server, store  # noqa: F401
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from socialmaturity.storage.database import make_engine, upgrade
from socialmaturity.storage.repository import AssessmentStore

POSTGRES_URL_VARIABLE = "SOCIALMATURITY_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def postgres_url() -> URL:
    """The server the PostgreSQL tests create their databases on."""
    return make_url(os.environ.get(POSTGRES_URL_VARIABLE, "").strip() or DEFAULT_POSTGRES_URL)


def _admin_engine(server: URL) -> Engine:
    return create_engine(server, isolation_level="AUTOCOMMIT",
                         connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    """The reachable PostgreSQL server's URL; skips (fails under CI=true) when unreachable."""
    server = postgres_url()
    try:
        engine = _admin_engine(server)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except (SQLAlchemyError, ImportError) as e:
        message = (f"PostgreSQL not reachable at {server.render_as_string(hide_password=True)} "
                   f"({type(e).__name__}): start it with `pg_ctlcluster --skip-systemctl-redirect "
                   f"$(ls /etc/postgresql) main start` or set {POSTGRES_URL_VARIABLE}")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return server


@contextmanager
def fresh_postgres_database(server: URL) -> Iterator[str]:
    """A new, empty PostgreSQL database on ``server`` (its URL), dropped afterwards."""
    name = "sm_test_" + secrets.token_hex(8)
    admin = _admin_engine(server)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def sqlite_database_url(folder: Path) -> str:
    """The URL of a new SQLite file in ``folder`` (created on first use)."""
    return "sqlite:///" + str(folder.resolve() / "socialmaturity.sqlite")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def empty_database_url(backend, request, tmp_path) -> Iterator[str]:
    """A fresh database of this test's own, not migrated."""
    if backend == "sqlite":
        yield sqlite_database_url(tmp_path)
    else:
        server = request.getfixturevalue("postgres_server")
        with fresh_postgres_database(server) as url:
            yield url


@pytest.fixture
def database_url(empty_database_url) -> str:
    """A fresh database of this test's own, migrated to the newest schema; one per backend."""
    upgrade(empty_database_url)
    return empty_database_url


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine) -> AssessmentStore:
    return AssessmentStore(engine)
