"""Answering with htmx in a real browser: a refused answer's message shows within its question
at once (and goes when a good answer follows), answers that exclude each other are kept apart,
"Don't know" empties and disables the number, arrow keys through radios store the last one
chosen (the saves of one question go in order), and the progress bar moves with each save."""

from __future__ import annotations

import re
import time

import pytest

from .helpers import INSTRUMENT, create_assessment, stored

LOCALES = {"en": "en-US", "nl": "nl-NL"}
REFUSED = {"en": "out of range", "nl": "buiten het bereik"}
SAVED = {"en": "Saved", "nl": "Opgeslagen"}


def saving(page):
    """Wait for the next answer htmx posts (networkidle may already have been reached)."""
    return page.expect_response(lambda r: r.url.endswith("/answer") and
                                r.request.method == "POST")


def started(server) -> str:
    return create_assessment(server.url, "Answering Co", complete=False, sector="education",
                             size="100-999", region="emea")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_refused_answer_shows_its_message_within_the_question(new_context, server, lang):
    token = started(server)
    page = new_context(locale=LOCALES[lang]).new_page()
    page.goto(f"/a/{token}/s/listening")
    question = page.locator("#q-listening-response-rate")
    field = question.locator('input[type="number"]')
    field.fill("40")
    field.press("Tab")
    question.locator(".status .saved").wait_for()
    assert question.locator(".status").inner_text().strip() == SAVED[lang]

    field.fill("150")
    field.press("Tab")
    message = question.locator(".status .error")
    message.wait_for()
    assert REFUSED[lang] in message.inner_text()
    assert "150" in message.inner_text()
    assert SAVED[lang] not in question.locator(".status").inner_text()
    assert "has-error" in question.get_attribute("class")
    assert field.get_attribute("aria-invalid") == "true"
    assert stored(server.url, token)["answers"]["listening-response-rate"] == 40

    field.fill("60")
    field.press("Tab")
    question.locator(".status .saved").wait_for()
    assert "has-error" not in question.get_attribute("class")
    assert stored(server.url, token)["answers"]["listening-response-rate"] == 60


def test_answers_that_exclude_each_other_are_kept_apart(new_context, server):
    token = started(server)
    page = new_context().new_page()
    page.goto(f"/a/{token}/s/reach")
    boxes = '#q-reach-departments input[value="{}"]'
    page.check(boxes.format("marketing"))
    page.locator("#status-reach-departments .saved").wait_for()
    page.check(boxes.format("sales"))
    page.check(boxes.format("none"))  # "None of these" clears the others
    assert not page.is_checked(boxes.format("marketing"))
    assert not page.is_checked(boxes.format("sales"))
    page.check(boxes.format("pr-communications"))  # another option clears "None of these"
    assert not page.is_checked(boxes.format("none"))
    with saving(page):
        page.check(boxes.format("dont-know"))
    checked = page.eval_on_selector_all("#q-reach-departments input:checked",
                                        "els => els.map(e => e.value)")
    assert checked == ["dont-know"]
    assert stored(server.url, token)["answers"]["reach-departments"] == "dont-know"


def test_dont_know_empties_and_disables_the_number(new_context, server):
    token = started(server)
    page = new_context().new_page()
    page.goto(f"/a/{token}/s/listening")
    field = page.locator('#q-listening-response-rate input[type="number"]')
    field.fill("35")
    field.press("Tab")
    page.locator("#status-listening-response-rate .saved").wait_for()
    with saving(page):
        page.check('#q-listening-response-rate input[value="dont-know"]')
    assert field.is_disabled() and field.input_value() == ""
    assert stored(server.url, token)["answers"]["listening-response-rate"] == "dont-know"
    with saving(page):
        page.uncheck('#q-listening-response-rate input[value="dont-know"]')
    assert field.is_enabled()
    # after a reload the box is still ticked and the number still disabled
    with saving(page):
        page.check('#q-listening-response-rate input[value="dont-know"]')
    page.reload()
    assert field.is_disabled()


def test_arrow_keys_store_the_last_radio_chosen(new_context, server):
    """Each arrow press posts an answer; ``hx-sync`` keeps one question's saves in order, so
    the stored answer is the last one chosen (before, 1 run in 8 stored an earlier one)."""
    token = started(server)
    page = new_context().new_page()
    page.goto(f"/a/{token}/s/strategy")
    keys = [o.key for o in INSTRUMENT.index.options["strategy-sponsor"]] + ["dont-know"]
    for run in range(4):
        page.focus('#q-strategy-sponsor input[type="radio"]:checked' if run else
                   '#q-strategy-sponsor input[type="radio"]')
        if not run:
            page.keyboard.press("Space")
        presses = len(keys) - 1 if run % 2 == 0 else 3
        direction = "ArrowDown" if run % 2 == 0 else "ArrowUp"
        for _ in range(presses):
            page.keyboard.press(direction)
        chosen = page.eval_on_selector('#q-strategy-sponsor input:checked', "e => e.value")
        # the queued saves finish with the last one; an earlier one never lands after it
        deadline = time.monotonic() + 15
        while stored(server.url, token)["answers"].get("strategy-sponsor") != chosen:
            assert time.monotonic() < deadline, (run, chosen, stored(server.url, token))
            page.wait_for_timeout(200)
        page.wait_for_timeout(1000)
        assert stored(server.url, token)["answers"]["strategy-sponsor"] == chosen, run


def test_progress_moves_with_each_save(new_context, server):
    token = started(server)
    page = new_context().new_page()
    page.goto(f"/a/{token}/s/strategy")
    total = len(INSTRUMENT.scored_questions)
    label = page.locator("#progress-box label")
    assert label.inner_text() == f"0 of {total} questions answered"
    first = INSTRUMENT.index.options["strategy-sponsor"][1].key
    page.check(f'#q-strategy-sponsor input[value="{first}"]')
    page.locator("#status-strategy-sponsor .saved").wait_for()
    assert label.inner_text() == f"1 of {total} questions answered"
    assert page.locator("#progress").get_attribute("value") == "1"
    assert re.fullmatch(r"1 of \d+", page.locator("#count-strategy").inner_text())
