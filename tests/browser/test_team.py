"""A team round in real Chromium, in English and Dutch: a facilitator logs in, creates an
organization and a round, invites three respondents each for marketing and customer service;
every respondent answers through their link and completes; a viewer the organization is
shared with logs in and sees the result (the heatmap with both departments, n = 3) and
downloads the XLSX and the PDF; a second round with changed answers shows the progress."""

from __future__ import annotations

import os
import subprocess
import sys
from io import BytesIO

import pytest

from socialmaturity.i18n.catalog import tr

from ..web.team import DEPARTMENTS, PROFILE, answers
from .helpers import save_screenshot

LOCALES = {"en": "en-US", "nl": "nl-NL"}
PASSWORD = "correct horse battery staple"
#: The buttons and links the test uses, by their English text (each page shows it in its
#: language: ``tr``).
WORDS = {"create": "Create the organization", "round": "New round", "invite": "Invite",
         "start": "Start the assessment", "result": "See my result", "login": "Log in",
         "share": "Share", "see": "See the result"}


def word(lang: str, key: str) -> str:
    return tr(lang, WORDS[key])


#: Fills a section's fields with the planned answers (the page's own form then posts them).
FILL = """answers => { for (const [qid, value] of Object.entries(answers)) {
    const fields = [...document.querySelectorAll(`[name="${qid}"]`)];
    if (!fields.length) continue;
    if (fields[0].type === 'radio' || fields[0].type === 'checkbox') {
        const wanted = Array.isArray(value) ? value : [String(value)];
        for (const f of fields) f.checked = wanted.includes(f.value);
    } else {
        fields[0].value = String(value);
        for (const f of fields.slice(1)) f.checked = false;
    }
} }"""


def add_user(server, email: str, role: str) -> str:
    """An account made with the command line, as an admin does it."""
    env = {**os.environ, "SOCIALMATURITY_DATABASE_URL": server.database_url}
    done = subprocess.run([sys.executable, "-m", "socialmaturity", "users", "add", email,
                           "--role", role, "--password-stdin"], input=PASSWORD + "\n",
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return email


def log_in(new_context, lang: str, email: str, **options):
    page = new_context(locale=LOCALES[lang], **options).new_page()
    page.goto("/orgs")
    assert "/login" in page.url  # anonymous: sent to the login page
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name=word(lang, "login"), exact=True).click()
    page.wait_for_url("**/orgs")
    return page


def invitation_links(page, round_id: str) -> dict[str, list[str]]:
    page.goto(f"/rounds/{round_id}")
    return {d: page.locator(f'[data-department="{d}"] input.link-text').evaluate_all(
        "fields => fields.map(f => f.value)") for d in DEPARTMENTS}


def answer_in_the_browser(new_context, lang: str, link: str, shift: int) -> None:
    """A respondent opens their link, starts, fills every section (the form posts), and
    completes on the review page."""
    page = new_context(locale=LOCALES[lang]).new_page()
    page.goto(link)
    assert page.get_by_test_id("who-sees").is_visible()
    page.get_by_role("link", name=word(lang, "start")).click()
    planned = answers(shift)
    while "/s/" in page.url:
        page.evaluate(FILL, planned)
        page.locator(".nav-buttons button.primary").click()
        page.wait_for_load_state()
    assert page.url.endswith("/review"), page.url
    page.get_by_role("button", name=word(lang, "result"), exact=True).click()
    page.wait_for_url("**/result")
    page.context.close()


def answer_through_the_api(new_context, lang: str, link: str, shift: int) -> None:
    """The second round's respondents: their answers sent through their link's JSON API by
    the browser, then completed on the review page."""
    page = new_context(locale=LOCALES[lang]).new_page()
    page.goto(link)
    token = link.rsplit("/", 1)[1]
    res = page.request.put(f"/api/assessments/{token}/answers",
                           data={"answers": answers(shift)})
    assert res.ok, res.text()
    page.goto(f"/a/{token}/review")
    page.get_by_role("button", name=word(lang, "result"), exact=True).click()
    page.wait_for_url("**/result")
    page.context.close()


