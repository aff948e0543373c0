"""The app as uvicorn runs it for ``socialmaturity serve``: each worker builds it
(``--factory``) from the settings ``serve`` handed over (``Settings.export``)."""

from __future__ import annotations

from fastapi import FastAPI

from ..core.settings import Settings
from .app import create_app


def app_from_env() -> FastAPI:
    """The app of a worker: the settings ``serve`` handed over, else the environment's."""
    return create_app(Settings.from_env())


def run(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve on ``host``:``port`` with ``workers`` processes, each on ``settings``."""
    import uvicorn

    from .protocol import GuardedHttpToolsProtocol

    settings.export()  # the workers (new processes) read these settings
    uvicorn.run("socialmaturity.web.main:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning", proxy_headers=True,
                http=GuardedHttpToolsProtocol, timeout_keep_alive=5)
