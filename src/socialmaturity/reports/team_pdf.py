"""The team section of the PDF report: what ``typst/team.typ`` prints after the organization's
result, as JSON-ready data (texts in the result's language, numbers written the way that
language writes them).

Every number is read from the round's :class:`~.team.TeamResult` (the engine computed it);
nothing is recomputed here. Parts without data are ``None`` or empty and the template leaves
them out: the progress without a previous round, the targets without targets, the
disagreements when fewer than two departments are shown.
"""

from __future__ import annotations

from ..i18n.catalog import number, tr
from .format import alt_text, num
from .heatmap import heatmap_svg
from .result import Stage
from .team import DimensionProgress, ProgressOut, TeamOut, TeamResult


def _change(lang: str, x: float | None) -> str:
    """A change with its sign: +4.3, 0.0, −1.2."""
    if x is None:
        return num(lang, x)
    return ("+" if x > 0 else "−" if x < 0 else "") + num(lang, abs(x))


def _scored(lang: str, score: float | None, stage: Stage | None) -> str:
    """A score with its stage: 46.7 · Coordinated."""
    return num(lang, score) + (f" · {stage.name}" if stage else "")


def _labels(lang: str, k: int) -> dict[str, str]:
    return {
        "department": tr(lang, "Department"),
        "respondents": tr(lang, "Respondents"),
        "shown_as": tr(lang, "Shown as"),
        "per_department": tr(lang, "Respondents per department"),
        "heatmap": tr(lang, "Scores per department and dimension"),
        "heatmap_intro": tr(lang, "Each cell is the score (0–100) of one department's answers "
                                  "rolled up per question; the last column is the whole "
                                  "organization. The shading is the stage the score reaches.")
        + " " + tr(lang, "A department is shown with at least {k} respondents; smaller ones "
                         "are pooled into \u201cother\u201d.", k=k),
        "agreement": tr(lang, "Agreement per dimension"),
        "agreement_intro": tr(lang, "Spread: highest − lowest department score. Agreement: 1 − "
                                    "SD of the respondents' scores / 50 (1: all agree, 0: "
                                    "widest split)."),
        "dimension": tr(lang, "Dimension"),
        "organization": tr(lang, "Organization"),
        "sd": tr(lang, "SD"),
        "spread": tr(lang, "Spread"),
        "agreement_index": tr(lang, "Agreement"),
        "disagreements": tr(lang, "Largest disagreements between departments"),
        "disagreements_intro": tr(lang, "The questions on which the departments' rolled-up "
                                        "answers differ most in points, each with the answers "
                                        "given in every department."),
        "rolled_up": tr(lang, "Rolled-up answer"),
        "points": tr(lang, "Points (0–100)"),
        "given": tr(lang, "Answers given"),
        "question": tr(lang, "Question"),
        "now": tr(lang, "Now"),
        "answer_change": tr(lang, "Answer change"),
        "effect": tr(lang, "Effect"),
        "targets": tr(lang, "Progress to the targets"),
        "targets_intro": tr(lang, "The targets set for this round: a stage to reach (its "
                                  "minimum score in brackets) or a score. To go: the points "
                                  "still missing."),
        "target": tr(lang, "Target"),
        "to_go": tr(lang, "To go"),
        "met": tr(lang, "Met"),
    }


def team_view(found: TeamResult) -> dict:
    """The team section's data for the PDF template (see the module docstring)."""
    result, team = found.result, found.team
    lang = result.language
    title = tr(lang, "Team assessment: {round}", round=team.round) if team.round else \
        tr(lang, "Team assessment")
    heatmap = heatmap_svg(result, team, id_prefix="pdf-heatmap")
    return {
        "t": _labels(lang, team.min_group),
        "title": title,
        "cover": tr(lang, "{title} · {n} respondents", title=title,
                    n=number(lang, team.respondents, 0)),
        "intro": tr(lang, "{n} respondents in {departments} departments answered; the "
                          "organization's result in this report is their answers rolled up "
                          "per question.", n=number(lang, team.respondents, 0),
                    departments=number(lang, len(team.respondents_by_department), 0)),
        "counts": _counts(team, lang),
        "heatmap": {"svg": heatmap, "alt": alt_text(heatmap),
                    "columns": len(team.departments) + 1},
        "pooled": [tr(lang, "{department}: the departments of fewer than {k} respondents "
                            "taken together, n = {n}.", department=d.label, k=team.min_group,
                      n=number(lang, d.n, 0))
                   for d in team.departments if d.pooled],
        "not_shown": team.not_shown.reason if team.not_shown else None,
        "below": team.below_note,
        "agreement": [[a.name, num(lang, d.score), number(lang, a.n, 0), num(lang, a.sd),
                       num(lang, a.spread), num(lang, a.agreement, 2)]
                      for d, a in zip(result.dimensions, team.agreement, strict=True)],
        "disagreements": _disagreements(team, lang),
        "progress": _progress(team.progress, team.round, lang) if team.progress else None,
        "targets": _targets(team, lang),
    }


