"""``socialmaturity research …``: the research workbench on the command line.

Each command is a few lines over :mod:`socialmaturity.services.research` and the research
layer; heavy modules are imported inside the commands. Bad input exits with status 2 and one
``error:`` line per problem; a command writes its output files only when everything worked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli import (
    console,
    format_option,
    handle_errors,
    instrument_option,
    lang_option,
    setting_option,
)
from .errors import Problem, SocialMaturityError

LAYOUTS = ["qualtrics", "surveymonkey", "google-forms", "plain"]
#: Files above this size get a progress bar on import.
BIG_FILE = 5_000_000


def _data_argument(f):
    return click.argument("data", type=click.Path(dir_okay=False), metavar="DATA")(f)


def _output_option(required: bool, help: str, metavar: str = "FILE"):
    return click.option("--output", "-o", required=required, metavar=metavar,
                        type=click.Path(dir_okay=False), help=help)


def _weights_option(f):
    return click.option("--weights", metavar="COLUMN",
                        help="Column of sampling weights (each > 0); default: unweighted.")(f)


def _by_focus_options(f):
    f = click.option("--focus", default="true", show_default=True, metavar="VALUE",
                     help="Value of --by that forms the focus group; every other value is "
                          "the rest.")(f)
    return click.option("--by", default="mature", show_default=True, metavar="COLUMN",
                        help="Column that defines the groups. mature, stage, stage_level and "
                             "the score columns are computed from the answers when missing."
                        )(f)


def _indicators_option(f):
    return click.option("--indicators", metavar="COL,…",
                        help="0/1 indicator columns (or instrument indicators such as "
                             "reach-departments=sales, outcome-cpa:top2); default: every "
                             "indicator of the instrument.")(f)


def _design_options(f):
    f = click.option("--org-rule", type=click.Choice(["majority", "any"]), default="majority",
                     show_default=True, help="With --level organization: an indicator is 1 "
                     "when at least half (majority) or at least one (any) of the "
                     "organization's respondents say yes.")(f)
    f = click.option("--level", type=click.Choice(["respondent", "organization"]),
                     default="respondent", show_default=True,
                     help="organization: roll respondents up to one row per organization "
                          "(--cluster, default organization_id) and compare organizations.")(f)
    f = click.option("--strata", metavar="COLUMN",
                     help="Strata that hold the clusters (nested, as R survey's nest = TRUE), "
                          "e.g. sector.")(f)
    return click.option("--cluster", metavar="COLUMN",
                        help="Primary sampling units (R survey's ids =), e.g. organization_id: "
                             "respondents of one organization are not independent.")(f)


def _at_level(frame, inst, level: str, cluster: str | None, strata: str | None,
              names: list[str], rule: str, weights: str | None, numeric=(), keep=()):
    """The table at the level asked for, and the cluster the design then has (none for
    organizations: each is its own unit)."""
    if level == "respondent":
        return frame, cluster
    from .research.organizations import to_organizations

    orgs = to_organizations(frame, inst, names, by=cluster or "organization_id", rule=rule,
                            weights=weights, numeric=numeric,
                            keep=[c for c in (*keep, strata) if c])
    return orgs, None


def _layout_option(f):
    return click.option("--layout", type=click.Choice(LAYOUTS),
                        help="The export's layout; default: told from the header rows.")(f)


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    return items or None


def _bar(path: str):
    """A rich progress bar (on stderr) for big input files; quiet for small ones."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    big = Path(path).is_file() and Path(path).stat().st_size > BIG_FILE
    return Progress(TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                    console=console(err=True), transient=True, disable=not big)


