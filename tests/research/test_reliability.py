"""Cronbach's alpha: pinned to R's psych::alpha on a published data set (pingouin's), to the
textbook formulas computed by hand, Feldt's interval to pingouin's documented formula, omega
to an exact one-factor model; per dimension on the demo panel."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.stats import f as f_dist

from socialmaturity.benchmark.demo import generate_panel
from socialmaturity.instrument.model import DONT_KNOW
from socialmaturity.research.checks import ResearchInputError
from socialmaturity.research.reliability import (
    ReliabilityResult,
    cronbach_alpha,
    dimension_reliability,
    feldt_interval,
    omega_total,
    reliability_by_dimension,
    reliability_table,
)
from socialmaturity.scoring.batch import item_score_matrix
from socialmaturity.scoring.encode import encode_frame

from .reference import published as pub


@pytest.fixture(scope="module")
def wide_missing() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(pub.CRONBACH_WIDE_MISSING))


@pytest.fixture(scope="module")
def likert() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n, k = 300, 6
    theta = rng.normal(size=n)
    x = np.clip(np.round(3 + 0.9 * theta[:, None] + rng.normal(size=(n, k))), 1, 5)
    return pd.DataFrame(x, columns=[f"q{i}" for i in range(1, k + 1)])


# --- published: psych::alpha via pingouin --------------------------------------------------


def test_pairwise_alpha_matches_psych(wide_missing):
    r = cronbach_alpha(wide_missing, list(wide_missing.columns))
    assert isinstance(r, ReliabilityResult)
    assert round(r.alpha, 6) == pub.ALPHA_PAIRWISE
    assert (round(r.ci_low, 3), round(r.ci_high, 3)) == pub.ALPHA_PAIRWISE_CI
    assert (r.n, r.n_complete, r.n_pairwise_min, r.n_pairwise_max, r.k) == (12, 9, 10, 12, 11)


def test_complete_case_alpha_matches_psych(wide_missing):
    complete = wide_missing.dropna()
    r = cronbach_alpha(complete, list(complete.columns))
    assert round(r.alpha, 6) == pub.ALPHA_COMPLETE_CASES
    assert (round(r.ci_low, 3), round(r.ci_high, 3)) == pub.ALPHA_COMPLETE_CASES_CI


def test_feldt_interval_is_pingouins_formula():
    # pingouin: lower = 1 - (1 - a) * f.isf(0.025, n-1, (n-1)(k-1)), upper with f.isf(0.975)
    for alpha, n, k in [(0.7326608352144469, 12, 11), (0.85, 250, 6), (0.4, 30, 3)]:
        lo, hi = feldt_interval(alpha, n, k)
        assert lo == pytest.approx(1 - (1 - alpha) * f_dist.isf(0.025, n - 1, (n - 1) * (k - 1)))
        assert hi == pytest.approx(1 - (1 - alpha) * f_dist.isf(0.975, n - 1, (n - 1) * (k - 1)))


# --- by hand ------------------------------------------------------------------------------


def test_complete_data_by_the_textbook_formulas(likert):
    items = list(likert.columns)
    r = cronbach_alpha(likert, items)
    x = likert.to_numpy()
    k = x.shape[1]
    total = x.sum(axis=1)
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    assert r.alpha == pytest.approx(alpha, rel=1e-12)
    corr = np.corrcoef(x, rowvar=False)
    rbar = corr[np.triu_indices(k, 1)].mean()
    assert r.std_alpha == pytest.approx(k * rbar / (1 + (k - 1) * rbar), rel=1e-12)
    stats = r.item_stats.set_index("item")
    for i, item in enumerate(items):
        rest = total - x[:, i]
        assert stats.loc[item, "r_drop"] == pytest.approx(np.corrcoef(x[:, i], rest)[0, 1],
                                                          rel=1e-12)
        sub = np.delete(x, i, axis=1)
        a_i = (k - 1) / (k - 2) * (1 - sub.var(axis=0, ddof=1).sum()
                                   / sub.sum(axis=1).var(ddof=1))
        assert stats.loc[item, "alpha_if_dropped"] == pytest.approx(a_i, rel=1e-12)
        assert stats.loc[item, "mean"] == pytest.approx(x[:, i].mean())
        assert stats.loc[item, "sd"] == pytest.approx(x[:, i].std(ddof=1))
    assert (r.n, r.n_complete, r.n_pairwise_min) == (300, 300, 300)


def _pairwise_cov(x: np.ndarray) -> np.ndarray:
    """R's cov(x, use = "pairwise"): each entry over the rows where both are present."""
    k = x.shape[1]
    c = np.empty((k, k))
    for i, j in itertools.product(range(k), repeat=2):
        both = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
        a, b = x[both, i], x[both, j]
        c[i, j] = ((a - a.mean()) * (b - b.mean())).sum() / (both.sum() - 1)
    return c


def test_missing_answers_use_pairwise_covariances(likert):
    rng = np.random.default_rng(8)
    holes = likert.mask(rng.random(likert.shape) < 0.15)
    r = cronbach_alpha(holes, list(holes.columns))
    c = _pairwise_cov(holes.to_numpy())
    k = c.shape[0]
    assert r.alpha == pytest.approx(k / (k - 1) * (1 - np.trace(c) / c.sum()), rel=1e-12)
    assert r.n_complete == int(holes.notna().all(axis=1).sum())
    assert r.n == int(holes.notna().any(axis=1).sum())


