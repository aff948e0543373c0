"""Commands of the assessment: check and print instruments, score answers (one file or a
CSV), take the assessment in the terminal, peer distributions, demo and scored panels."""

from __future__ import annotations

import sys

import click

from ..core.settings import DEMO_RESPONDENTS, DEMO_SEED
from ..i18n.catalog import ntr, number, tr
from .options import ASSESSMENT, error_lang, format_option, handle_errors, with_settings
from .render import batch_outcome, console, is_big, print_result, show


@click.group()
def instrument() -> None:
    """Check and print questionnaires (instruments)."""


@instrument.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@handle_errors
def instrument_validate(path: str) -> None:
    """Check an instrument file and report every problem with file:line:column.

    Example: socialmaturity instrument validate my-instrument.yaml
    """
    from ..services.instruments import validate_file

    inst = validate_file(path)
    click.echo(tr(error_lang(), "{path}: valid: {id} {version}, {dimensions} dimensions, "
                                "{questions} scored questions, {hash}", path=path, id=inst.id,
                  version=inst.version, dimensions=len(inst.dimensions),
                  questions=len(inst.scored_questions), hash=inst.content_hash))


@instrument.command("show")
@format_option("text", "json")
@with_settings("instrument", "lang")
def instrument_show(fmt: str, settings) -> None:
    """Print the instrument: dimensions, questions and their options.

    Example: socialmaturity instrument show --lang nl --format json
    """
    from ..instrument.loader import resolve_instrument
    from ..services.instruments import describe, render_text

    inst = resolve_instrument(settings.instrument)
    show(fmt, describe(inst, settings.lang), lambda: render_text(inst, settings.lang))


@click.command()
@click.argument("answers", required=False, type=click.Path(dir_okay=False))
@click.option("--batch", "batch", type=click.Path(dir_okay=False), metavar="TABLE",
              help="Score every row of a table (profile fields and question ids as columns): "
                   "CSV, XLSX, SPSS .sav or Parquet.")
@click.option("--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="With --batch: where to write the scores (.parquet: Parquet, .xlsx: XLSX, "
                   "else CSV).")
@click.option("--skip-invalid", is_flag=True,
              help="With --batch: leave invalid rows out instead of writing nothing.")
@click.option("--all", "show_all", is_flag=True, help="Text format: list every recommendation.")
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False), metavar="PDF",
              help="Also write the PDF report (in --lang) to this file.")
@click.option("--pptx", "pptx", type=click.Path(dir_okay=False), metavar="PPTX",
              help="Also write a board deck (PowerPoint, 7 slides, in --lang) to this file.")
@format_option("text", "json")
@with_settings(*ASSESSMENT)
def score(answers, batch, output, skip_invalid, show_all, pdf, pptx, fmt, settings) -> None:
    """Score an answers file (YAML or JSON), or a CSV of many respondents with --batch.

    \b
    Example: socialmaturity score answers.yaml --format json --lang nl
    Example: socialmaturity score answers.yaml --pdf report.pdf --lang nl
    Example: socialmaturity score answers.yaml --pptx deck.pptx
    Example: socialmaturity score --batch responses.csv --output scores.csv
    Example: socialmaturity score --batch responses.parquet --output scores.parquet
    """
    if batch:
        if answers:
            raise click.UsageError(tr(settings.lang, "give either ANSWERS or --batch CSV, not "
                                                     "both"))
        if pdf or pptx:
            raise click.UsageError(tr(settings.lang, "--pdf and --pptx write the report of one "
                                                     "ANSWERS file, not of --batch"))
        if not output:
            raise click.UsageError(tr(settings.lang, "--batch needs --output SCORES.csv"))
        from rich.progress import Progress

        from ..instrument.loader import resolve_instrument
        from ..services.batch import MAX_LISTED, score_csv

        inst = resolve_instrument(settings.instrument)
        with Progress(console=console(err=True), transient=True,
                      disable=not is_big(batch)) as bar:
            task = bar.add_task("Scoring", total=len(inst.scored_questions))
            outcome = score_csv(inst, batch, output, skip_invalid=skip_invalid,
                                progress=lambda k: bar.advance(task, k), lang=settings.lang)
        batch_outcome(outcome, output, skip_invalid, MAX_LISTED, settings.lang)
        return
    if not answers:
        raise click.UsageError(tr(settings.lang, "give an ANSWERS file, or --batch CSV --output "
                                                 "CSV"))
    from ..files import check_writable, write_bytes_atomically
    from ..scoring.answers import load_responses
    from ..services.assessment import make_assessor

    check_writable(pdf, pptx)
    assessor = make_assessor(settings.instrument, settings.panel, settings.min_group_size,
                             settings.lang)
    responses = load_responses(assessor.instrument, answers, lang=settings.lang)
    result = assessor.assess(responses, settings.lang)
    if pdf:
        from ..reports.pdf import render_pdf

        write_bytes_atomically(pdf, render_pdf(result))
    if pptx:
        from ..reports.deck import render_pptx

        write_bytes_atomically(pptx, render_pptx(result))
    print_result(result, fmt, show_all)
    for written in (pdf, pptx):
        if written:
            click.echo(tr(settings.lang, "wrote {path}", path=written), err=True)