def _emit(frame, fmt: str, output: str | None, title: str, sheet: str = "table") -> None:
    """Print a table (rich, CSV or JSON) or write it to --output (atomically)."""
    from .services.research_files import table_bytes, write_table

    if output:
        write_table(frame, output, None if fmt == "table" else fmt, sheet=sheet)
        click.echo(f"wrote {len(frame):,} rows to {output}")
        return
    if fmt == "xlsx":
        raise SocialMaturityError(Problem("--format xlsx", "needs --output FILE.xlsx"))
    if fmt == "table":
        console().print(_rich_table(frame, title))
    else:
        sys.stdout.write(table_bytes(frame, fmt).decode("utf-8"))


def _rich_table(frame, title: str):
    import math

    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for c in frame.columns:
        numeric = frame[c].dtype.kind in "fiu"
        table.add_column(str(c), justify="right" if numeric else "left", overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append("" if math.isnan(v) else "∞" if math.isinf(v)
                             else f"{v:.3g}" if abs(v) < 0.001 and v != 0 else f"{v:,.3f}")
            else:
                cells.append("" if v is None else str(v))
        table.add_row(*cells)
    return table


def _instrument(instrument: str):
    from .instrument.loader import resolve_instrument

    return resolve_instrument(instrument)


@click.group()
@setting_option("xlsx-max-unpacked-mb")
@setting_option("xlsx-max-cells")
def research(xlsx_max_unpacked_mb: int, xlsx_max_cells: int) -> None:
    """The research workbench: import survey exports, clean, weight, classify, compare,
    describe, test reliability, write findings and the report.

    Example: socialmaturity research run --demo --output-dir report/
    """
    import os

    # The limits are read where an XLSX file is read (settings.get), for this command only.
    given = {"SOCIALMATURITY_XLSX_MAX_UNPACKED_MB": str(xlsx_max_unpacked_mb),
             "SOCIALMATURITY_XLSX_MAX_CELLS": str(xlsx_max_cells)}
    before = {name: os.environ.get(name) for name in given}
    os.environ.update(given)

    def restore() -> None:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    click.get_current_context().call_on_close(restore)


# -- import and mapping -------------------------------------------------------------------------


@research.command("import")
@click.argument("export", type=click.Path(dir_okay=False), metavar="EXPORT")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False), metavar="YAML",
              help="Mapping of columns and answer labels to questions and options.")
@_layout_option
@_output_option(True, "Where to write the tidy table (CSV, or .xlsx).", "TIDY.csv")
@click.option("--recodes", type=click.Path(dir_okay=False), metavar="CSV",
              help="Also write every recode of the import (column, from, to, count, reason).")
@instrument_option
@handle_errors
def import_(export, mapping_path, layout, output, recodes, instrument) -> None:
    """Import a Qualtrics, SurveyMonkey or Google Forms export (CSV, XLSX or SPSS .sav) into
    the tidy table (the batch-CSV layout) that every other research command reads.

    Example: socialmaturity research import survey.csv --mapping mapping.yaml --output tidy.csv
    """
    from .files import write_bytes_atomically
    from .research.importing import read_export
    from .research.mapping import load_mapping
    from .services.research_files import table_bytes

    mapping = load_mapping(mapping_path) if mapping_path else None
    inst = _instrument(instrument)
    with _bar(export) as bar:
        task = bar.add_task("Importing", total=None)
        result = read_export(export, layout=layout, mapping=mapping, inst=inst,
                             progress=lambda k: bar.advance(task, k))
    fmt = "xlsx" if output.lower().endswith(".xlsx") else "csv"
    data = table_bytes(result.frame, fmt, "tidy")
    extra = table_bytes(result.recodes_frame(), "csv") if recodes else None
    write_bytes_atomically(output, data)
    if extra is not None:
        write_bytes_atomically(recodes, extra)
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    recoded = sum(r.count for r in result.recodes)
    click.echo(f"imported {len(result.frame):,} responses ({result.layout} layout, "
               f"{result.file_format}) to {output}; {recoded:,} values recoded"
               + (f" (listed in {recodes})" if recodes else "")
               + f", {len(result.dropped_columns)} columns left out")


@research.group()
def mapping() -> None:
    """Mappings of export columns and answer labels to instrument questions and options."""


