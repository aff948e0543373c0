"""A round's result from the database is the result of `socialmaturity team` on the same
answers files: the same engine, the same roll-up, the same previous round and targets."""

from __future__ import annotations

import time

from socialmaturity.services.teams import assess_round
from socialmaturity.teams.progress import load_targets
from socialmaturity.teams.round import load_round

from .conftest import EXAMPLES, northwind


def test_the_result_from_the_database_is_the_commands(orgs, people):
    owner = people["owner"]
    org_id, first, second = northwind(orgs, owner)
    inst = orgs.instrument
    targets = load_targets(inst, EXAMPLES / "targets.yaml")
    orgs.set_targets(owner, second, targets)
    found = orgs.round_result(owner, second, "nl")
    expected = assess_round(orgs.assessor, load_round(inst, [EXAMPLES / "2026"], "2026", "nl"),
                            "nl", 3, load_round(inst, [EXAMPLES / "2025"], "2025", "nl"), targets)
    assert found.to_dict() == expected.to_dict()
    assert found.team.respondents == 7 and found.team.progress is not None
    assert [d.department for d in found.team.departments] == ["marketing", "customer-service"]
    # the first round has no previous round; its own targets are none
    alone = orgs.round_result(owner, first)
    assert alone.team.progress is None and alone.team.targets == []


def test_targets_are_kept_as_stages_and_scores(orgs, people):
    owner = people["owner"]
    _, _, second = northwind(orgs, owner)
    orgs.set_targets(owner, second, {"strategy": "strategic", "data": 45})
    targets = orgs.targets(orgs.get_round(owner, second))
    assert [(t.dimension, t.stage, t.score) for t in targets] == [
        ("strategy", 3, orgs.instrument.stages[2].min_score), ("data", None, 45.0)]
    orgs.set_targets(owner, second, [])
    assert orgs.targets(orgs.get_round(owner, second)) == []


def test_a_change_of_answers_changes_the_kept_result(orgs, people):
    owner = people["owner"]
    _, _, second = northwind(orgs, owner)
    before = orgs.round_result(owner, second)
    assert orgs.round_result(owner, second) is before  # kept while nothing changed
    first = orgs.invitations(owner, second)[0]
    orgs.revoke(owner, first.id)
    after = orgs.round_result(owner, second)
    assert after.team.respondents == before.team.respondents - 1


def test_fifty_respondents_from_the_database(orgs, people):
    """Issue 10's figure (benchmarks/bench_orgs.py measures it): a round of 50 respondents,
    computed from the database within a generous bound on a shared test machine."""
    import yaml

    owner = people["owner"]
    org_id = orgs.create(owner, "Big", "technology", "1000-9999", "emea")
    round_id = orgs.create_round(owner, org_id, "2026")
    files = sorted((EXAMPLES / "2026").glob("*.yaml"))
    from socialmaturity.services.respondents import LOCKED_FIELDS, Respondents

    respondents = Respondents(orgs.store, orgs.assessor)
    for i in range(50):
        data = yaml.safe_load(files[i % len(files)].read_text())
        made = orgs.invite(owner, round_id, data["profile"]["department"])
        respondents.save(made.token, {k: v for k, v in data["answers"].items()})
        respondents.complete(made.token)
    t = time.perf_counter()
    found = orgs.round_result(owner, round_id)
    assert time.perf_counter() - t < 2
    assert found.team.respondents == 50 and LOCKED_FIELDS


def test_answers_checked_when_saved_are_taken_as_they_are(orgs, people):
    """A round on the instrument it was answered on takes the stored answers as checked; on
    another version (another content hash) they are checked again: the same round."""
    from socialmaturity.teams.round import stored_round

    owner = people["owner"]
    _, _, second = northwind(orgs, owner)
    stored = [(str(i), d, v) for i, d, v in orgs.store.completed_answers(second)]
    inst = orgs.instrument
    trusted = stored_round(inst, stored, "2026", checked=True)
    checked = stored_round(inst, stored, "2026")
    assert trusted.organization == checked.organization
    assert [r.responses for r in trusted.respondents] == [r.responses
                                                          for r in checked.respondents]
    broken = [(stored[0][0], stored[0][1], {**stored[0][2], "strategy-sponsor": "nobody"})]
    import pytest

    from socialmaturity.errors import AnswersError

    with pytest.raises(AnswersError) as refused:
        stored_round(inst, broken)
    assert refused.value.problems[0].where == stored[0][0]
