"""A big CSV parsed piece by piece for :func:`.tables.read_batches` (``score --batch``): each
piece is some tens of MB of whole rows, ending after a line end outside quotes (an even number
of ``"`` since its start), parsed by Arrow while the caller works on the piece before.

Cheaper than one ``pyarrow.csv.read_csv`` of the file as text: cells are read as
dictionary-encoded bytes and only each column's *distinct* values are checked to be UTF-8; a
piece without a ``"`` cannot hold a line break inside a value, so Arrow may cut it into blocks
at any line end (``newlines_in_values`` off). Measured on the 1,000,000-row batch CSV of
``benchmarks/bench_intake.py`` (607 MB, 53 columns, no quotes), CPU seconds on a shared 2-core
machine, least of 3: text with line breaks in values allowed 5.9 s, bytes with them refused
3.9 s.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .tables import BLOCK_BYTES, TEXT

#: Bytes of CSV in a piece (about 100,000 rows of the batch layout); Arrow parses its blocks of
#: ``BLOCK_BYTES`` in parallel.
PIECE_BYTES = 1 << 26


def cut(data: Any, start: int, size: int) -> int:
    """The offset just after the first line end at or past ``start + size`` that is outside
    quotes (``data`` read from a row's start at ``start``), else the end of ``data``."""
    at, quotes = start, 0
    end = start + size
    while True:
        line_end = data.find(b"\n", min(end, len(data)))
        if line_end < 0:
            return len(data)
        line_end += 1
        if data.find(b'"', at, line_end) >= 0:
            quotes += data[at:line_end].count(b'"')
        if quotes % 2 == 0:
            return line_end
        at = end = line_end


def csv_pieces(path: Path, names: list[str], columns: list[str],
               error: Callable[[str], Exception], bad_text: Callable[[], Exception]
               ) -> Iterator[tuple[Any, float]]:
    """The data rows of a CSV whose header row has ``names``, as Arrow tables of
    dictionary-encoded text (one chunk a column; empty cells null) named ``columns``, each with
    the share of the file read so far. ``error(arrow's message)`` and ``bad_text()`` make the
    errors of a file Arrow refuses and of one that is not UTF-8."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with path.open("rb") as f:
        if f.seek(0, 2) == 0:
            return
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    whole = pa.py_buffer(data)
    read = pacsv.ReadOptions(column_names=names, block_size=BLOCK_BYTES)
    cells = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.dictionary(pa.int32(), pa.binary())),
        strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""])
    start = cut(data, 0, 0)  # after the header row
    while start < len(data):
        end = cut(data, start, PIECE_BYTES)
        quoted = pacsv.ParseOptions(newlines_in_values=data.find(b'"', start, end) >= 0)
        try:
            table = pacsv.read_csv(pa.BufferReader(whole.slice(start, end - start)),
                                   read_options=read, parse_options=quoted,
                                   convert_options=cells)
        except (pa.ArrowInvalid, OSError) as exc:
            raise error(str(exc)) from None
        if hasattr(data, "madvise"):  # the pages parsed leave the process's memory
            data.madvise(mmap.MADV_DONTNEED, 0, end - end % mmap.PAGESIZE)
        yield _text(table, columns, bad_text), end / len(data)
        start = end


def _text(table: Any, columns: list[str], bad_text: Callable[[], Exception]) -> Any:
    """Each column as one dictionary array of text: the chunks' dictionaries unified, the
    distinct values checked to be UTF-8."""
    import pyarrow as pa

    arrays = []
    for column in table.columns:
        chunks = column.unify_dictionaries().chunks if column.num_chunks > 1 else column.chunks
        if not chunks:
            arrays.append(pa.array([], TEXT()))
            continue
        indices = pa.concat_arrays([c.indices for c in chunks])
        try:
            dictionary = chunks[0].dictionary.cast(pa.string())
        except pa.ArrowInvalid:
            raise bad_text() from None
        arrays.append(pa.DictionaryArray.from_arrays(indices, dictionary))
    return pa.Table.from_arrays(arrays, names=columns)