@mapping.command("suggest")
@click.argument("export", type=click.Path(dir_okay=False), metavar="EXPORT")
@_layout_option
@_output_option(True, "Where to write the suggested mapping (YAML).", "MAPPING.yaml")
@instrument_option
@handle_errors
def mapping_suggest(export, layout, output, instrument) -> None:
    """Propose a mapping by matching the export's question texts and answer labels with the
    instrument's; review it, then import with it.

    Example: socialmaturity research mapping suggest survey.csv --output mapping.yaml
    """
    from .files import write_bytes_atomically
    from .research.mapping import dump_mapping
    from .research.suggesting import suggest_mapping

    inst = _instrument(instrument)
    found, report = suggest_mapping(export, inst, layout)
    write_bytes_atomically(output, dump_mapping(found).encode("utf-8"))
    asked = [c for c in report.columns if c.method != "system column"]
    matched = sum(c.target is not None for c in asked)
    click.echo(f"wrote {output}: {matched} of {len(asked)} question columns matched "
               f"({report.matched_share:.0%}), layout {report.layout}")
    for column in report.unmatched:
        click.echo(f"not matched: {column!r} (map it by hand or add it to ignore)", err=True)
    for label in report.labels:
        if label.option is None:
            click.echo(f"no option for answer {label.label!r} of {label.question} "
                       f"({label.rows} rows): add it under values", err=True)


# -- clean, weight, classify --------------------------------------------------------------------


@research.command()
@_data_argument
@_output_option(True, "Where to write the responses kept (CSV or .xlsx).", "CLEAN.csv")
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
@click.option("--skip", multiple=True, metavar="RULE",
              type=click.Choice(["incomplete", "duplicate-id", "duplicate-answers", "speeders",
                                 "straight-liners"]),
              help="Switch a rule off (repeatable).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), metavar="CSV",
              help="Also write the dropped respondents with the rule that dropped them.")
@lang_option
@instrument_option
@handle_errors
def clean(data, output, rules_path, min_completion, speeder_fraction, straightline_min,
          require_finished, skip, report_path, lang, instrument) -> None:
    """Drop incomplete, unfinished, duplicate, speeding and straight-lining responses, and say
    how many each rule dropped.

    Example: socialmaturity research clean tidy.csv --min-completion 0.8 --output clean.csv
    """
    from .files import write_bytes_atomically
    from .research.cleaning import clean as clean_frame
    from .services.research_files import load_rules, read_data, table_bytes

    off = {"incomplete": "incomplete", "duplicate-id": "duplicate_ids",
           "duplicate-answers": "duplicate_answers", "speeders": "speeders",
           "straight-liners": "straightliners"}
    rules = load_rules(rules_path, min_completion=min_completion,
                       speeder_fraction=speeder_fraction,
                       straightline_min_items=straightline_min,
                       require_finished=require_finished, **{off[r]: False for r in skip})
    kept, report = clean_frame(read_data(data), _instrument(instrument), rules)
    fmt = "xlsx" if output.lower().endswith(".xlsx") else "csv"
    main = table_bytes(kept, fmt, "clean")
    dropped = table_bytes(report.dropped_frame(), "csv") if report_path else None
    write_bytes_atomically(output, main)
    if dropped is not None:
        write_bytes_atomically(report_path, dropped)
    click.echo(report.summary(lang))
    click.echo(f"wrote {len(kept):,} responses to {output}")


@research.command()
@_data_argument
@click.option("--margins", "margins_path", required=True, type=click.Path(dir_okay=False),
              metavar="YAML", help="Target margins (raking) or cells (post-stratification); "
                                   "see the README.")
@click.option("--trim", metavar="LO,HI",
              help="Keep weights within LO–HI × the mean weight (raking), e.g. 0.3,3.")
@_output_option(True, "Where to write the data with a weight column (CSV or .xlsx).",
                "WEIGHTED.csv")
