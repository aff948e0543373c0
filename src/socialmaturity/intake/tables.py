"""One reader for every table the program takes in (the writer is :mod:`.writing`):
:func:`read_table` a table with a header row, CSV (UTF-8), XLSX (first sheet), SPSS ``.sav`` or
Parquet by the file's suffix; :func:`read_batches` the same in chunks of rows, parsed ahead in a
thread (``score --batch``; a CSV in pieces, :mod:`.pieces`). A survey export's CSV, with one to
three header rows, is read by :func:`.grid.read_grid` with the same parser.

CSV is parsed by Apache Arrow's multi-threaded reader into dictionary-encoded text: each
distinct cell is one string however many rows hold it, and every later step works once per
distinct value. Measured on the 1,000,000-row batch CSV of ``benchmarks/bench_intake.py`` (607
MB, 53 columns, 2 cores): pyarrow 1.1 s, pandas' C engine 3.6 s (``dtype="category"``).

An XLSX is read by :mod:`.xlsx` (its limits checked before it is parsed). A header with a name
twice is refused. Errors name the file, and the line, row and column where they can.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputFileError, Message, Problem, SocialMaturityError, shorten, shown

#: Suffixes :func:`read_table` knows; anything else is read as CSV.
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SAV_SUFFIXES = (".sav", ".zsav")
PARQUET_SUFFIXES = (".parquet", ".pq")
#: Bytes pyarrow parses at a time (a survey export: a ``progress`` call each).
BLOCK_BYTES = 1 << 22
#: Rows in a chunk of :func:`read_batches`.
BATCH_ROWS = 100_000
EXPECTED = Message("a header row and one row per respondent")

#: Makes the error of a reader: ``fail(where, msgid, **fields)`` (a Problem's message).
Fail = Callable[..., SocialMaturityError]


def _fail(where: str, message: str, **fields: object) -> SocialMaturityError:
    return InputFileError(Problem(where, message, **fields))


def _arrow():
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pa, pacsv


def check_names(names: Iterable[str], where: str) -> None:
    """Refuse a header that holds a name twice, naming both positions (one pass)."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        first = seen.setdefault(name, position)
        if first != position:
            raise _fail(where, "column {column} appears twice in the header (columns {first} "
                               "and {second}): every column needs its own name",
                        column=shown(name), first=f"{first:,}", second=f"{position:,}")


