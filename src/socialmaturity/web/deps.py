"""What a route needs, as ``Annotated`` dependency aliases: the assessment service (which
holds the store and the assessor), the page language, and who is acting::

    @router.get("/orgs")
    def dashboard(actor: CurrentActor, svc: Service, lang: PageLanguage) -> Response: ...

``CurrentActor`` is the account of the page's session cookie (none: ``Unauthorized``, which
sends a page to the login page); ``OptionalActor`` the same or ``None``; ``ApiActor`` the
account of the ``Authorization: Bearer TOKEN`` header (none: 401). Each puts the actor on
``request.state.actor``, where the page header finds it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..errors import Problem, Unauthorized
from ..i18n.catalog import LANGUAGES
from ..services.accounts import Accounts, Actor
from ..services.organizations import Organizations
from ..services.respondents import Respondents

LANG_COOKIE = "sm_lang"


def get_service(request: Request) -> Respondents:
    return request.app.state.respondents


def _asked(request: Request) -> str | None:
    """The language of ``?lang=`` when it is one of ours."""
    asked = request.query_params.get("lang")
    return asked if asked in LANGUAGES else None


def negotiate(request: Request) -> str:
    """The page language: ``?lang=`` (for this page only, as in a link to a Dutch PDF), else
    the ``sm_lang`` cookie, else Accept-Language, else English."""
    chosen = _asked(request) or request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    best, best_q = "en", -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower()[:2]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang in LANGUAGES and q > best_q:
            best, best_q = lang, q
    return best


def message_language(request: Request) -> str:
    """The language of the API's messages: ``?lang=``, else Accept-Language, else English
    (no cookie: an API client says what it wants)."""
    return _asked(request) or (negotiate(request) if request.headers.get("accept-language")
                               else "en")


def get_organizations(request: Request) -> Organizations:
    return request.app.state.organizations


def get_accounts(request: Request) -> Accounts:
    return request.app.state.accounts


def session_cookie_name(scheme: str) -> str:
    """``__Host-sm_session`` over HTTPS (browsers refuse it from a subdomain or without
    ``Secure`` and ``Path=/``), ``sm_session`` otherwise."""
    return "__Host-sm_session" if scheme == "https" else "sm_session"


def session_token(request: Request) -> str | None:
    return request.cookies.get(session_cookie_name(request.url.scheme))


def optional_actor(request: Request) -> Actor | None:
    """The account of the request's session cookie; ``None`` without a valid session (no
    query without a cookie)."""
    token = session_token(request)
    actor = get_accounts(request).session_actor(token) if token else None
    request.state.actor = actor
    return actor


def current_actor(request: Request) -> Actor:
    """The account of the request's session cookie; ``Unauthorized`` without one."""
    actor = optional_actor(request)
    if actor is None:
        raise Unauthorized(Problem("session", "Log in to see this page."))
    return actor


def api_actor(request: Request) -> Actor:
    """The account of the ``Authorization: Bearer TOKEN`` header; ``Unauthorized`` (401)
    when it is missing or no active account has that token."""
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    accounts = get_accounts(request)
    actor = accounts.token_actor(bearer.strip()) if scheme.lower() == "bearer" else None
    if actor is None:
        raise Unauthorized(Problem("authorization", "Send a valid API token: Authorization: "
                                                    "Bearer TOKEN (socialmaturity users "
                                                    "token EMAIL makes one)."))
    request.state.actor = actor
    return actor


def _read(get):
    """``get`` as an ``async def`` dependency: it only reads the request, and FastAPI runs a
    plain ``def`` dependency in its thread pool (a thread hop per dependency and request).
    The actors stay plain: they query the database."""
    async def dependency(request: Request):
        return get(request)

    return Depends(dependency)


Service = Annotated[Respondents, _read(get_service)]
AccountsService = Annotated[Accounts, Depends(get_accounts)]
OrganizationService = Annotated[Organizations, Depends(get_organizations)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]
ApiActor = Annotated[Actor, Depends(api_actor)]
PageLanguage = Annotated[str, _read(negotiate)]
MessageLanguage = Annotated[str, _read(message_language)]
