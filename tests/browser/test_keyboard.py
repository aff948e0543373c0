"""A whole assessment by keyboard alone, in English and in Dutch.

After the first page load nothing but the keyboard moves the test on: Tab and Shift+Tab move
the focus, arrow keys and Space choose radios, Space ticks boxes, digits are typed, Enter
presses buttons and follows links. No click, check, fill or goto."""

from __future__ import annotations

import re

import pytest

from .helpers import (
    INSTRUMENT,
    Planned,
    active,
    focus_is_visible,
    plan,
    stored,
    tab_to,
    token_of,
)

NAMES = {"en": ("Keyboard Works Ltd", "Netherlands"), "nl": ("Toetsenbord B.V.", "Nederland")}


def press(page, key: str = "Enter") -> None:
    """Press a key that loads a new page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def answer(page, row: Planned) -> None:
    """Give one planned answer with the keyboard, starting before the question's fields."""
    name = f'[name="{row.id}"]'
    if row.type == "text":
        tab_to(page, f"input{name}")
        page.keyboard.type(row.value)
    elif row.type == "single":
        tab_to(page, f"input[type=radio]{name}")
        first = active(page)
        assert first["value"] == row.keys[0] and not first["checked"], first
        steps = row.keys.index(row.value)
        if steps == 0:
            page.keyboard.press("Space")
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
        now = active(page)
        assert now["value"] == row.value and now["checked"], (row, now)
    elif row.type == "multi":
        tab_to(page, f"input[type=checkbox]{name}")
        for n, key in enumerate(row.keys):
            if n:
                page.keyboard.press("Tab")
            box = active(page)
            assert box["name"] == row.id and box["value"] == key, (row, box)
            if key in row.value:
                page.keyboard.press("Space")
                assert active(page)["checked"], (row, key)
    elif row.type == "numeric":
        tab_to(page, f"input[type=number]{name}")
        if row.value == "dont-know":
            tab_to(page, f'input[type=checkbox]{name}[value="dont-know"]')
            page.keyboard.press("Space")
            assert active(page)["checked"]
        else:
            page.keyboard.type(f"{row.value:g}")
            assert active(page)["value"] == f"{row.value:g}"
    else:
        raise AssertionError(f"no keyboard plan for {row.type}")


def checked_values(page, qid: str) -> list[str]:
    return page.eval_on_selector_all(f'input[name="{qid}"]:checked', "els => els.map(e => e.value)")


def take_assessment(page, lang: str, server_url: str) -> str:
    organization, country = NAMES[lang]
    answers = plan(country)
    page.goto("/")  # the only goto: from here on, the keyboard
    if lang == "nl":
        tab_to(page, 'a[hreflang="nl"]')
        press(page)
        assert page.get_attribute("html", "lang") == "nl"
    tab_to(page, "input#organization")
    page.keyboard.type(organization)
    tab_to(page, 'form.start button[type="submit"]')
    assert focus_is_visible(page), "the start button shows no focus indicator"
    press(page)
    assert re.search(r"/a/[^/]+/s/profile$", page.url), page.url
    token = token_of(page.url)
    assert page.input_value("input#in-organization") == organization

    ids = list(answers)
    for n, section_id in enumerate(ids):
        assert page.url.endswith(f"/s/{section_id}"), (page.url, section_id)
        for i, row in enumerate(answers[section_id]):
            answer(page, row)
            if n == 0 and i == 0:
                assert focus_is_visible(page), "a focused radio shows no focus indicator"
        last = n + 1 == len(ids)
        button = 'button[value="review"]' if last else 'button[value="next"]'
        tab_to(page, button)
        assert focus_is_visible(page), "a focused button shows no focus indicator"
        if section_id == "reach":
            # Shift+Tab from "Save and continue" to "Back": the answers go along, and come back
            tab_to(page, 'button[value="back"]', back=True)
            press(page)
            assert page.url.endswith("/s/strategy")
            for row in answers["strategy"]:
                assert checked_values(page, row.id) == [row.value], row
            tab_to(page, 'button[value="next"]')
            press(page)
            assert page.url.endswith("/s/reach")
            for row in answers["reach"]:
                want = row.value if isinstance(row.value, list) else [row.value]
                assert checked_values(page, row.id) == want, row
            tab_to(page, button)
        press(page)

    assert page.url.endswith("/review"), page.url
    assert page.locator("section.gaps").count() == 0, "the review still lists unanswered questions"
    tab_to(page, f'form[action="/a/{token}/complete"] button')
    press(page)
    assert page.url.endswith(f"/a/{token}/result"), page.url

    # every question has the answer the keys gave it
    saved = stored(server_url, token)
    assert saved["missing"] == []
    have = saved["profile"] | saved["answers"]
    assert have["organization"] == organization
    for rows in answers.values():
        for row in rows:
            got = have.get(row.id)
            if isinstance(row.value, list):
                assert sorted(got) == sorted(row.value), row
            else:
                assert got == row.value, (row, got)
    asked = sum(len(s) for s in answers.values()) + 1  # + the organization
    assert asked == len(INSTRUMENT.index.questions) == len(have)
    return token


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_whole_assessment_by_keyboard(page, server, lang):
    take_assessment(page, lang, server.url)
    assert page.get_attribute("html", "lang") == lang
    stage = page.get_by_test_id("stage")
    score = page.get_by_test_id("overall-score")
    assert stage.is_visible() and score.is_visible()
    separator = "," if lang == "nl" else "."
    assert re.fullmatch(rf"\d{{1,3}}{re.escape(separator)}\d", score.inner_text().strip())
    result = page.request.get(page.url, headers={"accept": "application/json"}).json()
    assert stage.inner_text().strip() == result["overall"]["stage"]["name"]
    assert score.inner_text().strip() == f"{result['overall']['score']:.1f}".replace(
        ".", separator)
    assert page.get_by_test_id("dimensions").locator("tbody tr").count() == len(
        INSTRUMENT.dimensions)
