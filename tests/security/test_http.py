"""Items 6, 9 and 10 of issue 8: HTTP hygiene and CSRF.

- JSON API responses carry ``Cache-Control: no-store``; a 500 carries the security headers;
- a chunked body over 64 kB gets 413 (it got 400); a request head over 16 kB gets 431 and a
  connection that never finishes its head is closed (on a real ``socialmaturity serve``);
- the CSRF token is the server's HMAC of the session cookie, never the cookie itself: a
  planted cookie, a token of another session or the cookie's value as token are refused.
"""

from __future__ import annotations

import socket
import time

import httpx
from fastapi.testclient import TestClient

from socialmaturity.core.settings import Settings
from socialmaturity.web.app import create_app
from socialmaturity.web.security import SECURITY_HEADERS
from tests.web.server import running

from ..web.conftest import csrf, csrf_of, start


def test_json_api_responses_are_not_stored(client):
    res = client.post("/api/assessments", json={})
    assert res.headers["cache-control"] == "no-store"
    token = res.json()["token"]
    for path in (f"/api/assessments/{token}", "/api/assessments/nope",
                 f"/api/assessments/{token}/result"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert client.put(f"/api/assessments/{token}/answers",
                      json={"answers": {"x": 1}}).headers["cache-control"] == "no-store"


def test_a_chunked_body_over_the_limit_gets_413(client):
    def chunks():
        for _ in range(80):
            yield b"a" * 1024

    token = client.post("/api/assessments", json={}).json()["token"]
    res = client.put(f"/api/assessments/{token}/answers", content=chunks(),
                     headers={"content-type": "application/json"})
    assert res.status_code == 413, res.text
    res = client.post("/start", content=chunks(),
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert res.status_code == 413
    assert res.headers["x-frame-options"] == "DENY"


def test_a_500_carries_the_security_headers_and_no_details(tmp_path, assessor):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/e.sqlite"), assessor)

    @app.get("/api/assessments/{token}/boom")
    def boom(token: str):
        raise RuntimeError("secret detail Acme Corp")

    with TestClient(app, raise_server_exceptions=False) as c:
        res = c.get("/api/assessments/tok123/boom")
    assert res.status_code == 500
    assert "secret detail" not in res.text
    for name, value in SECURITY_HEADERS:
        assert res.headers[name.decode()] == value.decode()


def test_a_huge_or_slow_request_head_is_cut_off(tmp_path):
    """On a real server of two worker processes, with the timeout given as a flag: ``serve``
    hands it to its workers (``Settings.export``), the default would be 10 s."""
    env_url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    with running(env_url, log=tmp_path / "server.log", workers=2,
                 args=("--header-timeout", "2")) as server:
        # 1 MB of headers: 431 at once, the rest never read
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
            try:
                for _ in range(64):
                    s.sendall(b"a" * 16384)
            except OSError:
                pass  # the server closed the connection while we were sending
            reply = s.recv(200)
        assert reply.startswith(b"HTTP/1.1 431"), reply
        # headers just under the limit are fine
        ok = httpx.get(server.url + "/healthz", headers={"x-pad": "a" * 12_000})
        assert ok.status_code == 200
        # a head that never ends: closed after the header timeout
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            t = time.monotonic()
            assert s.recv(100) == b""  # closed by the server
            assert 1 < time.monotonic() - t < 8
        # a connection that sends nothing at all: closed too
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            t = time.monotonic()
            assert s.recv(100) == b""
            assert time.monotonic() - t < 8
        assert httpx.get(server.url + "/healthz").status_code == 200


# -- CSRF -----------------------------------------------------------------------------------------


def test_the_page_never_carries_the_cookie(client):
    page = client.get("/").text
    cookie = client.cookies["sm_csrf"]
    assert cookie not in page
    token = csrf_of(page)
    assert token != cookie
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page


def test_a_planted_cookie_or_a_foreign_token_is_refused(client, tmp_path, assessor):
    victim_token = start(client)
    data = {"sector": "technology", "go": "next"}
    # the attacker plants a cookie of their choosing and submits it as the token
    client.cookies.set("sm_csrf", "planted-by-a-sibling-subdomain")
    res = client.post(f"/a/{victim_token}/s/profile",
                      data={**data, "csrf_token": "planted-by-a-sibling-subdomain"},
                      follow_redirects=False)
    assert res.status_code == 403
    # a token made for another session does not fit this one
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/other.sqlite"), assessor)
    with TestClient(app) as other:
        foreign = csrf(other)
    client.cookies.clear()
    client.get("/")
    res = client.post(f"/a/{victim_token}/s/profile", data={**data, "csrf_token": foreign},
                      follow_redirects=False)
    assert res.status_code == 403
    res = client.post(f"/a/{victim_token}/answer", data={"question": "sector",
                                                          "sector": "technology"},
                      headers={"X-CSRF-Token": client.cookies["sm_csrf"], "HX-Request": "true"})
    assert res.status_code == 403
    # the signed token of this session works, as field and as htmx header
    res = client.post(f"/a/{victim_token}/answer", data={"question": "sector",
                                                          "sector": "technology"},
                      headers={"X-CSRF-Token": csrf(client), "HX-Request": "true"})
    assert res.status_code == 200


def test_the_signing_secret_is_made_once_and_kept_in_the_database(tmp_path, assessor):
    url = f"sqlite:///{tmp_path}/shared.sqlite"
    first = create_app(Settings(database_url=url), assessor)
    second = create_app(Settings(database_url=url), assessor)
    assert first.state.csrf_secret == second.state.csrf_secret
    assert len(first.state.csrf_secret) >= 43
    other = create_app(Settings(database_url=f"sqlite:///{tmp_path}/o.sqlite"), assessor)
    assert other.state.csrf_secret != first.state.csrf_secret


def test_over_https_the_cookie_is_host_only(tmp_path, assessor):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/s.sqlite"), assessor)
    with TestClient(app, base_url="https://testserver") as c:
        res = c.get("/")
        cookie = res.headers["set-cookie"]
        assert cookie.startswith("__Host-sm_csrf=") and "Secure" in cookie and "Path=/" in cookie
        token = start(c)
        assert token
    # an attacker's own valid pair (cookie and token, got over plain HTTP), planted under the
    # plain name that a subdomain can set, counts for nothing over HTTPS
    with TestClient(app) as attacker:
        pair = (attacker.get("/") and attacker.cookies["sm_csrf"], csrf(attacker))
    with TestClient(app, base_url="https://testserver") as victim:
        victim.cookies.set("sm_csrf", pair[0])
        res = victim.post("/start", data={"csrf_token": pair[1]}, follow_redirects=False)
        assert res.status_code == 403


def test_the_api_takes_no_cross_site_form_bodies(client):
    """A cross-site form can send text/plain or urlencoded, never application/json: the API
    refuses both, so it needs no CSRF token (and it uses no cookies)."""
    body = '{"organization": "forged"}'
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        res = client.post("/api/assessments", content=body, headers={"content-type": kind})
        assert res.status_code == 422, (kind, res.status_code)


def test_a_multipart_form_with_files_is_no_500(client):
    token = start(client)
    signed = csrf(client)
    for path in (f"/a/{token}/s/profile", f"/a/{token}/answer", "/start",
                 f"/a/{token}/complete"):
        res = client.post(path, data={"csrf_token": signed, "question": "sector"},
                          files={"sector": ("x.txt", b"hi"), "organization": ("y", b"z")},
                          follow_redirects=False)
        assert res.status_code < 500, (path, res.status_code)
        res = client.post(path, data={"question": "organization"},
                          files={"csrf_token": ("x.txt", signed.encode())},
                          follow_redirects=False)
        assert res.status_code == 403, (path, res.status_code)
