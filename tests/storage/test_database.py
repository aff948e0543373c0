"""Engines, URLs, errors and migrations on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from socialmaturity.errors import DatabaseUnavailable, SocialMaturityError
from socialmaturity.storage import database
from socialmaturity.storage.database import (
    StorageError,
    current_revision,
    default_database_url,
    head_revision,
    make_engine,
    safe_url,
    upgrade,
)
from socialmaturity.storage.tables import metadata

TABLES = {"organizations", "rounds", "assessments", "respondents", "answers",
          "server_secrets", "users", "sessions", "login_attempts", "audit_log", "shares"}


def test_migrated_schema_equals_the_tables(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            assert set(inspect(conn).get_table_names()) == TABLES | {"alembic_version"}
    finally:
        engine.dispose()


def _names_in_database(conn, table: str) -> set[str]:
    found = inspect(conn)
    names = {found.get_pk_constraint(table)["name"]}
    names |= {fk["name"] for fk in found.get_foreign_keys(table)}
    names |= {uq["name"] for uq in found.get_unique_constraints(table)}
    names |= {ck["name"] for ck in found.get_check_constraints(table)}
    names |= {ix["name"] for ix in found.get_indexes(table) if "duplicates_constraint" not in ix}
    return names


def test_constraint_and_index_names_match_the_tables(database_url):
    """compare_metadata does not look at CHECK constraints or names: this does."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                expected = {c.name for c in table.constraints} | {i.name for i in table.indexes}
                assert _names_in_database(conn, table.name) == expected, table.name
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(database_url):
    from alembic import command

    engine = make_engine(database_url)
    try:
        with engine.begin() as conn, database.alembic_config(conn) as config:
            command.downgrade(config, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()


def test_upgrade_is_idempotent(database_url):
    assert current_revision(database_url) == head_revision()
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()


def test_a_new_database_has_no_revision_until_upgraded(empty_database_url):
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == head_revision()


def test_sqlite_connections_are_tuned(tmp_path):
    url = "sqlite:///" + str(tmp_path / "nested" / "deeper" / "db.sqlite")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                      for name in ("journal_mode", "synchronous", "busy_timeout",
                                   "foreign_keys")}
        assert pragma == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 10000,
                          "foreign_keys": 1}
        assert (tmp_path / "nested" / "deeper" / "db.sqlite").exists()
    finally:
        engine.dispose()


def test_postgresql_engine_has_a_checked_pool(postgres_server):
    engine = make_engine(postgres_server)
    try:
        assert engine.pool._pre_ping is True
        assert engine.pool.size() == 10
        assert engine.dialect.driver == "psycopg"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db",
                                 "postgresql+psycopg://u@h/db"])
def test_postgresql_urls_mean_psycopg3(url):
    assert make_engine(url).url.drivername == "postgresql+psycopg"


def test_default_url_is_an_absolute_file_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_database_url() == f"sqlite:///{tmp_path.resolve()}/socialmaturity.sqlite"


@pytest.mark.parametrize("url, says", [
    ("", "empty"),
    ("not a url", "malformed"),
    ("mysql://root:hunter2@localhost/x", "unsupported backend"),
    ("postgresql+psycopg2://root:hunter2@localhost/x", "unsupported backend"),
])
def test_bad_urls_are_our_errors_without_the_password(url, says):
    with pytest.raises(StorageError) as raised:
        make_engine(url)
    assert isinstance(raised.value, SocialMaturityError)
    assert says in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_an_unreachable_server_is_an_outage_named_without_the_password():
    """Port 1 of this machine: nothing listens there, the connection is refused."""
    url = "postgresql+psycopg://root:hunter2@127.0.0.1:1/nothing"
    with pytest.raises(DatabaseUnavailable) as raised:
        upgrade(url)
    assert not isinstance(raised.value, SocialMaturityError)  # not "bad input"
    for lang in ("en", "nl"):
        message = raised.value.message(lang)
        assert "postgresql+psycopg://root:***@127.0.0.1:1/nothing" in message
        assert "hunter2" not in message
        assert "pg_isready -h 127.0.0.1 -p 1" in message and "--database-url" in message
    assert "could not be reached" in raised.value.message("en")
    assert "Connection refused" in raised.value.message("en")
    assert "niet bereikbaar" in raised.value.message("nl")


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_a_sqlite_file_whose_folder_cannot_be_made_is_an_outage(tmp_path, where):
    """A folder that cannot be created (a file is in its way; /proc takes no folders, even
    for root, for whom permission bits are no obstacle)."""
    if where == "under-a-file":
        (tmp_path / "plain-file").write_text("x")
        folder = tmp_path / "plain-file" / "db"
    else:
        folder = Path("/proc/1/no-such-folder")
    url = f"sqlite:///{folder}/s.sqlite"
    with pytest.raises(DatabaseUnavailable) as raised:
        upgrade(url)
    message = raised.value.message("en")
    assert f"the database {url} could not be opened: cannot create the folder" in message
    assert f"Check that the folder {folder} exists and can be written" in message
    assert "map" in raised.value.message("nl")


def test_a_sqlite_path_that_is_a_folder_is_an_outage(tmp_path):
    (tmp_path / "db.sqlite").mkdir()
    with pytest.raises(DatabaseUnavailable, match="unable to open database file"):
        upgrade(f"sqlite:///{tmp_path}/db.sqlite")


def test_an_unmigrated_database_says_so(tmp_path):
    from socialmaturity.storage.repository import AssessmentStore

    engine = make_engine("sqlite:///" + str(tmp_path / "empty.sqlite"))
    try:
        with pytest.raises(StorageError, match="is the database migrated"):
            AssessmentStore(engine).find("some-token")
    finally:
        engine.dispose()


def test_safe_url_masks_passwords():
    assert safe_url("postgresql://a:b%40c@h/d") == "postgresql://a:***@h/d"
    assert safe_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"


def test_migrations_ship_with_the_package():
    folder = Path(str(database.migrations_folder()))
    assert (folder / "env.py").is_file()
    assert (folder / "script.py.mako").is_file()
    assert sorted(p.name for p in (folder / "versions").glob("*.py"))[:2] == ["0001_initial.py",
                                                                  "0002_server_secrets.py"]


def test_upgrade_works_from_any_directory(tmp_path):
    """Run in a fresh interpreter in another folder: no alembic.ini or relative path needed."""
    url = "sqlite:///" + str(tmp_path / "elsewhere.sqlite")
    script = ("import sys; from socialmaturity.storage.database import upgrade, current_revision; "
              "upgrade(sys.argv[1]); print(current_revision(sys.argv[1]))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", script, url], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == head_revision()
