"""`socialmaturity research …` as a user runs it: output files, exit 2 with `error:` lines on
bad input, and no partial files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from socialmaturity.benchmark.demo import generate_panel
from socialmaturity.cli import cli

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"


def run(*args):
    return CliRunner().invoke(cli, ["research", *map(str, args)], catch_exceptions=False)


def run_process(*args):
    return subprocess.run([sys.executable, "-m", "socialmaturity", "research", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def bad(res, *needles):
    """Exit 2, every stderr line an `error:` line, each needle in the message."""
    assert res.exit_code == 2, res.output
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("error: ") for line in lines), res.stderr
    for needle in needles:
        assert needle in res.stderr, (needle, res.stderr)
    assert "Traceback" not in res.output


@pytest.fixture(scope="module")
def panel_csv(social, tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "panel.csv"
    generate_panel(social, seed=7, respondents=300).to_csv(path, index=False)
    return path


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.csv"
    pd.DataFrame({"g": ["a", "b"] * 10, "x": [1, 0, 0, 1] * 5, "y": [1, 1, 0, 0] * 5,
                  "bad": [1] * 19 + [2], "w": [1.0] * 19 + [-1.0], "one": ["z"] * 20}
                 ).to_csv(path, index=False)
    return path


# -- import and mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(("layout", "header_rows"), [
    ("qualtrics", 3), ("surveymonkey", 2), ("google-forms", 1), ("plain", 1)])
def test_an_export_of_header_rows_alone_is_refused(tmp_path, layout, header_rows):
    source = EXPORTS / f"{'qualtrics' if layout == 'plain' else layout}.csv"
    export, out = tmp_path / "header.csv", tmp_path / "tidy.csv"
    export.write_text("".join(source.read_text(encoding="utf-8-sig").splitlines(True)
                              [:header_rows]), encoding="utf-8")
    for args in (("--layout", layout),) + ((("--mapping", EXPORTS / f"{layout}-mapping.yaml"),)
                                            if layout != "plain" else ()):
        bad(run("import", export, *args, "--output", out), f"error: {export}: the export has "
            f"no responses, only its header ({layout} layout): nothing to import")
        assert not out.exists()


def test_import_checks_every_output_before_it_writes_one(tmp_path, unwritable_folder):
    out = tmp_path / "tidy.csv"
    for recodes in (tmp_path / "missing" / "r.csv", unwritable_folder / "r.csv"):
        bad(run("import", EXPORTS / "qualtrics.csv", "--mapping",
                EXPORTS / "qualtrics-mapping.yaml", "--output", out, "--recodes", recodes),
            f"error: {recodes}: ")
        assert not out.exists()


def test_import_writes_the_tidy_table_and_the_recodes(tmp_path):
    out, recodes = tmp_path / "tidy.csv", tmp_path / "recodes.csv"
    res = run("import", EXPORTS / "qualtrics.csv", "--mapping", EXPORTS / "qualtrics-mapping.yaml",
              "--output", out, "--recodes", recodes)
    assert res.exit_code == 0, res.output
    assert "imported 20 responses (qualtrics layout" in res.stdout
    tidy = pd.read_csv(out)
    assert len(tidy) == 20 and {"respondent_id", "strategy-sponsor", "sector"} <= set(tidy)
    assert list(pd.read_csv(recodes).columns) == ["column", "from_value", "to_value", "count",
                                                  "reason"]


def test_import_counts_each_number_on_itself(tmp_path):
    """One response, no recode, one column left out: each count has its own plural."""
    source, mapping = tmp_path / "one.csv", tmp_path / "m.yaml"
    pd.DataFrame([{"respondent_id": "r1", "sector": "technology", "note": "x"}]
                 ).to_csv(source, index=False)
    mapping.write_text("layout: plain\nignore: [note]\n")
    res = run("import", source, "--mapping", mapping, "--output", tmp_path / "t.csv")
    assert res.exit_code == 0, res.output
    assert "imported 1 response (plain layout, csv)" in res.stdout
    assert "; 0 values recoded, 1 column left out" in res.stdout
    nl = CliRunner(env={"SOCIALMATURITY_LANG": "nl"}).invoke(
        cli, ["research", "import", str(source), "--mapping", str(mapping), "--output",
              str(tmp_path / "t.csv")])
    assert "1 kolom weggelaten" in nl.stdout and "0 waarden omgezet" in nl.stdout, nl.output


def test_import_bad_input_writes_nothing(tmp_path):
    out = tmp_path / "tidy.csv"
    bad(run("import", EXPORTS / "qualtrics.csv", "--output", out), "column 'Q2'",
        "not mapped to a question")
    bad(run("import", EXPORTS / "qualtrics.csv", "--mapping", EXPORTS / "qualtrics-mapping.yaml",
            "--layout", "surveymonkey", "--output", out), "not a SurveyMonkey export")
    bad(run("import", tmp_path / "missing.csv", "--output", out), "missing.csv")
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"\x00\x01 not a workbook")
    bad(run("import", garbage, "--output", out), "garbage.xlsx")
    assert list(tmp_path.iterdir()) == [garbage]


def test_mapping_suggest(tmp_path):
    out = tmp_path / "mapping.yaml"
    res = run("mapping", "suggest", EXPORTS / "google-forms.csv", "--output", out)
    assert res.exit_code == 0, res.output
    assert "question columns matched" in res.stdout
    data = yaml.safe_load(out.read_text())
    assert data["layout"] == "google-forms" and data["columns"]
    bad(run("mapping", "suggest", tmp_path / "nope.csv", "--output", tmp_path / "m2.yaml"),
        "nope.csv")
    assert not (tmp_path / "m2.yaml").exists()


# -- clean, weight, classify --------------------------------------------------------------------


def test_clean(tmp_path, panel_csv):
    out, dropped = tmp_path / "clean.csv", tmp_path / "dropped.csv"
    res = run("clean", panel_csv, "--output", out, "--report", dropped, "--min-completion",
              "0.9", "--skip", "straight-liners")
    assert res.exit_code == 0, res.output
    assert "Cleaning kept" in res.stdout and "Switched off" in res.stdout
    assert len(pd.read_csv(out)) + len(pd.read_csv(dropped)) == 300
    bad(run("clean", panel_csv, "--output", tmp_path / "c2.csv", "--min-completion", "3"),
        "min_completion")
    rules = tmp_path / "rules.yaml"
    rules.write_text("speeders: maybe\n")
    bad(run("clean", panel_csv, "--output", tmp_path / "c2.csv", "--rules", rules),
        f"{rules}:1:", "true or false")
    assert not (tmp_path / "c2.csv").exists()


def test_weight(tmp_path, panel_csv):
    margins = tmp_path / "margins.yaml"
    margins.write_text("margins:\n  size: {1-99: 25, 100-999: 25, 1000-9999: 25, "
                       "10000-plus: 25}\n")
    out = tmp_path / "weighted.csv"
    res = run("weight", panel_csv, "--margins", margins, "--trim", "0.3,3", "--output", out)
    assert res.exit_code == 0, res.output
    assert "design effect" in res.stdout and "effective n" in res.stdout
    assert ": raking, design effect" in res.stdout
    frame = pd.read_csv(out)
    assert (frame.groupby("size")["weight"].sum() / frame["weight"].sum()).round(6).eq(
        0.25).all()
    margins.write_text("margins:\n  size: {1-99: 1}\n")
    bad(run("weight", panel_csv, "--margins", margins, "--output", tmp_path / "w2.csv"),
        "column 'size'", "no target")
    bad(run("weight", panel_csv, "--margins", margins, "--trim", "3,4", "--output",
            tmp_path / "w2.csv"), "--trim")
    assert not (tmp_path / "w2.csv").exists()


def test_classify_with_roll_up(tmp_path, panel_csv):
    out, orgs = tmp_path / "scored.csv", tmp_path / "orgs.xlsx"
    res = run("classify", panel_csv, "--output", out, "--roll-up", "organization_id",
              "--organizations", orgs)
    assert res.exit_code == 0, res.output
    scored = pd.read_csv(out)
    assert {"overall_score", "stage", "stage_level", "mature", "strategy_score"} <= set(scored)
    book = openpyxl.load_workbook(orgs, read_only=True)
    assert book.sheetnames == ["organizations"]
    assert ": Emerging " in res.stdout and ", Strategic " in res.stdout  # names, not keys
    broken = tmp_path / "broken.csv"
    pd.read_csv(panel_csv).assign(**{"data-crm": "sometimes"}).to_csv(broken, index=False)
    bad(run("classify", broken, "--output", tmp_path / "s2.csv"), "column 'data-crm', row 1",
        "'sometimes' is not an option")
    bad(run("classify", panel_csv, "--output", tmp_path / "s2.csv", "--roll-up", "org"),
        "--organizations")
    assert not (tmp_path / "s2.csv").exists()


# -- compare, shares, quantiles, reliability ----------------------------------------------------


def test_compare_formats(tmp_path, panel_csv, small):
    res = run("compare", panel_csv, "--indicators", "reach-departments=customer-service")
    assert res.exit_code == 0, res.output
    assert "chi2" in res.stdout and "57% of 129" in res.stdout and "2.65" in res.stdout
    res = run("compare", small, "--by", "g", "--focus", "a", "--indicators", "x,y",
              "--format", "json")
    rows = json.loads(res.stdout)
    assert [r["indicator"] for r in rows] == ["x", "y"]
    assert set(rows[0]) == {"indicator", "n_focus", "n_rest", "share_focus", "share_rest",
                            "se_focus", "se_rest", "ratio", "ci_low", "ci_high", "p_value",
                            "p_adjusted", "test"}
    out = tmp_path / "compare.xlsx"
    res = run("compare", panel_csv, "--by-group", "sector", "--format", "xlsx", "--output", out)
    assert res.exit_code == 0, res.output
    frame = pd.read_excel(out)
    assert frame.columns[0] == "sector" and len(frame) == 60 * frame["sector"].nunique()
    res = run("compare", small, "--by", "g", "--focus", "a", "--indicators", "x",
              "--weights", "x", "--format", "csv")
    assert res.exit_code == 2  # weight 0 is not > 0


def test_the_analysis_tables_speak_dutch(tmp_path, panel_csv):
    """--lang nl: titles, column heads, labels and numbers of compare, shares, quantiles and
    reliability in Dutch."""
    res = CliRunner(env={"COLUMNS": "160"}).invoke(cli, [
        "research", "compare", str(panel_csv), "--indicators",
        "reach-departments=customer-service", "--lang", "nl"])
    assert res.exit_code == 0, res.output
    assert "mature = true (focus) tegenover de rest" in res.stdout
    assert "57% van 129" in res.stdout and "2,65" in res.stdout and "verhouding" in res.stdout
    assert "klantenservice" in res.stdout and " of 129" not in res.stdout
    titles = {"shares": ("Aandelen", "--indicators", "reach-departments=sales"),
              "quantiles": ("Kwantielen van overall_score", "--value", "overall_score"),
              "reliability": ("Betrouwbaarheid",)}
    for command, (title, *args) in titles.items():
        res = run(command, panel_csv, *args, "--lang", "nl")
        assert res.exit_code == 0, res.output
        assert res.stdout.startswith(title), (command, res.stdout[:80])
    res = run("quantiles", panel_csv, "--value", "overall_score", "--lang", "nl")
    assert "0,250" in res.stdout and "0.250" not in res.stdout


def test_compare_bad_input(tmp_path, small):
    bad(run("compare", small, "--by", "one", "--focus", "z", "--indicators", "x"),
        "column 'one'", "at least two values")
    bad(run("compare", small, "--by", "g", "--focus", "a", "--indicators", "bad"),
        "column 'bad'", "not 0 or 1", "row 20")
    bad(run("compare", small, "--by", "g", "--focus", "a", "--indicators", "x", "--weights",
            "w"), "column 'w'", "row 20", "> 0")
    bad(run("compare", small, "--by", "g", "--focus", "q", "--indicators", "x"), "'q'", "'a'")
    bad(run("compare", small, "--by", "g", "--focus", "a", "--indicators", "x,nope"),
        "column 'nope'")
    bad(run("compare", small, "--by", "g", "--focus", "a", "--indicators", "x", "--format",
            "xlsx"), "--format xlsx")
    bad(run("compare", small, "--by", "g", "--focus", "a", "--indicators", "x", "--output",
            tmp_path / "no" / "such" / "out.csv"), "does not exist")
    bad(run("compare", small, "--by", "mature", "--indicators", "x"), "column 'mature'")


def test_an_analysis_reads_the_instrument_only_when_it_uses_it(tmp_path, small):
    missing = tmp_path / "no-such-instrument.yaml"
    # plain columns, every one in the table: the instrument is not read
    res = run("compare", small, "--by", "g", "--focus", "a", "--indicators", "x", "--format",
              "csv", "--instrument", missing)
    assert res.exit_code == 0, res.output
    res = run("shares", small, "--indicators", "x", "--instrument", missing)
    assert res.exit_code == 0, res.output
    # mature is computed from the answers, an instrument indicator is labelled by it
    bad(run("compare", small, "--by", "mature", "--indicators", "x", "--instrument", missing),
        "no-such-instrument.yaml")
    bad(run("compare", small, "--by", "g", "--focus", "a", "--indicators", "outcome-cpa:top2",
            "--instrument", missing), "no-such-instrument.yaml")


def test_shares_and_quantiles(tmp_path, panel_csv, small):
    res = run("shares", small, "--indicators", "x,y", "--by", "g", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == "g,indicator,n,share,se,ci_low,ci_high,deff"
    res = run("quantiles", panel_csv, "--value", "overall_score", "--by", "size", "--probs",
              "0.1,0.5,0.9", "--format", "json")
    rows = json.loads(res.stdout)
    assert len(rows) == 4 * 3 and {r["prob"] for r in rows} == {0.1, 0.5, 0.9}
    bad(run("quantiles", small, "--value", "g"), "column 'g'", "not a number")
    bad(run("quantiles", small, "--value", "x", "--probs", "0.5,lots"), "--probs")
    bad(run("quantiles", small, "--value", "x", "--probs", "1.5"), "probs")
    bad(run("shares", small, "--indicators", "g"), "column 'g'")


def test_reliability(tmp_path, panel_csv, small):
    res = run("reliability", panel_csv, "--format", "csv")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0].startswith("scale,k,n,n_complete,alpha")
    assert len(res.stdout.splitlines()) == 1 + 9
    scale = tmp_path / "scale.csv"
    pd.DataFrame({"q1": [1, 2, 3, 4, 5, 2], "q2": [5, 4, 3, 2, 1, 4], "q3": [1, 2, 4, 4, 5, 2]}
                 ).to_csv(scale, index=False)
    res = run("reliability", scale, "--scale", "s=q1,q2,q3", "--reverse", "q2", "--min", "1",
              "--max", "5", "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["scale"] == "s"
    bad(run("reliability", scale, "--scale", "s=q1,q2", "--reverse", "q3"), "--reverse", "'q3'")
    bad(run("reliability", scale, "--scale", "=q1"), "--scale")
    bad(run("reliability", scale, "--scale", "s=q1,qx"), "qx")


# -- findings, report, run ----------------------------------------------------------------------


def test_findings_from_data_and_from_a_compare_table(tmp_path, panel_csv):
    res = run("findings", panel_csv, "--lang", "nl")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("1. Volwassen organisaties ")
    table = tmp_path / "compare.csv"
    assert run("compare", panel_csv, "--format", "csv", "--output", table).exit_code == 0
    res = run("findings", table, "--format", "json")
    found = json.loads(res.stdout)
    assert found[0]["rank"] == 1 and found[0]["sentence"].startswith("Mature organizations")
    bad(run("findings", panel_csv, "--by", "sector", "--focus", "nowhere"), "'nowhere'")


def test_report_from_a_tidy_table(tmp_path, panel_csv):
    out = tmp_path / "report"
    res = run("report", panel_csv, "--output-dir", out, "--lang", "nl", "--no-clean")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["research-report.html",
                                                      "research-report.pdf",
                                                      "research-report.xlsx"]
    assert "Volwassen organisaties" in res.stdout
    bad(run("report", panel_csv, "--output-dir", tmp_path / "r2", "--weights", "w",
            "--margins", "m.yaml"), "--weights")
    bad(run("report", panel_csv, "--output-dir", tmp_path / "r2", "--trim", "0.5,2"), "--trim")
    bad(run("report", panel_csv, "--output-dir", tmp_path / "r2", "--weights", "nope"),
        "column 'nope'")
    assert not (tmp_path / "r2").exists()


def test_run_an_export(tmp_path):
    out = tmp_path / "report"
    res = run("run", EXPORTS / "surveymonkey.csv", "--mapping",
              EXPORTS / "surveymonkey-mapping.yaml", "--output-dir", out)
    assert res.exit_code == 0, res.output
    assert (out / "research-report.pdf").read_bytes().startswith(b"%PDF")
    bad(run("run", "--output-dir", out), "EXPORT")
    bad(run("run", EXPORTS / "surveymonkey.csv", "--demo", "--output-dir", out), "EXPORT")
    bad(run("run", EXPORTS / "qualtrics.csv", "--output-dir", tmp_path / "r2"),
        "column 'Q2'", "not mapped")
    assert not (tmp_path / "r2").exists()


def test_run_demo_end_to_end_in_a_real_process(tmp_path):
    """`research run --demo` uses the clustered design, leads with the study's findings and
    their verdicts, carries the synthetic caveat, points at nothing outside the repository,
    and writes the report (a real process: what a user sees)."""
    out = tmp_path / "report"
    proc = run_process("run", "--demo", "--output-dir", out)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("Synthetic data:")
    assert "Design: organization level, one row per organization (1,097 organizations from " \
           "2,162 respondents). Chosen automatically" in text
    assert text.index("The study's findings:") < text.index("Findings:")
    assert "Mature organizations are 1.4 times as likely to say social media differentiates " \
           "their brand. Here: 1.4×" in text and ": re-created." in text
    assert "shown by definition, not ranked" in text and "60 of 60" not in text
    assert "Intra-class correlation of the overall score within organizations: 0." in text
    assert "MODEL.md" not in text and "(target / observed)" in text
    nl = run_process("run", "--demo", "--output-dir", tmp_path / "nl", "--lang", "nl").stdout
    assert nl.startswith("Synthetische gegevens:")
    assert "De bevindingen van de studie:" in nl and "Bevindingen:" in nl
    assert "(doel / gemeten)" in nl and ": teruggevonden." in nl
    assert "Findings" not in nl and "target / observed" not in nl
    assert sorted(p.name for p in out.iterdir()) == ["research-report.html",
                                                      "research-report.pdf",
                                                      "research-report.xlsx"]
    proc = run_process("compare", tmp_path / "missing.csv", "--by", "g", "--focus", "a")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and "missing.csv" in proc.stderr


def test_every_command_has_an_example():
    from socialmaturity.cli.research import research

    def walk(group):
        for cmd in group.commands.values():
            yield from walk(cmd) if hasattr(cmd, "commands") else [cmd]

    for cmd in walk(research):
        assert "Example: socialmaturity research " in (cmd.help or ""), cmd.name


def test_compare_with_a_clustered_stratified_design_gives_r_survey(tmp_path):
    from .reference import published as pub
    from .test_design import clustered_panel

    path = tmp_path / "clustered.csv"
    clustered_panel().to_csv(path, index=False)
    res = run("compare", path, "--by", "mature", "--focus", "true", "--indicators", "a,b,rare",
              "--weights", "w", "--cluster", "organization_id", "--strata", "sector",
              "--format", "json")
    assert res.exit_code == 0, res.output
    rows = {r["indicator"]: r for r in json.loads(res.stdout)}
    for ind, ref in pub.CLUSTERED_PANEL["strat"].items():
        if ind == "quantiles":
            continue
        r = rows[ind]
        assert (r["se_focus"], r["se_rest"]) == pytest.approx(ref["se"], rel=1e-6)
        assert (r["ci_low"], r["ci_high"]) == pytest.approx(ref["ratio_ci"], rel=1e-6)
        assert r["p_value"] == pytest.approx(ref["p"], rel=1e-6)
    res = run("quantiles", path, "--value", "score", "--weights", "w", "--cluster",
              "organization_id", "--format", "json")
    q = json.loads(res.stdout)
    assert [v for r in q for v in (r["quantile"], r["ci_low"], r["ci_high"])] == pytest.approx(
        [v for t in pub.CLUSTERED_PANEL["clus"]["quantiles"] for v in t[:3]], rel=1e-6)
    res = run("compare", path, "--indicators", "a", "--by", "mature", "--cluster", "org")
    assert res.exit_code == 2 and "org" in res.output and "Traceback" not in res.output


def test_organization_level(panel_csv):
    res = run("compare", panel_csv, "--indicators", "reach-departments=customer-service",
              "--level", "organization", "--format", "json")
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(panel_csv)
    orgs = frame["organization_id"].nunique()
    row = json.loads(res.stdout)[0]
    assert row["n_focus"] + row["n_rest"] <= orgs < len(frame)
    res = run("shares", panel_csv, "--indicators", "reach-departments=customer-service",
              "--level", "organization", "--org-rule", "any", "--format", "json")
    assert res.exit_code == 0, res.output
    any_share = json.loads(res.stdout)[0]["share"]
    res = run("shares", panel_csv, "--indicators", "reach-departments=customer-service",
              "--level", "organization", "--format", "json")
    assert json.loads(res.stdout)[0]["share"] <= any_share


def test_errors_name_the_file_the_line_and_every_problem(tmp_path, panel_csv):
    """A problem in DATA names the file first; a margins problem its line of the margins
    file; all of them are shown; a wrong indicator option lists the valid ones."""
    bad(run("reliability", panel_csv, "--scale", "s=strategy-sponsor,i9"),
        f"error: {panel_csv}: column 'i9': unknown item column")
    broken = tmp_path / "broken.csv"
    pd.read_csv(panel_csv).assign(**{"data-crm": "sometimes"}).to_csv(broken, index=False)
    bad(run("classify", broken, "--output", tmp_path / "s.csv"),
        f"error: {broken}: column 'data-crm', row 1 (")
    bad(run("compare", panel_csv, "--weights", "sector", "--indicators",
            "reach-departments=sales"), f"error: {panel_csv}: column 'sector': 300 weights")
    margins = tmp_path / "m.yaml"
    margins.write_text("margins:\n  size: {1-99: 1, 100-999: 1, 1000-9999: 1, 10000-plus: 1, "
                       "huge: 1}\n  regio: {emea: 1}\n")
    bad(run("weight", panel_csv, "--margins", margins, "--output", tmp_path / "w.csv"),
        f"error: {margins}:2:60: column 'size': 'huge' has a target (0.2) but no respondents",
        f"error: {margins}:3:3: column 'regio': unknown margin column")
    assert not (tmp_path / "w.csv").exists()
    bad(run("compare", panel_csv, "--indicators", "reach-departments=salez"),
        "error: --indicators: 'reach-departments=salez': 'salez' is not an option of "
        "reach-departments; valid: marketing, pr-communications, customer-service, ")
