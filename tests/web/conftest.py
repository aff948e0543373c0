"""A real app on a fresh database (SQLite, or both backends where a test asks for it)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from socialmaturity.core.settings import Settings
from socialmaturity.services.assessment import make_assessor
from socialmaturity.web.app import create_app

from ..storage.conftest import (  # noqa: F401
    backend,
    database_url,
    empty_database_url,
    postgres_server,
)


@pytest.fixture(scope="session")
def assessor():
    return make_assessor()


@pytest.fixture
def client(tmp_path, assessor):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/web.sqlite"), assessor)
    with TestClient(app) as c:
        c.get("/")  # receives the CSRF cookie
        yield c


@pytest.fixture
def client_on(database_url, assessor):  # noqa: F811
    """The app on SQLite and on PostgreSQL."""
    app = create_app(Settings(database_url=database_url), assessor)
    with TestClient(app) as c:
        c.get("/")
        yield c


COMPLETE_PROFILE = {"organization": "Acme <script>alert(1)</script>", "sector": "technology",
                    "size": "1000-9999", "region": "emea"}


def csrf_of(html: str) -> str:
    """The CSRF token a page gives its forms and htmx requests (signed, not the cookie)."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'"X-CSRF-Token": "([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def csrf(client) -> str:
    """The CSRF token for ``client``'s session (from the landing page)."""
    return csrf_of(client.get("/").text)


def start(client, organization="Acme") -> str:
    res = client.post("/start", data={"organization": organization,
                                      "csrf_token": csrf(client)},
                      follow_redirects=False)
    assert res.status_code == 303, res.text
    return res.headers["location"].split("/")[2]


def post_section(client, token, section, data, go="next"):
    return client.post(f"/a/{token}/s/{section}",
                       data={**data, "csrf_token": csrf(client), "go": go},
                       follow_redirects=False)
