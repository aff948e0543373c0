"""shares() and quantiles(): pinned to R survey values (published and through the reference
transcription in ``reference/``) and to numpy's quantile definitions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from socialmaturity.research.checks import ResearchInputError
from socialmaturity.research.describe import quantiles, shares

from .reference import published as pub

REF = Path(__file__).parent / "reference"
INDICATORS = ["uses_social", "has_policy", "measures_roi"]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.read_csv(REF / "synthetic_panel.csv")


@pytest.fixture(scope="module")
def pinned() -> dict:
    return json.loads((REF / "pinned.json").read_text())


def _check(rows: pd.DataFrame, expected: dict) -> None:
    assert list(rows["indicator"]) == INDICATORS
    for _, row in rows.iterrows():
        want = expected[row["indicator"]]
        assert row["n"] == want["n"]
        for col in ("share", "se", "ci_low", "ci_high"):
            assert row[col] == pytest.approx(want[col], rel=1e-9), (row["indicator"], col)


def test_published_svymean_se_on_apisrs():
    # svymean(~awards, svydesign(id = ~1, weights = ~pw, data = apisrs)): 0.62, SE 0.03440813
    frame = pd.DataFrame({"yes": [1] * pub.SRS_AWARDS_YES + [0] * (pub.SRS_N - 124),
                          "pw": pub.SRS_PW})
    row = shares(frame, ["yes"], weights="pw").iloc[0]
    est, se = pub.AWARDS[("srs_w", "Yes")]
    assert row["share"] == pytest.approx(est, rel=1e-12)
    assert row["se"] == pytest.approx(se, rel=1e-12)
    assert shares(frame, ["yes"]).iloc[0]["se"] == pytest.approx(se, rel=1e-12)


def test_weighted_shares_match_the_survey_package(panel, pinned):
    result = shares(panel, INDICATORS, weights="w")
    assert list(result.columns) == ["indicator", "n", "share", "se", "ci_low", "ci_high",
                                    "deff"]
    _check(result, pinned["shares"])


def test_unweighted_shares_are_the_survey_package_on_equal_weights(panel, pinned):
    _check(shares(panel, INDICATORS), pinned["shares_unweighted"])


def test_weighted_shares_by_sector(panel, pinned):
    result = shares(panel, INDICATORS, weights="w", by="sector")
    assert list(result.columns)[0] == "sector"
    assert sorted(result["sector"].unique()) == ["finance", "public", "retail"]
    for sector, rows in result.groupby("sector"):
        _check(rows, pinned["shares_by_sector"][sector])


def test_unweighted_se_and_logit_interval_by_hand():
    # 12 of 40, no missing: se = sqrt(p(1-p)/(n-1)); CI = expit(logit p ± t(39) se/(p(1-p)))
    frame = pd.DataFrame({"x": [1] * 12 + [0] * 28})
    row = shares(frame, ["x"]).iloc[0]
    p = 0.3
    se = np.sqrt(p * (1 - p) / 39)
    assert row["se"] == pytest.approx(se, rel=1e-12)
    half = stats.t.ppf(0.975, 39) * se / (p * (1 - p))
    logit = np.log(p / (1 - p))
    assert row["ci_low"] == pytest.approx(1 / (1 + np.exp(-(logit - half))), rel=1e-12)
    assert row["ci_high"] == pytest.approx(1 / (1 + np.exp(-(logit + half))), rel=1e-12)


def test_a_share_of_zero_or_one_has_no_logit_interval():
    row = shares(pd.DataFrame({"x": [1, 1, 1]}), ["x"]).iloc[0]
    assert row["share"] == 1 and row["se"] == 0
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


# --- quantiles ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10, 25, 64])
def test_equal_weights_match_numpy(n):
    rng = np.random.default_rng(n)
    x = rng.integers(0, 15, n).astype(float)  # ties included
    probs = np.concatenate([np.linspace(0, 1, 41), rng.random(10)])
    frame = pd.DataFrame({"x": x})
    got = quantiles(frame, "x", probs=probs)["quantile"].to_numpy()
    np.testing.assert_array_equal(got, np.quantile(x, probs, method="inverted_cdf"))
    got = quantiles(frame, "x", probs=probs, rule="interpolated")["quantile"].to_numpy()
    np.testing.assert_allclose(got, np.quantile(x, probs, method="linear"), rtol=1e-13)


def test_weighted_inverse_cdf_by_hand():
    # CDF of 1, 2, 3, 4 with weights 1, 1, 1, 5: 1/8, 2/8, 3/8, 1
    frame = pd.DataFrame({"x": [3, 1, 4, 2], "w": [1, 1, 5, 1]})
    got = quantiles(frame, "x", weights="w", probs=[0.1, 0.125, 0.2, 0.25, 0.3, 0.5, 1.0])
    assert list(got["quantile"]) == [1, 1, 2, 2, 3, 4, 4]
    # interpolated: points (0, 1), (1/3, 2), (2/3, 3), (1, 4) — C_{j-1}/C_{n-1}, C_3 = 3
    got = quantiles(frame, "x", weights="w", probs=[0.5], rule="interpolated")
    assert got["quantile"].iloc[0] == pytest.approx(2.5)


def test_weighted_quantiles_match_svyquantile(panel, pinned):
    want = pinned["quantiles"]
    probs = want["probs"]
    overall = quantiles(panel, "score", weights="w", probs=probs)
    assert list(overall.columns) == ["prob", "quantile", "se", "ci_low", "ci_high", "n"]
    assert list(overall["quantile"]) == want["all"]["math"]
    assert (overall["n"] == want["all"]["n"]).all()
    interp = quantiles(panel, "score", weights="w", probs=probs, rule="interpolated")
    np.testing.assert_allclose(interp["quantile"], want["all"]["hf7"], rtol=1e-12)
    for rule, key in (("inverse", "math"), ("interpolated", "hf7")):
        by = quantiles(panel, "score", by="sector", weights="w", probs=probs, rule=rule)
        for sector, rows in by.groupby("sector"):
            np.testing.assert_allclose(rows["quantile"], want[sector][key], rtol=1e-12)
            assert (rows["n"] == want[sector]["n"]).all()


@pytest.mark.parametrize("kwargs, text", [
    ({"rule": "hf9"}, "inverse, interpolated"), ({"probs": [0.5, 1.2]}, "between 0 and 1"),
    ({"value": "label"}, "not a number"), ({"weights": "bad_w"}, "row 1"),
])
def test_quantile_errors(kwargs, text):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "label": ["a", "b", "c"],
                          "bad_w": [1.0, 0.0, 1.0]})
    args = {"value": "x"} | kwargs
    with pytest.raises(ResearchInputError, match=text):
        quantiles(frame, **args)


def test_share_errors():
    frame = pd.DataFrame({"x": [1, 0, 1], "w": [1.0, None, 2.0]})
    with pytest.raises(ResearchInputError, match="column 'w'.*missing"):
        shares(frame, ["x"], weights="w")
    with pytest.raises(ResearchInputError, match="column 'nope'"):
        shares(frame, ["x"], by="nope")
