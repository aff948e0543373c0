"""The JSON API of team rounds through the real app (create_app): bearer tokens, the access
rules as status codes, the bodies' limits, the result in the CLI's shape."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from fastapi.testclient import TestClient

from socialmaturity.core.settings import Settings
from socialmaturity.web.app import create_app

from .conftest import EXAMPLES, PROFILE, add_user

ORG = {"name": "Acme", **PROFILE}


@pytest.fixture
def app(database_url, assessor):
    return create_app(Settings(database_url=database_url), assessor)


@pytest.fixture
def api(app):
    with TestClient(app) as client:
        yield client


@pytest.fixture
def tokens(app):
    """An account per role with an API token (``users token``), and its request headers."""
    accounts = app.state.accounts
    made = {}
    for name, role in (("owner", "facilitator"), ("other", "facilitator"),
                       ("viewer", "viewer"), ("admin", "admin")):
        actor = add_user(accounts, role)
        made[name] = (actor, {"authorization": f"Bearer {accounts.new_token(actor.email)}"})
    return made


def create(api, headers, **given):
    res = api.post("/api/organizations", json={**ORG, **given}, headers=headers)
    assert res.status_code == 201, res.text
    return res.json()["id"]


def test_a_round_through_the_api(api, tokens, backend):
    owner = tokens["owner"][1]
    org_id = create(api, owner)
    res = api.post(f"/api/organizations/{org_id}/rounds", json={"name": "2026"}, headers=owner)
    assert res.status_code == 201
    round_id = res.json()["id"]
    links, made_at = {}, {}
    for path in sorted((EXAMPLES / "2026").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        res = api.post(f"/api/rounds/{round_id}/invitations",
                       json={"department": data["profile"]["department"]}, headers=owner)
        assert res.status_code == 201, res.text
        body = res.json()
        assert body["url"].endswith(f"/a/{body['token']}") and len(body["token"]) == 43
        links[path.name] = body["token"]
        made_at[body["id"]] = body["created_at"]
        own = {k: v for k, v in data["profile"].items() if k in ("role", "country")}
        put = api.put(f"/api/assessments/{body['token']}/answers",
                      json={"profile": own, "answers": data["answers"]})
        assert put.status_code == 200, put.text
        assert put.json()["profile"]["sector"] == PROFILE["sector"]  # filled in already
        # the examples leave the outcome questions open: completing names them
        done = api.post(f"/api/assessments/{body['token']}/complete")
        assert done.status_code == 422
        fields = {d["field"] for d in done.json()["detail"]}
        assert fields == set(put.json()["missing"]) and fields
        outcomes = {q: "agree" for q in fields}
        api.put(f"/api/assessments/{body['token']}/answers", json={"answers": outcomes})
        done = api.post(f"/api/assessments/{body['token']}/complete")
        assert done.status_code == 200 and done.json()["status"] == "completed"
    listed = api.get(f"/api/rounds/{round_id}/invitations", headers=owner).json()
    assert sorted(i["token"] for i in listed) == sorted(links.values())
    assert {i["id"]: i["created_at"] for i in listed} == made_at  # the time it was made
    res = api.get(f"/api/rounds/{round_id}/result", headers=owner)
    assert res.status_code == 200, res.text
    result = res.json()
    assert result["respondents"] == 7 and result["overall"]["stage"]["key"]
    assert [d["department"] for d in result["departments"]] == ["marketing",
                                                                 "customer-service"]
    assert [a["dimension"] for a in result["agreement"]] == [
        d["id"] for d in result["dimensions"]]
    assert all({"id", "score"} <= set(d) for d in result["departments"][0]["dimensions"])
    dashboard = api.get("/api/organizations", headers=owner).json()
    assert [(o["id"], o["invited"], o["completed"]) for o in dashboard] == [(org_id, 7, 7)]


def test_tokens_and_access(api, tokens, app):
    owner, other, viewer = (tokens[n][1] for n in ("owner", "other", "viewer"))
    org_id = create(api, owner)
    round_id = api.post(f"/api/organizations/{org_id}/rounds", json={"name": "r"},
                        headers=owner).json()["id"]
    app.state.organizations.share(tokens["owner"][0], org_id, tokens["viewer"][0].email)
    assert api.get("/api/organizations").status_code == 401
    assert api.get("/api/organizations",
                   headers={"authorization": "Bearer wrong"}).status_code == 401
    assert api.post("/api/organizations", json=ORG).status_code == 401
    # another facilitator: 404, as for an id that does not exist
    for headers in (other,):
        assert api.post(f"/api/organizations/{org_id}/rounds", json={"name": "x"},
                        headers=headers).status_code == 404
        assert api.get(f"/api/rounds/{round_id}/result", headers=headers).status_code == 404
        assert api.post(f"/api/rounds/{round_id}/invitations", json={"department": "sales"},
                        headers=headers).status_code == 404
    missing = api.get("/api/rounds/999/result", headers=other)
    theirs = api.get(f"/api/rounds/{round_id}/result", headers=other)
    assert missing.json() == theirs.json()
    # a viewer with a share: reads, may not write
    assert api.post(f"/api/rounds/{round_id}/invitations", json={"department": "sales"},
                    headers=viewer).status_code == 403
    assert api.post("/api/organizations", json=ORG, headers=viewer).status_code == 403
    assert api.get(f"/api/rounds/{round_id}/result", headers=viewer).status_code == 422
    assert [o["id"] for o in api.get("/api/organizations", headers=viewer).json()] == [org_id]
    assert api.get(f"/api/rounds/{round_id}/result",
                   headers=tokens["admin"][1]).status_code == 422  # nobody answered yet


@pytest.mark.parametrize("body,field", [
    ({**ORG, "name": "x" * 201}, "name"), ({**ORG, "sector": "bakery"}, "sector"),
    ({**ORG, "region": "r" * 61}, "region"), ({"name": "Acme"}, "sector"),
    ({**ORG, "owner": 3}, "owner")])
def test_bodies_are_checked(api, tokens, body, field):
    res = api.post("/api/organizations", json=body, headers=tokens["owner"][1])
    assert res.status_code == 422
    assert field in {d["field"] for d in res.json()["detail"]}


def test_invitation_limits_and_messages_in_dutch(api, tokens):
    owner = tokens["owner"][1]
    org_id = create(api, owner)
    round_id = api.post(f"/api/organizations/{org_id}/rounds", json={"name": "r"},
                        headers=owner).json()["id"]
    res = api.post(f"/api/rounds/{round_id}/invitations?lang=nl",
                   json={"department": "d" * 61}, headers=owner)
    assert res.status_code == 422
    res = api.post(f"/api/rounds/{round_id}/invitations?lang=nl",
                   json={"department": "bakery"}, headers=owner)
    assert res.status_code == 422 and "geen afdeling" in res.json()["detail"][0]["message"]
    assert api.post("/api/assessments/unknown/complete").status_code == 404


def test_openapi_shows_the_team_routes_with_examples(api):
    spec = api.get("/api/openapi.json").json()
    for path in ("/api/organizations", "/api/organizations/{org_id}/rounds",
                 "/api/rounds/{round_id}/invitations", "/api/rounds/{round_id}/result",
                 "/api/assessments/{token}/complete"):
        assert path in spec["paths"], path
    tags = {t for p in spec["paths"].values() for op in p.values() for t in op.get("tags", [])}
    assert {"organizations", "rounds"} <= tags
    schemas = spec["components"]["schemas"]
    assert schemas["OrganizationIn"]["examples"] and schemas["InvitationOut"]["examples"]
    assert {"departments", "agreement", "respondents", "overall"} <= set(
        schemas["RoundResultOut"]["properties"])


def test_completing_in_a_closed_round_says_it_is_closed(api, tokens, app):
    owner = tokens["owner"][1]
    org_id = create(api, owner)
    round_id = api.post(f"/api/organizations/{org_id}/rounds", json={"name": "r"},
                        headers=owner).json()["id"]
    token = api.post(f"/api/rounds/{round_id}/invitations", json={"department": "sales"},
                     headers=owner).json()["token"]
    app.state.organizations.close_round(tokens["owner"][0], round_id)
    res = api.post(f"/api/assessments/{token}/complete?lang=nl")
    assert res.status_code == 422
    assert [(d["field"], d["message"][:22]) for d in res.json()["detail"]] == [
        ("round", "deze ronde is gesloten")]


TYPE_ERRORS = [  # every kind of type error the API's models give, each in our words
    ("post", "/api/organizations", {**ORG, "name": "x" * 201}, "name"),
    ("post", "/api/organizations", {**ORG, "name": ""}, "name"),
    ("post", "/api/organizations", '{"name": "\\ud800", "sector": "s", "size": "s", '
                                    '"region": "s"}', "name"),
    ("post", "/api/organizations", {**ORG, "owner": 3, "size": 5}, "size"),
    ("post", "/api/organizations", {"name": "Acme"}, "sector"),
    ("post", "/api/organizations", "[]", "body"),
    ("post", "/api/organizations", "{", "body"),
    ("post", "/api/organizations/abc/rounds", {"name": "x"}, "org_id"),
    ("post", "/api/organizations/" + "9" * 5000 + "/rounds", {"name": "x"}, "org_id"),
    ("post", "/api/rounds/1/invitations", {"department": "d" * 61, "language": "de"},
     "department"),
    ("get", "/api/rounds/abc/result", None, "round_id"),
    ("post", "/api/assessments", {"answers": {"q": {"a": 1}}, "profile": []}, "profile"),
]


@pytest.mark.parametrize("method,path,body,field", TYPE_ERRORS)
def test_type_errors_are_said_in_our_words_in_dutch_too(api, tokens, method, path, body, field):
    said = {}
    for lang in ("en", "nl"):
        content = body if isinstance(body, str) or body is None else json.dumps(body)
        res = api.request(method, f"{path}?lang={lang}", content=content,
                          headers={**tokens["owner"][1], "content-type": "application/json"})
        assert res.status_code == 422, res.text
        said[lang] = {d["field"]: d["message"] for d in res.json()["detail"]}
    assert field in said["nl"]
    for where, english in said["en"].items():
        assert said["nl"][where] != english, (where, english)  # translated, so not pydantic's
        assert not re.search(r"[Ss]hould|[Uu]nable|not valid: [A-Z]", english), english