def _file(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise _fail(str(path), "no such file" if not path.exists() else "is a folder, not a file")
    return path


def read_table(path: str | Path, *, text: bool = False, columns: Iterable[str] | None = None,
               expected: str = EXPECTED) -> pd.DataFrame:
    """A table with a header row. Empty cells are missing (NaN); column names are trimmed.

    With ``text`` every column is categorical text (the batch layout: option keys and numbers
    checked later, each distinct value once); otherwise a column whose every value is a number
    becomes a number column, one of ``true``/``false`` a bool column, and all else stays text
    (option keys such as ``none`` are never read as missing).

    With ``columns``, a table that has each of them gives only those, in the file's order (a
    CSV's or Parquet file's other columns are not parsed); else every column, for the caller
    to compute the missing one or name what the table has. The whole header is checked.
    """
    path = _file(path)
    suffix = path.suffix.lower()
    wanted = None if columns is None else set(columns)
    if suffix in XLSX_SUFFIXES:
        from .xlsx import read_xlsx_grid

        grid = read_xlsx_grid(path, str(path), _fail, expected)
        frame = grid.iloc[1:].reset_index(drop=True)
        frame.columns = [cell_text(c) for c in grid.iloc[0].astype(object)]
        # the header row's cells are no values of the columns: a column of numbers is typed
        frame = frame.apply(lambda column: column.cat.remove_unused_categories())
    elif suffix in SAV_SUFFIXES:
        frame = _categorical(read_sav(path, str(path), _fail)[0])
    elif suffix in PARQUET_SUFFIXES:
        frame = _parquet(path, lambda pq, schema, strings: _parquet_table(
            pq, path, schema, strings if text else None, wanted))
        frame = _categorical(frame) if text else frame.to_pandas()
    else:
        frame = _csv_table(path, expected, text, wanted)
    frame.columns = [str(c).strip() for c in frame.columns]
    check_names(frame.columns, f"{path}:1")
    keep = _only(frame.columns, wanted)
    if keep is not None and len(keep) < frame.shape[1]:  # XLSX, SPSS: read whole
        frame = frame[keep]
    if not text:
        for j in range(frame.shape[1]):
            if isinstance(frame.dtypes.iloc[j], pd.CategoricalDtype):
                frame.isetitem(j, _typed(frame.iloc[:, j]))
    return frame


def _only(names: Iterable[str], wanted: set[str] | None) -> list[str] | None:
    """The ``names`` of the ``wanted`` (trimmed) columns; None (all) unless each is there."""
    if wanted is None:
        return None
    keep = [n for n in names if n.strip() in wanted]
    return keep if len(keep) == len(wanted) else None


def _csv_table(path: Path, expected: str, text: bool, wanted: set[str] | None) -> pd.DataFrame:
    """A CSV as categorical text (``text``), else with the types Arrow infers over the whole
    column: int64 (float64 with an empty cell), float64, bool, else text; dates and times are
    kept as the text they were. Only the ``wanted`` columns when it has them all."""
    pa, _ = _arrow()
    header = _csv_header(path, expected)
    only = _only(header, wanted)
    if text:
        return _categorical(_arrow_csv(path, dict.fromkeys(header, TEXT()), only))
    table = _arrow_csv(path, {}, only)
    when = [f.name for f in table.schema if pa.types.is_temporal(f.type)]
    if when:  # read as text again: a date stays the text it was, as in every other format
        again = _arrow_csv(path, dict.fromkeys(when, pa.string()), when)
        for column in when:
            table = table.set_column(table.schema.get_field_index(column), column,
                                     again.column(column))
    return table.to_pandas()


def TEXT() -> Any:  # noqa: N802 - a type, as Arrow spells them
    """Arrow's dictionary-encoded text: each distinct cell once, a code per row."""
    pa, _ = _arrow()
    return pa.dictionary(pa.int32(), pa.string())


def _arrow_csv(path: Path, types: dict[str, Any], only: list[str] | None) -> Any:
    """The CSV parsed by Arrow (multi-threaded): ``types`` by column, the rest inferred over the
    whole column; empty cells null; dates and times not inferred."""
    pa, pacsv = _arrow()
    try:
        return pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=True, include_columns=only,
                quoted_strings_can_be_null=True, null_values=[""],
                true_values=["true", "True", "TRUE"], false_values=["false", "False", "FALSE"],
                timestamp_parsers=[]))
    except (pa.ArrowInvalid, OSError) as exc:
        raise _csv_problem(path, str(path), str(exc), _fail) from None


