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
    raise SocialMaturityError(Problem("--format", "{format!r} cannot be written to a file; "
                                                  "valid: {valid}", format=fmt,
                                      valid=", ".join(FORMATS)))


def write_document(data: Any, path: str | Path) -> Path:
    """A JSON document (an organization's export) written whole or not at all, UTF-8,
    indented."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return write_bytes_atomically(path, text.encode("utf-8"))


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """``fmt``, else the format the file's suffix names (CSV when it names none)."""
    return fmt or {".json": "json", ".xlsx": "xlsx", ".parquet": "parquet",
                   ".pq": "parquet"}.get(Path(path).suffix.lower(), "csv")


def write_table(frame: pd.DataFrame, path: str | Path, fmt: str | None = None,
                sheet: str = "table") -> Path:
    """Write a table whole or not at all as CSV, JSON, XLSX or Parquet (by ``fmt``, else by
    the file suffix). Parquet and a big CSV are written by Arrow's writers."""
    fmt = format_of(path, fmt)
    if fmt == "parquet" or (fmt == "csv" and len(frame) > 10_000):
        with TableWriter(path, fmt) as writer:
            writer.write(frame)
        return Path(path)
    return write_bytes_atomically(path, table_bytes(frame, fmt, sheet))


class TableWriter:
    """Write a table chunk by chunk (same columns each time) as CSV, Parquet or XLSX, whole or
    not at all: the file appears when the ``with`` block ends without an error.

    CSV and Parquet chunks go straight to the temporary file (Arrow's writers); XLSX chunks are
    gathered and written at the end."""

    def __init__(self, path: str | Path, fmt: str | None = None, *, decimals: int | None = None):
        self.path, self.fmt = Path(path), format_of(path, fmt)
        if self.fmt not in ("csv", "parquet", "xlsx"):
            raise SocialMaturityError(Problem(str(path), "{format} is not written in chunks; "
                                                         "valid: csv, parquet, xlsx",
                                              format=self.fmt))
        self.decimals = decimals
        self._chunks: list[pd.DataFrame] = []
        self._parquet: Any = None
        self._header = True

    def __enter__(self) -> TableWriter:
        from concurrent.futures import ThreadPoolExecutor

        self._context = atomic_file(self.path, binary=True)
        self._file = self._context.__enter__()
        # Arrow writes without the GIL: a chunk is written while the next one is made
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="write")
        self._pending = None
        return self

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        if self.fmt == "xlsx":
            self._chunks.append(frame)
            return
        self._wait()  # one chunk in writing at a time: the order kept, the memory bounded
        if self.fmt == "csv":
            table = _arrow_table(frame, csv_text=True, decimals=self.decimals)
            options = pacsv.WriteOptions(include_header=self._header, quoting_style="needed")
            self._pending = self._pool.submit(pacsv.write_csv, table, self._file, options)
        else:
            table = _arrow_table(frame, csv_text=False)
            if self._parquet is None:
                self._schema = table.schema
                self._parquet = pq.ParquetWriter(self._file, table.schema)
            self._pending = self._pool.submit(self._parquet.write_table,
                                              table.cast(self._schema))
        self._header = False

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()  # an error in writing is raised here

    def __exit__(self, kind, error, trace) -> bool | None:
        failure: BaseException | None = None
        try:
            self._wait()
        except BaseException as exc:  # noqa: BLE001 - handed on below
            failure = exc
        finally:
            self._pool.shutdown()
        try:
            if kind is None and failure is None:
                self._finish()
        except BaseException as exc:  # noqa: BLE001 - handed on below
            failure = exc
        finally:
            if self._parquet is not None and (kind or failure):
                self._parquet.close()
        if failure is not None and kind is None:  # the file is removed, the error raised
            self._context.__exit__(type(failure), failure, failure.__traceback__)
            raise failure
        return self._context.__exit__(kind, error, trace)

    def _finish(self) -> None:
        from ..research.workbook import xlsx_bytes

        if self.fmt == "xlsx":
            chunks = [c if isinstance(c, pd.DataFrame) else c.to_pandas() for c in self._chunks]
            frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
            self._file.write(xlsx_bytes({"table": frame}))
        elif self._parquet is not None:
            self._parquet.close()


def _arrow_table(frame: Any, *, csv_text: bool, decimals: int | None = None) -> Any:
    """A frame (pandas or Arrow) as an Arrow table. Text (and categorical) columns become
    dictionary text, made inert for a spreadsheet when ``csv_text``; then float columns become
    their text too, with ``decimals`` digits (formatted once per distinct value, NaN as an empty
    cell)."""
    import pyarrow as pa

    if hasattr(frame, "column_names"):  # Arrow
        names = frame.column_names
        columns = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
                   for c in frame.columns]
    else:
        names = list(frame.columns)
        columns = [_arrow_column(frame[c]) for c in frame.columns]
    arrays = []
    for series in columns:
        if pa.types.is_floating(series.type):
            values = series.to_numpy(zero_copy_only=False)
            arrays.append(_float_text(values, decimals) if csv_text else
                          pa.array(values, mask=np.isnan(values)))
        elif pa.types.is_integer(series.type) or pa.types.is_boolean(series.type):
            arrays.append(series)
        else:
            if not pa.types.is_dictionary(series.type):
                series = series.dictionary_encode()
            texts = series.dictionary.to_pylist()
            if csv_text or not pa.types.is_string(series.dictionary.type):
                texts = [None if t is None else str(neutral_text(str(t)) if csv_text else t)
                         for t in texts]
            arrays.append(pa.DictionaryArray.from_arrays(series.indices,
                                                         pa.array(texts, type=pa.string())))
    return pa.table(arrays, names=[str(neutral_text(str(c)) if csv_text else c) for c in names])


def _arrow_column(series: pd.Series) -> Any:
    """A pandas column as an Arrow array: numbers as they are, all else dictionary text."""
    import pyarrow as pa

    if series.dtype.kind in "fiub":
        return pa.array(series.to_numpy())
    cat = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
    codes = cat.cat.codes.to_numpy().astype(np.int32)
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, mask=codes < 0), pa.array([str(c) for c in cat.cat.categories],
                                                  type=pa.string()))


def _float_text(values: np.ndarray, decimals: int | None) -> Any:
    """Floats as dictionary text, each distinct value formatted once (``decimals`` digits, else
    Python's shortest repr); NaN is null. Scores (0–100 in steps of 0.1) take a counting pass,
    not a sort."""
    import pyarrow as pa

    ok = np.isfinite(values)
    codes = np.full(len(values), -1, dtype=np.int32)
    uniques = None
    if decimals is not None and ok.any():
        steps = np.rint(values[ok] * 10.0**decimals).astype(np.int64)
        low, high = int(steps.min()), int(steps.max())
        if high - low < 1 << 20:
            present = np.bincount(steps - low, minlength=high - low + 1) > 0
            uniques = (np.flatnonzero(present) + low) / 10.0**decimals
            codes[ok] = (np.cumsum(present) - 1)[steps - low]
    if uniques is None:
        rounded = np.round(values[ok], decimals) if decimals is not None else values[ok]
        uniques, codes[ok] = np.unique(rounded, return_inverse=True)
    texts = [f"{u:.{decimals}f}" if decimals is not None else repr(float(u)) for u in uniques]
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=~ok),
                                          pa.array(texts, type=pa.string()))


__all__ = ["FORMATS", "TableWriter", "format_of", "table_bytes", "write_table"]
