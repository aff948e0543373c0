"""The JSON API (OpenAPI at /api/docs): create an assessment, put answers, get the result and
the PDF. Answers are checked with the same rules as the command line; a refusal is raised and
answered by the handlers of ``errors`` (422, 404, 503) in one shape."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from ..errors import AnswersError
from ..i18n.catalog import LANGUAGES
from ..reports.result import AssessmentResult
from ..services.respondents import Respondents, missing
from .deps import MessageLanguage, PageLanguage, Service
from .errors import Problems
from .pages import pdf_response

router = APIRouter(prefix="/api")

#: Every route may answer 503 when the database cannot be reached.
OUTAGE: dict = {503: {"model": Problems, "description": "The database cannot be reached."}}

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
             responses={**OUTAGE, 422: {"model": Problems}}, tags=["assessments"])
def create_assessment(body: AssessmentIn, svc: Service, lang: MessageLanguage):
    """Start an assessment, optionally with a first set of answers. Messages are in
    ``?lang=``, else Accept-Language, else English."""
    values = flatten(body)
    if values:
        from ..services.respondents import check_answers

        _, problems = check_answers(svc.instrument, values, lang)
        if problems:
            raise AnswersError(problems)
    token = svc.start(body.organization, body.language)
    if values:
        svc.save(token, values)
    return describe(svc, token)


@router.get("/assessments/{token}", response_model=AssessmentOut,
            responses={**OUTAGE, 404: {"model": Problems}}, tags=["assessments"])
def get_assessment(token: str, svc: Service):
    """The answers so far and what is still missing."""
    return describe(svc, token)


@router.put("/assessments/{token}/answers", response_model=AssessmentOut,
            responses={**OUTAGE, 404: {"model": Problems}, 422: {"model": Problems}},
            tags=["assessments"])
def put_answers(token: str, body: AnswersIn, svc: Service, lang: MessageLanguage):
    """Save answers (all or nothing): 422 names each bad field and what is valid (in
    ``?lang=`` or Accept-Language)."""
    svc.save(token, flatten(body), lang)
    return describe(svc, token)


@router.get("/assessments/{token}/result", response_model=AssessmentResult,
            responses={**OUTAGE, 404: {"model": Problems}, 422: {"model": Problems}},
            tags=["assessments"])
def get_result(token: str, svc: Service, lang: Lang = "en"):
    """The result: scores, stage and the rule that decided it, peers, recommendations."""
    _, result = svc.result(token, lang)
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/assessments/{token}/report.pdf", tags=["assessments"],
            responses={**OUTAGE, 200: {"content": {"application/pdf": {}}},
                       404: {"model": Problems}, 422: {"model": Problems}})
def get_report(token: str, svc: Service, lang: Lang = "en"):
    """The PDF report."""
    return pdf_response(svc, token, lang)


@router.get("/docs", include_in_schema=False)
def docs(lang: PageLanguage) -> HTMLResponse:
    """Swagger UI over /api/openapi.json; without JavaScript, a link to the JSON itself."""
    from html import escape

    from ..i18n.catalog import tr

    back = escape(tr(lang, "Back to the assessment"))
    title = escape(tr(lang, "socialmaturity API"))
    nojs = escape(tr(lang, "This page needs JavaScript to show the interactive documentation. "
                           "The API is described in"))
    return HTMLResponse(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/static/swagger/swagger-ui.css">'
        '<link rel="stylesheet" href="/static/apidocs.css"></head><body>'
        f'<header class="api-head"><a href="/">← {back}</a></header>'
        f'<main><h1 class="visually-hidden">{title}</h1>'
        f'<noscript><p>{nojs} <a href="/api/openapi.json">/api/openapi.json</a> '
        '(OpenAPI 3).</p></noscript>'
        '<div id="swagger-ui" data-openapi="/api/openapi.json"></div></main>'
        '<script src="/static/swagger/swagger-ui-bundle.js"></script>'
        '<script src="/static/swagger/init.js"></script></body></html>',
        headers={"cache-control": "no-store"})
