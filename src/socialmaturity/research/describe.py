r"""Describe: shares of 0/1 indicators with survey standard errors, and weighted quantiles.

The standard errors are those of R's survey package for a design with one stage, no strata and
sampling weights, ``svydesign(ids=~1, weights=~w, data=frame)``: with-replacement Taylor
linearization. A group (``by``) and a missing answer are *domains*: the respondents outside
them stay in the design with an influence value of 0, so the variance keeps the full-sample
``n`` (R's ``subset()``/``svyby()`` do the same: they pad the sample back to its ``n``).
Unweighted means every weight 1, which gives exactly what the survey package gives on equal
weights.

All of it is vectorized: the sums over respondents are ``np.bincount`` passes, a few per
indicator (:func:`domain_sums`).

**Method of :func:`shares`.**
The share is a ratio estimator over the domain ``d`` (the group's respondents with an
answer), :math:`\hat p = \sum_d w_i y_i / \sum_d w_i`. Its variance is the
with-replacement linearization over the whole sample of :math:`n` respondents,

.. math::

    \widehat{V}(\hat p) = \frac{n}{n-1} \sum_{i=1}^{n} z_i^2, \qquad
    z_i = \frac{w_i (y_i - \hat p)}{\sum_d w_j} \text{ in } d,\ 0 \text{ elsewhere},

and ``se`` is its square root. With clusters and strata, the :math:`z_i` are summed by
PSU and the variance is the stratified one of :mod:`~socialmaturity.research.design`;
``df`` is then the group's PSUs − strata. Unweighted this is
:math:`\sqrt{\hat p(1-\hat p)/(n-1)}` when no answer is missing.
The interval is the logit interval of ``svyciprop``:
:math:`\operatorname{expit}(\operatorname{logit}\hat p \pm t_{1-\alpha/2,\,df}\,
\mathrm{se}/(\hat p(1-\hat p)))` with ``df`` the design's degrees of freedom, the number
of respondents in the group (answered or not) − 1 (R: ``degf()`` of the group's subset).
It is NaN when the share is 0 or 1.

Equivalent R (survey package)::

    des <- svydesign(ids = ~1, weights = ~w, data = frame)
    # clustered: svydesign(ids = ~cluster, strata = ~strata, weights = ~w, nest = TRUE)
    svymean(~ind, des, na.rm = TRUE, deff = "replace")   # share, se, deff
    svyby(~ind, ~by, des, svyciprop, method = "logit",   # share, CI per group
          vartype = c("se", "ci"), na.rm = TRUE)

**Method of :func:`quantiles`.**
With the values sorted, :math:`x_{(1)} \le \dots \le x_{(n)}`, their weights
:math:`w_{(i)}` and :math:`C_j = \sum_{i \le j} w_{(i)}`:

* inverse: :math:`Q(p) = x_{(j)}` for the smallest :math:`j` with
  :math:`C_j \ge p\,C_n`, the smallest value whose weighted CDF reaches :math:`p`.
  With equal weights this is numpy's ``method="inverted_cdf"`` (Hyndman–Fan type 1).
  (R's ``qrule_math`` returns :math:`x_{(2)}` instead of :math:`x_{(1)}` when
  :math:`p < w_{(1)}/C_n`; here the definition is followed.)
* interpolated: :math:`Q(p)` interpolates linearly through the points
  :math:`(C_{j-1}/C_{n-1},\ x_{(j)})`, :math:`j = 1..n`, with :math:`C_0 = 0`.

**Intervals** (R's default ``interval.type = "mean"``, Woodruff's): the share of the
group's weight at or below the estimate, :math:`\hat F = \sum w_i 1[x_i \le \hat Q(p)]
/ \sum w_i`, gets the design-based interval :math:`\hat F \pm t_{1-\alpha/2,\,df}\,
\mathrm{se}(\hat F)` (``df``: the PSUs − strata of the rows with a value in the group);
its ends, mapped back through the same rule, are the interval of :math:`Q(p)`, and
``se`` is its width over :math:`2t`. Ends beyond 0 or 1 are clamped (R gives NA for a
lower end below 0; here the smallest value).

Equivalent R (survey ≥ 4.1)::

    des <- svydesign(ids = ~cluster, strata = ~strata, weights = ~w, nest = TRUE,
                     data = frame)                       # or ids = ~1
    svyby(~value, ~by, des, svyquantile, quantiles = c(.25, .5, .75),
          qrule = "math", ci = TRUE, na.rm = TRUE)         # rule="interpolated": "hf7"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ..errors import Message, Problem
from .checks import (
    Indicators,
    ResearchInputError,
    check_alpha,
    grouping,
    indicator_matrix,
    numeric_column,
    weights_array,
)
from .design import Design, column_blocks, make_design, psu_sums

__all__ = ["shares", "quantiles", "domain_sums", "DomainSums", "share_variance",
           "psu_influence"]

RULES = ("inverse", "interpolated")


@dataclass
class DomainSums:
    """Per domain ``h`` and indicator ``k``: answered counts ``nv``, yes counts ``ny``, and the
    sums of ``w`` and ``w²`` over the answered (``wv``, ``tv``) and the yes (``wy``, ``ty``)
    respondents; plus ``rows``, the number of respondents in each domain (answered or not)."""

    nv: np.ndarray
    ny: np.ndarray
    wv: np.ndarray
    wy: np.ndarray
    tv: np.ndarray
    ty: np.ndarray
    rows: np.ndarray


def domain_sums(codes: np.ndarray, m: int, ind: Indicators, w: np.ndarray | None) -> DomainSums:
    """Sum the indicators by domain: ``codes`` gives each respondent's domain in ``0..m-1``
    (−1: in none). Per indicator, three ``np.bincount`` passes over the respondents (adding in
    row order) give the yes sums of 1, w and w² for every domain; the answered sums are the
    domain totals minus the sums over the (few) missing cells."""
    n, k = ind.y.shape
    w = np.ones(n) if w is None else w
    key = codes + 1  # bin 0 holds the respondents in no domain
    w2 = w * w
    ny, wy, ty = np.empty((m, k)), np.empty((m, k)), np.empty((m, k))
    for j in range(k):
        y = ind.y[:, j]
        ny[:, j] = np.bincount(key, weights=y, minlength=m + 1)[1:]
        wy[:, j] = np.bincount(key, weights=w * y, minlength=m + 1)[1:]
        ty[:, j] = np.bincount(key, weights=w2 * y, minlength=m + 1)[1:]
    count = np.bincount(key, minlength=m + 1)[1:].astype(np.float64)
    total_w = np.bincount(key, weights=w, minlength=m + 1)[1:]
    total_t = np.bincount(key, weights=w2, minlength=m + 1)[1:]
    mr, mc = ind.missing_rows, ind.missing_cols
    mcode = codes[mr]
    ok = mcode >= 0
    flat = mcode[ok] * k + mc[ok]
    wm = w[mr[ok]]
    miss_n = np.bincount(flat, minlength=m * k).reshape(m, k)
    miss_w = np.bincount(flat, weights=wm, minlength=m * k).reshape(m, k)
    miss_t = np.bincount(flat, weights=wm * wm, minlength=m * k).reshape(m, k)
    return DomainSums(
        nv=count[:, None] - miss_n, ny=np.rint(ny),
        wv=np.maximum(total_w[:, None] - miss_w, 0.0), wy=wy,
        tv=np.maximum(total_t[:, None] - miss_t, 0.0), ty=ty,
        rows=count,
    )


def ratio_variance(s: DomainSums, n_total: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares ``p = Σw·y / Σw`` (over the answered in each domain), their linearization
    variance and the sum of the influence values (0 up to rounding; needed for covariances).

    Influence value of respondent ``i`` in domain ``d``: ``z_i = w_i (y_i − p_d) / Σ_d w``,
    0 outside ``d``. Variance (with replacement, full-sample ``n``):
    ``n/(n−1) · (Σ z_i² − (Σ z_i)²/n)``, with
    ``Σ z_i² = (Σw²y − 2p Σw²y + p² Σw²) / (Σw)²`` over the answered in ``d``.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        p = s.wy / s.wv
        sz2 = (s.ty - 2 * p * s.ty + p * p * s.tv) / (s.wv * s.wv)
        sz = (s.wy - p * s.wv) / s.wv
    scale = n_total / (n_total - 1) if n_total > 1 else np.nan
    var = scale * (sz2 - sz * sz / n_total)
    return p, np.maximum(var, 0.0), sz


def psu_influence(ps, s: DomainSums, cols: slice) -> np.ndarray:
    """The PSU totals of the influence values of the domain shares, ``Z = (A − p_d B) / W_d``
    for each (PSU, domain) row of ``ps``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (s.wy[:, cols] / s.wv[:, cols])
        inv_w = np.where(s.wv[:, cols] > 0, 1.0 / np.where(s.wv[:, cols] > 0, s.wv[:, cols],
                                                            1.0), 0.0)
    pd_ = np.nan_to_num(p)[ps.domain]
    z = ps.a - pd_ * ps.b
    z *= inv_w[ps.domain]
    return z


