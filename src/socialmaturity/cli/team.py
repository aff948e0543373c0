"""The team assessment command: several answers files of one organization → the
organization's result and where its departments see it differently."""

from __future__ import annotations

import click

from ..i18n.catalog import tr
from .options import ASSESSMENT, format_option, with_settings
from .render import console, print_result


@click.command()
@click.argument("answers", nargs=-1, required=True, type=click.Path())
@click.option("--round-label", metavar="LABEL", help="The round's name, e.g. \"2026 Q4\".")
@click.option("--previous", multiple=True, type=click.Path(), metavar="ANSWERS",
              help="An answers file (or folder) of an earlier round, for the progress "
                   "section; repeat for several files.")
@click.option("--targets", type=click.Path(dir_okay=False), metavar="FILE",
              help="YAML/JSON: dimension id → target stage key or score (0–100).")
@click.option("--heatmap", type=click.Path(dir_okay=False), metavar="SVG",
              help="Also write the department × dimension heatmap (SVG) to this file.")
@click.option("--xlsx", type=click.Path(dir_okay=False), metavar="XLSX",
              help="Also write the round as a workbook: answers and scores per respondent, "
                   "the roll-up, the heatmap.")
@click.option("--pdf", type=click.Path(dir_okay=False), metavar="PDF",
              help="Also write the PDF report (in --lang): the organization's report with the "
                   "team section (heatmap, agreement, disagreements, progress, targets).")
@format_option("text", "json")
@with_settings(*ASSESSMENT, "team_min_group")
def team(answers, round_label, previous, targets, heatmap, xlsx, pdf, fmt, settings) -> None:
    """Score a team round: the answers files of one organization's respondents (or a folder
    of them), each naming its department, rolled up into the organization's result, with the
    departments' scores, their agreement and largest disagreements, and with --previous the
    progress since an earlier round.

    \b
    Example: socialmaturity team examples/team/2026 --round-label "2026 Q4"
    Example: socialmaturity team examples/team/2026 --previous examples/team/2025
    Example: socialmaturity team examples/team/2026 --targets examples/team/targets.yaml
    Example: socialmaturity team examples/team/2026 --format json --lang nl
    Example: socialmaturity team examples/team/2026 --heatmap heatmap.svg --xlsx round.xlsx
    Example: socialmaturity team examples/team/2026 --previous examples/team/2025 --pdf round.pdf
    """
    from ..files import check_writable
    from ..instrument.loader import resolve_instrument
    from ..services.assessment import Assessor, demo_panel, load_panel
    from ..services.teams import assess_round, write_team_xlsx
    from ..teams.progress import load_targets
    from ..teams.round import load_round

    lang = settings.lang
    check_writable(heatmap, xlsx, pdf)
    inst = resolve_instrument(settings.instrument)
    rnd = load_round(inst, answers, round_label, lang)  # bad input ends here, before the panel
    before = load_round(inst, previous, None, lang) if previous else None
    goals = load_targets(inst, targets) if targets else None
    panel = (load_panel(inst, settings.panel, settings.lang) if settings.panel
             else demo_panel(inst))
    assessor = Assessor(inst, panel, settings.min_group_size)
    found = assess_round(assessor, rnd, lang, settings.team_min_group, before, goals)
    if heatmap:
        from ..files import write_atomically
        from ..reports.heatmap import heatmap_svg

        svg = heatmap_svg(found.result, found.team)
        write_atomically(heatmap, lambda f: f.write(svg))
    if xlsx:
        write_team_xlsx(xlsx, inst, rnd, found)
    if pdf:
        from ..files import write_bytes_atomically
        from ..reports.pdf import render_team_pdf

        write_bytes_atomically(pdf, render_team_pdf(found))
    if fmt == "json":
        click.echo(found.to_json())
    else:
        from ..reports.team_text import render_team

        print_result(found.result, "text")
        console().print(render_team(found.team, found.result))
    for written in (heatmap, xlsx, pdf):
        if written:
            click.echo(tr(lang, "wrote {path}", path=written), err=True)


COMMANDS = (team,)
