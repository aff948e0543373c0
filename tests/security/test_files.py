"""Items 2-5 of issue 8: what files can do to the commands.

- a YAML alias bomb, aliases, tags, merge keys in every YAML input (answers, instruments,
  mappings, margins, cleaning rules): refused by the one reader with file:line, fast;
- a 5,001-digit integer, a corrupt or non-zip ``.xlsx``, deeply nested JSON in a Qualtrics
  header row: ``error:`` and exit 2, never a traceback;
- an XLSX zip bomb or a workbook with too many cells: refused before parsing;
- cells that start with ``= + - @``, tab or CR are never written as live formulas.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from .conftest import refused, run, run_process

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "answers.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "exports"

ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
profile: *h
"""

HOSTILE_YAML = {
    "alias bomb": (ALIAS_BOMB, "anchors and aliases are refused"),
    "self-referencing alias": ("profile: &p [*p]\n", "anchors and aliases are refused"),
    "python name tag": ("profile: !!python/name:os.system\n", "tag '!!python/name:os.system'"),
    "python object tag": ("profile: !!python/object/apply:os.system [ls]\n", "is not allowed"),
    "bad binary": ("profile: !!binary '***'\n", "tag '!!binary' is not allowed"),
    "merge key": ("profile:\n  <<: {sector: technology}\n", "merge keys (<<)"),
    "local tag": ("profile: !mine {sector: technology}\n", "tag '!mine'"),
    "deep nesting": ("profile: " + "[" * 500 + "]" * 500 + "\n", "nested deeper than 64"),
    "huge integer": ("answers: {employees-trained: " + "9" * 5001 + "}\n",
                     "more than 4,300 digits"),
}


@pytest.mark.parametrize("text,expected", HOSTILE_YAML.values(), ids=HOSTILE_YAML.keys())
def test_every_yaml_input_refuses_hostile_documents(tmp_path, text, expected):
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    data = tmp_path / "data.csv"
    data.write_text("respondent_id,sector\n1,technology\n2,retail-ecommerce\n")
    commands = {
        "answers": ("score", path),
        "instrument": ("instrument", "validate", path),
        "mapping": ("research", "import", FIXTURES / "qualtrics.csv", "--mapping", path,
                    "--output", tmp_path / "t.csv"),
        "margins": ("research", "weight", data, "--margins", path, "--output",
                    tmp_path / "w.csv"),
        "rules": ("research", "clean", data, "--rules", path, "--output", tmp_path / "c.csv"),
    }
    for what, args in commands.items():
        t = time.perf_counter()
        err = refused(run(*args))
        assert time.perf_counter() - t < 10, what
        assert f"{path}:" in err and expected in err, (what, err)