@handle_errors
def weight(data, margins_path, trim, output) -> None:
    """Add a weight column by raking to target margins (or post-stratification to target
    cells), with trimming; report the design effect and the effective n.

    Example: socialmaturity research weight clean.csv --margins m.yaml --trim 0.3,3 -o w.csv
    """
    from .services.research import weigh
    from .services.research_files import load_margins, parse_trim, read_data, write_table

    spec = load_margins(margins_path, parse_trim(trim))
    frame, column, summary = weigh(read_data(data), spec, None)
    write_table(frame, output, sheet="weighted")
    state = "" if summary is None or summary.converged in (None, True) else \
        f"; not converged after {summary.iterations} iterations (largest error " \
        f"{summary.max_error:.2g}): the trim bounds or the targets cannot all be met"
    click.echo(f"wrote {len(frame):,} rows with column {column!r} to {output}: "
               f"{summary.method}, design effect {summary.design_effect:.2f}, effective n "
               f"{summary.effective_n:,.0f} of {summary.n:,}, weights "
               f"{summary.min_weight:.2f}–{summary.max_weight:.2f}{state}")


@research.command()
@_data_argument
@_output_option(True, "Where to write the respondents with scores and stages.", "SCORED.csv")
@click.option("--roll-up", "roll_up_by", metavar="COLUMN",
              help="Also roll respondents up to organizations by this column (e.g. "
                   "organization_id) into --organizations.")
@click.option("--organizations", type=click.Path(dir_okay=False), metavar="CSV",
              help="With --roll-up: where to write one row per organization.")
@instrument_option
@handle_errors
def classify(data, output, roll_up_by, organizations, instrument) -> None:
    """Score and classify every respondent with the scoring engine (stage, mature = stage 3
    or higher), and roll respondents up to their organization.

    \b
    Example: socialmaturity research classify clean.csv --output scored.csv
    Example: socialmaturity research classify clean.csv -o scored.csv --roll-up organization_id
             --organizations orgs.csv
    """
    from .files import write_bytes_atomically
    from .research.classify import classify as classify_frame
    from .research.classify import roll_up
    from .services.research_files import table_bytes

    if bool(roll_up_by) != bool(organizations):
        raise SocialMaturityError(Problem("--roll-up", "give --roll-up COLUMN and "
                                                       "--organizations FILE together"))
    from .services.research_files import read_data

    inst = _instrument(instrument)
    frame = read_data(data)
    scored = classify_frame(frame, inst)
    orgs = roll_up(frame, inst, roll_up_by) if roll_up_by else None
    fmt = "xlsx" if output.lower().endswith(".xlsx") else "csv"
    first = table_bytes(scored, fmt, "classified")
    second = table_bytes(orgs, "xlsx" if organizations.lower().endswith(".xlsx") else "csv",
                         "organizations") if orgs is not None else None
    write_bytes_atomically(output, first)
    if second is not None:
        write_bytes_atomically(organizations, second)
    counts = scored["stage"].value_counts()
    stages = ", ".join(f"{s.key} {counts.get(s.key, 0):,}" for s in inst.stages)
    click.echo(f"wrote {len(scored):,} respondents to {output}: {stages}; mature "
               f"{scored['mature'].mean():.1%}")
    if orgs is not None:
        click.echo(f"wrote {len(orgs):,} organizations to {organizations}: mature "
                   f"{orgs['mature'].mean():.1%}")


# -- compare, shares, quantiles, reliability ----------------------------------------------------


@research.command()
@_data_argument
@_by_focus_options
@_indicators_option
@_weights_option
@_design_options
@click.option("--by-group", metavar="COLUMN",
              help="Make the comparison within each value of this column too (e.g. sector).")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True, help="1 − the confidence level of the CIs.")
