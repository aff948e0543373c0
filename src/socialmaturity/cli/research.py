"""``socialmaturity research …``: the research workbench on the command line.

Each command is a few lines over :mod:`socialmaturity.services.research` and the research
layer; heavy modules are imported inside the commands. Bad input exits with status 2 and one
``error:`` line per problem; a command writes its output files only when everything worked.
This module has the group and the commands that make tables (import, mapping, clean, weight,
classify); ``research_tables`` the analyses, ``research_report`` findings, report and run.
"""

from __future__ import annotations

import click

from ..core.settings import use
from ..errors import Problem, SocialMaturityError, text
from ..i18n.catalog import ntr, number, percent, tr
from .options import error_lang, handle_errors, instrument_option, lang_option, with_settings
from .render import row_bar, write_tables
from .research_options import (
    data_argument,
    layout_option,
    load_instrument,
    names_the_data,
    output_option,
)


@click.group()
@with_settings("xlsx_max_unpacked_mb", "xlsx_max_cells")
def research(settings) -> None:
    """The research workbench: import survey exports, clean, weight, classify, compare,
    describe, test reliability, write findings and the report.

    Example: socialmaturity research run --demo --output-dir report/
    """
    # the XLSX limits are read where a workbook is read (core.settings.current)
    click.get_current_context().with_resource(use(settings))


# -- import and mapping -------------------------------------------------------------------------


@click.command("import")
@click.argument("export", type=click.Path(dir_okay=False), metavar="EXPORT")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False), metavar="YAML",
              help="Mapping of columns and answer labels to questions and options.")
@layout_option
@output_option(True, "Where to write the tidy table (CSV, or .xlsx).", "TIDY.csv")
@click.option("--recodes", type=click.Path(dir_okay=False), metavar="CSV",
              help="Also write every recode of the import (column, from, to, count, reason).")
@instrument_option
@handle_errors
def import_(export, mapping_path, layout, output, recodes, instrument) -> None:
    """Import a Qualtrics, SurveyMonkey or Google Forms export (CSV, XLSX or SPSS .sav) into
    the tidy table (the batch-CSV layout) that every other research command reads.

    Example: socialmaturity research import survey.csv --mapping mapping.yaml --output tidy.csv
    """
    from ..intake.importing import read_export
    from ..research.mapping import load_mapping

    mapping = load_mapping(mapping_path) if mapping_path else None
    inst = load_instrument(instrument)
    with row_bar(export) as bar:
        task = bar.add_task("Importing", total=None)
        result = read_export(export, layout=layout, mapping=mapping, inst=inst,
                             progress=lambda k: bar.advance(task, k))
    write_tables((result.frame, output, "tidy"),
                 (result.recodes_frame() if recodes else None, recodes, "recodes"))
    lang = error_lang()
    for w in result.warnings:
        click.echo(tr(lang, "warning: {message}", message=text(w, lang)), err=True)
    recoded = int(sum(r.count for r in result.recodes))
    click.echo(ntr(lang, "imported {n} response ({layout} layout, {format}) to {output}; "
                         "{recoded}{listed}, {dropped}",
                   "imported {n} responses ({layout} layout, {format}) to {output}; "
                   "{recoded}{listed}, {dropped}", len(result.frame),
                   layout=result.layout, format=result.file_format, output=output,
                   recoded=ntr(lang, "{n} value recoded", "{n} values recoded", recoded),
                   dropped=ntr(lang, "{n} column left out", "{n} columns left out",
                               len(result.dropped_columns)),
                   listed=tr(lang, " (listed in {path})", path=recodes) if recodes else ""))


@click.group()
def mapping() -> None:
    """Mappings of export columns and answer labels to instrument questions and options."""


