"""What the tests of the facilitator's pages share: accounts logged in through ``/login``, an
organization with a round and invitations made through the pages, and respondents who answer
through their invitation links."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from socialmaturity.instrument.loader import bundled_instrument

from .conftest import csrf_of

INSTRUMENT = bundled_instrument()
PASSWORD = "correct horse battery staple"
PROFILE = {"sector": "technology", "size": "1000-9999", "region": "emea"}
#: The two departments of the tests' rounds, three respondents each.
DEPARTMENTS = ("marketing", "customer-service")


def account(app, email: str, role: str) -> str:
    """An account made by the real service (what ``socialmaturity users add`` does)."""
    app.state.accounts.add_user(email, role, PASSWORD)
    return email


def logged_in(app, email: str) -> TestClient:
    """A client of its own (its own cookies) logged in as ``email`` through the login form."""
    client = TestClient(app)
    page = client.get("/login")
    res = client.post("/login", data={"email": email, "password": PASSWORD,
                                      "csrf_token": csrf_of(page.text), "next": "/orgs"},
                      follow_redirects=False)
    assert res.status_code == 303, res.text
    return client


def form_token(client: TestClient, path: str) -> str:
    """The CSRF token of the page at ``path`` (the client's session)."""
    res = client.get(path)
    assert res.status_code == 200, res.text
    return csrf_of(res.text)


def post(client: TestClient, path: str, data: dict, token_from: str = "/orgs"):
    return client.post(path, data={**data, "csrf_token": form_token(client, token_from)},
                       follow_redirects=False)


def create_organization(client: TestClient, name: str = "Acme Team") -> int:
    res = post(client, "/orgs/new", {"name": name, **PROFILE})
    assert res.status_code == 303, res.text
    return int(res.headers["location"].rsplit("/", 1)[1])


def create_round(client: TestClient, org_id: int, name: str = "2026 Q4") -> int:
    res = post(client, f"/orgs/{org_id}/rounds", {"name": name})
    assert res.status_code == 303, res.text
    return int(res.headers["location"].rsplit("/", 1)[1])


def invite(client: TestClient, round_id: int, department: str, count: int) -> None:
    res = post(client, f"/rounds/{round_id}/invitations",
               {"department": department, "count": str(count)})
    assert res.status_code == 303, res.text


def links(client: TestClient, round_id: int) -> dict[str, list[str]]:
    """The invitation links the round's page shows, per department (the readonly inputs)."""
    html = client.get(f"/rounds/{round_id}").text
    out: dict[str, list[str]] = {}
    for section in re.findall(r'<section class="department".*?</section>', html, re.S):
        key = re.search(r'data-department="([^"]+)"', section).group(1)
        out[key] = re.findall(r'class="link-text" type="text" readonly value="[^"]*/a/([^"]+)"',
                              section)
    return out


def answers(shift: int) -> dict[str, Any]:
    """An answer for every question after the profile; ``shift`` moves each single choice
    by that many options, so departments answer differently."""
    out: dict[str, Any] = {}
    asked = [q for d in INSTRUMENT.dimensions for q in d.questions] + list(INSTRUMENT.outcomes)
    for i, q in enumerate(asked):
        keys = INSTRUMENT.index.option_keys(q.id) if q.type in ("single", "multi") else []
        if q.type == "single":
            out[q.id] = keys[(i + shift) % len(keys)]
        elif q.type == "multi":
            plain = [o.key for o in INSTRUMENT.index.options[q.id] if not o.exclusive]
            out[q.id] = plain[shift % len(plain): shift % len(plain) + 2]
        elif q.type == "numeric":
            out[q.id] = q.min + (q.max - q.min) * ((i + shift) % 5) / 4
        else:
            out[q.id] = "Netherlands"
    return out


def answer(client: TestClient, token: str, shift: int) -> None:
    """A respondent answers through their link: every question, then "complete"."""
    res = client.put(f"/api/assessments/{token}/answers", json={"answers": answers(shift)})
    assert res.status_code == 200, res.text
    assert res.json()["missing"] == [], res.json()["missing"]
    page = client.get(f"/a/{token}/review")
    res = client.post(f"/a/{token}/complete", data={"csrf_token": csrf_of(page.text)},
                      follow_redirects=False)
    assert res.status_code == 303, res.text


def answered_round(app, owner: TestClient, shifts=(0, 2)) -> tuple[int, int]:
    """An organization with a round whose two departments each have three respondents who
    answered (``shifts``: how each department answers); (organization id, round id)."""
    org_id = create_organization(owner)
    round_id = create_round(owner, org_id)
    for department in DEPARTMENTS:
        invite(owner, round_id, department, 3)
    respondent = TestClient(app)
    for department, shift in zip(DEPARTMENTS, shifts, strict=True):
        for token in links(owner, round_id)[department]:
            answer(respondent, token, shift)
    return org_id, round_id