def test_reverse_keyed_items(likert):
    flipped = likert.assign(q2=6 - likert["q2"], q5=6 - likert["q5"])
    original = cronbach_alpha(likert, list(likert.columns))
    assert cronbach_alpha(flipped, list(flipped.columns)).alpha < original.alpha
    # observed range 1..5: flipping back restores the scale
    back = cronbach_alpha(flipped, list(flipped.columns), reverse=["q2", "q5"])
    assert back.alpha == pytest.approx(original.alpha, rel=1e-12)
    assert back.reversed == ["q2", "q5"]
    # an explicit range: 1..7 flips to 8 - x, which shifts but does not change alpha
    wide = cronbach_alpha(flipped, list(flipped.columns), reverse=["q2", "q5"], min=1, max=7)
    assert wide.alpha == pytest.approx(original.alpha, rel=1e-12)
    assert wide.item_stats.set_index("item").loc["q2", "mean"] == pytest.approx(
        8 - flipped["q2"].mean())


def test_an_item_without_variance_is_left_out(likert):
    r = cronbach_alpha(likert.assign(same=3.0), list(likert.columns) + ["same"])
    assert r.dropped == ["same"] and "same" not in r.items
    assert r.alpha == pytest.approx(cronbach_alpha(likert, list(likert.columns)).alpha)


def test_omega_of_an_exact_one_factor_model():
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.75])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    s = lam.sum() ** 2
    assert omega_total(r) == pytest.approx(s / (s + (1 - lam**2).sum()), rel=1e-8)


def test_omega_on_one_factor_data_is_close_to_the_model(likert):
    r = cronbach_alpha(likert, list(likert.columns))
    assert 0.7 < r.omega < 0.95
    assert r.omega >= r.alpha - 0.01  # omega ≥ alpha for congeneric items (up to sampling)


def test_reliability_table(likert):
    table = reliability_table({"trust": cronbach_alpha(likert, ["q1", "q2", "q3"]),
                               "all": cronbach_alpha(likert, list(likert.columns))})
    assert list(table.columns) == ["scale", "k", "n", "n_complete", "alpha", "std_alpha",
                                   "ci_low", "ci_high", "omega"]
    assert list(table["scale"]) == ["trust", "all"] and list(table["k"]) == [3, 6]


@pytest.mark.parametrize("items, kwargs, text", [
    (["q1", "nope"], {}, "column 'nope'"),
    (["q1"], {}, "at least two items"),
    (["q1", "q2"], {"reverse": ["q3"]}, "column 'q3'.*not one of the scale's items"),
    (["q1", "label"], {}, "column 'label', row 0"),
])
def test_errors(likert, items, kwargs, text):
    frame = likert.assign(label="x")
    with pytest.raises(ResearchInputError, match=text):
        cronbach_alpha(frame, items, **kwargs)


# --- per dimension on instrument answers --------------------------------------------------


@pytest.fixture(scope="module")
def demo(social) -> pd.DataFrame:
    return generate_panel(social, respondents=800, seed=7)


def test_every_dimension_of_the_demo_panel_is_reliable(social, demo):
    table = reliability_by_dimension(demo, social)
    assert list(table["scale"]) == [d.id for d in social.dimensions]
    assert (table["alpha"] > 0.6).all() and (table["alpha"] < 0.98).all()
    assert (table["ci_low"] < table["alpha"]).all() and (table["alpha"] < table["ci_high"]).all()
    assert (table["n"] == len(demo)).all()


def test_dimension_items_are_the_engines_item_scores(social, demo):
    # strategy: six single-choice questions; score = (points − min) / (max − min) of the
    # chosen option, "don't know" and empty are missing
    dim = social.index.dimensions["strategy"]
    by_hand = {}
    for q in dim.questions:
        points = {o.key: o.points for o in social.index.options[q.id]}
        lo, hi = min(points.values()), max(points.values())
        by_hand[q.id] = demo[q.id].map(
            lambda v, p=points, lo=lo, hi=hi: np.nan if v in (None, DONT_KNOW) or pd.isna(v)
            else (p[v] - lo) / (hi - lo))
    by_hand = pd.DataFrame(by_hand)
    enc, problems = encode_frame(social, demo, len(demo), social.scored_questions)
    assert problems == {}
    engine = item_score_matrix(social, enc, answered_only=True)
    for qid in by_hand:
        np.testing.assert_allclose(engine[qid], by_hand[qid].to_numpy(dtype=float),
                                   equal_nan=True)
    expected = cronbach_alpha(by_hand, list(by_hand.columns))
    got = dimension_reliability(demo, social)["strategy"]
    assert got.alpha == pytest.approx(expected.alpha, rel=1e-12)
    assert got.items == [q.id for q in dim.questions]


def test_item_scores_as_scored_count_dont_know_as_zero(social, demo):
    enc, _ = encode_frame(social, demo, len(demo), social.scored_questions)
    scored = item_score_matrix(social, enc)
    answered = item_score_matrix(social, enc, answered_only=True)
    qid = "strategy-sponsor"
    dk = (demo[qid] == DONT_KNOW).to_numpy()
    assert dk.any()
    assert (scored[qid][dk] == 0).all() and np.isnan(answered[qid][dk]).all()


def test_invalid_answers_are_named(social, demo):
    bad = demo.copy()
    bad.loc[bad.index[3], "strategy-sponsor"] = "astronaut"
    with pytest.raises(ResearchInputError, match=r"column 'strategy-sponsor', row 3.*astronaut"):
        reliability_by_dimension(bad, social)
