"""The web app's answers to errors, registered once (``register``), one shape for all:

- answers that do not fit (``AnswersError``, any ``SocialMaturityError``) and bodies or
  parameters the API's types refuse (FastAPI's ``RequestValidationError``): 422 with
  ``{"detail": [{"field": …, "message": …}]}``, naming each field (a type error never
  repeats the value, a bad answer at most 80 characters of it: ``errors.shown``);
- an unknown resume token: 404, the same JSON for the API, the not-found page otherwise;
- access (``NotFound`` 404, ``Forbidden`` 403, ``TooManyAttempts`` 429 with ``Retry-After``):
  the JSON shape for the API, a page otherwise; ``Unauthorized``: 401 with
  ``WWW-Authenticate: Bearer`` for the API, for a page a 303 to ``/login?next=<the page>``;
- a database that cannot be reached (``DatabaseUnavailable``): 503 with ``Retry-After``, a
  page or JSON saying so; the log names the database (password masked) and how to check.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from ..errors import (
    Counted,
    DatabaseUnavailable,
    Forbidden,
    Message,
    NotFound,
    Problem,
    SocialMaturityError,
    TooManyAttempts,
    Unauthorized,
    shorten,
)
from ..i18n.catalog import tr
from ..services.respondents import UnknownToken
from .deps import message_language, negotiate

log = logging.getLogger("socialmaturity.web")

#: Seconds a client is asked to wait before trying again when the database is down.
RETRY_AFTER = 30


class FieldProblem(BaseModel):
    field: str
    message: str


class Problems(BaseModel):
    """The body of every 4xx/5xx JSON answer of the API."""

    detail: list[FieldProblem]


def problems_response(problems: list[Problem], status: int = 422, lang: str = "en",
                      **headers: str) -> JSONResponse:
    """The one error shape, each message in ``lang``."""
    body = {"detail": [{"field": p.where, "message": p.message_in(lang)} for p in problems]}
    return JSONResponse(body, status_code=status, headers=headers or None)


def _lang(request: Request) -> str:
    """Messages of the API in ``?lang=`` or Accept-Language; of a page in the page's
    language."""
    return message_language(request) if wants_json(request) else negotiate(request)


def wants_json(request: Request) -> bool:
    """The API, or a client that asks for JSON rather than a page."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept)


#: A step of an error's location that names a member of a union (``str``, ``list[str]``),
#: not a field.
_UNION_MEMBER = re.compile(r"^(str|int|float|bool|none|bytes|[a-z-]+\[.*\])$")
#: What a value should have been, by the type error pydantic names.
_KINDS = {"string_type": Message("text"), "list_type": Message("a list"),
          "int_type": Message("a whole number"), "float_type": Message("a number"),
          "bool_type": Message("true/false"), "int_parsing": Message("a whole number"),
          "int_parsing_size": Message("a whole number"),
          "dict_type": Message("an object of names and values"),
          "model_attributes_type": Message("an object of names and values")}


def _either(kinds: list[Message]) -> Message:
    """``a, b or c`` in the language it is shown in."""
    listed = kinds[0]
    for kind in kinds[1:-1]:
        listed = Message("{items}, {item}", items=listed, item=kind)
    return Message("{items} or {last}", items=listed, last=kinds[-1]) if kinds[1:] else listed


def _said(error: dict) -> Message:
    """What is wrong, in our words (pydantic's own are English only)."""
    kind, ctx = error.get("type"), error.get("ctx") or {}
    if kind == "missing":
        return Message("required")
    if kind == "extra_forbidden":
        return Message("not a field of this request")
    if kind == "literal_error":
        valid = re.split(r",\s*|\s+or\s+", str(ctx.get("expected", "")))
        return Message("must be one of {valid}", valid=", ".join(valid))
    if kind == "json_invalid":
        return Message("not valid JSON (at character {position})", position=error["loc"][-1])
    if kind == "string_too_long":
        return Message("too long: {n} characters; valid: at most {limit}",
                       n=f"{len(error.get('input') or ''):,}", limit=ctx.get("max_length"))
    if kind == "string_too_short":
        return Counted("too short; valid: at least {n} character",
                       "too short; valid: at least {n} characters", ctx.get("min_length", 1))
    if kind == "string_unicode":
        return Message("not valid text (a lone surrogate character); valid: Unicode text")
    return Message("not valid; /api/docs shows what is valid here")


