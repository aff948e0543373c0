"""HTML pages: landing, questionnaire sections, review, result, PDF. Thin: the work is done by
``services.respondents``; pages work with plain form posts and get faster with htmx."""

from __future__ import annotations

from collections import OrderedDict
from functools import partial
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ..errors import AnswersError, shorten
from ..i18n.catalog import LANGUAGES, ntr, tr
from ..instrument.model import TEXT_MAX_LENGTH
from ..services.respondents import (
    RESULT_CACHE_SIZE,
    Respondents,
    RoundClosed,
    form_values,
    locked_fields,
    missing,
    scored_progress,
    sections,
)
from ..services.verdict import answer_label
from ..teams.round import DEPARTMENT
from .deps import LANG_COOKIE, PageLanguage, Service, get_service, negotiate, optional_actor
from .errors import wants_json
from .security import (
    CSRF_FIELD,
    CSRF_HEADER,
    csrf_cookie_name,
    csrf_ok,
    local_path,
    new_session_id,
)
from .security import csrf_token as sign_session

router = APIRouter(include_in_schema=False)


def csrf_token(request: Request) -> str:
    """The token for this page's forms and htmx requests: the server's signature of the
    browser's session id (the CSRF cookie, or the new one this response sets), never the
    cookie itself."""
    session = request.cookies.get(csrf_cookie_name(request.url.scheme)) or getattr(
        request.state, "new_csrf", None)
    if not session or len(session) > 100:
        session = request.state.new_csrf = new_session_id()
    return sign_session(request.app.state.csrf_secret, session)


def render(request: Request, template: str, lang: str, *, forms: bool = True, **context) -> str:
    """A page; ``forms=False`` for pages without forms or htmx posts (no CSRF token in them,
    so the HTML is the same for everyone who may see it). A page whose route asked who is
    acting (``deps.OptionalActor``, ``CurrentActor``) shows the account and its logout form
    (a CSRF token then) in the header."""
    env = request.app.state.templates
    actor = getattr(request.state, "actor", None)  # set by the actor dependencies (deps)
    return env.get_template(template).render(
        request=request, lang=lang, t=partial(tr, lang), nt=partial(ntr, lang),
        csrf=csrf_token(request) if forms or actor else "", path=request.url.path,
        languages=LANGUAGES, actor=actor, **context)


def page(request: Request, template: str, lang: str, status: int = 200, **context) -> Response:
    return html_response(request, render(request, template, lang, **context), status)


def html_response(request: Request, html: str, status: int = 200) -> Response:
    response = HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
    new = getattr(request.state, "new_csrf", None)
    if new:
        set_csrf_cookie(request, response, new)
    return response


def set_csrf_cookie(request: Request, response: Response, session: str | None = None) -> None:
    """Give the browser the CSRF session id ``session`` (a new one by default)."""
    response.set_cookie(csrf_cookie_name(request.url.scheme), session or new_session_id(),
                        httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        path="/")


def download(body: bytes | str, media_type: str, name: str) -> Response:
    """A file to save (``name``), never kept by a cache on the way."""
    return Response(body, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{name}"',
                             "cache-control": "no-store"})


def forbid(request: Request, lang: str) -> Response:
    return page(request, "error.html", lang, status=403, title=tr(lang, "Form expired"),
                message=tr(lang, "This form has expired or was sent from another site. Go back, "
                                 "reload the page and try again."))


async def checked_form(request: Request):
    """The form's text fields (uploaded files are dropped: no form here takes one) and
    whether its CSRF token fits the browser's session."""
    sent = await request.form()
    form = FormData([(k, v) for k, v in sent.multi_items() if isinstance(v, str)])
    await sent.close()
    submitted = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    ok = csrf_ok(request.app.state.csrf_secret,
                 request.cookies.get(csrf_cookie_name(request.url.scheme)),
                 submitted if isinstance(submitted, str) else None)
    return form, ok


# -- landing and language -----------------------------------------------------------------------


@router.get("/", dependencies=[Depends(optional_actor)])  # the header shows who is logged in
def landing(request: Request, lang: PageLanguage) -> Response:
    return landing_page(request, lang)