@click.command()
@click.option("--resume", type=click.Path(dir_okay=False), metavar="FILE",
              help="Continue from answers saved earlier (Ctrl-C saves them).")
@click.option("--save", "save_to", type=click.Path(dir_okay=False), metavar="FILE",
              default="socialmaturity-answers.yaml", show_default=True,
              help="Where answers are saved on Ctrl-C, on q, and at the end.")
@with_settings(*ASSESSMENT)
def assess(resume, save_to, settings) -> None:
    """Take the assessment in the terminal, question by question.

    Type the number of an answer; b goes back, s skips, q (or Ctrl-C) saves and stops.

    Example: socialmaturity assess --lang nl
    """
    from ..instrument.loader import resolve_instrument
    from ..scoring.answers import validate_responses
    from ..services.assessment import make_assessor
    from ..services.interview import Interview
    from .terminal import run_interview

    inst, lang = resolve_instrument(settings.instrument), settings.lang
    interview = Interview.resume(inst, lang, resume) if resume else Interview(inst, lang)
    if not run_interview(interview, save_to if not resume else resume):
        sys.exit(130)
    assessor = make_assessor(settings.instrument, settings.panel, settings.min_group_size,
                             settings.lang)
    responses = validate_responses(inst, interview.document())
    print_result(assessor.assess(responses, lang), "text")


@click.command()
@click.option("--sector", help="Sector option key (see `instrument show`).")
@click.option("--size", help="Size band option key.")
@click.option("--region", help="Region option key.")
@format_option("text", "json")
@with_settings(*ASSESSMENT)
def benchmark(sector, size, region, fmt, settings) -> None:
    """Show the peers' score and stage distributions for a sector, size and region.

    Example: socialmaturity benchmark --sector technology --size 1000-9999 --region emea
    """
    from ..services.assessment import make_assessor
    from ..services.benchmarks import describe_peers, render_peers

    assessor = make_assessor(settings.instrument, settings.panel, settings.min_group_size,
                             settings.lang)
    filters = {k: v for k, v in (("sector", sector), ("size", size), ("region", region)) if v}
    view = describe_peers(assessor, filters, settings.lang)
    show(fmt, view, lambda: render_peers(view))


@click.group()
def panel() -> None:
    """Benchmark panels: generate the synthetic demo panel, pre-score a panel."""


@panel.command("generate")
@click.option("--seed", type=int, default=DEMO_SEED, show_default=True, help="Random seed.")
@click.option("--respondents", type=click.IntRange(min=1), default=DEMO_RESPONDENTS,
              show_default=True, help="Number of respondents.")
@click.option("--output", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Where to write the panel: .csv (batch layout) or .npz (scored).")
@with_settings("instrument")
def panel_generate(seed, respondents, output, settings) -> None:
    """Generate the synthetic demo panel; the same seed gives the same panel everywhere.

    Example: socialmaturity panel generate --seed 2021 --respondents 2162 --output panel.csv
    """
    from ..instrument.loader import resolve_instrument
    from ..services.assessment import write_demo_panel

    frame = write_demo_panel(resolve_instrument(settings.instrument), output, seed, respondents)
    lang = settings.lang
    click.echo(ntr(lang, "wrote {n} synthetic respondents ({organizations} organizations) to "
                         "{output}", "wrote {n} synthetic respondents ({organizations} "
                         "organizations) to {output}", len(frame), output=output,
                   organizations=number(lang, frame["organization_id"].nunique(), 0)))


@panel.command("build")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--output", required=True, type=click.Path(dir_okay=False), metavar="NPZ",
              help="Where to write the scored panel (.npz).")
@with_settings("instrument")
def panel_build(source, output, settings) -> None:
    """Score a panel CSV once into a .npz file that loads fast (use it as --panel).

    Example: socialmaturity panel build panel.csv --output panel.npz
    """
    from ..instrument.loader import resolve_instrument
    from ..services.assessment import load_panel, save_panel

    inst = resolve_instrument(settings.instrument)
    built = load_panel(inst, source, settings.lang)
    save_panel(inst, built, output)
    click.echo(ntr(settings.lang, "wrote {n} scored organization ({respondents} respondents) to "
                                  "{output}", "wrote {n} scored organizations ({respondents} "
                                  "respondents) to {output}", built.n, output=output,
                   respondents=number(settings.lang, built.respondents, 0)))


COMMANDS = (instrument, score, assess, benchmark, panel)
