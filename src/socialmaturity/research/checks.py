"""Input checks shared by the research methods, and the error they raise.

Every check names the column (and, for a bad cell, the row by its index label) and says what
would be valid, so the command line can print the problem without a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Counted, Message, Problem, SocialMaturityError, shown
from ..i18n.catalog import number
from ..instrument.model import Instrument, Question
from ..scoring.encode import Encoded, encode_frame

#: How many bad rows an error lists before it says "and N more".
MAX_LISTED = 5


class ResearchInputError(SocialMaturityError):
    """Research input a user can fix: an unknown column, weights that are missing or not
    positive, an indicator that is not 0/1, a ``by`` column with a single value, targets that
    cannot be met."""


#: The kinds of column a method asks for (``require_columns``' ``role``), for the catalog: the
#: message names the role in the user's language.
COLUMN_ROLES = (Message("column"), Message("by column"), Message("by-group column"),
                Message("cell column"), Message("cell column of the targets"),
                Message("column to keep"), Message("indicator column"), Message("item column"),
                Message("margin column"), Message("organization column"),
                Message("question column"), Message("weights column"),
                Message("stratum column"), Message("cluster column"))


def check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ResearchInputError(Problem("alpha", "{alpha} is not between 0 and 1", alpha=alpha))


class Number(Message):
    """A number in a message, to ``digits`` significant digits, written as the language
    writes numbers when shown: 0.09091 in English, 0,09091 in Dutch."""

    value: float

    def __new__(cls, value: float, digits: int = 4):
        english = f"{float(value):.{digits}g}"
        self = str.__new__(cls, english)
        self.msgid, self.fields, self.value = english, {}, float(value)
        return self

    def text(self, lang: str = "en") -> str:
        if "e" in self.msgid or "n" in self.msgid:  # 1e-07, inf, nan: as Python writes them
            return self.msgid
        decimals = len(self.msgid.partition(".")[2])
        return number(lang, self.value, decimals)


def where(column: str, row: object | None = None) -> Message:
    """The place of a problem: ``column 'x'`` or ``column 'x', row 12`` (in every language)."""
    return Message("column {column!r}", column=column) if row is None \
        else Message("column {column!r}, row {row}", column=column, row=row)


def rows_text(index: pd.Index, positions: np.ndarray) -> Message:
    """``"row 3"`` or ``"rows 3, 7, 12 and 40 more"``: the labels in ``index`` of the first
    few bad rows at ``positions`` (in every language)."""
    total = len(positions)
    listed = ", ".join(str(label) for label in index[positions[:MAX_LISTED]])
    more = total - min(total, MAX_LISTED)
    if more:
        return Counted("rows {rows} and {n} more", "rows {rows} and {n} more", more, rows=listed)
    return Counted("row {rows}", "rows {rows}", total, rows=listed)


def require_columns(frame: pd.DataFrame, columns: Sequence[str], role: str | Message = "column"
                    ) -> None:
    """Raise when any of ``columns`` is not in ``frame``; list the valid names."""
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return
    valid = ", ".join(repr(str(c)) for c in list(frame.columns)[:20])
    more = Counted(" and {n} more", " and {n} more", len(frame.columns) - 20) \
        if len(frame.columns) > 20 else ""
    raise ResearchInputError([Problem(where(c), "unknown {role}; the data has: {valid}{more}",
                                      role=Message(str(role)), valid=valid, more=more)
                              for c in missing])


def weights_array(frame: pd.DataFrame, weights: str | Sequence[float] | np.ndarray | pd.Series
                  | None, *, role: str = "weights") -> np.ndarray | None:
    """The weights as float64, checked: present, finite and > 0 in every row.

    ``weights`` is a column name, an array-like of one weight per row, or ``None`` (returns
    ``None``: unweighted).
    """
    if weights is None:
        return None
    if isinstance(weights, str):
        require_columns(frame, [weights], "weights column")
        name, series = weights, frame[weights]
    else:
        name = role
        series = pd.Series(np.asarray(weights), index=frame.index) \
            if not isinstance(weights, pd.Series) else weights
        if len(series) != len(frame):
            raise ResearchInputError(Problem(role, "{given} weights for {rows} rows; give one "
                                                   "weight per row", given=len(series),
                                             rows=len(frame)))
    return check_weights(series, name)


def check_weights(series: pd.Series, name: str = "weights") -> np.ndarray:
    """``series`` as float64 weights; raise naming the rows that are missing, not a number,
    or ≤ 0."""
    numbers = series if pd.api.types.is_numeric_dtype(series.dtype) \
        else pd.to_numeric(series, errors="coerce")
    w = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        idx = np.flatnonzero(bad)
        first = series.iloc[idx[0]]
        shown = Message("missing") if pd.isna(first) else str(first)
        raise ResearchInputError(Problem(
            where(name), Counted("{n} weight missing or not > 0 ({rows}; first: {first}); "
                                 "every weight must be a number > 0",
                                 "{n} weights missing or not > 0 ({rows}; first: {first}); "
                                 "every weight must be a number > 0", len(idx),
                                 rows=rows_text(series.index, idx), first=shown)))
    return w


@dataclass
class Indicators:
    """0/1 indicator columns as one matrix: ``y`` holds the answers with 0 where an answer is
    missing; ``missing_rows``/``missing_cols`` list the missing cells (usually few)."""

    names: list[str]
    y: np.ndarray  # (n, k) float64
    missing_rows: np.ndarray  # int64
    missing_cols: np.ndarray  # int64

    @property
    def n(self) -> int:
        return self.y.shape[0]

    @property
    def k(self) -> int:
        return self.y.shape[1]


def _as_float(series: pd.Series, name: str) -> np.ndarray:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        values = series.to_numpy(dtype=object)
        ok = np.fromiter((v is None or v is pd.NA
                          or isinstance(v, (bool, int, float, np.number, np.bool_))
                          for v in values), dtype=bool, count=len(values))
        if ok.all():
            return pd.to_numeric(series).to_numpy(dtype=np.float64, na_value=np.nan)
        i = int(np.flatnonzero(~ok)[0])
        raise ResearchInputError(Problem(
            where(name, series.index[i]), "{value} is not 0 or 1; an indicator column holds 0, "
                                          "1 or an empty cell", value=shown(values[i])))
    raise ResearchInputError(Problem(where(name), "an indicator column holds 0, 1 or an empty "
                                                  "cell, not values of type {dtype}", dtype=dtype))


def indicator_matrix(frame: pd.DataFrame, indicators: Sequence[str]) -> Indicators:
    """The indicator columns as an :class:`Indicators` matrix; raise naming the column and the
    rows when a value is not 0, 1 or missing."""
    names = list(indicators)
    if not names:
        raise ResearchInputError(Problem("indicators", "no indicator columns given"))
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        raise ResearchInputError(Problem(where(dupes[0]), "listed twice as an indicator"))
    require_columns(frame, names, "indicator column")
    n, k = len(frame), len(names)
    y = np.empty((n, k), dtype=np.float64, order="F")  # a column per indicator
    miss_rows: list[np.ndarray] = []
    miss_cols: list[np.ndarray] = []
    for j, name in enumerate(names):
        v = _as_float(frame[name], name)
        y[:, j] = v
        ok = (v == 0.0) | (v == 1.0)
        if ok.all():
            continue
        rest = np.flatnonzero(~ok)
        missing = np.isnan(v[rest])
        if not missing.all():
            idx = rest[~missing]
            raise ResearchInputError(Problem(where(name), Counted(
                "{n} value not 0 or 1 ({rows}; first: {first}); an indicator column holds 0, "
                "1 or an empty cell", "{n} values not 0 or 1 ({rows}; first: {first}); an "
                "indicator column holds 0, 1 or an empty cell", len(idx),
                rows=rows_text(frame.index, idx), first=f"{v[idx[0]]:g}")))
        y[rest, j] = 0.0
        miss_rows.append(rest)
        miss_cols.append(np.full(len(rest), j, dtype=np.int64))
    empty = np.zeros(0, dtype=np.int64)
    return Indicators(names, y,
                      np.concatenate(miss_rows) if miss_rows else empty,
                      np.concatenate(miss_cols) if miss_cols else empty)


def grouping(frame: pd.DataFrame, by: str | None, role: str = "by column",
             empty: Message | None = None) -> tuple[np.ndarray, list[object]]:
    """The rows' groups of column ``by``: integer codes (−1 where missing) and the groups in
    sorted order (in order of appearance when the values cannot be sorted); without ``by``,
    one population (codes 0, no groups). ``empty``: the message when every value is empty
    (else allowed)."""
    if by is None:
        return np.zeros(len(frame), dtype=np.int64), []
    require_columns(frame, [by], role)
    try:
        codes, groups = pd.factorize(frame[by], sort=True, use_na_sentinel=True)
    except TypeError:
        codes, groups = pd.factorize(frame[by], sort=False, use_na_sentinel=True)
    if empty is not None and not len(groups):
        raise ResearchInputError(Problem(where(by), empty))
    return np.asarray(codes, dtype=np.int64), list(groups)


def numeric_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric column as float64 (NaN where missing); raise when it holds something else."""
    require_columns(frame, [column])
    series = frame[column]
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    numbers = pd.to_numeric(series, errors="coerce")
    bad = numbers.isna() & series.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ResearchInputError(Problem(where(column, series.index[i]),
                                         "{value} is not a number", value=shown(series.iloc[i])))
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def encoded_answers(inst: Instrument, frame: pd.DataFrame, questions: list[Question],
                    place: Callable[[int, str], str], *, limit: int,
                    error: type[SocialMaturityError] = ResearchInputError,
                    progress: Callable[[int], None] | None = None) -> Encoded:
    """The answers in ``frame`` encoded (:func:`~socialmaturity.scoring.encode.encode_frame`);
    a value that fits no question raises ``error`` listing the problems of the first ``limit``
    rows (at most ``limit``), each at ``place(row, column)``, with their total."""
    enc, problems = encode_frame(inst, frame, len(frame), questions, progress)
    if problems:
        listed = [Problem(place(row, column), message) for row in sorted(problems)[:limit]
                  for column, message in problems[row]]
        raise error(listed[:limit], total=sum(len(v) for v in problems.values()))
    return enc
