"""Accounts: who is acting. Facilitators, viewers and admins log in with e-mail and password
(or an API token); respondents have no account (their private link is their key).

Every service that acts on organizations takes the :class:`Actor` first and checks access
itself, so the web pages, the JSON API and the command line obey the same rules.

:class:`Accounts` is the use case of logging in and of managing accounts:

- passwords are kept as argon2id hashes (argon2-cffi; passes and memory are settings, one
  lane); a login whose hash was made with other parameters stores a new hash;
- a login is refused with ONE message whether the e-mail is unknown, the password wrong or
  the account disabled, and takes as long either way (an unknown e-mail is checked against a
  dummy hash);
- failed logins are counted in the database (so every server process shares the count) per
  e-mail address since its last successful login and per client address, over the login
  window; at the limit further logins are refused (:class:`TooManyAttempts`) without the
  password being checked, until the oldest counted failure leaves the window;
- session and API tokens are 256 random bits; only their SHA-256 is stored;
- logins, failed logins, logouts, tokens issued and accounts added or disabled are written to
  the audit log, which the organization services write to as well (:meth:`Accounts.audit`).
  Neither a password nor a token is ever written there or to a log.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..core.settings import Settings, current
from ..errors import (
    AnswersError,
    Counted,
    NotFound,
    Problem,
    SocialMaturityError,
    TooManyAttempts,
    shown,
)
from ..scoring.encode import check_text_value
from ..storage.accounts import (
    ADDRESS_LENGTH,
    AccountExists,
    AccountStore,
    Attempt,
    Audit,
    AuditEntry,
    UserRow,
)
from ..storage.repository import now, token_hash
from ..storage.tables import EMAIL_LENGTH, ROLES

__all__ = ["ROLES", "Accounts", "Actor", "AuditEntry", "LoginRefused", "UserRow"]

log = logging.getLogger("socialmaturity.accounts")

#: Bytes of randomness in a session or API token (256 bits; 43 URL-safe characters).
TOKEN_BYTES = 32
#: Longest token looked up (a longer one is refused without a query).
TOKEN_MAX = 100
#: Shortest and longest password.
PASSWORD_MIN, PASSWORD_MAX = 12, 1024
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


@dataclass(frozen=True)
class Actor:
    """A logged-in account: its id, e-mail and role (``admin``, ``facilitator``, ``viewer``)."""

    user_id: int
    email: str
    role: str

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    @property
    def creates(self) -> bool:
        """Whether the actor may create organizations (a viewer only reads)."""
        return self.role in ("facilitator", "admin")


class LoginRefused(SocialMaturityError):
    """A login that did not succeed: an unknown e-mail, a wrong password or a disabled account,
    all with the same message (nothing tells which)."""

    def __init__(self) -> None:
        super().__init__(Problem("login", "That e-mail address and password do not match an "
                                          "active account."))


def email_hash(email: str) -> str:
    """What a login attempt keeps of the e-mail given: the SHA-256 of it, lower-cased."""
    return hashlib.sha256(email.strip().lower().encode("utf-8", "replace")).hexdigest()


def checked_email(email: str) -> str:
    """``email`` trimmed and lower-cased; ``AnswersError`` naming the field when it is empty,
    no e-mail address, not valid text (a control character, a lone surrogate:
    ``check_text_value``) or longer than the column holds."""
    value = email.strip().lower() if isinstance(email, str) else ""
    if not value:
        raise AnswersError(Problem("email", "give an e-mail address"))
    if not _EMAIL.fullmatch(value) or check_text_value(value, EMAIL_LENGTH) != value:
        raise AnswersError(Problem(
            "email", "{value} is not an e-mail address; valid: name@example.org, at most "
                     "{limit} characters", value=shown(email), limit=EMAIL_LENGTH))
    return value


def _actor(user: UserRow) -> Actor:
    return Actor(user_id=user.user_id, email=user.email, role=user.role)


def _holder(token: str | None, user_of: Callable[[str], UserRow | None]) -> Actor | None:
    """The actor ``user_of`` finds by the token's hash; a longer token is refused unread."""
    user = user_of(token_hash(token)) if token and len(token) <= TOKEN_MAX else None
    return None if user is None else _actor(user)


