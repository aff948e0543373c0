"""What the browser tests share: planned answers for every question, assessments made through
the JSON API (for tests that start from a result), keyboard moves and screenshots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from socialmaturity.instrument.loader import bundled_instrument
from socialmaturity.services.respondents import sections

INSTRUMENT = bundled_instrument()
PROFILE = {"sector": "technology", "size": "1000-9999", "region": "emea"}


@dataclass(frozen=True)
class Planned:
    """One question and the answer a test gives it."""

    id: str
    type: str  # single, multi, numeric, text
    keys: list[str]  # every choice in page order: options, then dont-know / not-applicable
    value: Any  # option key, list of keys, number, "dont-know" or text


def choices(q) -> list[str]:
    if q.type not in ("single", "multi"):
        return []
    keys = [o.key for o in INSTRUMENT.index.options[q.id]]
    return keys + ["dont-know"] * q.dont_know + ["not-applicable"] * q.not_applicable


def plan(country: str = "Netherlands") -> dict[str, list[Planned]]:
    """An answer for every question, section by section, varied so that the result is not
    trivial: options spread over the scale, a few "don't know", two boxes of a multi-select,
    numbers, a "not applicable"."""
    out: dict[str, list[Planned]] = {}
    i = 0
    for section in sections(INSTRUMENT, "en"):
        rows = []
        for q in section.questions:
            i += 1
            keys = choices(q)
            if q.id in PROFILE:
                value = PROFILE[q.id]
            elif q.id == "organization":
                continue  # typed on the landing page
            elif q.type == "text":
                value = country
            elif q.type == "multi":
                value = [keys[0], keys[2]]
            elif q.type == "numeric":
                value = "dont-know" if q.dont_know and i % 11 == 0 else float(10 * (i % 9) + 5)
            elif q.not_applicable and i % 2 == 0:
                value = "not-applicable"
            elif q.dont_know and i % 13 == 0:
                value = "dont-know"
            else:
                options = [o.key for o in INSTRUMENT.index.options[q.id]]
                value = options[(3 * i) % len(options)]
            rows.append(Planned(q.id, q.type, keys, value))
        out[section.id] = rows
    return out


def complete_answers() -> tuple[dict, dict]:
    """Profile and answers for the JSON API, every required question answered."""
    profile: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for section_id, rows in plan().items():
        for row in rows:
            (profile if section_id == "profile" else answers)[row.id] = row.value
    return profile, answers


def create_assessment(base_url: str, organization: str, complete: bool = True,
                      language: str = "en", **answers_by_id) -> str:
    """A new assessment made through the JSON API; its private token."""
    profile, answers = complete_answers() if complete else ({}, {})
    for qid, value in answers_by_id.items():
        (profile if INSTRUMENT.index.section[qid] == "profile" else answers)[qid] = value
    res = httpx.post(base_url + "/api/assessments", timeout=30,
                     json={"organization": organization, "language": language,
                           "profile": profile, "answers": answers})
    assert res.status_code == 201, res.text
    return res.json()["token"]


def stored(base_url: str, token: str) -> dict:
    """The answers stored for an assessment, as the JSON API reports them."""
    res = httpx.get(f"{base_url}/api/assessments/{token}", timeout=30)
    assert res.status_code == 200, res.text
    return res.json()


def token_of(url: str) -> str:
    match = re.search(r"/a/([^/?#]+)", url)
    assert match, url
    return match.group(1)


# -- the keyboard -------------------------------------------------------------------------------

ACTIVE_MATCHES = "sel => document.activeElement && document.activeElement.matches(sel)"


def active(page) -> dict:
    """What has the focus: tag, type, name, value, checked, text."""
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), type: e.type || null, name: e.name || null,
                value: e.value ?? null, checked: !!e.checked, text: (e.innerText || '').trim(),
                hreflang: e.getAttribute('hreflang')}; }""")


def tab_to(page, selector: str, back: bool = False, limit: int = 250) -> int:
    """Press Tab (Shift+Tab with ``back``) until the focused element matches ``selector``;
    the number of presses."""
    key = "Shift+Tab" if back else "Tab"
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate(ACTIVE_MATCHES, selector):
            return presses
    raise AssertionError(f"{key} × {limit} never reached {selector!r}; focus is on "
                         f"{active(page)} at {page.url}")


def focus_is_visible(page) -> bool:
    """The focused element draws a focus indicator: an outline or a box shadow."""
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }""")
    outlined = style["outline"] != "none" and style["width"] not in ("0px", "")
    return outlined or style["shadow"] not in ("none", "")


def save_screenshot(page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