@mapping.command("suggest")
@click.argument("export", type=click.Path(dir_okay=False), metavar="EXPORT")
@layout_option
@output_option(True, "Where to write the suggested mapping (YAML).", "MAPPING.yaml")
@instrument_option
@handle_errors
def mapping_suggest(export, layout, output, instrument) -> None:
    """Propose a mapping by matching the export's question texts and answer labels with the
    instrument's; review it, then import with it.

    Example: socialmaturity research mapping suggest survey.csv --output mapping.yaml
    """
    from ..files import write_bytes_atomically
    from ..research.mapping import dump_mapping
    from ..research.suggesting import suggest_mapping

    inst, lang = load_instrument(instrument), error_lang()
    found, report = suggest_mapping(export, inst, layout)
    write_bytes_atomically(output, dump_mapping(found).encode("utf-8"))
    asked = [c for c in report.columns if c.method != "system column"]
    matched = sum(c.target is not None for c in asked)
    click.echo(tr(lang, "wrote {output}: {matched} of {asked} question columns matched "
                        "({share}), layout {layout}", output=output, matched=matched,
                  asked=len(asked), share=percent(lang, report.matched_share),
                  layout=report.layout))
    for column in report.unmatched:
        click.echo(tr(lang, "not matched: {column!r} (map it by hand or add it to ignore)",
                      column=column), err=True)
    for label in report.labels:
        if label.option is None:
            click.echo(ntr(lang, "no option for answer {label!r} of {question} ({n} row): add "
                                 "it under values", "no option for answer {label!r} of "
                                 "{question} ({n} rows): add it under values", int(label.rows),
                           label=label.label, question=label.question), err=True)


# -- clean, weight, classify --------------------------------------------------------------------

#: The rules --skip switches off: the name of each in CleaningRules.
SKIPPABLE = {"incomplete": "incomplete", "duplicate-id": "duplicate_ids",
             "duplicate-answers": "duplicate_answers", "speeders": "speeders",
             "straight-liners": "straightliners"}


@click.command()
@data_argument
@output_option(True, "Where to write the responses kept (CSV or .xlsx).", "CLEAN.csv")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False), metavar="YAML",
              help="Cleaning rules (keys: min_completion, require_finished, duplicate_ids, "
                   "duplicate_answers, speeders, speeder_fraction, straightliners, "
                   "straightline_min_items).")
@click.option("--min-completion", type=float, metavar="SHARE",
              help="Drop responses with fewer of the scored questions answered [0.5].")
@click.option("--speeder-fraction", type=float, metavar="SHARE",
              help="Drop responses faster than this share of the median duration [0.33].")
@click.option("--straightline-min", type=int, metavar="N",
              help="Shortest run of same answers that counts as straight-lining [8].")
@click.option("--require-finished", is_flag=True, default=None,
              help="Drop responses whose progress is under 100%.")
@click.option("--skip", multiple=True, metavar="RULE", type=click.Choice(list(SKIPPABLE)),
              help="Switch a rule off (repeatable).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), metavar="CSV",
              help="Also write the dropped respondents with the rule that dropped them.")
@lang_option
@instrument_option
@handle_errors
@names_the_data
def clean(data, output, rules_path, min_completion, speeder_fraction, straightline_min,
          require_finished, skip, report_path, lang, instrument) -> None:
    """Drop incomplete, unfinished, duplicate, speeding and straight-lining responses, and say
    how many each rule dropped.

    Example: socialmaturity research clean tidy.csv --min-completion 0.8 --output clean.csv
    """
    from ..research.cleaning import clean as clean_frame
    from ..services.research_files import load_rules, read_data

    rules = load_rules(rules_path, min_completion=min_completion,
                       speeder_fraction=speeder_fraction,
                       straightline_min_items=straightline_min,
                       require_finished=require_finished, **{SKIPPABLE[r]: False for r in skip})
    kept, report = clean_frame(read_data(data), load_instrument(instrument), rules)
    write_tables((kept, output, "clean"),
                 (report.dropped_frame() if report_path else None, report_path, "dropped"))
    click.echo(report.summary(lang))
    click.echo(ntr(lang, "wrote {n} response to {output}", "wrote {n} responses to {output}",
                   len(kept), output=output))


@click.command()
@data_argument
@click.option("--margins", "margins_path", required=True, type=click.Path(dir_okay=False),
              metavar="YAML", help="Target margins (raking) or cells (post-stratification); "
                                   "see the README.")
@click.option("--trim", metavar="LO,HI",
              help="Keep weights within LO–HI × the mean weight (raking), e.g. 0.3,3.")
