"""The perception-gap heatmap of a round as SVG: one row per dimension, one column per
department shown (with its n) and a last column for the whole organization; each cell is
the score that group's rolled-up answers get, written in the cell, and shaded by the stage
band the score falls in (the legend gives the bands).

Drawn like the other charts (:mod:`.svg`: a view computed here, the template
``templates/heatmap.svg.j2``): a ``viewBox`` and no fixed size, ``role="img"`` with a
``<title>`` and a ``<desc>`` (in the result's language) that tells every number the picture
shows, values written as text (the shading only repeats them), text with WCAG AA contrast on
its cell (≥ 4.5:1), cell borders ≥ 3:1 on white, every text escaped by the template.
"""

from __future__ import annotations

from ..i18n.catalog import number, tr
from .format import num
from .result import AssessmentResult
from .svg import INK, MUTED, View, render, wrap_label
from .team import TeamOut

BORDER = "#6b7280"  # 4.8:1 on white
#: (cell fill, text colour) per stage band, lowest first: text contrast ≥ 4.5:1 on its fill
BANDS = (("#f3f4f6", INK), ("#bfdbfe", INK), ("#2563eb", "#ffffff"), ("#1e3a8a", "#ffffff"))
EMPTY = ("#ffffff", MUTED)
LABEL_W, CELL_W, CELL_H, GAP, HEAD_H, TOP = 230.0, 104.0, 44.0, 14.0, 64.0, 14.0


def _band(score: float | None, starts: list[float]) -> tuple[str, str]:
    if score is None:
        return EMPTY
    band = max([i for i, s in enumerate(starts) if score >= s - 1e-9] or [0])
    return BANDS[min(band, len(BANDS) - 1)]


def heatmap_text(result: AssessmentResult, team: TeamOut, columns: list) -> tuple[str, str]:
    """The heatmap's title and description (every value in words)."""
    lang = result.language
    title = tr(lang, "Scores per department and dimension")
    if not team.departments:
        return title, tr(lang, "No department has at least {k} respondents, so none is shown; "
                               "the organization's scores: {scores}.", k=team.min_group,
                         scores="; ".join(f"{d.name} {num(lang, d.score)}"
                                          for d in result.dimensions))
    parts = [tr(lang, "{department} (n = {n}): {cells}", department=label, n=n,
                cells=", ".join(f"{d.name} {num(lang, x)}"
                                for d, x in zip(result.dimensions, scores, strict=True)))
             for label, n, scores in columns]
    desc = tr(lang, "Scores from 0 to 100 of each department's answers rolled up; departments "
                    "of fewer than {k} respondents are not shown.", k=team.min_group)
    return title, desc + " " + "; ".join(parts) + "."


def heatmap_svg(result: AssessmentResult, team: TeamOut, *, id_prefix: str = "sm-heatmap"
                ) -> str:
    """The heatmap of a round (see the module docstring)."""
    lang = result.language
    columns = [(d.label, d.n, [c.score for c in d.dimensions]) for d in team.departments]
    columns.append((tr(lang, "Organization"), team.respondents,
                    [d.score for d in result.dimensions]))
    title, desc = heatmap_text(result, team, columns)
    starts = [s.min_score for s in result.benchmark.stage_distribution]
    width = LABEL_W + CELL_W * len(columns) + GAP + 16
    heads, cells = [], []
    for j, (label, n, scores) in enumerate(columns):
        x = LABEL_W + CELL_W * j + (GAP if j == len(columns) - 1 else 0)
        lines = wrap_label(label, 13, CELL_W - 8, 2, em=0.6)
        heads.append(View(x=x + CELL_W / 2, y=TOP + 14 + (2 - len(lines)) * 15, lines=lines,
                          ny=TOP + HEAD_H - 12, n=f"n\u00a0=\u00a0{n}"))
        for i, score in enumerate(scores):
            fill, ink = _band(score, starts)
            cells.append(View(x=x + 1, y=TOP + HEAD_H + CELL_H * i + 1, fill=fill, ink=ink,
                              value=num(lang, score)))
    rows = []
    for i, d in enumerate(result.dimensions):
        lines = wrap_label(d.name, 13, LABEL_W - 16, 2, em=0.55)
        rows.append(View(y=TOP + HEAD_H + CELL_H * i + CELL_H / 2 + 5 - (len(lines) - 1) * 8,
                         lines=lines))
    legend_y = TOP + HEAD_H + CELL_H * len(result.dimensions) + 34
    swatches, height = _legend(lang, result, width, legend_y)
    return render("heatmap.svg.j2", width=width, height=height, prefix=id_prefix, title=title,
                  desc=desc, heads=heads, rows=rows, cells=cells, cw=CELL_W - 2.0,
                  ch=CELL_H - 2.0, BORDER=BORDER, legend_y=legend_y, swatches=swatches,
                  legend_title=tr(lang, "Shading: the stage band of the score"))


def _legend(lang: str, result: AssessmentResult, width: float, y: float
            ) -> tuple[list[View], float]:
    """A swatch per stage band with its name and starting score, wrapped to the width; the
    swatches and the chart's height below them."""
    swatches = []
    x, row = 8.0, y + 10
    for i, s in enumerate(result.benchmark.stage_distribution):
        label = tr(lang, "{stage} from {min}", stage=s.name, min=number(lang, s.min_score, 0))
        item = 24 + 7.0 * len(label) + 18
        if x > 8 and x + item > width:
            x, row = 8.0, row + 22
        swatches.append(View(x=x, y=row, fill=BANDS[min(i, len(BANDS) - 1)][0], label=label))
        x += item
    return swatches, row + 26
