"""The board deck (``score --pptx``): it opens in python-pptx with the expected seven slides in
English and Dutch, its chart is a native chart of the result's numbers, its gaps lie below the
peer median, its strengths show question and answer, a slide with nothing to list says so in a
sentence, no two runs of text run together, and, rendered by LibreOffice (Debian's
``libreoffice-impress``) to PDF and PNG, no text runs out of its box or off a slide; for the
example, every answer at the top and every answer at the bottom.

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
from socialmaturity.i18n.catalog import tr
from socialmaturity.reports.deck import render_pptx
from socialmaturity.reports.format import num
from socialmaturity.scoring.answers import Responses, load_responses
from socialmaturity.services.assessment import make_assessor

from .test_report_text import keys_in

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "answers.yaml"
TITLES = {
    "en": [None, "Where you stand: ", "Scores against peers", "Strengths to build on",
           "The largest gaps", "Next steps", "Method and data"],
    "nl": [None, "Waar u staat: ", "Scores tegenover vergelijkbare organisaties",
           "Sterke punten om op voort te bouwen", "De grootste achterstanden",
           "Volgende stappen", "Methode en gegevens"],
}


@pytest.fixture(scope="module")
def assessor():
    return make_assessor()


def extreme(inst, top: bool) -> Responses:
    """Every scored question at its highest (``top``) or lowest answer."""
    pick = max if top else min
    answers = {}
    for q in inst.scored_questions:
        options = inst.index.options.get(q.id, [])
        if q.type == "single":
            answers[q.id] = pick(options, key=lambda o: o.points or 0.0).key
        elif q.type == "multi":
            answers[q.id] = [o.key for o in options if not o.exclusive] if top else \
                [o.key for o in options if o.exclusive][:1]
        else:
            answers[q.id] = float(pick(q.score_range))
    return Responses({"sector": "technology", "size": "1-99", "region": "emea"},
                     {k: v for k, v in answers.items() if v != []})


def responses(assessor, which: str) -> Responses:
    inst = assessor.instrument
    return load_responses(inst, EXAMPLE) if which == "example" else extreme(inst, which == "top")


@pytest.fixture(scope="module", params=[("example", "en"), ("example", "nl"), ("top", "en"),
                                        ("top", "nl"), ("lowest", "nl")])
def deck(request, assessor):
    which, lang = request.param
    result = assessor.assess(responses(assessor, which), lang)
    return lang, result, render_pptx(result, organization="Northwind Software")


def slide_texts(slide) -> str:
    return " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def shape_text(slide, name: str) -> str | None:
    return next((s.text_frame.text for s in slide.shapes if s.name == name), None)


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
    strong = slide_texts(slides[3])  # the strengths, or the sentence saying there is none
    assert all(s.name in strong for s in result.strengths)
    assert result.strengths or result.no_strengths in strong
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


def test_the_gaps_lie_below_the_peer_median(deck):
    """The gap cards: the dimensions furthest below the peer median (none above it), the last
    place an unmet condition for the next stage; no gap: a sentence saying so."""
    lang, result, data = deck
    slide = Presentation(BytesIO(data)).slides[4]
    bench = {b.id: b.median for b in result.benchmark.dimensions}
    behind = sorted(((d.score - bench[d.id], d.name) for d in result.dimensions
                     if d.score is not None and d.score < bench[d.id]), key=lambda x: x[0])
    unmet = [c.text for c in result.next_stage.conditions if not c.met] \
        if result.next_stage else []
    titles = [shape_text(slide, f"Card {i} title") for i in (1, 2, 3)]
    titles = [t for t in titles if t is not None]
    expected = [name for _, name in behind][:2 if unmet else 3]
    assert titles[:len(expected)] == expected
    assert len(titles) == len(expected) + bool(unmet)
    if not titles:
        assert shape_text(slide, "None") == tr(lang, "No dimension scores below the peer median.")


def test_strength_evidence_gives_the_question_before_the_answer(deck):
    _, result, data = deck
    slide = Presentation(BytesIO(data)).slides[3]
    for i, strength in enumerate(result.strengths[:3], 1):
        card = next(s for s in slide.shapes if s.name == f"Card {i} text")
        lines = [[r.text for r in p.runs] for p in card.text_frame.paragraphs[1:]]
        best = [a for a in strength.best[:2] if a.answer_label]
        assert len(lines) == len(best)
        for (question, answer), a in zip(lines, best, strict=True):
            assert a.text.startswith(question.strip().rstrip("…"))
            assert a.answer_label.startswith(answer.rstrip("…"))


def test_without_strengths_or_steps_the_slide_says_so(assessor):
    """The result's own sentence where it has no strength (every answer at the lowest) or no
    step (every answer at the top): one sentence, not an empty or numbered card."""
    low = assessor.assess(extreme(assessor.instrument, top=False), "en")
    top = assessor.assess(extreme(assessor.instrument, top=True), "en")
    assert not low.strengths and not top.recommendations
    for result, index, said in ((low, 3, low.no_strengths), (top, 5, top.no_steps)):
        slide = Presentation(BytesIO(render_pptx(result))).slides[index]
        assert said and shape_text(slide, "None") == said
        assert not [s.name for s in slide.shapes if s.name.startswith("Card")]


def test_runs_do_not_run_together(deck):
    """Where a paragraph has several runs (a stage and its name, a verdict and its condition, a
    bullet and its text), a space separates them."""
    _, result, data = deck
    slides = Presentation(BytesIO(data)).slides
    assert f"{result.overall.stage.level} of " in shape_text(slides[0], "Stage") or \
        f"{result.overall.stage.level} van " in shape_text(slides[0], "Stage")
    for slide in slides:
        for shape in slide.shapes:
            for p in shape.text_frame.paragraphs if shape.has_text_frame else []:
                runs = [r.text for r in p.runs]
                for a, b in zip(runs, runs[1:], strict=False):
                    assert a[-1:].isspace() or b[:1].isspace(), (shape.name, p.text)


def test_gap_scores_are_written_as_the_result_writes_them(deck):
    """58.3, not 58: one decimal, as everywhere else (the gap cards' scores and medians)."""
    lang, result, data = deck
    slide = Presentation(BytesIO(data)).slides[4]
    text = slide_texts(slide)
    bench = {b.id: b.median for b in result.benchmark.dimensions}
    titles = {shape_text(slide, f"Card {i} title") for i in (1, 2, 3)}
    shown = [d for d in result.dimensions if d.name in titles]
    for d in shown:
        assert tr(lang, "Score {score} against a peer median of {median}.",
                  score=num(lang, d.score), median=num(lang, bench[d.id])) in text, d.name


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
