"""The browser tests: a real server process and Debian's Chromium driven by Playwright.

One server (``socialmaturity serve``) runs for the session on a fresh SQLite file in a temporary
folder; every test starts assessments of its own on it, so no test sees another's answers. Each
test gets a new browser context (fresh cookies). Nothing is downloaded: the browser is
``/usr/bin/chromium``; when it is missing, or Playwright cannot import or launch it, the tests
are skipped, except under ``CI=true``, where they fail.

Screenshots of the main pages go to ``artifacts/screenshots/`` at the repository root, which CI
keeps as artifacts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..web.server import running

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
NOT_FOUND = "Chromium not found: apt-get install chromium (Debian) to run the browser tests"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


def unavailable(reason: str):
    """Skip the browser tests, or fail them under CI=true, where they must run."""
    message = f"{NOT_FOUND} ({reason})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator:
    """``socialmaturity serve`` on a free port and a fresh SQLite file; its log beside it."""
    folder = tmp_path_factory.mktemp("browser-server")
    url = "sqlite:///" + str(folder / "browser.sqlite")
    with running(url, log=folder / "server.log") as srv:
        yield srv


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        unavailable(f"the playwright package cannot be imported: {e}")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} does not exist")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    from playwright.sync_api import Error

    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    except Error as e:
        unavailable(f"Playwright cannot launch {CHROMIUM}: {str(e).splitlines()[0]}")
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, server):
    """Make browser contexts on the server (English unless ``locale`` says otherwise); all
    are closed after the test."""
    made = []

    def make(**options):
        options = {"base_url": server.url, "locale": "en-US", "viewport": DESKTOP,
                   "accept_downloads": True, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