def validation_problems(exc: RequestValidationError) -> list[Problem]:
    """One problem per field the types refuse (a union's members in one line: "expected
    text, a list or a number"), in English and Dutch, without the value sent (it may be huge
    or not even valid text)."""
    kinds: dict[str, list[Message]] = {}
    said: dict[str, list[Message]] = {}
    for error in exc.errors():
        loc = [] if error.get("type") == "json_invalid" else [
            str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        field = shorten(".".join(p for p in loc if not _UNION_MEMBER.match(p)) or "body")
        kind = _KINDS.get(error.get("type"))
        found = (kinds if kind is not None else said).setdefault(field, [])
        message = kind or _said(error)
        if message not in found:
            found.append(message)
    problems = [Problem(field, "expected {kinds}", kinds=_either(k)) for field, k in kinds.items()]
    problems += [Problem(field, m) for field, ms in said.items() for m in ms]
    return problems


#: The status of each access error (any other ``SocialMaturityError`` is 422).
ACCESS_STATUS = {NotFound: 404, Forbidden: 403, Unauthorized: 401, TooManyAttempts: 429}


def register(app: FastAPI) -> None:
    """Install the handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return problems_response(validation_problems(exc), lang=_lang(request))

    @app.exception_handler(UnknownToken)
    async def unknown_token(request: Request, exc: UnknownToken) -> Response:
        if request.url.path.startswith("/api/") or "application/json" in request.headers.get(
                "accept", ""):
            return problems_response([Problem("token", exc.problems[0].message_in(
                message_language(request)))], 404)
        from .pages import render

        return HTMLResponse(render(request, "not_found.html", negotiate(request)),
                            status_code=404)

    for kind in ACCESS_STATUS:
        app.add_exception_handler(kind, access_response)

    @app.exception_handler(SocialMaturityError)
    async def bad_input(request: Request, exc: SocialMaturityError) -> Response:
        return problems_response(exc.problems, lang=_lang(request))

    @app.exception_handler(DatabaseUnavailable)
    async def database_unavailable(request: Request, exc: DatabaseUnavailable) -> Response:
        log.error("database unavailable on %s: %s", request.method, exc.message("en"))
        lang = negotiate(request)
        message = tr(lang, "The assessment is unavailable for a moment: its database cannot "
                           "be reached. The answers you saved are kept. Please try again in a "
                           "few minutes.")
        headers = {"retry-after": str(RETRY_AFTER), "cache-control": "no-store"}
        if wants_json(request):
            return problems_response([Problem("database", message)], 503, lang=lang, **headers)
        from .pages import render

        html = render(request, "error.html", lang, forms=False,
                      title=tr(lang, "Temporarily unavailable"), message=message)
        return HTMLResponse(html, status_code=503, headers=headers)


async def access_response(request: Request, exc: SocialMaturityError) -> Response:
    """The answer to an access error (``ACCESS_STATUS``): JSON for the API, for a page the
    login page (``Unauthorized``), the not-found page or an error page."""
    status = next(code for kind, code in ACCESS_STATUS.items() if isinstance(exc, kind))
    headers = {"retry-after": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) \
        else {}
    if wants_json(request):
        if isinstance(exc, Unauthorized):
            headers["www-authenticate"] = "Bearer"
        return problems_response(exc.problems, status, lang=_lang(request), **headers)
    if isinstance(exc, Unauthorized):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)
    from .pages import page

    lang = negotiate(request)
    message = " ".join(p.message_in(lang) for p in exc.problems)
    if isinstance(exc, NotFound):
        response = page(request, "not_found.html", lang, status=404, message=message)
    else:
        title = tr(lang, "Not allowed") if isinstance(exc, Forbidden) else tr(
            lang, "Too many attempts")
        response = page(request, "error.html", lang, status=status, title=title,
                        message=message)
    response.headers.update(headers)
    return response
