"""A second, deliberately plain implementation of the R survey package's formulas.

It shares no code with ``socialmaturity.research``: it follows the survey package's R sources
line by line (``svymean.survey.design2``, ``svyratio``, ``svyrecvar``/``onestage``/``onestrat``,
``svychisq.survey.design``, ``svyciprop(method="logit")``, ``qrule_math``, ``qrule_hf7``) with
explicit loops over strata and cells and dense matrices, for one-stage designs (each row its
own PSU, ``ids=~1``) with optional strata and finite population correction.

Domains (subpopulations, missing answers) are handled as the survey package does: the rows
outside the domain stay in the design with influence 0, so each stratum keeps its full sample
size (``onestrat`` pads the subset back to ``nPSU`` rows of zeros).

``test_compare.py`` checks this implementation against values printed by R (see
``published.py``); ``make_pinned.py`` then uses it to pin the production code on data with
unequal weights, missing answers and groups.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def svyrecvar(z: np.ndarray, strata: np.ndarray | None = None,
              popsize: np.ndarray | None = None, cluster: np.ndarray | None = None
              ) -> np.ndarray:
    """Variance of a total with influence values ``z`` (n × q), one-stage design.

    With ``cluster`` (PSU ids, nested in strata as ``nest = TRUE``), the rows' ``z`` are first
    added up per PSU (``rowsum(x, clusters)`` in ``onestrat``). Per stratum h with n_h sampled
    PSUs (all PSUs of the design, in the domain or not):
    ``(1 - f_h) * n_h / (n_h - 1) * sum_c (Z_c - mean_h Z)(Z_c - mean_h Z)'`` with
    ``f_h = n_h / N_h`` when a population size is given, else 0 (with replacement).
    """
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        z = z[:, None]
    n = z.shape[0]
    strata = np.zeros(n, dtype=int) if strata is None else np.asarray(strata)
    cluster = np.arange(n) if cluster is None else np.asarray(cluster)
    v = np.zeros((z.shape[1], z.shape[1]))
    for h in np.unique(strata):
        rows = np.flatnonzero(strata == h)
        psus = []
        totals = []
        for i in rows:
            if cluster[i] in psus:
                totals[psus.index(cluster[i])] = totals[psus.index(cluster[i])] + z[i]
            else:
                psus.append(cluster[i])
                totals.append(z[i].copy())
        nh = len(psus)
        if nh < 2:
            continue
        f = 0.0 if popsize is None else nh / float(np.asarray(popsize)[rows][0])
        zh = np.array(totals)
        centered = zh - zh.mean(axis=0)
        v += (1 - f) * nh / (nh - 1) * centered.T @ centered
    return v


def degf(strata: np.ndarray | None, cluster: np.ndarray | None, rows: np.ndarray) -> int:
    """``degf(subset(design, rows))``: PSUs minus strata among ``rows`` (bool)."""
    n = len(rows)
    strata = np.zeros(n, dtype=int) if strata is None else np.asarray(strata)
    cluster = np.arange(n) if cluster is None else np.asarray(cluster)
    psus = {(strata[i], cluster[i]) for i in range(n) if rows[i]}
    return len(psus) - len({strata[i] for i in range(n) if rows[i]})


def svymean(y: np.ndarray, w: np.ndarray, domain: np.ndarray | None = None,
            strata: np.ndarray | None = None, popsize: np.ndarray | None = None,
            cluster: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Means of the columns of ``y`` over ``domain`` (bool, default all) and their
    covariance matrix: ``svymean(~y, subset(design, domain))``."""
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    n = y.shape[0]
    domain = np.ones(n, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    pw = np.where(domain, w, 0.0)
    psum = pw.sum()
    mean = np.zeros(y.shape[1])
    for i in range(n):
        if domain[i]:
            mean += y[i] * pw[i] / psum
    z = np.zeros_like(y)
    for i in range(n):
        if domain[i]:
            z[i] = (y[i] - mean) * pw[i] / psum
    return mean, svyrecvar(z, strata, popsize, cluster)


def svyratio(y: np.ndarray, x: np.ndarray, w: np.ndarray,
             strata: np.ndarray | None = None, popsize: np.ndarray | None = None
             ) -> tuple[float, float]:
    """``svyratio(~y, ~x, design)``: ratio of totals and its variance."""
    ratio = float((w * y).sum() / (w * x).sum())
    z = w * (y - ratio * x) / (w * x).sum()
    return ratio, float(svyrecvar(z, strata, popsize)[0, 0])


def _qr_resid(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    return y - x @ coef


def svychisq(row: np.ndarray, col: np.ndarray, w: np.ndarray,
             strata: np.ndarray | None = None, popsize: np.ndarray | None = None,
             statistic: str = "F", nu: float | None = None,
             cluster: np.ndarray | None = None) -> dict[str, float]:
    """``svychisq(~row + col, design, statistic=...)`` for "F" (default) and "Chisq".

    ``row``/``col`` are label arrays with ``None``/NaN for missing (those rows are a domain
    left out, as ``na.rm=TRUE`` does). ``nu`` overrides the design df (#PSU - #strata).
    """
    n = len(w)
    row = np.asarray(row, dtype=object)
    col = np.asarray(col, dtype=object)

    def missing(v: object) -> bool:
        return v is None or (isinstance(v, float) and np.isnan(v))

    ok = np.array([not missing(a) and not missing(b) for a, b in zip(row, col, strict=True)])
    rows = sorted({r for r, o in zip(row, ok, strict=True) if o}, key=str)
    cols = sorted({c for c, o in zip(col, ok, strict=True) if o}, key=str)
    nr, nc = len(rows), len(cols)
    # cells in R's interaction() order: rows vary fastest
    mm = np.zeros((n, nr * nc))
    for i in range(n):
        if ok[i]:
            mm[i, cols.index(col[i]) * nr + rows.index(row[i])] = 1.0
    mean2, v = svymean(mm, w, domain=ok, strata=strata, popsize=popsize, cluster=cluster)
    big_n = n  # nrow(mm): every row of the design
    # model matrices of the additive and saturated models over the cells
    r_idx = np.array([j % nr for j in range(nr * nc)])
    c_idx = np.array([j // nr for j in range(nr * nc)])
    x1 = [np.ones(nr * nc)]
    x1 += [(r_idx == r).astype(float) for r in range(1, nr)]
    x1 += [(c_idx == c).astype(float) for c in range(1, nc)]
    x1m = np.column_stack(x1)
    inter = [((r_idx == r) & (c_idx == c)).astype(float)
             for c in range(1, nc) for r in range(1, nr)]
    cmat = _qr_resid(x1m, np.column_stack(inter))
    idmat = np.diag(np.where(mean2 == 0, 0.0, 1.0 / np.where(mean2 == 0, 1.0, mean2)))
    denom = cmat.T @ (idmat / big_n) @ cmat
    numr = cmat.T @ idmat @ v @ idmat @ cmat
    delta = np.linalg.solve(denom, numr)
    d0 = np.trace(delta) ** 2 / np.trace(delta @ delta)
    # Pearson X^2 of svytable(~row+col, design, Ntotal=N), correct=FALSE
    table = np.zeros((nr, nc))
    for i in range(n):
        if ok[i]:
            table[rows.index(row[i]), cols.index(col[i])] += w[i]
    table = table * big_n / table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    x2 = float(((table - expected) ** 2 / expected).sum())
    if nu is None:
        nu = degf(strata, cluster, np.ones(n, dtype=bool))
    if statistic == "F":
        f = x2 / np.trace(delta)
        return {"statistic": f, "ndf": d0, "ddf": d0 * nu,
                "p": float(stats.f.sf(f, d0, d0 * nu))}
    return {"statistic": x2, "df": delta.shape[1],
            "p": float(stats.chi2.sf(x2 / np.mean(np.diag(delta)), delta.shape[1]))}


def svyciprop_logit(share: float, se: float, df: float, level: float = 0.95
                    ) -> tuple[float, float]:
    """``svyciprop(~y, design, method="logit")``: the Wald interval of the intercept of
    ``svyglm(y ~ 1, family=quasibinomial)`` (sandwich SE = se / (p(1-p))) on ``df`` degrees
    of freedom, mapped back with expit."""
    eta = np.log(share / (1 - share))
    se_eta = se / (share * (1 - share))
    t = stats.t.ppf(1 - (1 - level) / 2, df)
    lo, hi = eta - t * se_eta, eta + t * se_eta
    return float(1 / (1 + np.exp(-lo))), float(1 / (1 + np.exp(-hi)))


def qrule_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R survey's ``qrule_math`` (``qrule="math"``, the svyquantile default), verbatim."""
    ii = np.argsort(x, kind="stable")
    xs, cumw = np.asarray(x)[ii], np.cumsum(np.asarray(w)[ii])
    total = np.sum(w)
    below = np.flatnonzero(cumw <= p * total)
    pos = below.max() if len(below) else 0  # R's last(): 1 (first) when none
    posnext = pos if pos == len(xs) - 1 else pos + 1
    wlow = p - cumw[pos] / total
    return float(xs[pos] if wlow == 0 else xs[posnext])


def qrule_hf7(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R survey's ``qrule_hf7``, verbatim: ``approx(c(0, cumw[-n])/cumw[n-1], x, p)``."""
    n = len(x)
    if n == 1:
        return float(x[0])
    ii = np.argsort(x, kind="stable")
    xs, cumw = np.asarray(x)[ii], np.cumsum(np.asarray(w)[ii])
    pk = np.concatenate([[0.0], cumw[:-1]]) / cumw[n - 2]
    return float(np.interp(p, pk, xs))
