"""The private link continues an assessment anywhere: in a new browser (fresh cookies) the
answers given so far are there, and the link opens the first section with a required question
still unanswered. Answers given with htmx count, without pressing "Save and continue"."""

from __future__ import annotations

import re

from .helpers import INSTRUMENT, plan, stored, token_of


def saved(page, qid: str) -> None:
    """Wait until htmx has stored the answer to ``qid`` (its status says so)."""
    page.locator(f"#status-{qid} .saved").wait_for(state="visible")


def private_link(page) -> str:
    href = page.locator("p.resume a").get_attribute("href")
    assert re.fullmatch(r"/a/[A-Za-z0-9_-]{43,}", href), href
    return href


def test_the_private_link_continues_in_a_new_browser(new_context, server):
    answers = plan()
    first = new_context().new_page()
    first.goto("/")
    first.fill("#organization", "Resume Co")
    first.get_by_role("button", name="Start the assessment").click()
    first.wait_for_url("**/s/profile")
    for row in answers["profile"][:3]:  # sector, size, region
        first.check(f'input[name="{row.id}"][value="{row.value}"]')
    first.get_by_role("button", name="Save and continue").click()
    first.wait_for_url("**/s/strategy")
    # two strategy answers saved by htmx alone; the section is not submitted
    given = answers["strategy"][:2]
    for row in given:
        first.check(f'input[name="{row.id}"][value="{row.value}"]')
        saved(first, row.id)
    link = private_link(first)
    token = token_of(link)
    assert link == f"/a/{token}" and token == token_of(first.url)

    # a new browser: no cookies, only the link
    second = new_context(locale="en-GB").new_page()
    assert second.context.cookies() == []
    second.goto(link)
    assert second.url.endswith(f"/a/{token}/s/strategy"), second.url
    for row in given:
        assert second.is_checked(f'input[name="{row.id}"][value="{row.value}"]'), row
    assert second.locator('input[name="strategy-budget"]:checked').count() == 0
    total = len(INSTRUMENT.scored_questions)  # the one question count: the scored questions
    # the two strategy answers (the profile is not scored)
    assert second.locator(".progress label").inner_text() == f"2 of {total} questions answered"
    second.goto(f"/a/{token}/s/profile")
    assert second.input_value("#in-organization") == "Resume Co"
    for row in answers["profile"][:3]:
        assert second.is_checked(f'input[name="{row.id}"][value="{row.value}"]'), row

    # the rest of the strategy in the second browser, again by htmx only: the link now
    # opens the next section with something missing
    second.goto(f"/a/{token}/s/strategy")
    for row in answers["strategy"][2:]:
        second.check(f'input[name="{row.id}"][value="{row.value}"]')
        saved(second, row.id)
    third = new_context().new_page()
    third.goto(link)
    assert third.url.endswith(f"/a/{token}/s/reach"), third.url
    have = stored(server.url, token)["answers"]
    assert {row.id: row.value for row in answers["strategy"]}.items() <= have.items()
