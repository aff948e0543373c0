"""Accounts, their sessions, login attempts and the audit log: the store ``services.accounts``
calls.

The store keeps what it is given: the services hash passwords (argon2id), session and API
tokens (SHA-256) and e-mail addresses of login attempts (SHA-256) before they come here; no
secret reaches the database or its errors in clear. Every method is one transaction (SQLite
and PostgreSQL); a refused write raises ``StorageError`` and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update

from .database import StorageError, transaction
from .tables import audit_log, login_attempts, sessions, users

#: Longest client address kept (an IPv6 address with a zone fits).
ADDRESS_LENGTH = 64
#: Longest audit detail kept.
DETAIL_LENGTH = 500


class AccountExists(StorageError):
    """An account with this e-mail address exists already."""


@dataclass(frozen=True)
class UserRow:
    """One account as listed: never its password hash or token hash."""

    user_id: int
    email: str
    role: str
    active: bool
    has_token: bool
    created_at: datetime
    disabled_at: datetime | None


@dataclass(frozen=True)
class Credentials:
    """An account with its password hash: what a login checks."""

    user: UserRow
    password_hash: str


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the audit log; ``email`` is the acting account's (``None``: none, or
    the command line)."""

    entry_id: int
    at: datetime
    user_id: int | None
    email: str | None
    action: str
    organization_id: int | None
    address: str | None
    detail: str


@dataclass(frozen=True)
class Attempt:
    """A login attempt to record: the SHA-256 of the e-mail given, the client's address,
    whether it succeeded."""

    email_hash: str
    address: str
    at: datetime
    succeeded: bool


@dataclass(frozen=True)
class Audit:
    """An audit entry to write."""

    at: datetime
    action: str
    user_id: int | None = None
    organization_id: int | None = None
    address: str | None = None
    detail: str = ""


_USER_COLUMNS = (users.c.id.label("user_id"), users.c.email, users.c.role, users.c.active,
                 users.c.api_token_hash.is_not(None).label("has_token"), users.c.created_at,
                 users.c.disabled_at)


def _user(row) -> UserRow:
    return UserRow(user_id=row.user_id, email=row.email, role=row.role,
                   active=bool(row.active), has_token=bool(row.has_token),
                   created_at=row.created_at, disabled_at=row.disabled_at)


