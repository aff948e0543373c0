"""Logging in and out: ``GET /login`` (the form), ``POST /login``, ``POST /logout``. Thin: the
work is done by ``services.accounts``.

The session lives in the database (every server process on it knows it); the browser holds
its token in the ``sm_session`` cookie (``__Host-sm_session`` over HTTPS): HttpOnly,
SameSite=Lax, Secure over HTTPS, for ``session-hours``. Both forms carry the CSRF token of
``web.security``. After a login the browser goes to ``next`` when that is a path on this site,
else to ``/orgs``; a refused login shows one message whatever the reason (422), too many
failed logins a page with ``Retry-After`` (429). A login ends the session the browser held
before (if any) and gives it a new CSRF session id, so that nothing from before the login
(a planted cookie, a form token) carries over into the account's session.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ..errors import TooManyAttempts
from ..services.accounts import LoginRefused
from .deps import AccountsService, OptionalActor, PageLanguage, session_cookie_name
from .deps import session_token as cookie_token
from .pages import checked_form, forbid, page, set_csrf_cookie
from .security import local_path

router = APIRouter(include_in_schema=False)

#: Where a login goes without a ``next``: the facilitator's dashboard.
AFTER_LOGIN = "/orgs"


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: the forwarded one,
    uvicorn's ``proxy_headers``)."""
    return request.client.host if request.client else "unknown"


def login_page(request: Request, lang: str, next: str, *, status: int = 200,
               error: str | None = None, email: str = "") -> Response:
    return page(request, "login.html", lang, status=status, next=next, error=error,
                email=email)


@router.get("/login")
def show_login(request: Request, lang: PageLanguage, actor: OptionalActor,
               next: str = AFTER_LOGIN) -> Response:
    """The login form; with a valid session already, straight on to ``next``."""
    target = local_path(next, AFTER_LOGIN)
    if actor is not None:
        return RedirectResponse(target, status_code=303)
    return login_page(request, lang, target)


@router.post("/login")
async def log_in(request: Request, lang: PageLanguage, accounts: AccountsService) -> Response:
    form, ok = await checked_form(request)
    target = local_path(form.get("next"), AFTER_LOGIN)
    if not ok:
        return forbid(request, lang)
    email = str(form.get("email") or "")[:300]
    password = str(form.get("password") or "")
    try:
        token, _ = await run_in_threadpool(accounts.login, email, password,
                                           client_address(request))
    except LoginRefused as exc:
        return login_page(request, lang, target, status=422, email=email,
                          error=exc.problems[0].message_in(lang))
    except TooManyAttempts as exc:
        response = login_page(request, lang, target, status=429, email=email,
                              error=exc.problems[0].message_in(lang))
        response.headers["retry-after"] = str(exc.retry_after)
        return response
    address = client_address(request)
    if cookie_token(request):
        await run_in_threadpool(accounts.logout, cookie_token(request), address)
    response = RedirectResponse(target, status_code=303)
    https = request.url.scheme == "https"
    response.set_cookie(session_cookie_name(request.url.scheme), token,
                        max_age=int(accounts.session_lifetime.total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=https)
    set_csrf_cookie(request, response)
    return response


@router.post("/logout")
async def log_out(request: Request, lang: PageLanguage, accounts: AccountsService) -> Response:
    _, ok = await checked_form(request)
    if not ok:
        return forbid(request, lang)
    await run_in_threadpool(accounts.logout, cookie_token(request), client_address(request))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(session_cookie_name(request.url.scheme), path="/", httponly=True,
                           samesite="lax", secure=request.url.scheme == "https")
    return response
