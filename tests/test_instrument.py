"""Loading and validating instruments: every problem with file:line:column."""

from __future__ import annotations

import re

import pytest

from socialmaturity.errors import InstrumentError
from socialmaturity.instrument.loader import load_instrument, resolve_instrument
from socialmaturity.services.instruments import describe, validate_file

from .conftest import KITCHEN, kitchen_text


def problems_of(tmp_path, text: str) -> list[str]:
    path = tmp_path / "inst.yaml"
    path.write_text(text)
    with pytest.raises(InstrumentError) as exc:
        validate_file(path)
    return [str(p) for p in exc.value.problems]


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_the_small_instrument_loads(kitchen):
    assert kitchen.id == "kitchen-hygiene"
    assert kitchen.content_hash.startswith("sha256:")
    assert [s.key for s in kitchen.stages] == ["basic", "safe", "exemplary"]


def test_the_hash_ignores_layout_and_comments(tmp_path, kitchen):
    path = tmp_path / "k.yaml"
    path.write_text("# a comment\n\n" + KITCHEN.read_text())
    assert load_instrument(path).content_hash == kitchen.content_hash
    path.write_text(KITCHEN.read_text().replace("Keukenhygiënecheck", "Keukencheck"))
    assert load_instrument(path).content_hash != kitchen.content_hash


def test_unknown_key_names_line_and_column(tmp_path):
    text = kitchen_text(("    name: {en: Cleaning, nl: Schoonmaak}",
                         "    name: {en: Cleaning, nl: Schoonmaak}\n    colour: blue"))
    [problem] = problems_of(tmp_path, text)
    assert problem.endswith(f":{line_of(text, 'colour')}:5: unknown key 'colour'")


def test_duplicate_question_id(tmp_path):
    text = kitchen_text(("      - id: cleaning-boards", "      - id: cleaning-surfaces"))
    [problem] = problems_of(tmp_path, text)
    second = text.index("- id: cleaning-surfaces", text.index("- id: cleaning-surfaces") + 1)
    assert f"inst.yaml:{text[:second].count(chr(10)) + 1}:" in problem
    assert "duplicate question id 'cleaning-surfaces'" in problem
    assert f"first at {tmp_path}/inst.yaml:{line_of(text, '- id: cleaning-surfaces')}:" in problem


def test_duplicate_mapping_key(tmp_path):
    text = kitchen_text(("version: 0.2.0", "version: 0.2.0\nversion: 0.3.0"))
    [problem] = problems_of(tmp_path, text)
    assert f":{line_of(text, 'version: 0.3.0')}:1: duplicate key 'version'" in problem


def test_missing_translation(tmp_path):
    text = kitchen_text(("title: {en: Kitchen hygiene check, nl: Keukenhygiënecheck}",
                         "title: {en: Kitchen hygiene check}"))
    [problem] = problems_of(tmp_path, text)
    assert f":{line_of(text, 'title:')}:" in problem
    assert "missing translation for nl" in problem


def test_option_without_points(tmp_path):
    text = kitchen_text(("      - {key: drains, points: 1,", "      - {key: drains,"))
    [problem] = problems_of(tmp_path, text)
    assert f":{line_of(text, 'key: drains')}:" in problem
    assert "option 'drains' has no points" in problem


def test_rules_naming_unknown_ids(tmp_path):
    text = kitchen_text(
        ("{dimension: records, min_score: 70}", "{dimension: recordz, min_score: 70}"),
        ("          question: records-temperature", "          question: records-temp"),
        ("          favorable: [mostly, always]", "          favorable: [mostly, shiny]"),
    )
    problems = problems_of(tmp_path, text)
    assert any("unknown dimension 'recordz'" in p and "valid: cleaning, records" in p
               for p in problems)
    assert any("unknown scored question 'records-temp'" in p for p in problems)
    assert any("has no option 'shiny'" in p and "valid: never, sometimes" in p for p in problems)
    assert all(re.match(r".*inst\.yaml:\d+:\d+: ", p) for p in problems)


def test_unknown_answer_set_and_stage(tmp_path):
    text = kitchen_text(("        answer_set: often4\n        not_applicable",
                         "        answer_set: often5\n        not_applicable"),
                        ("        stage: basic\n        title: {en: Log",
                         "        stage: exemplary\n        title: {en: Log"))
    problems = problems_of(tmp_path, text)
    assert any("unknown answer set 'often5'; valid: often4" in p for p in problems)
    assert any("unknown stage 'exemplary' for a recommendation" in p for p in problems)