def test_a_self_referencing_alias_and_a_huge_integer_exit_2_in_a_real_process(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("profile: &p\n  sector: *p\n")
    err = refused(run_process("score", path))
    assert f"{path}:1:10: an alias (*name) is not allowed" in err
    doc = yaml.safe_load(EXAMPLE.read_text())
    text = yaml.safe_dump(doc).replace("employees-trained: 15", "employees-trained: "
                                       + "1" * 5001)
    assert "1" * 5001 in text
    path.write_text(text)
    err = refused(run_process("score", path))
    assert "more than 4,300 digits" in err and len(err) < 500
    # under the int limit but over a float: out of range, not OverflowError
    path.write_text(text.replace("1" * 5001, "1" * 400))
    err = refused(run_process("score", path))
    assert "answers.employees-trained" in err


def xlsx_of(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def test_corrupt_or_non_zip_xlsx_is_a_clear_error_in_every_research_command(tmp_path):
    good = xlsx_of(pd.DataFrame({"respondent_id": [1, 2], "sector": ["technology", "retail"]}))
    files = {"not-a-zip.xlsx": b"respondent_id,sector\n1,technology\n",
             "truncated.xlsx": good[: len(good) // 2],
             "empty.xlsx": b""}
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    files["zip-not-xlsx.xlsx"] = zipped.getvalue()
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        for args in (("clean", path, "--output", tmp_path / "o.csv"), ("shares", path),
                     ("classify", path, "--output", tmp_path / "o.csv"),
                     ("report", path, "--output-dir", tmp_path / "r"), ("findings", path),
                     ("import", path, "--output", tmp_path / "t.csv")):
            err = refused(run("research", *args))
            assert name in err, (args, err)
        assert not (tmp_path / "o.csv").exists() and not (tmp_path / "r").exists()


def zip_bomb(path: Path, unpacked_mb: int) -> None:
    """A workbook whose shared strings unpack to ``unpacked_mb`` MB (compressed ~1000×)."""
    book = io.BytesIO(xlsx_of(pd.DataFrame({"respondent_id": [1], "sector": ["technology"]})))
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        chunk = b"<!-- " + b"A" * (1 << 20) + b" -->"
        with out.open("xl/padding.xml", "w") as f:
            for _ in range(unpacked_mb):
                f.write(chunk)


def test_an_xlsx_zip_bomb_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    zip_bomb(bomb, 300)
    assert bomb.stat().st_size < 2 * 2**20
    for args in (("import", bomb, "--output", tmp_path / "t.csv"),
                 ("clean", bomb, "--output", tmp_path / "c.csv")):
        t = time.perf_counter()
        err = refused(run("research", *args))
        assert "unpacks to 300 MB, over the limit of 200 MB (xlsx-max-unpacked-mb)" in err
        assert time.perf_counter() - t < 5
    # the limit is a setting
    res = run("research", "--xlsx-max-unpacked-mb", "1000", "clean", bomb, "--output",
              tmp_path / "c.csv")
    assert res.exit_code == 0, res.output
    assert "unpacks to" in refused(run("research", "clean", bomb, "--output", tmp_path / "c.csv"))


def test_an_xlsx_with_too_many_cells_is_refused_before_parsing(tmp_path):
    path = tmp_path / "cells.xlsx"
    path.write_bytes(xlsx_of(pd.DataFrame({f"c{i}": range(1000) for i in range(20)})))
    err = refused(run("research", "--xlsx-max-cells", "10000", "clean", path, "--output",
                      tmp_path / "c.csv"))
    assert "more than 10,000 cells (xlsx-max-cells)" in err
    res = run_process("research", "import", path, "--output", tmp_path / "t.csv",
                      env={"SOCIALMATURITY_XLSX_MAX_CELLS": "10000"})
    assert "more than 10,000 cells" in refused(res)


def test_deeply_nested_json_in_a_qualtrics_header_row_is_not_a_crash(tmp_path):
    import csv

    with open(FIXTURES / "qualtrics.csv", newline="") as f:
        rows = list(csv.reader(f))
    # deep enough for a RecursionError in json, short enough for the CSV reader (131,072)
    rows[2][0] = "{" + '"a":{' * 5_000
    path = tmp_path / "deep.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    res = run_process("research", "import", path, "--output", tmp_path / "t.csv")
    assert "Traceback" not in res.stderr and res.returncode in (0, 2), res.stderr[-2000:]


FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]


def test_score_batch_csv_output_holds_no_formulas(tmp_path):
    from socialmaturity.instrument.loader import bundled_instrument

    inst = bundled_instrument()
    answers = yaml.safe_load(EXAMPLE.read_text())["answers"]
    rows = []
    for i, formula in enumerate(FORMULAS + ["-5", "-1.5"]):
        row = {"respondent_id": formula, "sector": "technology", "size": "1000-9999",
               "region": "emea", "note": f"n{i}"}
        for q in inst.scored_questions:
            value = answers.get(q.id, "")
            row[q.id] = ";".join(value) if isinstance(value, list) else value
        rows.append(row)
    source = tmp_path / "in.csv"
    pd.DataFrame(rows).rename(columns={"note": "=cmd()"}).to_csv(source, index=False)
    assert run("score", "--batch", source, "--output", tmp_path / "out.csv").exit_code == 0
    text = (tmp_path / "out.csv").read_text()
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    for cell in list(out["respondent_id"]) + list(out.columns):
        assert not cell.startswith(("=", "+", "@", "\t", "\r")) and not (
            cell.startswith("-") and cell not in ("-5", "-1.5")), cell
    assert "'=HYPERLINK" in text and "'=cmd()" in text
    # numbers stay numbers, negative ones included
    assert list(out["respondent_id"][-2:]) == ["-5", "-1.5"]
    assert pd.read_csv(tmp_path / "out.csv")["overall_score"].dtype.kind == "f"
    # the same from a Parquet input; to XLSX every text is a text cell, never a formula
    pd.DataFrame(rows).rename(columns={"note": "=cmd()"}).to_parquet(tmp_path / "in.parquet")
    assert run("score", "--batch", tmp_path / "in.parquet", "--output",
               tmp_path / "again.csv").exit_code == 0
    again = (tmp_path / "again.csv").read_bytes()  # (a CSV cell cannot start with a bare \r)
    assert b"'=HYPERLINK" in again and b"'=cmd()" in again and b"\"'\r=1+1\"" in again
    assert run("score", "--batch", source, "--output", tmp_path / "out.xlsx").exit_code == 0
    sheet = load_workbook(tmp_path / "out.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert cells and all(c.data_type == "s" for c in cells)
    assert "=HYPERLINK" in {str(c.value)[:10] for c in cells}


def test_research_outputs_hold_no_formulas(tmp_path):
    tidy = tmp_path / "tidy.csv"
    assert run("research", "import", FIXTURES / "google-forms.csv", "--mapping",
               FIXTURES / "google-forms-mapping.yaml", "--output", tidy).exit_code == 0
    table = pd.read_csv(tidy, dtype=str, keep_default_na=False)
    table["respondent_id"] = (FORMULAS * len(table))[: len(table)]
    table["wave"] = (["-3", "=1+1"] * len(table))[: len(table)]
    hostile = tmp_path / "hostile.csv"
    table.to_csv(hostile, index=False)
    for out in ("clean.csv", "clean.xlsx"):
        res = run("research", "clean", hostile, "--output", tmp_path / out, "--skip",
                  "duplicate-id", "--skip", "duplicate-answers", "--skip", "speeders",
                  "--skip", "straight-liners", "--skip", "incomplete")
        assert res.exit_code == 0, res.output
    text = (tmp_path / "clean.csv").read_text()
    assert "'=1+1" in text and "'@SUM(A1)" in text and "'=HYPERLINK" in text
    csv_back = pd.read_csv(tmp_path / "clean.csv", keep_default_na=False, dtype=str)
    assert set(csv_back["wave"]) <= {"-3", "'=1+1"}
    book = load_workbook(tmp_path / "clean.xlsx")
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    values = {c.value for row in sheet.iter_rows() for c in row}
    assert "=1+1" in values  # kept exactly, as text


def test_the_research_report_workbook_holds_no_formulas(tmp_path):
    from socialmaturity.research.workbook import xlsx_bytes

    frame = pd.DataFrame({"group": ["=1+1", "@x", "-2", "plain"], "n": [-1, 2, 3, 4],
                          "share": [-0.5, 0.1, 0.2, 0.3]})
    path = tmp_path / "r.xlsx"
    path.write_bytes(xlsx_bytes({"=comparisons by group": frame}))
    sheet = load_workbook(path).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in cells if c.column == 1][1:] == ["=1+1", "@x", "-2", "plain"]
    assert [c.value for c in cells if c.column == 2][1:] == [-1, 2, 3, 4]
