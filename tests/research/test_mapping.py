"""Mappings: the YAML format, suggestions, and matching answer labels to option keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmaturity.intake.importing import read_export
from socialmaturity.research.mapping import (
    Mapping,
    MappingError,
    Target,
    dump_mapping,
    load_mapping,
)
from socialmaturity.research.matching import (
    AnswerMatcher,
    normalize_label,
    split_choice_text,
    split_choices,
    text_similarity,
)
from socialmaturity.research.suggesting import suggest_mapping
from tests.research.conftest import EXPORTS, cell, make_exports

MAPPINGS = ["qualtrics-mapping.yaml", "surveymonkey-mapping.yaml", "google-forms-mapping.yaml",
            "spss-mapping.yaml"]


# --- the file format ----------------------------------------------------------------------


@pytest.mark.parametrize("name", MAPPINGS)
def test_fixture_mappings_load_and_fit_the_instrument(inst, name):
    mapping = load_mapping(EXPORTS / name, inst)
    assert mapping.instrument == "social-maturity"
    assert dump_mapping(mapping)  # and they can be written back


def test_the_qualtrics_mapping(inst):
    mapping = load_mapping(EXPORTS / "qualtrics-mapping.yaml")
    assert mapping.layout == "qualtrics"
    assert mapping.columns["Q2"] == Target.question("sector")
    assert mapping.columns["Q14_1"] == Target.choice("reach-departments", "marketing")
    assert mapping.columns["org_id"] == Target.metadata("organization_id")
    assert mapping.values == {"sector": {"Tech / software": "technology"}}
    assert mapping.ignore == ["panel_source"]


def write(tmp_path, text: str):
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_round_trips_through_dump(tmp_path, inst):
    mapping = Mapping(
        columns={"Q1": Target.question("sector"), "Q 5: #1": Target.choice("reach-departments",
                                                                           "dont-know"),
                 "ResponseId": Target.metadata("respondent_id"), "wave": Target.keep("wave"),
                 "yes": Target.question("size"), "12": Target.metadata("progress")},
        values={"sector": {"Tech / software": "technology", "No": None, "ja": "education",
                           'quote "x"': "non-profit", "1,5": "education"},
                "*": {"Weet niet": "dont-know"}},
        missing=["-99", "Seen but unanswered"], ignore=["Q5_TEXT", "null"],
        instrument="social-maturity", layout="qualtrics", dayfirst=True,
        timezone="Europe/Amsterdam")
    path = write(tmp_path, dump_mapping(mapping))
    again = load_mapping(path, inst)
    assert again == mapping


@pytest.mark.parametrize("text,where,expect", [
    ("colums: {}\n", ":1:1", "unknown key 'colums' (did you mean 'columns'?)"),
    ("columns:\n  Q1: [sector]\n", ":2:7", "expected a question id, a metadata name"),
    ("values:\n  sector:\n    Yes: technology\n", ":3:5", "True is read by YAML as a yes/no value"),
    ("layout: excel\n", ":1:9", "unknown layout 'excel'; valid: qualtrics, surveymonkey"),
    ("timezone: Mars/Olympus\n", ":1:11", "unknown time zone 'Mars/Olympus'"),
    ("dayfirst: sometimes\n", ":1:11", "expected true or false"),
    ("ignore: Q5\n", ":1:9", "expected a list"),
    ("columns:\n  Q1: sector\n  Q1: size\n", ":3:3", "duplicate key 'Q1'"),
    ("columns: {Q1: sector\n", ":2:1", "not valid YAML/JSON"),
])
def test_bad_mapping_files_name_file_line_and_column(tmp_path, text, where, expect):
    path = write(tmp_path, text)
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    problem = err.value.problems[0]
    assert problem.where == f"{path}{where}"
    assert expect in problem.message


@pytest.mark.parametrize("text,where,expect", [
    ("columns:\n  Q1: sectr\n", ":2:7", "unknown question id 'sectr' (did you mean 'sector'?)"),
    ("columns:\n  Q1: {question: sector, option: retail}\n", ":2:7",
     "question 'sector' is single, not a multi-select"),
    ("columns:\n  Q1: {question: reach-departments, option: legal}\n", ":2:7",
     "'legal' is not an option of 'reach-departments'"),
    ("values:\n  sector:\n    Tech: technolgy\n", ":3:11",
     "'technolgy' is not an option of 'sector' (did you mean 'technology'?)"),
    ("values:\n  sectr: {}\n", ":2:3", "unknown question id 'sectr'"),
    ("values:\n  listening-response-rate: {Lots: '90'}\n", ":2:35",
     "question 'listening-response-rate' is numeric: a label can only become dont-know or null"),
    ("instrument: kitchen-hygiene\n", ":1:13", "the mapping is for instrument 'kitchen-hygiene'"),
    ("columns:\n  W: {keep: sector}\n", ":2:6", "keep: 'sector' is a question or metadata name"),
])
def test_mappings_that_do_not_fit_the_instrument(tmp_path, inst, text, where, expect):
    path = write(tmp_path, text)
    with pytest.raises(MappingError) as err:
        load_mapping(path, inst)
    problem = err.value.problems[0]
    assert problem.where == f"{path}{where}"
    assert expect in problem.message


# --- suggestions --------------------------------------------------------------------------


def test_suggest_finds_the_columns_of_the_qualtrics_export(inst):
    mapping, report = suggest_mapping(EXPORTS / "qualtrics.csv", inst)
    assert report.layout == "qualtrics"
    assert report.matched_share >= 0.9
    hand = load_mapping(EXPORTS / "qualtrics-mapping.yaml")
    questions = {c: t for c, t in hand.columns.items() if t.kind != "metadata"}
    found = {c: t for c, t in mapping.columns.items() if c in questions}
    assert len(found) >= 0.9 * len(questions)
    assert found == {c: questions[c] for c in found}  # every match is right
    assert mapping.values["sector"] == {"Tech / software": "technology"}
    assert set(report.unmatched) == {"org_id", "panel_source"}
    frame = report.to_frame()
    assert {"column", "target", "confidence", "method"} <= set(frame.columns)
    assert frame.set_index("column").loc["Q2", "method"] == "similar text"
    assert 0.5 <= frame.set_index("column").loc["Q2", "confidence"] < 1
    assert frame.set_index("column").loc["ResponseId", "method"] == "system column"


@pytest.mark.parametrize("name", ["surveymonkey.csv", "google-forms.csv", "spss.sav",
                                  "qualtrics.xlsx"])
def test_suggest_on_the_other_layouts(inst, name):
    mapping, report = suggest_mapping(EXPORTS / name, inst)
    assert report.matched_share >= 0.9
    if name == "google-forms.csv":
        assert mapping.values["reach-departments"] == \
            {make_exports.PRODUCT_LABEL_NL: "product-rd"}


def test_a_suggested_mapping_written_and_completed_imports_like_the_hand_made_one(
        inst, tmp_path):
    mapping, report = suggest_mapping(EXPORTS / "qualtrics.csv", inst)
    text = dump_mapping(mapping)
    assert "# 100% exact text: 'What is the name of your organization?'" in text
    assert "\n    Tech / software: technology  # 64% like 'Technology & software'\n" in text
    assert "# Not matched to a question" in text and "\n#   org_id\n" in text
    path = tmp_path / "suggested.yaml"
    path.write_text(text + "ignore: [panel_source]\n", encoding="utf-8")
    suggested = load_mapping(path, inst)
    suggested.columns["org_id"] = Target.metadata("organization_id")
    ours = read_export(EXPORTS / "qualtrics.csv", mapping=suggested, inst=inst).frame
    theirs = read_export(EXPORTS / "qualtrics.csv", mapping=EXPORTS / "qualtrics-mapping.yaml",
                         inst=inst).frame
    assert ours.map(cell).equals(theirs.map(cell))


# --- matching labels ----------------------------------------------------------------------


def variants(draw, text: str) -> str:
    """The text as people retype it: other case, extra spaces, typographic quotes/dashes."""
    words = text.split(" ")
    case = draw(st.sampled_from([str.lower, str.upper, str.title, lambda s: s]))
    spaces = draw(st.lists(st.sampled_from([" ", "  ", "\u00a0"]), min_size=len(words),
                           max_size=len(words)))
    out = "".join(w + s for w, s in zip(words, spaces, strict=True))
    out = draw(st.sampled_from(["", " "])) + case(out).replace("'", "’").replace("-", "–")
    return out


@settings(max_examples=200)
@given(st.data())
def test_labels_match_their_option_whatever_the_case_and_spacing(inst, data):
    qs = [q for q in inst.scored_questions + inst.profile + inst.outcomes
          if q.type in ("single", "multi")]
    q = data.draw(st.sampled_from(qs))
    option = data.draw(st.sampled_from(inst.index.options[q.id]))
    lang = data.draw(st.sampled_from(sorted(option.label)))
    text = data.draw(st.composite(lambda draw: variants(draw, option.label[lang]))())
    match = AnswerMatcher(inst, q).match(text)
    assert match is not None and match.key == option.key
    assert match.reason == "option label"


def test_keys_match_without_a_recode_and_mapping_labels_win(inst):
    q = inst.index.questions["sector"]
    plain = AnswerMatcher(inst, q)
    assert plain.match("technology").reason is None
    assert plain.match("Technologie & software").key == "technology"
    assert plain.match("Tech / software") is None
    mapped = AnswerMatcher(inst, q, Mapping(values={"sector": {"Tech / software": "technology",
                                                               "Other": None}},
                                            missing=["-99"]))
    assert mapped.match("tech / SOFTWARE").key == "technology"
    assert mapped.match("Other").key is None and mapped.match("Other").reason
    assert mapped.match("-99").reason == "missing value (mapping)"
    dk = AnswerMatcher(inst, inst.index.questions["strategy-sponsor"]).match("Weet ik niet")
    assert dk.key == "dont-know"


words = st.text(alphabet="abcdefgh &/", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def labelled_choices(draw):
    """Labels that may contain commas (each starts with a unique tag, so that only one
    reading is possible) and a chosen subset of them in some order."""
    n = draw(st.integers(min_value=1, max_value=8))
    labels = []
    for i in range(n):
        parts = draw(st.lists(words, min_size=1, max_size=3))
        labels.append(f"L{i} " + ", ".join(parts))
    chosen = draw(st.lists(st.sampled_from(labels), min_size=1, max_size=n, unique=True))
    separator = draw(st.sampled_from([", ", ",", ";", " ; ", " , "]))
    return labels, chosen, separator


@given(labelled_choices())
def test_split_choices_keeps_labels_with_commas_whole(case):
    labels, chosen, separator = case
    text = separator.join(chosen)
    found, unknown = split_choices(text, labels)
    assert found == chosen and unknown == []


@given(labelled_choices(), words)
def test_split_choices_reports_what_fits_no_label(case, extra):
    labels, chosen, _ = case
    other = f"X {extra}"
    found, unknown = split_choices(", ".join([*chosen, other]), labels)
    assert found == chosen and unknown == [other]


def test_split_choices_edge_cases():
    labels = ["Travel, hospitality & leisure", "Sales", "A", "A, B", "B"]
    assert split_choices("A, B", labels) == (["A, B"], [])  # the longest reading
    assert split_choices(", Sales,, A ;", labels) == (["Sales", "A"], [])
    assert split_choices("Legal, Finance, Sales", labels) == (["Sales"], ["Legal, Finance"])
    assert split_choices("", labels) == ([], [])


def test_text_helpers():
    assert normalize_label("  Don’t   KNOW ") == "don't know"
    assert text_similarity("How is social media funded?", "How is social media funded?") == 1
    assert 0.7 < text_similarity("How is social media funded and staffed (select one)",
                                 "How is social media funded and staffed?") < 1
    assert text_similarity("Sector", "What is your favourite colour?") < 0.4
    assert split_choice_text("Which departments? - Selected Choice - Sales") == \
        ("Which departments?", "Sales")
    assert split_choice_text("No choice here") is None


def test_the_documented_example_is_a_valid_mapping(inst, tmp_path):
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("**The mapping file**"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", 10)]
    mapping = load_mapping(write(tmp_path, example), inst)
    assert mapping.columns["Q14_1"] == Target.choice("reach-departments", "marketing")
    assert mapping.values["reach-departments"] == {"Legal": None}
    assert mapping.dayfirst is True and mapping.timezone == "Europe/Amsterdam"
