"""The report outputs as a reader gets them: SVG charts that parse and speak, and a PDF that
opens, reads in the right language, shows user text literally and carries only our fonts."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from socialmaturity.reports.charts import distribution_svg, radar_svg, stage_ladder_svg
from socialmaturity.reports.pdf import render_pdf, report_view
from socialmaturity.reports.result import AssessmentResult
from socialmaturity.reports.text import render_result
from socialmaturity.reports.typst_compiler import fonts_dir
from socialmaturity.scoring.answers import Responses, load_responses, validate_responses
from socialmaturity.services.assessment import Assessor, demo_panel, make_assessor

from .conftest import extreme_answers

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "answers.yaml"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> #set *bold* _x_ $a^2$ @ref [b] \\ `c` // d & \"e\""
CHARTS = (radar_svg, distribution_svg, stage_ladder_svg)
DATE = dt.date(2025, 3, 12)
PROFILE = {"sector": "technology", "size": "1-99", "region": "emea"}


@pytest.fixture(scope="module")
def assessor():
    return make_assessor()


@pytest.fixture(scope="module")
def result_en(assessor) -> AssessmentResult:
    return assessor.assess(load_responses(assessor.instrument, EXAMPLE), "en")


@pytest.fixture(scope="module")
def result_nl(assessor) -> AssessmentResult:
    return assessor.assess(load_responses(assessor.instrument, EXAMPLE), "nl")


@pytest.fixture(scope="module")
def kitchen_result(kitchen) -> AssessmentResult:
    assessor = Assessor(kitchen, demo_panel(kitchen, respondents=200))
    answers = {"cleaning-surfaces": "mostly", "cleaning-boards": "not-applicable",
               "cleaning-checks": ["fridge", "floor"], "records-temperature": 60,
               "records-suppliers": "sometimes"}
    responses = validate_responses(kitchen, {"profile": {"kind": "canteen"}, "answers": answers})
    return assessor.assess(responses, "nl")


def hostile(result: AssessmentResult) -> AssessmentResult:
    r = result.model_copy(deep=True)
    r.dimensions[0].name = HOSTILE + "\x01"  # a control character XML cannot carry
    r.benchmark.peer_group.label = HOSTILE
    r.overall.stage.name = HOSTILE
    r.benchmark.stage_distribution[r.overall.stage.level - 1].name = HOSTILE
    return r


def texts(root: ET.Element) -> str:
    return " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG}text"))


# -- charts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_charts_are_accessible_scalable_svg(chart, lang, result_en, result_nl):
    result = result_en if lang == "en" else result_nl
    root = ET.fromstring(chart(result))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("viewBox") and root.get("width") is None and root.get("height") is None
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert set(root.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}
    if lang == "nl":
        assert title.text in {"Scores per dimensie naast die van vergelijkbare organisaties",
                              "Totaalscores van vergelijkbare organisaties",
                              "Volwassenheidsfasen"}
    # no text smaller than 12 units in a viewBox some 760 wide
    sizes = [float(t.get("font-size") or root.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert min(sizes) >= 12


@pytest.mark.parametrize("chart", CHARTS)
def test_charts_escape_hostile_labels(chart, result_en):
    svg = chart(hostile(result_en))
    assert "<script>" not in svg and "\x01" not in svg
    root = ET.fromstring(svg)  # still well-formed XML
    shown = texts(root) + root.find(f"{SVG}desc").text
    assert "<script>alert(1)</script>" in shown


def test_chart_ids_can_be_made_unique(result_en):
    svg = radar_svg(result_en, id_prefix="second-radar")
    assert 'id="second-radar-title"' in svg and 'id="second-radar-desc"' in svg


def test_radar_has_an_axis_per_dimension_and_a_legend(result_nl):
    root = ET.fromstring(radar_svg(result_nl))
    shown = texts(root)
    for d in result_nl.dimensions:
        assert d.name.split()[0] in shown
    assert "Uw organisatie" in shown and "Mediaan" in shown and "peers" not in shown
    assert len(root.findall(f".//{SVG}polygon")) == 5 + 3  # rings and three series


def test_distribution_marks_the_score_and_percentile(result_en):
    shown = texts(ET.fromstring(distribution_svg(result_en))).replace("\xa0", " ")
    p = round(result_en.benchmark.overall_percentile)
    assert f"Your score {result_en.overall.score:.1f} · percentile {p}" in shown
    assert f"n = {result_en.benchmark.peer_group.n}" in shown
    assert result_en.benchmark.peer_group.label in shown


def test_ladder_has_a_step_per_stage_and_marks_the_current(result_en, kitchen_result):
    root = ET.fromstring(stage_ladder_svg(result_en))
    shown = texts(root)
    assert "You are here" in shown and "from 55" in shown
    assert len(root.findall(f"{SVG}rect")) == 1 + len(result_en.benchmark.stage_distribution)
    three = ET.fromstring(stage_ladder_svg(kitchen_result))
    shown = texts(three)
    assert "U bent hier" in shown and "Fase 3" in shown and "Fase 4" not in shown
    assert "vanaf 50" in shown and "vanaf 85" in shown  # the kitchen's own thresholds


def test_a_result_with_two_dimensions_gets_a_dot_plot(kitchen_result):
    root = ET.fromstring(radar_svg(kitchen_result))
    assert not root.findall(f".//{SVG}polygon")
    assert "Schoonmaak" in texts(root) and "Registratie" in texts(root)


# -- PDF ------------------------------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True, timeout=60)
    return " ".join(out.stdout.decode("utf-8").split())


BASE_FONT = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([^\s/<>\[\]()]+)")


def base_fonts(pdf: bytes) -> set[str]:
    """The fonts a PDF embeds (subset prefixes dropped)."""
    return {m.group(1).decode() for m in BASE_FONT.finditer(pdf)}


def check_valid(pdf: bytes, tmp_path: Path) -> None:
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    if not shutil.which("pdftoppm"):
        print("pdftoppm (poppler-utils) is not installed: the PDF was not rasterized")
        return
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    proc = subprocess.run(["pdftoppm", "-png", "-r", "12", str(path), str(tmp_path / "page")],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(tmp_path.glob("page*.png"))


def test_the_pdf_in_english(result_en, tmp_path):
    pdf = render_pdf(result_en, organization="Northwind Software", date=DATE)
    check_valid(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    for expected in ("Social maturity report", "Northwind Software", "12 March 2025",
                     "Summary", "Why this stage", result_en.overall.stage.name,
                     "You are here", "Dimensions in detail", "Method", "Page 2 of",
                     "Demo benchmark (synthetic)", result_en.instrument.hash,
                     "Executive summary", "Strengths", "What we ask of the board",
                     result_en.no_strengths, result_en.recommendations[0].title,
                     "The shortest path to the next stage"):
        assert expected in text, expected


def test_the_pdf_in_dutch(result_nl, tmp_path):
    pdf = render_pdf(result_nl, organization="Gemeente Zuidhaven", date=DATE)
    check_valid(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    for expected in ("Gemeente Zuidhaven", "12 maart 2025", "Samenvatting", "Waarom deze fase",
                     "U bent hier", "Methode", "Pagina 2 van", "Demobenchmark (synthetisch)"):
        assert expected in text, expected
    for english in ("Summary", "Page 2 of", "You are here", "Peer top quartile"):
        assert english not in text, english


def test_the_organization_prints_literally(result_en, tmp_path):
    pdf = render_pdf(hostile(result_en), organization=HOSTILE, date=DATE)
    check_valid(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert HOSTILE in text
    assert text.count("<script>alert(1)</script>") >= 3  # cover, tables, charts


def test_the_organization_defaults_to_the_profile(result_en):
    assert report_view(result_en)["organization"] == result_en.profile["organization"]
    assert report_view(result_en, organization="Other")["organization"] == "Other"


def test_the_pdf_embeds_only_the_shipped_fonts(result_nl):
    shipped = {p.stem for p in fonts_dir().glob("*.otf")}
    assert shipped >= {"Inter-Regular", "Inter-Bold"} and (fonts_dir() / "OFL.txt").is_file()
    fonts = base_fonts(render_pdf(result_nl, date=DATE))
    assert fonts and all(f.split("-Identity")[0] in shipped for f in fonts), fonts


def test_the_pdf_for_a_three_stage_instrument(kitchen_result, tmp_path):
    pdf = render_pdf(kitchen_result, organization="De Kantine", date=DATE)
    check_valid(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert "Volwassenheidsrapport" in text and "De Kantine" in text
    assert "Fase 2 van 3" in text and "Fase 4" not in text
    assert "Schoonmaak" in text and "n.v.t." in text


def test_a_real_panel_has_no_synthetic_notice(result_en, tmp_path):
    r = result_en.model_copy(deep=True)
    r.benchmark.panel.synthetic = False
    r.benchmark.panel.label = "Survey 2024"
    assert report_view(r)["synthetic"] is None
    text = pdf_text(render_pdf(r, date=DATE), tmp_path)
    assert "Demo benchmark" not in text and "Survey 2024" in text


def test_each_report_shows_its_own_data_and_survives_a_cleaned_temp_folder(result_en,
                                                                           tmp_path):
    """The compilers are reused with a new data.json each time: two organizations' reports in
    a row show each its own name, also after the compilers' private folders were removed (a
    long-running server's temporary files cleaned up)."""
    from socialmaturity.reports import typst_compiler

    first = pdf_text(render_pdf(result_en, organization="Acme First", date=DATE), tmp_path)
    for pool in typst_compiler._pools.values():
        for compiler in list(pool.idle.queue):  # the idle ones (the test makes one at a time)
            shutil.rmtree(compiler.folder)
    second = pdf_text(render_pdf(result_en, organization="Bolt Second", date=DATE), tmp_path)
    assert "Acme First" in first and "Bolt Second" not in first
    assert "Bolt Second" in second and "Acme First" not in second


