"""Organizations of facilitators: their profile and owner, rounds (open or closed, with
targets), invitations (respondents with a department), shares with viewers, the dashboard, and
an organization's export and erasure. The store the ``services.organizations`` use case calls.

An invitation IS a respondent of the round's one assessment. Its link token is derived, not
stored: ``urlsafe_b64(HMAC-SHA256(secret, invite_nonce))`` without padding (43 characters),
so a facilitator can copy the link again; the database keeps its SHA-256 like any resume
token's. Every method is one transaction (see :mod:`.repository`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import JSON, Text, case, cast, delete, exists, func, insert, literal, select, update

from .database import RespondentNotFound
from .organization_rows import (
    DashboardRow,
    InvitationRow,
    OrganizationRow,
    RoundRow,
    ShareRow,
    UserRef,
)
from .repository import AssessmentStore, decode_value, encode_value, new_id, now, token_hash
from .tables import (
    answers,
    assessments,
    organizations,
    respondents,
    rounds,
    shares,
    users,
)

#: Bytes of randomness in an invitation's nonce.
NONCE_BYTES = 32


def invitation_token(secret: str, nonce: str) -> str:
    """The link token of the invitation with ``nonce``: URL-safe base64 of
    HMAC-SHA256(secret, nonce), without padding (43 characters)."""
    digest = hmac.new(secret.encode("utf-8"), nonce.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


#: Respondents with their assessment (and so its round).
_RESPONDENTS = respondents.join(assessments, respondents.c.assessment_id == assessments.c.id)


def _counts():
    """(invited, completed) of the round in the outer query: respondents of its assessment
    that are not revoked, and those completed."""
    def count(status):
        return (select(func.count()).select_from(_RESPONDENTS)
                .where(assessments.c.round_id == rounds.c.id, status)
                .correlate(rounds).scalar_subquery())

    return count(respondents.c.status != "revoked"), count(respondents.c.status == "completed")


#: An organization's profile and owner, as every read of organizations gives them.
_ORGANIZATION = (organizations.c.id, organizations.c.name, organizations.c.sector,
                 organizations.c.size, organizations.c.region, organizations.c.owner_id,
                 users.c.email.label("owner_email"))


def _shared_with(user_id: int | None):
    return exists().where(shares.c.organization_id == organizations.c.id,
                          shares.c.user_id == user_id)


_INVITATION = (respondents.c.id, assessments.c.round_id, rounds.c.organization_id,
               respondents.c.department, respondents.c.status, respondents.c.invite_nonce,
               respondents.c.created_at, respondents.c.completed_at)
_INVITATION_JOIN = _RESPONDENTS.join(rounds, rounds.c.id == assessments.c.round_id)


class OrganizationStore(AssessmentStore):
    """The assessment store with organizations, rounds, invitations and shares."""

    # -- organizations --------------------------------------------------------------------

    def create_organization(self, name: str, sector: str, size: str, region: str,
                            owner_id: int) -> int:
        with self._transaction(write=True) as conn:
            return new_id(conn, organizations, name=name, sector=sector, size=size,
                          region=region, owner_id=owner_id, created_at=now())

    def organization(self, org_id: int, user_id: int | None = None) -> OrganizationRow | None:
        """The organization, with ``shared`` telling whether ``user_id`` has a share of it."""
        shared = _shared_with(user_id) if user_id is not None else literal(False)
        with self._transaction() as conn:
            row = conn.execute(
                select(*_ORGANIZATION, shared.label("shared"))
                .select_from(organizations.outerjoin(users,
                                                     users.c.id == organizations.c.owner_id))
                .where(organizations.c.id == org_id)).one_or_none()
        return OrganizationRow(**{**row._mapping, "shared": bool(row.shared)}) if row else None

    def dashboard(self, user_id: int | None, shared_only: bool = False) -> list[DashboardRow]:
        """The organizations of facilitators in ONE query: those ``user_id`` owns (or, with
        ``shared_only``, has a share of); every one when ``user_id`` is None (an admin)."""
        latest = (select(rounds.c.organization_id, func.max(rounds.c.id).label("round_id"),
                         func.count().label("rounds"))
                  .group_by(rounds.c.organization_id).subquery())
        counted = (select(assessments.c.round_id,
                          func.sum(case((respondents.c.status != "revoked", 1), else_=0))
                          .label("invited"),
                          func.sum(case((respondents.c.status == "completed", 1), else_=0))
                          .label("completed"))
                   .select_from(_RESPONDENTS)
                   .group_by(assessments.c.round_id).subquery())
        stmt = (select(*_ORGANIZATION, func.coalesce(latest.c.rounds, 0).label("rounds"),
                       rounds.c.name.label("latest_round"),
                       rounds.c.status.label("latest_status"),
                       func.coalesce(counted.c.invited, 0).label("invited"),
                       func.coalesce(counted.c.completed, 0).label("completed"))
                .select_from(organizations
                             .join(users, users.c.id == organizations.c.owner_id)
                             .outerjoin(latest, latest.c.organization_id == organizations.c.id)
                             .outerjoin(rounds, rounds.c.id == latest.c.round_id)
                             .outerjoin(counted, counted.c.round_id == latest.c.round_id))
                .where(organizations.c.owner_id.is_not(None))
                .order_by(func.lower(organizations.c.name), organizations.c.id))
        if shared_only:
            stmt = stmt.where(_shared_with(user_id))
        elif user_id is not None:
            stmt = stmt.where(organizations.c.owner_id == user_id)
        with self._transaction() as conn:
            return [DashboardRow(**r._mapping) for r in conn.execute(stmt)]

    # -- rounds ---------------------------------------------------------------------------

    def create_round(self, org_id: int, name: str, instrument_id: str,
                     instrument_version: str, instrument_hash: str) -> int:
        """A round of the organization with its one assessment on this instrument version."""
        at = now()
        with self._transaction(write=True) as conn:
            round_id = new_id(conn, rounds, organization_id=org_id, name=name, created_at=at,
                              status="open")
            conn.execute(insert(assessments).values(
                round_id=round_id, instrument_id=instrument_id,
                instrument_version=instrument_version, instrument_hash=instrument_hash,
                created_at=at))
        return round_id

    def _round_select(self):
        invited, completed = _counts()
        first = (select(func.min(assessments.c.id)).where(assessments.c.round_id == rounds.c.id)
                 .correlate(rounds).scalar_subquery())
        return (select(rounds.c.id, rounds.c.organization_id, rounds.c.name, rounds.c.status,
                       rounds.c.created_at, rounds.c.closed_at, rounds.c.targets,
                       assessments.c.id.label("assessment_id"),
                       assessments.c.instrument_version, assessments.c.instrument_hash,
                       invited.label("invited"),
                       completed.label("completed"))
                .select_from(rounds.outerjoin(assessments, assessments.c.id == first)))

    def round(self, round_id: int) -> RoundRow | None:
        with self._transaction() as conn:
            row = conn.execute(self._round_select().where(rounds.c.id == round_id)
                               ).one_or_none()
        return RoundRow(**row._mapping) if row else None

    def rounds(self, org_id: int) -> list[RoundRow]:
        """The organization's rounds, oldest first."""
        with self._transaction() as conn:
            rows = conn.execute(self._round_select().where(rounds.c.organization_id == org_id)
                                .order_by(rounds.c.id)).all()
        return [RoundRow(**r._mapping) for r in rows]

    def previous_round(self, round_id: int) -> RoundRow | None:
        """The organization's latest round before ``round_id`` with a completed respondent."""
        with self._transaction() as conn:
            org_id = select(rounds.c.organization_id).where(rounds.c.id == round_id)
            done = exists().select_from(_RESPONDENTS).where(
                assessments.c.round_id == rounds.c.id, respondents.c.status == "completed")
            row = conn.execute(self._round_select()
                               .where(rounds.c.organization_id == org_id.scalar_subquery(),
                                      rounds.c.id < round_id, done)
                               .order_by(rounds.c.id.desc()).limit(1)).one_or_none()
        return RoundRow(**row._mapping) if row else None

    def update_round(self, round_id: int, **values) -> None:
        """Set ``status``/``closed_at`` or ``targets`` (JSON text) of a round."""
        with self._transaction(write=True) as conn:
            result = conn.execute(update(rounds).where(rounds.c.id == round_id).values(**values))
            if result.rowcount != 1:
                raise RespondentNotFound(f"no round with id {round_id!r}")

    def completed_answers(self, round_id: int) -> list[tuple[int, str | None, dict]]:
        """(respondent id, department, stored answers) of the round's completed
        respondents, by id: one query, one row a respondent (the database gathers each
        respondent's answers into one JSON object)."""
        if self._sqlite:
            gathered = func.json_group_object(answers.c.question_id, func.json(answers.c.value))
        else:
            gathered = func.json_object_agg(answers.c.question_id,
                                            cast(answers.c.value, JSON))
        with self._transaction() as conn:
            rows = conn.execute(
                select(respondents.c.id, respondents.c.department,
                       cast(gathered, Text).label("answers"))
                .select_from(_RESPONDENTS.join(answers,
                                               answers.c.respondent_id == respondents.c.id))
                .where(assessments.c.round_id == round_id,
                       respondents.c.status == "completed")
                .group_by(respondents.c.id, respondents.c.department)
                .order_by(respondents.c.id)).all()
        return [(r.id, r.department, json.loads(r.answers)) for r in rows]

    def round_version(self, round_id: int) -> tuple:
        """What the round's result depends on in the database, cheaply: its completed
        respondents (how many, the last change), status and targets. Equal versions give
        equal results."""
        with self._transaction() as conn:
            row = conn.execute(
                select(func.count(), func.max(respondents.c.updated_at),
                       func.max(respondents.c.id))
                .select_from(_RESPONDENTS)
                .where(assessments.c.round_id == round_id,
                       respondents.c.status == "completed")).one()
        return tuple(row)

    # -- invitations ----------------------------------------------------------------------

    def invite(self, assessment_id: int, department: str, language: str, secret: str,
               profile: Mapping[str, object], count: int = 1
               ) -> list[tuple[int, str, datetime]]:
        """``count`` new invitations of the assessment, their ``profile`` answers written at
        once, all in one transaction (all of them are made or none); their ids, link tokens
        and the time they were made."""
        at = now()
        made = []
        with self._transaction(write=True) as conn:
            for _ in range(count):
                nonce = secrets.token_urlsafe(NONCE_BYTES)
                token = invitation_token(secret, nonce)
                respondent_id = new_id(
                    conn, respondents, assessment_id=assessment_id, token_hash=token_hash(token),
                    language=language, status="open", created_at=at, updated_at=at,
                    completed_at=None, department=department, invite_nonce=nonce)
                rows = [{"respondent_id": respondent_id, "question_id": qid,
                         "value": encode_value(qid, value), "updated_at": at}
                        for qid, value in profile.items() if value is not None]
                if rows:
                    conn.execute(insert(answers), rows)
                made.append((respondent_id, token, at))
        return made

    def invitations(self, round_id: int) -> list[InvitationRow]:
        """The round's invitations (respondents with a department), oldest first."""
        with self._transaction() as conn:
            rows = conn.execute(select(*_INVITATION).select_from(_INVITATION_JOIN)
                                .where(assessments.c.round_id == round_id,
                                       respondents.c.department.is_not(None))
                                .order_by(respondents.c.id)).all()
        return [InvitationRow(**r._mapping) for r in rows]

    def invitation(self, invitation_id: int) -> InvitationRow | None:
        with self._transaction() as conn:
            row = conn.execute(select(*_INVITATION).select_from(_INVITATION_JOIN)
                               .where(respondents.c.id == invitation_id,
                                      respondents.c.department.is_not(None))).one_or_none()
        return InvitationRow(**row._mapping) if row else None

    def revoke(self, invitation_id: int) -> None:
        """The invitation's link stops working; its answers no longer count."""
        with self._transaction(write=True) as conn:
            self._touch(conn, invitation_id, updated_at=now(), status="revoked")

    def department_counts(self, round_id: int) -> dict[str, tuple[int, int]]:
        """Department → (invited, completed) of the round; revoked invitations not counted."""
        with self._transaction() as conn:
            rows = conn.execute(
                select(respondents.c.department, func.count().label("invited"),
                       func.sum(case((respondents.c.status == "completed", 1), else_=0))
                       .label("completed"))
                .select_from(_RESPONDENTS)
                .where(assessments.c.round_id == round_id, respondents.c.status != "revoked",
                       respondents.c.department.is_not(None))
                .group_by(respondents.c.department)).all()
        return {r.department: (int(r.invited), int(r.completed or 0)) for r in rows}

    # -- shares and accounts --------------------------------------------------------------

    def user_by_email(self, email: str) -> UserRef | None:
        with self._transaction() as conn:
            row = conn.execute(select(users.c.id, users.c.email, users.c.role, users.c.active)
                               .where(users.c.email == email.strip().lower())).one_or_none()
        return UserRef(**row._mapping) if row else None

    def share(self, org_id: int, user_id: int) -> bool:
        """Give ``user_id`` a share of the organization; False when it had one already."""
        stmt = self._insert(shares).values(organization_id=org_id, user_id=user_id,
                                           created_at=now())
        with self._transaction(write=True) as conn:
            added = conn.execute(stmt.on_conflict_do_nothing().returning(shares.c.user_id))
            return added.scalar_one_or_none() is not None

    def unshare(self, org_id: int, user_id: int) -> bool:
        """Take the share away; False when there was none."""
        with self._transaction(write=True) as conn:
            return conn.execute(delete(shares).where(shares.c.organization_id == org_id,
                                                     shares.c.user_id == user_id)).rowcount == 1

    def shares(self, org_id: int) -> list[ShareRow]:
        with self._transaction() as conn:
            rows = conn.execute(select(shares.c.user_id, users.c.email, shares.c.created_at)
                                .join(users, users.c.id == shares.c.user_id)
                                .where(shares.c.organization_id == org_id)
                                .order_by(users.c.email)).all()
        return [ShareRow(**r._mapping) for r in rows]

    # -- data rights ----------------------------------------------------------------------

    def export(self, org_id: int) -> dict | None:
        """Everything of the organization as JSON-ready data, read in one transaction:
        profile, owner, shares, rounds with targets, assessments, respondents with department,
        status and answers. ``None`` when there is no such organization."""
        with self._transaction() as conn:
            org = conn.execute(
                select(organizations, users.c.email.label("owner_email"))
                .select_from(organizations.outerjoin(users,
                                                     users.c.id == organizations.c.owner_id))
                .where(organizations.c.id == org_id)).one_or_none()
            if org is None:
                return None
            shared = conn.execute(select(users.c.email, shares.c.created_at)
                                  .join(users, users.c.id == shares.c.user_id)
                                  .where(shares.c.organization_id == org_id)).all()
            round_rows = conn.execute(select(rounds).where(rounds.c.organization_id == org_id)
                                      .order_by(rounds.c.id)).all()
            ids = [r.id for r in round_rows]
            assessment_rows = conn.execute(select(assessments).where(
                assessments.c.round_id.in_(ids)).order_by(assessments.c.id)).all()
            people = conn.execute(
                select(respondents.c.id, respondents.c.assessment_id, respondents.c.department,
                       respondents.c.status, respondents.c.language, respondents.c.created_at,
                       respondents.c.updated_at, respondents.c.completed_at)
                .where(respondents.c.assessment_id.in_([a.id for a in assessment_rows]))
                .order_by(respondents.c.id)).all()
            given = conn.execute(select(answers.c.respondent_id, answers.c.question_id,
                                        answers.c.value)
                                 .where(answers.c.respondent_id.in_([p.id for p in people]))
                                 .order_by(answers.c.respondent_id, answers.c.question_id)
                                 ).all()
        return _exported(org, shared, round_rows, assessment_rows, people, given)

    def erase(self, org_id: int) -> bool:
        """Delete the organization with its rounds, assessments, respondents, answers and
        shares in ONE transaction (the audit log keeps its entries); False when unknown."""
        with self._transaction(write=True) as conn:
            round_ids = select(rounds.c.id).where(rounds.c.organization_id == org_id)
            assessment_ids = select(assessments.c.id).where(assessments.c.round_id.in_(round_ids))
            respondent_ids = select(respondents.c.id).where(
                respondents.c.assessment_id.in_(assessment_ids))
            conn.execute(delete(answers).where(answers.c.respondent_id.in_(respondent_ids)))
            conn.execute(delete(respondents).where(
                respondents.c.assessment_id.in_(assessment_ids)))
            conn.execute(delete(assessments).where(assessments.c.round_id.in_(round_ids)))
            conn.execute(delete(rounds).where(rounds.c.organization_id == org_id))
            conn.execute(delete(shares).where(shares.c.organization_id == org_id))
            return conn.execute(delete(organizations).where(organizations.c.id == org_id)
                                ).rowcount == 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _exported(org, shared, round_rows, assessment_rows, people, given) -> dict:
    values: dict[int, dict] = {}
    for a in given:
        values.setdefault(a.respondent_id, {})[a.question_id] = decode_value(a.value)
    by_assessment: dict[int, list] = {}
    for p in people:
        by_assessment.setdefault(p.assessment_id, []).append({
            "id": p.id, "department": p.department, "status": p.status,
            "language": p.language, "created_at": _iso(p.created_at),
            "updated_at": _iso(p.updated_at), "completed_at": _iso(p.completed_at),
            "answers": values.get(p.id, {})})
    by_round: dict[int, list] = {}
    for a in assessment_rows:
        by_round.setdefault(a.round_id, []).append({
            "id": a.id, "instrument_id": a.instrument_id,
            "instrument_version": a.instrument_version, "instrument_hash": a.instrument_hash,
            "created_at": _iso(a.created_at), "respondents": by_assessment.get(a.id, [])})
    return {
        "organization": {"id": org.id, "name": org.name, "sector": org.sector,
                         "size": org.size, "region": org.region, "owner": org.owner_email,
                         "created_at": _iso(org.created_at)},
        "shares": [{"email": s.email, "created_at": _iso(s.created_at)} for s in shared],
        "rounds": [{"id": r.id, "name": r.name, "status": r.status,
                    "created_at": _iso(r.created_at), "closed_at": _iso(r.closed_at),
                    "targets": json.loads(r.targets) if r.targets else [],
                    "assessments": by_round.get(r.id, [])} for r in round_rows],
        "exported_at": _iso(now()),
    }

