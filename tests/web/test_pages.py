"""In-process route tests of the pages, with a real database and the real engine."""

from __future__ import annotations

import html
import json

import jsonschema
import yaml

from socialmaturity.reports.result import result_schema

from ..conftest import extreme_answers
from .conftest import COMPLETE_PROFILE, csrf, post_section, start

EXAMPLE = yaml.safe_load(open("examples/answers.yaml"))


def test_landing_in_english_and_dutch(client):
    res = client.get("/")
    assert res.status_code == 200
    assert "How long it takes" in res.text and "What happens to your data" in res.text
    assert "demo benchmark of synthetic data" in res.text
    res = client.get("/", headers={"accept-language": "nl-NL,nl;q=0.9,en;q=0.8"})
    assert '<html lang="nl">' in res.text and "Hoe lang het duurt" in res.text


def test_the_landing_page_and_the_footer_agree_on_what_answers_are_used_for(client):
    """Answers are compared with the benchmark, never part of it: a panel is read from a
    file (``--panel``), never from the answers in the database."""
    for lang, card, footer in (
            ("en", "compared with the benchmark, never added to it",
             "They are never added to the benchmark."),
            ("nl", "met de benchmark vergeleken, nooit eraan toegevoegd",
             "Ze worden nooit aan de benchmark toegevoegd.")):
        main, below = html.unescape(client.get(f"/?lang={lang}").text).split("<footer")
        assert card in main and footer in below, lang