@format_option("table", "json", "csv", "xlsx")
@_output_option(False, "Write the table to this file (CSV, JSON or XLSX by --format).")
@instrument_option
@handle_errors
def compare(data, by, focus, indicators, weights, cluster, strata, level, org_rule, by_group,
            alpha, fmt, output, instrument) -> None:
    """Compare the rows where --by equals --focus with all the others on 0/1 indicators:
    shares, ratio ("× as likely") with its 95% CI, p-value and Benjamini–Hochberg adjusted
    p-value.

    \b
    Example: socialmaturity research compare scored.csv --by mature --focus true --by-group sector
    Example: socialmaturity research compare scored.csv --weights w --cluster organization_id
             --strata sector --format json
    """
    from .research.compare import compare as compare_frames
    from .services.research import focus_value, prepare
    from .services.research_files import read_data

    inst = _instrument(instrument)
    frame, names, infos = prepare(read_data(data), inst, columns=(by, by_group or ""),
                                  indicators=_split(indicators), want_indicators=True)
    frame, cluster = _at_level(frame, inst, level, cluster, strata, names, org_rule, weights,
                               keep=(by, by_group or ""))
    table = compare_frames(frame, by, focus_value(frame, by, focus), names, weights=weights,
                           by_group=by_group, alpha=alpha, cluster=cluster, strata=strata)
    if fmt == "table" and not output:
        labels = {i.name: i.label("en") for i in infos}
        console().print(_rich_table(_compare_view(table, labels, by_group),
                                    f"{by} = {focus} (focus) against the rest"))
        return
    _emit(table, fmt, output, f"{by} = {focus} against the rest", "compare")


def _compare_view(table, labels: dict[str, str], by_group: str | None):
    """The compare table for the terminal: percentages, the ratio with its CI, p adjusted."""
    import math

    import pandas as pd

    def pct(x: float) -> str:
        return "" if math.isnan(x) else f"{100 * x:.0f}%"

    def num(x: float) -> str:
        return "" if math.isnan(x) else "∞" if math.isinf(x) else f"{x:.2f}"

    rows = []
    for r in table.to_dict("records"):
        row = {by_group: r[by_group]} if by_group else {}
        p = r["p_adjusted"]
        rows.append(row | {
            "indicator": labels.get(r["indicator"], r["indicator"]),
            "focus": f"{pct(r['share_focus'])} of {r['n_focus']:,}",
            "rest": f"{pct(r['share_rest'])} of {r['n_rest']:,}",
            "ratio": num(r["ratio"]), "95% CI": f"{num(r['ci_low'])}–{num(r['ci_high'])}",
            "p adj.": "" if math.isnan(p) else "<0.001" if p < 0.001 else f"{p:.3f}",
            "test": r["test"]})
    return pd.DataFrame(rows)


@research.command()
@_data_argument
@_indicators_option
@click.option("--by", metavar="COLUMN", help="Give the shares per value of this column.")
@_weights_option
@_design_options
@format_option("table", "json", "csv", "xlsx")
@_output_option(False, "Write the table to this file.")
@instrument_option
@handle_errors
def shares(data, indicators, by, weights, cluster, strata, level, org_rule, fmt, output,
           instrument) -> None:
    """Weighted shares of 0/1 indicators with their standard error and 95% logit CI (as R's
    survey package), overall or per group.

    Example: socialmaturity research shares scored.csv --by sector --weights weight
    """
    from .research.describe import shares as shares_of
    from .services.research import prepare
    from .services.research_files import read_data

    inst = _instrument(instrument)
    frame, names, _ = prepare(read_data(data), inst, columns=(by or "",),
                              indicators=_split(indicators), want_indicators=True)
    frame, cluster = _at_level(frame, inst, level, cluster, strata, names, org_rule, weights,
                               keep=(by or "",))
    _emit(shares_of(frame, names, weights=weights, by=by, cluster=cluster, strata=strata),
          fmt, output, "Shares", "shares")


@research.command()
@_data_argument
@click.option("--value", required=True, metavar="COLUMN",
              help="Numeric column (e.g. overall_score, strategy_score).")
