"""Respondents and their answers: the store the services call.

Every method is one transaction: when it returns, its writes are committed; when it raises,
nothing of that call is written. Database failures raise ``StorageError`` (an unknown id or
token ``RespondentNotFound``), naming the database without its password. The services check
answers against the instrument first; the store keeps what it is given.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Table, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .database import RespondentNotFound, StorageError, transaction
from .tables import answers, assessments, organizations, respondents, rounds, server_secrets

#: Bytes of randomness in a resume token (256 bits; 43 URL-safe characters).
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """What the database keeps of a resume token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class NewRespondent:
    """A respondent just created. ``token`` is the secret resume link: shown to the respondent
    once and never stored (only its hash is)."""

    token: str
    respondent_id: int
    assessment_id: int
    organization_id: int
    round_id: int


@dataclass(frozen=True)
class Respondent:
    """One respondent of an assessment, with what the assessment was taken on."""

    respondent_id: int
    assessment_id: int
    round_id: int
    organization_id: int
    organization: str
    round_name: str
    instrument_id: str
    instrument_version: str
    instrument_hash: str
    language: str
    status: str  # "open", "completed" or "revoked" (an invitation taken back)
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    #: the department an invitation of a team round answers for; None otherwise
    department: str | None = None
    #: the round's status: "open", or "closed" (it takes no more answers)
    round_status: str = "open"

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    @property
    def invited(self) -> bool:
        """An invitation of a team round (its organization's profile is set for it)."""
        return self.department is not None


