"""Cleaning: each rule counted, in order, switchable; the report in English and Dutch."""

from __future__ import annotations

import numpy as np
import pytest

from socialmaturity.intake.importing import read_export
from socialmaturity.research.cleaning import (
    RULES,
    CleaningError,
    CleaningRules,
    _straightline_runs,
    clean,
)
from tests.research.conftest import EXPORTS

INCOMPLETE = [5, 6]
UNFINISHED = [8]
DUPLICATE_ID = [10]
DUPLICATE_ANSWERS = [12]
SPEEDERS = [20, 21]
STRAIGHT = [30, 31]


@pytest.fixture()
def dirty(inst, panel):
    """The panel with known bad rows (see the constants above)."""
    frame = panel.copy().astype({q.id: object for q in inst.scored_questions})
    scored = [q.id for q in inst.scored_questions]
    frame["duration_seconds"] = 600.0
    frame["progress"] = 100.0
    for row in INCOMPLETE:
        frame.loc[row, scored[:30]] = np.nan  # 18 of 48 answered
    frame.loc[7, scored[:24]] = np.nan  # exactly half: kept
    frame.loc[5, "duration_seconds"] = 50.0  # incomplete and fast: counted once, as incomplete
    frame.loc[UNFINISHED, "progress"] = 80.0
    frame.loc[DUPLICATE_ID, "respondent_id"] = frame.loc[9, "respondent_id"]
    frame.loc[12, scored] = frame.loc[11, scored].to_numpy()
    keys = str(frame.loc[11, "reach-departments"]).split(";")
    frame.loc[12, "reach-departments"] = ";".join(reversed(keys))  # the same set
    frame.loc[SPEEDERS, "duration_seconds"] = 100.0
    frame.loc[22, "duration_seconds"] = 250.0  # above a third of the median (600): kept
    outcomes = [q.id for q in inst.outcomes]
    frame.loc[STRAIGHT, outcomes] = "agree"
    frame.loc[32, outcomes] = "agree"
    frame.loc[32, outcomes[:4]] = np.nan  # 7 answered, under the 8 needed: kept
    frame.loc[33, outcomes] = "agree"
    frame.loc[33, outcomes[5]] = "neutral"  # not the same throughout: kept
    frame.index = frame.index + 100  # the index is kept as it is
    return frame


def ids(panel, rows):
    return tuple(panel.loc[rows, "respondent_id"])


def test_the_clean_panel_loses_nothing(inst, panel):
    kept, report = clean(panel, inst)
    assert len(kept) == len(panel) and report.dropped == 0
    assert [r.rule for r in report.results] == list(RULES)


def test_each_rule_is_counted_in_order(inst, panel, dirty):
    kept, report = clean(dirty, inst, CleaningRules(require_finished=True))
    want = {"incomplete": INCOMPLETE, "unfinished": UNFINISHED, "duplicate-id": DUPLICATE_ID,
            "duplicate-answers": DUPLICATE_ANSWERS, "speeders": SPEEDERS,
            "straight-liners": STRAIGHT}
    assert [r.rule for r in report.results] == list(RULES)
    rows_before = len(dirty)
    for result in report.results:
        expect = want[result.rule]
        assert result.applied and result.dropped == len(expect), result.rule
        if result.rule != "duplicate-id":
            assert result.respondent_ids == ids(panel, expect)
        assert result.rows_before == rows_before
        rows_before -= result.dropped
    dropped = sorted(r + 100 for rows in want.values() for r in rows)
    assert report.rows_out == len(kept) == len(dirty) - len(dropped)
    assert sorted(set(dirty.index) - set(kept.index)) == dropped
    assert list(kept.columns) == list(dirty.columns)
    assert report.result("speeders").value == pytest.approx(200.0)
    assert report.result("speeders").basis == 600.0


@pytest.mark.parametrize("rule,switch", [
    ("incomplete", "incomplete"), ("duplicate-id", "duplicate_ids"),
    ("duplicate-answers", "duplicate_answers"), ("speeders", "speeders"),
    ("straight-liners", "straightliners"),
])
def test_each_rule_can_be_switched_off(inst, dirty, rule, switch):
    _, on = clean(dirty, inst)
    kept, off = clean(dirty, inst, CleaningRules(**{switch: False}))
    result = off.result(rule)
    assert not result.enabled and not result.applied and result.dropped == 0
    assert off.rows_out > on.rows_out
    assert "Switched off:" in off.summary("en")


def test_unfinished_is_off_by_default(inst, dirty):
    kept, report = clean(dirty, inst)
    assert not report.result("unfinished").enabled
    assert 108 in kept.index


def test_thresholds(inst, dirty):
    _, strict = clean(dirty, inst, CleaningRules(min_completion=0.51))
    assert strict.result("incomplete").dropped == 3  # the half-answered row too
    _, lenient = clean(dirty, inst, CleaningRules(speeder_fraction=0.1))
    assert lenient.result("speeders").dropped == 0
    _, short = clean(dirty, inst, CleaningRules(straightline_min_items=7))
    assert short.result("straight-liners").dropped == 3


