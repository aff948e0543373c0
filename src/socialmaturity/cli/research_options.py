"""Options of the research commands, the same way on every command that takes them."""

from __future__ import annotations

import functools

import click

from ..errors import Message, Problem, SocialMaturityError

LAYOUTS = ["qualtrics", "surveymonkey", "google-forms", "plain"]


def names_the_data(f):
    """Errors about the columns and rows of the command's DATA (or EXPORT) name its file
    first: ``scored.csv: column 'x', row 2: …``. Goes under ``handle_errors``."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except SocialMaturityError as exc:
            path = kwargs.get("data") or kwargs.get("export")
            if not path:
                raise
            problems = [Problem(Message("{file}: {place}", file=str(path),
                                        place=p.raw_where), p.raw_message)
                        if p.where.startswith(("column ", "row ")) else p
                        for p in exc.problems]
            raise SocialMaturityError(problems, total=exc.total) from None
    return wrapper


def data_argument(f):
    return click.argument("data", type=click.Path(dir_okay=False), metavar="DATA")(f)


def output_option(required: bool, help: str, metavar: str = "FILE"):
    return click.option("--output", "-o", required=required, metavar=metavar,
                        type=click.Path(dir_okay=False), help=help)


def weights_option(f):
    return click.option("--weights", metavar="COLUMN",
                        help="Column of sampling weights (each > 0); default: unweighted.")(f)


def by_focus_options(f):
    f = click.option("--focus", default="true", show_default=True, metavar="VALUE",
                     help="Value of --by that forms the focus group; every other value is "
                          "the rest.")(f)
    return click.option("--by", default="mature", show_default=True, metavar="COLUMN",
                        help="Column that defines the groups. mature, stage, stage_level and "
                             "the score columns are computed from the answers when missing."
                        )(f)


def indicators_option(f):
    return click.option("--indicators", metavar="COL,…",
                        help="0/1 indicator columns (or instrument indicators such as "
                             "reach-departments=sales, outcome-cpa:top2); default: every "
                             "indicator of the instrument.")(f)


def design_options(f):
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


def at_level(frame, inst, level: str, cluster: str | None, strata: str | None,
              names: list[str], rule: str, weights: str | None, numeric=(), keep=()):
    """The table at the level asked for, and the cluster the design then has (none for
    organizations: each is its own unit)."""
    if level == "respondent":
        return frame, cluster
    from ..research.organizations import to_organizations

    orgs = to_organizations(frame, inst, names, by=cluster or "organization_id", rule=rule,
                            weights=weights, numeric=numeric,
                            keep=[c for c in (*keep, strata) if c])
    return orgs, None


def analysis_frame(data: str, instrument: str | None, level: str, org_rule: str,
                   weights: str | None, cluster: str | None, strata: str | None,
                   columns: tuple[str | None, ...], indicators: list[str] | None = None,
                   numeric: tuple[str, ...] = ()):
    """DATA ready for an analysis of the ``columns`` it names (``--by``, ``--value``) and the
    ``indicators`` (:func:`~socialmaturity.services.research.prepare`), at ``level``: the
    table, the indicator names, their infos and the cluster (:func:`at_level`).

    At the respondent level only the columns used are read when the indicators are named (a
    wide table's other columns are not), and the instrument only when the table lacks a
    column it names (:func:`~socialmaturity.services.research.uses_instrument`)."""
    from ..services.research import prepare, uses_instrument
    from ..services.research_files import read_data

    used = None if level != "respondent" or indicators is None else list(dict.fromkeys(
        c for c in (*indicators, *columns, weights, cluster, strata) if c))
    frame = read_data(data, used)
    inst = None if level == "respondent" and not uses_instrument(frame, columns, indicators) \
        else load_instrument(instrument)
    frame, names, infos = prepare(frame, inst, columns=columns, indicators=indicators,
                                  want_indicators=not numeric)
    frame, cluster = at_level(frame, inst, level, cluster, strata, names, org_rule, weights,
                              numeric=numeric, keep=columns)
    return frame, names, infos, cluster


def layout_option(f):
    return click.option("--layout", type=click.Choice(LAYOUTS),
                        help="The export's layout; default: told from the header rows.")(f)


def split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    return items or None


def load_instrument(instrument: str):
    from ..instrument.loader import resolve_instrument

    return resolve_instrument(instrument)


def design_option(f):
    return click.option("--design", type=click.Choice(["auto", "simple", "clustered",
                                                       "stratified", "organization"]),
                        default="auto", show_default=True,
                        help="auto: clustered when organization_id has several respondents "
                             "per organization; simple: respondents independent; clustered: "
                             "organizations as sampling units; stratified: organizations "
                             "within sectors; organization: one row per organization.")(f)


def pipeline_options(f):
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


def pipeline_settings(margins_path, trim, rules_path, no_clean, by_group, **options):
    """The :class:`~socialmaturity.services.research_result.RunOptions` of `research report`
    and `research run`: the targets and rules files read and checked, with ``options``."""
    from ..services.research_files import load_margins, load_rules, parse_trim
    from ..services.research_result import RunOptions

    trim_value = parse_trim(trim)
    if trim_value and not margins_path:
        raise SocialMaturityError(Problem("--trim", "trims weights made with --margins; give "
                                                    "--margins too"))
    margins = load_margins(margins_path, trim_value) if margins_path else None
    if no_clean and rules_path:
        raise SocialMaturityError(Problem("--rules", "give --rules or --no-clean, not both"))
    return RunOptions(rules=load_rules(rules_path) if rules_path else None,
                      clean_data=not no_clean, margins=margins, by_group=by_group or None,
                      **options)