@click.option("--by", metavar="COLUMN", help="Give the quantiles per value of this column.")
@_weights_option
@_design_options
@click.option("--probs", default="0.25,0.5,0.75", show_default=True, metavar="P,…",
              help="Probabilities between 0 and 1.")
@click.option("--rule", type=click.Choice(["inverse", "interpolated"]), default="inverse",
              show_default=True, help="inverse: the inverse of the weighted CDF (R svyquantile's "
                                      "default); interpolated: R's hf7.")
@format_option("table", "json", "csv", "xlsx")
@_output_option(False, "Write the table to this file.")
@instrument_option
@handle_errors
def quantiles(data, value, by, weights, cluster, strata, level, org_rule, probs, rule, fmt,
              output, instrument) -> None:
    """Weighted quantiles of a numeric column, overall or per group.

    Example: socialmaturity research quantiles scored.csv --value overall_score --by sector
    """
    from .research.describe import quantiles as quantiles_of
    from .services.research import prepare
    from .services.research_files import read_data

    try:
        p = [float(x) for x in _split(probs) or []]
    except ValueError:
        raise SocialMaturityError(Problem("--probs", f"{probs!r} is not a list of numbers; "
                                                     "valid: e.g. 0.1,0.5,0.9")) from None
    inst = _instrument(instrument)
    frame, _, _ = prepare(read_data(data), inst, columns=(value, by or ""))
    frame, cluster = _at_level(frame, inst, level, cluster, strata, [], org_rule, weights,
                               numeric=(value,), keep=(by or "",))
    _emit(quantiles_of(frame, value, by=by, weights=weights, probs=p, rule=rule,
                       cluster=cluster, strata=strata), fmt, output, f"Quantiles of {value}",
          "quantiles")


@research.command()
@_data_argument
@click.option("--scale", "scales", multiple=True, metavar="NAME=COL,COL,…",
              help="A scale and its item columns (repeatable); default: every dimension of "
                   "the instrument, on its item scores.")
@click.option("--reverse", metavar="COL,…", help="Items scored in the opposite direction.")
@click.option("--min", "low", type=float, metavar="N", help="Lowest possible answer (for "
                                                            "reversing).")
@click.option("--max", "high", type=float, metavar="N", help="Highest possible answer.")
@format_option("table", "json", "csv", "xlsx")
@_output_option(False, "Write the table to this file.")
@instrument_option
@handle_errors
def reliability(data, scales, reverse, low, high, fmt, output, instrument) -> None:
    """Cronbach's alpha per scale (pairwise-complete, as psych::alpha), standardized alpha,
    Feldt 95% CI and McDonald's omega; per dimension on instrument data.

    \b
    Example: socialmaturity research reliability tidy.csv
    Example: socialmaturity research reliability data.csv --scale trust=q1,q2,q3 --reverse q2
    """
    from .research.reliability import (
        cronbach_alpha,
        reliability_by_dimension,
        reliability_table,
    )
    from .services.research_files import read_data

    frame = read_data(data)
    if not scales:
        table = reliability_by_dimension(frame, _instrument(instrument))
    else:
        results = {}
        reversed_items = _split(reverse) or []
        problems = []
        for spec in scales:
            name, _, items = spec.partition("=")
            columns = _split(items)
            if not name.strip() or not columns:
                problems.append(Problem("--scale", f"{spec!r}; valid: NAME=COL,COL,…"))
                continue
            results[name.strip()] = (columns, [c for c in reversed_items if c in columns])
        unused = [c for c in reversed_items if not any(c in cols for cols, _ in
                                                       results.values())]
        problems += [Problem("--reverse", f"{c!r} is in no --scale") for c in unused]
        if problems:
            raise SocialMaturityError(problems)
        table = reliability_table({name: cronbach_alpha(frame, cols, reverse=rev, min=low,
                                                        max=high)
                                   for name, (cols, rev) in results.items()})
    _emit(table, fmt, output, "Reliability", "reliability")