def encode_value(question_id: str, value: object) -> str:
    """An answer as stored: compact JSON (an option key, a list of keys, a number, or text)."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as e:
        raise StorageError(f"answer to {question_id!r}: cannot store a "
                           f"{type(value).__name__} ({e})") from None


def decode_value(text: str) -> object:
    return json.loads(text)


def new_id(conn: Connection, table: Table, **values: object) -> int:
    """Insert one row into ``table``; its new ``id``."""
    return conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


#: A ``Respondent``'s fields, by name.
_SELECT_RESPONDENT = select(
    respondents.c.id.label("respondent_id"), respondents.c.assessment_id, assessments.c.round_id,
    rounds.c.organization_id, organizations.c.name.label("organization"),
    rounds.c.name.label("round_name"), assessments.c.instrument_id,
    assessments.c.instrument_version, assessments.c.instrument_hash, respondents.c.language,
    respondents.c.status, respondents.c.created_at, respondents.c.updated_at,
    respondents.c.completed_at, respondents.c.department, rounds.c.status.label("round_status"),
).select_from(respondents.join(assessments, respondents.c.assessment_id == assessments.c.id)
              .join(rounds, assessments.c.round_id == rounds.c.id)
              .join(organizations, rounds.c.organization_id == organizations.c.id))
#: The reads of every page of a respondent, built once: on SQLite, building a select and
#: working out its cache key took longer than running it.
_FIND_BY_TOKEN = _SELECT_RESPONDENT.where(respondents.c.token_hash == bindparam("token_hash"))
_ANSWERS_OF = (select(answers.c.question_id, answers.c.value)
               .where(answers.c.respondent_id == bindparam("respondent_id"))
               .order_by(answers.c.question_id))


class AssessmentStore:
    """Assessments, respondents and answers in one database (SQLite or PostgreSQL).

    Thread-safe: share one store (and its engine) across requests."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._insert = sqlite.insert if self._sqlite else postgresql.insert
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise StorageError(f"unsupported database {engine.dialect.name!r}: "
                               "SQLite or PostgreSQL")

    def _transaction(self, write: bool = False) -> AbstractContextManager[Connection]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        return transaction(self.engine, write)

    def server_secret(self, name: str) -> str:
        """The server's secret called ``name`` (a 256-bit random key), made on first use and
        kept in the database: every worker and machine on this database gets the same one."""
        with self._transaction(write=True) as conn:
            stmt = self._insert(server_secrets).values(
                name=name, value=secrets.token_urlsafe(32), created_at=now())
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
            return conn.execute(select(server_secrets.c.value)
                                .where(server_secrets.c.name == name)).scalar_one()

    # -- creating -------------------------------------------------------------------------

    def create(self, organization: str, round_name: str, instrument_id: str,
               instrument_version: str, instrument_hash: str, language: str) -> NewRespondent:
        """A new organization, its round, an assessment on this instrument version and its
        first respondent, who answers in ``language``."""
        at = now()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._transaction(write=True) as conn:
            organization_id = new_id(conn, organizations, name=organization, created_at=at)
            round_id = new_id(conn, rounds, organization_id=organization_id, name=round_name,
                              created_at=at)
            assessment_id = new_id(conn, assessments, round_id=round_id,
                                   instrument_id=instrument_id,
                                   instrument_version=instrument_version,
                                   instrument_hash=instrument_hash, created_at=at)
            respondent_id = new_id(conn, respondents, assessment_id=assessment_id,
                                   token_hash=token_hash(token), language=language,
                                   status="open", created_at=at, updated_at=at,
                                   completed_at=None)
        return NewRespondent(token=token, respondent_id=respondent_id,
                             assessment_id=assessment_id, organization_id=organization_id,
                             round_id=round_id)

    # -- reading --------------------------------------------------------------------------

    def find(self, token: str) -> Respondent | None:
        """The respondent with this resume token; ``None`` for an unknown or empty token."""
        if not isinstance(token, str) or not token:
            return None
        with self._transaction() as conn:
            row = conn.execute(_FIND_BY_TOKEN, {"token_hash": token_hash(token)}).one_or_none()
        return Respondent(**row._mapping) if row is not None else None

    def get(self, respondent_id: int) -> Respondent | None:
        """The respondent with this id; ``None`` when there is none."""
        with self._transaction() as conn:
            row = conn.execute(_SELECT_RESPONDENT.where(respondents.c.id == respondent_id)
                               ).one_or_none()
        return Respondent(**row._mapping) if row is not None else None

    def answers(self, respondent: int | str) -> dict[str, object]:
        """The stored answers (question id → decoded value) of a respondent, given by id (int)
        or resume token (str), sorted by question id. ``RespondentNotFound`` when unknown."""
        with self._transaction() as conn:
            by_id = isinstance(respondent, int)
            respondent_id = respondent if by_id else self._respondent_id(conn, respondent)
            rows = conn.execute(_ANSWERS_OF, {"respondent_id": respondent_id}).all()
            if by_id and not rows:
                self._respondent_id(conn, respondent)  # no answers: is there a respondent?
        return {row.question_id: decode_value(row.value) for row in rows}

    @staticmethod
    def _respondent_id(conn: Connection, respondent: int | str) -> int:
        if isinstance(respondent, int):
            where, label = respondents.c.id == respondent, f"id {respondent}"
        else:
            where, label = respondents.c.token_hash == token_hash(respondent), "this token"
        found = conn.execute(select(respondents.c.id).where(where)).scalar_one_or_none()
        if found is None:
            raise RespondentNotFound(f"no respondent with {label}")
        return found

    # -- writing --------------------------------------------------------------------------

    def save_answers(self, respondent_id: int, values: Mapping[str, object | None]) -> datetime:
        """Store answers (question id → value; ``None`` deletes that answer) in one
        transaction, replacing earlier answers to the same questions, and bump the
        respondent's ``updated_at``. Returns that time. On any error nothing is written."""
        at = now()
        deleted = [question_id for question_id, value in values.items() if value is None]
        rows = [{"respondent_id": respondent_id, "question_id": question_id,
                 "value": encode_value(question_id, value), "updated_at": at}
                for question_id, value in values.items() if value is not None]
        with self._transaction(write=True) as conn:
            # The respondent row first: it locks out a concurrent save of the same respondent
            # (PostgreSQL) and tells an unknown id.
            self._touch(conn, respondent_id, updated_at=at)
            if deleted:
                conn.execute(delete(answers).where(answers.c.respondent_id == respondent_id,
                                                   answers.c.question_id.in_(deleted)))
            if rows:
                stmt = self._insert(answers)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[answers.c.respondent_id, answers.c.question_id],
                    set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at})
                conn.execute(stmt, rows)
        return at

    def complete(self, respondent_id: int) -> datetime:
        """Mark the respondent's answers as complete; returns ``completed_at``. Completing
        again keeps the first ``completed_at``."""
        at = now()
        with self._transaction(write=True) as conn:
            self._touch(conn, respondent_id, updated_at=at, status="completed")
            conn.execute(update(respondents)
                         .where(respondents.c.id == respondent_id,
                                respondents.c.completed_at.is_(None))
                         .values(completed_at=at))
            return conn.execute(select(respondents.c.completed_at)
                                .where(respondents.c.id == respondent_id)).scalar_one()

    @staticmethod
    def _touch(conn: Connection, respondent_id: int, **values) -> None:
        result = conn.execute(update(respondents).where(respondents.c.id == respondent_id)
                              .values(**values))
        if result.rowcount != 1:
            raise RespondentNotFound(f"no respondent with id {respondent_id!r}")
