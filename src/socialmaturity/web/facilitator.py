"""The facilitator's and viewer's pages of organizations: the dashboard, a new organization,
an organization's page (profile, rounds, shares, export, erase). A round's pages are in
``web.rounds``. Thin: ``services.organizations`` checks who may do what (another
facilitator's organization is 404, a viewer's write is 403) and does the work; a page only
hides the controls a viewer may not use."""

from __future__ import annotations

import functools
import inspect
import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ..errors import AnswersError, Message
from ..i18n.catalog import tr
from ..services.accounts import EMAIL_LENGTH, Actor
from ..services.organizations import NAME_LENGTH, PROFILE_FIELDS, read_only
from .deps import CurrentActor, PageLanguage
from .deps import get_organizations as organizations
from .pages import checked_form, download, forbid, page

router = APIRouter(include_in_schema=False)

#: The notices a page may be sent to show (``?notice=``), by key: nothing else is echoed.
NOTICES = {"erased": Message("The organization and all its data were erased."),
           "shared": Message("Shared: they can now see this organization's results."),
           "unshared": Message("The share was removed."),
           "round-closed": Message("The round is closed: it takes no more answers."),
           "revoked": Message("The invitation was revoked: its link no longer works."),
           "targets-saved": Message("The targets were saved.")}


def address(request: Request) -> str | None:
    """The client's address, for the audit log."""
    return request.client.host if request.client else None


def notice(request: Request, lang: str) -> str | None:
    key = request.query_params.get("notice")
    return NOTICES[key].text(lang) if key in NOTICES else None


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def form_post(router: APIRouter, path: str):
    """Register ``work(request, form, ..., lang)`` as the POST of a form at ``path``: the CSRF
    check, then ``work`` in the thread pool (the database work never runs on the event loop).
    The route takes ``work``'s parameters but ``form``."""
    def register(work):
        signature = inspect.signature(work, eval_str=True)

        @functools.wraps(work)
        async def route(request: Request, **params) -> Response:
            form, ok = await checked_form(request)
            if not ok:
                return forbid(request, params["lang"])
            return await run_in_threadpool(work, request, form, **params)

        route.__signature__ = signature.replace(parameters=[  # type: ignore[attr-defined]
            p for p in signature.parameters.values() if p.name != "form"])
        router.post(path)(route)
        return work
    return register


# -- the dashboard and a new organization --------------------------------------------------------


@router.get("/orgs")
def dashboard(request: Request, actor: CurrentActor, lang: PageLanguage) -> Response:
    rows = organizations(request).dashboard(actor, lang)
    return page(request, "orgs.html", lang, organizations=rows,
                writes=actor.creates, notice=notice(request, lang))


@router.get("/orgs/new")
def new_organization(request: Request, actor: CurrentActor, lang: PageLanguage) -> Response:
    return organization_form(request, actor, lang)


def organization_form(request: Request, actor: Actor, lang: str, values: dict | None = None,
                      errors: dict | None = None, status: int = 200) -> Response:
    if not actor.creates:
        return page(request, "error.html", lang, status=403, title=tr(lang, "Not allowed"),
                    message=tr(lang, "A viewer account can read the organizations shared "
                                     "with it, not create one."))
    inst = organizations(request).instrument
    fields = [{"id": qid, "label": inst.text(inst.index.questions[qid].text, lang),
               "options": inst.option_labels(qid, lang)} for qid in PROFILE_FIELDS]
    return page(request, "org_new.html", lang, status=status, fields=fields,
                values=values or {}, errors=errors or {}, name_limit=NAME_LENGTH,
                labels={"name": tr(lang, "Name"), **{f["id"]: f["label"] for f in fields}})


@form_post(router, "/orgs/new")
def create_organization(request: Request, form, actor: CurrentActor,
                        lang: PageLanguage) -> Response:
    values = {k: str(form.get(k) or "") for k in ("name", *PROFILE_FIELDS)}
    try:
        org_id = organizations(request).create(actor, values["name"], values["sector"],
                                               values["size"], values["region"], lang,
                                               labels=True)
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


@form_post(router, "/orgs/{org_id}/rounds")
def create_round(request: Request, form, org_id: int, actor: CurrentActor,
                 lang: PageLanguage) -> Response:
    name = str(form.get("name") or "")
    try:
        round_id = organizations(request).create_round(actor, org_id, name)
    except AnswersError as exc:
        return organization_page(request, org_id, actor, lang, status=422,
                                 errors={"round": exc.problems[0].message_in(lang)},
                                 values={"round": name[:NAME_LENGTH]})
    return redirect(f"/rounds/{round_id}")


@form_post(router, "/orgs/{org_id}/shares")
def share(request: Request, form, org_id: int, actor: CurrentActor,
          lang: PageLanguage) -> Response:
    email = str(form.get("email") or "")
    try:
        organizations(request).share(actor, org_id, email, address(request))
    except AnswersError as exc:
        return organization_page(request, org_id, actor, lang, status=422,
                                 errors={"email": exc.problems[0].message_in(lang)},
                                 values={"email": email[:EMAIL_LENGTH]})
    return redirect(f"/orgs/{org_id}?notice=shared")


@form_post(router, "/orgs/{org_id}/shares/{user_id}/remove")
def unshare(request: Request, form, org_id: int, user_id: int, actor: CurrentActor,
            lang: PageLanguage) -> Response:
    organizations(request).unshare(actor, org_id, user_id, address(request))
    return redirect(f"/orgs/{org_id}?notice=unshared")


@router.get("/orgs/{org_id}/export.json")
def export(request: Request, org_id: int, actor: CurrentActor) -> Response:
    """Everything of the organization as one JSON file (the service logs the export)."""
    return organizations(request).export(actor, org_id, lambda data: download(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), "application/json",
        f"organization-{org_id}.json"), address(request))


@router.get("/orgs/{org_id}/erase")
def erase_confirmation(request: Request, org_id: int, actor: CurrentActor,
                       lang: PageLanguage) -> Response:
    return erase_page(request, org_id, actor, lang)


def erase_page(request: Request, org_id: int, actor: Actor, lang: str, error: str | None = None,
               typed: str = "") -> Response:
    view = organizations(request).get(actor, org_id, lang)
    if not view.can_edit:
        raise read_only("organization")
    return page(request, "org_erase.html", lang, status=422 if error else 200,
                org=view, error=error, typed=typed, name_limit=NAME_LENGTH)


@form_post(router, "/orgs/{org_id}/erase")
def erase(request: Request, form, org_id: int, actor: CurrentActor,
          lang: PageLanguage) -> Response:
    service = organizations(request)
    typed = str(form.get("name") or "")  # a viewer is refused (403) either way below
    if typed != service.get(actor, org_id, lang).name:
        return erase_page(request, org_id, actor, lang, typed=typed[:NAME_LENGTH], error=tr(
            lang, "Type the organization's name exactly as shown to erase it."))
    service.erase(actor, org_id, address(request))
    return redirect("/orgs?notice=erased")
