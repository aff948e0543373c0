"""`socialmaturity team` as a user runs it: text, JSON in Dutch, the heatmap and the workbook,
and bad input (file:line messages, exit 2, no traceback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from socialmaturity.cli import cli
from socialmaturity.reports.result import result_schema

from .conftest import EXAMPLES

TEAM_FIELDS = {"round", "respondents", "respondents_by_department", "min_group",
               "departments", "not_shown", "below_departments", "below_note", "agreement",
               "disagreements", "progress", "targets"}


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


class Ended:
    """A command's exit status and stderr, from the test runner (fast) or a real process."""

    def __init__(self, returncode: int, stderr: str):
        self.returncode, self.stderr = returncode, stderr


def run_bad(*args) -> Ended:
    res = CliRunner().invoke(cli, [str(a) for a in args])
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit), \
        res.exception
    return Ended(res.exit_code, res.stderr)


def run_process(*args):
    return subprocess.run([sys.executable, "-m", "socialmaturity", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_text_shows_the_result_then_the_team_section():
    res = run("team", EXAMPLES / "2026", "--round-label", "2026 Q4", "--previous",
              EXAMPLES / "2025", "--targets", EXAMPLES / "targets.yaml")
    assert res.exit_code == 0, res.output
    out = res.output
    for text in ("Overall:", "Dimensions", "Team assessment: 2026 Q4",
                 "Respondents per department", "Scores per department and dimension",
                 "Customer service", "Largest disagreements between departments",
                 "Progress since the previous round (n = 6)", "Answers that moved", "Targets"):
        assert text in out, text
    assert out.index("Overall:") < out.index("Team assessment")
    # a score has one decimal wherever it is shown: 62.5 (as the table and the JSON), not 62
    assert "Strategy & sponsorship (62.5; percentile 52)" in out  # 52.x, floored
    assert "spread 75.0)" in out and "spread 29.3)" in out


def test_json_in_dutch_has_the_result_and_the_documented_team_fields():
    res = run("team", *sorted((EXAMPLES / "2026").glob("*.yaml")), "--format", "json",
              "--lang", "nl", "--previous", EXAMPLES / "2025", "--targets",
              EXAMPLES / "targets.yaml", "--round-label", "2026 Q4")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert TEAM_FIELDS <= set(data)
    jsonschema.validate({k: v for k, v in data.items() if k not in TEAM_FIELDS},
                        result_schema())  # the organization's result is the normal one
    assert data["language"] == "nl" and data["round"] == "2026 Q4"
    assert data["respondents"] == 7 and data["min_group"] == 3
    assert [(d["department"], d["label"], d["n"]) for d in data["departments"]] == [
        ("marketing", "Marketing", 4), ("customer-service", "Klantenservice", 3)]
    assert [x["id"] for x in data["departments"][0]["dimensions"]] == [
        d["id"] for d in data["dimensions"]]
    assert len(data["agreement"]) == 9 and data["agreement"][0]["name"] == \
        "Strategie & sponsorschap"
    assert all(0 <= a["agreement"] <= 1 for a in data["agreement"])
    assert 1 <= len(data["disagreements"]) <= 5
    first = data["disagreements"][0]
    assert [d["department"] for d in first["departments"]] == ["marketing", "customer-service"]
    assert all(c["label"] and c["count"] >= 1 for d in first["departments"]
               for c in d["answers"])
    assert data["progress"]["overall"]["name"] == "Totaal"
    assert data["progress"]["moves"][0]["effect"]["overall_before"] == \
        data["progress"]["overall"]["before"]["score"]
    assert [t["dimension"] for t in data["targets"]] == ["strategy", "listening",
                                                         "measurement", "data"]


def test_the_setting_k_pools_small_departments(tmp_path):
    res = run("team", EXAMPLES / "2026", "--format", "json", env={
        "SOCIALMATURITY_TEAM_MIN_GROUP": "4"})
    data = json.loads(res.output)
    assert [d["department"] for d in data["departments"]] == ["marketing"]
    assert data["not_shown"]["n"] == 3 and data["not_shown"]["departments"] == [
        "customer-service"]
    assert data["disagreements"] == []
    res = run("team", EXAMPLES / "2026", "--team-min-group", "8")  # 4 + 3 pooled: still < 8
    assert "not shown (fewer than 8)" in res.output
    assert "in no department figure" in " ".join(res.output.split())
    proc = run_process("team", EXAMPLES / "2026", "--team-min-group", "0")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_one_respondent_not_shown_is_counted_in_the_singular(tmp_path):
    folder = tmp_path / "round"
    folder.mkdir()
    for name in ("marketing-1", "marketing-2", "marketing-3", "service-1"):
        shutil.copy(EXAMPLES / "2026" / f"{name}.yaml", folder)
    reasons = {lang: json.loads(run("team", folder, "--format", "json", "--lang", lang).output)[
        "not_shown"]["reason"] for lang in ("en", "nl")}
    assert reasons == {
        "en": "1 respondent (Customer service) is in a department of fewer than 3: they count "
              "in the organization's result but in no department figure.",
        "nl": "1 respondent (Klantenservice) zit in een afdeling van minder dan 3: die telt "
              "mee in het resultaat van de organisatie, maar in geen enkel afdelingscijfer."}


def test_the_text_fits_80_columns_without_cutting_a_word(tmp_path):
    """At 80 columns (rich's width when piped) every table wraps its words instead of
    cutting them; a dimension not fully answered says so by its name."""
    partial = yaml.safe_load((EXAMPLES / "2026" / "marketing-1.yaml").read_text())
    asked = [q for q in partial["answers"] if q.startswith("strategy")]
    for q in asked[:2]:
        del partial["answers"][q]
    (tmp_path / "partial.yaml").write_text(yaml.safe_dump(partial))
    for lang in ("en", "nl"):
        for args in (["team", EXAMPLES / "2026", "--previous", EXAMPLES / "2025", "--targets",
                      EXAMPLES / "targets.yaml"], ["score", tmp_path / "partial.yaml"]):
            out = run(*args, "--lang", lang, env={"COLUMNS": "80"}).output
            assert "\u2026" not in out, (lang, args[0])
            assert max(len(line) for line in out.splitlines()) <= 80
        answered = {"en": f"({len(asked) - 2} of {len(asked)} answered)",
                    "nl": f"({len(asked) - 2} van {len(asked)} beantwoord)"}[lang]
        names = " ".join(line.split("│")[1].strip() for line in out.splitlines()
                         if line.startswith("│"))  # the dimension table's first column
        assert answered in names


def test_heatmap_and_workbook(tmp_path):
    svg, xlsx = tmp_path / "heatmap.svg", tmp_path / "round.xlsx"
    folder = tmp_path / "round"
    shutil.copytree(EXAMPLES / "2026", folder)
    for f in folder.glob("*.yaml"):  # a name a spreadsheet would run as a formula
        f.write_text(f.read_text().replace("Northwind Software", "=HYPERLINK(\"x\")"))
    res = run("team", folder, "--heatmap", svg, "--xlsx", xlsx, "--lang", "nl")
    assert res.exit_code == 0, res.output
    root = ET.fromstring(svg.read_text())
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Scores per afdeling en dimensie"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "62,5" in texts and "n\u00a0=\u00a04" in [t.text for t in root.iter(f"{ns}text")]
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Respondenten", "Scores", "Samengevoegd", "Heatmap"]
    answers = book["Respondenten"]
    assert answers.max_row == 8  # a header and 7 respondents
    header = [c.value for c in answers[1]]
    name = answers.cell(2, header.index("organization") + 1)
    assert name.value == "=HYPERLINK(\"x\")" and name.data_type == "s"
    heat = book["Heatmap"]
    assert heat.max_row == 10 and [c.value for c in heat[1]][2:4] == [
        "Marketing (n = 4)", "Klantenservice (n = 3)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["heatmap.svg", "round",
                                                          "round.xlsx"]


def test_workbook_does_not_single_out_a_small_department(tmp_path):
    """Invited respondents are told departments are shown only from k respondents on: in the
    per-respondent sheets, the one HR respondent is in the pooled group, with no role."""
    folder = tmp_path / "round"
    shutil.copytree(EXAMPLES / "2026", folder)
    write(folder, "hr-1.yaml", {"department": "hr-recruiting", "role": "hr-manager"})
    xlsx = tmp_path / "round.xlsx"
    res = run("team", folder, "--xlsx", xlsx)
    assert res.exit_code == 0, res.output
    book = load_workbook(xlsx)
    for sheet in ("Respondents", "Scores"):
        rows = list(book[sheet].values)
        column = rows[0].index("department")
        departments = sorted(str(r[column] or "") for r in rows[1:])
        # marketing 4 and service 3 shown; the one from HR pooled (<3 alone): in no group
        assert departments == ["", *["customer-service"] * 3, *["marketing"] * 4], sheet
        assert "role" not in rows[0]
        assert not {"hr-recruiting", "hr-manager"} & {str(v) for r in rows for v in r}


def write(folder, name, changes=None, drop=()):
    data = yaml.safe_load((EXAMPLES / "2026" / "marketing-1.yaml").read_text())
    for key in drop:
        data["profile"].pop(key)
    for key, value in (changes or {}).items():
        data["profile"][key] = value
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def at(path, text: str, offset: int = 0) -> str:
    """``file:line:col`` of ``text`` in the file (``offset``: characters into it)."""
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return f"{path}:{i}:{line.index(text) + offset + 1}"
    raise AssertionError(text)


def test_bad_input_names_the_file_and_line(tmp_path):
    a = write(tmp_path, "a.yaml")
    b = write(tmp_path, "b.yaml", drop=("department",))
    c = write(tmp_path, "c.yaml", {"sector": "education"})
    d = write(tmp_path, "d.yaml", {"department": "finance"})
    proc = run_process("team", a, b, c, d, tmp_path / "missing.yaml")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [f"error: {tmp_path / 'missing.yaml'}: no such file or "
                                        "folder"]
    a2 = write(tmp_path, "a2.yaml")
    proc = run_bad("team", a, a2, b, c, d)
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert lines[0].startswith(f"error: {at(b, 'organization:')}: profile.department is "
                               "missing")
    assert lines[1].startswith(f"error: {at(d, 'finance')}: profile.department: 'finance' is "
                               "not an option of 'department'")
    sector_c = at(c, "education")  # the odd one out
    assert lines[2] == (f"error: {sector_c}: profile.sector differs between the answers files "
                        f"of the round: 'technology' in {at(a, 'technology')}, "
                        f"{at(a2, 'technology')}; 'education' in {sector_c}. "
                        "The files of a round describe one organization: give every file the "
                        "same sector")
    proc = run_bad("team", a, c, "--lang", "nl")
    assert "verschilt tussen de antwoordbestanden" in proc.stderr


def test_bad_folders_and_targets(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run_bad("team", tmp_path / "empty")
    assert proc.returncode == 2 and "holds no answers files" in proc.stderr
    bad = tmp_path / "targets.yaml"
    bad.write_text("strategy: [1\n")
    proc = run_bad("team", EXAMPLES / "2026", "--targets", bad)
    assert proc.returncode == 2 and proc.stderr.startswith(f"error: {bad}:")
    assert "Traceback" not in proc.stderr
    proc = run_bad("team", EXAMPLES / "2026", "--heatmap", tmp_path / "no" / "h.svg")
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = run_bad("team")
    assert proc.returncode == 2 and "Missing argument" in proc.stderr
