"""The seeded world of the authorization matrix (``test_authorization``): two facilitators
with an organization each, rounds with invited and completed respondents, a viewer shared on
the first organization only, a viewer without a share, an admin, a single respondent; and a
client per actor, logged in through the login form (pages) with an API token from
``Accounts.new_token`` (the API).

The organization every route is called on belongs to the facilitator ``owner`` and carries
names that cannot turn up by chance ("Zebra Holdings", "Zebra Survey 2026"): an answer that
refuses someone must not contain them, nor its invitation links, its owner's e-mail or its
scores."""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from socialmaturity.core.settings import Settings
from socialmaturity.services.respondents import LOCKED_FIELDS, Respondents, missing, sections
from socialmaturity.web.app import create_app

from ..orgs.conftest import EXAMPLES, PROFILE, answers_file, fill_round

PASSWORD = "a long enough password"
#: The cheapest argon2 parameters the settings allow: many logins, still argon2id.
CHEAP = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}

#: The accounts of the world: actor name → (e-mail, role).
ACCOUNTS = {
    "owner": ("zebra-owner@example.org", "facilitator"),
    "other": ("aardvark-owner@example.org", "facilitator"),
    "viewer": ("zebra-board@example.org", "viewer"),
    "stranger": ("no-share@example.org", "viewer"),
    "admin": ("support@example.org", "admin"),
}
#: A viewer the share and unshare routes share and unshare (not ``viewer``: their share
#: must stay for every other case).
SPARE_VIEWER = "spare-viewer@example.org"

ZEBRA = "Zebra Holdings"
ZEBRA_ROUND = "Zebra Survey 2026"
ZEBRA_PILOT = "Zebra Pilot Quokka"
AARDVARK = "Aardvark Logistics"
AARDVARK_ROUND = "Aardvark Round Walrus"
SOLO = "Solo Kiwi Trading"

_CSRF = re.compile(r'(name="csrf_token" value=")[^"]+(")|("X-CSRF-Token": ")[^"]+(")')


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def without_csrf(text: str) -> str:
    """A page with its CSRF tokens blanked (they differ per browser, not per answer)."""
    return _CSRF.sub(lambda m: "".join(g or "" for g in (m[1], m[2], m[3], m[4])), text)


@dataclass
class Client:
    """One actor's browser: ``http`` holds its cookies (the CSRF cookie, and the session
    cookie of an account that logged in), ``csrf`` the token of its forms; ``bearer`` the
    header of its API token (an account) or of its link token (a respondent)."""

    http: TestClient
    csrf: str
    bearer: dict[str, str] = field(default_factory=dict)
    session: str | None = None


@dataclass
class World:
    """The ids, tokens and clients of the seeded world."""

    app: object
    ids: dict[str, int]
    tokens: dict[str, str]
    clients: dict[str, Client]
    leaks: list[str]
    exits: ExitStack

    def client(self, actor: str) -> Client:
        return self.clients[actor]


def browser(app, stack: ExitStack) -> Client:
    http = stack.enter_context(TestClient(app, follow_redirects=False))
    return Client(http, csrf_of(http.get("/").text))


def log_in(app, stack: ExitStack, email: str) -> Client:
    """A browser logged in through the login form (the session cookie it got)."""
    client = browser(app, stack)
    res = client.http.post("/login", data={"email": email, "password": PASSWORD,
                                           "next": "/", "csrf_token": client.csrf})
    assert res.status_code == 303, res.text
    client.session = next(v for k, v in client.http.cookies.items() if k.endswith("sm_session"))
    client.csrf = csrf_of(client.http.get("/").text)  # a login gives a new CSRF id
    return client


