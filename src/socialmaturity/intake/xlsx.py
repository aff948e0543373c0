"""The first sheet of an XLSX workbook as a grid of text cells (:func:`read_xlsx_grid`), for
:func:`.tables.read_table` and the survey exports of :mod:`.exports`.

The cells are read by openpyxl itself, so that a number is taken as the spreadsheet shows it:
a numeric cell whose number format shows a percent (``0%``, ``0.0%``) is its value × 100
(0.4 shown as "40%" is 40, as a CSV export holds it). Every other cell is as pandas'
``read_excel`` gives it: an integral number as an integer, an error cell (``#N/A``) empty.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Message, SocialMaturityError, shorten
from .tables import Fail, _categorical

#: What a number format writes as it is: a quoted text, an escaped or padding character.
_LITERAL = re.compile(r'"[^"]*"|\\.|_.|\*.')


def _percent(number_format: str | None) -> bool:
    """Whether a number format multiplies by 100: a ``%`` outside quotes and escapes."""
    return bool(number_format) and "%" in _LITERAL.sub("", number_format)


def _value(cell: Any) -> Any:
    """A cell as pandas' ``read_excel`` gives it, a percent as the number it shows."""
    value = cell.value
    if value is None:
        return ""
    if cell.data_type == "e":
        return np.nan
    if cell.data_type == "n":
        if _percent(cell.number_format):
            value = float(f"{value * 100:.10g}")
        return int(value) if int(value) == value else float(value)
    return value


def _rows(path: Path) -> list[list[Any]]:
    """The first sheet's rows, trailing empty cells and rows left off, padded to one width."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the declared dimensions can be wrong: read what is there
        rows = []
        for row in sheet.rows:
            values = [_value(cell) for cell in row]
            while values and values[-1] == "":
                values.pop()
            rows.append(values)
    finally:
        book.close()
    while rows and not rows[-1]:
        rows.pop()
    width = max(map(len, rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def read_xlsx_grid(path: Path, name: str, fail: Fail,
                   expected: str = Message("header rows and one row per respondent")
                   ) -> pd.DataFrame:
    """The first sheet of a workbook as categorical text, no header taken, empty rows dropped;
    the workbook's limits checked before it is parsed."""
    from ..research.workbook import check_workbook

    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise fail(name, "reading .xlsx needs openpyxl: pip install openpyxl") from None

    class _Refused(SocialMaturityError):
        pass

    try:
        check_workbook(path, name, _Refused)  # limits before parsing: no zip bombs
    except _Refused as exc:
        raise fail(exc.problems[0].where, exc.problems[0].raw_message) from None
    try:
        grid = pd.DataFrame(_rows(path), dtype=object)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike
        raise fail(name, "not a readable XLSX workbook ({error})",
                   error=f"{type(exc).__name__}: {shorten(str(exc))}") from None
    grid = grid.replace("", np.nan).dropna(how="all").reset_index(drop=True) \
        if not grid.empty else grid
    if grid.empty:
        raise fail(name, "the first sheet is empty: expected {expected}", expected=expected)
    return _categorical(grid)


__all__ = ["read_xlsx_grid"]
