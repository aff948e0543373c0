"""Weighting: post-stratification checked exactly and against R's postStratify; raking against
R's rake() on apiclus1 and against a loop-based iterative proportional fitting written here;
trimming bounds; Kish's design effect and effective n by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from socialmaturity.research.checks import ResearchInputError
from socialmaturity.research.weighting import (
    RakeResult,
    design_effect,
    effective_n,
    poststratify,
    rake,
)

from .reference import published as pub

REF = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def clus1() -> pd.DataFrame:
    return pd.read_csv(REF / "api" / "apiclus1.csv")


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 1500
    return pd.DataFrame({
        "sector": rng.choice(["retail", "finance", "public", "tech"], n, p=[.4, .3, .2, .1]),
        "size": rng.choice(["small", "medium", "large"], n, p=[.6, .3, .1]),
        "region": rng.choice(["north", "south"], n, p=[.7, .3]),
        "base": rng.uniform(0.5, 2.0, n),
    })


MARGINS = {
    "sector": {"retail": 0.25, "finance": 0.25, "public": 0.3, "tech": 0.2},
    "size": {"small": 0.5, "medium": 0.3, "large": 0.2},
    "region": {"north": 0.5, "south": 0.5},
}


def _loop_ipf(frame: pd.DataFrame, margins: dict, base: np.ndarray | None = None,
              sweeps: int = 500) -> np.ndarray:
    """Iterative proportional fitting as in textbooks and R's rake(): respondent by
    respondent, margin by margin."""
    w = [1.0] * len(frame) if base is None else list(base)
    rows = frame.to_dict("records")
    for _ in range(sweeps):
        for column, targets in margins.items():
            share_total = sum(targets.values())
            totals: dict[str, float] = {}
            for i, row in enumerate(rows):
                totals[row[column]] = totals.get(row[column], 0.0) + w[i]
            grand = sum(totals.values())
            for i, row in enumerate(rows):
                w[i] *= targets[row[column]] / share_total * grand / totals[row[column]]
    out = np.array(w)
    return out / out.mean()


def _shares(frame: pd.DataFrame, weights: pd.Series, column: str) -> pd.Series:
    return weights.groupby(frame[column]).sum() / weights.sum()


# --- post-stratification ------------------------------------------------------------------


def test_poststratify_matches_r_postStratify(clus1):
    # postStratify(d_clus1_w, ~stype, pop.types): weights sum to the population, ours to n
    w = poststratify(clus1, "stype", pub.POP_STYPE)
    r = clus1["stype"].map(pub.POSTSTRATIFY_WEIGHT)
    np.testing.assert_allclose(w * sum(pub.POP_STYPE.values()) / len(clus1), r, rtol=1e-13)
    assert w.mean() == pytest.approx(1.0)
    assert w.name == "weight" and w.index.equals(clus1.index)


def test_poststratified_cell_shares_equal_the_targets_exactly(sample):
    targets = {(s, z): 1 + i + j for i, s in enumerate(["retail", "finance", "public", "tech"])
               for j, z in enumerate(["small", "medium", "large"])}
    total = sum(targets.values())
    w = poststratify(sample, ["sector", "size"], targets)
    got = w.groupby([sample["sector"], sample["size"]]).sum() / w.sum()
    for key, value in targets.items():
        assert got[key] == pytest.approx(value / total, abs=1e-15)
    # with base weights the cells still hit, and within a cell the base ratios stay
    wb = poststratify(sample, ["sector", "size"], targets, base_weights="base")
    got = wb.groupby([sample["sector"], sample["size"]]).sum() / wb.sum()
    assert got[("tech", "large")] == pytest.approx(targets[("tech", "large")] / total, abs=1e-15)
    cell = (sample["sector"] == "retail") & (sample["size"] == "small")
    np.testing.assert_allclose(wb[cell] / sample.loc[cell, "base"],
                               (wb[cell] / sample.loc[cell, "base"]).iloc[0], rtol=1e-12)


def test_poststratify_accepts_a_targets_table(sample):
    table = pd.DataFrame({"region": ["north", "south"], "Freq": [300, 100]})
    w = poststratify(sample, ["region"], table)
    assert _shares(sample, w, "region")["north"] == pytest.approx(0.75, abs=1e-15)


def test_poststratify_names_a_cell_without_target(sample):
    with pytest.raises(ResearchInputError, match=r"region='south'.*no target"):
        poststratify(sample, "region", {"north": 1.0})


def test_poststratify_names_a_target_without_respondents(sample):
    with pytest.raises(ResearchInputError, match=r"region='east'.*no respondents"):
        poststratify(sample, "region", {"north": 0.5, "south": 0.3, "east": 0.2})


def test_poststratify_empty_cell_value(sample):
    frame = sample.head(5).assign(region=["north", None, "south", "north", "south"])
    with pytest.raises(ResearchInputError, match=r"column 'region'.*row 1"):
        poststratify(frame, "region", {"north": 1, "south": 1})


# --- raking -------------------------------------------------------------------------------


def test_rake_reproduces_r_rake_on_apiclus1(clus1):
    margins = {"stype": pub.POP_STYPE, "sch.wide": pub.POP_SCHWIDE}
    r = np.array([pub.RAKE_WEIGHT[(s, w)] for s, w in zip(clus1["stype"], clus1["sch.wide"],
                                                          strict=True)])
    scale = sum(pub.POP_STYPE.values()) / len(clus1)
    # R's rake() with its default control (epsilon = 1 weight unit) stopped after 4 sweeps
    four = rake(clus1, margins, max_iter=4, tol=0)
    assert (four.iterations, four.converged) == (4, False)
    np.testing.assert_allclose(four.weights * scale, r, rtol=1e-13)
    # run to convergence, the weights move on by less than 0.005%
    full = rake(clus1, margins)
    assert full.converged and full.max_error <= 1e-6
    np.testing.assert_allclose(full.weights * scale, r, rtol=5e-5)


def test_rake_matches_a_loop_based_ipf(sample):
    result = rake(sample, MARGINS, tol=1e-12, max_iter=1000)
    assert isinstance(result, RakeResult) and result.converged
    np.testing.assert_allclose(result.weights, _loop_ipf(sample, MARGINS), rtol=1e-9)
    for column, targets in MARGINS.items():
        got = _shares(sample, result.weights, column)
        for value, share in targets.items():
            assert got[value] == pytest.approx(share, abs=1e-12)


def test_rake_from_base_weights_and_counts(sample):
    counts = {c: {k: v * 1000 for k, v in t.items()} for c, t in MARGINS.items()}
    result = rake(sample, counts, base_weights="base", tol=1e-12, max_iter=1000)
    want = _loop_ipf(sample, MARGINS, base=sample["base"].to_numpy())
    np.testing.assert_allclose(result.weights, want, rtol=1e-9)


def test_trimming_bounds_hold(sample):
    loose = rake(sample, MARGINS)
    assert loose.weights.max() / loose.weights.mean() > 3.0
    trimmed = rake(sample, MARGINS, trim=(0.3, 3.0), max_iter=500)
    ratio = trimmed.weights / trimmed.weights.mean()
    assert ratio.min() >= 0.3 - 1e-9 and ratio.max() <= 3.0 + 1e-9
    assert trimmed.converged  # these margins can be met within the bounds
    for column, targets in MARGINS.items():
        got = _shares(sample, trimmed.weights, column)
        for value, share in targets.items():
            assert got[value] == pytest.approx(share, abs=1e-6)
    assert trimmed.design_effect < loose.design_effect


def test_trimming_that_cannot_meet_the_margins_says_so(sample):
    result = rake(sample, MARGINS, trim=(0.9, 1.1), max_iter=50)
    ratio = result.weights / result.weights.mean()
    assert ratio.min() >= 0.9 - 1e-9 and ratio.max() <= 1.1 + 1e-9
    assert not result.converged and result.iterations == 50 and result.max_error > 1e-3


@pytest.mark.parametrize("margins, text", [
    ({"sector": {"retail": 1, "finance": 1, "public": 1}}, r"'tech'.*no target"),
    ({"region": {"north": 1, "south": 1, "west": 1}}, r"'west'.*no respondents"),
    ({"nope": {"a": 1}}, r"column 'nope'"),
    ({"region": {"north": -1, "south": 1}}, r"target for 'north'"),
])
def test_rake_errors(sample, margins, text):
    with pytest.raises(ResearchInputError, match=text):
        rake(sample, margins)


@pytest.mark.parametrize("kwargs", [{"trim": (1.2, 3.0)}, {"trim": (0.5, 0.9)},
                                    {"max_iter": 0}])
def test_rake_bad_settings(sample, kwargs):
    with pytest.raises(ResearchInputError):
        rake(sample, MARGINS, **kwargs)


def test_rake_rejects_bad_base_weights(sample):
    with pytest.raises(ResearchInputError, match=r"column 'base'.*row 3"):
        rake(sample.assign(base=np.where(sample.index == 3, 0.0, 1.0)), MARGINS,
             base_weights="base")


def test_values_match_targets_by_text():
    frame = pd.DataFrame({"stage": [1, 2, 2, 3]})
    result = rake(frame, {"stage": {"1": 1, "2": 1, "3": 2}})
    assert _shares(frame, result.weights, "stage")[3] == pytest.approx(0.5, abs=1e-9)


# --- design effect, effective n -----------------------------------------------------------


def test_kish_by_hand():
    w = [1.0, 2.0, 3.0]
    assert design_effect(w) == pytest.approx(3 * 14 / 36)
    assert effective_n(w) == pytest.approx(36 / 14)
    assert design_effect(np.full(10, 4.2)) == pytest.approx(1.0)
    assert effective_n(pd.Series(np.full(10, 4.2))) == pytest.approx(10.0)


@pytest.mark.parametrize("w", [[1.0, 0.0], [1.0, -1.0], [1.0, np.nan], []])
def test_kish_rejects_bad_weights(w):
    with pytest.raises(ResearchInputError):
        design_effect(w)
    with pytest.raises(ResearchInputError):
        effective_n(w)


def test_a_target_without_respondents_writes_its_share_as_the_language_does(sample):
    with pytest.raises(ResearchInputError) as err:
        rake(sample, {"region": {"north": 1, "south": 1, "east": 1, "west": 8}})
    problem = next(p for p in err.value.problems if "'west'" in p.text("en"))
    assert "(0.7273)" in problem.text("en") and "(0,7273)" in problem.text("nl")


def test_a_trim_that_is_not_two_bounds_shows_what_was_typed():
    from socialmaturity.errors import SocialMaturityError
    from socialmaturity.services.research_files import parse_trim

    with pytest.raises(SocialMaturityError) as err:
        parse_trim("0.3")
    assert str(err.value.problems[0]) == ("--trim: '0.3' is not two bounds; valid: LOW,HIGH "
                                          "around the mean weight, e.g. 0.3,3")
