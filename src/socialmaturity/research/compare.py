r"""Compare a focus group with the rest: "× as likely", its CI, a test and BH-adjusted p-values.

:func:`compare` takes the rows where a column equals a focus value ("focus") and all the
other rows with a value in that column ("rest") and, for each 0/1 indicator, gives the share
in each group, the ratio focus/rest with its confidence interval, a p-value and the
Benjamini–Hochberg adjusted p-value across the indicators. Unweighted it uses the classic
2×2-table methods; with weights, the design-based estimates of R's survey package.

Everything is vectorized over groups (a few ``np.bincount`` passes per indicator for all
sums, see :func:`~socialmaturity.research.describe.domain_sums`); only Fisher's exact test,
needed for small tables, runs table by table.

**Method of :func:`compare`.**
**Unweighted.** With ``a`` of ``n1`` focus and ``c`` of ``n2`` rest respondents saying
yes, the ratio is the risk ratio :math:`RR = (a/n_1)/(c/n_2)` with Katz's log interval

.. math:: RR \cdot \exp\left(\pm z_{1-\alpha/2}\sqrt{1/a - 1/n_1 + 1/c - 1/n_2}\right)

(NaN when ``a`` or ``c`` is 0). The test is Pearson's chi-square on the 2×2 table without
continuity correction, :math:`X^2 = n(ad-bc)^2/(n_1 n_2 (a+c)(b+d))` on 1 df, or Fisher's
exact test (two-sided) when an expected count is below 5.
Equivalent R: ``chisq.test(tab, correct = FALSE)``, ``fisher.test(tab)``,
``epitools::riskratio(tab, method = "wald")``.

**Weighted.** The design is ``svydesign(ids = ~1, weights = ~w)``: shares are ratio
estimators over the domains focus ∩ answered and rest ∩ answered, with with-replacement
linearization over the full sample (see :func:`~socialmaturity.research.describe.shares`).
The covariance of the two shares comes from the same influence values. The ratio's
interval is the delta method on the log scale:

.. math::

    \widehat V(\log RR) = \frac{V_f}{p_f^2} + \frac{V_r}{p_r^2}
        - \frac{2\,\mathrm{Cov}_{fr}}{p_f p_r}, \quad
    RR \cdot \exp(\pm z_{1-\alpha/2} \sqrt{\widehat V(\log RR)})

(normal quantile, as ``confint(svycontrast(...))``). The test is the Rao–Scott
second-order correction, R's default ``svychisq(statistic = "F")``: :math:`F = X^2/\delta`
on :math:`(1,\ \nu)` degrees of freedom with :math:`\nu` = respondents in the population
compared − 1 (all rows, or the ``by_group`` group's rows); see :func:`_rao_scott`.
Equivalent R::

    des <- svydesign(ids = ~1, weights = ~w, data = frame)
    des <- update(des, grp = factor(ifelse(by == focus, "focus", "rest")))
    svyby(~ind, ~grp, des, svymean, na.rm = TRUE, covmat = TRUE)    # shares, V, Cov
    svychisq(~grp + ind, des)                                      # F, p
    # by_group: the same on subset(des, sector == s)

**Clusters and strata.** The same estimators, with every variance (the two shares, the
log ratio's influence ``z_f/p_f − z_r/p_r``, the Rao–Scott contrast) from PSU totals
within strata, :meth:`~socialmaturity.research.design.Design.variance`; the F test's
denominator df is the design's PSUs − strata among the rows of the population compared.
Equivalent R: the calls above with ``svydesign(ids = ~cluster, strata = ~strata,
weights = ~w, nest = TRUE)``.

**Adjustment.** Benjamini–Hochberg across the indicators (within each ``by_group``
group): :func:`benjamini_hochberg`, R ``p.adjust(method = "BH")``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from ..errors import Message, Problem
from .checks import (
    ResearchInputError,
    check_alpha,
    grouping,
    indicator_matrix,
    require_columns,
    where,
)
from .describe import DomainSums, domain_sums, grouped_table, psu_influence, ratio_variance
from .design import Design, column_blocks, group_sum, make_design, psu_sums

__all__ = ["compare", "benjamini_hochberg", "COLUMNS"]

#: The columns of :func:`compare`'s result (the ``by_group`` column comes first when given).
COLUMNS = ["indicator", "n_focus", "n_rest", "share_focus", "share_rest", "se_focus",
           "se_rest", "ratio", "ci_low", "ci_high", "p_value", "p_adjusted", "test"]
#: Fisher's exact test replaces the chi-square test when an expected count is below this.
MIN_EXPECTED = 5.0


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    r"""Benjamini–Hochberg adjusted p-values (false discovery rate); NaN stays NaN and does not
    count in ``m``.

    .. math:: \tilde p_{(i)} = \min_{j \ge i} \min\!\left(1, \frac{m}{j}\, p_{(j)}\right)

    Equivalent R: ``p.adjust(p, method = "BH")``.
    """
    p = np.asarray(p, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    q = p[ok]
    order = np.argsort(q, kind="stable")
    scaled = q[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    out[ok] = result
    return out


def _focus_mask(series: pd.Series, by: str, focus: object) -> np.ndarray:
    present = series.notna().to_numpy()
    values = series[present]
    distinct = pd.unique(values)
    if len(distinct) < 2:
        only = distinct[0].item() if len(distinct) and isinstance(distinct[0], np.generic) \
            else distinct[0] if len(distinct) else None
        shown = Message("only {value!r}", value=only) if len(distinct) \
            else Message("no values")
        raise ResearchInputError(Problem(where(by), "has {shown}; comparing needs a by "
                                                    "column with at least two values",
                                         shown=shown))
    mask = (series == focus).fillna(False).to_numpy(dtype=bool)
    if not mask.any() and isinstance(focus, str):
        mask = (series.astype(str) == focus).to_numpy(dtype=bool) & present
    if not mask.any():
        shown = ", ".join(repr(v) for v in sorted(map(str, distinct))[:20])
        raise ResearchInputError(Problem(where(by), "no row has the focus value {focus!r}; "
                                                    "values: {values}", focus=focus,
                                         values=shown))
    return mask


def _ratio_ci(pf: np.ndarray, pr: np.ndarray, se: np.ndarray, alpha: float
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ratio ``pf / pr`` and its log interval ``ratio · exp(±z se)`` (NaN unless both
    shares are > 0)."""
    z = special.ndtri(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = pf / pr
        ok = (pf > 0) & (pr > 0)
        return (ratio, np.where(ok, ratio * np.exp(-z * se), np.nan),
                np.where(ok, ratio * np.exp(z * se), np.nan))


def _weighted_columns(s: DomainSums, pf: np.ndarray, pr: np.ndarray, var_f: np.ndarray,
                      var_r: np.ndarray, var_log: np.ndarray, f: np.ndarray, nu: np.ndarray,
                      alpha: float) -> dict[str, np.ndarray]:
    """The weighted comparison's columns from the variances of the shares and of the log
    ratio, and the Rao–Scott ``f`` on (1, ``nu``) degrees of freedom (one per group)."""
    ratio, lo, hi = _ratio_ci(pf, pr, np.sqrt(np.maximum(var_log, 0.0)), alpha)
    with np.errstate(invalid="ignore"):
        pval = special.fdtrc(1.0, np.broadcast_to(nu[:, None], f.shape), f)
    empty = (s.nv[1::2] == 0) | (s.nv[0::2] == 0)
    return {"share_focus": pf, "share_rest": pr, "se_focus": np.sqrt(var_f),
            "se_rest": np.sqrt(var_r), "ratio": ratio, "ci_low": lo, "ci_high": hi,
            "p_value": np.where(empty, np.nan, pval),
            "test": np.where(empty, "none", "rao-scott").astype(object)}


def _unweighted(s: DomainSums, alpha: float) -> dict[str, np.ndarray]:
    a, n1 = s.ny[1::2], s.nv[1::2]  # focus: yes, answered
    c, n2 = s.ny[0::2], s.nv[0::2]  # rest
    b, d = n1 - a, n2 - c
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = a / n1, c / n2
        ratio, lo, hi = _ratio_ci(p1, p2, np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2), alpha)
        n = n1 + n2
        yes, no = a + c, b + d
        # the smallest expected count: smallest row total × smallest column total / n
        expected_min = np.minimum(n1, n2) * np.minimum(yes, no) / np.where(n > 0, n, 1)
        x2 = n * (a * d - b * c) ** 2 / (n1 * n2 * yes * no)
        p = special.chdtrc(1, x2)
    empty = (n1 == 0) | (n2 == 0)
    small = (expected_min < MIN_EXPECTED) & ~empty
    test = np.where(small, "fisher", "chi2").astype(object)
    if small.any():
        from scipy.stats import fisher_exact  # scipy.stats costs ~0.5 s to import: only here
    for i, j in zip(*np.nonzero(small), strict=True):
        table = [[int(a[i, j]), int(b[i, j])], [int(c[i, j]), int(d[i, j])]]
        p[i, j] = fisher_exact(table, alternative="two-sided")[1]
    p = np.where(empty, np.nan, p)
    test[empty] = "none"
    return {"share_focus": p1, "share_rest": p2, "ratio": ratio, "ci_low": lo, "ci_high": hi,
            "p_value": p, "test": test}


