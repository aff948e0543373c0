"""Files of the research workbench: tables read and written (through
:mod:`socialmaturity.intake.tables`, the one reader and writer, whole or not at all), weighting
targets and cleaning rules, for the ``socialmaturity research …`` commands and
:mod:`socialmaturity.services.research`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InputFileError, Message, Problem, SocialMaturityError, shown
from ..intake.tables import read_table
from ..intake.writing import table_bytes, write_table
from ..research.weighting import value_text

if TYPE_CHECKING:
    from ..instrument.positions import Positions

def read_data(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A table for the research commands: CSV (UTF-8), XLSX (first sheet), SPSS ``.sav`` or
    Parquet (:func:`~socialmaturity.intake.tables.read_table`; only the ``columns`` when it
    has them all). Empty cells are missing; everything else keeps its text (option keys such
    as ``none`` are not read as missing); numbers and ``True``/``False`` columns are read as
    such. Rows are numbered from 1, as the messages name them."""
    frame = read_table(path, columns=columns)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


# --- settings files: weighting targets and cleaning rules --------------------------------------


@dataclass(frozen=True)
class WeightingSpec:
    """How to weight: raking to ``margins`` ({column: {value: target}}), or
    post-stratification to ``targets`` over the ``cells`` columns; ``trim`` bounds relative to
    the mean weight (raking only)."""

    method: str = "rake"
    margins: dict[str, dict[str, float]] = field(default_factory=dict)
    cells: tuple[str, ...] = ()
    targets: dict[tuple[str, ...], float] = field(default_factory=dict)
    trim: tuple[float, float] | None = None
    max_iter: int = 100
    #: ``file:line:col`` of each margin ``(column,)`` and target ``(column, value)`` in the
    #: file it was read from, for the messages about them.
    places: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False)

    def placed(self, error: SocialMaturityError) -> SocialMaturityError:
        """``error`` with each problem about a margin or one of its targets placed at its
        line of the margins file: ``m.yaml:3:72: column 'size': 'huge' has a target …``."""
        problems = []
        for p in error.problems:
            column = getattr(p.raw_where, "fields", {}).get("column")
            value = p.raw_message.fields.get("value")
            place = self.places.get((str(column), value_text(value))) \
                or self.places.get((str(column),))
            problems.append(Problem(Message("{file}: {place}", file=place, place=p.raw_where),
                                    p.raw_message) if place else p)
        return type(error)(problems, total=error.total)


MARGINS_KEYS = ("margins", "cells", "targets", "trim", "max_iter")


def load_margins(path: str | Path, trim: tuple[float, float] | None = None) -> WeightingSpec:
    """Read a weighting targets file (YAML or JSON); errors name ``file:line:column``.

    Raking (iterative proportional fitting to each margin)::

        margins:
          sector: {retail-ecommerce: 0.10, technology: 0.11, ...}   # shares or counts
          size: {1-99: 0.20, 100-999: 0.33, 1000-9999: 0.29, 10000-plus: 0.18}
        trim: [0.3, 3.0]          # optional: weights kept within 0.3–3 × the mean
        max_iter: 100             # optional

    Post-stratification (each cell's weighted share equals its target)::

        cells: [sector, size]
        targets:
          - {sector: technology, size: 1-99, target: 0.02}
          - ...
    """
    from ..instrument.positions import load_with_positions

    data, pos = load_with_positions(path)
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InputFileError(Problem(pos.where(()), "expected a mapping with `margins:` "
                                                    "(raking) or `cells:` and `targets:` "
                                                    "(post-stratification)"))
    for key in data:
        if key not in MARGINS_KEYS:
            problems.append(Problem(pos.where((key,), key=True), "unknown key {key!r}; valid: "
                                    "{valid}", key=key, valid=", ".join(MARGINS_KEYS)))
    spec_trim = trim
    if "trim" in data and trim is None:
        spec_trim = _trim_value(data["trim"], pos.where(("trim",)), problems)
    max_iter = data.get("max_iter", 100)
    if not isinstance(max_iter, int) or isinstance(max_iter, bool) or max_iter < 1:
        problems.append(Problem(pos.where(("max_iter",)), "{value!r} is not a whole "
                                                          "number ≥ 1", value=max_iter))
    if ("margins" in data) == ("cells" in data or "targets" in data):
        problems.append(Problem(pos.where(()), "give either `margins:` (raking) or `cells:` "
                                               "with `targets:` (post-stratification)"))
    if problems:
        raise InputFileError(problems)
    if "margins" in data:
        margins = _rake_margins(data["margins"], pos)
        places = {(c,): pos.where(("margins", c), key=True) for c in data["margins"]} | {
            (str(c), value_text(v)): pos.where(("margins", c, v), key=True)
            for c, targets in data["margins"].items() for v in targets}
        return WeightingSpec("rake", margins, trim=spec_trim, max_iter=max_iter,
                             places=places)
    cells, table = _cell_targets(data, pos)
    if spec_trim is not None:
        raise InputFileError(Problem(pos.where(("trim",)), "trimming works with raking "
                                                           "(`margins:`), not with "
                                                           "post-stratification"))
    return WeightingSpec("poststratify", cells=tuple(cells), targets=table, max_iter=max_iter)


