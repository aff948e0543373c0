"""The app as uvicorn runs it for ``socialmaturity serve``: each worker builds it
(``--factory``) from the settings ``serve`` handed over (``Settings.export``)."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from ..core.settings import Settings
from .app import create_app


def app_from_env() -> FastAPI:
    """The app of a worker: the settings ``serve`` handed over, else the environment's.

    What the app holds from its start on (the instrument, the benchmark panel and its peer
    index, the templates, the imported modules) lives as long as the worker: it is frozen
    (``gc.freeze``), so that the cycle collector's full collections, which every few pages
    of new results set off, stop scanning it again each time (measured: about 0.5 ms of a
    results page's first view)."""
    app = create_app(Settings.from_env())
    gc.freeze()
    return app


def run(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve on ``host``:``port`` with ``workers`` processes, each on ``settings``."""
    import uvicorn

    from .protocol import GuardedHttpToolsProtocol

    settings.export()  # the workers (new processes) read these settings
    uvicorn.run("socialmaturity.web.main:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning", proxy_headers=True,
                http=GuardedHttpToolsProtocol, timeout_keep_alive=5)