class AccountStore:
    """Users, sessions, login attempts and the audit log in one database. Thread-safe: share
    one store (and its engine) across requests."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def _transaction(self, write: bool = False):
        return transaction(self.engine, write)

    @staticmethod
    def _user_of(conn: Connection, user_id: int) -> UserRow:
        return _user(conn.execute(select(*_USER_COLUMNS).where(users.c.id == user_id)).one())

    # -- accounts -------------------------------------------------------------------------

    def add_user(self, email: str, password_hash: str, role: str, at: datetime,
                 audit: Audit) -> UserRow:
        """A new active account (``email`` lower-cased by the caller), with ``audit`` written
        in the same transaction (its ``user_id`` is the new account's unless given).
        ``AccountExists`` when the e-mail is taken."""
        with self._transaction(write=True) as conn:
            taken = conn.execute(select(users.c.id).where(users.c.email == email)).first()
            if taken is not None:
                raise AccountExists(f"an account with the e-mail {email!r} exists already")
            user_id = conn.execute(
                insert(users).values(email=email, password_hash=password_hash, role=role,
                                     active=True, created_at=at).returning(users.c.id)
            ).scalar_one()
            self._audit(conn, audit, user_id)
            return self._user_of(conn, user_id)

    def users(self) -> list[UserRow]:
        """Every account, by e-mail."""
        with self._transaction() as conn:
            rows = conn.execute(select(*_USER_COLUMNS).order_by(users.c.email)).all()
        return [_user(r) for r in rows]

    def credentials(self, email: str) -> Credentials | None:
        """The account with this (lower-cased) e-mail and its password hash, active or not;
        ``None`` when there is none."""
        with self._transaction() as conn:
            row = conn.execute(select(*_USER_COLUMNS, users.c.password_hash)
                               .where(users.c.email == email)).one_or_none()
        return None if row is None else Credentials(_user(row), row.password_hash)

    def disable(self, email: str, at: datetime, audit: Audit) -> UserRow | None:
        """Disable the account: not active, its API token and every session gone, ``audit``
        written; all in one transaction. ``None`` when no account has this e-mail."""
        with self._transaction(write=True) as conn:
            user_id = conn.execute(select(users.c.id).where(users.c.email == email)
                                   ).scalar_one_or_none()
            if user_id is None:
                return None
            conn.execute(update(users).where(users.c.id == user_id, users.c.active.is_(True))
                         .values(active=False, disabled_at=at))
            conn.execute(update(users).where(users.c.id == user_id)
                         .values(api_token_hash=None))
            conn.execute(delete(sessions).where(sessions.c.user_id == user_id))
            self._audit(conn, audit, user_id)
            return self._user_of(conn, user_id)

    def set_token(self, email: str, token_hash: str, audit: Audit) -> UserRow | None:
        """Give the active account a new API token (its SHA-256; the old token stops
        working) and write ``audit``. ``None`` when no active account has this e-mail."""
        with self._transaction(write=True) as conn:
            user_id = conn.execute(select(users.c.id).where(
                users.c.email == email, users.c.active.is_(True))).scalar_one_or_none()
            if user_id is None:
                return None
            conn.execute(update(users).where(users.c.id == user_id)
                         .values(api_token_hash=token_hash))
            self._audit(conn, audit, user_id)
            return self._user_of(conn, user_id)

    def token_user(self, token_hash: str) -> UserRow | None:
        """The active account whose API token has this SHA-256."""
        with self._transaction() as conn:
            row = conn.execute(select(*_USER_COLUMNS).where(
                users.c.api_token_hash == token_hash, users.c.active.is_(True))).one_or_none()
        return None if row is None else _user(row)

    # -- login and sessions ---------------------------------------------------------------

    def failures_blocking(self, email_hash: str, address: str, since: datetime,
                          account_limit: int, address_limit: int) -> datetime | None:
        """When the attempts that block a login were made, if they do: of the failed logins
        after ``since``, for this e-mail (after its last successful login) and from this
        address, the ``limit``-th latest of whichever count reaches its limit (the login is
        allowed again when that one leaves the window); ``None`` when neither does."""
        with self._transaction() as conn:
            last_success = conn.execute(
                select(func.max(login_attempts.c.at)).where(
                    login_attempts.c.email_hash == email_hash,
                    login_attempts.c.succeeded.is_(True), login_attempts.c.at > since)
            ).scalar_one_or_none()
            account_since = max(since, last_success) if last_success is not None else since
            blocking = [
                self._nth_latest_failure(conn, login_attempts.c.email_hash == email_hash,
                                         account_since, account_limit),
                self._nth_latest_failure(conn, login_attempts.c.address == address, since,
                                         address_limit)]
        found = [at for at in blocking if at is not None]
        return max(found) if found else None

    @staticmethod
    def _nth_latest_failure(conn: Connection, where, since: datetime, n: int) -> datetime | None:
        return conn.execute(
            select(login_attempts.c.at).where(where, login_attempts.c.succeeded.is_(False),
                                              login_attempts.c.at > since)
            .order_by(login_attempts.c.at.desc()).offset(n - 1).limit(1)).scalar_one_or_none()

    def record_login(self, attempt: Attempt, audit: Audit, forget_before: datetime,
                     session: tuple[str, datetime] | None = None,
                     rehashed: str | None = None) -> None:
        """Write a login attempt and its audit entry, and delete the attempts for the same
        e-mail or from the same address made before ``forget_before`` (they count for no
        limit any more). For a successful login also the new session (token hash, expiry) of
        ``audit.user_id``, with the account's expired sessions deleted, and the password's new
        hash when its parameters changed (``rehashed``)."""
        with self._transaction(write=True) as conn:
            address = attempt.address[:ADDRESS_LENGTH]
            conn.execute(delete(login_attempts).where(
                or_(login_attempts.c.email_hash == attempt.email_hash,
                    login_attempts.c.address == address),
                login_attempts.c.at < forget_before))
            conn.execute(insert(login_attempts).values(
                email_hash=attempt.email_hash, address=address, at=attempt.at,
                succeeded=attempt.succeeded))
            if session is not None and audit.user_id is not None:
                token_hash, expires_at = session
                conn.execute(delete(sessions).where(sessions.c.user_id == audit.user_id,
                                                    sessions.c.expires_at <= attempt.at))
                conn.execute(insert(sessions).values(token_hash=token_hash,
                                                     user_id=audit.user_id,
                                                     created_at=attempt.at,
                                                     expires_at=expires_at))
            if rehashed is not None and audit.user_id is not None:
                conn.execute(update(users).where(users.c.id == audit.user_id)
                             .values(password_hash=rehashed))
            self._audit(conn, audit)

    def session_user(self, token_hash: str, at: datetime) -> UserRow | None:
        """The active account of the session with this token hash, unless it expired by
        ``at``."""
        with self._transaction() as conn:
            row = conn.execute(
                select(*_USER_COLUMNS)
                .join(sessions, and_(sessions.c.user_id == users.c.id,
                                     sessions.c.token_hash == token_hash))
                .where(sessions.c.expires_at > at, users.c.active.is_(True))).one_or_none()
        return None if row is None else _user(row)

    def end_session(self, token_hash: str, audit: Audit) -> int | None:
        """Delete the session; write ``audit`` for its account. The account's id, or
        ``None`` when there was no such session (nothing is written then)."""
        with self._transaction(write=True) as conn:
            user_id = conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash)
                                   .returning(sessions.c.user_id)).scalar_one_or_none()
            if user_id is not None:
                self._audit(conn, audit, user_id)
        return user_id

    # -- the audit log --------------------------------------------------------------------

    def audit(self, entry: Audit) -> None:
        """Write one audit entry."""
        with self._transaction(write=True) as conn:
            self._audit(conn, entry)

    def audit_log(self, limit: int = 50, organization_id: int | None = None
                  ) -> list[AuditEntry]:
        """The latest ``limit`` audit entries (of one organization when given), newest
        first."""
        stmt = (select(audit_log, users.c.email)
                .outerjoin(users, users.c.id == audit_log.c.user_id)
                .order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit))
        if organization_id is not None:
            stmt = stmt.where(audit_log.c.organization_id == organization_id)
        with self._transaction() as conn:
            rows = conn.execute(stmt).all()
        return [AuditEntry(entry_id=r.id, at=r.at, user_id=r.user_id, email=r.email,
                           action=r.action, organization_id=r.organization_id,
                           address=r.address, detail=r.detail) for r in rows]

    @staticmethod
    def _audit(conn: Connection, entry: Audit, user_id: int | None = None) -> None:
        conn.execute(insert(audit_log).values(
            at=entry.at, user_id=entry.user_id if entry.user_id is not None else user_id,
            action=entry.action[:40], organization_id=entry.organization_id,
            address=entry.address[:ADDRESS_LENGTH] if entry.address else None,
            detail=entry.detail[:DETAIL_LENGTH]))