def _weighted(s: DomainSums, n_total: int, pop_rows: np.ndarray, alpha: float
              ) -> dict[str, np.ndarray]:
    p, var, sz = ratio_variance(s, n_total)
    pf, pr = p[1::2], p[0::2]
    vf, vr = var[1::2], var[0::2]
    scale = n_total / (n_total - 1)
    # Covariance of the two domain estimates from their influence values: the cross-products
    # vanish (no respondent is in both domains), the centering term is (Σz_f)(Σz_r)/n.
    cov = scale * (0.0 - sz[1::2] * sz[0::2] / n_total)
    with np.errstate(invalid="ignore", divide="ignore"):
        var_log = vf / pf**2 + vr / pr**2 - 2 * cov / (pf * pr)
    return _weighted_columns(s, pf, pr, vf, vr, var_log, _rao_scott(s, n_total), pop_rows - 1,
                             alpha)


def _cells(s: DomainSums) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 2×2 cells' weights ``(W, T)`` (focus-yes, focus-no, rest-yes, rest-no), the
    contrast over the cell shares ``a_c = C_c / p_c`` and its mean ``ā = Σ a_c p_c``."""
    w11, w10 = s.wy[1::2], s.wv[1::2] - s.wy[1::2]
    w01, w00 = s.wy[0::2], s.wv[0::2] - s.wy[0::2]
    t11, t10 = s.ty[1::2], s.tv[1::2] - s.ty[1::2]
    t01, t00 = s.ty[0::2], s.tv[0::2] - s.ty[0::2]
    cells_w = np.stack([w11, w10, w01, w00])
    cells_t = np.stack([t11, t10, t01, t00])
    contrast = np.array([1.0, -1.0, -1.0, 1.0]).reshape(4, 1, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pc = cells_w / cells_w.sum(axis=0)
        inv = np.where(pc > 0, 1.0 / np.where(pc > 0, pc, 1.0), 0.0)
        a = contrast * inv
        abar = (a * pc).sum(axis=0)
    return cells_w, cells_t, a, abar


def _f_statistic(s: DomainSums, numer: np.ndarray) -> np.ndarray:
    """``F = X²/δ`` from the variance ``numer`` of the contrast (see :func:`_rao_scott`)."""
    cells_w, _, a, _ = _cells(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        pc = cells_w / cells_w.sum(axis=0)
        denom = (a * a * pc).sum(axis=0)
        row_f, row_r = pc[0] + pc[1], pc[2] + pc[3]
        col_y, col_n = pc[0] + pc[2], pc[1] + pc[3]
        x2_over_n = (pc[0] * pc[3] - pc[1] * pc[2]) ** 2 / (row_f * row_r * col_y * col_n)
        return x2_over_n * denom / numer


def _rao_scott(s: DomainSums, n_total: int) -> np.ndarray:
    r"""Rao–Scott second-order F statistic of the focus × indicator 2×2 table, as
    ``svychisq(statistic = "F")`` computes it; for a 2×2 table its numerator df ``d0`` is 1.

    With cell shares :math:`p_c` (of the weighted answered respondents), the interaction
    contrast :math:`C = (1, -1, -1, 1)` and the linearization covariance :math:`V` of the
    cell shares, :math:`\delta = n\,C^\top D^{-1} V D^{-1} C / (C^\top D^{-1} C)` with
    :math:`D = \operatorname{diag}(p)` and :math:`F = X^2/\delta`, :math:`X^2` Pearson's
    statistic of the weighted table scaled to :math:`n`. The quadratic form reduces to sums of
    :math:`w` and :math:`w^2` per cell: :math:`C^\top D^{-1} V D^{-1} C =
    \frac{n}{n-1}\sum_c T_c (a_c - \bar a)^2 / W^2` with :math:`a_c = C_c/p_c`,
    :math:`\bar a = \sum_c a_c p_c`, :math:`T_c = \sum_{i \in c} w_i^2`.
    """
    # cells (focus, yes): W = Σw, T = Σw² over the answered
    cells_w, cells_t, a, abar = _cells(s)
    total = cells_w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = n_total / (n_total - 1)
        numer = scale * ((cells_t * (a - abar) ** 2).sum(axis=0) / total**2
                         - ((cells_w * (a - abar)).sum(axis=0) / total) ** 2 / n_total)
    return _f_statistic(s, numer)


def _sums_from_psus(ps, codes: np.ndarray, m: int) -> DomainSums:
    """The domain sums from the (PSU, domain) sums (the sums of w² are not needed by the
    design-based path and are NaN)."""
    d = ps.domain
    nan = np.full((m, ps.a.shape[1]), np.nan)
    return DomainSums(nv=group_sum(d, ps.nv, m), ny=group_sum(d, ps.ny, m),
                      wv=group_sum(d, ps.b, m), wy=group_sum(d, ps.a, m), tv=nan, ty=nan,
                      rows=np.bincount(codes[codes >= 0], minlength=m).astype(np.float64))


def _designed(s: DomainSums, design: Design, codes: np.ndarray, gcodes: np.ndarray,
              n_groups: int, ind, alpha: float, ps=None) -> dict[str, np.ndarray]:
    """The weighted comparison under a design with clusters and/or strata: the same
    estimators as :func:`_weighted`, with every variance from PSU totals
    (:meth:`~socialmaturity.research.design.Design.variance`) and the design's degrees of
    freedom for the test."""
    m = 2 * n_groups
    _, _, a_c, abar = _cells(s)
    total = s.wv[1::2] + s.wv[0::2]
    sign = np.where(np.arange(m) % 2 == 1, 1.0, -1.0)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = s.wy / s.wv
        inv_total = np.where(total > 0, 1.0 / np.where(total > 0, total, 1.0), 0.0)
        inv_p = sign * np.where(p > 0, 1.0 / np.where(p > 0, p, 1.0), 0.0)
    # per domain (rest 2g, focus 2g+1): the contrast coefficients of a yes and a no answer
    coef_yes = np.empty_like(s.wv)
    coef_no = np.empty_like(s.wv)
    coef_yes[1::2], coef_yes[0::2] = a_c[0] - abar, a_c[2] - abar
    coef_no[1::2], coef_no[0::2] = a_c[1] - abar, a_c[3] - abar
    var_dom = np.full((m, ind.k), np.nan)
    var_log = np.full((n_groups, ind.k), np.nan)
    numer = np.full((n_groups, ind.k), np.nan)
    given = ps
    for cols in column_blocks(ind.n, ind.k):
        ps = given if given is not None else psu_sums(design, codes, m, ind, cols)
        d, g = ps.domain, ps.domain // 2
        z = psu_influence(ps, s, cols)
        var_dom[:, cols] = design.variance(ps.psu, d, z, m, unique=True)
        # log(p_f / p_r): z_f / p_f − z_r / p_r; the rows are sorted by (PSU, domain), so
        # (PSU, group) keys are sorted too
        var_log[:, cols] = design.variance(ps.psu, g, z * inv_p[:, cols][d], n_groups)
        # the Rao–Scott contrast: Σ w (a_cell − ā) / W over the group's answered
        c = np.nan_to_num(coef_yes[:, cols])[d] * ps.a \
            + np.nan_to_num(coef_no[:, cols])[d] * (ps.b - ps.a)
        c *= inv_total[:, cols][g]
        numer[:, cols] = design.variance(ps.psu, g, c, n_groups)
    var_dom = np.where(s.wv > 0, np.maximum(var_dom, 0.0), np.nan)
    return _weighted_columns(s, p[1::2], p[0::2], var_dom[1::2], var_dom[0::2], var_log,
                             _f_statistic(s, numer), design.domain_df(gcodes, n_groups), alpha)


def compare(frame: pd.DataFrame, by: str, focus: object, indicators: Sequence[str],
            weights: str | None = None, *, by_group: str | None = None,
            alpha: float = 0.05, cluster: str | None = None,
            strata: str | None = None) -> pd.DataFrame:
    r"""Compare the focus group with the rest on 0/1 indicators: shares, ratio, CI, tests.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    by : str
        Column that defines the groups; it must hold at least two distinct values.
    focus : object
        The value of ``by`` of the focus group ("mature"). A string also matches the text of
        a non-text value (``"3"`` matches 3). Every other non-empty value of ``by`` is "rest";
        rows with an empty ``by`` are in neither group.
    indicators : list of str
        0/1 columns (bool, integer, float or nullable). An empty cell is a missing answer: it
        leaves that respondent out of that indicator only.
    weights : str, optional
        Column of sampling weights (each > 0). Without it the unweighted methods are used.
    by_group : str, optional
        Make the same comparison within each value of this column (e.g. sector); the result
        then starts with this column, and the adjustment runs within each group.
    alpha : float
        1 − confidence level of the interval (0.05: 95%).
    cluster, strata : str, optional
        The design's primary sampling units (e.g. ``organization_id``) and the strata that
        hold them (nested): :mod:`~socialmaturity.research.design`. With either, the
        design-based (weighted) methods are used, weights or not.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (per group), columns ``[by_group,] indicator, n_focus, n_rest,
        share_focus, share_rest, se_focus, se_rest, ratio, ci_low, ci_high, p_value,
        p_adjusted, test``; ``se_*`` are the linearization standard errors of the shares
        (of the design; weights 1 when unweighted).
        ``n_*`` count respondents with an answer; ``test`` is ``"chi2"``, ``"fisher"``,
        ``"rao-scott"``, or ``"none"`` when a group has no answers (p-value NaN). A weighted
        p-value is also NaN when nobody (or everybody) in the two groups says yes.

    Raises
    ------
    ResearchInputError
        An unknown column; ``by`` with fewer than two values or without the focus value;
        an indicator value other than 0, 1 or empty; a weight missing or ≤ 0.

    Notes
    -----
    The method and the equivalent R call: the module docstring, "Method of :func:`compare`".
    """
    check_alpha(alpha)
    require_columns(frame, [by], "by column")
    if by_group is not None:
        require_columns(frame, [by_group], "by-group column")
    ind = indicator_matrix(frame, indicators)
    design = make_design(frame, weights, cluster, strata)
    series = frame[by]
    is_focus = _focus_mask(series, by, focus)
    in_by = series.notna().to_numpy()
    gcodes, groups = grouping(frame, by_group, "by-group column", Message("every value is empty"))
    n_groups = max(len(groups), 1)
    codes = np.where(in_by & (gcodes >= 0), 2 * gcodes + is_focus, -1)
    s, cols = _estimates(design, codes, gcodes, n_groups, ind, alpha)
    return grouped_table(by_group, groups, "indicator", np.asarray(ind.names, dtype=object), {
        "n_focus": s.nv[1::2].astype(np.int64), "n_rest": s.nv[0::2].astype(np.int64),
        **{name: np.asarray(cols[name], dtype=np.float64)
           for name in ("share_focus", "share_rest", "se_focus", "se_rest", "ratio", "ci_low",
                        "ci_high", "p_value")},
        "p_adjusted": np.vstack([benjamini_hochberg(row) for row in cols["p_value"]]),
        "test": np.asarray(cols["test"], dtype=object)})


def _estimates(design: Design, codes: np.ndarray, gcodes: np.ndarray, n_groups: int, ind,
               alpha: float) -> tuple[DomainSums, dict[str, np.ndarray]]:
    """The domain sums and the comparison's columns by the design's method."""
    w = design.w if design.weighted else None
    n_total = len(codes)
    if not design.simple and len(column_blocks(ind.n, ind.k)) == 1:
        # one pass over the rows: the (PSU, domain) sums give the domain sums too
        ps = psu_sums(design, codes, 2 * n_groups, ind, counts=True)
        s = _sums_from_psus(ps, codes, 2 * n_groups)
        return s, _designed(s, design, codes, gcodes, n_groups, ind, alpha, ps)
    s = domain_sums(codes, 2 * n_groups, ind, w)
    if not design.simple:
        return s, _designed(s, design, codes, gcodes, n_groups, ind, alpha)
    if w is None:
        cols = _unweighted(s, alpha)
        _, var, _ = ratio_variance(s, n_total)
        cols["se_focus"], cols["se_rest"] = np.sqrt(var[1::2]), np.sqrt(var[0::2])
        return s, cols
    pop_rows = np.bincount(gcodes[gcodes >= 0], minlength=n_groups).astype(np.float64)
    return s, _weighted(s, n_total, pop_rows, alpha)
