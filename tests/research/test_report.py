"""The research report: HTML with its figures, XLSX sheets, PDF; nothing left on error."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import numpy as np
import openpyxl
import pytest

from socialmaturity.benchmark.demo import generate_panel
from socialmaturity.research import report as rep
from socialmaturity.research.classify import classify
from socialmaturity.services.research import RunOptions, run, run_demo

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def result(social):
    return run_demo(seed=5, respondents=600, inst=social)


def test_writes_html_pdf_and_xlsx(result, tmp_path):
    out = tmp_path / "report"
    paths = rep.write_report(result, out, "en")
    assert [p.name for p in paths] == ["research-report.html", "research-report.pdf",
                                       "research-report.xlsx"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    assert paths[1].read_bytes().startswith(b"%PDF")
    html = paths[0].read_text()
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html
    # self-contained: styles inline, charts inline, nothing fetched
    assert "<style>" in html and "<link" not in html and "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=""", html)
    assert not re.search(r"url\(", html)
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 3
    titles = [ET.fromstring(s).findtext(f"{SVG}title") for s in svgs]
    assert titles == ["Shares of mature organizations and less mature ones, with 95% intervals",
                      "Stage distribution by sector", "Distribution of the dimension scores "
                                                      "(0–100)"]
    for s in svgs:
        root = ET.fromstring(s)
        assert root.get("role") == "img" and root.findtext(f"{SVG}desc")
    for text in ("Findings", "Reliability", "Method", "Benjamini–Hochberg", "Katz",
                 "one row per organization", "Kish", "Cronbach", "Synthetic data",
                 "The study's findings", "By definition", "Design effects", "ICC(1)",
                 "Demo panel calibration"):
        assert text in html, text
    # an executive summary first: the study's findings as sentences with verdicts and the
    # leading chart; then the findings as tables by dimension
    assert html.index("Executive summary") < html.index("The study's findings") \
        < html.index("The leading findings") < html.index("By definition")
    assert result.study[0].sentences["en"] in html
    assert html.index("The leading findings") < html.index("Findings</h2>")
    first = result.findings[0]
    assert result.label(first.indicator, "en") in html


def test_workbook_has_one_sheet_per_table(result, tmp_path):
    paths = rep.write_report(result, tmp_path, "en", formats=("xlsx",))
    book = openpyxl.load_workbook(paths[0], read_only=True)
    assert book.sheetnames == ["Import recodes", "Cleaning", "Weights", "Stages by sector",
                               "Dimension scores", "Comparisons", "Comparisons by group",
                               "Shares", "Findings", "Reliability", "Intra-class correlation",
                               "The study's findings", "Study targets"]
    rows = list(book["Comparisons"].iter_rows(values_only=True))
    assert rows[0][:3] == ("indicator", "label", "n_focus")
    assert len(rows) == 1 + len(result.comparisons)
    findings = list(book["Findings"].iter_rows(values_only=True))
    assert findings[1][-1] == result.findings[0].sentence
    rel = list(book["Reliability"].iter_rows(values_only=True))
    assert [r[0] for r in rel[1:]] == [d.id for d in result.instrument.dimensions]


def test_dutch_report(result, tmp_path):
    paths = rep.write_report(result, tmp_path, "nl", formats=("html", "xlsx"))
    html = paths[0].read_text()
    assert '<html lang="nl">' in html
    for text in ("Managementsamenvatting", "Bevindingen", "Betrouwbaarheid",
                 "Verdeling over de fasen per sector", "Methode", "Toetsen"):
        assert text in html, text
    book = openpyxl.load_workbook(paths[1], read_only=True)
    assert "Vergelijkingen" in book.sheetnames and "Bevindingen" in book.sheetnames
    # the texts in the sheets are Dutch too
    criteria = [r[3] for r in list(book["Opschonen"].iter_rows(values_only=True))[1:]]
    assert criteria[0].startswith("0 onvolledig: minder dan 50% van de 48 gescoorde vragen")
    assert "niet toegepast: de gegevens hebben geen kolom duration_seconds" in criteria
    assert list(book["Gewichten"].iter_rows(values_only=True))[1] == ("methode",
                                                                      "geen (ongewogen)")
    verdicts = {r[7] for r in list(book["De bevindingen van de studie"].iter_rows(
        values_only=True))[1:]}
    assert verdicts and verdicts <= {"teruggevonden", "zwakker dan gepubliceerd",
                                     "niet teruggevonden", "te onzeker om iets te zeggen"}


