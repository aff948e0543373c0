"""The pages run clean: no error in the browser console (a Content Security Policy violation
is one) and no failed request, on the landing page, a section while htmx saves an answer, the
review and the result."""

from __future__ import annotations

from .helpers import create_assessment


def test_no_console_errors_or_failed_requests(new_context, server):
    token = create_assessment(server.url, "Console Co", complete=False, sector="education",
                              size="100-999", region="emea")
    complete = create_assessment(server.url, "Console Co")
    page = new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(
        f"{page.url}: console {m.type}: {m.text[:160]} (from {m.location.get('url')})"))
    page.on("pageerror", lambda e: errors.append(f"{page.url}: uncaught {e}"))
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))

    page.goto("/")
    page.goto(f"/a/{token}/s/strategy")
    page.check('input[name="strategy-sponsor"][value="director"]')
    page.locator("#status-strategy-sponsor .saved").wait_for()
    page.goto(f"/a/{token}/review")
    page.goto(f"/a/{complete}/result")
    page.wait_for_load_state("networkidle")

    # a browser asks for /favicon.ico by itself; the app has none (see the report)
    failed = [f for f in failed if not f.endswith("/favicon.ico")]
    errors = [e for e in errors if not e.endswith("/favicon.ico)")]
    assert not failed, failed
    assert not errors, "\n".join(errors)
