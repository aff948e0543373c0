"""Writing output files whole or not at all.

Every file the program writes (scores, panels, answers, tables, reports) goes to a temporary
file beside its target and is moved into place only when complete, so a failure or an
interruption never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from .errors import InputFileError, Problem


def write_atomically(path: str | Path, write: Callable[[IO[Any]], object], *,
                     binary: bool = False) -> Path:
    """Call ``write`` with an open temporary file (text UTF-8, or bytes), then move the file
    to ``path``. The folder must exist; on any error the temporary file is removed."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputFileError(Problem(str(path), f"folder {folder} does not exist"))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        if binary:
            with os.fdopen(fd, "wb") as f:
                write(f)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                write(f)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomically(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all."""
    return write_atomically(path, lambda f: f.write(data), binary=True)
