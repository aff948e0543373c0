"""Weighting: post-stratification, raking with trimming, and what the weights cost (design
effect, effective n).

Weights come back scaled to a mean of 1 (they sum to the number of respondents), the
convention for analysis weights: a weighted count then reads as "respondents' worth". Targets
may be given as shares or as population counts; each margin (or the cell table) is scaled to
shares first. Values are matched to targets by their text, so a target ``"3"`` matches a
column value ``3``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Counted, Message, Problem
from .checks import (
    Number,
    ResearchInputError,
    check_weights,
    require_columns,
    rows_text,
    weights_array,
    where,
)

__all__ = ["poststratify", "rake", "RakeResult", "design_effect", "effective_n"]


@dataclass
class RakeResult:
    """What :func:`rake` returns."""

    #: One weight per row of the frame (same index), mean 1.
    weights: pd.Series
    #: Sweeps done (one sweep adjusts every margin once, then trims).
    iterations: int
    #: Whether every margin is within ``tol`` of its target (and, with ``trim``, every weight
    #: within the bounds).
    converged: bool
    #: The largest difference between a weighted share and its target at the end.
    max_error: float

    @property
    def design_effect(self) -> float:
        return design_effect(self.weights)

    @property
    def effective_n(self) -> float:
        return effective_n(self.weights)


def value_text(value: object) -> str:
    """A value as targets name it: ``3.0`` → ``"3"``; a tuple (a cell) joined by ``\x1f``."""
    if isinstance(value, tuple):
        return "\x1f".join(value_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, list[str]]:
    """Codes of a column's values by their text, and the texts; error on empty cells."""
    series = frame[column]
    missing = series.isna().to_numpy()
    if missing.any():
        idx = np.flatnonzero(missing)
        raise ResearchInputError(Problem(where(column), Counted(
            "{n} empty cell ({rows}); every respondent needs a value to be weighted: fill it "
            "in or drop that row first", "{n} empty cells ({rows}); every respondent needs a "
            "value to be weighted: fill them in or drop those rows first", len(idx),
            rows=rows_text(frame.index, idx))))
    raw, uniques = pd.factorize(series)
    codes, texts = pd.factorize(pd.Series([value_text(u) for u in uniques], dtype=object),
                                sort=True)
    return np.asarray(codes, dtype=np.int64)[raw], [str(t) for t in texts]


def _shares(targets: Mapping[object, float], what: str) -> dict[str, float]:
    values = {}
    for key, value in targets.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ResearchInputError(Problem(what, "target for {key!r} is {value!r}, not a "
                                                   "number", key=key, value=value)) from None
        if not np.isfinite(number) or number < 0:
            raise ResearchInputError(Problem(what, "target for {key!r} is {value!r}; "
                                                   "targets are shares or counts ≥ 0", key=key,
                                             value=value))
        values[value_text(key)] = number
    total = sum(values.values())
    if total <= 0:
        raise ResearchInputError(Problem(what, "the targets add up to 0; give shares or counts "
                                               "with a positive total"))
    return {k: v / total for k, v in values.items()}


def _show_cell(cells: Sequence[str], key: str) -> str:
    parts = key.split("\x1f")
    return "(" + ", ".join(f"{c}={p!r}" for c, p in zip(cells, parts, strict=True)) + ")"


def _targets_mapping(cells: list[str], targets: Mapping | pd.DataFrame) -> Mapping:
    if not isinstance(targets, pd.DataFrame):
        return targets
    require_columns(targets, cells, "cell column of the targets")
    rest = [c for c in targets.columns if c not in cells]
    if len(rest) != 1:
        raise ResearchInputError(Problem("targets", Counted(
            "a targets table has the cell columns and one column of shares or counts; found "
            "{n} other column: {columns}", "a targets table has the cell columns and one "
            "column of shares or counts; found {n} other columns: {columns}", len(rest),
            columns=", ".join(map(str, rest)) or Message("none"))))
    keys = (targets[cells[0]] if len(cells) == 1
            else pd.Series(list(targets[cells].itertuples(index=False, name=None))))
    return dict(zip(keys, targets[rest[0]], strict=True))