def test_rules_need_their_columns(inst, dirty):
    bare = dirty.drop(columns=["duration_seconds", "progress", "respondent_id"])
    kept, report = clean(bare, inst, CleaningRules(require_finished=True))
    for rule, column in (("speeders", "duration_seconds"), ("unfinished", "progress"),
                         ("duplicate-id", "respondent_id")):
        result = report.result(rule)
        assert result.enabled and not result.applied and result.note == column
    assert "Not applied (speeders): the data have no duration_seconds column." in \
        report.summary("en")
    assert "Niet toegepast (te snelle invullers): de gegevens hebben geen kolom " \
           "duration_seconds." in report.summary("nl")
    # without respondent ids the report names rows by their index
    assert report.result("incomplete").respondent_ids == ("105", "106")


def test_rows_without_a_duration_are_kept(inst, dirty):
    dirty.loc[[120, 121], "duration_seconds"] = np.nan
    kept, report = clean(dirty, inst)
    assert report.result("speeders").dropped == 0
    assert {120, 121} <= set(kept.index)


def test_report_tables_and_summaries(inst, panel, dirty):
    _, report = clean(dirty, inst)
    table = report.to_frame()
    assert list(table.columns) == ["rule", "enabled", "applied", "criterion", "rows_before",
                                   "dropped", "rows_after", "respondent_ids", "note"]
    speeders = table.set_index("rule").loc["speeders"]
    assert speeders["dropped"] == 2 and speeders["respondent_ids"] == ";".join(
        ids(panel, SPEEDERS))
    assert speeders["criterion"] == "2 speeders: under 200 s, 33% of the median duration of " \
                                    "600 s"
    dropped = report.dropped_frame()
    assert len(dropped) == report.dropped and set(dropped["rule"]) == set(RULES) - \
        {"unfinished"}
    en = report.summary("en")
    assert en.startswith("Cleaning kept 52 of 60 responses (86.7%).")
    assert "- 2 incomplete: fewer than 50% of the 48 scored questions answered" in en
    assert "- 2 straight-liners: the same answer to each of at least 8 consecutive" in en
    nl = report.summary("nl")
    assert nl.startswith("Na het opschonen blijven 52 van de 60 respondenten over (86,7%).")
    assert "- 2 te snel: minder dan 200 s, 33% van de mediane invulduur van 600 s" in nl
    assert "Uitgeschakeld: niet-afgeronde vragenlijsten." in nl


def test_nothing_dropped_reads_so(inst, panel):
    _, report = clean(panel.head(5), inst)
    assert "No response was dropped." in report.summary("en")


@pytest.mark.parametrize("rules,field", [
    (CleaningRules(min_completion=1.5), "min_completion"),
    (CleaningRules(speeder_fraction=0), "speeder_fraction"),
    (CleaningRules(straightline_min_items=1), "straightline_min_items"),
])
def test_impossible_settings(inst, panel, rules, field):
    with pytest.raises(CleaningError) as err:
        clean(panel, inst, rules)
    assert err.value.problems[0].where == field


def test_answers_that_do_not_fit_the_instrument(inst, panel):
    frame = panel.copy()
    frame.loc[3, "strategy-sponsor"] = "ceo"
    with pytest.raises(CleaningError) as err:
        clean(frame, inst)
    assert err.value.problems[0].where == "row 4, column 'strategy-sponsor'"
    assert "'ceo' is not an option" in err.value.problems[0].message


def test_straight_lining_runs_of_the_bundled_instrument(inst):
    (run,) = _straightline_runs(inst, 8)
    assert [q.id for q in run] == [q.id for q in inst.outcomes]
    assert len(_straightline_runs(inst, 3)) == 1 + 0  # frequency5 questions are not adjacent


def test_an_imported_export_cleans(inst):
    frame = read_export(EXPORTS / "surveymonkey.csv",
                        mapping=EXPORTS / "surveymonkey-mapping.yaml", inst=inst).frame
    kept, report = clean(frame, inst)
    assert report.result("speeders").applied
    assert len(kept) == report.rows_out


def test_the_criteria_table_in_dutch_says_what_was_not_applied(inst, dirty):
    _, report = clean(dirty.drop(columns=["duration_seconds"]), inst)
    table = report.to_frame("nl").set_index("rule")["criterion"]
    assert table["unfinished"] == "uitgeschakeld"
    assert table["speeders"] == "niet toegepast: de gegevens hebben geen kolom duration_seconds"
    assert table["incomplete"].startswith("2 onvolledig: minder dan 50% van de ")
    _, report = clean(dirty.assign(duration_seconds=np.nan), inst)
    assert report.to_frame("en").set_index("rule").loc["speeders", "criterion"] == \
        "0 speeders: no response has a duration"
