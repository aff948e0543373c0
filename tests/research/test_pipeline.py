"""The whole pipeline: `research run --demo` re-creates the study's findings (MODEL.md §1);
an export runs end to end; weighting; the settings files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from socialmaturity.benchmark.calibration import TARGETS
from socialmaturity.benchmark.demo import generate_panel
from socialmaturity.errors import SocialMaturityError
from socialmaturity.research.checks import ResearchInputError
from socialmaturity.research.classify import classify
from socialmaturity.services.research import RunOptions, prepare, run, run_demo
from socialmaturity.services.research_files import load_margins, load_rules

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"
RATIOS = {  # calibration target → the indicator whose compare ratio re-creates it
    "customer-service-ratio": "reach-departments=customer-service",
    "hr-recruiting-ratio": "reach-departments=hr-recruiting",
    "executive-sponsor-ratio": "strategy-sponsor:top2",
    "differentiates-ratio": "outcome-differentiates:top2",
    "listening-join-ratio": "listening-join-conversations:top2",
}
SHARES = {  # calibration target → (indicator, group)
    "paid-efficiency-mature": ("outcome-paid-efficiency:top2", "focus"),
    "prospects-overall": ("outcome-prospects:top2", "all"),
    "transformation-mature": ("outcome-transformation:top2", "focus"),
    "relationships-mature": ("outcome-relationships:top2", "focus"),
    "relationships-less": ("outcome-relationships:top2", "rest"),
    "marketing-overall": ("reach-departments=marketing", "all"),
    "pr-overall": ("reach-departments=pr-communications", "all"),
}


@pytest.fixture(scope="module")
def demo(social):
    return run_demo(inst=social)


def test_the_demo_recreates_the_studys_findings(demo):
    """MODEL.md §1: about 40% mature; 2×, 2×, 1.4×, 5×; 75%; over 80%; over two thirds,
    each within the demo generator's tolerance."""
    rows = {c.name: c for c in demo.calibration}
    assert set(rows) == {t.name for t in TARGETS}
    missed = [c for c in demo.calibration if not c.ok]
    assert not missed, missed
    assert len(demo.data) >= 1090  # 1,097 organizations, the cleaning drops at most a few
    comparisons = demo.comparisons.set_index("indicator")
    for target, indicator in RATIOS.items():
        # the compare table's ratio is the calibration's observation, to the last digit
        assert comparisons.loc[indicator, "ratio"] == pytest.approx(rows[target].observed,
                                                                    rel=1e-12), target
    groups = demo.shares_groups.set_index(["group", "indicator"])["share"]
    overall = demo.shares_all.set_index("indicator")["share"]
    for target, (indicator, group) in SHARES.items():
        share = overall[indicator] if group == "all" else groups[(group, indicator)]
        assert share == pytest.approx(rows[target].observed, rel=1e-12), target
    assert demo.data["mature"].mean() == pytest.approx(rows["mature-share"].observed)
    # the published findings, in words
    assert rows["paid-efficiency-mature"].observed == pytest.approx(0.75, abs=0.05)
    assert rows["prospects-overall"].observed > 0.80
    assert rows["transformation-mature"].observed > 2 / 3


