"""Indicators of an instrument, and findings as sentences (en, nl) from a compare table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from socialmaturity.research.checks import ResearchInputError
from socialmaturity.research.findings import findings, findings_frame, headline
from socialmaturity.research.indicators import describe_indicators, instrument_indicators

COLUMNS = ["indicator", "n_focus", "n_rest", "share_focus", "share_rest", "ratio", "ci_low",
           "ci_high", "p_value", "p_adjusted", "test"]


def table(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(COLUMNS, r, strict=True)) for r in rows], columns=COLUMNS)


CS = ("reach-departments=customer-service", 800, 1362, 0.64, 0.30, 0.64 / 0.30, 1.9, 2.4,
      1e-40, 1e-39, "chi2")
DIFF = ("outcome-differentiates:top2", 860, 1302, 0.36, 0.60, 0.6, 0.5, 0.7, 1e-30, 1e-29,
        "chi2")
WEAK = ("outcome-cpa:top2", 860, 1302, 0.40, 0.38, 1.05, 0.9, 1.2, 0.30, 0.45, "chi2")
ONLY = ("my_flag", 12, 20, 0.5, 0.0, math.inf, math.nan, math.nan, 0.001, 0.004, "fisher")


@pytest.fixture(scope="module")
def infos(social):
    return describe_indicators(social)


def test_sentences_in_english_and_dutch(infos):
    found = findings(table(CS), infos, "en")
    assert len(found) == 1
    f = found[0]
    assert f.sentence == ("Mature organizations are 2.1× as likely as less mature ones to say "
                          "their customer-service staff use social media (64% vs 30%, "
                          "n = 2,162).")
    assert f.sentences["nl"] == ("Volwassen organisaties zeggen 2,1× zo vaak als minder "
                                 "volwassen organisaties dat hun klantenservicemedewerkers "
                                 "social media gebruiken (64% tegen 30%, n = 2.162).")
    assert findings(table(CS), infos, "nl")[0].sentence == f.sentences["nl"]
    assert (f.rank, f.indicator, f.n_focus, f.n_rest, f.test) == (
        1, "reach-departments=customer-service", 800, 1362, "chi2")


def test_less_likely_wording(infos):
    f = findings(table(DIFF), infos, "en")[0]
    assert f.sentence == ("Mature organizations are less likely (0.6×) than less mature ones "
                          "to say social media helped set their brand apart from competitors "
                          "(36% vs 60%, n = 2,162).")
    assert f.sentences["nl"] == ("Volwassen organisaties zeggen minder vaak (0,6×) dan minder "
                                 "volwassen organisaties dat social media hun merk heeft helpen "
                                 "onderscheiden van concurrenten (36% tegen 60%, n = 2.162).")


def test_only_significant_rows_ranked_by_adjusted_p_then_effect(infos):
    big = ("reach-departments=sales", 800, 1362, 0.6, 0.2, 3.0, 2.5, 3.5, 1e-40, 1e-39, "chi2")
    found = findings(table(WEAK, DIFF, CS, big), infos, "en")
    assert [f.indicator for f in found] == ["reach-departments=sales",
                                            "reach-departments=customer-service",
                                            "outcome-differentiates:top2"]
    assert [f.rank for f in found] == [1, 2, 3]
    assert findings(table(WEAK), infos, "en", alpha=0.5)[0].indicator == "outcome-cpa:top2"
    assert findings(table(WEAK), infos, "en") == []


def test_own_indicators_labels_and_an_infinite_ratio(infos):
    f = findings(table(ONLY), None, "en", focus_label="Retail firms",
                 rest_label="the other sectors")[0]
    assert f.sentence == "Only retail firms score 1 on “my_flag” (50% vs 0%, n = 32)."
    assert f.sentences["nl"] == "Alleen retail firms scoren 1 op “my_flag” (50% tegen 0%, n = 32)."
    labels = {"en": "Large firms", "nl": "Grote bedrijven"}
    rest = {"en": "small ones", "nl": "kleine bedrijven"}
    g = findings(table(CS), infos, "nl", focus_label=labels, rest_label=rest)[0]
    assert g.sentence.startswith("Grote bedrijven zeggen 2,1× zo vaak als kleine bedrijven dat")
    assert g.sentences["en"].startswith("Large firms are 2.1× as likely as small ones to say")


def test_by_group_tables_prefix_the_group(infos):
    t = table(CS).assign(sector="education")[["sector", *COLUMNS]]
    f = findings(t, infos, "en", group_labels={"education": {"en": "Education",
                                                             "nl": "Onderwijs"}})[0]
    assert f.group == "education"
    assert f.sentence.startswith("Education: Mature organizations are 2.1× as likely")
    assert f.sentences["nl"].startswith("Onderwijs: Volwassen organisaties zeggen 2,1×")
    frame = findings_frame([f])
    assert list(frame.columns[:3]) == ["rank", "group", "indicator"]


def test_bad_tables_and_settings_are_errors(infos):
    with pytest.raises(ResearchInputError, match="p_adjusted"):
        findings(table(CS).drop(columns="p_adjusted"), infos, "en")
    with pytest.raises(ResearchInputError, match="lang"):
        findings(table(CS), infos, "fr")
    with pytest.raises(ResearchInputError, match="alpha"):
        findings(table(CS), infos, "en", alpha=1.5)


def test_headline_sentences(infos):
    phrase = {i.name: i for i in infos}["outcome-prospects:top2"]
    en = headline("en", phrase.phrase("en"), share=0.84, n=2162, share_focus=0.93,
                  share_rest=0.78)
    assert en == ("84% of all respondents say social media reaches potential customers more "
                  "efficiently than their other channels (mature organizations 93%, less mature "
                  "ones 78%; n = 2,162).")
    nl = headline("nl", phrase.phrase("nl"), share=0.84, n=2162)
    assert nl == ("84% van alle respondenten zeggen dat social media potentiële klanten "
                  "efficiënter bereikt dan hun andere kanalen (n = 2.162).")


# -- indicators ---------------------------------------------------------------------------------


def test_indicators_of_the_bundled_instrument(social, infos):
    names = [i.name for i in infos]
    options = [o.key for o in social.index.options["reach-departments"] if not o.exclusive]
    assert [f"reach-departments={k}" for k in options] == [
        n for n in names if n.startswith("reach-departments=")]
    assert "reach-departments=none" not in names
    sponsor = {i.name: i for i in infos}["strategy-sponsor:top2"]
    assert sponsor.options == ("vice-president", "c-level") and sponsor.kind == "top2"
    outcome = {i.name: i for i in infos}["outcome-cpa:top2"]
    assert outcome.options == ("agree", "strongly-agree") and outcome.section == "outcomes"
    assert not any(n.startswith(("listening-response-rate", "employees-trained", "sector"))
                   for n in names)  # numeric and profile questions give none
    # every outcome, every department and the study's indicators have a phrase of their own
    for i in infos:
        if i.section == "outcomes" or i.question in ("reach-departments", "strategy-sponsor") \
                or i.question.startswith("listening-"):
            assert i.finding and set(i.finding) == {"en", "nl"}, i.name


def test_indicator_values_dont_know_is_0_missing_is_nan(social):
    frame = pd.DataFrame({
        "reach-departments": ["marketing;customer-service", "none", "dont-know", None,
                              "sales"],
        "strategy-sponsor": ["c-level", "director", "dont-know", None, "vice-president"],
        "outcome-cpa": ["strongly-agree", "neutral", "dont-know", None, "agree"],
        "paid-influencers": ["not-applicable", None, None, None, None],
    }, index=[10, 11, 12, 13, 14])
    values, infos = instrument_indicators(frame, social)
    assert list(values.index) == [10, 11, 12, 13, 14]
    assert values.columns.tolist() == [i.name for i in infos]
    cs = values["reach-departments=customer-service"].tolist()
    assert cs[:3] == [1.0, 0.0, 0.0] and math.isnan(cs[3]) and cs[4] == 0.0
    assert values["reach-departments=sales"].tolist()[4] == 1.0
    sponsor = values["strategy-sponsor:top2"].tolist()
    assert sponsor[:3] == [1.0, 0.0, 0.0] and math.isnan(sponsor[3]) and sponsor[4] == 1.0
    cpa = values["outcome-cpa:top2"].tolist()
    assert cpa[:3] == [1.0, 0.0, 0.0] and math.isnan(cpa[3]) and cpa[4] == 1.0
    assert values["paid-influencers:top2"].isna().all()  # not applicable and unanswered
    assert "data-crm:top2" not in values.columns  # no column, no indicator


def test_indicator_errors_name_the_column_and_row(social):
    frame = pd.DataFrame({"strategy-sponsor": ["c-level", "boss"]}, index=[1, 2])
    with pytest.raises(ResearchInputError) as err:
        instrument_indicators(frame, social)
    assert "column 'strategy-sponsor', row 2" in str(err.value) and "c-level" in str(err.value)
    with pytest.raises(ResearchInputError, match="sector"):
        instrument_indicators(frame, social, questions=["sector"])


def test_a_question_without_a_phrase_gets_the_generic_one(kitchen):
    infos = describe_indicators(kitchen)
    info = next(i for i in infos if not i.finding)
    en, nl = info.phrase("en"), info.phrase("nl")
    assert en.startswith(("answer “", "choose “")) and "“" in en
    assert nl.startswith(("antwoorden “", "kiezen “"))
    sentence = findings(table((info.name, 10, 10, 0.8, 0.2, 4.0, 1.5, 9.0, 0.001, 0.002,
                               "fisher")), infos, "en")[0].sentence
    assert sentence.startswith("Mature organizations are 4.0× as likely as less mature ones "
                               "to " + en)


def test_indicator_matrix_matches_the_calibration_counting(social):
    from socialmaturity.benchmark.calibration import _hits
    from socialmaturity.benchmark.demo import generate_panel

    panel = generate_panel(social, seed=3, respondents=300)
    values, _ = instrument_indicators(panel, social)
    hits = _hits(panel, "reach-departments", ["customer-service"])
    ours = values["reach-departments=customer-service"].to_numpy()
    assert np.array_equal(np.nan_to_num(ours) == 1, hits)


def test_a_too_wide_interval_is_too_uncertain_to_say():
    """A share whose 95% interval touches the published value but is wider than 25 points, or
    a ratio whose interval spans more than 2.5×, gets no verdict but "too uncertain"."""
    import pandas as pd

    from socialmaturity.research.study import study_findings

    comparisons = pd.DataFrame([
        {"indicator": "reach-departments=customer-service", "ratio": 7.9, "ci_low": 0.9,
         "ci_high": 69.8},
        {"indicator": "reach-departments=hr-recruiting", "ratio": 2.0, "ci_low": 1.3,
         "ci_high": 3.2}])  # 3.2 / 1.3 = 2.46: precise enough
    shares_all = pd.DataFrame([
        {"indicator": "outcome-prospects:top2", "share": 0.43, "ci_low": 0.07, "ci_high": 0.88},
        {"indicator": "outcome-disruption:top2", "share": 0.70, "ci_low": 0.58,
         "ci_high": 0.82}])  # 24 points wide
    groups = pd.DataFrame(columns=["group", "indicator", "share", "ci_low", "ci_high"])
    found = {s.claim.id: s for s in study_findings(comparisons, shares_all, groups, {})}
    assert found["customer-service"].verdict == "too uncertain to say"
    assert found["prospects"].verdict == "too uncertain to say"
    assert found["hr-recruiting"].verdict == "re-created"
    assert found["disruption"].verdict == "re-created"
    assert found["prospects"].sentences["en"].endswith(
        "Here: 43% (95% CI 7%–88%): too uncertain to say.")
    assert found["prospects"].sentences["nl"].endswith(": te onzeker om iets te zeggen.")