def _counts(team: TeamOut, lang: str) -> list[list[str]]:
    """The respondents per department and where they are shown; none when every department
    is shown as itself (the heatmap's heads give each n then)."""
    shown = {d.department: d.label for d in team.departments}
    if all(c.shown_in == c.department for c in team.respondents_by_department):
        return []
    return [[c.label, number(lang, c.n, 0),
             shown.get(c.shown_in, c.shown_in) if c.shown_in
             else tr(lang, "not shown (fewer than {k})", k=team.min_group)]
            for c in team.respondents_by_department]


def _disagreements(team: TeamOut, lang: str) -> list[dict]:
    not_answered = tr(lang, "not answered")
    return [{
        "n": str(i),
        "text": d.text,
        "where": tr(lang, "({dimension}; spread {spread})", dimension=d.dimension_name,
                    spread=num(lang, d.spread)),
        "departments": [{
            "label": g.label,
            "n": f"n\u00a0=\u00a0{number(lang, g.n, 0)}",
            "answer": g.answer_label or not_answered,
            "points": num(lang, g.item_score),
            "given": [f"{number(lang, c.count, 0)}× {c.label}" for c in g.answers],
        } for g in d.departments],
    } for i, d in enumerate(team.disagreements, 1)]


def _progress(p: ProgressOut, now: str | None, lang: str) -> dict:
    """The progress table (its heads the rounds' names when both have one) and the moved
    answers."""

    def row(r: DimensionProgress) -> list[str]:
        return [r.name, _scored(lang, r.before.score, r.before.stage),
                _scored(lang, r.after.score, r.after.stage), _change(lang, r.change)]

    label = p.previous_round or tr(lang, "the previous round")
    not_answered = tr(lang, "not answered")
    return {
        "title": tr(lang, "Progress since {round} (n = {n})", round=label,
                    n=number(lang, p.previous_respondents, 0)),
        "intro": tr(lang, "Each dimension's score and stage in the previous round and now "
                          "(both rounds' answers rolled up per question)."),
        "head": [tr(lang, "Dimension"),
                 *((p.previous_round, now) if p.previous_round and now
                   else (tr(lang, "Before"), tr(lang, "Now"))), tr(lang, "Change")],
        "rows": [row(p.overall), *map(row, p.dimensions)],
        "moves_title": tr(lang, "Answers that moved ({n}), each with its effect on the earlier "
                                "round's result", n=len(p.moves)),
        "moves": [[m.text,
                   f"\u201c{m.before_label or not_answered}\u201d → "
                   f"\u201c{m.after_label or not_answered}\u201d",
                   tr(lang, "overall {o0} → {o1}, dimension {d0} → {d1}",
                      o0=num(lang, m.effect.overall_before), o1=num(lang, m.effect.overall_after),
                      d0=num(lang, m.effect.dimension_before),
                      d1=num(lang, m.effect.dimension_after))]
                  for m in p.moves],
    }


def _targets(team: TeamOut, lang: str) -> list[dict]:
    rows = []
    for t in team.targets:
        goal = tr(lang, "{stage} ({score})", stage=t.target_stage.name,
                  score=num(lang, t.target_score, 0)) if t.target_stage \
            else num(lang, t.target_score)
        was = "" if t.previous_gap is None else " " + tr(lang, "(was {gap})",
                                                         gap=num(lang, t.previous_gap))
        rows.append({"cells": [t.name, goal, _scored(lang, t.score, t.stage),
                               num(lang, t.gap) + was, tr(lang, "yes") if t.met
                               else tr(lang, "no")], "met": t.met})
    return rows
