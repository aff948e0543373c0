"""Every claim a result makes about an organization is computed from its answers and holds.

Property tests over random answer sets (hypothesis): no next step for an answer already at its
rung, every effect equal to a re-score, every "lifts your stage" true, every path reaching the
next stage, no evidence ratio on fewer than 20 organizations a group or on a rule-defined item,
no dimension text that contradicts an answer (nor a PDF target under the wrong answer),
provisional results without percentiles.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import Table2x2

from socialmaturity.benchmark.evidence import EvidenceFigures
from socialmaturity.benchmark.peers import PeerGroup
from socialmaturity.cli import cli
from socialmaturity.i18n.catalog import number
from socialmaturity.instrument.model import DONT_KNOW, NOT_APPLICABLE
from socialmaturity.recommendations.rungs import meets, next_rungs, offered
from socialmaturity.reports.pdf import report_view
from socialmaturity.scoring.answers import Responses, check_value, validate_responses
from socialmaturity.scoring.engine import score_responses
from socialmaturity.services.assessment import Assessor, demo_panel
from socialmaturity.services.verdict import answer_label

from .conftest import extreme_answers

EXAMPLE = "examples/answers.yaml"


@pytest.fixture(scope="module")
def assessor(social):
    return Assessor(social, demo_panel(social))


def answer_sets(inst):
    """Random answer documents: every scored question unanswered, special, or any valid
    answer; the profile's required fields always set."""
    def question(q):
        specials = [v for v, on in ((DONT_KNOW, q.dont_know), (NOT_APPLICABLE,
                                                                q.not_applicable)) if on]
        keys = inst.index.option_keys(q.id) if q.type != "numeric" else []
        if q.type == "single":
            real = st.sampled_from(keys)
        elif q.type == "multi":
            plain = [o.key for o in inst.index.options[q.id] if not o.exclusive]
            excl = [o.key for o in inst.index.options[q.id] if o.exclusive]
            real = st.one_of(st.lists(st.sampled_from(plain), min_size=1, unique=True),
                             *[st.just([k]) for k in excl])
        else:
            real = st.integers(int(q.min), int(q.max)).map(float)
        return st.one_of(st.none(), st.sampled_from(specials) if specials else st.nothing(),
                         real, real, real)  # mostly real answers

    profile = st.fixed_dictionaries({
        f: st.sampled_from(inst.index.option_keys(f)) for f in ("sector", "size", "region")})
    answers = st.fixed_dictionaries({q.id: question(q) for q in inst.scored_questions})
    return st.tuples(profile, answers).map(lambda pa: Responses(
        pa[0], {k: v for k, v in pa[1].items() if v is not None}))


def rescored(inst, responses, question, value):
    return score_responses(inst, Responses(responses.profile,
                                           {**responses.answers, question: value}))