class Accounts:
    """Accounts, logins, sessions, API tokens and the audit log on ``store``, with the login
    limits, session lifetime and argon2 parameters of ``settings`` (default: the settings in
    force). ``clock`` gives the current time (aware UTC)."""

    def __init__(self, store: AccountStore, settings: Settings | None = None,
                 clock: Callable[[], datetime] = now):
        from argon2 import PasswordHasher, Type

        settings = settings or current()
        self.store = store
        self.clock = clock
        self.session_lifetime = timedelta(hours=settings.session_hours)
        self.window = timedelta(minutes=settings.login_window_minutes)
        self.max_account = settings.login_max_failures_account
        self.max_address = settings.login_max_failures_address
        self.hasher = PasswordHasher(time_cost=settings.argon2_time_cost,
                                     memory_cost=settings.argon2_memory_kib, parallelism=1,
                                     type=Type.ID)
        # verified against for an unknown e-mail, so that takes as long as a wrong password
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))

    # -- managing accounts (the command line) -----------------------------------------------

    def add_user(self, email: str, role: str, password: str) -> Actor:
        """A new active account; ``SocialMaturityError`` naming the field for an e-mail that
        is no address or taken, an unknown role, or a password of fewer than 12 or more than
        1,024 characters."""
        address = checked_email(email)
        if role not in ROLES:
            raise SocialMaturityError(Problem("role", "{value} is not a role; valid: {valid}",
                                              value=shown(role), valid=", ".join(ROLES)))
        if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise SocialMaturityError(Problem(
                "password", "the password must have {min} to {max} characters",
                min=PASSWORD_MIN, max=PASSWORD_MAX))
        at = self.clock()
        try:
            user = self.store.add_user(address, self.hasher.hash(password), role, at,
                                       Audit(at, "user-added", detail=f"role {role}"))
        except AccountExists:
            raise SocialMaturityError(Problem("email", "an account with the e-mail {email} "
                                                       "exists already", email=address)) from None
        return _actor(user)

    def list_users(self) -> list[UserRow]:
        """Every account, by e-mail (no hashes)."""
        return self.store.users()

    def disable(self, email: str) -> None:
        """Disable the account: it can no longer log in, its sessions end and its API token
        stops working. ``NotFound`` when no account has this e-mail."""
        address, at = checked_email(email), self.clock()
        if self.store.disable(address, at, Audit(at, "user-disabled")) is None:
            raise _no_account(address)

    def new_token(self, email: str) -> str:
        """A new API token for the active account (shown once: only its hash is kept; the
        account's earlier token stops working). ``NotFound`` for no such active account."""
        address = checked_email(email)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if self.store.set_token(address, token_hash(token),
                                Audit(self.clock(), "token-issued")) is None:
            raise _no_account(address)
        return token

    # -- logging in -----------------------------------------------------------------------

    def login(self, email: str, password: str, address: str) -> tuple[str, Actor]:
        """A new session for the account: ``(session token, actor)``. ``LoginRefused`` (one
        message for every reason) or ``TooManyAttempts`` (``retry_after`` seconds)."""
        email = email.strip().lower() if isinstance(email, str) else ""
        password = password if isinstance(password, str) else ""
        address = (address or "unknown")[:ADDRESS_LENGTH]
        hashed, at = email_hash(email), self.clock()
        blocking = self.store.failures_blocking(hashed, address, at - self.window,
                                                self.max_account, self.max_address)
        if blocking is not None:
            # neither counted nor written to the audit log (the failures that led here are):
            # refusing costs no hash, and a flood of refused requests must not fill the table
            retry = max(1, math.ceil((blocking + self.window - at).total_seconds()))
            raise TooManyAttempts(Problem("login", Counted(
                "Too many failed logins. Try again in {n} minute.",
                "Too many failed logins. Try again in {n} minutes.", math.ceil(retry / 60))),
                retry_after=retry)
        # text a database cannot hold (NUL, a lone surrogate) is no account's e-mail
        found = self.store.credentials(email) \
            if check_text_value(email, EMAIL_LENGTH) == email else None
        ok = self._verify(found.password_hash if found else self._dummy, password)
        user = found.user if found is not None else None
        if not (ok and user is not None and user.active):
            self.store.record_login(Attempt(hashed, address, at, False), Audit(
                at, "login-failed", user.user_id if user else None, address=address,
                detail="disabled account" if ok and user else ""), at - self.window)
            raise LoginRefused()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        rehashed = self.hasher.hash(password) if self.hasher.check_needs_rehash(
            found.password_hash) else None
        self.store.record_login(Attempt(hashed, address, at, True),
                                Audit(at, "login", user.user_id, address=address),
                                at - self.window, (token_hash(token),
                                                   at + self.session_lifetime), rehashed)
        return token, _actor(user)

    def _verify(self, hashed: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return self.hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    def session_actor(self, token: str | None) -> Actor | None:
        """Who holds this session token; ``None`` when it is unknown, expired or its account
        disabled."""
        return _holder(token, lambda hashed: self.store.session_user(hashed, self.clock()))

    def logout(self, token: str | None, address: str | None = None) -> None:
        """End the session (nothing happens for an unknown token)."""
        if token and len(token) <= TOKEN_MAX:
            self.store.end_session(token_hash(token), Audit(self.clock(), "logout",
                                                            address=address))

    def token_actor(self, bearer: str | None) -> Actor | None:
        """Who holds this API token; ``None`` when it is unknown or its account disabled."""
        return _holder(bearer, self.store.token_user)

    # -- the audit log --------------------------------------------------------------------

    def audit(self, action: str, actor: Actor | None = None, organization_id: int | None = None,
              address: str | None = None, detail: str = "") -> None:
        """Write an entry to the audit log: what happened (``export``, ``erase``, ``share``,
        …), by whom (``None``: the command line), on which organization, from where.
        ``detail`` must hold no secret (it is cut to 500 characters)."""
        self.store.audit(Audit(self.clock(), action, actor.user_id if actor else None,
                               organization_id, address, detail))

    def audit_log(self, limit: int = 50, organization_id: int | None = None
                  ) -> list[AuditEntry]:
        """The latest ``limit`` entries of the audit log, newest first."""
        return self.store.audit_log(limit, organization_id)


def _no_account(email: str) -> NotFound:
    return NotFound(Problem("email", "no account has the e-mail {email}", email=email))