def new_round(page, lang: str, org_id: str, name: str) -> str:
    page.goto(f"/orgs/{org_id}")
    page.fill("#in-round", name)
    page.get_by_role("button", name=word(lang, "round"), exact=True).click()
    page.wait_for_url("**/rounds/*")
    round_id = page.url.rsplit("/", 1)[1]
    for department in DEPARTMENTS:
        page.select_option("#in-department", department)
        page.fill("#in-count", "3")
        page.get_by_role("button", name=word(lang, "invite"), exact=True).click()
        page.wait_for_load_state()
    return round_id


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_team_round_in_the_browser(new_context, server, screenshots, lang):
    owner_email = add_user(server, f"facilitator-{lang}@example.org", "facilitator")
    viewer_email = add_user(server, f"viewer-{lang}@example.org", "viewer")
    owner = log_in(new_context, lang, owner_email)
    owner.goto("/orgs/new")
    owner.fill("#in-name", f"Team Co {lang}")
    for field, key in PROFILE.items():
        owner.select_option(f"#in-{field}", key)
    owner.get_by_role("button", name=word(lang, "create")).click()
    owner.wait_for_url("**/orgs/*")
    org_id = owner.url.rsplit("/", 1)[1]
    owner.fill("#in-email", viewer_email)
    owner.get_by_role("button", name=word(lang, "share"), exact=True).click()
    owner.wait_for_load_state()
    assert viewer_email in owner.get_by_test_id("shares").inner_text()

    first = new_round(owner, lang, org_id, "2026 Q4")
    links = invitation_links(owner, first)
    assert [len(links[d]) for d in DEPARTMENTS] == [3, 3]
    save_screenshot(owner, screenshots, f"team-round-{lang}")
    for department, shift in zip(DEPARTMENTS, (0, 2), strict=True):
        for link in links[department]:
            answer_in_the_browser(new_context, lang, link, shift)
    owner.goto(f"/rounds/{first}")
    for department in DEPARTMENTS:
        assert owner.get_by_test_id(f"answered-{department}").inner_text().startswith("3 ")

    viewer = log_in(new_context, lang, viewer_email)
    viewer.get_by_role("link", name=f"Team Co {lang}").click()
    viewer.get_by_role("link", name="2026 Q4").click()
    viewer.get_by_role("link", name=word(lang, "see")).click()
    heatmap = viewer.get_by_test_id("heatmap")
    heatmap.wait_for()
    text = heatmap.locator("svg").evaluate("svg => svg.textContent")
    labels = {"en": ("Marketing", "Customer service"), "nl": ("Marketing", "Klantenservice")}
    assert text.count("n\u00a0=\u00a03") >= 2 and all(label in text for label in labels[lang])
    save_screenshot(viewer, screenshots, f"team-result-{lang}")
    check_downloads(viewer, lang)

    second = new_round(owner, lang, org_id, "2027 Q4")
    for department in DEPARTMENTS:
        for link in invitation_links(owner, second)[department]:
            answer_through_the_api(new_context, lang, link, 1)
    viewer.goto(f"/rounds/{second}/result")
    progress = viewer.get_by_test_id("progress")
    assert tr(lang, "Progress since {round}", round="2026 Q4") in progress.inner_text()
    assert viewer.get_by_test_id("moves").locator("li").count() > 0
    change = viewer.get_by_test_id("change-overall").inner_text()
    assert change not in ("", "–")