def check_claims(inst, assessor, responses):
    scores = score_responses(inst, responses)
    res = assessor.assess(responses, "en")
    levels = {s.key: s.level for s in inst.stages}
    points = {q.id: {o.key: o.points or 0.0 for o in inst.index.options[q.id]}
              for q in inst.scored_questions if q.type != "numeric"}
    # -- next steps -------------------------------------------------------------------------
    by_question: dict[str, list] = {}
    for rec in res.recommendations:
        q = rec.change.question
        current = responses.answers.get(q)
        definition = next(r for d in inst.dimensions for r in d.recommendations
                          if r.id == rec.id)
        assert current != NOT_APPLICABLE, rec.id
        assert not meets(inst, definition, current), (rec.id, current)
        value, problem = check_value(inst, q, rec.change.answer)
        assert problem is None, problem
        after = rescored(inst, responses, q, value)
        e = rec.effect
        assert (e.overall_before, e.stage_before) == (scores.overall,
                                                      inst.stages[scores.level - 1].key)
        assert e.overall_after == after.overall and levels[e.stage_after] == after.level
        dim = next(d for d in after.dimensions if d.id == rec.dimension)
        assert e.dimension_after == dim.score
        assert rec.lifts_stage == (after.level > scores.level)
        assert ("lifts your overall stage" in rec.why) == rec.lifts_stage
        # the why writes the dimension's score and gap as every other output does: 62.5, not 62
        assert rec.why.startswith(f"{rec.dimension_name} scores {number('en', e.dimension_before)}"
                                  f": {number('en', rec.gap_to_next_stage)} points below"), rec.why
        by_question.setdefault(q, []).append(rec)
        # evidence that deserves the word
        ev = rec.evidence
        if ev.ratio is not None:
            assert ev.n_mature >= 20 and ev.n_less_mature >= 20, rec.id
            assert ev.by_definition is None
            low, high = ev.ratio_ci
            assert low <= ev.ratio <= high
        if ev.by_definition is not None:
            assert ev.ratio is None and "by the model" in ev.statement
    for q, recs in by_question.items():  # one rung at a time on a single-choice question
        if inst.index.questions[q].type == "single":
            assert len(recs) == 1, [r.id for r in recs]
            current = responses.answers.get(q)
            now = points[q].get(current, min(points[q].values()))
            assert points[q][recs[0].change.answer] > now
    offered_ids = {r.id for r, _ in offered(inst, [r for d in inst.dimensions
                                                   for r in d.recommendations],
                                            responses.answers)}
    assert {r.id for r in res.recommendations} <= offered_ids
    # -- the path to the next stage -----------------------------------------------------------
    answers = dict(responses.answers)
    for step in res.path_to_next_stage:
        q = inst.index.questions[step.question]
        assert step.answer in next_rungs(inst, q, answers.get(q.id)), step
        answers[q.id] = step.answer
        after = score_responses(inst, Responses(responses.profile, answers))
        assert after.overall == step.overall_after
    if res.path_to_next_stage:
        final = score_responses(inst, Responses(responses.profile, answers))
        assert final.level >= scores.level + 1
        assert levels[res.path_to_next_stage[-1].stage_after] == final.level
    # -- dimension texts never contradict an answer -------------------------------------------
    for d, ds in zip(res.dimensions, scores.dimensions, strict=True):
        if ds.level is None:
            continue
        ref = inst.stages[min(ds.level, len(inst.stages) - 1)].min_score / 100
        for line in d.already:
            assert scores.items[line.question] >= ref - 1e-9, line
            assert responses.answers.get(line.question) not in (None, DONT_KNOW)
        for line in d.next_stage_asks:
            item = scores.items[line.question]
            assert item is not None
            assert item < ref - 1e-9 or responses.answers.get(line.question) in (None,
                                                                                 DONT_KNOW)
    # the PDF prints each of these asks under its own question's answer, and no other target
    for shown, d in zip(report_view(res)["dimensions"], res.dimensions, strict=True):
        asked = {line.question: line.target_label for line in d.next_stage_asks}
        assert [q["target"] for q in shown["questions"]] == [asked.get(q.id)
                                                             for q in d.questions]
    # -- the story: what the stage means, the next stage's conditions, strengths -------------
    dims = [d for d in scores.dimensions if d.level is not None]
    at_or_above = sum(d.level >= scores.level for d in dims)
    assert f"{at_or_above} of {len(dims)} dimensions are at this stage or higher." in res.meaning
    if scores.level < len(inst.stages):
        nxt = inst.stages[scores.level]
        assert res.next_stage.key == nxt.key
        threshold = res.next_stage.conditions[0]
        assert threshold.met == (scores.overall >= nxt.min_score)
        for g in inst.rules.gates:
            if levels[g.stage] <= nxt.level:
                met = [c.met for c in res.next_stage.conditions
                       if c.text == inst.text(g.text, "en")]
                assert met == [scores.gates[g.id]], g.id
    else:
        assert res.next_stage is None
    # strengths: at most three dimensions above the peers' median, highest percentile first
    pct = {b.id: b.percentile for b in res.benchmark.dimensions}
    median = {b.id: b.median for b in res.benchmark.dimensions}
    above = [d.id for d in res.dimensions
             if d.score is not None and median[d.id] is not None and d.score > median[d.id]]
    named = [s.dimension for s in res.strengths]
    assert set(named) <= set(above) and len(named) == min(3, len(above))
    assert all(s.score > 0 for s in res.strengths)
    assert (res.no_strengths is None) == bool(named)
    if not res.provisional and named:
        keys = [pct[d] for d in named]
        assert keys == sorted(keys, reverse=True)
        assert all(pct[d] <= min(keys) for d in above if d not in named)
    # no step: a sentence says why, and "every dimension is at its highest stage" only if so
    assert (res.no_steps is None) == bool(res.recommendations)
    if res.no_steps and "highest stage" in res.no_steps:
        assert all(d.level in (None, len(inst.stages)) for d in scores.dimensions)
    for s in res.strengths:
        answered = {q.id: q for q in next(d for d in res.dimensions
                                          if d.id == s.dimension).questions}
        for line in s.best:
            assert answered[line.question].item_score and line.answer_label
    # -- provisional results ------------------------------------------------------------------
    answered = sum(responses.answers.get(q.id) is not None for q in inst.scored_questions)
    assert res.provisional == (answered < 0.8 * len(inst.scored_questions))
    if res.provisional:
        assert res.benchmark.overall_percentile is None
        assert all(b.percentile is None for b in res.benchmark.dimensions)
    else:  # whole percent, never rounded up: "higher than p%" holds
        stats = assessor.index.stats(assessor.index.peer_group(responses.profile))
        shown = [(res.benchmark.overall_percentile, stats.overall, scores.overall)] + [
            (b.percentile, stats.dimensions[b.id], ds.score)
            for b, ds in zip(res.benchmark.dimensions, scores.dimensions, strict=True)]
        for p, dist, score in shown:
            exact = dist.percentile(score) if score is not None else None
            assert p is None if exact is None else p == int(p) and 0 <= exact - p < 1
    return res


