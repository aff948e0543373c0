"""The PDF report of a team round as a reader gets it: the team section's texts in English and
Dutch, the heatmap's numbers as the round's result has them, no progress or targets section
without a previous round or targets, and `socialmaturity team --pdf`. Few compiles: each PDF
is made once per module."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from socialmaturity.cli import cli
from socialmaturity.reports.format import num
from socialmaturity.reports.pdf import render_team_pdf
from socialmaturity.reports.team_pdf import team_view
from socialmaturity.services.teams import assess_round
from socialmaturity.teams.progress import load_targets
from socialmaturity.teams.round import load_round, make_round
from tests.test_reports import HOSTILE, check_valid, pdf_text

from .conftest import EXAMPLES, respondent

DATE = dt.date(2026, 12, 1)
NUMBER = re.compile(r"^\d+[.,]\d$")
MEDIA_BOX = re.compile(rb"/MediaBox\[0 0 ([\d.]+) ([\d.]+)\]")


def layout_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text with its lines as laid out (a heatmap row stays one line)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    path = tmp_path / "layout.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True, timeout=60).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def round_en(social, assessor):
    rnd = load_round(social, [EXAMPLES / "2026"], "2026 Q4")
    before = load_round(social, [EXAMPLES / "2025"], "2025 Q4")
    goals = load_targets(social, EXAMPLES / "targets.yaml")
    return assess_round(assessor, rnd, "en", 3, before, goals)


@pytest.fixture(scope="module")
def pdf_en(round_en):
    return render_team_pdf(round_en, date=DATE)


def test_the_team_section_in_english(round_en, pdf_en, tmp_path):
    check_valid(pdf_en, tmp_path)
    text = pdf_text(pdf_en, tmp_path)
    for part in ("Team assessment: 2026 Q4 · 7 respondents", "Team assessment: 2026 Q4",
                 "Scores per department and dimension", "Agreement per dimension",
                 "Largest disagreements between departments",
                 "Rolled-up answer", "Answers given", "Progress since 2025 Q4 (n = 6)",
                 "Answers that moved (7)", "Progress to the targets", "Strategic (55)",
                 "Executive summary", "Dimensions in detail"):
        assert part in text, part
    # every department is shown as itself: the heatmap's heads give the n, no table repeats it
    assert "Respondents per department" not in text
    # the team section comes after the executive summary and before the details
    assert text.index("Executive summary") < text.index("7 respondents in 2 departments answered") \
        < text.index("Dimensions in detail")
    # a score has one decimal wherever it is shown: 62.5, as the heatmap and the JSON write it
    assert any(x.score % 1 for x in round_en.result.strengths)
    for x in round_en.result.strengths:
        assert f"Score {num('en', x.score)}, percentile {num('en', x.percentile, 0)} among" in text
    team = round_en.team
    for d in team.disagreements:  # every department's answers, as the result counts them
        assert f"({d.dimension_name}; spread {num('en', d.spread)})" in text
        for g in d.departments:
            for c in g.answers:
                assert f"{c.count}× {c.label}" in text
    p = team.progress
    assert "Dimension 2025 Q4 2026 Q4 Change" in text  # the progress table's heads
    assert f"{num('en', p.overall.before.score)} · {p.overall.before.stage.name}" in text
    assert f"+{num('en', p.overall.change)}" in text
    for m in p.moves:
        e = m.effect
        assert f"overall {num('en', e.overall_before)} → {num('en', e.overall_after)}" in text


def test_the_heatmap_shows_the_rounds_numbers(round_en, pdf_en, tmp_path):
    result, team = round_en.result, round_en.team
    text = layout_text(pdf_en, tmp_path)
    heatmap = text[text.index("Scores per department and dimension"):
                   text.index("Shading: the stage band of the score")]
    rows = [[x for x in line.split() if NUMBER.match(x)] for line in heatmap.splitlines()]
    rows = [r for r in rows if r]
    wanted = [[num("en", dep.dimensions[i].score) for dep in team.departments]
              + [num("en", d.score)] for i, d in enumerate(result.dimensions)]
    assert rows == wanted
    words = " ".join(heatmap.split())  # a head may wrap: "Customer" over "service"
    for dep in team.departments:
        assert all(word in words for word in dep.label.split())
    assert re.search(rf"n\s*=\s*{team.respondents}\b", heatmap)  # the organization's n
    for dep in team.departments:
        assert re.search(rf"n\s*=\s*{dep.n}\b", heatmap)
    agreement = text[text.index("Agreement per dimension"):]
    for a in team.agreement:
        row = next(line for line in agreement.splitlines() if line.strip().startswith(a.name))
        assert row.split()[-3:] == [num("en", a.sd), num("en", a.spread),
                                    num("en", a.agreement, 2)]


def test_without_a_previous_round_or_targets_those_parts_are_left_out(social, assessor,
                                                                     tmp_path):
    found = assess_round(assessor, load_round(social, [EXAMPLES / "2025"], HOSTILE), "en", 3)
    text = pdf_text(render_team_pdf(found, date=DATE), tmp_path)
    assert f"Team assessment: {HOSTILE} · 6 respondents" in text  # the round's name as typed
    assert "Largest disagreements between departments" in text
    for absent in ("Progress since", "Answers that moved", "Progress to the targets"):
        assert absent not in text, absent


def test_the_command_writes_the_pdf_in_dutch(tmp_path):
    out = tmp_path / "ronde.pdf"
    res = CliRunner().invoke(cli, ["team", str(EXAMPLES / "2026"), "--round-label", "2026",
                                   "--previous", str(EXAMPLES / "2025"), "--targets",
                                   str(EXAMPLES / "targets.yaml"), "--lang", "nl", "--pdf",
                                   str(out), "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert f"{out} geschreven" in res.stderr  # the status line in --lang too
    pdf = out.read_bytes()
    check_valid(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    for part in ("Teamassessment: 2026 · 7 respondenten", "Scores per afdeling en dimensie",
                 "Overeenstemming per dimensie",
                 "Grootste verschillen van inzicht tussen afdelingen", "Samengevoegd antwoord",
                 "Gegeven antwoorden", "Voortgang sinds de vorige ronde (n = 6)",
                 "Gewijzigde antwoorden (7)", "Voortgang naar de doelen", "Strategisch (55)",
                 "Klantenservice"):
        assert part in text, part
    assert "Largest disagreements" not in text and "Rolled-up answer" not in text


def test_the_command_refuses_a_pdf_in_a_missing_folder(tmp_path):
    res = CliRunner().invoke(cli, ["team", str(EXAMPLES / "2026"), "--pdf",
                                   str(tmp_path / "nowhere" / "round.pdf")])
    assert res.exit_code != 0 and "nowhere" in res.output + res.stderr
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)


def test_small_departments_are_noted_under_the_heatmap(social, assessor):
    """No compile: the view says which group pools the small departments, or that some
    respondents are in no department figure."""
    team = [respondent(social, "marketing", f"m{i}") for i in range(3)]
    pooled = make_round(social, [*team, *(respondent(social, dep, dep)
                                          for dep in ("hr-recruiting", "sales", "it"))])
    found = assess_round(assessor, pooled, "nl", 3)
    view, other = team_view(found), found.team.departments[-1]
    assert view["pooled"] == [f"{other.label}: de afdelingen met minder dan 3 respondenten "
                              "samen, n = 3."]
    assert view["heatmap"]["columns"] == 3 and view["not_shown"] is None
    assert view["t"]["per_department"] == "Respondenten per afdeling"
    assert [row[1:] for row in view["counts"]] == [["3", "Marketing"], *3 * [["1", other.label]]]
    left = make_round(social, [*team, respondent(social, "sales", "s")])
    found = assess_round(assessor, left, "en", 3)
    view = team_view(found)
    assert view["pooled"] == [] and view["not_shown"] == found.team.not_shown.reason
    assert view["counts"][-1][1:] == ["1", "not shown (fewer than 3)"]
    assert view["disagreements"] == [] and view["progress"] is None and view["targets"] == []


def test_a_wide_heatmap_gets_a_landscape_page(social, assessor, tmp_path):
    departments = ("marketing", "customer-service", "hr-recruiting", "sales", "it")
    rnd = make_round(social, [respondent(social, dep, f"{dep}{i}")
                              for dep in departments for i in range(3)])
    pdf = render_team_pdf(assess_round(assessor, rnd, "en", 3), date=DATE)
    sizes = [tuple(float(x) for x in m) for m in MEDIA_BOX.findall(pdf)]
    assert sizes.count((841.8898, 595.2756)) == 1  # A4 across: the heatmap's page
    assert len(sizes) > 10 and all(s in ((595.2756, 841.8898), (841.8898, 595.2756))
                                   for s in sizes)
    text = layout_text(pdf, tmp_path)
    page = text.split("\f")[2]  # cover, executive summary, then the heatmap
    assert "Scores per department and dimension" in page and "Respondents" not in page