def check_downloads(page, lang: str) -> None:
    """The result page's XLSX and PDF download, and are what they say."""
    from openpyxl import load_workbook

    with page.expect_download() as got:
        page.locator('a[href$="/report.pdf"]').first.click()
    with open(got.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    with page.expect_download() as got:
        page.locator('a[href$="/export.xlsx"]').first.click()
    with open(got.value.path(), "rb") as f:
        book = load_workbook(BytesIO(f.read()), read_only=True)
    assert len(book.sheetnames) == 4


# -- every facilitator page at 360 and 1280 px, and axe ---------------------------------------


@pytest.fixture(scope="module")
def team_pages(server) -> dict[str, str]:
    """Two answered rounds of one organization (the second with targets and one open
    invitation), made through the pages with plain HTTP; the address of every page."""
    import httpx

    from ..web.conftest import csrf_of
    from ..web.team import answer, create_organization, create_round, invite, links, post

    email = add_user(server, "pages-owner@example.org", "facilitator")
    owner = httpx.Client(base_url=server.url, timeout=60)
    form = owner.get("/login")
    owner.post("/login", data={"email": email, "password": PASSWORD,
                               "csrf_token": csrf_of(form.text)})
    org = create_organization(owner, "Acme Nederland B.V., a name of some length")
    respondent = httpx.Client(base_url=server.url, timeout=60)
    respondent.get("/")
    rounds = []
    for name, shifts in (("2026 Q4", (0, 2)), ("2027 Q4", (1, 1))):
        rounds.append(create_round(owner, org, name))
        for department in DEPARTMENTS:
            invite(owner, rounds[-1], department, 3)
        for department, shift in zip(DEPARTMENTS, shifts, strict=True):
            for token in links(owner, rounds[-1])[department]:
                answer(respondent, token, shift)
    post(owner, f"/rounds/{rounds[1]}/targets", {"stage-strategy": "strategic",
                                                 "score-reach": "70"}, f"/rounds/{rounds[1]}")
    invite(owner, rounds[1], "hr-recruiting", 1)
    invited = links(owner, rounds[1])["hr-recruiting"][0]
    return {"email": email, "orgs": "/orgs", "new": "/orgs/new", "org": f"/orgs/{org}",
            "erase": f"/orgs/{org}/erase", "round": f"/rounds/{rounds[1]}",
            "close": f"/rounds/{rounds[1]}/close", "result": f"/rounds/{rounds[0]}/result",
            "progress": f"/rounds/{rounds[1]}/result", "invited": f"/a/{invited}",
            "invited-profile": f"/a/{invited}/s/profile"}


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_facilitator_pages_fit_the_screen_and_axe_is_clean(new_context, team_pages,
                                                               screenshots, width, lang):
    """No element of a facilitator's page (nor of the invited respondent's first page)
    reaches past a 360 or 1280 px screen, every field has a name, and axe-core finds
    nothing serious; a screenshot of each (``team-<page>-<width>-<lang>.png``)."""
    from .test_accessibility import BLOCKING, TOO_WIDE, UNNAMED_FIELDS, axe, describe, widest

    viewport = {"width": width, "height": 800}
    page = log_in(new_context, lang, team_pages["email"], viewport=viewport,
                  is_mobile=width < 480, bypass_csp=True)
    wide, unnamed, blocking = {}, {}, {}
    for name, path in team_pages.items():
        if name == "email":
            continue
        page.goto(path)
        assert page.get_attribute("html", "lang") == lang
        if page.evaluate("document.documentElement.scrollWidth") > width + 1 or \
                page.evaluate(TOO_WIDE):
            wide[name] = widest(page)
        if page.evaluate(UNNAMED_FIELDS):
            unnamed[name] = page.evaluate(UNNAMED_FIELDS)
        found = [v for v in axe(page) if v["impact"] in BLOCKING]
        if found:
            blocking[name] = found
        save_screenshot(page, screenshots, f"team-{name}-{width}-{lang}")
    assert not wide, f"wider than {width} px: {wide}"
    assert not unnamed, unnamed
    report = "\n".join(f"{name} ({lang}):\n{describe(vs)}" for name, vs in blocking.items())
    assert not report, "axe-core found serious or critical violations:\n" + report
