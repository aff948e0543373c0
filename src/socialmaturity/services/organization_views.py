"""What the organization use cases hand to pages, the API and the command line: an
organization on a dashboard and on its own page, invitations as made and as listed, what a
revocation drops, and a department's counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..storage.organizations import DashboardRow, RoundRow, ShareRow


@dataclass(frozen=True)
class OrganizationSummary(DashboardRow):
    """An organization on a dashboard (its profile with labels in the page's language)."""

    sector_label: str | None
    size_label: str | None
    region_label: str | None


@dataclass(frozen=True)
class OrganizationView:
    """One organization: its profile's labels, rounds with counts; its shares for the owner
    and admins (None for a viewer), and whether the actor may change it."""

    id: int
    name: str
    labels: dict[str, str | None]
    rounds: list[RoundRow]
    shares: list[ShareRow] | None
    can_edit: bool


@dataclass(frozen=True)
class Invitation:
    """An invitation just made: its id, link token (``/a/{token}``), department and when it
    was made."""

    id: int
    token: str
    department: str
    created_at: datetime


@dataclass(frozen=True)
class InvitationRow:
    """An invitation of a round as its facilitator sees it; ``token`` is None once revoked."""

    id: int
    department: str
    status: str
    token: str | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class Revocation:
    """What revoking an invitation drops: the answers given through its link (beyond the
    profile the invitation filled in), and, for a completed one, a respondent of the round's
    result (``completed`` now, ``completed_after`` once revoked)."""

    department: str
    status: str
    answers: int
    completed: int
    completed_after: int


@dataclass(frozen=True)
class DepartmentCount:
    department: str
    label: str
    invited: int
    completed: int
