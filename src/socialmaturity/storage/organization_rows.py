"""The rows the organization store (:mod:`.organizations`) gives: plain frozen dataclasses,
one per kind of thing read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OrganizationRow:
    """An organization, whether ``user_id`` (who asks) has a share of it, and its owner."""

    id: int
    name: str
    sector: str | None
    size: str | None
    region: str | None
    owner_id: int | None
    owner_email: str | None
    shared: bool


@dataclass(frozen=True)
class RoundRow:
    """A round with its one assessment and how many were invited and have answered."""

    id: int
    organization_id: int
    name: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    targets: str | None  # JSON, see tables.rounds
    assessment_id: int | None
    instrument_version: str | None
    instrument_hash: str | None
    invited: int
    completed: int


@dataclass(frozen=True)
class InvitationRow:
    """An invitation (a respondent with a department); ``invite_nonce`` gives its token."""

    id: int
    round_id: int
    organization_id: int
    department: str | None
    status: str  # open | completed | revoked
    invite_nonce: str | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class DashboardRow:
    """One organization on a dashboard: its profile, rounds and the latest round's counts."""

    id: int
    name: str
    sector: str | None
    size: str | None
    region: str | None
    owner_id: int
    owner_email: str
    rounds: int
    latest_round: str | None
    latest_status: str | None
    invited: int
    completed: int


@dataclass(frozen=True)
class ShareRow:
    user_id: int
    email: str
    created_at: datetime


@dataclass(frozen=True)
class UserRef:
    """An account as far as organizations need it: id, e-mail, role, whether active."""

    id: int
    email: str
    role: str
    active: bool
