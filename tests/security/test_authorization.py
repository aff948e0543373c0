"""The authorization matrix: every route of the app × every actor (anonymous; a respondent's
link, invited or single; the facilitator who owns the organization; another facilitator; a
viewer with a share and one without; an admin), with the status each must get, on SQLite and
PostgreSQL.

``MATRIX`` has an entry for every route ``app.routes`` lists: a route without one fails
``test_every_route_has_an_entry``, so nobody adds a route without deciding who may call it.
Pages are called with the session cookie of the login form, the API with ``Authorization:
Bearer`` (the account's API token); the wrong way in (a bearer on a page, a cookie on the API,
a respondent's link token as either) counts as no credentials. Forms carry a valid CSRF token,
so a refusal is about who asks, not about the form.

Nothing leaks: a refusal to someone who may not read the organization names none of it (its
name, rounds, owner, links, scores), and a 404 is the very page an id that does not exist
gets; lists show only one's own (a viewer: exactly the shared) organizations.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import func, select

from socialmaturity.storage.database import upgrade
from socialmaturity.storage.tables import organizations, respondents, rounds, shares

from ..storage.conftest import fresh_postgres_database, sqlite_database_url
from . import authz_world as w

ACCOUNTS = tuple(w.ACCOUNTS)  # owner, other, viewer, stranger, admin
LINKS = ("invited", "solo")
ACTORS = ("anonymous", *LINKS, *ACCOUNTS)
#: Actors who may not read the owner's organization: a refusal to them tells nothing of it.
OUTSIDERS = ("anonymous", *LINKS, "other", "stranger")
#: An id no row has.
UNKNOWN_ID = 987654


def everyone(status: int, **but: int) -> dict[str, int]:
    return {a: but.get(a, status) for a in ACTORS}


def reads(ok: int = 200) -> dict[str, int]:
    """The owner, their viewer and admins read; anyone else: as if it did not exist."""
    return {"owner": ok, "other": 404, "viewer": ok, "stranger": 404, "admin": ok}


def writes(ok: int) -> dict[str, int]:
    """The owner and admins change; their viewer 403; anyone else 404."""
    return {"owner": ok, "other": 404, "viewer": 403, "stranger": 404, "admin": ok}


def creates(ok: int) -> dict[str, int]:
    """Facilitators and admins create (their own); viewers 403."""
    return {"owner": ok, "other": ok, "viewer": 403, "stranger": 403, "admin": ok}


def listed(ok: int = 200) -> dict[str, int]:
    """Every account gets its own list (checked in ``test_lists_show_only_ones_own``)."""
    return dict.fromkeys(ACCOUNTS, ok)


@dataclass(frozen=True)
class Entry:
    """Who may call a route and what they get.

    ``way``: ``public`` (no credentials needed: ``expect`` per actor), ``link`` (the
    respondent's link token is the key: ``expect`` for the invited respondent's token, which
    every actor is given, and the single respondent's own; a revoked or unknown token 404),
    ``page`` (session cookie; anonymous: 303 to /login) or ``api`` (bearer; anonymous 401):
    ``expect`` per account.
    ``params``: path parameter → key of ``World.ids`` (or, for ``section_id``, a section).
    ``body``: the form (``page``, ``public``, ``link`` POSTs) or JSON (``api``) of the request.
    ``fresh``: for routes that use their target up (erase, close, complete), makes a new one
    per call (the path parameters, and for a link the token)."""

    way: str
    expect: dict[str, int]
    params: dict[str, str] = field(default_factory=dict)
    body: Callable | dict | None = None
    fresh: Callable | None = None


#: Numbers the unknown e-mails of refused logins (each under the limit per account).
_unknown = itertools.count()
SECTION = {"section_id": "strategy"}


def link(invited: int, solo: int | None = None) -> dict[str, int]:
    return {"invited": invited, "solo": invited if solo is None else solo}


def fresh_tokens(world: w.World) -> dict[str, str]:
    """A new invited respondent (all answered, not completed) and a new single one."""
    orgs = world.app.state.organizations
    return {"invited": w.answered_invitation(orgs, owner_of(world), world.ids["pilot"]),
            "solo": world.app.state.respondents.start(w.SOLO, "en")}


def owner_of(world: w.World):
    return world.app.state.accounts.session_actor(world.client("owner").session)


def fresh_organization(world: w.World) -> dict[str, int]:
    """Another organization of the owner like the first (its name, a round, the share)."""
    orgs = world.app.state.organizations
    org_id = orgs.create(owner_of(world), w.ZEBRA, **w.PROFILE)
    orgs.create_round(owner_of(world), org_id, w.ZEBRA_ROUND)
    orgs.share(owner_of(world), org_id, w.ACCOUNTS["viewer"][0])
    return {"zebra": org_id}


def fresh_round(world: w.World) -> dict[str, int]:
    """A new open round of the owner's organization."""
    return {"round": world.app.state.organizations.create_round(
        owner_of(world), world.ids["zebra"], w.ZEBRA_ROUND)}


ORG = {"org_id": "zebra"}
ROUND = {"round_id": "round"}
PILOT = {"round_id": "pilot"}

MATRIX: dict[tuple[str, str], Entry] = {
    # -- public ---------------------------------------------------------------------------------
    ("GET", "/"): Entry("public", everyone(200)),
    ("GET", "/lang/{code}"): Entry("public", everyone(303), {"code": "nl"}),
    ("POST", "/start"): Entry("public", everyone(303), body={"organization": w.SOLO}),
    ("GET", "/login"): Entry("public", everyone(200, **dict.fromkeys(ACCOUNTS, 303))),
    ("POST", "/login"): Entry("public", everyone(422), body=lambda world: {  # a refused login
        "email": f"nobody-{next(_unknown)}@example.org", "password": "wrong", "next": "/"}),
    ("POST", "/logout"): Entry("public", everyone(303), body={}, fresh=lambda world: {}),
    ("GET", "/healthz"): Entry("public", everyone(200)),
    ("GET", "/api/docs"): Entry("public", everyone(200)),
    ("GET", "/api/openapi.json"): Entry("public", everyone(200)),
    ("POST", "/api/assessments"): Entry("public", everyone(201), body={"organization": w.SOLO}),
    # -- a respondent's link --------------------------------------------------------------------
    # an invited respondent's first page says who will see what; a single one's link redirects
    ("GET", "/a/{token}"): Entry("link", link(200, 303)),
    ("GET", "/a/{token}/s/{section_id}"): Entry("link", link(200), SECTION),
    ("POST", "/a/{token}/s/{section_id}"): Entry(
        "link", link(303), SECTION,
        body=lambda world, token: {**w.section_form(world, token, "strategy"), "go": "review"}),
    ("POST", "/a/{token}/answer"): Entry(
        "link", link(200), body=lambda world, token: w.first_answer(world, token)),
    ("GET", "/a/{token}/review"): Entry("link", link(200)),
    ("POST", "/a/{token}/complete"): Entry("link", link(303), body={}, fresh=fresh_tokens),
    ("GET", "/a/{token}/result"): Entry("link", link(200, 303)),
    ("GET", "/a/{token}/report.pdf"): Entry("link", link(200, 422)),
    ("GET", "/api/assessments/{token}"): Entry("link", link(200)),
    ("PUT", "/api/assessments/{token}/answers"): Entry("link", link(200), body={}),
    ("GET", "/api/assessments/{token}/result"): Entry("link", link(200, 422)),
    ("GET", "/api/assessments/{token}/report.pdf"): Entry("link", link(200, 422)),
    ("POST", "/api/assessments/{token}/complete"): Entry("link", link(200, 422),
                                                         fresh=fresh_tokens),
    # -- the facilitator's pages ----------------------------------------------------------------
    ("GET", "/orgs"): Entry("page", listed()),
    ("GET", "/orgs/new"): Entry("page", creates(200)),
    ("POST", "/orgs/new"): Entry("page", creates(303), body={"name": "Made By The Matrix",
                                                             **w.PROFILE}),
    ("GET", "/orgs/{org_id}"): Entry("page", reads(), ORG),
    ("POST", "/orgs/{org_id}/rounds"): Entry("page", writes(303), ORG,
                                             body={"name": "Matrix round"}),
    ("POST", "/orgs/{org_id}/shares"): Entry("page", writes(303), ORG,
                                             body={"email": w.SPARE_VIEWER}),
    ("POST", "/orgs/{org_id}/shares/{user_id}/remove"): Entry(
        "page", writes(303), {**ORG, "user_id": "spare_viewer"}, body={}),
    ("GET", "/orgs/{org_id}/export.json"): Entry("page", writes(200), ORG),
    ("GET", "/orgs/{org_id}/erase"): Entry("page", writes(200), ORG),
    ("POST", "/orgs/{org_id}/erase"): Entry("page", writes(303), ORG, body={"name": w.ZEBRA},
                                            fresh=fresh_organization),
    ("GET", "/rounds/{round_id}"): Entry("page", reads(), ROUND),
    ("POST", "/rounds/{round_id}/invitations"): Entry(
        "page", writes(303), PILOT, body={"department": "sales", "count": "1"}),
    ("GET", "/rounds/{round_id}/invitations/{invitation_id}/revoke"): Entry(
        "page", writes(200), {**PILOT, "invitation_id": "invitation"}),
    ("POST", "/rounds/{round_id}/invitations/{invitation_id}/revoke"): Entry(
        "page", writes(303), {**PILOT, "invitation_id": "invitation"}, body={}),
    ("GET", "/rounds/{round_id}/close"): Entry("page", writes(200), ROUND),
    ("POST", "/rounds/{round_id}/close"): Entry("page", writes(303), ROUND, body={},
                                                fresh=fresh_round),
    ("POST", "/rounds/{round_id}/targets"): Entry("page", writes(303), PILOT, body={}),
    ("GET", "/rounds/{round_id}/result"): Entry("page", reads(), ROUND),
    ("GET", "/rounds/{round_id}/export.xlsx"): Entry("page", reads(), ROUND),
    ("GET", "/rounds/{round_id}/report.pdf"): Entry("page", reads(), ROUND),
    # -- the team API ---------------------------------------------------------------------------
    ("GET", "/api/organizations"): Entry("api", listed()),
    ("POST", "/api/organizations"): Entry("api", creates(201), body={
        "name": "Made By The Matrix", **w.PROFILE}),
    ("POST", "/api/organizations/{org_id}/rounds"): Entry(
        "api", writes(201), {"org_id": "zebra"}, body={"name": "Matrix round"}),
    ("POST", "/api/rounds/{round_id}/invitations"): Entry(
        "api", writes(201), {"round_id": "pilot"}, body={"department": "sales"}),
    ("GET", "/api/rounds/{round_id}/invitations"): Entry(
        "api", writes(200), {"round_id": "round"}),
    ("GET", "/api/rounds/{round_id}/result"): Entry("api", reads(), {"round_id": "round"}),
}
#: Routes that are not the app's own code: files, answered the same to everyone.
MOUNTS = {"/static": "/static/style.css", "/fonts": "/fonts/OFL.txt"}


# -- the world, once per database and module ----------------------------------------------------


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def world(request, tmp_path_factory, assessor):
    if request.param == "sqlite":
        url = sqlite_database_url(tmp_path_factory.mktemp("authz"))
        upgrade(url)
        yield _seeded(url, assessor)
    else:
        server = request.getfixturevalue("postgres_server")
        with fresh_postgres_database(server) as url:
            upgrade(url)
            yield _seeded(url, assessor)


def _seeded(url, assessor):
    world = w.seed(url, assessor)
    world.exits.__enter__()
    return world


@pytest.fixture(scope="module", autouse=True)
def _close(world):
    yield
    world.exits.close()


def routes(app) -> dict[tuple[str, str], object]:
    """(method, path) of every route of the app (HEAD folded into GET)."""
    found = {}
    for ctx in iter_route_contexts(app.routes):
        for method in sorted(ctx.methods or ["*"]):
            if method != "HEAD":
                found[(method, ctx.path)] = ctx
    return found


def test_every_route_has_an_entry(world):
    listed_routes = routes(world.app)
    mounts = {path for (method, path) in listed_routes if method == "*"}
    assert mounts == set(MOUNTS), "a new mount: add it to MOUNTS (or MATRIX) deliberately"
    missing = {r for r in listed_routes if r[0] != "*"} - set(MATRIX)
    assert not missing, f"routes without an entry in the authorization matrix: {missing}"
    stale = set(MATRIX) - set(listed_routes)
    assert not stale, f"entries of routes that no longer exist: {stale}"


@pytest.mark.parametrize("path", MOUNTS.values())
def test_mounted_files_are_public(world, path):
    for actor in ACTORS:
        assert world.client(actor).http.get(path).status_code == 200


# -- calling a route ---------------------------------------------------------------------------


def filled(path: str, params: dict[str, str], world: w.World, ids: dict | None = None,
           token: str | None = None) -> str:
    values = {k: (v if k in ("code", "section_id") else (ids or world.ids)[v])
              for k, v in params.items()}
    if token is not None:
        values["token"] = token
    return path.format(**values)


def send(client: w.Client, method: str, path: str, entry: Entry, *, bearer: dict | None = None,
         body=None, json_api: bool = False):
    headers = dict(bearer or {})
    if method == "GET":
        return client.http.get(path, headers=headers)
    if json_api or path.startswith("/api/"):
        return client.http.request(method, path, json=body if body is not None else {},
                                   headers=headers)
    return client.http.request(method, path, headers=headers,
                               data={**(body or {}), "csrf_token": client.csrf})


def body_of(entry: Entry, world: w.World, token: str | None = None):
    if callable(entry.body):
        return entry.body(world, token) if entry.way == "link" else entry.body(world)
    return entry.body


def state(world: w.World) -> str:
    """Everything of the owner's organization as the store exports it (not audited), and
    how many organizations, rounds, respondents and shares there are."""
    store = world.app.state.organizations.store
    data = store.export(world.ids["zebra"])
    data.pop("exported_at")
    with store.engine.connect() as conn:
        data["rows"] = [conn.execute(select(func.count()).select_from(t)).scalar_one()
                        for t in (organizations, rounds, respondents, shares)]
    return json.dumps(data, default=str, sort_keys=True)


def assert_tells_nothing(world: w.World, res, where: str) -> None:
    text = res.text
    for secret in world.leaks:
        assert secret not in text, f"{where}: the refusal shows {secret!r}"


def check(world: w.World, actor: str, method: str, path: str, entry: Entry, expected: int,
          res, template: str) -> None:
    where = f"{actor} {method} {path}"
    assert res.status_code == expected, f"{where}: {res.status_code} {res.text[:300]}"
    refused = expected in (401, 403, 404) or (
        entry.way == "page" and res.headers.get("location", "").startswith("/login"))
    if refused and actor in OUTSIDERS:
        assert_tells_nothing(world, res, where)
    if expected == 404 and entry.params:
        unknown = filled(template, entry.params, world,
                         ids=dict.fromkeys(world.ids, UNKNOWN_ID))
        client = world.client(actor)
        again = send(client, method, unknown, entry, bearer=client.bearer if entry.way == "api"
                     else None, body=body_of(entry, world))
        assert again.status_code == 404
        assert w.without_csrf(again.text).replace(unknown, "PATH") == w.without_csrf(
            res.text).replace(path, "PATH"), \
            f"{where}: the 404 differs from that of an id that does not exist"


def entries(*ways: str) -> list:
    return [pytest.param(key, id=f"{key[0]} {key[1]}") for key, e in MATRIX.items()
            if e.way in ways]


@pytest.mark.parametrize("key", entries("public"))
def test_public_routes(world, key):
    method, template = key
    entry = MATRIX[key]
    path = filled(template, entry.params, world)
    for actor in ACTORS:
        client = world.client(actor)
        if entry.fresh is not None and actor in ACCOUNTS:  # its own session, used up here
            client = w.log_in(world.app, world.exits, w.ACCOUNTS[actor][0])
        res = send(client, method, path, entry, body=body_of(entry, world))
        check(world, actor, method, path, entry, entry.expect[actor], res, template)


@pytest.mark.parametrize("key", entries("link"))
def test_link_routes(world, key):
    """The link token is the key: whoever holds it gets the same answer (an account adds
    nothing), a single respondent theirs; a revoked or unknown link is 404 for everyone."""
    method, template = key
    entry = MATRIX[key]
    for actor in ACTORS:
        tokens = entry.fresh(world) if entry.fresh else world.tokens
        token = tokens["solo" if actor == "solo" else "invited"]
        path = filled(template, entry.params, world, token=token)
        client = world.client(actor)
        res = send(client, method, path, entry, bearer=client.bearer,
                   body=body_of(entry, world, token))
        expected = entry.expect["solo" if actor == "solo" else "invited"]
        check(world, actor, method, path, entry, expected, res, template)
        if actor == "solo":
            assert_tells_nothing(world, res, f"solo {method} {path}")
    unknown = None
    for kind in ("revoked", "unknown"):
        path = filled(template, entry.params, world, token=world.tokens[kind])
        for actor in ("anonymous", "owner", "admin"):
            client = world.client(actor)
            res = send(client, method, path, entry, bearer=client.bearer, body={})
            assert res.status_code == 404, f"{actor} {kind} {method} {path}: {res.status_code}"
            assert_tells_nothing(world, res, f"{actor} {kind} {method} {path}")
            text = w.without_csrf(res.text).replace(world.tokens[kind], "TOKEN")
            unknown = unknown or text
            assert text == unknown, f"{kind} {method} {path}: not the unknown link's 404"


@pytest.mark.parametrize("key", entries("page", "api"))
def test_account_routes(world, key):
    """Each account with the right credentials gets its status; no credentials, a link's
    token or the wrong way in (a bearer on a page, a cookie on the API) get what anonymous
    gets; a refused write changes nothing."""
    method, template = key
    entry = MATRIX[key]
    api = entry.way == "api"
    anonymous = 401 if api else 303
    for actor in ACTORS:
        ids = {**world.ids, **entry.fresh(world)} if entry.fresh else world.ids
        path = filled(template, entry.params, world, ids=ids)
        body = body_of(entry, world)
        right = world.client("anonymous") if api else world.client(actor)
        wrong = world.client(actor) if api else world.client("anonymous")
        tries = [(actor, right, world.client(actor).bearer if api else None,
                  entry.expect.get(actor, anonymous))]
        if actor in ACCOUNTS:
            tries.append((f"{actor} (wrong way in)", wrong,
                          None if api else world.client(actor).bearer, anonymous))
            if not api:  # nor the API token a session
                tries.append((f"{actor} (API token as session cookie)",
                              world.client(f"{actor} (API token as session cookie)"), None,
                              anonymous))
            if api:  # the session's token is no API token
                tries.append((f"{actor} (session token as bearer)", world.client("anonymous"),
                              {"authorization": f"Bearer {world.client(actor).session}"},
                              anonymous))
        for who, client, bearer, expected in tries:
            before = state(world) if expected in (401, 403, 404) or (
                not api and expected == 303 and who != actor) else None
            res = send(client, method, path, entry, bearer=bearer, body=body)
            name = who if who in ACTORS else "anonymous"
            check(world, name, method, path, entry, expected, res, template)
            if expected == 303 and (not api) and (who != actor or actor not in ACCOUNTS):
                assert res.headers["location"].startswith("/login?next="), who
            if before is not None and method != "GET":
                assert state(world) == before, f"{who} {method} {path} changed something"


def test_lists_show_only_ones_own(world):
    """GET /api/organizations: a facilitator's own, a viewer exactly the shared ones, an
    admin all; another facilitator's organizations never."""
    store = world.app.state.organizations.store
    seen = {}
    for actor in ACCOUNTS:
        res = world.client("anonymous").http.get("/api/organizations",
                                                 headers=world.client(actor).bearer)
        assert res.status_code == 200
        seen[actor] = {o["id"]: o["name"] for o in res.json()}
        if actor in ("other", "stranger"):
            assert_tells_nothing(world, res, f"{actor}'s list")
    with store.engine.connect() as conn:
        viewer_id = world.app.state.accounts.session_actor(world.client("viewer").session).user_id
        shared = {r[0] for r in conn.execute(select(shares.c.organization_id)
                                             .where(shares.c.user_id == viewer_id))}
    assert set(seen["viewer"]) == shared and world.ids["zebra"] in shared
    assert seen["stranger"] == {}
    assert world.ids["zebra"] in seen["owner"] and world.ids["aardvark"] not in seen["owner"]
    assert world.ids["aardvark"] in seen["other"] and world.ids["zebra"] not in seen["other"]
    assert {world.ids["zebra"], world.ids["aardvark"]} <= set(seen["admin"])


def test_a_single_respondents_assessment_is_nobodys_organization(world):
    """A single respondent's own assessment (an organization without an owner) is on no
    dashboard and no account reaches it, an admin neither: 404, naming nothing of it."""
    ids = {**world.ids, "zebra": world.ids["solo_organization"],
           "round": world.ids["solo_round"], "pilot": world.ids["solo_round"]}
    for key, entry in MATRIX.items():
        if entry.way not in ("page", "api") or not entry.params or entry.fresh \
                or not set(entry.params) <= {"org_id", "round_id"}:
            continue
        method, template = key
        path = filled(template, entry.params, world, ids=ids)
        for actor in ACCOUNTS:
            client = world.client("anonymous" if entry.way == "api" else actor)
            res = send(client, method, path, entry, body=body_of(entry, world),
                       bearer=world.client(actor).bearer if entry.way == "api" else None)
            assert res.status_code == 404, f"{actor} {method} {path}: {res.status_code}"
            assert w.SOLO not in res.text
