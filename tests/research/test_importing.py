"""Import: every layout read back to the panel it was made from; recodes; bad input; parsers."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmaturity.errors import SocialMaturityError
from socialmaturity.intake import converting, importing, tables
from socialmaturity.intake.importing import SurveyImportError, read_export
from socialmaturity.research.mapping import Mapping, MappingError, Target, load_mapping
from socialmaturity.research.parsing import detect_dayfirst, parse_timestamp
from socialmaturity.scoring.encode import encode_frame, parse_number
from tests.research.conftest import EXPORTS, cell, make_exports

FIXTURES = {
    "qualtrics.csv": ("qualtrics", "qualtrics-mapping.yaml"),
    "qualtrics.xlsx": ("qualtrics", "qualtrics-mapping.yaml"),
    "surveymonkey.csv": ("surveymonkey", "surveymonkey-mapping.yaml"),
    "google-forms.csv": ("google-forms", "google-forms-mapping.yaml"),
    "spss.sav": ("qualtrics", "spss-mapping.yaml"),
}


def questions(inst):
    return [*inst.profile, *inst.scored_questions, *inst.outcomes]


def expected(panel, name):
    start, stop = make_exports.SLICES[name]
    frame = panel.iloc[start:stop].reset_index(drop=True).copy()
    if name == "spss.sav":
        frame.loc[list(make_exports.SPSS_MISSING_ROWS), make_exports.SPSS_MISSING_QUESTION] = \
            np.nan
    return frame


@pytest.fixture(scope="module")
def imported(inst):
    return {name: read_export(EXPORTS / name, mapping=EXPORTS / mapping, inst=inst)
            for name, (_, mapping) in FIXTURES.items()}


# --- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FIXTURES))
def test_each_layout_is_detected_and_read_back_to_the_panel(name, inst, panel, imported):
    result = imported[name]
    assert result.layout == FIXTURES[name][0]
    frame = result.frame
    want = expected(panel, name)
    assert len(frame) == len(want)
    for q in questions(inst):
        assert frame[q.id].map(cell).tolist() == want[q.id].map(cell).tolist(), q.id
    assert frame["respondent_id"].is_unique
    if "organization_id" in frame:
        assert frame["organization_id"].tolist() == want["organization_id"].tolist()


@pytest.mark.parametrize("name", list(FIXTURES))
def test_the_tidy_table_is_valid_batch_input(name, inst, imported):
    frame = imported[name].frame
    _, problems = encode_frame(inst, frame, len(frame), questions(inst)[7:])
    assert problems == {}
    assert all(frame[q.id].dtype == object for q in questions(inst))


def test_a_plain_batch_csv_is_read_as_is(inst, panel, tmp_path):
    path = tmp_path / "panel.csv"
    panel.assign(wave="2026").to_csv(path, index=False)
    result = read_export(path, inst=inst)
    assert result.layout == "plain" and result.recodes == []
    for column in panel.columns:
        assert result.frame[column].map(cell).tolist() == panel[column].map(cell).tolist()
    assert result.frame["wave"].tolist() == ["2026"] * len(panel)
    assert any("'wave'" in w for w in result.warnings)


def test_qualtrics_metadata(imported):
    result = imported["qualtrics.csv"]
    frame = result.frame
    assert all(re.fullmatch(r"R_[A-Za-z0-9]{15}", i) for i in frame["respondent_id"])
    rng = np.random.default_rng(make_exports.SEED)
    durations, _, ends = make_exports.timings(len(frame), rng)
    assert frame["duration_seconds"].dtype == np.float64
    assert frame["duration_seconds"].tolist() == [float(d) for d in durations]
    assert (frame["progress"] == 100).all()
    assert str(frame["submitted_at"].dtype) == "datetime64[ns, UTC]"
    # Qualtrics dates are in the time zone of the ImportId row (Amsterdam, UTC+1 in November)
    assert frame["submitted_at"][0] == pd.Timestamp(ends[0] - timedelta(hours=1), tz="UTC")
    assert list(frame.columns[:2]) == ["respondent_id", "organization_id"]
    assert list(frame.columns[-3:]) == ["duration_seconds", "progress", "submitted_at"]
    assert {"StartDate", "IPAddress", "Status", "panel_source"} <= set(result.dropped_columns)
    assert result.column_map["ResponseId"] == "respondent_id"
    assert result.column_map["Q14_2"] == "reach-departments=pr-communications"


def test_surveymonkey_metadata(imported):
    result = imported["surveymonkey.csv"]
    frame = result.frame
    rng = np.random.default_rng(make_exports.SEED + 1)
    durations, _, ends = make_exports.timings(len(frame), rng)
    assert frame["respondent_id"][0] == "11400000001"
    assert frame["duration_seconds"].tolist() == [float(d) for d in durations]
    assert frame["submitted_at"][0] == pd.Timestamp(ends[0], tz="UTC")
    assert any("computed from 'Start Date' and 'End Date'" in w for w in result.warnings)
    assert any("read as UTC" in w for w in result.warnings)
    assert "Collector ID" in result.dropped_columns
    other = "Which departments use social media with goals of their own? | Other (please specify)"
    assert other in result.dropped_columns


def test_google_forms_dates_are_day_first_in_the_mapped_zone(imported):
    frame = imported["google-forms.csv"].frame
    rng = np.random.default_rng(make_exports.SEED + 2)
    _, _, ends = make_exports.timings(len(frame), rng)
    want = [pd.Timestamp(e - timedelta(hours=1), tz="UTC") for e in ends]
    assert frame["submitted_at"].tolist() == want
    assert frame["respondent_id"][0] == "row-00001"
    assert "duration_seconds" not in frame


def test_google_forms_day_first_is_told_from_the_data(inst, tmp_path):
    source = (EXPORTS / "google-forms.csv").read_text(encoding="utf-8")
    path = tmp_path / "form.csv"
    path.write_text(source, encoding="utf-8")
    mapping = load_mapping(EXPORTS / "google-forms-mapping.yaml")
    mapping.dayfirst = None
    frame = read_export(path, mapping=mapping, inst=inst).frame
    assert frame["submitted_at"].tolist() == \
        read_export(path, mapping=EXPORTS / "google-forms-mapping.yaml", inst=inst) \
        .frame["submitted_at"].tolist()


# --- recodes ------------------------------------------------------------------------------


def test_every_changed_value_is_reported(inst, panel, imported):
    result = imported["qualtrics.csv"]
    want = expected(panel, "qualtrics.csv")
    recodes = {(r.column, r.from_value): r for r in result.recodes}
    tech = recodes[("Q2", make_exports.TECH_LABEL)]
    assert (tech.to_value, tech.reason) == ("technology", "mapping")
    assert tech.count == int((want["sector"] == "technology").sum())
    label = recodes[("Q3", "1–99 employees")] if ("Q3", "1–99 employees") in recodes else None
    assert label is None or label.to_value == "1-99"
    # every answered single-choice cell held a label: all of them are counted as recodes
    tags = make_exports.tags(inst)
    for q in inst.scored_questions:
        if q.type == "single":
            counted = sum(r.count for r in result.recodes if r.column == tags[q.id])
            assert counted == int(want[q.id].notna().sum()), q.id
    marketing = recodes[("Q14_1", "Marketing")]
    assert (marketing.to_value, marketing.reason) == ("marketing", "choice column")
    frame = result.recodes_frame()
    assert list(frame.columns) == ["column", "from_value", "to_value", "count", "reason"]


def test_numbers_parsed_from_text_are_reported(imported):
    recodes = imported["surveymonkey.csv"].recodes
    parsed = [r for r in recodes if r.reason == "number parsed"]
    assert parsed and all(r.from_value.endswith("%") for r in parsed)
    assert all(float(r.from_value[:-1]) == float(r.to_value) for r in parsed)


def test_spss_value_labels_and_user_missing_values_are_reported(imported):
    result = imported["spss.sav"]
    missing = [r for r in result.recodes if r.reason == "user-defined missing"]
    assert len(missing) == 1
    assert missing[0].count == len(make_exports.SPSS_MISSING_ROWS)
    assert missing[0].from_value == "-99 (Seen but unanswered)" and missing[0].to_value == ""
    assert any(r.reason == "value label" for r in result.recodes)
    assert any("user-defined missing" in w for w in result.warnings)
    # value labels SPSS cut at 120 bytes still find their option, and say so
    assert any(r.reason == "option label (cut short)" for r in result.recodes)


# --- options and progress -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["plain.csv", "qualtrics.csv", "qualtrics.xlsx"])
def test_progress_adds_up_to_the_rows(inst, tmp_path, monkeypatch, panel, name):
    if name == "plain.csv":
        path = tmp_path / name
        panel.to_csv(path, index=False)
        mapping = None
    else:
        path = EXPORTS / name
        mapping = EXPORTS / "qualtrics-mapping.yaml"
    monkeypatch.setattr(tables, "BLOCK_BYTES", 4096)  # CSV: told per block parsed
    monkeypatch.setattr(converting, "CHUNK_ROWS", 7)  # XLSX, SPSS: per chunk converted
    calls = []
    result = read_export(path, inst=inst, mapping=mapping, progress=calls.append)
    assert sum(calls) == len(result.frame) and len(calls) > 1


def test_the_layout_can_be_named(inst, panel, tmp_path):
    path = tmp_path / "panel.csv"
    panel.to_csv(path, index=False)
    assert read_export(path, inst=inst, layout="plain").layout == "plain"


def test_utf16_exports_are_read(inst, panel, tmp_path):
    path = tmp_path / "panel.csv"
    panel.head(3).to_csv(path, index=False, sep="\t", encoding="utf-16")
    result = read_export(path, inst=inst)
    assert result.encoding == "utf-16" and len(result.frame) == 3


def test_text_in_no_known_encoding(inst, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"sector,size\nretail\x81\x8d,1-99\n")
    with pytest.raises(SurveyImportError, match=r"not text in UTF-8 or Windows-1252 \(byte 18\)"):
        read_export(path, inst=inst)


def test_windows_1252_and_semicolons_are_read_and_reported(inst, panel, tmp_path):
    path = tmp_path / "panel.csv"
    frame = panel.head(5).copy()
    frame["organization"] = "Café Zoë"
    frame.to_csv(path, index=False, sep=";", encoding="cp1252")
    result = read_export(path, inst=inst)
    assert result.encoding == "cp1252"
    assert any("Windows-1252" in w for w in result.warnings)
    assert result.frame["organization"].tolist() == ["Café Zoë"] * 5


def test_a_mapping_object_and_keep_columns(inst, tmp_path):
    mapping = load_mapping(EXPORTS / "qualtrics-mapping.yaml")
    mapping.ignore.remove("panel_source")
    mapping.columns["panel_source"] = Target.keep("source")
    result = read_export(EXPORTS / "qualtrics.csv", mapping=mapping, inst=inst)
    assert result.frame["source"].eq("demo").all()
    assert result.column_map["panel_source"] == "keep:source"


# --- bad input ----------------------------------------------------------------------------


def messages(exc: SocialMaturityError) -> str:
    return "\n".join(str(p) for p in exc.problems)


@pytest.mark.parametrize("content,expect", [
    (None, "no such file"),
    ("", "the file is empty"),
    (b"\x00\x01\x02PK garbage\x00", "not a text file"),
    ("a,b,c\n1,2,3\n", "cannot tell which tool made this export"),
    ("sector,size\nretail-ecommerce,1-99,extra,fields\n", "not a valid CSV file"),
])
def test_unreadable_files(inst, tmp_path, content, expect):
    path = tmp_path / "export.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(SurveyImportError) as err:
        read_export(path, inst=inst)
    assert expect in messages(err.value)
    assert str(path) in messages(err.value)


@pytest.mark.parametrize("name,content,expect", [
    ("export.xlsx", b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
    ("export.sav", b"$FL2 not really SPSS", "not a readable SPSS .sav file"),
    ("export.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
])
def test_unreadable_workbooks(inst, tmp_path, name, content, expect):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SurveyImportError, match=re.escape(expect)):
        read_export(path, inst=inst)


def test_a_folder_is_not_an_export(inst, tmp_path):
    with pytest.raises(SurveyImportError, match="is a folder"):
        read_export(tmp_path, inst=inst)


@pytest.mark.parametrize("name,layout,expect", [
    ("qualtrics.csv", "plain", "not a plain export: it has the header rows of qualtrics"),
    ("google-forms.csv", "qualtrics", "not a Qualtrics export: the third row should hold"),
    ("google-forms.csv", "surveymonkey", "not a SurveyMonkey export"),
    ("spss.sav", "google-forms", "an SPSS file has variable names"),
    ("qualtrics.csv", "excel", "unknown layout 'excel'"),
])
def test_the_wrong_layout(inst, name, layout, expect):
    with pytest.raises(SurveyImportError) as err:
        read_export(EXPORTS / name, inst=inst, layout=layout)
    assert expect in messages(err.value)


def test_unmapped_question_columns_are_listed(inst):
    with pytest.raises(SurveyImportError) as err:
        read_export(EXPORTS / "qualtrics.csv", inst=inst)
    text = messages(err.value)
    # edited question texts (every third) cannot be tied without a mapping
    assert f"{EXPORTS / 'qualtrics.csv'}, column 'Q2': not mapped to a question" in text
    assert "(select one)" in text and "research mapping suggest" in text
    assert "column 'Q1'" not in text  # its text is the instrument's: found without a mapping
    assert err.value.total > len(err.value.problems) == importing.MAX_LISTED


def test_labels_missing_from_the_mapping(inst, panel):
    mapping = load_mapping(EXPORTS / "qualtrics-mapping.yaml")
    mapping.values.clear()
    with pytest.raises(SurveyImportError) as err:
        read_export(EXPORTS / "qualtrics.csv", mapping=mapping, inst=inst)
    (problem,) = err.value.problems
    count = int((expected(panel, "qualtrics.csv")["sector"] == "technology").sum())
    assert problem.where == f"{EXPORTS / 'qualtrics.csv'}, column 'Q2'"
    rows = f"{count} row" + ("s" if count > 1 else "")
    assert problem.message.startswith(f"'Tech / software' ({rows}, first row ")
    assert "is not an answer to 'sector'; valid: 'Retail & e-commerce'" in problem.message
    assert "'Technology & software'" in problem.message
    assert problem.message.endswith("add it to the mapping under values: sector:")


def plain_csv(panel, tmp_path, **changes):
    frame = panel.copy()
    for (row, column), value in changes.get("cells", {}).items():
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    for column, values in changes.get("columns", {}).items():
        frame[column] = values
    path = tmp_path / "plain.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("column,value,expect", [
    ("listening-response-rate", "140", "140 is out of range; valid: a number from 0 to 100 "
                                       "or \"Don't know\""),
    ("listening-response-rate", "lots", "'lots' is not a number; valid: a number from 0 to 100"),
    ("reach-departments", "marketing;none", "'none' is chosen with other options"),
    ("reach-departments", "marketing;legal", "'legal' (1 row, first row 3) is not an answer to "
                                             "'reach-departments'"),
])
def test_bad_values_name_the_row_and_column(inst, panel, tmp_path, column, value, expect):
    path = plain_csv(panel, tmp_path, cells={(2, column): value})
    with pytest.raises(SurveyImportError) as err:
        read_export(path, inst=inst)
    text = messages(err.value)
    assert expect in text
    assert f"{path}:4: row 3, column '{column}'" in text or f"{path}, column '{column}'" in text


@pytest.mark.parametrize("column,value,expect", [
    ("progress", "120", "'120' is not a valid progress; valid: a number from 0 to 100"),
    ("duration_seconds", "-5", "'-5' is not a valid duration in seconds"),
    ("submitted_at", "yesterday", "'yesterday' is not a date and time we can read"),
    ("respondent_id", "", "empty respondent id (1 row)"),
])
def test_bad_metadata(inst, panel, tmp_path, column, value, expect):
    values = ["50"] * len(panel) if column != "submitted_at" else ["2026-11-27 10:00"] * \
        len(panel)
    values[4] = value
    if column == "respondent_id":
        values = list(panel["respondent_id"])
        values[4] = ""
    path = plain_csv(panel, tmp_path, columns={column: values})
    with pytest.raises(SurveyImportError) as err:
        read_export(path, inst=inst)
    assert f"{path}:6: row 5, column '{column}': {expect}" in messages(err.value)


def test_conflicting_choices_in_one_column_per_choice_questions(inst, tmp_path):
    with (EXPORTS / "qualtrics.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[3][rows[0].index("Q14_7")] = "None of these"
    rows[3][rows[0].index("Q14_1")] = "Marketing"
    path = tmp_path / "qualtrics.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(SurveyImportError) as err:
        read_export(path, mapping=EXPORTS / "qualtrics-mapping.yaml", inst=inst)
    assert "'none' is chosen with other options" in messages(err.value)
    assert f"{path}:4: row 1, column 'Q14_1'" in messages(err.value)


def test_a_typo_in_a_plain_header_is_not_passed_through(inst, panel, tmp_path):
    path = tmp_path / "plain.csv"
    panel.rename(columns={"strategy-sponsor": "strategy_sponsor"}).to_csv(path, index=False)
    with pytest.raises(SurveyImportError, match="looks like question id 'strategy-sponsor'"):
        read_export(path, inst=inst)


def test_a_mapping_that_does_not_fit_the_instrument(inst):
    mapping = Mapping(columns={"Q2": Target.question("sectr")},
                      values={"size": {"Tiny": "micro"}})
    with pytest.raises(MappingError) as err:
        read_export(EXPORTS / "qualtrics.csv", mapping=mapping, inst=inst)
    text = messages(err.value)
    assert "unknown question id 'sectr' (did you mean 'sector'?)" in text
    assert "'micro' is not an option of 'size'" in text


def test_two_columns_for_one_question(inst):
    mapping = load_mapping(EXPORTS / "qualtrics-mapping.yaml")
    mapping.columns["Q3"] = Target.question("sector")
    with pytest.raises(SurveyImportError, match="all map to question 'sector'"):
        read_export(EXPORTS / "qualtrics.csv", mapping=mapping, inst=inst)


def test_nothing_is_written(inst, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,b\n1,2\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(SurveyImportError):
        read_export(path, inst=inst)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --- parsers ------------------------------------------------------------------------------


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False))
def test_parse_number_reads_the_ways_numbers_are_written(value):
    x = float(value)
    plain = f"{x:.2f}"
    whole, frac = plain.split(".")
    grouped = f"{int(whole):,}"
    for text in (plain, plain + "%", f"{plain} %", plain.replace(".", ","),
                 f"{grouped}.{frac}", f"{grouped.replace(',', '.')},{frac}",
                 f"{grouped.replace(',', ' ')},{frac}"):
        assert parse_number(text, percent=True) == pytest.approx(x), text


@pytest.mark.parametrize("text", ["", "abc", "4O", "1-2", "%", "nan", "inf", "1,2,3", "1.2.3,4.5"])
def test_parse_number_refuses_what_is_no_number(text):
    assert parse_number(text, percent=True) is None


stamps = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2068, 12, 31))


@given(stamps, st.integers(min_value=-11, max_value=13))
def test_parse_timestamp_reads_what_the_survey_tools_write(moment, offset):
    moment = moment.replace(microsecond=0)
    utc = pd.Timestamp(moment, tz="UTC")
    sign = "+" if offset >= 0 else "-"
    zoned = pd.Timestamp(moment - timedelta(hours=offset), tz="UTC")
    cases = [
        (moment.strftime("%Y-%m-%d %H:%M:%S"), {}, utc),
        (moment.strftime("%Y-%m-%dT%H:%M:%SZ"), {}, utc),
        (moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(offset):02d}:00", {}, zoned),
        (moment.strftime("%Y/%m/%d %I:%M:%S %p") + f" GMT{sign}{abs(offset)}", {}, zoned),
        (moment.strftime("%m/%d/%Y %I:%M:%S %p"), {"dayfirst": False}, utc),
        (moment.strftime("%d-%m-%Y %H:%M:%S"), {"dayfirst": True}, utc),
        (moment.strftime("%d.%m.%Y %H:%M"), {"dayfirst": True}, utc.replace(second=0)),
        (moment.strftime("%d/%m/%y %H:%M:%S"), {"dayfirst": True}, utc),
    ]
    for text, options, want in cases:
        assert parse_timestamp(text, **options) == want, text


def test_parse_timestamp_time_zones_and_refusals():
    amsterdam = parse_timestamp("2026-07-01 12:00:00", tz="Europe/Amsterdam")
    assert amsterdam == pd.Timestamp("2026-07-01 10:00:00", tz="UTC")
    assert parse_timestamp("2026-11-27") == pd.Timestamp("2026-11-27", tz="UTC")
    for text in ("yesterday", "2026-13-01 10:00", "31/02/2026", "13:00", "2026-11-27 13:00 PM"):
        assert parse_timestamp(text) is None, text


@given(st.lists(stamps, min_size=1, max_size=20))
def test_detect_dayfirst(moments):
    day_first = [m.strftime("%d-%m-%Y %H:%M") for m in moments]
    month_first = [m.strftime("%m/%d/%Y %I:%M %p") for m in moments]
    if any(m.day > 12 and m.day != m.month for m in moments):
        assert detect_dayfirst(day_first) is True
        assert detect_dayfirst(month_first) is False
    elif all(m.day <= 12 for m in moments):
        assert detect_dayfirst(day_first) is None
    assert detect_dayfirst([m.isoformat() for m in moments]) is None


MULTI_LABELS = {"marketing": "Marketing, brand & content", "sales": "Sales, leads, deals",
                "product-rd": "Product, R&D", "customer-service": "Customer service"}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sets(st.sampled_from(list(MULTI_LABELS)), min_size=1), min_size=1,
                max_size=8))
def test_google_style_multi_select_cells_with_commas_inside_labels(inst, tmp_path_factory,
                                                                   cells):
    """Cells of labels joined by ", ", the labels with commas of their own, become keys."""
    mapping = Mapping(values={"reach-departments": {v: k for k, v in MULTI_LABELS.items()}})
    text = [", ".join(MULTI_LABELS[k] for k in sorted(c)) for c in cells]
    path = tmp_path_factory.mktemp("multi") / "plain.csv"
    pd.DataFrame({"reach-departments": text, "sector": "education", "size": "1-99",
                  "region": "emea"}).to_csv(path, index=False)
    result = read_export(path, inst=inst, mapping=mapping)
    order = [o.key for o in inst.index.options["reach-departments"]]
    assert result.frame["reach-departments"].tolist() == \
        [";".join(k for k in order if k in c) for c in cells]


def test_timestamps_in_the_tidy_table_are_utc_nanoseconds(inst, tmp_path, panel):
    path = plain_csv(panel, tmp_path, columns={
        "submitted_at": ["2026-11-27T10:03:12+01:00"] * len(panel)})
    frame = read_export(path, inst=inst).frame
    assert str(frame["submitted_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["submitted_at"][0] == datetime(2026, 11, 27, 9, 3, 12, tzinfo=UTC)


def test_the_fixtures_are_what_the_generator_makes(inst, tmp_path):
    make_exports.main(tmp_path)
    for path in EXPORTS.iterdir():
        if path.suffix in (".csv", ".yaml"):
            assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
    for name in ("qualtrics.xlsx", "spss.sav"):
        mapping = EXPORTS / FIXTURES[name][1]
        fresh = read_export(tmp_path / name, mapping=mapping, inst=inst).frame
        kept = read_export(EXPORTS / name, mapping=mapping, inst=inst).frame
        assert fresh.map(cell).equals(kept.map(cell)), name
    assert all(p.stat().st_size < 100_000 for p in EXPORTS.iterdir())


def test_valid_labels_are_listed_in_the_language_of_the_export(inst):
    with pytest.raises(SurveyImportError) as err:
        read_export(EXPORTS / "google-forms.csv", inst=inst)
    (problem,) = err.value.problems
    assert problem.message.startswith(f"{make_exports.PRODUCT_LABEL_NL!r} (5 rows, first row ")
    assert "'Productontwikkeling & R&D'; 'Geen van deze'; 'Weet ik niet'" in problem.message
