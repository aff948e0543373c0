"""What a route needs, as ``Annotated`` dependency aliases: the assessment service (which
holds the store and the assessor) and the page language::

    @router.get("/a/{token}")
    def resume(token: str, svc: Service, lang: PageLanguage) -> Response: ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..i18n.catalog import LANGUAGES
from ..services.respondents import Respondents

LANG_COOKIE = "sm_lang"


def get_service(request: Request) -> Respondents:
    return request.app.state.respondents


def negotiate(request: Request) -> str:
    """The page language: the ``sm_lang`` cookie, else Accept-Language, else English."""
    chosen = request.cookies.get(LANG_COOKIE)
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
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    return negotiate(request) if request.headers.get("accept-language") else "en"

Service = Annotated[Respondents, Depends(get_service)]
PageLanguage = Annotated[str, Depends(negotiate)]
MessageLanguage = Annotated[str, Depends(message_language)]
