"""Clustered and stratified-clustered designs: compare(), shares() and quantiles() pinned to
R's survey package.

Two links in the chain of trust:

1. ``reference/survey_formulas.py`` (a loop-based transcription of the survey package's R
   code, now with PSUs summed within strata as ``onestrat`` does) reproduces numbers R printed
   for ``svydesign(ids = ~dnum, weights = ~pw, data = apiclus1)`` and the same with
   ``strata = ~stype, nest = TRUE`` (``reference/published.py``, ``CLUS1``);
2. production code on a clustered panel made here (organizations of 1–6 respondents in three
   sectors, unequal weights, missing answers) agrees with that transcription to 1e-9 relative,
   and with values R printed for the same panel (``CLUSTERED_PANEL``), to 1e-6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from socialmaturity.research.checks import ResearchInputError
from socialmaturity.research.compare import compare
from socialmaturity.research.describe import quantiles, shares
from socialmaturity.research.design import make_design

from .reference import published as pub
from .reference import survey_formulas as sf

REF = Path(__file__).parent / "reference"
INDICATORS = ["a", "b", "rare"]
RTOL = 1e-9


def clustered_panel(seed: int = 11, orgs: int = 90) -> pd.DataFrame:
    """Organizations with correlated answers: an organization effect shifts every
    respondent's chance of saying yes."""
    rng = np.random.default_rng(seed)
    rows = []
    for o in range(orgs):
        sector = ["finance", "public", "retail"][o % 3]
        size = int(rng.integers(1, 7))
        effect = rng.normal(0, 1.2)
        mature_org = rng.random() < 0.4
        for _ in range(size):
            mature = mature_org if rng.random() < 0.8 else not mature_org
            lin = -0.3 + effect + (0.9 if mature else 0.0)
            row = {"organization_id": f"org-{o:03d}", "sector": sector,
                   "mature": bool(mature), "w": float(rng.uniform(0.5, 3.0)),
                   "score": float(np.clip(50 + 15 * effect + rng.normal(0, 8), 0, 100))}
            for j, name in enumerate(INDICATORS):
                shift = -2.5 if name == "rare" else 0.4 * j
                p = 1 / (1 + np.exp(-(lin - shift)))
                row[name] = float(rng.random() < p)
            if rng.random() < 0.08:
                row["b"] = np.nan
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return clustered_panel()