def poststratify(frame: pd.DataFrame, cells: str | Sequence[str],
                 targets: Mapping[tuple | str, float] | pd.DataFrame, *,
                 base_weights: str | Sequence[float] | None = None) -> pd.Series:
    r"""Post-stratification weights: the weighted share of each cell equals its target share.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    cells : str or list of str
        The column(s) whose combination of values forms a cell (e.g. ``["sector", "size"]``).
    targets : mapping or pandas.DataFrame
        Target share or population count per cell: keyed by the value (one cell column) or by
        a tuple of values in the order of ``cells``; or a table with the cell columns and one
        column of targets (like R's ``postStratify`` population table).
    base_weights : str or array-like, optional
        Design weights to start from (column name or one per row); default 1.

    Returns
    -------
    pandas.Series
        ``weight``, one per row (same index), mean 1.

    Raises
    ------
    ResearchInputError
        A cell with respondents but no target (or a target of 0), a cell with a positive
        target but no respondents, an empty cell value, an unknown column.

    Notes
    -----
    With target shares :math:`T_c` (targets scaled to sum to 1), base weights :math:`b_i`
    and :math:`B_c = \sum_{i \in c} b_i`, :math:`B = \sum_i b_i`:

    .. math:: w_i = \frac{n}{B}\, b_i\, \frac{T_c\, B}{B_c} \quad (i \in c)

    so :math:`\sum_{i\in c} w_i / \sum_i w_i = T_c` exactly and :math:`\bar w = 1`.

    Equivalent R: ``weights(postStratify(svydesign(ids = ~1, weights = ~b, data = frame),
    ~sector + size, population))``, rescaled to mean 1.
    """
    cells = [cells] if isinstance(cells, str) else list(cells)
    if not cells:
        raise ResearchInputError(Problem("cells", "give at least one cell column"))
    require_columns(frame, cells, "cell column")
    b = weights_array(frame, base_weights, role="base_weights")
    b = np.ones(len(frame)) if b is None else b
    target = _shares(_targets_mapping(cells, targets), "targets")
    per_column = [_codes(frame, c) for c in cells]
    combined = np.ravel_multi_index([c for c, _ in per_column],
                                    [len(texts) for _, texts in per_column])
    codes, uniques = pd.factorize(combined, sort=True)
    parts = np.unravel_index(uniques, [len(texts) for _, texts in per_column])
    present = ["\x1f".join(texts[p[j]] for (_, texts), p in zip(per_column, parts, strict=True))
               for j in range(len(uniques))]
    counts = np.bincount(codes, minlength=len(present))
    problems = []
    for j, key in enumerate(present):
        if target.get(key, 0.0) <= 0:
            problems.append(Problem("targets", Counted(
                "cell {cell} has {n} respondent but {target}; give it a target > 0 or drop "
                "that respondent", "cell {cell} has {n} respondents but {target}; give it a "
                "target > 0 or drop those respondents", int(counts[j]),
                cell=_show_cell(cells, key), target=Message("a target of 0") if key in target
                else Message("no target"))))
    for key, share in target.items():
        if share > 0 and key not in set(present):
            problems.append(Problem("targets", "cell {cell} has a target ({share} of the "
                                               "total) but no respondents; merge it with a "
                                               "neighbouring cell or drop its target",
                                    cell=_show_cell(cells, key), share=Number(share)))
    if problems:
        raise ResearchInputError(problems[:10], total=len(problems))
    base_by_cell = np.bincount(codes, weights=b, minlength=len(present))
    t = np.array([target[k] for k in present])
    total = b.sum()
    w = b * (t * total / base_by_cell)[codes]
    w *= len(frame) / w.sum()
    return pd.Series(w, index=frame.index, name="weight")


