"""Accessibility of the main pages, in English and Dutch.

- At 360 and 1280 px wide nothing on any page (landing, login, every questionnaire page,
  review, result, API docs) reaches past the screen, and axe-core finds nothing serious.
- Every form field has an accessible name, and every radio and checkbox a group (fieldset)
  named by its legend.
- axe-core (vendored in ``tests/vendor``, MPL-2.0) finds no serious or critical violation,
  colour contrast included, on the landing page, the login page, a section (also with an
  error shown), the review and the result. Every violation found, of any impact, is written to
  ``artifacts/axe/<page>.json``.

Screenshots of these pages go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socialmaturity.services.respondents import sections

from .helpers import INSTRUMENT, create_assessment, save_screenshot

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-4.14.1.min.js"
BLOCKING = ("serious", "critical")
SECTIONS = {s.id: s.questions for s in sections(INSTRUMENT, "en")}
LOCALES = {"en": "en-US", "nl": "nl-NL"}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def assessments(server):
    """A complete assessment (for the result) and one with the profile only (for sections and
    the review, which then lists what is missing)."""
    return {"complete": create_assessment(server.url, "Access Test"),
            "started": create_assessment(server.url, "Access Test", complete=False,
                                         sector="education", size="100-999", region="emea")}


def pages(assessments) -> dict[str, str]:
    complete, started = assessments["complete"], assessments["started"]
    return {"landing": "/", "login": "/login", "section": f"/a/{started}/s/listening",
            "review": f"/a/{started}/review", "result": f"/a/{complete}/result"}


# -- no sideways scrolling on a phone -----------------------------------------------------------

def every_page(assessments) -> dict[str, str]:
    """Every kind of page: the landing, each questionnaire page, review, result, API docs."""
    started = assessments["started"]
    return {"landing": "/", "login": "/login",
            **{f"section-{s}": f"/a/{started}/s/{s}" for s in SECTIONS},
            "review": f"/a/{started}/review", "result": f"/a/{assessments['complete']}/result",
            "api-docs": "/api/docs"}


TOO_WIDE = """() => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > innerWidth + 1 || r.width > innerWidth + 1); }).length"""


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360", "1280"])
def test_nothing_is_wider_than_the_screen_and_axe_is_clean(new_context, assessments,
                                                          screenshots, viewport, lang):
    """At 360 × 740 and 1280 × 800 no element on any page reaches past the viewport (also
    inside a box that would scroll on its own), and axe-core finds nothing serious or
    critical; a screenshot of each page (``<page>-<width>-<lang>.png``)."""
    phone = viewport is PHONE
    page = new_context(viewport=viewport, locale=LOCALES[lang], is_mobile=phone,
                       device_scale_factor=1, bypass_csp=True).new_page()
    wide, blocking = {}, {}
    for name, url in every_page(assessments).items():
        page.goto(url)
        page.wait_for_load_state("load")
        if name == "api-docs":
            page.wait_for_selector("#swagger-ui .opblock")
        assert page.get_attribute("html", "lang") == lang
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"] + 1 or page.evaluate(TOO_WIDE):
            wide[name] = (width, widest(page))
        found = [v for v in axe(page) if v["impact"] in BLOCKING]
        if found:
            blocking[name] = found
        save_screenshot(page, screenshots, f"{name}-{viewport['width']}-{lang}")
    assert not wide, f"pages wider than {viewport['width']} px (scrollWidth, widest): {wide}"
    report = "\n".join(f"{name} ({lang}):\n{describe(vs)}" for name, vs in blocking.items())
    assert not report, "axe-core found serious or critical violations:\n" + report


def widest(page) -> list[str]:
    """The elements that reach past the right edge of the viewport, innermost first."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
        .reverse().slice(0, 5)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                  (e.className && typeof e.className === 'string' ? '.' +
                   e.className.trim().split(/\\s+/).join('.') : '') +
                  ' ' + Math.round(e.getBoundingClientRect().right) + 'px')""")


# -- every field has a name ---------------------------------------------------------------------

UNNAMED_FIELDS = """() => {
  const named = e => (e.getAttribute('aria-label') || '').trim() ||
    (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map(id => (document.getElementById(id) || {}).textContent || '').join('').trim() ||
    [...(e.labels || [])].map(l => l.textContent).join('').trim();
  const problems = [];
  for (const e of document.querySelectorAll('input, select, textarea')) {
    if (e.type === 'hidden') continue;
    const what = `${e.tagName.toLowerCase()}[type=${e.type}][name=${e.name}][value=${e.value}]`;
    if (!named(e)) problems.push(`${what}: no label`);
    if (e.type === 'radio' || e.type === 'checkbox') {
      const group = e.closest('fieldset');
      const legend = group && group.querySelector(':scope > legend');
      if (!legend || !legend.textContent.trim()) problems.push(`${what}: no fieldset legend`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_field_has_an_accessible_name(new_context, assessments, lang):
    page = new_context(locale=LOCALES[lang]).new_page()
    started = assessments["started"]
    problems = {}
    for name, url in [("landing", "/"), *((s, f"/a/{started}/s/{s}") for s in SECTIONS)]:
        page.goto(url)
        found = page.evaluate(UNNAMED_FIELDS)
        if found:
            problems[name] = found
        # as assistive technology sees it: each question a group named by its legend
        for q in SECTIONS.get(name, []):
            group = page.get_by_role("group", name=INSTRUMENT.text(q.text, lang))
            if group.count() != 1:
                problems.setdefault(name, []).append(f"{q.id}: {group.count()} groups named so")
    assert not problems, problems


# -- axe-core -----------------------------------------------------------------------------------

def axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                                    message: n.failureSummary, html: n.html.slice(0, 200)}))}));
    }""")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        for n in v["nodes"]:
            lines.append(f"  [{n['impact']}] {v['id']} at {n['target']}: {v['help']} -- "
                         f"{' '.join(n['message'].split())}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_axe_finds_no_serious_violations(new_context, server, assessments, screenshots, lang):
    if not AXE.exists():
        pytest.fail(f"axe-core is not vendored at {AXE}")
    # the vendored axe is injected as an inline script, which the app's CSP rightly forbids
    page = new_context(locale=LOCALES[lang], bypass_csp=True).new_page()
    found = {}
    targets = pages(assessments)
    for name, url in targets.items():
        page.goto(url)
        assert page.get_attribute("html", "lang") == lang
        found[name] = axe(page)
        suffix = "" if lang == "en" else "-nl"
        if lang == "en" or name == "result":
            save_screenshot(page, screenshots, name + suffix)

    # a section showing an error, after a plain form post with a number out of range
    page.goto(targets["section"])
    page.fill('input[name="listening-response-rate"]', "150")
    with page.expect_navigation():
        page.locator('button[value="next"]').click()
    assert page.locator(".error-summary").is_visible()
    found["section-with-error"] = axe(page)
    if lang == "en":
        save_screenshot(page, screenshots, "section-with-error")

    folder = screenshots.parent / "axe"
    folder.mkdir(exist_ok=True)
    for name, violations in found.items():
        (folder / f"{name}-{lang}.json").write_text(json.dumps(violations, indent=2))
    blocking = {name: [v for v in vs if v["impact"] in BLOCKING] for name, vs in found.items()}
    report = "\n".join(f"{name} ({lang}):\n{describe(vs)}" for name, vs in blocking.items() if vs)
    assert not report, "axe-core found serious or critical violations:\n" + report


# -- the charts' text, which axe cannot judge -----------------------------------------------------

SVG_TEXT_CONTRAST = """() => {
  const rgba = c => { const m = /rgba?\\(([^)]+)\\)/.exec(c || '');
    if (!m) return null; const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const over = (top, alpha, under) => under.map((u, i) => top[i] * alpha + u * (1 - alpha));
  const SHAPES = new Set(['rect', 'polygon', 'circle', 'ellipse', 'path']);
  const out = [];
  for (const svg of document.querySelectorAll('svg')) {
    svg.scrollIntoView({block: 'center'});
    for (const t of svg.querySelectorAll('text')) {
      const box = t.getBoundingClientRect();
      if (!box.width || !t.textContent.trim()) continue;
      const s = getComputedStyle(t);
      const ink = rgba(s.fill);
      if (!ink) continue;
      let worst = Infinity;
      for (const fx of [0.1, 0.5, 0.9]) {
        const x = box.left + box.width * fx, y = box.top + box.height / 2;
        const stack = document.elementsFromPoint(x, y);
        const inside = stack.slice(0, stack.indexOf(svg))
          .filter(e => SHAPES.has(e.tagName.toLowerCase())).reverse();
        let bg = [255, 255, 255];
        for (const e of inside) {
          const es = getComputedStyle(e); const c = rgba(es.fill);
          if (!c) continue;
          bg = over(c, c[3] * Number(es.fillOpacity) * Number(es.opacity), bg);
        }
        worst = Math.min(worst, ratio(ink, bg));
      }
      const px = parseFloat(s.fontSize);
      const bold = Number(s.fontWeight) >= 700;
      const needed = (px >= 24 || (bold && px >= 18.66)) ? 3 : 4.5;
      if (worst < needed) out.push({text: t.textContent.trim().slice(0, 40), fill: s.fill,
                                    ratio: Math.round(worst * 100) / 100, needed,
                                    chart: svg.getAttribute('aria-labelledby')});
    }
  }
  return out;
}"""


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_chart_text_has_enough_contrast(new_context, assessments, lang):
    """axe leaves SVG text as "incomplete" (it cannot find the background); measure it against
    the shapes drawn beneath it."""
    page = new_context(locale=LOCALES[lang]).new_page()
    page.goto(pages(assessments)["result"])
    assert page.locator("svg text").count() > 20
    low = page.evaluate(SVG_TEXT_CONTRAST)
    assert not low, f"chart text below WCAG AA contrast: {low}"