def test_the_charts_texts_are_set_by_typst_over_the_graphics(result_en, tmp_path):
    """The PDF's charts: each SVG's texts become labels (one per line, at the SVG's
    coordinates, with its size, weight, colour and anchor) and leave the image; every word of
    the web's chart is in the PDF as text."""
    from socialmaturity.reports.pdf_charts import pdf_chart

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" font-size="15" '
           'fill="#111111"><rect width="10" height="10"/>'
           '<text x="5" y="20">A &amp; B</text>'
           '<text x="50" y="40" font-size="12" font-weight="700" fill="#ff0000" '
           'text-anchor="middle"><tspan x="50" dy="0.0">one</tspan>'
           '<tspan x="50" dy="14">two</tspan></text>'
           '<text x="9" y="60" text-anchor="end" transform="rotate(-90 9 60)">axis</text>'
           '</svg>')
    chart = pdf_chart(svg, "alt")
    assert (chart["width"], chart["height"], chart["alt"]) == (200, 100, "alt")
    assert "<text" not in chart["svg"] and "<rect" in chart["svg"]
    ET.fromstring(chart["svg"])  # still well-formed
    assert chart["labels"] == [
        {"size": 15, "weight": 400, "fill": "#111111", "anchor": "start", "rotate": 0,
         "x": 5, "y": 20, "text": "A & B"},
        {"size": 12, "weight": 700, "fill": "#ff0000", "anchor": "middle", "rotate": 0,
         "x": 50, "y": 40, "text": "one"},
        {"size": 12, "weight": 700, "fill": "#ff0000", "anchor": "middle", "rotate": 0,
         "x": 50, "y": 54, "text": "two"},
        {"size": 15, "weight": 400, "fill": "#111111", "anchor": "end", "rotate": -90,
         "x": 9, "y": 60, "text": "axis"}]

    view = report_view(result_en)
    for chart in view["charts"].values():
        assert "<text" not in chart["svg"] and chart["labels"] and chart["alt"]
    ladder = stage_ladder_svg(result_en, id_prefix="pdf-ladder")
    words = {w for t in ET.fromstring(ladder).iter("{http://www.w3.org/2000/svg}text")
             for w in " ".join(t.itertext()).split()}
    assert words == {w for label in view["charts"]["ladder"]["labels"]
                     for w in label["text"].split()}
    text = pdf_text(render_pdf(result_en, date=DATE), tmp_path)
    assert all(w in text for w in words), words


