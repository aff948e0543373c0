"""The JSON API of team rounds, for a facilitator's API token (``Authorization: Bearer
TOKEN``): organizations, their rounds, invitations, the organization's result of a round. The
access rules are the service's (``services.organizations``): another facilitator's
organization is 404, a viewer's write 403, no token 401. A respondent completes their own
assessment with their link's token (no account)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ..i18n.catalog import LANGUAGES
from ..reports.result import AssessmentResult
from ..reports.team import TeamOut
from ..storage.tables import NAME_LENGTH, PROFILE_LENGTH
from .api import OUTAGE, AssessmentOut, describe
from .deps import ApiActor, OrganizationService, Service
from .errors import Problems

router = APIRouter(prefix="/api")

Lang = Literal[LANGUAGES]

#: The answers of a route that needs an API token.
TOKEN: dict = {**OUTAGE, 401: {"model": Problems, "description": "No valid API token."}}
#: ... and reads an organization a token may not see (another facilitator's: 404).
READ: dict = {**TOKEN, 404: {"model": Problems,
                             "description": "No such organization or round, or not yours."}}
#: ... and changes it (a viewer's token: 403; bad input: 422).
WRITE: dict = {**READ, 403: {"model": Problems, "description": "A viewer cannot change it."},
               422: {"model": Problems}}


def _option_key(question: str):
    return Field(max_length=PROFILE_LENGTH,
                 description=f"option key of the profile question {question}")


class OrganizationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "Acme Retail", "sector": "retail", "size": "250-999", "region": "emea"}]})
    name: StrictStr = Field(min_length=1, max_length=NAME_LENGTH)
    sector: StrictStr = _option_key("sector")
    size: StrictStr = _option_key("size")
    region: StrictStr = _option_key("region")


class Created(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": 12}]})
    id: int


class OrganizationOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": 12, "name": "Acme Retail", "sector": "retail", "size": "250-999",
        "region": "emea", "rounds": 2, "latest_round": "2026 Q4", "latest_status": "open",
        "invited": 9, "completed": 6}]})
    id: int
    name: str
    sector: str | None
    size: str | None
    region: str | None
    rounds: int
    latest_round: str | None
    latest_status: str | None = Field(description="open or closed")
    invited: int = Field(description="invitations of the latest round (not revoked)")
    completed: int = Field(description="of them, completed")


class RoundIn(BaseModel):
    model_config = ConfigDict(extra="forbid",
                              json_schema_extra={"examples": [{"name": "2026 Q4"}]})
    name: StrictStr = Field(min_length=1, max_length=NAME_LENGTH)


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"department": "customer-service", "language": "nl"}]})
    department: StrictStr = _option_key("department")
    language: Lang = Field("en", description="the language the respondent answers in")


class InvitationOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": 31, "department": "customer-service", "status": "open",
        "token": "q3Yk7mJ0bH1dQ2a9c0xN5s6t7u8v9w0x1y2z3A4B5C6",
        "url": "https://example.org/a/q3Yk7mJ0bH1dQ2a9c0xN5s6t7u8v9w0x1y2z3A4B5C6",
        "created_at": "2026-10-01T09:30:00Z", "completed_at": None}]})
    id: int
    department: str
    status: str = Field(description="open, completed or revoked")
    token: str | None = Field(description="the respondent's private link token; null once "
                                          "revoked")
    url: str | None = Field(description="the link to send the respondent")
    created_at: datetime
    completed_at: datetime | None = None


class RoundResultOut(AssessmentResult, TeamOut):
    """The organization's result of the round (the CLI result schema, as `socialmaturity team
    --format json` prints it): the normal result with the team section's fields added."""


def _url(request: Request, token: str | None) -> str | None:
    return f"{str(request.base_url).rstrip('/')}/a/{token}" if token else None


@router.get("/organizations", response_model=list[OrganizationOut], responses=TOKEN,
            tags=["organizations"])
def list_organizations(actor: ApiActor, orgs: OrganizationService):
    """The caller's dashboard: organizations they own (a facilitator), that are shared with
    them (a viewer), or all (an admin)."""
    return [OrganizationOut(**{k: getattr(s, k) for k in OrganizationOut.model_fields})
            for s in orgs.dashboard(actor)]


@router.post("/organizations", status_code=201, response_model=Created,
             responses={**TOKEN, 403: WRITE[403], 422: WRITE[422]}, tags=["organizations"])
def create_organization(body: OrganizationIn, actor: ApiActor, orgs: OrganizationService):
    """Create an organization (the caller, a facilitator, owns it). Sector, size and region
    are option keys of the instrument's profile questions; 422 names a wrong one and the
    valid keys."""
    return Created(id=orgs.create(actor, body.name, body.sector, body.size, body.region))


@router.post("/organizations/{org_id}/rounds", status_code=201, response_model=Created,
             responses=WRITE, tags=["rounds"])
def create_round(org_id: int, body: RoundIn, actor: ApiActor, orgs: OrganizationService):
    """Open a new round of the organization (on the instrument version in use)."""
    return Created(id=orgs.create_round(actor, org_id, body.name))


@router.post("/rounds/{round_id}/invitations", status_code=201, response_model=InvitationOut,
             responses=WRITE, tags=["rounds"])
def invite(round_id: int, body: InvitationIn, request: Request, actor: ApiActor,
           orgs: OrganizationService):
    """Invite a respondent of a department: the link (``url``) opens their assessment with
    the organization's profile filled in. 422 for an unknown department or a closed round."""
    made = orgs.invite(actor, round_id, body.department, body.language)
    return InvitationOut(id=made.id, department=made.department, status="open",
                         token=made.token, url=_url(request, made.token),
                         created_at=made.created_at)


@router.get("/rounds/{round_id}/invitations", response_model=list[InvitationOut],
            responses={**READ, 403: WRITE[403]}, tags=["rounds"])
def list_invitations(round_id: int, request: Request, actor: ApiActor,
                     orgs: OrganizationService):
    """The round's invitations with their links and status (the owner and admins only)."""
    return [InvitationOut(id=i.id, department=i.department, status=i.status, token=i.token,
                          url=_url(request, i.token), created_at=i.created_at,
                          completed_at=i.completed_at)
            for i in orgs.invitations(actor, round_id)]


@router.get("/rounds/{round_id}/result", response_model=RoundResultOut,
            responses={**READ, 422: WRITE[422]}, tags=["rounds"])
def round_result(round_id: int, actor: ApiActor, orgs: OrganizationService, lang: Lang = "en"):
    """The organization's result of the round from its completed respondents (roll-up rule:
    README, "Team assessments"), with ``respondents`` (count), ``departments`` (only groups
    of at least ``team-min-group``), ``agreement`` per dimension, the largest disagreements,
    progress since the previous round and the targets. 422 while nobody has completed."""
    found = orgs.round_result(actor, round_id, lang)
    return Response(found.to_json(indent=None), media_type="application/json")


@router.post("/assessments/{token}/complete", response_model=AssessmentOut,
             responses={**OUTAGE, 404: {"model": Problems}, 422: {"model": Problems}},
             tags=["assessments"])
def complete(token: str, svc: Service, orgs: OrganizationService):
    """Mark the assessment of this private link complete (no API token: the link is the
    key). 422 names every required question still unanswered, or says the round is closed."""
    orgs.complete(token)
    return describe(svc, token)
