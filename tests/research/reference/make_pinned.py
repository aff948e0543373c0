"""Write ``synthetic_panel.csv`` and ``pinned.json``: the survey-weighted values the tests pin
``compare``, ``shares`` and ``quantiles`` to.

Run from the repository root::

    .venv/bin/python -m tests.research.reference.make_pinned

The values come from ``survey_formulas.py`` (a plain transcription of the R survey package,
checked against R's own output in ``test_compare.py``), never from ``socialmaturity``. What
each value is in R, with ``des <- svydesign(ids = ~1, weights = ~w, data = panel)`` and
``grp`` = "focus" where ``mature == "yes"``, "rest" where ``mature == "no"``:

* shares:    ``svyby(~ind, ~grp, des, svymean, na.rm = TRUE, covmat = TRUE)``; per sector on
  ``subset(des, sector == s)`` (the subset keeps the full sample size in the variance).
* ratio CI:  ``svycontrast(<that svyby>, quote(log(focus/rest)))``, exp of its normal CI.
* test:      ``svychisq(~grp + ind, des)`` (second-order Rao–Scott F); per sector on the
  subset, whose design df is the sector's rows − 1.
* share CI:  ``svyciprop(~ind, des, method = "logit")`` with ``df = degf(des)``; per sector
  on the subset.
* quantiles: ``svyquantile(~score, des, p, qrule = "math")`` and ``qrule = "hf7"``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from . import survey_formulas as sf

HERE = Path(__file__).resolve().parent
DATA = HERE / "synthetic_panel.csv"
PINNED = HERE / "pinned.json"
INDICATORS = ["uses_social", "has_policy", "measures_roi"]
SECTORS = ["finance", "public", "retail"]
PROBS = [0.1, 0.25, 0.5, 0.75, 0.9]
Z = stats.norm.ppf(0.975)


def make_panel(n: int = 400, seed: int = 20240611) -> pd.DataFrame:
    """Respondents with unequal weights, missing answers, an empty ``mature`` or ``sector``
    now and then, and a rare indicator (small cells)."""
    rng = np.random.default_rng(seed)
    mature = rng.choice(np.array(["yes", "no", ""], dtype=object), n, p=[0.38, 0.58, 0.04])
    sector = rng.choice(np.array(SECTORS + [""], dtype=object), n, p=[0.3, 0.3, 0.36, 0.04])
    lift = np.where(mature == "yes", 1.0, 0.0)
    uses = (rng.random(n) < 0.35 + 0.3 * lift).astype(float)
    policy = (rng.random(n) < 0.25 + 0.15 * lift).astype(float)
    roi = (rng.random(n) < 0.03 + 0.05 * lift).astype(float)
    uses[rng.random(n) < 0.08] = np.nan
    policy[rng.random(n) < 0.03] = np.nan
    score = np.round(rng.normal(50 + 10 * lift, 15, n))
    score[rng.random(n) < 0.05] = np.nan
    w = np.round(rng.lognormal(0.0, 0.6, n), 4)
    return pd.DataFrame({
        "mature": mature, "sector": sector, "uses_social": uses, "has_policy": policy,
        "measures_roi": roi, "score": score, "w": w,
    }).replace({"mature": {"": None}, "sector": {"": None}})


def _group_values(panel: pd.DataFrame, indicator: str, population: np.ndarray) -> dict:
    n = len(panel)
    w = panel["w"].to_numpy()
    answered = panel[indicator].notna().to_numpy() & population
    y = panel[indicator].fillna(0).to_numpy()
    focus = (panel["mature"] == "yes").to_numpy() & answered
    rest = (panel["mature"] == "no").to_numpy() & answered
    pf, _ = sf.svymean(y, w, domain=focus)
    pr, _ = sf.svymean(y, w, domain=rest)
    z = np.zeros((n, 2))
    z[focus, 0] = w[focus] * (y[focus] - pf[0]) / w[focus].sum()
    z[rest, 1] = w[rest] * (y[rest] - pr[0]) / w[rest].sum()
    v = sf.svyrecvar(z)
    with np.errstate(divide="ignore", invalid="ignore"):  # a share of 0: ratio inf, CI NaN
        ratio = pf[0] / pr[0]
        var_log = v[0, 0] / pf[0] ** 2 + v[1, 1] / pr[0] ** 2 - 2 * v[0, 1] / (pf[0] * pr[0])
        half = Z * np.sqrt(var_log)
    grp = np.where(focus, "focus", np.where(rest, "rest", None))
    ind = np.where(focus | rest, y, None)
    test = sf.svychisq(grp, ind, w, nu=float(population.sum() - 1))
    return {
        "n_focus": int(focus.sum()), "n_rest": int(rest.sum()),
        "share_focus": pf[0], "share_rest": pr[0],
        "se_focus": float(np.sqrt(v[0, 0])), "se_rest": float(np.sqrt(v[1, 1])),
        "cov": float(v[0, 1]), "ratio": ratio,
        "ci_low": float(ratio * np.exp(-half)) if np.isfinite(half) else np.nan,
        "ci_high": float(ratio * np.exp(half)) if np.isfinite(half) else np.nan,
        "F": test["statistic"], "ndf": test["ndf"], "p_value": test["p"],
    }


def _shares(panel: pd.DataFrame, population: np.ndarray, weighted: bool) -> dict:
    w = panel["w"].to_numpy() if weighted else np.ones(len(panel))
    out = {}
    for indicator in INDICATORS:
        answered = panel[indicator].notna().to_numpy() & population
        y = panel[indicator].fillna(0).to_numpy()
        m, v = sf.svymean(y, w, domain=answered)
        se = float(np.sqrt(v[0, 0]))
        lo, hi = sf.svyciprop_logit(m[0], se, df=float(population.sum() - 1))
        out[indicator] = {"n": int(answered.sum()), "share": m[0], "se": se,
                          "ci_low": lo, "ci_high": hi}
    return out


def _quantiles(panel: pd.DataFrame, population: np.ndarray) -> dict:
    keep = population & panel["score"].notna().to_numpy()
    x, w = panel["score"].to_numpy()[keep], panel["w"].to_numpy()[keep]
    order = np.argsort(x, kind="stable")
    smallest_share = w[order][0] / w.sum()
    assert min(PROBS) > smallest_share, "R's qrule_math differs below the first weight"
    return {"n": int(keep.sum()),
            "math": [sf.qrule_math(x, w, p) for p in PROBS],
            "hf7": [sf.qrule_hf7(x, w, p) for p in PROBS]}


def pinned_values(panel: pd.DataFrame) -> dict:
    everyone = np.ones(len(panel), dtype=bool)
    in_sector = {s: (panel["sector"] == s).to_numpy() for s in SECTORS}
    return {
        "compare": {ind: _group_values(panel, ind, everyone) for ind in INDICATORS},
        "compare_by_sector": {s: {ind: _group_values(panel, ind, pop) for ind in INDICATORS}
                              for s, pop in in_sector.items()},
        "shares": _shares(panel, everyone, weighted=True),
        "shares_unweighted": _shares(panel, everyone, weighted=False),
        "shares_by_sector": {s: _shares(panel, pop, weighted=True)
                             for s, pop in in_sector.items()},
        "quantiles": {"probs": PROBS, "all": _quantiles(panel, everyone),
                      **{s: _quantiles(panel, pop) for s, pop in in_sector.items()}},
    }


def main() -> None:
    panel = make_panel()
    panel.to_csv(DATA, index=False)
    panel = pd.read_csv(DATA)  # pin what the tests read back
    PINNED.write_text(json.dumps(pinned_values(panel), indent=1, sort_keys=True) + "\n")
    print(f"wrote {DATA.name} ({len(panel)} rows) and {PINNED.name}")


if __name__ == "__main__":
    main()
