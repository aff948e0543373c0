"""The result page shows what its JSON twin (same URL, ``Accept: application/json``) says: the
overall score and stage, the rule that decided it, each dimension's score and percentile, the
recommendations in order; numbers written the way the page's language writes them."""

from __future__ import annotations

import re

import pytest

from .helpers import create_assessment


def written(value: float | None, lang: str, decimals: int = 1) -> str:
    """A number as the page should show it: 1,234.5 in English, 1.234,5 in Dutch."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def shown(page, test_id: str) -> str:
    return re.sub(r"\s+", " ", page.get_by_test_id(test_id).inner_text()).strip()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_result_page_shows_what_the_json_says(new_context, server, lang):
    token = create_assessment(server.url, "Twin Test")
    page = new_context().new_page()
    # the language chosen with the switch (a cookie) holds for the page and its JSON twin
    page.goto(f"/lang/{lang}?next=/a/{token}/result")
    assert page.url.endswith(f"/a/{token}/result")
    assert page.get_attribute("html", "lang") == lang
    res = page.request.get(page.url, headers={"accept": "application/json"})
    assert res.ok and res.headers["content-type"].startswith("application/json")
    assert "accept" in res.headers.get("vary", "").lower()
    data = res.json()
    assert data["language"] == lang

    overall = data["overall"]
    assert shown(page, "overall-score") == written(overall["score"], lang)
    assert shown(page, "stage") == overall["stage"]["name"]
    assert shown(page, "decided-by") == overall["stage"]["decided_by"]["explanation"]

    table = page.get_by_test_id("dimensions")
    rows = table.locator("tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.dimension)") == [
        d["id"] for d in data["dimensions"]]
    benchmark = {d["id"]: d for d in data["benchmark"]["dimensions"]}
    for d in data["dimensions"]:
        row = table.locator(f'tr[data-dimension="{d["id"]}"]')
        assert row.locator("th").inner_text().strip() == d["name"]
        # a score with one decimal as the JSON holds it, a percentile whole, as everywhere
        assert shown(page, f"score-{d['id']}") == written(d["score"], lang), d["id"]
        percentile = benchmark[d["id"]]["percentile"]
        assert shown(page, f"percentile-{d['id']}") == written(percentile, lang, 0), d["id"]
    assert overall["score"] % 1, "pick answers with a fractional overall score"

    recommendations = data["recommendations"]
    assert len(recommendations) > 3, "the answers should leave something to recommend"
    cards = page.get_by_test_id("top-steps").locator("> li > h3").all_inner_texts()
    assert cards == [r["title"] for r in recommendations[:3]]
    effects = page.get_by_test_id("effect").all_inner_texts()
    assert written(recommendations[0]["effect"]["overall_after"], lang) in effects[0]
    rest = page.get_by_test_id("recommendations").locator("> li > h3").all_inner_texts()
    assert rest == [r["title"] for r in recommendations[3:]]
    ids = page.locator("[data-recommendation]").evaluate_all(
        "els => els.map(e => e.dataset.recommendation)")
    assert ids == [r["id"] for r in recommendations]
    assert data["path_to_next_stage"] and page.get_by_test_id("path").count() == 1
