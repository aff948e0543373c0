"""The team section of a round as text for a terminal (rich renderables), printed after the
organization's result."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..i18n.catalog import tr
from .format import num, stacked
from .result import AssessmentResult
from .team import DimensionProgress, ProgressOut, TeamOut


def render_team(team: TeamOut, result: AssessmentResult) -> Group:
    lang = result.language
    parts: list = [_head(team, lang), _counts(team, lang), _heatmap(team, result),
                   _agreement(team, result)]
    if team.not_shown:
        parts.append(Text(team.not_shown.reason, style="yellow"))
    if team.below_note:
        parts.append(Text(team.below_note, style="dim"))
    parts.append(_disagreements(team, lang))
    if team.progress:
        parts += _progress(team.progress, lang)
    if team.targets:
        parts.append(_targets(team, lang))
    return Group(*parts)


def _head(team: TeamOut, lang: str) -> Panel:
    text = Text(tr(lang, "{n} respondents in {departments} departments; the organization's "
                         "result above is their answers rolled up per question.",
                   n=team.respondents, departments=len(team.respondents_by_department)))
    text.append("\n" + tr(lang, "A department is shown with at least {k} respondents; smaller "
                                "ones are pooled into \u201cother\u201d.", k=team.min_group),
                style="dim")
    title = tr(lang, "Team assessment: {round}", round=team.round) if team.round else \
        tr(lang, "Team assessment")
    return Panel(text, title=title, expand=False)


def _counts(team: TeamOut, lang: str) -> Table:
    shown = {d.department: d.label for d in team.departments}
    table = Table(title=tr(lang, "Respondents per department"), title_justify="left")
    table.add_column(tr(lang, "Department"))
    table.add_column(tr(lang, "Respondents"), justify="right")
    table.add_column(tr(lang, "Shown as"))
    for c in team.respondents_by_department:
        table.add_row(c.label, str(c.n), shown.get(c.shown_in or "", "")
                      if c.shown_in else tr(lang, "not shown (fewer than {k})", k=team.min_group))
    return table


def _heatmap(team: TeamOut, result: AssessmentResult) -> Table:
    lang = result.language
    # the departments' heads one word a line, and the agreement in a table of its own, so
    # that a few departments fit 80 columns
    table = Table(title=tr(lang, "Scores per department and dimension"), title_justify="left")
    table.add_column(tr(lang, "Dimension"))
    for d in team.departments:
        table.add_column(f"{stacked(d.label)}\nn = {d.n}", justify="right")
    table.add_column(f"{tr(lang, 'Organization')}\nn = {team.respondents}", justify="right",
                     style="bold")
    for i, d in enumerate(result.dimensions):
        table.add_row(d.name, *(num(lang, dep.dimensions[i].score) for dep in team.departments),
                      num(lang, d.score))
    return table


def _agreement(team: TeamOut, result: AssessmentResult) -> Table:
    lang = result.language
    table = Table(title=tr(lang, "Agreement per dimension"), title_justify="left")
    table.add_column(tr(lang, "Dimension"))
    table.add_column(tr(lang, "Spread"), justify="right")
    table.add_column(tr(lang, "Agreement"), justify="right")
    for d, a in zip(result.dimensions, team.agreement, strict=True):
        table.add_row(d.name, num(lang, a.spread), num(lang, a.agreement, 2))
    table.caption = tr(lang, "Spread: highest − lowest department score. Agreement: 1 − SD of "
                             "the respondents' scores / 50 (1: all agree, 0: widest split).")
    table.caption_justify = "left"
    return table


def _disagreements(team: TeamOut, lang: str) -> Text:
    text = Text(tr(lang, "Largest disagreements between departments") + "\n",
                style="bold underline")
    if not team.disagreements:
        text.append(tr(lang, "None: fewer than two departments are shown, or they roll up to "
                             "the same answers.") + "\n", style="dim")
    for i, d in enumerate(team.disagreements, 1):
        text.append(f"{i}. {d.text}", style="bold")
        text.append(" " + tr(lang, "({dimension}; spread {spread})",
                             dimension=d.dimension_name, spread=num(lang, d.spread)) + "\n",
                    style="dim")
        for dep in d.departments:  # the rolled-up answer, then the answers given
            text.append(f"   {dep.label} (n = {dep.n}): ")
            text.append(f"\u201c{dep.answer_label or tr(lang, 'not answered')}\u201d\n",
                        style="cyan")
            for c in dep.answers:
                text.append(f"      {c.count}× {c.label}\n", style="dim")
    return text


def _cell(lang: str, r) -> str:
    stage = f" ({r.stage.name})" if r.stage else ""
    return num(lang, r.score) + stage


def _progress(p: ProgressOut, lang: str) -> list:
    label = p.previous_round or tr(lang, "the previous round")
    table = Table(title=tr(lang, "Progress since {round} (n = {n})", round=label,
                           n=p.previous_respondents), title_justify="left")
    for name, justify in ((tr(lang, "Dimension"), "left"), (tr(lang, "Before"), "right"),
                          (tr(lang, "Now"), "right"), (tr(lang, "Change"), "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]

    def row(r: DimensionProgress, style: str = "") -> None:
        change = "–" if r.change is None else ("+" if r.change > 0 else "") + num(lang, r.change)
        table.add_row(r.name, _cell(lang, r.before), _cell(lang, r.after), change, style=style)

    row(p.overall, "bold")
    for r in p.dimensions:
        row(r)
    moves = Text(tr(lang, "Answers that moved ({n}), each with its effect on the earlier "
                          "round's result", n=len(p.moves)) + "\n", style="bold underline")
    for m in p.moves:
        e = m.effect
        moves.append(f"• {m.text} ")
        moves.append(f"\u201c{m.before_label or tr(lang, 'not answered')}\u201d → "
                     f"\u201c{m.after_label or tr(lang, 'not answered')}\u201d", style="cyan")
        moves.append("  " + tr(lang, "overall {o0} → {o1}, dimension {d0} → {d1}",
                               o0=num(lang, e.overall_before), o1=num(lang, e.overall_after),
                               d0=num(lang, e.dimension_before), d1=num(lang, e.dimension_after))
                     + "\n", style="green" if e.overall_after >= e.overall_before else "red")
    return [table, moves]


def _targets(team: TeamOut, lang: str) -> Table:
    table = Table(title=tr(lang, "Targets"), title_justify="left")
    for name, justify in ((tr(lang, "Dimension"), "left"), (tr(lang, "Target"), "left"),
                          (tr(lang, "Now"), "right"), (tr(lang, "To go"), "right"),
                          (tr(lang, "Met"), "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for t in team.targets:
        goal = t.target_stage.name if t.target_stage else num(lang, t.target_score)
        before = "" if t.previous_gap is None else " " + tr(lang, "(was {gap})",
                                                            gap=num(lang, t.previous_gap))
        table.add_row(t.name, goal, _cell(lang, t), num(lang, t.gap) + before,
                      tr(lang, "yes") if t.met else tr(lang, "no"),
                      style="green" if t.met else "")
    return table
