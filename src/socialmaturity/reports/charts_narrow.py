"""SVG charts for narrow screens (phones): the same data as :mod:`.charts`, drawn 340 units
wide so that a chart shown at 300–440 px keeps its text at about its nominal size.

- :func:`stage_ladder_vertical_svg`: the stages as a vertical ladder, the highest on top;
- :func:`dimension_bars_svg`: one bar a dimension, with the peer median and top quartile,
  instead of the radar (whose labels need a wide page).

Same conventions as :mod:`.charts`: a ``viewBox`` and no fixed size, ``role="img"`` with a
``<title>`` and ``<desc>`` in the result's language, values written as text, series told
apart by line style as well as colour, every text escaped.
"""

from __future__ import annotations

from ..i18n.catalog import tr
from .charts import (
    GRID,
    INK,
    MUTED,
    ORG,
    STEP,
    STEP_LINE,
    TOP,
    _peers_phrase,
    dimension_chart_text,
    escape_text,
    svg_document,
    text_lines,
    wrap_label,
)
from .format import num
from .result import AssessmentResult

WIDTH = 320.0


def stage_ladder_vertical_svg(result: AssessmentResult, *,
                              id_prefix: str = "sm-ladder-narrow") -> str:
    """The stages from the highest (top) to the lowest, each a row with its starting score and
    the share of peers at it (a bare percentage: the caption says what it counts, and a
    phrase would run into the starting score on a phone); the current stage filled and
    marked "You are here"."""
    lang = result.language
    current = result.overall.stage
    dist = result.benchmark.stage_distribution
    stages = [(s.level, s.name, s.share, s.min_score) for s in dist]
    if not any(level == current.level for level, *_ in stages):
        stages = sorted(stages + [(current.level, current.name, None, None)])
    n = len(stages)
    title = tr(lang, "Maturity stages")
    desc = tr(lang, "Your organization is at stage {level} of {total}: {name}.",
              level=current.level, total=n, name=current.name)
    row, gap, top = 62.0, 8.0, 8.0
    body: list[str] = []
    y = top
    for i, (level, name, share, start) in enumerate(reversed(stages)):
        here = level == current.level
        indent = 14.0 * (n - 1 - i)  # the lower the stage, the further it steps in
        x, w = 10.0 + indent, WIDTH - 20 - indent
        fill, stroke, ink = (ORG, ORG, "#ffffff") if here else (STEP, STEP_LINE, INK)
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{row:.1f}" rx="4" '
                    f'fill="{fill}" stroke="{stroke}" stroke-width="{3 if here else 1.5}"/>')
        head = tr(lang, "Stage {level}", level=level)
        if start is not None:
            head += " · " + tr(lang, "from {score}", score=num(lang, start, 0))
        body.append(f'<text x="{x + 10:.1f}" y="{y + 20:.1f}" font-size="13" fill="{ink}">'
                    f"{escape_text(head)}</text>")
        lines = wrap_label(name, 16, w - 20 - (96 if here else 0), 1)
        body.append(text_lines(x + 10, y + 42, lines, size=16, weight="700", fill=ink))
        if here:
            body.append(f'<text x="{x + w - 10:.1f}" y="{y + 42:.1f}" font-size="14" '
                        f'font-weight="700" fill="#ffffff" text-anchor="end">'
                        f'{escape_text(tr(lang, "You are here"))}</text>')
        if share is not None:
            body.append(f'<text x="{x + w - 10:.1f}" y="{y + 20:.1f}" font-size="13" '
                        f'fill="{ink}" text-anchor="end">'
                        + escape_text(num(lang, 100 * share, 0) + "%") + "</text>")
        y += row + gap
    caption = tr(lang, "Share of peers at each stage: {peers}.", peers=_peers_phrase(result))
    lines = wrap_label(caption, 13, WIDTH - 20, 3, em=0.5)
    body.append(text_lines(10, y + 14, lines, size=13, fill=MUTED, line_height=17))
    height = y + 14 + 17 * len(lines)
    return svg_document(WIDTH, height, id_prefix, title, desc, body)


def dimension_bars_svg(result: AssessmentResult, *, id_prefix: str = "sm-bars") -> str:
    """One bar a dimension (its score of 100), with a dashed tick at the peer median and a
    dotted tick at the peers' top quartile; the score written after the name."""
    lang = result.language
    bench = {b.id: b for b in result.benchmark.dimensions}
    title, desc = dimension_chart_text(result)
    x0, x1 = 10.0, WIDTH - 10
    body: list[str] = []
    y = _legend(lang, body)
    for d in result.dimensions:
        score = num(lang, d.score, 0) if d.score is not None else tr(lang, "not applicable")
        lines = wrap_label(d.name, 14, x1 - x0 - 60, 2)
        body.append(text_lines(x0, y + 14, lines, size=14, line_height=17))
        body.append(f'<text x="{x1:.1f}" y="{y + 14:.1f}" font-size="15" font-weight="700" '
                    f'fill="{ORG}" text-anchor="end">{escape_text(score)}</text>')
        bar_y = y + 14 + 17 * (len(lines) - 1) + 10
        body.append(f'<rect x="{x0:.1f}" y="{bar_y:.1f}" width="{x1 - x0:.1f}" height="14" '
                    f'fill="#ffffff" stroke="{GRID}"/>')
        if d.score is not None:
            w = (x1 - x0) * max(0.0, min(100.0, d.score)) / 100
            body.append(f'<rect x="{x0:.1f}" y="{bar_y:.1f}" width="{w:.1f}" height="14" '
                        f'fill="{ORG}"/>')
        b = bench.get(d.id)
        for value, stroke in ((b.median if b else None,
                               f'stroke="{MUTED}" stroke-width="2.5" stroke-dasharray="5 3"'),
                              (b.top_quartile if b else None,
                               f'stroke="{TOP}" stroke-width="2.5" stroke-dasharray="2 3" '
                               f'stroke-linecap="round"')):
            if value is None:
                continue
            x = x0 + (x1 - x0) * max(0.0, min(100.0, value)) / 100
            body.append(f'<line x1="{x:.1f}" y1="{bar_y - 5:.1f}" x2="{x:.1f}" '
                        f'y2="{bar_y + 19:.1f}" {stroke}/>')
        y = bar_y + 34
    return svg_document(WIDTH, y, id_prefix, title, desc, body)


def _legend(lang: str, body: list[str]) -> float:
    """The legend, one item a line, at the top; where the bars start."""
    items = [
        (tr(lang, "Your organization"), None),
        (tr(lang, "Peer median"), f'stroke="{MUTED}" stroke-width="2.5" stroke-dasharray="5 3"'),
        (tr(lang, "Peer top quartile"),
         f'stroke="{TOP}" stroke-width="2.5" stroke-dasharray="2 3" stroke-linecap="round"'),
    ]
    y = 18.0
    for label, stroke in items:
        if stroke is None:
            body.append(f'<rect x="10" y="{y - 10:.1f}" width="22" height="12" fill="{ORG}"/>')
        else:
            body.append(f'<line x1="21" y1="{y - 13:.1f}" x2="21" y2="{y + 5:.1f}" {stroke}/>')
        body.append(f'<text x="42" y="{y:.1f}" font-size="13" fill="{INK}">'
                    f"{escape_text(label)}</text>")
        y += 20
    body.append(f'<text x="10" y="{y + 2:.1f}" font-size="12" fill="{MUTED}">'
                f'{escape_text(tr(lang, "Scores 0–100"))}</text>')
    return y + 16
