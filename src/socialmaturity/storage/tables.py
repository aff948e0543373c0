"""The tables, as SQLAlchemy Core. Migrations create exactly these; a test holds them equal.

An organization runs assessment rounds (reassessments over time); an assessment is one round
answered on one instrument version; each respondent of it has a secret resume token (only its
SHA-256 is stored) and their answers, one row per question, the value JSON-encoded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CHAR,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
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
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


organizations = Table(
    "organizations", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

rounds = Table(
    "rounds", metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False,
           index=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
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
    CheckConstraint("status IN ('open', 'completed')", name="status"),
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