# -- findings, report, run ----------------------------------------------------------------------


@research.command()
@_data_argument
@_by_focus_options
@_indicators_option
@_weights_option
@_design_options
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True, help="False discovery rate.")
@format_option("text", "json")
@_output_option(False, "Write the findings to this file.")
@lang_option
@instrument_option
@handle_errors
def findings(data, by, focus, indicators, weights, cluster, strata, level, org_rule, alpha,
             fmt, output, lang, instrument) -> None:
    """The comparisons that stay significant after Benjamini–Hochberg adjustment, ranked, as
    sentences. DATA is respondent data, or a table written by `research compare`.

    Example: socialmaturity research findings scored.csv --lang nl
    """
    from .files import write_bytes_atomically
    from .research.compare import compare as compare_frames
    from .research.findings import NEEDED
    from .research.findings import findings as find
    from .research.indicators import describe_indicators
    from .research.study import rule_defined
    from .services.research import focus_value, group_labels, prepare
    from .services.research_files import read_data

    inst = _instrument(instrument)
    frame = read_data(data)
    if all(c in frame.columns for c in NEEDED):
        table, infos = frame, describe_indicators(inst)
        mature = by == "mature" and focus.strip().lower() in ("true", "1", "yes")
        focus_label, rest_label = group_labels(by, focus, mature)
    else:
        frame, names, infos = prepare(frame, inst, columns=(by,),
                                      indicators=_split(indicators), want_indicators=True)
        frame, cluster = _at_level(frame, inst, level, cluster, strata, names, org_rule,
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
        text = "".join(f"{f.rank}. {f.sentence}\n" for f in found) or \
            f"no comparison stays significant after adjustment (alpha {alpha:g})\n"
    if output:
        write_bytes_atomically(output, text.encode("utf-8"))
        click.echo(f"wrote {len(found)} findings to {output}")
    else:
        click.echo(text, nl=False)


def _design_option(f):
    return click.option("--design", type=click.Choice(["auto", "simple", "clustered",
                                                       "stratified", "organization"]),
                        default="auto", show_default=True,
                        help="auto: clustered when organization_id has several respondents "
                             "per organization; simple: respondents independent; clustered: "
                             "organizations as sampling units; stratified: organizations "
                             "within sectors; organization: one row per organization.")(f)


def _pipeline_options(f):
    f = click.option("--by-group", default="sector", show_default=True, metavar="COLUMN",
                     help="Also compare within each value of this column.")(f)
    f = click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
                     default=0.05, show_default=True, help="False discovery rate.")(f)
    f = click.option("--no-clean", is_flag=True, help="Skip the cleaning rules.")(f)
    f = click.option("--rules", "rules_path", type=click.Path(dir_okay=False), metavar="YAML",
                     help="Cleaning rules (see `research clean`).")(f)
    f = click.option("--trim", metavar="LO,HI", help="With --margins: trim bounds.")(f)
    f = click.option("--margins", "margins_path", type=click.Path(dir_okay=False),
                     metavar="YAML", help="Weight to these targets (see `research weight`).")(f)
    f = click.option("--output-dir", required=True, type=click.Path(file_okay=False),
                     metavar="DIR", help="Folder for research-report.html, .pdf and .xlsx.")(f)
    return f


def _pipeline_settings(margins_path, trim, rules_path, no_clean):
    from .services.research_files import load_margins, load_rules, parse_trim

    trim_value = parse_trim(trim)
    if trim_value and not margins_path:
        raise SocialMaturityError(Problem("--trim", "trims weights made with --margins; give "
                                                    "--margins too"))
    margins = load_margins(margins_path, trim_value) if margins_path else None
    if no_clean and rules_path:
        raise SocialMaturityError(Problem("--rules", "give --rules or --no-clean, not both"))
    rules = load_rules(rules_path) if rules_path else None
    return margins, rules


