"""Engines and migrations: SQLite (WAL) by default, PostgreSQL by URL, the same migrations on both.
Which database to use is a setting (``core.settings``), resolved by ``services.database``.

A malformed URL or a refused statement raises ``StorageError`` (bad input); a database that
cannot be reached or opened raises ``DatabaseUnavailable`` (an outage).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url

from ..core.settings import mask_password, setting
from ..errors import DatabaseUnavailable, SocialMaturityError

#: File name of the default SQLite database, in the current directory.
DEFAULT_DATABASE_FILE = "socialmaturity.sqlite"

#: Execution option that makes a SQLite transaction take the write lock at BEGIN.
WRITE_OPTION = "socialmaturity_write"

#: Key of the PostgreSQL advisory lock held while migrating ("smig" in ASCII).
_MIGRATION_LOCK = 0x736D6967

_SUPPORTED = "sqlite:///path/to/file.sqlite or postgresql+psycopg://user:password@host:5432/name"


class StorageError(SocialMaturityError):
    """The database cannot be used: a malformed URL, a schema that is not migrated, or a write
    the database refused (nothing of it was written). A database that cannot be reached is
    ``DatabaseUnavailable`` instead."""


class RespondentNotFound(StorageError):
    """No respondent (or assessment) has this id or token."""


def default_database_url() -> str:
    """``sqlite:///<current directory>/socialmaturity.sqlite``, as an absolute path."""
    return "sqlite:///" + str(Path.cwd().resolve() / DEFAULT_DATABASE_FILE)


def safe_url(url: str | URL) -> str:
    """The URL as text with any password masked, for messages and logs."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except (exc.ArgumentError, ValueError, TypeError):
        return mask_password(str(url))  # a URL SQLAlchemy cannot parse
    return parsed.render_as_string(hide_password=True)


def parse_url(url: str | URL) -> URL:
    """Parse and check a database URL; ``postgresql://`` and ``postgres://`` mean psycopg 3.

    Raises ``StorageError`` for a malformed URL or a backend other than SQLite or PostgreSQL.
    """
    if isinstance(url, URL):
        parsed = url
    else:
        if not isinstance(url, str) or not url.strip():
            raise StorageError(f"database URL is empty: give {setting('database_url').env} as "
                               f"{_SUPPORTED}")
        try:
            parsed = make_url(url.strip())
        except (exc.ArgumentError, ValueError) as e:
            detail = str(e).replace(url.strip(), safe_url(url.strip()))  # no password
            raise StorageError(f"database URL {safe_url(url)!r} is malformed ({detail}): expected "
                               f"{_SUPPORTED}") from e
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed.set(drivername="sqlite")
    raise StorageError(f"database URL {safe_url(parsed)!r}: unsupported backend "
                       f"{parsed.drivername!r}; expected {_SUPPORTED}")


def make_engine(url: str | URL, **kwargs) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with foreign keys (its folder created when
    missing), or PostgreSQL (psycopg 3) with a checked pool; ``kwargs`` go to
    ``sqlalchemy.create_engine``."""
    parsed = parse_url(url)
    # SQL parameters (organization names, answers) never appear in errors or logs
    kwargs.setdefault("hide_parameters", True)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed, **kwargs)
        options = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20,
                   "pool_recycle": 1800, "connect_args": {"connect_timeout": 10}}
        options.update(kwargs)
        return create_engine(parsed, **options)
    except (exc.ArgumentError, ImportError, ValueError, TypeError) as e:
        raise StorageError(f"database URL {safe_url(parsed)!r}: {e}") from e


