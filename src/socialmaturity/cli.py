"""The command line: a thin shell over ``services``. Heavy modules are imported inside the
commands, so ``socialmaturity --help`` starts fast."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import SocialMaturityError, shorten
from .settings import SETTINGS

LANGS = click.Choice(["en", "nl"])


def _setting(name: str):
    return next(s for s in SETTINGS if s.name == name)


def setting_option(name: str, *flags: str, **kwargs):
    """An option for a setting of SETTINGS: same flag, env var, default and help everywhere."""
    s = _setting(name)
    kwargs.setdefault("default", s.default)
    if isinstance(s.default, int):
        kwargs.setdefault("type", click.IntRange(min=1))
    return click.option(*(flags or (f"--{name}",)), envvar=s.env, show_envvar=True,
                        show_default=s.default is not None, help=s.help, **kwargs)


instrument_option = setting_option("instrument", metavar="ID|PATH")
panel_option = setting_option("panel", type=click.Path(dir_okay=False), metavar="CSV")
min_group_option = setting_option("min-group-size")
lang_option = setting_option("lang", type=LANGS)


def assessment_options(f):
    """The options every command that scores and benchmarks takes, the same way everywhere."""
    for option in (min_group_option, panel_option, instrument_option, lang_option):
        f = option(f)
    return f


def format_option(*choices: str):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=choices[0],
                        show_default=True, help="Output format.")


def console(err: bool = False):
    from rich.console import Console

    return Console(stderr=err, highlight=False, soft_wrap=False)


def fail(problems, total: int | None = None) -> None:
    """Print each problem on its own line to stderr and exit with status 2."""
    for p in problems:
        click.echo(f"error: {shorten(str(p), 2000)}", err=True)  # never megabytes of a cell
    if total is not None and total > len(problems):
        click.echo(f"error: … {total - len(problems)} more", err=True)
    sys.exit(2)


def handle_errors(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except SocialMaturityError as exc:
            fail(exc.problems, exc.total)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="socialmaturity")
def cli() -> None:
    """Measure how mature an organization's use of social media is, benchmark it against its
    peers and get a ranked plan for the next stage.

    Every setting can also be given as an environment variable (see `socialmaturity settings`).
    """


# -- instrument ---------------------------------------------------------------------------------


@cli.group()
def instrument() -> None:
    """Check and print questionnaires (instruments)."""


@instrument.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@handle_errors
def instrument_validate(path: str) -> None:
    """Check an instrument file and report every problem with file:line:column.

    Example: socialmaturity instrument validate my-instrument.yaml
    """
    from .services.instruments import validate_file

    inst = validate_file(path)
    click.echo(f"{path}: valid: {inst.id} {inst.version}, {len(inst.dimensions)} dimensions, "
               f"{len(inst.scored_questions)} scored questions, {inst.content_hash}")


@instrument.command("show")
@instrument_option
@lang_option
@format_option("text", "json")
@handle_errors
def instrument_show(instrument: str, lang: str, fmt: str) -> None:
    """Print the instrument: dimensions, questions and their options.

    Example: socialmaturity instrument show --lang nl --format json
    """
    from .instrument.loader import resolve_instrument
    from .services.instruments import describe, render_text

    inst = resolve_instrument(instrument)
    if fmt == "json":
        click.echo(json.dumps(describe(inst, lang), ensure_ascii=False, indent=2))
    else:
        console().print(render_text(inst, lang))


# -- score --------------------------------------------------------------------------------------


@cli.command()
@click.argument("answers", required=False, type=click.Path(dir_okay=False))
@click.option("--batch", "batch", type=click.Path(dir_okay=False), metavar="CSV",
              help="Score every row of a CSV (profile fields and question ids as columns).")
@click.option("--output", type=click.Path(dir_okay=False), metavar="CSV",
              help="With --batch: where to write the scores.")
@click.option("--skip-invalid", is_flag=True,
              help="With --batch: leave invalid rows out instead of writing nothing.")
@click.option("--all", "show_all", is_flag=True, help="Text format: list every recommendation.")
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False), metavar="PDF",
              help="Also write the PDF report (in --lang) to this file.")
@click.option("--pptx", "pptx", type=click.Path(dir_okay=False), metavar="PPTX",
              help="Also write a board deck (PowerPoint, 7 slides, in --lang) to this file.")
@format_option("text", "json")
@assessment_options
@handle_errors
def score(answers, batch, output, skip_invalid, show_all, pdf, pptx, fmt, lang, instrument,
          panel, min_group_size) -> None:
    """Score an answers file (YAML or JSON), or a CSV of many respondents with --batch.

    \b
    Example: socialmaturity score answers.yaml --format json --lang nl
    Example: socialmaturity score answers.yaml --pdf report.pdf --lang nl
    Example: socialmaturity score answers.yaml --pptx deck.pptx
    Example: socialmaturity score --batch responses.csv --output scores.csv
    """
    if batch:
        if answers:
            raise click.UsageError("give either ANSWERS or --batch CSV, not both")
        if pdf or pptx:
            raise click.UsageError("--pdf and --pptx write the report of one ANSWERS file, "
                                   "not of --batch")
        if not output:
            raise click.UsageError("--batch needs --output SCORES.csv")
        _score_batch(batch, output, skip_invalid, instrument)
        return
    if not answers:
        raise click.UsageError("give an ANSWERS file, or --batch CSV --output CSV")
    from .scoring.answers import load_responses
    from .services.assessment import make_assessor

    assessor = make_assessor(instrument, panel, min_group_size)
    responses = load_responses(assessor.instrument, answers)
    result = assessor.assess(responses, lang)
    from .files import write_bytes_atomically

    if pdf:
        from .reports.pdf import render_pdf

        write_bytes_atomically(pdf, render_pdf(result))
    if pptx:
        from .reports.deck import render_pptx

        write_bytes_atomically(pptx, render_pptx(result))
    _print_result(result, fmt, show_all)
    for written in (pdf, pptx):
        if written:
            click.echo(f"wrote {written}", err=True)


def _print_result(result, fmt: str, show_all: bool = False) -> None:
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        from .reports.text import render_result

        console().print(render_result(result, all_recommendations=show_all))


def _score_batch(source: str, output: str, skip_invalid: bool, instrument: str) -> None:
    from rich.progress import Progress

    from .instrument.loader import resolve_instrument
    from .services.batch import MAX_LISTED, score_csv

    inst = resolve_instrument(instrument)
    big = Path(source).is_file() and Path(source).stat().st_size > 5_000_000
    with Progress(console=console(err=True), transient=True, disable=not big) as bar:
        task = bar.add_task("Scoring", total=len(inst.scored_questions))
        outcome = score_csv(inst, source, output, skip_invalid=skip_invalid,
                            progress=lambda k: bar.advance(task, k))
    if outcome.problem_rows and not skip_invalid:
        shown = min(outcome.problem_rows, MAX_LISTED)
        click.echo(f"error: {outcome.problem_rows:,} of {outcome.rows:,} rows are invalid; "
                   f"nothing was written. The first {shown}:", err=True)
        for p in outcome.problems:
            click.echo(f"error: {p}", err=True)
        more = outcome.problem_rows - shown
        click.echo(f"error: {'… and ' + format(more, ',') + ' more invalid rows; ' if more else ''}"
                   f"fix them, or score the valid rows with --skip-invalid", err=True)
        sys.exit(2)
    if outcome.skipped:
        for p in outcome.problems:
            click.echo(f"skipped: {p}", err=True)
        click.echo(f"skipped {outcome.skipped:,} invalid rows", err=True)
    click.echo(f"wrote {outcome.written:,} scored rows to {output}")


# -- assess -------------------------------------------------------------------------------------


@cli.command()
@assessment_options
@click.option("--resume", type=click.Path(dir_okay=False), metavar="FILE",
              help="Continue from answers saved earlier (Ctrl-C saves them).")
@click.option("--save", "save_to", type=click.Path(dir_okay=False), metavar="FILE",
              default="socialmaturity-answers.yaml", show_default=True,
              help="Where answers are saved on Ctrl-C, on q, and at the end.")
@handle_errors
def assess(lang, resume, save_to, instrument, panel, min_group_size) -> None:
    """Take the assessment in the terminal, question by question.

    Type the number of an answer; b goes back, s skips, q (or Ctrl-C) saves and stops.

    Example: socialmaturity assess --lang nl
    """
    from .instrument.loader import resolve_instrument
    from .services.interview import Interview
    from .terminal import run_interview

    inst = resolve_instrument(instrument)
    interview = Interview.resume(inst, lang, resume) if resume else Interview(inst, lang)
    finished = run_interview(interview, save_to if not resume else resume)
    if not finished:
        sys.exit(130)
    from .services.assessment import make_assessor

    assessor = make_assessor(instrument, panel, min_group_size)
    from .scoring.answers import validate_responses

    responses = validate_responses(inst, interview.document())
    _print_result(assessor.assess(responses, lang), "text")


# -- benchmark and panel ------------------------------------------------------------------------


@cli.command()
@click.option("--sector", help="Sector option key (see `instrument show`).")
@click.option("--size", help="Size band option key.")
@click.option("--region", help="Region option key.")
@format_option("text", "json")
@assessment_options
@handle_errors
def benchmark(sector, size, region, fmt, lang, instrument, panel, min_group_size) -> None:
    """Show the peers' score and stage distributions for a sector, size and region.

    Example: socialmaturity benchmark --sector technology --size 1000-9999 --region emea
    """
    from .services.assessment import make_assessor
    from .services.benchmarks import describe_peers, render_peers

    assessor = make_assessor(instrument, panel, min_group_size)
    filters = {k: v for k, v in (("sector", sector), ("size", size), ("region", region)) if v}
    view = describe_peers(assessor, filters, lang)
    if fmt == "json":
        click.echo(json.dumps(view, ensure_ascii=False, indent=2))
    else:
        console().print(render_peers(view))


@cli.group()
def panel() -> None:
    """Benchmark panels: generate the synthetic demo panel, pre-score a panel."""


@panel.command("generate")
@click.option("--seed", type=int, default=2021, show_default=True, help="Random seed.")
@click.option("--respondents", type=click.IntRange(min=1), default=2162, show_default=True,
              help="Number of respondents.")
@click.option("--output", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Where to write the panel: .csv (batch layout) or .npz (scored).")
@instrument_option
@handle_errors
def panel_generate(seed, respondents, output, instrument) -> None:
    """Generate the synthetic demo panel; the same seed gives the same panel everywhere.

    Example: socialmaturity panel generate --seed 2021 --respondents 2162 --output panel.csv
    """
    from .instrument.loader import resolve_instrument
    from .services.assessment import write_demo_panel

    frame = write_demo_panel(resolve_instrument(instrument), output, seed, respondents)
    click.echo(f"wrote {len(frame):,} synthetic respondents "
               f"({frame['organization_id'].nunique():,} organizations) to {output}")


@panel.command("build")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--output", required=True, type=click.Path(dir_okay=False), metavar="NPZ",
              help="Where to write the scored panel (.npz).")
@instrument_option
@handle_errors
def panel_build(source, output, instrument) -> None:
    """Score a panel CSV once into a .npz file that loads fast (use it as --panel).

    Example: socialmaturity panel build panel.csv --output panel.npz
    """
    from .instrument.loader import resolve_instrument
    from .services.assessment import load_panel, save_panel

    inst = resolve_instrument(instrument)
    built = load_panel(inst, source)
    save_panel(inst, built, output)
    click.echo(f"wrote {built.n:,} scored respondents to {output}")


# -- web server and database ---------------------------------------------------------------------


database_option = setting_option("database-url", metavar="URL")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes (use PostgreSQL for more than one).")
@database_option
@instrument_option
@panel_option
@min_group_option
@setting_option("max-header-kb")
@setting_option("header-timeout")
@handle_errors
def serve(host, port, workers, database_url, instrument, panel, min_group_size, max_header_kb,
          header_timeout) -> None:
    """Start the web app: the assessment in the browser, the result, the PDF and the JSON API.

    The database is created and migrated on start.

    Example: socialmaturity serve --host 0.0.0.0 --port 8000
    """
    import os

    import uvicorn

    from .storage.database import (
        database_url_from_environment,
        default_database_url,
        safe_url,
        upgrade,
    )

    values = {"database-url": database_url or default_database_url(), "instrument": instrument,
              "panel": panel, "min-group-size": min_group_size, "max-header-kb": max_header_kb,
              "header-timeout": header_timeout}
    for s in SETTINGS:  # the workers read their settings from the environment
        if s.name in values and values[s.name] not in (None, ""):
            os.environ[s.env] = str(values[s.name])
    url = database_url_from_environment()
    upgrade(url)
    click.echo(f"socialmaturity on http://{host}:{port} (database {safe_url(url)})")
    from .web.protocol import GuardedHttpToolsProtocol

    uvicorn.run("socialmaturity.web.main:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning", proxy_headers=True,
                http=GuardedHttpToolsProtocol, timeout_keep_alive=5)


@cli.group()
def db() -> None:
    """The web app's database."""


