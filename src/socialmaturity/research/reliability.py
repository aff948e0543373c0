r"""Reliability of multi-item scales: Cronbach's alpha (raw and standardized) with Feldt's CI,
alpha if an item is dropped, corrected item–total correlations, McDonald's omega; per
dimension of an instrument.

Follows ``psych::alpha`` (R) with its defaults: covariances from pairwise-complete answers
(``cov(x, use = "pairwise")``), correlations from those covariances (``cov2cor``), items
without variance left out.

**Method of :func:`cronbach_alpha`.**
With :math:`C` the :math:`k \times k` covariance matrix of the items, each entry from the
respondents who answered both items (``n − 1`` denominator), and :math:`R` its
correlation matrix (:math:`C_{ij}/\sqrt{C_{ii}C_{jj}}`):

.. math::

    \alpha = \frac{k}{k-1}\left(1 - \frac{\operatorname{tr} C}{\sum_{ij} C_{ij}}\right),
    \qquad
    \alpha_{std} = \frac{k}{k-1}\left(1 - \frac{k}{\sum_{ij} R_{ij}}\right)
                 = \frac{k \bar r}{1 + (k-1)\bar r}

Alpha if item :math:`i` is dropped is the same on :math:`C` without row and column
:math:`i`; the corrected item–total correlation (``r.drop``) is
:math:`(\sum_j C_{ij} - C_{ii}) / \sqrt{C_{ii} \sum_{j,l \ne i} C_{jl}}`. The interval is
:func:`feldt_interval` with :math:`n` the respondents who answered at least one item
(``psych`` counts every row); omega is :func:`omega_total` on :math:`R`.

Equivalent R::

    psych::alpha(frame[items], keys = reverse, use = "pairwise")
    psych::omega(frame[items], nfactors = 1)$omega.tot
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import Message, Problem
from ..instrument.model import Instrument
from ..scoring.batch import item_score_matrix
from .checks import ResearchInputError, encoded_answers, numeric_column, require_columns, where

__all__ = ["cronbach_alpha", "ReliabilityResult", "reliability_table",
           "dimension_reliability", "reliability_by_dimension", "feldt_interval",
           "omega_total"]

#: The columns of a reliability table (:func:`reliability_table`).
TABLE_COLUMNS = ["scale", "k", "n", "n_complete", "alpha", "std_alpha", "ci_low", "ci_high",
                 "omega"]


@dataclass
class ReliabilityResult:
    """What :func:`cronbach_alpha` returns."""

    #: The items used, in order (reversed ones flipped; items without variance left out).
    items: list[str]
    #: Cronbach's alpha from the covariances.
    alpha: float
    #: Standardized alpha, from the mean inter-item correlation.
    std_alpha: float
    #: Feldt's interval for alpha at the requested level.
    ci_low: float
    ci_high: float
    #: McDonald's omega total from a one-factor model (NaN when it cannot be fitted).
    omega: float
    #: Respondents with at least one answer (the n of the interval).
    n: int
    #: Respondents who answered every item.
    n_complete: int
    #: Fewest and most respondents behind one inter-item covariance.
    n_pairwise_min: int
    n_pairwise_max: int
    #: Per item: ``item, n, mean, sd, r_drop, alpha_if_dropped, std_alpha_if_dropped``.
    item_stats: pd.DataFrame
    #: Items flipped before the analysis.
    reversed: list[str] = field(default_factory=list)
    #: Items left out because every answer was the same.
    dropped: list[str] = field(default_factory=list)

    @property
    def k(self) -> int:
        return len(self.items)

    def summary(self) -> dict[str, object]:
        """One row of a reliability table."""
        return {c: getattr(self, c) for c in TABLE_COLUMNS[1:]}


def _alpha_from(c: np.ndarray) -> tuple[float, float]:
    """Raw and standardized alpha of a covariance matrix (psych's ``alpha.1``)."""
    k = c.shape[0]
    if k < 2:
        return np.nan, np.nan
    d = np.sqrt(np.diag(c))
    r = c / np.outer(d, d)
    raw = (1 - np.trace(c) / c.sum()) * k / (k - 1)
    std = (1 - k / r.sum()) * k / (k - 1)
    return float(raw), float(std)


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    r"""Feldt's (1965; Feldt, Woodruff & Salih 1987) confidence interval for alpha.

    .. math::

        \left[1 - (1-\alpha)\,F_{1-\gamma/2}(n-1, (n-1)(k-1)),\;
              1 - (1-\alpha)\,F_{\gamma/2}(n-1, (n-1)(k-1))\right], \quad \gamma = 1 - level

    with :math:`F_q` the :math:`q` quantile of the F distribution. Equivalent R:
    ``psych::alpha.ci(alpha, n.obs = n, n.var = k, p.val = 1 - level)``.
    """
    if n < 2 or k < 2 or not np.isfinite(alpha):
        return np.nan, np.nan
    g = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * stats.f.ppf(1 - g / 2, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.ppf(g / 2, df1, df2)
    return float(lower), float(upper)


def omega_total(r: np.ndarray, max_iter: int = 1000, tol: float = 1e-10) -> float:
    r"""McDonald's omega total from a one-factor model of the correlation matrix ``r``.

    The loadings :math:`\lambda` are fitted by iterated principal axis factoring (starting
    from the squared multiple correlations), which converges to the minimum-residual
    (unweighted least squares) solution, ``psych::fa(r, 1, fm = "minres")``; then

    .. math:: \omega_t = \frac{(\sum \lambda_i)^2}{(\sum \lambda_i)^2 + \sum (1 - \lambda_i^2)}

    (the model-implied total variance; ``psych::omega`` divides by the observed ``sum(r)``
    instead, the same when the model fits). NaN when the fit fails (a loading above 1).
    """
    k = r.shape[0]
    if k < 2 or not np.isfinite(r).all():
        return np.nan
    try:
        h2 = 1 - 1 / np.diag(np.linalg.inv(r))
    except np.linalg.LinAlgError:
        h2 = np.full(k, 0.5)
    loadings = np.zeros(k)
    for _ in range(max_iter):
        reduced = r.copy()
        np.fill_diagonal(reduced, h2)
        values, vectors = np.linalg.eigh(reduced)
        loadings = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
        new = loadings**2
        if np.max(np.abs(new - h2)) < tol:
            h2 = new
            break
        h2 = new
    if loadings.sum() < 0:
        loadings = -loadings
    if (loadings**2 > 1 + 1e-9).any():
        return np.nan
    s = loadings.sum() ** 2
    return float(s / (s + np.sum(1 - loadings**2)))


def cronbach_alpha(frame: pd.DataFrame, items: Sequence[str], *, reverse: Sequence[str] = (),
                   min: float | None = None, max: float | None = None,  # noqa: A002
                   level: float = 0.95) -> ReliabilityResult:
    r"""Cronbach's alpha of a scale, with standardized alpha, Feldt's CI, item statistics and
    McDonald's omega.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent; empty cells are missing answers.
    items : list of str
        The scale's numeric item columns (at least two).
    reverse : list of str
        Items scored in the opposite direction; each is flipped to ``min + max − x``.
    min, max : float, optional
        The scale's lowest and highest possible answer, for flipping; default the lowest and
        highest answer seen over all items (as ``psych::alpha`` does).
    level : float
        Confidence level of Feldt's interval.

    Returns
    -------
    ReliabilityResult

    Raises
    ------
    ResearchInputError
        An unknown or non-numeric column, fewer than two items with variance, a pair of items
        that fewer than two respondents both answered, a reversed item not in ``items``.

    Notes
    -----
    The method and the equivalent R call: the module docstring, "Method of :func:`cronbach_alpha`".

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(df, ["a", "b", "c"]).alpha, 4)
    0.9538
    """
    names = list(items)
    x = _item_matrix(frame, names, reverse, min, max)
    answered = ~np.isnan(x)
    sd = np.nanstd(x, axis=0, ddof=1) if len(x) > 1 else np.full(len(names), np.nan)
    keep = np.isfinite(sd) & (sd > 0)
    dropped = [n for n, ok in zip(names, keep, strict=True) if not ok]
    used = [n for n, ok in zip(names, keep, strict=True) if ok]
    if len(used) < 2:
        why = Message(" (no variance: {items})", items=", ".join(dropped)) if dropped else ""
        raise ResearchInputError(Problem("items", "fewer than two items vary across "
                                                  "respondents{dropped}", dropped=why))
    x, answered = x[:, keep], answered[:, keep]
    k = len(used)
    pairs = answered.T.astype(np.int64) @ answered.astype(np.int64)
    off = pairs[~np.eye(k, dtype=bool)]
    if off.min() < 2:
        i, j = np.argwhere((pairs < 2) & ~np.eye(k, dtype=bool))[0]
        raise ResearchInputError(Problem("items", "{first!r} and {second!r} were answered "
                                                  "together by fewer than two respondents; "
                                                  "their covariance is undefined",
                                         first=used[i], second=used[j]))
    c = pd.DataFrame(x).cov().to_numpy()  # pairwise-complete, ddof 1, as R's cov(use="pairwise")
    alpha, std_alpha = _alpha_from(c)
    n = int(answered.any(axis=1).sum())
    ci_low, ci_high = feldt_interval(alpha, n, k, level)
    d = np.sqrt(np.diag(c))
    return ReliabilityResult(
        items=used, alpha=alpha, std_alpha=std_alpha, ci_low=ci_low, ci_high=ci_high,
        omega=omega_total(c / np.outer(d, d)), n=n, n_complete=int(answered.all(axis=1).sum()),
        n_pairwise_min=int(off.min()), n_pairwise_max=int(off.max()),
        item_stats=_item_stats(used, x, answered, c), reversed=list(reverse), dropped=dropped)


def _item_matrix(frame: pd.DataFrame, names: list[str], reverse: Sequence[str],
                 lo: float | None, hi: float | None) -> np.ndarray:
    """The items' answers as a float matrix (NaN: missing), reversed items flipped to
    ``lo + hi − x`` (default: the lowest and highest answer seen)."""
    require_columns(frame, names, "item column")
    if len(set(names)) != len(names):
        raise ResearchInputError(Problem("items", "an item is listed twice"))
    unknown = [r for r in reverse if r not in names]
    if unknown:
        raise ResearchInputError(Problem(where(unknown[0]), "is reversed but not one of the "
                                                            "scale's items"))
    x = np.column_stack([numeric_column(frame, c) for c in names]) if names \
        else np.zeros((len(frame), 0))
    if len(names) < 2:
        raise ResearchInputError(Problem("items", "a scale needs at least two items"))
    if reverse:
        lo = np.nanmin(x) if lo is None else float(lo)
        hi = np.nanmax(x) if hi is None else float(hi)
        for name in reverse:
            j = names.index(name)
            x[:, j] = lo + hi - x[:, j]
    return x


def _item_stats(used: list[str], x: np.ndarray, answered: np.ndarray, c: np.ndarray
                ) -> pd.DataFrame:
    """Per item: n, mean, sd, the corrected item–total correlation and alpha if dropped."""
    k = len(used)
    rows = []
    for i, name in enumerate(used):
        mask = np.arange(k) != i
        sub = c[np.ix_(mask, mask)]
        raw_i, std_i = _alpha_from(sub) if k > 2 else (np.nan, np.nan)
        r_drop = (c[:, i].sum() - c[i, i]) / np.sqrt(c[i, i] * sub.sum())
        rows.append({"item": name, "n": int(answered[:, i].sum()),
                     "mean": float(np.nanmean(x[:, i])), "sd": float(np.sqrt(c[i, i])),
                     "r_drop": float(r_drop), "alpha_if_dropped": raw_i,
                     "std_alpha_if_dropped": std_i})
    return pd.DataFrame(rows)


def reliability_table(results: Mapping[str, ReliabilityResult]) -> pd.DataFrame:
    """One row per scale: ``scale, k, n, n_complete, alpha, std_alpha, ci_low, ci_high,
    omega``."""
    return pd.DataFrame([{"scale": name} | r.summary() for name, r in results.items()],
                        columns=TABLE_COLUMNS)


def dimension_reliability(frame: pd.DataFrame, inst: Instrument, level: float = 0.95
                          ) -> dict[str, ReliabilityResult | None]:
    """:func:`cronbach_alpha` of each dimension of ``inst`` on the item scores of the answers
    in ``frame`` (question-id columns holding option keys, as the scoring engine reads them).

    Item scores are the engine's (0–1, the option's points scaled; multi-select and numeric
    items as scored); "don't know", "not applicable" and unanswered are missing, not 0.
    A dimension with fewer than two items that vary gives ``None``.
    """
    questions = [q for q in inst.scored_questions if q.id in frame.columns]
    enc = encoded_answers(inst, frame, questions,
                          lambda row, column: where(column, frame.index[row]), limit=10)
    scores = pd.DataFrame(item_score_matrix(inst, enc, answered_only=True), index=frame.index)
    out: dict[str, ReliabilityResult | None] = {}
    for d in inst.dimensions:
        ids = [q.id for q in d.questions if q.id in scores.columns]
        try:
            out[d.id] = cronbach_alpha(scores, ids, level=level)
        except ResearchInputError:
            out[d.id] = None
    return out


def reliability_by_dimension(frame: pd.DataFrame, inst: Instrument, level: float = 0.95
                             ) -> pd.DataFrame:
    """The reliability table of an instrument's dimensions (see
    :func:`dimension_reliability`): ``scale`` is the dimension id; a dimension that cannot be
    analysed has NaN statistics. Equivalent R: ``psych::alpha`` per dimension on the item
    scores."""
    results = dimension_reliability(frame, inst, level)
    rows = []
    for d in inst.dimensions:
        r = results[d.id]
        rows.append({"scale": d.id} | (r.summary() if r is not None else dict.fromkeys(
            TABLE_COLUMNS[1:], np.nan) | {"k": sum(q.id in frame.columns for q in d.questions),
                                          "n": 0, "n_complete": 0}))
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)
