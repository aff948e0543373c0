"""The JSON API (OpenAPI at /api/docs): create an assessment, put answers, get the result and
the PDF. Answers are checked with the same rules as the command line; a refusal is raised and
answered by the handlers of ``errors`` (422, 404, 503) in one shape."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from ..errors import AnswersError
from ..i18n.catalog import LANGUAGES
from ..reports.result import AssessmentResult
from ..services.respondents import Respondents, check_answers, missing
from .deps import MessageLanguage, PageLanguage, Service
from .errors import Problems
from .pages import pdf_response, render

router = APIRouter(prefix="/api")

#: Every route may answer 503 when the database cannot be reached.
OUTAGE: dict = {503: {"model": Problems, "description": "The database cannot be reached."}}


def refusals(*statuses: int) -> dict:
    """A route's error answers for OpenAPI: the outage and ``statuses``, in the one shape."""
    return {**OUTAGE, **{status: {"model": Problems} for status in statuses}}


Lang = Literal[LANGUAGES]

#: Strict: ``true`` is not the number 1 and ``"3"`` not a number; the scoring rules check
#: the rest and name the field (NaN and infinities included).
AnswerValue = StrictStr | list[StrictStr] | StrictInt | StrictFloat | StrictBool | None


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: dict[str, AnswerValue] = Field(
        default_factory=dict, description="profile question id → option key or text")
    answers: dict[str, AnswerValue] = Field(
        default_factory=dict,
        description="question id → option key, list of keys, number, dont-know or "
                    "not-applicable; null clears an answer")


class AssessmentIn(AnswersIn):
    organization: StrictStr = Field(
        default="", description="at most the organization question's max_length (200)")
    language: Lang = "en"


class Links(BaseModel):
    self: str
    answers: str
    result: str
    report: str
    page: str = Field(description="continue in the browser (the private resume link)")


class AssessmentOut(BaseModel):
    token: str = Field(description="the private resume token: keep it secret")
    organization: str
    language: str
    status: str
    profile: dict[str, Any]
    answers: dict[str, Any]
    missing: list[str] = Field(description="required questions not answered yet")
    links: Links


def describe(svc: Respondents, token: str) -> AssessmentOut:
    respondent, responses = svc.responses(token)
    base = f"/api/assessments/{token}"
    return AssessmentOut(
        token=token, organization=respondent.organization, language=respondent.language,
        status=respondent.status, profile=responses.profile, answers=responses.answers,
        missing=[q.id for q in missing(svc.instrument, responses)],
        links=Links(self=base, answers=f"{base}/answers", result=f"{base}/result",
                    report=f"{base}/report.pdf", page=f"/a/{token}"))


def flatten(body: AnswersIn) -> dict[str, Any]:
    return {**body.profile, **body.answers}


@router.post("/assessments", status_code=201, response_model=AssessmentOut,
             responses=refusals(422), tags=["assessments"])
def create_assessment(body: AssessmentIn, svc: Service, lang: MessageLanguage):
    """Start an assessment, optionally with a first set of answers. Messages are in
    ``?lang=``, else Accept-Language, else English."""
    values = flatten(body)
    if values:
        _, problems = check_answers(svc.instrument, values, lang)
        if problems:
            raise AnswersError(problems)
    token = svc.start(body.organization, body.language)
    if values:
        svc.save(token, values)
    return describe(svc, token)


@router.get("/assessments/{token}", response_model=AssessmentOut,
            responses=refusals(404), tags=["assessments"])
def get_assessment(token: str, svc: Service):
    """The answers so far and what is still missing."""
    return describe(svc, token)


@router.put("/assessments/{token}/answers", response_model=AssessmentOut,
            responses=refusals(404, 422), tags=["assessments"])
def put_answers(token: str, body: AnswersIn, svc: Service, lang: MessageLanguage):
    """Save answers (all or nothing): 422 names each bad field and what is valid (in
    ``?lang=`` or Accept-Language)."""
    svc.save(token, flatten(body), lang)
    return describe(svc, token)


@router.get("/assessments/{token}/result", response_model=AssessmentResult,
            responses=refusals(404, 422), tags=["assessments"])
def get_result(token: str, svc: Service, lang: Lang = "en"):
    """The result: scores, stage and the rule that decided it, peers, recommendations."""
    _, result = svc.result(token, lang)
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/assessments/{token}/report.pdf", tags=["assessments"],
            responses={**refusals(404, 422), 200: {"content": {"application/pdf": {}}}})
def get_report(token: str, svc: Service, lang: Lang = "en"):
    """The PDF report."""
    return pdf_response(svc, token, lang)


@router.get("/docs", include_in_schema=False)
def docs(request: Request, lang: PageLanguage) -> HTMLResponse:
    """Swagger UI over /api/openapi.json; without JavaScript, a link to the JSON itself."""
    return HTMLResponse(render(request, "api_docs.html", lang, forms=False),
                        headers={"cache-control": "no-store"})