def _rake_margins(margins: Any, pos: Positions) -> dict[str, dict[str, float]]:
    """``margins:``: each column's {value: target}."""
    if not isinstance(margins, dict) or not margins:
        raise InputFileError(Problem(pos.where(("margins",)), "expected column: {value: "
                                                              "target, …} for each margin"))
    problems: list[Problem] = []
    out: dict[str, dict[str, float]] = {}
    for column, targets in margins.items():
        if not isinstance(targets, dict) or not targets:
            problems.append(Problem(pos.where(("margins", column)), "margin {column!r}: "
                                    "expected {{value: target, …}}", column=column))
            continue
        out[str(column)] = {}
        for value, target in targets.items():
            if not _number(target):
                problems.append(Problem(pos.where(("margins", column, value)),
                                        "target of {column}={value} is {target!r}; "
                                        "valid: a share or count ≥ 0", column=column,
                                        value=value, target=target))
            else:
                out[str(column)][value_text(value)] = float(target)
    if problems:
        raise InputFileError(problems)
    return out


def _cell_targets(data: dict, pos: Positions) -> tuple[list[str], dict[tuple[str, ...], float]]:
    """``cells:`` and ``targets:``: the cell columns and each cell's target."""
    cells = data.get("cells")
    if isinstance(cells, str):
        cells = [cells]
    if not isinstance(cells, list) or not cells or not all(isinstance(c, str) for c in cells):
        raise InputFileError(Problem(pos.where(("cells",)), "expected a list of column names"))
    targets = data.get("targets")
    if not isinstance(targets, list) or not targets:
        raise InputFileError(Problem(pos.where(("targets",)), "expected a list of {column: "
                                                              "value, …, target: share}"))
    problems: list[Problem] = []
    table: dict[tuple[str, ...], float] = {}
    for i, row in enumerate(targets):
        where = pos.where(("targets", i))
        if not isinstance(row, dict) or set(row) != set(cells) | {"target"}:
            problems.append(Problem(where, "expected the keys {keys} and target",
                                    keys=", ".join(cells)))
        elif not _number(row["target"]):
            problems.append(Problem(where, "target {target!r} is not a share or count ≥ 0",
                                    target=row["target"]))
        else:
            table[tuple(value_text(row[c]) for c in cells)] = float(row["target"])
    if problems:
        raise InputFileError(problems)
    return cells, table


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value) and value >= 0


def _trim_value(value: Any, where: str, problems: list[Problem]) -> tuple[float, float] | None:
    given = value
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        problems.append(Problem(where, "{value} is not two bounds; valid: LOW,HIGH around "
                                       "the mean weight, e.g. 0.3,3", value=shown(given)))
        return None
    if not 0 <= low <= 1 <= high:
        problems.append(Problem(where, "{low},{high} are not bounds around the mean weight; "
                                       "valid: 0 ≤ LOW ≤ 1 ≤ HIGH, e.g. 0.3,3", low=f"{low:g}",
                                high=f"{high:g}"))
        return None
    return low, high


def parse_trim(text: str | None, where: str = "--trim") -> tuple[float, float] | None:
    """``"0.3,3"`` → (0.3, 3.0); raise naming ``where`` when it is not two bounds."""
    if text is None:
        return None
    problems: list[Problem] = []
    value = _trim_value(text, where, problems)
    if problems:
        raise SocialMaturityError(problems)
    return value


def load_rules(path: str | Path | None = None, **overrides: Any):
    """Cleaning rules from a YAML file whose keys are the fields of
    :class:`~socialmaturity.research.cleaning.CleaningRules` (e.g. ``min_completion: 0.8``,
    ``straightliners: false``), then ``overrides`` (None values ignored)."""
    from ..research.cleaning import CleaningError, CleaningRules

    names = [f.name for f in fields(CleaningRules)]
    values: dict[str, Any] = {}
    if path is not None:
        from ..instrument.positions import load_with_positions

        data, pos = load_with_positions(path)
        data = data or {}
        if not isinstance(data, dict):
            raise InputFileError(Problem(pos.where(()), "expected rule: value pairs; valid "
                                                        "rules: {valid}", valid=", ".join(names)))
        problems = []
        for key, value in data.items():
            if key not in names:
                problems.append(Problem(pos.where((key,), key=True), "unknown rule {key!r}; "
                                        "valid: {valid}", key=key, valid=", ".join(names)))
                continue
            default = getattr(CleaningRules(), key)
            ok = isinstance(value, bool) if isinstance(default, bool) else (
                isinstance(value, int | float) and not isinstance(value, bool))
            if not ok:
                kind = Message("true or false") if isinstance(default, bool) \
                    else Message("a number")
                problems.append(Problem(pos.where((key,)), "{key}: {value!r} is not {kind}",
                                        key=key, value=value, kind=kind))
            values[key] = value
        if problems:
            raise InputFileError(problems)
    values |= {k: v for k, v in overrides.items() if v is not None}
    rules = CleaningRules(**values)
    problems = rules.problems()
    if problems:
        raise CleaningError(problems)
    return rules


__all__ = ["WeightingSpec", "read_data", "write_table",
           "load_margins", "load_rules", "parse_trim", "table_bytes"]
