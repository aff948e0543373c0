"""One way in: an answers document, a CSV row and a web form's values give the same whole
result, and the same bad value is refused with the same message in English and Dutch
(hypothesis); the one number parser's rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialmaturity.errors import AnswersError
from socialmaturity.instrument.loader import bundled_instrument
from socialmaturity.instrument.model import DONT_KNOW, NOT_APPLICABLE
from socialmaturity.scoring.answers import Responses, validate_responses
from socialmaturity.scoring.batch import score_encoded
from socialmaturity.scoring.encode import (
    MISSING,
    check_value,
    did_you_mean,
    encode_column,
    encode_frame,
    parse_number,
)
from socialmaturity.scoring.engine import decision
from socialmaturity.scoring.rollup import decode
from socialmaturity.services.assessment import Assessor, demo_panel
from socialmaturity.services.respondents import check_answers, form_values

from .test_batch import responses_strategy, to_cell

INST = bundled_instrument()
ASSESSOR = Assessor(INST, demo_panel(INST))
PROFILE = {"sector": "technology", "size": "1-99", "region": "emea"}
QUESTIONS = [q for q in INST.scored_questions]


def whole(result) -> dict:
    """What a result says, to compare two ways in."""
    return {"overall": result.overall.score, "stage": result.overall.stage.level,
            "decided_by": (result.overall.stage.decided_by.rule,
                           result.overall.stage.decided_by.id),
            "dimensions": [(d.id, d.score, d.stage.level if d.stage else None, d.answered,
                            d.asked) for d in result.dimensions],
            "gates": [(g.id, g.met) for g in result.gates],
            "answered": (result.answered, result.asked), "provisional": result.provisional,
            "recommendations": [r.id for r in result.recommendations],
            "path": [(s.question, s.stage_after) for s in result.path_to_next_stage]}


def form_cell(q, value):
    """What a browser sends for an answer: ticked boxes, or one field's text (a number with a
    Dutch decimal comma)."""
    if isinstance(value, list):
        return value
    if isinstance(value, float):
        return [f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")]
    return [value]


def by_document(answers):
    return validate_responses(INST, {"profile": PROFILE, "answers": answers})


def by_csv_row(answers):
    frame = pd.DataFrame([PROFILE | {q.id: to_cell(answers.get(q.id)) or None
                                     for q in QUESTIONS}])
    enc, problems = encode_frame(INST, frame, 1, QUESTIONS)
    assert problems == {}
    return enc, Responses(dict(PROFILE), decode(INST, enc, 0))


def by_form(answers):
    raw = form_values(INST, QUESTIONS, lambda name: form_cell(None, answers[name])
                      if name in answers else [])
    clean, problems = check_answers(INST, raw, labels=True)
    assert problems == []
    return Responses(dict(PROFILE), {k: v for k, v in clean.items() if v is not None})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responses_strategy(INST))
def test_a_document_a_csv_row_and_a_form_give_the_same_whole_result(answers):
    document = ASSESSOR.assess(by_document(answers))
    enc, row = by_csv_row(answers)
    form = ASSESSOR.assess(by_form(answers))
    assert whole(ASSESSOR.assess(row)) == whole(document)
    # numbers typed with a decimal comma are rounded to 6 places: compare the scores only
    # where no number was typed
    if not any(isinstance(v, float) for v in answers.values()):
        assert whole(form) == whole(document)
    # the batch scores of the CSV row are the same as the document's result
    batch = score_encoded(INST, enc)
    assert batch.overall[0] == document.overall.score
    assert batch.level[0] == document.overall.stage.level
    rule = decision(INST, int(batch.decided_by[0]))
    assert (rule.rule, rule.rule_id) == (document.overall.stage.decided_by.rule,
                                         document.overall.stage.decided_by.id)
    for d in document.dimensions:
        got = batch.dimensions[d.id][0]
        assert (d.score is None and np.isnan(got)) or got == d.score
        assert batch.answered[d.id][0] == d.answered


def bad_values(q):
    keys = INST.index.option_keys(q.id) if q.type != "numeric" else []
    crafted = ["  ", "?", "dont-know;x", DONT_KNOW, NOT_APPLICABLE, "1,2,3", "12.34,5", "40%",
               "-1", "101", "1e5", "nan", "inf", "5 000", "٣", "x" * 90]
    if keys:
        crafted += [keys[0] + "x", keys[0].upper(), f"{keys[0]};{keys[0]}",
                    f"{keys[-1]};{DONT_KNOW}", ";".join(keys), f"{keys[0]} ; {keys[-1]}"]
    return st.one_of(st.sampled_from(crafted), st.text(max_size=12))


@st.composite
def question_and_value(draw):
    q = draw(st.sampled_from(QUESTIONS))
    return q, draw(bad_values(q))


def document_message(qid, raw, lang):
    try:
        validate_responses(INST, {"answers": {qid: raw}}, require_profile=False, lang=lang)
    except AnswersError as exc:
        (problem,) = exc.problems
        prefix = f"answers.{qid}: "
        assert problem.message.startswith(prefix)
        return problem.message[len(prefix):]
    return None


def csv_message(q, raw, lang):
    _, problems = encode_frame(INST, pd.DataFrame({q.id: [raw]}), 1, [q], lang=lang)
    return problems[0][0][1] if problems else None


def form_message(q, raw, lang, labels=False):
    cells = raw.split(";") if q.type == "multi" else [raw]
    values = form_values(INST, [q], lambda name: cells)
    _, problems = check_answers(INST, values, lang, labels=labels)
    return problems[0].message if problems else None


@settings(max_examples=300, deadline=None)
@given(question_and_value())
def test_a_bad_value_is_refused_the_same_way_whichever_way_it_comes(qv):
    q, raw = qv
    for lang in ("en", "nl"):
        api = check_value(INST, q.id, raw, lang)[1]
        assert document_message(q.id, raw, lang) == api
        assert csv_message(q, raw, lang) == api
        assert form_message(q, raw, lang) == api
        # a web form names the options by their labels, but refuses the same values
        assert (form_message(q, raw, lang, labels=True) is None) == (api is None)
    if check_value(INST, q.id, raw, "nl")[1] is not None:
        assert check_value(INST, q.id, raw, "nl")[1] != check_value(INST, q.id, raw)[1]


def test_an_option_listed_twice_is_refused_everywhere():
    for raw in ("marketing;marketing", ["marketing", "marketing"]):
        assert check_value(INST, "reach-departments", raw)[1] == "'marketing' is listed twice"
    assert check_value(INST, "reach-departments", "marketing;marketing", "nl")[1] == \
        "'marketing' staat er twee keer in"
    assert csv_message(INST.index.questions["reach-departments"], "marketing;marketing",
                       "en") == "'marketing' is listed twice"


def test_a_column_is_checked_once_per_distinct_value():
    q = INST.index.questions["strategy-sponsor"]
    keys = INST.index.option_keys(q.id)
    cells = np.array([keys[0], None, "nope", keys[1], "nope", " ", keys[0]], dtype=object)
    col, problems = encode_column(INST, q, cells)
    assert col.status.tolist() == [0, MISSING, MISSING, 0, MISSING, MISSING, 0]
    assert col.value.tolist()[:4] == [0, 0, 0, 1]
    (p,) = problems
    assert p.value == "nope" and p.rows.tolist() == [2, 4]


@pytest.mark.parametrize("text,percent,number", [
    ("40", False, 40.0), ("40%", True, 40.0), ("40 %", True, 40.0), ("2,5", False, 2.5),
    ("2.5", False, 2.5), ("1.234,5", False, 1234.5), ("1,234.5", False, 1234.5),
    ("1,234", False, 1.234), ("1.234", False, 1.234), ("1.234.567", False, 1234567.0),
    ("1 234 567,8", False, 1234567.8), ("1\u00a0234", False, 1234.0), ("-3", False, -3.0),
    (".5", False, 0.5), ("5.6e-08", False, 5.6e-08)])
def test_the_number_rule(text, percent, number):
    assert parse_number(text, percent=percent) == pytest.approx(number)


@pytest.mark.parametrize("text", ["40%", "1,2,3", "12.34,5", "1.234.5,6", "1  234", "5.",
                                  "nan", "inf", "0x10", "1,234.5.6", "+", "", "1_000"])
def test_what_is_no_number(text):
    assert parse_number(text) is None


def test_forty_percent_is_forty_for_a_percentage_question_only():
    assert check_value(INST, "employees-trained", "40%") == (40.0, None)
    assert check_value(INST, "employees-trained", "40,5") == (40.5, None)
    assert check_value(INST, "employees-trained", 40) == (40.0, None)


@pytest.mark.parametrize("lang,raw,said", [
    ("nl", "1.234,5", "1.234,5 valt buiten het bereik; geldig: een getal van 0 tot 100"),
    ("en", "1.234,5", "1,234.5 is out of range; valid: a number from 0 to 100"),
    ("nl", -0.25, "-0,25 valt buiten het bereik"), ("en", 1e300, "1e+300 is out of range")])
def test_a_number_in_a_message_is_written_as_the_message_s_language_writes_it(lang, raw, said):
    assert said in check_value(INST, "employees-trained", raw, lang)[1]


def test_a_text_too_long_counts_its_characters_as_the_language_writes_numbers():
    from socialmaturity.scoring.encode import check_text

    assert check_text("x" * 12_345, 10_000, "nl")[1] == (
        "te lang: 12.345 tekens; geldig: hoogstens 10.000")


def test_did_you_mean():
    assert did_you_mean("marketting", ["marketing", "sales"]) == " (did you mean 'marketing'?)"
    assert did_you_mean("marketting", ["marketing"], "nl") == " (bedoelt u 'marketing'?)"
    assert did_you_mean("x" * 200, ["x"]) == ""
