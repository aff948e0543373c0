"""An XLSX workbook from tables: one sheet per table, the way the research commands and the
research report write them. Text is always written as text: a cell starting with ``=`` is a
string cell, never a formula (OWASP CSV injection), so a reader gets back exactly what was
written."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook (openpyxl, write-only: fast) with one sheet per table: a bold header
    row, frozen; names cut to Excel's 31 characters and made unique."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

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
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(width + 2, 8), 80)
        ws.append([_text_cell(ws, str(c), bold) for c in table.columns])
        for row in zip(*columns, strict=True) if columns else ():
            ws.append([_text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else v
                       for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(ws: Any, text: str, font: Any = None) -> Any:
    """A cell that holds ``text`` as a string even when it starts with ``=`` (openpyxl would
    otherwise write a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


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


# --- reading: limits checked before a workbook is parsed ------------------------------------


#: The start of a cell element, with or without a namespace prefix: ``<c r="A1">``, ``<x:c>``.
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def check_workbook(path: Any, where: str, error: type | None = None) -> None:
    """Refuse an XLSX file that is not a zip, unpacks to more than the setting
    ``xlsx-max-unpacked-mb`` or holds more cells than ``xlsx-max-cells``, before openpyxl
    parses it; raise ``error`` (default ``InputFileError``) naming ``where``. The cells are
    counted by streaming the worksheets' XML (bounded by the unpacked size), so the check
    costs no memory."""
    import zipfile

    from ..core.settings import current
    from ..errors import InputFileError as _InputFileError
    from ..errors import Message, Problem

    InputFileError = error or _InputFileError  # noqa: N806
    max_mb = current().xlsx_max_unpacked_mb
    max_cells = current().xlsx_max_cells
    fix = Message("split the data or raise the limit (socialmaturity settings)")
    try:
        with zipfile.ZipFile(path) as book:
            entries = book.infolist()
            unpacked = sum(e.file_size for e in entries)
            if unpacked > max_mb * 1024 * 1024:
                size = f"{unpacked / 2**20:,.0f}"
                raise InputFileError(Problem(where, "the workbook unpacks to {size} MB, over "
                                                    "the limit of {limit} MB "
                                                    "(xlsx-max-unpacked-mb): {fix}", size=size,
                                             limit=f"{max_mb:,}", fix=fix))
            cells = 0
            for entry in entries:
                if not (entry.filename.startswith("xl/worksheets/")
                        and entry.filename.endswith(".xml")):
                    continue
                read = 0
                with book.open(entry) as stream:
                    carry = b""
                    while True:
                        chunk = stream.read(1 << 20)
                        read += len(chunk)
                        if read > max_mb * 1024 * 1024:  # the header lied about the size
                            raise InputFileError(Problem(
                                where, "the workbook unpacks to over {limit} MB "
                                       "(xlsx-max-unpacked-mb): {fix}", limit=f"{max_mb:,}",
                                fix=fix))
                        data = carry + chunk
                        cut = data.rfind(b"<") if chunk else len(data)
                        cut = len(data) if cut < 0 else cut
                        cells += len(_CELL_TAG.findall(data, 0, cut))
                        carry = data[cut:]
                        if cells > max_cells:
                            raise InputFileError(Problem(
                                where, "the workbook holds more than {limit} cells "
                                       "(xlsx-max-cells): {fix}", limit=f"{max_cells:,}",
                                fix=fix))
                        if not chunk:
                            break
    except zipfile.BadZipFile:
        raise InputFileError(Problem(where, "not a readable XLSX workbook (not a zip file): "
                                            "save it as .xlsx or export a CSV")) from None
    except (OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise InputFileError(Problem(where, "not a readable XLSX workbook ({error})",
                                     error=exc)) from None
