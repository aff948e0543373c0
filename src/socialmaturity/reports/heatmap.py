"""The perception-gap heatmap of a round as SVG: one row per dimension, one column per
department shown (with its n) and a last column for the whole organization; each cell is
the score that group's rolled-up answers get, written in the cell, and shaded by the stage
band the score falls in (the legend gives the bands).

Self-contained, in the house style of the other charts: a ``viewBox`` and no fixed size,
``role="img"`` with a ``<title>`` and a ``<desc>`` (in the result's language) that tells every
number the picture shows, values written as text (the shading only repeats them), text with
WCAG AA contrast on its cell (≥ 4.5:1), cell borders ≥ 3:1 on white, every text escaped.
"""

from __future__ import annotations

import re
import textwrap
from xml.sax.saxutils import escape

from ..i18n.catalog import number, tr
from .result import AssessmentResult
from .team import TeamOut

FONT = "Inter, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2937"
MUTED = "#4b5563"
BORDER = "#6b7280"  # 4.8:1 on white
#: (cell fill, text colour) per stage band, lowest first: text contrast ≥ 4.5:1 on its fill
BANDS = (("#f3f4f6", INK), ("#bfdbfe", INK), ("#2563eb", "#ffffff"), ("#1e3a8a", "#ffffff"))
EMPTY = ("#ffffff", MUTED)

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: object) -> str:
    return escape(_INVALID_XML.sub("", str(text)))


def _wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    out = textwrap.wrap(text, chars, break_long_words=False) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(1, chars - 1)].rstrip() + "…"
    return out


def _band(score: float | None, starts: list[float]) -> tuple[str, str]:
    if score is None:
        return EMPTY
    band = max([i for i, s in enumerate(starts) if score >= s - 1e-9] or [0])
    return BANDS[min(band, len(BANDS) - 1)]


def heatmap_text(result: AssessmentResult, team: TeamOut) -> tuple[str, str]:
    """The heatmap's title and description (every value in words)."""
    lang = result.language
    title = tr(lang, "Scores per department and dimension")
    if not team.departments:
        return title, tr(lang, "No department has at least {k} respondents, so none is shown; "
                               "the organization's scores: {scores}.", k=team.min_group,
                         scores="; ".join(f"{d.name} {_n(lang, d.score)}"
                                          for d in result.dimensions))
    parts = []
    for dep in team.departments:
        cells = ", ".join(f"{d.name} {_n(lang, c.score)}"
                          for d, c in zip(result.dimensions, dep.dimensions, strict=True))
        parts.append(tr(lang, "{department} (n = {n}): {cells}", department=dep.label,
                        n=dep.n, cells=cells))
    whole = ", ".join(f"{d.name} {_n(lang, d.score)}" for d in result.dimensions)
    parts.append(tr(lang, "{department} (n = {n}): {cells}",
                    department=tr(lang, "Organization"), n=team.respondents, cells=whole))
    desc = tr(lang, "Scores from 0 to 100 of each department's answers rolled up; departments "
                    "of fewer than {k} respondents are not shown.", k=team.min_group)
    return title, desc + " " + "; ".join(parts) + "."


def _n(lang: str, x: float | None) -> str:
    return "–" if x is None else number(lang, x)


def heatmap_svg(result: AssessmentResult, team: TeamOut, *, id_prefix: str = "sm-heatmap"
                ) -> str:
    """The heatmap of a round (see the module docstring)."""
    lang = result.language
    title, desc = heatmap_text(result, team)
    columns = [(d.label, d.n, [c.score for c in d.dimensions]) for d in team.departments]
    columns.append((tr(lang, "Organization"), team.respondents,
                    [d.score for d in result.dimensions]))
    stages = result.benchmark.stage_distribution
    starts = [s.min_score for s in stages]
    label_w, cell_w, cell_h, gap = 230.0, 104.0, 44.0, 14.0
    head_h, top = 64.0, 14.0
    grid_top = top + head_h
    width = label_w + cell_w * len(columns) + gap + 16
    legend_y = grid_top + cell_h * len(result.dimensions) + 34
    body: list[str] = []
    for j, (label, n, _) in enumerate(columns):
        x = label_w + cell_w * j + (gap if j == len(columns) - 1 else 0) + cell_w / 2
        lines = _wrap(label, 13)
        y = top + 14 + (2 - len(lines)) * 15
        spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else 15}">{_esc(t)}</tspan>'
                        for i, t in enumerate(lines))
        body.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="13" font-weight="600" '
                    f'text-anchor="middle">{spans}</text>')
        body.append(f'<text x="{x:.1f}" y="{top + head_h - 12:.1f}" font-size="12" '
                    f'fill="{MUTED}" text-anchor="middle">n\u00a0=\u00a0{n}</text>')
    for i, d in enumerate(result.dimensions):
        y = grid_top + cell_h * i
        lines = _wrap(d.name, 30)
        first = y + cell_h / 2 + 5 - (len(lines) - 1) * 8
        spans = "".join(f'<tspan x="8" dy="{0 if k == 0 else 16}">{_esc(t)}</tspan>'
                        for k, t in enumerate(lines))
        body.append(f'<text x="8" y="{first:.1f}" font-size="13">{spans}</text>')
        for j, (_, _, scores) in enumerate(columns):
            score = scores[i]
            fill, ink = _band(score, starts)
            x = label_w + cell_w * j + (gap if j == len(columns) - 1 else 0)
            body.append(f'<rect x="{x + 1:.1f}" y="{y + 1:.1f}" width="{cell_w - 2:.1f}" '
                        f'height="{cell_h - 2:.1f}" fill="{fill}" stroke="{BORDER}" '
                        f'stroke-width="1"/>')
            body.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 5:.1f}" '
                        f'font-size="15" font-weight="600" fill="{ink}" text-anchor="middle">'
                        f'{_esc(_n(lang, score))}</text>')
    legend, legend_h = _legend(lang, stages, width, legend_y)
    body.append(legend)
    height = legend_y + legend_h + 12
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="{FONT}" font-size="14" fill="{INK}">',
        f'<title id="{id_prefix}-title">{_esc(title)}</title>',
        f'<desc id="{id_prefix}-desc">{_esc(desc)}</desc>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        *body, "</svg>"])


def _legend(lang: str, stages, width: float, y: float) -> tuple[str, float]:
    """The stage bands as swatches with their names and starting scores, wrapped to the
    width; the markup and its height."""
    out = [f'<text x="8" y="{y:.1f}" font-size="12" fill="{MUTED}">'
           f'{_esc(tr(lang, "Shading: the stage band of the score"))}</text>']
    x, row = 8.0, y + 10
    for i, s in enumerate(stages):
        fill, _ = BANDS[min(i, len(BANDS) - 1)]
        label = tr(lang, "{stage} from {min}", stage=s.name, min=number(lang, s.min_score, 0))
        item = 24 + 7.0 * len(label) + 18
        if x > 8 and x + item > width:
            x, row = 8.0, row + 22
        out.append(f'<rect x="{x:.1f}" y="{row:.1f}" width="18" height="14" fill="{fill}" '
                   f'stroke="{BORDER}"/>')
        out.append(f'<text x="{x + 24:.1f}" y="{row + 12:.1f}" font-size="12">'
                   f'{_esc(label)}</text>')
        x += item
    return "".join(out), row + 14 - y
