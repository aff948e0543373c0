"""The batch (numpy) path equals the single path on random answer sets (hypothesis)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmaturity.instrument.loader import bundled_instrument, load_instrument
from socialmaturity.instrument.model import DONT_KNOW, NOT_APPLICABLE
from socialmaturity.scoring.answers import Responses
from socialmaturity.scoring.batch import score_encoded
from socialmaturity.scoring.encode import encode_frame
from socialmaturity.scoring.engine import score_responses
from socialmaturity.services.batch import score_table

from .conftest import KITCHEN

INSTRUMENTS = {"kitchen": load_instrument(KITCHEN), "social": bundled_instrument()}


def answer_strategy(inst, q):
    specials = [st.none()]
    if q.dont_know:
        specials.append(st.just(DONT_KNOW))
    if q.not_applicable:
        specials.append(st.just(NOT_APPLICABLE))
    options = inst.index.options[q.id]
    keys = [o.key for o in options]
    if q.type == "single":
        plain = st.sampled_from(keys)
    elif q.type == "multi":
        normal = [o.key for o in options if not o.exclusive]
        exclusive = [[o.key] for o in options if o.exclusive]
        plain = st.one_of(
            st.lists(st.sampled_from(normal), min_size=1, unique=True).map(
                lambda ks: [k for k in keys if k in ks]),
            *([st.sampled_from(exclusive)] if exclusive else []))
    else:
        plain = st.one_of(st.integers(int(q.min), int(q.max)).map(float),
                          st.floats(q.min, q.max, allow_nan=False))
    return st.one_of(plain, *specials)


def responses_strategy(inst):
    return st.fixed_dictionaries(
        {q.id: answer_strategy(inst, q) for q in inst.scored_questions}
    ).map(lambda d: {k: v for k, v in d.items() if v is not None})


def check_equal(inst, answer_sets):
    frame = pd.DataFrame([{q.id: to_cell(a.get(q.id)) for q in inst.scored_questions}
                          for a in answer_sets])
    enc, problems = encode_frame(inst, frame, len(frame), inst.scored_questions)
    assert problems == {}
    batch = score_encoded(inst, enc)
    for i, answers in enumerate(answer_sets):
        single = score_responses(inst, Responses({}, answers))
        assert batch.overall[i] == single.overall
        assert batch.level[i] == single.level
        assert batch.threshold_level[i] == single.threshold_level
        for d in single.dimensions:
            got = batch.dimensions[d.id][i]
            assert (d.score is None and got != got) or got == d.score
        for gate, met in single.gates.items():
            assert bool(batch.gates[gate][i]) == met


@settings(max_examples=150, deadline=None)
@given(st.lists(responses_strategy(INSTRUMENTS["kitchen"]), min_size=1, max_size=8))
def test_batch_equals_single_kitchen(answer_sets):
    check_equal(INSTRUMENTS["kitchen"], answer_sets)


@settings(max_examples=150, deadline=None)
@given(st.lists(responses_strategy(INSTRUMENTS["social"]), min_size=1, max_size=8))
def test_batch_equals_single_social(answer_sets):
    check_equal(INSTRUMENTS["social"], answer_sets)


def to_cell(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, float):
        return repr(value)
    return value


@settings(max_examples=60, deadline=None)
@given(st.lists(responses_strategy(INSTRUMENTS["social"]), min_size=1, max_size=6))
def test_csv_round_trip_scores_like_single(answer_sets):
    """Writing answers to CSV cells and reading them back gives the single-path scores."""
    inst = INSTRUMENTS["social"]
    rows = [{"sector": "technology", "size": "1-99", "region": "emea"}
            | {q.id: to_cell(a.get(q.id)) for q in inst.scored_questions} for a in answer_sets]
    buf = io.StringIO()
    pd.DataFrame(rows).to_csv(buf, index=False)
    buf.seek(0)
    frame = pd.read_csv(buf, dtype=str, keep_default_na=False, na_values=[""])
    scores, problems = score_table(inst, frame)
    assert problems == {}
    for i, answers in enumerate(answer_sets):
        single = score_responses(inst, Responses({}, answers))
        assert scores.overall[i] == single.overall
        assert scores.level[i] == single.level


def test_invalid_cells_are_reported_by_row_and_column():
    inst = INSTRUMENTS["kitchen"]
    frame = pd.DataFrame({"kind": ["canteen", "canteen", "ship"],
                          "cleaning-surfaces": ["always", "sparkly", "never"],
                          "cleaning-checks": ["fridge;floor", "fridge;moon", ""]})
    enc, problems = encode_frame(inst, frame, 3, inst.scored_questions)
    assert set(problems) == {1}
    assert problems[1][0][0] == "cleaning-surfaces"
    assert "valid: never, sometimes, mostly, always" in problems[1][0][1]
    assert problems[1][1][0] == "cleaning-checks" and "'moon'" in problems[1][1][1]


# --- reading and writing batch tables (socialmaturity.intake.tables) ---------------------------


def _panel_csv(tmp_path, respondents=40):
    from socialmaturity.benchmark.demo import generate_panel

    path = tmp_path / "responses.csv"
    generate_panel(INSTRUMENTS["social"], seed=5, respondents=respondents).to_csv(path,
                                                                                  index=False)
    return path


def test_a_column_named_twice_is_refused_with_both_positions(tmp_path):
    import pytest

    from socialmaturity.errors import InputFileError
    from socialmaturity.services.batch import read_table

    source = _panel_csv(tmp_path)
    header, rest = source.read_text().split("\n", 1)
    names = header.split(",")
    second = names.index("region") + 3
    names[second] = " region"  # names are trimmed: this is 'region' again
    source.write_text(",".join(names) + "\n" + rest)
    with pytest.raises(InputFileError) as err:
        read_table(INSTRUMENTS["social"], source)
    problem = err.value.problems[0]
    assert problem.where == f"{source}:1"
    assert problem.message.startswith(f"column 'region' appears twice in the header (columns "
                                      f"{names.index('region') + 1} and {second + 1})")


@pytest.mark.parametrize(("sep", "said"), [(";", "';'"), ("\t", "tabs")])
def test_a_table_of_another_delimiter_is_named_as_such(tmp_path, sep, said):
    from socialmaturity.errors import InputFileError
    from socialmaturity.intake.tables import read_batches, read_table

    source = _panel_csv(tmp_path)
    source.write_text(source.read_text().replace(",", sep))
    for read in (read_table, read_batches):
        with pytest.raises(InputFileError) as err:
            read(source)
        assert str(err.value) == f"{source}:1: the header is one column; the file seems to " \
            f"use {said} between cells: save it as CSV with commas (research import reads " \
            "it as it is)"


def test_a_hundred_thousand_columns_are_checked_for_names_in_one_pass(tmp_path):
    import pytest

    from socialmaturity.errors import InputFileError
    from socialmaturity.intake.tables import read_table

    names = [f"c{i}" for i in range(100_000)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(names + ["c5"]) + "\n" + ",".join(["1"] * 100_001) + "\n")
    with pytest.raises(InputFileError, match=r"'c5' appears twice in the header \(columns 6 "
                                             r"and 100,001\)"):
        read_table(path, text=True)


def test_a_column_of_numbers_is_a_number_column_in_every_format(tmp_path):
    """A weight or score column is typed alike from CSV, Parquet and XLSX (in an XLSX the
    header row's cell was kept as one of the column's values, so it stayed text)."""
    from socialmaturity.intake.tables import read_table

    frame = pd.DataFrame({"w": [1.5, 2.0, 0.5], "n": [1, 2, 3], "t": ["a", "b", "c"]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    for name in ("t.csv", "t.parquet", "t.xlsx"):
        read = read_table(tmp_path / name)
        assert read["w"].tolist() == [1.5, 2.0, 0.5] and read["n"].tolist() == [1, 2, 3], name
        assert pd.api.types.is_float_dtype(read["w"]) and pd.api.types.is_integer_dtype(
            read["n"]) and not pd.api.types.is_numeric_dtype(read["t"]), name


def test_only_the_columns_asked_for_are_read_when_the_table_has_them_all(tmp_path):
    import pytest

    from socialmaturity.errors import InputFileError
    from socialmaturity.intake.tables import read_table

    frame = pd.DataFrame({"id": ["r1", "r2", "r3"], " w ": [1.5, 2.0, 0.5],
                          "sector": ["a", "b", None], "x": [1, None, 0]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    for name in ("t.csv", "t.parquet", "t.xlsx"):
        whole = read_table(tmp_path / name)
        # in the file's order, trimmed names matched, each column as read whole
        some = read_table(tmp_path / name, columns=["x", "w"])
        assert list(some.columns) == ["w", "x"]
        pd.testing.assert_frame_equal(some, whole[["w", "x"]])
        text = read_table(tmp_path / name, columns=["sector"], text=True)
        pd.testing.assert_frame_equal(text, read_table(tmp_path / name, text=True)[["sector"]])
        # one missing: every column, for the caller to name what the table has
        assert list(read_table(tmp_path / name, columns=["x", "nope"]).columns) == \
            ["id", "w", "sector", "x"]
    (tmp_path / "twice.csv").write_text("a,b,a\n1,2,3\n")
    with pytest.raises(InputFileError, match="'a' appears twice"):
        read_table(tmp_path / "twice.csv", columns=["b"])


def test_a_short_row_and_bad_text_name_their_line(tmp_path):
    import pytest

    from socialmaturity.errors import InputFileError
    from socialmaturity.intake.tables import read_table

    path = tmp_path / "t.csv"
    path.write_text('a,b,c\n1,2,3\n4,"two\nlines",6\n7,8\n')
    with pytest.raises(InputFileError) as err:
        read_table(path)
    assert str(err.value) == f"{path}:5: not a valid CSV file: this row has 2 cells, the header 3"
    path.write_bytes(b"a,b\n1,2\n3,caf\xe9\n")
    with pytest.raises(InputFileError, match=r"t\.csv:3: not UTF-8 text"):
        read_table(path)


def test_parquet_in_and_out_scores_as_csv(tmp_path):
    from socialmaturity.services.batch import score_csv

    inst = INSTRUMENTS["social"]
    source = _panel_csv(tmp_path)
    pd.read_csv(source, dtype=str, keep_default_na=False).to_parquet(tmp_path / "in.parquet")
    score_csv(inst, source, tmp_path / "out.csv")
    score_csv(inst, tmp_path / "in.parquet", tmp_path / "out.parquet")
    from_csv = pd.read_csv(tmp_path / "out.csv")
    from_parquet = pd.read_parquet(tmp_path / "out.parquet")
    assert from_parquet["overall_score"].dtype == "float64"
    assert from_csv["overall_score"].tolist() == from_parquet["overall_score"].tolist()
    assert from_csv["stage"].tolist() == from_parquet["stage"].astype(str).tolist()
    # the CSV writes one decimal, as before
    assert all(len(v.rsplit(".", 1)[1]) == 1 for v in
               pd.read_csv(tmp_path / "out.csv", dtype=str)["overall_score"])


def test_a_percent_formatted_xlsx_cell_is_read_as_the_percent_it_shows(tmp_path):
    """0.4 shown as "40%" is 40, as a CSV export holds it; a plain number stays as it is."""
    import openpyxl
    from click.testing import CliRunner

    from socialmaturity.cli import cli
    from socialmaturity.intake.tables import read_table

    source = _panel_csv(tmp_path, respondents=4)
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    rate = "listening-response-rate"
    frame[rate] = ["40", "12.5", "0.4", "40"]
    frame.to_csv(source, index=False)
    book = openpyxl.Workbook()
    book.active.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        book.active.append(list(row))
    column = list(frame.columns).index(rate) + 1
    # 0.00"%" writes a % sign without multiplying: 0.4 is shown as "0.40%"
    for line, value, number_format in ((2, 0.4, "0%"), (3, 0.125, "0.0%"),
                                       (4, 0.4, '0.00"%"'), (5, 40, "0")):
        book.active.cell(line, column, value).number_format = number_format
    book.save(tmp_path / "in.xlsx")
    assert read_table(tmp_path / "in.xlsx", text=True)[rate].tolist() == \
        ["40", "12.5", "0.4", "40"]
    for name in ("in.xlsx", source.name):
        result = CliRunner().invoke(cli, ["score", "--batch", str(tmp_path / name),
                                          "--output", str(tmp_path / f"{name}.out.csv")])
        assert result.exit_code == 0, result.output
    by_xlsx, by_csv = (pd.read_csv(tmp_path / f"{n}.out.csv") for n in ("in.xlsx", source.name))
    pd.testing.assert_frame_equal(by_xlsx, by_csv)


def test_chunks_give_the_rows_and_scores_of_the_whole_table(tmp_path, monkeypatch):
    """score --batch reads, checks and writes chunk by chunk: row numbers, problems and scores
    are those of the whole table, for CSV and Parquet."""
    from socialmaturity.intake import tables
    from socialmaturity.services.batch import read_table, score_csv

    inst = INSTRUMENTS["social"]
    source = _panel_csv(tmp_path, respondents=300)
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame.loc[[5, 150, 290], "strategy-sponsor"] = "ceo"
    frame.to_csv(source, index=False)
    frame.to_parquet(tmp_path / "in.parquet")
    whole, _ = score_table(inst, read_table(inst, source))
    monkeypatch.setattr(tables, "BATCH_ROWS", 40)
    for name, out in ((source, "o.csv"), (tmp_path / "in.parquet", "o.parquet")):
        steps: list[int] = []
        outcome = score_csv(inst, name, tmp_path / out, progress=steps.append)
        assert (outcome.rows, outcome.written, outcome.problem_rows) == (300, 0, 3)
        assert not (tmp_path / out).exists() and sum(steps) == len(inst.scored_questions)
        assert [p.message.split(",")[0] for p in outcome.problems] == \
            ["row 6", "row 151", "row 291"]
        if name == source:
            assert [p.where for p in outcome.problems] == [f"{source}:{r}" for r in (7, 152, 292)]
        outcome = score_csv(inst, name, tmp_path / out, skip_invalid=True)
        assert (outcome.written, outcome.skipped) == (297, 3)
        scores = pd.read_csv(tmp_path / out) if out.endswith("csv") else \
            pd.read_parquet(tmp_path / out)
        kept = [r for r in range(300) if r not in (5, 150, 290)]
        assert scores["row"].tolist() == [r + 1 for r in kept]
        assert scores["overall_score"].tolist() == whole.overall[kept].tolist()


def _cells(path, monkeypatch, piece_bytes):
    """The cells read_batches gives for a CSV cut into pieces of ``piece_bytes``."""
    from socialmaturity.intake import pieces, tables

    monkeypatch.setattr(pieces, "PIECE_BYTES", piece_bytes)
    monkeypatch.setattr(tables, "BATCH_ROWS", 3)
    batches = tables.read_batches(path)
    rows = [row for chunk in batches for row in chunk.to_pylist()]
    return batches.names, rows


def test_pieces_are_cut_only_between_rows(tmp_path, monkeypatch):
    """A CSV read in pieces (quoted separators and line breaks, CRLF, empty and quoted-empty
    cells, non-ASCII text) gives the rows Python's csv module reads, however small the pieces."""
    import csv

    rows = [["name", " note", "n"]] + [
        [f"r{i}", ['plain', 'a, b', 'two\nlines', '"quoted"', '', 'café ✓'][i % 6],
         "" if i % 4 == 0 else str(i)] for i in range(40)]
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    expected = [{"name": r[0], "note": r[1] or None, "n": r[2] or None} for r in rows[1:]]
    for piece_bytes in (1, 7, 64, 1 << 26):
        names, got = _cells(path, monkeypatch, piece_bytes)
        assert names == ["name", "note", "n"]
        assert got == expected, piece_bytes
    path.write_text("name,note,n\n")  # a header without rows: one empty chunk
    assert _cells(path, monkeypatch, 7) == (["name", "note", "n"], [])


def test_a_piece_that_is_not_utf8_or_has_a_short_row_names_its_line(tmp_path, monkeypatch):
    import pytest

    from socialmaturity.errors import InputFileError

    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 20 + b"3,caf\xe9\n4,5\n")
    with pytest.raises(InputFileError, match=r"t\.csv:22: not UTF-8 text"):
        _cells(path, monkeypatch, 16)
    path.write_bytes(b"a,b\n" + b"1,2\n" * 20 + b"3\n4,5\n")
    with pytest.raises(InputFileError, match=r"t\.csv:22: not a valid CSV file: this row has 1 "
                                             r"cells, the header 2"):
        _cells(path, monkeypatch, 16)
