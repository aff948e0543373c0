"""The scoring rules, on the small kitchen instrument and on the bundled social model."""

from __future__ import annotations

import pytest

from socialmaturity.errors import AnswersError
from socialmaturity.scoring.answers import validate_responses
from socialmaturity.scoring.engine import round_score, score_responses

from .conftest import kitchen_variant

FULL = {
    "cleaning-surfaces": "always", "cleaning-boards": "always",
    "cleaning-checks": ["fridge", "floor"], "records-temperature": 100,
    "records-suppliers": "always",
}


def score(inst, answers):
    return score_responses(inst, validate_responses(inst, {"profile": {"kind": "canteen"},
                                                           "answers": answers}))


def dim(scores, dim_id):
    return next(d for d in scores.dimensions if d.id == dim_id)


def test_single_choice_points_scale_linearly(kitchen):
    s = score(kitchen, {"cleaning-surfaces": "mostly"})
    # mostly = 2 of 0..3 → 2/3 of one of three equally weighted cleaning items
    assert dim(s, "cleaning").score == round_score(100 * (2 / 3) / 3)


def test_dont_know_scores_as_the_lowest_option(kitchen):
    a = score(kitchen, FULL | {"records-suppliers": "dont-know"})
    b = score(kitchen, FULL | {"records-suppliers": "never"})
    assert dim(a, "records").score == dim(b, "records").score == 50.0


def test_unanswered_scores_as_the_lowest_option_and_is_counted(kitchen):
    answers = dict(FULL)
    del answers["records-suppliers"]
    s = score(kitchen, answers)
    assert dim(s, "records").score == 50.0
    assert (dim(s, "records").answered, dim(s, "records").asked) == (1, 2)


def test_not_applicable_is_left_out_and_the_dimension_renormalized(kitchen):
    s = score(kitchen, {"cleaning-surfaces": "always", "cleaning-boards": "not-applicable",
                        "cleaning-checks": ["fridge"]})
    # (1 + 0.5) / 2 items, not / 3
    assert dim(s, "cleaning").score == 75.0


def test_all_not_applicable_leaves_the_dimension_without_score():
    inst = kitchen_variant(("        answer_set: often4\n      - id: cleaning-boards",
                            "        answer_set: often4\n        not_applicable: true\n"
                            "      - id: cleaning-boards"))
    s = score(inst, FULL | {"cleaning-surfaces": "not-applicable",
                            "cleaning-boards": "not-applicable",
                            "cleaning-checks": None})
    assert dim(s, "cleaning").score == 0.0  # checks unanswered still counts
    inst2 = kitchen_variant(
        ("        answer_set: often4\n      - id: cleaning-boards",
         "        answer_set: often4\n        not_applicable: true\n      - id: cleaning-boards"),
        ("        max_points: 2\n", "        max_points: 2\n        not_applicable: true\n"))
    s2 = score(inst2, FULL | {"cleaning-surfaces": "not-applicable",
                              "cleaning-boards": "not-applicable",
                              "cleaning-checks": "not-applicable"})
    assert dim(s2, "cleaning").score is None and dim(s2, "cleaning").level is None
    assert s2.overall == dim(s2, "records").score  # overall over the scored dimensions only


def test_multi_select_is_capped_at_max_points(kitchen):
    s = score(kitchen, {"cleaning-checks": ["fridge", "floor", "drains"]})
    assert s.items["cleaning-checks"] == 1.0
    s = score(kitchen, {"cleaning-checks": ["nothing"]})
    assert s.items["cleaning-checks"] == 0.0


def test_numeric_is_linear_in_its_score_range(kitchen):
    assert score(kitchen, {"records-temperature": 25}).items["records-temperature"] == 0.25


def test_threshold_rule_decides_when_nothing_caps(kitchen):
    s = score(kitchen, FULL | {"records-temperature": 60, "records-suppliers": "mostly"})
    assert s.threshold_level == 2 and s.level == 2
    assert s.decided_by.rule == "threshold"


def test_threshold_is_inclusive_at_the_boundary(kitchen):
    # records: (1 + 0)/2 = 50; cleaning (1 + 0 + 0.5)/3 = 50 → overall 50 = safe's min_score
    s = score(kitchen, {"cleaning-surfaces": "always", "cleaning-boards": "never",
                        "cleaning-checks": ["fridge"], "records-temperature": 100,
                        "records-suppliers": "never"})
    assert s.overall == 50.0 and s.level == 2


