"""``socialmaturity research compare|shares|quantiles|reliability``: the analyses."""

from __future__ import annotations

import click

from ..errors import Problem, SocialMaturityError
from ..i18n.catalog import tr
from .options import format_option, handle_errors, instrument_option, lang_option
from .render import compare_view, console, emit, rich_table
from .research_options import (
    analysis_frame,
    by_focus_options,
    data_argument,
    design_options,
    indicators_option,
    load_instrument,
    names_the_data,
    output_option,
    split,
    weights_option,
)


def table_output(help: str):
    """--format (table, json, csv, xlsx), --output, --lang, --instrument, and errors as
    messages."""
    def wrap(f):
        for option in (names_the_data, handle_errors, instrument_option, lang_option,
                       output_option(False, help), format_option("table", "json", "csv", "xlsx")):
            f = option(f)
        return f
    return wrap


# -- compare, shares, quantiles, reliability ----------------------------------------------------


@click.command()
@data_argument
@by_focus_options
@indicators_option
@weights_option
@design_options
@click.option("--by-group", metavar="COLUMN",
              help="Make the comparison within each value of this column too (e.g. sector).")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True, help="1 − the confidence level of the CIs.")
@table_output("Write the table to this file (CSV, JSON or XLSX by --format).")
def compare(data, by, focus, indicators, weights, cluster, strata, level, org_rule, by_group,
            alpha, fmt, output, lang, instrument) -> None:
    """Compare the rows where --by equals --focus with all the others on 0/1 indicators:
    shares, ratio ("× as likely") with its 95% CI, p-value and Benjamini–Hochberg adjusted
    p-value.

    \b
    Example: socialmaturity research compare scored.csv --by mature --focus true --by-group sector
    Example: socialmaturity research compare scored.csv --weights w --cluster organization_id
             --strata sector --format json
    """
    from ..research.compare import compare as compare_frames
    from ..services.research import focus_value

    frame, names, infos, cluster = analysis_frame(data, instrument, level, org_rule, weights,
                                                  cluster, strata, (by, by_group),
                                                  split(indicators))
    table = compare_frames(frame, by, focus_value(frame, by, focus), names, weights=weights,
                           by_group=by_group, alpha=alpha, cluster=cluster, strata=strata)
    if fmt == "table" and not output:
        labels = {i.name: i.label(lang) for i in infos}
        console().print(rich_table(compare_view(table, labels, by_group, lang),
                                    tr(lang, "{by} = {focus} (focus) against the rest", by=by,
                                       focus=focus), lang))
        return
    emit(table, fmt, output, "", "compare", lang)


@click.command()
@data_argument
@indicators_option
@click.option("--by", metavar="COLUMN", help="Give the shares per value of this column.")
@weights_option
@design_options
@table_output("Write the table to this file.")
def shares(data, indicators, by, weights, cluster, strata, level, org_rule, fmt, output, lang,
           instrument) -> None:
    """Weighted shares of 0/1 indicators with their standard error and 95% logit CI (as R's
    survey package), overall or per group.

    Example: socialmaturity research shares scored.csv --by sector --weights weight
    """
    from ..research.describe import shares as shares_of

    frame, names, _, cluster = analysis_frame(data, instrument, level, org_rule, weights,
                                              cluster, strata, (by,), split(indicators))
    emit(shares_of(frame, names, weights=weights, by=by, cluster=cluster, strata=strata),
         fmt, output, tr(lang, "Shares"), "shares", lang)


@click.command()
@data_argument
@click.option("--value", required=True, metavar="COLUMN",
              help="Numeric column (e.g. overall_score, strategy_score).")
@click.option("--by", metavar="COLUMN", help="Give the quantiles per value of this column.")
@weights_option
@design_options
@click.option("--probs", default="0.25,0.5,0.75", show_default=True, metavar="P,…",
              help="Probabilities between 0 and 1.")
@click.option("--rule", type=click.Choice(["inverse", "interpolated"]), default="inverse",
              show_default=True, help="inverse: the inverse of the weighted CDF (R svyquantile's "
                                      "default); interpolated: R's hf7.")
@table_output("Write the table to this file.")
def quantiles(data, value, by, weights, cluster, strata, level, org_rule, probs, rule, fmt,
              output, lang, instrument) -> None:
    """Weighted quantiles of a numeric column, overall or per group.

    Example: socialmaturity research quantiles scored.csv --value overall_score --by sector
    """
    from ..research.describe import quantiles as quantiles_of

    try:
        p = [float(x) for x in split(probs) or []]
    except ValueError:
        raise SocialMaturityError(Problem("--probs", "{value!r} is not a list of numbers; "
                                                     "valid: e.g. 0.1,0.5,0.9",
                                          value=probs)) from None
    frame, _, _, cluster = analysis_frame(data, instrument, level, org_rule, weights, cluster,
                                          strata, (value, by), [], numeric=(value,))
    emit(quantiles_of(frame, value, by=by, weights=weights, probs=p, rule=rule,
                       cluster=cluster, strata=strata), fmt, output,
         tr(lang, "Quantiles of {value}", value=value), "quantiles", lang)


@click.command()
@data_argument
@click.option("--scale", "scales", multiple=True, metavar="NAME=COL,COL,…",
              help="A scale and its item columns (repeatable); default: every dimension of "
                   "the instrument, on its item scores.")
@click.option("--reverse", metavar="COL,…", help="Items scored in the opposite direction.")
@click.option("--min", "low", type=float, metavar="N", help="Lowest possible answer (for "
                                                            "reversing).")
@click.option("--max", "high", type=float, metavar="N", help="Highest possible answer.")
@table_output("Write the table to this file.")
def reliability(data, scales, reverse, low, high, fmt, output, lang, instrument) -> None:
    """Cronbach's alpha per scale (pairwise-complete, as psych::alpha), standardized alpha,
    Feldt 95% CI and McDonald's omega; per dimension on instrument data.

    \b
    Example: socialmaturity research reliability tidy.csv
    Example: socialmaturity research reliability data.csv --scale trust=q1,q2,q3 --reverse q2
    """
    from ..research.reliability import (
        cronbach_alpha,
        reliability_by_dimension,
        reliability_table,
    )
    from ..services.research_files import read_data

    frame = read_data(data)
    if not scales:
        table = reliability_by_dimension(frame, load_instrument(instrument))
    else:
        results = {}
        reversed_items = split(reverse) or []
        problems = []
        for spec in scales:
            name, _, items = spec.partition("=")
            columns = split(items)
            if not name.strip() or not columns:
                problems.append(Problem("--scale", "{value!r}; valid: NAME=COL,COL,…", value=spec))
                continue
            results[name.strip()] = (columns, [c for c in reversed_items if c in columns])
        unused = [c for c in reversed_items if not any(c in cols for cols, _ in
                                                       results.values())]
        problems += [Problem("--reverse", "{column!r} is in no --scale", column=c)
                     for c in unused]
        if problems:
            raise SocialMaturityError(problems)
        table = reliability_table({name: cronbach_alpha(frame, cols, reverse=rev, min=low,
                                                        max=high)
                                   for name, (cols, rev) in results.items()})
    emit(table, fmt, output, tr(lang, "Reliability"), "reliability", lang)


