r"""Survey designs with clusters and strata: the linearization variance of R's survey package.

A :class:`Design` is what ``svydesign(ids = ~cluster, strata = ~strata, weights = ~w,
nest = TRUE)`` describes: sampling weights, primary sampling units (PSUs, e.g. organizations
whose several respondents are not independent draws) and strata that hold the PSUs. Without a
cluster column every row is its own PSU (``ids = ~1``); without strata there is one stratum.
With ``nest = TRUE`` a cluster id is local to its stratum: the same id in two strata is two
PSUs.

**The variance estimator** (survey's default, ``svyrecvar`` with replacement at the first
stage, no finite population correction). For an estimate with influence values :math:`z_i`
(0 for rows outside its domain), with :math:`Z_{hc} = \sum_{i \in c} z_i` the total of PSU
:math:`c` of stratum :math:`h`, :math:`n_h` the number of PSUs of stratum :math:`h` in the
whole sample (in the domain or not) and :math:`\bar Z_h` their mean,

.. math::

    \widehat V = \sum_h \frac{n_h}{n_h - 1} \sum_{c \in h} (Z_{hc} - \bar Z_h)^2 .

Covariances (the two shares of a comparison, the cells of a 2×2 table) use the same
formula on the PSU totals of a linear combination of influence values. The design's degrees
of freedom are the number of PSUs minus the number of strata (``degf()``); for a domain (a
group, a subset), the PSUs and strata that have a row in it.

A stratum with a single PSU has no variance estimate; as R's default
(``options(survey.lonely.psu = "fail")``) that is an error naming the stratum.

The sums are vectorized: one sparse product per call sums the indicators by (PSU, domain),
and the stratum sums are another one; no loop runs over PSUs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Counted, Message, Problem
from .checks import Indicators, ResearchInputError, require_columns, weights_array, where

__all__ = ["Design", "make_design", "PsuSums", "psu_sums", "group_sum"]

#: The largest number of cells (combinations × indicators) one block of sums may hold.
BLOCK_CELLS = 20_000_000


def group_sum(key: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum the rows of ``values`` (r × k, or r) by ``key`` (r, in ``0..size-1``)."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        return np.bincount(key, weights=values, minlength=size)
    from scipy import sparse  # imported here: only designs with clusters or strata need it

    h = sparse.csr_matrix((np.ones(len(key)), (key, np.arange(len(key)))),
                          shape=(size, len(key)))
    return np.asarray(h @ values)


@dataclass(frozen=True)
class Design:
    """Weights, PSUs and strata of a sample (see the module docstring)."""

    #: The sampling weight of each row (1 when unweighted).
    w: np.ndarray
    #: Whether weights were given.
    weighted: bool
    #: The PSU of each row (``0..n_psu-1``); every row its own PSU when no cluster is given.
    psu: np.ndarray
    #: The stratum of each PSU (``0..n_strata-1``).
    stratum_of_psu: np.ndarray
    #: The number of PSUs of each stratum.
    n_h: np.ndarray
    #: The cluster and strata columns (None when not given).
    cluster: str | None = None
    strata: str | None = None

    @property
    def n_psu(self) -> int:
        return len(self.stratum_of_psu)

    @property
    def n_strata(self) -> int:
        return len(self.n_h)

    @property
    def simple(self) -> bool:
        """Every row its own PSU and one stratum (``ids = ~1``)."""
        return self.cluster is None and self.strata is None

    @property
    def df(self) -> int:
        """Degrees of freedom: PSUs − strata."""
        return self.n_psu - self.n_strata

    def domain_df(self, codes: np.ndarray, m: int) -> np.ndarray:
        """Degrees of freedom of each domain ``0..m-1`` (``codes``: the domain of each row,
        −1 for none): the PSUs with a row in it minus the strata with a row in it."""
        rows = codes >= 0
        c = codes[rows]
        p = self.psu[rows].astype(np.int64)
        h = self.stratum_of_psu[p].astype(np.int64)
        if self.n_psu * m <= 50_000_000:
            seen = np.zeros(self.n_psu * m, dtype=bool)
            seen[p * m + c] = True
            psus = seen.reshape(self.n_psu, m).sum(axis=0)
        else:
            psus = np.bincount(np.unique(p * m + c) % m, minlength=m)
        seen_h = np.zeros(self.n_strata * m, dtype=bool)
        seen_h[h * m + c] = True
        strata = seen_h.reshape(self.n_strata, m).sum(axis=0)
        return (psus - strata).astype(np.float64)

    def variance(self, psu: np.ndarray, g: np.ndarray, u: np.ndarray, size: int, *,
                 unique: bool = False) -> np.ndarray:
        """The variance of the totals of ``u`` for each group ``0..size-1``.

        ``psu``, ``g``: the PSU and the group of each row of ``u`` (r × k); a (PSU, group)
        pair may occur more than once (its rows are added into the PSU total first), unless
        ``unique`` says each occurs once. Returns ``size × k``.
        """
        u = np.asarray(u, dtype=np.float64)
        key = psu.astype(np.int64) * size + g
        if unique:
            uk, totals = key, u
        elif len(key) and bool(np.all(key[1:] >= key[:-1])):
            new = np.r_[True, key[1:] != key[:-1]]
            uk = key[new]
            totals = group_sum(np.cumsum(new) - 1, u, len(uk)) if len(uk) < len(key) else u
        else:
            uk, inv = np.unique(key, return_inverse=True)
            totals = group_sum(np.asarray(inv).reshape(-1), u, len(uk))
        gp = uk % size
        hp = self.stratum_of_psu[uk // size]
        hk = hp * size + gp
        cells = self.n_strata * size
        s1 = group_sum(hk, totals, cells)
        s2 = group_sum(hk, totals * totals, cells)
        nh = np.repeat(self.n_h.astype(np.float64), size)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(nh > 1, nh / np.where(nh > 1, nh - 1, 1.0), np.nan)
            if s1.ndim == 2:
                nh, scale = nh[:, None], scale[:, None]
            v = scale * (s2 - s1 * s1 / np.maximum(nh, 1.0))
        return v.reshape((self.n_strata, size) + v.shape[1:]).sum(axis=0)


def _codes(frame: pd.DataFrame, column: str, role: Message) -> tuple[np.ndarray, list[object]]:
    require_columns(frame, [column], f"{role} column")
    series = frame[column]
    codes, uniques = pd.factorize(series, sort=False)
    codes = np.asarray(codes, dtype=np.int64)
    blank = [i for i, u in enumerate(uniques) if isinstance(u, str) and not u.strip()]
    empty = (codes < 0) | (np.isin(codes, blank) if blank else False)
    if empty.any():
        idx = np.flatnonzero(empty)
        labels = ", ".join(str(v) for v in frame.index[idx[:5]])
        raise ResearchInputError(Problem(where(column), Counted(
            "{n} row without a {role} (rows {rows}); every row needs one for the design",
            "{n} rows without a {role} (rows {rows}); every row needs one for the design",
            len(idx), role=role, rows=labels)))
    return codes, list(uniques)


def make_design(frame: pd.DataFrame, weights: str | None = None, cluster: str | None = None,
                strata: str | None = None) -> Design:
    """The design of ``frame``: ``svydesign(ids = ~cluster, strata = ~strata,
    weights = ~weights, nest = TRUE, data = frame)``.

    Raises
    ------
    ResearchInputError
        An unknown column, a row without a cluster or stratum, a weight missing or ≤ 0, a
        stratum with only one PSU, or fewer than two PSUs.
    """
    n = len(frame)
    w = weights_array(frame, weights)
    weighted = w is not None
    w = np.ones(n) if w is None else w
    if strata is not None:
        hcodes, hnames = _codes(frame, strata, Message("stratum"))
    else:
        hcodes, hnames = np.zeros(n, dtype=np.int64), [None]
    if cluster is not None:
        ccodes, cnames = _codes(frame, cluster, Message("cluster"))
        inverse = np.unique(hcodes * len(cnames) + ccodes, return_inverse=True)[1]
        psu = np.asarray(inverse, dtype=np.int64).reshape(-1)
    else:
        psu = np.arange(n, dtype=np.int64)
    n_psu = int(psu.max()) + 1 if n else 0
    stratum_of_psu = np.zeros(n_psu, dtype=np.int64)
    stratum_of_psu[psu] = hcodes
    n_h = np.bincount(stratum_of_psu, minlength=len(hnames))
    if n_psu < 2 and (cluster is not None or strata is not None):
        raise ResearchInputError(Problem(where(cluster or "data"), "the design has fewer than "
                                         "two primary sampling units; a variance needs two"))
    lonely = np.flatnonzero(n_h < 2) if strata is not None else np.zeros(0, dtype=np.int64)
    if len(lonely):
        shown = ", ".join(repr(hnames[h]) for h in lonely[:5])
        if len(lonely) > 5:
            shown = Counted("{shown} and {n} more", "{shown} and {n} more", len(lonely) - 5,
                            shown=shown)
        unit = Message("cluster") if cluster else Message("row")
        raise ResearchInputError(Problem(
            where(strata or "data"), Counted(
                "{n} stratum with a single {unit} ({shown}); each stratum needs at least two "
                "primary sampling units: merge small strata or leave out --strata",
                "{n} strata with a single {unit} ({shown}); each stratum needs at least two "
                "primary sampling units: merge small strata or leave out --strata",
                len(lonely), unit=unit, shown=shown)))
    return Design(w=w, weighted=weighted, psu=psu, stratum_of_psu=stratum_of_psu, n_h=n_h,
                  cluster=cluster, strata=strata)


@dataclass
class PsuSums:
    """Per (PSU, domain) combination present in the data: ``psu``, ``domain``, the weighted
    yes sums ``a`` (Σ w·y) and the weighted answered sums ``b`` (Σ w over the answered),
    each ``r × k``."""

    psu: np.ndarray
    domain: np.ndarray
    a: np.ndarray
    b: np.ndarray
    #: With ``counts``: the yes counts and the answered counts, ``r × k``.
    ny: np.ndarray | None = None
    nv: np.ndarray | None = None


def psu_sums(design: Design, codes: np.ndarray, m: int, ind: Indicators,
             columns: slice = slice(None), *, counts: bool = False) -> PsuSums:
    """Sum the indicators (``columns`` of them) by PSU and domain (``codes``, −1: none);
    with ``counts`` the unweighted yes and answered counts too."""
    from scipy import sparse  # imported here: only designs with clusters or strata need it

    rows = np.flatnonzero(codes >= 0)
    key = design.psu[rows] * m + codes[rows]
    uk, inv = np.unique(key, return_inverse=True)
    inv = np.asarray(inv).reshape(-1)
    r = len(uk)
    w = design.w[rows]
    y = ind.y[:, columns]
    h = sparse.csr_matrix((w, (inv, rows)), shape=(r, ind.n))
    a = np.asarray(h @ y)
    k = a.shape[1]
    b = np.repeat(np.bincount(inv, weights=w, minlength=r)[:, None], k, axis=1)
    ny = nv = None
    if counts:
        h.data[:] = 1.0
        ny = np.rint(np.asarray(h @ y))
        nv = np.repeat(np.bincount(inv, minlength=r).astype(np.float64)[:, None], k, axis=1)
    col_ids = np.arange(ind.k)[columns]
    pos = np.full(ind.n, -1, dtype=np.int64)
    pos[rows] = inv
    mr, mc = ind.missing_rows, ind.missing_cols
    keep = (pos[mr] >= 0) & np.isin(mc, col_ids)
    if keep.any():
        local = np.searchsorted(col_ids, mc[keep])
        np.subtract.at(b, (pos[mr[keep]], local), design.w[mr[keep]])
        if nv is not None:
            np.subtract.at(nv, (pos[mr[keep]], local), 1.0)
    return PsuSums(psu=uk // m, domain=uk % m, a=a, b=np.maximum(b, 0.0), ny=ny, nv=nv)


def column_blocks(rows: int, k: int) -> list[slice]:
    """Slices of the ``k`` indicators so that ``rows × len(slice)`` stays below
    :data:`BLOCK_CELLS`."""
    step = max(1, BLOCK_CELLS // max(rows, 1))
    return [slice(j, min(j + step, k)) for j in range(0, k, step)]