def share_variance(design: Design, codes: np.ndarray, m: int, ind: Indicators,
                   s: DomainSums) -> np.ndarray:
    """The linearization variance of the domain shares ``s.wy / s.wv`` under ``design``
    (PSU totals of ``z_i = w_i (y_i − p_d) / Σ_d w``, see :mod:`~socialmaturity.research.
    design`); ``m × k``."""
    out = np.full(s.wv.shape, np.nan)
    for cols in column_blocks(ind.n, ind.k):
        ps = psu_sums(design, codes, m, ind, cols)
        z = psu_influence(ps, s, cols)
        out[:, cols] = design.variance(ps.psu, ps.domain, z, m, unique=True)
    return np.where(s.wv > 0, np.maximum(out, 0.0), np.nan)


def design_effect(p: np.ndarray, var: np.ndarray, n: np.ndarray) -> np.ndarray:
    """R survey's ``deff = "replace"``: the variance over that of a simple random sample
    with replacement of the same ``n`` answers, ``p(1 − p)/(n − 1)`` (``svyvar/n``)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        srs = p * (1 - p) / (n - 1)
        return np.where((srs > 0) & (n > 1), var / srs, np.nan)


def _logit_ci(p: np.ndarray, se: np.ndarray, df: np.ndarray, alpha: float
              ) -> tuple[np.ndarray, np.ndarray]:
    """``expit(logit(p) ± t(1−α/2; df) · se / (p(1−p)))``; NaN where p is 0 or 1."""
    with np.errstate(invalid="ignore", divide="ignore"):
        t = special.stdtrit(df, 1 - alpha / 2)
        inner = (p > 0) & (p < 1)
        logit = np.log(p / (1 - p))
        half = t * se / (p * (1 - p))
        lo = 1 / (1 + np.exp(-(logit - half)))
        hi = 1 / (1 + np.exp(-(logit + half)))
    return np.where(inner, lo, np.nan), np.where(inner, hi, np.nan)


def shares(frame: pd.DataFrame, indicators: Sequence[str], weights: str | None = None,
           by: str | None = None, alpha: float = 0.05, *, cluster: str | None = None,
           strata: str | None = None) -> pd.DataFrame:
    r"""Share of respondents with each 0/1 indicator, with its standard error and logit CI.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    indicators : list of str
        0/1 columns (bool, integer, float or nullable); an empty cell is a missing answer and
        leaves that respondent out of that indicator only.
    weights : str, optional
        Column of sampling weights (each > 0). Without it every respondent weighs 1.
    by : str, optional
        Grouping column: one row per group and indicator. Respondents with an empty ``by`` are
        in no group (they still count in the design's ``n``).
    alpha : float
        1 − confidence level of the interval (0.05: 95%).
    cluster, strata : str, optional
        Columns of the primary sampling units (e.g. ``organization_id``) and of the strata
        that hold them (nested): the design of :mod:`~socialmaturity.research.design`.

    Returns
    -------
    pandas.DataFrame
        Columns ``[by,] indicator, n, share, se, ci_low, ci_high, deff``; ``n`` is the
        number of respondents with an answer, ``deff`` the design effect
        (:func:`design_effect`).

    Notes
    -----
    The method and the equivalent R call: the module docstring, "Method of :func:`shares`".

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"uses_social": [1, 0, 1, 1], "sector": ["a", "a", "b", "b"]})
    >>> shares(df, ["uses_social"])[["indicator", "n", "share"]]
         indicator  n  share
    0  uses_social  4   0.75
    """
    check_alpha(alpha)
    ind = indicator_matrix(frame, indicators)
    design = make_design(frame, weights, cluster, strata)
    n_total = len(frame)
    codes, groups = grouping(frame, by, empty=Message("every value is empty; a by column "
                                                      "needs at least one group"))
    m = max(len(groups), 1)
    s = domain_sums(codes, m, ind, design.w)
    if design.simple:
        p, var, _ = ratio_variance(s, n_total)
        df = np.broadcast_to((s.rows - 1)[:, None], p.shape)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            p = s.wy / s.wv
        var = share_variance(design, codes, m, ind, s)
        df = np.broadcast_to(design.domain_df(codes, m)[:, None], p.shape)
    se = np.sqrt(var)
    lo, hi = _logit_ci(p, se, df, alpha)
    deff = design_effect(p, var, s.nv)
    return grouped_table(by, groups, "indicator", np.asarray(ind.names, dtype=object), {
        "n": s.nv.astype(np.int64), "share": p, "se": se, "ci_low": lo, "ci_high": hi,
        "deff": deff})


def grouped_table(by: str | None, groups: list[object], inner: str, values: np.ndarray,
                  columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A long table, ``[by,] inner, *columns``: a row per group (``max(1, len(groups))``, the
    outer order) and value of ``inner``; each column is a groups × values array."""
    out: dict[str, object] = {}
    if by is not None:
        out[by] = np.repeat(np.asarray(groups, dtype=object), len(values))
    out[inner] = np.tile(values, max(len(groups), 1))
    out.update({name: np.asarray(v).ravel() for name, v in columns.items()})
    return pd.DataFrame(out)