def _trim(w: np.ndarray, low: float, high: float) -> np.ndarray:
    """Clip ``w`` to ``[low, high]`` × its mean, repeatedly (clipping moves the mean)."""
    for _ in range(100):
        w = w / w.mean()
        if w.min() >= low * (1 - 1e-12) and w.max() <= high * (1 + 1e-12):
            break
        w = np.clip(w, low, high)
    return w / w.mean()


def rake(frame: pd.DataFrame, margins: Mapping[str, Mapping[object, float]], *,
         max_iter: int = 100, tol: float = 1e-6, trim: tuple[float, float] | None = None,
         base_weights: str | Sequence[float] | None = None) -> RakeResult:
    r"""Raking (iterative proportional fitting) to target margins, with optional trimming.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    margins : dict of {column: {value: target}}
        Target shares (or counts) per value of each margin column, e.g.
        ``{"sector": {"retail": .3, ...}, "size": {"small": .5, ...}}``.
    max_iter : int
        Most sweeps; a sweep post-stratifies to each margin in turn, then trims.
    tol : float
        Converged when every weighted share is within ``tol`` of its target.
    trim : (float, float), optional
        Bounds relative to the mean weight, e.g. ``(0.3, 3.0)``: after each sweep weights are
        clipped to ``[0.3, 3.0] × mean`` (repeated until they hold, as clipping moves the
        mean) and the next sweep rakes again, as R's ``anesrake`` does with its cap and
        ``survey::trimWeights`` between calibrations. The returned weights always satisfy
        the bounds; the margins are then met only as far as the bounds allow
        (``converged`` says whether within ``tol``).
    base_weights : str or array-like, optional
        Design weights to start from; default 1.

    Returns
    -------
    RakeResult
        ``weights`` (mean 1, same index), ``iterations``, ``converged``, ``max_error``; its
        ``design_effect`` and ``effective_n``.

    Raises
    ------
    ResearchInputError
        A value with respondents but no target (or target 0), a positive target with no
        respondents, an empty cell in a margin column, bad ``trim``/``max_iter``/``tol``.

    Notes
    -----
    One sweep, for each margin :math:`m` with categories :math:`c` and target shares
    :math:`T_{mc}`: :math:`w_i \leftarrow w_i\, T_{mc} W / W_{mc}` for :math:`i \in c`, with
    :math:`W_{mc}` the current weight total of category :math:`c` and :math:`W` of all.
    The error after a sweep is :math:`\max_{m,c} |W_{mc}/W - T_{mc}|`.

    Equivalent R: ``rake(svydesign(ids = ~1, weights = ~b, data = frame), list(~sector,
    ~size), list(pop.sector, pop.size), control = list(maxit = 100, epsilon = 1e-6))``
    (which stops on the change of the cell totals rather than on the margins); with
    trimming, ``anesrake::anesrake(targets, frame, caseid, cap = 3)``.
    """
    low, high = _rake_settings(margins, max_iter, tol, trim)
    b = weights_array(frame, base_weights, role="base_weights")
    w = np.ones(len(frame)) if b is None else b / b.mean()
    plan = _rake_plan(frame, margins)

    def error(weights: np.ndarray) -> float:
        total = weights.sum()
        return max(float(np.abs(np.bincount(c, weights=weights, minlength=len(t)) / total
                                - t).max()) for c, t in plan)

    iterations, converged, err = 0, False, error(w)
    while iterations < int(max_iter):
        iterations += 1
        for codes, t in plan:
            totals = np.bincount(codes, weights=w, minlength=len(t))
            w = w * (t * w.sum() / totals)[codes]
        if trim is not None:
            w = _trim(w, low, high)
        err = error(w)
        if err <= tol:
            converged = True
            break
    w = w / w.mean()
    return RakeResult(pd.Series(w, index=frame.index, name="weight"), iterations, converged,
                      err)


