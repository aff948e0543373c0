"""A CSV without a header taken: survey exports have one to three header rows
(:mod:`socialmaturity.intake.exports` tells them apart), in UTF-8, Windows-1252 or UTF-16,
comma, semicolon or tab separated. Parsed by the same Arrow reader as
:mod:`socialmaturity.intake.tables`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..errors import Message
from . import tables
from .tables import Fail, _arrow, _csv_problem, sniff_delimiter


def read_grid(path: Path, name: str, fail: Fail, *,
              progress: Callable[[int], None] | None = None,
              header_rows: Callable[[list[list[str]]], int] | None = None
              ) -> tuple[pd.DataFrame, str, list[str]]:
    """A whole CSV as a grid of categorical text columns (``""`` kept as text), its encoding
    and warnings. ``progress`` is told the data rows of each block parsed (``header_rows``
    says how many of the first rows are headers)."""
    pa, pacsv = _arrow()
    with path.open("rb") as f:
        head = f.read(65536)
    if not head.replace(b"\xef\xbb\xbf", b"").strip():
        raise fail(name, "the file is empty: expected header rows and one row per respondent")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in head:
        raise fail(name, "not a text file (it holds NUL bytes): export the survey as CSV, "
                         "XLSX or SPSS .sav")
    else:
        encoding = _encoding(path, name, fail)
    sample = head.decode(encoding, errors="replace")
    sep = sniff_delimiter(sample)
    width = max((len(r) for r in _rows(sample, sep, 1)), default=1)
    names = [f"c{j}" for j in range(width)]
    batches = []
    try:
        reader = pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(column_names=names, block_size=tables.BLOCK_BYTES,
                                                 encoding="utf8" if encoding == "utf-8-sig"
                                                 else encoding),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, tables.TEXT()),
                                                 strings_can_be_null=False))
        skip = header_rows(_rows(sample, sep, 4)) if progress and header_rows else 0
        for batch in reader:
            if progress:
                progress(batch.num_rows - min(skip, batch.num_rows))
                skip -= min(skip, batch.num_rows)
            batches.append(batch)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _csv_problem(path, name, str(exc), fail, encoding, sep) from None
    warnings = [] if encoding != "cp1252" else [
        Message("{file} is not UTF-8: read as Windows-1252 (cp1252); check accented letters, "
                "or export as CSV UTF-8", file=name)]
    table = pa.Table.from_batches(batches, schema=reader.schema).unify_dictionaries()
    grid = table.combine_chunks().to_pandas()
    grid.columns = range(width)
    return grid, "utf-8" if encoding == "utf-8-sig" else encoding, warnings


def _rows(sample: str, sep: str, limit: int) -> list[list[str]]:
    rows = []
    try:
        for row in csv.reader(io.StringIO(sample.lstrip("\ufeff")), delimiter=sep):
            if row:
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def _encoding(path: Path, name: str, fail: Fail) -> str:
    """``utf-8-sig`` when the whole file decodes as UTF-8, else ``cp1252`` when it decodes as
    that (checked block by block, without holding the text)."""
    failed_at = None
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            with path.open("rb") as f:
                while block := f.read(1 << 20):
                    decoder.decode(block)
                    offset += len(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            failed_at = failed_at if failed_at is not None else offset + exc.start
            continue
        return encoding
    raise fail(name, "not text in UTF-8 or Windows-1252 (byte {byte}): export the survey "
                     "as CSV (UTF-8), XLSX or SPSS .sav", byte=failed_at)


__all__ = ["read_grid"]
