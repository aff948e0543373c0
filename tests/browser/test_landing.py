"""The landing page: "Start" is above the fold on a laptop (1280 × 800) and a phone
(360 × 740), in English and Dutch; on the laptop the preview of the result is too."""

from __future__ import annotations

import pytest

from socialmaturity.i18n.catalog import tr

LOCALES = {"en": "en-US", "nl": "nl-NL"}
START = {lang: tr(lang, "Start the assessment") for lang in LOCALES}


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("size", [(1280, 800), (360, 740)], ids=["1280", "360"])
def test_start_is_above_the_fold(new_context, size, lang):
    width, height = size
    page = new_context(viewport={"width": width, "height": height}, locale=LOCALES[lang],
                       is_mobile=width < 500).new_page()
    page.goto("/")
    button = page.get_by_role("button", name=START[lang]).bounding_box()
    assert button and button["y"] + button["height"] <= height, (button, size)
    name = page.locator("#organization").bounding_box()
    assert name["y"] + name["height"] <= height
    if width >= 1000:
        preview = page.locator(".preview").bounding_box()
        assert preview["y"] + preview["height"] <= height, preview