def _report(result, output_dir: str, lang: str, show_all: bool) -> None:
    from .research.report import write_report
    from .services.research_summary import terminal_lines

    paths = write_report(result, output_dir, lang)
    for line in terminal_lines(result, lang, show_all):
        click.echo(line)
    click.echo("")
    for p in paths:
        click.echo(f"wrote {p}")


@research.command()
@_data_argument
@_pipeline_options
@_by_focus_options
@_weights_option
@_design_option
@click.option("--all", "show_all", is_flag=True, help="Print every finding.")
@lang_option
@instrument_option
@handle_errors
def report(data, output_dir, margins_path, trim, rules_path, no_clean, alpha, by_group, by,
           focus, weights, design, show_all, lang, instrument) -> None:
    """Run the analysis on a tidy table (imported, or a batch CSV) and write the report:
    HTML, PDF and XLSX with findings, charts, reliability and the method appendix.

    Example: socialmaturity research report tidy.csv --margins m.yaml --output-dir report/
    """
    from .services.research import run
    from .services.research_files import read_data

    if weights and margins_path:
        raise SocialMaturityError(Problem("--weights", "give --weights COLUMN or --margins "
                                                       "YAML, not both"))
    margins, rules = _pipeline_settings(margins_path, trim, rules_path, no_clean)
    result = run(frame=read_data(data), inst=_instrument(instrument), rules=rules,
                 clean_data=not no_clean, margins=margins, weights=weights, by=by, focus=focus,
                 by_group=by_group or None, lang=lang, alpha=alpha, source_label=str(data),
                 design=design)
    _report(result, output_dir, lang, show_all)


@research.command()
@click.argument("export", required=False, type=click.Path(dir_okay=False), metavar="EXPORT")
@click.option("--demo", is_flag=True, help="Run on the bundled synthetic demo panel and check "
                                           "the study's findings.")
@click.option("--seed", type=int, default=2021, show_default=True, help="With --demo: seed.")
@click.option("--respondents", type=click.IntRange(min=10), default=2162, show_default=True,
              help="With --demo: number of respondents.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False), metavar="YAML",
              help="With EXPORT: the mapping file.")
@_layout_option
@_pipeline_options
@_design_option
@click.option("--all", "show_all", is_flag=True, help="Print every finding.")
@lang_option
@instrument_option
@handle_errors
def run(export, demo, seed, respondents, mapping_path, layout, output_dir, margins_path, trim,
        rules_path, no_clean, alpha, by_group, design, show_all, lang, instrument) -> None:
    """Run the whole pipeline (import, clean, weight, classify, compare, reliability,
    findings) on an export or on the demo panel, and write the report.

    \b
    Example: socialmaturity research run --demo --output-dir report/
    Example: socialmaturity research run survey.csv --mapping mapping.yaml --output-dir report/
    """
    from .services.research import run as run_pipeline
    from .services.research import run_demo

    if demo == bool(export):
        raise SocialMaturityError(Problem("EXPORT", "give an EXPORT file (with --mapping) or "
                                                    "--demo, not both and not neither"))
    if demo and (mapping_path or layout):
        raise SocialMaturityError(Problem("--mapping", "--mapping and --layout go with an "
                                                       "EXPORT, not with --demo"))
    margins, rules = _pipeline_settings(margins_path, trim, rules_path, no_clean)
    options = {"rules": rules, "clean_data": not no_clean, "margins": margins,
               "by_group": by_group or None, "alpha": alpha, "design": design}
    inst = _instrument(instrument)
    if demo:
        result = run_demo(seed, respondents, lang=lang, inst=inst, **options)
    else:
        with _bar(export) as bar:
            task = bar.add_task("Importing", total=None)
            result = run_pipeline(export, inst, mapping=mapping_path,
                                  layout=layout, lang=lang,
                                  progress=lambda k: bar.advance(task, k), **options)
    _report(result, output_dir, lang, show_all)
