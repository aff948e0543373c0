"""The tables, as SQLAlchemy Core. Migrations create exactly these; a test holds them equal.

An organization runs assessment rounds (reassessments over time); an assessment is one round
answered on one instrument version; each respondent of it has a secret resume token (only its
SHA-256 is stored) and their answers, one row per question, the value JSON-encoded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CHAR,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    true,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: Lengths the columns hold (checked on SQLite too, which ignores VARCHAR lengths).
QUESTION_ID_LENGTH = 100
LANGUAGE_LENGTH = 5
EMAIL_LENGTH = 254
NAME_LENGTH = 200  # an organization's or round's name
PROFILE_LENGTH = 60  # an option key: sector, size band, region, department
ROLES = ("admin", "facilitator", "viewer")


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL stores ``timestamptz``; SQLite stores the UTC wall time as text. Values going in
    must be timezone-aware; values coming out are always aware and in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    # Lower-cased; unique. The password is kept as an argon2id hash, an API token as SHA-256.
    Column("email", String(EMAIL_LENGTH), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(12), nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("api_token_hash", CHAR(64), nullable=True, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled_at", UTCDateTime, nullable=True),
    CheckConstraint("role IN ('admin', 'facilitator', 'viewer')", name="role"),
)

sessions = Table(
    "sessions", metadata,
    # SHA-256 (hex) of the session cookie's value; the value itself is never stored.
    Column("token_hash", CHAR(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

login_attempts = Table(
    "login_attempts", metadata,
    Column("id", Integer, primary_key=True),
    # SHA-256 of the lower-cased e-mail given (an unknown one too), and the client address.
    Column("email_hash", CHAR(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index(None, "email_hash", "at"),
    Index(None, "address", "at"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    # what happened: login, login-failed, logout, export, erase, share, unshare, ...
    Column("action", String(40), nullable=False),
    # no foreign key: the entry of an erasure outlives the organization it names
    Column("organization_id", Integer, nullable=True, index=True),
    Column("address", String(64), nullable=True),
    Column("detail", String(500), nullable=False, server_default=""),
)

organizations = Table(
    "organizations", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    # The profile a facilitator gives (option keys of the instrument's profile questions);
    # empty for an organization made by a single respondent's assessment.
    Column("sector", String(PROFILE_LENGTH), nullable=True),
    Column("size", String(PROFILE_LENGTH), nullable=True),
    Column("region", String(PROFILE_LENGTH), nullable=True),
    # The facilitator who runs it; NULL for a single respondent's own assessment.
    Column("owner_id", Integer, ForeignKey("users.id"), nullable=True, index=True),
)

shares = Table(
    "shares", metadata,
    # A viewer who may read an organization's results.
    Column("organization_id", Integer, ForeignKey("organizations.id", ondelete="CASCADE"),
           nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("organization_id", "user_id"),
)

rounds = Table(
    "rounds", metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False,
           index=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(12), nullable=False, server_default="open"),
    Column("closed_at", UTCDateTime, nullable=True),
    # JSON: the facilitator's targets, [{"dimension": id, "stage": n} | {"dimension", "score"}]
    Column("targets", Text, nullable=True),
    CheckConstraint("status IN ('open', 'closed')", name="status"),
)

assessments = Table(
    "assessments", metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id"), nullable=False, index=True),
    Column("instrument_id", String(100), nullable=False),
    Column("instrument_version", String(50), nullable=False),
    Column("instrument_hash", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

respondents = Table(
    "respondents", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", Integer, ForeignKey("assessments.id"), nullable=False, index=True),
    # SHA-256 (hex) of the resume token; the token itself is never stored.
    Column("token_hash", CHAR(64), nullable=False, unique=True),
    Column("language", String(LANGUAGE_LENGTH), nullable=False),
    Column("status", String(12), nullable=False, server_default="open"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    # An invitation of a team round names the department it answers for; NULL otherwise.
    Column("department", String(PROFILE_LENGTH), nullable=True),
    # Random per invitation: with the server's "invitations" secret it gives the link again
    # (HMAC), so a facilitator can copy it later while the database keeps only its hash.
    Column("invite_nonce", String(64), nullable=True),
    CheckConstraint("status IN ('open', 'completed', 'revoked')", name="status"),
    CheckConstraint(f"length(language) BETWEEN 2 AND {LANGUAGE_LENGTH}", name="language_length"),
)

answers = Table(
    "answers", metadata,
    Column("respondent_id", Integer, ForeignKey("respondents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("question_id", String(QUESTION_ID_LENGTH), primary_key=True),
    # JSON: an option key (string), a list of keys, a number, or free text (string).
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(f"length(question_id) BETWEEN 1 AND {QUESTION_ID_LENGTH}",
                    name="question_id_length"),
)

server_secrets = Table(
    "server_secrets", metadata,
    # What the secret is for ("csrf"); made once, on the first start, shared by every worker.
    Column("name", String(50), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