def test_stage_thresholds_out_of_order_cannot_be_reached(tmp_path):
    text = kitchen_text(("min_score: 85", "min_score: 40"))
    [problem] = problems_of(tmp_path, text)
    assert "stage 'exemplary' can never be reached" in problem


def test_stage_above_100_cannot_be_reached(tmp_path):
    text = kitchen_text(("min_score: 85", "min_score: 101"))
    [problem] = problems_of(tmp_path, text)
    assert "above the highest possible score 100" in problem


def test_gate_no_answers_can_meet(tmp_path):
    text = kitchen_text(("{dimension: records, min_score: 70}",
                         "{question: cleaning-checks, min_selected: 4}"))
    [problem] = problems_of(tmp_path, text)
    assert "offers only 3 options, min_selected is 4" in problem


def test_conflicting_gates_are_found_by_scoring_the_best_answers(tmp_path):
    text = kitchen_text(("rules:\n  gates:\n", "rules:\n  gates:\n"
                         "    - id: safe-needs-never\n      stage: safe\n"
                         "      condition: {question: cleaning-surfaces, any_of: [never]}\n"
                         "      text: {en: Odd., nl: Vreemd.}\n"
                         "    - id: exemplary-needs-always\n      stage: exemplary\n"
                         "      condition: {question: cleaning-surfaces, any_of: [always]}\n"
                         "      text: {en: Odd., nl: Vreemd.}\n"))
    problems = problems_of(tmp_path, text)
    assert any("stage 'exemplary' can never be reached" in p for p in problems)


def test_yaml_syntax_error_has_a_position(tmp_path):
    problems = problems_of(tmp_path, "id: x\nversion: [1.0\n")
    assert re.match(r".*inst\.yaml:\d+:\d+: not valid YAML/JSON", problems[0])


def test_wrong_type_and_missing_key(tmp_path):
    text = kitchen_text(("version: 0.2.0", "version: two"))
    problems = problems_of(tmp_path, text)
    assert any(f":{line_of(text, 'version: two')}:10:" in p and "should match pattern" in p
               for p in problems)
    text = kitchen_text(("locales: [en, nl]\n", ""))
    problems = problems_of(tmp_path, text)
    assert any("missing required key 'locales'" in p for p in problems)


def test_bundled_instrument_is_valid_and_complete(social):
    assert social.id == "social-maturity" and social.version == "2.0.0"
    assert len(social.dimensions) == 9
    assert 40 <= len(social.scored_questions) <= 50
    assert all(4 <= len(d.questions) <= 7 for d in social.dimensions)
    assert [s.key for s in social.stages] == ["emerging", "coordinated", "strategic",
                                              "transformative"]
    assert social.rules.weakest_link is not None and social.rules.gates
    for d in social.dimensions:
        for stage in ("emerging", "coordinated", "strategic"):
            assert any(r.stage == stage for r in d.recommendations), (d.id, stage)
    sectors = social.index.option_keys("sector")
    assert len(sectors) == 12
    assert social.index.option_keys("size") == ["1-99", "100-999", "1000-9999", "10000-plus"]
    assert len(social.outcomes) == 11


def test_bundled_file_validates_through_the_command_path():
    from importlib import resources

    path = resources.files("socialmaturity.instrument") / "bundled" / "social-maturity.yaml"
    assert validate_file(str(path)).id == "social-maturity"


def test_describe_lists_every_question_with_dimension_and_options(social):
    data = describe(social, "nl")
    ids = [q["id"] for q in data["questions"]]
    assert ids[:3] == [q.id for q in social.profile][:3]
    assert len(ids) == len(social.profile) + len(social.scored_questions) + len(social.outcomes)
    sector = next(q for q in data["questions"] if q["id"] == "sector")
    assert sector["dimension"] is None and sector["options"][0]["points"] is None
    sponsor = next(q for q in data["questions"] if q["id"] == "strategy-sponsor")
    assert sponsor["dimension"] == "strategy"
    assert [o["key"] for o in sponsor["options"]][-1] == "c-level"


def test_resolve_unknown_file():
    with pytest.raises(InstrumentError, match="no such file"):
        resolve_instrument("/nonexistent/instrument.yaml")
