"""The board deck (``score --pptx``): it opens in python-pptx with the expected seven slides in
English and Dutch, its chart is a native chart of the result's numbers, and, rendered by
LibreOffice (Debian's ``libreoffice-impress``) to PDF and PNG, no text runs out of its box or
off a slide.

Without ``soffice`` the rendering test is skipped with a message; under ``CI=true`` (where
``.ci/run`` installs LibreOffice) it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.util import Emu

from socialmaturity.cli import cli
from socialmaturity.reports.deck import render_pptx
from socialmaturity.reports.format import num
from socialmaturity.scoring.answers import load_responses
from socialmaturity.services.assessment import make_assessor

from .test_report_text import keys_in

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "answers.yaml"
TITLES = {
    "en": [None, "Where you stand: ", "Scores against peers", "Strengths to build on",
           "The largest gaps", "Three next steps", "Method and data"],
    "nl": [None, "Waar u staat: ", "Scores tegenover vergelijkbare organisaties",
           "Sterke punten om op voort te bouwen", "De grootste achterstanden",
           "Drie volgende stappen", "Methode en gegevens"],
}


@pytest.fixture(scope="module")
def assessor():
    return make_assessor()


@pytest.fixture(scope="module", params=["en", "nl"])
def deck(request, assessor):
    result = assessor.assess(load_responses(assessor.instrument, EXAMPLE), request.param)
    return request.param, result, render_pptx(result, organization="Northwind Software")


def slide_texts(slide) -> str:
    return " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_the_deck_has_the_expected_slides(deck):
    lang, result, data = deck
    prs = Presentation(BytesIO(data))
    slides = list(prs.slides)
    assert 6 <= len(slides) <= 8 and len(slides) == len(TITLES[lang])
    for slide, title in zip(slides, TITLES[lang], strict=True):
        if title:
            shown = next(s for s in slide.shapes if s.name == "Title").text_frame.text
            assert shown.startswith(title), (shown, title)
    first = slide_texts(slides[0])
    assert "Northwind Software" in first and result.overall.stage.name in first
    assert result.overall.stage.name in slide_texts(slides[1])
    steps = slide_texts(slides[5])
    for rec in result.recommendations[:3]:
        assert rec.owner in steps
    assert ("synthetic" if lang == "en" else "synthetisch") in slide_texts(slides[-1])
    # every shape lies on its slide
    for slide in slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, shape.name
            assert shape.left + shape.width <= prs.slide_width, shape.name
            assert shape.top + shape.height <= prs.slide_height, shape.name


def test_scores_against_peers_is_a_native_chart_of_the_result(deck):
    lang, result, data = deck
    slide = Presentation(BytesIO(data)).slides[2]
    charts = [s for s in slide.shapes if s.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    plot = chart.plots[0]
    assert len(plot.categories) == len(result.dimensions)
    series = {s.name: list(s.values) for s in plot.series}
    own = series["Your organization" if lang == "en" else "Uw organisatie"]
    assert own == [d.score for d in reversed(result.dimensions)]
    labels = [p.data_label.text_frame.text for p in plot.series[2].points]
    assert labels == [num(lang, d.score) for d in reversed(result.dimensions)]  # 58,3 not 58
    median = series["Peer median" if lang == "en" else "Mediaan"]
    bench = {b.id: b.median for b in result.benchmark.dimensions}
    assert median == [bench[d.id] for d in reversed(result.dimensions)]


def test_a_strength_has_its_score_as_the_result_writes_it(deck):
    lang, result, data = deck
    text = slide_texts(Presentation(BytesIO(data)).slides[3])
    assert any(x.score % 1 for x in result.strengths), "the example has a fractional score"
    for x in result.strengths:  # 58.3, not 58: one decimal, as everywhere else
        assert f"{num(lang, x.score)} · " in text, x.name


def test_no_option_key_in_the_deck(deck):
    lang, _, data = deck
    prs = Presentation(BytesIO(data))
    text = " ".join(slide_texts(s) for s in prs.slides)
    assert keys_in(text, lang) == []


def test_score_writes_the_deck(tmp_path):
    out = tmp_path / "deck.pptx"
    res = CliRunner().invoke(cli, ["score", str(EXAMPLE), "--pptx", str(out), "--lang", "nl"])
    assert res.exit_code == 0, res.output
    assert len(Presentation(str(out)).slides) == 7
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]
    res = CliRunner().invoke(cli, ["score", "--batch", str(EXAMPLE), "--output", "x.csv",
                                   "--pptx", str(out)])
    assert res.exit_code == 2 and "--pptx" in res.output


# -- rendered by LibreOffice --------------------------------------------------------------------

def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        message = ("LibreOffice (soffice) is not installed: apt-get install "
                   "libreoffice-impress to render the deck and check that no text overflows")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def boxes(data: bytes) -> list[list[tuple[str, float, float, float, float]]]:
    """Per slide, (name, left, top, right, bottom) in points of every text box and chart."""
    out = []
    for slide in Presentation(BytesIO(data)).slides:
        out.append([(s.name, Emu(s.left).pt, Emu(s.top).pt, Emu(s.left + s.width).pt,
                     Emu(s.top + s.height).pt)
                    for s in slide.shapes if s.has_text_frame or s.has_chart])
    return out


def overflowing(pdf: Path, shapes: list) -> list[str]:
    """Text blocks of the rendered PDF (``pdftotext -bbox-layout``) that do not lie within the
    box they start in: text run out of its box, or off the slide."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True, timeout=60).stdout.decode("utf-8")
    root = ET.fromstring(re.sub(r'\sxmlns="[^"]+"', "", out, count=1))
    problems = []
    slack = 2.5
    for number, (page, on_slide) in enumerate(zip(root.iter("page"), shapes, strict=True), 1):
        for block in page.iter("block"):
            x0, y0, x1, y1 = (float(block.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            words = " ".join(w.text or "" for w in block.iter("word"))
            home = [s for s in on_slide if s[1] - slack <= x0 <= s[3] and
                    s[2] - slack <= y0 <= s[4]]
            if not home:
                problems.append(f"slide {number}: {words[:60]!r} is in no box")
            elif not any(x1 <= s[3] + slack and y1 <= s[4] + slack for s in home):
                name = home[0][0]
                problems.append(f"slide {number}: {words[:60]!r} runs out of {name!r} "
                                f"({x1:.0f},{y1:.0f} > {home[0][3]:.0f},{home[0][4]:.0f})")
    return problems


def test_rendered_by_libreoffice_no_text_overflows(deck, tmp_path):
    office = soffice()
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed")
    lang, _, data = deck
    path = tmp_path / f"deck-{lang}.pptx"
    path.write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([office, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / f"deck-{lang}.pdf"
    assert pdf.exists()
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "slide")],
                   check=True, timeout=120)
    shapes = boxes(data)
    assert len(sorted(tmp_path.glob("slide*.png"))) == len(shapes)
    problems = overflowing(pdf, shapes)
    assert not problems, "\n".join(problems)