def test_the_demo_findings_read_like_the_study(demo):
    by_indicator = {f.indicator: f for f in demo.findings}
    # gate questions are "by definition", never ranked: derived from the instrument's gates
    gate_questions = {g.condition.question for g in demo.instrument.rules.gates
                      if g.condition.question}
    assert set(demo.rule_defined) == {i.name for i in demo.infos
                                      if i.question in gate_questions}
    assert not set(by_indicator) & set(demo.rule_defined)
    coord = by_indicator["reach-coordination:top2"]
    assert coord.sentence.startswith("Mature organizations are ")
    assert "× as likely as less mature ones to coordinate social media" in coord.sentence
    assert coord.sentence.endswith(f"n = {coord.n_focus + coord.n_rest:,}).")
    assert by_indicator["outcome-differentiates:top2"].ratio == pytest.approx(1.4, abs=0.14)
    study = {s.claim.id: s for s in demo.study}
    assert study["differentiates"].verdict == "re-created"
    assert study["differentiates"].sentences["nl"].startswith("Volwassen organisaties zeggen "
                                                              "1,4 keer zo vaak")
    for s in demo.study:
        assert s.ci_low <= s.estimate <= s.ci_high
        assert s.verdict in ("re-created", "weaker than published", "not re-created")
        assert ("by definition" in s.sentences["en"]) == bool(s.gates)
    # the demo analyses organizations (rolled up before): auto says so; the ICC comes from
    # the respondents
    assert demo.design.key == "organization" and demo.design.automatic and demo.design.rolled
    assert demo.design.respondents > demo.design.organizations == len(demo.data)
    overall = demo.icc.set_index("dimension").loc["overall"]
    assert 0.3 < overall["icc"] < 0.95 and overall["respondents"] > overall["organizations"]
    assert (demo.shares_all["deff"].dropna() > 0.5).all()
    assert all(f.p_adjusted < 0.05 for f in demo.findings)
    ranks = [(f.p_adjusted, -abs(math.log(f.ratio))) for f in demo.findings]
    assert ranks == sorted(ranks)
    assert demo.headlines and all(set(t) == {"en", "nl"} for _, t in demo.headlines)
    assert demo.synthetic and demo.cleaning is not None and demo.weighting is None
    assert demo.organizations is not None and len(demo.organizations) > 1000
    assert set(demo.reliability["scale"]) == {d.id for d in demo.instrument.dimensions}
    assert (demo.reliability["alpha"] > 0.6).all()
    assert demo.comparisons_by_group is not None
    assert set(demo.comparisons_by_group["sector"]) == set(demo.data["sector"])


def test_the_demo_in_dutch(social):
    result = run_demo(seed=11, respondents=500, inst=social, options=RunOptions(lang="nl"))
    assert result.findings[0].sentence.startswith("Volwassen organisaties ")
    assert " zo vaak als minder volwassen organisaties " in result.findings[0].sentence
    assert "respondenten" in result.source


def test_an_export_runs_end_to_end_and_classifies_like_the_panel(social):
    result = run(EXPORTS / "qualtrics.xlsx", social, options=RunOptions(
        mapping=EXPORTS / "qualtrics-mapping.yaml", clean_data=False, by_group=None))
    panel = classify(generate_panel(social, seed=7, respondents=60), social)
    assert result.import_summary.layout == "qualtrics"
    assert result.import_summary.rows == 60 and len(result.import_summary.recodes) > 0
    assert list(result.data["stage"]) == list(panel["stage"])
    np.testing.assert_array_equal(result.data["overall_score"], panel["overall_score"])
    assert not result.synthetic and result.comparisons_by_group is None


def test_weighted_run_uses_the_survey_methods(social, tmp_path):
    margins = tmp_path / "margins.yaml"
    margins.write_text("margins:\n  size: {1-99: 0.4, 100-999: 0.3, 1000-9999: 0.2, "
                       "10000-plus: 0.1}\n  region: {emea: 1, north-america: 1, "
                       "latin-america: 1, asia-pacific: 1}\ntrim: [0.3, 3]\n")
    spec = load_margins(margins)
    assert spec.method == "rake" and spec.trim == (0.3, 3.0)
    panel = generate_panel(social, seed=9, respondents=800)
    result = run(frame=panel, inst=social, options=RunOptions(margins=spec, by_group=None))
    w = result.weighting
    assert result.weights == "weight" and w.method == "rake" and w.design_effect > 1
    assert w.effective_n == pytest.approx(w.n / w.design_effect)
    assert set(result.comparisons["test"]) <= {"rao-scott", "none"}
    assert result.data["weight"].min() >= 0.3 - 1e-9
    achieved = w.targets.set_index(["margin", "value"])["weighted"]
    assert achieved[("size", "1-99")] == pytest.approx(0.4, abs=0.02)


def test_poststratification_targets(social, tmp_path):
    path = tmp_path / "cells.yaml"
    path.write_text("cells: [size]\ntargets:\n  - {size: 1-99, target: 25}\n"
                    "  - {size: 100-999, target: 25}\n  - {size: 1000-9999, target: 25}\n"
                    "  - {size: 10000-plus, target: 25}\n")
    spec = load_margins(path)
    result = run(frame=generate_panel(social, seed=9, respondents=300), inst=social,
                 options=RunOptions(margins=spec, by_group=None, clean_data=False))
    shares = result.data.groupby("size")["weight"].sum() / result.data["weight"].sum()
    assert np.allclose(shares, 0.25)


