"""What the commands print: rich consoles, tables and progress bars, results and tables in
the format asked for."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import Problem, SocialMaturityError

#: Files above this size get a progress bar.
BIG_FILE = 5_000_000


def console(err: bool = False):
    from rich.console import Console

    return Console(stderr=err, highlight=False, soft_wrap=False)


def is_big(path: str) -> bool:
    return Path(path).is_file() and Path(path).stat().st_size > BIG_FILE


def show(fmt: str, data, text: Callable[[], object]) -> None:
    """``data`` (a dict, or a result model) as JSON, or the renderable ``text()``."""
    if fmt == "json":
        click.echo(data.model_dump_json(indent=2) if hasattr(data, "model_dump_json")
                   else json.dumps(data, ensure_ascii=False, indent=2))
    else:
        console().print(text())


def print_result(result, fmt: str, show_all: bool = False) -> None:
    """An assessment result as JSON or as text."""
    def text():
        from ..reports.text import render_result

        return render_result(result, all_recommendations=show_all)

    show(fmt, result, text)


def row_bar(path: str):
    """A rich progress bar (on stderr) counting rows of a big input file; quiet for small
    ones."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                    console=console(err=True), transient=True, disable=not is_big(path))


def emit(frame, fmt: str, output: str | None, title: str, sheet: str = "table",
         lang: str = "en") -> None:
    """Print a table (rich, numbers as ``lang`` writes them; CSV or JSON) or write it to
    --output (atomically)."""
    from ..i18n.catalog import ntr
    from ..services.research_files import table_bytes, write_table
    if output:
        write_table(frame, output, None if fmt == "table" else fmt, sheet=sheet)
        click.echo(ntr(lang, "wrote {n} row to {output}", "wrote {n} rows to {output}",
                       len(frame), output=output))
        return
    if fmt == "xlsx":
        raise SocialMaturityError(Problem("--format xlsx", "needs --output FILE.xlsx"))
    if fmt == "table":
        console().print(rich_table(frame, title, lang))
    else:
        sys.stdout.write(table_bytes(frame, fmt).decode("utf-8"))


def write_tables(*tables) -> None:
    """Write each ``(frame, path, sheet)`` whose frame is not None, in the format of its
    path's suffix. Every path is checked and every table made first: nothing is written
    when one cannot be."""
    from ..files import check_writable, write_bytes_atomically
    from ..intake.writing import format_of, table_bytes

    check_writable(*(path for frame, path, _ in tables if frame is not None))
    made = [(path, table_bytes(frame, format_of(path), sheet)) for frame, path, sheet in tables
            if frame is not None]
    for path, data in made:
        write_bytes_atomically(path, data)


def rich_table(frame, title: str, lang: str = "en"):
    import math

    from rich.table import Table

    from ..i18n.catalog import number

    table = Table(title=title, title_justify="left", show_lines=False)
    for c in frame.columns:
        numeric = frame[c].dtype.kind in "fiu"
        table.add_column(str(c), justify="right" if numeric else "left", overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append("" if math.isnan(v) else "∞" if math.isinf(v)
                             else f"{v:.3g}" if abs(v) < 0.001 and v != 0
                             else number(lang, v, 3))
            else:
                cells.append("" if v is None else str(v))
        table.add_row(*cells)
    return table


def compare_view(table, labels: dict[str, str], by_group: str | None, lang: str = "en"):
    """The compare table for the terminal, in ``lang``: percentages, the ratio with its CI,
    p adjusted."""
    import math

    import pandas as pd

    from ..i18n.catalog import number, percent, tr

    def pct(x: float) -> str:
        return "" if math.isnan(x) else percent(lang, x)

    def num(x: float) -> str:
        return "" if math.isnan(x) else "∞" if math.isinf(x) else number(lang, x, 2)

    def of(share: float, n: int) -> str:
        return tr(lang, "{share} of {n}", share=pct(share), n=number(lang, n, 0))

    rows = []
    for r in table.to_dict("records"):
        row = {by_group: r[by_group]} if by_group else {}
        p = r["p_adjusted"]
        rows.append(row | {
            tr(lang, "indicator"): labels.get(r["indicator"], r["indicator"]),
            tr(lang, "focus"): of(r["share_focus"], r["n_focus"]),
            tr(lang, "rest"): of(r["share_rest"], r["n_rest"]),
            tr(lang, "ratio"): num(r["ratio"]),
            tr(lang, "95% CI"): f"{num(r['ci_low'])}–{num(r['ci_high'])}",
            tr(lang, "p adj."): "" if math.isnan(p) else "<" + number(lang, 0.001, 3)
            if p < 0.001 else number(lang, p, 3),
            tr(lang, "test"): r["test"]})
    return pd.DataFrame(rows)


def batch_outcome(outcome, output: str, skip_invalid: bool, listed: int,
                  lang: str = "en") -> None:
    """What ``score --batch`` did, in ``lang``: the invalid rows (status 2 when nothing was
    written), the skipped ones, the rows written."""
    from ..i18n.catalog import ntr, number, tr

    if outcome.problem_rows and not skip_invalid:
        shown = min(outcome.problem_rows, listed)
        def error(message: str) -> None:
            click.echo(tr(lang, "error: {message}", message=message), err=True)

        error(ntr(lang, "{n} of {rows} rows is invalid; nothing was written. The first {shown}:",
                  "{n} of {rows} rows are invalid; nothing was written. The first {shown}:",
                  outcome.problem_rows, rows=number(lang, outcome.rows, 0), shown=shown))
        for p in outcome.problems:
            error(p.text(lang))
        more = outcome.problem_rows - shown
        error((ntr(lang, "… and {n} more invalid row; ", "… and {n} more invalid rows; ", more)
               if more else "") + tr(lang, "fix them, or score the valid rows with --skip-invalid"))
        sys.exit(2)
    if outcome.skipped:
        for p in outcome.problems:
            click.echo(tr(lang, "skipped: {message}", message=p.text(lang)), err=True)
        click.echo(ntr(lang, "skipped {n} invalid row", "skipped {n} invalid rows",
                       outcome.skipped), err=True)
    click.echo(ntr(lang, "wrote {n} scored row to {output}", "wrote {n} scored rows to {output}",
                   outcome.written, output=output))
