"""Peer groups, widening, percentiles and quantiles, checked against numpy/scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from socialmaturity.benchmark.peers import Distribution, PeerIndex
from socialmaturity.services.assessment import demo_panel


@pytest.fixture(scope="module")
def index(social):
    return PeerIndex(social, demo_panel(social), min_group_size=30)


@pytest.mark.parametrize("p", [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1])
def test_quantile_matches_numpy(p):
    values = np.sort(np.random.default_rng(1).integers(0, 100, 37).astype(float))
    assert Distribution(values).quantile(p) == pytest.approx(np.quantile(values, p))


def test_percentile_is_below_plus_half_ties_as_scipy_mean_kind():
    values = np.array([10, 20, 20, 20, 30, 40.0])
    d = Distribution(np.sort(values))
    for x in (5, 10, 20, 25, 40, 50):
        assert d.percentile(x) == pytest.approx(stats.percentileofscore(values, x, kind="mean"))


def test_full_group_when_large_enough(index, social):
    panel = index.panel
    s, z, r = (panel.profile[f] for f in ("sector", "size", "region"))
    codes = np.stack([s, z, r], axis=1)
    combos, counts = np.unique(codes, axis=0, return_counts=True)
    big = combos[counts.argmax()]
    keys = [social.index.option_keys(f) for f in ("sector", "size", "region")]
    profile = {f: keys[i][big[i]] for i, f in enumerate(("sector", "size", "region"))}
    group = index.peer_group(profile)
    if counts.max() >= 30:
        assert group.filters == profile and not group.widened_from
        assert group.n == counts.max()


def test_widening_steps_and_counts(index, social):
    profile = {"sector": "education", "size": "10000-plus", "region": "latin-america"}
    group = index.peer_group(profile)
    sector = index.panel.profile["sector"] == social.index.option_keys("sector").index("education")
    size = index.panel.profile["size"] == 3
    region = index.panel.profile["region"] == 2
    tried = [(f, n) for f, n in group.widened_from]
    assert tried[0] == (profile, int((sector & size & region).sum()))
    assert group.n >= 30
    expected_n = {3: (sector & size & region).sum(), 2: (sector & size).sum(),
                  1: sector.sum(), 0: len(sector)}[len(group.filters)]
    assert group.n == expected_n


def test_group_statistics_match_a_direct_computation(index, social):
    group = index.peer_group({"sector": "technology"})
    rows = index.panel.profile["sector"] == social.index.option_keys("sector").index("technology")
    st = index.stats(group)
    overall = index.panel.scores.overall[rows]
    assert st.n == rows.sum()
    assert st.overall.quantile(0.5) == pytest.approx(np.median(overall))
    levels = index.panel.scores.level[rows]
    assert st.stages == {lv: int((levels == lv).sum()) for lv in (1, 2, 3, 4)}
    assert st.mature == int((levels >= 3).sum())


def test_a_profile_without_peer_fields_uses_the_whole_panel(index):
    group = index.peer_group({})
    assert group.filters == {} and group.n == index.panel.n


def test_histogram_matches_numpy():
    values = np.random.default_rng(2).uniform(0, 100, 500).round(1)
    values[:3] = [0, 10, 100]
    values = np.sort(values)
    expected, _ = np.histogram(values, bins=np.linspace(0, 100, 11))
    assert Distribution(values).histogram() == expected.tolist()
