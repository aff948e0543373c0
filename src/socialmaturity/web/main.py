"""The app as uvicorn starts it (``--factory``), configured from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from .. import settings
from .app import WebSettings, create_app


def database_url() -> str:
    from ..storage.database import default_database_url

    return str(settings.get("database-url") or default_database_url())


def app_from_env() -> FastAPI:
    return create_app(WebSettings(
        database_url=database_url(),
        instrument=settings.get("instrument"),  # type: ignore[arg-type]
        panel=settings.get("panel"),  # type: ignore[arg-type]
        min_group_size=int(settings.get("min-group-size") or 30),
    ))
