"""Logging in and out through the web app (in-process, a real SQLite database): the form, the
cookie, no enumeration, CSRF, the limits, ``next``, and who a page or the API sees."""

from __future__ import annotations

from fastapi.testclient import TestClient

from socialmaturity.errors import Forbidden, NotFound, Problem
from socialmaturity.web.deps import ApiActor, CurrentActor

from .conftest import PASSWORD, csrf_of, login


def refusal(html: str) -> str:
    """The message of a refused login page."""
    return html.split('id="login-error" role="alert">', 1)[1].split("<", 1)[0]


def test_the_login_form_in_english_and_dutch(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="email"' in page.text and 'type="password"' in page.text
    assert 'name="csrf_token"' in page.text and 'value="/orgs"' in page.text
    dutch = client.get("/login", headers={"accept-language": "nl"})
    assert '<html lang="nl">' in dutch.text and "Inloggen" in dutch.text


def test_a_login_redirects_to_next_with_a_session_cookie(client, app):
    res = login(client, next_="/orgs/3?tab=rounds")
    assert res.status_code == 303 and res.headers["location"] == "/orgs/3?tab=rounds"
    cookie = res.headers.get_list("set-cookie")[0]  # then the new CSRF id
    assert cookie.startswith("sm_session=")
    flags = {f.strip().lower() for f in cookie.split(";")[1:]}
    assert {"httponly", "path=/", "samesite=lax", f"max-age={12 * 3600}"} <= flags
    assert "secure" not in flags  # plain HTTP (the test server)
    token = cookie.split(";")[0].split("=", 1)[1]
    assert app.state.accounts.session_actor(token).email == "ann@example.org"
    assert login(client, next_="").headers["location"] == "/orgs"


def test_over_https_the_cookie_is_host_prefixed_and_secure(app):
    with TestClient(app, base_url="https://testserver") as client:
        res = login(client)
        assert res.status_code == 303, res.text
        cookie = res.headers.get_list("set-cookie")[0]
        assert cookie.startswith("__Host-sm_session=")
        flags = {f.strip().lower() for f in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags
        assert "ann@example.org" in client.get("/").text


def test_no_enumeration_one_status_and_one_message(client, app):
    app.state.accounts.add_user("old@example.org", "viewer", PASSWORD)
    app.state.accounts.disable("old@example.org")
    answers = [login(client, email="nobody@example.org"),
               login(client, password="not the password"),
               login(client, email="old@example.org")]
    assert {r.status_code for r in answers} == {422}
    assert len({refusal(r.text) for r in answers}) == 1
    assert "do not match an active account" in refusal(answers[0].text)
    assert all("set-cookie" not in r.headers or "sm_session" not in r.headers["set-cookie"]
               for r in answers)
    dutch = client.post("/login", headers={"accept-language": "nl"}, follow_redirects=False,
                        data={"email": "nobody@example.org", "password": "x" * 12,
                              "csrf_token": csrf_of(client.get("/login").text)})
    assert dutch.status_code == 422 and "komen niet overeen" in refusal(dutch.text)


def test_login_and_logout_need_the_csrf_token(client, app):
    res = client.post("/login", data={"email": "ann@example.org", "password": PASSWORD},
                      follow_redirects=False)
    assert res.status_code == 403 and "sm_session" not in res.headers.get("set-cookie", "")
    assert "login" not in [e.action for e in app.state.accounts.audit_log()]
    assert login(client).status_code == 303
    res = client.post("/logout", data={}, follow_redirects=False)
    assert res.status_code == 403
    assert "ann@example.org" in client.get("/").text  # still logged in


def test_next_never_leaves_the_site(client):
    for target in ["//evil.example/x", "https://evil.example", "/\\evil.example",
                   "javascript:alert(1)", "evil.example", "/ok\r\nSet-Cookie: x=1"]:
        res = login(client, next_=target)
        assert res.status_code == 303 and res.headers["location"] == "/orgs", target
    # logged in already, the login page sends the browser on: to the dashboard, not away
    assert client.get("/login?next=//evil.example", follow_redirects=False
                      ).headers["location"] == "/orgs"


def test_the_form_keeps_only_a_local_next(client):
    assert 'name="next" value="/orgs"' in client.get("/login?next=https://evil.example").text
    assert 'name="next" value="/orgs/3"' in client.get("/login?next=/orgs/3").text


def test_too_many_failures_get_a_429_page_with_retry_after(client):
    for _ in range(5):
        assert login(client, password="not the password").status_code == 422
    res = login(client)  # the right password: refused all the same
    assert res.status_code == 429 and int(res.headers["retry-after"]) > 14 * 60
    assert "Too many failed logins" in refusal(res.text)


def test_logout_ends_the_session(client, app):
    res = login(client)
    token = res.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    landing = client.get("/")
    assert "ann@example.org" in landing.text and 'action="/logout"' in landing.text
    res = client.post("/logout", data={"csrf_token": csrf_of(landing.text)},
                      follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/"
    assert 'sm_session=""' in res.headers["set-cookie"]
    assert app.state.accounts.session_actor(token) is None
    # the old cookie, sent again, is no session any more
    client.cookies.set("sm_session", token)
    assert "ann@example.org" not in client.get("/").text
    assert [e.action for e in app.state.accounts.audit_log(limit=2)] == ["logout", "login"]


def test_a_login_ends_the_session_before_and_rotates_the_csrf_id(client, app):
    app.state.accounts.add_user("bo@example.org", "viewer", PASSWORD)
    first = login(client)
    before = client.cookies.get("sm_session")
    csrf_before = client.cookies.get("sm_csrf")
    assert app.state.accounts.session_actor(before).email == "ann@example.org"
    # logging in again (as someone else) from the same browser: the old session ends
    second = login(client, email="bo@example.org")
    assert first.status_code == second.status_code == 303
    assert app.state.accounts.session_actor(before) is None
    assert app.state.accounts.session_actor(client.cookies.get("sm_session")).email == \
        "bo@example.org"
    # and the browser has a new CSRF id: a form token of before the login is refused
    assert client.cookies.get("sm_csrf") not in (None, csrf_before)
    old_form = client.post("/logout", data={"csrf_token": "x" + csrf_before},
                           follow_redirects=False)
    assert old_form.status_code == 403
    assert app.state.accounts.session_actor(client.cookies.get("sm_session")) is not None


def test_the_header_shows_log_in_or_the_account(client):
    landing = client.get("/")
    assert 'href="/login"' in landing.text and "Log out" not in landing.text
    login(client)
    assert client.get("/login", follow_redirects=False).headers["location"] == "/orgs"
    landing = client.get("/")
    assert "ann@example.org" in landing.text and "Log out" in landing.text
    # a respondent's pages are as they were: no account links in them
    token = landing_token(client, csrf_of(landing.text))
    section = client.get(f"/a/{token}/s/profile")
    assert section.status_code == 200 and "/login" not in section.text
    assert "ann@example.org" not in section.text


def landing_token(client, csrf: str) -> str:
    res = client.post("/start", data={"organization": "Acme", "csrf_token": csrf},
                      follow_redirects=False)
    return res.headers["location"].split("/")[2]


def add_probe_routes(app) -> None:
    """Routes that use the dependencies and errors as the facilitator pages and the API will."""

    @app.get("/probe/page")
    def page(actor: CurrentActor) -> dict:
        return {"email": actor.email}

    @app.get("/api/probe")
    def api(actor: ApiActor) -> dict:
        return {"email": actor.email, "role": actor.role}

    @app.get("/probe/missing")
    def missing() -> dict:
        raise NotFound(Problem("organization", "no organization with this id"))

    @app.get("/probe/forbidden")
    def forbidden() -> dict:
        raise Forbidden(Problem("organization", "a viewer cannot change this"))


def test_pages_without_a_session_go_to_the_login_page(app):
    add_probe_routes(app)
    with TestClient(app) as client:
        res = client.get("/probe/page?x=1", follow_redirects=False)
        assert res.status_code == 303
        assert res.headers["location"] == "/login?next=%2Fprobe%2Fpage%3Fx%3D1"
        form = client.get(res.headers["location"])
        assert 'value="/probe/page?x=1"' in form.text
        done = login(client, next_="/probe/page?x=1")
        assert done.headers["location"] == "/probe/page?x=1"
        assert client.get("/probe/page").json() == {"email": "ann@example.org"}


def test_an_expired_session_is_no_session(app, clock):
    add_probe_routes(app)
    app.state.accounts.clock = clock
    with TestClient(app) as client:
        login(client)
        assert client.get("/probe/page").status_code == 200
        clock.advance(hours=12)
        assert client.get("/probe/page", follow_redirects=False).status_code == 303


def test_the_api_takes_a_bearer_token_and_answers_401_without(app):
    add_probe_routes(app)
    token = app.state.accounts.new_token("ann@example.org")
    with TestClient(app) as client:
        for headers in [{}, {"authorization": "Bearer nonsense"},
                        {"authorization": f"Basic {token}"}]:
            res = client.get("/api/probe", headers=headers)
            assert res.status_code == 401 and res.headers["www-authenticate"] == "Bearer"
            assert res.json()["detail"][0]["field"] == "authorization"
        res = client.get("/api/probe", headers={"authorization": f"Bearer {token}"})
        assert res.json() == {"email": "ann@example.org", "role": "facilitator"}
        # a session cookie is not an API token
        login(client)
        assert client.get("/api/probe").status_code == 401
        app.state.accounts.disable("ann@example.org")
        res = client.get("/api/probe", headers={"authorization": f"Bearer {token}"})
        assert res.status_code == 401


def test_not_found_and_forbidden_are_pages_for_a_browser_and_json_for_the_api(app):
    add_probe_routes(app)
    with TestClient(app) as client:
        res = client.get("/probe/missing", headers={"accept": "text/html"})
        assert res.status_code == 404 and "text/html" in res.headers["content-type"]
        assert "no organization with this id" in res.text
        res = client.get("/probe/forbidden", headers={"accept": "text/html"})
        assert res.status_code == 403 and "a viewer cannot change this" in res.text
        assert "<h1>Not allowed</h1>" in res.text
        res = client.get("/probe/missing", headers={"accept": "application/json"})
        assert res.status_code == 404
        assert res.json() == {"detail": [{"field": "organization",
                                          "message": "no organization with this id"}]}