def test_language_switch_is_remembered(client):
    res = client.get("/lang/nl?next=/", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/"
    assert 'lang="nl"' in client.get("/").text
    assert client.get("/lang/en?next=//evil.example", follow_redirects=False) \
        .headers["location"] == "/"


def test_lang_in_the_query_chooses_the_language_of_that_request_alone(client):
    assert 'lang="nl"' in client.get("/?lang=nl").text
    assert 'lang="en"' in client.get("/").text  # not remembered
    client.get("/lang/nl?next=/")
    assert 'lang="en"' in client.get("/?lang=en").text  # over the cookie
    assert 'lang="nl"' in client.get("/?lang=xx").text  # not a language: the cookie's


def test_a_pdf_link_with_lang_gives_the_report_in_that_language(client):
    token = start(client)
    post_section(client, token, "profile", COMPLETE_PROFILE)
    dutch = client.get(f"/a/{token}/report.pdf?lang=nl")
    assert dutch.status_code == 200 and dutch.content.startswith(b"%PDF")
    assert b"<rdf:li>nl</rdf:li>" in dutch.content  # the PDF's XMP language
    assert b"<rdf:li>en</rdf:li>" in client.get(f"/a/{token}/report.pdf").content


def test_security_headers(client):
    res = client.get("/")
    csp = res.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert res.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in res.text.replace('<script src="/static/', "")


def test_forms_need_the_csrf_token(client):
    res = client.post("/start", data={"organization": "x"}, follow_redirects=False)
    assert res.status_code == 403
    token = start(client)
    res = client.post(f"/a/{token}/s/profile", data={"sector": "technology", "csrf_token": "x"})
    assert res.status_code == 403
    res = client.post(f"/a/{token}/answer", data={"question": "sector", "sector": "technology"})
    assert res.status_code == 403


def test_request_size_limit(client):
    res = client.post("/start", content=b"a=" + b"x" * 100_000,
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert res.status_code == 413


def test_resume_token_is_long_and_unknown_ones_are_404(client):
    token = start(client)
    assert len(token) >= 43  # ≥ 256 bits, url-safe base64
    assert client.get("/a/not-a-real-token/s/profile").status_code == 404


def test_section_page_is_accessible_markup(client):
    token = start(client)
    html = client.get(f"/a/{token}/s/strategy").text
    assert html.count("<fieldset") == html.count("<legend id=") >= 4
    assert 'type="radio"' in html and "<label" in html
    assert '<progress id="progress"' in html and 'for="progress"' in html
    assert f'hx-post="/a/{token}/answer"' in html


def test_plain_form_posts_save_and_move_on(client):
    token = start(client, "Acme")
    res = post_section(client, token, "profile", COMPLETE_PROFILE)
    assert res.status_code == 303 and res.headers["location"].endswith("/s/strategy")
    res = post_section(client, token, "strategy", {"strategy-sponsor": "c-level",
                                                   "strategy-budget": "dont-know"})
    assert res.headers["location"].endswith("/s/reach")
    html = client.get(f"/a/{token}/s/strategy").text
    assert 'value="c-level" checked' in html
    res = post_section(client, token, "reach", {"reach-departments": ["marketing", "sales"]},
                       go="back")
    assert res.headers["location"].endswith("/s/strategy")
    assert "value=\"sales\" checked" in client.get(f"/a/{token}/s/reach").text


def test_an_option_not_offered_is_422_naming_the_field(client):
    token = start(client)
    res = post_section(client, token, "strategy", {"strategy-sponsor": "ceo",
                                                   "strategy-budget": "dont-know"})
    assert res.status_code == 422
    # a web form's message names the answers by their labels, never by internal keys
    assert "&#39;ceo&#39; is not one of the answers; valid: No one; social media" in res.text
    assert "strategy-sponsor&#39;" not in res.text and "informal-champion," not in res.text
    assert 'id="error-strategy-sponsor"' in res.text
    # nothing of the rejected post was stored
    assert 'value="dont-know" checked' not in client.get(f"/a/{token}/s/strategy").text


def test_htmx_saves_one_answer(client):
    token = start(client)
    headers = {"X-CSRF-Token": csrf(client), "HX-Request": "true"}
    res = client.post(f"/a/{token}/answer", data={"question": "listening-response-rate",
                                                  "listening-response-rate": "85"},
                      headers=headers)
    assert res.status_code == 200 and "Saved" in res.text
    res = client.post(f"/a/{token}/answer", data={"question": "listening-response-rate",
                                                  "listening-response-rate": "185"},
                      headers=headers)
    assert res.status_code == 422 and "out of range" in res.text
    assert 'value="85"' in client.get(f"/a/{token}/s/listening").text


def test_review_lists_unanswered_and_result_needs_the_profile(client):
    token = start(client)
    res = client.get(f"/a/{token}/result", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].endswith("/review")
    review = client.get(f"/a/{token}/review").text
    assert "Sector, size and region are needed" in review
    assert f'href="/a/{token}/s/strategy#q-strategy-sponsor"' in review


def test_result_page_and_its_json_twin(client):
    token = start(client)
    post_section(client, token, "profile", COMPLETE_PROFILE)
    post_section(client, token, "strategy", {"strategy-sponsor": "c-level"})
    res = client.post(f"/a/{token}/complete", data={"csrf_token": csrf(client)},
                      follow_redirects=False)
    assert res.headers["location"] == f"/a/{token}/result"
    page = client.get(f"/a/{token}/result")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert "Demo benchmark (synthetic)" in page.text
    twin = client.get(f"/a/{token}/result", headers={"accept": "application/json"})
    data = twin.json()
    jsonschema.validate(data, result_schema())
    assert f'data-testid="overall-score">{data["overall"]["score"]:.1f}<' in page.text
    assert data["overall"]["stage"]["name"] in page.text
    assert page.text.count("<svg") >= 3


def test_pdf_download(client):
    token = start(client)
    post_section(client, token, "profile", COMPLETE_PROFILE)
    res = client.get(f"/a/{token}/report.pdf")
    assert res.status_code == 200 and res.content.startswith(b"%PDF")
    assert res.headers["content-type"] == "application/pdf"
    assert "attachment" in res.headers["content-disposition"]


def test_saving_works_on_both_databases(client_on):
    client = client_on
    token = start(client)
    post_section(client, token, "profile", COMPLETE_PROFILE)
    post_section(client, token, "reach", {"reach-departments": ["marketing", "hr-recruiting"]})
    data = client.get(f"/a/{token}/result", headers={"accept": "application/json"}).json()
    assert data["profile"]["sector"] == "technology"
    reach = next(d for d in data["dimensions"] if d["id"] == "reach")
    assert reach["answered"] == 1
    assert json.dumps(data)


def test_errors_on_a_dutch_page_are_in_dutch(client):
    token = start(client)
    client.get("/lang/nl?next=/")
    headers = {"X-CSRF-Token": csrf(client), "HX-Request": "true"}
    res = client.post(f"/a/{token}/answer", data={"question": "listening-response-rate",
                                                  "listening-response-rate": "185"},
                      headers=headers)
    assert res.status_code == 422
    assert "185 valt buiten het bereik; geldig: een getal van 0 tot 100" in res.text


def _result_page(client, answers, lang="en"):
    """The result page of a finished assessment with ``answers`` (every scored question)."""
    token = client.post("/api/assessments", json={"profile": {
        "sector": "technology", "size": "1-99", "region": "emea"}}).json()["token"]
    assert client.put(f"/api/assessments/{token}/answers",
                      json={"answers": answers}).status_code == 200
    return client.get(f"/a/{token}/result?lang={lang}").text


def test_the_result_page_claims_nothing_its_numbers_do_not_hold(client, assessor):
    low = _result_page(client, extreme_answers(assessor.instrument, lowest=True), "nl")
    assert 'class="strengths"' not in low  # a score of 0 is no strength
    assert ("Geen dimensie scoort al boven de mediaan van vergelijkbare organisaties, dus geen "
            "enkele heet een sterk punt. Het dichtst erbij: Data &amp; integratie, 0,0 "
            "tegenover een mediaan van 55,0.") in low
    top = _result_page(client, extreme_answers(assessor.instrument, lowest=False))
    # the next steps' heading is not left empty, and 99.6 is "higher than 99%", not 100%
    steps = top.split('<h2 id="top-title">Your next steps</h2>', 1)[1]
    assert steps.lstrip().startswith('<p data-testid="top-steps">No recommendations: every '
                                     "dimension is at its highest stage.</p>")
    assert "You score higher than 99% of your peers" in top
    # each strength's evidence is a question and its answer
    assert ('<span class="answer">Does your organization have an employee advocacy program? '
            "<strong>A formal program open to all") in top
    mid = _result_page(client, EXAMPLE["answers"])  # ranked by more than the effect
    assert "27 further, lower-ranked steps are not listed." in mid
