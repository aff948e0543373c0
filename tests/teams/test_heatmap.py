"""The heatmap SVG: well-formed, accessible (title, description with every value, values as
text in the cells, contrast), escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from socialmaturity.reports.heatmap import BANDS, BORDER, EMPTY, heatmap_svg
from socialmaturity.services.teams import assess_round
from socialmaturity.teams.round import load_round

from .conftest import EXAMPLES

NS = "{http://www.w3.org/2000/svg}"


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def found(social, assessor):
    return assess_round(assessor, load_round(social, [EXAMPLES / "2026"]), "en", 3)


def test_every_value_is_written_in_its_cell_and_told_in_the_description(found):
    root = ET.fromstring(heatmap_svg(found.result, found.team))
    assert root.get("role") == "img" and root.find(f"{NS}title").text == \
        "Scores per department and dimension"
    desc = root.find(f"{NS}desc").text
    texts = [t.text for t in root.iter(f"{NS}text") if t.text]
    for dep in found.team.departments:
        assert f"{dep.label} (n = {dep.n})" in desc
        for c in dep.dimensions:
            assert f"{c.score:.1f}" in texts
    for d in found.result.dimensions:
        assert f"{d.score:.1f}" in texts
    cells = [r for r in root.iter(f"{NS}rect") if r.get("stroke") == BORDER
             and r.get("width") != "18"]
    assert len(cells) == len(found.result.dimensions) * (len(found.team.departments) + 1)


def test_text_and_borders_have_aa_contrast():
    for fill, ink in (*BANDS, EMPTY):
        assert contrast(fill, ink) >= 4.5, fill
    assert contrast(BORDER, "#ffffff") >= 3


def test_labels_are_escaped_and_no_department_is_said(found):
    team = found.team.model_copy(update={"departments": [
        found.team.departments[0].model_copy(update={"label": "R&D <script>\x01"})]})
    svg = heatmap_svg(found.result, team)
    ET.fromstring(svg)  # well-formed
    assert "<script>" not in svg and "R&amp;D &lt;script&gt;" in svg
    empty = found.team.model_copy(update={"departments": []})
    root = ET.fromstring(heatmap_svg(found.result, empty, id_prefix="x"))
    assert "No department has at least 3 respondents" in root.find(f"{NS}desc").text
    assert root.find(f"{NS}title").get("id") == "x-title"