def _influence(y: np.ndarray, w: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """z_i of a domain mean (0 outside the domain), by a loop."""
    total = sum(w[i] for i in range(len(y)) if domain[i])
    mean = sum(w[i] * y[i] for i in range(len(y)) if domain[i]) / total
    return np.array([w[i] * (y[i] - mean) / total if domain[i] else 0.0
                     for i in range(len(y))]), mean


def _design_arrays(frame: pd.DataFrame, stratified: bool):
    strata = frame["sector"].to_numpy() if stratified else None
    return frame["w"].to_numpy(float), strata, frame["organization_id"].to_numpy()


# --- 1. the transcription reproduces R on apiclus1 ------------------------------------------


@pytest.fixture(scope="module")
def clus1() -> pd.DataFrame:
    return pd.read_csv(REF / "api" / "apiclus1.csv")


@pytest.mark.parametrize("design", ["clus1", "clus1_strat"])
def test_transcription_reproduces_r_on_apiclus1(clus1, design):
    w = np.full(len(clus1), pub.CLUS1_PW)
    strata = clus1["stype"].to_numpy() if design == "clus1_strat" else None
    cluster = clus1["dnum"].to_numpy()
    y = (clus1["sch.wide"] == "Yes").to_numpy(float)
    ref = pub.CLUS1[design]
    mean, var = sf.svymean(y, w, strata=strata, cluster=cluster)
    assert mean[0] == pytest.approx(ref["mean"], rel=1e-10)
    assert np.sqrt(var[0, 0]) == pytest.approx(ref["se"], rel=1e-10)
    elem = (clus1["stype"] == "E").to_numpy()
    mean, var = sf.svymean(y, w, domain=elem, strata=strata, cluster=cluster)
    assert mean[0] == pytest.approx(ref["mean_E"], rel=1e-10)
    assert np.sqrt(var[0, 0]) == pytest.approx(ref["se_E"], rel=1e-10)
    assert sf.degf(strata, cluster, np.ones(len(y), dtype=bool)) == ref["degf"]
    lo, hi = sf.svyciprop_logit(ref["mean"], ref["se"], ref["degf"])
    assert (lo, hi) == pytest.approx(ref["ci"], rel=1e-8)
    chi = sf.svychisq(clus1["stype"].to_numpy(object), clus1["sch.wide"].to_numpy(object), w,
                      strata=strata, cluster=cluster)
    assert chi["statistic"] == pytest.approx(ref["F"], rel=1e-8)
    assert chi["ndf"] == pytest.approx(ref["ndf"], rel=1e-8)
    assert chi["ddf"] == pytest.approx(ref["ddf"], rel=1e-8)
    assert chi["p"] == pytest.approx(ref["p"], rel=1e-7)


# --- 2. production agrees with the transcription on a clustered panel ---------------------


@pytest.mark.parametrize("stratified", [False, True])
def test_shares_follow_the_design(panel, stratified):
    w, strata, cluster = _design_arrays(panel, stratified)
    got = shares(panel, INDICATORS, weights="w", by="mature", cluster="organization_id",
                 strata="sector" if stratified else None)
    for r in got.to_dict("records"):
        y = panel[r["indicator"]].to_numpy(float)
        group = (panel["mature"] == r["mature"]).to_numpy()
        domain = group & ~np.isnan(y)
        mean, var = sf.svymean(np.nan_to_num(y), w, domain=domain, strata=strata,
                               cluster=cluster)
        se = np.sqrt(var[0, 0])
        assert r["share"] == pytest.approx(mean[0], rel=RTOL)
        assert r["se"] == pytest.approx(se, rel=RTOL)
        df = sf.degf(strata, cluster, group)
        lo, hi = sf.svyciprop_logit(mean[0], se, df)
        assert (r["ci_low"], r["ci_high"]) == pytest.approx((lo, hi), rel=RTOL)
        n = int(domain.sum())
        assert r["deff"] == pytest.approx(var[0, 0] / (mean[0] * (1 - mean[0]) / (n - 1)),
                                          rel=RTOL)


@pytest.mark.parametrize("stratified", [False, True])
@pytest.mark.parametrize("by_group", [None, "sector"])
def test_compare_follows_the_design(panel, stratified, by_group):
    if stratified and by_group:
        pytest.skip("by sector within sector strata: one stratum per group, covered below")
    w, strata, cluster = _design_arrays(panel, stratified)
    got = compare(panel, "mature", True, INDICATORS, weights="w", by_group=by_group,
                  cluster="organization_id", strata="sector" if stratified else None)
    groups = [None] if by_group is None else sorted(panel[by_group].unique())
    for g in groups:
        population = np.ones(len(panel), dtype=bool) if g is None else \
            (panel[by_group] == g).to_numpy()
        rows = got if g is None else got[got[by_group] == g]
        for r in rows.to_dict("records"):
            y = panel[r["indicator"]].to_numpy(float)
            ans = ~np.isnan(y)
            focus = population & ans & panel["mature"].to_numpy()
            rest = population & ans & ~panel["mature"].to_numpy()
            zf, pf = _influence(np.nan_to_num(y), w, focus)
            zr, pr = _influence(np.nan_to_num(y), w, rest)
            v = sf.svyrecvar(np.column_stack([zf, zr]), strata, None, cluster)
            assert r["share_focus"] == pytest.approx(pf, rel=RTOL)
            assert r["share_rest"] == pytest.approx(pr, rel=RTOL)
            assert r["se_focus"] == pytest.approx(np.sqrt(v[0, 0]), rel=RTOL)
            assert r["se_rest"] == pytest.approx(np.sqrt(v[1, 1]), rel=RTOL)
            # svycontrast(~log(focus/rest)): the delta method on the log scale, normal quantile
            var_log = v[0, 0] / pf**2 + v[1, 1] / pr**2 - 2 * v[0, 1] / (pf * pr)
            z = stats.norm.ppf(0.975)
            assert r["ratio"] == pytest.approx(pf / pr, rel=RTOL)
            assert r["ci_low"] == pytest.approx(pf / pr * np.exp(-z * np.sqrt(var_log)),
                                                rel=RTOL)
            assert r["ci_high"] == pytest.approx(pf / pr * np.exp(z * np.sqrt(var_log)),
                                                 rel=RTOL)
            # svychisq(~grp + ind, subset(des, sector == g))
            grp = np.where(population, np.where(panel["mature"], "focus", "rest"), None)
            ind = np.where(ans, y, np.nan).astype(object)
            chi = sf.svychisq(grp, ind, w, strata=strata, cluster=cluster,
                              nu=sf.degf(strata, cluster, population))
            assert r["p_value"] == pytest.approx(chi["p"], rel=1e-7)
            assert r["test"] == "rao-scott"


def test_compare_stratified_within_groups(panel):
    """Strata that are not the by_group column: a design stratified by size class."""
    frame = panel.assign(size=np.where(panel.index % 2 == 0, "small", "large"))
    # strata must hold PSUs: make organizations' size constant
    frame["size"] = frame.groupby("organization_id")["size"].transform("first")
    w, cluster = frame["w"].to_numpy(float), frame["organization_id"].to_numpy()
    strata = frame["size"].to_numpy()
    got = compare(frame, "mature", True, ["a"], weights="w", by_group="sector",
                  cluster="organization_id", strata="size")
    for r in got.to_dict("records"):
        population = (frame["sector"] == r["sector"]).to_numpy()
        grp = np.where(population, np.where(frame["mature"], "focus", "rest"), None)
        chi = sf.svychisq(grp, frame["a"].to_numpy(object), w, strata=strata, cluster=cluster,
                          nu=sf.degf(strata, cluster, population))
        assert r["p_value"] == pytest.approx(chi["p"], rel=1e-7)


def test_simple_design_unchanged_by_the_design_path(panel):
    """ids = ~1 through the clustered code path (each row its own cluster) gives the same
    numbers as the one-stage formulas."""
    frame = panel.assign(row_id=np.arange(len(panel)))
    a = compare(frame, "mature", True, INDICATORS, weights="w")
    b = compare(frame, "mature", True, INDICATORS, weights="w", cluster="row_id")
    cols = ["share_focus", "share_rest", "se_focus", "se_rest", "ratio", "ci_low", "ci_high",
            "p_value"]
    np.testing.assert_allclose(a[cols].to_numpy(float), b[cols].to_numpy(float), rtol=1e-9)
    assert a[["n_focus", "n_rest", "test"]].equals(b[["n_focus", "n_rest", "test"]])


def test_clusters_widen_the_intervals(panel):
    plain = compare(panel, "mature", True, ["a"], weights="w")
    clustered = compare(panel, "mature", True, ["a"], weights="w", cluster="organization_id")
    assert clustered["se_focus"][0] > plain["se_focus"][0]
    assert (clustered["ci_high"][0] - clustered["ci_low"][0]) > \
        (plain["ci_high"][0] - plain["ci_low"][0])


def test_bad_designs_name_the_problem(panel):
    with pytest.raises(ResearchInputError, match="organisation"):
        make_design(panel, "w", "organisation")
    holes = panel.assign(organization_id=panel["organization_id"].where(panel.index != 3))
    with pytest.raises(ResearchInputError, match="without a cluster"):
        make_design(holes, "w", "organization_id")
    lonely = panel.assign(sector=np.where(panel["organization_id"] == "org-000", "solo",
                                          panel["sector"]))
    with pytest.raises(ResearchInputError, match="single cluster.*'solo'"):
        make_design(lonely, "w", "organization_id", "sector")
    # more than five: the first five and how many more, none left out silently
    orgs = sorted(panel["organization_id"].unique())[:7]
    seven = panel.assign(sector=panel["sector"].mask(panel["organization_id"].isin(orgs),
                                                     panel["organization_id"]))
    with pytest.raises(ResearchInputError, match=r"^column 'sector': 7 strata with a single "
                       r"cluster \('org-\d+', 'org-\d+', 'org-\d+', 'org-\d+', 'org-\d+' "
                       r"and 2 more\); "):
        make_design(seven, "w", "organization_id", "sector")
    design = make_design(panel, "w", "organization_id", "sector")
    assert design.df == panel["organization_id"].nunique() - 3


# --- 3. production against values R printed for the same panel ----------------------------


@pytest.mark.parametrize("design", ["clus", "strat"])
def test_panel_matches_values_r_printed(panel, design):
    ref = pub.CLUSTERED_PANEL[design]
    strata = "sector" if design == "strat" else None
    got = compare(panel, "mature", True, INDICATORS, weights="w", cluster="organization_id",
                  strata=strata).set_index("indicator")
    props = shares(panel, INDICATORS, weights="w", by="mature", cluster="organization_id",
                   strata=strata)
    for ind in INDICATORS:
        r, row = ref[ind], got.loc[ind]
        assert (row["share_focus"], row["share_rest"]) == pytest.approx(r["share"], rel=1e-6)
        assert (row["se_focus"], row["se_rest"]) == pytest.approx(r["se"], rel=1e-6)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(r["ratio_ci"], rel=1e-6)
        assert row["p_value"] == pytest.approx(r["p"], rel=1e-6)
        focus = props[(props["mature"] == True) & (props["indicator"] == ind)].iloc[0]  # noqa: E712
        assert (focus["ci_low"], focus["ci_high"]) == pytest.approx(r["ci_focus"], rel=1e-6)
    q = quantiles(panel, "score", weights="w", cluster="organization_id", strata=strata)
    for row, (est, lo, hi, se) in zip(q.to_dict("records"), ref["quantiles"], strict=True):
        assert (row["quantile"], row["ci_low"], row["ci_high"], row["se"]) == \
            pytest.approx((est, lo, hi, se), rel=1e-6)


# --- intra-class correlation and the organization level ------------------------------------


def test_icc1_is_the_one_way_anova_estimator(panel):
    import statsmodels.api as sm
    from statsmodels.formula.api import ols

    from socialmaturity.research.organizations import icc1

    table = sm.stats.anova_lm(ols("score ~ C(organization_id)", data=panel).fit())
    msb = table.loc["C(organization_id)", "mean_sq"]
    msw = table.loc["Residual", "mean_sq"]
    nj = panel.groupby("organization_id").size().to_numpy(float)
    n, k = nj.sum(), len(nj)
    n0 = (n - (nj**2).sum() / n) / (k - 1)
    want = (msb - msw) / (msb + (n0 - 1) * msw)
    got = icc1(panel["score"].to_numpy(), panel["organization_id"].to_numpy())
    assert got == pytest.approx(want, rel=1e-10)
    assert 0.3 < got < 0.95  # the panel's organization effect is strong
    assert np.isnan(icc1(np.arange(5.0), np.arange(5)))  # nobody shares an organization


def test_to_organizations_rolls_indicators_by_rule():
    from socialmaturity.research.organizations import to_organizations

    frame = pd.DataFrame({"organization_id": ["x", "x", "x", "y", "y", "y", "z", "v", "v"],
                          "a": [1, 1, 0, 1, 0, 0, np.nan, 1, 0],
                          "w": [1, 2, 3, 1, 1, 1, 4.0, 1, 1],
                          "sector": ["s", "s", "s", "t", "t", "t", "t", "s", "s"]})
    maj = to_organizations(frame, None, ["a"], weights="w", keep=["sector"])
    # at least half say yes: x (2 of 3) and v (1 of 2, a tie) yes, y (1 of 3) no
    assert maj["a"].tolist()[:2] == [1.0, 0.0] and np.isnan(maj["a"].iloc[2])
    assert maj["a"].iloc[3] == 1.0
    assert maj["w"].tolist() == [2.0, 1.0, 4.0, 1.0]
    assert maj["n_respondents"].tolist() == [3, 3, 1, 2]
    assert maj["sector"].tolist() == ["s", "t", "t", "s"]
    anyone = to_organizations(frame, None, ["a"], rule="any")
    assert anyone["a"].tolist()[:2] == [1.0, 1.0]