def test_the_next_stage_asks_under_the_answers(result_en, tmp_path):
    """In the dimensions in detail, each answer below the next stage's rung has the answer
    that stage asks for under it (the engine's next_stage_asks), once, and only those."""
    view = report_view(result_en)
    for shown, dim in zip(view["dimensions"], result_en.dimensions, strict=True):
        asked = {a.question: a.target_label for a in dim.next_stage_asks}
        assert [q["target"] for q in shown["questions"]] == [asked.get(q.id)
                                                             for q in dim.questions]
    text = " ".join(pdf_text(render_pdf(result_en, date=DATE), tmp_path).split())
    target = result_en.dimensions[0].next_stage_asks[0].target_label
    assert f"→ {target.split()[0]}" in text and "What the next stage asks" in text
    assert "now:" not in text


def terminal_text(result: AssessmentResult) -> str:
    from rich.console import Console

    console = Console(width=400, file=io.StringIO())
    console.print(render_result(result))
    return " ".join(console.file.getvalue().split())


def test_the_extremes_claim_only_what_holds_in_the_pdf_and_the_terminal(assessor, tmp_path):
    """All lowest: no strength at a score of 0, a sentence instead; all highest: the empty
    next steps say why, and 99.6 prints as 99 ("higher than 99%", never 100%)."""
    inst = assessor.instrument
    low = assessor.assess(Responses(PROFILE, extreme_answers(inst, lowest=True)), "en")
    top = assessor.assess(Responses(PROFILE, extreme_answers(inst, lowest=False)), "en")
    none_yet = "No dimension scores above your peers' median yet, so none is named a strength."
    assert report_view(low)["strengths"] == [] and none_yet in report_view(low)["no_strengths"]
    assert none_yet in terminal_text(low)
    top_steps = "No recommendations: every dimension is at its highest stage."
    view = report_view(top)
    assert view["no_steps"] == top_steps and view["overall"]["percentile"] == "99"
    assert "You score higher than 99% of your peers." == view["overall"]["percentile_line"]
    shown = terminal_text(top)
    assert top_steps in shown and "Percentile among peers: 99 " in shown
    pdf = pdf_text(render_pdf(top, date=DATE), tmp_path)
    assert pdf.count(top_steps) == 2 and "higher than 99%" in pdf and "100%" not in pdf
