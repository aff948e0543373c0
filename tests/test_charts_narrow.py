"""The charts for phones: 320 units wide, accessible, escaping, every dimension a bar, the
current stage marked, and the histogram's labels inside the chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import partial

import pytest

from socialmaturity.reports.charts import distribution_svg
from socialmaturity.reports.charts_narrow import dimension_bars_svg, stage_ladder_vertical_svg
from socialmaturity.scoring.answers import load_responses, validate_responses
from socialmaturity.services.assessment import Assessor, demo_panel, make_assessor

from .test_reports import EXAMPLE, SVG, hostile, texts


@pytest.fixture(scope="module")
def assessor():
    return make_assessor()


@pytest.fixture(scope="module")
def result_en(assessor):
    return assessor.assess(load_responses(assessor.instrument, EXAMPLE), "en")


@pytest.fixture(scope="module")
def result_nl(assessor):
    return assessor.assess(load_responses(assessor.instrument, EXAMPLE), "nl")


@pytest.fixture(scope="module")
def kitchen_result(kitchen):
    responses = validate_responses(kitchen, {"profile": {"kind": "canteen"}, "answers": {
        "cleaning-surfaces": "mostly", "records-temperature": 60}})
    return Assessor(kitchen, demo_panel(kitchen, respondents=200)).assess(responses, "nl")

NARROW = (dimension_bars_svg, stage_ladder_vertical_svg,
          partial(distribution_svg, id_prefix="narrow", width=320))


def estimated_right(t: ET.Element) -> float:
    """Where a text ends (its longest line), estimated as the charts estimate it: 0.55 em a
    character, 0.5 in running text."""
    size = float(t.get("font-size") or 15)
    anchor = t.get("text-anchor") or "start"
    lines = [(float(s.get("x")), s.text or "") for s in t.iter(f"{SVG}tspan")] or \
        [(float(t.get("x")), "".join(t.itertext()))]
    right = 0.0
    for x, text in lines:
        width = (0.5 if len(text) > 40 else 0.55) * size * len(text)
        right = max(right, x + (width if anchor == "start" else
                                width / 2 if anchor == "middle" else 0))
    return right


@pytest.mark.parametrize("chart", NARROW)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_narrow_charts_are_accessible_and_fit_a_phone(chart, lang, result_en, result_nl):
    result = result_en if lang == "en" else result_nl
    root = ET.fromstring(chart(result))
    assert root.get("role") == "img" and root.get("width") is None
    assert root.get("viewBox").split()[2] == "320"
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    sizes = [float(t.get("font-size") or 15) for t in root.iter(f"{SVG}text")]
    assert min(sizes) >= 12
    for t in root.iter(f"{SVG}text"):
        if t.get("transform"):
            continue
        assert float(t.get("x")) >= 0 and estimated_right(t) <= 320 + 12, "".join(t.itertext())


@pytest.mark.parametrize("chart", NARROW)
def test_narrow_charts_escape_hostile_labels(chart, result_en):
    svg = chart(hostile(result_en))
    assert "<script>" not in svg and "\x01" not in svg
    root = ET.fromstring(svg)
    assert "<script>alert(1)</script>" in texts(root) + root.find(f"{SVG}desc").text


def test_bars_have_one_row_per_dimension(result_nl):
    root = ET.fromstring(dimension_bars_svg(result_nl))
    shown = texts(root)
    for d in result_nl.dimensions:
        assert d.name.split()[0] in shown
    assert "Uw organisatie" in shown and "Mediaan" in shown
    scored = [d for d in result_nl.dimensions if d.score is not None]
    assert len(root.findall(f"{SVG}rect")) == 1 + 1 + len(result_nl.dimensions) + len(scored)


def test_vertical_ladder_marks_the_current_stage(result_en, kitchen_result):
    shown = texts(ET.fromstring(stage_ladder_vertical_svg(result_en)))
    assert "You are here" in shown and "from 55" in shown
    assert shown.index("Stage 4") < shown.index("Stage 1")  # the highest on top
    three = texts(ET.fromstring(stage_ladder_vertical_svg(kitchen_result)))
    assert "U bent hier" in three and "Fase 3" in three and "Fase 4" not in three