def _inverse_cdf(x: np.ndarray, w: np.ndarray, probs: np.ndarray) -> np.ndarray:
    cum = np.cumsum(w)
    idx = np.searchsorted(cum, probs * cum[-1], side="left")
    return x[np.minimum(idx, len(x) - 1)]


def _interpolated(x: np.ndarray, w: np.ndarray, probs: np.ndarray) -> np.ndarray:
    if len(x) == 1:
        return np.full(len(probs), x[0])
    cum = np.cumsum(w)
    pk = np.concatenate([[0.0], cum[:-1]]) / cum[-2]
    return np.interp(probs, pk, x)


def _woodruff(design: Design, x: np.ndarray, domain: np.ndarray, q: np.ndarray,
              df: float, alpha: float, fn, xs: np.ndarray, ws: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Woodruff's interval of the quantiles ``q`` of the rows in ``domain``: the CDF at each
    quantile, ``F = Σ w·1[x ≤ q] / Σ w``, gets its design-based interval
    ``F ± t(1−α/2; df)·se(F)``; the interval's ends mapped back through the same quantile
    rule are the quantile's interval, and ``se = (upper − lower) / (2 t)``."""
    w = design.w
    rows = np.flatnonzero(domain)
    total = w[rows].sum()
    below = (x[rows][:, None] <= q[None, :]).astype(np.float64)
    cdf = (w[rows][:, None] * below).sum(axis=0) / total
    z = w[rows][:, None] * (below - cdf) / total
    var = design.variance(design.psu[rows], np.zeros(len(rows), dtype=np.int64), z, 1)[0]
    t = special.stdtrit(df, 1 - alpha / 2) if df > 0 else np.nan
    half = t * np.sqrt(np.maximum(var, 0.0))
    lo = fn(xs, ws, np.clip(cdf - half, 0.0, 1.0))
    hi = fn(xs, ws, np.clip(cdf + half, 0.0, 1.0))
    return lo, hi, (hi - lo) / (2 * t)


def quantiles(frame: pd.DataFrame, value: str, by: str | None = None,
              weights: str | None = None, probs: Sequence[float] = (0.25, 0.5, 0.75),
              rule: str = "inverse", *, cluster: str | None = None, strata: str | None = None,
              alpha: float = 0.05, ci: bool = True) -> pd.DataFrame:
    r"""Weighted quantiles of a numeric column, overall or per group.

    Parameters
    ----------
    frame : pandas.DataFrame
    value : str
        Numeric column; empty cells are left out.
    by : str, optional
        Grouping column; respondents with an empty ``by`` are left out.
    weights : str, optional
        Column of sampling weights (each > 0); without it every respondent weighs 1.
    probs : sequence of float
        Probabilities in [0, 1].
    rule : {"inverse", "interpolated"}
        ``"inverse"`` (default): the inverse of the weighted empirical CDF, R survey's
        ``qrule="math"`` (``"hf1"``). ``"interpolated"``: R survey's ``qrule="hf7"``, linear
        interpolation between the sorted values, which is R's ``quantile(type=7)`` and
        numpy's ``method="linear"`` when the weights are equal.

    cluster, strata : str, optional
        The design's PSUs and strata (:mod:`~socialmaturity.research.design`), for the CIs.
    alpha : float
        1 − confidence level of the intervals.
    ci : bool
        Give the intervals (default); False gives the quantiles alone.

    Returns
    -------
    pandas.DataFrame
        Columns ``[by,] prob, quantile, se, ci_low, ci_high, n`` (``n``: respondents with a
        value; without ``ci``: ``[by,] prob, quantile, n``).

    Notes
    -----
    The method and the equivalent R call: the module docstring, "Method of :func:`quantiles`".
    """
    if rule not in RULES:
        raise ResearchInputError(Problem("rule", "{rule!r} is not a quantile rule; valid: "
                                                 "{valid}", rule=rule, valid=", ".join(RULES)))
    p = np.asarray(list(probs), dtype=np.float64)
    if p.size == 0 or np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ResearchInputError(Problem("probs", "give probabilities between 0 and 1"))
    check_alpha(alpha)
    x = numeric_column(frame, value)
    design = make_design(frame, weights, cluster, strata) if ci else None
    w = design.w if design is not None else weights_array(frame, weights)
    w = np.ones(len(frame)) if w is None else w
    codes, groups = grouping(frame, by)
    keep = ~np.isnan(x) & (codes >= 0)
    order = np.lexsort((x[keep], codes[keep]))
    xs, ws, cs = x[keep][order], w[keep][order], codes[keep][order]
    m = max(len(groups), 1)
    bounds = np.searchsorted(cs, np.arange(m + 1))
    fn = _inverse_cdf if rule == "inverse" else _interpolated
    nan = np.full((m, len(p)), np.nan)
    q, se, lo, hi = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    dfs = design.domain_df(np.where(keep, codes, -1), m) if design is not None else None
    for g in range(m):
        a, b = bounds[g], bounds[g + 1]
        if b > a:
            q[g] = fn(xs[a:b], ws[a:b], p)
            if design is not None:
                lo[g], hi[g], se[g] = _woodruff(design, x, keep & (codes == g), q[g], dfs[g],
                                                alpha, fn, xs[a:b], ws[a:b])
    columns = {"quantile": q} | ({"se": se, "ci_low": lo, "ci_high": hi} if ci else {})
    table = grouped_table(by, groups, "prob", p, columns | {
        "n": np.repeat(np.diff(bounds), len(p)).astype(np.int64)})
    if by is not None:
        table[by] = table[by].infer_objects()
    return table
