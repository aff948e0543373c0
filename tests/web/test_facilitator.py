"""The facilitator's and viewer's pages through the real app: who sees which page and which
controls, what another facilitator and anonymous get, CSRF, the erase confirmation, and the
result page against the service's own TeamResult."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from socialmaturity.core.settings import Settings
from socialmaturity.i18n.catalog import number
from socialmaturity.services.respondents import sections
from socialmaturity.web.app import create_app

from .conftest import csrf_of
from .team import (
    DEPARTMENTS,
    INSTRUMENT,
    account,
    answer,
    answered_round,
    answers,
    create_organization,
    create_round,
    form_token,
    invite,
    links,
    logged_in,
    post,
)


@pytest.fixture
def app(tmp_path, assessor):
    return create_app(Settings(database_url=f"sqlite:///{tmp_path}/teams.sqlite"), assessor)


@pytest.fixture
def people(app):
    """Clients logged in as the owner, another facilitator, a viewer (shared below by the
    tests that need it) and an admin."""
    emails = {"owner": account(app, "owner@example.org", "facilitator"),
              "other": account(app, "other@example.org", "facilitator"),
              "viewer": account(app, "viewer@example.org", "viewer"),
              "admin": account(app, "admin@example.org", "admin")}
    return {who: logged_in(app, email) for who, email in emails.items()}


def error_of(page: str, field: str) -> str:
    """The message a page shows at the field ``field``, as a reader sees it."""
    found = re.search(rf'<p class="error" id="error-{field}"[^>]*>(.*?)</p>', page, re.S)
    assert found, f"no message at {field}"
    return html.unescape(found.group(1))


def share(owner: TestClient, org_id: int, email: str = "viewer@example.org"):
    res = post(owner, f"/orgs/{org_id}/shares", {"email": email}, f"/orgs/{org_id}")
    assert res.status_code == 303, res.text


def read_pages(org_id: int, round_id: int) -> list[str]:
    return [f"/orgs/{org_id}", f"/rounds/{round_id}", f"/rounds/{round_id}/result",
            f"/rounds/{round_id}/export.xlsx", f"/rounds/{round_id}/report.pdf"]


def test_the_pages_render_for_owner_viewer_and_admin(app, people):
    owner = people["owner"]
    org_id, round_id = answered_round(app, owner)
    share(owner, org_id)
    for who in ("owner", "viewer", "admin"):
        client = people[who]
        dashboard = client.get("/orgs")
        assert dashboard.status_code == 200 and "Acme Team" in dashboard.text, who
        for path in read_pages(org_id, round_id):
            res = client.get(path)
            assert res.status_code == 200, (who, path, res.text[:300])
        assert client.get(f"/rounds/{round_id}/report.pdf").content.startswith(b"%PDF")
        assert client.get(f"/rounds/{round_id}/export.xlsx").content.startswith(b"PK")
    writes = ('action="/orgs/{0}/rounds"', 'href="/orgs/{0}/erase"', 'action="/orgs/{0}/shares"')
    owner_page = owner.get(f"/orgs/{org_id}").text
    viewer_page = people["viewer"].get(f"/orgs/{org_id}").text
    for control in writes:
        assert control.format(org_id) in owner_page
        assert control.format(org_id) not in viewer_page
    viewer_round = people["viewer"].get(f"/rounds/{round_id}").text
    assert "/revoke" not in viewer_round and "/a/" not in viewer_round  # no links to answer
    assert "New organization" not in people["viewer"].get("/orgs").text
    assert "New organization" in owner.get("/orgs").text


def test_a_viewer_reads_but_every_write_is_403(app, people):
    owner, viewer = people["owner"], people["viewer"]
    org_id, round_id = answered_round(app, owner)
    share(owner, org_id)
    token = form_token(viewer, f"/orgs/{org_id}")
    for path, data in [(f"/orgs/{org_id}/rounds", {"name": "x"}),
                       (f"/orgs/{org_id}/shares", {"email": "viewer@example.org"}),
                       (f"/orgs/{org_id}/erase", {"name": "Acme Team"}),
                       (f"/rounds/{round_id}/invitations", {"department": "marketing",
                                                            "count": "1"}),
                       (f"/rounds/{round_id}/close", {}),
                       (f"/rounds/{round_id}/targets", {"stage-strategy": "strategic"})]:
        res = viewer.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
        assert res.status_code == 403, (path, res.status_code)
    assert viewer.get(f"/orgs/{org_id}/export.json").status_code == 403
    assert owner.get(f"/orgs/{org_id}").status_code == 200  # nothing was erased
    assert "open" in owner.get(f"/rounds/{round_id}").text


def test_another_facilitator_gets_404_on_every_page(app, people):
    owner, other = people["owner"], people["other"]
    org_id, round_id = answered_round(app, owner)
    share(owner, org_id)
    invitation = re.search(r'data-invitation="(\d+)"', owner.get(f"/rounds/{round_id}").text)
    gets = read_pages(org_id, round_id) + [f"/orgs/{org_id}/erase", f"/orgs/{org_id}/export.json",
                                           f"/rounds/{round_id}/close"]
    for path in gets:
        res = other.get(path)
        assert res.status_code == 404, (path, res.status_code)
        assert "Acme Team" not in res.text and "2026 Q4" not in res.text
    token = form_token(other, "/orgs")
    posts = [f"/orgs/{org_id}/rounds", f"/orgs/{org_id}/shares", f"/orgs/{org_id}/erase",
             f"/orgs/{org_id}/shares/1/remove", f"/rounds/{round_id}/invitations",
             f"/rounds/{round_id}/close", f"/rounds/{round_id}/targets",
             f"/rounds/{round_id}/invitations/{invitation.group(1)}/revoke"]
    for path in posts:
        res = other.post(path, data={"csrf_token": token, "name": "Acme Team",
                                     "department": "marketing", "count": "1",
                                     "email": "viewer@example.org"}, follow_redirects=False)
        assert res.status_code == 404, (path, res.status_code)
    assert "Acme Team" not in other.get("/orgs").text
    assert owner.get(f"/orgs/{org_id}").status_code == 200


def test_anonymous_is_sent_to_the_login_page(app, people):
    org_id, round_id = answered_round(app, people["owner"])
    anonymous = TestClient(app)
    for path in ["/orgs", "/orgs/new", *read_pages(org_id, round_id)]:
        res = anonymous.get(path, follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"].startswith("/login?next="), path
    res = anonymous.post(f"/orgs/{org_id}/erase", data={"name": "Acme Team"},
                         follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/login")
    assert people["owner"].get(f"/orgs/{org_id}").status_code == 200


def test_every_form_refuses_a_missing_or_foreign_csrf_token(app, people):
    owner = people["owner"]
    org_id = create_organization(owner)
    round_id = create_round(owner, org_id)
    foreign = csrf_of(people["other"].get("/orgs").text)  # another session's token
    for data in ({}, {"csrf_token": foreign}):
        for path, fields in [("/orgs/new", {"name": "Evil", "sector": "technology",
                                            "size": "1000-9999", "region": "emea"}),
                             (f"/orgs/{org_id}/rounds", {"name": "Evil round"}),
                             (f"/orgs/{org_id}/erase", {"name": "Acme Team"}),
                             (f"/rounds/{round_id}/invitations", {"department": "marketing",
                                                                  "count": "5"}),
                             (f"/rounds/{round_id}/close", {})]:
            res = owner.post(path, data={**fields, **data}, follow_redirects=False)
            assert res.status_code == 403, (path, res.status_code)
    assert "Evil" not in owner.get("/orgs").text
    assert "Evil round" not in owner.get(f"/orgs/{org_id}").text
    assert links(owner, round_id) == {}
    assert "closed" not in owner.get(f"/rounds/{round_id}").text.split("<h1>")[1][:200]


def test_erasing_needs_the_exact_name(app, people):
    owner = people["owner"]
    org_id, _ = answered_round(app, owner)
    confirm = owner.get(f"/orgs/{org_id}/erase")
    assert confirm.status_code == 200 and "Acme Team" in confirm.text
    for typed in ("acme team", "Acme Team ", "Acme", ""):
        res = owner.post(f"/orgs/{org_id}/erase", data={"name": typed,
                                                        "csrf_token": csrf_of(confirm.text)})
        assert res.status_code == 422, typed
        assert owner.get(f"/orgs/{org_id}").status_code == 200
    res = owner.post(f"/orgs/{org_id}/erase", data={"name": "Acme Team",
                                                    "csrf_token": csrf_of(confirm.text)},
                     follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/orgs?notice=erased"
    assert "were erased" in owner.get(res.headers["location"]).text
    assert owner.get(f"/orgs/{org_id}").status_code == 404
    assert "Acme Team" not in owner.get("/orgs").text


def test_the_result_page_shows_the_numbers_of_the_round_result(app, people):
    owner = people["owner"]
    _, round_id = answered_round(app, owner)
    actor = app.state.accounts.session_actor(owner.cookies.get("sm_session"))
    found = app.state.organizations.round_result(actor, round_id, "en")
    page = owner.get(f"/rounds/{round_id}/result").text
    r, team = found.result, found.team
    assert f'data-testid="overall-score">{number("en", r.overall.score)}<' in page
    assert f'data-testid="stage">{r.overall.stage.name}<' in page
    assert r.meaning[0] in html.unescape(page)  # the rule that decided the stage
    # the dimension table writes each score with one decimal, as the heatmap and the JSON do
    assert any(d.score % 1 for d in r.dimensions), "pick answers with a fractional score"
    for d in r.dimensions:
        cell = page.split(f'data-testid="score-{d.id}"')[1].split("</td>")[0]
        assert re.search(r"<span>([^<]*)</span>", cell).group(1) == number("en", d.score)
    assert [d.department for d in team.departments] == list(DEPARTMENTS)
    heatmap = page.split('data-testid="heatmap"')[1].split("</svg>")[0]
    for dep in team.departments:
        assert dep.n == 3
        assert f"{dep.label} (n = 3)" in html.unescape(heatmap)
        for cell in dep.dimensions:
            assert number("en", cell.score) in heatmap
    for a in team.agreement:
        cell = re.search(rf'data-testid="agreement-{a.dimension}">([^<]*)<', page).group(1)
        assert cell == (number("en", a.agreement, 2) if a.agreement is not None else "–")
        spread = re.search(rf'data-testid="spread-{a.dimension}">([^<]*)<', page).group(1)
        assert spread == (number("en", a.spread) if a.spread is not None else "–")
    assert team.disagreements, "the departments answered differently"
    for d in team.disagreements:
        block = page.split(f'data-question="{d.question}"')[1].split("</li>")[0]
        for g in d.departments:
            for c in g.answers:
                assert html.escape(f"{c.label} × {c.count}") in block
    assert 'data-testid="progress"' not in page  # the first round has nothing to compare
    # where the organization scores below both departments, the page says so and why
    below = [d for i, d in enumerate(r.dimensions)
             if all(d.score < dep.dimensions[i].score for dep in team.departments)]
    assert below, "these answers put the organization below both departments somewhere"
    assert team.below_departments == [d.id for d in below]
    note = html.unescape(page.split('data-testid="below-departments">')[1].split("</p>")[0])
    assert note == team.below_note
    assert note.startswith("On every dimension: " if len(below) == len(r.dimensions)
                           else ", ".join(d.name for d in below) + ": ")


def test_a_second_round_shows_progress_and_the_targets(app, people):
    owner = people["owner"]
    org_id, first = answered_round(app, owner, shifts=(0, 2))
    second = create_round(owner, org_id, "2027 Q4")
    res = post(owner, f"/rounds/{second}/targets", {"stage-strategy": "strategic",
                                                   "score-reach": "70"}, f"/rounds/{second}")
    assert res.status_code == 303, res.text
    for department in DEPARTMENTS:
        invite(owner, second, department, 3)
    respondent = TestClient(app)
    for department in DEPARTMENTS:
        for token in links(owner, second)[department]:
            answer(respondent, token, 1)
    actor = app.state.accounts.session_actor(owner.cookies.get("sm_session"))
    found = app.state.organizations.round_result(actor, second, "en")
    page = owner.get(f"/rounds/{second}/result").text
    progress = found.team.progress
    assert progress is not None and progress.previous_round == "2026 Q4"
    for row in [progress.overall, *progress.dimensions]:
        shown = re.search(rf'data-testid="change-{row.id}">([^<]*)<', page).group(1)
        expected = "–" if row.change is None else \
            ("+" if row.change > 0 else "") + number("en", row.change)
        assert shown == expected
    assert progress.moves and all(f'data-question="{m.question}"' in page
                                  for m in progress.moves)
    targets = page.split('data-testid="targets"')[1].split("</table>")[0]
    assert {t.dimension for t in found.team.targets} == {"strategy", "reach"}
    assert "Strategic" in targets and number("en", 70.0) in targets
    round_page = owner.get(f"/rounds/{second}").text
    assert 'value="strategic" selected' in round_page and 'value="70"' in round_page


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_downloads_until_someone_has_completed(app, people, lang):
    """The round's page offers the PDF and the XLSX only once a respondent has completed and
    says why not before; asked for anyway, they answer with a page in its language (JSON
    only when JSON is asked)."""
    owner = people["owner"]
    round_id = create_round(owner, create_organization(owner))
    invite(owner, round_id, "marketing", 2)
    owner.cookies.set("sm_lang", lang)
    why = {"en": "No result yet: 2 respondents are invited and none has completed the "
                 "assessment; the result, the PDF and the XLSX appear once one has.",
           "nl": "Nog geen resultaat: 2 respondenten zijn uitgenodigd en niemand heeft het "
                 "assessment afgerond; het resultaat, de PDF en de XLSX verschijnen zodra "
                 "iemand dat heeft gedaan."}[lang]
    page = owner.get(f"/rounds/{round_id}").text
    assert "/report.pdf" not in page and "/export.xlsx" not in page
    assert why in html.unescape(page)
    for path in ("report.pdf", "export.xlsx"):
        res = owner.get(f"/rounds/{round_id}/{path}", headers={"accept": "text/html"})
        assert res.status_code == 422 and res.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in res.text and why in html.unescape(res.text)
        res = owner.get(f"/rounds/{round_id}/{path}", headers={"accept": "application/json"})
        assert res.status_code == 422 and res.json()["detail"][0]["field"] == "round"
    respondent = TestClient(app)
    answer(respondent, links(owner, round_id)["marketing"][0], 0)
    page = owner.get(f"/rounds/{round_id}").text
    assert f'href="/rounds/{round_id}/report.pdf"' in page and why not in html.unescape(page)


def test_forms_name_what_is_wrong(app, people):
    owner = people["owner"]
    res = post(owner, "/orgs/new", {"name": "", "sector": "nope", "size": "1000-9999",
                                    "region": "emea"})
    assert res.status_code == 422 and 'aria-invalid="true"' in res.text
    assert 'maxlength="200"' in res.text
    assert error_of(res.text, "sector").startswith(
        "'nope' is not one of the answers; valid: Retail & e-commerce, Consumer goods, ")
    res = post(owner, "/orgs/new?lang=nl", {"name": "Acme"})
    assert [error_of(res.text, f) for f in ("sector", "size", "region")] == [
        "kies een sector", "kies een omvang", "kies een regio"]
    summary = html.unescape(res.text.split('class="error-summary"')[1].split("</ul>")[0])
    assert '<a href="#in-sector">In welke sector is uw organisatie actief?</a>: kies een ' \
           "sector" in summary
    org_id = create_organization(owner)
    round_id = create_round(owner, org_id)
    for count in ("0", "51", "many"):
        res = post(owner, f"/rounds/{round_id}/invitations",
                   {"department": "marketing", "count": count}, f"/rounds/{round_id}")
        assert res.status_code == 422 and "1 to 50" in res.text, count
    res = post(owner, f"/rounds/{round_id}/invitations", {"department": "finance",
                                                         "count": "1"}, f"/rounds/{round_id}")
    assert res.status_code == 422 and "not a department" in res.text
    res = post(owner, f"/rounds/{round_id}/invitations", {"department": "", "count": "1"},
               f"/rounds/{round_id}")
    assert res.status_code == 422 and "choose a department" in res.text
    res = post(owner, f"/rounds/{round_id}/targets", {"stage-strategy": "strategic",
                                                     "score-strategy": "50",
                                                     "score-reach": "120"},
               f"/rounds/{round_id}")
    assert res.status_code == 422 and "not both" in res.text
    assert error_of(res.text, "target-reach") == \
        "120 is out of range; valid: a number from 0 to 100"
    for email, said in (("", "geef een e-mailadres"),
                        ("bad", "'bad' is geen e-mailadres; geldig: naam@example.org, "
                                "hoogstens 254 tekens"),
                        ("nobody@example.org", "geen actief kijkersaccount heeft dit e-mailadres; "
                                               "een beheerder van de server maakt er een met het "
                                               "commando: socialmaturity users add EMAIL --role "
                                               "viewer")):
        res = post(owner, f"/orgs/{org_id}/shares?lang=nl", {"email": email}, f"/orgs/{org_id}")
        assert res.status_code == 422
        assert error_of(res.text, "email") == said


def test_revoking_and_closing(app, people):
    owner = people["owner"]
    org_id = create_organization(owner)
    round_id = create_round(owner, org_id)
    invite(owner, round_id, "marketing", 2)
    token = links(owner, round_id)["marketing"][0]
    respondent = TestClient(app)
    assert respondent.get(f"/a/{token}").status_code == 200
    invitation = re.search(r'data-invitation="(\d+)"', owner.get(f"/rounds/{round_id}").text)
    other_round = create_round(owner, org_id, "2027")  # revoked only through its own round
    res = post(owner, f"/rounds/{other_round}/invitations/{invitation.group(1)}/revoke", {},
               f"/rounds/{other_round}")
    assert res.status_code == 404
    assert respondent.get(f"/a/{token}").status_code == 200
    revoking = f"/rounds/{round_id}/invitations/{invitation.group(1)}/revoke"
    assert f'href="{revoking}"' in owner.get(f"/rounds/{round_id}").text  # asks first
    confirm = owner.get(revoking)
    assert "Nobody has answered through this link yet." in confirm.text
    assert f'action="{revoking}"' in confirm.text
    res = post(owner, revoking, {}, f"/rounds/{round_id}")
    assert res.status_code == 303
    assert "its link no longer works" in owner.get(res.headers["location"]).text
    assert respondent.get(f"/a/{token}").status_code == 404
    assert "revoked already" in owner.get(revoking).text and "action" not in \
        owner.get(revoking).text.split("<h1>")[1]
    assert owner.get(f"/rounds/{round_id}/close").status_code == 200
    res = post(owner, f"/rounds/{round_id}/close", {}, f"/rounds/{round_id}")
    assert res.status_code == 303
    page = owner.get(res.headers["location"]).text
    assert "takes no more answers" in page
    assert f'action="/rounds/{round_id}/invitations"' not in page
    # an invitation posted from a page opened before the round closed says why it is refused
    for lang, message in (("en", "the round is closed: it takes no new invitations"),
                          ("nl", "de ronde is gesloten: er kunnen geen uitnodigingen meer bij")):
        res = post(owner, f"/rounds/{round_id}/invitations?lang={lang}",
                   {"department": "it", "count": "1"}, f"/rounds/{round_id}")
        assert res.status_code == 422
        assert re.search(r'data-testid="round-error">([^<]*)<', res.text).group(1) == message
    assert list(links(owner, round_id)) == ["marketing"]  # none for it


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_revoking_an_answered_invitation_says_what_it_drops(app, people, lang):
    owner = people["owner"]
    _, round_id = answered_round(app, owner)
    row = app.state.organizations.invitations(
        app.state.accounts.session_actor(owner.cookies.get("sm_session")), round_id)[0]
    given = len(answers(0))  # what the respondent answered (the profile was filled in)
    owner.cookies.set("sm_lang", lang)
    confirm = owner.get(f"/rounds/{round_id}/invitations/{row.id}/revoke")
    dropped = html.unescape(re.search(r'data-testid="dropped">(.*?)</p>', confirm.text,
                                      re.S).group(1))
    assert " ".join(dropped.split()) == {
        "en": f"{given} answers given through this link will no longer count. The round's "
              "result will then count 5 completed respondents instead of 6.",
        "nl": f"{given} antwoorden die via deze link zijn gegeven, tellen dan niet meer mee. "
              "Het resultaat van de ronde telt dan 5 respondenten die het assessment hebben "
              "afgerond in plaats van 6."}[lang]
    assert "Marketing" in confirm.text
    res = post(owner, f"/rounds/{round_id}/invitations/{row.id}/revoke", {},
               f"/rounds/{round_id}")
    assert res.status_code == 303
    actor = app.state.accounts.session_actor(owner.cookies.get("sm_session"))
    assert app.state.organizations.round_result(actor, round_id, "en").team.respondents == 5


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_closed_round_shows_its_pages_read_only(app, people, lang):
    """After the round closes, a respondent's link still opens every section and the review,
    with their answers shown in a disabled form, the notice, and links instead of save
    buttons; a form sent from a page loaded before it closed is refused and stores nothing."""
    owner = people["owner"]
    round_id = create_round(owner, create_organization(owner))
    invite(owner, round_id, "marketing", 1)
    token = links(owner, round_id)["marketing"][0]
    respondent = TestClient(app)
    respondent.cookies.set("sm_lang", lang)
    first = respondent.get(f"/a/{token}/s/profile")
    assert "answers-set" not in first.text and "disabled" not in first.text
    res = respondent.post(f"/a/{token}/s/profile",
                          data={"role": "cmo", "go": "next", "csrf_token": csrf_of(first.text)},
                          follow_redirects=False)
    assert res.status_code == 303
    assert post(owner, f"/rounds/{round_id}/close", {}, f"/rounds/{round_id}").status_code == 303
    notice = {"en": "This round is closed: it takes no more answers.",
              "nl": "Deze ronde is gesloten"}[lang]
    stale = respondent.post(f"/a/{token}/s/profile",
                            data={"role": "executive", "go": "next",
                                  "csrf_token": csrf_of(first.text)}, follow_redirects=False)
    assert stale.status_code == 422 and notice in html.unescape(stale.text)
    assert html.unescape(stale.text).lower().count(notice.lower()) == 1  # said once
    assert 'class="error-summary"' not in stale.text and "#q-round" not in stale.text
    section_ids = [s.id for s in sections(INSTRUMENT, lang)]
    for section_id in section_ids:
        page = respondent.get(f"/a/{token}/s/{section_id}")
        text = html.unescape(page.text)
        assert page.status_code == 200 and notice in text
        assert '<fieldset class="answers-set" disabled>' in page.text
        assert page.text.count("<fieldset") == page.text.count("<legend id=")
        assert 'type="submit" name="go"' not in page.text  # nothing to save
        after = section_ids[section_ids.index(section_id) + 1:]
        assert (f'href="/a/{token}/s/{after[0]}"' if after
                else f'href="/a/{token}/review"') in page.text
    profile = respondent.get(f"/a/{token}/s/profile").text
    assert re.search(r'value="cmo"[^>]*checked|checked[^>]*value="cmo"', profile)  # kept
    review = respondent.get(f"/a/{token}/review")
    assert notice in html.unescape(review.text)
    assert f'action="/a/{token}/complete"' not in review.text
    assert {"en": ">View<", "nl": ">Bekijken<"}[lang] in review.text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_invited_respondents_first_page_says_who_sees_what(app, people, lang):
    owner = people["owner"]
    org_id = create_organization(owner)
    round_id = create_round(owner, org_id)
    invite(owner, round_id, "customer-service", 1)
    token = links(owner, round_id)["customer-service"][0]
    respondent = TestClient(app)
    respondent.cookies.set("sm_lang", lang)
    first = respondent.get(f"/a/{token}")
    text = html.unescape(first.text)
    assert first.status_code == 200
    assert "owner@example.org" in text and "Acme Team" in text
    k = app.state.settings.team_min_group
    if lang == "en":
        assert "Your answers are combined with your colleagues' into Acme Team's result." in text
        assert f"at least {k} respondents" in text and "they do not see your name" in text
        assert "Customer service" in text
    else:
        assert f"minstens {k}" in text
        assert "Klantenservice" in text
    locked = first.text.split('data-testid="locked-profile"')[1].split("</dl>")[0]
    assert "<input" not in locked and "<select" not in locked
    profile = respondent.get(f"/a/{token}/s/profile").text
    for qid in ("sector", "size", "region", "department"):
        assert f'name="{qid}"' not in profile  # shown as text, not sent
        assert f'id="q-{qid}"' in profile
    assert 'name="country"' in profile  # what the invitation did not set is asked


def test_the_pages_follow_the_language(app, people):
    owner = people["owner"]
    org_id = create_organization(owner)
    owner.cookies.set("sm_lang", "nl")
    page = owner.get(f"/orgs/{org_id}").text
    assert '<html lang="nl">' in page and "Nieuwe ronde" in page
    switched = owner.get(f"/lang/en?next=/orgs/{org_id}", follow_redirects=False)
    assert switched.headers["location"] == f"/orgs/{org_id}"


def test_a_round_from_invitations_to_result_on_both_databases(database_url, assessor):
    """The whole flow on SQLite and on PostgreSQL: accounts, organization, round, six
    respondents answering through their links, the result with both departments."""
    app = create_app(Settings(database_url=database_url), assessor)
    owner = logged_in(app, account(app, "owner@example.org", "facilitator"))
    viewer = logged_in(app, account(app, "viewer@example.org", "viewer"))
    org_id, round_id = answered_round(app, owner)
    share(owner, org_id)
    page = viewer.get(f"/rounds/{round_id}/result")
    assert page.status_code == 200
    heatmap = html.unescape(page.text.split('data-testid="heatmap"')[1].split("</svg>")[0])
    assert "Marketing (n = 3)" in heatmap and "Customer service (n = 3)" in heatmap
    assert "3 of 3 answered" in owner.get(f"/rounds/{round_id}").text
