"""SVG charts for narrow screens (phones): the same data as :mod:`.charts`, by its conventions,
drawn 320 units wide so that a chart shown at 300–440 px keeps its text at about its nominal
size: the stages as a vertical ladder, and one bar a dimension instead of the radar (whose
labels need a wide page).
"""

from __future__ import annotations

from functools import lru_cache

from ..i18n.catalog import tr
from .charts import dimension_chart_text, ladder_key, ladder_texts, peers_of, score_text
from .format import num
from .result import AssessmentResult
from .svg import MUTED, TOP, View, render, scale, wrap_label
from .templating import Raw, template

WIDTH = 320.0


def stage_ladder_vertical_svg(result: AssessmentResult, *,
                              id_prefix: str = "sm-ladder-narrow") -> str:
    """The stages from the highest (top) to the lowest, each a row with its starting score and
    the share of peers at it (a bare percentage: the caption says what it counts, and a
    phrase would run into the starting score on a phone); the current stage filled and
    marked "You are here". Made once per :func:`~.charts.ladder_key`."""
    return _vertical_ladder(result.language, *ladder_key(result), id_prefix)


@lru_cache(maxsize=512)
def _vertical_ladder(lang: str, current: tuple[int, str], dist: tuple, peers: str,
                     id_prefix: str) -> str:
    stages, texts, caption = ladder_texts(lang, current, dist, peers)
    n = len(stages)
    row, gap = 62.0, 8.0
    rows = []
    y = 8.0
    for i, (level, name, share, start) in enumerate(reversed(stages)):
        here = level == current[0]
        indent = 14.0 * (n - 1 - i)  # the lower the stage, the further it steps in
        w = WIDTH - 20 - indent
        head = tr(lang, "Stage {level}", level=level)
        if start is not None:
            head += " · " + tr(lang, "from {score}", score=num(lang, start, 0))
        rows.append(View(x=10.0 + indent, y=y, w=w, here=here, head=head,
                     lines=wrap_label(name, 16, w - 20 - (96 if here else 0), 1),
                     share=None if share is None else num(lang, 100 * share, 0) + "%"))
        y += row + gap
    lines = wrap_label(caption, 13, WIDTH - 20, 3, em=0.5)
    return render("ladder_narrow.svg.j2", width=WIDTH, height=y + 14 + 17 * len(lines),
                  prefix=id_prefix, rows=rows, row=row, caption=lines, caption_y=y + 14, **texts)


MEDIAN_STROKE = f'stroke="{MUTED}" stroke-width="2.5" stroke-dasharray="5 3"'
TOP_STROKE = f'stroke="{TOP}" stroke-width="2.5" stroke-dasharray="2 3" stroke-linecap="round"'


def dimension_bars_svg(result: AssessmentResult, *, id_prefix: str = "sm-bars") -> str:
    """One bar a dimension (its score of 100), with a dashed tick at the peer median and a
    dotted tick at the peers' top quartile; the score written after the name. The legend,
    one item a line, at the top. Where each bar goes, its name and the peers' ticks are
    drawn once per dimensions' names and peer values (:func:`_bar_rows`)."""
    lang = result.language
    title, desc = dimension_chart_text(result)
    x0, x1 = 10.0, WIDTH - 10
    sx = scale(x0, x1)
    legend = [(tr(lang, "Your organization"), 18.0), (tr(lang, "Peer median"), 38.0),
              (tr(lang, "Peer top quartile"), 58.0)]
    rows, height = _bar_rows(
        tuple(d.name for d in result.dimensions),
        tuple((sx(b.median), sx(b.top_quartile)) if b else (None, None)
              for b in peers_of(result)))
    bars = [View(row, score=score_text(lang, d.score),
                 w=None if d.score is None else sx(d.score) - x0)
            for d, row in zip(result.dimensions, rows, strict=True)]
    return render("bars_narrow.svg.j2", width=WIDTH, height=height, prefix=id_prefix,
                  title=title, desc=desc, legend=legend, scale=tr(lang, "Scores 0–100"),
                  scale_y=78.0, bars=bars, x0=x0, x1=x1, median_stroke=MEDIAN_STROKE,
                  top_stroke=TOP_STROKE)


@lru_cache(maxsize=256)
def _bar_rows(names: tuple[str, ...], ticks: tuple[tuple[float | None, float | None], ...]
              ) -> tuple[tuple[View, ...], float]:
    """Each bar's place (its name's first baseline ``y``, the bar's ``bar_y``), its name and
    its peer median and top quartile ticks (at ``ticks``' x) drawn, for dimensions of these
    names; and the chart's height."""
    x0, x1 = 10.0, WIDTH - 10
    shapes = template("_svg.j2").module
    marks = template("bars_narrow_ticks.svg.j2")
    y = 94.0
    rows = []
    for name, (median, top_q) in zip(names, ticks, strict=True):
        lines = wrap_label(name, 14, x1 - x0 - 60, 2)
        bar_y = y + 14 + 17 * (len(lines) - 1) + 10
        rows.append(View(
            y=y, bar_y=bar_y,
            name=Raw(shapes.text_lines(x0, y + 14, lines, size=14, lh=17)),
            ticks=Raw(marks.render(bar_y=bar_y, ticks=[
                (x, stroke) for x, stroke in ((median, MEDIAN_STROKE), (top_q, TOP_STROKE))
                if x is not None]))))
        y = bar_y + 34
    return tuple(rows), y