def landing_page(request: Request, lang: str, error: str | None = None,
                 organization: str = "") -> Response:
    svc = get_service(request)
    inst = svc.instrument
    q = inst.index.questions.get("organization")
    return page(request, "landing.html", lang, status=422 if error else 200, offer_login=True,
                inst=inst, panel=svc.assessor.panel, questions=len(inst.scored_questions),
                dimensions=inst.dimensions, error=error, organization=organization,
                org_limit=q.text_limit if q is not None else TEXT_MAX_LENGTH)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    response = RedirectResponse(local_path(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax",
                            path="/")
    return response


@router.post("/start")
async def start(request: Request, lang: PageLanguage, svc: Service) -> Response:
    form, ok = await checked_form(request)
    if not ok:
        return forbid(request, lang)
    organization = form.get("organization") or ""
    try:
        token = await run_in_threadpool(svc.start, str(organization), lang)
    except AnswersError as exc:
        shown = shorten(str(organization), 200).encode("utf-8", "replace").decode("utf-8")
        return landing_page(request, lang, error=exc.problems[0].message_in(lang),
                            organization=shown)
    return RedirectResponse(f"/a/{quote(token)}/s/profile", status_code=303)


# -- the questionnaire --------------------------------------------------------------------------


def progress(svc: Respondents, lang: str, responses) -> tuple[list[dict], int, int]:
    """Answered and asked per section, and the questionnaire's one question count: the scored
    questions (the landing page's number), answered of all."""
    have = responses.profile | responses.answers
    rows = [{"id": s.id, "name": s.name, "asked": len(s.questions),
             "answered": sum(1 for q in s.questions if have.get(q.id) is not None)}
            for s in sections(svc.instrument, lang)]
    return rows, *scored_progress(svc.instrument, responses)


def on_one_scale(inst, questions) -> bool:
    """Several single-choice statements that share their options: shown as one scale."""
    if len(questions) < 2 or any(q.type != "single" for q in questions):
        return False
    return len({(tuple(o.key for o in inst.index.options[q.id]), q.dont_know, q.not_applicable)
                for q in questions}) == 1


@router.get("/a/{token}")
def resume(request: Request, token: str, svc: Service, lang: PageLanguage) -> Response:
    """The private link: a finished assessment (completed, not provisional) opens on its
    result; an unfinished one on the first section with a required question open, else on
    the review."""
    respondent, responses = svc.responses(token)
    if respondent.completed and not svc.provisional(responses):
        return RedirectResponse(f"/a/{quote(token)}/result", status_code=303)
    have = responses.profile | responses.answers
    target = f"/a/{quote(token)}/review"
    for s in sections(svc.instrument, lang):
        if any(q.required and have.get(q.id) is None for q in s.questions):
            target = f"/a/{quote(token)}/s/{s.id}"
            break
    if respondent.invited and not respondent.completed:
        return invitation_page(request, token, respondent, responses, lang, target)
    return RedirectResponse(target, status_code=303)


def locked_values(svc: Respondents, respondent, responses, lang: str) -> dict[str, str]:
    """The profile fields an invitation set (question id → the answer in words), shown as
    text instead of inputs."""
    return {qid: answer_label(svc.instrument, qid, responses.profile.get(qid), lang) or "–"
            for qid in locked_fields(svc.instrument, respondent)}


def invitation_page(request: Request, token: str, respondent, responses, lang: str,
                    start: str) -> Response:
    """An invited respondent's first page: who will see what (the organization, its
    facilitator's e-mail, the smallest department shown), the profile filled in for them."""
    svc = get_service(request)
    inst = svc.instrument
    values = locked_values(svc, respondent, responses, lang)
    invited = {"organization": respondent.organization or tr(lang, "your organization"),
               "facilitator": request.app.state.organizations.facilitator_email(respondent),
               "department": values.get(DEPARTMENT, "–"),
               "k": request.app.state.settings.team_min_group}
    locked = [{"label": inst.text(inst.index.questions[qid].text, lang), "value": value}
              for qid, value in values.items()]
    fresh = not (set(responses.answers) | (set(responses.profile) - set(values)))
    return page(request, "invitation.html", lang, token=token, invited=invited, locked=locked,
                start=start, fresh=fresh, closed=respondent.round_status == "closed")


def section_page(request: Request, token: str, section_id: str, lang: str,
                 errors: dict[str, str] | None = None, values: dict | None = None,
                 status: int = 200) -> Response:
    svc = get_service(request)
    respondent, responses = svc.responses(token)
    have = responses.profile | responses.answers | (values or {})
    all_sections = {s.id: s for s in sections(svc.instrument, lang)}
    if section_id not in all_sections:
        return page(request, "not_found.html", lang, status=404)
    ids = list(all_sections)
    rows, done, total = progress(svc, lang, responses)
    section = all_sections[section_id]
    locked = locked_values(svc, respondent, responses, lang) if section_id == "profile" else {}
    return page(request, "section.html", lang, status=status, token=token,
                respondent=respondent, inst=svc.instrument, section=section,
                locked_values=locked,
                as_scale=section.id == "outcomes" and on_one_scale(svc.instrument,
                                                                   section.questions),
                number=ids.index(section_id) + 1, count_sections=len(ids),
                previous=neighbour(ids, section_id, -1), next=neighbour(ids, section_id, 1),
                values=have, errors=errors or {}, sections=rows, done=done, total=total,
                closed=respondent.round_status == "closed")


def neighbour(ids: list[str], section_id: str, step: int) -> str | None:
    """The section ``step`` away from ``section_id`` (-1 before, 1 after), if any."""
    i = ids.index(section_id) + step
    return ids[i] if 0 <= i < len(ids) else None


@router.get("/a/{token}/s/{section_id}")
def show_section(request: Request, token: str, section_id: str,
                 lang: PageLanguage) -> Response:
    return section_page(request, token, section_id, lang)


@router.post("/a/{token}/s/{section_id}")
async def save_section(request: Request, token: str, section_id: str) -> Response:
    form, ok = await checked_form(request)
    # the database work runs in the thread pool, never on the event loop
    return await run_in_threadpool(save_section_form, request, token, section_id, form, ok)


def save_section_form(request: Request, token: str, section_id: str, form, ok: bool) -> Response:
    lang = negotiate(request)
    svc = get_service(request)
    if not ok:
        svc.find(token)
        return forbid(request, lang)
    all_sections = {s.id: s for s in sections(svc.instrument, lang)}
    if section_id not in all_sections:
        svc.find(token)
        return page(request, "not_found.html", lang, status=404)
    questions = all_sections[section_id].questions
    values = form_values(svc.instrument, questions, form.getlist)
    go = form.get("go")
    try:
        svc.save(token, values, lang, labels=True)
    except RoundClosed:  # the page of a closed round says so in its notice
        return section_page(request, token, section_id, lang, status=422)
    except AnswersError as exc:
        errors = {p.where: p.message_in(lang) for p in exc.problems}
        return section_page(request, token, section_id, lang, errors=errors, values=values,
                            status=422)
    if section_id == "profile" and go != "back":
        # the profile decides the peers: its required fields are needed before moving on
        _, responses = svc.responses(token)
        errors = {q.id: tr(lang, "Choose an answer: it decides which organizations you are "
                                 "compared with.")
                  for q in questions if q.required and responses.profile.get(q.id) is None}
        if errors:
            return section_page(request, token, section_id, lang, errors=errors, status=422)
    ids = list(all_sections)
    to = {"back": -1, "next": 1}
    target = neighbour(ids, section_id, to[go]) if go in to else (go if go in ids else None)
    return RedirectResponse(f"/a/{quote(token)}/" + (f"s/{target}" if target else "review"),
                            status_code=303)


@router.post("/a/{token}/answer")
async def save_answer(request: Request, token: str) -> Response:
    """One question's answer, sent by htmx when it changes; answers with a status fragment."""
    form, ok = await checked_form(request)
    return await run_in_threadpool(save_answer_form, request, token, form, ok)


def save_answer_form(request: Request, token: str, form, ok: bool) -> Response:
    lang = negotiate(request)
    svc = get_service(request)
    if not ok:
        svc.find(token)
        return HTMLResponse(tr(lang, "Not saved: reload the page."), status_code=403)
    q = svc.instrument.index.questions.get(str(form.get("question") or ""))
    if q is None:
        svc.find(token)
        return HTMLResponse(tr(lang, "Not saved: unknown question."), status_code=422)
    try:
        svc.save(token, form_values(svc.instrument, [q], form.getlist), lang, labels=True)
    except AnswersError as exc:
        return HTMLResponse(render(request, "_answer.html", lang,
                                   error=exc.problems[0].message_in(lang), sections=None),
                            status_code=422)
    # the progress bar and the section's count, swapped out of band (live progress)
    rows, done, total = progress(svc, lang, svc.responses(token)[1])
    here = svc.instrument.index.section.get(q.id)
    return HTMLResponse(render(request, "_answer.html", lang, error=None, done=done,
                               total=total, sections=[r for r in rows if r["id"] == here]))


@router.get("/a/{token}/review")
def review(request: Request, token: str, svc: Service, lang: PageLanguage) -> Response:
    inst = svc.instrument
    respondent, responses = svc.responses(token)
    have = responses.profile | responses.answers
    gaps = missing(inst, responses)
    rows, done, total = progress(svc, lang, responses)
    listed = [{"id": s.id, "name": s.name,
               "answers": [{"id": q.id, "text": inst.text(q.text, lang),
                            "answer": answer_label(inst, q.id, have.get(q.id), lang),
                            "required": q.required} for q in s.questions]}
              for s in sections(inst, lang)]
    profile_missing = [q for q in gaps if inst.index.section[q.id] == "profile"]
    first_gap = next((s["id"] for s in listed
                      if any(a["answer"] is None and a["required"] for a in s["answers"])), None)
    return page(request, "review.html", lang, token=token, inst=inst, listed=listed,
                gaps=total - done, sections=rows, done=done, total=total,
                few=done < total / 2, first_gap=first_gap,
                profile_missing=profile_missing, respondent=respondent,
                closed=respondent.round_status == "closed")


@router.post("/a/{token}/complete")
async def complete(request: Request, token: str) -> Response:
    _, ok = await checked_form(request)
    return await run_in_threadpool(complete_form, request, token, ok)


def complete_form(request: Request, token: str, ok: bool) -> Response:
    svc = get_service(request)
    svc.find(token)  # an unknown link is 404 before a stale form is 403
    lang = negotiate(request)
    if not ok:
        return forbid(request, lang)
    try:
        svc.complete(token)
    except RoundClosed as exc:
        return page(request, "error.html", lang, status=422, title=tr(lang, "Round closed"),
                    message=exc.problems[0].message_in(lang))
    return RedirectResponse(f"/a/{quote(token)}/result", status_code=303)


# -- the result ---------------------------------------------------------------------------------


@router.get("/a/{token}/result")
def result(request: Request, token: str, svc: Service, lang: PageLanguage) -> Response:
    try:
        respondent, res = svc.result(token, lang)
    except AnswersError:
        if wants_json(request):
            raise  # 422 in the API's shape (errors.py)
        return RedirectResponse(f"/a/{quote(token)}/review", status_code=303)
    if wants_json(request):
        return Response(res.model_dump_json(), media_type="application/json",
                        headers={"vary": "Accept"})
    key = (respondent.respondent_id, respondent.updated_at, lang, str(request.base_url))
    html = _PAGES.get(key)
    if html is None:
        from ..reports import charts, charts_narrow

        # every chart twice: wide, and narrow for phones (the page's CSS shows one)
        html = render(request, "result.html", lang, forms=False, token=token, r=res,
                      respondent=respondent, radar=charts.radar_svg(res),
                      bars=charts_narrow.dimension_bars_svg(res),
                      distribution=charts.distribution_svg(res),
                      distribution_narrow=charts.distribution_svg(
                          res, id_prefix="sm-distribution-narrow", width=320),
                      ladder=charts.stage_ladder_svg(res),
                      ladder_narrow=charts_narrow.stage_ladder_vertical_svg(res))
        _PAGES[key] = html
        while len(_PAGES) > RESULT_CACHE_SIZE:
            _PAGES.popitem(last=False)
    else:
        _PAGES.move_to_end(key)  # least recently used goes first
    response = html_response(request, html)
    response.headers["vary"] = "Accept"
    return response


#: Rendered result pages per (respondent, last answer, language, address): like the results
#: themselves (``Respondents.result``), a page only changes when an answer does. An LRU cache
#: of at most ``RESULT_CACHE_SIZE`` pages (each a few tens of kB: every text in it is bounded).
_PAGES: OrderedDict = OrderedDict()


@router.get("/a/{token}/report.pdf")
def report(token: str, svc: Service, lang: PageLanguage) -> Response:
    return pdf_response(svc, token, lang)


def pdf_response(svc: Respondents, token: str, lang: str) -> Response:
    """The PDF report; unfinished answers raise ``AnswersError`` (422 JSON, errors.py)."""
    from ..reports.pdf import render_pdf

    respondent, res = svc.result(token, lang)
    pdf = render_pdf(res, organization=res.profile.get("organization") or respondent.organization
                     or None)
    return download(pdf, "application/pdf", tr(lang, "social-maturity-report.pdf"))
