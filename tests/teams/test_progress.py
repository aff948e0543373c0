"""Progress between two rounds: the moved answers' effects equal re-scoring the earlier
round's answers with that one change; targets met or not, and how far."""

from __future__ import annotations

import pytest

from socialmaturity.errors import AnswersError
from socialmaturity.scoring.answers import Responses
from socialmaturity.scoring.engine import score_responses
from socialmaturity.teams.progress import (
    load_targets,
    parse_targets,
    progress,
    target_progress,
)
from socialmaturity.teams.round import load_round

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def rounds(social):
    return load_round(social, [EXAMPLES / "2025"]), load_round(social, [EXAMPLES / "2026"])


def test_each_moved_answers_effect_is_a_re_score(social, rounds):
    before, after = rounds
    p = progress(social, before.organization, after.organization)
    assert p.moves
    old = before.organization.answers
    for m in p.moves:
        assert old.get(m.question) == m.before != m.after == after.organization.answers.get(
            m.question)
        changed = dict(old)
        if m.after is None:
            changed.pop(m.question)
        else:
            changed[m.question] = m.after
        again = score_responses(social, Responses({}, changed))  # the whole score, afresh
        assert m.effect.overall_after == again.overall
        assert m.effect.stage_after == again.level
        dim = next(d for d in again.dimensions if d.id == m.effect.dimension)
        assert m.effect.dimension_after == dim.score
    # every question that differs is listed, and nothing else
    moved = {q.id for q in social.scored_questions
             if old.get(q.id) != after.organization.answers.get(q.id)}
    assert {m.question for m in p.moves} == moved
    effects = [abs(m.effect.overall_after - m.effect.overall_before) for m in p.moves]
    assert effects == sorted(effects, reverse=True)


def test_per_dimension_scores_and_stages_of_both_rounds(social, rounds):
    before, after = rounds
    p = progress(social, before.organization, after.organization)
    b, a = score_responses(social, before.organization), score_responses(social,
                                                                         after.organization)
    assert [(c.before, c.before_level, c.after, c.after_level) for c in p.dimensions] == [
        (x.score, x.level, y.score, y.level)
        for x, y in zip(b.dimensions, a.dimensions, strict=True)]
    assert p.before.overall == b.overall and p.after.overall == a.overall


def test_an_answer_left_out_in_the_later_round_moves_to_unanswered(social, rounds):
    before, _ = rounds
    later = Responses({}, {k: v for k, v in before.organization.answers.items()
                           if k != "strategy-sponsor"})
    p = progress(social, before.organization, later)
    assert [(m.question, m.after) for m in p.moves] == [("strategy-sponsor", None)]
    assert p.moves[0].effect.overall_after == score_responses(social, later).overall


def test_targets_from_the_example_file(social, rounds):
    before, after = rounds
    targets = load_targets(social, EXAMPLES / "targets.yaml")
    assert [(t.dimension, t.stage, t.score) for t in targets] == [
        ("strategy", 3, 55.0), ("listening", 3, 55.0), ("measurement", None, 50.0),
        ("data", None, 45.0)]
    now, earlier = score_responses(social, after.organization), score_responses(
        social, before.organization)
    found = {t.target.dimension: t for t in target_progress(targets, now, earlier)}
    dims = {d.id: d for d in now.dimensions}
    for dim, t in found.items():
        assert t.score == dims[dim].score
        assert t.gap == max(0.0, round(t.target.score - t.score, 1))
        assert t.met == (dims[dim].level >= t.target.stage if t.target.stage
                         else dims[dim].score >= t.target.score)
    assert found["listening"].met is False and found["listening"].gap > 0
    assert found["strategy"].met is True and found["strategy"].gap == 0
    assert found["data"].previous_gap > found["data"].gap  # closer than a year ago


def test_bad_targets_name_the_place_and_what_is_valid(social, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("strategy: strategc\nlisten: 50\ndata: 140\npaid: true\n")
    with pytest.raises(AnswersError) as e:
        load_targets(social, path)
    text = [str(p) for p in e.value.problems]
    assert text[0].startswith(f"{path}:1:11: 'strategc' is not a target; valid: a stage "
                              "(emerging, coordinated, strategic, transformative)")
    assert text[1].startswith(f"{path}:2:1: 'listen' is not a dimension; valid: strategy, ")
    assert text[2] == f"{path}:3:7: 140 is out of range; valid: a number from 0 to 100"
    assert text[3].startswith(f"{path}:4:7: True is not a target")
    with pytest.raises(AnswersError, match="expected a mapping"):
        parse_targets(social, ["strategy"])
    with pytest.raises(AnswersError) as err:
        parse_targets(social, {"x": 1})
    assert "'x' is geen dimensie; geldig: strategy, " in err.value.text("nl")
