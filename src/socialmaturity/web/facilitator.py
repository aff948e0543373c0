"""The facilitator's and viewer's pages of organizations: the dashboard, a new organization,
an organization's page (profile, rounds, shares, export, erase). A round's pages are in
``web.rounds``. Thin: ``services.organizations`` checks who may do what (another
facilitator's organization is 404, a viewer's write is 403) and does the work; a page only
hides the controls a viewer may not use."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ..errors import AnswersError, Forbidden, Problem
from ..i18n.catalog import tr
from ..services.accounts import EMAIL_LENGTH, Actor
from ..services.organizations import NAME_LENGTH, Organizations
from .deps import CurrentActor, PageLanguage
from .pages import checked_form, download, forbid, page

router = APIRouter(include_in_schema=False)

#: The organization's profile fields a facilitator chooses, as the instrument's profile
#: questions name them.
PROFILE_FIELDS = ("sector", "size", "region")
#: The notices a page may be sent to show (``?notice=``), by key: nothing else is echoed.
NOTICES = {"erased": "The organization and all its data were erased.",
           "shared": "Shared: they can now see this organization's results.",
           "unshared": "The share was removed.",
           "round-closed": "The round is closed: it takes no more answers.",
           "targets-saved": "The targets were saved."}


def organizations(request: Request) -> Organizations:
    """The organizations service of the app."""
    return request.app.state.organizations


def creates(actor: Actor) -> bool:
    """Whether the actor may create organizations (a viewer only reads)."""
    return actor.role in ("facilitator", "admin")


def address(request: Request) -> str | None:
    """The client's address, for the audit log."""
    return request.client.host if request.client else None


def notice(request: Request, lang: str) -> str | None:
    key = request.query_params.get("notice")
    return tr(lang, NOTICES[key]) if key in NOTICES else None


def profile_options(request: Request, lang: str) -> list[dict]:
    """The organization's profile questions with their options, for the new-organization
    form's selects."""
    inst = organizations(request).instrument
    return [{"id": qid, "label": inst.text(inst.index.questions[qid].text, lang),
             "options": inst.option_labels(qid, lang)} for qid in PROFILE_FIELDS]


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# -- the dashboard and a new organization --------------------------------------------------------


@router.get("/orgs")
def dashboard(request: Request, actor: CurrentActor, lang: PageLanguage) -> Response:
    rows = organizations(request).dashboard(actor, lang)
    return page(request, "orgs.html", lang, organizations=rows,
                writes=creates(actor), notice=notice(request, lang))


@router.get("/orgs/new")
def new_organization(request: Request, actor: CurrentActor, lang: PageLanguage) -> Response:
    return organization_form(request, actor, lang)


def organization_form(request: Request, actor: Actor, lang: str, values: dict | None = None,
                      errors: dict | None = None, status: int = 200) -> Response:
    if not creates(actor):
        return page(request, "error.html", lang, status=403, title=tr(lang, "Not allowed"),
                    message=tr(lang, "A viewer account can read the organizations shared "
                                     "with it, not create one."))
    return page(request, "org_new.html", lang, status=status,
                fields=profile_options(request, lang), values=values or {},
                errors=errors or {}, name_limit=NAME_LENGTH)


@router.post("/orgs/new")
async def create_organization(request: Request, actor: CurrentActor,
                              lang: PageLanguage) -> Response:
    form, ok = await checked_form(request)
    if not ok:
        return forbid(request, lang)
    values = {k: str(form.get(k) or "") for k in ("name", *PROFILE_FIELDS)}
    try:
        org_id = await run_in_threadpool(organizations(request).create, actor,
                                         values["name"], values["sector"], values["size"],
                                         values["region"])
    except AnswersError as exc:
        errors = {p.where: p.message_in(lang) for p in exc.problems}
        values["name"] = values["name"][:NAME_LENGTH]
        return organization_form(request, actor, lang, values, errors, status=422)
    return redirect(f"/orgs/{org_id}")


# -- an organization ------------------------------------------------------------------------------


@router.get("/orgs/{org_id}")
def organization(request: Request, org_id: int, actor: CurrentActor,
                 lang: PageLanguage) -> Response:
    return organization_page(request, org_id, actor, lang)


