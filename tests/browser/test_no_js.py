"""Without JavaScript the assessment works by plain form posts: start, the profile, a section
(with a wrong answer shown next to its field and nothing of that post stored), Back, review,
and the result."""

from __future__ import annotations

import re

from .helpers import plan, stored, token_of


def test_plain_forms_reach_the_result(new_context, server):
    answers = plan()
    page = new_context(java_script_enabled=False).new_page()
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    page.goto("/")
    page.fill("#organization", "No Script Inc")
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/s/profile")
    token = token_of(page.url)
    for row in answers["profile"][:3]:
        page.check(f'input[name="{row.id}"][value="{row.value}"]')
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/s/strategy")
    assert stored(server.url, token)["profile"] == {
        "organization": "No Script Inc", **{r.id: r.value for r in answers["profile"][:3]}}

    for row in answers["strategy"]:
        page.check(f'input[name="{row.id}"][value="{row.value}"]')
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/s/reach")
    assert {r.id: r.value for r in answers["strategy"]}.items() <= \
        stored(server.url, token)["answers"].items()
    assert all(p.headers.get("hx-request") is None for p in posts), "htmx ran without JS"
    assert not any(p.url.endswith("/answer") for p in posts)

    # a wrong answer comes back next to its field, with a summary, and nothing of it is stored
    page.goto(f"/a/{token}/s/listening")
    page.check('input[name="listening-tools"][value="manual"]')
    page.fill('input[name="listening-response-rate"]', "150")
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Save and continue").click()
    assert sent.value.status == 422
    assert page.url.endswith(f"/a/{token}/s/listening")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator('a[href="#q-listening-response-rate"]').count() == 1
    field = page.locator("#q-listening-response-rate")
    assert "has-error" in field.get_attribute("class")
    assert field.locator("#error-listening-response-rate").is_visible()
    assert "error-listening-response-rate" in field.get_attribute("aria-describedby")
    assert float(page.input_value('input[name="listening-response-rate"]')) == 150
    assert page.is_checked('input[name="listening-tools"][value="manual"]')
    assert "listening-tools" not in stored(server.url, token)["answers"]

    # corrected, and Back goes to the previous section, saving on the way
    page.fill('input[name="listening-response-rate"]', "80")
    page.get_by_role("button", name="Back").click()
    page.wait_for_url("**/s/reach")
    have = stored(server.url, token)["answers"]
    assert have["listening-tools"] == "manual" and have["listening-response-rate"] == 80.0

    # on through the outcomes section's "Save and review" to the result
    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="What social media brings you").click()
    page.wait_for_url("**/s/outcomes")
    page.get_by_role("button", name="Save and review").click()
    page.wait_for_url("**/review")
    assert page.locator(".answer.gap").count() > 0  # the rest is still unanswered
    # few answers: continuing is the main way on; the result is there anyway
    assert page.get_by_role("link", name="Continue answering").get_attribute("class") == \
        "button primary"
    page.get_by_role("button", name="See my result anyway").click()
    page.wait_for_url(f"**/a/{token}/result")
    assert page.get_by_test_id("stage").inner_text().strip()
    assert re.fullmatch(r"\d{1,3}\.\d", page.get_by_test_id("overall-score").inner_text())
    strategy = page.locator('tr[data-dimension="strategy"]')
    assert strategy.get_by_test_id("score-strategy").inner_text() != "–"
