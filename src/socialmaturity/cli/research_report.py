"""``socialmaturity research findings|report|run``: findings as sentences, the report, the
whole pipeline."""

from __future__ import annotations

import json

import click

from ..core.settings import DEMO_RESPONDENTS, DEMO_SEED
from ..errors import Problem, SocialMaturityError
from ..i18n.catalog import ntr, tr
from .options import format_option, handle_errors, instrument_option, lang_option
from .render import row_bar
from .research_options import (
    at_level,
    by_focus_options,
    data_argument,
    design_option,
    design_options,
    indicators_option,
    layout_option,
    load_instrument,
    names_the_data,
    output_option,
    pipeline_options,
    pipeline_settings,
    split,
    weights_option,
)

# -- findings, report, run ----------------------------------------------------------------------


@click.command()
@data_argument
@by_focus_options
@indicators_option
@weights_option
@design_options
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True, help="False discovery rate.")
@format_option("text", "json")
@output_option(False, "Write the findings to this file.")
@lang_option
@instrument_option
@handle_errors
@names_the_data
def findings(data, by, focus, indicators, weights, cluster, strata, level, org_rule, alpha,
             fmt, output, lang, instrument) -> None:
    """The comparisons that stay significant after Benjamini–Hochberg adjustment, ranked, as
    sentences. DATA is respondent data, or a table written by `research compare`.

    Example: socialmaturity research findings scored.csv --lang nl
    """
    from ..files import write_bytes_atomically
    from ..research.compare import compare as compare_frames
    from ..research.findings import NEEDED
    from ..research.findings import findings as find
    from ..research.indicators import describe_indicators
    from ..research.study import rule_defined
    from ..services.research import focus_value, group_labels, prepare
    from ..services.research_files import read_data

    inst = load_instrument(instrument)
    frame = read_data(data)
    if all(c in frame.columns for c in NEEDED):
        table, infos = frame, describe_indicators(inst)
        mature = by == "mature" and focus.strip().lower() in ("true", "1", "yes")
        focus_label, rest_label = group_labels(by, focus, mature)
    else:
        frame, names, infos = prepare(frame, inst, columns=(by,),
                                      indicators=split(indicators), want_indicators=True)
        frame, cluster = at_level(frame, inst, level, cluster, strata, names, org_rule,
                                   weights, keep=(by,))
        value = focus_value(frame, by, focus)
        focus_label, rest_label = group_labels(by, value, by == "mature" and value is True)
        table = compare_frames(frame, by, value, names, weights=weights, cluster=cluster,
                               strata=strata)
    # a question a stage rule asks is "by definition" when the groups are stages
    found = find(table, infos, lang, focus_label=focus_label, rest_label=rest_label,
                 alpha=alpha, exclude=rule_defined(inst, list(infos), by))
    if fmt == "json":
        text = json.dumps([f.as_dict() for f in found], ensure_ascii=False, indent=2,
                          default=str) + "\n"
    else:
        text = "".join(f"{f.rank}. {f.sentence}\n" for f in found) or tr(
            lang, "no comparison stays significant after adjustment (alpha {alpha})",
            alpha=f"{alpha:g}") + "\n"
    if output:
        write_bytes_atomically(output, text.encode("utf-8"))
        click.echo(ntr(lang, "wrote {n} finding to {output}", "wrote {n} findings to {output}",
                       len(found), output=output))
    else:
        click.echo(text, nl=False)


def write_report_and_say(result, output_dir: str, lang: str, show_all: bool) -> None:
    from ..research.report import write_report
    from ..services.research_summary import terminal_lines

    paths = write_report(result, output_dir, lang)
    for line in terminal_lines(result, lang, show_all):
        click.echo(line)
    click.echo("")
    for p in paths:
        click.echo(tr(lang, "wrote {path}", path=p))


@click.command()
@data_argument
@pipeline_options
@by_focus_options
@weights_option
@design_option
@click.option("--all", "show_all", is_flag=True, help="Print every finding.")
@lang_option
@instrument_option
@handle_errors
@names_the_data
def report(data, output_dir, margins_path, trim, rules_path, no_clean, alpha, by_group, by,
           focus, weights, design, show_all, lang, instrument) -> None:
    """Run the analysis on a tidy table (imported, or a batch CSV) and write the report:
    HTML, PDF and XLSX with findings, charts, reliability and the method appendix.

    Example: socialmaturity research report tidy.csv --margins m.yaml --output-dir report/
    """
    from ..services.research import run
    from ..services.research_files import read_data

    if weights and margins_path:
        raise SocialMaturityError(Problem("--weights", "give --weights COLUMN or --margins "
                                                       "YAML, not both"))
    options = pipeline_settings(margins_path, trim, rules_path, no_clean, by_group,
                                weights=weights, by=by, focus=focus, lang=lang, alpha=alpha,
                                source_label=str(data), design=design)
    result = run(frame=read_data(data), inst=load_instrument(instrument), options=options)
    write_report_and_say(result, output_dir, lang, show_all)


@click.command()
@click.argument("export", required=False, type=click.Path(dir_okay=False), metavar="EXPORT")
@click.option("--demo", is_flag=True, help="Run on the bundled synthetic demo panel and check "
                                           "the study's findings.")
@click.option("--seed", type=int, default=DEMO_SEED, show_default=True,
              help="With --demo: seed.")
@click.option("--respondents", type=click.IntRange(min=10), default=DEMO_RESPONDENTS,
              show_default=True,
              help="With --demo: number of respondents.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False), metavar="YAML",
              help="With EXPORT: the mapping file.")
@layout_option
@pipeline_options
@design_option
@click.option("--all", "show_all", is_flag=True, help="Print every finding.")
@lang_option
@instrument_option
@handle_errors
@names_the_data
def run(export, demo, seed, respondents, mapping_path, layout, output_dir, margins_path, trim,
        rules_path, no_clean, alpha, by_group, design, show_all, lang, instrument) -> None:
    """Run the whole pipeline (import, clean, weight, classify, compare, reliability,
    findings) on an export or on the demo panel, and write the report.

    \b
    Example: socialmaturity research run --demo --output-dir report/
    Example: socialmaturity research run survey.csv --mapping mapping.yaml --output-dir report/
    """
    from dataclasses import replace

    from ..services.research import run as run_pipeline
    from ..services.research import run_demo

    if demo == bool(export):
        raise SocialMaturityError(Problem("EXPORT", "give an EXPORT file (with --mapping) or "
                                                    "--demo, not both and not neither"))
    if demo and (mapping_path or layout):
        raise SocialMaturityError(Problem("--mapping", "--mapping and --layout go with an "
                                                       "EXPORT, not with --demo"))
    options = pipeline_settings(margins_path, trim, rules_path, no_clean, by_group, alpha=alpha,
                                design=design, lang=lang)
    inst = load_instrument(instrument)
    if demo:
        result = run_demo(seed, respondents, inst=inst, options=options)
    else:
        with row_bar(export) as bar:
            task = bar.add_task("Importing", total=None)
            result = run_pipeline(export, inst, options=replace(
                options, mapping=mapping_path, layout=layout,
                progress=lambda k: bar.advance(task, k)))
    write_report_and_say(result, output_dir, lang, show_all)
