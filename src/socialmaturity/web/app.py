"""The web app: ``create_app`` builds it from the settings; routes live in ``pages``, ``auth``
(login, logout), ``facilitator`` and ``rounds`` (the organizations' pages), ``api`` and
``team_api``, what they depend on in ``deps``, the answers to errors in ``errors``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from ..core.settings import Settings
from ..i18n.catalog import language_name, number
from ..services import database
from ..services.assessment import make_assessor
from ..services.organizations import Organizations
from ..services.respondents import Respondents
from . import errors
from .security import SecurityMiddleware

WEB = Path(str(resources.files("socialmaturity.web")))
FONTS = Path(str(resources.files("socialmaturity"))) / "fonts"


def create_app(settings: Settings, assessor=None) -> FastAPI:
    """The app on the settings' database, migrated first. ``assessor`` may be given to share
    one instrument and benchmark panel between several apps (the tests do)."""
    store = database.open_store(settings)
    if assessor is None:
        assessor = make_assessor(settings.instrument, settings.panel, settings.min_group_size)
    assessor.index  # build the peer index before the first request  # noqa: B018

    app = FastAPI(title="socialmaturity", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Take the Social Maturity Assessment through JSON: create an "
                              "assessment, put answers, get the result and the PDF report; "
                              "with an API token (Authorization: Bearer TOKEN), run team "
                              "rounds: organizations, rounds, invitations, the organization's "
                              "result.")
    app.state.settings = settings
    app.state.respondents = Respondents(store, assessor)
    app.state.accounts = database.open_accounts(settings, store)
    app.state.organizations = Organizations(store, assessor, app.state.accounts,
                                            min_group=settings.team_min_group)
    app.state.csrf_secret = store.server_secret("csrf")
    app.state.templates = Environment(loader=FileSystemLoader(str(WEB / "templates")),
                                      autoescape=select_autoescape(["html", "xml"]),
                                      trim_blocks=True, lstrip_blocks=True)
    app.state.templates.globals.update(number=number, language_name=language_name)
    app.add_middleware(SecurityMiddleware, max_head=settings.max_header_kb * 1024)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    if FONTS.is_dir():
        app.mount("/fonts", StaticFiles(directory=str(FONTS)), name="fonts")

    from . import api, auth, facilitator, pages, rounds, team_api

    for routes in (pages, auth, facilitator, rounds, api, team_api):
        app.include_router(routes.router)
    errors.register(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True}

    return app
