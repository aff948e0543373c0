r"""Organizations: the intra-class correlation of scores, and the organization-level table.

**Intra-class correlation** (:func:`icc1`). How much alike the respondents of one
organization are, on a score: the one-way ANOVA estimator ICC(1) for unbalanced groups
(Shrout & Fleiss 1979; the "ANOVA estimator" of Donner 1986). With :math:`k` organizations,
:math:`N` respondents with a value, :math:`n_j` of them in organization :math:`j`,

.. math::

    MSB = \frac{\sum_j n_j (\bar y_j - \bar y)^2}{k - 1}, \quad
    MSW = \frac{\sum_j \sum_{i \in j} (y_{ij} - \bar y_j)^2}{N - k}, \quad
    n_0 = \frac{N - \sum_j n_j^2 / N}{k - 1},

    \mathrm{ICC(1)} = \frac{MSB - MSW}{MSB + (n_0 - 1)\,MSW}.

It is unweighted, may be slightly below 0 when organizations differ less than chance, and is
NaN when no organization has two respondents. With it, the design effect of a mean is
roughly :math:`1 + (\bar n - 1)\,\mathrm{ICC}` (Kish). Equivalent R:
``ICC::ICCest(organization_id, score, data)`` or ``psych::ICC`` on the one-way model;
``anova(lm(score ~ factor(organization_id)))`` gives MSB and MSW.

**Organization level** (:func:`to_organizations`): one row per organization, so that a
comparison counts organizations, by the rule of the README's ``--level organization``:
scores and stage from the respondents' combined answers
(:func:`~socialmaturity.research.classify.roll_up`); a 0/1 indicator by ``rule``
(``"majority"``: at least half of those who answered say yes, the roll-up's threshold;
``"any"``: at least one); other numeric columns averaged, other columns the first value; the
weight the mean of the respondents' weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import Counted, Problem
from ..instrument.model import Instrument
from .checks import ResearchInputError, numeric_column, require_columns, where

__all__ = ["icc1", "to_organizations", "RULES"]

RULES = ("majority", "any")


def icc1(values: np.ndarray, groups: np.ndarray) -> float:
    """ICC(1) of ``values`` within ``groups`` (see the module docstring); NaN values are left
    out."""
    y = np.asarray(values, dtype=np.float64)
    ok = ~np.isnan(y)
    codes, _ = pd.factorize(pd.Series(np.asarray(groups)[ok], dtype=object))
    y = y[ok]
    k = int(codes.max()) + 1 if len(codes) else 0
    n = len(y)
    if k < 2 or n <= k:
        return float("nan")
    nj = np.bincount(codes, minlength=k).astype(np.float64)
    means = np.bincount(codes, weights=y, minlength=k) / nj
    grand = y.mean()
    msb = float((nj * (means - grand) ** 2).sum() / (k - 1))
    msw = float(((y - means[codes]) ** 2).sum() / (n - k))
    n0 = (n - (nj**2).sum() / n) / (k - 1)
    denom = msb + (n0 - 1) * msw
    return float((msb - msw) / denom) if denom > 0 else float("nan")


def to_organizations(frame: pd.DataFrame, inst: Instrument | None, indicators: Sequence[str],
                     *, by: str = "organization_id", rule: str = "majority",
                     weights: str | None = None, numeric: Sequence[str] = (),
                     keep: Sequence[str] = ()) -> pd.DataFrame:
    """One row per organization by the rule of the module docstring.

    Returns a table with ``by``, ``n_respondents``, the rolled-up scores and stage (when
    ``inst`` is given and the table has its answers), the ``indicators``, the ``numeric``
    columns (means), the ``keep`` columns (first value) and ``weights`` (mean).
    """
    if rule not in RULES:
        raise ResearchInputError(Problem("--org-rule", "{value!r}; valid: {valid}", value=rule,
                                         valid=", ".join(RULES)))
    require_columns(frame, [by], "organization column")
    ids = frame[by]
    if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        idx = np.flatnonzero((ids.isna() | (ids.astype(str).str.strip() == "")).to_numpy())
        raise ResearchInputError(Problem(where(by, frame.index[idx[0]]), Counted(
            "{n} row without an organization; the organization level needs one in every row",
            "{n} rows without an organization; the organization level needs one in every row",
            len(idx))))
    codes, orgs = pd.factorize(ids, sort=False)
    m = len(orgs)
    out: dict[str, object] = {by: np.asarray(orgs, dtype=object),
                              "n_respondents": np.bincount(codes, minlength=m)}
    rolled = None
    if inst is not None and all(q.id in frame.columns for q in inst.scored_questions):
        from .classify import roll_up

        rolled = roll_up(frame, inst, by=by)
    for name in indicators:
        y = frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
        ans = ~np.isnan(y)
        yes = np.bincount(codes[ans], weights=y[ans], minlength=m)
        answered = np.bincount(codes[ans], minlength=m)
        hit = 2 * yes >= answered if rule == "majority" else yes > 0
        out[name] = np.where(answered > 0, hit.astype(np.float64), np.nan)
    for name in dict.fromkeys(list(numeric) + ([weights] if weights else [])):
        if rolled is not None and name in rolled.columns and name != weights:
            continue
        x = numeric_column(frame, name)
        has = ~np.isnan(x)
        total = np.bincount(codes[has], weights=x[has], minlength=m)
        count = np.bincount(codes[has], minlength=m)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)
    table = pd.DataFrame(out)
    if rolled is not None:
        extra = [c for c in rolled.columns if c not in table.columns]
        table = table.merge(rolled[[by] + extra], on=by, how="left", sort=False)
    firsts = [c for c in dict.fromkeys(keep) if c and c in frame.columns
              and c not in table.columns]
    if firsts:
        first = frame[[by] + firsts].groupby(by, sort=False, dropna=False).first()
        table = table.join(first, on=by)
    return table