def seed(database_url: str, assessor) -> World:
    """The world on a migrated database at ``database_url``."""
    app = create_app(Settings(database_url=database_url, **CHEAP), assessor)
    accounts, orgs = app.state.accounts, app.state.organizations
    actors = {name: accounts.add_user(email, role, PASSWORD)
              for name, (email, role) in ACCOUNTS.items()}
    spare = accounts.add_user(SPARE_VIEWER, "viewer", PASSWORD)
    owner, other = actors["owner"], actors["other"]

    zebra = orgs.create(owner, ZEBRA, **PROFILE)
    done = orgs.create_round(owner, zebra, ZEBRA_ROUND)
    completed = fill_round(orgs, owner, done, EXAMPLES / "2025")
    revoked = orgs.invite(owner, done, "sales")
    orgs.revoke(owner, revoked.id)
    pilot = orgs.create_round(owner, zebra, ZEBRA_PILOT)
    fill_round(orgs, owner, pilot, EXAMPLES / "2026", complete=False)
    invited = answered_invitation(orgs, owner, pilot)
    spare_invitation = orgs.invite(owner, pilot, "hr-recruiting")
    orgs.share(owner, zebra, ACCOUNTS["viewer"][0])

    aardvark = orgs.create(other, AARDVARK, **PROFILE)
    theirs = orgs.create_round(other, aardvark, AARDVARK_ROUND)
    their_tokens = fill_round(orgs, other, theirs, EXAMPLES / "2026")
    their_invitation = orgs.invitations(other, theirs)[0].id

    solo = Respondents(orgs.store, orgs.assessor).start(SOLO, "en")
    alone = Respondents(orgs.store, orgs.assessor).find(solo)

    stack = ExitStack()
    clients = {"anonymous": browser(app, stack)}
    for name, (email, _) in ACCOUNTS.items():
        clients[name] = log_in(app, stack, email)
        api_token = accounts.new_token(email)
        clients[name].bearer = {"authorization": f"Bearer {api_token}"}
        clients[f"{name} (API token as session cookie)"] = mistaken = browser(app, stack)
        mistaken.http.cookies.set("sm_session", api_token)
    for name, token in (("invited", invited), ("solo", solo)):
        clients[name] = browser(app, stack)
        clients[name].bearer = {"authorization": f"Bearer {token}"}
        clients[name].session = token  # what a link's holder could try as a session:
        clients[name].http.cookies.set("sm_session", token)

    result = orgs.round_result(owner, done).result
    scores = [f"{d.score:.6g}" for d in result.dimensions if d.score % 1]
    leaks = [ZEBRA, ZEBRA_ROUND, ZEBRA_PILOT, ACCOUNTS["owner"][0], *completed, invited,
             spare_invitation.token, *scores]
    ids = {"zebra": zebra, "round": done, "pilot": pilot, "invitation": spare_invitation.id,
           "revoked": revoked.id, "spare_viewer": spare.user_id, "aardvark": aardvark,
           "their_round": theirs, "their_invitation": their_invitation,
           "solo_organization": alone.organization_id, "solo_round": alone.round_id}
    tokens = {"invited": invited, "solo": solo, "completed": completed[0],
              "revoked": revoked.token, "theirs": their_tokens[0],
              "unknown": "x" * 43}
    return World(app, ids, tokens, clients, leaks, stack)


def section_form(world: World, token: str, section_id: str) -> dict:
    """The form a browser sends for a section of ``token``'s questionnaire, filled with the
    answers stored already (saving it changes nothing)."""
    svc = world.app.state.respondents
    _, responses = svc.responses(token)
    have = responses.profile | responses.answers
    section = next(s for s in sections(svc.instrument, "en") if s.id == section_id)
    form: dict = {}
    for q in section.questions:
        value = have.get(q.id)
        if value is not None:
            form[q.id] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return form


def first_answer(world: World, token: str) -> dict:
    """One answered question of ``token`` and its stored answer, as htmx posts it."""
    svc = world.app.state.respondents
    _, responses = svc.responses(token)
    found = next(((k, v) for k, v in responses.answers.items() if isinstance(v, str)), None)
    if found is None:  # nothing answered yet: the first choice of the first question
        q = next(q for q in svc.instrument.scored_questions if q.type == "single")
        found = (q.id, svc.instrument.index.option_keys(q.id)[0])
    qid, value = found
    return {"question": qid, qid: value}


def answered_invitation(orgs, owner, round_id: int) -> str:
    """A new invitation of the round whose respondent answered every question (one of the
    example files, the outcome questions "agree") and did not complete: its link token."""
    data = answers_file(EXAMPLES / "2026" / "marketing-1.yaml")
    made = orgs.invite(owner, round_id, data["profile"]["department"])
    own = {k: v for k, v in data["profile"].items() if k not in LOCKED_FIELDS}
    respondents = Respondents(orgs.store, orgs.assessor)
    respondents.save(made.token, {**own, **data["answers"]})
    _, responses = respondents.responses(made.token)
    respondents.save(made.token, {q.id: "agree" for q in missing(orgs.instrument, responses)})
    return made.token