def test_margins_file_errors_name_the_place(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("margins:\n  sector: {technology: lots}\n")
    with pytest.raises(SocialMaturityError) as err:
        load_margins(path)
    assert f"{path}:2:" in str(err.value) and "lots" in str(err.value)
    path.write_text("weights: {}\n")
    with pytest.raises(SocialMaturityError, match="unknown key 'weights'"):
        load_margins(path)
    path.write_text("margins: {size: {a: 1}}\ntrim: [2, 3]\n")
    with pytest.raises(SocialMaturityError, match="bounds around the mean"):
        load_margins(path)


def test_cleaning_rules_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("min_completion: 0.8\nstraightliners: false\n")
    rules = load_rules(path, speeder_fraction=0.25)
    assert (rules.min_completion, rules.straightliners, rules.speeder_fraction) == (
        0.8, False, 0.25)
    path.write_text("min_completion: lots\nsloppy: true\n")
    with pytest.raises(SocialMaturityError) as err:
        load_rules(path)
    assert "unknown rule 'sloppy'" in str(err.value) and "is not a number" in str(err.value)


def test_prepare_computes_scores_and_instrument_indicators(social):
    panel = generate_panel(social, seed=4, respondents=120)
    frame, names, infos = prepare(panel, social, columns=("mature", "strategy_score"),
                                  indicators=["reach-departments=sales", "outcome-cpa:top2"])
    assert {"mature", "strategy_score", "reach-departments=sales", "outcome-cpa:top2"} <= set(
        frame.columns)
    assert names == ["reach-departments=sales", "outcome-cpa:top2"] and len(infos) == 2
    _, names, infos = prepare(panel, social, want_indicators=True)
    assert len(names) == len(infos) == 60
    with pytest.raises(ResearchInputError, match="unknown column"):
        prepare(panel.drop(columns=["data-crm"]), social, columns=("mature",))
    with pytest.raises(ResearchInputError, match="--indicators"):
        prepare(pd.DataFrame({"x": [1, 0]}), social, want_indicators=True)


def test_bad_runs(social):
    panel = generate_panel(social, seed=4, respondents=50)
    with pytest.raises(ResearchInputError, match="only"):
        run(frame=panel.assign(sector="education"), inst=social,
            options=RunOptions(by="sector", focus="education"))
    with pytest.raises(SocialMaturityError):
        run(inst=social)
    with pytest.raises(ResearchInputError, match="no respondents"):
        run(frame=panel.head(0), inst=social)


# --- designs -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_panel(social):
    return generate_panel(social, seed=3, respondents=400)


def test_design_auto_clusters_when_organizations_repeat(social, small_panel):
    from socialmaturity.services.research_design import choose_design

    assert choose_design(small_panel).key == "clustered"
    single = small_panel.drop_duplicates("organization_id")
    assert choose_design(single).key == "simple"
    assert choose_design(small_panel.drop(columns="organization_id")).key == "simple"
    with pytest.raises(ResearchInputError, match="organization_id"):
        choose_design(small_panel.drop(columns="organization_id"), "clustered")
    with pytest.raises(ResearchInputError, match="valid: auto"):
        choose_design(small_panel, "clusterd")


@pytest.mark.parametrize("design", ["simple", "stratified", "organization"])
def test_every_design_runs_and_says_which(social, small_panel, design):
    result = run(frame=small_panel, inst=social, options=RunOptions(design=design, synthetic=True))
    assert result.design.key == design and not result.design.automatic
    orgs = small_panel["organization_id"].nunique()
    if design == "organization":
        assert len(result.data) == orgs
        assert result.comparisons["n_focus"].add(result.comparisons["n_rest"]).max() <= orgs
    else:
        assert len(result.data) == len(small_panel)
    from socialmaturity.research.report import report_view

    view = report_view(result, "nl")
    text = " ".join(b.get("text", "") for b in view["blocks"])
    assert "Design:" in text and {"simple": "onafhankelijke trekking",
                                  "stratified": "binnen sectoren als strata",
                                  "organization": "één rij per organisatie"}[design] in text


def test_clustered_intervals_are_wider_than_simple_ones(social, small_panel):
    simple = run(frame=small_panel, inst=social, options=RunOptions(design="simple"))
    clustered = run(frame=small_panel, inst=social, options=RunOptions(design="clustered"))
    width = {name: (r.comparisons["ci_high"] - r.comparisons["ci_low"]).median()
             for name, r in (("simple", simple), ("clustered", clustered))}
    assert width["clustered"] > width["simple"]
    assert clustered.icc is not None and clustered.shares_all["deff"].median() > 1