def _sqlite_engine(url: URL, **kwargs) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            reason = "a file of that name is in the way" if isinstance(
                e, FileExistsError | NotADirectoryError) else (e.strerror or str(e))
            raise DatabaseUnavailable(safe_url(url), f"cannot create the folder {folder} "
                                      f"({reason})", backend="sqlite",
                                      folder=str(folder)) from e
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, open transactions (see _on_begin): then BEGIN covers
        # reads and DDL too, and a write transaction can ask for the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000",
                           "foreign_keys=ON"):
                cursor.execute(f"PRAGMA {pragma}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # With WRITE_OPTION: BEGIN IMMEDIATE takes the write lock at once, so a transaction
        # that reads and then writes waits for other writers instead of failing with
        # "database is locked".
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _detail(error: BaseException) -> str:
    """The first line of what the driver said (or the error's kind)."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return " ".join(lines[0].split()) if lines else type(original).__name__


def unavailable(url: str | URL, error: BaseException) -> DatabaseUnavailable:
    """The outage ``error`` of the database at ``url``, saying which one and how to check."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    folder = ""
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        folder = str(Path(parsed.database).expanduser().resolve().parent)
    return DatabaseUnavailable(safe_url(parsed), _detail(error).rstrip("."),
                               backend=parsed.get_backend_name(), host=parsed.host or "",
                               port=str(parsed.port or ""), folder=folder)


@contextmanager
def storage_errors(url: str | URL) -> Iterator[None]:
    """Turn errors of the database driver into ``DatabaseUnavailable`` (an outage) or
    ``StorageError`` (anything else), naming ``url`` without its password."""
    try:
        yield
    except (StorageError, DatabaseUnavailable):
        raise
    except exc.SQLAlchemyError as e:
        detail = _detail(e)
        if "no such table" in detail or ("relation" in detail and "does not exist" in detail):
            detail += " (is the database migrated? run upgrade)"
        elif isinstance(e, exc.OperationalError | exc.InterfaceError) or getattr(
                e, "connection_invalidated", False):
            # a connection that could not be made or was lost, a file that cannot be opened
            # or written, a lock that was not given: the database is unavailable
            raise unavailable(url, e) from e
        raise StorageError(f"database {safe_url(url)!r}: {detail}") from e


@contextmanager
def transaction(engine: Engine, write: bool = False) -> Iterator[Connection]:
    """One transaction on ``engine``: committed when the block ends, rolled back when it
    raises; driver errors as :func:`storage_errors` says. ``write`` takes SQLite's write lock
    at BEGIN (a transaction that reads and then writes waits for other writers)."""
    with storage_errors(engine.url), engine.connect() as connection:
        if write:
            connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            yield connection


def migrations_folder() -> Traversable:
    """The Alembic script folder inside the installed package."""
    return resources.files("socialmaturity.storage") / "migrations"


@contextmanager
def alembic_config(connection=None) -> Iterator[object]:
    """An Alembic ``Config`` built in code, pointing at the package's migrations.

    With ``connection`` the migrations run on it (``config.attributes["connection"]``)."""
    from alembic.config import Config

    with resources.as_file(migrations_folder()) as folder:
        config = Config()
        config.set_main_option("script_location", str(folder))
        if connection is not None:
            config.attributes["connection"] = connection
            # For tools that read it; '%' is configparser's escape character.
            url = connection.engine.url.render_as_string(hide_password=False)
            config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        yield config


@contextmanager
def _connection(url: str | URL) -> Iterator[Connection]:
    """A connection on an engine of its own, disposed of after the block; driver errors as
    :func:`storage_errors` says."""
    engine = make_engine(url)
    try:
        with storage_errors(url), engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` (the newest by default), in one
    transaction; running it again when up to date does nothing. Safe when several processes
    start at once: SQLite takes its write lock and PostgreSQL an advisory lock first."""
    from alembic import command

    with _connection(url) as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # see _foreign_keys
            _foreign_keys(connection, False)
        try:
            with connection.begin():
                if not sqlite:
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
                with alembic_config(connection) as config:
                    command.upgrade(config, revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all() \
                    if sqlite else ()
                if broken:
                    tables = ", ".join(sorted({str(row[0]) for row in broken}))
                    raise StorageError(f"database {safe_url(url)!r}: the migration would leave "
                                       f"rows whose references are missing (in {tables}); "
                                       "nothing was changed")
        finally:
            if sqlite:
                _foreign_keys(connection, True)


def _foreign_keys(connection, on: bool) -> None:
    """Switch SQLite's foreign key enforcement, outside any transaction (inside one the
    pragma does nothing). A migration that changes a table on SQLite copies it, drops the
    original and renames the copy (Alembic's batch mode); with enforcement on, dropping a
    table that other rows refer to fails, so migrations run with it off (SQLite's documented
    way to alter a table) and are checked with ``foreign_key_check`` before they commit."""
    connection.connection.dbapi_connection.execute(
        f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def current_revision(url: str | URL) -> str | None:
    """The revision the database is at; ``None`` when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    with _connection(url) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision the package ships."""
    from alembic.script import ScriptDirectory

    with alembic_config() as config:
        head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StorageError("no migrations found in the package")
    return head


