"""compare(): pinned to statsmodels and scipy (unweighted), to R's survey package through an
independent transcription of its formulas (weighted), to statsmodels' BH adjustment.

Where the weighted values come from: ``reference/survey_formulas.py`` is checked here against
numbers R printed (``reference/published.py``), then ``reference/make_pinned.py`` used it to
write ``reference/pinned.json`` for the data in ``reference/synthetic_panel.csv``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests

from socialmaturity.errors import SocialMaturityError
from socialmaturity.research.checks import ResearchInputError
from socialmaturity.research.compare import COLUMNS, benjamini_hochberg, compare

from .reference import published as pub
from .reference import survey_formulas as sf

REF = Path(__file__).parent / "reference"
INDICATORS = ["uses_social", "has_policy", "measures_roi"]
SECTORS = ["finance", "public", "retail"]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.read_csv(REF / "synthetic_panel.csv")


@pytest.fixture(scope="module")
def pinned() -> dict:
    return json.loads((REF / "pinned.json").read_text())


@pytest.fixture(scope="module")
def apistrat() -> pd.DataFrame:
    return pd.read_csv(REF / "api" / "apistrat.csv")


# --- the reference implementation reproduces R ------------------------------------------


def _strat(apistrat: pd.DataFrame, design: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    strata = apistrat["stype"].to_numpy()
    popsize = apistrat["stype"].map(pub.STRAT_FPC).to_numpy(dtype=float)
    if design == "strat_w":
        return apistrat["stype"].map(pub.STRAT_PW).to_numpy(), strata, None
    n_h = apistrat["stype"].map(apistrat["stype"].value_counts()).to_numpy()
    return popsize / n_h, strata, popsize  # svydesign(fpc = ~fpc): weights N_h / n_h


@pytest.mark.parametrize("design", ["strat_w", "strat_fpc"])
def test_reference_formulas_reproduce_r_means_ratios_and_shares(apistrat, design):
    w, strata, popsize = _strat(apistrat, design)
    for variable in ("api00", "enroll"):
        mean, var = sf.svymean(apistrat[variable].to_numpy(float), w, strata=strata,
                               popsize=popsize)
        est, se = pub.MEAN[(design, variable)]
        assert mean[0] == pytest.approx(est, rel=1e-12)
        assert np.sqrt(var[0, 0]) == pytest.approx(se, rel=1e-10)
    ratio, var = sf.svyratio(apistrat["api00"].to_numpy(float),
                             apistrat["enroll"].to_numpy(float), w, strata, popsize)
    assert ratio == pytest.approx(pub.RATIO[design][0], rel=1e-12)
    assert np.sqrt(var) == pytest.approx(pub.RATIO[design][1], rel=1e-10)
    share, var = sf.svymean((apistrat["awards"] == "No").to_numpy(float), w, strata=strata,
                            popsize=popsize)
    assert share[0] == pytest.approx(pub.AWARDS[(design, "No")][0], rel=1e-12)
    assert np.sqrt(var[0, 0]) == pytest.approx(pub.AWARDS[(design, "No")][1], rel=1e-10)


def test_reference_domains_keep_the_full_sample_as_r_does(apistrat):
    w, strata, popsize = _strat(apistrat, "strat_fpc")
    for level, (est, se) in pub.DOMAIN_API00_BY_AWARDS.items():
        mean, var = sf.svymean(apistrat["api00"].to_numpy(float), w,
                               domain=(apistrat["awards"] == level).to_numpy(),
                               strata=strata, popsize=popsize)
        assert mean[0] == pytest.approx(est, rel=1e-12)
        assert np.sqrt(var[0, 0]) == pytest.approx(se, rel=1e-10)


def test_reference_rao_scott_reproduces_svychisq(apistrat):
    w, strata, popsize = _strat(apistrat, "strat_fpc")
    r = pub.CHISQ["strat_fpc"]
    f = sf.svychisq(apistrat["stype"].to_numpy(), apistrat["awards"].to_numpy(), w, strata,
                    popsize, statistic="F")
    assert f["statistic"] == pytest.approx(r["F"], rel=1e-10)
    assert f["ndf"] == pytest.approx(r["ndf"], rel=1e-10)
    assert f["ddf"] == pytest.approx(r["ddf"], rel=1e-10)
    assert f["p"] == pytest.approx(r["p"], rel=1e-8)
    c = sf.svychisq(apistrat["stype"].to_numpy(), apistrat["awards"].to_numpy(), w, strata,
                    popsize, statistic="Chisq")
    assert c["statistic"] == pytest.approx(r["X2"], rel=1e-10)
    assert c["p"] == pytest.approx(r["p_chisq"], rel=1e-8)


# --- weighted compare ---------------------------------------------------------------------


def _check_rows(result: pd.DataFrame, expected: dict) -> None:
    for _, row in result.iterrows():
        want = expected[row["indicator"]]
        assert row["n_focus"] == want["n_focus"] and row["n_rest"] == want["n_rest"]
        for col in ("share_focus", "share_rest", "ratio", "ci_low", "ci_high", "p_value"):
            if np.isnan(want[col]):
                assert np.isnan(row[col]), col
            else:
                assert row[col] == pytest.approx(want[col], rel=1e-9), (row["indicator"], col)
        assert row["test"] == "rao-scott"


def test_weighted_matches_the_survey_package(panel, pinned):
    result = compare(panel, "mature", "yes", INDICATORS, weights="w")
    assert list(result.columns) == COLUMNS
    assert list(result["indicator"]) == INDICATORS
    _check_rows(result, pinned["compare"])


def test_weighted_by_sector_matches_the_survey_package(panel, pinned):
    result = compare(panel, "mature", "yes", INDICATORS, weights="w", by_group="sector")
    assert list(result.columns) == ["sector"] + COLUMNS
    assert sorted(set(result["sector"])) == SECTORS  # respondents without a sector: no group
    for sector, rows in result.groupby("sector"):
        _check_rows(rows, pinned["compare_by_sector"][sector])
        expected_adj = multipletests(rows["p_value"], method="fdr_bh")[1]
        np.testing.assert_allclose(rows["p_adjusted"], expected_adj, rtol=1e-12)


def test_a_zero_share_gives_an_infinite_ratio_and_no_interval(panel, pinned):
    result = compare(panel, "mature", "yes", ["measures_roi"], weights="w", by_group="sector")
    retail = result[result["sector"] == "retail"].iloc[0]
    assert retail["share_rest"] == 0 and np.isinf(retail["ratio"])
    assert np.isnan(retail["ci_low"]) and np.isnan(retail["ci_high"])
    assert retail["p_value"] == pytest.approx(
        pinned["compare_by_sector"]["retail"]["measures_roi"]["p_value"], rel=1e-9)


def test_weighted_ratio_interval_is_the_delta_method_with_covariance(panel, pinned):
    # the pinned covariance between the disjoint domains is (numerically) zero; the interval
    # is exp(log RR ± z·sqrt(V_f/p_f² + V_r/p_r² − 2Cov/(p_f p_r)))
    want = pinned["compare"]["uses_social"]
    assert abs(want["cov"]) < 1e-20
    var_log = (want["se_focus"] / want["share_focus"]) ** 2 \
        + (want["se_rest"] / want["share_rest"]) ** 2
    half = stats.norm.ppf(0.975) * np.sqrt(var_log)
    row = compare(panel, "mature", "yes", ["uses_social"], weights="w").iloc[0]
    assert row["ci_low"] == pytest.approx(want["ratio"] * np.exp(-half), rel=1e-9)
    assert row["ci_high"] == pytest.approx(want["ratio"] * np.exp(half), rel=1e-9)


def test_equal_weights_do_not_change_the_shares(panel):
    weighted = compare(panel.assign(w=2.5), "mature", "yes", INDICATORS, weights="w")
    unweighted = compare(panel, "mature", "yes", INDICATORS)
    np.testing.assert_allclose(weighted["share_focus"], unweighted["share_focus"], rtol=1e-12)
    np.testing.assert_allclose(weighted["ratio"], unweighted["ratio"], rtol=1e-12)


# --- unweighted compare -------------------------------------------------------------------


def _tables(panel: pd.DataFrame, population: pd.Series):
    for indicator in INDICATORS:
        rows = panel[population & panel[indicator].notna() & panel["mature"].notna()]
        focus = rows["mature"] == "yes"
        a = int(rows.loc[focus, indicator].sum())
        n1 = int(focus.sum())
        c = int(rows.loc[~focus, indicator].sum())
        n2 = int((~focus).sum())
        yield indicator, np.array([[a, n1 - a], [c, n2 - c]])


def _check_unweighted(result: pd.DataFrame, panel: pd.DataFrame, population: pd.Series):
    seen = set()
    for indicator, table in _tables(panel, population):
        row = result[result["indicator"] == indicator].iloc[0]
        assert row["n_focus"] == table[0].sum() and row["n_rest"] == table[1].sum()
        assert row["share_focus"] == pytest.approx(table[0, 0] / table[0].sum(), rel=1e-12)
        assert row["share_rest"] == pytest.approx(table[1, 0] / table[1].sum(), rel=1e-12)
        if table[0, 0] > 0 and table[1, 0] > 0:
            t = Table2x2(table)
            assert row["ratio"] == pytest.approx(t.riskratio, rel=1e-12)
            lo, hi = t.riskratio_confint(alpha=0.05)
            assert row["ci_low"] == pytest.approx(lo, rel=1e-10)
            assert row["ci_high"] == pytest.approx(hi, rel=1e-10)
        chi2, p, _, expected = stats.chi2_contingency(table, correction=False)
        if expected.min() < 5:
            assert row["test"] == "fisher"
            assert row["p_value"] == pytest.approx(
                stats.fisher_exact(table, alternative="two-sided")[1], rel=1e-12)
        else:
            assert row["test"] == "chi2"
            assert row["p_value"] == pytest.approx(p, rel=1e-10)
        seen.add(row["test"])
    return seen


def test_unweighted_matches_statsmodels_and_scipy(panel):
    result = compare(panel, "mature", "yes", INDICATORS)
    everyone = pd.Series(True, index=panel.index)
    assert _check_unweighted(result, panel, everyone) == {"chi2"}
    np.testing.assert_allclose(result["p_adjusted"],
                               multipletests(result["p_value"], method="fdr_bh")[1],
                               rtol=1e-12)


def test_unweighted_by_sector(panel):
    result = compare(panel, "mature", "yes", INDICATORS, by_group="sector")
    seen = set()
    for sector, rows in result.groupby("sector"):
        seen |= _check_unweighted(rows, panel, panel["sector"] == sector)
        np.testing.assert_allclose(rows["p_adjusted"],
                                   multipletests(rows["p_value"], method="fdr_bh")[1],
                                   rtol=1e-12)
    assert seen == {"chi2", "fisher"}  # the rare indicator has small cells in some sectors


def test_katz_interval_by_hand():
    # a=30 of 50 focus, c=20 of 80 rest: RR = 0.6/0.25 = 2.4
    frame = pd.DataFrame({"g": ["f"] * 50 + ["r"] * 80,
                          "x": [1] * 30 + [0] * 20 + [1] * 20 + [0] * 60})
    row = compare(frame, "g", "f", ["x"]).iloc[0]
    se = np.sqrt(1 / 30 - 1 / 50 + 1 / 20 - 1 / 80)
    assert row["ratio"] == pytest.approx(2.4)
    assert row["ci_low"] == pytest.approx(2.4 * np.exp(-1.959963984540054 * se))
    assert row["ci_high"] == pytest.approx(2.4 * np.exp(1.959963984540054 * se))
    # X² = n(ad − bc)² / (n1 n2 (a+c)(b+d))
    x2 = 130 * (30 * 60 - 20 * 20) ** 2 / (50 * 80 * 50 * 80)
    assert row["p_value"] == pytest.approx(stats.chi2.sf(x2, 1))


# --- missing answers, groups, BH ----------------------------------------------------------


def test_a_missing_answer_leaves_the_respondent_out_of_that_indicator_only():
    frame = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"],
                          "x": [1, None, 0, 1, 0, 0], "y": [1, 1, 0, 0, 0, 1]})
    result = compare(frame, "g", "a", ["x", "y"]).set_index("indicator")
    assert result.loc["x", "n_focus"] == 2 and result.loc["y", "n_focus"] == 3
    assert result.loc["x", "share_focus"] == 0.5
    assert result.loc["y", "share_focus"] == pytest.approx(2 / 3)


def test_rows_without_a_by_value_are_in_neither_group():
    frame = pd.DataFrame({"g": ["a", None, "b", "c"], "x": [1, 1, 0, 1]})
    row = compare(frame, "g", "a", ["x"]).iloc[0]
    assert (row["n_focus"], row["n_rest"]) == (1, 2)
    assert row["share_rest"] == 0.5


def test_focus_given_as_text_matches_a_number_column():
    frame = pd.DataFrame({"stage": [1, 2, 3, 3, 4], "x": [0, 0, 1, 1, 0]})
    row = compare(frame, "stage", "3", ["x"]).iloc[0]
    assert (row["n_focus"], row["n_rest"]) == (2, 3)


def test_benjamini_hochberg_matches_statsmodels():
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.random(30) ** 3, [0.01, 0.01, 1.0]])
    np.testing.assert_allclose(benjamini_hochberg(p),
                               multipletests(p, method="fdr_bh")[1], rtol=1e-12)
    with_nan = np.array([0.04, np.nan, 0.01, 0.03])
    adj = benjamini_hochberg(with_nan)
    assert np.isnan(adj[1])
    np.testing.assert_allclose(adj[[0, 2, 3]],
                               multipletests([0.04, 0.01, 0.03], method="fdr_bh")[1])


# --- errors a user can cause --------------------------------------------------------------


@pytest.fixture
def small() -> pd.DataFrame:
    return pd.DataFrame({"g": ["a", "b", "a", "b"], "x": [1, 0, 1, 1],
                         "w": [1.0, 2.0, 1.5, 0.5]})


def _message(excinfo) -> str:
    assert isinstance(excinfo.value, SocialMaturityError)
    return str(excinfo.value)


@pytest.mark.parametrize("weights, text", [
    ([1.0, 0.0, 1.0, 1.0], "row 1"),
    ([1.0, 1.0, -2.0, 1.0], "row 2"),
    ([1.0, np.nan, 1.0, 1.0], "missing"),
])
def test_bad_weights_are_named(small, weights, text):
    with pytest.raises(ResearchInputError) as excinfo:
        compare(small.assign(w=weights), "g", "a", ["x"], weights="w")
    message = _message(excinfo)
    assert "column 'w'" in message and text in message and "> 0" in message


def test_a_by_column_with_one_value(small):
    with pytest.raises(ResearchInputError) as excinfo:
        compare(small.assign(g="a"), "g", "a", ["x"])
    assert "column 'g'" in _message(excinfo) and "at least two values" in _message(excinfo)


def test_a_focus_value_that_is_not_there(small):
    with pytest.raises(ResearchInputError) as excinfo:
        compare(small, "g", "z", ["x"])
    assert "'z'" in _message(excinfo) and "'a', 'b'" in _message(excinfo)


@pytest.mark.parametrize("values, text", [([1, 2, 0, 1], "row 1"), (["yes", 0, 1, 1], "'yes'"),
                                          ([0.5, 0, 1, 1], "row 0")])
def test_an_indicator_that_is_not_0_1(small, values, text):
    with pytest.raises(ResearchInputError) as excinfo:
        compare(small.assign(x=values), "g", "a", ["x"])
    message = _message(excinfo)
    assert "column 'x'" in message and text in message and "0, 1" in message


@pytest.mark.parametrize("kwargs, name", [
    ({"by": "nope"}, "nope"), ({"indicators": ["x", "nope"]}, "nope"),
    ({"weights": "nope"}, "nope"), ({"by_group": "nope"}, "nope"),
])
def test_unknown_columns(small, kwargs, name):
    args = {"by": "g", "focus": "a", "indicators": ["x"]} | kwargs
    with pytest.raises(ResearchInputError) as excinfo:
        compare(small, **args)
    assert f"column '{name}'" in _message(excinfo) and "'g'" in _message(excinfo)


def test_nullable_and_boolean_indicators_are_read(small):
    frame = small.assign(x=pd.array([True, False, None, True], dtype="boolean"),
                         y=pd.array([1, None, 0, 1], dtype="Int8"))
    result = compare(frame, "g", "a", ["x", "y"]).set_index("indicator")
    assert result.loc["x", "n_focus"] == 1 and result.loc["y", "n_rest"] == 1


def test_a_by_column_with_one_value_shows_it_as_written():
    frame = pd.DataFrame({"g": np.ones(6, dtype=np.int64), "x": [0, 1] * 3})
    with pytest.raises(ResearchInputError, match=r"^column 'g': has only 1; comparing needs"):
        compare(frame, "g", 1, ["x"])
