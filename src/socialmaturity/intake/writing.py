"""One writer for every table the program gives out: CSV, JSON, XLSX or Parquet, whole or not at
all (:func:`socialmaturity.files.atomic_file`). Text cells a spreadsheet would run as formulas
are made inert in CSV (:func:`~socialmaturity.files.neutral_text`) and written as text in XLSX.

:func:`write_table` writes a table; :class:`TableWriter` writes one chunk of rows at a time
(``score --batch``). Big CSVs are written by Arrow's CSV writer, text made inert and floats
formatted once per distinct value.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem, SocialMaturityError
from ..files import atomic_file, neutral_frame, neutral_text, write_bytes_atomically

#: Formats :func:`write_table` writes.
FORMATS = ("csv", "json", "xlsx", "parquet")


def table_bytes(frame: pd.DataFrame, fmt: str, sheet: str = "table") -> bytes:
    """A table as CSV, JSON (records; NaN as null), XLSX or Parquet bytes."""
    from ..research.workbook import xlsx_bytes

    if fmt == "csv":  # text cells that a spreadsheet would run as formulas are made inert
        return neutral_frame(frame).to_csv(index=False).encode("utf-8")
    if fmt == "json":
        return (frame.to_json(orient="records", force_ascii=False, indent=2,
                              date_format="iso") + "\n").encode("utf-8")
    if fmt == "xlsx":
        return xlsx_bytes({sheet: frame})
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    raise SocialMaturityError(Problem("--format", f"{fmt!r} cannot be written to a file; "
                                                  f"valid: {', '.join(FORMATS)}"))


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """``fmt``, else the format the file's suffix names (CSV when it names none)."""
    if fmt not in (None, "table"):
        return fmt  # type: ignore[return-value]
    suffix = Path(path).suffix.lower()
    return {".json": "json", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}.get(
        suffix, "csv")


def write_table(frame: pd.DataFrame, path: str | Path, fmt: str | None = None,
                sheet: str = "table", *, decimals: int | None = None) -> Path:
    """Write a table whole or not at all as CSV, JSON, XLSX or Parquet (by ``fmt``, else by
    the file suffix). A big CSV is written by Arrow's writer; float columns of a CSV with
    ``decimals`` digits when given."""
    fmt = format_of(path, fmt)
    if fmt in ("csv", "parquet") and (len(frame) > 10_000 or decimals is not None
                                      or fmt == "parquet"):
        with TableWriter(path, fmt, decimals=decimals) as writer:
            writer.write(frame)
        return Path(path)
    return write_bytes_atomically(path, table_bytes(frame, fmt, sheet))


class TableWriter:
    """Write a table chunk by chunk (same columns each time) as CSV, Parquet or XLSX, whole or
    not at all: the file appears when the ``with`` block ends without an error.

    CSV and Parquet chunks go straight to the temporary file (Arrow's writers); XLSX chunks are
    gathered and written at the end."""

    def __init__(self, path: str | Path, fmt: str | None = None, *, sheet: str = "table",
                 decimals: int | None = None):
        self.path, self.fmt = Path(path), format_of(path, fmt)
        if self.fmt not in ("csv", "parquet", "xlsx"):
            raise SocialMaturityError(Problem(str(path), f"{self.fmt} is not written in chunks; "
                                                         "valid: csv, parquet, xlsx"))
        self.sheet, self.decimals = sheet, decimals
        self._chunks: list[pd.DataFrame] = []
        self._parquet: Any = None
        self._header = True

    def __enter__(self) -> TableWriter:
        self._context = atomic_file(self.path, binary=True)
        self._file = self._context.__enter__()
        return self

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        if self.fmt == "xlsx":
            self._chunks.append(frame)
        elif self.fmt == "csv":
            pacsv.write_csv(_arrow_table(frame, csv_text=True, decimals=self.decimals),
                            self._file, write_options=pacsv.WriteOptions(
                                include_header=self._header, quoting_style="needed"))
        else:
            table = _arrow_table(frame, csv_text=False)
            if self._parquet is None:
                self._schema = table.schema
                self._parquet = pq.ParquetWriter(self._file, table.schema)
            self._parquet.write_table(table.cast(self._schema))
        self._header = False

    def __exit__(self, kind, error, trace) -> bool | None:
        from ..research.workbook import xlsx_bytes

        if kind is None:
            if self.fmt == "xlsx":
                frame = pd.concat(self._chunks, ignore_index=True) if self._chunks else \
                    pd.DataFrame()
                self._file.write(xlsx_bytes({self.sheet: frame}))
            elif self.fmt == "parquet" and self._parquet is not None:
                self._parquet.close()
        elif self._parquet is not None:
            self._parquet.close()
        return self._context.__exit__(kind, error, trace)


def _arrow_table(frame: pd.DataFrame, *, csv_text: bool, decimals: int | None = None) -> Any:
    """A frame as an Arrow table. Text (and categorical) columns become dictionary text, made
    inert for a spreadsheet when ``csv_text``; then float columns become their text too, with
    ``decimals`` digits (formatted once per distinct value, NaN as an empty cell)."""
    import pyarrow as pa

    arrays = []
    for column in frame.columns:
        series = frame[column]
        if series.dtype.kind == "f":
            values = series.to_numpy()
            arrays.append(_float_text(values, decimals) if csv_text else
                          pa.array(values, mask=np.isnan(values)))
        elif series.dtype.kind in "iub":
            arrays.append(pa.array(series.to_numpy()))
        else:
            cat = series if isinstance(series.dtype, pd.CategoricalDtype) else \
                series.astype("category")
            texts = [str(c) for c in cat.cat.categories]
            if csv_text:
                texts = [str(neutral_text(t)) for t in texts]
            codes = cat.cat.codes.to_numpy().astype(np.int32)
            arrays.append(pa.DictionaryArray.from_arrays(
                pa.array(codes, mask=codes < 0), pa.array(texts, type=pa.string())))
    names = [str(neutral_text(str(c)) if csv_text else c) for c in frame.columns]
    return pa.table(arrays, names=names)


def _float_text(values: np.ndarray, decimals: int | None) -> Any:
    import pyarrow as pa

    ok = np.isfinite(values)
    rounded = np.round(values[ok], decimals) if decimals is not None else values[ok]
    uniques, inverse = np.unique(rounded, return_inverse=True)
    texts = [f"{u:.{decimals}f}" if decimals is not None else repr(float(u)) for u in uniques]
    codes = np.full(len(values), -1, dtype=np.int32)
    codes[ok] = inverse
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=~ok),
                                          pa.array(texts, type=pa.string()))


__all__ = ["FORMATS", "TableWriter", "format_of", "table_bytes", "write_table"]