def _csv_header(path: Path, expected: str) -> list[str]:
    """The header row of a CSV (names as written), checked for a name twice."""
    name = str(path)
    with path.open("rb") as f:
        head = f.read(1 << 20)
    if not head.replace(b"\xef\xbb\xbf", b"").strip():
        raise _fail(name, "the file is empty: expected {expected}", expected=expected)
    try:
        text = head.decode("utf-8-sig", errors="strict" if len(head) < 1 << 20 else "ignore")
        header = next(csv.reader(io.StringIO(text)))
    except UnicodeDecodeError:
        line = _bad_text_line(path)
        raise _fail(f"{name}:{line}" if line else name,
                    "not UTF-8 text: save the CSV as UTF-8") from None
    except (StopIteration, csv.Error) as exc:
        raise _fail(name, "not a valid CSV file: {error}", error=exc) from None
    if len(header) == 1 and (sep := sniff_delimiter(text)) != ",":
        raise _fail(f"{name}:1", "the header is one column; the file seems to use {sep} "
                                 "between cells: save it as CSV with commas (research import "
                                 "reads it as it is)", sep=Message("tabs") if sep == "\t"
                    else repr(sep))
    check_names([h.strip() for h in header], f"{name}:1")
    return header


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: whichever splits the first row into the most cells."""
    best, count = ",", 0
    for d in (",", ";", "\t"):
        try:
            first = next(csv.reader(io.StringIO(text), delimiter=d))
        except (StopIteration, csv.Error):
            continue
        if len(first) > count:
            best, count = d, len(first)
    return best


@dataclass
class Batches:
    """A table's column names (trimmed, checked) and its rows in chunks (an iterator of Arrow
    tables of dictionary-encoded text); ``rows`` is the number of rows, estimated from the part
    of the file read until the last chunk is out."""

    names: list[str]
    chunks: Iterator[Any]
    rows: int | None = None

    def __iter__(self) -> Iterator[Any]:
        return self.chunks


def read_batches(path: str | Path, *, expected: str = EXPECTED) -> Batches:
    """A table in chunks of at most ``BATCH_ROWS`` rows, each an Arrow table of
    dictionary-encoded text (empty cells null; a cell of another type as :func:`cell_text`),
    parsed in a thread (a CSV in pieces, :mod:`.pieces`; a Parquet file batch by batch) while
    the caller works on the chunk before."""
    path = _file(path)
    suffix = path.suffix.lower()
    if suffix in (*XLSX_SUFFIXES, *SAV_SUFFIXES):
        import pyarrow as pa

        frame = read_table(path, text=True, expected=expected)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        return Batches(list(frame.columns), iter([_text_table(table, list(frame.columns))]),
                       len(frame))
    if suffix in PARQUET_SUFFIXES:
        file = _parquet(path, lambda pq, schema, strings: pq.ParquetFile(
            path, read_dictionary=strings))
        names = list(file.schema_arrow.names)
    else:
        names = _csv_header(path, expected)
    batches = Batches([n.strip() for n in names], iter(()))
    check_names(batches.names, f"{path}:1")

    def parts() -> Iterator[tuple[Any, float]]:
        if suffix in PARQUET_SUFFIXES:
            done, rows = 0, max(1, file.metadata.num_rows)
            for part in file.iter_batches(BATCH_ROWS):
                done += part.num_rows
                yield _text_table(part, batches.names), done / rows
            return
        from .pieces import csv_pieces

        yield from csv_pieces(
            path, names, batches.names,
            lambda message: _csv_problem(path, str(path), message, _fail),
            lambda: _csv_problem(path, str(path), "UTF-8", _fail))

    def chunks() -> Iterator[Any]:
        import pyarrow as pa

        rows = 0
        for table, share in parts():
            for start in range(0, table.num_rows, BATCH_ROWS):
                yield table.slice(start, BATCH_ROWS)
            rows += table.num_rows
            batches.rows = max(rows, round(rows / share))
        batches.rows = rows
        if not rows:  # a header without rows: one empty chunk, so the output gets its header
            yield pa.table({n: pa.array([], TEXT()) for n in batches.names})

    batches.chunks = _ahead(chunks())
    return batches


def _text_table(table: Any, names: list[str]) -> Any:
    """An Arrow table (or record batch) with every column as dictionary-encoded text: text
    and dictionary-encoded text as they are, other cells as :func:`cell_text` (``""`` null),
    each distinct value converted once."""
    import pyarrow as pa

    arrays = []
    for column in table.columns:
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if not pa.types.is_dictionary(column.type):
            column = column.dictionary_encode()
        if not pa.types.is_string(column.type.value_type):
            texts = [cell_text(v) for v in column.dictionary.to_pylist()]
            column = pa.DictionaryArray.from_arrays(
                column.indices, pa.array([t or None for t in texts], pa.string()))
        arrays.append(column)
    return pa.Table.from_arrays(arrays, names=names)


def _ahead(chunks: Iterator[Any]) -> Iterator[Any]:
    """The chunks, each made in a thread while the one before is used (Arrow parses without
    holding the GIL); an error is raised where the chunk would have been."""
    import queue
    import threading

    box: queue.Queue = queue.Queue(2)
    done = object()
    stop = threading.Event()

    def work() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                box.put((chunk, None))
            box.put((done, None))
        except BaseException as exc:  # handed to the reader
            box.put((done, exc))

    thread = threading.Thread(target=work, daemon=True, name="read-ahead")
    thread.start()
    try:
        while True:
            chunk, error = box.get()
            if error is not None:
                raise error
            if chunk is done:
                return
            yield chunk
    finally:
        stop.set()
        while thread.is_alive():  # let the worker see the stop and end
            try:
                box.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def _csv_problem(path: Path, name: str, message: str, fail: Fail,
                 encoding: str = "utf-8-sig", sep: str = ",") -> SocialMaturityError:
    """The error of a CSV pyarrow refused, with the line it is on (found again, slowly, by
    Python's csv module: only on this path)."""
    if "UTF8" in message or "UTF-8" in message:
        line = _bad_text_line(path)
        return fail(f"{name}:{line}" if line else name, "not UTF-8 text: save the CSV as UTF-8")
    if "Expected" in message and "columns" in message:
        with path.open(encoding=encoding, errors="replace", newline="") as f:
            reader = csv.reader(f, delimiter=sep)
            width = len(next(reader, []))
            for row in reader:
                if row and len(row) != width:
                    return fail(f"{name}:{reader.line_num}",
                                "not a valid CSV file: this row has {cells} cells, the header "
                                "{width}", cells=len(row), width=width)
    return fail(name, "not a valid CSV file: {error}",
                error=shorten(message.replace("CSV parse error: ", "")))


def _bad_text_line(path: Path) -> int | None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return lines + block.count(b"\n", 0, exc.start)
            lines += block.count(b"\n")
    return None


def _categorical(table: Any) -> pd.DataFrame:
    """An Arrow table (or a pandas frame) as categorical text columns; ``""`` is missing."""
    if not isinstance(table, pd.DataFrame):
        table = table.to_pandas()  # dictionary columns arrive as categoricals
    columns = {}
    for name in table.columns:
        series = table[name]
        if not isinstance(series.dtype, pd.CategoricalDtype) or \
                not isinstance(series.cat.categories, pd.Index) or \
                series.cat.categories.inferred_type not in ("string", "empty"):
            # any other column as categorical text, each distinct value converted once
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            index: dict[str, int] = {"": -1}
            remap = np.array([index.setdefault(cell_text(u), len(index) - 1) for u in uniques]
                             + [-1], dtype=np.int64)
            series = pd.Series(pd.Categorical.from_codes(
                remap[codes], categories=pd.Index([k for k in index if k], dtype=object)))
        elif (series.cat.categories == "").any():
            series = series.cat.remove_categories([""])
        columns[name] = series
    return pd.DataFrame(columns)


def cell_text(value: Any) -> str:
    """A cell of an XLSX, SPSS or Parquet file as the text a CSV would hold."""
    from datetime import datetime
    if value is None or value is pd.NaT or value is pd.NA or (
            isinstance(value, float | np.floating) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return f"{int(value)}" if float(value).is_integer() else repr(float(value))
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat(sep=" ")
    return str(value)


def _typed(series: pd.Series) -> pd.Series:
    """A text column as numbers or bools when every value is one (parsed once per distinct
    value), else as text."""
    cat = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
    categories = pd.Index(cat.cat.categories.astype(object))
    codes = cat.cat.codes.to_numpy()
    missing = codes < 0
    if len(categories) == 0:
        return pd.Series(np.full(len(codes), np.nan))
    lower = categories.str.strip().str.lower()
    if lower.isin(["true", "false"]).all():
        values = np.append(np.asarray(lower == "true"), False)[codes]
        if not missing.any():
            return pd.Series(values, dtype=bool)
        return pd.Series(np.where(missing, np.nan, values.astype(object)), dtype=object)
    try:
        numbers = pd.to_numeric(categories.str.strip())
    except (ValueError, TypeError):
        return pd.Series(categories.to_numpy()[codes], dtype="str").where(~missing, np.nan)
    numbers = np.asarray(numbers)
    if numbers.dtype.kind in "iu" and not missing.any():
        return pd.Series(numbers[codes])
    return pd.Series(np.append(numbers.astype(np.float64), np.nan)[codes])


def read_sav(path: Path, name: str, fail: Fail) -> tuple[pd.DataFrame, Any]:
    """An SPSS ``.sav`` file's values (user-defined missing values kept) and its metadata."""
    try:
        import pyreadstat
    except ImportError:
        raise fail(name, "reading .sav needs pyreadstat: pip install pyreadstat") from None
    try:
        return pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and OSError alike
        raise fail(name, "not a readable SPSS .sav file ({error})", error=exc) from None


def _parquet(path: Path, read: Callable[[Any, Any, list[str]], Any]) -> Any:
    """``read(pyarrow.parquet, the file's schema, its text columns)``; what Arrow refuses (not
    Parquet, damaged) is the user's error."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
        return read(pq, schema, [f.name for f in schema
                                 if str(f.type) in ("string", "large_string")])
    except Exception as exc:  # ArrowInvalid, OSError: not Parquet or damaged
        raise _fail(str(path), "not a readable Parquet file ({error})",
                    error=shorten(str(exc))) from None


def _parquet_table(pq: Any, path: Path, schema: Any, dictionary: list[str] | None,
                   wanted: set[str] | None) -> Any:
    """The Arrow table of a Parquet file: only the ``wanted`` columns when it has each, once."""
    names = {n.strip() for n in schema.names}  # a name twice: read all, to be refused
    only = _only(schema.names, wanted) if len(names) == len(schema.names) else None
    return pq.read_table(path, columns=only, read_dictionary=dictionary)


__all__ = ["cell_text", "check_names", "read_batches", "read_sav", "read_table",
           "sniff_delimiter"]