def test_pdf_in_dutch(result):
    pdf = rep.render_pdf(rep.report_view(result, "nl"))
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 50_000


def test_nothing_is_left_when_rendering_fails(result, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(rep, "render_xlsx", broken)
    out = tmp_path / "new-folder"
    with pytest.raises(RuntimeError):
        rep.write_report(result, out, "en")
    assert not out.exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    with pytest.raises(RuntimeError):
        rep.write_report(result, existing, "en")
    assert list(existing.iterdir()) == []


def test_nothing_is_left_when_writing_fails_halfway(result, tmp_path, monkeypatch):
    import socialmaturity.files as services

    real = services.write_bytes_atomically
    calls = []

    def flaky(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("no space left on device")
        return real(path, data)

    monkeypatch.setattr(services, "write_bytes_atomically", flaky)
    with pytest.raises(OSError):
        rep.write_report(result, tmp_path, "en")
    assert list(tmp_path.iterdir()) == []  # the two files already in place are removed


def test_charts_escape_text_and_describe_the_numbers():
    rows = [{"label": "<b>&\"x\"</b>", "focus": 0.64, "focus_low": 0.6, "focus_high": 0.68,
             "rest": 0.3, "rest_low": 0.27, "rest_high": 0.33}]
    svg = rep.comparison_svg(rows, "nl", "Volwassen organisaties", "minder volwassen")
    root = ET.fromstring(svg)  # well-formed despite the label
    desc = root.findtext(f"{SVG}desc")
    assert "64%" in desc and "30%" in desc and "<b>&\"x\"</b>" in desc


def _facts(view: dict) -> dict[str, str]:
    summary = next(b for b in view["blocks"] if b["type"] == "table")
    return dict(summary["rows"])


def test_every_summary_number_says_what_it_counts(result):
    """The demo analyses organizations: the summary, the shares and the method note say so."""
    assert result.per_organization
    view = rep.report_view(result, "en")
    facts = _facts(view)
    assert "Respondents analysed" not in facts and "Organizations" not in facts
    assert facts["Organizations analysed"] == f"{len(result.data):,}"
    mature = result.data["mature"].mean()
    assert facts["Mature (stage 3 or higher)"] == f"{mature:.1%} of organizations"
    html = rep.render_html(view)
    assert "of all respondents" not in html and "of all organizations" in html
    assert f"effective sample size is the {len(result.data):,} organizations" in html
    nl = rep.render_html(rep.report_view(result, "nl"))
    assert "van alle respondenten" not in nl and "van alle organisaties" in nl


def test_a_weighted_summary_gives_the_weighted_share(social):
    panel = generate_panel(social, seed=9, respondents=400)
    mature = classify(panel, social)["mature"].to_numpy()
    panel["w"] = np.where(mature, 3.0, 1.0)  # the mature count three times
    result = run(frame=panel, inst=social, options=RunOptions(weights="w", by_group=None,
                                                              clean_data=False))
    weighted = 3 * mature.sum() / (3 * mature.sum() + (~mature).sum())
    facts = _facts(rep.report_view(result, "en"))
    assert facts["Respondents analysed"] == f"{len(panel):,}"
    assert facts["Mature (stage 3 or higher)"] == f"{weighted:.1%} of respondents, weighted"
    assert result.mature_share() == pytest.approx(weighted)


def test_tables_and_charts_scroll_inside_a_narrow_page(result):
    """Each table and chart is in its own scrolling box, the chart no narrower than 40rem."""
    html = rep.render_html(rep.report_view(result, "en"))
    assert html.count("<table>") == html.count('<div class="scroll" tabindex="0"><table>') > 10
    assert html.count("<svg") == html.count('<div class="scroll" tabindex="0"><svg') == 3
    assert "figure svg{width:100%;min-width:40rem" in html


def test_the_terminal_counts_the_comparisons_by_definition(result):
    from socialmaturity.services.research_summary import terminal_lines

    defined = len(result.comparisons) - result.ranked_comparisons
    assert defined == 1  # the CRM question a stage rule asks
    text = "\n".join(terminal_lines(result, "en"))
    assert "; 1 that the stage rules define is shown by definition, not ranked." in text
    assert "; 1 die de faseregels bepalen" in "\n".join(terminal_lines(result, "nl"))
