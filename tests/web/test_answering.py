"""Answering in the browser, in-process: refusals named by labels in both languages, answers
that exclude each other refused by the server, live progress out of band, the profile needed
before moving on, the review listing every answer, the outcome scale, the API docs page."""

from __future__ import annotations

import re

from socialmaturity.instrument.loader import bundled_instrument

from .conftest import COMPLETE_PROFILE, csrf, post_section, start

INSTRUMENT = bundled_instrument()
NL = {"accept-language": "nl-NL"}


def answer(client, token, qid, values, headers=None):
    return client.post(f"/a/{token}/answer",
                       data={"question": qid, qid: values},
                       headers={"X-CSRF-Token": csrf(client), "HX-Request": "true",
                                **(headers or {})})


def test_none_of_these_with_another_option_is_refused_by_its_label(client):
    token = start(client)
    res = answer(client, token, "reach-departments", ["marketing", "none"])
    assert res.status_code == 422
    assert "“None of these” excludes every other option" in res.text
    assert "Saved" not in res.text
    res = answer(client, token, "reach-departments", ["marketing", "dont-know"], NL)
    assert res.status_code == 422
    assert "“Weet ik niet” sluit alle andere antwoorden uit" in res.text
    assert "&#39;none&#39;" not in res.text and "dont-know" not in res.text
    assert "reach-departments" not in client.get(f"/api/assessments/{token}").json()["answers"]


def test_a_number_and_dont_know_together_are_refused(client):
    token = start(client)
    res = answer(client, token, "listening-response-rate", ["40", "dont-know"])
    assert res.status_code == 422 and "“Don&#39;t know” excludes" in res.text
    res = answer(client, token, "listening-response-rate", ["dont-know"])
    assert res.status_code == 200
    assert client.get(f"/api/assessments/{token}").json()["answers"][
        "listening-response-rate"] == "dont-know"
    # a plain form post (no JavaScript) is refused the same way, next to the field
    res = post_section(client, token, "listening", {"listening-response-rate": ["40",
                                                                               "dont-know"]})
    assert res.status_code == 422 and 'id="error-listening-response-rate"' in res.text


def test_numeric_text_names_the_special_answers_by_label(client):
    token = start(client)
    res = answer(client, token, "listening-response-rate", "lots", NL)
    assert res.status_code == 422
    assert "Weet ik niet" in res.text and "dont-know" not in res.text


def test_a_saved_answer_updates_progress_and_the_section_count_out_of_band(client):
    token = start(client)
    res = answer(client, token, "strategy-sponsor", "c-level")
    assert res.status_code == 200 and "Saved" in res.text
    assert re.search(r'id="progress-box" hx-swap-oob="true"', res.text)
    total = len(INSTRUMENT.scored_questions)
    assert f"1 of {total} questions answered" in res.text
    assert 'id="count-strategy" hx-swap-oob="true"' in res.text and "1 of " in res.text


def test_one_question_count_everywhere(client):
    total = len(INSTRUMENT.scored_questions)
    assert f"Answer {total} questions" in client.get("/").text
    token = start(client)
    for path in (f"/a/{token}/s/strategy", f"/a/{token}/review"):
        assert f"0 of {total} questions answered" in client.get(path).text


def test_the_profile_page_does_not_move_on_when_empty(client):
    token = start(client)
    res = post_section(client, token, "profile", {})
    assert res.status_code == 422
    for qid in ("sector", "size", "region"):
        assert f'id="error-{qid}"' in res.text
    assert "Choose an answer" in res.text
    res = post_section(client, token, "profile", {}, go="back")
    assert res.status_code in (303, 422)
    res = post_section(client, token, "profile", COMPLETE_PROFILE)
    assert res.status_code == 303 and res.headers["location"].endswith("/s/strategy")
    res = post_section(client, token, "profile", {}, go="next")  # a form that clears them
    assert res.status_code == 422


def test_review_lists_every_answer_per_section_with_edit_links(client):
    token = start(client)
    post_section(client, token, "profile", COMPLETE_PROFILE)
    post_section(client, token, "reach", {"reach-departments": ["marketing", "sales"]})
    post_section(client, token, "listening", {"listening-response-rate": "85,5"})
    page = client.get(f"/a/{token}/review").text
    assert f'href="/a/{token}/s/reach"' in page and ">Edit<" in page
    assert "Marketing; Sales" in page and "85.5%" in page  # as given, as English writes it
    assert "No answer yet" in page
    # few answers: continuing is the main button, the result a secondary one
    assert 'class="button primary" href="/a/' in page
    assert 'class="secondary">See my result anyway' in page


def test_the_outcomes_are_one_compact_scale(client):
    token = start(client)
    page = client.get(f"/a/{token}/s/outcomes").text
    assert 'class="scale cols-6"' in page
    assert page.count('class="question scale-row') == len(INSTRUMENT.outcomes)
    # every radio keeps its own label for assistive technology
    assert page.count('class="cell-label"') == 6 * len(INSTRUMENT.outcomes)


def test_every_assessment_page_has_the_private_link_and_a_copy_button(client):
    token = start(client)
    for path in (f"/a/{token}/s/profile", f"/a/{token}/review"):
        page = client.get(path).text
        assert f'id="resume-link" href="/a/{token}"' in page
        assert 'data-copy="resume-link"' in page and " hidden>" in page


def test_api_docs_page_works_on_a_phone_and_without_javascript(client):
    page = client.get("/api/docs").text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<a href="/">' in page
    assert '<noscript>' in page and 'href="/api/openapi.json"' in page
    nl = client.get("/api/docs", headers=NL).text
    assert '<html lang="nl">' in nl and "Terug naar het assessment" in nl
