"""The web app: ``create_app`` builds it from settings; routes live in ``pages`` and ``api``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..benchmark.peers import DEFAULT_MIN_GROUP_SIZE
from ..errors import shorten
from ..i18n.catalog import LANGUAGES, number, tr
from ..services.assessment import make_assessor
from ..services.respondents import Respondents, UnknownToken
from .security import SecurityMiddleware

LANG_COOKIE = "sm_lang"
WEB = Path(str(resources.files("socialmaturity.web")))
FONTS = Path(str(resources.files("socialmaturity"))) / "fonts"


@dataclass
class WebSettings:
    database_url: str
    instrument: str | None = None
    panel: str | None = None
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE


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


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(str(WEB / "templates")),
                      autoescape=select_autoescape(["html", "xml"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["number"] = number
    return env


def create_app(settings: WebSettings, assessor=None) -> FastAPI:
    """The app on a migrated database. ``assessor`` may be given to share one instrument and
    benchmark panel between several apps (the tests do)."""
    from ..storage.database import make_engine, upgrade
    from ..storage.repository import AssessmentStore

    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    if assessor is None:
        assessor = make_assessor(settings.instrument, settings.panel, settings.min_group_size)
    assessor.index  # build the peer index before the first request  # noqa: B018

    app = FastAPI(title="socialmaturity", version=_version(), docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Take the Social Maturity Assessment through JSON: create an "
                              "assessment, put answers, get the result and the PDF report.")
    store = AssessmentStore(engine)
    app.state.respondents = Respondents(store, assessor)
    app.state.csrf_secret = store.server_secret("csrf")
    app.state.templates = templates()
    app.add_middleware(SecurityMiddleware)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    if FONTS.is_dir():
        app.mount("/fonts", StaticFiles(directory=str(FONTS)), name="fonts")

    from . import api, pages

    app.include_router(pages.router)
    app.include_router(api.router)

    @app.exception_handler(UnknownToken)
    async def unknown_token(request: Request, exc: UnknownToken):
        if request.url.path.startswith("/api/") or "application/json" in request.headers.get(
                "accept", ""):
            return JSONResponse({"detail": [{"field": "token", "message": str(exc.problems[0].
                                                                               message)}]},
                                status_code=404)
        lang = negotiate(request)
        return HTMLResponse(pages.render(request, "not_found.html", lang), status_code=404)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        """A body or parameter the API's types refuse: 422 in the API's shape, naming each
        field, without repeating the value sent (it may be huge or not even valid text)."""
        detail, seen = [], set()
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
            field = shorten(".".join(loc) or "body")
            if field in seen:  # one line per field, not one per member of a union
                continue
            seen.add(field)
            detail.append({"field": field, "message": shorten(str(error.get("msg", "invalid")),
                                                              200)})
        return JSONResponse({"detail": detail}, status_code=422)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True}

    app.state.tr = tr
    return app


def _version() -> str:
    from .. import __version__

    return __version__
