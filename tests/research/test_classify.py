"""Classify with the scoring engine (equal to `score --batch`) and the organization roll-up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from socialmaturity.benchmark.demo import generate_panel
from socialmaturity.cli import cli
from socialmaturity.research.checks import ResearchInputError
from socialmaturity.research.classify import MATURE_LEVEL, classify, roll_up
from socialmaturity.services.research_files import read_data

SPONSOR = ("vice-president", "c-level")


@pytest.fixture(scope="module")
def panel(social):
    return generate_panel(social, seed=7, respondents=400)


def test_classify_equals_score_batch_on_the_same_rows(social, panel, tmp_path):
    source = tmp_path / "panel.csv"
    panel.to_csv(source, index=False)
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(cli, ["score", "--batch", str(source), "--output", str(out)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    batch = pd.read_csv(out, keep_default_na=False, na_values=[""])
    ours = classify(read_data(source), social)
    assert len(ours) == len(batch) == len(panel)
    assert list(ours["stage"]) == list(batch["stage"])
    assert list(ours["stage_rule"]) == list(batch["stage_rule"])
    np.testing.assert_allclose(ours["overall_score"], batch["overall_score"], atol=1e-9)
    for d in social.dimensions:
        np.testing.assert_allclose(ours[f"{d.id}_score"], batch[f"{d.id}_score"], atol=1e-9)
    levels = {s.key: s.level for s in social.stages}
    assert list(ours["stage_level"]) == [levels[s] for s in batch["stage"]]
    assert list(ours["mature"]) == [levels[s] >= MATURE_LEVEL for s in batch["stage"]]


def test_classify_checks_a_given_profile_as_score_batch_does_and_needs_none(social, panel,
                                                                             tmp_path):
    rows = panel.head(20).copy()
    rows.loc[3, "sector"] = "Technology"
    source, out = tmp_path / "rows.csv", tmp_path / "scores.csv"
    rows.to_csv(source, index=False)
    res = CliRunner().invoke(cli, ["score", "--batch", str(source), "--output", str(out)])
    batch = [line.split(": ", 3)[-1] for line in res.stderr.splitlines() if "'sector'" in line]
    with pytest.raises(ResearchInputError) as caught:
        classify(read_data(source), social)
    assert [p.message for p in caught.value.problems] == batch
    assert batch[0].startswith("'Technology' is not an option of 'sector'")
    # the scores do not depend on the profile: research data may lack it (score --batch and
    # panels, whose rows are peers, need it)
    scored = classify(rows.drop(columns=["size", "region"]).drop(index=3), social)
    assert len(scored) == 19 and scored["stage"].notna().all()


def test_classify_keeps_the_rows_and_columns_and_replaces_old_scores(social, panel):
    once = classify(panel, social)
    twice = classify(once, social)
    assert list(once.index) == list(panel.index)
    assert list(once.columns[: len(panel.columns)]) == list(panel.columns)
    assert list(twice.columns) == list(once.columns)
    pd.testing.assert_frame_equal(once, twice)
    assert once["mature"].dtype == bool and once["stage_level"].dtype.kind == "i"


def test_classify_names_the_row_and_column_of_a_bad_answer(social, panel):
    bad = panel.head(5).copy()
    bad.loc[bad.index[3], "strategy-sponsor"] = "the-intern"
    with pytest.raises(ResearchInputError) as err:
        classify(bad, social)
    text = str(err.value)
    assert "strategy-sponsor" in text and "row 4" in text and "'the-intern'" in text
    assert "c-level" in text  # what is valid


def test_classify_needs_every_scored_question(social, panel):
    with pytest.raises(ResearchInputError, match="data-crm"):
        classify(panel.drop(columns=["data-crm"]), social)


# -- roll-up ------------------------------------------------------------------------------------


def _lower_median(keys: list[str], answers: pd.Series) -> str | None:
    """The documented rule for a single choice, written out independently."""
    given = sorted(keys.index(a) for a in answers if a in keys)
    return keys[given[(len(given) - 1) // 2]] if given else None


def test_roll_up_follows_the_documented_rule(social, panel):
    orgs = roll_up(panel, social)
    assert list(orgs["organization_id"]) == list(dict.fromkeys(panel["organization_id"]))
    assert orgs["n_respondents"].sum() == len(panel)
    keys = [o.key for o in sorted(social.index.options["strategy-sponsor"],
                                  key=lambda o: o.points)]
    multi = panel.groupby("organization_id", sort=False)
    combined = {}
    for org_id, members in multi:
        answers = {}
        for q in social.scored_questions:
            col = members[q.id]
            if q.type == "single":
                ranked = [o.key for o in sorted(social.index.options[q.id],
                                                key=lambda o: o.points)]
                value = _lower_median(ranked, col)
            elif q.type == "numeric":
                numbers = sorted(float(v) for v in col if v not in ("dont-know",
                                                                    "not-applicable"))
                value = numbers[(len(numbers) - 1) // 2] if numbers else None
            else:
                sets = [set(v.split(";")) for v in col if v not in ("dont-know",
                                                                   "not-applicable")]
                chosen = [k for k in social.index.option_keys(q.id) if k != "none"
                          and 2 * sum(k in x for x in sets) >= len(sets)]
                value = ";".join(chosen) if chosen else ("none" if sets else None)
            if value is None:
                specials = set(col)
                value = "dont-know" if "dont-know" in specials else "not-applicable"
            answers[q.id] = value
        combined[org_id] = answers
    assert _lower_median(keys, pd.Series(["c-level", "none"])) == "none"
    table = pd.DataFrame.from_dict(combined, orient="index")
    expected = classify(table, social)
    got = orgs.set_index("organization_id").loc[table.index]
    for column in ["overall_score", "stage", "stage_level", "stage_rule", "mature"] + [
            f"{d.id}_score" for d in social.dimensions]:
        assert list(got[column]) == list(expected[column]), column


def test_an_organization_of_one_keeps_its_respondents_result(social, panel):
    scored = classify(panel, social).set_index("organization_id")
    orgs = roll_up(panel, social).set_index("organization_id")
    single = orgs[orgs["n_respondents"] == 1]
    assert len(single) > 20
    them = scored.loc[single.index]
    for column in ["overall_score", "stage", "stage_level", "stage_rule", "mature"] + [
            f"{d.id}_score" for d in social.dimensions]:
        assert list(single[column]) == list(them[column]), column


def test_a_tie_takes_the_lower_answer_so_a_gate_needs_half_the_respondents(social, panel):
    scored = classify(panel, social)
    strong = scored[scored["stage_level"] == 4].index[:1]
    pick = panel.loc[strong].copy()
    twin = pick.copy()
    twin["data-crm"] = "not-connected"  # same answers, no social data in the CRM
    two = pd.concat([pick, twin], ignore_index=True).assign(organization_id="tie")
    org = roll_up(two, social).iloc[0]
    assert org["n_respondents"] == 2
    assert not org["gate:transformative-needs-crm"]
    assert org["stage_level"] <= 3
    three = pd.concat([pick, pick, twin], ignore_index=True).assign(organization_id="major")
    assert roll_up(three, social).iloc[0]["gate:transformative-needs-crm"]


def test_respondents_without_an_organization_stand_alone(social, panel):
    frame = panel.head(6).copy()
    frame["organization_id"] = ["a", "a", None, "", "b", None]
    orgs = roll_up(frame, social)
    ids = list(orgs["organization_id"])
    assert ids[:2] == ["a", frame["respondent_id"].iloc[2]] and "b" in ids
    assert len(orgs) == 5 and orgs["n_respondents"].sum() == 6
    assert {"sector", "size", "region"} <= set(orgs.columns)
    assert "role" not in orgs.columns  # a respondent's field, not the organization's


def test_roll_up_names_a_missing_organization_column(social, panel):
    with pytest.raises(ResearchInputError, match="company"):
        roll_up(panel, social, by="company")
