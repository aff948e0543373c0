"""Writing output files whole or not at all.

Every file the program writes (scores, panels, answers, tables, reports) goes to a temporary
file beside its target and is moved into place only when complete, so a failure or an
interruption never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import InputFileError, Problem


@contextmanager
def atomic_file(path: str | Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """An open temporary file (text UTF-8, or bytes) beside ``path``, moved to ``path`` when
    the ``with`` block ends; on any error in it the temporary file is removed and ``path`` is
    left as it was. A place that cannot be written is an :class:`InputFileError`."""
    path = Path(path)
    fd, tmp = _temporary(path)
    try:
        if binary:
            with os.fdopen(fd, "wb") as f:
                yield f
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                yield f
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (its descriptor and name), or an
    :class:`InputFileError` that names ``path`` and why it cannot be written there."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputFileError(Problem(str(path), "folder {folder} does not exist", folder=folder))
    if path.is_dir():
        raise InputFileError(Problem(str(path), "is a folder; give the name of a file"))
    try:
        return tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise InputFileError(Problem(str(path), "the folder {folder} cannot be written: "
                                                "{error}", folder=folder,
                                     error=exc.strerror or exc)) from None


def check_writable(*paths: str | Path | None) -> None:
    """Refuse, before anything is written, the outputs (None: not asked for) that could not
    be: one problem per path whose folder is missing or cannot be written."""
    problems: list[Problem] = []
    for path in paths:
        if path is None:
            continue
        try:
            fd, tmp = _temporary(Path(path))
        except InputFileError as exc:
            problems += exc.problems
        else:
            os.close(fd)
            os.unlink(tmp)
    if problems:
        raise InputFileError(problems)


def write_atomically(path: str | Path, write: Callable[[IO[Any]], object], *,
                     binary: bool = False) -> Path:
    """Call ``write`` with an open temporary file (text UTF-8, or bytes), then move the file
    to ``path`` (:func:`atomic_file`)."""
    with atomic_file(path, binary=binary) as f:
        write(f)
    return Path(path)


def write_bytes_atomically(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all."""
    return write_atomically(path, lambda f: f.write(data), binary=True)


# --- cells a spreadsheet would run ----------------------------------------------------------------

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (or
#: DDE command): OWASP's CSV-injection list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_number_text(text: str) -> bool:
    """``-3``, ``+1.5``, ``-2e3``: text a spreadsheet reads as a number, not a formula."""
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in ("nan", "inf", "infinity")


def neutral_text(value: Any) -> Any:
    """A text cell made inert for a spreadsheet (OWASP CSV injection): text that starts with
    ``= + - @``, a tab or a carriage return, and is not a number, gets a leading ``'``, which
    spreadsheets show as text and do not evaluate. Everything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number_text(value):
        return "'" + value
    return value


def neutral_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame for CSV output with every text cell and column name made
    inert (:func:`neutral_text`); number columns are untouched."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype):
            out[column] = series.astype(object).map(neutral_text)
    out.columns = [neutral_text(c) if isinstance(c, str) else c for c in out.columns]
    return out