def _rake_settings(margins: Mapping[str, Mapping[object, float]], max_iter: int, tol: float,
                   trim: tuple[float, float] | None) -> tuple[float, float]:
    """Check :func:`rake`'s settings; the trimming bounds (0, inf without)."""
    if not margins:
        raise ResearchInputError(Problem("margins", "give at least one margin"))
    if int(max_iter) < 1:
        raise ResearchInputError(Problem("max_iter", "{value} is not ≥ 1", value=max_iter))
    if not tol >= 0:
        raise ResearchInputError(Problem("tol", "{value} is not ≥ 0", value=tol))
    if trim is None:
        return 0.0, np.inf
    low, high = (float(x) for x in trim)
    if not (0 <= low <= 1 <= high):
        raise ResearchInputError(Problem("trim", "{value} are not bounds around the mean "
                                                 "weight; give (low, high) with 0 ≤ low ≤ "
                                                 "1 ≤ high, e.g. (0.3, 3.0)", value=trim))
    return low, high


def _rake_plan(frame: pd.DataFrame, margins: Mapping[str, Mapping[object, float]]
               ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per margin: each row's category code and the categories' target shares; every value
    with respondents needs a target > 0 and every target > 0 respondents."""
    plan = []
    problems = []
    for column, targets in margins.items():
        try:
            require_columns(frame, [column], "margin column")
        except ResearchInputError as exc:  # every problem of every margin, not the first
            problems += exc.problems
            continue
        codes, values = _codes(frame, column)
        share = _shares(targets, f"margins[{column!r}]")
        counts = np.bincount(codes, minlength=len(values))
        for j, v in enumerate(values):
            if share.get(v, 0.0) <= 0:
                problems.append(Problem(where(column), Counted(
                    "{n} respondent has {value!r}, which has {target}; targets are given for: "
                    "{given}", "{n} respondents have {value!r}, which has {target}; targets "
                    "are given for: {given}", int(counts[j]), value=v,
                    target=Message("a target of 0") if v in share else Message("no target"),
                    given=", ".join(map(repr, share)))))
        for v, s in share.items():
            if s > 0 and v not in values:
                problems.append(Problem(where(column), "{value!r} has a target ({share}) but "
                                                       "no respondents; merge it with another "
                                                       "value or drop its target", value=v,
                                        share=Number(s)))
        plan.append((codes, np.array([share.get(v, 0.0) for v in values])))
    if problems:
        raise ResearchInputError(problems[:10], total=len(problems))
    return plan


def _weights(weights: pd.Series | Sequence[float] | np.ndarray) -> np.ndarray:
    series = weights if isinstance(weights, pd.Series) else pd.Series(np.asarray(weights))
    if len(series) == 0:
        raise ResearchInputError(Problem("weights", "no weights given"))
    return check_weights(series, str(series.name) if series.name is not None else "weights")


def design_effect(weights: pd.Series | Sequence[float] | np.ndarray) -> float:
    r"""Kish's design effect of unequal weighting, :math:`n \sum w_i^2 / (\sum w_i)^2`.

    1 for equal weights; the variance of a weighted mean is about this many times that of an
    unweighted one. Equivalent R: ``n * sum(w^2) / sum(w)^2`` (``survey::deff`` with
    ``deff = "replace"`` gives the design-based version per estimate).
    """
    w = _weights(weights)
    return float(len(w) * np.sum(w * w) / np.sum(w) ** 2)


def effective_n(weights: pd.Series | Sequence[float] | np.ndarray) -> float:
    r"""Kish's effective sample size, :math:`(\sum w_i)^2 / \sum w_i^2 = n / \text{deff}`.

    Equivalent R: ``sum(w)^2 / sum(w^2)``.
    """
    w = _weights(weights)
    return float(np.sum(w) ** 2 / np.sum(w * w))