def test_dimension_gate_caps_the_stage(kitchen):
    ok = score(kitchen, FULL)
    assert ok.level == 3 and ok.decided_by.rule == "threshold"
    inst = kitchen_variant(("{dimension: records, min_score: 70}",
                            "{dimension: records, min_score: 90}"))
    # records (0.64 + 1) / 2 = 82 < 90 while overall (100 + 82) / 2 = 91 ≥ 85
    s = score(inst, FULL | {"records-temperature": 64})
    assert s.overall == 91.0 and s.threshold_level == 3
    assert not s.gates["exemplary-needs-records"]
    assert s.level == 2 and s.decided_by.rule == "gate"
    assert s.decided_by.rule_id == "exemplary-needs-records"


def test_option_gate_and_count_gate():
    inst = kitchen_variant(("      condition: {dimension: records, min_score: 70}",
                            "      condition: {question: cleaning-checks, min_selected: 3}"))
    s = score(inst, FULL)  # two checks selected, three needed
    assert s.level == 2 and s.decided_by.rule == "gate"
    s = score(inst, FULL | {"cleaning-checks": ["fridge", "floor", "drains"]})
    assert s.level == 3
    inst = kitchen_variant(("      condition: {dimension: records, min_score: 70}",
                            "      condition: {question: records-suppliers, any_of: [always]}"))
    assert score(inst, FULL).level == 3
    s = score(inst, FULL | {"records-suppliers": "mostly"})  # overall 91.7, but not "always"
    assert s.decided_by.rule == "gate" and s.level == 2
    s = score(inst, FULL | {"records-suppliers": "dont-know"})
    assert not s.gates["exemplary-needs-records"]


def test_weakest_link_caps_the_stage():
    inst = kitchen_variant(("rules:\n  gates:", "rules:\n  weakest_link: {max_above: 1}\n  gates:"),
                           ("min_score: 85", "min_score: 60"),
                           ("{dimension: records, min_score: 70}",
                            "{dimension: records, min_score: 0}"))
    # cleaning 100 (exemplary), records 30 (basic): overall 65 → exemplary by threshold,
    # capped at basic + 1 = safe by the weakest link
    s = score(inst, FULL | {"records-temperature": 60, "records-suppliers": "never"})
    assert s.threshold_level == 3
    assert s.level == 2
    assert s.decided_by.rule == "weakest-link" and s.decided_by.rule_id == "records"


def test_the_lowest_cap_wins_and_names_its_rule():
    inst = kitchen_variant(("rules:\n  gates:", "rules:\n  weakest_link: {max_above: 0}\n  gates:"),
                           ("{dimension: records, min_score: 70}",
                            "{dimension: records, min_score: 90}"))
    s = score(inst, FULL | {"records-temperature": 64})
    # the gate caps at safe (2); records (82) is safe too, so the weakest link (0 above) gives 2
    # as well: the first rule to set the lowest cap is named
    assert s.level == 2 and s.decided_by.rule == "gate"
    s = score(inst, FULL | {"records-temperature": 0, "records-suppliers": "always"})
    # records 50 = safe; overall 75 = safe by threshold; nothing caps below
    assert s.level == 2 and s.decided_by.rule == "threshold"


@pytest.mark.parametrize("answers, fragment", [
    ({"cleaning-surfaces": "sparkling"}, "valid: never, sometimes, mostly, always"),
    ({"cleaning-surface": "always"}, "did you mean 'cleaning-surfaces'"),
    ({"records-temperature": 120}, "out of range; valid: a number from 0 to 100"),
    ({"records-temperature": "many"}, "expected a number, got 'many'"),
    ({"cleaning-checks": ["nothing", "floor"]}, "excludes every other option"),
    ({"cleaning-boards": ["always"]}, "expected one option key"),
])
def test_bad_answers_name_the_field_and_what_is_valid(kitchen, answers, fragment):
    with pytest.raises(AnswersError) as exc:
        validate_responses(kitchen, {"profile": {"kind": "canteen"}, "answers": answers})
    assert fragment in str(exc.value)


def test_missing_required_profile_field(kitchen):
    with pytest.raises(AnswersError, match="missing required profile field 'kind'"):
        validate_responses(kitchen, {"answers": {}})