@output_option(True, "Where to write the data with a weight column (CSV or .xlsx).",
                "WEIGHTED.csv")
@handle_errors
@names_the_data
def weight(data, margins_path, trim, output) -> None:
    """Add a weight column by raking to target margins (or post-stratification to target
    cells), with trimming; report the design effect and the effective n.

    Example: socialmaturity research weight clean.csv --margins m.yaml --trim 0.3,3 -o w.csv
    """
    from ..services.research import weigh
    from ..services.research_files import load_margins, parse_trim, read_data, write_table

    spec = load_margins(margins_path, parse_trim(trim))
    frame, column, summary = weigh(read_data(data), spec, None)
    write_table(frame, output, sheet="weighted")
    lang = error_lang()
    state = "" if summary is None or summary.converged in (None, True) else tr(
        lang, "; not converged after {iterations} iterations (largest error {error}): the trim "
              "bounds or the targets cannot all be met", iterations=summary.iterations,
        error=f"{summary.max_error:.2g}")
    click.echo(ntr(lang, "wrote {n} row with column {column!r} to {output}: {method}, design "
                         "effect {deff}, effective n {effective} of {total}, weights "
                         "{low}–{high}{state}", "wrote {n} rows with column {column!r} to "
                         "{output}: {method}, design effect {deff}, effective n {effective} of "
                         "{total}, weights {low}–{high}{state}", len(frame), column=column,
                   output=output, method=summary.method_text(lang), state=state,
                   deff=number(lang, summary.design_effect, 2),
                   effective=number(lang, summary.effective_n, 0),
                   total=number(lang, int(summary.n), 0), low=number(lang, summary.min_weight, 2),
                   high=number(lang, summary.max_weight, 2)))


@click.command()
@data_argument
@output_option(True, "Where to write the respondents with scores and stages.", "SCORED.csv")
@click.option("--roll-up", "roll_up_by", metavar="COLUMN",
              help="Also roll respondents up to organizations by this column (e.g. "
                   "organization_id) into --organizations.")
@click.option("--organizations", type=click.Path(dir_okay=False), metavar="CSV",
              help="With --roll-up: where to write one row per organization.")
@instrument_option
@handle_errors
@names_the_data
def classify(data, output, roll_up_by, organizations, instrument) -> None:
    """Score and classify every respondent with the scoring engine (stage, mature = stage 3
    or higher), and roll respondents up to their organization.

    \b
    Example: socialmaturity research classify clean.csv --output scored.csv
    Example: socialmaturity research classify clean.csv -o scored.csv --roll-up organization_id
             --organizations orgs.csv
    """
    from ..research.classify import classify as classify_frame
    from ..research.classify import roll_up
    from ..services.research_files import read_data

    if bool(roll_up_by) != bool(organizations):
        raise SocialMaturityError(Problem("--roll-up", "give --roll-up COLUMN and "
                                                       "--organizations FILE together"))
    inst = load_instrument(instrument)
    frame = read_data(data)
    scored = classify_frame(frame, inst)
    orgs = roll_up(frame, inst, roll_up_by) if roll_up_by else None
    write_tables((scored, output, "classified"), (orgs, organizations, "organizations"))
    counts, lang = scored["stage"].value_counts(), error_lang()
    stages = ", ".join(f"{inst.text(s.name, lang)} {number(lang, int(counts.get(s.key, 0)), 0)}"
                       for s in inst.stages)
    click.echo(ntr(lang, "wrote {n} respondent to {output}: {stages}; mature {share}",
                   "wrote {n} respondents to {output}: {stages}; mature {share}", len(scored),
                   output=output, stages=stages, share=percent(lang, scored["mature"].mean(), 1)))
    if orgs is not None:
        click.echo(ntr(lang, "wrote {n} organization to {output}: mature {share}",
                       "wrote {n} organizations to {output}: mature {share}", len(orgs),
                       output=organizations, share=percent(lang, orgs["mature"].mean(), 1)))


from .research_report import findings, report, run  # noqa: E402  (commands over the group)
from .research_tables import compare, quantiles, reliability, shares  # noqa: E402

for command in (import_, mapping, clean, weight, classify, compare, shares, quantiles,
                reliability, findings, report, run):
    research.add_command(command)
