"""Security for the web app: headers, request limits, errors without leaks, and CSRF.

**CSRF** (OWASP's signed double-submit cookie): every browser gets a random session id in the
``sm_csrf`` cookie (SameSite=Strict, HttpOnly; ``__Host-sm_csrf`` over HTTPS, which a sibling
subdomain cannot set). Forms carry ``csrf_token`` and htmx requests the ``X-CSRF-Token``
header with the HMAC-SHA256 of that session id under a server secret (made on the first start
and kept in the database, so every worker checks the same way). The cookie itself is never
written into a page; a planted cookie without the server's signature for it is worth nothing,
and a cross-site page can read neither. The JSON API takes only ``application/json`` bodies,
which a cross-site form cannot send, and uses no cookies.

**Limits**: bodies over ``MAX_BODY`` get 413 (with a Content-Length or chunked), request
heads over the setting ``max-header-kb`` get 431 (``web.protocol`` enforces it as the bytes
arrive; this is the same check for any other server); every response, a 500 included,
carries the security headers, and JSON API responses ``Cache-Control: no-store``. An error
the app did not expect is logged without the request's body or the resume token and answered
with a plain 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MAX_BODY = 64 * 1024  # bytes; a complete questionnaire is a few kB

log = logging.getLogger("socialmaturity.web")

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
     b"base-uri 'none'; object-src 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityMiddleware:
    """The headers, the limits and the plain 500 of the module's **Limits**."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY, max_head: int | None = None):
        from ..core.settings import current

        self.app = app
        self.max_body = max_body
        self.max_head = max_head or current().max_header_kb * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_headers = scope.get("headers") or []
        head = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + sum(
            len(k) + len(v) + 4 for k, v in raw_headers)
        if head > self.max_head:
            await _plain(send, 431, f"Request headers too large: at most {self.max_head // 1024}"
                                    " kB.")
            return
        length = dict(raw_headers).get(b"content-length")
        too_large = f"Request too large: at most {self.max_body // 1024} kB."
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _plain(send, 413, too_large)
            return
        # Read the whole body first (at most max_body): a chunked body over the limit gets
        # 413 here, before any parser sees it.
        body = bytearray()
        if scope.get("method", "GET") not in ("GET", "HEAD"):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                if len(body) > self.max_body:
                    await _plain(send, 413, too_large)
                    return
                if not message.get("more_body", False):
                    break
        pending = [{"type": "http.request", "body": bytes(body), "more_body": False}]

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        api = scope.get("path", "").startswith("/api/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if api and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, replay, send_with_headers)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"),
                          _TOKEN_IN_PATH.sub(r"\1…", scope.get("path", "")))
            if not started:
                await _plain(send, 500, "Internal server error.")


#: Resume tokens in a path, which the log leaves out: they are secrets.
_TOKEN_IN_PATH = re.compile(r"(/a/|/api/assessments/)[^/]+")


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")] + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


# -- CSRF -----------------------------------------------------------------------------------------


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def csrf_cookie_name(scheme: str) -> str:
    """``__Host-sm_csrf`` over HTTPS (browsers refuse it from a subdomain or without
    ``Secure`` and ``Path=/``), ``sm_csrf`` otherwise."""
    return "__Host-sm_csrf" if scheme == "https" else "sm_csrf"


def csrf_token(secret: str, session_id: str) -> str:
    """The token forms and htmx send: HMAC-SHA256 of the session id under the server secret."""
    mac = hmac.new(secret.encode(), b"csrf:" + session_id.encode("utf-8", "replace"),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def csrf_ok(secret: str, session_id: str | None, submitted: str | None) -> bool:
    """Whether ``submitted`` is the signature of the browser's session id."""
    if not session_id or not submitted or len(session_id) > 100:
        return False
    return hmac.compare_digest(csrf_token(secret, session_id).encode(),
                               submitted.encode("utf-8", "replace"))


# -- redirects ------------------------------------------------------------------------------------


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site (``/orgs?x=1``), else ``default``: an
    absolute URL, a scheme-relative ``//host`` or ``/\\host`` (browsers read a backslash
    as a slash), or a control character would send the browser elsewhere (an open
    redirect)."""
    if (not isinstance(target, str) or not target.startswith("/") or len(target) > 2000
            or target[1:2] in ("/", "\\") or any(c < " " or c == "\x7f" for c in target)):
        return default
    return target
