"""The app as uvicorn starts it (``--factory``), configured from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from .. import settings
from .app import WebSettings, create_app


def app_from_env() -> FastAPI:
    from ..storage.database import database_url_from_environment

    return create_app(WebSettings(
        database_url=database_url_from_environment(),
        instrument=settings.get("instrument"),  # type: ignore[arg-type]
        panel=settings.get("panel"),  # type: ignore[arg-type]
        min_group_size=int(settings.get("min-group-size") or 30),
    ))