@db.command("upgrade")
@database_option
@handle_errors
def db_upgrade(database_url) -> None:
    """Create the database or migrate it to the newest schema (Alembic).

    Example: socialmaturity db upgrade --database-url postgresql+psycopg://root@127.0.0.1/test
    """
    from .storage.database import current_revision, default_database_url, safe_url, upgrade

    url = database_url or default_database_url()
    upgrade(url)
    click.echo(f"{safe_url(url)}: at revision {current_revision(url)}")


# -- schema and settings ------------------------------------------------------------------------


@cli.command()
@click.argument("name", type=click.Choice(["result"]))
def schema(name: str) -> None:
    """Print the JSON Schema of the JSON result.

    Example: socialmaturity schema result > result.schema.json
    """
    from .reports.result import result_schema

    click.echo(json.dumps(result_schema(), indent=2))


@cli.command()
def settings() -> None:
    """List every setting with its environment variable, default and current value.

    Example: socialmaturity settings
    """
    import os

    from .storage.database import safe_url

    for s in SETTINGS:
        current = os.environ.get(s.env)
        if current and s.name == "database-url":
            current = safe_url(current)  # never print the password
        click.echo(f"--{s.name}  {s.env}  default: {s.default if s.default is not None else '-'}"
                   + (f"  now: {current}" if current else ""))
        click.echo(f"    {s.help}")


from .cli_research import research  # noqa: E402  (defined over the helpers above)

cli.add_command(research)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("interrupted", err=True)
        sys.exit(130)