@settings(max_examples=1200, suppress_health_check=[HealthCheck.too_slow,
                                                     HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_claim_holds_for_random_answers(social, assessor, data):
    check_claims(social, assessor, data.draw(answer_sets(social)))


def test_the_example_and_the_extremes(social, assessor):
    from socialmaturity.scoring.answers import load_responses

    res = check_claims(social, assessor, load_responses(social, EXAMPLE))
    assert res.recommendations and res.path_to_next_stage and not res.provisional
    top = Responses({"sector": "technology", "size": "1-99", "region": "emea"},
                    extreme_answers(social, lowest=False))
    best = check_claims(social, assessor, top)
    assert best.overall.stage.level == len(social.stages)
    assert best.path_to_next_stage == [] and best.next_stage is None
    assert best.no_steps == "No recommendations: every dimension is at its highest stage."
    assert best.benchmark.overall_percentile == 99  # 99.6: higher than 99%, not 100%
    lowest = check_claims(social, assessor,
                          Responses(top.profile, extreme_answers(social, lowest=True)))
    assert lowest.overall.score == 0 and lowest.strengths == []
    assert lowest.no_strengths.startswith("No dimension scores above your peers' median yet")
    empty = check_claims(social, assessor, Responses(top.profile, {}))
    assert empty.provisional and empty.path_to_next_stage


def test_a_step_lifts_the_stage_only_when_the_rescore_says_so(social, assessor):
    """Ten points below Strategic no single step lifts the stage; one step below it, a step
    that crosses 55 says so."""
    from socialmaturity.scoring.answers import load_responses

    base = load_responses(social, EXAMPLE)
    res = check_claims(social, assessor, base)
    assert res.overall.score == 45.0 and not any(r.lifts_stage for r in res.recommendations)
    answers = dict(base.answers)
    for step in res.path_to_next_stage[:-1]:
        answers[step.question] = step.answer
    near = Responses(base.profile, answers)
    res = check_claims(social, assessor, near)
    assert res.overall.stage.key == "coordinated"
    assert any(r.lifts_stage for r in res.recommendations)
    assert all("lifts your overall stage to Strategic" in r.why
               for r in res.recommendations if r.lifts_stage)


def test_a_numeric_answer_reads_as_given_and_a_percentage_as_the_language_writes_it(social):
    q = "employees-trained"  # unit %
    assert [answer_label(social, q, v, "en") for v in (50.0, 62.5, 40.25, 0.0)] == [
        "50%", "62.5%", "40.25%", "0%"]  # no space, as every other percentage; not rounded
    assert [answer_label(social, q, v, "nl") for v in (50.0, 62.5)] == ["50%", "62,5%"]
    assert answer_label(social, q, DONT_KNOW, "en") == "Don't know"


def test_no_step_for_a_question_answered_not_applicable(social, assessor):
    from socialmaturity.scoring.answers import load_responses

    base = load_responses(social, EXAMPLE)
    answers = {**base.answers, "employees-social-selling": NOT_APPLICABLE}
    res = check_claims(social, assessor, Responses(base.profile, answers))
    assert all(r.change.question != "employees-social-selling" for r in res.recommendations)
    assert all(s.question != "employees-social-selling" for s in res.path_to_next_stage)


def test_no_rung_is_skipped_on_a_ladder(social, assessor):
    """Without a crisis playbook, the step is to write one, not to test it."""
    from socialmaturity.scoring.answers import load_responses

    base = load_responses(social, EXAMPLE)
    lowest = min(social.index.options["governance-crisis"], key=lambda o: o.points).key
    changed = Responses(base.profile, {**base.answers, "governance-crisis": lowest})
    res = check_claims(social, assessor, changed)
    assert "governance-test-playbook" not in {r.id for r in res.recommendations}
    on_offer = {r.id: answer for r, answer in offered(
        social, social.index.dimensions["governance"].recommendations, changed.answers)}
    assert "governance-test-playbook" not in on_offer
    assert on_offer["governance-crisis-playbook"] == "playbook"


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_a_numeric_rung_is_above_the_answer(social, value):
    """Every numeric question's next rung lies above the answer, a whole number (at 12 of a
    0-50 range: 13, the quarter step 12.5 rounded up, not 12 again)."""
    for q in social.scored_questions:
        if q.type == "numeric":
            lo, hi = q.score_range
            for rung in next_rungs(social, q, min(max(value, lo), hi)):
                assert rung > min(max(value, lo), hi) and rung == int(rung), (q.id, value, rung)
    enrolled = social.index.questions["employees-enrolled"]
    assert next_rungs(social, enrolled, 12.0) == [13.0]


def test_the_evidence_ci_is_statsmodels_risk_ratio_interval():
    """Katz log interval, as statsmodels' Table2x2.riskratio_confint (method='normal')."""
    group = PeerGroup({}, 300)
    ev = EvidenceFigures(group, n_mature=120, yes_mature=84, n_less=180, yes_less=54)
    table = Table2x2(np.array([[84, 120 - 84], [54, 180 - 54]]))
    low, high = table.riskratio_confint(alpha=0.05, method="normal")
    assert ev.ratio == pytest.approx(table.riskratio, rel=1e-12)
    assert ev.ratio_ci[0] == pytest.approx(low, rel=1e-9)
    assert ev.ratio_ci[1] == pytest.approx(high, rel=1e-9)
    few = EvidenceFigures(group, 19, 10, 200, 20, enough=False)
    assert few.ratio is None and few.ratio_ci is None
    ruled = EvidenceFigures(group, 100, 100, 100, 20, by_definition="transformative")
    assert ruled.ratio is None


def test_the_cli_rescore_gives_the_effect_and_the_path_reaches_the_next_stage(tmp_path,
                                                                             social):
    """From outside: `socialmaturity score` on the changed answers gives the after-values."""
    runner = CliRunner()
    res = json.loads(runner.invoke(cli, ["score", EXAMPLE, "--format", "json"]).output)
    doc = yaml.safe_load(open(EXAMPLE))
    rec = res["recommendations"][0]
    changed = {**doc, "answers": {**doc["answers"], rec["change"]["question"]:
                                  rec["change"]["answer"]}}
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(changed))
    after = json.loads(runner.invoke(cli, ["score", str(path), "--format", "json"]).output)
    assert after["overall"]["score"] == rec["effect"]["overall_after"]
    assert after["overall"]["stage"]["key"] == rec["effect"]["stage_after"]
    dim = next(d for d in after["dimensions"] if d["id"] == rec["dimension"])
    assert dim["score"] == rec["effect"]["dimension_after"]
    for step in res["path_to_next_stage"]:
        doc["answers"][step["question"]] = step["answer"]
    path.write_text(yaml.safe_dump(doc))
    final = json.loads(runner.invoke(cli, ["score", str(path), "--format", "json"]).output)
    assert final["overall"]["stage"]["level"] > res["overall"]["stage"]["level"]
    assert validate_responses(social, doc)  # the path's answers are valid answers


def test_each_panel_gets_its_own_evidence_sentences(social):
    """Two benchmarks on one instrument: every evidence sentence gives its own panel's counts
    (here both compare with their whole panel: the profile names no peer group)."""
    from socialmaturity.scoring.answers import load_responses

    base = Responses({}, load_responses(social, EXAMPLE).answers)
    for seed in (2021, 7):
        res = Assessor(social, demo_panel(social, seed=seed)).assess(base, "en")
        for rec in res.recommendations:
            ev = rec.evidence
            if ev.by_definition is None:
                assert f"{ev.n_mature} " in ev.statement, (seed, rec.id, ev.statement)
                assert f"{ev.n_less_mature} " in ev.statement, (seed, rec.id, ev.statement)


def test_without_a_step_the_result_says_why_and_names_the_dimensions_below_the_top(social,
                                                                                  assessor):
    """Every question at the lowest answer that meets each of its recommendations: nothing is
    on offer, yet three dimensions are Strategic, so "every dimension is at its highest stage"
    would be false."""
    recs = [r for d in social.dimensions for r in d.recommendations]

    def just_enough(q):
        mine = [r for r in recs if r.evidence.question == q.id]
        if q.type == "multi":
            return [o.key for o in social.index.options[q.id] if not o.exclusive]
        if q.type == "numeric":
            return float(max([r.evidence.min_value for r in mine], default=min(q.score_range)))
        ranked = sorted(social.index.options[q.id], key=lambda o: o.points or 0)
        return next(o.key for o in ranked if all(meets(social, r, o.key) for r in mine))

    res = check_claims(social, assessor, Responses(
        {"sector": "technology", "size": "1-99", "region": "emea"},
        {q.id: just_enough(q) for q in social.scored_questions}))
    assert res.recommendations == [] and res.overall.stage.key == "transformative"
    below = [d.name for d in res.dimensions if d.stage.key != "transformative"]
    assert below and res.no_steps == (
        "No recommendations: your answers already meet each one, or its question does not "
        f"apply. Not yet at Transformative: {', '.join(below)}.")