def organization_page(request: Request, org_id: int, actor: Actor, lang: str,
                      errors: dict | None = None, values: dict | None = None,
                      status: int = 200) -> Response:
    view = organizations(request).get(actor, org_id, lang)
    return page(request, "org.html", lang, status=status, org=view,
                writes=view.can_edit, errors=errors or {}, values=values or {},
                notice=notice(request, lang), round_limit=NAME_LENGTH,
                email_limit=EMAIL_LENGTH)


async def form_post(request: Request, lang: str, work, *args) -> Response:
    """A form's POST: the CSRF check, then ``work(request, form, *args)`` in the thread
    pool (the database work never runs on the event loop)."""
    form, ok = await checked_form(request)
    if not ok:
        return forbid(request, lang)
    return await run_in_threadpool(work, request, form, *args)


@router.post("/orgs/{org_id}/rounds")
async def create_round(request: Request, org_id: int, actor: CurrentActor,
                       lang: PageLanguage) -> Response:
    return await form_post(request, lang, _create_round, org_id, actor, lang)


def _create_round(request: Request, form, org_id: int, actor: Actor, lang: str) -> Response:
    name = str(form.get("name") or "")
    try:
        round_id = organizations(request).create_round(actor, org_id, name)
    except AnswersError as exc:
        return organization_page(request, org_id, actor, lang, status=422,
                                 errors={"round": exc.problems[0].message_in(lang)},
                                 values={"round": name[:NAME_LENGTH]})
    return redirect(f"/rounds/{round_id}")


@router.post("/orgs/{org_id}/shares")
async def share(request: Request, org_id: int, actor: CurrentActor,
                lang: PageLanguage) -> Response:
    return await form_post(request, lang, _share, org_id, actor, lang)


def _share(request: Request, form, org_id: int, actor: Actor, lang: str) -> Response:
    email = str(form.get("email") or "")
    try:
        organizations(request).share(actor, org_id, email, address(request))
    except AnswersError as exc:
        return organization_page(request, org_id, actor, lang, status=422,
                                 errors={"email": exc.problems[0].message_in(lang)},
                                 values={"email": email[:EMAIL_LENGTH]})
    return redirect(f"/orgs/{org_id}?notice=shared")


@router.post("/orgs/{org_id}/shares/{user_id}/remove")
async def unshare(request: Request, org_id: int, user_id: int, actor: CurrentActor,
                  lang: PageLanguage) -> Response:
    return await form_post(request, lang, _unshare, org_id, user_id, actor)


def _unshare(request: Request, form, org_id: int, user_id: int, actor: Actor) -> Response:
    organizations(request).unshare(actor, org_id, user_id, address(request))
    return redirect(f"/orgs/{org_id}?notice=unshared")


@router.get("/orgs/{org_id}/export.json")
def export(request: Request, org_id: int, actor: CurrentActor) -> Response:
    """Everything of the organization as one JSON file (the service logs the export)."""
    data = organizations(request).export(actor, org_id, address(request))
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return download(body, "application/json", f"organization-{org_id}.json")


@router.get("/orgs/{org_id}/erase")
def erase_confirmation(request: Request, org_id: int, actor: CurrentActor,
                       lang: PageLanguage) -> Response:
    return erase_page(request, org_id, actor, lang)


def erase_page(request: Request, org_id: int, actor: Actor, lang: str, error: str | None = None,
               typed: str = "") -> Response:
    view = organizations(request).get(actor, org_id, lang)
    if not view.can_edit:
        raise_forbidden()
    return page(request, "org_erase.html", lang, status=422 if error else 200,
                org=view, error=error, typed=typed, name_limit=NAME_LENGTH)


def raise_forbidden():
    raise Forbidden(Problem("organization", "this organization is shared with you to read; "
                                            "only its facilitator can change it"))


@router.post("/orgs/{org_id}/erase")
async def erase(request: Request, org_id: int, actor: CurrentActor,
                lang: PageLanguage) -> Response:
    return await form_post(request, lang, _erase, org_id, actor, lang)


def _erase(request: Request, form, org_id: int, actor: Actor, lang: str) -> Response:
    service = organizations(request)
    view = service.get(actor, org_id, lang)
    typed = str(form.get("name") or "")
    if not view.can_edit:
        raise_forbidden()
    if typed != view.name:
        return erase_page(request, org_id, actor, lang, typed=typed[:NAME_LENGTH], error=tr(
            lang, "Type the organization's name exactly as shown to erase it."))
    service.erase(actor, org_id, address(request))
    return redirect("/orgs?notice=erased")
