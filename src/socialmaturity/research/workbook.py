"""An XLSX workbook from tables: one sheet per table, the way the research commands and the
research report write them."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook (openpyxl, write-only: fast) with one sheet per table: a bold header
    row, frozen; names cut to Excel's 31 characters and made unique."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for name, table in sheets.items():
        sheet = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
        base, i = sheet, 2
        while sheet.lower() in used:
            sheet = f"{base[:28]} {i}"
            i += 1
        used.add(sheet.lower())
        ws = book.create_sheet(sheet)
        ws.freeze_panes = "A2"
        columns = [_cell_values(table[c]) for c in table.columns]
        for j, (c, values) in enumerate(zip(table.columns, columns, strict=True)):
            width = max([len(str(c))] + [len(str(v)) for v in values[:200] if v is not None])
            ws.column_dimensions[_letter(j)].width = min(max(width + 2, 8), 80)
        header = []
        for c in table.columns:
            cell = WriteOnlyCell(ws, value=str(c))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in zip(*columns, strict=True) if columns else ():
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


def _cell_values(series: pd.Series) -> list[Any]:
    """A column as values openpyxl writes: NaN/NA as empty, numpy scalars as Python ones,
    times without zone (UTC), anything else as text."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    out: list[Any] = []
    for v in series.tolist():
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
            out.append(None)
        elif isinstance(v, bool | int | float | str):
            out.append(v)
        elif isinstance(v, np.generic):
            out.append(v.item())
        elif isinstance(v, pd.Timestamp):
            out.append(v.to_pydatetime())
        else:
            out.append(str(v))
    return out
