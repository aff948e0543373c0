"""The command line, as a user runs it: good input, bad input, files written or not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from socialmaturity.cli import cli

from .conftest import KITCHEN

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "answers.yaml"


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def run_process(*args):
    """A real process: exit code and stderr as a user sees them."""
    return subprocess.run([sys.executable, "-m", "socialmaturity", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def example(**changes) -> dict:
    data = yaml.safe_load(EXAMPLE.read_text())
    for key, value in changes.items():
        section, qid = key.split("__")
        data[section][qid.replace("_", "-")] = value
    return data


def write(tmp_path, data, name="answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


# -- instrument ---------------------------------------------------------------------------------


def test_validate_the_bundled_and_the_small_instrument():
    res = run("instrument", "validate", KITCHEN)
    assert res.exit_code == 0 and "valid: kitchen-hygiene 0.2.0" in res.output


def test_validate_reports_every_problem_and_exits_2(tmp_path):
    bad = KITCHEN.read_text().replace("title: {en: Kitchen hygiene check, nl: Keukenhygiënecheck}",
                                      "title: {en: Kitchen hygiene check}\ncolour: blue")
    path = write(tmp_path, bad, "bad.yaml")
    proc = run_process("instrument", "validate", path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in proc.stderr
    assert all(line.startswith(f"error: {path}:") for line in lines)


def test_show_json_lists_every_question(social):
    res = run("instrument", "show", "--format", "json", "--lang", "nl")
    data = json.loads(res.output)
    assert data["language"] == "nl" and len(data["questions"]) == (
        len(social.profile) + len(social.scored_questions) + len(social.outcomes))
    q = data["questions"][0]
    assert set(q) >= {"id", "type", "dimension"}


def test_show_text_in_dutch():
    res = run("instrument", "show", "--lang", "nl")
    assert res.exit_code == 0 and "Strategie" in res.output


# -- score one ----------------------------------------------------------------------------------


def test_score_json_matches_the_published_schema():
    res = run("score", EXAMPLE, "--format", "json")
    assert res.exit_code == 0, res.output
    result = json.loads(res.output)
    schema = json.loads(run("schema", "result").output)
    jsonschema.validate(result, schema)
    assert result["instrument"]["id"] == "social-maturity"
    assert result["instrument"]["hash"].startswith("sha256:")
    assert result["overall"]["stage"]["decided_by"]["rule"] in ("threshold", "gate",
                                                                 "weakest-link")
    assert result["benchmark"]["panel"]["synthetic"] is True
    assert len(result["dimensions"]) == 9
    assert result["recommendations"][0]["rank"] == 1
    assert result["recommendations"][0]["evidence"]["n"] > 0


def test_score_text_in_dutch():
    res = run("score", EXAMPLE, "--lang", "nl")
    assert res.exit_code == 0
    assert "Waarom:" in res.output and "Volgende stappen" in res.output
    assert "synthetisch" in res.output


@pytest.mark.parametrize("change, fragment", [
    ({"answers__strategy_sponsor": "ceo"}, "'ceo' is not an option of 'strategy-sponsor'"),
    ({"answers__listening_response_rate": "lots"}, "valid: a number from 0 to 100"),
    ({"answers__reach_departments": ["marketing", "finance"]}, "'finance' is not an option"),
    ({"profile__sector": "mining"}, "profile.sector: 'mining' is not an option"),
])
def test_score_bad_values_name_the_line_and_what_is_valid(tmp_path, change, fragment):
    path = write(tmp_path, example(**change))
    proc = run_process("score", path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}:") and fragment in line
    assert "valid:" in line


def test_score_unknown_question_and_missing_profile(tmp_path):
    data = example()
    data["answers"]["strategy-sponser"] = "c-level"
    del data["profile"]["sector"]
    proc = run_process("score", write(tmp_path, data))
    assert proc.returncode == 2
    err = proc.stderr
    assert "unknown question id 'strategy-sponser' (did you mean 'strategy-sponsor'?); valid: " \
           "a question id (`socialmaturity instrument show` lists them)" in err
    assert "missing required profile field 'sector'" in err


def test_score_a_file_that_is_not_yaml(tmp_path):
    path = write(tmp_path, "profile: {sector: [technology\n", "broken.yaml")
    proc = run_process("score", path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{path}:" in proc.stderr and "not valid YAML/JSON" in proc.stderr


def test_score_json_answers_file(tmp_path):
    path = write(tmp_path, json.dumps(example()), "answers.json")
    assert run("score", path, "--format", "json").exit_code == 0


def test_score_with_an_instrument_that_does_not_validate(tmp_path):
    bad = write(tmp_path, KITCHEN.read_text().replace("version: 0.2.0", "version: x"), "i.yaml")
    proc = run_process("score", EXAMPLE, "--instrument", bad)
    assert proc.returncode == 2 and "should match pattern" in proc.stderr


def test_score_missing_file():
    proc = run_process("score", "nowhere.yaml")
    assert proc.returncode == 2 and "no such file" in proc.stderr


# -- score --batch ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def responses_csv(tmp_path_factory):
    from socialmaturity.benchmark.demo import generate_panel
    from socialmaturity.instrument.loader import bundled_instrument

    path = tmp_path_factory.mktemp("batch") / "responses.csv"
    generate_panel(bundled_instrument(), seed=5, respondents=300).to_csv(path, index=False)
    return path


def test_batch_scores_every_row_in_input_order(tmp_path, responses_csv, social):
    out = tmp_path / "scores.csv"
    res = run("score", "--batch", responses_csv, "--output", out)
    assert res.exit_code == 0 and "wrote 300 scored rows" in res.output
    scores = pd.read_csv(out)
    source = pd.read_csv(responses_csv)
    assert list(scores["respondent_id"]) == list(source["respondent_id"])
    assert list(scores["row"]) == list(range(1, 301))
    assert {"overall_score", "stage"} <= set(scores.columns)
    assert [c for c in scores.columns if c.endswith("_score") and c != "overall_score"] == \
        [f"{d.id}_score" for d in social.dimensions]
    assert set(scores["stage"]) <= {s.key for s in social.stages}


def test_batch_csv_cells_are_quoted_text_as_the_readme_says(tmp_path, responses_csv):
    frame = pd.read_csv(responses_csv, dtype=str, keep_default_na=False)
    frame.loc[0, "organization"] = "=HYPERLINK(1)"
    source, out = tmp_path / "in.csv", tmp_path / "scores.csv"
    frame.to_csv(source, index=False)
    assert run("score", "--batch", source, "--output", out).exit_code == 0
    header, first = out.read_text().splitlines()[:2]
    cells = first.split(",")
    assert header.startswith('"row",') and cells[0] == "1"
    assert all(c.startswith('"') and c.endswith('"') for c in cells[1:])
    assert "\"'=HYPERLINK(1)\"" in cells
    score = cells[header.split(",").index('"overall_score"')]
    assert len(score.strip('"').split(".")[1]) == 1


def test_batch_with_bad_rows_writes_nothing(tmp_path, responses_csv):
    frame = pd.read_csv(responses_csv, dtype=str, keep_default_na=False)
    frame.loc[2, "strategy-sponsor"] = "ceo"
    frame.loc[40:70, "listening-response-rate"] = "lots"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    out = tmp_path / "scores.csv"
    proc = run_process("score", "--batch", bad, "--output", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not out.exists()
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("error: 32 of 300 rows are invalid; nothing was written")
    assert f"error: {bad}:4: row 3, column 'strategy-sponsor': 'ceo' is not an option" in lines[1]
    assert len(lines) == 1 + 20 + 1  # header, the first 20 rows, how many more
    assert lines[-1] == "error: … and 12 more invalid rows; fix them, or score the valid rows " \
        "with --skip-invalid"
    res = run("score", "--batch", bad, "--output", out, "--skip-invalid")
    assert res.exit_code == 0
    assert len(pd.read_csv(out)) == 300 - 32
    dutch = run("score", "--batch", bad, "--output", out, "--skip-invalid", "--lang", "nl")
    assert dutch.exit_code == 0
    assert dutch.stderr.startswith(f"overgeslagen: {bad}:4: rij 3") and "\nskipped" not in \
        dutch.stderr
    dutch = run_process("score", "--batch", bad, "--output", out, "--lang", "nl")
    assert dutch.stderr.startswith("fout: 32 van de 300 rijen") and "\nerror:" not in dutch.stderr


def test_batch_missing_column(tmp_path, responses_csv):
    frame = pd.read_csv(responses_csv, dtype=str).drop(columns=["data-crm"])
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    proc = run_process("score", "--batch", bad, "--output", tmp_path / "o.csv")
    assert proc.returncode == 2
    assert f"error: {bad}:1: missing column(s): data-crm" in proc.stderr


def test_an_output_that_cannot_be_written_is_an_error_and_nothing_is_written(
        tmp_path, responses_csv, unwritable_folder):
    out = unwritable_folder / "scores.csv"
    proc = run_process("score", "--batch", responses_csv, "--output", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr == f"error: {out}: the folder {unwritable_folder} cannot be written: " \
        "Permission denied\n"
    pdf, pptx = tmp_path / "report.pdf", tmp_path / "missing" / "deck.pptx"
    proc = run_process("score", EXAMPLE, "--pdf", pdf, "--pptx", pptx)
    assert proc.returncode == 2 and not pdf.exists()
    assert proc.stderr == f"error: {pptx}: folder {pptx.parent} does not exist\n"


def test_batch_needs_output(responses_csv):
    res = CliRunner().invoke(cli, ["score", "--batch", str(responses_csv)])
    assert res.exit_code == 2 and "--output" in res.output


# -- benchmark, panel, schema, settings ---------------------------------------------------------


def test_benchmark_json_and_widening():
    res = run("benchmark", "--sector", "education", "--size", "10000-plus", "--region",
              "latin-america", "--format", "json")
    view = json.loads(res.output)
    assert view["peer_group"]["n"] >= 30
    assert view["peer_group"]["widened_from"][0]["filters"] == {
        "sector": "education", "size": "10000-plus", "region": "latin-america"}
    assert sum(s["count"] for s in view["stage_distribution"]) == view["peer_group"]["n"]


def test_benchmark_text_and_bad_sector():
    assert "Peers:" in run("benchmark", "--sector", "technology").output
    proc = run_process("benchmark", "--sector", "mining")
    assert proc.returncode == 2 and "valid: retail-ecommerce" in proc.stderr


def test_panel_generate_is_reproducible(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    run("panel", "generate", "--seed", "3", "--respondents", "200", "--output", a)
    run("panel", "generate", "--seed", "3", "--respondents", "200", "--output", b)
    assert a.read_bytes() == b.read_bytes()


def test_a_generated_panel_can_be_built_and_used(tmp_path):
    csv, npz = tmp_path / "p.csv", tmp_path / "p.npz"
    run("panel", "generate", "--seed", "4", "--respondents", "500", "--output", csv)
    assert run("panel", "build", csv, "--output", npz).exit_code == 0
    for panel in (csv, npz):
        result = json.loads(run("score", EXAMPLE, "--format", "json", "--panel", panel).output)
        panel_out = result["benchmark"]["panel"]
        assert panel_out["respondents"] == 500  # rolled up to organizations
        assert 500 / 4 <= panel_out["n"] < 500
        assert result["benchmark"]["panel"]["synthetic"] is True


def test_a_panel_with_invalid_cells_is_refused_as_score_batch_refuses_it(tmp_path,
                                                                          responses_csv):
    frame = pd.read_csv(responses_csv, dtype=str, keep_default_na=False)
    frame.loc[2, "strategy-sponsor"] = "ceo"
    frame.loc[5, "sector"] = "TECHNOLOGY"
    bad, npz = tmp_path / "bad.csv", tmp_path / "bad.npz"
    frame.to_csv(bad, index=False)
    batch = run_process("score", "--batch", bad, "--output", tmp_path / "s.csv").stderr
    for args in (("panel", "build", bad, "--output", npz),
                 ("score", EXAMPLE, "--panel", bad), ("benchmark", "--panel", bad)):
        proc = run_process(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, args
        lines = proc.stderr.splitlines()
        assert lines == [line for line in batch.splitlines() if f"{bad}:" in line], args
        assert lines[0].startswith(f"error: {bad}:4: row 3, column 'strategy-sponsor': 'ceo'")
        assert lines[1].startswith(f"error: {bad}:7: row 6, column 'sector': 'TECHNOLOGY'")
    assert not npz.exists()
    dutch = run_process("score", EXAMPLE, "--panel", bad, "--lang", "nl")
    assert dutch.stderr.startswith(f"fout: {bad}:4: rij 3, kolom 'strategy-sponsor'")


def test_a_panel_built_for_another_instrument_is_refused(tmp_path):
    csv, npz = tmp_path / "p.csv", tmp_path / "p.npz"
    run("panel", "generate", "--respondents", "100", "--output", csv)
    run("panel", "build", csv, "--output", npz)
    proc = run_process("benchmark", "--panel", npz, "--instrument", KITCHEN)
    assert proc.returncode == 2 and "panel build" in proc.stderr


def test_settings_come_from_the_environment():
    res = CliRunner().invoke(cli, ["benchmark", "--format", "json"],
                             env={"SOCIALMATURITY_MIN_GROUP_SIZE": "5000"})
    assert json.loads(res.output)["peer_group"]["filters"] == {}
    res = CliRunner().invoke(cli, ["benchmark"], env={"SOCIALMATURITY_MIN_GROUP_SIZE": "many"})
    assert res.exit_code == 2 and "SOCIALMATURITY_MIN_GROUP_SIZE" in res.output or \
        "min-group-size" in res.output


def test_help_lists_every_command():
    out = run("--help").output
    for command in ("assess", "benchmark", "instrument", "panel", "schema", "score", "settings"):
        assert command in out


def test_every_command_has_an_example():
    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                yield from walk(cmd, prefix + (name,))
            else:
                yield prefix + (name,), cmd

    for path, cmd in walk(cli):
        assert "Example:" in (cmd.help or ""), " ".join(path)


# -- assess (interactive) -----------------------------------------------------------------------


def answers_input(social, stop_after: int | None = None) -> str:
    """Keystrokes that answer every question with its second option (or 40, or a name)."""
    lines = []
    steps = [*social.profile, *social.scored_questions, *social.outcomes]
    for q in steps[:stop_after]:
        if q.type == "text":
            lines.append("Acme")
        elif q.type == "numeric":
            lines.append("40")
        elif q.type == "multi":
            lines.append("1,2,3")
        else:
            lines.append("2")
    return "\n".join(lines) + "\n"


def test_assess_to_the_end(tmp_path, social):
    save = tmp_path / "mine.yaml"
    res = run("assess", "--save", save, input=answers_input(social))
    assert res.exit_code == 0, res.output
    assert "Overall:" in res.output and "Next steps" in res.output
    saved = yaml.safe_load(save.read_text())
    assert saved["profile"]["sector"] == "consumer-goods"
    assert saved["answers"]["reach-departments"] == ["marketing", "pr-communications",
                                                     "customer-service"]


def test_assess_back_skip_and_bad_input(tmp_path, social):
    save = tmp_path / "mine.yaml"
    keys = "Acme\n99\nb\n\n5\n"  # name, a bad sector, back to the name, keep it, sector 5
    res = run("assess", "--lang", "nl", "--save", save, input=keys)
    assert "Typ een getal van 1 tot 12." in res.output
    assert res.exit_code == 130
    saved = yaml.safe_load(save.read_text())
    assert saved["profile"] == {"organization": "Acme", "sector": "telecom-media"}


@pytest.mark.parametrize(("lang", "current"), [("en", "Current answer: 40.5%"),
                                              ("nl", "Huidig antwoord: 40,5%")])
def test_assess_writes_numbers_as_the_language_does(tmp_path, social, lang, current):
    """A numeric question's range and its current answer (back at it) as the result writes
    them: 0–100% and 40.5% (40,5% in Dutch), not 0–100 % and 40.5."""
    keys = answers_input(social).replace("\n40\n", "\n40.5\n").splitlines()
    steps = [*social.profile, *social.scored_questions, *social.outcomes]
    first = next(i for i, q in enumerate(steps) if q.type == "numeric")
    keys = keys[:first + 1] + ["b", ""] + keys[first + 1:]
    res = run("assess", "--lang", lang, "--save", tmp_path / "mine.yaml",
              input="\n".join(keys) + "\n")
    assert res.exit_code == 0, res.output
    assert "  0–100%\n" in res.output and "0–100 %" not in res.output
    assert current in res.output


def test_assess_stop_and_resume(tmp_path, social):
    save = tmp_path / "mine.yaml"
    first = run("assess", "--save", save, input=answers_input(social, stop_after=12))
    assert first.exit_code == 130 and "--resume" in first.output
    saved = yaml.safe_load(save.read_text())
    assert len(saved["profile"]) + len(saved["answers"]) == 12
    rest = answers_input(social).splitlines()[12:]
    second = run("assess", "--resume", save, input="\n".join(rest) + "\n")
    assert second.exit_code == 0 and "Overall:" in second.output
    assert len(yaml.safe_load(save.read_text())["answers"]) == len(social.scored_questions) + \
        len(social.outcomes)



def test_assess_asks_again_for_a_required_profile_field(tmp_path, social):
    """Sector, size and region choose the peers: s and Enter do not pass them, in Dutch too."""
    keys = answers_input(social).splitlines()
    keys[1:1] = ["s", ""]  # at the sector: skip, then Enter without an answer
    res = run("assess", "--lang", "nl", "--save", tmp_path / "mine.yaml",
              input="\n".join(keys) + "\n")
    assert res.exit_code == 0, res.output
    assert res.output.count("Kies een antwoord: het bepaalt met welke organisaties u wordt "
                            "vergeleken.") == 2
    assert "Totaal:" in res.output and "fout" not in res.output


def shown_steps(output: str, n: int) -> list[tuple[str, str]]:
    """(section · position, answered/of) of each question the terminal showed."""
    lines = [line for line in output.splitlines() if " · " in line and line.endswith(f"/{n}")]
    return [(line.split("   ")[0], line.rsplit(" ", 1)[1]) for line in lines]


def test_assess_counts_the_scored_questions_as_the_web_does(tmp_path, social):
    """One question count everywhere: the scored questions, answered of all."""
    n, first = len(social.scored_questions), len(social.profile) + 1
    res = run("assess", "--save", tmp_path / "mine.yaml",
              input=answers_input(social, stop_after=first) + "q\n")
    assert f"{n} questions in {len(social.dimensions)} dimensions" in res.output
    assert [done for _, done in shown_steps(res.output, n)] == [f"0/{n}"] * first + [f"1/{n}"]


def test_assess_resume_asks_only_the_open_questions(tmp_path, social):
    """--resume starts at the first unanswered question, moves on past the answered ones and
    counts what is answered; b still reaches the answered questions before it."""
    save = tmp_path / "mine.yaml"
    keys = answers_input(social).splitlines()
    skipped, stop = len(social.profile) + 2, len(keys) - 2  # the third scored question
    run("assess", "--save", save, input="\n".join(keys[:skipped] + ["s"] +
                                           keys[skipped + 1:stop]) + "\nq\n")
    again = ["b", "", keys[skipped], *keys[stop:]]
    res = run("assess", "--resume", save, input="\n".join(again) + "\n")
    assert res.exit_code == 0 and "Overall:" in res.output
    n, dim, outcomes = len(social.scored_questions), social.dimensions[0], len(social.outcomes)
    here = f"{social.text(dim.name, 'en')} · {{}}/{len(dim.questions)}"
    assert shown_steps(res.output, n) == [
        (here.format(3), f"{n - 1}/{n}"), (here.format(2), f"{n - 1}/{n}"),
        (here.format(3), f"{n - 1}/{n}"), (f"Outcomes · {outcomes - 1}/{outcomes}", f"{n}/{n}"),
        (f"Outcomes · {outcomes}/{outcomes}", f"{n}/{n}")]


# -- settings and the database ------------------------------------------------------------------


def test_an_invalid_setting_in_the_environment_names_the_variable():
    """A setting the command has no flag for is checked too, and named by its variable."""
    res = CliRunner().invoke(cli, ["settings"], env={"SOCIALMATURITY_XLSX_MAX_CELLS": "lots"})
    assert res.exit_code == 2
    assert "error: SOCIALMATURITY_XLSX_MAX_CELLS: 'lots' is not valid; valid: a whole number " \
           "of at least 1" in res.output
    res = CliRunner().invoke(cli, ["settings"], env={"SOCIALMATURITY_XLSX_MAX_CELLS": "lots",
                                                     "SOCIALMATURITY_LANG": "nl"})
    assert "is niet geldig; geldig: een geheel getal" in res.output


def test_settings_lists_each_value_from_the_environment():
    res = CliRunner().invoke(cli, ["settings"], env={"SOCIALMATURITY_MIN_GROUP_SIZE": "12"})
    assert res.exit_code == 0
    assert "--min-group-size  SOCIALMATURITY_MIN_GROUP_SIZE  default: 30  now: 12" in res.output


@pytest.mark.parametrize("url, says", [
    ("postgresql+psycopg://app:s3cret@127.0.0.1:1/sm", "pg_isready -h 127.0.0.1 -p 1"),
    ("sqlite:////proc/1/no-such-folder/s.sqlite", "Check that the folder /proc/1/no-such-folder"),
])
def test_an_unreachable_database_exits_3_with_what_to_check(url, says):
    for args in (("db", "upgrade", "--database-url", url),
                 ("serve", "--port", "1", "--database-url", url)):
        proc = run_process(*args)
        assert proc.returncode == 3, (args, proc.stderr)
        assert proc.stderr.startswith("error: the database ") and says in proc.stderr
        assert "Traceback" not in proc.stderr and "s3cret" not in proc.stderr


def test_a_malformed_database_url_is_bad_input():
    proc = run_process("db", "upgrade", "--database-url", "mysql://root@localhost/x")
    assert proc.returncode == 2 and "unsupported backend" in proc.stderr
